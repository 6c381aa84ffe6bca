//! The docs stay navigable: every relative link in the repository's Markdown, and in the
//! Markdown of the projects it generates from the examples, names a file that exists and,
//! where it names a section (`docs/spec.md#relations`), a heading of that file; and every
//! `backend-gen` command in a code block of those pages parses against the CLI, so a
//! reader who copies one gets the command it describes and not a usage error.

use std::path::{Path, PathBuf};

use backend_gen::cli::Cli;
use clap::Parser;

#[path = "support/markdown.rs"]
mod markdown;

use markdown::{Page, anchors, link_targets, prose, slug};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Folders of the repository whose Markdown is not ours to keep: build output, vendored
/// files, test fixtures and insta's snapshots (which hold generated pages as test data).
const SKIPPED: &[&str] = &["target", ".git", "node_modules", "tests/snapshots"];

/// Every `.md` file under `root`, but for the skipped folders.
fn pages(root: &Path, label: &str) -> Vec<Page> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if SKIPPED.iter().any(|s| relative == Path::new(s)) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(Page {
                    name: format!("{label}/{}", relative.display()),
                    text: std::fs::read_to_string(&path).unwrap(),
                    path: relative,
                });
            }
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// Every broken relative link of the pages under `root`, as `page:line: why`.
fn broken_links(root: &Path, label: &str) -> Vec<String> {
    markdown::broken_links(
        &pages(root, label),
        |path| root.join(path).exists(),
        |path| std::fs::read_to_string(root.join(path)).ok(),
    )
}

/// The `backend-gen` commands in the fenced code blocks of a page, without prompts and
/// trailing comments, with their line numbers.
fn commands(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (line_no, line, fenced) in markdown::lines(text) {
        let command = line.trim_start().trim_start_matches("$ ");
        if fenced && command.starts_with("backend-gen ") {
            let command = match command.find(" #") {
                Some(at) => &command[..at],
                None => command,
            };
            // Several commands chained on one line: each is checked on its own.
            for part in command.split("&&") {
                let part = part.trim();
                if part.starts_with("backend-gen ") {
                    found.push((line_no, part.to_string()));
                }
            }
        }
    }
    found
}

/// Every documented command the CLI would refuse, as `page:line: command: why`.
fn refused_commands(root: &Path, label: &str) -> Vec<String> {
    let mut refused = Vec::new();
    for page in pages(root, label) {
        for (line_no, command) in commands(&page.text) {
            let Some(args) = shlex::split(&command) else {
                refused.push(format!(
                    "{}:{line_no}: `{command}`: unbalanced quotes",
                    page.name
                ));
                continue;
            };
            if let Err(e) = Cli::try_parse_from(&args) {
                use clap::error::ErrorKind;
                if !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                    let why = e.to_string();
                    let why = why.lines().next().unwrap_or_default();
                    refused.push(format!("{}:{line_no}: `{command}`: {why}", page.name));
                }
            }
        }
    }
    refused
}

fn assert_none(kind: &str, found: Vec<String>) {
    assert!(
        found.is_empty(),
        "{} {kind}:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_repository_s_links_resolve() {
    assert_none("broken links", broken_links(Path::new(ROOT), "."));
}

#[test]
fn the_repository_s_commands_parse() {
    assert_none("refused commands", refused_commands(Path::new(ROOT), "."));
}

/// Each example generated as `backend-gen new` writes it: the single services' READMEs
/// and docs, and the split's workspace README beside its services'.
#[test]
fn generated_projects_links_resolve_and_commands_parse() {
    let scratch = scratch_dir();
    for example in ["blog", "shop", "shop-services"] {
        let out = scratch.join(example);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_backend-gen"))
            .args(["--quiet", "new", example, "--spec"])
            .arg(Path::new(ROOT).join(format!("examples/{example}.toml")))
            .arg("--output")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "backend-gen new {example} failed");
        assert_none("broken links", broken_links(&out, example));
        assert_none("refused commands", refused_commands(&out, example));
    }
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// A scratch folder of this test's own under the target directory.
fn scratch_dir() -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("doc-links-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn slugs_follow_github() {
    assert_eq!(
        slug(" Round ten: a list page's JSON (issue 71) "),
        "round-ten-a-list-pages-json-issue-71"
    );
    assert_eq!(slug("`Idempotency-Key`"), "idempotency-key");
    let text = "# A\n## Usage\n```\n# not a heading\n```\n## Usage\n";
    let found = anchors(text);
    assert!(
        found.contains("usage") && found.contains("usage-1") && !found.contains("not-a-heading")
    );
}

#[test]
fn links_are_read_from_prose_only() {
    let targets: Vec<String> = prose(
        "see [a](docs/a.md#x) and `[b](not/a/link.md)`\n```\n[c](nor/this.md)\n```\n[d]: e.md",
    )
    .into_iter()
    .flat_map(|(_, line)| link_targets(&line))
    .collect();
    assert_eq!(targets, ["docs/a.md#x", "e.md"]);
}

/// Every decision record is listed in the records' index, so none is found only by chance.
#[test]
fn every_decision_record_is_in_the_index() {
    let dir = Path::new(ROOT).join("docs/decisions");
    let index = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let listed: Vec<String> = prose(&index)
        .into_iter()
        .flat_map(|(_, line)| link_targets(&line))
        .collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && name != "README.md" && !listed.contains(&name) {
            missing.push(name);
        }
    }
    missing.sort();
    assert_none("records missing from docs/decisions/README.md", missing);
}
