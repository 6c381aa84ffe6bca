//! The spec: a TOML description of a domain, read into a typed model.

mod collisions;
pub mod model;
pub mod reader;
mod validate;

pub use model::*;
pub use validate::{
    ACCOUNT, GENERATED_FIELDS, MAX_NAME, QUERY_PARAMETERS, bound_text, check_crate_name,
};
pub(crate) use validate::{RULE_WORDS, bound_value, bound_whole, parse_decimal};

use crate::diagnostics::Report;

/// Parses and validates spec source; on failure the report holds every error.
pub fn parse(file: &str, source: &str) -> Result<Spec, Report> {
    validate::parse(source).map_err(|diagnostics| Report {
        file: file.to_string(),
        source: source.to_string(),
        diagnostics,
    })
}

#[cfg(test)]
mod tests;
