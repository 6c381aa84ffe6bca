//! The names a resource gives the GraphQL schema (`[project] graphql = true`): its object,
//! connection, edge, filter and input types, its enum types, its root fields and its
//! relation fields. GraphQL has one namespace of types and one of root fields, where Rust
//! had a module per resource, so two resources (or a resource and a type every schema has)
//! can give one name: spec validation refuses such a spec (`collisions.rs`), and the
//! schema's builder (`crate::graphql`) reads the same names.

use super::model::{Field, Resource, Spec};

/// Types every schema has, whatever its resources: the roots, the page info, the
/// built-in scalars and those the service adds.
pub const SCHEMA_TYPES: &[&str] = &[
    "Query", "Mutation", "PageInfo", "ID", "String", "Int", "Float", "Boolean", "DateTime", "Date",
    "Decimal", "BigInt", "JSON",
];

/// The root query fields of an account's export (jwt, with the accounts in this service):
/// the caller's own, and any account's for an admin.
pub const EXPORT_QUERIES: [&str; 2] = ["myExport", "accountExport"];

/// The root query fields of the audit trail's admin reads.
pub const AUDIT_QUERIES: [&str; 2] = ["auditLog", "auditEntry"];
/// The root mutation field of an admin's erasure of an account. An account's erasure of
/// itself takes its password, and stays a REST route, as signing in does.
pub const ERASE_MUTATION: &str = "eraseAccount";

/// A resource's names in the schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GraphNames {
    /// The object type: the Rust type's name (`Post`).
    pub object: String,
    pub connection: String,
    pub edge: String,
    pub filter: String,
    pub create_input: String,
    pub patch_input: String,
    /// The root query fields: one row (`post`) and the list (`posts`; `newsList` where the
    /// plural is the singular).
    pub one: String,
    pub many: String,
    /// The root mutation fields.
    pub create: String,
    pub update: String,
    pub delete: String,
}

pub fn graph_names(r: &Resource) -> GraphNames {
    let object = r.names.type_name.clone();
    let pascal = &r.names.pascal;
    GraphNames {
        connection: format!("{object}Connection"),
        edge: format!("{object}Edge"),
        filter: format!("{object}Filter"),
        create_input: format!("{object}CreateInput"),
        patch_input: format!("{object}PatchInput"),
        one: r.names.camel.clone(),
        // A name whose plural is itself (`news`, `series`) lists as `newsList`.
        many: if r.names.plural_camel == r.names.camel {
            format!("{}List", r.names.camel)
        } else {
            r.names.plural_camel.clone()
        },
        create: format!("create{pascal}"),
        update: format!("update{pascal}"),
        delete: format!("delete{pascal}"),
        object,
    }
}

/// A has-many field: the rows of `child` whose relation `relation` names a row of the
/// parent, as a field of the parent's type (`comments` on `Post`).
#[derive(Debug, Clone)]
pub struct Children<'a> {
    pub child: &'a Resource,
    pub relation: &'a super::model::BelongsTo,
    /// `comments`; `postsByEditor` when the child has two relations to the parent.
    pub name: String,
    /// A one-to-one relation's single row: `invoice`; `invoiceByPayer` as `name`.
    pub single: Option<String>,
}

/// The has-many fields of `parent`: one per relation of a resource of this service to it,
/// in the order of the resources, then of their relations.
pub fn children<'a>(spec: &'a Spec, parent: &Resource) -> Vec<Children<'a>> {
    let mut out = Vec::new();
    for child in &spec.resources {
        let to_parent: Vec<_> = child
            .belongs_to
            .iter()
            .filter(|b| b.target == parent.names.snake && !spec.is_remote(b))
            .collect();
        for relation in &to_parent {
            let name = if to_parent.len() == 1 {
                child.names.plural_camel.clone()
            } else {
                format!("{}By{}", child.names.plural_camel, relation.names.pascal)
            };
            let single = relation.unique.then(|| {
                if to_parent.len() == 1 {
                    child.names.camel.clone()
                } else {
                    format!("{}By{}", child.names.camel, relation.names.pascal)
                }
            });
            out.push(Children {
                child,
                relation,
                name,
                single,
            });
        }
    }
    out
}

/// The resources `r` links to (its `many_to_many`), in its order.
pub fn linked<'a>(spec: &'a Spec, r: &Resource) -> Vec<&'a Resource> {
    r.many_to_many
        .iter()
        .filter_map(|target| spec.resource(target))
        .collect()
}

/// A many-to-many field's name: the target's plural (`tags` on `Post`).
pub fn link_field(target: &Resource) -> String {
    target.names.plural_camel.clone()
}

/// An enum field's type (`PostStatus`): the resource's object type, then the field.
pub fn enum_type(r: &Resource, f: &Field) -> String {
    format!("{}{}", r.names.type_name, f.names.pascal)
}

/// What gives a name: a resource (by snake name) and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Giver {
    pub resource: Option<String>,
    pub what: String,
    /// The part of the resource whose renaming frees the name (`the field \`kind\``), when
    /// renaming the resource would not.
    pub part: Option<String>,
}

impl Giver {
    pub fn fix(&self) -> Option<&str> {
        self.part.as_deref()
    }
}

/// Two givers of one schema name: the later one is the resource to rename.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub name: String,
    pub first: Giver,
    pub later: Giver,
}

/// Every name two givers share: types, root query fields, root mutation fields, and a
/// relation field that is also a field of its resource.
pub fn clashes(spec: &Spec) -> Vec<Clash> {
    let mut clashes = Vec::new();
    let mut types: Vec<(String, Giver)> = SCHEMA_TYPES
        .iter()
        .map(|t| {
            let giver = Giver {
                resource: None,
                what: "every schema".to_string(),
                part: None,
            };
            (t.to_string(), giver)
        })
        .collect();
    let mut queries: Vec<(String, Giver)> = Vec::new();
    let mut mutations: Vec<(String, Giver)> = Vec::new();
    // The service's own root fields, which no resource gives.
    let own = |name: &str, what: &str| {
        let giver = Giver {
            resource: None,
            what: what.to_string(),
            part: None,
        };
        (name.to_string(), giver)
    };
    if spec.has_accounts() {
        queries.extend(EXPORT_QUERIES.map(|q| own(q, "the accounts' export")));
        mutations.push(own(ERASE_MUTATION, "the accounts' erasure"));
    }
    if spec.audited() {
        queries.extend(AUDIT_QUERIES.map(|q| own(q, "the audit trail")));
    }
    for r in &spec.resources {
        let n = graph_names(r);
        let by = |what: String| Giver {
            resource: Some(r.names.snake.clone()),
            what,
            part: None,
        };
        let by_part = |what: String, part: String| Giver {
            part: Some(part),
            ..by(what)
        };
        let mut mine = vec![
            (n.object.clone(), by("its object type".into())),
            (n.connection.clone(), by("its list's type".into())),
            (n.edge.clone(), by("its list's edge type".into())),
            (n.filter.clone(), by("its list's filter type".into())),
            (n.create_input.clone(), by("its create input type".into())),
            (n.patch_input.clone(), by("its update input type".into())),
        ];
        for f in r.fields.iter().filter(|f| f.ty.values().is_some()) {
            let what = format!("the enum type of its field `{}`", f.names.snake);
            let part = format!("the field `{}`", f.names.snake);
            mine.push((enum_type(r, f), by_part(what, part)));
        }
        for (name, giver) in mine {
            note(&mut types, &mut clashes, name, giver);
        }
        note(
            &mut queries,
            &mut clashes,
            n.one,
            by("its query of one row".into()),
        );
        note(
            &mut queries,
            &mut clashes,
            n.many,
            by("its list query".into()),
        );
        for (name, what) in [
            (n.create, "its create mutation"),
            (n.update, "its update mutation"),
            (n.delete, "its delete mutation"),
        ] {
            note(&mut mutations, &mut clashes, name, by(what.into()));
        }
        // The object's own fields: its keys, then its relations and has-many fields.
        let mut fields: Vec<(String, Giver)> = ["id", "createdAt", "updatedAt", "version", "roles"]
            .iter()
            .map(|key| (key.to_string(), by(format!("its key `{key}`"))))
            .collect();
        let mut mine = Vec::new();
        for f in &r.fields {
            let part = format!("the field `{}`", f.names.snake);
            mine.push((
                f.names.camel.clone(),
                by_part(format!("its field `{}`", f.names.snake), part),
            ));
        }
        for b in &r.belongs_to {
            let part = format!("the relation `{}`", b.names.snake);
            let key = format!("{}Id", b.names.camel);
            mine.push((
                key,
                by_part(
                    format!("its relation `{}`'s key", b.names.snake),
                    part.clone(),
                ),
            ));
            if !spec.is_remote(b) {
                mine.push((
                    b.names.camel.clone(),
                    by_part(format!("its relation `{}`", b.names.snake), part),
                ));
            }
        }
        for c in children(spec, r) {
            let what = format!(
                "its list of `{}` rows by `{}`",
                c.child.names.snake, c.relation.names.snake
            );
            let giver = Giver {
                resource: Some(c.child.names.snake.clone()),
                what,
                part: Some(format!(
                    "`{}`'s relation `{}`",
                    c.child.names.snake, c.relation.names.snake
                )),
            };
            if let Some(single) = &c.single {
                let mut one = giver.clone();
                one.what = format!(
                    "its one `{}` row by `{}`",
                    c.child.names.snake, c.relation.names.snake
                );
                mine.push((single.clone(), one));
            }
            mine.push((c.name, giver));
        }
        for target in linked(spec, r) {
            let what = format!("its list of linked `{}` rows", target.names.snake);
            let part = format!("the link to `{}`", target.names.snake);
            mine.push((link_field(target), by_part(what, part)));
        }
        for (name, giver) in mine {
            let name_in = format!("{}.{name}", n.object);
            match fields.iter().find(|(f, _)| *f == name) {
                Some((_, first)) => clashes.push(Clash {
                    name: name_in,
                    first: first.clone(),
                    later: giver,
                }),
                None => fields.push((name, giver)),
            }
        }
    }
    clashes
}

fn note(seen: &mut Vec<(String, Giver)>, clashes: &mut Vec<Clash>, name: String, giver: Giver) {
    match seen.iter().find(|(n, _)| *n == name) {
        Some((_, first)) => clashes.push(Clash {
            name,
            first: first.clone(),
            later: giver,
        }),
        None => seen.push((name, giver)),
    }
}
