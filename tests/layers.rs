//! backend-gen's own modules form layers: no two top-level modules import each other,
//! directly or around a circle (docs/architecture.md draws the layers).
//!
//! The graph is built file by file with the checker the generated projects are held to
//! (`support/imports.rs`: `use crate::...`, `super::`, inline paths, re-exports followed to
//! the file that defines the name), then each file is folded into its top-level module:
//! `spec/validate.rs` and `spec/model.rs` are the node `spec`, `lib.rs` the node `crate`.
//! That is the granularity checked, because a top-level module is what a reader takes or
//! leaves as a whole: a folder's files may lean on each other and on their parent
//! (`spec::validate` uses `spec::model`, which `spec/mod.rs` re-exports) without making a
//! layer, but `spec::collisions` → `sql` → `spec` would make `spec` and `sql` one tangle.
//! A failure names each step of one cycle with the files and the path that make it.

#[path = "support/imports.rs"]
#[allow(
    dead_code,
    reason = "this binary uses the checker's grouped graph only"
)]
mod imports;

/// The top-level module a library file belongs to; `src/main.rs` is the binary's crate.
fn top_level_module(path: &str) -> Option<String> {
    let stem = path.strip_prefix("src/")?.strip_suffix(".rs")?;
    match stem {
        "main" => None,
        "lib" => Some("crate".to_string()),
        _ => Some(stem.split('/').next()?.to_string()),
    }
}

#[test]
fn top_level_modules_import_each_other_in_no_circle() {
    let sources = imports::read_sources(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let cycles = imports::cycles_between_groups(&sources, top_level_module);
    assert!(
        cycles.is_empty(),
        "modules import each other in a circle (docs/architecture.md draws the layers):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn a_file_inside_a_folder_belongs_to_its_top_level_module() {
    assert_eq!(
        top_level_module("src/spec/validate.rs").as_deref(),
        Some("spec")
    );
    assert_eq!(top_level_module("src/spec/mod.rs").as_deref(), Some("spec"));
    assert_eq!(top_level_module("src/routes.rs").as_deref(), Some("routes"));
    assert_eq!(top_level_module("src/lib.rs").as_deref(), Some("crate"));
    assert_eq!(top_level_module("src/main.rs"), None);
}
