//! Where the rows that exist get a value for a column that becomes required: the team's
//! `--backfill` values going up, the type's zero coming back down.

use std::collections::BTreeMap;

use crate::cast::{now, zero};
use crate::dialect::Dialect;
use crate::schema::{Column, Value};
use crate::spec::Literal;

/// One-off values for rows that exist, by (table, column): `update --backfill`.
pub type Backfills = BTreeMap<(String, String), Literal>;

/// Where a value comes from for rows that exist and gain a required column.
#[derive(Clone, Copy)]
pub(super) enum Fill<'a> {
    /// The team's `--backfill` values.
    Given(&'a Backfills),
    /// The type's zero: a rollback putting back a column whose values are gone.
    Zero,
}

impl Fill<'_> {
    /// The value for `column` of `table` in rows that have none: its default,
    /// the time for timestamps, or the fill's own.
    pub(super) fn value(self, table: &str, column: &Column, dialect: Dialect) -> Option<String> {
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
            (Fill::Zero, Value::Fixed | Value::Derived) => None,
        }
    }
}
