//! The migrations that create tables: a resource's, a many-to-many join table, and the
//! service's own (sessions, tokens, outbox, jobs, idempotency keys, webhooks).

use super::list_indexes::{list_indexes, list_indexes_of};
use super::text::{ACCOUNT_EMAIL_COLUMN, compared, folds_case, foreign_key};
use crate::dialect::Dialect;
use crate::names::sql_ident;
use crate::spec::schema_names::{
    ACCOUNT_EXPORT_INDEXES, ACCOUNT_EXPORTS, ACCOUNT_TOKEN_INDEXES, ACCOUNT_TOKENS, AUDIT_INDEXES,
    AUDIT_LOG, DATA_KEYS, DELIVERIES, DELIVERY_INDEXES, EMAIL_VERIFICATIONS, IDEMPOTENCY,
    IDEMPOTENCY_INDEX, IDENTITIES, IDENTITY_INDEXES, INVITATION_INDEXES, INVITATIONS, JOB_INDEXES,
    JOBS, MEMBERSHIP_INDEX, MEMBERSHIPS, OUTBOX, OUTBOX_INDEXES, PASSWORDLESS,
    REFRESH_TOKEN_INDEXES, REFRESH_TOKENS, SESSION_INDEX, SESSIONS, SIGN_IN_REQUEST_INDEX,
    SIGN_IN_REQUESTS, TENANT_ID, WEBHOOK_INDEXES, WEBHOOKS, identifier, index, join_table,
    unique_index,
};
use crate::spec::{Database, Kind, Replica, Resource, Spec};
use crate::table::{Column, Constraint, Index, ListColumn, Table, TableKind, Value};

/// A resource's table in one dialect: its columns, its unique indexes (partial on live rows when soft-deleted, so a deleted row does not
/// hold on to its unique values) and its lists' indexes (`list_indexes`) one by one, as `update` compares them, and the
/// migration that creates it all.
pub fn resource_table(spec: &Spec, r: &Resource, dialect: Dialect) -> Table {
    let table = &r.names.plural_snake;
    let quoted = &r.names.plural_sql;
    let mut id = Column::fixed("id", dialect.id_type(), true);
    id.primary_key = true;
    let mut columns = vec![id];
    let mut constraints = Vec::new();
    let per_tenant = spec.is_per_tenant(r);
    if per_tenant {
        // A tenant's rows go with it, where the tenants are this service's; another
        // service's (the accounts', in a split) are no foreign key's.
        let mut column = Column::fixed(TENANT_ID, dialect.id_type(), true);
        column.references = spec.tenant_resource().map(|tenants| Constraint {
            name: identifier(format!("{table}_{TENANT_ID}_fkey")),
            body: format!("{} (id) ON DELETE CASCADE", tenants.names.plural_sql),
        });
        columns.push(column);
        // What the keys of its children refer to: a constraint of the table rather than an
        // index after it, which a key to the table itself (a subtask's parent) would need
        // before PostgreSQL creates the table. Not partial: a deleted row is still its
        // tenant's.
        constraints.push(Constraint {
            name: unique_index(table, &format!("{TENANT_ID}_id")),
            body: format!("UNIQUE ({TENANT_ID}, id)"),
        });
    }
    for b in &r.belongs_to {
        let parent = spec.resource(&b.target);
        let parent_sql =
            parent.map_or_else(|| sql_ident(&b.target), |p| p.names.plural_sql.clone());
        let name = format!("{}_id", b.names.snake);
        let mut column = Column::fixed(&name, dialect.id_type(), b.required);
        // Another service's rows cannot be a foreign key's.
        let local = !spec.is_remote(b);
        column.references = local.then(|| Constraint {
            name: identifier(format!("{table}_{name}_fkey")),
            body: format!("{parent_sql} (id) ON DELETE {}", b.on_delete.sql()),
        });
        // A per-tenant parent is found within the row's tenant, or not at all. The plain key
        // above keeps the relation's `ON DELETE`: this one has none of its own, so a
        // `SET NULL` leaves the tenant alone (a null key matches nothing, and is not checked).
        if per_tenant && local && parent.is_some_and(|p| spec.is_per_tenant(p)) {
            constraints.push(Constraint {
                name: identifier(format!("{table}_{name}_tenant_fkey")),
                body: format!(
                    "FOREIGN KEY ({TENANT_ID}, {}) REFERENCES {parent_sql} ({TENANT_ID}, id)",
                    sql_ident(&name)
                ),
            });
        }
        columns.push(column);
    }
    for f in &r.fields {
        columns.push(Column::field(dialect, table, f));
        columns.extend(Column::blind_index(f));
        if dialect.0 == Database::Postgres {
            columns.extend(ListColumn::of(spec, r, f).as_ref().map(Column::generated));
        }
    }
    if spec.is_account(r) {
        columns.push(Column::fixed("password_hash", "TEXT", true));
        let json = dialect.kind_type(Kind::Json);
        columns.push(Column::fixed("roles", json, true));
    }
    if r.versioned {
        let mut version = Column::fixed("version", "INTEGER", true);
        version.default = Some("1".into());
        columns.push(version);
    }
    if r.soft_delete {
        columns.push(Column::fixed("deleted_at", dialect.timestamp_type(), false));
    }
    if r.timestamps {
        for at in ["created_at", "updated_at"] {
            columns.push(Column::fixed(at, dialect.timestamp_type(), true));
        }
    }
    let mut out = format!(
        "-- {}\n",
        sql_comment(&r.description, &r.names.plural_words)
    );
    if r.soft_delete {
        out.push_str("-- Soft-deleted: a row with a deleted_at is gone for the API.\n");
    }
    if r.versioned {
        out.push_str("-- Versioned: every write bumps version (optimistic locking).\n");
    }
    if per_tenant {
        out.push_str("-- Per tenant: every key and index leads with the row's tenant.\n");
    }
    let mut indexes = Vec::new();
    // What the unique indexes lead with: values are unique within a tenant.
    let scope = if per_tenant {
        format!("{TENANT_ID}, ")
    } else {
        String::new()
    };
    // A soft-deleted row holds on to no unique value.
    let live = if r.soft_delete {
        " WHERE deleted_at IS NULL"
    } else {
        ""
    };
    for f in r.fields.iter().filter(|f| f.unique) {
        // A personal value is unique through its blind index.
        let column = f.blind_index().unwrap_or_else(|| f.names.sql.clone());
        let name = unique_index(table, &f.names.snake);
        let folded = folds_case(spec, r, &column);
        let key = compared(folded, &column);
        indexes.push(Index {
            sql: format!("CREATE UNIQUE INDEX {name} ON {quoted} ({scope}{key}){live};"),
            name,
            comment: folded.then_some(ACCOUNT_EMAIL_COMMENT),
        });
    }
    // One-to-one: a parent has one live row at most.
    for b in r.belongs_to.iter().filter(|b| b.unique) {
        let column = format!("{}_id", b.names.snake);
        let name = unique_index(table, &column);
        indexes.push(Index {
            sql: format!("CREATE UNIQUE INDEX {name} ON {quoted} ({scope}{column}){live};"),
            name,
            comment: Some("One-to-one: a parent has one row at most."),
        });
    }
    // The foreign keys' indexes are among the lists': each leads one.
    indexes.extend(list_indexes(spec, r, dialect));
    let table_of = Table {
        name: table.clone(),
        quoted: quoted.clone(),
        kind: TableKind::Resource,
        columns,
        indexes,
        constraints,
        create: String::new(),
    };
    out.push_str(&format!(
        "CREATE TABLE {quoted} (\n    {}\n);\n",
        table_of.definitions().join(",\n    ")
    ));
    let indexes = &table_of.indexes;
    if !indexes.is_empty() {
        out.push('\n');
        for i in indexes {
            if let Some(comment) = i.comment {
                out.push_str(&format!("-- {comment}\n"));
            }
            out.push_str(&i.sql);
            out.push('\n');
        }
    }
    if per_tenant {
        out.push_str(&row_level_security(quoted, dialect));
    }
    Table {
        create: out,
        ..table_of
    }
}

/// The setting a scoped transaction gives its tenant in (`set_config(…, true)`), which the
/// policies below read.
pub const TENANT_SETTING: &str = "app.tenant_id";

/// PostgreSQL's wall under a per-tenant table: row-level security, so that a query that
/// forgets its tenant still sees, and writes, only the rows of the tenant its transaction
/// set, and none when it set none. `NULLIF`: a pooled connection that ran a tenant's
/// transaction reads the setting as `''` afterwards, not NULL, and `''::uuid` would raise.
/// Not `FORCE`d: the table's owner, which runs the migrations, is not subject to it (a
/// later migration's `UPDATE` reaches every tenant's rows); the service runs as a role
/// that owns nothing (docs/decisions/tenancy.md), and what reaches every tenant's rows (an
/// account's erasure and export, the sweep of files) runs as the owner. So the test is one
/// equality and nothing else: the planner merges it with the code's own `tenant_id = …`
/// and estimates the tenant's rows as it does without the policy. An `OR` beside it (a
/// setting that admitted every tenant, as this once had) is a test it cannot estimate: it
/// took a tenant's 600 rows for 3 and sorted them all where the index would have given the
/// first page in order (docs/benchmarks.md, "Tenancy"), and it let the service's role
/// reach every tenant by changing a setting. SQLite has no such wall: the code's is the
/// only one there.
pub fn row_level_security(quoted: &str, dialect: Dialect) -> String {
    if dialect.0 != Database::Postgres {
        return String::new();
    }
    let tenant = tenant_test();
    let policy = tenant_policy(quoted);
    format!(
        "\n-- Row-level security: only the rows of the tenant the transaction set.\n\
         ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY;\n\
         CREATE POLICY {policy} ON {quoted}\n    \
         USING ({tenant})\n    \
         WITH CHECK ({tenant});\n"
    )
}

/// What a per-tenant table's policy admits and lets be written: the rows of the tenant the
/// transaction set (see [`row_level_security`]).
pub fn tenant_test() -> String {
    format!("{TENANT_ID} = NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid")
}

/// The name of the row-level security policy of the per-tenant table `quoted`.
pub fn tenant_policy(quoted: &str) -> String {
    identifier(format!("{}_tenant_isolation", quoted.trim_matches('"')))
}

/// The table of a replica (`[replicas.order]`): another service's rows as its events left
/// them, one per id. A deleted row stays, `deleted`, so an event that arrives late cannot
/// bring it back, and its owner still answers for the rows here that refer to it;
/// `changed_at` is the time of the last event applied, and an older one changes nothing.
/// The index on the owner serves lists narrowed to the caller's rows through it.
pub fn replica_table(replica: &Replica, dialect: Dialect) -> Table {
    let name = replica.table();
    let quoted = sql_ident(&name);
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let mut key = Column::fixed("id", id, true);
    key.primary_key = true;
    let mut columns = vec![key];
    columns.extend(
        replica
            .owner
            .as_ref()
            .map(|o| Column::fixed(&format!("{}_id", o.snake), id, false)),
    );
    let mut deleted = Column::fixed("deleted", dialect.kind_type(Kind::Boolean), true);
    deleted.default = Some("FALSE".into());
    columns.push(deleted);
    columns.push(Column::fixed("changed_at", at, true));
    let indexes: Vec<Index> = replica
        .owner
        .as_ref()
        .map(|o| {
            let column = format!("{}_id", o.snake);
            let index_name = index(&name, &column);
            Index {
                sql: format!("CREATE INDEX {index_name} ON {quoted} ({column});"),
                name: index_name,
                comment: None,
            }
        })
        .into_iter()
        .collect();
    let definitions: Vec<String> = columns.iter().map(Column::definition).collect();
    let mut create = format!(
        "-- A copy of the {} service's {}, kept by its events: the ids{}.\n\
         CREATE TABLE {quoted} (\n    {}\n);\n",
        replica.service,
        replica.names.plural_words,
        replica
            .owner
            .as_ref()
            .map(|o| format!(" and their {}", o.words))
            .unwrap_or_default(),
        definitions.join(",\n    ")
    );
    if !indexes.is_empty() {
        create.push('\n');
        for i in &indexes {
            create.push_str(&i.sql);
            create.push('\n');
        }
    }
    Table {
        name,
        quoted,
        kind: TableKind::Replica,
        columns,
        indexes,
        constraints: Vec::new(),
        create,
    }
}

/// The migration of a many-to-many join table: a composite primary key
/// (which also serves lookups from the owner) and an index for the other side.
pub fn create_join_table(
    spec: &Spec,
    owner: &Resource,
    target: &Resource,
    dialect: Dialect,
) -> String {
    let join = join_table(owner, target);
    let (own, other) = join_columns(owner, target);
    let id = dialect.id_type();
    let mut definitions = Vec::new();
    let mut key = format!("{own}, {other}");
    let mut keys = Vec::new();
    let per_tenant = spec.is_per_tenant(owner);
    if per_tenant {
        // As a per-tenant table's own column: a key only to this service's tenants.
        definitions.push(match spec.tenant_resource() {
            Some(tenants) => format!(
                "{TENANT_ID} {id} NOT NULL REFERENCES {} (id) ON DELETE CASCADE",
                tenants.names.plural_sql
            ),
            None => format!("{TENANT_ID} {id} NOT NULL"),
        });
        key = format!("{TENANT_ID}, {key}");
        // Both sides within the link's tenant (a global side has no tenant).
        for (column, side) in [(&own, owner), (&other, target)] {
            if spec.is_per_tenant(side) {
                keys.push(format!(
                    "FOREIGN KEY ({TENANT_ID}, {column}) REFERENCES {} ({TENANT_ID}, id)",
                    side.names.plural_sql
                ));
            }
        }
    }
    definitions.push(format!(
        "{own} {id} NOT NULL REFERENCES {} (id) ON DELETE CASCADE",
        owner.names.plural_sql
    ));
    definitions.push(format!(
        "{other} {id} NOT NULL REFERENCES {} (id) ON DELETE CASCADE",
        target.names.plural_sql
    ));
    definitions.push(format!("PRIMARY KEY ({key})"));
    definitions.extend(keys);
    let quoted = sql_ident(&join);
    let wall = if per_tenant {
        row_level_security(&quoted, dialect)
    } else {
        String::new()
    };
    format!(
        "-- Links {} and {} (many-to-many). A link dies with either side.\n\
         CREATE TABLE {quoted} (\n    {}\n);\n\n{}\n{wall}",
        owner.names.plural_words,
        target.names.plural_words,
        definitions.join(",\n    "),
        join_index(spec, owner, target).sql,
    )
}

/// A join table's two columns, as SQL names them: the owner's key, then the other side's.
pub fn join_columns(owner: &Resource, target: &Resource) -> (String, String) {
    (
        foreign_key(&owner.names.snake),
        sql_ident(&format!("{}_id", target.names.snake)),
    )
}

/// A join table's index on its other side (its primary key serves the owner's), after the
/// tenant's column under `[tenancy]`.
pub fn join_index(spec: &Spec, owner: &Resource, target: &Resource) -> Index {
    let join = join_table(owner, target);
    let other = format!("{}_id", target.names.snake);
    let name = index(&join, &other);
    let tenant = if spec.is_per_tenant(owner) {
        format!("{TENANT_ID}, ")
    } else {
        String::new()
    };
    Index {
        sql: format!(
            "CREATE INDEX {name} ON {} ({tenant}{});",
            sql_ident(&join),
            sql_ident(&other)
        ),
        name,
        comment: None,
    }
}

/// The migration of the jwt flow's sessions: one row per refresh token ever
/// issued, stored only as a hash. Tokens of one login share a family; a
/// rotated token keeps its row (with `used_at`) so that its reuse is noticed.
pub fn create_refresh_tokens(spec: &Spec, dialect: Dialect) -> String {
    let users = account_table(spec);
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let [token_hash, family_id, user_id, expires_at] = REFRESH_TOKEN_INDEXES;
    format!(
        "-- Refresh tokens (sessions), stored as SHA-256 hashes, never in clear.\n\
         CREATE TABLE {REFRESH_TOKENS} (\n    \
         id {id} PRIMARY KEY NOT NULL,\n    \
         user_id {id} NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,\n    \
         family_id {id} NOT NULL,\n    \
         token_hash TEXT NOT NULL,\n    \
         expires_at {at} NOT NULL,\n    \
         created_at {at} NOT NULL,\n    \
         used_at {at},\n    \
         revoked_at {at}\n);\n\n\
         CREATE UNIQUE INDEX {token_hash} ON {REFRESH_TOKENS} (token_hash);\n\
         CREATE INDEX {family_id} ON {REFRESH_TOKENS} (family_id);\n\
         CREATE INDEX {user_id} ON {REFRESH_TOKENS} (user_id);\n\
         CREATE INDEX {expires_at} ON {REFRESH_TOKENS} (expires_at);\n"
    )
}

/// The migration of the sessions: one row per sign-in, whose id is its refresh tokens'
/// family and access tokens' `sid`, with what the account's owner needs to recognise it
/// (when it began and was last refreshed, the client's user agent and address) and when it
/// ended. Every refresh token of a family works only while its session has not ended.
pub fn create_sessions(spec: &Spec, dialect: Dialect) -> String {
    let users = account_table(spec);
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let tenant = match spec.tenancy {
        Some(_) => format!(",\n    {}", session_tenant(spec, dialect)),
        None => String::new(),
    };
    format!(
        "-- Sessions: one per sign-in, listed to their account, ended one by one or all at once.\n\
         CREATE TABLE {SESSIONS} (\n    \
         id {id} PRIMARY KEY NOT NULL,\n    \
         user_id {id} NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,\n    \
         created_at {at} NOT NULL,\n    \
         last_used_at {at} NOT NULL,\n    \
         expires_at {at} NOT NULL,\n    \
         user_agent TEXT,\n    \
         address TEXT,\n    \
         ended_at {at}{tenant}\n);\n\n\
         CREATE INDEX {SESSION_INDEX} ON {SESSIONS} (user_id);\n"
    )
}

/// Under `[tenancy]`, the column of the tenant a session acts in (the one its access tokens
/// name as `tid`): none until the account has a membership, and the session goes with its
/// tenant. Last in the table, where turning tenancy on adds it.
pub fn session_tenant(spec: &Spec, dialect: Dialect) -> String {
    format!(
        "{TENANT_ID} {} REFERENCES {} (id) ON DELETE CASCADE",
        dialect.id_type(),
        tenant_table(spec)
    )
}

/// The migration of the single-use account tokens: one row per token mailed, stored only as
/// a hash, with what it is for, the email it was sent to, its expiry and when it was used.
pub fn create_account_tokens(spec: &Spec, dialect: Dialect) -> String {
    let users = account_table(spec);
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let [token_hash, user_id, expires_at] = ACCOUNT_TOKEN_INDEXES;
    format!(
        "-- Email verification and password reset tokens, stored as SHA-256 hashes.\n\
         CREATE TABLE {ACCOUNT_TOKENS} (\n    \
         id {id} PRIMARY KEY NOT NULL,\n    \
         user_id {id} NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,\n    \
         purpose TEXT NOT NULL,\n    \
         email TEXT NOT NULL,\n    \
         token_hash TEXT NOT NULL,\n    \
         expires_at {at} NOT NULL,\n    \
         created_at {at} NOT NULL,\n    \
         used_at {at}\n);\n\n\
         CREATE UNIQUE INDEX {token_hash} ON {ACCOUNT_TOKENS} (token_hash);\n\
         CREATE INDEX {user_id} ON {ACCOUNT_TOKENS} (user_id, purpose);\n\
         CREATE INDEX {expires_at} ON {ACCOUNT_TOKENS} (expires_at);\n"
    )
}

/// The migration of the verified emails: one row per account, naming the email it proved
/// it receives. An account whose email changes is unverified until it proves the new one,
/// without any write to the account's own row.
pub fn create_email_verifications(spec: &Spec, dialect: Dialect) -> String {
    let users = account_table(spec);
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    format!(
        "-- The email each account proved it receives, and when.\n\
         CREATE TABLE {EMAIL_VERIFICATIONS} (\n    \
         user_id {id} PRIMARY KEY NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,\n    \
         email TEXT NOT NULL,\n    \
         verified_at {at} NOT NULL\n);\n"
    )
}

/// The migration of the accounts' identities at providers: one row per provider and subject
/// (the `sub` of its ID tokens, unique per issuer), which signs in as its account; one per
/// account and provider, so listing and unlinking by provider name one identity.
pub fn create_identities(spec: &Spec, dialect: Dialect) -> String {
    let users = account_table(spec);
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let [subject, user_provider] = IDENTITY_INDEXES;
    format!(
        "-- The identities at providers (OpenID Connect) each account signs in with.\n\
         CREATE TABLE {IDENTITIES} (\n    \
         id {id} PRIMARY KEY NOT NULL,\n    \
         user_id {id} NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,\n    \
         provider TEXT NOT NULL,\n    \
         subject TEXT NOT NULL,\n    \
         created_at {at} NOT NULL,\n    \
         last_used_at {at} NOT NULL\n);\n\n\
         CREATE UNIQUE INDEX {subject} ON {IDENTITIES} (provider, subject);\n\
         CREATE UNIQUE INDEX {user_provider} ON {IDENTITIES} (user_id, provider);\n"
    )
}

/// The migration of the sign-ins with a provider under way: found by the hash of their
/// `state`, used once, for ten minutes, by the browser whose cookie hashes to
/// `browser_hash` (a sign-in's). `user_id` is the account a link is for; once the
/// provider vouched for `subject`, the row waits (found by its one-time code's hash) for
/// that account to confirm the link.
pub fn create_sign_in_requests(spec: &Spec, dialect: Dialect) -> String {
    let users = account_table(spec);
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    format!(
        "-- Sign-ins with a provider under way: state (as a SHA-256 hash), nonce, PKCE verifier.\n\
         CREATE TABLE {SIGN_IN_REQUESTS} (\n    \
         state_hash TEXT PRIMARY KEY NOT NULL,\n    \
         provider TEXT NOT NULL,\n    \
         nonce TEXT NOT NULL,\n    \
         verifier TEXT NOT NULL,\n    \
         redirect_to TEXT NOT NULL,\n    \
         user_id {id} REFERENCES {users} (id) ON DELETE CASCADE,\n    \
         browser_hash TEXT,\n    \
         subject TEXT,\n    \
         expires_at {at} NOT NULL\n);\n\n\
         CREATE INDEX {SIGN_IN_REQUEST_INDEX} ON {SIGN_IN_REQUESTS} (expires_at);\n"
    )
}

/// The migration of the accounts a provider created: their password is random and nobody
/// knows it until the reset flow sets one.
pub fn create_passwordless(spec: &Spec, dialect: Dialect) -> String {
    let users = account_table(spec);
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    format!(
        "-- The accounts a provider created, until a password of their own is set.\n\
         CREATE TABLE {PASSWORDLESS} (\n    \
         user_id {id} PRIMARY KEY NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,\n    \
         created_at {at} NOT NULL\n);\n"
    )
}

/// The migration of the tenants' memberships (`[tenancy]`): an account's roles in each
/// tenant it is a member of, one row per pair; the index lists an account's tenants.
pub fn create_memberships(spec: &Spec, dialect: Dialect) -> String {
    let (users, tenants) = (account_table(spec), tenant_table(spec));
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let roles = dialect.kind_type(Kind::Json);
    format!(
        "-- Who is a member of which tenant, with their roles there.\n\
         CREATE TABLE {MEMBERSHIPS} (\n    \
         {TENANT_ID} {id} NOT NULL REFERENCES {tenants} (id) ON DELETE CASCADE,\n    \
         user_id {id} NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,\n    \
         roles {roles} NOT NULL,\n    \
         created_at {at} NOT NULL,\n    \
         PRIMARY KEY ({TENANT_ID}, user_id)\n);\n\n\
         CREATE INDEX {MEMBERSHIP_INDEX} ON {MEMBERSHIPS} (user_id);\n"
    )
}

/// The migration of the invitations to join a tenant (`[tenancy]`): each mailed as a link
/// whose token is stored only as a hash, with the roles it gives, until it is accepted or
/// expires. The inviting account may leave before it is accepted.
pub fn create_invitations(spec: &Spec, dialect: Dialect) -> String {
    let (users, tenants) = (account_table(spec), tenant_table(spec));
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let roles = dialect.kind_type(Kind::Json);
    let [token_hash, by_tenant, expires_at] = INVITATION_INDEXES;
    format!(
        "-- Invitations to join a tenant, their tokens stored as SHA-256 hashes.\n\
         CREATE TABLE {INVITATIONS} (\n    \
         id {id} PRIMARY KEY NOT NULL,\n    \
         {TENANT_ID} {id} NOT NULL REFERENCES {tenants} (id) ON DELETE CASCADE,\n    \
         email TEXT NOT NULL,\n    \
         roles {roles} NOT NULL,\n    \
         token_hash TEXT NOT NULL,\n    \
         invited_by {id} REFERENCES {users} (id) ON DELETE SET NULL,\n    \
         created_at {at} NOT NULL,\n    \
         expires_at {at} NOT NULL,\n    \
         accepted_at {at}\n);\n\n\
         CREATE UNIQUE INDEX {token_hash} ON {INVITATIONS} (token_hash);\n\
         CREATE INDEX {by_tenant} ON {INVITATIONS} ({TENANT_ID}, created_at);\n\
         CREATE INDEX {expires_at} ON {INVITATIONS} (expires_at);\n"
    )
}

/// The tenants' table under `[tenancy]`.
fn tenant_table(spec: &Spec) -> &str {
    spec.tenant_resource()
        .map_or("tenants", |r| r.names.plural_sql.as_str())
}

/// The accounts' table, which the jwt flow's tables refer to.
fn account_table(spec: &Spec) -> &str {
    spec.resource(crate::spec::ACCOUNT)
        .map_or("users", |r| r.names.plural_sql.as_str())
}

/// The migration of the outbox: one row per event, written in the transaction of the change
/// it describes. `seq` orders them as they committed (per aggregate too); the relay
/// publishes the rows whose `published_at` is unset, oldest first, and sets it. Under
/// `[tenancy]` an event of a tenant's row names its tenant ([`row_tenant`]).
pub fn create_outbox(tenancy: bool, dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let seq = match dialect.0 {
        // The row id: one writer at a time gives it in commit order. (AUTOINCREMENT would
        // add `sqlite_sequence`, which no down migration can drop.)
        Database::Sqlite => "INTEGER PRIMARY KEY",
        Database::Postgres => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    };
    let data = dialect.kind_type(Kind::Json);
    let [id_unique, pending] = OUTBOX_INDEXES;
    let trace = trace_context().definition();
    let tenant = tenant_line(tenancy, dialect);
    format!(
        "-- Domain events, each written in the transaction of the change it describes.\n\
         CREATE TABLE {OUTBOX} (\n    \
         seq {seq},\n    \
         id {id} NOT NULL,\n    \
         event_type TEXT NOT NULL,\n    \
         aggregate_type TEXT NOT NULL,\n    \
         aggregate_id {id} NOT NULL,\n    \
         occurred_at {at} NOT NULL,\n    \
         data {data} NOT NULL,\n    \
         {trace},\n    \
         published_at {at}{tenant}\n);\n\n\
         CREATE UNIQUE INDEX {id_unique} ON {OUTBOX} (id);\n\
         -- The events still to publish, oldest first.\n\
         CREATE INDEX {pending} ON {OUTBOX} (seq) WHERE published_at IS NULL;\n"
    )
}

/// The column of the outbox and the job queue that keeps the trace context of the span that
/// wrote the row (W3C `traceparent`/`tracestate` as a JSON object; NULL while not tracing),
/// so that an event's publish and a job's runs join the trace of the request behind them.
pub fn trace_context() -> Column {
    Column::fixed("trace_context", "TEXT", false)
}

/// `table` (the outbox or the job queue) as a backend-gen from before traces crossed the
/// queue wrote it: without [`trace_context`]. `update` adds the column to such a project (see
/// `migrate::Earlier`).
pub fn without_trace_context(table: &mut Table) {
    let trace = trace_context();
    if !table.columns.contains(&trace) {
        return;
    }
    table.columns.retain(|c| *c != trace);
    let line = format!("    {},\n", trace.definition());
    table.create = table.create.replace(&line, "");
}

/// The migration of the job queue. A job is `pending` until a worker claims it (`running`,
/// leased until `locked_until`), then `succeeded`, `pending` again after a failed attempt
/// (from `run_after`), or `dead` once its attempts are spent. `(kind, idempotency_key)` is
/// unique, so a job enqueued twice under one key exists once (rows without a key never
/// clash: NULLs are distinct in both databases).
pub fn create_jobs(dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let payload = dialect.kind_type(Kind::Json);
    let unique = JOB_INDEXES[0];
    let trace = trace_context().definition();
    format!(
        "-- Background jobs, run by the service's workers from this table.\n\
         CREATE TABLE {JOBS} (\n    \
         id {id} PRIMARY KEY,\n    \
         kind TEXT NOT NULL,\n    \
         payload {payload} NOT NULL,\n    \
         idempotency_key TEXT,\n    \
         state TEXT NOT NULL CONSTRAINT background_jobs_state_check \
         CHECK (state IN ('pending', 'running', 'succeeded', 'dead')),\n    \
         attempts INTEGER NOT NULL DEFAULT 0,\n    \
         max_attempts INTEGER NOT NULL,\n    \
         run_after {at} NOT NULL,\n    \
         locked_until {at},\n    \
         last_error TEXT,\n    \
         {trace},\n    \
         created_at {at} NOT NULL,\n    \
         updated_at {at} NOT NULL\n);\n\n\
         CREATE UNIQUE INDEX {unique} ON {JOBS} (kind, idempotency_key);\n{}",
        indexes_sql(&job_indexes())
    )
}

/// The job queue's plain indexes, which `update` compares one by one: the workers' claim
/// (`due`), and one per filter of the admin's list (none, `state`, `kind`) in its order,
/// newest first: the filtered column, then `updated_at, id` (read backward).
/// `(state, updated_at, id)` also serves the pruning of finished jobs and `/metrics`'s count
/// by state.
pub fn job_indexes() -> Vec<Index> {
    let [_, due, state, kind, updated] = JOB_INDEXES;
    vec![
        plain_index(
            due,
            JOBS,
            "(run_after) WHERE state IN ('pending', 'running')",
            "What workers claim: due pending jobs, and running ones whose lease ran out.",
        ),
        plain_index(
            state,
            JOBS,
            "(state, updated_at, id)",
            "The admin's list by state, newest first, and the pruning of finished jobs.",
        ),
        plain_index(
            kind,
            JOBS,
            "(kind, updated_at, id)",
            "The admin's list by kind, newest first.",
        ),
        plain_index(
            updated,
            JOBS,
            "(updated_at, id)",
            "The admin's list, newest first.",
        ),
    ]
}

/// `CREATE INDEX name ON table columns;` with its comment.
fn plain_index(name: &str, table: &str, columns: &str, comment: &'static str) -> Index {
    Index {
        name: name.to_owned(),
        sql: format!("CREATE INDEX {name} ON {table} {columns};"),
        comment: Some(comment),
    }
}

/// Indexes as a create migration writes them: each after its comment.
fn indexes_sql(indexes: &[Index]) -> String {
    let mut out = String::new();
    for i in indexes {
        if let Some(comment) = i.comment {
            out.push_str(&format!("-- {comment}\n"));
        }
        out.push_str(&i.sql);
        out.push('\n');
    }
    out
}

/// The plain indexes of a service table as a backend-gen from before its admin lists were
/// served by indexes wrote them: the job queue's `(state, updated_at)`, the deliveries'
/// `(job_id)`, none on the subscriptions. `update` adds the admin lists' indexes to such a
/// project (see `migrate::Earlier`). `None` for a table whose indexes did not change.
pub fn earlier_admin_indexes(table: &str) -> Option<Vec<Index>> {
    let mut indexes = match table {
        JOBS => job_indexes(),
        DELIVERIES => delivery_indexes(),
        WEBHOOKS => return Some(Vec::new()),
        _ => return None,
    };
    indexes.retain(|i| {
        [JOB_INDEXES[1], JOB_INDEXES[2], DELIVERY_INDEXES[1]].contains(&i.name.as_str())
    });
    for i in &mut indexes {
        if i.name == JOB_INDEXES[2] {
            i.sql = format!("CREATE INDEX {} ON {JOBS} (state, updated_at);", i.name);
        }
    }
    Some(indexes)
}

/// The migration of the idempotency keys: one row per caller (`scope`, empty without auth)
/// and key, with a fingerprint of the request and, once answered, the answer to replay.
pub fn create_idempotency_keys(dialect: Dialect) -> String {
    let at = dialect.timestamp_type();
    let headers = dialect.kind_type(Kind::Json);
    format!(
        "-- Idempotency-Key: each POST's first answer, replayed for the same key and request.\n\
         CREATE TABLE {IDEMPOTENCY} (\n    \
         scope TEXT NOT NULL,\n    \
         key TEXT NOT NULL,\n    \
         fingerprint TEXT NOT NULL,\n    \
         status INTEGER,\n    \
         headers {headers},\n    \
         body TEXT,\n    \
         created_at {at} NOT NULL,\n    \
         expires_at {at} NOT NULL,\n    \
         PRIMARY KEY (scope, key)\n);\n\n\
         CREATE INDEX {IDEMPOTENCY_INDEX} ON {IDEMPOTENCY} (expires_at);\n"
    )
}

/// The migration of the exports a job prepares (`POST /auth/me/exports`, or an admin's
/// `POST /<accounts>/{id}/exports`): whose data (`account_id`) for whom (`requested_by`, who
/// alone reads it), the document once ready (sealed where the service has personal data),
/// or why it failed; each is fetched once, and deleted then or when it expires, or when
/// either account is erased.
pub fn create_account_exports(dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let [account, expires] = ACCOUNT_EXPORT_INDEXES;
    format!(
        "-- Account exports a job prepares, each fetched once before it expires.\n\
         CREATE TABLE {ACCOUNT_EXPORTS} (\n    \
         id {id} PRIMARY KEY,\n    \
         account_id {id} NOT NULL,\n    \
         requested_by {id} NOT NULL,\n    \
         document TEXT,\n    \
         failure TEXT,\n    \
         created_at {at} NOT NULL,\n    \
         ready_at {at},\n    \
         expires_at {at} NOT NULL\n);\n\n\
         CREATE INDEX {account} ON {ACCOUNT_EXPORTS} (account_id);\n\
         CREATE INDEX {expires} ON {ACCOUNT_EXPORTS} (expires_at);\n"
    )
}

/// The migration of the keys that sealed personal data: one row per key id, holding a
/// known text sealed under that key (`check_value`), which start-up opens with the key of
/// that id it was given; the blind index key's row (`index`) holds its hash of the text.
/// `retired_at` is set once `rotate-keys` has moved every value off the key.
pub fn create_data_keys(dialect: Dialect) -> String {
    let at = dialect.timestamp_type();
    format!(
        "-- The keys personal data was sealed with, each with a check value.\n\
         CREATE TABLE {DATA_KEYS} (\n    \
         key_id TEXT PRIMARY KEY NOT NULL,\n    \
         check_value TEXT NOT NULL,\n    \
         created_at {at} NOT NULL,\n    \
         retired_at {at}\n);\n"
    )
}

/// The migration of the audit trail: one row per write to an audited resource, written in
/// the write's transaction and never changed (only the retention prune deletes). `actor` says
/// who wrote (`account`, `anonymous`, or `service`: an erasure heard from another service),
/// `actor_id` which account; `old_values` and `new_values` hold the changed fields that are not
/// personal, as the API shows them. The id is a UUIDv7, so it orders rows as they were
/// written and breaks ties between rows of one instant. Under `[tenancy]` an entry of a
/// tenant's row names its tenant ([`row_tenant`]).
pub fn create_audit_log(tenancy: bool, dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let json = dialect.kind_type(Kind::Json);
    let tenant = tenant_line(tenancy, dialect);
    format!(
        "-- The audit trail: who changed which row, how, and when.\n\
         CREATE TABLE {AUDIT_LOG} (\n    \
         id {id} PRIMARY KEY,\n    \
         occurred_at {at} NOT NULL,\n    \
         actor TEXT NOT NULL,\n    \
         actor_id {id},\n    \
         actor_roles {json} NOT NULL,\n    \
         resource TEXT NOT NULL,\n    \
         row_id {id} NOT NULL,\n    \
         action TEXT NOT NULL,\n    \
         fields {json} NOT NULL,\n    \
         old_values {json},\n    \
         new_values {json},\n    \
         request_id TEXT,\n    \
         trace_id TEXT{tenant}\n);\n\n{}",
        indexes_sql(&audit_indexes(tenancy))
    )
}

/// The column of the audit trail, the outbox and the webhook subscriptions that names the
/// tenant of a row (`[tenancy]`): an entry's or an event's row, or the tenant whose admin
/// made a subscription; NULL for a row every tenant shares, or the platform's subscription.
/// No foreign key (an entry or an event outlives its tenant) and no row-level policy: the
/// platform's admin and the outbox relay reach every tenant's, a tenant's admin its own, as
/// the code scopes them (docs/decisions/tenancy.md). Listed among the table's columns, last,
/// so that `update` adds it to a project whose table predates it.
pub fn row_tenant(dialect: Dialect) -> Column {
    Column::fixed(TENANT_ID, dialect.id_type(), false)
}

/// The last line of a create that names [`row_tenant`], under `[tenancy]`.
fn tenant_line(tenancy: bool, dialect: Dialect) -> String {
    match tenancy {
        true => format!(",\n    {}", row_tenant(dialect).definition()),
        false => String::new(),
    }
}

/// `table` as a backend-gen from before the rows of the tables in `tables` named a tenant
/// wrote it: without [`row_tenant`] and the index that leads with it (`indexes`). `update`
/// adds both to such a project (see `migrate::Earlier`): the audit trail's, and the outbox's
/// and the webhook subscriptions'.
pub fn without_row_tenant(table: &mut Table, tables: &[&str], indexes: &[&str]) {
    if !tables.contains(&table.name.as_str()) {
        return;
    }
    let Some(at) = table.columns.iter().position(|c| c.name == TENANT_ID) else {
        return;
    };
    let column = table.columns.remove(at);
    let line = format!(",\n    {}", column.definition());
    table.create = table.create.replace(&line, "");
    for index in table
        .indexes
        .iter()
        .filter(|i| indexes.contains(&i.name.as_str()))
    {
        let comment = index
            .comment
            .map(|c| format!("-- {c}\n"))
            .unwrap_or_default();
        table.create = table
            .create
            .replace(&format!("{comment}{}\n", index.sql), "");
    }
    table
        .indexes
        .retain(|i| !indexes.contains(&i.name.as_str()));
}

/// [`without_row_tenant`] for the audit trail.
pub fn without_audit_tenant(table: &mut Table) {
    without_row_tenant(table, &[AUDIT_LOG], &AUDIT_INDEXES[4..]);
}

/// [`without_row_tenant`] for the outbox and the webhook subscriptions.
pub fn without_event_tenant(table: &mut Table) {
    without_row_tenant(table, &[OUTBOX, WEBHOOKS], &WEBHOOK_INDEXES[1..]);
}

/// The audit trail's indexes, one per access path of its admin list, newest first: by time
/// (which also serves the retention prune), by row, by resource, by actor: the filtered
/// column, then `occurred_at, id`; and under `[tenancy]` by tenant, a tenant's admin's list.
pub fn audit_indexes(tenancy: bool) -> Vec<Index> {
    let [time, row, resource, actor, tenant] = AUDIT_INDEXES;
    let mut indexes = vec![
        plain_index(
            time,
            AUDIT_LOG,
            "(occurred_at, id)",
            "The admin's list, newest first, and the retention prune.",
        ),
        plain_index(
            row,
            AUDIT_LOG,
            "(row_id, occurred_at, id)",
            "The admin's list of one row's history.",
        ),
        plain_index(
            resource,
            AUDIT_LOG,
            "(resource, occurred_at, id)",
            "The admin's list of one resource's writes.",
        ),
        plain_index(
            actor,
            AUDIT_LOG,
            "(actor_id, occurred_at, id)",
            "The admin's list of one account's writes.",
        ),
    ];
    if tenancy {
        indexes.push(plain_index(
            tenant,
            AUDIT_LOG,
            "(tenant_id, occurred_at, id)",
            "A tenant's entries, as its admin lists them.",
        ));
    }
    indexes
}

/// The migration of the webhook subscriptions. The secret signs every delivery; it is
/// shown once, when the subscription is made. `consecutive_failures` counts failed
/// attempts since the last delivered one, and disables the subscription past a limit. Under
/// `[tenancy]` a tenant's admin's subscription names its tenant ([`row_tenant`]).
pub fn create_webhooks(tenancy: bool, dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let tenant = tenant_line(tenancy, dialect);
    let events = dialect.kind_type(Kind::Json);
    let boolean = dialect.kind_type(Kind::Boolean);
    format!(
        "-- Webhook subscriptions: where the service sends its events, signed.\n\
         CREATE TABLE {WEBHOOKS} (\n    \
         id {id} PRIMARY KEY,\n    \
         url TEXT NOT NULL,\n    \
         events {events} NOT NULL,\n    \
         active {boolean} NOT NULL,\n    \
         secret TEXT NOT NULL,\n    \
         consecutive_failures INTEGER NOT NULL DEFAULT 0,\n    \
         created_at {at} NOT NULL,\n    \
         updated_at {at} NOT NULL{tenant}\n);\n\n{}",
        indexes_sql(&webhook_indexes(tenancy))
    )
}

/// The subscriptions' indexes: the admin's list, newest first; under `[tenancy]`, a
/// tenant's admin's list, and the relay's fan-out, by tenant.
pub fn webhook_indexes(tenancy: bool) -> Vec<Index> {
    let [all, tenant] = WEBHOOK_INDEXES;
    let mut indexes = vec![plain_index(
        all,
        WEBHOOKS,
        "(created_at, id)",
        "The admin's list, newest first.",
    )];
    if tenancy {
        indexes.push(plain_index(
            tenant,
            WEBHOOKS,
            "(tenant_id, created_at, id)",
            "A tenant's admin's list, newest first.",
        ));
    }
    indexes
}

/// The migration of the delivery log: one row per event and subscription, whose job (a
/// `webhook_delivery`) holds its state, attempts and next attempt; pruning the job prunes
/// the row.
pub fn create_deliveries(dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let unique = DELIVERY_INDEXES[0];
    format!(
        "-- Webhook deliveries: each event sent to each subscription, as a job.\n\
         CREATE TABLE {DELIVERIES} (\n    \
         id {id} PRIMARY KEY,\n    \
         subscription_id {id} NOT NULL REFERENCES {WEBHOOKS} (id) ON DELETE CASCADE,\n    \
         job_id {id} NOT NULL REFERENCES {JOBS} (id) ON DELETE CASCADE,\n    \
         event_id {id} NOT NULL,\n    \
         event_type TEXT NOT NULL,\n    \
         last_status INTEGER,\n    \
         created_at {at} NOT NULL\n);\n\n\
         CREATE UNIQUE INDEX {unique} ON {DELIVERIES} (subscription_id, event_id);\n{}",
        indexes_sql(&delivery_indexes())
    )
}

/// The deliveries' plain indexes: a job's delivery (the pruning of its job deletes it), and
/// a subscription's delivery log, newest first.
pub fn delivery_indexes() -> Vec<Index> {
    let [_, job, subscription] = DELIVERY_INDEXES;
    vec![
        plain_index(job, DELIVERIES, "(job_id)", "A job's delivery."),
        plain_index(
            subscription,
            DELIVERIES,
            "(subscription_id, created_at, id)",
            "A subscription's delivery log (the admin's list), newest first.",
        ),
    ]
}

fn sql_comment(description: &str, fallback: &str) -> String {
    let text = if description.is_empty() {
        fallback
    } else {
        description
    };
    crate::layout::one_line(text)
}

/// `table` as a backend-gen from before emails were compared case-insensitively wrote it:
/// the account's unique email index on the column itself. `update` migrates such a
/// project's index to the folded one (see `migrate::Earlier`).
pub fn with_case_sensitive_email(spec: &Spec, table: &mut Table) {
    let Some(account) = spec.resources.iter().find(|r| spec.is_account(r)) else {
        return;
    };
    if table.name != account.names.plural_snake {
        return;
    }
    let folded = format!("({})", compared(true, ACCOUNT_EMAIL_COLUMN));
    for index in &mut table.indexes {
        if index.comment == Some(ACCOUNT_EMAIL_COMMENT) {
            index.sql = index
                .sql
                .replace(&folded, &format!("({ACCOUNT_EMAIL_COLUMN})"));
            index.comment = None;
        }
    }
}

/// The resource whose table `table` is, if it is one.
fn resource_of<'a>(spec: &'a Spec, table: &Table) -> Option<&'a Resource> {
    (spec.resources.iter())
        .find(|r| r.names.plural_snake == table.name && table.kind == TableKind::Resource)
}

/// `table` as a backend-gen from before 2026-12-05 wrote it: without the columns PostgreSQL
/// generates for a per-tenant table's lists (`ListColumn`), and with list indexes on the
/// decimals and the texts' `left()` themselves. `update` adds them to such a project (see
/// `migrate::Earlier::tenant_list_columns`).
pub fn without_list_columns(spec: &Spec, table: &mut Table, dialect: Dialect) {
    let Some(r) = resource_of(spec, table) else {
        return;
    };
    if !(table.columns.iter()).any(|c| matches!(c.value, Value::Generated(_))) {
        return;
    }
    table
        .columns
        .retain(|c| !matches!(c.value, Value::Generated(_)));
    let current = list_indexes(spec, r, dialect);
    table.indexes.retain(|i| !current.contains(i));
    table
        .indexes
        .extend(list_indexes_of(spec, r, dialect, false));
}

/// `table` as a backend-gen from before lists were served by indexes wrote its indexes:
/// the unique ones, a plain index on each foreign key and `(created_at, id)` (never
/// partial). `update` adds the list indexes to such a project (see `migrate::Earlier`).
pub fn with_earlier_list_indexes(spec: &Spec, table: &mut Table) {
    let Some(r) = resource_of(spec, table) else {
        return;
    };
    let quoted = &r.names.plural_sql;
    table
        .indexes
        .retain(|index| index.sql.starts_with("CREATE UNIQUE INDEX "));
    for b in &r.belongs_to {
        let column = format!("{}_id", b.names.snake);
        let name = index(&table.name, &column);
        table.indexes.push(Index {
            sql: format!("CREATE INDEX {name} ON {quoted} ({});", sql_ident(&column)),
            name,
            comment: None,
        });
    }
    if r.timestamps {
        let name = index(&table.name, "created_at");
        table.indexes.push(Index {
            sql: format!("CREATE INDEX {name} ON {quoted} (created_at, id);"),
            name,
            comment: Some("Lists are read newest first."),
        });
    }
}

const ACCOUNT_EMAIL_COMMENT: &str =
    "One account per address, whatever the case of its letters; the address is kept as typed.";
