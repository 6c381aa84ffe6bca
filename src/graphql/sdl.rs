//! `schema.graphql`: the schema in GraphQL's schema language, printed as async-graphql
//! prints the schema the service builds (types by name, two-space indents, descriptions
//! in block strings), so a generated test compares the two byte for byte.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Graph, GraphField, GraphResource};
use crate::spec::graphql_names::{AUDIT_QUERIES, ERASE_MUTATION, EXPORT_QUERIES};

/// Where the file is written, beside `Cargo.toml`.
pub const FILE: &str = "schema.graphql";

/// The arguments of every list field.
pub const LIST_ARGUMENTS: &str = "first: Int, after: String, sort: String";

/// The types every schema has, as printed.
const PAGE_INFO: &str = "type PageInfo {\n  hasNextPage: Boolean!\n  hasPreviousPage: Boolean!\n  startCursor: String\n  endCursor: String\n}\n";
const DIRECTIVES: &str = "\"\"\"\nDirects the executor to include this field or fragment only when the `if` argument is true.\n\"\"\"\ndirective @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT\n\"\"\"\nDirects the executor to skip this field or fragment when the `if` argument is true.\n\"\"\"\ndirective @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT\n";

pub fn sdl(graph: &Graph) -> String {
    // async-graphql prints its types sorted by name.
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    types.insert("PageInfo".into(), PAGE_INFO.into());
    for scalar in &graph.scalars {
        types.insert(
            scalar.name.into(),
            format!(
                "{}scalar {}\n",
                description(scalar.description),
                scalar.name
            ),
        );
    }
    let mut query = String::new();
    let mut mutation = String::new();
    for r in &graph.resources {
        resource_types(r, &mut types);
        let n = &r.names;
        let _ = writeln!(query, "  {}(id: ID!): {}", n.one, n.object);
        let filter = if r.filters.is_empty() {
            String::new()
        } else {
            format!(", filter: {}", n.filter)
        };
        let _ = writeln!(
            query,
            "  {}({LIST_ARGUMENTS}{filter}): {}!",
            n.many, n.connection
        );
        let input = |fields: &[GraphField], ty: &str, lead: &str| {
            if fields.is_empty() {
                lead.trim_end_matches(", ").to_string()
            } else {
                format!("{lead}input: {ty}!")
            }
        };
        let create = input(&r.create, &n.create_input, "");
        let create = if create.is_empty() {
            String::new()
        } else {
            format!("({create})")
        };
        let _ = writeln!(mutation, "  {}{create}: {}!", n.create, n.object);
        let update = input(&r.patch, &n.patch_input, "id: ID!, ");
        let _ = writeln!(mutation, "  {}({update}): {}!", n.update, n.object);
        let _ = writeln!(mutation, "  {}(id: ID!): ID!", n.delete);
    }
    if graph.privacy {
        let [mine, any] = EXPORT_QUERIES;
        let _ = writeln!(query, "  {mine}: JSON!");
        let _ = writeln!(query, "  {any}(id: ID!): JSON!");
    }
    if graph.erase {
        let _ = writeln!(mutation, "  {ERASE_MUTATION}(id: ID!): JSON!");
    }
    if graph.audit {
        let [log, entry] = AUDIT_QUERIES;
        // Under `[tenancy]` an entry names its row's tenant, and the list filters by it.
        let tenant = if graph.tenancy { "tenantId: ID, " } else { "" };
        let _ = writeln!(
            query,
            "  {log}(resource: String, rowId: ID, actorId: ID, {tenant}occurredAfter: String, occurredBefore: String, sort: String, first: Int, after: String): JSON!"
        );
        let _ = writeln!(query, "  {entry}(id: ID!): JSON!");
    }
    types.insert("Query".into(), format!("type Query {{\n{query}}}\n"));
    if !mutation.is_empty() {
        types.insert(
            "Mutation".into(),
            format!("type Mutation {{\n{mutation}}}\n"),
        );
    }
    let mut out = String::new();
    for text in types.values() {
        out.push_str(text);
        out.push('\n');
    }
    out.push_str(DIRECTIVES);
    out.push_str("schema {\n  query: Query\n");
    if !mutation.is_empty() {
        out.push_str("  mutation: Mutation\n");
    }
    out.push_str("}\n");
    out
}

fn resource_types(r: &GraphResource, types: &mut BTreeMap<String, String>) {
    let n = &r.names;
    let mut object = format!("{}type {} {{\n", description(&r.description), n.object);
    for f in &r.fields {
        let _ = writeln!(object, "  {}: {}", f.name, f.sdl);
    }
    for rel in &r.relations {
        let _ = writeln!(object, "  {}: {}", rel.name, rel.object);
    }
    for c in &r.children {
        if let Some(single) = &c.single {
            let _ = writeln!(object, "  {single}: {}", c.object);
        }
    }
    let nested = [
        r.children
            .iter()
            .map(|c| (&c.name, &c.filter, &c.connection))
            .collect::<Vec<_>>(),
        r.links
            .iter()
            .map(|l| (&l.name, &l.filter, &l.connection))
            .collect(),
    ];
    for (name, filter, connection) in nested.into_iter().flatten() {
        let filter = filter
            .as_ref()
            .map(|f| format!(", filter: {f}"))
            .unwrap_or_default();
        let _ = writeln!(
            object,
            "  {name}(first: Int, sort: String{filter}): {connection}"
        );
    }
    object.push_str("}\n");
    types.insert(n.object.clone(), object);
    types.insert(
        n.connection.clone(),
        format!(
            "type {} {{\n  edges: [{}!]!\n  nodes: [{}!]!\n  pageInfo: PageInfo!\n  totalCount: Int\n}}\n",
            n.connection, n.edge, n.object
        ),
    );
    types.insert(
        n.edge.clone(),
        format!(
            "type {} {{\n  cursor: String!\n  node: {}!\n}}\n",
            n.edge, n.object
        ),
    );
    if !r.filters.is_empty() {
        let mut filter = format!("input {} {{\n", n.filter);
        for key in &r.filters {
            let _ = writeln!(filter, "  {key}: String");
        }
        filter.push_str("}\n");
        types.insert(n.filter.clone(), filter);
    }
    for (name, fields) in [(&n.create_input, &r.create), (&n.patch_input, &r.patch)] {
        if fields.is_empty() {
            continue;
        }
        let mut input = format!("input {name} {{\n");
        for f in fields {
            let _ = writeln!(input, "  {}: {}", f.name, f.sdl);
        }
        input.push_str("}\n");
        types.insert(name.clone(), input);
    }
    for e in &r.enums {
        let mut text = format!("enum {} {{\n", e.name);
        for value in &e.values {
            let _ = writeln!(text, "  {value}");
        }
        text.push_str("}\n");
        types.insert(e.name.clone(), text);
    }
}

/// A description as a block string at the top level; empty for none.
fn description(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("\"\"\"\n{text}\n\"\"\"\n")
    }
}
