//! One resource's context: everything its modules and tests print.

use serde::Serialize;

use crate::names::{Names, with_article};
use crate::samples;
use crate::spec::{AuthMode, Field, FieldType, FieldWrite, Format, Resource, Spec};
use crate::sql::{LinkSql, ResourceSql, join_table};

use super::access::{access_context, field_rules};
use super::access_tests::{access_cases, field_tests, signed, unwritable_on_create};
use super::field::raw_string;
use super::imports::imports;
use super::lists::list_description;
use super::relations::{
    cache_dependents, owned, owner_call, owner_chain, owner_column, owner_creates, owner_setter,
    owner_via, reads_others,
};
use super::{
    AccessCases, AccessContext, EventContext, FieldContext, FieldRuleContext, FieldTest,
    LinkContext, ListColumn, ListRange, OwnerStep, OwnerVia, RelationContext, Uses,
};

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

#[derive(Debug, Serialize)]
pub struct FilterExample {
    pub key: String,
    /// The first sample as a query-string value (unquoted).
    pub query_value: String,
}

/// Whether any other code asks if a row of `r` exists.
fn needs_exists(spec: &Spec, r: &Resource) -> bool {
    r.versioned
        || !r.many_to_many.is_empty()
        || !spec.linked_from(&r.names.snake).is_empty()
        || !spec.references_to(&r.names.snake).is_empty()
}

impl ResourceContext {
    pub(super) fn new(spec: &Spec, r: &Resource, index: usize) -> Self {
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
                LinkContext {
                    target_owned: owned(spec, t),
                    target_read_rules: t.fields.iter().any(|f| f.access.read.is_some()),
                    target_owner_call: owner_call(t, r),
                    target_a_words: with_article(&t.names.words),
                    target: t.names.clone(),
                    sql: LinkSql::new(r, t, &join_table(r, t)),
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
pub(super) fn test_rows(spec: &Spec, r: &Resource) -> usize {
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
