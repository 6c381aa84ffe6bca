//! What every part of the document shares: the shared schemas, parameters, security
//! schemes, error responses and the small builders of JSON pieces.

use serde_json::{Map, Value, json};

use crate::context::{FieldContext, ResourceContext};
use crate::spec::{AuthMode, Bound, FieldAccess, Literal, Rule, Shape, Spec};

/// A decimal as the service writes it, and as a string on input.
pub const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";

/// The longest decimal string the service reads (`db.rs`'s `MAX_DECIMAL_TEXT`), and more
/// than it ever writes (28 digits, a sign and a point).
pub(super) const MAX_DECIMAL_TEXT: u32 = 64;

/// A string without U+0000: the service refuses it in every string it is sent (PostgreSQL
/// cannot store it), so every request string says so.
pub const NO_NUL: &str = r"^[^\x00]*$";
/// The states of a background job.
pub(super) const JOB_STATES: [&str; 4] = ["pending", "running", "succeeded", "dead"];

/// What a JSON value that may not be null is not. Said so rather than as the list of the
/// other types: a schema that names `array` and `string` among its types is read as an
/// array and a string, which reviewers' linters would then want bounded.
pub(super) fn not_null() -> Value {
    json!({"type": "null"})
}

/// A cursor as the service gives it out (its payload and signature in URL-safe base64), or
/// nothing: an empty cursor is no cursor.
pub(super) const CURSOR_PATTERN: &str = r"^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?$";

/// The longest `sort` or `fields` value a list takes (`list::MAX_KEYS_TEXT`).
pub(super) const MAX_KEYS_TEXT: u32 = 4096;

/// What the offset window lets a `page` reach (the service's `LIST_OFFSET_WINDOW`).
pub(super) const OFFSET_WINDOW: &str = "Offset pages reach the first 10,000 rows of a list (`page` × `limit` at most `LIST_OFFSET_WINDOW`, 10,000 by default): a page";

/// Shared schema names; a resource whose type name is one of these gets
/// `{Name}.Resource` instead, so no two components share a name.
pub(super) const SHARED_SCHEMAS: &[&str] = &[
    "Error",
    "ErrorDetail",
    "JsonValue",
    "Pagination",
    "Health",
    "HealthCheck",
    "OutboxCheck",
    "Job",
    "Webhook",
    "WebhookDelivery",
];

/// The error codes of docs/contract.md, "Errors".
pub(super) const ERROR_CODES: &[&str] = &[
    "BAD_REQUEST",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "NOT_FOUND",
    "METHOD_NOT_ALLOWED",
    "CONFLICT",
    "VERSION_CONFLICT",
    "PRECONDITION_FAILED",
    "PAYLOAD_TOO_LARGE",
    "UNSUPPORTED_MEDIA_TYPE",
    "RANGE_NOT_SATISFIABLE",
    "URI_TOO_LONG",
    "HEADERS_TOO_LARGE",
    "VALIDATION_ERROR",
    "RATE_LIMITED",
    "INTERNAL_ERROR",
    "SERVICE_UNAVAILABLE",
];

/// Shared error responses: component name, status, description.
pub(super) const ERROR_RESPONSES: &[(&str, &str, &str)] = &[
    (
        "BadRequest",
        "400",
        "Malformed JSON, a JSON value of the wrong type, a bad query parameter (unknown, repeated, of the wrong type or past its length, an unknown key in `sort` or `fields`, a forged cursor), or an `If-Match` or `If-None-Match` past 2,048 characters: `BAD_REQUEST`, naming the key, parameter or header.",
    ),
    (
        "Unauthorized",
        "401",
        "No token where the rules need one, or a token that is expired, forged or malformed (on any route that reads it): `UNAUTHORIZED`, with `WWW-Authenticate: Bearer`. Login answers it for a wrong email or password alike.",
    ),
    (
        "Forbidden",
        "403",
        "A valid token whose user the rules do not allow (a row they may read but not change, a role they lack): `FORBIDDEN`.",
    ),
    (
        "NotFound",
        "404",
        "No such route, or no such row (a path id that is not a UUID names no row): `NOT_FOUND`.",
    ),
    (
        "Conflict",
        "409",
        "A unique value another row holds (`CONFLICT`, naming the fields), a row other rows still reference, a business rule's refusal (`CONFLICT`, from the service's hooks), or a stale `version` in the body (`VERSION_CONFLICT`).",
    ),
    (
        "PreconditionFailed",
        "412",
        "`If-Match` does not list the current `ETag`: `PRECONDITION_FAILED`.",
    ),
    (
        "PayloadTooLarge",
        "413",
        "The body is over the configured limit (1 MiB by default): `PAYLOAD_TOO_LARGE`.",
    ),
    (
        "UnsupportedMediaType",
        "415",
        "The body is not `application/json`: `UNSUPPORTED_MEDIA_TYPE`.",
    ),
    (
        "ValidationError",
        "422",
        "A well-formed body that breaks the rules (unknown, read-only, missing or null keys, enum values, lengths, ranges, formats, patterns, missing references): `VALIDATION_ERROR`, one detail per failing field.",
    ),
    (
        "InternalError",
        "500",
        "A fault of the service: `INTERNAL_ERROR` with a generic message (the cause is only logged).",
    ),
    (
        "ServiceUnavailable",
        "503",
        "The database cannot be reached, or a statement ran past its time budget (`DB_STATEMENT_TIMEOUT_MS`) and was interrupted, then with `Retry-After`: `SERVICE_UNAVAILABLE`.",
    ),
];

/// The refusals of a request whose head is too large to read: component name, status,
/// description. The service answers them before anything else (no rate limit is drawn on),
/// with the error body and `X-Request-Id` like every other answer (templates/service/src/server.rs).
/// A value within its `maxLength` can still make a target past the limit once
/// percent-encoded (up to 12 bytes a character).
pub const SERVER_REFUSALS: &[(&str, &str, &str)] = &[
    (
        "UriTooLong",
        "414",
        "The request's target (path and query, percent-encoding included) is over 32 KiB: `URI_TOO_LONG` with the `Error` body, answered before anything else. Past 64 KiB the HTTP server itself closes the connection with a bare 414, without a body, which is why no content is named here.",
    ),
    (
        "HeadersTooLarge",
        "431",
        "The request's head (target and headers) is over 64 KiB: `HEADERS_TOO_LARGE`, answered before anything else. Past 1 MiB, or past 100 header lines, the HTTP server itself closes the connection with a bare 431.",
    ),
];

pub(super) fn shared_schemas() -> Map<String, Value> {
    let mut schemas = Map::new();
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "description": "The body of every error response.",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string", "enum": ERROR_CODES},
                        "message": {"type": "string", "maxLength": 1024},
                        "details": {"type": "array", "maxItems": 100, "items": schema_ref("ErrorDetail"), "description": "The first 100 problems at most."},
                        "requestId": {"type": "string", "maxLength": 128}
                    },
                    "required": ["code", "message", "requestId"],
                    "additionalProperties": false
                }
            },
            "required": ["error"],
            "additionalProperties": false
        }),
    );
    schemas.insert(
        "ErrorDetail".into(),
        json!({
            "type": "object",
            "description": "One problem with one body key or query parameter.",
            "properties": {
                "field": {"type": "string", "maxLength": 256},
                "message": {"type": "string", "maxLength": 1024}
            },
            "required": ["field", "message"],
            "additionalProperties": false
        }),
    );
    schemas.insert(
        "Pagination".into(),
        json!({
            "type": "object",
            "properties": {
                "page": {"type": "integer", "format": "int64", "minimum": 1, "maximum": u32::MAX, "description": "The page number, for offset pages (absent with a cursor)."},
                "limit": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100},
                "total": {"type": "integer", "format": "int64", "minimum": 0, "maximum": u32::MAX, "description": "Rows matching the filters, on offset pages, counted up to `LIST_COUNT_LIMIT` (10,000 by default): past it, the limit (see `totalExact`). A page after a cursor leaves it out."},
                "totalExact": {"type": "boolean", "description": "Beside `total`: whether it is the exact count; `false` says at least `total` rows match."},
                "hasMore": {"type": "boolean"},
                "nextCursor": {"type": ["string", "null"], "description": "Continues after this page's last row; null on the last page."}
            },
            "required": ["limit", "hasMore", "nextCursor"],
            "additionalProperties": false
        }),
    );
    schemas.insert(
        "Health".into(),
        json!({
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["healthy", "degraded", "unhealthy"]},
                "version": {"type": "string", "maxLength": 64, "description": "The service's version (its crate's)."},
                "timestamp": {"type": "string", "format": "date-time"},
                "checks": {
                    "type": "object",
                    "properties": {"database": schema_ref("HealthCheck")},
                    "required": ["database"],
                    "additionalProperties": schema_ref("HealthCheck")
                }
            },
            "required": ["status", "version", "timestamp", "checks"],
            "additionalProperties": false
        }),
    );
    schemas.insert(
        "HealthCheck".into(),
        json!({
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["up", "down"]},
                "latency": {"type": "integer", "format": "int64", "minimum": 0, "maximum": i64::MAX, "description": "Milliseconds the check took."}
            },
            "required": ["status", "latency"],
            "additionalProperties": false
        }),
    );
    schemas
}

/// `/health`'s `checks.outbox`, and `checks.events` (NATS, a plain check) when configured.
pub(super) fn outbox_health(schemas: &mut Map<String, Value>) {
    schemas.insert(
        "OutboxCheck".into(),
        json!({
            "type": "object",
            "description": "The domain events not yet published: `lagging` once the oldest is older than `OUTBOX_LAG_ALERT_SECS` (the service is then `degraded`).",
            "properties": {
                "status": {"type": "string", "enum": ["up", "lagging", "down"]},
                "pending": {"type": "integer", "format": "int64", "minimum": 0, "maximum": i64::MAX, "description": "Events waiting to be published."},
                "lag": {"type": "integer", "format": "int64", "minimum": 0, "maximum": i64::MAX, "description": "Seconds the oldest of them has waited."}
            },
            "required": ["status", "pending", "lag"],
            "additionalProperties": false
        }),
    );
    let checks = &mut schemas["Health"]["properties"]["checks"];
    checks["properties"]["outbox"] = schema_ref("OutboxCheck");
    checks["required"] = json!(["database", "outbox"]);
}

/// The schemes; the crate's name is the tokens' issuer and audience.
pub(super) fn security_schemes(spec: &Spec, crate_name: &str) -> Value {
    let metrics = json!({
        "type": "http",
        "scheme": "bearer",
        "description": "The service's `METRICS_TOKEN`, for Prometheus scrapes of `/metrics`."
    });
    if spec.auth.mode != AuthMode::Jwt {
        return json!({"metricsToken": metrics});
    }
    json!({
        "metricsToken": metrics,
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": format!(
                "An access token from {}: a JWS following RFC8725's practices: the algorithm is pinned (HS256 only; `none` and any other are refused), the issuer and the audience are checked (`iss` and `aud` are both `{}`), and `exp`, `iat` and `sub` are required. Claims `sub`, `sid`, `email`, `email_verified`, `roles`, `iat`, `exp`, `iss`, `aud`.{}",
                match &spec.auth.accounts {
                    Some(service) => format!("the service `{service}`, which holds the accounts (its `/auth/login` or `/auth/refresh`)"),
                    None => format!("`POST {}/auth/login` or `/auth/refresh`", spec.project.api_prefix),
                },
                spec.auth.accounts.as_deref().unwrap_or(crate_name),
                if spec.auth.accounts.is_some() {
                    " Each request's caller, and its roles, are then those the accounts service answers for the token at its `/auth/me`."
                } else {
                    ""
                }
            )
        }
    })
}

/// The longest cursor the service can give out, over every list of `spec`: its JSON payload
/// (the `sort` text and a value per key, each text's characters counted as JSON's longest
/// escape) in base64, a dot and the signature, and at most what it reads. A longer one is
/// a 400, as a forged one is.
pub(super) fn cursor_max_length(spec: &Spec) -> u64 {
    /// A key's value other than a text's (a number, a date, a UUID, a null flag), in JSON.
    const SHORT_VALUE: u64 = 64;
    let longest_payload = spec
        .resources
        .iter()
        .map(|r| {
            let texts: u64 = r
                .fields
                .iter()
                .map(|f| match f.ty.props().list_kind {
                    Some("Kind::LongText") => 6 * 200 + 2 + SHORT_VALUE,
                    Some(_) => f.max_length().map_or(0, |n| 6 * u64::from(n) + 2) + SHORT_VALUE,
                    None => 0,
                })
                .sum();
            let keys = (r.belongs_to.len() + 4) as u64;
            64 + u64::from(MAX_KEYS_TEXT) + texts + keys * SHORT_VALUE
        })
        .max()
        .unwrap_or(0)
        .max(1024);
    (longest_payload.div_ceil(3) * 4 + 1 + 43).min(MAX_CURSOR)
}

/// The longest cursor the service reads (`list::MAX_CURSOR`): half the 64 KiB the HTTP server
/// takes for a request line (hyper answers 414 past it).
const MAX_CURSOR: u64 = 32_768;

pub(super) fn shared_parameters(max_cursor: u64) -> Value {
    json!({
        "Id": {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The row's id (anything that is not a UUID names no row: 404).",
            "schema": {"type": "string", "format": "uuid"}
        },
        "IfMatch": {
            "name": "If-Match",
            "in": "header",
            "description": "Write only if the current `ETag` is listed (else 412); at most 2,048 characters (else 400).",
            "schema": {"type": "string", "maxLength": 2048}
        },
        "IfNoneMatch": {
            "name": "If-None-Match",
            "in": "header",
            "description": "Answer 304 if the current `ETag` is listed; at most 2,048 characters (else 400).",
            "schema": {"type": "string", "maxLength": 2048}
        },
        "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "description": "Makes a retry safe: the same key with the same request within 24 hours (`IDEMPOTENCY_TTL_HOURS`) gets the first answer again, with `Idempotent-Replayed: true`, and writes nothing; the same key with another request is a 422 naming `Idempotency-Key`; while the first is still being handled, a 409. Keys are per account: without a valid token (with jwt auth) the key is ignored.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
        },
        "Page": {
            "name": "page",
            "in": "query",
            "description": format!("The page number, from 1 (offset pages; not with `cursor`). {OFFSET_WINDOW} past them gets 400 naming `cursor`, which reaches any depth."),
            "schema": {"type": "integer", "format": "int64", "minimum": 1, "maximum": u32::MAX}
        },
        "Limit": {
            "name": "limit",
            "in": "query",
            "description": "Rows per page.",
            "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 20}
        },
        "Cursor": {
            "name": "cursor",
            "in": "query",
            "description": "An opaque `nextCursor` of an earlier page with the same sort: continues after its last row (not with `page`; one this service did not give out gets 400). An empty value is no cursor.",
            "schema": {"type": "string", "maxLength": max_cursor, "pattern": CURSOR_PATTERN}
        }
    })
}

/// Says that a string may not hold U+0000 (see `NO_NUL`): with a pattern, beside the
/// string's own pattern when that does not already imply it.
pub(super) fn exclude_nul(s: &mut Map<String, Value>) {
    match s.get("pattern").and_then(Value::as_str) {
        None => {
            s.insert("pattern".into(), json!(NO_NUL));
        }
        Some(pattern) if crate::pattern::excludes_nul(pattern) => {}
        Some(_) => {
            s.insert("allOf".into(), json!([{"pattern": NO_NUL}]));
        }
    }
}

/// A string without U+0000, as the service takes it in a body or a query parameter.
/// A request string of at most `max` characters, without U+0000. Where a longer one could
/// never be right (an email, a token the service made), the service's answer to it is the
/// same refusal as to any wrong value.
pub(super) fn text(max: u32, description: &str) -> Value {
    json!({"type": "string", "maxLength": max, "pattern": NO_NUL, "description": description})
}

/// The resource's schema name (see `SHARED_SCHEMAS`).
pub fn schema_name(r: &ResourceContext) -> String {
    if SHARED_SCHEMAS.contains(&r.names.pascal.as_str()) {
        format!("{}.Resource", r.names.pascal)
    } else {
        r.names.pascal.clone()
    }
}

/// Appends a sentence to a schema's description.
pub(super) fn add_sentence(s: &mut Map<String, Value>, sentence: &str) {
    let text = match s.get("description").and_then(Value::as_str) {
        Some(first) if !first.is_empty() => format!("{first} {sentence}"),
        _ => sentence.to_string(),
    };
    s.insert("description".into(), json!(text));
}

/// Who may see a field, if its rules narrow that (a rule list with `public` narrows nothing).
pub(super) fn readers(access: &FieldAccess) -> Option<&[Rule]> {
    access
        .read
        .as_deref()
        .filter(|rules| !rules.contains(&Rule::Public))
}

pub(super) fn tag(r: &ResourceContext) -> String {
    r.names.plural_kebab.clone()
}

pub(super) fn type_of(ty: &str, nullable: bool) -> Value {
    if nullable {
        json!([ty, "null"])
    } else {
        json!(ty)
    }
}

/// A value of `f` as its type's row gives it (`openapi`): its JSON type and format, and an
/// enum's values; `None`: any JSON value.
pub(super) fn value_schema(f: &FieldContext, nullable: bool) -> Option<Map<String, Value>> {
    let props = f.kind.props();
    let (json_type, format) = props.openapi?;
    let mut s = Map::new();
    s.insert("type".into(), type_of(json_type, nullable));
    if let Some(format) = format {
        s.insert("format".into(), json!(format));
    }
    if matches!(props.shape, Shape::Choice) {
        let mut values: Vec<Value> = f.enum_values.iter().map(|v| json!(v.value)).collect();
        if nullable {
            values.push(Value::Null);
        }
        s.insert("enum".into(), json!(values));
    }
    Some(s)
}

pub(super) fn uuid_schema(required: bool, description: Option<&str>) -> Value {
    let mut s = json!({"type": type_of("string", !required), "format": "uuid"});
    if let Some(d) = description {
        s["description"] = json!(d);
    }
    s
}

pub(super) fn bound(b: &Bound) -> Value {
    match b {
        Bound::Integer(i) => json!(i),
        Bound::Float(x) => json!(x),
        Bound::Decimal(d) => d
            .parse::<i64>()
            .map(|i| json!(i))
            .or_else(|_| d.parse::<f64>().map(|x| json!(x)))
            .unwrap_or(Value::Null),
    }
}

pub(super) fn insert_bounds(s: &mut Map<String, Value>, min: &Option<Bound>, max: &Option<Bound>) {
    if let Some(b) = min {
        s.insert("minimum".into(), bound(b));
    }
    if let Some(b) = max {
        s.insert("maximum".into(), bound(b));
    }
}

pub(super) fn literal(l: &Literal) -> Value {
    match l {
        Literal::String(s) | Literal::Decimal(s) => json!(s),
        Literal::Integer(i) => json!(i),
        Literal::Float(x) => json!(x),
        Literal::Boolean(b) => json!(b),
    }
}

pub(super) fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

pub(super) fn param_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

pub(super) fn header_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/headers/{name}")})
}

/// The longest text of each string format the service reads or writes: a UUID's hyphenated
/// form, RFC 3339's `full-date`, and a `date-time` (at most 35 characters as the service
/// writes one; what it reads is refused past 64, whatever the fraction's digits).
const FORMAT_LENGTHS: [(&str, u32); 3] = [("uuid", 36), ("date", 10), ("date-time", 64)];

/// Gives every string schema of a format in [`FORMAT_LENGTHS`] its `maxLength`, wherever it
/// sits in `value` (reviewers' linters want a bound on every string; these bounds hold by
/// the format itself).
pub(super) fn bound_formatted_strings(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let length = map
                .get("format")
                .and_then(Value::as_str)
                .and_then(|format| {
                    FORMAT_LENGTHS
                        .iter()
                        .find(|(name, _)| *name == format)
                        .map(|(_, length)| *length)
                });
            if let Some(length) = length
                && !map.contains_key("maxLength")
            {
                map.insert("maxLength".into(), json!(length));
            }
            map.values_mut().for_each(bound_formatted_strings);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_formatted_strings),
        _ => {}
    }
}

/// The response header by which CORS lets a page of another origin read the answer.
const CORS_ORIGIN: &str = "Access-Control-Allow-Origin";

/// The headers that tell a client where its rate budget stands (docs/contract.md, "Rate
/// limits").
const RATE_LIMIT_HEADERS: [&str; 3] = [
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
];

/// Adds the rate-limit headers to an inline response (a `$ref` to a component response
/// gets them in the component).
pub(super) fn with_rate_limit_headers(response: &mut Value) {
    if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
        for name in RATE_LIMIT_HEADERS {
            headers.insert(name.into(), header_ref(name));
        }
    }
}

/// The shared response headers.
pub(super) fn header_components() -> Value {
    json!({
        "X-Request-Id": {
            "description": "The request's id: the client's own when it sent a sane one (1 to 128 characters of letters, digits, `-`, `_`, `.`, `:`), else a new UUID.",
            "required": true,
            "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[A-Za-z0-9._:-]{1,128}$"}
        },
        "ETag": {
            "description": "A strong tag of the representation (its hash, in quotes); send it back in `If-None-Match` or `If-Match`.",
            "required": true,
            "schema": {"type": "string", "maxLength": 18, "pattern": "^\"[0-9a-f]{1,16}\"$"}
        },
        "Location": {
            "description": "The new resource's path.",
            "required": true,
            "schema": {"type": "string", "format": "uri-reference", "maxLength": 2048}
        },
        CORS_ORIGIN: {
            "description": "Present when the request's `Origin` is one that `CORS_ALLOWED_ORIGINS` allows (none by default): that origin, or `*` when any is allowed.",
            "schema": {"type": "string", "maxLength": 2048, "pattern": "^(\\*|https?://[^/]+)$"}
        },
        "X-RateLimit-Limit": {
            "description": "The size of the client's budget: requests it may make at once (absent when the shared budget in Redis is unreachable and `RATE_LIMIT_WHEN_REDIS_DOWN` is `open`).",
            "schema": {"type": "integer", "format": "int64", "minimum": 1, "maximum": u32::MAX}
        },
        "X-RateLimit-Remaining": {
            "description": "Requests left in the budget now.",
            "schema": {"type": "integer", "format": "int64", "minimum": 0, "maximum": u32::MAX}
        },
        "X-RateLimit-Reset": {
            "description": "When the budget is full again, in Unix seconds.",
            "schema": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 253_402_300_799_i64}
        }
    })
}

pub(super) fn error(name: &str) -> Value {
    json!({"$ref": format!("#/components/responses/{name}")})
}

/// `X-Request-Id`, the CORS header (present when CORS allows the caller's origin) and the
/// given headers.
pub(super) fn headers(extra: &[&str]) -> Value {
    let mut map = Map::new();
    map.insert("X-Request-Id".into(), header_ref("X-Request-Id"));
    map.insert(CORS_ORIGIN.into(), header_ref(CORS_ORIGIN));
    for name in extra {
        map.insert((*name).to_string(), header_ref(name));
    }
    Value::Object(map)
}

/// A `POST` honours `Idempotency-Key`: the parameter, and its 400, 409 and 422.
pub(super) fn idempotent(post: &mut Value) {
    if let Some(parameters) = post["parameters"].as_array_mut() {
        parameters.push(param_ref("IdempotencyKey"));
    } else {
        post["parameters"] = json!([param_ref("IdempotencyKey")]);
    }
    let responses = &mut post["responses"];
    for (status, name) in [
        ("400", "BadRequest"),
        ("409", "Conflict"),
        ("422", "ValidationError"),
    ] {
        if responses.get(status).is_none() {
            responses[status] = error(name);
        }
    }
}

/// A page of a list of `item`s: `{"data": [...], "pagination": {...}}`.
pub(super) fn page_of(item: &str) -> Value {
    json!({
        "type": "object",
        "properties": {
            "data": {"type": "array", "maxItems": 100, "items": schema_ref(item)},
            "pagination": schema_ref("Pagination")
        },
        "required": ["data", "pagination"],
        "additionalProperties": false
    })
}

/// An admin-only operation's answers: `list`, and those of the caller and the server.
pub(super) fn admin_responses(mut list: Vec<(&str, Value)>) -> Value {
    list.extend([
        ("401", error("Unauthorized")),
        ("403", error("Forbidden")),
        ("500", error("InternalError")),
        ("503", error("ServiceUnavailable")),
    ]);
    responses(list)
}

/// The answers a JSON body can get besides the operation's own.
pub(super) fn body_errors() -> Vec<(&'static str, Value)> {
    vec![
        ("400", error("BadRequest")),
        ("413", error("PayloadTooLarge")),
        ("415", error("UnsupportedMediaType")),
        ("422", error("ValidationError")),
        ("500", error("InternalError")),
        ("503", error("ServiceUnavailable")),
    ]
}

pub(super) fn ok_json(description: &str, schema: &str, extra: &[&str]) -> Value {
    json!({
        "description": description,
        "headers": headers(extra),
        "content": {"application/json": {"schema": schema_ref(schema)}}
    })
}

pub(super) fn no_content(description: &str) -> Value {
    json!({"description": description, "headers": headers(&[])})
}

pub(super) fn body_ref(schema: &str) -> Value {
    json!({
        "required": true,
        "content": {"application/json": {"schema": schema_ref(schema)}}
    })
}

pub(super) fn responses(list: Vec<(&str, Value)>) -> Value {
    Value::Object(list.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub(super) fn create_responses(name: &str, nested: bool, links: Value) -> Value {
    let mut created = ok_json("Created.", name, &["Location", "ETag"]);
    created["links"] = links;
    let mut list = vec![("201", created), ("400", error("BadRequest"))];
    if nested {
        list.push(("404", error("NotFound")));
    }
    list.extend([
        ("409", error("Conflict")),
        ("413", error("PayloadTooLarge")),
        ("415", error("UnsupportedMediaType")),
        ("422", error("ValidationError")),
        ("500", error("InternalError")),
        ("503", error("ServiceUnavailable")),
    ]);
    responses(list)
}
