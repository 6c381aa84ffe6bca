use std::collections::BTreeSet;

use super::{shared_context, tidy};
use crate::context::ServiceContext;

/// What per-resource and per-migration templates see, for `resources` (TOML).
fn shared_json(resources: &str) -> tera::Value {
    let source = format!("[auth]\nmode = \"jwt\"\n{resources}");
    let spec = crate::spec::parse("t.toml", &source).expect("a valid spec");
    let mut context = ServiceContext::new("t", &spec, &source);
    context.openapi = crate::openapi::document(&spec, &context);
    let whole = tera::to_value(&context).expect("the context serialises");
    shared_context(&whole).into_json()
}

fn resource(name: &str) -> String {
    format!(
        "[resources.{name}]\nbelongs_to = {{ author = \"user\" }}\n\
         [resources.{name}.fields]\ntitle = {{ type = \"string\" }}\n"
    )
}

// Rendering stays linear only if the context each per-item file gets does
// not grow with the spec: a new context key that holds one entry per
// resource must join `SPEC_WIDE`.
#[test]
fn per_item_contexts_do_not_grow_with_the_spec() {
    let small = format!(
        "[resources.user.fields]\nname = {{ type = \"string\" }}\n{}",
        resource("post")
    );
    let large = ["note", "memo", "draft", "essay"]
        .iter()
        .fold(small.clone(), |spec, name| spec + &resource(name));
    let shared = shared_json(&small);
    assert!(shared.get("auth").is_some(), "{shared}");
    assert_eq!(shared, shared_json(&large));
}

/// What only the generated tests read reaches the templates under `tests/`, per resource
/// and for the whole service (both as `tests`), and no template of the service: neither
/// as `tests` nor as the keys of the service's context it was moved out of.
#[test]
fn only_test_templates_get_the_tests_context() {
    let source = "[auth]\nmode = \"jwt\"\n\
                  [resources.user.fields]\nname = { type = \"string\" }\n\
                  [resources.note]\nbelongs_to = { author = \"user\" }\n\
                  [resources.note.fields]\ntitle = { type = \"string\", unique = true }\n\
                  [resources.note.events]\ncreated = true\n";
    let spec = crate::spec::parse("t.toml", source).expect("a valid spec");
    let ctx = ServiceContext::new("t", &spec, source);
    let render = |path: &str, text: &str| {
        let mut overrides = super::Overrides::default();
        overrides
            .files
            .insert(path.into(), text.as_bytes().to_vec());
        super::render_service(&ctx, &overrides)
    };
    let rows = ctx.tests.resources[1].rows.to_string();
    let per_resource = "{{ tests.rows }} {{ tests.fields[0].samples[0] }} \
                        {% for b in tests.belongs_to %}{{ b.on_delete }}{% endfor %} \
                        {% for e in tests.events %}{{ e.patch }}{% endfor %}";
    let files = render("tests/api/__resource__.rs.tera", per_resource).unwrap();
    let note = &ctx.tests.resources[1];
    let expected = format!(
        "{rows} {} {} false",
        note.fields[0].samples[0], note.belongs_to[0].on_delete
    );
    assert_eq!(
        files.get("tests/api/notes.rs").unwrap().contents.trim(),
        expected
    );
    let whole = "{{ tests.resources[1].rows }} {{ tests.primary }} {{ tests.cached }} \
                 {{ tests.modules | length }} {{ tests.registrant_unwritable | length }}";
    let files = render("tests/rows.txt.tera", whole).unwrap();
    let cached = ctx.tests.cached.expect("cached rows");
    let modules = ctx.tests.modules.len();
    let expected = format!("{rows} {} {cached} {modules} 0", ctx.tests.primary);
    assert_eq!(
        files.get("tests/rows.txt").unwrap().contents.trim(),
        expected
    );
    for text in [
        "{{ tests.rows }}",
        "{{ resource.fields[0].samples }}",
        "{{ resource.fields[0].invalid }}",
        "{{ resource.fields[0].unique }}",
        "{{ resource.fields[0].spec_type }}",
        "{% for b in resource.belongs_to %}{{ b.on_delete }}{% endfor %}",
        "{% for b in resource.belongs_to %}{{ b.target_url }}{% endfor %}",
        "{% for e in resource.events %}{{ e.patch }}{% endfor %}",
    ] {
        let rendered = render("src/resources/__resource__/mod.rs.tera", text);
        assert!(rendered.is_err(), "{text}");
    }
    for text in [
        "{{ tests.resources[0].rows }}",
        "{{ resources[0].rows }}",
        "{{ primary }}",
        "{{ cached }}",
        "{{ test_modules }}",
        "{{ auth.public_list_url }}",
        "{{ auth.registrant_unwritable }}",
    ] {
        assert!(render("src/rows.txt.tera", text).is_err(), "{text}");
        assert!(render("README.md.tera", text).is_err(), "{text}");
    }
}

#[test]
fn tidy_removes_what_conditionals_leave_behind() {
    let input = "fn a() {\n\n    let x = 1;   \n\n\n    x\n\n}\n\n\n";
    assert_eq!(
        tidy("a.rs", input),
        "fn a() {\n    let x = 1;\n\n    x\n}\n"
    );
}

#[test]
fn tidy_keeps_block_spacing_outside_rust() {
    assert_eq!(tidy("a.md", "# A\n\n\n}\n"), "# A\n\n}\n");
}

/// `tests/specs/names.toml`, whose names collide with generated code: every Rust file
/// of the project parses, and the renamed modules are the files rendered.
#[test]
fn colliding_names_render_to_rust_that_parses() {
    let source = std::fs::read_to_string("tests/specs/names.toml").unwrap();
    let spec = crate::spec::parse("names.toml", &source).unwrap();
    let ctx = ServiceContext::new("names", &spec, &source);
    let files = super::render_service(&ctx, &Default::default()).unwrap();
    // The test crate declares exactly the modules rendered beside it.
    let rendered: Vec<String> = files
        .iter()
        .filter_map(|(path, _)| path.strip_prefix("tests/api/")?.strip_suffix(".rs"))
        .filter(|stem| *stem != "main")
        .map(String::from)
        .collect();
    assert_eq!(rendered, ctx.tests.modules);
    for (path, file) in files.iter() {
        if path.ends_with(".rs") {
            syn::parse_file(&file.contents)
                .unwrap_or_else(|e| panic!("{path} is not valid Rust: {e}"));
        }
    }
    for path in [
        "src/resources/logs_resource/mod.rs",
        "src/rules/logs_resource.rs",
        "tests/api/logs_resource.rs",
        "tests/logs.rs",
    ] {
        assert!(files.get(path).is_some(), "{path}");
    }
}

/// Every key of every object in `value`, at any depth.
fn collect_keys(value: &serde_json::Value, keys: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                keys.insert(key.clone());
                collect_keys(inner, keys);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}

/// Keys serialised by types the context holds but does not own, which no template reads:
/// `Names` (a name in every casing), the operations (`crate::operations`, whose unit-variant
/// data the routers and the document read in Rust), and the spec's `[auth]` and `[cache]`.
const UNREAD_ELSEWHERE: [&str; 19] = [
    "kebab",
    "pascal",
    "plural_camel",
    "plural_pascal",
    "plural_sql",
    "child",
    "create_child",
    "document_summary",
    "erase_account",
    "export_account",
    "prepare_account_export",
    "health",
    "idempotent",
    "list_children",
    "list_linked",
    "read_child",
    "of",
    "mode",
    "ttl_seconds",
];

/// No key is dead: each one the service's context serialises is named in a tag of some
/// template outside `tests/` and `clients/`, and each one of the tests' context in a tag of
/// some template under them (what only the tests read belongs in theirs). A key counts as read when its
/// word appears in a tag at all, so a key that shares its name with a read one (`key`,
/// `names`) passes unread: the check catches keys no template names, not every misplaced one.
#[test]
fn every_context_key_is_read_by_a_template() {
    let tag = regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").unwrap();
    let tags = |tests: bool| -> String {
        let mut out = String::new();
        for (name, bytes) in super::embedded() {
            let tested = name.starts_with(super::TESTS_DIR) || name.starts_with(super::CLIENTS_DIR);
            if tested == tests {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                tag.find_iter(&text).for_each(|m| out.push_str(m.as_str()));
            }
        }
        out
    };
    let (mut keys, mut test_keys) = (BTreeSet::new(), BTreeSet::new());
    for path in [
        "examples/shop.toml",
        "examples/blog.toml",
        "tests/specs/edge.toml",
        "tests/specs/lending.toml",
        "tests/specs/names.toml",
    ] {
        let source = std::fs::read_to_string(path).unwrap();
        let spec = crate::spec::parse(path, &source).unwrap();
        let ctx = ServiceContext::new("t", &spec, &source);
        collect_keys(&serde_json::to_value(&ctx).unwrap(), &mut keys);
        collect_keys(&serde_json::to_value(&ctx.tests).unwrap(), &mut test_keys);
    }
    let unread = |keys: &BTreeSet<String>, tags: &str| -> Vec<String> {
        keys.iter()
            .filter(|key| !UNREAD_ELSEWHERE.contains(&key.as_str()))
            .filter(|key| {
                let word = format!(r"\b{}\b", regex::escape(key));
                !regex::Regex::new(&word).unwrap().is_match(tags)
            })
            .cloned()
            .collect()
    };
    assert_eq!(unread(&keys, &tags(false)), Vec::<String>::new());
    assert_eq!(unread(&test_keys, &tags(true)), Vec::<String>::new());
    // The check sees what it should: a key only the tests read is unread by the service.
    assert_eq!(
        unread(&BTreeSet::from(["sample_bodies".to_string()]), &tags(false)),
        ["sample_bodies"]
    );
}
