//! The generation pipeline every command shares: a spec file read and validated, the
//! service's context built, its templates rendered, its Rust formatted. The commands
//! (`commands/`, `update`, `add`, `templates`) sit on top of it; nothing here prints
//! beyond notes and timings.

use std::path::Path;

use crate::context::ServiceContext;
use crate::error::{Error, Result};
use crate::spec::{self, Spec};
use crate::{console, format, openapi, output, render};

/// Reads and validates a spec file; returns it with its source text.
pub fn load_spec(path: &Path) -> Result<(Spec, String)> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Usage(format!("cannot read the spec {}: {e}", path.display())))?;
    let source = String::from_utf8(bytes).map_err(|e| not_utf8(path, &e))?;
    let spec = spec::parse(&path.display().to_string(), &source).map_err(Error::InvalidSpec)?;
    Ok((spec, source))
}

/// What a project's past changes in what is generated for it, as `.backend-gen/
/// generated.toml` records it; a new project has none ([`History::NEW`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct History {
    /// Whether every string the service stored was written under the default maximum
    /// length (docs/contract.md, "Representations"), so the document states the bound on
    /// reads too. A project generated before the default may hold longer values, which
    /// its reads still return: it states the bound on writes only.
    pub string_reads_bounded: bool,
}

impl History {
    pub const NEW: Self = Self {
        string_reads_bounded: true,
    };
}

/// The data the templates render from, with the OpenAPI document built from the rest of it.
pub fn service_context(name: &str, spec: &Spec, source: &str) -> ServiceContext {
    service_context_with(name, spec, source, History::NEW)
}

/// The same for a project with a past.
pub fn service_context_with(
    name: &str,
    spec: &Spec,
    source: &str,
    history: History,
) -> ServiceContext {
    let mut ctx = ServiceContext::new(name, spec, source);
    ctx.string_reads_bounded = history.string_reads_bounded;
    ctx.openapi = openapi::document(spec, &ctx);
    if spec.project.graphql {
        let graph = crate::graphql::graph(spec, &ctx);
        for (r, part) in ctx.resources.iter_mut().zip(&graph.resources) {
            r.graphql = Some(part.clone());
        }
        ctx.graphql = Some(graph);
    }
    ctx
}

/// Where a spec stops being UTF-8, as `file:line:column` like every other spec error.
fn not_utf8(path: &Path, e: &std::string::FromUtf8Error) -> Error {
    let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
    let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    // Columns count characters, and everything before the bad byte is valid UTF-8.
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count()
        + 1;
    let byte = e.as_bytes()[valid.len()];
    Error::Usage(format!(
        "{}:{line}:{column}: the spec is not UTF-8 text (found the byte 0x{byte:02x}); save it as UTF-8",
        path.display()
    ))
}

/// Renders the project for `spec` in memory, laid out by the templates alone.
pub fn render_project(name: &str, spec: &Spec, source: &str) -> Result<output::FileSet> {
    render_project_with(
        name,
        spec,
        source,
        &render::Overrides::default(),
        History::NEW,
    )
}

/// The same, with the team's template overrides, for a project with `history`.
pub fn render_project_with(
    name: &str,
    spec: &Spec,
    source: &str,
    overrides: &render::Overrides,
    history: History,
) -> Result<output::FileSet> {
    let ctx = service_context_with(name, spec, source, history);
    render::render_service(&ctx, overrides)
}

/// Renders the project and formats its Rust with rustfmt when it is installed; says
/// which template overrides it used.
pub fn generate(
    name: &str,
    spec: &Spec,
    source: &str,
    overrides: &render::Overrides,
    history: History,
) -> Result<output::FileSet> {
    for note in overrides.notes() {
        console::note(note);
    }
    let mut files = console::timed("render the templates", || {
        render_project_with(name, spec, source, overrides, history)
    })?;
    let layout = console::timed("format the Rust with rustfmt", || {
        format::format_rust(&mut files)
    })?;
    if let format::Layout::HandLayout { why } = layout {
        console::note(format_args!(
            "note: rustfmt could not be run ({why}); the generated Rust keeps backend-gen's own layout. \
             Install it (`rustup component add rustfmt`) and run `cargo fmt` in the project."
        ));
    }
    Ok(files)
}
