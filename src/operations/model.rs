//! The operation model's types: what one operation is (see the module above for what reads
//! it and why).

use crate::spec::routes::{Kind, Method};

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
    /// What it does, in the route lists (`check`, the generated `docs/routes.md`).
    pub summary: String,
    /// What it does, in the OpenAPI document: the summary unless the document says more.
    pub document_summary: String,
    /// The group it is listed and tagged under.
    pub group: Group,
    pub kind: Kind,
    /// The generated module whose `router()` mounts it (`resources::posts`, `auth`).
    pub module: String,
    /// The function that router calls, as the router names it: `list` in a resource's
    /// `handlers.rs`, `handlers::login` in the `auth` module's router.
    pub handler: String,
    /// The action of the group resource's access rules that guards it, if one does (the
    /// rest are public, signed-in or admin-only by their kind).
    pub access: Option<Action>,
    /// The resource body it takes, if any (other bodies follow from the kind).
    pub body: Option<Body>,
    /// A POST that honours `Idempotency-Key`.
    pub idempotent: bool,
    /// Under the API prefix: not one of the service's own routes (health, metrics, the
    /// document).
    pub in_api: bool,
    /// Counted against the client's rate budget: every route but the health probes
    /// (`/metrics` too, but for scrapes with its token). For the document only: the
    /// templates' limiter is one middleware over every route.
    #[serde(skip)]
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
    /// The audit trail's admin reads.
    Audit,
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
