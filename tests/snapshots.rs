//! Snapshot tests of rendered files: every file generated for both example
//! specs is pinned with insta (review changes with `cargo insta review`),
//! and every Rust file must parse.

use backend_gen::output::FileSet;
use backend_gen::pipeline::service_context;
use backend_gen::render::render_service;

fn render(name: &str) -> FileSet {
    let path = format!("{}/examples/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(path).unwrap();
    let spec = backend_gen::spec::parse(name, &source).unwrap();
    render_service(&service_context(name, &spec, &source), &Default::default()).unwrap()
}

fn check_example(name: &str) {
    let files = render(name);
    for (path, file) in files.iter() {
        if path.ends_with(".rs")
            && let Err(e) = syn::parse_file(&file.contents)
        {
            panic!("{name}/{path} is not valid Rust: {e}");
        }
        // Cargo.lock is pinned data, not rendering logic: it is checked by
        // the end-to-end build instead.
        if path == "Cargo.lock" {
            continue;
        }
        let snapshot = format!("{name}__{}", path.replace('/', "__"));
        insta::assert_snapshot!(snapshot, &file.contents);
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
