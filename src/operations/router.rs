//! A generated router's `.route(path, chain)` calls, from the operations it mounts.

use super::model::Operation;
use crate::spec::Resource;
use crate::spec::routes::Kind;

/// A path a router mounts and the axum method chain that serves it
/// (`routing::get(list).post(create)`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mount {
    pub path: String,
    pub chain: String,
}

/// What `resource`'s router mounts: its rows' own paths, then those under each parent in
/// the order of its relations, then its many-to-many links; one mount per path, its
/// methods in the operations' order.
pub fn mounts(operations: &[Operation], resource: &Resource) -> Vec<Mount> {
    let module = format!("resources::{}", resource.names.module);
    let mut mine: Vec<&Operation> = operations.iter().filter(|o| o.module == module).collect();
    // The operations list nested routes under their parent; the router lists them by
    // the child's relations.
    mine.sort_by_key(|o| match &o.kind {
        Kind::ListChildren { relation, .. }
        | Kind::ReadChild { relation, .. }
        | Kind::CreateChild { relation, .. } => (
            1,
            resource
                .belongs_to
                .iter()
                .position(|b| b.names.snake == *relation),
        ),
        Kind::ListLinked { .. } | Kind::Link { .. } | Kind::Unlink { .. } => (2, None),
        _ => (0, None),
    });
    // The handlers are named `get`, `list`…: axum's method routers are named through
    // `routing::` beside them.
    by_path(mine, "routing::")
}

/// What the router of the service's own `module` (`webhooks`) mounts: one mount per path,
/// in the operations' order.
pub fn module_mounts(operations: &[Operation], module: &str) -> Vec<Mount> {
    by_path(operations.iter().filter(|o| o.module == module), "")
}

/// One mount per path, in the order of each path's first operation; each chain starts
/// with the method router's function, named through `routing` (`routing::get`).
fn by_path<'a>(operations: impl IntoIterator<Item = &'a Operation>, routing: &str) -> Vec<Mount> {
    let mut mounts: Vec<Mount> = Vec::new();
    for op in operations {
        let path = router_path(op);
        let call = format!("{}({})", op.method.lowercase(), op.handler);
        match mounts.iter_mut().find(|m| m.path == path) {
            Some(mount) => {
                mount.chain.push('.');
                mount.chain.push_str(&call);
            }
            None => mounts.push(Mount {
                path,
                chain: format!("{routing}{call}"),
            }),
        }
    }
    mounts
}

/// The path as the router writes it: a link's handlers take the two ids as one tuple,
/// the second named `other_id` whatever the document calls it.
fn router_path(op: &Operation) -> String {
    match (&op.kind, op.params.get(1)) {
        (Kind::Link { .. } | Kind::Unlink { .. }, Some(other)) => op
            .path
            .replace(&format!("{{{}}}", other.name), "{other_id}"),
        _ => op.path.clone(),
    }
}
