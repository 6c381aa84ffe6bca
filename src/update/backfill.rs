//! Values for the rows already in a table: `update --backfill` and `add --default`, each
//! checked as the field's `default` would be.

use crate::error::{Error, Result};
use crate::project_files::SPEC_FILE;
use crate::spec::{self, Spec};

/// The `--backfill RESOURCE.FIELD=VALUE` values, each checked as the field's
/// `default` would be (its type, rules and allowed values).
pub(super) fn backfills(
    spec: &Spec,
    source: &str,
    given: &[String],
) -> Result<crate::migrate::Backfills> {
    let mut out = crate::migrate::Backfills::new();
    for arg in given {
        let bad = |why: &str| Error::Usage(format!("--backfill {arg}: {why}"));
        let (path, text) = arg
            .split_once('=')
            .ok_or_else(|| bad("expected RESOURCE.FIELD=VALUE"))?;
        let (resource, field) = path
            .split_once('.')
            .ok_or_else(|| bad("expected RESOURCE.FIELD=VALUE"))?;
        let r = spec
            .resources
            .iter()
            .find(|r| r.names.snake == resource)
            .ok_or_else(|| bad(&format!("the spec has no resource `{resource}`")))?;
        let f = r
            .fields
            .iter()
            .find(|f| f.names.snake == field)
            .ok_or_else(|| bad(&format!("`{resource}` has no field `{field}`")))?;
        let mut doc: toml_edit::DocumentMut = source
            .parse()
            .map_err(|e| bad(&format!("the spec is not TOML: {e}")))?;
        let entry = doc
            .get_mut("resources")
            .and_then(|t| t.get_mut(resource))
            .and_then(|t| t.get_mut("fields"))
            .and_then(|t| t.get_mut(field))
            .and_then(toml_edit::Item::as_table_like_mut)
            .ok_or_else(|| bad("the field is not written as a table in the spec"))?;
        entry.insert(
            "default",
            toml_edit::Item::Value(default_value(f.ty.spec_name(), text)),
        );
        let label = format!("{SPEC_FILE} (with --backfill {arg} as the default)");
        let checked = spec::parse(&label, &doc.to_string()).map_err(Error::InvalidSpec)?;
        let value = checked
            .resource(&r.names.snake)
            .and_then(|r| r.fields.iter().find(|f| f.names.snake == field))
            .and_then(|f| f.default.clone())
            .ok_or_else(|| bad("not a value of the field's type"))?;
        out.insert((r.names.plural_snake.clone(), f.names.snake.clone()), value);
    }
    Ok(out)
}

/// A `--default` or `--backfill` value as the TOML value the field's type reads.
pub(crate) fn default_value(ty: &str, text: &str) -> toml_edit::Value {
    match ty {
        "integer" | "big_integer" => text
            .parse::<i64>()
            .map_or_else(|_| text.into(), toml_edit::Value::from),
        "float" => text
            .parse::<f64>()
            .map_or_else(|_| text.into(), toml_edit::Value::from),
        "boolean" => text
            .parse::<bool>()
            .map_or_else(|_| text.into(), toml_edit::Value::from),
        _ => text.into(),
    }
}
