//! The database schema a spec gives, table by table, in one dialect: what the
//! migrations of a new project create, and what `update` compares between the
//! spec a project was generated from and its new spec (see `migrate`).

use crate::dialect::Dialect;
use crate::spec::{AuthMode, Spec};
use crate::sql;

/// One table, as the migrations create it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Unquoted (`order_items`).
    pub name: String,
    /// As SQL names it (`"order"` for a reserved word).
    pub quoted: String,
    pub kind: TableKind,
    /// A resource table's columns, in the order a new table lists them.
    pub columns: Vec<Column>,
    /// A resource table's indexes.
    pub indexes: Vec<Index>,
    /// The whole migration that creates the table: comments, table, indexes.
    pub create: String,
}

/// What a table holds. Only resource tables change column by column; the join
/// tables and the sessions table come and go whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Resource,
    Join,
    Sessions,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Unquoted (`order_id`).
    pub name: String,
    /// The column's definition in `CREATE TABLE` or `ADD COLUMN`: name, type,
    /// `NOT NULL`, `DEFAULT`, `CHECK`, `REFERENCES`.
    pub definition: String,
}

impl Column {
    pub fn new(name: &str, definition: String) -> Self {
        Column {
            name: name.to_string(),
            definition,
        }
    }

    /// Whether the column can be added to a table that holds rows.
    pub fn addable(&self) -> bool {
        !self.definition.contains(" NOT NULL") || self.definition.contains(" DEFAULT ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    /// `CREATE [UNIQUE] INDEX ...;`
    pub sql: String,
    /// Printed above the index in a new table's migration.
    pub comment: Option<&'static str>,
}

/// Every table `spec`'s migrations create, in the order they create them:
/// resources parents first, then join tables, then the jwt flow's sessions.
pub fn tables(spec: &Spec, dialect: Dialect) -> Vec<Table> {
    let mut out: Vec<Table> = spec
        .creation_order()
        .into_iter()
        .map(|r| sql::resource_table(spec, r, dialect))
        .collect();
    for r in &spec.resources {
        for t in r.many_to_many.iter().filter_map(|t| spec.resource(t)) {
            let name = sql::join_table(r, t);
            out.push(Table {
                quoted: crate::names::sql_ident(&name),
                name,
                kind: TableKind::Join,
                columns: Vec::new(),
                indexes: Vec::new(),
                create: sql::create_join_table(r, t, dialect),
            });
        }
    }
    if spec.auth.mode == AuthMode::Jwt {
        out.push(Table {
            name: sql::REFRESH_TOKENS.into(),
            quoted: sql::REFRESH_TOKENS.into(),
            kind: TableKind::Sessions,
            columns: Vec::new(),
            indexes: Vec::new(),
            create: sql::create_refresh_tokens(spec, dialect),
        });
    }
    out
}
