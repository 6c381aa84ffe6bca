//! The HTTP routes a spec yields (CONTRACT.md section 1), computed once for
//! `check`, the generated README and the templates.

use crate::names::with_article;
use crate::spec::{BelongsTo, Resource, Spec};

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

/// Resources that belong to `parent`, in spec order. The nested path is the
/// child's plural; a child with two relations to one parent (a message's
/// sender and recipient) gets `{relation}-{plural}` so paths stay distinct.
pub fn children<'a>(spec: &'a Spec, parent: &Resource) -> Vec<Child<'a>> {
    let mut out = Vec::new();
    for resource in &spec.resources {
        let to_parent: Vec<&BelongsTo> = resource
            .belongs_to
            .iter()
            .filter(|b| b.target == parent.names.snake)
            .collect();
        for relation in &to_parent {
            let segment = if to_parent.len() == 1 {
                resource.names.plural_kebab.clone()
            } else {
                format!("{}-{}", relation.names.kebab, resource.names.plural_kebab)
            };
            out.push(Child {
                resource,
                relation,
                segment,
            });
        }
    }
    out
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

/// The jwt flow's routes (CONTRACT.md section 6), when the spec has them.
pub fn auth_routes(spec: &Spec) -> Vec<Route> {
    if spec.auth.mode != crate::spec::AuthMode::Jwt {
        return Vec::new();
    }
    let base = format!("{}/auth", spec.project.api_prefix);
    [
        ("POST", "register", "create an account"),
        ("POST", "login", "sign in: an access and a refresh token"),
        ("POST", "refresh", "trade a refresh token for a new pair"),
        ("POST", "logout", "end the refresh token's session"),
        ("GET", "me", "the signed-in user"),
    ]
    .into_iter()
    .map(|(method, path, summary)| route(method, format!("{base}/{path}"), summary.into()))
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
