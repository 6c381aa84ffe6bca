//! What only the generated tests read: of the service, the resources the shared tests use,
//! the test crate's modules and the jwt flow's test cases; per resource, the rows a test may
//! hold, sample bodies, the access and field-rule cases, list examples, the owner chain, and
//! what each field, relation and event is tested with. Templates under `tests/` get it
//! (`render`); the service's own templates never see it.

use serde::Serialize;

use crate::dialect::TEXT_PREFIX_CHARS;
use crate::samples;
use crate::spec::{
    AuthMode, BelongsTo, Check, Event, Field, FieldType, FieldWrite, Kind, OnDelete, OnErase,
    Range, Resource, Rule, Rules, Spec, Trigger,
};

use super::access_tests::{
    FileAccessTest, access_cases, field_tests, file_access_tests, signed, unwritable_on_create,
};
use super::auth::registrant_unwritable;
use super::field::raw_string;
use super::relations::{
    lists_others, owned, owner_chain, owner_creates, owner_setter, owner_updates_only,
    owner_via_first, reads_others,
};
use super::remote::RemoteExample;
use super::scaled_example::ScaledExample;
use super::test_rows::{scarce, test_rows};
use super::{
    AccessCases, FieldContext, FieldTest, ListPaths, OwnerStep, RelationContext, ResourceContext,
    Uses,
};

/// The service as its generated tests see it (`tests` in the templates under `tests/` but
/// the per-resource ones, which get their resource's `ResourceTestContext` under that name).
#[derive(Debug, Default, Serialize)]
pub struct ServiceTestContext {
    /// Index of the first resource with no required parent (preferably one without a unique
    /// field of few values): the shared HTTP tests create rows of it.
    pub primary: usize,
    /// Index of the first resource whose rows are cached (`cache_ttl_seconds` above 0), for
    /// the shared test of the read cache; `None` when no resource's are.
    pub cached: Option<usize>,
    /// The modules of the integration-test crate (`tests/api/`): one per resource and
    /// one per shared concern, sorted.
    pub modules: Vec<String>,
    /// With jwt auth: a list anyone may read, if the spec has one.
    pub public_list_url: Option<String>,
    /// With jwt auth: the account fields a new account may not write.
    pub registrant_unwritable: Vec<String>,
    /// With jwt, new accounts get the admin role (`default_role = admin_role`, which the
    /// interactive flow offers knowingly): no caller is refused for lacking a role, so the
    /// tests of such refusals are left out.
    pub every_account_admin: bool,
    /// Each resource's, in the order of `ServiceContext::resources`.
    pub resources: Vec<ResourceTestContext>,
    /// The first job on one of the spec's own events, for the relay's test of it.
    pub listener: Option<super::jobs::ListenerContext>,
    /// The first job on another service's event, for the inbox's test.
    pub hearer: Option<super::jobs::ListenerContext>,
    /// What the TypeScript client's test does.
    pub client: super::ClientTestContext,
    /// The personal field the tests of sealing write (`tests/api/personal.rs`), if any.
    pub personal: Option<PersonalTest>,
    /// The file field the tests upload to (`tests/api/stored_files.rs`), if any.
    pub file: Option<super::files::FileTest>,
    /// A field that was personal (`Field::sealed_before`) the test of unsealing writes.
    pub sealed_before: Option<PersonalTest>,
    /// A personal field its resource's created event carries (`in_events = true`), for the
    /// test that it does, if any.
    pub in_events: Option<InEventsTest>,
    /// Whether the export test can make an owned row of each resource for two accounts
    /// (unique fields of few values may leave too little room; `test_rows::export_rows_fit`).
    pub export_rows_fit: bool,
    /// For each resource an export holds (`ExportContext::resources`, in its order), the ids
    /// of an account's rows by a direct query (`sql::owned_ids`): the export test's answer
    /// key; empty where the owner chain passes through another service's rows.
    pub export_owned_ids: Vec<String>,
    /// For each resource an export holds, in its order: where erasure clears its rows
    /// (`on_erase = "anonymize"`), the ids of an account's rows that still hold a personal
    /// value, by a direct query; else empty.
    pub erase_held: Vec<String>,
    /// A personal field its resource's events carry, for the test that erasure takes the
    /// account's values out of the events and jobs kept, if any.
    pub erase_marker: Option<EraseMarkerTest>,
    /// Where the accounts are another service's and their erasure is heard: the rows an
    /// account owns here, per resource (empty where the test's rows do not fit).
    pub erase_heard: Vec<ErasedRowsTest>,
    /// The account's many-to-many links (declared by the accounts or towards them), each of
    /// which the erasure test expects gone with the account; empty where the test's rows do
    /// not fit.
    pub erase_links: Vec<ErasedLinkTest>,
    /// A row an account owns in a tenant its session does not act in, for the tenancy
    /// test that its export and erasure still reach it.
    pub in_every_tenant: Option<EveryTenantTest>,
}

/// The resource of the tenancy test that an account's export and erasure reach its rows
/// in every tenant: the first per-tenant resource an export holds, made for an owner by the
/// admin (`body_owned_by_…`), whose rows erasure deletes.
#[derive(Debug, Serialize)]
pub struct EveryTenantTest {
    /// Snake (`body_owned_by_…`), the collection path and the export's key.
    pub resource: String,
    pub url: String,
    pub key: String,
    pub words: String,
    /// The account's rows by a direct query (`$1` the account).
    pub owned_ids: String,
    /// The body's key that names the owner, where it is the resource's own (not a parent's).
    pub owner_key: Option<String>,
}

impl EveryTenantTest {
    fn first(spec: &Spec) -> Option<Self> {
        if !spec.exports() {
            return None;
        }
        spec.exported().find_map(|r| {
            let chain = owner_chain(spec, r);
            if !spec.is_per_tenant(r)
                || r.on_erase != OnErase::Delete
                || chain.is_empty()
                || chain.iter().any(|step| step.replica)
            {
                return None;
            }
            Some(Self {
                resource: r.names.snake.clone(),
                url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
                key: r.names.plural_camel.clone(),
                words: r.names.plural_words.clone(),
                owned_ids: crate::sql::owned_ids(spec, r)?,
                owner_key: match chain.as_slice() {
                    [own] => Some(own.key.clone()),
                    _ => None,
                },
            })
        })
    }
}

/// A many-to-many link with the account on one side, as the erasure test makes and reads it.
#[derive(Debug, Serialize)]
pub struct ErasedLinkTest {
    /// The test's name: `user_tags`.
    pub name: String,
    /// The link's route, with `{from}` and `{to}` for the ids.
    pub route: String,
    /// The resource of the other side, which the test creates a row of.
    pub other: String,
    /// What the link is to the account: `to tags`, `from clubs`.
    pub words: String,
    /// The account is the target (`club` declares `many_to_many = ["user"]`).
    pub incoming: bool,
    /// The ids linked to the account `$1`, read straight from the link table.
    pub ids: String,
}

impl ErasedLinkTest {
    fn all(spec: &Spec) -> Vec<Self> {
        if !spec.has_accounts() || !super::test_rows::export_rows_fit(spec) {
            return Vec::new();
        }
        let test = |r: &Resource, t: &Resource, incoming: bool| {
            let join = crate::sql::join_table(r, t);
            let (other, words) = if incoming {
                (&r.names, format!("from {}", r.names.plural_words))
            } else {
                (&t.names, format!("to {}", t.names.plural_words))
            };
            Self {
                name: format!("{}_{}", r.names.snake, t.names.plural_snake),
                route: format!(
                    "{}/{}/{{from}}/{}/{{to}}",
                    spec.project.api_prefix, r.names.plural_kebab, t.names.plural_kebab
                ),
                other: other.snake.clone(),
                words,
                incoming,
                ids: if incoming {
                    crate::sql::linking_ids(r, t, &join)
                } else {
                    crate::sql::LinkSql::new(spec, r, t, &join).ids
                },
            }
        };
        (spec.account_links())
            .map(|(declaring, target)| test(declaring, target, spec.is_account(target)))
            .collect()
    }
}

/// A personal field of an owned resource that its created events carry (`in_events`), with
/// two distinct values long enough for a raw scan to look for: the erased account's and
/// another's.
#[derive(Debug, Serialize)]
pub struct EraseMarkerTest {
    /// The resource's snake name (`body_owned_by_…`) and collection path.
    pub resource: String,
    pub url: String,
    pub key: String,
    /// The erased account's value and the other's, as Rust string literals.
    pub values: Vec<String>,
}

impl EraseMarkerTest {
    /// The first such field of a resource erasure reaches whose every create records an
    /// event.
    fn first(spec: &Spec) -> Option<Self> {
        spec.exported().find_map(|r| {
            if !r.events.iter().any(|e| e.trigger == Trigger::Created)
                || crate::sql::owned_condition(spec, r).is_none()
            {
                return None;
            }
            let f = r
                .fields
                .iter()
                .find(|f| f.in_events && f.access.write != FieldWrite::None)?;
            let mut samples: Vec<String> = text_samples(r, f)
                .into_iter()
                .filter(|v| v.chars().count() >= 8)
                .collect();
            samples.sort();
            samples.dedup();
            // Neither may hold the other: a scan for one would find it in the other.
            let (mine, theirs) = samples.iter().enumerate().find_map(|(i, a)| {
                samples[i + 1..]
                    .iter()
                    .find(|b| !a.contains(b.as_str()) && !b.contains(a.as_str()))
                    .map(|b| (a, b))
            })?;
            Some(Self {
                resource: r.names.snake.clone(),
                url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
                key: f.names.camel.clone(),
                values: vec![format!("{mine:?}"), format!("{theirs:?}")],
            })
        })
    }
}

/// The rows of one resource an account owns, for the test of an erasure heard from the
/// accounts' service (`tests/api/erase.rs`).
#[derive(Debug, Serialize)]
pub struct ErasedRowsTest {
    pub names: crate::names::Names,
    pub url: String,
    /// The direct queries (`$1` the account) of the ids of its rows, and of those that still
    /// hold a personal value (`anonymize` only), as Rust string text.
    pub owned_ids: String,
    pub held: String,
    /// What the erasure does to them: `delete`, `anonymize` or `keep`.
    pub on_erase: &'static str,
    /// The resource is audited: the erasure records each row it deletes or clears.
    pub audit: bool,
}

impl ErasedRowsTest {
    fn all(spec: &Spec) -> Vec<Self> {
        if spec.erasure_heard_from().is_none() || !super::test_rows::export_rows_fit(spec) {
            return Vec::new();
        }
        spec.exported()
            .filter_map(|r| {
                Some(Self {
                    names: r.names.clone(),
                    url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
                    owned_ids: crate::sql::owned_ids(spec, r)?,
                    held: crate::sql::still_held(spec, r).unwrap_or_default(),
                    on_erase: r.on_erase.word(),
                    audit: r.audit,
                })
            })
            .collect()
    }
}

/// A personal field that requests may write, with the values the tests write into it.
#[derive(Debug, Default, Serialize)]
pub struct PersonalTest {
    /// The resource's snake name (`body_for_…`) and collection path.
    pub resource: String,
    pub url: String,
    /// Its table and column, and its blind index's, as Rust string text of SQL.
    pub table: String,
    pub column: String,
    pub index: Option<String>,
    /// The JSON key.
    pub key: String,
    pub unique: bool,
    /// Lists filter on it (`?key=value`, through the blind index): a unique field has a blind
    /// index whether or not they do.
    pub filtered: bool,
    /// Two distinct valid values, the longest ones, as Rust string literals.
    pub values: Vec<String>,
    /// The valid values of at least 8 characters, as Rust string literals: a raw scan looks
    /// for those alone, as a shorter one may be in other bytes by chance (a timestamp's
    /// digits). Empty: no scan.
    pub markers: Vec<String>,
}

/// A personal field that its resource's events carry (`in_events = true`).
#[derive(Debug, Serialize)]
pub struct InEventsTest {
    /// The resource's snake name (`body_for_…`) and collection path.
    pub resource: String,
    pub url: String,
    pub key: String,
    /// A valid value, as a Rust string literal.
    pub value: String,
    /// The outbox's table.
    pub outbox: &'static str,
}

/// The valid sample values of a string or text field `f` of `r`, as text.
fn text_samples(r: &Resource, f: &Field) -> Vec<String> {
    samples::valid(&r.names.snake, f)
        .iter()
        .filter_map(|json| serde_json::from_str::<String>(json).ok())
        .collect()
}

impl InEventsTest {
    /// The first writable personal field with `in_events` of a resource whose every create
    /// records an event.
    fn first(spec: &Spec) -> Option<Self> {
        spec.resources.iter().find_map(|r| {
            if !r.events.iter().any(|e| e.trigger == Trigger::Created) {
                return None;
            }
            let f = r
                .fields
                .iter()
                .find(|f| f.in_events && f.access.write != FieldWrite::None)?;
            let value = text_samples(r, f)
                .into_iter()
                .max_by_key(|v| v.chars().count())?;
            Some(Self {
                resource: r.names.snake.clone(),
                url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
                key: f.names.camel.clone(),
                value: format!("{value:?}"),
                outbox: crate::sql::OUTBOX,
            })
        })
    }
}

impl PersonalTest {
    /// The first personal field any request may write (an admin passes every rule but
    /// `write = "none"`), with two distinct sample values. Not the accounts' email, whose
    /// own tests go through sign-up and sign-in (`tests/api/account.rs`).
    fn first(spec: &Spec) -> Option<Self> {
        Self::first_where(spec, |r, f| {
            f.personal && !f.in_events && !spec.is_personal_account_email(r, f)
        })
    }

    /// The first field that was personal and any request may write.
    fn first_sealed_before(spec: &Spec) -> Option<Self> {
        Self::first_where(spec, |_, f| f.sealed_before)
    }

    /// The first field `pick` takes that any request may write, with two distinct sample
    /// values.
    fn first_where(spec: &Spec, pick: impl Fn(&Resource, &Field) -> bool) -> Option<Self> {
        spec.resources.iter().find_map(|r| {
            let f = (r.fields.iter()).find(|f| pick(r, f) && f.access.write != FieldWrite::None)?;
            let mut samples = text_samples(r, f);
            samples.dedup();
            if samples.len() < 2 {
                return None;
            }
            // Longest first: the scans look for values of 8 characters or more.
            samples.sort_by_key(|v| std::cmp::Reverse(v.chars().count()));
            let literal = |value: &String| format!("{value:?}");
            Some(Self {
                resource: r.names.snake.clone(),
                url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
                table: crate::sql::rust_text(r.names.plural_sql.clone()),
                column: crate::sql::rust_text(f.names.sql.clone()),
                index: f.blind_index(),
                key: f.names.camel.clone(),
                unique: f.unique,
                filtered: f.list.filter,
                values: samples.iter().take(2).map(literal).collect(),
                markers: samples
                    .iter()
                    .filter(|v| v.chars().count() >= 8)
                    .take(3)
                    .map(literal)
                    .collect(),
            })
        })
    }
}

impl ServiceTestContext {
    /// The tests' context of `spec`, whose resources' contexts are `resources`.
    pub(super) fn new(
        spec: &Spec,
        uses: &Uses,
        modules_sorted: &[String],
        resources: &[ResourceContext],
    ) -> Self {
        let jwt = spec.auth.mode == AuthMode::Jwt;
        let client = super::ClientTestContext::new(spec, resources);
        // Nothing for the client's test to make (every resource needs another service's
        // rows, and the accounts are another's): no test, rather than one of unused imports.
        let typed_client = client.resource.is_some() || client.account.is_some();
        Self {
            primary: primary(spec),
            every_account_admin: jwt && spec.auth.default_role == spec.auth.admin_role,
            cached: spec.resources.iter().position(|r| r.cache_ttl_seconds > 0),
            modules: test_modules(spec, uses, modules_sorted, typed_client),
            listener: super::jobs::ListenerContext::first(spec, false),
            hearer: super::jobs::ListenerContext::first(spec, true),
            client,
            personal: PersonalTest::first(spec),
            file: super::files::FileTest::first(spec),
            sealed_before: PersonalTest::first_sealed_before(spec),
            in_events: InEventsTest::first(spec),
            export_rows_fit: super::test_rows::export_rows_fit(spec),
            export_owned_ids: spec
                .exported()
                .map(|r| crate::sql::owned_ids(spec, r).unwrap_or_default())
                .collect(),
            erase_held: spec
                .exported()
                .map(|r| crate::sql::still_held(spec, r).unwrap_or_default())
                .collect(),
            erase_marker: EraseMarkerTest::first(spec),
            erase_heard: ErasedRowsTest::all(spec),
            erase_links: ErasedLinkTest::all(spec),
            in_every_tenant: EveryTenantTest::first(spec),
            public_list_url: spec
                .resources
                .iter()
                .find(|r| jwt && r.access.list.contains(&Rule::Public))
                .map(|r| format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab)),
            registrant_unwritable: if jwt {
                registrant_unwritable(spec)
            } else {
                Vec::new()
            },
            resources: spec
                .resources
                .iter()
                .zip(resources)
                .enumerate()
                .map(|(i, (r, context))| ResourceTestContext::new(spec, r, i, context))
                .collect(),
        }
    }
}

/// One field as the generated tests see it, beside its `FieldContext` (at the same index of
/// `ResourceTestContext::fields`).
#[derive(Debug, Serialize)]
pub struct FieldTestContext {
    /// The JSON key.
    pub key: String,
    pub required: bool,
    pub is_enum: bool,
    /// The spec's type name (`date`, `big_integer`...).
    pub spec_type: &'static str,
    pub unique: bool,
    /// No body writes it (`write = "none"`): the sample bodies leave it out.
    pub write_never: bool,
    /// Set on create only (`write = "create"`): the tests' updates leave it alone.
    pub set_once: bool,
    /// Valid JSON values, distinct (see `samples`).
    pub samples: Vec<String>,
    /// A JSON value that breaks one of the field's rules.
    pub invalid: Option<String>,
    /// A JSON value of the wrong type (400), if the field has a type to break.
    pub wrong_type: Option<String>,
    /// Lists may filter on it alone (`?key=value`); else such a filter gets 400.
    pub filterable: bool,
}

impl FieldTestContext {
    fn new(f: &Field, context: &FieldContext, paths: &ListPaths) -> Self {
        Self {
            key: context.names.camel.clone(),
            required: context.required,
            is_enum: context.is_enum,
            spec_type: context.spec_type,
            unique: f.unique,
            filterable: paths.filters_alone(&context.names.camel),
            write_never: context.write_never,
            set_once: f.access.write == FieldWrite::Create,
            samples: context.samples.clone(),
            invalid: samples::invalid(f),
            wrong_type: samples::wrong_type(f),
        }
    }
}

/// One relation to a parent as the generated tests see it, beside its `RelationContext` (at
/// the same index of `ResourceTestContext::belongs_to`).
#[derive(Debug, Serialize)]
pub struct RelationTestContext {
    /// `cascade`, `restrict` or `set_null`.
    pub on_delete: &'static str,
    /// The parent's collection URL, and whether its deletes are soft (which
    /// leave foreign keys, and so `on_delete`, untouched).
    pub target_url: String,
    pub target_soft_delete: bool,
}

impl RelationTestContext {
    fn new(spec: &Spec, b: &BelongsTo, context: &RelationContext) -> Self {
        Self {
            on_delete: match b.on_delete {
                OnDelete::Cascade => "cascade",
                OnDelete::Restrict => "restrict",
                OnDelete::SetNull => "set_null",
            },
            target_url: context.target_url.clone(),
            target_soft_delete: spec.resource(&b.target).is_some_and(|p| p.soft_delete),
        }
    }
}

/// One event as the generated tests see it, beside its `EventContext` (at the same index of
/// `ResourceTestContext::events`).
#[derive(Debug, Serialize)]
pub struct EventTestContext {
    /// A transition whose field an update may set: the tests move it with a `PATCH`.
    pub patch: bool,
}

impl EventTestContext {
    fn new(r: &Resource, event: &Event) -> Self {
        let patch = match &event.trigger {
            Trigger::Becomes { field, .. } => r.fields.iter().any(|f| {
                f.names.snake == *field
                    && matches!(f.access.write, FieldWrite::Row | FieldWrite::Rules(_))
            }),
            Trigger::Created | Trigger::Updated | Trigger::Deleted | Trigger::Erased => false,
        };
        Self { patch }
    }
}

/// One resource as its generated tests see it, beside its `ResourceContext`.
#[derive(Debug, Serialize)]
pub struct ResourceTestContext {
    /// Position in the spec (indexes per-resource test counters).
    pub index: usize,
    /// The most rows of this resource one generated test may hold at once: `samples::COUNT`,
    /// or fewer when a unique field (its own, or a parent's that each new row creates one
    /// of) allows fewer distinct values. Tests that need more rows are left out.
    pub rows: usize,
    /// Keys of the unique fields with fewer distinct values than `samples::COUNT`: a test
    /// body takes the first sample whose values of these no stored row holds.
    pub scarce_keys: Vec<String>,
    /// With jwt auth: whether a default-role user may create (and so own) a row, and what
    /// every kind of caller gets for every action (for the generated access tests).
    pub owner_creates: bool,
    pub access_cases: Vec<AccessCases>,
    /// What each kind of caller gets from each file field's routes (with jwt).
    pub file_access: Vec<FileAccessTest>,
    /// Rows have owners and a default-role user reads only their own: the generated tests
    /// check that a second user can neither see nor change the first one's.
    pub private_rows: bool,
    /// Such rows are in every user's list all the same (`list` admits them): the spec's
    /// choice, which the test then leaves to the access tests.
    pub listed_to_all: bool,
    /// With ownership through parents: the JSON key of the first relation on the way, and
    /// whether a default-role user may update their own rows only.
    pub owner_via_key: Option<String>,
    pub owner_updates_only: bool,
    /// With ownership through a parent of this service that a user of the default role
    /// may name in a create: what a create naming a parent that does not exist gets, 422
    /// (naming the key) where that user may read every such parent, else 403 (which keeps
    /// whether someone else's exists to itself).
    pub missing_parent_status: Option<u16>,
    /// A role in `owner_set_by` that may also create rows.
    pub owner_setter: Option<String>,
    /// Some resource's owner chain makes rows of this one.
    pub in_owner_chain: bool,
    /// How to make a row owned by a given user, from the resource whose key names the user
    /// up to this one (each step's row goes in the next's key).
    pub owner_chain: Vec<OwnerStep>,
    /// The fields with rules of their own.
    pub field_tests: Vec<FieldTest>,
    /// Keys set once, on create, which an update may not change.
    pub set_once_keys: Vec<String>,
    /// Writable keys an update may change (`keys` but the set-once ones).
    pub changeable_keys: Vec<String>,
    /// The keys of a sample body that a user with the default role may not write when it
    /// creates a row it will own (and, with an `owner_setter`, that role).
    pub owner_unwritable: Vec<String>,
    pub setter_unwritable: Vec<String>,
    /// A field to test equality filters with: its key and the JSON of two
    /// different sample values (rows 0 and 1 of the sample bodies).
    pub filter_example: Option<FilterExample>,
    /// A number field to test `Min`/`Max` with, and its second (larger) sample.
    pub range_example: Option<FilterExample>,
    /// A per-tenant decimal with a scaled column that lists sort by, to test bounds between
    /// its stored values with.
    pub scaled_example: Option<ScaledExample>,
    /// A required field whose first three samples differ, to test sorting by.
    pub sort_example: Option<String>,
    /// An optional field, to test that nulls sort last and cursors cross them.
    pub null_sort_example: Option<String>,
    /// A field lists may not sort by, and one they may not filter on (with a value), for
    /// the tests that such requests get 400 naming what is allowed.
    pub unsortable_example: Option<String>,
    pub unfilterable_example: Option<FilterExample>,
    /// A text field lists filter on and sort by alone, whose rules take texts of
    /// `TEXT_PREFIX_CHARS` + 1 characters: the test that its filter and its sort's cursors
    /// see past the characters its index holds (and cross its nulls, when it has them).
    pub text_example: Option<TextExample>,
    /// A field holding another service's id, for the tests of the check with that service.
    pub remote_example: Option<RemoteExample>,
    /// `TEXT_PREFIX_CHARS`, for that test.
    pub text_prefix: usize,
    /// The keys lists may sort by, and filter on, with no other filter.
    pub list_sorts: Vec<String>,
    pub list_filters: Vec<String>,
    /// Every list route of the resource with the first sort keys a request with no filter
    /// of its own may use there that every caller who may list may name (a key with read
    /// rules of its own is refused to some): the tests call each, both ways, as every kind
    /// of caller.
    pub list_routes: Vec<ListRoute>,
    /// Create bodies (fields only, no foreign keys) as Rust raw string
    /// literals of JSON, all valid and pairwise distinct.
    pub sample_bodies: Vec<String>,
    /// Per field, relation and event, in the order of the resource's own.
    pub fields: Vec<FieldTestContext>,
    pub belongs_to: Vec<RelationTestContext>,
    pub events: Vec<EventTestContext>,
}

/// One list route: the top-level list, or the list nested under a parent.
#[derive(Debug, Serialize)]
pub struct ListRoute {
    /// Under a parent: the relation's JSON key (the row's holds the parent's id) and the
    /// route with `{id}` where the parent's id goes.
    pub parent_key: Option<String>,
    pub path: String,
    pub sorts: Vec<String>,
}

impl ListRoute {
    fn all(spec: &Spec, r: &Resource, resource: &ResourceContext) -> Vec<Self> {
        let paths = &resource.list_paths;
        let hidden: Vec<&str> = r
            .fields
            .iter()
            .filter(|f| f.access.read.is_some())
            .map(|f| f.names.camel.as_str())
            .collect();
        // What a request with no filter of its own may sort by first: any sort on the list
        // of all rows; under a parent, the default and a combination of the parent's key
        // alone (the document's other sorts there need the filters their descriptions name).
        let sorts = |scope: Option<&str>| -> Vec<String> {
            let mut sorts = match scope {
                None => paths.sorts.clone(),
                Some(scope) => {
                    let mut sorts = vec![paths.default_sort.clone()];
                    sorts.extend(
                        paths
                            .combinations
                            .iter()
                            .filter(|c| c.filters == [scope])
                            .map(|c| c.sort.clone()),
                    );
                    sorts
                }
            };
            sorts.retain(|key| !hidden.contains(&key.as_str()));
            sorts.dedup();
            sorts
        };
        let prefix = &spec.project.api_prefix;
        let mut routes = vec![Self {
            parent_key: None,
            path: format!("{prefix}/{}", r.names.plural_kebab),
            sorts: sorts(None),
        }];
        for b in resource.belongs_to.iter().filter(|b| !b.remote) {
            routes.push(Self {
                parent_key: Some(b.json.clone()),
                path: format!("{prefix}{}", b.nested_path),
                sorts: sorts(Some(&b.json)),
            });
        }
        routes
    }
}

/// The text field a list test filters and sorts by.
#[derive(Debug, Serialize)]
pub struct TextExample {
    pub key: String,
    pub required: bool,
    /// Its maximum length: a filter value one longer is refused.
    pub max_chars: u32,
}

/// A field a list test filters by, and the value it looks for.
#[derive(Debug, Serialize)]
pub struct FilterExample {
    pub key: String,
    /// The first sample as a query-string value (unquoted).
    pub query_value: String,
}

impl ResourceTestContext {
    /// The tests' context of `r`, the `index`-th resource, whose own context is `resource`.
    pub(super) fn new(spec: &Spec, r: &Resource, index: usize, resource: &ResourceContext) -> Self {
        let fields = &resource.fields;
        let default_role = spec.auth.default_role.as_str();
        let owner_setter = owner_setter(r);
        let examples = ListExamples::new(fields, &resource.list_paths);
        Self {
            index,
            rows: test_rows(spec, r),
            scarce_keys: r
                .fields
                .iter()
                .filter(|f| scarce(f))
                .map(|f| f.names.camel.clone())
                .collect(),
            owner_creates: owner_creates(spec, r),
            access_cases: if spec.auth.mode == AuthMode::Jwt {
                access_cases(spec, r)
            } else {
                Vec::new()
            },
            file_access: if spec.auth.mode == AuthMode::Jwt {
                file_access_tests(spec, r)
            } else {
                Vec::new()
            },
            private_rows: owned(spec, r) && !reads_others(spec, r),
            listed_to_all: lists_others(spec, r),
            owner_via_key: owner_via_first(r).map(|b| format!("{}Id", b.names.camel)),
            owner_updates_only: owner_via_first(r).is_some() && owner_updates_only(spec, r),
            missing_parent_status: missing_parent_status(spec, r),
            in_owner_chain: spec.resources.iter().any(|other| {
                owner_chain(spec, other)
                    .iter()
                    .any(|step| step.resource == r.names.snake)
            }),
            owner_chain: owner_chain(spec, r),
            field_tests: field_tests(spec, r, fields),
            set_once_keys: r
                .fields
                .iter()
                .filter(|f| f.access.write == FieldWrite::Create)
                .map(|f| f.names.camel.clone())
                .collect(),
            changeable_keys: resource
                .keys
                .iter()
                .filter(|key| {
                    !r.fields.iter().any(|f| {
                        f.names.camel == **key
                            && matches!(f.access.write, FieldWrite::Create | FieldWrite::None)
                    })
                })
                .cloned()
                .collect(),
            owner_unwritable: unwritable_on_create(
                &spec.auth,
                r,
                &signed(vec![default_role]),
                true,
            ),
            setter_unwritable: owner_setter
                .as_ref()
                .map(|role| {
                    let roles = signed(vec![default_role, role.as_str()]);
                    unwritable_on_create(&spec.auth, r, &roles, false)
                })
                .unwrap_or_default(),
            owner_setter,
            filter_example: examples.filter,
            range_example: examples.range,
            scaled_example: ScaledExample::of(spec, r, fields, &resource.list_paths),
            sort_example: examples.sort,
            null_sort_example: examples.null_sort,
            unsortable_example: examples.unsortable,
            unfilterable_example: examples.unfilterable,
            text_example: text_example(r, fields, &resource.list_paths),
            remote_example: RemoteExample::of(r),
            text_prefix: TEXT_PREFIX_CHARS,
            list_sorts: resource.list_paths.sorts.clone(),
            list_filters: resource.list_paths.filters.clone(),
            list_routes: ListRoute::all(spec, r, resource),
            sample_bodies: sample_bodies(fields),
            fields: r
                .value_fields()
                .zip(fields)
                .map(|(f, context)| FieldTestContext::new(f, context, &resource.list_paths))
                .collect(),
            belongs_to: r
                .belongs_to
                .iter()
                .zip(&resource.belongs_to)
                .map(|(b, context)| RelationTestContext::new(spec, b, context))
                .collect(),
            events: r
                .events
                .iter()
                .map(|e| EventTestContext::new(r, e))
                .collect(),
        }
    }
}

/// The fields the list tests filter and sort by (see `ResourceTestContext`), among those the
/// spec lets lists use: a filter allowed alone, a sortable key (its ranges apply while the
/// list is sorted by it).
struct ListExamples {
    filter: Option<FilterExample>,
    range: Option<FilterExample>,
    sort: Option<String>,
    null_sort: Option<String>,
    unsortable: Option<String>,
    unfilterable: Option<FilterExample>,
}

impl ListExamples {
    fn new(fields: &[FieldContext], paths: &ListPaths) -> Self {
        // Fields no body writes cannot tell the sample rows apart.
        let writable = || fields.iter().filter(|f| !f.write_never);
        let filters = |f: &FieldContext| paths.filters.contains(&f.names.camel);
        let sorts = |f: &FieldContext| paths.sorts.contains(&f.names.camel);
        // A field with a list kind (not json) that no access path uses that way.
        let listable = || fields.iter().filter(|f| f.kind.props().filter());
        let unquote = |sample: &str| {
            serde_json::from_str::<serde_json::Value>(sample)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| sample.to_owned())
        };
        Self {
            filter: writable()
                .find(|f| filters(f) && f.samples[0] != f.samples[1])
                .map(|f| FilterExample {
                    key: f.names.camel.clone(),
                    query_value: unquote(&f.samples[0]),
                }),
            range: writable()
                .find(|f| {
                    f.kind.props().range == Some(Range::Number)
                        && sorts(f)
                        && f.samples[0] != f.samples[1]
                })
                .map(|f| FilterExample {
                    key: f.names.camel.clone(),
                    query_value: unquote(&f.samples[1]),
                }),
            sort: writable()
                .find(|f| {
                    f.required
                        && sorts(f)
                        && f.samples[0] != f.samples[1]
                        && f.samples[1] != f.samples[2]
                        && f.samples[0] != f.samples[2]
                })
                .map(|f| f.names.camel.clone()),
            // A text's own test crosses its nulls (`text_example`): another kind first.
            null_sort: writable()
                .filter(|f| !f.required && sorts(f) && f.samples[1] != f.samples[2])
                .min_by_key(|f| f.kind == Kind::Text)
                .map(|f| f.names.camel.clone()),
            unsortable: listable()
                .find(|f| !paths.any_sort().contains(&f.names.camel.as_str()))
                .map(|f| f.names.camel.clone()),
            unfilterable: listable()
                .find(|f| !paths.any_filter().contains(&f.names.camel.as_str()))
                .map(|f| FilterExample {
                    key: f.names.camel.clone(),
                    query_value: unquote(&f.samples[0]),
                }),
        }
    }
}

/// The text field of `text_example` (see `ResourceTestContext`), if `r` has one.
fn text_example(r: &Resource, fields: &[FieldContext], paths: &ListPaths) -> Option<TextExample> {
    let long = TEXT_PREFIX_CHARS as u32 + 1;
    r.value_fields()
        .zip(fields)
        .find(|(f, context)| {
            let key = &context.names.camel;
            f.ty == FieldType::Text
                && !context.write_never
                && paths.filters.contains(key)
                && paths.sorts.contains(key)
                && f.rules.pattern.is_none()
                && f.rules.min_length.is_none_or(|n| n <= long)
                && f.rules.max_length.is_none_or(|n| n >= long)
        })
        .map(|(f, context)| TextExample {
            key: context.names.camel.clone(),
            required: f.required,
            max_chars: f.max_length().unwrap_or(Rules::DEFAULT_MAX_LENGTH),
        })
}

/// One create body per sample row: every field a body writes, as a raw string literal.
fn sample_bodies(fields: &[FieldContext]) -> Vec<String> {
    (0..samples::COUNT)
        .map(|i| {
            let pairs: Vec<String> = fields
                .iter()
                .filter(|f| !f.write_never)
                .map(|f| format!("{:?}: {}", f.names.camel, f.samples[i]))
                .collect();
            raw_string(&format!("{{{}}}", pairs.join(", ")))
        })
        .collect()
}

/// The first resource with no required parent, preferably one whose tests may hold as many
/// rows as they like (see `ServiceContext::primary`).
fn primary(spec: &Spec) -> usize {
    let free = |r: &Resource| r.belongs_to.iter().all(|b| !b.required);
    let roomy = |r: &Resource| test_rows(spec, r) == samples::COUNT;
    let resources = &spec.resources;
    resources
        .iter()
        .position(|r| free(r) && roomy(r))
        .or_else(|| resources.iter().position(free))
        .unwrap_or(0)
}

/// The modules of the integration-test crate: one per concern, the optional ones when the
/// spec has them, and one per resource (`resource_modules`), sorted.
fn test_modules(
    spec: &Spec,
    uses: &Uses,
    resource_modules: &[String],
    typed_client: bool,
) -> Vec<String> {
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
    let jwt = spec.auth.mode == AuthMode::Jwt;
    let optional = [
        (jwt, "auth"),
        (spec.has_accounts(), "account"),
        (uses.events, "outbox"),
        (uses.jobs, "jobs"),
        (uses.webhooks, "webhooks"),
        (uses.personal, "personal"),
        (spec.exports(), "export"),
        (
            spec.has_accounts() || spec.erasure_heard_from().is_some(),
            "erase",
        ),
        (spec.project.graphql, "graphql"),
        (uses.audit, "audit_trail"),
        (typed_client, "typed_client"),
        (uses.sign_in, "sign_in_with_providers"),
        (uses.tenancy, "tenancy"),
        (
            super::files::FileTest::first(spec).is_some(),
            "stored_files",
        ),
    ];
    let mut modules: Vec<String> = concerns
        .into_iter()
        .chain(optional.into_iter().filter_map(|(on, m)| on.then_some(m)))
        .map(str::to_owned)
        .chain(resource_modules.iter().cloned())
        .collect();
    modules.sort();
    modules
}

/// See `ResourceTestContext::missing_parent_status`: for a resource owned through a local
/// parent whose create rules let any signed-in user try (`owner`).
fn missing_parent_status(spec: &Spec, r: &Resource) -> Option<u16> {
    let via = owner_via_first(r)?;
    let parent = spec.resource(&via.target)?;
    if spec.is_remote(via) || via.check == Check::Replica || !r.access.create.contains(&Rule::Owner)
    {
        return None;
    }
    let default_role = spec.auth.default_role.as_str();
    let reads_all = parent.access.read.iter().any(|rule| match rule {
        Rule::Public | Rule::Authenticated | Rule::Verified => true,
        Rule::Role(role) => role == default_role,
        Rule::Owner => false,
    });
    Some(if reads_all { 422 } else { 403 })
}
