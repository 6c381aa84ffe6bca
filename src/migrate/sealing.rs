//! A spec change to a personal field (`personal = true`): the values a database already
//! holds are not sealed by the migration, which runs SQL without the service's keys. They
//! stay readable as they were written (the service opens a value without the sealed
//! prefix as plain text), and the service's `rotate-keys` seals and indexes them: `update`
//! says so after the migration. A field that stops being personal keeps its sealed values
//! too: the new version opens them as it reads, and unseals them as it starts, before it
//! serves (`Field::sealed_before`, which `update` carries from one version to the next in
//! `.backend-gen/generated.toml`). Refused: the accounts' email made plain again (sign-in
//! compares the stored address), and a personal field made another type than text.

use std::collections::BTreeSet;

use super::renames::was;
use crate::spec::{Field, FieldType, Resource, Spec};

/// What the change asks of the team once the new version serves, and what it refuses.
#[derive(Debug, Default)]
pub(super) struct Sealing {
    pub after: Vec<String>,
    pub refused: Vec<String>,
}

/// The command that seals what an update made personal: safe to run at any time, twice,
/// and while the service serves.
pub const ROTATE_KEYS: &str = "cargo run -- rotate-keys";

/// Marks `sealed_before` the fields whose columns may hold sealed values though they are
/// plain text now: in `old`, those `kept` names (`resource.field`, what `generated.toml`
/// records); in `new`, those that were personal in `old` or marked there, followed through
/// renames. A field that is personal again, of another type, or gone, drops the mark.
pub fn mark_sealed_before(old: &mut Spec, kept: &BTreeSet<String>, new: &mut Spec) {
    for r in &mut old.resources {
        for f in &mut r.fields {
            f.sealed_before = !f.personal
                && textual(f)
                && kept.contains(&sealed_before_key(r.names.snake.as_str(), f));
        }
    }
    let mut marks = Vec::new();
    for (i, r) in new.resources.iter().enumerate() {
        let Some(o) = was(old, new, r) else {
            continue;
        };
        for (j, f) in r.fields.iter().enumerate() {
            let was_sealed = earlier(o, f).is_some_and(|b| b.personal || b.sealed_before);
            let account_email = new.is_account(r) && f.names.snake == "email";
            if was_sealed && !f.personal && textual(f) && !account_email {
                marks.push((i, j));
            }
        }
    }
    for r in &mut new.resources {
        r.fields.iter_mut().for_each(|f| f.sealed_before = false);
    }
    for (i, j) in marks {
        new.resources[i].fields[j].sealed_before = true;
    }
}

/// The name `generated.toml` keeps a field that was personal under: `resource.field`.
pub fn sealed_before_key(resource: &str, f: &Field) -> String {
    format!("{resource}.{}", f.names.snake)
}

/// A string or text: what a personal field is, and what a field that was one may be.
fn textual(f: &Field) -> bool {
    matches!(f.ty, FieldType::String | FieldType::Text)
}

pub(super) fn sealing(old: &Spec, new: &Spec) -> Sealing {
    let mut out = Sealing::default();
    let mut unsealed = Vec::new();
    let mut opened = Vec::new();
    for r in &new.resources {
        let Some(o) = was(old, new, r) else {
            continue;
        };
        for f in &r.fields {
            let name = format!("{}.{}", r.names.plural_snake, f.names.snake);
            let account_email = new.is_account(r) && f.names.snake == "email";
            match (earlier(o, f), f.personal) {
                // Opened as read, unsealed by the new version as it starts.
                (Some(before), false) if before.personal && f.sealed_before => opened.push(name),
                (Some(before), false) if before.personal => out.refused.push(format!(
                    "`{name}` stops being personal: its stored values are sealed, no migration \
                     can open them (it runs without the service's keys), and {}; keep {}",
                    if account_email {
                        "sign-in compares the stored address, which the new version could \
                         not find until it had opened them all"
                    } else {
                        "only a string or text field opens them as it reads"
                    },
                    if account_email {
                        "`[auth] personal_email = true`"
                    } else {
                        "`personal = true` (or make the field plain first, then change its type)"
                    }
                )),
                // The accounts' emails: sealed and indexed by the service as it starts, since
                // no one signs in until they are; their copies by `rotate-keys`.
                (Some(before), true) if !before.personal && new.is_personal_account_email(r, f) => {
                    out.after.push(format!(
                        "`{name}`: the accounts' emails already stored are sealed and indexed \
                         by the new version as it starts, before it serves; run \
                         `{ROTATE_KEYS}` (the binary's `rotate-keys` in production) to seal \
                         their copies in mailed tokens, verified addresses and queued mail \
                         too"
                    ))
                }
                // Values written before: plain text, or sealed without an index yet.
                (Some(before), true)
                    if !before.personal
                        || (before.blind_index().is_none() && f.blind_index().is_some()) =>
                {
                    unsealed.push(name)
                }
                // A new column that a default fills with the same plain text on every row.
                (None, true) if f.default.is_some() => unsealed.push(name),
                _ => {}
            }
        }
    }
    if !opened.is_empty() {
        out.after.push(format!(
            "{}: the values stored sealed are opened as they are read, and the new version \
             unseals them as it starts, before it serves: it still needs the key ring \
             (PERSONAL_DATA_KEYS in production). The column keeps its type; the field's \
             `max_length` is checked on writes",
            quoted(&opened)
        ));
    }
    if !unsealed.is_empty() {
        out.after.push(format!(
            "{}: the values already stored are read as they are until the service seals and \
             indexes them: run `{ROTATE_KEYS}` (the binary's `rotate-keys` in production); \
             until then an equality filter on the field does not find them",
            quoted(&unsealed)
        ));
    }
    out
}

/// `a`, `b`: column names as a list says them.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The field of the earlier resource that `f` was: by its earlier name or its own.
fn earlier<'a>(o: &'a Resource, f: &Field) -> Option<&'a Field> {
    let name = f.renamed_from.as_deref().unwrap_or(&f.names.snake);
    o.fields.iter().find(|of| of.names.snake == name)
}
