//! One dialect's migration: its statements kept by step, in the order that keeps every
//! step valid, and written out (SQLite's rebuilds inside foreign-key checks).

use crate::dialect::Dialect;
use crate::names::sql_ident;
use crate::schema::Table;
use crate::spec::Database;
use crate::spec::schema_names::AUDIT_LOG;

/// The statements of one dialect, by step.
pub(super) struct Diff {
    pub(super) dialect: Dialect,
    pub(super) rename_tables: Vec<String>,
    /// Before the indexes: a foreign key over several columns needs the unique index it
    /// refers to.
    pub(super) drop_constraints: Vec<String>,
    pub(super) drop_indexes: Vec<String>,
    /// PostgreSQL's generated columns that change: dropped before the columns they read
    /// change, added back with the new columns.
    pub(super) drop_generated: Vec<String>,
    pub(super) renames: Vec<String>,
    pub(super) alter_columns: Vec<String>,
    pub(super) drop_columns: Vec<String>,
    pub(super) drop_tables: Vec<String>,
    pub(super) create_tables: Vec<String>,
    /// Rows the new columns refer to (turning tenancy on: the first tenant, the memberships).
    pub(super) seed: Vec<String>,
    pub(super) add_columns: Vec<String>,
    pub(super) rebuilds: Vec<String>,
    pub(super) create_indexes: Vec<String>,
    /// After the indexes, for the same reason.
    pub(super) add_constraints: Vec<String>,
    /// Join tables copied into a new shape (turning tenancy on), once the tables they refer
    /// to have theirs.
    pub(super) copies: Vec<String>,
    /// Last: the policies of the tables as they now are (`policies::tenant_alone`).
    pub(super) policies: Vec<String>,
    /// PostgreSQL's index changes that run outside a transaction, in a migration of their
    /// own (`concurrent_sql`): drops, then builds.
    pub(super) concurrent_drops: Vec<Concurrent>,
    pub(super) concurrent_creates: Vec<Concurrent>,
    pub(super) changes: Vec<String>,
    pub(super) losses: Vec<String>,
    /// What may make the migration fail on the data a database holds.
    pub(super) cautions: Vec<String>,
    pub(super) refused: Vec<String>,
}

/// One table's statements, kept apart until it is known whether SQLite must
/// rebuild the table instead.
#[derive(Default)]
pub(super) struct TableSteps {
    pub(super) drop_constraints: Vec<String>,
    pub(super) drop_indexes: Vec<String>,
    pub(super) drop_generated: Vec<String>,
    pub(super) renames: Vec<String>,
    pub(super) alter_columns: Vec<String>,
    pub(super) drop_columns: Vec<String>,
    pub(super) add_columns: Vec<String>,
    pub(super) create_indexes: Vec<String>,
    pub(super) add_constraints: Vec<String>,
    /// SQLite cannot say it with `ALTER TABLE`.
    pub(super) rebuild: bool,
    /// For a rebuild: each new column's value, as an expression on the old row.
    pub(super) copy: Vec<(String, String)>,
}

impl Diff {
    pub(super) fn sqlite(&self) -> bool {
        self.dialect.0 == Database::Sqlite
    }

    /// The audit trail's entries of each resource renamed `(from, to)` renamed with it, once
    /// the tables' own changes are made.
    pub(super) fn rename_audit_entries(&mut self, renamed: &[(String, String)]) {
        for (from, to) in renamed {
            self.changes
                .push(format!("rename the audit entries of `{from}` to `{to}`"));
            self.copies.push(format!(
                "UPDATE {AUDIT_LOG} SET resource = '{to}' WHERE resource = '{from}';"
            ));
        }
    }

    pub(super) fn sql(&self) -> String {
        let steps = [
            &self.rename_tables,
            &self.drop_constraints,
            &self.drop_indexes,
            &self.drop_generated,
            &self.renames,
            &self.alter_columns,
            &self.drop_columns,
            &self.drop_tables,
            &self.create_tables,
            &self.seed,
            &self.add_columns,
            &self.rebuilds,
            &self.create_indexes,
            &self.add_constraints,
            &self.copies,
            &self.policies,
        ];
        let statements: Vec<&str> = steps
            .iter()
            .flat_map(|s| s.iter())
            .map(String::as_str)
            .collect();
        if self.changes.is_empty() {
            return String::new();
        }
        if statements.is_empty() && self.has_concurrent() {
            // The concurrent migration is this change's whole migration in this dialect.
            return String::new();
        }
        let rebuilds = !self.rebuilds.is_empty();
        let mut out = String::from("-- Written by `backend-gen update`:\n");
        for change in &self.changes {
            out.push_str(&format!("--   {}\n", change.replace('`', "")));
        }
        out.push('\n');
        if statements.is_empty() {
            out.push_str("-- Nothing changes in this dialect's schema.\n");
            return out;
        }
        if rebuilds {
            out.push_str(REBUILD_BEGIN);
        }
        out.push_str(&statements.join("\n"));
        out.push('\n');
        if rebuilds {
            out.push_str(REBUILD_COMMIT);
        }
        out
    }
}

impl Diff {
    pub(super) fn has_concurrent(&self) -> bool {
        !(self.concurrent_drops.is_empty() && self.concurrent_creates.is_empty())
    }

    /// The index changes PostgreSQL makes without blocking writes, drops first: each a
    /// migration of its own, since PostgreSQL runs the statements of one migration in one
    /// implicit transaction, where `CONCURRENTLY` is refused.
    pub(super) fn concurrent(&self) -> Vec<Concurrent> {
        self.concurrent_drops
            .iter()
            .chain(&self.concurrent_creates)
            .cloned()
            .collect()
    }
}

/// One PostgreSQL index change made `CONCURRENTLY`, and the statement that undoes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concurrent {
    /// `create index orders_status_idx`.
    pub change: String,
    pub up: String,
    pub down: String,
}

impl Concurrent {
    /// A migration file of the statement: sqlx runs it outside a transaction
    /// (`-- no-transaction` first).
    pub fn file(&self, statement: &str) -> String {
        format!(
            "-- no-transaction\n\
             -- Written by `backend-gen update`: {}, without blocking writes (CONCURRENTLY\n\
             -- runs only outside a transaction). A build that fails leaves an invalid index:\n\
             -- drop it (DROP INDEX CONCURRENTLY name) and run the migrations again.\n\n\
             {statement}\n",
            self.change
        )
    }
}

/// Around a migration that rebuilds SQLite tables. Foreign keys must be off while a
/// table is copied (dropping the old copy would otherwise delete or null the rows
/// that point at it), and `PRAGMA foreign_keys` is a no-op inside the transaction
/// a migration runs in: the service's `migrate` turns them off around its
/// migrations, and the migration checks every key before it commits.
const REBUILD_BEGIN: &str = "\
-- SQLite changes a column's definition, or drops a foreign key, only by copying
-- its table (https://www.sqlite.org/lang_altertable.html#otheralter). Run it with
-- foreign keys off, as the service's `migrate` and `rollback` do; every foreign
-- key is checked at the end.
";

const REBUILD_COMMIT: &str = "
-- A row whose foreign key points at no row fails the migration here.
CREATE TEMP TABLE backend_gen_foreign_key_check (
    violations INTEGER CONSTRAINT every_foreign_key_holds CHECK (violations = 0)
);
INSERT INTO backend_gen_foreign_key_check SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE backend_gen_foreign_key_check;
";

/// SQLite's table rebuild: a new table of the new definition, the rows copied
/// (`copy`: each column's value from the old row), the old table dropped, the
/// new one renamed, and its indexes made.
pub(super) fn rebuild(table: &Table, copy: &[(String, String)]) -> String {
    let new = sql_ident(&format!("new_{}", table.name));
    let definitions = table.definitions();
    let (columns, values): (Vec<&str>, Vec<&str>) =
        copy.iter().map(|(c, v)| (c.as_str(), v.as_str())).unzip();
    let mut out = format!(
        "CREATE TABLE {new} (\n    {}\n);\nINSERT INTO {new} ({})\n    SELECT {} FROM {old};\n\
         DROP TABLE {old};\nALTER TABLE {new} RENAME TO {old};",
        definitions.join(",\n    "),
        columns.join(", "),
        values.join(", "),
        old = table.quoted
    );
    for index in &table.indexes {
        out.push('\n');
        out.push_str(&index.sql);
    }
    out
}
