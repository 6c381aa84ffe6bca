//! Reads a parsed TOML document into the typed `Spec`, checking everything a
//! spec can get wrong. All problems are collected; a `Spec` is returned only
//! when there are none.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::model::*;
use super::reader::{At, Number, Sink, Table, describe, suggest};
use crate::diagnostics::Diagnostic;
use crate::names::{Names, RUST_KEYWORDS, SQL_KEYWORDS, is_snake_identifier};

const TOP_KEYS: &[&str] = &["project", "auth", "rate_limit", "cache", "resources"];
const PROJECT_KEYS: &[&str] = &["name", "description", "api_prefix", "database"];
const AUTH_KEYS: &[&str] = &[
    "mode",
    "roles",
    "admin_role",
    "default_role",
    "access_token_minutes",
    "refresh_token_days",
    "password_min_length",
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
    "cache_ttl_seconds",
];
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
];
const BELONGS_TO_KEYS: &[&str] = &["resource", "required", "on_delete"];

/// The longest name the spec accepts: generated identifiers stay readable,
/// generated lines stay within rustfmt's width, and index names (`table_column_idx`)
/// within PostgreSQL's 63 bytes.
pub const MAX_NAME: usize = 30;

/// Columns and keys every resource gets; fields may not take these names.
pub const GENERATED_FIELDS: &[&str] = &["id", "created_at", "updated_at", "deleted_at", "version"];
/// List query parameters (CONTRACT.md section 3).
pub const QUERY_PARAMETERS: &[&str] = &["page", "limit", "cursor", "sort", "fields"];
/// Names the generated service uses for its own modules and routes.
const RESERVED_RESOURCES: &[&str] = &[
    "auth",
    "health",
    "metric",
    "openapi",
    "refresh_token",
    "session",
    "custom",
];
/// With jwt auth, accounts are rows of this resource (declared or not).
pub const ACCOUNT: &str = "user";
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
const RULE_WORDS: &[&str] = &["public", "authenticated", "owner"];

/// Parses and validates spec source text. `file` is only used in messages.
pub fn parse(source: &str) -> Result<Spec, Vec<Diagnostic>> {
    let document = DeTable::parse(source).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        vec![Diagnostic::new(
            span,
            "",
            format!("invalid TOML: {}", e.message().trim()),
        )]
    })?;
    let mut sink = Sink::default();
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
    let mut resources: Vec<Resource> = resources.into_iter().map(|(_, r)| r.resource).collect();
    if auth.mode == AuthMode::Jwt && !resources.iter().any(|r| r.names.snake == ACCOUNT) {
        resources.insert(0, implicit_account(&auth, &cache));
    }
    Some(Spec {
        project,
        auth,
        rate_limit,
        cache,
        resources,
    })
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
    };
    let Some(t) = top.table(sink, "auth", AUTH_KEYS) else {
        return auth;
    };
    if let Some(mode) = one_of(sink, &t, "mode", AuthMode::ALLOWED) {
        auth.mode = if mode == "jwt" {
            AuthMode::Jwt
        } else {
            AuthMode::None
        };
    }
    if let Some(roles) = t.strings(sink, "roles") {
        let mut seen = Vec::new();
        for role in &roles {
            let problem = if !is_snake_identifier(&role.value) {
                Some("a role must be a snake_case name")
            } else if RULE_WORDS.contains(&role.value.as_str()) {
                Some("this word is an access rule, not a role")
            } else if seen.contains(&role.value) {
                Some("duplicate role")
            } else {
                None
            };
            if let Some(problem) = problem {
                sink.push(
                    Diagnostic::new(role.span.clone(), t.key_path("roles"), problem)
                        .found(format!("{:?}", role.value)),
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
}

fn read_resource(
    sink: &mut Sink,
    name: &At<String>,
    value: &Spanned<DeValue<'_>>,
    auth: &Auth,
    cache: &Cache,
) -> Option<ReadResource> {
    let path = format!("resources.{}", name.value);
    check_identifier(sink, name, &path, "resource");
    if RESERVED_RESOURCES.contains(&name.value.as_str()) {
        sink.push(
            Diagnostic::new(
                name.span.clone(),
                &path,
                "this resource name is reserved by the generated service",
            )
            .found(format!("{:?}", name.value))
            .help(format!("not allowed: {}", RESERVED_RESOURCES.join(", "))),
        );
    }
    let t = Table::from_value(sink, value, &path, RESOURCE_KEYS)?;
    let plural = t.string(sink, "plural");
    if let Some(p) = &plural
        && (!is_snake_identifier(&p.value) || p.value == name.value)
    {
        sink.push(
            Diagnostic::new(p.span.clone(), t.key_path("plural"), "invalid plural")
                .found(format!("{:?}", p.value))
                .allowed("a snake_case name that differs from the singular"),
        );
    }
    let names = Names::new(&name.value, plural.as_ref().map(|p| p.value.as_str()));
    if RUST_KEYWORDS.contains(&names.plural_snake.as_str())
        || SQL_KEYWORDS.contains(&names.plural_snake.as_str())
    {
        sink.push(
            Diagnostic::new(
                name.span.clone(),
                &path,
                "the plural of this name is a Rust or SQL keyword",
            )
            .found(names.plural_snake.clone())
            .help("set `plural` to another word"),
        );
    }

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
    let mut fields = read_fields(sink, &t, &belongs_to);
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
        for f in &fields {
            if AUTH_USER_FIELDS.contains(&f.names.snake.as_str()) {
                let span = t
                    .raw("fields")
                    .map(|v| v.span())
                    .unwrap_or(name.span.clone());
                sink.push(
                    Diagnostic::new(
                        span,
                        format!("{path}.fields.{}", f.names.snake),
                        "the jwt auth flow already gives users this field",
                    )
                    .found(f.names.snake.clone())
                    .help(format!(
                        "remove it; generated user fields: {}",
                        AUTH_USER_FIELDS.join(", ")
                    )),
                );
            }
        }
    }

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
            owner: owner.map(|o| o.value),
            cache_ttl_seconds,
        },
        belongs_to_spans,
        many_to_many_spans,
        owner_span,
    })
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
        check_identifier(sink, &name, &path, "relation");
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
        relations.push(BelongsTo {
            names: Names::new(&name.value, None),
            target,
            required,
            on_delete,
        });
        spans.push(target_span);
    }
    (relations, spans)
}

fn read_fields(sink: &mut Sink, t: &Table<'_, '_>, belongs_to: &[BelongsTo]) -> Vec<Field> {
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
    for (name, value) in ft.entries() {
        let path = ft.key_path(&name.value);
        check_identifier(sink, &name, &path, "field");
        let clash = if GENERATED_FIELDS.contains(&name.value.as_str()) {
            Some(format!("every resource already has `{}`", name.value))
        } else if QUERY_PARAMETERS.contains(&name.value.as_str()) {
            Some(format!("`{}` is a list query parameter", name.value))
        } else {
            belongs_to
                .iter()
                .find(|b| format!("{}_id", b.names.snake) == name.value)
                .map(|b| format!("the relation `{}` already adds this column", b.names.snake))
        };
        if let Some(clash) = clash {
            sink.push(
                Diagnostic::new(
                    name.span.clone(),
                    &path,
                    "this field name is taken by a generated one",
                )
                .found(name.value.clone())
                .help(clash),
            );
        }
        if let Some(field) = read_field(sink, &name, value, &path) {
            fields.push(field);
        }
    }
    fields
}

fn read_field(
    sink: &mut Sink,
    name: &At<String>,
    value: &Spanned<DeValue<'_>>,
    path: &str,
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
    })
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
        if !is_snake_identifier(&v.value) {
            sink.push(
                Diagnostic::new(v.span.clone(), t.key_path("values"), "invalid enum value")
                    .found(format!("{:?}", v.value))
                    .allowed("snake_case words such as \"in_stock\""),
            );
        } else if out.contains(&v.value) {
            sink.push(
                Diagnostic::new(v.span.clone(), t.key_path("values"), "duplicate enum value")
                    .found(format!("{:?}", v.value)),
            );
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
    let fail = |sink: &mut Sink, allowed: &str| {
        sink.push(
            Diagnostic::new(
                value.span(),
                t.key_path(key),
                format!("invalid `{key}` for a {} field", ty.spec_name()),
            )
            .found(describe_value(value.get_ref()))
            .allowed(allowed.to_string()),
        );
        None
    };
    match (ty, number) {
        (FieldType::Integer, Some(Number::Integer(i))) if i32::try_from(i).is_ok() => {
            Some(Bound::Integer(i))
        }
        (FieldType::Integer, _) => fail(sink, "a whole number that fits in 32 bits"),
        (FieldType::BigInteger, Some(Number::Integer(i))) => Some(Bound::Integer(i)),
        (FieldType::BigInteger, _) => fail(sink, "a whole number"),
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
    let wrong = |sink: &mut Sink, allowed: String| {
        sink.push(
            Diagnostic::new(
                value.span(),
                &key,
                format!("invalid default for a {} field", ty.spec_name()),
            )
            .found(describe_value(value.get_ref()))
            .allowed(allowed),
        );
        None
    };
    let literal = match (ty, value.get_ref()) {
        (FieldType::String | FieldType::Text, DeValue::String(s)) => Literal::String(s.to_string()),
        (FieldType::Enum { values }, DeValue::String(s)) => {
            if !values.iter().any(|v| v == s.as_ref()) {
                return wrong(
                    sink,
                    values
                        .iter()
                        .map(|v| format!("{v:?}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
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

pub fn bound_value(b: &Bound) -> f64 {
    match b {
        Bound::Integer(i) => *i as f64,
        Bound::Float(f) => *f,
        Bound::Decimal(d) => d.parse().unwrap_or(0.0),
    }
}

pub fn bound_text(b: &Bound) -> String {
    match b {
        Bound::Integer(i) => i.to_string(),
        Bound::Float(f) => format!("{f:?}"),
        Bound::Decimal(d) => d.clone(),
    }
}

/// Canonical text of a plain decimal (`-12.50`), or None for anything else
/// (exponents, `inf`, `nan`, stray characters).
pub(crate) fn parse_decimal(text: &str) -> Option<String> {
    let t = text.trim().replace('_', "");
    let body = t.strip_prefix(['-', '+']).unwrap_or(&t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (t.contains('.') && frac.is_empty()) {
        return None;
    }
    Some(
        t.strip_prefix('+')
            .map_or_else(|| t.clone(), str::to_string),
    )
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
            .filter_map(|r| read_rule(sink, &format!("{path}{key}"), r, auth))
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

fn read_rule(sink: &mut Sink, path: &str, rule: At<String>, auth: &Auth) -> Option<Rule> {
    let parsed = match rule.value.as_str() {
        "public" => Rule::Public,
        "authenticated" => Rule::Authenticated,
        "owner" => Rule::Owner,
        role if auth.roles.iter().any(|r| r == role) => Rule::Role(role.to_string()),
        other => {
            let mut allowed: Vec<&str> = RULE_WORDS.to_vec();
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
            .help("set `[auth] mode = \"jwt\"` to use authenticated, owner and role rules"),
        );
        return None;
    }
    Some(parsed)
}

/// Numeric fields get `xMin`/`xMax` list filters and dates `xAfter`/`xBefore`
/// (CONTRACT.md section 3); a field whose own name is one of those would make
/// the query string ambiguous.
fn check_filter_clashes(sink: &mut Sink, t: &Table<'_, '_>, fields: &[Field]) {
    let mut generated: BTreeMap<String, String> = BTreeMap::new();
    for stem in ["created_at", "updated_at"] {
        let base = stem.trim_end_matches("_at");
        generated.insert(format!("{base}_after"), stem.to_string());
        generated.insert(format!("{base}_before"), stem.to_string());
    }
    for f in fields {
        let (a, b) = if f.ty.is_numeric() {
            ("min", "max")
        } else if f.ty.is_temporal() {
            ("after", "before")
        } else {
            continue;
        };
        let base = f.names.snake.strip_suffix("_at").unwrap_or(&f.names.snake);
        for suffix in [a, b] {
            generated.insert(format!("{base}_{suffix}"), f.names.snake.clone());
        }
    }
    for f in fields {
        if let Some(source) = generated.get(&f.names.snake)
            && *source != f.names.snake
        {
            let span = t
                .raw("fields")
                .and_then(|v| v.get_ref().get(f.names.snake.as_str()).map(|x| x.span()))
                .unwrap_or(t.span.clone());
            sink.push(
                Diagnostic::new(
                    span,
                    format!("{}.fields.{}", t.path, f.names.snake),
                    "this field name clashes with a generated list filter",
                )
                .found(f.names.camel.clone())
                .help(format!(
                    "`?{}=` already filters on `{source}`; rename the field",
                    f.names.camel
                )),
            );
        }
    }
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
    let mut plurals: BTreeMap<&str, &At<String>> = BTreeMap::new();
    for (name, r) in resources {
        if let Some(first) = plurals.insert(&r.resource.names.plural_snake, name) {
            sink.push(
                Diagnostic::new(
                    name.span.clone(),
                    format!("resources.{}", name.value),
                    "two resources have the same table name",
                )
                .found(r.resource.names.plural_snake.clone())
                .help(format!(
                    "`{}` uses it too; set `plural` on one of them",
                    first.value
                )),
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
            match res.belongs_to.iter().find(|b| b.names.snake == *owner) {
                _ if auth.mode == AuthMode::None => sink.push(
                    Diagnostic::new(span.clone(), key, "owners need auth mode \"jwt\"")
                        .help("set `[auth] mode = \"jwt\"` or remove `owner`"),
                ),
                Some(b) if b.target == "user" => {}
                Some(b) => sink.push(
                    Diagnostic::new(
                        span.clone(),
                        key,
                        "the owner relation must point to the user resource",
                    )
                    .found(format!("{owner:?} belongs to {:?}", b.target)),
                ),
                None => sink.push(
                    Diagnostic::new(span.clone(), key, "unknown relation")
                        .found(format!("{owner:?}"))
                        .allowed(
                            res.belongs_to
                                .iter()
                                .map(|b| b.names.snake.clone())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                ),
            }
        }
    }
    check_cycles(sink, resources);
}

fn check_cycles(sink: &mut Sink, resources: &[(At<String>, ReadResource)]) {
    // Depth-first search over required and optional foreign keys alike:
    // tables in a cycle cannot be created in any order.
    let edges = |name: &str| -> Vec<String> {
        resources
            .iter()
            .find(|(n, _)| n.value == name)
            .map(|(_, r)| {
                r.resource
                    .belongs_to
                    .iter()
                    .filter(|b| b.target != name)
                    .map(|b| b.target.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    for (start, _) in resources {
        let mut stack = vec![(start.value.clone(), vec![start.value.clone()])];
        while let Some((node, path)) = stack.pop() {
            for next in edges(&node) {
                if next == start.value {
                    // Report each cycle once, at its alphabetically first member.
                    if path.iter().all(|p| *p >= start.value) {
                        sink.push(
                            Diagnostic::new(start.span.clone(), format!("resources.{}", start.value), "belongs_to relations form a cycle")
                                .found(format!("{} -> {}", path.join(" -> "), start.value))
                                .help("break the cycle: tables in a cycle cannot be created or filled in any order"),
                        );
                    }
                } else if !path.contains(&next) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next, p));
                }
            }
        }
    }
}

fn check_identifier(sink: &mut Sink, name: &At<String>, path: &str, what: &str) {
    let problem = if !is_snake_identifier(&name.value) {
        Some(format!("a {what} name must be snake_case"))
    } else if name.value.len() > MAX_NAME {
        Some(format!(
            "a {what} name can have at most {MAX_NAME} characters"
        ))
    } else if RUST_KEYWORDS.contains(&name.value.as_str()) {
        Some(format!("a {what} name cannot be a Rust keyword"))
    } else if SQL_KEYWORDS.contains(&name.value.as_str()) && what == "field" {
        // Only fields become bare columns: resources become plural tables
        // (checked separately) and relations `{name}_id` columns.
        Some(format!("a {what} name cannot be an SQL keyword"))
    } else {
        None
    };
    if let Some(problem) = problem {
        sink.push(
            Diagnostic::new(name.span.clone(), path, problem)
                .found(format!("{:?}", name.value))
                .allowed("snake_case: lowercase letters, digits and single underscores, starting with a letter; not a Rust or SQL keyword"),
        );
    }
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
        return Err("invalid project name".into());
    }
    let snake = name.replace('-', "_");
    if RUST_KEYWORDS.contains(&snake.as_str())
        || ["test", "std", "core", "alloc", "proc_macro"].contains(&snake.as_str())
    {
        return Err(format!("`{name}` cannot be a crate name"));
    }
    Ok(())
}
