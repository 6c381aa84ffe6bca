//! `GET /docs`: an interactive reference of `/openapi.json` for people, Swagger UI (5.35.0,
//! vendored from its npm distribution `swagger-ui-dist`, with its license, in
//! `assets/docs/`) served from inside the binary, so the page loads nothing from another
//! host. "Authorize" takes a bearer token and "Try it out" calls the API from the page.
//! Off with `DOCS_ENABLED=false` (404). Not in the OpenAPI document: it is not part of the
//! API.

use axum::{
    Router,
    extract::State,
    http::{HeaderName, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::error::AppError;
use crate::state::AppState;

const PAGE: &str = include_str!("../assets/docs/index.html");
const INIT: &str = include_str!("../assets/docs/init.js");
const BUNDLE: &str = include_str!("../assets/docs/swagger-ui-bundle.js");
const STYLES: &str = include_str!("../assets/docs/swagger-ui.css");

/// The page's own policy, in place of the API's `default-src 'none'`: scripts, styles and
/// requests to this service only; images also from `data:` URIs (Swagger UI's icons).
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
    form-action 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/docs", get(page))
        .route("/docs/init.js", get(init))
        .route("/docs/swagger-ui-bundle.js", get(bundle))
        .route("/docs/swagger-ui.css", get(styles))
}

async fn page(State(state): State<AppState>) -> Result<Response, AppError> {
    serve(&state, "text/html; charset=utf-8", PAGE)
}

async fn init(State(state): State<AppState>) -> Result<Response, AppError> {
    serve(&state, "text/javascript; charset=utf-8", INIT)
}

async fn bundle(State(state): State<AppState>) -> Result<Response, AppError> {
    serve(&state, "text/javascript; charset=utf-8", BUNDLE)
}

async fn styles(State(state): State<AppState>) -> Result<Response, AppError> {
    serve(&state, "text/css; charset=utf-8", STYLES)
}

/// One of the page's files, or 404 when the docs are off.
fn serve(state: &AppState, content_type: &'static str, body: &'static str) -> Result<Response, AppError> {
    if !state.config.docs_enabled {
        return Err(AppError::NotFound);
    }
    let headers: [(HeaderName, HeaderValue); 3] = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY)),
        // The files change only with the binary.
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
    ];
    Ok((headers, body).into_response())
}
