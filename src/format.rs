//! Formats the generated Rust with rustfmt, so `cargo fmt --check` holds in
//! the generated project for every spec, whatever the length of its names.
//!
//! Why a formatter and not only hand layout: rustfmt's width heuristics
//! interact (a long name moves a call onto several lines, which changes the
//! width of the chain around it...), and reproducing them by hand in
//! `layout.rs` held for the examples but not for the space of specs. rustfmt
//! ships with every rustup toolchain; where it is missing, the hand layout of
//! the templates is kept and the user is told to run `cargo fmt` once.
//!
//! All files go to one temporary tree and through a few rustfmt processes (one
//! per core), not one process per file: spawning dominates for small files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::output::FileSet;

/// The edition the generated `Cargo.toml` declares: rustfmt must parse with it.
const EDITION: &str = "2024";

/// How the generated Rust was laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Formatted by this rustfmt (its `--version` line).
    Rustfmt(String),
    /// rustfmt could not be run; the templates' own layout is kept.
    HandLayout { why: String },
}

/// The rustfmt to run: `$RUSTFMT` when set (as `cargo fmt` does), else the
/// one on `PATH`.
fn rustfmt_program() -> PathBuf {
    std::env::var_os("RUSTFMT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("rustfmt"))
}

/// Formats every `.rs` file of `files` in place. A rustfmt that runs but
/// cannot parse a file means the generator wrote invalid Rust: that is an
/// error, so no broken project is written.
pub fn format_rust(files: &mut FileSet) -> Result<Layout> {
    let program = rustfmt_program();
    let version = match Command::new(&program).arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        Ok(out) => {
            return Ok(Layout::HandLayout {
                why: first_line(&String::from_utf8_lossy(&out.stderr)),
            });
        }
        Err(e) => {
            return Ok(Layout::HandLayout {
                why: format!("cannot run {}: {e}", program.display()),
            });
        }
    };
    let paths: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(path, _)| path.clone())
        .collect();
    if paths.is_empty() {
        return Ok(Layout::Rustfmt(version));
    }
    let dir = tempfile::Builder::new()
        .prefix("backend-gen-fmt")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let root = dir.path();
    // An empty config at the root stops rustfmt from picking up a
    // `rustfmt.toml` from the temporary directory's ancestors: the output
    // must be rustfmt's defaults, which is what the project is checked with.
    write(&root.join("rustfmt.toml"), "")?;
    let mut arguments = Vec::new();
    for path in &paths {
        let Some(file) = files.get(path) else {
            continue;
        };
        if is_crate_root(path) {
            arguments.push(path.clone());
        }
        write(&root.join(path), &file.contents)?;
    }
    run_in_parallel(&program, root, &arguments)?;
    for path in paths {
        let full = root.join(&path);
        let text = std::fs::read_to_string(&full).map_err(|e| Error::io(&full, e))?;
        files.replace_contents(&path, text);
    }
    Ok(Layout::Rustfmt(version))
}

/// Whether rustfmt is given `path` itself: a crate root (`src/lib.rs`, `src/main.rs`,
/// `build.rs`, a test crate: `tests/api/main.rs`, `tests/logs.rs`). rustfmt formats the
/// modules below each file it is given through their `mod` items (as `cargo fmt` does from
/// each target), so a module (`src/…`, `tests/api/http.rs`, `tests/common/mod.rs`) is
/// formatted through its root.
fn is_crate_root(path: &str) -> bool {
    match path.split_once('/') {
        Some(("src", rest)) => matches!(rest, "lib.rs" | "main.rs"),
        Some(("tests", rest)) => match rest.split_once('/') {
            Some((_, file)) => file == "main.rs",
            None => true,
        },
        _ => true,
    }
}

/// Formats the crate roots in a few rustfmt processes at once (see [`batches`]).
fn run_in_parallel(program: &Path, root: &Path, roots: &[String]) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    std::thread::scope(|scope| {
        let runs: Vec<_> = batches(roots, cores)
            .into_iter()
            .map(|batch| scope.spawn(move || run(program, root, &batch)))
            .collect();
        runs.into_iter().try_for_each(|run| {
            run.join()
                .unwrap_or_else(|_| Err(internal("rustfmt thread panicked")))
        })
    })
}

/// The crate roots split into about one batch per core. The test crates go into one batch
/// together: they share `tests/common/mod.rs`, which two rustfmt processes must not rewrite
/// at the same time (one process formats it for each root in turn).
fn batches(roots: &[String], cores: usize) -> Vec<Vec<String>> {
    let (tests, others): (Vec<String>, Vec<String>) = roots
        .iter()
        .cloned()
        .partition(|path| path.starts_with("tests/"));
    let size = others.len().div_ceil(cores.saturating_sub(1).max(1)).max(1);
    std::iter::once(tests)
        .chain(others.chunks(size).map(<[String]>::to_vec))
        .filter(|batch| !batch.is_empty())
        .collect()
}

fn run(program: &Path, root: &Path, paths: &[String]) -> Result<()> {
    let out = Command::new(program)
        .current_dir(root)
        .args(["--edition", EDITION, "--config-path", "rustfmt.toml"])
        .args(paths)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| internal(&format!("cannot run {}: {e}", program.display())))?;
    if out.status.success() {
        return Ok(());
    }
    Err(internal(&format!(
        "rustfmt rejected the generated code (a backend-gen bug: please report it with your spec):\n{}",
        String::from_utf8_lossy(&out.stderr).trim_end()
    )))
}

fn write(path: &Path, contents: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, contents).map_err(|e| Error::io(path, e))
}

fn internal(message: &str) -> Error {
    Error::Template {
        template: "generated Rust".into(),
        message: message.to_string(),
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("rustfmt failed")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Owner;

    fn one_file(contents: &str) -> FileSet {
        let mut files = FileSet::default();
        files.insert("src/lib.rs", contents, Owner::Generator);
        files.insert("README.md", "# not   rust\n", Owner::Generator);
        files
    }

    #[test]
    fn formats_rust_files_and_leaves_the_rest() {
        let mut files = one_file("pub fn  f( a:u8)->u8{a}\n");
        let layout = format_rust(&mut files).expect("rustfmt runs or is missing");
        if let Layout::HandLayout { why } = layout {
            // The test suite installs rustfmt (scripts/test); without it there is nothing to test.
            panic!("rustfmt is needed to test formatting: {why}");
        }
        assert_eq!(
            files.get("src/lib.rs").map(|f| f.contents.as_str()),
            Some("pub fn f(a: u8) -> u8 {\n    a\n}\n")
        );
        assert_eq!(
            files.get("README.md").map(|f| f.contents.as_str()),
            Some("# not   rust\n")
        );
    }

    #[test]
    fn modules_are_formatted_through_their_crate_roots() {
        let mut files = one_file("mod a;\npub fn  f(){}\n");
        files.insert("src/a.rs", "pub fn  g(){}\n", Owner::Generator);
        files.insert(
            "tests/api/main.rs",
            "#[path = \"../common/mod.rs\"]\nmod common;\nmod x;\n",
            Owner::Generator,
        );
        files.insert("tests/api/x.rs", "#[test]\nfn  t(){}\n", Owner::Generator);
        files.insert(
            "tests/y.rs",
            "mod common;\n#[test]\nfn  u(){}\n",
            Owner::Generator,
        );
        files.insert("tests/common/mod.rs", "pub fn  h(){}\n", Owner::Generator);
        format_rust(&mut files).expect("rustfmt runs");
        let text = |path: &str| files.get(path).map(|f| f.contents.clone());
        assert_eq!(text("src/a.rs").as_deref(), Some("pub fn g() {}\n"));
        assert_eq!(
            text("tests/common/mod.rs").as_deref(),
            Some("pub fn h() {}\n")
        );
        assert_eq!(
            text("tests/api/x.rs").as_deref(),
            Some("#[test]\nfn t() {}\n")
        );
        assert!(is_crate_root("tests/api/main.rs") && is_crate_root("tests/x.rs"));
        let roots = [
            "src/lib.rs",
            "tests/api/main.rs",
            "src/main.rs",
            "tests/x.rs",
        ]
        .map(String::from);
        assert_eq!(
            batches(&roots, 2),
            [
                vec!["tests/api/main.rs", "tests/x.rs"],
                vec!["src/lib.rs", "src/main.rs"]
            ]
        );
        assert_eq!(
            text("tests/y.rs").as_deref(),
            Some("mod common;\n#[test]\nfn u() {}\n")
        );
        assert!(!is_crate_root("tests/api/x.rs") && !is_crate_root("tests/common/mod.rs"));
    }

    #[test]
    fn invalid_rust_is_an_error_not_a_project() {
        let mut files = one_file("pub fn f( {\n");
        let err = format_rust(&mut files).expect_err("unparsable Rust is refused");
        assert!(err.to_string().contains("backend-gen bug"), "{err}");
    }
}
