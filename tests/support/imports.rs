//! Import cycles between a generated project's modules, found with `syn`.
//!
//! Every `src/**/*.rs` file of the library is a node (`src/main.rs` is another crate).
//! An edge goes from a file to the file that defines what it names through `use crate::`,
//! `use super::`, `use self::`, a child module's name, or an inline path in code, a macro's
//! tokens or a non-doc attribute (`#[serde(serialize_with = "crate::rfc3339::serialize")]`).
//! A `pub use` re-export is followed to the file that defines the name, so `crate::Config`
//! depends on `config.rs`, not on `lib.rs`; `mod x;` declarations are no edge. `#[cfg(test)]`
//! modules count: a cycle through tests is still a tangle a reader has to hold.
//!
//! The generated service's rule: no cycle except among the files of one resource's folder
//! (`src/resources/<m>/`), which is one unit a team reads together.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use syn::visit::Visit;

/// A module path below the crate root: `["resources", "posts", "repo"]`.
type ModulePath = Vec<String>;

/// The cycles that break the rule, each as the files of one cycle in order
/// (`a -> b -> a`). `files` maps project-relative paths (`src/app.rs`) to their text;
/// files outside `src/` and `src/main.rs` are left out.
pub fn forbidden_cycles(files: &BTreeMap<String, String>) -> Vec<String> {
    Graph::build(files, Tests::InTheirFile).cycles(|component| !one_resource(component))
}

/// Every cycle among groups of files, each as one cycle in order with the file paths that
/// make each step. `group_of` names a file's group (`src/spec/validate.rs` → `spec`), or
/// `None` to leave the file out; a file's imports of its own group are no edge.
#[allow(
    dead_code,
    reason = "backend-gen's own layering test; the generated projects' tests check files"
)]
pub fn cycles_between_groups(
    files: &BTreeMap<String, String>,
    group_of: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    Graph::build(files, Tests::InTheirFile)
        .grouped(group_of)
        .cycles(|_| true)
}

/// Every cycle among the library's modules, each as the files of one cycle in order with
/// the path that makes each step. A module is a file (`src/spec/mod.rs` is `spec`), also
/// inside a folder; a file's inline `#[cfg(test)]` module is a node of its own, as a
/// `tests.rs` child is, so a module's tests may use their parent (and whatever the tests
/// need to build an input) without making a cycle.
#[allow(
    dead_code,
    reason = "backend-gen's own layering test; the generated projects' tests check files"
)]
pub fn cycles_between_modules(files: &BTreeMap<String, String>) -> Vec<String> {
    Graph::build(files, Tests::Apart).cycles(|_| true)
}

/// The library's `.rs` files below `dir/src`, with their text.
#[allow(
    dead_code,
    reason = "the end-to-end tests check projects on disk; properties in memory"
)]
pub fn read_sources(dir: &std::path::Path) -> BTreeMap<String, String> {
    read_rust_under(dir, "src")
}

/// The `.rs` files under `dir/folder`, keyed by their paths from `dir` (`tests/api/main.rs`).
#[allow(
    dead_code,
    reason = "the end-to-end tests check projects on disk; properties in memory"
)]
pub fn read_rust_under(dir: &std::path::Path, folder: &str) -> BTreeMap<String, String> {
    fn walk(dir: &std::path::Path, relative: &str, out: &mut BTreeMap<String, String>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let entry = entry.expect("a directory entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{relative}/{name}");
            if entry.path().is_dir() {
                walk(&entry.path(), &path, out);
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(entry.path()).expect("a readable source file");
                out.insert(path, text);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&dir.join(folder), folder, &mut out);
    out
}

/// Panics listing every forbidden cycle among the generated project's modules in `dir`.
#[allow(
    dead_code,
    reason = "the end-to-end tests check projects on disk; properties in memory"
)]
pub fn assert_no_cycle(dir: &std::path::Path) {
    let cycles = forbidden_cycles(&read_sources(dir));
    assert!(
        cycles.is_empty(),
        "{}: modules import each other in a circle (only one resource's folder may):\n{}",
        dir.display(),
        cycles.join("\n")
    );
}

/// Every file of the component is in the same `src/resources/<m>/` folder.
fn one_resource(component: &[String]) -> bool {
    let folder = |path: &str| -> Option<String> {
        let rest = path.strip_prefix("src/resources/")?;
        let (resource, _) = rest.split_once('/')?;
        Some(resource.to_string())
    };
    let first = folder(&component[0]);
    first.is_some() && component.iter().all(|path| folder(path) == first)
}

/// The module a library file defines: `src/lib.rs` is the root (`[]`), `src/a/mod.rs` and
/// `src/a.rs` are `["a"]`.
fn module_of(path: &str) -> Option<ModulePath> {
    let stem = path.strip_prefix("src/")?.strip_suffix(".rs")?;
    if stem == "main" || stem.starts_with("bin/") {
        return None;
    }
    if stem == "lib" {
        return Some(Vec::new());
    }
    let stem = stem.strip_suffix("/mod").unwrap_or(stem);
    Some(stem.split('/').map(str::to_string).collect())
}

struct Graph {
    /// File path to the files it depends on, with one path that names each.
    edges: BTreeMap<String, BTreeMap<String, String>>,
}

/// Where the imports of a file's inline `#[cfg(test)]` modules go.
#[derive(Clone, Copy, PartialEq)]
enum Tests {
    /// They are the file's own: a generated project's cycle through tests is still a tangle.
    InTheirFile,
    /// Each is its own node, `src/a.rs::tests` (as a `tests.rs` child would be).
    Apart,
}

/// The library's files by module, and what each file re-exports.
struct Crate {
    files: BTreeMap<ModulePath, String>,
    /// Per file, `pub use` names to the absolute path they stand for.
    reexports: BTreeMap<String, BTreeMap<String, ModulePath>>,
}

impl Crate {
    /// The file that defines what `path` (absolute) names, following re-exports.
    fn resolve(&self, path: &[String]) -> Option<String> {
        self.resolve_within(path, 8)
    }

    fn resolve_within(&self, path: &[String], depth: usize) -> Option<String> {
        let prefix = (0..=path.len())
            .rev()
            .find(|&n| self.files.contains_key(&path[..n]))?;
        let file = &self.files[&path[..prefix]];
        let rest = &path[prefix..];
        if depth > 0
            && let Some(first) = rest.first()
            && let Some(target) = self.reexports.get(file).and_then(|r| r.get(first))
        {
            let mut followed = target.clone();
            followed.extend_from_slice(&rest[1..]);
            if followed != path {
                return self.resolve_within(&followed, depth - 1);
            }
        }
        Some(file.clone())
    }

    fn is_module(&self, path: &[String]) -> bool {
        self.files.contains_key(path)
    }
}

impl Graph {
    fn build(files: &BTreeMap<String, String>, tests: Tests) -> Graph {
        let parsed: Vec<(String, ModulePath, syn::File)> = files
            .iter()
            .filter_map(|(path, text)| {
                let module = module_of(path)?;
                let ast =
                    syn::parse_file(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
                Some((path.clone(), module, ast))
            })
            .collect();
        let mut krate = Crate {
            files: parsed
                .iter()
                .map(|(path, module, _)| (module.clone(), path.clone()))
                .collect(),
            reexports: BTreeMap::new(),
        };
        // Re-exports first: another file's path may go through them.
        for (path, module, ast) in &parsed {
            let mut found = BTreeMap::new();
            for item in &ast.items {
                if let syn::Item::Use(item) = item
                    && !matches!(item.vis, syn::Visibility::Inherited)
                {
                    for (name, segments) in flatten(&item.tree) {
                        let scope = Scope {
                            krate: &krate,
                            module,
                            inline: &[],
                            aliases: &BTreeMap::new(),
                        };
                        if let (Some(name), Some(absolute)) = (name, scope.absolute(&segments)) {
                            found.insert(name, absolute);
                        }
                    }
                }
            }
            krate.reexports.insert(path.clone(), found);
        }
        let mut edges = BTreeMap::new();
        for (path, module, ast) in &parsed {
            let mut collector = Collector {
                krate: &krate,
                module,
                inline: Vec::new(),
                aliases: BTreeMap::new(),
                targets: BTreeMap::new(),
                tests,
                test_module: None,
                test_targets: BTreeMap::new(),
            };
            collector.visit_file(ast);
            collector.targets.remove(path);
            edges.insert(path.clone(), collector.targets);
            for (test_module, targets) in collector.test_targets {
                edges.insert(format!("{path}::{test_module}"), targets);
            }
        }
        Graph { edges }
    }

    /// The graph between groups of files: an edge for each file edge that leaves its group,
    /// labelled with the files and the path that make it.
    fn grouped(&self, group_of: impl Fn(&str) -> Option<String>) -> Graph {
        let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (file, targets) in &self.edges {
            let Some(group) = group_of(file) else {
                continue;
            };
            let out = edges.entry(group.clone()).or_default();
            for (target, path) in targets {
                match group_of(target) {
                    Some(target_group) if target_group != group => {
                        out.entry(target_group)
                            .or_insert_with(|| format!("{file} -> {target}: {path}"));
                    }
                    _ => {}
                }
            }
        }
        Graph { edges }
    }

    /// One cycle of each component of several nodes that `counts`, described.
    fn cycles(&self, counts: impl Fn(&[String]) -> bool) -> Vec<String> {
        self.components()
            .into_iter()
            .filter(|component| component.len() > 1 && counts(component))
            .map(|component| self.describe_cycle(&component))
            .collect()
    }

    /// Strongly connected components (Tarjan), each sorted.
    fn components(&self) -> Vec<Vec<String>> {
        struct State<'g> {
            graph: &'g Graph,
            index: BTreeMap<&'g str, usize>,
            low: BTreeMap<&'g str, usize>,
            stack: Vec<&'g str>,
            on_stack: BTreeSet<&'g str>,
            out: Vec<Vec<String>>,
        }
        fn connect<'g>(state: &mut State<'g>, node: &'g str) {
            let next = state.index.len();
            state.index.insert(node, next);
            state.low.insert(node, next);
            state.stack.push(node);
            state.on_stack.insert(node);
            for target in state.graph.edges[node].keys() {
                let target = target.as_str();
                if !state.graph.edges.contains_key(target) {
                    continue;
                }
                if !state.index.contains_key(target) {
                    connect(state, target);
                    let low = state.low[node].min(state.low[target]);
                    state.low.insert(node, low);
                } else if state.on_stack.contains(target) {
                    let low = state.low[node].min(state.index[target]);
                    state.low.insert(node, low);
                }
            }
            if state.low[node] == state.index[node] {
                let mut component = Vec::new();
                while let Some(member) = state.stack.pop() {
                    state.on_stack.remove(member);
                    component.push(member.to_string());
                    if member == node {
                        break;
                    }
                }
                component.sort();
                state.out.push(component);
            }
        }
        let mut state = State {
            graph: self,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            out: Vec::new(),
        };
        for node in self.edges.keys() {
            if !state.index.contains_key(node.as_str()) {
                connect(&mut state, node);
            }
        }
        state.out
    }

    /// One cycle through the component's first file (shortest, by breadth-first search),
    /// each step with the path that makes it, and the component's other files.
    fn describe_cycle(&self, component: &[String]) -> String {
        let members: BTreeSet<&str> = component.iter().map(String::as_str).collect();
        let start = component[0].as_str();
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut last = None;
        'search: while let Some(node) = queue.pop_front() {
            for target in self.edges[node].keys() {
                let target = target.as_str();
                if !members.contains(target) {
                    continue;
                }
                if target == start {
                    last = Some(node);
                    break 'search;
                }
                if !came_from.contains_key(target) {
                    came_from.insert(target, node);
                    queue.push_back(target);
                }
            }
        }
        let mut back = Vec::new();
        let mut node = last.expect("a component of several files has a cycle");
        while node != start {
            back.push(node);
            node = came_from[node];
        }
        let cycle: Vec<&str> = [start]
            .into_iter()
            .chain(back.into_iter().rev())
            .chain([start])
            .collect();
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|pair| {
                format!(
                    "{} -> {} ({})",
                    pair[0], pair[1], self.edges[pair[0]][pair[1]]
                )
            })
            .collect();
        format!(
            "import cycle among {} modules:\n    {}\n  all of them: {}",
            component.len(),
            steps.join("\n    "),
            component.join(", ")
        )
    }
}

/// Each path a use tree imports: the name it brings in (none for a glob) and its segments.
fn flatten(tree: &syn::UseTree) -> Vec<(Option<String>, Vec<String>)> {
    fn walk(
        tree: &syn::UseTree,
        prefix: &mut Vec<String>,
        out: &mut Vec<(Option<String>, Vec<String>)>,
    ) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, out);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut path = prefix.clone();
                if name == "self" {
                    out.push((prefix.last().cloned(), path));
                } else {
                    path.push(name.clone());
                    out.push((Some(name), path));
                }
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                out.push((Some(r.rename.to_string()), path));
            }
            syn::UseTree::Glob(_) => out.push((None, prefix.clone())),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    walk(item, prefix, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
}

/// Where a path is read: the file's module, the inline modules around it, the file's
/// imported module names.
struct Scope<'a> {
    krate: &'a Crate,
    module: &'a [String],
    inline: &'a [String],
    aliases: &'a BTreeMap<String, ModulePath>,
}

impl Scope<'_> {
    /// The absolute path `segments` stands for, when it names something in this crate.
    fn absolute(&self, segments: &[String]) -> Option<ModulePath> {
        let (first, rest) = segments.split_first()?;
        let mut here: ModulePath = self.module.to_vec();
        here.extend_from_slice(self.inline);
        match first.as_str() {
            "crate" | "$crate" => Some(rest.to_vec()),
            "self" => Some([here, rest.to_vec()].concat()),
            "super" => {
                let mut base = here;
                base.pop()?;
                let mut rest = rest;
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop()?;
                    rest = &rest[1..];
                }
                Some([base, rest.to_vec()].concat())
            }
            _ => {
                if let Some(target) = self.aliases.get(first) {
                    return Some([target.clone(), rest.to_vec()].concat());
                }
                // A child module of the file's module, named without `self::`.
                let mut child = self.module.to_vec();
                child.push(first.clone());
                self.krate
                    .is_module(&child)
                    .then(|| [child, rest.to_vec()].concat())
            }
        }
    }
}

struct Collector<'a> {
    krate: &'a Crate,
    module: &'a [String],
    inline: Vec<String>,
    aliases: BTreeMap<String, ModulePath>,
    /// Files depended on, each with the first path that names it.
    targets: BTreeMap<String, String>,
    tests: Tests,
    /// With `Tests::Apart`, the inline `#[cfg(test)]` module being read (`tests`, or
    /// `inner::tests`), whose imports go to `test_targets` instead.
    test_module: Option<String>,
    test_targets: BTreeMap<String, BTreeMap<String, String>>,
}

impl Collector<'_> {
    fn scope(&self) -> Scope<'_> {
        Scope {
            krate: self.krate,
            module: self.module,
            inline: &self.inline,
            aliases: &self.aliases,
        }
    }

    fn add(&mut self, segments: &[String]) -> Option<ModulePath> {
        let absolute = self.scope().absolute(segments)?;
        let file = self.krate.resolve(&absolute)?;
        let targets = match &self.test_module {
            Some(test_module) => self.test_targets.entry(test_module.clone()).or_default(),
            None => &mut self.targets,
        };
        targets.entry(file).or_insert_with(|| segments.join("::"));
        Some(absolute)
    }

    /// Paths spelled in tokens syn does not parse (a macro's arguments, an attribute): runs
    /// of identifiers joined by `::` that start with `crate`, `$crate`, `super`, `self`, an
    /// imported module's name or a child module's (`webhooks::ACTIVE` inside `with_pool!`).
    /// A macro's string literals are skipped; an attribute's are read
    /// (`serialize_with = "crate::rfc3339::serialize"`).
    fn add_tokens(&mut self, text: &str, read_strings: bool) {
        let text = if read_strings {
            text.replace('"', " ")
        } else {
            without_strings(text)
        };
        let words: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || "(){}[],;&!*<>=.|'?#".contains(c))
            .flat_map(|w| split_colons(w))
            .filter(|w| !w.is_empty())
            .collect();
        let mut i = 0;
        while i < words.len() {
            let starts = matches!(words[i], "crate" | "$crate" | "super" | "self")
                || (is_ident(words[i]) && words.get(i + 1) == Some(&"::"));
            if starts {
                let mut segments = vec![words[i].to_string()];
                let mut j = i + 1;
                while j + 1 < words.len() && words[j] == "::" && is_ident(words[j + 1]) {
                    segments.push(words[j + 1].to_string());
                    j += 2;
                }
                if segments.len() > 1 {
                    self.add(&segments);
                }
                i = j;
            } else {
                i += 1;
            }
        }
    }
}

/// `#[cfg(test)]`.
fn is_cfg_test(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg")
        && matches!(&attr.meta, syn::Meta::List(list) if list.tokens.to_string() == "test")
}

/// `a::b` as `a`, `::`, `b`.
fn split_colons(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = word;
    while let Some(at) = rest.find("::") {
        out.push(&rest[..at]);
        out.push("::");
        rest = &rest[at + 2..];
    }
    out.push(rest);
    out
}

fn is_ident(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && word.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The text with its string literals blanked (escapes honoured; raw strings as far as
/// their quotes go).
fn without_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            out.push(' ');
        } else if c == '"' {
            in_string = true;
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        for attr in &item.attrs {
            self.visit_attribute(attr);
        }
        if let Some((_, items)) = &item.content {
            self.inline.push(item.ident.to_string());
            let opens_tests = self.tests == Tests::Apart
                && self.test_module.is_none()
                && item.attrs.iter().any(is_cfg_test);
            if opens_tests {
                self.test_module = Some(self.inline.join("::"));
                // The module's own node, even when it imports nothing from the crate.
                self.test_targets.entry(self.inline.join("::")).or_default();
            }
            for item in items {
                self.visit_item(item);
            }
            if opens_tests {
                self.test_module = None;
            }
            self.inline.pop();
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        for (name, segments) in flatten(&item.tree) {
            let Some(absolute) = self.scope().absolute(&segments) else {
                continue;
            };
            // A module imported by name is an edge where its items are used
            // (`users::repo::insert` depends on `users/repo.rs`, not on `users/mod.rs`).
            match name {
                Some(name) if self.krate.is_module(&absolute) => {
                    self.aliases.insert(name, absolute);
                }
                _ => {
                    self.add(&segments);
                }
            }
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if path.leading_colon.is_none() && segments.len() > 1 {
            self.add(&segments);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.add_tokens(&mac.tokens.to_string(), false);
        syn::visit::visit_macro(self, mac);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if attr.path().is_ident("doc") {
            return;
        }
        if let syn::Meta::List(list) = &attr.meta {
            self.add_tokens(&list.tokens.to_string(), true);
        }
        if let syn::Meta::NameValue(nv) = &attr.meta {
            self.visit_expr(&nv.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn a_cycle_through_use_fails_and_names_its_files() {
        let files = tree(&[
            ("src/lib.rs", "pub mod app; pub mod db;"),
            ("src/app.rs", "use crate::db::Pool; pub struct AppState;"),
            ("src/db.rs", "use crate::app::AppState; pub struct Pool;"),
        ]);
        let cycles = forbidden_cycles(&files);
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        assert!(
            cycles[0].contains("src/app.rs -> src/db.rs"),
            "{}",
            cycles[0]
        );
        assert!(
            cycles[0].contains("src/db.rs -> src/app.rs"),
            "{}",
            cycles[0]
        );
    }

    #[test]
    fn a_tree_without_cycles_passes() {
        let files = tree(&[
            (
                "src/lib.rs",
                "pub mod app; pub mod db; pub mod state; pub use app::App;",
            ),
            ("src/state.rs", "pub struct AppState;"),
            ("src/db.rs", "use crate::state::AppState; pub struct Pool;"),
            (
                "src/app.rs",
                "use crate::{db::Pool, state::AppState}; pub struct App;\n\
                 // use crate::app::App; in a comment is no import\n\
                 fn f() { let _ = \"crate::app\"; }",
            ),
            // `crate::App` is the re-export: it depends on app.rs, not on lib.rs.
            ("src/cli.rs", "use crate::App;"),
        ]);
        assert_eq!(forbidden_cycles(&files), Vec::<String>::new());
    }

    #[test]
    fn inline_paths_super_macros_attributes_and_tests_count() {
        // Each file closes a cycle with `a.rs` in a different way.
        let cases = [
            "fn f() { crate::a::g(); }",
            "fn f() { tracing::info!(x = ?crate::a::X); }",
            "use crate::a; fn f() { tracing::info!(x = ?a::X); }",
            "#[derive(serde::Serialize)] struct S { #[serde(with = \"crate::a\")] x: u8 }",
            "#[cfg(test)] mod tests { use crate::a::X; }",
            "mod inner { fn f() { super::super::super::a::g(); } }",
        ];
        for b in cases {
            let files = tree(&[
                ("src/lib.rs", "pub mod a; pub mod m;"),
                ("src/a.rs", "use crate::m::b::Y; pub struct X;"),
                ("src/m/mod.rs", "pub mod b;"),
                ("src/m/b.rs", b),
            ]);
            assert_eq!(forbidden_cycles(&files).len(), 1, "not seen: {b}");
        }
    }

    #[test]
    fn modules_inside_one_folder_may_not_import_each_other_in_a_circle() {
        let files = tree(&[
            ("src/lib.rs", "pub mod spec;"),
            ("src/spec/mod.rs", "mod a; mod b; mod c; pub use a::A;"),
            ("src/spec/a.rs", "use super::b::B; pub struct A;"),
            (
                "src/spec/b.rs",
                "pub struct B; fn f() { self::g(); super::c::h(); }",
            ),
            ("src/spec/c.rs", "pub fn h() { let _ = crate::spec::A; }"),
        ]);
        let cycles = cycles_between_modules(&files);
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        // The steps in order, each with the path that makes it; `crate::spec::A` is the
        // re-export, so the step leads to a.rs.
        for step in [
            "src/spec/a.rs -> src/spec/b.rs (super::b::B)",
            "src/spec/b.rs -> src/spec/c.rs (super::c::h)",
            "src/spec/c.rs -> src/spec/a.rs (crate::spec::A)",
        ] {
            assert!(cycles[0].contains(step), "{step} not in {}", cycles[0]);
        }
        // Grouped by top-level module, the folder is one node and has no cycle.
        let top = |path: &str| Some(path.split('/').nth(1)?.to_string());
        assert_eq!(cycles_between_groups(&files, top), Vec::<String>::new());
    }

    #[test]
    fn a_module_s_own_tests_may_use_it_and_what_builds_their_input() {
        let files = tree(&[
            ("src/lib.rs", "pub mod a; pub mod b; pub mod c;"),
            (
                "src/a.rs",
                "pub struct X;\n\
                 #[cfg(test)] mod tests { use super::*; fn f() { crate::b::parse(); } }",
            ),
            ("src/b.rs", "use crate::a::X; pub fn parse() {}"),
            ("src/c/mod.rs", "pub struct Y; #[cfg(test)] mod tests;"),
            (
                "src/c/tests.rs",
                "use super::*; fn f() { crate::b::parse(); }",
            ),
        ]);
        assert_eq!(cycles_between_modules(&files), Vec::<String>::new());
        // A generated project's tests are part of their file.
        assert_eq!(forbidden_cycles(&files).len(), 1);
        // The tests' imports are their own node's: a non-test import still makes the cycle.
        let mut tangled = files.clone();
        tangled.insert(
            "src/a.rs".to_string(),
            "pub struct X; fn g() { crate::b::parse(); }\n\
             #[cfg(test)] mod tests { use super::*; }"
                .to_string(),
        );
        let cycles = cycles_between_modules(&tangled);
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        assert!(cycles[0].contains("src/a.rs -> src/b.rs"), "{}", cycles[0]);
    }

    #[test]
    fn a_parent_module_and_its_child_form_a_cycle_outside_resources_only() {
        let folder = |root: &str| {
            tree(&[
                ("src/lib.rs", "pub mod resources; pub mod webhooks;"),
                (
                    &format!("src/{root}/mod.rs"),
                    "mod handlers; pub struct Target; fn routes() { handlers::list(); }",
                ),
                (
                    &format!("src/{root}/handlers.rs"),
                    "use super::Target; pub fn list() {}",
                ),
            ])
        };
        assert_eq!(forbidden_cycles(&folder("webhooks")).len(), 1);
        assert_eq!(forbidden_cycles(&folder("resources/posts")).len(), 0);
        // Two resources that import each other are a cycle.
        let files = tree(&[
            ("src/lib.rs", "pub mod resources;"),
            ("src/resources/mod.rs", "pub mod a; pub mod b;"),
            (
                "src/resources/a/mod.rs",
                "use crate::resources::b; fn f() { b::g(); }",
            ),
            ("src/resources/b/mod.rs", "use super::a::X;"),
        ]);
        assert_eq!(forbidden_cycles(&files).len(), 1);
    }
}
