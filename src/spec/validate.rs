//! Reads a parsed TOML document into the typed `Spec`, checking everything a
//! spec can get wrong. All problems are collected; a `Spec` is returned only
//! when there are none.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::model::*;
use super::numbers::{bound_text, bound_value, parse_decimal};
use super::reader::{At, Number, Sink, Table, describe, suggest};
use super::words::{ACCOUNT, GENERATED_FIELDS, MAX_NAME, QUERY_PARAMETERS, RULE_WORDS};
use crate::diagnostics::Diagnostic;
use crate::names::{
    self, NOT_RAW, Names, RESERVED_MODULES, RUST_KEYWORDS, alternative, is_snake_identifier,
    snake_version, with_article,
};

const TOP_KEYS: &[&str] = &[
    "project",
    "auth",
    "rate_limit",
    "cache",
    "resources",
    "jobs",
];
const JOB_KEYS: &[&str] = &["on", "max_attempts", "timeout_secs"];
const PROJECT_KEYS: &[&str] = &["name", "description", "api_prefix", "database"];
const AUTH_KEYS: &[&str] = &[
    "mode",
    "roles",
    "admin_role",
    "default_role",
    "access_token_minutes",
    "refresh_token_days",
    "password_min_length",
    "registration",
    "require_verified_email",
];
const RATE_LIMIT_KEYS: &[&str] = &[
    "requests_per_minute",
    "burst",
    "login_per_minute",
    "trusted_proxies",
];
const CACHE_KEYS: &[&str] = &["ttl_seconds", "max_entries"];
const RESOURCE_KEYS: &[&str] = &[
    "description",
    "plural",
    "fields",
    "belongs_to",
    "many_to_many",
    "soft_delete",
    "versioned",
    "timestamps",
    "access",
    "owner",
    "owner_set_by",
    "cache_ttl_seconds",
    "renamed_from",
    "events",
];
/// The keys of a transition event (`completed = { when = "status", becomes = "succeeded" }`).
const TRANSITION_KEYS: &[&str] = &["when", "becomes"];
const FIELD_KEYS: &[&str] = &[
    "type",
    "description",
    "required",
    "unique",
    "default",
    "values",
    "min_length",
    "max_length",
    "min",
    "max",
    "format",
    "pattern",
    "precision",
    "scale",
    "read",
    "write",
    "write_denied",
    "renamed_from",
];
const BELONGS_TO_KEYS: &[&str] = &["resource", "required", "on_delete"];

/// Every key the spec accepts, by the table it belongs in (`resources.NAME` as
/// `resource`): `init`'s example shows each, and a test keeps it so.
pub const ACCEPTED_KEYS: &[(&str, &[&str])] = &[
    ("top level", TOP_KEYS),
    ("project", PROJECT_KEYS),
    ("auth", AUTH_KEYS),
    ("rate_limit", RATE_LIMIT_KEYS),
    ("cache", CACHE_KEYS),
    ("resource", RESOURCE_KEYS),
    ("field", FIELD_KEYS),
    ("belongs_to", BELONGS_TO_KEYS),
    ("event", TRANSITION_KEYS),
    ("job", JOB_KEYS),
];

/// Names to offer instead of a refused field name, before the generic `{name}_value`.
const FIELD_ALTERNATIVES: &[(&str, &[&str])] = &[
    ("id", &["code", "external_id"]),
    ("created_at", &["created_on", "recorded_at"]),
    ("updated_at", &["changed_at", "modified_on"]),
    ("deleted_at", &["removed_at", "archived_at"]),
    ("version", &["revision", "edition"]),
    ("page", &["page_number"]),
    ("limit", &["maximum", "quota"]),
    ("cursor", &["position", "marker"]),
    ("sort", &["sort_order", "rank"]),
    ("fields", &["field_names"]),
    ("email", &["contact_email"]),
    ("roles", &["titles"]),
    ("self", &["itself", "own"]),
    ("super", &["parent_value"]),
    ("crate", &["crate_name", "box_value"]),
];
/// Fields the jwt auth flow gives the user resource.
const AUTH_USER_FIELDS: &[&str] = &["email", "password", "password_hash", "roles"];

/// The sign-in email every account has; registration and login use it.
fn email_field() -> Field {
    Field {
        names: Names::new("email", None),
        description: "Sign-in email address.".into(),
        ty: FieldType::String,
        required: true,
        unique: true,
        default: None,
        rules: Rules {
            max_length: Some(254),
            format: Some(Format::Email),
            ..Rules::default()
        },
        access: FieldAccess::default(),
        renamed_from: None,
    }
}

/// The user resource of a jwt spec that declares none: accounts with no fields of their own.
fn implicit_account(auth: &Auth, cache: &Cache) -> Resource {
    Resource {
        names: Names::new(ACCOUNT, None),
        description: "An account that signs in.".into(),
        fields: vec![email_field()],
        belongs_to: Vec::new(),
        many_to_many: Vec::new(),
        soft_delete: false,
        versioned: false,
        timestamps: true,
        access: account_access(auth),
        owner: None,
        cache_ttl_seconds: cache.ttl_seconds,
        renamed_from: None,
        events: Vec::new(),
    }
}

/// Accounts hold email addresses, so by default only their owner (and admins) see them, and
/// only admins list them or create them outside registration.
fn account_access(auth: &Auth) -> Access {
    let admin = vec![Rule::Role(auth.admin_role.clone())];
    Access {
        list: admin.clone(),
        read: vec![Rule::Owner],
        create: admin,
        update: vec![Rule::Owner],
        delete: vec![Rule::Owner],
    }
}

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
    check_cross_references(sink, &names, &resources, &auth);
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
    if auth.mode == AuthMode::Jwt && !resources.iter().any(|r| r.names.snake == ACCOUNT) {
        resources.insert(0, implicit_account(&auth, &cache));
    }
    super::rust_names::settle(&mut resources);
    let jobs = read_jobs(sink, &top, &resources);
    let spec = Spec::new(project, auth, rate_limit, cache, resources, jobs);
    // What the spec generates can only be compared once the spec itself is sound; doing
    // it earlier would report one mistake (two equal plurals) again as a collision.
    if sink.diagnostics.is_empty() {
        super::collisions::check(sink, &spec, &declared);
    }
    Some(spec)
}

fn read_project(sink: &mut Sink, top: &Table<'_, '_>) -> Project {
    let mut project = Project {
        name: None,
        description: String::new(),
        api_prefix: "/v1".into(),
        database: Database::Sqlite,
    };
    let Some(t) = top.table(sink, "project", PROJECT_KEYS) else {
        return project;
    };
    if let Some(name) = t.string(sink, "name") {
        if let Err(why) = check_crate_name(&name.value) {
            sink.push(
                Diagnostic::new(name.span.clone(), t.key_path("name"), why)
                    .found(format!("{:?}", name.value))
                    .allowed("lowercase letters, digits, `-` and `_`, starting with a letter"),
            );
        }
        project.name = Some(name.value);
    }
    if let Some(d) = t.string(sink, "description") {
        project.description = d.value;
    }
    if let Some(prefix) = t.string(sink, "api_prefix") {
        if is_api_prefix(&prefix.value) {
            project.api_prefix = prefix.value;
        } else {
            sink.push(
                Diagnostic::new(prefix.span, t.key_path("api_prefix"), "invalid API prefix")
                    .found(format!("{:?}", prefix.value))
                    .allowed(
                        "a path like \"/v1\" or \"/api/v2\": lowercase segments, no trailing slash",
                    ),
            );
        }
    }
    if let Some(db) = one_of(sink, &t, "database", Database::ALLOWED) {
        project.database = match db.as_str() {
            "postgres" => Database::Postgres,
            _ => Database::Sqlite,
        };
    }
    project
}

fn read_auth(sink: &mut Sink, top: &Table<'_, '_>) -> Auth {
    let mut auth = Auth {
        mode: AuthMode::None,
        roles: vec!["admin".into(), "member".into()],
        admin_role: "admin".into(),
        default_role: "member".into(),
        access_token_minutes: 15,
        refresh_token_days: 30,
        password_min_length: 8,
        registration: Registration::Open,
        require_verified_email: false,
    };
    let Some(t) = top.table(sink, "auth", AUTH_KEYS) else {
        return auth;
    };
    let mode = one_of(sink, &t, "mode", AuthMode::ALLOWED);
    if let Some(mode) = &mode {
        auth.mode = if mode == "jwt" {
            AuthMode::Jwt
        } else {
            AuthMode::None
        };
    }
    // Every other key is about accounts, which only jwt gives: without it a key would
    // silently do nothing. (A mode that is no mode at all has an error of its own.)
    if auth.mode == AuthMode::None && (mode.is_some() || t.raw("mode").is_none()) && !sink.applied {
        for (key, value) in t.entries().filter(|(k, _)| k.value != "mode") {
            if !AUTH_KEYS.contains(&key.value.as_str()) {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    value.span(),
                    t.key_path(&key.value),
                    format!("`{}` needs `mode = \"jwt\"`", key.value),
                )
                .found(if t.raw("mode").is_some() {
                    "mode = \"none\""
                } else {
                    "no `mode` (\"none\" by default)"
                })
                .help(format!(
                    "set `mode = \"jwt\"` in `[auth]` for accounts, tokens and roles, or remove `{}`: without jwt the service has no accounts",
                    key.value
                )),
            );
        }
        return auth;
    }
    if let Some(roles) = t.strings(sink, "roles") {
        let mut seen = Vec::new();
        for role in &roles {
            let problem = if !is_snake_identifier(&role.value) {
                let usable = snake_version(&role.value)
                    .filter(|c| !RULE_WORDS.contains(&c.as_str()))
                    .unwrap_or_else(|| "staff".to_string());
                Some((
                    "a role must be a snake_case name",
                    format!("use e.g. {usable:?}"),
                ))
            } else if RULE_WORDS.contains(&role.value.as_str()) {
                Some((
                    "this word is an access rule, not a role",
                    format!("name the role e.g. \"{}_role\"", role.value),
                ))
            } else if seen.contains(&role.value) {
                Some(("duplicate role", "list each role once".to_string()))
            } else {
                None
            };
            if let Some((problem, help)) = problem {
                sink.push(
                    Diagnostic::new(role.span.clone(), t.key_path("roles"), problem)
                        .found(format!("{:?}", role.value))
                        .help(help),
                );
            }
            seen.push(role.value.clone());
        }
        auth.roles = seen;
    }
    for (key, slot) in [
        ("admin_role", &mut auth.admin_role),
        ("default_role", &mut auth.default_role),
    ] {
        if let Some(role) = t.string(sink, key) {
            *slot = role.value.clone();
            if !auth.roles.contains(&role.value) {
                sink.push(
                    Diagnostic::new(role.span, t.key_path(key), "not one of the declared roles")
                        .found(format!("{:?}", role.value))
                        .allowed(auth.roles.join(", ")),
                );
            }
        }
    }
    for (key, slot, max) in [
        (
            "access_token_minutes",
            &mut auth.access_token_minutes,
            24 * 60,
        ),
        ("refresh_token_days", &mut auth.refresh_token_days, 365),
        ("password_min_length", &mut auth.password_min_length, 128),
    ] {
        if let Some(v) = t.integer(sink, key, 1, max) {
            *slot = v.value as u32;
        }
    }
    if one_of(sink, &t, "registration", Registration::ALLOWED).as_deref() == Some("quiet") {
        auth.registration = Registration::Quiet;
    }
    if let Some(v) = t.boolean(sink, "require_verified_email") {
        auth.require_verified_email = v.value;
    }
    if auth.mode == AuthMode::Jwt && t.raw("roles").is_some() {
        for (key, role) in [
            ("admin_role", &auth.admin_role),
            ("default_role", &auth.default_role),
        ] {
            if t.raw(key).is_none() && !auth.roles.contains(role) {
                sink.push(
                    Diagnostic::new(
                        t.span.clone(),
                        t.key_path(key),
                        format!("`{key}` is needed"),
                    )
                    .help(format!(
                        "the default role {role:?} is not among `roles`; name one of them"
                    ))
                    .allowed(auth.roles.join(", ")),
                );
            }
        }
    }
    auth
}

fn read_rate_limit(sink: &mut Sink, top: &Table<'_, '_>) -> RateLimit {
    let mut limit = RateLimit {
        requests_per_minute: 300,
        burst: 60,
        login_per_minute: 10,
        trusted_proxies: Vec::new(),
    };
    let Some(t) = top.table(sink, "rate_limit", RATE_LIMIT_KEYS) else {
        return limit;
    };
    for (key, slot) in [
        ("requests_per_minute", &mut limit.requests_per_minute),
        ("burst", &mut limit.burst),
        ("login_per_minute", &mut limit.login_per_minute),
    ] {
        if let Some(v) = t.integer(sink, key, 1, 1_000_000) {
            *slot = v.value as u32;
        }
    }
    if let Some(proxies) = t.strings(sink, "trusted_proxies") {
        for p in &proxies {
            if p.value.parse::<std::net::IpAddr>().is_err() && !is_cidr(&p.value) {
                sink.push(
                    Diagnostic::new(
                        p.span.clone(),
                        t.key_path("trusted_proxies"),
                        "not an IP address or CIDR range",
                    )
                    .found(format!("{:?}", p.value))
                    .allowed("addresses like \"10.0.0.1\" or ranges like \"10.0.0.0/8\""),
                );
            }
        }
        limit.trusted_proxies = proxies.into_iter().map(|p| p.value).collect();
    }
    limit
}

fn is_cidr(s: &str) -> bool {
    let Some((ip, bits)) = s.split_once('/') else {
        return false;
    };
    match (ip.parse::<std::net::IpAddr>(), bits.parse::<u8>()) {
        (Ok(std::net::IpAddr::V4(_)), Ok(b)) => b <= 32,
        (Ok(std::net::IpAddr::V6(_)), Ok(b)) => b <= 128,
        _ => false,
    }
}

fn read_cache(sink: &mut Sink, top: &Table<'_, '_>) -> Cache {
    let mut cache = Cache {
        ttl_seconds: 60,
        max_entries: 10_000,
    };
    if let Some(t) = top.table(sink, "cache", CACHE_KEYS) {
        if let Some(v) = t.integer(sink, "ttl_seconds", 0, 86_400) {
            cache.ttl_seconds = v.value as u32;
        }
        if let Some(v) = t.integer(sink, "max_entries", 1, 10_000_000) {
            cache.max_entries = v.value as u32;
        }
    }
    cache
}

/// A resource read on its own, with the spans that cross-reference checks need.
struct ReadResource {
    resource: Resource,
    belongs_to_spans: Vec<std::ops::Range<usize>>,
    many_to_many_spans: Vec<std::ops::Range<usize>>,
    owner_span: Option<std::ops::Range<usize>>,
    /// Where `plural` is set, if it is: a clash of table names points there.
    plural_span: Option<std::ops::Range<usize>>,
    /// Where `renamed_from` is set, if it is.
    renamed_from_span: Option<std::ops::Range<usize>>,
}

fn read_resource(
    sink: &mut Sink,
    name: &At<String>,
    value: &Spanned<DeValue<'_>>,
    auth: &Auth,
    cache: &Cache,
) -> Option<ReadResource> {
    let path = format!("resources.{}", name.value);
    check_identifier(sink, name, &path, NameKind::Resource);
    let t = Table::from_value(sink, value, &path, RESOURCE_KEYS)?;
    let plural = t.string(sink, "plural");
    if let Some(p) = &plural
        && (!is_snake_identifier(&p.value) || p.value == name.value || p.value.len() > MAX_NAME)
    {
        let usable = |c: &str| c != name.value && c.len() <= MAX_NAME;
        let fixed = snake_version(&p.value).filter(|c| usable(c));
        let example = fixed.unwrap_or_else(|| format!("{}_items", name.value));
        sink.push(
            Diagnostic::new(p.span.clone(), t.key_path("plural"), "invalid plural")
                .found(format!("{:?}", p.value))
                .allowed(format!(
                    "a snake_case name of at most {MAX_NAME} characters that differs from the singular"
                ))
                .help(format!("use e.g. `plural = {example:?}`")),
        );
    }
    // A name of the wrong shape has its own error (`check_identifier`).
    if plural.is_none()
        && name_problem(&name.value, NameKind::Resource).is_none()
        && let Some(singular) = names::singular_of(&name.value)
    {
        sink.push_new_rule(
            Diagnostic::new(
                name.span.clone(),
                &path,
                "a resource is named in the singular",
            )
            .found(format!("{:?}", name.value))
            .help(format!(
                "did you mean `{singular}`? Its table and routes stay `{name}` (so a generated project keeps its rows); if `{name}` names one thing, set `plural`",
                name = name.value
            )),
        );
    }
    let names = Names::new(&name.value, plural.as_ref().map(|p| p.value.as_str()));

    let flag = |sink: &mut Sink, key: &str, default: bool| {
        t.boolean(sink, key).map_or(default, |b| b.value)
    };
    let soft_delete = flag(sink, "soft_delete", false);
    let versioned = flag(sink, "versioned", false);
    let timestamps = flag(sink, "timestamps", true);
    let description = t
        .string(sink, "description")
        .map(|d| d.value)
        .unwrap_or_default();
    let cache_ttl_seconds = t
        .integer(sink, "cache_ttl_seconds", 0, 86_400)
        .map_or(cache.ttl_seconds, |v| v.value as u32);

    let (belongs_to, belongs_to_spans) = read_belongs_to(sink, &t, &name.value);
    let mut many_to_many = Vec::new();
    let mut many_to_many_spans = Vec::new();
    if let Some(targets) = t.strings(sink, "many_to_many") {
        for target in targets {
            if many_to_many.contains(&target.value) {
                sink.push(
                    Diagnostic::new(
                        target.span.clone(),
                        t.key_path("many_to_many"),
                        "listed twice",
                    )
                    .found(format!("{:?}", target.value)),
                );
                continue;
            }
            many_to_many.push(target.value);
            many_to_many_spans.push(target.span);
        }
    }

    let account = auth.mode == AuthMode::Jwt && name.value == ACCOUNT;
    let mut fields = read_fields(sink, &t, &belongs_to, auth, account);
    if fields.is_empty() && t.raw("fields").is_none() && !account {
        sink.push(
            Diagnostic::new(
                name.span.clone(),
                &path,
                "a resource needs at least one field",
            )
            .help(format!("add a `[{path}.fields]` table")),
        );
    }
    check_filter_clashes(sink, &t, &fields);

    if account {
        fields.insert(0, email_field());
    }

    let default_rules = match auth.mode {
        AuthMode::None => vec![Rule::Public],
        AuthMode::Jwt => vec![Rule::Authenticated],
    };
    let access = if account && t.raw("access").is_none() {
        account_access(auth)
    } else {
        read_access(sink, &t, auth, default_rules)
    };
    let owner = t.string(sink, "owner");
    let owner_span = owner.as_ref().map(|o| o.span.clone());
    let set_by = read_owner_set_by(sink, &t, auth, owner.as_ref(), account);
    let uses_owner = access
        .by_action()
        .iter()
        .any(|(_, rules)| rules.contains(&Rule::Owner));
    if account && let Some(o) = &owner {
        sink.push(
            Diagnostic::new(
                o.span.clone(),
                t.key_path("owner"),
                "a user owns their own account",
            )
            .help("remove `owner`: the `owner` rule on `user` already means the user itself"),
        );
    }
    if uses_owner && owner.is_none() && !account {
        let span = t
            .raw("access")
            .map(|v| v.span())
            .unwrap_or(name.span.clone());
        sink.push(
            Diagnostic::new(
                span,
                t.key_path("owner"),
                "an `owner` access rule needs to know who owns a row",
            )
            .help("add `owner = \"RELATION\"`, naming a belongs_to relation to the user resource"),
        );
    }
    check_field_rules(sink, &t, &fields, &access, owner.as_ref(), auth, account);
    let renamed_from = read_renamed_from(sink, &t, &name.value, NameKind::Resource);
    let events = read_events(sink, &t, &fields);

    Some(ReadResource {
        resource: Resource {
            names,
            description,
            fields,
            belongs_to,
            many_to_many,
            soft_delete,
            versioned,
            timestamps,
            access,
            owner: owner.map(|o| Owner {
                path: o.value.split('.').map(str::to_owned).collect(),
                set_by,
            }),
            cache_ttl_seconds,
            renamed_from,
            events,
        },
        belongs_to_spans,
        many_to_many_spans,
        owner_span,
        plural_span: plural.as_ref().map(|p| p.span.clone()),
        renamed_from_span: t.raw("renamed_from").map(|v| v.span()),
    })
}

/// `[resources.NAME.events]`: `created`, `updated` and `deleted` take `true` or `false`; any
/// other name is a transition of one of the resource's enum fields,
/// `{ when = "FIELD", becomes = "VALUE" }`.
fn read_events(sink: &mut Sink, t: &Table<'_, '_>, fields: &[Field]) -> Vec<Event> {
    let Some(events) = t.table(sink, "events", &[]) else {
        return Vec::new();
    };
    let mut out: Vec<Event> = Vec::new();
    for (name, value) in events.entries() {
        let path = events.key_path(&name.value);
        check_identifier(sink, &name, &path, NameKind::Event);
        if let Some(trigger) = Trigger::lifecycle(&name.value) {
            match value.get_ref() {
                DeValue::Boolean(true) => out.push(Event {
                    name: name.value,
                    trigger,
                }),
                DeValue::Boolean(false) => {}
                other => sink.push(
                    Diagnostic::new(value.span(), path, "expected a boolean (true or false)")
                        .found(describe(other))
                        .allowed("true or false")
                        .help(format!(
                            "`{}` is emitted by every {}; a transition needs a name of its own, \
                             e.g. `completed = {{ when = \"status\", becomes = \"succeeded\" }}`",
                            name.value,
                            name.value.trim_end_matches('d'),
                        )),
                ),
            }
            continue;
        }
        if !matches!(value.get_ref(), DeValue::Table(_)) {
            let example = fields
                .iter()
                .find_map(|f| match &f.ty {
                    FieldType::Enum { values } => Some((f.names.snake.as_str(), values.last()?)),
                    _ => None,
                })
                .map_or_else(
                    || "{ when = \"ENUM_FIELD\", becomes = \"VALUE\" }".to_string(),
                    |(field, value)| format!("{{ when = \"{field}\", becomes = \"{value}\" }}"),
                );
            sink.push(
                Diagnostic::new(
                    value.span(),
                    path,
                    "a transition event needs `{ when, becomes }`",
                )
                .found(describe(value.get_ref()))
                .allowed(format!(
                    "a table naming an enum field and the value it moves to, e.g. `{example}`"
                ))
                .help(format!(
                    "only {} take `true`: they are emitted by every such write; write `{} = {example}`",
                    Trigger::LIFECYCLE.join(", "),
                    name.value
                )),
            );
            continue;
        }
        let Some(transition) = Table::from_value(sink, value, &path, TRANSITION_KEYS) else {
            continue;
        };
        let Some(trigger) = read_transition(sink, &transition, fields) else {
            continue;
        };
        if let Some(same) = out.iter().find(|e| e.trigger == trigger) {
            sink.push(
                Diagnostic::new(value.span(), path, "the same transition as another event")
                    .found(format!("`{}`", same.name))
                    .help("one event a transition: remove one of the two"),
            );
            continue;
        }
        out.push(Event {
            name: name.value,
            trigger,
        });
    }
    out
}

/// `[jobs.NAME]`: the kinds of background job, each with the events that enqueue it.
fn read_jobs(sink: &mut Sink, top: &Table<'_, '_>, resources: &[Resource]) -> Vec<Job> {
    let Some(jobs) = top.table(sink, "jobs", &[]) else {
        return Vec::new();
    };
    let event_types: Vec<String> = resources.iter().flat_map(Resource::event_types).collect();
    let declared_events = declared_event_types(top);
    let mut out = Vec::new();
    for (name, value) in jobs.entries() {
        let path = jobs.key_path(&name.value);
        check_identifier(sink, &name, &path, NameKind::Job);
        if Job::RESERVED.contains(&name.value.as_str()) {
            sink.push(
                Diagnostic::new(
                    name.span.clone(),
                    &path,
                    "the service's own jobs (webhook deliveries, account mail) take this name",
                )
                .found(format!("{:?}", name.value))
                .help("name the job otherwise, e.g. `notify_partner`"),
            );
        }
        let Some(t) = Table::from_value(sink, value, &path, JOB_KEYS) else {
            continue;
        };
        let mut job = Job {
            name: name.value,
            on: Vec::new(),
            max_attempts: Job::DEFAULT_MAX_ATTEMPTS,
            timeout_secs: Job::DEFAULT_TIMEOUT_SECS,
        };
        if let Some(v) = t.integer(sink, "max_attempts", 1, 100) {
            job.max_attempts = v.value as u32;
        }
        if let Some(v) = t.integer(sink, "timeout_secs", 1, 3600) {
            job.timeout_secs = v.value as u32;
        }
        for event in t.strings(sink, "on").unwrap_or_default() {
            if job.on.contains(&event.value) {
                sink.push(
                    Diagnostic::new(event.span, t.key_path("on"), "this event is listed twice")
                        .found(format!("{:?}", event.value)),
                );
            } else if event_types.contains(&event.value) {
                job.on.push(event.value);
            } else if declared_events.contains(&event.value) {
                // The spec declares it, but its declaration was refused: that is the mistake.
            } else {
                let allowed = if event_types.is_empty() {
                    "an event a resource emits (none does: add `[resources.NAME.events]`)"
                        .to_string()
                } else {
                    format!("one of the spec's events: {}", event_types.join(", "))
                };
                let mut d =
                    Diagnostic::new(event.span, t.key_path("on"), "no resource emits this event")
                        .found(format!("{:?}", event.value))
                        .allowed(allowed);
                // A near miss may be an event whose declaration was refused.
                let mut known: Vec<&str> = event_types.iter().map(String::as_str).collect();
                known.extend(declared_events.iter().map(String::as_str));
                if let Some(close) = suggest(&event.value, &known) {
                    d = d.help(format!("did you mean `{close}`?"));
                }
                sink.push(d);
            }
        }
        out.push(job);
    }
    out
}

/// Every event type the spec text declares (`post.created` for `[resources.post.events]
/// created = ...`), accepted or not: an unknown event in a job's `on` is only a mistake of
/// its own when its resource does not declare it.
fn declared_event_types(top: &Table<'_, '_>) -> Vec<String> {
    let Some(DeValue::Table(resources)) = top.raw("resources").map(|v| v.get_ref()) else {
        return Vec::new();
    };
    resources
        .iter()
        .flat_map(|(name, value)| {
            let events = match value.get_ref().get("events").map(|e| e.get_ref()) {
                Some(DeValue::Table(events)) => {
                    events.keys().map(|e| e.get_ref().to_string()).collect()
                }
                _ => Vec::new(),
            };
            events
                .into_iter()
                .map(move |event| format!("{}.{event}", name.get_ref()))
        })
        .collect()
}

/// `{ when = "FIELD", becomes = "VALUE" }`: an enum field of the resource and one of its values.
fn read_transition(sink: &mut Sink, t: &Table<'_, '_>, fields: &[Field]) -> Option<Trigger> {
    let enums: Vec<(&str, &[String])> = fields
        .iter()
        .filter_map(|f| match &f.ty {
            FieldType::Enum { values } => Some((f.names.snake.as_str(), values.as_slice())),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = enums.iter().map(|(name, _)| *name).collect();
    let allowed_fields = if names.is_empty() {
        "an enum field of this resource (it has none)".to_string()
    } else {
        format!("one of its enum fields: {}", names.join(", "))
    };
    let Some(when) = t.string(sink, "when") else {
        if t.raw("when").is_none() {
            sink.push(
                Diagnostic::new(
                    t.span.clone(),
                    t.key_path("when"),
                    "a transition needs `when`",
                )
                .allowed(allowed_fields)
                .help("e.g. `{ when = \"status\", becomes = \"succeeded\" }`"),
            );
        }
        return None;
    };
    let becomes = t.string(sink, "becomes");
    if becomes.is_none() && t.raw("becomes").is_none() {
        sink.push(
            Diagnostic::new(
                t.span.clone(),
                t.key_path("becomes"),
                "a transition needs `becomes`",
            )
            .help("name the value the field moves to, e.g. `becomes = \"succeeded\"`"),
        );
    }
    let Some(&(field, values)) = enums.iter().find(|(name, _)| *name == when.value) else {
        let mut d = Diagnostic::new(
            when.span,
            t.key_path("when"),
            "not an enum field of this resource",
        )
        .found(format!("{:?}", when.value))
        .allowed(allowed_fields);
        if let Some(near) = suggest(&when.value, &names) {
            d = d.help(format!("did you mean `{near}`?"));
        }
        sink.push(d);
        return None;
    };
    let becomes = becomes?;
    if !values.contains(&becomes.value) {
        sink.push(
            Diagnostic::new(
                becomes.span,
                t.key_path("becomes"),
                "not a value of the field",
            )
            .found(format!("{:?}", becomes.value))
            .allowed(values.join(", ")),
        );
        return None;
    }
    Some(Trigger::Becomes {
        field: field.to_string(),
        value: becomes.value,
    })
}

/// Field rules that need the whole resource: `owner` in them needs the owner on the row,
/// and a required field without a default must be writable by everyone who may create a
/// row, or some of them could never create one.
fn check_field_rules(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    fields: &[Field],
    access: &Access,
    owner: Option<&At<String>>,
    auth: &Auth,
    account: bool,
) {
    // Where a field's `key` is written, for errors about it.
    let span_of = |field: &Field, key: &str| {
        t.raw("fields")
            .and_then(|v| v.get_ref().get(field.names.snake.as_str()))
            .and_then(|v| v.get_ref().get(key))
            .map_or(t.span.clone(), |v| v.span())
    };
    let key_of =
        |field: &Field, key: &str| format!("{}.fields.{}.{key}", t.path, field.names.snake);
    // Accounts own themselves; any other row carries its owner only with a direct one.
    let owner_on_row = account || owner.is_some_and(|o| !o.value.contains('.'));
    for f in fields {
        let write_rules = match &f.access.write {
            FieldWrite::Rules(rules) => rules.as_slice(),
            _ => &[],
        };
        for (key, rules) in [
            ("read", f.access.read.as_deref().unwrap_or_default()),
            ("write", write_rules),
        ] {
            if owner_on_row || !rules.contains(&Rule::Owner) {
                continue;
            }
            let (found, fix) = match owner {
                Some(o) => (
                    format!("owner = {:?}", o.value),
                    "rows owned through a parent do not carry their owner, so a list could not tell row by row who may see or write the field; name roles instead, or give the resource a direct owner (`owner = \"RELATION\"`, a belongs_to relation to `user`)",
                ),
                None => (
                    "no `owner`".to_string(),
                    "add `owner = \"RELATION\"`, naming a belongs_to relation to the user resource, or name roles instead",
                ),
            };
            sink.push(
                Diagnostic::new(
                    span_of(f, key),
                    key_of(f, key),
                    "an `owner` field rule needs the owner on the row itself",
                )
                .found(found)
                .help(fix),
            );
        }
        if !f.required || f.default.is_some() {
            continue;
        }
        let resource =
            crate::names::with_article(t.path.strip_prefix("resources.").unwrap_or(&t.path));
        let name = &f.names.snake;
        let problem = match &f.access.write {
            FieldWrite::Row | FieldWrite::Create => None,
            FieldWrite::None => Some((
                format!("`{name}` is required and has no default, but no request may write it"),
                "write = \"none\"".to_string(),
                "give it a `default`, or make it `required = false`: only the rules code and jobs set a field with `write = \"none\"`",
            )),
            FieldWrite::Rules(write) => {
                // Registration is open to everyone, besides the `create` rule.
                let mut creators = access.create.clone();
                if account {
                    creators.push(Rule::Public);
                }
                (!covers(write, &creators, &auth.admin_role)).then(|| {
                    (
                        format!(
                            "`{name}` is required and has no default, but not everyone who may create {resource} may write it"
                        ),
                        format!(
                            "write = [{}], create = [{}]",
                            list_rules(write),
                            list_rules(&creators)
                        ),
                        "give it a `default`, make it `required = false`, or let every creator write it",
                    )
                })
            }
        };
        if let Some((message, found, help)) = problem {
            sink.push(
                Diagnostic::new(span_of(f, "write"), key_of(f, "write"), message)
                    .found(found)
                    .help(help),
            );
        }
    }
}

/// Whether every caller who passes `creators` passes `write`. Admins pass every rule.
fn covers(write: &[Rule], creators: &[Rule], admin: &str) -> bool {
    write.contains(&Rule::Public)
        || creators.iter().all(|c| {
            write.contains(c)
                || (*c != Rule::Public && write.contains(&Rule::Authenticated))
                || *c == Rule::Role(admin.to_string())
        })
}

fn list_rules(rules: &[Rule]) -> String {
    rules
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `owner_set_by`: roles that may name a row's owner in a body. Only a direct owner has a
/// key to name; through a parent, the create and update rules say who may use whose parent.
fn read_owner_set_by(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    auth: &Auth,
    owner: Option<&At<String>>,
    account: bool,
) -> Vec<String> {
    let Some(roles) = t.strings(sink, "owner_set_by") else {
        return Vec::new();
    };
    let path = t.key_path("owner_set_by");
    let span = t.raw("owner_set_by").map(|v| v.span()).unwrap_or_default();
    match owner {
        // `owner` on `user` has an error of its own.
        _ if account => {
            if owner.is_none() {
                sink.push(
                    Diagnostic::new(span, path, "an account is its own owner: no body names it")
                        .help("remove `owner_set_by` from `user`: the `owner` rule on `user` means the account itself, and admins already pass every rule"),
                );
            }
            return Vec::new();
        }
        None => {
            sink.push(
                Diagnostic::new(span, path, "`owner_set_by` needs an `owner`")
                    .help("add `owner = \"RELATION\"`, or remove `owner_set_by`"),
            );
            return Vec::new();
        }
        Some(o) if o.value.contains('.') => {
            sink.push(
                Diagnostic::new(span, path, "only a direct owner can be set in a body")
                    .found(format!("owner = {:?}", o.value))
                    .help("remove `owner_set_by`: rows owned through a parent follow it, and the create and update rules say who may write under another user's parent"),
            );
            return Vec::new();
        }
        Some(_) => {}
    }
    let mut out = Vec::new();
    for role in roles {
        if auth.roles.contains(&role.value) {
            out.push(role.value);
        } else {
            sink.push(
                Diagnostic::new(role.span, path.clone(), "unknown role")
                    .found(format!("{:?}", role.value))
                    .allowed(auth.roles.join(", ")),
            );
        }
    }
    out.sort();
    out.dedup();
    out
}

fn read_belongs_to(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    resource: &str,
) -> (Vec<BelongsTo>, Vec<std::ops::Range<usize>>) {
    let mut relations = Vec::new();
    let mut spans = Vec::new();
    let Some(rels) = t.table(sink, "belongs_to", &[]) else {
        return (relations, spans);
    };
    for (name, value) in rels.entries() {
        let path = rels.key_path(&name.value);
        check_identifier(sink, &name, &path, NameKind::Relation);
        // `author = "user"` is short for `author = { resource = "user" }`.
        let (target, target_span, required, on_delete) = match value.get_ref() {
            DeValue::String(s) => (s.to_string(), value.span(), true, OnDelete::Restrict),
            _ => {
                let Some(rt) = Table::from_value(sink, value, &path, BELONGS_TO_KEYS) else {
                    continue;
                };
                let (target, target_span) = match rt.string(sink, "resource") {
                    Some(r) => (r.value, r.span),
                    None => (name.value.clone(), name.span.clone()),
                };
                let required = rt.boolean(sink, "required").is_none_or(|b| b.value);
                let on_delete = match one_of(sink, &rt, "on_delete", OnDelete::ALLOWED).as_deref() {
                    Some("cascade") => OnDelete::Cascade,
                    Some("set_null") => OnDelete::SetNull,
                    _ => OnDelete::Restrict,
                };
                if on_delete == OnDelete::SetNull && required {
                    let span = rt.raw("on_delete").map_or(value.span(), |v| v.span());
                    sink.push(
                        Diagnostic::new(
                            span,
                            rt.key_path("on_delete"),
                            "`set_null` needs an optional relation",
                        )
                        .help("add `required = false`, or use `cascade` or `restrict`"),
                    );
                }
                (target, target_span, required, on_delete)
            }
        };
        if target == resource && required {
            sink.push(
                Diagnostic::new(
                    target_span.clone(),
                    &path,
                    "a relation to the resource itself must be optional",
                )
                .help("add `required = false`: otherwise no first row could ever be created"),
            );
        }
        let names = Names::new(&name.value, None);
        if let Some(other) = relations
            .iter()
            .find(|b: &&BelongsTo| b.names.camel == names.camel)
        {
            // `a_1` and `a1` would both be the key `a1Id`.
            let taken = |c: &str| {
                let camel = Names::new(c, None).camel;
                relations.iter().any(|b| b.names.camel == camel)
            };
            let mut d = Diagnostic::new(
                name.span.clone(),
                &path,
                "two relations give the same JSON key",
            )
            .found(format!(
                "`{}Id`, the key of `{}` and of `{}`",
                names.camel, other.names.snake, names.snake
            ));
            if let Some(alt) = alternative(&names.snake, &[], MAX_NAME, |c| !taken(c)) {
                d = d.help(format!("rename the relation, e.g. to `{alt}`"));
            }
            sink.push(d);
        }
        relations.push(BelongsTo {
            names,
            target,
            required,
            on_delete,
        });
        spans.push(target_span);
    }
    (relations, spans)
}

/// A resource's fields, each checked for names that generated code already uses. On the
/// accounts of the jwt flow (`account`), the flow's own fields are refused too.
fn read_fields(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    belongs_to: &[BelongsTo],
    auth: &Auth,
    account: bool,
) -> Vec<Field> {
    let mut fields = Vec::new();
    let Some(ft) = t.table(sink, "fields", &[]) else {
        return fields;
    };
    if ft.entries().next().is_none() {
        sink.push(Diagnostic::new(
            ft.span.clone(),
            &ft.path,
            "a resource needs at least one field",
        ));
    }
    let declared: Vec<String> = ft.entries().map(|(k, _)| k.value).collect();
    // JSON keys already spoken for: the id, the relations' keys, and earlier fields.
    let mut keys: Vec<(String, String)> = vec![("id".into(), "the id".into())];
    keys.extend(belongs_to.iter().map(|b| {
        (
            format!("{}Id", b.names.camel),
            format!("the relation `{}`", b.names.snake),
        )
    }));
    let generated_keys: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let taken = |c: &str| {
        let camel = Names::new(c, None).camel;
        GENERATED_FIELDS.contains(&c)
            || QUERY_PARAMETERS.contains(&c)
            || NOT_RAW.contains(&c)
            || (account && AUTH_USER_FIELDS.contains(&c))
            || declared
                .iter()
                .any(|d| *d == c || Names::new(d, None).camel == camel)
            || generated_keys.contains(&camel)
    };
    let free = |c: &str| !taken(c);
    for (name, value) in ft.entries() {
        let path = ft.key_path(&name.value);
        check_identifier(sink, &name, &path, NameKind::Field);
        let n = name.value.as_str();
        let clash = if GENERATED_FIELDS.contains(&n) {
            Some(format!("every resource already has `{n}`"))
        } else if QUERY_PARAMETERS.contains(&n) {
            Some(format!("`{n}` is a list query parameter"))
        } else if account && AUTH_USER_FIELDS.contains(&n) {
            Some(format!(
                "the jwt auth flow already gives users `{n}` (it gives them: {})",
                AUTH_USER_FIELDS.join(", ")
            ))
        } else {
            belongs_to
                .iter()
                .find(|b| format!("{}_id", b.names.snake) == n)
                .map(|b| format!("the relation `{}` already adds this column", b.names.snake))
        };
        if let Some(clash) = clash {
            let help = match alternative(n, &alternatives_of(n), MAX_NAME, free) {
                Some(alt) => format!("{clash}; use `{alt}`, or remove the field"),
                None => format!("{clash}; remove the field"),
            };
            sink.push(
                Diagnostic::new(
                    name.span.clone(),
                    &path,
                    "this field name is taken by a generated one",
                )
                .found(n)
                .help(help),
            );
        } else if is_snake_identifier(n) {
            let camel = Names::new(n, None).camel;
            match keys.iter().find(|(k, _)| *k == camel) {
                Some((_, owner)) => {
                    let mut d = Diagnostic::new(
                        name.span.clone(),
                        &path,
                        "two names give the same JSON key",
                    )
                    .found(format!(
                        "`{camel}`, the key of {owner} and of the field `{n}`"
                    ));
                    if let Some(alt) = alternative(n, &[], MAX_NAME, free) {
                        d = d.help(format!("rename the field, e.g. to `{alt}`"));
                    }
                    sink.push(d);
                }
                None => keys.push((camel, format!("the field `{n}`"))),
            }
        }
        if let Some(field) = read_field(sink, &name, value, &path, auth) {
            if account && field.unique {
                check_room_for_accounts(sink, &field, value, &path);
            }
            fields.push(field);
        }
    }
    let renamed = fields.iter().filter_map(|f| {
        let from = f.renamed_from.as_deref()?;
        let span = ft
            .raw(&f.names.snake)?
            .get_ref()
            .get("renamed_from")?
            .span();
        let key = format!("{}.renamed_from", ft.key_path(&f.names.snake));
        Some((f.names.snake.as_str(), from, span, key))
    });
    check_renamed_once(sink, renamed, "field");
    fields
}

fn read_field(
    sink: &mut Sink,
    name: &At<String>,
    value: &Spanned<DeValue<'_>>,
    path: &str,
    auth: &Auth,
) -> Option<Field> {
    let t = Table::from_value(sink, value, path, FIELD_KEYS)?;
    let Some(type_name) = t.string(sink, "type") else {
        if t.raw("type").is_none() {
            sink.push(
                Diagnostic::new(value.span(), t.key_path("type"), "a field needs a `type`")
                    .allowed(FieldType::ALLOWED.join(", ")),
            );
        }
        return None;
    };
    let ty = match (FieldType::plain(&type_name.value), type_name.value.as_str()) {
        (Some(plain), _) => plain,
        (None, "decimal") => {
            let precision = t
                .integer(sink, "precision", 1, 38)
                .map_or(18, |v| v.value as u32);
            let scale = t
                .integer(sink, "scale", 0, 38)
                .map_or(2, |v| v.value as u32);
            if scale > precision {
                let span = t.raw("scale").map_or(value.span(), |v| v.span());
                sink.push(
                    Diagnostic::new(span, t.key_path("scale"), "scale is larger than precision")
                        .found(format!("scale {scale}, precision {precision}"))
                        .allowed(format!("a scale from 0 to {precision}")),
                );
            }
            FieldType::Decimal { precision, scale }
        }
        (None, "enum") => FieldType::Enum {
            values: read_enum_values(sink, &t, value),
        },
        (None, other) => {
            let mut d = Diagnostic::new(
                type_name.span.clone(),
                t.key_path("type"),
                "unknown field type",
            )
            .found(format!("{other:?}"))
            .allowed(FieldType::ALLOWED.join(", "));
            if let Some(near) = suggest(other, FieldType::ALLOWED) {
                d = d.help(format!("did you mean {near:?}?"));
            }
            sink.push(d);
            return None;
        }
    };
    check_keys_apply(sink, &t, &ty);

    let required = t.boolean(sink, "required").is_none_or(|b| b.value);
    let unique = t.boolean(sink, "unique").is_some_and(|b| b.value);
    if unique && ty == FieldType::Json {
        let span = t.raw("unique").map_or(value.span(), |v| v.span());
        sink.push(
            Diagnostic::new(span, t.key_path("unique"), "json fields cannot be unique")
                .found("json"),
        );
    }
    let rules = read_rules(sink, &t, &ty);
    let default = t
        .raw("default")
        .and_then(|d| read_default(sink, &t, d, &ty, &rules));
    let access = read_field_access(sink, &t, auth);
    if unique && access.write == FieldWrite::None && default.is_some() {
        let span = t.raw("unique").map_or(value.span(), |v| v.span());
        sink.push_new_rule(
            Diagnostic::new(
                span,
                t.key_path("unique"),
                "a unique field that no request may write can hold one value only",
            )
            .found("unique = true, write = \"none\", and a default")
            .help(
                "every row starts with the default, so a second row would be refused (409): drop \
                 `unique`, let requests write the field (e.g. `write = \"create\"`), or drop the \
                 `default` with `required = false` (rows then start with null, which unique allows \
                 many times)",
            ),
        );
    }
    let renamed_from = read_renamed_from(sink, &t, &name.value, NameKind::Field);
    Some(Field {
        names: Names::new(&name.value, None),
        description: t
            .string(sink, "description")
            .map(|d| d.value)
            .unwrap_or_default(),
        ty,
        required,
        unique,
        default,
        rules,
        access,
        renamed_from,
    })
}

/// Every sign-up is a row of the account resource, and accounts are not counted: a unique
/// account field of few values (a unique boolean) would turn away the third person to
/// sign up. (Any other resource may have one: its generated tests adapt.)
fn check_room_for_accounts(
    sink: &mut Sink,
    field: &Field,
    value: &Spanned<DeValue<'_>>,
    path: &str,
) {
    let Some(room) = super::room::room(field) else {
        return;
    };
    let span = match value.get_ref() {
        DeValue::Table(t) => t.get("unique").map_or(value.span(), |v| v.span()),
        _ => value.span(),
    };
    sink.push_new_rule(
        Diagnostic::new(
            span,
            format!("{path}.unique"),
            "a unique field of the accounts must leave room for every account",
        )
        .found(format!(
            "{} for as many accounts as sign up",
            crate::console::count(room, "distinct value", "distinct values")
        ))
        .help(format!(
            "account {room} + 1 could not sign up: drop `unique`, allow more values, or put the \
             field on a resource of its own that belongs to `{ACCOUNT}`"
        )),
    );
}

/// `renamed_from`: the earlier name of a field or resource, for `backend-gen update`. It
/// was a name once, so the rules of names hold for it too.
fn read_renamed_from(sink: &mut Sink, t: &Table, name: &str, kind: NameKind) -> Option<String> {
    let old = t.string(sink, "renamed_from")?;
    let what = kind.what();
    let (problem, help) = if let Some((problem, suggestion)) = name_problem(&old.value, kind) {
        let help = match suggestion {
            Some(s) => format!("name the {what}'s earlier name, e.g. `{s}`"),
            None => format!("name the {what}'s earlier name"),
        };
        (format!("`renamed_from` is no {what} name: {problem}"), help)
    } else if old.value == name {
        (
            format!("`renamed_from` names the {what} itself"),
            format!("remove `renamed_from`, or name the {what}'s earlier name"),
        )
    } else {
        return Some(old.value);
    };
    let d = Diagnostic::new(old.span.clone(), t.key_path("renamed_from"), problem)
        .found(format!("{:?}", old.value))
        .allowed(format!("a snake_case name other than the {what}'s own"))
        .help(help);
    // Earlier versions took any other snake_case name (a 31-character one too).
    if is_snake_identifier(&old.value) && old.value != name {
        sink.push_new_rule(d);
        return Some(old.value);
    }
    sink.push(d);
    None
}

/// Two fields of one resource, or two resources, that continue the same earlier name: the
/// plan would rename one column or table twice. `items` are each one's name, `renamed_from`
/// and where that is written; reported at the later one.
fn check_renamed_once<'a>(
    sink: &mut Sink,
    items: impl IntoIterator<Item = (&'a str, &'a str, std::ops::Range<usize>, String)>,
    what: &str,
) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, from, span, key) in items {
        let Some(&first) = seen.get(from) else {
            seen.insert(from, name);
            continue;
        };
        sink.push_new_rule(
            Diagnostic::new(span, key, format!("two {what}s are `renamed_from` `{from}`"))
                .found(format!("`{first}` and `{name}`"))
                .help(format!(
                    "only one {what} continues `{from}`: remove `renamed_from` from the other, which is then a new {what}"
                )),
        );
    }
}

/// A field's own rules: `read`, `write` and `write_denied`. Rules that need the rest of
/// the resource (its owner, its create rule) are checked in `check_field_rules`.
fn read_field_access(sink: &mut Sink, t: &Table<'_, '_>, auth: &Auth) -> FieldAccess {
    let read = t.strings(sink, "read").and_then(|values| {
        let path = t.key_path("read");
        let values = field_rule_values(sink, t, "read", values)?;
        let rules: Vec<Rule> = values
            .into_iter()
            .filter_map(|r| read_rule(sink, &path, r, auth, &[]))
            .collect();
        // Whoever may read the row may read a public field: nothing to narrow.
        (!rules.contains(&Rule::Public)).then_some(rules)
    });
    let write = read_field_write(sink, t, auth);
    let denied_word = one_of(sink, t, "write_denied", Denied::ALLOWED);
    let denied = match denied_word.as_deref() {
        Some("ignore") => Denied::Ignore,
        _ => Denied::Reject,
    };
    if let (Some(_), Some(FieldWrite::Row), Some(value)) =
        (&denied_word, &write, t.raw("write_denied"))
    {
        let found = if t.raw("write").is_some() {
            "a `write` that includes public"
        } else {
            "no `write`"
        };
        sink.push(
            Diagnostic::new(
                value.span(),
                t.key_path("write_denied"),
                "`write_denied` needs a `write` rule",
            )
            .found(found)
            .help("whoever may write the row may write the field, so no body is ever denied; add e.g. `write = [\"ROLE\"]`, or remove `write_denied`"),
        );
    }
    FieldAccess {
        read,
        write: write.unwrap_or_default(),
        denied,
    }
}

/// The values of a field's `read` or `write`, each once; `None` (reported) when there are
/// none.
fn field_rule_values(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    key: &str,
    values: Vec<At<String>>,
) -> Option<Vec<At<String>>> {
    if values.is_empty() {
        let span = t.raw(key).map_or(t.span.clone(), |v| v.span());
        sink.push(
            Diagnostic::new(
                span,
                t.key_path(key),
                "an access rule needs at least one value",
            )
            .help(format!(
                "name who may {key} the field, e.g. `{key} = [\"ROLE\"]`, or remove `{key}`"
            )),
        );
        return None;
    }
    let mut out: Vec<At<String>> = Vec::new();
    for v in values {
        if !out.iter().any(|o| o.value == v.value) {
            out.push(v);
        }
    }
    Some(out)
}

/// A field's `write`: access rules, or one of `FieldWrite::WORDS` alone. `None` when
/// something in it is reported, so that checks building on it stay quiet.
fn read_field_write(sink: &mut Sink, t: &Table<'_, '_>, auth: &Auth) -> Option<FieldWrite> {
    let Some(value) = t.raw("write") else {
        return Some(FieldWrite::Row);
    };
    let path = t.key_path("write");
    let before = sink.diagnostics.len();
    let values = t.strings(sink, "write")?;
    let values = field_rule_values(sink, t, "write", values)?;
    let is_word = |v: &At<String>| FieldWrite::WORDS.contains(&v.value.as_str());
    if let [only] = values.as_slice()
        && is_word(only)
    {
        if auth.mode == AuthMode::None {
            sink.push(
                Diagnostic::new(value.span(), path, "field rules need `[auth] mode = \"jwt\"`")
                    .found(format!("write = {:?}", only.value))
                    .help("set `[auth] mode = \"jwt\"`, or remove `write`: with auth mode \"none\" every caller may write every field"),
            );
            return None;
        }
        return Some(if only.value == "create" {
            FieldWrite::Create
        } else {
            FieldWrite::None
        });
    }
    let listed: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let mut mixed = false;
    for word in values.iter().filter(|v| is_word(v)) {
        mixed = true;
        let mut help = format!(
            "write `write = {:?}` alone, or list only access rules",
            word.value
        );
        if auth.roles.contains(&word.value) {
            help.push_str(&format!(
                "; in `write`, {:?} is the word, not the role: rename the role to use it here",
                word.value
            ));
        }
        sink.push(
            Diagnostic::new(
                word.span.clone(),
                &path,
                format!("`{}` cannot be combined with other values", word.value),
            )
            .found(format!("[{}]", listed.join(", ")))
            .allowed(format!(
                "\"create\" or \"none\" alone, or access rules: {}",
                rule_words(auth).join(", ")
            ))
            .help(help),
        );
    }
    if mixed {
        return None;
    }
    let rules: Vec<Rule> = values
        .into_iter()
        .filter_map(|r| read_rule(sink, &path, r, auth, FieldWrite::WORDS))
        .collect();
    if sink.diagnostics.len() > before {
        return None;
    }
    Some(if rules.contains(&Rule::Public) {
        FieldWrite::Row
    } else {
        FieldWrite::Rules(rules)
    })
}

/// The words an access rule may be: `RULE_WORDS` and the roles.
fn rule_words(auth: &Auth) -> Vec<&str> {
    let mut words = RULE_WORDS.to_vec();
    words.extend(auth.roles.iter().map(String::as_str));
    words
}

fn read_enum_values(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    field: &Spanned<DeValue<'_>>,
) -> Vec<String> {
    let Some(values) = t.strings(sink, "values") else {
        sink.push(
            Diagnostic::new(
                field.span(),
                t.key_path("values"),
                "an enum needs its `values`",
            )
            .help("add e.g. `values = [\"draft\", \"published\"]`"),
        );
        return Vec::new();
    };
    if values.is_empty() {
        let span = t.raw("values").map_or(field.span(), |v| v.span());
        sink.push(Diagnostic::new(
            span,
            t.key_path("values"),
            "an enum needs at least one value",
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let variant = names::variant(&v.value).name;
        let same_variant = out
            .iter()
            .find(|o| is_snake_identifier(o) && names::variant(o).name == variant);
        if !is_snake_identifier(&v.value) {
            let mut d = Diagnostic::new(v.span.clone(), t.key_path("values"), "invalid enum value")
                .found(format!("{:?}", v.value))
                .allowed("snake_case words such as \"in_stock\"");
            if let Some(fixed) = snake_version(&v.value) {
                d = d.help(format!("use {fixed:?}"));
            }
            sink.push(d);
        } else if out.contains(&v.value) {
            sink.push(
                Diagnostic::new(v.span.clone(), t.key_path("values"), "duplicate enum value")
                    .found(format!("{:?}", v.value))
                    .help("remove one of them"),
            );
        } else if let Some(other) = same_variant {
            // Both would be one Rust variant: `a_1` and `a1` are both `A1`.
            let free = |c: &str| {
                let name = names::variant(c).name;
                !out.iter().any(|o| names::variant(o).name == name)
            };
            let mut d = Diagnostic::new(
                v.span.clone(),
                t.key_path("values"),
                "two enum values give the same Rust variant",
            )
            .found(format!("{:?} and {other:?}, both `{variant}`", v.value));
            if let Some(alt) = alternative(&v.value, &[], MAX_NAME, free) {
                d = d.help(format!("use another value, e.g. {alt:?}"));
            }
            sink.push(d);
        }
        out.push(v.value);
    }
    out
}

/// Reports keys that exist but make no sense for the field's type.
/// A key, whether it applies to a field type, and the types it applies to.
type Applies = (&'static str, fn(&FieldType) -> bool, &'static str);

fn check_keys_apply(sink: &mut Sink, t: &Table<'_, '_>, ty: &FieldType) {
    let applies: &[Applies] = &[
        ("values", |ty| matches!(ty, FieldType::Enum { .. }), "enum"),
        ("min_length", FieldType::is_textual, "string, text"),
        ("max_length", FieldType::is_textual, "string, text"),
        ("pattern", FieldType::is_textual, "string, text"),
        ("format", |ty| *ty == FieldType::String, "string"),
        (
            "min",
            FieldType::is_numeric,
            "integer, big_integer, float, decimal",
        ),
        (
            "max",
            FieldType::is_numeric,
            "integer, big_integer, float, decimal",
        ),
        (
            "precision",
            |ty| matches!(ty, FieldType::Decimal { .. }),
            "decimal",
        ),
        (
            "scale",
            |ty| matches!(ty, FieldType::Decimal { .. }),
            "decimal",
        ),
    ];
    for (key, ok, types) in applies {
        if let Some(v) = t.raw(key)
            && !ok(ty)
        {
            sink.push(
                Diagnostic::new(
                    v.span(),
                    t.key_path(key),
                    format!("`{key}` does not apply to {} fields", ty.spec_name()),
                )
                .found(ty.spec_name())
                .allowed(format!("`{key}` on types: {types}")),
            );
        }
    }
}

fn read_rules(sink: &mut Sink, t: &Table<'_, '_>, ty: &FieldType) -> Rules {
    let mut rules = Rules::default();
    if ty.is_textual() {
        rules.min_length = t
            .integer(sink, "min_length", 0, u32::MAX as i64)
            .map(|v| v.value as u32);
        rules.max_length = t
            .integer(sink, "max_length", 1, u32::MAX as i64)
            .map(|v| v.value as u32);
        if let (Some(min), Some(max)) = (rules.min_length, rules.max_length)
            && min > max
        {
            let span = t.raw("min_length").map_or(t.span.clone(), |v| v.span());
            sink.push(
                Diagnostic::new(
                    span,
                    t.key_path("min_length"),
                    "min_length is greater than max_length",
                )
                .found(format!("min_length {min}, max_length {max}")),
            );
        }
        if let Some(p) = t.string(sink, "pattern") {
            match regex::Regex::new(&p.value) {
                Ok(_) => rules.pattern = Some(p.value),
                Err(e) => sink.push(
                    Diagnostic::new(p.span, t.key_path("pattern"), "invalid regular expression")
                        .found(format!("{:?}", p.value))
                        .help(
                            e.to_string()
                                .lines()
                                .last()
                                .unwrap_or_default()
                                .trim()
                                .to_string(),
                        )
                        .allowed("a regular expression in the syntax of the `regex` crate"),
                ),
            }
        }
    }
    if *ty == FieldType::String
        && let Some(f) = one_of(sink, t, "format", Format::ALLOWED)
    {
        rules.format = Some(if f == "email" {
            Format::Email
        } else {
            Format::Url
        });
    }
    if ty.is_numeric() {
        rules.min = t.raw("min").and_then(|v| read_bound(sink, t, "min", v, ty));
        rules.max = t.raw("max").and_then(|v| read_bound(sink, t, "max", v, ty));
        if let (Some(min), Some(max)) = (&rules.min, &rules.max)
            && bound_value(min) > bound_value(max)
        {
            let span = t.raw("min").map_or(t.span.clone(), |v| v.span());
            sink.push(
                Diagnostic::new(span, t.key_path("min"), "min is greater than max").found(format!(
                    "min {}, max {}",
                    bound_text(min),
                    bound_text(max)
                )),
            );
        }
    }
    rules
}

fn read_bound(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    key: &str,
    value: &Spanned<DeValue<'_>>,
    ty: &FieldType,
) -> Option<Bound> {
    let number = match value.get_ref() {
        DeValue::String(s) if matches!(ty, FieldType::Decimal { .. }) => {
            parse_decimal(s).map(|text| Number::Float {
                value: text.parse().unwrap_or(0.0),
                text,
            })
        }
        other => super::reader::number_of(other),
    };
    let example = match ty {
        FieldType::Float => "2.5",
        FieldType::Decimal { .. } => "\"9.99\"",
        _ => "10",
    };
    let fail = |sink: &mut Sink, allowed: &str| {
        sink.push(
            Diagnostic::new(
                value.span(),
                t.key_path(key),
                format!(
                    "invalid `{key}` for {} field",
                    crate::names::with_article(ty.spec_name())
                ),
            )
            .found(describe_value(value.get_ref()))
            .allowed(allowed.to_string())
            .help(format!(
                "write e.g. `{key} = {example}`, or leave `{key}` out"
            )),
        );
        None
    };
    match (ty, number) {
        (FieldType::Integer, Some(Number::Integer(i))) if i32::try_from(i).is_ok() => {
            Some(Bound::Integer(i))
        }
        (FieldType::Integer, _) => fail(
            sink,
            &format!("a whole number from {} to {} (32 bits)", i32::MIN, i32::MAX),
        ),
        (FieldType::BigInteger, Some(Number::Integer(i))) => Some(Bound::Integer(i)),
        (FieldType::BigInteger, _) => fail(
            sink,
            &format!("a whole number from {} to {} (64 bits)", i64::MIN, i64::MAX),
        ),
        (FieldType::Float, Some(n)) => Some(Bound::Float(n.as_f64())),
        (FieldType::Decimal { scale, .. }, Some(n)) => {
            let text = match n {
                Number::Integer(i) => i.to_string(),
                Number::Float { text, .. } => match parse_decimal(&text) {
                    Some(t) => t,
                    None => return fail(sink, "a plain decimal number such as 9.99"),
                },
            };
            if decimal_scale(&text) > *scale {
                return fail(
                    sink,
                    &format!("a number with at most {scale} decimal places (the field's scale)"),
                );
            }
            Some(Bound::Decimal(text))
        }
        (FieldType::Float, _) => fail(sink, "a finite number such as 2.5 (not inf or nan)"),
        _ => fail(sink, "a number"),
    }
}

fn read_default(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    value: &Spanned<DeValue<'_>>,
    ty: &FieldType,
    rules: &Rules,
) -> Option<Literal> {
    let key = t.key_path("default");
    let invalid = || {
        Diagnostic::new(
            value.span(),
            &key,
            format!(
                "invalid default for {} field",
                crate::names::with_article(ty.spec_name())
            ),
        )
        .found(describe_value(value.get_ref()))
    };
    let wrong = |sink: &mut Sink, allowed: String| {
        sink.push(invalid().allowed(allowed));
        None
    };
    let literal = match (ty, value.get_ref()) {
        (FieldType::String | FieldType::Text, DeValue::String(s)) => Literal::String(s.to_string()),
        (FieldType::Enum { values }, DeValue::String(s)) => {
            if !values.iter().any(|v| v == s.as_ref()) {
                let allowed: Vec<&str> = values.iter().map(String::as_str).collect();
                let quoted: Vec<String> = allowed.iter().map(|v| format!("{v:?}")).collect();
                let mut d = invalid().allowed(quoted.join(", "));
                if let Some(near) = suggest(s, &allowed) {
                    d = d.help(format!("did you mean {near:?}?"));
                }
                sink.push(d);
                return None;
            }
            Literal::String(s.to_string())
        }
        (FieldType::Boolean, DeValue::Boolean(b)) => Literal::Boolean(*b),
        (
            FieldType::Integer
            | FieldType::BigInteger
            | FieldType::Float
            | FieldType::Decimal { .. },
            _,
        ) => match read_bound(sink, t, "default", value, ty)? {
            Bound::Integer(i) if *ty == FieldType::Float => Literal::Float(i as f64),
            Bound::Integer(i) => Literal::Integer(i),
            Bound::Float(f) => Literal::Float(f),
            Bound::Decimal(d) => Literal::Decimal(d),
        },
        (FieldType::Uuid | FieldType::Date | FieldType::Datetime | FieldType::Json, _) => {
            return wrong(
                sink,
                "no default: types uuid, date, datetime and json take none".into(),
            );
        }
        (FieldType::Boolean, _) => return wrong(sink, "true or false".into()),
        _ => return wrong(sink, "a string".into()),
    };
    if let Some(problem) = default_breaks_rules(&literal, rules) {
        sink.push(
            Diagnostic::new(
                value.span(),
                key,
                "the default breaks the field's own validation",
            )
            .found(describe_value(value.get_ref()))
            .help(problem),
        );
    }
    Some(literal)
}

/// Why a default value would fail its own field's validations, if it would.
fn default_breaks_rules(literal: &Literal, rules: &Rules) -> Option<String> {
    match literal {
        Literal::String(s) => {
            let len = s.chars().count() as u32;
            if let Some(min) = rules.min_length.filter(|m| len < *m) {
                return Some(format!("it is shorter than min_length {min}"));
            }
            if let Some(max) = rules.max_length.filter(|m| len > *m) {
                return Some(format!("it is longer than max_length {max}"));
            }
            if let Some(p) = &rules.pattern
                && regex::Regex::new(p).is_ok_and(|re| !re.is_match(s))
            {
                return Some(format!("it does not match the pattern {p:?}"));
            }
            match rules.format {
                Some(Format::Email) if !looks_like_email(s) => {
                    Some("it is not an email address".into())
                }
                Some(Format::Url) if !(s.starts_with("http://") || s.starts_with("https://")) => {
                    Some("it is not an http(s) URL".into())
                }
                _ => None,
            }
        }
        Literal::Integer(_) | Literal::Float(_) | Literal::Decimal(_) => {
            let v = match literal {
                Literal::Integer(i) => *i as f64,
                Literal::Float(f) => *f,
                Literal::Decimal(d) => d.parse().unwrap_or(0.0),
                _ => return None,
            };
            if let Some(min) = rules.min.as_ref().filter(|m| v < bound_value(m)) {
                return Some(format!("it is less than min {}", bound_text(min)));
            }
            rules
                .max
                .as_ref()
                .filter(|m| v > bound_value(m))
                .map(|max| format!("it is greater than max {}", bound_text(max)))
        }
        Literal::Boolean(_) => None,
    }
}

fn looks_like_email(s: &str) -> bool {
    matches!(s.split_once('@'), Some((user, host)) if !user.is_empty() && host.contains('.'))
}

fn decimal_scale(text: &str) -> u32 {
    text.split_once('.').map_or(0, |(_, f)| f.len() as u32)
}

fn describe_value(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("{s:?}"),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        other => describe(other).to_string(),
    }
}

fn read_access(sink: &mut Sink, t: &Table<'_, '_>, auth: &Auth, default: Vec<Rule>) -> Access {
    let Some(value) = t.raw("access") else {
        return Access::all(default);
    };
    let path = t.key_path("access");
    let read_rules = |sink: &mut Sink, key: &str, rules: Vec<At<String>>| -> Vec<Rule> {
        rules
            .into_iter()
            .filter_map(|r| read_rule(sink, &format!("{path}{key}"), r, auth, &[]))
            .collect()
    };
    match value.get_ref() {
        DeValue::String(s) => {
            let rules = read_rules(
                sink,
                "",
                vec![At {
                    value: s.to_string(),
                    span: value.span(),
                }],
            );
            Access::all(rules)
        }
        _ => {
            let Some(at) = Table::from_value(sink, value, &path, Access::ACTIONS) else {
                return Access::all(default);
            };
            let action = |sink: &mut Sink, key: &str| match at.strings(sink, key) {
                Some(rules) if rules.is_empty() => {
                    let span = at.raw(key).map_or(value.span(), |v| v.span());
                    sink.push(Diagnostic::new(
                        span,
                        at.key_path(key),
                        "an access rule needs at least one value",
                    ));
                    default.clone()
                }
                Some(rules) => read_rules(sink, &format!(".{key}"), rules),
                None => default.clone(),
            };
            Access {
                list: action(sink, "list"),
                read: action(sink, "read"),
                create: action(sink, "create"),
                update: action(sink, "update"),
                delete: action(sink, "delete"),
            }
        }
    }
}

/// One access rule. `words` are the other words the key takes (a field's `write` takes
/// `create` and `none`), named among the allowed values of an unknown one.
fn read_rule(
    sink: &mut Sink,
    path: &str,
    rule: At<String>,
    auth: &Auth,
    words: &[&str],
) -> Option<Rule> {
    let parsed = match rule.value.as_str() {
        "public" => Rule::Public,
        "authenticated" => Rule::Authenticated,
        "verified" => Rule::Verified,
        "owner" => Rule::Owner,
        role if auth.roles.iter().any(|r| r == role) => Rule::Role(role.to_string()),
        other => {
            let mut allowed: Vec<&str> = RULE_WORDS.to_vec();
            allowed.extend(words);
            allowed.extend(auth.roles.iter().map(String::as_str));
            let mut d = Diagnostic::new(rule.span.clone(), path, "unknown access rule")
                .found(format!("{other:?}"))
                .allowed(format!(
                    "{} (roles come from `auth.roles`)",
                    allowed.join(", ")
                ));
            if let Some(near) = suggest(other, &allowed) {
                d = d.help(format!("did you mean {near:?}?"));
            }
            sink.push(d);
            return None;
        }
    };
    if auth.mode == AuthMode::None && parsed != Rule::Public {
        sink.push(
            Diagnostic::new(
                rule.span,
                path,
                "with auth mode \"none\" every action is public",
            )
            .found(format!("{:?}", rule.value))
            .allowed("public")
            .help(
                "set `[auth] mode = \"jwt\"` to use authenticated, verified, owner and role rules",
            ),
        );
        return None;
    }
    Some(parsed)
}

/// Numeric fields get `xMin`/`xMax` list filters and dates `xAfter`/`xBefore`
/// (docs/contract.md, "Lists"); a field whose own name is one of those would make
/// the query string ambiguous.
fn check_filter_clashes(sink: &mut Sink, t: &Table<'_, '_>, fields: &[Field]) {
    // Filter parameters by JSON key, as the service's lists name them, and their field.
    let mut generated: BTreeMap<String, String> = BTreeMap::new();
    for stem in ["created", "updated"] {
        for suffix in ["After", "Before"] {
            generated.insert(format!("{stem}{suffix}"), format!("{stem}_at"));
        }
    }
    for f in fields {
        let camel = &f.names.camel;
        let (stem, suffixes) = if f.ty.is_numeric() {
            (camel.as_str(), ["Min", "Max"])
        } else if f.ty.is_temporal() {
            (
                camel.strip_suffix("At").unwrap_or(camel),
                ["After", "Before"],
            )
        } else {
            continue;
        };
        for suffix in suffixes {
            generated.insert(format!("{stem}{suffix}"), f.names.snake.clone());
        }
    }
    let taken = |c: &str| {
        let camel = Names::new(c, None).camel;
        generated.contains_key(&camel) || fields.iter().any(|f| f.names.camel == camel)
    };
    for f in fields {
        if let Some(source) = generated.get(&f.names.camel)
            && *source != f.names.snake
        {
            let span = t
                .raw("fields")
                .and_then(|v| v.get_ref().get(f.names.snake.as_str()).map(|x| x.span()))
                .unwrap_or(t.span.clone());
            // `price_min` → `min_price`, which no filter spells.
            let swapped: Vec<String> = f
                .names
                .snake
                .rsplit_once('_')
                .map(|(base, suffix)| format!("{suffix}_{base}"))
                .into_iter()
                .collect();
            let mut help = format!("`?{}=` already filters on `{source}`", f.names.camel);
            if let Some(alt) = alternative(&f.names.snake, &swapped, MAX_NAME, |c| !taken(c)) {
                help.push_str(&format!("; rename the field, e.g. to `{alt}`"));
            }
            sink.push(
                Diagnostic::new(
                    span,
                    format!("{}.fields.{}", t.path, f.names.snake),
                    "this field name clashes with a generated list filter",
                )
                .found(f.names.camel.clone())
                .help(help),
            );
        }
    }
}

/// A resource whose table would be the implicit accounts table of a jwt spec: one error,
/// at what the file can change (its `plural`, or its name when it sets none).
fn report_accounts_plural(
    sink: &mut Sink,
    name: &At<String>,
    r: &ReadResource,
    resources: &[(At<String>, ReadResource)],
) {
    let table = &r.resource.names.plural_snake;
    let (span, key, verb) = match &r.plural_span {
        Some(span) => (
            span.clone(),
            format!("resources.{}.plural", name.value),
            "choose another",
        ),
        None => (
            name.span.clone(),
            format!("resources.{}", name.value),
            "set a",
        ),
    };
    let natural = Names::new(&name.value, None).plural_snake;
    let candidates = [natural, format!("{}_items", name.value)];
    let example = alternative(&name.value, &candidates, MAX_NAME, |c| {
        c != table
            && resources
                .iter()
                .all(|(_, o)| o.resource.names.plural_snake != c)
    });
    let mut help = format!(
        "with jwt auth, the accounts table is `{table}`; {verb} `plural` on `{}`",
        name.value
    );
    if let Some(plural) = example {
        help.push_str(&format!(", e.g. `plural = \"{plural}\"`"));
    }
    sink.push(
        Diagnostic::new(span, key, "the accounts table already has this name")
            .found(table.clone())
            .help(help),
    );
}

/// What is wrong with an `owner` path from `res`, if anything: each step must be a relation
/// of the resource the previous one reached, the last one (and only it) reaching the user.
fn owner_path_problem(
    res: &Resource,
    path: &[String],
    resources: &[(At<String>, ReadResource)],
    (span, key): (&std::ops::Range<usize>, &str),
) -> Option<Diagnostic> {
    let problem = |message: &str| Diagnostic::new(span.clone(), key, message.to_owned());
    if path.iter().any(String::is_empty) {
        let steps: Vec<&str> = path
            .iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        let d = problem("the owner path has an empty step")
            .found(format!("{:?}", path.join(".")))
            .allowed("relation names joined by single dots, e.g. `order.customer`");
        return Some(if steps.is_empty() {
            d.help("name a belongs_to relation to `user`, or one through parents")
        } else {
            d.help(format!("write `{}`", steps.join(".")))
        });
    }
    let mut at = res;
    for (i, step) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let Some(relation) = at.belongs_to.iter().find(|b| b.names.snake == *step) else {
            let relations: Vec<&str> = at
                .belongs_to
                .iter()
                .map(|b| b.names.snake.as_str())
                .collect();
            let mut d = problem(&format!("`{}` has no relation `{step}`", at.names.snake))
                .found(format!("{:?}", path.join(".")));
            d = if relations.is_empty() {
                d.help(format!(
                    "give `{}` a belongs_to relation first",
                    at.names.snake
                ))
            } else {
                d.allowed(relations.join(", "))
            };
            return Some(d);
        };
        match (relation.target == ACCOUNT, last) {
            (true, true) => return None,
            (true, false) => {
                return Some(
                    problem("the owner path must end at the relation to the user resource")
                        .found(format!("{:?}", path.join(".")))
                        .help(format!("end it at `{}`", path[..=i].join("."))),
                );
            }
            (false, true) => {
                return Some(problem("the owner relation must point to the user resource")
                    .found(format!("{step:?} belongs to {:?}", relation.target))
                    .help(format!(
                        "name a relation to `user`, directly or through a parent: `{}.RELATION`",
                        path.join(".")
                    )));
            }
            (false, false) => {}
        }
        match resources.iter().find(|(n, _)| n.value == relation.target) {
            Some((_, next)) => at = &next.resource,
            // An unknown target is reported where the relation is declared.
            None => return None,
        }
    }
    None
}

/// Checks that need every resource: relation targets, owners, cycles.
fn check_cross_references(
    sink: &mut Sink,
    names: &[At<String>],
    resources: &[(At<String>, ReadResource)],
    auth: &Auth,
) {
    let mut known: Vec<&str> = names.iter().map(|n| n.value.as_str()).collect();
    if auth.mode == AuthMode::Jwt && !known.contains(&ACCOUNT) {
        known.push(ACCOUNT);
    }
    // The implicit account of a jwt spec has a table too, which the file cannot rename.
    let accounts = (auth.mode == AuthMode::Jwt && !names.iter().any(|n| n.value == ACCOUNT))
        .then(|| Names::new(ACCOUNT, None).plural_snake);
    let mut plurals: BTreeMap<&str, &At<String>> = BTreeMap::new();
    for (name, r) in resources {
        if accounts.as_ref() == Some(&r.resource.names.plural_snake) {
            report_accounts_plural(sink, name, r, resources);
            continue;
        }
        if let Some(first) = plurals.insert(&r.resource.names.plural_snake, name) {
            // Point at the `plural` that made the clash when there is one, and never ask
            // for a `plural` that is already set.
            let (span, key, help) = match &r.plural_span {
                Some(span) => (
                    span.clone(),
                    format!("resources.{}.plural", name.value),
                    format!("`{}` uses it too; choose another plural", first.value),
                ),
                None => (
                    name.span.clone(),
                    format!("resources.{}", name.value),
                    format!("`{}` uses it too; set `plural` on one of them", first.value),
                ),
            };
            sink.push(
                Diagnostic::new(span, key, "two resources have the same table name")
                    .found(r.resource.names.plural_snake.clone())
                    .help(help),
            );
        }
    }
    let unknown = |sink: &mut Sink, span: std::ops::Range<usize>, key: String, target: &str| {
        let mut d = Diagnostic::new(span, key, "unknown resource")
            .found(format!("{target:?}"))
            .allowed(known.join(", "));
        if let Some(near) = suggest(target, &known) {
            d = d.help(format!("did you mean {near:?}?"));
        }
        sink.push(d);
    };
    for (name, r) in resources {
        let res = &r.resource;
        for (b, span) in res.belongs_to.iter().zip(&r.belongs_to_spans) {
            if !known.contains(&b.target.as_str()) {
                unknown(
                    sink,
                    span.clone(),
                    format!("resources.{}.belongs_to.{}", name.value, b.names.snake),
                    &b.target,
                );
            }
        }
        for (target, span) in res.many_to_many.iter().zip(&r.many_to_many_spans) {
            let key = format!("resources.{}.many_to_many", name.value);
            if !known.contains(&target.as_str()) {
                unknown(sink, span.clone(), key, target);
            } else if *target == name.value {
                sink.push(
                    Diagnostic::new(
                        span.clone(),
                        key,
                        "a resource cannot be many-to-many with itself",
                    )
                    .found(format!("{target:?}")),
                );
            } else if resources
                .iter()
                .any(|(n, o)| n.value == *target && o.resource.many_to_many.contains(&name.value))
            {
                sink.push(
                    Diagnostic::new(
                        span.clone(),
                        key,
                        "this many-to-many is declared on both sides",
                    )
                    .found(format!("{target:?}"))
                    .help(format!(
                        "declare it once, on `{}` or on `{target}`",
                        name.value
                    )),
                );
            }
        }
        if let (Some(owner), Some(span)) = (&res.owner, &r.owner_span) {
            let key = format!("resources.{}.owner", name.value);
            if auth.mode == AuthMode::None {
                sink.push(
                    Diagnostic::new(span.clone(), key, "owners need auth mode \"jwt\"")
                        .help("set `[auth] mode = \"jwt\"` or remove `owner`"),
                );
            } else if let Some(problem) =
                owner_path_problem(res, &owner.path, resources, (span, &key))
            {
                sink.push(problem);
            }
        }
    }
    check_cycles(sink, resources);
}

fn check_cycles(sink: &mut Sink, resources: &[(At<String>, ReadResource)]) {
    // Depth-first search over required and optional foreign keys alike: tables in a cycle
    // cannot be created in any order. Each resource is entered once, so the search is
    // linear in resources and relations (following every path was exponential in a spec
    // whose resources each belong to several earlier ones); an edge back to a resource
    // still open closes a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let index: BTreeMap<&str, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.value.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = resources
        .iter()
        .map(|(n, r)| {
            r.resource
                .belongs_to
                .iter()
                .filter(|b| b.target != n.value)
                .filter_map(|b| index.get(b.target.as_str()).copied())
                .collect()
        })
        .collect();
    let mut mark = vec![Mark::New; resources.len()];
    for root in 0..resources.len() {
        if mark[root] != Mark::New {
            continue;
        }
        mark[root] = Mark::Open;
        // The open path: each resource with the index of its next edge to follow.
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&(node, next)) = path.last() {
            let Some(&to) = edges[node].get(next) else {
                mark[node] = Mark::Done;
                path.pop();
                continue;
            };
            if let Some(top) = path.last_mut() {
                top.1 += 1;
            }
            match mark[to] {
                Mark::New => {
                    mark[to] = Mark::Open;
                    path.push((to, 0));
                }
                Mark::Open => {
                    let from = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                    let cycle: Vec<usize> = path[from..].iter().map(|(n, _)| *n).collect();
                    report_cycle(sink, resources, &cycle);
                }
                Mark::Done => {}
            }
        }
    }
}

/// Reports a cycle at its alphabetically first member, followed from there.
fn report_cycle(sink: &mut Sink, resources: &[(At<String>, ReadResource)], cycle: &[usize]) {
    let name = |i: usize| resources[i].0.value.as_str();
    let first = (0..cycle.len())
        .min_by_key(|&k| name(cycle[k]))
        .unwrap_or(0);
    let mut names: Vec<&str> = cycle[first..]
        .iter()
        .chain(&cycle[..first])
        .map(|&i| name(i))
        .collect();
    let start = &resources[cycle[first]].0;
    names.push(&start.value);
    sink.push(
        Diagnostic::new(
            start.span.clone(),
            format!("resources.{}", start.value),
            "belongs_to relations form a cycle",
        )
        .found(names.join(" -> "))
        .help("break the cycle: tables in a cycle cannot be created or filled in any order"),
    );
}

/// What a name names, for messages and the rules that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameKind {
    Resource,
    Field,
    Relation,
    Event,
    Job,
}

impl NameKind {
    fn what(self) -> &'static str {
        match self {
            NameKind::Resource => "resource",
            NameKind::Field => "field",
            NameKind::Relation => "relation",
            NameKind::Event => "event",
            NameKind::Job => "job",
        }
    }
}

/// The shape every name must have: snake_case, at most `MAX_NAME` characters, and for a
/// field not a keyword that even a raw identifier cannot spell (`self`, `super`,
/// `crate`). Other keywords are fine: fields become raw identifiers and quoted columns,
/// resources and relations only ever appear inside longer identifiers. A job's name is its
/// module's, which cannot be renamed as a resource's is (its `kind` is stored in rows), so
/// a job may not take a name no resource module may take (`std`, a crate the service uses,
/// a generated module, a keyword). Each refusal offers a name that passes.
fn check_identifier(sink: &mut Sink, name: &At<String>, path: &str, kind: NameKind) {
    let Some((problem, suggestion)) = name_problem(&name.value, kind) else {
        return;
    };
    // Earlier versions refused only the keywords among a job's reserved names.
    let new_rule = kind == NameKind::Job
        && is_snake_identifier(&name.value)
        && name.value.len() <= MAX_NAME
        && !RUST_KEYWORDS.contains(&name.value.as_str());
    let mut d = Diagnostic::new(name.span.clone(), path, problem)
        .found(format!("{:?}", name.value))
        .allowed(format!(
            "snake_case: lowercase letters, digits and single underscores, starting with a letter, at most {MAX_NAME} characters"
        ));
    if let Some(s) = suggestion {
        d = d.help(format!("use `{s}`"));
    }
    if new_rule {
        sink.push_new_rule(d);
    } else {
        sink.push(d);
    }
}

/// What is wrong with `n` as the name of a `kind` (see [`check_identifier`]), and a name
/// near it that passes.
fn name_problem(n: &str, kind: NameKind) -> Option<(String, Option<String>)> {
    let what = kind.what();
    let usable = |c: &str| {
        is_snake_identifier(c)
            && c.len() <= MAX_NAME
            && !(kind == NameKind::Field && NOT_RAW.contains(&c))
            && !(kind == NameKind::Job && names::reserved_module(c).is_some())
    };
    Some(if !is_snake_identifier(n) {
        (
            format!("{} name must be snake_case", with_article(what)),
            snake_version(n)
                .map(|s| shortened(&s))
                .filter(|s| usable(s)),
        )
    } else if n.len() > MAX_NAME {
        (
            format!(
                "{} name can have at most {MAX_NAME} characters",
                with_article(what)
            ),
            Some(shortened(n)).filter(|s| usable(s)),
        )
    } else if kind == NameKind::Field && NOT_RAW.contains(&n) {
        (
            format!("`{n}` cannot name a field: Rust has no identifier for it, not even a raw one"),
            alternative(n, &alternatives_of(n), MAX_NAME, usable),
        )
    } else if kind == NameKind::Job
        && let Some(why) = names::reserved_module(n)
    {
        (
            format!(
                "`{n}` cannot name a job: it is {why}, and `src/jobs/handlers/mod.rs` declares the job's module by its name"
            ),
            alternative(n, &[format!("{n}_job")], MAX_NAME, usable),
        )
    } else {
        return None;
    })
}

/// The first `MAX_NAME` characters of a snake_case name, without a trailing `_`.
fn shortened(name: &str) -> String {
    name.chars()
        .take(MAX_NAME)
        .collect::<String>()
        .trim_end_matches('_')
        .to_string()
}

/// The hand-picked alternatives to a refused field name (see `FIELD_ALTERNATIVES`).
fn alternatives_of(name: &str) -> Vec<String> {
    FIELD_ALTERNATIVES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, alts)| alts.iter().map(|a| a.to_string()).collect())
        .unwrap_or_default()
}

/// A string value that must be one of a few words.
fn one_of(sink: &mut Sink, t: &Table<'_, '_>, key: &str, allowed: &[&str]) -> Option<String> {
    let v = t.string(sink, key)?;
    if allowed.contains(&v.value.as_str()) {
        return Some(v.value);
    }
    let mut d = Diagnostic::new(
        v.span,
        t.key_path(key),
        format!("invalid value for `{key}`"),
    )
    .found(format!("{:?}", v.value))
    .allowed(allowed.join(", "));
    if let Some(near) = suggest(&v.value, allowed) {
        d = d.help(format!("did you mean {near:?}?"));
    }
    sink.push(d);
    None
}

fn is_api_prefix(prefix: &str) -> bool {
    prefix.starts_with('/')
        && prefix[1..].split('/').all(|segment| {
            !segment.is_empty()
                && segment.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.'
                })
        })
}

/// Checks a project (crate) name; used for the CLI's NAME too.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        return Err(
            "invalid project name (use lowercase letters, digits, `-` and `_`, starting with a letter)"
                .into(),
        );
    }
    // The crate's library is in scope next to the service's crates and, in its tests,
    // next to generated modules, so it may not take their names either.
    let snake = name.replace('-', "_");
    if RUST_KEYWORDS.contains(&snake.as_str()) || RESERVED_MODULES.contains(&snake.as_str()) {
        return Err(format!(
            "a project name the generated code uses itself (try `{name}-service`)"
        ));
    }
    Ok(())
}
