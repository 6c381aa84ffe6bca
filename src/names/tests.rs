use std::collections::BTreeSet;

use super::*;

#[test]
fn plural_names_get_their_singular() {
    for (plural, singular) in [
        ("books", "book"),
        ("order_items", "order_item"),
        ("categories", "category"),
        ("people", "person"),
        ("addresses", "address"),
        ("buses", "bus"),
    ] {
        assert_eq!(singular_of(plural).as_deref(), Some(singular), "{plural}");
    }
    for initialism in [
        "dns", "gps", "sms", "cms", "os", "ios", "us", "as", "api_ps",
    ] {
        assert_eq!(singular_of(initialism), None, "{initialism}");
    }
    for singular in [
        "book",
        "status",
        "address",
        "news",
        "user",
        "order_item",
        "series",
    ] {
        assert_eq!(singular_of(singular), None, "{singular}");
    }
}

#[test]
fn every_variant_of_a_compound_name() {
    let n = Names::new("order_item", None);
    assert_eq!(n.snake, "order_item");
    assert_eq!(n.camel, "orderItem");
    assert_eq!(n.pascal, "OrderItem");
    assert_eq!(n.kebab, "order-item");
    assert_eq!(n.upper, "ORDER_ITEM");
    assert_eq!(n.plural_snake, "order_items");
    assert_eq!(n.plural_kebab, "order-items");
    assert_eq!(n.plural_camel, "orderItems");
    assert_eq!(n.plural_pascal, "OrderItems");
    assert_eq!(n.plural_words, "order items");
    assert_eq!(
        (n.ident.as_str(), n.sql.as_str()),
        ("order_item", "order_item")
    );
    assert_eq!(
        (n.type_name.as_str(), n.module.as_str()),
        ("OrderItem", "order_items")
    );
}

#[test]
fn keywords_are_raw_in_rust_and_quoted_in_sql() {
    let n = Names::new("type", None);
    assert_eq!((n.ident.as_str(), n.sql.as_str()), ("r#type", "type"));
    let n = Names::new("order", None);
    assert_eq!((n.ident.as_str(), n.sql.as_str()), ("order", "\"order\""));
    assert_eq!(n.plural_sql, "orders");
    // Words both databases take bare stay bare.
    let n = Names::new("match", None);
    assert_eq!((n.ident.as_str(), n.sql.as_str()), ("r#match", "match"));
    assert_eq!(Names::new("position", None).sql, "position");
    assert_eq!(Names::new("left", None).sql, "\"left\"");
    let n = Names::new("default", None);
    assert_eq!(
        (n.ident.as_str(), n.sql.as_str()),
        ("default", "\"default\"")
    );
    assert_eq!(rust_ident("self"), "self");
}

#[test]
fn english_plurals_and_overrides() {
    assert_eq!(Names::new("category", None).plural_snake, "categories");
    assert_eq!(Names::new("address", None).plural_snake, "addresses");
    assert_eq!(Names::new("person", None).plural_snake, "people");
    assert_eq!(Names::new("status", None).plural_snake, "statuses");
    assert_eq!(Names::new("staff", Some("staff")).plural_snake, "staff");
}

#[test]
fn articles_follow_the_first_sound() {
    for (words, expected) in [
        ("author", "an author"),
        ("order item", "an order item"),
        ("invoice", "an invoice"),
        ("entry", "an entry"),
        ("update", "an update"),
        ("umbrella", "an umbrella"),
        ("user", "a user"),
        ("unit", "a unit"),
        ("usage record", "a usage record"),
        ("uuid", "a uuid"),
        ("url", "a url"),
        ("book", "a book"),
        ("yard", "a yard"),
    ] {
        assert_eq!(with_article(words), expected);
    }
}

#[test]
fn snake_identifiers() {
    for ok in ["a", "order_item", "v2_thing"] {
        assert!(is_snake_identifier(ok), "{ok}");
    }
    for bad in ["", "Order", "order-item", "_x", "x_", "a__b", "2x", "é"] {
        assert!(!is_snake_identifier(bad), "{bad}");
    }
    assert_eq!(snake_version("Title").as_deref(), Some("title"));
    assert_eq!(snake_version("order-item").as_deref(), Some("order_item"));
    assert_eq!(snake_version("OrderItem").as_deref(), Some("order_item"));
    assert_eq!(snake_version("_x__y_").as_deref(), Some("x_y"));
    assert_eq!(snake_version("2x").as_deref(), Some("x"));
    assert_eq!(snake_version("é"), None);
}

#[test]
fn variants_keep_their_spelling() {
    assert_eq!(
        variant("in_stock"),
        Variant {
            name: "InStock".into(),
            rename: false
        }
    );
    assert_eq!(
        variant("tier_1"),
        Variant {
            name: "Tier1".into(),
            rename: true
        }
    );
    assert_eq!(
        variant("self"),
        Variant {
            name: "SelfValue".into(),
            rename: true
        }
    );
    assert!(!variant("v2").rename);
    assert_eq!(variant("a_1").name, variant("a1").name);
}

#[test]
fn alternatives_are_valid_and_accepted() {
    let none: &[String] = &[];
    assert_eq!(
        alternative("type", &["kind".into()], 30, |c| c != "kind").as_deref(),
        Some("type_value")
    );
    assert_eq!(
        alternative("page", none, 30, |c| c != "page_value").as_deref(),
        Some("page_2")
    );
    assert_eq!(alternative(&"a".repeat(30), none, 30, |_| true), None);
}

/// Every type a template imports or defines where resource types are in scope, and every
/// module or file stem that shares a scope or directory with resource modules, is reserved.
#[test]
fn reserved_names_cover_the_templates() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/service/");
    let read = |path: &str| std::fs::read_to_string(format!("{root}{path}")).unwrap();
    let code = |text: &str| {
        let text = regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
            .unwrap()
            .replace_all(text, "")
            .into_owned();
        regex::Regex::new(r"(?m)//.*$")
            .unwrap()
            .replace_all(&text, "")
            .into_owned()
    };
    let uses = regex::Regex::new(r"(?ms)^\s*(?:pub )?use [^;]*;").unwrap();
    // `Trait as _` brings the trait's methods into scope, and no name.
    let anonymous = regex::Regex::new(r"\b\w+\s+as\s+_\b").unwrap();
    // An indented `type` is an associated type, which names nothing in the module.
    let defined =
        regex::Regex::new(r"(?m)^(?:\s*(?:pub )?(?:struct|enum|trait)|(?:pub )?type) ([A-Z]\w*)")
            .unwrap();
    let module = regex::Regex::new(r"(?m)^\s*(?:pub )?mod ([a-z_]\w*);").unwrap();
    let pascal = regex::Regex::new(r"\b[A-Z][a-z]\w*\b").unwrap();
    let snake = regex::Regex::new(r"\b[a-z][a-z0-9_]*\b").unwrap();
    let scopes = [
        "src/resources/__resource__/handlers.rs.tera",
        "src/resources/__resource__/mod.rs.tera",
        "src/resources/__resource__/model.rs.tera",
        "src/resources/__resource__/repo.rs.tera",
        "src/resources/mod.rs.tera",
        "src/rules/__resource__.rs.tera",
        "src/auth/handlers.rs.tera",
        "src/auth/mod.rs.tera",
        "tests/common/mod.rs.tera",
    ];
    let context = read("../../src/context/imports.rs");
    let mut missing = Vec::new();
    for path in scopes {
        let text = code(&read(path));
        let mut types: BTreeSet<String> = defined
            .captures_iter(&text)
            .map(|c| c[1].to_string())
            .collect();
        let mut modules: BTreeSet<String> = module
            .captures_iter(&text)
            .map(|c| c[1].to_string())
            .collect();
        for u in uses.find_iter(&text).map(|m| m.as_str().trim().to_string()) {
            let u = anonymous.replace_all(&u, "").into_owned();
            types.extend(pascal.find_iter(&u).map(|m| m.as_str().to_string()));
            // Only a path's first segment and the names it brings into scope can clash.
            let body = u.trim_start_matches("pub ").trim_start_matches("use ");
            modules.extend(snake.find_iter(body).filter_map(|m| {
                let next = body[m.end()..].trim_start().chars().next();
                let leaf = matches!(next, Some(',' | '}' | ';'));
                (m.start() == 0 || leaf).then(|| m.as_str().to_string())
            }));
        }
        let generic = ["Input", "Patch", "ROLES"];
        missing.extend(
            types
                .iter()
                .filter(|t| !generic.contains(&t.as_str()) && !RESERVED_TYPES.contains(&t.as_str()))
                .map(|t| format!("{path}: type {t}")),
        );
        missing.extend(
            modules
                .iter()
                .filter(|m| {
                    !RUST_KEYWORDS.contains(&m.as_str()) && !RESERVED_MODULES.contains(&m.as_str())
                })
                .map(|m| format!("{path}: module {m}")),
        );
    }
    // The `use` lines context/imports.rs lays out for repos and handlers.
    let imported = regex::Regex::new(r#""crate::(?:\w+::)*(\w+)""#).unwrap();
    for c in imported.captures_iter(&context) {
        let item = &c[1];
        if pascal.is_match(item) && !RESERVED_TYPES.contains(&item) {
            missing.push(format!("context/imports.rs: type {item}"));
        }
        if snake.is_match(item)
            && !item.contains(char::is_uppercase)
            && !RESERVED_MODULES.contains(&item)
        {
            missing.push(format!("context/imports.rs: module {item}"));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
    let manifest = read("Cargo.toml.tera");
    let dependency = regex::Regex::new(r"(?m)^([a-z][a-z0-9_-]*) = ").unwrap();
    for section in manifest
        .split("\n[")
        .filter(|s| s.contains("dependencies]"))
    {
        for c in dependency.captures_iter(section) {
            let krate = c[1].replace('-', "_");
            assert!(RESERVED_MODULES.contains(&krate.as_str()), "crate {krate}");
        }
    }
    // `common` is declared in the test crate by path, beside the resources' modules.
    assert!(RESERVED_MODULES.contains(&"common"));
    for dir in ["tests/api", "src/rules"] {
        for entry in std::fs::read_dir(format!("{root}{dir}")).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let stem = name.split('.').next().unwrap_or_default();
            if stem != "__resource__" && stem != "mod" {
                assert!(RESERVED_MODULES.contains(&stem), "{dir}/{name}");
            }
        }
    }
}
