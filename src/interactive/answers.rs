//! The answers of a session as plain data, and [`to_toml`], which writes them
//! as a commented spec in the style of `examples/*.toml`. No terminal needed.

use std::fmt::Write as _;

use crate::spec::{
    Access, AuthMode, DEFAULT_DECIMAL, Database, Denied, Event, FieldAccess, FieldType, FieldWrite,
    Format, Job, Literal, OnDelete, Rule, Rules, Trigger, bound_text,
};

/// Everything the session asks, in spec terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    pub description: String,
    pub database: Database,
    pub auth: AuthMode,
    /// Only written with auth mode jwt.
    pub roles: Vec<String>,
    pub admin_role: String,
    pub default_role: String,
    pub resources: Vec<ResourceAnswers>,
    /// "Add to this project": the project's spec, which `resources` join.
    pub existing: Option<Existing>,
}

/// The spec of the project a session adds to.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    /// Its text, kept as written (comments and all); new resources go after it.
    pub source: String,
    /// Its resources' names.
    pub resources: Vec<String>,
    /// Its resources' belongs-to relations, as (resource, relation, target):
    /// new resources may be owned through them (`order.customer`).
    pub relations: Vec<(String, String, String)>,
    /// Its jobs' names, which new jobs may not take.
    pub jobs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceAnswers {
    /// Singular snake_case name.
    pub name: String,
    /// Empty for none.
    pub description: String,
    pub fields: Vec<FieldAnswers>,
    pub belongs_to: Vec<RelationAnswers>,
    /// Names of the resources this one links to.
    pub many_to_many: Vec<String>,
    pub soft_delete: bool,
    pub versioned: bool,
    /// `None` leaves the auth mode's default (everyone, or authenticated).
    pub access: Option<Access>,
    /// The owner path: a belongs-to relation to `user` (`customer`), or one
    /// through parents (`order.customer`).
    pub owner: Option<String>,
    /// The domain events its writes emit.
    pub events: Vec<Event>,
    /// Background jobs that run on its events (`[jobs.NAME]`, written after
    /// every resource).
    pub jobs: Vec<Job>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldAnswers {
    pub name: String,
    pub ty: FieldType,
    pub required: bool,
    pub unique: bool,
    pub rules: Rules,
    pub default: Option<Literal>,
    /// Field rules (`read`, `write`, `write_denied`); jwt only.
    pub access: FieldAccess,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelationAnswers {
    /// Relation name; the foreign key is `{name}_id`.
    pub name: String,
    /// The parent resource.
    pub target: String,
    pub required: bool,
    pub on_delete: OnDelete,
}

impl Answers {
    /// What `--yes` takes: sqlite, no auth, one `item` with a `name`.
    pub fn defaults(name: &str) -> Self {
        Self {
            description: default_description(name),
            database: Database::Sqlite,
            auth: AuthMode::None,
            roles: default_roles(),
            admin_role: "admin".into(),
            default_role: "member".into(),
            resources: vec![ResourceAnswers {
                fields: vec![FieldAnswers::usual("name", FieldType::String, true)],
                ..ResourceAnswers::new("item")
            }],
            existing: None,
        }
    }

    /// The answers of a session that adds to the project of `spec` (whose text is
    /// `source`): its service settings, and no new resource yet.
    pub fn adding_to(spec: &crate::spec::Spec, source: &str) -> Self {
        Self {
            description: spec.project.description.clone(),
            database: spec.project.database,
            auth: spec.auth.mode,
            roles: spec.auth.roles.clone(),
            admin_role: spec.auth.admin_role.clone(),
            default_role: spec.auth.default_role.clone(),
            resources: Vec::new(),
            existing: Some(Existing {
                source: source.to_string(),
                resources: spec
                    .resources
                    .iter()
                    .map(|r| r.names.snake.clone())
                    .collect(),
                relations: spec
                    .resources
                    .iter()
                    .flat_map(|r| {
                        r.belongs_to.iter().map(|b| {
                            (
                                r.names.snake.clone(),
                                b.names.snake.clone(),
                                b.target.clone(),
                            )
                        })
                    })
                    .collect(),
                jobs: spec.jobs.iter().map(|j| j.name.clone()).collect(),
            }),
        }
    }

    /// Every resource name: the project's, then the session's.
    pub fn resource_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .existing
            .iter()
            .flat_map(|e| e.resources.iter().cloned())
            .collect();
        names.extend(self.resources.iter().map(|r| r.name.clone()));
        names
    }

    /// The belongs-to relations of `resource` as (relation, target): the
    /// project's or the session's.
    pub fn relations_of(&self, resource: &str) -> Vec<(String, String)> {
        let existing = self.existing.iter().flat_map(|e| {
            e.relations
                .iter()
                .filter(|(r, _, _)| r == resource)
                .map(|(_, name, target)| (name.clone(), target.clone()))
        });
        let asked = self
            .resources
            .iter()
            .filter(|r| r.name == resource)
            .flat_map(|r| {
                r.belongs_to
                    .iter()
                    .map(|b| (b.name.clone(), b.target.clone()))
            });
        existing.chain(asked).collect()
    }

    /// Every job name taken: the project's and the session's.
    pub fn job_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .existing
            .iter()
            .flat_map(|e| e.jobs.iter().cloned())
            .collect();
        names.extend(
            self.resources
                .iter()
                .flat_map(|r| r.jobs.iter().map(|j| j.name.clone())),
        );
        names
    }
}

impl Answers {
    /// New accounts get the admin role: every account passes every rule.
    pub fn every_account_is_admin(&self) -> bool {
        self.auth == AuthMode::Jwt && self.default_role == self.admin_role
    }
}

impl ResourceAnswers {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            description: String::new(),
            fields: Vec::new(),
            belongs_to: Vec::new(),
            many_to_many: Vec::new(),
            soft_delete: false,
            versioned: false,
            access: None,
            owner: None,
            events: Vec::new(),
            jobs: Vec::new(),
        }
    }
}

impl FieldAnswers {
    /// A required, not unique field without rules or default.
    pub fn new(name: &str, ty: FieldType) -> Self {
        Self {
            name: name.into(),
            ty,
            required: true,
            unique: false,
            rules: Rules::default(),
            default: None,
            access: FieldAccess::default(),
        }
    }

    /// The field the short path gives: required or optional, and for a
    /// type whose column is sized (a string) the usual length limit.
    pub(super) fn usual(name: &str, ty: FieldType, required: bool) -> Self {
        let sized = ty.props().sized;
        let mut field = Self::new(name, ty);
        if sized {
            field = field.max_length(USUAL_MAX_LENGTH);
        }
        field.required = required;
        field
    }

    /// Whether the field is one the short path gives: `Some(required)`, or
    /// `None` when it needs "more options".
    pub(super) fn usual_required(&self) -> Option<bool> {
        [true, false]
            .into_iter()
            .find(|&required| *self == Self::usual(&self.name, self.ty.clone(), required))
    }

    fn max_length(mut self, max: u32) -> Self {
        self.rules.max_length = Some(max);
        self
    }
}

/// The length limit a string field gets unless more options are asked for.
pub(super) const USUAL_MAX_LENGTH: u32 = 200;

pub(super) fn default_description(name: &str) -> String {
    format!("The {name} service")
}

fn default_roles() -> Vec<String> {
    vec!["admin".into(), "member".into()]
}

/// The spec as commented TOML, in the style of `examples/*.toml`.
pub fn to_toml(answers: &Answers, name: &str) -> String {
    let mut out = String::new();
    let w = &mut out;
    if let Some(existing) = &answers.existing {
        w.push_str(&existing.source);
        if !existing.source.ends_with('\n') {
            w.push('\n');
        }
        for r in &answers.resources {
            write_resource(w, r, answers.auth);
        }
        write_jobs(w, answers);
        return out;
    }
    let _ = writeln!(
        w,
        "# Written by `backend-gen new {name}`. After editing it, run `backend-gen update` in the\n# project's directory: it writes the migration and merges the new code into your edits."
    );
    let _ = writeln!(w, "\n[project]");
    let _ = writeln!(w, "name = {}", quote(name));
    let _ = writeln!(w, "description = {}", quote(&answers.description));
    let _ = writeln!(w, "api_prefix = \"/v1\"");
    let _ = writeln!(w, "database = {}", quote(answers.database.as_str()));

    let _ = writeln!(w, "\n[auth]");
    let _ = writeln!(w, "mode = {}", quote(answers.auth.as_str()));
    if answers.auth == AuthMode::Jwt {
        // Both roles are written even when they are the defaults: what the
        // admin role can do is the one thing a reader must not miss.
        let _ = writeln!(w, "roles = {}", string_array(&answers.roles));
        let _ = writeln!(
            w,
            "admin_role = {}  # passes every access rule",
            quote(&answers.admin_role)
        );
        let everyone = if answers.every_account_is_admin() {
            ", so every account passes every access rule"
        } else {
            ""
        };
        let _ = writeln!(
            w,
            "default_role = {}  # given to new accounts{everyone}",
            quote(&answers.default_role)
        );
    }

    for r in &answers.resources {
        write_resource(w, r, answers.auth);
    }
    write_jobs(w, answers);
    out
}

/// `[jobs.NAME]` for every job asked with a resource, after the resources.
fn write_jobs(w: &mut String, answers: &Answers) {
    for job in answers.resources.iter().flat_map(|r| &r.jobs) {
        let _ = writeln!(w, "\n[jobs.{}]", job.name);
        let _ = writeln!(w, "on = {}", string_array(&job.on));
        if job.max_attempts != Job::DEFAULT_MAX_ATTEMPTS {
            let _ = writeln!(w, "max_attempts = {}", job.max_attempts);
        }
        if job.timeout_secs != Job::DEFAULT_TIMEOUT_SECS {
            let _ = writeln!(w, "timeout_secs = {}", job.timeout_secs);
        }
    }
}

/// `[resources.NAME.events]`: lifecycle events as `true`, transitions as
/// `{ when, becomes }`.
fn write_events(w: &mut String, r: &ResourceAnswers) {
    if r.events.is_empty() {
        return;
    }
    let _ = writeln!(w, "\n[resources.{}.events]", r.name);
    for event in &r.events {
        let value = match &event.trigger {
            Trigger::Becomes { field, value } => {
                format!("{{ when = {}, becomes = {} }}", quote(field), quote(value))
            }
            _ => "true".to_string(),
        };
        let _ = writeln!(w, "{} = {value}", event.name);
    }
}

fn write_resource(w: &mut String, r: &ResourceAnswers, auth: AuthMode) {
    let mut keys: Vec<String> = Vec::new();
    if !r.description.is_empty() {
        keys.push(format!("description = {}", quote(&r.description)));
    }
    if r.soft_delete {
        keys.push("soft_delete = true".into());
    }
    if r.versioned {
        keys.push("versioned = true".into());
    }
    if !r.belongs_to.is_empty() {
        let relations: Vec<String> = r
            .belongs_to
            .iter()
            .map(|b| {
                let mut parts = Vec::new();
                if b.target != b.name {
                    parts.push(format!("resource = {}", quote(&b.target)));
                }
                if !b.required {
                    parts.push("required = false".into());
                }
                parts.push(format!(
                    "on_delete = {}",
                    quote(on_delete_name(b.on_delete))
                ));
                format!("{} = {{ {} }}", b.name, parts.join(", "))
            })
            .collect();
        keys.push(format!("belongs_to = {{ {} }}", relations.join(", ")));
    }
    if !r.many_to_many.is_empty() {
        keys.push(format!("many_to_many = {}", string_array(&r.many_to_many)));
    }
    if let Some(owner) = &r.owner {
        keys.push(format!("owner = {}", quote(owner)));
    }
    // The accounts' own default (admin-only lists, owner-only rows) is not
    // the other resources' one: answers for `user` are always written.
    let is_account = auth == AuthMode::Jwt && r.name == "user";
    if let Some(access) = r
        .access
        .as_ref()
        .filter(|a| is_account || **a != default_access(auth))
    {
        keys.push(format!("access = {}", access_value(access)));
    }

    // An empty `[resources.NAME]` header says nothing: leave it out.
    if !keys.is_empty() {
        let _ = writeln!(w, "\n[resources.{}]", r.name);
        for key in keys {
            let _ = writeln!(w, "{key}");
        }
    }
    write_events(w, r);
    let _ = writeln!(w, "\n[resources.{}.fields]", r.name);
    for f in &r.fields {
        let _ = writeln!(w, "{} = {{ {} }}", f.name, field_parts(f).join(", "));
    }
}

fn field_parts(f: &FieldAnswers) -> Vec<String> {
    let mut parts = vec![format!("type = {}", quote(f.ty.spec_name()))];
    if let Some(values) = f.ty.values() {
        parts.push(format!("values = {}", string_array(values)));
    }
    if !f.required {
        parts.push("required = false".into());
    }
    if f.unique {
        parts.push("unique = true".into());
    }
    let rules = &f.rules;
    if let Some(format) = rules.format {
        let name = match format {
            Format::Email => "email",
            Format::Url => "url",
        };
        parts.push(format!("format = {}", quote(name)));
    }
    if let Some(n) = rules.min_length {
        parts.push(format!("min_length = {n}"));
    }
    if let Some(n) = rules.max_length {
        parts.push(format!("max_length = {n}"));
    }
    // Limits are kept in canonical text, which is valid TOML as it stands.
    if let Some(b) = &rules.min {
        parts.push(format!("min = {}", bound_text(b)));
    }
    if let Some(b) = &rules.max {
        parts.push(format!("max = {}", bound_text(b)));
    }
    if let Some((precision, scale)) = f.ty.decimal() {
        if precision != DEFAULT_DECIMAL.0 {
            parts.push(format!("precision = {precision}"));
        }
        parts.push(format!("scale = {scale}"));
    }
    if let Some(p) = &rules.pattern {
        parts.push(format!("pattern = {}", quote(p)));
    }
    if let Some(d) = &f.default {
        parts.push(format!("default = {}", literal_toml(d)));
    }
    let access = &f.access;
    if let Some(read) = &access.read {
        parts.push(format!("read = {}", rule_array(read)));
    }
    match &access.write {
        FieldWrite::Row => {}
        FieldWrite::Rules(rules) => parts.push(format!("write = {}", rule_array(rules))),
        FieldWrite::Create => parts.push("write = \"create\"".into()),
        FieldWrite::None => parts.push("write = \"none\"".into()),
    }
    if access.denied == Denied::Ignore {
        parts.push("write_denied = \"ignore\"".into());
    }
    parts
}

fn rule_array(rules: &[Rule]) -> String {
    string_array(&rules.iter().map(Rule::to_string).collect::<Vec<_>>())
}

/// A TOML basic string, escaped as the examples write them (`"^\\d+$"`).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn string_array(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn on_delete_name(on_delete: OnDelete) -> &'static str {
    match on_delete {
        OnDelete::Cascade => "cascade",
        OnDelete::Restrict => "restrict",
        OnDelete::SetNull => "set_null",
    }
}

fn default_access(auth: AuthMode) -> Access {
    match auth {
        AuthMode::None => Access::everyone(),
        AuthMode::Jwt => Access::all(vec![Rule::Authenticated]),
    }
}

/// `"public"` when every action has the same single rule (the spec has no
/// shorthand for several), else one entry per action.
fn access_value(access: &Access) -> String {
    let rules = |rules: &[Rule]| -> String {
        match rules {
            [one] => quote(&one.to_string()),
            many => rule_array(many),
        }
    };
    let by_action = access.by_action();
    if by_action[0].1.len() == 1 && by_action.iter().all(|(_, r)| *r == by_action[0].1) {
        return rules(by_action[0].1);
    }
    let entries: Vec<String> = by_action
        .iter()
        .map(|(action, r)| format!("{action} = {}", rules(r)))
        .collect();
    format!("{{ {} }}", entries.join(", "))
}

fn literal_toml(l: &Literal) -> String {
    match l {
        Literal::String(s) => quote(s),
        Literal::Integer(i) => i.to_string(),
        Literal::Float(f) => float_toml(*f),
        Literal::Decimal(d) => d.clone(),
        Literal::Boolean(b) => b.to_string(),
    }
}

/// `{:?}` always keeps a `.` or an exponent (`5.0`, `1e-7`): a TOML float.
fn float_toml(f: f64) -> String {
    format!("{f:?}")
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::spec::{Bound, Spec, parse};

    fn valid(answers: &Answers) -> (Spec, String) {
        let text = to_toml(answers, "demo");
        match parse("t.toml", &text) {
            Ok(spec) => (spec, text),
            Err(report) => panic!("the written spec should be valid:\n{report}\n---\n{text}"),
        }
    }

    pub(in crate::interactive) fn field(name: &str, ty: FieldType) -> FieldAnswers {
        FieldAnswers::new(name, ty)
    }

    pub(in crate::interactive) fn resource(
        name: &str,
        fields: Vec<FieldAnswers>,
    ) -> ResourceAnswers {
        ResourceAnswers {
            fields,
            ..ResourceAnswers::new(name)
        }
    }

    #[test]
    fn defaults_give_a_small_valid_spec() {
        let (spec, text) = valid(&Answers::defaults("demo"));
        assert!(text.starts_with(
            "# Written by `backend-gen new demo`. After editing it, run `backend-gen update` in the\n# project's directory: it writes the migration and merges the new code into your edits.\n"
        ));
        assert!(text.contains(
            "\n[resources.item.fields]\nname = { type = \"string\", max_length = 200 }\n"
        ));
        assert_eq!(spec.project.name.as_deref(), Some("demo"));
        assert_eq!(spec.project.description, "The demo service");
        assert_eq!(spec.project.database, Database::Sqlite);
        assert_eq!(spec.auth.mode, AuthMode::None);
        assert_eq!(spec.resources.len(), 1);
        let item = &spec.resources[0];
        assert_eq!(item.names.snake, "item");
        assert_eq!(item.access, Access::everyone());
        assert_eq!(item.fields.len(), 1);
        let name = &item.fields[0];
        assert_eq!(name.names.snake, "name");
        assert_eq!(name.ty, FieldType::String);
        assert!(name.required && !name.unique);
        assert_eq!(name.rules.max_length, Some(200));
        assert_eq!(name.default, None);
    }

    #[test]
    fn every_field_type_with_limits_round_trips() {
        let mut a = Answers::defaults("demo");
        a.database = Database::Postgres;
        a.description = "Quotes \"here\", a backslash \\ and ünïcödé".into();
        let mut fields = vec![];
        let mut sku = field("sku", FieldType::String);
        sku.unique = true;
        sku.rules.min_length = Some(3);
        sku.rules.max_length = Some(32);
        sku.rules.pattern = Some(r#"^[A-Z0-9-]{3,32}\d?$"#.into());
        sku.default = Some(Literal::String("AB-1".into()));
        fields.push(sku);
        let mut email = field("email", FieldType::String);
        email.rules.format = Some(Format::Email);
        email.rules.max_length = Some(254);
        fields.push(email);
        let mut homepage = field("homepage", FieldType::String);
        homepage.required = false;
        homepage.rules.format = Some(Format::Url);
        fields.push(homepage);
        let mut body = field("body", FieldType::Text);
        body.rules.max_length = Some(10_000);
        body.default = Some(Literal::String("say \"hi\"\n\tthen \\ go".into()));
        fields.push(body);
        let mut stock = field("stock", FieldType::Integer);
        stock.rules.min = Some(Bound::Integer(-5));
        stock.rules.max = Some(Bound::Integer(1000));
        stock.default = Some(Literal::Integer(0));
        fields.push(stock);
        let mut weight = field("weight_grams", FieldType::BigInteger);
        weight.rules.min = Some(Bound::Integer(0));
        weight.rules.max = Some(Bound::Integer(9_000_000_000));
        fields.push(weight);
        let mut rating = field("rating", FieldType::Float);
        rating.rules.min = Some(Bound::Float(0.0));
        rating.rules.max = Some(Bound::Float(5.0));
        rating.default = Some(Literal::Float(2.5));
        fields.push(rating);
        let mut price = field(
            "price",
            FieldType::Decimal {
                precision: 18,
                scale: 2,
            },
        );
        price.rules.min = Some(Bound::Decimal("0".into()));
        price.rules.max = Some(Bound::Decimal("99999.99".into()));
        price.default = Some(Literal::Decimal("19.90".into()));
        fields.push(price);
        fields.push(field(
            "ratio",
            FieldType::Decimal {
                precision: 10,
                scale: 4,
            },
        ));
        let mut active = field("active", FieldType::Boolean);
        active.default = Some(Literal::Boolean(true));
        fields.push(active);
        let mut reference = field("reference", FieldType::Uuid);
        reference.unique = true;
        fields.push(reference);
        fields.push(field("available_from", FieldType::Date));
        fields.push(field("placed_at", FieldType::Datetime));
        let mut attributes = field("attributes", FieldType::Json);
        attributes.required = false;
        fields.push(attributes);
        let mut status = field(
            "status",
            FieldType::Enum {
                values: vec!["draft".into(), "in_stock".into()],
            },
        );
        status.default = Some(Literal::String("in_stock".into()));
        fields.push(status);
        a.resources = vec![resource("product", fields)];

        let (spec, text) = valid(&a);
        assert!(
            text.contains(r#"pattern = "^[A-Z0-9-]{3,32}\\d?$""#),
            "{text}"
        );
        assert_eq!(spec.project.database, Database::Postgres);
        assert_eq!(spec.project.description, a.description);
        let product = &spec.resources[0];
        let types: Vec<&str> = product.fields.iter().map(|f| f.ty.spec_name()).collect();
        for ty in FieldType::ALLOWED {
            assert!(types.contains(ty), "{ty} is missing");
        }
        let f = |name: &str| {
            product
                .fields
                .iter()
                .find(|f| f.names.snake == name)
                .unwrap()
        };
        let sku = f("sku");
        assert!(sku.unique);
        assert_eq!(sku.rules.min_length, Some(3));
        assert_eq!(sku.rules.max_length, Some(32));
        assert_eq!(
            sku.rules.pattern.as_deref(),
            Some(r#"^[A-Z0-9-]{3,32}\d?$"#)
        );
        assert_eq!(f("email").rules.format, Some(Format::Email));
        assert_eq!(f("homepage").rules.format, Some(Format::Url));
        assert!(!f("homepage").required);
        assert_eq!(
            f("body").default,
            Some(Literal::String("say \"hi\"\n\tthen \\ go".into()))
        );
        assert_eq!(f("stock").rules.min, Some(Bound::Integer(-5)));
        assert_eq!(f("stock").default, Some(Literal::Integer(0)));
        assert_eq!(
            f("weight_grams").rules.max,
            Some(Bound::Integer(9_000_000_000))
        );
        assert_eq!(f("rating").rules.max, Some(Bound::Float(5.0)));
        assert_eq!(f("rating").default, Some(Literal::Float(2.5)));
        assert_eq!(
            f("price").ty,
            FieldType::Decimal {
                precision: 18,
                scale: 2
            }
        );
        assert_eq!(
            f("price").rules.max,
            Some(Bound::Decimal("99999.99".into()))
        );
        assert_eq!(f("price").default, Some(Literal::Decimal("19.90".into())));
        assert_eq!(
            f("ratio").ty,
            FieldType::Decimal {
                precision: 10,
                scale: 4
            }
        );
        assert_eq!(f("active").default, Some(Literal::Boolean(true)));
        assert!(f("reference").unique);
        assert!(!f("attributes").required);
        assert_eq!(
            f("status").ty,
            FieldType::Enum {
                values: vec!["draft".into(), "in_stock".into()]
            }
        );
        assert_eq!(
            f("status").default,
            Some(Literal::String("in_stock".into()))
        );
    }

    #[test]
    fn relations_and_options_round_trip() {
        let mut a = Answers::defaults("blog");
        let mut user = resource("user", vec![field("display_name", FieldType::String)]);
        user.description = "A person who writes.".into();
        let mut category = resource("category", vec![field("title", FieldType::String)]);
        category.belongs_to.push(RelationAnswers {
            name: "parent".into(),
            target: "category".into(),
            required: false,
            on_delete: OnDelete::SetNull,
        });
        let mut post = resource("post", vec![field("title", FieldType::String)]);
        post.soft_delete = true;
        post.versioned = true;
        post.many_to_many = vec!["category".into()];
        post.belongs_to = vec![
            RelationAnswers {
                name: "author".into(),
                target: "user".into(),
                required: true,
                on_delete: OnDelete::Cascade,
            },
            RelationAnswers {
                name: "user".into(),
                target: "user".into(),
                required: true,
                on_delete: OnDelete::Restrict,
            },
        ];
        a.resources = vec![user, category, post];

        let (spec, text) = valid(&a);
        assert!(text.contains(
            "belongs_to = { author = { resource = \"user\", on_delete = \"cascade\" }, user = { on_delete = \"restrict\" } }"
        ), "{text}");
        assert_eq!(spec.resources[0].description, "A person who writes.");
        let category = spec.resource("category").unwrap();
        assert_eq!(category.belongs_to[0].target, "category");
        assert!(!category.belongs_to[0].required);
        assert_eq!(category.belongs_to[0].on_delete, OnDelete::SetNull);
        let post = spec.resource("post").unwrap();
        assert!(post.soft_delete && post.versioned && post.timestamps);
        assert_eq!(post.many_to_many, vec!["category".to_string()]);
        let relations: Vec<(&str, &str, bool, OnDelete)> = post
            .belongs_to
            .iter()
            .map(|b| {
                (
                    b.names.snake.as_str(),
                    b.target.as_str(),
                    b.required,
                    b.on_delete,
                )
            })
            .collect();
        assert_eq!(
            relations,
            vec![
                ("author", "user", true, OnDelete::Cascade),
                ("user", "user", true, OnDelete::Restrict)
            ]
        );
    }

    #[test]
    fn jwt_roles_and_access_rules_round_trip() {
        let mut a = Answers::defaults("demo");
        a.auth = AuthMode::Jwt;
        a.roles = vec!["boss".into(), "editor".into(), "reader".into()];
        a.admin_role = "boss".into();
        a.default_role = "reader".into();
        let user = resource("user", vec![field("display_name", FieldType::String)]);
        let mut post = resource("post", vec![field("title", FieldType::String)]);
        post.belongs_to.push(RelationAnswers {
            name: "author".into(),
            target: "user".into(),
            required: true,
            on_delete: OnDelete::Cascade,
        });
        post.owner = Some("author".into());
        post.access = Some(Access {
            list: vec![Rule::Public],
            read: vec![Rule::Public],
            create: vec![Rule::Authenticated],
            update: vec![Rule::Owner, Rule::Role("editor".into())],
            delete: vec![Rule::Role("boss".into())],
        });
        let mut tag = resource("tag", vec![field("label", FieldType::String)]);
        tag.access = Some(Access::all(vec![Rule::Public]));
        // Explicitly the default: written as nothing.
        let mut note = resource("note", vec![field("body", FieldType::Text)]);
        note.access = Some(Access::all(vec![Rule::Authenticated]));
        a.resources = vec![user, post, tag, note];

        let (spec, text) = valid(&a);
        assert!(
            text.contains(
                "roles = [\"boss\", \"editor\", \"reader\"]\n\
                 admin_role = \"boss\"  # passes every access rule\n\
                 default_role = \"reader\"  # given to new accounts\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("[resources.tag]\naccess = \"public\"\n"),
            "{text}"
        );
        assert!(!text.contains("[resources.note]\n"), "{text}");
        assert_eq!(spec.auth.mode, AuthMode::Jwt);
        assert_eq!(spec.auth.roles, a.roles);
        assert_eq!(spec.auth.admin_role, "boss");
        assert_eq!(spec.auth.default_role, "reader");
        let post = spec.resource("post").unwrap();
        assert_eq!(post.owner.as_ref().unwrap().path, ["author"]);
        assert_eq!(post.access, a.resources[1].access.clone().unwrap());
        assert_eq!(spec.resource("tag").unwrap().access, Access::everyone());
        assert_eq!(
            spec.resource("note").unwrap().access,
            Access::all(vec![Rule::Authenticated])
        );
    }

    #[test]
    fn roles_are_written_with_what_they_do() {
        let mut a = Answers::defaults("demo");
        a.auth = AuthMode::Jwt;
        let (spec, text) = valid(&a);
        assert!(
            text.contains(
                "[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"member\"]\n\
                 admin_role = \"admin\"  # passes every access rule\n\
                 default_role = \"member\"  # given to new accounts\n\n"
            ),
            "{text}"
        );
        assert_eq!(spec.auth.admin_role, "admin");
        assert_eq!(spec.auth.default_role, "member");

        a.roles = vec!["owner_role".into()];
        a.admin_role = "owner_role".into();
        a.default_role = "owner_role".into();
        assert!(a.every_account_is_admin());
        let (spec, text) = valid(&a);
        assert!(
            text.contains("default_role = \"owner_role\"  # given to new accounts, so every account passes every access rule\n"),
            "{text}"
        );
        assert_eq!(spec.auth.default_role, spec.auth.admin_role);
    }

    #[test]
    fn access_answered_for_user_is_kept_even_when_it_is_the_usual_default() {
        let mut a = Answers::defaults("demo");
        a.auth = AuthMode::Jwt;
        let mut user = resource("user", vec![field("nickname", FieldType::String)]);
        user.access = Some(Access::all(vec![Rule::Authenticated]));
        let mut note = resource("note", vec![field("body", FieldType::Text)]);
        note.access = Some(Access::all(vec![Rule::Authenticated]));
        a.resources = vec![user, note];
        let (spec, text) = valid(&a);
        assert!(
            text.contains("[resources.user]\naccess = \"authenticated\"\n"),
            "{text}"
        );
        assert!(!text.contains("[resources.note]\n"), "{text}");
        assert_eq!(
            spec.resource("user").unwrap().access,
            Access::all(vec![Rule::Authenticated])
        );
    }

    #[test]
    fn events_jobs_field_rules_and_owner_paths_round_trip() {
        let mut a = Answers::defaults("shop");
        a.auth = AuthMode::Jwt;
        a.roles = vec!["admin".into(), "staff".into(), "customer".into()];
        a.default_role = "customer".into();
        let relation = |name: &str, target: &str| RelationAnswers {
            name: name.into(),
            target: target.into(),
            required: true,
            on_delete: OnDelete::Cascade,
        };
        // `user` is not declared: with jwt it exists anyway.
        let mut status = field(
            "status",
            FieldType::Enum {
                values: vec!["pending".into(), "paid".into()],
            },
        );
        status.default = Some(Literal::String("pending".into()));
        status.access.write = FieldWrite::Rules(vec![Rule::Role("staff".into())]);
        status.access.denied = Denied::Ignore;
        let mut notes = field("notes", FieldType::Text);
        notes.required = false;
        notes.access.read = Some(vec![Rule::Role("staff".into())]);
        notes.access.write = FieldWrite::Rules(vec![Rule::Role("staff".into())]);
        let mut reference = field("reference", FieldType::Uuid);
        reference.access.write = FieldWrite::Create;
        let mut order = resource("order", vec![status, notes, reference]);
        order.belongs_to.push(relation("customer", "user"));
        order.owner = Some("customer".into());
        order.access = Some(Access::all(vec![Rule::Owner, Rule::Role("staff".into())]));
        order.events = vec![
            Event {
                name: "created".into(),
                trigger: Trigger::Created,
            },
            Event {
                name: "settled".into(),
                trigger: Trigger::Becomes {
                    field: "status".into(),
                    value: "paid".into(),
                },
            },
        ];
        order.jobs = vec![Job {
            name: "send_receipt".into(),
            on: vec!["order.settled".into(), "order.created".into()],
            max_attempts: Job::DEFAULT_MAX_ATTEMPTS,
            timeout_secs: Job::DEFAULT_TIMEOUT_SECS,
        }];
        let mut item = resource("order_item", vec![field("quantity", FieldType::Integer)]);
        item.belongs_to.push(relation("order", "order"));
        item.owner = Some("order.customer".into());
        item.access = Some(Access::all(vec![Rule::Owner, Rule::Role("staff".into())]));
        a.resources = vec![order, item];

        let (spec, text) = valid(&a);
        assert!(
            text.contains(
                "\n[resources.order.events]\ncreated = true\nsettled = { when = \"status\", becomes = \"paid\" }\n"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("\n[jobs.send_receipt]\non = [\"order.settled\", \"order.created\"]\n"),
            "{text}"
        );
        assert!(
            text.contains("write = [\"staff\"], write_denied = \"ignore\" }"),
            "{text}"
        );
        assert!(
            text.contains("access = { list = [\"owner\", \"staff\"], read = [\"owner\", \"staff\"], create = [\"owner\", \"staff\"]"),
            "{text}"
        );
        let order = spec.resource("order").unwrap();
        assert_eq!(order.events.len(), 2);
        assert_eq!(order.fields[0].access.denied, Denied::Ignore);
        assert_eq!(
            order.fields[1].access.read,
            Some(vec![Rule::Role("staff".into())])
        );
        assert_eq!(order.fields[2].access.write, FieldWrite::Create);
        let item = spec.resource("order_item").unwrap();
        assert_eq!(item.owner.as_ref().unwrap().path, ["order", "customer"]);
        assert_eq!(spec.jobs.len(), 1);
        assert_eq!(spec.jobs[0].on, ["order.settled", "order.created"]);
    }

    #[test]
    fn the_short_path_knows_its_own_fields() {
        let title = FieldAnswers::usual("title", FieldType::String, true);
        assert_eq!(title.rules.max_length, Some(USUAL_MAX_LENGTH));
        assert_eq!(title.usual_required(), Some(true));
        let note = FieldAnswers::usual("note", FieldType::Text, false);
        assert_eq!(note.rules.max_length, None);
        assert_eq!(note.usual_required(), Some(false));
        let mut sku = title.clone();
        sku.unique = true;
        assert_eq!(sku.usual_required(), None);
        let mut long = title;
        long.rules.max_length = Some(500);
        assert_eq!(long.usual_required(), None);
    }

    #[test]
    fn quoting_survives_toml() {
        for s in [
            "plain",
            "a\"b",
            "back\\slash",
            "line\nbreak",
            "tab\t",
            "bell\u{7}",
            "'single'",
            "ünï",
        ] {
            let text = format!("v = {}\n", quote(s));
            let value: toml::Table = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(value["v"].as_str(), Some(s));
        }
    }

    #[test]
    fn floats_are_written_with_a_point() {
        assert_eq!(float_toml(1000.0), "1000.0");
    }
}
