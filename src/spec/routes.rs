//! The HTTP routes a spec yields (docs/contract.md, "Routes"): method, path, summary and
//! what each does. Spec validation refuses two with one method and path
//! (`collisions.rs`), so the table lives here; everything else reads it through the
//! operation model (`crate::operations`), which adds ids, handlers, access and bodies.

use std::fmt;

use super::model::{AuthMode, BelongsTo, Resource, Spec};
use crate::names::with_article;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Route {
    pub method: Method,
    /// Full path with the API prefix, `{id}` style parameters.
    pub path: String,
    pub summary: String,
    pub kind: Kind,
}

/// The HTTP methods the service serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// `GET`, as HTTP and the route lists write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// `get`, as OpenAPI and axum's `routing` functions write it.
    pub fn lowercase(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
            Method::Delete => "delete",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl serde::Serialize for Method {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What a route does, and to which resources (by snake name).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    List {
        resource: String,
    },
    Create {
        resource: String,
    },
    Read {
        resource: String,
    },
    Replace {
        resource: String,
    },
    Patch {
        resource: String,
    },
    Delete {
        resource: String,
    },
    /// The `child` rows under one `parent` row, through the child's `relation`.
    ListChildren {
        parent: String,
        child: String,
        relation: String,
    },
    /// The one `child` row of one `parent` row, through the child's one-to-one `relation`
    /// (`unique = true`).
    ReadChild {
        parent: String,
        child: String,
        relation: String,
    },
    /// A `child` created under one `parent` row, which its `relation` then names.
    CreateChild {
        parent: String,
        child: String,
        relation: String,
    },
    /// An account's roles, set by an admin.
    SetRoles {
        resource: String,
    },
    /// An account's data as one document (`src/export.rs`), for an admin.
    ExportAccount {
        resource: String,
    },
    /// An account's export prepared by a job (`src/export.rs`), for an admin.
    PrepareAccountExport {
        resource: String,
    },
    /// An account erased (`src/erase.rs`), by an admin.
    EraseAccount {
        resource: String,
    },
    /// The `target` rows linked to one `resource` row (many-to-many).
    ListLinked {
        resource: String,
        target: String,
    },
    Link {
        resource: String,
        target: String,
    },
    Unlink {
        resource: String,
        target: String,
    },
    /// A file field's bytes (`src/files.rs`): uploaded, downloaded or removed.
    File {
        resource: String,
        field: String,
        action: FileAction,
    },
    Auth(AuthAction),
    Jobs(JobAction),
    Webhooks(WebhookAction),
    Audit(AuditAction),
    Health(Probe),
    Metrics,
    /// The OpenAPI document.
    Document,
}

/// What a file's route does with its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileAction {
    /// `PUT`: the raw bytes, streamed into the store.
    Upload,
    /// `GET`: the bytes, with `ETag` and `Range`.
    Download,
    /// `DELETE`: the row names no file any more.
    Remove,
}

/// The jwt flow's actions (`src/auth/handlers.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthAction {
    Register,
    Login,
    Refresh,
    Logout,
    Me,
    Verify,
    ResendVerification,
    Forgot,
    Reset,
    ChangePassword,
    ListSessions,
    EndSession,
    LogoutAll,
    /// The caller's own data as one document (`src/export.rs`).
    Export,
    /// The same document prepared by a job, for an account past the inline export's bound.
    PrepareExport,
    /// A prepared export's state, and its link once ready.
    ExportStatus,
    /// A prepared export's document, fetched once.
    ExportDocument,
    /// The caller's own account erased, its password confirming it (`src/erase.rs`).
    Erase,
    /// An admin's export of an account whose accounts are another service's: this service's
    /// part (`Spec::exports_part`). Where the accounts are here, the account resource's own
    /// route is [`Kind::ExportAccount`].
    ExportAccount,
    /// The identity providers accounts may sign in with (`src/auth/sign_in.rs`).
    Providers,
    /// The start of a sign-in with a provider: a redirect to it.
    Authorize,
    /// The provider's redirect back, with the code to redeem.
    Callback,
    /// The one-time code of a finished sign-in, traded for a token pair.
    Exchange,
    /// The providers linked to the caller's account.
    MyProviders,
    /// The start of linking a provider to the caller's account: where to send the browser.
    LinkProvider,
    /// The one-time code of a finished link, confirmed by the account that started it.
    ConfirmLink,
    /// Unlinking a provider, unless it is the account's last way to sign in.
    UnlinkProvider,
    /// The tenants the caller is a member of, with its roles in each (`[tenancy]`,
    /// `src/auth/tenancy.rs`).
    Tenants,
    /// A new token pair acting in another of the caller's tenants.
    SwitchTenant,
    /// A tenant's members, for its admins.
    TenantMembers,
    /// One member of a tenant, for its members: how another service that takes these
    /// accounts checks that an owner named in a body is a member of the row's tenant.
    TenantMember,
    /// A member's roles in a tenant, replaced by its admins.
    SetMemberRoles,
    /// A member removed from a tenant by its admins, or leaving it.
    RemoveMember,
    /// An email invited to a tenant by its admins: a mailed link.
    Invite,
    /// A tenant's pending invitations, for its admins.
    Invitations,
    /// An invitation revoked by the tenant's admins.
    RevokeInvitation,
    /// An invitation's mailed token, accepted by the invited account.
    AcceptInvitation,
}

impl AuthAction {
    /// Whether the action is one of the tenants' (`src/auth/tenancy.rs`).
    pub fn of_tenancy(self) -> bool {
        matches!(
            self,
            Self::Tenants
                | Self::SwitchTenant
                | Self::TenantMembers
                | Self::TenantMember
                | Self::SetMemberRoles
                | Self::RemoveMember
                | Self::Invite
                | Self::Invitations
                | Self::RevokeInvitation
                | Self::AcceptInvitation
        )
    }

    /// Whether the action is one of signing in with an identity provider.
    pub fn with_provider(self) -> bool {
        matches!(
            self,
            Self::Providers
                | Self::Authorize
                | Self::Callback
                | Self::Exchange
                | Self::MyProviders
                | Self::LinkProvider
                | Self::ConfirmLink
                | Self::UnlinkProvider
        )
    }
}

/// The admin actions over the job queue (`src/jobs/admin.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobAction {
    List,
    Read,
    Retry,
}

/// The admin's reads of the audit trail (`src/audit_trail.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    List,
    Read,
}

/// The admin actions over webhook subscriptions (`src/webhooks/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookAction {
    List,
    Create,
    Read,
    Update,
    Delete,
    Deliveries,
    RetryDelivery,
}

/// The health checks (`src/health.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Probe {
    Health,
    Ready,
    Live,
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
    segment_under_parent(child, relation, &child.names.plural_kebab)
}

/// `word`, or `{relation}-{word}` when the child has more than one relation to the parent.
fn segment_under_parent(child: &Resource, relation: &BelongsTo, word: &str) -> String {
    let to_parent = child
        .belongs_to
        .iter()
        .filter(|b| b.target == relation.target)
        .count();
    if to_parent == 1 {
        word.to_owned()
    } else {
        format!("{}-{word}", relation.names.kebab)
    }
}

/// The path segment of the one row of a one-to-one `relation` under its parent: as
/// [`nested_segment`], singular (`/orders/{id}/invoice`).
pub fn single_segment(child: &Resource, relation: &BelongsTo) -> String {
    segment_under_parent(child, relation, &child.names.kebab)
}

/// Every route of one resource, in a stable order.
pub fn resource_routes(spec: &Spec, resource: &Resource) -> Vec<Route> {
    let base = format!(
        "{}/{}",
        spec.project.api_prefix, resource.names.plural_kebab
    );
    let snake = || resource.names.snake.clone();
    let one = &resource.names.words;
    let a_one = with_article(one);
    let many = &resource.names.plural_words;
    let deleted = if resource.soft_delete {
        "soft-delete"
    } else {
        "delete"
    };
    let item = format!("{base}/{{id}}");
    let mut routes = vec![
        route(
            Method::Get,
            &base,
            format!("list {many}"),
            Kind::List { resource: snake() },
        ),
        route(
            Method::Post,
            &base,
            format!("create {a_one}"),
            Kind::Create { resource: snake() },
        ),
        route(
            Method::Get,
            &item,
            format!("read {a_one}"),
            Kind::Read { resource: snake() },
        ),
        route(
            Method::Put,
            &item,
            format!("replace {a_one}"),
            Kind::Replace { resource: snake() },
        ),
        route(
            Method::Patch,
            &item,
            format!("update part of {a_one}"),
            Kind::Patch { resource: snake() },
        ),
        route(
            Method::Delete,
            &item,
            format!("{deleted} {a_one}"),
            Kind::Delete { resource: snake() },
        ),
    ];
    for f in resource.files() {
        let path = format!("{item}/{}", f.names.kebab);
        let words = &f.names.words;
        for (method, summary, action) in [
            (
                Method::Put,
                format!("upload the {one}'s {words} (the raw bytes)"),
                FileAction::Upload,
            ),
            (
                Method::Get,
                format!("download the {one}'s {words}"),
                FileAction::Download,
            ),
            (
                Method::Delete,
                format!("remove the {one}'s {words}"),
                FileAction::Remove,
            ),
        ] {
            let kind = Kind::File {
                resource: snake(),
                field: f.names.snake.clone(),
                action,
            };
            routes.push(route(method, &path, summary, kind));
        }
    }
    for child in children(spec, resource) {
        let path = format!("{item}/{}", child.segment);
        let words = &child.resource.names.plural_words;
        let (parent, child_name, relation) = (
            snake(),
            child.resource.names.snake.clone(),
            child.relation.names.snake.clone(),
        );
        routes.push(route(
            Method::Get,
            &path,
            format!("list the {one}'s {words}"),
            Kind::ListChildren {
                parent: parent.clone(),
                child: child_name.clone(),
                relation: relation.clone(),
            },
        ));
        if child.relation.unique {
            routes.push(route(
                Method::Get,
                &format!("{item}/{}", single_segment(child.resource, child.relation)),
                format!("read the {one}'s {}", child.resource.names.words),
                Kind::ReadChild {
                    parent: parent.clone(),
                    child: child_name.clone(),
                    relation: relation.clone(),
                },
            ));
        }
        // An owner key comes from the token and an account from registration, never
        // from a parent's path.
        let owned = child.resource.is_owner(child.relation);
        if !owned && !spec.is_account(child.resource) {
            routes.push(route(
                Method::Post,
                &path,
                format!(
                    "create {} for the {one}",
                    with_article(&child.resource.names.words)
                ),
                Kind::CreateChild {
                    parent,
                    child: child_name,
                    relation,
                },
            ));
        }
    }
    if spec.is_account(resource) {
        routes.push(route(
            Method::Put,
            &format!("{item}/roles"),
            format!("set the {one}'s roles (admins only)"),
            Kind::SetRoles { resource: snake() },
        ));
        routes.push(route(
            Method::Get,
            &format!("{item}/export"),
            format!("export the {one}'s data (admins only)"),
            Kind::ExportAccount { resource: snake() },
        ));
        routes.push(route(
            Method::Post,
            &format!("{item}/exports"),
            format!("prepare the {one}'s data by a job (admins only)"),
            Kind::PrepareAccountExport { resource: snake() },
        ));
        routes.push(route(
            Method::Post,
            &format!("{item}/erase"),
            format!("erase the {one}: its data deleted or cleared (admins only)"),
            Kind::EraseAccount { resource: snake() },
        ));
    }
    for target in &resource.many_to_many {
        if let Some(t) = spec.resource(target) {
            let path = format!("{item}/{}", t.names.plural_kebab);
            let link = format!("{path}/{{{}Id}}", t.names.camel);
            let kind = |make: fn(String, String) -> Kind| make(snake(), t.names.snake.clone());
            routes.push(route(
                Method::Get,
                &path,
                format!("list the {one}'s {}", t.names.plural_words),
                kind(|resource, target| Kind::ListLinked { resource, target }),
            ));
            routes.push(route(
                Method::Put,
                &link,
                format!("link {} to the {one}", with_article(&t.names.words)),
                kind(|resource, target| Kind::Link { resource, target }),
            ));
            routes.push(route(
                Method::Delete,
                &link,
                format!("unlink {} from the {one}", with_article(&t.names.words)),
                kind(|resource, target| Kind::Unlink { resource, target }),
            ));
        }
    }
    routes
}

/// The routes the service itself mounts under the API prefix, whatever the resources: the
/// jwt flow's and the admin routes over jobs, webhooks and the audit trail.
pub fn own_api_routes(spec: &Spec) -> Vec<Route> {
    let mut routes = auth_routes(spec);
    routes.extend(job_routes(spec));
    routes.extend(webhook_routes(spec));
    routes.extend(audit_routes(spec));
    routes
}

/// The admin's reads of the audit trail (`src/audit_trail.rs`): when a resource is audited, which
/// takes jwt. There is nothing to write: the trail is the service's own record.
fn audit_routes(spec: &Spec) -> Vec<Route> {
    if !spec.audited() {
        return Vec::new();
    }
    let base = format!("{}/audit-log", spec.project.api_prefix);
    let rows = [
        (
            Method::Get,
            "",
            "list the audit trail (admin)",
            AuditAction::List,
        ),
        (
            Method::Get,
            "/{id}",
            "read an audit entry (admin)",
            AuditAction::Read,
        ),
    ];
    table(&base, rows, Kind::Audit)
}

/// The jwt flow's routes (docs/contract.md, "Sign-in"), when the spec has them.
fn auth_routes(spec: &Spec) -> Vec<Route> {
    use AuthAction::*;
    if spec.exports_part() {
        let prefix = &spec.project.api_prefix;
        let accounts = crate::names::Names::new(super::words::ACCOUNT, None).plural_kebab;
        return vec![
            route(
                Method::Get,
                &format!("{prefix}/auth/me/export"),
                "the signed-in user's data here, as one document".into(),
                Kind::Auth(Export),
            ),
            route(
                Method::Get,
                &format!("{prefix}/{accounts}/{{id}}/export"),
                "a user's data here (admins only)".into(),
                Kind::Auth(ExportAccount),
            ),
        ];
    }
    if !spec.has_accounts() {
        return Vec::new();
    }
    let base = format!("{}/auth/", spec.project.api_prefix);
    let rows = [
        (Method::Post, "register", "create an account", Register),
        (
            Method::Post,
            "login",
            "sign in: an access and a refresh token",
            Login,
        ),
        (
            Method::Post,
            "refresh",
            "trade a refresh token for a new pair",
            Refresh,
        ),
        (
            Method::Post,
            "logout",
            "end the refresh token's session",
            Logout,
        ),
        (Method::Get, "me", "the signed-in user", Me),
        (
            Method::Get,
            "me/export",
            "the signed-in user's data, as one document",
            Export,
        ),
        (
            Method::Post,
            "me/exports",
            "prepare the signed-in user's data by a job",
            PrepareExport,
        ),
        (
            Method::Get,
            "exports/{id}",
            "a prepared export's state and link",
            ExportStatus,
        ),
        (
            Method::Get,
            "exports/{id}/document",
            "a prepared export's document, once",
            ExportDocument,
        ),
        (
            Method::Post,
            "me/erase",
            "erase the signed-in user's account, confirming its password",
            Erase,
        ),
        (
            Method::Post,
            "verify",
            "verify an email with a mailed token",
            Verify,
        ),
        (
            Method::Post,
            "verify/resend",
            "mail a new verification link",
            ResendVerification,
        ),
        (Method::Post, "forgot", "mail a password reset link", Forgot),
        (
            Method::Post,
            "reset",
            "set a new password with a mailed token",
            Reset,
        ),
        (
            Method::Post,
            "password",
            "change the password (signed in)",
            ChangePassword,
        ),
        (
            Method::Get,
            "sessions",
            "the caller's sessions",
            ListSessions,
        ),
        (
            Method::Delete,
            "sessions/{id}",
            "end one of the caller's sessions",
            EndSession,
        ),
        (
            Method::Post,
            "logout-all",
            "end every session of the caller's",
            LogoutAll,
        ),
    ];
    let mut routes = table(&base, rows, Kind::Auth);
    if spec.tenancy.is_some() {
        let rows = [
            (
                Method::Get,
                "tenants",
                "the caller's tenants, with its roles in each",
                Tenants,
            ),
            (
                Method::Post,
                "tenants/{id}/switch",
                "a token pair acting in another of the caller's tenants",
                SwitchTenant,
            ),
            (
                Method::Get,
                "tenants/{id}/members",
                "the tenant's members and their roles (its admins)",
                TenantMembers,
            ),
            (
                Method::Get,
                "tenants/{id}/members/{userId}",
                "one member of the tenant and its roles (its members)",
                TenantMember,
            ),
            (
                Method::Put,
                "tenants/{id}/members/{userId}",
                "replace a member's roles in the tenant (its admins)",
                SetMemberRoles,
            ),
            (
                Method::Delete,
                "tenants/{id}/members/{userId}",
                "remove a member from the tenant (its admins), or leave it",
                RemoveMember,
            ),
            (
                Method::Post,
                "tenants/{id}/invitations",
                "invite an email to the tenant: a mailed link (its admins)",
                Invite,
            ),
            (
                Method::Get,
                "tenants/{id}/invitations",
                "the tenant's pending invitations (its admins)",
                Invitations,
            ),
            (
                Method::Delete,
                "tenants/{id}/invitations/{invitationId}",
                "revoke a pending invitation (its admins)",
                RevokeInvitation,
            ),
            (
                Method::Post,
                "invitations/accept",
                "accept an invitation with its mailed token",
                AcceptInvitation,
            ),
        ];
        routes.extend(table(&base, rows, Kind::Auth));
    }
    if spec.auth.has_providers() {
        let rows = [
            (
                Method::Get,
                "providers",
                "the identity providers one may sign in with",
                Providers,
            ),
            (
                Method::Get,
                "providers/{provider}/authorize",
                "sign in with a provider: a redirect to it",
                Authorize,
            ),
            (
                Method::Get,
                "providers/{provider}/callback",
                "the provider's redirect back: to the app, with a one-time code",
                Callback,
            ),
            (
                Method::Post,
                "providers/exchange",
                "trade a sign-in's one-time code for a token pair",
                Exchange,
            ),
            (
                Method::Get,
                "me/providers",
                "the providers linked to the signed-in account",
                MyProviders,
            ),
            (
                Method::Post,
                "me/providers/confirm",
                "confirm a link's one-time code: the provider is linked",
                ConfirmLink,
            ),
            (
                Method::Post,
                "me/providers/{provider}",
                "link a provider: the address to send the browser to",
                LinkProvider,
            ),
            (
                Method::Delete,
                "me/providers/{provider}",
                "unlink a provider, unless it is the last way to sign in",
                UnlinkProvider,
            ),
        ];
        routes.extend(table(&base, rows, Kind::Auth));
    }
    routes
}

/// The admin routes over the job queue (`src/jobs/admin.rs`): with jwt auth and jobs only.
fn job_routes(spec: &Spec) -> Vec<Route> {
    if spec.auth.mode != AuthMode::Jwt || !spec.has_job_queue() {
        return Vec::new();
    }
    let base = format!("{}/jobs", spec.project.api_prefix);
    let rows = [
        (
            Method::Get,
            "",
            "list background jobs (admin)",
            JobAction::List,
        ),
        (
            Method::Get,
            "/{id}",
            "read a background job (admin)",
            JobAction::Read,
        ),
        (
            Method::Post,
            "/{id}/retry",
            "retry a dead job (admin)",
            JobAction::Retry,
        ),
    ];
    table(&base, rows, Kind::Jobs)
}

/// The admin routes over webhooks (`src/webhooks/`): with events and jwt auth.
fn webhook_routes(spec: &Spec) -> Vec<Route> {
    use WebhookAction::*;
    if !spec.webhooks() {
        return Vec::new();
    }
    let base = format!("{}/webhooks", spec.project.api_prefix);
    let rows = [
        (Method::Get, "", "list webhook subscriptions (admin)", List),
        (
            Method::Post,
            "",
            "subscribe a URL to events (admin)",
            Create,
        ),
        (
            Method::Get,
            "/{id}",
            "read a webhook subscription (admin)",
            Read,
        ),
        (
            Method::Patch,
            "/{id}",
            "change a webhook subscription (admin)",
            Update,
        ),
        (
            Method::Delete,
            "/{id}",
            "delete a webhook subscription (admin)",
            Delete,
        ),
        (
            Method::Get,
            "/{id}/deliveries",
            "a subscription's delivery log (admin)",
            Deliveries,
        ),
        (
            Method::Post,
            "/{id}/deliveries/{deliveryId}/retry",
            "retry a failed delivery (admin)",
            RetryDelivery,
        ),
    ];
    table(&base, rows, Kind::Webhooks)
}

/// The service's own routes, outside the API prefix: the health checks (`health.rs`),
/// metrics (`monitoring.rs`) and the OpenAPI document (`routes.rs`).
pub fn service_routes() -> Vec<Route> {
    [
        ("/health", "the health check", Kind::Health(Probe::Health)),
        (
            "/health/ready",
            "the readiness check",
            Kind::Health(Probe::Ready),
        ),
        (
            "/health/live",
            "the liveness check",
            Kind::Health(Probe::Live),
        ),
        ("/metrics", "the Prometheus metrics", Kind::Metrics),
        ("/openapi.json", "the OpenAPI document", Kind::Document),
    ]
    .into_iter()
    .map(|(path, summary, kind)| route(Method::Get, path, summary.into(), kind))
    .collect()
}

/// The routes of a table of method, path under `base`, summary and action.
fn table<A>(
    base: &str,
    rows: impl IntoIterator<Item = (Method, &'static str, &'static str, A)>,
    kind: fn(A) -> Kind,
) -> Vec<Route> {
    rows.into_iter()
        .map(|(method, path, summary, action)| {
            route(
                method,
                &format!("{base}{path}"),
                summary.into(),
                kind(action),
            )
        })
        .collect()
}

fn route(method: Method, path: &str, summary: String, kind: Kind) -> Route {
    Route {
        method,
        path: path.to_string(),
        summary,
        kind,
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
