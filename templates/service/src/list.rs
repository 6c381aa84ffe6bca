//! Lists: offset pages and keyset cursors, equality and range
//! filters, sorting by any sortable key with the id as tie-breaker, and sparse fields.
//! Each resource describes its list once (a [`ListSpec`]); everything here is generic.
//! Column names and SQL come only from those descriptions; values are always bound.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::Sha256;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Database, Encode, Postgres, Sqlite, Type};
use uuid::Uuid;

use crate::app::AppState;
use crate::config::Config;
use crate::db::{Pool, with_pool};
use crate::error::AppError;

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// How a column's values are written in a query string and bound in SQL.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    Integer,
    Float,
    /// Exact decimals, compared as numbers.
    Decimal,
    Boolean,
    Uuid,
    Date,
    DateTime,
    /// Text restricted to these values.
    Enum(&'static [&'static str]),
}

/// A column lists can filter on and sort by.
#[derive(Debug)]
pub struct Column {
    /// The JSON key, which is also the filter's name.
    pub key: &'static str,
    /// The SQL expression compared and sorted on.
    pub sql: &'static str,
    pub kind: Kind,
    /// Nulls sort last in both directions, whatever the database's default.
    pub nullable: bool,
}

/// What one resource's lists can do.
#[derive(Debug)]
pub struct ListSpec {
    /// `SELECT <columns> FROM <table>`
    pub select: &'static str,
    /// `SELECT COUNT(*) FROM <table>`
    pub count: &'static str,
    /// A condition every row must meet (`deleted_at IS NULL`), if any.
    pub live: Option<&'static str>,
    /// Every key of the representation, for `fields`.
    pub keys: &'static [&'static str],
    pub columns: &'static [Column],
    /// Range filters: the stem of `{stem}After`/`{stem}Before` for dates, of
    /// `{stem}Min`/`{stem}Max` for numbers.
    pub ranges: &'static [(&'static str, &'static str)],
    pub default_sort: &'static str,
}

/// Which rows a list covers, besides its filters.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Rows whose foreign key `column` is `id` (a nested list).
    Child { column: &'static str, id: Uuid },
    /// Rows a subquery on `id` selects: `condition` ends just before the bound id, as in
    /// `id IN (SELECT tag_id FROM post_tags WHERE post_id = `, and `close` ends it.
    Linked {
        condition: &'static str,
        close: &'static str,
        id: Uuid,
    },
}

/// The raw query string of a list request, with the configuration whose secret signs
/// cursors.
#[derive(Debug)]
pub struct ListParams {
    params: Vec<(String, String)>,
    config: Arc<Config>,
}

impl FromRequestParts<AppState> for ListParams {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Query(params) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|err| AppError::bad_request(err.body_text()))?;
        Ok(Self {
            params,
            config: state.config.clone(),
        })
    }
}

/// One page of a list: `{"data": [...], "pagination": {...}}`.
#[derive(Debug, Serialize)]
pub struct Page {
    pub data: Vec<Value>,
    pub pagination: PageInfo,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    /// The page number, for offset pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    pub limit: u32,
    pub total: i64,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// A value bound into a query.
#[derive(Debug, Clone)]
enum Bound {
    Null,
    Text(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Uuid(Uuid),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

/// A `Bound` binds as the value it holds, on either database.
macro_rules! bind_as_held {
    ($db:ty) => {
        impl Type<$db> for Bound {
            /// Only a fallback: `produces` names each value's own type.
            fn type_info() -> <$db as Database>::TypeInfo {
                <String as Type<$db>>::type_info()
            }
        }

        impl<'q> Encode<'q, $db> for Bound {
            fn encode_by_ref(
                &self,
                buf: &mut <$db as Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                match self {
                    Bound::Null => Ok(IsNull::Yes),
                    Bound::Text(v) => <String as Encode<'q, $db>>::encode_by_ref(v, buf),
                    Bound::Integer(v) => <i64 as Encode<'q, $db>>::encode_by_ref(v, buf),
                    Bound::Float(v) => <f64 as Encode<'q, $db>>::encode_by_ref(v, buf),
                    Bound::Boolean(v) => <bool as Encode<'q, $db>>::encode_by_ref(v, buf),
                    Bound::Uuid(v) => <Uuid as Encode<'q, $db>>::encode_by_ref(v, buf),
                    Bound::Date(v) => <NaiveDate as Encode<'q, $db>>::encode_by_ref(v, buf),
                    Bound::DateTime(v) => <DateTime<Utc> as Encode<'q, $db>>::encode_by_ref(v, buf),
                }
            }

            fn produces(&self) -> Option<<$db as Database>::TypeInfo> {
                Some(match self {
                    Bound::Null | Bound::Text(_) => <String as Type<$db>>::type_info(),
                    Bound::Integer(_) => <i64 as Type<$db>>::type_info(),
                    Bound::Float(_) => <f64 as Type<$db>>::type_info(),
                    Bound::Boolean(_) => <bool as Type<$db>>::type_info(),
                    Bound::Uuid(_) => <Uuid as Type<$db>>::type_info(),
                    Bound::Date(_) => <NaiveDate as Type<$db>>::type_info(),
                    Bound::DateTime(_) => <DateTime<Utc> as Type<$db>>::type_info(),
                })
            }
        }
    };
}

bind_as_held!(Sqlite);
bind_as_held!(Postgres);

/// SQL text with `$n` placeholders and the values they bind: the same text runs on both
/// databases.
struct Sql {
    text: String,
    values: Vec<Bound>,
    /// SQLite keeps decimals as text, so they are compared and sorted through a cast.
    sqlite: bool,
}

impl Sql {
    fn new(text: &str, sqlite: bool) -> Self {
        Self {
            text: text.to_owned(),
            values: Vec::new(),
            sqlite,
        }
    }

    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// A column as it is compared and sorted.
    fn push_column(&mut self, sql: &str, kind: Kind) {
        if self.sqlite && matches!(kind, Kind::Decimal) {
            self.push("CAST(");
            self.push(sql);
            self.push(" AS REAL)");
        } else {
            self.push(sql);
        }
    }

    fn push_bound(&mut self, value: Bound) {
        if let Bound::Null = value {
            // A literal, not a parameter: an untyped NULL fits any column, in every dialect.
            self.push("NULL");
            return;
        }
        self.values.push(value);
        self.text.push('$');
        self.text.push_str(&self.values.len().to_string());
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Min,
    Max,
}

impl Op {
    fn sql(self) -> &'static str {
        match self {
            Op::Eq => " = ",
            Op::Min => " >= ",
            Op::Max => " <= ",
        }
    }
}

/// One sort key: a column (or the id) and its direction. A nullable column sorts by two
/// keys: whether it is null (ascending, so nulls come last), then its value.
#[derive(Debug, Clone, Copy)]
struct SortKey {
    key: &'static str,
    sql: &'static str,
    kind: Kind,
    descending: bool,
    null_flag: bool,
    nullable: bool,
}

impl SortKey {
    fn push_sql(&self, query: &mut Sql) {
        if self.null_flag {
            query.push("(");
            query.push(self.sql);
            query.push(" IS NULL)");
        } else {
            query.push_column(self.sql, self.kind);
        }
    }
}

const ID: Column = Column {
    key: "id",
    sql: "id",
    kind: Kind::Uuid,
    nullable: false,
};

/// A parsed list request.
struct Request {
    filters: Vec<(&'static Column, Op, Bound)>,
    sort: Vec<SortKey>,
    /// The sort as given, normalised: cursors are tied to it.
    sort_text: String,
    fields: Option<Vec<String>>,
    limit: u32,
    page: Option<u32>,
    after: Option<Vec<Bound>>,
}

/// Runs a list request: its filters and scope, its sort, one page by offset or after a
/// cursor, the total count, and the next cursor.
pub async fn fetch<T>(
    pool: &Pool,
    spec: &ListSpec,
    scopes: &[Scope],
    params: &ListParams,
) -> Result<Page, AppError>
where
    T: for<'r> sqlx::FromRow<'r, SqliteRow>
        + for<'r> sqlx::FromRow<'r, PgRow>
        + Serialize
        + Send
        + Unpin,
{
    let request = parse(spec, params)?;
    let sqlite = pool.is_sqlite();

    let mut count = Sql::new(spec.count, sqlite);
    push_conditions(&mut count, spec, scopes, &request.filters);

    let mut select = Sql::new(spec.select, sqlite);
    let first = push_conditions(&mut select, spec, scopes, &request.filters);
    if let Some(after) = &request.after {
        select.push(if first { " WHERE " } else { " AND " });
        push_after(&mut select, &request.sort, after);
    }
    select.push(" ORDER BY ");
    for (i, key) in request.sort.iter().enumerate() {
        if i > 0 {
            select.push(", ");
        }
        key.push_sql(&mut select);
        select.push(if key.descending { " DESC" } else { " ASC" });
    }
    // One row more than asked tells whether another page follows.
    select.push(" LIMIT ");
    select.push_bound(Bound::Integer(i64::from(request.limit) + 1));
    if let Some(page) = request.page {
        select.push(" OFFSET ");
        let offset = (i64::from(page) - 1) * i64::from(request.limit);
        select.push_bound(Bound::Integer(offset));
    }
    let (total, mut rows): (i64, Vec<T>) = with_pool!(pool, |db| {
        let mut query = sqlx::query_scalar(&count.text);
        for value in count.values {
            query = query.bind(value);
        }
        let total = query.fetch_one(db).await?;
        let mut query = sqlx::query_as(&select.text);
        for value in select.values {
            query = query.bind(value);
        }
        (total, query.fetch_all(db).await?)
    });
    let has_more = rows.len() > request.limit as usize;
    rows.truncate(request.limit as usize);

    let mut data = Vec::with_capacity(rows.len());
    for row in &rows {
        data.push(serde_json::to_value(row).map_err(|_| AppError::bad_request("unlistable row"))?);
    }
    let next_cursor = match data.last() {
        Some(last) if has_more => Some(encode_cursor(&request, last, &params.config.cursor_secret)),
        _ => None,
    };
    if let Some(fields) = &request.fields {
        for item in &mut data {
            if let Value::Object(map) = item {
                map.retain(|key, _| fields.contains(key));
            }
        }
    }
    Ok(Page {
        data,
        pagination: PageInfo {
            page: request.page,
            limit: request.limit,
            total,
            has_more,
            next_cursor,
        },
    })
}

/// Appends `WHERE` and the scope's, the spec's and the filters' conditions; returns
/// whether nothing was appended (so the next condition starts the `WHERE`).
fn push_conditions(
    query: &mut Sql,
    spec: &ListSpec,
    scopes: &[Scope],
    filters: &[(&'static Column, Op, Bound)],
) -> bool {
    let mut first = true;
    let mut next = |query: &mut Sql| {
        query.push(if first { " WHERE " } else { " AND " });
        first = false;
    };
    if let Some(live) = spec.live {
        next(query);
        query.push(live);
    }
    for scope in scopes {
        next(query);
        match *scope {
            Scope::Child { column, id } => {
                query.push(column);
                query.push(" = ");
                query.push_bound(Bound::Uuid(id));
            }
            Scope::Linked {
                condition,
                close,
                id,
            } => {
                query.push(condition);
                query.push_bound(Bound::Uuid(id));
                query.push(close);
            }
        }
    }
    for (column, op, value) in filters {
        next(query);
        query.push_column(column.sql, column.kind);
        query.push(op.sql());
        query.push_bound(value.clone());
    }
    first
}

/// The keyset condition "after this row" for a sort: for keys k1..kn (the id last),
/// `k1 > v1 OR (k1 = v1 AND k2 > v2) OR ...`, with `<` for descending keys.
fn push_after(query: &mut Sql, sort: &[SortKey], values: &[Bound]) {
    query.push("(");
    for i in 0..sort.len() {
        if i > 0 {
            query.push(" OR ");
        }
        query.push("(");
        for j in 0..i {
            sort[j].push_sql(query);
            // Null-safe, so rows in a group of nulls compare equal.
            query.push(" IS NOT DISTINCT FROM ");
            query.push_bound(values[j].clone());
            query.push(" AND ");
        }
        sort[i].push_sql(query);
        query.push(if sort[i].descending { " < " } else { " > " });
        query.push_bound(values[i].clone());
        query.push(")");
    }
    query.push(")");
}

fn parse(spec: &ListSpec, params: &ListParams) -> Result<Request, AppError> {
    let mut seen: Vec<&str> = Vec::new();
    let mut request = Request {
        filters: Vec::new(),
        sort: Vec::new(),
        sort_text: String::new(),
        fields: None,
        limit: DEFAULT_LIMIT,
        page: None,
        after: None,
    };
    let mut sort_param = spec.default_sort.to_owned();
    let mut cursor = None;
    for (name, value) in &params.params {
        if seen.contains(&name.as_str()) {
            return Err(AppError::bad_field(name, "is given more than once"));
        }
        seen.push(name);
        match name.as_str() {
            "page" => {
                let page = value.parse().ok().filter(|page| *page >= 1);
                request.page =
                    Some(page.ok_or_else(|| {
                        AppError::bad_field("page", "must be a positive integer")
                    })?);
            }
            "limit" => {
                request.limit = value
                    .parse()
                    .ok()
                    .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                    .ok_or_else(|| {
                        AppError::bad_field("limit", "must be an integer from 1 to 100")
                    })?;
            }
            "sort" => sort_param.clone_from(value),
            // An empty cursor is no cursor, as for a client that clears the parameter.
            "cursor" => cursor = Some(value.as_str()).filter(|cursor| !cursor.is_empty()),
            "fields" => {
                let fields: Vec<String> = value.split(',').map(|f| f.trim_matches(' ').to_owned()).collect();
                if let Some(unknown) = fields.iter().find(|f| !spec.keys.contains(&f.as_str())) {
                    let message = format!("has an unknown field `{unknown}`");
                    return Err(AppError::bad_field("fields", message));
                }
                request.fields = Some(fields);
            }
            _ => request.filters.push(filter(spec, name, value)?),
        }
    }
    if cursor.is_some() && request.page.is_some() {
        return Err(AppError::bad_field(
            "cursor",
            "cannot be combined with `page`",
        ));
    }
    if cursor.is_none() && request.page.is_none() {
        request.page = Some(1);
    }
    (request.sort, request.sort_text) = sort(spec, &sort_param)?;
    if let Some(cursor) = cursor {
        request.after = Some(decode_cursor(
            &request,
            cursor,
            &params.config.cursor_secret,
        )?);
    }
    Ok(request)
}

/// A filter parameter: `key` (equality), `{stem}Min`/`{stem}Max` or `{stem}After`/`{stem}Before`.
fn filter(
    spec: &ListSpec,
    name: &str,
    value: &str,
) -> Result<(&'static Column, Op, Bound), AppError> {
    if let Some(column) = spec.columns.iter().find(|c| c.key == name) {
        return Ok((column, Op::Eq, bound(column.kind, value, name)?));
    }
    for (stem, key) in spec.ranges {
        let Some(column) = spec.columns.iter().find(|c| c.key == *key) else {
            continue;
        };
        let op = match name.strip_prefix(stem) {
            Some("Min" | "After") => Op::Min,
            Some("Max" | "Before") => Op::Max,
            _ => continue,
        };
        return Ok((column, op, bound(column.kind, value, name)?));
    }
    Err(AppError::bad_field(name, "is not a known query parameter"))
}

/// `-createdAt,+total`: each key sortable, then the id as tie-breaker.
fn sort(spec: &ListSpec, text: &str) -> Result<(Vec<SortKey>, String), AppError> {
    let mut keys: Vec<SortKey> = Vec::new();
    // Spaces around a key are dropped: a `+` in a query string (`sort=+total`) is one.
    for part in text.split(',').map(|part| part.trim_matches(' ')) {
        let (descending, key) = match part.strip_prefix('-') {
            Some(key) => (true, key),
            None => (false, part.strip_prefix('+').unwrap_or(part)),
        };
        let column = if key == "id" {
            &ID
        } else {
            spec.columns
                .iter()
                .find(|c| c.key == key)
                .ok_or_else(|| AppError::bad_field("sort", format!("cannot sort by `{key}`")))?
        };
        // A key named again changes nothing: the first sorts, and the document can say so.
        if keys.iter().any(|k| k.key == column.key) {
            continue;
        }
        let key = SortKey {
            key: column.key,
            sql: column.sql,
            kind: column.kind,
            descending,
            null_flag: false,
            nullable: column.nullable,
        };
        if column.nullable {
            keys.push(SortKey {
                kind: Kind::Boolean,
                descending: false,
                null_flag: true,
                ..key
            });
        }
        keys.push(key);
    }
    let text = keys
        .iter()
        .filter(|k| !k.null_flag)
        .map(|k| format!("{}{}", if k.descending { "-" } else { "" }, k.key))
        .collect::<Vec<_>>()
        .join(",");
    if !keys.iter().any(|k| k.key == "id") {
        let descending = keys.last().is_some_and(|k| k.descending);
        keys.push(SortKey {
            key: ID.key,
            sql: ID.sql,
            kind: ID.kind,
            descending,
            null_flag: false,
            nullable: false,
        });
    }
    Ok((keys, text))
}

/// A query-string value as a bound value of `kind`; 400 naming `name` when it is not one.
fn bound(kind: Kind, value: &str, name: &str) -> Result<Bound, AppError> {
    let wrong = |what: &str| AppError::bad_field(name, format!("must be {what}"));
    Ok(match kind {
        // PostgreSQL's TEXT cannot hold U+0000, so no stored value has it.
        Kind::Text if value.contains('\0') => return Err(wrong("text without the NUL character")),
        Kind::Text => Bound::Text(value.to_owned()),
        Kind::Integer => Bound::Integer(value.parse().map_err(|_| wrong("an integer"))?),
        Kind::Float | Kind::Decimal => {
            let number: f64 = value.parse().map_err(|_| wrong("a number"))?;
            if !number.is_finite() {
                return Err(wrong("a number"));
            }
            Bound::Float(number)
        }
        Kind::Boolean => match value {
            "true" => Bound::Boolean(true),
            "false" => Bound::Boolean(false),
            _ => return Err(wrong("true or false")),
        },
        Kind::Uuid => Bound::Uuid(Uuid::parse_str(value).map_err(|_| wrong("a UUID"))?),
        Kind::Date => Bound::Date(value.parse().map_err(|_| wrong("a date (YYYY-MM-DD)"))?),
        Kind::DateTime => {
            Bound::DateTime(datetime(value).ok_or_else(|| wrong("an RFC 3339 time or a date"))?)
        }
        Kind::Enum(values) if values.contains(&value) => Bound::Text(value.to_owned()),
        Kind::Enum(values) => return Err(wrong(&format!("one of: {}", values.join(", ")))),
    })
}

/// RFC 3339, or a bare date meaning its first instant (UTC).
fn datetime(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Some(time.with_timezone(&Utc));
    }
    let date: NaiveDate = value.parse().ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

/// A cursor: the sort it belongs to and the last row's sort values, signed.
fn encode_cursor(request: &Request, last: &Value, secret: &str) -> String {
    let values: Vec<Value> = request
        .sort
        .iter()
        .map(|k| match k.null_flag {
            true => Value::Bool(last[k.key].is_null()),
            false => last[k.key].clone(),
        })
        .collect();
    let payload = json!({ "sort": request.sort_text, "after": values }).to_string();
    let body = URL_SAFE_NO_PAD.encode(payload);
    let signature = URL_SAFE_NO_PAD.encode(sign(secret, &body));
    format!("{body}.{signature}")
}

fn decode_cursor(request: &Request, cursor: &str, secret: &str) -> Result<Vec<Bound>, AppError> {
    let bad = || AppError::bad_field("cursor", "is not a cursor this list gave out");
    let (body, signature) = cursor.split_once('.').ok_or_else(bad)?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| bad())?;
    let mut mac = mac(secret);
    mac.update(body.as_bytes());
    mac.verify_slice(&signature).map_err(|_| bad())?;
    let payload = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad())?;
    let payload: Map<String, Value> = serde_json::from_slice(&payload).map_err(|_| bad())?;
    if payload.get("sort").and_then(Value::as_str) != Some(request.sort_text.as_str()) {
        return Err(AppError::bad_field(
            "cursor",
            "belongs to another sort order",
        ));
    }
    let values = payload
        .get("after")
        .and_then(Value::as_array)
        .ok_or_else(bad)?;
    if values.len() != request.sort.len() {
        return Err(bad());
    }
    request
        .sort
        .iter()
        .zip(values)
        .map(|(key, value)| {
            let text = match value {
                Value::Null if key.nullable => return Ok(Bound::Null),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            bound(key.kind, &text, "cursor")
        })
        .collect()
}

fn mac(secret: &str) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key")
}

fn sign(secret: &str, body: &str) -> Vec<u8> {
    let mut mac = mac(secret);
    mac.update(body.as_bytes());
    mac.finalize().into_bytes().to_vec()
}
