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
//!
//! The reserved words themselves, and what a name becomes when it is one, are in
//! `reserved.rs`; this file spells names and finds alternatives to refused ones.

use heck::{ToKebabCase, ToLowerCamelCase, ToPascalCase, ToSnakeCase};
use serde::Serialize;

mod reserved;

pub use reserved::{
    NOT_RAW, POSTGRES_SYSTEM_COLUMNS, RESERVED_MODULES, RESERVED_TYPES, RUST_KEYWORDS,
    SQL_KEYWORDS, prelude_types, reserved_module, resource_types, rust_ident, sql_ident,
};

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
mod tests;
