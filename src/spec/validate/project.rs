//! The project-wide tables: `[project]`, `[auth]`, `[rate_limit]` and `[cache]`.

use super::keys::{AUTH_KEYS, CACHE_KEYS, PROJECT_KEYS, RATE_LIMIT_KEYS};
use crate::diagnostics::Diagnostic;
use crate::names::{RESERVED_MODULES, RUST_KEYWORDS, is_snake_identifier, snake_version};
use crate::spec::model::is_service_name;
use crate::spec::model::*;
use crate::spec::reader::{Sink, Table, one_of};
use crate::spec::words::RULE_WORDS;

pub(super) fn read_project(sink: &mut Sink, top: &Table<'_, '_>) -> Project {
    let mut project = Project {
        name: None,
        description: String::new(),
        api_prefix: "/v1".into(),
        database: Database::Sqlite,
        public_url: None,
        workspace: false,
        graphql: false,
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
    if let Some(url) = t.string(sink, "public_url") {
        if is_public_url(&url.value) {
            project.public_url = Some(url.value);
        } else {
            sink.push(
                Diagnostic::new(url.span, t.key_path("public_url"), "invalid public URL")
                    .found(format!("{:?}", url.value))
                    .allowed("an https URL such as \"https://api.example.com\", percent-encoded, without a trailing `/`"),
            );
        }
    }
    if let Some(member) = t.boolean(sink, "workspace") {
        project.workspace = member.value;
    }
    if let Some(graphql) = t.boolean(sink, "graphql") {
        project.graphql = graphql.value;
    }
    if let Some(db) = one_of(sink, &t, "database", Database::ALLOWED) {
        project.database = match db.as_str() {
            "postgres" => Database::Postgres,
            _ => Database::Sqlite,
        };
    }
    project
}

pub(super) fn read_auth(sink: &mut Sink, top: &Table<'_, '_>) -> Auth {
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
        personal_email: false,
        accounts: None,
        providers: Vec::new(),
        link_verified_email: true,
        account_claims: Vec::new(),
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
    if let Some(v) = t.boolean(sink, "personal_email") {
        auth.personal_email = v.value;
    }
    read_accounts_service(sink, &t, &mut auth);
    super::providers::read_providers(sink, &t, &mut auth);
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

/// The keys about signing in, which the service that holds the accounts answers for.
pub const SIGN_IN_KEYS: &[&str] = &[
    "access_token_minutes",
    "refresh_token_days",
    "password_min_length",
    "registration",
    "require_verified_email",
    "personal_email",
    "providers",
    "link_verified_email",
    "account_claims",
];

/// `accounts = "SERVICE"`: another service holds the accounts and issues the tokens, so the
/// keys about signing in are that service's, and naming one here is refused.
fn read_accounts_service(sink: &mut Sink, t: &Table<'_, '_>, auth: &mut Auth) {
    let Some(service) = t.string(sink, "accounts") else {
        return;
    };
    if !is_service_name(&service.value) {
        sink.push(
            Diagnostic::new(service.span, t.key_path("accounts"), "not a service's name")
                .found(format!("{:?}", service.value))
                .allowed(
                    "the crate name of the service that holds the accounts, e.g. \"accounts\"",
                ),
        );
        return;
    }
    for (key, value) in t.entries() {
        if SIGN_IN_KEYS.contains(&key.value.as_str()) {
            sink.push(
                Diagnostic::new(
                    value.span(),
                    t.key_path(&key.value),
                    format!(
                        "`{}` is about signing in, which {:?} does",
                        key.value, service.value
                    ),
                )
                .found(format!("`accounts = {:?}`", service.value))
                .help(format!(
                    "set `{}` in {:?}'s spec, or remove `accounts` to keep the accounts here",
                    key.value, service.value
                )),
            );
        }
    }
    auth.accounts = Some(service.value);
}

pub(super) fn read_rate_limit(sink: &mut Sink, top: &Table<'_, '_>) -> RateLimit {
    let mut limit = RateLimit {
        requests_per_minute: 300,
        burst: 60,
        login_per_minute: 10,
        trusted_proxies: Vec::new(),
        per_tenant_per_minute: None,
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
    if let Some(v) = t.integer(sink, "per_tenant_per_minute", 1, 1_000_000) {
        if top.raw("tenancy").is_some() {
            limit.per_tenant_per_minute = Some(v.value as u32);
        } else {
            sink.push(
                Diagnostic::new(
                    v.span,
                    t.key_path("per_tenant_per_minute"),
                    "a budget per tenant needs tenants",
                )
                .allowed("this key with a `[tenancy]` table")
                .help("add `[tenancy]`, or remove `per_tenant_per_minute`"),
            );
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

pub(super) fn read_cache(sink: &mut Sink, top: &Table<'_, '_>) -> Cache {
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

/// An https URL (reviewers refuse a plain-http server), written as a URI, naming a host.
fn is_public_url(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with('/')
            && !url.ends_with('/')
            && url.chars().all(super::values::is_uri_char)
    })
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
    if locked_package(&snake) {
        return Err(format!(
            "a project name that is also a crate the generated code builds with: its lock would \
             hold two packages of that name, and builds with `--locked` fail (try `{name}-service`)"
        ));
    }
    Ok(())
}

/// The pinned locks of every generated crate: the services' and the gateway's.
const PINNED_LOCKS: [&str; 2] = [
    include_str!("../../../templates/service/Cargo.lock.tera"),
    include_str!("../../../templates/gateway.Cargo.lock"),
];

/// Whether a package of the pinned locks has the library name `snake`.
fn locked_package(snake: &str) -> bool {
    PINNED_LOCKS
        .iter()
        .flat_map(|lock| crate::lock_file::packages(lock))
        // A crate from the registry, not the lock's own package.
        .filter(|package| package.registry)
        .any(|package| package.name.replace('-', "_") == snake)
}
