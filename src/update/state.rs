//! What a generated project remembers in `.backend-gen/` for `update`: the spec it was last
//! generated from, the crate name, the generator's version and the service's own tables, and
//! every generated file as written (the merge base).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::error::Result;
use crate::output::{FileSet, Owner};
use crate::pipeline::History;
use crate::project_files::{SPEC_FILE, STATE_DIR};
use crate::spec::Spec;

pub(super) const STATE: &str = ".backend-gen/generated.toml";

pub(super) const APPLIED_SPEC: &str = ".backend-gen/spec.toml";

pub(super) const BASE: &str = ".backend-gen/base/";

pub(super) const STATE_README: &str = "\
# .backend-gen

What `backend-gen update` needs to merge a changed spec into this project:

- `spec.toml`: the spec the project was last generated or updated from;
- `generated.toml`: the project's crate name, the generator's version, and the
  service's own tables (sessions, outbox, job queue, webhooks) its migrations created;
- `base/`: every generated file as backend-gen last wrote it, the base of the
  three-way merge with your edits (and, for your own files such as src/rules/, how
  they began, so an unedited one goes with its resource).

Commit it with the project and do not edit those: `backend-gen update` rewrites
them. `templates/`, when there is one, is yours: your versions of backend-gen's
templates (`backend-gen templates eject PATH`), used by every generation.
";

/// `generated.toml`'s record that the account's email index folds case (see
/// `migrate::Earlier`).
pub(super) const EMAILS: &str = "emails";

pub(super) const EMAILS_FOLDED: &str = "case-insensitive";
/// The key and value of `generated.toml` that say lists filter and sort only by what the
/// spec allows, each served by an index (issue 45).
pub(super) const LISTS: &str = "lists";
pub(super) const LISTS_INDEXED: &str = "indexed";
/// The key of `generated.toml` that says the admin lists (jobs, webhook subscriptions and
/// deliveries) are served by an index per filter (issue 45); its value is `LISTS_INDEXED`.
pub(super) const ADMIN_LISTS: &str = "admin_lists";
/// The key of `generated.toml` that says an owner's lists have an index per access path
/// (issue 70); its value is `LISTS_INDEXED`.
pub(super) const OWNER_LISTS: &str = "owner_lists";
/// The key and value of `generated.toml` that say the outbox and the job queue keep each
/// row's trace context (issue 39).
pub(super) const TRACE_CONTEXT: &str = "trace_context";
pub(super) const TRACE_CONTEXT_KEPT: &str = "kept";
/// The key and value of `generated.toml` that say PostgreSQL's tenant policies test the
/// tenant alone (`migrate::Earlier::tenant_policies_alone`).
pub(super) const TENANT_POLICIES: &str = "tenant_policies";
pub(super) const TENANT_ALONE: &str = "tenant-alone";
/// The key and value of `generated.toml` that say PostgreSQL's per-tenant tables have the
/// columns their lists compare under the policy (`migrate::Earlier::tenant_list_columns`).
pub(super) const TENANT_LIST_COLUMNS: &str = "tenant_list_columns";
pub(super) const GENERATED: &str = "generated";
/// The key and value of `generated.toml` that say the audit trail's entries name their row's
/// tenant (`migrate::Earlier::audit_tenant`).
pub(super) const AUDIT_TENANT: &str = "audit_tenant";
pub(super) const AUDIT_TENANT_KEPT: &str = "kept";
/// The key of `generated.toml` that says the outbox's events and the webhook subscriptions
/// name their tenant (`migrate::Earlier::event_tenant`); its value is [`AUDIT_TENANT_KEPT`].
pub(super) const EVENT_TENANT: &str = "event_tenant";
/// The key of `generated.toml` that says which strings the default maximum length bounds:
/// every one (a project generated since the default) or those written since (an older
/// project, whose stored values may be longer).
pub(super) const STRING_LENGTHS: &str = "string_lengths";
pub(super) const STRINGS_ALL_BOUNDED: &str = "bounded";
pub(super) const STRINGS_WRITES_BOUNDED: &str = "bounded-on-writes";
/// The key of `generated.toml` that lists the fields (`resource.field`) that were personal
/// and are plain text now, whose columns may still hold sealed values
/// (`Field::sealed_before`): kept from one update to the next for as long as each is a text.
pub(super) const SEALED_BEFORE: &str = "sealed_before";

/// Whether a generated file is remembered as a merge base: not the migrations
/// (never rewritten) nor the spec (the input).
pub(super) fn remembered(path: &str) -> bool {
    !path.starts_with("migrations/") && path != SPEC_FILE && !path.starts_with(STATE_DIR)
}

/// Adds `.backend-gen/` to a generated project's files: with the service's own tables
/// (`tables`), so that a later version of backend-gen knows which of its tables the project
/// lacks.
pub fn remember(files: &mut FileSet, name: &str, spec: &Spec, spec_source: &str, history: History) {
    // Team-owned files too: not to merge (they are never merged) but to tell, once
    // their resource or job is gone, whether the team edited them (kept, and then
    // refused as outside the build) or not (removed).
    let bases: Vec<(String, String)> = files
        .iter()
        .filter(|(path, _)| remembered(path))
        .map(|(path, file)| (format!("{BASE}{path}"), file.contents.clone()))
        .collect();
    for (path, contents) in bases {
        files.insert(path, contents, Owner::Generator);
    }
    files.insert(APPLIED_SPEC, spec_source, Owner::Generator);
    let tables: Vec<String> = crate::schema::service_tables(spec)
        .iter()
        .map(|table| format!("{table:?}"))
        .collect();
    let sealed_before: Vec<String> = (spec.resources.iter())
        .flat_map(|r| {
            (r.fields.iter().filter(|f| f.sealed_before))
                .map(|f| format!("{:?}", crate::migrate::sealed_before_key(&r.names.snake, f)))
        })
        .collect();
    files.insert(
        STATE,
        format!(
            "# Written by backend-gen; read by `backend-gen update`.\n\
             name = {name:?}\ngenerator = {:?}\n\
             # The service's own tables the migrations have created.\n\
             tables = [{}]\n\
             # The account's unique email index compares addresses whatever their case.\n\
             {EMAILS} = {EMAILS_FOLDED:?}\n\
             # Lists filter and sort by what the spec allows, each with an index.\n\
             {LISTS} = {LISTS_INDEXED:?}\n\
             # The admin lists (jobs, webhooks) read an index per filter.\n\
             {ADMIN_LISTS} = {LISTS_INDEXED:?}\n\
             # A list narrowed to one owner's rows reads an index per access path.\n\
             {OWNER_LISTS} = {LISTS_INDEXED:?}\n\
             # The outbox and the job queue keep the trace context of what wrote each row.\n\
             {TRACE_CONTEXT} = {TRACE_CONTEXT_KEPT:?}\n\
             # PostgreSQL's tenant policies test the tenant alone; what reaches every tenant\n\
             # runs as the tables' owner.\n\
             {TENANT_POLICIES} = {TENANT_ALONE:?}\n\
             # PostgreSQL's per-tenant decimals and listed texts have a generated column their\n\
             # lists compare (`*_scaled`, `*_prefix`).\n\
             {TENANT_LIST_COLUMNS} = {GENERATED:?}\n\
             # The audit trail's entries name the tenant of their row (`tenant_id`).\n\
             {AUDIT_TENANT} = {AUDIT_TENANT_KEPT:?}\n\
             # The outbox's events and the webhook subscriptions name their tenant.\n\
             {EVENT_TENANT} = {AUDIT_TENANT_KEPT:?}\n\
             # Which strings the default maximum length bounds: all, or those written since.\n\
             {STRING_LENGTHS} = {strings:?}\n\
             # Fields that were personal: their columns may hold sealed values, which the\n\
             # service opens as it reads and unseals as it starts.\n\
             {SEALED_BEFORE} = [{}]\n",
            env!("CARGO_PKG_VERSION"),
            tables.join(", "),
            sealed_before.join(", "),
            strings = if history.string_reads_bounded {
                STRINGS_ALL_BOUNDED
            } else {
                STRINGS_WRITES_BOUNDED
            },
        ),
        Owner::Generator,
    );
    files.insert(
        format!("{STATE_DIR}/README.md"),
        STATE_README,
        Owner::Generator,
    );
}

/// The `name` key of a TOML text, or of one of its tables.
pub(super) fn name_in(text: &str, table: Option<&str>) -> Option<String> {
    let root: toml::Table = text.parse().ok()?;
    let table = match table {
        Some(key) => root.get(key)?.as_table()?,
        None => &root,
    };
    Some(table.get("name")?.as_str()?.to_string())
}

/// Whether `generated.toml` says the account's email index folds case: written by every
/// backend-gen since it does.
pub(super) fn emails_folded(state: &str) -> bool {
    says(state, EMAILS, EMAILS_FOLDED)
}

/// Whether `generated.toml` says lists are served by the spec's indexes: written by every
/// backend-gen since they are.
pub(super) fn lists_indexed(state: &str) -> bool {
    says(state, LISTS, LISTS_INDEXED)
}

/// Whether `generated.toml` says the admin lists are served by an index per filter:
/// written by every backend-gen since they are.
pub(super) fn admin_lists_indexed(state: &str) -> bool {
    says(state, ADMIN_LISTS, LISTS_INDEXED)
}

/// Whether `generated.toml` says an owner's lists have their own indexes: written by every
/// backend-gen since they do.
pub(super) fn owner_lists_indexed(state: &str) -> bool {
    says(state, OWNER_LISTS, LISTS_INDEXED)
}

pub(super) fn trace_context_kept(state: &str) -> bool {
    says(state, TRACE_CONTEXT, TRACE_CONTEXT_KEPT)
}

pub(super) fn tenant_policies_alone(state: &str) -> bool {
    says(state, TENANT_POLICIES, TENANT_ALONE)
}

pub(super) fn tenant_list_columns(state: &str) -> bool {
    says(state, TENANT_LIST_COLUMNS, GENERATED)
}

pub(super) fn audit_tenant_kept(state: &str) -> bool {
    says(state, AUDIT_TENANT, AUDIT_TENANT_KEPT)
}

pub(super) fn event_tenant_kept(state: &str) -> bool {
    says(state, EVENT_TENANT, AUDIT_TENANT_KEPT)
}

/// What `generated.toml` says of the project's past.
pub(super) fn history(state: &str) -> History {
    History {
        string_reads_bounded: says(state, STRING_LENGTHS, STRINGS_ALL_BOUNDED),
    }
}

/// Whether `generated.toml`'s `key` is `value`.
fn says(state: &str, key: &str, value: &str) -> bool {
    state
        .parse::<toml::Table>()
        .ok()
        .and_then(|root| root.get(key)?.as_str().map(|v| v == value))
        .unwrap_or(false)
}

/// The fields `generated.toml` records as once personal (`SEALED_BEFORE`): none in a
/// project from before the record.
pub(super) fn sealed_before_in(state: &str) -> BTreeSet<String> {
    let names = state.parse::<toml::Table>().ok().and_then(|root| {
        let list = root.get(SEALED_BEFORE)?.as_array()?.clone();
        Some(
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        )
    });
    names.unwrap_or_default()
}

/// The service's own tables `generated.toml` records.
pub(super) fn tables_in(state: &str) -> Option<BTreeSet<String>> {
    let root: toml::Table = state.parse().ok()?;
    let tables = root.get("tables")?.as_array()?;
    tables
        .iter()
        .map(|table| table.as_str().map(str::to_owned))
        .collect()
}

/// The service's own tables of a project whose `generated.toml` records none: one from
/// before the job queue and the idempotency keys, whose only such tables were the sessions
/// (jwt) and the outbox (events).
pub(super) fn tables_before_jobs(old: &Spec) -> BTreeSet<String> {
    let mut had = BTreeSet::new();
    if old.has_accounts() {
        had.insert(crate::sql::REFRESH_TOKENS.to_string());
    }
    if old.emits_events() {
        had.insert(crate::sql::OUTBOX.to_string());
    }
    had
}

pub(super) fn read(dir: &Path, path: &str) -> Option<String> {
    fs::read_to_string(dir.join(path)).ok()
}

/// The paths (relative to the project) of every remembered base file.
pub(super) fn base_paths(dir: &Path) -> Result<Vec<String>> {
    crate::output::relative_files(&dir.join(BASE))
}
