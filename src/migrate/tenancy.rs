//! Turning tenancy on for a project with rows (`[tenancy]` added to its spec, issue 76):
//! a first tenant is inserted, every row of a per-tenant table becomes its, and every
//! account becomes its member with the roles it has. The per-tenant tables then change as
//! any table does (`tables.rs`: the tenant's column filled with the first tenant, the
//! indexes led by it, the keys with it, row-level security on PostgreSQL); the join tables
//! of per-tenant resources are copied here, since `tables.rs` changes a join table only
//! whole.
//!
//! Tenancy is turned on in an update of its own: with any other change in the same
//! update, the first tenant's row and the new columns would have to be ordered against
//! it. Turning it off, or changing which resources are per tenant, would merge or split
//! the tenants' rows, and is refused.

use std::collections::BTreeSet;

use super::fill::{Backfills, first_tenant};
use crate::cast::now;
use crate::dialect::Dialect;
use crate::names::sql_ident;
use crate::schema::{Table, tables};
use crate::spec::schema_names::{
    AUDIT_LOG, MEMBERSHIPS, SESSIONS, TENANT_ID, join_table, primary_key,
};
use crate::spec::{Database, Spec, Tenancy};

/// What turning tenancy on adds to one dialect's migration, beside the tables' own changes.
#[derive(Debug, Default)]
pub(super) struct TurnOn {
    /// The first tenant, the memberships and the sessions' tenant, after the new tables, before
    /// the new columns.
    pub(super) seed: Vec<String>,
    /// The join tables copied with their tenant, after the tables' own changes.
    pub(super) joins: Vec<String>,
    /// The tables changed here, which the table diff leaves alone: the join tables `joins`
    /// copies, and the sessions' new column in `seed`.
    pub(super) copied: BTreeSet<String>,
    pub(super) changes: Vec<String>,
    pub(super) refused: Vec<String>,
}

/// How tenancy changes from `old` to `new`, for one dialect: `None` when it does not.
pub(super) fn tenancy_change(
    old: &Spec,
    new: &Spec,
    old_tables: &[Table],
    backfills: &Backfills,
    dialect: Dialect,
) -> Option<TurnOn> {
    let mut out = TurnOn::default();
    match (&old.tenancy, &new.tenancy) {
        (None, None) => return None,
        (Some(was), Some(now)) if renamed(old, new, was) == *now => return None,
        (Some(_), None) => out.refused.push(
            "turning tenancy off would merge the tenants' rows (and their unique values): \
             update does not write it"
                .into(),
        ),
        (Some(_), Some(_)) => out.refused.push(
            "changing the tenant resource or the global ones would move rows between tenants: \
             update does not write it; change `[tenancy]` back"
                .into(),
        ),
        (None, Some(_)) => turn_on(old, new, old_tables, backfills, dialect, &mut out),
    }
    Some(out)
}

/// `tenancy` of `old` as `new` names its resources: a renamed tenant or shared resource
/// (`renamed_from`) is the same one, its rows where they were.
fn renamed(old: &Spec, new: &Spec, tenancy: &Tenancy) -> Tenancy {
    let name = |snake: &String| {
        (new.resources.iter())
            .find(|r| super::renames::was(old, new, r).is_some_and(|o| o.names.snake == *snake))
            .map_or_else(|| snake.clone(), |r| r.names.snake.clone())
    };
    Tenancy {
        tenant: name(&tenancy.tenant),
        global: tenancy.global.iter().map(name).collect(),
    }
}

fn turn_on(
    old: &Spec,
    new: &Spec,
    old_tables: &[Table],
    backfills: &Backfills,
    dialect: Dialect,
    out: &mut TurnOn,
) {
    let mut plain = new.clone();
    plain.tenancy = None;
    // The resources compared too: the tables miss what no migration names (a field's rules).
    if tables(&plain, dialect) != old_tables || old.resources != plain.resources {
        out.refused.push(
            "turn tenancy on in an update of its own: update to the spec without `[tenancy]` \
             first, then add the table"
                .into(),
        );
        return;
    }
    let Some(tenant) = new.tenant_resource() else {
        return;
    };
    let first = first_tenant(dialect);
    let at = now(dialect);
    // The first tenant's row: every required field without a default from `--backfill`.
    let table = &tenant.names.plural_snake;
    let mut columns = vec!["id".to_owned()];
    let mut values = vec![first.clone()];
    for f in &tenant.fields {
        if let Some(value) = backfills.get(&(table.clone(), f.names.snake.clone())) {
            columns.push(f.names.sql.clone());
            values.push(dialect.literal(value));
        } else if f.required && f.default.is_none() {
            // `--backfill` names the resource, as it does for a new column.
            out.refused.push(format!(
                "the first tenant needs a value for `{table}.{}`: give it with `--backfill {}.{}=VALUE`",
                f.names.snake, tenant.names.snake, f.names.snake
            ));
        }
        if f.personal {
            out.refused.push(format!(
                "`{table}.{}` is personal, and the first tenant's row cannot be sealed by a migration: make the field plain until tenancy is on",
                f.names.snake
            ));
        }
    }
    for b in tenant.belongs_to.iter().filter(|b| b.required) {
        out.refused.push(format!(
            "the first tenant needs its `{}`, which a migration cannot choose: make the relation optional until tenancy is on",
            b.names.snake
        ));
    }
    if tenant.timestamps {
        columns.extend(["created_at".into(), "updated_at".into()]);
        values.extend([at.clone(), at.clone()]);
    }
    out.changes.push(format!(
        "turn tenancy on: insert the first tenant into `{table}`, make every row of a per-tenant table its, and every account its member with the roles it has"
    ));
    let users = new
        .resource(crate::spec::ACCOUNT)
        .map_or("users", |r| r.names.plural_sql.as_str());
    // Only where there is something to put in it: a database with no account and no
    // per-tenant row (a new deployment's, a test's) gets no tenant it did not ask for.
    let holding = std::iter::once(users)
        .chain(
            (new.resources.iter())
                .filter(|r| new.is_per_tenant(r))
                .map(|r| r.names.plural_sql.as_str()),
        )
        .map(|t| format!("EXISTS (SELECT 1 FROM {t})"))
        .collect::<Vec<_>>()
        .join(" OR ");
    out.seed.push(format!(
        "INSERT INTO {} ({})\n    SELECT {}\n    WHERE {holding};",
        tenant.names.plural_sql,
        columns.join(", "),
        values.join(", ")
    ));
    out.seed.push(format!(
        "INSERT INTO {MEMBERSHIPS} ({TENANT_ID}, user_id, roles, created_at)\n    \
         SELECT {first}, id, roles, {at} FROM {users};"
    ));
    // A session from before keeps no tenant: its tokens name none until it switches.
    out.seed.push(format!(
        "ALTER TABLE {SESSIONS} ADD COLUMN {};",
        crate::sql::session_tenant(new, dialect)
    ));
    out.copied.insert(SESSIONS.to_owned());
    for r in new.resources.iter().filter(|r| new.is_per_tenant(r)) {
        for target in r.many_to_many.iter().filter_map(|t| new.resource(t)) {
            copy_join_table(new, r, target, dialect, &first, out);
        }
    }
    // The history of the rows moved into the first tenant moves with them, so that its
    // admin reads it; a shared resource's entries keep no tenant.
    let audited: Vec<String> = (new.resources.iter())
        .filter(|r| r.audit && new.is_per_tenant(r))
        .map(|r| format!("'{}'", r.names.snake))
        .collect();
    if !audited.is_empty() {
        out.joins.push(format!(
            "UPDATE {AUDIT_LOG} SET {TENANT_ID} = {first}\n    \
             WHERE resource IN ({})\n      \
             AND EXISTS (SELECT 1 FROM {} WHERE id = {first});",
            audited.join(", "),
            tenant.names.plural_sql
        ));
    }
}

/// A join table of a per-tenant resource copied into its new shape, each link its owner
/// row's tenant (the first one): the new table under another name, the links copied, the
/// old table dropped and the new one renamed, then its primary key's name (PostgreSQL),
/// its index and its policy.
fn copy_join_table(
    spec: &Spec,
    owner: &crate::spec::Resource,
    target: &crate::spec::Resource,
    dialect: Dialect,
    first: &str,
    out: &mut TurnOn,
) {
    let name = join_table(owner, target);
    let quoted = sql_ident(&name);
    let copy = sql_ident(&format!("new_{name}"));
    let (own, other) = crate::sql::join_columns(owner, target);
    let create = crate::sql::create_join_table(spec, owner, target, dialect);
    // The table's own statement (after its comment), then what follows it (the index, the
    // policy), which name the table as it will be called.
    let start = create
        .find("CREATE TABLE ")
        .expect("a join table's migration creates it");
    let (table_sql, rest) = create[start..]
        .split_once(");\n")
        .expect("a join table's statement ends its line");
    let table_sql = table_sql.replacen(&quoted, &copy, 1);
    let mut sql = vec![
        format!("{table_sql});"),
        format!(
            "INSERT INTO {copy} ({TENANT_ID}, {own}, {other})\n    SELECT {first}, {own}, {other} FROM {quoted};"
        ),
        format!("DROP TABLE {quoted};"),
        format!("ALTER TABLE {copy} RENAME TO {quoted};"),
    ];
    if dialect.0 == Database::Postgres {
        sql.push(format!(
            "ALTER INDEX {} RENAME TO {};",
            primary_key(&format!("new_{name}")),
            primary_key(&name)
        ));
    }
    sql.push(rest.trim().to_owned());
    out.changes
        .push(format!("copy table `{name}` with each link's tenant"));
    out.joins.push(sql.join("\n"));
    out.copied.insert(name);
}
