//! The terminal session: dialoguer prompts on stderr that fill [`Answers`],
//! one question at a time, each answer checked before it is taken.

use dialoguer::console::style;

use super::answers::{
    Answers, FieldAnswers, RelationAnswers, ResourceAnswers, default_description, to_toml,
};
use super::checks::{Draft, field_name_problem, relation_name_problem, resource_name_problem};
use super::parse::{
    parse_count, parse_default, parse_enum_values, parse_number, parse_roles, takes_default,
};
use super::review::{self, review};
use super::ui::{self, Ui};
use crate::error::{Error, Result};
use crate::names::with_article;
use crate::spec::{
    Access, AuthMode, Bound, Database, FieldType, Format, Literal, OnDelete, Rule, bound_value,
};

/// `backend-gen new NAME`'s questions, then the review; `Some(spec)` to
/// generate, `None` when the user saved the spec and quit (and was told where).
/// Esc at any question goes back one ([`Ui::run`]).
pub(super) fn run_session(ui: &Ui, saving: &Saving) -> Result<Option<String>> {
    ui.run(|ui| {
        let mut answers = ask(ui, saving)?;
        review(ui, &mut answers, saving)
    })
}

/// "Add to this project": new resources asked one at a time, appended to the
/// project's spec, then the review. `Some(spec)` is the whole new spec.
pub(super) fn run_add_session(
    ui: &Ui,
    saving: &Saving,
    answers: Answers,
) -> Result<Option<String>> {
    ui.run(|ui| {
        let mut answers = answers.clone();
        ui.say(&format!(
            "{} Enter takes the answer in (parentheses); arrow keys move in lists; Esc goes back.",
            style(format!("Add resources to {}.", saving.project)).bold()
        ));
        ui.say(&format!(
            "{}",
            style(format!(
                "It has: {}. (A field for one of those: `backend-gen add field`.)",
                answers.resource_names().join(", ")
            ))
            .dim()
        ));
        ask_resources(
            ui,
            &mut answers,
            saving,
            "New resources",
            "no, review the addition",
        )?;
        review(ui, &mut answers, saving)
    })
}

/// Where a session's answers go when it ends without generating (saved and
/// quit, or Ctrl-C), and what the user is told about them.
#[derive(Debug, Clone)]
pub(super) struct Saving {
    /// The project's name: `NAME.spec.toml`, and `backend-gen new NAME`.
    pub(super) project: String,
    /// `new`'s `--output`, repeated in the command to generate with; with
    /// `adding`, the project's directory when it is not the current one.
    pub(super) output: Option<std::path::PathBuf>,
    /// "Add to this project": the saved spec is the project's, with additions.
    pub(super) adding: bool,
}

impl Saving {
    /// Saves the answers' spec (`text`, from [`to_toml`]) and returns where, and
    /// what to do with it.
    pub(super) fn save(&self, text: &str) -> Result<String> {
        let path = save_answers(&self.project, |path| self.saved_text(text, path))?;
        Ok(self.advice(&path.display().to_string()))
    }

    /// Where the answers are (`file`), and the command that uses them.
    fn advice(&self, file: &str) -> String {
        if self.adding {
            let (spec, update) = match &self.output {
                Some(dir) => (
                    shell_word(&dir.join(crate::render::SPEC_FILE).display().to_string()),
                    format!(
                        "backend-gen update {}",
                        shell_word(&dir.display().to_string())
                    ),
                ),
                None => (
                    crate::render::SPEC_FILE.to_string(),
                    "backend-gen update".to_string(),
                ),
            };
            format!(
                "nothing changed in the project, and the spec with your additions is saved in \
                 {file}; to apply it:\n  cp {} {spec} && {update}",
                shell_word(file),
            )
        } else {
            format!(
                "the spec is saved in {file}; to generate from it:\n  {}",
                self.generate_command(file)
            )
        }
    }

    /// `backend-gen new` from the saved answers in `file`, as the session was started.
    fn generate_command(&self, file: &str) -> String {
        let output = match &self.output {
            Some(dir) => format!(" -o {}", shell_word(&dir.display().to_string())),
            None => String::new(),
        };
        format!(
            "backend-gen new {} --spec {}{output}",
            shell_word(&self.project),
            shell_word(file)
        )
    }

    /// A new project's spec carries the generated project's header; saved
    /// answers say what they are and how to generate from them instead.
    fn saved_text(&self, text: &str, path: &std::path::Path) -> String {
        if self.adding {
            return text.to_string();
        }
        let header: usize = text
            .split_inclusive('\n')
            .take_while(|line| line.starts_with('#'))
            .map(str::len)
            .sum();
        format!(
            "# The answers of `backend-gen new {}`, saved before generating. Generate with\n\
             # `{}`.\n{}",
            self.project,
            self.generate_command(&path.display().to_string()),
            &text[header..]
        )
    }

    /// Leaves the answers so far (and `current`, the resource being asked)
    /// for Ctrl-C to save.
    pub(super) fn checkpoint(&self, answers: &Answers, current: Option<&ResourceAnswers>) {
        let mut answers = answers.clone();
        answers.resources.extend(current.cloned());
        let text = to_toml(&answers, &self.project);
        let saving = self.clone();
        ui::checkpoint(Box::new(move || match saving.save(&text) {
            Ok(said) => said,
            Err(e) => format!("the answers could not be saved: {e}"),
        }));
    }
}

/// `word` as one shell word: as it is when it has nothing a shell reads, else
/// single-quoted.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./=+:,@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) && !word.starts_with('-') {
        word.to_string()
    } else if word.starts_with('-') && word.chars().all(plain) {
        format!("./{word}")
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Keeps a session's answers when it ends without generating: `NAME.spec.toml` in the
/// current directory (`NAME.spec-2.toml`... when taken; nothing is overwritten).
/// `text` gives the file's text for the path chosen.
fn save_answers(
    name: &str,
    text: impl Fn(&std::path::Path) -> String,
) -> Result<std::path::PathBuf> {
    for n in 1.. {
        let path = std::path::PathBuf::from(match n {
            1 => format!("{name}.spec.toml"),
            n => format!("{name}.spec-{n}.toml"),
        });
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                use std::io::Write as _;
                file.write_all(text(&path).as_bytes())
                    .map_err(|e| Error::io(&path, e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    unreachable!("some numbered name is free")
}

fn ask(ui: &Ui, saving: &Saving) -> Result<Answers> {
    let name = saving.project.as_str();
    ui.say(&format!(
        "{} Enter takes the answer in (parentheses); arrow keys move in lists; Esc goes back.\n",
        style(format!("Describe the {name} service.")).bold()
    ));
    let mut answers = Answers::defaults(name);
    answers.resources.clear();

    answers.description = ui.text(
        "Project description",
        Some(&default_description(name)),
        |_| Ok(()),
    )?;

    saving.checkpoint(&answers, None);
    answers.database = ask_database(ui, answers.database)?;
    saving.checkpoint(&answers, None);
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
    if answers.auth == AuthMode::Jwt {
        ask_roles(ui, &mut answers)?;
        ui.say(&format!(
            "{}",
            style("With jwt, accounts live in a resource named `user`; email, password and roles are added to it for you.")
                .dim()
        ));
    }

    saving.checkpoint(&answers, None);
    ui.say(&format!(
        "\n{}",
        style("Resources (the things the API stores), one at a time.").bold()
    ));
    ask_resources(
        ui,
        &mut answers,
        saving,
        "Resources so far",
        "no, review the spec",
    )?;
    Ok(answers)
}

/// The database, `current` suggested.
pub(super) fn ask_database(ui: &Ui, current: Database) -> Result<Database> {
    let pick = ui.select(
        "Database",
        &[
            "sqlite    (one file, nothing to install)",
            "postgres  (a PostgreSQL server)",
        ],
        usize::from(current == Database::Postgres),
    )?;
    Ok(if pick == 0 {
        Database::Sqlite
    } else {
        Database::Postgres
    })
}

/// Resources, one at a time, until the answer is `done` (the first choice);
/// the resources asked so far can be edited or removed in between.
fn ask_resources(
    ui: &Ui,
    answers: &mut Answers,
    saving: &Saving,
    so_far: &str,
    done: &str,
) -> Result<()> {
    let mut add = true;
    loop {
        if add {
            let resource = ask_resource(ui, answers, saving)?;
            answers.resources.push(resource);
            saving.checkpoint(answers, None);
        }
        let names: Vec<&str> = answers.resources.iter().map(|r| r.name.as_str()).collect();
        let mut choices = vec![done, "yes, add a resource"];
        if !names.is_empty() {
            choices.push("edit or remove a resource");
        }
        let next = ui.select(
            &format!("{so_far}: {}. Add another resource?", names.join(", ")),
            &choices,
            0,
        )?;
        match next {
            0 if !answers.resources.is_empty() => return Ok(()),
            0 => ui.warn("add a resource first"),
            2 => review::change_resource(ui, answers)?,
            _ => {}
        }
        add = next == 1;
        saving.checkpoint(answers, None);
    }
}

fn ask_roles(ui: &Ui, answers: &mut Answers) -> Result<()> {
    let text = ui.text(
        "Roles (comma-separated)",
        Some("admin, member"),
        |text: &String| parse_roles(text).map(|_| ()),
    )?;
    let mut roles = parse_roles(&text).map_err(Error::Prompt)?;
    answers.admin_role = ask_admin_role(ui, &mut roles)?;
    answers.default_role = ask_default_role(ui, &mut roles, &answers.admin_role)?;
    answers.roles = roles;
    Ok(())
}

/// The admin role passes every access rule, so it is always picked, never
/// implied: a role list without `admin` is offered one, added in front.
fn ask_admin_role(ui: &Ui, roles: &mut Vec<String>) -> Result<String> {
    const ADMIN: &str = "admin";
    if roles.len() == 1 && roles[0] == ADMIN {
        return Ok(ADMIN.into());
    }
    let mut items = roles.clone();
    let added = (!roles.iter().any(|r| r == ADMIN)).then_some(items.len());
    if added.is_some() {
        items.push(format!("{ADMIN}  (add a role for administrators)"));
    }
    let suggested = roles
        .iter()
        .position(|r| r == ADMIN)
        .or(added)
        .unwrap_or_default();
    let pick = ui.select("Admin role (passes every access rule)", &items, suggested)?;
    if Some(pick) == added {
        roles.insert(0, ADMIN.into());
        return Ok(ADMIN.into());
    }
    Ok(roles[pick].clone())
}

/// The role new accounts get. Giving them the admin role makes every account
/// pass every rule: offered last, and said so.
fn ask_default_role(ui: &Ui, roles: &mut Vec<String>, admin: &str) -> Result<String> {
    let mut items: Vec<String> = roles.iter().filter(|r| *r != admin).cloned().collect();
    let others = items.len();
    // With the admin role alone, offer a plain role for new accounts.
    let added = (others == 0).then(|| {
        let name = if admin == "member" { "user" } else { "member" };
        items.push(format!("{name}  (add a role for new accounts)"));
        name.to_string()
    });
    items.push(format!(
        "{admin}  (the admin role: every account passes every access rule)"
    ));
    let suggested = items
        .iter()
        .position(|r| r == "member")
        .unwrap_or(items.len().saturating_sub(2));
    let pick = ui.select("Role given to new accounts", &items, suggested)?;
    Ok(match &added {
        Some(name) if pick == 0 => {
            roles.push(name.clone());
            name.clone()
        }
        _ if pick == items.len() - 1 => admin.to_string(),
        _ => items[pick].clone(),
    })
}

/// What the roles mean, under the spec shown for review.
pub(super) fn say_roles(ui: &Ui, answers: &Answers) {
    let admin = &answers.admin_role;
    if answers.every_account_is_admin() {
        ui.warn(&format!(
            "Every new account gets `{admin}`, the admin role: every account passes every access rule."
        ));
    } else {
        ui.say(&format!(
            "Accounts: `{admin}` passes every access rule; new accounts get `{}`. \
             Make the first admin with the service's `grant-role` command.",
            answers.default_role
        ));
    }
}

pub(super) fn ask_resource(ui: &Ui, answers: &Answers, saving: &Saving) -> Result<ResourceAnswers> {
    let known = answers.resource_names();
    let first = known.is_empty();
    let suggested = match answers.auth {
        AuthMode::Jwt if !known.iter().any(|r| r == "user") => Some("user"),
        _ if first => Some("item"),
        _ => None,
    };
    ui.say("");
    let name = ask_resource_name(ui, answers, suggested)?;
    let mut r = ResourceAnswers::new(&name);
    r.description = ui.optional_text(
        &format!(
            "Describe {} in a sentence (optional)",
            with_article(&words(&name))
        ),
        |_| Ok(()),
    )?;

    ui.say(&format!(
        "{}",
        style(format!(
            "Fields of {name} (id and timestamps are added for you)."
        ))
        .dim()
    ));
    saving.checkpoint(answers, Some(&r));
    let mut add = true;
    loop {
        if add {
            let field = ask_field(ui, answers, &r, None)?;
            r.fields.push(field);
        }
        saving.checkpoint(answers, Some(&r));
        let names: Vec<&str> = r.fields.iter().map(|f| f.name.as_str()).collect();
        let next = ui.select(
            &format!("Fields of {name}: {}. Add another field?", names.join(", ")),
            &["no, go on", "yes, add a field", "edit or remove a field"],
            0,
        )?;
        match next {
            0 if !r.fields.is_empty() => break,
            0 => ui.warn(&format!("{name} needs a field")),
            2 => review::change_fields(ui, answers, &mut r)?,
            _ => {}
        }
        add = next == 1;
    }

    saving.checkpoint(answers, Some(&r));
    ask_belongs_to(ui, answers, &mut r)?;
    saving.checkpoint(answers, Some(&r));
    let others: Vec<&str> = known.iter().map(String::as_str).collect();
    if !others.is_empty() {
        let picked = ui.multi(
            &format!("Many-to-many links from {name} (Space picks, Enter goes on; none is fine)"),
            &others,
            &[],
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

/// A new resource's name. One that reads as a plural (`books`) is refused by the
/// validator, which offers its singular (the generated names expect "a book", `/books`).
fn ask_resource_name(ui: &Ui, answers: &Answers, suggested: Option<&str>) -> Result<String> {
    let name = ui.text(
        "Resource name (singular, snake_case, e.g. order_item)",
        suggested,
        |text: &String| match resource_name_problem(answers, text.trim()) {
            Some(problem) => Err(problem),
            None => Ok(()),
        },
    )?;
    Ok(name.trim().to_string())
}

/// A snake_case name as words for prose: `order_item` → "order item".
fn words(name: &str) -> String {
    name.replace('_', " ")
}

/// A field of `current`; `existing` (a field being edited, left out of
/// `current`) gives the suggested answers.
pub(super) fn ask_field(
    ui: &Ui,
    answers: &Answers,
    current: &ResourceAnswers,
    existing: Option<&FieldAnswers>,
) -> Result<FieldAnswers> {
    let resource = &current.name;
    let suggested = match existing {
        Some(field) => Some(field.name.as_str()),
        None => (current.fields.is_empty()
            && field_name_problem(answers, current, "name").is_none())
        .then_some("name"),
    };
    let suggested_type = existing
        .and_then(|f| {
            FieldType::ALLOWED
                .iter()
                .position(|t| *t == f.ty.spec_name())
        })
        .unwrap_or(0);
    let labels = [
        "string       short text with a maximum length",
        "text         long text",
        "integer      32-bit whole number",
        "big_integer  64-bit whole number",
        "float        floating-point number",
        "decimal      exact number, e.g. money",
        "boolean      true or false",
        "uuid         a unique identifier (128-bit)",
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

        let pick = ui.fuzzy_select(
            &format!("Type of {name} (type to filter)"),
            &labels,
            suggested_type,
        )?;
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

    field.required = ui.confirm(
        &format!("Is {name} required?"),
        existing.is_none_or(|f| f.required),
    )?;
    if !matches!(ty, FieldType::Json | FieldType::Boolean) {
        field.unique = ui.confirm(
            &format!("Must {name} be unique among {resource} rows?"),
            existing.is_some_and(|f| f.unique),
        )?;
    }

    if ty.is_textual() {
        let min = ui.optional_text("Minimum length (blank for none)", |text: &String| {
            parse_count(text, 0).map(|_| ())
        })?;
        field.rules.min_length = parse_count(&min, 0).map_err(Error::Prompt)?;
        let min_length = field.rules.min_length;
        let check_max = |text: &String| match parse_count(text, 1)? {
            Some(max) if min_length.is_some_and(|min| min > max) => Err(format!(
                "the maximum is below the minimum length {}",
                min_length.unwrap_or_default()
            )),
            _ => Ok(()),
        };
        // Short text gets a suggested limit: a default, which typing replaces
        // (pre-filled text would come back after a refused answer, and new
        // typing would be appended to it).
        let max = if ty == FieldType::String {
            let suggested = match existing {
                Some(f) if f.ty == ty => f
                    .rules
                    .max_length
                    .map_or_else(|| "none".to_string(), |max| max.to_string()),
                _ => "200".to_string(),
            };
            ui.text(
                "Maximum length (`none` for no limit)",
                Some(&suggested),
                check_max,
            )?
        } else {
            ui.optional_text("Maximum length (blank for none)", check_max)?
        };
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
        let min = ui.optional_text("Minimum (blank for none)", |text: &String| {
            number(text).map(|_| ())
        })?;
        field.rules.min = number(&min).map_err(Error::Prompt)?;
        let min_bound = field.rules.min.clone();
        let max = ui.optional_text("Maximum (blank for none)", |text: &String| {
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
            |text: &String| check(text).map(|_| ()),
        )?;
        field.default = check(&default).map_err(Error::Prompt)?;
    }
    Ok(field)
}

pub(super) fn ask_belongs_to(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    let name = r.name.clone();
    let mut targets: Vec<String> = answers.resource_names();
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
        let candidate = if target == name {
            format!("parent_{target}")
        } else {
            target.clone()
        };
        let suggested =
            Some(candidate).filter(|s| relation_name_problem(answers, r, s, &target).is_none());
        let current: &ResourceAnswers = r;
        let relation = ui.text(
            "Relation name (the column is NAME_id; e.g. author for a user)",
            suggested.as_deref(),
            |text: &String| match relation_name_problem(answers, current, text.trim(), &target) {
                Some(problem) => Err(problem),
                None => Ok(()),
            },
        )?;
        let relation = relation.trim().to_string();
        let required = ask_required(ui, answers, r, &relation, &target)?;
        let a_target = with_article(&words(&target));
        let mut choices = vec![
            (
                OnDelete::Restrict,
                format!("restrict  refuse to delete {a_target} that still has {name} rows"),
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
        let on_delete = choices[ui.select(&format!("When {a_target} is deleted"), &labels, 0)?].0;
        r.belongs_to.push(RelationAnswers {
            name: relation,
            target,
            required,
            on_delete,
        });
    }
}

/// Whether the new relation is required, asked again while the validator
/// refuses the answer (a required relation to the resource itself would keep
/// its first row from ever being created).
fn ask_required(
    ui: &Ui,
    answers: &Answers,
    r: &ResourceAnswers,
    relation: &str,
    target: &str,
) -> Result<bool> {
    let name = &r.name;
    loop {
        let required = ui.confirm(
            &format!("Is the {relation} required on every {name}?"),
            target != name,
        )?;
        let mut probe = r.clone();
        probe.belongs_to.push(RelationAnswers {
            name: relation.to_string(),
            target: target.to_string(),
            required,
            on_delete: OnDelete::Restrict,
        });
        let key = format!("resources.{name}.belongs_to.{relation}");
        match Draft::new(answers, &probe).problem(&key, true) {
            Some(problem) => ui.warn(&format!("{problem}; answer again")),
            None => return Ok(required),
        }
    }
}

pub(super) fn ask_access(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    // On `user` itself, `owner` means the account itself and needs no relation.
    let is_account = r.name == "user";
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
        (
            Rule::Verified,
            "verified       any signed-in account whose email is verified".to_string(),
        ),
    ];
    if is_account {
        rules.push((Rule::Owner, "owner          the account itself".to_string()));
    } else if !owners.is_empty() {
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
    // Each action starts on the rule the spec would give it unasked.
    let usual = Draft::new(answers, r)
        .default_access(&r.name)
        .unwrap_or_else(|| Access::all(vec![Rule::Authenticated]));
    let ask_rule = |question: String, usual: &[Rule]| -> Result<Vec<Rule>> {
        let start = rules
            .iter()
            .position(|(rule, _)| std::slice::from_ref(rule) == usual)
            .unwrap_or(1);
        let i = ui.select(&question, &labels, start)?;
        Ok(vec![rules[i].0.clone()])
    };
    let plural = crate::names::Names::new(&r.name, None).plural_words;
    let singular = words(&r.name);
    let access = Access {
        list: ask_rule(format!("Who may list {plural}?"), &usual.list)?,
        read: ask_rule(format!("Who may read one {singular}?"), &usual.read)?,
        create: ask_rule(format!("Who may create {plural}?"), &usual.create)?,
        update: ask_rule(format!("Who may update {plural}?"), &usual.update)?,
        delete: ask_rule(format!("Who may delete {plural}?"), &usual.delete)?,
    };
    let uses_owner = access
        .by_action()
        .iter()
        .any(|(_, rules)| rules.contains(&Rule::Owner));
    if uses_owner && !is_account {
        r.owner = Some(if owners.len() == 1 {
            owners[0].to_string()
        } else {
            owners[ui.select("Which relation is the owner?", &owners, 0)?].to_string()
        });
    }
    r.access = Some(access);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saving(output: Option<&str>, adding: bool) -> Saving {
        Saving {
            project: "demo".into(),
            output: output.map(Into::into),
            adding,
        }
    }

    #[test]
    fn a_shell_word_is_quoted_only_when_a_shell_would_read_it() {
        assert_eq!(shell_word("demo.spec.toml"), "demo.spec.toml");
        assert_eq!(shell_word("../out/x"), "../out/x");
        assert_eq!(shell_word("my out"), "'my out'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("$HOME"), "'$HOME'");
        assert_eq!(shell_word("-out"), "./-out");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn the_advice_repeats_the_output_and_the_project_directory() {
        assert_eq!(
            saving(Some("my out"), false).advice("demo.spec.toml"),
            "the spec is saved in demo.spec.toml; to generate from it:\n  \
             backend-gen new demo --spec demo.spec.toml -o 'my out'"
        );
        assert_eq!(
            saving(None, true).advice("demo.spec.toml"),
            "nothing changed in the project, and the spec with your additions is saved in \
             demo.spec.toml; to apply it:\n  cp demo.spec.toml backend-gen.toml && backend-gen update"
        );
        assert_eq!(
            saving(Some("../my shop"), true).advice("demo.spec.toml"),
            "nothing changed in the project, and the spec with your additions is saved in \
             demo.spec.toml; to apply it:\n  \
             cp demo.spec.toml '../my shop/backend-gen.toml' && backend-gen update '../my shop'"
        );
    }

    #[test]
    fn saved_answers_get_their_own_header() {
        let text = to_toml(&Answers::defaults("demo"), "demo");
        let saved =
            saving(Some("out"), false).saved_text(&text, std::path::Path::new("demo.spec-2.toml"));
        assert!(
            saved.starts_with(
                "# The answers of `backend-gen new demo`, saved before generating. Generate with\n\
                 # `backend-gen new demo --spec demo.spec-2.toml -o out`.\n\n[project]\n"
            ),
            "{saved}"
        );
        assert!(!saved.contains("backend-gen update"), "{saved}");
    }
}
