//! What a resource's lists can filter, sort and select.

use serde::Serialize;

use crate::spec::{Kind, Range, Resource, Shape};
use crate::sql::rust_text;

#[derive(Debug, Serialize)]
pub struct ListColumn {
    pub key: String,
    pub sql: String,
    /// A `list::Kind` expression.
    pub kind: String,
    pub nullable: bool,
}

#[derive(Debug, Serialize)]
pub struct ListRange {
    pub stem: String,
    pub key: String,
}

/// What a resource's lists can filter, sort and select: the columns some access path uses
/// (foreign keys, fields, then the timestamps), every key (json fields are only selectable),
/// and the range filters of the keys some request may sort by.
pub(super) fn list_description(
    r: &Resource,
    paths: &ListPaths,
) -> (Vec<ListColumn>, Vec<String>, Vec<ListRange>) {
    let (filters, sorts) = (paths.any_filter(), paths.any_sort());
    let used = |key: &str| {
        filters.contains(&key) || sorts.contains(&key) || paths.scopes.iter().any(|s| s == key)
    };
    let mut columns = Vec::new();
    let mut keys = vec!["id".to_string()];
    let mut ranges = Vec::new();
    for b in &r.belongs_to {
        let key = format!("{}Id", b.names.camel);
        keys.push(key.clone());
        if !used(&key) {
            continue;
        }
        columns.push(ListColumn {
            key,
            sql: format!("{}_id", b.names.snake),
            kind: list_kind(Kind::Uuid).into(),
            nullable: !b.required,
        });
    }
    for f in &r.fields {
        keys.push(f.names.camel.clone());
        let props = f.ty.props();
        let Some(kind) = props.list_kind else {
            continue;
        };
        if !used(&f.names.camel) {
            continue;
        }
        // An enum's kind takes its values.
        let kind = match props.shape {
            Shape::Choice => format!("{kind}({}::VALUES)", f.names.type_name),
            _ => kind.to_string(),
        };
        if let Some(range) = props.range
            && sorts.contains(&f.names.camel.as_str())
        {
            ranges.push(ListRange {
                stem: range.stem(&f.names.camel).to_string(),
                key: f.names.camel.clone(),
            });
        }
        columns.push(ListColumn {
            key: f.names.camel.clone(),
            sql: rust_text(f.names.sql.clone()),
            kind,
            nullable: !f.required,
        });
    }
    if r.versioned {
        keys.push("version".into());
    }
    if r.timestamps {
        for (key, snake) in [("createdAt", "created_at"), ("updatedAt", "updated_at")] {
            keys.push(key.into());
            if !used(key) {
                continue;
            }
            if sorts.contains(&key) {
                ranges.push(ListRange {
                    stem: Range::Time.stem(key).into(),
                    key: key.into(),
                });
            }
            columns.push(ListColumn {
                key: key.into(),
                sql: snake.into(),
                kind: list_kind(Kind::Datetime).into(),
                nullable: false,
            });
        }
    }
    (columns, keys, ranges)
}

/// The list kind of the columns the generator adds (foreign keys, timestamps), whose rows
/// always have one.
fn list_kind(kind: Kind) -> &'static str {
    kind.props().list_kind.unwrap_or_default()
}

/// The access paths of a resource's lists: what a request's equality filters, scope and
/// first sort key must match (docs/spec.md, "What lists filter and sort by"). Each path has
/// an index (`sql::tables`); the service refuses any other request with a 400.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ListPaths {
    /// Keys a list may sort by with no equality filter: the id, `createdAt`, then the
    /// relations' and fields' that allow `sort`.
    pub sorts: Vec<String>,
    /// Keys a client may filter on by equality, with the default sort.
    pub filters: Vec<String>,
    /// The foreign keys, which nested and owner-scoped lists narrow by, with the default
    /// sort, whether or not clients may filter on them.
    pub scopes: Vec<String>,
    /// Filterable keys whose equality selects one row at most: any sort serves then.
    pub unique: Vec<String>,
    /// The spec's `list_combinations`, as keys.
    pub combinations: Vec<ListPath>,
    /// The key of the default sort: `createdAt`, or the id without timestamps.
    pub default_sort: String,
}

/// Equality filters on `filters` (and nothing else) with `sort` as the first sort key.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ListPath {
    pub filters: Vec<String>,
    pub sort: String,
}

impl ListPaths {
    /// Every key some request may sort by.
    pub fn any_sort(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.sorts.iter().map(String::as_str).collect();
        for c in &self.combinations {
            if !keys.contains(&c.sort.as_str()) {
                keys.push(&c.sort);
            }
        }
        keys
    }

    /// Every key some request may filter on by equality.
    pub fn any_filter(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.filters.iter().map(String::as_str).collect();
        for key in self.combinations.iter().flat_map(|c| &c.filters) {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
        keys
    }
}

/// The JSON key of a field, a relation (its foreign key), the id or a timestamp, by its
/// spec name.
fn key_of(r: &Resource, name: &str) -> String {
    if let Some(b) = r.belongs_to.iter().find(|b| b.names.snake == name) {
        return format!("{}Id", b.names.camel);
    }
    if let Some(f) = r.fields.iter().find(|f| f.names.snake == name) {
        return f.names.camel.clone();
    }
    crate::names::Names::new(name, None).camel
}

/// The access paths of `r`'s lists, from the spec's `filter`, `sort` and `list_combinations`.
pub fn list_paths(r: &Resource) -> ListPaths {
    let default_sort = if r.timestamps { "createdAt" } else { "id" };
    let mut sorts = vec!["id".to_string()];
    let mut filters = Vec::new();
    if r.timestamps {
        sorts.push("createdAt".into());
        filters.push("createdAt".into());
    }
    let mut scopes = Vec::new();
    for b in &r.belongs_to {
        let key = format!("{}Id", b.names.camel);
        if b.list.sort {
            sorts.push(key.clone());
        }
        if b.list.filter {
            filters.push(key.clone());
        }
        scopes.push(key);
    }
    let mut unique = Vec::new();
    for f in &r.fields {
        let key = &f.names.camel;
        if f.list.sort {
            sorts.push(key.clone());
        }
        if f.list.filter {
            filters.push(key.clone());
            if f.unique {
                unique.push(key.clone());
            }
        }
    }
    let combinations = r
        .list_combinations
        .iter()
        .map(|c| ListPath {
            filters: c.filter.iter().map(|name| key_of(r, name)).collect(),
            sort: key_of(r, &c.sort),
        })
        .collect();
    ListPaths {
        sorts,
        filters,
        scopes,
        unique,
        combinations,
        default_sort: default_sort.into(),
    }
}
