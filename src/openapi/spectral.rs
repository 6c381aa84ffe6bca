//! `.spectral.yaml`: the project's OpenAPI document linted as a security reviewer lints it,
//! with Spectral's OpenAPI rules and the OWASP API Security Top 10 2023 ruleset. A rule that
//! is wrong for a generated service is turned off only for the operations it is wrong for,
//! each with its reason; one rule is off for the whole document, with the reason it can
//! never apply (`docs/decisions/the-api-document-under-review.md`).

use std::fmt::Write as _;

use serde_json::Value;

use crate::context::ServiceContext;
use crate::operations::{AuditAction, AuthAction, JobAction, Kind, Operation, WebhookAction};

/// The project file.
pub const FILE: &str = ".spectral.yaml";

pub use crate::ci_actions::{SPECTRAL_INSTALL as INSTALL, SPECTRAL_LINT as LINT};

const READ_RESTRICTED: &str = "owasp:api2:2023-read-restricted";
const WRITE_RESTRICTED: &str = "owasp:api2:2023-write-restricted";
const RATE_LIMIT: &str = "owasp:api4:2023-rate-limit";
const RATE_LIMIT_429: &str = "owasp:api4:2023-rate-limit-responses-429";
const ERROR_401: &str = "owasp:api8:2023-define-error-responses-401";
const ERROR_500: &str = "owasp:api8:2023-define-error-responses-500";
const VALIDATION: &str = "owasp:api8:2023-define-error-validation";
const STRING_LIMIT: &str = "owasp:api4:2023-string-limit";
const CREDENTIALS_IN_URL: &str = "owasp:api2:2023-no-credentials-in-url";
const NUMERIC_IDS: &str = "owasp:api1:2023-no-numeric-ids";

/// Why each probe rule is off for the health checks.
const HEALTH: &[(&str, &str)] = &[
    (
        READ_RESTRICTED,
        "a probe is public: orchestrators and load balancers call it without credentials",
    ),
    (
        RATE_LIMIT,
        "health is never rate limited (docs/contract.md)",
    ),
    (
        RATE_LIMIT_429,
        "health is never rate limited (docs/contract.md)",
    ),
    (ERROR_401, "it reads no token"),
    (
        ERROR_500,
        "it answers 200, or 503 when the database is down",
    ),
    (VALIDATION, "it takes no input"),
];

/// The rules that are off for one operation, each with its reason.
fn exceptions(kind: &Kind) -> Vec<(&'static str, &'static str)> {
    const NO_TOKEN: (&str, &str) = (ERROR_401, "a public route: it reads no token");
    const PUBLIC_WRITE: (&str, &str) = (
        WRITE_RESTRICTED,
        "it signs in, or opens or recovers an account: its caller has no token yet",
    );
    const ONLY_AN_ID: (&str, &str) = (
        VALIDATION,
        "it takes no body and no query: a malformed id names no row (404)",
    );
    match kind {
        Kind::Health(_) => HEALTH.to_vec(),
        Kind::Document => vec![
            (READ_RESTRICTED, "the API's description is public"),
            (ERROR_401, "it reads no token"),
            (ERROR_500, "it is a constant in the binary"),
            (VALIDATION, "it takes no input"),
        ],
        Kind::Metrics => vec![
            (
                ERROR_500,
                "it renders figures held in memory: a failed read of a backlog is logged, not answered",
            ),
            (VALIDATION, "it takes no input but its token (401)"),
            (
                STRING_LIMIT,
                "a Prometheus exposition grows with the routes and series, not with any input",
            ),
        ],
        Kind::Auth(AuthAction::Login | AuthAction::Refresh | AuthAction::Exchange) => {
            vec![PUBLIC_WRITE]
        }
        Kind::Auth(AuthAction::Providers) => vec![
            (
                READ_RESTRICTED,
                "a sign-in page's buttons: its caller has no token yet",
            ),
            NO_TOKEN,
            (
                ERROR_500,
                "it answers the deployment's configuration, held in memory",
            ),
            (VALIDATION, "it takes no input"),
        ],
        Kind::Auth(AuthAction::Authorize | AuthAction::Callback) => vec![
            (
                READ_RESTRICTED,
                "a browser's sign-in with a provider: its caller has no token yet",
            ),
            NO_TOKEN,
        ],
        Kind::Auth(AuthAction::UnlinkProvider) => vec![(
            VALIDATION,
            "it takes no body and no query: the path names the provider (404 for one not linked)",
        )],
        Kind::Auth(
            AuthAction::Register
            | AuthAction::Logout
            | AuthAction::Verify
            | AuthAction::ResendVerification
            | AuthAction::Forgot
            | AuthAction::Reset,
        ) => vec![PUBLIC_WRITE, NO_TOKEN],
        Kind::Auth(
            AuthAction::Me
            | AuthAction::MyProviders
            | AuthAction::ListSessions
            | AuthAction::LogoutAll
            | AuthAction::Export
            | AuthAction::PrepareExport
            | AuthAction::Tenants,
        ) => {
            vec![(VALIDATION, "it takes no input but the caller's token")]
        }
        Kind::Jobs(JobAction::Read)
        | Kind::ReadChild { .. }
        | Kind::Audit(AuditAction::Read)
        | Kind::Webhooks(WebhookAction::Read | WebhookAction::Delete)
        | Kind::Link { .. }
        | Kind::Unlink { .. }
        | Kind::ExportAccount { .. }
        | Kind::PrepareAccountExport { .. }
        | Kind::EraseAccount { .. }
        | Kind::Auth(
            AuthAction::ExportStatus
            | AuthAction::ExportDocument
            | AuthAction::ExportAccount
            | AuthAction::SwitchTenant
            | AuthAction::TenantMembers
            | AuthAction::TenantMember
            | AuthAction::RemoveMember
            | AuthAction::Invitations
            | AuthAction::RevokeInvitation,
        ) => vec![ONLY_AN_ID],
        _ => Vec::new(),
    }
}

/// An operation's JSON pointer in the document, as Spectral's overrides name it: `/` and
/// `~` escaped (RFC 6901), braces percent-encoded.
fn pointer(op: &Operation) -> String {
    let path = op
        .path
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D");
    format!("{}#/paths/{path}/{}", super::FILE, op.method.lowercase())
}

/// What the OWASP ruleset takes for a credential in a query parameter's name
/// (`owasp:api2:2023-no-credentials-in-url`), lowercased.
const CREDENTIAL_WORDS: [&str; 4] = ["secret", "token", "password", "apikey"];

/// The query parameters of `op` in `document` that `named` picks.
fn query_parameters(
    document: &Value,
    op: &Operation,
    named: impl Fn(&str, &Value) -> bool,
) -> Vec<String> {
    let parameters = &document["paths"][&op.path][op.method.lowercase()]["parameters"];
    parameters
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| Some((p["name"].as_str()?, &p["schema"])))
        .filter(|(name, schema)| named(name, schema))
        .map(|(name, _)| format!("`{name}`"))
        .collect()
}

/// The rules the spec's own field names trip on `op`: a filter by a field named like a
/// credential (`secret`), or like an id and holding a number (`legacy_id`). Their values
/// are the rows' data, and the rows' own ids are UUIDs.
fn field_name_exceptions(document: &Value, op: &Operation) -> Vec<(&'static str, String)> {
    let credential = query_parameters(document, op, |name, _| {
        let plain = name.to_lowercase().replace(['_', '-'], "");
        CREDENTIAL_WORDS.iter().any(|word| plain.contains(word))
    });
    let numeric_id = query_parameters(document, op, |name, schema| {
        let id_like = ["_id", "Id", "-id"].iter().any(|end| name.ends_with(end));
        id_like && schema["type"] == "integer"
    });
    let mut rules = Vec::new();
    if !credential.is_empty() {
        rules.push((
            CREDENTIALS_IN_URL,
            format!(
                "{} filters by the spec's field of that name: its values are the rows' data, not a credential",
                credential.join(", ")
            ),
        ));
    }
    if !numeric_id.is_empty() {
        rules.push((
            NUMERIC_IDS,
            format!(
                "{} filters by the spec's field of that name, a number the team keeps: the rows' own ids are UUIDs",
                numeric_id.join(", ")
            ),
        ));
    }
    rules
}

/// The ruleset for `ctx`'s document.
pub fn ruleset(ctx: &ServiceContext) -> String {
    let mut out = format!(
        "# Lints openapi.json as a security reviewer would: Spectral's OpenAPI rules and the\n\
         # OWASP API Security Top 10 2023 ruleset. The CI workflow runs\n\
         #   {INSTALL}\n\
         #   {LINT}\n\
         # Written by backend-gen from the spec, like the document: a rule that is wrong for\n\
         # this service is off only for the operations it is wrong for, each with its reason.\n\
         extends:\n  - spectral:oas\n  - \"@stoplight/spectral-owasp-ruleset\"\n\
         rules:\n\
         \x20 # Free text (a name, a description, a note) has no pattern or format to state; every\n\
         \x20 # string has its maximum length instead (owasp:api4:2023-string-limit).\n\
         \x20 owasp:api4:2023-string-restricted: off\n"
    );
    if ctx.auth.is_none() {
        out.push_str(
            "  # The spec's auth mode is `none`: the service has no sign-in, so its API is public\n\
             \x20 # by design and no route but /metrics reads a token.\n\
             \x20 owasp:api2:2023-read-restricted: off\n\
             \x20 owasp:api2:2023-write-restricted: off\n\
             \x20 owasp:api8:2023-define-error-responses-401: off\n",
        );
    }
    out.push_str("overrides:\n");
    for (name, status, _) in super::shared::SERVER_REFUSALS {
        let _ = writeln!(out, "  # {status}, on every operation");
        let _ = writeln!(
            out,
            "  - files: [\"{}#/components/responses/{name}\"]",
            super::FILE
        );
        out.push_str("    rules:\n");
        out.push_str("      # answered before the rate limit: there is no budget to report\n");
        let _ = writeln!(out, "      {RATE_LIMIT}: off");
    }
    let document: Value = serde_json::from_str(&ctx.openapi).unwrap_or_default();
    let excepted: Vec<(&Operation, Vec<(&str, String)>)> = ctx
        .routes
        .iter()
        .map(|op| {
            let mut rules: Vec<(&str, String)> = exceptions(&op.kind)
                .into_iter()
                .map(|(rule, reason)| (rule, reason.to_string()))
                .collect();
            rules.extend(field_name_exceptions(&document, op));
            (op, rules)
        })
        .filter(|(_, rules)| !rules.is_empty())
        .collect();
    for (op, rules) in excepted {
        let _ = writeln!(out, "  # {} {}", op.method.as_str(), op.path);
        let _ = writeln!(out, "  - files: [\"{}\"]", pointer(op));
        out.push_str("    rules:\n");
        for (rule, reason) in rules {
            let _ = writeln!(out, "      # {reason}");
            let _ = writeln!(out, "      {rule}: off");
        }
    }
    out
}
