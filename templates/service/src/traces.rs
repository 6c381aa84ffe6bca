//! OpenTelemetry traces: spans exported over OTLP (`http/protobuf`) when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and the W3C trace context (`traceparent`,
//! `tracestate`) read from each request and written to its answer.
//!
//! Work a request causes beyond its answer joins its trace: an outbox event and a job keep
//! the context of the span that wrote them ([`context_of`], a column of their rows), and the
//! relay's NATS message, the job's run, a webhook delivery and a mail continue it
//! ([`continue_stored`], [`headers_of`]).
//!
//! Off by default. Then there is no tracer, the spans only traces record are never built
//! (the log filter turns their target off), no row stores a context, and a request costs
//! what it did without them (`docs/operations.md`, "Traces").

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::{HeaderMap, Method, StatusCode};
use opentelemetry::{
    propagation::TextMapPropagator,
    trace::{Status, TraceContextExt, TracerProvider as _},
};
use opentelemetry_http::{HeaderExtractor, HeaderInjector};
use opentelemetry_otlp::ExporterBuildError;
use opentelemetry_sdk::{
    Resource,
    propagation::TraceContextPropagator,
    trace::{SdkTracerProvider, SpanExporter},
};
use tracing::{Span, Subscriber};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{Layer, filter::LevelFilter, registry::LookupSpan};

/// The target of the spans only traces record: a database statement, a cache read or
/// write, the rate limit's decision, an outbox write. The log's filter turns it off, so log
/// lines keep the request's span and, with tracing off, these spans cost nothing.
pub const TARGET: &str = "otel";

/// Whether a tracing layer is installed: the request's span then gets its semantic
/// attributes and the answer its `traceparent`.
static ON: AtomicBool = AtomicBool::new(false);

/// The tracer provider the standard `OTEL_*` variables describe: OTLP over `http/protobuf`
/// to `OTEL_EXPORTER_OTLP_ENDPOINT`, spans sent in batches from a thread of the SDK's.
pub fn from_env() -> Result<SdkTracerProvider, ExporterBuildError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource())
        .build())
}

/// A provider that hands each span to `exporter` as it ends (the tests' collector).
pub fn sending_to(exporter: impl SpanExporter + 'static) -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_simple_exporter(exporter)
        .with_resource(resource())
        .build()
}

/// What the spans say of their source: `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`,
/// or else this crate's name rather than the SDK's `unknown_service`.
fn resource() -> Resource {
    let named = std::env::var_os("OTEL_SERVICE_NAME").is_some()
        || std::env::var("OTEL_RESOURCE_ATTRIBUTES").is_ok_and(|set| set.contains("service.name"));
    let resource = Resource::builder();
    if named {
        resource.build()
    } else {
        resource.with_service_name(env!("CARGO_PKG_NAME")).build()
    }
}

/// The layer that turns spans (INFO and above: the request's, and those of [`TARGET`]) into
/// OpenTelemetry spans, and log lines inside them into their events.
pub fn layer<S>(provider: &SdkTracerProvider) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'span> LookupSpan<'span> + Send + Sync,
{
    ON.store(true, Ordering::Relaxed);
    tracing_opentelemetry::layer()
        .with_tracer(provider.tracer(env!("CARGO_PKG_NAME")))
        // Busy and idle times would cost two clock reads per poll; the span's own start and
        // end are what a trace shows.
        .with_tracked_inactivity(false)
        .with_threads(false)
        .with_location(false)
        .with_filter(LevelFilter::INFO)
}

/// Makes the request's span a server span named after its route (`GET /v1/orders/{id}`)
/// with HTTP's semantic attributes, the child of the trace an incoming `traceparent` names.
/// Called before the span is first entered; does nothing with tracing off.
pub fn start_server_span(span: &Span, method: &Method, route: &str, headers: &HeaderMap) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    let name = if route.is_empty() {
        method.to_string()
    } else {
        format!("{method} {route}")
    };
    span.record("otel.name", name);
    span.record("otel.kind", "server");
    span.set_attribute("http.request.method", method.to_string());
    if !route.is_empty() {
        span.set_attribute("http.route", route.to_owned());
    }
    adopt(span, TraceContextPropagator::new().extract(&HeaderExtractor(headers)));
}

/// Makes `span` (new, not yet entered) the child of `parent`, when that names a span.
fn adopt(span: &Span, parent: opentelemetry::Context) {
    if parent.span().span_context().is_valid() {
        // Only a span already entered refuses a parent; this one is new.
        let _ = span.set_parent(parent);
    }
}

/// Records the answer's status on the request's span (a 5xx marks it an error; a client's
/// error does not) and writes the span's `traceparent` into the answer's headers.
pub fn end_server_span(span: &Span, status: StatusCode, headers: &mut HeaderMap) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    span.set_attribute("http.response.status_code", i64::from(status.as_u16()));
    if status.is_server_error() {
        span.set_status(Status::error(status.to_string()));
    }
    inject(span, headers);
}

/// Writes `span`'s `traceparent` (and `tracestate`) into `headers`: an answer's, or those
/// of a call to another service. Nothing with tracing off.
pub fn inject(span: &Span, headers: &mut HeaderMap) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    let context = span.context();
    if context.span().span_context().is_valid() {
        TraceContextPropagator::new().inject_context(&context, &mut HeaderInjector(headers));
    }
}

/// `span`'s W3C trace context as header names and values (`traceparent`, and `tracestate`
/// when it has one), for a message to another service: empty with tracing off.
pub fn headers_of(span: &Span) -> HashMap<String, String> {
    let mut carrier = HashMap::new();
    if ON.load(Ordering::Relaxed) {
        let context = span.context();
        if context.span().span_context().is_valid() {
            TraceContextPropagator::new().inject_context(&context, &mut carrier);
        }
    }
    carrier
}

/// `span`'s trace context as a row keeps it, for work that runs later and elsewhere (an
/// outbox event, a job): its [`headers_of`] as a JSON object. `None` with tracing off.
pub fn context_of(span: &Span) -> Option<String> {
    let carrier = headers_of(span);
    if carrier.is_empty() {
        return None;
    }
    serde_json::to_string(&carrier).ok()
}

/// Makes `span` (new, not yet entered) continue the trace a row kept ([`context_of`]): the
/// child of the span that wrote the row. Nothing with tracing off, or for a row written
/// outside a trace.
pub fn continue_stored(span: &Span, stored: Option<&str>) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    let carrier: Option<HashMap<String, String>> = stored.and_then(|s| serde_json::from_str(s).ok());
    if let Some(carrier) = carrier {
        adopt(span, TraceContextPropagator::new().extract(&carrier));
    }
}

/// Records the database (`sqlite`, `postgresql`) on the current span when it is a
/// statement's, which declares `db.system.name` (`with_pool!`, `with_tx!`); any other span
/// has no such field and ignores it.
pub fn record_db_system(name: &'static str) {
    if ON.load(Ordering::Relaxed) {
        Span::current().record("db.system.name", name);
    }
}

/// Marks `span`, a call that failed (a job's run, a webhook's delivery), as an error.
pub fn fail(span: &Span, why: &str) {
    if ON.load(Ordering::Relaxed) {
        span.set_status(Status::error(why.to_owned()));
    }
}
