//! Unit tests of the spec model: one or more per error class.

use super::*;

/// Parses a spec that must be invalid and returns "line:col key: message (help)" lines.
fn errors(source: &str) -> Vec<String> {
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

fn valid(source: &str) -> Spec {
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
        Some("project, auth, rate_limit, cache, resources")
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
fn keyword_and_generated_names_are_refused() {
    let e = errors(
        "[resources.post.fields]\ntype = { type = \"string\" }\norder = { type = \"integer\" }\nid = { type = \"uuid\" }\ncreated_at = { type = \"datetime\" }\npage = { type = \"integer\" }\nTitle = { type = \"string\" }\n",
    );
    assert_eq!(e.len(), 6, "{e:?}");
    assert!(e[0].contains("cannot be a Rust keyword"), "{e:?}");
    assert!(e[1].contains("cannot be an SQL keyword"), "{e:?}");
    assert!(e[2].contains("every resource already has `id`"), "{e:?}");
    assert!(
        e[3].contains("every resource already has `created_at`"),
        "{e:?}"
    );
    assert!(e[4].contains("list query parameter"), "{e:?}");
    assert!(e[5].contains("must be snake_case"), "{e:?}");
}

#[test]
fn resource_names_are_checked() {
    let e = errors(
        "[resources.Post.fields]\na = { type = \"text\" }\n[resources.auth.fields]\na = { type = \"text\" }\n[resources.fn.fields]\na = { type = \"text\" }\n",
    );
    assert!(
        e.iter()
            .any(|m| m.contains("resources.Post: a resource name must be snake_case")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|m| m.contains("resources.auth: this resource name is reserved")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|m| m.contains("resources.fn: a resource name cannot be a Rust keyword")),
        "{e:?}"
    );
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
    assert!(e[2].contains("invalid default for a enum field"), "{e:?}");
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
    assert!(all.contains("invalid `min` for a integer field"), "{all}");
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
    assert_eq!(post.owner.as_deref(), Some("author"));
}

#[test]
fn jwt_user_fields_are_generated() {
    let e =
        errors("[auth]\nmode = \"jwt\"\n[resources.user.fields]\nemail = { type = \"string\" }\n");
    assert!(
        e[0].contains("the jwt auth flow already gives users this field"),
        "{e:?}"
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

#[test]
fn the_init_example_is_valid_and_shows_every_type() {
    let spec = valid(crate::EXAMPLE_SPEC);
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
