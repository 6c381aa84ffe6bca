//! The GraphQL schema's description as the templates read it (`[project] graphql`): plain
//! data here, below the contexts that carry it; `crate::graphql` computes it from the
//! context and the OpenAPI document, and prints it as SDL.

use serde::Serialize;

use crate::spec::graphql_names::GraphNames;

/// The schema: every resource's part, and the custom scalars they use.
#[derive(Debug, Clone, Serialize)]
pub struct Graph {
    pub resources: Vec<GraphResource>,
    /// The custom scalars some type names, in the order [`SCALARS`] lists them.
    pub scalars: Vec<Scalar>,
    /// What the generated N+1 test reads, when some resource has a has-many field.
    pub walk: Option<StatementWalk>,
    /// An account's export is answered here (the accounts are here, or this service holds
    /// its part of a split's export): `myExport` and `accountExport`, as JSON.
    pub privacy: bool,
    /// The accounts are here (jwt): an admin's erasure, `eraseAccount`, as JSON. A part's
    /// rows are erased through its inbox, so it has none.
    pub erase: bool,
    /// The audit trail's admin reads (`auditLog`, `auditEntry`), as JSON.
    pub audit: bool,
    /// `[tenancy]`: the audit trail's entries name their row's tenant (`tenantId`).
    pub tenancy: bool,
}

/// The generated N+1 test's query: a list, each row's has-many field and each of those
/// rows' other parent, read with few rows and with many; it counts the statements of each.
#[derive(Debug, Clone, Serialize)]
pub struct StatementWalk {
    /// The list's query field (`orders`), and its resource's snake name and collection URL.
    pub list: String,
    pub parent: String,
    pub parent_url: String,
    /// The has-many field (`orderItems`) the test reads under each row.
    pub children: GraphChildren,
    /// The children's other parent as a field (`product`), when they have one.
    pub other: Option<String>,
    /// The tables whose statements are counted: the list's, the children's, the other's.
    pub tables: Vec<String>,
    /// The rows listed, few and many. With `fresh_parents`, each listed row is a new row of
    /// the list's resource with one child under it (their tests may make rows without
    /// limit: no unique field); else each child is made with its own parents, as many as
    /// the child's tests may hold at once.
    pub sizes: [usize; 2],
    pub fresh_parents: bool,
    /// What the answer's children say of the rows made: `each` listed row has one (a new
    /// parent per child), `some` row has them (they all name the caller, the owner), or
    /// `none` is known (a row of its own kind, whose test body names no parent).
    pub listed: ListedChildren,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListedChildren {
    Each,
    Some,
    None,
}

/// A custom scalar: its values are JSON as the REST representation writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scalar {
    pub name: &'static str,
    pub description: &'static str,
}

/// Every custom scalar the schema may have.
pub const SCALARS: [Scalar; 5] = [
    Scalar {
        name: "BigInt",
        description: "A whole number of 64 bits, written as a JSON number.",
    },
    Scalar {
        name: "Date",
        description: "A calendar date, `YYYY-MM-DD` (RFC 3339's full-date).",
    },
    Scalar {
        name: "DateTime",
        description: "An instant, RFC 3339 with its offset (`2024-05-01T12:00:00Z`).",
    },
    Scalar {
        name: "Decimal",
        description: "An exact decimal number, written as a string (`\"12.50\"`).",
    },
    Scalar {
        name: "JSON",
        description: "Any JSON value.",
    },
];

/// One resource's part of the schema.
#[derive(Debug, Clone, Serialize)]
pub struct GraphResource {
    pub names: GraphNames,
    /// The resource's Rust module (`posts`).
    pub module: String,
    /// The resource's description as GraphQL may write it ([`block_text`]), and as a Rust
    /// string literal for the generated code.
    pub description: String,
    pub description_rust: String,
    /// The representation's keys, in its order.
    pub fields: Vec<GraphField>,
    /// Its belongs-to relations to resources of this service, as object fields.
    pub relations: Vec<GraphRelation>,
    /// The rows of other resources that name one of its rows (has-many fields).
    pub children: Vec<GraphChildren>,
    /// The rows it links to (its `many_to_many`).
    pub links: Vec<GraphLinks>,
    /// The keys its rows are loaded by under a parent (`ByAuthor`), one per relation to a
    /// resource of this service: `graphql/keys.rs` defines them, its `graphql.rs` loads them.
    pub by_keys: Vec<String>,
    /// Its REST list's filter parameters (`status`, `createdAfter`), as text.
    pub filters: Vec<String>,
    /// The keys a create takes, and a patch.
    pub create: Vec<GraphField>,
    pub patch: Vec<GraphField>,
    pub enums: Vec<GraphEnum>,
}

/// A key of an object or an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphField {
    pub name: String,
    /// Its type as SDL writes it (`String!`, `[String!]!`).
    pub sdl: String,
    /// The named type (`String`), and whether the value and the list are non-null.
    pub named: String,
    pub non_null: bool,
    pub list: bool,
    /// Its values are an enum's: REST's `in_stock` is GraphQL's `IN_STOCK`.
    pub is_enum: bool,
    /// The type as async-graphql's dynamic schema builds it (`TypeRef::named_nn("String")`).
    pub type_ref: String,
}

/// A belongs-to relation as a field: `author` of type `User`, from the key `authorId`.
#[derive(Debug, Clone, Serialize)]
pub struct GraphRelation {
    pub name: String,
    pub key: String,
    pub object: String,
    /// The parent resource's Rust module.
    pub module: String,
}

/// A has-many field: `comments(first)` on `Post`, the first rows of its nested list.
#[derive(Debug, Clone, Serialize)]
pub struct GraphChildren {
    pub name: String,
    /// The child's connection type.
    pub connection: String,
    /// The child's filter input type, when its REST list has filters.
    pub filter: Option<String>,
    /// The child resource's Rust module, where its loader by parent is.
    pub module: String,
    /// The relation's snake name (the child's `service::children_by_author`) and its key type
    /// in the child's `graphql.rs` (`ByAuthor`).
    pub relation: String,
    pub loader: String,
    /// For the generated tests: the child's snake name, collection URL and key of the
    /// parent, the REST nested list (`/v1/posts/{id}/comments`), whether the relation is the
    /// child's owner (set from the token, never from a body), and the field in snake case.
    pub child: String,
    pub child_url: String,
    pub key: String,
    pub nested_path: String,
    pub owner: bool,
    pub snake: String,
    /// One-to-one: the field of the one row (`invoice`), and the child's object type.
    pub single: Option<String>,
    pub object: String,
}

/// A many-to-many field: `tags(first)` on `Post`, the first page of REST's linked list.
#[derive(Debug, Clone, Serialize)]
pub struct GraphLinks {
    pub name: String,
    /// The target's connection type.
    pub connection: String,
    /// The target's filter input type, when its REST list has filters.
    pub filter: Option<String>,
    /// The target's plural snake name (the source's `service::linked_tags_of`), and the key
    /// type of this resource's loader of them (`LinkedTag`).
    pub targets: String,
    pub loader: String,
    /// For the generated tests: the target's snake name, and REST's list of one row's links
    /// (`/v1/posts/{id}/tags`), where `PUT …/{targetId}` links one.
    pub target: String,
    pub linked_path: String,
    pub snake: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GraphEnum {
    pub name: String,
    /// The values as GraphQL writes them (`IN_STOCK`).
    pub values: Vec<String>,
}
