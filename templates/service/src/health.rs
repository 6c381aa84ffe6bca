//! Liveness and readiness probes, outside the versioned API.

use std::time::Instant;

use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{app::AppState, db};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(ready))
        .route("/health/ready", get(ready))
        .route("/health/live", get(live))
}

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
    timestamp: DateTime<Utc>,
    checks: Checks,
}

#[derive(Serialize)]
pub struct Checks {
    database: Check,
    /// Only when caching is on; the in-process cache cannot be down.
    #[serde(skip_serializing_if = "Option::is_none")]
    cache: Option<Check>,
}

#[derive(Serialize)]
pub struct Check {
    status: &'static str,
    /// Milliseconds the check took.
    latency: u128,
}

/// 200 while the process serves, whatever the state of its dependencies.
async fn live() -> StatusCode {
    StatusCode::OK
}

/// 200 when the database answers, else 503 (the instance should get no traffic).
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let started = Instant::now();
    let result = db::ping(&state.pool).await;
    let latency = started.elapsed().as_millis();
    let (code, status, database) = match result {
        Ok(()) => (StatusCode::OK, "healthy", "up"),
        Err(err) => {
            tracing::warn!(error = %err, "database health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "unhealthy", "down")
        }
    };
    let health = Health {
        status,
        version: env!("CARGO_PKG_VERSION"),
        timestamp: Utc::now(),
        checks: Checks {
            database: Check {
                status: database,
                latency,
            },
            cache: state.cache.is_enabled().then_some(Check {
                status: "up",
                latency: 0,
            }),
        },
    };
    (code, Json(health))
}
