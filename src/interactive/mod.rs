//! `backend-gen new NAME` without `--spec`: ask for the spec on the terminal
//! and return it as TOML text.
//!
//! Asking and writing are kept apart: the prompts fill a plain [`Answers`]
//! (`answers.rs`), and [`to_toml`] (`spec_text.rs`) turns that into a commented spec
//! in the style of `examples/*.toml`. The caller parses the text with the same
//! validator as a spec file and keeps it in the generated project, so a run
//! can be repeated with `--spec` and no questions.
//!
//! Every prompt checks its answer before accepting it: typed values are read
//! by `parse.rs`, and names and drafts are checked by `checks.rs`, partly by
//! asking the spec validator itself about a draft spec, so the final text
//! parses.
//!
//! The answers end in a review (`review.rs`) where anything can be changed,
//! and the spec generated or saved. The prompt layer (`ui.rs`) keeps the
//! mechanics out of the questions: Esc goes back one question by replaying
//! the recorded answers, Ctrl-C saves a checkpoint of the answers, prompts fit
//! the terminal's width (docs/interactive.md).
//!
//! The files form layers, none importing a file that imports it: `prompts.rs`
//! runs the session's course and ends in `review.rs`; both use the questions
//! about a resource (`resources.rs`), the edits of what was answered
//! (`change.rs`) and the project's settings (`settings.rs`); those ask about
//! fields (`fields.rs`), relations (`relations.rs`), access rules (`access.rs`)
//! and the less common options (`more.rs`), on top of the checks, the data and
//! its text, parsing, and `ui.rs`. This file only starts a session, and no
//! file below imports it.

mod access;
mod answers;
mod change;
mod checks;
mod fields;
mod more;
mod parse;
mod prompts;
mod relations;
mod resources;
mod review;
mod saving;
mod settings;
mod spec_text;
mod ui;

pub use answers::{Answers, Existing, FieldAnswers, RelationAnswers, ResourceAnswers};
pub use spec_text::to_toml;

use std::path::Path;

use dialoguer::console::Term;

use crate::error::Result;

/// Asks for the spec on the terminal (prompts on stderr) and returns it as
/// TOML text. With `yes`, asks nothing and returns the default spec. `None`:
/// the user saved the spec and quit, and was told where it is and how to
/// generate from it (with `output`, `new`'s `--output`).
pub fn session(name: &str, yes: bool, output: Option<&Path>) -> Result<Option<String>> {
    if yes {
        return Ok(Some(to_toml(&Answers::defaults(name), name)));
    }
    let saving = saving::Saving {
        project: name.to_string(),
        output: output.map(Path::to_path_buf),
        adding: false,
    };
    asking(|ui| prompts::run_session(ui, &saving))
}

/// "Add to this project": asks for new resources on the terminal and returns the
/// project's spec text (`source`, kept as written) with them appended; `None`
/// when the user saved the addition and quit (in the current directory, told
/// how to apply it to the project in `dir`).
pub fn add_session(
    project: &str,
    dir: &Path,
    spec: &crate::spec::Spec,
    source: &str,
) -> Result<Option<String>> {
    let saving = saving::Saving {
        project: project.to_string(),
        output: (dir != Path::new(".")).then(|| dir.to_path_buf()),
        adding: true,
    };
    asking(|ui| prompts::run_add_session(ui, &saving, Answers::adding_to(spec, source)))
}

/// Runs a session with Ctrl-C saving its answers.
fn asking(session: impl FnOnce(&ui::Ui) -> Result<Option<String>>) -> Result<Option<String>> {
    ui::cancel_on_ctrl_c();
    let result = session(&ui::Ui::new());
    // A prompt that failed half-way may leave the cursor hidden.
    let _ = Term::stderr().show_cursor();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_takes_every_default_without_a_terminal() {
        let text = session("demo", true, None)
            .expect("--yes asks nothing")
            .expect("--yes generates");
        assert_eq!(text, to_toml(&Answers::defaults("demo"), "demo"));
    }
}
