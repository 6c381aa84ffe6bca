//! Reads a parsed TOML document into the typed `Spec`, checking everything a
//! spec can get wrong. All problems are collected; a `Spec` is returned only
//! when there are none.
//!
//! This file reads the top of the document and hands each table to the file that
//! owns its concern; those files import only files below them (`keys`, `identifiers`,
//! `values` at the bottom, `resources` and `references` at the top), never this one.

mod access;
mod accounts;
mod events;
mod fields;
mod identifiers;
mod keys;
mod lists;
mod project;
mod providers;
mod references;
mod replicas;
mod resources;
mod services;
mod tenancy;
mod values;

use toml::de::DeTable;

use super::model::*;
use super::reader::{At, Sink, Table};
use super::words::ACCOUNT;
use crate::diagnostics::Diagnostic;

pub use keys::{ACCEPTED_KEYS, NOT_GENERATED_YET};
pub use project::{SIGN_IN_KEYS, check_crate_name};

use accounts::implicit_account;
use events::read_jobs;
use identifiers::check_renamed_once;
use keys::TOP_KEYS;
use project::{read_auth, read_cache, read_project, read_rate_limit};
use references::check_cross_references;
use replicas::read_replicas;
use resources::read_resource;
use services::read_services;

/// Parses and validates spec source text; `applied`: a spec already applied to a project
/// (see `Sink::push_new_rule`).
pub fn parse(source: &str, applied: bool) -> Result<Spec, Vec<Diagnostic>> {
    let document = DeTable::parse(source).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        vec![Diagnostic::new(
            span,
            "",
            format!("invalid TOML: {}", e.message().trim()),
        )]
    })?;
    let mut sink = Sink {
        applied,
        ..Sink::default()
    };
    let spec = read_spec(&mut sink, document.get_ref(), document.span());
    match spec {
        Some(spec) if sink.diagnostics.is_empty() => Ok(spec),
        _ => {
            let mut diagnostics = sink.diagnostics;
            diagnostics.sort_by_key(|d| d.span.start);
            Err(diagnostics)
        }
    }
}

fn read_spec(sink: &mut Sink, doc: &DeTable<'_>, span: std::ops::Range<usize>) -> Option<Spec> {
    let top = Table::new(sink, doc, span, "", TOP_KEYS);
    let project = read_project(sink, &top);
    let auth = read_auth(sink, &top);
    let rate_limit = read_rate_limit(sink, &top);
    let cache = read_cache(sink, &top);

    let Some(resources_value) = top.raw("resources") else {
        sink.push(
            Diagnostic::new(0..0, "resources", "the spec has no resources")
                .help("add at least one `[resources.NAME.fields]` table (see `backend-gen init`)"),
        );
        return None;
    };
    let resources_table = Table::from_value(sink, resources_value, "resources", &[])?;
    let mut resources = Vec::new();
    // Keys of `resources` are resource names, so no key is "unknown" here;
    // the names themselves are checked in `read_resource`.
    let names: Vec<At<String>> = resources_table.entries().map(|(k, _)| k).collect();
    for (name, value) in resources_table.entries() {
        if let Some(r) = read_resource(sink, &name, value, &auth, &cache) {
            resources.push((name, r));
        }
    }
    if names.is_empty() {
        sink.push(Diagnostic::new(
            resources_value.span(),
            "resources",
            "the spec has no resources",
        ));
    }
    let replicas = read_replicas(sink, &top, &auth, &names);
    if top.raw("services").is_none() {
        refuse_replica_checks(sink, &resources);
    }
    check_cross_references(sink, &names, &resources, &auth, &replicas);
    let renamed = resources.iter().filter_map(|(name, r)| {
        Some((
            name.value.as_str(),
            r.resource.renamed_from.as_deref()?,
            r.renamed_from_span.clone()?,
            format!("resources.{}.renamed_from", name.value),
        ))
    });
    check_renamed_once(sink, renamed, "resource");
    let declared: super::collisions::Declared = resources
        .iter()
        .map(|(name, r)| {
            let at = super::collisions::Place {
                name: name.span.clone(),
                plural: r.plural_span.clone(),
            };
            (name.value.clone(), at)
        })
        .collect();
    let mut resources: Vec<Resource> = resources.into_iter().map(|(_, r)| r.resource).collect();
    if auth.mode == AuthMode::Jwt
        && auth.accounts.is_none()
        && !resources.iter().any(|r| r.names.snake == ACCOUNT)
    {
        resources.insert(0, implicit_account(&auth, &cache));
    }
    if let Some(account) = resources.iter().find(|r| r.names.snake == ACCOUNT) {
        providers::check_account_claims(sink, &top, &auth, account);
    }
    super::rust_names::settle(&mut resources);
    let jobs = read_jobs(sink, &top, &resources);
    let services = read_services(sink, &top, &auth, &resources, &jobs);
    let tenancy = tenancy::read_tenancy(sink, &top, &auth, &resources, &services);
    let mut spec = Spec::new(project, auth, rate_limit, cache, resources, jobs);
    spec.services = services;
    spec.replicas = replicas;
    spec.tenancy = tenancy;
    if spec.tenancy.is_some() {
        refuse_copies_of_tenants_rows(sink, &top, &spec);
    }
    // What the spec generates can only be compared once the spec itself is sound; doing
    // it earlier would report one mistake (two equal plurals) again as a collision.
    if sink.diagnostics.is_empty() {
        super::collisions::check(sink, &spec, &declared);
    }
    Some(spec)
}

/// A copy of another service's rows (`[replicas]`, `check = "replica"`) would hold every
/// tenant's rows in a table no tenant scopes, and check a reference against another tenant's
/// ids: not generated under `[tenancy]`, where a reference is asked of the service that holds
/// the rows, in the caller's tenant.
fn refuse_copies_of_tenants_rows(sink: &mut Sink, top: &Table<'_, '_>, spec: &Spec) {
    const HELP: &str = "under `[tenancy]`, a relation to another service's rows is checked by a call to it, in the caller's tenant";
    for replica in &spec.replicas {
        let name = replica.names.snake.as_str();
        let span = top.span_of(&["replicas", name]).unwrap_or(top.span.clone());
        sink.push(
            Diagnostic::new(
                span,
                format!("replicas.{name}"),
                "a copy of another service's rows under `[tenancy]`",
            )
            .help(format!(
                "{HELP}: remove `[replicas.{name}]` and refer to its rows with `references`"
            )),
        );
    }
    for r in &spec.resources {
        for b in r.belongs_to.iter().filter(|b| b.check == Check::Replica) {
            let keys = [
                "resources",
                r.names.snake.as_str(),
                "belongs_to",
                b.names.snake.as_str(),
            ];
            let span = top.span_of(&keys).unwrap_or(top.span.clone());
            sink.push(
                Diagnostic::new(
                    span,
                    format!("{}.check", keys.join(".")),
                    "a copy of another service's rows under `[tenancy]`",
                )
                .found("`check = \"replica\"`")
                .help(format!("{HELP}: remove `check`")),
            );
        }
    }
}

/// `check = "replica"` chooses how a split keeps a relation across services; a spec of one
/// service declares the copy itself (`[replicas.NAME]`).
fn refuse_replica_checks(sink: &mut Sink, resources: &[(At<String>, resources::ReadResource)]) {
    for (name, r) in resources {
        for (b, span) in r.resource.belongs_to.iter().zip(&r.belongs_to_spans) {
            if b.check == Check::Replica {
                sink.push(
                    Diagnostic::new(
                        span.clone(),
                        format!("resources.{}.belongs_to.{}.check", name.value, b.names.snake),
                        "`check` is for a relation to another service's resource",
                    )
                    .found("`check = \"replica\"` in a spec without `[services]`")
                    .help(format!(
                        "remove `check`; to keep a copy of another service's rows here, declare `[replicas.{}]` with its `service`",
                        b.target
                    )),
                );
            }
        }
    }
}
