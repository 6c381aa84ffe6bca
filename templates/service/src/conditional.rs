//! Conditional requests: every single-resource response carries an
//! `ETag`; a read whose `If-None-Match` lists it answers 304, and a write whose `If-Match`
//! does not answers 412. And `created`, the 201 every create answers, since it tags too.

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use uuid::Uuid;
use xxhash_rust::xxh3::xxh3_64;

use crate::error::AppError;

/// A strong ETag of a resource's JSON representation: the same bytes give the same tag.
pub fn etag<T: Serialize>(value: &T) -> String {
    tag_of(&json_bytes(value))
}

/// The JSON of a value. Serializing these plain data types cannot fail; an empty body
/// would only make a tag that matches nothing a client holds.
fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// The XXH3 hash of the bytes, in hex and quotes. XXH3 rather than std's `DefaultHasher`: its
/// output is specified, so every instance and every build tags the same bytes alike, and it
/// costs a tenth as much.
fn tag_of(json: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hash = xxh3_64(json);
    let mut tag = String::with_capacity(18);
    tag.push('"');
    for shift in (0..16).rev() {
        tag.push(char::from(HEX[(hash >> (shift * 4)) as usize & 0xf]));
    }
    tag.push('"');
    tag
}

/// 201 with the new resource, its `Location` (`{path}/{id}`) and its `ETag`.
pub fn created<T: Serialize>(path: &str, id: Uuid, body: T) -> Response {
    let location = format!("{path}/{id}");
    let mut response = tagged(body);
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// 200 with the resource and its `ETag`.
pub fn tagged<T: Serialize>(value: T) -> Response {
    let json = json_bytes(&value);
    with_etag(tag_of(&json), json_response(json))
}

/// The body as it was serialized for its tag: a read serializes its row once, not twice.
fn json_response(json: Vec<u8>) -> Response {
    let content_type = HeaderValue::from_static("application/json");
    ([(header::CONTENT_TYPE, content_type)], json).into_response()
}

fn with_etag(tag: String, mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&tag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The `If-Match` and `If-None-Match` headers of a request.
#[derive(Debug, Default)]
pub struct Conditions {
    if_match: Option<String>,
    if_none_match: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Conditions {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        Ok(Self {
            if_match: header_text(&parts.headers, header::IF_MATCH)?,
            if_none_match: header_text(&parts.headers, header::IF_NONE_MATCH)?,
        })
    }
}

/// The longest `If-Match` or `If-None-Match` read, as the OpenAPI document says: a hundred
/// tags and more.
pub const MAX_CONDITION: usize = 2048;

/// A condition header's text; 400 naming it past [`MAX_CONDITION`].
fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Result<Option<String>, AppError> {
    let Some(text) = headers.get(&name).and_then(|value| value.to_str().ok()) else {
        return Ok(None);
    };
    if text.len() > MAX_CONDITION {
        let message = format!("must be at most {MAX_CONDITION} characters");
        return Err(AppError::bad_field(name.as_str(), message));
    }
    Ok(Some(text.to_owned()))
}

/// Whether a header's list of tags (`"a", W/"b"` or `*`) holds `tag`; `weak` ignores `W/`.
fn lists(header: &str, tag: &str, weak: bool) -> bool {
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate == tag || (weak && candidate.strip_prefix("W/") == Some(tag))
    })
}

impl Conditions {
    /// A read: 304 (with the tag, no body) when the client's copy is current, else the
    /// resource with its tag.
    pub fn read<T: Serialize>(&self, value: T) -> Response {
        let json = json_bytes(&value);
        let tag = tag_of(&json);
        match &self.if_none_match {
            Some(header) if lists(header, &tag, true) => {
                with_etag(tag, StatusCode::NOT_MODIFIED.into_response())
            }
            _ => with_etag(tag, json_response(json)),
        }
    }

    /// Whether `If-None-Match` lists `tag` (or `*`): the client's copy of what `tag` names
    /// (a file's bytes) is current.
    pub fn none_match_lists(&self, tag: &str) -> bool {
        self.if_none_match.as_deref().is_some_and(|listed| lists(listed, tag, true))
    }

    /// Whether the write is conditional: the caller then loads the current row for `check`.
    pub fn has_if_match(&self) -> bool {
        self.if_match.is_some()
    }

    /// A write: 412 unless `If-Match` is absent or lists the current representation's tag.
    pub fn check<T: Serialize>(&self, current: &T) -> Result<(), AppError> {
        match &self.if_match {
            Some(header) if !lists(header, &etag(current), false) => {
                Err(AppError::PreconditionFailed)
            }
            _ => Ok(()),
        }
    }
}

