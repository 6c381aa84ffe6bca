//! Liveness and readiness probes, outside the versioned API.

use std::time::Instant;

use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{app::AppState, cache, db};

/// The probes' paths. The rate limiter exempts exactly these, so an API prefix that merely
/// starts with `/health` (`/healthcare/v1`) is limited like any other.
pub const PATHS: [&str; 3] = ["/health", "/health/ready", "/health/live"];

pub fn router() -> Router<AppState> {
    let [health, ready_path, live_path] = PATHS;
    Router::new()
        .route(health, get(ready))
        .route(ready_path, get(ready))
        .route(live_path, get(live))
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
    /// Only when caching is on; only a shared (Redis) cache can be down.
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

/// 200 when the database answers, else 503 (the instance should get no traffic); a cache
/// that is down makes it `degraded`, still 200, since requests then read the database.
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let started = Instant::now();
    let result = db::ping(&state.pool).await;
    let latency = started.elapsed().as_millis();
    let started = Instant::now();
    let cache = state.cache.status().await;
    let cache_latency = started.elapsed().as_millis();
    let (code, mut status, database) = match result {
        Ok(()) => (StatusCode::OK, "healthy", "up"),
        Err(err) => {
            tracing::warn!(error = %err, "database health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "unhealthy", "down")
        }
    };
    if cache == cache::Status::Down && code == StatusCode::OK {
        status = "degraded";
    }
    let health = Health {
        status,
        version: env!("CARGO_PKG_VERSION"),
        timestamp: Utc::now(),
        checks: Checks {
            database: Check {
                status: database,
                latency,
            },
            cache: match cache {
                cache::Status::Off => None,
                cache::Status::Up => Some(Check {
                    status: "up",
                    latency: cache_latency,
                }),
                cache::Status::Down => Some(Check {
                    status: "down",
                    latency: cache_latency,
                }),
            },
        },
    };
    (code, Json(health))
}
