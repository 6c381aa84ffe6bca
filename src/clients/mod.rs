//! The typed clients written into each generated project (`clients/`), from the same
//! OpenAPI document the service serves: every operation of the document is a client
//! function, its parameters, body and answer typed by the document's own schemas (which the
//! operation model and the spec produced), so a client is right by construction and changes
//! with the spec (`update` rewrites it).

pub mod typescript;

#[cfg(test)]
mod tests;

use serde_json::Value;

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
    /// The success answers: status, and the JSON schema or `text/plain` (`None`: no body).
    pub answers: Vec<(u16, Answer)>,
    /// Sent with the caller's bearer token (the document's `security` names `bearerAuth`).
    pub signed_in: bool,
    pub summary: String,
}

/// A success answer's body.
#[derive(Debug, Clone)]
pub enum Answer {
    Json(Value),
    Text,
    Empty,
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
            let body = op["requestBody"]["content"]["application/json"]["schema"]
                .as_object()
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
                let body = if let Some(schema) = content["application/json"].get("schema") {
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
            found.push(ClientOperation {
                id: id.to_owned(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                path_params: path_params(path),
                query,
                headers,
                body,
                answers,
                signed_in,
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
