//! One spec split into services (`[services.NAME]`, issue 40): the spec of each service,
//! written from the whole spec's text with toml_edit, so each keeps the team's comments and
//! layout. A service's spec is the whole spec narrowed to its resources and jobs, with what
//! crosses a boundary turned into what a single service already speaks:
//!
//! - a `belongs_to` to a resource of another service becomes a uuid field `{relation}_id`
//!   with `references = "SERVICE.RESOURCE"` (the same JSON key, `customerId`), checked on write
//!   by a call to that service instead of a foreign key; but a resource's owner relation to
//!   `user` stays one (with no `on_delete`), which a service with another's accounts allows;
//! - with jwt, every service but the one that holds `user` gets `[auth] accounts = "…"`: the
//!   accounts service signs callers in, the others verify its tokens and ask it who calls;
//! - a job's `on` that names another service's event (`order.created`, whose `order` is in
//!   `orders`) becomes `orders.order.created`, which the service's inbox hears.
//!
//! Each result is validated as a spec of its own; a failure there is a bug of this module,
//! reported with the service's name.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, TableLike, Value};

use crate::diagnostics::Report;
use crate::error::{Error, Result};
use crate::spec::{self, ACCOUNT, AuthMode, Spec};

/// One service of a split spec: its name, its spec's text, and that spec.
#[derive(Debug)]
pub struct ServiceSpec {
    pub name: String,
    pub source: String,
    pub spec: Spec,
}

/// Each service's spec, in the order the split declares them; empty for a spec of one
/// service.
pub fn project(spec: &Spec, source: &str) -> Result<Vec<ServiceSpec>> {
    spec.services
        .iter()
        .map(|group| {
            let text = service_source(spec, source, &group.name)?;
            let file = format!("{}/{}", group.name, crate::project_files::SPEC_FILE);
            let parsed = spec::parse(&file, &text).map_err(|report: Report| {
                Error::Usage(format!(
                    "the spec of the service {:?}, split from this one, is not valid (a bug of backend-gen; please report it with the spec):\n{report}\n----- its spec -----\n{text}",
                    group.name
                ))
            })?;
            Ok(ServiceSpec {
                name: group.name.clone(),
                source: text,
                spec: parsed,
            })
        })
        .collect()
}

/// The text of `service`'s spec.
fn service_source(spec: &Spec, source: &str, service: &str) -> Result<String> {
    let mut doc: DocumentMut = source
        .parse()
        .map_err(|err| Error::Usage(format!("the spec is not valid TOML: {err}")))?;
    let group = spec
        .services
        .iter()
        .find(|g| g.name == service)
        .ok_or_else(|| Error::Usage(format!("no service {service:?} in the spec")))?;
    doc.remove("services");

    let project = table_like(&mut doc, "project");
    project.insert("name", toml_edit::value(service));
    // A member of the split's workspace: the lock and profiles are the workspace's.
    project.insert("workspace", toml_edit::value(true));
    if let Some(description) = &group.description {
        project.insert("description", toml_edit::value(description.as_str()));
    }

    let accounts = spec.accounts_service().map(|g| g.name.clone());
    if spec.auth.mode == AuthMode::Jwt
        && let Some(accounts) = accounts.filter(|a| a != service)
    {
        let auth = table_like(&mut doc, "auth");
        // The keys about signing in are the accounts service's alone.
        for key in spec::SIGN_IN_KEYS {
            auth.remove(key);
        }
        auth.insert("accounts", toml_edit::value(accounts));
    }

    // The other services' resources a relation here keeps a copy of, with their services.
    let mut replicated: Vec<(String, String)> = Vec::new();
    if let Some(resources) = doc.get_mut("resources").and_then(Item::as_table_like_mut) {
        retain(resources, &group.resources);
        // The accounts of a spec that declares no `user` are implicit; alone in a service,
        // they need a table to be a resource of its spec.
        let account = spec::ACCOUNT;
        if spec.auth.mode == AuthMode::Jwt
            && group.resources.iter().any(|r| r == account)
            && resources.get(account).is_none()
        {
            let mut table = Table::new();
            table.insert("description", toml_edit::value("An account that signs in."));
            resources.insert(account, Item::Table(table));
        }
        for r in &group.resources {
            let Some(resource) = spec.resource(r) else {
                continue;
            };
            let Some(item) = resources.get_mut(r).and_then(Item::as_table_like_mut) else {
                // The implicit account of a jwt spec has no table to narrow.
                continue;
            };
            for b in &resource.belongs_to {
                let Some(owner) = spec.service_of(&b.target).filter(|g| g.name != service) else {
                    continue;
                };
                if b.target == ACCOUNT && resource.is_owner(b) {
                    owned_by_remote_account(item, b);
                } else if b.check == spec::Check::Replica {
                    kept_as_replica(item, b);
                    if !replicated.iter().any(|(target, _)| *target == b.target) {
                        replicated.push((b.target.clone(), owner.name.clone()));
                    }
                } else {
                    to_reference(item, b, &owner.name);
                }
            }
            if replicated_elsewhere(spec, service, r) {
                emit_replica_events(item, resource);
            }
            if r == ACCOUNT && owned_elsewhere(spec, service) {
                // The services that keep rows an account owns erase them as they hear it.
                turn_on_events(item, &["erased"]);
            }
        }
    }
    // The tenants are the accounts service's, and every service's rows are per tenant alike
    // but those it lists as global: each keeps the global ones that are its own.
    if let Some(tenancy) = doc.get_mut("tenancy").and_then(Item::as_table_like_mut) {
        let global = tenancy.get_mut("global").and_then(Item::as_array_mut);
        if let Some(global) = global {
            global.retain(|v| {
                v.as_str()
                    .is_some_and(|name| group.resources.iter().any(|r| r == name))
            });
            if global.is_empty() {
                tenancy.remove("global");
            }
        }
    }
    if !replicated.is_empty() {
        let mut replicas = Table::new();
        replicas.set_implicit(true);
        for (target, owner) in &replicated {
            if let Some(parent) = spec.resource(target) {
                let mut table = replica_table(parent, owner);
                table.decor_mut().set_prefix(format!(
                    "\n# A copy of the {owner} service's {}, kept here by its events: what \
                     `check = \"replica\"` asks.\n",
                    parent.names.plural_words
                ));
                replicas.insert(target, Item::Table(table));
            }
        }
        doc.insert("replicas", Item::Table(replicas));
    }

    if let Some(jobs) = doc.get_mut("jobs").and_then(Item::as_table_like_mut) {
        retain(jobs, &group.jobs);
        for (_, job) in jobs.iter_mut() {
            let Some(on) = job
                .as_table_like_mut()
                .and_then(|t| t.get_mut("on"))
                .and_then(Item::as_value_mut)
            else {
                continue;
            };
            heard_from_others(spec, service, on);
        }
        if jobs.is_empty() {
            doc.remove("jobs");
        }
    }
    // Edits belong in the whole spec: `update` there rewrites this file.
    Ok(format!(
        "# Written by backend-gen from ../{file}, where `services.{service}` says what is here:\n\
         # edit that file, then run `backend-gen update` in its folder.\n{doc}",
        file = crate::project_files::SPEC_FILE
    ))
}

/// `table` with only the keys in `keep`.
fn retain(table: &mut dyn TableLike, keep: &[String]) {
    let gone: Vec<String> = table
        .iter()
        .map(|(key, _)| key.to_string())
        .filter(|key| !keep.contains(key))
        .collect();
    for key in gone {
        table.remove(&key);
    }
}

/// The table `key` of the document, made when it is missing.
fn table_like<'d>(doc: &'d mut DocumentMut, key: &str) -> &'d mut dyn TableLike {
    doc.entry(key)
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .expect("a table")
}

/// Keeps the owner relation `b` of `resource` to the accounts of another service, which the
/// service's spec allows (`Spec::is_remote`), but for `on_delete`: the accounts are deleted
/// there, with no foreign key here to act on.
fn owned_by_remote_account(resource: &mut dyn TableLike, b: &spec::BelongsTo) {
    if let Some(entry) = resource
        .get_mut("belongs_to")
        .and_then(Item::as_table_like_mut)
        .and_then(|relations| relations.get_mut(&b.names.snake))
        .and_then(Item::as_table_like_mut)
    {
        entry.remove("on_delete");
    }
}

/// Keeps the relation `b` of `resource` to another service's resource with
/// `check = "replica"` as a relation, now to the replica of that name (`[replicas.NAME]`),
/// without `check` (a replica is one) or `on_delete` (rows are deleted there).
fn kept_as_replica(resource: &mut dyn TableLike, b: &spec::BelongsTo) {
    let Some(entry) = resource
        .get_mut("belongs_to")
        .and_then(Item::as_table_like_mut)
        .and_then(|relations| relations.get_mut(&b.names.snake))
    else {
        return;
    };
    if let Some(table) = entry.as_table_like_mut() {
        table.remove("check");
        table.remove("on_delete");
    }
    if let Some(inline) = entry.as_inline_table_mut() {
        inline.fmt();
    }
}

/// `[replicas.NAME]` for `parent`, a resource of `service`: its owner relation, when it has
/// one on the row.
fn replica_table(parent: &spec::Resource, service: &str) -> Table {
    let mut table = Table::new();
    table.insert("service", toml_edit::value(service));
    if let Some(owner) = parent.owner.as_ref().and_then(spec::Owner::relation) {
        table.insert("owner", toml_edit::value(owner));
    }
    table
}

/// Whether a resource of another service keeps a copy of `resource`'s rows.
fn replicated_elsewhere(spec: &Spec, service: &str, resource: &str) -> bool {
    spec.resources.iter().any(|r| {
        spec.service_of(&r.names.snake)
            .is_some_and(|g| g.name != service)
            && r.belongs_to
                .iter()
                .any(|b| b.check == spec::Check::Replica && b.target == resource)
    })
}

/// Whether another service than `service` keeps rows that accounts own: it hears their
/// erasure (`Spec::erasure_heard_from`).
fn owned_elsewhere(spec: &Spec, service: &str) -> bool {
    spec.resources.iter().any(|r| {
        r.owner.is_some()
            && spec
                .service_of(&r.names.snake)
                .is_some_and(|g| g.name != service)
    })
}

/// Turns on the events a copy of `resource`'s rows is kept by (`Replica::event_types`).
fn emit_replica_events(item: &mut dyn TableLike, resource: &spec::Resource) {
    let mut steps = vec!["created", "deleted"];
    if resource
        .owner
        .as_ref()
        .and_then(spec::Owner::relation)
        .is_some()
    {
        steps.push("updated");
    }
    turn_on_events(item, &steps);
}

/// Turns on the lifecycle events `steps` of a resource's table, keeping those it declares.
fn turn_on_events(item: &mut dyn TableLike, steps: &[&str]) {
    let events = item
        .entry("events")
        .or_insert_with(|| Item::Value(Value::InlineTable(InlineTable::new())));
    if let Some(events) = events.as_table_like_mut() {
        for &step in steps {
            let on = events.get(step).and_then(Item::as_bool) == Some(true);
            if !on {
                events.insert(step, toml_edit::value(true));
            }
        }
    }
    if let Some(inline) = item.get_mut("events").and_then(Item::as_inline_table_mut) {
        inline.fmt();
    }
}

/// Replaces the relation `b` of `resource` (to a resource of `owner`) by a uuid field that
/// refers to the row there, with the same requiredness and list settings.
fn to_reference(resource: &mut dyn TableLike, b: &spec::BelongsTo, owner: &str) {
    let relation = b.names.snake.as_str();
    let mut settings = InlineTable::new();
    if let Some(belongs_to) = resource
        .get_mut("belongs_to")
        .and_then(Item::as_table_like_mut)
    {
        if let Some(entry) = belongs_to.get(relation).and_then(Item::as_table_like) {
            for key in ["filter", "sort"] {
                if let Some(value) = entry.get(key).and_then(Item::as_value) {
                    settings.insert(key, value.clone());
                }
            }
        }
        belongs_to.remove(relation);
        if belongs_to.is_empty() {
            resource.remove("belongs_to");
        } else if let Some(inline) = resource
            .get_mut("belongs_to")
            .and_then(Item::as_inline_table_mut)
        {
            // `{ a = …, b = … }` less `b` would end `…}`.
            inline.fmt();
        }
    }
    let mut field = InlineTable::new();
    field.insert("type", "uuid".into());
    field.insert("references", format!("{owner}.{}", b.target).into());
    if !b.required {
        field.insert("required", false.into());
    }
    // A relation's key is filterable unless it says otherwise; a field only when it says so.
    if !settings.contains_key("filter") {
        field.insert("filter", true.into());
    }
    for (key, value) in settings.iter() {
        field.insert(key, value.clone());
    }
    let column = format!("{relation}_id");
    let fields = resource
        .entry("fields")
        .or_insert_with(|| Item::Table(Table::new()));
    if let Some(fields) = fields.as_table_like_mut() {
        fields.insert(&column, Item::Value(Value::InlineTable(field)));
    }
    // Lists name the relation; they now name the field.
    if let Some(combinations) = resource
        .get_mut("list_combinations")
        .and_then(Item::as_array_mut)
    {
        for entry in combinations.iter_mut() {
            let Some(entry) = entry.as_inline_table_mut() else {
                continue;
            };
            if let Some(filter) = entry.get_mut("filter") {
                rename_in(filter, relation, &column);
            }
            if let Some(sort) = entry.get_mut("sort") {
                rename_in(sort, relation, &column);
            }
        }
    }
}

/// `value` (a string, or an array of them) with each string `rename` gives a new text for
/// replaced by it.
fn map_strings(value: &mut Value, rename: impl Fn(&str) -> Option<String>) {
    match value {
        Value::String(s) => {
            if let Some(new) = rename(s.value()) {
                *value = Value::from(new);
            }
        }
        Value::Array(items) => {
            let renamed: Array = items
                .iter()
                .map(|item| match item.as_str().and_then(&rename) {
                    Some(new) => Value::from(new),
                    None => item.clone(),
                })
                .collect();
            *items = renamed;
        }
        _ => {}
    }
}

/// `value` (a string, or an array of them) with `from` renamed `to`.
fn rename_in(value: &mut Value, from: &str, to: &str) {
    map_strings(value, |s| (s == from).then(|| to.to_owned()));
}

/// A job's `on` with the events of other services' resources as those services publish
/// them (`order.created` of `orders`: `orders.order.created`).
fn heard_from_others(spec: &Spec, service: &str, on: &mut Value) {
    map_strings(on, |event| {
        let resource = event.split('.').next()?;
        let owner = spec.service_of(resource)?;
        (owner.name != service && event.split('.').count() == 2)
            .then(|| format!("{}.{event}", owner.name))
    });
}

/// `check`'s account of the split: each service, what it holds, and what crosses to others.
pub fn summary(services: &[ServiceSpec]) -> String {
    use std::fmt::Write as _;
    let mut out = format!("\nServices ({}):\n", services.len());
    for service in services {
        let spec = &service.spec;
        let resources: Vec<&str> = spec
            .resources
            .iter()
            .map(|r| r.names.snake.as_str())
            .collect();
        let mut parts = vec![resources.join(", ")];
        if !spec.jobs.is_empty() {
            let jobs: Vec<&str> = spec.jobs.iter().map(|j| j.name.as_str()).collect();
            parts.push(format!("jobs {}", jobs.join(", ")));
        }
        match (&spec.auth.accounts, spec.has_accounts()) {
            (Some(accounts), _) => parts.push(format!("the accounts of {accounts}")),
            (None, true) => parts.push("holds the accounts".to_string()),
            (None, false) => {}
        }
        let _ = writeln!(out, "  {}: {}", service.name, parts.join("; "));
        for r in &spec.resources {
            if let Some(accounts) = &spec.auth.accounts
                && let Some(b) = r
                    .belongs_to
                    .iter()
                    .find(|b| b.target == ACCOUNT && spec.is_remote(b))
            {
                let _ = writeln!(
                    out,
                    "    {}.{}_id -> {accounts}.{} (the owner: the caller's account, no foreign key)",
                    r.names.snake, b.names.snake, b.target
                );
            }
            for b in &r.belongs_to {
                if let Some(replica) = spec.replica(&b.target) {
                    let _ = writeln!(
                        out,
                        "    {}.{}_id -> {}.{} (checked in a copy its events keep, no foreign key)",
                        r.names.snake, b.names.snake, replica.service, b.target
                    );
                }
            }
            for f in &r.fields {
                let Some(reference) = &f.references else {
                    continue;
                };
                if services.iter().any(|s| s.name == reference.service) {
                    let _ = writeln!(
                        out,
                        "    {}.{} -> {}.{} (an id checked by a call, no foreign key)",
                        r.names.snake, f.names.snake, reference.service, reference.resource
                    );
                }
            }
        }
        for (source, events) in spec.heard() {
            if services.iter().any(|s| s.name == source) {
                let events: Vec<String> = events.into_iter().collect();
                let _ = writeln!(out, "    hears {} from {source}", events.join(", "));
            }
        }
    }
    out
}

/// The port the gateway listens on by default, below the services'.
pub const GATEWAY_PORT: u16 = 8080;

/// The port each service listens on when they run side by side on one machine.
pub fn port(index: usize) -> usize {
    8081 + index
}

/// The README at the top of a split: the services, how they find each other, how to run
/// them on one machine.
pub fn readme(name: &str, spec: &Spec, services: &[ServiceSpec]) -> String {
    use std::fmt::Write as _;
    let mut out = format!("# {name}\n\n");
    if !spec.project.description.is_empty() {
        let _ = writeln!(out, "{}\n", spec.project.description.trim_end());
    }
    out.push_str(
        "Written by backend-gen from `backend-gen.toml`, which splits one domain into services\n\
         (`[services.NAME]`). Each folder is a complete service of its own: its database and\n\
         migrations, its routes, tests, OpenAPI document and README.\n\n\
         | service | resources | jobs | accounts |\n|---|---|---|---|\n",
    );
    for service in services {
        let resources: Vec<String> = service
            .spec
            .resources
            .iter()
            .map(|r| format!("`{}`", r.names.snake))
            .collect();
        let jobs: Vec<String> = service
            .spec
            .jobs
            .iter()
            .map(|j| format!("`{}`", j.name))
            .collect();
        let accounts = match (&service.spec.auth.accounts, service.spec.has_accounts()) {
            (Some(accounts), _) => format!("verifies `{accounts}`'s tokens"),
            (None, true) => "holds them: sign-up, sign-in, tokens".to_string(),
            (None, false) => "none".to_string(),
        };
        let _ = writeln!(
            out,
            "| [`{0}`]({0}/README.md) | {1} | {2} | {accounts} |",
            service.name,
            resources.join(", "),
            if jobs.is_empty() {
                "none".to_string()
            } else {
                jobs.join(", ")
            },
        );
    }
    let _ = writeln!(
        out,
        "\nClients call [the gateway](gateway/README.md) (`gateway/`, port {}): it routes each \
         request to the service that serves its path, checks tokens once at the edge, limits \
         each client and answers 503 for a service that fails, and serves one OpenAPI document \
         of every service's routes.",
        GATEWAY_PORT
    );
    out.push_str("\n## How they find each other\n\n");
    if spec.auth.mode == AuthMode::Jwt {
        out.push_str(
            "- **Tokens.** The service that holds the accounts signs access tokens; the others\n  \
             verify them with the same key and ask it who each caller is (its `/auth/me`), so a\n  \
             deleted account or a removed role counts everywhere on the next request. Give every\n  \
             service the same `JWT_SECRET`.\n",
        );
    }
    out.push_str(
        "- **Calls.** A relation to another service's resource became a uuid field checked by a\n  \
         call to that service on write (`SERVICE_URL_…`, the other service's URL with its API\n  \
         prefix; required in production).\n\
         - **Events.** A job that hears another service's event gets it through NATS JetStream\n  \
         (`EVENTS_URL`, the same server for all), once per event.\n\n\
         ## Run them on this machine\n\n\
         ```sh\n\
         sh run-all                                    # the gateway on 8080, the services on 8081 onwards\n\
         EVENTS_URL=nats://127.0.0.1:4222 sh run-all   # with NATS running: the events between them too\n\
         ```\n\n\
         `run-all` builds every service and the gateway, starts each service on its own SQLite\n\
         file (its folder's `data/`) with the others' URLs, and the gateway in front of them, with\n\
         one `JWT_SECRET` for the run unless one is set; Ctrl-C stops them all (`PORT_BASE=9000`\n\
         moves the ports).\n\n\
         ## Build and test\n\n\
         The folders are one Cargo workspace (`Cargo.toml` here): one `Cargo.lock` pins every\n\
         service and the gateway, and they build into the one `target/` here, so the dependencies\n\
         they share are compiled once. `cargo build` here builds them all, `cargo test` here tests\n\
         them all, and in a folder `cargo run` and `cargo test` work on that service. The CI\n\
         workflow (`.github/workflows/ci.yml`) lints and tests the whole workspace, lints each\n\
         service's OpenAPI document and audits the lock.\n\n\
         ## Run them with Docker\n\n\
         `docker compose up --build` here runs every service with its own PostgreSQL database, one\n\
         Redis and one NATS, and the gateway on port 8080 (set `CURSOR_SECRET` and `JWT_SECRET`\n\
         first). Each image is built from the workspace by the `Dockerfile` here\n\
         (`docker build --build-arg SERVICE=NAME .`).\n\n",
    );
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    out.push_str(&crate::split_kubernetes::readme(
        name,
        spec.auth.mode == AuthMode::Jwt,
        &names,
    ));
    out.push_str(
        "## Changing the spec\n\n\
         Edit `backend-gen.toml` here, then run `backend-gen update` here: each service is\n\
         updated from its part of the spec (a service added to the split is generated).\n\
         Moving a resource from one service to another, or removing a service, is refused for\n\
         now: the rows would have to move between databases.\n",
    );
    out
}

/// The name a split's README gives it: its folder's.
pub fn top_name(dir: &std::path::Path) -> String {
    std::fs::canonicalize(dir)
        .ok()
        .and_then(|dir| Some(dir.file_name()?.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "services".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../examples/shop-services.toml");
    /// A split with tenants: the accounts service holds them, the desk and billing do not.
    const SPLIT: &str = include_str!("../tests/specs/tenancy/split.toml");

    fn services() -> Vec<ServiceSpec> {
        let spec = spec::parse("shop-services.toml", EXAMPLE).expect("the example is valid");
        project(&spec, EXAMPLE).expect("each service's spec is valid")
    }

    fn of<'s>(services: &'s [ServiceSpec], name: &str) -> &'s ServiceSpec {
        services
            .iter()
            .find(|s| s.name == name)
            .expect("the service")
    }

    /// With `[tenancy]`, every service keeps the table: the tenants stay with the accounts,
    /// every other service's rows are per tenant but for the global ones it holds, and a
    /// relation across services is a reference, asked in the caller's tenant.
    #[test]
    fn every_service_of_a_split_with_tenants_keeps_them() {
        let spec = spec::parse("split.toml", SPLIT).expect("the spec is valid");
        let services = project(&spec, SPLIT).expect("each service's spec is valid");
        let accounts = of(&services, "accounts");
        assert!(accounts.spec.has_accounts());
        let tenants = accounts
            .spec
            .tenant_resource()
            .expect("the tenants are here");
        assert_eq!(tenants.names.snake, "organization");
        assert!(!accounts.source.contains("global"), "{}", accounts.source);

        let desk = of(&services, "desk");
        let tenancy = desk.spec.tenancy.as_ref().expect("tenancy in the desk");
        assert_eq!(tenancy.global, ["category"]);
        assert!(
            desk.spec.tenant_resource().is_none(),
            "the tenants are not the desk's"
        );
        let ticket = desk.spec.resource("ticket").unwrap();
        assert!(desk.spec.is_per_tenant(ticket));
        assert!(
            !desk
                .spec
                .is_per_tenant(desk.spec.resource("category").unwrap())
        );

        let billing = of(&services, "billing");
        let invoice = billing.spec.resource("invoice").unwrap();
        assert!(billing.spec.is_per_tenant(invoice));
        assert!(billing.spec.tenancy.as_ref().unwrap().global.is_empty());
        assert!(
            billing.source.contains("references = \"desk.ticket\""),
            "{}",
            billing.source
        );
    }

    /// A copy of a tenant's rows in another service is refused under `[tenancy]`: it would
    /// hold every tenant's rows in a table none scopes.
    #[test]
    fn a_split_with_tenants_keeps_no_copies() {
        let copied = SPLIT.replace(
            "belongs_to = { ticket = { resource = \"ticket\" } }\n[resources.invoice.fields]",
            "belongs_to = { ticket = { resource = \"ticket\", check = \"replica\" } }\n[resources.invoice.fields]",
        );
        assert_ne!(copied, SPLIT);
        let report = spec::parse("split.toml", &copied)
            .expect_err("refused")
            .to_string();
        assert!(
            report.contains("a copy of another service's rows under `[tenancy]`")
                && report.contains("key:     resources.invoice.belongs_to.ticket.check"),
            "{report}"
        );
    }

    #[test]
    fn each_service_gets_its_part_of_the_spec_with_the_boundaries_crossed_by_id() {
        let services = services();
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["accounts", "catalog", "orders", "payments", "notifications"]
        );
        for s in &services {
            assert!(!s.source.contains("[services."), "{}", s.source);
            assert!(
                s.source
                    .starts_with("# Written by backend-gen from ../backend-gen.toml"),
                "{}",
                s.source
            );
            assert!(
                s.source.contains(&format!("name = \"{}\"", s.name)),
                "{}",
                s.source
            );
        }

        // The accounts stay where `user` is, with the keys about signing in.
        let accounts = of(&services, "accounts");
        assert!(accounts.spec.has_accounts());
        assert!(accounts.source.contains("registration = \"quiet\""));
        assert!(
            accounts.source.contains("[resources.user]"),
            "{}",
            accounts.source
        );
        let names: Vec<&str> = accounts
            .spec
            .resources
            .iter()
            .map(|r| r.names.snake.as_str())
            .collect();
        assert_eq!(names, ["user"]);

        // Elsewhere they are that service's, and its keys gone.
        let orders = of(&services, "orders");
        assert_eq!(orders.spec.auth.accounts.as_deref(), Some("accounts"));
        assert!(!orders.source.contains("registration"), "{}", orders.source);
        // Relations to other services' rows are ids checked by a call: same key, no FK; but
        // the owner relation to the accounts stays one, to the token's subject.
        let order = orders.spec.resource("order").expect("order");
        let relations: Vec<&str> = order
            .belongs_to
            .iter()
            .map(|b| b.names.snake.as_str())
            .collect();
        assert_eq!(relations, ["customer"]);
        assert!(order.is_owner(&order.belongs_to[0]));
        assert!(orders.spec.is_remote(&order.belongs_to[0]));
        let refs: Vec<(String, String, bool)> = order
            .fields
            .iter()
            .filter_map(|f| {
                let r = f.references.as_ref()?;
                Some((
                    f.names.camel.clone(),
                    format!("{}.{}", r.service, r.resource),
                    f.required,
                ))
            })
            .collect();
        assert_eq!(refs, [("productId".into(), "catalog.product".into(), true)]);
        // Lists that named a relation now a field name the field; the team's comments stay.
        assert!(
            orders.source.contains("filter = [\"customer\"]"),
            "{}",
            orders.source
        );
        let by_product = EXAMPLE.replace("filter = [\"customer\"]", "filter = [\"product\"]");
        let spec = spec::parse("shop-services.toml", &by_product).expect("valid");
        let split = project(&spec, &by_product).expect("each service's spec is valid");
        let source = &of(&split, "orders").source;
        assert!(source.contains("filter = [\"product_id\"]"), "{source}");
        assert!(
            orders
                .source
                .contains("Its customer is an account, which owns it"),
            "{}",
            orders.source
        );
        // Its job hears the payments service's event.
        assert_eq!(orders.spec.jobs[0].on, ["payments.payment.completed"]);
        assert!(!orders.source.contains("notify_customer"));

        // A relation across with `check = "replica"` stays one, to a copy of the orders kept
        // by their events, which the orders service now emits; an owner path goes through it.
        let payments = of(&services, "payments");
        let payment = payments.spec.resource("payment").expect("payment");
        assert_eq!(payment.belongs_to[0].target, "order");
        assert!(payments.spec.is_remote(&payment.belongs_to[0]));
        assert!(!payment.fields.iter().any(|f| f.names.snake == "order_id"));
        assert_eq!(
            payment.owner.as_ref().map(|o| o.path.join(".")).as_deref(),
            Some("order.customer")
        );
        let replica = payments
            .spec
            .replica("order")
            .expect("a copy of the orders");
        assert_eq!(replica.service, "orders");
        assert_eq!(
            replica.owner.as_ref().map(|o| o.snake.as_str()),
            Some("customer")
        );
        assert!(
            payments
                .source
                .contains("belongs_to = { order = { required = true } }"),
            "{}",
            payments.source
        );
        assert!(
            payments.source.contains("[replicas.order]"),
            "{}",
            payments.source
        );
        let events: Vec<&str> = order.events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(events, ["created", "deleted", "updated"]);
        assert_eq!(
            payments.spec.heard()["orders"].iter().collect::<Vec<_>>(),
            ["order.created", "order.deleted", "order.updated"]
        );
        let notifications = of(&services, "notifications");
        assert_eq!(notifications.spec.jobs[0].on, ["orders.order.created"]);
        assert!(notifications.spec.heard().contains_key("orders"));

        // Accounts own orders and payments elsewhere: the accounts service tells of each
        // erasure, and the two services that keep them hear it; the others, which own
        // nothing, do not.
        let accounts = of(&services, "accounts");
        let user = accounts.spec.resource("user").expect("the accounts");
        assert!(
            user.events
                .iter()
                .any(|e| e.trigger == spec::Trigger::Erased)
        );
        let erased = |name: &str| {
            of(&services, name)
                .spec
                .heard()
                .get("accounts")
                .is_some_and(|events| events.contains("user.erased"))
        };
        assert!(erased("orders") && erased("payments"));
        // The payments an account owns are found through the copy's owners.
        assert_eq!(
            crate::sql::owned_condition(&payments.spec, payment).as_deref(),
            Some("order_id IN (SELECT id FROM replica_orders WHERE customer_id = $1)")
        );
        assert!(!erased("catalog") && !erased("notifications"));
    }

    #[test]
    fn the_readme_lists_each_service_and_says_how_to_run_them() {
        let spec = spec::parse("shop-services.toml", EXAMPLE).expect("valid");
        let services = services();
        let readme = readme("shop", &spec, &services);
        assert!(readme.contains("sh run-all"), "{readme}");
        assert!(
            readme.contains("[`notifications`](notifications/README.md)"),
            "{readme}"
        );
        let summary = summary(&services);
        assert!(
            summary.contains("order.product_id -> catalog.product"),
            "{summary}"
        );
        assert!(
            summary.contains("hears order.created from orders"),
            "{summary}"
        );
    }

    #[test]
    fn a_spec_of_one_service_has_no_split() {
        let source = "[resources.post.fields]\ntitle = { type = \"string\" }\n";
        let spec = spec::parse("one.toml", source).expect("valid");
        assert!(project(&spec, source).expect("nothing to split").is_empty());
    }
}
