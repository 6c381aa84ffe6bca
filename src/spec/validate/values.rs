//! A field's value rules (`min`, `max`, lengths, `format`, `pattern`) and its `default`,
//! checked against its type and against each other.

use toml::Spanned;
use toml::de::DeValue;

use crate::diagnostics::Diagnostic;
use crate::spec::field_type::{DEFAULT_DECIMAL, Kind, Shape};
use crate::spec::model::*;
use crate::spec::numbers::{bound_text, bound_value, parse_decimal};
use crate::spec::reader::{Number, Sink, Table, describe, one_of, suggest};

pub(super) fn read_rules(sink: &mut Sink, t: &Table<'_, '_>, ty: &FieldType) -> Rules {
    let mut rules = Rules::default();
    if ty.is_textual() {
        rules.min_length = t
            .integer(sink, "min_length", 0, u32::MAX as i64)
            .map(|v| v.value as u32);
        rules.max_length = t
            .integer(sink, "max_length", 1, u32::MAX as i64)
            .map(|v| v.value as u32);
        if let (Some(min), Some(max)) = (rules.min_length, rules.max_length)
            && min > max
        {
            let span = t.raw("min_length").map_or(t.span.clone(), |v| v.span());
            sink.push(
                Diagnostic::new(
                    span,
                    t.key_path("min_length"),
                    "min_length is greater than max_length",
                )
                .found(format!("min_length {min}, max_length {max}")),
            );
        }
        if let (Some(min), None) = (rules.min_length, rules.max_length)
            && min > Rules::DEFAULT_MAX_LENGTH
        {
            let span = t.raw("min_length").map_or(t.span.clone(), |v| v.span());
            let default = Rules::DEFAULT_MAX_LENGTH;
            sink.push(
                Diagnostic::new(
                    span,
                    t.key_path("min_length"),
                    "min_length is greater than the default maximum length",
                )
                .found(format!(
                    "min_length {min}, no max_length (so at most {default})"
                ))
                .help(format!("set a max_length of at least {min}")),
            );
        }
        if let Some(p) = t.string(sink, "pattern") {
            match regex::Regex::new(&p.value) {
                Ok(_) => rules.pattern = Some(p.value),
                Err(e) => sink.push(
                    Diagnostic::new(p.span, t.key_path("pattern"), "invalid regular expression")
                        .found(format!("{:?}", p.value))
                        .help(
                            e.to_string()
                                .lines()
                                .last()
                                .unwrap_or_default()
                                .trim()
                                .to_string(),
                        )
                        .allowed("a regular expression in the syntax of the `regex` crate"),
                ),
            }
        }
    }
    if ty.props().format
        && let Some(f) = one_of(sink, t, "format", Format::ALLOWED)
    {
        rules.format = Some(if f == "email" {
            Format::Email
        } else {
            Format::Url
        });
    }
    if ty.is_numeric() {
        rules.min = t.raw("min").and_then(|v| read_bound(sink, t, "min", v, ty));
        rules.max = t.raw("max").and_then(|v| read_bound(sink, t, "max", v, ty));
        if let (Some(min), Some(max)) = (&rules.min, &rules.max)
            && bound_value(min) > bound_value(max)
        {
            let span = t.raw("min").map_or(t.span.clone(), |v| v.span());
            sink.push(
                Diagnostic::new(span, t.key_path("min"), "min is greater than max").found(format!(
                    "min {}, max {}",
                    bound_text(min),
                    bound_text(max)
                )),
            );
        }
    }
    rules
}

fn read_bound(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    key: &str,
    value: &Spanned<DeValue<'_>>,
    ty: &FieldType,
) -> Option<Bound> {
    let shape = ty.props().shape;
    let number = match value.get_ref() {
        DeValue::String(s) if matches!(shape, Shape::Decimal) => {
            parse_decimal(s).map(|text| Number::Float {
                value: text.parse().unwrap_or(0.0),
                text,
            })
        }
        other => crate::spec::reader::number_of(other),
    };
    let example = shape.bound_example();
    let fail = |sink: &mut Sink, allowed: &str| {
        sink.push(
            Diagnostic::new(
                value.span(),
                t.key_path(key),
                format!(
                    "invalid `{key}` for {} field",
                    crate::names::with_article(ty.spec_name())
                ),
            )
            .found(describe_value(value.get_ref()))
            .allowed(allowed.to_string())
            .help(format!(
                "write e.g. `{key} = {example}`, or leave `{key}` out"
            )),
        );
        None
    };
    match (shape, number) {
        (Shape::Whole { bits }, number) => {
            // A whole shape always has its range; the widest is only the fallback's type.
            let (min, max) = shape.whole_range().unwrap_or((i64::MIN, i64::MAX));
            match number {
                Some(Number::Integer(i)) if (min..=max).contains(&i) => Some(Bound::Integer(i)),
                _ => fail(
                    sink,
                    &format!("a whole number from {min} to {max} ({bits} bits)"),
                ),
            }
        }
        (Shape::Float, Some(n)) => Some(Bound::Float(n.as_f64())),
        (Shape::Decimal, Some(n)) => {
            // The decimal shape is the decimal type's, whose parameters give the scale.
            let (_, scale) = ty.decimal().unwrap_or(DEFAULT_DECIMAL);
            let text = match n {
                Number::Integer(i) => i.to_string(),
                Number::Float { text, .. } => match parse_decimal(&text) {
                    Some(t) => t,
                    None => return fail(sink, "a plain decimal number such as 9.99"),
                },
            };
            if decimal_scale(&text) > scale {
                return fail(
                    sink,
                    &format!("a number with at most {scale} decimal places (the field's scale)"),
                );
            }
            Some(Bound::Decimal(text))
        }
        (Shape::Float, _) => fail(sink, "a finite number such as 2.5 (not inf or nan)"),
        _ => fail(sink, "a number"),
    }
}

pub(super) fn read_default(
    sink: &mut Sink,
    t: &Table<'_, '_>,
    value: &Spanned<DeValue<'_>>,
    ty: &FieldType,
    rules: &Rules,
) -> Option<Literal> {
    let key = t.key_path("default");
    let invalid = || {
        Diagnostic::new(
            value.span(),
            &key,
            format!(
                "invalid default for {} field",
                crate::names::with_article(ty.spec_name())
            ),
        )
        .found(describe_value(value.get_ref()))
    };
    let wrong = |sink: &mut Sink, allowed: String| {
        sink.push(invalid().allowed(allowed));
        None
    };
    let shape = ty.props().shape;
    let literal = match (shape, value.get_ref()) {
        (Shape::Text, DeValue::String(s)) => Literal::String(s.to_string()),
        (Shape::Choice, DeValue::String(s)) => {
            let values = ty.values().unwrap_or_default();
            if !values.iter().any(|v| v == s.as_ref()) {
                let allowed: Vec<&str> = values.iter().map(String::as_str).collect();
                let quoted: Vec<String> = allowed.iter().map(|v| format!("{v:?}")).collect();
                let mut d = invalid().allowed(quoted.join(", "));
                if let Some(near) = suggest(s, &allowed) {
                    d = d.help(format!("did you mean {near:?}?"));
                }
                sink.push(d);
                return None;
            }
            Literal::String(s.to_string())
        }
        (Shape::Boolean, DeValue::Boolean(b)) => Literal::Boolean(*b),
        (Shape::Whole { .. } | Shape::Float | Shape::Decimal, _) => {
            match read_bound(sink, t, "default", value, ty)? {
                Bound::Integer(i) if matches!(shape, Shape::Float) => Literal::Float(i as f64),
                Bound::Integer(i) => Literal::Integer(i),
                Bound::Float(f) => Literal::Float(f),
                Bound::Decimal(d) => Literal::Decimal(d),
            }
        }
        (Shape::Fixed { .. }, _) => {
            let names = Kind::names_where(|p| !p.shape.takes_default());
            let names = match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => names.join(""),
            };
            return wrong(sink, format!("no default: types {names} take none"));
        }
        (Shape::Boolean, _) => return wrong(sink, "true or false".into()),
        (Shape::Text | Shape::Choice, _) => return wrong(sink, "a string".into()),
    };
    if let Some(problem) = default_breaks_rules(&literal, rules) {
        sink.push(
            Diagnostic::new(
                value.span(),
                key,
                "the default breaks the field's own validation",
            )
            .found(describe_value(value.get_ref()))
            .help(problem),
        );
    }
    Some(literal)
}

/// Whether `c` may appear in an RFC 3986 URI as it is (unreserved, reserved, or `%`).
pub(super) fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// Why a default value would fail its own field's validations, if it would.
fn default_breaks_rules(literal: &Literal, rules: &Rules) -> Option<String> {
    match literal {
        Literal::String(s) => {
            let len = s.chars().count() as u32;
            if let Some(min) = rules.min_length.filter(|m| len < *m) {
                return Some(format!("it is shorter than min_length {min}"));
            }
            if let Some(max) = rules.max_length.filter(|m| len > *m) {
                return Some(format!("it is longer than max_length {max}"));
            }
            if rules.max_length.is_none() && len > Rules::DEFAULT_MAX_LENGTH {
                let max = Rules::DEFAULT_MAX_LENGTH;
                return Some(format!(
                    "it is longer than the default maximum length {max}"
                ));
            }
            if let Some(p) = &rules.pattern
                && regex::Regex::new(p).is_ok_and(|re| !re.is_match(s))
            {
                return Some(format!("it does not match the pattern {p:?}"));
            }
            match rules.format {
                Some(Format::Email) if !looks_like_email(s) => {
                    Some("it is not an email address".into())
                }
                Some(Format::Url) if !(s.starts_with("http://") || s.starts_with("https://")) => {
                    Some("it is not an http(s) URL".into())
                }
                // The document calls it a `uri` (RFC 3986), where these are percent-encoded.
                Some(Format::Url) if s.chars().any(|c| !is_uri_char(c)) => Some(
                    "it is not a URI: spaces, quotes, `<>\\^`{|}` and characters outside ASCII must be percent-encoded (`\"` is `%22`)".into(),
                ),
                _ => None,
            }
        }
        Literal::Integer(_) | Literal::Float(_) | Literal::Decimal(_) => {
            let v = match literal {
                Literal::Integer(i) => *i as f64,
                Literal::Float(f) => *f,
                Literal::Decimal(d) => d.parse().unwrap_or(0.0),
                _ => return None,
            };
            if let Some(min) = rules.min.as_ref().filter(|m| v < bound_value(m)) {
                return Some(format!("it is less than min {}", bound_text(min)));
            }
            rules
                .max
                .as_ref()
                .filter(|m| v > bound_value(m))
                .map(|max| format!("it is greater than max {}", bound_text(max)))
        }
        Literal::Boolean(_) => None,
    }
}

fn looks_like_email(s: &str) -> bool {
    matches!(s.split_once('@'), Some((user, host)) if !user.is_empty() && host.contains('.'))
}

fn decimal_scale(text: &str) -> u32 {
    text.split_once('.').map_or(0, |(_, f)| f.len() as u32)
}

pub(super) fn describe_value(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("{s:?}"),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        other => describe(other).to_string(),
    }
}
