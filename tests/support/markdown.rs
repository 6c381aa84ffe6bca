//! Relative links in Markdown: which ones a tree of pages breaks. Shared by the docs' own
//! check (`tests/doc_links.rs`, on disk) and the property test (`tests/properties.rs`, on
//! every random spec's rendered files), so a page a spec's features leave out is never
//! linked to.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// A Markdown page and where its links resolve from.
pub struct Page {
    /// How a failure names it.
    pub name: String,
    /// Its path relative to the tree's root.
    pub path: PathBuf,
    pub text: String,
}

/// The page's lines with their numbers and whether they are inside a fenced code block;
/// the fence lines themselves are left out.
pub fn lines(text: &str) -> Vec<(usize, &str, bool)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else {
            out.push((i + 1, line, fenced));
        }
    }
    out
}

/// The page's lines outside fenced code blocks, with inline code spans blanked out (a
/// link inside backticks is an example, not a link).
pub fn prose(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (line_no, line, fenced) in lines(text) {
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
        out.push((line_no, kept));
    }
    out
}

/// The targets of inline links (`[text](target)`, `![alt](target)`) and of reference
/// definitions (`[label]: target`) on a line.
pub fn link_targets(line: &str) -> Vec<String> {
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
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors a page's headings give, numbered the way GitHub numbers repeated ones.
pub fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for (_, line, fenced) in lines(text) {
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

/// Every broken relative link of `pages`, as `page:line: why`: a link names a path that
/// `exists` does not know, or a heading anchor that the Markdown `text_of` that path gives
/// has not.
pub fn broken_links(
    pages: &[Page],
    exists: impl Fn(&Path) -> bool,
    text_of: impl Fn(&Path) -> Option<String>,
) -> Vec<String> {
    let mut broken = Vec::new();
    for page in pages {
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
                if !exists(&resolved) {
                    broken.push(format!("{where_}: no such file {}", resolved.display()));
                    continue;
                }
                if let Some(anchor) = anchor
                    && resolved.extension().is_some_and(|e| e == "md")
                    && let Some(text) = text_of(&resolved)
                    && !anchors(&text).contains(anchor)
                {
                    broken.push(format!(
                        "{where_}: {} has no heading with the anchor #{anchor}",
                        resolved.display()
                    ));
                }
            }
        }
    }
    broken
}
