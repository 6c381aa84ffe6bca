//! What an account's export holds (`src/export.rs` of a generated service): the rows an
//! account owns, directly or through parents, and their many-to-many links.

use serde::Serialize;

use crate::names::Names;
use crate::spec::Spec;

#[derive(Debug, Serialize)]
pub struct ExportContext {
    /// The resources whose rows an account owns, in spec order; the account's own row is
    /// the document's `account`.
    pub resources: Vec<ExportedResource>,
    /// The many-to-many links those resources declare.
    pub links: Vec<ExportedLink>,
}

#[derive(Debug, Serialize)]
pub struct ExportedResource {
    pub names: Names,
    /// `/v1/orders`.
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct ExportedLink {
    /// The exported resource that declares the link.
    pub resource: Names,
    pub target: Names,
    /// The document's key of its pairs: `postTags`.
    pub key: String,
    /// Each pair's keys: `postId`, `tagId`.
    pub from: String,
    pub to: String,
}

/// The resources whose rows an account owns, in spec order (what an export holds).
pub(super) fn exported(spec: &Spec) -> impl Iterator<Item = &crate::spec::Resource> {
    spec.resources
        .iter()
        .filter(|r| r.owner.is_some() && !spec.is_account(r))
}

/// What an account's export holds, where the service has the accounts (jwt, not another
/// service's accounts).
pub(super) fn export(spec: &Spec) -> Option<ExportContext> {
    if !spec.has_accounts() {
        return None;
    }
    let owned: Vec<_> = exported(spec).collect();
    let links = owned
        .iter()
        .flat_map(|r| {
            r.many_to_many.iter().filter_map(|target| {
                let t = spec.resource(target)?;
                Some(ExportedLink {
                    key: format!("{}{}", r.names.camel, t.names.plural_pascal),
                    from: format!("{}Id", r.names.camel),
                    to: format!("{}Id", t.names.camel),
                    resource: r.names.clone(),
                    target: t.names.clone(),
                })
            })
        })
        .collect();
    Some(ExportContext {
        resources: owned
            .into_iter()
            .map(|r| ExportedResource {
                names: r.names.clone(),
                url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
            })
            .collect(),
        links,
    })
}
