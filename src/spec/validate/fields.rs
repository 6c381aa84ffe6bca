//! A resource's fields: their names, types, which keys apply to a type, and names that
//! would clash with the list filters.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::DeValue;

use super::access::read_field_access;
use super::accounts::{AUTH_USER_FIELDS, check_room_for_accounts};
use super::identifiers::{
    NameKind, alternatives_of, check_identifier, check_renamed_once, read_renamed_from,
};
use super::keys::FIELD_KEYS;
use super::lists::{default_field_use, listable, read_list_use};
use super::values::{describe_value, read_default, read_rules};
use crate::diagnostics::Diagnostic;
use crate::names::{self, NOT_RAW, Names, alternative, is_snake_identifier, snake_version};
use crate::spec::field_type::{DEFAULT_DECIMAL, FileRules, Kind, Range, Shape, TypeProps};
use crate::spec::model::*;
use crate::spec::reader::{At, Sink, Table, suggest};
use crate::spec::words::{GENERATED_FIELDS, MAX_NAME, QUERY_PARAMETERS};

/// A resource's fields, each checked for names that generated code already uses. On the
/// accounts of the jwt flow (`account`), the flow's own fields are refused too.
pub(super) fn read_fields(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    belongs_to: &[BelongsTo],
    auth: &Auth,
    account: bool,
) -> Vec<Field> {
    let mut fields = Vec::new();
    let Some(ft) = t.table(sink, "fields", &[]) else {
        return fields;
    };
    if ft.entries().next().is_none() {
        sink.push(Diagnostic::new(
            ft.span.clone(),
            &ft.path,
            "a resource needs at least one field",
        ));
    }
    let declared: Vec<String> = ft.entries().map(|(k, _)| k.value).collect();
    // JSON keys already spoken for: the id, the relations' keys, and earlier fields.
    let mut keys: Vec<(String, String)> = vec![("id".into(), "the id".into())];
    keys.extend(belongs_to.iter().map(|b| {
        (
            format!("{}Id", b.names.camel),
            format!("the relation `{}`", b.names.snake),
        )
    }));
    let generated_keys: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let taken = |c: &str| {
        let camel = Names::new(c, None).camel;
        GENERATED_FIELDS.contains(&c)
            || QUERY_PARAMETERS.contains(&c)
            || NOT_RAW.contains(&c)
            || (account && AUTH_USER_FIELDS.contains(&c))
            || declared
                .iter()
                .any(|d| *d == c || Names::new(d, None).camel == camel)
            || generated_keys.contains(&camel)
    };
    let free = |c: &str| !taken(c);
    for (name, value) in ft.entries() {
        let path = ft.key_path(&name.value);
        check_identifier(sink, &name, &path, NameKind::Field);
        let n = name.value.as_str();
        let clash = if GENERATED_FIELDS.contains(&n) {
            Some(format!("every resource already has `{n}`"))
        } else if QUERY_PARAMETERS.contains(&n) {
            Some(format!("`{n}` is a list query parameter"))
        } else if account && AUTH_USER_FIELDS.contains(&n) {
            Some(format!(
                "the jwt auth flow already gives users `{n}` (it gives them: {})",
                AUTH_USER_FIELDS.join(", ")
            ))
        } else {
            belongs_to
                .iter()
                .find(|b| format!("{}_id", b.names.snake) == n)
                .map(|b| format!("the relation `{}` already adds this column", b.names.snake))
        };
        if let Some(clash) = clash {
            let help = match alternative(n, &alternatives_of(n), MAX_NAME, free) {
                Some(alt) => format!("{clash}; use `{alt}`, or remove the field"),
                None => format!("{clash}; remove the field"),
            };
            sink.push(
                Diagnostic::new(
                    name.span.clone(),
                    &path,
                    "this field name is taken by a generated one",
                )
                .found(n)
                .help(help),
            );
        } else if is_snake_identifier(n) {
            let camel = Names::new(n, None).camel;
            match keys.iter().find(|(k, _)| *k == camel) {
                Some((_, owner)) => {
                    let mut d = Diagnostic::new(
                        name.span.clone(),
                        &path,
                        "two names give the same JSON key",
                    )
                    .found(format!(
                        "`{camel}`, the key of {owner} and of the field `{n}`"
                    ));
                    if let Some(alt) = alternative(n, &[], MAX_NAME, free) {
                        d = d.help(format!("rename the field, e.g. to `{alt}`"));
                    }
                    sink.push(d);
                }
                None => keys.push((camel, format!("the field `{n}`"))),
            }
        }
        if let Some(field) = read_field(sink, &name, value, &path, auth) {
            if account && field.unique {
                check_room_for_accounts(sink, &field, value, &path);
            }
            fields.push(field);
        }
    }
    // A personal field's blind index is a column of its own, which no field may be.
    for f in &fields {
        let Some(hmac) = f.blind_index() else {
            continue;
        };
        if let Some((name, _)) = ft.entries().find(|(k, _)| k.value == hmac) {
            sink.push(
                Diagnostic::new(
                    name.span.clone(),
                    ft.key_path(&hmac),
                    "this field name is taken by a generated one",
                )
                .found(hmac.as_str())
                .help(format!(
                    "the personal field `{}` keeps its blind index in the column `{hmac}`; \
                     rename this field",
                    f.names.snake
                )),
            );
        }
    }
    let renamed = fields.iter().filter_map(|f| {
        let from = f.renamed_from.as_deref()?;
        let span = ft
            .raw(&f.names.snake)?
            .get_ref()
            .get("renamed_from")?
            .span();
        let key = format!("{}.renamed_from", ft.key_path(&f.names.snake));
        Some((f.names.snake.as_str(), from, span, key))
    });
    check_renamed_once(sink, renamed, "field");
    fields
}

fn read_field(
    sink: &mut Sink,
    name: &At<String>,
    value: &Spanned<DeValue<'_>>,
    path: &str,
    auth: &Auth,
) -> Option<Field> {
    let t = Table::from_value(sink, value, path, FIELD_KEYS)?;
    let Some(type_name) = t.string(sink, "type") else {
        if t.raw("type").is_none() {
            // `FieldType::ALLOWED`: every row's spec name, from the table.
            sink.push(
                Diagnostic::new(value.span(), t.key_path("type"), "a field needs a `type`")
                    .allowed(FieldType::ALLOWED.join(", ")),
            );
        }
        return None;
    };
    let Some(kind) = Kind::named(&type_name.value) else {
        // `FieldType::ALLOWED`: every row's spec name, from the table.
        let other = type_name.value.as_str();
        let mut d = Diagnostic::new(
            type_name.span.clone(),
            t.key_path("type"),
            "unknown field type",
        )
        .found(format!("{other:?}"))
        .allowed(FieldType::ALLOWED.join(", "));
        if let Some(near) = suggest(other, FieldType::ALLOWED) {
            d = d.help(format!("did you mean {near:?}?"));
        }
        sink.push(d);
        return None;
    };
    // Only the kinds that take parameters read them, so they name their types.
    let ty = match (kind.props().plain.clone(), kind) {
        (Some(plain), _) => plain,
        (None, Kind::File) => FieldType::File(read_file_rules(sink, &t, value)),
        (None, Kind::Decimal) => {
            let (default_precision, default_scale) = DEFAULT_DECIMAL;
            let precision = t
                .integer(sink, "precision", 1, 38)
                .map_or(default_precision, |v| v.value as u32);
            let scale = t
                .integer(sink, "scale", 0, 38)
                .map_or(default_scale, |v| v.value as u32);
            if scale > precision {
                let span = t.raw("scale").map_or(value.span(), |v| v.span());
                sink.push(
                    Diagnostic::new(span, t.key_path("scale"), "scale is larger than precision")
                        .found(format!("scale {scale}, precision {precision}"))
                        .allowed(format!("a scale from 0 to {precision}")),
                );
            }
            // Builds the decimal with the parameters just read.
            FieldType::Decimal { precision, scale }
        }
        // Builds the enum with its values; field_type's tests read every kind's name back,
        // which fails for another kind with parameters until it gets its arm here.
        (None, _) => FieldType::Enum {
            values: read_enum_values(sink, &t, value),
        },
    };
    check_keys_apply(sink, &t, &ty);

    let required = read_required(sink, &t, &ty);
    let unique = t.boolean(sink, "unique").is_some_and(|b| b.value);
    if unique && !ty.props().unique {
        let span = t.raw("unique").map_or(value.span(), |v| v.span());
        let name = ty.spec_name();
        sink.push(
            Diagnostic::new(
                span,
                t.key_path("unique"),
                format!("{name} fields cannot be unique"),
            )
            .found(name),
        );
    }
    let rules = read_rules(sink, &t, &ty);
    let default = t
        .raw("default")
        .and_then(|d| read_default(sink, &t, d, &ty, &rules));
    let access = read_field_access(sink, &t, auth);
    if ty.file().is_some() && matches!(access.write, FieldWrite::Create | FieldWrite::None) {
        let span = t.raw("write").map_or(value.span(), |v| v.span());
        sink.push(
            Diagnostic::new(
                span,
                t.key_path("write"),
                "a file is uploaded after its row is created",
            )
            .found(if access.write == FieldWrite::Create {
                "\"create\""
            } else {
                "\"none\""
            })
            .allowed("access rules (`write = [\"owner\"]`), or no `write`"),
        );
    }
    if unique && access.write == FieldWrite::None && default.is_some() {
        let span = t.raw("unique").map_or(value.span(), |v| v.span());
        sink.push_new_rule(
            Diagnostic::new(
                span,
                t.key_path("unique"),
                "a unique field that no request may write can hold one value only",
            )
            .found("unique = true, write = \"none\", and a default")
            .help(
                "every row starts with the default, so a second row would be refused (409): drop \
                 `unique`, let requests write the field (e.g. `write = \"create\"`), or drop the \
                 `default` with `required = false` (rows then start with null, which unique allows \
                 many times)",
            ),
        );
    }
    let renamed_from = read_renamed_from(sink, &t, &name.value, NameKind::Field);
    let personal = read_personal(sink, &t, &ty);
    let mut default_use = default_field_use(&ty, unique);
    // Ciphertext has no order: a personal field filters by equality only.
    default_use.sort &= !personal;
    let unlisted = (!listable(&ty)).then(|| ty.spec_name());
    let list = read_list_use(sink, &t, default_use, unlisted);
    if personal && list.sort {
        let span = t.raw("sort").map_or(value.span(), |v| v.span());
        sink.push(
            Diagnostic::new(
                span,
                t.key_path("sort"),
                "lists cannot sort by a personal field",
            )
            .found("personal = true, sort = true")
            .allowed("sort = false")
            .help(
                "a personal field is stored encrypted, which has no order, and a sort or range \
                 filter would leak it: drop `sort` (equality filters still work, through a blind \
                 index) or drop `personal`",
            ),
        );
    }
    let references = read_references(sink, &t, &ty);
    let in_events = read_in_events(sink, &t, personal);
    let field = Field {
        names: Names::new(&name.value, None),
        description: t
            .string(sink, "description")
            .map(|d| d.value)
            .unwrap_or_default(),
        ty,
        required,
        unique,
        default,
        rules,
        access,
        renamed_from,
        list,
        references,
        personal,
        in_events,
        sealed_before: false,
    };
    check_pattern_values(sink, &t, &field);
    Some(field)
}

/// A pattern the generated tests can draw no valid value from (none within the lengths, or
/// a construct the sample generator cannot follow) would give a project whose own tests
/// fail: refused, with the rules that meet.
fn check_pattern_values(sink: &mut Sink, t: &Table<'_, '_>, field: &Field) {
    if !crate::spec::room::pattern_values(field).is_some_and(|v| v.is_empty()) {
        return;
    }
    let Some(pattern) = t.raw("pattern") else {
        return;
    };
    let rules = &field.rules;
    let lengths = match (rules.min_length, rules.max_length) {
        (None, None) => String::new(),
        (min, max) => format!(
            ", min_length {}, max_length {}",
            min.map_or("none".into(), |m| m.to_string()),
            max.map_or("none".into(), |m| m.to_string())
        ),
    };
    sink.push_new_rule(
        Diagnostic::new(
            pattern.span(),
            t.key_path("pattern"),
            "backend-gen finds no value that matches the pattern and the field's lengths",
        )
        .found(format!(
            "pattern {:?}{lengths}",
            rules.pattern.as_deref().unwrap_or_default()
        ))
        .help(
            "the generated tests write valid rows with values drawn from the pattern: widen the \
             lengths or write the pattern without word boundaries or look-arounds (e.g. \
             \"^[a-z]{3,8}$\")",
        ),
    );
}

/// `personal = true`: a string or text field stored encrypted (docs/spec.md, "Personal
/// data"). Other types have values too few or too structured to hide well, and their
/// columns' types would be lost.
fn read_personal(sink: &mut Sink, t: &Table<'_, '_>, ty: &FieldType) -> bool {
    let Some(personal) = t.boolean(sink, "personal") else {
        return false;
    };
    if personal.value && !matches!(ty, FieldType::String | FieldType::Text) {
        sink.push(
            Diagnostic::new(
                personal.span,
                t.key_path("personal"),
                format!("{} fields cannot be personal", ty.spec_name()),
            )
            .found(ty.spec_name())
            .allowed("`personal` on type: string, text")
            .help("keep the value in a string field to store it encrypted"),
        );
        return false;
    }
    personal.value
}

/// `in_events = true`: a personal field that events carry all the same. Any other field is
/// in its resource's events already.
fn read_in_events(sink: &mut Sink, t: &Table<'_, '_>, personal: bool) -> bool {
    let Some(in_events) = t.boolean(sink, "in_events") else {
        return false;
    };
    if in_events.value && !personal {
        sink.push(
            Diagnostic::new(
                in_events.span,
                t.key_path("in_events"),
                "`in_events` applies to a personal field",
            )
            .found("in_events = true without personal = true")
            .allowed("`in_events` with: personal = true")
            .help("a field that is not personal is in its resource's events already: drop `in_events`"),
        );
        return false;
    }
    in_events.value
}

/// A uuid field's `references = "SERVICE.RESOURCE"`: the row of another service it holds.
fn read_references(sink: &mut Sink, t: &Table<'_, '_>, ty: &FieldType) -> Option<Reference> {
    let text = t.string(sink, "references")?;
    let path = t.key_path("references");
    if *ty != FieldType::Uuid {
        sink.push(
            Diagnostic::new(
                text.span.clone(),
                path,
                format!("`references` does not apply to {} fields", ty.spec_name()),
            )
            .found(ty.spec_name())
            .allowed("`references` on type: uuid (another service's ids)"),
        );
        return None;
    }
    let Some(reference) = Reference::parse(&text.value) else {
        sink.push(
            Diagnostic::new(text.span, path, "not a resource of another service")
                .found(format!("{:?}", text.value))
                .allowed(
                    "\"SERVICE.RESOURCE\": the owning service's crate name and the resource's \
                     snake-case name there, e.g. \"warehouse.shipment\"",
                )
                .help("a resource of this spec is a relation: use `belongs_to`"),
        );
        return None;
    };
    // A uuid takes no default: only a checked write, or the team's own code, sets the id.
    Some(reference)
}

fn read_enum_values(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    field: &Spanned<DeValue<'_>>,
) -> Vec<String> {
    let Some(values) = t.strings(sink, "values") else {
        sink.push(
            Diagnostic::new(
                field.span(),
                t.key_path("values"),
                "an enum needs its `values`",
            )
            .help("add e.g. `values = [\"draft\", \"published\"]`"),
        );
        return Vec::new();
    };
    if values.is_empty() {
        let span = t.raw("values").map_or(field.span(), |v| v.span());
        sink.push(Diagnostic::new(
            span,
            t.key_path("values"),
            "an enum needs at least one value",
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let variant = names::variant(&v.value).name;
        let same_variant = out
            .iter()
            .find(|o| is_snake_identifier(o) && names::variant(o).name == variant);
        if !is_snake_identifier(&v.value) {
            let mut d = Diagnostic::new(v.span.clone(), t.key_path("values"), "invalid enum value")
                .found(format!("{:?}", v.value))
                .allowed("snake_case words such as \"in_stock\"");
            if let Some(fixed) = snake_version(&v.value) {
                d = d.help(format!("use {fixed:?}"));
            }
            sink.push(d);
        } else if out.contains(&v.value) {
            sink.push(
                Diagnostic::new(v.span.clone(), t.key_path("values"), "duplicate enum value")
                    .found(format!("{:?}", v.value))
                    .help("remove one of them"),
            );
        } else if let Some(other) = same_variant {
            // Both would be one Rust variant: `a_1` and `a1` are both `A1`.
            let free = |c: &str| {
                let name = names::variant(c).name;
                !out.iter().any(|o| names::variant(o).name == name)
            };
            let mut d = Diagnostic::new(
                v.span.clone(),
                t.key_path("values"),
                "two enum values give the same Rust variant",
            )
            .found(format!("{:?} and {other:?}, both `{variant}`", v.value));
            if let Some(alt) = alternative(&v.value, &[], MAX_NAME, free) {
                d = d.help(format!("use another value, e.g. {alt:?}"));
            }
            sink.push(d);
        }
        out.push(v.value);
    }
    out
}

/// `required`: true unless the spec says, but a file field is always optional (a row
/// exists before its file is uploaded), so `required = true` on one is refused.
fn read_required(sink: &mut Sink, t: &Table<'_, '_>, ty: &FieldType) -> bool {
    let said = t.boolean(sink, "required");
    if ty.file().is_none() {
        return said.is_none_or(|b| b.value);
    }
    if let Some(required) = said.filter(|b| b.value) {
        sink.push(
            Diagnostic::new(
                required.span,
                t.key_path("required"),
                "a file field cannot be required",
            )
            .found("true")
            .allowed("false (or no `required`)")
            .help(
                "a row is created before its file is uploaded to the file's own route, so the \
                 field is empty until then",
            ),
        );
    }
    false
}

/// A file field's `max_size` (`"5MB"`, powers of 1,000 as browsers and S3 show sizes, or a
/// number of bytes) and `content_types` (media types, required and not empty).
fn read_file_rules(sink: &mut Sink, t: &Table<'_, '_>, value: &Spanned<DeValue<'_>>) -> FileRules {
    let allowed_size = "a size such as \"200KB\", \"5MB\", \"1GB\" (B, KB, MB, GB: powers of \
                        1,000) or a number of bytes, from 1 byte to 5GB";
    let max_size = match t.raw("max_size") {
        None => {
            sink.push(
                Diagnostic::new(
                    value.span(),
                    t.key_path("max_size"),
                    "a file field needs a `max_size`",
                )
                .allowed(allowed_size),
            );
            1
        }
        Some(raw) => {
            let parsed = match raw.get_ref() {
                DeValue::String(s) => FileRules::parse_size(s),
                DeValue::Integer(i) => i.as_str().parse::<u64>().ok(),
                _ => None,
            };
            match parsed.filter(|n| (1..=FileRules::MAX_SIZE).contains(n)) {
                Some(n) => n,
                None => {
                    sink.push(
                        Diagnostic::new(raw.span(), t.key_path("max_size"), "invalid `max_size`")
                            .found(describe_value(raw.get_ref()))
                            .allowed(allowed_size),
                    );
                    1
                }
            }
        }
    };
    let allowed_types = "media types such as \"image/png\", \"application/pdf\" \
                         (\"application/octet-stream\" takes any file)";
    let mut content_types: Vec<String> = Vec::new();
    match t.raw("content_types") {
        None => sink.push(
            Diagnostic::new(
                value.span(),
                t.key_path("content_types"),
                "a file field needs its `content_types`",
            )
            .allowed(allowed_types),
        ),
        Some(raw) => {
            let items = match raw.get_ref() {
                DeValue::Array(items) if !items.is_empty() => &items[..],
                _ => {
                    sink.push(
                        Diagnostic::new(
                            raw.span(),
                            t.key_path("content_types"),
                            "expected a non-empty array of media types",
                        )
                        .found(describe_value(raw.get_ref()))
                        .allowed(allowed_types),
                    );
                    &[]
                }
            };
            for item in items {
                let text = match item.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                };
                match text.filter(|s| FileRules::is_media_type(s)) {
                    Some(s) if content_types.contains(&s) => sink.push(
                        Diagnostic::new(
                            item.span(),
                            t.key_path("content_types"),
                            "a media type listed twice",
                        )
                        .found(format!("{s:?}")),
                    ),
                    Some(s) => content_types.push(s),
                    None => sink.push(
                        Diagnostic::new(
                            item.span(),
                            t.key_path("content_types"),
                            "not a media type",
                        )
                        .found(describe_value(item.get_ref()))
                        .allowed(allowed_types),
                    ),
                }
            }
        }
    }
    FileRules {
        max_size,
        content_types,
    }
}

/// A key, and whether it applies to a kind of field type (its row).
type Applies = (&'static str, fn(&TypeProps) -> bool);

/// Reports keys that exist but make no sense for the field's type; the types they apply
/// to are the table's rows that pass the same test.
fn check_keys_apply(sink: &mut Sink, t: &Table<'_, '_>, ty: &FieldType) {
    let applies: &[Applies] = &[
        ("values", |p| matches!(p.shape, Shape::Choice)),
        ("min_length", |p| p.length),
        ("max_length", |p| p.length),
        ("pattern", |p| p.length),
        ("format", |p| p.format),
        ("min", |p| p.shape.bounds()),
        ("max", |p| p.shape.bounds()),
        // A decimal's parameters.
        ("precision", |p| matches!(p.shape, Shape::Decimal)),
        ("scale", |p| matches!(p.shape, Shape::Decimal)),
        // A file's limits.
        ("max_size", |p| p.kind == Kind::File),
        ("content_types", |p| p.kind == Kind::File),
    ];
    for (key, ok) in applies {
        if let Some(v) = t.raw(key)
            && !ok(ty.props())
        {
            sink.push(
                Diagnostic::new(
                    v.span(),
                    t.key_path(key),
                    format!("`{key}` does not apply to {} fields", ty.spec_name()),
                )
                .found(ty.spec_name())
                .allowed(format!(
                    "`{key}` on types: {}",
                    Kind::names_where(*ok).join(", ")
                )),
            );
        }
    }
}

/// Numeric fields get `xMin`/`xMax` list filters and dates `xAfter`/`xBefore`
/// (docs/contract.md, "Lists"); a field whose own name is one of those would make
/// the query string ambiguous, and so would a sortable field whose range filters are
/// another's (a date `created` beside `createdAt`: both `createdAfter`). `sorted`: the
/// fields list combinations sort by.
pub(super) fn check_filter_clashes(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    fields: &[Field],
    sorted: &[&str],
) {
    // Filter parameters by JSON key, as the service's lists name them, and their field.
    let mut generated: BTreeMap<String, String> = BTreeMap::new();
    for stem in ["created", "updated"] {
        for suffix in Range::Time.suffixes() {
            generated.insert(format!("{stem}{suffix}"), format!("{stem}_at"));
        }
    }
    let field_span = |f: &Field| {
        t.raw("fields")
            .and_then(|v| v.get_ref().get(f.names.snake.as_str()).map(|x| x.span()))
            .unwrap_or(t.span.clone())
    };
    for f in fields {
        let Some(range) = f.ty.props().range else {
            continue;
        };
        let stem = range.stem(&f.names.camel);
        // Range filters exist while a list is sorted by the field.
        let ranged = f.list.sort || sorted.contains(&f.names.snake.as_str());
        for suffix in range.suffixes() {
            let key = format!("{stem}{suffix}");
            match generated.get(&key) {
                Some(other) if ranged && *other != f.names.snake => {
                    sink.push(
                        Diagnostic::new(
                            field_span(f),
                            format!("{}.fields.{}", t.path, f.names.snake),
                            "this field's list filters clash with generated ones",
                        )
                        .found(format!("`?{key}=`, which filters on `{other}` too"))
                        .help(format!(
                            "rename the field (e.g. `{}_on`), or set `sort = false` on it",
                            f.names.snake
                        )),
                    );
                    break;
                }
                Some(_) => {}
                None => {
                    generated.insert(key, f.names.snake.clone());
                }
            }
        }
    }
    let taken = |c: &str| {
        let camel = Names::new(c, None).camel;
        generated.contains_key(&camel) || fields.iter().any(|f| f.names.camel == camel)
    };
    for f in fields {
        if let Some(source) = generated.get(&f.names.camel)
            && *source != f.names.snake
        {
            let span = field_span(f);
            // `price_min` → `min_price`, which no filter spells.
            let swapped: Vec<String> = f
                .names
                .snake
                .rsplit_once('_')
                .map(|(base, suffix)| format!("{suffix}_{base}"))
                .into_iter()
                .collect();
            let mut help = format!("`?{}=` already filters on `{source}`", f.names.camel);
            if let Some(alt) = alternative(&f.names.snake, &swapped, MAX_NAME, |c| !taken(c)) {
                help.push_str(&format!("; rename the field, e.g. to `{alt}`"));
            }
            sink.push(
                Diagnostic::new(
                    span,
                    format!("{}.fields.{}", t.path, f.names.snake),
                    "this field name clashes with a generated list filter",
                )
                .found(f.names.camel.clone())
                .help(help),
            );
        }
    }
}
