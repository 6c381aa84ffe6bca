use super::*;

fn spec(source: &str) -> Spec {
    crate::spec::parse("t.toml", source).expect("a valid spec")
}

fn lines(ops: &[Operation]) -> Vec<String> {
    ops.iter()
        .map(|o| format!("{} {} {} {}", o.method, o.path, o.id, o.handler))
        .collect()
}

const MESSAGES: &str = "[resources.user.fields]\nname = { type = \"text\" }\n\
     [resources.tag.fields]\nname = { type = \"text\" }\n\
     [resources.message]\nbelongs_to = { sender = \"user\", recipient = \"user\" }\nmany_to_many = [\"tag\"]\n\
     [resources.message.events]\ncreated = true\n\
     [resources.message.fields]\nbody = { type = \"text\" }\n";

#[test]
fn nested_operations_are_the_childs_under_the_parents_path() {
    let ops = operations(&spec(MESSAGES));
    let sender = ops
        .iter()
        .find(|o| o.path == "/v1/users/{id}/sender-messages" && o.method == Method::Post)
        .expect("created under the sender");
    assert_eq!(sender.id, "createMessageForSender");
    assert_eq!(sender.handler, "create_for_sender");
    assert_eq!(sender.module, "resources::messages");
    assert_eq!(sender.group, Group::Resource("message".into()));
    assert_eq!(sender.access, Some(Action::Create));
    assert_eq!(sender.body, Some(Body::Create));
    assert!(sender.idempotent && sender.rate_limited);
    assert_eq!(sender.events, ["message.created"]);
    assert_eq!(
        sender.params,
        [Param {
            name: "id".into(),
            of: "user".into()
        }]
    );
    let list = ops
        .iter()
        .find(|o| o.path == "/v1/users/{id}/recipient-messages" && o.method == Method::Get)
        .expect("listed under the recipient");
    assert_eq!(list.id, "listMessagesByRecipient");
    assert_eq!(list.access, Some(Action::List));
    assert!(list.events.is_empty() && !list.idempotent);
}

#[test]
fn many_to_many_operations_belong_to_the_declaring_side() {
    let ops = operations(&spec(MESSAGES));
    let links: Vec<String> = lines(&ops)
        .into_iter()
        .filter(|l| l.contains("}/tags"))
        .collect();
    assert_eq!(
        links,
        [
            "GET /v1/messages/{id}/tags listTagsOfMessage list_tags",
            "PUT /v1/messages/{id}/tags/{tagId} linkMessageTag link_tag",
            "DELETE /v1/messages/{id}/tags/{tagId} unlinkMessageTag unlink_tag",
        ]
    );
    let link = ops.iter().find(|o| o.id == "linkMessageTag").expect("link");
    assert_eq!(link.params[1].of, "tag");
    assert_eq!(link.access, Some(Action::Update));
    let message = spec(MESSAGES);
    let message_routes = mounts(&ops, message.resource("message").expect("message"));
    let paths: Vec<(&str, &str)> = message_routes
        .iter()
        .map(|m| (m.path.as_str(), m.chain.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            ("/v1/messages", "routing::get(list).post(create)"),
            (
                "/v1/messages/{id}",
                "routing::get(get).put(replace).patch(patch).delete(delete)"
            ),
            (
                "/v1/users/{id}/sender-messages",
                "routing::get(list_by_sender).post(create_for_sender)"
            ),
            (
                "/v1/users/{id}/recipient-messages",
                "routing::get(list_by_recipient).post(create_for_recipient)"
            ),
            ("/v1/messages/{id}/tags", "routing::get(list_tags)"),
            (
                "/v1/messages/{id}/tags/{other_id}",
                "routing::put(link_tag).delete(unlink_tag)"
            ),
        ]
    );
}

const JWT: &str = "[auth]\nmode = \"jwt\"\n[resources.post.events]\ncreated = true\n\
     [resources.post.fields]\ntitle = { type = \"text\" }\n";

#[test]
fn an_account_gets_its_roles_route_from_the_auth_router() {
    let ops = operations(&spec(JWT));
    let roles = ops
        .iter()
        .find(|o| {
            o.kind
                == Kind::SetRoles {
                    resource: "user".into(),
                }
        })
        .expect("the account's roles");
    assert_eq!(
        (roles.method, roles.path.as_str(), roles.id.as_str()),
        (Method::Put, "/v1/users/{id}/roles", "setUserRoles")
    );
    assert_eq!(roles.group, Group::Resource("user".into()));
    assert_eq!((roles.module.as_str(), roles.access), ("auth", None));
    let register = ops.iter().find(|o| o.id == "register").expect("register");
    assert_eq!(register.body, Some(Body::Register));
    // The auth flow's POSTs take no `Idempotency-Key`; the admin routes' do.
    assert!(!register.idempotent);
    assert!(
        ops.iter()
            .any(|o| o.id == "retryWebhookDelivery" && o.idempotent)
    );
}

#[test]
fn the_audit_trail_is_read_by_admins_and_mounted_only_when_a_resource_is_audited() {
    let audited = JWT.replace(
        "[resources.post.events]",
        "[resources.post]\naudit = true\n[resources.post.events]",
    );
    let ops = operations(&spec(&audited));
    let trail: Vec<(&str, &str, &str)> = ops
        .iter()
        .filter(|o| o.group == Group::Audit)
        .map(|o| (o.id.as_str(), o.path.as_str(), o.module.as_str()))
        .collect();
    assert_eq!(
        trail,
        [
            ("listAuditEntries", "/v1/audit-log", "audit_trail"),
            ("getAuditEntry", "/v1/audit-log/{id}", "audit_trail"),
        ]
    );
    // Read-only: nothing writes it but the writes it records.
    assert!(
        ops.iter()
            .filter(|o| o.group == Group::Audit)
            .all(|o| o.method == Method::Get)
    );
    let none = operations(&spec(JWT));
    assert!(none.iter().all(|o| o.group != Group::Audit));
}

#[test]
fn the_service_mounts_auth_jobs_and_webhooks_only_with_what_they_need() {
    let count = |source: &str, group: Group| {
        operations(&spec(source))
            .iter()
            .filter(|o| o.group == group)
            .count()
    };
    assert_eq!(count(JWT, Group::Auth), 18);
    assert_eq!(count(JWT, Group::Jobs), 3);
    assert_eq!(count(JWT, Group::Webhooks), 7);
    let no_events = JWT.replace("created = true", "created = false");
    // Without events no webhooks; the jwt flow's mail still needs the job queue.
    assert_eq!(count(&no_events, Group::Webhooks), 0);
    assert_eq!(count(&no_events, Group::Jobs), 3);
    let open = "[resources.post.events]\ncreated = true\n\
                [resources.post.fields]\ntitle = { type = \"text\" }\n";
    for group in [Group::Auth, Group::Jobs, Group::Webhooks] {
        assert_eq!(count(open, group), 0);
    }
    // Health, metrics and the document are always served, outside the API; only health is
    // outside its limits.
    let own: Vec<Operation> = operations(&spec(open))
        .into_iter()
        .filter(|o| !o.in_api)
        .collect();
    let unlimited: Vec<&str> = own
        .iter()
        .filter(|o| !o.rate_limited)
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(
        unlimited,
        ["healthCheck", "readinessCheck", "livenessCheck"]
    );
    let own: Vec<String> = own.into_iter().map(|o| o.id).collect();
    assert_eq!(
        own,
        [
            "healthCheck",
            "readinessCheck",
            "livenessCheck",
            "metrics",
            "openapiDocument"
        ]
    );
    assert_eq!(api_operations(&spec(open)).len(), 6);
}

#[test]
fn the_webhooks_router_mounts_each_path_once_with_its_methods_in_order() {
    let mounted = |source: &str| -> Vec<(String, String)> {
        module_mounts(&operations(&spec(source)), "webhooks")
            .into_iter()
            .map(|m| (m.path, m.chain))
            .collect()
    };
    let expected = [
        ("/v1/webhooks", "get(list).post(create)"),
        (
            "/v1/webhooks/{id}",
            "get(read).patch(update).delete(remove)",
        ),
        ("/v1/webhooks/{id}/deliveries", "get(deliveries)"),
        (
            "/v1/webhooks/{id}/deliveries/{deliveryId}/retry",
            "post(retry)",
        ),
    ];
    assert_eq!(
        mounted(JWT),
        expected.map(|(path, chain)| (path.to_string(), chain.to_string()))
    );
    assert!(mounted(&JWT.replace("created = true", "created = false")).is_empty());
}

#[test]
fn operation_ids_and_method_path_shapes_are_unique() {
    for source in [MESSAGES, JWT] {
        let ops = operations(&spec(source));
        let mut ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ops.len());
        for o in &ops {
            let names: Vec<&str> = o.params.iter().map(|p| p.name.as_str()).collect();
            let in_path: Vec<&str> = o
                .path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            assert_eq!(names, in_path, "{}", o.path);
        }
    }
}

/// Where the accounts are another service's, a service that holds rows they own answers its
/// part of an account's export at the accounts service's own paths (which the gateway of a
/// split gathers), from its export module; one that holds none has no export route.
#[test]
fn a_part_of_an_export_is_at_the_accounts_paths() {
    let owned = "[auth]\nmode = \"jwt\"\naccounts = \"accounts\"\n\
         [resources.order]\nbelongs_to = { customer = { resource = \"user\" } }\nowner = \"customer\"\n\
         [resources.order.fields]\nquantity = { type = \"integer\" }\n";
    let ops = operations(&spec(owned));
    let export: Vec<String> = lines(&ops)
        .into_iter()
        .filter(|l| l.contains("xport"))
        .collect();
    assert_eq!(
        export,
        [
            "GET /v1/auth/me/export exportMyData export_mine",
            "GET /v1/users/{id}/export exportUserData export_account",
        ]
    );
    assert!(
        ops.iter()
            .filter(|o| o.path.contains("export"))
            .all(|o| o.module == "export" && o.group == Group::Auth)
    );
    let unowned = "[auth]\nmode = \"jwt\"\naccounts = \"accounts\"\n\
         [resources.product.fields]\nname = { type = \"text\" }\n";
    assert!(
        operations(&spec(unowned))
            .iter()
            .all(|o| !o.path.contains("export"))
    );
}
