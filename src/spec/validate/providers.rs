//! `[auth.providers.NAME]`: the OpenID Connect providers accounts sign in with, and what a
//! first sign-in copies into a new account (`account_claims`).

use heck::{ToKebabCase, ToShoutySnakeCase, ToTitleCase};

use crate::diagnostics::Diagnostic;
use crate::names::is_snake_identifier;
use crate::spec::model::*;
use crate::spec::reader::{Sink, Table, one_of};

use super::accounts::AUTH_USER_FIELDS;
use super::keys::PROVIDER_KEYS;

/// The longest provider name: it is a path segment and an environment variable's middle.
const MAX_PROVIDER_NAME: usize = 32;

/// Reads `providers`, `link_verified_email` and `account_claims` of `[auth]` (`t`).
pub(super) fn read_providers(sink: &mut Sink, t: &Table<'_, '_>, auth: &mut Auth) {
    if let Some(v) = t.boolean(sink, "link_verified_email") {
        auth.link_verified_email = v.value;
    }
    if let Some(claims) = t.table(sink, "account_claims", &[]) {
        for (field, value) in claims.entries() {
            let Some(claim) = claims.string(sink, &field.value) else {
                continue;
            };
            if !PROFILE_CLAIMS.contains(&claim.value.as_str()) {
                sink.push(
                    Diagnostic::new(
                        value.span(),
                        claims.key_path(&field.value),
                        "not a profile claim of OpenID Connect",
                    )
                    .found(format!("{:?}", claim.value))
                    .allowed(PROFILE_CLAIMS.join(", ")),
                );
                continue;
            }
            auth.account_claims.push((field.value, claim.value));
        }
    }
    let Some(providers) = t.table(sink, "providers", &[]) else {
        return;
    };
    for (name, value) in providers.entries() {
        let path = providers.key_path(&name.value);
        if name.value == "confirm" {
            sink.push(
                Diagnostic::new(name.span.clone(), path.clone(), "`confirm` is a route's")
                    .found("\"confirm\"")
                    .help("`POST /auth/me/providers/confirm` confirms links; name the provider otherwise, e.g. \"confirm_id\""),
            );
            continue;
        }
        if !is_snake_identifier(&name.value) || name.value.len() > MAX_PROVIDER_NAME {
            sink.push(
                Diagnostic::new(name.span.clone(), path.clone(), "not a provider name")
                    .found(format!("{:?}", name.value))
                    .allowed(format!(
                        "a snake_case name of at most {MAX_PROVIDER_NAME} characters, e.g. \"google\" or \"corp_sso\""
                    )),
            );
            continue;
        }
        let Some(table) = Table::from_value(sink, value, &path, PROVIDER_KEYS) else {
            continue;
        };
        if let Some(provider) = read_provider(sink, &table, &name.value) {
            auth.providers.push(provider);
        }
    }
    if auth.providers.is_empty() {
        sink.push(
            Diagnostic::new(providers.span.clone(), t.key_path("providers"), "no providers")
                .help("declare one, e.g. `[auth.providers.google] preset = \"google\"`, or remove `providers`"),
        );
    }
}

fn read_provider(sink: &mut Sink, t: &Table<'_, '_>, name: &str) -> Option<Provider> {
    let preset = one_of(sink, t, "preset", Preset::ALLOWED).map(|p| match p.as_str() {
        "google" => Preset::Google,
        "microsoft" => Preset::Microsoft,
        _ => Preset::Keycloak,
    });
    let issuer = match t.string(sink, "issuer") {
        Some(issuer) if is_issuer(&issuer.value) => Some(issuer.value),
        Some(issuer) => {
            sink.push(
                Diagnostic::new(issuer.span, t.key_path("issuer"), "not an issuer URL")
                    .found(format!("{:?}", issuer.value))
                    .allowed("an https URL without a query or fragment, e.g. \"https://idp.example.com\" (http only for localhost)"),
            );
            return None;
        }
        None => preset.and_then(Preset::issuer).map(str::to_owned),
    };
    if issuer.is_none() && preset.is_none() {
        sink.push(
            Diagnostic::new(t.span.clone(), t.path.clone(), "the provider has no issuer").allowed(
                format!(
                    "`issuer = \"https://…\"`, or `preset` = {}",
                    Preset::ALLOWED.join(", ")
                ),
            ),
        );
        return None;
    }
    let mut scopes = vec![
        "openid".to_owned(),
        "email".to_owned(),
        "profile".to_owned(),
    ];
    if let Some(asked) = t.strings(sink, "scopes") {
        scopes = vec!["openid".to_owned()];
        for scope in asked {
            let sane = !scope.value.is_empty()
                && scope.value.len() <= 64
                && scope
                    .value
                    .chars()
                    .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
            if !sane {
                sink.push(
                    Diagnostic::new(scope.span, t.key_path("scopes"), "not a scope")
                        .found(format!("{:?}", scope.value))
                        .allowed("a word of printable characters without quotes or spaces, e.g. \"email\""),
                );
            } else if !scopes.contains(&scope.value) {
                scopes.push(scope.value);
            }
        }
    }
    let title = match t.string(sink, "title") {
        Some(title)
            if (1..=40).contains(&title.value.chars().count())
                && !title
                    .value
                    .chars()
                    .any(|c| c.is_control() || c == '"' || c == '\\') =>
        {
            title.value
        }
        Some(title) => {
            sink.push(
                Diagnostic::new(title.span, t.key_path("title"), "title out of range")
                    .found(format!("{:?}", title.value))
                    .allowed(
                        "1 to 40 characters, without quotes, backslashes or control characters",
                    ),
            );
            return None;
        }
        None => preset.map_or_else(|| name.to_title_case(), |p| p.title().to_owned()),
    };
    Some(Provider {
        name: name.to_owned(),
        kebab: name.to_kebab_case(),
        env: format!("OIDC_{}_", name.to_shouty_snake_case()),
        title,
        issuer,
        preset,
        scopes,
    })
}

/// An issuer is an https URL with no query or fragment (OpenID Connect Discovery 1.0, 2);
/// http is allowed for a provider on this machine, as in development and tests.
fn is_issuer(url: &str) -> bool {
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .map(|rest| rest.split(['/', ':']).next().unwrap_or_default());
    let allowed = match host {
        Some("localhost" | "127.0.0.1") => true,
        Some(host) => url.starts_with("https://") && !host.is_empty(),
        None => false,
    };
    allowed && !url.contains(['?', '#', ' ', '"', '\\']) && url.len() <= 512
}

/// A first sign-in creates an account from the ID token: every account field it must fill
/// (required, without a default) needs a claim in `account_claims`, and each claim a string
/// field of the account to go to.
pub(super) fn check_account_claims(
    sink: &mut Sink,
    top: &Table<'_, '_>,
    auth: &Auth,
    account: &Resource,
) {
    if !auth.has_providers() {
        if let Some(auth_table) = top.raw("auth") {
            if auth.account_claims.is_empty() {
                return;
            }
            sink.push(
                Diagnostic::new(
                    auth_table.span(),
                    "auth.account_claims",
                    "`account_claims` needs a provider",
                )
                .help("declare `[auth.providers.NAME]`, or remove `account_claims`"),
            );
        }
        return;
    }
    let span = top.raw("auth").map(|v| v.span()).unwrap_or(0..0);
    for (field, _) in &auth.account_claims {
        let found = account.fields.iter().find(|f| f.names.snake == *field);
        let fits = found.is_some_and(|f| matches!(f.ty, FieldType::String | FieldType::Text));
        if !fits {
            let strings: Vec<&str> = account
                .fields
                .iter()
                .filter(|f| matches!(f.ty, FieldType::String | FieldType::Text))
                .filter(|f| !AUTH_USER_FIELDS.contains(&f.names.snake.as_str()))
                .map(|f| f.names.snake.as_str())
                .collect();
            sink.push(
                Diagnostic::new(
                    span.clone(),
                    format!("auth.account_claims.{field}"),
                    "not a string field of the account",
                )
                .found(format!("{field:?}"))
                .allowed(if strings.is_empty() {
                    "none: the account has no string fields".to_owned()
                } else {
                    strings.join(", ")
                }),
            );
        }
    }
    for field in &account.fields {
        let name = field.names.snake.as_str();
        let needed = field.required && field.default.is_none() && !AUTH_USER_FIELDS.contains(&name);
        if needed && !auth.account_claims.iter().any(|(f, _)| f == name) {
            sink.push(
                Diagnostic::new(span.clone(), "auth.account_claims", format!("a first sign-in with a provider cannot fill `{name}`"))
                    .help(format!(
                        "name the claim it takes, e.g. `account_claims = {{ {name} = \"name\" }}`, or give `{name}` a default or `required = false`"
                    ))
                    .allowed(PROFILE_CLAIMS.join(", ")),
            );
        }
    }
}
