//! Every spelling of a name that generated code needs, computed once here.
//! Templates print these and never re-case a name themselves.
//!
//! Names users need are accepted even when they are keywords or collide with
//! what the generated code imports or defines. The rules, settled here once:
//! - a field whose name is a Rust keyword becomes a raw identifier (`r#type`;
//!   serde and sqlx strip the `r#`, so its JSON key and column stay `type`);
//! - a field or table whose name SQL reserves is quoted (`"order"`) wherever
//!   SQL names it;
//! - a resource whose type would clash with a type the generated code uses
//!   (`Page`, `String`, `Pool`...) gets the Rust type `{Pascal}Resource`, an
//!   enum field's type that would clash becomes `{Type}{Field}Enum`, and a module
//!   that would clash with a crate, a keyword or a generated module or file
//!   becomes `{plural}_resource` (see `spec::rust_names::settle`). Only Rust spellings change:
//!   URLs, JSON keys, tables and OpenAPI names keep the spec's words.

use heck::{ToKebabCase, ToLowerCamelCase, ToPascalCase, ToSnakeCase};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    /// `order_item`: Rust functions, SQL columns.
    pub snake: String,
    /// `orderItem`: JSON keys and query parameters.
    pub camel: String,
    /// `OrderItem`: OpenAPI names; Rust types print `type_name`.
    pub pascal: String,
    /// `order-item`
    pub kebab: String,
    /// `order item`: prose in docs and messages.
    pub words: String,
    /// `ORDER_ITEM`: Rust constants.
    pub upper: String,
    /// `order_items`: tables.
    pub plural_snake: String,
    /// `orderItems`
    pub plural_camel: String,
    /// `OrderItems`
    pub plural_pascal: String,
    /// `order-items`: URL paths.
    pub plural_kebab: String,
    /// `order items`
    pub plural_words: String,
    /// `order_item`, or `r#type` for a Rust keyword: a field as a Rust identifier.
    pub ident: String,
    /// `order_item`, or `"order"` for a word SQL reserves: a column in SQL text.
    pub sql: String,
    /// The plural as an SQL identifier: a table in SQL text.
    pub plural_sql: String,
    /// The Rust type the name gives: a resource's struct, an enum field's enum. The
    /// Pascal name unless that is taken (`spec::rust_names::settle` decides, once every resource is known).
    pub type_name: String,
    /// A resource's Rust module and the stem of its files: the plural snake name unless
    /// that is taken (`spec::rust_names::settle`).
    pub module: String,
}

impl Names {
    /// Names for a snake_case identifier; the plural is the English plural of
    /// its last word unless `plural` overrides it.
    pub fn new(snake: &str, plural: Option<&str>) -> Self {
        let plural_snake = match plural {
            Some(p) => p.to_snake_case(),
            None => pluralize_snake(snake),
        };
        let pascal = snake.to_pascal_case();
        Self {
            snake: snake.to_snake_case(),
            camel: snake.to_lower_camel_case(),
            kebab: snake.to_kebab_case(),
            words: snake.replace('_', " "),
            upper: snake.to_uppercase(),
            plural_camel: plural_snake.to_lower_camel_case(),
            plural_pascal: plural_snake.to_pascal_case(),
            plural_kebab: plural_snake.to_kebab_case(),
            plural_words: plural_snake.replace('_', " "),
            ident: rust_ident(snake),
            sql: sql_ident(snake),
            plural_sql: sql_ident(&plural_snake),
            type_name: pascal.clone(),
            module: plural_snake.clone(),
            pascal,
            plural_snake,
        }
    }
}

fn pluralize_snake(snake: &str) -> String {
    let (head, last) = match snake.rsplit_once('_') {
        Some((head, last)) => (Some(head), last),
        None => (None, snake),
    };
    let plural = pluralizer::pluralize(last, 2, false);
    match head {
        Some(head) => format!("{head}_{plural}"),
        None => plural,
    }
}

/// The singular of a name whose last word reads as an English plural (`books` → `book`,
/// `order_items` → `order_item`, `people` → `person`): a word the plural rules turn back
/// into itself. Resources are named in the singular; the plural (tables, routes) is derived.
/// A singular of fewer than three letters or without a vowel would be no word: initialisms
/// and short words that end in `s` (`dns`, `gps`, `cms`, `os`, `us`) are left alone.
pub fn singular_of(name: &str) -> Option<String> {
    let (head, last) = match name.rsplit_once('_') {
        Some((head, last)) => (Some(head), last),
        None => (None, name),
    };
    let word = pluralizer::pluralize(last, 1, false);
    let wordlike = word.len() >= 3 && word.contains(['a', 'e', 'i', 'o', 'u', 'y']);
    if !wordlike {
        return None;
    }
    let singular = match head {
        Some(head) => format!("{head}_{word}"),
        None => word,
    };
    (singular != name && pluralize_snake(&singular) == name).then_some(singular)
}

/// "an order", "an author", "a user", "an update": the English article by
/// the first sound, good for prose. Vowels take "an", except a `u` read "you":
/// before one consonant and a vowel (`user`, `unit`, `usage`, but `update`,
/// `umbrella`), and the names read letter by letter (`uuid`, `url`, `uri`).
/// Silent `h` ("an hour") and `eu`/`one` ("a euro") are left out.
pub fn with_article(words: &str) -> String {
    let article = if starts_with_vowel_sound(words) {
        "an"
    } else {
        "a"
    };
    format!("{article} {words}")
}

fn starts_with_vowel_sound(words: &str) -> bool {
    const VOWELS: &[char] = &['a', 'e', 'i', 'o', 'u'];
    let mut letters = words.chars();
    match letters.next() {
        Some('u') => {
            let spelled = ["uu", "url", "uri"].iter().any(|p| words.starts_with(p));
            let said_you = matches!(
                (letters.next(), letters.next()),
                (Some(c), Some(v)) if c.is_ascii_alphabetic() && !VOWELS.contains(&c) && VOWELS.contains(&v)
            );
            !(spelled || said_you)
        }
        Some(first) => VOWELS.contains(&first),
        None => false,
    }
}

/// `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`: the one shape the spec accepts for names.
pub fn is_snake_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__")
}

/// The nearest snake_case name to `name` (`Title` → `title`, `order-item` → `order_item`),
/// if there is one.
pub fn snake_version(name: &str) -> Option<String> {
    let cased: String = name
        .to_snake_case()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
        .collect();
    let trimmed = cased.trim_start_matches(|c: char| !c.is_ascii_lowercase());
    let mut out = String::new();
    for part in trimmed.split('_').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(part);
    }
    is_snake_identifier(&out).then_some(out)
}

/// Rust keywords (strict, reserved and edition-2024 `gen`): a field with one of these
/// names is a raw identifier (`r#type`).
pub const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either: no field may be named so.
pub const NOT_RAW: &[&str] = &["crate", "self", "super"];

/// `r#type` for a Rust keyword, the name itself otherwise.
pub fn rust_ident(snake: &str) -> String {
    if RUST_KEYWORDS.contains(&snake) && !NOT_RAW.contains(&snake) {
        format!("r#{snake}")
    } else {
        snake.to_string()
    }
}

/// Words that SQLite or PostgreSQL refuse as a bare column or table name in the statements
/// the service runs: every word PostgreSQL reserves, and the others found by running those
/// statements with each keyword of either database (SQLite 3.40, PostgreSQL 15; `system_user`
/// is reserved from PostgreSQL 16). Such a name is quoted wherever SQL names it. Words that
/// work bare stay bare (`position`, `key`), so the migrations of specs that already worked
/// keep their checksums.
pub const SQL_KEYWORDS: &[&str] = &[
    "add",
    "all",
    "alter",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "autoincrement",
    "between",
    "binary",
    "both",
    "by",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "commit",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "delete",
    "desc",
    "distinct",
    "do",
    "drop",
    "else",
    "end",
    "escape",
    "except",
    "exists",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "if",
    "ilike",
    "in",
    "index",
    "initially",
    "inner",
    "insert",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "nothing",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "raise",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "set",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "transaction",
    "true",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "values",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// `"order"` for a word SQL reserves, the name itself otherwise. Names are snake_case, so
/// quoting never needs escapes and means the same lowercase name in both dialects.
pub fn sql_ident(name: &str) -> String {
    if SQL_KEYWORDS.contains(&name) {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

/// Types in scope wherever generated code names a resource's types (its model, repo,
/// handlers, rules, the auth module and the test harness), and the Rust prelude. A
/// resource or enum whose type would be one of these is renamed (see `spec::rust_names::settle`); a unit
/// test keeps this list in step with the templates.
pub const RESERVED_TYPES: &[&str] = &[
    // The prelude, and `Self`.
    "AsMut",
    "AsRef",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Future",
    "Hash",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
    // What the templates import or define there.
    "Access",
    "ApiJson",
    "AppError",
    "AppState",
    "Arc",
    "AtomicUsize",
    "Body",
    "BodyExt",
    "Cache",
    "Caller",
    "Captured",
    "CheckValues",
    "Client",
    "Column",
    "Conditions",
    "Config",
    "ConnectInfo",
    "Credentials",
    "DateTime",
    "Dec",
    "Decimal",
    "Deserialize",
    "Duration",
    "EmailRequest",
    "EnumKeys",
    "ErrorDetail",
    "FieldRule",
    "FieldRules",
    "FieldWrite",
    "FromRequestParts",
    "FromRow",
    "HeaderMap",
    "HeaderValue",
    "Hidden",
    "HiddenFromOthers",
    "Identity",
    "JobContext",
    "Json",
    "Key",
    "Keys",
    "Kind",
    "LazyLock",
    "Letter",
    "LinkIds",
    "ListParams",
    "ListSpec",
    "Login",
    "Mail",
    "Mailer",
    "Method",
    "MigrateDatabase",
    "NaiveDate",
    "NewAccount",
    "Next",
    "NonZeroU32",
    "Ordering",
    "Origin",
    "Ownership",
    "Page",
    "Parts",
    "PasswordChange",
    "PathBuf",
    "Pool",
    "Postgres",
    "Purpose",
    "Redact",
    "Redacted",
    "RefreshRequest",
    "Regex",
    "Request",
    "RequestBody",
    "ResetRequest",
    "ResourceId",
    "Response",
    "RolesRequest",
    "Router",
    "Rule",
    "Scope",
    "ScratchDir",
    "Serialize",
    "SerializeStruct",
    "Serializer",
    "ServiceExt",
    "Session",
    "SessionList",
    "SignedUp",
    "SocketAddr",
    "State",
    "StatusCode",
    "TempDir",
    "Templates",
    "TestApp",
    "TestDatabase",
    "TestResponse",
    "TimeDelta",
    "Token",
    "TokenPair",
    "TokenRequest",
    "Utc",
    "Uuid",
    "Validator",
    "Value",
    "Visible",
    "WorkerSettings",
    "Workers",
    "Written",
    "Hooks",
    "Rules",
    "Tx",
];

/// Names a resource's module may not take: keywords, the crates and std libraries the
/// service uses, modules and items imported next to resource modules, and the stems of
/// the fixed files in `tests/api/` and `src/rules/` (a resource's files share those
/// directories, and the test crate's modules one scope). A unit test keeps this list in
/// step with the templates.
pub const RESERVED_MODULES: &[&str] = &[
    // Libraries.
    "alloc",
    "argon2",
    "async_nats",
    "axum",
    "base64",
    "chrono",
    "clap",
    "core",
    "dotenvy",
    "getrandom",
    "governor",
    "hmac",
    "http_body",
    "http_body_util",
    "ipnet",
    "jsonwebtoken",
    "lettre",
    "metrics",
    "metrics_exporter_prometheus",
    "mimalloc",
    "minijinja",
    "moka",
    "proc_macro",
    "rand",
    "redis",
    "regex",
    "reqwest",
    "rust_decimal",
    "secrecy",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "sha2",
    "sqlx",
    "std",
    "tempfile",
    "test",
    "thiserror",
    "tokio",
    "tower",
    "tower_http",
    "tracing",
    "tracing_subscriber",
    "uuid",
    "validator",
    "xxhash_rust",
    // Generated modules and files that share a scope or a directory with resources.
    "access",
    "account",
    "account_store",
    "app",
    "auth",
    "body",
    "common",
    "conditional",
    "created",
    "db",
    "extract",
    "handlers",
    "header",
    "http",
    "idempotency",
    "jobs",
    "list",
    "logs",
    "mail",
    "main",
    "middleware",
    "migrate",
    "model",
    "openapi",
    "outbox",
    "password",
    "repo",
    "resources",
    "response",
    "rfc3339",
    "routing",
    "rules",
    "sessions",
    "shared",
    "tagged",
    "telemetry",
    "token",
    "tokens",
    "webhooks",
    // Functions imported there: another namespace, reserved only to keep the rule one list.
    "double_option",
    "fetch",
    "get",
    "json",
    "new_account",
    "parse_body",
    "parse_nested_body",
    "throttle",
    "delete",
    "parse_replace",
    "post",
    "put",
    "with_pool",
    "hooks",
    "service",
    "signup",
    "with_tx",
    "custom",
];

/// Why `name` cannot be a module next to the service's own (a resource's, a job's), if it
/// cannot: a Rust keyword, or one of [`RESERVED_MODULES`].
pub fn reserved_module(name: &str) -> Option<&'static str> {
    if RUST_KEYWORDS.contains(&name) {
        Some("a Rust keyword")
    } else if RESERVED_MODULES.contains(&name) {
        Some("a crate, std library or module the generated code uses")
    } else {
        None
    }
}

/// The types a resource's model defines besides enums.
pub fn resource_types(type_name: &str) -> [String; 3] {
    [
        type_name.to_string(),
        format!("{type_name}Input"),
        format!("{type_name}Patch"),
    ]
}

/// An enum value's Rust variant, and whether it needs explicit serde and sqlx renames
/// (their `snake_case` spelling of the variant is not the value: `tier_1` is `Tier1`,
/// which both would spell `tier1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variant {
    pub name: String,
    pub rename: bool,
}

/// The variant of an enum value: its Pascal name, or `SelfValue` for `self` (`Self` is a
/// keyword).
pub fn variant(value: &str) -> Variant {
    let mut name = value.to_pascal_case();
    if name == "Self" {
        name = "SelfValue".into();
    }
    let rename = serde_snake_case(&name) != value || name.to_snake_case() != value;
    Variant { name, rename }
}

/// serde's `rename_all = "snake_case"` of a variant: `_` before every uppercase letter
/// but the first, then lowercase (sqlx spells it with heck's `to_snake_case`).
fn serde_snake_case(variant: &str) -> String {
    let mut out = String::new();
    for (i, c) in variant.char_indices() {
        if i > 0 && c.is_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A usable name near `name`: the first of `candidates`, then `{name}_value`,
/// `{name}_2`..., that is a snake_case identifier of at most `max` characters and that
/// `ok` accepts.
pub fn alternative(
    name: &str,
    candidates: &[String],
    max: usize,
    ok: impl Fn(&str) -> bool,
) -> Option<String> {
    let generic = [format!("{name}_value")]
        .into_iter()
        .chain((2..10).map(|i| format!("{name}_{i}")));
    candidates
        .iter()
        .cloned()
        .chain(generic)
        .find(|c| is_snake_identifier(c) && c.len() <= max && ok(c))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn plural_names_get_their_singular() {
        for (plural, singular) in [
            ("books", "book"),
            ("order_items", "order_item"),
            ("categories", "category"),
            ("people", "person"),
            ("addresses", "address"),
            ("buses", "bus"),
        ] {
            assert_eq!(singular_of(plural).as_deref(), Some(singular), "{plural}");
        }
        for initialism in [
            "dns", "gps", "sms", "cms", "os", "ios", "us", "as", "api_ps",
        ] {
            assert_eq!(singular_of(initialism), None, "{initialism}");
        }
        for singular in [
            "book",
            "status",
            "address",
            "news",
            "user",
            "order_item",
            "series",
        ] {
            assert_eq!(singular_of(singular), None, "{singular}");
        }
    }

    #[test]
    fn every_variant_of_a_compound_name() {
        let n = Names::new("order_item", None);
        assert_eq!(n.snake, "order_item");
        assert_eq!(n.camel, "orderItem");
        assert_eq!(n.pascal, "OrderItem");
        assert_eq!(n.kebab, "order-item");
        assert_eq!(n.upper, "ORDER_ITEM");
        assert_eq!(n.plural_snake, "order_items");
        assert_eq!(n.plural_kebab, "order-items");
        assert_eq!(n.plural_camel, "orderItems");
        assert_eq!(n.plural_pascal, "OrderItems");
        assert_eq!(n.plural_words, "order items");
        assert_eq!(
            (n.ident.as_str(), n.sql.as_str()),
            ("order_item", "order_item")
        );
        assert_eq!(
            (n.type_name.as_str(), n.module.as_str()),
            ("OrderItem", "order_items")
        );
    }

    #[test]
    fn keywords_are_raw_in_rust_and_quoted_in_sql() {
        let n = Names::new("type", None);
        assert_eq!((n.ident.as_str(), n.sql.as_str()), ("r#type", "type"));
        let n = Names::new("order", None);
        assert_eq!((n.ident.as_str(), n.sql.as_str()), ("order", "\"order\""));
        assert_eq!(n.plural_sql, "orders");
        // Words both databases take bare stay bare.
        let n = Names::new("match", None);
        assert_eq!((n.ident.as_str(), n.sql.as_str()), ("r#match", "match"));
        assert_eq!(Names::new("position", None).sql, "position");
        assert_eq!(Names::new("left", None).sql, "\"left\"");
        let n = Names::new("default", None);
        assert_eq!(
            (n.ident.as_str(), n.sql.as_str()),
            ("default", "\"default\"")
        );
        assert_eq!(rust_ident("self"), "self");
    }

    #[test]
    fn english_plurals_and_overrides() {
        assert_eq!(Names::new("category", None).plural_snake, "categories");
        assert_eq!(Names::new("address", None).plural_snake, "addresses");
        assert_eq!(Names::new("person", None).plural_snake, "people");
        assert_eq!(Names::new("status", None).plural_snake, "statuses");
        assert_eq!(Names::new("staff", Some("staff")).plural_snake, "staff");
    }

    #[test]
    fn articles_follow_the_first_sound() {
        for (words, expected) in [
            ("author", "an author"),
            ("order item", "an order item"),
            ("invoice", "an invoice"),
            ("entry", "an entry"),
            ("update", "an update"),
            ("umbrella", "an umbrella"),
            ("user", "a user"),
            ("unit", "a unit"),
            ("usage record", "a usage record"),
            ("uuid", "a uuid"),
            ("url", "a url"),
            ("book", "a book"),
            ("yard", "a yard"),
        ] {
            assert_eq!(with_article(words), expected);
        }
    }

    #[test]
    fn snake_identifiers() {
        for ok in ["a", "order_item", "v2_thing"] {
            assert!(is_snake_identifier(ok), "{ok}");
        }
        for bad in ["", "Order", "order-item", "_x", "x_", "a__b", "2x", "é"] {
            assert!(!is_snake_identifier(bad), "{bad}");
        }
        assert_eq!(snake_version("Title").as_deref(), Some("title"));
        assert_eq!(snake_version("order-item").as_deref(), Some("order_item"));
        assert_eq!(snake_version("OrderItem").as_deref(), Some("order_item"));
        assert_eq!(snake_version("_x__y_").as_deref(), Some("x_y"));
        assert_eq!(snake_version("2x").as_deref(), Some("x"));
        assert_eq!(snake_version("é"), None);
    }

    #[test]
    fn variants_keep_their_spelling() {
        assert_eq!(
            variant("in_stock"),
            Variant {
                name: "InStock".into(),
                rename: false
            }
        );
        assert_eq!(
            variant("tier_1"),
            Variant {
                name: "Tier1".into(),
                rename: true
            }
        );
        assert_eq!(
            variant("self"),
            Variant {
                name: "SelfValue".into(),
                rename: true
            }
        );
        assert!(!variant("v2").rename);
        assert_eq!(variant("a_1").name, variant("a1").name);
    }

    #[test]
    fn alternatives_are_valid_and_accepted() {
        let none: &[String] = &[];
        assert_eq!(
            alternative("type", &["kind".into()], 30, |c| c != "kind").as_deref(),
            Some("type_value")
        );
        assert_eq!(
            alternative("page", none, 30, |c| c != "page_value").as_deref(),
            Some("page_2")
        );
        assert_eq!(alternative(&"a".repeat(30), none, 30, |_| true), None);
    }

    /// Every type a template imports or defines where resource types are in scope, and every
    /// module or file stem that shares a scope or directory with resource modules, is reserved.
    #[test]
    fn reserved_names_cover_the_templates() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/service/");
        let read = |path: &str| std::fs::read_to_string(format!("{root}{path}")).unwrap();
        let code = |text: &str| {
            let text = regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
                .unwrap()
                .replace_all(text, "")
                .into_owned();
            regex::Regex::new(r"(?m)//.*$")
                .unwrap()
                .replace_all(&text, "")
                .into_owned()
        };
        let uses = regex::Regex::new(r"(?ms)^\s*(?:pub )?use [^;]*;").unwrap();
        // An indented `type` is an associated type, which names nothing in the module.
        let defined = regex::Regex::new(
            r"(?m)^(?:\s*(?:pub )?(?:struct|enum|trait)|(?:pub )?type) ([A-Z]\w*)",
        )
        .unwrap();
        let module = regex::Regex::new(r"(?m)^\s*(?:pub )?mod ([a-z_]\w*);").unwrap();
        let pascal = regex::Regex::new(r"\b[A-Z][a-z]\w*\b").unwrap();
        let snake = regex::Regex::new(r"\b[a-z][a-z0-9_]*\b").unwrap();
        let scopes = [
            "src/resources/__resource__/handlers.rs.tera",
            "src/resources/__resource__/mod.rs.tera",
            "src/resources/__resource__/model.rs.tera",
            "src/resources/__resource__/repo.rs.tera",
            "src/resources/mod.rs.tera",
            "src/rules/__resource__.rs.tera",
            "src/auth/handlers.rs.tera",
            "src/auth/mod.rs.tera",
            "tests/common/mod.rs.tera",
        ];
        let context = read("../../src/context.rs");
        let mut missing = Vec::new();
        for path in scopes {
            let text = code(&read(path));
            let mut types: BTreeSet<String> = defined
                .captures_iter(&text)
                .map(|c| c[1].to_string())
                .collect();
            let mut modules: BTreeSet<String> = module
                .captures_iter(&text)
                .map(|c| c[1].to_string())
                .collect();
            for u in uses.find_iter(&text).map(|m| m.as_str().trim().to_string()) {
                types.extend(pascal.find_iter(&u).map(|m| m.as_str().to_string()));
                // Only a path's first segment and the names it brings into scope can clash.
                let body = u.trim_start_matches("pub ").trim_start_matches("use ");
                modules.extend(snake.find_iter(body).filter_map(|m| {
                    let next = body[m.end()..].trim_start().chars().next();
                    let leaf = matches!(next, Some(',' | '}' | ';'));
                    (m.start() == 0 || leaf).then(|| m.as_str().to_string())
                }));
            }
            let generic = ["Input", "Patch", "ROLES"];
            missing.extend(
                types
                    .iter()
                    .filter(|t| {
                        !generic.contains(&t.as_str()) && !RESERVED_TYPES.contains(&t.as_str())
                    })
                    .map(|t| format!("{path}: type {t}")),
            );
            missing.extend(
                modules
                    .iter()
                    .filter(|m| {
                        !RUST_KEYWORDS.contains(&m.as_str())
                            && !RESERVED_MODULES.contains(&m.as_str())
                    })
                    .map(|m| format!("{path}: module {m}")),
            );
        }
        // The `use` lines context.rs lays out for repos and handlers.
        let imported = regex::Regex::new(r#""crate::(?:\w+::)*(\w+)""#).unwrap();
        for c in imported.captures_iter(&context) {
            let item = &c[1];
            if pascal.is_match(item) && !RESERVED_TYPES.contains(&item) {
                missing.push(format!("context.rs: type {item}"));
            }
            if snake.is_match(item)
                && !item.contains(char::is_uppercase)
                && !RESERVED_MODULES.contains(&item)
            {
                missing.push(format!("context.rs: module {item}"));
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
        let manifest = read("Cargo.toml.tera");
        let dependency = regex::Regex::new(r"(?m)^([a-z][a-z0-9_-]*) = ").unwrap();
        for section in manifest
            .split("\n[")
            .filter(|s| s.contains("dependencies]"))
        {
            for c in dependency.captures_iter(section) {
                let krate = c[1].replace('-', "_");
                assert!(RESERVED_MODULES.contains(&krate.as_str()), "crate {krate}");
            }
        }
        // `common` is declared in the test crate by path, beside the resources' modules.
        assert!(RESERVED_MODULES.contains(&"common"));
        for dir in ["tests/api", "src/rules"] {
            for entry in std::fs::read_dir(format!("{root}{dir}")).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                let stem = name.split('.').next().unwrap_or_default();
                if stem != "__resource__" && stem != "mod" {
                    assert!(RESERVED_MODULES.contains(&stem), "{dir}/{name}");
                }
            }
        }
    }
}
