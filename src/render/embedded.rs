//! The template trees built into the binary (`templates/service/`, `templates/gateway/`), by
//! path.

use std::collections::BTreeMap;

use include_dir::{Dir, DirEntry, include_dir};

static SERVICE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates/service");
static GATEWAY: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates/gateway");

/// Every embedded template and file, by its path under `templates/service/`.
pub fn embedded() -> BTreeMap<String, Vec<u8>> {
    tree(&SERVICE)
}

/// The gateway's templates (`templates/gateway/`), by path.
pub fn embedded_gateway() -> BTreeMap<String, Vec<u8>> {
    tree(&GATEWAY)
}

fn tree(root: &'static Dir<'static>) -> BTreeMap<String, Vec<u8>> {
    let mut entries = Vec::new();
    collect(root, &mut entries);
    entries
        .iter()
        .map(|f| {
            (
                f.path().to_string_lossy().replace('\\', "/"),
                f.contents().to_vec(),
            )
        })
        .collect()
}

fn collect<'a>(dir: &'a Dir<'a>, out: &mut Vec<&'a include_dir::File<'a>>) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(d) => collect(d, out),
            DirEntry::File(f) => out.push(f),
        }
    }
    out.sort_by_key(|f| f.path());
}
