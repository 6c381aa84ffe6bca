//! Answers typed at a prompt, turned into spec values: lists of names,
//! counts, numbers in a field's own type and default values. Each returns the
//! message to show when the text will not do.

use crate::names::{is_snake_identifier, snake_version};
use crate::spec::{Bound, DEFAULT_DECIMAL, FieldType, FileRules, Literal, Shape, parse_decimal};

/// Splits a comma-separated list, trimming each item and dropping empty ones.
fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Why a typed list will not do: one message per bad item (all of them, not
/// only the first), and the list with every fixable item fixed, to offer as
/// the next answer's default so nothing has to be typed again.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ListProblems {
    pub messages: Vec<String>,
    /// Comma-separated; items with no fix are left out. Empty when nothing is left.
    pub corrected: String,
}

/// A comma-separated list of distinct words, each checked by `word`, which
/// says what is wrong with an item and may offer a fix; `empty` is what to
/// say when there is none.
fn distinct_words(
    text: &str,
    empty: &str,
    word: impl Fn(&str) -> Option<(String, Option<String>)>,
) -> Result<Vec<String>, ListProblems> {
    let words = split_list(text);
    if words.is_empty() {
        return Err(ListProblems {
            messages: vec![empty.into()],
            corrected: String::new(),
        });
    }
    let mut kept: Vec<String> = Vec::new();
    let mut messages = Vec::new();
    for w in words {
        let fixed = match word(&w) {
            None => Some(w.clone()),
            Some((problem, fix)) => {
                let message = match &fix {
                    Some(fix) => format!("{problem} (did you mean `{fix}`?)"),
                    None => problem,
                };
                messages.push(message);
                fix
            }
        };
        let Some(fixed) = fixed else { continue };
        if kept.contains(&fixed) {
            messages.push(format!("{fixed:?} is listed twice (kept once)"));
        } else {
            kept.push(fixed);
        }
    }
    if messages.is_empty() {
        Ok(kept)
    } else {
        Err(ListProblems {
            messages,
            corrected: kept.join(", "),
        })
    }
}

/// What is wrong with `word` as a snake_case name, with its snake_case
/// version (`Full Name` → `full_name`) when there is one.
fn snake_problem(word: &str, what: &str) -> Option<(String, Option<String>)> {
    if is_snake_identifier(word) {
        return None;
    }
    Some((
        format!("{word:?} is not {what} (lowercase letters, digits and single underscores)"),
        snake_version(word),
    ))
}

pub(super) fn parse_roles(text: &str) -> Result<Vec<String>, ListProblems> {
    distinct_words(
        text,
        "name at least one role, e.g. \"admin, member\"",
        |role| {
            if let Some((problem, fix)) = snake_problem(role, "a snake_case name") {
                // A fix that is a rule word is no fix.
                let fix = fix.map(|f| role_name(&f));
                return Some((problem, fix));
            }
            if crate::spec::RULE_WORDS.contains(&role) {
                return Some((
                    format!("{role:?} is an access rule, not a role"),
                    Some(role_name(role)),
                ));
            }
            None
        },
    )
}

/// `word` as a role name: a rule word (`owner`) gets a suffix (`owner_role`).
fn role_name(word: &str) -> String {
    if crate::spec::RULE_WORDS.contains(&word) {
        format!("{word}_role")
    } else {
        word.to_string()
    }
}

pub(super) fn parse_enum_values(text: &str) -> Result<Vec<String>, ListProblems> {
    distinct_words(
        text,
        "name at least one value, e.g. \"draft, published\"",
        |v| snake_problem(v, "a snake_case word such as \"in_stock\""),
    )
}

/// A file field's media types: `image/png, image/jpeg`.
pub(super) fn parse_media_types(text: &str) -> Result<Vec<String>, ListProblems> {
    distinct_words(
        text,
        "name at least one media type, e.g. \"image/png, image/jpeg\"",
        |v| {
            let lower = v.to_ascii_lowercase();
            if FileRules::is_media_type(v) {
                None
            } else if FileRules::is_media_type(&lower) {
                Some((format!("{v:?} is in lower case"), Some(lower)))
            } else {
                Some((
                    format!("{v:?} is not a media type such as \"image/png\""),
                    None,
                ))
            }
        },
    )
}

/// A blank answer, or `none` (for a prompt whose blank takes a suggested
/// value), is `None`.
pub(super) fn parse_count(text: &str, min: u32) -> Result<Option<u32>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) if n >= min => Ok(Some(n)),
        _ => Err(format!(
            "enter a whole number of at least {min}, or `none` for no limit"
        )),
    }
}

/// A limit or default for a numeric field, in the field's own type.
pub(super) fn parse_number(text: &str, ty: &FieldType) -> Result<Bound, String> {
    let number = text.trim().replace('_', "");
    match ty.props().shape {
        Shape::Whole { bits } => {
            let (lo, hi) = ty.whole_range().unwrap_or((i64::MIN, i64::MAX));
            match number.parse::<i64>() {
                Ok(i) if (lo..=hi).contains(&i) => Ok(Bound::Integer(i)),
                // Every whole number that parses fits the widest type.
                _ if bits < 64 => Err(format!("enter a whole number that fits in {bits} bits")),
                _ => Err("enter a whole number".into()),
            }
        }
        Shape::Float => match number.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Bound::Float(f)),
            _ => Err("enter a number such as 2.5".into()),
        },
        Shape::Decimal => {
            let (_, scale) = ty.decimal().unwrap_or(DEFAULT_DECIMAL);
            let decimal =
                canonical_decimal(text).ok_or("enter a plain decimal number such as 9.99")?;
            let places = decimal.split_once('.').map_or(0, |(_, f)| f.len());
            if places > scale as usize {
                return Err(format!(
                    "at most {scale} decimal places (the field's scale)"
                ));
            }
            Ok(Bound::Decimal(decimal))
        }
        Shape::Text | Shape::Choice | Shape::Boolean | Shape::Fixed { .. } => {
            Err("this type takes no numbers".into())
        }
    }
}

/// A plain decimal as the spec reads it ([`parse_decimal`]), in the form a
/// bare TOML number needs: no leading zeros, and no sign on zero
/// (`-012.50` → `-12.50`, `-0` → `0`).
fn canonical_decimal(text: &str) -> Option<String> {
    let plain = parse_decimal(text)?;
    let (sign, body) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(int, frac)| (int, Some(frac)));
    let int = match int.trim_start_matches('0') {
        "" => "0",
        int => int,
    };
    let zero = int == "0" && frac.is_none_or(|f| f.chars().all(|c| c == '0'));
    let sign = if zero { "" } else { sign };
    Some(match frac {
        Some(frac) => format!("{sign}{int}.{frac}"),
        None => format!("{sign}{int}"),
    })
}

/// A default value typed at the prompt, for a field of type `ty`.
pub(super) fn parse_default(text: &str, ty: &FieldType) -> Result<Literal, String> {
    match ty.props().shape {
        Shape::Text => Ok(Literal::String(text.to_string())),
        Shape::Choice => {
            let values = ty.values().unwrap_or_default();
            let text = text.trim();
            if values.iter().any(|v| v == text) {
                Ok(Literal::String(text.to_string()))
            } else {
                Err(format!("the default must be one of: {}", values.join(", ")))
            }
        }
        Shape::Boolean => match text.trim() {
            "true" => Ok(Literal::Boolean(true)),
            "false" => Ok(Literal::Boolean(false)),
            _ => Err("true or false".into()),
        },
        Shape::Whole { .. } | Shape::Float | Shape::Decimal => Ok(match parse_number(text, ty)? {
            Bound::Integer(i) => Literal::Integer(i),
            Bound::Float(f) => Literal::Float(f),
            Bound::Decimal(d) => Literal::Decimal(d),
        }),
        Shape::Fixed { .. } => Err(format!("{} fields take no default", ty.spec_name())),
    }
}

pub(super) fn takes_default(ty: &FieldType) -> bool {
    ty.props().shape.takes_default()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(parse_count("", 1), Ok(None));
        assert_eq!(parse_count(" none ", 1), Ok(None));
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
    fn every_bad_list_item_is_reported_with_its_fix() {
        let problems = parse_roles("Admin, front-desk, staff").unwrap_err();
        assert_eq!(problems.messages.len(), 2, "{problems:?}");
        assert!(
            problems.messages[0].contains("\"Admin\" is not a snake_case name")
                && problems.messages[0].contains("did you mean `admin`?"),
            "{problems:?}"
        );
        assert!(
            problems.messages[1].contains("did you mean `front_desk`?"),
            "{problems:?}"
        );
        assert_eq!(problems.corrected, "admin, front_desk, staff");
        // The corrected list is taken as it stands.
        assert_eq!(
            parse_roles(&problems.corrected),
            Ok(vec!["admin".into(), "front_desk".into(), "staff".into()])
        );

        // A rule word gets a suffix; a repeat (after fixing) is kept once; an
        // item with no snake_case version is left out of the fix.
        let problems = parse_roles("owner, Admin, admin, 42").unwrap_err();
        assert_eq!(problems.corrected, "owner_role, admin");
        assert!(
            problems.messages[0].contains("an access rule, not a role")
                && problems.messages[0].contains("`owner_role`"),
            "{problems:?}"
        );
        assert!(
            problems.messages.iter().any(|m| m.contains("listed twice")),
            "{problems:?}"
        );
        assert!(
            problems
                .messages
                .iter()
                .any(|m| m.starts_with("\"42\"") && !m.contains("did you mean")),
            "{problems:?}"
        );

        let problems = parse_enum_values("In Stock, sold-out").unwrap_err();
        assert_eq!(problems.corrected, "in_stock, sold_out");
        assert_eq!(problems.messages.len(), 2);
        assert_eq!(
            parse_enum_values(" , ").unwrap_err(),
            ListProblems {
                messages: vec!["name at least one value, e.g. \"draft, published\"".into()],
                corrected: String::new(),
            }
        );
    }
}
