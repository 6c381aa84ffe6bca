//! The GraphQL schema of a service with `[project] graphql = true`: one description,
//! computed once from the template context and its OpenAPI document, that both the
//! generated code (`src/graphql/`, each resource's `graphql.rs`, through the context) and
//! the SDL file beside it (`schema.graphql`, [`sdl`]) are written from. A generated test
//! checks that the schema the service serves prints as that file.
//!
//! The schema answers what REST answers: a row's keys are its representation's (the
//! document's `Post` schema), an input's keys are its write body's (`Post.Create`,
//! `Post.Patch`), a list's filters are its REST list's query parameters, so the same
//! service functions, rules and validation serve both.

mod sdl;
#[cfg(test)]
mod tests;

use serde_json::Value;

pub use crate::context::graphql::{
    Graph, GraphChildren, GraphEnum, GraphField, GraphLinks, GraphRelation, GraphResource,
    ListedChildren, SCALARS, Scalar, StatementWalk,
};
use crate::context::{
    FieldContext, ResourceContext, ServiceContext, rows_without_limit, test_rows,
};
use crate::operations::{Kind, operations};
use crate::spec::graphql_names::{Children, children, enum_type, graph_names, link_field, linked};
use crate::spec::{Kind as FieldKind, Spec};

pub use sdl::{FILE, sdl};

/// The schema of the service `ctx` describes (its `openapi` already written).
pub fn graph(spec: &Spec, ctx: &ServiceContext) -> Graph {
    let document: Value = serde_json::from_str(&ctx.openapi).unwrap_or_default();
    let schemas = &document["components"]["schemas"];
    let list_ids: Vec<(String, String)> = operations(spec)
        .into_iter()
        .filter_map(|op| match op.kind {
            Kind::List { resource } => Some((resource, op.id)),
            _ => None,
        })
        .collect();
    let mut resources: Vec<GraphResource> = spec
        .resources
        .iter()
        .zip(&ctx.resources)
        .map(|(resource, r)| {
            let name = crate::openapi::schema_name(r);
            let list_id = list_ids
                .iter()
                .find(|(snake, _)| *snake == resource.names.snake)
                .map(|(_, id)| id.as_str());
            let description = block_text(&r.description);
            GraphResource {
                description_rust: format!("{description:?}"),
                description,
                names: graph_names(resource),
                module: r.names.module.clone(),
                fields: keys(r, resource, &schemas[&name]),
                relations: relations(r),
                by_keys: r
                    .belongs_to
                    .iter()
                    .filter(|b| !b.remote && !b.replica)
                    .map(|b| format!("By{}", b.names.pascal))
                    .collect(),
                children: children(spec, resource)
                    .into_iter()
                    .map(|c| child_field(ctx, &c))
                    .collect(),
                links: linked(spec, resource)
                    .into_iter()
                    .map(|target| {
                        let name = graph_names(target);
                        GraphLinks {
                            name: link_field(target),
                            connection: name.connection,
                            filter: None,
                            targets: target.names.plural_snake.clone(),
                            loader: format!("Linked{}", target.names.pascal),
                            target: target.names.snake.clone(),
                            linked_path: format!("{}/{{id}}/{}", r.url, target.names.plural_kebab),
                            snake: heck::ToSnakeCase::to_snake_case(link_field(target).as_str()),
                        }
                    })
                    .collect(),
                filters: list_id.map(|id| filters(&document, id)).unwrap_or_default(),
                create: keys(r, resource, &schemas[format!("{name}.Create")]),
                patch: keys(r, resource, &schemas[format!("{name}.Patch")]),
                enums: resource
                    .fields
                    .iter()
                    .filter_map(|f| {
                        let values = f.ty.values()?;
                        Some(GraphEnum {
                            name: enum_type(resource, f),
                            values: values.iter().map(|v| v.to_ascii_uppercase()).collect(),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    let erase = spec.has_accounts();
    let privacy = spec.exports();
    let audit = spec.audited();
    let used = |scalar: &Scalar| {
        // An export, an erasure and the audit trail are answered as JSON.
        ((privacy || audit) && scalar.name == "JSON")
            || resources.iter().any(|r| {
                r.fields
                    .iter()
                    .chain(&r.create)
                    .chain(&r.patch)
                    .any(|f| f.named == scalar.name)
            })
    };
    let scalars = SCALARS.iter().copied().filter(used).collect();
    nested_filters(spec, &mut resources);
    let walk = statement_walk(spec, ctx, &resources);
    Graph {
        resources,
        scalars,
        walk,
        privacy,
        erase,
        audit,
        tenancy: spec.tenancy.is_some(),
    }
}

/// A has-many or many-to-many field filters as the list of its rows' resource does.
fn nested_filters(spec: &Spec, resources: &mut [GraphResource]) {
    let filters: Vec<(&str, Option<String>)> = spec
        .resources
        .iter()
        .zip(resources.iter())
        .map(|(spec_r, r)| {
            let filter = (!r.filters.is_empty()).then(|| r.names.filter.clone());
            (spec_r.names.snake.as_str(), filter)
        })
        .collect();
    let filter_of = |snake: &str| {
        filters
            .iter()
            .find(|(s, _)| *s == snake)
            .and_then(|(_, filter)| filter.clone())
    };
    for r in resources.iter_mut() {
        for c in &mut r.children {
            c.filter = filter_of(&c.child);
        }
        for l in &mut r.links {
            l.filter = filter_of(&l.target);
        }
    }
}

/// The N+1 test's walk: of every list, has-many field and other parent of its rows, the
/// first whose rows the test may make without limit (so it lists 5 rows and then 50), else
/// the first whose children each have a listed row of their own (not all the caller's, not
/// rows of the list's own kind), then the first with another parent.
fn statement_walk(
    spec: &Spec,
    ctx: &ServiceContext,
    graph: &[GraphResource],
) -> Option<StatementWalk> {
    let mut best: Option<(u8, StatementWalk)> = None;
    for (i, p) in graph.iter().enumerate() {
        for c in &p.children {
            let Some(ci) = spec.resources.iter().position(|r| r.names.snake == c.child) else {
                continue;
            };
            let (child, child_ctx) = (&spec.resources[ci], &ctx.resources[ci]);
            let other = graph[ci].relations.iter().find(|q| q.key != c.key);
            let fresh_parents = !c.owner
                && c.child != spec.resources[i].names.snake
                && rows_without_limit(spec, &spec.resources[i])
                && child.fields.iter().all(|f| !f.unique);
            let self_kind = c.child == spec.resources[i].names.snake;
            let listed = if fresh_parents || !(c.owner || self_kind) {
                ListedChildren::Each
            } else if c.owner {
                ListedChildren::Some
            } else {
                ListedChildren::None
            };
            let rank = 4 * u8::from(fresh_parents)
                + 2 * u8::from(listed == ListedChildren::Each)
                + u8::from(other.is_some());
            if best.as_ref().is_some_and(|(best, _)| *best >= rank) {
                continue;
            }
            let mut tables = vec![ctx.resources[i].table.clone(), child_ctx.table.clone()];
            if let Some(q) = other {
                let target = ctx.resources.iter().find(|r| r.names.module == q.module);
                tables.extend(target.map(|r| r.table.clone()));
            }
            let sizes = if fresh_parents {
                [5, 50]
            } else {
                [1, test_rows(spec, child)]
            };
            let walk = StatementWalk {
                list: p.names.many.clone(),
                parent: spec.resources[i].names.snake.clone(),
                parent_url: ctx.resources[i].url.clone(),
                children: c.clone(),
                other: other.map(|q| q.name.clone()),
                tables,
                sizes,
                fresh_parents,
                listed,
            };
            best = Some((rank, walk));
        }
    }
    best.map(|(_, walk)| walk)
}

/// A description as a GraphQL block string may hold it: lines end in `\n`, a control
/// character GraphQL's source text may not hold is a space, and `\"\"\"` (which would end
/// the block) is escaped.
fn block_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .replace("\"\"\"", "\\\"\"\"")
}

/// The keys of one of the document's schemas of `r` (its representation, or a write body
/// when `input`), typed by what the spec says of each.
fn keys(r: &ResourceContext, resource: &crate::spec::Resource, schema: &Value) -> Vec<GraphField> {
    let required = crate::openapi::required_keys(schema);
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(key, property)| {
            // `null` among its types, or among the schemas it may be (a file's description).
            let nullable = property["type"]
                .as_array()
                .is_some_and(|types| types.iter().any(|t| t == "null"))
                || (property["anyOf"].as_array())
                    .is_some_and(|arms| arms.iter().any(|arm| arm["type"] == "null"));
            let field = r.fields.iter().find(|f| f.names.camel == *key);
            let (named, is_enum) = match field {
                Some(f) if f.is_enum => {
                    let spec_field = resource.fields.iter().find(|s| s.names.camel == *key);
                    let name =
                        spec_field.map_or_else(|| f.rust_type.clone(), |s| enum_type(resource, s));
                    (name, true)
                }
                Some(f) => (field_scalar(f).to_string(), false),
                None => (json_scalar(key, property).to_string(), false),
            };
            let list = property["type"] == "array";
            // A required key is non-null unless `null` is one of its values.
            let non_null = required.contains(&key.as_str()) && !nullable;
            let inner = if list {
                format!("[{named}!]")
            } else {
                named.clone()
            };
            let sdl = if non_null { format!("{inner}!") } else { inner };
            let constructor = match (list, non_null) {
                (true, true) => "named_nn_list_nn",
                (true, false) => "named_nn_list",
                (false, true) => "named_nn",
                (false, false) => "named",
            };
            let type_ref = format!("TypeRef::{constructor}(\"{named}\")");
            GraphField {
                type_ref,
                name: key.clone(),
                sdl,
                named,
                non_null,
                list,
                is_enum,
            }
        })
        .collect()
}

/// The scalar of a field of the spec.
fn field_scalar(f: &FieldContext) -> &'static str {
    match f.kind {
        FieldKind::String | FieldKind::Text | FieldKind::Enum => "String",
        FieldKind::Integer => "Int",
        FieldKind::BigInteger => "BigInt",
        FieldKind::Float => "Float",
        FieldKind::Decimal => "Decimal",
        FieldKind::Boolean => "Boolean",
        FieldKind::Uuid => "ID",
        FieldKind::Date => "Date",
        FieldKind::Datetime => "DateTime",
        // A file's description is an object; its bytes go through REST.
        FieldKind::Json | FieldKind::File => "JSON",
    }
}

/// The scalar of a key the spec does not declare as a field (ids, timestamps, `version`,
/// `roles`, `password`), from its JSON schema.
fn json_scalar(key: &str, property: &Value) -> &'static str {
    let schema = if property["type"] == "array" {
        &property["items"]
    } else {
        property
    };
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let format = schema["format"].as_str();
    if key == "id" || format == Some("uuid") {
        "ID"
    } else if format == Some("date-time") {
        "DateTime"
    } else if format == Some("date") {
        "Date"
    } else if types.contains(&"integer") {
        if format == Some("int64") {
            "BigInt"
        } else {
            "Int"
        }
    } else if types.contains(&"number") {
        "Float"
    } else if types.contains(&"boolean") {
        "Boolean"
    } else if types.contains(&"string") {
        "String"
    } else {
        "JSON"
    }
}

/// A has-many field, and what the generated tests need of its REST side.
fn child_field(ctx: &ServiceContext, c: &Children<'_>) -> GraphChildren {
    let child = ctx
        .resources
        .iter()
        .find(|r| r.names.snake == c.child.names.snake);
    let relation = child.and_then(|r| {
        r.belongs_to
            .iter()
            .find(|b| b.names.snake == c.relation.names.snake)
    });
    GraphChildren {
        connection: graph_names(c.child).connection,
        filter: None,
        module: c.child.names.module.clone(),
        relation: c.relation.names.snake.clone(),
        loader: format!("By{}", c.relation.names.pascal),
        child: c.child.names.snake.clone(),
        child_url: child.map(|r| r.url.clone()).unwrap_or_default(),
        key: relation.map(|b| b.json.clone()).unwrap_or_default(),
        nested_path: relation
            .map(|b| format!("{}{}", ctx.api_prefix, b.nested_path))
            .unwrap_or_default(),
        owner: relation.is_some_and(|b| b.owner),
        snake: heck::ToSnakeCase::to_snake_case(c.name.as_str()),
        name: c.name.clone(),
        single: c.single.clone(),
        object: graph_names(c.child).object,
    }
}

/// The belongs-to relations whose parent is a row of this service.
fn relations(r: &ResourceContext) -> Vec<GraphRelation> {
    r.belongs_to
        .iter()
        .filter(|b| !b.remote && !b.replica)
        .map(|b| GraphRelation {
            name: b.names.camel.clone(),
            key: b.json.clone(),
            object: b.target.type_name.clone(),
            module: b.target.module.clone(),
        })
        .collect()
}

/// The filter parameters of the list operation `id` in the document: every query
/// parameter but the page's, the sort's and the fields'.
fn filters(document: &Value, id: &str) -> Vec<String> {
    const NOT_FILTERS: [&str; 5] = ["page", "limit", "cursor", "sort", "fields"];
    let operation = document["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(|path| path["get"].as_object())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(id));
    operation
        .and_then(|op| op.get("parameters"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str())
        .filter(|name| !NOT_FILTERS.contains(name))
        .map(str::to_string)
        .collect()
}
