//! backend-gen: a TOML domain spec in, a complete Rust backend out.
//!
//! The pipeline is one-way: spec text → typed `Spec` (every error reported
//! at once) → template context (every name pre-cased) → in-memory file set
//! → staged write. Nothing touches the disk until the whole service has
//! rendered.

pub mod check;
pub mod cli;
pub mod context;
pub mod diagnostics;
pub mod dialect;
pub mod error;
pub mod interactive;
pub mod layout;
pub mod names;
pub mod openapi;
pub mod output;
pub mod render;
pub mod routes;
pub mod samples;
pub mod spec;
pub mod sql;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::{Cli, Command, NewArgs};
use crate::error::{Error, Result};
use crate::spec::Spec;

/// The example spec `init` writes: every option, commented.
pub const EXAMPLE_SPEC: &str = include_str!("../templates/spec/backend-gen.toml");

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
    match try_run(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}

fn try_run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::New(args) => new(args),
        Command::Init { file, force } => init(&file, force),
        Command::Check { file } => {
            let (spec, _) = load_spec(&file)?;
            print!("{}", check::summary(&spec));
            Ok(())
        }
    }
}

/// Reads and validates a spec file; returns it with its source text.
pub fn load_spec(path: &Path) -> Result<(Spec, String)> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("cannot read the spec {}: {e}", path.display())))?;
    let spec = spec::parse(&path.display().to_string(), &source).map_err(Error::InvalidSpec)?;
    Ok((spec, source))
}

fn new(args: NewArgs) -> Result<()> {
    spec::check_crate_name(&args.name).map_err(|why| {
        Error::Usage(format!(
            "{why}: {:?} (use lowercase letters, digits, `-` and `_`, starting with a letter)",
            args.name
        ))
    })?;
    let (spec, source) = match &args.spec {
        Some(path) => load_spec(path)?,
        // `--yes` asks nothing, so it needs no terminal.
        None if args.yes || (std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) => {
            let source = interactive::session(&args.name, args.yes)?;
            let spec = spec::parse(render::SPEC_FILE, &source).map_err(Error::InvalidSpec)?;
            (spec, source)
        }
        None => {
            return Err(Error::Usage(
                "no terminal to ask questions on: pass the spec with --spec FILE (see `backend-gen init` for an example), or --yes to take every default".into(),
            ));
        }
    };
    let ctx = context::ServiceContext::new(&args.name, &spec, &source);
    let files = render::render_service(&ctx)?;
    if args.dry_run {
        print!("{}", files.tree());
        println!("{} files (dry run: nothing written)", files.len());
        return Ok(());
    }
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    let bar = output::progress_bar();
    let summary = files.write(&target, args.force, &bar)?;
    bar.finish_and_clear();
    println!(
        "Generated {} in {} ({} files written)",
        args.name,
        target.display(),
        summary.written
    );
    for kept in &summary.kept {
        println!("  kept your {kept}");
    }
    println!(
        "\nNext:\n  cd {}\n  cargo run          # serves on http://127.0.0.1:8080\n  cargo test",
        target.display()
    );
    Ok(())
}

fn init(file: &Path, force: bool) -> Result<()> {
    if file.exists() && !force {
        return Err(Error::Usage(format!(
            "{} exists; pass --force to overwrite it",
            file.display()
        )));
    }
    std::fs::write(file, EXAMPLE_SPEC).map_err(|e| Error::io(file, e))?;
    println!(
        "Wrote {}: edit it, then run `backend-gen check {0}` and `backend-gen new NAME --spec {0}`",
        file.display()
    );
    Ok(())
}
