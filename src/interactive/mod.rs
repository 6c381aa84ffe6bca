//! `backend-gen new NAME` without `--spec`: ask for the spec on the terminal
//! and return it as TOML text.
//!
//! Asking and writing are kept apart: the prompts (`prompts.rs`) fill a plain
//! [`Answers`], and [`to_toml`] (`answers.rs`) turns that into a commented spec
//! in the style of `examples/*.toml`. The caller parses the text with the same
//! validator as a spec file and keeps it in the generated project, so a run
//! can be repeated with `--spec` and no questions.
//!
//! Every prompt checks its answer before accepting it: typed values are read
//! by `parse.rs`, and names and drafts are checked by `checks.rs`, partly by
//! asking the spec validator itself about a draft spec, so the final text
//! parses.

mod access;
mod answers;
mod checks;
mod more;
mod parse;
mod prompts;
mod ui;

pub use answers::{Answers, Existing, FieldAnswers, RelationAnswers, ResourceAnswers, to_toml};

use dialoguer::console::Term;

use crate::error::Result;

/// Asks for the spec on the terminal (prompts on stderr) and returns it as
/// TOML text. With `yes`, asks nothing and returns the default spec.
pub fn session(name: &str, yes: bool) -> Result<String> {
    if yes {
        return Ok(to_toml(&Answers::defaults(name), name));
    }
    ui::cancel_on_ctrl_c();
    let ui = ui::Ui::new();
    let result = prompts::run_session(&ui, name);
    if result.is_err() {
        // A prompt that failed half-way may leave the cursor hidden.
        let _ = Term::stderr().show_cursor();
    }
    result
}

/// "Add to this project": asks for new resources on the terminal and returns the
/// project's spec text (`source`, kept as written) with them appended.
pub fn add_session(project: &str, spec: &crate::spec::Spec, source: &str) -> Result<String> {
    ui::cancel_on_ctrl_c();
    let ui = ui::Ui::new();
    let result = prompts::run_add_session(&ui, project, Answers::adding_to(spec, source));
    if result.is_err() {
        let _ = Term::stderr().show_cursor();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_takes_every_default_without_a_terminal() {
        let text = session("demo", true).expect("--yes asks nothing");
        assert_eq!(text, to_toml(&Answers::defaults("demo"), "demo"));
    }
}
