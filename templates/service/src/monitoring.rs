//! Prometheus metrics at `GET /metrics` (text format): request counts and latency
//! histograms by method, route template and status, the database pool's figures and the
//! cache's (entries, and hits and misses by `result`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;
use std::time::Duration;

use axum::{
    Router,
    extract::{MatchedPath, State},
    http::{Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use metrics::{Counter, Histogram, Label, SharedString};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::app::AppState;

const REQUEST_SECONDS: &str = "http_request_duration_seconds";
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder, installed once (tests build many apps in one process).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let matcher = Matcher::Full(REQUEST_SECONDS.to_owned());
        // Setting non-empty buckets cannot fail; the plain builder is only a fallback.
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(matcher, LATENCY_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // If the team installed another recorder first, that one gets the figures.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

async fn render(State(state): State<AppState>) -> Response {
    metrics::gauge!("db_pool_connections").set(f64::from(state.pool.size()));
    metrics::gauge!("db_pool_idle_connections").set(state.pool.num_idle() as f64);
    metrics::gauge!("cache_entries").set(state.cache.entries() as f64);
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    ([(header::CONTENT_TYPE, content_type)], handle().render()).into_response()
}

/// Counts and times a request by method, route template (never the raw path, which would
/// make a series per id) and status.
///
/// The two metrics' handles are looked up in the registry once per thread and series, then
/// kept: the registry hashes every label on each lookup.
pub fn record(method: &Method, route: Option<MatchedPath>, status: StatusCode, latency: Duration) {
    thread_local! {
        static SERIES: RefCell<HashMap<Series, (Counter, Histogram)>> = RefCell::default();
    }
    let series = Series {
        method: method_label(method),
        route,
        status,
    };
    SERIES.with_borrow_mut(|known| {
        let (count, time) = known.entry(series).or_insert_with_key(register);
        count.increment(1);
        time.record(latency.as_secs_f64());
    });
}

/// One request series: its labels.
struct Series {
    method: &'static str,
    route: Option<MatchedPath>,
    status: StatusCode,
}

impl Series {
    fn route(&self) -> Option<&str> {
        self.route.as_ref().map(MatchedPath::as_str)
    }
}

impl PartialEq for Series {
    fn eq(&self, other: &Self) -> bool {
        (self.method, self.route(), self.status) == (other.method, other.route(), other.status)
    }
}

impl Eq for Series {}

impl Hash for Series {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.method, self.route(), self.status).hash(state);
    }
}

/// The registry's handles on a series' count and latency histogram.
fn register(series: &Series) -> (Counter, Histogram) {
    handle();
    let route = series.route().map_or(SharedString::const_str("unmatched"), |route| {
        SharedString::from_owned(route.to_owned())
    });
    let labels = [
        Label::from_static_parts("method", series.method),
        Label::new("route", route),
        Label::new("status", series.status.as_str().to_owned()),
    ];
    (
        metrics::counter!("http_requests_total", labels.iter()),
        metrics::histogram!(REQUEST_SECONDS, labels.iter()),
    )
}

/// The standard methods by name; any other counts as `OTHER`, so clients cannot add series.
fn method_label(method: &Method) -> &'static str {
    const METHODS: [(Method, &str); 7] = [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
    ];
    METHODS
        .iter()
        .find(|(known, _)| known == method)
        .map_or("OTHER", |&(_, name)| name)
}

/// Drains histogram samples into their buckets every few seconds, so memory stays
/// bounded however rarely `/metrics` is scraped.
pub fn spawn_upkeep() {
    tokio::spawn(async {
        let mut interval = tokio::time::interval(Duration::from_secs(5));
        loop {
            interval.tick().await;
            handle().run_upkeep();
        }
    });
}
