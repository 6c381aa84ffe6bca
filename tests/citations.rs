//! Every file a comment of the generator or a page of its docs cites by path exists: in the
//! repository, or as a template of the service it generates (`src/app.rs` is
//! `templates/service/src/app.rs.tera`). A split or a rename that leaves a citation behind
//! fails here, naming the file and line.

use std::path::Path;

/// Paths that are examples of a shape, not citations (module_tree's doc comments show how
/// it resolves paths on made-up ones).
const EXAMPLES: &[&str] = &["src/a.rs", "src/a/b.rs", "a/b/../c.rs", "a/c.rs"];

/// Where a cited path may live, relative to the repository's root.
fn candidates(path: &str) -> Vec<String> {
    let mut found = vec![path.to_string(), format!("{path}.tera")];
    for root in [
        "templates/service",
        "templates/service/src",
        "src",
        "templates",
    ] {
        found.push(format!("{root}/{path}"));
        found.push(format!("{root}/{path}.tera"));
    }
    // A resource's module in a generated project (`src/resources/products/handlers.rs`)
    // is rendered from the per-resource templates.
    if let Some(rest) = path.strip_prefix("src/resources/")
        && let Some((_, file)) = rest.split_once('/')
    {
        found.push(format!(
            "templates/service/src/resources/__resource__/{file}.tera"
        ));
    }
    found
}

/// Backticked paths with a folder and a file extension: `spec/routes.rs`, `docs/spec.md`.
fn cited_paths(line: &str) -> Vec<&str> {
    line.split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| {
            quoted.contains('/')
                && !quoted.contains(char::is_whitespace)
                && [".rs", ".md", ".toml", ".tera", ".py"]
                    .iter()
                    .any(|ext| quoted.ends_with(ext))
        })
        .collect()
}

/// A path with a placeholder (`<resource>`, `NAME`, `DIR`, `*`) names a family of files, one
/// under `target/` a file a script writes, one under `.backend-gen/` a generated project's
/// state, which the generator writes in Rust (`src/update/state.rs`), not from a template,
/// and one under `.cargo/` the build settings of a split spec's services (`src/split.rs`).
fn is_placeholder(path: &str) -> bool {
    path.contains(['<', '*', '{'])
        || path.starts_with("target/")
        || path.starts_with(".backend-gen/")
        || path.starts_with(".cargo/")
        || path.split('/').any(|segment| {
            let stem = segment.split('.').next().unwrap_or(segment);
            !stem.is_empty() && stem.chars().all(|c| c.is_ascii_uppercase())
        })
}

fn files(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn every_cited_file_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    files(&root.join("src"), "rs", &mut sources);
    files(&root.join("docs"), "md", &mut sources);
    sources.push(root.join("README.md"));
    assert!(sources.len() > 50, "found the sources: {}", sources.len());
    let mut missing = Vec::new();
    for file in &sources {
        let text = std::fs::read_to_string(file).expect("read a source");
        for (n, line) in text.lines().enumerate() {
            for path in cited_paths(line) {
                if EXAMPLES.contains(&path) || is_placeholder(path) {
                    continue;
                }
                if !candidates(path).iter().any(|c| root.join(c).exists()) {
                    let shown = file.strip_prefix(root).unwrap_or(file).display();
                    missing.push(format!("{shown}:{}: `{path}`", n + 1));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "cited files that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_check_sees_a_missing_file_and_skips_placeholders() {
    let line = "see `spec/routes.rs`, `spec/gone.rs`, `src/jobs/handlers/NAME.rs` and `a b/c.rs`";
    assert_eq!(
        cited_paths(line),
        [
            "spec/routes.rs",
            "spec/gone.rs",
            "src/jobs/handlers/NAME.rs"
        ]
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let exists = |path: &str| candidates(path).iter().any(|c| root.join(c).exists());
    assert!(exists("spec/routes.rs"));
    assert!(exists("src/app.rs"), "a template of the service counts");
    assert!(!exists("spec/gone.rs"));
    assert!(is_placeholder("src/jobs/handlers/NAME.rs"));
    assert!(is_placeholder("src/resources/<resource>/mod.rs"));
    assert!(!is_placeholder("spec/gone.rs"));
}
