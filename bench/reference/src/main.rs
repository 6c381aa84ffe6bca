//! The reference for `scripts/bench`: a minimal hand-written service over the generated
//! shop's `products` table (same database, same rows), answering the same two reads with
//! the same JSON. It is what the generated service is measured against, so it is written
//! as an expert would write it for speed: runtime `query_as`, one pool, no middleware.
//!
//! `DATABASE_URL` (`sqlite:` or `postgres:`, a database the shop already migrated and
//! seeded), `API_PREFIX` (the shop's, such as `/v1`), `HOST`, `PORT`.

use std::{env, net::SocketAddr, str::FromStr, time::Duration};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{
    FromRow, PgPool, SqlitePool,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    types::Json as JsonColumn,
};
use uuid::Uuid;

/// Decimals are read as text on both databases, as the shop shows them (a JSON string).
const COLUMNS: &str = "id, sku, name, description, price, cost_price, stock, weight_grams, \
    rating, active, attributes, available_from, homepage, version, created_at, updated_at";
const PG_COLUMNS: &str = "id, sku, name, description, price::text AS price, \
    cost_price::text AS cost_price, stock, weight_grams, rating, active, attributes, \
    available_from, homepage, version, created_at, updated_at";

#[derive(Serialize, FromRow)]
#[serde(rename_all = "camelCase")]
struct Product {
    id: Uuid,
    sku: String,
    name: String,
    description: Option<String>,
    price: String,
    cost_price: Option<String>,
    stock: i32,
    weight_grams: Option<i64>,
    rating: Option<f64>,
    active: bool,
    attributes: Option<JsonColumn<Value>>,
    available_from: Option<NaiveDate>,
    homepage: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Clone)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The SQL of each read, per dialect, built once.
struct Queries {
    one: String,
    page: String,
    count: &'static str,
}

impl Queries {
    fn new(columns: &str) -> Self {
        Self {
            one: format!("SELECT {columns} FROM products WHERE id = $1 AND deleted_at IS NULL"),
            page: format!(
                "SELECT {columns} FROM products WHERE deleted_at IS NULL \
                 ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2"
            ),
            count: "SELECT COUNT(*) FROM products WHERE deleted_at IS NULL",
        }
    }
}

#[derive(Clone)]
struct AppState {
    db: Db,
    queries: &'static Queries,
}

#[derive(Deserialize)]
struct PageParams {
    page: Option<u32>,
    limit: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Pagination {
    page: u32,
    limit: u32,
    total: i64,
    has_more: bool,
}

#[derive(Serialize)]
struct Page {
    data: Vec<Product>,
    pagination: Pagination,
}

enum Error {
    NotFound,
    BadRequest,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        Self::Database(err)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = match self {
            Self::NotFound => (StatusCode::NOT_FOUND, "NOT_FOUND"),
            Self::BadRequest => (StatusCode::BAD_REQUEST, "BAD_REQUEST"),
            Self::Database(err) => {
                eprintln!("database error: {err}");
                (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL")
            }
        };
        let body = serde_json::json!({ "error": { "code": code, "message": code } });
        (status, Json(body)).into_response()
    }
}

async fn get_product(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Product>, Error> {
    let id = Uuid::parse_str(&id).map_err(|_| Error::NotFound)?;
    let sql = state.queries.one.as_str();
    let row: Option<Product> = match &state.db {
        Db::Sqlite(pool) => sqlx::query_as(sql).bind(id).fetch_optional(pool).await?,
        Db::Postgres(pool) => sqlx::query_as(sql).bind(id).fetch_optional(pool).await?,
    };
    row.map(Json).ok_or(Error::NotFound)
}

async fn list_products(
    State(state): State<AppState>,
    Query(params): Query<PageParams>,
) -> Result<Json<Page>, Error> {
    let limit = params.limit.unwrap_or(20);
    let page = params.page.unwrap_or(1);
    if !(1..=100).contains(&limit) || page == 0 {
        return Err(Error::BadRequest);
    }
    let offset = i64::from(page - 1) * i64::from(limit);
    let queries = state.queries;
    let (total, data): (i64, Vec<Product>) = match &state.db {
        Db::Sqlite(pool) => (
            sqlx::query_scalar(queries.count).fetch_one(pool).await?,
            sqlx::query_as(&queries.page)
                .bind(i64::from(limit))
                .bind(offset)
                .fetch_all(pool)
                .await?,
        ),
        Db::Postgres(pool) => (
            sqlx::query_scalar(queries.count).fetch_one(pool).await?,
            sqlx::query_as(&queries.page)
                .bind(i64::from(limit))
                .bind(offset)
                .fetch_all(pool)
                .await?,
        ),
    };
    let has_more = offset + (data.len() as i64) < total;
    Ok(Json(Page {
        data,
        pagination: Pagination {
            page,
            limit,
            total,
            has_more,
        },
    }))
}

async fn health() -> StatusCode {
    StatusCode::OK
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = env::var("DATABASE_URL")?;
    let connections = 10;
    let (db, columns) = if url.starts_with("postgres") {
        let pool = PgPoolOptions::new()
            .max_connections(connections)
            .connect(&url)
            .await?;
        (Db::Postgres(pool), PG_COLUMNS)
    } else {
        let options = SqliteConnectOptions::from_str(&url)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(connections)
            .connect_with(options)
            .await?;
        (Db::Sqlite(pool), COLUMNS)
    };
    let state = AppState {
        db,
        queries: Box::leak(Box::new(Queries::new(columns))),
    };
    let prefix = env::var("API_PREFIX").unwrap_or_default();
    let app = Router::new()
        .route("/health", get(health))
        .route(&format!("{prefix}/products"), get(list_products))
        .route(&format!("{prefix}/products/{{id}}"), get(get_product))
        .with_state(state);
    let host = env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port: u16 = env::var("PORT").unwrap_or_else(|_| "8080".into()).parse()?;
    let addr = SocketAddr::new(host.parse()?, port);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
