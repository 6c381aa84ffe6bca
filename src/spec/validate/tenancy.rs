//! `[tenancy]` (issue 76): which resource's rows are the tenants and which resources every
//! tenant shares. Read once the resources and services are, because what it refuses are
//! relations that would carry a tenant's ids or rows to a place every tenant sees
//! (docs/decisions/tenancy.md, "The spec").

use super::keys::TENANCY_KEYS;
use super::services::unknown;
use crate::diagnostics::Diagnostic;
use crate::spec::model::*;
use crate::spec::reader::{At, Sink, Table};
use crate::spec::schema_names::TENANT_ID;
use crate::spec::words::ACCOUNT;

/// Reads `[tenancy]` against the spec's resources (the accounts among them) and, in a
/// split, its services.
pub(super) fn read_tenancy(
    sink: &mut Sink,
    top: &Table<'_, '_>,
    auth: &Auth,
    resources: &[Resource],
    services: &[ServiceGroup],
) -> Option<Tenancy> {
    let t = top.table(sink, "tenancy", TENANCY_KEYS)?;
    if auth.mode != AuthMode::Jwt {
        sink.push(
            Diagnostic::new(t.span.clone(), &t.path, "tenancy needs accounts that sign in")
                .help("tenants have members, accounts that sign in: set `[auth] mode = \"jwt\"` (in a split, the whole spec's)"),
        );
        return None;
    }
    // With another service's accounts, the tenants and their members are that service's
    // too: its `/auth/me` names the caller's tenant.
    let remote = auth.accounts.as_deref();
    let known: Vec<&str> = resources
        .iter()
        .map(|r| r.names.snake.as_str())
        .filter(|r| *r != ACCOUNT)
        .collect();
    let global = read_global(sink, &t, &known);
    let Some(tenant) = t.string(sink, "tenant") else {
        sink.push(
            Diagnostic::new(t.span.clone(), &t.path, "no tenant resource")
                .help("name the resource whose rows are the tenants, e.g. `tenant = \"organization\"`")
                .allowed(known.join(", ")),
        );
        return None;
    };
    let sound = match remote {
        None => check_tenant(sink, &t, &tenant, &known, &global),
        Some(accounts) => check_remote_tenant(sink, &t, &tenant, &known, accounts),
    };
    if !sound {
        return None;
    }
    let tenancy = Tenancy {
        tenant: tenant.value,
        global: global.into_iter().map(|g| g.value).collect(),
    };
    if let Some(resource) = resources.iter().find(|r| r.names.snake == tenancy.tenant) {
        check_tenant_creation(sink, top, resource);
    }
    for resource in resources {
        check_relations(sink, top, &tenancy, resources, resource);
        if tenancy.is_per_tenant(&resource.names.snake) {
            check_anonymous_rules(sink, top, resource);
        }
    }
    check_service(sink, &t, &tenancy, services);
    Some(tenancy)
}

/// `global`: resources of the spec, each once, none of them the accounts.
fn read_global(sink: &mut Sink, t: &Table<'_, '_>, known: &[&str]) -> Vec<At<String>> {
    let key = t.key_path("global");
    let mut global: Vec<At<String>> = Vec::new();
    for name in t.strings(sink, "global").unwrap_or_default() {
        if name.value == ACCOUNT {
            sink.push(
                Diagnostic::new(name.span, &key, "the accounts are not a tenant's")
                    .found(format!("{ACCOUNT:?}"))
                    .help("an account is a member of several tenants already; remove it from `global`"),
            );
        } else if !known.contains(&name.value.as_str()) {
            unknown(sink, &name, key.clone(), "resource", known);
        } else if global.iter().any(|g| g.value == name.value) {
            sink.push(
                Diagnostic::new(name.span, &key, "listed twice").found(format!("{:?}", name.value)),
            );
        } else {
            global.push(name);
        }
    }
    global
}

/// `tenant`: a resource of the spec that is neither the accounts nor global.
fn check_tenant(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    tenant: &At<String>,
    known: &[&str],
    global: &[At<String>],
) -> bool {
    let key = t.key_path("tenant");
    if tenant.value == ACCOUNT {
        sink.push(
            Diagnostic::new(tenant.span.clone(), key, "the accounts cannot be the tenants")
                .found(format!("{ACCOUNT:?}"))
                .help("an account may belong to several tenants; declare the tenant resource, e.g. `[resources.organization.fields] name = { type = \"string\", required = true }`"),
        );
        return false;
    }
    if !known.contains(&tenant.value.as_str()) {
        unknown(sink, tenant, key, "resource", known);
        return false;
    }
    if global.iter().any(|g| g.value == tenant.value) {
        sink.push(
            Diagnostic::new(
                tenant.span.clone(),
                key,
                "the tenant resource is listed as global",
            )
            .found(format!("{:?}", tenant.value))
            .help("tenants are neither global nor per tenant: remove it from `global`"),
        );
        return false;
    }
    true
}

/// `tenant` with another service's accounts: that service's tenant resource, so none of
/// this one's.
fn check_remote_tenant(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    tenant: &At<String>,
    known: &[&str],
    accounts: &str,
) -> bool {
    if !known.contains(&tenant.value.as_str()) && tenant.value != ACCOUNT {
        return true;
    }
    sink.push(
        Diagnostic::new(tenant.span.clone(), t.key_path("tenant"), "the tenants are not in the accounts service")
            .found(format!("{:?}, a resource of this service", tenant.value))
            .help(format!(
                "the `{accounts}` service holds the accounts, and so the tenants and their members: name its tenant resource, and declare no resource of that name here"
            )),
    );
    false
}

/// A tenant's creator becomes its admin, so creating one needs a signed-in caller: with
/// `create = "public"`, an anonymous create would make a tenant nobody is a member of.
fn check_tenant_creation(sink: &mut Sink, top: &Table<'_, '_>, tenant: &Resource) {
    if !tenant.access.create.contains(&Rule::Public) {
        return;
    }
    let name = tenant.names.snake.as_str();
    let (span, key) = [
        &["resources", name, "access", "create"][..],
        &["resources", name, "access"],
    ]
    .into_iter()
    .find_map(|keys| top.span_of(keys).map(|span| (span, keys.join("."))))
    .unwrap_or_else(|| written_at(top, &["resources", name]));
    sink.push(
        Diagnostic::new(span, key, "anyone may create a tenant")
            .found("`public`")
            .help(format!(
                "a tenant's creator becomes its admin, so creating one needs a signed-in caller: set `access = {{ create = \"authenticated\" }}` on `{name}` (or a role)"
            )),
    );
}

/// A per-tenant resource's rows are reached in the tenant a caller's token acts in, and an
/// anonymous caller has no token, so `public` would promise it what the service cannot give
/// (it answers 401): refused, at each action that names it, with the two ways out.
fn check_anonymous_rules(sink: &mut Sink, top: &Table<'_, '_>, resource: &Resource) {
    let name = resource.names.snake.as_str();
    for (action, rules) in resource.access.by_action() {
        if !rules.contains(&Rule::Public) {
            continue;
        }
        let (span, key) = [
            &["resources", name, "access", action][..],
            &["resources", name, "access"],
        ]
        .into_iter()
        .find_map(|keys| top.span_of(keys).map(|span| (span, keys.join("."))))
        .unwrap_or_else(|| written_at(top, &["resources", name]));
        sink.push(
            Diagnostic::new(span, key, format!("anyone may {action} a tenant's rows"))
                .found(format!("`public` on the per-tenant resource {name:?}"))
                .help(format!(
                    "an anonymous caller acts in no tenant, so it reaches no tenant's rows: name `authenticated` (or a role) for `{action}`, or list {name:?} in `[tenancy] global`"
                )),
        );
    }
}

/// What each relation of `resource` may point at. A row every tenant sees (a global one or
/// a tenant) may not name a per-tenant row or a tenant, which would show every tenant the
/// ids of another's; a per-tenant row belongs to its tenant already, so it names none; and
/// the owner of a per-tenant row is not found through a row every tenant shares.
fn check_relations(
    sink: &mut Sink,
    top: &Table<'_, '_>,
    tenancy: &Tenancy,
    resources: &[Resource],
    resource: &Resource,
) {
    let name = resource.names.snake.as_str();
    // The accounts are shared too: an account is a member of several tenants.
    let shared = !tenancy.is_per_tenant(name);
    let kind = if name == tenancy.tenant {
        "the tenant resource"
    } else if name == ACCOUNT {
        "an account"
    } else if shared {
        "a global resource"
    } else {
        "a per-tenant resource"
    };
    for b in &resource.belongs_to {
        let target = b.target.as_str();
        let problem = if target == tenancy.tenant {
            Some(if shared {
                "which tenant a shared row belongs to would show every tenant the others' ids"
            } else {
                "every row of a per-tenant resource belongs to its tenant already (its `tenant_id`): remove the relation"
            })
        } else if shared && target != ACCOUNT && tenancy.is_per_tenant(target) {
            Some(
                "a row every tenant sees cannot name one tenant's row: make the parent global too, or this resource per tenant",
            )
        } else {
            None
        };
        if let Some(help) = problem {
            let (span, key) = written_at(top, &["resources", name, "belongs_to", &b.names.snake]);
            sink.push(
                Diagnostic::new(
                    span,
                    key,
                    format!("{kind} belongs to {}", describe(tenancy, target)),
                )
                .found(format!("{:?} ({})", target, describe(tenancy, target)))
                .help(help),
            );
        }
    }
    for target in &resource.many_to_many {
        if target == &tenancy.tenant || (shared && tenancy.is_per_tenant(target)) {
            let (span, key) = written_at(top, &["resources", name, "many_to_many"]);
            sink.push(
                Diagnostic::new(
                    span,
                    key,
                    format!("{kind} links to {}", describe(tenancy, target)),
                )
                .found(format!("{target:?}"))
                .help("declare the link on the per-tenant side, to a global resource; a link to the tenants is the tenant of the row itself"),
            );
        }
    }
    if let Some(owner) = &resource.owner
        && !shared
    {
        check_owner_path(sink, top, tenancy, resources, resource, owner);
    }
    if !shared {
        check_tenant_column(sink, top, resource);
    }
}

/// A per-tenant table's `tenant_id` is the generator's: no field or relation may name it.
fn check_tenant_column(sink: &mut Sink, top: &Table<'_, '_>, resource: &Resource) {
    let name = resource.names.snake.as_str();
    let field = resource
        .fields
        .iter()
        .find(|f| f.names.snake == TENANT_ID)
        .map(|f| ("fields", f.names.snake.as_str(), "the field"));
    // `tenant` gives `tenant_id`.
    let relation = resource
        .belongs_to
        .iter()
        .find(|b| format!("{}_id", b.names.snake) == TENANT_ID)
        .map(|b| {
            (
                "belongs_to",
                b.names.snake.as_str(),
                "the relation's column",
            )
        });
    for (table, key, what) in field.into_iter().chain(relation) {
        let (span, path) = written_at(top, &["resources", name, table, key]);
        sink.push(
            Diagnostic::new(span, path, format!("{what} takes the tenant's column"))
                .found(format!("`{TENANT_ID}`"))
                .help(format!("every per-tenant row has `{TENANT_ID}`, its tenant's: rename it (e.g. `tenant_ref`), or remove it")),
        );
    }
}

/// An owner path of a per-tenant resource stays among per-tenant rows until it reaches the
/// account: `owner = "country.creator"` through a global country is refused.
fn check_owner_path(
    sink: &mut Sink,
    top: &Table<'_, '_>,
    tenancy: &Tenancy,
    resources: &[Resource],
    resource: &Resource,
    owner: &Owner,
) {
    let name = resource.names.snake.as_str();
    let mut at = resource;
    for relation in &owner.path {
        let Some(b) = at.belongs_to.iter().find(|b| &b.names.snake == relation) else {
            return;
        };
        if b.target == ACCOUNT {
            return;
        }
        if !tenancy.is_per_tenant(&b.target) {
            let (span, key) = written_at(top, &["resources", name, "owner"]);
            sink.push(
                Diagnostic::new(
                    span,
                    key,
                    format!("the owner is found through {}", describe(tenancy, &b.target)),
                )
                .found(format!("{:?}", owner.path.join(".")))
                .help("a row every tenant shares cannot say who owns one tenant's row: name an owner relation on a per-tenant resource"),
            );
            return;
        }
        // The relations were checked against the resources before this runs; a target
        // outside them (another service's, a replica) ends the walk.
        let Some(next) = resources.iter().find(|r| r.names.snake == b.target) else {
            return;
        };
        at = next;
    }
}

/// In a split, the tenants live with the accounts: the accounts service issues the tokens
/// that name a membership.
fn check_service(sink: &mut Sink, t: &Table<'_, '_>, tenancy: &Tenancy, services: &[ServiceGroup]) {
    let holds = |resource: &str| {
        services
            .iter()
            .find(|s| s.resources.iter().any(|r| r == resource))
            .map(|s| s.name.as_str())
    };
    let (Some(accounts), Some(tenants)) = (holds(ACCOUNT), holds(&tenancy.tenant)) else {
        return;
    };
    if accounts != tenants {
        sink.push(
            Diagnostic::new(
                t.span_of(&["tenant"]).unwrap_or(t.span.clone()),
                t.key_path("tenant"),
                "the tenants are not in the accounts service",
            )
            .found(format!("{:?} in `{tenants}`, the accounts in `{accounts}`", tenancy.tenant))
            .help(format!(
                "list {:?} in `[services.{accounts}] resources`: the accounts service issues the tokens that name a tenant",
                tenancy.tenant
            )),
        );
    }
}

/// Where a problem found in the typed model is written (`keys` below the top of the spec),
/// and its key path: the whole spec when the text does not write it.
fn written_at(top: &Table<'_, '_>, keys: &[&str]) -> (std::ops::Range<usize>, String) {
    let span = top.span_of(keys).unwrap_or(top.span.clone());
    (span, keys.join("."))
}

fn describe(tenancy: &Tenancy, resource: &str) -> &'static str {
    if resource == tenancy.tenant {
        "the tenant resource"
    } else if resource == ACCOUNT {
        "the accounts"
    } else if tenancy.is_per_tenant(resource) {
        "a per-tenant resource"
    } else {
        "a global resource"
    }
}
