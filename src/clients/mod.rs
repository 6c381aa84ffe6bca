//! The typed clients written into each generated project (`clients/`), from the same
//! OpenAPI document the service serves: every operation of the document is a client
//! function, its parameters, body and answer typed by the document's own schemas (which the
//! operation model and the spec produced), so a client is right by construction and changes
//! with the spec (`update` rewrites it).

pub mod rust;
pub mod typescript;

#[cfg(test)]
mod tests;

use heck::ToUpperCamelCase;
use serde_json::Value;

/// The operations (their ids, which no resource's operation takes) whose answer is a new
/// token pair, which a client keeps, and those that end the session it holds. A resource
/// may be named `token_pair`, so the answer's schema name does not say.
pub const REMEMBERS: [&str; 3] = ["login", "refresh", "exchangeSignInCode"];
pub const FORGETS: [&str; 2] = ["logout", "logoutAll"];

/// One operation of the document, as a client function sees it.
#[derive(Debug, Clone)]
pub struct ClientOperation {
    /// The document's `operationId` (`updateProduct`).
    pub id: String,
    pub method: String,
    /// The path as the document writes it (`/v1/products/{id}`).
    pub path: String,
    /// The path's parameters, in order.
    pub path_params: Vec<String>,
    /// Query parameters: name, schema, required.
    pub query: Vec<(String, Value, bool)>,
    /// Header parameters by name (`If-Match`).
    pub headers: Vec<String>,
    /// The JSON body's schema, and whether the body is required.
    pub body: Option<(Value, bool)>,
    /// The body is a file's bytes, of a type the caller names (an upload).
    pub bytes_body: bool,
    /// The success answers: status, and the JSON schema or `text/plain` (`None`: no body).
    pub answers: Vec<(u16, Answer)>,
    /// Sent with the caller's bearer token (the document's `security` names `bearerAuth`).
    pub signed_in: bool,
    /// A page a browser navigates to (its answer a 303, no 2xx: a sign-in with a provider):
    /// the client builds its URL rather than calling it.
    pub navigation: bool,
    pub summary: String,
}

/// A success answer's body.
#[derive(Debug, Clone)]
pub enum Answer {
    Json(Value),
    Text,
    /// A file's bytes, of the type its `Content-Type` says.
    Bytes,
    Empty,
}

/// Whether `content` (a body's, by media type) is a file's bytes: a type other than JSON or
/// text, or any type whose schema is `binary` (a file field may take JSON or text files).
fn is_bytes(content: &Value) -> bool {
    content.as_object().is_some_and(|types| {
        types.iter().any(|(t, media)| {
            (t != "application/json" && t != "text/plain") || media["schema"]["format"] == "binary"
        })
    })
}

/// Every operation of `document`, in its order: paths, then methods as HTTP lists them.
pub fn operations(document: &Value) -> Vec<ClientOperation> {
    let parameters = &document["components"]["parameters"];
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            let Some(op) = item.get(method) else { continue };
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let mut query = Vec::new();
            let mut headers = Vec::new();
            for param in op["parameters"].as_array().into_iter().flatten() {
                let param = resolve(param, parameters);
                let name = param["name"].as_str().unwrap_or_default().to_owned();
                match param["in"].as_str() {
                    Some("query") => {
                        let required = param["required"].as_bool().unwrap_or(false);
                        query.push((name, param["schema"].clone(), required));
                    }
                    Some("header") => headers.push(name),
                    _ => {}
                }
            }
            let bytes_body = is_bytes(&op["requestBody"]["content"]);
            let body = op["requestBody"]["content"]["application/json"]["schema"]
                .as_object()
                .filter(|_| !bytes_body)
                .map(|schema| {
                    let required = op["requestBody"]["required"].as_bool().unwrap_or(false);
                    (Value::Object(schema.clone()), required)
                });
            let mut answers = Vec::new();
            for (status, answer) in op["responses"].as_object().into_iter().flatten() {
                let Ok(status) = status.parse::<u16>() else {
                    continue;
                };
                if !(200..300).contains(&status) {
                    continue;
                }
                let content = &answer["content"];
                let body = if is_bytes(content) {
                    Answer::Bytes
                } else if let Some(schema) = content["application/json"].get("schema") {
                    Answer::Json(schema.clone())
                } else if content.get("text/plain").is_some() {
                    Answer::Text
                } else {
                    Answer::Empty
                };
                answers.push((status, body));
            }
            let signed_in = op["security"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|requirement| requirement.get("bearerAuth").is_some());
            let navigation = answers.is_empty() && op["responses"].get("303").is_some();
            found.push(ClientOperation {
                id: id.to_owned(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                path_params: path_params(path),
                query,
                headers,
                body,
                bytes_body,
                answers,
                signed_in,
                navigation,
                summary: op["summary"].as_str().unwrap_or_default().to_owned(),
            });
        }
    }
    found
}

/// A parameter, or the component its `$ref` names.
fn resolve<'a>(param: &'a Value, parameters: &'a Value) -> &'a Value {
    match param["$ref"].as_str() {
        Some(reference) => &parameters[reference.rsplit('/').next().unwrap_or_default()],
        None => param,
    }
}

/// The `{name}` segments of a path, in order.
fn path_params(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// The schema component a `$ref` names (`Product.Create`).
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema["$ref"]
        .as_str()
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
}

/// Each schema component's type name: `Product.Create` is `ProductCreate`, a list's row
/// `Product.Item` is `ProductListItem` and its page `Product.List` is `ProductPage` (so
/// `Order.Item` is not `OrderItem`); `Error` is `ErrorBody`. A name that is already taken
/// (by the client's runtime, a query type or another schema) gets `Schema` after it.
pub struct Names(Vec<(String, String)>);

impl Names {
    /// The names of `schemas`' types, none of them one of `taken`.
    pub fn new(schemas: &Value, ops: &[ClientOperation], taken: &[&str]) -> Self {
        let mut taken: Vec<String> = taken.iter().map(|name| (*name).to_owned()).collect();
        taken.extend(ops.iter().filter(|op| !op.query.is_empty()).map(query_type));
        let mut names = Vec::new();
        for name in schemas
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| name)
        {
            if name == "JsonValue" {
                continue;
            }
            let mut ty = match name.split_once('.') {
                _ if name == "Error" => "ErrorBody".to_owned(),
                Some((base, "Item")) => format!("{base}ListItem"),
                Some((base, "List")) => format!("{base}Page"),
                _ => name.replace('.', ""),
            };
            while taken.contains(&ty) {
                ty.push_str("Schema");
            }
            taken.push(ty.clone());
            names.push((name.clone(), ty));
        }
        Self(names)
    }

    pub fn of(&self, schema: &str) -> String {
        self.0
            .iter()
            .find(|(name, _)| name == schema)
            .map_or_else(|| "JsonValue".to_owned(), |(_, ty)| ty.clone())
    }
}

/// An operation's query parameters' type (`ListProductsQuery`).
pub fn query_type(op: &ClientOperation) -> String {
    format!("{}Query", op.id.to_upper_camel_case())
}

/// What a key's doc comment says: the schema's description, what its format means to a
/// caller (`number` and `parse` name the language's number type and parser), whether the
/// service sets it, and `more`; one line, empty when there is nothing to say.
pub fn notes(schema: &Value, more: &[&str], number: &str, parse: &str) -> String {
    let mut said: Vec<String> = Vec::new();
    if let Some(text) = schema["description"].as_str() {
        said.push(text.to_owned());
    }
    match schema["format"].as_str() {
        Some("date") => said.push("A date, `YYYY-MM-DD`.".to_owned()),
        Some("date-time") => {
            said.push("An instant, RFC 3339 with its offset (`2024-05-01T12:00:00Z`).".to_owned());
        }
        Some("uuid") => said.push("A UUID.".to_owned()),
        Some("int64") if number == "number" => {
            said.push("A 64-bit integer: exact as a `number` up to 2^53.".to_owned());
        }
        _ => {}
    }
    if schema["pattern"].as_str() == Some(crate::openapi::DECIMAL_PATTERN) {
        said.push(format!(
            "An exact decimal, as a string (`\"12.50\"`): parse it with a decimal library, not `{parse}`."
        ));
    }
    if schema["readOnly"].as_bool() == Some(true) {
        said.push("Read-only: the service sets it.".to_owned());
    }
    said.extend(more.iter().map(|text| (*text).to_owned()));
    said.join(" ").replace(['\n', '\r'], " ")
}

/// The keys of a resource's row that a create sets and a patch may not change: in its
/// `Create` body and not in its `Patch` body.
pub fn set_once(schemas: &Value, name: &str) -> Vec<String> {
    let base = name.strip_suffix(".Item").unwrap_or(name);
    if base.contains('.') {
        return Vec::new();
    }
    let keys = |suffix: &str| -> Vec<String> {
        schemas[format!("{base}.{suffix}")]["properties"]
            .as_object()
            .map(|props| props.keys().cloned().collect())
            .unwrap_or_default()
    };
    let patch = keys("Patch");
    if patch.is_empty() {
        return Vec::new();
    }
    keys("Create")
        .into_iter()
        .filter(|key| !patch.contains(key))
        .collect()
}

/// A summary as a sentence's start.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The page schema of a list read by cursor (a `cursor` parameter, an answer with
/// `pagination`): what the clients' iterators over every row walk.
pub fn cursor_page<'a>(op: &ClientOperation, schemas: &'a Value) -> Option<&'a Value> {
    let has_cursor = op.query.iter().any(|(name, _, _)| name == "cursor");
    let page = op.answers.iter().find_map(|(_, answer)| match answer {
        Answer::Json(schema) => ref_name(schema).map(|name| &schemas[name]),
        _ => None,
    });
    page.filter(|page| has_cursor && page["properties"].get("pagination").is_some())
}
