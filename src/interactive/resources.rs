//! One new resource: its name, fields, relations, links, access rules and options.

use dialoguer::console::style;

use super::access::ask_access;
use super::answers::{Answers, ResourceAnswers};
use super::change::change_fields;
use super::checks::resource_name_problem;
use super::fields::ask_field;
use super::more::ask_events_and_jobs;
use super::relations::{ask_belongs_to, words};
use super::saving::Saving;
use super::ui::Ui;
use crate::error::Result;
use crate::names::with_article;
use crate::spec::AuthMode;

pub(super) fn ask_resource(ui: &Ui, answers: &Answers, saving: &Saving) -> Result<ResourceAnswers> {
    let known = answers.resource_names();
    let first = known.is_empty();
    let suggested = match answers.auth {
        AuthMode::Jwt if !known.iter().any(|r| r == "user") => Some("user"),
        _ if first => Some("item"),
        _ => None,
    };
    ui.say("");
    let name = ask_resource_name(ui, answers, suggested)?;
    let mut r = ResourceAnswers::new(&name);
    r.description = ui.optional_text(
        &format!(
            "Describe {} in a sentence (optional)",
            with_article(&words(&name))
        ),
        |_| Ok(()),
    )?;

    ui.say(&format!(
        "{}",
        style(format!(
            "Fields of {name} (id and timestamps are added for you)."
        ))
        .dim()
    ));
    saving.checkpoint(answers, Some(&r));
    let mut add = true;
    loop {
        if add {
            let field = ask_field(ui, answers, &r, None)?;
            r.fields.push(field);
        }
        saving.checkpoint(answers, Some(&r));
        let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
        let next = ui.select(
            &format!("Fields of {name}: {}. Add another field?", names.join(", ")),
            &["no, go on", "yes, add a field", "edit or remove a field"],
            0,
        )?;
        match next {
            0 if !r.fields.is_empty() => break,
            0 => ui.warn(&format!("{name} needs a field")),
            2 => change_fields(ui, answers, &mut r)?,
            _ => {}
        }
        add = next == 1;
    }

    saving.checkpoint(answers, Some(&r));
    ask_belongs_to(ui, answers, &mut r)?;
    saving.checkpoint(answers, Some(&r));
    let others: Vec<&str> = known.iter().map(String::as_str).collect();
    if !others.is_empty() {
        let picked = ui.multi(
            &format!("Many-to-many links from {name} (Space picks, Enter goes on; none is fine)"),
            &others,
            &[],
        )?;
        r.many_to_many = picked.into_iter().map(|i| others[i].to_string()).collect();
    }

    if answers.auth == AuthMode::Jwt {
        ask_access(ui, answers, &mut r)?;
    }
    ask_resource_options(ui, answers, &mut r)?;
    Ok(r)
}

/// Soft delete, versions, and events and jobs, in one multi-select that
/// starts from what `r` has; events and jobs open their own questions.
fn ask_resource_options(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    let name = r.name.clone();
    let items = [
        format!("soft delete   {name} rows are hidden, not removed"),
        format!("versioned     optimistic locking: an update sends the {name}'s current version"),
        "events, jobs… emitted on writes, and background jobs that run on them".to_string(),
    ];
    let checked = [
        r.soft_delete,
        r.versioned,
        !r.events.is_empty() || !r.jobs.is_empty(),
    ];
    let picked = ui.multi(
        &format!("Options for {name} (Space picks, Enter goes on; none is usual)"),
        &items,
        &checked,
    )?;
    r.soft_delete = picked.contains(&0);
    r.versioned = picked.contains(&1);
    if picked.contains(&2) {
        ask_events_and_jobs(ui, answers, r)?;
    } else {
        r.events.clear();
        r.jobs.clear();
    }
    Ok(())
}

/// A new resource's name. One that reads as a plural (`books`) is refused by the
/// validator, which offers its singular (the generated names expect "a book", `/books`).
fn ask_resource_name(ui: &Ui, answers: &Answers, suggested: Option<&str>) -> Result<String> {
    let name = ui.text(
        "Resource name (singular, snake_case, e.g. order_item)",
        suggested,
        |text: &String| match resource_name_problem(answers, text.trim()) {
            Some(problem) => Err(problem),
            None => Ok(()),
        },
    )?;
    Ok(name.trim().to_string())
}
