//! Access rules: a resource's `access` and a field's `read`, `write` and `write_denied`,
//! and the checks between them.

use toml::de::DeValue;

use crate::diagnostics::Diagnostic;
use crate::spec::model::*;
use crate::spec::reader::{At, Sink, Table, one_of, suggest};
use crate::spec::words::RULE_WORDS;

/// Field rules that need the whole resource: `owner` in them needs the owner on the row,
/// and a required field without a default must be writable by everyone who may create a
/// row, or some of them could never create one.
pub(super) fn check_field_rules(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    fields: &[Field],
    access: &Access,
    owner: Option<&At<String>>,
    auth: &Auth,
    account: bool,
) {
    // Where a field's `key` is written, for errors about it.
    let span_of = |field: &Field, key: &str| {
        t.raw("fields")
            .and_then(|v| v.get_ref().get(field.names.snake.as_str()))
            .and_then(|v| v.get_ref().get(key))
            .map_or(t.span.clone(), |v| v.span())
    };
    let key_of =
        |field: &Field, key: &str| format!("{}.fields.{}.{key}", t.path, field.names.snake);
    // Accounts own themselves; any other row carries its owner only with a direct one.
    let owner_on_row = account || owner.is_some_and(|o| !o.value.contains('.'));
    for f in fields {
        let write_rules = match &f.access.write {
            FieldWrite::Rules(rules) => rules.as_slice(),
            _ => &[],
        };
        for (key, rules) in [
            ("read", f.access.read.as_deref().unwrap_or_default()),
            ("write", write_rules),
        ] {
            if owner_on_row || !rules.contains(&Rule::Owner) {
                continue;
            }
            let (found, fix) = match owner {
                Some(o) => (
                    format!("owner = {:?}", o.value),
                    "rows owned through a parent do not carry their owner, so a list could not tell row by row who may see or write the field; name roles instead, or give the resource a direct owner (`owner = \"RELATION\"`, a belongs_to relation to `user`)",
                ),
                None => (
                    "no `owner`".to_string(),
                    "add `owner = \"RELATION\"`, naming a belongs_to relation to the user resource, or name roles instead",
                ),
            };
            sink.push(
                Diagnostic::new(
                    span_of(f, key),
                    key_of(f, key),
                    "an `owner` field rule needs the owner on the row itself",
                )
                .found(found)
                .help(fix),
            );
        }
        if !f.required || f.default.is_some() {
            continue;
        }
        let resource =
            crate::names::with_article(t.path.strip_prefix("resources.").unwrap_or(&t.path));
        let name = &f.names.snake;
        let problem = match &f.access.write {
            FieldWrite::Row | FieldWrite::Create => None,
            FieldWrite::None => Some((
                format!("`{name}` is required and has no default, but no request may write it"),
                "write = \"none\"".to_string(),
                "give it a `default`, or make it `required = false`: only the rules code and jobs set a field with `write = \"none\"`",
            )),
            FieldWrite::Rules(write) => {
                // Registration is open to everyone, besides the `create` rule.
                let mut creators = access.create.clone();
                if account {
                    creators.push(Rule::Public);
                }
                (!covers(write, &creators, &auth.admin_role)).then(|| {
                    (
                        format!(
                            "`{name}` is required and has no default, but not everyone who may create {resource} may write it"
                        ),
                        format!(
                            "write = [{}], create = [{}]",
                            list_rules(write),
                            list_rules(&creators)
                        ),
                        "give it a `default`, make it `required = false`, or let every creator write it",
                    )
                })
            }
        };
        if let Some((message, found, help)) = problem {
            sink.push(
                Diagnostic::new(span_of(f, "write"), key_of(f, "write"), message)
                    .found(found)
                    .help(help),
            );
        }
    }
}

/// Whether every caller who passes `creators` passes `write`. Admins pass every rule.
fn covers(write: &[Rule], creators: &[Rule], admin: &str) -> bool {
    write.contains(&Rule::Public)
        || creators.iter().all(|c| {
            write.contains(c)
                || (*c != Rule::Public && write.contains(&Rule::Authenticated))
                || *c == Rule::Role(admin.to_string())
        })
}

fn list_rules(rules: &[Rule]) -> String {
    rules
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A field's own rules: `read`, `write` and `write_denied`. Rules that need the rest of
/// the resource (its owner, its create rule) are checked in `check_field_rules`.
pub(super) fn read_field_access(sink: &mut Sink, t: &Table<'_, '_>, auth: &Auth) -> FieldAccess {
    let read = t.strings(sink, "read").and_then(|values| {
        let path = t.key_path("read");
        let values = field_rule_values(sink, t, "read", values)?;
        let rules: Vec<Rule> = values
            .into_iter()
            .filter_map(|r| read_rule(sink, &path, r, auth, &[]))
            .collect();
        // Whoever may read the row may read a public field: nothing to narrow.
        (!rules.contains(&Rule::Public)).then_some(rules)
    });
    let write = read_field_write(sink, t, auth);
    let denied_word = one_of(sink, t, "write_denied", Denied::ALLOWED);
    let denied = match denied_word.as_deref() {
        Some("ignore") => Denied::Ignore,
        _ => Denied::Reject,
    };
    if let (Some(_), Some(FieldWrite::Row), Some(value)) =
        (&denied_word, &write, t.raw("write_denied"))
    {
        let found = if t.raw("write").is_some() {
            "a `write` that includes public"
        } else {
            "no `write`"
        };
        sink.push(
            Diagnostic::new(
                value.span(),
                t.key_path("write_denied"),
                "`write_denied` needs a `write` rule",
            )
            .found(found)
            .help("whoever may write the row may write the field, so no body is ever denied; add e.g. `write = [\"ROLE\"]`, or remove `write_denied`"),
        );
    }
    FieldAccess {
        read,
        write: write.unwrap_or_default(),
        denied,
    }
}

/// The values of a field's `read` or `write`, each once; `None` (reported) when there are
/// none.
fn field_rule_values(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    key: &str,
    values: Vec<At<String>>,
) -> Option<Vec<At<String>>> {
    if values.is_empty() {
        let span = t.raw(key).map_or(t.span.clone(), |v| v.span());
        sink.push(
            Diagnostic::new(
                span,
                t.key_path(key),
                "an access rule needs at least one value",
            )
            .help(format!(
                "name who may {key} the field, e.g. `{key} = [\"ROLE\"]`, or remove `{key}`"
            )),
        );
        return None;
    }
    let mut out: Vec<At<String>> = Vec::new();
    for v in values {
        if !out.iter().any(|o| o.value == v.value) {
            out.push(v);
        }
    }
    Some(out)
}

/// A field's `write`: access rules, or one of `FieldWrite::WORDS` alone. `None` when
/// something in it is reported, so that checks building on it stay quiet.
fn read_field_write(sink: &mut Sink, t: &Table<'_, '_>, auth: &Auth) -> Option<FieldWrite> {
    let Some(value) = t.raw("write") else {
        return Some(FieldWrite::Row);
    };
    let path = t.key_path("write");
    let before = sink.diagnostics.len();
    let values = t.strings(sink, "write")?;
    let values = field_rule_values(sink, t, "write", values)?;
    let is_word = |v: &At<String>| FieldWrite::WORDS.contains(&v.value.as_str());
    if let [only] = values.as_slice()
        && is_word(only)
    {
        if auth.mode == AuthMode::None {
            sink.push(
                Diagnostic::new(value.span(), path, "field rules need `[auth] mode = \"jwt\"`")
                    .found(format!("write = {:?}", only.value))
                    .help("set `[auth] mode = \"jwt\"`, or remove `write`: with auth mode \"none\" every caller may write every field"),
            );
            return None;
        }
        return Some(if only.value == "create" {
            FieldWrite::Create
        } else {
            FieldWrite::None
        });
    }
    let listed: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let mut mixed = false;
    for word in values.iter().filter(|v| is_word(v)) {
        mixed = true;
        let mut help = format!(
            "write `write = {:?}` alone, or list only access rules",
            word.value
        );
        if auth.roles.contains(&word.value) {
            help.push_str(&format!(
                "; in `write`, {:?} is the word, not the role: rename the role to use it here",
                word.value
            ));
        }
        sink.push(
            Diagnostic::new(
                word.span.clone(),
                &path,
                format!("`{}` cannot be combined with other values", word.value),
            )
            .found(format!("[{}]", listed.join(", ")))
            .allowed(format!(
                "\"create\" or \"none\" alone, or access rules: {}",
                rule_words(auth).join(", ")
            ))
            .help(help),
        );
    }
    if mixed {
        return None;
    }
    let rules: Vec<Rule> = values
        .into_iter()
        .filter_map(|r| read_rule(sink, &path, r, auth, FieldWrite::WORDS))
        .collect();
    if sink.diagnostics.len() > before {
        return None;
    }
    Some(if rules.contains(&Rule::Public) {
        FieldWrite::Row
    } else {
        FieldWrite::Rules(rules)
    })
}

/// The words an access rule may be: `RULE_WORDS` and the roles.
fn rule_words(auth: &Auth) -> Vec<&str> {
    let mut words = RULE_WORDS.to_vec();
    words.extend(auth.roles.iter().map(String::as_str));
    words
}

pub(super) fn read_access(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    auth: &Auth,
    default: Vec<Rule>,
) -> Access {
    let Some(value) = t.raw("access") else {
        return Access::all(default);
    };
    let path = t.key_path("access");
    let read_rules = |sink: &mut Sink, key: &str, rules: Vec<At<String>>| -> Vec<Rule> {
        rules
            .into_iter()
            .filter_map(|r| read_rule(sink, &format!("{path}{key}"), r, auth, &[]))
            .collect()
    };
    match value.get_ref() {
        DeValue::String(s) => {
            let rules = read_rules(
                sink,
                "",
                vec![At {
                    value: s.to_string(),
                    span: value.span(),
                }],
            );
            Access::all(rules)
        }
        _ => {
            let Some(at) = Table::from_value(sink, value, &path, Access::ACTIONS) else {
                return Access::all(default);
            };
            let action = |sink: &mut Sink, key: &str| match at.strings(sink, key) {
                Some(rules) if rules.is_empty() => {
                    let span = at.raw(key).map_or(value.span(), |v| v.span());
                    sink.push(Diagnostic::new(
                        span,
                        at.key_path(key),
                        "an access rule needs at least one value",
                    ));
                    default.clone()
                }
                Some(rules) => read_rules(sink, &format!(".{key}"), rules),
                None => default.clone(),
            };
            Access {
                list: action(sink, "list"),
                read: action(sink, "read"),
                create: action(sink, "create"),
                update: action(sink, "update"),
                delete: action(sink, "delete"),
            }
        }
    }
}

/// One access rule. `words` are the other words the key takes (a field's `write` takes
/// `create` and `none`), named among the allowed values of an unknown one.
fn read_rule(
    sink: &mut Sink,
    path: &str,
    rule: At<String>,
    auth: &Auth,
    words: &[&str],
) -> Option<Rule> {
    let parsed = match rule.value.as_str() {
        "public" => Rule::Public,
        "authenticated" => Rule::Authenticated,
        "verified" => Rule::Verified,
        "owner" => Rule::Owner,
        role if auth.roles.iter().any(|r| r == role) => Rule::Role(role.to_string()),
        other => {
            let mut allowed: Vec<&str> = RULE_WORDS.to_vec();
            allowed.extend(words);
            allowed.extend(auth.roles.iter().map(String::as_str));
            let mut d = Diagnostic::new(rule.span.clone(), path, "unknown access rule")
                .found(format!("{other:?}"))
                .allowed(format!(
                    "{} (roles come from `auth.roles`)",
                    allowed.join(", ")
                ));
            if let Some(near) = suggest(other, &allowed) {
                d = d.help(format!("did you mean {near:?}?"));
            }
            sink.push(d);
            return None;
        }
    };
    if auth.mode == AuthMode::None && parsed != Rule::Public {
        sink.push(
            Diagnostic::new(
                rule.span,
                path,
                "with auth mode \"none\" every action is public",
            )
            .found(format!("{:?}", rule.value))
            .allowed("public")
            .help(
                "set `[auth] mode = \"jwt\"` to use authenticated, verified, owner and role rules",
            ),
        );
        return None;
    }
    Some(parsed)
}
