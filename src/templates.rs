//! Template overrides: a project's own versions of the generator's templates.
//!
//! A project keeps them in `.backend-gen/templates/`, at the paths they have under
//! the generator's `templates/service/` (`src/app.rs.tera`,
//! `src/resources/__resource__/model.rs.tera`); `new`, `update` and `add` render
//! with them in place of the embedded ones, and `--templates DIR` names another
//! folder. `backend-gen templates eject PATH...` copies embedded templates there and
//! records a hash of each in `ejected.toml`, so that a later generation warns when
//! the generator's own version has changed since: the team then merges the change
//! into its copy by hand (`backend-gen templates show PATH` prints the new one).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::project_files::TEMPLATES_DIR;
use crate::render::overrides::{RECORD, closest, hash, parse_record, record_text};

#[derive(Debug, clap::Subcommand)]
pub enum TemplatesCommand {
    /// Copy embedded templates into the project, to edit: later generations use them.
    Eject {
        /// Template paths as `templates list` prints them (`src/app.rs.tera`), or the
        /// generated file's path (`src/app.rs`).
        #[arg(required = true)]
        paths: Vec<String>,
        /// The project.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// The overrides folder [default: DIR/.backend-gen/templates].
        #[arg(long, value_name = "FOLDER")]
        templates: Option<PathBuf>,
        /// Replace a copy already ejected.
        #[arg(long)]
        force: bool,
    },
    /// List the embedded templates.
    List,
    /// Print one embedded template, as this version of backend-gen has it.
    Show {
        /// A template path, or the generated file's path.
        path: String,
    },
}

/// Runs `templates`.
pub fn run(command: &TemplatesCommand) -> Result<()> {
    match command {
        TemplatesCommand::List => {
            for path in crate::render::embedded().keys() {
                println!("{path}");
            }
            Ok(())
        }
        TemplatesCommand::Show { path } => {
            let (_, bytes) = find(path)?;
            use std::io::Write as _;
            let _ = std::io::stdout().write_all(&bytes);
            Ok(())
        }
        TemplatesCommand::Eject {
            paths,
            dir,
            templates,
            force,
        } => {
            let folder = match templates {
                Some(folder) => folder.clone(),
                None => {
                    refuse_outside_a_project(dir)?;
                    dir.join(TEMPLATES_DIR)
                }
            };
            let found: Vec<(String, Vec<u8>)> =
                paths.iter().map(|p| find(p)).collect::<Result<_>>()?;
            let record_path = folder.join(RECORD);
            let mut record = match fs::read_to_string(&record_path) {
                Ok(text) => parse_record(&record_path, text.as_bytes())?,
                Err(_) => BTreeMap::new(),
            };
            for (path, _) in &found {
                if folder.join(path).exists() && !force {
                    return Err(Error::Usage(format!(
                        "{} exists: it may hold your edits; pass --force to replace it",
                        folder.join(path).display()
                    )));
                }
            }
            for (path, bytes) in &found {
                let target = folder.join(path);
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                }
                fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?;
                record.insert(path.clone(), hash(bytes));
                crate::console::status(&format!("ejected {}\n", target.display()));
            }
            fs::write(&record_path, record_text(&record))
                .map_err(|e| Error::io(&record_path, e))?;
            crate::console::status(&eject_next_steps(dir, templates.as_deref()));
            Ok(())
        }
    }
}

/// After `eject`: edit the copies, then update the project with them. An overrides
/// folder of the user's own choosing is named again, as update would not find it.
fn eject_next_steps(dir: &Path, templates: Option<&Path>) -> String {
    let mut update = vec!["backend-gen update".to_string()];
    if let Some(folder) = templates {
        update.push("--templates".into());
        update.push(crate::console::shell_quote(&folder.to_string_lossy()));
    }
    if !crate::console::cd_into(dir).is_empty() {
        update.push(crate::console::shell_quote(&dir.to_string_lossy()));
    }
    format!(
        "\nNext:\n  # edit the copies (a generation warns when backend-gen's own version of one\n  \
         # changes), then:\n{}",
        crate::console::commands(&[(update.join(" "), "render the project with your templates")])
    )
}

/// `eject` writes into a project's `.backend-gen/`: in a folder that is no project (the
/// default `--dir .` anywhere else) it would leave a stray one that nothing reads.
fn refuse_outside_a_project(dir: &Path) -> Result<()> {
    if dir.join(crate::project_files::SPEC_FILE).is_file()
        || dir.join(crate::project_files::STATE_DIR).is_dir()
    {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{} is not a project backend-gen generated (it has no {} and no {}/), so nothing \
         would read templates ejected there. Run eject in the project, name it with \
         `--dir PROJECT`, or name the folder to eject into with `--templates FOLDER` (for \
         `new --templates FOLDER`). Nothing was written.",
        dir.display(),
        crate::project_files::SPEC_FILE,
        crate::project_files::STATE_DIR
    )))
}

/// An embedded template by its path, or by the path of the file it renders.
fn find(path: &str) -> Result<(String, Vec<u8>)> {
    let embedded = crate::render::embedded();
    let path = path.trim_start_matches("./");
    for candidate in [path.to_string(), format!("{path}.tera")] {
        if let Some(bytes) = embedded.get(&candidate) {
            return Ok((candidate, bytes.clone()));
        }
    }
    Err(Error::Usage(format!(
        "no embedded template {path}{}; `backend-gen templates list` prints them",
        closest(path, embedded.keys())
            .map(|c| format!(" (did you mean {c}?)"))
            .unwrap_or_default()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_found_by_template_or_output_path() {
        assert_eq!(find("src/app.rs").unwrap().0, "src/app.rs.tera");
        assert_eq!(find("./src/server.rs").unwrap().0, "src/server.rs");
        let err = find("src/apps.rs").unwrap_err().to_string();
        assert!(err.contains("no embedded template src/apps.rs"), "{err}");
    }
}
