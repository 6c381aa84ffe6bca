//! The admin operations over the job queue (`src/jobs/admin.rs`) and webhook subscriptions
//! (`src/webhooks/`), and their schemas.

use serde_json::{Map, Value, json};

use super::builder::Builder;
use super::shared::*;
use crate::operations::{AuditAction, JobAction, WebhookAction};

impl<'a> Builder<'a> {
    /// The schemas of the job queue's admin routes.
    pub(super) fn job_schemas(&self, schemas: &mut Map<String, Value>) {
        let mut kinds: Vec<&str> = self.spec.jobs.iter().map(|j| j.name.as_str()).collect();
        if self.spec.webhooks() {
            kinds.push(crate::spec::Job::WEBHOOK_DELIVERY);
        }
        if self.spec.has_accounts() {
            kinds.push(crate::spec::Job::ACCOUNT_MAIL);
            kinds.push(crate::spec::Job::ACCOUNT_EXPORT);
        }
        if self.spec.has_files() {
            kinds.push(crate::spec::Job::FILE_REMOVAL);
        }
        schemas.insert(
            "Job".into(),
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "kind": {"type": "string", "enum": kinds},
                    "payload": {"description": "What the job was enqueued with (for an event's job, the event's envelope)."},
                    "idempotencyKey": {"type": ["string", "null"], "maxLength": 255, "description": "A second job of the same kind under this key is never added (an event's job: the event's id; a key longer than 255 characters is kept as `sha256:` and its digest)."},
                    "state": {"type": "string", "enum": JOB_STATES},
                    "attempts": {"type": "integer", "format": "int32", "minimum": 0, "maximum": i32::MAX, "description": "Runs so far."},
                    "maxAttempts": {"type": "integer", "format": "int32", "minimum": 1, "maximum": i32::MAX, "description": "Runs before it is dead."},
                    "runAfter": {"type": "string", "format": "date-time", "description": "When it runs next, if pending."},
                    "lastError": {"type": ["string", "null"], "maxLength": 2000, "description": "Why the last run failed (its first 2,000 characters; the log has it whole)."},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "updatedAt": {"type": "string", "format": "date-time"}
                },
                "required": ["id", "kind", "payload", "idempotencyKey", "state", "attempts", "maxAttempts", "runAfter", "lastError", "createdAt", "updatedAt"],
                "additionalProperties": false
            }),
        );
        schemas.insert("Job.List".into(), page_of("Job"));
    }

    /// The admin operation `action` over the job queue, on `base` (id, summary, tag).
    pub(super) fn job_operation(&self, action: JobAction, mut base: Map<String, Value>) -> Value {
        let (description, answers) = match action {
            JobAction::List => {
                let state = json!({
                    "name": "state",
                    "in": "query",
                    "description": "Only the jobs in this state (not with `kind`).",
                    "schema": {"type": "string", "enum": JOB_STATES}
                });
                let kind = json!({
                    "name": "kind",
                    "in": "query",
                    "description": "Only the jobs of this kind (not with `state`).",
                    "schema": {"type": "string", "maxLength": 255, "pattern": NO_NUL}
                });
                base.insert(
                    "parameters".into(),
                    json!([state, kind, admin_page(), param_ref("Limit")]),
                );
                (
                    "Admins only. The newest first (by `updatedAt`). One filter at a time, each \
                     served by an index: `state` and `kind` together, and unknown query \
                     parameters, get 400.",
                    vec![
                        ("200", ok_json("One page of jobs.", "Job.List", &[])),
                        ("400", error("BadRequest")),
                    ],
                )
            }
            JobAction::Read => (
                "Admins only.",
                vec![
                    ("200", ok_json("The job.", "Job", &[])),
                    ("404", error("NotFound")),
                ],
            ),
            JobAction::Retry => (
                "Admins only. The job is pending again, due now, with all its attempts; a job that is not dead gets 409.",
                vec![
                    ("200", ok_json("The job, pending again.", "Job", &[])),
                    ("404", error("NotFound")),
                    ("409", error("Conflict")),
                ],
            ),
        };
        base.insert("description".into(), json!(description));
        admin(base, answers)
    }

    /// The schemas of the webhooks' admin routes.
    pub(super) fn webhook_schemas(&self, schemas: &mut Map<String, Value>) {
        let mut types = self.ctx.event_types.clone();
        types.push("*".into());
        let url = json!({
            "type": "string", "format": "uri", "maxLength": 2048, "pattern": NO_NUL,
            "description": "An http or https URL. One on a loopback, private, link-local or reserved address, or whose host resolves to one, is refused (422), unless `WEBHOOK_ALLOW_PRIVATE_TARGETS=true`."
        });
        let events = json!({
            "type": "array", "minItems": 1, "maxItems": types.len(),
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
                "url": {"type": "string", "format": "uri", "maxLength": 2048},
                "events": {"type": "array", "maxItems": types.len(), "items": {"type": "string", "enum": types}},
                "active": {"type": "boolean"},
                "consecutiveFailures": {"type": "integer", "format": "int32", "minimum": 0, "maximum": i32::MAX, "description": "Failed attempts in a row since the last delivered one; past `WEBHOOK_DISABLE_AFTER` the subscription is made inactive."},
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
            if self.spec.tenancy.is_some() {
                properties[TENANT_KEY] = json!({"type": ["string", "null"], "format": "uuid", "description": "The tenant whose admin made it, acting in it: it receives that tenant's events alone, and that tenant's admins manage it. `null` for the platform's admin's, which receives every event."});
                required.push(TENANT_KEY);
            }
            if secret {
                properties["secret"] = json!({"type": "string", "maxLength": 50, "pattern": "^whsec_[A-Za-z0-9+/]{43}=$", "description": "Signs every delivery (`whsec_` and base64, as Standard Webhooks libraries take it). Shown this once."});
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
                    "eventType": {"type": "string", "enum": self.ctx.event_types},
                    "state": {"type": "string", "enum": ["pending", "delivered", "failed"]},
                    "attempts": {"type": "integer", "format": "int32", "minimum": 0, "maximum": i32::MAX},
                    "maxAttempts": {"type": "integer", "format": "int32", "minimum": 1, "maximum": i32::MAX},
                    "lastStatus": {"type": ["integer", "null"], "format": "int32", "minimum": 100, "maximum": 599, "description": "The receiver's last answer; null when it could not be reached."},
                    "lastError": {"type": ["string", "null"], "maxLength": 2000},
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
    }

    /// The admin operation `action` over webhook subscriptions, on `base`.
    pub(super) fn webhook_operation(
        &self,
        action: WebhookAction,
        mut base: Map<String, Value>,
    ) -> Value {
        let paging = || json!([admin_page(), param_ref("Limit")]);
        let (description, answers) = match action {
            WebhookAction::List => {
                base.insert("parameters".into(), paging());
                (
                    match self.spec.tenancy {
                        Some(_) => {
                            "A tenant's admin, acting in it, lists its tenant's subscriptions; the platform's admin every one. Unknown query parameters get 400."
                        }
                        None => "Unknown query parameters get 400.",
                    },
                    vec![
                        (
                            "200",
                            ok_json("One page of subscriptions.", "Webhook.List", &[]),
                        ),
                        ("400", error("BadRequest")),
                    ],
                )
            }
            WebhookAction::Create => {
                base.insert("requestBody".into(), body_ref("Webhook.Create"));
                (
                    "The answer holds the signing secret, shown this once.",
                    [
                        vec![(
                            "201",
                            ok_json("Subscribed.", "Webhook.Created", &["Location"]),
                        )],
                        body_errors(),
                    ]
                    .concat(),
                )
            }
            WebhookAction::Read => (
                "Never its secret.",
                vec![
                    ("200", ok_json("The subscription.", "Webhook", &[])),
                    ("404", error("NotFound")),
                ],
            ),
            WebhookAction::Update => {
                base.insert("requestBody".into(), body_ref("Webhook.Patch"));
                (
                    "Each key when given; turning a subscription on again counts its failures afresh.",
                    [
                        vec![
                            ("200", ok_json("The subscription.", "Webhook", &[])),
                            ("404", error("NotFound")),
                        ],
                        body_errors(),
                    ]
                    .concat(),
                )
            }
            WebhookAction::Delete => (
                "Its delivery log goes with it.",
                vec![("204", no_content("Deleted.")), ("404", error("NotFound"))],
            ),
            WebhookAction::Deliveries => {
                base.insert("parameters".into(), paging());
                (
                    "Each event sent to it, with its attempts, the receiver's last answer and the next attempt.",
                    vec![
                        (
                            "200",
                            ok_json("One page of deliveries.", "WebhookDelivery.List", &[]),
                        ),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                    ],
                )
            }
            WebhookAction::RetryDelivery => (
                "It is pending again, due now, with all its attempts; a delivery that is not failed gets 409.",
                vec![
                    (
                        "200",
                        ok_json("The delivery, pending again.", "WebhookDelivery", &[]),
                    ),
                    ("404", error("NotFound")),
                    ("409", error("Conflict")),
                ],
            ),
        };
        base.insert(
            "description".into(),
            json!(format!("Admins only. {description}")),
        );
        admin(base, answers)
    }
}

/// The keys of an audit entry, for `fields` (under `[tenancy]`, [`TENANT_KEY`] too).
const AUDIT_KEYS: [&str; 13] = [
    "id",
    "occurredAt",
    "actor",
    "actorId",
    "actorRoles",
    "resource",
    "rowId",
    "action",
    "fields",
    "oldValues",
    "newValues",
    "requestId",
    "traceId",
];

/// The key of an audit entry and a webhook subscription naming its tenant, under `[tenancy]`.
const TENANT_KEY: &str = "tenantId";

/// What an audit entry says was done.
const AUDIT_ACTIONS: [&str; 8] = [
    "create",
    "replace",
    "patch",
    "delete",
    "link",
    "unlink",
    "erase",
    "anonymize",
];

impl<'a> Builder<'a> {
    /// The schemas of the audit trail's admin reads.
    pub(super) fn audit_schemas(&self, schemas: &mut Map<String, Value>) {
        let audited: Vec<&str> = (self.spec.resources.iter())
            .filter(|r| r.audit)
            .map(|r| r.names.snake.as_str())
            .collect();
        let values = |which: &str| {
            json!({
                "type": ["object", "null"],
                "maxProperties": 1000,
                "description": format!("The changed fields' values {which} the write, as the API shows them, but for personal fields, which are named in `fields` and never kept; `null` where there was no row ({which})."),
            })
        };
        let mut entry = json!({
                "type": "object",
                "description": "An entry of the audit trail: one write to an audited resource.",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "occurredAt": {"type": "string", "format": "date-time", "description": "When the write's transaction ran."},
                    "actor": {"type": "string", "enum": ["account", "anonymous", "service"], "description": "Who wrote: a signed-in account, an anonymous caller, or the service itself (an erasure heard from another service)."},
                    "actorId": {"type": ["string", "null"], "format": "uuid", "description": "The account that wrote; kept when the account is erased."},
                    "actorRoles": {"type": "array", "maxItems": 1000, "items": {"type": "string", "maxLength": 255}, "description": "The roles its token carried."},
                    "resource": {"type": "string", "maxLength": 255, "description": format!("The resource of the row: {}; an entry of a resource no longer audited keeps its name, and a renamed resource's entries are renamed with it.", audited.join(", "))},
                    "rowId": {"type": "string", "format": "uuid"},
                    "action": {"type": "string", "enum": AUDIT_ACTIONS, "description": "`erase` and `anonymize`: an account's erasure deleted the row (or made the account's own row its tombstone), or cleared its personal fields."},
                    "fields": {"type": "array", "maxItems": 1000, "items": {"type": "string", "maxLength": 255}, "description": "The keys the write changed (for a link or an unlink, the other row's key)."},
                    "oldValues": values("before"),
                    "newValues": values("after"),
                    "requestId": {"type": ["string", "null"], "maxLength": 255, "description": "The request's `X-Request-Id`."},
                    "traceId": {"type": ["string", "null"], "maxLength": 32, "description": "The W3C trace id, while tracing."}
                },
                "required": ["id", "occurredAt", "actor", "actorId", "actorRoles", "resource", "rowId", "action", "fields", "oldValues", "newValues", "requestId", "traceId"],
                "additionalProperties": false
        });
        if self.spec.tenancy.is_some() {
            entry["properties"][TENANT_KEY] = json!({"type": ["string", "null"], "format": "uuid", "description": "The tenant of the row, for a tenant's row; `null` for a row every tenant shares."});
            if let Some(required) = entry["required"].as_array_mut() {
                required.push(json!(TENANT_KEY));
            }
        }
        schemas.insert("AuditEntry".into(), entry);
        // A list item: the same keys, only those `fields` selects.
        let mut item = schemas["AuditEntry"].clone();
        if let Some(item) = item.as_object_mut() {
            item.remove("required");
            item.insert(
                "description".into(),
                json!(
                    "An entry of the audit trail. In a list, `fields` may select only some keys."
                ),
            );
        }
        schemas.insert("AuditEntry.Item".into(), item);
        schemas.insert("AuditEntry.List".into(), page_of("AuditEntry.Item"));
    }

    /// The admin's read `action` of the audit trail, on `base`.
    pub(super) fn audit_operation(
        &self,
        action: AuditAction,
        mut base: Map<String, Value>,
    ) -> Value {
        let tenancy = self.spec.tenancy.is_some();
        let who = match tenancy {
            true => {
                "The platform's admin reads every entry; a tenant's admin (the admin role in the membership its session acts in) only those of its tenant's rows, and gets 404 for another's."
            }
            false => "Admins only.",
        };
        let (description, answers) = match action {
            AuditAction::List => {
                let uuid = json!({"type": "string", "format": "uuid"});
                let instant = json!({"type": "string", "maxLength": 64, "anyOf": [{"format": "date-time"}, {"format": "date"}]});
                let query = |name: &str, schema: &Value, description: &str| json!({"name": name, "in": "query", "description": description, "schema": schema});
                // As a resource list's: spaces around a key are dropped (a `+` is one).
                let sort_key = " *[+-]?(occurredAt|id) *";
                let keys: Vec<&str> = AUDIT_KEYS
                    .into_iter()
                    .chain(tenancy.then_some(TENANT_KEY))
                    .collect();
                let field_key = format!(" *({}) *", keys.join("|"));
                let resources: Vec<&str> = (self.spec.resources.iter())
                    .filter(|r| r.audit)
                    .map(|r| r.names.snake.as_str())
                    .collect();
                let mut parameters = json!([
                    param_ref("Page"),
                    param_ref("Limit"),
                    param_ref("Cursor"),
                    query(
                        "resource",
                        &json!({"type": "string", "enum": resources}),
                        "Only the entries of this resource's rows."
                    ),
                    query(
                        "rowId",
                        &uuid,
                        "Only the entries of this row (with `resource`): its history."
                    ),
                    query("actorId", &uuid, "Only the writes of this account."),
                    query(
                        "occurredAfter",
                        &instant,
                        "Only entries at or after this instant (a date: its midnight, UTC)."
                    ),
                    query(
                        "occurredBefore",
                        &instant,
                        "Only entries before this instant."
                    ),
                    query(
                        "sort",
                        &json!({"type": "string", "maxLength": MAX_KEYS_TEXT, "pattern": format!("^{sort_key}(,{sort_key})*$")}),
                        "`-occurredAt` (the default: the newest first), `occurredAt`, or by `id` (the order they were written in), each optionally prefixed with `-` or `+`; the id breaks ties. With a filter, only the default."
                    ),
                    query(
                        "fields",
                        &json!({"type": "string", "maxLength": MAX_KEYS_TEXT, "pattern": format!("^{field_key}(,{field_key})*$")}),
                        "Comma-separated keys of an entry: each carries only those."
                    )
                ]);
                if let (true, Some(list)) = (tenancy, parameters.as_array_mut()) {
                    list.push(query(
                        TENANT_KEY,
                        &uuid,
                        "Only the entries of this tenant's rows.",
                    ));
                }
                base.insert("parameters".into(), parameters);
                (
                    format!(
                        "{who} The newest first. One filter at a time (`resource` with `rowId` count as one), each served by an index, with the time range; others, and unknown query parameters, get 400. There is no route that writes: entries are made by the writes they record, and only the retention prune (`AUDIT_RETENTION_DAYS`) removes them."
                    ),
                    vec![
                        (
                            "200",
                            ok_json("One page of entries.", "AuditEntry.List", &[]),
                        ),
                        ("400", error("BadRequest")),
                    ],
                )
            }
            AuditAction::Read => (
                who.to_owned(),
                vec![
                    ("200", ok_json("The entry.", "AuditEntry", &[])),
                    ("404", error("NotFound")),
                ],
            ),
        };
        base.insert("description".into(), json!(description));
        admin(base, answers)
    }
}

/// An admin-only operation: `base` with the bearer requirement and `answers`.
fn admin(mut base: Map<String, Value>, answers: Vec<(&str, Value)>) -> Value {
    base.insert("security".into(), json!([{"bearerAuth": []}]));
    base.insert("responses".into(), admin_responses(answers));
    Value::Object(base)
}

/// `page` of an admin list: as a resource list's, but these lists give out no cursors, so a
/// page past the window is a 400 naming `page` alone.
fn admin_page() -> Value {
    json!({
        "name": "page",
        "in": "query",
        "description": format!("The page number, from 1 (the newest rows first). {OFFSET_WINDOW} past them gets 400 naming `page`."),
        "schema": {"type": "integer", "format": "int64", "minimum": 1, "maximum": u32::MAX}
    })
}
