//! A typed client of the service's HTTP API. `api.rs` is written by backend-gen from the
//! service's `openapi.json` (a type per schema, a method per operation); this file is the
//! same for every service: requests over reqwest, the session and its refresh, the
//! contract's errors, and pages.

mod api;

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use api::*;

/// A signed-in session: the access token sent as `Authorization: Bearer`, and the refresh
/// token traded for the next pair when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

/// What a request answered: its body, status, `ETag` (for `if_match`) and headers.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    pub data: T,
    pub status: u16,
    pub etag: Option<String>,
    pub headers: HeaderMap,
}

/// What every method takes besides its own parameters: the conditional and idempotency
/// headers the operation accepts (others are ignored by the service), and any other header.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// A write goes ahead only if the row's `ETag` is still this one (else 412).
    pub if_match: Option<String>,
    /// A read answers 304 (`Error::NotModified`) if the row's `ETag` is still this one.
    pub if_none_match: Option<String>,
    /// A create sent again with the same key is done once (`new_idempotency_key`).
    pub idempotency_key: Option<String>,
    pub headers: Vec<(String, String)>,
}

/// One problem with one body key or query parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

/// A refusal or failure, as the service's error body describes it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    /// The contract's code: `VALIDATION_ERROR`, `NOT_FOUND`, `PRECONDITION_FAILED`...
    pub code: String,
    pub message: String,
    /// The keys at fault.
    pub details: Vec<Problem>,
    pub request_id: Option<String>,
}

#[derive(Debug)]
pub enum Error {
    /// The service refused the request or failed (a non-2xx answer).
    Api(ApiError),
    /// A read with `if_none_match`: the row is unchanged.
    NotModified { etag: Option<String> },
    /// The request did not get an answer (connection, timeout...).
    Http(reqwest::Error),
    /// The answer was not what the document says.
    Decode(serde_json::Error),
}

impl Error {
    /// The contract's code of a refusal (`None` for other failures).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(err) => Some(&err.code),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(err) => write!(f, "{} {}: {}", err.status, err.code, err.message),
            Error::NotModified { .. } => f.write_str("not modified"),
            Error::Http(err) => write!(f, "no answer: {err}"),
            Error::Decode(err) => write!(f, "an answer the client cannot read: {err}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Http(err) => Some(err),
            Error::Decode(err) => Some(err),
            _ => None,
        }
    }
}

/// A new `Idempotency-Key`: send the same one again to retry a create without making two.
pub fn new_idempotency_key() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let count = KEYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{nanos:x}-{:x}-{count:x}", std::process::id())
}

static KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The HTTP side of every method: one place for the session, its refresh and errors.
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    session: Mutex<Option<Tokens>>,
    /// Held while a refresh runs: concurrent 401s wait for one refresh, not one each.
    refreshing: tokio::sync::Mutex<()>,
}

/// A request's parts, before it is sent.
struct Request<'a> {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    /// Sent with the session's bearer token, and retried once after a refresh on a 401.
    auth: bool,
    options: &'a RequestOptions,
}

/// A new token pair, as a refresh answers it.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pair {
    access_token: String,
    refresh_token: String,
}

/// An answer before its body is read as the operation's type.
struct Raw {
    status: u16,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Client {
    /// A client of the service at `base_url` (`https://api.example.com`, without the API
    /// prefix).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_http(base_url, reqwest::Client::new())
    }

    /// The same, over a reqwest client of the caller's (its timeouts, proxy, TLS roots).
    pub fn with_http(base_url: impl Into<String>, http: reqwest::Client) -> Self {
        Self {
            http,
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            session: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The session held now (to keep it, or show who is signed in).
    pub fn session(&self) -> Option<Tokens> {
        self.session.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Starts from a kept session, or (`None`) drops the one held.
    pub fn set_session(&self, tokens: Option<Tokens>) {
        *self.session.lock().unwrap_or_else(PoisonError::into_inner) = tokens;
    }

    async fn send(&self, request: Request<'_>) -> Result<Raw, Error> {
        let sent_with = self.session().map(|tokens| tokens.access_token);
        let raw = self.attempt(&request).await?;
        if raw.status == 401
            && request.auth
            && let Some(sent_with) = sent_with
            && self.refresh_after(&sent_with).await
        {
            return self.attempt(&request).await;
        }
        Ok(raw)
    }

    /// Trades the refresh token for a new pair, unless another call did since `sent_with`
    /// was sent; `false` (and no session) if the service refused.
    async fn refresh_after(&self, sent_with: &str) -> bool {
        let _one_at_a_time = self.refreshing.lock().await;
        let Some(tokens) = self.session() else {
            return false;
        };
        if tokens.access_token != sent_with {
            return true;
        }
        let Some(path) = api::REFRESH_PATH else {
            return false;
        };
        let body = serde_json::json!({ "refreshToken": tokens.refresh_token });
        let options = RequestOptions::default();
        let request = Request {
            method: Method::POST,
            path: path.to_owned(),
            query: Vec::new(),
            body: Some(body.to_string().into_bytes()),
            auth: false,
            options: &options,
        };
        let pair = match self.attempt(&request).await {
            Ok(raw) if raw.status == 200 => raw.json::<Pair>().ok(),
            _ => None,
        };
        let refreshed = pair.is_some();
        self.set_session(pair.map(|pair| Tokens {
            access_token: pair.data.access_token,
            refresh_token: pair.data.refresh_token,
        }));
        refreshed
    }

    async fn attempt(&self, request: &Request<'_>) -> Result<Raw, Error> {
        let url = format!("{}{}", self.base_url, request.path);
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .header("accept", "application/json, text/plain");
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        let options = request.options;
        let headers = [
            ("if-match", &options.if_match),
            ("if-none-match", &options.if_none_match),
            ("idempotency-key", &options.idempotency_key),
        ];
        for (name, value) in headers {
            if let Some(value) = value {
                builder = builder.header(name, value);
            }
        }
        for (name, value) in &options.headers {
            builder = builder.header(name, value);
        }
        if request.auth
            && let Some(tokens) = self.session()
        {
            builder = builder.bearer_auth(tokens.access_token);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header("content-type", "application/json")
                .body(body.clone());
        }
        let response = builder.send().await.map_err(Error::Http)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(Error::Http)?.to_vec();
        Ok(Raw {
            status,
            headers,
            bytes,
        })
    }
}

impl Raw {
    /// The answer, or the refusal it is.
    fn checked(self) -> Result<Self, Error> {
        let etag = || header(&self.headers, "etag");
        match self.status {
            200..=299 => Ok(self),
            304 => Err(Error::NotModified { etag: etag() }),
            status => {
                let body: serde_json::Value = serde_json::from_slice(&self.bytes).unwrap_or_default();
                let error = &body["error"];
                let text = |key: &str| error[key].as_str().map(str::to_owned);
                Err(Error::Api(ApiError {
                    status,
                    code: text("code").unwrap_or_else(|| {
                        if status >= 500 { "INTERNAL_ERROR" } else { "BAD_REQUEST" }.to_owned()
                    }),
                    message: text("message").unwrap_or_else(|| format!("HTTP {status}")),
                    details: serde_json::from_value(error["details"].clone()).unwrap_or_default(),
                    request_id: text("requestId"),
                }))
            }
        }
    }

    fn answer<T>(self, data: T) -> Answer<T> {
        Answer {
            data,
            status: self.status,
            etag: header(&self.headers, "etag"),
            headers: self.headers,
        }
    }

    fn json<T: DeserializeOwned>(self) -> Result<Answer<T>, Error> {
        let raw = self.checked()?;
        let bytes: &[u8] = if raw.bytes.is_empty() { b"null" } else { &raw.bytes };
        let data = serde_json::from_slice(bytes).map_err(Error::Decode)?;
        Ok(raw.answer(data))
    }

    fn text(self) -> Result<Answer<String>, Error> {
        let raw = self.checked()?;
        let data = String::from_utf8_lossy(&raw.bytes).into_owned();
        Ok(raw.answer(data))
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value: &HeaderValue| value.to_str().ok())
        .map(str::to_owned)
}

/// A path parameter as one segment: every byte but the unreserved ones percent-encoded.
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A body as JSON.
fn json_body<T: Serialize>(body: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(Error::Decode)
}

/// A query type's set keys as query parameters.
fn query_pairs<T: Serialize>(query: &T) -> Result<Vec<(String, String)>, Error> {
    let value = serde_json::to_value(query).map_err(Error::Decode)?;
    let pairs = value
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (key.clone(), text)
        })
        .collect();
    Ok(pairs)
}

/// A page's rows and the cursor of the next page, as a pager fetches them.
type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<(Vec<T>, Option<String>), Error>> + Send + 'a>>;

/// Every row of a list, page after page (`while let Some(row) = pager.next().await`).
pub struct Pager<'a, T> {
    fetch: Box<dyn Fn(Option<String>) -> PageFuture<'a, T> + Send + Sync + 'a>,
    rows: VecDeque<T>,
    cursor: Option<String>,
    done: bool,
}

impl<'a, T> Pager<'a, T> {
    fn new(fetch: impl Fn(Option<String>) -> PageFuture<'a, T> + Send + Sync + 'a) -> Self {
        Self {
            fetch: Box::new(fetch),
            rows: VecDeque::new(),
            cursor: None,
            done: false,
        }
    }

    /// The next row, fetching the next page when this one is done; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        loop {
            if let Some(row) = self.rows.pop_front() {
                return Some(Ok(row));
            }
            if self.done {
                return None;
            }
            match (self.fetch)(self.cursor.take()).await {
                Ok((rows, next)) => {
                    self.rows.extend(rows);
                    self.done = next.is_none();
                    self.cursor = next;
                }
                Err(err) => {
                    self.done = true;
                    return Some(Err(err));
                }
            }
        }
    }
}
