use super::ServiceContext;
use super::field::FieldContext;
use super::field::{decimal_rust, raw_string, toml_string};
use super::resource::ResourceContext;

#[test]
fn literals() {
    assert_eq!(decimal_rust("19.99"), "Dec::new(1999, 2)");
    assert_eq!(decimal_rust("-5"), "Dec::new(-5, 0)");
    assert_eq!(raw_string(r"^\d+$"), r###"r#"^\d+$"#"###);
    assert_eq!(raw_string("a\"#b"), "r##\"a\"#b\"##");
    assert_eq!(toml_string("say \"hi\"\\"), r#""say \"hi\"\\""#);
}

/// A decimal printed only by a default (no `min`/`max`) still imports
/// `Dec`; a decimal that prints none does not.
#[test]
fn the_dec_import_follows_every_printed_decimal() {
    let imports = |fields: &str| {
        let source = format!("[resources.item.fields]\n{fields}\n");
        let spec = crate::spec::parse("item.toml", &source).unwrap();
        ServiceContext::new("item", &spec, &source).resources[0].imports_dec
    };
    assert!(imports(r#"price = { type = "decimal", default = 5 }"#));
    assert!(imports(r#"price = { type = "decimal", default = "1.5" }"#));
    assert!(imports(r#"price = { type = "decimal", max = 5 }"#));
    assert!(!imports(r#"price = { type = "decimal" }"#));
    assert!(!imports(
        r#"count = { type = "integer", default = 5, max = 9 }"#
    ));
}

/// The register example of the generated `docs/access.md` fills the account's required
/// fields (not the optional ones, nor those with a default) with valid samples, and its
/// password meets the policy.
#[test]
fn the_register_example_has_the_required_account_fields() {
    let source = "[auth]\nmode = \"jwt\"\npassword_min_length = 20\n\
                  [resources.user.fields]\n\
                  full_name = { type = \"string\", min_length = 1 }\n\
                  age = { type = \"integer\", min = 18 }\n\
                  nickname = { type = \"string\", required = false }\n\
                  plan = { type = \"string\", default = \"free\" }\n";
    let spec = crate::spec::parse("t.toml", source).unwrap();
    let ctx = ServiceContext::new("t", &spec, source);
    let auth = ctx.auth.unwrap();
    let body: serde_json::Value = serde_json::from_str(&auth.register_example).unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4, "{body}");
    for key in ["email", "fullName", "age", "password"] {
        assert!(keys.contains(&key), "{key} missing: {body}");
    }
    assert_eq!(body["email"], auth.sample_email.as_str());
    assert!(body["age"].as_i64().unwrap() >= 18, "{body}");
    assert!(body["password"].as_str().unwrap().len() >= 20, "{body}");
    let without_auth = crate::spec::parse(
        "t.toml",
        "[resources.user.fields]\nname = { type = \"string\" }\n",
    )
    .unwrap();
    assert!(ServiceContext::new("t", &without_auth, "").auth.is_none());
}

/// A required parent of the account has no sample: the example names a placeholder and
/// says where its id comes from.
#[test]
fn the_register_example_names_a_placeholder_for_a_required_parent() {
    let source = "[auth]\nmode = \"jwt\"\n\
                  [resources.team.fields]\nname = { type = \"string\" }\n\
                  [resources.user]\nbelongs_to = { team = \"team\" }\n\
                  [resources.user.fields]\nnick = { type = \"string\" }\n";
    let spec = crate::spec::parse("t.toml", source).unwrap();
    let auth = ServiceContext::new("t", &spec, source).auth.unwrap();
    let body: serde_json::Value = serde_json::from_str(&auth.register_example).unwrap();
    assert_eq!(body["teamId"], "TEAM-ID", "{body}");
    assert_eq!(
        auth.register_parents,
        ["TEAM-ID: the id of a team (`POST /v1/teams`)"]
    );
}

#[test]
fn shop_context() {
    let source = std::fs::read_to_string("examples/shop.toml").unwrap();
    let spec = crate::spec::parse("shop.toml", &source).unwrap();
    let ctx = ServiceContext::new("shop", &spec, &source);
    let stems: Vec<&str> = ctx
        .migrations
        .iter()
        .map(|m| m.file_stem.as_str())
        .collect();
    assert_eq!(
        stems,
        [
            "0001_create_users",
            "0002_create_categories",
            "0003_create_products",
            "0004_create_orders",
            "0005_create_order_items",
            "0006_create_payments",
            "0007_create_product_categories",
            "0008_create_refresh_tokens",
            "0009_create_auth_sessions",
            "0010_create_account_tokens",
            "0011_create_email_verifications",
            "0012_create_account_identities",
            "0013_create_sign_in_requests",
            "0014_create_passwordless_accounts",
            "0015_create_account_exports",
            "0016_create_idempotency_keys",
            "0017_create_outbox_events",
            "0018_create_personal_data_keys",
            "0019_create_audit_log",
            "0020_create_background_jobs",
            "0021_create_webhook_subscriptions",
            "0022_create_webhook_deliveries"
        ]
    );
    let order = resource(&ctx, "order");
    // Audited: its entries never hold the delivery address, and an erasure clearing orders
    // learns which it cleared, to record each.
    assert!(order.audit);
    assert_eq!(order.audit_withheld, ["deliveryAddress"]);
    assert!(
        order.sql.anonymize.ends_with("\n    RETURNING id"),
        "{}",
        order.sql.anonymize
    );
    let erasure = ctx.erasure.as_ref().expect("the shop erases accounts");
    assert!(erasure.audited && !erasure.account_audited);
    assert_eq!(ctx.audited, ["product", "order"]);
    let status = &order.fields[0];
    assert_eq!(status.rust_type, "OrderStatus");
    assert_eq!(status.default_rust.as_deref(), Some("OrderStatus::Pending"));
    let orders = &ctx.migrations[3].sqlite;
    assert!(orders.contains("    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),\n"), "{orders}");
    assert!(
        orders.contains(
            "    customer_id BLOB NOT NULL CONSTRAINT orders_customer_id_fkey REFERENCES users (id) ON DELETE RESTRICT,\n"
        ),
        "{orders}"
    );
    assert!(
        ctx.migrations[3].postgres.contains(
            "    customer_id UUID NOT NULL CONSTRAINT orders_customer_id_fkey REFERENCES users (id) ON DELETE RESTRICT,\n"
        )
    );
    assert!(ctx.migrations[2].sqlite.contains(
        "CREATE UNIQUE INDEX products_sku_unique ON products (sku) WHERE deleted_at IS NULL;"
    ));
    assert_eq!(order.belongs_to[0].nested_path, "/users/{id}/orders");
    // The owner key comes from the token, never from a body; `total` has a default, as a
    // field customers may not write must.
    assert_eq!(order.required_keys, ["placedAt"]);
    assert_eq!(order.owner_column.as_deref(), Some("customer_id"));
    assert_eq!(order.enum_keys, ["(\"status\", OrderStatus::VALUES)"]);
    let product = resource(&ctx, "product");
    let price = field(product, "price");
    assert_eq!(price.checks[0].head, "v.decimal");
    assert_eq!(
        price.checks[0].args,
        [
            "\"price\"",
            "value",
            "Some(Dec::new(0, 0))",
            "None",
            "16",
            "2"
        ]
    );
    let description = field(product, "description");
    assert_eq!(
        description.checks[0].args,
        ["\"description\"", "value", "None", "Some(10000)"]
    );
    assert_eq!(
        ctx.modules_sorted,
        [
            "categories",
            "order_items",
            "orders",
            "payments",
            "products",
            "users"
        ]
    );
    assert!(ctx.uses.decimal && ctx.uses.pattern && ctx.uses.json && ctx.uses.validator);
    assert!(product.needs_exists && !ctx.resources[5].needs_exists);
}
/// `tests/specs/names.toml`: names that collide with generated code are settled once
/// here (renamed Rust types and modules, raw identifiers, quoted SQL, enum renames);
/// `render`'s tests check that every Rust file of that project parses.
#[test]
fn colliding_names_are_settled_in_the_context() {
    let source = std::fs::read_to_string("tests/specs/names.toml").unwrap();
    let spec = crate::spec::parse("names.toml", &source).unwrap();
    let ctx = ServiceContext::new("names", &spec, &source);
    let resource = |snake: &str| resource(&ctx, snake);
    let page = resource("page");
    assert_eq!(page.names.type_name, "PageResource");
    let kind = &page.fields[0];
    assert_eq!(kind.rust_type, "PageResourceType");
    assert_eq!(kind.names.ident, "r#type");
    let spelled: Vec<(&str, &str, bool)> = kind
        .enum_values
        .iter()
        .map(|v| (v.value.as_str(), v.variant.as_str(), v.rename))
        .collect();
    assert_eq!(
        spelled,
        [
            ("self", "SelfValue", true),
            ("tier_1", "Tier1", true),
            ("in_stock", "InStock", false)
        ]
    );
    assert_eq!(
        kind.default_rust.as_deref(),
        Some("PageResourceType::Tier1")
    );
    assert!(page.input_columns.contains(&"r#match".to_string()));
    let order = page.list_columns.iter().find(|c| c.key == "order").unwrap();
    assert_eq!(order.sql, "\\\"order\\\"");
    assert!(
        page.sql
            .insert
            .contains("\\\"order\\\", \\\"default\\\", \\\"from\\\""),
        "{}",
        page.sql.insert
    );
    assert_eq!(resource("order").fields[0].rust_type, "OrderItemEnum");
    assert_eq!(resource("type").names.module, "types");
    assert_eq!(resource("log").names.module, "logs_resource");
    let purchase = resource("purchase");
    assert_eq!(purchase.table, "from");
    assert!(
        purchase.sql.count.ends_with("FROM \\\"from\\\""),
        "{}",
        purchase.sql.count
    );
    assert!(ctx.modules_sorted.contains(&"logs_resource".to_string()));

    let migration = &ctx
        .migrations
        .iter()
        .find(|m| m.file_stem.ends_with("create_pages"))
        .unwrap()
        .postgres;
    assert!(
        migration.contains("    \"order\" INTEGER NOT NULL,\n"),
        "{migration}"
    );
    assert!(
        migration.contains("CREATE UNIQUE INDEX pages_order_unique ON pages (\"order\");"),
        "{migration}"
    );
}

/// The context of the resource named `snake` (the test's spec has it).
fn resource<'a>(ctx: &'a ServiceContext, snake: &str) -> &'a ResourceContext {
    ctx.resources
        .iter()
        .find(|r| r.names.snake == snake)
        .unwrap()
}

/// The context of `r`'s field named `snake`.
fn field<'a>(r: &'a ResourceContext, snake: &str) -> &'a FieldContext {
    r.fields.iter().find(|f| f.names.snake == snake).unwrap()
}

/// A resource without a description is described with the article its words take.
#[test]
fn an_undescribed_resource_takes_its_article() {
    let source = "[resources.order.fields]\nquantity = { type = \"integer\" }\n\
                  [resources.note.fields]\ntext = { type = \"text\" }\n";
    let spec = crate::spec::parse("t.toml", source).expect("a valid spec");
    let ctx = ServiceContext::new("t", &spec, source);
    let described: Vec<&str> = ctx
        .resources
        .iter()
        .map(|r| r.description.as_str())
        .collect();
    assert_eq!(described, ["An order.", "A note."]);
}

/// An account's export holds the links of its rows and of the account itself, whichever
/// side declares them: the tags a user follows and a post's tags as declared, a display's
/// posts and a club's members read from the exported side; each kind once, the declared ones
/// first, then the others in the order of the side exported.
#[test]
fn an_export_holds_the_links_of_the_account_and_its_rows_whoever_declares_them() {
    let source = r#"
[auth]
mode = "jwt"

[resources.user]
many_to_many = ["tag"]
[resources.user.fields]
name = { type = "string" }

[resources.tag.fields]
name = { type = "string" }

[resources.post]
belongs_to = { author = { resource = "user" } }
owner = "author"
many_to_many = ["tag"]
[resources.post.fields]
title = { type = "string" }

[resources.display]
many_to_many = ["post"]
[resources.display.fields]
title = { type = "string" }

[resources.club]
many_to_many = ["user"]
[resources.club.fields]
name = { type = "string" }
"#;
    let spec = crate::spec::parse("links.toml", source).unwrap();
    let ctx = ServiceContext::new("links", &spec, source);
    let export = ctx.export.expect("accounts here: an export");
    let links: Vec<_> = export
        .links
        .iter()
        .map(|l| (l.key.as_str(), l.incoming, l.of_account))
        .collect();
    assert_eq!(
        links,
        [
            ("userTags", false, true),
            ("postTags", false, false),
            ("clubUsers", true, true),
            ("displayPosts", true, false),
        ]
    );
    assert!(export.rows_linked);
    // Its erasure deletes the account's links (its tombstone stays): both kinds, which
    // its generated test makes and reads back.
    let tested: Vec<_> = (ctx.tests.erase_links.iter())
        .map(|l| (l.name.as_str(), l.other.as_str(), l.incoming))
        .collect();
    assert_eq!(
        tested,
        [("user_tags", "tag", false), ("club_users", "club", true)]
    );
    let erasure = ctx.erasure.as_ref().expect("accounts here: an erasure");
    let deletes: Vec<&str> = erasure.account_links.iter().map(|s| s.trim()).collect();
    assert_eq!(
        deletes,
        [
            "DELETE FROM user_tags WHERE user_id = $1",
            "DELETE FROM club_users WHERE user_id = $1"
        ]
    );
    // The exported side's repository reads the declaring side's ids.
    let display_from = |name: &str| {
        let r = ctx
            .resources
            .iter()
            .find(|r| r.names.snake == name)
            .unwrap();
        r.linked_from
            .iter()
            .map(|from| (from.source.snake.clone(), from.export_ids.is_some()))
            .collect::<Vec<_>>()
    };
    assert_eq!(display_from("post"), [("display".to_string(), true)]);
    assert_eq!(display_from("user"), [("club".to_string(), true)]);
    assert_eq!(
        display_from("tag"),
        [("user".to_string(), false), ("post".to_string(), false)]
    );
}

/// A resource only its owner reads may still be listed by every user (`list =
/// "authenticated"`, the spec's choice): its privacy test then checks reads, changes and
/// deletes, and leaves the list, which the spec opens, to the access tests (found
/// 2026-12-05: the test asserted the list private, and the project's own tests failed).
#[test]
fn rows_only_their_owner_reads_may_be_listed_to_every_user() {
    let source = |list: &str| {
        format!(
            "[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"member\", \"agent\"]\n\
             [resources.ticket]\nowner = \"reporter\"\n\
             access = {{ list = {list}, read = [\"owner\", \"agent\"], create = \"authenticated\" }}\n\
             belongs_to = {{ reporter = {{ resource = \"user\" }} }}\n\
             [resources.ticket.fields]\ntitle = {{ type = \"string\" }}\n"
        )
    };
    for (list, listed_to_all) in [
        ("\"authenticated\"", true),
        ("[\"owner\", \"agent\"]", false),
    ] {
        let text = source(list);
        let spec = crate::spec::parse("t.toml", &text).unwrap();
        let ctx = ServiceContext::new("t", &spec, &text);
        let ticket = ctx
            .resources
            .iter()
            .position(|r| r.names.snake == "ticket")
            .unwrap();
        let t = &ctx.tests.resources[ticket];
        assert!(t.private_rows, "{list}");
        assert_eq!(t.listed_to_all, listed_to_all, "{list}");
    }
}
