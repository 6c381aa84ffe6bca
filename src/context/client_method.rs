//! How the generated clients name an operation's method, for the generated tests that call
//! them.

use heck::ToSnakeCase as _;
use serde::Serialize;

/// An operation as each client names its method: `createPost`, `create_post`.
#[derive(Debug, Serialize)]
pub struct ClientMethod {
    pub ts: String,
    pub rs: String,
}

impl ClientMethod {
    /// The methods of the operation `id` (its `operationId`): the TypeScript client's is the
    /// id, the Rust client's the id in snake case (`src/clients`).
    pub fn of(id: String) -> Self {
        Self {
            rs: id.to_snake_case(),
            ts: id,
        }
    }
}
