//! The data templates render from. Everything a template prints is computed
//! here, once, from the validated `Spec`: names in every casing, Rust and SQL
//! types, SQL text (through `Dialect` and `sql`), routes and test samples.
//! Templates only print and loop; they never re-case a name or decide a type.
//!
//! This module owns the service-wide context (`ServiceContext`); each
//! concern below it has a file of its own.

mod access;
mod access_tests;
mod auth;
mod client_method;
mod client_tests;
mod erasure;
mod events;
mod export;
mod field;
mod files;
pub mod graphql;
mod imports;
mod jobs;
mod lists;
mod migrations;
mod relations;
mod remote;
mod replicas;
mod resource;
mod scaled_example;
mod test_rows;
#[cfg(test)]
mod tests;
mod tests_context;
mod uses;

use serde::Serialize;

use crate::operations::{Mount, Operation, module_mounts, operations};
use crate::spec::schema_names::{Prefix, Scaled};
use crate::spec::{Database, Spec};

pub use access::{AccessContext, FieldRuleContext};
pub use access_tests::{AccessCase, AccessCases, FieldTest};
pub use auth::AuthContext;
pub use client_tests::ClientTestContext;
pub use erasure::ErasureContext;
pub use events::EventContext;
pub use export::ExportContext;
pub use field::{Check, EnumValue, FieldContext};
pub use files::FileContext;
pub use jobs::{HeardContext, JobContext};
pub use lists::{ListColumn, ListPath, ListPaths, ListRange, list_paths};
pub use migrations::MigrationContext;
pub use relations::{LinkContext, LinkedFromContext, OwnerStep, OwnerVia, RelationContext};
pub use remote::{RemoteRefContext, RemoteServiceContext};
pub use resource::ResourceContext;
pub(crate) use test_rows::{rows_without_limit, test_rows};
pub use tests_context::{
    EventTestContext, FieldTestContext, FilterExample, RelationTestContext, ResourceTestContext,
    ServiceTestContext,
};
pub use uses::Uses;

use field::toml_string;
use migrations::migrations;

/// The generated projects' minimum Rust: the highest `rust-version` among the packages their
/// `Cargo.lock` pins (uuid 1.29 needs 1.89). The end-to-end tests check it after each build.
pub const SERVICE_RUST_VERSION: &str = "1.89";

/// The generic cell rate algorithm of the rate limits as one atomic Redis script, on Redis's
/// clock (so instances agree), for the services' shared buckets and the gateway's alike.
/// KEYS[1]: the bucket; ARGV: milliseconds per token, the burst. Answers
/// `{allowed, remaining, reset after ms, retry after ms}`.
pub const GCRA_SCRIPT: &str = "
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local window = interval * burst
local next_tat = tat + interval
local allowed_at = next_tat - window
if allowed_at > now then
    return {0, 0, math.ceil(tat - now), math.ceil(allowed_at - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', next_tat), 'PX', math.ceil(next_tat - now) + 1)
return {1, math.floor((now + window - next_tat) / interval), math.ceil(next_tat - now), 0}";

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
    /// The rate limits' GCRA as one Redis script ([`GCRA_SCRIPT`]).
    pub gcra_script: &'static str,
    /// The GitHub Actions the CI workflow uses, with their versions.
    pub actions: &'static crate::ci_actions::Actions,
    /// How the CI workflow installs Spectral and lints the OpenAPI document with it.
    pub spectral_install: &'static str,
    pub spectral_lint: &'static str,
    /// How the CI workflow renders and checks the Kubernetes manifests.
    pub kubernetes: &'static crate::ci_actions::KubernetesChecks,
    /// A member of a split's workspace (`[project] workspace`): no lock, profiles or
    /// Dockerfile of its own.
    pub workspace_member: bool,
    /// The build profiles of a project of its own (`workspace::profiles`).
    pub cargo_profiles: String,
    /// The package name as given (`my-shop`).
    pub crate_name: String,
    /// The library name Rust code uses (`my_shop`).
    pub lib_name: String,
    /// The service's name in its Kubernetes manifests (`deploy/kubernetes/`).
    pub kube: crate::kubernetes::KubeName,
    /// The JetStream stream its events go to by default (`MY_SHOP`: NATS's convention for
    /// stream names, which may not hold a `.`).
    pub stream_name: String,
    pub description: String,
    /// The description as a TOML string literal, for Cargo.toml.
    pub description_toml: String,
    pub api_prefix: String,
    pub database: &'static str,
    pub default_database_url: String,
    /// The spec as written, saved into the project for re-generation (by `render`, not by a
    /// template).
    #[serde(skip)]
    pub spec_source: String,
    pub resources: Vec<ResourceContext>,
    /// Every personal field's column, by table: what the service's `rotate-keys` walks.
    pub personal_columns: Vec<PersonalColumn>,
    /// The columns of fields that were personal (`Field::sealed_before`), by table: what the
    /// service unseals as it starts.
    pub sealed_before_columns: Vec<SealedBeforeColumn>,
    /// What only the generated tests read, of the service and of each resource. Kept out of
    /// the serialised context: `render` hands it to the templates under `tests/` alone.
    #[serde(skip)]
    pub tests: ServiceTestContext,
    /// Module names in the order rustfmt sorts `mod` items.
    pub modules_sorted: Vec<String>,
    /// One per `__migration__` file: `render` hands each to its templates as `migration`.
    #[serde(skip)]
    pub migrations: Vec<MigrationContext>,
    /// Every operation (`crate::operations`): the API's, then health, metrics, the document.
    pub routes: Vec<Operation>,
    /// What the webhooks' router mounts (`src/webhooks/mod.rs`); empty without webhooks.
    pub webhook_router: Vec<Mount>,
    pub uses: Uses,
    /// The kinds of background job, in spec order.
    pub jobs: Vec<JobContext>,
    /// The other services whose events some job listens to, by name.
    pub heard: Vec<HeardContext>,
    /// The other services whose rows some field refers to (`references`), by name.
    pub remote_services: Vec<RemoteServiceContext>,
    /// The copies of other services' rows kept here (`[replicas.NAME]`), in spec order.
    pub replicas: Vec<replicas::ReplicaContext>,
    /// A job's runs before it is dead, unless its kind says otherwise.
    pub default_max_attempts: u32,
    /// Every event type the resources emit (`order.created`), in spec order.
    pub event_types: Vec<String>,
    /// The audited resources' snake names (`audit = true`), in spec order.
    pub audited: Vec<String>,
    /// The binary's commands, as a sentence: "`serve`, `migrate`, `rollback` or `worker`".
    pub commands: String,
    /// The spec's rate limits, the generated service's defaults.
    pub rate_limit: RateLimitContext,
    /// The spec's `[cache]` (the bound; TTLs are per resource).
    pub cache: crate::spec::Cache,
    /// The jwt flow's settings; `None` with auth mode `none` (no auth code at all).
    pub auth: Option<AuthContext>,
    /// The service whose accounts sign in here (`[auth] accounts`), if another's.
    pub accounts_service: Option<String>,
    /// What an account's export holds, where the accounts are this service's.
    pub export: Option<ExportContext>,
    /// What erasing an account writes, where the accounts are this service's.
    pub erasure: Option<ErasureContext>,
    /// The OpenAPI document (`openapi.json`), built from the rest of this context by
    /// `pipeline::service_context` (openapi reads the context, so it is filled in after).
    #[serde(skip)]
    pub openapi: String,
    /// The GraphQL schema (`[project] graphql`), built from the document by
    /// `pipeline::service_context` like it; each resource's part is also its `graphql`.
    pub graphql: Option<graphql::Graph>,
    /// Whether the document states the default string bound on reads too (see
    /// `pipeline::History`); for the document only.
    #[serde(skip)]
    pub string_reads_bounded: bool,
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
    if spec.has_accounts() {
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
        let routes = operations(spec);
        let resources: Vec<ResourceContext> = spec
            .resources
            .iter()
            .map(|r| ResourceContext::new(spec, r, &routes))
            .collect();
        let mut uses = Uses::default();
        for r in &resources {
            uses.merge(&r.uses);
        }
        uses.jobs = spec.has_job_queue();
        uses.webhooks = spec.webhooks();
        let heard = HeardContext::all(spec);
        uses.heard = !heard.is_empty();
        uses.heard_by_jobs = spec.jobs.iter().any(|j| j.heard().next().is_some());
        uses.heard_erasure = spec.erasure_heard_from().is_some();
        let replicas = replicas::ReplicaContext::all(spec);
        uses.replicas = !replicas.is_empty();
        uses.nats = uses.events || uses.heard;
        let remote_services = RemoteServiceContext::all(spec);
        uses.remote = !remote_services.is_empty();
        uses.accounts = spec.has_accounts();
        uses.sign_in = uses.accounts && spec.auth.has_providers();
        uses.personal_email = uses.accounts && spec.auth.personal_email;
        uses.tenancy = spec.tenancy.is_some();
        uses.memberships = uses.accounts && uses.tenancy;
        uses.per_tenant = uses.tenancy && resources.iter().any(|r| r.per_tenant);
        uses.scaled = (spec.resources.iter())
            .any(|r| (r.fields.iter()).any(|f| Scaled::of(spec, r, f).is_some()));
        uses.prefixed = (spec.resources.iter())
            .any(|r| (r.fields.iter()).any(|f| Prefix::of(spec, r, f).is_some()));
        uses.shared_in_tenant = uses.per_tenant
            && spec.resources.iter().any(|r| {
                spec.is_per_tenant(r)
                    && (r.many_to_many.iter())
                        .any(|t| spec.resource(t).is_some_and(|t| !spec.is_per_tenant(t)))
            });
        let mut modules_sorted: Vec<String> =
            resources.iter().map(|r| r.names.module.clone()).collect();
        modules_sorted.sort();
        let tests = ServiceTestContext::new(spec, &uses, &modules_sorted, &resources);
        let auth = AuthContext::new(spec, &resources);
        let description = if spec.project.description.is_empty() {
            format!("The {crate_name} service.")
        } else {
            spec.project.description.clone()
        };
        Self {
            generator_version: env!("CARGO_PKG_VERSION"),
            rust_version: SERVICE_RUST_VERSION,
            gcra_script: GCRA_SCRIPT,
            actions: &crate::ci_actions::ACTIONS,
            spectral_install: crate::ci_actions::SPECTRAL_INSTALL,
            spectral_lint: crate::ci_actions::SPECTRAL_LINT,
            kubernetes: &crate::ci_actions::KUBERNETES,
            workspace_member: spec.project.workspace,
            cargo_profiles: crate::workspace::profiles(
                spec.auth.mode == crate::spec::AuthMode::Jwt,
            ),
            default_database_url: default_database_url(spec.project.database, &lib_name),
            personal_columns: personal_columns(spec),
            sealed_before_columns: sealed_before_columns(spec),
            export: export::export(spec),
            erasure: erasure::erasure(spec),
            crate_name: crate_name.to_string(),
            kube: crate::kubernetes::KubeName::of(crate_name),
            stream_name: lib_name.to_uppercase(),
            lib_name,
            description_toml: toml_string(&description),
            description,
            api_prefix: spec.project.api_prefix.clone(),
            database: spec.project.database.as_str(),
            spec_source: spec_source.to_string(),
            migrations: migrations(spec),
            webhook_router: module_mounts(&routes, "webhooks"),
            routes,
            modules_sorted,
            tests,
            resources,
            uses,
            jobs: spec.jobs.iter().map(JobContext::new).collect(),
            heard,
            replicas,
            remote_services,
            default_max_attempts: crate::spec::Job::DEFAULT_MAX_ATTEMPTS,
            commands: commands(spec),
            event_types: spec
                .resources
                .iter()
                .flat_map(|r| r.event_types())
                .collect(),
            audited: (spec.resources.iter())
                .filter(|r| r.audit)
                .map(|r| r.names.snake.clone())
                .collect(),
            rate_limit: RateLimitContext {
                requests_per_minute: spec.rate_limit.requests_per_minute,
                burst: spec.rate_limit.burst,
                trusted_proxies: spec.rate_limit.trusted_proxies.join(","),
            },
            cache: spec.cache.clone(),
            auth,
            accounts_service: spec.auth.accounts.clone(),
            openapi: String::new(),
            graphql: None,
            string_reads_bounded: true,
        }
    }
}

/// A personal field's column and its blind index, in its table.
#[derive(Debug, Serialize)]
pub struct PersonalColumn {
    pub table: String,
    /// The column that names a row of the table (a uuid): `id`, or `user_id` where a table
    /// has one row per account.
    pub key: &'static str,
    pub column: String,
    pub index: Option<String>,
    /// The index is of the value in lower case (the accounts' personal email).
    pub folded: bool,
}

/// A column of a field that was personal, in its table: the service unseals what it holds.
#[derive(Debug, Serialize)]
pub struct SealedBeforeColumn {
    pub table: String,
    pub column: String,
}

fn sealed_before_columns(spec: &Spec) -> Vec<SealedBeforeColumn> {
    (spec.resources.iter())
        .flat_map(|r| {
            (r.fields.iter().filter(|f| f.sealed_before)).map(|f| SealedBeforeColumn {
                table: crate::sql::rust_text(r.names.plural_sql.clone()),
                column: crate::sql::rust_text(f.names.sql.clone()),
            })
        })
        .collect()
}

/// The sign-in tables that keep a copy of an account's address: sealed too where the
/// accounts' email is personal (`[auth] personal_email`).
const EMAIL_COPIES: [(&str, &str); 2] =
    [("account_tokens", "id"), ("email_verifications", "user_id")];

fn personal_columns(spec: &Spec) -> Vec<PersonalColumn> {
    let fields = spec.resources.iter().flat_map(|r| {
        r.fields
            .iter()
            .filter(|f| f.personal)
            .map(|f| PersonalColumn {
                table: crate::sql::rust_text(r.names.plural_sql.clone()),
                key: "id",
                column: crate::sql::rust_text(f.names.sql.clone()),
                index: f.blind_index(),
                folded: spec.is_personal_account_email(r, f),
            })
    });
    // The invitations to a tenant hold the invitee's address, sealed as the accounts' are.
    let invitations = spec
        .tenancy
        .as_ref()
        .map(|_| (crate::spec::schema_names::INVITATIONS, "id"));
    let copies = EMAIL_COPIES
        .iter()
        .copied()
        .chain(invitations)
        .filter(|_| spec.has_accounts() && spec.auth.personal_email)
        .map(|(table, key)| PersonalColumn {
            table: (*table).into(),
            key,
            column: "email".into(),
            index: None,
            folded: false,
        });
    // A prepared export's document holds the account's personal values: sealed as a whole.
    let exports = (spec.has_accounts() && spec.has_personal()).then(|| PersonalColumn {
        table: crate::sql::ACCOUNT_EXPORTS.into(),
        key: "id",
        column: "document".into(),
        index: None,
        folded: false,
    });
    fields.chain(copies).chain(exports).collect()
}
