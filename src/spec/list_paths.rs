//! The access paths of a resource's lists, from the spec's `filter`, `sort` and
//! `list_combinations`: computed once, here, for the service's list description
//! (`context::lists`), the OpenAPI document and the indexes that serve them (`sql::tables`).

use serde::Serialize;

use super::model::Resource;

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
