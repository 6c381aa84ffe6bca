//! The TypeScript client's generated half, `clients/typescript/src/api.ts`: a type per schema
//! of the OpenAPI document and a method per operation, over the hand-written runtime beside
//! it (`runtime.ts`: fetch, the session and its refresh, errors, pages).

use std::fmt::Write as _;

use heck::ToLowerCamelCase;
use serde_json::Value;

use super::{
    Answer, ClientOperation, Names, capitalised, notes, operations, query_type, ref_name, set_once,
};

/// Where the generated half is written.
pub const API_FILE: &str = "clients/typescript/src/api.ts";

/// `api.ts` for the service whose document is `document` (JSON text).
pub fn api(document: &str) -> String {
    let document: Value = serde_json::from_str(document).unwrap_or_default();
    let schemas = &document["components"]["schemas"];
    let ops = operations(&document);
    let mut out = String::from(
        "// Written by backend-gen from openapi.json: `backend-gen update` rewrites it.\n\
         // A type per schema of the document, and a method per operation.\n\n",
    );
    let runtime = [
        "Answer",
        "Client",
        "ClientOptions",
        "RequestOptions",
        "paginate",
    ];
    let _ = writeln!(
        out,
        "import {{ {} }} from \"./runtime.js\";\nimport type {{ ApiError }} from \"./runtime.js\";\n",
        runtime.join(", ")
    );
    let names = Names::new(schemas, &ops, &TAKEN);
    write_types(&mut out, &names, schemas);
    for op in &ops {
        write_query_type(&mut out, &names, op);
    }
    let refresh = ops.iter().find(|op| op.id == "refresh");
    let _ = write!(
        out,
        "/** The error body's `code`: what went wrong, as the contract names it. */\n\
         export type ErrorCode = {}[\"error\"][\"code\"];\n\n\
         /** Whether `err` is the service's refusal (with `code`, when given). */\n\
         export function isApiError(err: unknown, code?: ErrorCode): err is ApiError {{\n\
         \x20 return err instanceof Error && err.name === \"ApiError\" && (code === undefined || (err as ApiError).code === code);\n\
         }}\n\n",
        names.of("Error")
    );
    out.push_str(
        "/** Every operation of the service, as a method. */\nexport class Api {\n  constructor(readonly client: Client) {}\n",
    );
    for op in &ops {
        write_operation(&mut out, &names, op, schemas);
    }
    out.push_str("}\n\n");
    let refresh_path = refresh.map_or("null".to_owned(), |op| format!("{:?}", op.path));
    let _ = writeln!(
        out,
        "/** A client of the service at `options.baseUrl`. */\n\
         export function createApi(options: ClientOptions): Api {{\n\
         \x20 return new Api(new Client(options, {refresh_path}));\n\
         }}"
    );
    out
}

/// Any JSON value (a schema with no type), then the document's schemas as types, in its
/// order.
fn write_types(out: &mut String, names: &Names, schemas: &Value) {
    out.push_str(
        "/** Any JSON value. */\n\
         export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };\n\n",
    );
    for (name, schema) in schemas.as_object().into_iter().flatten() {
        if name == "JsonValue" {
            continue;
        }
        let set_once = set_once(schemas, name);
        let _ = writeln!(
            out,
            "{}export type {} = {};\n",
            doc(schema, &[], ""),
            names.of(name),
            ts_type(names, schema, 0, &set_once)
        );
    }
}

/// The names the client exports besides the schemas' types and the query types: a schema
/// whose type would take one is renamed.
const TAKEN: [&str; 15] = [
    "Answer",
    "ApiError",
    "Client",
    "ClientOptions",
    "RequestOptions",
    "Tokens",
    "Api",
    "ErrorCode",
    "isApiError",
    "createApi",
    "newIdempotencyKey",
    "paginate",
    "Page",
    "Error",
    "JsonValue",
];

/// A schema as a type; objects are written at `indent`.
fn ts_type(names: &Names, schema: &Value, indent: usize, set_once: &[String]) -> String {
    if let Some(name) = ref_name(schema) {
        return names.of(name);
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let variants = schema["oneOf"].as_array().or(schema["anyOf"].as_array());
    if let (Some(variants), true) = (variants, types.is_empty()) {
        let parts = variants
            .iter()
            .map(|v| ts_type(names, v, indent, &[]))
            .collect();
        return union(parts);
    }
    if let Some(values) = schema["enum"].as_array() {
        let mut parts: Vec<String> = values.iter().map(Value::to_string).collect();
        if types.contains(&"null") {
            parts.push("null".to_owned());
        }
        return union(parts);
    }
    if types.is_empty() {
        return if schema.get("properties").is_some() {
            object(names, schema, indent, set_once)
        } else {
            "JsonValue".to_owned()
        };
    }
    let parts = types
        .iter()
        .map(|ty| match *ty {
            "string" => "string".to_owned(),
            "integer" | "number" => "number".to_owned(),
            "boolean" => "boolean".to_owned(),
            "null" => "null".to_owned(),
            "array" => format!("Array<{}>", ts_type(names, &schema["items"], indent, &[])),
            _ => object(names, schema, indent, set_once),
        })
        .collect();
    union(parts)
}

/// An object schema as an object type: `readonly` for what the service sets (and what only
/// a create sets), `?` for keys that may be absent.
fn object(names: &Names, schema: &Value, indent: usize, set_once: &[String]) -> String {
    let pad = " ".repeat(indent + 2);
    let required = crate::openapi::required_keys(schema);
    let mut lines = Vec::new();
    let mut value_types = Vec::new();
    for (key, prop) in schema["properties"].as_object().into_iter().flatten() {
        let once = set_once.contains(key);
        let readonly = once || prop["readOnly"].as_bool().unwrap_or(false);
        let ty = ts_type(names, prop, indent + 2, &[]);
        let optional = if required.contains(&key.as_str()) {
            ""
        } else {
            "?"
        };
        lines.push(format!(
            "{}{pad}{}{}{optional}: {ty};",
            doc(
                prop,
                if once {
                    &["Set on create: a patch cannot change it."]
                } else {
                    &[]
                },
                &pad
            ),
            if readonly { "readonly " } else { "" },
            property_name(key),
        ));
        value_types.push(ty);
    }
    let extra = &schema["additionalProperties"];
    if extra.is_object() {
        value_types.push(ts_type(names, extra, indent + 2, &[]));
        if required.len() < lines.len() {
            value_types.push("undefined".to_owned());
        }
        lines.push(format!("{pad}[key: string]: {};", union(value_types)));
    }
    if lines.is_empty() {
        return "Record<string, never>".to_owned();
    }
    format!("{{\n{}\n{}}}", lines.join("\n"), " ".repeat(indent))
}

/// The parts of a union, each once, in order.
fn union(parts: Vec<String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for part in parts {
        if !seen.contains(&part) {
            seen.push(part);
        }
    }
    seen.join(" | ")
}

/// A key as an object type writes it: quoted unless it is an identifier.
fn property_name(key: &str) -> String {
    let identifier = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        key.to_owned()
    } else {
        format!("{key:?}")
    }
}

/// A schema's description, what its format means to a caller, and `more`, as a doc comment
/// at `pad` (nothing when there is nothing to say).
fn doc(schema: &Value, more: &[&str], pad: &str) -> String {
    let said = notes(schema, more, "number", "Number");
    if said.is_empty() {
        return String::new();
    }
    let text = crate::layout::one_line(&said).replace("*/", "*\\/");
    format!("{pad}/** {text} */\n")
}

/// An operation's query parameters as a type (`ListProductsQuery`).
fn write_query_type(out: &mut String, names: &Names, op: &ClientOperation) {
    if op.query.is_empty() {
        return;
    }
    let _ = writeln!(out, "/** The query parameters of `{}`. */", op.id);
    let _ = writeln!(out, "export type {} = {{", query_type(op));
    for (name, schema, required) in &op.query {
        let optional = if *required { "" } else { "?" };
        let _ = writeln!(
            out,
            "{}  {}{optional}: {};",
            doc(schema, &[], "  "),
            property_name(name),
            ts_type(names, schema, 2, &[])
        );
    }
    out.push_str("};\n\n");
}

/// The type of an operation's answer body.
fn answer_type(names: &Names, op: &ClientOperation) -> String {
    let parts = op
        .answers
        .iter()
        .map(|(_, answer)| match answer {
            Answer::Json(schema) => ts_type(names, schema, 2, &[]),
            Answer::Text => "string".to_owned(),
            Answer::Bytes => "Uint8Array".to_owned(),
            Answer::Empty => "undefined".to_owned(),
        })
        .collect();
    union(parts)
}

/// An operation as a method of `Api`, and for a list read by cursor, an iterator over all
/// its rows.
fn write_operation(out: &mut String, names: &Names, op: &ClientOperation, schemas: &Value) {
    if op.navigation {
        write_page_url(out, op);
        return;
    }
    let answer = answer_type(names, op);
    let mut params: Vec<String> = op
        .path_params
        .iter()
        .map(|name| format!("{}: string", name.to_lower_camel_case()))
        .collect();
    if let Some((schema, required)) = &op.body {
        let optional = if *required { "" } else { "?" };
        params.push(format!(
            "body{optional}: {}",
            ts_type(names, schema, 2, &[])
        ));
    }
    if op.bytes_body {
        params.push("contentType: string, bytes: Blob | Uint8Array<ArrayBuffer>".to_owned());
    }
    let mut options = vec!["RequestOptions".to_owned()];
    let query_required = op.query.iter().any(|(_, _, required)| *required);
    let mut extra = Vec::new();
    if !op.query.is_empty() {
        let optional = if query_required { "" } else { "?" };
        extra.push(format!("query{optional}: {}", query_type(op)));
    }
    let conditional = op.headers.iter().any(|h| h == "If-None-Match");
    for header in op.headers.iter().filter(|h| *h != "If-None-Match") {
        extra.push(format!("{}?: string", header.to_lower_camel_case()));
    }
    if !extra.is_empty() {
        options.push(format!("{{ {} }}", extra.join("; ")));
    }
    let options_type = options.join(" & ");
    let default = if query_required { "" } else { " = {}" };
    let path = template_path(op);
    let summary = summary(op, "");
    let mut headers: Vec<String> = op
        .headers
        .iter()
        .map(|h| format!("{h:?}: options.{}", h.to_lower_camel_case()))
        .collect();
    headers.insert(0, "...options.headers".to_owned());
    let mut send = vec![format!("auth: {}", op.signed_in)];
    if !op.query.is_empty() {
        send.push("query: options.query".to_owned());
    }
    if op.body.is_some() {
        send.push("body".to_owned());
    }
    if op.bytes_body {
        send.push("bytes: { contentType, data: bytes }".to_owned());
    }
    if op
        .answers
        .iter()
        .any(|(_, answer)| matches!(answer, Answer::Bytes))
    {
        send.push("binary: true".to_owned());
    }
    send.push(format!("headers: {{ {} }}", headers.join(", ")));
    send.push("signal: options.signal".to_owned());
    let call_params = params.join(", ");
    let sep = if call_params.is_empty() { "" } else { ", " };
    let _ = writeln!(out, "\n  /** {summary} */");
    let (returned, options_decl) = if conditional {
        // With `ifNoneMatch`, a 304 answers `null`: only that call's type says so.
        let _ = writeln!(
            out,
            "  {}({call_params}{sep}options: {options_type} & {{ ifNoneMatch: string }}): Promise<Answer<{answer} | null>>;",
            op.id
        );
        let _ = writeln!(
            out,
            "  {}({call_params}{sep}options?: {options_type}): Promise<Answer<{answer}>>;",
            op.id
        );
        (
            format!("{answer} | null"),
            format!("{options_type} & {{ ifNoneMatch?: string }}"),
        )
    } else {
        (answer.clone(), options_type.clone())
    };
    let _ = writeln!(
        out,
        "  async {}({call_params}{sep}options: {options_decl}{default}): Promise<Answer<{returned}>> {{",
        op.id
    );
    let _ = writeln!(
        out,
        "    const answer = await this.client.send<{returned}>({:?}, `{path}`, {{ {} }});",
        op.method,
        send.join(", ")
    );
    if super::REMEMBERS.contains(&op.id.as_str()) {
        out.push_str("    this.client.remember(answer.data);\n");
    }
    if super::FORGETS.contains(&op.id.as_str()) {
        out.push_str("    this.client.forget();\n");
    }
    out.push_str("    return answer;\n  }\n");
    write_iterator(out, names, op, schemas, &params, &options_type);
}

/// The path as a template literal, its parameters encoded (`/v1/products/${encodeURIComponent(id)}`).
fn template_path(op: &ClientOperation) -> String {
    op.path
        .split('{')
        .enumerate()
        .fold(String::new(), |mut path, (i, part)| {
            match (i, part.split_once('}')) {
                (0, _) | (_, None) => path.push_str(part),
                (_, Some((name, rest))) => {
                    let _ = write!(
                        path,
                        "${{encodeURIComponent({})}}{rest}",
                        name.to_lower_camel_case()
                    );
                }
            }
            path
        })
}

/// The doc line of an operation's method: its summary, `more`, and its route.
fn summary(op: &ClientOperation, more: &str) -> String {
    format!(
        "{}{more} (`{} {}`).",
        crate::layout::one_line(&capitalised(&op.summary)),
        op.method,
        op.path
    )
    .replace("*/", "*\\/")
}

/// `signInWithProviderUrl`: a page the browser navigates to is a URL, not a call (a fetch
/// would follow its redirect to the provider, whose page the app cannot read).
fn write_page_url(out: &mut String, op: &ClientOperation) {
    let mut params: Vec<String> = op
        .path_params
        .iter()
        .map(|name| format!("{}: string", name.to_lower_camel_case()))
        .collect();
    if !op.query.is_empty() {
        let required = op.query.iter().any(|(_, _, required)| *required);
        let optional = if required { "" } else { "?" };
        params.push(format!("query{optional}: {}", query_type(op)));
    }
    let query = if op.query.is_empty() { "" } else { ", query" };
    let _ = writeln!(
        out,
        "\n  /** {} */",
        summary(op, ": the URL to send the browser to")
    );
    let _ = writeln!(out, "  {}Url({}): string {{", op.id, params.join(", "));
    let _ = writeln!(
        out,
        "    return this.client.url(`{}`{query});\n  }}",
        template_path(op)
    );
}

/// `listProductsAll`: every row of a list read by cursor, page after page.
fn write_iterator(
    out: &mut String,
    names: &Names,
    op: &ClientOperation,
    schemas: &Value,
    params: &[String],
    options_type: &str,
) {
    let Some(page) = super::cursor_page(op, schemas) else {
        return;
    };
    let item = ts_type(names, &page["properties"]["data"]["items"], 2, &[]);
    let args: Vec<String> = op
        .path_params
        .iter()
        .map(|name| name.to_lower_camel_case())
        .collect();
    let sep = if params.is_empty() { "" } else { ", " };
    let _ = writeln!(
        out,
        "\n  /** Every row `{}` lists, page after page (`query.limit` rows a request), as they come. */",
        op.id
    );
    let _ = writeln!(
        out,
        "  {}All({}{sep}options: {options_type} = {{}}): AsyncGenerator<{item}> {{",
        op.id,
        params.join(", ")
    );
    let args_sep = if args.is_empty() { "" } else { ", " };
    let _ = writeln!(
        out,
        "    return paginate((cursor) => this.{}({}{args_sep}{{ ...options, query: {{ ...options.query, cursor }} }}));\n  }}",
        op.id,
        args.join(", ")
    );
}
