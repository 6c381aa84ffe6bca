//! One table as the migrations create it, in parts (columns, constraints, indexes), so
//! that `migrate` can change one part in place. `sql` builds them, `schema` gathers a
//! spec's, `migrate` compares two.

use crate::dialect::{Dialect, quote};
use crate::spec::schema_names::identifier;
use crate::spec::{Field, FieldType};

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
    /// A resource table's constraints over several columns, after its columns: under
    /// `[tenancy]`, each foreign key with its tenant (`FOREIGN KEY (tenant_id, author_id)
    /// REFERENCES authors (tenant_id, id)`), so that no reference crosses tenants.
    pub constraints: Vec<Constraint>,
    /// The whole migration that creates the table: comments, table, indexes.
    pub create: String,
}

impl Table {
    /// What `CREATE TABLE` lists: the columns, then the constraints over several of them.
    pub fn definitions(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(Column::definition)
            .chain(
                self.constraints
                    .iter()
                    .map(|c| format!("CONSTRAINT {} {}", c.name, c.body)),
            )
            .collect()
    }
}

/// What a table holds. Only resource tables change column by column; the join
/// tables, the sessions table, the outbox and the job queue come and go whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Resource,
    Join,
    Sessions,
    /// The jwt flow's sessions, single-use tokens and verified emails.
    Accounts,
    Outbox,
    Jobs,
    Webhooks,
    Idempotency,
    /// The keys that sealed personal data.
    DataKeys,
    /// The audit trail (`audit = true`).
    Audit,
    /// The exports a job prepares (`POST /auth/me/exports`), each fetched once.
    Exports,
    /// A copy of another service's rows (`[replicas.NAME]`).
    Replica,
    /// The tenants' memberships and invitations (`[tenancy]`).
    Tenancy,
}

/// A column, in parts, so that `migrate` can change one part in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Unquoted (`order_id`).
    pub name: String,
    /// As SQL names it (`"order"` for a reserved word).
    pub quoted: String,
    /// `TEXT`, `VARCHAR(80)`, `NUMERIC(10, 2)`...
    pub sql_type: String,
    pub primary_key: bool,
    pub not_null: bool,
    /// An SQL literal.
    pub default: Option<String>,
    /// An enum's allowed values, as a named constraint: `status IN ('a', 'b')`.
    pub check: Option<Constraint>,
    /// A foreign key, as a named constraint: `authors (id) ON DELETE CASCADE`.
    pub references: Option<Constraint>,
    /// What the column holds, to tell a safe type change from a lossy one.
    pub value: Value,
}

/// A named constraint: of one column (a check, a foreign key), or of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub name: String,
    pub body: String,
}

/// What a column holds: a field of the spec (its type and length limit), or a
/// column the generator adds (ids, keys, bookkeeping), whose type never changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Field(FieldType, Option<u32>),
    Fixed,
    /// Computed by the service from another column (a personal field's blind index, which
    /// `rotate-keys` writes again): dropping it loses nothing.
    Derived,
}

impl Eq for Value {}

impl Column {
    /// A column the generator adds, of a fixed type.
    pub fn fixed(name: &str, sql_type: &str, not_null: bool) -> Self {
        Column {
            name: name.to_string(),
            quoted: crate::names::sql_ident(name),
            sql_type: sql_type.to_string(),
            primary_key: false,
            not_null,
            default: None,
            check: None,
            references: None,
            value: Value::Fixed,
        }
    }

    /// A field's column: type, `NOT NULL`, `DEFAULT`, and an enum's `CHECK`.
    pub fn field(dialect: Dialect, table: &str, f: &Field) -> Self {
        let check = f.ty.values().map(|values| {
            let list: Vec<String> = values.iter().map(|v| quote(v)).collect();
            Constraint {
                name: identifier(format!("{table}_{}_check", f.names.snake)),
                body: format!("{} IN ({})", f.names.sql, list.join(", ")),
            }
        });
        // A personal value is stored as its ciphertext, longer than the value's own bound; a
        // field that was personal keeps that column, whose values it unseals as it starts
        // (PostgreSQL could not narrow it while they are sealed), and bounds its writes.
        let max_length = f.rules.max_length.filter(|_| !f.opened());
        Column {
            name: f.names.snake.clone(),
            quoted: f.names.sql.clone(),
            sql_type: dialect.column_type(&f.ty, max_length),
            primary_key: false,
            not_null: f.required,
            default: f.default.as_ref().map(|d| dialect.literal(d)),
            check,
            references: None,
            value: Value::Field(f.ty.clone(), max_length),
        }
    }

    /// A personal field's blind index (`Field::blind_index`), when it has one: null where
    /// the value is, and until `rotate-keys` has indexed a row written before the field
    /// became personal.
    pub fn blind_index(f: &Field) -> Option<Self> {
        f.blind_index().map(|name| Column {
            value: Value::Derived,
            ..Column::fixed(&name, "TEXT", false)
        })
    }

    /// The column's definition in `CREATE TABLE` or `ADD COLUMN`.
    pub fn definition(&self) -> String {
        let mut sql = format!("{} {}", self.quoted, self.sql_type);
        if self.primary_key {
            sql.push_str(" PRIMARY KEY");
        }
        if self.not_null {
            sql.push_str(" NOT NULL");
        }
        if let Some(default) = &self.default {
            sql.push_str(&format!(" DEFAULT {default}"));
        }
        if let Some(check) = &self.check {
            sql.push_str(&format!(
                " CONSTRAINT {} CHECK ({})",
                check.name, check.body
            ));
        }
        if let Some(fk) = &self.references {
            sql.push_str(&format!(" CONSTRAINT {} REFERENCES {}", fk.name, fk.body));
        }
        sql
    }

    /// Whether the column can be added to a table that holds rows.
    pub fn addable(&self) -> bool {
        !self.not_null || self.default.is_some()
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
