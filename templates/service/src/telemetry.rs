//! Logging and request ids.

use std::io::BufWriter;

use axum::{
    extract::{MatchedPath, Request},
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use tower_http::{
    LatencyUnit,
    classify::{ServerErrorsAsFailures, SharedClassifier},
    trace::{DefaultOnResponse, MakeSpan, TraceLayer},
};
use tracing::{Level, Span};
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use uuid::Uuid;

use crate::config::{Config, LogFormat};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    /// The id of the request being served, so error bodies can carry it.
    static REQUEST_ID: String;
}

/// Installs the global subscriber: JSON lines by default, human-readable with `LOG_FORMAT=pretty`.
///
/// A thread of its own writes the lines to stdout, in batches, so a request never waits on
/// a write. Keep the returned guard until the process ends: dropping it writes out what is
/// still queued.
#[must_use = "dropping the guard stops the log writer"]
pub fn init(config: &Config) -> WorkerGuard {
    let (writer, guard) = NonBlockingBuilder::default()
        // With the queue full (128k lines), requests wait rather than lines being lost.
        .lossy(false)
        .thread_name("log-writer")
        // Flushed whenever the queue is empty, so an idle service's lines appear at once.
        .finish(BufWriter::new(std::io::stdout()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(config.log_filter.as_str())
        .with_writer(writer);
    match config.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Pretty => builder.pretty().init(),
    }
    guard
}

/// The id of the request being served, when called while serving one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Gives every request an id: the client's `X-Request-Id` when it is sane, else a new UUID.
/// The id is put back on the request (for the trace span), kept in a task-local for error
/// bodies, and returned in the response's `X-Request-Id`.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let value = match request.headers().get(&REQUEST_ID_HEADER) {
        Some(value) if is_sane(value) => value.clone(),
        _ => HeaderValue::from_str(&Uuid::now_v7().to_string())
            .expect("a UUID is a valid header value"),
    };
    let id = value.to_str().unwrap_or_default().to_owned();
    request
        .headers_mut()
        .insert(REQUEST_ID_HEADER, value.clone());
    let mut response = REQUEST_ID.scope(id, next.run(request)).await;
    response.headers_mut().insert(REQUEST_ID_HEADER, value);
    response
}

/// Short and made of safe characters, so it cannot forge log lines or bloat them.
fn is_sane(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    (1..=128).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// One span per request (method, matched route, request id, user) and one log line per response
/// (status and latency).
pub fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_response(
            DefaultOnResponse::new()
                .level(Level::INFO)
                .latency_unit(LatencyUnit::Millis),
        )
}

#[derive(Debug, Clone, Copy)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("", MatchedPath::as_str);
        let request_id = request
            .headers()
            .get(&REQUEST_ID_HEADER)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        // `user_id` is filled in once the request's token has been checked.
        tracing::info_span!(
            "request",
            method = %request.method(),
            route,
            request_id,
            user_id = tracing::field::Empty,
        )
    }
}
