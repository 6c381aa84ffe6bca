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
    let mut formatted_at = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let Some(file) = files.get(path) else {
            continue;
        };
        let at = match Role::of(path) {
            Role::Root => {
                arguments.push(path.clone());
                path.clone()
            }
            Role::Module => path.clone(),
            Role::SharedTestModule => {
                // Every test crate declares `mod common;`, and rustfmt formats the modules
                // of each file it is given: the real module there would be formatted once
                // per test file, which grows with the spec, so generation would take time
                // in the square of it. The test crates see an empty stub; the module itself
                // is formatted once, on its own.
                write(&root.join(path), "")?;
                let alone = format!("shared-test-modules/{i}.rs");
                arguments.push(alone.clone());
                alone
            }
        };
        write(&root.join(&at), &file.contents)?;
        formatted_at.push((path.clone(), at));
    }
    run_in_parallel(&program, root, &arguments)?;
    for (path, at) in formatted_at {
        let full = root.join(at);
        let text = std::fs::read_to_string(&full).map_err(|e| Error::io(&full, e))?;
        files.replace_contents(&path, text);
    }
    Ok(Layout::Rustfmt(version))
}

/// How a generated Rust file reaches rustfmt, which formats each file it is given and,
/// through their `mod` items, every module below it (as `cargo fmt` does from each target).
enum Role {
    /// A crate root (`src/lib.rs`, `src/main.rs`, `build.rs`, a test crate): given to rustfmt.
    Root,
    /// A module of the library or binary: formatted through its crate root, once.
    Module,
    /// A module in a folder of `tests/` (`tests/common/mod.rs`), shared by every test crate.
    SharedTestModule,
}

impl Role {
    fn of(path: &str) -> Role {
        match path.split_once('/') {
            Some(("src", "lib.rs" | "main.rs")) => Role::Root,
            Some(("src", _)) => Role::Module,
            Some(("tests", rest)) if rest.contains('/') => Role::SharedTestModule,
            _ => Role::Root,
        }
    }
}

/// Splits `paths` into one batch per core and formats the batches at once.
fn run_in_parallel(program: &Path, root: &Path, paths: &[String]) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let batch = paths.len().div_ceil(cores);
    std::thread::scope(|scope| {
        let runs: Vec<_> = paths
            .chunks(batch)
            .map(|chunk| scope.spawn(move || run(program, root, chunk)))
            .collect();
        runs.into_iter().try_for_each(|run| {
            run.join()
                .unwrap_or_else(|_| Err(internal("rustfmt thread panicked")))
        })
    })
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
    fn modules_and_the_shared_test_module_are_formatted_once_each() {
        let mut files = one_file("mod a;\npub fn  f(){}\n");
        files.insert("src/a.rs", "pub fn  g(){}\n", Owner::Generator);
        files.insert(
            "tests/x.rs",
            "mod common;\n#[test]\nfn  t(){}\n",
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
            text("tests/x.rs").as_deref(),
            Some("mod common;\n#[test]\nfn t() {}\n")
        );
    }

    #[test]
    fn invalid_rust_is_an_error_not_a_project() {
        let mut files = one_file("pub fn f( {\n");
        let err = format_rust(&mut files).expect_err("unparsable Rust is refused");
        assert!(err.to_string().contains("backend-gen bug"), "{err}");
    }
}
