//! `backend-gen add resource` and `add field`: grow a project a piece at a time,
//! as Rails and Loco users do; `backend-gen add` alone asks for new resources on
//! the terminal ("add to this project"). The spec is edited in place with toml_edit (the
//! team's comments and layout stay), validated, and applied with `update`; the
//! spec file is written together with the rest, so a refused change leaves it as
//! it was.

use std::path::PathBuf;

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use crate::error::{Error, Result};
use crate::render::SPEC_FILE;
use crate::update::UpdateArgs;

/// `backend-gen add`: a subcommand, or none to be asked on the terminal.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AddArgs {
    #[command(subcommand)]
    pub command: Option<AddCommand>,
    #[command(flatten)]
    pub project: Project,
}

#[derive(Debug, clap::Subcommand)]
pub enum AddCommand {
    /// Add a resource: `add resource review stars:integer body:text?` (`?`: optional).
    Resource {
        /// The resource's snake_case name.
        name: String,
        /// Its fields, as NAME:TYPE, with `?` after the type for an optional field.
        fields: Vec<String>,
        #[command(flatten)]
        project: Project,
    },
    /// Add a field to a resource: `add field tag color:string --optional`.
    Field {
        /// The resource that gets the field.
        resource: String,
        /// NAME:TYPE, with `?` after the type for an optional field.
        field: String,
        /// The field may be left out (`required = false`).
        #[arg(long)]
        optional: bool,
        /// No two rows may share a value.
        #[arg(long)]
        unique: bool,
        /// The value rows get when a body leaves the field out, and rows already in
        /// the table get.
        #[arg(long, value_name = "VALUE")]
        default: Option<String>,
        /// An enum's values, comma-separated.
        #[arg(long, value_name = "A,B", value_delimiter = ',')]
        values: Vec<String>,
        /// The value for the rows already in the table, once, where a required field
        /// has no `--default` (`update --backfill`).
        #[arg(long, value_name = "VALUE")]
        backfill: Option<String>,
        #[command(flatten)]
        project: Project,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct Project {
    /// The project, whose spec is DIR/backend-gen.toml.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Print the spec change's plan, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// A field as typed on the command line.
struct FieldArg {
    name: String,
    ty: String,
    optional: bool,
}

fn field_arg(text: &str) -> Result<FieldArg> {
    let (name, ty) = text.split_once(':').ok_or_else(|| {
        Error::Usage(format!(
            "a field is NAME:TYPE (e.g. `title:string` or `bio:text?`); found {text:?}"
        ))
    })?;
    let (ty, optional) = match ty.strip_suffix('?') {
        Some(ty) => (ty, true),
        None => (ty, false),
    };
    Ok(FieldArg {
        name: name.to_string(),
        ty: ty.to_string(),
        optional,
    })
}

fn field_table(field: &FieldArg) -> InlineTable {
    let mut table = InlineTable::new();
    table.insert("type", field.ty.as_str().into());
    if field.optional {
        table.insert("required", false.into());
    }
    table
}

/// A `--default` as the TOML value the field's type reads.
pub(crate) fn default_value(ty: &str, text: &str) -> Value {
    match ty {
        "integer" | "big_integer" => text
            .parse::<i64>()
            .map_or_else(|_| text.into(), Value::from),
        "float" => text
            .parse::<f64>()
            .map_or_else(|_| text.into(), Value::from),
        "boolean" => text
            .parse::<bool>()
            .map_or_else(|_| text.into(), Value::from),
        _ => text.into(),
    }
}

/// Runs `add`: a subcommand, or "add to this project" on the terminal.
pub fn run(args: &AddArgs) -> Result<()> {
    match &args.command {
        Some(command) => add(command),
        None => add_interactively(&args.project),
    }
}

/// Asks for new resources, appends them to the spec, and applies it.
fn add_interactively(project: &Project) -> Result<()> {
    use std::io::IsTerminal as _;
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(Error::Usage(
            "no terminal to ask questions on: use `backend-gen add resource NAME FIELD:TYPE...` \
             or `backend-gen add field RESOURCE NAME:TYPE`"
                .into(),
        ));
    }
    let path = project.dir.join(SPEC_FILE);
    let (spec, source) = crate::load_spec(&path)?;
    // Refused before the questions, not after them.
    crate::update::refuse_unresolved_conflicts(&project.dir)?;
    let name = spec.project.name.clone().unwrap_or_else(|| {
        std::fs::canonicalize(&project.dir)
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "project".into())
    });
    // None: the user saved the addition and quit, and was told where.
    let Some(text) = crate::interactive::add_session(&name, &project.dir, &spec, &source)? else {
        return Ok(());
    };
    let spec =
        crate::spec::parse(&path.display().to_string(), &text).map_err(Error::InvalidSpec)?;
    crate::update::update_to(&update_args(project, Vec::new()), &spec, &text, true)
}

fn update_args(project: &Project, backfill: Vec<String>) -> UpdateArgs {
    UpdateArgs {
        dir: project.dir.clone(),
        dry_run: project.dry_run,
        allow_destructive: false,
        no_migration: false,
        adopt: false,
        backfill,
        templates: None,
    }
}

/// Runs `add` with a subcommand.
fn add(command: &AddCommand) -> Result<()> {
    let project = match command {
        AddCommand::Resource { project, .. } | AddCommand::Field { project, .. } => project,
    };
    let path = project.dir.join(SPEC_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| Error::Usage(format!("{}: not TOML: {e}", path.display())))?;
    let mut backfill = Vec::new();
    let (what, typed) = match command {
        AddCommand::Resource { name, fields, .. } => {
            add_resource(&mut doc, name, fields)?;
            let typed = Typed::Resource {
                name: name.clone(),
                fields: fields
                    .iter()
                    .map(|f| field_arg(f).map(|f| f.name))
                    .collect::<Result<_>>()?,
            };
            (format!("resource `{name}`"), typed)
        }
        AddCommand::Field {
            resource,
            field,
            optional,
            unique,
            default,
            values,
            backfill: fill,
            ..
        } => {
            let mut arg = field_arg(field)?;
            if let Some(fill) = fill {
                backfill.push(format!("{resource}.{}={fill}", arg.name));
            }
            let typed = Typed::Field {
                resource: resource.clone(),
                name: arg.name.clone(),
                backfill: fill.clone(),
            };
            arg.optional |= optional;
            let mut table = field_table(&arg);
            if *unique {
                table.insert("unique", true.into());
            }
            if !values.is_empty() {
                table.insert(
                    "values",
                    values.iter().map(String::as_str).collect::<Value>(),
                );
            }
            if let Some(default) = default {
                table.insert("default", default_value(&arg.ty, default));
            }
            add_field(&mut doc, resource, &arg.name, table)?;
            (format!("field `{resource}.{}`", arg.name), typed)
        }
    };
    let source = doc.to_string();
    let label = format!("{} (with the {what} added)", path.display());
    let spec = crate::spec::parse(&label, &source)
        .map_err(|report| Error::InvalidSpec(typed.advise(report)))?;
    crate::update::update_to(&update_args(project, backfill), &spec, &source, true).map_err(|e| {
        match e {
            Error::InvalidSpec(report) => Error::InvalidSpec(typed.advise(report)),
            Error::Usage(text) => Error::Usage(typed.advise_refusal(&spec, &text)),
            e => e,
        }
    })
}

/// What the user typed on an `add` command line: its errors say what to type there,
/// not the spec keys or `update`'s flags they come from.
enum Typed {
    Resource {
        name: String,
        fields: Vec<String>,
    },
    Field {
        resource: String,
        name: String,
        backfill: Option<String>,
    },
}

impl Typed {
    /// The spec's errors about the added fields, in the command's flags.
    fn advise(&self, mut report: crate::diagnostics::Report) -> crate::diagnostics::Report {
        // `update` checks a `--backfill` as the field's `default`: its errors are the flag's.
        let backfilled = match self {
            Typed::Field {
                resource,
                name,
                backfill: Some(fill),
            } if report.file.contains("--backfill") => {
                report.file = report.file.replace(
                    &format!("--backfill {resource}.{name}={fill}"),
                    &format!("`--backfill {fill}`"),
                );
                true
            }
            _ => false,
        };
        for d in &mut report.diagnostics {
            match self {
                Typed::Field { resource, name, .. } => {
                    let field = format!("resources.{resource}.fields.{name}");
                    if !(d.key == field || d.key.starts_with(&format!("{field}."))) {
                        continue;
                    }
                    d.message = in_flags(&d.message, backfilled);
                    d.allowed = d.allowed.as_deref().map(|t| in_flags(t, backfilled));
                    d.help = d.help.as_deref().map(|t| in_flags(t, backfilled));
                }
                Typed::Resource { name, fields } => {
                    // `add resource` takes NAME:TYPE and `?` only: an enum's values come
                    // with `add field`.
                    let Some(field) = fields
                        .iter()
                        .find(|f| d.key == format!("resources.{name}.fields.{f}.values"))
                    else {
                        continue;
                    };
                    d.help = Some(format!(
                        "`add resource` takes no enum values: leave `{field}:enum` out here, \
                         then run `backend-gen add field {name} {field}:enum --values A,B`"
                    ));
                }
            }
        }
        report
    }

    /// `update`'s refusal to migrate the added field without a value for the rows there,
    /// in the command's flags.
    fn advise_refusal(&self, spec: &crate::spec::Spec, text: &str) -> String {
        let Typed::Field { resource, name, .. } = self else {
            return text.to_string();
        };
        let Some(table) = spec.resource(resource).map(|r| &r.names.plural_snake) else {
            return text.to_string();
        };
        let column = format!("`{table}.{name}`");
        if !text.contains(&column) {
            return text.to_string();
        }
        let mut out: Vec<String> = text
            .lines()
            .map(|line| {
                if line.contains(&column) {
                    line.replace(
                        crate::migrate::BACKFILL_ADVICE,
                        "pass `--default VALUE` (rows created later get it too), \
                         `--backfill VALUE` (only the rows already there get it), or `--optional`",
                    )
                } else {
                    line.to_string()
                }
            })
            .collect();
        // The way out `update` gives (write the migration yourself) is not this command's.
        if let Some(last) = out.last_mut() {
            *last = last.replace(&format!("{} ", crate::update::WRITE_IT_YOURSELF), "");
        }
        out.join("\n")
    }
}

/// A spec text's keys in `add field`'s flags: `` `values = ["a", "b"]` `` becomes
/// `` `--values a,b` ``, `` `default` `` becomes `` `--default` `` (`--backfill` where
/// `update` checked the backfill as the default), and so on.
fn in_flags(text: &str, backfilled: bool) -> String {
    let default = if backfilled {
        "--backfill"
    } else {
        "--default"
    };
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                return part.to_string();
            }
            let flag = match part {
                "default" => Some(default.to_string()),
                "values" => Some("--values".to_string()),
                "unique" => Some("--unique".to_string()),
                _ => key_value_flag(part, default),
            };
            flag.unwrap_or_else(|| part.to_string())
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// One `key = value` of a field's spec table as the flag that writes it, if there is one.
fn key_value_flag(text: &str, default: &str) -> Option<String> {
    let table: toml::Table = text.parse().ok()?;
    let mut entries = table.iter();
    let (key, value) = entries.next()?;
    if entries.next().is_some() {
        return None;
    }
    let plain = |value: &toml::Value| match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match (key.as_str(), value) {
        ("default", value) => Some(format!("{default} {}", plain(value))),
        ("values", toml::Value::Array(values)) => Some(format!(
            "--values {}",
            values.iter().map(plain).collect::<Vec<_>>().join(",")
        )),
        ("required", toml::Value::Boolean(false)) => Some("--optional".to_string()),
        ("unique", toml::Value::Boolean(true)) => Some("--unique".to_string()),
        _ => None,
    }
}

/// `resources`, made if the spec has none yet (as a dotted parent, printing no header).
fn resources(doc: &mut DocumentMut) -> Result<&mut Table> {
    let item = doc.entry("resources").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    item.as_table_mut()
        .ok_or_else(|| Error::Usage("the spec's `resources` is not a table".into()))
}

fn add_resource(doc: &mut DocumentMut, name: &str, fields: &[String]) -> Result<()> {
    let resources = resources(doc)?;
    if resources.contains_key(name) {
        return Err(Error::Usage(format!(
            "the spec already has a resource `{name}`; add fields to it with `backend-gen add field {name} NAME:TYPE`"
        )));
    }
    let mut table = Table::new();
    for field in fields {
        let field = field_arg(field)?;
        if table.contains_key(&field.name) {
            return Err(Error::Usage(format!(
                "the field `{}` is given twice",
                field.name
            )));
        }
        table.insert(
            &field.name,
            Item::Value(Value::InlineTable(field_table(&field))),
        );
    }
    let mut resource = Table::new();
    resource.set_implicit(true);
    resource.insert("fields", Item::Table(table));
    resources.insert(name, Item::Table(resource));
    Ok(())
}

fn add_field(doc: &mut DocumentMut, resource: &str, name: &str, field: InlineTable) -> Result<()> {
    let resources = resources(doc)?;
    let Some(table) = resources
        .get_mut(resource)
        .and_then(Item::as_table_like_mut)
    else {
        let known: Vec<&str> = resources.iter().map(|(k, _)| k).collect();
        // A near miss is a typo for a resource the spec has, not one to create.
        let what_to_do = match crate::spec::reader::suggest(resource, &known) {
            Some(near) => {
                format!("did you mean `{near}`? (`backend-gen add field {near} {name}:TYPE`)")
            }
            None => format!("add one with `backend-gen add resource {resource}`"),
        };
        return Err(Error::Usage(format!(
            "the spec has no resource `{resource}` (it has: {}); {what_to_do}",
            known.join(", ")
        )));
    };
    let fields = table
        .entry("fields")
        .or_insert(Item::Table(Table::new()))
        .as_table_like_mut()
        .ok_or_else(|| Error::Usage(format!("`resources.{resource}.fields` is not a table")))?;
    if fields.contains_key(name) {
        return Err(Error::Usage(format!(
            "`{resource}` already has a field `{name}`; edit it in {SPEC_FILE} and run `backend-gen update`"
        )));
    }
    fields.insert(name, Item::Value(Value::InlineTable(field)));
    Ok(())
}
