//! The tables of two schemas compared: renamed, dropped, created, or altered column by
//! column and index by index.

use std::collections::{BTreeMap, BTreeSet};

use super::diff::Concurrent;
use super::diff::{Diff, TableSteps, rebuild};
use super::fill::Fill;
use super::renames::Renames;
use crate::dialect::Dialect;
use crate::names::sql_ident;
use crate::schema::{Column, Constraint, Index, Table, TableKind, Value};
use crate::spec::schema_names::TENANT_ID;

impl Diff {
    pub(super) fn new(
        original: Vec<Table>,
        after: Vec<Table>,
        renames: &Renames,
        fill: Fill,
        dialect: Dialect,
    ) -> Self {
        // The old tables as the new spec names them.
        let before: Vec<Table> = original.iter().map(|t| renames.apply(t)).collect();
        let old_by_name: BTreeMap<&str, &Table> =
            before.iter().map(|t| (t.name.as_str(), t)).collect();
        let new_names: BTreeSet<&str> = after.iter().map(|t| t.name.as_str()).collect();
        let mut diff = Diff {
            dialect,
            drop_constraints: Vec::new(),
            drop_indexes: Vec::new(),
            drop_generated: Vec::new(),
            renames: Vec::new(),
            alter_columns: Vec::new(),
            drop_columns: Vec::new(),
            drop_tables: Vec::new(),
            create_tables: Vec::new(),
            seed: Vec::new(),
            add_columns: Vec::new(),
            rebuilds: Vec::new(),
            create_indexes: Vec::new(),
            add_constraints: Vec::new(),
            copies: Vec::new(),
            policies: Vec::new(),
            concurrent_drops: Vec::new(),
            concurrent_creates: Vec::new(),
            rename_tables: Vec::new(),
            changes: Vec::new(),
            losses: Vec::new(),
            cautions: Vec::new(),
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
                    let column_renames: Vec<(String, String)> = renames
                        .columns
                        .iter()
                        .filter(|(t, _, _)| *t == table.name)
                        .map(|(_, from, to)| (from.clone(), to.clone()))
                        .collect();
                    diff.alter(was, table, &column_renames, fill);
                }
                Some(was) if table.kind != TableKind::Join && same_but_parts(was, table) => {
                    // A service table's plain indexes, and the columns it lists, change one by
                    // one, as a resource's.
                    diff.alter(was, table, &[], fill);
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
            // A per-tenant table's policy, named after the table as a new project names it.
            if now.create.contains("ENABLE ROW LEVEL SECURITY") {
                self.rename_tables.push(format!(
                    "ALTER POLICY {} ON {} RENAME TO {};",
                    crate::sql::tenant_policy(&was.quoted),
                    now.quoted,
                    crate::sql::tenant_policy(&now.quoted)
                ));
            }
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
        let regenerated = regenerated(was, now, &renames);
        // An index is a change of its own (`unique` turned off or on alone changes nothing
        // else, and a plan with no change writes no migration), unless a rename of its
        // table or column, listed already, explains it.
        let renamed = format!(" to `{}`", now.name);
        let table_renamed = self
            .changes
            .iter()
            .any(|c| c.starts_with("rename table ") && c.ends_with(&renamed));
        let listed = renames.is_empty() && !table_renamed;
        for index in &was.indexes {
            if !now.indexes.contains(index) || reads_any(&index.sql, &regenerated) {
                if listed && !now.indexes.iter().any(|i| i.name == index.name) {
                    self.changes.push(format!("drop index `{}`", index.name));
                }
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
            if let Value::Generated(_) = new.value {
                if regenerated.contains(&new.name) {
                    steps.add_columns.push(format!(
                        "ALTER TABLE {} ADD COLUMN {};",
                        now.quoted,
                        new.definition()
                    ));
                } else if !old_columns.contains_key(new.name.as_str()) {
                    self.add_column(now, new, fill, &mut steps);
                }
                continue;
            }
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
            if let Value::Generated(_) = old.value {
                let kept = new_columns.contains_key(old.name.as_str());
                if !kept || regenerated.contains(&old.name) {
                    if !kept {
                        self.changes
                            .push(format!("drop column `{}.{}`", now.name, old.name));
                    }
                    steps.drop_generated.push(format!(
                        "ALTER TABLE {} DROP COLUMN {};",
                        now.quoted, old.quoted
                    ));
                }
                continue;
            }
            if renames.iter().any(|(from, _)| *from == old.name)
                || new_columns.contains_key(old.name.as_str())
            {
                continue;
            }
            self.changes
                .push(format!("drop column `{}.{}`", now.name, old.name));
            if old.value != Value::Derived {
                self.losses.push(format!(
                    "column `{}.{}` and its values in every row",
                    now.name, old.name
                ));
            }
            // SQLite drops a foreign-key column only by rebuilding its table.
            steps.rebuild |= old.references.is_some();
            steps.drop_columns.push(format!(
                "ALTER TABLE {} DROP COLUMN {};",
                now.quoted, old.quoted
            ));
        }
        for index in &now.indexes {
            if !was.indexes.contains(index) || reads_any(&index.sql, &regenerated) {
                if listed {
                    let verb = if was.indexes.iter().any(|i| i.name == index.name) {
                        "recreate"
                    } else {
                        "create"
                    };
                    self.changes.push(format!("{verb} index `{}`", index.name));
                }
                if let Some(caution) = unique_over_rows(was, now, index) {
                    self.cautions.push(caution);
                }
                steps.create_indexes.push(index.sql.clone());
            }
        }
        // A constraint that only changed its name (its table was renamed) is renamed on
        // PostgreSQL, not dropped and made again: other tables' foreign keys over a unique one
        // (a per-tenant parent's `(tenant_id, id)`) depend on it, and the drop would fail.
        let renamed: Vec<(&Constraint, &Constraint)> = match self.sqlite() {
            true => Vec::new(),
            false => was
                .constraints
                .iter()
                .filter(|c| !now.constraints.contains(c))
                .filter_map(|old| {
                    let new = now
                        .constraints
                        .iter()
                        .find(|new| new.body == old.body && !was.constraints.contains(new))?;
                    Some((old, new))
                })
                .collect(),
        };
        for (old, new) in &renamed {
            steps.renames.push(format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {};",
                now.quoted, old.name, new.name
            ));
        }
        // The other constraints over several columns (a per-tenant table's keys with their
        // tenant): SQLite changes them only by rebuilding the table. On PostgreSQL a unique one
        // goes with the indexes, and the foreign keys that refer to it go before it is dropped
        // and after it is made.
        for old in was
            .constraints
            .iter()
            .filter(|c| !now.constraints.contains(c))
            .filter(|c| !renamed.iter().any(|(old, _)| old == c))
        {
            if listed {
                self.changes
                    .push(format!("drop constraint `{}.{}`", now.name, old.name));
            }
            steps.rebuild = true;
            let drop = format!("ALTER TABLE {} DROP CONSTRAINT {};", now.quoted, old.name);
            match old.body.starts_with("UNIQUE") {
                true => steps.drop_indexes.push(drop),
                false => steps.drop_constraints.push(drop),
            }
        }
        for new in now
            .constraints
            .iter()
            .filter(|c| !was.constraints.contains(c))
            .filter(|c| !renamed.iter().any(|(_, new)| new == c))
        {
            if listed {
                self.changes
                    .push(format!("add constraint `{}.{}`", now.name, new.name));
            }
            steps.rebuild = true;
            let add = format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {};",
                now.quoted, new.name, new.body
            );
            match new.body.starts_with("UNIQUE") {
                true => steps.create_indexes.push(add),
                false => steps.add_constraints.push(add),
            }
        }
        // A table that becomes per tenant gets PostgreSQL's wall (SQLite has none). The audit
        // trail, which gains the column too, stays readable across tenants by its admin.
        let tenant = |t: &Table| t.columns.iter().any(|c| c.name == TENANT_ID);
        if now.kind == TableKind::Resource && tenant(now) && !tenant(was) && !self.sqlite() {
            steps.add_constraints.push(
                crate::sql::row_level_security(&now.quoted, self.dialect)
                    .trim()
                    .to_owned(),
            );
        }
        if self.sqlite() && steps.rebuild {
            self.rebuilds.push(rebuild(now, &steps.copy));
            return;
        }
        if !table_renamed {
            self.concurrently(was, &mut steps);
        }
        self.drop_constraints.append(&mut steps.drop_constraints);
        self.drop_indexes.append(&mut steps.drop_indexes);
        self.drop_generated.append(&mut steps.drop_generated);
        self.renames.append(&mut steps.renames);
        self.alter_columns.append(&mut steps.alter_columns);
        self.drop_columns.append(&mut steps.drop_columns);
        self.add_columns.append(&mut steps.add_columns);
        self.create_indexes.append(&mut steps.create_indexes);
        self.add_constraints.append(&mut steps.add_constraints);
    }
}

/// A unique index new on a table that holds rows fails to build, and its migration with it
/// (the transaction puts everything back), if two live rows share a value: what to look for
/// before migrating, with the query that finds them. Not over columns the migration adds
/// empty (a blind index made for a field become personal): every row holds NULL there, and
/// NULLs are never equal; nor over a field's column that a unique blind index kept unique.
fn unique_over_rows(was: &Table, table: &Table, index: &Index) -> Option<String> {
    let rest = index.sql.strip_prefix("CREATE UNIQUE INDEX ")?;
    let (_, rest) = rest.split_once(" (")?;
    let (columns, rest) = rest.split_once(')')?;
    let added_empty = |name: &str| {
        !was.columns.iter().any(|c| c.name == name)
            && table
                .columns
                .iter()
                .any(|c| c.name == name && !c.not_null && c.default.is_none())
    };
    // A field that was personal and unique (made plain again): its values were unique
    // through their blind index, and are ciphertext, never equal, until the service has
    // unsealed them.
    let unique_through_blind_index = |name: &str| {
        let over = format!("({name}_hmac)");
        was.indexes
            .iter()
            .any(|i| i.sql.starts_with("CREATE UNIQUE INDEX ") && i.sql.contains(&over))
    };
    if columns
        .split(", ")
        .all(|c| added_empty(c) || unique_through_blind_index(c))
    {
        return None;
    }
    let live = rest
        .trim()
        .trim_end_matches(';')
        .strip_prefix("WHERE ")
        .map(|condition| format!(" WHERE {condition}"))
        .unwrap_or_default();
    Some(format!(
        "`{}` is unique: if two rows of `{}` share a value the migration fails and changes \
         nothing; find them first with `SELECT {columns}, COUNT(*) FROM {}{live} GROUP BY \
         {columns} HAVING COUNT(*) > 1;`",
        index.name, table.name, table.quoted
    ))
}

impl Diff {
    /// On PostgreSQL, a table whose columns stay as they are builds and drops its plain
    /// (list) indexes without blocking writes: `CONCURRENTLY`, in a migration of their own
    /// that runs outside a transaction (`Diff::concurrent_sql`). Unique indexes, and the
    /// indexes of a table whose columns change, stay in the migration's transaction, so
    /// its columns and their indexes change together and undo together; so do those of a
    /// renamed table, whose indexes follow its new name in the rename's migration.
    fn concurrently(&mut self, was: &Table, steps: &mut TableSteps) {
        let columns_change = !(steps.renames.is_empty()
            && steps.drop_generated.is_empty()
            && steps.alter_columns.is_empty()
            && steps.drop_columns.is_empty()
            && steps.add_columns.is_empty());
        if self.sqlite() || columns_change {
            return;
        }
        let old_plain = |name: &str| {
            was.indexes
                .iter()
                .find(|i| i.name == name && i.sql.starts_with("CREATE INDEX "))
        };
        let drops = &mut self.concurrent_drops;
        steps.drop_indexes.retain(|sql| {
            let name = sql.trim_start_matches("DROP INDEX ").trim_end_matches(';');
            let Some(old) = old_plain(name) else {
                return true;
            };
            drops.push(Concurrent {
                change: format!("drop index {name}"),
                up: format!("DROP INDEX CONCURRENTLY {name};"),
                down: concurrently(&old.sql),
            });
            false
        });
        let creates = &mut self.concurrent_creates;
        steps.create_indexes.retain(|sql| {
            if !sql.starts_with("CREATE INDEX ") {
                return true;
            }
            let name = sql["CREATE INDEX ".len()..]
                .split(' ')
                .next()
                .unwrap_or_default();
            creates.push(Concurrent {
                change: format!("create index {name}"),
                up: concurrently(sql),
                down: format!("DROP INDEX CONCURRENTLY {name};"),
            });
            false
        });
    }
}

/// The generated columns both tables have that the migration drops and adds back: those
/// whose generation changed, and those that read a column that is renamed or changes type
/// (PostgreSQL alters neither while they are there).
fn regenerated(was: &Table, now: &Table, renames: &[&(String, String)]) -> BTreeSet<String> {
    let column = |t: &Table, quoted: &str| t.columns.iter().find(|c| c.quoted == quoted).cloned();
    now.columns
        .iter()
        .filter_map(|new| {
            let Value::Generated(from) = &new.value else {
                return None;
            };
            let old = was.columns.iter().find(|c| c.name == new.name)?;
            let Value::Generated(was_from) = &old.value else {
                return None;
            };
            let read_changed = match (column(was, was_from), column(now, from)) {
                (Some(a), Some(b)) => {
                    a.sql_type != b.sql_type || renames.iter().any(|(f, _)| *f == a.name)
                }
                _ => true,
            };
            (old.sql_type != new.sql_type || read_changed).then(|| new.name.clone())
        })
        .collect()
}

/// Whether an index's SQL names one of `columns`.
fn reads_any(sql: &str, columns: &BTreeSet<String>) -> bool {
    !columns.is_empty()
        && sql
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .any(|word| columns.contains(word))
}

/// `CREATE INDEX name ...` as PostgreSQL builds it without blocking writes.
fn concurrently(sql: &str) -> String {
    sql.replacen("CREATE INDEX ", "CREATE INDEX CONCURRENTLY ", 1)
}

/// Whether two versions of a service table differ at most in their plain indexes and their
/// listed columns (those `Table::indexes` and `Table::columns` list, which `Diff::alter`
/// compares one by one): a column the service added since, such as the trace context.
fn same_but_parts(was: &Table, now: &Table) -> bool {
    if was.indexes == now.indexes && was.columns == now.columns {
        return false;
    }
    let listed = |line: &str| {
        let line = line.trim();
        let indexed = was
            .indexes
            .iter()
            .chain(&now.indexes)
            .any(|i| i.sql == line);
        let column = line.trim_end_matches(',');
        indexed
            || was
                .columns
                .iter()
                .chain(&now.columns)
                .any(|c| c.definition() == column)
    };
    // A column added last moves the comma onto the line before it.
    let body = |t: &Table| {
        uncommented(&t.create)
            .lines()
            .filter(|l| !listed(l))
            .map(|l| l.trim_end_matches(',').to_owned())
            .collect::<Vec<_>>()
    };
    body(was) == body(now)
}

/// SQL without its comment lines (which name tables in words).
fn uncommented(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}
