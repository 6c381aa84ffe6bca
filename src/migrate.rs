//! A spec change as a migration: the schema of the spec a project was
//! generated from against the schema of its new spec (`schema::tables`), in
//! both dialects, as one new SQL file per dialect.
//!
//! Statements run in an order that keeps every step valid: indexes that go
//! first (a column they cover may go next), then renamed and dropped columns,
//! dropped tables (children before parents), new tables (parents first), new
//! columns (which may reference a new table), and the new indexes last.
//!
//! What cannot be expressed safely is refused with the reason, not guessed:
//! a changed column definition (type, nullability, default, enum values, on
//! delete), a required column without a default, a changed join or sessions
//! table, and in SQLite the drop of a foreign-key column (which needs the
//! table-rebuild procedure).

use std::collections::{BTreeMap, BTreeSet};

use crate::dialect::Dialect;
use crate::schema::{Column, Table, TableKind, tables};
use crate::spec::{Database, Spec};

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
    /// A short snake_case name for the migration file.
    pub slug: String,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.refused.is_empty()
    }
}

/// The migration that takes a database of `old`'s schema to `new`'s.
pub fn plan(old: &Spec, new: &Spec) -> Plan {
    let lite = Diff::new(old, new, Dialect(Database::Sqlite));
    let pg = Diff::new(old, new, Dialect(Database::Postgres));
    let (sqlite, postgres) = (lite.sql(), pg.sql());
    let mut refused = lite.refused;
    for why in pg.refused {
        if !refused.contains(&why) {
            refused.push(why);
        }
    }
    let slug = match lite.changes.as_slice() {
        [] => String::new(),
        [one] => slug(one),
        [first, rest @ ..] => format!("{}_and_{}_more", slug(first), rest.len()),
    };
    Plan {
        changes: lite.changes,
        losses: lite.losses,
        refused,
        sqlite,
        postgres,
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

/// The statements of one dialect, by step.
#[derive(Default)]
struct Diff {
    sqlite: bool,
    drop_indexes: Vec<String>,
    renames: Vec<String>,
    drop_columns: Vec<String>,
    drop_tables: Vec<String>,
    create_tables: Vec<String>,
    add_columns: Vec<String>,
    create_indexes: Vec<String>,
    changes: Vec<String>,
    losses: Vec<String>,
    refused: Vec<String>,
}

impl Diff {
    fn new(old: &Spec, new: &Spec, dialect: Dialect) -> Self {
        let before = tables(old, dialect);
        let after = tables(new, dialect);
        let old_by_name: BTreeMap<&str, &Table> =
            before.iter().map(|t| (t.name.as_str(), t)).collect();
        let new_names: BTreeSet<&str> = after.iter().map(|t| t.name.as_str()).collect();
        let mut diff = Diff {
            sqlite: dialect.0 == Database::Sqlite,
            ..Diff::default()
        };
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
                    diff.alter(was, table, &renames(new, &table.name));
                }
                Some(was) if was.create != table.create => diff.refused.push(format!(
                    "table `{}` changed; update migrates a join or sessions table only by \
                     creating or dropping it whole",
                    table.name
                )),
                Some(_) => {}
            }
        }
        diff
    }

    fn drop_table(&mut self, table: &Table) {
        self.changes.push(format!("drop table `{}`", table.name));
        self.losses
            .push(format!("table `{}` and every row in it", table.name));
        self.drop_tables
            .push(format!("DROP TABLE {};", table.quoted));
    }

    /// A resource table that both specs have: its columns and indexes one by one.
    fn alter(&mut self, was: &Table, now: &Table, renames: &[(String, String)]) {
        let q = &now.quoted;
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
        for index in &was.indexes {
            if !now.indexes.contains(index) {
                self.drop_indexes
                    .push(format!("DROP INDEX {};", index.name));
            }
        }
        for (from, to) in &renames {
            let (old, new) = (old_columns[from.as_str()], new_columns[to.as_str()]);
            self.changes
                .push(format!("rename column `{}.{from}` to `{to}`", now.name));
            self.renames.push(format!(
                "ALTER TABLE {q} RENAME COLUMN {} TO {};",
                crate::names::sql_ident(from),
                crate::names::sql_ident(to)
            ));
            if renamed(&old.definition, from, to) != new.definition {
                self.refused.push(changed_column(
                    &now.name,
                    to,
                    &renamed(&old.definition, from, to),
                    &new.definition,
                ));
            }
        }
        let renamed_from: BTreeSet<&str> = renames.iter().map(|(f, _)| f.as_str()).collect();
        let renamed_to: BTreeSet<&str> = renames.iter().map(|(_, t)| t.as_str()).collect();
        for old in &was.columns {
            if renamed_from.contains(old.name.as_str()) {
                continue;
            }
            match new_columns.get(old.name.as_str()) {
                Some(new) if new.definition != old.definition => self.refused.push(changed_column(
                    &now.name,
                    &old.name,
                    &old.definition,
                    &new.definition,
                )),
                Some(_) => {}
                None if self.sqlite && old.definition.contains(" REFERENCES ") => {
                    self.refused.push(format!(
                        "column `{}.{}` is a foreign key; SQLite drops one only by rebuilding \
                         the table, which update does not do yet",
                        now.name, old.name
                    ));
                }
                None => {
                    self.changes
                        .push(format!("drop column `{}.{}`", now.name, old.name));
                    self.losses.push(format!(
                        "column `{}.{}` and its values in every row",
                        now.name, old.name
                    ));
                    self.drop_columns.push(format!(
                        "ALTER TABLE {q} DROP COLUMN {};",
                        crate::names::sql_ident(&old.name)
                    ));
                }
            }
        }
        for new in &now.columns {
            if old_columns.contains_key(new.name.as_str()) || renamed_to.contains(new.name.as_str())
            {
                continue;
            }
            if !new.addable() {
                self.refused.push(format!(
                    "column `{}.{}` is required and has no default, so the rows already in \
                     the table would have no value; give it a `default`, or add it with \
                     `required = false`",
                    now.name, new.name
                ));
                continue;
            }
            self.changes
                .push(format!("add column `{}.{}`", now.name, new.name));
            self.add_columns
                .push(format!("ALTER TABLE {q} ADD COLUMN {};", new.definition));
        }
        for index in &now.indexes {
            if !was.indexes.contains(index) {
                self.create_indexes.push(index.sql.clone());
            }
        }
    }

    fn sql(&self) -> String {
        let steps = [
            &self.drop_indexes,
            &self.renames,
            &self.drop_columns,
            &self.drop_tables,
            &self.create_tables,
            &self.add_columns,
            &self.create_indexes,
        ];
        let statements: Vec<&str> = steps
            .iter()
            .flat_map(|s| s.iter())
            .map(String::as_str)
            .collect();
        if statements.is_empty() {
            return String::new();
        }
        let mut out = String::from("-- Written by `backend-gen update`:\n");
        for change in &self.changes {
            out.push_str(&format!("--   {}\n", change.replace('`', "")));
        }
        out.push('\n');
        out.push_str(&statements.join("\n"));
        out.push('\n');
        out
    }
}

/// The (old, new) column names of `table`'s fields that say `renamed_from`.
fn renames(spec: &Spec, table: &str) -> Vec<(String, String)> {
    spec.resources
        .iter()
        .filter(|r| r.names.plural_snake == table)
        .flat_map(|r| &r.fields)
        .filter_map(|f| Some((f.renamed_from.clone()?, f.names.snake.clone())))
        .collect()
}

/// A column definition with the column's name changed, where a definition names it:
/// at its start and in an enum's `CHECK`.
fn renamed(definition: &str, from: &str, to: &str) -> String {
    let (from, to) = (crate::names::sql_ident(from), crate::names::sql_ident(to));
    let rest = definition.strip_prefix(from.as_str()).unwrap_or(definition);
    format!("{to}{rest}").replace(&format!("CHECK ({from} IN"), &format!("CHECK ({to} IN"))
}

fn changed_column(table: &str, column: &str, was: &str, now: &str) -> String {
    format!(
        "column `{table}.{column}` changed from `{was}` to `{now}`; update does not yet \
         change a column's type, nullability, default, allowed values or `on_delete`"
    )
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
        let plan = plan(&spec(V1), &spec(V1));
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
        let plan = plan(&spec(V1), &spec(v2));
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
        let plan = plan(&spec(V1), &spec(v2));
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
        let back = super::plan(&spec(v2), &spec(V1));
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
    fn what_cannot_be_migrated_safely_is_refused_with_why() {
        let typed = "[resources.note.fields]\n\
                     title = { type = \"text\" }\n\
                     body = { type = \"text\", required = false }\n\
                     due = { type = \"date\" }\n";
        let plan = plan(&spec(V1), &spec(typed));
        // string to text is no change in SQLite (both TEXT), a refused one in PostgreSQL.
        assert_eq!(plan.refused.len(), 2, "{:#?}", plan.refused);
        assert!(
            plan.refused.iter().any(|r| r.contains(
                "`notes.title` changed from `title VARCHAR(80) NOT NULL` to `title TEXT NOT NULL`"
            )),
            "{:#?}",
            plan.refused
        );
        assert!(
            plan.refused
                .iter()
                .any(|r| r.contains("`notes.due` is required and has no default"))
        );
    }
}
