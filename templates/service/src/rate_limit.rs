//! Rate limits (CONTRACT.md section 7): a token bucket per client, where the client is its
//! address (a forwarded address only from a trusted proxy). Limited responses carry
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`; over the limit
//! the answer is 429 `RATE_LIMITED` with `Retry-After`. `/health*` is never limited.
//!
//! The bucket lives behind [`Limiter`]: this process's own store now; a shared one (for
//! several instances) implements the same trait.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
};
use ipnet::IpNet;

use crate::app::AppState;
use crate::error::AppError;

/// What a bucket says about one request.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    /// The bucket's size.
    pub limit: u32,
    pub remaining: u32,
    /// Until the bucket is full again.
    pub reset_after: Duration,
    /// Set when the request is over the limit.
    pub retry_after: Option<Duration>,
}

/// A rate-limit back end: one atomic check per request.
pub trait Limiter: Send + Sync {
    fn check(&self, key: &str) -> Decision;
    /// Forgets clients whose buckets are full again, so memory stays bounded.
    fn evict_idle(&self);
}

type Keyed =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Buckets in this process's memory (governor's GCRA, equivalent to a token bucket).
pub struct InProcess {
    buckets: Keyed,
    quota: Quota,
    clock: DefaultClock,
}

impl InProcess {
    pub fn new(per_minute: NonZeroU32, burst: NonZeroU32) -> Self {
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        Self {
            buckets: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            quota,
            clock: DefaultClock::default(),
        }
    }
}

impl Limiter for InProcess {
    fn check(&self, key: &str) -> Decision {
        let limit = self.quota.burst_size().get();
        let refill = self.quota.replenish_interval();
        match self.buckets.check_key(&key.to_owned()) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Decision {
                    limit,
                    remaining,
                    reset_after: refill * (limit - remaining),
                    retry_after: None,
                }
            }
            Err(not_until) => Decision {
                limit,
                remaining: 0,
                reset_after: refill * limit,
                retry_after: Some(not_until.wait_time_from(self.clock.now())),
            },
        }
    }

    fn evict_idle(&self) {
        self.buckets.retain_recent();
        self.buckets.shrink_to_fit();
    }
}

/// Checks the client's bucket before the request runs, and says so in the headers.
pub async fn enforce(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/health") {
        return next.run(request).await;
    }
    let key = client_key(&request, &state.config.trusted_proxies);
    let decision = state.rate_limiter.check(&key);
    let mut response = match decision.retry_after {
        Some(wait) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response = AppError::RateLimited.into_response();
            set(response.headers_mut(), "retry-after", seconds.max(1));
            response
        }
        None => next.run(request).await,
    };
    let reset = SystemTime::now() + decision.reset_after;
    let reset = reset.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let headers = response.headers_mut();
    set(headers, "x-ratelimit-limit", u64::from(decision.limit));
    set(
        headers,
        "x-ratelimit-remaining",
        u64::from(decision.remaining),
    );
    set(headers, "x-ratelimit-reset", reset);
    response
}

fn set(headers: &mut HeaderMap, name: &'static str, value: u64) {
    headers.insert(name, HeaderValue::from(value));
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` that is not one of them.
fn client_key(request: &Request, trusted: &[IpNet]) -> String {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let Some(peer) = peer else {
        return "unknown".to_owned();
    };
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer.to_string();
    }
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .unwrap_or(peer)
        .to_string()
}
