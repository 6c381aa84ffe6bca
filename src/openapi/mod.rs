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
mod builder;
mod export_schema;
mod file_paths;
mod health;
mod resource_paths;
mod schemas;
mod shared;
pub mod spectral;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

use crate::context::ServiceContext;
use crate::operations::{Group, Kind, Operation};
use crate::spec::{AuthMode, Spec};
use builder::Builder;
pub use export_schema::{FILE as EXPORT_SCHEMA_FILE, export_schema};
use health::own_operation;
use shared::*;
pub use shared::{DECIMAL_PATTERN, NO_NUL, schema_name};

/// Where a generated project keeps the document (the service embeds it).
pub const FILE: &str = "openapi.json";

/// The document for `ctx`, pretty-printed JSON with a final newline. The context carries
/// every name; the rules of each field (lengths, bounds, patterns, formats, defaults) come
/// from the typed spec it was built from.
pub fn document(spec: &Spec, ctx: &ServiceContext) -> String {
    let doc = Builder::new(spec, ctx).build();
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

impl<'a> Builder<'a> {
    fn build(&self) -> Value {
        let ctx = self.ctx;
        let mut paths = Map::new();
        let mut schemas = shared_schemas();
        let max_cursor = cursor_max_length(self.spec);
        schemas["Pagination"]["properties"]["nextCursor"]["maxLength"] = json!(max_cursor);
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
        if file_paths::has_files(&ctx.resources) {
            schemas.insert(
                file_paths::STORED_FILE.into(),
                file_paths::stored_file_schema(),
            );
        }
        let mut tags = Vec::new();

        for r in &ctx.resources {
            tags.push(json!({"name": tag(r), "description": r.description}));
            self.resource_schemas(r, &mut schemas);
        }
        if self.spec.auth.mode == AuthMode::Jwt {
            if self.spec.has_accounts() {
                tags.push(json!({
                    "name": self.tags.auth,
                    "description": "Accounts and sessions: short-lived bearer tokens and rotating refresh tokens."
                }));
                self.auth_schemas(&mut schemas);
            } else if let Some(export) = self.export_schema() {
                tags.push(json!({
                    "name": self.tags.auth,
                    "description": "An account's data held here, as its part of the account's export (the accounts are another service's)."
                }));
                schemas.insert("Export".into(), export);
            }
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
            if self.spec.audited() {
                tags.push(json!({
                    "name": self.tags.audit,
                    "description": "The audit trail, for admins: every write to an audited resource, by whom, and what it changed."
                }));
                self.audit_schemas(&mut schemas);
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
                    "headers": headers(&[]),
                    "content": {"application/json": {"schema": schema_ref("Error")}}
                }),
            );
        }
        // docs/contract.md, "Errors": a statement past its budget is a 503 that says when to retry.
        responses["ServiceUnavailable"]["headers"]["Retry-After"] = json!({
            "description": "Seconds to wait before retrying, when a statement ran past its budget.",
            "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 1}
        });
        let mut limited = headers(&[]);
        limited["Retry-After"] = json!({
            "description": "Seconds until a request would be allowed: at most an hour (the account routes' budgets refill per hour, the others per minute).",
            "required": true,
            "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 3600}
        });
        responses.insert(
            "RateLimited".into(),
            json!({
                "description": "Over the client's budget: `RATE_LIMITED`; retry after `Retry-After` seconds.",
                "headers": limited,
                "content": {"application/json": {"schema": schema_ref("Error")}}
            }),
        );
        // Every component response answers rate-limited operations only (health uses none),
        // and the middleware puts the budget on whatever they answer.
        for response in responses.values_mut() {
            with_rate_limit_headers(response);
        }
        // A head too large to read, refused before the rate limit: the error body and the
        // request id, no budget headers. The 414 names no content: past 64 KiB of target
        // the HTTP server's own bare 414 answers (the `http` crate's bound), which a client
        // can reach with a value within its `maxLength`; a 431 needs a head past 1 MiB.
        for (name, status, description) in SERVER_REFUSALS {
            let response = if *status == "414" {
                json!({"description": description})
            } else {
                json!({
                    "description": description,
                    "content": {"application/json": {"schema": schema_ref("Error")}}
                })
            };
            responses.insert((*name).to_string(), response);
        }

        // Only the responses some operation answers: which ones depends on the spec (no
        // 403 without access rules), and an unused component is noise to a reviewer.
        let used = Value::Object(paths.clone()).to_string();
        responses.retain(|name, _| used.contains(&format!("\"#/components/responses/{name}\"")));

        let mut document = json!({
            "openapi": "3.1.0",
            "info": {
                "title": ctx.crate_name,
                "version": "0.1.0",
                // Who answers for the API: the team that runs the service.
                "contact": {"name": format!("The {} team", ctx.crate_name)},
                "description": format!(
                    "{}\n\nGenerated by backend-gen {}. Every error has the body `Error`, \
                     and every response carries `X-Request-Id` (but the HTTP server's bare \
                     414 and 431 for a head past 64 KiB of target or 1 MiB in all). A known path answers another \
                     method with 405 `METHOD_NOT_ALLOWED`; an unknown path gets 404 \
                     `NOT_FOUND`. Lists reject unknown query parameters with 400. Decimals \
                     are JSON strings (`\"19.99\"`, exact); numbers are accepted on input.",
                    ctx.description, ctx.generator_version
                ),
            },
            "servers": [self.server()],
            "tags": tags,
            "paths": paths,
            "components": {
                "securitySchemes": security_schemes(self.spec, &ctx.crate_name),
                "schemas": schemas,
                "responses": responses,
                "parameters": shared_parameters(max_cursor),
                "headers": header_components()
            }
        });
        bound_formatted_strings(&mut document);
        document
    }

    /// Where the service is: the spec's `public_url`, else relative, since the document is
    /// served by the service it describes, wherever it runs.
    fn server(&self) -> Value {
        match &self.spec.project.public_url {
            Some(url) => json!({
                "url": url,
                "description": "The service in production.",
                "x-internal": false
            }),
            None => json!({
                "url": "/",
                "description": "This service, wherever it runs (local, staging or production).",
                "x-internal": false
            }),
        }
    }

    /// `op` into its path item: id, summary, tag, method, path and path parameters are the
    /// operation's; its kind says what it takes and answers.
    fn add_operation(&self, op: &Operation, paths: &mut Map<String, Value>) {
        let mut base = Map::new();
        base.insert("operationId".into(), json!(op.id));
        base.insert("summary".into(), json!(op.document_summary));
        base.insert("tags".into(), json!([self.tag_of(&op.group)]));
        let mut operation = match &op.kind {
            Kind::Auth(crate::spec::routes::AuthAction::ExportAccount) => {
                self.export_account_operation(base)
            }
            Kind::Auth(action) => self.auth_operation(*action, base),
            Kind::SetRoles { .. } => self.roles_operation(base),
            Kind::ExportAccount { .. } => self.export_account_operation(base),
            Kind::PrepareAccountExport { .. } => self.prepare_account_export_operation(base),
            Kind::EraseAccount { .. } => self.erase_account_operation(base),
            Kind::Jobs(action) => self.job_operation(*action, base),
            Kind::Webhooks(action) => self.webhook_operation(*action, base),
            Kind::Audit(action) => self.audit_operation(*action, base),
            Kind::Health(_) | Kind::Metrics | Kind::Document => own_operation(&op.kind, base),
            Kind::File { .. } => self.file_operation(op, base),
            _ => self.resource_operation(op, base),
        };
        for (name, status, _) in SERVER_REFUSALS {
            operation["responses"][*status] = error(name);
        }
        // docs/contract.md, "Rate limits": every route but health; the middleware reports
        // the budget on whatever such a route answers.
        if op.rate_limited {
            operation["responses"]["429"] = error("RateLimited");
            if let Some(responses) = operation["responses"].as_object_mut() {
                responses.values_mut().for_each(with_rate_limit_headers);
            }
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
            Group::Audit => self.tags.audit.clone(),
            Group::Health => self.tags.health.clone(),
            Group::Document => self.tags.openapi.clone(),
        }
    }
}

/// The keys a schema of the document requires (its `required`), for what reads it back.
pub fn required_keys(schema: &serde_json::Value) -> Vec<&str> {
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect()
}
