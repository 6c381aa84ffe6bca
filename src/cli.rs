//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "backend-gen",
    version,
    about = "Generate a complete, tested Rust backend from a TOML domain spec"
)]
pub struct Cli {
    /// Print only errors and what the command was asked for (check's report, a dry
    /// run's plan, completions): no status, next steps, notes or warnings.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print, on stderr, every file written and how long each step took.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    pub fn verbosity(&self) -> crate::console::Verbosity {
        use crate::console::Verbosity;
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a new service, from a spec file or by answering questions.
    New(NewArgs),
    /// Write a commented example spec that shows every option.
    Init {
        /// Where to write it.
        #[arg(default_value = "backend-gen.toml")]
        file: PathBuf,
        /// Overwrite the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Validate a spec and summarise what it would generate.
    Check {
        /// The spec to check.
        #[arg(default_value = "backend-gen.toml")]
        file: PathBuf,
    },
    /// Follow a changed backend-gen.toml: write its migrations and merge the new
    /// code into the project, keeping your edits.
    Update(crate::update::UpdateArgs),
    /// Add a resource or a field to a project's spec (comments kept), then update;
    /// without a subcommand, asks for new resources on the terminal.
    Add(crate::add::AddArgs),
    /// The embedded templates: list, show, or eject them into a project to override.
    #[command(subcommand)]
    Templates(crate::templates::TemplatesCommand),
    /// Print a shell's completion script for backend-gen, e.g.
    /// `source <(backend-gen completions bash)`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The project (crate) name, e.g. `shop`.
    pub name: String,
    /// Generate from this spec instead of asking questions.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// The project directory [default: ./NAME].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Re-generate into a non-empty directory (your files in src/custom/ are kept).
    #[arg(long)]
    pub force: bool,
    /// Print the files that would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Accept every default answer of the interactive session.
    #[arg(long, short)]
    pub yes: bool,
    /// Template overrides [default: OUTPUT/.backend-gen/templates, when it exists].
    #[arg(long, value_name = "FOLDER")]
    pub templates: Option<PathBuf>,
}
