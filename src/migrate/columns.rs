//! A column changed in place or added: the statements of each dialect, what the change
//! loses, and why one is refused (no safe cast, no value for the rows there).

use super::diff::{Diff, TableSteps};
use super::fill::Fill;
use crate::cast::{Cast, cast};
use crate::schema::{Column, Table, Value};
use crate::spec::FieldType;

impl Diff {
    /// A column both tables have (perhaps renamed): its type, nullability, default and
    /// constraints changed in place. Returns the column's value in a rebuild's copy.
    pub(super) fn change_column(
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
            // An enum's values are its CHECK, not its column's type.
            let same = a == b || (a.values().is_some() && b.values().is_some());
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
            if let (Value::Field(was, _), Value::Field(now, _)) = (&old.value, &new.value)
                && let (Some(was), Some(now)) = (was.values(), now.values())
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
            if let (Value::Field(was, _), Value::Field(now, _)) = (&old.value, &new.value)
                && matches!(was, FieldType::Float | FieldType::Decimal { .. })
                && matches!(now, FieldType::Integer | FieldType::BigInteger)
            {
                // SQLite keeps a REAL (or a decimal's text) in an INTEGER column unless it
                // converts exactly, and the service then cannot read the row (issue 70, found
                // by the served chain: a 500 on every read). Rounded here, as PostgreSQL's
                // `ALTER COLUMN ... TYPE` rounds.
                value = format!("CAST(ROUND({value}) AS INTEGER)");
            }
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
    pub(super) fn add_column(
        &mut self,
        table: &Table,
        new: &Column,
        fill: Fill,
        steps: &mut TableSteps,
    ) {
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
            Some(v) if new.references.is_none() || fill.seeded(new) => v,
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
}

/// A field's type as the spec names it, with its length limit.
fn kind(ty: &FieldType, max_length: Option<u32>) -> String {
    match (ty.decimal(), max_length) {
        (Some((precision, scale)), _) => format!("{}({precision}, {scale})", ty.spec_name()),
        (None, Some(n)) => format!("{}({n})", ty.spec_name()),
        (None, None) => ty.spec_name().to_string(),
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
         {BACKFILL_ADVICE}"
    )
}

/// How a spec change gives the rows already in a table a value; `add`, which has flags
/// of its own for it, says it in those.
pub const BACKFILL_ADVICE: &str =
    "give it a `default`, or run update with `--backfill RESOURCE.FIELD=VALUE`";
