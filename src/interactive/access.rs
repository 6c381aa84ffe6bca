//! Who may do what with a resource: one question with presets (the usual
//! rules on one line, a few common ones), and "per action…" for five
//! multi-selects. Owners may be reached through parents (`order.customer`).
//! Every preset offered, and every answer taken, passes the spec validator.

use super::answers::{Answers, ResourceAnswers};
use super::checks::Draft;
use super::ui::Ui;
use crate::error::Result;
use crate::spec::{ACCOUNT, Access, Rule};

/// How deep an owner path may go (`order_item` → `order` → `customer` is two).
const MAX_OWNER_STEPS: usize = 3;

/// The owner paths of `r`: each a chain of belongs-to relations, the last
/// (and only the last) reaching `user`: `customer`, `order.customer`.
pub(super) fn owner_paths(answers: &Answers, r: &ResourceAnswers) -> Vec<String> {
    let relations: Vec<(String, String)> = r
        .belongs_to
        .iter()
        .map(|b| (b.name.clone(), b.target.clone()))
        .collect();
    let mut out = Vec::new();
    walk(
        answers,
        relations,
        &mut Vec::new(),
        &mut vec![r.name.clone()],
        &mut out,
    );
    out
}

fn walk(
    answers: &Answers,
    relations: Vec<(String, String)>,
    path: &mut Vec<String>,
    visited: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    for (relation, target) in relations {
        path.push(relation);
        if target == ACCOUNT {
            out.push(path.join("."));
        } else if path.len() < MAX_OWNER_STEPS && !visited.contains(&target) {
            visited.push(target.clone());
            walk(answers, answers.relations_of(&target), path, visited, out);
            visited.pop();
        }
        path.pop();
    }
}

/// The access rules as one line: actions with the same rules grouped,
/// `list, read: public · create, update, delete: staff`.
pub(super) fn summary(access: &Access) -> String {
    let mut groups: Vec<(Vec<&str>, &[Rule])> = Vec::new();
    for (action, rules) in access.by_action() {
        match groups.iter_mut().find(|(_, r)| *r == rules) {
            Some((actions, _)) => actions.push(action),
            None => groups.push((vec![action], rules)),
        }
    }
    if let [(_, rules)] = groups.as_slice() {
        return format!("everything: {}", rule_words(rules));
    }
    groups
        .iter()
        .map(|(actions, rules)| format!("{}: {}", actions.join(", "), rule_words(rules)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn rule_words(rules: &[Rule]) -> String {
    rules
        .iter()
        .map(Rule::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The common rule sets for `r`, each valid for it; the first is the usual one.
fn presets(answers: &Answers, r: &ResourceAnswers, usual: Access, owned: bool) -> Vec<Access> {
    let public = || vec![Rule::Public];
    let signed_in = || vec![Rule::Authenticated];
    let split = |read: Vec<Rule>, write: Vec<Rule>| Access {
        list: read.clone(),
        read,
        create: write.clone(),
        update: write.clone(),
        delete: write,
    };
    let admin = Rule::Role(answers.admin_role.clone());
    let mut all = vec![
        usual,
        split(public(), signed_in()),
        Access::all(signed_in()),
        Access::everyone(),
    ];
    let roles: Vec<&String> = answers
        .roles
        .iter()
        .filter(|role| **role != answers.admin_role)
        .collect();
    for role in &roles {
        all.push(split(public(), vec![Rule::Role((*role).clone())]));
    }
    if owned {
        // On the accounts, new rows come from registration: creating is the admin's.
        let create = if r.name == ACCOUNT {
            vec![admin.clone()]
        } else {
            signed_in()
        };
        let own = |rules: Vec<Rule>| Access {
            list: rules.clone(),
            read: rules.clone(),
            create: create.clone(),
            update: rules.clone(),
            delete: rules,
        };
        all.push(own(vec![Rule::Owner]));
        for role in &roles {
            all.push(own(vec![Rule::Owner, Rule::Role((*role).clone())]));
        }
    }
    all.push(Access::all(vec![admin]));
    let mut kept: Vec<Access> = Vec::new();
    for preset in all {
        if !kept.contains(&preset) {
            kept.push(preset);
        }
    }
    kept
}

/// Asks who may do what with `r`, starting from `r.access` and `r.owner`
/// when they are set (the review step re-asks), else from the usual rules.
pub(super) fn ask_access(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    let is_account = r.name == ACCOUNT;
    let owners = owner_paths(answers, r);
    let owned = is_account || !owners.is_empty();
    let mut bare = r.clone();
    bare.access = None;
    bare.owner = None;
    let usual = Draft::new(answers, &bare)
        .default_access(&r.name)
        .unwrap_or_else(|| Access::all(vec![Rule::Authenticated]));
    // A preset with `owner` is probed with the owner it would get.
    let probe_owner = r
        .owner
        .clone()
        .filter(|o| owners.contains(o))
        .or_else(|| owners.first().cloned());
    let valid = |access: &Access| {
        let mut probe = bare.clone();
        probe.owner = uses_owner(access)
            .then(|| probe_owner.clone())
            .flatten()
            .filter(|_| !is_account);
        probe.access = Some(access.clone());
        Draft::new(answers, &probe).is_valid()
    };
    let presets: Vec<Access> = presets(answers, r, usual.clone(), owned)
        .into_iter()
        .filter(|p| valid(p))
        .collect();

    let mut items: Vec<String> = presets
        .iter()
        .map(|p| {
            let note = if *p == usual { "  (usual)" } else { "" };
            format!("{}{note}", summary(p))
        })
        .collect();
    // Answers that no longer hold (a relation they relied on was removed at
    // the review) are not offered again.
    let answered = r.access.clone().filter(|a| valid(a));
    let mut start = 0;
    let mut as_answered = None;
    if let Some(access) = &answered {
        match presets.iter().position(|p| p == access) {
            Some(i) => start = i,
            None => {
                as_answered = Some(items.len());
                start = items.len();
                items.push(format!("{}  (as answered)", summary(access)));
            }
        }
    }
    let per_action = items.len();
    items.push("per action…  (pick the rules of each action)".into());
    let plural = crate::names::Names::new(&r.name, None).plural_words;
    let pick = ui.select(
        &format!("Who may do what with {plural}? (the admin role passes every rule)"),
        &items,
        start,
    )?;
    let access = if pick == per_action {
        ask_per_action(ui, answers, r, &owners, answered.unwrap_or(usual))?
    } else if Some(pick) == as_answered {
        answered.unwrap_or(usual)
    } else {
        presets[pick].clone()
    };
    r.owner = if uses_owner(&access) && !is_account {
        Some(ask_owner(ui, r, &owners)?)
    } else {
        None
    };
    r.access = Some(access);
    Ok(())
}

fn uses_owner(access: &Access) -> bool {
    access
        .by_action()
        .iter()
        .any(|(_, rules)| rules.contains(&Rule::Owner))
}

/// Which owner path, when there is a choice; starts on the one answered before.
fn ask_owner(ui: &Ui, r: &ResourceAnswers, owners: &[String]) -> Result<String> {
    if let [one] = owners {
        return Ok(one.clone());
    }
    let start = r
        .owner
        .as_ref()
        .and_then(|o| owners.iter().position(|p| p == o))
        .unwrap_or(0);
    let pick = ui.select(
        &format!(
            "Who owns {}? (a relation to user, or one through a parent)",
            crate::names::with_article(&r.name.replace('_', " "))
        ),
        owners,
        start,
    )?;
    Ok(owners[pick].clone())
}

/// Five multi-selects, one per action, each starting from `start`'s rules;
/// asked again, from the answers given, while the validator refuses them.
fn ask_per_action(
    ui: &Ui,
    answers: &Answers,
    r: &ResourceAnswers,
    owners: &[String],
    start: Access,
) -> Result<Access> {
    let is_account = r.name == ACCOUNT;
    let owner = if is_account {
        Some("the account itself".to_string())
    } else {
        (!owners.is_empty())
            .then(|| format!("the account the row belongs to ({})", owners.join(" or ")))
    };
    let choices = rule_choices(answers, true, owner);
    let plural = crate::names::Names::new(&r.name, None).plural_words;
    let singular = r.name.replace('_', " ");
    let mut access = start;
    loop {
        let actions = [
            (&mut access.list, format!("Who may list {plural}?")),
            (&mut access.read, format!("Who may read one {singular}?")),
            (&mut access.create, format!("Who may create {plural}?")),
            (&mut access.update, format!("Who may update {plural}?")),
            (&mut access.delete, format!("Who may delete {plural}?")),
        ];
        for (rules, question) in actions {
            *rules = pick_rules(
                ui,
                &format!("{question} (Space picks; any of them passes)"),
                &choices,
                rules,
            )?;
        }
        let mut probe = r.clone();
        probe.owner = uses_owner(&access)
            .then(|| owners.first().cloned())
            .flatten()
            .filter(|_| !is_account);
        probe.access = Some(access.clone());
        let draft = Draft::new(answers, &probe);
        let key = format!("resources.{}", r.name);
        let problem = draft
            .problem(&format!("{key}.access"), true)
            .or_else(|| draft.problem(&format!("{key}.owner"), false));
        match problem {
            Some(problem) => ui.warn(&format!("{problem}; answer again")),
            None => return Ok(access),
        }
    }
}

/// The rules a multi-select offers, each with what it means: `public` when
/// `public` (it cannot narrow a field's rules), `owner` with its meaning when
/// the resource has an owner, then every role.
pub(super) fn rule_choices(
    answers: &Answers,
    public: bool,
    owner: Option<String>,
) -> Vec<(Rule, String)> {
    let mut choices = Vec::new();
    if public {
        choices.push((Rule::Public, "anyone, signed in or not".to_string()));
    }
    choices.push((Rule::Authenticated, "any signed-in account".to_string()));
    choices.push((
        Rule::Verified,
        "any signed-in account whose email is verified".to_string(),
    ));
    if let Some(owner) = owner {
        choices.push((Rule::Owner, owner));
    }
    for role in &answers.roles {
        choices.push((
            Rule::Role(role.clone()),
            format!("accounts with the {role} role"),
        ));
    }
    choices
        .into_iter()
        .map(|(rule, meaning)| {
            let label = format!("{:<14} {meaning}", rule.to_string());
            (rule, label)
        })
        .collect()
}

/// Some of `choices` (at least one), starting from `current`.
pub(super) fn pick_rules(
    ui: &Ui,
    question: &str,
    choices: &[(Rule, String)],
    current: &[Rule],
) -> Result<Vec<Rule>> {
    let labels: Vec<&str> = choices.iter().map(|(_, l)| l.as_str()).collect();
    let checked: Vec<bool> = choices.iter().map(|(r, _)| current.contains(r)).collect();
    let picked = pick_some(ui, question, &labels, &checked)?;
    Ok(picked.into_iter().map(|i| choices[i].0.clone()).collect())
}

/// A multi-select that needs at least one item: asked again when none is picked.
pub(super) fn pick_some(
    ui: &Ui,
    question: &str,
    labels: &[&str],
    checked: &[bool],
) -> Result<Vec<usize>> {
    loop {
        let picked = ui.multi(question, labels, checked)?;
        if !picked.is_empty() {
            return Ok(picked);
        }
        ui.warn("pick at least one (Space picks, Enter goes on)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interactive::answers::RelationAnswers;
    use crate::interactive::answers::tests::{field, resource};
    use crate::spec::{AuthMode, FieldType, OnDelete};

    fn relation(name: &str, target: &str) -> RelationAnswers {
        RelationAnswers {
            name: name.into(),
            target: target.into(),
            required: true,
            on_delete: OnDelete::Cascade,
        }
    }

    #[test]
    fn owners_are_found_through_parents() {
        let mut a = Answers::defaults("shop");
        a.auth = AuthMode::Jwt;
        a.resources.clear();
        let mut order = resource("order", vec![field("total", FieldType::Integer)]);
        order.belongs_to.push(relation("customer", "user"));
        let mut category = resource("category", vec![field("title", FieldType::String)]);
        category.belongs_to.push(relation("parent", "category"));
        a.resources = vec![order, category];
        let mut item = resource("order_item", vec![field("quantity", FieldType::Integer)]);
        item.belongs_to = vec![
            relation("order", "order"),
            relation("category", "category"),
            relation("buyer", "user"),
        ];
        assert_eq!(owner_paths(&a, &item), ["order.customer", "buyer"]);
    }

    #[test]
    fn the_summary_groups_actions_with_the_same_rules() {
        assert_eq!(summary(&Access::everyone()), "everything: public");
        let access = Access {
            list: vec![Rule::Public],
            read: vec![Rule::Public],
            create: vec![Rule::Owner, Rule::Role("staff".into())],
            update: vec![Rule::Owner, Rule::Role("staff".into())],
            delete: vec![Rule::Role("admin".into())],
        };
        assert_eq!(
            summary(&access),
            "list, read: public · create, update: owner or staff · delete: admin"
        );
    }

    #[test]
    fn owners_are_found_through_the_projects_resources() {
        let source = include_str!("../../examples/shop.toml");
        let spec = crate::spec::parse("shop.toml", source).expect("the example is valid");
        let a = Answers::adding_to(&spec, source);
        let mut refund = resource("refund", vec![field("amount", FieldType::Integer)]);
        refund.belongs_to.push(relation("payment", "payment"));
        assert_eq!(owner_paths(&a, &refund), ["payment.order.customer"]);
        // The validator takes it as the owner.
        refund.owner = Some("payment.order.customer".into());
        refund.access = Some(Access::all(vec![Rule::Owner, Rule::Role("staff".into())]));
        assert!(Draft::new(&a, &refund).is_valid());
    }
}
