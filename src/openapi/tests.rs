use crate::context::ServiceContext;

#[test]
fn a_resource_that_takes_a_service_tag_leaves_every_tag_distinct() {
    let source = "[auth]\nmode = \"jwt\"\n\
                  [resources.health.fields]\nstatus = { type = \"string\" }\n\
                  [resources.login]\nplural = \"auth\"\n[resources.login.fields]\nx = { type = \"string\" }\n";
    let spec = crate::spec::parse("t.toml", source).expect("a valid spec");
    let ctx = ServiceContext::new("t", &spec, source);
    let doc: serde_json::Value = serde_json::from_str(&super::document(&spec, &ctx)).expect("JSON");
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(
        tags,
        [
            "users",
            "health",
            "auth",
            "auth (service)",
            "jobs",
            "health (service)",
            "openapi"
        ]
    );
    assert_eq!(
        doc["paths"]["/health/live"]["get"]["tags"][0],
        "health (service)"
    );
    assert_eq!(doc["paths"]["/v1/health"]["get"]["tags"][0], "health");
}

/// The document of `source`, parsed.
fn document_of(source: &str) -> serde_json::Value {
    let spec = crate::spec::parse("t.toml", source).expect("a valid spec");
    let ctx = ServiceContext::new("t", &spec, source);
    serde_json::from_str(&super::document(&spec, &ctx)).expect("JSON")
}

/// Every shared response is answered by some operation, and the error codes are each listed
/// once: a reviewer's linter flags an unused component and a repeated enum value.
#[test]
fn components_are_used_and_error_codes_listed_once() {
    for auth in ["none", "jwt"] {
        let doc = document_of(&format!(
            "[auth]\nmode = \"{auth}\"\n[resources.post.fields]\ntitle = {{ type = \"string\" }}\n"
        ));
        let text = doc.to_string();
        for kind in ["responses", "schemas", "parameters", "headers"] {
            for name in doc["components"][kind]
                .as_object()
                .expect("components")
                .keys()
            {
                let reference = format!("\"#/components/{kind}/{name}\"");
                assert!(
                    text.contains(&reference),
                    "{auth}: {kind} {name} is never used"
                );
            }
        }
        let codes = doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
            ["code"]["enum"]
            .as_array()
            .expect("codes");
        let distinct: std::collections::BTreeSet<_> =
            codes.iter().filter_map(|c| c.as_str()).collect();
        assert_eq!(distinct.len(), codes.len(), "{codes:?}");
        assert_eq!(doc["servers"][0]["url"], "/");
        let public = document_of(&format!(
            "[project]\npublic_url = \"https://api.example.com\"\n[auth]\nmode = \"{auth}\"\n\
             [resources.post.fields]\ntitle = {{ type = \"string\" }}\n"
        ));
        assert_eq!(
            public["servers"],
            serde_json::json!([{
                "url": "https://api.example.com",
                "description": "The service in production.",
                "x-internal": false
            }])
        );
    }
}
