//! The access paths of a resource's lists, from the spec's `filter`, `sort` and
//! `list_combinations`: computed once, here, for the service's list description
//! (`context::lists`), the OpenAPI document and the indexes that serve them (`sql::tables`).

use serde::Serialize;

use super::model::{Resource, Rule};

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
    /// The foreign key of the row's direct owner where an `owner` list rule narrows some
    /// callers' lists to their own rows (`borrowerId`): every path above also serves with
    /// equality on it added, and has an index that leads with it (`sql::list_indexes`), so
    /// an owner's list answers every request the list documents (issue 70: a reader's
    /// `/copies/{id}/loans` was two equalities no path had, and a 400).
    pub owner: Option<String>,
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

    /// Whether a list takes an equality filter on `key` alone, with the default sort: as
    /// the service's `ListPaths::serves` decides it for that one request.
    pub fn filters_alone(&self, key: &str) -> bool {
        self.filters
            .iter()
            .chain(&self.scopes)
            .chain(&self.unique)
            .any(|k| k == key)
            || self
                .combinations
                .iter()
                .any(|c| c.sort == self.default_sort && c.filters == [key])
    }

    /// The combinations a list narrowed to the foreign key `scope` can use: those that
    /// name it (the scope is one of a request's equality filters, so only a combination
    /// with it matches exactly).
    pub fn scoped_combinations<'a>(&'a self, scope: &'a str) -> impl Iterator<Item = &'a ListPath> {
        self.combinations
            .iter()
            .filter(move |c| c.filters.iter().any(|k| k == scope))
    }

    /// What some request to a list narrowed to the foreign key `scope` (a nested list), or
    /// to no key (the top-level list, and a many-to-many list, whose join is no equality on
    /// one of the rows' keys), may use, by the service's rule (`list.rs`'s `check_path`):
    /// the scope's key counts as an equality filter. Unscoped, that is every sort and
    /// filter; narrowed, the default sort and equality on the scope's key, the
    /// combinations that name the scope's key, and (a filter on a unique key matching one
    /// row at most) everything when a unique key is filterable.
    pub fn accepted(&self, scope: Option<&str>) -> Accepted {
        let (sorts, filters) = (self.any_sort(), self.any_filter());
        let Some(scope) = scope.filter(|_| self.unique.is_empty()) else {
            return Accepted {
                sorts: sorts.into_iter().map(String::from).collect(),
                filters: filters.into_iter().map(String::from).collect(),
            };
        };
        let combinations: Vec<&ListPath> = self.scoped_combinations(scope).collect();
        let sorted =
            |key: &str| key == self.default_sort || combinations.iter().any(|c| c.sort == key);
        let filtered = |key: &str| {
            key == scope
                || combinations
                    .iter()
                    .any(|c| c.filters.iter().any(|k| k == key))
        };
        Accepted {
            sorts: sorts
                .into_iter()
                .filter(|k| sorted(k))
                .map(String::from)
                .collect(),
            filters: filters
                .into_iter()
                .filter(|k| filtered(k))
                .map(String::from)
                .collect(),
        }
    }
}

/// What the requests to one list may use (see [`ListPaths::accepted`]), in the order of
/// [`ListPaths::any_sort`] and [`ListPaths::any_filter`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// Keys a request's first sort key may be (later keys may be any of `any_sort`).
    pub sorts: Vec<String>,
    /// Keys a request may filter on by equality (the range filters go with `sorts`).
    pub filters: Vec<String>,
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
    // Only an owner the row names itself narrows by a column; one through parents is a join.
    let owner = r
        .owner
        .as_ref()
        .and_then(|o| o.relation())
        .filter(|_| r.access.list.contains(&Rule::Owner))
        .map(|relation| key_of(r, relation));
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
        owner,
    }
}
