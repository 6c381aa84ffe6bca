//! The OpenAPI document of both examples, of the edge spec and of the lending library: deterministic, listing every
//! route, following the contract, and valid OpenAPI 3.1 as `openapi-spec-validator` (a Python
//! package that `scripts/test` installs into `target/pytools`) sees it.
//!
//! [`schemathesis`] runs the document against a running generated service; the end-to-end
//! test calls it for each service it starts. By hand, with a service on port 18999:
//!
//! ```text
//! OPENAPI_SERVICE_URL=http://127.0.0.1:18999 cargo test --test openapi -- --ignored
//! ```

use std::path::Path;
use std::process::Command;

mod pytools;

use backend_gen::context::{ListPaths, ServiceContext};
use backend_gen::operations::Kind;
use backend_gen::{openapi, render};
use pytools::{python, schemathesis, text, tool};
use serde_json::Value;

/// The lending library is here for its tenants' routes (`[tenancy]`), which no example has.
const SPECS: &[&str] = &[
    "examples/blog.toml",
    "examples/shop.toml",
    "tests/specs/edge.toml",
    "tests/specs/lending.toml",
];

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

fn context(spec: &str) -> ServiceContext {
    let source = std::fs::read_to_string(spec).expect("read the spec");
    let parsed = backend_gen::spec::parse(spec, &source).expect("a valid spec");
    let name = Path::new(spec)
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a file name");
    backend_gen::pipeline::service_context(name, &parsed, &source)
}

fn document(spec: &str) -> Value {
    serde_json::from_str(&context(spec).openapi).expect("the document is JSON")
}

/// A spec with every kind of field rule: read rules (by role, by owner), write rules (refused
/// and ignored), set-once and read-only fields, on a resource (listed directly, under a parent
/// and through a link) and on the account.
const FIELD_RULES: &str = r#"
[auth]
mode = "jwt"
roles = ["admin", "staff", "member"]
default_role = "member"

[resources.user.fields]
nickname = { type = "string", required = false, write = "create" }
notes = { type = "text", required = false, read = ["staff"], write = ["staff"] }
karma = { type = "integer", default = 0, write = "none" }

[resources.queue]
access = "authenticated"

[resources.queue.fields]
name = { type = "string" }

[resources.tag]
access = "authenticated"
many_to_many = ["ticket"]

[resources.tag.fields]
label = { type = "string" }

[resources.ticket]
belongs_to = { author = { resource = "user" }, queue = {} }
owner = "author"
access = { list = "authenticated", read = "authenticated", create = "authenticated", update = ["owner", "staff"], delete = "staff" }

[resources.ticket.fields]
title = { type = "string", filter = true }
status = { type = "enum", values = ["open", "closed"], default = "open", write = ["staff"] }
priority = { type = "integer", default = 1, write = ["staff"], write_denied = "ignore" }
code = { type = "string", write = "create" }
score = { type = "integer", default = 0, write = "none", filter = true }
rank = { type = "integer", default = 0, read = ["staff"], filter = true, sort = true }
secret = { type = "string", required = false, read = ["owner", "staff"], filter = true }
cost = { type = "decimal", scale = 2, required = false, read = ["staff"], write = ["staff"], filter = true, sort = true }
"#;

fn source_context(name: &str, source: &str) -> ServiceContext {
    let parsed = backend_gen::spec::parse(&format!("{name}.toml"), source).expect("a valid spec");
    backend_gen::pipeline::service_context(name, &parsed, source)
}

fn field_rules_document() -> Value {
    serde_json::from_str(&source_context("tix", FIELD_RULES).openapi).expect("JSON")
}

/// The keys of a schema's `properties`, and its `required` list.
fn keys(schema: &Value) -> (Vec<&str>, Vec<&str>) {
    let properties = schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    let required = schema["required"]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    (properties, required)
}

fn description(value: &Value) -> &str {
    value["description"].as_str().unwrap_or_default()
}

#[test]
fn documents_are_valid_openapi_3_1() {
    if !tool("openapi_spec_validator", "openapi-spec-validator") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    for spec in SPECS {
        let path = dir.path().join(format!(
            "{}.json",
            Path::new(spec).file_stem().unwrap().to_string_lossy()
        ));
        std::fs::write(&path, context(spec).openapi).expect("write the document");
        validate(spec, &path);
    }
    let path = dir.path().join("field-rules.json");
    std::fs::write(&path, source_context("tix", FIELD_RULES).openapi).expect("write");
    validate("the field rules spec", &path);
}

/// Each example's document, the edge spec's and the field rules spec's passes Spectral's
/// OpenAPI rules and the OWASP API Security Top 10 2023 ruleset under the project's own
/// `.spectral.yaml`: not one error or warning (random specs: tests/properties.rs).
#[test]
fn documents_are_clean_under_the_owasp_ruleset() {
    let Some(spectral) = pytools::spectral() else {
        return;
    };
    let contexts = SPECS
        .iter()
        .map(|spec| (spec.to_string(), context(spec)))
        .chain([(
            "the field rules spec".to_string(),
            source_context("tix", FIELD_RULES),
        )]);
    for (name, ctx) in contexts {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join(openapi::FILE), &ctx.openapi).expect("write");
        let ruleset = openapi::spectral::ruleset(&ctx);
        std::fs::write(dir.path().join(openapi::spectral::FILE), ruleset).expect("write");
        let findings = pytools::spectral_findings(&spectral, dir.path());
        assert!(findings.is_empty(), "{name}: {findings:#?}");
    }
}

/// The test script installs the Spectral and OWASP ruleset versions the generated CI
/// workflow lints with, so what passes here passes there.
#[test]
fn the_test_script_lints_with_the_generated_workflows_versions() {
    let script = std::fs::read_to_string("scripts/test").expect("read scripts/test");
    let packages: Vec<&str> = openapi::spectral::INSTALL
        .split(' ')
        .filter(|word| word.starts_with("@stoplight/"))
        .collect();
    assert_eq!(packages.len(), 2, "{}", openapi::spectral::INSTALL);
    for package in packages {
        assert!(
            script.contains(package),
            "scripts/test does not install {package}"
        );
        let version = package.rsplit('@').next().expect("a version");
        assert!(
            script.contains(&format!("\"{version}\""))
                || script.contains(&format!("-qx {version}")),
            "{package}"
        );
    }
}

/// Runs openapi-spec-validator on the document at `path`, made from `spec`.
fn validate(spec: &str, path: &Path) {
    let output = Command::new(python())
        .args(["-m", "openapi_spec_validator"])
        .arg(path)
        .output()
        .expect("run openapi_spec_validator");
    assert!(output.status.success(), "{spec}: {}", text(&output));
    assert!(text(&output).contains("OK"), "{spec}: {}", text(&output));
}

#[test]
fn documents_are_deterministic_and_part_of_the_project() {
    for spec in SPECS {
        let ctx = context(spec);
        let first = ctx.openapi.clone();
        assert_eq!(first, context(spec).openapi, "{spec}");
        assert!(first.ends_with("}\n"));
        let files = render::render_service(&ctx, &Default::default()).expect("render");
        let file = files.get(openapi::FILE).expect("openapi.json is generated");
        assert_eq!(file.contents, first, "{spec}");
    }
}

#[test]
fn every_route_is_documented_and_nothing_else() {
    for spec in SPECS {
        let ctx = context(spec);
        let doc = document(spec);
        assert_eq!(doc["openapi"], "3.1.0");
        // The document's paths and the router's both come from the operations; what can
        // still go wrong is an operation the document leaves out or renders as another.
        let mut expected: Vec<String> = ctx
            .routes
            .iter()
            .map(|o| format!("{} {}", o.method.lowercase(), o.path))
            .collect();
        for o in &ctx.routes {
            let op = &doc["paths"][&o.path][o.method.lowercase()];
            assert_eq!(op["operationId"], o.id.as_str(), "{spec}: {}", o.path);
            assert_eq!(
                op["summary"],
                o.document_summary.as_str(),
                "{spec}: {}",
                o.id
            );
        }
        let mut documented = Vec::new();
        let mut ids = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in METHODS {
                if let Some(op) = item.get(*method) {
                    documented.push(format!("{method} {path}"));
                    ids.push(
                        op["operationId"]
                            .as_str()
                            .expect("an operationId")
                            .to_string(),
                    );
                    let summary = op["summary"].as_str().unwrap_or_default();
                    assert!(
                        !summary.is_empty(),
                        "{spec}: {method} {path} has no summary"
                    );
                    let headers = op["responses"]
                        .as_object()
                        .expect("responses")
                        .values()
                        .all(|r| r["headers"]["X-Request-Id"].is_object() || r["$ref"].is_string());
                    assert!(
                        headers,
                        "{spec}: {method} {path}: a response without X-Request-Id"
                    );
                }
            }
        }
        expected.sort();
        documented.sort();
        assert_eq!(documented, expected, "{spec}");
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "{spec}: operation ids are unique");
        // Links from a created row name real operations and parameters.
        for (path, item) in doc["paths"].as_object().expect("paths") {
            let created = &item["post"]["responses"]["201"];
            for link in created["links"]
                .as_object()
                .into_iter()
                .flat_map(|l| l.values())
            {
                let target = link["operationId"].as_str().expect("an operationId");
                let target_path = doc["paths"]
                    .as_object()
                    .expect("paths")
                    .iter()
                    .find(|(_, item)| {
                        METHODS
                            .iter()
                            .any(|m| item[*m]["operationId"].as_str() == Some(target))
                    })
                    .map(|(p, _)| p.clone());
                let target_path =
                    target_path.unwrap_or_else(|| panic!("{spec}: {path} links to {target}"));
                for parameter in link["parameters"].as_object().expect("parameters").keys() {
                    assert!(
                        target_path.contains(&format!("{{{parameter}}}")),
                        "{spec}: {path} links to {target} with {parameter}"
                    );
                }
            }
        }
    }
}

/// The statuses an operation documents but 414 and 431 (a head too large to read), which every
/// operation lists (`every_operation_lists_the_http_servers_refusals`).
fn statuses(op: &Value) -> Vec<&str> {
    op["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .map(String::as_str)
        .filter(|status| !["414", "431"].contains(status))
        .collect()
}

/// A target past 32 KiB, or a head past 64 KiB, is refused before anything else: every
/// operation says so (a value within its `maxLength` can still get there once
/// percent-encoded), with the error body.
#[test]
fn every_operation_lists_the_http_servers_refusals() {
    for spec in SPECS {
        let doc = document(spec);
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                for status in ["414", "431"] {
                    assert!(
                        op["responses"][status].is_object(),
                        "{spec}: {method} {path}: {status}"
                    );
                }
                // A 414 may be the HTTP server's bare one (past 64 KiB of target), so it
                // names no content; a 431 is the service's up to a head of 1 MiB.
                let responses = &doc["components"]["responses"];
                let schema =
                    &responses["HeadersTooLarge"]["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/Error", "{spec}");
                assert!(responses["UriTooLong"].get("content").is_none(), "{spec}");
            }
        }
    }
}

fn parameter_names(op: &Value) -> Vec<String> {
    op["parameters"]
        .as_array()
        .map(|params| {
            params
                .iter()
                .map(|p| match p["$ref"].as_str() {
                    Some(r) => r.rsplit('/').next().unwrap().to_string(),
                    None => p["name"].as_str().unwrap().to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_shop_follows_the_contract() {
    let doc = document("examples/shop.toml");
    let paths = &doc["paths"];
    let schemas = &doc["components"]["schemas"];

    // Status codes of each kind of route; the shop uses jwt auth, so the access rules add
    // 401 everywhere a token is read and 403 wherever a signed-in caller can be refused.
    assert_eq!(
        statuses(&paths["/v1/orders"]["get"]),
        ["200", "400", "401", "403", "429", "500", "503"]
    );
    assert_eq!(
        statuses(&paths["/v1/orders"]["post"]),
        [
            "201", "400", "401", "403", "409", "413", "415", "422", "429", "500", "503"
        ]
    );
    assert_eq!(
        statuses(&paths["/v1/orders/{id}/order-items"]["post"]),
        [
            "201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "500", "503"
        ]
    );
    // An order's owner comes from the token: there is no create under a user.
    assert!(paths["/v1/users/{id}/orders"].get("post").is_none());
    assert_eq!(
        statuses(&paths["/v1/orders/{id}"]["get"]),
        ["200", "304", "400", "401", "404", "429", "500", "503"]
    );
    for method in ["put", "patch"] {
        assert_eq!(
            statuses(&paths["/v1/orders/{id}"][method]),
            [
                "200", "400", "401", "403", "404", "409", "412", "413", "415", "422", "429", "500",
                "503"
            ]
        );
    }
    assert_eq!(
        statuses(&paths["/v1/orders/{id}"]["delete"]),
        [
            "204", "400", "401", "403", "404", "409", "412", "429", "500", "503"
        ]
    );
    let link = &paths["/v1/products/{id}/categories/{categoryId}"];
    assert_eq!(
        statuses(&link["put"]),
        ["204", "401", "403", "404", "429", "500", "503"]
    );
    assert_eq!(
        statuses(&link["delete"]),
        ["204", "401", "403", "404", "429", "500", "503"]
    );

    // Who may call what: public reads take a token optionally, the rest need one.
    let bearer = serde_json::json!([{"bearerAuth": []}]);
    let optional = serde_json::json!([{}, {"bearerAuth": []}]);
    assert_eq!(paths["/v1/products"]["get"]["security"], optional);
    assert_eq!(paths["/v1/products"]["post"]["security"], bearer);
    assert_eq!(paths["/v1/orders"]["get"]["security"], bearer);
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"]["scheme"],
        "bearer"
    );
    assert_eq!(
        statuses(&paths["/v1/auth/login"]["post"]),
        [
            "200", "400", "401", "413", "415", "422", "429", "500", "503"
        ]
    );
    assert_eq!(
        paths["/v1/auth/login"]["post"]["security"],
        serde_json::json!([])
    );
    assert_eq!(
        statuses(&paths["/v1/users/{id}/roles"]["put"]),
        [
            "200", "400", "401", "403", "404", "413", "415", "422", "429", "500", "503"
        ]
    );
    let register = &schemas["User.Create"];
    assert_eq!(register["properties"]["password"]["minLength"], 10);
    assert!(
        register["required"]
            .as_array()
            .unwrap()
            .contains(&"password".into())
    );
    assert!(schemas["User"]["properties"].get("password").is_none());
    assert_eq!(schemas["User"]["properties"]["roles"]["readOnly"], true);
    assert_eq!(statuses(&paths["/health"]["get"]), ["200", "503"]);
    let created = &paths["/v1/orders"]["post"]["responses"]["201"]["headers"];
    assert!(created["Location"].is_object() && created["ETag"].is_object());
    assert_eq!(
        parameter_names(&paths["/v1/orders/{id}"]["get"]),
        ["IfNoneMatch"]
    );
    assert_eq!(
        parameter_names(&paths["/v1/orders/{id}"]["put"]),
        ["IfMatch"]
    );

    // Bodies: required keys per kind, nullability, no extra keys.
    let create = &schemas["Order.Create"];
    assert_eq!(create["required"], serde_json::json!(["placedAt"]));
    // The owner key is optional: the caller owns the order unless staff or an admin names
    // another customer.
    let owner = &create["properties"]["customerId"];
    assert_eq!(owner["format"], "uuid");
    let described = owner["description"].as_str().unwrap();
    assert!(described.contains("staff or admin"), "{described}");
    assert_eq!(create["additionalProperties"], false);
    assert_eq!(create["properties"]["status"]["default"], "pending");
    let replace = &schemas["Order.Replace"];
    assert_eq!(
        replace["required"],
        serde_json::json!([
            "status",
            "total",
            "placedAt",
            "notes",
            "deliveryAddress",
            "shipmentId"
        ])
    );
    // Another service's id: a uuid, and what a write that sets it asks.
    let shipment = &create["properties"]["shipmentId"];
    assert_eq!(shipment["format"], "uuid");
    let described = shipment["description"].as_str().unwrap();
    assert!(
        described.contains("of the `warehouse` service") && described.contains("503"),
        "{described}"
    );
    assert_eq!(
        replace["properties"]["notes"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert_eq!(replace["properties"]["notes"]["maxLength"], 2000);
    assert!(replace["properties"]["version"].is_object());
    assert!(schemas["Order.Patch"].get("required").is_none());
    let nested = &schemas["OrderItem.CreateForOrder"];
    assert!(nested["properties"].get("orderId").is_none());
    assert_eq!(
        nested["required"],
        serde_json::json!(["productId", "quantity", "unitPrice"])
    );
    // A decimal, as a string: at least 0 (`-0` is 0), at most 16 digits before the point and
    // 2 after, leading and trailing zeros aside; as a number, the same.
    let price = &schemas["Product.Create"]["properties"]["price"];
    assert_eq!(
        price["oneOf"][0]["pattern"],
        r"^(0*(0|[1-9][0-9]{0,15})(\.[0-9]{1,2}0*)?|-(0+(\.(0(0(0+)?)?))?))$"
    );
    assert_eq!(
        schemas["Product"]["properties"]["price"]["pattern"],
        openapi::DECIMAL_PATTERN
    );
    assert_eq!(price["oneOf"][1]["minimum"], 0);
    assert_eq!(price["oneOf"][1]["multipleOf"], 0.01);
    // No request string may hold U+0000: a pattern says so where the field's own does not.
    let user = &schemas["User.Create"]["properties"];
    assert_eq!(user["email"]["format"], "email");
    assert_eq!(user["email"]["pattern"], openapi::NO_NUL);
    assert_eq!(user["phone"]["pattern"], r"^\+?[0-9 ]{6,20}$");
    assert!(user["phone"].get("allOf").is_none());
    assert_eq!(replace["properties"]["notes"]["pattern"], openapi::NO_NUL);
    assert_eq!(
        schemas["Product.Create"]["properties"]["attributes"]["$ref"],
        "#/components/schemas/JsonValue"
    );
    assert_eq!(
        schemas["JsonValue"]["propertyNames"]["pattern"],
        openapi::NO_NUL
    );
    assert_eq!(
        schemas["RefreshRequest"]["properties"]["refreshToken"]["pattern"],
        openapi::NO_NUL
    );
    let cursor = &doc["components"]["parameters"]["Cursor"]["schema"]["pattern"];
    assert_eq!(cursor, r"^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?$");
    assert_eq!(
        schemas["Product.Create"]["properties"]["homepage"]["format"],
        "uri"
    );

    // The representation.
    let order = &schemas["Order"];
    assert_eq!(
        order["required"],
        serde_json::json!([
            "id",
            "customerId",
            "status",
            "total",
            "placedAt",
            "notes",
            "deliveryAddress",
            "shipmentId",
            "version",
            "createdAt",
            "updatedAt"
        ])
    );
    assert_eq!(order["properties"]["total"]["type"], "string");

    // Field rules: the public never gets a product's cost price, a payment's reference is
    // set once, and a new account may not write its internal notes.
    let (_, required) = keys(&schemas["Product"]);
    assert!(!required.contains(&"costPrice"), "{required:?}");
    assert!(description(&schemas["Product"]["properties"]["costPrice"]).contains("Seen only by"));
    let (create, required) = keys(&schemas["Payment.Create"]);
    assert!(create.contains(&"reference") && required.contains(&"reference"));
    for body in ["Payment.Replace", "Payment.Patch"] {
        let (properties, _) = keys(&schemas[body]);
        assert!(!properties.contains(&"reference"), "{body}: {properties:?}");
        assert!(properties.contains(&"status"), "{body}: {properties:?}");
    }
    let (register, _) = keys(&schemas["User.Register"]);
    assert!(!register.contains(&"internalNotes"), "{register:?}");
    assert!(register.contains(&"password"), "{register:?}");
    assert_eq!(
        paths["/v1/auth/register"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/User.Register"
    );
    let (create, _) = keys(&schemas["User.Create"]);
    assert!(
        create.contains(&"internalNotes"),
        "admins create accounts with notes"
    );

    // List query parameters.
    let list = parameter_names(&paths["/v1/orders"]["get"]);
    // Exactly what an index serves: the relation and the enum (alone or together), `total`'s
    // ranges (declared with `status`, sorted by it), and createdAt; nothing else.
    assert_eq!(
        list,
        [
            "Page",
            "Limit",
            "Cursor",
            "sort",
            "fields",
            "customerId",
            "status",
            "totalMin",
            "totalMax",
            "createdAt",
            "createdAfter",
            "createdBefore",
        ]
    );
    let products = parameter_names(&paths["/v1/products"]["get"]);
    assert!(
        !products.contains(&"attributes".to_string()),
        "json fields are not filters"
    );
    assert!(products.contains(&"priceMin".to_string()));
    assert!(!products.contains(&"name".to_string()), "{products:?}");
    assert!(!products.contains(&"availableFromAfter".to_string()));
    let sort = paths["/v1/orders"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "sort")
        .unwrap();
    let pattern = sort["schema"]["pattern"].as_str().unwrap();
    assert_eq!(
        pattern,
        "^ *[+-]?(id|createdAt|customerId|status|total) *(, *[+-]?(id|createdAt|customerId|status|total) *)*$"
    );
    assert!(
        description(sort).contains("`total` with exactly the filters `status`"),
        "{}",
        description(sort)
    );
    // `total` comes with offset pages only: a page after a cursor is not counted.
    let pagination = &doc["components"]["schemas"]["Pagination"];
    assert_eq!(
        pagination["required"],
        serde_json::json!(["limit", "hasMore", "nextCursor"])
    );
    assert_eq!(pagination["properties"]["total"]["type"], "integer");
    // `totalExact` beside it: counts stop at `LIST_COUNT_LIMIT`.
    assert_eq!(pagination["properties"]["totalExact"]["type"], "boolean");
    // `page` says how far offset pages reach, and what reaches further.
    let page = description(&doc["components"]["parameters"]["Page"]);
    assert!(
        page.contains("LIST_OFFSET_WINDOW") && page.contains("`cursor`"),
        "{page}"
    );
}

#[test]
fn the_edge_spec_names_its_filters_from_the_field() {
    let doc = document("tests/specs/edge.toml");
    let list = parameter_names(&doc["paths"]["/api/v2/an-unusually-long-resource-nams"]["get"]);
    for name in [
        "dueAfter",
        "dueBefore",
        "atAfter",
        "atBefore",
        "xMin",
        "xMax",
    ] {
        assert!(list.contains(&name.to_string()), "{name} in {list:?}");
    }
    // No timestamps on `q`: no createdAfter, no createdAt key.
    let q = parameter_names(&doc["paths"]["/api/v2/using"]["get"]);
    assert!(!q.contains(&"createdAfter".to_string()), "{q:?}");
    assert!(
        doc["components"]["schemas"]["Q"]["properties"]
            .get("createdAt")
            .is_none()
    );
    assert!(doc["paths"]["/api/v2/people/{id}/sender-messages"]["post"].is_object());
    assert!(
        doc["paths"]["/api/v2/an-unusually-long-resource-nams/{id}/tags/{tagId}"]["put"]
            .is_object()
    );
}

#[test]
fn field_rules_shape_the_representation() {
    let doc = field_rules_document();
    let ticket = &doc["components"]["schemas"]["Ticket"];
    let fields = &ticket["properties"];
    let (_, required) = keys(ticket);
    // A caller who may not see a field never gets its key: it is not required.
    for key in ["rank", "secret", "cost"] {
        assert!(!required.contains(&key), "{key} in {required:?}");
    }
    for key in ["title", "status", "priority", "code", "score"] {
        assert!(required.contains(&key), "{key} not in {required:?}");
    }
    assert_eq!(
        description(&fields["rank"]),
        "Seen only by callers with the role staff or admin; others never get the key."
    );
    assert!(
        description(&fields["secret"])
            .starts_with("Seen only by the row's owner or callers with the role staff or admin;")
    );
    assert_eq!(
        description(&fields["status"]),
        "Written only by callers with the role staff or admin; others get 422."
    );
    assert_eq!(
        description(&fields["priority"]),
        "Written only by callers with the role staff or admin; from others the value is ignored."
    );
    assert!(description(&fields["code"]).starts_with("Set once, when the row is created"));
    assert!(description(&fields["score"]).starts_with("Read-only"));
    let cost = description(&fields["cost"]);
    assert!(
        cost.contains("Seen only by") && cost.contains("Written only by"),
        "{cost}"
    );
    // Only a field no request writes is read-only; a set-once field is written on create.
    assert_eq!(fields["score"]["readOnly"], true);
    for key in ["title", "status", "code", "rank"] {
        assert!(fields[key].get("readOnly").is_none(), "{key}");
    }
    assert!(description(&fields["title"]).is_empty());
    // List items carry the same descriptions.
    let item = &doc["components"]["schemas"]["Ticket.Item"]["properties"];
    assert_eq!(item["score"]["readOnly"], true);
    assert_eq!(description(&item["rank"]), description(&fields["rank"]));
    // The account: `/auth/me` and registration answer with the same representation.
    let user = &doc["components"]["schemas"]["User"];
    let (_, required) = keys(user);
    assert!(!required.contains(&"notes") && required.contains(&"karma"));
    assert_eq!(user["properties"]["karma"]["readOnly"], true);
}

#[test]
fn field_rules_shape_the_bodies() {
    let doc = field_rules_document();
    let schemas = &doc["components"]["schemas"];
    // Nobody writes `score` through the API: no body has it. A set-once `code` is in the
    // create bodies only: an update keeps it, so Schemathesis never sends one.
    for body in ["Ticket.Create", "Ticket.CreateForQueue"] {
        let (properties, required) = keys(&schemas[body]);
        assert!(!properties.contains(&"score"), "{body}: {properties:?}");
        assert!(properties.contains(&"code"), "{body}: {properties:?}");
        assert!(required.contains(&"code"), "{body}: {required:?}");
        // Fields with write rules stay: the callers who may write them need them; those
        // with a default are not required.
        for key in ["status", "priority", "cost", "rank", "secret"] {
            assert!(properties.contains(&key), "{body}: {key}");
            assert!(!required.contains(&key), "{body}: {key}");
        }
        assert!(
            description(&schemas[body]["properties"]["code"]).contains("Set once, here"),
            "{body}"
        );
    }
    let (create, required) = keys(&schemas["Ticket.Create"]);
    assert_eq!(required, ["queueId", "title", "code"]);
    assert_eq!(
        schemas["Ticket.Create"]["properties"]["status"]["default"],
        "open"
    );
    assert!(create.contains(&"queueId"));
    let (replace, required) = keys(&schemas["Ticket.Replace"]);
    let (patch, patch_required) = keys(&schemas["Ticket.Patch"]);
    for key in ["score", "code"] {
        assert!(!replace.contains(&key), "PUT: {key}");
        assert!(!patch.contains(&key), "PATCH: {key}");
    }
    // A PUT from a caller who may write a field must carry it (the service takes a missing
    // key as a mistake); the others may leave it out, which the descriptions say.
    assert_eq!(
        required,
        [
            "queueId", "title", "status", "priority", "rank", "secret", "cost"
        ]
    );
    assert!(patch_required.is_empty());
    let put = &schemas["Ticket.Replace"];
    assert!(description(put).contains("may leave its key out"), "{put}");
    let status = description(&put["properties"]["status"]);
    assert!(
        status.contains("others get 422 unless they send back the value they read")
            && status.contains("may leave the key out"),
        "{status}"
    );
    let priority = description(&schemas["Ticket.Patch"]["properties"]["priority"]);
    assert!(
        priority.contains("from others the value is ignored"),
        "{priority}"
    );
    // The account: an admin's create takes `notes`, a registration does not (the new
    // account may not write it); neither takes `karma`; `nickname` is set once.
    let (create, _) = keys(&schemas["User.Create"]);
    let (register, register_required) = keys(&schemas["User.Register"]);
    assert!(create.contains(&"notes") && !create.contains(&"karma"));
    assert_eq!(register, ["email", "nickname", "password"]);
    assert_eq!(register_required, ["email", "password"]);
    assert_eq!(
        doc["paths"]["/v1/auth/register"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/User.Register"
    );
    for body in ["User.Replace", "User.Patch"] {
        let (properties, _) = keys(&schemas[body]);
        assert_eq!(properties, ["email", "notes"], "{body}");
    }
}

#[test]
fn operations_list_the_field_rules_that_guard_them() {
    let doc = field_rules_document();
    let paths = &doc["paths"];
    let note = |path: &str, method: &str| description(&paths[path][method]).to_string();

    let create = note("/v1/tickets", "post");
    assert!(create.contains(" Field rules: "), "{create}");
    for clause in [
        "`status` is written only by callers with the role staff or admin (others get 422)",
        "`priority` is written only by callers with the role staff or admin (from others the value is ignored)",
        "`code` is set once, here",
        "`score` is read-only",
        "`rank` is seen only by callers with the role staff or admin (others never get the key)",
    ] {
        assert!(create.contains(clause), "{clause} in {create}");
    }
    assert_eq!(create, note("/v1/queues/{id}/tickets", "post"));
    for method in ["put", "patch"] {
        let update = note("/v1/tickets/{id}", method);
        assert!(
            update.contains(
                "`code` is set once, on create (not part of this body: a changed value gets 422)"
            ),
            "{update}"
        );
        assert!(
            update.contains("others get 422 unless they send back the value they read"),
            "{update}"
        );
        assert!(update.contains("`score` is read-only"), "{update}");
    }
    assert!(note("/v1/tickets/{id}", "put").contains("may leave the key out"));
    assert!(!note("/v1/tickets/{id}", "patch").contains("may leave the key out"));

    // Reads only say who sees what; lists add filters, sorting and `fields`.
    let read = note("/v1/tickets/{id}", "get");
    assert!(read.contains("`secret` is seen only by the row's owner or callers with the role staff or admin (others never get the key)"), "{read}");
    assert!(!read.contains("written"), "{read}");
    for path in [
        "/v1/tickets",
        "/v1/queues/{id}/tickets",
        "/v1/users/{id}/tickets",
        "/v1/tags/{id}/tickets",
    ] {
        let list = note(path, "get");
        assert!(
            list.contains("`cost` is seen only by callers with the role staff or admin (others never get the key, and cannot filter or sort by it or select it in `fields`)"),
            "{path}: {list}"
        );
        assert!(list.contains("an owner alone may do so only in a list of their own rows"));
    }
    // Deleting and the queues, with no field rules, have no note; their description says
    // who may call them and how.
    for (path, method) in [
        ("/v1/tickets/{id}", "delete"),
        ("/v1/queues", "post"),
        ("/v1/tags/{id}/tickets/{ticketId}", "put"),
    ] {
        let story = note(path, method);
        assert!(story.starts_with("Who may call it: "), "{path}: {story}");
        assert!(!story.contains("Field rules"), "{path}: {story}");
    }
    assert!(note("/v1/tickets/{id}", "delete").contains("`If-Match`"));
    assert!(note("/v1/queues", "post").contains("`Idempotency-Key`"));

    // The account's own routes.
    let register = note("/v1/auth/register", "post");
    assert!(
        register.starts_with("Anyone may open an account"),
        "{register}"
    );
    assert!(
        register.contains("`notes` is seen only by callers with the role staff or admin (others never get the key) and written only by callers with the role staff or admin (not part of this body: a value sent gets 422)"),
        "{register}"
    );
    assert!(
        register.contains("`nickname` is set once, here"),
        "{register}"
    );
    let me = note("/v1/auth/me", "get");
    assert_eq!(
        me,
        "Any signed-in caller: their own account, with the fields its owner may read. Field rules: `notes` is seen only by callers with the role staff or admin (others never get the key)."
    );
}

#[test]
fn list_parameters_say_who_may_use_guarded_fields() {
    let doc = field_rules_document();
    let params = doc["paths"]["/v1/tickets"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let param = |name: &str| {
        params
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} is documented"))
    };
    for name in ["rank", "rankMin", "rankMax", "cost", "costMin", "costMax"] {
        let key = name.trim_end_matches("Min").trim_end_matches("Max");
        assert!(
            description(param(name)).ends_with(&format!(
                "Only callers who see `{key}` (callers with the role staff or admin) may use it; others get 400."
            )),
            "{name}: {}",
            description(param(name))
        );
    }
    assert!(
        description(param("secret")).contains("the owner alone: only in a list of their own rows")
    );
    for name in ["title", "status", "score"] {
        assert!(!description(param(name)).contains("Only callers"), "{name}");
    }
    // Guarded keys stay in `sort` and `fields`, for those who may use them.
    let sort = param("sort");
    assert!(
        sort["schema"]["pattern"]
            .as_str()
            .unwrap()
            .contains("|rank|")
    );
    assert!(
        description(sort).contains(
            "Sorting by `rank`: only callers who see `rank` (callers with the role staff or admin); others get 400."
        ),
        "{}",
        description(sort)
    );
    let fields = description(param("fields"));
    for key in ["rank", "secret", "cost"] {
        assert!(
            fields.contains(&format!("Selecting `{key}`: only callers who see `{key}`")),
            "{fields}"
        );
    }
    // The queues, without field rules, have none of it.
    let queues = doc["paths"]["/v1/queues"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(
        queues
            .iter()
            .all(|p| !description(p).contains("Only callers"))
    );
}

#[test]
fn specs_without_field_rules_do_not_mention_them() {
    for spec in ["examples/blog.toml", "tests/specs/edge.toml"] {
        let text = context(spec).openapi;
        assert!(!text.contains("Field rules"), "{spec}");
        assert!(!text.contains(".Register"), "{spec}");
    }
}

/// Schemathesis against a service started by hand (see the module docs).
#[test]
#[ignore = "needs a running service: set OPENAPI_SERVICE_URL"]
fn schemathesis_against_a_running_service() {
    let url = std::env::var("OPENAPI_SERVICE_URL").expect("OPENAPI_SERVICE_URL is set");
    schemathesis(&url, None);
}

/// Lists narrowed in every way the service knows: nested lists whose combinations name the
/// parent's key (alone and with another filter, by a sort other than the default), owned rows
/// nested under their owner and under another parent, a many-to-many list, and a resource
/// without timestamps.
const LIST_SCOPES: &str = r#"
[auth]
mode = "jwt"
roles = ["admin", "staff", "member"]
default_role = "member"

[resources.board]
access = "authenticated"
many_to_many = ["card"]

[resources.board.fields]
name = { type = "string", max_length = 80 }

[resources.card]
belongs_to = { author = { resource = "user" }, lane = {} }
owner = "author"
access = { list = ["owner", "staff"], read = ["owner", "staff"], create = "authenticated", update = ["owner", "staff"], delete = "staff" }
list_combinations = [{ filter = ["lane"], sort = "points" }, { filter = ["lane", "state"], sort = "title" }, { filter = ["author", "state"] }, { filter = ["state"], sort = "points" }]

[resources.card.fields]
title = { type = "string", max_length = 80, sort = true }
state = { type = "enum", values = ["open", "done"], default = "open" }
points = { type = "integer", default = 0 }
due = { type = "date", required = false, sort = true }

[resources.lane]
timestamps = false
access = "authenticated"

[resources.lane.fields]
label = { type = "string", max_length = 40, filter = true }
"#;

/// What the service accepts (`list.rs`'s `parse` and `check_path`, written again here over
/// the resource's `ListPaths`): a request whose equality filters are `asked` (each
/// filterable), sorted first by `first` (a sortable key), in a list narrowed by equality to
/// the keys `scopes` (a nested list's foreign key, an owner's own rows).
fn accepts(paths: &ListPaths, scopes: &[&str], asked: &[&str], first: &str) -> bool {
    if !paths.any_sort().contains(&first) || !asked.iter().all(|k| paths.any_filter().contains(k)) {
        return false;
    }
    let mut equal: Vec<&str> = Vec::new();
    for key in scopes.iter().chain(asked) {
        if !equal.contains(key) {
            equal.push(key);
        }
    }
    let has = |keys: &[String], key: &str| keys.iter().any(|k| k == key);
    let alone = match equal.as_slice() {
        [] => has(&paths.sorts, first),
        [key] => {
            first == paths.default_sort && (has(&paths.filters, key) || has(&paths.scopes, key))
        }
        _ => false,
    };
    alone
        || equal.iter().any(|k| has(&paths.unique, k))
        || paths.combinations.iter().any(|c| {
            c.sort == first
                && c.filters.len() == equal.len()
                && c.filters.iter().all(|k| equal.contains(&k.as_str()))
        })
}

/// Every key some accepted request filters on by equality, and every key some accepted
/// request sorts by first, over every set of filters and every sort.
fn accepted(paths: &ListPaths, scopes: &[&str]) -> (Vec<String>, Vec<String>) {
    let filters = paths.any_filter();
    let (mut equal, mut first) = (Vec::new(), Vec::new());
    for set in 0..1u32 << filters.len() {
        let asked: Vec<&str> = (0..filters.len())
            .filter(|i| set & (1 << i) != 0)
            .map(|i| filters[i])
            .collect();
        for sort in paths.any_sort() {
            if accepts(paths, scopes, &asked, sort) {
                equal.extend(asked.iter().map(|k| k.to_string()));
                first.push(sort.to_string());
            }
        }
    }
    for keys in [&mut equal, &mut first] {
        keys.sort();
        keys.dedup();
    }
    (equal, first)
}

/// The alternatives of one `(a|b)` group of a sort pattern, after `lead`.
fn pattern_keys(pattern: &str, lead: &str) -> Vec<String> {
    let start = pattern.find(lead).expect("the group") + lead.len();
    let end = start + pattern[start..].find(')').expect("its end");
    let mut keys: Vec<String> = pattern[start..end].split('|').map(String::from).collect();
    keys.sort();
    keys
}

/// Every list's documented filters and sorts are exactly what the service accepts in its
/// scope: the top-level list and a many-to-many list (a join, no key of the rows) all of
/// the access paths; a nested list those that hold its parent's key as one of their
/// equality filters. What a caller who lists only their own rows may use is among them.
#[test]
fn every_list_documents_exactly_what_its_scope_accepts() {
    let mut contexts: Vec<(String, ServiceContext)> = Vec::new();
    let mut files: Vec<String> = ["examples", "tests/specs"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).expect("a directory"))
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| path.display().to_string())
        .collect();
    files.sort();
    assert!(
        files.contains(&"examples/shop.toml".to_string()),
        "{files:?}"
    );
    for file in files {
        contexts.push((file.clone(), context(&file)));
    }
    contexts.push(("field rules".into(), source_context("tix", FIELD_RULES)));
    contexts.push(("list scopes".into(), source_context("kanban", LIST_SCOPES)));
    let mut checked = 0;
    for (spec, ctx) in &contexts {
        let doc: Value = serde_json::from_str(&ctx.openapi).expect("JSON");
        let resource = |snake: &str| {
            ctx.resources
                .iter()
                .find(|r| r.names.snake == snake)
                .expect("a resource")
        };
        for op in &ctx.routes {
            let (r, scope) = match &op.kind {
                Kind::List { resource: snake } => (resource(snake), None),
                Kind::ListLinked { target, .. } => (resource(target), None),
                Kind::ListChildren {
                    child, relation, ..
                } => {
                    let r = resource(child);
                    let b = r.belongs_to.iter().find(|b| b.names.snake == *relation);
                    (r, Some(b.expect("the relation").json.as_str()))
                }
                _ => continue,
            };
            let at = format!("{spec}: {}", op.id);
            let params = doc["paths"][&op.path]["get"]["parameters"]
                .as_array()
                .unwrap_or_else(|| panic!("{at}: parameters"));
            let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
            let columns: Vec<&str> = r.list_columns.iter().map(|c| c.key.as_str()).collect();
            let mut equal: Vec<String> = names
                .iter()
                .filter(|n| columns.contains(n))
                .map(|n| n.to_string())
                .collect();
            equal.sort();
            let scopes: Vec<&str> = scope.into_iter().collect();
            let (expected_equal, expected_first) = accepted(&r.list_paths, &scopes);
            assert_eq!(equal, expected_equal, "{at}: equality filters");

            let sort = params.iter().find(|p| p["name"] == "sort").expect("sort");
            let pattern = sort["schema"]["pattern"].as_str().expect("a pattern");
            assert_eq!(
                pattern_keys(pattern, "^ *[+-]?("),
                expected_first,
                "{at}: first sort keys"
            );
            let mut any: Vec<String> = r
                .list_paths
                .any_sort()
                .into_iter()
                .map(String::from)
                .collect();
            any.sort();
            assert_eq!(
                pattern_keys(pattern, "(, *[+-]?("),
                any,
                "{at}: later sort keys"
            );
            // Each first key's sample request matches the pattern; a key no index serves
            // first does not.
            let regex = regex::Regex::new(pattern).expect("a pattern");
            for key in &any {
                let request = format!("-{key},id");
                assert_eq!(
                    regex.is_match(&request),
                    expected_first.contains(key),
                    "{at}: {request}"
                );
            }

            // Range filters: those of the keys some request sorts by first, each pair whole.
            let mut ranges: Vec<String> = names
                .iter()
                .filter(|n| !columns.contains(n) && !["sort", "fields"].contains(n))
                .map(|n| n.to_string())
                .collect();
            ranges.sort();
            let mut expected_ranges: Vec<String> = r
                .list_ranges
                .iter()
                .filter(|range| expected_first.contains(&range.key))
                .flat_map(|range| {
                    let suffixes = if ranges.contains(&format!("{}Min", range.stem)) {
                        ["Min", "Max"]
                    } else {
                        ["After", "Before"]
                    };
                    suffixes.map(|s| format!("{}{s}", range.stem))
                })
                .collect();
            expected_ranges.sort();
            assert_eq!(ranges, expected_ranges, "{at}: range filters");

            // A caller who lists only their own rows is narrowed to their key too: what they
            // may use is among what the document lists.
            let owner_lists = r
                .access
                .as_ref()
                .and_then(|a| a.get("list"))
                .is_some_and(|rules| rules.iter().any(|rule| rule == "Rule::Owner"));
            if let (Some(owner), true) = (&r.owner_key, owner_lists) {
                let mut narrowed = scopes.clone();
                narrowed.push(owner);
                let (own_equal, own_first) = accepted(&r.list_paths, &narrowed);
                assert!(
                    own_equal.iter().all(|k| equal.contains(k)),
                    "{at}: {own_equal:?}"
                );
                assert!(
                    own_first.iter().all(|k| expected_first.contains(k)),
                    "{at}: {own_first:?}"
                );
                if scope == Some(owner.as_str()) {
                    assert_eq!(
                        (&own_equal, &own_first),
                        (&expected_equal, &expected_first),
                        "{at}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked} lists");
}

/// The list-scopes spec's nested lists, as a reader sees them: combinations that name the
/// parent's key give the nested list their sorts and their other filters.
#[test]
fn a_nested_list_documents_the_combinations_that_name_its_parent() {
    let ctx = source_context("kanban", LIST_SCOPES);
    let doc: Value = serde_json::from_str(&ctx.openapi).expect("JSON");
    let op = &doc["paths"]["/v1/lanes/{id}/cards"]["get"];
    assert_eq!(
        parameter_names(op),
        [
            "Page",
            "Limit",
            "Cursor",
            "sort",
            "fields",
            "laneId",
            "state",
            "pointsMin",
            "pointsMax",
            "createdAfter",
            "createdBefore"
        ]
    );
    let sort = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "sort")
        .unwrap();
    assert_eq!(
        sort["schema"]["pattern"],
        "^ *[+-]?(createdAt|title|points) *(, *[+-]?(id|createdAt|authorId|laneId|title|state|due|points) *)*$"
    );
    assert!(
        description(sort).contains("so the default; `points` with no other filter; `title` with exactly the filters `state`."),
        "{}",
        description(sort)
    );
}

/// Every operation of the document is a method of the TypeScript client and of the Rust
/// client, and neither has another (their iterators over lists aside).
#[test]
fn every_operation_has_a_client_method() {
    for spec in SPECS {
        let ctx = context(spec);
        let document: Value = serde_json::from_str(&ctx.openapi).expect("JSON");
        let files = render::render_service(&ctx, &Default::default()).expect("render");
        let typescript = &files
            .get(backend_gen::clients::typescript::API_FILE)
            .expect("the TypeScript client is generated")
            .contents;
        let methods: Vec<&str> = typescript
            .lines()
            .filter_map(|line| line.strip_prefix("  async "))
            .filter_map(|rest| rest.split_once('(').map(|(name, _)| name))
            .chain(page_urls(typescript, "  ", "Url("))
            .collect();
        let mut ids: Vec<&str> = Vec::new();
        for item in document["paths"].as_object().expect("paths").values() {
            for method in METHODS {
                if let Some(id) = item[*method]["operationId"].as_str() {
                    ids.push(id);
                }
            }
        }
        for id in &ids {
            assert!(methods.contains(id), "{spec}: no TypeScript method `{id}`");
        }
        assert_eq!(methods.len(), ids.len(), "{spec}: {methods:?}");
        // rustfmt may wrap a signature after its `(`: the name is all that counts.
        let rust = &files
            .get(backend_gen::clients::rust::API_FILE)
            .expect("the Rust client is generated")
            .contents;
        let functions: Vec<&str> = rust
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("pub async fn "))
            .filter_map(|rest| rest.split_once(['(', '<']).map(|(name, _)| name))
            .chain(page_urls(rust, "    pub fn ", "_url("))
            .collect();
        for id in &ids {
            let name = heck::ToSnakeCase::to_snake_case(*id);
            let name = name.as_str();
            assert!(
                functions.contains(&name) || functions.contains(&format!("r#{name}").as_str()),
                "{spec}: no Rust method `{name}`"
            );
        }
        assert_eq!(functions.len(), ids.len(), "{spec}: {functions:?}");
    }
}

/// The methods that build a page's URL rather than call it (a sign-in with a provider starts
/// with a browser's navigation), by the operation's name: `signInWithProviderUrl(` is
/// `signInWithProvider`.
fn page_urls<'a>(source: &'a str, lead: &'a str, suffix: &'a str) -> impl Iterator<Item = &'a str> {
    source.lines().filter_map(move |line| {
        let rest = line.strip_prefix(lead)?;
        let (name, _) = rest.split_once(suffix)?;
        (!name.contains([' ', '('])).then_some(name)
    })
}
