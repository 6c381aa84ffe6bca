//! What lists may filter and sort by: a field's or a relation's `filter` and `sort`, and a
//! resource's `list_combinations`. Each allowed use gets an index (`sql::tables`).

use toml::de::DeValue;

use super::keys::COMBINATION_KEYS;
use crate::diagnostics::Diagnostic;
use crate::spec::model::*;
use crate::spec::reader::{Sink, Table, describe, suggest};

/// Whether lists may filter and sort by a field of type `ty` at all: json has no order. A
/// text is indexed, compared and sorted by its first characters (`sql::list_indexes`), as a
/// whole text can outgrow what an index entry holds.
pub(super) fn listable(ty: &FieldType) -> bool {
    ty.props().list_kind.is_some()
}

/// `filter` and `sort` of a field or relation table, over `default`; `unlisted` names the
/// type of a field lists can only select (json, file), `None` for the others.
pub(super) fn read_list_use(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    default: ListUse,
    unlisted: Option<&str>,
) -> ListUse {
    let mut read = |key: &str, default: bool| {
        let Some(value) = t.boolean(sink, key) else {
            return default && unlisted.is_none();
        };
        if let Some(type_name) = unlisted
            && value.value
        {
            sink.push(
                Diagnostic::new(
                    value.span,
                    t.key_path(key),
                    format!("lists cannot {key} by a {type_name} field"),
                )
                .found("true")
                .allowed("false")
                .help(format!(
                    "remove `{key}`: {type_name} has no order; a field of another type can be \
                     filtered and sorted"
                )),
            );
            return false;
        }
        value.value
    };
    ListUse {
        filter: read("filter", default.filter),
        sort: read("sort", default.sort),
    }
}

/// What a field may do in lists unless the spec says: unique fields and enums filter and
/// sort, others neither; a text neither, even unique (it sorts only by its first characters,
/// which the team opts into).
pub(super) fn default_field_use(ty: &FieldType, unique: bool) -> ListUse {
    if (unique && *ty != FieldType::Text) || matches!(ty, FieldType::Enum { .. }) {
        ListUse::BOTH
    } else {
        ListUse::default()
    }
}

/// `list_combinations = [{ filter = ["status"], sort = "total" }]`: the names must be the
/// resource's fields (not json) and relations; the sort may also be the id or a timestamp.
pub(super) fn read_list_combinations(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    fields: &[Field],
    belongs_to: &[BelongsTo],
    timestamps: bool,
) -> Vec<ListCombination> {
    let mut combinations: Vec<ListCombination> = Vec::new();
    let Some(value) = t.raw("list_combinations") else {
        return combinations;
    };
    let path = t.key_path("list_combinations");
    let DeValue::Array(items) = value.get_ref() else {
        sink.push(
            Diagnostic::new(value.span(), &path, "expected an array of tables")
                .found(describe(value.get_ref()))
                .allowed("e.g. `[{ filter = [\"status\"], sort = \"total\" }]`"),
        );
        return combinations;
    };
    let columns: Vec<&str> = belongs_to
        .iter()
        .map(|b| b.names.snake.as_str())
        .chain(
            fields
                .iter()
                .filter(|f| listable(&f.ty))
                .map(|f| f.names.snake.as_str()),
        )
        .collect();
    let mut sorts = vec!["id"];
    if timestamps {
        sorts.extend(["created_at", "updated_at"]);
    }
    // A personal field filters through its blind index but has no order to sort by.
    sorts.extend(columns.iter().copied().filter(|name| {
        fields
            .iter()
            .find(|f| f.names.snake == *name)
            .is_none_or(|f| !f.personal)
    }));
    let default_sort = if timestamps { "created_at" } else { "id" };
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let Some(ct) = Table::from_value(sink, item, &item_path, COMBINATION_KEYS) else {
            continue;
        };
        let mut filter: Vec<String> = Vec::new();
        match ct.strings(sink, "filter") {
            None => sink.push(
                Diagnostic::new(
                    item.span(),
                    ct.key_path("filter"),
                    "a combination needs `filter`",
                )
                .allowed(columns.join(", ")),
            ),
            Some(names) if names.is_empty() => sink.push(
                Diagnostic::new(
                    item.span(),
                    ct.key_path("filter"),
                    "a combination filters on at least one name",
                )
                .allowed(columns.join(", ")),
            ),
            Some(names) => {
                for name in names {
                    if !known(
                        sink,
                        &name.value,
                        name.span.clone(),
                        &ct.key_path("filter"),
                        &columns,
                    ) {
                        continue;
                    }
                    if filter.contains(&name.value) {
                        sink.push(
                            Diagnostic::new(name.span, ct.key_path("filter"), "listed twice")
                                .found(format!("{:?}", name.value)),
                        );
                        continue;
                    }
                    filter.push(name.value);
                }
            }
        }
        let sort = match ct.string(sink, "sort") {
            Some(s) if known(sink, &s.value, s.span.clone(), &ct.key_path("sort"), &sorts) => {
                s.value
            }
            Some(_) => continue,
            None => default_sort.to_string(),
        };
        if filter.is_empty() {
            continue;
        }
        let combination = ListCombination { filter, sort };
        let same = |c: &ListCombination| {
            c.sort == combination.sort
                && c.filter.len() == combination.filter.len()
                && c.filter.iter().all(|f| combination.filter.contains(f))
        };
        if combinations.iter().any(same) {
            sink.push(
                Diagnostic::new(
                    item.span(),
                    &item_path,
                    "this combination is declared twice",
                )
                .help("remove one of them"),
            );
            continue;
        }
        combinations.push(combination);
    }
    combinations
}

/// Whether `name` is among `allowed`; reports it when not.
fn known(
    sink: &mut Sink,
    name: &str,
    span: std::ops::Range<usize>,
    path: &str,
    allowed: &[&str],
) -> bool {
    if allowed.contains(&name) {
        return true;
    }
    let mut d = Diagnostic::new(span, path, "not a field or relation lists can use")
        .found(format!("{name:?}"))
        .allowed(allowed.join(", "));
    if let Some(near) = suggest(name, allowed) {
        d = d.help(format!("did you mean {near:?}?"));
    }
    sink.push(d);
    false
}
