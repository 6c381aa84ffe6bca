//! One resource's context: everything its generated modules print (what only its tests read
//! is in `tests_context`).

use serde::Serialize;

use crate::names::{Names, with_article};
use crate::operations::{Mount, Operation, mounts};
use crate::spec::field_type::{BodyKeys, Import};
use crate::spec::{AuthMode, Format, Resource, Spec};
use crate::sql::ResourceSql;

use super::access::{access_context, field_rules};
use super::imports::imports;
use super::lists::{ListPaths, list_description, list_paths};
use super::relations::{Ownership, cache_dependents};
use super::{
    AccessContext, EventContext, FieldContext, FieldRuleContext, FileContext, LinkContext,
    LinkedFromContext, ListColumn, ListRange, OwnerVia, RelationContext, RemoteRefContext, Uses,
};

#[derive(Debug, Serialize)]
pub struct ResourceContext {
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
    /// Its rows are the tenants (`[tenancy] tenant`, with the accounts here): creating one
    /// makes its creator a member, deleting one ends its members' sessions in it.
    pub tenant: bool,
    /// Its rows are a tenant's (`[tenancy]`, not `global`): every query takes the
    /// `Tenant` the caller acts in, and its cached rows are keyed by it.
    pub per_tenant: bool,
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
    /// The Rust expression of a row's owner (an `Option<Uuid>`), on `self`.
    pub owner_of_self: String,
    /// Fields with rules of their own (the `FIELDS` constant), in spec order.
    pub field_rules: Vec<FieldRuleContext>,
    /// Some field is hidden from some callers: rows are shown through `Caller::shown`.
    pub read_rules: bool,
    /// The JSON key of the owner column, for `owner` field rules on listed rows.
    pub field_owner_key: Option<String>,
    /// In a handler, the owner of the row in `{row}` as field rules see it: `None` unless
    /// the row holds its owner (field rules name `owner` only then).
    pub field_owner_call: String,
    /// In a handler, the expression (a `Result`'s `?` included) of the owner of the row in
    /// the variable `{row}`.
    pub owner_call: String,
    /// The owner is an account of another service (`Spec::is_remote`), which an owner named
    /// in a body is checked with.
    pub owner_remote: bool,
    pub fields: Vec<FieldContext>,
    /// Its file fields, which the other lists of fields leave out: in the row's
    /// representation, each with its own routes (`src/files.rs`).
    pub files: Vec<FileContext>,
    pub belongs_to: Vec<RelationContext>,
    pub links: Vec<LinkContext>,
    /// The links other resources declare to this one, whose linked lists its repo serves.
    pub linked_from: Vec<LinkedFromContext>,
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
    /// Whether any field has a validation call.
    pub has_checks: bool,
    /// Whether any Rust the model prints for a field (a default, a bound)
    /// names `Dec`, the model's alias of `rust_decimal::Decimal`.
    pub imports_dec: bool,
    pub has_pattern: bool,
    pub has_unique: bool,
    pub has_optional: bool,
    /// What the model imports to open the values of its personal fields (`Opened`) and of
    /// those that were personal and may still hold sealed ones (`Unsealed`), if any.
    pub opened_import: Option<String>,
    /// The JSON keys of its personal fields that its events leave out (all but those with
    /// `in_events = true`).
    pub personal_keys: Vec<String>,
    /// Every write leaves an audit row (`audit = true`).
    pub audit: bool,
    /// The JSON keys whose values audit rows never hold (every personal field, and an
    /// account's email): named among the changed fields, their values left out.
    pub audit_withheld: Vec<String>,
    /// The `.route(path, chain)` calls of its router.
    pub router: Vec<Mount>,
    /// Laid-out `use` blocks of the repo and handler modules.
    pub repo_imports: String,
    pub handler_super_imports: String,
    pub handler_imports: String,
    /// The `use` lines of the resource's service.
    pub service_imports: String,
    pub uses: Uses,
    /// What lists can filter and sort on (see the service's `list.rs`).
    pub list_columns: Vec<ListColumn>,
    /// Every key of the representation, for sparse `fields`.
    pub list_keys: Vec<String>,
    /// `{stem}Min`/`{stem}Max` (numbers) and `{stem}After`/`{stem}Before` (dates).
    pub list_ranges: Vec<ListRange>,
    pub default_sort: String,
    /// The requests its lists accept, each served by an index.
    pub list_paths: ListPaths,
    /// The domain events its writes put in the outbox.
    pub events: Vec<EventContext>,
    /// Some of them are its rows' (all but the accounts' `erased`): its writes record them.
    pub row_events: bool,
    /// An update compares the stored row with the new one (some event is a transition).
    pub transitions: bool,
    /// Its fields that hold other services' ids, which writes check with those services.
    pub remote_refs: Vec<RemoteRefContext>,
    /// Its part of the GraphQL schema, with `[project] graphql` (set by
    /// `pipeline::service_context`, from the document).
    pub graphql: Option<super::graphql::GraphResource>,
}

/// Whether any other code asks if a row of `r` exists.
fn needs_exists(spec: &Spec, r: &Resource) -> bool {
    r.versioned
        || !r.many_to_many.is_empty()
        || !spec.linked_from(&r.names.snake).is_empty()
        || !spec.references_to(&r.names.snake).is_empty()
}

impl ResourceContext {
    pub(super) fn new(spec: &Spec, r: &Resource, operations: &[Operation]) -> Self {
        // A file is no body's value: its fields go apart (`files`).
        let fields: Vec<FieldContext> = r
            .value_fields()
            .map(|f| FieldContext::new(spec, r, f))
            .collect();
        let files: Vec<FileContext> = (r.fields.iter())
            .filter_map(|f| FileContext::new(spec, r, f))
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
            .map(|t| LinkContext::new(spec, r, t))
            .collect();
        let keys = Keys::new(&fields, &belongs_to);
        let uses = uses(spec, r, &fields, &belongs_to, &links);
        let imports = imports(spec, r, &fields, &belongs_to, &links);
        let owner = Ownership::new(spec, r);
        let list_paths = list_paths(r);
        let (list_columns, list_keys, list_ranges) = list_description(spec, r, &list_paths);
        let events: Vec<EventContext> = r
            .events
            .iter()
            .map(|e| EventContext::new(r, &fields, e))
            .collect();
        Self {
            names: r.names.clone(),
            a_words: with_article(&r.names.words),
            description: if r.description.is_empty() {
                // "An order.", not "A order.": the article the words take, capitalised.
                let a_words = with_article(&r.names.words);
                let mut letters = a_words.chars();
                letters.next().map_or_else(String::new, |first| {
                    format!("{}{}.", first.to_uppercase(), letters.as_str())
                })
            } else {
                r.description.clone()
            },
            table: r.names.plural_snake.clone(),
            url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
            soft_delete: r.soft_delete,
            versioned: r.versioned,
            timestamps: r.timestamps,
            cache_ttl_seconds: r.cache_ttl_seconds,
            cache_dependents: cache_dependents(spec, r),
            access: (spec.auth.mode == AuthMode::Jwt).then(|| access_context(&r.access)),
            account: spec.is_account(r),
            tenant: spec.is_tenant(r),
            per_tenant: spec.is_per_tenant(r),
            input_columns: belongs_to
                .iter()
                .filter(|b| !b.owner)
                .map(|b| b.column.clone())
                .chain(fields.iter().map(|f| f.names.ident.clone()))
                .collect(),
            references: belongs_to
                .iter()
                .any(|b| !b.owner && (!b.remote || b.replica)),
            owner_column: owner.column,
            owner_via: owner.via,
            owned: owner.owned,
            owner_key: owner.key,
            owner_set_by: owner.set_by,
            owner_of_self: owner.of_self,
            field_rules: field_rules(&spec.auth, r),
            read_rules: r.fields.iter().any(|f| f.access.read.is_some()),
            field_owner_key: owner.field_key,
            field_owner_call: owner.field_call,
            owner_call: owner.call,
            owner_remote: owner.remote,
            sql: ResourceSql::new(spec, r),
            keys: keys.keys,
            required_keys: keys.required,
            non_null_keys: keys.non_null,
            enum_keys: keys.enums,
            integer_keys: keys.integers,
            date_keys: keys.dates,
            date_time_keys: keys.date_times,
            needs_exists: needs_exists(spec, r),
            has_checks: uses.checks,
            imports_dec: fields.iter().any(FieldContext::names_dec),
            has_pattern: r.fields.iter().any(|f| f.rules.pattern.is_some()),
            has_unique: r.fields.iter().any(|f| f.unique) || r.belongs_to.iter().any(|b| b.unique),
            opened_import: opened_import(r),
            audit: r.audit,
            audit_withheld: (r.fields.iter())
                .filter(|f| f.personal || (spec.is_account(r) && f.names.snake == "email"))
                .map(|f| f.names.camel.clone())
                .collect(),
            personal_keys: r
                .fields
                .iter()
                .filter(|f| f.personal && !f.in_events)
                .map(|f| f.names.camel.clone())
                .collect(),
            has_optional: uses.optional,
            router: mounts(operations, r),
            repo_imports: imports.repo,
            handler_super_imports: imports.handler_super,
            handler_imports: imports.handler,
            service_imports: imports.service,
            list_columns,
            list_keys,
            list_ranges,
            list_paths,
            default_sort: if r.timestamps { "-createdAt" } else { "-id" }.into(),
            transitions: events.iter().any(|e| e.field.is_some()),
            remote_refs: RemoteRefContext::of(r),
            graphql: None,
            events,
            row_events: r.row_events().next().is_some(),
            fields,
            files,
            belongs_to,
            links,
            linked_from: LinkedFromContext::of(spec, r),
            uses,
        }
    }
}

/// The JSON keys of a resource's bodies, grouped by what the model checks of them (see the
/// `ResourceContext` fields of the same names).
struct Keys {
    keys: Vec<String>,
    required: Vec<String>,
    non_null: Vec<String>,
    enums: Vec<String>,
    integers: Vec<String>,
    dates: Vec<String>,
    date_times: Vec<String>,
}

impl Keys {
    fn new(fields: &[FieldContext], belongs_to: &[RelationContext]) -> Self {
        // The owner key is the token's to set, so no body may carry it.
        let writable: Vec<&RelationContext> = belongs_to.iter().filter(|b| !b.owner).collect();
        let parents = |required_only: bool| {
            writable
                .iter()
                .filter(move |b| b.required || !required_only)
                .map(|b| b.json.clone())
        };
        let fields_where = |keep: &dyn Fn(&FieldContext) -> bool| {
            fields
                .iter()
                .filter(|f| keep(f))
                .map(|f| f.names.camel.clone())
                .collect::<Vec<String>>()
        };
        let checked = |list: BodyKeys| fields_where(&|f| f.kind.props().body_keys == Some(list));
        Self {
            keys: parents(false).chain(fields_where(&|_| true)).collect(),
            required: parents(true)
                .chain(fields_where(&|f| f.required && f.default_rust.is_none()))
                .collect(),
            non_null: parents(true).chain(fields_where(&|f| f.required)).collect(),
            enums: fields
                .iter()
                .filter(|f| f.is_enum)
                .map(|f| format!("({:?}, {}::VALUES)", f.names.camel, f.rust_type))
                .collect(),
            integers: checked(BodyKeys::Integers),
            dates: checked(BodyKeys::Dates),
            date_times: checked(BodyKeys::DateTimes),
        }
    }
}

/// See [`ResourceContext::opened_import`].
fn opened_import(r: &Resource) -> Option<String> {
    let opened = r.fields.iter().any(|f| f.personal);
    let unsealed = r.fields.iter().any(|f| f.sealed_before);
    match (opened, unsealed) {
        (true, true) => Some("{Opened, Unsealed}".into()),
        (true, false) => Some("Opened".into()),
        (false, true) => Some("Unsealed".into()),
        (false, false) => None,
    }
}

/// The optional pieces of generated code one resource needs (merged into the service's).
fn uses(
    spec: &Spec,
    r: &Resource,
    fields: &[FieldContext],
    belongs_to: &[RelationContext],
    links: &[LinkContext],
) -> Uses {
    let has_checks = fields.iter().any(|f| !f.checks.is_empty());
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
        audit: r.audit,
        validator: has_checks || !belongs_to.is_empty(),
        checks: has_checks,
        ..Uses::default()
    };
    for f in &r.fields {
        if f.ty.file().is_some() {
            // Its description is read and shown, never checked nor written by a body.
            uses.files = true;
            continue;
        }
        match f.ty.props().import {
            Some(Import::Decimal) => uses.decimal = true,
            Some(Import::Date) => uses.date = true,
            Some(Import::Datetime) => uses.datetime = true,
            Some(Import::Json) => uses.json = true,
            // A file is counted above.
            Some(Import::File) => {}
            // An enum is declared in the model itself.
            Some(Import::Enum) | None => {}
        }
        uses.pattern |= f.rules.pattern.is_some();
        uses.email |= f.rules.format == Some(Format::Email);
        uses.url |= f.rules.format == Some(Format::Url);
        uses.length |= f.rules.min_length.is_some() || f.max_length().is_some();
        // A decimal's bounds are part of its own check (see `field::checks`).
        uses.range |= f.ty.decimal().is_none() && (f.rules.min.is_some() || f.rules.max.is_some());
        uses.optional |= !f.required;
        uses.unique |= f.unique;
        uses.references |= f.references.is_some();
        // A field that was personal needs the key ring to open what it still holds.
        uses.personal |= f.opened();
        uses.blind_index |= f.blind_index().is_some();
    }
    uses.unique |= r.belongs_to.iter().any(|b| b.unique);
    uses.one_to_one |= r.belongs_to.iter().any(|b| b.unique && !spec.is_remote(b));
    // An owner a body names is an account the accounts service is asked about.
    uses.references |= r
        .belongs_to
        .iter()
        .any(|b| r.is_owner(b) && spec.is_remote(b));
    uses
}
