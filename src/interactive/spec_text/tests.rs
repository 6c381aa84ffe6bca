use super::super::answers::RelationAnswers;
use super::super::answers::tests::{field, resource};
use super::*;
use crate::spec::{Bound, Database, Event, FieldType, FileRules, Spec, parse};

fn valid(answers: &Answers) -> (Spec, String) {
    let text = to_toml(answers, "demo");
    match parse("t.toml", &text) {
        Ok(spec) => (spec, text),
        Err(report) => panic!("the written spec should be valid:\n{report}\n---\n{text}"),
    }
}

#[test]
fn defaults_give_a_small_valid_spec() {
    let (spec, text) = valid(&Answers::defaults("demo"));
    assert!(text.starts_with(
        "# Written by `backend-gen new demo`. After editing it, run `backend-gen update` in the\n# project's directory: it writes the migration and merges the new code into your edits.\n"
    ));
    assert!(
        text.contains(
            "\n[resources.item.fields]\nname = { type = \"string\", max_length = 200 }\n"
        )
    );
    assert_eq!(spec.project.name.as_deref(), Some("demo"));
    assert_eq!(spec.project.description, "The demo service");
    assert_eq!(spec.project.database, Database::Sqlite);
    assert_eq!(spec.auth.mode, AuthMode::None);
    assert_eq!(spec.resources.len(), 1);
    let item = &spec.resources[0];
    assert_eq!(item.names.snake, "item");
    assert_eq!(item.access, Access::everyone());
    assert_eq!(item.fields.len(), 1);
    let name = &item.fields[0];
    assert_eq!(name.names.snake, "name");
    assert_eq!(name.ty, FieldType::String);
    assert!(name.required && !name.unique);
    assert_eq!(name.rules.max_length, Some(200));
    assert_eq!(name.default, None);
}

#[test]
fn every_field_type_with_limits_round_trips() {
    let mut a = Answers::defaults("demo");
    a.database = Database::Postgres;
    a.description = "Quotes \"here\", a backslash \\ and ünïcödé".into();
    let mut fields = vec![];
    let mut sku = field("sku", FieldType::String);
    sku.unique = true;
    sku.rules.min_length = Some(3);
    sku.rules.max_length = Some(32);
    sku.rules.pattern = Some(r#"^[A-Z0-9-]{3,32}\d?$"#.into());
    sku.default = Some(Literal::String("AB-1".into()));
    fields.push(sku);
    let mut email = field("email", FieldType::String);
    email.rules.format = Some(Format::Email);
    email.rules.max_length = Some(254);
    fields.push(email);
    let mut homepage = field("homepage", FieldType::String);
    homepage.required = false;
    homepage.rules.format = Some(Format::Url);
    fields.push(homepage);
    let mut body = field("body", FieldType::Text);
    body.rules.max_length = Some(10_000);
    body.default = Some(Literal::String("say \"hi\"\n\tthen \\ go".into()));
    fields.push(body);
    let mut stock = field("stock", FieldType::Integer);
    stock.rules.min = Some(Bound::Integer(-5));
    stock.rules.max = Some(Bound::Integer(1000));
    stock.default = Some(Literal::Integer(0));
    fields.push(stock);
    let mut weight = field("weight_grams", FieldType::BigInteger);
    weight.rules.min = Some(Bound::Integer(0));
    weight.rules.max = Some(Bound::Integer(9_000_000_000));
    fields.push(weight);
    let mut rating = field("rating", FieldType::Float);
    rating.rules.min = Some(Bound::Float(0.0));
    rating.rules.max = Some(Bound::Float(5.0));
    rating.default = Some(Literal::Float(2.5));
    fields.push(rating);
    let mut price = field(
        "price",
        FieldType::Decimal {
            precision: 18,
            scale: 2,
        },
    );
    price.rules.min = Some(Bound::Decimal("0".into()));
    price.rules.max = Some(Bound::Decimal("99999.99".into()));
    price.default = Some(Literal::Decimal("19.90".into()));
    fields.push(price);
    fields.push(field(
        "ratio",
        FieldType::Decimal {
            precision: 10,
            scale: 4,
        },
    ));
    let mut active = field("active", FieldType::Boolean);
    active.default = Some(Literal::Boolean(true));
    fields.push(active);
    let mut reference = field("reference", FieldType::Uuid);
    reference.unique = true;
    fields.push(reference);
    fields.push(field("available_from", FieldType::Date));
    fields.push(field("placed_at", FieldType::Datetime));
    let mut attributes = field("attributes", FieldType::Json);
    attributes.required = false;
    fields.push(attributes);
    let mut status = field(
        "status",
        FieldType::Enum {
            values: vec!["draft".into(), "in_stock".into()],
        },
    );
    status.default = Some(Literal::String("in_stock".into()));
    fields.push(status);
    let mut image = field(
        "image",
        FieldType::File(FileRules {
            max_size: 2_500_000,
            content_types: vec!["image/png".into(), "image/webp".into()],
        }),
    );
    image.required = false;
    fields.push(image);
    a.resources = vec![resource("product", fields)];

    let (spec, text) = valid(&a);
    assert!(
        text.contains(r#"pattern = "^[A-Z0-9-]{3,32}\\d?$""#),
        "{text}"
    );
    assert_eq!(spec.project.database, Database::Postgres);
    assert_eq!(spec.project.description, a.description);
    let product = &spec.resources[0];
    let types: Vec<&str> = product.fields.iter().map(|f| f.ty.spec_name()).collect();
    for ty in FieldType::ALLOWED {
        assert!(types.contains(ty), "{ty} is missing");
    }
    let f = |name: &str| {
        product
            .fields
            .iter()
            .find(|f| f.names.snake == name)
            .unwrap()
    };
    let sku = f("sku");
    assert!(sku.unique);
    assert_eq!(sku.rules.min_length, Some(3));
    assert_eq!(sku.rules.max_length, Some(32));
    assert_eq!(
        sku.rules.pattern.as_deref(),
        Some(r#"^[A-Z0-9-]{3,32}\d?$"#)
    );
    assert_eq!(f("email").rules.format, Some(Format::Email));
    assert_eq!(f("homepage").rules.format, Some(Format::Url));
    assert!(!f("homepage").required);
    assert_eq!(
        f("body").default,
        Some(Literal::String("say \"hi\"\n\tthen \\ go".into()))
    );
    assert_eq!(f("stock").rules.min, Some(Bound::Integer(-5)));
    assert_eq!(f("stock").default, Some(Literal::Integer(0)));
    assert_eq!(
        f("weight_grams").rules.max,
        Some(Bound::Integer(9_000_000_000))
    );
    assert_eq!(f("rating").rules.max, Some(Bound::Float(5.0)));
    assert_eq!(
        f("image").ty.file(),
        Some(&FileRules {
            max_size: 2_500_000,
            content_types: vec!["image/png".into(), "image/webp".into()],
        })
    );
    assert!(text.contains(r#"max_size = "2500KB""#), "{text}");
    assert_eq!(f("rating").default, Some(Literal::Float(2.5)));
    assert_eq!(
        f("price").ty,
        FieldType::Decimal {
            precision: 18,
            scale: 2
        }
    );
    assert_eq!(
        f("price").rules.max,
        Some(Bound::Decimal("99999.99".into()))
    );
    assert_eq!(f("price").default, Some(Literal::Decimal("19.90".into())));
    assert_eq!(
        f("ratio").ty,
        FieldType::Decimal {
            precision: 10,
            scale: 4
        }
    );
    assert_eq!(f("active").default, Some(Literal::Boolean(true)));
    assert!(f("reference").unique);
    assert!(!f("attributes").required);
    assert_eq!(
        f("status").ty,
        FieldType::Enum {
            values: vec!["draft".into(), "in_stock".into()]
        }
    );
    assert_eq!(
        f("status").default,
        Some(Literal::String("in_stock".into()))
    );
}

#[test]
fn relations_and_options_round_trip() {
    let mut a = Answers::defaults("blog");
    let mut user = resource("user", vec![field("display_name", FieldType::String)]);
    user.description = "A person who writes.".into();
    let mut category = resource("category", vec![field("title", FieldType::String)]);
    category.belongs_to.push(RelationAnswers {
        name: "parent".into(),
        target: "category".into(),
        required: false,
        on_delete: OnDelete::SetNull,
    });
    let mut post = resource("post", vec![field("title", FieldType::String)]);
    post.soft_delete = true;
    post.versioned = true;
    post.many_to_many = vec!["category".into()];
    post.belongs_to = vec![
        RelationAnswers {
            name: "author".into(),
            target: "user".into(),
            required: true,
            on_delete: OnDelete::Cascade,
        },
        RelationAnswers {
            name: "user".into(),
            target: "user".into(),
            required: true,
            on_delete: OnDelete::Restrict,
        },
    ];
    a.resources = vec![user, category, post];

    let (spec, text) = valid(&a);
    assert!(text.contains(
        "belongs_to = { author = { resource = \"user\", on_delete = \"cascade\" }, user = { on_delete = \"restrict\" } }"
    ), "{text}");
    assert_eq!(spec.resources[0].description, "A person who writes.");
    let category = spec.resource("category").unwrap();
    assert_eq!(category.belongs_to[0].target, "category");
    assert!(!category.belongs_to[0].required);
    assert_eq!(category.belongs_to[0].on_delete, OnDelete::SetNull);
    let post = spec.resource("post").unwrap();
    assert!(post.soft_delete && post.versioned && post.timestamps);
    assert_eq!(post.many_to_many, vec!["category".to_string()]);
    let relations: Vec<(&str, &str, bool, OnDelete)> = post
        .belongs_to
        .iter()
        .map(|b| {
            (
                b.names.snake.as_str(),
                b.target.as_str(),
                b.required,
                b.on_delete,
            )
        })
        .collect();
    assert_eq!(
        relations,
        vec![
            ("author", "user", true, OnDelete::Cascade),
            ("user", "user", true, OnDelete::Restrict)
        ]
    );
}

#[test]
fn jwt_roles_and_access_rules_round_trip() {
    let mut a = Answers::defaults("demo");
    a.auth = AuthMode::Jwt;
    a.roles = vec!["boss".into(), "editor".into(), "reader".into()];
    a.admin_role = "boss".into();
    a.default_role = "reader".into();
    let user = resource("user", vec![field("display_name", FieldType::String)]);
    let mut post = resource("post", vec![field("title", FieldType::String)]);
    post.belongs_to.push(RelationAnswers {
        name: "author".into(),
        target: "user".into(),
        required: true,
        on_delete: OnDelete::Cascade,
    });
    post.owner = Some("author".into());
    post.access = Some(Access {
        list: vec![Rule::Public],
        read: vec![Rule::Public],
        create: vec![Rule::Authenticated],
        update: vec![Rule::Owner, Rule::Role("editor".into())],
        delete: vec![Rule::Role("boss".into())],
    });
    let mut tag = resource("tag", vec![field("label", FieldType::String)]);
    tag.access = Some(Access::all(vec![Rule::Public]));
    // Explicitly the default: written as nothing.
    let mut note = resource("note", vec![field("body", FieldType::Text)]);
    note.access = Some(Access::all(vec![Rule::Authenticated]));
    a.resources = vec![user, post, tag, note];

    let (spec, text) = valid(&a);
    assert!(
        text.contains(
            "roles = [\"boss\", \"editor\", \"reader\"]\n\
             admin_role = \"boss\"  # passes every access rule\n\
             default_role = \"reader\"  # given to new accounts\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("[resources.tag]\naccess = \"public\"\n"),
        "{text}"
    );
    assert!(!text.contains("[resources.note]\n"), "{text}");
    assert_eq!(spec.auth.mode, AuthMode::Jwt);
    assert_eq!(spec.auth.roles, a.roles);
    assert_eq!(spec.auth.admin_role, "boss");
    assert_eq!(spec.auth.default_role, "reader");
    let post = spec.resource("post").unwrap();
    assert_eq!(post.owner.as_ref().unwrap().path, ["author"]);
    assert_eq!(post.access, a.resources[1].access.clone().unwrap());
    assert_eq!(spec.resource("tag").unwrap().access, Access::everyone());
    assert_eq!(
        spec.resource("note").unwrap().access,
        Access::all(vec![Rule::Authenticated])
    );
}

#[test]
fn roles_are_written_with_what_they_do() {
    let mut a = Answers::defaults("demo");
    a.auth = AuthMode::Jwt;
    let (spec, text) = valid(&a);
    assert!(
        text.contains(
            "[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"member\"]\n\
             admin_role = \"admin\"  # passes every access rule\n\
             default_role = \"member\"  # given to new accounts\n\n"
        ),
        "{text}"
    );
    assert_eq!(spec.auth.admin_role, "admin");
    assert_eq!(spec.auth.default_role, "member");

    a.roles = vec!["owner_role".into()];
    a.admin_role = "owner_role".into();
    a.default_role = "owner_role".into();
    assert!(a.every_account_is_admin());
    let (spec, text) = valid(&a);
    assert!(
        text.contains("default_role = \"owner_role\"  # given to new accounts, so every account passes every access rule\n"),
        "{text}"
    );
    assert_eq!(spec.auth.default_role, spec.auth.admin_role);
}

#[test]
fn access_answered_for_user_is_kept_even_when_it_is_the_usual_default() {
    let mut a = Answers::defaults("demo");
    a.auth = AuthMode::Jwt;
    let mut user = resource("user", vec![field("nickname", FieldType::String)]);
    user.access = Some(Access::all(vec![Rule::Authenticated]));
    let mut note = resource("note", vec![field("body", FieldType::Text)]);
    note.access = Some(Access::all(vec![Rule::Authenticated]));
    a.resources = vec![user, note];
    let (spec, text) = valid(&a);
    assert!(
        text.contains("[resources.user]\naccess = \"authenticated\"\n"),
        "{text}"
    );
    assert!(!text.contains("[resources.note]\n"), "{text}");
    assert_eq!(
        spec.resource("user").unwrap().access,
        Access::all(vec![Rule::Authenticated])
    );
}

#[test]
fn events_jobs_field_rules_and_owner_paths_round_trip() {
    let mut a = Answers::defaults("shop");
    a.auth = AuthMode::Jwt;
    a.roles = vec!["admin".into(), "staff".into(), "customer".into()];
    a.default_role = "customer".into();
    let relation = |name: &str, target: &str| RelationAnswers {
        name: name.into(),
        target: target.into(),
        required: true,
        on_delete: OnDelete::Cascade,
    };
    // `user` is not declared: with jwt it exists anyway.
    let mut status = field(
        "status",
        FieldType::Enum {
            values: vec!["pending".into(), "paid".into()],
        },
    );
    status.default = Some(Literal::String("pending".into()));
    status.access.write = FieldWrite::Rules(vec![Rule::Role("staff".into())]);
    status.access.denied = Denied::Ignore;
    let mut notes = field("notes", FieldType::Text);
    notes.required = false;
    notes.access.read = Some(vec![Rule::Role("staff".into())]);
    notes.access.write = FieldWrite::Rules(vec![Rule::Role("staff".into())]);
    let mut reference = field("reference", FieldType::Uuid);
    reference.access.write = FieldWrite::Create;
    let mut order = resource("order", vec![status, notes, reference]);
    order.belongs_to.push(relation("customer", "user"));
    order.owner = Some("customer".into());
    order.access = Some(Access::all(vec![Rule::Owner, Rule::Role("staff".into())]));
    order.events = vec![
        Event {
            name: "created".into(),
            trigger: Trigger::Created,
        },
        Event {
            name: "settled".into(),
            trigger: Trigger::Becomes {
                field: "status".into(),
                value: "paid".into(),
            },
        },
    ];
    order.jobs = vec![Job {
        name: "send_receipt".into(),
        on: vec!["order.settled".into(), "order.created".into()],
        max_attempts: Job::DEFAULT_MAX_ATTEMPTS,
        timeout_secs: Job::DEFAULT_TIMEOUT_SECS,
    }];
    let mut item = resource("order_item", vec![field("quantity", FieldType::Integer)]);
    item.belongs_to.push(relation("order", "order"));
    item.owner = Some("order.customer".into());
    item.access = Some(Access::all(vec![Rule::Owner, Rule::Role("staff".into())]));
    a.resources = vec![order, item];

    let (spec, text) = valid(&a);
    assert!(
        text.contains(
            "\n[resources.order.events]\ncreated = true\nsettled = { when = \"status\", becomes = \"paid\" }\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("\n[jobs.send_receipt]\non = [\"order.settled\", \"order.created\"]\n"),
        "{text}"
    );
    assert!(
        text.contains("write = [\"staff\"], write_denied = \"ignore\" }"),
        "{text}"
    );
    assert!(
        text.contains("access = { list = [\"owner\", \"staff\"], read = [\"owner\", \"staff\"], create = [\"owner\", \"staff\"]"),
        "{text}"
    );
    let order = spec.resource("order").unwrap();
    assert_eq!(order.events.len(), 2);
    assert_eq!(order.fields[0].access.denied, Denied::Ignore);
    assert_eq!(
        order.fields[1].access.read,
        Some(vec![Rule::Role("staff".into())])
    );
    assert_eq!(order.fields[2].access.write, FieldWrite::Create);
    let item = spec.resource("order_item").unwrap();
    assert_eq!(item.owner.as_ref().unwrap().path, ["order", "customer"]);
    assert_eq!(spec.jobs.len(), 1);
    assert_eq!(spec.jobs[0].on, ["order.settled", "order.created"]);
}

#[test]
fn quoting_survives_toml() {
    for s in [
        "plain",
        "a\"b",
        "back\\slash",
        "line\nbreak",
        "tab\t",
        "bell\u{7}",
        "'single'",
        "ünï",
    ] {
        let text = format!("v = {}\n", quote(s));
        let value: toml::Table = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(value["v"].as_str(), Some(s));
    }
}

#[test]
fn floats_are_written_with_a_point() {
    assert_eq!(float_toml(1000.0), "1000.0");
}
