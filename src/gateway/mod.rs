//! The gateway of a split spec (issue 40): one crate beside the services that clients call.
//! It routes each request by the first segment of its path under the API prefix to the one
//! service that serves it (through axum-reverse-proxy, a maintained proxy on hyper), verifies
//! bearer tokens once at the edge, limits each client, answers for a failing service with the
//! contract's 503 (a timeout and a circuit per service) and serves one OpenAPI document merged
//! from the services' own. docs/architecture.md says why each piece is there.

pub mod export;
mod refs;

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::output::{FileSet, Owner};
use crate::spec::{self, Spec};
use crate::split::ServiceSpec;
use refs::rewrite_refs;

/// The gateway's folder in a split.
pub const FOLDER: &str = spec::GATEWAY_FOLDER;

/// The gateway's dependencies, pinned as the end-to-end tests built them: its part of the
/// workspace's lock (`workspace::merged_lock`).
pub const LOCK: &str = include_str!("../../templates/gateway.Cargo.lock");

/// The port the gateway listens on by default, below the services' (8081 onwards).
pub const PORT: u16 = crate::split::GATEWAY_PORT;

/// One service as the gateway sees it.
#[derive(Debug, Serialize)]
pub struct Upstream {
    pub name: String,
    /// The `Service` enum's variant: `Catalog`.
    pub variant: String,
    /// Where it is: `SERVICE_URL_CATALOG`, its URL with the API prefix, as the services name it.
    pub variable: String,
    /// Its URL when nothing is set: the port the split's README runs it on.
    pub default_url: String,
    /// The first path segments under the API prefix that it alone serves: `products`.
    pub segments: Vec<String>,
    /// Its name in the split's Kubernetes manifests: its Service's and its pods'.
    pub kube: crate::kubernetes::KubeName,
}

/// What the gateway's templates render from.
#[derive(Debug, Serialize)]
pub struct GatewayContext {
    /// The split's name, for the README and the package's description.
    pub name: String,
    pub api_prefix: String,
    pub rust_version: &'static str,
    /// The buckets' script when Redis holds them, the services' own.
    pub gcra_script: &'static str,
    /// The service that signs tokens (jwt): the issuer and audience the edge checks.
    pub accounts_service: Option<String>,
    pub requests_per_minute: u32,
    pub burst: u32,
    pub upstreams: Vec<Upstream>,
    /// Segments two services serve (their job and webhook admin routes): not routed.
    pub shared_segments: Vec<String>,
    /// An account's export, gathered from every service's part (`export`).
    pub export: Option<export::Gathered>,
    /// The file fields' upload routes, whose body limit is the field's, not the gateway's.
    pub uploads: Vec<Upload>,
    pub port: u16,
}

/// A file field's upload route, `PUT {prefix}/{collection}/{id}/{field}`, and its limit.
#[derive(Debug, Serialize)]
pub struct Upload {
    pub collection: String,
    pub field: String,
    pub max_size: u64,
}

impl GatewayContext {
    pub fn new(
        name: &str,
        spec: &Spec,
        services: &[ServiceSpec],
        ports: impl Fn(usize) -> usize,
    ) -> Self {
        let prefix = &spec.project.api_prefix;
        let mut owners: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, service) in services.iter().enumerate() {
            for segment in segments(&service.spec) {
                let entry = owners.entry(segment).or_default();
                if !entry.contains(&i) {
                    entry.push(i);
                }
            }
        }
        let upstreams = services
            .iter()
            .enumerate()
            .map(|(i, service)| Upstream {
                name: service.name.clone(),
                variant: service.name.to_upper_camel_case(),
                variable: spec::Reference::url_variable(&service.name),
                default_url: format!("http://127.0.0.1:{}{prefix}", ports(i)),
                segments: owners
                    .iter()
                    .filter(|(_, by)| by.as_slice() == [i])
                    .map(|(segment, _)| segment.clone())
                    .collect(),
                kube: crate::kubernetes::KubeName::of(&service.name),
            })
            .collect();
        Self {
            name: name.to_string(),
            api_prefix: prefix.clone(),
            rust_version: crate::context::SERVICE_RUST_VERSION,
            gcra_script: crate::context::GCRA_SCRIPT,
            accounts_service: spec.accounts_service().map(|s| s.name.clone()),
            requests_per_minute: spec.rate_limit.requests_per_minute,
            burst: spec.rate_limit.burst,
            shared_segments: owners
                .iter()
                .filter(|(_, by)| by.len() > 1)
                .map(|(segment, _)| segment.clone())
                .collect(),
            upstreams,
            export: export::Gathered::new(spec, services),
            uploads: spec
                .resources
                .iter()
                .flat_map(|r| {
                    r.files().filter_map(|f| {
                        Some(Upload {
                            collection: r.names.plural_kebab.clone(),
                            field: f.names.kebab.clone(),
                            max_size: f.ty.file()?.max_size,
                        })
                    })
                })
                .collect(),
            port: PORT,
        }
    }

    /// Whether `path` (with the prefix) is one the gateway routes.
    fn routes(&self, path: &str) -> bool {
        first_segment(&self.api_prefix, path).is_some_and(|segment| {
            self.upstreams
                .iter()
                .any(|u| u.segments.iter().any(|s| s == segment))
        })
    }
}

/// The first segments of `spec`'s API paths under its prefix. A part of an account's
/// export is at the accounts service's paths, which the gateway gathers (`export`): those
/// segments stay the accounts service's.
fn segments(spec: &Spec) -> Vec<String> {
    let mut out: Vec<String> = crate::operations::api_operations(spec)
        .iter()
        .filter(|op| spec.has_accounts() || !matches!(op.kind, crate::spec::routes::Kind::Auth(_)))
        .filter_map(|op| first_segment(&spec.project.api_prefix, &op.path).map(str::to_string))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `products` of `/v1/products/{id}` under the prefix `/v1`.
fn first_segment<'a>(prefix: &str, path: &'a str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?.strip_prefix('/')?;
    rest.split('/').next().filter(|s| !s.is_empty())
}

/// One OpenAPI document for the gateway: the paths it routes, from each service's document,
/// with the components they use. A component two services define differently is renamed
/// after its service in that service's paths (`CatalogProduct`), so no reference changes
/// meaning; identical ones (the error body, pagination) are kept once.
pub fn merged_openapi(ctx: &GatewayContext, documents: &[(String, String)]) -> Result<String> {
    let mut paths = Map::new();
    let mut components: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut first: Option<Value> = None;
    for (service, text) in documents {
        let mut doc: Value = serde_json::from_str(text).map_err(|err| {
            Error::Usage(format!(
                "the OpenAPI document of {service} is not JSON (a bug of backend-gen): {err}"
            ))
        })?;
        if ctx.export.is_some() {
            export::rename_in(service, &mut doc);
        }
        let part = ctx.export.as_ref().filter(|e| e.is_part(service));
        // A component another service defines differently is renamed after this service.
        let mut renames: BTreeMap<String, String> = BTreeMap::new();
        for (section, key, value) in components_of(&doc) {
            let defined = components
                .get(&section)
                .and_then(|entries| entries.get(&key));
            if defined.is_some_and(|existing| *existing != value) {
                renames.insert(
                    format!("#/components/{section}/{key}"),
                    format!(
                        "#/components/{section}/{}{key}",
                        service.to_upper_camel_case()
                    ),
                );
            }
        }
        rewrite_refs(&mut doc, &renames);
        for (section, key, value) in components_of(&doc) {
            let key = renames
                .get(&format!("#/components/{section}/{key}"))
                .and_then(|to| to.rsplit('/').next())
                .map_or(key.clone(), str::to_string);
            components
                .entry(section)
                .or_default()
                .entry(key)
                .or_insert(value);
        }
        if let Some(own) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in own {
                if ctx.routes(path) && !part.is_some_and(|e| e.gathers(path)) {
                    paths.insert(path.clone(), item.clone());
                }
            }
        }
        first.get_or_insert(doc);
    }
    if let Some(gathered) = &ctx.export {
        let names: Vec<String> = documents.iter().map(|(name, _)| name.clone()).collect();
        let schemas = components.entry("schemas".into()).or_default();
        export::gather_schema(gathered, &ctx.name, &names, &mut paths, schemas);
    }
    let mut out = first.unwrap_or_else(|| Value::Object(Map::new()));
    out["info"]["title"] = Value::String(format!("{} (gateway)", ctx.name));
    out["info"]["description"] = Value::String(format!(
        "Every service of {} behind one gateway: {}.",
        ctx.name,
        ctx.upstreams
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out["paths"] = Value::Object(paths);
    out["components"] = Value::Object(
        components
            .into_iter()
            .map(|(section, entries)| (section, Value::Object(entries)))
            .collect(),
    );
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

/// Every component of `doc`: its section (`schemas`), its key and its value.
fn components_of(doc: &Value) -> Vec<(String, String, Value)> {
    let Some(sections) = doc.pointer("/components").and_then(Value::as_object) else {
        return Vec::new();
    };
    sections
        .iter()
        .filter_map(|(section, entries)| Some((section, entries.as_object()?)))
        .flat_map(|(section, entries)| {
            entries
                .iter()
                .map(|(key, value)| (section.clone(), key.clone(), value.clone()))
        })
        .collect()
}

/// The gateway's files, under [`FOLDER`].
fn render(ctx: &GatewayContext, openapi: String) -> Result<FileSet> {
    let mut files = crate::render::render_gateway(ctx)?;
    // Where rustfmt is missing, the services' generation has said so already.
    crate::format::format_rust(&mut files)?;
    // A client of every service's routes through the gateway, from its merged document.
    for (path, contents) in typescript_client(&ctx.name, &openapi) {
        files.insert(&path, contents, Owner::Generator);
    }
    // The gathered export's JSON Schema, as each service writes its part's.
    if ctx.export.is_some()
        && let Some(schema) = crate::openapi::export_schema(&openapi)
    {
        files.insert(crate::openapi::EXPORT_SCHEMA_FILE, schema, Owner::Generator);
    }
    files.insert(crate::openapi::FILE, openapi, Owner::Generator);
    Ok(files)
}

/// The gateway of `services` (each with its OpenAPI document's text, by name), as `new` and
/// `update` write it: every file is the generator's.
pub fn generate(
    title: &str,
    spec: &Spec,
    services: &[ServiceSpec],
    documents: &[(String, String)],
) -> Result<FileSet> {
    let ctx = GatewayContext::new(title, spec, services, crate::split::port);
    let openapi = merged_openapi(&ctx, documents)?;
    render(&ctx, openapi)
}

/// The files of a TypeScript client whose document is `document` (the gateway's: its routes
/// are the services'): the runtime and the package files the services' clients have, and
/// its own `api.ts` and `package.json`.
fn typescript_client(name: &str, document: &str) -> Vec<(String, String)> {
    let template = crate::render::embedded();
    let mut files: Vec<(String, String)> = ["src/runtime.ts", "src/index.ts", "tsconfig.json"]
        .iter()
        .filter_map(|file| {
            let path = format!("clients/typescript/{file}");
            let bytes = template.get(&path)?;
            Some((path, String::from_utf8_lossy(bytes).into_owned()))
        })
        .collect();
    files.push((
        crate::clients::typescript::API_FILE.to_owned(),
        crate::clients::typescript::api(document),
    ));
    files.push((
        "clients/typescript/package.json".to_owned(),
        format!(
            "{{\n  \"name\": \"{name}-client\",\n  \"version\": \"0.1.0\",\n  \"description\": \"A typed client of the {name} gateway's HTTP API: every service's routes.\",\n  \"private\": true,\n  \"type\": \"module\",\n  \"exports\": {{\n    \".\": {{\n      \"types\": \"./dist/src/index.d.ts\",\n      \"default\": \"./dist/src/index.js\"\n    }}\n  }},\n  \"files\": [\"dist/src\"],\n  \"scripts\": {{\n    \"build\": \"tsc -p .\",\n    \"check\": \"tsc -p . --noEmit\"\n  }},\n  \"devDependencies\": {{\n    \"@types/node\": \"20.19.25\",\n    \"typescript\": \"7.0.2\"\n  }}\n}}\n"
        ),
    ));
    files
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{GatewayContext, Upstream, merged_openapi};

    fn upstream(name: &str, segment: &str) -> Upstream {
        Upstream {
            name: name.into(),
            variant: String::new(),
            variable: String::new(),
            default_url: String::new(),
            segments: vec![segment.into()],
            kube: crate::kubernetes::KubeName::of(name),
        }
    }

    fn document(path: &str, thing: Value) -> (String, String) {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "one"},
            "paths": {
                path: {"get": {"responses": {"200": {"$ref": "#/components/schemas/Thing"}}}},
                "/v1/jobs": {"get": {}},
            },
            "components": {"schemas": {"Thing": thing, "Error": {"type": "object"}}},
        });
        (path.trim_start_matches("/v1/").into(), doc.to_string())
    }

    /// Routed paths only; a component two services define alike is kept once, one they
    /// define differently is renamed after the later service, whose references follow.
    #[test]
    fn documents_merge_without_a_reference_changing_meaning() {
        let ctx = GatewayContext {
            name: "shop".into(),
            api_prefix: "/v1".into(),
            rust_version: "1.89",
            gcra_script: "",
            accounts_service: None,
            requests_per_minute: 60,
            burst: 10,
            upstreams: vec![
                upstream("orders", "orders"),
                upstream("payments", "payments"),
            ],
            shared_segments: vec!["jobs".into()],
            export: None,
            uploads: Vec::new(),
            port: 8080,
        };
        let documents = [
            document("/v1/orders", json!({"type": "string"})),
            document("/v1/payments", json!({"type": "integer"})),
        ];
        let merged: Value =
            serde_json::from_str(&merged_openapi(&ctx, &documents).unwrap()).unwrap();
        let paths = merged["paths"].as_object().unwrap();
        assert_eq!(
            paths.keys().collect::<Vec<_>>(),
            ["/v1/orders", "/v1/payments"]
        );
        let reference =
            |path: &str| merged["paths"][path]["get"]["responses"]["200"]["$ref"].clone();
        assert_eq!(reference("/v1/orders"), "#/components/schemas/Thing");
        assert_eq!(
            reference("/v1/payments"),
            "#/components/schemas/PaymentsThing"
        );
        let schemas = merged["components"]["schemas"].as_object().unwrap();
        assert_eq!(
            schemas.keys().collect::<Vec<_>>(),
            ["Error", "PaymentsThing", "Thing"]
        );
        assert_eq!(schemas["PaymentsThing"]["type"], "integer");
        assert_eq!(merged["info"]["title"], "shop (gateway)");
    }

    /// The gateway's TypeScript client is the services' runtime with an `api.ts` of its own.
    #[test]
    fn a_package_carries_the_runtime_and_its_own_api() {
        let document = serde_json::json!({"components": {"schemas": {}}, "paths": {}});
        let files = super::typescript_client("shop", &document.to_string());
        let paths: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
        for path in [
            "clients/typescript/src/runtime.ts",
            "clients/typescript/src/index.ts",
            "clients/typescript/tsconfig.json",
            "clients/typescript/src/api.ts",
            "clients/typescript/package.json",
        ] {
            assert!(paths.contains(&path), "{paths:?}");
        }
        let package = &files
            .iter()
            .find(|(path, _)| path.ends_with("package.json"))
            .expect("a package")
            .1;
        let parsed: serde_json::Value = serde_json::from_str(package).expect("JSON");
        assert_eq!(parsed["name"], "shop-client");
    }
}
