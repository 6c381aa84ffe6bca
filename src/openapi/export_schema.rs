//! `export.schema.json`: the JSON Schema (2020-12) of an account's export, for whoever
//! receives one. It is the document's `Export` schema with every schema it refers to, so
//! the two never disagree.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::auth_paths::{EXPORT_FORMAT, EXPORT_VERSION};

/// Where a generated project keeps it.
pub const FILE: &str = "export.schema.json";

const REFS: &str = "#/components/schemas/";

/// The schema of the export that `document` (the OpenAPI document's text) answers, or
/// `None` where the service has no export (no accounts of its own).
pub fn export_schema(document: &str) -> Option<String> {
    let document: Value = serde_json::from_str(document).ok()?;
    let schemas = document["components"]["schemas"].as_object()?;
    let root = schemas.get("Export")?;
    let mut defs = Map::new();
    let mut pending: Vec<String> = referenced(root).into_iter().collect();
    while let Some(name) = pending.pop() {
        if defs.contains_key(&name) {
            continue;
        }
        let Some(schema) = schemas.get(&name) else {
            continue;
        };
        pending.extend(referenced(schema));
        defs.insert(name, relocated(schema));
    }
    let mut schema = relocated(root);
    let object = schema.as_object_mut()?;
    object.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    object.insert(
        "title".into(),
        json!(format!("{EXPORT_FORMAT} {EXPORT_VERSION}")),
    );
    object.insert("$defs".into(), Value::Object(defs));
    let mut text = serde_json::to_string_pretty(&schema).ok()?;
    text.push('\n');
    Some(text)
}

/// The component names `schema` refers to, at any depth.
fn referenced(schema: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![schema];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(REFS))
                {
                    found.insert(name.to_owned());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// `schema` with its references pointing into `$defs`.
fn relocated(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| {
                    let value = match (key.as_str(), value.as_str()) {
                        ("$ref", Some(target)) => json!(target.replacen(REFS, "#/$defs/", 1)),
                        _ => relocated(value),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(relocated).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_schema_holds_every_schema_it_refers_to_under_defs() {
        let document = json!({"components": {"schemas": {
            "Export": {"type": "object", "properties": {"account": {"$ref": "#/components/schemas/User"}}},
            "User": {"type": "object", "properties": {"role": {"$ref": "#/components/schemas/Role"}}},
            "Role": {"type": "string", "enum": ["admin"]},
            "Unrelated": {"type": "string"}
        }}});
        let schema: Value =
            serde_json::from_str(&export_schema(&document.to_string()).unwrap()).unwrap();
        assert_eq!(schema["properties"]["account"]["$ref"], "#/$defs/User");
        assert_eq!(
            schema["$defs"]["User"]["properties"]["role"]["$ref"],
            "#/$defs/Role"
        );
        let defs: Vec<&String> = schema["$defs"].as_object().unwrap().keys().collect();
        assert_eq!(defs, ["Role", "User"]);
    }

    #[test]
    fn a_document_without_an_export_has_no_schema() {
        let document = json!({"components": {"schemas": {"User": {"type": "object"}}}});
        assert_eq!(export_schema(&document.to_string()), None);
    }
}
