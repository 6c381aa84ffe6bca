//! The service's own operations outside the API prefix: health, metrics, this document.

use serde_json::{Map, Value, json};

use super::shared::*;
use crate::operations::{Kind, Probe};

/// The answers of the service's own operation `kind` (health, metrics, the document), on
/// `base` (id, summary, tag).
pub(super) fn own_operation(kind: &Kind, mut base: Map<String, Value>) -> Value {
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
        Kind::Metrics => json!({"200": {
            "description": "Prometheus text exposition format.",
            "headers": headers(&[]),
            "content": {"text/plain": {"schema": {"type": "string"}}}
        }}),
        _ => json!({"200": {
            "description": "The OpenAPI 3.1 document of this service.",
            "headers": headers(&[]),
            "content": {"application/json": {"schema": {"type": "object"}}}
        }}),
    };
    base.insert("responses".into(), answers);
    Value::Object(base)
}
