//! Every difference between the SQL dialects the generated service speaks,
//! in one place. Templates receive finished SQL fragments from here.

use crate::spec::{Database, FieldType, Literal};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect(pub Database);

impl Dialect {
    /// The column type of a field.
    pub fn column_type(self, ty: &FieldType, max_length: Option<u32>) -> String {
        let sqlite = self.0 == Database::Sqlite;
        match ty {
            FieldType::String => match (sqlite, max_length) {
                (false, Some(n)) => format!("VARCHAR({n})"),
                _ => "TEXT".into(),
            },
            FieldType::Text | FieldType::Enum { .. } => "TEXT".into(),
            FieldType::Integer => "INTEGER".into(),
            FieldType::BigInteger if sqlite => "INTEGER".into(),
            FieldType::BigInteger => "BIGINT".into(),
            FieldType::Float if sqlite => "REAL".into(),
            FieldType::Float => "DOUBLE PRECISION".into(),
            // sqlx's SQLite driver has no decimal type: the exact text is kept.
            FieldType::Decimal { .. } if sqlite => "TEXT".into(),
            FieldType::Decimal { precision, scale } => format!("NUMERIC({precision}, {scale})"),
            FieldType::Boolean => "BOOLEAN".into(),
            FieldType::Uuid => self.id_type().into(),
            FieldType::Date if sqlite => "TEXT".into(),
            FieldType::Date => "DATE".into(),
            FieldType::Datetime => self.timestamp_type().into(),
            FieldType::Json if sqlite => "TEXT".into(),
            FieldType::Json => "JSONB".into(),
        }
    }

    /// Primary and foreign keys: UUIDs (sqlx stores them as 16-byte BLOBs in SQLite).
    pub fn id_type(self) -> &'static str {
        match self.0 {
            Database::Sqlite => "BLOB",
            Database::Postgres => "UUID",
        }
    }

    pub fn timestamp_type(self) -> &'static str {
        match self.0 {
            Database::Sqlite => "TEXT",
            Database::Postgres => "TIMESTAMPTZ",
        }
    }

    /// A default value as an SQL literal.
    pub fn literal(self, literal: &Literal) -> String {
        match literal {
            Literal::String(s) | Literal::Decimal(s) if self.0 == Database::Sqlite => quote(s),
            Literal::String(s) => quote(s),
            Literal::Decimal(s) => s.clone(),
            Literal::Integer(i) => i.to_string(),
            Literal::Float(f) => format!("{f:?}"),
            Literal::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        }
    }
}

/// An SQL string literal.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_per_dialect() {
        let lite = Dialect(Database::Sqlite);
        let pg = Dialect(Database::Postgres);
        let dec = FieldType::Decimal {
            precision: 12,
            scale: 2,
        };
        assert_eq!(lite.column_type(&dec, None), "TEXT");
        assert_eq!(pg.column_type(&dec, None), "NUMERIC(12, 2)");
        assert_eq!(pg.column_type(&FieldType::String, Some(80)), "VARCHAR(80)");
        assert_eq!(lite.column_type(&FieldType::Uuid, None), "BLOB");
        assert_eq!(pg.column_type(&FieldType::Datetime, None), "TIMESTAMPTZ");
        assert_eq!(lite.literal(&Literal::Decimal("1.50".into())), "'1.50'");
        assert_eq!(pg.literal(&Literal::Decimal("1.50".into())), "1.50");
        assert_eq!(lite.literal(&Literal::String("it's".into())), "'it''s'");
    }
}
