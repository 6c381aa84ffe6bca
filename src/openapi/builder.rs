//! The document's builder: what every part of it reads (the context, the spec, the
//! service's tags) and the context behind a name.

use crate::context::{FieldContext, ResourceContext, ServiceContext};
use crate::operations::Body;
use crate::spec::{Field, Spec};

use super::shared::tag;

pub(super) struct Builder<'a> {
    pub(super) ctx: &'a ServiceContext,
    pub(super) spec: &'a Spec,
    pub(super) tags: ServiceTags,
}

/// The tags of the service's own operations. A resource's tag is its plural in kebab
/// case, so a resource can take one of these words (a resource `health`); the service's
/// tag then becomes `health (service)`, which no plural can be, and tags stay distinct
/// as OpenAPI requires. Specs without such a resource keep the plain words.
pub(super) struct ServiceTags {
    pub(super) auth: String,
    pub(super) jobs: String,
    pub(super) webhooks: String,
    pub(super) audit: String,
    pub(super) health: String,
    pub(super) openapi: String,
}

impl ServiceTags {
    fn new(ctx: &ServiceContext) -> Self {
        let tag = |word: &str| {
            if ctx.resources.iter().any(|r| tag(r) == word) {
                format!("{word} (service)")
            } else {
                word.to_string()
            }
        };
        Self {
            auth: tag("auth"),
            jobs: tag("jobs"),
            webhooks: tag("webhooks"),
            audit: tag("audit"),
            health: tag("health"),
            openapi: tag("openapi"),
        }
    }
}

/// What an operation does with a row, for the field rules it describes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    /// A list: read rules also guard filters, `sort` and `fields`.
    List,
    /// Answers one row.
    Read,
    /// Takes a write body (and answers the row).
    Write(Body),
}

impl<'a> Builder<'a> {
    pub(super) fn new(spec: &'a Spec, ctx: &'a ServiceContext) -> Self {
        Self {
            ctx,
            spec,
            tags: ServiceTags::new(ctx),
        }
    }

    /// The spec's field behind a context field, for its rules.
    pub(super) fn field(&self, r: &ResourceContext, f: &FieldContext) -> Option<&'a Field> {
        self.spec
            .resource(&r.names.snake)?
            .fields
            .iter()
            .find(|sf| sf.names.snake == f.names.snake)
    }

    /// The context of the resource named `snake` (contexts follow the spec's order).
    pub(super) fn resource(&self, snake: &str) -> Option<&'a ResourceContext> {
        self.spec
            .position(snake)
            .and_then(|i| self.ctx.resources.get(i))
            .filter(|r| r.names.snake == snake)
    }
}
