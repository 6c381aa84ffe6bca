//! Whether a name or value typed at a prompt can go into the spec: name rules
//! checked here, and the rest by running the spec validator itself on a draft
//! of the answers so far (see [`Draft`]).

use std::fmt::Write as _;

use super::answers::{Answers, FieldAnswers, RelationAnswers, ResourceAnswers};
use super::spec_text::to_toml;
use crate::names::{is_snake_identifier, snake_version};
use crate::spec::{Access, Event, FieldType, MAX_NAME, OnDelete, Trigger};

/// Why `name` cannot name a new resource, if it cannot.
pub(super) fn resource_name_problem(answers: &Answers, name: &str) -> Option<String> {
    if let Some(problem) = identifier_problem(name) {
        return Some(problem);
    }
    if answers.resource_names().iter().any(|r| r == name) {
        return Some(format!("there is already a resource `{name}`"));
    }
    // Reserved names, keywords and plural clashes: ask the validator.
    let mut probe = ResourceAnswers::new(name);
    probe
        .fields
        .push(FieldAnswers::new("probe_field", FieldType::Text));
    Draft::new(answers, &probe).problem(&format!("resources.{name}"), false)
}

/// Why `name` cannot name a new field of `current`, if it cannot.
pub(super) fn field_name_problem(
    answers: &Answers,
    current: &ResourceAnswers,
    name: &str,
) -> Option<String> {
    let taken = current.fields.iter().any(|f| f.name == name);
    new_name_problem(name, current, "a field", taken, || {
        // Keywords, generated columns, query parameters, list filters, jwt
        // user fields.
        let mut probe = current.clone();
        probe.fields.push(FieldAnswers::new(name, FieldType::Text));
        Draft::new(answers, &probe)
            .problem(&format!("resources.{}.fields.{name}", current.name), true)
    })
}

/// The checks of every name new in `current`: its shape, then whether it is
/// `taken` (by `what`, e.g. "a field"), then `validator`'s verdict.
fn new_name_problem(
    name: &str,
    current: &ResourceAnswers,
    what: &str,
    taken: bool,
    validator: impl FnOnce() -> Option<String>,
) -> Option<String> {
    if let Some(problem) = identifier_problem(name) {
        return Some(problem);
    }
    if taken {
        return Some(format!("`{}` already has {what} `{name}`", current.name));
    }
    validator()
}

/// Why `name` cannot name a new belongs-to relation of `current` to `target`.
pub(super) fn relation_name_problem(
    answers: &Answers,
    current: &ResourceAnswers,
    name: &str,
    target: &str,
) -> Option<String> {
    let taken = current.belongs_to.iter().any(|b| b.name == name);
    new_name_problem(name, current, "a relation", taken, || {
        let column = format!("{name}_id");
        if current.fields.iter().any(|f| f.name == column) {
            return Some(format!(
                "the relation would add the column `{column}`, which is already a field; pick another name"
            ));
        }
        // Optional, so that only the name is judged (a required relation to the
        // resource itself is refused later, at the question that makes it so).
        let mut probe = current.clone();
        probe.belongs_to.push(RelationAnswers {
            name: name.to_string(),
            target: target.to_string(),
            required: false,
            on_delete: OnDelete::Restrict,
        });
        Draft::new(answers, &probe).problem(
            &format!("resources.{}.belongs_to.{name}", current.name),
            true,
        )
    })
}

/// Why `name` cannot name a new event of `current` emitted on `trigger`.
pub(super) fn event_name_problem(
    answers: &Answers,
    current: &ResourceAnswers,
    name: &str,
    trigger: &Trigger,
) -> Option<String> {
    let taken = current.events.iter().any(|e| e.name == name);
    new_name_problem(name, current, "an event", taken, || {
        // A lifecycle name on a transition, and the like: ask the validator.
        let mut probe = current.clone();
        probe.events.push(Event {
            name: name.to_string(),
            trigger: trigger.clone(),
        });
        Draft::new(answers, &probe)
            .problem(&format!("resources.{}.events.{name}", current.name), true)
    })
}

/// Why `name` cannot name a new job, if it cannot.
pub(super) fn job_name_problem(
    answers: &Answers,
    current: &ResourceAnswers,
    name: &str,
) -> Option<String> {
    if let Some(problem) = identifier_problem(name) {
        return Some(problem);
    }
    let taken = answers.job_names();
    if taken
        .iter()
        .chain(current.jobs.iter().map(|j| &j.name))
        .any(|j| j == name)
    {
        return Some(format!("there is already a job `{name}`"));
    }
    // Reserved kinds: ask the validator.
    let mut probe = current.clone();
    probe.jobs.push(crate::spec::Job {
        name: name.to_string(),
        on: Vec::new(),
        max_attempts: crate::spec::Job::DEFAULT_MAX_ATTEMPTS,
        timeout_secs: crate::spec::Job::DEFAULT_TIMEOUT_SECS,
    });
    Draft::new(answers, &probe).problem(&format!("jobs.{name}"), false)
}

/// The shape of a name: checked here because a name that is not snake_case
/// cannot even be written into the draft's TOML. Everything else (keywords,
/// generated and reserved names) is the validator's call, so the prompt
/// accepts exactly what a spec file may say.
fn identifier_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a name is needed".into());
    }
    if !is_snake_identifier(name) {
        let example = snake_version(name).unwrap_or_else(|| "order_item".into());
        return Some(format!(
            "{name:?} is not snake_case: use lowercase letters, digits and single underscores, starting with a letter (e.g. `{example}`)"
        ));
    }
    if name.len() > MAX_NAME {
        return Some(format!(
            "`{name}` is longer than {MAX_NAME} characters; pick a shorter name"
        ));
    }
    None
}

/// The answers so far plus the resource being asked about, checked by the
/// spec validator itself.
pub(super) struct Draft {
    text: String,
}

impl Draft {
    pub(super) fn new(answers: &Answers, current: &ResourceAnswers) -> Self {
        let mut all = answers.clone();
        all.resources.push(current.clone());
        Self {
            text: to_toml(&all, "draft"),
        }
    }

    /// The access rules the validator gives `resource` when the answers set
    /// none (they differ for the accounts, `user`); `None` if the draft does
    /// not validate.
    pub(super) fn default_access(&self, resource: &str) -> Option<Access> {
        let spec = crate::spec::parse("draft", &self.text).ok()?;
        spec.resource(resource).map(|r| r.access.clone())
    }

    /// Whether the validator takes the draft.
    pub(super) fn is_valid(&self) -> bool {
        crate::spec::parse("draft", &self.text).is_ok()
    }

    /// The first problem the validator reports at `key` or under it
    /// (`children`: also `key.anything`).
    pub(super) fn problem(&self, key: &str, children: bool) -> Option<String> {
        let report = crate::spec::parse("draft", &self.text).err()?;
        let under = format!("{key}.");
        report
            .diagnostics
            .iter()
            .find(|d| d.key == key || (children && d.key.starts_with(&under)))
            .map(|d| {
                let mut text = d.message.clone();
                // The name itself was just typed: do not echo it.
                let typed = key.rsplit('.').next().unwrap_or_default();
                if let Some(found) = d.found.as_ref().filter(|f| f.trim_matches('"') != typed) {
                    let _ = write!(text, ": {found}");
                }
                // The session does not ask for `plural`: do not suggest it.
                let help = d.help.as_deref().unwrap_or_default();
                let help = help.strip_prefix("remove it; ").unwrap_or(help);
                let help: Vec<&str> = help.split("; ").filter(|h| !h.contains("plural")).collect();
                if !help.is_empty() {
                    let _ = write!(text, " ({})", help.join("; "));
                }
                text
            })
    }
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interactive::answers::tests::{field, resource};
    use crate::spec::AuthMode;

    #[test]
    fn the_validator_gives_the_default_access() {
        let mut a = Answers::defaults("demo");
        a.auth = AuthMode::Jwt;
        a.resources.clear();
        let user = resource("user", vec![field("nickname", FieldType::String)]);
        let access = Draft::new(&a, &user).default_access("user").unwrap();
        assert_eq!(access.list, vec![crate::spec::Rule::Role("admin".into())]);
        assert_eq!(access.read, vec![crate::spec::Rule::Owner]);
        let note = resource("note", vec![field("body", FieldType::Text)]);
        assert_eq!(
            Draft::new(&a, &note).default_access("note"),
            Some(Access::all(vec![crate::spec::Rule::Authenticated]))
        );
    }

    #[test]
    fn names_are_checked_at_the_prompt() {
        let mut a = Answers::defaults("demo");
        // `item` exists; keywords are the validator's business, and it takes
        // them (raw identifiers, quoted SQL).
        for ok in ["order", "user", "order_item", "type"] {
            assert_eq!(resource_name_problem(&a, ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "a name is needed"),
            ("Order", "not snake_case"),
            ("order-item", "e.g. `order_item`"),
            ("item", "already a resource"),
        ] {
            let problem = resource_name_problem(&a, bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad}: {problem}");
        }

        let mut product = resource("product", vec![field("price", FieldType::Integer)]);
        for ok in ["label", "type", "order", "position"] {
            assert_eq!(field_name_problem(&a, &product, ok), None, "{ok}");
        }
        for (bad, why) in [
            ("price", "already has a field"),
            ("id", "taken by a generated one"),
            ("page", "taken by a generated one"),
            ("price_min", "clashes with a generated list filter"),
            ("created_after", "clashes with a generated list filter"),
        ] {
            let problem = field_name_problem(&a, &product, bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad}: {problem}");
        }

        a.auth = AuthMode::Jwt;
        let user = resource("user", vec![field("display_name", FieldType::String)]);
        let problem = field_name_problem(&a, &user, "email").unwrap_or_default();
        assert!(problem.contains("jwt auth flow"), "{problem}");

        product.fields.push(field("owner_id", FieldType::Uuid));
        let problem = relation_name_problem(&a, &product, "owner", "user").unwrap_or_default();
        assert!(problem.contains("owner_id"), "{problem}");
        assert_eq!(relation_name_problem(&a, &product, "order", "item"), None);
        assert_eq!(
            relation_name_problem(&a, &product, "parent", "product"),
            None
        );
        let problem = relation_name_problem(&a, &product, "Parent", "item").unwrap_or_default();
        assert!(problem.contains("not snake_case"), "{problem}");
    }

    #[test]
    fn event_and_job_names_are_checked_at_the_prompt() {
        let a = Answers::defaults("demo");
        let status = field(
            "status",
            FieldType::Enum {
                values: vec!["pending".into(), "paid".into()],
            },
        );
        let mut payment = resource("payment", vec![status]);
        let paid = Trigger::Becomes {
            field: "status".into(),
            value: "paid".into(),
        };
        assert_eq!(event_name_problem(&a, &payment, "settled", &paid), None);
        // A lifecycle name means every such write, not a transition.
        let problem = event_name_problem(&a, &payment, "created", &paid).unwrap_or_default();
        assert!(problem.contains("expected a boolean"), "{problem}");
        let problem = event_name_problem(&a, &payment, "Paid", &paid).unwrap_or_default();
        assert!(problem.contains("not snake_case"), "{problem}");

        payment.events.push(Event {
            name: "created".into(),
            trigger: Trigger::Created,
        });
        assert_eq!(job_name_problem(&a, &payment, "send_receipt"), None);
        let problem = job_name_problem(&a, &payment, "account_mail").unwrap_or_default();
        assert!(problem.contains("the service's own jobs"), "{problem}");
        payment.jobs.push(crate::spec::Job {
            name: "send_receipt".into(),
            on: vec!["payment.created".into()],
            max_attempts: 5,
            timeout_secs: 60,
        });
        let problem = job_name_problem(&a, &payment, "send_receipt").unwrap_or_default();
        assert!(problem.contains("already a job"), "{problem}");
    }
}
