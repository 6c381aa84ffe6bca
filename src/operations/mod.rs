//! The service's operations: every route it serves, as one list computed once from the
//! typed spec, from which everything that lists, documents or mounts a route derives:
//! `check`'s route list, the README's and the generated OpenAPI test's (through the
//! template context), the OpenAPI document's paths, and the resources' axum routers.
//!
//! An [`Operation`] says what the route is (id, method, path, path parameters, summary,
//! tag), what it does and to which resource ([`Kind`]), which handler serves it, which
//! access rule guards it, which body it takes, and how the service treats it
//! (`Idempotency-Key`, rate limits, events). The intent is that GraphQL, typed clients
//! and a gateway are generated from it too: they need the id, method, path, parameters,
//! body shape, answer shape and access, so those belong here rather than in one consumer.
//!
//! The method, path, summary and kind of each route come from `spec::routes`, which spec
//! validation reads to refuse two routes with one method and path (the spec layer cannot
//! read this one); this module adds the rest and is what everything above the spec reads.

mod describe;
mod router;
#[cfg(test)]
mod tests;

use crate::spec::Spec;
pub use crate::spec::routes::{AuthAction, JobAction, Kind, Method, Probe, WebhookAction};
use crate::spec::routes::{Route, own_api_routes, resource_routes, service_routes};
pub use router::{Mount, mounts};

/// One route the service serves.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Operation {
    /// The OpenAPI `operationId` (`listPosts`, `createCommentForPost`, `login`).
    pub id: String,
    pub method: Method,
    /// Full path with the API prefix, `{param}` segments.
    pub path: String,
    /// The path's parameters, in order.
    pub params: Vec<Param>,
    /// What it does, in the route lists (`check`, the README).
    pub summary: String,
    /// What it does, in the OpenAPI document: the summary unless the document says more.
    pub document_summary: String,
    /// The group it is listed and tagged under.
    pub group: Group,
    pub kind: Kind,
    /// The generated module whose `router()` mounts it (`resources::post`, `auth`).
    pub module: String,
    /// The function that router calls, as the router names it (`handlers::list`).
    pub handler: String,
    /// The action of the group resource's access rules that guards it, if one does (the
    /// rest are public, signed-in or admin-only by their kind).
    pub access: Option<Action>,
    /// The resource body it takes, if any (other bodies follow from the kind).
    pub body: Option<Body>,
    /// A POST that honours `Idempotency-Key`.
    pub idempotent: bool,
    /// Counted against the client's rate budget (every route under the API prefix).
    pub rate_limited: bool,
    /// The event types (`post.created`) it may emit.
    pub events: Vec<String>,
}

/// A path parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Param {
    /// As the path writes it (`id`, `tagId`).
    pub name: String,
    /// Whose id it is: a resource's snake name, or `session`, `job`, `webhook`, `delivery`.
    pub of: String,
}

/// What an operation is listed and tagged under.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// A resource, by snake name: the one whose rows the operation answers or writes.
    Resource(String),
    Auth,
    Jobs,
    Webhooks,
    /// The health checks and metrics.
    Health,
    /// The OpenAPI document.
    Document,
}

/// An action of a resource's access rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    List,
    Read,
    Create,
    Update,
    Delete,
}

/// The body shapes of a resource's writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// POST: `required_keys` must be present.
    Create,
    /// `POST /auth/register`: a create by the new account itself, which field rules see as
    /// its owner with the default role.
    Register,
    /// PUT: every key must be present, optional ones may be `null`.
    Replace,
    /// PATCH: every key may be absent.
    Patch,
}

impl Body {
    pub fn creates(self) -> bool {
        matches!(self, Body::Create | Body::Register)
    }
}

/// Every operation: the resources', the service's own under the API prefix (auth, jobs,
/// webhooks), then those outside it (health, metrics, the document).
pub fn operations(spec: &Spec) -> Vec<Operation> {
    routes(spec)
        .into_iter()
        .map(|route| describe::operation(spec, route))
        .collect()
}

/// The operations under the API prefix, in the order `check` and the README list them.
pub fn api_operations(spec: &Spec) -> Vec<Operation> {
    let mut all = operations(spec);
    // Exactly the API's routes are rate-limited; health, metrics and the document are not.
    all.retain(|o| o.rate_limited);
    all
}

fn routes(spec: &Spec) -> Vec<Route> {
    spec.resources
        .iter()
        .flat_map(|r| resource_routes(spec, r))
        .chain(own_api_routes(spec))
        .chain(service_routes())
        .collect()
}
