//! The names of the tables and indexes a spec's migrations create. They are the spec's
//! own, as its routes are: validation refuses two with one name (`collisions.rs`), and
//! `sql/tables.rs` writes the migrations that create them under these names.

use super::field_type::FieldType;
use super::model::{Field, Resource, Spec};

/// PostgreSQL keeps the first 63 bytes of a longer identifier.
pub const MAX_IDENTIFIER: usize = 63;

/// The name of a plain index on `column` (unquoted: no SQL keyword ends in `_idx`, and a
/// shortened name is longer than any keyword).
pub(crate) fn index(table: &str, column: &str) -> String {
    identifier(format!("{table}_{column}_idx"))
}

/// The name of a unique index on `column`.
pub(crate) fn unique_index(table: &str, column: &str) -> String {
    identifier(format!("{table}_{column}_unique"))
}

/// A generated name that PostgreSQL keeps whole. PostgreSQL silently cuts a longer name
/// at 63 bytes, so two long names that differ only at their ends would become one (two
/// 30-character resources give such names). A longer name is cut and ends in a hash of
/// the whole name instead: the same name always gives the same identifier, in both
/// dialects, and names that share their first bytes stay apart.
pub fn identifier(name: String) -> String {
    if name.len() <= MAX_IDENTIFIER {
        return name;
    }
    let hash = format!("{:08x}", fnv1a(name.as_bytes()));
    let mut cut = MAX_IDENTIFIER - hash.len() - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash}", name[..cut].trim_end_matches('_'))
}

/// 32-bit FNV-1a: a few lines, stable across platforms and releases (unlike std's
/// hashers), and spread enough for the handful of long names one spec has.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// The name PostgreSQL gives a table's primary key index: the table's name cut so that
/// `_pkey` fits (it adds a digit instead when that name is taken at the time).
pub fn primary_key(table: &str) -> String {
    let suffix = "_pkey";
    let mut cut = table.len().min(MAX_IDENTIFIER - suffix.len());
    while !table.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &table[..cut])
}

/// A table or index the migrations create, and what it is for, to find two with one
/// name. Tables and indexes share one namespace in both databases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaObject {
    /// As the migrations (or PostgreSQL, for a primary key) name it.
    pub name: String,
    /// Which object of its table: "the primary key of ", "the index on `tag_id` of "...;
    /// empty for the table itself.
    pub object: String,
    /// The table it belongs to: "the table of `post_tag`", "the join table of `post`
    /// and `tag`"...
    pub what: String,
    /// The resource whose `plural` renames it (none for the service's own tables).
    pub resource: Option<String>,
    /// Named by PostgreSQL, which picks another name when this one is taken.
    pub automatic: bool,
}

/// Every table and index the migrations create, including the primary keys' indexes
/// PostgreSQL names `{table}_pkey` and sqlx's own table. The service's tables and the
/// join tables come first, so a clash is blamed on a resource, whose `plural` can fix it.
pub fn schema_objects(spec: &Spec) -> Vec<SchemaObject> {
    let mut out = Vec::new();
    let mut push = |name: String, object: String, what: &str, resource: Option<&str>| {
        out.push(SchemaObject {
            automatic: object == PRIMARY_KEY,
            name,
            object,
            what: what.to_string(),
            resource: resource.map(str::to_string),
        });
    };
    let on = |column: &str| format!("the index on `{column}` of ");
    push(
        "_sqlx_migrations".into(),
        String::new(),
        "sqlx's migrations table",
        None,
    );
    // The service's own tables: the table, its primary key, its indexes.
    let mut service_table = |name: &str, indexes: &[&str], what: &str| {
        push(name.into(), String::new(), what, None);
        push(primary_key(name), PRIMARY_KEY.into(), what, None);
        for index in indexes {
            push((*index).into(), "an index of ".into(), what, None);
        }
    };
    if spec.has_accounts() {
        let refresh = "the jwt flow's refresh tokens";
        service_table(REFRESH_TOKENS, &REFRESH_TOKEN_INDEXES, refresh);
        service_table(SESSIONS, &[SESSION_INDEX], "the jwt flow's sessions");
        let tokens = "the jwt flow's single-use tokens";
        service_table(ACCOUNT_TOKENS, &ACCOUNT_TOKEN_INDEXES, tokens);
        service_table(EMAIL_VERIFICATIONS, &[], "the verified emails");
        let exports = "the exports a job prepares";
        service_table(ACCOUNT_EXPORTS, &ACCOUNT_EXPORT_INDEXES, exports);
        if spec.tenancy.is_some() {
            let memberships = "the tenants' members";
            service_table(MEMBERSHIPS, &[MEMBERSHIP_INDEX], memberships);
            let invitations = "the invitations to join a tenant";
            service_table(INVITATIONS, &INVITATION_INDEXES, invitations);
        }
        if spec.auth.has_providers() {
            let identities = "the accounts' identities at providers";
            service_table(IDENTITIES, &IDENTITY_INDEXES, identities);
            let requests = "the sign-ins with a provider under way";
            service_table(SIGN_IN_REQUESTS, &[SIGN_IN_REQUEST_INDEX], requests);
            let passwordless = "the accounts without a password of their own";
            service_table(PASSWORDLESS, &[], passwordless);
        }
    }
    service_table(IDEMPOTENCY, &[IDEMPOTENCY_INDEX], "the idempotency keys");
    if spec.webhooks() {
        let indexes = match spec.tenancy {
            Some(_) => &WEBHOOK_INDEXES[..],
            None => &WEBHOOK_INDEXES[..1],
        };
        service_table(WEBHOOKS, indexes, "the webhook subscriptions");
        service_table(DELIVERIES, &DELIVERY_INDEXES, "the webhook deliveries");
    }
    if spec.has_job_queue() {
        service_table(JOBS, &JOB_INDEXES, "the job queue");
    }
    if spec.emits_events() {
        service_table(OUTBOX, &OUTBOX_INDEXES, "the outbox of domain events");
    }
    if spec.has_personal() {
        service_table(DATA_KEYS, &[], "the keys of personal data");
    }
    if spec.audited() {
        let indexes = match spec.tenancy {
            Some(_) => &AUDIT_INDEXES[..],
            None => &AUDIT_INDEXES[..4],
        };
        service_table(AUDIT_LOG, indexes, "the audit trail");
    }
    for replica in &spec.replicas {
        let table = replica.table();
        let what = format!("the replica of `{}`", replica.names.snake);
        push(table.clone(), String::new(), &what, None);
        push(primary_key(&table), PRIMARY_KEY.into(), &what, None);
        if let Some(owner) = &replica.owner {
            let column = format!("{}_id", owner.snake);
            push(index(&table, &column), on(&column), &what, None);
        }
    }
    for r in &spec.resources {
        for t in r.many_to_many.iter().filter_map(|t| spec.resource(t)) {
            let join = join_table(r, t);
            let what = format!(
                "the join table of `{}` and `{}`",
                r.names.snake, t.names.snake
            );
            let other = format!("{}_id", t.names.snake);
            let blamed = Some(t.names.snake.as_str());
            push(join.clone(), String::new(), &what, blamed);
            push(primary_key(&join), PRIMARY_KEY.into(), &what, blamed);
            push(index(&join, &other), on(&other), &what, blamed);
        }
    }
    for r in &spec.resources {
        let table = &r.names.plural_snake;
        let snake = Some(r.names.snake.as_str());
        let what = format!("the table of `{}`", r.names.snake);
        push(table.clone(), String::new(), &what, snake);
        push(primary_key(table), PRIMARY_KEY.into(), &what, snake);
        for b in &r.belongs_to {
            let column = format!("{}_id", b.names.snake);
            push(index(table, &column), on(&column), &what, snake);
            if b.unique {
                push(
                    unique_index(table, &column),
                    format!("the unique index on `{column}` of "),
                    &what,
                    snake,
                );
            }
        }
        for f in r.fields.iter().filter(|f| f.unique) {
            push(
                unique_index(table, &f.names.snake),
                format!("the unique index on `{}` of ", f.names.snake),
                &what,
                snake,
            );
        }
        if r.timestamps {
            push(index(table, "created_at"), on("created_at"), &what, snake);
        }
        if spec.is_per_tenant(r) {
            push(
                unique_index(table, &format!("{TENANT_ID}_id")),
                format!("the unique index on `{TENANT_ID}, id` of "),
                &what,
                snake,
            );
        }
    }
    out
}

pub(crate) const PRIMARY_KEY: &str = "the primary key of ";

/// A decimal of a per-tenant table as PostgreSQL's lists compare and sort it: a stored
/// generated `BIGINT` of the value times 10^scale. The row-level policy's condition runs
/// before any condition that is not `LEAKPROOF`, and `NUMERIC`'s comparisons are not
/// (they can raise an error that tells something of the value), so under the policy a
/// range on the decimal itself is no index condition: a page filters every row of the
/// tenant and the count reads the table. `BIGINT`'s comparisons are leakproof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaled {
    /// The generated column (`price_scaled`).
    pub column: String,
    /// The decimal's column, as SQL names it.
    pub from: String,
    /// The decimal's scale: the column holds the value times 10^scale.
    pub scale: u32,
}

/// The most digits a decimal may have for its scaled value to fit a `BIGINT`.
pub const SCALED_DIGITS: u32 = 18;

impl Scaled {
    /// The field's scaled column, when it has one: a decimal of at most [`SCALED_DIGITS`]
    /// digits, stored as itself (not sealed), in a per-tenant table.
    pub fn of(spec: &Spec, r: &Resource, f: &Field) -> Option<Self> {
        let (precision, scale) = f.ty.decimal()?;
        (spec.is_per_tenant(r) && precision <= SCALED_DIGITS && !f.opened()).then(|| Scaled {
            column: format!("{}_scaled", f.names.snake),
            from: f.names.sql.clone(),
            scale,
        })
    }

    /// 10^scale, as SQL and Rust write it.
    pub fn factor(&self) -> String {
        format!("1{}", "0".repeat(self.scale as usize))
    }

    /// The column's generation: exact, since the decimal has `scale` digits after the point.
    pub fn expression(&self) -> String {
        match self.scale {
            0 => format!("CAST({} AS BIGINT)", self.from),
            _ => format!("CAST({} * {} AS BIGINT)", self.from, self.factor()),
        }
    }
}

/// A long text (`text`) of a per-tenant table that its lists use, as PostgreSQL's lists
/// compare and sort it: its first characters (`Dialect::text_prefix`) in a stored generated
/// column. `left()` is not `LEAKPROOF`, so, as for [`Scaled`], a comparison of the prefix
/// computed in the statement is no index condition under the row-level policy; a
/// comparison of a `TEXT` column is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    /// The generated column (`note_prefix`).
    pub column: String,
    /// The text's column, as SQL names it.
    pub from: String,
}

impl Prefix {
    /// The field's prefix column, when it has one: a text stored as itself in a per-tenant
    /// table, which some list filters or sorts by (it is up to 200 characters a row).
    pub fn of(spec: &Spec, r: &Resource, f: &Field) -> Option<Self> {
        if !spec.is_per_tenant(r) || f.ty != FieldType::Text || f.opened() {
            return None;
        }
        let paths = super::list_paths::list_paths(r);
        let key = f.names.camel.as_str();
        (paths.any_sort().contains(&key) || paths.any_filter().contains(&key)).then(|| Prefix {
            column: format!("{}_prefix", f.names.snake),
            from: f.names.sql.clone(),
        })
    }
}

/// The name of the column PostgreSQL generates for a per-tenant table's lists from a
/// field's, if it has one: a decimal's [`Scaled`], a text's [`Prefix`] (`table::ListColumn`
/// gives its definition).
pub fn list_column(spec: &Spec, r: &Resource, f: &Field) -> Option<String> {
    Scaled::of(spec, r, f)
        .map(|s| s.column)
        .or_else(|| Prefix::of(spec, r, f).map(|p| p.column))
}

/// A per-tenant table's column that names the row's tenant (`[tenancy]`).
pub const TENANT_ID: &str = "tenant_id";

/// Under `[tenancy]`: which accounts are members of which tenants, with their roles there,
/// and the index of "my tenants".
pub const MEMBERSHIPS: &str = "tenant_memberships";
pub(crate) const MEMBERSHIP_INDEX: &str = "tenant_memberships_user_id_idx";

/// Under `[tenancy]`: the invitations to join a tenant, mailed as a link whose token is
/// stored as a hash; the indexes find one by its token, list a tenant's, and prune.
pub const INVITATIONS: &str = "tenant_invitations";
pub(crate) const INVITATION_INDEXES: [&str; 3] = [
    "tenant_invitations_token_hash_unique",
    "tenant_invitations_tenant_id_idx",
    "tenant_invitations_expires_at_idx",
];

/// The join table of a many-to-many declared on `owner`.
pub fn join_table(owner: &Resource, target: &Resource) -> String {
    identifier(format!(
        "{}_{}",
        owner.names.snake, target.names.plural_snake
    ))
}

/// The jwt flow's sessions table, and its indexes.
pub const REFRESH_TOKENS: &str = "refresh_tokens";
pub(crate) const REFRESH_TOKEN_INDEXES: [&str; 4] = [
    "refresh_tokens_token_hash_unique",
    "refresh_tokens_family_id_idx",
    "refresh_tokens_user_id_idx",
    "refresh_tokens_expires_at_idx",
];

/// The jwt flow's sessions, one per sign-in, listed to their account.
pub const SESSIONS: &str = "auth_sessions";
pub(crate) const SESSION_INDEX: &str = "auth_sessions_user_id_idx";

/// The jwt flow's single-use tokens (email verification, password reset), and their indexes.
pub const ACCOUNT_TOKENS: &str = "account_tokens";
pub(crate) const ACCOUNT_TOKEN_INDEXES: [&str; 3] = [
    "account_tokens_token_hash_unique",
    "account_tokens_user_id_idx",
    "account_tokens_expires_at_idx",
];

/// Which provider identities (issuer's subject) each account signs in with, and its indexes:
/// an identity is one account's, and an account has one identity per provider.
pub const IDENTITIES: &str = "account_identities";
pub(crate) const IDENTITY_INDEXES: [&str; 2] = [
    "account_identities_subject_unique",
    "account_identities_user_provider_unique",
];

/// The sign-ins with a provider under way: `state`, `nonce` and the PKCE verifier.
pub const SIGN_IN_REQUESTS: &str = "sign_in_requests";
pub(crate) const SIGN_IN_REQUEST_INDEX: &str = "sign_in_requests_expires_at_idx";

/// The accounts a provider created, whose password nobody knows until the reset flow sets
/// one: their last provider cannot be unlinked.
pub const PASSWORDLESS: &str = "passwordless_accounts";

/// Which email each account has verified.
pub const EMAIL_VERIFICATIONS: &str = "email_verifications";

/// The transactional outbox: the domain events of every resource that emits any.
pub const OUTBOX: &str = "outbox_events";
pub(crate) const OUTBOX_INDEXES: [&str; 2] =
    ["outbox_events_id_unique", "outbox_events_pending_idx"];

/// The job queue: one row per background job, when the spec declares any.
pub const JOBS: &str = "background_jobs";
pub(crate) const JOB_INDEXES: [&str; 5] = [
    "background_jobs_kind_key_unique",
    "background_jobs_due_idx",
    "background_jobs_state_idx",
    "background_jobs_kind_idx",
    "background_jobs_updated_at_idx",
];

/// The `Idempotency-Key`s of `POST` requests and their first answers: every project.
pub const IDEMPOTENCY: &str = "idempotency_keys";
pub(crate) const IDEMPOTENCY_INDEX: &str = "idempotency_keys_expires_idx";

/// The keys that have sealed personal data (`personal = true`), each with a value sealed
/// under it, so that a service started with the wrong key refuses to start.
pub const DATA_KEYS: &str = "personal_data_keys";

/// The account exports a job prepares, each fetched once before it expires: with accounts.
pub const ACCOUNT_EXPORTS: &str = "account_exports";
pub(crate) const ACCOUNT_EXPORT_INDEXES: [&str; 2] =
    ["account_exports_account_idx", "account_exports_expires_idx"];

/// The audit trail: one row per write to an audited resource (`audit = true`), and the
/// indexes of its admin list (by time; by row; by resource; by actor; under `[tenancy]`, by
/// tenant, last).
pub const AUDIT_LOG: &str = "audit_log";
pub(crate) const AUDIT_INDEXES: [&str; 5] = [
    "audit_log_occurred_at_idx",
    "audit_log_row_idx",
    "audit_log_resource_idx",
    "audit_log_actor_idx",
    "audit_log_tenant_idx",
];

/// Webhook subscriptions and their deliveries, with events and jwt auth.
pub const WEBHOOKS: &str = "webhook_subscriptions";
pub const DELIVERIES: &str = "webhook_deliveries";
/// The subscriptions' indexes: the platform admin's list; under `[tenancy]`, a tenant's
/// admin's list, last.
pub(crate) const WEBHOOK_INDEXES: [&str; 2] = [
    "webhook_subscriptions_created_at_idx",
    "webhook_subscriptions_tenant_idx",
];
pub(crate) const DELIVERY_INDEXES: [&str; 3] = [
    "webhook_deliveries_subscription_event_unique",
    "webhook_deliveries_job_idx",
    "webhook_deliveries_subscription_idx",
];
