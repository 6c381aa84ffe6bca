//! What erasing an account writes (`src/erase.rs` of a generated service): per resource the
//! account owns, the delete or the clearing of its rows (`on_erase`), children before
//! parents; the rows whose events carry personal values, which leave the outbox and the
//! job queue; and the account's own many-to-many links.

use serde::Serialize;

use crate::names::Names;
use crate::spec::{OnErase, Resource, Spec, Trigger};
use crate::sql::{join_table, unlink_every};

#[derive(Debug, Serialize)]
pub struct ErasureContext {
    /// The owned resources an erasure deletes or clears, children before parents.
    pub steps: Vec<ErasureStep>,
    /// The resources (the account's own among them) whose events carry personal values
    /// (`in_events = true`), with those values' keys.
    pub purged: Vec<PurgedResource>,
    /// Whether the account has required personal fields, which its tombstone holds as
    /// sealed empty text (it binds one).
    pub sealed: bool,
    /// Where the accounts are another service's (`auth.accounts`): its name, whose
    /// `user.erased` the inbox hears and erases the account's rows here by. `None` where
    /// this service keeps the accounts and erases them itself.
    pub heard_from: Option<String>,
    /// The erasure's event (`user.erased`) is recorded for the services that keep rows the
    /// account owns (`events = { erased = true }` on the accounts).
    pub event: Option<String>,
    /// Some step's resource is audited (`audit = true`): the erasure records an entry for
    /// each row it deletes or clears there, naming who erased.
    pub audited: bool,
    /// The accounts are audited: the tombstone is recorded too.
    pub account_audited: bool,
    /// The statements that delete the account's many-to-many links, declared by the
    /// account or towards it (the tags it follows, the clubs it is a member of): its
    /// tombstone stays, so the links would not die with it.
    pub account_links: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ErasureStep {
    pub names: Names,
    /// Clears the rows' personal fields (`anonymize`) rather than deleting them.
    pub anonymize: bool,
    /// Each row deleted or cleared leaves an audit entry (`audit = true`).
    pub audit: bool,
    /// The JSON keys of its personal fields: what an anonymized row's entry names.
    pub personal_keys: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PurgedResource {
    pub names: Names,
    /// The JSON keys of its personal fields in events: `deliveryAddress`.
    pub keys: Vec<String>,
    /// The account's own resource: its one row is the account.
    pub account: bool,
}

/// Whether the rows of `r` an account owns are this service's to erase: its owner path
/// stays in this service, or ends in a copy of another service's rows that holds owners.
fn erasable(spec: &Spec, r: &Resource) -> bool {
    crate::sql::owned_condition(spec, r).is_some()
}

/// What erasing an account writes, where the service has the accounts or hears their
/// erasure from the service that has them.
pub(super) fn erasure(spec: &Spec) -> Option<ErasureContext> {
    let heard_from = spec.erasure_heard_from();
    if !spec.has_accounts() && heard_from.is_none() {
        return None;
    }
    let owned = |r: &Resource| r.owner.is_some() && !spec.is_account(r) && erasable(spec, r);
    let steps = spec
        .creation_order()
        .into_iter()
        .rev()
        .filter(|r| owned(r) && r.on_erase != OnErase::Keep)
        .map(|r| ErasureStep {
            names: r.names.clone(),
            anonymize: r.on_erase == OnErase::Anonymize,
            audit: r.audit,
            personal_keys: (r.fields.iter())
                .filter(|f| f.personal)
                .map(|f| f.names.camel.clone())
                .collect(),
        })
        .collect::<Vec<ErasureStep>>();
    let purged = spec
        .resources
        .iter()
        .filter(|r| owned(r) || spec.is_account(r))
        .filter_map(|r| {
            let keys: Vec<String> = r
                .personal_in_events()
                .map(|f| f.names.camel.clone())
                .collect();
            (!keys.is_empty()).then(|| PurgedResource {
                names: r.names.clone(),
                keys,
                account: spec.is_account(r),
            })
        })
        .collect();
    let sealed = spec
        .resources
        .iter()
        .filter(|r| spec.is_account(r))
        .any(|r| r.cleared_by_tombstone().any(|f| f.required));
    let event = spec
        .resources
        .iter()
        .filter(|r| spec.is_account(r))
        .flat_map(|r| r.events.iter().map(move |e| (r, e)))
        .find(|(_, e)| e.trigger == Trigger::Erased)
        .map(|(r, e)| r.event_type(e));
    let account_audited =
        heard_from.is_none() && (spec.resources.iter()).any(|r| spec.is_account(r) && r.audit);
    let account_links = (spec.account_links())
        .filter(|_| heard_from.is_none())
        .map(|(declaring, target)| {
            let account = if spec.is_account(declaring) {
                declaring
            } else {
                target
            };
            unlink_every(account, &join_table(declaring, target))
        })
        .collect();
    Some(ErasureContext {
        audited: steps.iter().any(|s| s.audit),
        account_audited,
        steps,
        purged,
        sealed,
        heard_from: heard_from.map(str::to_owned),
        event,
        account_links,
    })
}
