//! One field: its name and type, then required or optional, or "more options"
//! (unique, limits, format, pattern, default, field rules).

use super::answers::{Answers, FieldAnswers, ResourceAnswers, USUAL_MAX_LENGTH};
use super::checks::{Draft, field_name_problem};
use super::more::ask_field_rules;
use super::parse::{
    parse_count, parse_default, parse_enum_values, parse_media_types, parse_number, takes_default,
};
use super::ui::{Ui, ask_list};
use crate::error::{Error, Result};
use crate::spec::{
    AuthMode, Bound, DEFAULT_DECIMAL, FieldType, FileRules, Format, Kind, Literal, Rules, Shape,
    bound_text, bound_value,
};

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
        (None, Kind::File) => {
            let (size, types) = existing.and_then(FieldType::file).map_or_else(
                || ("5MB".to_owned(), "image/png, image/jpeg".to_owned()),
                |rules| (rules.size_text(), rules.content_types.join(", ")),
            );
            let size = ui.text(
                "Largest file (B, KB, MB or GB, e.g. 5MB)",
                Some(&size),
                |text: &String| match FileRules::parse_size(text) {
                    Some(n) if (1..=FileRules::MAX_SIZE).contains(&n) => Ok(()),
                    _ => Err("enter a size from 1B to 5GB, e.g. 200KB or 5MB".to_string()),
                },
            )?;
            FieldType::File(FileRules {
                max_size: FileRules::parse_size(&size).unwrap_or(FileRules::MAX_SIZE),
                content_types: ask_list(
                    ui,
                    "Accepted media types (comma-separated; application/octet-stream takes any)",
                    &types,
                    parse_media_types,
                )?,
            })
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
