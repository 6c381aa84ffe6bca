//! Every difference between the SQL dialects the generated service speaks,
//! in one place. Templates receive finished SQL fragments from here.

use crate::spec::{Database, FieldType, Kind, Literal};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect(pub Database);

/// How many characters of a text field lists index, compare and sort by: a whole text can
/// outgrow an index entry (PostgreSQL refuses a btree entry past about 2,700 bytes, and 200
/// characters of four bytes stay under it). The generated `list.rs` says the same number.
pub const TEXT_PREFIX_CHARS: usize = 200;

impl Dialect {
    /// The first [`TEXT_PREFIX_CHARS`] characters of `column`, as lists index and sort a text.
    pub fn text_prefix(self, column: &str) -> String {
        match self.0 {
            Database::Sqlite => format!("substr({column}, 1, {TEXT_PREFIX_CHARS})"),
            Database::Postgres => format!("left({column}, {TEXT_PREFIX_CHARS})"),
        }
    }

    /// The column type of a field: its kind's, with the parameters the type or the field
    /// give it.
    pub fn column_type(self, ty: &FieldType, max_length: Option<u32>) -> String {
        let base = ty.props().sql.get(self.0);
        if self.0 == Database::Sqlite {
            return base.into();
        }
        match (ty.decimal(), max_length) {
            (Some((precision, scale)), _) => format!("{base}({precision}, {scale})"),
            (None, Some(n)) if ty.props().sized => format!("VARCHAR({n})"),
            _ => base.into(),
        }
    }

    /// The column type of a kind that takes no parameters, for the generator's own columns.
    pub fn kind_type(self, kind: Kind) -> &'static str {
        kind.props().sql.get(self.0)
    }

    /// Primary and foreign keys: UUIDs.
    pub fn id_type(self) -> &'static str {
        self.kind_type(Kind::Uuid)
    }

    pub fn timestamp_type(self) -> &'static str {
        self.kind_type(Kind::Datetime)
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

    /// The generated list code compares and sorts as many characters of a text as the
    /// generator's indexes hold.
    #[test]
    fn the_service_and_the_indexes_take_the_same_text_prefix() {
        let list = include_str!("../templates/service/src/list.rs.tera");
        let constant = format!("pub const TEXT_PREFIX: usize = {TEXT_PREFIX_CHARS};");
        assert!(list.contains(&constant), "{constant}");
        assert_eq!(
            Dialect(Database::Postgres).text_prefix("note"),
            "left(note, 200)"
        );
        assert_eq!(
            Dialect(Database::Sqlite).text_prefix("note"),
            "substr(note, 1, 200)"
        );
    }

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
