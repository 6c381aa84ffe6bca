//! The service's own operations outside the API prefix: health, metrics, this document.

use super::*;

pub(super) fn health_paths(paths: &mut Map<String, Value>, tags: &ServiceTags) {
    for (path, id, summary) in [
        (
            "/health",
            "healthCheck",
            "the service's health and its database's",
        ),
        (
            "/health/ready",
            "readinessCheck",
            "whether the instance should get traffic",
        ),
    ] {
        paths.insert(
            path.into(),
            json!({"get": {
                "operationId": id,
                "summary": summary,
                "tags": [tags.health],
                "responses": {
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
                }
            }}),
        );
    }
    paths.insert(
        "/health/live".into(),
        json!({"get": {
            "operationId": "livenessCheck",
            "summary": "whether the process serves",
            "tags": [tags.health],
            "responses": {"200": no_content("The process serves (no body).")}
        }}),
    );
    paths.insert(
        "/metrics".into(),
        json!({"get": {
            "operationId": "metrics",
            "summary": "request counts, latencies and pool figures",
            "tags": [tags.health],
            "responses": {"200": {
                "description": "Prometheus text exposition format.",
                "headers": headers(&[]),
                "content": {"text/plain": {"schema": {"type": "string"}}}
            }}
        }}),
    );
    paths.insert(
        "/openapi.json".into(),
        json!({"get": {
            "operationId": "openapiDocument",
            "summary": "this document",
            "tags": [tags.openapi],
            "responses": {"200": {
                "description": "The OpenAPI 3.1 document of this service.",
                "headers": headers(&[]),
                "content": {"application/json": {"schema": {"type": "object"}}}
            }}
        }}),
    );
}
