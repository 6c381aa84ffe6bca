//! The terminal session's course: the project's questions, its resources one at
//! a time, then the review; the questions themselves live in the files below.

use dialoguer::console::style;

use super::answers::{Answers, default_description};
use super::change::change_resource;
use super::resources::ask_resource;
use super::review::review;
use super::saving::Saving;
use super::settings::{ask_database, ask_graphql, ask_roles};
use super::ui::Ui;
use crate::error::Result;
use crate::spec::AuthMode;

/// `backend-gen new NAME`'s questions, then the review; `Some(spec)` to
/// generate, `None` when the user saved the spec and quit (and was told where).
/// Esc at any question goes back one ([`Ui::run`]).
pub(super) fn run_session(ui: &Ui, saving: &Saving) -> Result<Option<String>> {
    ui.run(|ui| {
        let mut answers = ask(ui, saving)?;
        review(ui, &mut answers, saving)
    })
}

/// "Add to this project": new resources asked one at a time, appended to the
/// project's spec, then the review. `Some(spec)` is the whole new spec.
pub(super) fn run_add_session(
    ui: &Ui,
    saving: &Saving,
    answers: Answers,
) -> Result<Option<String>> {
    ui.run(|ui| {
        let mut answers = answers.clone();
        ui.say(&format!(
            "{} Enter takes the answer in (parentheses); arrow keys move in lists; Esc goes back.",
            style(format!("Add resources to {}.", saving.project)).bold()
        ));
        ui.say(&format!(
            "{}",
            style(format!(
                "It has: {}. (A field for one of those: `backend-gen add field`.)",
                answers.resource_names().join(", ")
            ))
            .dim()
        ));
        ask_resources(
            ui,
            &mut answers,
            saving,
            "New resources",
            "no, review the addition",
        )?;
        review(ui, &mut answers, saving)
    })
}

fn ask(ui: &Ui, saving: &Saving) -> Result<Answers> {
    let name = saving.project.as_str();
    ui.say(&format!(
        "{} Enter takes the answer in (parentheses); arrow keys move in lists; Esc goes back.\n",
        style(format!("Describe the {name} service.")).bold()
    ));
    let mut answers = Answers::defaults(name);
    answers.resources.clear();

    answers.description = ui.text(
        "Project description",
        Some(&default_description(name)),
        |_| Ok(()),
    )?;

    saving.checkpoint(&answers, None);
    answers.database = ask_database(ui, answers.database)?;
    saving.checkpoint(&answers, None);
    answers.auth = match ui.select(
        "Authentication",
        &[
            "none  (every route is public)",
            "jwt   (accounts, login, and per-action access rules)",
        ],
        0,
    )? {
        0 => AuthMode::None,
        _ => AuthMode::Jwt,
    };
    answers.graphql = ask_graphql(ui, answers.graphql)?;
    if answers.auth == AuthMode::Jwt {
        ask_roles(ui, &mut answers)?;
        ui.say(&format!(
            "{}",
            style("With jwt, accounts live in a resource named `user`; email, password and roles are added to it for you.")
                .dim()
        ));
    }

    saving.checkpoint(&answers, None);
    ui.say(&format!(
        "\n{}",
        style("Resources (the things the API stores), one at a time.").bold()
    ));
    ask_resources(
        ui,
        &mut answers,
        saving,
        "Resources so far",
        "no, review the spec",
    )?;
    Ok(answers)
}

/// Resources, one at a time, until the answer is `done` (the first choice);
/// the resources asked so far can be edited or removed in between.
fn ask_resources(
    ui: &Ui,
    answers: &mut Answers,
    saving: &Saving,
    so_far: &str,
    done: &str,
) -> Result<()> {
    let mut add = true;
    loop {
        if add {
            let resource = ask_resource(ui, answers, saving)?;
            answers.resources.push(resource);
            saving.checkpoint(answers, None);
        }
        let names: Vec<&str> = answers.resources.iter().map(|r| r.name.as_str()).collect();
        let mut choices = vec![done, "yes, add a resource"];
        if !names.is_empty() {
            choices.push("edit or remove a resource");
        }
        let next = ui.select(
            &format!("{so_far}: {}. Add another resource?", names.join(", ")),
            &choices,
            0,
        )?;
        match next {
            0 if !answers.resources.is_empty() => return Ok(()),
            0 => ui.warn("add a resource first"),
            2 => change_resource(ui, answers)?,
            _ => {}
        }
        add = next == 1;
        saving.checkpoint(answers, None);
    }
}
