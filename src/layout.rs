//! Line layout the way rustfmt (default settings, max width 100) lays out
//! the few constructs whose shape depends on the length of generated names:
//! string arrays, calls and function signatures; and spec prose as comments.
//! Templates call these as tera filters and functions.
//!
//! The width helpers are the fallback only: `format.rs` runs rustfmt over
//! every generated file, which re-lays them, so they shape only what a user
//! without rustfmt gets (valid Rust, to be `cargo fmt`ed once). New template
//! code leaves line breaks to rustfmt (docs/architecture.md, "Formatter-clean
//! output"). The prose helpers shape content rustfmt keeps, and matter either way.

use std::collections::HashMap;

use tera::{Result as TeraResult, Value, from_value, to_value};

const MAX_WIDTH: usize = 100;
/// rustfmt's `array_width` (60% of the max width).
const ARRAY_WIDTH: usize = 60;
/// rustfmt's `short_array_element_width_threshold`.
const SHORT_ITEM: usize = 10;
const INDENT: usize = 4;

/// A `[...]` of string literals. `lead` is the width of everything before
/// the `[` on its line (indentation included), `tail` of what follows `]`
/// (`;` or `,`), `indent` the indentation of the line.
pub fn str_array(items: &[String], indent: usize, lead: usize, tail: usize) -> String {
    let literals: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    array(&literals, indent, lead, tail)
}

/// An array of items that are already Rust expressions.
pub fn array(literals: &[String], indent: usize, lead: usize, tail: usize) -> String {
    let one_line = literals.join(", ");
    if one_line.len() <= ARRAY_WIDTH && lead + one_line.len() + 2 + tail <= MAX_WIDTH {
        return format!("[{one_line}]");
    }
    let inner = " ".repeat(indent + INDENT);
    let mut out = String::from("[\n");
    if literals.iter().all(|l| l.len() <= SHORT_ITEM) {
        // "Mixed": as many items per line as fit, each followed by a comma.
        let mut line = String::new();
        for literal in literals {
            let candidate = if line.is_empty() {
                format!("{inner}{literal},")
            } else {
                format!("{line} {literal},")
            };
            if candidate.len() > MAX_WIDTH && !line.is_empty() {
                out.push_str(&line);
                out.push('\n');
                line = format!("{inner}{literal},");
            } else {
                line = candidate;
            }
        }
        out.push_str(&line);
        out.push('\n');
    } else {
        for literal in literals {
            out.push_str(&format!("{inner}{literal},\n"));
        }
    }
    out.push_str(&" ".repeat(indent));
    out.push(']');
    out
}

/// A function signature up to and including ` {`: on one line when it
/// fits, else one parameter per line ("Tall" layout).
pub fn signature(head: &str, params: &[String], ret: Option<&str>, indent: usize) -> String {
    let ret = ret.map(|r| format!(" -> {r}")).unwrap_or_default();
    let one_line = format!("{head}({}){ret} {{", params.join(", "));
    if indent + one_line.len() <= MAX_WIDTH {
        return one_line;
    }
    one_per_line(head, params, indent, &format!("{ret} {{"))
}

/// rustfmt's `fn_call_width` (60% of the max width).
const CALL_WIDTH: usize = 60;

/// A call `head(args)` followed by `tail` (`;`, `?;`...), at `indent`: on
/// one line when its arguments take at most 60 columns and the line fits,
/// else one argument per line.
pub fn call(head: &str, args: &[String], indent: usize, tail: &str) -> String {
    let joined = args.join(", ");
    if joined.len() <= CALL_WIDTH
        && indent + head.len() + joined.len() + 2 + tail.len() <= MAX_WIDTH
    {
        return format!("{head}({joined}){tail}");
    }
    one_per_line(head, args, indent, tail)
}

/// `head(` then each item on its own line with a trailing comma, then `)` and `tail`.
fn one_per_line(head: &str, items: &[String], indent: usize, tail: &str) -> String {
    let pad = " ".repeat(indent + INDENT);
    let mut out = format!("{head}(\n");
    for item in items {
        out.push_str(&format!("{pad}{item},\n"));
    }
    out.push_str(&format!("{}){tail}", " ".repeat(indent)));
    out
}

/// `use` statements for full paths (`crate::error::AppError`), one group:
/// paths with the same parent share a `{...}` list when the line fits,
/// else each gets its own statement; statements are in rustfmt's order
/// (which, for these paths, is plain string order).
pub fn use_block(paths: &[String]) -> String {
    let mut parents: Vec<(String, Vec<String>)> = Vec::new();
    for path in paths {
        let (parent, leaf) = path.rsplit_once("::").unwrap_or(("", path));
        match parents.iter_mut().find(|(p, _)| p == parent) {
            Some((_, leaves)) if !leaves.contains(&leaf.to_string()) => {
                leaves.push(leaf.to_string())
            }
            Some(_) => {}
            None => parents.push((parent.to_string(), vec![leaf.to_string()])),
        }
    }
    let mut lines = Vec::new();
    for (parent, mut leaves) in parents {
        leaves.sort();
        let grouped = format!("use {parent}::{{{}}};", leaves.join(", "));
        // rustfmt wraps a `use` list that reaches the max width itself.
        if leaves.len() > 1 && grouped.len() < MAX_WIDTH {
            lines.push(grouped);
        } else {
            lines.extend(leaves.iter().map(|leaf| format!("use {parent}::{leaf};")));
        }
    }
    // rustfmt compares paths segment by segment (a shorter path first,
    // a `{...}` group after plain names).
    lines.sort_by_key(|line| {
        line.trim_start_matches("use ")
            .trim_end_matches(';')
            .split("::")
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    lines.join("\n")
}

/// Prose from the spec (a description, possibly multi-line) as doc comment lines, each
/// starting with `prefix` (`///` or `//!`). Doc comments are Markdown that rustdoc compiles
/// and clippy lints, so the text becomes plain paragraphs: lines of a paragraph are joined
/// (no indented code block, whose doctest would run; no list whose next line clippy calls a
/// lazy continuation), and a paragraph that would open a Markdown block (a fence, list,
/// quote, heading or table) has that first character escaped.
pub fn doc_comment(text: &str, prefix: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().chain([""]) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(escape_block_start(&one_line(&current.join(" "))));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    paragraphs
        .iter()
        .map(|p| format!("{prefix} {p}"))
        .collect::<Vec<_>>()
        .join(&format!("\n{prefix}\n"))
}

/// Spec prose as one line of plain text, safe in any line comment (Rust `//`, SQL `--`):
/// every run of white space (line breaks included, CR too, which ends a `--` comment in
/// PostgreSQL) becomes one space, and other control characters and the bidirectional
/// overrides that rustc refuses in comments (they can make code read other than it runs)
/// are dropped.
pub fn one_line(text: &str) -> String {
    let visible = |c: &char| {
        !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    text.split_whitespace()
        .map(|word| word.chars().filter(visible).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn escape_block_start(paragraph: &str) -> String {
    // One backtick opens inline code, which is fine; three (or tildes) open a code block.
    let opens_block = paragraph.starts_with(['-', '+', '*', '>', '#', '|', '<', '='])
        || paragraph.starts_with("```")
        || paragraph.starts_with("~~~")
        || paragraph
            .split_once(['.', ')'])
            .is_some_and(|(head, _)| !head.is_empty() && head.bytes().all(|b| b.is_ascii_digit()));
    if opens_block {
        format!("\\{paragraph}")
    } else {
        paragraph.to_string()
    }
}

fn arg<T: serde::de::DeserializeOwned>(args: &HashMap<String, Value>, name: &str) -> TeraResult<T> {
    let value = args
        .get(name)
        .ok_or_else(|| tera::Error::msg(format!("missing argument `{name}`")))?;
    from_value(value.clone()).map_err(|e| tera::Error::msg(format!("argument `{name}`: {e}")))
}

/// Registers the filters and functions on a tera instance.
pub fn register(tera: &mut tera::Tera) {
    for (name, quote) in [("str_array", true), ("raw_array", false)] {
        tera.register_filter(
            name,
            move |value: &Value, args: &HashMap<String, Value>| -> TeraResult<Value> {
                let items: Vec<String> = from_value(value.clone())?;
                let indent: usize = arg(args, "indent")?;
                let lead: usize = arg(args, "lead")?;
                let tail: usize = args.get("tail").map_or(Ok(1), |v| from_value(v.clone()))?;
                let laid_out = if quote {
                    str_array(&items, indent, lead, tail)
                } else {
                    array(&items, indent, lead, tail)
                };
                Ok(to_value(laid_out)?)
            },
        );
    }
    tera.register_function(
        "call",
        |args: &HashMap<String, Value>| -> TeraResult<Value> {
            let head: String = arg(args, "head")?;
            let list: Vec<String> = arg(args, "args")?;
            let indent: usize = arg(args, "indent")?;
            let tail: String = args
                .get("tail")
                .map_or(Ok(";".to_string()), |v| from_value(v.clone()))?;
            Ok(to_value(call(&head, &list, indent, &tail))?)
        },
    );
    tera.register_filter(
        "doc",
        |value: &Value, args: &HashMap<String, Value>| -> TeraResult<Value> {
            let text: String = from_value(value.clone())?;
            let prefix: String = arg(args, "prefix")?;
            Ok(to_value(doc_comment(&text, &prefix))?)
        },
    );
    tera.register_function(
        "signature",
        |args: &HashMap<String, Value>| -> TeraResult<Value> {
            let head: String = arg(args, "head")?;
            let params: Vec<String> = arg(args, "params")?;
            let ret: Option<String> = args.get("ret").map(|v| from_value(v.clone())).transpose()?;
            let indent: usize = args
                .get("indent")
                .map_or(Ok(0), |v| from_value(v.clone()))?;
            Ok(to_value(signature(&head, &params, ret.as_deref(), indent))?)
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn descriptions_become_plain_doc_paragraphs() {
        let text = "A shop.\n  With\tlines\n\n- not a list\n    code? no\n\n```rust\nfn main() {}\n```\n\n";
        assert_eq!(
            doc_comment(text, "///"),
            "/// A shop. With lines\n///\n/// \\- not a list code? no\n///\n/// \\```rust fn main() {} ```"
        );
        assert_eq!(
            doc_comment("1. first\n12) second", "//!"),
            "//! \\1. first 12) second"
        );
        assert_eq!(
            doc_comment("Version 1.2 of it", "//!"),
            "//! Version 1.2 of it"
        );
        assert_eq!(doc_comment("  \n", "///"), "");
        assert_eq!(
            doc_comment("`/v1/orders`: orders", "//!"),
            "//! `/v1/orders`: orders"
        );
        assert_eq!(
            doc_comment("an \u{202E}override\r\n\u{7}bell\u{2028}x", "///"),
            "/// an override bell x"
        );
    }

    #[test]
    fn prose_in_one_line_cannot_end_a_comment() {
        assert_eq!(
            one_line("first\rDROP TABLE notes;"),
            "first DROP TABLE notes;"
        );
        assert_eq!(one_line(" a\n\tb \u{0}\u{2066}c "), "a b c");
    }

    // Expected layouts were produced by rustfmt 1.9 (edition 2024).
    #[test]
    fn arrays_fit_on_one_line_up_to_60_columns_of_items() {
        let lead = "    const A: Keys = &".len();
        let fits = strs(&["orderId", "productId", "quantity", "unitPrice", "xxxxxxxxx"]);
        assert_eq!(
            str_array(&fits, 4, lead, 1),
            r#"["orderId", "productId", "quantity", "unitPrice", "xxxxxxxxx"]"#
        );
        let over = strs(&[
            "orderId",
            "productId",
            "quantity",
            "unitPrice",
            "xxxxxxxxxx",
        ]);
        assert_eq!(
            str_array(&over, 4, lead, 1),
            "[\n        \"orderId\",\n        \"productId\",\n        \"quantity\",\n        \"unitPrice\",\n        \"xxxxxxxxxx\",\n    ]"
        );
    }

    #[test]
    fn short_items_are_packed() {
        let items = strs(&[
            "pending", "paid", "shipped", "deliver", "cancel", "refund", "x1", "x2", "x3", "x4",
            "x5", "x6", "abcdefgh",
        ]);
        assert_eq!(
            str_array(&items, 4, "    let x = ".len(), 1),
            "[\n        \"pending\", \"paid\", \"shipped\", \"deliver\", \"cancel\", \"refund\", \"x1\", \"x2\", \"x3\", \"x4\", \"x5\",\n        \"x6\", \"abcdefgh\",\n    ]"
        );
    }

    #[test]
    fn calls_break_when_their_arguments_pass_60_columns() {
        let args = strs(&[
            "\"productId\"",
            "products::repo::exists(pool, input.product_id).await?",
        ]);
        assert_eq!(
            call("v.exists", &args, 4, ";"),
            "v.exists(\n        \"productId\",\n        products::repo::exists(pool, input.product_id).await?,\n    );"
        );
        let args = strs(&[
            "\"orderId\"",
            "orders::repo::exists(pool, input.order_id).await?",
        ]);
        assert_eq!(
            call("v.exists", &args, 4, ";"),
            "v.exists(\"orderId\", orders::repo::exists(pool, input.order_id).await?);"
        );
    }

    #[test]
    fn use_blocks_group_and_sort_like_rustfmt() {
        let paths = strs(&[
            "crate::resources::created",
            "crate::extract::ApiJson",
            "crate::resources::categories::model::Category",
            "crate::resources::Page",
            "crate::app::AppState",
            "crate::resources::categories",
        ]);
        assert_eq!(
            use_block(&paths),
            "use crate::app::AppState;\nuse crate::extract::ApiJson;\nuse crate::resources::categories::model::Category;\nuse crate::resources::{Page, categories, created};"
        );
        let long = strs(&[
            "super::model::AVeryLongResourceNameForTesting",
            "super::model::AVeryLongResourceNameForTestingInput",
            "super::model::AVeryLongResourceNameForTestingPatch",
        ]);
        assert_eq!(use_block(&long).lines().count(), 3);
        let nested = strs(&["crate::db::Pool", "crate::db", "crate::dbx::A"]);
        assert_eq!(
            use_block(&nested),
            "use crate::db;\nuse crate::db::Pool;\nuse crate::dbx::A;"
        );
    }

    #[test]
    fn signatures_break_into_one_parameter_per_line() {
        let params = strs(&["State(state): State<AppState>", "body: ApiJson"]);
        assert_eq!(
            signature(
                "pub async fn create",
                &params,
                Some("Result<Response, AppError>"),
                0
            ),
            "pub async fn create(State(state): State<AppState>, body: ApiJson) -> Result<Response, AppError> {"
        );
        let params = strs(&[
            "State(state): State<AppState>",
            "ResourceId(id): ResourceId",
        ]);
        assert_eq!(
            signature(
                "pub async fn get",
                &params,
                Some("Result<Json<OrderItem>, AppError>"),
                0
            ),
            "pub async fn get(\n    State(state): State<AppState>,\n    ResourceId(id): ResourceId,\n) -> Result<Json<OrderItem>, AppError> {"
        );
    }
}
