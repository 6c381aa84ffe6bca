//! Which optional pieces of generated code a service needs, resource by resource.

use serde::Serialize;

/// Which optional pieces of code are needed: nothing is generated (no
/// import, no dependency, no helper) unless some resource uses it.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Uses {
    pub decimal: bool,
    pub date: bool,
    pub datetime: bool,
    pub json: bool,
    /// Some field is a file (`src/files.rs`, its routes, the store and the sweep).
    pub files: bool,
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
    /// Some relation is one-to-one (`unique = true`): its parent's route reads one row.
    pub one_to_one: bool,
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
    /// Some job or replica listens to another service's events: the inbox (`src/inbox.rs`).
    pub heard: bool,
    /// Some job listens to another service's events: the inbox enqueues it.
    pub heard_by_jobs: bool,
    /// The accounts' service's erasures are heard (`user.erased`): the inbox erases what
    /// the account owns here (`src/erase.rs`).
    pub heard_erasure: bool,
    /// Copies of other services' rows are kept here (`src/replicas.rs`).
    pub replicas: bool,
    /// A NATS client (`EVENTS_URL`): to publish the events, or to hear other services'.
    pub nats: bool,
    /// The service calls other services (`src/remote.rs`): some field holds another
    /// service's id, or the accounts are another service's.
    pub remote: bool,
    /// Some field holds another service's id (`references`): writes ask that service.
    pub references: bool,
    /// Some field is personal data: the service seals it under a key ring
    /// (`src/personal.rs`), and some resource's rows are opened as they are read.
    pub personal: bool,
    /// Some personal field has a blind index, which inserts and updates bind.
    pub blind_index: bool,
    /// Accounts sign up and sign in here (jwt, with no `accounts` service named): the
    /// account routes, sessions, mail and `grant-role`.
    pub accounts: bool,
    /// The accounts' emails are personal data (`[auth] personal_email`): sealed, and found
    /// through the blind index of the address in lower case.
    pub personal_email: bool,
    /// Accounts may sign in with OpenID Connect providers (`[auth.providers]`,
    /// `src/auth/sign_in.rs`).
    pub sign_in: bool,
    /// Some resource is audited (`audit = true`): the audit trail (`src/audit_trail.rs`).
    pub audit: bool,
    /// Accounts are members of tenants (`[tenancy]`): a session acts in one tenant, which
    /// its token names (`tid`); the accounts' service says which, and the roles there.
    pub tenancy: bool,
    /// The tenants' members are this service's accounts (`[tenancy]` with the accounts here):
    /// `src/auth/tenancy.rs` lists and switches tenants, and manages members and invitations.
    pub memberships: bool,
    /// Some resource's rows are a tenant's: the walls around them (on PostgreSQL, the
    /// transactions and reads that set the tenant for the row-level policies).
    pub per_tenant: bool,
    /// Some per-tenant resource links to a global one: lists of the global rows linked to a
    /// tenant's row read the tenant's link table (`list::Scope::InTenant`).
    pub shared_in_tenant: bool,
    /// Some per-tenant decimal has a scaled column, which PostgreSQL's lists compare
    /// (`list::Kind::Scaled`, `schema_names::Scaled`).
    pub scaled: bool,
    /// Some per-tenant text that lists use has a prefix column, which PostgreSQL's lists
    /// compare (`list::Kind::Prefixed`, `schema_names::Prefix`).
    pub prefixed: bool,
}

impl Uses {
    pub(super) fn merge(&mut self, o: &Uses) {
        self.decimal |= o.decimal;
        self.date |= o.date;
        self.datetime |= o.datetime;
        self.json |= o.json;
        self.files |= o.files;
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
        self.one_to_one |= o.one_to_one;
        self.named_owner |= o.named_owner;
        self.field_rules |= o.field_rules;
        self.read_rules |= o.read_rules;
        self.validator |= o.validator;
        self.checks |= o.checks;
        self.events |= o.events;
        self.jobs |= o.jobs;
        self.webhooks |= o.webhooks;
        self.remote |= o.remote;
        self.references |= o.references;
        self.personal |= o.personal;
        self.blind_index |= o.blind_index;
        self.audit |= o.audit;
    }
}
