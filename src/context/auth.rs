//! The jwt flow's context: the account resource, sample credentials and the account docs'
//! register example.

use serde::Serialize;

use crate::names::{Names, with_article};
use crate::spec::{ACCOUNT, Auth, AuthMode, Spec};

use super::ResourceContext;
use super::access_tests::unwritable_on_create;

#[derive(Debug, Serialize)]
pub struct AuthContext {
    /// The spec's `[auth]` (roles, token lifetimes, password policy).
    #[serde(flatten)]
    pub settings: Auth,
    pub login_per_minute: u32,
    /// `[rate_limit] per_tenant_per_minute`, 0 without one: the default of
    /// `TENANT_RATE_LIMIT_PER_MINUTE`.
    pub tenant_per_minute: u32,
    /// The user resource's names, collection URL and position among the resources.
    pub account: Names,
    pub account_url: String,
    pub account_index: usize,
    /// A password that meets the policy, for generated tests.
    pub sample_password: String,
    /// Some field of the account resource has rules of its own: registration and `/auth/me`
    /// go through them.
    pub account_field_rules: bool,
    /// Some field of the account resource is hidden from some callers: `/auth/me` and
    /// registration's answer show the account as its owner may see it.
    pub account_read_rules: bool,
    /// The register example of the generated `docs/access.md`: a JSON body with the
    /// account's required fields (each its first sample), the email among them, and
    /// `sample_password`.
    pub register_example: String,
    /// The email of `register_example`, for the login and `grant-role` examples.
    pub sample_email: String,
    /// The placeholders of `register_example` for the account's required parents, each with
    /// what to put there ("TEAM-ID: the id of a team (`POST /v1/teams`)").
    pub register_parents: Vec<String>,
    /// With accounts in another service (`auth.accounts`): its variant of the generated
    /// `remote::Service`, which `src/auth/mod.rs` asks who a token's bearer is.
    pub accounts_variant: Option<String>,
    /// And the variable that says where it is (`SERVICE_URL_ACCOUNTS`).
    pub accounts_variable: Option<String>,
    /// `[auth] account_claims` by the fields' JSON keys: (key, claim), what a first sign-in
    /// with a provider puts in the new account's body.
    pub claim_keys: Vec<(String, String)>,
}

/// The register example of the generated `docs/access.md` for `account`: `None` without auth.
impl AuthContext {
    /// The jwt flow's context, `None` with auth mode `none`; `resources` are the
    /// resources' contexts, the account's among them.
    pub(super) fn new(spec: &Spec, resources: &[ResourceContext]) -> Option<Self> {
        if spec.auth.mode != AuthMode::Jwt {
            return None;
        }
        let api_prefix = &spec.project.api_prefix;
        let account_resource = spec.resource(ACCOUNT);
        let account =
            account_resource.map_or_else(|| Names::new(ACCOUNT, None), |r| r.names.clone());
        let any_field = |check: &dyn Fn(&crate::spec::Field) -> bool| {
            account_resource.is_some_and(|r| r.fields.iter().any(check))
        };
        let mut auth = Self {
            account_field_rules: any_field(&|f| f.access.is_restricted()),
            account_read_rules: any_field(&|f| f.access.read.is_some()),
            settings: spec.auth.clone(),
            login_per_minute: spec.rate_limit.login_per_minute,
            tenant_per_minute: spec.rate_limit.per_tenant_per_minute.unwrap_or(0),
            account_url: format!("{api_prefix}/{}", account.plural_kebab),
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
            accounts_variant: spec.auth.accounts.as_deref().map(super::remote::variant),
            accounts_variable: spec
                .auth
                .accounts
                .as_deref()
                .map(crate::spec::Reference::url_variable),
            claim_keys: spec
                .auth
                .account_claims
                .iter()
                .filter_map(|(field, claim)| {
                    let found = account_resource?
                        .fields
                        .iter()
                        .find(|f| f.names.snake == *field)?;
                    Some((found.names.camel.clone(), claim.clone()))
                })
                .collect(),
        };
        if let Some(account) = resources.iter().find(|r| r.account)
            && let Some(example) = register_example(account, &auth, &registrant_unwritable(spec))
        {
            auth.register_example = example.body;
            auth.sample_email = example.email;
            auth.register_parents = example.parents;
        }
        Some(auth)
    }
}

/// The keys of the account's sample bodies a new account may not write (none without an
/// account resource).
pub(super) fn registrant_unwritable(spec: &Spec) -> Vec<String> {
    spec.resource(ACCOUNT)
        .map(|r| {
            let registrant = Some(spec.auth.registrant());
            unwritable_on_create(&spec.auth, r, &registrant, true)
        })
        .unwrap_or_default()
}

/// The register example of the generated `docs/access.md` for `account`, leaving out
/// the keys in `unwritable`.
fn register_example(
    account: &ResourceContext,
    auth: &AuthContext,
    unwritable: &[String],
) -> Option<RegisterExample> {
    let mut pairs = Vec::new();
    let mut email = String::new();
    for field in &account.fields {
        let key = &field.names.camel;
        let needed = field.required && field.default_rust.is_none() && !field.write_never;
        if !needed || unwritable.contains(key) {
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
        if !parent.required || parent.owner || unwritable.contains(&parent.json) {
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

/// The register example of the generated `docs/access.md` (see `AuthContext::register_example`).
struct RegisterExample {
    body: String,
    email: String,
    parents: Vec<String>,
}

/// A password of at least `min` characters (and at least 16), for generated tests.
pub(super) fn sample_password(min: u32) -> String {
    let mut password = String::from("correct-horse-7");
    while password.chars().count() < (min as usize).max(16) {
        password.push('x');
    }
    password
}
