//! The SQL text of every query a generated resource runs. Queries are
//! written once here, laid out for reading, and printed by the templates as
//! string constants; values are always `$n` parameters (which SQLite and
//! PostgreSQL both accept), never formatted into the text.
//!
//! Tables and columns whose names SQL reserves are quoted (`"order"`, see
//! `names::sql_ident`). The query texts of `ResourceSql`, `LinkSql` and `taken` go between
//! the quotes of Rust string constants, so their own quotes come escaped (`\"order\"`);
//! migrations are plain SQL.

use serde::Serialize;

use crate::dialect::Dialect;
use crate::names::sql_ident;
use crate::spec::schema_names::{
    ACCOUNT_TOKEN_INDEXES, DELIVERY_INDEXES, IDEMPOTENCY_INDEX, JOB_INDEXES, OUTBOX_INDEXES,
    REFRESH_TOKEN_INDEXES, SESSION_INDEX, index, unique_index,
};
use crate::spec::{Database, Kind, Resource, Spec};
use crate::table::{Column, Constraint, Index, Table, TableKind};

// The tables' and indexes' names are the spec's (validation compares them); the queries
// and migrations here are written with them.
pub use crate::spec::schema_names::{
    ACCOUNT_TOKENS, DELIVERIES, EMAIL_VERIFICATIONS, IDEMPOTENCY, JOBS, MAX_IDENTIFIER, OUTBOX,
    REFRESH_TOKENS, SESSIONS, WEBHOOKS, identifier, join_table, primary_key, schema_objects,
};

/// How wide a clause line may get before its list wraps.
const WRAP: usize = 88;

#[derive(Debug, Clone, Serialize)]
pub struct ResourceSql {
    pub select_one: String,
    pub exists: String,
    pub list: String,
    pub count: String,
    pub insert: String,
    pub update: String,
    pub delete: String,
    /// Accounts only: the row and password hash for an email, and the roles update.
    pub find_login: String,
    pub set_roles: String,
    /// The account's: replaces its password hash (reset, change), returning the email;
    /// and the email of an account.
    pub set_password: String,
    pub account_email: String,
    /// Owned through parents (`owner = "order.customer"`): the owner of the parent whose id is
    /// `$1`, and the list condition for rows of one owner, up to that owner's id (each `IN`
    /// subquery then needs its `)`).
    pub owner_of_parent: String,
    pub owned_through: String,
}

/// The SQL that follows an owner path from `r` through its parents to the user: see
/// [`ResourceSql::owner_of_parent`]. Subqueries name their own tables' columns unqualified,
/// which SQL resolves in the innermost table first.
fn through_parents(spec: &Spec, r: &Resource, path: &[String]) -> (String, String) {
    let mut at = r;
    let mut tables = Vec::new();
    for step in &path[..path.len() - 1] {
        let relation = at
            .belongs_to
            .iter()
            .find(|b| b.names.snake == *step)
            .expect("a validated owner path");
        at = spec
            .resource(&relation.target)
            .expect("a validated owner path");
        tables.push(at.names.plural_sql.as_str());
    }
    let mut owner = "$1".to_string();
    for (table, step) in tables.iter().zip(&path[1..]) {
        owner = format!(
            "SELECT {} FROM {table} WHERE id = ({owner})",
            foreign_key(step)
        );
    }
    let owner = owner.replacen("($1)", "$1", 1);
    let mut condition = String::new();
    for (step, table) in path.iter().zip(&tables) {
        condition.push_str(&format!(
            "{} IN (SELECT id FROM {table} WHERE ",
            foreign_key(step)
        ));
    }
    condition.push_str(&format!("{} = ", foreign_key(&path[path.len() - 1])));
    (owner, condition)
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkSql {
    /// The list condition for rows linked to an id, up to that id's parameter.
    pub linked: String,
    pub link: String,
    pub unlink: String,
}

/// The columns a resource's rows have, in the order of its Rust struct, as SQL
/// identifiers. An account's `password_hash` is never among them: no read can return it.
pub fn columns(r: &Resource, account: bool) -> Vec<String> {
    let mut out = vec!["id".to_string()];
    out.extend(r.belongs_to.iter().map(|b| foreign_key(&b.names.snake)));
    out.extend(r.fields.iter().map(|f| f.names.sql.clone()));
    if account {
        out.push("roles".into());
    }
    if r.versioned {
        out.push("version".into());
    }
    if r.timestamps {
        out.push("created_at".into());
        out.push("updated_at".into());
    }
    out
}

/// The columns an insert or update writes: foreign keys, then fields.
fn writable(r: &Resource) -> Vec<String> {
    let mut out: Vec<String> = r
        .belongs_to
        .iter()
        .map(|b| foreign_key(&b.names.snake))
        .collect();
    out.extend(r.fields.iter().map(|f| f.names.sql.clone()));
    out
}

/// The foreign-key column of a relation, as an SQL identifier.
fn foreign_key(relation: &str) -> String {
    sql_ident(&format!("{relation}_id"))
}

/// Query text as it goes between the quotes of a Rust string constant.
pub fn rust_text(sql: String) -> String {
    sql.replace('\\', "\\\\").replace('"', "\\\"")
}

fn live(r: &Resource) -> &'static str {
    if r.soft_delete {
        " AND deleted_at IS NULL"
    } else {
        ""
    }
}

/// `KEYWORD a, b, c` with the list wrapped onto indented lines past `WRAP`.
fn clause(keyword: &str, items: &[String]) -> String {
    let mut lines = vec![format!("    {keyword}")];
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        let last = lines.last_mut().expect("one line at least");
        if last.len() + 1 + piece.len() > WRAP && i > 0 {
            lines.push(format!("        {piece}"));
        } else {
            last.push(' ');
            last.push_str(&piece);
        }
    }
    lines.join("\n")
}

/// Joins clause lines into the text of a Rust string constant that starts
/// on its own line (`"\n    SELECT ..."`).
fn query(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push('\n');
        out.push_str(line);
    }
    out
}

fn params(from: usize, count: usize) -> Vec<String> {
    (from..from + count).map(|i| format!("${i}")).collect()
}

impl ResourceSql {
    pub fn new(spec: &Spec, r: &Resource) -> Self {
        let account = spec.is_account(r);
        let table = &r.names.plural_sql;
        let select = clause("SELECT", &columns(r, account));
        let from = format!("    FROM {table}");
        let returning = clause("RETURNING", &columns(r, account));
        let live = live(r);

        let mut insert_columns = vec!["id".to_string()];
        insert_columns.extend(writable(r));
        if account {
            insert_columns.push("password_hash".into());
            insert_columns.push("roles".into());
        }
        let mut values = params(1, insert_columns.len());
        if r.timestamps {
            let now = format!("${}", insert_columns.len() + 1);
            insert_columns.push("created_at".into());
            insert_columns.push("updated_at".into());
            values.push(now.clone());
            values.push(now);
        }
        let insert = query(&[
            clause(&format!("INSERT INTO {table} ("), &insert_columns).replacen("( ", "(", 1) + ")",
            clause("VALUES (", &values).replacen("( ", "(", 1) + ")",
            returning.clone(),
        ]);

        // A direct owner key is written only when a body names one (roles in `owner_set_by`):
        // `COALESCE` keeps the stored owner otherwise.
        let owner = r.owner.as_ref().and_then(|o| o.relation()).map(foreign_key);
        let mut sets: Vec<String> = writable(r)
            .iter()
            .filter(|c| Some(*c) != owner.as_ref())
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 2))
            .collect();
        let mut next = sets.len() + 2;
        if r.timestamps {
            sets.push(format!("updated_at = ${next}"));
            next += 1;
        }
        if let Some(owner) = &owner {
            sets.push(format!("{owner} = COALESCE(${next}, {owner})"));
            next += 1;
        }
        let mut condition = format!("    WHERE id = $1{live}");
        if r.versioned {
            sets.push("version = version + 1".into());
            condition.push_str(&format!(" AND version = COALESCE(${next}, version)"));
        }
        let update = query(&[
            format!("    UPDATE {table}"),
            clause("SET", &sets),
            condition,
            returning.clone(),
        ]);

        let delete = if r.soft_delete {
            let touched = if r.timestamps {
                ", updated_at = $2"
            } else {
                ""
            };
            query(&[
                format!("    UPDATE {table}"),
                format!("    SET deleted_at = $2{touched}"),
                "    WHERE id = $1 AND deleted_at IS NULL".into(),
            ])
        } else {
            query(&[
                format!("    DELETE FROM {table}"),
                "    WHERE id = $1".into(),
            ])
        };

        let (find_login, set_roles, set_password, account_email) = if account {
            let mut login_columns = columns(r, account);
            login_columns.push("password_hash".into());
            let touched = if r.timestamps {
                ", updated_at = $3"
            } else {
                ""
            };
            (
                query(&[
                    clause("SELECT", &login_columns),
                    from.clone(),
                    format!(
                        "    WHERE {} = {}{live}",
                        compared(true, ACCOUNT_EMAIL_COLUMN),
                        compared(true, "$1")
                    ),
                ]),
                query(&[
                    format!("    UPDATE {table}"),
                    format!("    SET roles = $2{touched}"),
                    format!("    WHERE id = $1{live}"),
                    returning.clone(),
                ]),
                query(&[
                    format!("    UPDATE {table}"),
                    "    SET password_hash = $2".into(),
                    format!("    WHERE id = $1{live}"),
                    "    RETURNING email".into(),
                ]),
                query(&[
                    "    SELECT email".into(),
                    from.clone(),
                    format!("    WHERE id = $1{live}"),
                ]),
            )
        } else {
            (String::new(), String::new(), String::new(), String::new())
        };
        let (owner_of_parent, owned_through) = match &r.owner {
            Some(owner) if owner.relation().is_none() => through_parents(spec, r, &owner.path),
            _ => (String::new(), String::new()),
        };
        Self {
            owner_of_parent: rust_text(owner_of_parent),
            owned_through: rust_text(owned_through),
            find_login: rust_text(find_login),
            set_roles: rust_text(set_roles),
            set_password: rust_text(set_password),
            account_email: rust_text(account_email),
            select_one: rust_text(query(&[
                select.clone(),
                from.clone(),
                format!("    WHERE id = $1{live}"),
            ])),
            exists: rust_text(query(&[format!(
                "    SELECT 1 FROM {table} WHERE id = $1{live}"
            )])),
            // Lists add their own conditions, order and page (the service's list.rs).
            list: rust_text(query(&[select, from])),
            count: rust_text(format!("SELECT COUNT(*) FROM {table}")),
            insert: rust_text(insert),
            update: rust_text(update),
            delete: rust_text(delete),
        }
    }
}

impl LinkSql {
    /// Links from `owner` (the declaring side) to `target` through `join`.
    pub fn new(owner: &Resource, target: &Resource, join: &str) -> Self {
        let own = foreign_key(&owner.names.snake);
        let other = foreign_key(&target.names.snake);
        let join = sql_ident(join);
        Self {
            linked: rust_text(format!(
                "\n    id IN (SELECT {other} FROM {join} WHERE {own} = "
            )),
            link: rust_text(query(&[
                format!("    INSERT INTO {join} ({own}, {other})"),
                "    VALUES ($1, $2)".into(),
                "    ON CONFLICT DO NOTHING".into(),
            ])),
            unlink: rust_text(query(&[format!(
                "    DELETE FROM {join} WHERE {own} = $1 AND {other} = $2"
            )])),
        }
    }
}

/// A resource's table in one dialect: its columns, its foreign-key indexes and its
/// unique indexes (partial on live rows when soft-deleted, so a deleted row does not
/// hold on to its unique values) one by one, as `update` compares them, and the
/// migration that creates it all.
pub fn resource_table(spec: &Spec, r: &Resource, dialect: Dialect) -> Table {
    let table = &r.names.plural_snake;
    let quoted = &r.names.plural_sql;
    let mut id = Column::fixed("id", dialect.id_type(), true);
    id.primary_key = true;
    let mut columns = vec![id];
    for b in &r.belongs_to {
        let parent = spec
            .resource(&b.target)
            .map_or_else(|| sql_ident(&b.target), |p| p.names.plural_sql.clone());
        let name = format!("{}_id", b.names.snake);
        let mut column = Column::fixed(&name, dialect.id_type(), b.required);
        column.references = Some(Constraint {
            name: identifier(format!("{table}_{name}_fkey")),
            body: format!("{parent} (id) ON DELETE {}", b.on_delete.sql()),
        });
        columns.push(column);
    }
    for f in &r.fields {
        columns.push(Column::field(dialect, table, f));
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
    let definitions: Vec<String> = columns.iter().map(Column::definition).collect();
    out.push_str(&format!(
        "CREATE TABLE {quoted} (\n    {}\n);\n",
        definitions.join(",\n    ")
    ));
    let mut indexes = Vec::new();
    for b in &r.belongs_to {
        let column = format!("{}_id", b.names.snake);
        let name = index(table, &column);
        indexes.push(Index {
            sql: format!("CREATE INDEX {name} ON {quoted} ({});", sql_ident(&column)),
            name,
            comment: None,
        });
    }
    for f in r.fields.iter().filter(|f| f.unique) {
        let live = if r.soft_delete {
            " WHERE deleted_at IS NULL"
        } else {
            ""
        };
        let name = unique_index(table, &f.names.snake);
        let folded = folds_case(spec, r, &f.names.sql);
        let key = compared(folded, &f.names.sql);
        indexes.push(Index {
            sql: format!("CREATE UNIQUE INDEX {name} ON {quoted} ({key}){live};"),
            name,
            comment: folded.then_some(ACCOUNT_EMAIL_COMMENT),
        });
    }
    if r.timestamps {
        let name = index(table, "created_at");
        indexes.push(Index {
            sql: format!("CREATE INDEX {name} ON {quoted} (created_at, id);"),
            name,
            comment: Some("Lists are read newest first."),
        });
    }
    if !indexes.is_empty() {
        out.push('\n');
        for i in &indexes {
            if let Some(comment) = i.comment {
                out.push_str(&format!("-- {comment}\n"));
            }
            out.push_str(&i.sql);
            out.push('\n');
        }
    }
    Table {
        name: table.clone(),
        quoted: quoted.clone(),
        kind: TableKind::Resource,
        columns,
        indexes,
        create: out,
    }
}

/// The migration of a many-to-many join table: a composite primary key
/// (which also serves lookups from the owner) and an index for the other side.
pub fn create_join_table(owner: &Resource, target: &Resource, dialect: Dialect) -> String {
    let join = join_table(owner, target);
    let (own, other) = (
        foreign_key(&owner.names.snake),
        format!("{}_id", target.names.snake),
    );
    let id = dialect.id_type();
    format!(
        "-- Links {} and {} (many-to-many). A link dies with either side.\n\
         CREATE TABLE {quoted} (\n    \
         {own} {id} NOT NULL REFERENCES {} (id) ON DELETE CASCADE,\n    \
         {other_sql} {id} NOT NULL REFERENCES {} (id) ON DELETE CASCADE,\n    \
         PRIMARY KEY ({own}, {other_sql})\n);\n\n\
         {}\n",
        owner.names.plural_words,
        target.names.plural_words,
        owner.names.plural_sql,
        target.names.plural_sql,
        join_index(owner, target).sql,
        quoted = sql_ident(&join),
        other_sql = sql_ident(&other),
    )
}

/// A join table's index on its other side (its primary key serves the owner's).
pub fn join_index(owner: &Resource, target: &Resource) -> Index {
    let join = join_table(owner, target);
    let other = format!("{}_id", target.names.snake);
    let name = index(&join, &other);
    Index {
        sql: format!(
            "CREATE INDEX {name} ON {} ({});",
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
         ended_at {at}\n);\n\n\
         CREATE INDEX {SESSION_INDEX} ON {SESSIONS} (user_id);\n"
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

/// The accounts' table, which the jwt flow's tables refer to.
fn account_table(spec: &Spec) -> &str {
    spec.resource(crate::spec::ACCOUNT)
        .map_or("users", |r| r.names.plural_sql.as_str())
}

/// The migration of the outbox: one row per event, written in the transaction of the change
/// it describes. `seq` orders them as they committed (per aggregate too); the relay
/// publishes the rows whose `published_at` is unset, oldest first, and sets it.
pub fn create_outbox(dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let seq = match dialect.0 {
        // The row id: one writer at a time gives it in commit order. (AUTOINCREMENT would
        // add `sqlite_sequence`, which no down migration can drop.)
        Database::Sqlite => "INTEGER PRIMARY KEY",
        Database::Postgres => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    };
    let data = dialect.kind_type(Kind::Json);
    let [id_unique, pending] = OUTBOX_INDEXES;
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
         published_at {at}\n);\n\n\
         CREATE UNIQUE INDEX {id_unique} ON {OUTBOX} (id);\n\
         -- The events still to publish, oldest first.\n\
         CREATE INDEX {pending} ON {OUTBOX} (seq) WHERE published_at IS NULL;\n"
    )
}

/// The migration of the job queue. A job is `pending` until a worker claims it (`running`,
/// leased until `locked_until`), then `succeeded`, `pending` again after a failed attempt
/// (from `run_after`), or `dead` once its attempts are spent. `(kind, idempotency_key)` is
/// unique, so a job enqueued twice under one key exists once (rows without a key never
/// clash: NULLs are distinct in both databases).
pub fn create_jobs(dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let payload = dialect.kind_type(Kind::Json);
    let [unique, due, state] = JOB_INDEXES;
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
         created_at {at} NOT NULL,\n    \
         updated_at {at} NOT NULL\n);\n\n\
         CREATE UNIQUE INDEX {unique} ON {JOBS} (kind, idempotency_key);\n\
         -- What workers claim: due pending jobs, and running ones whose lease ran out.\n\
         CREATE INDEX {due} ON {JOBS} (run_after) WHERE state IN ('pending', 'running');\n\
         -- The admin's lists by state, newest first, and the pruning of finished jobs.\n\
         CREATE INDEX {state} ON {JOBS} (state, updated_at);\n"
    )
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

/// The migration of the webhook subscriptions. The secret signs every delivery; it is
/// shown once, when the subscription is made. `consecutive_failures` counts failed
/// attempts since the last delivered one, and disables the subscription past a limit.
pub fn create_webhooks(dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
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
         updated_at {at} NOT NULL\n);\n"
    )
}

/// The migration of the delivery log: one row per event and subscription, whose job (a
/// `webhook_delivery`) holds its state, attempts and next attempt; pruning the job prunes
/// the row.
pub fn create_deliveries(dialect: Dialect) -> String {
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    let [unique, job] = DELIVERY_INDEXES;
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
         CREATE UNIQUE INDEX {unique} ON {DELIVERIES} (subscription_id, event_id);\n\
         CREATE INDEX {job} ON {DELIVERIES} (job_id);\n"
    )
}

fn sql_comment(description: &str, fallback: &str) -> String {
    let text = if description.is_empty() {
        fallback
    } else {
        description
    };
    crate::layout::one_line(text)
}

/// Whether another live row holds a unique value: `$1` the value, `$2` the
/// row being written (which may hold it itself).
pub fn taken(spec: &Spec, r: &Resource, column: &str) -> String {
    let folded = folds_case(spec, r, column);
    rust_text(query(&[format!(
        "    SELECT 1 FROM {} WHERE {} = {} AND id <> $2{}",
        r.names.plural_sql,
        compared(folded, column),
        compared(folded, "$1"),
        live(r)
    )]))
}

/// Whether a unique index and lookups compare `column` of `r` with the case of its letters
/// folded: only an account's email, which is one address whatever the case of its letters
/// (`Ann@example.com` is `ann@example.com`); the row keeps the address as typed.
fn folds_case(spec: &Spec, r: &Resource, column: &str) -> bool {
    spec.is_account(r) && column == ACCOUNT_EMAIL_COLUMN
}

/// The account's email column (`spec::validate` gives every account one).
const ACCOUNT_EMAIL_COLUMN: &str = "email";

/// A column or a bound value as compared: folded with `lower`, which folds ASCII letters
/// in SQLite and every letter in PostgreSQL, on both sides of every comparison alike.
fn compared(folded: bool, sql: &str) -> String {
    if folded {
        format!("lower({sql})")
    } else {
        sql.to_owned()
    }
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

const ACCOUNT_EMAIL_COMMENT: &str =
    "One account per address, whatever the case of its letters; the address is kept as typed.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_identifiers_are_cut_with_a_hash_of_the_whole_name() {
        let short = "posts_author_id_idx".to_string();
        assert_eq!(identifier(short.clone()), short);
        let at_limit = "a".repeat(MAX_IDENTIFIER);
        assert_eq!(identifier(at_limit.clone()), at_limit);
        let (one, two) = (
            identifier(format!("{}_one_idx", "x".repeat(60))),
            identifier(format!("{}_two_idx", "x".repeat(60))),
        );
        assert_eq!(one.len(), MAX_IDENTIFIER);
        assert_ne!(one, two);
        assert_eq!(one, identifier(format!("{}_one_idx", "x".repeat(60))));
        // PostgreSQL's own name for a primary key keeps `_pkey` whole.
        assert_eq!(primary_key(&at_limit), format!("{}_pkey", "a".repeat(58)));
    }

    /// An account's email is one address whatever the case of its letters: its unique index,
    /// the taken check and the login lookup all compare it folded. Another email field is
    /// compared as it is.
    #[test]
    fn an_accounts_email_is_compared_folded() {
        let source = "[auth]\nmode = \"jwt\"\n\n\
                      [resources.user.fields]\nname = { type = \"string\" }\n\n\
                      [resources.contact.fields]\n\
                      email = { type = \"string\", format = \"email\", unique = true }\n";
        let spec = crate::spec::parse("accounts.toml", source).unwrap();
        let user = spec.resource("user").unwrap();
        let table = resource_table(&spec, user, Dialect(crate::spec::Database::Postgres));
        assert!(
            table
                .create
                .contains("CREATE UNIQUE INDEX users_email_unique ON users (lower(email));"),
            "{}",
            table.create
        );
        assert!(
            ResourceSql::new(&spec, user)
                .find_login
                .contains("WHERE lower(email) = lower($1)")
        );
        let t = taken(&spec, user, "email");
        assert!(t.contains("lower(email) = lower($1)"), "{t}");
        let contact = spec.resource("contact").unwrap();
        let table = resource_table(&spec, contact, Dialect(crate::spec::Database::Sqlite));
        assert!(
            table
                .create
                .contains("CREATE UNIQUE INDEX contacts_email_unique ON contacts (email);")
        );
        assert!(taken(&spec, contact, "email").contains("email = $1 AND"));
    }

    #[test]
    fn queries_of_a_versioned_soft_deleted_resource() {
        let source = std::fs::read_to_string("examples/shop.toml").unwrap();
        let spec = crate::spec::parse("shop.toml", &source).unwrap();
        let product = spec.resource("product").unwrap();
        let sql = ResourceSql::new(&spec, product);
        assert_eq!(
            sql.update,
            "\n    UPDATE products\n    SET sku = $2, name = $3, description = $4, price = $5, cost_price = $6, stock = $7,\n        weight_grams = $8, rating = $9, active = $10, attributes = $11,\n        available_from = $12, homepage = $13, updated_at = $14, version = version + 1\n    WHERE id = $1 AND deleted_at IS NULL AND version = COALESCE($15, version)\n    RETURNING id, sku, name, description, price, cost_price, stock, weight_grams,\n        rating, active, attributes, available_from, homepage, version, created_at,\n        updated_at"
        );
        assert!(
            sql.insert.contains(
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)"
            ),
            "{}",
            sql.insert
        );
        assert_eq!(
            sql.exists,
            "\n    SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL"
        );
        let category = spec.resource("category").unwrap();
        let link = LinkSql::new(product, category, &join_table(product, category));
        assert_eq!(
            link.unlink,
            "\n    DELETE FROM product_categories WHERE product_id = $1 AND category_id = $2"
        );
    }
}
