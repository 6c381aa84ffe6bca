//! Logging and request ids.

use std::io::BufWriter;
use std::time::Duration;

use axum::{
    extract::{MatchedPath, Request},
    http::{HeaderName, HeaderValue, Method, StatusCode},
};
use json_subscriber::JsonLayer;
use tracing::{Span, Subscriber};
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::{
    EnvFilter, fmt::MakeWriter, layer::SubscriberExt, registry::LookupSpan,
    util::SubscriberInitExt,
};
use uuid::Uuid;

use crate::config::{Config, LogFormat};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    /// The id of the request being served, so error bodies can carry it.
    static REQUEST_ID: HeaderValue;
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
    let filter = EnvFilter::new(config.log_filter.as_str());
    match config.log_format {
        LogFormat::Json => tracing_subscriber::registry()
            .with(filter)
            .with(json_layer(writer))
            .init(),
        LogFormat::Pretty => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(writer)
            .pretty()
            .init(),
    }
    guard
}

/// One JSON object per line: timestamp, level, target, the event's fields at the top level,
/// and the request's span (method, route, request id, user) under `span`.
///
/// `json-subscriber` rather than `tracing-subscriber`'s own JSON format: it keeps each
/// span's fields serialized once, where the latter parses them again for every line.
pub fn json_layer<S, W>(writer: W) -> JsonLayer<S, W>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
    W: for<'writer> MakeWriter<'writer> + 'static,
{
    let mut layer = JsonLayer::new(writer);
    layer
        .with_timer("timestamp", tracing_subscriber::fmt::time::SystemTime)
        .with_level("level")
        .with_target("target")
        .with_flattened_event()
        .with_current_span("span");
    layer
}

/// The id of the request being served, when called while serving one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID
        .try_with(|id| id.to_str().map(str::to_owned))
        .ok()?
        .ok()
}

/// The request's id: the client's `X-Request-Id` when it is sane, else a new UUID. It is put
/// back on the request, so the handlers see the id the response will carry.
pub fn request_id(request: &mut Request) -> HeaderValue {
    let value = match request.headers().get(&REQUEST_ID_HEADER) {
        Some(value) if is_sane(value) => value.clone(),
        _ => {
            let mut text = Uuid::encode_buffer();
            let text = Uuid::now_v7().hyphenated().encode_lower(&mut text);
            HeaderValue::from_str(text).expect("a UUID is a valid header value")
        }
    };
    request
        .headers_mut()
        .insert(REQUEST_ID_HEADER, value.clone());
    value
}

/// Runs `serving` with `id` as the current request's id (see [`current_request_id`]).
pub async fn with_request_id<F: Future>(id: HeaderValue, serving: F) -> F::Output {
    REQUEST_ID.scope(id, serving).await
}

/// Short and made of safe characters, so it cannot forge log lines or bloat them.
fn is_sane(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    (1..=128).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The span every line logged while serving a request belongs to. `user_id` is filled in
/// once the request's token has been checked.
pub fn request_span(method: &Method, route: &str, id: &HeaderValue) -> Span {
    tracing::info_span!(
        "request",
        method = %method,
        route,
        request_id = id.to_str().unwrap_or_default(),
        user_id = tracing::field::Empty,
    )
}

/// The one line per request: its status and how long it took, in the request's span. Server
/// errors are logged as errors, so they stand out at any log level.
pub fn log_response(status: StatusCode, latency: Duration) {
    let status = status.as_u16();
    let latency_ms = latency.as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(status, latency_ms, "finished processing request");
    } else {
        tracing::info!(status, latency_ms, "finished processing request");
    }
}

/// The matched route template (`/v1/products/{id}`), or `None` for a path no route matches.
pub fn route_of(request: &Request) -> Option<&str> {
    request.extensions().get::<MatchedPath>().map(MatchedPath::as_str)
}
