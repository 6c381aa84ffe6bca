//! The data templates render from. Everything a template prints is computed
//! here, once, from the validated `Spec`: names in every casing, Rust and SQL
//! types, SQL text (through `Dialect` and `sql`), routes and test samples.
//! Templates only print and loop; they never re-case a name or decide a type.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::dialect::Dialect;
use crate::layout::use_block;
use crate::names::{Names, with_article};
use crate::operations::{Mount, Operation, mounts, operations};
use crate::samples;
use crate::spec::routes::{children, nested_segment};
use crate::spec::{
    Access, Auth, AuthMode, Bound, Database, Denied, Event, Field, FieldType, FieldWrite, Format,
    Literal, OnDelete, Resource, Rule, Signed, Spec, Trigger,
};
use crate::sql::{LinkSql, ResourceSql, join_table, rust_text, taken};

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
    /// Every operation (`crate::operations`): the API's, then health, metrics, the document.
    pub routes: Vec<Operation>,
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

#[derive(Debug, Serialize)]
pub struct AuthContext {
    /// The spec's `[auth]` (roles, token lifetimes, password policy).
    #[serde(flatten)]
    pub settings: Auth,
    pub login_per_minute: u32,
    /// The user resource's names, collection URL and position among the resources.
    pub account: Names,
    pub account_url: String,
    pub account_index: usize,
    /// A password that meets the policy, for generated tests.
    pub sample_password: String,
    /// For generated tests: a list anyone may read, if the spec has one.
    pub public_list_url: Option<String>,
    /// Some field of the account resource has rules of its own: registration and `/auth/me`
    /// go through them.
    pub account_field_rules: bool,
    /// Some field of the account resource is hidden from some callers: `/auth/me` and
    /// registration's answer show the account as its owner may see it.
    pub account_read_rules: bool,
    /// For the generated tests: the account fields a new account may not write.
    pub registrant_unwritable: Vec<String>,
    /// The README's register example: a JSON body with the account's required fields (each
    /// its first sample), the email among them, and `sample_password`.
    pub register_example: String,
    /// The email of `register_example`, for the README's login and `grant-role` examples.
    pub sample_email: String,
    /// The placeholders of `register_example` for the account's required parents, each with
    /// what to put there ("TEAM-ID: the id of a team (`POST /v1/teams`)").
    pub register_parents: Vec<String>,
}

/// Who may do each action (`list`, `read`...), as the Rust elements of a `&[Rule]` slice.
pub type AccessContext = BTreeMap<&'static str, Vec<String>>;

fn access_context(access: &Access) -> AccessContext {
    access
        .by_action()
        .into_iter()
        .map(|(action, rules)| (action, rust_rules(rules)))
        .collect()
}

/// The generated `access::Rule` expressions of rules.
fn rust_rules(rules: &[Rule]) -> Vec<String> {
    rules
        .iter()
        .map(|rule| match rule {
            Rule::Public => "Rule::Public".to_string(),
            Rule::Authenticated => "Rule::Authenticated".into(),
            Rule::Verified => "Rule::Verified".into(),
            Rule::Owner => "Rule::Owner".into(),
            Rule::Role(role) => format!("Rule::Role({role:?})"),
        })
        .collect()
}

/// A field with rules of its own, for its resource's `FIELDS` constant.
#[derive(Debug, Serialize)]
pub struct FieldRuleContext {
    pub key: String,
    /// `Rule` expressions of who sees the key; empty: whoever may read the row.
    pub read: Vec<String>,
    /// The generated `FieldWrite` variant, and for `Rules` its `Rule` expressions.
    pub write: &'static str,
    pub write_rules: Vec<String>,
    /// A value the caller may not write is dropped rather than refused.
    pub ignore_denied: bool,
    /// The rules in words, for the generated README.
    pub words: String,
}

/// A field's rules in words: who sees it, who writes it.
fn field_rules_in_words(auth: &Auth, access: &crate::spec::FieldAccess) -> String {
    let mut parts = Vec::new();
    if let Some(read) = &access.read {
        parts.push(format!(
            "seen only by {} (others never get the key, nor filter or sort by it)",
            auth.who_passes(read)
        ));
    }
    let denied = match access.denied {
        Denied::Reject => "others get 422",
        Denied::Ignore => "what others send is ignored",
    };
    match &access.write {
        FieldWrite::Row => {}
        FieldWrite::Rules(rules) => parts.push(format!(
            "written only by {}: {denied}",
            auth.who_passes(rules)
        )),
        FieldWrite::Create => parts.push(format!(
            "set once, by whoever creates the row; no update changes it ({denied})"
        )),
        FieldWrite::None => parts.push(format!(
            "read-only: only the rules code (`src/rules/`) or jobs set it ({denied})"
        )),
    }
    parts.join("; ")
}

fn field_rules(auth: &Auth, r: &Resource) -> Vec<FieldRuleContext> {
    r.fields
        .iter()
        .filter(|f| f.access.is_restricted())
        .map(|f| FieldRuleContext {
            key: f.names.camel.clone(),
            read: f.access.read.as_deref().map(rust_rules).unwrap_or_default(),
            write: match &f.access.write {
                FieldWrite::Row => "Row",
                FieldWrite::Rules(_) => "Rules",
                FieldWrite::Create => "Create",
                FieldWrite::None => "Never",
            },
            write_rules: match &f.access.write {
                FieldWrite::Rules(rules) => rust_rules(rules),
                _ => Vec::new(),
            },
            ignore_denied: f.access.denied == Denied::Ignore,
            words: field_rules_in_words(auth, &f.access),
        })
        .collect()
}

/// One action of the generated access tests: each caller and what it gets.
#[derive(Debug, Serialize)]
pub struct AccessCases {
    pub action: &'static str,
    pub cases: Vec<AccessCase>,
}

#[derive(Debug, Serialize)]
pub struct AccessCase {
    /// `anonymous`, `owner`, `stranger` (signed in, owns nothing), `admin`, or a role name.
    pub caller: String,
    pub status: u16,
    /// For lists: whether the owner's row is among those listed.
    pub sees_it: bool,
    /// For creates: the keys of the sample body this caller may not write (field rules).
    pub unwritable: Vec<String>,
}

/// A kind of caller of the generated tests (see `TestApp::token_for` there): its name, what
/// access rules see of it (`None`: anonymous), and whether it owns the test's row.
type TestCaller<'a> = (String, Option<Signed<'a>>, bool);

/// A signed-in caller of the generated tests: they all have verified emails but `unverified`.
fn signed<'a>(roles: Vec<&'a str>) -> Option<Signed<'a>> {
    Some(Signed {
        roles,
        verified: true,
    })
}

/// The callers of the generated access tests, the admin last. Callers with an extra role are
/// named `role:NAME`, so that no role name can pass for another kind of caller.
fn test_callers<'a>(spec: &'a Spec, r: &Resource) -> Vec<TestCaller<'a>> {
    let auth = &spec.auth;
    let owned = spec.is_account(r) || r.owner.is_some();
    let member = || vec![auth.default_role.as_str()];
    let mut callers: Vec<TestCaller<'a>> = vec![
        ("anonymous".into(), None, false),
        ("owner".into(), signed(member()), owned),
        ("stranger".into(), signed(member()), false),
    ];
    let mut rules = spec.resources.iter().flat_map(Resource::rules);
    if rules.any(|rule| *rule == Rule::Verified) {
        let unverified = Signed {
            roles: member(),
            verified: false,
        };
        callers.push(("unverified".into(), Some(unverified), false));
    }
    for role in &auth.roles {
        if *role != auth.admin_role && *role != auth.default_role {
            let roles = vec![auth.default_role.as_str(), role];
            callers.push((format!("role:{role}"), signed(roles), false));
        }
    }
    callers.push((
        "admin".into(),
        signed(vec![auth.admin_role.as_str()]),
        false,
    ));
    callers
}

/// The keys of `r`'s sample bodies that a caller may not write when it creates a row (which it
/// will own when `owns`).
fn unwritable_on_create(
    auth: &Auth,
    r: &Resource,
    roles: &Option<Signed<'_>>,
    owns: bool,
) -> Vec<String> {
    r.fields
        .iter()
        .filter(|f| match &f.access.write {
            FieldWrite::Rules(rules) => !auth.passes(rules, roles.as_ref(), owns),
            _ => false,
        })
        .map(|f| f.names.camel.clone())
        .collect()
}

/// The generated test of one field with rules of its own.
#[derive(Debug, Serialize)]
pub struct FieldTest {
    pub key: String,
    pub snake: String,
    /// Two different JSON values of the field: a write sends the one the row does not hold.
    pub values: Option<[String; 2]>,
    /// A caller who may read the row but not see the field.
    pub hidden_from: Option<String>,
    /// Whether that caller may list the rows too (lists, sparse fields, filters, sorts).
    pub hidden_in_lists: bool,
    /// Whether filters and sorts can name the field (json fields are only selectable).
    pub filterable: bool,
    /// A nested list the caller may read the row in: the relation's key, the parent
    /// collection's URL and the children's segment under a parent.
    pub nested: Option<(String, String, String)>,
    /// A caller who may update the row but not write the field.
    pub update_denied_to: Option<String>,
    /// A caller who may create a row but not write the field, and the other keys of the sample
    /// body it may not write.
    pub create_denied_to: Option<String>,
    pub create_unwritable: Vec<String>,
    pub ignore_denied: bool,
    pub set_once: bool,
    pub never: bool,
}

/// The tests of `r`'s fields that have rules of their own.
fn field_tests(spec: &Spec, r: &Resource, fields: &[FieldContext]) -> Vec<FieldTest> {
    let auth = &spec.auth;
    let callers = test_callers(spec, r);
    // The admin passes every rule: the callers to find are among the others, signed-in ones
    // first (they reach nested lists).
    let mut others: Vec<&TestCaller> = callers[..callers.len() - 1].iter().collect();
    others.sort_by_key(|(_, roles, _)| roles.is_none());
    let through_parents = r.owner.as_ref().is_some_and(|o| o.relation().is_none());
    let passes = |rules: &[Rule], roles: &Option<Signed<'_>>, owns: bool| {
        auth.passes(rules, roles.as_ref(), owns)
    };
    let lists = |roles: &Option<Signed<'_>>, owns: bool| {
        passes(&r.access.list, roles, false)
            || (roles.is_some() && owns && r.access.list.contains(&Rule::Owner))
    };
    r.fields
        .iter()
        .zip(fields)
        .filter(|(f, _)| f.access.is_restricted())
        .map(|(f, context)| {
            let samples = &context.samples;
            let values = samples
                .iter()
                .skip(1)
                .find(|other| **other != samples[0])
                .map(|other| [samples[0].clone(), other.clone()]);
            let hidden = f.access.read.as_ref().and_then(|read| {
                others.iter().find(|(_, roles, owns)| {
                    passes(&r.access.read, roles, *owns) && !passes(read, roles, *owns)
                })
            });
            let nested = hidden.and_then(|(name, roles, owns)| {
                let b = r.belongs_to.iter().find(|b| {
                    let Some(parent) = spec.resource(&b.target) else {
                        return false;
                    };
                    // The caller owns the parent when it holds the row's owner.
                    let owns_parent = *owns
                        && (r.is_owner(b)
                            || r.owner.as_ref().is_some_and(|o| o.path[0] == b.names.snake));
                    b.target != r.names.snake
                        && lists(roles, *owns)
                        && passes(&parent.access.read, roles, owns_parent)
                        && name != "anonymous"
                })?;
                let parent = spec.resource(&b.target)?;
                Some((
                    format!("{}Id", b.names.camel),
                    format!("{}/{}", spec.project.api_prefix, parent.names.plural_kebab),
                    crate::spec::routes::nested_segment(r, b),
                ))
            });
            let write_rules = match &f.access.write {
                FieldWrite::Rules(rules) => Some(rules),
                _ => None,
            };
            let update_denied_to = write_rules.and_then(|w| {
                others.iter().find(|(_, roles, owns)| {
                    passes(&r.access.read, roles, *owns)
                        && passes(&r.access.update, roles, *owns)
                        && !passes(w, roles, *owns)
                })
            });
            // Creating through parents, the tests make the row under the owner's parent.
            let create_denied = write_rules.and_then(|w| {
                others.iter().find_map(|caller @ (name, roles, owns)| {
                    // A signed-in creator owns what it makes, or, through parents, what it
                    // makes under its own parent.
                    let owns_new = roles.is_some() && (*owns || !through_parents);
                    let creates = match roles {
                        None => passes(&r.access.create, roles, false) && r.owner.is_none(),
                        Some(_) => passes(&r.access.create, roles, owns_new),
                    };
                    (creates
                        && !passes(w, roles, owns_new)
                        && (!through_parents || name == "owner"))
                        .then_some((caller, owns_new))
                })
            });
            FieldTest {
                key: f.names.camel.clone(),
                snake: f.names.snake.clone(),
                values,
                hidden_in_lists: hidden.is_some_and(|(_, roles, owns)| lists(roles, *owns)),
                hidden_from: hidden.map(|(name, ..)| name.clone()),
                filterable: f.ty != FieldType::Json,
                nested,
                update_denied_to: update_denied_to.map(|(name, ..)| name.clone()),
                create_unwritable: create_denied
                    .map(|((_, roles, _), owns_new)| {
                        unwritable_on_create(auth, r, roles, owns_new)
                            .into_iter()
                            .filter(|key| *key != f.names.camel)
                            .collect()
                    })
                    .unwrap_or_default(),
                create_denied_to: create_denied.map(|((name, ..), _)| name.clone()),
                ignore_denied: f.access.denied == Denied::Ignore,
                set_once: f.access.write == FieldWrite::Create,
                never: f.access.write == FieldWrite::None,
            }
        })
        .collect()
}

/// What every kind of caller gets for every action on `r`, derived from the rules the same
/// way the generated `access.rs` decides, so the generated tests check one against the other.
fn access_cases(spec: &Spec, r: &Resource) -> Vec<AccessCases> {
    let auth = &spec.auth;
    // The tests make the owner's row as admin, naming the owner (`body_owned_by_…`).
    let through_parents = r.owner.as_ref().is_some_and(|o| o.relation().is_none());
    let callers = test_callers(spec, r);
    let passes = |rules: &[Rule], roles: &Option<Signed<'_>>, owns: bool| {
        auth.passes(rules, roles.as_ref(), owns)
    };
    let a = &r.access;
    let case = |caller: &str, status: u16, sees_it: bool| AccessCase {
        caller: caller.to_string(),
        status,
        sees_it,
        unwritable: Vec::new(),
    };
    let change = |rules: &[Rule], ok: u16| -> Vec<AccessCase> {
        callers
            .iter()
            .map(|(caller, roles, owns)| {
                let status = match roles {
                    None if !rules.contains(&Rule::Public) || !passes(&a.read, roles, false) => 401,
                    None => ok,
                    Some(_) if !passes(&a.read, roles, *owns) => 404,
                    Some(_) if !passes(rules, roles, *owns) => 403,
                    Some(_) => ok,
                };
                case(caller, status, false)
            })
            .collect()
    };
    let list = callers
        .iter()
        .map(|(caller, roles, owns)| match roles {
            _ if passes(&a.list, roles, false) => case(caller, 200, true),
            None => case(caller, 401, false),
            Some(_) if a.list.contains(&Rule::Owner) => case(caller, 200, *owns),
            Some(_) => case(caller, 403, false),
        })
        .collect();
    let read = callers
        .iter()
        .map(|(caller, roles, owns)| match roles {
            None if a.read.contains(&Rule::Public) => case(caller, 200, false),
            None => case(caller, 401, false),
            Some(_) if passes(&a.read, roles, *owns) => case(caller, 200, false),
            Some(_) => case(caller, 404, false),
        })
        .collect();
    // A direct owner is the caller, so anonymous callers cannot create; through parents, the
    // tests create under the owner's parent, which only the owner owns.
    let has_owner_key = r.owner.is_some() && !through_parents;
    let create = callers
        .iter()
        .map(|(caller, roles, owns)| {
            let owns_new = roles.is_some() && (*owns || !through_parents);
            let status = match roles {
                None if passes(&a.create, roles, false) && !has_owner_key => 201,
                None => return case(caller, 401, false),
                Some(_) if passes(&a.create, roles, owns_new) => 201,
                // Through parents, field rules answer before the parent's owner is looked up.
                Some(_) => 403,
            };
            AccessCase {
                unwritable: unwritable_on_create(auth, r, roles, owns_new),
                ..case(caller, status, false)
            }
        })
        .collect();
    vec![
        AccessCases {
            action: "list",
            cases: list,
        },
        AccessCases {
            action: "read",
            cases: read,
        },
        AccessCases {
            action: "create",
            cases: create,
        },
        AccessCases {
            action: "update",
            cases: change(&a.update, 200),
        },
        AccessCases {
            action: "delete",
            cases: change(&a.delete, 204),
        },
    ]
}

/// The steps that make a row of `r` owned by a given user (see [`OwnerStep`]).
fn owner_chain(spec: &Spec, r: &Resource) -> Vec<OwnerStep> {
    let Some(owner) = &r.owner else {
        return Vec::new();
    };
    let mut steps = Vec::new();
    let mut at = r;
    for relation in &owner.path {
        let Some(b) = at.belongs_to.iter().find(|b| b.names.snake == *relation) else {
            break;
        };
        steps.push(OwnerStep {
            resource: at.names.snake.clone(),
            url: format!("{}/{}", spec.project.api_prefix, at.names.plural_kebab),
            key: format!("{}Id", b.names.camel),
        });
        match spec.resource(&b.target) {
            Some(next) => at = next,
            None => break,
        }
    }
    steps.reverse();
    steps
}

/// Whether a signed-in user with only the default role may read rows they do not own.
fn reads_others(spec: &Spec, r: &Resource) -> bool {
    r.access.read.iter().any(|rule| match rule {
        Rule::Public | Rule::Authenticated | Rule::Verified => true,
        Rule::Owner => false,
        Rule::Role(role) => *role == spec.auth.default_role,
    })
}

/// A role in `owner_set_by` whose holders may create rows of `r`.
fn owner_setter(r: &Resource) -> Option<String> {
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
fn owner_creates(spec: &Spec, r: &Resource) -> bool {
    let default = &spec.auth.default_role;
    r.access.create.iter().any(|rule| match rule {
        Rule::Public | Rule::Authenticated | Rule::Verified | Rule::Owner => true,
        Rule::Role(role) => role == default,
    })
}

/// Which optional pieces of code are needed: nothing is generated (no
/// import, no dependency, no helper) unless some resource uses it.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Uses {
    pub decimal: bool,
    pub date: bool,
    pub datetime: bool,
    pub json: bool,
    pub enums: bool,
    pub pattern: bool,
    pub email: bool,
    pub url: bool,
    pub length: bool,
    pub range: bool,
    pub optional: bool,
    pub belongs_to: bool,
    pub many_to_many: bool,
    pub soft_delete: bool,
    pub versioned: bool,
    /// `createdAt` and `updatedAt`, serialized by `rfc3339.rs`.
    pub timestamps: bool,
    pub unique: bool,
    /// A body may name a row's owner (a direct `owner`).
    pub named_owner: bool,
    /// Some field has rules of its own (`read`, `write`).
    pub field_rules: bool,
    /// Some field is hidden from some callers (`read`).
    pub read_rules: bool,
    /// A field check or a reference check: the validation module is needed.
    pub validator: bool,
    /// A field check: some body's values have rules.
    pub checks: bool,
    /// Some write puts a domain event in the outbox.
    pub events: bool,
    /// The service has a job queue: the spec declares jobs (`[jobs.NAME]`), or webhooks
    /// deliver through it.
    pub jobs: bool,
    /// Events and jwt auth: admins subscribe webhooks to the events.
    pub webhooks: bool,
}

impl Uses {
    fn merge(&mut self, o: &Uses) {
        self.decimal |= o.decimal;
        self.date |= o.date;
        self.datetime |= o.datetime;
        self.json |= o.json;
        self.enums |= o.enums;
        self.pattern |= o.pattern;
        self.email |= o.email;
        self.url |= o.url;
        self.length |= o.length;
        self.range |= o.range;
        self.optional |= o.optional;
        self.belongs_to |= o.belongs_to;
        self.many_to_many |= o.many_to_many;
        self.soft_delete |= o.soft_delete;
        self.versioned |= o.versioned;
        self.timestamps |= o.timestamps;
        self.unique |= o.unique;
        self.named_owner |= o.named_owner;
        self.field_rules |= o.field_rules;
        self.read_rules |= o.read_rules;
        self.validator |= o.validator;
        self.checks |= o.checks;
        self.events |= o.events;
        self.jobs |= o.jobs;
        self.webhooks |= o.webhooks;
    }
}

#[derive(Debug, Serialize)]
pub struct ResourceContext {
    /// Position in the spec (indexes per-resource test counters).
    pub index: usize,
    /// The most rows of this resource one generated test may hold at once: `samples::COUNT`,
    /// or fewer when a unique field (its own, or a parent's that each new row creates one
    /// of) allows fewer distinct values. Tests that need more rows are left out.
    pub rows: usize,
    /// Keys of the unique fields with fewer distinct values than `samples::COUNT`: a test
    /// body takes the first sample whose values of these no stored row holds.
    pub scarce_keys: Vec<String>,
    pub names: Names,
    /// "an order item"
    pub a_words: String,
    pub description: String,
    pub table: String,
    /// `/v1/order-items`
    pub url: String,
    pub soft_delete: bool,
    pub versioned: bool,
    pub timestamps: bool,
    /// Seconds a cached read of one row lives (0: not cached).
    pub cache_ttl_seconds: u32,
    /// Tables whose rows a hard delete of this resource changes (`on_delete` cascade or
    /// set null): their cached rows are all removed then.
    pub cache_dependents: Vec<String>,
    /// With jwt auth: the access rules. `None` with auth mode `none`.
    pub access: Option<AccessContext>,
    /// Rows are the jwt flow's accounts (they sign in, and own themselves).
    pub account: bool,
    /// With jwt auth: whether a default-role user may create (and so own) a row, and what
    /// every kind of caller gets for every action (for the generated access tests).
    pub owner_creates: bool,
    pub access_cases: Vec<AccessCases>,
    /// Columns of the `Input` body (relations but the owner's, then fields).
    pub input_columns: Vec<String>,
    /// Whether writes check that referenced parents exist (every relation but the owner's).
    pub references: bool,
    /// The column that holds a row's owner (`id` for accounts), for `owner` rules.
    pub owner_column: Option<String>,
    /// Rows are owned through their parents (`owner = "order.customer"`).
    pub owner_via: Option<OwnerVia>,
    /// Rows have owners, directly or through parents.
    pub owned: bool,
    /// A direct owner's JSON key, which a body may carry for roles in `owner_set_by`.
    pub owner_key: Option<String>,
    /// Roles (besides admins) that may name another owner in a body.
    pub owner_set_by: Vec<String>,
    /// Rows have owners and a default-role user reads only their own: the generated tests
    /// check that a second user can neither see nor change the first one's.
    pub private_rows: bool,
    /// For the generated tests: a role in `owner_set_by` that may also create rows.
    pub owner_setter: Option<String>,
    /// For the generated tests: some resource's owner chain makes rows of this one.
    pub in_owner_chain: bool,
    /// For the generated tests: how to make a row owned by a given user, from the resource
    /// whose key names the user up to this one (each step's row goes in the next's key).
    pub owner_chain: Vec<OwnerStep>,
    /// The Rust expression of a row's owner (an `Option<Uuid>`), on `self`.
    pub owner_of_self: String,
    /// Fields with rules of their own (the `FIELDS` constant), in spec order.
    pub field_rules: Vec<FieldRuleContext>,
    /// Some field is hidden from some callers: rows are shown through `Caller::shown`.
    pub read_rules: bool,
    /// For the generated tests: the fields with rules of their own.
    pub field_tests: Vec<FieldTest>,
    /// For the generated tests: keys set once, on create, which an update may not change.
    pub set_once_keys: Vec<String>,
    /// For the generated tests: writable keys an update may change (`keys` but the set-once ones).
    pub changeable_keys: Vec<String>,
    /// For the generated tests: the keys of a sample body that a user with the default role may
    /// not write when it creates a row it will own (and, with an `owner_setter`, that role).
    pub owner_unwritable: Vec<String>,
    pub setter_unwritable: Vec<String>,
    /// The JSON key of the owner column, for `owner` field rules on listed rows.
    pub field_owner_key: Option<String>,
    /// In a handler, the owner of the row in `{row}` as field rules see it: `None` unless
    /// the row holds its owner (field rules name `owner` only then).
    pub field_owner_call: String,
    /// In a handler, the expression (a `Result`'s `?` included) of the owner of the row in
    /// the variable `{row}`.
    pub owner_call: String,
    pub fields: Vec<FieldContext>,
    pub belongs_to: Vec<RelationContext>,
    pub links: Vec<LinkContext>,
    pub sql: ResourceSql,
    /// JSON keys of the writable fields (foreign keys first), in order.
    pub keys: Vec<String>,
    /// Keys a create body must have: required, without a default.
    pub required_keys: Vec<String>,
    /// Keys that may not be `null`.
    pub non_null_keys: Vec<String>,
    /// `("status", OrderStatus::VALUES)` entries for enum fields.
    pub enum_keys: Vec<String>,
    /// Keys of integer and big integer fields.
    pub integer_keys: Vec<String>,
    /// Keys of date and of datetime fields: RFC 3339 text only.
    pub date_keys: Vec<String>,
    pub date_time_keys: Vec<String>,
    /// Whether other code asks if a row exists (children, links, locking).
    pub needs_exists: bool,
    /// Modules of the other resources its repo and handlers call, sorted.
    pub other_modules: Vec<String>,
    /// Whether any field has a validation call.
    pub has_checks: bool,
    /// Whether any Rust the model prints for a field (a default, a bound)
    /// names `Dec`, the model's alias of `rust_decimal::Decimal`.
    pub imports_dec: bool,
    pub has_pattern: bool,
    pub has_unique: bool,
    pub has_optional: bool,
    /// Laid-out `use` blocks of the repo and handler modules.
    pub repo_imports: String,
    pub handler_super_imports: String,
    pub handler_imports: String,
    /// The `use` lines of the resource's service.
    pub service_imports: String,
    /// The `.route(path, chain)` calls of its router.
    pub router: Vec<Mount>,
    pub uses: Uses,
    /// What lists can filter and sort on (see the service's `list.rs`).
    pub list_columns: Vec<ListColumn>,
    /// Every key of the representation, for sparse `fields`.
    pub list_keys: Vec<String>,
    /// `{stem}Min`/`{stem}Max` (numbers) and `{stem}After`/`{stem}Before` (dates).
    pub list_ranges: Vec<ListRange>,
    pub default_sort: String,
    /// A field to test equality filters with: its key and the JSON of two
    /// different sample values (rows 0 and 1 of the sample bodies).
    pub filter_example: Option<FilterExample>,
    /// A number field to test `Min`/`Max` with, and its second (larger) sample.
    pub range_example: Option<FilterExample>,
    /// A required field whose first three samples differ, to test sorting by.
    pub sort_example: Option<String>,
    /// An optional field, to test that nulls sort last and cursors cross them.
    pub null_sort_example: Option<String>,
    /// Create bodies (fields only, no foreign keys) as Rust raw string
    /// literals of JSON, all valid and pairwise distinct.
    pub sample_bodies: Vec<String>,
    /// The domain events its writes put in the outbox.
    pub events: Vec<EventContext>,
    /// An update compares the stored row with the new one (some event is a transition).
    pub transitions: bool,
}

/// One event a resource emits, as its writes record it.
#[derive(Debug, Serialize)]
pub struct EventContext {
    /// `payment.completed`
    pub event_type: String,
    /// A lifecycle step: `created`, `updated` or `deleted`; `None` for a transition.
    pub step: Option<&'static str>,
    /// A transition: the field's Rust name on a row and the value it moves to, as a Rust
    /// expression comparable with it (`Some(PaymentStatus::Succeeded)` when it is optional).
    pub field: Option<String>,
    pub becomes: Option<String>,
    /// For the generated tests: a transition's JSON key and value (`"succeeded"`), and
    /// whether an update may set the field.
    pub key: Option<String>,
    pub value_json: Option<String>,
    pub patch: bool,
}

impl EventContext {
    fn new(r: &Resource, fields: &[FieldContext], event: &Event) -> Self {
        let mut context = Self {
            event_type: r.event_type(event),
            step: None,
            field: None,
            becomes: None,
            key: None,
            value_json: None,
            patch: false,
        };
        match &event.trigger {
            Trigger::Created => context.step = Some("created"),
            Trigger::Updated => context.step = Some("updated"),
            Trigger::Deleted => context.step = Some("deleted"),
            Trigger::Becomes { field, value } => {
                let f = fields
                    .iter()
                    .find(|f| f.names.snake == *field)
                    .expect("validation keeps transitions to the resource's enum fields");
                let variant = f
                    .enum_values
                    .iter()
                    .find(|v| v.value == *value)
                    .expect("validation keeps transitions to the field's values");
                let rust = format!("{}::{}", f.rust_type, variant.variant);
                context.becomes = Some(if f.required {
                    rust
                } else {
                    format!("Some({rust})")
                });
                context.field = Some(f.names.ident.clone());
                context.key = Some(f.names.camel.clone());
                context.value_json = Some(format!("{value:?}"));
                context.patch = r.fields.iter().any(|spec_field| {
                    spec_field.names.snake == *field
                        && matches!(
                            spec_field.access.write,
                            FieldWrite::Row | FieldWrite::Rules(_)
                        )
                });
            }
        }
        context
    }
}

#[derive(Debug, Serialize)]
pub struct FieldContext {
    pub names: Names,
    pub description: String,
    pub spec_type: &'static str,
    /// The value type: `String`, `Decimal`, `OrderStatus`...
    pub rust_type: String,
    /// `rust_type`, or `Option<rust_type>` when the field is optional.
    pub field_type: String,
    pub required: bool,
    pub unique: bool,
    /// Rust expression of the default value (already `Some(..)` for an
    /// optional field), when the spec gives one.
    pub default_rust: Option<String>,
    pub is_enum: bool,
    pub enum_values: Vec<EnumValue>,
    /// Copy types are bound and checked by value, others by reference.
    pub copy: bool,
    /// Validation calls, on `value`: the field's value when a body holds it
    /// (bound by reference unless `copy`).
    pub checks: Vec<Check>,
    /// The regex as a Rust raw string literal, the name of the constant
    /// that holds it and of the static that compiles it once.
    pub pattern_rust: Option<String>,
    pub pattern_const: String,
    pub pattern_static: String,
    /// Valid JSON values, distinct (see `samples`).
    pub samples: Vec<String>,
    /// A JSON value that breaks one of the field's rules.
    pub invalid: Option<String>,
    /// A JSON value of the wrong type (400), if the field has a type to break.
    pub wrong_type: Option<String>,
    /// For a unique field: whether another live row holds a value.
    pub taken_sql: Option<String>,
    /// No body writes it (`write = "none"`): the sample bodies leave it out.
    pub write_never: bool,
    /// Set on create only (`write = "create"`): the tests' updates leave it alone.
    pub set_once: bool,
    /// Some callers may not see it (`read`).
    pub read_guarded: bool,
}

#[derive(Debug, Serialize)]
pub struct ListColumn {
    pub key: String,
    pub sql: String,
    /// A `list::Kind` expression.
    pub kind: String,
    pub nullable: bool,
}

#[derive(Debug, Serialize)]
pub struct FilterExample {
    pub key: String,
    /// The first sample as a query-string value (unquoted).
    pub query_value: String,
}

#[derive(Debug, Serialize)]
pub struct ListRange {
    pub stem: String,
    pub key: String,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub head: String,
    pub args: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct EnumValue {
    pub value: String,
    pub variant: String,
    /// The variant needs explicit serde and sqlx renames to be spelled `value`.
    pub rename: bool,
}

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
    /// `cascade`, `restrict` or `set_null`.
    pub on_delete: &'static str,
    /// The parent's collection URL, and whether its deletes are soft (which
    /// leave foreign keys, and so `on_delete`, untouched).
    pub target_url: String,
    pub target_soft_delete: bool,
    /// The owner of the parent row in `{row}` (see [`ResourceContext::owner_call`]).
    pub target_owner_call: String,
}

/// A many-to-many link declared on this resource.
#[derive(Debug, Serialize)]
pub struct LinkContext {
    pub target: Names,
    /// "a category"
    pub target_a_words: String,
    pub join_table: String,
    pub sql: LinkSql,
    /// The target's rows have owners, so its list rules may narrow the linked list.
    pub target_owned: bool,
    /// The owner of the target row in `{row}` (see [`ResourceContext::owner_call`]).
    pub target_owner_call: String,
    /// Some of the target's fields are hidden from some callers: linked lists hide them too.
    pub target_read_rules: bool,
}

/// One row to make on the way to an owned row: `resource` with `key` set to the previous
/// step's row (or, first, to the owner).
#[derive(Debug, Serialize)]
pub struct OwnerStep {
    /// Snake name, for the tests' `body_for_…` helpers.
    pub resource: String,
    pub url: String,
    pub key: String,
}

/// Ownership through parents.
#[derive(Debug, Serialize)]
pub struct OwnerVia {
    /// The path as the spec spells it: `order.customer`.
    pub path: String,
    /// The first relation, whose row's owner is this row's owner, and its JSON key.
    pub relation: String,
    pub key: String,
    /// For the generated tests: a default-role user may update their own rows only.
    pub owner_updates_only: bool,
    /// Closes the list condition's subqueries (`ResourceSql::owned_through`).
    pub close: String,
}

/// A kind of background job (`[jobs.NAME]`), for `src/jobs/`.
#[derive(Debug, Serialize)]
pub struct JobContext {
    /// `send_receipt`: the `kind` of its rows and its handler's module (never a keyword).
    pub name: String,
    /// The events that enqueue it, `resource.event`.
    pub on: Vec<String>,
    pub max_attempts: u32,
    pub timeout_secs: u32,
}

#[derive(Debug, Serialize)]
pub struct MigrationContext {
    /// `0003_create_products`
    pub file_stem: String,
    /// The whole migration in SQLite's dialect (`migrations/sqlite/`).
    pub sqlite: String,
    /// The same migration in PostgreSQL's dialect (`migrations/postgres/`).
    pub postgres: String,
    /// What undoes it (`.down.sql`): the table dropped, in the same words in both dialects.
    pub down: String,
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
        let routes = operations(spec);
        let resources: Vec<ResourceContext> = spec
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| ResourceContext::new(spec, r, i, &routes))
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
            routes,
            modules_sorted,
            test_modules,
            resources,
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

/// One migration per table, parents before children, then the join tables; each in both
/// dialects, since the service picks its database from `DATABASE_URL` at start-up.
fn migrations(spec: &Spec) -> Vec<MigrationContext> {
    let sqlite = crate::schema::tables(spec, Dialect(Database::Sqlite));
    let postgres = crate::schema::tables(spec, Dialect(Database::Postgres));
    sqlite
        .into_iter()
        .zip(postgres)
        .enumerate()
        .map(|(i, (lite, pg))| {
            let down = format!(
                "-- Undoes {:04}_create_{}: the table and its rows are dropped.\nDROP TABLE {};\n",
                i + 1,
                lite.name,
                lite.quoted
            );
            MigrationContext {
                file_stem: format!("{:04}_create_{}", i + 1, lite.name),
                sqlite: lite.create,
                postgres: pg.create,
                down,
            }
        })
        .collect()
}

/// The README's register example for `account`: `None` without auth.
fn register_example(
    account: &ResourceContext,
    auth: Option<&AuthContext>,
) -> Option<RegisterExample> {
    let auth = auth?;
    let mut pairs = Vec::new();
    let mut email = String::new();
    for field in &account.fields {
        let key = &field.names.camel;
        let needed = field.required && field.default_rust.is_none() && !field.write_never;
        if !needed || auth.registrant_unwritable.contains(key) {
            continue;
        }
        let sample = &field.samples[0];
        if key == "email" {
            email = serde_json::from_str(sample).ok()?;
        }
        pairs.push(format!("{key:?}: {sample}"));
    }
    // A required parent has no sample: its id is a row the reader makes first.
    let mut parents = Vec::new();
    for parent in &account.belongs_to {
        if !parent.required || parent.owner || auth.registrant_unwritable.contains(&parent.json) {
            continue;
        }
        let placeholder = format!("{}-ID", parent.names.snake.to_uppercase());
        pairs.push(format!("{:?}: {placeholder:?}", parent.json));
        parents.push(format!(
            "{placeholder}: the id of {} (`POST {}`)",
            with_article(&parent.target.words),
            parent.target_url
        ));
    }
    pairs.push(format!("\"password\": {:?}", auth.sample_password));
    Some(RegisterExample {
        body: format!("{{{}}}", pairs.join(", ")),
        email,
        parents,
    })
}

/// The README's register example (see `AuthContext::register_example`).
struct RegisterExample {
    body: String,
    email: String,
    parents: Vec<String>,
}

/// A password of at least `min` characters (and at least 16), for generated tests.
fn sample_password(min: u32) -> String {
    let mut password = String::from("correct-horse-7");
    while password.chars().count() < (min as usize).max(16) {
        password.push('x');
    }
    password
}

/// The modules of resources whose rows change when a row of `r` is hard-deleted.
fn cache_dependents(spec: &Spec, r: &Resource) -> Vec<String> {
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

/// Ownership through parents, if that is how `r`'s rows are owned.
fn owner_via(spec: &Spec, r: &Resource) -> Option<OwnerVia> {
    let owner = r.owner.as_ref().filter(|o| o.relation().is_none())?;
    let first = r
        .belongs_to
        .iter()
        .find(|b| b.names.snake == owner.path[0])?;
    let update = &r.access.update;
    Some(OwnerVia {
        path: owner.path.join("."),
        relation: first.names.snake.clone(),
        key: format!("{}Id", first.names.camel),
        owner_updates_only: update.contains(&Rule::Owner)
            && !update.iter().any(|rule| match rule {
                Rule::Public | Rule::Authenticated | Rule::Verified => true,
                Rule::Owner => false,
                Rule::Role(role) => *role == spec.auth.default_role,
            }),
        close: ")".repeat(owner.path.len() - 1),
    })
}

/// Whether rows of `r` have owners, directly or through parents.
fn owned(spec: &Spec, r: &Resource) -> bool {
    spec.is_account(r) || r.owner.is_some()
}

/// In a handler of `from`, the owner of a row of `r` held in `{row}`: a field of the row, or,
/// through parents, a query (`repo::owner_of_parent`).
fn owner_call(r: &Resource, from: &Resource) -> String {
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
            format!("{module}repo::owner_of_parent(&state.pool, {key}).await?")
        }
        _ => "{row}.owner()".into(),
    }
}

/// Whether any other code asks if a row of `r` exists.
fn needs_exists(spec: &Spec, r: &Resource) -> bool {
    r.versioned
        || !r.many_to_many.is_empty()
        || !spec.linked_from(&r.names.snake).is_empty()
        || !spec.references_to(&r.names.snake).is_empty()
}

impl ResourceContext {
    fn new(spec: &Spec, r: &Resource, index: usize, operations: &[Operation]) -> Self {
        let fields: Vec<FieldContext> = r
            .fields
            .iter()
            .map(|f| FieldContext::new(spec, r, f))
            .collect();
        let belongs_to: Vec<RelationContext> = r
            .belongs_to
            .iter()
            .map(|b| RelationContext::new(spec, r, b))
            .collect();
        let links: Vec<LinkContext> = r
            .many_to_many
            .iter()
            .filter_map(|t| spec.resource(t))
            .map(|t| {
                let join = join_table(r, t);
                LinkContext {
                    target_owned: owned(spec, t),
                    target_read_rules: t.fields.iter().any(|f| f.access.read.is_some()),
                    target_owner_call: owner_call(t, r),
                    target_a_words: with_article(&t.names.words),
                    target: t.names.clone(),
                    sql: LinkSql::new(r, t, &join),
                    join_table: join,
                }
            })
            .collect();

        // The owner key is the token's to set, so no body may carry it.
        let writable: Vec<&RelationContext> = belongs_to.iter().filter(|b| !b.owner).collect();
        let mut keys: Vec<String> = writable.iter().map(|b| b.json.clone()).collect();
        keys.extend(fields.iter().map(|f| f.names.camel.clone()));
        let mut required_keys: Vec<String> = writable
            .iter()
            .filter(|b| b.required)
            .map(|b| b.json.clone())
            .collect();
        required_keys.extend(
            fields
                .iter()
                .filter(|f| f.required && f.default_rust.is_none())
                .map(|f| f.names.camel.clone()),
        );
        let mut non_null_keys: Vec<String> = writable
            .iter()
            .filter(|b| b.required)
            .map(|b| b.json.clone())
            .collect();
        non_null_keys.extend(
            fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.names.camel.clone()),
        );
        let enum_keys = fields
            .iter()
            .filter(|f| f.is_enum)
            .map(|f| format!("({:?}, {}::VALUES)", f.names.camel, f.rust_type))
            .collect();
        let keys_of = |types: &[&str]| -> Vec<String> {
            fields
                .iter()
                .filter(|f| types.contains(&f.spec_type))
                .map(|f| f.names.camel.clone())
                .collect()
        };
        let integer_keys = keys_of(&["integer", "big_integer"]);
        let date_keys = keys_of(&["date"]);
        let date_time_keys = keys_of(&["datetime"]);

        let mut other_modules: Vec<String> =
            belongs_to.iter().map(|b| b.target.module.clone()).collect();
        other_modules.extend(links.iter().map(|l| l.target.module.clone()));
        other_modules.retain(|m| *m != r.names.module);
        other_modules.sort();
        other_modules.dedup();

        let mut uses = Uses {
            belongs_to: !belongs_to.is_empty(),
            many_to_many: !links.is_empty(),
            soft_delete: r.soft_delete,
            versioned: r.versioned,
            timestamps: r.timestamps,
            optional: r.belongs_to.iter().any(|b| !b.required && !r.is_owner(b)),
            named_owner: r.belongs_to.iter().any(|b| r.is_owner(b)),
            field_rules: r.fields.iter().any(|f| f.access.is_restricted()),
            read_rules: r.fields.iter().any(|f| f.access.read.is_some()),
            events: !r.events.is_empty(),
            ..Uses::default()
        };
        for f in &r.fields {
            match f.ty {
                FieldType::Decimal { .. } => uses.decimal = true,
                FieldType::Date => uses.date = true,
                FieldType::Datetime => uses.datetime = true,
                FieldType::Json => uses.json = true,
                FieldType::Enum { .. } => uses.enums = true,
                _ => {}
            }
            uses.pattern |= f.rules.pattern.is_some();
            uses.email |= f.rules.format == Some(Format::Email);
            uses.url |= f.rules.format == Some(Format::Url);
            uses.length |= f.rules.min_length.is_some() || f.rules.max_length.is_some();
            uses.range |= !matches!(f.ty, FieldType::Decimal { .. })
                && (f.rules.min.is_some() || f.rules.max.is_some());
            uses.optional |= !f.required;
            uses.unique |= f.unique;
        }
        let has_checks = fields.iter().any(|f| !f.checks.is_empty());
        let (repo_imports, handler_super_imports, handler_imports, service_imports) =
            imports(spec, r, &fields, &belongs_to, &links);
        uses.validator = has_checks || !belongs_to.is_empty();
        uses.checks = has_checks;

        // A direct owner's JSON key, which a body may carry for roles in `owner_set_by`.
        let owner_key = r
            .belongs_to
            .iter()
            .find(|b| r.is_owner(b))
            .map(|b| format!("{}Id", b.names.camel));
        let sample_bodies = (0..samples::COUNT)
            .map(|i| {
                let pairs: Vec<String> = fields
                    .iter()
                    .filter(|f| !f.write_never)
                    .map(|f| format!("{:?}: {}", f.names.camel, f.samples[i]))
                    .collect();
                raw_string(&format!("{{{}}}", pairs.join(", ")))
            })
            .collect();
        let (list_columns, list_keys, list_ranges) = list_description(r);
        let unquote = |sample: &str| {
            serde_json::from_str::<serde_json::Value>(sample)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| sample.to_owned())
        };
        let range_example = fields
            .iter()
            .find(|f| {
                !f.write_never && {
                    matches!(f.spec_type, "integer" | "big_integer" | "float" | "decimal")
                        && f.samples[0] != f.samples[1]
                }
            })
            .map(|f| FilterExample {
                key: f.names.camel.clone(),
                query_value: unquote(&f.samples[1]),
            });
        let sort_example = fields
            .iter()
            .find(|f| {
                !f.write_never && {
                    f.required
                        && f.spec_type != "json"
                        && f.samples[0] != f.samples[1]
                        && f.samples[1] != f.samples[2]
                        && f.samples[0] != f.samples[2]
                }
            })
            .map(|f| f.names.camel.clone());
        let null_sort_example = fields
            .iter()
            .find(|f| {
                !f.write_never
                    && !f.required
                    && f.spec_type != "json"
                    && f.samples[1] != f.samples[2]
            })
            .map(|f| f.names.camel.clone());
        let filter_example = fields
            .iter()
            .find(|f| !f.write_never && f.spec_type != "json" && f.samples[0] != f.samples[1])
            .map(|f| FilterExample {
                key: f.names.camel.clone(),
                query_value: unquote(&f.samples[0]),
            });
        let events: Vec<EventContext> = r
            .events
            .iter()
            .map(|e| EventContext::new(r, &fields, e))
            .collect();
        Self {
            index,
            rows: test_rows(spec, r),
            scarce_keys: r
                .fields
                .iter()
                .filter(|f| scarce(f))
                .map(|f| f.names.camel.clone())
                .collect(),
            transitions: events.iter().any(|e| e.field.is_some()),
            events,
            sample_bodies,
            list_columns,
            list_keys,
            list_ranges,
            filter_example,
            range_example,
            sort_example,
            null_sort_example,
            default_sort: if r.timestamps { "-createdAt" } else { "-id" }.into(),
            a_words: with_article(&r.names.words),
            description: if r.description.is_empty() {
                format!("A {}.", r.names.words)
            } else {
                r.description.clone()
            },
            table: r.names.plural_snake.clone(),
            url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
            soft_delete: r.soft_delete,
            versioned: r.versioned,
            timestamps: r.timestamps,
            access: (spec.auth.mode == AuthMode::Jwt).then(|| access_context(&r.access)),
            cache_ttl_seconds: r.cache_ttl_seconds,
            cache_dependents: cache_dependents(spec, r),
            account: spec.is_account(r),
            references: belongs_to.iter().any(|b| !b.owner),
            owner_creates: owner_creates(spec, r),
            access_cases: if spec.auth.mode == AuthMode::Jwt {
                access_cases(spec, r)
            } else {
                Vec::new()
            },
            input_columns: belongs_to
                .iter()
                .filter(|b| !b.owner)
                .map(|b| b.column.clone())
                .chain(fields.iter().map(|f| f.names.ident.clone()))
                .collect(),
            owner_column: owner_column(spec, r),
            owner_via: owner_via(spec, r),
            owned: owned(spec, r),
            field_owner_key: if spec.is_account(r) {
                Some("id".into())
            } else {
                owner_key.clone()
            },
            owner_key,
            owner_set_by: r
                .owner
                .as_ref()
                .map(|o| o.set_by.clone())
                .unwrap_or_default(),
            owner_setter: owner_setter(r),
            private_rows: owned(spec, r) && !reads_others(spec, r),
            owner_chain: owner_chain(spec, r),
            in_owner_chain: spec.resources.iter().any(|other| {
                owner_chain(spec, other)
                    .iter()
                    .any(|step| step.resource == r.names.snake)
            }),
            owner_call: owner_call(r, r),
            field_rules: field_rules(&spec.auth, r),
            read_rules: r.fields.iter().any(|f| f.access.read.is_some()),
            field_tests: field_tests(spec, r, &fields),
            set_once_keys: r
                .fields
                .iter()
                .filter(|f| f.access.write == FieldWrite::Create)
                .map(|f| f.names.camel.clone())
                .collect(),
            changeable_keys: keys
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
                &signed(vec![spec.auth.default_role.as_str()]),
                true,
            ),
            setter_unwritable: owner_setter(r)
                .map(|role| {
                    let roles = signed(vec![spec.auth.default_role.as_str(), role.as_str()]);
                    unwritable_on_create(&spec.auth, r, &roles, false)
                })
                .unwrap_or_default(),
            field_owner_call: match owner_column(spec, r) {
                Some(_) => "{row}.owner()".into(),
                None => "None".into(),
            },
            owner_of_self: match (
                spec.is_account(r),
                r.belongs_to.iter().find(|b| r.is_owner(b)),
            ) {
                (true, _) => "Some(self.id)".into(),
                (false, Some(b)) if b.required => format!("Some(self.{}_id)", b.names.snake),
                (false, Some(b)) => format!("self.{}_id", b.names.snake),
                (false, None) => "None".into(),
            },
            sql: ResourceSql::new(spec, r),
            needs_exists: needs_exists(spec, r),
            has_checks,
            imports_dec: fields.iter().any(FieldContext::names_dec),
            has_pattern: r.fields.iter().any(|f| f.rules.pattern.is_some()),
            has_unique: r.fields.iter().any(|f| f.unique),
            has_optional: uses.optional,
            router: mounts(operations, r),
            repo_imports,
            handler_super_imports,
            handler_imports,
            service_imports,
            names: r.names.clone(),
            keys,
            required_keys,
            non_null_keys,
            enum_keys,
            integer_keys,
            date_keys,
            date_time_keys,
            other_modules,
            fields,
            belongs_to,
            links,
            uses,
        }
    }
}

/// A unique field a body writes whose type and rules allow fewer distinct values than the
/// tests' samples (`samples::room`).
fn scarce(f: &Field) -> bool {
    f.unique && f.access.write != FieldWrite::None && samples::room(f).is_some()
}

/// See `ResourceContext::rows`: a test body of `r` creates one row of each parent it names
/// (not its owner, which is the caller, nor itself, which it leaves null).
fn test_rows(spec: &Spec, r: &Resource) -> usize {
    let own = r
        .fields
        .iter()
        .filter(|f| scarce(f))
        .filter_map(samples::room)
        .min()
        .unwrap_or(samples::COUNT);
    r.belongs_to
        .iter()
        .filter(|b| !r.is_owner(b) && b.target != r.names.snake)
        .filter_map(|b| spec.resource(&b.target))
        .map(|parent| test_rows(spec, parent))
        .fold(own, usize::min)
}

/// What a resource's lists can filter, sort and select: foreign keys and
/// fields (json fields are only selectable), then the timestamps.
fn list_description(r: &Resource) -> (Vec<ListColumn>, Vec<String>, Vec<ListRange>) {
    let mut columns = Vec::new();
    let mut keys = vec!["id".to_string()];
    let mut ranges = Vec::new();
    for b in &r.belongs_to {
        let key = format!("{}Id", b.names.camel);
        keys.push(key.clone());
        columns.push(ListColumn {
            key,
            sql: format!("{}_id", b.names.snake),
            kind: "Kind::Uuid".into(),
            nullable: !b.required,
        });
    }
    for f in &r.fields {
        keys.push(f.names.camel.clone());
        let kind = match &f.ty {
            FieldType::Json => continue,
            FieldType::String | FieldType::Text => "Kind::Text".to_string(),
            FieldType::Integer | FieldType::BigInteger => "Kind::Integer".into(),
            FieldType::Float => "Kind::Float".into(),
            FieldType::Decimal { .. } => "Kind::Decimal".into(),
            FieldType::Boolean => "Kind::Boolean".into(),
            FieldType::Uuid => "Kind::Uuid".into(),
            FieldType::Date => "Kind::Date".into(),
            FieldType::Datetime => "Kind::DateTime".into(),
            FieldType::Enum { .. } => {
                format!("Kind::Enum({}::VALUES)", f.names.type_name)
            }
        };
        if f.ty.is_numeric() {
            ranges.push(ListRange {
                stem: f.names.camel.clone(),
                key: f.names.camel.clone(),
            });
        } else if f.ty.is_temporal() {
            let stem = f
                .names
                .camel
                .strip_suffix("At")
                .unwrap_or(&f.names.camel)
                .to_string();
            ranges.push(ListRange {
                stem,
                key: f.names.camel.clone(),
            });
        }
        columns.push(ListColumn {
            key: f.names.camel.clone(),
            sql: rust_text(f.names.sql.clone()),
            kind,
            nullable: !f.required,
        });
    }
    if r.versioned {
        keys.push("version".into());
    }
    if r.timestamps {
        for (stem, snake) in [("created", "created_at"), ("updated", "updated_at")] {
            let key = format!("{stem}At");
            keys.push(key.clone());
            ranges.push(ListRange {
                stem: stem.into(),
                key: key.clone(),
            });
            columns.push(ListColumn {
                key,
                sql: snake.into(),
                kind: "Kind::DateTime".into(),
                nullable: false,
            });
        }
    }
    (columns, keys, ranges)
}

/// The `use` blocks of a resource's repo and handlers.
fn imports(
    spec: &Spec,
    r: &Resource,
    fields: &[FieldContext],
    belongs_to: &[RelationContext],
    links: &[LinkContext],
) -> (String, String, String, String) {
    let own = &r.names.module;
    let p = &r.names.type_name;
    let parents: Vec<String> = belongs_to
        .iter()
        .map(|b| b.target.module.clone())
        .filter(|m| m != own)
        .map(|m| format!("crate::resources::{m}"))
        .collect();
    let targets: Vec<String> = links
        .iter()
        .map(|l| format!("crate::resources::{}", l.target.module))
        .collect();

    let mut repo = vec![
        format!("super::model::{p}"),
        format!("super::model::{p}Input"),
    ];
    repo.extend(
        fields
            .iter()
            .filter(|f| f.is_enum)
            .map(|f| format!("super::model::{}", f.rust_type)),
    );
    let mut repo_crate: Vec<String> = [
        "crate::cache::Cache",
        "crate::cache::Key",
        "crate::db::Pool",
        "crate::db::Tx",
        "crate::db::with_pool",
        "crate::db::with_tx",
        "crate::error::AppError",
        "crate::list::Column",
        "crate::list::Kind",
        "crate::list::ListParams",
        "crate::list::ListSpec",
        "crate::list::Page",
        "crate::list::fetch",
    ]
    .map(String::from)
    .to_vec();
    let owned = owned(spec, r);
    if !belongs_to.is_empty() || !links.is_empty() || owned {
        repo_crate.push("crate::list::Scope".into());
    }
    // Parents are checked to exist, and so is an owner a body names.
    if !belongs_to.is_empty() {
        repo_crate.push("crate::validation::Validator".into());
    }
    let jwt = spec.auth.mode == AuthMode::Jwt;
    if owned || links.iter().any(|l| l.target_owned) {
        repo_crate.push("crate::access::Visible".into());
    }
    if owned {
        repo_crate.push("crate::access::Ownership".into());
    }
    if spec.is_account(r) {
        repo_crate.push("crate::auth::signup::NewAccount".into());
    }
    if !r.events.is_empty() {
        repo_crate.push("crate::outbox".into());
    }
    repo_crate.extend(parents.iter().cloned());
    repo_crate.extend(targets.iter().cloned());
    repo_crate.extend(links.iter().map(|l| {
        format!(
            "crate::resources::{}::model::{}",
            l.target.module, l.target.type_name
        )
    }));
    let repo_block = format!("{}\n{}", use_block(&repo), use_block(&repo_crate));

    let read_rules = jwt && r.fields.iter().any(|f| f.access.read.is_some());
    let field_rules = jwt && r.fields.iter().any(|f| f.access.is_restricted());
    let mut handler_super = vec!["super::PATH".to_string(), "super::service".to_string()];
    let mut handler: Vec<String> = [
        "crate::state::AppState",
        "crate::conditional::Conditions",
        "crate::conditional::tagged",
        "crate::error::AppError",
        "crate::extract::ApiJson",
        "crate::extract::ResourceId",
        "crate::list::ListParams",
        "crate::list::Page",
        "crate::conditional::created",
    ]
    .map(String::from)
    .to_vec();
    handler.push(format!("crate::rules::{own}::Rules"));
    if jwt {
        handler.push("crate::access::Caller".into());
    }
    if read_rules {
        handler_super.push("super::FIELDS".into());
    }
    if !links.is_empty() {
        handler.push("crate::extract::LinkIds".into());
    }

    let mut service = vec![
        "std::sync::Arc".to_string(),
        "uuid::Uuid".to_string(),
        "super::repo".to_string(),
        format!("super::model::{p}"),
        format!("super::model::{p}Input"),
        format!("super::model::{p}Patch"),
    ];
    service.extend(
        [
            "crate::state::AppState",
            "crate::conditional::Conditions",
            "crate::error::AppError",
            "crate::extract::ApiJson",
            "crate::extract::parse_body",
            "crate::extract::parse_replace",
            "crate::hooks",
            "crate::hooks::Hooks",
            "crate::list::ListParams",
            "crate::list::Page",
        ]
        .map(String::from),
    );
    service.push(format!("crate::rules::{own}::Rules"));
    if belongs_to.iter().any(|b| !b.owner) && !spec.is_account(r) {
        service.push("crate::extract::parse_nested_body".into());
    }
    if jwt {
        service.push("super::ACCESS".into());
        service.push("crate::access::Caller".into());
        service.push("crate::access::Rule".into());
    }
    if field_rules {
        service.push("super::FIELDS".into());
    }
    if spec.is_account(r) {
        service.push("crate::auth::signup".into());
        service.push("crate::auth::signup::NewAccount".into());
        service.push("crate::access::DEFAULT_ROLE".into());
    }
    if !r.events.is_empty() {
        service.push("crate::outbox".into());
    }
    if !links.is_empty() {
        service.push("crate::rules".into());
    }
    service.extend(parents);
    service.extend(targets);
    // std and other crates first, then this crate's own paths, as a block each.
    let (external, own): (Vec<String>, Vec<String>) = service
        .into_iter()
        .partition(|path| !path.starts_with("super::") && !path.starts_with("crate::"));
    let service_block = format!(
        "{}

{}",
        use_block(&external),
        use_block(&own)
    );
    (
        repo_block,
        use_block(&handler_super),
        use_block(&handler),
        service_block,
    )
}

impl RelationContext {
    fn new(spec: &Spec, r: &Resource, b: &crate::spec::BelongsTo) -> Self {
        let parent = spec.resource(&b.target);
        let target = parent.map_or_else(|| Names::new(&b.target, None), |t| t.names.clone());
        let segment = parent.map_or_else(|| r.names.plural_kebab.clone(), |_| nested_segment(r, b));
        let column = format!("{}_id", b.names.snake);
        Self {
            nested_path: format!("/{}/{{id}}/{segment}", target.plural_kebab),
            self_reference: b.target == r.names.snake,
            owner: r.is_owner(b),
            on_delete: match b.on_delete {
                OnDelete::Cascade => "cascade",
                OnDelete::Restrict => "restrict",
                OnDelete::SetNull => "set_null",
            },
            target_url: format!("{}/{}", spec.project.api_prefix, target.plural_kebab),
            target_soft_delete: parent.is_some_and(|p| p.soft_delete),
            target_owner_call: parent.map_or_else(String::new, |p| owner_call(p, r)),
            json: format!("{}Id", b.names.camel),
            names: b.names.clone(),
            target,
            column,
            required: b.required,
            field_type: if b.required { "Uuid" } else { "Option<Uuid>" },
        }
    }
}

impl FieldContext {
    /// Whether any Rust printed for this field in the model names `Dec`:
    /// decided from the printed text itself, so no use can miss the import.
    fn names_dec(&self) -> bool {
        self.default_rust
            .iter()
            .chain(self.checks.iter().flat_map(|c| &c.args))
            .any(|rust| rust.contains(DEC_PATH))
    }

    fn new(spec: &Spec, resource: &Resource, f: &Field) -> Self {
        let rust_type = match &f.ty {
            FieldType::String | FieldType::Text => "String".to_string(),
            FieldType::Integer => "i32".into(),
            FieldType::BigInteger => "i64".into(),
            FieldType::Float => "f64".into(),
            FieldType::Decimal { .. } => "Decimal".into(),
            FieldType::Boolean => "bool".into(),
            FieldType::Uuid => "Uuid".into(),
            FieldType::Date => "NaiveDate".into(),
            FieldType::Datetime => "DateTime<Utc>".into(),
            FieldType::Json => "Value".into(),
            FieldType::Enum { .. } => f.names.type_name.clone(),
        };
        let field_type = if f.required {
            rust_type.clone()
        } else {
            format!("Option<{rust_type}>")
        };
        let enum_values: Vec<EnumValue> = match &f.ty {
            FieldType::Enum { values } => values
                .iter()
                .map(|v| {
                    let variant = crate::names::variant(v);
                    EnumValue {
                        value: v.clone(),
                        variant: variant.name,
                        rename: variant.rename,
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let default_rust = f.default.as_ref().map(|d| {
            let value = rust_literal(d, &f.ty, &rust_type, &enum_values);
            if f.required {
                value
            } else {
                format!("Some({value})")
            }
        });
        let copy = !matches!(f.ty, FieldType::String | FieldType::Text | FieldType::Json);
        Self {
            checks: checks(f),
            names: f.names.clone(),
            description: f.description.clone(),
            spec_type: f.ty.spec_name(),
            field_type,
            required: f.required,
            unique: f.unique,
            default_rust,
            is_enum: !enum_values.is_empty(),
            enum_values,
            copy,
            pattern_rust: f.rules.pattern.as_ref().map(|p| raw_string(p)),
            pattern_static: format!("{}_REGEX", f.names.upper),
            pattern_const: format!("{}_PATTERN", f.names.upper),
            samples: samples::valid(&resource.names.snake, f),
            invalid: samples::invalid(f),
            wrong_type: samples::wrong_type(f),
            taken_sql: f.unique.then(|| taken(spec, resource, &f.names.sql)),
            write_never: f.access.write == FieldWrite::None,
            set_once: f.access.write == FieldWrite::Create,
            read_guarded: f.access.read.is_some(),
            rust_type,
        }
    }
}

/// The validation calls of a field (see `FieldContext::checks`).
fn checks(f: &Field) -> Vec<Check> {
    let name = format!("{:?}", f.names.camel);
    let value = "value".to_string();
    let opt = |b: Option<String>| b.map_or_else(|| "None".to_string(), |b| format!("Some({b})"));
    let rules = &f.rules;
    let mut out = Vec::new();
    let mut push = |head: &str, extra: Vec<String>| {
        let mut args = vec![name.clone(), value.clone()];
        args.extend(extra);
        out.push(Check {
            head: format!("v.{head}"),
            args,
        });
    };
    if rules.min_length.is_some() || rules.max_length.is_some() {
        push(
            "length",
            vec![
                opt(rules.min_length.map(|n| n.to_string())),
                opt(rules.max_length.map(|n| n.to_string())),
            ],
        );
    }
    if rules.pattern.is_some() {
        push("pattern", vec![format!("&{}_REGEX", f.names.upper)]);
    }
    match rules.format {
        Some(Format::Email) => push("email", vec![]),
        Some(Format::Url) => push("url", vec![]),
        None => {}
    }
    let bound = |b: &Option<Bound>| opt(b.as_ref().map(|b| bound_rust(b, &f.ty)));
    match &f.ty {
        FieldType::Decimal { precision, scale } => {
            let digits = precision - scale;
            push(
                "decimal",
                vec![
                    bound(&rules.min),
                    bound(&rules.max),
                    digits.to_string(),
                    scale.to_string(),
                ],
            );
        }
        ty if ty.is_numeric() && (rules.min.is_some() || rules.max.is_some()) => {
            push("range", vec![bound(&rules.min), bound(&rules.max)]);
        }
        _ => {}
    }
    out
}

fn bound_rust(b: &Bound, ty: &FieldType) -> String {
    match (b, ty) {
        (Bound::Decimal(d), _) => decimal_rust(d),
        (Bound::Integer(i), FieldType::Decimal { .. }) => decimal_rust(&i.to_string()),
        (Bound::Integer(i), FieldType::Float) => format!("{:?}", *i as f64),
        (Bound::Integer(i), _) => i.to_string(),
        (Bound::Float(x), _) => format!("{x:?}"),
    }
}

fn rust_literal(
    literal: &Literal,
    ty: &FieldType,
    rust_type: &str,
    values: &[EnumValue],
) -> String {
    match (literal, ty) {
        (Literal::String(s), FieldType::Enum { .. }) => {
            let variant = values
                .iter()
                .find(|v| v.value == *s)
                .map_or("", |v| v.variant.as_str());
            format!("{rust_type}::{variant}")
        }
        (Literal::String(s), _) => format!("{s:?}.to_owned()"),
        (Literal::Integer(i), FieldType::Float) => format!("{:?}", *i as f64),
        (Literal::Integer(i), FieldType::Decimal { .. }) => {
            format!("Decimal({})", decimal_rust(&i.to_string()))
        }
        (Literal::Integer(i), _) => i.to_string(),
        (Literal::Float(x), _) => format!("{x:?}"),
        (Literal::Decimal(d), _) => format!("Decimal({})", decimal_rust(d)),
        (Literal::Boolean(b), _) => b.to_string(),
    }
}

/// The start of every decimal literal `decimal_rust` prints.
const DEC_PATH: &str = "Dec::";

/// `Dec::new(mantissa, scale)` for exact decimal text such as `19.99`
/// (`Dec` is `rust_decimal::Decimal` in generated models).
fn decimal_rust(text: &str) -> String {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mantissa = format!("{int}{frac}").parse::<i64>().unwrap_or(0);
    format!("{DEC_PATH}new({mantissa}, {})", frac.len())
}

/// A Rust raw string literal with enough `#`s for its content.
fn raw_string(s: &str) -> String {
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
}

/// A TOML basic string literal.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(decimal_rust("19.99"), "Dec::new(1999, 2)");
        assert_eq!(decimal_rust("-5"), "Dec::new(-5, 0)");
        assert_eq!(raw_string(r"^\d+$"), r###"r#"^\d+$"#"###);
        assert_eq!(raw_string("a\"#b"), "r##\"a\"#b\"##");
        assert_eq!(toml_string("say \"hi\"\\"), r#""say \"hi\"\\""#);
    }

    /// A decimal printed only by a default (no `min`/`max`) still imports
    /// `Dec`; a decimal that prints none does not.
    #[test]
    fn the_dec_import_follows_every_printed_decimal() {
        let imports = |fields: &str| {
            let source = format!("[resources.item.fields]\n{fields}\n");
            let spec = crate::spec::parse("item.toml", &source).unwrap();
            ServiceContext::new("item", &spec, &source).resources[0].imports_dec
        };
        assert!(imports(r#"price = { type = "decimal", default = 5 }"#));
        assert!(imports(r#"price = { type = "decimal", default = "1.5" }"#));
        assert!(imports(r#"price = { type = "decimal", max = 5 }"#));
        assert!(!imports(r#"price = { type = "decimal" }"#));
        assert!(!imports(
            r#"count = { type = "integer", default = 5, max = 9 }"#
        ));
    }

    /// The README's register example fills the account's required fields (not the optional
    /// ones, nor those with a default) with valid samples, and its password meets the policy.
    #[test]
    fn the_register_example_has_the_required_account_fields() {
        let source = "[auth]\nmode = \"jwt\"\npassword_min_length = 20\n\
                      [resources.user.fields]\n\
                      full_name = { type = \"string\", min_length = 1 }\n\
                      age = { type = \"integer\", min = 18 }\n\
                      nickname = { type = \"string\", required = false }\n\
                      plan = { type = \"string\", default = \"free\" }\n";
        let spec = crate::spec::parse("t.toml", source).unwrap();
        let ctx = ServiceContext::new("t", &spec, source);
        let auth = ctx.auth.unwrap();
        let body: serde_json::Value = serde_json::from_str(&auth.register_example).unwrap();
        let keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 4, "{body}");
        for key in ["email", "fullName", "age", "password"] {
            assert!(keys.contains(&key), "{key} missing: {body}");
        }
        assert_eq!(body["email"], auth.sample_email.as_str());
        assert!(body["age"].as_i64().unwrap() >= 18, "{body}");
        assert!(body["password"].as_str().unwrap().len() >= 20, "{body}");
        let without_auth = crate::spec::parse(
            "t.toml",
            "[resources.user.fields]\nname = { type = \"string\" }\n",
        )
        .unwrap();
        assert!(ServiceContext::new("t", &without_auth, "").auth.is_none());
    }

    /// A required parent of the account has no sample: the example names a placeholder and
    /// says where its id comes from.
    #[test]
    fn the_register_example_names_a_placeholder_for_a_required_parent() {
        let source = "[auth]\nmode = \"jwt\"\n\
                      [resources.team.fields]\nname = { type = \"string\" }\n\
                      [resources.user]\nbelongs_to = { team = \"team\" }\n\
                      [resources.user.fields]\nnick = { type = \"string\" }\n";
        let spec = crate::spec::parse("t.toml", source).unwrap();
        let auth = ServiceContext::new("t", &spec, source).auth.unwrap();
        let body: serde_json::Value = serde_json::from_str(&auth.register_example).unwrap();
        assert_eq!(body["teamId"], "TEAM-ID", "{body}");
        assert_eq!(
            auth.register_parents,
            ["TEAM-ID: the id of a team (`POST /v1/teams`)"]
        );
    }

    #[test]
    fn shop_context() {
        let source = std::fs::read_to_string("examples/shop.toml").unwrap();
        let spec = crate::spec::parse("shop.toml", &source).unwrap();
        let ctx = ServiceContext::new("shop", &spec, &source);
        let stems: Vec<&str> = ctx
            .migrations
            .iter()
            .map(|m| m.file_stem.as_str())
            .collect();
        assert_eq!(
            stems,
            [
                "0001_create_users",
                "0002_create_categories",
                "0003_create_products",
                "0004_create_orders",
                "0005_create_order_items",
                "0006_create_payments",
                "0007_create_product_categories",
                "0008_create_refresh_tokens",
                "0009_create_auth_sessions",
                "0010_create_account_tokens",
                "0011_create_email_verifications",
                "0012_create_idempotency_keys",
                "0013_create_outbox_events",
                "0014_create_background_jobs",
                "0015_create_webhook_subscriptions",
                "0016_create_webhook_deliveries"
            ]
        );
        let order = ctx
            .resources
            .iter()
            .find(|r| r.names.snake == "order")
            .unwrap();
        let status = &order.fields[0];
        assert_eq!(status.rust_type, "OrderStatus");
        assert_eq!(status.default_rust.as_deref(), Some("OrderStatus::Pending"));
        let orders = &ctx.migrations[3].sqlite;
        assert!(orders.contains("    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),\n"), "{orders}");
        assert!(
            orders.contains(
                "    customer_id BLOB NOT NULL CONSTRAINT orders_customer_id_fkey REFERENCES users (id) ON DELETE RESTRICT,\n"
            ),
            "{orders}"
        );
        assert!(
            ctx.migrations[3].postgres.contains(
                "    customer_id UUID NOT NULL CONSTRAINT orders_customer_id_fkey REFERENCES users (id) ON DELETE RESTRICT,\n"
            )
        );
        assert!(ctx.migrations[2].sqlite.contains(
            "CREATE UNIQUE INDEX products_sku_unique ON products (sku) WHERE deleted_at IS NULL;"
        ));
        assert_eq!(order.belongs_to[0].nested_path, "/users/{id}/orders");
        // The owner key comes from the token, never from a body; `total` has a default, as a
        // field customers may not write must.
        assert_eq!(order.required_keys, ["placedAt"]);
        assert_eq!(order.owner_column.as_deref(), Some("customer_id"));
        assert_eq!(order.enum_keys, ["(\"status\", OrderStatus::VALUES)"]);
        let product = ctx
            .resources
            .iter()
            .find(|r| r.names.snake == "product")
            .unwrap();
        let price = product
            .fields
            .iter()
            .find(|f| f.names.snake == "price")
            .unwrap();
        assert_eq!(price.checks[0].head, "v.decimal");
        assert_eq!(
            price.checks[0].args,
            [
                "\"price\"",
                "value",
                "Some(Dec::new(0, 0))",
                "None",
                "16",
                "2"
            ]
        );
        let description = product
            .fields
            .iter()
            .find(|f| f.names.snake == "description")
            .unwrap();
        assert_eq!(
            description.checks[0].args,
            ["\"description\"", "value", "None", "Some(10000)"]
        );
        assert_eq!(
            ctx.modules_sorted,
            [
                "categories",
                "order_items",
                "orders",
                "payments",
                "products",
                "users"
            ]
        );
        assert!(ctx.uses.decimal && ctx.uses.pattern && ctx.uses.json && ctx.uses.validator);
        assert!(product.needs_exists && !ctx.resources[5].needs_exists);
    }
    /// `tests/specs/names.toml`: names that collide with generated code are settled once
    /// here (renamed Rust types and modules, raw identifiers, quoted SQL, enum renames);
    /// `render`'s tests check that every Rust file of that project parses.
    #[test]
    fn colliding_names_are_settled_in_the_context() {
        let source = std::fs::read_to_string("tests/specs/names.toml").unwrap();
        let spec = crate::spec::parse("names.toml", &source).unwrap();
        let ctx = ServiceContext::new("names", &spec, &source);
        let resource = |snake: &str| {
            ctx.resources
                .iter()
                .find(|r| r.names.snake == snake)
                .unwrap()
        };
        let page = resource("page");
        assert_eq!(page.names.type_name, "PageResource");
        let kind = &page.fields[0];
        assert_eq!(kind.rust_type, "PageResourceType");
        assert_eq!(kind.names.ident, "r#type");
        let spelled: Vec<(&str, &str, bool)> = kind
            .enum_values
            .iter()
            .map(|v| (v.value.as_str(), v.variant.as_str(), v.rename))
            .collect();
        assert_eq!(
            spelled,
            [
                ("self", "SelfValue", true),
                ("tier_1", "Tier1", true),
                ("in_stock", "InStock", false)
            ]
        );
        assert_eq!(
            kind.default_rust.as_deref(),
            Some("PageResourceType::Tier1")
        );
        assert!(page.input_columns.contains(&"r#match".to_string()));
        let order = page.list_columns.iter().find(|c| c.key == "order").unwrap();
        assert_eq!(order.sql, "\\\"order\\\"");
        assert!(
            page.sql
                .insert
                .contains("\\\"order\\\", \\\"default\\\", \\\"from\\\""),
            "{}",
            page.sql.insert
        );
        assert_eq!(resource("order").fields[0].rust_type, "OrderItemEnum");
        assert_eq!(resource("type").names.module, "types");
        assert_eq!(resource("log").names.module, "logs_resource");
        let purchase = resource("purchase");
        assert_eq!(purchase.table, "from");
        assert!(
            purchase.sql.count.ends_with("FROM \\\"from\\\""),
            "{}",
            purchase.sql.count
        );
        assert!(ctx.modules_sorted.contains(&"logs_resource".to_string()));

        let migration = &ctx
            .migrations
            .iter()
            .find(|m| m.file_stem.ends_with("create_pages"))
            .unwrap()
            .postgres;
        assert!(
            migration.contains("    \"order\" INTEGER NOT NULL,\n"),
            "{migration}"
        );
        assert!(
            migration.contains("CREATE UNIQUE INDEX pages_order_unique ON pages (\"order\");"),
            "{migration}"
        );
    }
}
