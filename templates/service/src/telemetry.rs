//! Logging, request ids, and the subscriber that also feeds traces.

use std::time::Duration;

use axum::{
    extract::{MatchedPath, Request},
    http::{HeaderName, HeaderValue, Method, StatusCode},
};
use chrono::Utc;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::{Span, Subscriber};
use tracing_subscriber::{
    EnvFilter, Layer, layer::SubscriberExt, registry::LookupSpan, util::SubscriberInitExt,
};
use uuid::{Builder, Uuid};

use crate::config::{Config, LogFormat};
use crate::json_log::JsonLog;
use crate::log_sink::{FlushGuard, LogSink};
use crate::startup::StartupError;
use crate::traces;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    /// The id of the request being served, so error bodies can carry it.
    static REQUEST_ID: HeaderValue;
}

/// Installs the global subscriber: JSON lines by default ([`JsonLog`]), human-readable with
/// `LOG_FORMAT=pretty`; and, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, OpenTelemetry's
/// layer beside it ([`traces`]).
///
/// Lines collect in memory and a thread of its own writes them to stdout every 50 ms
/// ([`LogSink`]), so a request never waits on a write. Keep the returned guard until
/// the process ends: dropping it sends the last spans and writes out the pending lines.
pub fn init(config: &Config) -> Result<Telemetry, StartupError> {
    let (sink, log_writer) = LogSink::stdout()?;
    let provider = config.traces.then(traces::from_env).transpose()?;
    // `RUST_LOG`'s filter, less the spans only traces record. With no tracer it is the
    // subscriber's own, as cheap as filtering gets; with one, each layer has its filter, so
    // `RUST_LOG=warn` still traces every request.
    let filter = EnvFilter::new(format!("{},{}=off", config.log_filter, traces::TARGET));
    let registry = tracing_subscriber::registry();
    match (config.log_format, &provider) {
        (LogFormat::Json, None) => registry.with(filter).with(JsonLog::new(sink)).init(),
        (LogFormat::Json, Some(provider)) => registry
            .with(JsonLog::new(sink).with_filter(filter))
            .with(traces::layer(provider))
            .init(),
        (LogFormat::Pretty, None) => registry.with(filter).with(pretty(sink)).init(),
        (LogFormat::Pretty, Some(provider)) => registry
            .with(pretty(sink).with_filter(filter))
            .with(traces::layer(provider))
            .init(),
    }
    Ok(Telemetry {
        provider,
        _log_writer: log_writer,
    })
}

/// The human-readable log (`LOG_FORMAT=pretty`).
fn pretty<S>(sink: LogSink) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    tracing_subscriber::fmt::layer().with_writer(sink).pretty()
}

/// Held for as long as the process logs and traces.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
    _log_writer: FlushGuard,
}

impl Drop for Telemetry {
    /// Sends the spans still batched (before the log's last lines, which may say it failed).
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(err) = provider.shutdown()
        {
            tracing::warn!(error = %err, "the last spans were not sent");
        }
    }
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
            let text = new_id().hyphenated().encode_lower(&mut text);
            HeaderValue::from_str(text).expect("a UUID is a valid header value")
        }
    };
    request
        .headers_mut()
        .insert(REQUEST_ID_HEADER, value.clone());
    value
}

/// A new UUID v7 (time-ordered) for a request. Its random part comes from this thread's
/// generator (seeded from the system's), not from a system call per id as `Uuid::now_v7`'s
/// does.
fn new_id() -> Uuid {
    let millis = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
    Builder::from_unix_timestamp_millis(millis, &rand::random()).into_uuid()
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
        method = method.as_str(),
        route,
        request_id = id.to_str().unwrap_or_default(),
        user_id = tracing::field::Empty,
        // Set only while tracing (`traces::start_server_span`); the JSON log leaves them out.
        otel.name = tracing::field::Empty,
        otel.kind = tracing::field::Empty,
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
/// A clone of it shares the text.
pub fn route_of(request: &Request) -> Option<MatchedPath> {
    request.extensions().get::<MatchedPath>().cloned()
}
