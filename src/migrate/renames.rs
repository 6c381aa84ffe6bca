//! What a spec change renames rather than drops and creates: resources' tables (and the
//! join tables named after them) and columns.

use crate::names::sql_ident;
use crate::schema::Table;
use crate::spec::{Resource, Spec};

/// A column renamed in a table: (table as now named, from, to).
pub(super) type Rename = (String, String, String);

/// What a spec change renames rather than drops and creates.
pub(super) struct Renames {
    /// (from, to): a resource's table (a new `plural`, or `renamed_from` on the
    /// resource) and the join tables named after it.
    pub(super) tables: Vec<(String, String)>,
    /// Fields with `renamed_from`, and the foreign keys to a renamed resource.
    pub(super) columns: Vec<Rename>,
}

impl Renames {
    /// The renames that undo these.
    pub(super) fn reversed(&self) -> Self {
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
    pub(super) fn apply(&self, table: &Table) -> Table {
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
            let (from, to) = (
                format!("REFERENCES {} (", sql_ident(from)),
                format!("REFERENCES {} (", sql_ident(to)),
            );
            for constraint in &mut out.constraints {
                constraint.body = constraint.body.replace(&from, &to);
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

/// The resource of `old` that `r` of `new` continues: the one it says it was
/// `renamed_from` (unless the new spec still has that one), or the one of the same name.
/// A `renamed_from` an earlier update applied names no resource of `old`: the resource is
/// then its own continuation (issue 70: such a leftover made a later `plural` change drop
/// the table and create another, losing its rows, and the served chain of spec changes
/// found it).
pub(crate) fn was<'a>(old: &'a Spec, new: &Spec, r: &Resource) -> Option<&'a Resource> {
    r.renamed_from
        .as_deref()
        .filter(|from| new.resource(from).is_none())
        .and_then(|from| old.resource(from))
        .or_else(|| old.resource(&r.names.snake))
}

/// Resources renamed whose audit entries follow them, as (old name, new name): an entry names
/// its resource, and the admin's list filters by the names the spec has now. Where the trail
/// is there before and after, and either side audits the resource (entries of a resource
/// audited once stay after `audit = true` is gone).
pub(super) fn audited_renames(old: &Spec, new: &Spec) -> Vec<(String, String)> {
    if !(old.audited() && new.audited()) {
        return Vec::new();
    }
    (new.resources.iter())
        .filter_map(|r| {
            let o = was(old, new, r)?;
            (o.names.snake != r.names.snake && (o.audit || r.audit))
                .then(|| (o.names.snake.clone(), r.names.snake.clone()))
        })
        .collect()
}

/// Tables that keep their rows under a new name: a resource's, when its `plural`
/// changed or it was renamed, and the join tables named after it.
pub(super) fn table_renames(old: &Spec, new: &Spec) -> Vec<(String, String)> {
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
pub(super) fn column_renames(old: &Spec, new: &Spec) -> Vec<Rename> {
    let mut out = Vec::new();
    for r in &new.resources {
        let table = &r.names.plural_snake;
        let o = was(old, new, r);
        for f in &r.fields {
            if let Some(from) = &f.renamed_from {
                out.push((table.clone(), from.clone(), f.names.snake.clone()));
                // A personal field's blind index goes with it.
                let had = o
                    .and_then(|o| o.fields.iter().find(|of| of.names.snake == *from))
                    .and_then(|of| of.blind_index());
                if let (Some(was), Some(now)) = (had, f.blind_index()) {
                    out.push((table.clone(), was, now));
                }
            }
        }
        let Some(o) = o else {
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
