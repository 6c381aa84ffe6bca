//! The service's operations: every route it serves, as one list computed once from the
//! typed spec, from which everything that lists, documents or mounts a route derives:
//! `check`'s route list, the generated `docs/routes.md`'s and OpenAPI test's (through the
//! template context), the OpenAPI document's paths, and the generated axum routers (the
//! resources', auth's, the job queue's and the webhooks').
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
mod model;
mod router;
#[cfg(test)]
mod tests;

use crate::spec::Spec;
pub use crate::spec::routes::{
    AuditAction, AuthAction, JobAction, Kind, Method, Probe, WebhookAction,
};
use crate::spec::routes::{Route, own_api_routes, resource_routes, service_routes};
pub use model::{Action, Body, Group, Operation, Param};
pub use router::{Mount, module_mounts, mounts};

/// Every operation: the resources', the service's own under the API prefix (auth, jobs,
/// webhooks), then those outside it (health, metrics, the document).
pub fn operations(spec: &Spec) -> Vec<Operation> {
    routes(spec)
        .into_iter()
        .map(|route| describe::operation(spec, route))
        .collect()
}

/// The operations under the API prefix, in the order `check` and the generated
/// `docs/routes.md` list them.
pub fn api_operations(spec: &Spec) -> Vec<Operation> {
    let mut all = operations(spec);
    all.retain(|o| o.in_api);
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
