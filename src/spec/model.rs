//! The typed, validated spec. Rendering only ever sees these types: a value
//! of `Spec` has passed every check in `validate`.

use crate::names::Names;

#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub project: Project,
    pub auth: Auth,
    pub rate_limit: RateLimit,
    pub cache: Cache,
    /// In the order the spec declares them.
    pub resources: Vec<Resource>,
}

impl Spec {
    pub fn resource(&self, snake: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.names.snake == snake)
    }

    /// Whether rows of `r` are the accounts of the jwt flow (they sign in).
    pub fn is_account(&self, r: &Resource) -> bool {
        self.auth.mode == AuthMode::Jwt && r.names.snake == crate::spec::ACCOUNT
    }

    /// Resources ordered so that every table comes after the tables it
    /// references (validation has rejected cycles).
    pub fn creation_order(&self) -> Vec<&Resource> {
        let mut done: Vec<&str> = Vec::new();
        let mut ordered = Vec::new();
        while ordered.len() < self.resources.len() {
            let before = ordered.len();
            for r in &self.resources {
                if done.contains(&r.names.snake.as_str()) {
                    continue;
                }
                let ready = r
                    .belongs_to
                    .iter()
                    .all(|b| b.target == r.names.snake || done.contains(&b.target.as_str()));
                if ready {
                    done.push(&r.names.snake);
                    ordered.push(r);
                }
            }
            if ordered.len() == before {
                break;
            }
        }
        ordered
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub name: Option<String>,
    pub description: String,
    /// `/v1` by default; always starts with `/` and has no trailing `/`.
    pub api_prefix: String,
    pub database: Database,
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    None,
    Jwt,
}

impl AuthMode {
    pub const ALLOWED: &'static [&'static str] = &["none", "jwt"];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::None => "none",
            AuthMode::Jwt => "jwt",
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Auth {
    pub mode: AuthMode,
    /// Role names; the admin role is always among them.
    pub roles: Vec<String>,
    pub admin_role: String,
    pub default_role: String,
    pub access_token_minutes: u32,
    pub refresh_token_days: u32,
    pub password_min_length: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    pub requests_per_minute: u32,
    pub burst: u32,
    pub login_per_minute: u32,
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cache {
    pub ttl_seconds: u32,
    pub max_entries: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub names: Names,
    pub description: String,
    pub fields: Vec<Field>,
    pub belongs_to: Vec<BelongsTo>,
    /// Snake names of the resources this one links to; the join table and
    /// routes live on this (the declaring) side.
    pub many_to_many: Vec<String>,
    pub soft_delete: bool,
    pub versioned: bool,
    pub timestamps: bool,
    pub access: Access,
    /// The belongs-to relation (to the user resource) that owns each row.
    pub owner: Option<String>,
    pub cache_ttl_seconds: u32,
}

impl Resource {
    /// Whether `relation` holds the row's owner (set from the caller's token).
    pub fn is_owner(&self, relation: &BelongsTo) -> bool {
        self.owner.as_ref() == Some(&relation.names.snake)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub names: Names,
    pub description: String,
    pub ty: FieldType,
    pub required: bool,
    pub unique: bool,
    pub default: Option<Literal>,
    pub rules: Rules,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    String,
    Text,
    Integer,
    BigInteger,
    Float,
    Decimal { precision: u32, scale: u32 },
    Boolean,
    Uuid,
    Date,
    Datetime,
    Json,
    Enum { values: Vec<String> },
}

impl FieldType {
    /// The names the spec accepts for `type`.
    pub const ALLOWED: &'static [&'static str] = &[
        "string",
        "text",
        "integer",
        "big_integer",
        "float",
        "decimal",
        "boolean",
        "uuid",
        "date",
        "datetime",
        "json",
        "enum",
    ];

    /// A type that takes no parameters, by its spec name; decimal and enum
    /// (which take parameters) and unknown names give `None`.
    pub fn plain(name: &str) -> Option<Self> {
        Some(match name {
            "string" => FieldType::String,
            "text" => FieldType::Text,
            "integer" => FieldType::Integer,
            "big_integer" => FieldType::BigInteger,
            "float" => FieldType::Float,
            "boolean" => FieldType::Boolean,
            "uuid" => FieldType::Uuid,
            "date" => FieldType::Date,
            "datetime" => FieldType::Datetime,
            "json" => FieldType::Json,
            _ => return None,
        })
    }

    pub fn spec_name(&self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Text => "text",
            FieldType::Integer => "integer",
            FieldType::BigInteger => "big_integer",
            FieldType::Float => "float",
            FieldType::Decimal { .. } => "decimal",
            FieldType::Boolean => "boolean",
            FieldType::Uuid => "uuid",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Json => "json",
            FieldType::Enum { .. } => "enum",
        }
    }

    pub fn is_textual(&self) -> bool {
        matches!(self, FieldType::String | FieldType::Text)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            FieldType::Integer
                | FieldType::BigInteger
                | FieldType::Float
                | FieldType::Decimal { .. }
        )
    }

    pub fn is_temporal(&self) -> bool {
        matches!(self, FieldType::Date | FieldType::Datetime)
    }
}

/// A default value, already checked against its field's type and rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Integer(i64),
    Float(f64),
    /// Exact decimal text, e.g. `19.99`.
    Decimal(String),
    Boolean(bool),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    pub format: Option<Format>,
    pub pattern: Option<String>,
}

/// A numeric limit in its field's own type.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    Integer(i64),
    Float(f64),
    /// Exact decimal text.
    Decimal(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Email,
    Url,
}

impl Format {
    pub const ALLOWED: &'static [&'static str] = &["email", "url"];
}

#[derive(Debug, Clone, PartialEq)]
pub struct BelongsTo {
    /// Relation name: the foreign key is `{name}_id`.
    pub names: Names,
    /// Snake name of the parent resource.
    pub target: String,
    pub required: bool,
    pub on_delete: OnDelete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    Cascade,
    Restrict,
    SetNull,
}

impl OnDelete {
    pub const ALLOWED: &'static [&'static str] = &["cascade", "restrict", "set_null"];

    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "CASCADE",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::SetNull => "SET NULL",
        }
    }
}

/// Who may do each action on a resource. A rule passes when any of its
/// alternatives does; the admin role passes every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    pub list: Vec<Rule>,
    pub read: Vec<Rule>,
    pub create: Vec<Rule>,
    pub update: Vec<Rule>,
    pub delete: Vec<Rule>,
}

impl Access {
    pub const ACTIONS: &'static [&'static str] = &["list", "read", "create", "update", "delete"];

    pub fn everyone() -> Self {
        Self::all(vec![Rule::Public])
    }

    pub fn all(rules: Vec<Rule>) -> Self {
        Self {
            list: rules.clone(),
            read: rules.clone(),
            create: rules.clone(),
            update: rules.clone(),
            delete: rules,
        }
    }

    pub fn by_action(&self) -> [(&'static str, &[Rule]); 5] {
        [
            ("list", &self.list),
            ("read", &self.read),
            ("create", &self.create),
            ("update", &self.update),
            ("delete", &self.delete),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    Public,
    Authenticated,
    Owner,
    Role(String),
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Public => f.write_str("public"),
            Rule::Authenticated => f.write_str("authenticated"),
            Rule::Owner => f.write_str("owner"),
            Rule::Role(role) => f.write_str(role),
        }
    }
}
