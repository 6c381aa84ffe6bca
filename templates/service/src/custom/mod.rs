//! Routes the team owns. The generator creates this file once and never overwrites it.
//!
//! Add routes here; they are merged at the root, so give them their full path:
//!
//! ```text
//! pub fn router() -> Router<AppState> {
//!     Router::new().route("/v1/reports/sales", axum::routing::get(reports::sales))
//! }
//! ```

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
