//! The spec: a TOML description of a domain, read into a typed model.

mod collisions;
mod database;
pub mod field_type;
pub mod graphql_names;
pub mod list_paths;
pub mod model;
mod numbers;
pub mod reader;
pub mod room;
pub mod routes;
mod rust_names;
pub mod schema_names;
mod validate;
mod words;

pub use field_type::{DEFAULT_DECIMAL, FileRules, Kind, Range, Shape, TypeProps};
pub use model::*;
pub use numbers::bound_text;
pub(crate) use numbers::{bound_value, bound_whole, parse_decimal};
pub use validate::{ACCEPTED_KEYS, NOT_GENERATED_YET, SIGN_IN_KEYS, check_crate_name};
pub(crate) use words::RULE_WORDS;
pub use words::{ACCOUNT, GATEWAY_FOLDER, GENERATED_FIELDS, MAX_NAME, QUERY_PARAMETERS};

use crate::diagnostics::Report;

/// The example spec `init` writes: every option, commented.
pub const EXAMPLE_SPEC: &str = include_str!("../../templates/spec/backend-gen.toml");

/// Parses and validates spec source; on failure the report holds every error.
pub fn parse(file: &str, source: &str) -> Result<Spec, Report> {
    report(file, source, validate::parse(source, false))
}

/// Parses the spec a project was last generated or updated from (`update`'s starting
/// point): as `parse`, but without the refusals added since an earlier version accepted
/// such a spec (`Sink::push_new_rule`), which the team cannot fix in what was applied.
pub fn parse_applied(file: &str, source: &str) -> Result<Spec, Report> {
    report(file, source, validate::parse(source, true))
}

fn report(
    file: &str,
    source: &str,
    parsed: Result<Spec, Vec<crate::diagnostics::Diagnostic>>,
) -> Result<Spec, Report> {
    parsed.map_err(|diagnostics| Report {
        file: file.to_string(),
        source: source.to_string(),
        diagnostics,
    })
}

#[cfg(test)]
mod tenancy_tests;
#[cfg(test)]
mod tests;
