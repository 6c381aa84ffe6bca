//! The OpenAPI document of both examples and of the edge spec: deterministic, listing every
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

use backend_gen::context::ServiceContext;
use backend_gen::{openapi, render};
use pytools::{python, schemathesis, text, tool};
use serde_json::Value;

const SPECS: &[&str] = &[
    "examples/blog.toml",
    "examples/shop.toml",
    "tests/specs/edge.toml",
];

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

fn context(spec: &str) -> ServiceContext {
    let source = std::fs::read_to_string(spec).expect("read the spec");
    let parsed = backend_gen::spec::parse(spec, &source).expect("a valid spec");
    let name = Path::new(spec)
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a file name");
    ServiceContext::new(name, &parsed, &source)
}

fn document(spec: &str) -> Value {
    serde_json::from_str(&context(spec).openapi).expect("the document is JSON")
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
        let output = Command::new(python())
            .args(["-m", "openapi_spec_validator"])
            .arg(&path)
            .output()
            .expect("run openapi_spec_validator");
        assert!(output.status.success(), "{spec}: {}", text(&output));
        assert!(text(&output).contains("OK"), "{spec}: {}", text(&output));
    }
}

#[test]
fn documents_are_deterministic_and_part_of_the_project() {
    for spec in SPECS {
        let ctx = context(spec);
        let first = ctx.openapi.clone();
        assert_eq!(first, context(spec).openapi, "{spec}");
        assert!(first.ends_with("}\n"));
        let files = render::render_service(&ctx).expect("render");
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
        let mut expected: Vec<String> = ctx
            .routes
            .iter()
            .map(|r| format!("{} {}", r.method.to_lowercase(), r.path))
            .collect();
        for path in [
            "/health",
            "/health/ready",
            "/health/live",
            "/metrics",
            "/openapi.json",
        ] {
            expected.push(format!("get {path}"));
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

fn statuses(op: &Value) -> Vec<&str> {
    op["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .map(String::as_str)
        .collect()
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
        ["200", "304", "401", "404", "429", "500", "503"]
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
            "204", "401", "403", "404", "409", "412", "429", "500", "503"
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
    assert_eq!(create["required"], serde_json::json!(["total", "placedAt"]));
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
        serde_json::json!(["status", "total", "placedAt", "notes"])
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
            "version",
            "createdAt",
            "updatedAt"
        ])
    );
    assert_eq!(order["properties"]["total"]["type"], "string");

    // List query parameters.
    let list = parameter_names(&paths["/v1/orders"]["get"]);
    for name in [
        "Page",
        "Limit",
        "Cursor",
        "sort",
        "fields",
        "customerId",
        "status",
        "total",
        "totalMin",
        "totalMax",
        "placedAt",
        "placedAfter",
        "placedBefore",
        "notes",
        "createdAfter",
        "createdBefore",
        "updatedAfter",
        "updatedBefore",
    ] {
        assert!(list.contains(&name.to_string()), "{name} in {list:?}");
    }
    let products = parameter_names(&paths["/v1/products"]["get"]);
    assert!(
        !products.contains(&"attributes".to_string()),
        "json fields are not filters"
    );
    assert!(products.contains(&"availableFromAfter".to_string()));
    let sort = paths["/v1/orders"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "sort")
        .unwrap();
    let pattern = sort["schema"]["pattern"].as_str().unwrap();
    assert_eq!(
        pattern,
        "^ *[+-]?(id|customerId|status|total|placedAt|createdAt|updatedAt) *(, *[+-]?(id|customerId|status|total|placedAt|createdAt|updatedAt) *)*$"
    );
    assert_eq!(
        doc["components"]["schemas"]["Pagination"]["required"],
        serde_json::json!(["limit", "total", "hasMore", "nextCursor"])
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
    let q = parameter_names(&doc["paths"]["/api/v2/qs"]["get"]);
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

/// Schemathesis against a service started by hand (see the module docs).
#[test]
#[ignore = "needs a running service: set OPENAPI_SERVICE_URL"]
fn schemathesis_against_a_running_service() {
    let url = std::env::var("OPENAPI_SERVICE_URL").expect("OPENAPI_SERVICE_URL is set");
    schemathesis(&url, None);
}
