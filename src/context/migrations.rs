//! The migrations: one per table, in both dialects.

use serde::Serialize;

use crate::dialect::Dialect;
use crate::spec::{Database, Spec};

#[derive(Debug, Serialize)]
pub struct MigrationContext {
    /// `0003_create_products`: the files' name, which `render` gives them.
    #[serde(skip)]
    pub file_stem: String,
    /// The whole migration in SQLite's dialect (`migrations/sqlite/`).
    pub sqlite: String,
    /// The same migration in PostgreSQL's dialect (`migrations/postgres/`).
    pub postgres: String,
    /// What undoes it (`.down.sql`): the table dropped, in the same words in both dialects.
    pub down: String,
}

/// One migration per table, parents before children, then the join tables; each in both
/// dialects, since the service picks its database from `DATABASE_URL` at start-up.
pub(super) fn migrations(spec: &Spec) -> Vec<MigrationContext> {
    let sqlite = crate::schema::tables(spec, Dialect(Database::Sqlite));
    let postgres = crate::schema::tables(spec, Dialect(Database::Postgres));
    sqlite
        .into_iter()
        .zip(postgres)
        .enumerate()
        .map(|(i, (lite, pg))| {
            let down = format!(
                "-- Undoes {:04}_create_{}: the table and its rows are dropped.\nDROP TABLE {};\n",
                i + 1,
                lite.name,
                lite.quoted
            );
            MigrationContext {
                file_stem: format!("{:04}_create_{}", i + 1, lite.name),
                sqlite: lite.create,
                postgres: pg.create,
                down,
            }
        })
        .collect()
}
