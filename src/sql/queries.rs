//! The queries a resource runs (`ResourceSql`), its many-to-many links' (`LinkSql`), and
//! the check that a unique value is free (`taken`).

use serde::Serialize;

use super::tables::TENANT_SETTING;
use super::text::{
    ACCOUNT_EMAIL_COLUMN, clause, compared, folds_case, foreign_key, live, params, query, rust_text,
};
use crate::names::sql_ident;
use crate::spec::schema_names::TENANT_ID;
use crate::spec::{Field, OnErase, Replica, Resource, Spec};

#[derive(Debug, Clone, Serialize)]
pub struct ResourceSql {
    pub select_one: String,
    /// The rows whose ids the placeholders at `{ids}` hold (GraphQL's loader).
    pub select_many: String,
    pub exists: String,
    /// For a per-tenant resource, the three reads above as PostgreSQL runs them outside a
    /// transaction: each also sets the tenant the row-level policies read (see
    /// `on_postgres`); empty for a resource every tenant shares. For such a resource both
    /// forms of `select_many` have `{owned}` where a caller's ownership condition goes.
    pub select_one_on_postgres: String,
    pub select_many_on_postgres: String,
    pub exists_on_postgres: String,
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
    /// For a per-tenant resource, `owner_of_parent` as PostgreSQL runs it (see
    /// `on_postgres`); the path's parents are all its tenant's, each found in it.
    pub owner_of_parent_on_postgres: String,
    pub owned_through: String,
    /// Erasing an account (`on_erase`, `$1` the account): the delete of the rows it owns,
    /// or the update that clears their personal fields; the ids of its rows whose events
    /// carry personal values; and, the account's own, its tombstone.
    pub erase: String,
    pub anonymize: String,
    pub erased_ids: String,
    pub tombstone: String,
    /// Each file field's (in the order of `Resource::files`): sets its description (`$2`, or
    /// null), and moves the row's version and `updated_at` (`$3`) as any write does.
    pub set_files: Vec<String>,
    /// Each file field's files, in the same order: the descriptions its column holds,
    /// soft-deleted rows' too (what the sweep keeps).
    /// On PostgreSQL a per-tenant resource's run as the tables' owner, whom the row-level
    /// policies spare (the service's `owners` pool): under the policies alone they would
    /// find no row naming a tenant's file, and the sweep would take them all.
    pub named_files: Vec<String>,
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
        // A replica's copy holds its rows' owners: the path's last parent.
        if let Some(replica) = spec.replica(&relation.target) {
            tables.push(sql_ident(&replica.table()));
            break;
        }
        at = spec
            .resource(&relation.target)
            .expect("a validated owner path");
        tables.push(at.names.plural_sql.clone());
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
    pub link: String,
    pub unlink: String,
    /// The target ids linked to one row, in order (an account's export), in whichever
    /// tenant the row is: the export reaches every tenant the account is or was a member of,
    /// on PostgreSQL as the tables' owner.
    pub ids: String,
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

/// The columns an insert or update writes: foreign keys, then fields, each personal one
/// followed by its blind index.
fn writable(r: &Resource) -> Vec<String> {
    let mut out: Vec<String> = r
        .belongs_to
        .iter()
        .map(|b| foreign_key(&b.names.snake))
        .collect();
    // A file's column is written by its own route (`set_{field}` in the repository).
    for f in r.value_fields() {
        out.push(f.names.sql.clone());
        out.extend(f.blind_index());
    }
    out
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
                    match account_email_index(r) {
                        // The blind index of the address in lower case (`$1`).
                        Some(index) => format!("    WHERE {index} = $1{live}"),
                        None => format!(
                            "    WHERE {} = {}{live}",
                            compared(true, ACCOUNT_EMAIL_COLUMN),
                            compared(true, "$1")
                        ),
                    },
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
        // A per-tenant row's owner path stays among its tenant's rows (the spec's check), so
        // every step is looked up within the tenant (`$1`), whose id the caller's is.
        let (owner_of_parent, owner_of_parent_on_postgres) =
            if spec.is_per_tenant(r) && !owner_of_parent.is_empty() {
                let steps = shifted(&owner_of_parent);
                let in_tenant = |tenant: &str| {
                    steps.replace(
                        "WHERE id = ",
                        &format!("WHERE {TENANT_ID} = {tenant} AND id = "),
                    )
                };
                (
                    in_tenant("$1"),
                    lateral(&format!("\n    {}", in_tenant("tenant.id"))),
                )
            } else {
                (owner_of_parent, String::new())
            };
        // A per-tenant row is found, written and checked within its tenant (`$1`); the
        // account erasure's statements and the files' sweep run across tenants.
        let scope = |sql: String| in_tenant(spec, r, sql);
        let on_postgres = |sql: String| rust_text(on_postgres(spec, r, sql));
        let select_one = query(&[
            select.clone(),
            from.clone(),
            format!("    WHERE id = $1{live}"),
        ]);
        // With a tenant, the ids' placeholders start at `$2`, and the caller's ownership
        // condition goes at `{owned}`: in the PostgreSQL form that is inside the wrapped read.
        let owned = if spec.is_per_tenant(r) { "{owned}" } else { "" };
        let select_many = query(&[
            select.clone(),
            from.clone(),
            format!("    WHERE id IN ({{ids}}){live}{owned}"),
        ]);
        let exists = query(&[format!("    SELECT 1 FROM {table} WHERE id = $1{live}")]);
        let set_files = r
            .files()
            .map(|f| {
                let mut sets = vec![format!("{} = $2", f.names.sql)];
                if r.timestamps {
                    sets.push("updated_at = $3".into());
                }
                if r.versioned {
                    sets.push("version = version + 1".into());
                }
                rust_text(scope(query(&[
                    format!("    UPDATE {table}"),
                    clause("SET", &sets),
                    format!("    WHERE id = $1{live}"),
                    returning.clone(),
                ])))
            })
            .collect();
        let named = |f: &Field| {
            let column = &f.names.sql;
            format!("    SELECT {column} FROM {table} WHERE {column} IS NOT NULL")
        };
        let named_files = r
            .files()
            .map(|f| rust_text(named(f).trim_start().to_owned()))
            .collect();
        let (erase, anonymize, erased_ids) = erasure(spec, r);
        let tombstone = if account && spec.has_accounts() {
            tombstone(r)
        } else {
            String::new()
        };
        Self {
            set_files,
            named_files,
            erase: rust_text(erase),
            anonymize: rust_text(anonymize),
            erased_ids: rust_text(erased_ids),
            tombstone: rust_text(tombstone),
            owner_of_parent: rust_text(owner_of_parent),
            owner_of_parent_on_postgres: rust_text(owner_of_parent_on_postgres),
            owned_through: rust_text(owned_through),
            find_login: rust_text(find_login),
            set_roles: rust_text(set_roles),
            set_password: rust_text(set_password),
            account_email: rust_text(account_email),
            select_one_on_postgres: on_postgres(select_one.clone()),
            select_many_on_postgres: on_postgres(select_many.clone()),
            exists_on_postgres: on_postgres(exists.clone()),
            select_one: rust_text(scope(select_one)),
            select_many: rust_text(scope(select_many)),
            exists: rust_text(scope(exists)),
            // Lists add their own conditions, order and page (the service's list.rs).
            list: rust_text(query(&[select, from])),
            // The rows a list's bounded count reads (list.rs wraps it in `COUNT(*)`).
            count: rust_text(format!("SELECT 1 FROM {table}")),
            insert: rust_text(scope(insert)),
            update: rust_text(scope(update)),
            delete: rust_text(scope(delete)),
        }
    }
}

impl LinkSql {
    /// Links from `owner` (the declaring side) to `target` through `join`; a per-tenant
    /// owner's join table holds the link's tenant, its first parameter (see `in_tenant`).
    pub fn new(spec: &Spec, owner: &Resource, target: &Resource, join: &str) -> Self {
        let own = foreign_key(&owner.names.snake);
        let other = foreign_key(&target.names.snake);
        let join = sql_ident(join);
        let scope = |sql: String| in_tenant(spec, owner, sql);
        let ids = format!("    SELECT {other} FROM {join} WHERE {own} = $1 ORDER BY {other}");
        Self {
            link: rust_text(scope(query(&[
                format!("    INSERT INTO {join} ({own}, {other})"),
                "    VALUES ($1, $2)".into(),
                "    ON CONFLICT DO NOTHING".into(),
            ]))),
            unlink: rust_text(scope(query(&[format!(
                "    DELETE FROM {join} WHERE {own} = $1 AND {other} = $2"
            )]))),
            ids: rust_text(query(std::slice::from_ref(&ids))),
        }
    }
}

/// The list condition for `target`'s rows linked (through `join`) to one row of `owner`,
/// the declaring side, up to that row's parameter.
pub fn linked(owner: &Resource, target: &Resource, join: &str) -> String {
    let own = foreign_key(&owner.names.snake);
    let other = foreign_key(&target.names.snake);
    let join = sql_ident(join);
    rust_text(format!(
        "\n    id IN (SELECT {other} FROM {join} WHERE {own} = "
    ))
}

/// The ids of `owner`'s rows (the declaring side) linked through `join` to one row of
/// `target`, in order: an account's export, for the links another resource declares
/// towards the rows it owns (in every tenant: on PostgreSQL the export reads as the owner).
pub fn linking_ids(owner: &Resource, target: &Resource, join: &str) -> String {
    let own = foreign_key(&owner.names.snake);
    let other = foreign_key(&target.names.snake);
    let join = sql_ident(join);
    let ids = format!("    SELECT {own} FROM {join} WHERE {other} = $1 ORDER BY {own}");
    rust_text(query(std::slice::from_ref(&ids)))
}

/// Deletes every link of `join` that one row of `side` (`$1`) has, whichever side declared
/// it: an erased account's links, since its tombstone stays and would keep them.
pub fn unlink_every(side: &Resource, join: &str) -> String {
    let column = foreign_key(&side.names.snake);
    rust_text(query(&[format!(
        "    DELETE FROM {} WHERE {column} = $1",
        sql_ident(join)
    )]))
}

/// The ids of `r`'s live rows that the account `$1` owns, directly or through parents,
/// written out one subquery per step: the generated export test's answer key, which it
/// compares with what the export (through the list's scopes) holds.
pub fn owned_ids(spec: &Spec, r: &Resource) -> Option<String> {
    let condition = owned_condition(spec, r)?;
    Some(rust_text(format!(
        "SELECT id FROM {} WHERE {condition}{}",
        r.names.plural_sql,
        live(r)
    )))
}

/// Where erasure clears `r`'s rows (`on_erase = "anonymize"`): the ids of the account `$1`'s
/// rows that still hold a personal value, by a direct query (the erasure test's check).
pub fn still_held(spec: &Spec, r: &Resource) -> Option<String> {
    if r.on_erase != OnErase::Anonymize {
        return None;
    }
    let condition = owned_condition(spec, r)?;
    let (_, held) = cleared(r.fields.iter().filter(|f| f.personal), "NULL");
    Some(rust_text(format!(
        "SELECT id FROM {} WHERE {condition} AND ({})",
        r.names.plural_sql,
        held.join(" OR ")
    )))
}

/// The condition on `r`'s rows (soft-deleted ones too) that the account `$1` owns, directly
/// or through parents, one `IN` subquery per step; through a copy of another service's rows
/// (`check = "replica"`), the copy's owner column. `None` where `r` has no owner.
pub fn owned_condition(spec: &Spec, r: &Resource) -> Option<String> {
    let path = &r.owner.as_ref()?.path;
    let (last, steps) = path.split_last()?;
    let mut tables = Vec::new();
    let mut at = r;
    for step in steps {
        let b = at.belongs_to.iter().find(|b| b.names.snake == *step)?;
        // A replica's copy holds its rows' owners: the path's last parent.
        if let Some(replica) = spec.replica(&b.target) {
            tables.push(sql_ident(&replica.table()));
            break;
        }
        at = spec.resource(&b.target)?;
        tables.push(at.names.plural_sql.clone());
    }
    if tables.len() != steps.len() {
        return None;
    }
    let mut condition = format!("{} = $1", foreign_key(last));
    for (step, table) in steps.iter().zip(&tables).rev() {
        condition = format!(
            "{} IN (SELECT id FROM {table} WHERE {condition})",
            foreign_key(step)
        );
    }
    Some(condition)
}

/// What erasing the account `$1` runs on `r`'s rows (`on_erase`): the delete, or the update
/// that clears the personal fields (`$2` the time, where the rows keep one); and the ids of
/// the rows whose events carry personal values, which leave the outbox and the job queue.
fn erasure(spec: &Spec, r: &Resource) -> (String, String, String) {
    let none = || (String::new(), String::new(), String::new());
    // The accounts' own rows are the tombstone's; rows of another service's accounts are
    // erased when its erasure is heard.
    if spec.is_account(r) {
        return none();
    }
    let Some(condition) = owned_condition(spec, r) else {
        return none();
    };
    let table = &r.names.plural_sql;
    // An audited resource's erasure records each row it deletes or clears: their ids, and a
    // tenant's rows their tenant's (the erasure reaches every tenant's at once).
    let returning = match (r.audit, spec.is_per_tenant(r)) {
        (true, true) => "\n    RETURNING id, tenant_id",
        (true, false) => "\n    RETURNING id",
        (false, _) => "",
    };
    let erase = match r.on_erase {
        OnErase::Delete => query(&[format!(
            "    DELETE FROM {table} WHERE {condition}{returning}"
        )]),
        _ => String::new(),
    };
    let anonymize = match r.on_erase {
        OnErase::Anonymize => {
            let (mut sets, held) = cleared(r.fields.iter().filter(|f| f.personal), "NULL");
            if r.timestamps {
                sets.push("updated_at = $2".into());
            }
            if r.versioned {
                sets.push("version = version + 1".into());
            }
            query(&[
                format!("    UPDATE {table}"),
                clause("SET", &sets),
                format!(
                    "    WHERE {condition} AND ({}){returning}",
                    held.join(" OR ")
                ),
            ])
        }
        _ => String::new(),
    };
    let ids = if r.personal_in_events().next().is_some() {
        query(&[format!("    SELECT id FROM {table} WHERE {condition}")])
    } else {
        String::new()
    };
    (erase, anonymize, ids)
}

/// `SET` items that clear `personal` fields (optional ones to `NULL`, required ones to
/// `required`) with their blind indexes, and the conditions that one still holds a value.
fn cleared<'a>(
    personal: impl Iterator<Item = &'a Field>,
    required: &str,
) -> (Vec<String>, Vec<String>) {
    let mut sets = Vec::new();
    let mut held = Vec::new();
    for f in personal {
        let column = &f.names.sql;
        if f.required {
            sets.push(format!("{column} = {required}"));
        } else {
            sets.push(format!("{column} = NULL"));
            held.push(format!("{column} IS NOT NULL"));
        }
        if let Some(index) = f.blind_index() {
            sets.push(format!("{index} = NULL"));
        }
    }
    (sets, held)
}

/// The account's tombstone (erasure): `$2` the email that replaces its own, `$3` the password
/// hash (one nothing matches), `$4` its roles (none); then, where it has required personal
/// fields, the sealed empty text they hold; then, where it keeps one, the time. Only once:
/// a tombstone's email is already `$2`.
fn tombstone(r: &Resource) -> String {
    let mut sets: Vec<String> = ["email = $2", "password_hash = $3", "roles = $4"]
        .map(String::from)
        .to_vec();
    let mut next = 5;
    let sealed = r.cleared_by_tombstone().any(|f| f.required);
    let (cleared, _) = cleared(r.cleared_by_tombstone(), &format!("${next}"));
    if sealed {
        next += 1;
    }
    sets.extend(cleared);
    if r.timestamps {
        sets.push(format!("updated_at = ${next}"));
        next += 1;
    }
    if r.versioned {
        sets.push("version = version + 1".into());
    }
    // A sealed email differs from every other sealing of the same address: a tombstone is
    // known by its blind index (bound last), which a row sealed before it had one lacks.
    let unchanged = match account_email_index(r) {
        Some(index) => {
            sets.push(format!("{index} = ${next}"));
            format!("{index} IS DISTINCT FROM ${next}")
        }
        None => format!("{ACCOUNT_EMAIL_COLUMN} <> $2"),
    };
    query(&[
        format!("    UPDATE {}", r.names.plural_sql),
        clause("SET", &sets),
        format!("    WHERE id = $1 AND {unchanged}"),
    ])
}

/// The accounts' email's blind index column, when the email is personal
/// (`[auth] personal_email`): the HMAC of the address in lower case.
fn account_email_index(r: &Resource) -> Option<String> {
    r.fields
        .iter()
        .find(|f| f.names.sql == ACCOUNT_EMAIL_COLUMN)
        .and_then(Field::blind_index)
}

/// Whether another live row holds a unique value: `$1` the value, `$2` the
/// row being written (which may hold it itself). Unique per tenant, as the unique index is.
pub fn taken(spec: &Spec, r: &Resource, column: &str) -> String {
    rust_text(in_tenant(spec, r, taken_unscoped(spec, r, column)))
}

/// [`taken`] as PostgreSQL runs it for a per-tenant resource (see `on_postgres`); empty for
/// a resource every tenant shares.
pub fn taken_on_postgres(spec: &Spec, r: &Resource, column: &str) -> String {
    rust_text(on_postgres(spec, r, taken_unscoped(spec, r, column)))
}

fn taken_unscoped(spec: &Spec, r: &Resource, column: &str) -> String {
    let folded = folds_case(spec, r, column);
    query(&[format!(
        "    SELECT 1 FROM {} WHERE {} = {} AND id <> $2{}",
        r.names.plural_sql,
        compared(folded, column),
        compared(folded, "$1"),
        live(r)
    )])
}

/// A statement of `r` as its repository runs it: unchanged for a resource every tenant
/// shares, and for a per-tenant one scoped by the tenant as its first parameter, every other
/// parameter one further on: `WHERE tenant_id = $1 AND id = $2`, and an insert that writes
/// `tenant_id`. The tenant comes first so that the repository binds it before anything
/// else, whatever the statement's other parameters are; a statement whose `WHERE` is not
/// its first is not one this takes (subqueries come after the row's own conditions).
fn in_tenant(spec: &Spec, r: &Resource, sql: String) -> String {
    if !spec.is_per_tenant(r) {
        return sql;
    }
    let sql = shifted(&sql);
    if let Some(rest) = sql.strip_prefix("\n    INSERT INTO ") {
        let (table, rest) = rest.split_once(" (").expect("an insert names its columns");
        let (columns, rest) = rest.split_once("VALUES (").expect("an insert has values");
        return format!("\n    INSERT INTO {table} ({TENANT_ID}, {columns}VALUES ($1, {rest}");
    }
    let (head, tail) = sql
        .split_once("WHERE ")
        .expect("a scoped statement has a WHERE");
    format!("{head}WHERE {TENANT_ID} = $1 AND {tail}")
}

/// A read of a per-tenant `r` as PostgreSQL runs it outside a transaction: one statement
/// that sets the tenant (`$1`) for the row-level policies, then reads within it, so a
/// read costs no `BEGIN`, `set_config` and `COMMIT` round trips (docs/decisions/tenancy.md,
/// "Measured: what the database wall costs a read"). The CTE sets the tenant; the read is a
/// `LATERAL` subquery of the CTE's row, so PostgreSQL evaluates it (its policy included)
/// only after that row exists, whatever plan it picks, and `OFFSET 0` keeps the subquery
/// from being pulled up into a join. The read is `in_tenant`'s, with `tenant.id` for `$1`
/// (the lateral reference is what orders the two); its other parameters are the same, so
/// the repository binds both forms alike. Empty for a resource every tenant shares.
fn on_postgres(spec: &Spec, r: &Resource, sql: String) -> String {
    if !spec.is_per_tenant(r) {
        return String::new();
    }
    let sql = shifted(&sql);
    let (head, tail) = sql.split_once("WHERE ").expect("a scoped read has a WHERE");
    lateral(&format!("{head}WHERE {TENANT_ID} = tenant.id AND {tail}"))
}

/// `read`, which names `tenant.id` where it needs the tenant, as a `LATERAL` subquery of the
/// CTE that sets the tenant (`$1`) for the row-level policies: see `on_postgres`. Tied to
/// the CTE's row, `read` runs after it.
fn lateral(read: &str) -> String {
    let set = format!("SELECT set_config('{TENANT_SETTING}', $1::uuid::text, true)::uuid AS id");
    format!(
        "\n    WITH tenant AS MATERIALIZED (\n        {set}\n    )\n    \
         SELECT tenant_rows.* FROM tenant CROSS JOIN LATERAL ({read}\n    OFFSET 0) AS tenant_rows"
    )
}

/// `sql` with every placeholder one further on (`$1` becomes `$2`), which frees `$1`.
pub(super) fn shifted(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.next_if(char::is_ascii_digit) {
            digits.push(d);
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + 1).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

/// The queries of a copy of another service's rows (`[replicas.NAME]`): one text for both
/// dialects, since SQLite (3.24 on) and PostgreSQL share the upsert, `excluded` included.
#[derive(Debug, Clone, Serialize)]
pub struct ReplicaSql {
    /// Writes a created or updated row, unless the copy has a later event or a delete.
    pub upsert: String,
    /// Marks a row deleted, for good.
    pub delete: String,
    /// Finds a live row.
    pub exists: String,
}

impl ReplicaSql {
    pub fn new(replica: &Replica) -> Self {
        let table = sql_ident(&replica.table());
        let owner = replica.owner.as_ref().map(|o| foreign_key(&o.snake));
        let (columns, values) = match &owner {
            Some(column) => (
                format!("id, {column}, deleted, changed_at"),
                "$1, $2, {deleted}, $3",
            ),
            None => ("id, deleted, changed_at".to_string(), "$1, {deleted}, $2"),
        };
        let set = match &owner {
            Some(column) => {
                format!("{column} = excluded.{column}, changed_at = excluded.changed_at")
            }
            None => "changed_at = excluded.changed_at".to_string(),
        };
        let insert = |deleted: &str| {
            [
                format!("    INSERT INTO {table} ({columns})"),
                format!("    VALUES ({})", values.replace("{deleted}", deleted)),
            ]
        };
        let [into, upsert_values] = insert("FALSE");
        let [_, delete_values] = insert("TRUE");
        Self {
            upsert: rust_text(query(&[
                into.clone(),
                upsert_values,
                format!("    ON CONFLICT (id) DO UPDATE SET {set}"),
                format!("    WHERE NOT {table}.deleted AND {table}.changed_at <= excluded.changed_at"),
            ])),
            delete: rust_text(query(&[
                into,
                delete_values,
                "    ON CONFLICT (id) DO UPDATE SET deleted = TRUE, changed_at = excluded.changed_at"
                    .into(),
            ])),
            exists: rust_text(query(&[format!(
                "    SELECT 1 FROM {table} WHERE id = $1 AND NOT deleted"
            )])),
        }
    }
}
