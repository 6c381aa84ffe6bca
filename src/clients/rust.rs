//! The Rust client's generated half, its `api.rs`: a type per schema of the
//! OpenAPI document (structs and enums with serde) and a method of `Client` per operation,
//! over the hand-written runtime beside it (`lib.rs`).

use std::fmt::Write as _;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;

use crate::layout::doc_comment;

use super::{Answer, ClientOperation, Names, capitalised, notes, operations, query_type, ref_name};

/// Where the generated half is written.
pub const API_FILE: &str = "clients/rust/src/api.rs";

/// The names the runtime and `api.rs`'s imports take (the prelude's too, `taken`): a schema
/// whose type would take one is renamed. The runtime's `lib.rs` imports are among them: a
/// resource `mutex` made `Mutex`, whose `pub use api::*` a private `std::sync::Mutex`
/// shadowed (rustc's `hidden_glob_reexports`; found by a 20-step served chain).
const TAKEN: [&str; 24] = [
    "Answer",
    "ApiError",
    "Body",
    "Client",
    "Error",
    "Pager",
    "PageFuture",
    "Problem",
    "Raw",
    "Request",
    "RequestOptions",
    "Tokens",
    "Pair",
    "Serialize",
    "Deserialize",
    "DeserializeOwned",
    "Future",
    "HeaderMap",
    "HeaderValue",
    "Method",
    "Mutex",
    "Pin",
    "PoisonError",
    "VecDeque",
];

/// Every name a schema's type may not take.
fn taken() -> Vec<&'static str> {
    TAKEN
        .iter()
        .chain(crate::names::prelude_types())
        .copied()
        .collect()
}

/// A name as a Rust identifier: a keyword raw (`r#type`), one that cannot be raw with a `_`
/// after it (`self_`).
fn ident(snake: &str) -> String {
    if crate::names::NOT_RAW.contains(&snake) {
        format!("{snake}_")
    } else {
        crate::names::rust_ident(snake)
    }
}

/// `api.rs` for the service whose document is `document` (JSON text).
pub fn api(document: &str) -> String {
    let document: Value = serde_json::from_str(document).unwrap_or_default();
    let schemas = &document["components"]["schemas"];
    let ops = operations(&document);
    let names = Names::new(schemas, &ops, &taken());
    let mut types = Types {
        names: &names,
        defs: Vec::new(),
        enums: Vec::new(),
        taken: names_taken(schemas, &names, &ops),
        nullable: false,
    };
    for (name, schema) in schemas.as_object().into_iter().flatten() {
        if name == "JsonValue" {
            continue;
        }
        let set_once = super::set_once(schemas, name);
        types.named(&names.of(name), schema, &set_once);
    }
    let mut methods = String::new();
    for op in &ops {
        if !op.query.is_empty() {
            types.query(op);
        }
        write_operation(&mut methods, &mut types, op, schemas);
    }
    let refresh = ops
        .iter()
        .find(|op| op.id == "refresh")
        .map_or("None".to_owned(), |op| format!("Some({:?})", op.path));
    let mut out = String::from(
        "//! Written by backend-gen from openapi.json: `backend-gen update` rewrites it.\n\
         //! A type per schema of the document, and a method of `Client` per operation.\n\n\
         use serde::{Deserialize, Serialize};\n\n\
         use crate::{Answer, Client, Error, RequestOptions};\n\n",
    );
    let _ = writeln!(
        out,
        "/// Where a refresh token is traded for a new pair (`None`: the service has no accounts).\n\
         pub(crate) const REFRESH_PATH: Option<&str> = {refresh};\n"
    );
    for def in &types.defs {
        out.push_str(def);
        out.push('\n');
    }
    let _ = writeln!(out, "impl Client {{{methods}}}");
    if types.nullable {
        out.push('\n');
        out.push_str(NULLABLE);
    }
    out
}

/// The serde adapter of a key a body may leave out or set to `null`, where some key is
/// such (a service whose patches clear nothing has none, and would warn of dead code).
const NULLABLE: &str = r#"/// A key a body may leave out, or set to `null`: `None` leaves it out, `Some(None)` sends
/// `null` (a patch clears the value).
mod nullable {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}
"#;

/// Every type name of the file so far: the schemas' and the query types'.
fn names_taken(schemas: &Value, names: &Names, ops: &[ClientOperation]) -> Vec<String> {
    let mut taken: Vec<String> = taken().iter().map(|name| (*name).to_owned()).collect();
    taken.extend(
        schemas
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| names.of(name)),
    );
    taken.extend(ops.iter().filter(|op| !op.query.is_empty()).map(query_type));
    taken
}

/// The types `api.rs` defines, as they are found.
struct Types<'a> {
    names: &'a Names,
    defs: Vec<String>,
    /// Enums by their values, so the same values are one type.
    enums: Vec<(Vec<String>, String)>,
    taken: Vec<String>,
    /// Some key may be left out or set to `null`: the file needs `mod nullable`.
    nullable: bool,
}

impl Types<'_> {
    /// A name for a type no schema names (an inline object or an enum), from `hint`.
    fn fresh(&mut self, hint: &str) -> String {
        let mut name = hint.to_upper_camel_case();
        while self.taken.contains(&name) {
            name.push('_');
        }
        self.taken.push(name.clone());
        name
    }

    /// A schema's type, and whether `null` is one of its values.
    fn of(&mut self, schema: &Value, hint: &str) -> (String, bool) {
        if let Some(name) = ref_name(schema) {
            let ty = self.names.of(name);
            let ty = if ty == "JsonValue" {
                "serde_json::Value".to_owned()
            } else {
                ty
            };
            return (ty, false);
        }
        let types: Vec<&str> = match &schema["type"] {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let nullable = types.contains(&"null");
        let variants = schema["oneOf"].as_array().or(schema["anyOf"].as_array());
        if let (Some(variants), true) = (variants, types.is_empty()) {
            let kinds: Vec<&str> = variants.iter().filter_map(|v| v["type"].as_str()).collect();
            let nullable = kinds.contains(&"null");
            // A component or null (a file's description): that component's type.
            if let Some(named) = variants.iter().find(|v| ref_name(v).is_some()) {
                return (self.of(named, hint).0, nullable);
            }
            // A decimal written as a string or a number: the string, which keeps every digit.
            let ty = if kinds.contains(&"string") {
                "String"
            } else {
                "serde_json::Value"
            };
            return (ty.to_owned(), nullable);
        }
        if let Some(values) = schema["enum"].as_array() {
            let values: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            return (self.enumeration(values, hint), nullable);
        }
        let kinds: Vec<&str> = types.iter().copied().filter(|ty| *ty != "null").collect();
        let ty = match kinds.as_slice() {
            [] if schema.get("properties").is_some() => self.inline(schema, hint),
            ["string"] => "String".to_owned(),
            ["integer"] => "i64".to_owned(),
            ["number"] => "f64".to_owned(),
            ["boolean"] => "bool".to_owned(),
            ["array"] => {
                let (item, item_null) = self.of(&schema["items"], &format!("{hint}Item"));
                if item_null {
                    format!("Vec<Option<{item}>>")
                } else {
                    format!("Vec<{item}>")
                }
            }
            ["object"] => self.inline(schema, hint),
            _ => "serde_json::Value".to_owned(),
        };
        (ty, nullable)
    }

    /// An inline object's type: a struct, or a map when it names no key.
    fn inline(&mut self, schema: &Value, hint: &str) -> String {
        if schema["properties"]
            .as_object()
            .is_none_or(|props| props.is_empty())
        {
            let (value, _) = match &schema["additionalProperties"] {
                extra @ Value::Object(_) => self.of(extra, &format!("{hint}Value")),
                _ => ("serde_json::Value".to_owned(), false),
            };
            return format!("std::collections::BTreeMap<String, {value}>");
        }
        let name = self.fresh(hint);
        self.named(&name, schema, &[]);
        name
    }

    /// An enum of `values` (one type per set of values).
    fn enumeration(&mut self, values: Vec<String>, hint: &str) -> String {
        if let Some((_, name)) = self.enums.iter().find(|(known, _)| *known == values) {
            return name.clone();
        }
        let name = self.fresh(hint);
        let mut def = format!(
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]\npub enum {name} {{\n"
        );
        let mut used: Vec<String> = Vec::new();
        for value in &values {
            let mut variant = value.to_upper_camel_case();
            if !variant.starts_with(|c: char| c.is_ascii_alphabetic()) {
                variant.insert(0, 'V');
            }
            if variant == "Self" {
                variant.push('_');
            }
            while used.contains(&variant) {
                variant.push('_');
            }
            used.push(variant.clone());
            let _ = writeln!(def, "    #[serde(rename = {value:?})]\n    {variant},");
        }
        def.push_str("}\n");
        self.defs.push(def);
        self.enums.push((values, name.clone()));
        name
    }

    /// A struct `name` for an object schema (a map type when it names no key).
    fn named(&mut self, name: &str, schema: &Value, set_once: &[String]) {
        let doc = notes(schema, &[], "i64", "f64::from_str");
        let mut fields = Vec::new();
        let required = crate::openapi::required_keys(schema);
        let mut all_optional = true;
        for (key, prop) in schema["properties"].as_object().into_iter().flatten() {
            let hint = format!("{name}{}", key.to_upper_camel_case());
            let (ty, nullable) = self.of(prop, &hint);
            let present = required.contains(&key.as_str());
            let once: &[&str] = if set_once.contains(key) {
                &["Set on create: a patch cannot change it."]
            } else {
                &[]
            };
            let mut attrs = Vec::new();
            let field = ident(&key.to_snake_case());
            if field.trim_start_matches("r#") != key {
                attrs.push(format!("rename = {key:?}"));
            }
            let ty = match (present, nullable) {
                (true, false) => ty,
                (true, true) => format!("Option<{ty}>"),
                (false, false) => {
                    attrs.push("default, skip_serializing_if = \"Option::is_none\"".to_owned());
                    format!("Option<{ty}>")
                }
                (false, true) => {
                    self.nullable = true;
                    attrs.push(
                        "default, skip_serializing_if = \"Option::is_none\", with = \"nullable\""
                            .to_owned(),
                    );
                    format!("Option<Option<{ty}>>")
                }
            };
            all_optional &= ty.starts_with("Option<");
            let mut text = String::new();
            let said = notes(prop, once, "i64", "f64::from_str");
            if !said.is_empty() {
                let _ = writeln!(text, "{}", doc_comment(&said, "    ///"));
            }
            if !attrs.is_empty() {
                let _ = writeln!(text, "    #[serde({})]", attrs.join(", "));
            }
            let _ = write!(text, "    pub {field}: {ty},");
            fields.push(text);
        }
        let extra = &schema["additionalProperties"];
        if extra.is_object() {
            let (value, _) = self.of(extra, &format!("{name}Value"));
            fields.push(format!(
                "    /// The other keys.\n    #[serde(flatten)]\n    pub other: std::collections::BTreeMap<String, {value}>,"
            ));
        }
        let mut def = String::new();
        if !doc.is_empty() {
            let _ = writeln!(def, "{}", doc_comment(&doc, "///"));
        }
        if fields.is_empty() {
            let _ = writeln!(
                def,
                "pub type {name} = std::collections::BTreeMap<String, serde_json::Value>;"
            );
            self.defs.push(def);
            return;
        }
        let default = if all_optional { ", Default" } else { "" };
        let _ = writeln!(
            def,
            "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize{default})]\npub struct {name} {{\n{}\n}}",
            fields.join("\n")
        );
        self.defs.push(def);
    }

    /// An operation's query parameters as a struct (`ListProductsQuery`), every key optional.
    fn query(&mut self, op: &ClientOperation) {
        let name = query_type(op);
        let mut properties = serde_json::Map::new();
        for (key, schema, _) in &op.query {
            properties.insert(key.clone(), schema.clone());
        }
        let schema = serde_json::json!({
            "description": format!("The query parameters of `{}`.", op.id.to_snake_case()),
            "type": "object",
            "properties": properties,
        });
        self.named(&name, &schema, &[]);
    }
}

/// The answer's type of an operation, and how its body is read (`json`, `text` or `bytes`).
fn answer_type(types: &mut Types<'_>, op: &ClientOperation) -> (String, &'static str) {
    let hint = format!("{}Answer", op.id.to_upper_camel_case());
    let mut found: Vec<(String, &'static str)> = Vec::new();
    for (_, answer) in &op.answers {
        let one = match answer {
            Answer::Json(schema) => {
                let (ty, nullable) = types.of(schema, &hint);
                (
                    if nullable {
                        format!("Option<{ty}>")
                    } else {
                        ty
                    },
                    "json",
                )
            }
            Answer::Text => ("String".to_owned(), "text"),
            Answer::Bytes => ("Vec<u8>".to_owned(), "bytes"),
            Answer::Empty => ("()".to_owned(), "json"),
        };
        if !found.contains(&one) {
            found.push(one);
        }
    }
    match found.as_slice() {
        [one] => one.clone(),
        [] => ("()".to_owned(), "json"),
        _ if found.iter().all(|(_, read)| *read == "json") => {
            let all: Vec<&str> = found.iter().map(|(ty, _)| ty.as_str()).collect();
            if all.len() == 2 && all.contains(&"()") {
                let ty = all.iter().find(|ty| **ty != "()").copied().unwrap_or("()");
                (format!("Option<{ty}>"), "json")
            } else {
                ("serde_json::Value".to_owned(), "json")
            }
        }
        _ => ("String".to_owned(), "text"),
    }
}

/// An operation as a method of `Client`, and for a list read by cursor, a pager over all
/// its rows.
fn write_operation(out: &mut String, types: &mut Types<'_>, op: &ClientOperation, schemas: &Value) {
    if op.navigation {
        write_page_url(out, op);
        return;
    }
    let (answer, read) = answer_type(types, op);
    let method = ident(&op.id.to_snake_case());
    let mut params = path_and_query_params(op);
    if let Some((schema, required)) = &op.body {
        let (ty, _) = types.of(schema, &format!("{}Body", op.id.to_upper_camel_case()));
        params.push(if *required {
            format!("body: &{ty}")
        } else {
            format!("body: Option<&{ty}>")
        });
    }
    if op.bytes_body {
        params.push("content_type: &str, bytes: impl Into<Vec<u8>>".to_owned());
    }
    params.push("options: &RequestOptions".to_owned());
    let path = rust_path(op);
    let body = match &op.body {
        Some((_, true)) => "Some(crate::json_body(body)?)",
        Some((_, false)) => "body.map(crate::json_body).transpose()?",
        None if op.bytes_body => "Some(crate::Body::bytes(content_type, bytes))",
        None => "None",
    };
    // A download takes the file's type, whatever it is.
    let accept = if read == "bytes" {
        "crate::ANY"
    } else {
        "crate::JSON_OR_TEXT"
    };
    let query = query_arg(op);
    write_doc(out, op, "");
    let _ = writeln!(
        out,
        "    pub async fn {method}(&self, {}) -> Result<Answer<{answer}>, Error> {{",
        params.join(", ")
    );
    let _ = writeln!(
        out,
        "        let request = crate::Request {{ method: reqwest::Method::{}, path: {path}, query: {query}, body: {body}, accept: {accept}, auth: {}, options }};",
        op.method, op.signed_in
    );
    let remembers = super::REMEMBERS.contains(&op.id.as_str());
    let forgets = super::FORGETS.contains(&op.id.as_str());
    let reader = match read {
        "text" => "text()".to_owned(),
        "bytes" => "bytes()".to_owned(),
        _ => format!("json::<{answer}>()"),
    };
    if remembers || forgets {
        let _ = writeln!(
            out,
            "        let answer = self.send(request).await?.{reader}?;"
        );
        if remembers {
            out.push_str(
                "        self.set_session(Some(crate::Tokens { access_token: answer.data.access_token.clone(), refresh_token: answer.data.refresh_token.clone() }));\n",
            );
        } else {
            out.push_str("        self.set_session(None);\n");
        }
        out.push_str("        Ok(answer)\n    }\n");
    } else {
        let _ = writeln!(out, "        self.send(request).await?.{reader}\n    }}");
    }
    write_pager(out, types, op, schemas, &method, &answer);
}

/// `list_products_all`: every row of a list read by cursor, page after page.
fn write_pager(
    out: &mut String,
    types: &mut Types<'_>,
    op: &ClientOperation,
    schemas: &Value,
    method: &str,
    answer: &str,
) {
    let Some(page) = super::cursor_page(op, schemas) else {
        return;
    };
    let (item, _) = types.of(
        &page["properties"]["data"]["items"],
        &format!("{answer}Item"),
    );
    let pagination = ref_name(&page["properties"]["pagination"]).map(|name| &schemas[name]);
    let cursor_required =
        pagination.is_some_and(|p| crate::openapi::required_keys(p).contains(&"nextCursor"));
    let next = if cursor_required {
        "page.pagination.next_cursor"
    } else {
        "page.pagination.next_cursor.flatten()"
    };
    let args: Vec<String> = op.path_params.iter().map(|name| param_name(name)).collect();
    let mut params: Vec<String> = args.iter().map(|name| format!("{name}: &str")).collect();
    params.push(format!("query: &{}", query_type(op)));
    params.push("options: &RequestOptions".to_owned());
    let _ = writeln!(
        out,
        "\n    /// Every row `{method}` lists, page after page (`query.limit` rows a request).\n    pub fn {}_all<'a>(&'a self, {}) -> crate::Pager<'a, {item}> {{",
        method.trim_start_matches("r#"),
        params.join(", ")
    );
    let mut owned = vec!["let (query, options) = (query.clone(), options.clone());".to_owned()];
    owned.extend(
        args.iter()
            .map(|name| format!("let {name} = {name}.to_owned();")),
    );
    let _ = writeln!(out, "        {}", owned.join("\n        "));
    let mut cloned = vec![
        "let mut query = query.clone();".to_owned(),
        "query.cursor = cursor;".to_owned(),
        "let options = options.clone();".to_owned(),
    ];
    cloned.extend(
        args.iter()
            .map(|name| format!("let {name} = {name}.clone();")),
    );
    let call_args: Vec<String> = args
        .iter()
        .map(|name| format!("&{name}"))
        .chain(["&query".to_owned(), "&options".to_owned()])
        .collect();
    let _ = writeln!(
        out,
        "        crate::Pager::new(move |cursor| {{\n            {}\n            Box::pin(async move {{\n                let page = self.{method}({}).await?.data;\n                Ok((page.data, {next}))\n            }})\n        }})\n    }}",
        cloned.join("\n            "),
        call_args.join(", ")
    );
}

/// A path parameter's Rust name.
fn param_name(name: &str) -> String {
    ident(&name.to_snake_case())
}

/// `sign_in_with_provider_url`: a page the browser navigates to is a URL, not a call (the
/// call would only see the redirect to the provider).
fn write_page_url(out: &mut String, op: &ClientOperation) {
    let params = path_and_query_params(op);
    let query = query_arg(op);
    write_doc(out, op, ": the URL to send the browser to");
    let _ = writeln!(
        out,
        "    pub fn {}_url(&self, {}) -> Result<String, Error> {{",
        ident(&op.id.to_snake_case()),
        params.join(", ")
    );
    let _ = writeln!(
        out,
        "        self.page_url(&{}, &{query})\n    }}",
        rust_path(op)
    );
}

/// A method's first parameters: the path's, then the query's struct.
fn path_and_query_params(op: &ClientOperation) -> Vec<String> {
    let mut params: Vec<String> = op
        .path_params
        .iter()
        .map(|name| format!("{}: &str", param_name(name)))
        .collect();
    if !op.query.is_empty() {
        params.push(format!("query: &{}", query_type(op)));
    }
    params
}

/// The request's query pairs, as the method's body builds them.
fn query_arg(op: &ClientOperation) -> &'static str {
    if op.query.is_empty() {
        "Vec::new()"
    } else {
        "crate::query_pairs(query)?"
    }
}

/// A method's doc comment: the operation's summary, `more`, and its route.
fn write_doc(out: &mut String, op: &ClientOperation, more: &str) {
    let summary = format!(
        "{}{more} (`{} {}`).",
        capitalised(&op.summary),
        op.method,
        op.path
    );
    let _ = writeln!(out, "\n{}", doc_comment(&summary, "    ///"));
}

/// The path as Rust builds it: `format!` with each parameter as one encoded segment.
fn rust_path(op: &ClientOperation) -> String {
    if op.path_params.is_empty() {
        return format!("{:?}.to_owned()", op.path);
    }
    let mut template = String::new();
    let mut args = Vec::new();
    for (i, part) in op.path.split('{').enumerate() {
        match (i, part.split_once('}')) {
            (0, _) | (_, None) => template.push_str(part),
            (_, Some((name, rest))) => {
                template.push_str("{}");
                template.push_str(rest);
                args.push(format!("crate::segment({})", param_name(name)));
            }
        }
    }
    format!("format!({template:?}, {})", args.join(", "))
}
