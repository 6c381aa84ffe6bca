//! One field's context: its Rust type, default, checks and samples, and the Rust
//! literals they print.

use serde::Serialize;

use crate::names::Names;
use crate::samples;
use crate::spec::{Bound, Field, FieldWrite, Format, Kind, Literal, Resource, Shape, Spec};
use crate::sql::{taken, taken_on_postgres};

#[derive(Debug, Serialize)]
pub struct FieldContext {
    pub names: Names,
    pub description: String,
    /// The spec's type name (`date`, `big_integer`...): the OpenAPI document reads it, and
    /// the tests get a copy (`FieldTestContext`).
    #[serde(skip)]
    pub spec_type: &'static str,
    /// The type's row in the table, which the context reads instead of the type.
    #[serde(skip)]
    pub kind: Kind,
    /// The value type: `String`, `Decimal`, `OrderStatus`...
    pub rust_type: String,
    /// `rust_type`, or `Option<rust_type>` when the field is optional.
    pub field_type: String,
    pub required: bool,
    /// Rust expression of the default value (already `Some(..)` for an
    /// optional field), when the spec gives one.
    pub default_rust: Option<String>,
    pub is_enum: bool,
    pub enum_values: Vec<EnumValue>,
    /// Copy types are bound and checked by value, others by reference.
    pub copy: bool,
    /// Validation calls, on `value`: the field's value when a body holds it
    /// (bound by reference unless `copy`).
    pub checks: Vec<Check>,
    /// The regex as a Rust raw string literal, the name of the constant
    /// that holds it and of the static that compiles it once.
    pub pattern_rust: Option<String>,
    pub pattern_const: String,
    pub pattern_static: String,
    /// Valid JSON values, distinct (see `samples`): the generated docs' and the OpenAPI document's
    /// examples, and the tests' bodies (which get a copy).
    #[serde(skip)]
    pub samples: Vec<String>,
    /// For a unique field: whether another live row holds a value.
    pub taken_sql: Option<String>,
    /// For a per-tenant resource, the same as PostgreSQL runs it (`sql::taken_on_postgres`).
    pub taken_on_postgres: Option<String>,
    /// No body writes it (`write = "none"`): the sample bodies leave it out.
    #[serde(skip)]
    pub write_never: bool,
    /// Some callers may not see it (`read`).
    pub read_guarded: bool,
    /// Stored sealed (`personal = true`): bound through `personal::Seal`, read through
    /// `personal::Opened`, and left out of events.
    pub personal: bool,
    /// Read through `personal::Opened`: personal, or was (`Field::sealed_before`), and may
    /// still hold sealed values.
    pub opened: bool,
    /// A personal field's blind index column, bound after the value.
    pub blind_index: Option<String>,
    /// What an insert or update binds for it, from `input`: the value (sealed when
    /// personal), then a personal field's blind index.
    pub binds: Vec<String>,
    /// What the check that a unique value is free binds: the value, or its blind index.
    pub taken_bind: String,
}

/// See [`FieldContext::binds`] and [`FieldContext::taken_bind`]. `folded`: the blind index
/// is of the value in lower case (the accounts' personal email).
fn binds(f: &Field, copy: bool, folded: bool) -> (Vec<String>, String) {
    let value = format!("input.{}", f.names.ident);
    if !f.personal {
        let bound = if copy { value } else { format!("&{value}") };
        return (vec![bound.clone()], bound);
    }
    let wrapped = |with: &str| {
        if f.required {
            format!("{with}(&{value})")
        } else {
            format!("{value}.as_deref().map({with})")
        }
    };
    let blind = if folded { "BlindFolded" } else { "Blind" };
    let mut binds = vec![wrapped("Seal")];
    binds.extend(f.blind_index().map(|_| wrapped(blind)));
    (binds, wrapped(blind))
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub head: String,
    pub args: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct EnumValue {
    pub value: String,
    pub variant: String,
    /// The variant needs explicit serde and sqlx renames to be spelled `value`.
    pub rename: bool,
}

impl FieldContext {
    /// Whether any Rust printed for this field in the model names `Dec`:
    /// decided from the printed text itself, so no use can miss the import.
    pub(super) fn names_dec(&self) -> bool {
        self.default_rust
            .iter()
            .chain(self.checks.iter().flat_map(|c| &c.args))
            .any(|rust| rust.contains(DEC_PATH))
    }

    pub(super) fn new(spec: &Spec, resource: &Resource, f: &Field) -> Self {
        let props = f.ty.props();
        // A personal unique field is unique by its blind index.
        let unique_column = f.blind_index().unwrap_or_else(|| f.names.sql.clone());
        // The table's Rust type, or the field's own enum.
        let rust_type = props
            .rust
            .map_or_else(|| f.names.type_name.clone(), str::to_string);
        let field_type = if f.required {
            rust_type.clone()
        } else {
            format!("Option<{rust_type}>")
        };
        let enum_values: Vec<EnumValue> =
            f.ty.values()
                .unwrap_or_default()
                .iter()
                .map(|v| {
                    let variant = crate::names::variant(v);
                    EnumValue {
                        value: v.clone(),
                        variant: variant.name,
                        rename: variant.rename,
                    }
                })
                .collect();
        let default_rust = f.default.as_ref().map(|d| {
            let value = rust_literal(d, props.shape, &rust_type, &enum_values);
            if f.required {
                value
            } else {
                format!("Some({value})")
            }
        });
        let (binds, taken_bind) = binds(f, props.copy, spec.is_personal_account_email(resource, f));
        Self {
            binds,
            taken_bind,
            checks: checks(f),
            names: f.names.clone(),
            description: f.description.clone(),
            spec_type: props.spec_name,
            kind: props.kind,
            field_type,
            required: f.required,
            default_rust,
            is_enum: !enum_values.is_empty(),
            enum_values,
            copy: props.copy,
            pattern_rust: f.rules.pattern.as_ref().map(|p| raw_string(p)),
            pattern_static: format!("{}_REGEX", f.names.upper),
            pattern_const: format!("{}_PATTERN", f.names.upper),
            samples: samples::valid(&resource.names.snake, f),
            taken_sql: f.unique.then(|| taken(spec, resource, &unique_column)),
            taken_on_postgres: f
                .unique
                .then(|| taken_on_postgres(spec, resource, &unique_column)),
            write_never: f.access.write == FieldWrite::None,
            read_guarded: f.access.read.is_some(),
            personal: f.personal,
            opened: f.opened(),
            blind_index: f.blind_index(),
            rust_type,
        }
    }
}

/// The validation calls of a field (see `FieldContext::checks`).
fn checks(f: &Field) -> Vec<Check> {
    let name = format!("{:?}", f.names.camel);
    let value = "value".to_string();
    let opt = |b: Option<String>| b.map_or_else(|| "None".to_string(), |b| format!("Some({b})"));
    let rules = &f.rules;
    let mut out = Vec::new();
    let mut push = |head: &str, extra: Vec<String>| {
        let mut args = vec![name.clone(), value.clone()];
        args.extend(extra);
        out.push(Check {
            head: format!("v.{head}"),
            args,
        });
    };
    if rules.min_length.is_some() || f.max_length().is_some() {
        push(
            "length",
            vec![
                opt(rules.min_length.map(|n| n.to_string())),
                opt(f.max_length().map(|n| n.to_string())),
            ],
        );
    }
    if rules.pattern.is_some() {
        push("pattern", vec![format!("&{}_REGEX", f.names.upper)]);
    }
    match rules.format {
        Some(Format::Email) => push("email", vec![]),
        Some(Format::Url) => push("url", vec![]),
        None => {}
    }
    let shape = f.ty.props().shape;
    let bound = |b: &Option<Bound>| opt(b.as_ref().map(|b| bound_rust(b, shape)));
    // A decimal's digits are checked even without bounds; other numbers only have bounds.
    if let Some((precision, scale)) = f.ty.decimal() {
        let digits = precision - scale;
        push(
            "decimal",
            vec![
                bound(&rules.min),
                bound(&rules.max),
                digits.to_string(),
                scale.to_string(),
            ],
        );
    } else if shape.bounds() && (rules.min.is_some() || rules.max.is_some()) {
        push("range", vec![bound(&rules.min), bound(&rules.max)]);
    }
    out
}

/// A limit as Rust of the field's type: a whole number is also a float's or a decimal's.
fn bound_rust(b: &Bound, shape: Shape) -> String {
    match (b, shape) {
        (Bound::Decimal(d), _) => decimal_rust(d),
        (Bound::Integer(i), Shape::Decimal) => decimal_rust(&i.to_string()),
        (Bound::Integer(i), Shape::Float) => format!("{:?}", *i as f64),
        (Bound::Integer(i), _) => i.to_string(),
        (Bound::Float(x), _) => format!("{x:?}"),
    }
}

/// A default as Rust of the field's type: an enum's text is its variant, a whole number is
/// also a float's or a decimal's.
fn rust_literal(literal: &Literal, shape: Shape, rust_type: &str, values: &[EnumValue]) -> String {
    match (literal, shape) {
        (Literal::String(s), Shape::Choice) => {
            let variant = values
                .iter()
                .find(|v| v.value == *s)
                .map_or("", |v| v.variant.as_str());
            format!("{rust_type}::{variant}")
        }
        (Literal::String(s), _) => format!("{s:?}.to_owned()"),
        (Literal::Integer(i), Shape::Float) => format!("{:?}", *i as f64),
        (Literal::Integer(i), Shape::Decimal) => {
            format!("Decimal({})", decimal_rust(&i.to_string()))
        }
        (Literal::Integer(i), _) => i.to_string(),
        (Literal::Float(x), _) => format!("{x:?}"),
        (Literal::Decimal(d), _) => format!("Decimal({})", decimal_rust(d)),
        (Literal::Boolean(b), _) => b.to_string(),
    }
}

/// The start of every decimal literal `decimal_rust` prints.
const DEC_PATH: &str = "Dec::";

/// `Dec::new(mantissa, scale)` for exact decimal text such as `19.99`
/// (`Dec` is `rust_decimal::Decimal` in generated models).
pub(super) fn decimal_rust(text: &str) -> String {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mantissa = format!("{int}{frac}").parse::<i64>().unwrap_or(0);
    format!("{DEC_PATH}new({mantissa}, {})", frac.len())
}

/// A Rust raw string literal with enough `#`s for its content.
pub(super) fn raw_string(s: &str) -> String {
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
}

/// A TOML basic string literal.
pub(super) fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
