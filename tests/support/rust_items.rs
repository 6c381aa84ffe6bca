//! Name collisions in one generated Rust file, found with `syn`: what rustc would refuse
//! (E0252, E0255, E0428, E0124, E0201) or silently resolve to the wrong thing (a type named
//! `Result`, a module named like a crate the file uses), and serde spellings that
//! disagree (two keys with one JSON name, an enum whose serde names are not its `VALUES`).
//!
//! Without name resolution a `use` is placed by its case: `CamelCase` in the type
//! namespace, `UPPER_CASE` in the value namespace, `snake_case` (a module, a function or a
//! macro) against both.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::Visit;

/// The std prelude's types and traits, and its values.
const PRELUDE_TYPES: &[&str] = &[
    "String",
    "Option",
    "Result",
    "Vec",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "FromIterator",
];
const PRELUDE_VALUES: &[&str] = &["Some", "None", "Ok", "Err", "drop"];

/// What the checker knows of the crate a file belongs to.
pub struct Crate<'a> {
    /// Crates the code may name by path (`std`, `axum`...).
    pub externs: &'a BTreeSet<String>,
    /// The crate's modules (`crate::resources::posts`): a `use` of one imports a module,
    /// which takes no function's name.
    pub modules: &'a BTreeSet<String>,
}

/// Every problem of `file`, the module `module` (`crate::resources::posts::repo`) of `krate`.
pub fn problems(file: &syn::File, krate: &Crate<'_>, module: &str) -> Vec<String> {
    let mut paths = PathRoots::default();
    paths.visit_file(file);
    let mut out = Vec::new();
    let at = Scope {
        krate,
        roots: &paths.roots,
        module: module.to_string(),
        prefix: String::new(),
    };
    scope(&file.items, &at, &mut out);
    out
}

/// One module being checked: where it is, and what the file around it uses.
struct Scope<'a> {
    krate: &'a Crate<'a>,
    roots: &'a BTreeSet<String>,
    /// Its path in the crate.
    module: String,
    /// Its path in the file, for messages (`tests::`).
    prefix: String,
}

impl Scope<'_> {
    /// Whether the `use` path `segments` names one of the crate's modules.
    fn is_module(&self, segments: &[String]) -> bool {
        let mut absolute: Vec<&str> = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            match (i, segment.as_str()) {
                (0, "crate") => absolute.push("crate"),
                (0, "self") => absolute.extend(self.module.split("::")),
                (0, "super") => {
                    absolute.extend(self.module.split("::"));
                    absolute.pop();
                }
                (_, "super") => {
                    absolute.pop();
                }
                (0, _) => return false,
                (_, other) => absolute.push(other),
            }
        }
        self.krate.modules.contains(&absolute.join("::"))
    }
}

/// First segments of every path in a file (`axum` in `axum::Json`).
#[derive(Default)]
struct PathRoots {
    roots: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for PathRoots {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1
            && let Some(first) = path.segments.first()
        {
            self.roots.insert(unraw(&first.ident));
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        if let syn::UseTree::Path(p) = tree {
            self.roots.insert(unraw(&p.ident));
        }
        // Only the root of a `use` names a crate; the rest are its items.
    }
}

fn unraw(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map_or(name.clone(), str::to_string)
}

#[derive(Default)]
struct Names {
    types: BTreeMap<String, usize>,
    values: BTreeMap<String, usize>,
    /// `snake_case` imports: modules, functions or macros.
    lower: BTreeMap<String, usize>,
}

impl Names {
    fn add_type(&mut self, name: String) {
        *self.types.entry(name).or_default() += 1;
    }

    fn add_value(&mut self, name: String) {
        *self.values.entry(name).or_default() += 1;
    }

    fn add_import(&mut self, name: String) {
        let first = name.chars().next().unwrap_or('_');
        if first.is_ascii_uppercase() && name.chars().any(|c| c.is_ascii_lowercase()) {
            self.add_type(name);
        } else if first.is_ascii_uppercase() {
            self.add_value(name);
        } else {
            *self.lower.entry(name).or_default() += 1;
        }
    }
}

/// Checks the items of one module (and, recursively, of its inline modules).
fn scope(items: &[syn::Item], at: &Scope<'_>, out: &mut Vec<String>) {
    let module = at.prefix.as_str();
    let mut names = Names::default();
    for item in items {
        item_names(item, at, &mut names);
        inner_duplicates(item, module, out);
        if let syn::Item::Mod(m) = item
            && let Some((_, inner)) = &m.content
        {
            let inner_at = Scope {
                krate: at.krate,
                roots: at.roots,
                module: format!("{}::{}", at.module, m.ident),
                prefix: format!("{module}{}::", m.ident),
            };
            scope(inner, &inner_at, out);
        }
    }
    for (namespace, map) in [
        ("type", &names.types),
        ("value", &names.values),
        ("module or function", &names.lower),
    ] {
        for (name, count) in map {
            if *count > 1 {
                out.push(format!(
                    "{module}{name}: defined {count} times in the {namespace} namespace"
                ));
            }
        }
    }
    for name in names.lower.keys() {
        if names.types.contains_key(name) || names.values.contains_key(name) {
            out.push(format!("{module}{name}: imported and defined here"));
        }
    }
    for name in names
        .types
        .keys()
        .filter(|n| PRELUDE_TYPES.contains(&n.as_str()))
    {
        out.push(format!("{module}{name}: shadows the prelude's `{name}`"));
    }
    for name in names.values.keys().chain(names.lower.keys()) {
        if PRELUDE_VALUES.contains(&name.as_str()) {
            out.push(format!("{module}{name}: shadows the prelude's `{name}`"));
        }
    }
    for name in names.types.keys().chain(names.lower.keys()) {
        if at.krate.externs.contains(name) && at.roots.contains(name) {
            out.push(format!("{module}{name}: a local name shadows the crate `{name}`, which the file uses by path"));
        }
    }
    enum_values_match(items, module, out);
}

fn item_names(item: &syn::Item, at: &Scope<'_>, names: &mut Names) {
    match item {
        syn::Item::Const(c) => names.add_value(unraw(&c.ident)),
        syn::Item::Static(s) => names.add_value(unraw(&s.ident)),
        syn::Item::Fn(f) => names.add_value(unraw(&f.sig.ident)),
        syn::Item::Struct(s) => {
            names.add_type(unraw(&s.ident));
            if !matches!(s.fields, syn::Fields::Named(_)) {
                names.add_value(unraw(&s.ident));
            }
        }
        syn::Item::Enum(e) => names.add_type(unraw(&e.ident)),
        syn::Item::Union(u) => names.add_type(unraw(&u.ident)),
        syn::Item::Type(t) => names.add_type(unraw(&t.ident)),
        syn::Item::Trait(t) => names.add_type(unraw(&t.ident)),
        syn::Item::TraitAlias(t) => names.add_type(unraw(&t.ident)),
        syn::Item::Mod(m) => names.add_type(unraw(&m.ident)),
        syn::Item::ExternCrate(c) => {
            let name = c.rename.as_ref().map_or(&c.ident, |(_, r)| r);
            names.add_type(unraw(name));
        }
        syn::Item::Use(u) => use_names(&u.tree, &mut Vec::new(), at, names),
        _ => {}
    }
}

/// The names a `use` tree brings into scope; `path` holds the segments before it.
fn use_names(tree: &syn::UseTree, path: &mut Vec<String>, at: &Scope<'_>, names: &mut Names) {
    let mut import = |segments: &[String], name: String| {
        if at.is_module(segments) {
            names.add_type(name);
        } else {
            names.add_import(name);
        }
    };
    match tree {
        syn::UseTree::Path(p) => {
            path.push(unraw(&p.ident));
            use_names(&p.tree, path, at, names);
            path.pop();
        }
        syn::UseTree::Name(n) if n.ident == "self" => {
            if let Some(last) = path.last() {
                import(path, last.clone());
            }
        }
        syn::UseTree::Name(n) => {
            let name = unraw(&n.ident);
            import(
                &[path.as_slice(), std::slice::from_ref(&name)].concat(),
                name,
            );
        }
        syn::UseTree::Rename(r) if r.rename == "_" => {}
        syn::UseTree::Rename(r) => {
            let full = [path.as_slice(), &[unraw(&r.ident)]].concat();
            import(&full, unraw(&r.rename));
        }
        syn::UseTree::Glob(_) => {}
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_names(tree, path, at, names);
            }
        }
    }
}

/// Two fields, variants or associated items with one name, and two serde spellings alike.
fn inner_duplicates(item: &syn::Item, module: &str, out: &mut Vec<String>) {
    let mut report = |owner: &syn::Ident, what: &str, list: Vec<String>| {
        let mut seen = BTreeSet::new();
        for name in list {
            if !seen.insert(name.clone()) {
                out.push(format!("{module}{owner}: two {what} `{name}`"));
            }
        }
    };
    match item {
        syn::Item::Struct(s) => {
            let fields: Vec<&syn::Field> = s.fields.iter().collect();
            report(
                &s.ident,
                "fields",
                fields
                    .iter()
                    .filter_map(|f| f.ident.as_ref().map(unraw))
                    .collect(),
            );
            for attribute in ["serde", "sqlx"] {
                if let Some(spelled) = spellings(
                    &s.attrs,
                    attribute,
                    fields
                        .iter()
                        .filter_map(|f| Some((f.ident.as_ref()?, &f.attrs))),
                    Case::Field,
                ) {
                    report(&s.ident, &format!("{attribute} keys"), spelled);
                }
            }
        }
        syn::Item::Enum(e) => {
            report(
                &e.ident,
                "variants",
                e.variants.iter().map(|v| unraw(&v.ident)).collect(),
            );
            for attribute in ["serde", "sqlx"] {
                if let Some(spelled) = spellings(
                    &e.attrs,
                    attribute,
                    e.variants.iter().map(|v| (&v.ident, &v.attrs)),
                    Case::Variant,
                ) {
                    report(&e.ident, &format!("{attribute} names"), spelled);
                }
            }
        }
        syn::Item::Impl(i) => {
            let owner = match &*i.self_ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
                _ => None,
            };
            let Some(owner) = owner else { return };
            let names = i
                .items
                .iter()
                .filter_map(|item| match item {
                    syn::ImplItem::Const(c) => Some(unraw(&c.ident)),
                    syn::ImplItem::Fn(f) => Some(unraw(&f.sig.ident)),
                    syn::ImplItem::Type(t) => Some(unraw(&t.ident)),
                    _ => None,
                })
                .collect();
            report(&owner, "associated items", names);
        }
        _ => {}
    }
}

#[derive(Clone, Copy)]
enum Case {
    Field,
    Variant,
}

/// How `attribute` (`serde` or `sqlx`) spells each member: `rename` where given, else the
/// container's `rename_all`. None when the container has no `rename_all` this checks.
fn spellings<'a>(
    container: &[syn::Attribute],
    attribute: &str,
    members: impl Iterator<Item = (&'a syn::Ident, &'a Vec<syn::Attribute>)>,
    case: Case,
) -> Option<Vec<String>> {
    let rule = attribute_value(container, attribute, "rename_all")?;
    members
        .filter(|(_, attrs)| {
            !has_flag(
                attrs,
                attribute,
                &["skip", "flatten", "skip_serializing", "skip_deserializing"],
            )
        })
        .map(|(ident, attrs)| {
            attribute_value(attrs, attribute, "rename")
                .map_or_else(|| rename(&unraw(ident), &rule, case), Some)
        })
        .collect()
}

/// serde's `rename_all` rules (serde_derive's `RenameRule`) used by the generated code.
fn rename(name: &str, rule: &str, case: Case) -> Option<String> {
    let pascal_of_field = |field: &str| {
        let mut pascal = String::new();
        let mut capitalize = true;
        for c in field.chars() {
            if c == '_' {
                capitalize = true;
            } else if capitalize {
                pascal.push(c.to_ascii_uppercase());
                capitalize = false;
            } else {
                pascal.push(c);
            }
        }
        pascal
    };
    Some(match (case, rule) {
        (Case::Field, "camelCase") => {
            let pascal = pascal_of_field(name);
            let mut chars = pascal.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_lowercase().to_string() + chars.as_str()
            })
        }
        (Case::Field, "snake_case") => name.to_string(),
        (Case::Variant, "snake_case") => {
            let mut snake = String::new();
            for (i, c) in name.char_indices() {
                if i > 0 && c.is_uppercase() {
                    snake.push('_');
                }
                snake.push(c.to_ascii_lowercase());
            }
            snake
        }
        (Case::Variant, "lowercase") => name.to_ascii_lowercase(),
        _ => return None,
    })
}

/// The string value of `key` in `#[attribute(..., key = "...", ...)]`.
fn attribute_value(attrs: &[syn::Attribute], attribute: &str, key: &str) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident(attribute)) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) && meta.input.peek(syn::Token![=]) {
                let value: syn::LitStr = meta.value()?.parse()?;
                found = Some(value.value());
                Ok(())
            } else {
                skip(&meta)
            }
        });
    }
    found
}

fn has_flag(attrs: &[syn::Attribute], attribute: &str, flags: &[&str]) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident(attribute)) {
        let _ = attr.parse_nested_meta(|meta| {
            found |= flags.iter().any(|f| meta.path.is_ident(f));
            skip(&meta)
        });
    }
    found
}

/// Consumes a nested meta's value (`= expr` or `(...)`).
fn skip(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip(&inner))?;
    }
    Ok(())
}

/// An enum with a `VALUES` list (`impl E { const VALUES: ... = &["a", "b"]; }`) must be
/// spelled that way by serde and sqlx, or valid input is refused (`tier_1` vs `tier1`).
fn enum_values_match(items: &[syn::Item], module: &str, out: &mut Vec<String>) {
    for item in items {
        let syn::Item::Impl(i) = item else { continue };
        let syn::Type::Path(p) = &*i.self_ty else {
            continue;
        };
        let Some(owner) = p.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let Some(values) = i.items.iter().find_map(values_const) else {
            continue;
        };
        let Some(e) = items.iter().find_map(|item| match item {
            syn::Item::Enum(e) if e.ident == owner => Some(e),
            _ => None,
        }) else {
            continue;
        };
        for attribute in ["serde", "sqlx"] {
            let spelled = spellings(
                &e.attrs,
                attribute,
                e.variants.iter().map(|v| (&v.ident, &v.attrs)),
                Case::Variant,
            );
            if let Some(spelled) = spelled
                && spelled != values
            {
                out.push(format!("{module}{owner}: {attribute} spells the variants {spelled:?}, but VALUES says {values:?}"));
            }
        }
    }
}

/// The string literals of a `const VALUES` array.
fn values_const(item: &syn::ImplItem) -> Option<Vec<String>> {
    let syn::ImplItem::Const(c) = item else {
        return None;
    };
    if c.ident != "VALUES" {
        return None;
    }
    let mut expr = &c.expr;
    if let syn::Expr::Reference(r) = expr {
        expr = &r.expr;
    }
    let syn::Expr::Array(array) = expr else {
        return None;
    };
    array
        .elems
        .iter()
        .map(|e| match e {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        })
        .collect()
}
