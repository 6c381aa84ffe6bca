//! The HTTP server: hyper's connections, set up here rather than by `axum::serve` for one
//! setting, how much of a request's head hyper reads. A head hyper will not read is
//! refused by hyper itself, with a bare status: no error body, no request id. Read up to
//! [`READ_LIMIT_BYTES`], a head past the service's own limit ([`MAX_HEAD_BYTES`]) reaches
//! the middleware and gets the contract's 431 like every other refusal.

use std::future::Future;
use std::net::SocketAddr;

use axum::{
    Router,
    body::Body,
    extract::{ConnectInfo, Request},
    serve::Listener,
};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{rt::TokioIo, server::graceful::GracefulShutdown};
use tower::Service as _;

use crate::error::AppError;

/// The most a request's line and headers may hold (names, values and the target), as the
/// service reads them: past it, 431 `HEADERS_TOO_LARGE` (414 `URI_TOO_LONG` for the target
/// alone past [`MAX_TARGET_BYTES`]). Browsers send a few kilobytes; 64 KiB leaves room for
/// large cookies and tokens.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The most a request's target (path and query) may hold.
pub const MAX_TARGET_BYTES: usize = 32 * 1024;

/// How much of a head hyper buffers before it answers a bare 431 and closes: well past
/// [`MAX_HEAD_BYTES`], so that a head between the two is the service's to refuse. A
/// connection holds this much only while a client sends that much.
const READ_LIMIT_BYTES: usize = 1024 * 1024;

/// The refusal of a request whose head is past what the service reads, if it is.
pub fn oversized_head(request: &Request) -> Option<AppError> {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if target > MAX_TARGET_BYTES {
        return Some(AppError::UriTooLong);
    }
    let mut head = target;
    for (name, value) in request.headers() {
        // `name: value\r\n`
        head += name.as_str().len() + value.len() + 4;
    }
    (head > MAX_HEAD_BYTES).then_some(AppError::HeadersTooLarge)
}

/// Serves `router` over HTTP/1.1 (as `axum::serve` does without axum's `http2`) on `listener` until `shutdown` resolves, then stops accepting and lets
/// each connection finish the request it is on. Each request carries its peer's address
/// (`ConnectInfo<SocketAddr>`), as axum's `into_make_service_with_connect_info` gives it.
pub async fn serve<L>(mut listener: L, router: Router, shutdown: impl Future<Output = ()>)
where
    L: Listener<Addr = SocketAddr>,
{
    let mut builder = http1::Builder::new();
    builder.max_buf_size(READ_LIMIT_BYTES);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (io, peer) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().call(request.map(Body::new))
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(io), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(%err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
