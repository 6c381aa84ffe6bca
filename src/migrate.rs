//! A spec change as a migration: the schema of the spec a project was
//! generated from against the schema of its new spec (`schema::tables`), in
//! both dialects, as one new SQL file per dialect, and the file that undoes it.
//!
//! Statements run in an order that keeps every step valid: indexes that go
//! first (a column they cover may go next), then renamed columns, columns
//! changed in place, dropped columns, dropped tables (children before parents),
//! new tables (parents first), new columns (which may reference a new table),
//! SQLite's table rebuilds, and the new indexes last.
//!
//! PostgreSQL changes a column in place (`ALTER COLUMN`). SQLite's `ALTER TABLE`
//! cannot change a column's type, nullability, default or constraints, nor drop
//! a foreign key: such a table is rebuilt by SQLite's documented procedure
//! (<https://www.sqlite.org/lang_altertable.html#otheralter>), with foreign keys
//! off and checked before the commit.
//!
//! What cannot be expressed safely is refused with the reason, not guessed: a
//! type change without a conversion that keeps the values' meaning, a required
//! column with no value for the rows already there, a required belongs-to added
//! to a table, and a changed join or sessions table.

use std::collections::{BTreeMap, BTreeSet};

use crate::cast::{Cast, cast, now, zero};
use crate::dialect::Dialect;
use crate::names::sql_ident;
use crate::schema::{Column, Table, TableKind, Value, tables};
use crate::spec::{Database, FieldType, Literal, Resource, Spec};

/// One-off values for rows that exist, by (table, column): `update --backfill`.
pub type Backfills = BTreeMap<(String, String), Literal>;

/// What a spec change does to the database.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    /// One line per change, e.g. "add column `products.weight`".
    pub changes: Vec<String>,
    /// What the change would lose, one line each; empty when it loses nothing.
    pub losses: Vec<String>,
    /// Changes that no migration is written for, with why.
    pub refused: Vec<String>,
    /// The migration in each dialect; empty when the schema did not change.
    pub sqlite: String,
    pub postgres: String,
    /// The migrations that undo it, unless it cannot be undone (`irreversible` says why).
    pub down: Option<(String, String)>,
    pub irreversible: Vec<String>,
    /// A short snake_case name for the migration file.
    pub slug: String,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.refused.is_empty()
    }
}

/// The migration that takes a database of `old`'s schema to `new`'s, and back.
pub fn plan(old: &Spec, new: &Spec, backfills: &Backfills) -> Plan {
    let up = Renames {
        tables: table_renames(old, new),
        columns: column_renames(old, new),
    };
    let down = up.reversed();
    let diff = |from, to, renames, fill, db| Diff::new(from, to, renames, fill, Dialect(db));
    let lite = diff(old, new, &up, Fill::Given(backfills), Database::Sqlite);
    let pg = diff(old, new, &up, Fill::Given(backfills), Database::Postgres);
    let back_lite = diff(new, old, &down, Fill::Zero, Database::Sqlite);
    let back_pg = diff(new, old, &down, Fill::Zero, Database::Postgres);
    let merged = |a: Vec<String>, b: Vec<String>| {
        let mut out = a;
        for line in b {
            if !out.contains(&line) {
                out.push(line);
            }
        }
        out
    };
    let irreversible = merged(back_lite.refused.clone(), back_pg.refused.clone());
    let slug = match lite.changes.as_slice() {
        [] => String::new(),
        [one] => slug(one),
        [first, rest @ ..] => format!("{}_and_{}_more", slug(first), rest.len()),
    };
    Plan {
        sqlite: lite.sql(),
        postgres: pg.sql(),
        down: irreversible
            .is_empty()
            .then(|| (back_lite.sql(), back_pg.sql())),
        irreversible,
        refused: merged(lite.refused, pg.refused),
        losses: merged(lite.losses, pg.losses),
        changes: lite.changes,
        slug,
    }
}

/// A change's words as a file name: `add column products.weight` → `add_products_weight`.
fn slug(change: &str) -> String {
    let words: Vec<String> = change
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty() && !matches!(*w, "column" | "table" | "index" | "to"))
        .map(str::to_string)
        .collect();
    let mut slug = words.join("_");
    slug.truncate(48);
    slug.trim_end_matches('_').to_string()
}

/// A column renamed in a table: (table as now named, from, to).
type Rename = (String, String, String);

/// What a spec change renames rather than drops and creates.
struct Renames {
    /// (from, to): a resource's table (a new `plural`, or `renamed_from` on the
    /// resource) and the join tables named after it.
    tables: Vec<(String, String)>,
    /// Fields with `renamed_from`, and the foreign keys to a renamed resource.
    columns: Vec<Rename>,
}

impl Renames {
    /// The renames that undo these.
    fn reversed(&self) -> Self {
        let to_of = |table: &str| {
            self.tables
                .iter()
                .find(|(_, to)| to == table)
                .map_or(table.to_string(), |(from, _)| from.clone())
        };
        Renames {
            tables: self
                .tables
                .iter()
                .map(|(from, to)| (to.clone(), from.clone()))
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|(t, from, to)| (to_of(t), to.clone(), from.clone()))
                .collect(),
        }
    }

    fn table(&self, name: &str) -> Option<&str> {
        self.tables
            .iter()
            .find(|(from, _)| from == name)
            .map(|(_, to)| to.as_str())
    }

    /// `table` as the new spec names it: its name, and the tables its foreign keys
    /// and text name.
    fn apply(&self, table: &Table) -> Table {
        let mut out = table.clone();
        if let Some(to) = self.table(&table.name) {
            out.name = to.to_string();
            out.quoted = sql_ident(to);
        }
        for column in &mut out.columns {
            if let Some(fk) = &mut column.references {
                for (from, to) in &self.tables {
                    let prefix = format!("{} (", sql_ident(from));
                    if let Some(rest) = fk.body.strip_prefix(&prefix) {
                        fk.body = format!("{} ({rest}", sql_ident(to));
                    }
                }
            }
        }
        for (from, to) in &self.tables {
            out.create = out.create.replace(
                &format!("REFERENCES {} (", sql_ident(from)),
                &format!("REFERENCES {} (", sql_ident(to)),
            );
        }
        if let Some(to) = self.table(&table.name) {
            out.create = out.create.replace(&table.name, to);
        }
        out
    }
}

/// Where a value comes from for rows that exist and gain a required column.
#[derive(Clone, Copy)]
enum Fill<'a> {
    /// The team's `--backfill` values.
    Given(&'a Backfills),
    /// The type's zero: a rollback putting back a column whose values are gone.
    Zero,
}

impl Fill<'_> {
    /// The value for `column` of `table` in rows that have none: its default,
    /// the time for timestamps, or the fill's own.
    fn value(self, table: &str, column: &Column, dialect: Dialect) -> Option<String> {
        if let Some(default) = &column.default {
            return Some(default.clone());
        }
        if matches!(column.name.as_str(), "created_at" | "updated_at")
            && column.value == Value::Fixed
        {
            return Some(now(dialect));
        }
        match (self, &column.value) {
            (Fill::Given(values), _) => values
                .get(&(table.to_string(), column.name.clone()))
                .map(|v| dialect.literal(v)),
            (Fill::Zero, Value::Field(ty, _)) => Some(zero(ty, dialect)),
            (Fill::Zero, Value::Fixed) => None,
        }
    }
}

/// The statements of one dialect, by step.
struct Diff {
    dialect: Dialect,
    rename_tables: Vec<String>,
    drop_indexes: Vec<String>,
    renames: Vec<String>,
    alter_columns: Vec<String>,
    drop_columns: Vec<String>,
    drop_tables: Vec<String>,
    create_tables: Vec<String>,
    add_columns: Vec<String>,
    rebuilds: Vec<String>,
    create_indexes: Vec<String>,
    changes: Vec<String>,
    losses: Vec<String>,
    refused: Vec<String>,
}

/// One table's statements, kept apart until it is known whether SQLite must
/// rebuild the table instead.
#[derive(Default)]
struct TableSteps {
    drop_indexes: Vec<String>,
    renames: Vec<String>,
    alter_columns: Vec<String>,
    drop_columns: Vec<String>,
    add_columns: Vec<String>,
    create_indexes: Vec<String>,
    /// SQLite cannot say it with `ALTER TABLE`.
    rebuild: bool,
    /// For a rebuild: each new column's value, as an expression on the old row.
    copy: Vec<(String, String)>,
}

impl Diff {
    fn new(old: &Spec, new: &Spec, renames: &Renames, fill: Fill, dialect: Dialect) -> Self {
        // The old tables as the new spec names them.
        let original = tables(old, dialect);
        let before: Vec<Table> = original.iter().map(|t| renames.apply(t)).collect();
        let after = tables(new, dialect);
        let old_by_name: BTreeMap<&str, &Table> =
            before.iter().map(|t| (t.name.as_str(), t)).collect();
        let new_names: BTreeSet<&str> = after.iter().map(|t| t.name.as_str()).collect();
        let mut diff = Diff {
            dialect,
            drop_indexes: Vec::new(),
            renames: Vec::new(),
            alter_columns: Vec::new(),
            drop_columns: Vec::new(),
            drop_tables: Vec::new(),
            create_tables: Vec::new(),
            add_columns: Vec::new(),
            rebuilds: Vec::new(),
            create_indexes: Vec::new(),
            rename_tables: Vec::new(),
            changes: Vec::new(),
            losses: Vec::new(),
            refused: Vec::new(),
        };
        for (from, to) in &renames.tables {
            diff.rename_table(from, to, &original, &after);
        }
        for table in before.iter().rev() {
            if !new_names.contains(table.name.as_str()) {
                diff.drop_table(table);
            }
        }
        for table in &after {
            match old_by_name.get(table.name.as_str()) {
                None => {
                    diff.changes.push(format!("create table `{}`", table.name));
                    diff.create_tables.push(table.create.trim_end().to_string());
                }
                Some(was) if table.kind == TableKind::Resource => {
                    let renames: Vec<(String, String)> = renames
                        .columns
                        .iter()
                        .filter(|(t, _, _)| *t == table.name)
                        .map(|(_, from, to)| (from.clone(), to.clone()))
                        .collect();
                    diff.alter(was, table, &renames, fill);
                }
                Some(was) if uncommented(&was.create) != uncommented(&table.create) => {
                    diff.refused.push(format!(
                        "table `{}` changed; update migrates a join or sessions table only by \
                     creating or dropping it whole",
                        table.name
                    ))
                }
                Some(_) => {}
            }
        }
        diff
    }

    fn sqlite(&self) -> bool {
        self.dialect.0 == Database::Sqlite
    }

    /// A table renamed, with what its name names: PostgreSQL's primary key, and a join
    /// table's index (which SQLite renames only by making it again).
    fn rename_table(&mut self, from: &str, to: &str, before: &[Table], after: &[Table]) {
        let (Some(was), Some(now)) = (
            before.iter().find(|t| t.name == from),
            after.iter().find(|t| t.name == to),
        ) else {
            return;
        };
        self.changes
            .push(format!("rename table `{from}` to `{to}`"));
        self.rename_tables.push(format!(
            "ALTER TABLE {} RENAME TO {};",
            was.quoted, now.quoted
        ));
        if !self.sqlite() {
            self.rename_tables.push(format!(
                "ALTER INDEX {} RENAME TO {};",
                crate::sql::primary_key(from),
                crate::sql::primary_key(to)
            ));
        }
        // A resource table's indexes follow the index diff; a join table's, named
        // after the table, are renamed here.
        if now.kind == TableKind::Join {
            for (old, new) in was.indexes.iter().zip(&now.indexes) {
                if self.sqlite() {
                    self.drop_indexes.push(format!("DROP INDEX {};", old.name));
                    self.create_indexes.push(new.sql.clone());
                } else {
                    self.rename_tables
                        .push(format!("ALTER INDEX {} RENAME TO {};", old.name, new.name));
                }
            }
        }
    }

    fn drop_table(&mut self, table: &Table) {
        self.changes.push(format!("drop table `{}`", table.name));
        self.losses
            .push(format!("table `{}` and every row in it", table.name));
        self.drop_tables
            .push(format!("DROP TABLE {};", table.quoted));
    }

    /// A resource table that both specs have: its columns and indexes one by one.
    fn alter(&mut self, was: &Table, now: &Table, renames: &[(String, String)], fill: Fill) {
        let old_columns: BTreeMap<&str, &Column> =
            was.columns.iter().map(|c| (c.name.as_str(), c)).collect();
        let new_columns: BTreeMap<&str, &Column> =
            now.columns.iter().map(|c| (c.name.as_str(), c)).collect();
        // A rename applies while the old column exists and the new one does not yet.
        let renames: Vec<&(String, String)> = renames
            .iter()
            .filter(|(from, to)| {
                old_columns.contains_key(from.as_str())
                    && !old_columns.contains_key(to.as_str())
                    && !new_columns.contains_key(from.as_str())
            })
            .collect();
        let mut steps = TableSteps::default();
        for index in &was.indexes {
            if !now.indexes.contains(index) {
                steps
                    .drop_indexes
                    .push(format!("DROP INDEX {};", index.name));
            }
        }
        for (from, to) in &renames {
            self.changes
                .push(format!("rename column `{}.{from}` to `{to}`", now.name));
            steps.renames.push(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {};",
                now.quoted,
                sql_ident(from),
                sql_ident(to)
            ));
        }
        for new in &now.columns {
            let source = renames
                .iter()
                .find(|(_, to)| *to == new.name)
                .map_or(new.name.as_str(), |(from, _)| from.as_str());
            match old_columns.get(source) {
                Some(old) => {
                    let value = self.change_column(now, old, new, fill, &mut steps);
                    steps.copy.push((new.quoted.clone(), value));
                }
                None => self.add_column(now, new, fill, &mut steps),
            }
        }
        for old in &was.columns {
            if renames.iter().any(|(from, _)| *from == old.name)
                || new_columns.contains_key(old.name.as_str())
            {
                continue;
            }
            self.changes
                .push(format!("drop column `{}.{}`", now.name, old.name));
            self.losses.push(format!(
                "column `{}.{}` and its values in every row",
                now.name, old.name
            ));
            // SQLite drops a foreign-key column only by rebuilding its table.
            steps.rebuild |= old.references.is_some();
            steps.drop_columns.push(format!(
                "ALTER TABLE {} DROP COLUMN {};",
                now.quoted, old.quoted
            ));
        }
        for index in &now.indexes {
            if !was.indexes.contains(index) {
                steps.create_indexes.push(index.sql.clone());
            }
        }
        if self.sqlite() && steps.rebuild {
            self.rebuilds.push(rebuild(now, &steps.copy));
            return;
        }
        self.drop_indexes.append(&mut steps.drop_indexes);
        self.renames.append(&mut steps.renames);
        self.alter_columns.append(&mut steps.alter_columns);
        self.drop_columns.append(&mut steps.drop_columns);
        self.add_columns.append(&mut steps.add_columns);
        self.create_indexes.append(&mut steps.create_indexes);
    }

    /// A column both tables have (perhaps renamed): its type, nullability, default and
    /// constraints changed in place. Returns the column's value in a rebuild's copy.
    fn change_column(
        &mut self,
        table: &Table,
        old: &Column,
        new: &Column,
        fill: Fill,
        steps: &mut TableSteps,
    ) -> String {
        let name = format!("{}.{}", table.name, new.name);
        let mut aspects = Vec::new();
        if let (Value::Field(a, a_max), Value::Field(b, b_max)) = (&old.value, &new.value) {
            let same = matches!((a, b), (FieldType::Enum { .. }, FieldType::Enum { .. })) || a == b;
            if !same || a_max != b_max {
                aspects.push(format!("type {} → {}", kind(a, *a_max), kind(b, *b_max)));
                match cast((a, *a_max), (b, *b_max), &name) {
                    Cast::Safe => {}
                    Cast::Lossy(what) => self.losses.push(what),
                    Cast::Impossible(why) => self.refused.push(why),
                }
            }
        }
        let null_changed = old.not_null != new.not_null;
        let default_changed = old.default != new.default;
        // An enum's CHECK, whatever the column is called.
        let allowed = |c: &Column| {
            c.check.as_ref().map(|k| {
                k.body
                    .strip_prefix(c.quoted.as_str())
                    .unwrap_or(&k.body)
                    .to_string()
            })
        };
        let check_changed = allowed(old) != allowed(new);
        let target = |c: &Column| c.references.as_ref().map(|r| r.body.clone());
        let references_changed = target(old) != target(new);
        if null_changed {
            aspects.push(
                if new.not_null {
                    "now required"
                } else {
                    "now optional"
                }
                .into(),
            );
        }
        if default_changed {
            aspects.push("default".into());
        }
        if check_changed {
            aspects.push("allowed values".into());
            if let (
                Value::Field(FieldType::Enum { values: was }, _),
                Value::Field(FieldType::Enum { values: now }, _),
            ) = (&old.value, &new.value)
            {
                let gone: Vec<&str> = was
                    .iter()
                    .filter(|v| !now.contains(v))
                    .map(String::as_str)
                    .collect();
                if !gone.is_empty() {
                    self.losses.push(format!(
                        "rows whose `{name}` is {} make the migration fail: the value is no \
                         longer allowed",
                        gone.join(" or ")
                    ));
                }
            }
        }
        if references_changed {
            aspects.push("on_delete".into());
        }
        if !aspects.is_empty() {
            self.changes
                .push(format!("change column `{name}`: {}", aspects.join(", ")));
        }
        let mut value = old.quoted.clone();
        let mut filled = None;
        if null_changed && new.not_null {
            match fill.value(&table.name, new, self.dialect) {
                Some(v) => {
                    value = format!("COALESCE({value}, {v})");
                    filled = Some(v);
                }
                None => self
                    .refused
                    .push(needs_value(&name, new, "becomes required")),
            }
        }
        if self.sqlite() {
            steps.rebuild |= old.sql_type != new.sql_type
                || null_changed
                || default_changed
                || check_changed
                || references_changed;
            return value;
        }
        let (q, col) = (&table.quoted, &new.quoted);
        let mut alter = |change: String| {
            steps
                .alter_columns
                .push(format!("ALTER TABLE {q} {change};"))
        };
        if let (true, Some(check)) = (check_changed, &old.check) {
            alter(format!("DROP CONSTRAINT {}", check.name));
        }
        if let (true, Some(fk)) = (references_changed, &old.references) {
            alter(format!("DROP CONSTRAINT {}", fk.name));
        }
        if default_changed && old.default.is_some() {
            alter(format!("ALTER COLUMN {col} DROP DEFAULT"));
        }
        if old.sql_type != new.sql_type {
            alter(format!("ALTER COLUMN {col} TYPE {}", new.sql_type));
        }
        if let (true, Some(default)) = (default_changed, &new.default) {
            alter(format!("ALTER COLUMN {col} SET DEFAULT {default}"));
        }
        if null_changed && !new.not_null {
            alter(format!("ALTER COLUMN {col} DROP NOT NULL"));
        }
        if let Some(v) = filled {
            steps
                .alter_columns
                .push(format!("UPDATE {q} SET {col} = {v} WHERE {col} IS NULL;"));
            steps
                .alter_columns
                .push(format!("ALTER TABLE {q} ALTER COLUMN {col} SET NOT NULL;"));
        }
        let mut alter = |change: String| {
            steps
                .alter_columns
                .push(format!("ALTER TABLE {q} {change};"))
        };
        match (&old.check, &new.check) {
            (_, Some(check)) if check_changed => {
                alter(format!(
                    "ADD CONSTRAINT {} CHECK ({})",
                    check.name, check.body
                ));
            }
            (Some(was), Some(now)) if was.name != now.name => {
                alter(format!("RENAME CONSTRAINT {} TO {}", was.name, now.name));
            }
            _ => {}
        }
        match (&old.references, &new.references) {
            (_, Some(fk)) if references_changed => alter(format!(
                "ADD CONSTRAINT {} FOREIGN KEY ({col}) REFERENCES {}",
                fk.name, fk.body
            )),
            (Some(was), Some(now)) if was.name != now.name => {
                alter(format!("RENAME CONSTRAINT {} TO {}", was.name, now.name));
            }
            _ => {}
        }
        value
    }

    /// A column new to its table. One that is required and has no default needs a
    /// value for the rows already there: `--backfill`, or the time for timestamps.
    fn add_column(&mut self, table: &Table, new: &Column, fill: Fill, steps: &mut TableSteps) {
        let name = format!("{}.{}", table.name, new.name);
        let q = &table.quoted;
        if new.addable() {
            self.changes.push(format!("add column `{name}`"));
            steps
                .add_columns
                .push(format!("ALTER TABLE {q} ADD COLUMN {};", new.definition()));
            return;
        }
        let value = match fill.value(&table.name, new, self.dialect) {
            Some(v) if new.references.is_none() => v,
            _ => {
                self.refused.push(needs_value(&name, new, "is required"));
                return;
            }
        };
        self.changes.push(format!("add column `{name}`"));
        if self.sqlite() {
            steps.rebuild = true;
            steps.copy.push((new.quoted.clone(), value));
            return;
        }
        let nullable = Column {
            not_null: false,
            ..new.clone()
        };
        let col = &new.quoted;
        steps.add_columns.extend([
            format!("ALTER TABLE {q} ADD COLUMN {};", nullable.definition()),
            format!("UPDATE {q} SET {col} = {value};"),
            format!("ALTER TABLE {q} ALTER COLUMN {col} SET NOT NULL;"),
        ]);
    }

    fn sql(&self) -> String {
        let steps = [
            &self.rename_tables,
            &self.drop_indexes,
            &self.renames,
            &self.alter_columns,
            &self.drop_columns,
            &self.drop_tables,
            &self.create_tables,
            &self.add_columns,
            &self.rebuilds,
            &self.create_indexes,
        ];
        let statements: Vec<&str> = steps
            .iter()
            .flat_map(|s| s.iter())
            .map(String::as_str)
            .collect();
        if self.changes.is_empty() {
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
fn rebuild(table: &Table, copy: &[(String, String)]) -> String {
    let new = sql_ident(&format!("new_{}", table.name));
    let definitions: Vec<String> = table.columns.iter().map(Column::definition).collect();
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

/// A field's type as the spec names it, with its length limit.
fn kind(ty: &FieldType, max_length: Option<u32>) -> String {
    match (ty, max_length) {
        (FieldType::Decimal { precision, scale }, _) => format!("decimal({precision}, {scale})"),
        (ty, Some(n)) => format!("{}({n})", ty.spec_name()),
        (ty, None) => ty.spec_name().to_string(),
    }
}

fn needs_value(name: &str, column: &Column, what: &str) -> String {
    if column.references.is_some() {
        return format!(
            "belongs-to column `{name}` {what}, and the rows already in the table point at \
             nothing: add it with `required = false`, set it on every row, then write the \
             migration that makes it required yourself (--no-migration)"
        );
    }
    format!(
        "column `{name}` {what}, and the rows already in the table have no value for it: \
         give it a `default`, or run update with `--backfill RESOURCE.FIELD=VALUE`"
    )
}

/// The resource of `old` that `r` of `new` continues: the one of the same name, or
/// the one it says it was `renamed_from` (unless the new spec still has that one).
fn was<'a>(old: &'a Spec, new: &Spec, r: &Resource) -> Option<&'a Resource> {
    let key = r
        .renamed_from
        .as_deref()
        .filter(|from| new.resource(from).is_none())
        .unwrap_or(&r.names.snake);
    old.resource(key)
}

/// Tables that keep their rows under a new name: a resource's, when its `plural`
/// changed or it was renamed, and the join tables named after it.
fn table_renames(old: &Spec, new: &Spec) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in &new.resources {
        let Some(o) = was(old, new, r) else {
            continue;
        };
        if o.names.plural_snake != r.names.plural_snake {
            out.push((o.names.plural_snake.clone(), r.names.plural_snake.clone()));
        }
        for t in r.many_to_many.iter().filter_map(|t| new.resource(t)) {
            let Some(ot) = was(old, new, t) else {
                continue;
            };
            let (from, to) = (crate::sql::join_table(o, ot), crate::sql::join_table(r, t));
            if o.many_to_many.contains(&ot.names.snake) && from != to {
                out.push((from, to));
            }
        }
    }
    out
}

/// Columns renamed in place, by the table's new name: fields that say `renamed_from`,
/// and a belongs-to named after a renamed resource (`author_id` to `writer_id`).
fn column_renames(old: &Spec, new: &Spec) -> Vec<Rename> {
    let mut out = Vec::new();
    for r in &new.resources {
        let table = &r.names.plural_snake;
        for f in &r.fields {
            if let Some(from) = &f.renamed_from {
                out.push((table.clone(), from.clone(), f.names.snake.clone()));
            }
        }
        let Some(o) = was(old, new, r) else {
            continue;
        };
        for b in &r.belongs_to {
            let Some(target) = new.resource(&b.target) else {
                continue;
            };
            let Some(from) = target.renamed_from.as_deref() else {
                continue;
            };
            let named_after_target = b.names.snake == target.names.snake;
            let had = o
                .belongs_to
                .iter()
                .any(|ob| ob.names.snake == from && ob.target == from);
            if named_after_target && had {
                out.push((
                    table.clone(),
                    format!("{from}_id"),
                    format!("{}_id", b.names.snake),
                ));
            }
        }
    }
    out
}

/// SQL without its comment lines (which name tables in words).
fn uncommented(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(resources: &str) -> Spec {
        let source = format!("[project]\nname = \"t\"\n\n{resources}");
        crate::spec::parse("t.toml", &source).unwrap_or_else(|r| panic!("{r}"))
    }

    const V1: &str = "[resources.note.fields]\n\
                      title = { type = \"string\", max_length = 80 }\n\
                      body = { type = \"text\", required = false }\n";

    #[test]
    fn the_same_schema_needs_no_migration() {
        let plan = plan(&spec(V1), &spec(V1), &Backfills::new());
        assert!(plan.is_empty(), "{plan:?}");
        assert_eq!(plan.sqlite, "");
    }

    #[test]
    fn new_columns_renames_and_tables_in_both_dialects() {
        let v2 = "[resources.note.fields]\n\
                  headline = { type = \"string\", max_length = 80, renamed_from = \"title\" }\n\
                  body = { type = \"text\", required = false }\n\
                  stars = { type = \"integer\", default = 0 }\n\
                  [resources.tag.fields]\n\
                  name = { type = \"string\", unique = true }\n";
        let plan = plan(&spec(V1), &spec(v2), &Backfills::new());
        assert_eq!(
            plan.changes,
            [
                "rename column `notes.title` to `headline`",
                "add column `notes.stars`",
                "create table `tags`",
            ]
        );
        assert!(
            plan.losses.is_empty() && plan.refused.is_empty(),
            "{plan:?}"
        );
        assert_eq!(plan.slug, "rename_notes_title_headline_and_2_more");
        for sql in [&plan.sqlite, &plan.postgres] {
            assert!(
                sql.contains("ALTER TABLE notes RENAME COLUMN title TO headline;"),
                "{sql}"
            );
            assert!(sql.contains("ALTER TABLE notes ADD COLUMN stars INTEGER NOT NULL DEFAULT 0;"));
            assert!(sql.contains("CREATE TABLE tags ("));
            assert!(sql.contains("CREATE UNIQUE INDEX tags_name_unique ON tags (name);"));
        }
        assert!(
            plan.postgres
                .contains("CREATE TABLE tags (\n    id UUID PRIMARY KEY")
        );
        assert!(
            plan.sqlite
                .contains("CREATE TABLE tags (\n    id BLOB PRIMARY KEY")
        );
    }

    #[test]
    fn drops_are_losses_and_indexes_follow_their_flags() {
        let v2 = "[resources.note]\nsoft_delete = true\n\
                  [resources.note.fields]\n\
                  title = { type = \"string\", max_length = 80, unique = true }\n";
        let plan = plan(&spec(V1), &spec(v2), &Backfills::new());
        assert_eq!(
            plan.losses,
            ["column `notes.body` and its values in every row"]
        );
        let sql = &plan.sqlite;
        let order = [
            "ALTER TABLE notes DROP COLUMN body;",
            "ALTER TABLE notes ADD COLUMN deleted_at TEXT;",
            "CREATE UNIQUE INDEX notes_title_unique ON notes (title) WHERE deleted_at IS NULL;",
        ];
        let at: Vec<usize> = order
            .iter()
            .map(|s| sql.find(s).unwrap_or_else(|| panic!("{s} in {sql}")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{sql}");
        // Back: the index goes first, then the column it covered.
        let back = super::plan(&spec(v2), &spec(V1), &Backfills::new());
        assert!(
            back.sqlite.find("DROP INDEX notes_title_unique;")
                < back.sqlite.find("DROP COLUMN deleted_at")
        );
        assert!(
            back.losses
                .contains(&"column `notes.deleted_at` and its values in every row".to_string())
        );
    }

    #[test]
    fn the_first_events_create_the_outbox_and_the_last_drop_it() {
        let v2 = format!("{V1}[resources.note.events]\ncreated = true\n");
        let plan = plan(&spec(V1), &spec(&v2), &Backfills::new());
        assert_eq!(plan.changes, ["create table `outbox_events`"]);
        assert!(plan.losses.is_empty(), "{plan:?}");
        assert!(
            plan.sqlite.contains("seq INTEGER PRIMARY KEY,"),
            "{}",
            plan.sqlite
        );
        assert!(
            plan.postgres
                .contains("seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,")
        );
        assert!(plan.postgres.contains("data JSONB NOT NULL,"));
        // More events on the same outbox change no table.
        let v3 = format!("{V1}[resources.note.events]\ncreated = true\ndeleted = true\n");
        assert!(super::plan(&spec(&v2), &spec(&v3), &Backfills::new()).is_empty());
        let back = super::plan(&spec(&v3), &spec(V1), &Backfills::new());
        assert_eq!(back.changes, ["drop table `outbox_events`"]);
        assert_eq!(back.losses, ["table `outbox_events` and every row in it"]);
    }

    #[test]
    fn the_first_job_creates_the_queue_and_the_last_drops_it() {
        let v2 = format!("{V1}[jobs.send_digest]\n");
        let plan = plan(&spec(V1), &spec(&v2), &Backfills::new());
        assert_eq!(plan.changes, ["create table `background_jobs`"]);
        assert!(plan.losses.is_empty(), "{plan:?}");
        assert!(plan.postgres.contains("payload JSONB NOT NULL,"));
        // Another kind of job uses the same table.
        let v3 = format!("{v2}[jobs.send_reminder]\nmax_attempts = 3\n");
        assert!(super::plan(&spec(&v2), &spec(&v3), &Backfills::new()).is_empty());
        let back = super::plan(&spec(&v3), &spec(V1), &Backfills::new());
        assert_eq!(back.changes, ["drop table `background_jobs`"]);
        assert_eq!(back.losses, ["table `background_jobs` and every row in it"]);
    }

    const TYPED: &str = "[resources.note.fields]\n\
                         title = { type = \"string\", max_length = 80 }\n\
                         body = { type = \"text\", required = false }\n\
                         priority = { type = \"integer\", default = 0 }\n\
                         mood = { type = \"enum\", values = [\"calm\", \"busy\"], default = \"calm\" }\n";

    #[test]
    fn columns_change_in_place_in_postgres_and_by_a_rebuild_in_sqlite() {
        let v2 = "[resources.note.fields]\n\
                  title = { type = \"text\" }\n\
                  body = { type = \"text\" }\n\
                  priority = { type = \"big_integer\", default = 1 }\n\
                  mood = { type = \"enum\", values = [\"calm\", \"busy\", \"tired\"], default = \"calm\" }\n";
        let backfill = Backfills::from([(
            ("notes".to_string(), "body".to_string()),
            Literal::String("-".into()),
        )]);
        let plan = plan(&spec(TYPED), &spec(v2), &backfill);
        assert!(
            plan.refused.is_empty() && plan.losses.is_empty(),
            "{plan:#?}"
        );
        assert_eq!(
            plan.changes,
            [
                "change column `notes.title`: type string(80) → text",
                "change column `notes.body`: now required",
                "change column `notes.priority`: type integer → big_integer, default",
                "change column `notes.mood`: allowed values",
            ]
        );
        let pg = &plan.postgres;
        for statement in [
            "ALTER TABLE notes ALTER COLUMN title TYPE TEXT;",
            "UPDATE notes SET body = '-' WHERE body IS NULL;\nALTER TABLE notes ALTER COLUMN body SET NOT NULL;",
            "ALTER TABLE notes ALTER COLUMN priority DROP DEFAULT;\n\
             ALTER TABLE notes ALTER COLUMN priority TYPE BIGINT;\n\
             ALTER TABLE notes ALTER COLUMN priority SET DEFAULT 1;",
            "ALTER TABLE notes DROP CONSTRAINT notes_mood_check;\n\
             ALTER TABLE notes ADD CONSTRAINT notes_mood_check CHECK (mood IN ('calm', 'busy', 'tired'));",
        ] {
            assert!(pg.contains(statement), "{statement}\nin\n{pg}");
        }
        let lite = &plan.sqlite;
        for statement in [
            "key is checked at the end.\nCREATE TABLE new_notes (",
            "INSERT INTO new_notes (id, title, body, priority, mood, created_at, updated_at)\n    \
             SELECT id, title, COALESCE(body, '-'), priority, mood, created_at, updated_at FROM notes;\n\
             DROP TABLE notes;\nALTER TABLE new_notes RENAME TO notes;\n\
             CREATE INDEX notes_created_at_idx ON notes (created_at, id);",
            "SELECT COUNT(*) FROM pragma_foreign_key_check;",
            "DROP TABLE backend_gen_foreign_key_check;\n",
        ] {
            assert!(lite.contains(statement), "{statement}\nin\n{lite}");
        }
        // Back: every change undone, the new enum value a loss no rollback asks about.
        let (lite_down, pg_down) = plan.down.expect("reversible");
        assert!(
            pg_down.contains("ALTER TABLE notes ALTER COLUMN body DROP NOT NULL;"),
            "{pg_down}"
        );
        assert!(pg_down.contains("ALTER TABLE notes ALTER COLUMN title TYPE VARCHAR(80);"));
        assert!(pg_down.contains("CHECK (mood IN ('calm', 'busy'))"));
        assert!(
            lite_down.contains("SELECT id, title, body, priority, mood"),
            "{lite_down}"
        );
    }

    #[test]
    fn what_cannot_be_migrated_safely_is_refused_with_why() {
        let v2 = "[resources.note.fields]\n\
                  title = { type = \"boolean\" }\n\
                  body = { type = \"text\", required = false }\n\
                  priority = { type = \"integer\" }\n\
                  mood = { type = \"enum\", values = [\"calm\"], default = \"calm\" }\n\
                  due = { type = \"date\" }\n";
        let plan = plan(&spec(TYPED), &spec(v2), &Backfills::new());
        assert_eq!(plan.refused.len(), 2, "{:#?}", plan.refused);
        assert!(
            plan.refused[0].contains("`notes.title` cannot change from string to boolean"),
            "{:#?}",
            plan.refused
        );
        assert!(plan.refused[1].contains(
            "column `notes.due` is required, and the rows already in the table have no value \
             for it: give it a `default`, or run update with `--backfill RESOURCE.FIELD=VALUE`"
        ));
        assert_eq!(
            plan.losses,
            [
                "rows whose `notes.mood` is busy make the migration fail: the value is no longer allowed"
            ]
        );
    }

    #[test]
    fn sqlite_drops_a_foreign_key_by_rebuilding_and_timestamps_are_filled_with_the_time() {
        let v1 = "[resources.author.fields]\nname = { type = \"string\" }\n\
                  [resources.note]\nbelongs_to = { author = { required = false } }\n\
                  timestamps = false\n\
                  [resources.note.fields]\ntitle = { type = \"string\" }\n";
        let v2 = "[resources.author.fields]\nname = { type = \"string\" }\n\
                  [resources.note.fields]\ntitle = { type = \"string\" }\n";
        let plan = plan(&spec(v1), &spec(v2), &Backfills::new());
        assert!(plan.refused.is_empty(), "{plan:#?}");
        assert!(
            plan.sqlite.contains(
                "INSERT INTO new_notes (id, title, created_at, updated_at)\n    SELECT id, title, \
                 strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM notes;"
            ),
            "{}",
            plan.sqlite
        );
        assert!(
            plan.postgres
                .contains("ALTER TABLE notes DROP COLUMN author_id;")
        );
        assert!(plan.postgres.contains(
            "ALTER TABLE notes ADD COLUMN created_at TIMESTAMPTZ;\n\
             UPDATE notes SET created_at = now();\n\
             ALTER TABLE notes ALTER COLUMN created_at SET NOT NULL;"
        ));
        // Undoing it cannot give the rows back their authors, but it puts back the column.
        let (_, pg_down) = plan.down.expect("reversible");
        assert!(
            pg_down.contains(
                "ALTER TABLE notes ADD COLUMN author_id UUID CONSTRAINT notes_author_id_fkey \
             REFERENCES authors (id) ON DELETE RESTRICT;"
            ),
            "{pg_down}"
        );
    }

    #[test]
    fn a_new_plural_or_name_renames_the_table_and_what_is_named_after_it() {
        let v1 = "[resources.author.fields]\nname = { type = \"string\" }\n\
                  [resources.tag.fields]\nlabel = { type = \"string\" }\n\
                  [resources.note]\nbelongs_to = { author = { required = false } }\n\
                  many_to_many = [\"tag\"]\n\
                  [resources.note.fields]\ntitle = { type = \"string\" }\n";
        let v2 = "[resources.writer]\nrenamed_from = \"author\"\n\
                  [resources.writer.fields]\nname = { type = \"string\" }\n\
                  [resources.tag]\nplural = \"labels\"\n\
                  [resources.tag.fields]\nlabel = { type = \"string\" }\n\
                  [resources.note]\nbelongs_to = { writer = { required = false } }\n\
                  many_to_many = [\"tag\"]\n\
                  [resources.note.fields]\ntitle = { type = \"string\" }\n";
        let plan = plan(&spec(v1), &spec(v2), &Backfills::new());
        assert!(
            plan.losses.is_empty() && plan.refused.is_empty(),
            "{plan:#?}"
        );
        assert_eq!(
            plan.changes[..4],
            [
                "rename table `authors` to `writers`",
                "rename table `tags` to `labels`",
                "rename table `note_tags` to `note_labels`",
                "rename column `notes.author_id` to `writer_id`",
            ]
        );
        for statement in [
            "ALTER TABLE authors RENAME TO writers;\nALTER INDEX authors_pkey RENAME TO writers_pkey;",
            "ALTER TABLE note_tags RENAME TO note_labels;\n\
             ALTER INDEX note_tags_pkey RENAME TO note_labels_pkey;\n\
             ALTER INDEX note_tags_tag_id_idx RENAME TO note_labels_tag_id_idx;",
            "ALTER TABLE notes RENAME COLUMN author_id TO writer_id;",
            "ALTER TABLE notes RENAME CONSTRAINT notes_author_id_fkey TO notes_writer_id_fkey;",
        ] {
            assert!(
                plan.postgres.contains(statement),
                "{statement}\nin\n{}",
                plan.postgres
            );
        }
        for statement in [
            "ALTER TABLE note_tags RENAME TO note_labels;",
            "DROP INDEX note_tags_tag_id_idx;",
            "CREATE INDEX note_labels_tag_id_idx ON note_labels (tag_id);",
            "ALTER TABLE notes RENAME COLUMN author_id TO writer_id;",
        ] {
            assert!(
                plan.sqlite.contains(statement),
                "{statement}\nin\n{}",
                plan.sqlite
            );
        }
        let (_, pg_down) = plan.down.expect("reversible");
        assert!(
            pg_down.contains("ALTER TABLE writers RENAME TO authors;"),
            "{pg_down}"
        );
        assert!(pg_down.contains("ALTER TABLE notes RENAME COLUMN writer_id TO author_id;"));
    }
}
