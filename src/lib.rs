//! backend-gen: a TOML domain spec in, a complete Rust backend out.
//!
//! The pipeline is one-way: spec text → typed `Spec` (every error reported
//! at once) → template context (every name pre-cased) → in-memory file set
//! → staged write. Nothing touches the disk until the whole service has
//! rendered.

pub mod add;
pub mod carry;
pub mod cast;
pub mod check;
pub mod ci_actions;
pub mod cli;
pub mod clients;
pub mod commands;
pub mod console;
pub mod context;
pub mod decimal_pattern;
pub mod diagnostics;
pub mod dialect;
pub mod error;
pub mod format;
pub mod gateway;
pub mod graphql;
pub mod interactive;
pub mod kubernetes;
pub mod layout;
pub mod lock_file;
pub mod migrate;
pub mod module_tree;
pub mod names;
pub mod openapi;
pub mod operations;
pub mod output;
pub mod pattern;
pub mod pipeline;
pub mod project_files;
pub mod render;
pub mod rules_upgrade;
pub mod samples;
pub mod schema;
pub mod spec;
pub mod split;
pub mod split_deploy;
pub mod split_kubernetes;
pub mod sql;
pub mod table;
pub mod templates;
pub mod update;
pub mod workspace;

use clap::Parser;

use crate::cli::Cli;
use crate::error::Error;

pub use crate::pipeline::render_project;

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0), usage errors to stderr (exit 2).
            let _ = e.print();
            return e.exit_code();
        }
    };
    console::set_verbosity(cli.verbosity());
    match commands::run(cli) {
        Ok(()) => 0,
        Err(e) => {
            match e {
                // A spec report labels each of its problems itself.
                Error::InvalidSpec(_) => console::error(&e),
                _ => console::error(format_args!("error: {e}")),
            }
            e.exit_code()
        }
    }
}
