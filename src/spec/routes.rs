//! The HTTP routes a spec yields (docs/contract.md, "Routes"), computed once for
//! `check`, the generated README and the templates. They are the spec's own: its
//! validation refuses two routes with one method and path (`collisions.rs`).

use super::model::{AuthMode, BelongsTo, Resource, Spec};
use crate::names::with_article;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Route {
    pub method: &'static str,
    /// Full path with the API prefix, `{id}` style parameters.
    pub path: String,
    pub summary: String,
}

/// A resource that belongs to another, seen from the parent's side.
#[derive(Debug, Clone)]
pub struct Child<'a> {
    pub resource: &'a Resource,
    pub relation: &'a BelongsTo,
    /// Path segment under `/{parents}/{id}/`.
    pub segment: String,
}

/// Resources that belong to `parent`, in spec order, with the segment of each
/// nested path (see `nested_segment`).
pub fn children<'a>(spec: &'a Spec, parent: &Resource) -> Vec<Child<'a>> {
    spec.references_to(&parent.names.snake)
        .iter()
        .filter_map(|&(child, relation)| {
            let resource = spec.resources.get(child)?;
            let relation = resource.belongs_to.get(relation)?;
            Some(Child {
                resource,
                relation,
                segment: nested_segment(resource, relation),
            })
        })
        .collect()
}

/// The path segment of `child`'s rows under the parent of `relation`: the
/// child's plural; a child with two relations to one parent (a message's
/// sender and recipient) gets `{relation}-{plural}` so paths stay distinct.
pub fn nested_segment(child: &Resource, relation: &BelongsTo) -> String {
    let to_parent = child
        .belongs_to
        .iter()
        .filter(|b| b.target == relation.target)
        .count();
    if to_parent == 1 {
        child.names.plural_kebab.clone()
    } else {
        format!("{}-{}", relation.names.kebab, child.names.plural_kebab)
    }
}

/// Every route of one resource, in a stable order.
pub fn resource_routes(spec: &Spec, resource: &Resource) -> Vec<Route> {
    let base = format!(
        "{}/{}",
        spec.project.api_prefix, resource.names.plural_kebab
    );
    let one = &resource.names.words;
    let a_one = with_article(one);
    let many = &resource.names.plural_words;
    let deleted = if resource.soft_delete {
        "soft-delete"
    } else {
        "delete"
    };
    let mut routes = vec![
        route("GET", base.clone(), format!("list {many}")),
        route("POST", base.clone(), format!("create {a_one}")),
        route("GET", format!("{base}/{{id}}"), format!("read {a_one}")),
        route("PUT", format!("{base}/{{id}}"), format!("replace {a_one}")),
        route(
            "PATCH",
            format!("{base}/{{id}}"),
            format!("update part of {a_one}"),
        ),
        route(
            "DELETE",
            format!("{base}/{{id}}"),
            format!("{deleted} {a_one}"),
        ),
    ];
    for child in children(spec, resource) {
        let path = format!("{base}/{{id}}/{}", child.segment);
        let words = &child.resource.names.plural_words;
        routes.push(route(
            "GET",
            path.clone(),
            format!("list the {one}'s {words}"),
        ));
        // An owner key comes from the token and an account from registration, never
        // from a parent's path.
        let owned = child.resource.is_owner(child.relation);
        if !owned && !spec.is_account(child.resource) {
            routes.push(route(
                "POST",
                path,
                format!(
                    "create {} for the {one}",
                    with_article(&child.resource.names.words)
                ),
            ));
        }
    }
    if spec.is_account(resource) {
        routes.push(route(
            "PUT",
            format!("{base}/{{id}}/roles"),
            format!("set the {one}'s roles (admins only)"),
        ));
    }
    for target in &resource.many_to_many {
        if let Some(t) = spec.resource(target) {
            let path = format!("{base}/{{id}}/{}", t.names.plural_kebab);
            let item = format!("{path}/{{{}Id}}", t.names.camel);
            routes.push(route(
                "GET",
                path,
                format!("list the {one}'s {}", t.names.plural_words),
            ));
            routes.push(route(
                "PUT",
                item.clone(),
                format!("link {} to the {one}", with_article(&t.names.words)),
            ));
            routes.push(route(
                "DELETE",
                item,
                format!("unlink {} from the {one}", with_article(&t.names.words)),
            ));
        }
    }
    routes
}

/// Every route under the API prefix, in the order `check` and the README list them: the
/// resources', then the service's own ([`own_api_routes`]).
pub fn api_routes(spec: &Spec) -> Vec<Route> {
    spec.resources
        .iter()
        .flat_map(|r| resource_routes(spec, r))
        .chain(own_api_routes(spec))
        .collect()
}

/// The routes the service itself mounts under the API prefix, whatever the resources: the
/// jwt flow's and the admin routes over jobs and webhooks.
pub fn own_api_routes(spec: &Spec) -> Vec<Route> {
    let mut routes = auth_routes(spec);
    routes.extend(job_routes(spec));
    routes.extend(webhook_routes(spec));
    routes
}

/// The jwt flow's routes (docs/contract.md, "Sign-in"), when the spec has them.
pub fn auth_routes(spec: &Spec) -> Vec<Route> {
    if spec.auth.mode != AuthMode::Jwt {
        return Vec::new();
    }
    let base = format!("{}/auth", spec.project.api_prefix);
    [
        ("POST", "register", "create an account"),
        ("POST", "login", "sign in: an access and a refresh token"),
        ("POST", "refresh", "trade a refresh token for a new pair"),
        ("POST", "logout", "end the refresh token's session"),
        ("GET", "me", "the signed-in user"),
        ("POST", "verify", "verify an email with a mailed token"),
        ("POST", "verify/resend", "mail a new verification link"),
        ("POST", "forgot", "mail a password reset link"),
        ("POST", "reset", "set a new password with a mailed token"),
        ("POST", "password", "change the password (signed in)"),
        ("GET", "sessions", "the caller's sessions"),
        (
            "DELETE",
            "sessions/{id}",
            "end one of the caller's sessions",
        ),
        ("POST", "logout-all", "end every session of the caller's"),
    ]
    .into_iter()
    .map(|(method, path, summary)| route(method, format!("{base}/{path}"), summary.into()))
    .collect()
}

/// The admin routes over the job queue (`src/jobs/admin.rs`): with jwt auth and jobs only.
pub fn job_routes(spec: &Spec) -> Vec<Route> {
    if spec.auth.mode != AuthMode::Jwt || !spec.has_job_queue() {
        return Vec::new();
    }
    let base = format!("{}/jobs", spec.project.api_prefix);
    [
        ("GET", "", "list background jobs (admin)"),
        ("GET", "/{id}", "read a background job (admin)"),
        ("POST", "/{id}/retry", "retry a dead job (admin)"),
    ]
    .into_iter()
    .map(|(method, path, summary)| route(method, format!("{base}{path}"), summary.into()))
    .collect()
}

/// The admin routes over webhooks (`src/webhooks/`): with events and jwt auth.
pub fn webhook_routes(spec: &Spec) -> Vec<Route> {
    if !spec.webhooks() {
        return Vec::new();
    }
    let base = format!("{}/webhooks", spec.project.api_prefix);
    [
        ("GET", "", "list webhook subscriptions (admin)"),
        ("POST", "", "subscribe a URL to events (admin)"),
        ("GET", "/{id}", "read a webhook subscription (admin)"),
        ("PATCH", "/{id}", "change a webhook subscription (admin)"),
        ("DELETE", "/{id}", "delete a webhook subscription (admin)"),
        (
            "GET",
            "/{id}/deliveries",
            "a subscription's delivery log (admin)",
        ),
        (
            "POST",
            "/{id}/deliveries/{deliveryId}/retry",
            "retry a failed delivery (admin)",
        ),
    ]
    .into_iter()
    .map(|(method, path, summary)| route(method, format!("{base}{path}"), summary.into()))
    .collect()
}

/// The service's own routes, outside the API prefix: the health checks (`health.rs`),
/// metrics (`monitoring.rs`) and the OpenAPI document (`routes.rs`).
pub fn service_routes() -> Vec<Route> {
    [
        ("/health", "the health check"),
        ("/health/ready", "the readiness check"),
        ("/health/live", "the liveness check"),
        ("/metrics", "the Prometheus metrics"),
        ("/openapi.json", "the OpenAPI document"),
    ]
    .into_iter()
    .map(|(path, summary)| route("GET", path.into(), summary.into()))
    .collect()
}

fn route(method: &'static str, path: String, summary: String) -> Route {
    Route {
        method,
        path,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_routes_are_those_the_templates_serve() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/service/src/");
        let served: String = ["health.rs.tera", "monitoring.rs.tera", "routes.rs.tera"]
            .iter()
            .map(|f| std::fs::read_to_string(format!("{root}{f}")).unwrap())
            .collect();
        for r in service_routes() {
            assert!(served.contains(&format!("\"{}\"", r.path)), "{}", r.path);
        }
    }

    /// The service's own API routes are those its templates mount, both ways: a route
    /// added to a template and not here would escape the collision check.
    #[test]
    fn the_own_api_routes_are_those_the_templates_mount() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/service/src/");
        let mounted: std::collections::BTreeSet<String> = [
            "auth/mod.rs.tera",
            "jobs/admin.rs.tera",
            "webhooks/mod.rs.tera",
        ]
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(format!("{root}{f}")).unwrap();
            text.split("\"{{ api_prefix }}")
                .skip(1)
                .filter_map(|rest| rest.split_once('"').map(|(path, _)| path.to_string()))
                // The accounts' roles route is the `user` resource's.
                .filter(|path| !path.contains("{{"))
                .collect::<Vec<_>>()
        })
        .collect();
        let spec = crate::spec::parse(
            "t.toml",
            "[auth]\nmode = \"jwt\"\n[resources.post.events]\ncreated = true\n\
             [resources.post.fields]\ntitle = { type = \"text\" }\n",
        )
        .unwrap();
        let own: std::collections::BTreeSet<String> = own_api_routes(&spec)
            .into_iter()
            .map(|r| r.path.strip_prefix("/v1").unwrap().to_string())
            .collect();
        assert_eq!(own, mounted);
    }

    #[test]
    fn nested_and_link_routes() {
        let spec = crate::spec::parse(
            "t.toml",
            "[resources.user.fields]\nname = { type = \"text\" }\n\
             [resources.tag.fields]\nname = { type = \"text\" }\n\
             [resources.message]\nbelongs_to = { sender = \"user\", recipient = \"user\" }\nmany_to_many = [\"tag\"]\n\
             [resources.message.fields]\nbody = { type = \"text\" }\n",
        )
        .unwrap();
        let user = spec.resource("user").unwrap();
        let paths: Vec<String> = resource_routes(&spec, user)
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(
            paths.contains(&"GET /v1/users/{id}/sender-messages".to_string()),
            "{paths:?}"
        );
        assert!(
            paths.contains(&"POST /v1/users/{id}/recipient-messages".to_string()),
            "{paths:?}"
        );
        let message = spec.resource("message").unwrap();
        let paths: Vec<String> = resource_routes(&spec, message)
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(paths.len(), 9);
        assert_eq!(paths[6], "GET /v1/messages/{id}/tags");
        assert_eq!(paths[7], "PUT /v1/messages/{id}/tags/{tagId}");
    }
}
