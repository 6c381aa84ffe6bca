//! A resource's belongs-to relations: the parent, the relation's name, whether it is
//! required, and what deleting the parent does.

use super::answers::{Answers, RelationAnswers, ResourceAnswers};
use super::checks::{Draft, relation_name_problem};
use super::ui::Ui;
use crate::error::Result;
use crate::names::with_article;
use crate::spec::{AuthMode, OnDelete};

/// A snake_case name as words for prose: `order_item` → "order item".
pub(super) fn words(name: &str) -> String {
    name.replace('_', " ")
}

pub(super) fn ask_belongs_to(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    let name = r.name.clone();
    let mut targets: Vec<String> = answers.resource_names();
    // With jwt the accounts, `user`, exist whether or not they were asked about.
    let implicit_user = answers.auth == AuthMode::Jwt
        && name != crate::spec::ACCOUNT
        && !targets.iter().any(|t| t == crate::spec::ACCOUNT);
    if implicit_user {
        targets.push(crate::spec::ACCOUNT.to_string());
    }
    targets.push(name.clone());
    loop {
        let mut items = vec![if r.belongs_to.is_empty() {
            "no, go on".to_string()
        } else {
            "no more, go on".to_string()
        }];
        items.extend(targets.iter().map(|t| {
            if *t == name {
                format!("{t} (itself: a parent {t})")
            } else if implicit_user && t == crate::spec::ACCOUNT {
                format!("{t} (the accounts)")
            } else {
                t.clone()
            }
        }));
        let pick = ui.select(
            &format!("Does each {name} belong to another resource (a foreign key)?"),
            &items,
            0,
        )?;
        if pick == 0 {
            return Ok(());
        }
        let target = targets[pick - 1].clone();
        let candidate = if target == name {
            format!("parent_{target}")
        } else {
            target.clone()
        };
        let suggested =
            Some(candidate).filter(|s| relation_name_problem(answers, r, s, &target).is_none());
        let current: &ResourceAnswers = r;
        let relation = ui.text(
            "Relation name (the column is NAME_id; e.g. author for a user)",
            suggested.as_deref(),
            |text: &String| match relation_name_problem(answers, current, text.trim(), &target) {
                Some(problem) => Err(problem),
                None => Ok(()),
            },
        )?;
        let relation = relation.trim().to_string();
        let required = ask_required(ui, answers, r, &relation, &target)?;
        let a_target = with_article(&words(&target));
        let mut choices = vec![
            (
                OnDelete::Restrict,
                format!("restrict  refuse to delete {a_target} that still has {name} rows"),
            ),
            (
                OnDelete::Cascade,
                format!("cascade   delete its {name} rows too"),
            ),
        ];
        if !required {
            choices.insert(
                0,
                (
                    OnDelete::SetNull,
                    format!("set_null  keep the {name} rows, clear their {relation}"),
                ),
            );
        }
        let labels: Vec<&str> = choices.iter().map(|(_, l)| l.as_str()).collect();
        let on_delete = choices[ui.select(&format!("When {a_target} is deleted"), &labels, 0)?].0;
        r.belongs_to.push(RelationAnswers {
            name: relation,
            target,
            required,
            on_delete,
        });
    }
}

/// Whether the new relation is required, asked again while the validator
/// refuses the answer (a required relation to the resource itself would keep
/// its first row from ever being created).
fn ask_required(
    ui: &Ui,
    answers: &Answers,
    r: &ResourceAnswers,
    relation: &str,
    target: &str,
) -> Result<bool> {
    let name = &r.name;
    loop {
        let required = ui.confirm(
            &format!("Is the {relation} required on every {name}?"),
            target != name,
        )?;
        let mut probe = r.clone();
        probe.belongs_to.push(RelationAnswers {
            name: relation.to_string(),
            target: target.to_string(),
            required,
            on_delete: OnDelete::Restrict,
        });
        let key = format!("resources.{name}.belongs_to.{relation}");
        match Draft::new(answers, &probe).problem(&key, true) {
            Some(problem) => ui.warn(&format!("{problem}; answer again")),
            None => return Ok(required),
        }
    }
}
