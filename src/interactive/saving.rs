//! Where a session's answers go when it ends without generating: saved as a spec
//! file next to the user, with the command that generates from it.

use super::answers::{Answers, ResourceAnswers};
use super::spec_text::to_toml;
use super::ui;
use crate::console::shell_quote;
use crate::error::{Error, Result};

/// Where a session's answers go when it ends without generating (saved and
/// quit, or Ctrl-C), and what the user is told about them.
#[derive(Debug, Clone)]
pub(super) struct Saving {
    /// The project's name: `NAME.spec.toml`, and `backend-gen new NAME`.
    pub(super) project: String,
    /// `new`'s `--output`, repeated in the command to generate with; with
    /// `adding`, the project's directory when it is not the current one.
    pub(super) output: Option<std::path::PathBuf>,
    /// "Add to this project": the saved spec is the project's, with additions.
    pub(super) adding: bool,
}

impl Saving {
    /// Saves the answers' spec (`text`, from [`to_toml`]) and returns where, and
    /// what to do with it.
    pub(super) fn save(&self, text: &str) -> Result<String> {
        let path = save_answers(&self.project, |path| self.saved_text(text, path))?;
        Ok(self.advice(&path.display().to_string()))
    }

    /// Where the answers are (`file`), and the command that uses them.
    fn advice(&self, file: &str) -> String {
        if self.adding {
            let (spec, update) = match &self.output {
                Some(dir) => (
                    shell_quote(
                        &dir.join(crate::project_files::SPEC_FILE)
                            .display()
                            .to_string(),
                    ),
                    format!(
                        "backend-gen update {}",
                        shell_quote(&dir.display().to_string())
                    ),
                ),
                None => (
                    crate::project_files::SPEC_FILE.to_string(),
                    "backend-gen update".to_string(),
                ),
            };
            format!(
                "nothing changed in the project, and the spec with your additions is saved in \
                 {file}; to apply it:\n  cp {} {spec} && {update}",
                shell_quote(file),
            )
        } else {
            format!(
                "the spec is saved in {file}; to generate from it:\n  {}",
                self.generate_command(file)
            )
        }
    }

    /// `backend-gen new` from the saved answers in `file`, as the session was started.
    fn generate_command(&self, file: &str) -> String {
        let output = match &self.output {
            Some(dir) => format!(" -o {}", shell_quote(&dir.display().to_string())),
            None => String::new(),
        };
        format!(
            "backend-gen new {} --spec {}{output}",
            shell_quote(&self.project),
            shell_quote(file)
        )
    }

    /// A new project's spec carries the generated project's header; saved
    /// answers say what they are and how to generate from them instead.
    fn saved_text(&self, text: &str, path: &std::path::Path) -> String {
        if self.adding {
            return text.to_string();
        }
        let header: usize = text
            .split_inclusive('\n')
            .take_while(|line| line.starts_with('#'))
            .map(str::len)
            .sum();
        format!(
            "# The answers of `backend-gen new {}`, saved before generating. Generate with\n\
             # `{}`.\n{}",
            self.project,
            self.generate_command(&path.display().to_string()),
            &text[header..]
        )
    }

    /// Leaves the answers so far (and `current`, the resource being asked)
    /// for Ctrl-C to save.
    pub(super) fn checkpoint(&self, answers: &Answers, current: Option<&ResourceAnswers>) {
        let mut answers = answers.clone();
        answers.resources.extend(current.cloned());
        let text = to_toml(&answers, &self.project);
        let saving = self.clone();
        ui::checkpoint(Box::new(move || match saving.save(&text) {
            Ok(said) => said,
            Err(e) => format!("the answers could not be saved: {e}"),
        }));
    }
}

/// Keeps a session's answers when it ends without generating: `NAME.spec.toml` in the
/// current directory (`NAME.spec-2.toml`... when taken; nothing is overwritten).
/// `text` gives the file's text for the path chosen.
fn save_answers(
    name: &str,
    text: impl Fn(&std::path::Path) -> String,
) -> Result<std::path::PathBuf> {
    for n in 1.. {
        let path = std::path::PathBuf::from(match n {
            1 => format!("{name}.spec.toml"),
            n => format!("{name}.spec-{n}.toml"),
        });
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                use std::io::Write as _;
                file.write_all(text(&path).as_bytes())
                    .map_err(|e| Error::io(&path, e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    unreachable!("some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saving(output: Option<&str>, adding: bool) -> Saving {
        Saving {
            project: "demo".into(),
            output: output.map(Into::into),
            adding,
        }
    }

    #[test]
    fn the_advice_repeats_the_output_and_the_project_directory() {
        assert_eq!(
            saving(Some("my out"), false).advice("demo.spec.toml"),
            "the spec is saved in demo.spec.toml; to generate from it:\n  \
             backend-gen new demo --spec demo.spec.toml -o 'my out'"
        );
        assert_eq!(
            saving(None, true).advice("demo.spec.toml"),
            "nothing changed in the project, and the spec with your additions is saved in \
             demo.spec.toml; to apply it:\n  cp demo.spec.toml backend-gen.toml && backend-gen update"
        );
        assert_eq!(
            saving(Some("../my shop"), true).advice("demo.spec.toml"),
            "nothing changed in the project, and the spec with your additions is saved in \
             demo.spec.toml; to apply it:\n  \
             cp demo.spec.toml '../my shop/backend-gen.toml' && backend-gen update '../my shop'"
        );
    }

    #[test]
    fn saved_answers_get_their_own_header() {
        let text = to_toml(&Answers::defaults("demo"), "demo");
        let saved =
            saving(Some("out"), false).saved_text(&text, std::path::Path::new("demo.spec-2.toml"));
        assert!(
            saved.starts_with(
                "# The answers of `backend-gen new demo`, saved before generating. Generate with\n\
                 # `backend-gen new demo --spec demo.spec-2.toml -o out`.\n\n[project]\n"
            ),
            "{saved}"
        );
        assert!(!saved.contains("backend-gen update"), "{saved}");
    }
}
