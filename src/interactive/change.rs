//! Changing what was answered: a resource edited or removed, a field asked again
//! or removed, relations removed or added. Used while asking and at the review.

use super::access::ask_access;
use super::answers::{Answers, ResourceAnswers};
use super::fields::ask_field;
use super::relations::ask_belongs_to;
use super::ui::Ui;
use crate::error::Result;
use crate::spec::AuthMode;

/// Picks one of the session's resources and edits or removes it.
pub(super) fn change_resource(ui: &Ui, answers: &mut Answers) -> Result<()> {
    let names: Vec<String> = answers.resources.iter().map(|r| r.name.clone()).collect();
    let i = match names.len() {
        0 => {
            ui.warn("no resource to change yet");
            return Ok(());
        }
        1 => 0,
        _ => ui.select("Which resource?", &names, names.len() - 1)?,
    };
    // The questions about a resource see every other one, not itself.
    let mut others = answers.clone();
    let mut r = others.resources.remove(i);
    let name = r.name.clone();
    let mut actions = vec![
        "edit or remove a field",
        "add a field",
        "remove a relation",
        "add a relation",
    ];
    if answers.auth == AuthMode::Jwt {
        actions.push("edit the access rules");
    }
    let soft_delete = format!("soft delete: {}", switch(r.soft_delete));
    let versioned = format!("versioned: {}", switch(r.versioned));
    let remove = format!("remove {name}");
    actions.extend([soft_delete.as_str(), versioned.as_str(), remove.as_str()]);
    let pick = ui.select(&format!("Change {name}"), &actions, 0)?;
    match actions[pick] {
        "edit or remove a field" => change_fields(ui, &others, &mut r)?,
        "add a field" => {
            let field = ask_field(ui, &others, &r, None)?;
            r.fields.push(field);
        }
        "remove a relation" => remove_relation(ui, &mut r)?,
        "add a relation" => add_relations(ui, &others, &mut r)?,
        "edit the access rules" => ask_access(ui, &others, &mut r)?,
        action if action == soft_delete => r.soft_delete = !r.soft_delete,
        action if action == versioned => r.versioned = !r.versioned,
        _ => {
            let dependants = dependants(answers, &name);
            if dependants.is_empty() {
                answers.resources.remove(i);
                ui.say(&format!("Removed {name}."));
            } else {
                ui.warn(&format!(
                    "{name} stays: {}; remove or change {} first",
                    dependants.join(", "),
                    if dependants.len() == 1 { "it" } else { "them" }
                ));
            }
            return Ok(());
        }
    }
    answers.resources[i] = r;
    Ok(())
}

/// "on, turn it off" or "off, turn it on".
fn switch(on: bool) -> &'static str {
    if on {
        "on; turn it off"
    } else {
        "off; turn it on"
    }
}

/// What in the session points at the resource `name`, said as a reason it
/// cannot go: "post belongs to it (author)", "tag links to it".
fn dependants(answers: &Answers, name: &str) -> Vec<String> {
    let mut found = Vec::new();
    for r in answers.resources.iter().filter(|r| r.name != name) {
        for relation in r.belongs_to.iter().filter(|b| b.target == name) {
            found.push(format!("{} belongs to it ({})", r.name, relation.name));
        }
        if r.many_to_many.iter().any(|t| t == name) {
            found.push(format!("{} links to it (many-to-many)", r.name));
        }
    }
    found
}

/// Picks one of `r`'s fields and asks it again (the current answers
/// suggested) or removes it.
pub(super) fn change_fields(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    let choices: Vec<String> = r
        .fields
        .iter()
        .flat_map(|f| [format!("edit {}", f.name), format!("remove {}", f.name)])
        .collect();
    if choices.is_empty() {
        ui.warn(&format!("{} has no field yet", r.name));
        return Ok(());
    }
    let pick = ui.select(&format!("Which field of {}?", r.name), &choices, 0)?;
    let i = pick / 2;
    let field = r.fields.remove(i);
    if pick % 2 == 0 {
        let edited = ask_field(ui, answers, r, Some(&field))?;
        r.fields.insert(i, edited);
    } else if r.fields.is_empty() {
        ui.warn(&format!("{} stays: {} needs a field", field.name, r.name));
        r.fields.insert(i, field);
    }
    Ok(())
}

/// Removes one of `r`'s relations, but not the one its access rules' `owner`
/// means.
fn remove_relation(ui: &Ui, r: &mut ResourceAnswers) -> Result<()> {
    let belongs: Vec<String> = r
        .belongs_to
        .iter()
        .map(|b| format!("{}  (each {} belongs to a {})", b.name, r.name, b.target))
        .collect();
    let links = r
        .many_to_many
        .iter()
        .map(|t| format!("{t}  (many-to-many)"));
    let choices: Vec<String> = belongs.iter().cloned().chain(links).collect();
    if choices.is_empty() {
        ui.warn(&format!("{} has no relation", r.name));
        return Ok(());
    }
    let pick = ui.select("Remove which relation?", &choices, 0)?;
    if pick >= r.belongs_to.len() {
        r.many_to_many.remove(pick - r.belongs_to.len());
        return Ok(());
    }
    let relation = &r.belongs_to[pick].name;
    if r.owner.as_ref() == Some(relation) {
        ui.warn(&format!(
            "{relation} stays: it is the owner of each {} that the access rules' `owner` means; \
             edit the access rules first",
            r.name
        ));
        return Ok(());
    }
    r.belongs_to.remove(pick);
    Ok(())
}

/// New belongs-to relations, then the many-to-many links (the current ones
/// checked).
fn add_relations(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    ask_belongs_to(ui, answers, r)?;
    let others = answers.resource_names();
    if others.is_empty() {
        return Ok(());
    }
    let checked: Vec<bool> = others.iter().map(|o| r.many_to_many.contains(o)).collect();
    let picked = ui.multi(
        &format!(
            "Many-to-many links from {} (Space picks, Enter goes on)",
            r.name
        ),
        &others,
        &checked,
    )?;
    r.many_to_many = picked.into_iter().map(|i| others[i].clone()).collect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interactive::{FieldAnswers, RelationAnswers};
    use crate::spec::{FieldType, OnDelete};

    #[test]
    fn a_resource_something_points_at_names_what_does() {
        let mut answers = Answers::defaults("demo");
        let mut post = ResourceAnswers::new("post");
        post.fields
            .push(FieldAnswers::new("title", FieldType::String));
        post.belongs_to.push(RelationAnswers {
            name: "author".into(),
            target: "item".into(),
            required: true,
            on_delete: OnDelete::Restrict,
        });
        post.many_to_many.push("item".into());
        answers.resources.push(post);
        assert_eq!(
            dependants(&answers, "item"),
            [
                "post belongs to it (author)",
                "post links to it (many-to-many)"
            ]
        );
        assert!(dependants(&answers, "post").is_empty());
    }
}
