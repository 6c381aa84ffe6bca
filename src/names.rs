//! Every spelling of a name that generated code needs, computed once here.
//! Templates print these and never re-case a name themselves.

use heck::{ToKebabCase, ToLowerCamelCase, ToPascalCase, ToSnakeCase};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    /// `order_item`: Rust fields and functions, SQL columns.
    pub snake: String,
    /// `orderItem`: JSON keys and query parameters.
    pub camel: String,
    /// `OrderItem`: Rust types.
    pub pascal: String,
    /// `order-item`
    pub kebab: String,
    /// `order item`: prose in docs and messages.
    pub words: String,
    /// `ORDER_ITEM`: Rust constants.
    pub upper: String,
    /// `order_items`: tables and modules.
    pub plural_snake: String,
    /// `orderItems`
    pub plural_camel: String,
    /// `OrderItems`
    pub plural_pascal: String,
    /// `order-items`: URL paths.
    pub plural_kebab: String,
    /// `order items`
    pub plural_words: String,
}

impl Names {
    /// Names for a snake_case identifier; the plural is the English plural of
    /// its last word unless `plural` overrides it.
    pub fn new(snake: &str, plural: Option<&str>) -> Self {
        let plural_snake = match plural {
            Some(p) => p.to_snake_case(),
            None => pluralize_snake(snake),
        };
        Self {
            snake: snake.to_snake_case(),
            camel: snake.to_lower_camel_case(),
            pascal: snake.to_pascal_case(),
            kebab: snake.to_kebab_case(),
            words: snake.replace('_', " "),
            upper: snake.to_uppercase(),
            plural_camel: plural_snake.to_lower_camel_case(),
            plural_pascal: plural_snake.to_pascal_case(),
            plural_kebab: plural_snake.to_kebab_case(),
            plural_words: plural_snake.replace('_', " "),
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

/// "an order", "a user": a rough English article, good for prose.
pub fn with_article(words: &str) -> String {
    let article = if words.starts_with(['a', 'e', 'i', 'o']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {words}")
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

/// Rust keywords (strict, reserved and edition-2024 `gen`), which cannot be
/// field or module names.
pub const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Words reserved by PostgreSQL or SQLite that cannot be bare column or table
/// names in both dialects.
pub const SQL_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "between",
    "both",
    "by",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
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
    "except",
    "exists",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "index",
    "initially",
    "insert",
    "intersect",
    "into",
    "is",
    "join",
    "lateral",
    "leading",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "set",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "values",
    "variadic",
    "when",
    "where",
    "window",
    "with",
];

#[cfg(test)]
mod tests {
    use super::*;

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
    fn snake_identifiers() {
        for ok in ["a", "order_item", "v2_thing"] {
            assert!(is_snake_identifier(ok), "{ok}");
        }
        for bad in ["", "Order", "order-item", "_x", "x_", "a__b", "2x", "é"] {
            assert!(!is_snake_identifier(bad), "{bad}");
        }
    }
}
