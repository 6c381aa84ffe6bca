//! The OpenAPI 3.1 document of a generated service (docs/contract.md, "Operations"),
//! written into the project as `openapi.json` and served at `GET /openapi.json`.
//!
//! Its paths are the operations of the context (`crate::operations`): each path item
//! takes its id, summary, tag, method, path and path parameters from one `Operation`, and
//! its kind says which body it takes and which status codes it answers. Schemas come from
//! the template context (names, keys, relations, links) and, for each field's rules, from
//! the spec the context came from. Output is
//! deterministic: serde_json objects keep their keys sorted, and everything
//! else follows the spec's order.

mod admin_paths;
mod auth_paths;
mod health;
mod resource_paths;
mod schemas;
mod shared;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

use crate::context::{FieldContext, ResourceContext, ServiceContext};
use crate::operations::{Action, Body, Group, Kind, Operation};
use crate::spec::{
    AuthMode, Bound, Denied, Field, FieldAccess, FieldType, FieldWrite, Format, Literal,
    Registration, Rule, Spec,
};
use health::own_operation;
use shared::*;

/// Where a generated project keeps the document (the service embeds it).
pub const FILE: &str = "openapi.json";

/// A decimal as the service writes it, and as a string on input.
pub const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";

/// A string without U+0000: the service refuses it in every string it is sent (PostgreSQL
/// cannot store it), so every request string says so.
pub const NO_NUL: &str = r"^[^\x00]*$";
/// The states of a background job.
const JOB_STATES: [&str; 4] = ["pending", "running", "succeeded", "dead"];

/// The JSON types of a value that may not be null.
const NOT_NULL: [&str; 5] = ["object", "array", "string", "number", "boolean"];

/// A cursor as the service gives it out (its payload and signature in URL-safe base64), or
/// nothing: an empty cursor is no cursor.
const CURSOR_PATTERN: &str = r"^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?$";

/// Shared schema names; a resource whose type name is one of these gets
/// `{Name}.Resource` instead, so no two components share a name.
const SHARED_SCHEMAS: &[&str] = &[
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
const ERROR_CODES: &[&str] = &[
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
    "VALIDATION_ERROR",
    "RATE_LIMITED",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "INTERNAL_ERROR",
    "SERVICE_UNAVAILABLE",
];

/// Shared error responses: component name, status, description.
const ERROR_RESPONSES: &[(&str, &str, &str)] = &[
    (
        "BadRequest",
        "400",
        "Malformed JSON, a JSON value of the wrong type, or a bad query parameter (unknown, repeated, of the wrong type, an unknown key in `sort` or `fields`, a forged cursor): `BAD_REQUEST`, naming the key or parameter.",
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
        "MethodNotAllowed",
        "405",
        "A known path with a method it does not serve: `METHOD_NOT_ALLOWED`.",
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
        "The database cannot be reached: `SERVICE_UNAVAILABLE`.",
    ),
];

/// The document for `ctx`, pretty-printed JSON with a final newline. The context carries
/// every name; the rules of each field (lengths, bounds, patterns, formats, defaults) come
/// from the typed spec it was built from.
pub fn document(spec: &Spec, ctx: &ServiceContext) -> String {
    let doc = Builder::new(spec, ctx).build();
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

struct Builder<'a> {
    ctx: &'a ServiceContext,
    spec: &'a Spec,
    tags: ServiceTags,
}

/// The tags of the service's own operations. A resource's tag is its plural in kebab
/// case, so a resource can take one of these words (a resource `health`); the service's
/// tag then becomes `health (service)`, which no plural can be, and tags stay distinct
/// as OpenAPI requires. Specs without such a resource keep the plain words.
struct ServiceTags {
    auth: String,
    jobs: String,
    webhooks: String,
    health: String,
    openapi: String,
}

impl ServiceTags {
    fn new(ctx: &ServiceContext) -> Self {
        let tag = |word: &str| {
            if ctx.resources.iter().any(|r| tag(r) == word) {
                format!("{word} (service)")
            } else {
                word.to_string()
            }
        };
        Self {
            auth: tag("auth"),
            jobs: tag("jobs"),
            webhooks: tag("webhooks"),
            health: tag("health"),
            openapi: tag("openapi"),
        }
    }
}

/// What an operation does with a row, for the field rules it describes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    /// A list: read rules also guard filters, `sort` and `fields`.
    List,
    /// Answers one row.
    Read,
    /// Takes a write body (and answers the row).
    Write(Body),
}

impl<'a> Builder<'a> {
    fn new(spec: &'a Spec, ctx: &'a ServiceContext) -> Self {
        Self {
            ctx,
            spec,
            tags: ServiceTags::new(ctx),
        }
    }

    fn build(&self) -> Value {
        let ctx = self.ctx;
        let mut paths = Map::new();
        let mut schemas = shared_schemas();
        if ctx.uses.json {
            // What a json field takes: any value, but no string or key in it may hold U+0000.
            schemas.insert(
                "JsonValue".into(),
                json!({
                    "description": "Any JSON value in which no string and no key holds U+0000.",
                    "pattern": NO_NUL,
                    "propertyNames": {"pattern": NO_NUL},
                    "additionalProperties": schema_ref("JsonValue"),
                    "items": schema_ref("JsonValue")
                }),
            );
        }
        let mut tags = Vec::new();

        for r in &ctx.resources {
            tags.push(json!({"name": tag(r), "description": r.description}));
            self.resource_schemas(r, &mut schemas);
        }
        if self.spec.auth.mode == AuthMode::Jwt {
            tags.push(json!({
                "name": self.tags.auth,
                "description": "Accounts and sessions: short-lived bearer tokens and rotating refresh tokens."
            }));
            self.auth_schemas(&mut schemas);
            if self.spec.has_job_queue() {
                tags.push(json!({
                    "name": self.tags.jobs,
                    "description": "The background job queue, for admins: jobs by state, and the retry of dead ones."
                }));
                self.job_schemas(&mut schemas);
            }
            if self.spec.webhooks() {
                tags.push(json!({
                    "name": self.tags.webhooks,
                    "description": "Webhook subscriptions to the service's events, for admins, and their delivery log."
                }));
                self.webhook_schemas(&mut schemas);
            }
        }
        tags.push(json!({
            "name": self.tags.health,
            "description": "Liveness and readiness probes, outside the versioned API."
        }));
        tags.push(json!({
            "name": self.tags.openapi,
            "description": "This document."
        }));
        for op in &ctx.routes {
            self.add_operation(op, &mut paths);
        }
        if self.spec.emits_events() {
            outbox_health(&mut schemas);
        }

        let mut responses = Map::new();
        for (name, _, description) in ERROR_RESPONSES {
            responses.insert(
                (*name).to_string(),
                json!({
                    "description": description,
                    "headers": {"X-Request-Id": header_ref("X-Request-Id")},
                    "content": {"application/json": {"schema": schema_ref("Error")}}
                }),
            );
        }
        responses.insert(
            "RateLimited".into(),
            json!({
                "description": "Over the client's budget: `RATE_LIMITED`; retry after `Retry-After` seconds.",
                "headers": {
                    "X-Request-Id": header_ref("X-Request-Id"),
                    "Retry-After": {
                        "description": "Seconds until a request would be allowed.",
                        "required": true,
                        "schema": {"type": "integer", "minimum": 1}
                    }
                },
                "content": {"application/json": {"schema": schema_ref("Error")}}
            }),
        );

        json!({
            "openapi": "3.1.0",
            "info": {
                "title": ctx.crate_name,
                "version": "0.1.0",
                "description": format!(
                    "{}\n\nGenerated by backend-gen {}. Every error has the body `Error`; \
                     every response carries `X-Request-Id`. A known path answers another \
                     method with 405 `METHOD_NOT_ALLOWED`; an unknown path gets 404 \
                     `NOT_FOUND`. Lists reject unknown query parameters with 400. Decimals \
                     are JSON strings (`\"19.99\"`, exact); numbers are accepted on input.",
                    ctx.description, ctx.generator_version
                ),
            },
            "tags": tags,
            "paths": paths,
            "components": {
                "securitySchemes": security_schemes(self.spec),
                "schemas": schemas,
                "responses": responses,
                "parameters": shared_parameters(),
                "headers": {
                    "X-Request-Id": {
                        "description": "The request's id: the client's own when it sent a sane one (1 to 128 characters of letters, digits, `-`, `_`, `.`, `:`), else a new UUID.",
                        "required": true,
                        "schema": {"type": "string", "minLength": 1}
                    },
                    "ETag": {
                        "description": "A strong tag of the representation; send it back in `If-None-Match` or `If-Match`.",
                        "required": true,
                        "schema": {"type": "string"}
                    },
                    "Location": {
                        "description": "The new resource's path.",
                        "required": true,
                        "schema": {"type": "string"}
                    }
                }
            }
        })
    }

    /// `op` into its path item: id, summary, tag, method, path and path parameters are the
    /// operation's; its kind says what it takes and answers.
    fn add_operation(&self, op: &Operation, paths: &mut Map<String, Value>) {
        let mut base = Map::new();
        base.insert("operationId".into(), json!(op.id));
        base.insert("summary".into(), json!(op.document_summary));
        base.insert("tags".into(), json!([self.tag_of(&op.group)]));
        let mut operation = match &op.kind {
            Kind::Auth(action) => self.auth_operation(*action, base),
            Kind::SetRoles { .. } => self.roles_operation(base),
            Kind::Jobs(action) => self.job_operation(*action, base),
            Kind::Webhooks(action) => self.webhook_operation(*action, base),
            Kind::Health(_) | Kind::Metrics | Kind::Document => own_operation(&op.kind, base),
            _ => self.resource_operation(op, base),
        };
        // docs/contract.md, "Rate limits": every API route; health and the documents not.
        if op.rate_limited {
            operation["responses"]["429"] = error("RateLimited");
        }
        if op.idempotent {
            idempotent(&mut operation);
        }
        let item = paths
            .entry(op.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(parameters) = self.path_parameters(op) {
            item["parameters"] = parameters;
        }
        item[op.method.lowercase()] = operation;
    }

    /// The tag of an operation's group.
    fn tag_of(&self, group: &Group) -> String {
        match group {
            Group::Resource(snake) => self.resource(snake).map(tag).unwrap_or_default(),
            Group::Auth => self.tags.auth.clone(),
            Group::Jobs => self.tags.jobs.clone(),
            Group::Webhooks => self.tags.webhooks.clone(),
            Group::Health => self.tags.health.clone(),
            Group::Document => self.tags.openapi.clone(),
        }
    }

    /// The spec's field behind a context field, for its rules.
    fn field(&self, r: &ResourceContext, f: &FieldContext) -> Option<&'a Field> {
        self.spec
            .resource(&r.names.snake)?
            .fields
            .iter()
            .find(|sf| sf.names.snake == f.names.snake)
    }

    /// The context of the resource named `snake` (contexts follow the spec's order).
    fn resource(&self, snake: &str) -> Option<&'a ResourceContext> {
        self.spec
            .position(snake)
            .and_then(|i| self.ctx.resources.get(i))
            .filter(|r| r.names.snake == snake)
    }
}
