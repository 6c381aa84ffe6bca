//! `backend-gen add resource` and `add field`: grow a project a piece at a time,
//! as Rails and Loco users do; `backend-gen add` alone asks for new resources on
//! the terminal ("add to this project"). The spec is edited in place with toml_edit (the
//! team's comments and layout stay), validated, and applied with `update`; the
//! spec file is written together with the rest, so a refused change leaves it as
//! it was.

use std::path::PathBuf;

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

use crate::error::{Error, Result};
use crate::project_files::SPEC_FILE;
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
    /// Add a resource: `add resource review stars:integer body:text? --belongs-to book`
    /// (`?`: optional).
    Resource {
        /// The resource's snake_case name.
        name: String,
        /// Its fields, as NAME:TYPE, with `?` after the type for an optional field.
        fields: Vec<String>,
        /// A parent, as RELATION or RELATION:RESOURCE (`customer`, `author:user`), with
        /// `?` after it for an optional one (repeatable).
        #[arg(long, value_name = "RELATION[:RESOURCE]")]
        belongs_to: Vec<String>,
        /// What deleting a parent does to these rows: cascade, restrict or set_null
        /// (set_null needs an optional relation). Applies to every --belongs-to.
        #[arg(long, value_name = "ACTION", requires = "belongs_to")]
        on_delete: Option<String>,
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
        #[command(flatten)]
        bounds: Bounds,
        /// The value for the rows already in the table, once, where a required field
        /// has no `--default` (`update --backfill`).
        #[arg(long, value_name = "VALUE")]
        backfill: Option<String>,
        #[command(flatten)]
        project: Project,
    },
}

/// A field's lengths and bounds, checked by the spec's own rules for its type.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Bounds {
    /// The shortest string or text value.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub min_length: Option<i64>,
    /// The longest string or text value.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub max_length: Option<i64>,
    /// The smallest number.
    #[arg(long, value_name = "NUMBER", allow_hyphen_values = true)]
    pub min: Option<String>,
    /// The largest number.
    #[arg(long, value_name = "NUMBER", allow_hyphen_values = true)]
    pub max: Option<String>,
}

impl Bounds {
    /// Adds the given bounds to a field's table, in the spec's order of keys.
    fn insert_into(&self, table: &mut InlineTable) {
        for (key, length) in [
            ("min_length", self.min_length),
            ("max_length", self.max_length),
        ] {
            if let Some(length) = length {
                table.insert(key, length.into());
            }
        }
        for (key, bound) in [("min", &self.min), ("max", &self.max)] {
            if let Some(bound) = bound {
                table.insert(key, number_value(bound));
            }
        }
    }
}

/// A number typed on the command line as TOML reads it; anything else stays text, for
/// the spec's check to refuse with its own message.
fn number_value(text: &str) -> Value {
    if let Ok(whole) = text.parse::<i64>() {
        return whole.into();
    }
    match text.parse::<f64>() {
        Ok(number) if number.is_finite() => number.into(),
        _ => text.into(),
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct Project {
    /// The project, whose spec is DIR/backend-gen.toml.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Print the TOML the spec would get and the change's plan, and write nothing.
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
    let (spec, source) = crate::pipeline::load_spec(&path)?;
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
        AddCommand::Resource {
            name,
            fields,
            belongs_to,
            on_delete,
            ..
        } => {
            let parents = belongs_to
                .iter()
                .map(|text| parent_arg(text, on_delete.as_deref()))
                .collect::<Result<Vec<_>>>()?;
            add_resource(&mut doc, name, fields, &parents)?;
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
            bounds,
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
            bounds.insert_into(&mut table);
            if let Some(default) = default {
                table.insert("default", crate::update::default_value(&arg.ty, default));
            }
            add_field(&mut doc, resource, &arg.name, table)?;
            (format!("field `{resource}.{}`", arg.name), typed)
        }
    };
    let source = doc.to_string();
    let label = format!("{} (with the {what} added)", path.display());
    let spec = crate::spec::parse(&label, &source)
        .map_err(|report| Error::InvalidSpec(typed.advise(report)))?;
    if project.dry_run {
        print!("{}", spec_change(&path, &text, &source));
    }
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
                Typed::Resource { name, .. }
                    if d.key.starts_with(&format!("resources.{name}.belongs_to")) =>
                {
                    // A parent is made optional by a `?` after it, not a flag.
                    let prefix = format!("resources.{name}.belongs_to.");
                    let relation = d
                        .key
                        .strip_prefix(&prefix)
                        .and_then(|rest| rest.split('.').next());
                    let optional = match relation {
                        Some(relation) => format!("a `?` after `--belongs-to {relation}`"),
                        None => "a `?` after the `--belongs-to`".to_string(),
                    };
                    let in_parent_flags =
                        |text: &str| in_flags(text, false).replace("`--optional`", &optional);
                    let help = d.help.as_deref().map(in_parent_flags);
                    d.message = in_parent_flags(&d.message);
                    d.help = help;
                    // `--belongs-to buyer` names the resource `buyer` too; a relation named
                    // otherwise than its resource says which.
                    if let Some(relation) = relation.filter(|r| {
                        d.help.is_none() && d.found.as_deref() == Some(&format!("{r:?}"))
                    }) {
                        d.help = Some(format!(
                            "`--belongs-to {relation}` is a relation to a resource `{relation}`; \
                             name another with `--belongs-to {relation}:RESOURCE`"
                        ));
                    }
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
                "on_delete" | "min_length" | "max_length" | "min" | "max" => {
                    Some(format!("--{}", part.replace('_', "-")))
                }
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
        ("on_delete" | "min_length" | "max_length" | "min" | "max", value) => {
            Some(format!("--{} {}", key.replace('_', "-"), plain(value)))
        }
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

/// A `--belongs-to` as typed: `customer`, `author:user`, `parent:category?`.
#[derive(Debug, PartialEq)]
struct ParentArg {
    relation: String,
    resource: Option<String>,
    optional: bool,
    on_delete: Option<String>,
}

fn parent_arg(text: &str, on_delete: Option<&str>) -> Result<ParentArg> {
    let (text, optional) = match text.strip_suffix('?') {
        Some(text) => (text, true),
        None => (text, false),
    };
    let (relation, resource) = match text.split_once(':') {
        Some((relation, resource)) => (relation, Some(resource.to_string())),
        None => (text, None),
    };
    if relation.is_empty() || resource.as_deref() == Some("") {
        return Err(Error::Usage(format!(
            "a parent is RELATION or RELATION:RESOURCE (e.g. `customer` or `author:user`, \
             with `?` after it for an optional one); found {text:?}"
        )));
    }
    Ok(ParentArg {
        relation: relation.to_string(),
        resource,
        optional,
        on_delete: on_delete.map(str::to_string),
    })
}

/// A parent as the spec writes it: `customer = "customer"` when it has no options.
fn parent_value(parent: &ParentArg) -> Value {
    let resource = parent.resource.as_deref().unwrap_or(&parent.relation);
    if !parent.optional && parent.on_delete.is_none() {
        return resource.into();
    }
    let mut table = InlineTable::new();
    if parent.resource.is_some() {
        table.insert("resource", resource.into());
    }
    if parent.optional {
        table.insert("required", false.into());
    }
    if let Some(action) = &parent.on_delete {
        table.insert("on_delete", action.as_str().into());
    }
    Value::InlineTable(table)
}

/// The spec text `add` adds, as it would land in the file: each inserted block after the
/// line it follows, to read or paste.
fn spec_change(path: &std::path::Path, old: &str, new: &str) -> String {
    let patch = diffy::create_patch(old, new);
    let mut out = String::new();
    for hunk in patch.hunks() {
        let mut line = hunk.old_range().start();
        let mut block: Option<(usize, String)> = None;
        let mut flush = |block: &mut Option<(usize, String)>| {
            if let Some((after, text)) = block.take() {
                out.push_str(&format!(
                    "{} would get, after line {after}:\n{text}\n",
                    path.display()
                ));
            }
        };
        for hunk_line in hunk.lines() {
            match hunk_line {
                diffy::Line::Insert(text) => {
                    let (_, block) = block.get_or_insert_with(|| (line - 1, String::new()));
                    block.push_str(text);
                    if !text.ends_with('\n') {
                        block.push('\n');
                    }
                }
                diffy::Line::Context(_) | diffy::Line::Delete(_) => {
                    flush(&mut block);
                    line += 1;
                }
            }
        }
        flush(&mut block);
    }
    out
}

fn add_resource(
    doc: &mut DocumentMut,
    name: &str,
    fields: &[String],
    parents: &[ParentArg],
) -> Result<()> {
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
    if !parents.is_empty() {
        let mut relations = InlineTable::new();
        for parent in parents {
            if relations.contains_key(&parent.relation) {
                return Err(Error::Usage(format!(
                    "the relation `{}` is given twice",
                    parent.relation
                )));
            }
            relations.insert(&parent.relation, parent_value(parent));
        }
        resource.insert("belongs_to", Item::Value(Value::InlineTable(relations)));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_names_its_relation_its_resource_and_whether_it_is_optional() {
        let parent = parent_arg("author:user?", Some("cascade")).unwrap();
        assert_eq!(
            parent,
            ParentArg {
                relation: "author".into(),
                resource: Some("user".into()),
                optional: true,
                on_delete: Some("cascade".into()),
            }
        );
        assert!(parent_arg(":user", None).is_err());
        assert!(parent_arg("author:", None).is_err());
    }

    #[test]
    fn a_parent_without_options_is_written_short() {
        let value = |text: &str, on_delete: Option<&str>| {
            parent_value(&parent_arg(text, on_delete).unwrap()).to_string()
        };
        assert_eq!(value("customer", None), "\"customer\"");
        assert_eq!(value("author:user", None), "\"user\"");
        assert_eq!(
            value("author:user?", Some("set_null")),
            "{ resource = \"user\", required = false, on_delete = \"set_null\" }"
        );
        assert_eq!(
            value("post", Some("cascade")),
            "{ on_delete = \"cascade\" }"
        );
    }

    #[test]
    fn numbers_stay_numbers_and_the_rest_text_for_the_spec_to_refuse() {
        assert_eq!(number_value("-3").to_string(), "-3");
        assert_eq!(number_value("2.5").to_string(), "2.5");
        assert_eq!(number_value("inf").to_string(), "\"inf\"");
        assert_eq!(number_value("ten").to_string(), "\"ten\"");
    }

    #[test]
    fn the_spec_change_is_the_inserted_text_after_its_line() {
        let old = "[a]\nx = 1\n\n[b]\ny = 2\n";
        let new = "[a]\nx = 1\nz = 3\n\n[b]\ny = 2\n\n[c]\nw = 4\n";
        assert_eq!(
            spec_change(std::path::Path::new("s.toml"), old, new),
            "s.toml would get, after line 2:\nz = 3\n\n\
             s.toml would get, after line 5:\n\n[c]\nw = 4\n\n"
        );
    }
}
