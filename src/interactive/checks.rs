//! Whether a name or value typed at a prompt can go into the spec: name rules
//! checked here, and the rest by running the spec validator itself on a draft
//! of the answers so far (see [`Draft`]).

use std::fmt::Write as _;

use super::answers::{Answers, FieldAnswers, ResourceAnswers, to_toml};
use crate::names::{RUST_KEYWORDS, SQL_KEYWORDS, is_snake_identifier};
use crate::spec::{FieldType, MAX_NAME};

/// Why `name` cannot name a new resource, if it cannot.
pub(super) fn resource_name_problem(answers: &Answers, name: &str) -> Option<String> {
    if let Some(problem) = identifier_problem(name, false) {
        return Some(problem);
    }
    if answers.resources.iter().any(|r| r.name == name) {
        return Some(format!("there is already a resource `{name}`"));
    }
    // Reserved names, plural clashes and plural keywords: ask the validator.
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
    if let Some(problem) = identifier_problem(name, true) {
        return Some(problem);
    }
    if current.fields.iter().any(|f| f.name == name) {
        return Some(format!("`{}` already has a field `{name}`", current.name));
    }
    // Generated columns, query parameters, list filters, jwt user fields.
    let mut probe = current.clone();
    probe.fields.push(FieldAnswers::new(name, FieldType::Text));
    Draft::new(answers, &probe).problem(&format!("resources.{}.fields.{name}", current.name), true)
}

/// Why `name` cannot name a new belongs-to relation of `current`.
pub(super) fn relation_name_problem(current: &ResourceAnswers, name: &str) -> Option<String> {
    if let Some(problem) = identifier_problem(name, false) {
        return Some(problem);
    }
    if current.belongs_to.iter().any(|b| b.name == name) {
        return Some(format!(
            "`{}` already has a relation `{name}`",
            current.name
        ));
    }
    let column = format!("{name}_id");
    if current.fields.iter().any(|f| f.name == column) {
        return Some(format!(
            "the relation would add the column `{column}`, which is already a field; pick another name"
        ));
    }
    None
}

/// Snake case and keywords. SQL keywords only matter for fields, which become
/// bare columns: resources become plural tables and relations `{name}_id`
/// columns, so `order` and `user` stay available (the validator agrees).
fn identifier_problem(name: &str, is_field: bool) -> Option<String> {
    if name.is_empty() {
        return Some("a name is needed".into());
    }
    if !is_snake_identifier(name) {
        return Some(format!(
            "{name:?} is not snake_case: use lowercase letters, digits and single underscores, starting with a letter (e.g. `order_item`)"
        ));
    }
    if name.len() > MAX_NAME {
        return Some(format!(
            "`{name}` is longer than {MAX_NAME} characters; pick a shorter name"
        ));
    }
    if RUST_KEYWORDS.contains(&name) {
        return Some(format!("`{name}` is a Rust keyword; pick another name"));
    }
    if is_field && SQL_KEYWORDS.contains(&name) {
        return Some(format!("`{name}` is an SQL keyword; pick another name"));
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
                if let Some(help) = d.help.as_ref().filter(|h| !h.contains("plural")) {
                    let help = help.strip_prefix("remove it; ").unwrap_or(help);
                    let _ = write!(text, " ({help})");
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
    fn names_are_checked_at_the_prompt() {
        let mut a = Answers::defaults("demo");
        // `item` exists; resource names may be SQL keywords (their tables are plural).
        for ok in ["order", "user", "order_item"] {
            assert_eq!(resource_name_problem(&a, ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "a name is needed"),
            ("Order", "not snake_case"),
            ("order-item", "not snake_case"),
            ("type", "Rust keyword"),
            ("item", "already a resource"),
            ("auth", "reserved"),
        ] {
            let problem = resource_name_problem(&a, bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad}: {problem}");
        }

        let mut product = resource("product", vec![field("price", FieldType::Integer)]);
        assert_eq!(field_name_problem(&a, &product, "label"), None);
        for (bad, why) in [
            ("select", "SQL keyword"),
            ("match", "Rust keyword"),
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
        assert!(
            relation_name_problem(&product, "owner")
                .unwrap()
                .contains("owner_id")
        );
        assert_eq!(relation_name_problem(&product, "order"), None);
        assert!(
            relation_name_problem(&product, "fn")
                .unwrap()
                .contains("Rust keyword")
        );
    }
}
