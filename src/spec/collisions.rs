//! Checks on what a sound spec generates, which no single key shows: Rust names that
//! stay equal after `rust_names::settle` (`v_2` and `v2` are both `V2`), two routes with one
//! method and path (the liveness check under `api_prefix = "/health"`), two tables or
//! indexes with one name (a resource `post_tag` next to the join table of `post` and
//! `tag`). The routes and tables are those the service gets (`routes.rs`, `schema_names.rs`).
//! Each error sits on the resource whose name or `plural` can fix it, names both sides,
//! and offers a fix that is itself free.

use std::collections::BTreeMap;
use std::ops::Range;

use super::model::Spec;
use super::reader::Sink;
use super::routes::{Route, own_api_routes, resource_routes, service_routes};
use super::schema_names::{join_table, list_column, schema_objects};
use super::words::MAX_NAME;
use crate::diagnostics::Diagnostic;
use crate::names::{Names, RESERVED_MODULES, alternative, resource_types};

/// Where a declared resource's name is, and its `plural` when the spec sets one.
pub struct Place {
    pub name: Range<usize>,
    pub plural: Option<Range<usize>>,
}

/// Each declared resource by name (the implicit `user` of a jwt spec has none).
pub type Declared = BTreeMap<String, Place>;

pub fn check(sink: &mut Sink, spec: &Spec, declared: &Declared) {
    rust_names(sink, spec, declared);
    routes(sink, spec, declared);
    tables(sink, spec, declared);
    sqlite_internal(sink, spec, declared);
    list_columns(sink, spec, declared);
    if spec.project.graphql {
        graphql(sink, spec, declared);
    }
}

/// Two schema names that are one (`graphql_names`): reported on the resource that gives
/// the later one, which renaming fixes.
fn graphql(sink: &mut Sink, spec: &Spec, declared: &Declared) {
    for c in super::graphql_names::clashes(spec) {
        let Some(resource) = &c.later.resource else {
            continue;
        };
        let first = match &c.first.resource {
            Some(r) if r == resource => c.first.what.clone(),
            Some(r) => format!("`{r}` ({})", c.first.what),
            None => c.first.what.clone(),
        };
        sink.push(
            Diagnostic::new(
                at(declared, resource),
                format!("resources.{resource}"),
                "two names in the GraphQL schema are the same",
            )
            .found(format!(
                "`{}`, from {first} and `{resource}` ({})",
                c.name, c.later.what
            ))
            .help(match c.later.fix() {
                Some(part) => {
                    format!("rename {part} of `{resource}`, or leave `[project] graphql` off")
                }
                None => format!("rename `{resource}`, or leave `[project] graphql` off"),
            }),
        );
    }
}

fn at(declared: &Declared, resource: &str) -> Range<usize> {
    declared.get(resource).map_or(0..0, |p| p.name.clone())
}

/// Where a clash that `plural` can fix is reported: at the `plural` when the spec sets one.
fn at_plural(declared: &Declared, resource: &str) -> (Range<usize>, String) {
    match declared.get(resource) {
        Some(Place {
            plural: Some(span), ..
        }) => (span.clone(), format!("resources.{resource}.plural")),
        _ => (at(declared, resource), format!("resources.{resource}")),
    }
}

fn rust_names(sink: &mut Sink, spec: &Spec, declared: &Declared) {
    for c in super::rust_names::collisions(&spec.resources) {
        let (what, help) = if c.module {
            (
                format!("the module `{}`", c.name),
                plural_help(spec, declared, &c.resource),
            )
        } else {
            let help = match rename_example(spec, &c.resource) {
                Some(alt) => format!("rename `{}`, e.g. to `{alt}`", c.resource),
                None => format!("rename `{}` or `{}`", c.resource, c.other),
            };
            (format!("the type `{}`", c.name), help)
        };
        let (span, key) = if c.module {
            at_plural(declared, &c.resource)
        } else {
            (
                at(declared, &c.resource),
                format!("resources.{}", c.resource),
            )
        };
        sink.push(
            Diagnostic::new(span, key, "two resources give the same Rust name")
                .found(format!("{what}, from `{}` and `{}`", c.other, c.resource))
                .help(help),
        );
    }
}

/// A resource name near `resource` whose Rust types no other resource has.
fn rename_example(spec: &Spec, resource: &str) -> Option<String> {
    let types: Vec<String> = spec
        .resources
        .iter()
        .filter(|r| r.names.snake != resource)
        .flat_map(|r| resource_types(&r.names.type_name))
        .collect();
    let candidates = [format!("{resource}_item"), format!("{resource}_record")];
    alternative(resource, &candidates, MAX_NAME, |c| {
        spec.resource(c).is_none()
            && !resource_types(&Names::new(c, None).pascal)
                .iter()
                .any(|t| types.contains(t))
    })
}

/// "set `plural` on `x`, e.g. ...", or "change" it when the spec sets one: a plural no
/// table, index, module or resource uses.
fn plural_help(spec: &Spec, declared: &Declared, resource: &str) -> String {
    let taken: Vec<String> = schema_objects(spec).into_iter().map(|o| o.name).collect();
    let used = |c: &str| {
        taken.iter().any(|t| t == c)
            || c.starts_with(SQLITE_INTERNAL)
            || RESERVED_MODULES.contains(&c)
            || spec
                .resources
                .iter()
                .any(|r| r.names.plural_snake == c || r.names.module == c || r.names.snake == c)
    };
    let mut candidates = ["items", "entries", "records"]
        .map(|w| format!("{resource}_{w}"))
        .to_vec();
    // `sqlite_stat` → `stats`: its own plural without the prefix SQLite keeps for itself.
    if let Some(r) = spec.resource(resource) {
        candidates.extend(
            r.names
                .plural_snake
                .strip_prefix(SQLITE_INTERNAL)
                .map(str::to_string),
        );
    }
    let verb = match declared.get(resource) {
        Some(Place {
            plural: Some(_), ..
        }) => "change",
        _ => "set",
    };
    match alternative(resource, &candidates, MAX_NAME, |c| !used(c)) {
        Some(plural) => format!("{verb} `plural` on `{resource}`, e.g. `plural = \"{plural}\"`"),
        None => format!("{verb} `plural` on `{resource}`"),
    }
}

/// A route and who serves it.
struct Served {
    route: Route,
    by: String,
    /// Whether the service mounts it itself under the API prefix (the prefix moves it
    /// along with the resources' routes).
    own_api: bool,
}

fn routes(sink: &mut Sink, spec: &Spec, declared: &Declared) {
    let own = |own_api| {
        move |route| Served {
            route,
            by: "the service".to_string(),
            own_api,
        }
    };
    let all: Vec<Served> = service_routes()
        .into_iter()
        .map(own(false))
        .chain(own_api_routes(spec).into_iter().map(own(true)))
        .chain(spec.resources.iter().flat_map(|r| {
            resource_routes(spec, r).into_iter().map(|route| Served {
                route,
                by: format!("`{}`", r.names.snake),
                own_api: false,
            })
        }))
        .collect();
    // Path parameters match anything, whatever they are called.
    let mut seen: BTreeMap<(&str, String), usize> = BTreeMap::new();
    // A resource whose routes clash clashes on most of them: one error for each pair.
    let mut reported: Vec<(String, &str)> = Vec::new();
    for (i, later) in all.iter().enumerate() {
        let key = (
            later.route.method.as_str(),
            without_parameter_names(&later.route.path),
        );
        let Some(&first) = seen.get(&key) else {
            seen.insert(key, i);
            continue;
        };
        let earlier = &all[first];
        let Some(blamed) =
            subject(spec, &later.route.path).or_else(|| subject(spec, &earlier.route.path))
        else {
            continue;
        };
        let pair = (blamed.clone(), earlier.by.as_str());
        if reported.contains(&pair) {
            continue;
        }
        reported.push(pair);
        let (span, key) = at_plural(declared, &blamed);
        // Earlier versions compared the jwt flow's routes only.
        let new_rule = earlier.own_api && !earlier.route.path.contains("/auth/");
        let fix = if earlier.own_api {
            format!(
                "{}, or rename `{blamed}`: the service mounts {} {} itself",
                plural_help(spec, declared, &blamed),
                earlier.route.method,
                earlier.route.path
            )
        } else {
            format!(
                "{}, or choose another `[project] api_prefix`",
                plural_help(spec, declared, &blamed)
            )
        };
        let d = Diagnostic::new(span, key, "two routes have the same method and path")
            .found(format!(
                "{} {}, both {} ({}) and {} ({})",
                later.route.method,
                later.route.path,
                earlier.route.summary,
                earlier.by,
                later.route.summary,
                later.by
            ))
            .help(fix);
        if new_rule {
            sink.push_new_rule(d);
        } else {
            sink.push(d);
        }
    }
}

/// `/v1/posts/{id}/tags/{tagId}` → `/v1/posts/{}/tags/{}`.
fn without_parameter_names(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The resource whose plural is the last fixed segment of `path` (`/v1/users/{id}/posts`
/// → `post`, also for `author-posts`), whose `plural` would move the route.
fn subject(spec: &Spec, path: &str) -> Option<String> {
    let last = path
        .split('/')
        .rfind(|s| !s.is_empty() && !s.starts_with('{'))?;
    let exact = spec.resources.iter().find(|r| r.names.plural_kebab == last);
    exact
        .or_else(|| {
            spec.resources
                .iter()
                .find(|r| last.ends_with(&format!("-{}", r.names.plural_kebab)))
        })
        .map(|r| r.names.snake.clone())
}

fn tables(sink: &mut Sink, spec: &Spec, declared: &Declared) {
    let objects = schema_objects(spec);
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    // A table that clashes usually drags its primary key's index along: one error each.
    let mut reported: Vec<(&str, &str)> = Vec::new();
    for (i, later) in objects.iter().enumerate() {
        let Some(&earlier) = first.get(later.name.as_str()) else {
            first.insert(&later.name, i);
            continue;
        };
        let earlier = &objects[earlier];
        // PostgreSQL names the second of two primary keys otherwise by itself.
        if earlier.automatic && later.automatic {
            continue;
        }
        let Some(blamed) = later.resource.as_ref().or(earlier.resource.as_ref()) else {
            continue;
        };
        if reported.contains(&(&earlier.what, &later.what)) {
            continue;
        }
        reported.push((&earlier.what, &later.what));
        let (span, key) = at_plural(declared, blamed);
        sink.push(
            Diagnostic::new(span, key, "two tables or indexes have the same name")
                .found(format!(
                    "`{}`, both {}{} and {}{}",
                    later.name, earlier.object, earlier.what, later.object, later.what
                ))
                .help(plural_help(spec, declared, blamed)),
        );
    }
}

/// SQLite keeps names that start with this for itself ("object name reserved for internal
/// use"); PostgreSQL does not mind, but migrations are the same in both.
const SQLITE_INTERNAL: &str = "sqlite_";

/// Tables and indexes SQLite would refuse to create, once per table. The fix is a name the
/// spec sets: the resource's `plural`, or for a join table (named after the resource that
/// declares the many-to-many) that resource's name or the side that declares it.
/// A column generated for a per-tenant table's lists (`schema_names::list_column`: a
/// decimal's scaled value, a text's prefix) is a column of its own, which no field of the
/// table may be.
fn list_columns(sink: &mut Sink, spec: &Spec, declared: &Declared) {
    for r in &spec.resources {
        for f in &r.fields {
            let Some(column) = list_column(spec, r, f) else {
                continue;
            };
            if r.fields.iter().any(|other| other.names.snake == column) {
                sink.push(
                    Diagnostic::new(
                        at(declared, &r.names.snake),
                        format!("resources.{}.fields.{column}", r.names.snake),
                        "this field name is taken by a generated column",
                    )
                    .found(column.as_str())
                    .help(format!(
                        "per tenant, PostgreSQL's lists compare `{}` through the column `{column}`, \
                         generated from it (docs/spec.md, `[tenancy]`); rename this field",
                        f.names.snake
                    )),
                );
            }
        }
    }
}

fn sqlite_internal(sink: &mut Sink, spec: &Spec, declared: &Declared) {
    let mut reported: Vec<String> = Vec::new();
    for object in schema_objects(spec) {
        if object.automatic
            || !object.name.starts_with(SQLITE_INTERNAL)
            || reported.contains(&object.what)
        {
            continue;
        }
        let Some(blamed) = object.resource.as_deref() else {
            continue;
        };
        let owner = spec.resources.iter().find(|r| {
            r.many_to_many
                .iter()
                .filter_map(|t| spec.resource(t))
                .any(|t| join_table(r, t) == object.name)
        });
        let (span, key, help) = match owner {
            Some(owner) => (
                at(declared, &owner.names.snake),
                format!("resources.{}", owner.names.snake),
                format!(
                    "rename `{}`, or declare the many-to-many on `{blamed}` instead",
                    owner.names.snake
                ),
            ),
            None => {
                let (span, key) = at_plural(declared, blamed);
                (span, key, plural_help(spec, declared, blamed))
            }
        };
        sink.push(
            Diagnostic::new(
                span,
                key,
                "SQLite keeps names that start with `sqlite_` for itself",
            )
            .found(format!(
                "`{}`, {}{}",
                object.name, object.object, object.what
            ))
            .help(help),
        );
        reported.push(object.what);
    }
}
