//! A resource's operations: its collection and item, nested under its parents, its
//! many-to-many links, and who may call each.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn resource_paths(&self, r: &ResourceContext, paths: &mut Map<String, Value>) {
        let name = schema_name(r);
        let tag = tag(r);
        let one = format!("{}/{{id}}", r.url);

        let mut collection = Map::new();
        collection.insert(
            "get".into(),
            json!({
                "operationId": format!("list{}", r.names.plural_pascal),
                "summary": self.summary("GET", &r.url),
                "tags": [tag],
                "parameters": self.list_parameters(r),
                "responses": responses(vec![
                    ("200", ok_json("One page of rows.", &format!("{name}.List"), &[])),
                    ("400", error("BadRequest")),
                    ("500", error("InternalError")),
                    ("503", error("ServiceUnavailable")),
                ])
            }),
        );
        collection.insert(
            "post".into(),
            json!({
                "operationId": format!("create{}", r.names.pascal),
                "summary": self.summary("POST", &r.url),
                "tags": [tag],
                "requestBody": body_ref(&format!("{name}.Create")),
                "responses": create_responses(&name, false, self.links(r))
            }),
        );
        self.guard(&mut collection, "get", r, Action::List);
        self.guard(&mut collection, "post", r, Action::Create);
        self.note(&mut collection, "get", r, Op::List);
        self.note(&mut collection, "post", r, Op::Write(Body::Create));
        paths.insert(r.url.clone(), Value::Object(collection));

        let mut item = Map::new();
        item.insert("parameters".into(), json!([param_ref("Id")]));
        item.insert(
            "get".into(),
            json!({
                "operationId": format!("get{}", r.names.pascal),
                "summary": self.summary("GET", &one),
                "tags": [tag],
                "parameters": [param_ref("IfNoneMatch")],
                "responses": responses(vec![
                    ("200", ok_json("The row.", &name, &["ETag"])),
                    ("304", json!({
                        "description": "`If-None-Match` lists the current `ETag`: the client's copy is current.",
                        "headers": headers(&["ETag"])
                    })),
                    ("404", error("NotFound")),
                    ("500", error("InternalError")),
                    ("503", error("ServiceUnavailable")),
                ])
            }),
        );
        for (method, verb, body, what) in [
            ("put", "replace", "Replace", "The replaced row."),
            ("patch", "update", "Patch", "The updated row."),
        ] {
            item.insert(
                method.into(),
                json!({
                    "operationId": format!("{verb}{}", r.names.pascal),
                    "summary": self.summary(&method.to_uppercase(), &one),
                    "tags": [tag],
                    "parameters": [param_ref("IfMatch")],
                    "requestBody": body_ref(&format!("{name}.{body}")),
                    "responses": responses(vec![
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
                    ])
                }),
            );
        }
        item.insert(
            "delete".into(),
            json!({
                "operationId": format!("delete{}", r.names.pascal),
                "summary": self.summary("DELETE", &one),
                "tags": [tag],
                "parameters": [param_ref("IfMatch")],
                "responses": responses(vec![
                    ("204", no_content(if r.soft_delete { "Soft-deleted: the row vanishes from every read." } else { "Deleted." })),
                    ("404", error("NotFound")),
                    ("409", error("Conflict")),
                    ("412", error("PreconditionFailed")),
                    ("500", error("InternalError")),
                    ("503", error("ServiceUnavailable")),
                ])
            }),
        );
        self.guard(&mut item, "get", r, Action::Read);
        self.guard(&mut item, "put", r, Action::Update);
        self.guard(&mut item, "patch", r, Action::Update);
        self.guard(&mut item, "delete", r, Action::Delete);
        self.note(&mut item, "get", r, Op::Read);
        self.note(&mut item, "put", r, Op::Write(Body::Replace));
        self.note(&mut item, "patch", r, Op::Write(Body::Patch));
        paths.insert(one.clone(), Value::Object(item));

        // Nested under each parent: list and create the children.
        for b in &r.belongs_to {
            let path = format!("{}{}", self.ctx.api_prefix, b.nested_path);
            let mut nested = Map::new();
            nested.insert(
                "parameters".into(),
                json!([{
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": format!("The parent {}'s id.", b.target.words),
                    "schema": {"type": "string", "format": "uuid"}
                }]),
            );
            nested.insert(
                "get".into(),
                json!({
                    "operationId": format!("list{}By{}", r.names.plural_pascal, b.names.pascal),
                    "summary": self.summary("GET", &path),
                    "tags": [tag],
                    "parameters": self.list_parameters(r),
                    "responses": responses(vec![
                        ("200", ok_json("One page of the parent's rows.", &format!("{name}.List"), &[])),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ])
                }),
            );
            if !b.owner && !r.account {
                nested.insert(
                    "post".into(),
                    json!({
                        "operationId": format!("create{}For{}", r.names.pascal, b.names.pascal),
                        "summary": self.summary("POST", &path),
                        "tags": [tag],
                        "requestBody": body_ref(&format!("{name}.CreateFor{}", b.names.pascal)),
                        "responses": create_responses(&name, true, self.links(r))
                    }),
                );
            }
            self.guard(&mut nested, "get", r, Action::List);
            self.guard(&mut nested, "post", r, Action::Create);
            self.note(&mut nested, "get", r, Op::List);
            self.note(&mut nested, "post", r, Op::Write(Body::Create));
            paths.insert(path, Value::Object(nested));
        }

        // Many-to-many links declared on this resource.
        for l in &r.links {
            let Some(target) = self.resource(&l.target.snake) else {
                continue;
            };
            let target_name = schema_name(target);
            let list_path = format!("{one}/{}", l.target.plural_kebab);
            let other = format!("{}Id", l.target.camel);
            let item_path = format!("{list_path}/{{{other}}}");
            let mut list = Map::new();
            list.insert("parameters".into(), json!([param_ref("Id")]));
            list.insert(
                "get".into(),
                json!({
                    "operationId": format!("list{}Of{}", l.target.plural_pascal, r.names.pascal),
                    "summary": self.summary("GET", &list_path),
                    "tags": [tag],
                    "parameters": self.list_parameters(target),
                    "responses": responses(vec![
                        ("200", ok_json("One page of the linked rows.", &format!("{target_name}.List"), &[])),
                        ("400", error("BadRequest")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ])
                }),
            );
            self.guard(&mut list, "get", r, Action::Read);
            // The linked rows are the target's: its field rules shape them.
            self.note(&mut list, "get", target, Op::List);
            paths.insert(list_path, Value::Object(list));

            let mut link = Map::new();
            link.insert(
                "parameters".into(),
                json!([
                    param_ref("Id"),
                    {
                        "name": other,
                        "in": "path",
                        "required": true,
                        "description": format!("The {}'s id.", l.target.words),
                        "schema": {"type": "string", "format": "uuid"}
                    }
                ]),
            );
            link.insert(
                "put".into(),
                json!({
                    "operationId": format!("link{}{}", r.names.pascal, l.target.pascal),
                    "summary": self.summary("PUT", &item_path),
                    "tags": [tag],
                    "responses": responses(vec![
                        ("204", no_content("Linked (linking twice changes nothing).")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ])
                }),
            );
            link.insert(
                "delete".into(),
                json!({
                    "operationId": format!("unlink{}{}", r.names.pascal, l.target.pascal),
                    "summary": self.summary("DELETE", &item_path),
                    "tags": [tag],
                    "responses": responses(vec![
                        ("204", no_content("Unlinked.")),
                        ("404", error("NotFound")),
                        ("500", error("InternalError")),
                        ("503", error("ServiceUnavailable")),
                    ])
                }),
            );
            self.guard(&mut link, "put", r, Action::Update);
            self.guard(&mut link, "delete", r, Action::Update);
            paths.insert(item_path, Value::Object(link));
        }
    }

    /// With jwt auth, says who may call an operation: `security` (optional when the rules
    /// are public) and the 401 and 403 answers of the access rules.
    pub(super) fn guard(
        &self,
        item: &mut Map<String, Value>,
        method: &str,
        r: &ResourceContext,
        action: Action,
    ) {
        if self.spec.auth.mode != AuthMode::Jwt {
            return;
        }
        let Some(op) = item.get_mut(method) else {
            return;
        };
        let Some(access) = self.spec.resource(&r.names.snake).map(|res| &res.access) else {
            return;
        };
        let rules = match action {
            Action::List => &access.list,
            Action::Read => &access.read,
            Action::Create => &access.create,
            Action::Update => &access.update,
            Action::Delete => &access.delete,
        };
        op["security"] = if rules.contains(&Rule::Public) {
            json!([{}, {"bearerAuth": []}])
        } else {
            json!([{"bearerAuth": []}])
        };
        // A bad token is refused wherever one is read; rows a caller may not read are 404s.
        op["responses"]["401"] = error("Unauthorized");
        if action != Action::Read {
            op["responses"]["403"] = error("Forbidden");
        }
    }

    /// OpenAPI links from a created row to the operations that take its id, so clients (and
    /// Schemathesis's stateful tests) can follow them. Named after the operation they call.
    pub(super) fn links(&self, r: &ResourceContext) -> Value {
        let mut links = Map::new();
        let mut add = |operation: String, parameter: &str| {
            links.insert(
                operation.clone(),
                json!({
                    "operationId": operation,
                    "parameters": {parameter: "$response.body#/id"}
                }),
            );
        };
        let p = &r.names.pascal;
        for verb in ["get", "replace", "update", "delete"] {
            add(format!("{verb}{p}"), "id");
        }
        for &(i, j) in self.spec.references_to(&r.names.snake) {
            let Some(child) = self.ctx.resources.get(i) else {
                continue;
            };
            let Some(b) = child.belongs_to.get(j) else {
                continue;
            };
            let rel = &b.names.pascal;
            add(format!("list{}By{rel}", child.names.plural_pascal), "id");
            if !b.owner && !child.account {
                add(format!("create{}For{rel}", child.names.pascal), "id");
            }
        }
        for l in &r.links {
            let t = &l.target;
            add(format!("list{}Of{p}", t.plural_pascal), "id");
            add(format!("link{p}{}", t.pascal), "id");
            add(format!("unlink{p}{}", t.pascal), "id");
        }
        for other in self
            .spec
            .linked_from(&r.names.snake)
            .iter()
            .filter_map(|&i| self.ctx.resources.get(i))
        {
            let o = &other.names.pascal;
            let parameter = format!("{}Id", r.names.camel);
            add(format!("link{o}{}", r.names.pascal), &parameter);
            add(format!("unlink{o}{}", r.names.pascal), &parameter);
        }
        Value::Object(links)
    }

    pub(super) fn summary(&self, method: &str, path: &str) -> String {
        self.summaries
            .get(&(method, path))
            .map(|summary| summary.to_string())
            .unwrap_or_default()
    }

    /// The query parameters of a list of `r` (docs/contract.md, "Lists").
    pub(super) fn list_parameters(&self, r: &ResourceContext) -> Value {
        let mut params = vec![param_ref("Page"), param_ref("Limit"), param_ref("Cursor")];
        let mut sortable = vec!["id".to_string()];
        let mut keys = vec!["id".to_string()];
        let mut filters: Vec<(String, Value, String)> = Vec::new();
        let uuid = json!({"type": "string", "format": "uuid"});
        let instant = json!({
            "type": "string",
            "anyOf": [{"format": "date-time"}, {"format": "date"}]
        });

        for b in &r.belongs_to {
            keys.push(b.json.clone());
            if b.required {
                sortable.push(b.json.clone());
            }
            filters.push((
                b.json.clone(),
                uuid.clone(),
                format!("Only rows whose `{}` is this id.", b.json),
            ));
        }
        // Keys only some callers see, with who may use them: others get 400 as for an
        // unknown key.
        let mut guarded: Vec<(String, String)> = Vec::new();
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
            if f.spec_type == "json" {
                continue;
            }
            let first_filter = filters.len();
            if f.required {
                sortable.push(key.clone());
            }
            let value = match f.spec_type {
                "integer" | "big_integer" => json!({
                    "type": "integer",
                    "format": "int64",
                    "minimum": i64::MIN,
                    "maximum": i64::MAX
                }),
                "float" | "decimal" => json!({"type": "number"}),
                "boolean" => json!({"type": "boolean"}),
                "uuid" => uuid.clone(),
                "date" => json!({"type": "string", "format": "date"}),
                "datetime" => instant.clone(),
                "enum" => json!({
                    "type": "string",
                    "enum": f.enum_values.iter().map(|v| v.value.clone()).collect::<Vec<_>>()
                }),
                _ => json!({"type": "string", "pattern": NO_NUL}),
            };
            filters.push((
                key.clone(),
                value.clone(),
                format!("Only rows whose `{key}` equals this value."),
            ));
            match f.spec_type {
                "integer" | "big_integer" | "float" | "decimal" => {
                    filters.push((
                        format!("{key}Min"),
                        value.clone(),
                        format!("Only rows whose `{key}` is at least this."),
                    ));
                    filters.push((
                        format!("{key}Max"),
                        value,
                        format!("Only rows whose `{key}` is at most this."),
                    ));
                }
                "date" | "datetime" => {
                    let base = key.strip_suffix("At").unwrap_or(key);
                    filters.push((
                        format!("{base}After"),
                        value.clone(),
                        format!("Only rows whose `{key}` is at or after this."),
                    ));
                    filters.push((
                        format!("{base}Before"),
                        value,
                        format!("Only rows whose `{key}` is at or before this."),
                    ));
                }
                _ => {}
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
                sortable.push(key.into());
                filters.push((
                    format!("{base}After"),
                    instant.clone(),
                    format!("Only rows whose `{key}` is at or after this (a date means its first instant, UTC)."),
                ));
                filters.push((
                    format!("{base}Before"),
                    instant.clone(),
                    format!("Only rows whose `{key}` is at or before this (a date means its first instant, UTC)."),
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

        let alternatives = |keys: &[String]| keys.join("|");
        // Spaces around a key are dropped (a `+` in a query string is one).
        let sort_key = format!(" *[+-]?({}) *", alternatives(&sortable));
        params.push(json!({
            "name": "sort",
            "in": "query",
            "description": format!(
                "Comma-separated keys, each optionally prefixed with `-` (descending) or `+` (ascending, the default); the id breaks ties, and a key given again changes nothing. Default `{}`. Sortable: {}.{}",
                if r.timestamps { "-createdAt" } else { "-id" },
                sortable.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
                only("Sorting by", &sortable)
            ),
            "schema": {"type": "string", "pattern": format!("^{sort_key}(,{sort_key})*$")}
        }));
        let field_key = format!(" *({}) *", alternatives(&keys));
        params.push(json!({
            "name": "fields",
            "in": "query",
            "description": format!(
                "Comma-separated keys of the representation: each item carries only those.{}",
                only("Selecting", &keys)
            ),
            "schema": {"type": "string", "pattern": format!("^{field_key}(,{field_key})*$")}
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
