//! The rules of names: the shape every name must have, the names generated code already
//! takes (each refusal offers one that passes), and `renamed_from`, an earlier name.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::names::{
    self, NOT_RAW, POSTGRES_SYSTEM_COLUMNS, RUST_KEYWORDS, alternative, is_snake_identifier,
    snake_version, with_article,
};
use crate::spec::reader::{At, Sink, Table};
use crate::spec::words::MAX_NAME;

/// Names to offer instead of a refused field name, before the generic `{name}_value`.
const FIELD_ALTERNATIVES: &[(&str, &[&str])] = &[
    ("id", &["code", "external_id"]),
    ("created_at", &["created_on", "recorded_at"]),
    ("updated_at", &["changed_at", "modified_on"]),
    ("deleted_at", &["removed_at", "archived_at"]),
    ("version", &["revision", "edition"]),
    ("page", &["page_number"]),
    ("limit", &["maximum", "quota"]),
    ("cursor", &["position", "marker"]),
    ("sort", &["sort_order", "rank"]),
    ("fields", &["field_names"]),
    ("email", &["contact_email"]),
    ("roles", &["titles"]),
    ("self", &["itself", "own"]),
    ("super", &["parent_value"]),
    ("crate", &["crate_name", "box_value"]),
];

/// What a name names, for messages and the rules that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameKind {
    Resource,
    Field,
    Relation,
    Event,
    Job,
}

impl NameKind {
    fn what(self) -> &'static str {
        match self {
            NameKind::Resource => "resource",
            NameKind::Field => "field",
            NameKind::Relation => "relation",
            NameKind::Event => "event",
            NameKind::Job => "job",
        }
    }
}

/// The shape every name must have: snake_case, at most `MAX_NAME` characters, and for a
/// field not a keyword that even a raw identifier cannot spell (`self`, `super`,
/// `crate`). Other keywords are fine: fields become raw identifiers and quoted columns,
/// resources and relations only ever appear inside longer identifiers. A job's name is its
/// module's, which cannot be renamed as a resource's is (its `kind` is stored in rows), so
/// a job may not take a name no resource module may take (`std`, a crate the service uses,
/// a generated module, a keyword). Each refusal offers a name that passes.
pub(super) fn check_identifier(sink: &mut Sink, name: &At<String>, path: &str, kind: NameKind) {
    let Some((problem, suggestion)) = name_problem(&name.value, kind) else {
        return;
    };
    // Earlier versions refused only the keywords among a job's reserved names, and no
    // PostgreSQL system column.
    let new_rule = (kind == NameKind::Job
        && is_snake_identifier(&name.value)
        && name.value.len() <= MAX_NAME
        && !RUST_KEYWORDS.contains(&name.value.as_str()))
        || (kind == NameKind::Field && POSTGRES_SYSTEM_COLUMNS.contains(&name.value.as_str()));
    let mut d = Diagnostic::new(name.span.clone(), path, problem)
        .found(format!("{:?}", name.value))
        .allowed(format!(
            "snake_case: lowercase letters, digits and single underscores, starting with a letter, at most {MAX_NAME} characters"
        ));
    if let Some(s) = suggestion {
        d = d.help(format!("use `{s}`"));
    }
    if new_rule {
        sink.push_new_rule(d);
    } else {
        sink.push(d);
    }
}

/// What is wrong with `n` as the name of a `kind` (see [`check_identifier`]), and a name
/// near it that passes.
pub(super) fn name_problem(n: &str, kind: NameKind) -> Option<(String, Option<String>)> {
    let what = kind.what();
    let usable = |c: &str| {
        is_snake_identifier(c)
            && c.len() <= MAX_NAME
            && !(kind == NameKind::Field && NOT_RAW.contains(&c))
            && !(kind == NameKind::Job && names::reserved_module(c).is_some())
    };
    Some(if !is_snake_identifier(n) {
        (
            format!("{} name must be snake_case", with_article(what)),
            snake_version(n)
                .map(|s| shortened(&s))
                .filter(|s| usable(s)),
        )
    } else if n.len() > MAX_NAME {
        (
            format!(
                "{} name can have at most {MAX_NAME} characters",
                with_article(what)
            ),
            Some(shortened(n)).filter(|s| usable(s)),
        )
    } else if kind == NameKind::Field && NOT_RAW.contains(&n) {
        (
            format!("`{n}` cannot name a field: Rust has no identifier for it, not even a raw one"),
            alternative(n, &alternatives_of(n), MAX_NAME, usable),
        )
    } else if kind == NameKind::Field && POSTGRES_SYSTEM_COLUMNS.contains(&n) {
        (
            format!(
                "`{n}` cannot name a field: PostgreSQL keeps a system column of that name in every table"
            ),
            alternative(n, &[format!("{n}_value")], MAX_NAME, usable),
        )
    } else if kind == NameKind::Job
        && let Some(why) = names::reserved_module(n)
    {
        (
            format!(
                "`{n}` cannot name a job: it is {why}, and `src/jobs/handlers/mod.rs` declares the job's module by its name"
            ),
            alternative(n, &[format!("{n}_job")], MAX_NAME, usable),
        )
    } else {
        return None;
    })
}

/// The first `MAX_NAME` characters of a snake_case name, without a trailing `_`.
fn shortened(name: &str) -> String {
    name.chars()
        .take(MAX_NAME)
        .collect::<String>()
        .trim_end_matches('_')
        .to_string()
}

/// The hand-picked alternatives to a refused field name (see `FIELD_ALTERNATIVES`).
pub(super) fn alternatives_of(name: &str) -> Vec<String> {
    FIELD_ALTERNATIVES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, alts)| alts.iter().map(|a| a.to_string()).collect())
        .unwrap_or_default()
}

/// `renamed_from`: the earlier name of a field or resource, for `backend-gen update`. It
/// was a name once, so the rules of names hold for it too.
pub(super) fn read_renamed_from(
    sink: &mut Sink,
    t: &Table,
    name: &str,
    kind: NameKind,
) -> Option<String> {
    let old = t.string(sink, "renamed_from")?;
    let what = kind.what();
    let (problem, help) = if let Some((problem, suggestion)) = name_problem(&old.value, kind) {
        let help = match suggestion {
            Some(s) => format!("name the {what}'s earlier name, e.g. `{s}`"),
            None => format!("name the {what}'s earlier name"),
        };
        (format!("`renamed_from` is no {what} name: {problem}"), help)
    } else if old.value == name {
        (
            format!("`renamed_from` names the {what} itself"),
            format!("remove `renamed_from`, or name the {what}'s earlier name"),
        )
    } else {
        return Some(old.value);
    };
    let d = Diagnostic::new(old.span.clone(), t.key_path("renamed_from"), problem)
        .found(format!("{:?}", old.value))
        .allowed(format!("a snake_case name other than the {what}'s own"))
        .help(help);
    // Earlier versions took any other snake_case name (a 31-character one too).
    if is_snake_identifier(&old.value) && old.value != name {
        sink.push_new_rule(d);
        return Some(old.value);
    }
    sink.push(d);
    None
}

/// Two fields of one resource, or two resources, that continue the same earlier name: the
/// plan would rename one column or table twice. `items` are each one's name, `renamed_from`
/// and where that is written; reported at the later one.
pub(super) fn check_renamed_once<'a>(
    sink: &mut Sink,
    items: impl IntoIterator<Item = (&'a str, &'a str, std::ops::Range<usize>, String)>,
    what: &str,
) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, from, span, key) in items {
        let Some(&first) = seen.get(from) else {
            seen.insert(from, name);
            continue;
        };
        sink.push_new_rule(
            Diagnostic::new(span, key, format!("two {what}s are `renamed_from` `{from}`"))
                .found(format!("`{first}` and `{name}`"))
                .help(format!(
                    "only one {what} continues `{from}`: remove `renamed_from` from the other, which is then a new {what}"
                )),
        );
    }
}
