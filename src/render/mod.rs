//! Renders the embedded template tree into an in-memory file set.
//!
//! Conventions of the tree under `templates/service/`:
//! - a file ending in `.tera` is rendered and loses that suffix; any other
//!   file is copied as it is;
//! - a path segment `__resource__` makes one file per resource (named by its
//!   module name, `names::Names::module`), with `resource` in the context; `__migration__` does
//!   the same for each migration, with `migration` in the context, and `__job__` for each
//!   kind of background job, with `job`;
//! - those per-item templates see every key of the service context except the
//!   ones that grow with the spec (`SPEC_WIDE`), so each renders in time that
//!   does not depend on the number of resources, and a whole service renders in
//!   linear time (handing each file the whole context made it quadratic: 200
//!   resources took a minute). A per-item template that names one of those keys
//!   fails to render, loudly.
//! - templates under `tests/` also get what only the generated tests read, as
//!   `tests`: a per-resource one its resource's (`context::ResourceTestContext`),
//!   the others the service's (`context::ServiceTestContext`, every resource's in
//!   `tests.resources`, in the order of `resources`). The service's own templates
//!   never see it.

mod embedded;
pub mod overrides;

pub use embedded::{embedded, embedded_gateway};
pub use overrides::Overrides;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;
use tera::{Context, Tera};

use crate::context::ServiceContext;
use crate::error::{Error, Result};
use crate::output::{FileSet, Owner};
use crate::project_files::SPEC_FILE;

const TEMPLATE_SUFFIX: &str = ".tera";

/// The folder of the generated tests, whose templates get the tests' context too, and the
/// key they find it under.
const TESTS_DIR: &str = "tests/";
/// The clients, whose tests and READMEs read the tests' context too (what their examples do).
const CLIENTS_DIR: &str = "clients/";
const TESTS_KEY: &str = "tests";

/// Where the project's own package sits in it depends on the project's name.
const LOCK_FILE: &str = "Cargo.lock";

/// Files a team edits: generated once, then theirs. On `--force` over an
/// existing project they are kept as they are (and new ones are added).
fn team_owned(path: &str) -> bool {
    path.starts_with("src/custom/")
        || (path.starts_with("src/rules/") && path != "src/rules/mod.rs")
        || path == "tests/api/custom.rs"
        || (path.starts_with("src/jobs/handlers/") && path != "src/jobs/handlers/mod.rs")
        || path.starts_with("templates/mail/")
}

/// Keys of the service context that grow with the spec: one entry per
/// resource, job or route. Per-item templates do not get them (see the module
/// documentation).
const SPEC_WIDE: [&str; 5] = ["resources", "jobs", "routes", "modules_sorted", "graphql"];

/// The paths of the files a resource whose module is `module` may have: one per
/// `__resource__` template.
pub fn resource_paths(module: &str) -> Vec<String> {
    embedded()
        .into_keys()
        .filter(|name| name.contains("__resource__"))
        .map(|name| {
            let path = name.replace("__resource__", module);
            path.strip_suffix(TEMPLATE_SUFFIX)
                .map_or(path.clone(), str::to_string)
        })
        .collect()
}

/// Renders every file of the service for `context`, with the team's `overrides` in
/// place of the embedded templates they name.
pub fn render_service(context: &ServiceContext, overrides: &Overrides) -> Result<FileSet> {
    let mut tree = embedded();
    for (path, bytes) in &overrides.files {
        tree.insert(path.clone(), bytes.clone());
    }
    let tera = parsed(&SERVICE_TEMPLATES, embedded, &overrides.files)?;
    let whole = tera::to_value(context).map_err(|e| template_error("context", e))?;
    let shared = shared_context(&whole);
    let whole = Context::from_value(whole).map_err(|e| template_error("context", e))?;
    let mut whole_tests = whole.clone();
    whole_tests
        .try_insert(TESTS_KEY, &context.tests)
        .map_err(|e| template_error(TESTS_KEY, e))?;
    // One context per item, built once and shared by all of its templates.
    let resources = item_contexts(&shared, "resource", &context.resources)?;
    let resource_tests = resources
        .iter()
        .zip(&context.tests.resources)
        .map(|(ctx, tests)| {
            let mut ctx = ctx.clone();
            ctx.try_insert(TESTS_KEY, tests)
                .map_err(|e| template_error(TESTS_KEY, e))?;
            Ok(ctx)
        })
        .collect::<Result<Vec<Context>>>()?;
    let migrations = item_contexts(&shared, "migration", &context.migrations)?;
    let jobs = item_contexts(&shared, "job", &context.jobs)?;
    let mut files = FileSet::default();
    for (name, bytes) in &tree {
        let test = name.starts_with(TESTS_DIR) || name.starts_with(CLIENTS_DIR);
        if name.contains("__resource__") {
            let contexts = if test { &resource_tests } else { &resources };
            for (resource, ctx) in context.resources.iter().zip(contexts) {
                let path = name.replace("__resource__", &resource.names.module);
                emit(&tera, &mut files, bytes, name, &path, ctx)?;
            }
        } else if name.contains("__job__") {
            for (job, ctx) in context.jobs.iter().zip(&jobs) {
                let path = name.replace("__job__", &job.name);
                emit(&tera, &mut files, bytes, name, &path, ctx)?;
            }
        } else if name.contains("__migration__") {
            for (migration, ctx) in context.migrations.iter().zip(&migrations) {
                let path = name.replace("__migration__", &migration.file_stem);
                emit(&tera, &mut files, bytes, name, &path, ctx)?;
            }
        } else {
            let ctx = if test { &whole_tests } else { &whole };
            emit(&tera, &mut files, bytes, name, name, ctx)?;
        }
    }
    // The spec is kept verbatim, so re-generation starts from what was written.
    files.insert(SPEC_FILE, context.spec_source.clone(), Owner::Generator);
    // The OpenAPI document, which the service embeds and serves at `/openapi.json`.
    files.insert(
        crate::openapi::FILE,
        context.openapi.clone(),
        Owner::Generator,
    );
    // The JSON Schema of an account's export, from the same document.
    if let Some(schema) = crate::openapi::export_schema(&context.openapi) {
        files.insert(crate::openapi::EXPORT_SCHEMA_FILE, schema, Owner::Generator);
    }
    // The GraphQL schema the service serves, which a generated test compares with it.
    if let Some(graph) = &context.graphql {
        files.insert(
            crate::graphql::FILE,
            crate::graphql::sdl(graph),
            Owner::Generator,
        );
    }
    // The TypeScript client's types and methods, from the same document.
    files.insert(
        crate::clients::typescript::API_FILE,
        crate::clients::typescript::api(&context.openapi),
        Owner::Generator,
    );
    files.insert(
        crate::clients::rust::API_FILE,
        crate::clients::rust::api(&context.openapi),
        Owner::Generator,
    );
    // How a reviewer lints that document, with this service's exceptions and their reasons.
    files.insert(
        crate::openapi::spectral::FILE,
        crate::openapi::spectral::ruleset(context),
        Owner::Generator,
    );
    Ok(files)
}

/// The service context without its `SPEC_WIDE` keys.
fn shared_context(whole: &tera::Value) -> Context {
    let mut shared = Context::new();
    for (key, value) in whole.as_object().into_iter().flatten() {
        if !SPEC_WIDE.contains(&key.as_str()) {
            shared.insert(key, value);
        }
    }
    shared
}

/// For each item, the shared context with the item under `key`.
fn item_contexts(shared: &Context, key: &str, items: &[impl Serialize]) -> Result<Vec<Context>> {
    items
        .iter()
        .map(|item| {
            let mut ctx = shared.clone();
            ctx.try_insert(key, item)
                .map_err(|e| template_error(key, e))?;
            Ok(ctx)
        })
        .collect()
}

/// The `Cargo.lock` a service named `crate_name` would have as a project of its own: what it
/// adds to the lock of a workspace it is a member of.
pub fn service_lock(crate_name: &str) -> Result<String> {
    let name = format!("{LOCK_FILE}{TEMPLATE_SUFFIX}");
    let tree = embedded();
    let bytes = tree
        .get(&name)
        .ok_or_else(|| Error::Usage(format!("{name} is missing from the embedded templates")))?;
    let mut ctx = Context::new();
    ctx.insert("crate_name", crate_name);
    ctx.insert("workspace_member", &false);
    let text = Tera::one_off(&String::from_utf8_lossy(bytes), &ctx, false)
        .map_err(|e| template_error(&name, e))?;
    Ok(crate::lock_file::sorted(&text))
}

/// Renders every file of the gateway's template tree with one context (it has no per-item
/// templates).
pub fn render_gateway(context: &impl Serialize) -> Result<FileSet> {
    let tree = embedded_gateway();
    let tera = parsed(&GATEWAY_TEMPLATES, embedded_gateway, &BTreeMap::new())?;
    let ctx = Context::from_serialize(context).map_err(|e| template_error("context", e))?;
    let mut files = FileSet::default();
    for (name, bytes) in &tree {
        emit(&tera, &mut files, bytes, name, name, &ctx)?;
    }
    Ok(files)
}

fn emit(
    tera: &Tera,
    files: &mut FileSet,
    bytes: &[u8],
    template: &str,
    path: &str,
    ctx: &Context,
) -> Result<()> {
    let (path, contents) = match path.strip_suffix(TEMPLATE_SUFFIX) {
        Some(out) => {
            let text = tera
                .render(template, ctx)
                .map_err(|e| template_error(template, e))?;
            let text = tidy(out, &text);
            let text = if out == LOCK_FILE {
                crate::lock_file::sorted(&text)
            } else {
                text
            };
            (out.to_string(), text)
        }
        None => (
            path.to_string(),
            String::from_utf8_lossy(bytes).into_owned(),
        ),
    };
    // A template may render to nothing when its feature is off.
    if contents.trim().is_empty() {
        return Ok(());
    }
    let owner = if team_owned(&path) {
        Owner::Team
    } else {
        Owner::Generator
    };
    files.insert(path, contents, owner);
    Ok(())
}

/// The service's embedded templates, parsed once per process: parsing every template takes
/// most of a render in a debug build, and the property tests render thousands of specs (and a
/// split spec renders one service per member) in one process.
static SERVICE_TEMPLATES: OnceLock<Tera> = OnceLock::new();
static GATEWAY_TEMPLATES: OnceLock<Tera> = OnceLock::new();

/// The embedded templates of `tree`, parsed once into `cell`, with the team's `overrides` (by
/// path) parsed over them.
fn parsed(
    cell: &OnceLock<Tera>,
    tree: fn() -> BTreeMap<String, Vec<u8>>,
    overrides: &BTreeMap<String, Vec<u8>>,
) -> Result<Tera> {
    let mut tera = match cell.get() {
        Some(tera) => tera.clone(),
        None => {
            let tera = load(&tree())?;
            cell.get_or_init(|| tera).clone()
        }
    };
    let templates: Vec<(&str, String)> = template_sources(overrides).collect();
    if !templates.is_empty() {
        tera.add_raw_templates(templates)
            .map_err(|e| template_error("template tree", e))?;
    }
    Ok(tera)
}

fn template_sources(tree: &BTreeMap<String, Vec<u8>>) -> impl Iterator<Item = (&str, String)> {
    tree.iter()
        .filter(|(name, _)| name.ends_with(TEMPLATE_SUFFIX))
        .map(|(name, bytes)| (name.as_str(), String::from_utf8_lossy(bytes).into_owned()))
}

fn load(tree: &BTreeMap<String, Vec<u8>>) -> Result<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![]);
    crate::layout::register(&mut tera);
    tera.add_raw_templates(template_sources(tree).collect::<Vec<_>>())
        .map_err(|e| template_error("template tree", e))?;
    Ok(tera)
}

/// Every file below `dir`, sorted by path so output order is stable.
fn template_error(template: &str, error: impl std::error::Error) -> Error {
    // Tera nests the useful part of its messages in `source()`.
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Template {
        template: template.to_string(),
        message,
    }
}

/// Normalises whitespace that template conditionals leave behind, the way
/// rustfmt would, so generated Rust is formatter-clean without a formatter:
/// no trailing spaces, at most one blank line in a row, none just inside a
/// block, one final newline.
pub fn tidy(path: &str, text: &str) -> String {
    let rust = path.ends_with(".rs");
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        let blank = line.is_empty();
        if blank {
            let previous = lines.last().copied();
            match previous {
                None | Some("") => continue,
                Some(p) if rust && (p.ends_with('{') || p.ends_with('(') || p.ends_with('[')) => {
                    continue;
                }
                _ => {}
            }
        } else if rust && (line.trim_start().starts_with('}') || line.trim_start().starts_with(')'))
        {
            while lines.last() == Some(&"") {
                lines.pop();
            }
        }
        lines.push(line);
    }
    while lines.last() == Some(&"") {
        lines.pop();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests;
