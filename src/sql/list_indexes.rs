//! The indexes that serve a resource's lists: one per access path (`spec::list_paths`),
//! composite with the list's order and the id tie-breaker, partial on live rows when the
//! resource is soft-deleted, and none that an index already written serves. A text field's
//! index holds its first characters (`Dialect::text_prefix`), which its lists compare and
//! sort by.

use super::text::folds_case;
use crate::dialect::Dialect;
use crate::spec::list_paths::list_paths;
use crate::spec::schema_names::{Prefix, Scaled, TENANT_ID, index};
use crate::spec::{Database, FieldType, Resource, Spec};
use crate::table::Index;

/// A key of the list as the index sees it: its column, as compared and sorted.
struct Key {
    /// The column's name in index names (snake case).
    name: String,
    /// The SQL the list compares and sorts on (`CAST(price AS REAL)` for a decimal on SQLite).
    value: String,
    /// The column as written, for the null test.
    column: String,
    nullable: bool,
    /// Its equality selects one row at most through a unique index the list's comparison
    /// uses (not the account email's, which is folded, nor a text's, which lists compare
    /// and sort by its first characters: its unique index, on the whole text, serves
    /// neither, and on SQLite the list's recheck of the whole text does not use it).
    unique: bool,
}

/// `list_columns`: whether PostgreSQL's per-tenant decimals and texts are compared through
/// the columns generated for them (`Scaled`, `Prefix`), as since 2026-12-05.
fn key(spec: &Spec, r: &Resource, json: &str, dialect: Dialect, list_columns: bool) -> Option<Key> {
    let plain = |name: &str, nullable: bool| Key {
        name: name.to_owned(),
        value: name.to_owned(),
        column: name.to_owned(),
        nullable,
        unique: false,
    };
    match json {
        "id" => return Some(plain("id", false)),
        "createdAt" => return Some(plain("created_at", false)),
        "updatedAt" => return Some(plain("updated_at", false)),
        _ => {}
    }
    if let Some(b) = r
        .belongs_to
        .iter()
        .find(|b| format!("{}Id", b.names.camel) == json)
    {
        return Some(plain(&format!("{}_id", b.names.snake), !b.required));
    }
    let f = r.fields.iter().find(|f| f.names.camel == json)?;
    // A personal field's lists compare its blind index, whose unique index serves them.
    if let Some(hmac) = f.blind_index() {
        return Some(Key {
            unique: f.unique,
            ..plain(&hmac, !f.required)
        });
    }
    let column = f.names.sql.clone();
    // Its unique index is on the decimal, which PostgreSQL's lists compare through the
    // scaled column: not one they use.
    let generated = list_columns && dialect.0 == Database::Postgres;
    let scaled = Scaled::of(spec, r, f).filter(|_| generated);
    let value = match f.ty {
        FieldType::Decimal { .. } if dialect.0 == Database::Sqlite => {
            format!("CAST({column} AS REAL)")
        }
        FieldType::Decimal { .. } => scaled
            .as_ref()
            .map_or_else(|| column.clone(), |s| s.column.clone()),
        FieldType::Text => match Prefix::of(spec, r, f).filter(|_| generated) {
            Some(prefix) => prefix.column,
            None => dialect.text_prefix(&column),
        },
        _ => column.clone(),
    };
    Some(Key {
        name: f.names.snake.clone(),
        value,
        column,
        nullable: !f.required,
        unique: f.unique
            && f.ty != FieldType::Text
            && scaled.is_none()
            && !folds_case(spec, r, &f.names.sql),
    })
}

impl Key {
    /// The index's columns for a list sorted by this key, nulls last, then the id.
    fn sorted(&self, descending: bool) -> Vec<String> {
        let dir = if descending { " DESC" } else { "" };
        let mut parts = Vec::new();
        if self.nullable {
            parts.push(format!("({} IS NULL)", self.column));
        }
        parts.push(format!("{}{dir}", self.value));
        parts.push(format!("id{dir}"));
        parts
    }
}

/// The comment of an index that serves a list narrowed to one owner's rows (issue 70); a
/// project generated before them gets them in its next update's migration
/// (`migrate::Earlier::owner_list_indexes`).
pub const OWNER_TWIN: &str = "The same list of one owner's rows (an `owner` list rule).";

/// The list indexes of `r`; equality on a unique field is served by its unique index.
pub(super) fn list_indexes(spec: &Spec, r: &Resource, dialect: Dialect) -> Vec<Index> {
    list_indexes_of(spec, r, dialect, true)
}

/// [`list_indexes`], with or without the generated list columns (see [`key`]).
pub(super) fn list_indexes_of(
    spec: &Spec,
    r: &Resource,
    dialect: Dialect,
    list_columns: bool,
) -> Vec<Index> {
    let table = &r.names.plural_snake;
    let quoted = &r.names.plural_sql;
    let live = if r.soft_delete {
        " WHERE deleted_at IS NULL"
    } else {
        ""
    };
    let paths = list_paths(r);
    let key = |json: &str| key(spec, r, json, dialect, list_columns);
    let default = key(&paths.default_sort);
    // Each index as (name, columns, comment), written below once its twins are added.
    let mut planned: Vec<(String, Vec<String>, &'static str)> = Vec::new();
    let mut push = |name: String, columns: Vec<String>, comment: &'static str| {
        planned.push((name, columns, comment));
    };
    // The default order, then equality on one key with it (the foreign keys' replace the
    // plain foreign-key index, under its name).
    if let Some(default) = &default
        && default.name != "id"
    {
        push(
            default.name.clone(),
            default.sorted(false),
            "Lists are read newest first.",
        );
    }
    let mut equal: Vec<&String> = paths.scopes.iter().collect();
    equal.extend(paths.filters.iter().filter(|k| !paths.scopes.contains(k)));
    for json in equal {
        let Some(k) = key(json) else { continue };
        if k.unique || Some(&k.name) == default.as_ref().map(|d| &d.name) {
            continue;
        }
        let mut columns = vec![k.value.clone()];
        columns.extend(default.iter().flat_map(|d| d.sorted(false)));
        push(k.name, columns, "A list filtered on it, newest first.");
    }
    // Each sortable key, nulls last both ways. The id's is the primary key's, unless rows
    // are soft-deleted: a walk of the primary key (a count's, above all) would read every
    // row to skip the deleted ones, where a partial index holds the live ids alone.
    for json in &paths.sorts {
        let Some(k) = key(json) else { continue };
        if (k.name == "id" && !r.soft_delete)
            || Some(&k.name) == default.as_ref().map(|d| &d.name)
            || (k.unique && !k.nullable)
        {
            continue;
        }
        sort_indexes(
            &mut push,
            &k,
            &k.name,
            &[],
            "A list sorted by it (`?sort=`).",
        );
    }
    // The declared combinations.
    for c in &paths.combinations {
        let keys: Vec<Key> = c.filters.iter().filter_map(|f| key(f)).collect();
        let Some(sort) = key(&c.sort) else { continue };
        let mut name: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        name.extend(["by", sort.name.as_str()]);
        let values: Vec<String> = keys.iter().map(|k| k.value.clone()).collect();
        let comment = "A declared filter with its sort (`list_combinations`).";
        sort_indexes(&mut push, &sort, &name.join("__"), &values, comment);
    }
    // An owner's list: each path again with equality on the owner's key first (the id's
    // order through the primary key too), so every request the list documents has an
    // index when the caller sees only their own rows (`ListPaths::owner`).
    if let Some(owner) = paths.owner.as_deref().and_then(key) {
        let mut twins = vec![(
            format!("{}__id", owner.name),
            vec![owner.value.clone(), "id".into()],
        )];
        for (name, columns, _) in &planned {
            if columns.first() != Some(&owner.value) {
                let mut led = vec![owner.value.clone()];
                led.extend(columns.iter().cloned());
                twins.push((format!("{}__{name}", owner.name), led));
            }
        }
        let comment = OWNER_TWIN;
        planned.extend(
            twins
                .into_iter()
                .map(|(name, columns)| (name, columns, comment)),
        );
    }
    // A tenant's lists are read within the tenant: each index leads with it.
    let tenant = spec.is_per_tenant(r).then_some(TENANT_ID);
    let mut indexes: Vec<Index> = Vec::new();
    for (name, mut columns, comment) in planned {
        if let Some(tenant) = tenant {
            columns.insert(0, tenant.to_owned());
        }
        // One index serves any list its columns lead with in this order.
        let sql = format!(
            "CREATE INDEX {} ON {quoted} ({}){live};",
            index(table, &name),
            columns.join(", ")
        );
        let body = |i: &Index| i.sql.split_once(" ON ").map(|(_, b)| b.to_owned());
        let new_body = sql.split_once(" ON ").map(|(_, b)| b.to_owned());
        if indexes.iter().any(|i| body(i) == new_body) {
            continue;
        }
        indexes.push(Index {
            name: index(table, &name),
            sql,
            comment: Some(comment),
        });
    }
    indexes
}

/// The index of a list with equality on `equal` sorted by `sort` (and its descending twin
/// when nulls must come last both ways, which one index cannot give in both directions).
fn sort_indexes(
    push: &mut impl FnMut(String, Vec<String>, &'static str),
    sort: &Key,
    name: &str,
    equal: &[String],
    comment: &'static str,
) {
    let with = |descending: bool| {
        let mut columns = equal.to_vec();
        if sort.name == "id" {
            columns.push(if descending { "id DESC" } else { "id" }.to_owned());
        } else {
            columns.extend(sort.sorted(descending));
        }
        columns
    };
    let suffix = if equal.is_empty() { "__sort" } else { "" };
    push(format!("{name}{suffix}"), with(false), comment);
    if sort.nullable {
        push(
            format!("{name}{suffix}__desc"),
            with(true),
            "The same list sorted the other way: nulls stay last.",
        );
    }
}
