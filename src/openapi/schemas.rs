//! The component schemas of each resource: its representation, its write bodies and
//! the rules of each field.

use serde_json::{Map, Value, json};

use super::builder::{Builder, Op};
use super::shared::*;
use crate::context::{FieldContext, ResourceContext};
use crate::operations::Body;
use crate::spec::{
    Bound, DEFAULT_DECIMAL, Denied, Field, FieldAccess, FieldWrite, Format, Rule, Rules, Shape,
};

impl<'a> Builder<'a> {
    pub(super) fn resource_schemas(&self, r: &ResourceContext, schemas: &mut Map<String, Value>) {
        let name = schema_name(r);
        // The representation: every key, always present.
        let mut props = Map::new();
        let mut required = Vec::new();
        props.insert(
            "id".into(),
            json!({"type": "string", "format": "uuid", "readOnly": true}),
        );
        required.push("id".to_string());
        for b in &r.belongs_to {
            props.insert(b.json.clone(), uuid_schema(b.required, None));
            required.push(b.json.clone());
        }
        for f in &r.fields {
            let mut schema = self.response_field(r, f);
            let access = self.access(r, f);
            if let Some(object) = schema.as_object_mut() {
                if let Some(read) = readers(access) {
                    add_sentence(
                        object,
                        &format!("Seen only by {}; others never get the key.", self.who(read)),
                    );
                }
                if let Some(sentence) = self.written_by(access) {
                    add_sentence(object, &sentence);
                }
                if access.write == FieldWrite::None {
                    object.insert("readOnly".into(), json!(true));
                }
            }
            props.insert(f.names.camel.clone(), schema);
            // Callers who may not see the field never get its key.
            if readers(access).is_none() {
                required.push(f.names.camel.clone());
            }
        }
        for f in &r.files {
            props.insert(f.names.camel.clone(), super::file_paths::file_property(f));
            // Like any field's: callers who may not see it never get its key.
            let hidden = (self.spec.resource(&r.names.snake))
                .and_then(|resource| {
                    resource
                        .fields
                        .iter()
                        .find(|field| field.names.snake == f.names.snake)
                })
                .is_some_and(|field| readers(&field.access).is_some());
            if !hidden {
                required.push(f.names.camel.clone());
            }
        }
        if r.account {
            props.insert(
                "roles".into(),
                json!({
                    "type": "array",
                    "maxItems": self.spec.auth.roles.len(),
                    "items": {"type": "string", "enum": self.spec.auth.roles},
                    "readOnly": true,
                    "description": "Set by an admin only (`PUT .../roles`)."
                }),
            );
            required.push("roles".into());
        }
        if r.versioned {
            props.insert(
                "version".into(),
                json!({
                    "type": "integer",
                    "format": "int32",
                    "minimum": 1,
                    "maximum": i32::MAX,
                    "description": "Starts at 1; every successful write bumps it. Send it back in a PUT or PATCH body to refuse a stale write (409 `VERSION_CONFLICT`)."
                }),
            );
            required.push("version".into());
        }
        if r.timestamps {
            for key in ["createdAt", "updatedAt"] {
                props.insert(
                    key.into(),
                    json!({"type": "string", "format": "date-time", "readOnly": true}),
                );
                required.push(key.into());
            }
        }
        schemas.insert(
            name.clone(),
            json!({
                "type": "object",
                "description": r.description,
                "properties": props,
                "required": required,
                "additionalProperties": false
            }),
        );
        // A list item: the same keys, only those `fields` selects.
        schemas.insert(
            format!("{name}.Item"),
            json!({
                "type": "object",
                "description": format!("{} In a list, `fields` may select only some keys.", r.description),
                "properties": props,
                "additionalProperties": false
            }),
        );
        schemas.insert(format!("{name}.List"), page_of(&format!("{name}.Item")));
        schemas.insert(
            format!("{name}.Create"),
            self.body_schema(r, Body::Create, None),
        );
        schemas.insert(
            format!("{name}.Replace"),
            self.body_schema(r, Body::Replace, None),
        );
        schemas.insert(
            format!("{name}.Patch"),
            self.body_schema(r, Body::Patch, None),
        );
        // Only relations with nested routes: another service's rows have none.
        for b in r
            .belongs_to
            .iter()
            .filter(|b| !b.owner && !b.remote && !r.account)
        {
            schemas.insert(
                format!("{name}.CreateFor{}", b.names.pascal),
                self.body_schema(r, Body::Create, Some(&b.json)),
            );
        }
        if let Some(register) = self.register_schema(r) {
            schemas.insert(register, self.body_schema(r, Body::Register, None));
        }
    }

    /// The field rules of a context field (none for a field the spec does not have).
    pub(super) fn access(&self, r: &ResourceContext, f: &FieldContext) -> &'a FieldAccess {
        static UNRESTRICTED: FieldAccess = FieldAccess {
            read: None,
            write: FieldWrite::Row,
            denied: Denied::Reject,
        };
        self.field(r, f).map_or(&UNRESTRICTED, |sf| &sf.access)
    }

    /// The account's registration body, when it differs from an admin's create body: some
    /// field is one the new account may not write, so it is left out.
    pub(super) fn register_schema(&self, r: &ResourceContext) -> Option<String> {
        let differs = r.account
            && r.fields
                .iter()
                .any(|f| !self.in_body(self.access(r, f), Body::Register));
        differs.then(|| format!("{}.Register", schema_name(r)))
    }

    /// Whether a field with `access` belongs in a body: never one nobody writes through the
    /// API, nor a set-once one in an update (the service keeps the stored value), nor in a
    /// registration one the new account may not write.
    pub(super) fn in_body(&self, access: &FieldAccess, kind: Body) -> bool {
        match (&access.write, kind) {
            (FieldWrite::None, _) => false,
            (FieldWrite::Create, Body::Replace | Body::Patch) => false,
            (FieldWrite::Rules(rules), Body::Register) => self.registrant_passes(rules),
            _ => true,
        }
    }

    /// Whether a new account, writing its own row with the default role, passes `rules`.
    pub(super) fn registrant_passes(&self, rules: &[Rule]) -> bool {
        let auth = &self.spec.auth;
        auth.passes(rules, Some(&auth.registrant()), true)
    }

    /// Who passes `rules`, in words.
    pub(super) fn who(&self, rules: &[Rule]) -> String {
        self.spec.auth.who_passes(rules)
    }

    /// What the representation says of who writes a field, if its rules narrow that.
    pub(super) fn written_by(&self, access: &FieldAccess) -> Option<String> {
        let ignored = access.denied == Denied::Ignore;
        Some(match &access.write {
            FieldWrite::Row => return None,
            FieldWrite::Rules(rules) if ignored => format!(
                "Written only by {}; from others the value is ignored.",
                self.who(rules)
            ),
            FieldWrite::Rules(rules) => {
                format!("Written only by {}; others get 422.", self.who(rules))
            }
            FieldWrite::Create => "Set once, when the row is created; no update changes it.".into(),
            FieldWrite::None => {
                "Read-only: the service sets it (its rules code or jobs), never a request.".into()
            }
        })
    }

    /// An operation's note on the field rules that shape its answer and its body:
    /// "Field rules: `status` is written only by ...; `costPrice` is seen only by ...".
    pub(super) fn field_rules_note(&self, r: &ResourceContext, op: Op) -> Option<String> {
        let mut phrases = Vec::new();
        for f in &r.fields {
            let access = self.access(r, f);
            let mut clauses = Vec::new();
            if let Some(read) = readers(access) {
                let others = if op == Op::List {
                    if read.contains(&Rule::Owner) {
                        "others never get the key, and cannot filter or sort by it or select it in `fields`; an owner alone may do so only in a list of their own rows"
                    } else {
                        "others never get the key, and cannot filter or sort by it or select it in `fields`"
                    }
                } else {
                    "others never get the key"
                };
                clauses.push(format!("seen only by {} ({others})", self.who(read)));
            }
            if let Op::Write(kind) = op
                && let Some(clause) = self.write_clause(access, kind)
            {
                clauses.push(clause);
            }
            if !clauses.is_empty() {
                phrases.push(format!("`{}` is {}", f.names.camel, clauses.join(" and ")));
            }
        }
        (!phrases.is_empty()).then(|| format!("Field rules: {}.", phrases.join("; ")))
    }

    /// How a write of `kind` treats a field, in a clause after "is", if its rules narrow it.
    pub(super) fn write_clause(&self, access: &FieldAccess, kind: Body) -> Option<String> {
        let ignored = access.denied == Denied::Ignore;
        let update = !kind.creates();
        Some(match &access.write {
            FieldWrite::Row => return None,
            FieldWrite::Rules(rules)
                if kind == Body::Register && !self.registrant_passes(rules) =>
            {
                let sent = if ignored { "is ignored" } else { "gets 422" };
                format!(
                    "written only by {} (not part of this body: a value sent {sent})",
                    self.who(rules)
                )
            }
            FieldWrite::Rules(rules) => {
                let who = self.who(rules);
                let others = match (ignored, update) {
                    (true, _) => "from others the value is ignored",
                    (false, false) => "others get 422",
                    (false, true) => "others get 422 unless they send back the value they read",
                };
                let left_out = match (kind, ignored) {
                    (Body::Replace, false) => {
                        ", and may leave the key out to keep the stored value"
                    }
                    (Body::Replace, true) => {
                        ", and they may leave the key out to keep the stored value"
                    }
                    _ => "",
                };
                format!("written only by {who} ({others}{left_out})")
            }
            FieldWrite::Create if update => {
                let changed = if ignored { "is ignored" } else { "gets 422" };
                format!("set once, on create (not part of this body: a changed value {changed})")
            }
            FieldWrite::Create => "set once, here (no update changes it)".into(),
            FieldWrite::None => {
                let outcome = if ignored { "is ignored" } else { "gets 422" };
                let sent = if update {
                    "a changed value"
                } else {
                    "a value sent"
                };
                format!(
                    "read-only (only the service sets it, never a request: not part of this body; {sent} {outcome})"
                )
            }
        })
    }

    /// Adds the field rules note to the operation `method` of `item`, if it has one.
    pub(super) fn note(&self, operation: &mut Map<String, Value>, r: &ResourceContext, op: Op) {
        let Some(note) = self.field_rules_note(r, op) else {
            return;
        };
        let text = match operation.get("description").and_then(Value::as_str) {
            Some(first) => format!("{first} {note}"),
            None => note,
        };
        operation.insert("description".into(), json!(text));
    }

    /// What a body schema says of who may write a field, if its rules narrow that.
    pub(super) fn body_rule(&self, access: &FieldAccess, kind: Body) -> Option<String> {
        let ignored = access.denied == Denied::Ignore;
        let rules = match &access.write {
            FieldWrite::Create if kind.creates() => {
                return Some("Set once, here: no update changes it.".into());
            }
            FieldWrite::Rules(rules) => rules,
            _ => return None,
        };
        let who = self.who(rules);
        Some(match (kind, ignored) {
            (Body::Create | Body::Register, false) => {
                format!("Written only by {who}; others get 422.")
            }
            (Body::Create | Body::Register, true) => format!(
                "Written only by {who}; from others the value is ignored (the field gets its default)."
            ),
            (Body::Replace, false) => format!(
                "Written only by {who}; others get 422 unless they send back the value they read, and may leave the key out to keep the stored value."
            ),
            (Body::Replace, true) => format!(
                "Written only by {who}; from others the value is ignored, and they may leave the key out (the stored value stays)."
            ),
            (Body::Patch, false) => {
                format!(
                    "Written only by {who}; others get 422 unless they send back the value they read."
                )
            }
            (Body::Patch, true) => {
                format!("Written only by {who}; from others the value is ignored.")
            }
        })
    }

    /// A body's optional owner key: who may send another user's id in it.
    pub(super) fn owner_key_schema(&self, r: &ResourceContext, kind: Body) -> Value {
        let admin = &self.spec.auth.admin_role;
        let roles: Vec<&str> = r
            .owner_set_by
            .iter()
            .map(String::as_str)
            .chain([admin.as_str()])
            .collect();
        let absent = if kind == Body::Create {
            "the caller owns the new row"
        } else {
            "the owner stays"
        };
        let description = format!(
            "The owning user's id. Left out (or null), {absent}. Only callers with the role {} may name another user (403 otherwise); 422 when no user has this id.",
            roles.join(" or ")
        );
        uuid_schema(false, Some(&description))
    }

    /// A write body; `without` is a foreign key the path sets (nested create).
    pub(super) fn body_schema(
        &self,
        r: &ResourceContext,
        kind: Body,
        without: Option<&str>,
    ) -> Value {
        let mut props = Map::new();
        let mut required = Vec::new();
        let mut require = |key: &str, required_key: bool| {
            let wanted = match kind {
                Body::Create | Body::Register => required_key,
                Body::Replace => true,
                Body::Patch => false,
            };
            if wanted {
                required.push(key.to_string());
            }
        };
        for b in &r.belongs_to {
            if without == Some(b.json.as_str()) {
                continue;
            }
            // The owner is the caller unless a role in `owner_set_by` names another user.
            if b.owner {
                props.insert(b.json.clone(), self.owner_key_schema(r, kind));
                continue;
            }
            let description = format!(
                "The id of an existing {} (422 when there is none).",
                b.target.words
            );
            props.insert(b.json.clone(), uuid_schema(b.required, Some(&description)));
            require(&b.json, r.required_keys.contains(&b.json));
        }
        let mut narrowed = false;
        for f in &r.fields {
            let access = self.access(r, f);
            if !self.in_body(access, kind) {
                continue;
            }
            let mut schema = self.request_field(r, f);
            if kind.creates()
                && let Some(default) = self.field(r, f).and_then(|sf| sf.default.as_ref())
            {
                schema.insert("default".into(), literal(default));
            }
            if let Some(sentence) = self.body_rule(access, kind) {
                add_sentence(&mut schema, &sentence);
                narrowed |= matches!(access.write, FieldWrite::Rules(_));
            }
            props.insert(f.names.camel.clone(), Value::Object(schema));
            // In a PUT, a field with write rules stays required: those who may write it must
            // send it (the service takes a missing key as a mistake), and only the others
            // may leave it out, which its description says.
            require(&f.names.camel, r.required_keys.contains(&f.names.camel));
        }
        if r.account && kind.creates() {
            let min = self.spec.auth.password_min_length;
            props.insert(
                "password".into(),
                json!({
                    "type": "string",
                    "minLength": min,
                    "maxLength": 256,
                    "writeOnly": true,
                    "description": format!("At least {min} characters, not only spaces, not the email. Stored only as an Argon2id hash.")
                }),
            );
            required.push("password".into());
        }
        if r.versioned && !kind.creates() {
            props.insert(
                "version".into(),
                json!({
                    "type": ["integer", "null"],
                    "format": "int32",
                    "minimum": 1,
                    "maximum": i32::MAX,
                    "description": "The version this write was based on: a stale one gets 409 `VERSION_CONFLICT`."
                }),
            );
        }
        let mut description = match (kind, without) {
            (Body::Create, None) => {
                "A create body: keys left out take their defaults (optional ones are null)."
                    .to_string()
            }
            (Body::Create | Body::Register, Some(key)) => format!(
                "A create body under the parent: `{key}` comes from the path and may not be sent."
            ),
            (Body::Register, None) => "A registration: keys left out take their defaults (optional ones are null); fields only others may write are not part of it.".into(),
            (Body::Replace, _) => {
                "A replace body: every writable key is required; optional ones may be null.".into()
            }
            (Body::Patch, _) => {
                "A partial update: an absent key is unchanged, `null` clears an optional field."
                    .into()
            }
        };
        if narrowed && kind == Body::Replace {
            description.push_str(
                " A caller who may not write a field may leave its key out: the stored value stays.",
            );
        }
        let mut schema = json!({
            "type": "object",
            "description": description,
            "properties": props,
            "additionalProperties": false
        });
        if !required.is_empty() {
            schema["required"] = json!(required);
        }
        schema
    }

    /// A field in a request body: its type, rules and an example.
    pub(super) fn request_field(
        &self,
        r: &ResourceContext,
        f: &FieldContext,
    ) -> Map<String, Value> {
        let spec_field = self.field(r, f);
        let rules = spec_field.map(|sf| sf.rules.clone()).unwrap_or_default();
        let nullable = !f.required;
        let props = f.kind.props();
        // A pattern in a syntax OpenAPI's dialect does not share is described in words.
        let mut rust_only_pattern = None;
        let mut s = match value_schema(f, nullable) {
            None => {
                // Any JSON value: the shared schema, which a required field narrows.
                let mut s = Map::new();
                s.insert("$ref".into(), schema_ref("JsonValue")["$ref"].clone());
                if !nullable {
                    s.insert("not".into(), not_null());
                }
                s
            }
            Some(_) if matches!(props.shape, Shape::Decimal) => {
                let (precision, scale) = spec_field
                    .and_then(|sf| sf.ty.decimal())
                    .unwrap_or(DEFAULT_DECIMAL);
                decimal_schema(precision, scale, &rules, nullable)
            }
            Some(mut s) => {
                // The rules the type takes; validation refuses the others, so each that is
                // set applies.
                if let Some(n) = rules.min_length {
                    s.insert("minLength".into(), json!(n));
                }
                if let Some(n) = spec_field.and_then(Field::max_length) {
                    s.insert("maxLength".into(), json!(n));
                }
                if let Some(p) = &rules.pattern {
                    if crate::pattern::is_portable(p) {
                        s.insert("pattern".into(), json!(p));
                    } else {
                        rust_only_pattern = Some(p.clone());
                    }
                }
                if matches!(props.shape, Shape::Text) {
                    exclude_nul(&mut s);
                }
                match rules.format {
                    Some(Format::Email) => {
                        s.insert("format".into(), json!("email"));
                    }
                    Some(Format::Url) => {
                        s.insert("format".into(), json!("uri"));
                    }
                    None => {}
                }
                // A whole number is always bounded: by its rules, else by its column.
                if let Some((lo, hi)) = props.shape.whole_range() {
                    let limit = |rule: &Option<Bound>, column: i64| {
                        rule.as_ref().map_or(json!(column), bound)
                    };
                    s.insert("minimum".into(), limit(&rules.min, lo));
                    s.insert("maximum".into(), limit(&rules.max, hi));
                } else {
                    insert_bounds(&mut s, &rules.min, &rules.max);
                }
                s
            }
        };
        if !f.description.is_empty() && !s.contains_key("description") {
            s.insert("description".into(), json!(f.description));
        }
        if let Some(pattern) = rust_only_pattern {
            add_sentence(
                &mut s,
                &format!("Must match the Rust regular expression `{pattern}`."),
            );
        }
        if let Some(reference) = spec_field.and_then(|sf| sf.references.as_ref()) {
            add_sentence(
                &mut s,
                &format!(
                    "The id of a {} of the `{}` service, which a write that sets it asks, with \
                     the caller's token: 422 unless the caller may read that row there, 503 while \
                     the service cannot answer.",
                    reference.resource.replace('_', " "),
                    reference.service
                ),
            );
        }
        if let Some(example) = f
            .samples
            .first()
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
        {
            s.insert("examples".into(), json!([example]));
        }
        s
    }

    /// A field in a representation: its type, format, enum values and length bound.
    pub(super) fn response_field(&self, r: &ResourceContext, f: &FieldContext) -> Value {
        let nullable = !f.required;
        let spec_field = self.field(r, f);
        // The default bound holds on reads only where every stored value was written under
        // it (`pipeline::History`); the spec's own bound always did.
        let max_length = if self.ctx.string_reads_bounded {
            spec_field.and_then(Field::max_length)
        } else {
            spec_field.and_then(|sf| sf.rules.max_length)
        };
        let mut s = match value_schema(f, nullable) {
            Some(mut s) => {
                if matches!(f.kind.props().shape, Shape::Decimal) {
                    // The service writes a decimal as a string, to keep every digit.
                    s.insert("pattern".into(), json!(DECIMAL_PATTERN));
                    s.insert("maxLength".into(), json!(MAX_DECIMAL_TEXT));
                }
                if let Some(n) = max_length {
                    s.insert("maxLength".into(), json!(n));
                }
                // A whole number holds what its column does.
                if let Some((lo, hi)) = f.kind.props().shape.whole_range() {
                    s.insert("minimum".into(), json!(lo));
                    s.insert("maximum".into(), json!(hi));
                }
                Value::Object(s)
            }
            // Any JSON value; a required one is never null.
            None if nullable => json!({"description": "Any JSON value."}),
            None => json!({"not": not_null(), "description": "Any JSON value but null."}),
        };
        if !f.description.is_empty() {
            s["description"] = json!(f.description);
        }
        s
    }
}

/// A decimal in a request body. Unlike other types it has two JSON forms, an exact string
/// or a number, and its precision and scale bound both (docs/architecture.md on decimals).
fn decimal_schema(precision: u32, scale: u32, rules: &Rules, nullable: bool) -> Map<String, Value> {
    let mut number = Map::new();
    number.insert("type".into(), json!("number"));
    insert_bounds(&mut number, &rules.min, &rules.max);
    // At most `precision - scale` digits before the point.
    let limit = 10f64.powi((precision - scale) as i32);
    number.insert("exclusiveMaximum".into(), json!(limit));
    number.insert("exclusiveMinimum".into(), json!(-limit));
    // At most `scale` places. The service counts them in the number's shortest decimal form,
    // as JSON Schema tools that divide exactly do.
    let step = if scale == 0 {
        json!(1)
    } else {
        json!(10f64.powi(-(scale as i32)))
    };
    number.insert("multipleOf".into(), step);
    let text = crate::decimal_pattern::pattern(
        precision - scale,
        scale,
        rules.min.as_ref().map(crate::spec::bound_text).as_deref(),
        rules.max.as_ref().map(crate::spec::bound_text).as_deref(),
    );
    let mut arms = vec![
        json!({"type": "string", "pattern": text, "maxLength": MAX_DECIMAL_TEXT}),
        Value::Object(number),
    ];
    if nullable {
        arms.push(json!({"type": "null"}));
    }
    let mut s = Map::new();
    s.insert("oneOf".into(), json!(arms));
    let digits = precision - scale;
    let mut text = format!(
        "An exact decimal, at most {digits} digits before the point and {scale} after; a string (`\"19.99\"`) or a number"
    );
    if let Some(min) = &rules.min {
        text.push_str(&format!(", at least {}", crate::spec::bound_text(min)));
    }
    if let Some(max) = &rules.max {
        text.push_str(&format!(", at most {}", crate::spec::bound_text(max)));
    }
    text.push('.');
    s.insert("description".into(), json!(text));
    s
}
