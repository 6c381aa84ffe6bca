//! The review step: the spec shown and checked, then generate it, change it
//! (edit, remove or add a resource, a field, a relation, the access rules,
//! the project settings; the edits are `change.rs`'s), or save it and quit.
//! Every change is a question like the others, so Esc takes it back, and the
//! spec is checked and shown again after it.

use dialoguer::console::style;

use super::answers::Answers;
use super::change::change_resource;
use super::resources::ask_resource;
use super::saving::Saving;
use super::settings::{ask_database, ask_graphql, say_roles};
use super::spec_text::to_toml;
use super::ui::Ui;
use crate::error::Result;
use crate::spec::AuthMode;

/// Shows the spec and asks what to do with it until the user generates it
/// (`Some(spec)`) or saves it and quits (`None`, told where it is).
pub(super) fn review(ui: &Ui, answers: &mut Answers, saving: &Saving) -> Result<Option<String>> {
    let project = &saving.project;
    let before = answers.existing.as_ref().map(|_| {
        to_toml(
            &Answers {
                resources: Vec::new(),
                ..answers.clone()
            },
            project,
        )
        .len()
    });
    loop {
        saving.checkpoint(answers, None);
        let text = to_toml(answers, project);
        match before {
            Some(before) => {
                ui.say(&format!(
                    "\n{} (added to {})\n",
                    style("The addition").bold(),
                    crate::project_files::SPEC_FILE
                ));
                ui.say(text[before..].trim_start_matches('\n'));
            }
            None => {
                ui.say(&format!(
                    "\n{} (saved as {} in the project)\n",
                    style("The spec").bold(),
                    crate::project_files::SPEC_FILE
                ));
                ui.say(&text);
            }
        }
        let problems = crate::spec::parse(crate::project_files::SPEC_FILE, &text).err();
        if let Some(report) = &problems {
            ui.warn(&format!(
                "The spec has problems; change it, or save it and fix it by hand:\n{report}"
            ));
        } else if answers.auth == AuthMode::Jwt && before.is_none() {
            say_roles(ui, answers);
        }
        let mut choices = vec![
            match before {
                Some(_) => format!("add this to {project}"),
                None => format!("generate {project}"),
            },
            "edit or remove a resource".to_string(),
            "add a resource".to_string(),
        ];
        if before.is_none() {
            choices.push("edit the project settings".to_string());
        }
        choices.push("save the spec and quit".to_string());
        let question = match before {
            Some(_) => format!("Add this to {project}?"),
            None => format!("Generate {project} from this spec?"),
        };
        let pick = ui.select(&question, &choices, 0)?;
        match choices[pick].as_str() {
            _ if pick == 0 => match problems {
                None => return Ok(Some(text)),
                Some(_) => ui.warn("the spec has problems (above): change it first"),
            },
            "edit or remove a resource" => change_resource(ui, answers)?,
            "add a resource" => {
                let resource = ask_resource(ui, answers, saving)?;
                answers.resources.push(resource);
            }
            "edit the project settings" => change_settings(ui, answers)?,
            _ => {
                let said = saving.save(&text)?;
                // Saved: Ctrl-C from here on has nothing more to keep.
                super::ui::forget_checkpoint();
                ui.say(&format!("\n{}", capitalized(&said)));
                return Ok(None);
            }
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The description, database and GraphQL (the auth mode shapes the questions about
/// every resource, so changing it means a new session or editing the file).
fn change_settings(ui: &Ui, answers: &mut Answers) -> Result<()> {
    answers.description = ui.text(
        "Project description",
        Some(&answers.description),
        |_| Ok(()),
    )?;
    answers.database = ask_database(ui, answers.database)?;
    answers.graphql = ask_graphql(ui, answers.graphql)?;
    Ok(())
}
