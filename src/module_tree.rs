//! Which Rust files a project's build compiles: the files reached through `mod`
//! declarations from a crate root. A `.rs` file under `src/` or in a folder under
//! `tests/` that no root reaches is dead to the build, and whatever a team wrote in it
//! has silently stopped running; `update` and `check` refuse to leave one (see
//! docs/update.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::Result;

/// The `.rs` files below `src/` and `tests/` that no crate root reaches, sorted.
/// `files` maps every such file's path (relative to the project, `/`-separated) to
/// its text.
pub fn orphans(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut reached = BTreeSet::new();
    let mut stack: Vec<String> = files.keys().filter(|path| is_root(path)).cloned().collect();
    while let Some(path) = stack.pop() {
        if !reached.insert(path.clone()) {
            continue;
        }
        let Some(text) = files.get(&path) else {
            continue;
        };
        let folder = children_folder(&path);
        for declared in declared_modules(text) {
            let candidates = match declared {
                Declared::Module(module) => vec![
                    format!("{folder}{module}.rs"),
                    format!("{folder}{module}/mod.rs"),
                ],
                Declared::Path(relative) => vec![normalize(&format!(
                    "{}/{relative}",
                    path.rsplit_once('/').map_or("", |(dir, _)| dir)
                ))],
            };
            stack.extend(candidates.into_iter().filter(|c| files.contains_key(c)));
        }
    }
    files
        .keys()
        .filter(|path| !reached.contains(*path))
        .cloned()
        .collect()
}

/// The `.rs` files below `dir/src` and `dir/tests`, with their text.
pub fn read_project(dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for top in ["src", "tests"] {
        for path in crate::output::relative_files(&dir.join(top))? {
            if path.ends_with(".rs") {
                let relative = format!("{top}/{path}");
                let text = std::fs::read_to_string(dir.join(&relative))
                    .map_err(|e| crate::error::Error::io(dir.join(&relative), e))?;
                out.insert(relative, text);
            }
        }
    }
    Ok(out)
}

/// What a team can do about each file `orphans` found, one bullet each.
pub fn advice(orphans: &[String]) -> String {
    orphans
        .iter()
        .map(|path| {
            format!(
                "  - {path}: no `mod` declares it, so it is not compiled. Move what you need from \
                 it into a file the build uses (src/custom/ is yours), or declare it with `mod` \
                 in its parent module, or delete it"
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Crate roots cargo finds by itself: the library, the binary and its `src/bin/`
/// siblings, and each integration test (`tests/NAME.rs`, `tests/NAME/main.rs`).
fn is_root(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(
        parts.as_slice(),
        ["src", "lib.rs" | "main.rs"]
            | ["src", "bin", _]
            | ["tests", _]
            | ["src", "bin", _, "main.rs"]
            | ["tests", _, "main.rs"]
    )
}

/// Where the modules a file declares live: beside a crate root or a `mod.rs`, and in
/// the folder named after any other file (`src/a.rs` declares `src/a/b.rs`).
fn children_folder(path: &str) -> String {
    let (folder, file) = path.rsplit_once('/').unwrap_or(("", path));
    if is_root(path) || file == "mod.rs" {
        format!("{folder}/")
    } else {
        format!("{folder}/{}/", file.trim_end_matches(".rs"))
    }
}

/// A module a file declares: by name, found beside it, or by a `#[path]` attribute,
/// relative to the declaring file's folder.
#[derive(Debug, PartialEq, Eq)]
enum Declared {
    Module(String),
    Path(String),
}

/// The modules a file declares as files (`mod name;`, `pub(crate) mod r#type;`, with
/// `#[path = "..."]` on a line before), read from its lines: generated code and
/// rustfmt put each declaration on a line of its own.
fn declared_modules(text: &str) -> Vec<Declared> {
    let mut out = Vec::new();
    let mut path_attribute = None;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#[path") {
            path_attribute = rest.split('"').nth(1).map(str::to_string);
            continue;
        }
        if line.starts_with("#[") {
            continue;
        }
        let attribute = path_attribute.take();
        let Some(name) = module_declaration(line) else {
            continue;
        };
        out.push(match attribute {
            Some(path) => Declared::Path(path),
            None => Declared::Module(name),
        });
    }
    out
}

/// The name a line declares as a module file, if it does.
fn module_declaration(line: &str) -> Option<String> {
    let mut rest = line;
    if let Some(after) = rest.strip_prefix("pub") {
        rest = after.trim_start();
        if rest.starts_with('(') {
            rest = rest[rest.find(')')? + 1..].trim_start();
        }
    }
    let name = rest.strip_prefix("mod ")?.trim().strip_suffix(';')?.trim();
    let name = name.strip_prefix("r#").unwrap_or(name);
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then(|| name.to_string())
}

/// `a/b/../c.rs` as `a/c.rs`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect()
    }

    #[test]
    fn files_reached_from_a_root_are_compiled() {
        let files = tree(&[
            ("src/lib.rs", "pub mod resources;\nmod rules;\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("src/resources/mod.rs", "pub mod books;\n"),
            ("src/resources/books/mod.rs", "pub mod handlers;\n"),
            ("src/resources/books/handlers.rs", "// edited\n"),
            ("src/rules.rs", "pub(crate) mod r#type;\n"),
            ("src/rules/type.rs", ""),
            ("src/bin/tool.rs", "fn main() {}\n"),
            (
                "tests/api/main.rs",
                "#[path = \"../common/mod.rs\"]\nmod common;\nmod books;\n",
            ),
            ("tests/api/books.rs", ""),
            ("tests/common/mod.rs", ""),
        ]);
        assert!(orphans(&files).is_empty(), "{:?}", orphans(&files));
    }

    #[test]
    fn a_file_no_module_declares_is_an_orphan() {
        let files = tree(&[
            ("src/lib.rs", "pub mod resources;\n// mod old;\n"),
            ("src/resources/mod.rs", "pub mod volumes;\n"),
            ("src/resources/volumes/mod.rs", ""),
            ("src/resources/books/handlers.rs", "// the team's edit\n"),
            ("src/old.rs", ""),
            ("tests/api/main.rs", "mod volumes;\n"),
            ("tests/api/volumes.rs", ""),
            ("tests/api/books.rs", "// the team's test\n"),
        ]);
        assert_eq!(
            orphans(&files),
            [
                "src/old.rs",
                "src/resources/books/handlers.rs",
                "tests/api/books.rs"
            ]
        );
    }

    #[test]
    fn declarations_are_read_as_rust_writes_them() {
        let module = |name: &str| Declared::Module(name.to_string());
        assert_eq!(
            declared_modules(
                "mod a;\n  pub mod b;\npub(crate) mod c ;\npub(super) mod r#d;\nmod e {\n// mod f;\n\
                 #[path = \"../x/mod.rs\"]\n#[allow(unused)]\nmod x;\nuse g;\n"
            ),
            [
                module("a"),
                module("b"),
                module("c"),
                module("d"),
                Declared::Path("../x/mod.rs".into())
            ]
        );
        assert_eq!(
            normalize("tests/api/../common/mod.rs"),
            "tests/common/mod.rs"
        );
    }
}
