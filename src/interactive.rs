//! `backend-gen new NAME` without `--spec`: ask for the spec on the terminal
//! and return it as TOML text.
//!
//! Asking and writing are kept apart: the prompts fill a plain [`Answers`],
//! and [`to_toml`] turns that into a commented spec in the style of
//! `examples/*.toml`. The caller parses the text with the same validator as a
//! spec file and keeps it in the generated project, so a run can be repeated
//! with `--spec` and no questions.
//!
//! Every prompt checks its answer before accepting it, partly by asking the
//! spec validator itself about a draft spec (see [`Draft`]), so the final text
//! parses.

use std::fmt::Write as _;

use dialoguer::console::{Term, style};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, MultiSelect, Select};

use crate::error::{Error, Result};
use crate::names::{RUST_KEYWORDS, SQL_KEYWORDS, is_snake_identifier};
use crate::spec::{
    Access, AuthMode, Bound, Database, FieldType, Format, Literal, OnDelete, Rule, Rules,
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
    /// The belongs-to relation (to `user`) that owns each row.
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldAnswers {
    pub name: String,
    pub ty: FieldType,
    pub required: bool,
    pub unique: bool,
    pub rules: Rules,
    pub default: Option<Literal>,
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
                fields: vec![FieldAnswers::new("name", FieldType::String).max_length(200)],
                ..ResourceAnswers::new("item")
            }],
        }
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
        }
    }

    fn max_length(mut self, max: u32) -> Self {
        self.rules.max_length = Some(max);
        self
    }
}

fn default_description(name: &str) -> String {
    format!("The {name} service")
}

fn default_roles() -> Vec<String> {
    vec!["admin".into(), "member".into()]
}

// ---------------------------------------------------------------------------
// Writing the spec
// ---------------------------------------------------------------------------

/// The spec as commented TOML, in the style of `examples/*.toml`.
pub fn to_toml(answers: &Answers, name: &str) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "# Written by `backend-gen new {name}`; re-run with `backend-gen new {name} --spec {}`",
        crate::render::SPEC_FILE
    );
    let _ = writeln!(w, "\n[project]");
    let _ = writeln!(w, "name = {}", quote(name));
    let _ = writeln!(w, "description = {}", quote(&answers.description));
    let _ = writeln!(w, "api_prefix = \"/v1\"");
    let _ = writeln!(w, "database = {}", quote(answers.database.as_str()));

    let _ = writeln!(w, "\n[auth]");
    let _ = writeln!(w, "mode = {}", quote(answers.auth.as_str()));
    if answers.auth == AuthMode::Jwt {
        let _ = writeln!(w, "roles = {}", string_array(&answers.roles));
        if answers.admin_role != "admin" {
            let _ = writeln!(w, "admin_role = {}", quote(&answers.admin_role));
        }
        if answers.default_role != "member" {
            let _ = writeln!(w, "default_role = {}", quote(&answers.default_role));
        }
    }

    for r in &answers.resources {
        write_resource(w, r, answers.auth);
    }
    out
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
    if let Some(access) = r.access.as_ref().filter(|a| **a != default_access(auth)) {
        keys.push(format!("access = {}", access_value(access)));
    }

    // An empty `[resources.NAME]` header says nothing: leave it out.
    if !keys.is_empty() {
        let _ = writeln!(w, "\n[resources.{}]", r.name);
        for key in keys {
            let _ = writeln!(w, "{key}");
        }
    }
    let _ = writeln!(w, "\n[resources.{}.fields]", r.name);
    for f in &r.fields {
        let _ = writeln!(w, "{} = {{ {} }}", f.name, field_parts(f).join(", "));
    }
}

fn field_parts(f: &FieldAnswers) -> Vec<String> {
    let mut parts = vec![format!("type = {}", quote(f.ty.spec_name()))];
    if let FieldType::Enum { values } = &f.ty {
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
    if let Some(b) = &rules.min {
        parts.push(format!("min = {}", bound_toml(b)));
    }
    if let Some(b) = &rules.max {
        parts.push(format!("max = {}", bound_toml(b)));
    }
    if let FieldType::Decimal { precision, scale } = f.ty {
        if precision != 18 {
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
    parts
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

/// `"public"` when every action has the same rule, else one entry per action.
fn access_value(access: &Access) -> String {
    let rules = |rules: &[Rule]| -> String {
        match rules {
            [one] => quote(&one.to_string()),
            many => string_array(&many.iter().map(Rule::to_string).collect::<Vec<_>>()),
        }
    };
    let by_action = access.by_action();
    if by_action.iter().all(|(_, r)| *r == by_action[0].1) {
        return rules(by_action[0].1);
    }
    let entries: Vec<String> = by_action
        .iter()
        .map(|(action, r)| format!("{action} = {}", rules(r)))
        .collect();
    format!("{{ {} }}", entries.join(", "))
}

/// Numbers are kept in canonical text, which is valid TOML as it stands.
fn bound_toml(b: &Bound) -> String {
    match b {
        Bound::Integer(i) => i.to_string(),
        Bound::Float(f) => float_toml(*f),
        Bound::Decimal(d) => d.clone(),
    }
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

// ---------------------------------------------------------------------------
// Reading answers (no terminal needed)
// ---------------------------------------------------------------------------

/// Splits a comma-separated list, trimming each item and dropping empty ones.
fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn parse_roles(text: &str) -> Result<Vec<String>, String> {
    let roles = split_list(text);
    if roles.is_empty() {
        return Err("name at least one role, e.g. \"admin, member\"".into());
    }
    let mut seen: Vec<String> = Vec::new();
    for role in roles {
        if !is_snake_identifier(&role) {
            return Err(format!(
                "{role:?} is not a snake_case name (lowercase letters, digits and single underscores)"
            ));
        }
        if ["public", "authenticated", "owner"].contains(&role.as_str()) {
            return Err(format!(
                "{role:?} is an access rule, not a role; pick another word"
            ));
        }
        if seen.contains(&role) {
            return Err(format!("{role:?} is listed twice"));
        }
        seen.push(role);
    }
    Ok(seen)
}

fn parse_enum_values(text: &str) -> Result<Vec<String>, String> {
    let values = split_list(text);
    if values.is_empty() {
        return Err("name at least one value, e.g. \"draft, published\"".into());
    }
    let mut seen: Vec<String> = Vec::new();
    for v in values {
        if !is_snake_identifier(&v) {
            return Err(format!(
                "{v:?} is not a snake_case word such as \"in_stock\""
            ));
        }
        if seen.contains(&v) {
            return Err(format!("{v:?} is listed twice"));
        }
        seen.push(v);
    }
    Ok(seen)
}

/// A blank answer is `None`.
fn parse_count(text: &str, min: u32) -> Result<Option<u32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) if n >= min => Ok(Some(n)),
        _ => Err(format!(
            "enter a whole number of at least {min}, or leave it blank"
        )),
    }
}

/// A limit or default for a numeric field, in the field's own type.
fn parse_number(text: &str, ty: &FieldType) -> Result<Bound, String> {
    let text = text.trim().replace('_', "");
    match ty {
        FieldType::Integer => text
            .parse::<i32>()
            .map(|i| Bound::Integer(i.into()))
            .map_err(|_| "enter a whole number that fits in 32 bits".into()),
        FieldType::BigInteger => text
            .parse::<i64>()
            .map(Bound::Integer)
            .map_err(|_| "enter a whole number".into()),
        FieldType::Float => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Bound::Float(f)),
            _ => Err("enter a number such as 2.5".into()),
        },
        FieldType::Decimal { scale, .. } => {
            let decimal =
                canonical_decimal(&text).ok_or("enter a plain decimal number such as 9.99")?;
            let places = decimal.split_once('.').map_or(0, |(_, f)| f.len());
            if places > *scale as usize {
                return Err(format!(
                    "at most {scale} decimal places (the field's scale)"
                ));
            }
            Ok(Bound::Decimal(decimal))
        }
        _ => Err("this type takes no numbers".into()),
    }
}

/// `-012.50` → `-12.50`; `None` unless plain digits with an optional fraction.
/// The result is a valid TOML integer or float.
fn canonical_decimal(text: &str) -> Option<String> {
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = match body.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let sign = if int == "0" && frac.is_none_or(|f| f.chars().all(|c| c == '0')) {
        ""
    } else {
        sign
    };
    Some(match frac {
        Some(frac) => format!("{sign}{int}.{frac}"),
        None => format!("{sign}{int}"),
    })
}

fn bound_value(b: &Bound) -> f64 {
    match b {
        Bound::Integer(i) => *i as f64,
        Bound::Float(f) => *f,
        Bound::Decimal(d) => d.parse().unwrap_or(0.0),
    }
}

/// A default value typed at the prompt, for a field of type `ty`.
fn parse_default(text: &str, ty: &FieldType) -> Result<Literal, String> {
    match ty {
        FieldType::String | FieldType::Text => Ok(Literal::String(text.to_string())),
        FieldType::Enum { values } => {
            let text = text.trim();
            if values.iter().any(|v| v == text) {
                Ok(Literal::String(text.to_string()))
            } else {
                Err(format!("the default must be one of: {}", values.join(", ")))
            }
        }
        FieldType::Boolean => match text.trim() {
            "true" => Ok(Literal::Boolean(true)),
            "false" => Ok(Literal::Boolean(false)),
            _ => Err("true or false".into()),
        },
        FieldType::Integer | FieldType::BigInteger => match parse_number(text, ty)? {
            Bound::Integer(i) => Ok(Literal::Integer(i)),
            _ => unreachable!("integers parse to integer bounds"),
        },
        FieldType::Float => match parse_number(text, ty)? {
            Bound::Float(f) => Ok(Literal::Float(f)),
            _ => unreachable!("floats parse to float bounds"),
        },
        FieldType::Decimal { .. } => match parse_number(text, ty)? {
            Bound::Decimal(d) => Ok(Literal::Decimal(d)),
            _ => unreachable!("decimals parse to decimal bounds"),
        },
        _ => Err(format!("{} fields take no default", ty.spec_name())),
    }
}

fn takes_default(ty: &FieldType) -> bool {
    !matches!(
        ty,
        FieldType::Uuid | FieldType::Date | FieldType::Datetime | FieldType::Json
    )
}

/// What this version of the generator would refuse in `answers` (with the
/// default resource when none is entered yet).
fn unsupported(answers: &Answers) -> Vec<String> {
    let mut draft = answers.clone();
    if draft.resources.is_empty() {
        draft.resources = Answers::defaults("draft").resources;
    }
    match crate::spec::parse("draft", &to_toml(&draft, "draft")) {
        Ok(spec) => crate::context::unsupported(&spec),
        Err(_) => Vec::new(),
    }
}

/// Why `name` cannot name a new resource, if it cannot.
fn resource_name_problem(answers: &Answers, name: &str) -> Option<String> {
    if let Some(problem) = identifier_problem(name, false) {
        return Some(problem);
    }
    if answers.resources.iter().any(|r| r.name == name) {
        return Some(format!("there is already a resource `{name}`"));
    }
    // Reserved names, plural clashes and plural keywords: ask the validator.
    let mut probe = ResourceAnswers::new(name);
    probe
        .fields
        .push(FieldAnswers::new("probe_field", FieldType::Text));
    Draft::new(answers, &probe).problem(&format!("resources.{name}"), false)
}

/// Why `name` cannot name a new field of `current`, if it cannot.
fn field_name_problem(answers: &Answers, current: &ResourceAnswers, name: &str) -> Option<String> {
    if let Some(problem) = identifier_problem(name, true) {
        return Some(problem);
    }
    if current.fields.iter().any(|f| f.name == name) {
        return Some(format!("`{}` already has a field `{name}`", current.name));
    }
    // Generated columns, query parameters, list filters, jwt user fields.
    let mut probe = current.clone();
    probe.fields.push(FieldAnswers::new(name, FieldType::Text));
    Draft::new(answers, &probe).problem(&format!("resources.{}.fields.{name}", current.name), true)
}

/// Why `name` cannot name a new belongs-to relation of `current`.
fn relation_name_problem(current: &ResourceAnswers, name: &str) -> Option<String> {
    if let Some(problem) = identifier_problem(name, false) {
        return Some(problem);
    }
    if current.belongs_to.iter().any(|b| b.name == name) {
        return Some(format!(
            "`{}` already has a relation `{name}`",
            current.name
        ));
    }
    let column = format!("{name}_id");
    if current.fields.iter().any(|f| f.name == column) {
        return Some(format!(
            "the relation would add the column `{column}`, which is already a field; pick another name"
        ));
    }
    None
}

/// Snake case and keywords. SQL keywords only matter for fields, which become
/// bare columns: resources become plural tables and relations `{name}_id`
/// columns, so `order` and `user` stay available (the validator agrees).
fn identifier_problem(name: &str, is_field: bool) -> Option<String> {
    if name.is_empty() {
        return Some("a name is needed".into());
    }
    if !is_snake_identifier(name) {
        return Some(format!(
            "{name:?} is not snake_case: use lowercase letters, digits and single underscores, starting with a letter (e.g. `order_item`)"
        ));
    }
    if RUST_KEYWORDS.contains(&name) {
        return Some(format!("`{name}` is a Rust keyword; pick another name"));
    }
    if is_field && SQL_KEYWORDS.contains(&name) {
        return Some(format!("`{name}` is an SQL keyword; pick another name"));
    }
    None
}

/// The answers so far plus the resource being asked about, checked by the
/// spec validator itself.
struct Draft {
    text: String,
}

impl Draft {
    fn new(answers: &Answers, current: &ResourceAnswers) -> Self {
        let mut all = answers.clone();
        all.resources.push(current.clone());
        Self {
            text: to_toml(&all, "draft"),
        }
    }

    /// The first problem the validator reports at `key` or under it
    /// (`children`: also `key.anything`).
    fn problem(&self, key: &str, children: bool) -> Option<String> {
        let report = crate::spec::parse("draft", &self.text).err()?;
        let under = format!("{key}.");
        report
            .diagnostics
            .iter()
            .find(|d| d.key == key || (children && d.key.starts_with(&under)))
            .map(|d| {
                let mut text = d.message.clone();
                // The name itself was just typed: do not echo it.
                let typed = key.rsplit('.').next().unwrap_or_default();
                if let Some(found) = d.found.as_ref().filter(|f| f.trim_matches('"') != typed) {
                    let _ = write!(text, ": {found}");
                }
                // The session does not ask for `plural`: do not suggest it.
                if let Some(help) = d.help.as_ref().filter(|h| !h.contains("plural")) {
                    let help = help.strip_prefix("remove it; ").unwrap_or(help);
                    let _ = write!(text, " ({help})");
                }
                text
            })
    }
}

// ---------------------------------------------------------------------------
// The terminal session
// ---------------------------------------------------------------------------

/// Asks for the spec on the terminal (prompts on stderr) and returns it as
/// TOML text. With `yes`, asks nothing and returns the default spec.
pub fn session(name: &str, yes: bool) -> Result<String> {
    if yes {
        return Ok(to_toml(&Answers::defaults(name), name));
    }
    let ui = Ui::new();
    let result = run_session(&ui, name);
    if result.is_err() {
        // A prompt interrupted by Ctrl-C may leave the cursor hidden.
        let _ = Term::stderr().show_cursor();
    }
    result
}

fn run_session(ui: &Ui, name: &str) -> Result<String> {
    let answers = ask(ui, name)?;
    let text = to_toml(&answers, name);
    ui.say(&format!(
        "\n{} (saved as {} in the project)\n",
        style("The spec").bold(),
        crate::render::SPEC_FILE
    ));
    ui.say(&text);
    if let Err(report) = crate::spec::parse(crate::render::SPEC_FILE, &text) {
        return Err(Error::InvalidSpec(report));
    }
    if !ui.confirm(&format!("Generate {name} from this spec?"), true)? {
        return Err(Error::Prompt("cancelled".into()));
    }
    Ok(text)
}

fn ask(ui: &Ui, name: &str) -> Result<Answers> {
    ui.say(&format!(
        "{} Enter takes the answer in (parentheses); arrow keys move in lists.\n",
        style(format!("Describe the {name} service.")).bold()
    ));
    let mut answers = Answers::defaults(name);
    answers.resources.clear();

    answers.description = ui.text(
        "Project description",
        Some(&default_description(name)),
        |_| Ok(()),
    )?;

    loop {
        answers.database = match ui.select(
            "Database",
            &[
                "sqlite    (one file, nothing to install)",
                "postgres  (a PostgreSQL server)",
            ],
            0,
        )? {
            0 => Database::Sqlite,
            _ => Database::Postgres,
        };
        // Auth is not chosen yet: only the database matters here.
        if !ui.choose_again(&answers)? {
            break;
        }
    }

    loop {
        answers.auth = match ui.select(
            "Authentication",
            &[
                "none  (every route is public)",
                "jwt   (accounts, login, and per-action access rules)",
            ],
            0,
        )? {
            0 => AuthMode::None,
            _ => AuthMode::Jwt,
        };
        let auth_only = Answers {
            database: Database::Sqlite,
            ..answers.clone()
        };
        if !ui.choose_again(&auth_only)? {
            break;
        }
    }
    if answers.auth == AuthMode::Jwt {
        ask_roles(ui, &mut answers)?;
        ui.say(&format!(
            "{}",
            style("With jwt, accounts live in a resource named `user`; email, password and roles are added to it for you.")
                .dim()
        ));
    }

    ui.say(&format!(
        "\n{}",
        style("Resources (the things the API stores), one at a time.").bold()
    ));
    loop {
        let resource = ask_resource(ui, &answers)?;
        answers.resources.push(resource);
        let names: Vec<&str> = answers.resources.iter().map(|r| r.name.as_str()).collect();
        let next = ui.select(
            &format!(
                "Resources so far: {}. Add another resource?",
                names.join(", ")
            ),
            &["no, review the spec", "yes, add a resource"],
            0,
        )?;
        if next == 0 {
            break;
        }
    }
    Ok(answers)
}

fn ask_roles(ui: &Ui, answers: &mut Answers) -> Result<()> {
    let text = ui.text(
        "Roles (comma-separated)",
        Some("admin, member"),
        |text: &String| parse_roles(text).map(|_| ()),
    )?;
    answers.roles = parse_roles(&text).map_err(Error::Prompt)?;
    let roles: Vec<&str> = answers.roles.iter().map(String::as_str).collect();
    if roles.len() == 1 {
        answers.admin_role = roles[0].to_string();
        answers.default_role = roles[0].to_string();
        return Ok(());
    }
    let position =
        |name: &str, fallback: usize| roles.iter().position(|r| *r == name).unwrap_or(fallback);
    let admin = ui.select(
        "Admin role (passes every access rule)",
        &roles,
        position("admin", 0),
    )?;
    let default = ui.select(
        "Role given to new accounts",
        &roles,
        position(
            "member",
            if admin == roles.len() - 1 {
                0
            } else {
                roles.len() - 1
            },
        ),
    )?;
    answers.admin_role = roles[admin].to_string();
    answers.default_role = roles[default].to_string();
    Ok(())
}

fn ask_resource(ui: &Ui, answers: &Answers) -> Result<ResourceAnswers> {
    let first = answers.resources.is_empty();
    let suggested = match answers.auth {
        AuthMode::Jwt if !answers.resources.iter().any(|r| r.name == "user") => Some("user"),
        _ if first => Some("item"),
        _ => None,
    };
    ui.say("");
    let name = ui.text(
        "Resource name (singular, snake_case, e.g. order_item)",
        suggested,
        |text: &String| match resource_name_problem(answers, text.trim()) {
            Some(problem) => Err(problem),
            None => Ok(()),
        },
    )?;
    let name = name.trim().to_string();
    let mut r = ResourceAnswers::new(&name);
    r.description = ui.optional_text(
        &format!("Describe a {name} in a sentence (optional)"),
        "",
        |_| Ok(()),
    )?;

    ui.say(&format!(
        "{}",
        style(format!(
            "Fields of {name} (id and timestamps are added for you)."
        ))
        .dim()
    ));
    loop {
        let field = ask_field(ui, answers, &r)?;
        r.fields.push(field);
        let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
        let next = ui.select(
            &format!("Fields of {name}: {}. Add another field?", names.join(", ")),
            &["no, go on", "yes, add a field"],
            0,
        )?;
        if next == 0 {
            break;
        }
    }

    ask_belongs_to(ui, answers, &mut r)?;
    let others: Vec<&str> = answers.resources.iter().map(|o| o.name.as_str()).collect();
    if !others.is_empty() {
        let picked = ui.multi(
            &format!("Many-to-many links from {name} (Space picks, Enter goes on; none is fine)"),
            &others,
        )?;
        r.many_to_many = picked.into_iter().map(|i| others[i].to_string()).collect();
    }

    r.soft_delete = ui.confirm(
        &format!("Soft delete ({name} rows are hidden, not removed)?"),
        false,
    )?;
    r.versioned = ui.confirm(
        &format!(
            "Versioned (optimistic locking: an update must send the {name}'s current version)?"
        ),
        false,
    )?;
    if answers.auth == AuthMode::Jwt {
        ask_access(ui, answers, &mut r)?;
    }
    Ok(r)
}

fn ask_field(ui: &Ui, answers: &Answers, current: &ResourceAnswers) -> Result<FieldAnswers> {
    let resource = &current.name;
    let suggested = (current.fields.is_empty()
        && field_name_problem(answers, current, "name").is_none())
    .then_some("name");
    let labels = [
        "string       short text with a maximum length",
        "text         long text",
        "integer      32-bit whole number",
        "big_integer  64-bit whole number",
        "float        floating-point number",
        "decimal      exact number, e.g. money",
        "boolean      true or false",
        "uuid",
        "date         a calendar day",
        "datetime     a moment (UTC)",
        "json         any JSON value",
        "enum         one of a fixed list of words",
    ];
    let mut field = loop {
        let name = ui.text(
            &format!("Field name ({resource})"),
            suggested,
            |text: &String| match field_name_problem(answers, current, text.trim()) {
                Some(problem) => Err(problem),
                None => Ok(()),
            },
        )?;
        let name = name.trim().to_string();

        let pick = ui.select(&format!("Type of {name}"), &labels, 0)?;
        let chosen = FieldType::ALLOWED[pick];
        let ty = match (FieldType::plain(chosen), chosen) {
            (Some(plain), _) => plain,
            (None, "decimal") => {
                let scale = ui.text(
                    "Decimal places (scale, 0 to 18)",
                    Some("2"),
                    |text: &String| match text.trim().parse::<u32>() {
                        Ok(n) if n <= 18 => Ok(()),
                        _ => Err("enter a whole number from 0 to 18".to_string()),
                    },
                )?;
                FieldType::Decimal {
                    precision: 18,
                    scale: scale.trim().parse().unwrap_or(2),
                }
            }
            _ => {
                let values = ui.text(
                    "Values (comma-separated snake_case words)",
                    None,
                    |text: &String| parse_enum_values(text).map(|_| ()),
                )?;
                FieldType::Enum {
                    values: parse_enum_values(&values).map_err(Error::Prompt)?,
                }
            }
        };
        // Numbers and dates get list filters (`price_min`, `born_after`)
        // that may clash with a field already entered.
        let mut probe = current.clone();
        probe.fields.push(FieldAnswers::new(&name, ty.clone()));
        match Draft::new(answers, &probe).problem(&format!("resources.{resource}.fields"), true) {
            Some(problem) => ui.warn(&format!(
                "{problem}; enter the field again with another name or type"
            )),
            None => break FieldAnswers::new(&name, ty),
        }
    };
    let name = field.name.clone();
    let ty = field.ty.clone();

    field.required = ui.confirm(&format!("Is {name} required?"), true)?;
    if !matches!(ty, FieldType::Json | FieldType::Boolean) {
        field.unique = ui.confirm(
            &format!("Must {name} be unique among {resource} rows?"),
            false,
        )?;
    }

    if ty.is_textual() {
        let min = ui.optional_text("Minimum length (blank for none)", "", |text: &String| {
            parse_count(text, 0).map(|_| ())
        })?;
        field.rules.min_length = parse_count(&min, 0).map_err(Error::Prompt)?;
        let min_length = field.rules.min_length;
        let initial = if ty == FieldType::String { "200" } else { "" };
        let max = ui.optional_text(
            "Maximum length (blank for none)",
            initial,
            |text: &String| match parse_count(text, 1)? {
                Some(max) if min_length.is_some_and(|min| min > max) => Err(format!(
                    "the maximum is below the minimum length {}",
                    min_length.unwrap_or_default()
                )),
                _ => Ok(()),
            },
        )?;
        field.rules.max_length = parse_count(&max, 1).map_err(Error::Prompt)?;
        if ty == FieldType::String {
            field.rules.format =
                match ui.select("Format", &["any text", "email address", "http(s) URL"], 0)? {
                    1 => Some(Format::Email),
                    2 => Some(Format::Url),
                    _ => None,
                };
        }
        if field.rules.format.is_none() {
            let pattern = ui.optional_text(
                "Regular expression it must match (blank for none)",
                "",
                |text: &String| match regex::Regex::new(text) {
                    _ if text.is_empty() => Ok(()),
                    Ok(_) => Ok(()),
                    Err(e) => Err(format!(
                        "not a valid regular expression: {}",
                        e.to_string().lines().last().unwrap_or_default().trim()
                    )),
                },
            )?;
            field.rules.pattern = (!pattern.is_empty()).then_some(pattern);
        }
    }

    if ty.is_numeric() {
        let number = |text: &String| -> Result<Option<Bound>, String> {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                parse_number(text, &ty).map(Some)
            }
        };
        let min = ui.optional_text("Minimum (blank for none)", "", |text: &String| {
            number(text).map(|_| ())
        })?;
        field.rules.min = number(&min).map_err(Error::Prompt)?;
        let min_bound = field.rules.min.clone();
        let max = ui.optional_text("Maximum (blank for none)", "", |text: &String| {
            match (number(text)?, &min_bound) {
                (Some(max), Some(min)) if bound_value(min) > bound_value(&max) => {
                    Err("the maximum is below the minimum".to_string())
                }
                _ => Ok(()),
            }
        })?;
        field.rules.max = number(&max).map_err(Error::Prompt)?;
    }

    if ty == FieldType::Boolean {
        field.default = match ui.select(
            &format!("Default for {name}"),
            &["no default", "false", "true"],
            0,
        )? {
            1 => Some(Literal::Boolean(false)),
            2 => Some(Literal::Boolean(true)),
            _ => None,
        };
    } else if takes_default(&ty) {
        let hint = match &ty {
            FieldType::Enum { values } => format!(" ({})", values.join(", ")),
            _ => String::new(),
        };
        let default_key = format!("resources.{resource}.fields.{name}.default");
        let without_default = field.clone();
        let check = |text: &String| -> Result<Option<Literal>, String> {
            if text.is_empty() {
                return Ok(None);
            }
            let literal = parse_default(text, &ty)?;
            let mut probe = current.clone();
            let mut candidate = without_default.clone();
            candidate.default = Some(literal.clone());
            probe.fields.push(candidate);
            match Draft::new(answers, &probe).problem(&default_key, false) {
                Some(problem) => Err(problem),
                None => Ok(Some(literal)),
            }
        };
        let default = ui.optional_text(
            &format!("Default value{hint} (blank for none)"),
            "",
            |text: &String| check(text).map(|_| ()),
        )?;
        field.default = check(&default).map_err(Error::Prompt)?;
    }
    Ok(field)
}

fn ask_belongs_to(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    let name = r.name.clone();
    let mut targets: Vec<String> = answers.resources.iter().map(|o| o.name.clone()).collect();
    targets.push(name.clone());
    loop {
        let mut items = vec![if r.belongs_to.is_empty() {
            "no, go on".to_string()
        } else {
            "no more, go on".to_string()
        }];
        items.extend(targets.iter().map(|t| {
            if *t == name {
                format!("{t} (itself: a parent {t})")
            } else {
                t.clone()
            }
        }));
        let pick = ui.select(
            &format!("Does each {name} belong to another resource (a foreign key)?"),
            &items,
            0,
        )?;
        if pick == 0 {
            return Ok(());
        }
        let target = targets[pick - 1].clone();
        let suggested = relation_name_problem(r, &target)
            .is_none()
            .then(|| {
                if target == name {
                    format!("parent_{target}")
                } else {
                    target.clone()
                }
            })
            .filter(|s| relation_name_problem(r, s).is_none());
        let current: &ResourceAnswers = r;
        let relation = ui.text(
            "Relation name (the column is NAME_id; e.g. author for a user)",
            suggested.as_deref(),
            |text: &String| match relation_name_problem(current, text.trim()) {
                Some(problem) => Err(problem),
                None => Ok(()),
            },
        )?;
        let relation = relation.trim().to_string();
        let required = ui.confirm(
            &format!("Is the {relation} required on every {name}?"),
            target != name,
        )?;
        let mut choices = vec![
            (
                OnDelete::Restrict,
                format!("restrict  refuse to delete a {target} that still has {name} rows"),
            ),
            (
                OnDelete::Cascade,
                format!("cascade   delete its {name} rows too"),
            ),
        ];
        if !required {
            choices.insert(
                0,
                (
                    OnDelete::SetNull,
                    format!("set_null  keep the {name} rows, clear their {relation}"),
                ),
            );
        }
        let labels: Vec<&str> = choices.iter().map(|(_, l)| l.as_str()).collect();
        let on_delete = choices[ui.select(&format!("When a {target} is deleted"), &labels, 0)?].0;
        r.belongs_to.push(RelationAnswers {
            name: relation,
            target,
            required,
            on_delete,
        });
    }
}

fn ask_access(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    let owners: Vec<&str> = r
        .belongs_to
        .iter()
        .filter(|b| b.target == "user")
        .map(|b| b.name.as_str())
        .collect();
    let mut rules = vec![
        (
            Rule::Public,
            "public         anyone, signed in or not".to_string(),
        ),
        (
            Rule::Authenticated,
            "authenticated  any signed-in account".to_string(),
        ),
    ];
    if !owners.is_empty() {
        rules.push((
            Rule::Owner,
            format!(
                "owner          the account the row belongs to ({})",
                owners.join(" or ")
            ),
        ));
    }
    for role in &answers.roles {
        rules.push((
            Rule::Role(role.clone()),
            format!("{role:<14} accounts with the {role} role"),
        ));
    }
    let labels: Vec<&str> = rules.iter().map(|(_, l)| l.as_str()).collect();
    let plural = crate::names::Names::new(&r.name, None).plural_words;
    let singular = r.name.replace('_', " ");
    let ask_rule = |question: String| -> Result<Vec<Rule>> {
        let i = ui.select(&question, &labels, 1)?;
        Ok(vec![rules[i].0.clone()])
    };
    let access = Access {
        list: ask_rule(format!("Who may list {plural}?"))?,
        read: ask_rule(format!("Who may read one {singular}?"))?,
        create: ask_rule(format!("Who may create {plural}?"))?,
        update: ask_rule(format!("Who may update {plural}?"))?,
        delete: ask_rule(format!("Who may delete {plural}?"))?,
    };
    if access
        .by_action()
        .iter()
        .any(|(_, rules)| rules.contains(&Rule::Owner))
    {
        r.owner = Some(if owners.len() == 1 {
            owners[0].to_string()
        } else {
            owners[ui.select("Which relation is the owner?", &owners, 0)?].to_string()
        });
    }
    r.access = Some(access);
    Ok(())
}

/// The prompts, on stderr, with dialoguer errors mapped to `Error::Prompt`.
struct Ui {
    theme: ColorfulTheme,
}

impl Ui {
    fn new() -> Self {
        Self {
            theme: ColorfulTheme::default(),
        }
    }

    fn say(&self, text: &str) {
        eprintln!("{text}");
    }

    fn warn(&self, text: &str) {
        eprintln!("{} {text}", style("✘").red());
    }

    /// After a choice this version of the generator cannot act on yet: says
    /// so and asks whether to choose again.
    fn choose_again(&self, answers: &Answers) -> Result<bool> {
        let missing = unsupported(answers);
        if missing.is_empty() {
            return Ok(false);
        }
        self.warn(&format!(
            "this version of backend-gen cannot generate this yet: {}",
            missing.join("; ")
        ));
        self.confirm("Choose again?", true)
    }

    /// A required answer; `default` is taken on a bare Enter.
    fn text<'a>(
        &'a self,
        prompt: &str,
        default: Option<&str>,
        validate: impl FnMut(&String) -> Result<(), String> + 'a,
    ) -> Result<String> {
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .validate_with(validate);
        if let Some(default) = default {
            input = input.default(default.to_string());
        }
        input.interact_text().map_err(prompt_error)
    }

    /// An answer that may be left blank; `initial` is pre-filled, editable.
    fn optional_text<'a>(
        &'a self,
        prompt: &str,
        initial: &str,
        validate: impl FnMut(&String) -> Result<(), String> + 'a,
    ) -> Result<String> {
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(validate);
        if !initial.is_empty() {
            input = input.with_initial_text(initial);
        }
        input
            .interact_text()
            .map(|s| s.trim().to_string())
            .map_err(prompt_error)
    }

    fn select<S: ToString>(&self, prompt: &str, items: &[S], default: usize) -> Result<usize> {
        Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items.iter().map(ToString::to_string))
            .default(default)
            .interact()
            .map_err(prompt_error)
    }

    fn multi<S: ToString>(&self, prompt: &str, items: &[S]) -> Result<Vec<usize>> {
        MultiSelect::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items.iter().map(ToString::to_string))
            .interact()
            .map_err(prompt_error)
    }

    fn confirm(&self, prompt: &str, default: bool) -> Result<bool> {
        Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            .interact()
            .map_err(prompt_error)
    }
}

fn prompt_error(e: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = e;
    match io.kind() {
        std::io::ErrorKind::Interrupted => Error::Prompt("cancelled".into()),
        std::io::ErrorKind::NotConnected => Error::Prompt(
            "no terminal to ask questions on: pass the spec with --spec FILE, or --yes for the defaults".into(),
        ),
        _ => Error::Prompt(format!("the interactive session failed: {io}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Spec, parse};

    fn valid(answers: &Answers) -> (Spec, String) {
        let text = to_toml(answers, "demo");
        match parse("t.toml", &text) {
            Ok(spec) => (spec, text),
            Err(report) => panic!("the written spec should be valid:\n{report}\n---\n{text}"),
        }
    }

    fn field(name: &str, ty: FieldType) -> FieldAnswers {
        FieldAnswers::new(name, ty)
    }

    fn resource(name: &str, fields: Vec<FieldAnswers>) -> ResourceAnswers {
        ResourceAnswers {
            fields,
            ..ResourceAnswers::new(name)
        }
    }

    #[test]
    fn defaults_give_a_small_valid_spec() {
        let (spec, text) = valid(&Answers::defaults("demo"));
        assert!(text.starts_with(
            "# Written by `backend-gen new demo`; re-run with `backend-gen new demo --spec backend-gen.toml`\n"
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
    fn yes_takes_every_default_without_a_terminal() {
        let text = session("demo", true).expect("--yes asks nothing");
        assert_eq!(text, to_toml(&Answers::defaults("demo"), "demo"));
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
        assert!(text.contains("roles = [\"boss\", \"editor\", \"reader\"]\nadmin_role = \"boss\"\ndefault_role = \"reader\"\n"), "{text}");
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
        assert_eq!(post.owner.as_deref(), Some("author"));
        assert_eq!(post.access, a.resources[1].access.clone().unwrap());
        assert_eq!(spec.resource("tag").unwrap().access, Access::everyone());
        assert_eq!(
            spec.resource("note").unwrap().access,
            Access::all(vec![Rule::Authenticated])
        );
    }

    #[test]
    fn default_roles_are_not_repeated() {
        let mut a = Answers::defaults("demo");
        a.auth = AuthMode::Jwt;
        let (spec, text) = valid(&a);
        assert!(
            text.contains("[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"member\"]\n\n"),
            "{text}"
        );
        assert_eq!(spec.auth.admin_role, "admin");
        assert_eq!(spec.auth.default_role, "member");
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
    fn numbers_typed_at_the_prompt() {
        let decimal = FieldType::Decimal {
            precision: 18,
            scale: 2,
        };
        assert_eq!(
            parse_number("007.50", &decimal),
            Ok(Bound::Decimal("7.50".into()))
        );
        assert_eq!(parse_number("-0", &decimal), Ok(Bound::Decimal("0".into())));
        assert_eq!(parse_number("+3", &decimal), Ok(Bound::Decimal("3".into())));
        assert_eq!(
            parse_number("1_000.5", &decimal),
            Ok(Bound::Decimal("1000.5".into()))
        );
        for bad in ["1.234", ".5", "1.", "1e3", "abc", ""] {
            assert!(parse_number(bad, &decimal).is_err(), "{bad}");
        }
        assert_eq!(
            parse_number(" 42 ", &FieldType::Integer),
            Ok(Bound::Integer(42))
        );
        assert!(parse_number("3000000000", &FieldType::Integer).is_err());
        assert_eq!(
            parse_number("3000000000", &FieldType::BigInteger),
            Ok(Bound::Integer(3_000_000_000))
        );
        assert_eq!(
            parse_number("1e3", &FieldType::Float),
            Ok(Bound::Float(1000.0))
        );
        assert!(parse_number("inf", &FieldType::Float).is_err());
        assert_eq!(float_toml(1000.0), "1000.0");
        assert_eq!(parse_count("", 1), Ok(None));
        assert_eq!(parse_count("0", 0), Ok(Some(0)));
        assert!(parse_count("0", 1).is_err());
        assert!(parse_count("-1", 0).is_err());
    }

    #[test]
    fn lists_typed_at_the_prompt() {
        assert_eq!(
            parse_roles(" admin, editor ,member,"),
            Ok(vec!["admin".into(), "editor".into(), "member".into()])
        );
        assert!(parse_roles("").is_err());
        assert!(parse_roles("admin, Admin").is_err());
        assert!(parse_roles("admin, owner").is_err());
        assert!(parse_roles("admin, admin").is_err());
        assert_eq!(
            parse_enum_values("draft, published"),
            Ok(vec!["draft".into(), "published".into()])
        );
        assert!(parse_enum_values("in stock").is_err());
        assert!(parse_enum_values(" , ").is_err());
        let status = FieldType::Enum {
            values: vec!["draft".into()],
        };
        assert_eq!(
            parse_default("draft", &status),
            Ok(Literal::String("draft".into()))
        );
        assert!(parse_default("live", &status).is_err());
    }

    #[test]
    fn names_are_checked_at_the_prompt() {
        let mut a = Answers::defaults("demo");
        // `item` exists; resource names may be SQL keywords (their tables are plural).
        for ok in ["order", "user", "order_item"] {
            assert_eq!(resource_name_problem(&a, ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "a name is needed"),
            ("Order", "not snake_case"),
            ("order-item", "not snake_case"),
            ("type", "Rust keyword"),
            ("item", "already a resource"),
            ("auth", "reserved"),
        ] {
            let problem = resource_name_problem(&a, bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad}: {problem}");
        }

        let mut product = resource("product", vec![field("price", FieldType::Integer)]);
        assert_eq!(field_name_problem(&a, &product, "label"), None);
        for (bad, why) in [
            ("select", "SQL keyword"),
            ("match", "Rust keyword"),
            ("price", "already has a field"),
            ("id", "taken by a generated one"),
            ("page", "taken by a generated one"),
            ("price_min", "clashes with a generated list filter"),
            ("created_after", "clashes with a generated list filter"),
        ] {
            let problem = field_name_problem(&a, &product, bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad}: {problem}");
        }

        a.auth = AuthMode::Jwt;
        let user = resource("user", vec![field("display_name", FieldType::String)]);
        let problem = field_name_problem(&a, &user, "email").unwrap_or_default();
        assert!(problem.contains("jwt auth flow"), "{problem}");

        product.fields.push(field("owner_id", FieldType::Uuid));
        assert!(
            relation_name_problem(&product, "owner")
                .unwrap()
                .contains("owner_id")
        );
        assert_eq!(relation_name_problem(&product, "order"), None);
        assert!(
            relation_name_problem(&product, "fn")
                .unwrap()
                .contains("Rust keyword")
        );
    }
}
