//! [`to_toml`]: a session's answers written as a commented spec in the style of
//! `examples/*.toml`. No terminal needed.

use std::fmt::Write as _;

use super::answers::{Answers, FieldAnswers, ResourceAnswers};
use crate::spec::{
    Access, AuthMode, DEFAULT_DECIMAL, Denied, FieldWrite, Format, Job, Literal, OnDelete, Rule,
    Trigger, bound_text,
};

/// The spec as commented TOML, in the style of `examples/*.toml`.
pub fn to_toml(answers: &Answers, name: &str) -> String {
    let mut out = String::new();
    let w = &mut out;
    if let Some(existing) = &answers.existing {
        w.push_str(&existing.source);
        if !existing.source.ends_with('\n') {
            w.push('\n');
        }
        for r in &answers.resources {
            write_resource(w, r, answers.auth);
        }
        write_jobs(w, answers);
        return out;
    }
    let _ = writeln!(
        w,
        "# Written by `backend-gen new {name}`. After editing it, run `backend-gen update` in the\n# project's directory: it writes the migration and merges the new code into your edits."
    );
    let _ = writeln!(w, "\n[project]");
    let _ = writeln!(w, "name = {}", quote(name));
    let _ = writeln!(w, "description = {}", quote(&answers.description));
    let _ = writeln!(w, "api_prefix = \"/v1\"");
    let _ = writeln!(w, "database = {}", quote(answers.database.as_str()));
    if answers.graphql {
        let _ = writeln!(w, "graphql = true");
    }

    let _ = writeln!(w, "\n[auth]");
    let _ = writeln!(w, "mode = {}", quote(answers.auth.as_str()));
    if answers.auth == AuthMode::Jwt {
        // Both roles are written even when they are the defaults: what the
        // admin role can do is the one thing a reader must not miss.
        let _ = writeln!(w, "roles = {}", string_array(&answers.roles));
        let _ = writeln!(
            w,
            "admin_role = {}  # passes every access rule",
            quote(&answers.admin_role)
        );
        let everyone = if answers.every_account_is_admin() {
            ", so every account passes every access rule"
        } else {
            ""
        };
        let _ = writeln!(
            w,
            "default_role = {}  # given to new accounts{everyone}",
            quote(&answers.default_role)
        );
    }

    for r in &answers.resources {
        write_resource(w, r, answers.auth);
    }
    write_jobs(w, answers);
    out
}

/// `[jobs.NAME]` for every job asked with a resource, after the resources.
fn write_jobs(w: &mut String, answers: &Answers) {
    for job in answers.resources.iter().flat_map(|r| &r.jobs) {
        let _ = writeln!(w, "\n[jobs.{}]", job.name);
        let _ = writeln!(w, "on = {}", string_array(&job.on));
        if job.max_attempts != Job::DEFAULT_MAX_ATTEMPTS {
            let _ = writeln!(w, "max_attempts = {}", job.max_attempts);
        }
        if job.timeout_secs != Job::DEFAULT_TIMEOUT_SECS {
            let _ = writeln!(w, "timeout_secs = {}", job.timeout_secs);
        }
    }
}

/// `[resources.NAME.events]`: lifecycle events as `true`, transitions as
/// `{ when, becomes }`.
fn write_events(w: &mut String, r: &ResourceAnswers) {
    if r.events.is_empty() {
        return;
    }
    let _ = writeln!(w, "\n[resources.{}.events]", r.name);
    for event in &r.events {
        let value = match &event.trigger {
            Trigger::Becomes { field, value } => {
                format!("{{ when = {}, becomes = {} }}", quote(field), quote(value))
            }
            _ => "true".to_string(),
        };
        let _ = writeln!(w, "{} = {value}", event.name);
    }
}

fn write_resource(w: &mut String, r: &ResourceAnswers, auth: AuthMode) {
    let mut keys: Vec<String> = Vec::new();
    if !r.description.is_empty() {
        keys.push(format!("description = {}", quote(&r.description)));
    }
    if r.soft_delete {
        keys.push("soft_delete = true".into());
    }
    if r.versioned {
        keys.push("versioned = true".into());
    }
    if !r.belongs_to.is_empty() {
        let relations: Vec<String> = r
            .belongs_to
            .iter()
            .map(|b| {
                let mut parts = Vec::new();
                if b.target != b.name {
                    parts.push(format!("resource = {}", quote(&b.target)));
                }
                if !b.required {
                    parts.push("required = false".into());
                }
                parts.push(format!(
                    "on_delete = {}",
                    quote(on_delete_name(b.on_delete))
                ));
                format!("{} = {{ {} }}", b.name, parts.join(", "))
            })
            .collect();
        keys.push(format!("belongs_to = {{ {} }}", relations.join(", ")));
    }
    if !r.many_to_many.is_empty() {
        keys.push(format!("many_to_many = {}", string_array(&r.many_to_many)));
    }
    if let Some(owner) = &r.owner {
        keys.push(format!("owner = {}", quote(owner)));
    }
    // The accounts' own default (admin-only lists, owner-only rows) is not
    // the other resources' one: answers for `user` are always written.
    let is_account = auth == AuthMode::Jwt && r.name == "user";
    if let Some(access) = r
        .access
        .as_ref()
        .filter(|a| is_account || **a != default_access(auth))
    {
        keys.push(format!("access = {}", access_value(access)));
    }

    // An empty `[resources.NAME]` header says nothing: leave it out.
    if !keys.is_empty() {
        let _ = writeln!(w, "\n[resources.{}]", r.name);
        for key in keys {
            let _ = writeln!(w, "{key}");
        }
    }
    write_events(w, r);
    let _ = writeln!(w, "\n[resources.{}.fields]", r.name);
    for f in &r.fields {
        let _ = writeln!(w, "{} = {{ {} }}", f.name, field_parts(f).join(", "));
    }
}

fn field_parts(f: &FieldAnswers) -> Vec<String> {
    let mut parts = vec![format!("type = {}", quote(f.ty.spec_name()))];
    if let Some(values) = f.ty.values() {
        parts.push(format!("values = {}", string_array(values)));
    }
    if !f.required {
        parts.push("required = false".into());
    }
    if f.unique {
        parts.push("unique = true".into());
    }
    let rules = &f.rules;
    if let Some(format) = rules.format {
        let name = match format {
            Format::Email => "email",
            Format::Url => "url",
        };
        parts.push(format!("format = {}", quote(name)));
    }
    if let Some(n) = rules.min_length {
        parts.push(format!("min_length = {n}"));
    }
    if let Some(n) = rules.max_length {
        parts.push(format!("max_length = {n}"));
    }
    // Limits are kept in canonical text, which is valid TOML as it stands.
    if let Some(b) = &rules.min {
        parts.push(format!("min = {}", bound_text(b)));
    }
    if let Some(b) = &rules.max {
        parts.push(format!("max = {}", bound_text(b)));
    }
    if let Some(file) = f.ty.file() {
        parts.push(format!("max_size = {}", quote(&file.size_text())));
        let types: Vec<String> = file.content_types.iter().map(|t| quote(t)).collect();
        parts.push(format!("content_types = [{}]", types.join(", ")));
    }
    if let Some((precision, scale)) = f.ty.decimal() {
        if precision != DEFAULT_DECIMAL.0 {
            parts.push(format!("precision = {precision}"));
        }
        parts.push(format!("scale = {scale}"));
    }
    if let Some(p) = &rules.pattern {
        parts.push(format!("pattern = {}", quote(p)));
    }
    if let Some(d) = &f.default {
        parts.push(format!("default = {}", literal_toml(d)));
    }
    let access = &f.access;
    if let Some(read) = &access.read {
        parts.push(format!("read = {}", rule_array(read)));
    }
    match &access.write {
        FieldWrite::Row => {}
        FieldWrite::Rules(rules) => parts.push(format!("write = {}", rule_array(rules))),
        FieldWrite::Create => parts.push("write = \"create\"".into()),
        FieldWrite::None => parts.push("write = \"none\"".into()),
    }
    if access.denied == Denied::Ignore {
        parts.push("write_denied = \"ignore\"".into());
    }
    parts
}

fn rule_array(rules: &[Rule]) -> String {
    string_array(&rules.iter().map(Rule::to_string).collect::<Vec<_>>())
}

/// A TOML basic string, escaped as the examples write them (`"^\\d+$"`).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn string_array(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn on_delete_name(on_delete: OnDelete) -> &'static str {
    match on_delete {
        OnDelete::Cascade => "cascade",
        OnDelete::Restrict => "restrict",
        OnDelete::SetNull => "set_null",
    }
}

fn default_access(auth: AuthMode) -> Access {
    match auth {
        AuthMode::None => Access::everyone(),
        AuthMode::Jwt => Access::all(vec![Rule::Authenticated]),
    }
}

/// `"public"` when every action has the same single rule (the spec has no
/// shorthand for several), else one entry per action.
fn access_value(access: &Access) -> String {
    let rules = |rules: &[Rule]| -> String {
        match rules {
            [one] => quote(&one.to_string()),
            many => rule_array(many),
        }
    };
    let by_action = access.by_action();
    if by_action[0].1.len() == 1 && by_action.iter().all(|(_, r)| *r == by_action[0].1) {
        return rules(by_action[0].1);
    }
    let entries: Vec<String> = by_action
        .iter()
        .map(|(action, r)| format!("{action} = {}", rules(r)))
        .collect();
    format!("{{ {} }}", entries.join(", "))
}

fn literal_toml(l: &Literal) -> String {
    match l {
        Literal::String(s) => quote(s),
        Literal::Integer(i) => i.to_string(),
        Literal::Float(f) => float_toml(*f),
        Literal::Decimal(d) => d.clone(),
        Literal::Boolean(b) => b.to_string(),
    }
}

/// `{:?}` always keeps a `.` or an exponent (`5.0`, `1e-7`): a TOML float.
fn float_toml(f: f64) -> String {
    format!("{f:?}")
}

#[cfg(test)]
mod tests;
