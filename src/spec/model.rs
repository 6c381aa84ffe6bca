//! The typed, validated spec. Rendering only ever sees these types: a value
//! of `Spec` has passed every check in `validate`.

use std::collections::{BTreeMap, BTreeSet};

use crate::names::Names;

// Validation reads the model through a glob: the field types are part of it.
pub use super::database::Database;
pub use super::field_type::FieldType;

#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub project: Project,
    pub auth: Auth,
    pub rate_limit: RateLimit,
    pub cache: Cache,
    /// In the order the spec declares them. Not to be changed once the spec is
    /// built: `index` is computed from them.
    pub resources: Vec<Resource>,
    /// The kinds of background job (`[jobs.NAME]`), in the order the spec declares them.
    pub jobs: Vec<Job>,
    /// `[services.NAME]`: the spec split into services, in the order it declares them;
    /// empty for a spec of one service.
    pub services: Vec<ServiceGroup>,
    /// `[replicas.NAME]`: rows of other services kept here by their events, in the order the
    /// spec declares them.
    pub replicas: Vec<Replica>,
    /// `[tenancy]`: whose rows are tenants and which resources they share; `None` for a
    /// spec of one tenant.
    pub tenancy: Option<Tenancy>,
    index: Index,
}

/// Rows of another service that this one keeps a copy of (`[replicas.order]`), filled by
/// that service's events (`order.created`, `order.updated`, `order.deleted`) through the
/// inbox: the ids, and each row's owner when `owner` names its owner relation. A
/// `belongs_to` to it is checked on write against the copy instead of by a call, and an
/// owner path may go through it (`owner = "order.customer"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Replica {
    /// The other service's resource, as it names it (`order`): the events' prefix.
    pub names: Names,
    /// The owning service's crate name (`orders`).
    pub service: String,
    /// The resource's owner relation there (`customer`), kept beside each id.
    pub owner: Option<Names>,
}

impl Replica {
    /// Its table here: `replica_` and the resource's default plural (`replica_orders`).
    pub fn table(&self) -> String {
        format!("replica_{}", self.names.plural_snake)
    }

    /// The events that keep it: created and deleted, and updated when an owner can change.
    pub fn event_types(&self) -> Vec<String> {
        let mut steps = vec!["created", "deleted"];
        if self.owner.is_some() {
            steps.insert(1, "updated");
        }
        steps
            .into_iter()
            .map(|step| format!("{}.{step}", self.names.snake))
            .collect()
    }
}

/// One service of a split spec (`[services.NAME]`): its resources and jobs, which live in
/// its own database and crate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServiceGroup {
    /// Its crate name (`orders`): how other services, events and URLs name it.
    pub name: String,
    pub description: Option<String>,
    /// Its resources' snake names, in the order the spec declares the resources.
    pub resources: Vec<String>,
    /// Its jobs' names: those it lists, and those that hear only its resources' events.
    pub jobs: Vec<String>,
}

/// Lookups that would otherwise scan every resource, built once, so generating
/// a service takes time linear in its resources (with scans it was quadratic).
#[derive(Debug, Clone, Default, PartialEq)]
struct Index {
    /// Each resource's position in `resources`, by snake name.
    position: BTreeMap<String, usize>,
    /// For each resource (by position): the belongs-to relations that point at
    /// it, as (declaring resource's position, relation's position), in spec order.
    references: Vec<Vec<(usize, usize)>>,
    /// For each resource: the positions of the resources that declare a
    /// many-to-many with it, in spec order, once each.
    linked_from: Vec<Vec<usize>>,
}

impl Index {
    fn new(resources: &[Resource]) -> Self {
        let mut position = BTreeMap::new();
        for (i, r) in resources.iter().enumerate() {
            // The first of two equal names wins, as a scan would find it.
            position.entry(r.names.snake.clone()).or_insert(i);
        }
        let mut references = vec![Vec::new(); resources.len()];
        let mut linked_from: Vec<Vec<usize>> = vec![Vec::new(); resources.len()];
        for (i, r) in resources.iter().enumerate() {
            for (j, b) in r.belongs_to.iter().enumerate() {
                if let Some(&parent) = position.get(&b.target) {
                    references[parent].push((i, j));
                }
            }
            for t in &r.many_to_many {
                if let Some(&target) = position.get(t)
                    && linked_from[target].last() != Some(&i)
                {
                    linked_from[target].push(i);
                }
            }
        }
        Self {
            position,
            references,
            linked_from,
        }
    }
}

impl Spec {
    pub fn new(
        project: Project,
        auth: Auth,
        rate_limit: RateLimit,
        cache: Cache,
        resources: Vec<Resource>,
        jobs: Vec<Job>,
    ) -> Self {
        Self {
            index: Index::new(&resources),
            project,
            auth,
            rate_limit,
            cache,
            resources,
            jobs,
            services: Vec::new(),
            replicas: Vec::new(),
            tenancy: None,
        }
    }

    /// The replica (`[replicas.NAME]`) named `snake`.
    pub fn replica(&self, snake: &str) -> Option<&Replica> {
        self.replicas.iter().find(|r| r.names.snake == snake)
    }

    pub fn resource(&self, snake: &str) -> Option<&Resource> {
        self.position(snake).and_then(|i| self.resources.get(i))
    }

    /// The other services whose events some job or replica listens to, each with those
    /// event types: what the inbox subscribes to. Sorted, each once.
    pub fn heard(&self) -> BTreeMap<&str, BTreeSet<String>> {
        let mut sources: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for heard in self.jobs.iter().flat_map(Job::heard) {
            sources
                .entry(heard.source)
                .or_default()
                .insert(heard.event_type.to_owned());
        }
        for replica in &self.replicas {
            sources
                .entry(replica.service.as_str())
                .or_default()
                .extend(replica.event_types());
        }
        if let Some(accounts) = self.erasure_heard_from() {
            sources.entry(accounts).or_default().insert(format!(
                "{}.{}",
                super::words::ACCOUNT,
                ERASED
            ));
        }
        sources
    }

    /// The service whose accounts own rows here (`auth.accounts`), where erasing one of them
    /// changes something here: rows to delete or clear (`on_erase`), or personal values to
    /// take out of the events kept. This service hears that service's `user.erased`.
    pub fn erasure_heard_from(&self) -> Option<&str> {
        let accounts = self.auth.accounts.as_deref()?;
        self.resources
            .iter()
            .any(|r| {
                r.owner.is_some()
                    && (r.on_erase != OnErase::Keep || r.personal_in_events().next().is_some())
            })
            .then_some(accounts)
    }

    /// The other services this one calls, each once, sorted: those whose rows some field
    /// refers to (`references`), and the one whose accounts sign in here (`auth.accounts`).
    pub fn referenced_services(&self) -> BTreeSet<&str> {
        self.resources
            .iter()
            .flat_map(|r| &r.fields)
            .filter_map(|f| f.references.as_ref())
            .map(|reference| reference.service.as_str())
            .chain(self.auth.accounts.as_deref())
            .collect()
    }

    /// Where the resource named `snake` is in `resources`.
    pub fn position(&self, snake: &str) -> Option<usize> {
        self.index.position.get(snake).copied()
    }

    /// The belongs-to relations that point at `parent`, in spec order, each as
    /// the position of the resource that declares it and the relation's position
    /// in that resource's `belongs_to`.
    pub fn references_to(&self, parent: &str) -> &[(usize, usize)] {
        self.position(parent)
            .and_then(|i| self.index.references.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// The positions of the resources that declare a many-to-many with `target`.
    pub fn linked_from(&self, target: &str) -> &[usize] {
        self.position(target)
            .and_then(|i| self.index.linked_from.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether any field is personal data (`personal = true`), or was and may still hold
    /// sealed values (`Field::sealed_before`): the service then has a key ring, which it
    /// checks at start-up.
    pub fn has_personal(&self) -> bool {
        self.resources
            .iter()
            .any(|r| r.fields.iter().any(Field::opened))
    }

    /// Whether any resource is audited (the service then keeps `audit_log`).
    pub fn audited(&self) -> bool {
        self.resources.iter().any(|r| r.audit)
    }

    /// Whether any resource emits domain events (the service then has an outbox).
    pub fn emits_events(&self) -> bool {
        self.resources.iter().any(|r| !r.events.is_empty())
    }

    /// Whether the service has webhooks: events to send, and admins (jwt) to manage the
    /// subscriptions.
    pub fn webhooks(&self) -> bool {
        self.emits_events() && self.auth.mode == AuthMode::Jwt
    }

    /// Whether the service has a job queue: jobs of the spec's, webhook deliveries, or the
    /// jwt flow's mail (verification and password reset).
    pub fn has_job_queue(&self) -> bool {
        !self.jobs.is_empty() || self.webhooks() || self.has_accounts() || self.has_files()
    }

    /// Whether some resource has a file field: its old objects are deleted by jobs.
    pub fn has_files(&self) -> bool {
        self.resources.iter().any(|r| r.files().next().is_some())
    }

    /// The service of a split spec that holds `resource`.
    pub fn service_of(&self, resource: &str) -> Option<&ServiceGroup> {
        self.services
            .iter()
            .find(|s| s.resources.iter().any(|r| r == resource))
    }

    /// The service of a split spec that holds the accounts (with jwt, the one with `user`).
    pub fn accounts_service(&self) -> Option<&ServiceGroup> {
        (self.auth.mode == AuthMode::Jwt)
            .then(|| self.service_of(super::words::ACCOUNT))
            .flatten()
    }

    /// Whether accounts sign up and sign in here (jwt, and no `accounts` service named).
    pub fn has_accounts(&self) -> bool {
        self.auth.mode == AuthMode::Jwt && self.auth.accounts.is_none()
    }

    /// The resources whose rows an account owns, directly or through parents, in spec order:
    /// what an account's export holds here (the account's own row is the document's `account`).
    pub fn exported(&self) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(|r| self.is_exported(r))
    }

    /// Whether an account's export holds `r`'s rows: accounts own them, and `r` is not the
    /// account itself (the document's `account`).
    pub fn is_exported(&self, r: &Resource) -> bool {
        r.owner.is_some() && !self.is_account(r)
    }

    /// Whether this service answers an account's export: the whole of it (the accounts are
    /// here) or its part of a split's.
    pub fn exports(&self) -> bool {
        self.has_accounts() || self.exports_part()
    }

    /// Whether an account's export holds `r`'s many-to-many links: `r`'s rows are in it, or
    /// `r` is the account itself (the document's `account`).
    pub fn links_exported(&self, r: &Resource) -> bool {
        self.is_exported(r) || self.is_account(r)
    }

    /// The many-to-many links with an account on one side (`(declaring, target)`): the ones
    /// the accounts declare (the tags a user follows), then the ones declared towards them
    /// (a club's members). The account's tombstone outlives an erasure, so they do not die
    /// with its row.
    pub fn account_links(&self) -> impl Iterator<Item = (&Resource, &Resource)> {
        self.resources
            .iter()
            .filter(|r| self.is_account(r))
            .flat_map(move |account| {
                let declared = (account.many_to_many.iter())
                    .filter_map(move |target| self.resource(target))
                    .map(move |target| (account, target));
                let towards = (self.linked_from(&account.names.snake).iter())
                    .map(move |&i| (&self.resources[i], account));
                declared.chain(towards)
            })
    }

    /// The many-to-many links a resource outside the export declares towards one in it, or
    /// towards the account (`(declaring, exported)`): an account's export holds them beside
    /// its rows' own, read from the exported side.
    pub fn links_into_export(&self) -> impl Iterator<Item = (&Resource, &Resource)> {
        self.resources
            .iter()
            .filter(|r| self.exports() && self.links_exported(r))
            .flat_map(move |r| {
                self.linked_from(&r.names.snake)
                    .iter()
                    .map(|&i| &self.resources[i])
                    .filter(|source| !self.links_exported(source))
                    .map(move |source| (source, r))
            })
    }

    /// Whether this service answers its part of an account's export, the accounts being
    /// another service's (`auth.accounts`): it holds rows they own. The gateway of a split
    /// gathers the parts (`src/gateway/export.rs`).
    pub fn exports_part(&self) -> bool {
        self.auth.mode == AuthMode::Jwt
            && self.auth.accounts.is_some()
            && self.exported().next().is_some()
    }

    /// Whether `b`'s parent rows are another service's: the accounts of `auth.accounts`,
    /// which only an owner relation names, or a replica's. No foreign key, no routes under
    /// the parent; an owner a body names is checked by a call there, a replica's row in
    /// its copy here.
    pub fn is_remote(&self, b: &BelongsTo) -> bool {
        (self.auth.accounts.is_some() && b.target == super::words::ACCOUNT)
            || self.replica(&b.target).is_some()
    }

    /// Whether each row of `r` belongs to one tenant (`[tenancy]`): its table has a
    /// `tenant_id`, and every query of it is scoped to the caller's tenant.
    pub fn is_per_tenant(&self, r: &Resource) -> bool {
        self.tenancy
            .as_ref()
            .is_some_and(|t| t.is_per_tenant(&r.names.snake))
    }

    /// The resource whose rows are the tenants, under `[tenancy]`.
    pub fn tenant_resource(&self) -> Option<&Resource> {
        self.tenancy.as_ref().and_then(|t| self.resource(&t.tenant))
    }

    /// Whether rows of `r` are the tenants of this service's accounts: creating one makes its
    /// creator a member (`src/auth/tenancy.rs` in the service).
    pub fn is_tenant(&self, r: &Resource) -> bool {
        self.has_accounts()
            && self
                .tenant_resource()
                .is_some_and(|t| t.names.snake == r.names.snake)
    }

    /// Whether rows of `r` are the accounts of the jwt flow (they sign in).
    pub fn is_account(&self, r: &Resource) -> bool {
        self.has_accounts() && r.names.snake == super::words::ACCOUNT
    }

    /// Whether `f` is the accounts' email made personal (`[auth] personal_email`): its blind
    /// index is the HMAC of the address in lower case, as sign-in and uniqueness compare
    /// addresses whatever the case of their letters.
    pub fn is_personal_account_email(&self, r: &Resource, f: &Field) -> bool {
        f.personal && self.is_account(r) && f.names.snake == "email"
    }

    /// Resources ordered so that every table comes after the tables it
    /// references (validation has rejected cycles).
    ///
    /// The order is that of passes over the spec, each taking, in spec order,
    /// every resource whose parents are taken already: a resource comes in the
    /// pass after its latest parent's when that parent is declared after it,
    /// else in the same pass. Passes are computed in one topological walk
    /// (Kahn's algorithm) instead of being run, which took time cubic in the
    /// resources for a spec that declares children before parents.
    pub fn creation_order(&self) -> Vec<&Resource> {
        let parents = |i: usize| {
            let r = &self.resources[i];
            r.belongs_to
                .iter()
                .filter(move |b| b.target != r.names.snake && !self.is_remote(b))
        };
        let mut waiting: Vec<usize> = (0..self.resources.len())
            .map(|i| parents(i).count())
            .collect();
        let mut ready: Vec<usize> = (0..self.resources.len())
            .filter(|&i| waiting[i] == 0)
            .collect();
        let mut pass = vec![0; self.resources.len()];
        let mut taken = Vec::new();
        while let Some(i) = ready.pop() {
            pass[i] = parents(i)
                .filter_map(|b| self.position(&b.target))
                .map(|q| pass[q] + usize::from(q > i))
                .max()
                .unwrap_or(0);
            taken.push(i);
            let name = &self.resources[i].names.snake;
            for &(child, _) in self.references_to(name) {
                if child != i {
                    waiting[child] -= 1;
                    if waiting[child] == 0 {
                        ready.push(child);
                    }
                }
            }
        }
        // A resource in a cycle (or below one) is never ready, as in the passes. Under
        // `[tenancy]` the rows every tenant shares come first: the tenants' table is the
        // parent of every per-tenant one, and validation keeps shared rows from naming
        // per-tenant ones, so each group keeps its own order.
        taken.sort_by_key(|&i| (self.is_per_tenant(&self.resources[i]), pass[i], i));
        taken.into_iter().map(|i| &self.resources[i]).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub name: Option<String>,
    pub description: String,
    /// `/v1` by default; always starts with `/` and has no trailing `/`.
    pub api_prefix: String,
    pub database: Database,
    /// Where the service is reached in production (`public_url`, an https URL): the OpenAPI
    /// document's server; without it, the relative `/`.
    pub public_url: Option<String>,
    /// A member of the Cargo workspace in the folder above (`workspace = true`, which a split
    /// writes into each service's spec): its lock, build profiles and image are the
    /// workspace's, so the service has none of its own.
    pub workspace: bool,
    /// `/graphql` beside the REST routes (`graphql = true`), over the same services.
    pub graphql: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    None,
    Jwt,
}

impl AuthMode {
    pub const ALLOWED: &'static [&'static str] = &["none", "jwt"];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::None => "none",
            AuthMode::Jwt => "jwt",
        }
    }
}

/// What `POST /auth/register` answers for an email that already has an account
/// (`auth.registration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    /// 201 for a new account, 409 for a taken email: simple for clients, and it tells
    /// anyone which emails have accounts.
    Open,
    /// 202 either way, and the owner of a taken email gets a mail instead: nobody learns
    /// from the answer whether an account exists.
    Quiet,
}

impl Registration {
    pub const ALLOWED: &'static [&'static str] = &["open", "quiet"];
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Auth {
    pub mode: AuthMode,
    /// Role names; the admin role is always among them.
    pub roles: Vec<String>,
    pub admin_role: String,
    pub default_role: String,
    pub access_token_minutes: u32,
    pub refresh_token_days: u32,
    pub password_min_length: u32,
    pub registration: Registration,
    /// Whether an account must confirm its email before it may sign in.
    pub require_verified_email: bool,
    /// Whether the accounts' emails are personal data (`personal_email = true`): sealed at
    /// rest like a `personal` field, found at sign-in and kept unique through the blind index
    /// of the address in lower case.
    pub personal_email: bool,
    /// The service whose accounts sign in here (`accounts = "SERVICE"`): it issues the tokens,
    /// this service verifies them and asks it who each caller is now. `None`: the accounts
    /// are this service's own.
    pub accounts: Option<String>,
    /// The OpenID Connect providers accounts may sign in with (`[auth.providers.NAME]`), in
    /// spec order.
    pub providers: Vec<Provider>,
    /// Whether a first sign-in with a provider joins the existing account whose email the
    /// provider says is verified and equal (`link_verified_email`, on by default).
    pub link_verified_email: bool,
    /// The account fields a first sign-in fills from the ID token's claims
    /// (`account_claims = { display_name = "name" }`), as (field, claim). Templates read
    /// them cased, as `auth.claim_keys`.
    #[serde(skip)]
    pub account_claims: Vec<(String, String)>,
}

/// An OpenID Connect provider (`[auth.providers.NAME]`): the service signs accounts in
/// through it with the authorization code flow, PKCE, `state` and `nonce`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Provider {
    /// The spec's key, snake_case: the `provider` column of the accounts' identities.
    pub name: String,
    /// The path segment (`/auth/providers/{kebab}`).
    pub kebab: String,
    /// The environment variables' prefix, `OIDC_{SHOUTY}_`.
    pub env: String,
    /// How the provider is named to people (`Google`, `Corp`).
    pub title: String,
    /// The issuer; `None` when only the environment can tell it (a Keycloak realm, a
    /// Microsoft tenant): `OIDC_{SHOUTY}_ISSUER` then, which may override any issuer.
    pub issuer: Option<String>,
    /// Read into `issuer` and `title`; the templates need nothing more of it.
    #[serde(skip)]
    pub preset: Option<Preset>,
    /// The scopes asked for; `openid` is always among them.
    pub scopes: Vec<String>,
}

/// Providers whose issuer or settings backend-gen knows (`preset = "google"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Google,
    Microsoft,
    Keycloak,
}

impl Preset {
    pub const ALLOWED: &'static [&'static str] = &["google", "microsoft", "keycloak"];

    /// The issuer every client of the provider shares, if there is one: Microsoft's names
    /// the directory (tenant) and Keycloak's the server and realm, which are the team's.
    pub fn issuer(self) -> Option<&'static str> {
        match self {
            Self::Google => Some("https://accounts.google.com"),
            Self::Microsoft | Self::Keycloak => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Google => "Google",
            Self::Microsoft => "Microsoft",
            Self::Keycloak => "Keycloak",
        }
    }

    /// Where the team finds the issuer the environment must give, for the docs.
    pub fn issuer_hint(self) -> &'static str {
        match self {
            Self::Google => "https://accounts.google.com",
            Self::Microsoft => "https://login.microsoftonline.com/TENANT_ID/v2.0",
            Self::Keycloak => "https://keycloak.example.com/realms/REALM",
        }
    }
}

/// The standard claims (OpenID Connect Core 1.0, 5.1) a first sign-in may copy into the
/// account's string fields.
pub const PROFILE_CLAIMS: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
];

impl Auth {
    /// Whether accounts may sign in with an identity provider.
    pub fn has_providers(&self) -> bool {
        !self.providers.is_empty()
    }

    /// Who passes `rules`, in words for docs and the OpenAPI document. The admin role passes
    /// every rule, so it is named too.
    pub fn who_passes(&self, rules: &[Rule]) -> String {
        if rules.contains(&Rule::Public) {
            return "anyone".into();
        }
        if rules.contains(&Rule::Authenticated) {
            return "signed-in callers".into();
        }
        let mut others = Vec::new();
        if rules.contains(&Rule::Verified) {
            others.push("signed-in callers whose email is verified".to_string());
        }
        if rules.contains(&Rule::Owner) {
            others.push("the row's owner".to_string());
        }
        let admin = self.admin_role.as_str();
        let mut roles: Vec<&str> = rules
            .iter()
            .filter_map(|rule| match rule {
                Rule::Role(role) => Some(role.as_str()),
                _ => None,
            })
            .collect();
        if !roles.contains(&admin) {
            roles.push(admin);
        }
        others.push(format!("callers with the role {}", roles.join(" or ")));
        others.join(" or ")
    }

    /// A registration as access rules see it: a new account, with the default role and an
    /// email not verified yet.
    pub fn registrant(&self) -> Signed<'_> {
        Signed {
            roles: vec![self.default_role.as_str()],
            verified: false,
        }
    }

    /// Whether `rules` let through `caller` (`None`: anonymous) when it owns the row if
    /// `owns`, as the generated `access.rs` decides.
    pub fn passes(&self, rules: &[Rule], caller: Option<&Signed<'_>>, owns: bool) -> bool {
        let Some(caller) = caller else {
            return rules.contains(&Rule::Public);
        };
        caller.roles.contains(&self.admin_role.as_str())
            || rules.iter().any(|rule| match rule {
                Rule::Public | Rule::Authenticated => true,
                Rule::Verified => caller.verified,
                Rule::Owner => owns,
                Rule::Role(role) => caller.roles.contains(&role.as_str()),
            })
    }
}

/// A signed-in caller as access rules see it: the roles its account holds, and whether its
/// token says its email is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    pub roles: Vec<&'a str>,
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    pub requests_per_minute: u32,
    pub burst: u32,
    pub login_per_minute: u32,
    pub trusted_proxies: Vec<String>,
    /// With `[tenancy]`: requests a minute that the sessions acting in one tenant share, on
    /// top of each caller's own budget (`per_tenant_per_minute`); `None`, no such budget.
    pub per_tenant_per_minute: Option<u32>,
}

/// `[tenancy]` (issue 76, docs/decisions/tenancy.md): every row of a per-tenant resource
/// belongs to one tenant, a row of the `tenant` resource, and no request or query crosses
/// from one tenant to another.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tenancy {
    /// Snake name of the resource whose rows are the tenants (`tenant = "organization"`).
    pub tenant: String,
    /// Snake names of the resources every tenant shares (`global`, reference data), in spec
    /// order.
    pub global: Vec<String>,
}

impl Tenancy {
    /// Whether each row of `resource` belongs to one tenant: every resource but the tenants,
    /// the accounts (an account is a member of several) and the global ones.
    pub fn is_per_tenant(&self, resource: &str) -> bool {
        resource != self.tenant
            && resource != super::words::ACCOUNT
            && !self.global.iter().any(|g| g == resource)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cache {
    pub ttl_seconds: u32,
    pub max_entries: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub names: Names,
    pub description: String,
    pub fields: Vec<Field>,
    pub belongs_to: Vec<BelongsTo>,
    /// Snake names of the resources this one links to; the join table and
    /// routes live on this (the declaring) side.
    pub many_to_many: Vec<String>,
    pub soft_delete: bool,
    pub versioned: bool,
    pub timestamps: bool,
    pub access: Access,
    /// Who owns each row, for `owner` access rules.
    pub owner: Option<Owner>,
    pub cache_ttl_seconds: u32,
    /// The resource's earlier name (`renamed_from`): `backend-gen update` renames its
    /// table (and its children's foreign-key columns) instead of dropping it.
    pub renamed_from: Option<String>,
    /// The domain events its writes emit (`[resources.NAME.events]`), by name.
    pub events: Vec<Event>,
    /// Filters with a sort other than the default that its lists accept
    /// (`list_combinations`), each served by an index of its own.
    pub list_combinations: Vec<ListCombination>,
    /// What erasing an account does to the rows it owns (`on_erase`); `Delete` where the
    /// resource has no owner, which erasure never reaches.
    pub on_erase: OnErase,
    /// Whether every write to its rows leaves an audit row (`audit = true`), in the write's
    /// transaction.
    pub audit: bool,
}

/// What a list may do with a field or a relation's foreign key (the spec's `filter` and
/// `sort`, with their defaults applied).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListUse {
    /// `?key=value` (and its range filters while the list is sorted by it).
    pub filter: bool,
    /// `?sort=key`.
    pub sort: bool,
}

impl ListUse {
    /// Both, as ids, unique fields, foreign keys and enums have unless the spec says otherwise.
    pub const BOTH: Self = Self {
        filter: true,
        sort: true,
    };
}

/// A declared access path: equality filters on these columns with this sort
/// (`{ filter = ["status"], sort = "total" }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCombination {
    /// Field and relation names (snake case), in spec order of the declaration, each once.
    pub filter: Vec<String>,
    /// A field or relation name, `id`, `created_at` or `updated_at`; `created_at` unless
    /// given (`id` without timestamps).
    pub sort: String,
}

/// A domain event a resource emits: `{resource}.{name}` (`payment.completed`), written to
/// the outbox in the transaction of the write that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Snake case: `created`, `completed`.
    pub name: String,
    pub trigger: Trigger,
}

/// A kind of background job (`[jobs.NAME]`). The service runs it from its durable queue;
/// its handler, `src/jobs/handlers/NAME.rs`, is the team's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Snake case (`send_receipt`): the handler's module, and the `kind` of its rows.
    pub name: String,
    /// The events that enqueue it, one job per event: the spec's own (`payment.completed`),
    /// added in the transaction that relays the event, and other services'
    /// (`billing.invoice.paid`: [`Heard`]), added by the inbox as each arrives.
    pub on: Vec<String>,
    /// Runs before the job is dead (kept for inspection, retried by an admin).
    pub max_attempts: u32,
    /// How long one run may take before it counts as failed.
    pub timeout_secs: u32,
}

impl Job {
    /// The other services' events it listens to.
    pub fn heard(&self) -> impl Iterator<Item = Heard<'_>> {
        self.on.iter().filter_map(|event| Heard::parse(event))
    }

    pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
    pub const DEFAULT_TIMEOUT_SECS: u32 = 60;
    /// The kind of the service's own webhook deliveries, which no spec job may take.
    pub const WEBHOOK_DELIVERY: &'static str = "webhook_delivery";
    /// The kind of the jwt flow's mail (verification, password reset), likewise reserved.
    pub const ACCOUNT_MAIL: &'static str = "account_mail";
    /// The kind that prepares an account's export (`POST /auth/me/exports`), likewise.
    pub const ACCOUNT_EXPORT: &'static str = "account_export";
    /// The kind that deletes a replaced or removed file's object, likewise.
    pub const FILE_REMOVAL: &'static str = "remove_file";
    /// Every kind the service itself may run.
    pub const RESERVED: &'static [&'static str] = &[
        Self::WEBHOOK_DELIVERY,
        Self::ACCOUNT_MAIL,
        Self::ACCOUNT_EXPORT,
        Self::FILE_REMOVAL,
    ];
}

/// An event of another service, `SERVICE.RESOURCE.EVENT` in a job's `on`
/// (`billing.invoice.paid`): what a service generated from a spec named `billing` publishes
/// to the subject `billing.invoice.paid` (its `EVENTS_SUBJECT_PREFIX`, then the event type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Heard<'a> {
    /// The service that publishes it (`billing`), the subject's first segment.
    pub source: &'a str,
    /// Its type there (`invoice.paid`).
    pub event_type: &'a str,
}

impl<'a> Heard<'a> {
    /// The generated service's variable that sets the subject prefix `source` publishes
    /// under (`EVENTS_FROM_MY_SHOP` for `my-shop`).
    pub fn prefix_variable(source: &str) -> String {
        format!(
            "EVENTS_FROM_{}",
            heck::ToShoutySnakeCase::to_shouty_snake_case(source)
        )
    }

    /// Three segments: a crate name, then a snake-case resource and event; anything else is
    /// no other service's event.
    pub fn parse(text: &'a str) -> Option<Self> {
        let (source, event_type) = text.split_once('.')?;
        let segments = [
            source,
            event_type.split_once('.')?.0,
            event_type.split_once('.')?.1,
        ];
        // The source is a crate name (`my-shop`), the default prefix of its subjects.
        (is_service_name(segments[0]) && segments[1..].iter().all(|s| is_snake_word(s)))
            .then_some(Self { source, event_type })
    }
}

/// Whether `s` names another service as the spec does: its crate name (`my-shop`).
pub(crate) fn is_service_name(s: &str) -> bool {
    is_lower_name(s, true)
}

/// Whether `s` is a snake-case name (`order_item`), as another service's resource or event.
fn is_snake_word(s: &str) -> bool {
    is_lower_name(s, false)
}

fn is_lower_name(s: &str, dash: bool) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (dash && c == '-'))
}

/// A row of another service that a uuid field holds the id of (`references =
/// "warehouse.shipment"`). There is no foreign key, since the row lives in another database:
/// a write that sets the field asks the owning service, `GET {its URL}/shipments/{id}` with the
/// caller's token, whether the row is there for the caller to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The owning service's crate name (`warehouse`, `my-shop`).
    pub service: String,
    /// The resource there, snake case (`shipment`); its path is its default plural
    /// (`/shipments`), as a generated service names it.
    pub resource: String,
}

impl Reference {
    /// `SERVICE.RESOURCE`: a crate name, then a snake-case resource; anything else is no
    /// resource of another service.
    pub fn parse(text: &str) -> Option<Self> {
        let (service, resource) = text.split_once('.')?;
        (is_service_name(service) && is_snake_word(resource)).then(|| Self {
            service: service.to_owned(),
            resource: resource.to_owned(),
        })
    }

    /// The generated service's variable that says where `service` is, its API prefix
    /// included (`SERVICE_URL_MY_SHOP=http://my-shop:8080/v1` for `my-shop`).
    pub fn url_variable(service: &str) -> String {
        format!(
            "SERVICE_URL_{}",
            heck::ToShoutySnakeCase::to_shouty_snake_case(service)
        )
    }
}

/// What makes a resource emit an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// Every create (`created = true`).
    Created,
    /// Every update, whatever it changes (`updated = true`).
    Updated,
    /// Every delete, soft or hard (`deleted = true`).
    Deleted,
    /// The account's erasure (`erased = true`, on the accounts' resource only): other
    /// services that keep rows the account owns hear it and erase them.
    Erased,
    /// A write that leaves the enum `field` at `value` when it was not before: an update
    /// that moves it there, or a create that starts there
    /// (`completed = { when = "status", becomes = "succeeded" }`).
    Becomes { field: String, value: String },
}

/// The accounts' event of an erasure (`user.erased`), which other services hear.
pub const ERASED: &str = "erased";

impl Trigger {
    /// The event names that mean a lifecycle step of any resource (`name = true`); with
    /// [`ERASED`], the accounts' own, any other name is a transition.
    pub const LIFECYCLE: &'static [&'static str] = &["created", "updated", "deleted"];

    pub fn lifecycle(name: &str) -> Option<Self> {
        Some(match name {
            "created" => Trigger::Created,
            "updated" => Trigger::Updated,
            "deleted" => Trigger::Deleted,
            ERASED => Trigger::Erased,
            _ => return None,
        })
    }
}

impl Resource {
    /// Its file fields (`type = "file"`): in the row's representation, never in a body.
    pub fn files(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.ty.file().is_some())
    }

    /// Its fields a body writes and lists may filter by: all but the files.
    pub fn value_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.ty.file().is_none())
    }

    /// The account's personal fields its tombstone clears: all but the email (personal with
    /// `[auth] personal_email`), which the tombstone replaces.
    pub fn cleared_by_tombstone(&self) -> impl Iterator<Item = &Field> + '_ {
        self.fields
            .iter()
            .filter(|f| f.personal && f.names.snake != "email")
    }

    /// The personal fields its events carry (`in_events`), where it emits any: the values an
    /// erasure takes out of the outbox and the job queue.
    pub fn personal_in_events(&self) -> impl Iterator<Item = &Field> + '_ {
        let emits = self.row_events().next().is_some();
        self.fields
            .iter()
            .filter(move |f| emits && f.personal && f.in_events)
    }

    /// The events its rows' writes emit: all but the accounts' `erased`, which the erasure
    /// records once for the account (its data the id alone).
    pub fn row_events(&self) -> impl Iterator<Item = &Event> + '_ {
        self.events.iter().filter(|e| e.trigger != Trigger::Erased)
    }

    /// Every access rule it names: its actions' and its fields'.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> + '_ {
        let actions = self
            .access
            .by_action()
            .into_iter()
            .flat_map(|(_, rules)| rules);
        let fields = self.fields.iter().flat_map(|f| {
            let write = match &f.access.write {
                FieldWrite::Rules(rules) => rules.as_slice(),
                _ => &[],
            };
            f.access.read.iter().flatten().chain(write)
        });
        actions.chain(fields)
    }

    /// The type of its event `event` (`payment.completed`).
    pub fn event_type(&self, event: &Event) -> String {
        format!("{}.{}", self.names.snake, event.name)
    }

    /// The types of every event it emits.
    pub fn event_types(&self) -> impl Iterator<Item = String> + '_ {
        self.events.iter().map(|e| self.event_type(e))
    }

    /// Whether `relation` holds the row's owner directly (from the caller's token, unless a
    /// role in `owner_set_by` names another user).
    pub fn is_owner(&self, relation: &BelongsTo) -> bool {
        self.owner
            .as_ref()
            .and_then(Owner::relation)
            .is_some_and(|owner| owner == relation.names.snake)
    }
}

/// The spec's `owner`: the relations from a row to the user who owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// Relation names (snake case), each one a `belongs_to` of the previous one's target:
    /// `["customer"]` for `owner = "customer"`, `["order", "customer"]` for
    /// `owner = "order.customer"` (the row belongs to whoever owns its order).
    pub path: Vec<String>,
    /// Roles that may name another user as the owner in a body (`owner_set_by`); admins
    /// always may. Only for a direct owner.
    pub set_by: Vec<String>,
}

impl Owner {
    /// The relation holding the owner, when it is on the row itself.
    pub fn relation(&self) -> Option<&str> {
        match self.path.as_slice() {
            [relation] => Some(relation),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub names: Names,
    pub description: String,
    pub ty: FieldType,
    pub required: bool,
    pub unique: bool,
    pub default: Option<Literal>,
    pub rules: Rules,
    /// Who may see and write this field, where the spec narrows the resource's rules.
    pub access: FieldAccess,
    /// The field's earlier name (`renamed_from`): `backend-gen update` renames that
    /// column instead of dropping it and adding this one. Nothing else reads it.
    pub renamed_from: Option<String>,
    /// Whether lists may filter and sort by it.
    pub list: ListUse,
    /// The row of another service it holds the id of (a uuid field's `references`).
    pub references: Option<Reference>,
    /// Personal data (`personal = true`): stored encrypted under the service's key ring,
    /// compared through a keyed blind index, never sorted, and left out of events.
    pub personal: bool,
    /// A personal field that its resource's events carry all the same (`in_events = true`),
    /// for a consumer that needs the value (a shipping service, the address).
    pub in_events: bool,
    /// Was personal in an earlier version of the project and is plain now: its column may
    /// still hold sealed values (until the service has started once, or written by an
    /// instance of the earlier version still serving), which the service opens as it reads
    /// and unseals as it starts. Never in a spec: `update` sets it from the spec it replaces
    /// and from `.backend-gen/generated.toml`, which keeps it from one update to the next.
    pub sealed_before: bool,
}

impl Field {
    /// A personal field's blind index column (`{name}_hmac`): a keyed hash of the value,
    /// which equality filters and uniqueness compare instead of the plaintext. Only a
    /// personal field that is unique or filtered has one.
    pub fn blind_index(&self) -> Option<String> {
        (self.personal && (self.unique || self.list.filter))
            .then(|| format!("{}_hmac", self.names.snake))
    }

    /// Whether its stored values may be sealed: a personal field's are, and a field that
    /// was personal may still hold some (`sealed_before`). Read through the key ring.
    pub fn opened(&self) -> bool {
        self.personal || self.sealed_before
    }

    /// The most characters a client may write into it: its `max_length`, else, for a
    /// textual field, the contract's default (docs/contract.md, "Representations"). Only
    /// the spec's own bound sizes a PostgreSQL column; the default is checked on writes.
    pub fn max_length(&self) -> Option<u32> {
        self.rules
            .max_length
            .or_else(|| self.ty.is_textual().then_some(Rules::DEFAULT_MAX_LENGTH))
    }
}

/// A field's own rules (the spec's `read`, `write` and `write_denied`). They narrow the
/// resource's: a caller must first pass the resource's rule for the action.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldAccess {
    /// Who sees the key; `None`: whoever may read the row.
    pub read: Option<Vec<Rule>>,
    pub write: FieldWrite,
    /// What a body from a caller who may not write the field gets.
    pub denied: Denied,
}

impl FieldAccess {
    /// Whether the field narrows its resource's rules at all.
    pub fn is_restricted(&self) -> bool {
        self.read.is_some() || self.write != FieldWrite::Row
    }
}

/// Who may write a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FieldWrite {
    /// Whoever may create or update the row (no `write`).
    #[default]
    Row,
    /// Callers passing these rules, on create and update (`write = ["staff"]`).
    Rules(Vec<Rule>),
    /// Set once, by whoever creates the row; never changed through the API
    /// (`write = "create"`).
    Create,
    /// Never through the API: only the team's rules code or jobs set it (`write = "none"`).
    None,
}

impl FieldWrite {
    /// The words `write` takes besides access rules.
    pub const WORDS: &'static [&'static str] = &["create", "none"];
}

/// What happens when a body sets a field its caller may not write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Denied {
    /// 422 naming the field (`write_denied = "reject"`, the default).
    #[default]
    Reject,
    /// The value is dropped: a create gets the field's default, an update keeps the
    /// stored value (`write_denied = "ignore"`).
    Ignore,
}

impl Denied {
    pub const ALLOWED: &'static [&'static str] = &["reject", "ignore"];
}

/// A default value, already checked against its field's type and rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Integer(i64),
    Float(f64),
    /// Exact decimal text, e.g. `19.99`.
    Decimal(String),
    Boolean(bool),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub min: Option<Bound>,
    pub max: Option<Bound>,
    pub format: Option<Format>,
    pub pattern: Option<String>,
}

impl Rules {
    /// The longest string a client may write where the spec sets no `max_length`.
    pub const DEFAULT_MAX_LENGTH: u32 = 10_000;
}

/// A numeric limit in its field's own type.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    Integer(i64),
    Float(f64),
    /// Exact decimal text.
    Decimal(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Email,
    Url,
}

impl Format {
    pub const ALLOWED: &'static [&'static str] = &["email", "url"];
}

#[derive(Debug, Clone, PartialEq)]
pub struct BelongsTo {
    /// Relation name: the foreign key is `{name}_id`.
    pub names: Names,
    /// Snake name of the parent resource.
    pub target: String,
    pub required: bool,
    pub on_delete: OnDelete,
    /// Whether lists may filter and sort by its foreign key.
    pub list: ListUse,
    /// In a split spec, how a relation to another service's resource is checked
    /// (`check = "replica"`); `Call` when the spec does not say.
    pub check: Check,
    /// One row at most per parent (`unique = true`, one-to-one): a unique foreign key, the
    /// parent's nested route and GraphQL field a single row.
    pub unique: bool,
}

/// How a relation to a row of another service is checked on write (issue 40).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Check {
    /// A call to the owning service with the caller's token: exact, one call per write.
    #[default]
    Call,
    /// A copy of the rows' ids (and owners) that the owning service's events keep here:
    /// no call, and owner paths may go through it, but a row made a moment ago may not be
    /// here yet.
    Replica,
}

impl Check {
    pub const ALLOWED: &'static [&'static str] = &["call", "replica"];
}

/// What erasing an account (the right to erasure) does to a row it owns: `delete` it,
/// `anonymize` it (its personal fields cleared, the row kept: orders kept for accounting), or
/// `keep` it as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnErase {
    #[default]
    Delete,
    Anonymize,
    Keep,
}

impl OnErase {
    pub const ALLOWED: &'static [&'static str] = &["delete", "anonymize", "keep"];

    /// The spec's word for it.
    pub fn word(self) -> &'static str {
        match self {
            OnErase::Delete => "delete",
            OnErase::Anonymize => "anonymize",
            OnErase::Keep => "keep",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    Cascade,
    Restrict,
    SetNull,
}

impl OnDelete {
    pub const ALLOWED: &'static [&'static str] = &["cascade", "restrict", "set_null"];

    /// The spec's word for it.
    pub fn word(self) -> &'static str {
        match self {
            OnDelete::Cascade => "cascade",
            OnDelete::Restrict => "restrict",
            OnDelete::SetNull => "set_null",
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "CASCADE",
            OnDelete::Restrict => "RESTRICT",
            OnDelete::SetNull => "SET NULL",
        }
    }
}

/// Who may do each action on a resource. A rule passes when any of its
/// alternatives does; the admin role passes every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Access {
    pub list: Vec<Rule>,
    pub read: Vec<Rule>,
    pub create: Vec<Rule>,
    pub update: Vec<Rule>,
    pub delete: Vec<Rule>,
}

impl Access {
    pub const ACTIONS: &'static [&'static str] = &["list", "read", "create", "update", "delete"];

    pub fn everyone() -> Self {
        Self::all(vec![Rule::Public])
    }

    pub fn all(rules: Vec<Rule>) -> Self {
        Self {
            list: rules.clone(),
            read: rules.clone(),
            create: rules.clone(),
            update: rules.clone(),
            delete: rules,
        }
    }

    pub fn by_action(&self) -> [(&'static str, &[Rule]); 5] {
        [
            ("list", &self.list),
            ("read", &self.read),
            ("create", &self.create),
            ("update", &self.update),
            ("delete", &self.delete),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    Public,
    Authenticated,
    /// A signed-in caller whose token says its email is verified.
    Verified,
    Owner,
    Role(String),
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Public => f.write_str("public"),
            Rule::Authenticated => f.write_str("authenticated"),
            Rule::Verified => f.write_str("verified"),
            Rule::Owner => f.write_str("owner"),
            Rule::Role(role) => f.write_str(role),
        }
    }
}
