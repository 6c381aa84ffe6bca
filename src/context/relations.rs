//! Relations between resources: parents (`belongs_to`), many-to-many links, and the
//! ownership of rows, directly or through parents.

use serde::Serialize;

use crate::names::{Names, with_article};
use crate::spec::routes::{children, nested_segment};
use crate::spec::{BelongsTo, OnDelete, Resource, Rule, Spec};
use crate::sql::{LinkSql, join_table, linked, linking_ids};

#[derive(Debug, Serialize)]
pub struct RelationContext {
    pub names: Names,
    /// The parent resource's names.
    pub target: Names,
    /// `customer_id`
    pub column: String,
    /// `customerId`
    pub json: String,
    pub required: bool,
    pub field_type: &'static str,
    /// The nested route under the parent: `/orders/{id}/order-items`.
    pub nested_path: String,
    /// A relation to the resource itself (a category's parent category).
    pub self_reference: bool,
    /// The relation that owns the row: set from the caller's token on create, never from
    /// a body, and never rewritten.
    pub owner: bool,
    /// The parent is another service's (`Spec::is_remote`): no routes under it.
    pub remote: bool,
    /// The parent is a row of a copy of another service's rows (`[replicas.NAME]`): checked
    /// to exist there (`replicas::NAME::exists`).
    pub replica: bool,
    /// The parent's collection URL: the register example of the generated
    /// `docs/access.md` names it, and the tests get a copy (`RelationTestContext`).
    #[serde(skip)]
    pub target_url: String,
    /// The owner of the parent row in `{row}` (see [`super::ResourceContext::owner_call`]).
    pub target_owner_call: String,
    /// One-to-one (`unique = true`).
    pub unique: bool,
    /// The one row's route under the parent, when one-to-one: `/orders/{id}/invoice`.
    pub single_path: String,
    /// One-to-one (`unique = true`): the query that finds another live row under the same
    /// parent, which names the key in a 409.
    pub taken_sql: Option<String>,
    /// For a per-tenant resource, the same as PostgreSQL runs it (`sql::taken_on_postgres`).
    pub taken_on_postgres: Option<String>,
    /// The parent's rows are a tenant's: it is looked up within the caller's tenant.
    pub per_tenant: bool,
}

/// A many-to-many link declared on this resource.
#[derive(Debug, Serialize)]
pub struct LinkContext {
    pub target: Names,
    /// "a category"
    pub target_a_words: String,
    pub sql: LinkSql,
    /// The target's rows have owners, so its list rules may narrow the linked list.
    pub target_owned: bool,
    /// The owner of the target row in `{row}` (see [`super::ResourceContext::owner_call`]).
    pub target_owner_call: String,
    /// Some of the target's fields are hidden from some callers: linked lists hide them too.
    pub target_read_rules: bool,
    /// The target's rows are a tenant's (as this resource's, which declares the link): it is
    /// found within the caller's tenant, under the roles of its membership there. A global
    /// target is read under the account's, as its own routes read it.
    pub target_per_tenant: bool,
}

/// A many-to-many link another resource (or this one) declares to this resource. This
/// resource's repo lists its rows linked to one of the source's, so the source's repo never
/// imports this one's (and links never close a circle of repo imports).
#[derive(Debug, Serialize)]
pub struct LinkedFromContext {
    pub source: Names,
    /// The list condition for rows linked to one source id, up to that id's parameter.
    pub linked: String,
    /// The source ids linked to one row, in order, when an account's export holds this
    /// resource's rows and not the source's (`Spec::links_into_export`).
    pub export_ids: Option<String>,
    /// The source's rows are a tenant's, and so are its links: lists of this resource's rows
    /// linked to one of them run within the caller's tenant.
    pub per_tenant: bool,
}

impl LinkedFromContext {
    /// The links every resource of `spec` declares to `r`, in the spec's order.
    pub(super) fn of(spec: &Spec, r: &Resource) -> Vec<Self> {
        spec.linked_from(&r.names.snake)
            .iter()
            .map(|&i| &spec.resources[i])
            .map(|source| {
                let join = join_table(source, r);
                let exported = spec.links_into_export().any(|(s, t)| {
                    s.names.snake == source.names.snake && t.names.snake == r.names.snake
                });
                Self {
                    source: source.names.clone(),
                    linked: linked(source, r, &join),
                    export_ids: exported.then(|| linking_ids(source, r, &join)),
                    per_tenant: spec.is_per_tenant(source),
                }
            })
            .collect()
    }
}

/// One row to make on the way to an owned row: `resource` with `key` set to the previous
/// step's row (or, first, to the owner).
#[derive(Debug, Serialize)]
pub struct OwnerStep {
    /// Snake name, for the tests' `body_for_…` helpers.
    pub resource: String,
    pub url: String,
    pub key: String,
    /// A replica's row (`[replicas.NAME]`): put in the copy here, not created through the API.
    pub replica: bool,
}

/// Ownership through parents.
#[derive(Debug, Serialize)]
pub struct OwnerVia {
    /// The path as the spec spells it: `order.customer`.
    pub path: String,
    /// The first relation, whose row's owner is this row's owner.
    pub relation: String,
    /// Closes the list condition's subqueries (`ResourceSql::owned_through`).
    pub close: String,
}

/// Each row of this service on the way from `r` to its owner, with the relation it follows:
/// `r` first, up its owner path while the relation's parent is a resource of this service.
pub(super) fn owner_steps<'a>(
    spec: &'a Spec,
    r: &'a Resource,
) -> Vec<(&'a Resource, &'a BelongsTo)> {
    let Some(owner) = &r.owner else {
        return Vec::new();
    };
    let mut steps = Vec::new();
    let mut at = r;
    for relation in &owner.path {
        let Some(b) = at.belongs_to.iter().find(|b| b.names.snake == *relation) else {
            break;
        };
        steps.push((at, b));
        match spec.resource(&b.target) {
            Some(next) => at = next,
            None => break,
        }
    }
    steps
}

/// The steps that make a row of `r` owned by a given user (see [`OwnerStep`]).
pub(super) fn owner_chain(spec: &Spec, r: &Resource) -> Vec<OwnerStep> {
    let local = owner_steps(spec, r);
    let mut steps: Vec<OwnerStep> = local
        .iter()
        .map(|(at, b)| OwnerStep {
            resource: at.names.snake.clone(),
            url: format!("{}/{}", spec.project.api_prefix, at.names.plural_kebab),
            key: format!("{}Id", b.names.camel),
            replica: false,
        })
        .collect();
    // The copy of another service's rows holds the owner of its rows: the last step.
    if let Some(replica) = local.last().and_then(|(_, b)| spec.replica(&b.target)) {
        steps.push(OwnerStep {
            resource: replica.names.snake.clone(),
            url: String::new(),
            key: String::new(),
            replica: true,
        });
    }
    steps.reverse();
    steps
}

/// Whether a signed-in user with only the default role may read rows they do not own.
pub(super) fn reads_others(spec: &Spec, r: &Resource) -> bool {
    admits_others(spec, &r.access.read)
}

/// Whether a signed-in user with only the default role may list rows they do not own: a
/// spec may let every user list rows that only their owner reads one by one.
pub(super) fn lists_others(spec: &Spec, r: &Resource) -> bool {
    admits_others(spec, &r.access.list)
}

/// Whether `rules` admit a signed-in user with only the default role to rows of others.
fn admits_others(spec: &Spec, rules: &[Rule]) -> bool {
    // Every account an admin (`default_role = admin_role`) reads every row.
    spec.auth.default_role == spec.auth.admin_role
        || rules.iter().any(|rule| match rule {
            Rule::Public | Rule::Authenticated | Rule::Verified => true,
            Rule::Owner => false,
            Rule::Role(role) => *role == spec.auth.default_role,
        })
}

/// A role in `owner_set_by` whose holders may create rows of `r`.
pub(super) fn owner_setter(r: &Resource) -> Option<String> {
    let owner = r.owner.as_ref()?;
    owner
        .set_by
        .iter()
        .find(|role| {
            r.access.create.iter().any(|rule| match rule {
                Rule::Public | Rule::Authenticated | Rule::Verified | Rule::Owner => true,
                Rule::Role(allowed) => allowed == *role,
            })
        })
        .cloned()
}

/// Whether a signed-in caller with only the default role may create `r`'s rows (which it
/// then owns).
pub(super) fn owner_creates(spec: &Spec, r: &Resource) -> bool {
    let default = &spec.auth.default_role;
    r.access.create.iter().any(|rule| match rule {
        Rule::Public | Rule::Authenticated | Rule::Verified | Rule::Owner => true,
        Rule::Role(role) => role == default,
    })
}

/// The modules of resources whose rows change when a row of `r` is hard-deleted.
pub(super) fn cache_dependents(spec: &Spec, r: &Resource) -> Vec<String> {
    if r.soft_delete {
        return Vec::new();
    }
    let mut out: Vec<String> = children(spec, r)
        .into_iter()
        .filter(|c| c.relation.on_delete != OnDelete::Restrict)
        .map(|c| c.resource.names.plural_snake.clone())
        .collect();
    out.dedup();
    out
}

/// The column that holds who owns a row of `r`, if it says so itself.
fn owner_column(spec: &Spec, r: &Resource) -> Option<String> {
    if spec.is_account(r) {
        Some("id".into())
    } else {
        r.owner
            .as_ref()
            .and_then(|o| o.relation())
            .map(|relation| format!("{relation}_id"))
    }
}

/// The first relation of `r`'s owner path, if its rows are owned through parents.
pub(super) fn owner_via_first(r: &Resource) -> Option<&BelongsTo> {
    let owner = r.owner.as_ref().filter(|o| o.relation().is_none())?;
    r.belongs_to.iter().find(|b| b.names.snake == owner.path[0])
}

/// Ownership through parents, if that is how `r`'s rows are owned.
fn owner_via(r: &Resource) -> Option<OwnerVia> {
    let first = owner_via_first(r)?;
    let path = &r.owner.as_ref()?.path;
    Some(OwnerVia {
        path: path.join("."),
        relation: first.names.snake.clone(),
        close: ")".repeat(path.len() - 1),
    })
}

/// Whether a user with only the default role may update their own rows of `r` and no others.
pub(super) fn owner_updates_only(spec: &Spec, r: &Resource) -> bool {
    let update = &r.access.update;
    update.contains(&Rule::Owner)
        && !update.iter().any(|rule| match rule {
            Rule::Public | Rule::Authenticated | Rule::Verified => true,
            Rule::Owner => false,
            Rule::Role(role) => *role == spec.auth.default_role,
        })
}

/// Whether rows of `r` have owners, directly or through parents.
pub(super) fn owned(spec: &Spec, r: &Resource) -> bool {
    spec.is_account(r) || r.owner.is_some()
}

/// In a handler of `from`, the owner of a row of `r` held in `{row}`: a field of the row, or,
/// through parents, a query (`repo::owner_of_parent`), within the caller's `tenant` for a
/// per-tenant `r` (whose handlers all have one: nothing global leads to a per-tenant row).
pub(super) fn owner_call(spec: &Spec, r: &Resource, from: &Resource) -> String {
    let module = if r.names.snake == from.names.snake {
        String::new()
    } else {
        format!("{}::", r.names.module)
    };
    match r.owner.as_ref().map(|o| o.path.as_slice()) {
        Some([first, _, ..]) => {
            let required = r
                .belongs_to
                .iter()
                .find(|b| b.names.snake == *first)
                .is_some_and(|b| b.required);
            let key = if required {
                format!("Some({{row}}.{first}_id)")
            } else {
                format!("{{row}}.{first}_id")
            };
            let tenant = if spec.is_per_tenant(r) {
                "tenant, "
            } else {
                ""
            };
            format!("{module}repo::owner_of_parent(&state.pool, {tenant}{key}).await?")
        }
        _ => "{row}.owner()".into(),
    }
}

/// Who owns a resource's rows, as its generated code names it (see the `ResourceContext`
/// fields `owner_column`, `owner_via`, `owned`, `owner_key`, `owner_set_by`,
/// `owner_of_self`, `field_owner_key`, `field_owner_call`, `owner_call` and `owner_remote`).
pub(super) struct Ownership {
    pub(super) column: Option<String>,
    pub(super) via: Option<OwnerVia>,
    pub(super) owned: bool,
    pub(super) key: Option<String>,
    pub(super) set_by: Vec<String>,
    pub(super) of_self: String,
    pub(super) field_key: Option<String>,
    pub(super) field_call: String,
    pub(super) call: String,
    pub(super) remote: bool,
}

impl Ownership {
    pub(super) fn new(spec: &Spec, r: &Resource) -> Self {
        let account = spec.is_account(r);
        let direct = r.belongs_to.iter().find(|b| r.is_owner(b));
        // A direct owner's JSON key, which a body may carry for roles in `owner_set_by`.
        let key = direct.map(|b| format!("{}Id", b.names.camel));
        let column = owner_column(spec, r);
        Self {
            via: owner_via(r),
            owned: owned(spec, r),
            set_by: r
                .owner
                .as_ref()
                .map(|o| o.set_by.clone())
                .unwrap_or_default(),
            of_self: match (account, direct) {
                (true, _) => "Some(self.id)".into(),
                (false, Some(b)) if b.required => format!("Some(self.{}_id)", b.names.snake),
                (false, Some(b)) => format!("self.{}_id", b.names.snake),
                (false, None) => "None".into(),
            },
            field_key: if account {
                Some("id".into())
            } else {
                key.clone()
            },
            field_call: match column {
                Some(_) => "{row}.owner()".into(),
                None => "None".into(),
            },
            call: owner_call(spec, r, r),
            remote: direct.is_some_and(|b| spec.is_remote(b)),
            column,
            key,
        }
    }
}

impl LinkContext {
    /// The link from `r` to `t`.
    pub(super) fn new(spec: &Spec, r: &Resource, t: &Resource) -> Self {
        Self {
            target_owned: owned(spec, t),
            target_read_rules: t.fields.iter().any(|f| f.access.read.is_some()),
            target_owner_call: owner_call(spec, t, r),
            target_per_tenant: spec.is_per_tenant(t),
            target_a_words: with_article(&t.names.words),
            target: t.names.clone(),
            sql: LinkSql::new(spec, r, t, &join_table(r, t)),
        }
    }
}

impl RelationContext {
    pub(super) fn new(spec: &Spec, r: &Resource, b: &BelongsTo) -> Self {
        let parent = spec.resource(&b.target);
        let target = parent.map_or_else(|| Names::new(&b.target, None), |t| t.names.clone());
        let segment = parent.map_or_else(|| r.names.plural_kebab.clone(), |_| nested_segment(r, b));
        let column = format!("{}_id", b.names.snake);
        Self {
            taken_sql: b.unique.then(|| crate::sql::taken(spec, r, &column)),
            taken_on_postgres: b
                .unique
                .then(|| crate::sql::taken_on_postgres(spec, r, &column)),
            per_tenant: parent.is_some_and(|p| spec.is_per_tenant(p)),
            unique: b.unique,
            single_path: format!(
                "/{}/{{id}}/{}",
                target.plural_kebab,
                crate::spec::routes::single_segment(r, b)
            ),
            nested_path: format!("/{}/{{id}}/{segment}", target.plural_kebab),
            self_reference: b.target == r.names.snake,
            owner: r.is_owner(b),
            remote: spec.is_remote(b),
            replica: spec.replica(&b.target).is_some(),
            target_url: format!("{}/{}", spec.project.api_prefix, target.plural_kebab),
            target_owner_call: parent.map_or_else(String::new, |p| owner_call(spec, p, r)),
            json: format!("{}Id", b.names.camel),
            names: b.names.clone(),
            target,
            column,
            required: b.required,
            field_type: if b.required { "Uuid" } else { "Option<Uuid>" },
        }
    }
}
