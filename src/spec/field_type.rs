//! Field types: `FieldType`, and one table of what each kind of type is (its spec name, Rust
//! type, SQL types, OpenAPI schema, rules, samples...). Code asks the table (`FieldType::props`)
//! instead of matching on the type, so a new type is a new row here, its casts (`cast.rs`) and
//! its templates; docs/field-types.md lists the places.

use super::database::Database;

/// A field's type, with the parameters of the kinds that take some.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    String,
    Text,
    Integer,
    BigInteger,
    Float,
    Decimal {
        precision: u32,
        scale: u32,
    },
    Boolean,
    Uuid,
    Date,
    Datetime,
    Json,
    Enum {
        values: Vec<String>,
    },
    /// An uploaded file: its bytes in the store, its description in the row
    /// (docs/decisions/files.md).
    File(FileRules),
}

/// What a file field accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRules {
    /// The most bytes an upload may have.
    pub max_size: u64,
    /// The media types it accepts (`image/png`), checked against the header and the bytes.
    pub content_types: Vec<String>,
}

impl FileRules {
    /// The largest upload a file field may take (`max_size`): 5 GB, S3's largest object
    /// written in one request, which is also far past what a service should proxy.
    pub const MAX_SIZE: u64 = 5_000_000_000;

    /// `"5MB"`, `"200 KB"`, `"1000B"`, `"1000"`: the bytes (powers of 1,000), or `None`.
    pub fn parse_size(text: &str) -> Option<u64> {
        let text = text.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let factor: u64 = match unit.trim().to_ascii_uppercase().as_str() {
            "" | "B" => 1,
            "KB" => 1_000,
            "MB" => 1_000_000,
            "GB" => 1_000_000_000,
            _ => return None,
        };
        number.parse::<u64>().ok()?.checked_mul(factor)
    }

    /// `max_size` as the spec writes it: the largest unit that divides it (`"5MB"`).
    pub fn size_text(&self) -> String {
        let bytes = self.max_size;
        [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")]
            .into_iter()
            .find(|(unit, _)| bytes.is_multiple_of(*unit))
            .map_or_else(
                || format!("{bytes}B"),
                |(unit, name)| format!("{}{name}", bytes / unit),
            )
    }

    /// A media type without parameters, in lower case: `type/subtype` of RFC 6838's
    /// characters.
    pub fn is_media_type(text: &str) -> bool {
        let token = |part: &str| {
            !part.is_empty()
                && part.len() <= 127
                && part.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$&-^_.+".contains(&b)
                })
        };
        text.split_once('/')
            .is_some_and(|(kind, sub)| token(kind) && token(sub))
    }
}

/// A field type without its parameters: the row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    String,
    Text,
    Integer,
    BigInteger,
    Float,
    Decimal,
    Boolean,
    Uuid,
    Date,
    Datetime,
    Json,
    Enum,
    File,
}

/// A decimal's precision and scale when the spec gives none.
pub const DEFAULT_DECIMAL: (u32, u32) = (18, 2);

/// What a kind of field type is, everywhere the generator needs to know.
#[derive(Debug)]
pub struct TypeProps {
    pub kind: Kind,
    /// The spec's name for it (`type = "big_integer"`).
    pub spec_name: &'static str,
    /// A few words for the interactive session's list of types.
    pub summary: &'static str,
    /// The type itself, for the kinds that take no parameters.
    pub plain: Option<FieldType>,
    /// A value's Rust type in the generated service; `None`: the field's own type (an enum).
    pub rust: Option<&'static str>,
    /// Whether that Rust type is `Copy`: queries bind it by value, not by reference.
    pub copy: bool,
    /// What a generated model imports for it, beyond the prelude.
    pub import: Option<Import>,
    /// The column type, without parameters (`NUMERIC` gets its precision and scale).
    pub sql: PerDialect,
    /// Whether a PostgreSQL column carries the field's `max_length` (`VARCHAR(n)`); the
    /// interactive session gives such a field a usual maximum.
    pub sized: bool,
    /// An SQL value for rows that need one and have none (a rollback's); `None`: the
    /// enum's first value.
    pub zero: Option<PerDialect>,
    /// A value's OpenAPI `type` and `format` in a representation; `None`: any JSON value.
    /// A list filter of it takes the same, except where the list code reads more (any
    /// `int64`, any number, a date for a moment: `openapi/resource_paths.rs`).
    pub openapi: Option<(&'static str, Option<&'static str>)>,
    /// Its column's kind in the generated list code (`Kind::Text`); an enum's takes its
    /// values (`Kind::Enum(Status::VALUES)`); `None`: no list filter or sort (json).
    pub list_kind: Option<&'static str>,
    /// The values it holds, which decide how they are parsed, checked and sampled.
    pub shape: Shape,
    /// Whether `min_length`, `max_length` and `pattern` apply.
    pub length: bool,
    /// Whether `format` (email, url) applies.
    pub format: bool,
    /// Whether a field of it may be `unique`.
    pub unique: bool,
    /// The list filters beside equality (`priceMin`, `bornAfter`), if any.
    pub range: Option<Range>,
    /// A JSON value of the wrong type (a 400); `None`: every JSON value is one of it.
    pub wrong_type: Option<&'static str>,
    /// Which of a generated body's key lists (`RequestBody::INTEGERS`, `DATES`,
    /// `DATE_TIMES`) checks its values before serde reads them, if one does.
    pub body_keys: Option<BodyKeys>,
}

/// An SQL text in each dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerDialect {
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl PerDialect {
    const fn same(sql: &'static str) -> Self {
        Self {
            sqlite: sql,
            postgres: sql,
        }
    }

    pub fn get(self, database: Database) -> &'static str {
        match database {
            Database::Sqlite => self.sqlite,
            Database::Postgres => self.postgres,
        }
    }
}

/// What a generated model imports for a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Import {
    Decimal,
    Date,
    Datetime,
    Json,
    Enum,
    File,
}

/// The values of a kind, as rules, defaults and samples see them.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Text under length, format and pattern rules; a string default.
    Text,
    /// One of the enum's values; a string default among them.
    Choice,
    /// `true` or `false`.
    Boolean,
    /// Whole numbers of `bits` bits (the column's), under `min`/`max`.
    Whole { bits: u32 },
    /// Finite floating-point numbers under `min`/`max`.
    Float,
    /// Exact decimals of the type's precision and scale under `min`/`max`.
    Decimal,
    /// Values without rules or defaults; `sample(seed, i)` is the `i`-th sample as JSON for
    /// the field whose stable seed is `seed`.
    Fixed { sample: fn(u64, usize) -> String },
}

impl TypeProps {
    /// Whether lists filter and sort by it.
    pub fn filter(&self) -> bool {
        self.list_kind.is_some()
    }
}

impl Shape {
    /// Whether `min` and `max` apply (the numbers).
    pub fn bounds(self) -> bool {
        matches!(self, Shape::Whole { .. } | Shape::Float | Shape::Decimal)
    }

    /// Whether a field of it takes a `default`.
    pub fn takes_default(self) -> bool {
        !matches!(self, Shape::Fixed { .. })
    }

    /// The values a whole-number shape holds, or `None` for other shapes.
    pub fn whole_range(self) -> Option<(i64, i64)> {
        match self {
            Shape::Whole { bits } => {
                let max = (1i128 << (bits - 1)) - 1;
                Some((-(max as i64) - 1, max as i64))
            }
            _ => None,
        }
    }

    /// A limit as a spec would write it, for help texts (`max = 2.5`).
    pub fn bound_example(self) -> &'static str {
        match self {
            Shape::Float => "2.5",
            Shape::Decimal => "\"9.99\"",
            _ => "10",
        }
    }
}

/// The list filters a kind gets beside equality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// `{key}Min`, `{key}Max`.
    Number,
    /// `{stem}After`, `{stem}Before`, the stem being the key less a final `At`.
    Time,
}

impl Range {
    pub fn suffixes(self) -> [&'static str; 2] {
        match self {
            Range::Number => ["Min", "Max"],
            Range::Time => ["After", "Before"],
        }
    }

    /// The start of the filters' names for the field whose key is `camel`.
    pub fn stem(self, camel: &str) -> &str {
        match self {
            Range::Number => camel,
            Range::Time => camel.strip_suffix("At").unwrap_or(camel),
        }
    }
}

/// A row as most kinds have it; each row below says what differs.
const BASE: TypeProps = TypeProps {
    kind: Kind::String,
    spec_name: "",
    summary: "",
    plain: None,
    rust: None,
    copy: true,
    import: None,
    sql: PerDialect::same("TEXT"),
    sized: false,
    zero: None,
    openapi: None,
    list_kind: None,
    shape: Shape::Text,
    length: false,
    format: false,
    unique: true,
    range: None,
    wrong_type: Some("12345"),
    body_keys: None,
};

/// A text's row; `string` and `text` differ in little else.
const TEXT: TypeProps = TypeProps {
    plain: Some(FieldType::Text),
    rust: Some("String"),
    copy: false,
    zero: Some(PerDialect::same("''")),
    openapi: Some(("string", None)),
    list_kind: Some("Kind::Text"),
    length: true,
    ..BASE
};

/// A whole number's row.
const WHOLE: TypeProps = TypeProps {
    zero: Some(PerDialect::same("0")),
    list_kind: Some("Kind::Integer"),
    range: Some(Range::Number),
    wrong_type: Some("\"not of this type\""),
    ..BASE
};

/// Every kind's row, in the order of `Kind` (and of `FieldType::ALLOWED`).
const PROPS: [TypeProps; 13] = [
    TypeProps {
        kind: Kind::String,
        spec_name: "string",
        summary: "short text with a maximum length",
        plain: Some(FieldType::String),
        sized: true,
        format: true,
        ..TEXT
    },
    TypeProps {
        kind: Kind::Text,
        spec_name: "text",
        summary: "long text",
        // Lists compare and sort it by its first characters, which its indexes hold.
        list_kind: Some("Kind::LongText"),
        ..TEXT
    },
    TypeProps {
        kind: Kind::Integer,
        spec_name: "integer",
        summary: "32-bit whole number",
        plain: Some(FieldType::Integer),
        rust: Some("i32"),
        sql: PerDialect::same("INTEGER"),
        openapi: Some(("integer", Some("int32"))),
        shape: Shape::Whole { bits: 32 },
        body_keys: Some(BodyKeys::Integers),
        ..WHOLE
    },
    TypeProps {
        kind: Kind::BigInteger,
        spec_name: "big_integer",
        summary: "64-bit whole number",
        plain: Some(FieldType::BigInteger),
        rust: Some("i64"),
        sql: PerDialect {
            sqlite: "INTEGER",
            postgres: "BIGINT",
        },
        openapi: Some(("integer", Some("int64"))),
        shape: Shape::Whole { bits: 64 },
        body_keys: Some(BodyKeys::Integers),
        ..WHOLE
    },
    TypeProps {
        kind: Kind::Float,
        spec_name: "float",
        summary: "floating-point number",
        plain: Some(FieldType::Float),
        rust: Some("f64"),
        sql: PerDialect {
            sqlite: "REAL",
            postgres: "DOUBLE PRECISION",
        },
        zero: Some(PerDialect::same("0.0")),
        openapi: Some(("number", Some("double"))),
        list_kind: Some("Kind::Float"),
        shape: Shape::Float,
        ..WHOLE
    },
    TypeProps {
        kind: Kind::Decimal,
        spec_name: "decimal",
        summary: "exact number, e.g. money",
        rust: Some("Decimal"),
        import: Some(Import::Decimal),
        // sqlx's SQLite driver has no decimal type: the exact text is kept.
        sql: PerDialect {
            sqlite: "TEXT",
            postgres: "NUMERIC",
        },
        zero: Some(PerDialect {
            sqlite: "'0'",
            postgres: "0",
        }),
        // A string in representations, to keep every digit; `openapi/schemas.rs` adds its
        // pattern, and a body takes a number too.
        openapi: Some(("string", None)),
        list_kind: Some("Kind::Decimal"),
        shape: Shape::Decimal,
        // Decimals are read from strings and numbers alike.
        wrong_type: Some("true"),
        ..WHOLE
    },
    TypeProps {
        kind: Kind::Boolean,
        spec_name: "boolean",
        summary: "true or false",
        plain: Some(FieldType::Boolean),
        rust: Some("bool"),
        sql: PerDialect::same("BOOLEAN"),
        zero: Some(PerDialect::same("FALSE")),
        openapi: Some(("boolean", None)),
        list_kind: Some("Kind::Boolean"),
        shape: Shape::Boolean,
        wrong_type: Some("\"not of this type\""),
        ..BASE
    },
    TypeProps {
        kind: Kind::Uuid,
        spec_name: "uuid",
        summary: "a unique identifier (128-bit)",
        plain: Some(FieldType::Uuid),
        rust: Some("Uuid"),
        // sqlx stores UUIDs as 16-byte BLOBs in SQLite; ids and keys have the same type.
        sql: PerDialect {
            sqlite: "BLOB",
            postgres: "UUID",
        },
        zero: Some(PerDialect {
            sqlite: "X'00000000000000000000000000000000'",
            postgres: "'00000000-0000-0000-0000-000000000000'",
        }),
        openapi: Some(("string", Some("uuid"))),
        list_kind: Some("Kind::Uuid"),
        shape: Shape::Fixed {
            sample: uuid_sample,
        },
        ..BASE
    },
    TypeProps {
        kind: Kind::Date,
        spec_name: "date",
        summary: "a calendar day",
        plain: Some(FieldType::Date),
        rust: Some("NaiveDate"),
        import: Some(Import::Date),
        sql: PerDialect {
            sqlite: "TEXT",
            postgres: "DATE",
        },
        zero: Some(PerDialect::same("'1970-01-01'")),
        openapi: Some(("string", Some("date"))),
        list_kind: Some("Kind::Date"),
        shape: Shape::Fixed {
            sample: date_sample,
        },
        range: Some(Range::Time),
        body_keys: Some(BodyKeys::Dates),
        ..BASE
    },
    TypeProps {
        kind: Kind::Datetime,
        spec_name: "datetime",
        summary: "a moment (UTC)",
        plain: Some(FieldType::Datetime),
        rust: Some("DateTime<Utc>"),
        import: Some(Import::Datetime),
        // Timestamps the generator adds have the same type.
        sql: PerDialect {
            sqlite: "TEXT",
            postgres: "TIMESTAMPTZ",
        },
        zero: Some(PerDialect::same("'1970-01-01T00:00:00Z'")),
        openapi: Some(("string", Some("date-time"))),
        list_kind: Some("Kind::DateTime"),
        shape: Shape::Fixed {
            sample: datetime_sample,
        },
        range: Some(Range::Time),
        body_keys: Some(BodyKeys::DateTimes),
        ..BASE
    },
    TypeProps {
        kind: Kind::Json,
        spec_name: "json",
        summary: "any JSON value",
        plain: Some(FieldType::Json),
        rust: Some("Value"),
        copy: false,
        import: Some(Import::Json),
        sql: PerDialect {
            sqlite: "TEXT",
            postgres: "JSONB",
        },
        zero: Some(PerDialect::same("'null'")),
        shape: Shape::Fixed {
            sample: json_sample,
        },
        unique: false,
        wrong_type: None,
        ..BASE
    },
    TypeProps {
        kind: Kind::Enum,
        spec_name: "enum",
        summary: "one of a fixed list of words",
        import: Some(Import::Enum),
        openapi: Some(("string", None)),
        list_kind: Some("Kind::Enum"),
        shape: Shape::Choice,
        ..BASE
    },
    TypeProps {
        kind: Kind::File,
        spec_name: "file",
        summary: "an uploaded file (an image, a PDF)",
        rust: Some("StoredFile"),
        copy: false,
        import: Some(Import::File),
        // Its description (id, type, size, checksum, when), read without a join.
        sql: PerDialect {
            sqlite: "TEXT",
            postgres: "JSONB",
        },
        zero: Some(PerDialect::same("NULL")),
        // No body writes it: its bytes go through its own route.
        shape: Shape::Fixed {
            sample: json_sample,
        },
        unique: false,
        wrong_type: None,
        ..BASE
    },
];

/// The table, where `FieldType::props` finds each row.
static TABLE: [TypeProps; 13] = PROPS;

fn uuid_sample(seed: u64, i: usize) -> String {
    format!(
        "\"0190a5e8-1c2b-7d3e-8f40-{:012x}\"",
        seed % 0xffff_ffff + i as u64
    )
}

fn date_sample(_: u64, i: usize) -> String {
    format!("\"2024-{:02}-{:02}\"", i % 12 + 1, i % 28 + 1)
}

fn datetime_sample(_: u64, i: usize) -> String {
    format!(
        "\"2024-{:02}-{:02}T09:{:02}:00Z\"",
        i % 12 + 1,
        i % 28 + 1,
        i % 60
    )
}

fn json_sample(_: u64, i: usize) -> String {
    let n = i + 1;
    format!("{{\"note\": \"sample {n}\", \"rank\": {n}}}")
}

impl Kind {
    /// Every kind, in the table's order.
    pub const ALL: [Kind; 13] = [
        Kind::String,
        Kind::Text,
        Kind::Integer,
        Kind::BigInteger,
        Kind::Float,
        Kind::Decimal,
        Kind::Boolean,
        Kind::Uuid,
        Kind::Date,
        Kind::Datetime,
        Kind::Json,
        Kind::Enum,
        Kind::File,
    ];

    pub fn props(self) -> &'static TypeProps {
        &TABLE[self as usize]
    }

    /// The kind the spec calls `name`.
    pub fn named(name: &str) -> Option<Kind> {
        TABLE.iter().find(|p| p.spec_name == name).map(|p| p.kind)
    }

    /// The spec names of the kinds whose row passes `applies`, in the table's order, for
    /// help texts (`string, text`).
    pub fn names_where(applies: fn(&TypeProps) -> bool) -> Vec<&'static str> {
        TABLE
            .iter()
            .filter(|p| applies(p))
            .map(|p| p.spec_name)
            .collect()
    }
}

impl FieldType {
    /// The names the spec accepts for `type`.
    pub const ALLOWED: &'static [&'static str] = &{
        let mut names = [""; PROPS.len()];
        let mut i = 0;
        while i < PROPS.len() {
            names[i] = PROPS[i].spec_name;
            i += 1;
        }
        names
    };

    /// The one place that tells kinds apart; everything else reads the table.
    pub fn kind(&self) -> Kind {
        match self {
            FieldType::String => Kind::String,
            FieldType::Text => Kind::Text,
            FieldType::Integer => Kind::Integer,
            FieldType::BigInteger => Kind::BigInteger,
            FieldType::Float => Kind::Float,
            FieldType::Decimal { .. } => Kind::Decimal,
            FieldType::Boolean => Kind::Boolean,
            FieldType::Uuid => Kind::Uuid,
            FieldType::Date => Kind::Date,
            FieldType::Datetime => Kind::Datetime,
            FieldType::Json => Kind::Json,
            FieldType::Enum { .. } => Kind::Enum,
            FieldType::File(_) => Kind::File,
        }
    }

    pub fn props(&self) -> &'static TypeProps {
        self.kind().props()
    }

    /// A type that takes no parameters, by its spec name; decimal and enum
    /// (which take parameters) and unknown names give `None`.
    pub fn plain(name: &str) -> Option<Self> {
        Kind::named(name).and_then(|kind| kind.props().plain.clone())
    }

    pub fn spec_name(&self) -> &'static str {
        self.props().spec_name
    }

    /// A decimal's precision and scale.
    pub fn decimal(&self) -> Option<(u32, u32)> {
        match self {
            FieldType::Decimal { precision, scale } => Some((*precision, *scale)),
            _ => None,
        }
    }

    /// An enum's values.
    pub fn values(&self) -> Option<&[String]> {
        match self {
            FieldType::Enum { values } => Some(values),
            _ => None,
        }
    }

    /// A file field's size limit and media types.
    pub fn file(&self) -> Option<&FileRules> {
        match self {
            FieldType::File(rules) => Some(rules),
            _ => None,
        }
    }

    /// Whether length limits and patterns apply (string, text).
    pub fn is_textual(&self) -> bool {
        self.props().length
    }

    /// The values a whole-number type holds (its column's), or `None` for other types.
    pub fn whole_range(&self) -> Option<(i64, i64)> {
        self.props().shape.whole_range()
    }

    /// Whether `min` and `max` apply.
    pub fn is_numeric(&self) -> bool {
        self.props().shape.bounds()
    }

    /// Whether its list filters are `…After` and `…Before`.
    pub fn is_temporal(&self) -> bool {
        self.props().range == Some(Range::Time)
    }
}

/// A generated body's list of keys whose values it reads itself before serde does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKeys {
    /// Whole numbers: `120.0` is read as `120`, as JSON Schema counts it one.
    Integers,
    /// RFC 3339 `full-date` only.
    Dates,
    /// RFC 3339 `date-time` only.
    DateTimes,
}

#[cfg(test)]
mod tests;
