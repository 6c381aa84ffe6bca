//! The terminal session: dialoguer prompts on stderr that fill [`Answers`],
//! one question at a time, each answer checked before it is taken.

use dialoguer::console::style;

use super::access::ask_access;
use super::answers::{
    Answers, FieldAnswers, RelationAnswers, ResourceAnswers, USUAL_MAX_LENGTH, default_description,
    to_toml,
};
use super::checks::{Draft, field_name_problem, relation_name_problem, resource_name_problem};
use super::more::{ask_events_and_jobs, ask_field_rules};
use super::parse::{
    ListProblems, parse_count, parse_default, parse_enum_values, parse_number, parse_roles,
    takes_default,
};
use super::review::{self, review};
use super::ui::{self, Ui};
use crate::console::shell_quote;
use crate::error::{Error, Result};
use crate::names::with_article;
use crate::spec::{
    AuthMode, Bound, DEFAULT_DECIMAL, Database, FieldType, Format, Kind, Literal, OnDelete, Rules,
    Shape, bound_text, bound_value,
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
                    shell_quote(
                        &dir.join(crate::project_files::SPEC_FILE)
                            .display()
                            .to_string(),
                    ),
                    format!(
                        "backend-gen update {}",
                        shell_quote(&dir.display().to_string())
                    ),
                ),
                None => (
                    crate::project_files::SPEC_FILE.to_string(),
                    "backend-gen update".to_string(),
                ),
            };
            format!(
                "nothing changed in the project, and the spec with your additions is saved in \
                 {file}; to apply it:\n  cp {} {spec} && {update}",
                shell_quote(file),
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
            Some(dir) => format!(" -o {}", shell_quote(&dir.display().to_string())),
            None => String::new(),
        };
        format!(
            "backend-gen new {} --spec {}{output}",
            shell_quote(&self.project),
            shell_quote(file)
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
    let mut roles = ask_list(ui, "Roles (comma-separated)", "admin, member", parse_roles)?;
    answers.admin_role = ask_admin_role(ui, &mut roles)?;
    answers.default_role = ask_default_role(ui, &mut roles, &answers.admin_role)?;
    answers.roles = roles;
    Ok(())
}

/// A comma-separated list, read by `parse`. A list with bad items is not
/// refused at the prompt (which would drop the typing): every bad item is
/// reported with its fix, and the list is asked again with the fixed list as
/// the answer Enter takes.
fn ask_list(
    ui: &Ui,
    prompt: &str,
    suggested: &str,
    parse: fn(&str) -> std::result::Result<Vec<String>, ListProblems>,
) -> Result<Vec<String>> {
    let mut default = suggested.to_string();
    loop {
        let default_shown = (!default.is_empty()).then_some(default.as_str());
        let text = ui.text(prompt, default_shown, |text: &String| {
            if text.trim().is_empty() {
                Err("type at least one, separated by commas".to_string())
            } else {
                Ok(())
            }
        })?;
        match parse(&text) {
            Ok(items) => return Ok(items),
            Err(problems) => {
                for message in &problems.messages {
                    ui.warn(message);
                }
                if !problems.corrected.is_empty() {
                    ui.say(&format!(
                        "{}",
                        style("Enter takes the corrected list; or type another.").dim()
                    ));
                }
                default = problems.corrected;
            }
        }
    }
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

/// The role new accounts get: a role named like one for ordinary accounts
/// (`member`, `user`, `customer`) when there is one, else the first role typed
/// after the admin's. Giving them the admin role makes every account pass
/// every rule: offered last, and said so.
fn ask_default_role(ui: &Ui, roles: &mut Vec<String>, admin: &str) -> Result<String> {
    const ORDINARY: &[&str] = &["member", "user", "customer"];
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
    let suggested = ORDINARY
        .iter()
        .find_map(|ordinary| items[..others].iter().position(|r| r == ordinary))
        .unwrap_or(0);
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

    if answers.auth == AuthMode::Jwt {
        ask_access(ui, answers, &mut r)?;
    }
    ask_resource_options(ui, answers, &mut r)?;
    Ok(r)
}

/// Soft delete, versions, and events and jobs, in one multi-select that
/// starts from what `r` has; events and jobs open their own questions.
fn ask_resource_options(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    let name = r.name.clone();
    let items = [
        format!("soft delete   {name} rows are hidden, not removed"),
        format!("versioned     optimistic locking: an update sends the {name}'s current version"),
        "events, jobs… emitted on writes, and background jobs that run on them".to_string(),
    ];
    let checked = [
        r.soft_delete,
        r.versioned,
        !r.events.is_empty() || !r.jobs.is_empty(),
    ];
    let picked = ui.multi(
        &format!("Options for {name} (Space picks, Enter goes on; none is usual)"),
        &items,
        &checked,
    )?;
    r.soft_delete = picked.contains(&0);
    r.versioned = picked.contains(&1);
    if picked.contains(&2) {
        ask_events_and_jobs(ui, answers, r)?;
    } else {
        r.events.clear();
        r.jobs.clear();
    }
    Ok(())
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

/// The field types, as the type question lists them (in `FieldType::ALLOWED`'s order): the
/// spec's name and a few words.
fn type_labels() -> Vec<String> {
    Kind::ALL
        .iter()
        .map(|kind| {
            let props = kind.props();
            format!("{:<12} {}", props.spec_name, props.summary)
        })
        .collect()
}

/// Whether "more options" asks if a field of `ty` is unique: a type may be unique, and not
/// only two values (a unique boolean holds two rows).
fn offers_unique(ty: &FieldType) -> bool {
    ty.props().unique && !matches!(ty.props().shape, Shape::Boolean)
}

/// A new field of `current`, or, with `existing`, that field asked again with
/// every answer starting from its own (`current` then holds the other fields).
/// Three questions for the usual field: name, type, and one choice of
/// required or optional, or more options (unique, limits, format, pattern,
/// default, field rules).
pub(super) fn ask_field(
    ui: &Ui,
    answers: &Answers,
    current: &ResourceAnswers,
    existing: Option<&FieldAnswers>,
) -> Result<FieldAnswers> {
    let resource = &current.name;
    let suggested = match existing {
        Some(f) => Some(f.name.clone()),
        None => (current.fields.is_empty()
            && field_name_problem(answers, current, "name").is_none())
        .then(|| "name".to_string()),
    };
    let (name, ty) = loop {
        let name = ui.text(
            &format!("Field name ({resource})"),
            suggested.as_deref(),
            |text: &String| match field_name_problem(answers, current, text.trim()) {
                Some(problem) => Err(problem),
                None => Ok(()),
            },
        )?;
        let name = name.trim().to_string();
        let ty = ask_type(ui, &name, existing.map(|f| &f.ty))?;
        // Numbers and dates get list filters (`price_min`, `born_after`)
        // that may clash with a field already entered.
        let mut probe = current.clone();
        probe.fields.push(FieldAnswers::new(&name, ty.clone()));
        match Draft::new(answers, &probe).problem(&format!("resources.{resource}.fields"), true) {
            Some(problem) => ui.warn(&format!(
                "{problem}; enter the field again with another name or type"
            )),
            None => break (name, ty),
        }
    };

    // The seed of "more options": the field as it was when its type is
    // unchanged, else the usual required field.
    let seed = existing
        .filter(|f| f.ty == ty)
        .map(|f| FieldAnswers {
            name: name.clone(),
            ..f.clone()
        })
        .unwrap_or_else(|| FieldAnswers::usual(&name, ty.clone(), true));
    let limit = if ty.props().sized {
        format!(", at most {USUAL_MAX_LENGTH} characters")
    } else {
        String::new()
    };
    let items = [
        format!("required{limit}  (usual)"),
        format!("optional{limit}"),
        format!("more options…  {}", more_options_hint(&ty, answers.auth)),
    ];
    let start = match seed.usual_required() {
        Some(true) => 0,
        Some(false) => 1,
        None => 2,
    };
    match ui.select(&format!("Settings of {name}"), &items, start)? {
        0 => Ok(FieldAnswers::usual(&name, ty, true)),
        1 => Ok(FieldAnswers::usual(&name, ty, false)),
        _ => ask_field_details(ui, answers, current, seed),
    }
}

/// What "more options" asks for a field of type `ty`, in a few words.
fn more_options_hint(ty: &FieldType, auth: AuthMode) -> String {
    let mut parts = vec!["required"];
    if offers_unique(ty) {
        parts.push("unique");
    }
    if ty.is_textual() {
        parts.extend(["length", "format", "pattern"]);
    }
    if ty.is_numeric() {
        parts.push("limits");
    }
    if takes_default(ty) {
        parts.push("default");
    }
    if auth == AuthMode::Jwt {
        parts.push("who may see or write it");
    }
    format!("({})", parts.join(", "))
}

/// The type of field `name`, starting from `existing` when there is one.
fn ask_type(ui: &Ui, name: &str, existing: Option<&FieldType>) -> Result<FieldType> {
    let start = existing.map_or(0, |ty| ty.kind() as usize);
    let pick = ui.fuzzy_select(
        &format!("Type of {name} (type to filter)"),
        &type_labels(),
        start,
    )?;
    let kind = Kind::ALL[pick];
    // Only the kinds that take parameters ask for them.
    Ok(match (kind.props().plain.clone(), kind) {
        (Some(plain), _) => plain,
        (None, Kind::Decimal) => {
            // The session does not ask for the precision: a re-asked field keeps its own.
            let (precision, scale) = existing
                .and_then(FieldType::decimal)
                .unwrap_or(DEFAULT_DECIMAL);
            let scale = ui.text(
                "Decimal places (scale, 0 to 18)",
                Some(&scale.to_string()),
                |text: &String| match text.trim().parse::<u32>() {
                    Ok(n) if n <= 18 => Ok(()),
                    _ => Err("enter a whole number from 0 to 18".to_string()),
                },
            )?;
            FieldType::Decimal {
                precision,
                scale: scale.trim().parse().unwrap_or(DEFAULT_DECIMAL.1),
            }
        }
        (None, _) => {
            let values = existing
                .and_then(FieldType::values)
                .map(|values| values.join(", "))
                .unwrap_or_default();
            FieldType::Enum {
                values: ask_list(
                    ui,
                    "Values (comma-separated snake_case words)",
                    &values,
                    parse_enum_values,
                )?,
            }
        }
    })
}

/// An optional value that may already have one (`seed`): then Enter keeps it
/// and `none` clears it; else a blank answer is none.
fn optional_value(
    ui: &Ui,
    prompt: &str,
    seed: Option<String>,
    mut check: impl FnMut(&str) -> std::result::Result<(), String>,
) -> Result<String> {
    match seed {
        Some(seed) => {
            let text = ui.text(
                &format!("{prompt} (`none` for none)"),
                Some(&seed),
                |text: &String| match text.trim() {
                    "none" => Ok(()),
                    text => check(text),
                },
            )?;
            Ok(match text.trim() {
                "none" => String::new(),
                _ => text.trim().to_string(),
            })
        }
        None => ui.optional_text(&format!("{prompt} (blank for none)"), |text: &String| {
            if text.trim().is_empty() {
                Ok(())
            } else {
                check(text.trim())
            }
        }),
    }
}

/// Every setting of a field, each starting from `seed`'s.
fn ask_field_details(
    ui: &Ui,
    answers: &Answers,
    current: &ResourceAnswers,
    seed: FieldAnswers,
) -> Result<FieldAnswers> {
    let resource = &current.name;
    let mut field = FieldAnswers {
        rules: Rules::default(),
        default: None,
        ..seed.clone()
    };
    let name = field.name.clone();
    let ty = field.ty.clone();

    field.required = ui.confirm(&format!("Is {name} required?"), seed.required)?;
    field.unique = offers_unique(&ty)
        && ui.confirm(
            &format!("Must {name} be unique among {resource} rows?"),
            seed.unique,
        )?;

    if ty.is_textual() {
        let count = |n: Option<u32>| n.map(|n| n.to_string());
        let min = optional_value(ui, "Minimum length", count(seed.rules.min_length), |text| {
            parse_count(text, 0).map(|_| ())
        })?;
        field.rules.min_length = parse_count(&min, 0).map_err(Error::Prompt)?;
        let min_length = field.rules.min_length;
        let check_max = |text: &str| match parse_count(text, 1)? {
            Some(max) if min_length.is_some_and(|min| min > max) => Err(format!(
                "the maximum is below the minimum length {}",
                min_length.unwrap_or_default()
            )),
            _ => Ok(()),
        };
        let max = optional_value(
            ui,
            "Maximum length",
            count(seed.rules.max_length),
            check_max,
        )?;
        field.rules.max_length = parse_count(&max, 1).map_err(Error::Prompt)?;
        if ty.props().format {
            let start = match seed.rules.format {
                None => 0,
                Some(Format::Email) => 1,
                Some(Format::Url) => 2,
            };
            field.rules.format = match ui.select(
                "Format",
                &["any text", "email address", "http(s) URL"],
                start,
            )? {
                1 => Some(Format::Email),
                2 => Some(Format::Url),
                _ => None,
            };
        }
        if field.rules.format.is_none() {
            field.rules.pattern = Some(optional_value(
                ui,
                "Regular expression it must match",
                seed.rules.pattern.clone(),
                |text| match regex::Regex::new(text) {
                    Ok(_) => Ok(()),
                    Err(e) => Err(format!(
                        "not a valid regular expression: {}",
                        e.to_string().lines().last().unwrap_or_default().trim()
                    )),
                },
            )?)
            .filter(|p| !p.is_empty());
        }
    }

    if ty.is_numeric() {
        let number = |text: &str| -> std::result::Result<Option<Bound>, String> {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                parse_number(text, &ty).map(Some)
            }
        };
        let min = optional_value(
            ui,
            "Minimum",
            seed.rules.min.as_ref().map(bound_text),
            |text| number(text).map(|_| ()),
        )?;
        field.rules.min = number(&min).map_err(Error::Prompt)?;
        let min_bound = field.rules.min.clone();
        let max = optional_value(
            ui,
            "Maximum",
            seed.rules.max.as_ref().map(bound_text),
            |text| match (number(text)?, &min_bound) {
                (Some(max), Some(min)) if bound_value(min) > bound_value(&max) => {
                    Err("the maximum is below the minimum".to_string())
                }
                _ => Ok(()),
            },
        )?;
        field.rules.max = number(&max).map_err(Error::Prompt)?;
    }

    field.default = ask_default(ui, answers, current, &field, seed.default.as_ref())?;
    if answers.auth == AuthMode::Jwt {
        ask_field_rules(ui, answers, current, &mut field)?;
    } else {
        field.access = Default::default();
    }
    Ok(field)
}

/// The default value of `field`, starting from `seed`; checked by the validator
/// against the field's rules.
fn ask_default(
    ui: &Ui,
    answers: &Answers,
    current: &ResourceAnswers,
    field: &FieldAnswers,
    seed: Option<&Literal>,
) -> Result<Option<Literal>> {
    let name = &field.name;
    let ty = &field.ty;
    if matches!(ty.props().shape, Shape::Boolean) {
        let start = match seed {
            Some(Literal::Boolean(false)) => 1,
            Some(Literal::Boolean(true)) => 2,
            _ => 0,
        };
        return Ok(
            match ui.select(
                &format!("Default for {name}"),
                &["no default", "false", "true"],
                start,
            )? {
                1 => Some(Literal::Boolean(false)),
                2 => Some(Literal::Boolean(true)),
                _ => None,
            },
        );
    }
    if !takes_default(ty) {
        return Ok(None);
    }
    let hint = ty
        .values()
        .map_or_else(String::new, |values| format!(" ({})", values.join(", ")));
    let default_key = format!("resources.{}.fields.{name}.default", current.name);
    let check = |text: &str| -> std::result::Result<Option<Literal>, String> {
        if text.is_empty() {
            return Ok(None);
        }
        let literal = parse_default(text, ty)?;
        let mut probe = current.clone();
        let mut candidate = field.clone();
        candidate.default = Some(literal.clone());
        probe.fields.push(candidate);
        match Draft::new(answers, &probe).problem(&default_key, false) {
            Some(problem) => Err(problem),
            None => Ok(Some(literal)),
        }
    };
    let default = optional_value(
        ui,
        &format!("Default value{hint}"),
        seed.map(literal_text),
        |text| check(text).map(|_| ()),
    )?;
    check(&default).map_err(Error::Prompt)
}

/// A default as it is typed at the prompt.
fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::String(s) | Literal::Decimal(s) => s.clone(),
        Literal::Integer(i) => i.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Boolean(b) => b.to_string(),
    }
}

pub(super) fn ask_belongs_to(ui: &Ui, answers: &Answers, r: &mut ResourceAnswers) -> Result<()> {
    let name = r.name.clone();
    let mut targets: Vec<String> = answers.resource_names();
    // With jwt the accounts, `user`, exist whether or not they were asked about.
    let implicit_user = answers.auth == AuthMode::Jwt
        && name != crate::spec::ACCOUNT
        && !targets.iter().any(|t| t == crate::spec::ACCOUNT);
    if implicit_user {
        targets.push(crate::spec::ACCOUNT.to_string());
    }
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
            } else if implicit_user && t == crate::spec::ACCOUNT {
                format!("{t} (the accounts)")
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
