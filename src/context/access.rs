//! Access rules as the generated code spells them: who may do each action, and the
//! rules of single fields (as `Rule` expressions and in words).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::spec::{Access, Auth, Denied, FieldWrite, Resource, Rule};

/// Who may do each action (`list`, `read`...), as the Rust elements of a `&[Rule]` slice.
pub type AccessContext = BTreeMap<&'static str, Vec<String>>;

pub(super) fn access_context(access: &Access) -> AccessContext {
    access
        .by_action()
        .into_iter()
        .map(|(action, rules)| (action, rust_rules(rules)))
        .collect()
}

/// The generated `access::Rule` expressions of rules.
fn rust_rules(rules: &[Rule]) -> Vec<String> {
    rules
        .iter()
        .map(|rule| match rule {
            Rule::Public => "Rule::Public".to_string(),
            Rule::Authenticated => "Rule::Authenticated".into(),
            Rule::Verified => "Rule::Verified".into(),
            Rule::Owner => "Rule::Owner".into(),
            Rule::Role(role) => format!("Rule::Role({role:?})"),
        })
        .collect()
}

/// A field with rules of its own, for its resource's `FIELDS` constant.
#[derive(Debug, Serialize)]
pub struct FieldRuleContext {
    pub key: String,
    /// `Rule` expressions of who sees the key; empty: whoever may read the row.
    pub read: Vec<String>,
    /// The generated `FieldWrite` variant, and for `Rules` its `Rule` expressions.
    pub write: &'static str,
    pub write_rules: Vec<String>,
    /// A value the caller may not write is dropped rather than refused.
    pub ignore_denied: bool,
    /// A file: no body holds it (its own route writes it).
    pub file: bool,
    /// The rules in words, for the generated `docs/access.md`.
    pub words: String,
}

/// A field's rules in words: who sees it, who writes it.
fn field_rules_in_words(auth: &Auth, access: &crate::spec::FieldAccess) -> String {
    let mut parts = Vec::new();
    if let Some(read) = &access.read {
        parts.push(format!(
            "seen only by {} (others never get the key, nor filter or sort by it)",
            auth.who_passes(read)
        ));
    }
    let denied = match access.denied {
        Denied::Reject => "others get 422",
        Denied::Ignore => "what others send is ignored",
    };
    match &access.write {
        FieldWrite::Row => {}
        FieldWrite::Rules(rules) => parts.push(format!(
            "written only by {}: {denied}",
            auth.who_passes(rules)
        )),
        FieldWrite::Create => parts.push(format!(
            "set once, by whoever creates the row; no update changes it ({denied})"
        )),
        FieldWrite::None => parts.push(format!(
            "read-only: only the rules code (`src/rules/`) or jobs set it ({denied})"
        )),
    }
    parts.join("; ")
}

pub(super) fn field_rules(auth: &Auth, r: &Resource) -> Vec<FieldRuleContext> {
    r.fields
        .iter()
        .filter(|f| f.access.is_restricted())
        .map(|f| FieldRuleContext {
            key: f.names.camel.clone(),
            read: f.access.read.as_deref().map(rust_rules).unwrap_or_default(),
            write: match &f.access.write {
                FieldWrite::Row => "Row",
                FieldWrite::Rules(_) => "Rules",
                FieldWrite::Create => "Create",
                FieldWrite::None => "Never",
            },
            write_rules: match &f.access.write {
                FieldWrite::Rules(rules) => rust_rules(rules),
                _ => Vec::new(),
            },
            ignore_denied: f.access.denied == Denied::Ignore,
            file: f.ty.file().is_some(),
            words: field_rules_in_words(auth, &f.access),
        })
        .collect()
}
