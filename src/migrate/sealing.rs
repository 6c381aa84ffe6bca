//! A spec change to a personal field (`personal = true`): the values a database already
//! holds are not sealed by the migration, which runs SQL without the service's keys. They
//! stay readable as they were written (the service opens a value without the sealed
//! prefix as plain text), and the service's `rotate-keys` seals and indexes them: `update`
//! says so after the migration. A field that stops being personal is refused: its values
//! are sealed, and the new version would read the ciphertext as text.

use super::renames::was;
use crate::spec::{Field, Resource, Spec};

/// What the change asks of the team once the new version serves, and what it refuses.
#[derive(Debug, Default)]
pub(super) struct Sealing {
    pub after: Vec<String>,
    pub refused: Vec<String>,
}

/// The command that seals what an update made personal: safe to run at any time, twice,
/// and while the service serves.
pub const ROTATE_KEYS: &str = "cargo run -- rotate-keys";

pub(super) fn sealing(old: &Spec, new: &Spec) -> Sealing {
    let mut out = Sealing::default();
    let mut unsealed = Vec::new();
    for r in &new.resources {
        let Some(o) = was(old, new, r) else {
            continue;
        };
        for f in &r.fields {
            let name = format!("{}.{}", r.names.plural_snake, f.names.snake);
            match (earlier(o, f), f.personal) {
                (Some(before), false) if before.personal => out.refused.push(format!(
                    "`{name}` stops being personal: its stored values are sealed, no migration \
                     can open them (it runs without the service's keys), and the new version \
                     would read the ciphertext as text; keep {}",
                    if new.is_account(r) && f.names.snake == "email" {
                        "`[auth] personal_email = true`"
                    } else {
                        "`personal = true`"
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
    if !unsealed.is_empty() {
        out.after.push(format!(
            "{}: the values already stored are read as they are until the service seals and \
             indexes them: run `{ROTATE_KEYS}` (the binary's `rotate-keys` in production); \
             until then an equality filter on the field does not find them",
            unsealed
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

/// The field of the earlier resource that `f` was: by its earlier name or its own.
fn earlier<'a>(o: &'a Resource, f: &Field) -> Option<&'a Field> {
    let name = f.renamed_from.as_deref().unwrap_or(&f.names.snake);
    o.fields.iter().find(|of| of.names.snake == name)
}
