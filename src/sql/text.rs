//! How the SQL text is laid out and named: clauses wrapped at a width, foreign-key
//! columns, live rows, escaping for Rust string constants, and an account's email
//! compared with the case of its letters folded.

use crate::names::sql_ident;
use crate::spec::{Resource, Spec};

/// How wide a clause line may get before its list wraps.
const WRAP: usize = 88;

/// The foreign-key column of a relation, as an SQL identifier.
pub(super) fn foreign_key(relation: &str) -> String {
    sql_ident(&format!("{relation}_id"))
}

/// Query text as it goes between the quotes of a Rust string constant.
pub fn rust_text(sql: String) -> String {
    sql.replace('\\', "\\\\").replace('"', "\\\"")
}

pub(super) fn live(r: &Resource) -> &'static str {
    if r.soft_delete {
        " AND deleted_at IS NULL"
    } else {
        ""
    }
}

/// `KEYWORD a, b, c` with the list wrapped onto indented lines past `WRAP`.
pub(super) fn clause(keyword: &str, items: &[String]) -> String {
    let mut lines = vec![format!("    {keyword}")];
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        let last = lines.last_mut().expect("one line at least");
        if last.len() + 1 + piece.len() > WRAP && i > 0 {
            lines.push(format!("        {piece}"));
        } else {
            last.push(' ');
            last.push_str(&piece);
        }
    }
    lines.join("\n")
}

/// Joins clause lines into the text of a Rust string constant that starts
/// on its own line (`"\n    SELECT ..."`).
pub(super) fn query(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push('\n');
        out.push_str(line);
    }
    out
}

pub(super) fn params(from: usize, count: usize) -> Vec<String> {
    (from..from + count).map(|i| format!("${i}")).collect()
}

/// Whether a unique index and lookups compare `column` of `r` with the case of its letters
/// folded: only an account's email, which is one address whatever the case of its letters
/// (`Ann@example.com` is `ann@example.com`); the row keeps the address as typed.
pub(super) fn folds_case(spec: &Spec, r: &Resource, column: &str) -> bool {
    spec.is_account(r) && column == ACCOUNT_EMAIL_COLUMN
}

/// The account's email column (`spec::validate` gives every account one).
pub(super) const ACCOUNT_EMAIL_COLUMN: &str = "email";

/// A column or a bound value as compared: folded with `lower`, which folds ASCII letters
/// in SQLite and every letter in PostgreSQL, on both sides of every comparison alike.
pub(super) fn compared(folded: bool, sql: &str) -> String {
    if folded {
        format!("lower({sql})")
    } else {
        sql.to_owned()
    }
}
