//! What a resource's lists can filter, sort and select.

use serde::Serialize;

pub use crate::spec::list_paths::{ListPath, ListPaths, list_paths};
use crate::spec::schema_names::{Prefix, Scaled};
use crate::spec::{Kind, Range, Resource, Shape, Spec};
use crate::sql::rust_text;

#[derive(Debug, Serialize)]
pub struct ListColumn {
    pub key: String,
    pub sql: String,
    /// A `list::Kind` expression.
    pub kind: String,
    pub nullable: bool,
    /// The longest value an equality filter takes, as a Rust `Option<usize>`: a textual
    /// field's maximum length (longer could match no row, and is refused as the document
    /// says).
    pub max_chars: String,
}

#[derive(Debug, Serialize)]
pub struct ListRange {
    pub stem: String,
    pub key: String,
}

/// What a resource's lists can filter, sort and select: every column a filter could name
/// (foreign keys, fields, then the timestamps: a request may name those its access paths
/// allow, the team's `hooks::Scope` any of them), every key (json fields are only
/// selectable), and the range filters of the keys some request may sort by.
pub(super) fn list_description(
    spec: &Spec,
    r: &Resource,
    paths: &ListPaths,
) -> (Vec<ListColumn>, Vec<String>, Vec<ListRange>) {
    let sorts = paths.any_sort();
    let mut columns = Vec::new();
    let mut keys = vec!["id".to_string()];
    let mut ranges = Vec::new();
    for b in &r.belongs_to {
        let key = format!("{}Id", b.names.camel);
        keys.push(key.clone());
        columns.push(ListColumn {
            key,
            sql: format!("{}_id", b.names.snake),
            kind: list_kind(Kind::Uuid).into(),
            nullable: !b.required,
            max_chars: "None".into(),
        });
    }
    for f in &r.fields {
        keys.push(f.names.camel.clone());
        let props = f.ty.props();
        let Some(kind) = props.list_kind else {
            continue;
        };
        if f.personal {
            // Compared through its blind index, by equality only; none: not compared at all.
            if let Some(hmac) = f.blind_index() {
                columns.push(ListColumn {
                    key: f.names.camel.clone(),
                    sql: hmac,
                    kind: if spec.is_personal_account_email(r, f) {
                        "Kind::PersonalEmail".into()
                    } else {
                        "Kind::Personal".into()
                    },
                    nullable: !f.required,
                    max_chars: f
                        .max_length()
                        .map_or_else(|| "None".into(), |n| format!("Some({n})")),
                });
            }
            continue;
        }
        // An enum's kind takes its values; a decimal or a text with a column of its own for
        // PostgreSQL's lists names it.
        let kind = if matches!(props.shape, Shape::Choice) {
            format!("{kind}({}::VALUES)", f.names.type_name)
        } else if let Some(scaled) = Scaled::of(spec, r, f) {
            format!(
                "Kind::Scaled {{ column: \"{}\", factor: \"{}\" }}",
                scaled.column,
                scaled.factor()
            )
        } else if let Some(prefix) = Prefix::of(spec, r, f) {
            format!("Kind::Prefixed {{ column: \"{}\" }}", prefix.column)
        } else {
            kind.to_string()
        };
        if let Some(range) = props.range
            && sorts.contains(&f.names.camel.as_str())
        {
            ranges.push(ListRange {
                stem: range.stem(&f.names.camel).to_string(),
                key: f.names.camel.clone(),
            });
        }
        columns.push(ListColumn {
            key: f.names.camel.clone(),
            sql: rust_text(f.names.sql.clone()),
            kind,
            nullable: !f.required,
            max_chars: f
                .max_length()
                .map_or_else(|| "None".into(), |n| format!("Some({n})")),
        });
    }
    if r.versioned {
        keys.push("version".into());
    }
    if r.timestamps {
        for (key, snake) in [("createdAt", "created_at"), ("updatedAt", "updated_at")] {
            keys.push(key.into());
            if sorts.contains(&key) {
                ranges.push(ListRange {
                    stem: Range::Time.stem(key).into(),
                    key: key.into(),
                });
            }
            columns.push(ListColumn {
                key: key.into(),
                sql: snake.into(),
                kind: list_kind(Kind::Datetime).into(),
                nullable: false,
                max_chars: "None".into(),
            });
        }
    }
    (columns, keys, ranges)
}

/// The list kind of the columns the generator adds (foreign keys, timestamps), whose rows
/// always have one.
fn list_kind(kind: Kind) -> &'static str {
    kind.props().list_kind.unwrap_or_default()
}
