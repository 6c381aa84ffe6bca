//! Projects generated before lists were limited to what the spec allows (issue 45): any
//! field but json ones could be filtered and sorted. `update` writes that into the team's
//! spec, as `filter = true, sort = true` on each such field whose new default is neither
//! (unique fields, enums and relations keep both by default), so no client loses a filter
//! or a sort until the team narrows them; each gets its index in the update's migration (a
//! text's on its first 200 characters, which its lists now sort by).

use toml_edit::{DocumentMut, Item, Value};

/// The spec text with the earlier list permissions written out, and the fields they were
/// written on (`order.notes`); `None` when no field needed them.
pub(super) fn keep_list_permissions(source: &str) -> Option<(String, Vec<String>)> {
    let mut doc: DocumentMut = source.parse().ok()?;
    let mut kept = Vec::new();
    let resources = doc.get_mut("resources")?.as_table_like_mut()?;
    for (resource, item) in resources.iter_mut() {
        let Some(fields) = item
            .as_table_like_mut()
            .and_then(|r| r.get_mut("fields"))
            .and_then(Item::as_table_like_mut)
        else {
            continue;
        };
        for (field, item) in fields.iter_mut() {
            let Some(field_table) = item.as_table_like_mut() else {
                continue;
            };
            let text = |key: &str| {
                field_table
                    .get(key)
                    .and_then(Item::as_str)
                    .map(str::to_owned)
            };
            let ty = text("type").unwrap_or_default();
            // A unique text is neither by default, unlike other unique fields.
            let unique = ty != "text"
                && field_table
                    .get("unique")
                    .and_then(Item::as_bool)
                    .unwrap_or(false);
            if matches!(ty.as_str(), "json" | "enum" | "") || unique {
                continue;
            }
            let mut wrote = false;
            for key in ["filter", "sort"] {
                if field_table.get(key).is_none() {
                    field_table.insert(key, Item::Value(Value::from(true)));
                    wrote = true;
                }
            }
            if wrote {
                // The inserted keys spaced as the others.
                field_table.fmt();
                kept.push(format!("{}.{}", resource.get(), field.get()));
            }
        }
    }
    if kept.is_empty() {
        return None;
    }
    Some((doc.to_string(), kept))
}

/// What `update` tells the team it kept (the fields whose earlier permissions were written),
/// and how to narrow it.
pub(super) fn kept_report(kept_fields: &[String]) -> String {
    format!(
        "Lists now filter and sort only by what the spec allows, each with an index (the id, \
         createdAt, unique fields, relations and enums by default). Before, they took any \
         field: to keep every client working, `filter = true, sort = true` was written on \
         {} field{} in backend-gen.toml ({}), and this update's migration indexes them. \
         Narrow them when your clients allow: remove the keys (or set them to false) where no \
         client filters or sorts by a field, and run `backend-gen update`, which drops the \
         index. A filter combined with another filter or with a sort other than the default \
         now needs `list_combinations` (docs/spec.md, \"What lists filter and sort by\"); \
         `updatedAt` no longer sorts alone; text fields sort by their first 200 characters.\n",
        kept_fields.len(),
        if kept_fields.len() == 1 { "" } else { "s" },
        kept_fields.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_permissions_are_written_where_the_new_defaults_differ() {
        let source = "# the team's comment\n\
                      [resources.user.fields]\nname = { type = \"string\", filter = false }\n\n\
                      [resources.order]\nbelongs_to = { customer = \"user\" }\n\n\
                      [resources.order.fields]\n\
                      code = { type = \"string\", unique = true }\n\
                      status = { type = \"enum\", values = [\"open\"] }\n\
                      code2 = { type = \"string\" }   # kept comment\n\
                      notes = { type = \"text\" }\n\
                      body = { type = \"text\", unique = true }\n\
                      total = { type = \"decimal\", sort = false }\n\
                      extra = { type = \"json\" }\n\n\
                      [resources.order.fields.placed_at]\ntype = \"datetime\"\n";
        let (text, kept) = keep_list_permissions(source).expect("fields to keep");
        assert_eq!(
            kept,
            [
                "user.name",
                "order.code2",
                "order.notes",
                "order.body",
                "order.total",
                "order.placed_at"
            ]
        );
        assert!(text.starts_with("# the team's comment\n"), "{text}");
        assert!(
            text.contains(
                "code2 = { type = \"string\", filter = true, sort = true }   # kept comment"
            ),
            "{text}"
        );
        assert!(
            text.contains("total = { type = \"decimal\", sort = false, filter = true }"),
            "{text}"
        );
        assert!(text.contains("code = { type = \"string\", unique = true }\n"));
        assert!(text.contains("extra = { type = \"json\" }\n"));
        assert!(
            text.contains("notes = { type = \"text\", filter = true, sort = true }\n"),
            "{text}"
        );
        let spec = crate::spec::parse("t.toml", &text).expect("still a valid spec");
        let order = spec.resource("order").unwrap();
        assert!(order.fields.iter().all(|f| f.names.snake == "extra"
            || f.names.snake == "total"
            || (f.list.filter && f.list.sort)));
        assert_eq!(keep_list_permissions(&text), None, "written once");
    }
}
