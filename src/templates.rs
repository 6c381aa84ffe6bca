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

/// Where a project keeps its overrides.
pub const DIR: &str = ".backend-gen/templates";

/// In the overrides folder: what each template was when it was ejected.
const RECORD: &str = "ejected.toml";

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

/// The templates a generation uses instead of the embedded ones.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// Where they were read from.
    pub dir: Option<PathBuf>,
    /// Template path → the team's version.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Template path → the hash of the embedded version when it was ejected.
    ejected: BTreeMap<String, String>,
}

impl Overrides {
    /// The overrides in `dir`, or none when it does not exist. Every file in it must
    /// be at the path of an embedded template, so that a typo is not silently unused.
    pub fn load(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Ok(Self::default());
        }
        let mut files = BTreeMap::new();
        for path in crate::output::relative_files(dir)? {
            let full = dir.join(&path);
            files.insert(path, fs::read(&full).map_err(|e| Error::io(&full, e))?);
        }
        let ejected = match files.remove(RECORD) {
            Some(text) => parse_record(&dir.join(RECORD), &text)?,
            None => BTreeMap::new(),
        };
        let embedded = crate::render::embedded();
        for path in files.keys() {
            if !embedded.contains_key(path) {
                return Err(Error::Usage(format!(
                    "{}: no embedded template has this path, so it would be unused; \
                     `backend-gen templates list` prints them{}",
                    dir.join(path).display(),
                    closest(path, embedded.keys())
                        .map(|c| format!(" (did you mean {c}?)"))
                        .unwrap_or_default()
                )));
            }
        }
        Ok(Overrides {
            dir: Some(dir.to_path_buf()),
            files,
            ejected,
        })
    }

    /// What to tell the user: the overrides used, and those whose embedded template
    /// changed since they were ejected.
    pub fn notes(&self) -> Vec<String> {
        let Some(dir) = &self.dir else {
            return Vec::new();
        };
        if self.files.is_empty() {
            return Vec::new();
        }
        let embedded = crate::render::embedded();
        let mut notes = vec![format!(
            "note: rendering with your templates from {}: {}",
            dir.display(),
            self.files.keys().cloned().collect::<Vec<_>>().join(", ")
        )];
        for path in self.files.keys() {
            let now = embedded.get(path).map(|bytes| hash(bytes));
            if let (Some(was), Some(now)) = (self.ejected.get(path), now)
                && *was != now
            {
                notes.push(format!(
                    "warning: backend-gen's own {path} changed since you ejected it; \
                     `backend-gen templates show {path}` prints the new version to merge \
                     into yours, then `backend-gen templates eject --force` records it"
                ));
            }
        }
        notes
    }
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
                    dir.join(DIR)
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
    if dir.join(crate::render::SPEC_FILE).is_file() || dir.join(crate::update::STATE_DIR).is_dir() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{} is not a project backend-gen generated (it has no {} and no {}/), so nothing \
         would read templates ejected there. Run eject in the project, name it with \
         `--dir PROJECT`, or name the folder to eject into with `--templates FOLDER` (for \
         `new --templates FOLDER`). Nothing was written.",
        dir.display(),
        crate::render::SPEC_FILE,
        crate::update::STATE_DIR
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

/// The embedded path most like `path`, when one is close.
fn closest<'a>(path: &str, paths: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    paths
        .filter(|p| {
            let other = p.rsplit('/').next().unwrap_or(p);
            other.starts_with(name) || name.starts_with(other.trim_end_matches(".tera"))
        })
        .min_by_key(|p| p.len())
}

fn parse_record(path: &Path, text: &[u8]) -> Result<BTreeMap<String, String>> {
    let text = String::from_utf8_lossy(text);
    toml::from_str::<BTreeMap<String, String>>(&text)
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}

fn record_text(record: &BTreeMap<String, String>) -> String {
    let mut out = String::from(
        "# Written by `backend-gen templates eject`: a hash of each template as it was\n\
         # ejected, so that generation can warn when backend-gen's own version changes.\n",
    );
    for (path, hash) in record {
        out.push_str(&format!("{path:?} = {hash:?}\n"));
    }
    out
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `std`'s hasher.
fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_found_by_template_or_output_path() {
        assert_eq!(find("src/app.rs").unwrap().0, "src/app.rs.tera");
        assert_eq!(find("./src/cache.rs").unwrap().0, "src/cache.rs");
        let err = find("src/apps.rs").unwrap_err().to_string();
        assert!(err.contains("no embedded template src/apps.rs"), "{err}");
    }

    #[test]
    fn the_record_round_trips() {
        let record = BTreeMap::from([("src/app.rs.tera".to_string(), hash(b"x"))]);
        let text = record_text(&record);
        assert_eq!(
            parse_record(Path::new("r"), text.as_bytes()).unwrap(),
            record
        );
    }
}
