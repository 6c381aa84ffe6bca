//! References between the components of an OpenAPI document, which merging renames.

use std::collections::BTreeMap;

use serde_json::Value;

/// Rewrites every `$ref` that `renames` names.
pub fn rewrite_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if key == "$ref" {
                    if let Some(to) = item.as_str().and_then(|r| renames.get(r)) {
                        *item = Value::String(to.clone());
                    }
                } else {
                    rewrite_refs(item, renames);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_refs(item, renames)),
        _ => {}
    }
}
