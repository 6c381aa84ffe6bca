//! backend-gen's own modules form layers: no two modules import each other, directly or
//! around a circle (docs/architecture.md draws the layers).
//!
//! The graph is built file by file with the checker the generated projects are held to
//! (`support/imports.rs`: `use crate::...`, `super::`, `self::`, inline paths, re-exports
//! followed to the file that defines the name). It is checked at two granularities:
//! - top-level modules, each file folded into its own (`spec/validate/mod.rs` and
//!   `spec/model.rs` are the node `spec`, `lib.rs` the node `crate`): the layers a reader
//!   takes or leaves as a whole, where `spec::collisions` → `sql` → `spec` would make `spec`
//!   and `sql` one tangle;
//! - single modules, also inside a folder (a file; `mod.rs` is its folder's module): a
//!   folder's files lean on lower files and on what their parent re-exports from them, never
//!   on each other around a circle. A module's own `#[cfg(test)] mod tests` or `tests.rs`
//!   is a node of its own, so tests may use their parent and whatever builds their input.
//!
//! A failure names each step of one cycle, in order, with the files and the path that make it.

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

/// The same rule one level down: no two modules import each other, also inside a folder
/// (`spec::validate` and `spec::collisions`). A module is a file, `mod.rs` its folder's; a
/// module's own `#[cfg(test)] mod tests` or `tests.rs` is a node of its own, so tests may
/// use their parent and whatever builds their input.
#[test]
fn no_two_modules_import_each_other_in_a_circle() {
    let sources = imports::read_sources(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let cycles = imports::cycles_between_modules(&sources);
    assert!(
        cycles.is_empty(),
        "modules import each other in a circle; move what both need to a lower module:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn a_file_inside_a_folder_belongs_to_its_top_level_module() {
    assert_eq!(
        top_level_module("src/spec/validate/fields.rs").as_deref(),
        Some("spec")
    );
    assert_eq!(top_level_module("src/spec/mod.rs").as_deref(), Some("spec"));
    assert_eq!(top_level_module("src/routes.rs").as_deref(), Some("routes"));
    assert_eq!(top_level_module("src/lib.rs").as_deref(), Some("crate"));
    assert_eq!(top_level_module("src/main.rs"), None);
}
