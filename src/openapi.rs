//! The OpenAPI 3.1 document of a generated service (docs/contract.md, "Operations"),
//! written into the project as `openapi.json` and served at `GET /openapi.json`.
//!
//! It is built from the template context (names, keys, relations, links and
//! routes) and, for each field's rules, from the spec the context came from.
//! It lists every route with its parameters, request bodies and the status
//! codes the service can answer, and the shared error body. Output is
//! deterministic: serde_json objects keep their keys sorted, and everything
//! else follows the spec's order.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::context::{FieldContext, ResourceContext, ServiceContext};
use crate::spec::{
    AuthMode, Bound, Denied, Field, FieldAccess, FieldType, FieldWrite, Format, Literal,
    Registration, Rule, Spec,
};

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
    /// Each route's summary by method and path (the first, should two share them).
    summaries: HashMap<(&'a str, &'a str), &'a str>,
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

/// An action of the access rules, for the operations that it guards.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    List,
    Read,
    Create,
    Update,
    Delete,
}

/// The body shapes of a resource's writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    /// POST: `required_keys` must be present.
    Create,
    /// `POST /auth/register`: a create by the new account itself, which field rules see as
    /// its owner with the default role.
    Register,
    /// PUT: every key must be present, optional ones may be `null`.
    Replace,
    /// PATCH: every key may be absent.
    Patch,
}

impl Body {
    fn creates(self) -> bool {
        matches!(self, Body::Create | Body::Register)
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
        let mut summaries = HashMap::new();
        for route in &ctx.routes {
            summaries
                .entry((route.method, route.path.as_str()))
                .or_insert(route.summary.as_str());
        }
        Self {
            ctx,
            spec,
            summaries,
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
            self.resource_paths(r, &mut paths);
        }
        if self.spec.auth.mode == AuthMode::Jwt {
            tags.push(json!({
                "name": self.tags.auth,
                "description": "Accounts and sessions: short-lived bearer tokens and rotating refresh tokens."
            }));
            self.auth_paths(&mut paths, &mut schemas);
            if self.spec.has_job_queue() {
                tags.push(json!({
                    "name": self.tags.jobs,
                    "description": "The background job queue, for admins: jobs by state, and the retry of dead ones."
                }));
                self.job_paths(&mut paths, &mut schemas);
            }
            if self.spec.webhooks() {
                tags.push(json!({
                    "name": self.tags.webhooks,
                    "description": "Webhook subscriptions to the service's events, for admins, and their delivery log."
                }));
                self.webhook_paths(&mut paths, &mut schemas);
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
        // Every API route is rate-limited (docs/contract.md, "Rate limits"); health and the
        // service's own documents are not.
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (method, operation) in item.iter_mut() {
                if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    operation["responses"]["429"] = error("RateLimited");
                }
            }
        }
        let auth_paths = format!("{}/auth/", self.spec.project.api_prefix);
        for (_, item) in paths
            .iter_mut()
            .filter(|(path, _)| !path.starts_with(&auth_paths))
        {
            if let Some(post) = item.get_mut("post") {
                idempotent(post);
            }
        }
        health_paths(&mut paths, &self.tags);
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

    fn resource_schemas(&self, r: &ResourceContext, schemas: &mut Map<String, Value>) {
        let name = schema_name(r);
        // The representation: every key, always present.
        let mut props = Map::new();
        let mut required = Vec::new();
        props.insert(
            "id".into(),
            json!({"type": "string", "format": "uuid", "readOnly": true}),
        );
        required.push("id".to_string());
        for b in &r.belongs_to {
            props.insert(b.json.clone(), uuid_schema(b.required, None));
            required.push(b.json.clone());
        }
        for f in &r.fields {
            let mut schema = self.response_field(r, f);
            let access = self.access(r, f);
            if let Some(object) = schema.as_object_mut() {
                if let Some(read) = readers(access) {
                    add_sentence(
                        object,
                        &format!("Seen only by {}; others never get the key.", self.who(read)),
                    );
                }
                if let Some(sentence) = self.written_by(access) {
                    add_sentence(object, &sentence);
                }
                if access.write == FieldWrite::None {
                    object.insert("readOnly".into(), json!(true));
                }
            }
            props.insert(f.names.camel.clone(), schema);
            // Callers who may not see the field never get its key.
            if readers(access).is_none() {
                required.push(f.names.camel.clone());
            }
        }
        if r.account {
            props.insert(
                "roles".into(),
                json!({
                    "type": "array",
                    "items": {"type": "string", "enum": self.spec.auth.roles},
                    "readOnly": true,
                    "description": "Set by an admin only (`PUT .../roles`)."
                }),
            );
            required.push("roles".into());
        }
        if r.versioned {
            props.insert(
                "version".into(),
                json!({
                    "type": "integer",
                    "minimum": 1,
                    "description": "Starts at 1; every successful write bumps it. Send it back in a PUT or PATCH body to refuse a stale write (409 `VERSION_CONFLICT`)."
                }),
            );
            required.push("version".into());
        }
        if r.timestamps {
            for key in ["createdAt", "updatedAt"] {
                props.insert(
                    key.into(),
                    json!({"type": "string", "format": "date-time", "readOnly": true}),
                );
                required.push(key.into());
            }
        }
        schemas.insert(
            name.clone(),
            json!({
                "type": "object",
                "description": r.description,
                "properties": props,
                "required": required,
                "additionalProperties": false
            }),
        );
        // A list item: the same keys, only those `fields` selects.
        schemas.insert(
            format!("{name}.Item"),
            json!({
                "type": "object",
                "description": format!("{} In a list, `fields` may select only some keys.", r.description),
                "properties": props,
                "additionalProperties": false
            }),
        );
        schemas.insert(format!("{name}.List"), page_of(&format!("{name}.Item")));
        schemas.insert(
            format!("{name}.Create"),
            self.body_schema(r, Body::Create, None),
        );
        schemas.insert(
            format!("{name}.Replace"),
            self.body_schema(r, Body::Replace, None),
        );
        schemas.insert(
            format!("{name}.Patch"),
            self.body_schema(r, Body::Patch, None),
        );
        for b in r.belongs_to.iter().filter(|b| !b.owner && !r.account) {
            schemas.insert(
                format!("{name}.CreateFor{}", b.names.pascal),
                self.body_schema(r, Body::Create, Some(&b.json)),
            );
        }
        if let Some(register) = self.register_schema(r) {
            schemas.insert(register, self.body_schema(r, Body::Register, None));
        }
    }

    /// The field rules of a context field (none for a field the spec does not have).
    fn access(&self, r: &ResourceContext, f: &FieldContext) -> &'a FieldAccess {
        static UNRESTRICTED: FieldAccess = FieldAccess {
            read: None,
            write: FieldWrite::Row,
            denied: Denied::Reject,
        };
        self.field(r, f).map_or(&UNRESTRICTED, |sf| &sf.access)
    }

    /// The account's registration body, when it differs from an admin's create body: some
    /// field is one the new account may not write, so it is left out.
    fn register_schema(&self, r: &ResourceContext) -> Option<String> {
        let differs = r.account
            && r.fields
                .iter()
                .any(|f| !self.in_body(self.access(r, f), Body::Register));
        differs.then(|| format!("{}.Register", schema_name(r)))
    }

    /// Whether a field with `access` belongs in a body: never one nobody writes through the
    /// API, nor a set-once one in an update (the service keeps the stored value), nor in a
    /// registration one the new account may not write.
    fn in_body(&self, access: &FieldAccess, kind: Body) -> bool {
        match (&access.write, kind) {
            (FieldWrite::None, _) => false,
            (FieldWrite::Create, Body::Replace | Body::Patch) => false,
            (FieldWrite::Rules(rules), Body::Register) => self.registrant_passes(rules),
            _ => true,
        }
    }

    /// Whether a new account, writing its own row with the default role, passes `rules`.
    fn registrant_passes(&self, rules: &[Rule]) -> bool {
        let auth = &self.spec.auth;
        auth.passes(rules, Some(&auth.registrant()), true)
    }

    /// Who passes `rules`, in words.
    fn who(&self, rules: &[Rule]) -> String {
        self.spec.auth.who_passes(rules)
    }

    /// What the representation says of who writes a field, if its rules narrow that.
    fn written_by(&self, access: &FieldAccess) -> Option<String> {
        let ignored = access.denied == Denied::Ignore;
        Some(match &access.write {
            FieldWrite::Row => return None,
            FieldWrite::Rules(rules) if ignored => format!(
                "Written only by {}; from others the value is ignored.",
                self.who(rules)
            ),
            FieldWrite::Rules(rules) => {
                format!("Written only by {}; others get 422.", self.who(rules))
            }
            FieldWrite::Create => "Set once, when the row is created; no update changes it.".into(),
            FieldWrite::None => {
                "Read-only: the service sets it (its rules code or jobs), never a request.".into()
            }
        })
    }

    /// An operation's note on the field rules that shape its answer and its body:
    /// "Field rules: `status` is written only by ...; `costPrice` is seen only by ...".
    fn field_rules_note(&self, r: &ResourceContext, op: Op) -> Option<String> {
        let mut phrases = Vec::new();
        for f in &r.fields {
            let access = self.access(r, f);
            let mut clauses = Vec::new();
            if let Some(read) = readers(access) {
                let others = if op == Op::List {
                    if read.contains(&Rule::Owner) {
                        "others never get the key, and cannot filter or sort by it or select it in `fields`; an owner alone may do so only in a list of their own rows"
                    } else {
                        "others never get the key, and cannot filter or sort by it or select it in `fields`"
                    }
                } else {
                    "others never get the key"
                };
                clauses.push(format!("seen only by {} ({others})", self.who(read)));
            }
            if let Op::Write(kind) = op
                && let Some(clause) = self.write_clause(access, kind)
            {
                clauses.push(clause);
            }
            if !clauses.is_empty() {
                phrases.push(format!("`{}` is {}", f.names.camel, clauses.join(" and ")));
            }
        }
        (!phrases.is_empty()).then(|| format!("Field rules: {}.", phrases.join("; ")))
    }

    /// How a write of `kind` treats a field, in a clause after "is", if its rules narrow it.
    fn write_clause(&self, access: &FieldAccess, kind: Body) -> Option<String> {
        let ignored = access.denied == Denied::Ignore;
        let update = !kind.creates();
        Some(match &access.write {
            FieldWrite::Row => return None,
            FieldWrite::Rules(rules)
                if kind == Body::Register && !self.registrant_passes(rules) =>
            {
                let sent = if ignored { "is ignored" } else { "gets 422" };
                format!(
                    "written only by {} (not part of this body: a value sent {sent})",
                    self.who(rules)
                )
            }
            FieldWrite::Rules(rules) => {
                let who = self.who(rules);
                let others = match (ignored, update) {
                    (true, _) => "from others the value is ignored",
                    (false, false) => "others get 422",
                    (false, true) => "others get 422 unless they send back the value they read",
                };
                let left_out = match (kind, ignored) {
                    (Body::Replace, false) => {
                        ", and may leave the key out to keep the stored value"
                    }
                    (Body::Replace, true) => {
                        ", and they may leave the key out to keep the stored value"
                    }
                    _ => "",
                };
                format!("written only by {who} ({others}{left_out})")
            }
            FieldWrite::Create if update => {
                let changed = if ignored { "is ignored" } else { "gets 422" };
                format!("set once, on create (not part of this body: a changed value {changed})")
            }
            FieldWrite::Create => "set once, here (no update changes it)".into(),
            FieldWrite::None => {
                let outcome = if ignored { "is ignored" } else { "gets 422" };
                let sent = if update {
                    "a changed value"
                } else {
                    "a value sent"
                };
                format!(
                    "read-only (only the service sets it, never a request: not part of this body; {sent} {outcome})"
                )
            }
        })
    }

    /// Adds the field rules note to the operation `method` of `item`, if it has one.
    fn note(&self, item: &mut Map<String, Value>, method: &str, r: &ResourceContext, op: Op) {
        let Some(note) = self.field_rules_note(r, op) else {
            return;
        };
        if let Some(Value::Object(operation)) = item.get_mut(method) {
            let text = match operation.get("description").and_then(Value::as_str) {
                Some(first) => format!("{first} {note}"),
                None => note,
            };
            operation.insert("description".into(), json!(text));
        }
    }

    /// What a body schema says of who may write a field, if its rules narrow that.
    fn body_rule(&self, access: &FieldAccess, kind: Body) -> Option<String> {
        let ignored = access.denied == Denied::Ignore;
        let rules = match &access.write {
            FieldWrite::Create if kind.creates() => {
                return Some("Set once, here: no update changes it.".into());
            }
            FieldWrite::Rules(rules) => rules,
            _ => return None,
        };
        let who = self.who(rules);
        Some(match (kind, ignored) {
            (Body::Create | Body::Register, false) => {
                format!("Written only by {who}; others get 422.")
            }
            (Body::Create | Body::Register, true) => format!(
                "Written only by {who}; from others the value is ignored (the field gets its default)."
            ),
            (Body::Replace, false) => format!(
                "Written only by {who}; others get 422 unless they send back the value they read, and may leave the key out to keep the stored value."
            ),
            (Body::Replace, true) => format!(
                "Written only by {who}; from others the value is ignored, and they may leave the key out (the stored value stays)."
            ),
            (Body::Patch, false) => {
                format!(
                    "Written only by {who}; others get 422 unless they send back the value they read."
                )
            }
            (Body::Patch, true) => {
                format!("Written only by {who}; from others the value is ignored.")
            }
        })
    }

    /// A body's optional owner key: who may send another user's id in it.
    fn owner_key_schema(&self, r: &ResourceContext, kind: Body) -> Value {
        let admin = &self.spec.auth.admin_role;
        let roles: Vec<&str> = r
            .owner_set_by
            .iter()
            .map(String::as_str)
            .chain([admin.as_str()])
            .collect();
        let absent = if kind == Body::Create {
            "the caller owns the new row"
        } else {
            "the owner stays"
        };
        let description = format!(
            "The owning user's id. Left out (or null), {absent}. Only callers with the role {} may name another user (403 otherwise); 422 when no user has this id.",
            roles.join(" or ")
        );
        uuid_schema(false, Some(&description))
    }

    /// A write body; `without` is a foreign key the path sets (nested create).
    fn body_schema(&self, r: &ResourceContext, kind: Body, without: Option<&str>) -> Value {
        let mut props = Map::new();
        let mut required = Vec::new();
        let mut require = |key: &str, required_key: bool| {
            let wanted = match kind {
                Body::Create | Body::Register => required_key,
                Body::Replace => true,
                Body::Patch => false,
            };
            if wanted {
                required.push(key.to_string());
            }
        };
        for b in &r.belongs_to {
            if without == Some(b.json.as_str()) {
                continue;
            }
            // The owner is the caller unless a role in `owner_set_by` names another user.
            if b.owner {
                props.insert(b.json.clone(), self.owner_key_schema(r, kind));
                continue;
            }
            let description = format!(
                "The id of an existing {} (422 when there is none).",
                b.target.words
            );
            props.insert(b.json.clone(), uuid_schema(b.required, Some(&description)));
            require(&b.json, r.required_keys.contains(&b.json));
        }
        let mut narrowed = false;
        for f in &r.fields {
            let access = self.access(r, f);
            if !self.in_body(access, kind) {
                continue;
            }
            let mut schema = self.request_field(r, f);
            if kind.creates()
                && let Some(default) = self.field(r, f).and_then(|sf| sf.default.as_ref())
            {
                schema.insert("default".into(), literal(default));
            }
            if let Some(sentence) = self.body_rule(access, kind) {
                add_sentence(&mut schema, &sentence);
                narrowed |= matches!(access.write, FieldWrite::Rules(_));
            }
            props.insert(f.names.camel.clone(), Value::Object(schema));
            // In a PUT, a field with write rules stays required: those who may write it must
            // send it (the service takes a missing key as a mistake), and only the others
            // may leave it out, which its description says.
            require(&f.names.camel, r.required_keys.contains(&f.names.camel));
        }
        if r.account && kind.creates() {
            let min = self.spec.auth.password_min_length;
            props.insert(
                "password".into(),
                json!({
                    "type": "string",
                    "minLength": min,
                    "maxLength": 256,
                    "writeOnly": true,
                    "description": format!("At least {min} characters, not only spaces, not the email. Stored only as an Argon2id hash.")
                }),
            );
            required.push("password".into());
        }
        if r.versioned && !kind.creates() {
            props.insert(
                "version".into(),
                json!({
                    "type": ["integer", "null"],
                    "format": "int32",
                    "minimum": 1,
                    "maximum": i32::MAX,
                    "description": "The version this write was based on: a stale one gets 409 `VERSION_CONFLICT`."
                }),
            );
        }
        let mut description = match (kind, without) {
            (Body::Create, None) => {
                "A create body: keys left out take their defaults (optional ones are null)."
                    .to_string()
            }
            (Body::Create | Body::Register, Some(key)) => format!(
                "A create body under the parent: `{key}` comes from the path and may not be sent."
            ),
            (Body::Register, None) => "A registration: keys left out take their defaults (optional ones are null); fields only others may write are not part of it.".into(),
            (Body::Replace, _) => {
                "A replace body: every writable key is required; optional ones may be null.".into()
            }
            (Body::Patch, _) => {
                "A partial update: an absent key is unchanged, `null` clears an optional field."
                    .into()
            }
        };
        if narrowed && kind == Body::Replace {
            description.push_str(
                " A caller who may not write a field may leave its key out: the stored value stays.",
            );
        }
        let mut schema = json!({
            "type": "object",
            "description": description,
            "properties": props,
            "additionalProperties": false
        });
        if !required.is_empty() {
            schema["required"] = json!(required);
        }
        schema
    }

    /// A field in a request body: its type, rules and an example.
    fn request_field(&self, r: &ResourceContext, f: &FieldContext) -> Map<String, Value> {
        let rules = self
            .field(r, f)
            .map(|sf| sf.rules.clone())
            .unwrap_or_default();
        let ty = self.field(r, f).map(|sf| &sf.ty);
        let nullable = !f.required;
        let mut s = Map::new();
        // A pattern in a syntax OpenAPI's dialect does not share is described in words.
        let mut rust_only_pattern = None;
        match f.spec_type {
            "string" | "text" => {
                s.insert("type".into(), type_of("string", nullable));
                if let Some(n) = rules.min_length {
                    s.insert("minLength".into(), json!(n));
                }
                if let Some(n) = rules.max_length {
                    s.insert("maxLength".into(), json!(n));
                }
                if let Some(p) = &rules.pattern {
                    if crate::pattern::is_portable(p) {
                        s.insert("pattern".into(), json!(p));
                    } else {
                        rust_only_pattern = Some(p.clone());
                    }
                }
                exclude_nul(&mut s);
                match rules.format {
                    Some(Format::Email) => {
                        s.insert("format".into(), json!("email"));
                    }
                    Some(Format::Url) => {
                        s.insert("format".into(), json!("uri"));
                    }
                    None => {}
                }
            }
            "integer" | "big_integer" => {
                let (format, lo, hi) = if f.spec_type == "integer" {
                    ("int32", i64::from(i32::MIN), i64::from(i32::MAX))
                } else {
                    ("int64", i64::MIN, i64::MAX)
                };
                s.insert("type".into(), type_of("integer", nullable));
                s.insert("format".into(), json!(format));
                s.insert(
                    "minimum".into(),
                    rules.min.as_ref().map_or(json!(lo), bound),
                );
                s.insert(
                    "maximum".into(),
                    rules.max.as_ref().map_or(json!(hi), bound),
                );
            }
            "float" => {
                s.insert("type".into(), type_of("number", nullable));
                s.insert("format".into(), json!("double"));
                insert_bounds(&mut s, &rules.min, &rules.max);
            }
            "decimal" => {
                let (precision, scale) = match ty {
                    Some(FieldType::Decimal { precision, scale }) => (*precision, *scale),
                    _ => (18, 2),
                };
                let mut number = Map::new();
                number.insert("type".into(), json!("number"));
                insert_bounds(&mut number, &rules.min, &rules.max);
                // At most `precision - scale` digits before the point.
                let limit = 10f64.powi((precision - scale) as i32);
                number.insert("exclusiveMaximum".into(), json!(limit));
                number.insert("exclusiveMinimum".into(), json!(-limit));
                // At most `scale` places. The service counts them in the number's shortest
                // decimal form, as JSON Schema tools that divide exactly do (see
                // docs/architecture.md on decimals).
                let step = if scale == 0 {
                    json!(1)
                } else {
                    json!(10f64.powi(-(scale as i32)))
                };
                number.insert("multipleOf".into(), step);
                let text = crate::decimal_pattern::pattern(
                    precision - scale,
                    scale,
                    rules.min.as_ref().map(crate::spec::bound_text).as_deref(),
                    rules.max.as_ref().map(crate::spec::bound_text).as_deref(),
                );
                let mut arms = vec![
                    json!({"type": "string", "pattern": text}),
                    Value::Object(number),
                ];
                if nullable {
                    arms.push(json!({"type": "null"}));
                }
                s.insert("oneOf".into(), json!(arms));
                let digits = precision - scale;
                let mut text = format!(
                    "An exact decimal, at most {digits} digits before the point and {scale} after; a string (`\"19.99\"`) or a number"
                );
                if let Some(min) = &rules.min {
                    text.push_str(&format!(", at least {}", crate::spec::bound_text(min)));
                }
                if let Some(max) = &rules.max {
                    text.push_str(&format!(", at most {}", crate::spec::bound_text(max)));
                }
                text.push('.');
                s.insert("description".into(), json!(text));
            }
            "json" => {
                s.insert("$ref".into(), schema_ref("JsonValue")["$ref"].clone());
                if !nullable {
                    s.insert("type".into(), json!(NOT_NULL));
                }
            }
            _ => {
                s = self
                    .response_field(r, f)
                    .as_object()
                    .cloned()
                    .unwrap_or_default();
            }
        }
        if !f.description.is_empty() && !s.contains_key("description") {
            s.insert("description".into(), json!(f.description));
        }
        if let Some(pattern) = rust_only_pattern {
            add_sentence(
                &mut s,
                &format!("Must match the Rust regular expression `{pattern}`."),
            );
        }
        if let Some(example) = f
            .samples
            .first()
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
        {
            s.insert("examples".into(), json!([example]));
        }
        s
    }

    /// A field in a representation: its type, format and enum values.
    fn response_field(&self, _r: &ResourceContext, f: &FieldContext) -> Value {
        let nullable = !f.required;
        let mut s = match f.spec_type {
            "string" | "text" => json!({"type": type_of("string", nullable)}),
            "integer" => json!({"type": type_of("integer", nullable), "format": "int32"}),
            "big_integer" => json!({"type": type_of("integer", nullable), "format": "int64"}),
            "float" => json!({"type": type_of("number", nullable), "format": "double"}),
            "decimal" => {
                json!({"type": type_of("string", nullable), "pattern": DECIMAL_PATTERN})
            }
            "boolean" => json!({"type": type_of("boolean", nullable)}),
            "uuid" => json!({"type": type_of("string", nullable), "format": "uuid"}),
            "date" => json!({"type": type_of("string", nullable), "format": "date"}),
            "datetime" => json!({"type": type_of("string", nullable), "format": "date-time"}),
            "enum" => {
                let mut values: Vec<Value> = f.enum_values.iter().map(|v| json!(v.value)).collect();
                if nullable {
                    values.push(Value::Null);
                }
                json!({"type": type_of("string", nullable), "enum": values})
            }
            // json: any value; a required one is never null.
            _ if nullable => json!({"description": "Any JSON value."}),
            _ => json!({"type": NOT_NULL, "description": "Any JSON value but null."}),
        };
        if !f.description.is_empty() {
            s["description"] = json!(f.description);
        }
        s
    }

    fn resource_paths(&self, r: &ResourceContext, paths: &mut Map<String, Value>) {
        let name = schema_name(r);
        let tag = tag(r);
        let one = format!("{}/{{id}}", r.url);

        let mut collection = Map::new();
        collection.insert(
            "get".into(),
            json!({
                "operationId": format!("list{}", r.names.plural_pascal),
                "summary": self.summary("GET", &r.url),
                "tags": [tag],
                "parameters": self.list_parameters(r),
                "responses": responses(vec![
                    ("200", ok_json("One page of rows.", &format!("{name}.List"), &[])),
                    ("400", error("BadRequest")),
                    ("500", error("InternalError")),
                    ("503", error("ServiceUnavailable")),
                ])
            }),
        );
        collection.insert(
            "post".into(),
            json!({
                "operationId": format!("create{}", r.names.pascal),
                "summary": self.summary("POST", &r.url),
                "tags": [tag],
                "requestBody": body_ref(&format!("{name}.Create")),
                "responses": create_responses(&name, false, self.links(r))
            }),
        );
        self.guard(&mut collection, "get", r, Action::List);
        self.guard(&mut collection, "post", r, Action::Create);
        self.note(&mut collection, "get", r, Op::List);
        self.note(&mut collection, "post", r, Op::Write(Body::Create));
        paths.insert(r.url.clone(), Value::Object(collection));

        let mut item = Map::new();
        item.insert("parameters".into(), json!([param_ref("Id")]));
        item.insert(
            "get".into(),
            json!({
                "operationId": format!("get{}", r.names.pascal),
                "summary": self.summary("GET", &one),
                "tags": [tag],
                "parameters": [param_ref("IfNoneMatch")],
                "responses": responses(vec![
                    ("200", ok_json("The row.", &name, &["ETag"])),
                    ("304", json!({
                        "description": "`If-None-Match` lists the current `ETag`: the client's copy is current.",
                        "headers": headers(&["ETag"])
                    })),
                    ("404", error("NotFound")),
                    ("500", error("InternalError")),
                    ("503", error("ServiceUnavailable")),
                ])
            }),
        );
        for (method, verb, body, what) in [
            ("put", "replace", "Replace", "The replaced row."),
            ("patch", "update", "Patch", "The updated row."),
        ] {
            item.insert(
                method.into(),
                json!({
                    "operationId": format!("{verb}{}", r.names.pascal),
                    "summary": self.summary(&method.to_uppercase(), &one),
                    "tags": [tag],
                    "parameters": [param_ref("IfMatch")],
                    "requestBody": body_ref(&format!("{name}.{body}")),
                    "responses": responses(vec![
                        ("200", ok_json(what, &name, &["ETag"])),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("409", error("Conflict")),
                        ("412", error("PreconditionFailed")),
                        ("413", error("PayloadTooLarge")),
                        ("415", error("UnsupportedMediaType")),
                        ("422", error("ValidationError")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ])
                }),
            );
        }
        item.insert(
            "delete".into(),
            json!({
                "operationId": format!("delete{}", r.names.pascal),
                "summary": self.summary("DELETE", &one),
                "tags": [tag],
                "parameters": [param_ref("IfMatch")],
                "responses": responses(vec![
                    ("204", no_content(if r.soft_delete { "Soft-deleted: the row vanishes from every read." } else { "Deleted." })),
                    ("404", error("NotFound")),
                    ("409", error("Conflict")),
                    ("412", error("PreconditionFailed")),
                    ("500", error("InternalError")),
                    ("503", error("ServiceUnavailable")),
                ])
            }),
        );
        self.guard(&mut item, "get", r, Action::Read);
        self.guard(&mut item, "put", r, Action::Update);
        self.guard(&mut item, "patch", r, Action::Update);
        self.guard(&mut item, "delete", r, Action::Delete);
        self.note(&mut item, "get", r, Op::Read);
        self.note(&mut item, "put", r, Op::Write(Body::Replace));
        self.note(&mut item, "patch", r, Op::Write(Body::Patch));
        paths.insert(one.clone(), Value::Object(item));

        // Nested under each parent: list and create the children.
        for b in &r.belongs_to {
            let path = format!("{}{}", self.ctx.api_prefix, b.nested_path);
            let mut nested = Map::new();
            nested.insert(
                "parameters".into(),
                json!([{
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": format!("The parent {}'s id.", b.target.words),
                    "schema": {"type": "string", "format": "uuid"}
                }]),
            );
            nested.insert(
                "get".into(),
                json!({
                    "operationId": format!("list{}By{}", r.names.plural_pascal, b.names.pascal),
                    "summary": self.summary("GET", &path),
                    "tags": [tag],
                    "parameters": self.list_parameters(r),
                    "responses": responses(vec![
                        ("200", ok_json("One page of the parent's rows.", &format!("{name}.List"), &[])),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ])
                }),
            );
            if !b.owner && !r.account {
                nested.insert(
                    "post".into(),
                    json!({
                        "operationId": format!("create{}For{}", r.names.pascal, b.names.pascal),
                        "summary": self.summary("POST", &path),
                        "tags": [tag],
                        "requestBody": body_ref(&format!("{name}.CreateFor{}", b.names.pascal)),
                        "responses": create_responses(&name, true, self.links(r))
                    }),
                );
            }
            self.guard(&mut nested, "get", r, Action::List);
            self.guard(&mut nested, "post", r, Action::Create);
            self.note(&mut nested, "get", r, Op::List);
            self.note(&mut nested, "post", r, Op::Write(Body::Create));
            paths.insert(path, Value::Object(nested));
        }

        // Many-to-many links declared on this resource.
        for l in &r.links {
            let Some(target) = self.resource(&l.target.snake) else {
                continue;
            };
            let target_name = schema_name(target);
            let list_path = format!("{one}/{}", l.target.plural_kebab);
            let other = format!("{}Id", l.target.camel);
            let item_path = format!("{list_path}/{{{other}}}");
            let mut list = Map::new();
            list.insert("parameters".into(), json!([param_ref("Id")]));
            list.insert(
                "get".into(),
                json!({
                    "operationId": format!("list{}Of{}", l.target.plural_pascal, r.names.pascal),
                    "summary": self.summary("GET", &list_path),
                    "tags": [tag],
                    "parameters": self.list_parameters(target),
                    "responses": responses(vec![
                        ("200", ok_json("One page of the linked rows.", &format!("{target_name}.List"), &[])),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ])
                }),
            );
            self.guard(&mut list, "get", r, Action::Read);
            // The linked rows are the target's: its field rules shape them.
            self.note(&mut list, "get", target, Op::List);
            paths.insert(list_path, Value::Object(list));

            let mut link = Map::new();
            link.insert(
                "parameters".into(),
                json!([
                    param_ref("Id"),
                    {
                        "name": other,
                        "in": "path",
                        "required": true,
                        "description": format!("The {}'s id.", l.target.words),
                        "schema": {"type": "string", "format": "uuid"}
                    }
                ]),
            );
            link.insert(
                "put".into(),
                json!({
                    "operationId": format!("link{}{}", r.names.pascal, l.target.pascal),
                    "summary": self.summary("PUT", &item_path),
                    "tags": [tag],
                    "responses": responses(vec![
                        ("204", no_content("Linked (linking twice changes nothing).")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ])
                }),
            );
            link.insert(
                "delete".into(),
                json!({
                    "operationId": format!("unlink{}{}", r.names.pascal, l.target.pascal),
                    "summary": self.summary("DELETE", &item_path),
                    "tags": [tag],
                    "responses": responses(vec![
                        ("204", no_content("Unlinked.")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ])
                }),
            );
            self.guard(&mut link, "put", r, Action::Update);
            self.guard(&mut link, "delete", r, Action::Update);
            paths.insert(item_path, Value::Object(link));
        }
    }

    /// The jwt flow's routes (docs/contract.md, "Sign-in") and their bodies.
    fn auth_paths(&self, paths: &mut Map<String, Value>, schemas: &mut Map<String, Value>) {
        let Some(account) = self.ctx.resources.iter().find(|r| r.account) else {
            return;
        };
        let user = schema_name(account);
        let base = format!("{}/auth", self.ctx.api_prefix);
        let string = |description: &str| json!({"type": "string", "minLength": 1, "description": description});
        schemas.insert(
            "Credentials".into(),
            json!({
                "type": "object",
                "properties": {
                    "email": text("The account's email: an unknown one gets the same 401 as a wrong password."),
                    "password": {"type": "string", "pattern": NO_NUL, "writeOnly": true}
                },
                "required": ["email", "password"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "RefreshRequest".into(),
            json!({
                "type": "object",
                "properties": {"refreshToken": text("A refresh token from login or refresh. One that names no live session gets 401 at refresh, and ends nothing at logout.")},
                "required": ["refreshToken"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "TokenPair".into(),
            json!({
                "type": "object",
                "properties": {
                    "accessToken": string("A JWT for `Authorization: Bearer`."),
                    "refreshToken": string("Trade it at `/auth/refresh`; it works once."),
                    "tokenType": {"type": "string", "enum": ["Bearer"]},
                    "expiresIn": {"type": "integer", "minimum": 1, "description": "Seconds the access token lives."}
                },
                "required": ["accessToken", "refreshToken", "tokenType", "expiresIn"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "Roles".into(),
            json!({
                "type": "object",
                "properties": {
                    "roles": {"type": "array", "items": {"type": "string", "enum": self.spec.auth.roles}}
                },
                "required": ["roles"],
                "additionalProperties": false
            }),
        );
        let operation = |id: &str, path: &str, body: &str, mut list: Vec<(&str, Value)>| {
            list.extend(body_errors());
            json!({
                "operationId": id,
                "summary": self.summary("POST", path),
                "tags": [self.tags.auth],
                "security": [],
                "requestBody": body_ref(body),
                "responses": responses(list)
            })
        };
        let pair = || ok_json("A new token pair.", "TokenPair", &[]);
        let register = format!("{base}/register");
        let quiet = self.spec.auth.registration == Registration::Quiet;
        let answers = if quiet {
            vec![(
                "202",
                no_content(
                    "Accepted, whether or not the email had an account: a new account's address gets a verification link, a taken one's owner a notice.",
                ),
            )]
        } else {
            let mut created = ok_json(
                "The new account (no secrets).",
                &user,
                &["Location", "ETag"],
            );
            created["links"] = self.links(account);
            vec![("201", created), ("409", error("Conflict"))]
        };
        let body = self
            .register_schema(account)
            .unwrap_or_else(|| format!("{user}.Create"));
        let op = operation("register", &register, &body, answers);
        let mut item = Map::new();
        item.insert("post".into(), op);
        item["post"]["description"] = json!(if quiet {
            "Anyone may open an account; it gets the default role, and its address a verification link. The answer is the same for a taken email (no account enumeration)."
        } else {
            "Anyone may open an account; it gets the default role, and its address a verification link."
        });
        self.note(&mut item, "post", account, Op::Write(Body::Register));
        paths.insert(register, Value::Object(item));
        self.account_mail_paths(paths, schemas);
        self.session_paths(paths, schemas);
        for (id, name, list) in [
            (
                "login",
                "login",
                if self.spec.auth.require_verified_email {
                    vec![
                        ("200", pair()),
                        ("401", error("Unauthorized")),
                        ("403", error("Forbidden")),
                    ]
                } else {
                    vec![("200", pair()), ("401", error("Unauthorized"))]
                },
            ),
            (
                "refresh",
                "refresh",
                vec![("200", pair()), ("401", error("Unauthorized"))],
            ),
            (
                "logout",
                "logout",
                vec![("204", no_content("The session is over."))],
            ),
        ] {
            let path = format!("{base}/{name}");
            let body = if id == "login" {
                "Credentials"
            } else {
                "RefreshRequest"
            };
            let op = operation(id, &path, body, list);
            paths.insert(path, json!({"post": op}));
        }
        let me = format!("{base}/me");
        let mut item = Map::new();
        item.insert(
            "get".into(),
            json!({
                "operationId": "me",
                "summary": self.summary("GET", &me),
                "tags": [self.tags.auth],
                "security": [{"bearerAuth": []}],
                "responses": responses(vec![
                    ("200", ok_json("The signed-in account.", &user, &[])),
                    ("401", error("Unauthorized")),
                    ("500", error("InternalError")),
                    ("503", error("ServiceUnavailable")),
                ])
            }),
        );
        self.note(&mut item, "get", account, Op::Read);
        paths.insert(me, Value::Object(item));
        let roles = format!("{}/{{id}}/roles", account.url);
        let mut list = vec![
            (
                "200",
                ok_json("The account with its new roles.", &user, &[]),
            ),
            ("401", error("Unauthorized")),
            ("403", error("Forbidden")),
            ("404", error("NotFound")),
        ];
        list.extend(body_errors());
        paths.insert(
            roles.clone(),
            json!({
                "parameters": [param_ref("Id")],
                "put": {
                    "operationId": format!("set{}Roles", account.names.pascal),
                    "summary": self.summary("PUT", &roles),
                    "description": "Admins only. An admin may not drop their own admin role (403): another admin may.",
                    "tags": [tag(account)],
                    "security": [{"bearerAuth": []}],
                    "requestBody": body_ref("Roles"),
                    "responses": responses(list)
                }
            }),
        );
    }

    /// Email verification and password reset (`src/auth/handlers.rs`): each answers the same
    /// whether or not an account has the email it is given.
    fn account_mail_paths(&self, paths: &mut Map<String, Value>, schemas: &mut Map<String, Value>) {
        let base = format!("{}/auth", self.ctx.api_prefix);
        let token = text("The token of a mailed link (`?token=`).");
        schemas.insert(
            "TokenRequest".into(),
            json!({
                "type": "object",
                "properties": {"token": token},
                "required": ["token"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "EmailRequest".into(),
            json!({
                "type": "object",
                "properties": {"email": {"type": "string", "minLength": 1, "maxLength": 254, "pattern": NO_NUL, "description": "Any address: the answer is the same whether or not an account has it."}},
                "required": ["email"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "ResetRequest".into(),
            json!({
                "type": "object",
                "properties": {
                    "token": token,
                    "password": {"type": "string", "pattern": NO_NUL, "writeOnly": true, "description": "The new password, under the same policy as at sign-up."}
                },
                "required": ["token", "password"],
                "additionalProperties": false
            }),
        );
        let invalid = || ("400", error("BadRequest"));
        for (id, name, body, description, answer) in [
            (
                "verifyEmail",
                "verify",
                "TokenRequest",
                "Verifies the email a verification link was mailed to, if it is still the account's. A used, expired or unknown token is a 400 naming `token`.",
                ("204", no_content("The email is verified.")),
            ),
            (
                "resendVerification",
                "verify/resend",
                "EmailRequest",
                "Mails a new verification link if an account has the address and has not verified it. The answer is the same either way; each address asked about has its own hourly budget.",
                (
                    "202",
                    no_content("Accepted, whether or not an account has the address."),
                ),
            ),
            (
                "forgotPassword",
                "forgot",
                "EmailRequest",
                "Mails a single-use password reset link if an account has the address. The answer is the same either way; each address asked about has its own hourly budget.",
                (
                    "202",
                    no_content("Accepted, whether or not an account has the address."),
                ),
            ),
            (
                "resetPassword",
                "reset",
                "ResetRequest",
                "Sets a new password with a reset token, which then stops working with the account's other reset tokens; every session of the account ends. A used, expired or unknown token is a 400 naming `token`; a weak password a 422.",
                (
                    "204",
                    no_content("The password is set; every session ended."),
                ),
            ),
        ] {
            let path = format!("{base}/{name}");
            let mut list = vec![answer];
            if name == "verify" || name == "reset" {
                list.push(invalid());
            }
            list.extend(body_errors());
            let op = json!({
                "operationId": id,
                "summary": self.summary("POST", &path),
                "description": description,
                "tags": [self.tags.auth],
                "security": [],
                "requestBody": body_ref(body),
                "responses": responses(list)
            });
            paths.insert(path, json!({"post": op}));
        }
    }

    /// The caller's sessions and password (`src/auth/handlers.rs`): signed-in routes.
    fn session_paths(&self, paths: &mut Map<String, Value>, schemas: &mut Map<String, Value>) {
        let base = format!("{}/auth", self.ctx.api_prefix);
        let secret = |description: &str| json!({"type": "string", "pattern": NO_NUL, "writeOnly": true, "description": description});
        let at = |description: &str| json!({"type": "string", "format": "date-time", "description": description});
        schemas.insert(
            "PasswordChange".into(),
            json!({
                "type": "object",
                "properties": {
                    "currentPassword": secret("The account's password now: a wrong one is a 422 naming `currentPassword`."),
                    "newPassword": secret("Under the same policy as at sign-up.")
                },
                "required": ["currentPassword", "newPassword"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "Session".into(),
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "createdAt": at("When it signed in."),
                    "lastUsedAt": at("When it signed in or last refreshed its tokens."),
                    "expiresAt": at("When it ends unless refreshed."),
                    "userAgent": {"type": ["string", "null"], "description": "The client's `User-Agent` when it last signed in or refreshed."},
                    "address": {"type": ["string", "null"], "description": "The client's address then."},
                    "current": {"type": "boolean", "description": "Whether it is the session of the request that lists it."}
                },
                "required": ["id", "createdAt", "lastUsedAt", "expiresAt", "userAgent", "address", "current"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "Session.List".into(),
            json!({
                "type": "object",
                "properties": {"data": {"type": "array", "items": schema_ref("Session")}},
                "required": ["data"],
                "additionalProperties": false
            }),
        );
        let signed_in = |id: &str,
                         method: &str,
                         path: &str,
                         description: &str,
                         mut list: Vec<(&str, Value)>| {
            list.extend([
                ("401", error("Unauthorized")),
                ("500", error("InternalError")),
                ("503", error("ServiceUnavailable")),
            ]);
            json!({
                "operationId": id,
                "summary": self.summary(method, path),
                "description": description,
                "tags": [self.tags.auth],
                "security": [{"bearerAuth": []}],
                "responses": responses(list)
            })
        };
        let sessions = format!("{base}/sessions");
        let list = signed_in(
            "listSessions",
            "GET",
            &sessions,
            "The caller's live sessions (one per sign-in), the most recently used first.",
            vec![("200", ok_json("The sessions.", "Session.List", &[]))],
        );
        paths.insert(sessions.clone(), json!({"get": list}));
        let one = format!("{sessions}/{{id}}");
        let end = signed_in(
            "endSession",
            "DELETE",
            &one,
            "Ends one of the caller's sessions (its own too): its refresh token and its access tokens stop working at once. Another account's session, or one that is over, is a 404.",
            vec![
                ("204", no_content("The session is over.")),
                ("400", error("BadRequest")),
                ("404", error("NotFound")),
            ],
        );
        paths.insert(one, json!({"parameters": [param_ref("Id")], "delete": end}));
        let all = format!("{base}/logout-all");
        let end_all = signed_in(
            "logoutAll",
            "POST",
            &all,
            "Ends every session of the caller's, its own included.",
            vec![("204", no_content("Every session is over."))],
        );
        paths.insert(all, json!({"post": end_all}));
        let password = format!("{base}/password");
        let mut list = vec![(
            "204",
            no_content("The password is changed; every other session ended."),
        )];
        list.extend(body_errors());
        let mut change = signed_in(
            "changePassword",
            "POST",
            &password,
            "Sets a new password, given the current one; every other session of the account ends, and its owner is told by mail.",
            list,
        );
        change["requestBody"] = body_ref("PasswordChange");
        paths.insert(password, json!({"post": change}));
    }

    /// The admin routes over the job queue (`src/jobs/admin.rs`).
    fn job_paths(&self, paths: &mut Map<String, Value>, schemas: &mut Map<String, Value>) {
        let mut kinds: Vec<&str> = self.spec.jobs.iter().map(|j| j.name.as_str()).collect();
        if self.spec.webhooks() {
            kinds.push(crate::spec::Job::WEBHOOK_DELIVERY);
        }
        if self.spec.auth.mode == crate::spec::AuthMode::Jwt {
            kinds.push(crate::spec::Job::ACCOUNT_MAIL);
        }
        schemas.insert(
            "Job".into(),
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "kind": {"type": "string", "description": format!("The kinds: {}.", kinds.join(", "))},
                    "payload": {"description": "What the job was enqueued with (for an event's job, the event's envelope)."},
                    "idempotencyKey": {"type": ["string", "null"], "description": "A second job of the same kind under this key is never added (an event's job: the event's id)."},
                    "state": {"type": "string", "enum": JOB_STATES},
                    "attempts": {"type": "integer", "minimum": 0, "description": "Runs so far."},
                    "maxAttempts": {"type": "integer", "minimum": 1, "description": "Runs before it is dead."},
                    "runAfter": {"type": "string", "format": "date-time", "description": "When it runs next, if pending."},
                    "lastError": {"type": ["string", "null"], "description": "Why the last run failed."},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "updatedAt": {"type": "string", "format": "date-time"}
                },
                "required": ["id", "kind", "payload", "idempotencyKey", "state", "attempts", "maxAttempts", "runAfter", "lastError", "createdAt", "updatedAt"],
                "additionalProperties": false
            }),
        );
        schemas.insert("Job.List".into(), page_of("Job"));
        let base = format!("{}/jobs", self.spec.project.api_prefix);
        let state = json!({
            "name": "state",
            "in": "query",
            "description": "Only the jobs in this state.",
            "schema": {"type": "string", "enum": JOB_STATES}
        });
        let kind = json!({
            "name": "kind",
            "in": "query",
            "description": "Only the jobs of this kind.",
            "schema": {"type": "string", "pattern": NO_NUL}
        });
        paths.insert(
            base.clone(),
            json!({
                "get": {
                    "operationId": "listJobs",
                    "summary": "List background jobs, the most recently changed first",
                    "description": "Admins only. Unknown query parameters get 400.",
                    "tags": [self.tags.jobs],
                    "security": [{"bearerAuth": []}],
                    "parameters": [state, kind, param_ref("Page"), param_ref("Limit")],
                    "responses": admin_responses(vec![
                        ("200", ok_json("One page of jobs.", "Job.List", &[])),
                        ("400", error("BadRequest")),
                    ])
                }
            }),
        );
        let one = format!("{base}/{{id}}");
        paths.insert(
            one.clone(),
            json!({
                "parameters": [param_ref("Id")],
                "get": {
                    "operationId": "getJob",
                    "summary": "Read a background job",
                    "description": "Admins only.",
                    "tags": [self.tags.jobs],
                    "security": [{"bearerAuth": []}],
                    "responses": admin_responses(vec![
                        ("200", ok_json("The job.", "Job", &[])),
                        ("404", error("NotFound")),
                    ])
                }
            }),
        );
        paths.insert(
            format!("{one}/retry"),
            json!({
                "parameters": [param_ref("Id")],
                "post": {
                    "operationId": "retryJob",
                    "summary": "Retry a dead job",
                    "description": "Admins only. The job is pending again, due now, with all its attempts; a job that is not dead gets 409.",
                    "tags": [self.tags.jobs],
                    "security": [{"bearerAuth": []}],
                    "responses": admin_responses(vec![
                        ("200", ok_json("The job, pending again.", "Job", &[])),
                        ("404", error("NotFound")),
                        ("409", error("Conflict")),
                    ])
                }
            }),
        );
    }

    /// The admin routes over webhook subscriptions and deliveries (`src/webhooks/`).
    fn webhook_paths(&self, paths: &mut Map<String, Value>, schemas: &mut Map<String, Value>) {
        let mut types = self.ctx.event_types.clone();
        types.push("*".into());
        let url = json!({
            "type": "string", "format": "uri", "maxLength": 2048, "pattern": NO_NUL,
            "description": "An http or https URL. One on a loopback, private, link-local or reserved address, or whose host resolves to one, is refused (422), unless `WEBHOOK_ALLOW_PRIVATE_TARGETS=true`."
        });
        let events = json!({
            "type": "array", "minItems": 1,
            "items": {"type": "string", "enum": types},
            "description": "The event types to send, or `*` for all."
        });
        let body = |required: &[&str]| {
            json!({
                "type": "object",
                "properties": {"url": url, "events": events, "active": {"type": "boolean", "default": true}},
                "required": required,
                "additionalProperties": false
            })
        };
        schemas.insert("Webhook.Create".into(), body(&["url", "events"]));
        schemas.insert("Webhook.Patch".into(), body(&[]));
        let subscription = |secret: bool| {
            let mut properties = json!({
                "id": {"type": "string", "format": "uuid"},
                "url": {"type": "string"},
                "events": {"type": "array", "items": {"type": "string"}},
                "active": {"type": "boolean"},
                "consecutiveFailures": {"type": "integer", "minimum": 0, "description": "Failed attempts in a row since the last delivered one; past `WEBHOOK_DISABLE_AFTER` the subscription is made inactive."},
                "createdAt": {"type": "string", "format": "date-time"},
                "updatedAt": {"type": "string", "format": "date-time"}
            });
            let mut required = vec![
                "id",
                "url",
                "events",
                "active",
                "consecutiveFailures",
                "createdAt",
                "updatedAt",
            ];
            if secret {
                properties["secret"] = json!({"type": "string", "description": "Signs every delivery (`whsec_` and base64, as Standard Webhooks libraries take it). Shown this once."});
                required.push("secret");
            }
            json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
        };
        schemas.insert("Webhook".into(), subscription(false));
        schemas.insert("Webhook.Created".into(), subscription(true));
        schemas.insert(
            "WebhookDelivery".into(),
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "eventId": {"type": "string", "format": "uuid", "description": "Also the `webhook-id` header of every attempt."},
                    "eventType": {"type": "string"},
                    "state": {"type": "string", "enum": ["pending", "delivered", "failed"]},
                    "attempts": {"type": "integer", "minimum": 0},
                    "maxAttempts": {"type": "integer", "minimum": 1},
                    "lastStatus": {"type": ["integer", "null"], "description": "The receiver's last answer; null when it could not be reached."},
                    "lastError": {"type": ["string", "null"]},
                    "nextAttemptAt": {"type": "string", "format": "date-time", "description": "When the next attempt is due, if pending."},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "updatedAt": {"type": "string", "format": "date-time"}
                },
                "required": ["id", "eventId", "eventType", "state", "attempts", "maxAttempts", "lastStatus", "lastError", "nextAttemptAt", "createdAt", "updatedAt"],
                "additionalProperties": false
            }),
        );
        for name in ["Webhook", "WebhookDelivery"] {
            schemas.insert(format!("{name}.List"), page_of(name));
        }
        let operation = |id: &str, summary: &str, description: &str, list: Vec<(&str, Value)>| {
            json!({
                "operationId": id,
                "summary": summary,
                "description": format!("Admins only. {description}"),
                "tags": [self.tags.webhooks],
                "security": [{"bearerAuth": []}],
                "responses": admin_responses(list)
            })
        };
        let base = format!("{}/webhooks", self.spec.project.api_prefix);
        let paging = json!([param_ref("Page"), param_ref("Limit")]);
        let mut list = operation(
            "listWebhooks",
            "List webhook subscriptions, the newest first",
            "Unknown query parameters get 400.",
            vec![
                (
                    "200",
                    ok_json("One page of subscriptions.", "Webhook.List", &[]),
                ),
                ("400", error("BadRequest")),
            ],
        );
        list["parameters"] = paging.clone();
        let mut create = operation(
            "createWebhook",
            "Subscribe a URL to events",
            "The answer holds the signing secret, shown this once.",
            [
                vec![(
                    "201",
                    ok_json("Subscribed.", "Webhook.Created", &["Location"]),
                )],
                body_errors(),
            ]
            .concat(),
        );
        create["requestBody"] = body_ref("Webhook.Create");
        paths.insert(base.clone(), json!({"get": list, "post": create}));

        let one = format!("{base}/{{id}}");
        let mut update = operation(
            "updateWebhook",
            "Change a subscription's URL, events or activity",
            "Each key when given; turning a subscription on again counts its failures afresh.",
            [
                vec![
                    ("200", ok_json("The subscription.", "Webhook", &[])),
                    ("404", error("NotFound")),
                ],
                body_errors(),
            ]
            .concat(),
        );
        update["requestBody"] = body_ref("Webhook.Patch");
        paths.insert(
            one.clone(),
            json!({
                "parameters": [param_ref("Id")],
                "get": operation("getWebhook", "Read a subscription", "Never its secret.", vec![
                    ("200", ok_json("The subscription.", "Webhook", &[])),
                    ("404", error("NotFound")),
                ]),
                "patch": update,
                "delete": operation("deleteWebhook", "Delete a subscription", "Its delivery log goes with it.", vec![
                    ("204", no_content("Deleted.")),
                    ("404", error("NotFound")),
                ])
            }),
        );
        let mut deliveries = operation(
            "listWebhookDeliveries",
            "A subscription's delivery log, the newest first",
            "Each event sent to it, with its attempts, the receiver's last answer and the next attempt.",
            vec![
                (
                    "200",
                    ok_json("One page of deliveries.", "WebhookDelivery.List", &[]),
                ),
                ("400", error("BadRequest")),
                ("404", error("NotFound")),
            ],
        );
        deliveries["parameters"] = paging;
        paths.insert(
            format!("{one}/deliveries"),
            json!({"parameters": [param_ref("Id")], "get": deliveries}),
        );
        paths.insert(
            format!("{one}/deliveries/{{deliveryId}}/retry"),
            json!({
                "parameters": [param_ref("Id"), {
                    "name": "deliveryId", "in": "path", "required": true,
                    "description": "The delivery's id.",
                    "schema": {"type": "string", "format": "uuid"}
                }],
                "post": operation("retryWebhookDelivery", "Retry a failed delivery", "It is pending again, due now, with all its attempts; a delivery that is not failed gets 409.", vec![
                    ("200", ok_json("The delivery, pending again.", "WebhookDelivery", &[])),
                    ("404", error("NotFound")),
                    ("409", error("Conflict")),
                ])
            }),
        );
    }

    /// With jwt auth, says who may call an operation: `security` (optional when the rules
    /// are public) and the 401 and 403 answers of the access rules.
    fn guard(
        &self,
        item: &mut Map<String, Value>,
        method: &str,
        r: &ResourceContext,
        action: Action,
    ) {
        if self.spec.auth.mode != AuthMode::Jwt {
            return;
        }
        let Some(op) = item.get_mut(method) else {
            return;
        };
        let Some(access) = self.spec.resource(&r.names.snake).map(|res| &res.access) else {
            return;
        };
        let rules = match action {
            Action::List => &access.list,
            Action::Read => &access.read,
            Action::Create => &access.create,
            Action::Update => &access.update,
            Action::Delete => &access.delete,
        };
        op["security"] = if rules.contains(&Rule::Public) {
            json!([{}, {"bearerAuth": []}])
        } else {
            json!([{"bearerAuth": []}])
        };
        // A bad token is refused wherever one is read; rows a caller may not read are 404s.
        op["responses"]["401"] = error("Unauthorized");
        if action != Action::Read {
            op["responses"]["403"] = error("Forbidden");
        }
    }

    /// OpenAPI links from a created row to the operations that take its id, so clients (and
    /// Schemathesis's stateful tests) can follow them. Named after the operation they call.
    fn links(&self, r: &ResourceContext) -> Value {
        let mut links = Map::new();
        let mut add = |operation: String, parameter: &str| {
            links.insert(
                operation.clone(),
                json!({
                    "operationId": operation,
                    "parameters": {parameter: "$response.body#/id"}
                }),
            );
        };
        let p = &r.names.pascal;
        for verb in ["get", "replace", "update", "delete"] {
            add(format!("{verb}{p}"), "id");
        }
        for &(i, j) in self.spec.references_to(&r.names.snake) {
            let Some(child) = self.ctx.resources.get(i) else {
                continue;
            };
            let Some(b) = child.belongs_to.get(j) else {
                continue;
            };
            let rel = &b.names.pascal;
            add(format!("list{}By{rel}", child.names.plural_pascal), "id");
            if !b.owner && !child.account {
                add(format!("create{}For{rel}", child.names.pascal), "id");
            }
        }
        for l in &r.links {
            let t = &l.target;
            add(format!("list{}Of{p}", t.plural_pascal), "id");
            add(format!("link{p}{}", t.pascal), "id");
            add(format!("unlink{p}{}", t.pascal), "id");
        }
        for other in self
            .spec
            .linked_from(&r.names.snake)
            .iter()
            .filter_map(|&i| self.ctx.resources.get(i))
        {
            let o = &other.names.pascal;
            let parameter = format!("{}Id", r.names.camel);
            add(format!("link{o}{}", r.names.pascal), &parameter);
            add(format!("unlink{o}{}", r.names.pascal), &parameter);
        }
        Value::Object(links)
    }

    fn summary(&self, method: &str, path: &str) -> String {
        self.summaries
            .get(&(method, path))
            .map(|summary| summary.to_string())
            .unwrap_or_default()
    }

    /// The query parameters of a list of `r` (docs/contract.md, "Lists").
    fn list_parameters(&self, r: &ResourceContext) -> Value {
        let mut params = vec![param_ref("Page"), param_ref("Limit"), param_ref("Cursor")];
        let mut sortable = vec!["id".to_string()];
        let mut keys = vec!["id".to_string()];
        let mut filters: Vec<(String, Value, String)> = Vec::new();
        let uuid = json!({"type": "string", "format": "uuid"});
        let instant = json!({
            "type": "string",
            "anyOf": [{"format": "date-time"}, {"format": "date"}]
        });

        for b in &r.belongs_to {
            keys.push(b.json.clone());
            if b.required {
                sortable.push(b.json.clone());
            }
            filters.push((
                b.json.clone(),
                uuid.clone(),
                format!("Only rows whose `{}` is this id.", b.json),
            ));
        }
        // Keys only some callers see, with who may use them: others get 400 as for an
        // unknown key.
        let mut guarded: Vec<(String, String)> = Vec::new();
        let who_sees = |key: &str, read: &[Rule]| {
            // A field seen on one's own rows only would give its value away row by row.
            let owner = if read.contains(&Rule::Owner) {
                "; the owner alone: only in a list of their own rows"
            } else {
                ""
            };
            format!("callers who see `{key}` ({}{owner})", self.who(read))
        };
        for f in &r.fields {
            let key = &f.names.camel;
            keys.push(key.clone());
            let guard = readers(self.access(r, f)).map(|read| who_sees(key, read));
            if let Some(who) = &guard {
                guarded.push((key.clone(), who.clone()));
            }
            if f.spec_type == "json" {
                continue;
            }
            let first_filter = filters.len();
            if f.required {
                sortable.push(key.clone());
            }
            let value = match f.spec_type {
                "integer" | "big_integer" => json!({
                    "type": "integer",
                    "format": "int64",
                    "minimum": i64::MIN,
                    "maximum": i64::MAX
                }),
                "float" | "decimal" => json!({"type": "number"}),
                "boolean" => json!({"type": "boolean"}),
                "uuid" => uuid.clone(),
                "date" => json!({"type": "string", "format": "date"}),
                "datetime" => instant.clone(),
                "enum" => json!({
                    "type": "string",
                    "enum": f.enum_values.iter().map(|v| v.value.clone()).collect::<Vec<_>>()
                }),
                _ => json!({"type": "string", "pattern": NO_NUL}),
            };
            filters.push((
                key.clone(),
                value.clone(),
                format!("Only rows whose `{key}` equals this value."),
            ));
            match f.spec_type {
                "integer" | "big_integer" | "float" | "decimal" => {
                    filters.push((
                        format!("{key}Min"),
                        value.clone(),
                        format!("Only rows whose `{key}` is at least this."),
                    ));
                    filters.push((
                        format!("{key}Max"),
                        value,
                        format!("Only rows whose `{key}` is at most this."),
                    ));
                }
                "date" | "datetime" => {
                    let base = key.strip_suffix("At").unwrap_or(key);
                    filters.push((
                        format!("{base}After"),
                        value.clone(),
                        format!("Only rows whose `{key}` is at or after this."),
                    ));
                    filters.push((
                        format!("{base}Before"),
                        value,
                        format!("Only rows whose `{key}` is at or before this."),
                    ));
                }
                _ => {}
            }
            if let Some(who) = &guard {
                for (_, _, description) in &mut filters[first_filter..] {
                    description.push_str(&format!(" Only {who} may use it; others get 400."));
                }
            }
        }
        if r.versioned {
            keys.push("version".into());
        }
        if r.timestamps {
            for (base, key) in [("created", "createdAt"), ("updated", "updatedAt")] {
                keys.push(key.into());
                sortable.push(key.into());
                filters.push((
                    format!("{base}After"),
                    instant.clone(),
                    format!("Only rows whose `{key}` is at or after this (a date means its first instant, UTC)."),
                ));
                filters.push((
                    format!("{base}Before"),
                    instant.clone(),
                    format!("Only rows whose `{key}` is at or before this (a date means its first instant, UTC)."),
                ));
            }
        }

        // Who may use each guarded key of `among`, as sentences.
        let only = |verb: &str, among: &[String]| -> String {
            guarded
                .iter()
                .filter(|(key, _)| among.contains(key))
                .map(|(key, who)| format!(" {verb} `{key}`: only {who}; others get 400."))
                .collect()
        };

        let alternatives = |keys: &[String]| keys.join("|");
        // Spaces around a key are dropped (a `+` in a query string is one).
        let sort_key = format!(" *[+-]?({}) *", alternatives(&sortable));
        params.push(json!({
            "name": "sort",
            "in": "query",
            "description": format!(
                "Comma-separated keys, each optionally prefixed with `-` (descending) or `+` (ascending, the default); the id breaks ties, and a key given again changes nothing. Default `{}`. Sortable: {}.{}",
                if r.timestamps { "-createdAt" } else { "-id" },
                sortable.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
                only("Sorting by", &sortable)
            ),
            "schema": {"type": "string", "pattern": format!("^{sort_key}(,{sort_key})*$")}
        }));
        let field_key = format!(" *({}) *", alternatives(&keys));
        params.push(json!({
            "name": "fields",
            "in": "query",
            "description": format!(
                "Comma-separated keys of the representation: each item carries only those.{}",
                only("Selecting", &keys)
            ),
            "schema": {"type": "string", "pattern": format!("^{field_key}(,{field_key})*$")}
        }));
        let mut seen: Vec<String> = ["page", "limit", "cursor", "sort", "fields"]
            .map(String::from)
            .to_vec();
        for (name, schema, description) in filters {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            params.push(json!({
                "name": name,
                "in": "query",
                "description": description,
                "schema": schema
            }));
        }
        Value::Array(params)
    }
}

fn health_paths(paths: &mut Map<String, Value>, tags: &ServiceTags) {
    for (path, id, summary) in [
        (
            "/health",
            "healthCheck",
            "the service's health and its database's",
        ),
        (
            "/health/ready",
            "readinessCheck",
            "whether the instance should get traffic",
        ),
    ] {
        paths.insert(
            path.into(),
            json!({"get": {
                "operationId": id,
                "summary": summary,
                "tags": [tags.health],
                "responses": {
                    "200": {
                        "description": "Healthy, or degraded: a cache or NATS is down, or events wait too long to be published.",
                        "headers": headers(&[]),
                        "content": {"application/json": {"schema": schema_ref("Health")}}
                    },
                    "503": {
                        "description": "Unhealthy: the database is down.",
                        "headers": headers(&[]),
                        "content": {"application/json": {"schema": schema_ref("Health")}}
                    }
                }
            }}),
        );
    }
    paths.insert(
        "/health/live".into(),
        json!({"get": {
            "operationId": "livenessCheck",
            "summary": "whether the process serves",
            "tags": [tags.health],
            "responses": {"200": no_content("The process serves (no body).")}
        }}),
    );
    paths.insert(
        "/metrics".into(),
        json!({"get": {
            "operationId": "metrics",
            "summary": "request counts, latencies and pool figures",
            "tags": [tags.health],
            "responses": {"200": {
                "description": "Prometheus text exposition format.",
                "headers": headers(&[]),
                "content": {"text/plain": {"schema": {"type": "string"}}}
            }}
        }}),
    );
    paths.insert(
        "/openapi.json".into(),
        json!({"get": {
            "operationId": "openapiDocument",
            "summary": "this document",
            "tags": [tags.openapi],
            "responses": {"200": {
                "description": "The OpenAPI 3.1 document of this service.",
                "headers": headers(&[]),
                "content": {"application/json": {"schema": {"type": "object"}}}
            }}
        }}),
    );
}

fn shared_schemas() -> Map<String, Value> {
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
                        "message": {"type": "string"},
                        "details": {"type": "array", "items": schema_ref("ErrorDetail")},
                        "requestId": {"type": "string"}
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
                "field": {"type": "string"},
                "message": {"type": "string"}
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
                "page": {"type": "integer", "minimum": 1, "description": "The page number, for offset pages (absent with a cursor)."},
                "limit": {"type": "integer", "minimum": 1, "maximum": 100},
                "total": {"type": "integer", "minimum": 0, "description": "Rows matching the filters, on offset pages; a page after a cursor leaves it out."},
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
                "version": {"type": "string"},
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
                "latency": {"type": "integer", "minimum": 0, "description": "Milliseconds the check took."}
            },
            "required": ["status", "latency"],
            "additionalProperties": false
        }),
    );
    schemas
}

/// `/health`'s `checks.outbox`, and `checks.events` (NATS, a plain check) when configured.
fn outbox_health(schemas: &mut Map<String, Value>) {
    schemas.insert(
        "OutboxCheck".into(),
        json!({
            "type": "object",
            "description": "The domain events not yet published: `lagging` once the oldest is older than `OUTBOX_LAG_ALERT_SECS` (the service is then `degraded`).",
            "properties": {
                "status": {"type": "string", "enum": ["up", "lagging", "down"]},
                "pending": {"type": "integer", "minimum": 0, "description": "Events waiting to be published."},
                "lag": {"type": "integer", "minimum": 0, "description": "Seconds the oldest of them has waited."}
            },
            "required": ["status", "pending", "lag"],
            "additionalProperties": false
        }),
    );
    let checks = &mut schemas["Health"]["properties"]["checks"];
    checks["properties"]["outbox"] = schema_ref("OutboxCheck");
    checks["required"] = json!(["database", "outbox"]);
}

fn security_schemes(spec: &Spec) -> Value {
    if spec.auth.mode != AuthMode::Jwt {
        return json!({});
    }
    json!({
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": format!(
                "An access token from `POST {}/auth/login` or `/auth/refresh` (HS256; claims `sub`, `email`, `email_verified`, `roles`, `iat`, `exp`).",
                spec.project.api_prefix
            )
        }
    })
}

fn shared_parameters() -> Value {
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
            "description": "Write only if the current `ETag` is listed (else 412).",
            "schema": {"type": "string"}
        },
        "IfNoneMatch": {
            "name": "If-None-Match",
            "in": "header",
            "description": "Answer 304 if the current `ETag` is listed.",
            "schema": {"type": "string"}
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
            "description": "The page number, from 1 (offset pages; not with `cursor`).",
            "schema": {"type": "integer", "minimum": 1, "maximum": u32::MAX}
        },
        "Limit": {
            "name": "limit",
            "in": "query",
            "description": "Rows per page.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
        },
        "Cursor": {
            "name": "cursor",
            "in": "query",
            "description": "An opaque `nextCursor` of an earlier page with the same sort: continues after its last row (not with `page`; one this service did not give out gets 400). An empty value is no cursor.",
            "schema": {"type": "string", "pattern": CURSOR_PATTERN}
        }
    })
}

/// Says that a string may not hold U+0000 (see `NO_NUL`): with a pattern, beside the
/// string's own pattern when that does not already imply it.
fn exclude_nul(s: &mut Map<String, Value>) {
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
fn text(description: &str) -> Value {
    json!({"type": "string", "pattern": NO_NUL, "description": description})
}

/// The resource's schema name (see `SHARED_SCHEMAS`).
fn schema_name(r: &ResourceContext) -> String {
    if SHARED_SCHEMAS.contains(&r.names.pascal.as_str()) {
        format!("{}.Resource", r.names.pascal)
    } else {
        r.names.pascal.clone()
    }
}

/// Appends a sentence to a schema's description.
fn add_sentence(s: &mut Map<String, Value>, sentence: &str) {
    let text = match s.get("description").and_then(Value::as_str) {
        Some(first) if !first.is_empty() => format!("{first} {sentence}"),
        _ => sentence.to_string(),
    };
    s.insert("description".into(), json!(text));
}

/// Who may see a field, if its rules narrow that (a rule list with `public` narrows nothing).
fn readers(access: &FieldAccess) -> Option<&[Rule]> {
    access
        .read
        .as_deref()
        .filter(|rules| !rules.contains(&Rule::Public))
}

fn tag(r: &ResourceContext) -> String {
    r.names.plural_kebab.clone()
}

fn type_of(ty: &str, nullable: bool) -> Value {
    if nullable {
        json!([ty, "null"])
    } else {
        json!(ty)
    }
}

fn uuid_schema(required: bool, description: Option<&str>) -> Value {
    let mut s = json!({"type": type_of("string", !required), "format": "uuid"});
    if let Some(d) = description {
        s["description"] = json!(d);
    }
    s
}

fn bound(b: &Bound) -> Value {
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

fn insert_bounds(s: &mut Map<String, Value>, min: &Option<Bound>, max: &Option<Bound>) {
    if let Some(b) = min {
        s.insert("minimum".into(), bound(b));
    }
    if let Some(b) = max {
        s.insert("maximum".into(), bound(b));
    }
}

fn literal(l: &Literal) -> Value {
    match l {
        Literal::String(s) | Literal::Decimal(s) => json!(s),
        Literal::Integer(i) => json!(i),
        Literal::Float(x) => json!(x),
        Literal::Boolean(b) => json!(b),
    }
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn param_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn header_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/headers/{name}")})
}

fn error(name: &str) -> Value {
    json!({"$ref": format!("#/components/responses/{name}")})
}

/// `X-Request-Id` and the given headers.
fn headers(extra: &[&str]) -> Value {
    let mut map = Map::new();
    map.insert("X-Request-Id".into(), header_ref("X-Request-Id"));
    for name in extra {
        map.insert((*name).to_string(), header_ref(name));
    }
    Value::Object(map)
}

/// A `POST` honours `Idempotency-Key`: the parameter, and its 400, 409 and 422.
fn idempotent(post: &mut Value) {
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
fn page_of(item: &str) -> Value {
    json!({
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": schema_ref(item)},
            "pagination": schema_ref("Pagination")
        },
        "required": ["data", "pagination"],
        "additionalProperties": false
    })
}

/// An admin-only operation's answers: `list`, and those of the caller and the server.
fn admin_responses(mut list: Vec<(&str, Value)>) -> Value {
    list.extend([
        ("401", error("Unauthorized")),
        ("403", error("Forbidden")),
        ("500", error("InternalError")),
        ("503", error("ServiceUnavailable")),
    ]);
    responses(list)
}

/// The answers a JSON body can get besides the operation's own.
fn body_errors() -> Vec<(&'static str, Value)> {
    vec![
        ("400", error("BadRequest")),
        ("413", error("PayloadTooLarge")),
        ("415", error("UnsupportedMediaType")),
        ("422", error("ValidationError")),
        ("500", error("InternalError")),
        ("503", error("ServiceUnavailable")),
    ]
}

fn ok_json(description: &str, schema: &str, extra: &[&str]) -> Value {
    json!({
        "description": description,
        "headers": headers(extra),
        "content": {"application/json": {"schema": schema_ref(schema)}}
    })
}

fn no_content(description: &str) -> Value {
    json!({"description": description, "headers": headers(&[])})
}

fn body_ref(schema: &str) -> Value {
    json!({
        "required": true,
        "content": {"application/json": {"schema": schema_ref(schema)}}
    })
}

fn responses(list: Vec<(&str, Value)>) -> Value {
    Value::Object(list.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn create_responses(name: &str, nested: bool, links: Value) -> Value {
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

#[cfg(test)]
mod tests {
    use crate::context::ServiceContext;

    #[test]
    fn a_resource_that_takes_a_service_tag_leaves_every_tag_distinct() {
        let source = "[auth]\nmode = \"jwt\"\n\
                      [resources.health.fields]\nstatus = { type = \"string\" }\n\
                      [resources.login]\nplural = \"auth\"\n[resources.login.fields]\nx = { type = \"string\" }\n";
        let spec = crate::spec::parse("t.toml", source).expect("a valid spec");
        let ctx = ServiceContext::new("t", &spec, source);
        let doc: serde_json::Value =
            serde_json::from_str(&super::document(&spec, &ctx)).expect("JSON");
        let tags: Vec<&str> = doc["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert_eq!(
            tags,
            [
                "users",
                "health",
                "auth",
                "auth (service)",
                "jobs",
                "health (service)",
                "openapi"
            ]
        );
        assert_eq!(
            doc["paths"]["/health/live"]["get"]["tags"][0],
            "health (service)"
        );
        assert_eq!(doc["paths"]["/v1/health"]["get"]["tags"][0], "health");
    }
}
