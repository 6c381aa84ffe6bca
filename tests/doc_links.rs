//! The docs stay navigable: every relative link in the repository's Markdown, and in the
//! Markdown of the projects it generates from the examples, names a file that exists and,
//! where it names a section (`docs/spec.md#relations`), a heading of that file; and every
//! `backend-gen` command in a code block of those pages parses against the CLI, so a
//! reader who copies one gets the command it describes and not a usage error.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use backend_gen::cli::Cli;
use clap::Parser;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Folders of the repository whose Markdown is not ours to keep: build output, vendored
/// files, test fixtures and insta's snapshots (which hold generated pages as test data).
const SKIPPED: &[&str] = &["target", ".git", "node_modules", "tests/snapshots"];

/// A Markdown page and where its links resolve from.
struct Page {
    /// How a failure names it.
    name: String,
    /// Its path relative to the tree's root.
    path: PathBuf,
    text: String,
}

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

/// The page's lines outside fenced code blocks, with inline code spans blanked out (a
/// link inside backticks is an example, not a link).
fn prose(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut kept = String::new();
        for (j, part) in line.split('`').enumerate() {
            if j % 2 == 0 {
                kept.push_str(part);
            } else {
                kept.push_str(&" ".repeat(part.len() + 2));
            }
        }
        out.push((i + 1, kept));
    }
    out
}

/// The targets of inline links (`[text](target)`, `![alt](target)`) and of reference
/// definitions (`[label]: target`) on a line.
fn link_targets(line: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        let target = after[..end].split_whitespace().next().unwrap_or("");
        targets.push(target.trim_matches(['<', '>']).to_string());
        rest = &after[end..];
    }
    let trimmed = line.trim_start();
    if trimmed.starts_with('[')
        && let Some((label, target)) = trimmed.split_once("]:")
        && !label.contains(']')
    {
        targets.push(target.split_whitespace().next().unwrap_or("").to_string());
    }
    targets
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces made hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors a page's headings give, numbered the way GitHub numbers repeated ones.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let base = slug(line.trim_start_matches('#'));
        let mut anchor = base.clone();
        let mut n = 0;
        while seen.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        seen.insert(anchor);
    }
    seen
}

/// `a/b/../c` as `a/c`; `None` for a path that climbs out of the tree.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// Every broken relative link of the pages under `root`, as `page:line: why`.
fn broken_links(root: &Path, label: &str) -> Vec<String> {
    let pages = pages(root, label);
    let mut broken = Vec::new();
    for page in &pages {
        for (line_no, line) in prose(&page.text) {
            for target in link_targets(&line) {
                if target.is_empty()
                    || target.contains("://")
                    || target.starts_with("mailto:")
                    || target.starts_with('/')
                {
                    continue;
                }
                let (file, anchor) = match target.split_once('#') {
                    Some((file, anchor)) => (file, Some(anchor)),
                    None => (target.as_str(), None),
                };
                let where_ = format!("{}:{line_no}: `{target}`", page.name);
                let resolved = if file.is_empty() {
                    Some(page.path.clone())
                } else {
                    normalize(&page.path.parent().unwrap_or(Path::new("")).join(file))
                };
                let Some(resolved) = resolved else {
                    broken.push(format!("{where_} leaves the tree"));
                    continue;
                };
                let on_disk = root.join(&resolved);
                if !on_disk.exists() {
                    broken.push(format!("{where_}: no such file {}", resolved.display()));
                    continue;
                }
                if let Some(anchor) = anchor
                    && on_disk.extension().is_some_and(|e| e == "md")
                {
                    let text = std::fs::read_to_string(&on_disk).unwrap();
                    if !anchors(&text).contains(anchor) {
                        broken.push(format!(
                            "{where_}: {} has no heading with the anchor #{anchor}",
                            resolved.display()
                        ));
                    }
                }
            }
        }
    }
    broken
}

/// The `backend-gen` commands in the fenced code blocks of a page, without prompts and
/// trailing comments, with their line numbers.
fn commands(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
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
                    found.push((i + 1, part.to_string()));
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
