//! The command line's commands: `new`, `init` and `check` here; `update`, `add` and
//! `templates` in their own modules. Each runs on the library pipeline (`pipeline.rs`).

mod init;
mod new;

use std::path::Path;

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::pipeline::load_spec;
use crate::{add, check, console, module_tree, project_files, split, templates, update};

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::New(args) => new::new(args),
        Command::Init { file, force } => init::init(&file, force),
        Command::Check { file } => {
            let (spec, source) = console::timed("read and validate the spec", || load_spec(&file))?;
            if spec.services.is_empty() {
                print!("{}", check::summary(&spec));
            } else {
                // Each service as `check` would describe its own spec, then what crosses.
                let services = split::project(&spec, &source)?;
                for service in &services {
                    println!("=== service {} ({}/) ===", service.name, service.name);
                    println!("{}", check::summary(&service.spec));
                }
                print!("{}", split::summary(&services));
            }
            check_project_of(&file)
        }
        Command::Update(args) => update::update(&args),
        Command::Add(args) => add::run(&args),
        Command::Templates(command) => templates::run(&command),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "backend-gen",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    }
}

/// Inside a generated project (the spec's folder has `.backend-gen/`), `check` also
/// refuses Rust files no module declares, as `update` does.
fn check_project_of(spec_file: &Path) -> Result<()> {
    let dir = spec_file.parent().unwrap_or(Path::new("."));
    if !dir.join(project_files::STATE_DIR).is_dir() {
        return Ok(());
    }
    let outside = module_tree::orphans(&module_tree::read_project(dir)?);
    if outside.is_empty() {
        return Ok(());
    }
    Err(Error::OutsideTheBuild(format!(
        "{} in the project {} not compiled:\n{}",
        console::count(outside.len(), "Rust file", "Rust files"),
        if outside.len() == 1 { "is" } else { "are" },
        module_tree::advice(&outside)
    )))
}
