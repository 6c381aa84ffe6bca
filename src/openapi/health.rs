//! The service's own operations outside the API prefix: health, metrics, this document.

use serde_json::{Map, Value, json};

use super::shared::*;
use crate::operations::{Kind, Probe};

/// What `/metrics` asks of its callers (docs/contract.md, "Health and operations").
const METRICS: &str = "Only for a scrape that sends the service's `METRICS_TOKEN` as its bearer token: without it, or with another, 401 (such attempts count against the caller's rate limit); a scrape with it is never rate limited. With no `METRICS_TOKEN` configured the metrics are off: every request is that 401.";

/// The answers of the service's own operation `kind` (health, metrics, the document), on
/// `base` (id, summary, tag).
pub(super) fn own_operation(kind: &Kind, mut base: Map<String, Value>) -> Value {
    let description = match kind {
        Kind::Health(Probe::Live) => Some(
            "Public and never rate limited, for an orchestrator's liveness probe: 200 while the process serves.",
        ),
        Kind::Health(_) => Some(
            "Public and never rate limited, for a load balancer's readiness probe: the database's and the cache's status and latency.",
        ),
        Kind::Document => Some("Public: this document, as the service was generated with it."),
        _ => None,
    };
    if let Some(description) = description {
        base.insert("description".into(), json!(description));
    }
    let answers = match kind {
        Kind::Health(Probe::Live) => json!({"200": no_content("The process serves (no body).")}),
        Kind::Health(_) => json!({
            "200": {
                "description": "Healthy, or degraded: a cache or NATS is down, or events wait too long to be published.",
                "headers": headers(&[]),
                "content": {"application/json": {"schema": schema_ref("Health")}}
            },
            "503": {
                "description": "Unhealthy: the database is down.",
                "headers": headers(&[]),
                "content": {"application/json": {"schema": schema_ref("Health")}}
            }
        }),
        Kind::Metrics => {
            base.insert("description".into(), json!(METRICS));
            base.insert("security".into(), json!([{"metricsToken": []}]));
            json!({
                "200": {
                    "description": "Prometheus text exposition format.",
                    "headers": headers(&[]),
                    "content": {"text/plain": {"schema": {"type": "string"}}}
                },
                "401": error("Unauthorized")
            })
        }
        _ => json!({"200": {
            "description": "The OpenAPI 3.1 document of this service.",
            "headers": headers(&[]),
            "content": {"application/json": {"schema": {"type": "object"}}}
        }}),
    };
    base.insert("responses".into(), answers);
    Value::Object(base)
}
