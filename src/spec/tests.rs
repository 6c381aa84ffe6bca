//! Unit tests of the spec model: one or more per error class.

use super::*;

/// Parses a spec that must be invalid and returns "line:col key: message (help)" lines.
pub(super) fn errors(source: &str) -> Vec<String> {
    let report = parse("t.toml", source).expect_err("spec should be invalid");
    report
        .diagnostics
        .iter()
        .map(|d| {
            let (line, col) = report.line_col(d.span.start);
            let help = d
                .help
                .as_deref()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            format!("{line}:{col} {}: {}{help}", d.key, d.message)
        })
        .collect()
}

pub(super) fn valid(source: &str) -> Spec {
    match parse("t.toml", source) {
        Ok(spec) => spec,
        Err(report) => panic!("spec should be valid:\n{report}"),
    }
}

const MINIMAL: &str = "[resources.post.fields]\ntitle = { type = \"string\" }\n";

#[test]
fn minimal_spec_gets_defaults() {
    let spec = valid(MINIMAL);
    assert_eq!(spec.project.api_prefix, "/v1");
    assert_eq!(spec.project.database, Database::Sqlite);
    assert_eq!(spec.auth.mode, AuthMode::None);
    let post = &spec.resources[0];
    assert_eq!(post.names.plural_kebab, "posts");
    assert!(post.timestamps && !post.soft_delete && !post.versioned);
    assert_eq!(post.access, Access::everyone());
    let title = &post.fields[0];
    assert!(title.required && !title.unique);
    assert_eq!(title.ty, FieldType::String);
}

#[test]
fn examples_are_valid_and_keep_document_order() {
    for (file, names) in [
        ("examples/blog.toml", vec!["user", "tag", "post", "comment"]),
        (
            "examples/shop.toml",
            vec![
                "user",
                "category",
                "product",
                "order",
                "order_item",
                "payment",
            ],
        ),
    ] {
        let source = std::fs::read_to_string(file).unwrap();
        let spec = parse(file, &source).unwrap_or_else(|r| panic!("{r}"));
        let got: Vec<_> = spec
            .resources
            .iter()
            .map(|r| r.names.snake.as_str())
            .collect();
        assert_eq!(got, names, "{file}");
    }
}

#[test]
fn unknown_keys_get_a_suggestion() {
    let e = errors(
        "[resources.post]\nsoft_delet = true\n[resources.post.fields]\ntitle = { type = \"string\", requird = true }\n",
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].starts_with(
            "2:1 resources.post.soft_delet: unknown key `soft_delet` (did you mean `soft_delete`?)"
        ),
        "{e:?}"
    );
    assert!(e[1].contains("4:28 resources.post.fields.title.requird: unknown key `requird` (did you mean `required`?)"), "{e:?}");
}

#[test]
fn unknown_top_level_key_lists_allowed_keys() {
    let report = parse("t.toml", &format!("[projekt]\nname = \"x\"\n{MINIMAL}")).unwrap_err();
    let d = &report.diagnostics[0];
    assert_eq!(d.key, "projekt");
    assert_eq!(d.help.as_deref(), Some("did you mean `project`?"));
    assert_eq!(
        d.allowed.as_deref(),
        Some("project, auth, rate_limit, cache, resources, jobs, services, replicas, tenancy")
    );
}

#[test]
fn unknown_type_lists_the_types() {
    let report = parse(
        "t.toml",
        "[resources.post.fields]\ntitle = { type = \"strng\" }\n",
    )
    .unwrap_err();
    let d = &report.diagnostics[0];
    assert_eq!(d.message, "unknown field type");
    assert_eq!(d.found.as_deref(), Some("\"strng\""));
    assert!(
        d.allowed
            .as_deref()
            .unwrap()
            .contains("string, text, integer")
    );
    assert_eq!(d.help.as_deref(), Some("did you mean \"string\"?"));
    assert_eq!(report.line_col(d.span.start), (2, 18));
}

#[test]
fn duplicate_names_are_reported_with_their_position() {
    let e = errors(
        "[resources.post.fields]\ntitle = { type = \"string\" }\ntitle = { type = \"text\" }\n",
    );
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("3:1"), "{e:?}");
    assert!(e[0].contains("duplicate key"), "{e:?}");

    let e = errors(
        "[resources.post.fields]\na = { type = \"text\" }\n[resources.post.fields]\nb = { type = \"text\" }\n",
    );
    assert!(e[0].starts_with("3:"), "{e:?}");
}

#[test]
fn same_table_name_twice_is_an_error() {
    let e = errors(
        "[resources.person.fields]\na = { type = \"text\" }\n[resources.human]\nplural = \"people\"\n[resources.human.fields]\na = { type = \"text\" }\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("two resources have the same table name"),
        "{e:?}"
    );
}

#[test]
fn generated_and_unspellable_field_names_are_refused_with_an_alternative() {
    let e = errors(
        "[resources.post.fields]\nid = { type = \"uuid\" }\ncreated_at = { type = \"datetime\" }\npage = { type = \"integer\" }\nTitle = { type = \"string\" }\nself = { type = \"text\" }\nlimit = { type = \"integer\" }\ncode = { type = \"text\" }\n",
    );
    assert_eq!(
        e,
        [
            "2:1 resources.post.fields.id: this field name is taken by a generated one (every resource already has `id`; use `external_id`, or remove the field)",
            "3:1 resources.post.fields.created_at: this field name is taken by a generated one (every resource already has `created_at`; use `created_on`, or remove the field)",
            "4:1 resources.post.fields.page: this field name is taken by a generated one (`page` is a list query parameter; use `page_number`, or remove the field)",
            "5:1 resources.post.fields.Title: a field name must be snake_case (use `title`)",
            "6:1 resources.post.fields.self: `self` cannot name a field: Rust has no identifier for it, not even a raw one (use `itself`)",
            "7:1 resources.post.fields.limit: this field name is taken by a generated one (`limit` is a list query parameter; use `maximum`, or remove the field)",
        ]
    );
    let e = errors(
        "[resources.post.fields]\nsuper = { type = \"text\" }\ncrate = { type = \"text\" }\n",
    );
    assert!(e[0].ends_with("(use `parent_value`)"), "{e:?}");
    assert!(e[1].ends_with("(use `crate_name`)"), "{e:?}");
}

#[test]
fn keywords_are_accepted_as_field_resource_and_relation_names() {
    let fields = [
        "type", "order", "default", "from", "to", "end", "check", "position", "match", "user",
        "group", "select", "async", "gen", "union", "key", "value", "string", "option",
    ];
    let mut source = String::from(
        "[resources.type]\nbelongs_to = { match = { resource = \"self\", required = false } }\n[resources.type.fields]\n",
    );
    for f in fields {
        source.push_str(&format!("{f} = {{ type = \"text\" }}\n"));
    }
    source.push_str("[resources.self.fields]\nfn = { type = \"text\" }\n");
    let spec = valid(&source);
    let ty = spec.resource("type").unwrap();
    assert_eq!(ty.names.module, "types");
    assert_eq!(ty.names.type_name, "Type");
    assert_eq!(ty.fields[0].names.ident, "r#type");
    assert_eq!(ty.fields[0].names.camel, "type");
    assert_eq!(ty.fields[1].names.sql, "\"order\"");
    assert_eq!(ty.belongs_to[0].names.snake, "match");
    let this = spec.resource("self").unwrap();
    assert_eq!(this.names.type_name, "SelfResource");
    assert_eq!(this.names.module, "selves");
}

#[test]
fn resource_names_are_checked() {
    let e = errors(
        "[resources.Post.fields]\na = { type = \"text\" }\n[resources.fn.fields]\na = { type = \"text\" }\n",
    );
    assert_eq!(
        e,
        ["1:12 resources.Post: a resource name must be snake_case (use `post`)"]
    );
    // Names the service uses itself are fine as resources: their Rust names are settled.
    let spec = valid(
        "[resources.auth.fields]\na = { type = \"text\" }\n[resources.health.fields]\na = { type = \"text\" }\n[resources.metric.fields]\na = { type = \"text\" }\n[resources.log.fields]\na = { type = \"text\" }\n",
    );
    let modules: Vec<&str> = spec
        .resources
        .iter()
        .map(|r| r.names.module.as_str())
        .collect();
    assert_eq!(
        modules,
        ["auths", "health", "metrics_resource", "logs_resource"]
    );
}

#[test]
fn names_that_collide_in_rust_are_renamed_or_refused() {
    let spec = valid(
        "[resources.page.fields]\nx = { type = \"text\" }\n[resources.pool.fields]\nx = { type = \"text\" }\n[resources.cache.fields]\nx = { type = \"text\" }\n[resources.uuid.fields]\nx = { type = \"text\" }\n[resources.result.fields]\nx = { type = \"text\" }\n[resources.order.fields]\nitem = { type = \"enum\", values = [\"a\"] }\n[resources.order_item.fields]\nx = { type = \"text\" }\n",
    );
    let types: Vec<&str> = spec
        .resources
        .iter()
        .map(|r| r.names.type_name.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "PageResource",
            "PoolResource",
            "CacheResource",
            "UuidResource",
            "ResultResource",
            "Order",
            "OrderItem"
        ]
    );
    assert_eq!(spec.resources[5].fields[0].names.type_name, "OrderItemEnum");

    let e = errors(
        "[resources.v_2.fields]\nx = { type = \"text\" }\n[resources.v2.fields]\nx = { type = \"text\" }\n",
    );
    assert_eq!(
        e,
        [
            "3:12 resources.v2: two resources give the same Rust name (rename `v2`, e.g. to `v2_item`)"
        ]
    );
    let e = errors(
        "[resources.log]\nplural = \"logs_resource\"\n[resources.log.fields]\nx = { type = \"text\" }\n[resources.entry]\nplural = \"logs\"\n[resources.entry.fields]\nx = { type = \"text\" }\n",
    );
    assert_eq!(
        e,
        [
            "6:10 resources.entry.plural: two resources give the same Rust name (change `plural` on `entry`, e.g. `plural = \"entry_items\"`)"
        ]
    );
}

#[test]
fn names_that_give_one_json_key_or_variant_are_refused() {
    let e = errors(
        "[resources.user.fields]\nx = { type = \"text\" }\n[resources.post]\nbelongs_to = { a_1 = \"user\", a1 = \"user\", c_3 = \"user\" }\n[resources.post.fields]\nb_1 = { type = \"text\" }\nb1 = { type = \"text\" }\nc3_id = { type = \"text\" }\nkind = { type = \"enum\", values = [\"tier_1\", \"tier1\", \"self\"] }\n",
    );
    assert_eq!(
        e,
        [
            "4:30 resources.post.belongs_to.a1: two relations give the same JSON key (rename the relation, e.g. to `a1_value`)",
            "7:1 resources.post.fields.b1: two names give the same JSON key (rename the field, e.g. to `b1_value`)",
            "8:1 resources.post.fields.c3_id: two names give the same JSON key (rename the field, e.g. to `c3_id_value`)",
            "9:45 resources.post.fields.kind.values: two enum values give the same Rust variant (use another value, e.g. \"tier1_value\")",
        ]
    );
    // Values whose variant serde would spell otherwise keep their own spelling.
    let spec = valid(
        "[resources.post.fields]\nkind = { type = \"enum\", values = [\"tier_1\", \"self\", \"in_stock\"] }\n",
    );
    assert_eq!(
        spec.resources[0].fields[0].ty,
        FieldType::Enum {
            values: vec!["tier_1".into(), "self".into(), "in_stock".into()]
        }
    );
}

#[test]
fn routes_and_tables_that_collide_are_refused() {
    let e = errors(
        "[project]\napi_prefix = \"/health\"\n[resources.live]\nplural = \"live\"\n[resources.live.fields]\nx = { type = \"text\" }\n",
    );
    assert!(e.len() == 1 && e[0].contains("invalid plural"), "{e:?}");
    let e = errors(
        "[project]\napi_prefix = \"/health\"\n[resources.alive]\nplural = \"live\"\n[resources.alive.fields]\nx = { type = \"text\" }\n",
    );
    assert_eq!(
        e,
        [
            "4:10 resources.alive.plural: two routes have the same method and path (change `plural` on `alive`, e.g. `plural = \"alive_items\"`, or choose another `[project] api_prefix`)"
        ]
    );
    let e = errors(
        "[resources.post]\nmany_to_many = [\"tag\"]\n[resources.post.fields]\nx = { type = \"text\" }\n[resources.tag.fields]\nx = { type = \"text\" }\n[resources.post_tag.fields]\nx = { type = \"text\" }\n",
    );
    assert_eq!(
        e,
        [
            "7:12 resources.post_tag: two tables or indexes have the same name (set `plural` on `post_tag`, e.g. `plural = \"post_tag_items\"`)"
        ]
    );
    let e = errors(
        "[auth]\nmode = \"jwt\"\n[resources.refresh_token.fields]\nx = { type = \"text\" }\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("3:12 resources.refresh_token: two tables"),
        "{e:?}"
    );
    // A child listed under its parent where the parent also links the same resource.
    let e = errors(
        "[resources.post]\nmany_to_many = [\"tag\"]\n[resources.post.fields]\nx = { type = \"text\" }\n[resources.tag]\nbelongs_to = { post = { resource = \"post\", required = false } }\n[resources.tag.fields]\nx = { type = \"text\" }\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("5:12 resources.tag: two routes"), "{e:?}");
}

#[test]
fn foreign_key_and_filter_clashes() {
    let e = errors(
        "[resources.user.fields]\nname = { type = \"text\" }\n[resources.post]\nbelongs_to = { author = \"user\" }\n[resources.post.fields]\nauthor_id = { type = \"uuid\" }\nprice = { type = \"integer\" }\nprice_min = { type = \"integer\" }\n",
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].contains("relation `author` already adds this column"),
        "{e:?}"
    );
    assert!(
        e[1].contains("clashes with a generated list filter"),
        "{e:?}"
    );
}

#[test]
fn relations_to_unknown_resources() {
    let e = errors(
        "[resources.post]\nbelongs_to = { author = { resource = \"usr\" } }\nmany_to_many = [\"tags\"]\n[resources.post.fields]\na = { type = \"text\" }\n[resources.user.fields]\na = { type = \"text\" }\n[resources.tag.fields]\na = { type = \"text\" }\n",
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].starts_with(
            "2:38 resources.post.belongs_to.author: unknown resource (did you mean \"user\"?)"
        ),
        "{e:?}"
    );
    assert!(
        e[1].starts_with(
            "3:17 resources.post.many_to_many: unknown resource (did you mean \"tag\"?)"
        ),
        "{e:?}"
    );
}

#[test]
fn relation_rules() {
    let e = errors(
        "[resources.a]\nbelongs_to = { b = { on_delete = \"set_null\" } }\nmany_to_many = [\"a\", \"b\"]\n[resources.a.fields]\nx = { type = \"text\" }\n[resources.b]\nbelongs_to = { a = { required = false, on_delete = \"nothing\" } }\nmany_to_many = [\"a\"]\n[resources.b.fields]\nx = { type = \"text\" }\n",
    );
    let all = e.join("\n");
    assert!(
        all.contains("`set_null` needs an optional relation"),
        "{all}"
    );
    assert!(all.contains("invalid value for `on_delete`"), "{all}");
    assert!(all.contains("cannot be many-to-many with itself"), "{all}");
    assert!(all.contains("declared on both sides"), "{all}");
    assert!(all.contains("belongs_to relations form a cycle"), "{all}");
}

#[test]
fn enum_needs_values() {
    let e = errors(
        "[resources.post.fields]\nstatus = { type = \"enum\" }\nkind = { type = \"enum\", values = [] }\nmood = { type = \"enum\", values = [\"Happy\", \"sad\", \"sad\"] }\n",
    );
    assert_eq!(e.len(), 4, "{e:?}");
    assert!(e[0].contains("an enum needs its `values`"));
    assert!(e[1].contains("an enum needs at least one value"));
    assert!(e[2].contains("invalid enum value"));
    assert!(e[3].contains("duplicate enum value"));
}

#[test]
fn file_fields_need_a_size_and_types_and_take_no_value_rules() {
    let spec = valid(
        "[resources.post.fields]\nimage = { type = \"file\", max_size = \"5MB\", content_types = [\"image/png\", \"image/jpeg\"] }\nraw = { type = \"file\", max_size = 1500, content_types = [\"application/octet-stream\"], required = false }\n",
    );
    let post = &spec.resources[0];
    let image = post.fields[0].ty.file().expect("a file");
    assert_eq!(image.max_size, 5_000_000);
    assert_eq!(image.content_types, ["image/png", "image/jpeg"]);
    assert_eq!(post.fields[1].ty.file().map(|f| f.max_size), Some(1500));
    assert!(
        post.fields
            .iter()
            .all(|f| !f.required && !f.list.filter && !f.list.sort)
    );
    assert_eq!(post.files().count(), 2);
    assert_eq!(post.value_fields().count(), 0);
    assert!(spec.has_job_queue(), "replaced files are deleted by jobs");

    let e = errors(concat!(
        "[resources.post.fields]\n",
        "a = { type = \"file\" }\n",
        "b = { type = \"file\", max_size = \"5 TB\", content_types = [] }\n",
        "c = { type = \"file\", max_size = \"6GB\", content_types = [\"Image/PNG\", \"image/png\", \"image/png\"] }\n",
        "d = { type = \"file\", max_size = \"1KB\", content_types = [\"text/plain\"], required = true, unique = true, sort = true, max_length = 3 }\n",
        "e = { type = \"string\", max_size = \"1KB\" }\n",
    ));
    let expected = [
        "a file field needs a `max_size`",
        "a file field needs its `content_types`",
        "invalid `max_size`",
        "expected a non-empty array of media types",
        "invalid `max_size`",
        "not a media type",
        "a media type listed twice",
        "`max_length` does not apply to file fields",
        "a file field cannot be required",
        "file fields cannot be unique",
        "lists cannot sort by a file field",
        "`max_size` does not apply to string fields",
    ];
    for message in expected {
        assert!(
            e.iter().any(|line| line.contains(message)),
            "{message}: {e:#?}"
        );
    }
    assert_eq!(e.len(), expected.len(), "{e:#?}");
    let write = errors(
        "[auth]\nmode = \"jwt\"\n[resources.post.fields]\nimage = { type = \"file\", max_size = \"1MB\", content_types = [\"image/png\"], write = \"create\" }\n",
    );
    assert!(
        write[0].contains("a file is uploaded after its row is created"),
        "{write:?}"
    );
}

#[test]
fn defaults_must_pass_their_own_validation() {
    let e = errors(
        "[resources.post.fields]\n\
         a = { type = \"string\", min_length = 3, default = \"ab\" }\n\
         b = { type = \"integer\", min = 1, max = 10, default = 11 }\n\
         c = { type = \"enum\", values = [\"x\"], default = \"y\" }\n\
         d = { type = \"string\", pattern = \"^[a-z]+$\", default = \"A\" }\n\
         e = { type = \"string\", format = \"email\", default = \"nobody\" }\n\
         f = { type = \"boolean\", default = \"yes\" }\n\
         g = { type = \"uuid\", default = \"x\" }\n\
         h = { type = \"decimal\", scale = 2, default = 1.005 }\n",
    );
    assert_eq!(e.len(), 8, "{e:?}");
    assert!(
        e[0].contains("breaks the field's own validation (it is shorter than min_length 3)"),
        "{e:?}"
    );
    assert!(e[1].contains("(it is greater than max 10)"), "{e:?}");
    assert!(e[2].contains("invalid default for an enum field"), "{e:?}");
    assert!(e[3].contains("does not match the pattern"), "{e:?}");
    assert!(e[4].contains("not an email address"), "{e:?}");
    assert!(
        e[5].contains("invalid default for a boolean field"),
        "{e:?}"
    );
    assert!(e[6].contains("invalid default for a uuid field"), "{e:?}");
    assert!(
        e[7].contains("invalid `default` for a decimal field"),
        "{e:?}"
    );
}

/// A pattern the generated tests can draw no value from would give a project whose own
/// tests fail (each value must match and fit the lengths): refused, pointing at the pattern.
#[test]
fn a_pattern_with_no_value_to_draw_is_refused() {
    let e = errors(
        "[resources.post.fields]\na = { type = \"string\", pattern = \"^[a-z]{3}$\", min_length = 5 }\nb = { type = \"string\", pattern = \"^[a-z]{3,6}$\", min_length = 5 }\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("finds no value that matches the pattern"),
        "{e:?}"
    );
    assert!(e[0].contains("resources.post.fields.a.pattern"), "{e:?}");
}

#[test]
fn min_greater_than_max() {
    let e = errors(
        "[resources.post.fields]\na = { type = \"string\", min_length = 5, max_length = 2 }\nb = { type = \"float\", min = 2.5, max = 1 }\n",
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].contains("min_length is greater than max_length"));
    assert!(e[1].contains("min is greater than max"));
}

#[test]
fn options_that_do_not_fit_the_type() {
    let e = errors(
        "[resources.post.fields]\na = { type = \"integer\", max_length = 5, min = 1.5 }\nb = { type = \"string\", pattern = \"(\" }\nc = { type = \"json\", unique = true }\n",
    );
    let all = e.join("\n");
    assert!(
        all.contains("`max_length` does not apply to integer fields"),
        "{all}"
    );
    assert!(all.contains("invalid `min` for an integer field"), "{all}");
    assert!(all.contains("invalid regular expression"), "{all}");
    assert!(all.contains("json fields cannot be unique"), "{all}");
}

#[test]
fn wrong_value_types_are_named() {
    let report = parse("t.toml", "[project]\napi_prefix = 1\ndatabase = \"mysql\"\n[resources.post]\nsoft_delete = \"yes\"\n[resources.post.fields]\na = { type = \"text\" }\n").unwrap_err();
    let d: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.message.as_str(), d.found.as_deref(), d.allowed.as_deref()))
        .collect();
    assert_eq!(
        d[0],
        ("expected a string", Some("an integer"), Some("a string"))
    );
    assert_eq!(
        d[1],
        (
            "invalid value for `database`",
            Some("\"mysql\""),
            Some("sqlite, postgres")
        )
    );
    assert_eq!(d[2].0, "expected a boolean (true or false)");
}

#[test]
fn access_rules() {
    let e = errors(
        "[resources.post]\naccess = \"authenticated\"\n[resources.post.fields]\na = { type = \"text\" }\n",
    );
    assert!(
        e[0].contains("with auth mode \"none\" every action is public"),
        "{e:?}"
    );

    let jwt = "[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"editor\", \"member\"]\n[resources.user.fields]\nname = { type = \"text\" }\n";
    let e = errors(&format!(
        "{jwt}[resources.post]\naccess = {{ update = \"owner\", delete = \"editr\" }}\n[resources.post.fields]\na = {{ type = \"text\" }}\n"
    ));
    let all = e.join("\n");
    assert!(
        all.contains("unknown access rule (did you mean \"editor\"?)"),
        "{all}"
    );
    assert!(
        all.contains("an `owner` access rule needs to know who owns a row"),
        "{all}"
    );

    let spec = valid(&format!(
        "{jwt}[resources.post]\nowner = \"author\"\nbelongs_to = {{ author = \"user\" }}\naccess = {{ list = \"public\", update = [\"owner\", \"editor\"] }}\n[resources.post.fields]\na = {{ type = \"text\" }}\n"
    ));
    let post = spec.resource("post").unwrap();
    assert_eq!(post.access.list, vec![Rule::Public]);
    assert_eq!(post.access.read, vec![Rule::Authenticated]);
    assert_eq!(
        post.access.update,
        vec![Rule::Owner, Rule::Role("editor".into())]
    );
    let owner = post.owner.as_ref().unwrap();
    assert_eq!(owner.path, ["author"]);
    assert_eq!(owner.relation(), Some("author"));
    assert!(owner.set_by.is_empty());
}

const SHOP_AUTH: &str = "[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"staff\", \"customer\"]\ndefault_role = \"customer\"\n";
const ORDERS: &str = "[resources.order]\nbelongs_to = { customer = \"user\" }\n[resources.order.fields]\ntotal = { type = \"integer\" }\n";

/// An item with `owner` and `owner_set_by` set to the given TOML values.
fn item_owned(owner: &str, set_by: Option<&str>) -> String {
    let set_by = set_by
        .map(|s| format!("owner_set_by = {s}\n"))
        .unwrap_or_default();
    format!(
        "{SHOP_AUTH}{ORDERS}[resources.item]\nbelongs_to = {{ order = \"order\" }}\nowner = {owner}\n{set_by}access = {{ read = \"owner\" }}\n[resources.item.fields]\nq = {{ type = \"integer\" }}\n"
    )
}

#[test]
fn owners_through_parents_follow_relations_to_the_user() {
    let spec = valid(&item_owned("\"order.customer\"", None));
    let owner = spec.resource("item").unwrap().owner.as_ref().unwrap();
    assert_eq!(owner.path, ["order", "customer"]);
    assert_eq!(owner.relation(), None);

    let e = errors(&item_owned("\"order.buyer\"", None));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("resources.item.owner: `order` has no relation `buyer`"),
        "{e:?}"
    );
    let e = errors(&item_owned("\"order\"", None));
    assert!(
        e[0].contains("the owner relation must point to the user resource"),
        "{e:?}"
    );
    let e = errors(&item_owned("\"order.customer.team\"", None));
    assert!(
        e[0].contains("must end at the relation to the user resource (end it at `order.customer`)"),
        "{e:?}"
    );
}

#[test]
fn owner_set_by_names_roles_of_a_direct_owner() {
    let order = |set_by: &str| {
        format!(
            "{SHOP_AUTH}[resources.order]\nbelongs_to = {{ customer = \"user\" }}\nowner = \"customer\"\nowner_set_by = {set_by}\naccess = {{ read = \"owner\" }}\n[resources.order.fields]\ntotal = {{ type = \"integer\" }}\n"
        )
    };
    let spec = valid(&order("[\"staff\", \"staff\"]"));
    let owner = spec.resource("order").unwrap().owner.as_ref().unwrap();
    assert_eq!(owner.set_by, ["staff"]);

    let e = errors(&order("[\"clerk\"]"));
    assert!(e[0].contains("owner_set_by: unknown role"), "{e:?}");
    let e = errors(&item_owned("\"order.customer\"", Some("[\"staff\"]")));
    assert!(
        e[0].contains("only a direct owner can be set in a body"),
        "{e:?}"
    );
    let unowned = ORDERS.replace(
        "[resources.order]\n",
        "[resources.order]\nowner_set_by = \"staff\"\n",
    );
    let e = errors(&format!("{SHOP_AUTH}{unowned}"));
    assert!(e[0].contains("`owner_set_by` needs an `owner`"), "{e:?}");
}

#[test]
fn jwt_user_fields_are_generated() {
    let e =
        errors("[auth]\nmode = \"jwt\"\n[resources.user.fields]\nemail = { type = \"string\" }\n");
    assert_eq!(
        e,
        [
            "4:1 resources.user.fields.email: this field name is taken by a generated one (the jwt auth flow already gives users `email` (it gives them: email, password, password_hash, roles); use `contact_email`, or remove the field)"
        ]
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let e = errors(
        "[project]\ndatabase = \"oracle\"\n[resources.post.fields]\na = { type = \"nope\" }\nb = { type = \"enum\" }\n[resources.comment]\nbelongs_to = { post = { resource = \"pots\" } }\n[resources.comment.fields]\nc = { type = \"string\", min_length = 9, max_length = 1 }\n",
    );
    assert_eq!(e.len(), 5, "{e:?}");
}

#[test]
fn empty_and_missing_resources() {
    assert!(errors("[project]\nname = \"x\"\n")[0].contains("the spec has no resources"));
    assert!(
        errors("[resources.post]\ndescription = \"x\"\n")[0].contains("needs at least one field")
    );
}

#[test]
fn invalid_toml_points_at_the_syntax_error() {
    let e = errors("[resources.post.fields]\ntitle = { type = \"string\" \n");
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("2:") && e[0].contains("invalid TOML"),
        "{e:?}"
    );
}

#[test]
fn decimals_keep_exact_bounds_and_creation_order_follows_references() {
    let spec = valid(
        "[resources.item]\nbelongs_to = { order = {} }\n[resources.item.fields]\nprice = { type = \"decimal\", scale = 2, min = 0.10, max = \"99999.99\", default = 1.50 }\n[resources.order.fields]\nn = { type = \"text\" }\n",
    );
    let item = spec.resource("item").unwrap();
    let price = &item.fields[0];
    assert_eq!(price.rules.min, Some(Bound::Decimal("0.10".into())));
    assert_eq!(price.rules.max, Some(Bound::Decimal("99999.99".into())));
    assert_eq!(price.default, Some(Literal::Decimal("1.50".into())));
    let order: Vec<_> = spec
        .creation_order()
        .iter()
        .map(|r| r.names.snake.clone())
        .collect();
    assert_eq!(order, ["order", "item"]);
}

/// Children declared before their parents: each table still comes after those it
/// references, and otherwise in spec order, pass by pass.
#[test]
fn creation_order_puts_late_parents_first() {
    let resource = |name: &str, parents: &str| {
        let relations = if parents.is_empty() {
            String::new()
        } else {
            format!("belongs_to = {{ {parents} }}\n")
        };
        format!(
            "[resources.{name}]\n{relations}[resources.{name}.fields]\nn = {{ type = \"text\" }}\n"
        )
    };
    let spec = valid(
        &[
            resource("loan", "book = {}"),
            resource("member", ""),
            resource("book", "shelf = {}"),
            resource(
                "shelf",
                "parent = { resource = \"shelf\", required = false, on_delete = \"set_null\" }",
            ),
            resource("card", "member = {}"),
        ]
        .concat(),
    );
    let order: Vec<_> = spec
        .creation_order()
        .iter()
        .map(|r| r.names.snake.clone())
        .collect();
    assert_eq!(order, ["member", "shelf", "card", "book", "loan"]);
}

#[test]
fn the_init_example_is_valid_and_shows_every_type() {
    let spec = valid(super::EXAMPLE_SPEC);
    let types: std::collections::BTreeSet<&str> = spec
        .resources
        .iter()
        .flat_map(|r| r.fields.iter().map(|f| f.ty.spec_name()))
        .collect();
    assert_eq!(types.len(), FieldType::ALLOWED.len(), "{types:?}");
}

#[test]
fn long_names_and_required_self_references_are_refused() {
    let long = "a".repeat(31);
    let e = errors(&format!(
        "[resources.{long}.fields]\nx = {{ type = \"text\" }}\n[resources.b.fields]\n{long} = {{ type = \"text\" }}\n"
    ));
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e.iter().all(|m| m.contains("at most 30 characters")),
        "{e:?}"
    );

    let e = errors(
        "[resources.category]\nbelongs_to = { parent = \"category\" }\n[resources.category.fields]\nname = { type = \"text\" }\n",
    );
    assert!(
        e[0].contains("a relation to the resource itself must be optional"),
        "{e:?}"
    );
    valid(
        "[resources.category]\nbelongs_to = { parent = { resource = \"category\", required = false, on_delete = \"set_null\" } }\n[resources.category.fields]\nname = { type = \"text\" }\n",
    );
}

/// Every refused name comes with a suggestion, and the suggestion passes: put in the
/// name's place (`{}`), it makes the spec valid.
#[test]
fn every_refused_name_suggests_one_that_passes() {
    let text = "{ type = \"text\" }";
    let cases = [
        format!("[resources.post.fields]\n{{}} = {text}\n"),
        format!("[resources.post.fields]\nexternal_id = {text}\n{{}} = {text}\n"),
        format!("[resources.{{}}.fields]\nx = {text}\n"),
        format!(
            "[resources.user.fields]\nx = {text}\n[resources.post]\nbelongs_to = {{ {{}} = \"user\" }}\n[resources.post.fields]\nx = {text}\n"
        ),
        format!("[resources.post.fields]\nprice = {{ type = \"integer\" }}\n{{}} = {text}\n"),
        format!("[resources.post.fields]\nb_1 = {text}\n{{}} = {text}\n"),
        "[resources.post.fields]\nk = { type = \"enum\", values = [\"a_1\", \"{}\"] }\n"
            .to_string(),
        format!("[resources.v_2.fields]\nx = {text}\n[resources.{{}}.fields]\nx = {text}\n"),
        format!(
            "[project]\napi_prefix = \"/health\"\n[resources.alive]\nplural = \"{{}}\"\n[resources.alive.fields]\nx = {text}\n"
        ),
        format!(
            "[resources.post]\nmany_to_many = [\"tag\"]\n[resources.post.fields]\nx = {text}\n[resources.tag.fields]\nx = {text}\n[resources.post_tag]\nplural = \"{{}}\"\n[resources.post_tag.fields]\nx = {text}\n"
        ),
        format!("[resources.staff]\nplural = \"{{}}\"\n[resources.staff.fields]\nx = {text}\n"),
    ];
    let refused: &[(usize, &[&str])] = &[
        (
            0,
            &[
                "id",
                "created_at",
                "updated_at",
                "deleted_at",
                "version",
                "page",
                "limit",
                "cursor",
                "sort",
                "fields",
                "self",
                "super",
                "crate",
                "Title",
                "a_field_name_that_is_much_too_long",
            ],
        ),
        (1, &["id"]),
        (2, &["Post", "a_resource_name_that_is_much_too_long"]),
        (3, &["Author", "post_id_of_a_relation_name_too_long"]),
        (4, &["price_min", "price_max"]),
        (5, &["b1"]),
        (6, &["a1"]),
        (7, &["v2"]),
        (8, &["live"]),
        (9, &["post_tags"]),
        (10, &["staff", "Staff"]),
    ];
    let last_name = regex::Regex::new(r#"[`"]([a-z][a-z0-9_]*)[`"]"#).unwrap();
    for (case, names) in refused {
        for name in *names {
            let source = cases[*case].replace("{}", name);
            let report = parse("t.toml", &source).expect_err(&source);
            assert_eq!(report.diagnostics.len(), 1, "{report}");
            let help = report.diagnostics[0].help.clone().unwrap_or_default();
            let suggestion = last_name
                .captures_iter(&help)
                .last()
                .unwrap_or_else(|| panic!("no suggestion for {name}: {report}"))[1]
                .to_string();
            let fixed = cases[*case].replace("{}", &suggestion);
            if let Err(report) = parse("t.toml", &fixed) {
                panic!("{name} -> {suggestion} is still refused:\n{report}");
            }
        }
    }
}

#[test]
fn each_cycle_is_reported_once_at_its_first_member() {
    let report = parse(
        "t.toml",
        "[resources.c]\nbelongs_to = { to = { resource = \"a\", required = false } }\n[resources.c.fields]\nx = { type = \"text\" }\n\
         [resources.b]\nbelongs_to = { to = { resource = \"c\", required = false } }\n[resources.b.fields]\nx = { type = \"text\" }\n\
         [resources.a]\nbelongs_to = { to = { resource = \"b\", required = false } }\n[resources.a.fields]\nx = { type = \"text\" }\n",
    )
    .expect_err("a cycle");
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.key.as_str(), d.found.as_deref()))
        .collect();
    assert_eq!(found, [("resources.a", Some("a -> b -> c -> a"))]);

    // Sixty resources that each belong to the two before them have more paths than any
    // search could follow; the check visits each resource once.
    let mut source = String::new();
    for i in 0..60 {
        let parents: Vec<String> = (i.max(2) - 2..i)
            .map(|p| format!("p{p} = \"r{p}\""))
            .collect();
        source.push_str(&format!(
            "[resources.r{i}]\nbelongs_to = {{ {} }}\n[resources.r{i}.fields]\nx = {{ type = \"text\" }}\n",
            parents.join(", ")
        ));
    }
    let started = std::time::Instant::now();
    valid(&source);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn names_at_the_length_limit_give_distinct_schema_names() {
    // Two 30-character resources: the join table's index passes 63 bytes.
    let spec = valid(
        "[resources.u_em5_j5mvrk8par7bq_kejg8_bem]\nmany_to_many = [\"payyg_ediovsd_ekrsom1yqpkhp7xc\"]\n\
         [resources.u_em5_j5mvrk8par7bq_kejg8_bem.fields]\na = { type = \"string\" }\n\
         [resources.payyg_ediovsd_ekrsom1yqpkhp7xc.fields]\nb = { type = \"string\", unique = true }\n",
    );
    let names: Vec<String> = super::schema_names::schema_objects(&spec)
        .into_iter()
        .map(|o| o.name)
        .collect();
    for name in &names {
        assert!(name.len() <= super::schema_names::MAX_IDENTIFIER, "{name}");
        assert_eq!(names.iter().filter(|n| *n == name).count(), 1, "{names:?}");
    }
}

#[test]
fn a_plural_equal_to_the_implicit_accounts_table_is_one_error_at_the_plural() {
    let e = errors(
        "[auth]\nmode = \"jwt\"\n[resources.member]\nplural = \"users\"\n[resources.member.fields]\ntitle = { type = \"string\" }\n",
    );
    assert_eq!(
        e,
        [
            "4:10 resources.member.plural: the accounts table already has this name (with jwt auth, the accounts table is `users`; choose another `plural` on `member`, e.g. `plural = \"members\"`)"
        ]
    );
    // A declared `user` is the accounts resource itself: its plural is free to choose.
    valid(
        "[auth]\nmode = \"jwt\"\n[resources.user]\nplural = \"members\"\n[resources.user.fields]\nname = { type = \"string\" }\n",
    );
}

#[test]
fn tables_and_indexes_sqlite_keeps_for_itself_are_refused_with_a_plural() {
    let e = errors("[resources.sqlite_stat.fields]\ntitle = { type = \"string\" }\n");
    assert_eq!(
        e,
        [
            "1:12 resources.sqlite_stat: SQLite keeps names that start with `sqlite_` for itself (set `plural` on `sqlite_stat`, e.g. `plural = \"stats\"`)"
        ]
    );
    valid(
        "[resources.sqlite_stat]\nplural = \"stats\"\n[resources.sqlite_stat.fields]\ntitle = { type = \"string\" }\n",
    );
    // A plural `sqlite` is fine itself, not its indexes (`sqlite_created_at_idx`).
    let e = errors(
        "[resources.lite]\nplural = \"sqlite\"\n[resources.lite.fields]\ntitle = { type = \"string\" }\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("2:10 resources.lite.plural: SQLite"),
        "{e:?}"
    );
    // A join table is named after the side that declares the many-to-many.
    let e = errors(
        "[resources.sqlite]\nmany_to_many = [\"tag\"]\n[resources.sqlite.fields]\nt = { type = \"string\" }\n\
         [resources.tag.fields]\nt = { type = \"string\" }\n",
    );
    assert_eq!(
        e,
        [
            "1:12 resources.sqlite: SQLite keeps names that start with `sqlite_` for itself (rename `sqlite`, or declare the many-to-many on `tag` instead)"
        ]
    );
}

/// An order owned by its customer, with `fields` as its field lines, under `SHOP_AUTH`.
fn order_with(fields: &str) -> String {
    format!(
        "{SHOP_AUTH}[resources.order]\nbelongs_to = {{ customer = \"user\" }}\nowner = \"customer\"\naccess = {{ list = [\"owner\", \"staff\"], read = [\"owner\", \"staff\"], create = \"authenticated\", update = [\"owner\", \"staff\"] }}\n[resources.order.fields]\n{fields}"
    )
}

/// The one diagnostic of an invalid spec.
fn only_error(source: &str) -> crate::diagnostics::Diagnostic {
    let report = parse("t.toml", source).expect_err("spec should be invalid");
    assert_eq!(report.diagnostics.len(), 1, "{report}");
    report.diagnostics[0].clone()
}

#[test]
fn field_rules_parse_into_field_access() {
    let spec = valid(&order_with(
        "status = { type = \"enum\", values = [\"pending\", \"paid\"], default = \"pending\", write = [\"staff\"] }\n\
         cost = { type = \"decimal\", scale = 2, required = false, read = [\"staff\"], write = \"staff\" }\n\
         notes = { type = \"text\", required = false, read = [\"owner\", \"staff\", \"owner\"] }\n\
         sku = { type = \"string\", write = \"create\" }\n\
         score = { type = \"integer\", default = 0, write = [\"none\"] }\n\
         paid_at = { type = \"datetime\", required = false, write = [\"staff\"], write_denied = \"ignore\" }\n\
         shown = { type = \"text\", read = [\"staff\", \"public\"], write = [\"public\", \"staff\"] }\n\
         plain = { type = \"text\" }\n",
    ));
    let order = spec.resource("order").unwrap();
    let access = |name: &str| {
        order
            .fields
            .iter()
            .find(|f| f.names.snake == name)
            .unwrap()
            .access
            .clone()
    };
    let staff = || vec![Rule::Role("staff".into())];
    assert_eq!(
        access("status"),
        FieldAccess {
            read: None,
            write: FieldWrite::Rules(staff()),
            denied: Denied::Reject,
        }
    );
    assert_eq!(access("cost").read, Some(staff()));
    assert_eq!(access("cost").write, FieldWrite::Rules(staff()));
    assert_eq!(
        access("notes").read,
        Some(vec![Rule::Owner, Rule::Role("staff".into())])
    );
    assert_eq!(access("notes").write, FieldWrite::Row);
    assert_eq!(access("sku").write, FieldWrite::Create);
    assert_eq!(access("score").write, FieldWrite::None);
    assert_eq!(access("paid_at").denied, Denied::Ignore);
    // `public` narrows nothing.
    assert_eq!(access("shown"), FieldAccess::default());
    assert!(!access("shown").is_restricted());
    assert_eq!(access("plain"), FieldAccess::default());
    assert!(access("sku").is_restricted());
}

#[test]
fn field_rule_keys_are_known_keys() {
    let d = only_error("[resources.post.fields]\ntitle = { type = \"string\", writes = \"x\" }\n");
    assert_eq!(d.help.as_deref(), Some("did you mean `write`?"));
    let allowed = d.allowed.unwrap();
    assert!(
        allowed
            .ends_with("read, write, write_denied, renamed_from, references, personal, in_events"),
        "{allowed}"
    );
}

#[test]
fn renamed_from_names_another_snake_case_name() {
    let spec = crate::spec::parse(
        "t.toml",
        "[resources.post.fields]\nheadline = { type = \"string\", renamed_from = \"title\" }\n",
    )
    .unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(
        spec.resources[0].fields[0].renamed_from.as_deref(),
        Some("title")
    );
    for bad in ["Title", "headline", ""] {
        let d = only_error(&format!(
            "[resources.post.fields]\nheadline = {{ type = \"string\", renamed_from = {bad:?} }}\n"
        ));
        assert_eq!(
            d.key, "resources.post.fields.headline.renamed_from",
            "{bad}"
        );
        assert_eq!(
            d.allowed.as_deref(),
            Some("a snake_case name other than the field's own")
        );
    }
}

#[test]
fn field_rules_need_values_and_known_words() {
    let d = only_error(&order_with("total = { type = \"integer\", read = [] }\n"));
    assert_eq!(d.key, "resources.order.fields.total.read");
    assert_eq!(d.message, "an access rule needs at least one value");
    let d = only_error(&order_with("total = { type = \"integer\", write = [] }\n"));
    assert_eq!(d.key, "resources.order.fields.total.write");
    assert_eq!(d.message, "an access rule needs at least one value");

    let d = only_error(&order_with(
        "total = { type = \"integer\", write = [\"staf\"] }\n",
    ));
    assert_eq!(d.key, "resources.order.fields.total.write");
    assert_eq!(d.message, "unknown access rule");
    assert_eq!(d.help.as_deref(), Some("did you mean \"staff\"?"));
    assert_eq!(
        d.allowed.as_deref(),
        Some(
            "public, authenticated, verified, owner, create, none, admin, staff, customer (roles come from `auth.roles`)"
        )
    );
    // `read` takes no words: `create` is just unknown there.
    let d = only_error(&order_with(
        "total = { type = \"integer\", read = \"create\" }\n",
    ));
    assert_eq!(d.key, "resources.order.fields.total.read");
    assert!(!d.allowed.unwrap().contains("create"));
    let d = only_error(&order_with("total = { type = \"integer\", read = 3 }\n"));
    assert_eq!(d.message, "expected a string or an array of strings");
}

#[test]
fn create_and_none_stand_alone_in_write() {
    let e = errors(&order_with(
        "total = { type = \"integer\", write = [\"create\", \"staff\"] }\n",
    ));
    assert_eq!(
        e,
        [
            "10:38 resources.order.fields.total.write: `create` cannot be combined with other values (write `write = \"create\"` alone, or list only access rules)"
        ]
    );
    let d = only_error(&order_with(
        "total = { type = \"integer\", default = 1, write = [\"staff\", \"none\"] }\n",
    ));
    assert_eq!(d.found.as_deref(), Some("[staff, none]"));
    assert_eq!(
        d.allowed.as_deref(),
        Some(
            "\"create\" or \"none\" alone, or access rules: public, authenticated, verified, owner, admin, staff, customer"
        )
    );
    // The word wins over a role of the same name, and the help says so.
    let auth = "[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"member\", \"none\"]\n";
    let spec = valid(&format!(
        "{auth}[resources.post.fields]\nx = {{ type = \"text\", required = false, write = \"none\" }}\n"
    ));
    assert_eq!(
        spec.resource("post").unwrap().fields[0].access.write,
        FieldWrite::None
    );
    let d = only_error(&format!(
        "{auth}[resources.post.fields]\nx = {{ type = \"text\", required = false, write = [\"none\", \"member\"] }}\n"
    ));
    assert!(d.help.unwrap().ends_with(
        "in `write`, \"none\" is the word, not the role: rename the role to use it here"
    ));
}

#[test]
fn write_denied_needs_a_write_rule() {
    let e = errors(&order_with(
        "a = { type = \"text\", required = false, write_denied = \"ignore\" }\n\
         b = { type = \"text\", required = false, write = \"public\", write_denied = \"reject\" }\n\
         c = { type = \"text\", required = false, write = \"staff\", write_denied = \"drop\" }\n",
    ));
    assert_eq!(
        e,
        [
            "10:55 resources.order.fields.a.write_denied: `write_denied` needs a `write` rule (whoever may write the row may write the field, so no body is ever denied; add e.g. `write = [\"ROLE\"]`, or remove `write_denied`)",
            "11:73 resources.order.fields.b.write_denied: `write_denied` needs a `write` rule (whoever may write the row may write the field, so no body is ever denied; add e.g. `write = [\"ROLE\"]`, or remove `write_denied`)",
            "12:72 resources.order.fields.c.write_denied: invalid value for `write_denied`",
        ]
    );
    let d = only_error(&order_with(
        "a = { type = \"text\", required = false, write_denied = \"ignore\" }\n",
    ));
    assert_eq!(d.found.as_deref(), Some("no `write`"));
    // A `write` with its own error is not reported again through `write_denied`.
    let e = errors(&order_with(
        "a = { type = \"text\", required = false, write = \"clerk\", write_denied = \"ignore\" }\n",
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("unknown access rule"), "{e:?}");
}

#[test]
fn field_rules_need_jwt() {
    let none = "[resources.post.fields]\n";
    let e = errors(&format!(
        "{none}a = {{ type = \"text\", write = \"create\" }}\nb = {{ type = \"text\", default = \"x\", write = \"none\" }}\nc = {{ type = \"text\", read = \"admin\" }}\nd = {{ type = \"text\", write = \"authenticated\", write_denied = \"ignore\" }}\n"
    ));
    assert_eq!(
        e,
        [
            "2:30 resources.post.fields.a.write: field rules need `[auth] mode = \"jwt\"` (set `[auth] mode = \"jwt\"`, or remove `write`: with auth mode \"none\" every caller may write every field)",
            "3:45 resources.post.fields.b.write: field rules need `[auth] mode = \"jwt\"` (set `[auth] mode = \"jwt\"`, or remove `write`: with auth mode \"none\" every caller may write every field)",
            "4:29 resources.post.fields.c.read: with auth mode \"none\" every action is public (set `[auth] mode = \"jwt\"` to use authenticated, verified, owner and role rules)",
            "5:30 resources.post.fields.d.write: with auth mode \"none\" every action is public (set `[auth] mode = \"jwt\"` to use authenticated, verified, owner and role rules)",
        ]
    );
    // `public` is fine, and narrows nothing.
    let spec = valid(&format!(
        "{none}a = {{ type = \"text\", read = \"public\", write = [\"public\"] }}\n"
    ));
    assert_eq!(spec.resources[0].fields[0].access, FieldAccess::default());
}

#[test]
fn owner_field_rules_need_the_owner_on_the_row() {
    // Owned through a parent: rows do not carry their owner.
    let item = |fields: &str| {
        format!(
            "{SHOP_AUTH}{ORDERS}[resources.item]\nbelongs_to = {{ order = \"order\" }}\nowner = \"order.customer\"\n[resources.item.fields]\n{fields}"
        )
    };
    let report = parse(
        "t.toml",
        &item("note = { type = \"text\", required = false, read = [\"owner\", \"staff\"], write = \"owner\" }\n"),
    )
    .unwrap_err();
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.key.as_str(), d.message.as_str(), d.found.as_deref()))
        .collect();
    let message = "an `owner` field rule needs the owner on the row itself";
    assert_eq!(
        found,
        [
            (
                "resources.item.fields.note.read",
                message,
                Some("owner = \"order.customer\"")
            ),
            (
                "resources.item.fields.note.write",
                message,
                Some("owner = \"order.customer\"")
            ),
        ]
    );
    let help = report.diagnostics[0].help.as_deref().unwrap();
    assert!(
        help.starts_with("rows owned through a parent do not carry their owner"),
        "{help}"
    );
    assert!(help.contains("name roles instead"), "{help}");
    // No owner at all.
    let d = only_error(&format!(
        "{SHOP_AUTH}{ORDERS}[resources.tag.fields]\nx = {{ type = \"text\", read = \"owner\" }}\n"
    ));
    assert_eq!(d.key, "resources.tag.fields.x.read");
    assert_eq!(d.found.as_deref(), Some("no `owner`"));
    // A direct owner, and the account (which owns itself), are fine.
    valid(&order_with(
        "x = { type = \"text\", required = false, read = \"owner\", write = [\"owner\", \"staff\"] }\n",
    ));
    let spec = valid(&format!(
        "{SHOP_AUTH}[resources.user.fields]\nphone = {{ type = \"text\", required = false, read = \"owner\", write = \"owner\" }}\n"
    ));
    let phone = &spec.resource("user").unwrap().fields[1];
    assert_eq!(phone.access.read, Some(vec![Rule::Owner]));
}

#[test]
fn required_fields_must_be_writable_by_every_creator() {
    // The order's `create` is `authenticated`.
    let d = only_error(&order_with(
        "total = { type = \"integer\", write = [\"staff\"] }\n",
    ));
    assert_eq!(d.key, "resources.order.fields.total.write");
    assert_eq!(
        d.message,
        "`total` is required and has no default, but not everyone who may create an order may write it"
    );
    assert_eq!(
        d.found.as_deref(),
        Some("write = [staff], create = [authenticated]")
    );
    assert_eq!(
        d.help.as_deref(),
        Some("give it a `default`, make it `required = false`, or let every creator write it")
    );
    // Dropping the value instead of refusing it leaves the row without one all the same.
    let d = only_error(&order_with(
        "total = { type = \"integer\", write = \"staff\", write_denied = \"ignore\" }\n",
    ));
    assert!(d.message.contains("not everyone who may create"), "{d:?}");
    let d = only_error(&order_with(
        "total = { type = \"integer\", write = \"none\" }\n",
    ));
    assert_eq!(
        d.message,
        "`total` is required and has no default, but no request may write it"
    );
    assert_eq!(d.found.as_deref(), Some("write = \"none\""));
    // Fine: a default, optional, set on create, or every creator may write it.
    valid(&order_with(
        "a = { type = \"integer\", default = 0, write = \"none\" }\n\
         b = { type = \"integer\", required = false, write = \"staff\" }\n\
         c = { type = \"integer\", write = \"create\" }\n\
         d = { type = \"integer\", write = [\"authenticated\"] }\n\
         e = { type = \"integer\", default = 1, write = \"staff\", write_denied = \"ignore\" }\n",
    ));
    // `authenticated` covers `owner` and roles; admins pass every field rule.
    let post = |create: &str, write: &str| {
        format!(
            "{SHOP_AUTH}[resources.post]\nbelongs_to = {{ author = \"user\" }}\nowner = \"author\"\naccess = {{ create = {create} }}\n[resources.post.fields]\nx = {{ type = \"text\", write = {write} }}\n"
        )
    };
    valid(&post("[\"owner\", \"staff\"]", "\"authenticated\""));
    valid(&post("[\"owner\", \"staff\"]", "[\"staff\", \"owner\"]"));
    valid(&post("\"admin\"", "\"staff\""));
    valid(&post("[\"admin\", \"staff\"]", "\"staff\""));
    let d = only_error(&post("\"public\"", "\"authenticated\""));
    assert_eq!(
        d.found.as_deref(),
        Some("write = [authenticated], create = [public]")
    );
    let d = only_error(&post("[\"owner\", \"staff\"]", "\"owner\""));
    assert_eq!(
        d.found.as_deref(),
        Some("write = [owner], create = [owner, staff]")
    );
    // Anyone may register an account: a required account field needs no rules, or a default.
    let d = only_error(&format!(
        "{SHOP_AUTH}[resources.user.fields]\nname = {{ type = \"text\", write = \"authenticated\" }}\n"
    ));
    assert_eq!(d.key, "resources.user.fields.name.write");
    assert_eq!(
        d.found.as_deref(),
        Some("write = [authenticated], create = [admin, public]")
    );
    valid(&format!(
        "{SHOP_AUTH}[resources.user.fields]\nname = {{ type = \"text\", write = \"create\" }}\n"
    ));
}

#[test]
fn events_are_lifecycle_steps_or_transitions_of_an_enum() {
    let spec = valid(
        "[resources.payment.fields]\nstatus = { type = \"enum\", values = [\"pending\", \"succeeded\"] }\n\
         [resources.payment.events]\ncreated = true\nupdated = false\ncompleted = { when = \"status\", becomes = \"succeeded\" }\n",
    );
    let events = &spec.resources[0].events;
    assert_eq!(
        events,
        &[
            Event {
                name: "created".into(),
                trigger: Trigger::Created
            },
            Event {
                name: "completed".into(),
                trigger: Trigger::Becomes {
                    field: "status".into(),
                    value: "succeeded".into()
                }
            },
        ]
    );
    assert!(valid(MINIMAL).resources[0].events.is_empty());
}

#[test]
fn events_that_cannot_happen_are_refused_with_what_would() {
    let e = errors(
        "[resources.payment.fields]\nstatus = { type = \"enum\", values = [\"pending\", \"succeeded\"] }\nnote = { type = \"string\" }\n\
         [resources.payment.events]\ncreated = \"yes\"\nPaid = { when = \"status\", becomes = \"succeeded\" }\n\
         done = { when = \"stauts\", becomes = \"succeeded\" }\nnoted = { when = \"note\", becomes = \"x\" }\n\
         failed = { when = \"status\", becomes = \"failed\" }\nsettled = { when = \"status\", becomes = \"succeeded\" }\n\
         again = { when = \"status\", becomes = \"succeeded\" }\nhalf = { when = \"status\" }\nodd = { when = \"status\", becomes = \"pending\", to = 1 }\n",
    );
    let expected = [
        "5:11 resources.payment.events.created: expected a boolean (true or false) (`created` is emitted by every create;",
        "6:1 resources.payment.events.Paid: an event name must be snake_case (use `paid`)",
        "7:17 resources.payment.events.done.when: not an enum field of this resource (did you mean `status`?)",
        "8:18 resources.payment.events.noted.when: not an enum field of this resource",
        "9:39 resources.payment.events.failed.becomes: not a value of the field",
        "10:11 resources.payment.events.settled: the same transition as another event",
        "11:9 resources.payment.events.again: the same transition as another event",
        "12:8 resources.payment.events.half.becomes: a transition needs `becomes`",
        "13:47 resources.payment.events.odd.to: unknown key `to`",
    ];
    assert_eq!(e.len(), expected.len(), "{e:#?}");
    for (got, want) in e.iter().zip(expected) {
        assert!(
            got.starts_with(want),
            "{got}\n  does not start with\n{want}"
        );
    }
}

#[test]
fn jobs_have_defaults_and_listen_to_events_the_spec_emits() {
    let spec = valid(
        "[resources.payment.fields]\nstatus = { type = \"enum\", values = [\"pending\", \"succeeded\"] }\n\
         [resources.payment.events]\ncompleted = { when = \"status\", becomes = \"succeeded\" }\n\
         [jobs.send_receipt]\non = [\"payment.completed\"]\nmax_attempts = 8\ntimeout_secs = 5\n\
         [jobs.nightly_report]\n",
    );
    assert_eq!(
        spec.jobs,
        [
            Job {
                name: "send_receipt".into(),
                on: vec!["payment.completed".into()],
                max_attempts: 8,
                timeout_secs: 5,
            },
            Job {
                name: "nightly_report".into(),
                on: Vec::new(),
                max_attempts: Job::DEFAULT_MAX_ATTEMPTS,
                timeout_secs: Job::DEFAULT_TIMEOUT_SECS,
            },
        ]
    );
    assert!(valid(MINIMAL).jobs.is_empty());
}

#[test]
fn jobs_that_cannot_run_are_refused_with_what_would() {
    let e = errors(&format!(
        "{MINIMAL}[resources.post.events]\ncreated = true\n\
         [jobs.Notify]\n[jobs.type]\n[jobs.digest]\non = [\"post.craeted\", \"post.created\", \"post.created\"]\n\
         max_attempts = 0\ntimeout_secs = 7200\nretries = 3\n"
    ));
    let expected = [
        "5:7 jobs.Notify: a job name must be snake_case (use `notify`)",
        "6:7 jobs.type: `type` cannot name a job: it is a Rust keyword, and `src/jobs/handlers/mod.rs` declares the job's module by its name (use `type_job`)",
        "8:7 jobs.digest.on: no resource emits this event (did you mean `post.created`?)",
        "8:39 jobs.digest.on: this event is listed twice",
        "9:16 jobs.digest.max_attempts:",
        "10:16 jobs.digest.timeout_secs:",
        "11:1 jobs.digest.retries: unknown key `retries`",
    ];
    assert_eq!(e.len(), expected.len(), "{e:#?}");
    for (got, want) in e.iter().zip(expected) {
        assert!(
            got.starts_with(want),
            "{got}\n  does not start with\n{want}"
        );
    }
    let source = format!("{MINIMAL}[jobs.digest]\non = \"post.created\"\n");
    let report = parse("t.toml", &source).unwrap_err();
    let allowed = report.diagnostics[0].allowed.as_deref().unwrap_or_default();
    assert!(
        allowed.starts_with("an event a resource emits (none does"),
        "{allowed}"
    );
}

/// Issue 70: a job on an event its resource turns off (`updated = false`) could never run,
/// and was accepted; it is refused, saying how to turn the event on.
#[test]
fn a_job_on_an_event_turned_off_is_refused_with_how_to_turn_it_on() {
    let e = errors(&format!(
        "{MINIMAL}[resources.post.events]\ncreated = true\nupdated = false\n\
         [jobs.digest]\non = [\"post.updated\"]\n"
    ));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].starts_with("7:7 jobs.digest.on: no resource emits this event")
            && e[0].contains("`[resources.post.events]` says `updated = false`: set it to `true`"),
        "{e:#?}"
    );
}

#[test]
fn jobs_may_listen_to_other_services_events() {
    let spec = valid(&format!(
        "{MINIMAL}[resources.post.events]\ncreated = true\n\
         [jobs.notify]\non = [\"post.created\", \"billing.invoice.paid\", \"my-shop.order.created\"]\n\
         [jobs.audit]\non = [\"billing.invoice.paid\"]\n"
    ));
    let heard: Vec<(&str, &str)> = spec.jobs[0]
        .heard()
        .map(|h| (h.source, h.event_type))
        .collect();
    assert_eq!(
        heard,
        [("billing", "invoice.paid"), ("my-shop", "order.created")]
    );
    let sources = spec.heard();
    assert_eq!(
        sources.into_iter().collect::<Vec<_>>(),
        [
            (
                "billing",
                std::collections::BTreeSet::from(["invoice.paid".to_owned()])
            ),
            (
                "my-shop",
                std::collections::BTreeSet::from(["order.created".to_owned()])
            ),
        ]
    );
    assert!(valid(MINIMAL).heard().is_empty());

    // Three parts that are no service's event, and two parts no resource emits.
    let e = errors(&format!(
        "{MINIMAL}[jobs.notify]\non = [\"Billing.invoice.paid\", \"billing.invoice.\", \"invoice.paid\"]\n"
    ));
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(e[0].contains("not an event of another service"), "{}", e[0]);
    assert!(e[1].contains("not an event of another service"), "{}", e[1]);
    assert!(e[2].contains("no resource emits this event"), "{}", e[2]);
    let source = format!("{MINIMAL}[jobs.notify]\non = [\"billing.Invoice.paid\"]\n");
    let report = parse("t.toml", &source).unwrap_err();
    let d = &report.diagnostics[0];
    assert!(
        d.allowed
            .as_deref()
            .unwrap_or_default()
            .starts_with("`SERVICE.RESOURCE.EVENT`"),
        "{d:?}"
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or_default()
            .contains("billing.invoice.paid"),
        "{d:?}"
    );
}

#[test]
fn registration_and_verified_email_default_to_open_and_optional() {
    let spec = valid(&format!("[auth]\nmode = \"jwt\"\n{MINIMAL}"));
    assert_eq!(spec.auth.registration, Registration::Open);
    assert!(!spec.auth.require_verified_email);
    assert!(spec.has_job_queue(), "the account mail is a job");
    let spec = valid(&format!(
        "[auth]\nmode = \"jwt\"\nregistration = \"quiet\"\nrequire_verified_email = true\n{MINIMAL}"
    ));
    assert_eq!(spec.auth.registration, Registration::Quiet);
    assert!(spec.auth.require_verified_email);
}

/// `personal_email = true` makes the accounts' email a personal field: sealed, unique and
/// filtered through its blind index, never a sort. It is about the accounts, so it needs
/// jwt and accounts of the service's own.
#[test]
fn personal_email_makes_the_accounts_email_personal_and_needs_own_accounts() {
    let email = |spec: &Spec| {
        let account = spec
            .resources
            .iter()
            .find(|r| spec.is_account(r))
            .expect("accounts");
        account.fields[0].clone()
    };
    let plain = valid(&format!("[auth]\nmode = \"jwt\"\n{MINIMAL}"));
    let f = email(&plain);
    assert!(!f.personal && f.list.sort && f.blind_index().is_none());
    let spec = valid(&format!(
        "[auth]\nmode = \"jwt\"\npersonal_email = true\n{MINIMAL}"
    ));
    let f = email(&spec);
    assert_eq!(f.names.snake, "email");
    assert!(f.personal && f.unique && f.list.filter && !f.list.sort);
    assert_eq!(f.blind_index().as_deref(), Some("email_hmac"));
    let account = spec
        .resources
        .iter()
        .find(|r| spec.is_account(r))
        .expect("accounts");
    assert!(spec.is_personal_account_email(account, &f));
    assert!(spec.has_personal());

    let d = only_error(&format!("[auth]\npersonal_email = true\n{MINIMAL}"));
    assert_eq!(d.key, "auth.personal_email");
    assert!(d.message.contains("needs `mode = \"jwt\"`"), "{d:?}");
    let d = only_error(&format!(
        "[auth]\nmode = \"jwt\"\naccounts = \"accounts\"\npersonal_email = true\n{MINIMAL}"
    ));
    assert_eq!(d.key, "auth.personal_email");
    assert!(d.message.contains("about signing in"), "{d:?}");
    let d = only_error(&format!(
        "[auth]\nmode = \"jwt\"\npersonal_email = \"yes\"\n{MINIMAL}"
    ));
    assert_eq!(d.key, "auth.personal_email");
}

#[test]
fn a_bad_registration_lists_the_allowed_values_and_account_mail_is_reserved() {
    let source = format!("[auth]\nmode = \"jwt\"\nregistration = \"silent\"\n{MINIMAL}");
    let report = parse("t.toml", &source).unwrap_err();
    let d = &report.diagnostics[0];
    assert_eq!(report.line_col(d.span.start), (3, 16));
    assert_eq!(d.allowed.as_deref(), Some("open, quiet"));
    let e = errors(&format!(
        "{MINIMAL}[auth]\nmode = \"jwt\"\nrequire_verified_email = \"yes\"\n[jobs.account_mail]\n"
    ));
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].starts_with("5:26 auth.require_verified_email:"),
        "{}",
        e[0]
    );
    assert!(
        e[1].starts_with("6:7 jobs.account_mail: the service's own jobs"),
        "{}",
        e[1]
    );
}

#[test]
fn verified_is_a_rule_for_actions_and_fields_and_no_role() {
    let spec = valid(
        "[auth]\nmode = \"jwt\"\n\
         [resources.post]\naccess = { list = \"public\", create = \"verified\", update = [\"verified\", \"owner\"] }\n\
         owner = \"author\"\nbelongs_to = { author = { resource = \"user\" } }\n\
         [resources.post.fields]\ntitle = { type = \"string\" }\n\
         draft = { type = \"string\", required = false, read = \"verified\" }\n",
    );
    let post = spec.resource("post").expect("post");
    assert_eq!(post.access.create, vec![Rule::Verified]);
    assert_eq!(post.rules().filter(|r| **r == Rule::Verified).count(), 3);
    let auth = &spec.auth;
    assert_eq!(
        auth.who_passes(&post.access.update),
        "signed-in callers whose email is verified or the row's owner or callers with the role admin"
    );
    let member = |verified| Signed {
        roles: vec!["member"],
        verified,
    };
    assert!(auth.passes(&post.access.create, Some(&member(true)), false));
    assert!(!auth.passes(&post.access.create, Some(&member(false)), false));
    assert!(!auth.passes(&post.access.create, None, false));
    let admin = Signed {
        roles: vec!["admin"],
        verified: false,
    };
    assert!(auth.passes(&post.access.create, Some(&admin), false));
    // A registrant's email is not verified yet.
    assert!(!auth.passes(&[Rule::Verified], Some(&auth.registrant()), true));

    let e = errors(&format!(
        "[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"member\", \"verified\"]\n{MINIMAL}"
    ));
    assert!(
        e[0].starts_with("3:29 auth.roles: this word is an access rule, not a role"),
        "{e:#?}"
    );
    let e = errors(&format!(
        "[resources.post]\naccess = {{ create = \"verified\" }}\n{MINIMAL}"
    ));
    assert!(
        e[0].contains("with auth mode \"none\" every action is public"),
        "{e:#?}"
    );
}

/// Accounts are not counted: a unique account field of few values would turn sign-ups away,
/// so it is refused on `user` with jwt (and only there).
#[test]
fn a_unique_account_field_leaves_room_for_every_account() {
    let account = |f: &str| {
        format!("[auth]\nmode = \"jwt\"\n[resources.user.fields]\nbadge = {f}\n{MINIMAL}")
    };
    let e = errors(&account("{ type = \"boolean\", unique = true }"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("resources.user.fields.badge.unique: a unique field of the accounts must leave room for every account"),
        "{e:?}"
    );
    assert!(e[0].contains("account 2 + 1 could not sign up"), "{e:?}");
    valid(&account(
        "{ type = \"integer\", min = 1, max = 12, unique = true }",
    ));
    valid(&account("{ type = \"boolean\" }"));
    // Without jwt, `user` is a resource like any other.
    valid("[resources.user.fields]\nbadge = { type = \"boolean\", unique = true }\n");
}

#[test]
fn resources_may_not_take_the_services_own_api_routes() {
    // The job queue's admin routes (jwt), and the webhooks' (jwt and events).
    let e =
        errors("[auth]\nmode = \"jwt\"\n[resources.job.fields]\ntitle = { type = \"string\" }\n");
    assert_eq!(
        e,
        [
            "3:12 resources.job: two routes have the same method and path (set `plural` on `job`, e.g. `plural = \"job_items\"`, or rename `job`: the service mounts GET /v1/jobs itself)"
        ]
    );
    let hooks = "[auth]\nmode = \"jwt\"\n[resources.hook]\nplural = \"webhooks\"\n[resources.hook.events]\ncreated = true\n[resources.hook.fields]\ntitle = { type = \"string\" }\n";
    let e = errors(hooks);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("4:10 resources.hook.plural: two routes have the same method and path (change `plural` on `hook`"),
        "{e:?}"
    );
    // Without events there are no webhook routes, and without jwt no admin routes.
    valid(&hooks.replace("created = true", "created = false"));
    valid("[resources.job.fields]\ntitle = { type = \"string\" }\n");
    // Every route the service lists is in the check, so none is listed twice.
    let spec = valid(
        "[auth]\nmode = \"jwt\"\n[resources.job]\nplural = \"tasks\"\n[resources.job.events]\ncreated = true\n[resources.job.fields]\ntitle = { type = \"string\" }\n",
    );
    let mut routes: Vec<String> = spec
        .resources
        .iter()
        .flat_map(|r| super::routes::resource_routes(&spec, r))
        .chain(super::routes::own_api_routes(&spec))
        .chain(super::routes::service_routes())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let all = routes.len();
    routes.sort();
    routes.dedup();
    assert_eq!(routes.len(), all);
}

#[test]
fn resources_are_named_in_the_singular() {
    for (plural, singular) in [
        ("books", "book"),
        ("prescriptions", "prescription"),
        ("order_items", "order_item"),
        ("people", "person"),
    ] {
        let e = errors(&format!(
            "[resources.{plural}.fields]\ntitle = {{ type = \"string\" }}\n"
        ));
        assert_eq!(
            e,
            [format!(
                "1:12 resources.{plural}: a resource is named in the singular (did you mean `{singular}`? Its table and routes stay `{plural}` (so a generated project keeps its rows); if `{plural}` names one thing, set `plural`)"
            )]
        );
    }
    for singular in ["book", "status", "address", "news", "series"] {
        valid(&format!(
            "[resources.{singular}.fields]\ntitle = {{ type = \"string\" }}\n"
        ));
    }
    // A name that is one thing although it reads as a plural keeps it with a `plural`.
    valid(
        "[resources.data]\nplural = \"data_sets\"\n[resources.data.fields]\ntitle = { type = \"string\" }\n",
    );
}

#[test]
fn jobs_may_not_take_the_names_resource_modules_may_not_take() {
    // `pub mod std;` in src/jobs/handlers/mod.rs hides std there (E0432), and a crate's or
    // an imported module's name does the same to it.
    for name in [
        "std", "core", "alloc", "serde", "tokio", "sqlx", "axum", "tracing", "mail", "webhooks",
        "fn", "mod", "self",
    ] {
        let e = errors(&format!("{MINIMAL}[jobs.{name}]\n"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(&format!(
                "3:7 jobs.{name}: `{name}` cannot name a job: it is "
            )),
            "{e:?}"
        );
        assert!(e[0].ends_with(&format!("(use `{name}_job`)")), "{e:?}");
        // A resource module with the name is renamed instead (`std_resource`).
        assert!(crate::names::reserved_module(name).is_some(), "{name}");
    }
    valid(&format!("{MINIMAL}[jobs.send_digest]\n[jobs.std_job]\n"));
}

#[test]
fn renamed_from_follows_the_rules_of_names_and_continues_one_name_once() {
    let long = "a".repeat(31);
    let d = only_error(&format!(
        "[resources.post.fields]\nheadline = {{ type = \"string\", renamed_from = \"{long}\" }}\n"
    ));
    assert_eq!(
        d.message,
        "`renamed_from` is no field name: a field name can have at most 30 characters"
    );
    let d = only_error(&format!(
        "[resources.post]\nrenamed_from = \"{long}\"\n[resources.post.fields]\ntitle = {{ type = \"string\" }}\n"
    ));
    assert_eq!(
        d.message,
        "`renamed_from` is no resource name: a resource name can have at most 30 characters"
    );
    let d = only_error(
        "[resources.post.fields]\nheadline = { type = \"string\", renamed_from = \"headline\" }\n",
    );
    assert_eq!(d.message, "`renamed_from` names the field itself");
    let d = only_error(
        "[resources.post.fields]\nheadline = { type = \"string\", renamed_from = \"Title\" }\n",
    );
    assert_eq!(
        d.message,
        "`renamed_from` is no field name: a field name must be snake_case"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("name the field's earlier name, e.g. `title`")
    );

    let e = errors(
        "[resources.post.fields]\nheadline = { type = \"string\", renamed_from = \"title\" }\n\
         subject = { type = \"string\", renamed_from = \"title\" }\n",
    );
    assert_eq!(
        e,
        [
            "3:45 resources.post.fields.subject.renamed_from: two fields are `renamed_from` `title` (only one field continues `title`: remove `renamed_from` from the other, which is then a new field)"
        ]
    );
    let e = errors(
        "[resources.writer]\nrenamed_from = \"author\"\n[resources.writer.fields]\nname = { type = \"string\" }\n\
         [resources.poet]\nrenamed_from = \"author\"\n[resources.poet.fields]\nname = { type = \"string\" }\n",
    );
    assert_eq!(
        e,
        [
            "6:16 resources.poet.renamed_from: two resources are `renamed_from` `author` (only one resource continues `author`: remove `renamed_from` from the other, which is then a new resource)"
        ]
    );
    // One earlier name each, in two resources, is fine.
    valid(
        "[resources.post.fields]\nheadline = { type = \"string\", renamed_from = \"title\" }\n\
         [resources.page.fields]\nheadline = { type = \"string\", renamed_from = \"title\" }\n",
    );
}

#[test]
fn a_unique_field_no_request_writes_cannot_have_a_default() {
    let d = only_error(&order_with(
        "code = { type = \"string\", unique = true, default = \"none\", write = \"none\" }\n",
    ));
    assert_eq!(d.key, "resources.order.fields.code.unique");
    assert_eq!(
        d.message,
        "a unique field that no request may write can hold one value only"
    );
    assert!(
        d.help
            .unwrap()
            .contains("a second row would be refused (409)")
    );
    // Written by requests, without a default, or not unique: more than one value.
    for ok in [
        "code = { type = \"string\", unique = true, default = \"x\", write = \"create\" }\n",
        "code = { type = \"string\", unique = true, required = false, write = \"none\" }\n",
        "code = { type = \"string\", default = \"x\", write = \"none\" }\n",
    ] {
        valid(&order_with(ok));
    }
}

#[test]
fn auth_keys_need_the_jwt_mode() {
    let keys = "roles = [\"admin\", \"staff\"]\nadmin_role = \"admin\"\ndefault_role = \"staff\"\n\
                access_token_minutes = 5\nrefresh_token_days = 2\npassword_min_length = 10\n\
                registration = \"quiet\"\nrequire_verified_email = true\n";
    for mode in ["", "mode = \"none\"\n"] {
        let e = errors(&format!("[auth]\n{mode}{keys}{MINIMAL}"));
        assert_eq!(e.len(), 8, "{e:#?}");
        let names = keys.lines().filter_map(|l| l.split(" = ").next());
        for (line, key) in e.iter().zip(names) {
            assert!(
                line.contains(&format!(
                    " auth.{key}: `{key}` needs `mode = \"jwt\"` (set `mode = \"jwt\"` in `[auth]`"
                )),
                "{line}"
            );
        }
    }
    valid(&format!("[auth]\nmode = \"jwt\"\n{keys}{MINIMAL}"));
    valid(&format!("[auth]\nmode = \"none\"\n{MINIMAL}"));
    // A mode that is no mode is the one mistake.
    assert_eq!(
        errors(&format!(
            "[auth]\nmode = \"jtw\"\nroles = [\"admin\"]\n{MINIMAL}"
        ))
        .len(),
        1
    );
}

#[test]
fn messages_say_what_to_write() {
    // `owner_set_by` on the accounts: no advice to add the `owner` that `user` refuses.
    let e = errors(&format!(
        "{SHOP_AUTH}[resources.user]\nowner_set_by = [\"staff\"]\n[resources.user.fields]\nnick = {{ type = \"string\" }}\n"
    ));
    assert_eq!(
        e,
        [
            "6:16 resources.user.owner_set_by: an account is its own owner: no body names it (remove `owner_set_by` from `user`: the `owner` rule on `user` means the account itself, and admins already pass every rule)"
        ]
    );
    // A transition written as a lifecycle event: its form, with the resource's own enum.
    let d = only_error(
        "[resources.order.fields]\nstatus = { type = \"enum\", values = [\"new\", \"shipped\"] }\n\
         [resources.order.events]\nshipped = true\n",
    );
    assert_eq!(d.key, "resources.order.events.shipped");
    assert_eq!(d.message, "a transition event needs `{ when, becomes }`");
    assert_eq!(
        d.help.as_deref(),
        Some(
            "only created, updated, deleted take `true`: they are emitted by every such write; write `shipped = { when = \"status\", becomes = \"shipped\" }`"
        )
    );
    // An empty step in an owner path.
    let e = errors(&item_owned("\"order..customer\"", None));
    assert_eq!(
        e,
        ["11:9 resources.item.owner: the owner path has an empty step (write `order.customer`)"]
    );
}

#[test]
fn a_jobs_unknown_event_is_reported_whatever_else_its_resource_gets_wrong() {
    let e = errors(
        "[resources.order.fields]\nstatus = { type = \"enum\", values = [\"new\", \"shipped\"] }\n\
         note = { type = \"string\", max_length = 0 }\n\
         [resources.order.events]\ncreated = true\nshipped = true\n\
         [jobs.notify]\non = [\"order.created\", \"order.craeted\", \"order.shiped\", \"order.shipped\"]\n",
    );
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(e[0].contains("fields.note.max_length"), "{e:?}");
    assert!(e[1].contains("events.shipped"), "{e:?}");
    // `order.shipped` is declared, and its declaration is the mistake: not reported again.
    assert!(
        e[2].ends_with(
            "jobs.notify.on: no resource emits this event (did you mean `order.created`?)"
        ),
        "{e:?}"
    );
    assert!(
        e[3].ends_with(
            "jobs.notify.on: no resource emits this event (did you mean `order.shipped`?)"
        ),
        "{e:?}"
    );
}

#[test]
fn a_spec_already_applied_is_read_without_the_refusals_added_since() {
    // What earlier versions accepted, and a project may have been generated from: `update`
    // reads it as its starting point, and the team cannot change what was applied.
    let applied = [
        "[auth]\nroles = [\"admin\", \"staff\"]\n[resources.books.fields]\ntitle = { type = \"string\" }\n[jobs.std]\n",
        &format!(
            "[auth]\nmode = \"jwt\"\n[resources.job.fields]\n\
             code = {{ type = \"string\", unique = true, default = \"x\", write = \"none\" }}\n\
             a = {{ type = \"string\", renamed_from = \"{}\" }}\n\
             b = {{ type = \"string\", renamed_from = \"old\" }}\nc = {{ type = \"string\", renamed_from = \"old\" }}\n",
            "x".repeat(31)
        ),
    ];
    for source in applied {
        assert!(parse("t.toml", source).is_err(), "{source}");
        let spec = parse_applied("t.toml", source).unwrap_or_else(|r| panic!("{r}"));
        assert!(!spec.resources.is_empty());
    }
    // What was refused before stays refused.
    assert!(
        parse_applied(
            "t.toml",
            "[resources.post.fields]\nx = { type = \"nope\" }\n"
        )
        .is_err()
    );
    assert!(parse_applied("t.toml", &format!("{MINIMAL}[jobs.type]\n")).is_err());
}

const LISTED: &str = r#"
[resources.user.fields]
email = { type = "string", unique = true }

[resources.order]
belongs_to = { customer = { resource = "user", filter = false }, user = { required = false, sort = false } }

[resources.order.fields]
status = { type = "enum", values = ["open", "paid"] }
total = { type = "decimal", sort = true }
note = { type = "string" }
extra = { type = "json", required = false }
"#;

#[test]
fn lists_filter_and_sort_by_ids_unique_fields_relations_and_enums_unless_told() {
    let spec = valid(LISTED);
    let order = spec.resource("order").unwrap();
    let uses: Vec<(&str, ListUse)> = order
        .fields
        .iter()
        .map(|f| (f.names.snake.as_str(), f.list))
        .chain(
            order
                .belongs_to
                .iter()
                .map(|b| (b.names.snake.as_str(), b.list)),
        )
        .collect();
    let both = ListUse::BOTH;
    let sort_only = ListUse {
        filter: false,
        sort: true,
    };
    let filter_only = ListUse {
        filter: true,
        sort: false,
    };
    assert_eq!(
        uses,
        [
            ("status", both),
            ("total", sort_only),
            ("note", ListUse::default()),
            ("extra", ListUse::default()),
            ("customer", sort_only),
            ("user", filter_only),
        ]
    );
    assert_eq!(spec.resource("user").unwrap().fields[0].list, both);
}

#[test]
fn json_fields_cannot_be_filtered_or_sorted() {
    let source = LISTED.replace(
        r#"extra = { type = "json", required = false }"#,
        r#"extra = { type = "json", required = false, filter = true, sort = false }"#,
    );
    assert_eq!(
        errors(&source),
        [
            "12:53 resources.order.fields.extra.filter: lists cannot filter by a json field (remove `filter`: json has no order; a field of another type can be filtered and sorted)"
        ]
    );
}

#[test]
fn text_fields_filter_and_sort_when_told_and_not_by_default() {
    let source = LISTED.replace(
        r#"note = { type = "string" }"#,
        "note = { type = \"text\", filter = true, sort = true }\n\
         body = { type = \"text\", unique = true }\n\
         summary = { type = \"text\", sort = true }",
    );
    let spec = valid(&source);
    let order = spec.resource("order").unwrap();
    let list = |name: &str| {
        order
            .fields
            .iter()
            .find(|f| f.names.snake == name)
            .unwrap()
            .list
    };
    assert_eq!(list("note"), ListUse::BOTH);
    // Even unique, a text sorts only by its first characters: the team opts in.
    assert_eq!(list("body"), ListUse::default());
    assert_eq!(
        list("summary"),
        ListUse {
            filter: false,
            sort: true
        }
    );
    let combined = source.replace(
        "[resources.order.fields]",
        "list_combinations = [{ filter = [\"note\"], sort = \"summary\" }]\n\n[resources.order.fields]",
    );
    assert_eq!(
        valid(&combined)
            .resource("order")
            .unwrap()
            .list_combinations
            .len(),
        1
    );
}

#[test]
fn list_combinations_name_fields_and_relations() {
    let source = LISTED.replace(
        "[resources.order.fields]",
        "list_combinations = [{ filter = [\"status\", \"customer\"] }, { filter = [\"status\"], sort = \"total\" }]\n\n[resources.order.fields]",
    );
    let spec = valid(&source);
    let order = spec.resource("order").unwrap();
    assert_eq!(
        order.list_combinations,
        [
            ListCombination {
                filter: vec!["status".into(), "customer".into()],
                sort: "created_at".into(),
            },
            ListCombination {
                filter: vec!["status".into()],
                sort: "total".into(),
            },
        ]
    );

    // A filter alone with the default sort, as the service serves it: `total` only sorts,
    // but a combination of it alone with the default sort filters on it too.
    let paths = crate::spec::list_paths::list_paths(order);
    assert!(paths.filters_alone("status") && paths.filters_alone("customerId"));
    assert!(!paths.filters_alone("total"));
    let alone = LISTED.replace(
        "[resources.order.fields]",
        "list_combinations = [{ filter = [\"total\"] }]\n\n[resources.order.fields]",
    );
    let spec = valid(&alone);
    let paths = crate::spec::list_paths::list_paths(spec.resource("order").unwrap());
    assert!(paths.filters_alone("total"));

    let bad = LISTED.replace(
        "[resources.order.fields]",
        "list_combinations = [{ filter = [\"staus\", \"extra\"], sort = \"totl\" }, { filter = [] }, { sort = \"id\" }, { filter = \"status\" }, { filter = \"status\", sort = \"created_at\" }]\n\n[resources.order.fields]",
    );
    let report = parse("t.toml", &bad).expect_err("spec should be invalid");
    let got: Vec<(String, String, Option<String>, Option<String>)> = report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.key.clone(),
                d.message.clone(),
                d.found.clone(),
                d.allowed.clone(),
            )
        })
        .collect();
    let columns = "customer, user, status, total, note";
    let sorts = format!("id, created_at, updated_at, {columns}");
    let unknown = "not a field or relation lists can use".to_string();
    assert_eq!(
        got,
        [
            (
                "resources.order.list_combinations[0].filter".into(),
                unknown.clone(),
                Some("\"staus\"".into()),
                Some(columns.into()),
            ),
            (
                "resources.order.list_combinations[0].filter".into(),
                unknown.clone(),
                Some("\"extra\"".into()),
                Some(columns.into()),
            ),
            (
                "resources.order.list_combinations[0].sort".into(),
                unknown,
                Some("\"totl\"".into()),
                Some(sorts),
            ),
            (
                "resources.order.list_combinations[1].filter".into(),
                "a combination filters on at least one name".into(),
                None,
                Some(columns.into()),
            ),
            (
                "resources.order.list_combinations[2].filter".into(),
                "a combination needs `filter`".into(),
                None,
                Some(columns.into()),
            ),
            (
                "resources.order.list_combinations[4]".into(),
                "this combination is declared twice".into(),
                None,
                None,
            ),
        ]
    );
}

/// Every string a client writes has a maximum length: the spec's, else the contract's
/// default; other types have none.
#[test]
fn textual_fields_are_bounded_by_default() {
    let spec = valid(
        "[resources.post.fields]\ntitle = { type = \"string\" }\nbody = { type = \"text\" }\n\
         short = { type = \"string\", max_length = 80 }\nviews = { type = \"integer\" }\n",
    );
    let bounds: Vec<Option<u32>> = spec.resources[0]
        .fields
        .iter()
        .map(Field::max_length)
        .collect();
    assert_eq!(bounds, [Some(10_000), Some(10_000), Some(80), None]);
}

/// A minimum past the default maximum, or a default value longer than it, could never be
/// written: refused, saying how to lift the bound.
#[test]
fn a_textual_field_that_outgrows_the_default_maximum_is_refused() {
    let e = errors("[resources.post.fields]\nbody = { type = \"text\", min_length = 10001 }\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("min_length is greater than the default maximum length (set a max_length of at least 10001)"),
        "{e:?}"
    );
    let long = "x".repeat(10_001);
    let e = errors(&format!(
        "[resources.post.fields]\nbody = {{ type = \"text\", default = \"{long}\" }}\n"
    ));
    assert!(
        e[0].contains("longer than the default maximum length 10000"),
        "{e:?}"
    );
    valid(&format!(
        "[resources.post.fields]\nbody = {{ type = \"text\", max_length = 20000, default = \"{long}\" }}\n"
    ));
}

/// A url field's default is stated in the OpenAPI document as a `uri`: characters RFC 3986
/// wants percent-encoded are refused, saying so.
#[test]
fn a_url_default_must_be_a_uri() {
    let e = errors(
        "[resources.post.fields]\nlink = { type = \"string\", format = \"url\", default = \"https://example.com/a?b=\\\"c\\\"\" }\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("percent-encoded"), "{e:?}");
    valid(
        "[resources.post.fields]\nlink = { type = \"string\", format = \"url\", default = \"https://example.com/a?b=%22c%22\" }\n",
    );
}

/// `public_url` is the document's server: an https URL, written as a URI, without a
/// trailing `/`; anything else is refused, saying what would do.
#[test]
fn a_public_url_is_an_https_url() {
    let spec = valid(&format!(
        "[project]\npublic_url = \"https://api.example.com/shop\"\n{MINIMAL}"
    ));
    assert_eq!(
        spec.project.public_url.as_deref(),
        Some("https://api.example.com/shop")
    );
    for bad in [
        "http://api.example.com",
        "https://",
        "https://api.example.com/",
        "https://api example.com",
        "api.example.com",
    ] {
        let e = errors(&format!("[project]\npublic_url = \"{bad}\"\n{MINIMAL}"));
        assert_eq!(e.len(), 1, "{bad}: {e:?}");
        assert!(
            e[0].contains("project.public_url: invalid public URL"),
            "{e:?}"
        );
    }
}

#[test]
fn uuid_fields_may_hold_other_services_ids() {
    let spec = valid(&format!(
        "{MINIMAL}shipment_id = {{ type = \"uuid\", required = false, references = \"warehouse.shipment\" }}\n\
         supplier = {{ type = \"uuid\", references = \"my-shop.order_item\" }}\n"
    ));
    let references: Vec<_> = spec.resources[0]
        .fields
        .iter()
        .map(|f| f.references.clone())
        .collect();
    assert_eq!(
        references,
        [
            None,
            Some(Reference {
                service: "warehouse".into(),
                resource: "shipment".into()
            }),
            Some(Reference {
                service: "my-shop".into(),
                resource: "order_item".into()
            }),
        ]
    );
    assert_eq!(
        spec.referenced_services().into_iter().collect::<Vec<_>>(),
        ["my-shop", "warehouse"]
    );
    assert_eq!(Reference::url_variable("my-shop"), "SERVICE_URL_MY_SHOP");
    assert!(valid(MINIMAL).referenced_services().is_empty());

    // Only on uuid fields; a spec's own resource is a relation; no default.
    let d = only_error(&format!(
        "{MINIMAL}code = {{ type = \"string\", references = \"warehouse.shipment\" }}\n"
    ));
    assert_eq!(d.key, "resources.post.fields.code.references");
    assert!(
        d.message.contains("does not apply to string fields"),
        "{d:?}"
    );
    assert!(
        d.allowed.as_deref().is_some_and(|a| a.contains("uuid")),
        "{d:?}"
    );
    for bad in [
        "shipment",
        "warehouse.Shipment",
        "warehouse.shipment.x",
        "Warehouse.shipment",
    ] {
        let d = only_error(&format!(
            "{MINIMAL}shipment_id = {{ type = \"uuid\", references = \"{bad}\" }}\n"
        ));
        assert_eq!(d.message, "not a resource of another service", "{bad}");
        assert!(
            d.help.as_deref().is_some_and(|h| h.contains("belongs_to")),
            "{d:?}"
        );
    }
}

#[test]
fn accounts_of_another_service_sign_in_there_and_are_asked_about_here() {
    let jwt = "[auth]\nmode = \"jwt\"\naccounts = \"accounts\"\nroles = [\"admin\", \"member\", \"staff\"]\n";
    let spec = valid(&format!("{jwt}{MINIMAL}"));
    assert_eq!(spec.auth.accounts.as_deref(), Some("accounts"));
    assert!(!spec.has_accounts());
    // No account resource of its own, and the accounts service is one it calls.
    assert_eq!(spec.resources.len(), 1);
    assert!(spec.resources.iter().all(|r| !spec.is_account(r)));
    assert_eq!(
        spec.referenced_services().into_iter().collect::<Vec<_>>(),
        ["accounts"]
    );
    // Rules by role and by sign-in work as with accounts here.
    let staff = format!(
        "{jwt}[resources.post]\naccess = {{ create = \"staff\", read = \"verified\" }}\n{MINIMAL}"
    );
    assert_eq!(
        valid(&staff).resources[0].access.create,
        [Rule::Role("staff".into())]
    );

    // Signing in is the other service's: its keys are refused here, each named.
    let e = errors(&format!(
        "{jwt}registration = \"quiet\"\npassword_min_length = 12\n{MINIMAL}"
    ));
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].contains("auth.registration") && e[0].contains("which \"accounts\" does"),
        "{e:?}"
    );
    assert!(e[1].contains("auth.password_min_length"), "{e:?}");

    // No resource named `user`; a relation to one only as the owner, with no `on_delete`.
    let d = only_error(&format!(
        "{jwt}[resources.user.fields]\nname = {{ type = \"string\" }}\n"
    ));
    assert_eq!(d.key, "resources.user");
    assert!(
        d.message
            .contains("the accounts are the service \"accounts\"'s"),
        "{d:?}"
    );
    let d = only_error(&format!(
        "{jwt}[resources.post]\nbelongs_to = {{ author = {{ resource = \"user\" }} }}\n{MINIMAL}"
    ));
    assert_eq!(d.key, "resources.post.belongs_to.author");
    assert_eq!(
        d.message,
        "a relation to another service's accounts is only an owner's"
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("owner = \"author\"")
                && h.contains("references = \"accounts.user\"")),
        "{d:?}"
    );
    let owned = format!(
        "{jwt}[resources.post]\nowner = \"author\"\nbelongs_to = {{ author = {{ resource = \"user\" }} }}\n\
         access = {{ read = \"owner\", list = \"owner\" }}\n\
         [resources.post.fields]\ntitle = {{ type = \"string\" }}\n\
         [resources.line]\nowner = \"post.author\"\nbelongs_to = {{ post = {{}} }}\n\
         [resources.line.fields]\ntext = {{ type = \"string\" }}\n"
    );
    let spec = valid(&owned);
    let post = &spec.resources[0];
    assert!(post.is_owner(&post.belongs_to[0]) && spec.is_remote(&post.belongs_to[0]));
    assert!(!spec.is_remote(&spec.resources[1].belongs_to[0]));
    // No table of accounts here: posts come first, and no foreign key is theirs.
    let order: Vec<&str> = spec
        .creation_order()
        .iter()
        .map(|r| r.names.snake.as_str())
        .collect();
    assert_eq!(order, ["post", "line"]);
    let d = only_error(&owned.replace(
        "{ resource = \"user\" }",
        "{ resource = \"user\", on_delete = \"cascade\" }",
    ));
    assert_eq!(d.key, "resources.post.belongs_to.author.on_delete");
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("remove `on_delete`")),
        "{d:?}"
    );

    // A service's name, and jwt only.
    let d = only_error(&format!(
        "[auth]\nmode = \"jwt\"\naccounts = \"Accounts!\"\n{MINIMAL}"
    ));
    assert_eq!(d.key, "auth.accounts");
    let d = only_error(&format!("[auth]\naccounts = \"accounts\"\n{MINIMAL}"));
    assert!(d.message.contains("needs `mode = \"jwt\"`"), "{d:?}");
}

/// The split of one spec into services: `[services.NAME]`.
const SPLIT: &str = "[auth]\nmode = \"jwt\"\n\
[services.accounts]\nresources = [\"user\"]\n\
[services.shop]\ndescription = \"Orders.\"\nresources = [\"order\", \"post\"]\n\
[resources.post.fields]\ntitle = { type = \"string\" }\n\
[resources.order]\nbelongs_to = { customer = { resource = \"user\" } }\nevents = { created = true }\n\
[resources.order.fields]\nqty = { type = \"integer\" }\n";

#[test]
fn services_group_every_resource_and_job_of_a_split_spec() {
    let spec = valid(&format!(
        "{SPLIT}[jobs.note_order]\non = [\"order.created\"]\n"
    ));
    let names: Vec<&str> = spec.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["accounts", "shop"]);
    // In the order the resources are declared, whatever order the list gives.
    assert_eq!(spec.services[1].resources, ["post", "order"]);
    assert_eq!(spec.services[1].description.as_deref(), Some("Orders."));
    // A job no service lists goes to the one whose events it hears.
    assert_eq!(spec.services[1].jobs, ["note_order"]);
    assert_eq!(
        spec.accounts_service().map(|s| s.name.as_str()),
        Some("accounts")
    );
    assert_eq!(
        spec.service_of("order").map(|s| s.name.as_str()),
        Some("shop")
    );
    assert!(valid(MINIMAL).services.is_empty());
}

/// A service takes a folder and a package of its own: not the gateway's or the build's
/// folder, and not the name of a crate the lock already holds (two packages of one name,
/// which the pinned lock does not spell as cargo would).
#[test]
fn a_service_name_leaves_room_for_the_gateway_the_build_and_the_locked_crates() {
    for (name, expected) in [
        ("gateway", "a folder the split has already"),
        ("target", "a folder the split has already"),
        ("httparse", "a crate the generated code builds with"),
        ("tokio-util", "a crate the generated code builds with"),
    ] {
        let e = errors(&SPLIT.replace("[services.shop]", &format!("[services.{name}]")));
        assert!(
            e.iter()
                .any(|e| e.contains(expected) && e.contains("services.")),
            "{name}: {e:?}"
        );
    }
    // A project alone, too: `backend-gen new httparse`.
    assert!(crate::spec::check_crate_name("httparse").is_err());
    assert!(crate::spec::check_crate_name("hyper-shop").is_ok());
}

#[test]
fn a_split_refuses_what_cannot_cross_a_boundary_yet() {
    let one = |extra: &str| errors(&format!("{SPLIT}{extra}"));
    // Every resource in exactly one service, and only resources of the spec.
    let e = errors(&SPLIT.replace("[\"user\"]", "[]"));
    assert!(
        e.iter()
            .any(|e| e.contains("every resource is in a service") && e.contains("add \"user\"")),
        "{e:?}"
    );
    let e = errors(&SPLIT.replace("[\"user\"]", "[\"user\", \"post\"]"));
    assert!(
        e.iter()
            .any(|e| e.contains("a resource is in one service only")),
        "{e:?}"
    );
    let e = errors(&SPLIT.replace("[\"user\"]", "[\"user\", \"pots\"]"));
    assert!(
        e.iter()
            .any(|e| e.contains("unknown resource") && e.contains("did you mean \"post\"")),
        "{e:?}"
    );
    // The split names the accounts service itself.
    let e = errors(&SPLIT.replace(
        "mode = \"jwt\"\n",
        "mode = \"jwt\"\naccounts = \"elsewhere\"\n",
    ));
    assert!(
        e.iter()
            .any(|e| e.contains("names its accounts service itself")),
        "{e:?}"
    );
    // No many-to-many across services, no owners away from the accounts.
    let e = errors(
        &SPLIT
            .replace("resources = [\"user\"]", "resources = [\"user\", \"post\"]")
            .replace("\"order\", \"post\"", "\"order\"")
            .replace(
                "[resources.post.fields]",
                "[resources.post]\nmany_to_many = [\"order\"]\n[resources.post.fields]",
            ),
    );
    assert!(
        e.iter()
            .any(|e| e.contains("a many-to-many cannot join two services")),
        "{e:?}"
    );
    // An owner in another service than the accounts is the owner relation to them, and an
    // owner through parents stays in one service up to it.
    valid(&SPLIT.replace(
        "belongs_to = { customer",
        "owner = \"customer\"\nbelongs_to = { customer",
    ));
    let e = errors(&SPLIT.replace(
        "[resources.post.fields]",
        "[resources.post]\nbelongs_to = { order = {} }\nowner = \"order.customer\"\n[resources.post.fields]",
    ));
    assert!(
        e.iter()
            .any(|e| e.contains("an owner's path stays in one service")
                && e.contains("give `order` `owner = \"customer\"`")),
        "{e:?}"
    );
    let through = SPLIT
        .replace("resources = [\"user\"]", "resources = [\"user\", \"post\"]")
        .replace("\"order\", \"post\"", "\"order\"")
        .replace(
            "[resources.post.fields]",
            "[resources.post]\nbelongs_to = { order = { required = true } }\nowner = \"order.customer\"\n[resources.post.fields]",
        );
    let e = errors(&through);
    assert!(
        e.iter()
            .any(|e| e.contains("an owner's path stays in one service")),
        "{e:?}"
    );
    // A relation across services becomes a field: its name must fit, and be free.
    let long = SPLIT.replace("customer = {", "a_customer_of_twenty_eight_ch = {");
    let e = errors(&long);
    assert!(
        e.iter().any(
            |e| e.contains("a relation to another service becomes a field of this one")
                && e.contains("at most 27 characters")
        ),
        "{e:?}"
    );
    // A job that hears two services' events, or none, names its service.
    let e = one("[jobs.idle]\nmax_attempts = 2\n");
    assert!(
        e.iter()
            .any(|e| e.contains("every job is in a service") && e.contains("list \"idle\"")),
        "{e:?}"
    );
    // A service's name is a crate name, and it has resources.
    let e = one("[services.Bad_Name]\nresources = []\n");
    assert!(e.iter().any(|e| e.contains("services.Bad_Name")), "{e:?}");
    let e = one("[services.empty]\ndescription = \"Nothing.\"\n");
    assert!(
        e.iter()
            .any(|e| e.contains("a service needs at least one resource")),
        "{e:?}"
    );
}

/// A service with another's accounts that keeps a copy of the orders service's orders.
const REPLICA_SPEC: &str = "[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"member\", \"staff\"]\naccounts = \"accounts\"\n\
     [replicas.order]\nservice = \"orders\"\nowner = \"customer\"\n\
     [resources.payment]\nbelongs_to = { order = { required = true } }\nowner = \"order.customer\"\n\
     access = { read = [\"owner\", \"staff\"], list = [\"owner\", \"staff\"] }\n\
     [resources.payment.fields]\namount = { type = \"integer\" }\n";

#[test]
fn a_replica_is_a_parent_without_a_table_of_its_own_kept_by_events() {
    let spec = valid(REPLICA_SPEC);
    let replica = spec.replica("order").expect("the replica");
    assert_eq!(replica.service, "orders");
    assert_eq!(replica.table(), "replica_orders");
    assert_eq!(
        replica.event_types(),
        ["order.created", "order.updated", "order.deleted"]
    );
    let payment = &spec.resources[0];
    assert!(spec.is_remote(&payment.belongs_to[0]));
    assert_eq!(
        spec.heard()["orders"].iter().collect::<Vec<_>>(),
        ["order.created", "order.deleted", "order.updated"]
    );
    // No owner kept: created and deleted alone.
    let plain = valid(&REPLICA_SPEC.replace("owner = \"customer\"\n", "").replace(
        "owner = \"order.customer\"\naccess = { read = [\"owner\", \"staff\"], list = [\"owner\", \"staff\"] }\n",
        "",
    ));
    let replica = plain.replica("order").expect("the replica");
    assert_eq!(replica.event_types(), ["order.created", "order.deleted"]);
}

#[test]
fn replicas_are_refused_where_they_cannot_hold() {
    let d = only_error(&REPLICA_SPEC.replace("service = \"orders\"\n", ""));
    assert_eq!(d.key, "replicas.order");
    assert_eq!(d.message, "a replica needs its service");
    let d = only_error(&REPLICA_SPEC.replace("service = \"orders\"", "service = \"Orders!\""));
    assert_eq!(d.key, "replicas.order.service");
    // Its owner path ends at the copy's owner, which it must keep.
    let d =
        only_error(&REPLICA_SPEC.replace("owner = \"order.customer\"", "owner = \"order.buyer\""));
    assert_eq!(d.key, "resources.payment.owner");
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("order.customer")),
        "{d:?}"
    );
    let d = only_error(&REPLICA_SPEC.replace("owner = \"customer\"\n", ""));
    assert!(
        d.message.contains("the replica `order` keeps no owner"),
        "{d:?}"
    );
    // No `on_delete` (rows are deleted there), no links, and no resource of the same name.
    let d = only_error(&REPLICA_SPEC.replace(
        "order = { required = true }",
        "order = { required = true, on_delete = \"cascade\" }",
    ));
    assert_eq!(d.key, "resources.payment.belongs_to.order.on_delete");
    let d = only_error(&format!(
        "{REPLICA_SPEC}[resources.note]\nmany_to_many = [\"order\"]\n[resources.note.fields]\ntext = {{ type = \"string\" }}\n"
    ));
    assert_eq!(d.message, "a replica has no links");
    let d = only_error(&format!(
        "{REPLICA_SPEC}[resources.order.fields]\ntext = {{ type = \"string\" }}\n"
    ));
    assert_eq!(d.key, "replicas.order");
    assert_eq!(d.message, "a resource has this name");
    // `check` is a split's word: a spec of one service declares its copies.
    let e = errors(&format!(
        "{MINIMAL}[resources.note]\nbelongs_to = {{ post = {{ check = \"replica\" }} }}\n[resources.note.fields]\ntext = {{ type = \"string\" }}\n"
    ));
    assert!(
        e.iter()
            .any(|e| e.contains("resources.note.belongs_to.post.check")
                && e.contains("[replicas.post]")),
        "{e:?}"
    );
    let e = errors(&format!(
        "{MINIMAL}[resources.note]\nbelongs_to = {{ post = {{ check = \"copy\" }} }}\n[resources.note.fields]\ntext = {{ type = \"string\" }}\n"
    ));
    assert!(
        e.iter()
            .any(|e| e.contains("resources.note.belongs_to.post.check")),
        "{e:?}"
    );
}

#[test]
fn a_split_keeps_a_replica_only_across_services_and_owners_only_through_its_owner() {
    let split = std::fs::read_to_string("examples/shop-services.toml").expect("the example");
    valid(&split);
    // Within one service, or to the accounts: refused.
    let e = errors(
        &split
            .replace(
                "product = { required = true }",
                "product = { required = true, check = \"replica\" }",
            )
            .replace("resources = [\"product\"]", "resources = []")
            .replace(
                "resources = [\"order\"]",
                "resources = [\"order\", \"product\"]",
            ),
    );
    assert!(
        e.iter()
            .any(|e| e
                .contains("`check = \"replica\"` is for a relation to another service's resource")),
        "{e:?}"
    );
    // Its copies are the split's to declare.
    let d = only_error(&format!(
        "{split}\n[replicas.parcel]\nservice = \"warehouse\"\n"
    ));
    assert_eq!(d.key, "replicas");
    // Without the copy, an owner path across services is refused, and the copy suggested.
    let e = errors(&split.replace(
        "order = { required = true, check = \"replica\" }",
        "order = { required = true }",
    ));
    assert!(
        e.iter()
            .any(|e| e.contains("an owner's path stays in one service")
                && e.contains("`check = \"replica\"` on `payment.order`")),
        "{e:?}"
    );
}

/// Issue 70: `on_delete` on a relation to another service's resource did nothing (no foreign
/// key crosses services) and was accepted; it is refused at its key, pointing to a job on the
/// other service's deleted event. The same relation within one service keeps it.
#[test]
fn on_delete_across_services_is_refused_with_the_job_that_would_act() {
    let split = std::fs::read_to_string("examples/shop-services.toml").expect("the example");
    for (from, to) in [
        (
            "product = { required = true }",
            "product = { required = true, on_delete = \"cascade\" }",
        ),
        (
            "order = { required = true, check = \"replica\" }",
            "order = { required = true, check = \"replica\", on_delete = \"restrict\" }",
        ),
    ] {
        let d = only_error(&split.replace(from, to));
        assert!(d.key.ends_with(".on_delete"), "{d:?}");
        assert_eq!(d.message, "`on_delete` cannot act across services");
        assert!(
            d.help
                .as_deref()
                .unwrap_or_default()
                .contains(".deleted\"]`"),
            "{d:?}"
        );
    }
    valid(
        &split
            .replace(
                "product = { required = true }",
                "product = { required = true, on_delete = \"cascade\" }",
            )
            .replace("resources = [\"product\"]", "resources = []")
            .replace(
                "resources = [\"order\"]",
                "resources = [\"order\", \"product\"]",
            ),
    );
}

#[test]
fn a_sortable_date_whose_range_filters_are_the_timestamps_is_refused() {
    // `created` sorted gets `createdAfter`, which `createdAt` has already.
    let d = only_error("[resources.post.fields]\ncreated = { type = \"date\", sort = true }\n");
    assert_eq!(d.key, "resources.post.fields.created");
    assert_eq!(
        d.message,
        "this field's list filters clash with generated ones"
    );
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("created_on")),
        "{d:?}"
    );
    // Sorted by a list combination alone, too; not sorted at all, it has no range filters.
    let d = only_error(
        "[resources.post]\nlist_combinations = [{ filter = [\"title\"], sort = \"created\" }]\n\
         [resources.post.fields]\ncreated = { type = \"date\" }\ntitle = { type = \"string\", filter = true }\n",
    );
    assert_eq!(d.key, "resources.post.fields.created");
    valid("[resources.post.fields]\ncreated = { type = \"date\" }\n");
}

/// `graphql` is off unless the spec turns it on.
#[test]
fn graphql_is_a_project_switch() {
    assert!(!valid(MINIMAL).project.graphql);
    let spec = valid(&format!("[project]\ngraphql = true\n{MINIMAL}"));
    assert!(spec.project.graphql);
    let e = errors(&format!("[project]\ngraphql = \"yes\"\n{MINIMAL}"));
    assert!(e[0].contains("project.graphql"), "{e:?}");
}

/// GraphQL has one namespace of types where Rust had a module per resource: two resources
/// giving one type name are refused at the later one, naming both, unless GraphQL is off.
#[test]
fn graphql_type_names_that_clash_are_refused_at_the_later_resource() {
    let both = "[resources.post.fields]\ntitle = { type = \"string\" }\n\
                [resources.post_edge.fields]\nname = { type = \"string\" }\n";
    valid(both);
    let e = errors(&format!("[project]\ngraphql = true\n{both}"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("resources.post_edge"), "{e:?}");
    assert!(
        e[0].contains("two names in the GraphQL schema are the same"),
        "{e:?}"
    );
    assert!(e[0].contains("rename `post_edge`"), "{e:?}");

    // A type every schema has.
    let e = errors(
        "[project]\ngraphql = true\n[resources.page_info.fields]\nx = { type = \"string\" }\n",
    );
    assert!(e[0].contains("resources.page_info"), "{e:?}");

    // An enum's type, fixed by renaming the field.
    let e = errors(
        "[project]\ngraphql = true\n[resources.post.fields]\n\
         connection = { type = \"enum\", values = [\"a\", \"b\"] }\n",
    );
    assert!(
        e[0].contains("rename the field `connection` of `post`"),
        "{e:?}"
    );

    // The accounts' export and erasure take root fields of their own, with jwt.
    // (Its plural leaves the service's `account_exports` table alone.)
    let account_export = "[resources.account_export]\nplural = \"account_export_rows\"\n\
                          [resources.account_export.fields]\nx = { type = \"string\" }\n";
    valid(&format!("[project]\ngraphql = true\n{account_export}"));
    let e = errors(&format!(
        "[project]\ngraphql = true\n[auth]\nmode = \"jwt\"\n{account_export}"
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("resources.account_export: two names"),
        "{e:?}"
    );
}

/// A relation is a field of its object type beside the spec's fields: one named like it is
/// refused.
#[test]
fn a_graphql_relation_named_like_a_field_is_refused() {
    let spec = "[project]\ngraphql = true\n\
                [resources.user.fields]\nname = { type = \"string\" }\n\
                [resources.post]\nbelongs_to = { author = { resource = \"user\" } }\n\
                [resources.post.fields]\nauthor = { type = \"string\" }\n";
    let e = errors(spec);
    assert!(
        e.iter()
            .any(|e| e.contains("rename the relation `author` of `post`")),
        "{e:?}"
    );
}

/// `unique = true` on a relation: one row per parent, with the parent's route to it; not
/// on the owner's relation, whose generated tests make many rows as one caller.
#[test]
fn a_unique_relation_is_one_to_one_but_not_the_owners() {
    let spec = valid(
        "[resources.order.fields]\nn = { type = \"text\" }\n[resources.invoice]\nbelongs_to = { order = { unique = true } }\n[resources.invoice.fields]\nn = { type = \"text\" }\n",
    );
    let invoice = spec.resource("invoice").expect("invoice");
    assert!(invoice.belongs_to[0].unique);
    let order = spec.resource("order").expect("order");
    let paths: Vec<String> = routes::resource_routes(&spec, order)
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert!(
        paths.contains(&"/v1/orders/{id}/invoice".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"/v1/orders/{id}/invoices".to_owned()),
        "{paths:?}"
    );
    let e = errors(
        "[auth]\nmode = \"jwt\"\n[resources.profile]\nbelongs_to = { user = { unique = true } }\nowner = \"user\"\n[resources.profile.fields]\nn = { type = \"text\" }\n",
    );
    assert_eq!(
        e,
        [
            "4:16 resources.profile.belongs_to.user.unique: `unique` is not for the owner's relation yet (remove `unique`: one row per user is not generated yet; a row may be one-to-one with another parent)"
        ]
    );
}

#[test]
fn personal_fields_are_strings_filtered_through_a_blind_index_and_never_sorted() {
    let spec = valid(
        "[resources.patient.fields]\n\
         phone = { type = \"string\", personal = true, unique = true }\n\
         notes = { type = \"text\", personal = true, required = false }\n\
         email = { type = \"string\", personal = true, filter = true }\n",
    );
    let fields = &spec.resources[0].fields;
    assert!(fields.iter().all(|f| f.personal && !f.list.sort));
    // Unique fields filter by default, through the index; a plain personal one has none.
    assert_eq!(fields[0].blind_index().as_deref(), Some("phone_hmac"));
    assert_eq!(fields[1].blind_index(), None);
    assert_eq!(fields[2].blind_index().as_deref(), Some("email_hmac"));
    assert!(spec.has_personal());
    assert!(!valid(MINIMAL).has_personal());

    let d =
        only_error("[resources.patient.fields]\nage = { type = \"integer\", personal = true }\n");
    assert_eq!(d.key, "resources.patient.fields.age.personal");
    assert_eq!(
        d.allowed.as_deref(),
        Some("`personal` on type: string, text")
    );

    let d = only_error(
        "[resources.patient.fields]\nphone = { type = \"string\", personal = true, sort = true }\n",
    );
    assert_eq!(d.key, "resources.patient.fields.phone.sort");
    assert_eq!(d.message, "lists cannot sort by a personal field");

    // A declared access path cannot sort by one either; it may filter on one.
    let combination = |sort: &str| {
        format!(
            "[resources.patient]\nlist_combinations = [{{ filter = [\"phone\"], sort = \"{sort}\" }}]\n\
             [resources.patient.fields]\n\
             phone = {{ type = \"string\", personal = true, filter = true }}\n\
             name = {{ type = \"string\", sort = true }}\n"
        )
    };
    valid(&combination("name"));
    let d = only_error(&combination("phone"));
    assert_eq!(d.key, "resources.patient.list_combinations[0].sort");
    assert!(!d.allowed.unwrap_or_default().contains("phone"));

    // The blind index's column is taken.
    let d = only_error(
        "[resources.patient.fields]\nphone = { type = \"string\", personal = true, unique = true }\n\
         phone_hmac = { type = \"string\" }\n",
    );
    assert_eq!(d.key, "resources.patient.fields.phone_hmac");
}

#[test]
fn only_a_personal_field_is_put_in_events_by_name() {
    let spec = valid(
        r#"[resources.order.fields]
address = { type = "string", personal = true, in_events = true }
phone = { type = "string", personal = true }
"#,
    );
    let fields = &spec.resources[0].fields;
    assert!(fields[0].in_events && !fields[1].in_events);
    let d = only_error(
        r#"[resources.order.fields]
note = { type = "string", in_events = true }
"#,
    );
    assert_eq!(d.key, "resources.order.fields.note.in_events");
    assert_eq!(d.message, "`in_events` applies to a personal field");
    assert_eq!(
        d.allowed.as_deref(),
        Some("`in_events` with: personal = true")
    );
}

/// A jwt spec whose orders a customer owns, and whose items belong to an order:
/// `{order}` and `{item}` are extra keys of the two resources.
fn erasable(order: &str, item: &str) -> String {
    format!(
        "[auth]\nmode = \"jwt\"\n\
         [resources.user.fields]\nphone = {{ type = \"string\", personal = true, required = false }}\n\
         [resources.order]\nbelongs_to = {{ customer = \"user\" }}\nowner = \"customer\"\n{order}\n\
         [resources.order.fields]\n\
         address = {{ type = \"string\", personal = true, required = false }}\n\
         [resources.order_item]\nbelongs_to = {{ order = {{ on_delete = \"cascade\" }} }}\n\
         owner = \"order.customer\"\n{item}\n\
         [resources.order_item.fields]\nquantity = {{ type = \"integer\", min = 1, max = 9 }}\n"
    )
}

#[test]
fn audit_is_a_resource_flag_that_needs_accounts() {
    let jwt = "[auth]\nmode = \"jwt\"\n[resources.post]\naudit = true\n\
               [resources.post.fields]\ntitle = { type = \"string\" }\n";
    let spec = valid(jwt);
    assert!(
        spec.resources
            .iter()
            .any(|r| r.names.snake == "post" && r.audit)
    );
    assert!(spec.audited());
    assert!(!valid(MINIMAL).audited());
    let open =
        "[resources.post]\naudit = true\n[resources.post.fields]\ntitle = { type = \"string\" }\n";
    assert_eq!(
        errors(open),
        [
            "2:9 resources.post.audit: an audit trail needs accounts (set `[auth] mode = \"jwt\"`: each audit row names the account that wrote, and only admins read the trail)"
        ]
    );
    let wrong = "[resources.post]\naudit = \"yes\"\n[resources.post.fields]\ntitle = { type = \"string\" }\n";
    assert_eq!(errors(wrong).len(), 1, "{:?}", errors(wrong));
}

#[test]
fn on_erase_says_what_erasing_an_account_does_to_the_rows_it_owns() {
    let on_erase = |spec: &Spec, name: &str| spec.resource(name).map(|r| r.on_erase);
    let spec = valid(&erasable("", ""));
    assert_eq!(on_erase(&spec, "order"), Some(OnErase::Delete));
    assert_eq!(on_erase(&spec, "order_item"), Some(OnErase::Delete));
    let spec = valid(&erasable("on_erase = \"anonymize\"", "on_erase = \"keep\""));
    assert_eq!(on_erase(&spec, "order"), Some(OnErase::Anonymize));
    assert_eq!(on_erase(&spec, "order_item"), Some(OnErase::Keep));

    let d = only_error(&erasable("on_erase = \"forget\"", ""));
    assert_eq!(d.key, "resources.order.on_erase");
    assert_eq!(d.allowed.as_deref(), Some("delete, anonymize, keep"));

    // Anonymizing clears personal fields, to null: it needs some, all optional.
    let d = only_error(&erasable("on_erase = \"keep\"", "on_erase = \"anonymize\""));
    assert_eq!(d.key, "resources.order_item.on_erase");
    assert!(d.message.contains("has none"), "{}", d.message);
    let required = erasable("on_erase = \"anonymize\"", "on_erase = \"keep\"").replace(
        "personal = true, required = false }\n[resources.order_item]",
        "personal = true }\n[resources.order_item]",
    );
    let d = only_error(&required);
    assert_eq!(d.key, "resources.order.on_erase");
    assert!(d.help.as_deref().unwrap_or_default().contains("`address`"));

    // An item cannot outlive the order erasure deletes.
    let d = only_error(&erasable("", "on_erase = \"keep\""));
    assert_eq!(d.key, "resources.order_item.on_erase");
    assert_eq!(
        d.message,
        "an erased account's orders are deleted, and these rows belong to them"
    );

    // Only rows an account owns have it; the account itself is always a tombstone.
    let d = only_error(&format!("{MINIMAL}[resources.post]\non_erase = \"keep\"\n"));
    assert_eq!(d.message, "`on_erase` applies to rows an account owns");
    let d = only_error(&erasable("", "").replace(
        "[resources.user.fields]",
        "[resources.user]\non_erase = \"delete\"\n[resources.user.fields]",
    ));
    assert_eq!(d.key, "resources.user.on_erase");
}

#[test]
fn an_account_s_erasure_is_told_and_heard_across_services() {
    // `erased` is the accounts' event alone.
    let spec = valid(&erasable("", "").replace(
        "[resources.user.fields]",
        "[resources.user]\nevents = { erased = true }\n[resources.user.fields]",
    ));
    let user = spec.resource("user").expect("the accounts");
    assert_eq!(user.event_types().collect::<Vec<_>>(), ["user.erased"]);
    let d = only_error(&erasable("events = { erased = true }", ""));
    assert_eq!(d.key, "resources.order.events.erased");
    assert_eq!(d.message, "only an account is erased");

    // A service whose accounts are another's hears their erasure where it keeps rows they
    // own that erasing changes, and not where it keeps them as they are.
    let remote = |on_erase: &str| {
        format!(
            "[auth]\nmode = \"jwt\"\naccounts = \"accounts\"\n\
             [resources.order]\nbelongs_to = {{ customer = \"user\" }}\nowner = \"customer\"\n{on_erase}\n\
             [resources.order.fields]\nquantity = {{ type = \"integer\" }}\n"
        )
    };
    let heard = valid(&remote(""));
    assert_eq!(heard.erasure_heard_from(), Some("accounts"));
    assert!(heard.heard()["accounts"].contains("user.erased"));
    let kept = valid(&remote("on_erase = \"keep\""));
    assert_eq!(kept.erasure_heard_from(), None);
    assert!(kept.heard().is_empty());
}

const JWT_USER: &str = "[auth]\nmode = \"jwt\"\n";

/// `[auth.providers.NAME]`: a preset knows its issuer and title; a provider of its own needs
/// an issuer; `openid` is always asked; names become a path segment and an env prefix.
#[test]
fn providers_read_presets_issuers_scopes_and_names() {
    let spec = valid(&format!(
        "{JWT_USER}[auth.providers.google]\npreset = \"google\"\n\
         [auth.providers.corp_sso]\nissuer = \"https://idp.example.com/realms/corp\"\nscopes = [\"email\", \"email\", \"groups\"]\n\
         [auth.providers.staff]\npreset = \"keycloak\"\ntitle = \"Staff sign-in\"\n{MINIMAL}"
    ));
    let auth = &spec.auth;
    assert!(auth.has_providers() && auth.link_verified_email);
    let [google, corp, staff] = &auth.providers[..] else {
        panic!("three providers: {:?}", auth.providers);
    };
    assert_eq!(
        google.issuer.as_deref(),
        Some("https://accounts.google.com")
    );
    assert_eq!(
        (google.title.as_str(), google.env.as_str()),
        ("Google", "OIDC_GOOGLE_")
    );
    assert_eq!(google.scopes, ["openid", "email", "profile"]);
    assert_eq!(
        (corp.kebab.as_str(), corp.env.as_str()),
        ("corp-sso", "OIDC_CORP_SSO_")
    );
    assert_eq!(corp.scopes, ["openid", "email", "groups"]);
    assert_eq!(corp.title, "Corp Sso");
    // A Keycloak realm's URL is the deployment's: OIDC_STAFF_ISSUER.
    assert_eq!(
        (staff.issuer.as_deref(), staff.title.as_str()),
        (None, "Staff sign-in")
    );
    let off = valid(&format!(
        "{JWT_USER}link_verified_email = false\n[auth.providers.google]\npreset = \"google\"\n{MINIMAL}"
    ));
    assert!(!off.auth.link_verified_email);
}

#[test]
fn providers_refuse_bad_names_issuers_presets_and_scopes() {
    let errs = errors(&format!(
        "{JWT_USER}[auth.providers.Corp]\nissuer = \"https://idp.example.com\"\n\
         [auth.providers.plain]\nissuer = \"http://idp.example.com\"\n\
         [auth.providers.nothing]\ntitle = \"Nothing\"\n\
         [auth.providers.other]\npreset = \"facebook\"\n\
         [auth.providers.spaced]\nissuer = \"https://idp.example.com\"\nscopes = [\"a b\"]\n\
         [auth.providers.confirm]\nissuer = \"https://idp.example.com\"\n{MINIMAL}"
    ));
    let text = errs.join("\n");
    for expected in [
        "auth.providers.Corp: not a provider name",
        "auth.providers.plain.issuer: not an issuer URL",
        "auth.providers.nothing: the provider has no issuer",
        "auth.providers.other.preset",
        "auth.providers.spaced.scopes: not a scope",
        "auth.providers.confirm: `confirm` is a route's",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    // An empty table, and http off this machine, are refused; http on it is allowed (tests).
    let empty = errors(&format!("{JWT_USER}providers = {{}}\n{MINIMAL}"));
    assert!(
        empty.iter().any(|e| e.contains("no providers")),
        "{empty:?}"
    );
    valid(&format!(
        "{JWT_USER}[auth.providers.local]\nissuer = \"http://127.0.0.1:8080/oidc\"\n{MINIMAL}"
    ));
}

/// A first sign-in creates an account from the ID token: every required account field
/// without a default needs a claim, and a claim needs a string field to go to.
#[test]
fn account_claims_must_fill_the_accounts_required_fields() {
    let user = "[resources.user.fields]\nfull_name = { type = \"string\" }\nage = { type = \"integer\", required = false }\n";
    let provider = "[auth.providers.google]\npreset = \"google\"\n";
    let missing = errors(&format!("{JWT_USER}{provider}{user}"));
    assert!(
        missing.iter().any(|e| e.contains(
            "auth.account_claims: a first sign-in with a provider cannot fill `full_name`"
        )),
        "{missing:?}"
    );
    valid(&format!(
        "{JWT_USER}account_claims = {{ full_name = \"name\" }}\n{provider}{user}"
    ));
    let wrong = errors(&format!(
        "{JWT_USER}account_claims = {{ full_name = \"name\", age = \"birthdate\" }}\n{provider}{user}"
    ));
    assert!(
        wrong
            .iter()
            .any(|e| e.contains("auth.account_claims.age: not a string field")),
        "{wrong:?}"
    );
    let unknown = errors(&format!(
        "{JWT_USER}account_claims = {{ full_name = \"shoe_size\" }}\n{provider}{user}"
    ));
    assert!(
        unknown.iter().any(|e| e.contains("not a profile claim")),
        "{unknown:?}"
    );
    let alone = errors(&format!(
        "{JWT_USER}account_claims = {{ full_name = \"name\" }}\n{user}"
    ));
    assert!(
        alone
            .iter()
            .any(|e| e.contains("`account_claims` needs a provider")),
        "{alone:?}"
    );
}

/// A field named like a PostgreSQL system column is refused (the table could not be created
/// there), with a name that passes.
#[test]
fn a_field_may_not_take_a_postgres_system_column() {
    let errors = errors("[resources.note.fields]\nctid = { type = \"uuid\" }\n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("resources.note.fields.ctid: `ctid` cannot name a field: PostgreSQL keeps a system column of that name in every table")
            && errors[0].contains("use `ctid_value`"),
        "{errors:?}"
    );
}
