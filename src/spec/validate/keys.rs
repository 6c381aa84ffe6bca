//! The keys each table of the spec accepts; an unknown key is reported with the nearest
//! one, and `init`'s example shows every one (`ACCEPTED_KEYS`).

pub(super) const TOP_KEYS: &[&str] = &[
    "project",
    "auth",
    "rate_limit",
    "cache",
    "resources",
    "jobs",
    "services",
    "replicas",
    "tenancy",
];

/// The keys of `[tenancy]`.
pub(super) const TENANCY_KEYS: &[&str] = &["tenant", "global"];

/// Tables `check` reads and validates whole but does not generate yet, which `init`'s
/// example leaves out so that it shows only what its resources generate. None now:
/// `[tenancy]` generates, but for the features `check` names (issue 76).
pub const NOT_GENERATED_YET: &[&str] = &[];

/// The keys of one `[replicas.NAME]`.
pub(super) const REPLICA_KEYS: &[&str] = &["service", "owner"];

/// The keys of one `[services.NAME]`.
pub(super) const SERVICE_KEYS: &[&str] = &["description", "resources", "jobs"];

pub(super) const JOB_KEYS: &[&str] = &["on", "max_attempts", "timeout_secs"];

pub(super) const PROJECT_KEYS: &[&str] = &[
    "name",
    "description",
    "api_prefix",
    "database",
    "public_url",
    "workspace",
    "graphql",
];

pub(super) const AUTH_KEYS: &[&str] = &[
    "mode",
    "roles",
    "admin_role",
    "default_role",
    "access_token_minutes",
    "refresh_token_days",
    "password_min_length",
    "registration",
    "require_verified_email",
    "personal_email",
    "accounts",
    "providers",
    "link_verified_email",
    "account_claims",
];

pub(super) const PROVIDER_KEYS: &[&str] = &["preset", "issuer", "scopes", "title"];

pub(super) const RATE_LIMIT_KEYS: &[&str] = &[
    "requests_per_minute",
    "burst",
    "login_per_minute",
    "trusted_proxies",
    "per_tenant_per_minute",
];

pub(super) const CACHE_KEYS: &[&str] = &["ttl_seconds", "max_entries"];

pub(super) const RESOURCE_KEYS: &[&str] = &[
    "description",
    "plural",
    "fields",
    "belongs_to",
    "many_to_many",
    "soft_delete",
    "versioned",
    "timestamps",
    "access",
    "owner",
    "owner_set_by",
    "cache_ttl_seconds",
    "renamed_from",
    "events",
    "list_combinations",
    "on_erase",
    "audit",
];

/// The keys of one `list_combinations` entry.
pub(super) const COMBINATION_KEYS: &[&str] = &["filter", "sort"];

/// The keys of a transition event (`completed = { when = "status", becomes = "succeeded" }`).
pub(super) const TRANSITION_KEYS: &[&str] = &["when", "becomes"];

pub(super) const FIELD_KEYS: &[&str] = &[
    "type",
    "description",
    "required",
    "unique",
    "default",
    "values",
    "min_length",
    "max_length",
    "min",
    "max",
    "format",
    "pattern",
    "precision",
    "scale",
    "max_size",
    "content_types",
    "filter",
    "sort",
    "read",
    "write",
    "write_denied",
    "renamed_from",
    "references",
    "personal",
    "in_events",
];

pub(super) const BELONGS_TO_KEYS: &[&str] = &[
    "resource",
    "required",
    "on_delete",
    "filter",
    "sort",
    "check",
    "unique",
];

/// Every key the spec accepts, by the table it belongs in (`resources.NAME` as
/// `resource`): `init`'s example shows each, and a test keeps it so.
pub const ACCEPTED_KEYS: &[(&str, &[&str])] = &[
    ("top level", TOP_KEYS),
    ("project", PROJECT_KEYS),
    ("auth", AUTH_KEYS),
    ("provider", PROVIDER_KEYS),
    ("rate_limit", RATE_LIMIT_KEYS),
    ("cache", CACHE_KEYS),
    ("resource", RESOURCE_KEYS),
    ("field", FIELD_KEYS),
    ("belongs_to", BELONGS_TO_KEYS),
    ("list_combinations", COMBINATION_KEYS),
    ("event", TRANSITION_KEYS),
    ("job", JOB_KEYS),
    ("service", SERVICE_KEYS),
    ("replica", REPLICA_KEYS),
    ("tenancy", TENANCY_KEYS),
];
