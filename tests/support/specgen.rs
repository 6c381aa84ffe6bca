//! Random specs for the property tests (`tests/properties.rs`) and the seeded sample the
//! end-to-end suite builds (`tests/e2e.rs`): every key of docs/spec.md, with names drawn
//! from the words most likely to collide with what backend-gen writes (Rust and SQL
//! keywords, std and prelude names, the generated modules and items, the service's crates)
//! and random snake_case names of 1 to 30 characters.
//!
//! A spec is valid by the documented rules unless it carries a [`Hazard`]: one deliberate
//! choice that the docs refuse, or that collides by construction (two names with one
//! camelCase spelling, a join table named like a resource's table...). `check` may refuse a
//! hazard, but only at the hazard's keys and with a `help` that names an alternative; it may
//! also accept it, and then the output must hold like any other. The same seed always gives
//! the same spec.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use backend_gen::names::Names;
use backend_gen::spec::{GENERATED_FIELDS, QUERY_PARAMETERS, Trigger};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Strict, reserved and edition-2024 keywords: not identifiers, even as `r#name` for
/// `self`, `super` and `crate`. Weak keywords (`union`, `raw`, `safe`) are identifiers and
/// live in [`STD_NAMES`].
const RUST_KEYWORDS: &str = "\
    as async await break const continue crate dyn else enum extern false fn for if impl in
    let loop match mod move mut pub ref return self static struct super trait true type
    unsafe use where while abstract become box do final macro override priv typeof unsized
    virtual yield try gen
";

/// Keywords that cannot even be raw identifiers.
const NOT_RAW: &[&str] = &["self", "super", "crate"];
/// PostgreSQL's system columns: no field may take their names (the generator draws them
/// among the SQL words below for the other kinds of name).
const POSTGRES_SYSTEM_COLUMNS: &[&str] = &["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"];

/// SQL keywords, reserved or not, and words PostgreSQL or SQLite treat specially.
const SQL_KEYWORDS: &str = "\
    order group select from to end check default position table column index key user
    offset where values value desc asc primary references unique null not and or like
    between case when then join on using natural all any some exists is by having intersect
    except distinct returning window with create delete update insert into set grant role
    level time timestamp date year month day zone interval row rows range cast collate
    constraint foreign cross full inner outer left right transaction commit begin rollback
    trigger view schema database action before after first last current_date current_user
    replace abort pragma vacuum analyze explain plan temp conflict fail ignore nothing glob
    regexp escape filter over partition rowid oid ctid xmin generated always stored array
    both leading
";

/// Names from std and its prelude, weak keywords, raw-string prefixes.
const STD_NAMES: &str = "\
    string result option vec box some none ok err copy clone send sync sized drop iterator
    debug display from into eq partial_eq ord hash to_string to_owned as_ref extend unpin
    std core alloc main print format write assert panic todo cell rc arc mutex hash_map
    btree_map duration instant path io env fs net ops fmt char str bool u8 i32 i64 f64
    usize u32 f32 isize test deref pin future poll waker bound marker cow borrow iter slice
    num mem ptr thread process hint prelude union raw safe macro_rules r b br c cr
";

/// Modules and items of the generated service, snake_cased (`app_state` is `AppState`), and
/// the names of the generated access tests' callers.
const GENERATED_NAMES: &str = "\
    page pool cache uuid list db error app routes route state json config health validation
    validator extract access conditional monitoring rate_limit resources rules rule shared
    telemetry model repo handlers router caller identity app_state application
    startup_error app_error api_json link_ids resource_id list_params conditions keys
    enum_keys request_body double_option lazy_lock regex utc date_time naive_date decimal
    from_row created tagged input patch sort_key params body response request status_code
    header header_value lib build migrate grant_role owner token claims visible tests
    common http logs link links unlink get read admit validate parts store limiter metrics
    span shutdown listener server client redis sqlite postgres executor migrator migrations
    layer service next request_id entry kind op scope status ticket verdict local
    in_process sql checks error_body error_detail page_info pagination problem problems me
    login logout register refresh credentials token_pair new_account roles_request live
    ready metric session sessions password email roles created_after updated_before deleted
    item items tag post post_tag order_item category person people sheep series news data
    sqlite_stat sqlite_master pg_class refresh_tokens stranger anonymous unverified
";

/// The crates a generated service uses, and a few every Rust user knows.
const CRATE_NAMES: &str = "\
    axum sqlx serde serde_json tokio chrono tracing tracing_subscriber tower tower_http
    hyper argon2 jsonwebtoken rand moka governor thiserror anyhow base64 hmac sha2 futures
    bytes ipnet dotenvy getrandom rust_decimal serde_path_to_error http_body_util tempfile
    proc_macro ureq reqwest
";

/// Shapes that broke generators before: digits after an underscore, one letter, names
/// that end like generated ones.
const ODD_NAMES: &str = "\
    tier_1 tier1 a_1 a1 v_2 v2 x q a i s id_x x_id at x_at x_min x_max x_after x_before min
    max after before ids c1 l2_norm x2y a_b_c ab_c a_bc an_unusually_long_resource_nam
    a_field_name_that_is_thirty_ch zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz
";

/// The names issue 11 found broken, drawn more often than the rest.
const ISSUE_NAMES: &str = "\
    type order default from to end check position page pool cache uuid string result
    option self tier_1 a_1 a1 v_2 v2 live post_tag
";

/// An enum field's values, as the spec lists them.
fn enum_values(field: &Field) -> Vec<String> {
    field
        .options
        .iter()
        .find(|(k, _)| *k == "values")
        .map(|(_, list)| {
            list.trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|v| v.trim().trim_matches('"').to_string())
                .filter(|v| !v.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Sets an enum field's `values`.
fn set_enum_values(field: &mut Field, values: &[&String]) {
    let list: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    for (k, v) in &mut field.options {
        if *k == "values" {
            *v = format!("[{}]", list.join(", "));
        }
    }
}

/// The words of a list.
fn words(list: &'static str) -> Vec<&'static str> {
    list.split_whitespace().collect()
}

/// Names of the service's own modules, routes and files; fine as resource names (their
/// Rust spellings change).
const SERVICE_MODULES: &[&str] = &[
    "auth", "health", "metric", "openapi", "session", "custom", "log", "http", "repo",
];
/// docs/spec.md, "Refused names": besides the fields every row has and the list query
/// parameters (`GENERATED_FIELDS`, `QUERY_PARAMETERS`), the jwt account's own fields; and
/// the access rule words, which are no roles.
const ACCOUNT_FIELDS: &[&str] = &["email", "password", "password_hash", "roles"];
const RULE_WORDS: &[&str] = &["public", "authenticated", "verified", "owner"];

/// How many distinct values a field's type and options allow, when that is few enough to
/// matter for `unique` (docs/spec.md, "Fields").
fn unique_room(ty: &str, options: &[(&str, String)]) -> Option<u128> {
    let option = |key: &str| {
        let (_, text) = options.iter().find(|(k, _)| *k == key)?;
        text.trim_matches('"').parse::<f64>().ok()
    };
    match ty {
        "boolean" => Some(2),
        "enum" => {
            let (_, values) = options.iter().find(|(k, _)| *k == "values")?;
            Some(values.matches(',').count() as u128 + 1)
        }
        "integer" | "big_integer" => {
            let (lo, hi) = if ty == "integer" {
                (f64::from(i32::MIN), f64::from(i32::MAX))
            } else {
                (i64::MIN as f64, i64::MAX as f64)
            };
            let lo = option("min").unwrap_or(lo);
            let hi = option("max").unwrap_or(hi);
            Some((hi - lo + 1.0).max(0.0) as u128)
        }
        "decimal" => {
            let scale = option("scale").unwrap_or(2.0);
            let steps = (option("max")? - option("min")?) * 10f64.powf(scale);
            Some(steps.round().max(0.0) as u128 + 1)
        }
        "float" => (option("min")? == option("max")?).then_some(1),
        _ => None,
    }
}

/// Every field type the generator draws: the spec's but `file`, the last, which
/// `with_file_field` adds at render time (drawn, it would change what every seed drew
/// before file fields existed).
const TYPES: &[&str] = {
    let allowed = backend_gen::spec::FieldType::ALLOWED;
    allowed.split_at(allowed.len() - 1).0
};
const _: () = {
    let allowed = backend_gen::spec::FieldType::ALLOWED;
    let last = allowed[allowed.len() - 1].as_bytes();
    assert!(
        last.len() == 4 && last[0] == b'f' && last[3] == b'e',
        "`file` is the last type"
    );
};

/// `(pattern, a value it matches)`: anchored and not, classes, quotes, `#` and backslashes
/// (raw string delimiters), Unicode.
const PATTERNS: &[(&str, &str)] = &[
    ("^[a-z0-9]+(-[a-z0-9]+)*$", "a-1"),
    ("^[A-Z]{3}-[0-9]{4}$", "ABC-1234"),
    (r"^\d{2,6}$", "123"),
    (r"^\w+$", "word"),
    (r##"^"#[a-z]*"#$"##, "\"#ab\"#"),
    (r#"^[^"'\\]*$"#, "plain"),
    (r"^\p{L}+$", "héllo"),
    (r"^(?i)ok|yes$", "OK"),
    (r"^[[:alpha:]]{1,8}$", "abc"),
    (r"^\S+@\S+$", "a@b.co"),
    (r"^https?://.+$", "https://example.com"),
    (r"^\+?[0-9 ]{6,20}$", "+49 123 456"),
    ("^.{0,5}$", "ok"),
    ("^$", ""),
    ("[0-9]", "a1b"),
    (r"^[a-z]{2,4}-[0-9]{2,6}(-[a-z0-9]{1,3})?$", "ab-12"),
    ("^(\u{e9}t\u{e9}|hiver)$", "\u{e9}t\u{e9}"),
    (r"^\{\}\[\]\(\)$", "{}[]()"),
];

/// Pieces of descriptions: everything that can break out of a comment, a string, a SQL
/// comment, TOML, YAML or Markdown when pasted in unescaped.
const TEXT_PIECES: &[&str] = &[
    "A plain sentence.",
    "\"quoted\" text",
    "back\\slash \\n is not a newline",
    "*/ closes a block comment",
    "/* opens one",
    "# not a heading",
    "// and /// and //!",
    "`code`, **bold** and _em_",
    "{{ tera }} {% raw %} {# note #}",
    "unicode: \u{e9} \u{fc} \u{df} \u{4e2d}\u{6587} \u{1f680}",
    "trailing spaces   ",
    "tab\there",
    "'single' quotes",
    "<b>html</b> & entities &amp;",
    "$dollar ${var} %s {}",
    "); DROP TABLE x; --",
    "} ] ) unbalanced",
    "r#\"raw\"# strings",
    "\"\"\" triple quotes",
    "-- an SQL comment",
    "key: value # yaml",
    "---",
    "@ mention",
    "a carriage\rreturn",
    "bidi \u{202e}override\u{202c} text",
    "\u{7f} delete and \u{1b}[31m escape",
];

/// One deliberate choice a spec's `check` may refuse (only at `keys`, with help).
#[derive(Debug, Clone)]
pub struct Hazard {
    pub class: &'static str,
    /// Dotted key paths (prefixes) at which a refusal may be reported.
    pub keys: Vec<String>,
}

/// A generated spec: its TOML and the project name to generate it under.
#[derive(Debug, Clone)]
pub struct GeneratedSpec {
    pub seed: u64,
    pub name: String,
    pub toml: String,
    pub hazards: Vec<Hazard>,
    /// The probe class added to the spec, if any (a hazard, or a combination the docs
    /// accept).
    pub probe: Option<&'static str>,
}

/// What a spec must contain: the e2e sample forces names and shapes, the rest is drawn.
#[derive(Debug, Clone, Default)]
pub struct Recipe {
    /// Resources in this order (their number is fixed when given).
    pub resources: &'static [&'static str],
    /// Field names, dealt round-robin to the resources.
    pub fields: &'static [&'static str],
    /// Values of one enum field on the first resource.
    pub enum_values: &'static [&'static str],
    pub api_prefix: Option<&'static str>,
    /// `(a, b)`: `a` declares `many_to_many = ["b"]`.
    pub many_to_many: &'static [(&'static str, &'static str)],
    pub jwt: Option<bool>,
    /// Every description multi-line.
    pub multi_line: bool,
    /// Every field type at least once.
    pub every_type: bool,
    /// With jwt, some fields get their own `read`, `write` and `write_denied`.
    pub field_rules: bool,
    /// The keys added since issue 11, each at least once: with jwt, a direct owner (with
    /// `owner_set_by`) and an owner through that parent, `registration` and
    /// `require_verified_email`; events (a lifecycle step and, with an enum, a
    /// transition), a job that listens to one, and `renamed_from` on a resource and a
    /// field.
    pub later_keys: bool,
    /// With jwt: the accounts are this other service's (`[auth] accounts`).
    pub accounts: Option<&'static str>,
    /// Multi-tenant (`[tenancy]`) where it can be: forced on or off, or (`None`) for every
    /// third count of resources (`Generator::with_tenancy`).
    pub tenancy: Option<bool>,
}

/// A random spec for `seed`. One seed in four gets one probe, the classes in turn, so every
/// class shows up in any run of a few hundred seeds.
pub fn random_spec(seed: u64) -> GeneratedSpec {
    let rng = ChaCha8Rng::seed_from_u64(seed);
    let probe = (seed % 4 == 3).then(|| PROBES[(seed / 4) as usize % PROBES.len()]);
    // The account's fields and tables exist only with jwt auth.
    let jwt = probe
        .filter(|h| {
            [
                "account field on user",
                "plural taken by a service table",
                "write_denied without a write rule",
                "required field its creators cannot write",
            ]
            .contains(h)
        })
        .map(|_| true);
    let mut g = Generator::new(
        rng,
        Recipe {
            jwt,
            field_rules: true,
            ..Recipe::default()
        },
    );
    g.build();
    if let Some(class) = probe {
        g.inject(class);
    }
    g.may_split = true;
    g.finish(seed)
}

/// The evolution whose first spec is `sample_spec(seed, recipe)`'s: an end-to-end
/// sample taken through random changes.
pub fn sample_evolution(seed: u64, recipe: Recipe) -> Evolution {
    let mut g = Generator::new(ChaCha8Rng::seed_from_u64(seed), recipe);
    g.build();
    let name = g.crate_name();
    Evolution { g, name }
}

/// A spec that follows `recipe`, random elsewhere; it has no hazard.
pub fn sample_spec(seed: u64, recipe: Recipe) -> GeneratedSpec {
    let mut g = Generator::new(ChaCha8Rng::seed_from_u64(seed), recipe);
    g.build();
    g.finish(seed)
}

/// A random valid spec that random changes move on, one at a time, as a team's spec
/// moves: fields and resources added, removed and renamed (`renamed_from`), types and
/// rules changed, events and jobs added and removed. Cloned to keep a version to go back
/// to (a change `update` refused). The same seed gives the same specs and changes.
#[derive(Clone)]
pub struct Evolution {
    g: Generator,
    /// The project name to generate it under.
    pub name: String,
}

/// One change of an [`Evolution`]: what it did, and the `--backfill` values it
/// offers `update` (for a required field added without a default).
#[derive(Debug, Clone)]
pub struct Change {
    pub what: String,
    pub backfill: Vec<String>,
}

/// The first spec of an evolution: a random spec with no hazard (no probe, no `[auth]`
/// keys without jwt).
pub fn evolution(seed: u64) -> Evolution {
    let mut g = Generator::new(
        ChaCha8Rng::seed_from_u64(seed),
        Recipe {
            field_rules: true,
            ..Recipe::default()
        },
    );
    g.build();
    if !g.auth.jwt {
        g.auth = Auth::default();
    }
    g.hazards.clear();
    let name = g.crate_name();
    Evolution { g, name }
}

impl Evolution {
    /// The spec as it is now.
    pub fn toml(&mut self) -> String {
        self.g.render()
    }

    /// Applies one random change; tries others when one does not apply to this spec.
    pub fn change(&mut self) -> Change {
        loop {
            let kind = self.g.rng.random_range(0..CHANGE_KINDS.len() as u32);
            if let Some(change) = self.g.change(kind) {
                return change;
            }
        }
    }

    /// Applies a change of `kind` (an index of [`CHANGE_KINDS`]), on other random targets
    /// while it does not apply; `None` when none of 20 draws does.
    #[allow(dead_code, reason = "only the served chain asks for a kind")]
    pub fn change_of(&mut self, kind: usize) -> Option<Change> {
        (0..20).find_map(|_| self.g.change(kind as u32))
    }
}

/// The kinds of change an [`Evolution`] makes, by the number `Generator::change` takes.
pub const CHANGE_KINDS: [&str; 20] = [
    "add a field",
    "add a field",
    "remove a field",
    "rename a field",
    "rename a field",
    "change a field's type",
    "change a rule or validation",
    "add a resource",
    "remove a resource",
    "rename a resource",
    "add or remove an event",
    "add or remove a job",
    "turn soft delete, versioning or timestamps on or off",
    "change a plural",
    "make a relation one-to-one or back",
    "add, change or remove a default",
    "add or remove an enum value",
    "turn a field's filter or sort on or off",
    "give a resource an owner or take it away",
    "make a field personal or plain again",
];

/// The spec as its TOML, with the seed and hazards first: what a failure prints.
pub fn describe(spec: &GeneratedSpec) -> String {
    let hazards: Vec<String> = spec
        .hazards
        .iter()
        .map(|h| format!("{} at {}", h.class, h.keys.join(", ")))
        .collect();
    format!(
        "seed {} (project {:?}; probe: {}; hazards: {})\n----- spec -----\n{}----------------",
        spec.seed,
        spec.name,
        spec.probe.unwrap_or("none"),
        if hazards.is_empty() {
            "none".to_string()
        } else {
            hazards.join("; ")
        },
        spec.toml
    )
}

/// Probes the docs accept: the spec must pass like any other.
const ACCEPTED_PROBES: &[&str] = &[
    "keyword resource name",
    "keyword relation name",
    "plural that is a keyword",
    "resource named like a service module",
    "resource named like a generated type",
];

/// Every probe class `inject` knows: hazards, and the [`ACCEPTED_PROBES`].
pub const PROBES: &[&str] = &[
    "generated field name",
    "list parameter as a field",
    "relation key as a field",
    "field named like a list filter",
    "resource named like a service module",
    "account field on user",
    "keyword resource name",
    "keyword relation name",
    "plural that is a keyword",
    "field that cannot be a raw identifier",
    "two fields with one camelCase spelling",
    "two resources with one PascalCase spelling",
    "two enum values with one variant",
    "join table named like a resource's table",
    "resource named like a generated type",
    "API prefix over the health routes",
    "API prefix with a dot segment",
    "access rule word as a role",
    "nested and many-to-many route on one path",
    "non-finite float bound",
    "plural taken by a service table",
    "write_denied without a write rule",
    "required field its creators cannot write",
    "two fields renamed from one name",
    "renamed_from longer than a name",
    "PostgreSQL system column as a field",
];

#[derive(Debug, Clone)]
struct Resource {
    name: String,
    plural: Option<String>,
    description: Option<String>,
    options: Vec<(&'static str, String)>,
    belongs_to: Vec<Relation>,
    many_to_many: Vec<String>,
    access: Option<String>,
    /// `customer`, or a path through parents (`order.customer`).
    owner: Option<String>,
    owner_set_by: Vec<String>,
    /// The rules of `create` the spec ends up with (jwt), for the field rules.
    create: Vec<String>,
    fields: Vec<Field>,
    /// `events = { ... }`, in the order the spec lists them.
    events: Vec<Event>,
    /// `renamed_from = "..."`: an earlier name (in a change, the name it had before).
    renamed_from: Option<String>,
    /// The name it was drawn with, kept through renames: what decides, by its hash, whether
    /// it is audited, so that a rename does not also turn the audit trail off (a change the
    /// served chain rightly takes as losing data).
    drawn_as: String,
}

/// One entry of a resource's `events`.
#[derive(Debug, Clone)]
struct Event {
    name: String,
    /// The key as the spec spells it (bare or quoted).
    key: String,
    kind: EventKind,
}

#[derive(Debug, Clone)]
enum EventKind {
    /// `created = true`: a lifecycle step, on or off.
    Lifecycle(bool),
    /// `{ when = "FIELD", becomes = "VALUE" }`.
    Transition { when: String, becomes: String },
}

impl Event {
    fn toml(&self) -> String {
        match &self.kind {
            EventKind::Lifecycle(on) => format!("{} = {on}", self.key),
            EventKind::Transition { when, becomes } => format!(
                "{} = {{ when = \"{when}\", becomes = \"{becomes}\" }}",
                self.key
            ),
        }
    }
}

/// A `[jobs.NAME]` table.
#[derive(Debug, Clone)]
struct Job {
    name: String,
    /// The event types of `on` (none: no `on` key).
    on: Vec<String>,
    /// `max_attempts = N`, `timeout_secs = N` lines.
    settings: Vec<String>,
}

#[derive(Debug, Clone)]
struct Relation {
    name: String,
    target: String,
    required: bool,
    /// `name = "target"` instead of a table.
    short: bool,
    on_delete: Option<&'static str>,
    /// `unique = true`: one-to-one (never on the owner's relation, which the spec refuses).
    unique: bool,
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    ty: &'static str,
    /// Keys after `type`, their values as TOML.
    options: Vec<(&'static str, String)>,
}

impl Field {
    /// `personal = true`: sealed at rest, never sorted, and made plain again only as a text.
    fn personal(&self) -> bool {
        self.options
            .iter()
            .any(|(k, v)| *k == "personal" && v == "true")
    }
}

#[derive(Debug, Clone, Default)]
struct Auth {
    jwt: bool,
    roles: Option<Vec<String>>,
    admin_role: Option<String>,
    default_role: Option<String>,
    numbers: Vec<(&'static str, u32)>,
    /// The account lifecycle's keys (jwt): `registration`, `require_verified_email`.
    lifecycle: Vec<(&'static str, String)>,
    /// `accounts = "SERVICE"`: the accounts are another service's.
    accounts: Option<String>,
    /// `personal_email = true` (accounts of the service's own): the emails sealed at rest.
    personal_email: bool,
    /// `account_claims` and `[auth.providers.NAME]`, as lines (`providers_for`).
    providers: Option<String>,
    /// Whether the spec has providers: decided at its first rendering and kept through a
    /// chain of changes, so that no change turns them off and drops their tables.
    providers_chosen: Option<bool>,
    /// Whether the spec is multi-tenant (`[tenancy]`, with a `tenant_org` resource): decided
    /// at its first rendering, as the providers are, and kept through a chain of changes
    /// (`update` refuses turning tenancy off).
    tenancy_chosen: Option<bool>,
}

#[derive(Clone)]
struct Generator {
    rng: ChaCha8Rng,
    /// Field rules draw from their own stream of the seed, so specs without them stay
    /// what they were before field rules existed (and the e2e samples with them).
    field_rng: ChaCha8Rng,
    /// Jobs draw from a stream of their own too, so specs drawn before jobs existed stay
    /// what they were.
    job_rng: ChaCha8Rng,
    /// The keys added after jobs (the account lifecycle, `renamed_from`) draw from a
    /// stream of their own too.
    later_rng: ChaCha8Rng,
    /// Other services' events in jobs' `on` draw from a stream of their own as well.
    heard_rng: ChaCha8Rng,
    /// And other services' rows that uuid fields refer to (`references`).
    remote_rng: ChaCha8Rng,
    /// And whether the accounts are another service's.
    accounts_rng: ChaCha8Rng,
    /// And whether the accounts' emails are personal data.
    privacy_rng: ChaCha8Rng,
    recipe: Recipe,
    project: Vec<(&'static str, String)>,
    api_prefix: Option<String>,
    auth: Auth,
    tables: Vec<(&'static str, String)>,
    resources: Vec<Resource>,
    hazards: Vec<Hazard>,
    probe: Option<&'static str>,
    /// The event types the resources emit (`post.created`), for jobs to listen to.
    event_types: Vec<String>,
    /// `[jobs.NAME]` tables.
    jobs: Vec<Job>,
    /// `[services.NAME]`: each service's name, resources and the jobs it lists.
    services: Vec<(String, Vec<String>, Vec<String>)>,
    /// `[replicas.NAME]` tables: name, then their lines.
    replicas: Vec<(String, Vec<String>)>,
    /// Whether `finish` may split the spec into services (random specs only: the samples
    /// are one service each, as their evolutions).
    may_split: bool,
}

impl Generator {
    fn new(rng: ChaCha8Rng, recipe: Recipe) -> Self {
        let mut field_rng = rng.clone();
        field_rng.set_stream(1);
        let mut job_rng = rng.clone();
        job_rng.set_stream(2);
        let mut later_rng = rng.clone();
        later_rng.set_stream(3);
        let mut heard_rng = rng.clone();
        heard_rng.set_stream(4);
        let mut remote_rng = rng.clone();
        remote_rng.set_stream(5);
        let mut accounts_rng = rng.clone();
        accounts_rng.set_stream(6);
        let mut privacy_rng = rng.clone();
        privacy_rng.set_stream(7);
        Self {
            rng,
            field_rng,
            job_rng,
            later_rng,
            heard_rng,
            remote_rng,
            accounts_rng,
            privacy_rng,
            recipe,
            project: Vec::new(),
            api_prefix: None,
            auth: Auth::default(),
            tables: Vec::new(),
            resources: Vec::new(),
            hazards: Vec::new(),
            probe: None,
            event_types: Vec::new(),
            jobs: Vec::new(),
            services: Vec::new(),
            replicas: Vec::new(),
            may_split: false,
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items.choose(&mut self.rng).expect("a non-empty list")
    }

    /// `n` distinct items of `items`, in random order.
    fn some_of<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut all = items.to_vec();
        all.shuffle(&mut self.rng);
        all.truncate(n);
        all
    }

    // ----- names -----

    /// A snake_case name: from the dictionary, or random with 1 to 30 characters.
    fn name(&mut self) -> String {
        let lists = [
            RUST_KEYWORDS,
            SQL_KEYWORDS,
            STD_NAMES,
            GENERATED_NAMES,
            CRATE_NAMES,
            ODD_NAMES,
            ISSUE_NAMES,
        ];
        if self.chance(0.65) {
            let list = words(lists[self.rng.random_range(0..lists.len())]);
            return (*self.pick(&list)).to_string();
        }
        let len = match self.rng.random_range(0..10) {
            0..=1 => self.rng.random_range(1..=2),
            2..=3 => 30,
            _ => self.rng.random_range(3..=29),
        };
        self.random_snake(len)
    }

    fn random_snake(&mut self, len: usize) -> String {
        let mut name = String::new();
        while name.len() < len {
            let last = name.chars().last();
            let c = if name.is_empty() {
                self.rng.random_range(b'a'..=b'z') as char
            } else if name.len() + 1 < len && last != Some('_') && self.chance(0.15) {
                '_'
            } else if self.chance(0.15) {
                self.rng.random_range(b'0'..=b'9') as char
            } else {
                self.rng.random_range(b'a'..=b'z') as char
            };
            name.push(c);
        }
        name
    }

    /// Draws names until `fits` accepts one (a name that would be a hazard or a clash is
    /// simply drawn again).
    fn fresh(&mut self, fits: impl Fn(&str) -> bool) -> String {
        for _ in 0..200 {
            let name = self.name();
            if fits(&name) {
                return name;
            }
        }
        // Practically unreachable: a long random name fits anything.
        loop {
            let name = self.random_snake(24);
            if fits(&name) {
                return name;
            }
        }
    }

    // ----- text -----

    /// Description text: one line, or several with everything that breaks out of comments.
    fn text(&mut self, multi_line: bool) -> String {
        let lines = if multi_line {
            self.rng.random_range(2..=4)
        } else {
            1
        };
        let mut out = Vec::new();
        for _ in 0..lines {
            let pieces = self.rng.random_range(1..=3);
            let line: Vec<&str> = (0..pieces).map(|_| *self.pick(TEXT_PIECES)).collect();
            out.push(line.join(" "));
        }
        if multi_line && self.chance(0.3) {
            // A blank line inside, and sometimes at the end.
            out.insert(1, String::new());
        }
        if self.chance(0.05) {
            return String::new();
        }
        out.join("\n")
    }

    /// A TOML string for `text`: basic, literal, or their multi-line forms, whichever the
    /// text allows.
    fn toml_string(&mut self, text: &str) -> String {
        let literal_ok = !text.contains('\'') && !text.chars().any(|c| c.is_control() && c != '\t');
        let multi_literal_ok = !text.contains("'''")
            && !text.ends_with('\'')
            && !text
                .chars()
                .any(|c| c.is_control() && c != '\t' && c != '\n');
        match self.rng.random_range(0..4) {
            0 if literal_ok => format!("'{text}'"),
            1 if multi_literal_ok && text.contains('\n') => format!("'''\n{text}'''"),
            2 | 1 if text.contains('\n') => format!("\"\"\"\n{}\"\"\"", escape(text, true)),
            _ => format!("\"{}\"", escape(text, false)),
        }
    }

    fn description(&mut self) -> Option<String> {
        let multi = self.recipe.multi_line || self.chance(0.3);
        if !self.recipe.multi_line && self.chance(0.4) {
            return None;
        }
        let text = self.text(multi);
        Some(self.toml_string(&text))
    }

    // ----- the spec -----

    fn build(&mut self) {
        self.build_project();
        self.build_auth();
        self.build_tables();
        let count = if self.recipe.resources.is_empty() {
            match self.rng.random_range(0..10) {
                0..=1 => 1,
                2..=7 => self.rng.random_range(2..=4),
                _ => self.rng.random_range(5..=7),
            }
        } else {
            self.recipe.resources.len()
        };
        for i in 0..count {
            let name = match self.recipe.resources.get(i) {
                Some(name) => name.to_string(),
                None => self.resource_name(),
            };
            let resource = self.resource(name);
            self.resources.push(resource);
        }
        self.deal_recipe_fields();
        for i in 0..self.resources.len() {
            let fields = self.rng.random_range(1..=5);
            let existing = self.resources[i].fields.len();
            for _ in existing..fields.max(1) {
                let field = self.field(i, None);
                self.resources[i].fields.push(field);
            }
        }
        if self.recipe.every_type {
            for ty in TYPES {
                if !self
                    .resources
                    .iter()
                    .any(|r| r.fields.iter().any(|f| f.ty == *ty))
                {
                    let field = self.field(0, Some(ty));
                    self.resources[0].fields.push(field);
                }
            }
        }
        self.relations();
        self.many_to_many();
        self.access_rules();
        self.events();
        self.jobs();
        self.renames();
        if self.recipe.later_keys {
            self.force_later_keys();
        }
        self.resources.shuffle(&mut self.rng);
        // Last, from its own stream: the draws above stay what they were before it.
        self.other_services_rows();
        self.replicas_of_other_services();
    }

    /// Now and then (a stream of its own), a copy of another service's rows kept here by
    /// its events (`[replicas.NAME]`), with or without their owners, and a
    /// relation or two to it; with jwt, an unowned resource may be owned through it.
    fn replicas_of_other_services(&mut self) {
        const REPLICAS: [(&str, &str); 2] =
            [("parcel_log", "warehouse"), ("ledger_entry", "my-billing")];
        let mut rng = self.rng.clone();
        rng.set_stream(8);
        if self.resources.is_empty() || !rng.random_bool(0.2) {
            return;
        }
        let count = rng.random_range(1..=2);
        for (name, service) in &REPLICAS[..count] {
            if self.resources.iter().any(|r| r.name == *name) {
                continue;
            }
            let i = rng.random_range(0..self.resources.len());
            let relation = format!("{name}_ref");
            if self.is_account(&self.resources[i]) || !self.relation_fits(i, &relation) {
                continue;
            }
            let mut lines = vec![format!("service = \"{service}\"")];
            let owner = self.auth.jwt && rng.random_bool(0.6);
            if owner {
                lines.push("owner = \"keeper\"".into());
            }
            self.replicas.push(((*name).to_string(), lines));
            let required = rng.random_bool(0.5);
            self.resources[i].belongs_to.push(Relation {
                name: relation.clone(),
                target: (*name).into(),
                required,
                short: false,
                on_delete: None,
                unique: false,
            });
            if owner && self.resources[i].owner.is_none() && rng.random_bool(0.5) {
                self.resources[i].owner = Some(format!("{relation}.keeper"));
            }
        }
    }

    /// Now and then, a uuid field holding another service's id (`references`), on a
    /// resource or two, optional or required, with or without field rules.
    fn other_services_rows(&mut self) {
        const FIELDS: [(&str, &str); 3] = [
            ("shipment_ref", "warehouse.shipment"),
            ("partner_unit", "r2d2.unit"),
            ("invoice_ref", "my-billing.invoice_line"),
        ];
        if !self.remote_rng.random_bool(0.25) {
            return;
        }
        let count = self.remote_rng.random_range(1..=2);
        for (name, reference) in &FIELDS[..count] {
            let i = self.remote_rng.random_range(0..self.resources.len());
            if !self.field_fits(i, name, "uuid") {
                continue;
            }
            let mut options = vec![("references", format!("\"{reference}\""))];
            let optional = self.remote_rng.random_bool(0.5);
            if optional {
                options.push(("required", "false".into()));
            }
            if self.auth.jwt && self.remote_rng.random_bool(0.3) {
                // No request writes a required field without a default.
                let write = if optional && self.remote_rng.random_bool(0.5) {
                    "\"none\""
                } else {
                    "\"create\""
                };
                options.push(("write", write.into()));
            }
            self.resources[i].fields.push(Field {
                name: (*name).into(),
                ty: "uuid",
                options,
            });
        }
    }

    /// [`Recipe::later_keys`]: what the draws left out, added.
    fn force_later_keys(&mut self) {
        if self.local_accounts() {
            self.auth.lifecycle = vec![
                ("registration", "\"quiet\"".into()),
                ("require_verified_email", "true".into()),
            ];
        }
        if self.event_types.is_empty() {
            let resource = self.resources[0].name.clone();
            self.resources[0].events.retain(|e| e.name != "created");
            self.resources[0].events.push(Event {
                name: "created".into(),
                key: "created".into(),
                kind: EventKind::Lifecycle(true),
            });
            self.event_types.push(format!("{resource}.created"));
            let transition = self.resources[0].fields.iter().find_map(|f| {
                let (_, values) = f.options.iter().find(|(k, _)| *k == "values")?;
                let first = values.trim_start_matches('[').split(',').next()?;
                Some((f.name.clone(), first.trim().trim_matches('"').to_string()))
            });
            if let Some((when, becomes)) = transition
                && !self.resources[0].events.iter().any(|e| e.name == "arrived")
            {
                self.resources[0].events.push(Event {
                    name: "arrived".into(),
                    key: "arrived".into(),
                    kind: EventKind::Transition { when, becomes },
                });
                self.event_types.push(format!("{resource}.arrived"));
            }
        }
        if !self.jobs.iter().any(|j| !j.on.is_empty()) {
            let name = ["send_digest", "notify_owner", "sync_search", "r2d2"]
                .into_iter()
                .find(|n| !self.jobs.iter().any(|j| j.name == *n))
                .expect("a free job name");
            self.jobs.push(Job {
                name: name.into(),
                on: vec![self.event_types[0].clone()],
                settings: vec!["max_attempts = 3".into()],
            });
        }
        if self.resources.iter().all(|r| r.renamed_from.is_none()) {
            let old = self.fresh(|n| n.len() > 3);
            if self.resource_fits(&old, None) {
                self.resources[0].renamed_from = Some(old);
            }
        }
        let field = &mut self.resources[0].fields[0];
        if !field.options.iter().any(|(k, _)| *k == "renamed_from") {
            let old = format!("{}_old", field.name.chars().take(20).collect::<String>())
                .replace("__", "_");
            field.options.push(("renamed_from", format!("\"{old}\"")));
        }
    }

    /// [`Recipe::later_keys`] with jwt: resource `a` owned directly (by a new optional
    /// relation to `user`, with `owner_set_by`), and `b` owned through `a`.
    fn force_owners(&mut self, roles: &[String]) {
        if self.resources.len() < 2
            || !self.local_accounts()
            || self.resources.iter().any(|r| r.name == "user")
        {
            return;
        }
        let reaches = |g: &Self, from: usize, to: &str| {
            let mut stack = vec![from];
            let mut seen = BTreeSet::new();
            while let Some(i) = stack.pop() {
                if !seen.insert(i) {
                    continue;
                }
                for b in &g.resources[i].belongs_to {
                    if b.target == to {
                        return true;
                    }
                    if let Some(j) = g.resources.iter().position(|r| r.name == b.target) {
                        stack.push(j);
                    }
                }
            }
            false
        };
        let (a, b) = if reaches(self, 0, &self.resources[1].name.clone()) {
            (1, 0)
        } else {
            (0, 1)
        };
        if self.resources[a]
            .owner
            .as_ref()
            .is_none_or(|o| o.contains('.'))
        {
            let relation = match self.resources[a]
                .belongs_to
                .iter()
                .find(|r| r.target == "user")
            {
                Some(r) => r.name.clone(),
                None => {
                    let name = self.fresh(|_| true);
                    let name = if self.relation_fits(a, &name) {
                        name
                    } else {
                        "account".into()
                    };
                    self.resources[a].belongs_to.push(Relation {
                        name: name.clone(),
                        target: "user".into(),
                        required: false,
                        short: false,
                        on_delete: Some("set_null"),
                        unique: false,
                    });
                    name
                }
            };
            self.resources[a].owner = Some(relation);
            self.resources[a].owner_set_by = vec![roles[0].clone()];
        }
        let direct = self.resources[a].owner.clone().expect("an owner");
        let parent = self.resources[a].name.clone();
        let relation = match self.resources[b]
            .belongs_to
            .iter()
            .find(|r| r.target == parent)
        {
            Some(r) => r.name.clone(),
            None => {
                let name = if self.relation_fits(b, &parent) {
                    parent.clone()
                } else {
                    "holder".into()
                };
                self.resources[b].belongs_to.push(Relation {
                    name: name.clone(),
                    target: parent,
                    required: false,
                    short: false,
                    on_delete: Some("cascade"),
                    unique: false,
                });
                name
            }
        };
        if self.resources[b].owner.is_none() {
            self.resources[b].owner = Some(format!("{relation}.{direct}"));
        }
    }

    /// `renamed_from` now and then, on fields and resources: `new` ignores it (only
    /// `update` reads it), so a fresh spec may carry it, as a spec does after a rename.
    fn renames(&mut self) {
        const OLD: &[&str] = &[
            "title",
            "old_name",
            "legacy",
            "tier_1",
            "a1",
            "previous_value_of_it",
            "x",
        ];
        for i in 0..self.resources.len() {
            if self.later_rng.random_bool(0.05) {
                let old = OLD[self.later_rng.random_range(0..OLD.len())];
                if !self
                    .resources
                    .iter()
                    .any(|r| r.name == old || r.renamed_from.as_deref() == Some(old))
                {
                    self.resources[i].renamed_from = Some(old.to_string());
                }
            }
            for f in 0..self.resources[i].fields.len() {
                if !self.later_rng.random_bool(0.04) {
                    continue;
                }
                let old = OLD[self.later_rng.random_range(0..OLD.len())];
                let taken = self.resources[i].fields.iter().any(|other| {
                    other.name == old
                        || other
                            .options
                            .iter()
                            .any(|(k, v)| *k == "renamed_from" && v.trim_matches('"') == old)
                });
                if !taken {
                    self.resources[i].fields[f]
                        .options
                        .push(("renamed_from", format!("\"{old}\"")));
                }
            }
        }
    }

    /// Domain events on some resources: lifecycle steps (now and then switched off), and
    /// transitions of their enum fields to one of their values.
    fn events(&mut self) {
        for i in 0..self.resources.len() {
            if !self.chance(0.3) {
                continue;
            }
            let mut entries = Vec::new();
            let resource = self.resources[i].name.clone();
            for &step in Trigger::LIFECYCLE {
                if self.chance(0.5) {
                    let on = self.chance(0.9);
                    entries.push(Event {
                        name: step.to_string(),
                        key: step.to_string(),
                        kind: EventKind::Lifecycle(on),
                    });
                    if on {
                        self.event_types.push(format!("{resource}.{step}"));
                    }
                }
            }
            let enums: Vec<(String, Vec<String>)> = self.resources[i]
                .fields
                .iter()
                .filter(|f| f.ty == "enum")
                .filter_map(|f| {
                    let (_, list) = f.options.iter().find(|(k, _)| *k == "values")?;
                    let parsed: toml::Table = toml::from_str(&format!("v = {list}")).ok()?;
                    let values = parsed["v"]
                        .as_array()?
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    Some((f.name.clone(), values))
                })
                .collect();
            let mut names: Vec<String> = Vec::new();
            let mut taken: Vec<(String, String)> = Vec::new();
            for (field, values) in enums {
                if values.is_empty() || !self.chance(0.6) {
                    continue;
                }
                let value = self.pick(&values).clone();
                if taken.contains(&(field.clone(), value.clone())) {
                    continue;
                }
                let name = self
                    .fresh(|n| !Trigger::LIFECYCLE.contains(&n) && !names.iter().any(|o| o == n));
                let key = self.key(&name);
                entries.push(Event {
                    name: name.clone(),
                    key,
                    kind: EventKind::Transition {
                        when: field.clone(),
                        becomes: value.clone(),
                    },
                });
                self.event_types.push(format!("{resource}.{name}"));
                names.push(name);
                taken.push((field, value));
            }
            entries.shuffle(&mut self.rng);
            self.resources[i].events = entries;
        }
    }

    /// Background jobs now and then: some listening to events the resources emit, some to
    /// other services' events, some with their own attempts and timeout.
    fn jobs(&mut self) {
        self.jobs_on_own_events();
        self.jobs_on_other_services_events();
    }

    /// Other services' events (`SERVICE.RESOURCE.EVENT`) in a job's `on`, now and then: beside
    /// the spec's own, or in a job of their own.
    fn jobs_on_other_services_events(&mut self) {
        const HEARD: [&str; 4] = [
            "billing.invoice.paid",
            "my-shop.order.created",
            "r2d2.unit.moved",
            "billing.refund.issued",
        ];
        if !self.heard_rng.random_bool(0.25) {
            return;
        }
        let mut events = HEARD.map(str::to_owned).to_vec();
        events.shuffle(&mut self.heard_rng);
        let n = self.heard_rng.random_range(1..=2);
        let heard = events[..n].to_vec();
        match self.jobs.first_mut() {
            Some(job) if self.heard_rng.random_bool(0.5) => job.on.extend(heard),
            _ => {
                let name = ["hear_partner", "mirror_invoice"]
                    .into_iter()
                    .find(|n| !self.jobs.iter().any(|j| j.name == *n))
                    .unwrap_or("hear_partner");
                self.jobs.push(Job {
                    name: name.to_owned(),
                    on: heard,
                    settings: Vec::new(),
                });
            }
        }
    }

    fn jobs_on_own_events(&mut self) {
        const NAMES: [&str; 4] = ["send_digest", "notify_owner", "sync_search", "r2d2"];
        if !self.job_rng.random_bool(0.3) {
            return;
        }
        let count = self.job_rng.random_range(1..=2);
        let mut names = NAMES;
        names.shuffle(&mut self.job_rng);
        for name in &names[..count] {
            let mut job = Job {
                name: name.to_string(),
                on: Vec::new(),
                settings: Vec::new(),
            };
            if !self.event_types.is_empty() && self.job_rng.random_bool(0.7) {
                let n = self.job_rng.random_range(1..=2.min(self.event_types.len()));
                let mut events = self.event_types.clone();
                events.shuffle(&mut self.job_rng);
                job.on = events[..n].to_vec();
            }
            if self.job_rng.random_bool(0.5) {
                job.settings.push(format!(
                    "max_attempts = {}",
                    self.job_rng.random_range(1..=10)
                ));
            }
            if self.job_rng.random_bool(0.3) {
                job.settings.push(format!(
                    "timeout_secs = {}",
                    self.job_rng.random_range(1..=600)
                ));
            }
            self.jobs.push(job);
        }
    }

    fn build_project(&mut self) {
        if self.chance(0.3) {
            let name = self.crate_name();
            self.project.push(("name", format!("\"{name}\"")));
        }
        if let Some(d) = self.description() {
            self.project.push(("description", d));
        }
        let prefix = match self.recipe.api_prefix {
            Some(p) => Some(p.to_string()),
            None => self.api_prefix(),
        };
        if let Some(p) = &prefix {
            self.project.push(("api_prefix", format!("\"{p}\"")));
        }
        self.api_prefix = prefix;
        if self.chance(0.5) {
            let db = *self.pick(&["sqlite", "postgres"]);
            self.project.push(("database", format!("\"{db}\"")));
        }
        // Chosen by the name's length, not drawn from the streams, so the specs drawn
        // before the key existed stay what they were.
        if let Some((_, name)) = self.project.iter().find(|(key, _)| *key == "name")
            && name.len() % 4 == 0
        {
            let host = name.trim_matches('"').replace('_', "-");
            self.project
                .push(("public_url", format!("\"https://{host}.example.com\"")));
        }
    }

    /// Every prefix shape: one segment or several, digits, dots, dashes and underscores,
    /// ones that look like the service's own routes.
    fn api_prefix(&mut self) -> Option<String> {
        const SHAPES: &[&str] = &[
            "/v1",
            "/api/v2",
            "/healthcare/v1",
            "/health",
            "/x",
            "/v1.2",
            "/a-b_c/0",
            "/api/v1/internal",
            "/metrics",
            "/openapi.json",
            "/auth",
            "/1",
            "/_",
            "/-",
            "/health/v1",
            "/healthz",
            "/api",
            "/metricsx",
        ];
        match self.rng.random_range(0..4) {
            0 => None,
            1 | 2 => Some(self.pick(SHAPES).to_string()),
            _ => {
                let segments = self.rng.random_range(1..=3);
                let mut prefix = String::new();
                for _ in 0..segments {
                    let len = self.rng.random_range(1..=12);
                    prefix.push('/');
                    for i in 0..len {
                        let c = *self.pick(b"abcdefghijklmnopqrstuvwxyz0123456789-_.") as char;
                        // No segment of dots only (a hazard of its own).
                        prefix.push(if c == '.' && i == 0 { 'v' } else { c });
                    }
                }
                Some(prefix)
            }
        }
    }

    fn crate_name(&mut self) -> String {
        loop {
            let name = self
                .name()
                .replace('_', if self.chance(0.5) { "-" } else { "_" });
            if backend_gen::spec::check_crate_name(&name).is_ok() {
                return name;
            }
        }
    }

    fn build_auth(&mut self) {
        self.auth.jwt = match self.recipe.jwt {
            Some(jwt) => jwt,
            None => self.rng.random_ratio(2, 5),
        };
        // `[auth]` keys without jwt are a hazard: a sample (which has none) asks for none.
        if !self.auth.jwt && (self.recipe.jwt == Some(false) || self.chance(0.8)) {
            return;
        }
        // A quarter of the random jwt specs (not the samples, unless theirs say so) take
        // their accounts from another service: no lifecycle keys, owners or `user` then.
        self.auth.accounts = match self.recipe.accounts {
            Some(service) => Some(service.into()),
            None if self.auth.jwt
                && self.recipe.jwt.is_none()
                && self.accounts_rng.random_bool(0.25) =>
            {
                Some(
                    (*["accounts", "identity", "my-accounts"]
                        .choose(&mut self.accounts_rng)
                        .expect("a name"))
                    .into(),
                )
            }
            None => None,
        };
        if self.local_accounts() {
            // About a quarter of the specs with accounts of their own seal their emails.
            self.auth.personal_email = self.privacy_rng.random_bool(0.25);
            if self.later_rng.random_bool(0.4) {
                let registration = if self.later_rng.random_bool(0.6) {
                    "quiet"
                } else {
                    "open"
                };
                self.auth
                    .lifecycle
                    .push(("registration", format!("\"{registration}\"")));
            }
            if self.later_rng.random_bool(0.4) {
                let required = self.later_rng.random_bool(0.7);
                self.auth
                    .lifecycle
                    .push(("require_verified_email", required.to_string()));
            }
        }
        if self.chance(0.5) {
            let count = self.rng.random_range(1..=4);
            let mut roles: Vec<String> = Vec::new();
            while roles.len() < count {
                let role =
                    self.fresh(|n| !RULE_WORDS.contains(&n) && !roles.iter().any(|r| r == n));
                roles.push(role);
            }
            // `admin` and `member` are the defaults; name others when they are missing.
            if !roles.iter().any(|r| r == "admin") || self.chance(0.3) {
                self.auth.admin_role = Some(self.pick(&roles).clone());
            }
            if !roles.iter().any(|r| r == "member") || self.chance(0.3) {
                self.auth.default_role = Some(self.pick(&roles).clone());
            }
            self.auth.roles = Some(roles);
        }
        for (key, max) in [
            ("access_token_minutes", 1440),
            ("refresh_token_days", 365),
            ("password_min_length", 128),
        ] {
            if self.auth.accounts.is_none() && self.chance(0.3) {
                let value = if self.chance(0.3) {
                    *self.pick(&[1, max])
                } else {
                    self.rng.random_range(1..=max)
                };
                self.auth.numbers.push((key, value));
            }
        }
        if !self.auth.jwt && (self.auth.roles.is_some() || !self.auth.numbers.is_empty()) {
            // docs/spec.md: `[auth]` keys need jwt (issue 35: they were silently accepted).
            self.hazards.push(Hazard {
                class: "auth keys without jwt",
                keys: vec!["auth".into()],
            });
        }
    }

    fn build_tables(&mut self) {
        if self.chance(0.3) {
            for (key, max) in [
                ("requests_per_minute", 1_000_000),
                ("burst", 1_000_000),
                ("login_per_minute", 1_000_000),
            ] {
                if self.chance(0.5) {
                    let v = if self.chance(0.2) {
                        *self.pick(&[1, max])
                    } else {
                        self.rng.random_range(1..=1000)
                    };
                    self.tables.push(("rate_limit", format!("{key} = {v}")));
                }
            }
            if self.chance(0.5) {
                let all = [
                    "10.0.0.0/8",
                    "127.0.0.1",
                    "::1",
                    "fd00::/8",
                    "192.168.1.0/24",
                    "0.0.0.0/0",
                ];
                let n = self.rng.random_range(0..=3);
                let proxies: Vec<String> = self
                    .some_of(&all, n)
                    .iter()
                    .map(|p| format!("\"{p}\""))
                    .collect();
                self.tables.push((
                    "rate_limit",
                    format!("trusted_proxies = [{}]", proxies.join(", ")),
                ));
            }
        }
        if self.chance(0.3) {
            let ttl = *self.pick(&[0, 1, 60, 86_400]);
            self.tables.push(("cache", format!("ttl_seconds = {ttl}")));
            if self.chance(0.5) {
                let max = *self.pick(&[1, 10_000, 10_000_000]);
                self.tables.push(("cache", format!("max_entries = {max}")));
            }
        }
    }

    /// Whether a resource named `name` (with `plural`) would clash with another one, or
    /// would be a hazard.
    fn resource_fits(&self, name: &str, plural: Option<&str>) -> bool {
        let names = Names::new(name, plural);
        plural != Some(name)
            // SQLite keeps `sqlite_*` names for itself: `check` refuses such tables, and a
            // resource `sqlite` would name its join tables `sqlite_*`.
            && name != "sqlite"
            // With the accounts another service's, `user` would read as them: refused.
            && (self.auth.accounts.is_none() || name != "user")
            && !name.starts_with("sqlite_")
            && !names.plural_snake.starts_with("sqlite_")
            && !self.service_tables(name).contains(&names.plural_snake)
            && !self.prefix_collides(&names.plural_kebab)
            && !self.resources.iter().any(|r| {
                let other = Names::new(&r.name, r.plural.as_deref());
                r.name == name
                    || other.pascal == names.pascal
                    || other.plural_snake == names.plural_snake
                    || other.plural_kebab == names.plural_kebab
                    || other.plural_pascal == names.plural_pascal
            })
    }

    /// Tables the service makes besides the resources', for a resource `name`.
    fn service_tables(&self, name: &str) -> Vec<String> {
        let mut tables = vec!["_sqlx_migrations".to_string()];
        if self.local_accounts() {
            tables.push("refresh_tokens".into());
            if name != "user" && !self.resources.iter().any(|r| r.name == "user") {
                tables.push("users".into());
            }
        }
        tables
    }

    fn prefix_collides(&self, kebab: &str) -> bool {
        let prefix = self.api_prefix.as_deref().unwrap_or("/v1");
        backend_gen::spec::routes::service_routes()
            .iter()
            .any(|r| r.path == format!("{prefix}/{kebab}"))
    }

    fn resource_name(&mut self) -> String {
        loop {
            let name = self.name();
            // Resources are named in the singular (a recipe's plural name is a hazard).
            if self.resource_fits(&name, None) && backend_gen::names::singular_of(&name).is_none() {
                return name;
            }
        }
    }

    fn resource(&mut self, name: String) -> Resource {
        let mut plural = None;
        if self.chance(0.15) {
            let candidate = self.name();
            if candidate != name && self.resource_fits(&name, Some(&candidate)) {
                plural = Some(candidate);
            }
        }
        assert!(
            self.resource_fits(&name, plural.as_deref()),
            "the recipe's resource {name:?} is a hazard or clashes"
        );
        let description = self.description();
        let mut options = Vec::new();
        for key in ["soft_delete", "versioned", "timestamps"] {
            if self.chance(0.35) {
                let value = self.chance(0.5);
                options.push((key, value.to_string()));
            }
        }
        if self.chance(0.2) {
            let ttl = *self.pick(&[0, 1, 30, 86_400]);
            options.push(("cache_ttl_seconds", ttl.to_string()));
        }
        Resource {
            drawn_as: name.clone(),
            name,
            plural,
            description,
            options,
            belongs_to: Vec::new(),
            many_to_many: Vec::new(),
            access: None,
            owner: None,
            owner_set_by: Vec::new(),
            create: Vec::new(),
            fields: Vec::new(),
            events: Vec::new(),
            renamed_from: None,
        }
    }

    /// docs/spec.md: a unique field has room for a second row, and a unique field of the
    /// accounts for every account: a small domain (any other resource may have one) is not
    /// unique there, nor is a field every row starts with one value of (a default, and no
    /// request writes it).
    fn settle_unique(&mut self) {
        let jwt = self.local_accounts();
        for r in &mut self.resources {
            let account = jwt && r.name == "user";
            for field in &mut r.fields {
                let default = field.options.iter().any(|(k, _)| *k == "default");
                let unwritten = field
                    .options
                    .iter()
                    .any(|(k, v)| *k == "write" && (v == "\"none\"" || v == "[\"none\"]"));
                let small = unique_room(field.ty, &field.options).is_some_and(|room| room < 12);
                if (default && unwritten) || (account && small) {
                    field.options.retain(|(key, _)| *key != "unique");
                }
            }
        }
    }

    /// What erasing an account does to `r`'s rows, where the spec says (`on_erase`): drawn
    /// from the resource's name, then made valid for the spec as it stands (a change may
    /// have taken an owner away or made a personal field required): only rows with an owner
    /// have one; `anonymize` needs personal fields, all optional; rows owned through a
    /// parent that erasure deletes are deleted too.
    fn on_erase(&self, r: &Resource) -> Option<&'static str> {
        let owner = r.owner.as_deref()?;
        if self.is_account(r) {
            return None;
        }
        if let Some((step, _)) = owner.split_once('.') {
            let parent = r
                .belongs_to
                .iter()
                .find(|b| b.name == step)
                .filter(|b| b.target != r.name)
                .and_then(|b| self.resources.iter().find(|p| p.name == b.target));
            if let Some(parent) = parent
                && matches!(self.on_erase(parent), None | Some("delete"))
            {
                return fnv(&r.name).is_multiple_of(2).then_some("delete");
            }
        }
        let personal: Vec<&Field> = r.fields.iter().filter(|f| f.personal()).collect();
        let clearable = !personal.is_empty()
            && personal.iter().all(|f| {
                f.options
                    .iter()
                    .any(|(k, v)| *k == "required" && v == "false")
            });
        // Few resources can be anonymized (personal fields, all optional): most that can are.
        match fnv(&r.name) % 4 {
            _ if clearable && !fnv(&r.name).is_multiple_of(3) => Some("anonymize"),
            1 => Some("delete"),
            2 | 3 => Some("keep"),
            _ => None,
        }
    }

    fn is_account(&self, resource: &Resource) -> bool {
        self.local_accounts() && resource.name == "user"
    }

    /// Whether accounts sign up here (jwt, and no `accounts` service named).
    fn local_accounts(&self) -> bool {
        self.auth.jwt && self.auth.accounts.is_none()
    }

    fn deal_recipe_fields(&mut self) {
        let count = self.resources.len();
        for (i, name) in self.recipe.fields.iter().enumerate() {
            let mut types = TYPES.to_vec();
            types.shuffle(&mut self.rng);
            let ty = types
                .into_iter()
                .find(|ty| self.field_fits(i % count, name, ty))
                .unwrap_or_else(|| panic!("the recipe's field {name:?} is a hazard or clashes"));
            let field = self.field_named(name.to_string(), ty);
            self.resources[i % count].fields.push(field);
        }
        if !self.recipe.enum_values.is_empty() {
            let name = self.fresh_field_name(0, "enum");
            let values: Vec<String> = self
                .recipe
                .enum_values
                .iter()
                .map(|v| format!("\"{v}\""))
                .collect();
            let default = format!("\"{}\"", self.recipe.enum_values[0]);
            self.resources[0].fields.push(Field {
                name,
                ty: "enum",
                options: vec![
                    ("values", format!("[{}]", values.join(", "))),
                    ("default", default),
                ],
            });
        }
    }

    /// Whether a field `name` of type `ty` fits resource `i`: no documented refusal and no
    /// clash of its JSON key or of a list filter with the others.
    fn field_fits(&self, i: usize, name: &str, ty: &str) -> bool {
        let r = &self.resources[i];
        if GENERATED_FIELDS.contains(&name)
            || QUERY_PARAMETERS.contains(&name)
            || NOT_RAW.contains(&name)
            || POSTGRES_SYSTEM_COLUMNS.contains(&name)
            || (self.is_account(r) && ACCOUNT_FIELDS.contains(&name))
        {
            return false;
        }
        let mut keys = reserved_keys(r, self.is_account(r));
        for f in &r.fields {
            keys.extend(field_keys(&f.name, f.ty));
        }
        // The new field's own key must be free, its filters must not be a field, nor
        // another's filters (a date `created` has `createdAt`'s `createdAfter`).
        let new_keys = field_keys(name, ty);
        let camel = Names::new(name, None).camel;
        !keys.contains(&camel)
            && !new_keys.iter().skip(1).any(|k| keys.contains(k))
            && !new_keys.iter().skip(1).any(|k| {
                r.fields
                    .iter()
                    .any(|f| Names::new(&f.name, None).camel == *k)
            })
            && !r
                .belongs_to
                .iter()
                .any(|b| format!("{}_id", b.name) == name)
    }

    fn fresh_field_name(&mut self, i: usize, ty: &str) -> String {
        loop {
            let name = self.name();
            if self.field_fits(i, &name, ty) {
                return name;
            }
        }
    }

    fn field(&mut self, i: usize, ty: Option<&'static str>) -> Field {
        let ty = ty.unwrap_or_else(|| *self.pick(TYPES));
        let name = self.fresh_field_name(i, ty);
        self.field_named(name, ty)
    }

    /// A field with random options that fit its type (a default that passes its own
    /// validations).
    fn field_named(&mut self, name: String, ty: &'static str) -> Field {
        let mut options: Vec<(&'static str, String)> = Vec::new();
        if self.chance(0.3) {
            options.push(("required", self.chance(0.5).to_string()));
        }
        if ty != "json" && self.chance(0.2) {
            options.push(("unique", self.chance(0.7).to_string()));
        }
        if let Some(d) = self.description() {
            options.push(("description", d));
        }
        match ty {
            "string" | "text" => self.textual(ty, &mut options),
            "integer" => self.whole(i32::MIN as i64, i32::MAX as i64, &mut options),
            "big_integer" => self.whole(i64::MIN, i64::MAX, &mut options),
            "float" => self.float(&mut options),
            "decimal" => self.decimal(&mut options),
            "boolean" if self.chance(0.4) => {
                options.push(("default", self.chance(0.5).to_string()));
            }
            "enum" => {
                let count = if self.chance(0.1) {
                    20
                } else {
                    self.rng.random_range(1..=6)
                };
                let mut values: Vec<String> = Vec::new();
                for _ in 0..count {
                    let value = self.fresh(|v| {
                        let pascal = Names::new(v, None).pascal;
                        !values.iter().any(|o| Names::new(o, None).pascal == pascal)
                    });
                    values.push(value);
                }
                let list: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
                options.push(("values", format!("[{}]", list.join(", "))));
                if self.chance(0.5) {
                    options.push(("default", format!("\"{}\"", self.pick(&values))));
                }
            }
            _ => {}
        }
        options.shuffle(&mut self.rng);
        // Personal data on a third of the string and text fields: by the name's hash, not
        // drawn (and after the shuffle), so the specs drawn before the key existed stay what
        // they were.
        if matches!(ty, "string" | "text") && fnv(&name).is_multiple_of(3) {
            options.push(("personal", "true".to_string()));
            // A third of those in their resource's events all the same.
            if fnv(&name).is_multiple_of(9) {
                options.push(("in_events", "true".to_string()));
            }
        }
        Field { name, ty, options }
    }

    fn textual(&mut self, ty: &str, options: &mut Vec<(&'static str, String)>) {
        let min = self.chance(0.3).then(|| *self.pick(&[0u32, 1, 2, 5]));
        let max = self
            .chance(0.4)
            .then(|| *self.pick(&[1u32, 3, 20, 200, 20_000]));
        let (min, max) = match (min, max) {
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            other => other,
        };
        let pattern = self.chance(0.25).then(|| *self.pick(PATTERNS));
        // Some value must pass every rule: the pattern's example fits the lengths.
        let (min, max) = match pattern {
            Some((_, example)) => {
                let len = example.chars().count() as u32;
                (min.filter(|m| *m <= len), max.filter(|m| *m >= len))
            }
            None => (min, max),
        };
        let format = (ty == "string" && pattern.is_none() && self.chance(0.2))
            .then(|| *self.pick(&["email", "url"]));
        if let Some(min) = min {
            options.push(("min_length", min.to_string()));
        }
        if let Some(max) = max {
            options.push(("max_length", max.to_string()));
        }
        if let Some((p, _)) = pattern {
            let literal = self.toml_string(p);
            options.push(("pattern", literal));
        }
        if let Some(f) = format {
            options.push(("format", format!("\"{f}\"")));
        }
        if self.chance(0.3) {
            let candidate = match (pattern, format) {
                (Some((_, example)), _) => example.to_string(),
                (None, Some("email")) => "someone@example.com".to_string(),
                // A quote to escape in TOML and Rust, percent-encoded where a URI needs it.
                (None, Some(_)) => "https://example.com/a?b='c'&d=%22e%22".to_string(),
                (None, None) => self.text(false),
            };
            let len = candidate.chars().count() as u32;
            if min.is_none_or(|m| len >= m) && max.is_none_or(|m| len <= m) {
                let value = self.toml_string(&candidate);
                options.push(("default", value));
            }
        }
    }

    fn whole(&mut self, lo: i64, hi: i64, options: &mut Vec<(&'static str, String)>) {
        let bound = |g: &mut Self| match g.rng.random_range(0..4) {
            0 => *g.pick(&[lo, hi, 0, -1, 1]),
            _ => g.rng.random_range(-1000..=1000),
        };
        let a = self.chance(0.4).then(|| bound(self));
        let b = self.chance(0.4).then(|| bound(self));
        let (min, max) = match (a, b) {
            (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
            other => other,
        };
        if let Some(min) = min {
            options.push(("min", min.to_string()));
        }
        if let Some(max) = max {
            options.push(("max", max.to_string()));
        }
        if self.chance(0.3) {
            let low = min.unwrap_or_else(|| max.map_or(-50, |m| m.saturating_sub(100)).max(lo));
            let high = max.unwrap_or_else(|| low.saturating_add(100).min(hi));
            let value = self.rng.random_range(low..=high);
            options.push(("default", value.to_string()));
        }
    }

    fn float(&mut self, options: &mut Vec<(&'static str, String)>) {
        const BOUNDS: &[(&str, f64)] = &[
            ("0", 0.0),
            ("0.5", 0.5),
            ("-1e300", -1e300),
            ("1e-9", 1e-9),
            ("2", 2.0),
            ("-3.25", -3.25),
            ("1.7976931348623157e308", f64::MAX),
            ("100", 100.0),
        ];
        let a = self.chance(0.4).then(|| *self.pick(BOUNDS));
        let b = self.chance(0.4).then(|| *self.pick(BOUNDS));
        let (min, max) = match (a, b) {
            (Some(a), Some(b)) if a.1 > b.1 => (Some(b), Some(a)),
            other => other,
        };
        if let Some((text, _)) = min {
            options.push(("min", text.to_string()));
        }
        if let Some((text, _)) = max {
            options.push(("max", text.to_string()));
        }
        if self.chance(0.3) {
            let fits = |(_, v): &&(&str, f64)| {
                min.is_none_or(|m| *v >= m.1) && max.is_none_or(|m| *v <= m.1)
            };
            let fitting: Vec<&(&str, f64)> = BOUNDS.iter().filter(fits).collect();
            if let Some((text, _)) = fitting.choose(&mut self.rng) {
                options.push(("default", text.to_string()));
            }
        }
    }

    fn decimal(&mut self, options: &mut Vec<(&'static str, String)>) {
        let precision = if self.chance(0.5) {
            None
        } else {
            Some(self.rng.random_range(1..=38u32))
        };
        // The default scale, 2, needs a precision of 2 or more.
        let scale = if self.chance(0.5) && precision.is_none_or(|p| p >= 2) {
            None
        } else {
            Some(self.rng.random_range(0..=precision.unwrap_or(18)))
        };
        if let Some(p) = precision {
            options.push(("precision", p.to_string()));
        }
        if let Some(s) = scale {
            options.push(("scale", s.to_string()));
        }
        let (precision, scale) = (precision.unwrap_or(18), scale.unwrap_or(2));
        // Bounds within the column: at most precision - scale digits before the point.
        let whole_digits = (precision - scale).min(9);
        let limit = 10i64.pow(whole_digits) - 1;
        let value = |g: &mut Self| -> (f64, String) {
            let whole = g.rng.random_range(-limit..=limit);
            let fraction = if scale > 0 && g.chance(0.5) {
                let digits = g.rng.random_range(1..=scale.min(4));
                let f = g.rng.random_range(0..10i64.pow(digits));
                format!(".{f:0width$}", width = digits as usize)
            } else {
                String::new()
            };
            let text = format!("{whole}{fraction}");
            (text.parse().unwrap_or(0.0), text)
        };
        let a = self.chance(0.4).then(|| value(self));
        let b = self.chance(0.4).then(|| value(self));
        let (min, max) = match (a, b) {
            (Some(a), Some(b)) if a.0 > b.0 => (Some(b), Some(a)),
            other => other,
        };
        for (key, bound) in [("min", &min), ("max", &max)] {
            if let Some((_, text)) = bound {
                options.push((key, self.decimal_literal(text)));
            }
        }
        if self.chance(0.3) {
            let v = value(self);
            if min.as_ref().is_none_or(|m| v.0 >= m.0) && max.as_ref().is_none_or(|m| v.0 <= m.0) {
                let literal = self.decimal_literal(&v.1);
                options.push(("default", literal));
            }
        }
    }

    /// A decimal as a string, or as a TOML number when that is exact.
    fn decimal_literal(&mut self, text: &str) -> String {
        if !text.contains('.') && self.chance(0.5) {
            text.to_string()
        } else {
            format!("\"{text}\"")
        }
    }

    /// belongs_to relations: a random DAG (plus optional self-references), every shape.
    fn relations(&mut self) {
        let count = self.resources.len();
        let mut order: Vec<usize> = (0..count).collect();
        order.shuffle(&mut self.rng);
        for (position, &i) in order.iter().enumerate() {
            let relations = match self.rng.random_range(0..10) {
                0..=4 => 0,
                5..=8 => 1,
                _ => 2,
            };
            for _ in 0..relations {
                // Parents come earlier in the order, or are the resource itself, or the
                // implicit account of a jwt spec.
                let mut targets: Vec<String> = order[..position]
                    .iter()
                    .map(|&j| self.resources[j].name.clone())
                    .collect();
                targets.push(self.resources[i].name.clone());
                if self.local_accounts() && !self.resources.iter().any(|r| r.name == "user") {
                    targets.push("user".into());
                }
                let target = self.pick(&targets).clone();
                let self_ref = target == self.resources[i].name;
                let required = !self_ref && self.chance(0.6);
                let on_delete = match (required, self.rng.random_range(0..4)) {
                    (_, 0) => None,
                    (_, 1) => Some("cascade"),
                    (_, 2) => Some("restrict"),
                    (false, _) => Some("set_null"),
                    (true, _) => Some("cascade"),
                };
                let use_target_name = self.chance(0.5);
                let name = if use_target_name && self.relation_fits(i, &target) {
                    target.clone()
                } else {
                    loop {
                        let n = self.name();
                        if self.relation_fits(i, &n) {
                            break n;
                        }
                    }
                };
                let short = required && on_delete.is_none() && self.chance(0.5);
                // Told by the name rather than drawn, so that the draws after it, and the
                // seeded samples the suite has proven, stay as they were.
                let unique = !short && !self_ref && one_in(&name, 6) && self.has_plural(i);
                self.resources[i].belongs_to.push(Relation {
                    name,
                    target,
                    required,
                    short,
                    on_delete,
                    unique,
                });
            }
        }
    }

    /// Whether resource `i`'s plural differs from its name, as a one-to-one relation's
    /// route under its parent needs (`/orders/{id}/invoice` beside `.../invoices`).
    fn has_plural(&self, i: usize) -> bool {
        let r = &self.resources[i];
        let names = Names::new(&r.name, r.plural.as_deref());
        names.plural_kebab != names.kebab
    }

    /// A relation `name` on resource `i`: not a keyword, not a field's JSON key, not
    /// another relation.
    fn relation_fits(&self, i: usize, name: &str) -> bool {
        let r = &self.resources[i];
        let key = Names::new(&format!("{name}_id"), None).camel;
        let mut keys = reserved_keys(r, self.is_account(r));
        for f in &r.fields {
            keys.extend(field_keys(&f.name, f.ty));
        }
        !keys.contains(&key) && !r.fields.iter().any(|f| f.name == format!("{name}_id"))
    }

    /// Pairs declared on one side; never alongside a nested route on the same path, and
    /// never a join table named like another table.
    fn many_to_many(&mut self) {
        for (a, b) in self.recipe.many_to_many {
            let i = self.index(a);
            self.resources[i].many_to_many.push(b.to_string());
        }
        let count = self.resources.len();
        if count < 2 || !self.recipe.many_to_many.is_empty() {
            return;
        }
        for _ in 0..self.rng.random_range(0..=2) {
            let i = self.rng.random_range(0..count);
            let j = self.rng.random_range(0..count);
            let (a, b) = (
                self.resources[i].name.clone(),
                self.resources[j].name.clone(),
            );
            if i == j
                || self
                    .m2m_pairs()
                    .iter()
                    .any(|(x, y)| (*x == a && *y == b) || (*x == b && *y == a))
            {
                continue;
            }
            let child_of =
                |c: usize, p: &str| self.resources[c].belongs_to.iter().any(|r| r.target == p);
            if child_of(j, &a) || child_of(i, &b) {
                continue;
            }
            let join = join_table(&a, &self.resources[j]);
            let mut tables: Vec<String> = self.service_tables("");
            tables.extend(
                self.resources
                    .iter()
                    .map(|r| Names::new(&r.name, r.plural.as_deref()).plural_snake),
            );
            tables.extend(
                self.m2m_pairs()
                    .iter()
                    .map(|(x, y)| join_table(x, &self.resources[self.index(y)])),
            );
            if tables.contains(&join) {
                continue;
            }
            self.resources[i].many_to_many.push(b);
        }
    }

    fn m2m_pairs(&self) -> Vec<(String, String)> {
        self.resources
            .iter()
            .flat_map(|r| r.many_to_many.iter().map(|t| (r.name.clone(), t.clone())))
            .collect()
    }

    fn index(&self, name: &str) -> usize {
        self.resources
            .iter()
            .position(|r| r.name == name)
            .unwrap_or_else(|| panic!("no resource {name:?}"))
    }

    /// Owners: a relation to `user` on the row itself (sometimes with roles that may name
    /// another owner), or, for rows without one, a path through a parent that has an owner.
    fn add_owners(&mut self, roles: &[String]) {
        if self.auth.accounts.is_some() {
            self.add_remote_owners(roles);
        }
        for i in 0..self.resources.len() {
            if self.is_account(&self.resources[i]) {
                continue;
            }
            let direct = self.resources[i]
                .belongs_to
                .iter()
                .find(|b| b.target == "user")
                .map(|b| b.name.clone());
            if let Some(relation) = direct
                && self.chance(0.6)
            {
                self.resources[i].owner = Some(relation);
                if self.chance(0.3) {
                    let n = self.rng.random_range(1..=2.min(roles.len()));
                    self.resources[i].owner_set_by = self.some_of(roles, n);
                }
            }
        }
        // Parents first in the spec's order is not guaranteed, so sweep until nothing changes.
        loop {
            let mut changed = false;
            for i in 0..self.resources.len() {
                if self.resources[i].owner.is_some() || self.is_account(&self.resources[i]) {
                    continue;
                }
                let name = self.resources[i].name.clone();
                let through = self.resources[i].belongs_to.iter().find_map(|b| {
                    let parent = self.resources.iter().find(|p| p.name == b.target)?;
                    let path = parent.owner.as_ref()?;
                    (b.target != name).then(|| format!("{}.{path}", b.name))
                });
                if let Some(path) = through
                    && self.chance(0.5)
                {
                    self.resources[i].owner = Some(path);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// With another service's accounts: some resources owned by an account there, through
    /// the one relation to `user` such a spec may have (the owner's, with no `on_delete`).
    fn add_remote_owners(&mut self, roles: &[String]) {
        for i in 0..self.resources.len() {
            if !self.chance(0.4) {
                continue;
            }
            let name = self.fresh(|_| true);
            let taken = self.resources[i].belongs_to.iter().any(|b| b.name == name);
            if taken || !self.relation_fits(i, &name) {
                continue;
            }
            let required = self.chance(0.5);
            let short = required && self.chance(0.5);
            self.resources[i].belongs_to.push(Relation {
                name: name.clone(),
                target: "user".into(),
                required,
                short,
                on_delete: None,
                unique: false,
            });
            self.resources[i].owner = Some(name);
            if self.chance(0.3) {
                let n = self.rng.random_range(1..=2.min(roles.len()));
                self.resources[i].owner_set_by = self.some_of(roles, n);
            }
        }
    }

    /// jwt only: per-action rules, owners directly or through parents.
    fn access_rules(&mut self) {
        if !self.auth.jwt {
            for i in 0..self.resources.len() {
                if self.chance(0.1) {
                    self.resources[i].access = Some("\"public\"".into());
                }
            }
            return;
        }
        let roles = self
            .auth
            .roles
            .clone()
            .unwrap_or_else(|| vec!["admin".into(), "member".into()]);
        self.add_owners(&roles);
        if self.recipe.later_keys {
            self.force_owners(&roles);
        }
        for i in 0..self.resources.len() {
            let account = self.is_account(&self.resources[i]);
            let owner_ok = account || self.resources[i].owner.is_some();
            let mut words: Vec<String> =
                vec!["public".into(), "authenticated".into(), "verified".into()];
            words.extend(roles.iter().cloned());
            if owner_ok {
                words.push("owner".into());
            }
            // The create rule the validator will see: `access`'s, else the default.
            let default = if account {
                vec![self.admin_role()]
            } else {
                vec!["authenticated".to_string()]
            };
            let mut create = default.clone();
            match self.rng.random_range(0..3) {
                0 => {}
                1 => {
                    let word = self.pick(&words).clone();
                    self.resources[i].access = Some(format!("\"{word}\""));
                    create = vec![word];
                }
                _ => {
                    let mut actions = Vec::new();
                    let mut chosen_create = None;
                    for action in ["list", "read", "create", "update", "delete"] {
                        if self.chance(0.6) {
                            let (chosen, list) = if self.chance(0.4) {
                                let n = self.rng.random_range(1..=3.min(words.len()));
                                (self.some_of(&words, n), true)
                            } else {
                                (vec![self.pick(&words).clone()], false)
                            };
                            let rule = if list {
                                let quoted: Vec<String> =
                                    chosen.iter().map(|w| format!("\"{w}\"")).collect();
                                format!("[{}]", quoted.join(", "))
                            } else {
                                format!("\"{}\"", chosen[0])
                            };
                            if action == "create" {
                                chosen_create = Some(chosen);
                            }
                            actions.push(format!("{action} = {rule}"));
                        }
                    }
                    if !actions.is_empty() {
                        self.resources[i].access = Some(format!("{{ {} }}", actions.join(", ")));
                        // With an `access` table, even the account's defaults are jwt's.
                        create = chosen_create.unwrap_or_else(|| vec!["authenticated".to_string()]);
                    }
                }
            }
            self.resources[i].create = create;
        }
        if self.recipe.field_rules {
            self.field_rules(&roles);
        }
    }

    fn admin_role(&self) -> String {
        self.auth
            .admin_role
            .clone()
            .unwrap_or_else(|| "admin".to_string())
    }

    /// Who may create a row of resource `i`: its `create` rule, and everyone for the
    /// account (registration).
    fn creators(&self, i: usize) -> Vec<String> {
        let mut creators = self.resources[i].create.clone();
        if self.is_account(&self.resources[i]) {
            creators.push("public".into());
        }
        creators
    }

    /// Whether every caller who passes `creators` passes `write` (docs/spec.md, "Field
    /// rules"): `write` lists the creator's rule, or `authenticated` for any but `public`;
    /// admins pass every rule.
    fn covers(&self, write: &[String], creators: &[String]) -> bool {
        let admin = self.admin_role();
        write.iter().any(|w| w == "public")
            || creators.iter().all(|c| {
                write.contains(c)
                    || (c != "public" && write.iter().any(|w| w == "authenticated"))
                    || *c == admin
            })
    }

    /// Field rules on about one field in seven of a jwt spec, only in combinations the docs
    /// accept: `owner` only where rows carry their owner, `write_denied` only with a `write`
    /// that narrows, and a required field without a default writable by all its creators.
    fn field_rules(&mut self, roles: &[String]) {
        for i in 0..self.resources.len() {
            let r = &self.resources[i];
            let owner_on_row =
                self.is_account(r) || r.owner.as_ref().is_some_and(|o| !o.contains('.'));
            let mut words: Vec<String> = vec!["authenticated".into(), "verified".into()];
            // In `write`, `create` and `none` are words, whatever the roles.
            words.extend(
                roles
                    .iter()
                    .filter(|r| !["create", "none"].contains(&r.as_str()))
                    .cloned(),
            );
            if owner_on_row {
                words.push("owner".into());
            }
            let creators = self.creators(i);
            for f in 0..self.resources[i].fields.len() {
                if !self.field_rng.random_bool(0.15) {
                    continue;
                }
                let rules = |g: &mut Self| -> Vec<String> {
                    let n = g.field_rng.random_range(1..=2.min(words.len()));
                    let mut all = words.clone();
                    all.shuffle(&mut g.field_rng);
                    all.truncate(n);
                    // Now and then `public`, which narrows nothing.
                    if g.field_rng.random_bool(0.1) {
                        all.push("public".into());
                    }
                    all
                };
                let mut options: Vec<(&'static str, String)> = Vec::new();
                if self.field_rng.random_bool(0.5) {
                    let read = rules(self);
                    options.push(("read", rule_list(&read, &mut self.field_rng)));
                }
                let write = match self.field_rng.random_range(0..10) {
                    0..=1 => None,
                    2..=6 => Some(rules(self)),
                    7..=8 => Some(vec!["create".to_string()]),
                    _ => Some(vec!["none".to_string()]),
                };
                let Some(write) = write else {
                    self.resources[i].fields[f].options.extend(options);
                    continue;
                };
                options.push(("write", rule_list(&write, &mut self.field_rng)));
                let narrows = !write.iter().any(|w| w == "public");
                if narrows && self.field_rng.random_bool(0.4) {
                    let denied = if self.field_rng.random_bool(0.7) {
                        "ignore"
                    } else {
                        "reject"
                    };
                    options.push(("write_denied", format!("\"{denied}\"")));
                }
                let field = &self.resources[i].fields[f];
                let required = !field
                    .options
                    .iter()
                    .any(|(k, v)| *k == "required" && v == "false");
                let has_default = field.options.iter().any(|(k, _)| *k == "default");
                let writable = match write[0].as_str() {
                    "create" => true,
                    "none" => false,
                    _ => self.covers(&write, &creators),
                };
                let field = &mut self.resources[i].fields[f];
                if required && !has_default && !writable {
                    // Some creator could not set it: make it optional.
                    field.options.retain(|(k, _)| *k != "required");
                    field.options.push(("required", "false".into()));
                }
                field.options.extend(options);
            }
        }
    }

    // ----- hazards -----

    /// Records the probe just added: a hazard at `keys`, unless the docs accept it.
    fn hazard(&mut self, class: &'static str, keys: Vec<String>) {
        self.probe = Some(class);
        if !ACCEPTED_PROBES.contains(&class) {
            self.hazards.push(Hazard { class, keys });
        }
    }

    /// Adds one probe of `class` to the finished spec, when the spec has what it needs.
    fn inject(&mut self, class: &'static str) {
        let i = self.rng.random_range(0..self.resources.len());
        let r = self.resources[i].name.clone();
        let field_key = |f: &str| format!("resources.{r}.fields.{f}");
        let plain = |name: &str, ty: &'static str| Field {
            name: name.to_string(),
            ty,
            options: Vec::new(),
        };
        match class {
            "generated field name"
            | "list parameter as a field"
            | "field that cannot be a raw identifier"
            | "PostgreSQL system column as a field" => {
                let list = match class {
                    "generated field name" => GENERATED_FIELDS,
                    "list parameter as a field" => QUERY_PARAMETERS,
                    "PostgreSQL system column as a field" => POSTGRES_SYSTEM_COLUMNS,
                    _ => NOT_RAW,
                };
                let name = *self.pick(list);
                if self.resources[i].fields.iter().any(|f| f.name == name) {
                    return;
                }
                self.resources[i].fields.push(plain(name, "string"));
                self.hazard(class, vec![field_key(name)]);
            }
            "relation key as a field" => {
                if self.resources[i].belongs_to.is_empty() {
                    let parent = Relation {
                        name: "parent".into(),
                        target: r.clone(),
                        required: false,
                        short: false,
                        on_delete: None,
                        unique: false,
                    };
                    self.resources[i].belongs_to.push(parent);
                }
                let rel = self.resources[i].belongs_to[0].name.clone();
                let name = format!("{rel}_id");
                if name.len() > 30 {
                    return;
                }
                self.resources[i].fields.push(plain(&name, "uuid"));
                self.hazard(
                    class,
                    vec![field_key(&name), format!("resources.{r}.belongs_to.{rel}")],
                );
            }
            "field named like a list filter" => {
                let taken: Vec<String> = self.resources[i]
                    .fields
                    .iter()
                    .map(|f| f.name.clone())
                    .collect();
                let base = self.fresh(|n| n.len() <= 24 && !taken.iter().any(|f| f.starts_with(n)));
                let (ty, suffix) = *self.pick(&[
                    ("integer", "min"),
                    ("decimal", "max"),
                    ("date", "after"),
                    ("datetime", "before"),
                ]);
                let stem = if ty == "datetime" {
                    format!("{base}_at")
                } else {
                    base.clone()
                };
                let clash = format!("{base}_{suffix}");
                self.resources[i].fields.push(plain(&stem, ty));
                self.resources[i].fields.push(plain(&clash, "string"));
                self.hazard(class, vec![field_key(&stem), field_key(&clash)]);
            }
            "resource named like a service module" | "keyword resource name" => {
                let list = if class == "resource named like a service module" {
                    SERVICE_MODULES.to_vec()
                } else {
                    words(RUST_KEYWORDS)
                };
                let name = self.pick(&list).to_string();
                self.add_resource(&name, None);
                self.hazard(class, vec![format!("resources.{name}")]);
            }
            "plural that is a keyword" => {
                let plural = if self.chance(0.5) {
                    *self.pick(&words(RUST_KEYWORDS))
                } else {
                    *self.pick(backend_gen::names::SQL_KEYWORDS)
                };
                let name = loop {
                    let name = self.resource_name();
                    if name != plural {
                        break name;
                    }
                };
                self.add_resource(&name, Some(plural));
                self.hazard(class, vec![format!("resources.{name}")]);
            }
            "account field on user" => {
                let name = self.pick(ACCOUNT_FIELDS).to_string();
                let account = match self.resources.iter().position(|r| r.name == "user") {
                    Some(a) => a,
                    None => {
                        self.add_resource("user", None);
                        self.resources.len() - 1
                    }
                };
                if self.resources[account]
                    .fields
                    .iter()
                    .any(|f| f.name == name)
                {
                    return;
                }
                self.resources[account].fields.push(plain(&name, "string"));
                self.hazard(class, vec![format!("resources.user.fields.{name}")]);
            }
            "keyword relation name" => {
                let name = self.pick(&words(RUST_KEYWORDS)).to_string();
                self.resources[i].belongs_to.push(Relation {
                    name: name.clone(),
                    target: r.clone(),
                    required: false,
                    short: false,
                    on_delete: None,
                    unique: false,
                });
                self.hazard(class, vec![format!("resources.{r}.belongs_to.{name}")]);
            }
            "two fields with one camelCase spelling" => {
                let (a, b) = *self.pick(&[
                    ("a_1", "a1"),
                    ("x_2y", "x2y"),
                    ("tier_1", "tier1"),
                    ("l_2_norm", "l2_norm"),
                ]);
                if self.resources[i]
                    .fields
                    .iter()
                    .any(|f| f.name == a || f.name == b)
                {
                    return;
                }
                self.resources[i].fields.push(plain(a, "string"));
                self.resources[i].fields.push(plain(b, "integer"));
                self.hazard(class, vec![field_key(a), field_key(b)]);
            }
            "two resources with one PascalCase spelling" => {
                let (a, b) = *self.pick(&[("v_2", "v2"), ("item_1", "item1"), ("a_1b", "a1b")]);
                self.add_resource(a, None);
                self.add_resource(b, None);
                self.hazard(
                    class,
                    vec![format!("resources.{a}"), format!("resources.{b}")],
                );
            }
            "two enum values with one variant" => {
                let (a, b) = *self.pick(&[("a_1", "a1"), ("tier_1", "tier1"), ("x_2", "x2")]);
                let name = self.fresh_field_name(i, "enum");
                let key = field_key(&name);
                self.resources[i].fields.push(Field {
                    name,
                    ty: "enum",
                    options: vec![("values", format!("[\"{a}\", \"{b}\"]"))],
                });
                self.hazard(class, vec![key]);
            }
            "join table named like a resource's table" => {
                let (a, b) = ("post", "tag");
                self.add_resource(a, None);
                self.add_resource(b, None);
                self.add_resource("post_tag", None);
                let ai = self.index(a);
                self.resources[ai].many_to_many.push(b.into());
                self.hazard(
                    class,
                    ["post", "tag", "post_tag"]
                        .iter()
                        .map(|n| format!("resources.{n}"))
                        .collect(),
                );
            }
            "resource named like a generated type" => {
                let enum_field = self.resources[i]
                    .fields
                    .iter()
                    .find(|f| f.ty == "enum")
                    .map(|f| f.name.clone());
                let suffix = match enum_field {
                    Some(f) if self.chance(0.5) => f,
                    _ => self.pick(&["input", "patch"]).to_string(),
                };
                let (r, name) = if r.len() + suffix.len() < 30 {
                    (r.clone(), format!("{r}_{suffix}"))
                } else {
                    self.add_resource("memo", None);
                    ("memo".to_string(), "memo_input".to_string())
                };
                self.add_resource(&name, None);
                self.hazard(
                    class,
                    vec![format!("resources.{r}"), format!("resources.{name}")],
                );
            }
            "API prefix over the health routes" => {
                self.set_prefix("/health");
                let plural = *self.pick(&["live", "ready"]);
                let name = format!("{plural}_thing");
                self.add_resource(&name, Some(plural));
                self.hazard(
                    class,
                    vec!["project.api_prefix".into(), format!("resources.{name}")],
                );
            }
            "API prefix with a dot segment" => {
                let prefix = *self.pick(&["/.", "/..", "/v1/..", "/./v1"]);
                self.set_prefix(prefix);
                self.hazard(class, vec!["project.api_prefix".into()]);
            }
            "access rule word as a role" => {
                let word = self.pick(RULE_WORDS).to_string();
                let mut roles = self
                    .auth
                    .roles
                    .clone()
                    .unwrap_or_else(|| vec!["admin".into(), "member".into()]);
                roles.push(word);
                self.auth.roles = Some(roles);
                self.hazard(
                    class,
                    vec![
                        "auth.roles".into(),
                        "auth.admin_role".into(),
                        "auth.default_role".into(),
                    ],
                );
            }
            "nested and many-to-many route on one path" => {
                self.add_resource("shelf", None);
                self.add_resource("book", None);
                let (s, b) = (self.index("shelf"), self.index("book"));
                self.resources[s].many_to_many.push("book".into());
                self.resources[b].belongs_to.push(Relation {
                    name: "shelf".into(),
                    target: "shelf".into(),
                    required: true,
                    short: true,
                    on_delete: None,
                    unique: false,
                });
                self.hazard(
                    class,
                    vec!["resources.shelf".into(), "resources.book".into()],
                );
            }
            "non-finite float bound" => {
                let name = self.fresh_field_name(i, "float");
                let key = *self.pick(&["min", "max", "default"]);
                let value = *self.pick(&["inf", "-inf", "nan"]);
                let key_path = field_key(&name);
                self.resources[i].fields.push(Field {
                    name,
                    ty: "float",
                    options: vec![(key, value.to_string())],
                });
                self.hazard(class, vec![key_path]);
            }
            "plural taken by a service table" => {
                let name = loop {
                    let name = self.resource_name();
                    if name != "user" {
                        break name;
                    }
                };
                let plural = if self.resources.iter().any(|r| r.name == "user") {
                    "refresh_tokens"
                } else {
                    *self.pick(&["refresh_tokens", "users"])
                };
                self.add_resource(&name, Some(plural));
                self.hazard(class, vec![format!("resources.{name}")]);
            }
            "write_denied without a write rule" => {
                let name = self.fresh_field_name(i, "string");
                let key = field_key(&name);
                let denied = *self.pick(&["\"ignore\"", "\"reject\""]);
                let mut options = vec![
                    ("required", "false".to_string()),
                    ("write_denied", denied.to_string()),
                ];
                if self.chance(0.5) {
                    options.push(("write", "[\"public\"]".into()));
                }
                self.resources[i].fields.push(Field {
                    name,
                    ty: "string",
                    options,
                });
                self.hazard(class, vec![key]);
            }
            "required field its creators cannot write" => {
                let name = self.fresh_field_name(i, "string");
                let key = field_key(&name);
                let creators = self.creators(i);
                let roles = self
                    .auth
                    .roles
                    .clone()
                    .unwrap_or_else(|| vec!["admin".into(), "member".into()]);
                let narrow: Vec<String> = roles
                    .into_iter()
                    .filter(|r| {
                        !["create", "none"].contains(&r.as_str())
                            && !self.covers(std::slice::from_ref(r), &creators)
                    })
                    .collect();
                let write = match narrow.choose(&mut self.rng) {
                    Some(role) if self.chance(0.5) => format!("[\"{role}\"]"),
                    _ => "\"none\"".to_string(),
                };
                self.resources[i].fields.push(Field {
                    name,
                    ty: "string",
                    options: vec![("write", write)],
                });
                self.hazard(class, vec![key]);
            }
            "two fields renamed from one name" => {
                if self.resources[i].fields.len() < 2 {
                    return;
                }
                let names: Vec<String> = self.resources[i]
                    .fields
                    .iter()
                    .map(|f| f.name.clone())
                    .collect();
                let old = self.fresh(|n| !names.iter().any(|f| f == n));
                let mut keys = Vec::new();
                for f in &mut self.resources[i].fields[..2] {
                    f.options.retain(|(k, _)| *k != "renamed_from");
                    f.options.push(("renamed_from", format!("\"{old}\"")));
                    keys.push(format!("resources.{r}.fields.{}", f.name));
                }
                self.hazard(class, keys);
            }
            "renamed_from longer than a name" => {
                let old = "a".repeat(31);
                let f = self.rng.random_range(0..self.resources[i].fields.len());
                let field = &mut self.resources[i].fields[f];
                field.options.retain(|(k, _)| *k != "renamed_from");
                field.options.push(("renamed_from", format!("\"{old}\"")));
                let key = field_key(&field.name.clone());
                self.hazard(class, vec![key]);
            }
            other => panic!("unknown hazard class {other}"),
        }
    }

    /// Adds a resource with one plain field (replacing a random one of the same name).
    fn add_resource(&mut self, name: &str, plural: Option<&str>) {
        if self.resources.iter().any(|r| r.name == name) {
            return;
        }
        let field = Field {
            name: "label".into(),
            ty: "string",
            options: Vec::new(),
        };
        self.resources.push(Resource {
            name: name.into(),
            drawn_as: name.into(),
            plural: plural.map(str::to_string),
            description: None,
            options: Vec::new(),
            belongs_to: Vec::new(),
            many_to_many: Vec::new(),
            access: None,
            owner: None,
            owner_set_by: Vec::new(),
            create: Vec::new(),
            fields: vec![field],
            events: Vec::new(),
            renamed_from: None,
        });
    }

    fn set_prefix(&mut self, prefix: &str) {
        self.project.retain(|(k, _)| *k != "api_prefix");
        self.project.push(("api_prefix", format!("\"{prefix}\"")));
        self.api_prefix = Some(prefix.into());
    }

    // ----- changes -----

    /// Change `kind` (an index of [`CHANGE_KINDS`]), or None when it does not apply to this
    /// spec.
    fn change(&mut self, kind: u32) -> Option<Change> {
        let i = self.rng.random_range(0..self.resources.len());
        let r = self.resources[i].name.clone();
        let plain = |what: String| Change {
            what,
            backfill: Vec::new(),
        };
        match kind {
            0 | 1 => {
                let field = self.field(i, None);
                let backfill = self.backfill_for(&r, &field);
                let what = format!("add field {r}.{} ({})", field.name, field.ty);
                self.resources[i].fields.push(field);
                Some(Change { what, backfill })
            }
            2 => {
                if self.resources[i].fields.len() < 2 {
                    return None;
                }
                let f = self.rng.random_range(0..self.resources[i].fields.len());
                let field = self.resources[i].fields.remove(f);
                self.forget_transitions(i, &field.name);
                Some(plain(format!("remove field {r}.{}", field.name)))
            }
            3 | 4 => {
                let f = self.rng.random_range(0..self.resources[i].fields.len());
                let old = self.resources[i].fields[f].name.clone();
                let ty = self.resources[i].fields[f].ty;
                let mut others = self.resources[i].clone();
                others.fields.remove(f);
                let saved = std::mem::replace(&mut self.resources[i], others);
                let new = self.fresh_field_name(i, ty);
                self.resources[i] = saved;
                let field = &mut self.resources[i].fields[f];
                field.name = new.clone();
                field.options.retain(|(k, _)| *k != "renamed_from");
                field.options.push(("renamed_from", format!("\"{old}\"")));
                for event in &mut self.resources[i].events {
                    if let EventKind::Transition { when, .. } = &mut event.kind
                        && *when == old
                    {
                        *when = new.clone();
                    }
                }
                Some(plain(format!(
                    "rename field {r}.{old} to {new} (renamed_from)"
                )))
            }
            5 => {
                let f = self.rng.random_range(0..self.resources[i].fields.len());
                let old = self.resources[i].fields.remove(f);
                // Most pairs of types have no conversion (update refuses them, rightly): half
                // the time, one that keeps every value (`cast::cast`'s safe pairs).
                let safe: &[&'static str] = match old.ty {
                    "string" | "enum" => &["text"],
                    "integer" => &["big_integer", "float"],
                    // Rounded, which `update` takes with --allow-destructive.
                    "big_integer" | "decimal" => &["float"],
                    "float" => &["decimal"],
                    _ => &[],
                };
                let ty = if !safe.is_empty() && self.chance(0.5) {
                    *self.pick(safe)
                } else {
                    *self.pick(TYPES)
                };
                // A personal field stays personal (`update` refuses to make one plain), so
                // it stays a string or a text.
                let textual = matches!(ty, "string" | "text");
                if ty == old.ty
                    || !self.field_fits(i, &old.name, ty)
                    || (old.personal() && !textual)
                {
                    self.resources[i].fields.insert(f, old);
                    return None;
                }
                self.forget_transitions(i, &old.name);
                let mut field = self.field_named(old.name.clone(), ty);
                if old.personal() && !field.personal() {
                    field.options.push(("personal", "true".to_string()));
                }
                let backfill = self.backfill_for(&r, &field);
                self.resources[i].fields.insert(f, field);
                Some(Change {
                    what: format!("change type of {r}.{} from {} to {ty}", old.name, old.ty),
                    backfill,
                })
            }
            6 => self.change_rule(i),
            15 => self.change_default(i),
            16 => self.change_enum_values(i),
            17 => self.change_list_key(i),
            18 => self.change_owner(i),
            19 => self.change_personal(i),
            12 => {
                let key = *self.pick(&["soft_delete", "versioned", "timestamps"]);
                let on = match self.resources[i].options.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => v != "true",
                    // The defaults: timestamps on, the others off.
                    None => key != "timestamps",
                };
                let options = &mut self.resources[i].options;
                options.retain(|(k, _)| *k != key);
                options.push((key, on.to_string()));
                Some(plain(format!("{r}: {key} = {on}")))
            }
            13 => {
                if self.is_account(&self.resources[i]) {
                    return None;
                }
                let plural = self.name();
                let saved = self.resources.remove(i);
                let fits = plural != r && self.resource_fits(&r, Some(&plural));
                self.resources.insert(i, saved);
                if !fits {
                    return None;
                }
                self.resources[i].plural = Some(plural.clone());
                Some(plain(format!("{r}: plural = {plural}")))
            }
            14 => {
                // Not the owner's relation (the spec refuses it), not one to itself.
                let owner = self.resources[i].owner.clone();
                let open: Vec<usize> = (0..self.resources[i].belongs_to.len())
                    .filter(|&j| {
                        let b = &self.resources[i].belongs_to[j];
                        b.target != r && owner.as_deref() != Some(b.name.as_str())
                    })
                    .collect();
                // A name that is its own plural would put the one row's route on the list's.
                if open.is_empty() || !self.has_plural(i) {
                    return None;
                }
                let j = open[self.rng.random_range(0..open.len())];
                let b = &mut self.resources[i].belongs_to[j];
                b.unique = !b.unique;
                b.short = false;
                let state = if b.unique { "on" } else { "off" };
                Some(plain(format!(
                    "relation {r}.{}: one-to-one {state}",
                    b.name
                )))
            }
            7 => {
                let name = self.resource_name();
                let resource = self.resource(name.clone());
                self.resources.push(resource);
                let at = self.resources.len() - 1;
                for _ in 0..self.rng.random_range(1..=3) {
                    let mut field = self.field(at, None);
                    // A new table has no rows: a required field needs no backfill.
                    field.options.retain(|(k, _)| *k != "renamed_from");
                    self.resources[at].fields.push(field);
                }
                if self.chance(0.5) && self.resources.len() > 1 {
                    let parent = self.resources[self.rng.random_range(0..at)].name.clone();
                    let relation = if self.relation_fits(at, &parent) {
                        parent.clone()
                    } else {
                        "parent_row".to_string()
                    };
                    let required = self.chance(0.5);
                    if self.relation_fits(at, &relation) {
                        self.resources[at].belongs_to.push(Relation {
                            name: relation,
                            target: parent,
                            required,
                            short: false,
                            on_delete: Some("cascade"),
                            unique: false,
                        });
                    }
                }
                Some(plain(format!("add resource {name}")))
            }
            8 => {
                let referenced = self
                    .resources
                    .iter()
                    .any(|o| o.name != r && o.belongs_to.iter().any(|b| b.target == r));
                if self.resources.len() < 2 || referenced || self.is_account(&self.resources[i]) {
                    return None;
                }
                let removed = self.resources.remove(i);
                for o in &mut self.resources {
                    o.many_to_many.retain(|t| *t != r);
                }
                let prefix = format!("{r}.");
                self.forget_events(|e| e.starts_with(&prefix));
                Some(plain(format!("remove resource {}", removed.name)))
            }
            9 => {
                if self.is_account(&self.resources[i]) || (self.local_accounts() && r == "user") {
                    return None;
                }
                let new = self.resource_name();
                let resource = &mut self.resources[i];
                resource.name = new.clone();
                // An explicit plural would keep the table's name: rename it too, or drop it.
                resource.plural = None;
                resource.renamed_from = Some(r.clone());
                for o in &mut self.resources {
                    for b in &mut o.belongs_to {
                        if b.target == r {
                            b.target = new.clone();
                        }
                    }
                    for t in &mut o.many_to_many {
                        if *t == r {
                            *t = new.clone();
                        }
                    }
                }
                let rename = |e: &mut String| {
                    if let Some(rest) = e.strip_prefix(&format!("{r}.")) {
                        *e = format!("{new}.{rest}");
                    }
                };
                self.event_types.iter_mut().for_each(rename);
                for job in &mut self.jobs {
                    job.on.iter_mut().for_each(rename);
                }
                Some(plain(format!(
                    "rename resource {r} to {new} (renamed_from)"
                )))
            }
            10 => {
                if self.chance(0.5) && !self.resources[i].events.is_empty() {
                    let e = self.rng.random_range(0..self.resources[i].events.len());
                    let event = self.resources[i].events.remove(e);
                    let gone = format!("{r}.{}", event.name);
                    self.forget_events(|t| *t == gone);
                    return Some(plain(format!("remove event {gone}")));
                }
                let step = *self.pick(Trigger::LIFECYCLE);
                if self.resources[i].events.iter().any(|e| e.name == step) {
                    return None;
                }
                let transition = self.chance(0.5);
                let kind = match self.resources[i].fields.iter().find(|f| f.ty == "enum") {
                    Some(f) if transition => {
                        let (_, values) = f.options.iter().find(|(k, _)| *k == "values")?;
                        let first = values.trim_start_matches('[').split(',').next()?;
                        let becomes = first.trim().trim_matches('"').to_string();
                        let when = f.name.clone();
                        if self.resources[i].events.iter().any(|e| matches!(&e.kind, EventKind::Transition { when: w, becomes: b } if *w == when && *b == becomes)) {
                            return None;
                        }
                        EventKind::Transition { when, becomes }
                    }
                    _ => EventKind::Lifecycle(true),
                };
                let name = match kind {
                    EventKind::Lifecycle(_) => step.to_string(),
                    EventKind::Transition { .. } => {
                        let taken: Vec<String> = self.resources[i]
                            .events
                            .iter()
                            .map(|e| e.name.clone())
                            .collect();
                        self.fresh(|n| {
                            !Trigger::LIFECYCLE.contains(&n) && !taken.iter().any(|t| t == n)
                        })
                    }
                };
                self.event_types.push(format!("{r}.{name}"));
                self.resources[i].events.push(Event {
                    key: name.clone(),
                    name: name.clone(),
                    kind,
                });
                Some(plain(format!("add event {r}.{name}")))
            }
            _ => {
                if self.chance(0.4) && !self.jobs.is_empty() {
                    let j = self.rng.random_range(0..self.jobs.len());
                    let job = self.jobs.remove(j);
                    return Some(plain(format!("remove job {}", job.name)));
                }
                const NAMES: &[&str] = &[
                    "send_digest",
                    "notify_owner",
                    "sync_search",
                    "r2d2",
                    "reindex",
                    "std_job",
                ];
                let name = *self.pick(NAMES);
                if self.jobs.iter().any(|j| j.name == name) {
                    return None;
                }
                let on = if self.event_types.is_empty() || self.chance(0.3) {
                    Vec::new()
                } else {
                    vec![self.pick(&self.event_types.clone()).clone()]
                };
                self.jobs.push(Job {
                    name: name.to_string(),
                    on: on.clone(),
                    settings: Vec::new(),
                });
                Some(plain(format!("add job {name} on {on:?}")))
            }
        }
    }

    /// Drops the transitions of resource `i` on `field`, and the jobs' interest in them.
    fn forget_transitions(&mut self, i: usize, field: &str) {
        let r = self.resources[i].name.clone();
        let mut gone = Vec::new();
        self.resources[i].events.retain(|e| match &e.kind {
            EventKind::Transition { when, .. } if when == field => {
                gone.push(format!("{r}.{}", e.name));
                false
            }
            _ => true,
        });
        self.forget_events(|t| gone.contains(t));
    }

    /// Event types that no longer exist: out of the list and out of every job's `on`.
    fn forget_events(&mut self, gone: impl Fn(&String) -> bool) {
        self.event_types.retain(|t| !gone(t));
        for job in &mut self.jobs {
            job.on.retain(|t| !gone(t));
        }
    }

    /// `RESOURCE.FIELD=VALUE` for a required field without a default, when a value that
    /// passes its validations is plain to see (else none: `update` must refuse).
    fn backfill_for(&mut self, resource: &str, field: &Field) -> Vec<String> {
        let option = |key: &str| field.options.iter().any(|(k, v)| *k == key && v != "false");
        let optional = field
            .options
            .iter()
            .any(|(k, v)| *k == "required" && v == "false");
        if optional || option("default") || !self.chance(0.7) {
            return Vec::new();
        }
        let constrained = [
            "min",
            "max",
            "min_length",
            "max_length",
            "pattern",
            "format",
            "unique",
            "precision",
            "scale",
        ]
        .iter()
        .any(|k| option(k));
        let value = match field.ty {
            _ if constrained => return Vec::new(),
            "string" | "text" => "backfilled",
            "integer" | "big_integer" | "float" | "decimal" => "7",
            "boolean" => "true",
            // A date takes no default, so no backfill either (`update` says so).
            _ => return Vec::new(),
        };
        vec![format!("{resource}.{}={value}", field.name)]
    }

    /// A rule or validation changed in place: a field's `read` rule (jwt), `write_denied`,
    /// `unique`, or required to optional.
    fn change_rule(&mut self, i: usize) -> Option<Change> {
        let r = self.resources[i].name.clone();
        let f = self.rng.random_range(0..self.resources[i].fields.len());
        let name = self.resources[i].fields[f].name.clone();
        let ty = self.resources[i].fields[f].ty;
        let what = match self.rng.random_range(0..6) {
            4 => {
                // Wider: a bound or a format taken away keeps every value a row holds.
                let field = &mut self.resources[i].fields[f];
                let bounds: Vec<&'static str> = field
                    .options
                    .iter()
                    .map(|(k, _)| *k)
                    .filter(|k| {
                        [
                            "min_length",
                            "max_length",
                            "min",
                            "max",
                            "pattern",
                            "format",
                        ]
                        .contains(k)
                    })
                    .collect();
                let key = *bounds.choose(&mut self.rng)?;
                field.options.retain(|(k, _)| *k != key);
                return Some(Change {
                    what: format!("{r}.{name}: {key} removed, wider"),
                    backfill: Vec::new(),
                });
            }
            5 => {
                // Optional to required: rows without a value take the change's backfill
                // (none at hand: `update` must refuse, naming `--backfill`).
                let field = &mut self.resources[i].fields[f];
                if !field
                    .options
                    .iter()
                    .any(|(k, v)| *k == "required" && v == "false")
                {
                    return None;
                }
                field.options.retain(|(k, _)| *k != "required");
                let field = field.clone();
                let backfill = self.backfill_for(&r, &field);
                return Some(Change {
                    what: format!("{r}.{name}: now required"),
                    backfill,
                });
            }
            0 if self.auth.jwt => {
                let field = &mut self.resources[i].fields[f];
                if field.options.iter().any(|(k, _)| *k == "read") {
                    field.options.retain(|(k, _)| *k != "read");
                    "read rule removed"
                } else {
                    field.options.push(("read", "[\"authenticated\"]".into()));
                    "read = [\"authenticated\"]"
                }
            }
            1 => {
                let field = &mut self.resources[i].fields[f];
                let (_, denied) = field
                    .options
                    .iter_mut()
                    .find(|(k, _)| *k == "write_denied")?;
                *denied = if denied.contains("ignore") {
                    "\"reject\"".into()
                } else {
                    "\"ignore\"".into()
                };
                "write_denied switched"
            }
            2 => {
                let account = self.is_account(&self.resources[i]);
                let field = &mut self.resources[i].fields[f];
                if field
                    .options
                    .iter()
                    .any(|(k, v)| *k == "unique" && v == "true")
                {
                    field.options.retain(|(k, _)| *k != "unique");
                    "unique off"
                } else if ty != "json"
                    // docs/spec.md: a unique account field leaves room for every account.
                    && (!account || unique_room(ty, &field.options).is_none_or(|room| room >= 12))
                    && !field.options.iter().any(|(k, _)| *k == "default")
                {
                    field.options.retain(|(k, _)| *k != "unique");
                    field.options.push(("unique", "true".into()));
                    "unique on"
                } else {
                    return None;
                }
            }
            _ => {
                let field = &mut self.resources[i].fields[f];
                if field
                    .options
                    .iter()
                    .any(|(k, v)| *k == "required" && v == "false")
                {
                    return None;
                }
                field.options.retain(|(k, _)| *k != "required");
                field.options.push(("required", "false".into()));
                "now optional"
            }
        };
        Some(Change {
            what: format!("{r}.{name}: {what}"),
            backfill: Vec::new(),
        })
    }

    /// A default added, changed to another value that passes the field's validations, or
    /// taken away. Not on a unique field (every row would share it).
    fn change_default(&mut self, i: usize) -> Option<Change> {
        let r = self.resources[i].name.clone();
        let f = self.rng.random_range(0..self.resources[i].fields.len());
        let field = self.resources[i].fields[f].clone();
        if field
            .options
            .iter()
            .any(|(k, v)| *k == "unique" && v == "true")
        {
            return None;
        }
        let now = field
            .options
            .iter()
            .find(|(k, _)| *k == "default")
            .map(|(_, v)| v.clone());
        let what = if now.is_some() && self.chance(0.4) {
            self.resources[i].fields[f]
                .options
                .retain(|(k, _)| *k != "default");
            format!("{r}.{}: default removed", field.name)
        } else {
            let value = self.default_for(&field, now.as_deref())?;
            let options = &mut self.resources[i].fields[f].options;
            options.retain(|(k, _)| *k != "default");
            options.push(("default", value.clone()));
            format!("{r}.{}: default = {value}", field.name)
        };
        Some(Change {
            what,
            backfill: Vec::new(),
        })
    }

    /// A default for `field` (as TOML) other than `now` that passes its validations, when
    /// one is plain to see.
    fn default_for(&mut self, field: &Field, now: Option<&str>) -> Option<String> {
        let option = |key: &str| {
            field
                .options
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.trim_matches('"').to_string())
        };
        let value = match field.ty {
            "boolean" => (now != Some("true")).to_string(),
            "enum" => {
                let others: Vec<String> = enum_values(field)
                    .into_iter()
                    .map(|v| format!("\"{v}\""))
                    .filter(|v| Some(v.as_str()) != now)
                    .collect();
                others.choose(&mut self.rng)?.clone()
            }
            "integer" | "big_integer" => {
                let min = option("min").and_then(|v| v.parse::<i64>().ok());
                let max = option("max").and_then(|v| v.parse::<i64>().ok());
                let lo = min.unwrap_or_else(|| max.map_or(-100, |m| m.saturating_sub(200)));
                let hi = max.unwrap_or_else(|| lo.saturating_add(200));
                let lo = if field.ty == "integer" {
                    lo.max(i32::MIN.into())
                } else {
                    lo
                };
                let hi = if field.ty == "integer" {
                    hi.min(i32::MAX.into())
                } else {
                    hi
                };
                self.rng.random_range(lo..=hi).to_string()
            }
            "float" => {
                let min = option("min").and_then(|v| v.parse::<f64>().ok());
                let max = option("max").and_then(|v| v.parse::<f64>().ok());
                let fits = |v: f64| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m);
                let fitting: Vec<&str> = ["0", "1.5", "-2.25", "100"]
                    .into_iter()
                    .filter(|v| fits(v.parse().unwrap_or(0.0)))
                    .collect();
                match fitting.choose(&mut self.rng) {
                    Some(v) => (*v).to_string(),
                    None => option("min").or_else(|| option("max"))?,
                }
            }
            "decimal" => {
                // A bound is a value that fits; else 0, which fits any precision and scale.
                let text = option("min")
                    .or_else(|| option("max"))
                    .unwrap_or_else(|| "0".into());
                format!("\"{text}\"")
            }
            "string" | "text" => {
                if option("pattern").is_some() {
                    return None;
                }
                let text = match option("format").as_deref() {
                    Some("email") => "someone.else@example.com".to_string(),
                    Some(_) => "https://example.com/default".to_string(),
                    None => {
                        let min = option("min_length")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        let max = option("max_length")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(40);
                        let len = self
                            .rng
                            .random_range(min.max(1).min(max)..=max.min(40).max(min));
                        "d".repeat(len)
                    }
                };
                format!("\"{text}\"")
            }
            // Dates, times, uuids and json take no default here.
            _ => return None,
        };
        (Some(value.as_str()) != now).then_some(value)
    }

    /// A value added to an enum, or one taken away (not its default, nor one a transition
    /// names; `update` then says rows holding it fail the migration).
    fn change_enum_values(&mut self, i: usize) -> Option<Change> {
        let r = self.resources[i].name.clone();
        let enums: Vec<usize> = (0..self.resources[i].fields.len())
            .filter(|&f| self.resources[i].fields[f].ty == "enum")
            .collect();
        let f = *enums.choose(&mut self.rng)?;
        let field = self.resources[i].fields[f].clone();
        let values = enum_values(&field);
        let unique = field
            .options
            .iter()
            .any(|(k, v)| *k == "unique" && v == "true");
        let what = if values.len() > 1 && !unique && self.chance(0.4) {
            let default = field
                .options
                .iter()
                .find(|(k, _)| *k == "default")
                .map(|(_, v)| v.trim_matches('"').to_string());
            let named: Vec<String> = self.resources[i]
                .events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::Transition { when, becomes } if *when == field.name => {
                        Some(becomes.clone())
                    }
                    _ => None,
                })
                .collect();
            let free: Vec<&String> = values
                .iter()
                .filter(|v| default.as_ref() != Some(*v) && !named.contains(v))
                .collect();
            let gone = (*free.choose(&mut self.rng)?).clone();
            let kept: Vec<&String> = values.iter().filter(|v| **v != gone).collect();
            set_enum_values(&mut self.resources[i].fields[f], &kept);
            format!("remove value {gone} from {r}.{}", field.name)
        } else {
            let value = self.fresh(|v| {
                let pascal = Names::new(v, None).pascal;
                !values.iter().any(|o| Names::new(o, None).pascal == pascal)
            });
            let mut all: Vec<&String> = values.iter().collect();
            all.push(&value);
            set_enum_values(&mut self.resources[i].fields[f], &all);
            format!("add value {value} to {r}.{}", field.name)
        };
        Some(Change {
            what,
            backfill: Vec::new(),
        })
    }

    /// A field's `filter` or `sort` turned the other way from what the spec says now (its
    /// default, or the key rendering gives it).
    fn change_list_key(&mut self, i: usize) -> Option<Change> {
        let r = self.resources[i].name.clone();
        let f = self.rng.random_range(0..self.resources[i].fields.len());
        let rendered = with_list_keys(&self.resources[i]);
        let mut field = rendered.fields[f].clone();
        let plain = field
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if field.ty == "json" || !plain {
            return None;
        }
        let key = *self.pick(&["filter", "sort"]);
        // A personal field is never sorted (`check` refuses it).
        if key == "sort" && field.personal() {
            return None;
        }
        let unique = field
            .options
            .iter()
            .any(|(k, v)| *k == "unique" && v == "true");
        let default = field.ty == "enum" || (unique && field.ty != "text");
        let on = field
            .options
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(default, |(_, v)| v == "true");
        field.options.retain(|(k, _)| *k != key);
        field.options.push((key, (!on).to_string()));
        let what = format!("{r}.{}: {key} = {}", field.name, !on);
        // Both keys as rendered, so the other one stays what it was.
        self.resources[i].fields[f] = field;
        Some(Change {
            what,
            backfill: Vec::new(),
        })
    }

    /// A string or text field of resource `i` made personal (`update` says `rotate-keys`
    /// seals what it holds), or a personal one made plain again (the new version unseals
    /// its values as it starts): either way every value reads as it was.
    fn change_personal(&mut self, i: usize) -> Option<Change> {
        let r = self.resources[i].name.clone();
        let textual: Vec<usize> = (self.resources[i].fields.iter().enumerate())
            .filter(|(_, f)| matches!(f.ty, "string" | "text"))
            .map(|(j, _)| j)
            .collect();
        if textual.is_empty() {
            return None;
        }
        let j = *self.pick(&textual);
        let field = &mut self.resources[i].fields[j];
        if field.personal() {
            field
                .options
                .retain(|(k, _)| !matches!(*k, "personal" | "in_events"));
            return Some(Change {
                what: format!("make field {r}.{} plain again", field.name),
                backfill: Vec::new(),
            });
        }
        // A personal field is never sorted (`check` refuses it).
        if field
            .options
            .iter()
            .any(|(k, v)| *k == "sort" && v == "true")
        {
            return None;
        }
        field.options.push(("personal", "true".to_string()));
        Some(Change {
            what: format!("make field {r}.{} personal", field.name),
            backfill: Vec::new(),
        })
    }

    /// An owner for a resource without one (its relation to `user`, or a path through a
    /// parent that has an owner), or the owner taken away where no rule or other owner
    /// path leans on it.
    fn change_owner(&mut self, i: usize) -> Option<Change> {
        let r = self.resources[i].name.clone();
        if !self.local_accounts()
            || self.is_account(&self.resources[i])
            || !self.services.is_empty()
        {
            return None;
        }
        let what = match self.resources[i].owner.clone() {
            None => {
                let direct: Vec<String> = self.resources[i]
                    .belongs_to
                    .iter()
                    .filter(|b| b.target == "user" && !b.unique)
                    .map(|b| b.name.clone())
                    .collect();
                let through: Vec<String> = self.resources[i]
                    .belongs_to
                    .iter()
                    .filter(|b| b.target != r)
                    .filter_map(|b| {
                        let parent = self.resources.iter().find(|p| p.name == b.target)?;
                        Some(format!("{}.{}", b.name, parent.owner.as_ref()?))
                    })
                    .collect();
                let path = match (direct.choose(&mut self.rng), through.choose(&mut self.rng)) {
                    (Some(d), _) if self.chance(0.6) || through.is_empty() => d.clone(),
                    (_, Some(t)) => t.clone(),
                    _ => return None,
                };
                self.resources[i].owner = Some(path.clone());
                format!("{r}: owner = {path}")
            }
            Some(path) => {
                let resource = &self.resources[i];
                let rules_say_owner = resource
                    .access
                    .as_ref()
                    .is_some_and(|a| a.contains("\"owner\""))
                    || resource.fields.iter().any(|f| {
                        f.options
                            .iter()
                            .any(|(k, v)| matches!(*k, "read" | "write") && v.contains("\"owner\""))
                    });
                let leaned_on = self.resources.iter().any(|o| {
                    o.owner.as_ref().is_some_and(|p| {
                        let first = p.split('.').next().unwrap_or_default();
                        p.contains('.')
                            && o.belongs_to
                                .iter()
                                .any(|b| b.name == first && b.target == r)
                    })
                });
                if rules_say_owner || leaned_on {
                    return None;
                }
                self.resources[i].owner = None;
                self.resources[i].owner_set_by.clear();
                format!("{r}: owner {path} removed")
            }
        };
        Some(Change {
            what,
            backfill: Vec::new(),
        })
    }

    // ----- TOML -----

    fn finish(mut self, seed: u64) -> GeneratedSpec {
        // Resources are named in the singular, unless `plural` is set (docs/spec.md, Names).
        let plural_names: Vec<String> = self
            .resources
            .iter()
            .filter(|r| r.plural.is_none() && backend_gen::names::singular_of(&r.name).is_some())
            .map(|r| format!("resources.{}", r.name))
            .collect();
        if !plural_names.is_empty() {
            self.hazards.push(Hazard {
                class: "a plural resource name",
                keys: plural_names,
            });
        }
        if self.may_split && self.hazards.is_empty() && self.probe.is_none() {
            self.split_into_services(seed);
        }
        let name = self.crate_name();
        let toml = self.render();
        GeneratedSpec {
            seed,
            name,
            toml,
            hazards: self.hazards,
            probe: self.probe,
        }
    }

    fn render(&mut self) -> String {
        let out = self.render_plain();
        self.with_tenancy(out)
    }

    /// `out` made multi-tenant for every third count of resources at the first rendering
    /// (another third than the providers'), when it can be: jwt, one service, no hazard. With
    /// the accounts here a tenant resource, `tenant_org`, is added (with another service's, it
    /// is that service's), and every other resource is per tenant but the shared ones; a spec `check` refuses so (a field named like the tenant's column)
    /// stays as it was. Chosen from the spec, not drawn from the streams, so the specs drawn
    /// before the key existed stay what they were otherwise.
    fn with_tenancy(&mut self, out: String) -> String {
        let count = self.resources.len();
        let chosen = *self
            .auth
            .tenancy_chosen
            .get_or_insert_with(|| self.recipe.tenancy.unwrap_or(count % 3 == 1));
        let eligible = self.auth.jwt && self.services.is_empty() && self.hazards.is_empty();
        if !chosen || !eligible {
            return out;
        }
        let global = match backend_gen::spec::parse("spec.toml", &out) {
            Ok(spec) => shared_resources(&spec),
            Err(_) => return out,
        };
        let global: Vec<String> = global.iter().map(|r| format!("\"{r}\"")).collect();
        // With another service's accounts, the tenants are that service's rows too.
        let tenants = if self.auth.accounts.is_some() {
            ""
        } else {
            "\n[resources.tenant_org]\ndescription = \"A tenant.\"\n\
             [resources.tenant_org.fields]\nname = { type = \"string\", max_length = 80 }\n"
        };
        let tenancy = format!(
            "{out}{tenants}\n[tenancy]\ntenant = \"tenant_org\"\nglobal = [{}]\n",
            global.join(", ")
        );
        match backend_gen::spec::parse("spec.toml", &tenancy) {
            Ok(_) => tenancy,
            Err(_) => out,
        }
    }

    fn render_plain(&mut self) -> String {
        self.settle_unique();
        self.project.retain(|(key, _)| *key != "graphql");
        self.auth.providers = None;
        // Rendering draws (line order): the second rendering draws what the first did.
        let drawn = self.rng.clone();
        let out = self.render_text();
        let Ok(spec) = backend_gen::spec::parse("spec.toml", &out) else {
            return out;
        };
        // Identity providers, chosen from the spec as GraphQL is (below): for every third
        // count of resources at the first rendering.
        let count = self.resources.len();
        let chosen = *self
            .auth
            .providers_chosen
            .get_or_insert_with(|| count.is_multiple_of(3));
        if chosen {
            self.auth.providers = providers_for(&spec);
        }
        // GraphQL for every other count of resources: chosen from the spec, not drawn from
        // the streams, so the specs drawn before the key existed stay what they were. Only
        // on a spec `check` accepts without it, whose names GraphQL may then refuse: those
        // are hazards at the resources that give them.
        if self.resources.len().is_multiple_of(2) {
            if self.auth.providers.is_none() {
                return out;
            }
            self.rng = drawn;
            return self.render_text();
        }
        for clash in backend_gen::spec::graphql_names::clashes(&spec) {
            if let Some(resource) = clash.later.resource {
                let keys = vec![format!("resources.{resource}")];
                self.hazards.push(Hazard {
                    class: "graphql names",
                    keys,
                });
            }
        }
        self.project.push(("graphql", "true".to_string()));
        self.rng = drawn;
        self.render_text()
    }

    fn render_text(&mut self) -> String {
        let mut out = String::from("# A generated spec.\n");
        if !self.project.is_empty() {
            out.push_str("\n[project]\n");
            for (key, value) in &self.project {
                let _ = writeln!(out, "{key} = {value}");
            }
        }
        self.render_auth(&mut out);
        let mut current = "";
        for (table, line) in &self.tables {
            if *table != current {
                let _ = writeln!(out, "\n[{table}]");
                current = table;
            }
            let _ = writeln!(out, "{line}");
        }
        let resources = self.resources.clone();
        for r in &resources {
            self.render_resource(&mut out, r);
        }
        for job in &self.jobs {
            let _ = writeln!(out, "\n[jobs.{}]", job.name);
            if !job.on.is_empty() {
                let on: Vec<String> = job.on.iter().map(|e| format!("\"{e}\"")).collect();
                let _ = writeln!(out, "on = [{}]", on.join(", "));
            }
            for line in &job.settings {
                let _ = writeln!(out, "{line}");
            }
        }
        for (name, lines) in &self.replicas {
            let _ = writeln!(out, "\n[replicas.{name}]\n{}", lines.join("\n"));
        }
        for (name, resources, jobs) in &self.services {
            let quoted = |names: &[String]| {
                names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(
                out,
                "\n[services.{name}]\nresources = [{}]",
                quoted(resources)
            );
            if !jobs.is_empty() {
                let _ = writeln!(out, "jobs = [{}]", quoted(jobs));
            }
        }
        out
    }

    /// A quarter of the valid random specs (their own stream of the seed) split their
    /// resources into two or three services: what must stay together does (a many-to-many's
    /// two sides; with jwt, the accounts, each owned resource and the parents its owner is
    /// reached through), and jobs that hear several services' events, or none of the spec's,
    /// are listed in one.
    fn split_into_services(&mut self, seed: u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(7);
        if self.auth.accounts.is_some() || self.resources.len() < 2 || !rng.random_bool(0.25) {
            return;
        }
        // A split keeps its copies with `check = "replica"`, never `[replicas]`.
        if !self.replicas.is_empty() {
            return;
        }
        let mut names: Vec<String> = self.resources.iter().map(|r| r.name.clone()).collect();
        let local_accounts = self.local_accounts();
        if local_accounts && !names.iter().any(|n| n == "user") {
            names.insert(0, "user".into());
        }
        // Union-find over positions in `names`.
        let mut parent: Vec<usize> = (0..names.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let index = |name: &str| names.iter().position(|n| n == name);
        let mut joins: Vec<(usize, usize)> = Vec::new();
        for r in &self.resources {
            let Some(here) = index(&r.name) else { continue };
            // A relation across services becomes the field `{relation}_id`: a name that would
            // be too long keeps both sides together, and so does an `on_delete`, which no
            // relation across services may have.
            for b in r
                .belongs_to
                .iter()
                .filter(|b| b.name.len() + 3 > 30 || b.on_delete.is_some())
            {
                if let Some(there) = index(&b.target) {
                    joins.push((here, there));
                }
            }
            for t in &r.many_to_many {
                if let Some(there) = index(t) {
                    joins.push((here, there));
                }
            }
            if let (Some(owner), Some(user)) = (&r.owner, index("user")) {
                joins.push((here, user));
                // Each parent the owner is reached through.
                let mut at = r;
                for step in owner.split('.') {
                    let Some(b) = at.belongs_to.iter().find(|b| b.name == step) else {
                        break;
                    };
                    if let Some(there) = index(&b.target) {
                        joins.push((here, there));
                    }
                    match self.resources.iter().find(|p| p.name == b.target) {
                        Some(p) => at = p,
                        None => break,
                    }
                }
            }
        }
        for (a, b) in joins {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra] = rb;
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group_of: BTreeMap<usize, usize> = BTreeMap::new();
        for i in 0..names.len() {
            let r = root(&mut parent, i);
            let g = *group_of.entry(r).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(i);
        }
        let count = rng.random_range(2..=3).min(groups.len());
        if count < 2 {
            return;
        }
        const NAMES: [&str; 3] = ["front", "back-office", "ledger_2"];
        let mut services: Vec<(String, Vec<String>, Vec<String>)> = NAMES[..count]
            .iter()
            .map(|n| ((*n).to_string(), Vec::new(), Vec::new()))
            .collect();
        for (g, members) in groups.iter().enumerate() {
            let s = if g < count {
                g
            } else {
                rng.random_range(0..count)
            };
            services[s]
                .1
                .extend(members.iter().map(|&i| names[i].clone()));
        }
        // A job goes where the events it hears are, unless they are of several services or
        // none: then (and now and then anyway) it is listed.
        for job in &self.jobs {
            let mut homes: Vec<usize> = job
                .on
                .iter()
                .filter_map(|e| {
                    let resource = e.split('.').next()?;
                    (e.split('.').count() == 2)
                        .then(|| {
                            services
                                .iter()
                                .position(|s| s.1.iter().any(|r| r == resource))
                        })
                        .flatten()
                })
                .collect();
            homes.sort_unstable();
            homes.dedup();
            match homes.as_slice() {
                [one] if rng.random_bool(0.7) => {
                    let _ = one;
                }
                [one] => services[*one].2.push(job.name.clone()),
                _ => {
                    let s = rng.random_range(0..count);
                    services[s].2.push(job.name.clone());
                }
            }
        }
        self.services = services;
    }

    fn render_auth(&self, out: &mut String) {
        let a = &self.auth;
        if !a.jwt && a.roles.is_none() && a.numbers.is_empty() {
            return;
        }
        out.push_str("\n[auth]\n");
        let _ = writeln!(out, "mode = \"{}\"", if a.jwt { "jwt" } else { "none" });
        if let Some(service) = &a.accounts {
            let _ = writeln!(out, "accounts = \"{service}\"");
        }
        if let Some(roles) = &a.roles {
            let list: Vec<String> = roles.iter().map(|r| format!("\"{r}\"")).collect();
            let _ = writeln!(out, "roles = [{}]", list.join(", "));
        }
        for (key, value) in [
            ("admin_role", &a.admin_role),
            ("default_role", &a.default_role),
        ] {
            if let Some(v) = value {
                let _ = writeln!(out, "{key} = \"{v}\"");
            }
        }
        for (key, value) in &a.numbers {
            let _ = writeln!(out, "{key} = {value}");
        }
        for (key, value) in &a.lifecycle {
            let _ = writeln!(out, "{key} = {value}");
        }
        if a.personal_email && a.jwt && a.accounts.is_none() {
            out.push_str("personal_email = true\n");
        }
        if let Some(providers) = &a.providers {
            out.push_str(providers);
        }
    }

    fn render_resource(&mut self, out: &mut String, r: &Resource) {
        let r = &with_file_field(&with_list_keys(r));
        let key = self.key(&r.name);
        let mut lines: Vec<String> = Vec::new();
        if let Some(p) = &r.plural {
            lines.push(format!("plural = \"{p}\""));
        }
        if let Some(d) = &r.description {
            lines.push(format!("description = {d}"));
        }
        for (k, v) in &r.options {
            lines.push(format!("{k} = {v}"));
        }
        if !r.belongs_to.is_empty() {
            let owner = r.owner.as_deref();
            let rels: Vec<String> = r
                .belongs_to
                .iter()
                .map(|b| self.relation(b, owner))
                .collect();
            lines.push(format!("belongs_to = {{ {} }}", rels.join(", ")));
        }
        if !r.many_to_many.is_empty() {
            let list: Vec<String> = r.many_to_many.iter().map(|t| format!("\"{t}\"")).collect();
            lines.push(format!("many_to_many = [{}]", list.join(", ")));
        }
        if let Some(a) = &r.access {
            lines.push(format!("access = {a}"));
        }
        if let Some(o) = &r.owner {
            lines.push(format!("owner = \"{o}\""));
        }
        if !r.owner_set_by.is_empty() {
            let roles: Vec<String> = r.owner_set_by.iter().map(|t| format!("\"{t}\"")).collect();
            lines.push(format!("owner_set_by = [{}]", roles.join(", ")));
        }
        if !r.events.is_empty() {
            let entries: Vec<String> = r.events.iter().map(Event::toml).collect();
            lines.push(format!("events = {{ {} }}", entries.join(", ")));
        }
        if let Some(old) = &r.renamed_from {
            lines.push(format!("renamed_from = \"{old}\""));
        }
        lines.shuffle(&mut self.rng);
        // After the shuffle, and from the name rather than the seed's stream: specs drawn
        // before `on_erase` existed stay what they were.
        if let Some(on_erase) = self.on_erase(r) {
            lines.push(format!("on_erase = \"{on_erase}\""));
        }
        // The same for `audit`, which takes jwt: about one resource in three.
        if self.auth.jwt && fnv(&format!("audit {}", r.drawn_as)).is_multiple_of(3) {
            lines.push("audit = true".to_owned());
        }
        let field_lines: Vec<String> = r.fields.iter().map(|f| self.field_line(f)).collect();
        if r.fields.is_empty() {
            let _ = writeln!(out, "\n[resources.{key}]");
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
            return;
        }
        match self.rng.random_range(0..4) {
            // Options, then the fields in their own table.
            0 | 1 => {
                if !lines.is_empty() {
                    let _ = writeln!(out, "\n[resources.{key}]");
                    for line in &lines {
                        let _ = writeln!(out, "{line}");
                    }
                }
                let _ = writeln!(out, "\n[resources.{key}.fields]");
                for line in field_lines {
                    let _ = writeln!(out, "{line}");
                }
            }
            // One table per field.
            2 => {
                let _ = writeln!(out, "\n[resources.{key}]");
                for line in &lines {
                    let _ = writeln!(out, "{line}");
                }
                for f in &r.fields {
                    let fkey = self.key(&f.name);
                    let _ = writeln!(out, "\n[resources.{key}.fields.{fkey}]");
                    let _ = writeln!(out, "type = \"{}\"", f.ty);
                    for (k, v) in &f.options {
                        let _ = writeln!(out, "{k} = {v}");
                    }
                }
            }
            // Dotted keys under the resource.
            _ => {
                let _ = writeln!(out, "\n[resources.{key}]");
                for line in &lines {
                    let _ = writeln!(out, "{line}");
                }
                for line in field_lines {
                    let _ = writeln!(out, "fields.{line}");
                }
            }
        }
    }

    fn field_line(&mut self, f: &Field) -> String {
        let mut parts = vec![format!("type = \"{}\"", f.ty)];
        parts.extend(f.options.iter().map(|(k, v)| format!("{k} = {v}")));
        format!("{} = {{ {} }}", self.key(&f.name), parts.join(", "))
    }

    fn relation(&mut self, b: &Relation, owner: Option<&str>) -> String {
        let key = self.key(&b.name);
        if b.short {
            return format!("{key} = \"{}\"", b.target);
        }
        let mut parts = Vec::new();
        if b.target != b.name || self.chance(0.3) {
            parts.push(format!("resource = \"{}\"", b.target));
        }
        if !b.required || self.chance(0.3) {
            parts.push(format!("required = {}", b.required));
        }
        if let Some(d) = b.on_delete {
            parts.push(format!("on_delete = \"{d}\""));
        }
        if b.unique && owner != Some(b.name.as_str()) {
            parts.push("unique = true".to_owned());
        }
        format!("{key} = {{ {} }}", parts.join(", "))
    }

    /// A key, bare or (sometimes) quoted: the same key to TOML.
    fn key(&mut self, name: &str) -> String {
        if self.chance(0.1) {
            format!("\"{name}\"")
        } else {
            name.to_string()
        }
    }
}

/// A choice of about one in `n` told by `name`'s letters (FNV-1a), for a draw that must not
/// move the generator's stream.
fn one_in(name: &str, n: u64) -> bool {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash % n == 0
}

/// Access rules as TOML: one as a string or a list, several as a list.
fn rule_list(rules: &[String], rng: &mut ChaCha8Rng) -> String {
    let quoted: Vec<String> = rules.iter().map(|r| format!("\"{r}\"")).collect();
    match quoted.as_slice() {
        [one] if rng.random_bool(0.5) => one.clone(),
        _ => format!("[{}]", quoted.join(", ")),
    }
}

/// The join table of `a`'s many-to-many with `b`: `post_tags`.
fn join_table(a: &str, b: &Resource) -> String {
    format!(
        "{a}_{}",
        Names::new(&b.name, b.plural.as_deref()).plural_snake
    )
}

/// JSON keys and list parameters every row of `r` has already.
fn reserved_keys(r: &Resource, account: bool) -> Vec<String> {
    let mut keys: Vec<String> = [
        "id",
        "createdAt",
        "updatedAt",
        "deletedAt",
        "version",
        "createdAfter",
        "createdBefore",
        "updatedAfter",
        "updatedBefore",
    ]
    .iter()
    .chain(QUERY_PARAMETERS)
    .map(|k| k.to_string())
    .collect();
    if account {
        keys.extend(["email", "password", "passwordHash", "roles"].map(String::from));
    }
    keys.extend(
        r.belongs_to
            .iter()
            .map(|b| Names::new(&format!("{}_id", b.name), None).camel),
    );
    keys
}

/// A field's JSON key, then the list filters it adds (docs: numbers get `xMin`/`xMax`,
/// dates `xAfter`/`xBefore` with a trailing `_at` dropped).
fn field_keys(name: &str, ty: &str) -> Vec<String> {
    let camel = |s: &str| Names::new(s, None).camel;
    let mut keys = vec![camel(name)];
    match ty {
        "integer" | "big_integer" | "float" | "decimal" => {
            keys.push(camel(&format!("{name}_min")));
            keys.push(camel(&format!("{name}_max")));
        }
        "date" | "datetime" => {
            let base = name.strip_suffix("_at").unwrap_or(name);
            keys.push(camel(&format!("{base}_after")));
            keys.push(camel(&format!("{base}_before")));
        }
        _ => {}
    }
    keys
}

/// TOML basic-string escapes; newlines stay raw in a multi-line string.
fn escape(text: &str, multi_line: bool) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if multi_line => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The seeded samples the end-to-end suite builds: `(project name, seed, recipe)`. Between
/// them they hold every collision class of issue 11; classes that can live in one spec share
/// one (each project is a build of its own, about 20 s of linking and start-up however small),
/// and one resource alone is a class of its own.
pub fn samples() -> Vec<(&'static str, u64, Recipe)> {
    vec![
        (
            // Generated module names, and a many-to-many beside resources named like its join
            // table; no auth.
            "gen-module-names",
            11,
            Recipe {
                resources: &[
                    "page",
                    "pool",
                    "cache",
                    "uuid",
                    "post",
                    "tag",
                    "tag_post",
                    "post_tags_log",
                ],
                fields: &["type", "order", "default", "from", "key", "value", "match"],
                enum_values: &["self", "tier_1", "crate_1", "type"],
                many_to_many: &[("post", "tag")],
                jwt: Some(false),
                later_keys: true,
                ..Recipe::default()
            },
        ),
        (
            "gen-single-resource",
            14,
            Recipe {
                resources: &["an_unusually_long_resource_nam"],
                fields: &[
                    "a_field_name_that_is_thirty_ch",
                    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
                ],
                enum_values: &["an_enum_value_of_thirty_chars1", "x", "tier_2"],
                api_prefix: Some("/a-b_c/v1.2"),
                jwt: Some(false),
                multi_line: true,
                every_type: true,
                ..Recipe::default()
            },
        ),
        (
            // The service's crates and the prelude's types as resources, SQL keywords as
            // fields, under the health route's own prefix; jwt auth with field rules, every
            // resource a tenant's.
            "gen-crate-names",
            20,
            Recipe {
                resources: &["axum", "sqlx", "tokio", "string", "result", "option"],
                fields: &[
                    "serde", "chrono", "json", "config", "health", "where", "to", "end", "check",
                    "position",
                ],
                api_prefix: Some("/health"),
                jwt: Some(true),
                field_rules: true,
                multi_line: true,
                later_keys: true,
                tenancy: Some(true),
                ..Recipe::default()
            },
        ),
        (
            // The service's own modules, the prelude's variants as enum values, a prefix that
            // starts like the health route; accounts in another service.
            "gen-service-names",
            16,
            Recipe {
                resources: &["state", "error", "list", "db"],
                fields: &["validation", "extract", "routes", "app"],
                enum_values: &["none", "some", "ok", "err"],
                api_prefix: Some("/healthcare/v1"),
                jwt: Some(true),
                accounts: Some("accounts"),
                // The tenants are the accounts service's too: the walls of a split's service.
                tenancy: Some(true),
                multi_line: true,
                ..Recipe::default()
            },
        ),
    ]
}

/// The resources a multi-tenant `spec` shares between its tenants: those an anonymous caller
/// may reach (`public` in a rule: it acts in no tenant, so `check` keeps such rows out of
/// tenants), and what they refer to, parents and linked rows, which a shared row may not
/// find in a tenant. Sorted, so a spec renders the same each time.
pub fn shared_resources(spec: &backend_gen::spec::Spec) -> Vec<String> {
    use backend_gen::spec::Rule;
    let account = backend_gen::spec::ACCOUNT;
    let mut shared: std::collections::BTreeSet<String> = spec
        .resources
        .iter()
        .filter(|r| {
            r.access
                .by_action()
                .iter()
                .any(|(_, rules)| rules.contains(&Rule::Public))
        })
        .map(|r| r.names.snake.clone())
        .collect();
    loop {
        let before = shared.len();
        let targets: Vec<String> = spec
            .resources
            .iter()
            .filter(|r| shared.contains(&r.names.snake))
            .flat_map(|r| {
                r.belongs_to
                    .iter()
                    .map(|b| &b.target)
                    .chain(&r.many_to_many)
            })
            .cloned()
            .collect();
        shared.extend(targets);
        if shared.len() == before {
            break;
        }
    }
    shared.remove(account);
    shared.into_iter().collect()
}

/// `r` with what its lists may filter and sort by: `filter` and `sort` on some fields that
/// can have them (every type but json; a text by its first 200 characters) and, on some
/// resources, one `list_combinations` entry. Chosen by a hash of the names at render time,
/// not drawn from the generator's streams, so the specs drawn before these keys existed stay
/// what they were, and a field an evolution removes or retypes takes its keys with it.
fn with_list_keys(r: &Resource) -> Resource {
    let hash = fnv;
    let listable = |f: &Field| {
        TYPES.contains(&f.ty)
            && f.ty != "json"
            && !f
                .options
                .iter()
                .any(|(k, _)| matches!(*k, "filter" | "sort"))
            && f.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    let mut r = r.clone();
    let mut names = Vec::new();
    // What a list may sort by: no personal field.
    let mut sortable = Vec::new();
    for f in r.fields.iter_mut().filter(|f| listable(f)) {
        let h = hash(&format!("{}.{}", r.name, f.name));
        names.push(f.name.clone());
        if !f.personal() {
            sortable.push(f.name.clone());
        }
        if h.is_multiple_of(4) {
            f.options
                .push(("filter", (h.is_multiple_of(8)).to_string()));
        }
        if h.is_multiple_of(5) && !f.personal() {
            f.options.push(("sort", (h.is_multiple_of(10)).to_string()));
        }
    }
    let h = hash(&r.name);
    if h.is_multiple_of(3)
        && let Some(filter) = names.get((h / 3) as usize % names.len().max(1))
    {
        let sort = match names.get((h / 7) as usize % (names.len() + 1)) {
            Some(sort) if !sortable.contains(sort) => ", sort = \"id\"".to_string(),
            Some(sort) if sort != filter => format!(", sort = \"{sort}\""),
            _ if h.is_multiple_of(2) => ", sort = \"id\"".to_string(),
            _ => String::new(),
        };
        r.options.push((
            "list_combinations",
            format!("[{{ filter = [\"{filter}\"]{sort} }}]"),
        ));
    }
    r
}

/// A file field on about one resource in four, chosen by a hash of its name at render time
/// (as `with_list_keys` chooses), so the specs drawn before file fields existed stay what
/// they were, and a renamed resource may gain or lose one (an `update` that adds or drops a
/// file field). Its name is one no other key of the resource takes; its limit and types
/// come from the hash, among those the generated tests and Schemathesis send bytes of.
fn with_file_field(r: &Resource) -> Resource {
    let h = fnv(&format!("{}#file", r.name));
    let mut r = r.clone();
    if !h.is_multiple_of(4) {
        return r;
    }
    let mut taken: Vec<String> = r
        .fields
        .iter()
        .flat_map(|f| field_keys(&f.name, f.ty))
        .collect();
    taken.extend(
        r.belongs_to
            .iter()
            .map(|b| Names::new(&format!("{}_id", b.name), None).camel),
    );
    let Some(name) = ["image", "attachment", "scan", "signed_copy"]
        .into_iter()
        .find(|name| !taken.contains(&Names::new(name, None).camel))
    else {
        return r;
    };
    let sizes = ["\"200KB\"", "\"1MB\"", "\"5MB\"", "1500"];
    let types = [
        "[\"image/png\", \"image/jpeg\"]",
        "[\"application/pdf\"]",
        "[\"image/webp\", \"image/png\", \"application/pdf\"]",
        "[\"text/plain\"]",
        "[\"application/octet-stream\"]",
    ];
    // Anywhere among the fields: the generator pairs fields with their contexts, which
    // leave files out.
    let at = (h / 80) as usize % (r.fields.len() + 1);
    r.fields.insert(
        at,
        Field {
            name: name.to_string(),
            ty: "file",
            options: vec![
                ("max_size", sizes[(h / 4 % 4) as usize].to_string()),
                ("content_types", types[(h / 16 % 5) as usize].to_string()),
            ],
        },
    );
    r
}

/// FNV-1a of `text`: what render-time choices hash (names, not the generator's streams).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `[auth.providers]` for a spec whose accounts are its own: a provider of the spec's own and
/// the claims that fill the account's required fields. None when a required account field
/// could take no claim (not a string).
fn providers_for(spec: &backend_gen::spec::Spec) -> Option<String> {
    use backend_gen::spec::{AuthMode, FieldType};
    if spec.auth.mode != AuthMode::Jwt || spec.auth.accounts.is_some() {
        return None;
    }
    let account = spec.resource(backend_gen::spec::ACCOUNT)?;
    let mut claims = Vec::new();
    for field in &account.fields {
        let name = field.names.snake.as_str();
        let built_in = ["email", "password", "password_hash", "roles"].contains(&name);
        if built_in || !field.required || field.default.is_some() {
            continue;
        }
        if !matches!(field.ty, FieldType::String | FieldType::Text) {
            return None;
        }
        claims.push(format!("{name} = \"name\""));
    }
    let mut out = String::new();
    if !claims.is_empty() {
        let _ = writeln!(out, "account_claims = {{ {} }}", claims.join(", "));
    }
    out.push_str("\n[auth.providers.corp_sso]\nissuer = \"https://idp.example.com\"\n");
    Some(out)
}
