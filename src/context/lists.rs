//! What a resource's lists can filter, sort and select.

use serde::Serialize;

use crate::spec::{FieldType, Resource};
use crate::sql::rust_text;

#[derive(Debug, Serialize)]
pub struct ListColumn {
    pub key: String,
    pub sql: String,
    /// A `list::Kind` expression.
    pub kind: String,
    pub nullable: bool,
}

#[derive(Debug, Serialize)]
pub struct ListRange {
    pub stem: String,
    pub key: String,
}

/// What a resource's lists can filter, sort and select: foreign keys and
/// fields (json fields are only selectable), then the timestamps.
pub(super) fn list_description(r: &Resource) -> (Vec<ListColumn>, Vec<String>, Vec<ListRange>) {
    let mut columns = Vec::new();
    let mut keys = vec!["id".to_string()];
    let mut ranges = Vec::new();
    for b in &r.belongs_to {
        let key = format!("{}Id", b.names.camel);
        keys.push(key.clone());
        columns.push(ListColumn {
            key,
            sql: format!("{}_id", b.names.snake),
            kind: "Kind::Uuid".into(),
            nullable: !b.required,
        });
    }
    for f in &r.fields {
        keys.push(f.names.camel.clone());
        let kind = match &f.ty {
            FieldType::Json => continue,
            FieldType::String | FieldType::Text => "Kind::Text".to_string(),
            FieldType::Integer | FieldType::BigInteger => "Kind::Integer".into(),
            FieldType::Float => "Kind::Float".into(),
            FieldType::Decimal { .. } => "Kind::Decimal".into(),
            FieldType::Boolean => "Kind::Boolean".into(),
            FieldType::Uuid => "Kind::Uuid".into(),
            FieldType::Date => "Kind::Date".into(),
            FieldType::Datetime => "Kind::DateTime".into(),
            FieldType::Enum { .. } => {
                format!("Kind::Enum({}::VALUES)", f.names.type_name)
            }
        };
        if f.ty.is_numeric() {
            ranges.push(ListRange {
                stem: f.names.camel.clone(),
                key: f.names.camel.clone(),
            });
        } else if f.ty.is_temporal() {
            let stem = f
                .names
                .camel
                .strip_suffix("At")
                .unwrap_or(&f.names.camel)
                .to_string();
            ranges.push(ListRange {
                stem,
                key: f.names.camel.clone(),
            });
        }
        columns.push(ListColumn {
            key: f.names.camel.clone(),
            sql: rust_text(f.names.sql.clone()),
            kind,
            nullable: !f.required,
        });
    }
    if r.versioned {
        keys.push("version".into());
    }
    if r.timestamps {
        for (stem, snake) in [("created", "created_at"), ("updated", "updated_at")] {
            let key = format!("{stem}At");
            keys.push(key.clone());
            ranges.push(ListRange {
                stem: stem.into(),
                key: key.clone(),
            });
            columns.push(ListColumn {
                key,
                sql: snake.into(),
                kind: "Kind::DateTime".into(),
                nullable: false,
            });
        }
    }
    (columns, keys, ranges)
}
