//! Snapshot tests of generated files: every file `backend-gen new` writes for
//! both example specs is pinned with insta (review changes with `cargo insta
//! review`), as it is written: rendered, then formatted by rustfmt, which the
//! test suite installs (`scripts/test`). The templates' own layout, which a
//! user without rustfmt gets, is checked to be valid Rust.

use backend_gen::format::{Layout, format_rust};
use backend_gen::output::FileSet;

fn example(name: &str) -> (backend_gen::spec::Spec, String) {
    let path = format!("{}/examples/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(path).unwrap();
    let spec = backend_gen::spec::parse(name, &source).unwrap();
    (spec, source)
}

/// The files in the templates' own layout, before rustfmt.
fn render(name: &str) -> FileSet {
    let (spec, source) = example(name);
    backend_gen::render_project(name, &spec, &source).unwrap()
}

/// The files as `new` writes them: rendered, then formatted the way
/// `backend_gen::generate` formats them.
fn generate(name: &str) -> FileSet {
    let mut files = render(name);
    match format_rust(&mut files) {
        Ok(Layout::Rustfmt(_)) => files,
        Ok(Layout::HandLayout { why }) => panic!(
            "the snapshots pin rustfmt's output: install it (`rustup component add rustfmt`): {why}"
        ),
        Err(e) => panic!("rustfmt refused {name}'s Rust: {e}"),
    }
}

fn check_example(name: &str) {
    for (path, file) in generate(name).iter() {
        // Cargo.lock is pinned data, not rendering logic: it is checked by
        // the end-to-end build instead.
        if path == "Cargo.lock" {
            continue;
        }
        // Swagger UI as its npm distribution ships it: vendored, not rendered.
        if path.starts_with("assets/docs/")
            && !path.ends_with("index.html")
            && !path.ends_with("init.js")
        {
            continue;
        }
        let snapshot = format!("{name}__{}", path.replace('/', "__"));
        insta::assert_snapshot!(snapshot, &file.contents);
    }
}

/// Without rustfmt, `new` writes the templates' layout and asks for one `cargo fmt`,
/// which needs Rust that parses.
fn check_hand_layout(name: &str) {
    for (path, file) in render(name).iter() {
        if path.ends_with(".rs")
            && let Err(e) = syn::parse_file(&file.contents)
        {
            panic!("{name}/{path} is not valid Rust before rustfmt: {e}");
        }
    }
}

#[test]
fn blog_files() {
    check_example("blog");
}

#[test]
fn shop_files() {
    check_example("shop");
}

#[test]
fn blog_files_parse_in_the_templates_layout() {
    check_hand_layout("blog");
}

#[test]
fn shop_files_parse_in_the_templates_layout() {
    check_hand_layout("shop");
}

/// The split example's Kubernetes files: the overlays at its top, the gateway's base, and the
/// orders service's (a member that calls two others), as `new` writes them.
#[test]
fn split_kubernetes_files() {
    let (spec, source) = example("shop-services");
    let services = backend_gen::split::project(&spec, &source).unwrap();
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    let mut files: Vec<(String, String)> = backend_gen::split_kubernetes::overlays("shop", &names);
    let gateway = backend_gen::gateway::generate("shop", &spec, &services, &[]).unwrap();
    let orders = services.iter().find(|s| s.name == "orders").unwrap();
    let member = backend_gen::render_project("orders", &orders.spec, &orders.source).unwrap();
    for (folder, set) in [("gateway", &gateway), ("orders", &member)] {
        for (path, file) in set.iter() {
            if path.starts_with("deploy/kubernetes/") {
                files.push((format!("{folder}/{path}"), file.contents.clone()));
            }
        }
    }
    assert!(files.len() > 20, "{}", files.len());
    for (path, contents) in files {
        let snapshot = format!("shop-services__{}", path.replace('/', "__"));
        insta::assert_snapshot!(snapshot, contents);
    }
}
