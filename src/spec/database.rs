//! The database a spec targets: the one setting that the field-type table and the model
//! both read, so it sits below them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    Sqlite,
    Postgres,
}

impl Database {
    pub const ALLOWED: &'static [&'static str] = &["sqlite", "postgres"];

    pub fn as_str(self) -> &'static str {
        match self {
            Database::Sqlite => "sqlite",
            Database::Postgres => "postgres",
        }
    }
}
