//! The data templates render from. Everything a template prints is computed
//! here, once, from the validated `Spec`: names in every casing, Rust and SQL
//! types, SQL text (through `Dialect` and `sql`), routes and test samples.
//! Templates only print and loop; they never re-case a name or decide a type.
//!
//! This module owns the service-wide context (`ServiceContext`, `Uses`); each
//! concern below it has a file of its own.

mod access;
mod access_tests;
mod auth;
mod events;
mod field;
mod imports;
mod jobs;
mod lists;
mod migrations;
mod relations;
mod resource;
#[cfg(test)]
mod tests;
mod tests_context;
mod uses;

use serde::Serialize;

use crate::names::Names;
use crate::samples;
use crate::spec::routes::{Route, api_routes};
use crate::spec::{AuthMode, Database, Resource, Rule, Spec};

pub use access::{AccessContext, FieldRuleContext};
pub use access_tests::{AccessCase, AccessCases, FieldTest};
pub use auth::AuthContext;
pub use events::EventContext;
pub use field::{Check, EnumValue, FieldContext};
pub use jobs::JobContext;
pub use lists::{ListColumn, ListRange};
pub use migrations::MigrationContext;
pub use relations::{LinkContext, OwnerStep, OwnerVia, RelationContext};
pub use resource::ResourceContext;
pub use tests_context::{FilterExample, ResourceTestContext};
pub use uses::Uses;

use access_tests::unwritable_on_create;
use auth::{register_example, sample_password};
use field::toml_string;
use migrations::migrations;
use tests_context::test_rows;

/// The generated projects' minimum Rust: the highest `rust-version` among the packages their
/// `Cargo.lock` pins (uuid 1.29 needs 1.89). The end-to-end tests check it after each build.
pub const SERVICE_RUST_VERSION: &str = "1.89";

/// The `DATABASE_URL` a generated service uses when none is set (`new` repeats it in its
/// closing message, since a PostgreSQL server must answer there).
pub fn default_database_url(database: Database, lib_name: &str) -> String {
    match database {
        Database::Sqlite => format!("sqlite://data/{lib_name}.db?mode=rwc"),
        Database::Postgres => format!("postgres://postgres@127.0.0.1:5432/{lib_name}"),
    }
}

#[derive(Debug, Serialize)]
pub struct ServiceContext {
    pub generator_version: &'static str,
    /// The oldest Rust that builds the pinned dependencies: the project's `rust-version`,
    /// and the toolchain its Dockerfile and CI workflow use.
    pub rust_version: &'static str,
    /// The GitHub Actions the CI workflow uses, with their versions.
    pub actions: &'static crate::ci_actions::Actions,
    /// The package name as given (`my-shop`).
    pub crate_name: String,
    /// The library name Rust code uses (`my_shop`).
    pub lib_name: String,
    /// The JetStream stream its events go to by default (`MY_SHOP`: NATS's convention for
    /// stream names, which may not hold a `.`).
    pub stream_name: String,
    pub description: String,
    /// The description as a TOML string literal, for Cargo.toml.
    pub description_toml: String,
    pub api_prefix: String,
    pub database: &'static str,
    pub default_database_url: String,
    /// The spec as written, saved into the project for re-generation.
    pub spec_source: String,
    pub resources: Vec<ResourceContext>,
    /// What only the generated tests read of each resource, in the same order. Kept out of
    /// the serialised context: `render` hands it to the templates under `tests/` alone.
    #[serde(skip)]
    pub resource_tests: Vec<ResourceTestContext>,
    /// Module names in the order rustfmt sorts `mod` items.
    pub modules_sorted: Vec<String>,
    /// The modules of the integration-test crate (`tests/api/`): one per resource and
    /// one per shared concern, sorted.
    pub test_modules: Vec<String>,
    /// Index of the first resource with no required parent (preferably one without a unique
    /// field of few values): the shared HTTP tests create rows of it.
    pub primary: usize,
    /// Index of the first resource whose rows are cached (`cache_ttl_seconds` above 0), for
    /// the shared test of the read cache; `None` when no resource's are.
    pub cached: Option<usize>,
    pub migrations: Vec<MigrationContext>,
    pub routes: Vec<Route>,
    pub uses: Uses,
    /// The kinds of background job, in spec order.
    pub jobs: Vec<JobContext>,
    /// A job's runs before it is dead, unless its kind says otherwise.
    pub default_max_attempts: u32,
    /// Every event type the resources emit (`order.created`), in spec order.
    pub event_types: Vec<String>,
    /// The binary's commands, as a sentence: "`serve`, `migrate`, `rollback` or `worker`".
    pub commands: String,
    /// The spec's rate limits, the generated service's defaults.
    pub rate_limit: RateLimitContext,
    /// The spec's `[cache]` (the bound; TTLs are per resource).
    pub cache: crate::spec::Cache,
    /// The jwt flow's settings; `None` with auth mode `none` (no auth code at all).
    pub auth: Option<AuthContext>,
    /// The OpenAPI document (`openapi.json`), built from the rest of this context by
    /// `pipeline::service_context` (openapi reads the context, so it is filled in after).
    #[serde(skip)]
    pub openapi: String,
}

#[derive(Debug, Serialize)]
pub struct RateLimitContext {
    pub requests_per_minute: u32,
    pub burst: u32,
    /// Comma-separated addresses or ranges.
    pub trusted_proxies: String,
}

/// The generated binary's commands, as a sentence.
fn commands(spec: &Spec) -> String {
    let mut names = vec!["serve", "migrate", "rollback"];
    if spec.auth.mode == AuthMode::Jwt {
        names.push("grant-role");
    }
    if spec.has_job_queue() {
        names.push("worker");
    }
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl ServiceContext {
    pub fn new(crate_name: &str, spec: &Spec, spec_source: &str) -> Self {
        let lib_name = crate_name.replace('-', "_");
        let resources: Vec<ResourceContext> = spec
            .resources
            .iter()
            .map(|r| ResourceContext::new(spec, r))
            .collect();
        let resource_tests = spec
            .resources
            .iter()
            .zip(&resources)
            .enumerate()
            .map(|(i, (r, context))| ResourceTestContext::new(spec, r, i, context))
            .collect();
        let mut uses = Uses::default();
        for r in &resources {
            uses.merge(&r.uses);
        }
        uses.jobs = spec.has_job_queue();
        uses.webhooks = spec.webhooks();
        let jobs = spec
            .jobs
            .iter()
            .map(|j| JobContext {
                name: j.name.clone(),
                on: j.on.clone(),
                max_attempts: j.max_attempts,
                timeout_secs: j.timeout_secs,
            })
            .collect();
        let mut modules_sorted: Vec<String> =
            resources.iter().map(|r| r.names.module.clone()).collect();
        modules_sorted.sort();
        // One test module per concern, the optional ones when the spec has them, and one
        // per resource.
        let concerns = [
            "conditional",
            "custom",
            "db",
            "hooks",
            "http",
            "idempotency",
            "openapi",
            "rfc3339",
            "shared",
            "telemetry",
        ];
        let optional = [
            (spec.auth.mode == AuthMode::Jwt, "auth"),
            (spec.auth.mode == AuthMode::Jwt, "account"),
            (uses.events, "outbox"),
            (uses.jobs, "jobs"),
            (uses.webhooks, "webhooks"),
        ];
        let mut test_modules: Vec<String> = concerns
            .into_iter()
            .chain(optional.into_iter().filter_map(|(on, m)| on.then_some(m)))
            .map(str::to_owned)
            .chain(modules_sorted.iter().cloned())
            .collect();
        test_modules.sort();
        let description = if spec.project.description.is_empty() {
            format!("The {crate_name} service.")
        } else {
            spec.project.description.clone()
        };
        let mut ctx = Self {
            generator_version: env!("CARGO_PKG_VERSION"),
            rust_version: SERVICE_RUST_VERSION,
            actions: &crate::ci_actions::ACTIONS,
            default_database_url: default_database_url(spec.project.database, &lib_name),
            crate_name: crate_name.to_string(),
            stream_name: lib_name.to_uppercase(),
            lib_name,
            description_toml: toml_string(&description),
            description,
            api_prefix: spec.project.api_prefix.clone(),
            database: spec.project.database.as_str(),
            spec_source: spec_source.to_string(),
            primary: {
                // Of those, one whose tests may hold as many rows as they like, if any.
                let free = |r: &Resource| r.belongs_to.iter().all(|b| !b.required);
                let roomy = |r: &Resource| test_rows(spec, r) == samples::COUNT;
                let resources = &spec.resources;
                resources
                    .iter()
                    .position(|r| free(r) && roomy(r))
                    .or_else(|| resources.iter().position(free))
                    .unwrap_or(0)
            },
            cached: spec.resources.iter().position(|r| r.cache_ttl_seconds > 0),
            migrations: migrations(spec),
            routes: api_routes(spec),
            modules_sorted,
            test_modules,
            resources,
            resource_tests,
            uses,
            jobs,
            default_max_attempts: crate::spec::Job::DEFAULT_MAX_ATTEMPTS,
            commands: commands(spec),
            event_types: spec
                .resources
                .iter()
                .flat_map(|r| r.event_types())
                .collect(),
            rate_limit: RateLimitContext {
                requests_per_minute: spec.rate_limit.requests_per_minute,
                burst: spec.rate_limit.burst,
                trusted_proxies: spec.rate_limit.trusted_proxies.join(","),
            },
            cache: spec.cache.clone(),
            auth: (spec.auth.mode == AuthMode::Jwt).then(|| {
                let account = spec.resource(crate::spec::ACCOUNT).map_or_else(
                    || Names::new(crate::spec::ACCOUNT, None),
                    |r| r.names.clone(),
                );
                AuthContext {
                    registrant_unwritable: spec
                        .resource(crate::spec::ACCOUNT)
                        .map(|r| {
                            let registrant = Some(spec.auth.registrant());
                            unwritable_on_create(&spec.auth, r, &registrant, true)
                        })
                        .unwrap_or_default(),
                    account_field_rules: spec
                        .resource(crate::spec::ACCOUNT)
                        .is_some_and(|r| r.fields.iter().any(|f| f.access.is_restricted())),
                    account_read_rules: spec
                        .resource(crate::spec::ACCOUNT)
                        .is_some_and(|r| r.fields.iter().any(|f| f.access.read.is_some())),
                    settings: spec.auth.clone(),
                    login_per_minute: spec.rate_limit.login_per_minute,
                    account_url: format!("{}/{}", spec.project.api_prefix, account.plural_kebab),
                    account,
                    account_index: spec
                        .resources
                        .iter()
                        .position(|r| spec.is_account(r))
                        .unwrap_or(0),
                    sample_password: sample_password(spec.auth.password_min_length),
                    register_example: String::new(),
                    sample_email: String::new(),
                    register_parents: Vec::new(),
                    public_list_url: spec
                        .resources
                        .iter()
                        .find(|r| r.access.list.contains(&Rule::Public))
                        .map(|r| format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab)),
                }
            }),
            openapi: String::new(),
        };
        if let Some(account) = ctx.resources.iter().find(|r| r.account) {
            let example = register_example(account, ctx.auth.as_ref());
            if let (Some(auth), Some(example)) = (ctx.auth.as_mut(), example) {
                auth.register_example = example.body;
                auth.sample_email = example.email;
                auth.register_parents = example.parents;
            }
        }
        ctx
    }
}
