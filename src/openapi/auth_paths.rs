//! The jwt flow's operations (docs/contract.md, "Sign-in"), the account's roles, and their
//! bodies.

use serde_json::{Map, Value, json};

use super::builder::{Builder, Op};
use super::shared::*;
use crate::operations::AuthAction;
use crate::operations::Body;
use crate::spec::Registration;

/// The longest token the service hands out or mails (256 random bits in URL-safe base64
/// are 43 characters); a longer one names nothing, and is refused as any unknown token is.
const TOKEN_LENGTH: u32 = 64;
/// The most rows of one resource an export holds (`src/export.rs`, `MAX_ROWS`): an account
/// that owns more is answered 409.
pub const EXPORT_MAX_ROWS: u32 = 10_000;
/// The export document's format name and version (`src/export.rs`).
pub const EXPORT_FORMAT: &str = "backend-gen.export";
pub const EXPORT_VERSION: u32 = 1;
/// The largest integer every JSON reader holds exactly (2^53 - 1): the bound of a count.
const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// The longest password the policy takes (hashing cost); a longer one at login is a wrong
/// password.
const MAX_PASSWORD: u32 = 256;

/// The schema of `/auth/me`'s answer with tenants (`CurrentAccount` in `src/auth/handlers.rs`).
const CURRENT_ACCOUNT: &str = "CurrentAccount";

impl<'a> Builder<'a> {
    /// The bodies and answers of the jwt flow.
    pub(super) fn auth_schemas(&self, schemas: &mut Map<String, Value>) {
        let string = |max: u32, description: &str| json!({"type": "string", "minLength": 1, "maxLength": max, "description": description});
        schemas.insert(
            "Credentials".into(),
            json!({
                "type": "object",
                "properties": {
                    "email": text(254, "The account's email: an unknown one gets the same 401 as a wrong password."),
                    "password": {"type": "string", "maxLength": MAX_PASSWORD, "pattern": NO_NUL, "writeOnly": true}
                },
                "required": ["email", "password"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "RefreshRequest".into(),
            json!({
                "type": "object",
                "properties": {"refreshToken": text(TOKEN_LENGTH, "A refresh token from login or refresh. One that names no live session gets 401 at refresh, and ends nothing at logout.")},
                "required": ["refreshToken"],
                "additionalProperties": false
            }),
        );
        schemas.insert(
            "TokenPair".into(),
            json!({
                "type": "object",
                "properties": {
                    "accessToken": string(8192, "A JWT for `Authorization: Bearer`."),
                    "refreshToken": string(TOKEN_LENGTH, "Trade it at `/auth/refresh`; it works once."),
                    "tokenType": {"type": "string", "enum": ["Bearer"]},
                    "expiresIn": {"type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX, "description": "Seconds the access token lives."}
                },
                "required": ["accessToken", "refreshToken", "tokenType", "expiresIn"],
                "additionalProperties": false
            }),
        );
        if self.spec.auth.has_providers() {
            let names: Vec<&str> = self
                .spec
                .auth
                .providers
                .iter()
                .map(|p| p.kebab.as_str())
                .collect();
            schemas.insert(
                "SignInProvider".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "enum": names, "description": "The provider's name in `/auth/providers/{provider}/authorize`."},
                        "title": {"type": "string", "minLength": 1, "maxLength": 40, "description": "How to name it on a button."}
                    },
                    "required": ["name", "title"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "SignInProvider.List".into(),
                json!({
                    "type": "object",
                    "properties": {"data": {"type": "array", "maxItems": names.len(), "items": schema_ref("SignInProvider")}},
                    "required": ["data"],
                    "additionalProperties": false
                }),
            );
            let at = |description: &str| json!({"type": "string", "format": "date-time", "description": description});
            schemas.insert(
                "LinkedProvider".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "enum": names, "description": "The provider's name in `/auth/me/providers/{provider}`."},
                        "title": {"type": "string", "minLength": 1, "maxLength": 40, "description": "How to name it to people."},
                        "linkedAt": at("When it was linked: the first sign-in with it, or the link."),
                        "lastUsedAt": at("When the account last signed in with it.")
                    },
                    "required": ["name", "title", "linkedAt", "lastUsedAt"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "LinkedProvider.List".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "data": {"type": "array", "maxItems": names.len(), "items": schema_ref("LinkedProvider"), "description": "In the order they were linked."},
                        "passwordSet": {"type": "boolean", "description": "Whether the account has a password of its own: false for one a provider created, until the reset flow sets one. Without one, its last provider cannot be unlinked."}
                    },
                    "required": ["data", "passwordSet"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "ProviderLinkRequest".into(),
                json!({
                    "type": "object",
                    "properties": {"redirectTo": {"type": "string", "minLength": 1, "maxLength": 2048, "pattern": NO_NUL, "description": "The app's URL the browser comes back to, with `?code=` (or `?error=`): one of the service's `SIGN_IN_REDIRECT_URLS`."}},
                    "required": ["redirectTo"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "ProviderRedirect".into(),
                json!({
                    "type": "object",
                    "properties": {"url": {"type": "string", "format": "uri", "maxLength": 4096, "description": "The provider's page to send the browser to."}},
                    "required": ["url"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "SignInCode".into(),
                json!({
                    "type": "object",
                    "properties": {"code": text(TOKEN_LENGTH, "The one-time `code` of the app's URL after a sign-in with a provider.")},
                    "required": ["code"],
                    "additionalProperties": false
                }),
            );
        }
        schemas.insert(
            "Roles".into(),
            json!({
                "type": "object",
                "properties": {
                    "roles": {
                        "type": "array",
                        "maxItems": self.spec.auth.roles.len(),
                        "items": {"type": "string", "enum": self.spec.auth.roles}
                    }
                },
                "required": ["roles"],
                "additionalProperties": false
            }),
        );
        let token = text(TOKEN_LENGTH, "The token of a mailed link (`?token=`).");
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
                    "password": {"type": "string", "maxLength": MAX_PASSWORD, "pattern": NO_NUL, "writeOnly": true, "description": "The new password, under the same policy as at sign-up."}
                },
                "required": ["token", "password"],
                "additionalProperties": false
            }),
        );
        let secret = |description: &str| json!({"type": "string", "maxLength": MAX_PASSWORD, "pattern": NO_NUL, "writeOnly": true, "description": description});
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
                    "userAgent": {"type": ["string", "null"], "maxLength": 256, "description": "The client's `User-Agent` when it last signed in or refreshed (its first 256 characters)."},
                    "address": {"type": ["string", "null"], "maxLength": 45, "description": "The client's IP address then."},
                    "current": {"type": "boolean", "description": "Whether it is the session of the request that lists it."}
                },
                "required": ["id", "createdAt", "lastUsedAt", "expiresAt", "userAgent", "address", "current"],
                "additionalProperties": false
            }),
        );
        if let Some(export) = self.export_schema() {
            schemas.insert("Export".into(), export);
            schemas.insert(
                "PreparedExport".into(),
                json!({
                    "type": "object",
                    "description": "An export a job prepares: its document is fetched once, at `document`, before `expiresAt`.",
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "account": {"type": "string", "format": "uuid", "description": "Whose data it is: the caller's own, or the account an admin asked for."},
                        "status": {"type": "string", "enum": ["preparing", "ready", "failed"], "description": "`preparing` until the job is done; then `ready`, or `failed` (see `failure`)."},
                        "document": {"type": ["string", "null"], "maxLength": 512, "description": "Once ready: the path of the document, which answers it once (with the caller's token)."},
                        "failure": {"type": ["string", "null"], "maxLength": 512, "description": "Once failed: why."},
                        "createdAt": at("When it was asked for."),
                        "expiresAt": at("When it goes, fetched or not: an hour after it was asked for, or 15 minutes after it is ready.")
                    },
                    "required": ["id", "account", "status", "document", "failure", "createdAt", "expiresAt"],
                    "additionalProperties": false
                }),
            );
        }
        if let Some(erasure) = self.erasure_schema() {
            schemas.insert(
                "ErasureRequest".into(),
                json!({
                    "type": "object",
                    "properties": {"password": secret("The account's password, confirming the erasure: a wrong one is a 422 naming `password`.")},
                    "required": ["password"],
                    "additionalProperties": false
                }),
            );
            schemas.insert("Erasure".into(), erasure);
        }
        if self.ctx.uses.tenancy {
            self.current_account_schema(schemas);
            schemas.insert(
                "TenantMembership".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "tenantId": {"type": "string", "format": "uuid", "description": "The tenant's id: a row of its resource."},
                        "roles": {"type": "array", "maxItems": 64, "items": {"type": "string", "maxLength": 64}, "description": "The caller's roles in this tenant."},
                        "joinedAt": at("When the caller became a member."),
                        "current": {"type": "boolean", "description": "Whether the request's token acts in this tenant."}
                    },
                    "required": ["tenantId", "roles", "joinedAt", "current"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "InvitationRequest".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "email": {"type": "string", "format": "email", "maxLength": 254, "description": "The address to invite."},
                        "roles": {"type": "array", "maxItems": 64, "items": {"type": "string", "maxLength": 64}, "description": "The roles the invitee gets in the tenant."}
                    },
                    "required": ["email", "roles"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "TenantInvitation".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "email": {"type": "string", "maxLength": 254, "description": "The invited address."},
                        "roles": {"type": "array", "maxItems": 64, "items": {"type": "string", "maxLength": 64}, "description": "The roles it gives in the tenant."},
                        "createdAt": at("When it was made."),
                        "expiresAt": at("When its link stops working.")
                    },
                    "required": ["id", "email", "roles", "createdAt", "expiresAt"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "TenantInvitation.List".into(),
                json!({
                    "type": "object",
                    "properties": {"data": {
                        "type": "array",
                        "maxItems": 100,
                        "items": schema_ref("TenantInvitation"),
                        "description": "The pending invitations, the newest first: the 100 latest at most."
                    }},
                    "required": ["data"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "TenantMember".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "userId": {"type": "string", "format": "uuid", "description": "The member's account."},
                        "roles": {"type": "array", "maxItems": 64, "items": {"type": "string", "maxLength": 64}, "description": "Its roles in the tenant."},
                        "joinedAt": at("When it became a member.")
                    },
                    "required": ["userId", "roles", "joinedAt"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "TenantMember.List".into(),
                json!({
                    "type": "object",
                    "properties": {"data": {
                        "type": "array",
                        "maxItems": 100,
                        "items": schema_ref("TenantMember"),
                        "description": "The members, the earliest joined first: the first 100 at most."
                    }},
                    "required": ["data"],
                    "additionalProperties": false
                }),
            );
            schemas.insert(
                "TenantMembership.List".into(),
                json!({
                    "type": "object",
                    "properties": {"data": {
                        "type": "array",
                        "maxItems": 100,
                        "items": schema_ref("TenantMembership"),
                        "description": "The caller's memberships, the earliest joined first: the first 100 at most."
                    }},
                    "required": ["data"],
                    "additionalProperties": false
                }),
            );
        }
        schemas.insert(
            "Session.List".into(),
            json!({
                "type": "object",
                "properties": {"data": {
                    "type": "array",
                    "maxItems": 100,
                    "items": schema_ref("Session"),
                    "description": "The live sessions, the most recently used first: the 100 latest at most."
                }},
                "required": ["data"],
                "additionalProperties": false
            }),
        );
    }

    /// `/auth/me`'s answer with tenants: the account's schema with `membership`, the tenant
    /// the session acts in, which the other services of a split read.
    fn current_account_schema(&self, schemas: &mut Map<String, Value>) {
        let Some(account) = self.ctx.resources.iter().find(|r| r.account) else {
            return;
        };
        let Some(mut current) = schemas.get(&schema_name(account)).cloned() else {
            return;
        };
        current["properties"]["membership"] = json!({
            "description": "The tenant the session acts in and the caller's roles there; null while the account is a member of none.",
            "type": ["object", "null"],
            "properties": {
                "tenantId": {"type": "string", "format": "uuid", "description": "The tenant's id: a row of its resource."},
                "roles": {"type": "array", "maxItems": 64, "items": {"type": "string", "maxLength": 64}, "description": "The caller's roles in this tenant."}
            },
            "required": ["tenantId", "roles"],
            "additionalProperties": false
        });
        if let Some(required) = current["required"].as_array_mut() {
            required.push(json!("membership"));
        }
        schemas.insert(CURRENT_ACCOUNT.into(), current);
    }

    /// The document an account's export answers (`src/export.rs`), where the service has
    /// the accounts: also the project's `export.schema.json`, with its `$defs`.
    pub(super) fn export_schema(&self) -> Option<Value> {
        let export = self.ctx.export.as_ref()?;
        // A part (the accounts another service's) holds no account: that service's has it.
        let account = self.ctx.resources.iter().find(|r| r.account);
        if account.is_none() && export.accounts_here {
            return None;
        }
        let rows = |items: Value, description: String| json!({"type": "array", "maxItems": EXPORT_MAX_ROWS, "items": items, "description": description});
        let mut resources = Map::new();
        for exported in &export.resources {
            let Some(r) = self
                .ctx
                .resources
                .iter()
                .find(|r| r.names.snake == exported.names.snake)
            else {
                continue;
            };
            resources.insert(
                r.names.plural_camel.clone(),
                rows(
                    schema_ref(&schema_name(r)),
                    format!(
                        "Every {} the account owns, as its owner reads it, in the list's order.",
                        r.names.words
                    ),
                ),
            );
        }
        let uuid = json!({"type": "string", "format": "uuid"});
        let mut links = Map::new();
        for link in &export.links {
            // The account's rows are the declaring side's, or the target's when the link
            // points into the export from outside it.
            let (mine, others) = if link.incoming {
                (&link.target.plural_words, &link.resource.plural_words)
            } else {
                (&link.resource.plural_words, &link.target.plural_words)
            };
            let pair = json!({
                "type": "object",
                "properties": {link.from.as_str(): uuid, link.to.as_str(): uuid},
                "required": [link.from, link.to],
                "additionalProperties": false
            });
            links.insert(
                link.key.clone(),
                rows(
                    pair,
                    if link.of_account {
                        format!("The {others} linked to the account.")
                    } else {
                        format!("The {others} linked to each of the account's {mine}.")
                    },
                ),
            );
        }
        let object = |properties: Map<String, Value>| {
            let required: Vec<&String> = properties.keys().collect();
            json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
        };
        let mut properties = Map::new();
        properties.insert(
            "format".into(),
            json!({"type": "string", "enum": [EXPORT_FORMAT]}),
        );
        properties.insert("version".into(), json!({"type": "integer", "format": "int32", "minimum": EXPORT_VERSION, "maximum": EXPORT_VERSION, "enum": [EXPORT_VERSION]}));
        properties.insert("service".into(), json!({"type": "string", "enum": [self.ctx.crate_name], "description": "The service that holds these rows."}));
        properties.insert(
            "exportedAt".into(),
            json!({"type": "string", "format": "date-time"}),
        );
        properties.insert("resources".into(), object(resources));
        properties.insert("links".into(), object(links));
        let mut required = vec![
            "format",
            "version",
            "service",
            "exportedAt",
            "resources",
            "links",
        ];
        let description = match account {
            Some(account) => {
                properties.insert("account".into(), schema_ref(&schema_name(account)));
                required.insert(4, "account");
                format!(
                    "Everything the service holds of one account (data portability): the account, every row it owns directly or through parents with the fields its owner may read, and their many-to-many links. Format `{EXPORT_FORMAT}`, version {EXPORT_VERSION}: a new version only adds keys; one that changes or removes a key gets a new number."
                )
            }
            None => format!(
                "This service's part of an account's data (data portability): every row the account owns here, directly or through parents, with the fields its owner may read, and their many-to-many links. The account itself is in the accounts service's part; a split's gateway answers the parts as one document. Format `{EXPORT_FORMAT}`, version {EXPORT_VERSION}: a new version only adds keys; one that changes or removes a key gets a new number."
            ),
        };
        Some(json!({
            "type": "object",
            "description": description,
            "properties": properties,
            "required": required,
            "additionalProperties": false
        }))
    }

    /// What an erasure answers (`src/erase.rs`), where the service has the accounts: how many
    /// rows of each resource it deleted and cleared.
    fn erasure_schema(&self) -> Option<Value> {
        let erasure = self
            .ctx
            .erasure
            .as_ref()
            .filter(|e| e.heard_from.is_none())?;
        let count = |description: String| json!({"type": "integer", "format": "int64", "minimum": 0, "maximum": MAX_SAFE_INTEGER, "description": description});
        let counts = |anonymize: bool, verb: &str| {
            let mut properties = Map::new();
            for step in erasure.steps.iter().filter(|s| s.anonymize == anonymize) {
                properties.insert(
                    step.names.plural_camel.clone(),
                    count(format!(
                        "The account's {} {verb} now.",
                        step.names.plural_words
                    )),
                );
            }
            let required: Vec<&String> = properties.keys().collect();
            json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
        };
        Some(json!({
            "type": "object",
            "description": "What an erasure did: the account is a tombstone now (its email replaced, its password, roles, sessions and personal fields gone), and of each resource it owned, the rows deleted and the rows whose personal fields were cleared (`on_erase` in the spec; rows kept as they are are not counted). Erasing an erased account does nothing more: every count is 0.",
            "properties": {
                "account": {"type": "string", "format": "uuid", "description": "The erased account's id, which rows kept still name."},
                "deleted": counts(false, "deleted"),
                "anonymized": counts(true, "cleared of personal data")
            },
            "required": ["account", "deleted", "anonymized"],
            "additionalProperties": false
        }))
    }

    /// The jwt flow's operation `action` (`src/auth/handlers.rs`), on `base` (id, summary,
    /// tag).
    pub(super) fn auth_operation(&self, action: AuthAction, mut base: Map<String, Value>) -> Value {
        if action == AuthAction::Export {
            return export_mine_operation(base);
        }
        let Some(account) = self.ctx.resources.iter().find(|r| r.account) else {
            return Value::Object(base);
        };
        let user = schema_name(account);
        let pair = || ok_json("A new token pair.", "TokenPair", &[]);
        // A route anyone may call with a body: its answers and the body's.
        let open = |base: &mut Map<String, Value>, body: &str, mut list: Vec<(&str, Value)>| {
            list.extend(body_errors());
            base.insert("security".into(), json!([]));
            base.insert("requestBody".into(), body_ref(body));
            base.insert("responses".into(), responses(list));
        };
        // A mailed link's route: the same answer whether or not an account has the email.
        let mailed = |base: &mut Map<String, Value>,
                      body: &str,
                      description: &str,
                      answer,
                      invalid: bool| {
            let mut list = vec![answer];
            if invalid {
                list.push(("400", error("BadRequest")));
            }
            base.insert("description".into(), json!(description));
            open(base, body, list);
        };
        if action.with_provider() {
            self.provider_operation(action, &mut base);
            return Value::Object(base);
        }
        match action {
            AuthAction::Register => {
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
                open(&mut base, &body, answers);
                base.insert("description".into(), json!(if quiet {
                    "Anyone may open an account; it gets the default role, and its address a verification link. The answer is the same for a taken email (no account enumeration)."
                } else {
                    "Anyone may open an account; it gets the default role, and its address a verification link."
                }));
                self.note(&mut base, account, Op::Write(Body::Register));
            }
            AuthAction::Login => {
                let list = if self.spec.auth.require_verified_email {
                    vec![
                        ("200", pair()),
                        ("401", error("Unauthorized")),
                        ("403", error("Forbidden")),
                    ]
                } else {
                    vec![("200", pair()), ("401", error("Unauthorized"))]
                };
                open(&mut base, "Credentials", list);
                let verified = if self.spec.auth.require_verified_email {
                    " An account whose email is not verified yet gets 403."
                } else {
                    ""
                };
                base.insert("description".into(), json!(format!(
                    "Anyone may sign in: the right email and password start a session and answer an access token and a refresh token. A wrong email and a wrong password get the same 401, and attempts are limited per address (the stricter login budget) and per account.{verified}"
                )));
            }
            AuthAction::Refresh => {
                open(
                    &mut base,
                    "RefreshRequest",
                    vec![("200", pair()), ("401", error("Unauthorized"))],
                );
                base.insert("description".into(), json!(
                    "Trades a refresh token for a new pair: the token works once, and a token used twice ends its session (a stolen copy is caught when either party uses it again)."
                ));
            }
            AuthAction::Logout => {
                open(
                    &mut base,
                    "RefreshRequest",
                    vec![("204", no_content("The session is over."))],
                );
                base.insert("description".into(), json!(
                    "Ends the refresh token's session: its refresh tokens stop working, and so do its access tokens on their next request. Answers 204 for any token, so it tells nothing of which tokens exist."
                ));
            }
            AuthAction::Me => {
                let me = if self.ctx.uses.tenancy {
                    CURRENT_ACCOUNT
                } else {
                    user.as_str()
                };
                base.insert("description".into(), json!(
                    "Any signed-in caller: their own account, with the fields its owner may read."
                ));
                base.insert("security".into(), json!([{"bearerAuth": []}]));
                base.insert(
                    "responses".into(),
                    responses(vec![
                        ("200", ok_json("The signed-in account.", me, &[])),
                        ("401", error("Unauthorized")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ]),
                );
                self.note(&mut base, account, Op::Read);
            }
            AuthAction::Verify => mailed(
                &mut base,
                "TokenRequest",
                "Verifies the email a verification link was mailed to, if it is still the account's. A used, expired or unknown token is a 400 naming `token`.",
                ("204", no_content("The email is verified.")),
                true,
            ),
            AuthAction::ResendVerification => mailed(
                &mut base,
                "EmailRequest",
                "Mails a new verification link if an account has the address and has not verified it. The answer is the same either way; each address asked about has its own hourly budget.",
                (
                    "202",
                    no_content("Accepted, whether or not an account has the address."),
                ),
                false,
            ),
            AuthAction::Forgot => mailed(
                &mut base,
                "EmailRequest",
                "Mails a single-use password reset link if an account has the address. The answer is the same either way; each address asked about has its own hourly budget.",
                (
                    "202",
                    no_content("Accepted, whether or not an account has the address."),
                ),
                false,
            ),
            AuthAction::Reset => mailed(
                &mut base,
                "ResetRequest",
                "Sets a new password with a reset token, which then stops working with the account's other reset tokens; every session of the account ends. A used, expired or unknown token is a 400 naming `token`; a weak password a 422.",
                (
                    "204",
                    no_content("The password is set; every session ended."),
                ),
                true,
            ),
            AuthAction::ListSessions => signed_in(
                &mut base,
                "The caller's live sessions (one per sign-in), the most recently used first.",
                vec![("200", ok_json("The sessions.", "Session.List", &[]))],
            ),
            AuthAction::EndSession => signed_in(
                &mut base,
                "Ends one of the caller's sessions (its own too): its refresh token and its access tokens stop working at once. Another account's session, or one that is over, is a 404.",
                vec![
                    ("204", no_content("The session is over.")),
                    ("400", error("BadRequest")),
                    ("404", error("NotFound")),
                ],
            ),
            // Answered above, with or without the accounts here, or by `provider_operation`.
            AuthAction::Export
            | AuthAction::ExportAccount
            | AuthAction::Providers
            | AuthAction::Authorize
            | AuthAction::Callback
            | AuthAction::Exchange
            | AuthAction::MyProviders
            | AuthAction::LinkProvider
            | AuthAction::ConfirmLink
            | AuthAction::UnlinkProvider => {}
            AuthAction::PrepareExport => signed_in(
                &mut base,
                "Any signed-in caller: asks a job to prepare their export (`Export`, as `/auth/me/export` answers it), for an account past that route's bound or a client that would rather not wait. The answer points at the prepared export (`Location`), which says when the document is ready and where it is; asking again while one is preparing or ready answers that one.",
                vec![(
                    "202",
                    ok_json(
                        "Accepted: the job prepares it.",
                        "PreparedExport",
                        &["Location"],
                    ),
                )],
            ),
            AuthAction::ExportStatus => signed_in(
                &mut base,
                "The caller's prepared export: `preparing`, then `ready` with its document's path, or `failed`. Another account's, one already fetched or expired is a 404.",
                vec![
                    (
                        "200",
                        ok_json("The prepared export.", "PreparedExport", &[]),
                    ),
                    ("400", error("BadRequest")),
                    ("404", error("NotFound")),
                ],
            ),
            AuthAction::ExportDocument => signed_in(
                &mut base,
                "The caller's prepared export's document, once: it is deleted as it is answered. Before it is ready (or when it failed) a 409; another account's, one already fetched or expired a 404.",
                vec![
                    ("200", ok_json("The account's data.", "Export", &[])),
                    ("400", error("BadRequest")),
                    ("404", error("NotFound")),
                    ("409", error("Conflict")),
                ],
            ),
            AuthAction::LogoutAll => signed_in(
                &mut base,
                "Ends every session of the caller's, its own included.",
                vec![("204", no_content("Every session is over."))],
            ),
            AuthAction::Tenants => signed_in(
                &mut base,
                "The tenants the caller is a member of, with its roles in each, the earliest joined first; `current` is the one the caller's token acts in. Creating a tenant makes its creator a member, with the admin role.",
                vec![(
                    "200",
                    ok_json("The memberships.", "TenantMembership.List", &[]),
                )],
            ),
            AuthAction::SwitchTenant => signed_in(
                &mut base,
                "A new token pair whose session acts in another of the caller's tenants (the access token's `tid`, its roles there `tenantRoles`). The caller's other sessions keep their own tenant. A tenant the caller is not a member of is a 404.",
                vec![
                    ("200", pair()),
                    ("400", error("BadRequest")),
                    ("404", error("NotFound")),
                ],
            ),
            AuthAction::TenantMembers => signed_in(
                &mut base,
                "The tenant's members with their roles there, the earliest joined first: for its admins (the admin role in the tenant), acting in it. A tenant the caller's token does not act in is a 404; a member without the admin role gets 403.",
                vec![
                    ("200", ok_json("The members.", "TenantMember.List", &[])),
                    ("400", error("BadRequest")),
                    ("403", error("Forbidden")),
                    ("404", error("NotFound")),
                ],
            ),
            AuthAction::TenantMember => signed_in(
                &mut base,
                "One member of the tenant with its roles there: for its members, acting in it. Other services that take these accounts ask it to check that an owner named in a body is a member of the row's tenant. An account that is not a member, or a tenant the caller's token does not act in, is a 404; the list of members stays its admins'.",
                vec![
                    ("200", ok_json("The member.", "TenantMember", &[])),
                    ("400", error("BadRequest")),
                    ("404", error("NotFound")),
                ],
            ),
            AuthAction::SetMemberRoles => signed_in_with_body(
                &mut base,
                "Replaces a member's roles in the tenant: for its admins, acting in it. Its sessions there read the new roles on their next request. The tenant's last admin may not lose the admin role (409). An account that is not a member, or a tenant the caller's token does not act in, is a 404.",
                "Roles",
                vec![
                    (
                        "200",
                        ok_json("The member with its new roles.", "TenantMember", &[]),
                    ),
                    ("403", error("Forbidden")),
                    ("404", error("NotFound")),
                    ("409", error("Conflict")),
                ],
            ),
            AuthAction::Invite => signed_in_with_body(
                &mut base,
                "Invites an email to the tenant with roles there: for its admins, acting in it, and for the platform's admin (the account's own admin role) in any tenant, the way back in to a tenant without an admin. A job mails the address a link (`{APP_URL}/accept-invitation?token=…`) that works once, for 7 days; the account with that email accepts it (`POST /auth/invitations/accept`), registering first if it has none. The answer is the invitation, never its token.",
                "InvitationRequest",
                vec![
                    (
                        "202",
                        ok_json(
                            "The invitation; its mail is on its way.",
                            "TenantInvitation",
                            &[],
                        ),
                    ),
                    ("403", error("Forbidden")),
                    ("404", error("NotFound")),
                ],
            ),
            AuthAction::Invitations => signed_in(
                &mut base,
                "The tenant's pending invitations, the newest first: for its admins, acting in it, and the platform's admin.",
                vec![
                    (
                        "200",
                        ok_json("The pending invitations.", "TenantInvitation.List", &[]),
                    ),
                    ("400", error("BadRequest")),
                    ("403", error("Forbidden")),
                    ("404", error("NotFound")),
                ],
            ),
            AuthAction::RevokeInvitation => signed_in(
                &mut base,
                "Revokes a pending invitation: its link stops working. For the tenant's admins, acting in it, and the platform's admin; one that was accepted, revoked or has expired is a 404.",
                vec![
                    ("204", no_content("The invitation is revoked.")),
                    ("400", error("BadRequest")),
                    ("403", error("Forbidden")),
                    ("404", error("NotFound")),
                ],
            ),
            AuthAction::AcceptInvitation => signed_in_with_body(
                &mut base,
                "Accepts an invitation with the token of its mailed link: the signed-in account, whose email must be the invited one (403 otherwise), becomes a member of the tenant with the invitation's roles (a member already keeps its membership). A used, revoked, expired or unknown token is a 400 naming `token`. The caller switches to the tenant to act in it.",
                "TokenRequest",
                vec![
                    ("200", ok_json("The membership.", "TenantMembership", &[])),
                    ("403", error("Forbidden")),
                ],
            ),
            AuthAction::RemoveMember => signed_in(
                &mut base,
                "Removes a member from the tenant: its admins remove anyone, a member itself leaves, each acting in the tenant. The member's sessions acting there end at once (their next request is a 401). The tenant's last admin may not leave (409).",
                vec![
                    ("204", no_content("The account is no longer a member.")),
                    ("400", error("BadRequest")),
                    ("403", error("Forbidden")),
                    ("404", error("NotFound")),
                    ("409", error("Conflict")),
                ],
            ),
            AuthAction::Erase => {
                let mut list = vec![
                    ("200", ok_json("The account is erased.", "Erasure", &[])),
                    ("409", error("Conflict")),
                ];
                list.extend(body_errors());
                signed_in(
                    &mut base,
                    "Erases the caller's account, given its password (right to erasure): every row it owns is deleted, or kept with its personal fields cleared, or kept, as each resource's `on_erase` says; its sessions end at once; its personal values leave the events kept. The account's row stays as a tombstone, so that rows kept still name it. A row another account's rows still refer to is a 409, and nothing is erased.",
                    list,
                );
                base.insert("requestBody".into(), body_ref("ErasureRequest"));
            }
            AuthAction::ChangePassword => {
                let mut list = vec![(
                    "204",
                    no_content("The password is changed; every other session ended."),
                )];
                list.extend(body_errors());
                signed_in(
                    &mut base,
                    "Sets a new password, given the current one; every other session of the account ends, and its owner is told by mail.",
                    list,
                );
                base.insert("requestBody".into(), body_ref("PasswordChange"));
            }
        }
        Value::Object(base)
    }

    /// Signing in with an identity provider (`src/auth/sign_in.rs`): `action` on `base`.
    fn provider_operation(&self, action: AuthAction, base: &mut Map<String, Value>) {
        let query = |name: &str, required: bool, max: u32, description: &str| {
            json!({"name": name, "in": "query", "required": required, "description": description,
                   "schema": {"type": "string", "minLength": 1, "maxLength": max, "pattern": NO_NUL}})
        };
        let mut cookie_headers = headers(&["Location"]);
        cookie_headers["Set-Cookie"] = json!({
            "description": "`sign_in_browser`, HttpOnly and SameSite=Lax on `/auth/providers`: it binds the sign-in to this browser (`authorize` sets it, `callback` clears it).",
            "schema": {"type": "string", "maxLength": 256}
        });
        let redirect = json!({
            "description": "To the provider (`authorize`) or back to the app (`callback`), in `Location`.",
            "headers": cookie_headers
        });
        base.insert("security".into(), json!([]));
        match action {
            AuthAction::Providers => {
                base.insert("description".into(), json!(
                    "Anyone: the identity providers one may sign in with, in the spec's order, for a sign-in page's buttons. A provider whose client id this deployment lacks is not listed."
                ));
                base.insert(
                    "responses".into(),
                    responses(vec![(
                        "200",
                        ok_json("The providers.", "SignInProvider.List", &[]),
                    )]),
                );
            }
            AuthAction::Authorize => {
                base.insert("description".into(), json!(
                    "Anyone, by navigating a browser here: starts the authorization code flow with PKCE, `state` and `nonce`, sets a cookie that binds the sign-in to this browser, and redirects to the provider. `redirect_to` is where the app wants the browser back: it must be one of the service's `SIGN_IN_REDIRECT_URLS`, exactly (else 400 naming it). An unknown provider, or one this deployment has no client id for, is a 404; a provider that cannot be reached a 503."
                ));
                base.insert(
                    "parameters".into(),
                    json!([query(
                        "redirect_to",
                        true,
                        2048,
                        "The app's URL the browser comes back to, with `?code=` (or `?error=`)."
                    ),]),
                );
                base.insert(
                    "responses".into(),
                    responses(vec![
                        ("303", redirect),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ]),
                );
            }
            AuthAction::Callback => {
                base.insert("description".into(), json!(
                    "The provider redirects the browser here. With a `state` this service issued (once, for this provider, within ten minutes, to this browser: its `authorize` cookie), the browser goes on to the app's `redirect_to` with a one-time `code` (60 seconds) for `POST /auth/providers/exchange` (a link's, for `POST /auth/me/providers/confirm`), never with tokens; or with `error` (`access_denied`, `invalid_token`, `account_conflict`, `invalid_profile`, `temporarily_unavailable`) when the provider refused, its ID token failed a check, or the account cannot be made. A missing, unknown, used or expired `state`, or one another browser started, is a 400; a provider this deployment has no client id for a 404."
                ));
                base.insert(
                    "parameters".into(),
                    json!([
                        query(
                            "state",
                            true,
                            64,
                            "The `state` the sign-in started with (the provider sends it back with a code and with an error alike)."
                        ),
                        query("code", false, 2048, "The provider's authorization code."),
                        query(
                            "error",
                            false,
                            256,
                            "The provider's error, when it refused."
                        ),
                        query(
                            "error_description",
                            false,
                            2048,
                            "The provider's words for it."
                        ),
                        query(
                            "iss",
                            false,
                            512,
                            "The provider's issuer (RFC 9207); checked when sent."
                        ),
                    ]),
                );
                base.insert(
                    "responses".into(),
                    responses(vec![
                        ("303", redirect),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                    ]),
                );
            }
            AuthAction::MyProviders => signed_in(
                base,
                "Any signed-in caller: the providers linked to their account, and whether it has a password of its own.",
                vec![(
                    "200",
                    ok_json("The linked providers.", "LinkedProvider.List", &[]),
                )],
            ),
            AuthAction::LinkProvider => signed_in_with_body(
                base,
                "Any signed-in caller: starts linking a provider to their account. The answer is the provider's page to send the browser to; the provider sends it back through the callback to `redirectTo` with a one-time `code` (or `error`), which the same account confirms at `POST /auth/me/providers/confirm`. A provider this deployment has no client id for is a 404; one that cannot be reached a 503.",
                "ProviderLinkRequest",
                vec![
                    (
                        "200",
                        ok_json("Where to send the browser.", "ProviderRedirect", &[]),
                    ),
                    ("404", error("NotFound")),
                ],
            ),
            AuthAction::ConfirmLink => signed_in_with_body(
                base,
                "The signed-in account that started a link: the one-time `code` its callback left in the app's URL (60 seconds, once) links the provider's identity to the account. A code of another account's link, or none, is a 400 naming `code`; an identity already linked to another account, or a second identity at a provider the account has one at, a 409.",
                "SignInCode",
                vec![
                    (
                        "200",
                        ok_json("The linked providers.", "LinkedProvider.List", &[]),
                    ),
                    ("409", error("Conflict")),
                ],
            ),
            AuthAction::UnlinkProvider => {
                signed_in(
                    base,
                    "Any signed-in caller: unlinks a provider from their account, unless it is the last way to sign in (no other provider and no password of its own: a 409; the reset flow sets a password). A provider not linked is a 404.",
                    vec![
                        ("204", no_content("Unlinked.")),
                        ("404", error("NotFound")),
                        ("409", error("Conflict")),
                    ],
                );
            }
            _ => {
                let mut list = vec![
                    ("200", ok_json("A new token pair.", "TokenPair", &[])),
                    ("401", error("Unauthorized")),
                ];
                if self.spec.auth.require_verified_email {
                    list.push(("403", error("Forbidden")));
                }
                list.extend(body_errors());
                base.insert("description".into(), json!(
                    "Anyone: trades the one-time code a sign-in with a provider left in the app's URL for a token pair, as a password login answers. A code works once and for 60 seconds; any other is a 401."
                ));
                base.insert("requestBody".into(), body_ref("SignInCode"));
                base.insert("responses".into(), responses(list));
            }
        }
    }

    /// An admin's export of an account's data (`GET .../{id}/export`), on `base`.
    pub(super) fn export_account_operation(&self, base: Map<String, Value>) -> Value {
        admin_account_operation(
            base,
            &format!(
                "Admins only: everything the service holds of the account, as the account's own export has it (the fields its owner may read). More than {EXPORT_MAX_ROWS} rows of one resource is a 409."
            ),
            ("200", ok_json("The account's data.", "Export", &[])),
        )
    }

    /// An admin's export of an account prepared by a job (`POST .../{id}/exports`), on `base`.
    pub(super) fn prepare_account_export_operation(&self, base: Map<String, Value>) -> Value {
        admin_account_operation(
            base,
            "Admins only: asks a job to prepare the account's export (as its own export has it), for an account past the bound of `GET .../{id}/export`. The answer points at the prepared export (`Location`), which only the admin who asked reads and fetches, once, at `/auth/exports/{id}`; asking again while one waits answers that one.",
            (
                "202",
                ok_json(
                    "Accepted: the job prepares it.",
                    "PreparedExport",
                    &["Location"],
                ),
            ),
        )
    }

    /// An admin's erasure of an account (`POST .../{id}/erase`), on `base`.
    pub(super) fn erase_account_operation(&self, base: Map<String, Value>) -> Value {
        admin_account_operation(
            base,
            "Admins only: erases the account as its own erasure does, without its password. An admin erases their own account at `/auth/me/erase` (409 here). Erasing an erased account is a 200 with nothing more done.",
            ("200", ok_json("The account is erased.", "Erasure", &[])),
        )
    }

    /// An admin's change of an account's roles (`PUT .../{id}/roles`), on `base`.
    pub(super) fn roles_operation(&self, mut base: Map<String, Value>) -> Value {
        let user = self
            .ctx
            .resources
            .iter()
            .find(|r| r.account)
            .map(schema_name)
            .unwrap_or_default();
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
        base.insert(
            "description".into(),
            json!(
                "Admins only. An admin may not drop their own admin role (403): another admin may."
            ),
        );
        base.insert("security".into(), json!([{"bearerAuth": []}]));
        base.insert("requestBody".into(), body_ref("Roles"));
        base.insert("responses".into(), responses(list));
        Value::Object(base)
    }
}

/// An admin's operation on one account (`.../{id}/export`, `.../{id}/erase`), on `base`: its
/// description, its 200, and the refusals every such route has (409: too many rows to
/// export, or an admin's own account to erase, or a row still referred to).
/// A signed-in route's `description`, security and answers: `list`, and those of a bad
/// token or the server.
/// A signed-in caller's operation with a JSON body (`schema`): its answers and the body's.
fn signed_in_with_body(
    base: &mut Map<String, Value>,
    description: &str,
    schema: &str,
    mut list: Vec<(&str, Value)>,
) {
    list.extend(body_errors());
    signed_in(base, description, list);
    base.insert("requestBody".into(), body_ref(schema));
}

fn signed_in(base: &mut Map<String, Value>, description: &str, mut list: Vec<(&str, Value)>) {
    list.extend([
        ("401", error("Unauthorized")),
        ("500", error("InternalError")),
        ("503", error("ServiceUnavailable")),
    ]);
    base.insert("description".into(), json!(description));
    base.insert("security".into(), json!([{"bearerAuth": []}]));
    base.insert("responses".into(), responses(list));
}

/// The caller's own export (`GET /auth/me/export`), on `base`: the whole of it where the
/// accounts are here, the service's part where they are another service's.
fn export_mine_operation(mut base: Map<String, Value>) -> Value {
    signed_in(
        &mut base,
        &format!(
            "Any signed-in caller: everything the service holds of their account, as one document (`Export`, also the project's `export.schema.json`). An account that owns more than {EXPORT_MAX_ROWS} rows of one resource gets 409; where the accounts are this service's, it then asks a job to prepare it (`POST /auth/me/exports`)."
        ),
        vec![
            ("200", ok_json("The account's data.", "Export", &[])),
            ("409", error("Conflict")),
        ],
    );
    Value::Object(base)
}

fn admin_account_operation(
    mut base: Map<String, Value>,
    description: &str,
    (status, ok): (&str, Value),
) -> Value {
    base.insert("description".into(), json!(description));
    base.insert("security".into(), json!([{"bearerAuth": []}]));
    base.insert(
        "responses".into(),
        responses(vec![
            (status, ok),
            ("401", error("Unauthorized")),
            ("403", error("Forbidden")),
            ("404", error("NotFound")),
            ("409", error("Conflict")),
            ("500", error("InternalError")),
            ("503", error("ServiceUnavailable")),
        ]),
    );
    Value::Object(base)
}
