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
    let name = spec.project.name.clone().unwrap_or_else(|| {
        std::fs::canonicalize(&project.dir)
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "project".into())
    });
    let text = crate::interactive::add_session(&name, &spec, &source)?;
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
    let what = match command {
        AddCommand::Resource { name, fields, .. } => {
            add_resource(&mut doc, name, fields)?;
            format!("resource `{name}`")
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
            format!("field `{resource}.{}`", arg.name)
        }
    };
    let source = doc.to_string();
    let label = format!("{} (with the {what} added)", path.display());
    let spec = crate::spec::parse(&label, &source).map_err(Error::InvalidSpec)?;
    crate::update::update_to(&update_args(project, backfill), &spec, &source, true)
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
        return Err(Error::Usage(format!(
            "the spec has no resource `{resource}` (it has: {}); add one with `backend-gen add resource {resource}`",
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
