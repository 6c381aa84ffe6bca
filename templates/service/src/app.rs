//! Wiring: shared state, the router with its middleware, and the server's lifecycle.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderName, HeaderValue, Method, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    cors::{AllowOrigin, CorsLayer},
    set_header::SetResponseHeaderLayer,
};

use crate::{
    config::{Config, ConfigError},
    db::{self, Pool},
    error::AppError,
    monitoring,
    rate_limit::{self, InProcess, Limiter},
    routes, telemetry,
};

/// What every handler can reach. Cheap to clone: everything in it is shared.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub config: Arc<Config>,
    pub rate_limiter: Arc<dyn Limiter>,
}

impl AppState {
    /// The state for `config`, with this process's rate-limit buckets.
    pub fn new(pool: Pool, config: Config) -> Self {
        let limiter = InProcess::new(config.rate_limit_per_minute, config.rate_limit_burst);
        Self {
            pool,
            config: Arc::new(config),
            rate_limiter: Arc::new(limiter),
        }
    }
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error("unknown command {0:?}; expected `serve` or `migrate`")]
    UnknownCommand(String),
}

/// The whole application, built and bound, ready to serve.
pub struct Application {
    listener: TcpListener,
    pool: Pool,
    router: Router,
}

impl Application {
    /// Connects to the database, applies pending migrations and binds the listener
    /// (port 0 picks a free port; see [`Application::port`]).
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let pool = db::connect(&config).await?;
        db::migrate(&pool).await?;
        let listener = TcpListener::bind(config.bind_addr).await?;
        monitoring::spawn_upkeep();
        let state = AppState::new(pool.clone(), config);
        spawn_eviction(state.rate_limiter.clone());
        Ok(Self {
            listener,
            pool,
            router: router(state),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |addr| addr.port())
    }

    /// Serves until Ctrl-C or SIGTERM, lets requests in flight finish, then closes the pool.
    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        // The peer's address identifies clients for rate limiting.
        let app = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        self.pool.close().await;
        Ok(())
    }
}

/// The complete HTTP application; `main` serves it and tests call it in-process.
pub fn router(state: AppState) -> Router {
    let config = &state.config;
    let layers = ServiceBuilder::new()
        .layer(middleware::from_fn(telemetry::request_id))
        .layer(telemetry::trace_layer())
        .layer(middleware::from_fn(monitoring::track))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .option_layer(cors(&config.cors_allowed_origins))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            rate_limit::enforce,
        ))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            config.request_timeout,
            timeout,
        ))
        .layer(DefaultBodyLimit::max(config.body_limit_bytes));
    routes::router().layer(layers).with_state(state)
}

/// Forgets idle clients every minute, so the buckets' memory stays bounded however many
/// distinct clients call.
fn spawn_eviction(limiter: Arc<dyn Limiter>) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(60));
        loop {
            interval.tick().await;
            limiter.evict_idle();
        }
    });
}

/// Answers 503 with the service's error body when a request outlives the configured time.
async fn timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    // The deadline is checked first, so a request never outlives it by a lucky poll.
    tokio::select! {
        biased;
        () = tokio::time::sleep(limit) => AppError::Timeout.into_response(),
        response = next.run(request) => response,
    }
}

/// CORS for the configured origins; none configured means no CORS headers at all.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    let request_id = HeaderName::from_static("x-request-id");
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::IF_MATCH,
                header::IF_NONE_MATCH,
                request_id.clone(),
            ])
            .expose_headers([header::ETAG, header::LOCATION, request_id])
            .max_age(Duration::from_secs(600)),
    )
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what container runtimes send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing requests in flight");
}
