//! A resource's operations: its collection and item, nested under its parents, its
//! many-to-many links, and who may call each.

use serde_json::{Map, Value, json};

use super::builder::{Builder, Op};
use super::shared::*;
use crate::context::{ListPath, ListPaths, ResourceContext};
use crate::dialect::TEXT_PREFIX_CHARS;
use crate::operations::{Action, Body};
use crate::operations::{Group, Kind, Operation};
use crate::spec::{AuthMode, Range, Rule, Shape};

impl<'a> Builder<'a> {
    /// A resource's operation (`op.group` names the resource), on `base` (id, summary, tag).
    pub(super) fn resource_operation(&self, op: &Operation, mut base: Map<String, Value>) -> Value {
        let Group::Resource(snake) = &op.group else {
            return Value::Object(base);
        };
        let Some(r) = self.resource(snake) else {
            return Value::Object(base);
        };
        let name = schema_name(r);
        let list = |what: &str, item: &str, nested: bool| {
            let mut answers = vec![
                ("200", ok_json(what, &format!("{item}.List"), &[])),
                ("400", error("BadRequest")),
            ];
            if nested {
                answers.push(("404", error("NotFound")));
            }
            answers.extend([
                ("500", error("InternalError")),
                ("503", error("ServiceUnavailable")),
            ]);
            responses(answers)
        };
        // The field rules an operation describes: the linked rows are the target's.
        let mut described = Some(r);
        let note = match &op.kind {
            Kind::List { .. } | Kind::ListChildren { .. } => {
                // A nested list is narrowed to its parent's foreign key, which counts as an
                // equality filter (`list.rs`'s `check_path`).
                let scope = match &op.kind {
                    Kind::ListChildren { relation, .. } => r
                        .belongs_to
                        .iter()
                        .find(|b| b.names.snake == *relation)
                        .map_or(ListScope::All, |b| ListScope::Parent(&b.json)),
                    _ => ListScope::All,
                };
                base.insert("parameters".into(), self.list_parameters(r, scope));
                let (what, nested) = if matches!(op.kind, Kind::List { .. }) {
                    ("One page of rows.", false)
                } else {
                    ("One page of the parent's rows.", true)
                };
                base.insert("responses".into(), list(what, &name, nested));
                Some(Op::List)
            }
            Kind::Create { .. } => {
                base.insert("requestBody".into(), body_ref(&format!("{name}.Create")));
                base.insert(
                    "responses".into(),
                    create_responses(&name, false, self.links(r)),
                );
                Some(Op::Write(Body::Create))
            }
            Kind::CreateChild { relation, .. } => {
                let b = r.belongs_to.iter().find(|b| b.names.snake == *relation);
                let pascal = b.map_or("", |b| b.names.pascal.as_str());
                base.insert(
                    "requestBody".into(),
                    body_ref(&format!("{name}.CreateFor{pascal}")),
                );
                base.insert(
                    "responses".into(),
                    create_responses(&name, true, self.links(r)),
                );
                Some(Op::Write(Body::Create))
            }
            Kind::ReadChild { .. } => {
                base.insert(
                    "responses".into(),
                    responses(vec![
                        ("200", ok_json("The parent's one row.", &name, &[])),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ]),
                );
                Some(Op::Read)
            }
            Kind::Read { .. } => {
                base.insert("parameters".into(), json!([param_ref("IfNoneMatch")]));
                base.insert(
                    "responses".into(),
                    responses(vec![
                        ("200", ok_json("The row.", &name, &["ETag"])),
                        ("304", json!({
                            "description": "`If-None-Match` lists the current `ETag`: the client's copy is current.",
                            "headers": headers(&["ETag"])
                        })),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ]),
                );
                Some(Op::Read)
            }
            Kind::Replace { .. } | Kind::Patch { .. } => {
                let (body, what) = if op.body == Some(Body::Replace) {
                    ("Replace", "The replaced row.")
                } else {
                    ("Patch", "The updated row.")
                };
                base.insert("parameters".into(), json!([param_ref("IfMatch")]));
                base.insert("requestBody".into(), body_ref(&format!("{name}.{body}")));
                base.insert(
                    "responses".into(),
                    responses(vec![
                        ("200", ok_json(what, &name, &["ETag"])),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("409", error("Conflict")),
                        ("412", error("PreconditionFailed")),
                        ("413", error("PayloadTooLarge")),
                        ("415", error("UnsupportedMediaType")),
                        ("422", error("ValidationError")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ]),
                );
                op.body.map(Op::Write)
            }
            Kind::Delete { .. } => {
                base.insert("parameters".into(), json!([param_ref("IfMatch")]));
                let deleted = if r.soft_delete {
                    "Soft-deleted: the row vanishes from every read."
                } else {
                    "Deleted."
                };
                base.insert(
                    "responses".into(),
                    responses(vec![
                        ("204", no_content(deleted)),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("409", error("Conflict")),
                        ("412", error("PreconditionFailed")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ]),
                );
                None
            }
            Kind::ListLinked { target, .. } => {
                let Some(target) = self.resource(target) else {
                    return Value::Object(base);
                };
                base.insert(
                    "parameters".into(),
                    self.list_parameters(target, ListScope::Linked),
                );
                base.insert(
                    "responses".into(),
                    list("One page of the linked rows.", &schema_name(target), true),
                );
                described = Some(target);
                Some(Op::List)
            }
            Kind::Link { .. } | Kind::Unlink { .. } => {
                let done = if matches!(op.kind, Kind::Link { .. }) {
                    "Linked (linking twice changes nothing)."
                } else {
                    "Unlinked."
                };
                base.insert(
                    "responses".into(),
                    responses(vec![
                        ("204", no_content(done)),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ]),
                );
                None
            }
            _ => None,
        };
        base.insert("description".into(), json!(self.story(op, r)));
        if let Some(action) = op.access {
            self.guard(&mut base, r, action);
        }
        if let (Some(subject), Some(note)) = (described, note) {
            self.note(&mut base, subject, note);
        }
        Value::Object(base)
    }

    /// What a resource operation's description says, from the spec: who may call it, what it
    /// emits, and its paging, idempotency and concurrency rules (the field rules follow, from
    /// `note`).
    fn story(&self, op: &Operation, r: &ResourceContext) -> String {
        let mut sentences = Vec::new();
        let rules = op.access.and_then(|action| self.rules_for(r, action));
        match rules {
            _ if self.spec.auth.mode != AuthMode::Jwt => {
                sentences.push("Anyone may call it: the service has no sign-in.".to_string());
            }
            Some(rules) => sentences.push(format!("Who may call it: {}.", self.who(rules))),
            None => {}
        }
        if rules.is_some_and(|rules| rules.contains(&Rule::Owner)) {
            match op.access {
                Some(Action::List) => sentences
                    .push("A caller who passes only as an owner lists only their own rows.".into()),
                Some(Action::Read) => sentences.push(
                    "A caller who passes only as an owner gets 404 for another's row.".into(),
                ),
                _ => {}
            }
        }
        if !op.events.is_empty() {
            let events: Vec<String> = op.events.iter().map(|e| format!("`{e}`")).collect();
            sentences.push(format!(
                "Emits {} through the outbox, in the same transaction as the write.",
                events.join(" or ")
            ));
        }
        let kind_rule = match &op.kind {
            Kind::List { .. } | Kind::ListChildren { .. } | Kind::ListLinked { .. } => Some(
                "Pages by `page` (offset, within the first 10,000 rows) or by `cursor` (any depth); `total` counts matching rows up to 10,000 (`totalExact`).",
            ),
            Kind::Create { .. } | Kind::CreateChild { .. } => Some(
                "Safe to retry with `Idempotency-Key`: the same key and body get the first answer again, and nothing is written twice.",
            ),
            Kind::Read { .. } => {
                Some("Answers 304 without a body when `If-None-Match` lists the current `ETag`.")
            }
            Kind::Replace { .. } | Kind::Patch { .. } if r.versioned => Some(
                "Conditional: with `If-Match`, 412 when the row changed since; a stale `version` in the body is a 409.",
            ),
            Kind::Replace { .. } | Kind::Patch { .. } | Kind::Delete { .. } => {
                Some("Conditional: with `If-Match`, 412 when the row changed since.")
            }
            Kind::Link { .. } => Some("Idempotent: linking twice changes nothing."),
            _ => None,
        };
        sentences.extend(kind_rule.map(str::to_string));
        sentences.join(" ")
    }

    /// The spec's access rules of `r` for `action`.
    fn rules_for(&self, r: &ResourceContext, action: Action) -> Option<&'a [Rule]> {
        let access = &self.spec.resource(&r.names.snake)?.access;
        Some(match action {
            Action::List => &access.list,
            Action::Read => &access.read,
            Action::Create => &access.create,
            Action::Update => &access.update,
            Action::Delete => &access.delete,
        })
    }

    /// With jwt auth, says who may call an operation: `security` (optional when the rules
    /// are public) and the 401 and 403 answers of the access rules.
    pub(super) fn guard(&self, op: &mut Map<String, Value>, r: &ResourceContext, action: Action) {
        if self.spec.auth.mode != AuthMode::Jwt {
            return;
        }
        let Some(rules) = self.rules_for(r, action) else {
            return;
        };
        op.insert(
            "security".into(),
            if rules.contains(&Rule::Public) {
                json!([{}, {"bearerAuth": []}])
            } else {
                json!([{"bearerAuth": []}])
            },
        );
        // A bad token is refused wherever one is read; rows a caller may not read are 404s.
        if let Some(Value::Object(answers)) = op.get_mut("responses") {
            answers.insert("401".into(), error("Unauthorized"));
            if action != Action::Read {
                answers.insert("403".into(), error("Forbidden"));
            }
        }
    }

    /// OpenAPI links from a created row to the operations that take its id, so clients (and
    /// Schemathesis's stateful tests) can follow them. Named after the operation they call,
    /// with the path parameter that names the row.
    pub(super) fn links(&self, r: &ResourceContext) -> Value {
        let mut links = Map::new();
        for op in &self.ctx.routes {
            // Only the resources' own operations: an admin sets roles from outside.
            if !matches!(op.group, Group::Resource(_))
                || matches!(
                    op.kind,
                    Kind::SetRoles { .. }
                        | Kind::ExportAccount { .. }
                        | Kind::PrepareAccountExport { .. }
                        | Kind::EraseAccount { .. }
                )
            {
                continue;
            }
            for param in op.params.iter().filter(|p| p.of == r.names.snake) {
                links.insert(
                    op.id.clone(),
                    json!({
                        "operationId": op.id,
                        "parameters": {param.name.as_str(): "$response.body#/id"}
                    }),
                );
            }
        }
        Value::Object(links)
    }

    /// The path-level parameters of `op`: its path's, each a UUID.
    pub(super) fn path_parameters(&self, op: &Operation) -> Option<Value> {
        if op.params.is_empty() {
            return None;
        }
        let nested = matches!(
            op.kind,
            Kind::ListChildren { .. } | Kind::ReadChild { .. } | Kind::CreateChild { .. }
        );
        let params = op.params.iter().map(|p| {
            let words = self
                .resource(&p.of)
                .map_or(p.of.as_str(), |r| r.names.words.as_str());
            if p.name == "provider" {
                let names: Vec<&str> = self.spec.auth.providers.iter().map(|p| p.kebab.as_str()).collect();
                return json!({
                    "name": "provider",
                    "in": "path",
                    "required": true,
                    "description": "The identity provider (`GET /auth/providers`); any other name is a 404.",
                    "schema": {"type": "string", "enum": names}
                });
            }
            let description = match (nested, p.name.as_str()) {
                (true, _) => format!("The parent {words}'s id."),
                (false, "id") => return param_ref("Id"),
                (false, _) => format!("The {words}'s id."),
            };
            json!({
                "name": p.name,
                "in": "path",
                "required": true,
                "description": description,
                "schema": {"type": "string", "format": "uuid"}
            })
        });
        Some(Value::Array(params.collect()))
    }

    /// The query parameters of a list of `r` narrowed by `scope` (docs/contract.md,
    /// "Lists"): exactly the filters and sorts some request to that list may use
    /// ([`ListPaths::accepted`]).
    pub(super) fn list_parameters(&self, r: &ResourceContext, scope: ListScope) -> Value {
        let mut params = vec![param_ref("Page"), param_ref("Limit"), param_ref("Cursor")];
        let paths = &r.list_paths;
        let accepted = paths.accepted(scope.key());
        let filterable: Vec<&str> = accepted.filters.iter().map(String::as_str).collect();
        // Keys the first sort key may be, and keys any sort key may be.
        let first: &[String] = &accepted.sorts;
        let sortable: Vec<String> = paths.any_sort().into_iter().map(String::from).collect();
        let mut keys = vec!["id".to_string()];
        let mut filters: Vec<(String, Value, String)> = Vec::new();
        let uuid = json!({"type": "string", "format": "uuid"});
        let instant = json!({
            "type": "string",
            "maxLength": 64,
            "anyOf": [{"format": "date-time"}, {"format": "date"}]
        });

        for b in &r.belongs_to {
            keys.push(b.json.clone());
            if !filterable.contains(&b.json.as_str()) {
                continue;
            }
            filters.push((
                b.json.clone(),
                uuid.clone(),
                format!(
                    "Only rows whose `{}` is this id.{}",
                    b.json,
                    combined(paths, scope, &b.json)
                ),
            ));
        }
        // Keys only some callers see, with who may use them: others get 400 as for an
        // unknown key.
        let mut guarded: Vec<(String, String)> = Vec::new();
        // Text fields that sort: by their first characters, which their indexes hold.
        let mut prefixed: Vec<String> = Vec::new();
        let who_sees = |key: &str, read: &[Rule]| {
            // A field seen on one's own rows only would give its value away row by row.
            let owner = if read.contains(&Rule::Owner) {
                "; the owner alone: only in a list of their own rows"
            } else {
                ""
            };
            format!("callers who see `{key}` ({}{owner})", self.who(read))
        };
        for f in &r.fields {
            let key = &f.names.camel;
            keys.push(key.clone());
            let guard = readers(self.access(r, f)).map(|read| who_sees(key, read));
            if let Some(who) = &guard {
                guarded.push((key.clone(), who.clone()));
            }
            let props = f.kind.props();
            // Its range filters go with a sort by it, as the first key.
            let (filter, sort) = (filterable.contains(&key.as_str()), first.contains(key));
            if !props.filter() || !(filter || sort) {
                continue;
            }
            if sort && f.kind == crate::spec::Kind::Text {
                prefixed.push(format!("`{key}`"));
            }
            let first_filter = filters.len();
            // The list code reads a filter by its column's kind (list.rs's `bound`):
            // any `i64` for a whole number, any number for a float or a decimal, a moment
            // or a date (its first instant) for a moment; the rest as the value's schema.
            let value = match props.shape {
                Shape::Whole { .. } => json!({
                    "type": "integer",
                    "format": "int64",
                    "minimum": i64::MIN,
                    "maximum": i64::MAX
                }),
                Shape::Float | Shape::Decimal => json!({"type": "number"}),
                _ if matches!(props.openapi, Some((_, Some("date-time")))) => instant.clone(),
                _ => {
                    let mut s = value_schema(f, false).unwrap_or_default();
                    if matches!(props.shape, Shape::Text) {
                        exclude_nul(&mut s);
                    }
                    // Longer could match no row: the list refuses it (`list::Column`).
                    if let Some(n) = self.field(r, f).and_then(crate::spec::Field::max_length) {
                        s.insert("maxLength".into(), json!(n));
                    }
                    Value::Object(s)
                }
            };
            if filter {
                filters.push((
                    key.clone(),
                    value.clone(),
                    format!(
                        "Only rows whose `{key}` equals this value.{}",
                        combined(paths, scope, key)
                    ),
                ));
            }
            if let Some(range) = props.range.filter(|_| sort) {
                let words = match range {
                    Range::Number => ["at least", "at most"],
                    Range::Time => ["at or after", "at or before"],
                };
                for (suffix, words) in range.suffixes().into_iter().zip(words) {
                    filters.push((
                        format!("{}{suffix}", range.stem(key)),
                        value.clone(),
                        format!("Only rows whose `{key}` is {words} this; only while the list is sorted by `{key}`."),
                    ));
                }
            }
            if let Some(who) = &guard {
                for (_, _, description) in &mut filters[first_filter..] {
                    description.push_str(&format!(" Only {who} may use it; others get 400."));
                }
            }
        }
        if r.versioned {
            keys.push("version".into());
        }
        if r.timestamps {
            for (base, key) in [("created", "createdAt"), ("updated", "updatedAt")] {
                keys.push(key.into());
                if filterable.contains(&key) {
                    filters.push((
                        key.into(),
                        instant.clone(),
                        format!(
                            "Only rows whose `{key}` is this instant.{}",
                            combined(paths, scope, key)
                        ),
                    ));
                }
                if !first.iter().any(|k| k == key) {
                    continue;
                }
                let sorted = if key == paths.default_sort {
                    String::new()
                } else {
                    format!("; only while the list is sorted by `{key}`")
                };
                filters.push((
                    format!("{base}After"),
                    instant.clone(),
                    format!("Only rows whose `{key}` is at or after this (a date means its first instant, UTC){sorted}."),
                ));
                filters.push((
                    format!("{base}Before"),
                    instant.clone(),
                    format!("Only rows whose `{key}` is at or before this (a date means its first instant, UTC){sorted}."),
                ));
            }
        }

        // Who may use each guarded key of `among`, as sentences.
        let only = |verb: &str, among: &[String]| -> String {
            guarded
                .iter()
                .filter(|(key, _)| among.contains(key))
                .map(|(key, who)| format!(" {verb} `{key}`: only {who}; others get 400."))
                .collect()
        };

        let prefixed = match prefixed.as_slice() {
            [] => String::new(),
            [key] => format!(
                " {key} sorts by its first {TEXT_PREFIX_CHARS} characters (the id orders texts that share them)."
            ),
            keys => format!(
                " {} sort by their first {TEXT_PREFIX_CHARS} characters (the id orders texts that share them).",
                keys.join(", ")
            ),
        };
        let alternatives = |keys: &[String]| keys.join("|");
        // Spaces around a key are dropped (a `+` in a query string is one).
        let sort_key = |keys: &[String]| format!(" *[+-]?({}) *", alternatives(keys));
        let later = if first == sortable.as_slice() {
            String::new()
        } else {
            format!(
                " Later keys may be any of {}.",
                quoted_list(&sortable, ", ")
            )
        };
        params.push(json!({
            "name": "sort",
            "in": "query",
            "description": format!(
                "Comma-separated keys, each optionally prefixed with `-` (descending) or `+` (ascending, the default); the id breaks ties, and a key given again changes nothing. Default `{}`. The first key must be served by an index: {}.{later} Anything else gets 400 naming the allowed sorts.{prefixed}{}{}",
                if r.timestamps { "-createdAt" } else { "-id" },
                first_sorts(paths, scope),
                self.owner_narrowing(r, scope),
                only("Sorting by", &sortable)
            ),
            "schema": {
                "type": "string",
                "maxLength": MAX_KEYS_TEXT,
                "pattern": format!("^{}(,{})*$", sort_key(first), sort_key(&sortable))
            }
        }));
        let field_key = format!(" *({}) *", alternatives(&keys));
        params.push(json!({
            "name": "fields",
            "in": "query",
            "description": format!(
                "Comma-separated keys of the representation: each item carries only those.{}",
                only("Selecting", &keys)
            ),
            "schema": {"type": "string", "maxLength": MAX_KEYS_TEXT, "pattern": format!("^{field_key}(,{field_key})*$")}
        }));
        let mut seen: Vec<String> = ["page", "limit", "cursor", "sort", "fields"]
            .map(String::from)
            .to_vec();
        for (name, schema, description) in filters {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            params.push(json!({
                "name": name,
                "in": "query",
                "description": description,
                "schema": schema
            }));
        }
        Value::Array(params)
    }
}

/// Which rows a list holds besides its filters: all of them, the rows under one parent
/// (narrowed to its foreign key, `customerId`), or the rows linked to one row (narrowed
/// through the join table, not by a key of the rows).
#[derive(Debug, Clone, Copy)]
pub(super) enum ListScope<'a> {
    All,
    Parent(&'a str),
    Linked,
}

impl<'a> ListScope<'a> {
    /// The key the scope narrows by equality, if any.
    fn key(self) -> Option<&'a str> {
        match self {
            Self::Parent(key) => Some(key),
            Self::All | Self::Linked => None,
        }
    }
}

impl Builder<'_> {
    /// With jwt, what an `owner` list rule does to the list's paths: a caller who may list
    /// only their own rows gets it narrowed to their own key, one more equality filter
    /// (`list.rs`'s `check_path`). Rows owned through parents are narrowed by a join instead,
    /// which changes nothing here.
    fn owner_narrowing(&self, r: &ResourceContext, scope: ListScope) -> String {
        let Some(owner) = &r.owner_key else {
            return String::new();
        };
        let lists_own = self.spec.auth.mode == AuthMode::Jwt
            && self
                .spec
                .resource(&r.names.snake)
                .is_some_and(|res| res.access.list.contains(&Rule::Owner));
        if !lists_own {
            return String::new();
        }
        if scope.key() == Some(owner.as_str()) {
            return format!(
                " A caller who may list only their own rows (an `owner` rule) gets this list narrowed to their own `{owner}` too: the same key as the parent's, so the same sorts and filters."
            );
        }
        format!(
            " A caller who may list only their own rows (an `owner` rule) gets the list narrowed to their own `{owner}` too, which counts as one more equality filter on `{owner}`."
        )
    }
}

/// The first sort keys an index serves in a list narrowed by `scope`, in words.
fn first_sorts(paths: &ListPaths, scope: ListScope) -> String {
    let unique = if paths.unique.is_empty() {
        String::new()
    } else {
        format!(
            "; any, with a filter on {} (one row at most)",
            quoted_list(&paths.unique, " or ")
        )
    };
    let Some(key) = scope.key() else {
        let linked = match scope {
            ListScope::Linked => {
                "the link narrows the rows through the join table, not by a key of theirs, so as in the list of all of them: "
            }
            _ => "",
        };
        return format!(
            "{linked}without equality filters {}; with one filter the default{}{unique}",
            quoted_list(&paths.sorts, ", "),
            paths
                .combinations
                .iter()
                .map(|c| format!(
                    "; `{}` with exactly the filters {}",
                    c.sort,
                    quoted(&c.filters)
                ))
                .collect::<String>(),
        );
    };
    format!(
        "this list holds the parent's rows, which counts as an equality filter on `{key}`, so the default{}{unique}",
        paths
            .scoped_combinations(key)
            .map(|c| {
                let rest = without_scope(&c.filters, key);
                if rest.is_empty() {
                    format!("; `{}` with no other filter", c.sort)
                } else {
                    format!("; `{}` with exactly the filters {}", c.sort, quoted(&rest))
                }
            })
            .collect::<String>(),
    )
}

/// A combination's filters but the scope's key, which the list applies itself.
fn without_scope(filters: &[String], scope: &str) -> Vec<String> {
    filters.iter().filter(|k| *k != scope).cloned().collect()
}

/// How a filter on `key` combines with others in a list narrowed by `scope`, for its
/// description.
fn combined(paths: &ListPaths, scope: ListScope, key: &str) -> String {
    let scoped = scope.key();
    if scoped == Some(key) {
        return " The list holds the parent's rows already: another id gives an empty page. Accepted with whatever else the list accepts.".into();
    }
    let mut ways: Vec<String> = Vec::new();
    if scoped.is_none() && paths.filters.iter().any(|k| k == key) {
        ways.push(format!(
            "alone, with the default sort `{}`",
            paths.default_sort
        ));
    }
    let combinations: Vec<&ListPath> = match scoped {
        Some(scope) => paths.scoped_combinations(scope).collect(),
        None => paths.combinations.iter().collect(),
    };
    for c in combinations
        .into_iter()
        .filter(|c| c.filters.iter().any(|k| k == key))
    {
        let filters = match scoped {
            Some(scope) => quoted(&without_scope(&c.filters, scope)),
            None => quoted(&c.filters),
        };
        ways.push(format!("with exactly {filters} sorted by `{}`", c.sort));
    }
    if paths.unique.iter().any(|k| k == key) {
        ways.push("with any sort (it matches one row at most)".into());
    } else if !paths.unique.is_empty() {
        ways.push(format!(
            "with a filter on {} (one row at most) and any sort",
            quoted_list(&paths.unique, " or ")
        ));
    }
    format!(
        " Accepted {}; other combinations get 400.",
        ways.join(", or ")
    )
}

fn quoted(keys: &[String]) -> String {
    quoted_list(keys, " and ")
}

fn quoted_list(keys: &[String], separator: &str) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(separator)
}
