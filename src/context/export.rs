//! What an account's export holds (`src/export.rs` of a generated service): the rows an
//! account owns, directly or through parents, and their many-to-many links.

use serde::Serialize;

use crate::names::Names;
use crate::spec::{Resource, Spec};

#[derive(Debug, Serialize)]
pub struct ExportContext {
    /// The accounts are this service's: the document holds the account, and jobs prepare
    /// exports too. Otherwise this is the service's part of an account's export, which the
    /// gateway of a split gathers with the other parts (`Spec::exports_part`).
    pub accounts_here: bool,
    /// The resources whose rows an account owns, in spec order; the account's own row is
    /// the document's `account`.
    pub resources: Vec<ExportedResource>,
    /// The many-to-many links of those rows and of the account: the ones they declare, then
    /// the ones other resources declare towards them.
    pub links: Vec<ExportedLink>,
    /// Some link is read from the exported rows (not only from the account's own row).
    pub rows_linked: bool,
}

#[derive(Debug, Serialize)]
pub struct ExportedResource {
    pub names: Names,
    /// `/v1/orders`.
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct ExportedLink {
    /// The resource that declares the link: an exported one, or (`incoming`) one outside
    /// the export whose links point at an exported `target`.
    pub resource: Names,
    pub target: Names,
    /// The pairs are read from the exported target's rows rather than the declaring side's.
    pub incoming: bool,
    /// The exported side (the declaring one, or the target when `incoming`) is the account
    /// itself: its one row is the document's `account`.
    pub of_account: bool,
    /// The document's key of its pairs: `postTags`.
    pub key: String,
    /// Each pair's keys: `postId`, `tagId`.
    pub from: String,
    pub to: String,
}

impl ExportedLink {
    /// The links `r` declares to `t`, under the keys the document names them by.
    fn new(r: &Resource, t: &Resource, incoming: bool, of_account: bool) -> Self {
        Self {
            key: format!("{}{}", r.names.camel, t.names.plural_pascal),
            from: format!("{}Id", r.names.camel),
            to: format!("{}Id", t.names.camel),
            resource: r.names.clone(),
            target: t.names.clone(),
            incoming,
            of_account,
        }
    }
}

/// What an account's export holds: where the service has the accounts, or its part where
/// another service has them and it holds rows they own.
pub(super) fn export(spec: &Spec) -> Option<ExportContext> {
    if !spec.exports() {
        return None;
    }
    let owned: Vec<_> = spec.exported().collect();
    let declared = spec
        .resources
        .iter()
        .filter(|r| spec.links_exported(r))
        .flat_map(|r| {
            r.many_to_many.iter().filter_map(|target| {
                let t = spec.resource(target)?;
                Some(ExportedLink::new(r, t, false, spec.is_account(r)))
            })
        });
    let incoming = spec
        .links_into_export()
        .map(|(source, target)| ExportedLink::new(source, target, true, spec.is_account(target)));
    let links: Vec<ExportedLink> = declared.chain(incoming).collect();
    Some(ExportContext {
        accounts_here: spec.has_accounts(),
        resources: owned
            .into_iter()
            .map(|r| ExportedResource {
                names: r.names.clone(),
                url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
            })
            .collect(),
        rows_linked: links.iter().any(|l| !l.of_account),
        links,
    })
}
