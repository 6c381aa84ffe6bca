//! The generated `Cargo.toml`'s default features against the code: every optional
//! dependency the Rust names must be turned on by a default feature.
//!
//! The end-to-end tests build every project with `--all-features`, so that all of them
//! share one build of the dependencies (a project's defaults differ by spec, and each
//! different feature set of, say, tokio would rebuild everything above it). This check is
//! what keeps a team's `cargo build`, which has only the defaults, as sound as that build:
//! it runs on each project the end-to-end tests generate and on every random spec of the
//! property tests.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The optional crates the code names (`regex` in `regex::Regex`, in a `use`, in a
/// macro's tokens or in an attribute's string such as `with = "rust_decimal::serde::str"`)
/// that no default feature turns on, each with the first file naming it.
pub fn crates_without_their_feature(
    manifest: &str,
    files: &BTreeMap<String, String>,
) -> Result<Vec<String>, String> {
    let table: toml::Table = manifest.parse().map_err(|e| format!("Cargo.toml: {e}"))?;
    let off = optional_but_off(&table);
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    for (path, text) in files
        .iter()
        .filter(|(p, _)| p.ends_with(".rs") && (p.starts_with("src/") || p.starts_with("tests/")))
    {
        let file = syn::parse_file(text).map_err(|e| format!("{path}: {e}"))?;
        let mut roots = Roots::default();
        roots.visit_file(&file);
        for root in roots.0.intersection(&off) {
            named.entry(root.clone()).or_insert_with(|| path.clone());
        }
    }
    Ok(named
        .into_iter()
        .map(|(krate, path)| format!("{path} names `{krate}`, which no default feature turns on"))
        .collect())
}

/// Panics naming each optional crate the project in `dir` uses without a default feature.
#[allow(
    dead_code,
    reason = "the end-to-end tests check projects on disk; properties in memory"
)]
pub fn assert_defaults_cover_the_code(dir: &std::path::Path) {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("a Cargo.toml");
    let mut files = super::imports::read_rust_under(dir, "src");
    files.append(&mut super::imports::read_rust_under(dir, "tests"));
    let missing = crates_without_their_feature(&manifest, &files).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        missing.is_empty(),
        "{}: a team's build (default features) would fail:\n{}",
        dir.display(),
        missing.join("\n")
    );
}

/// Optional dependencies (as Rust names: `async_nats`) that `default` leaves off.
fn optional_but_off(table: &toml::Table) -> BTreeSet<String> {
    let features = table.get("features").and_then(|f| f.as_table());
    // What `default` turns on, following features that turn on other features.
    let mut on: BTreeSet<&str> = BTreeSet::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut todo = vec!["default"];
    while let Some(feature) = todo.pop() {
        if !seen.insert(feature) {
            continue;
        }
        let items = features.and_then(|f| f.get(feature)?.as_array());
        for item in items.into_iter().flatten().filter_map(|item| item.as_str()) {
            match item.strip_prefix("dep:") {
                Some(dependency) => {
                    on.insert(dependency);
                }
                None if !item.contains('/') => todo.push(item),
                None => {}
            }
        }
    }
    ["dependencies", "dev-dependencies"]
        .iter()
        .filter_map(|section| table.get(*section)?.as_table())
        .flatten()
        .filter(|(name, dep)| {
            dep.get("optional").and_then(|o| o.as_bool()) == Some(true)
                && !on.contains(name.as_str())
        })
        .map(|(name, _)| name.replace('-', "_"))
        .collect()
}

/// First segments of the paths a file names.
#[derive(Default)]
struct Roots(BTreeSet<String>);

impl Roots {
    fn tokens(&mut self, tokens: TokenStream) {
        let mut previous: Option<String> = None;
        let mut colons = 0;
        for tree in tokens {
            match tree {
                TokenTree::Group(group) => {
                    self.tokens(group.stream());
                    previous = None;
                }
                TokenTree::Ident(ident) => {
                    previous = Some(ident.to_string());
                    colons = 0;
                }
                TokenTree::Punct(punct) if punct.as_char() == ':' => {
                    colons += 1;
                    if colons == 2
                        && let Some(name) = previous.take()
                    {
                        self.0.insert(name.trim_start_matches("r#").to_owned());
                    }
                }
                TokenTree::Literal(literal) => {
                    self.literal(&literal.to_string());
                    previous = None;
                }
                TokenTree::Punct(_) => previous = None,
            }
        }
    }

    /// `"rust_decimal::serde::str"` names `rust_decimal`.
    fn literal(&mut self, text: &str) {
        let text = text.trim_matches('"');
        for (start, _) in text.match_indices("::") {
            let name: String = text[..start]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let whole = start == name.len()
                || !text[..start - name.len()].ends_with(|c: char| c == ':' || c.is_alphanumeric());
            if !name.is_empty() && whole {
                self.0.insert(name);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Roots {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1
            && let Some(first) = path.segments.first()
        {
            self.0
                .insert(first.ident.to_string().trim_start_matches("r#").to_owned());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                self.0
                    .insert(p.ident.to_string().trim_start_matches("r#").to_owned());
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.visit_use_tree(t)),
            _ => {}
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if let syn::Meta::List(list) = &attr.meta {
            self.tokens(list.tokens.clone());
        }
        syn::visit::visit_attribute(self, attr);
    }
}
