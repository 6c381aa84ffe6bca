//! Where the rows that exist get a value for a column that becomes required: the team's
//! `--backfill` values going up, the type's zero coming back down.

use std::collections::BTreeMap;

use crate::cast::{now, zero};
use crate::dialect::Dialect;
use crate::schema::{Column, Value};
use crate::spec::schema_names::TENANT_ID;
use crate::spec::{Database, Literal};

/// One-off values for rows that exist, by (table, column): `update --backfill`.
pub type Backfills = BTreeMap<(String, String), Literal>;

/// Where a value comes from for rows that exist and gain a required column.
#[derive(Clone, Copy)]
pub(super) enum Fill<'a> {
    /// The team's `--backfill` values.
    Given(&'a Backfills),
    /// Turning tenancy on: the team's values, and every row's tenant the first one, which
    /// the migration inserts before (`tenancy.rs`).
    IntoFirstTenant(&'a Backfills),
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
        if self.seeded(column) {
            return Some(first_tenant(dialect));
        }
        match (self, &column.value) {
            (Fill::Given(values) | Fill::IntoFirstTenant(values), _) => values
                .get(&(table.to_string(), column.name.clone()))
                .map(|v| dialect.literal(v)),
            (Fill::Zero, Value::Field(ty, _)) => Some(zero(ty, dialect)),
            (Fill::Zero, Value::Fixed | Value::Derived | Value::Generated(_)) => None,
        }
    }

    /// Whether `column` refers to a row the migration itself inserts first: the tenant of
    /// every row when tenancy is turned on.
    pub(super) fn seeded(self, column: &Column) -> bool {
        matches!(self, Fill::IntoFirstTenant(_))
            && column.name == TENANT_ID
            && column.value == Value::Fixed
    }
}

/// The first tenant's id: fixed, so that the migration is the same wherever it is written
/// (an id is no secret: access is the memberships').
const FIRST_TENANT: &str = "00000000-0000-4000-8000-000000000001";

/// The first tenant's id as a literal of `dialect` (SQLite keeps ids as 16 bytes).
pub(super) fn first_tenant(dialect: Dialect) -> String {
    match dialect.0 {
        Database::Sqlite => format!("X'{}'", FIRST_TENANT.replace('-', "")),
        Database::Postgres => format!("'{FIRST_TENANT}'"),
    }
}
