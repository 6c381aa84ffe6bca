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
