//! Example values for generated tests and docs: valid ones that pass every
//! rule of their field (distinct, for unique fields), and one invalid value
//! per field that has a rule to break. Values are JSON literals.
//!
//! Strings for a `pattern` are drawn from the regex itself with a seeded generator
//! (`spec::room::pattern_values`), so the same spec always gives the same values; a
//! pattern with fewer values than the samples repeats them.

use crate::spec::room::{pattern_values, stable_seed};
use crate::spec::{Bound, DEFAULT_DECIMAL, Field, Format, Shape, bound_value, bound_whole};

// The samples' count and a field's room are the spec's: its validation refuses an account
// field whose room would turn sign-ups away.
pub use crate::spec::room::{COUNT, room};

/// `COUNT` distinct valid JSON values for `field` (fewer only for a boolean).
pub fn valid(resource: &str, field: &Field) -> Vec<String> {
    (0..COUNT).map(|i| valid_one(resource, field, i)).collect()
}

fn valid_one(resource: &str, field: &Field, i: usize) -> String {
    let n = i + 1;
    match field.ty.props().shape {
        Shape::Text => json_string(&string_sample(field, i)),
        Shape::Whole { .. } => {
            let (lo, hi) = int_range(field);
            lo.saturating_add(i as i64).min(hi).to_string()
        }
        Shape::Float => {
            let (lo, hi) = float_range(field);
            // A weighted mean rather than `lo + (hi - lo) * t`: `hi - lo` overflows to
            // infinity when the bounds are near f64's limits.
            let t = n as f64 / (COUNT as f64 + 1.0);
            let v = (lo * (1.0 - t) + hi * t).clamp(lo, hi);
            format!("{v:?}")
        }
        Shape::Decimal => {
            let (precision, scale) = field.ty.decimal().unwrap_or(DEFAULT_DECIMAL);
            // Within the column too: at most `precision - scale` digits before the point.
            let unit = 10f64.powi(-(scale as i32));
            let limit = 10f64.powi(precision as i32 - scale as i32) - unit;
            let (lo, hi) = float_range(field);
            let (lo, hi) = (lo.max(-limit), hi.min(limit));
            let step = (hi - lo) / (COUNT as f64 + 1.0);
            // In a range only a few units wide, one unit apart from the minimum, so the
            // values stay distinct at the field's scale (unique fields have room for them).
            let v = if step >= unit {
                lo + step * n as f64
            } else {
                (lo + unit * i as f64).min(hi)
            };
            json_string(&format!("{v:.prec$}", prec = scale as usize))
        }
        Shape::Boolean => i.is_multiple_of(2).to_string(),
        Shape::Choice => {
            let values = field.ty.values().unwrap_or_default();
            json_string(&values[i % values.len()])
        }
        Shape::Fixed { sample } => {
            sample(stable_seed(&format!("{resource}.{}", field.names.snake)), i)
        }
    }
}

/// A whole number as a Rust literal inside `json!`: one outside `i32`'s range (a
/// big_integer's) says `i64`, or rustc reads it as an overflowing `i32`.
fn whole_literal(v: i64) -> String {
    if i32::try_from(v).is_ok() {
        v.to_string()
    } else {
        format!("{v}_i64")
    }
}

/// A value that breaks one of the field's rules, with the rule, if any rule
/// can be broken by a value of the right JSON type.
pub fn invalid(field: &Field) -> Option<String> {
    let rules = &field.rules;
    match field.ty.props().shape {
        Shape::Text => {
            // Long values are written as a Rust expression (generated tests
            // put every value inside `json!`), not as a literal.
            if let Some(max) = rules.max_length {
                return Some(repeat_x(max as usize + 1));
            }
            if let Some(min) = rules.min_length.filter(|m| *m > 0) {
                return Some(repeat_x(min as usize - 1));
            }
            match rules.format {
                Some(Format::Email) => return Some(json_string("not-an-email")),
                Some(Format::Url) => return Some(json_string("not a url")),
                None => {}
            }
            let re = rules
                .pattern
                .as_deref()
                .and_then(|p| regex::Regex::new(p).ok());
            let unmatched = re.and_then(|re| {
                ["!", " ", "not matching", "0", "", "~~~"]
                    .into_iter()
                    .find(|c| !re.is_match(c))
                    .map(json_string)
            });
            // Else one character past the default maximum length.
            unmatched.or_else(|| field.max_length().map(|max| repeat_x(max as usize + 1)))
        }
        Shape::Whole { .. } => {
            // Past a bound at the type's own limit is no number of the type (a 400, not a
            // rule's 422): no such value.
            let (lo, hi) = field.ty.whole_range()?;
            let fits = |v: &i64| (lo..=hi).contains(v);
            let whole = |bound: &Option<Bound>, step: i64| match bound {
                Some(Bound::Integer(v)) => v.checked_add(step).filter(fits),
                _ => None,
            };
            whole(&rules.min, -1)
                .or_else(|| whole(&rules.max, 1))
                .map(whole_literal)
        }
        Shape::Float => {
            // Far enough past the bound to be another f64 (`-1e300 - 1.0` is `-1e300`),
            // and finite (JSON has no infinity): none past a bound at f64's limit.
            let past = |bound: f64, direction: f64| {
                let mut v = bound + direction;
                if v == bound {
                    v = bound + direction * bound.abs();
                }
                v.is_finite().then(|| format!("{v:?}"))
            };
            rules
                .min
                .as_ref()
                .and_then(|min| past(bound_value(min), -1.0))
                .or_else(|| {
                    rules
                        .max
                        .as_ref()
                        .and_then(|max| past(bound_value(max), 1.0))
                })
        }
        Shape::Decimal => match (&rules.min, &rules.max) {
            (Some(min), _) => Some(json_string(&format!("{}", bound_value(min) - 1.0))),
            (_, Some(max)) => Some(json_string(&format!("{}", bound_value(max) + 1.0))),
            _ => None,
        },
        Shape::Choice => {
            let values = field.ty.values()?;
            let mut bad = "not_a_value".to_string();
            while values.contains(&bad) {
                bad.push('x');
            }
            Some(json_string(&bad))
        }
        Shape::Boolean | Shape::Fixed { .. } => None,
    }
}

/// The range valid float samples are drawn from: the field's bounds, or 100 wide from the
/// one bound there is (from 0 when that is inside).
fn float_range(field: &Field) -> (f64, f64) {
    let min = field.rules.min.as_ref().map(bound_value);
    let max = field.rules.max.as_ref().map(bound_value);
    match (min, max) {
        (Some(lo), Some(hi)) => (lo, hi),
        (Some(lo), None) => (lo, (lo + 100.0).min(f64::MAX)),
        (None, Some(hi)) if hi > 0.0 => (0.0, hi),
        (None, Some(hi)) => ((hi - 100.0).max(f64::MIN), hi),
        (None, None) => (0.0, 100.0),
    }
}

/// A JSON value of the wrong type for the field (a 400), if there is one:
/// a json field takes any value, and a decimal takes strings and numbers.
pub fn wrong_type(field: &Field) -> Option<String> {
    field.ty.props().wrong_type.map(String::from)
}

fn repeat_x(n: usize) -> String {
    if n <= 16 {
        json_string(&"x".repeat(n))
    } else {
        format!("\"x\".repeat({n})")
    }
}

fn string_sample(field: &Field, i: usize) -> String {
    let rules = &field.rules;
    let n = i + 1;
    let candidate = match (rules.format, &rules.pattern) {
        (Some(Format::Email), _) => {
            format!("{}{n}@example.com", field.names.snake.replace('_', "."))
        }
        (Some(Format::Url), _) => format!("https://example.com/{}/{n}", field.names.kebab),
        (None, Some(_)) => {
            // Validation refuses a pattern with no value drawn, so the fallback is never used.
            if let Some(values) = pattern_values(field).filter(|v| !v.is_empty()) {
                return values[i % values.len()].clone();
            }
            format!("{} {n}", field.names.words)
        }
        (None, None) => format!("{} {n}", capitalize(&field.names.words)),
    };
    fit_length(candidate, rules.min_length, rules.max_length, n)
}

/// Pads or trims a sample into `min..=max` characters, keeping it distinct.
fn fit_length(mut s: String, min: Option<u32>, max: Option<u32>, n: usize) -> String {
    if let Some(max) = max.map(|m| m as usize)
        && s.chars().count() > max
    {
        let tag = n.to_string();
        let keep = max.saturating_sub(tag.len());
        s = s.chars().take(keep).collect::<String>() + &tag;
        s = s
            .chars()
            .rev()
            .take(max)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
    }
    if let Some(min) = min.map(|m| m as usize) {
        while s.chars().count() < min {
            s.push('x');
        }
    }
    s
}

fn int_range(field: &Field) -> (i64, i64) {
    let (type_min, type_max) = field.ty.whole_range().unwrap_or((i64::MIN, i64::MAX));
    let hi = field.rules.max.as_ref().map_or(type_max, bound_whole);
    // Without a minimum, from 1; below a maximum too small for that, from far enough under
    // it that the samples stay distinct and inside the range.
    let lo = field.rules.min.as_ref().map_or_else(
        || {
            if hi < COUNT as i64 {
                hi.saturating_sub(COUNT as i64)
            } else {
                1
            }
        },
        bound_whole,
    );
    (lo.max(type_min), hi)
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(toml: &str) -> Field {
        let source = format!("[resources.thing.fields]\nf = {toml}\n");
        let spec = crate::spec::parse("t.toml", &source).unwrap_or_else(|r| panic!("{r}"));
        spec.resources[0].fields[0].clone()
    }

    /// A value past a bound is one of the field's type (else it is a 400, not a 422), and a
    /// literal rustc does not read as an overflowing `i32` inside `json!`.
    #[test]
    fn a_whole_number_past_i32_is_an_i64_literal() {
        // An integer's bound at i32's limit: one past it is no integer at all.
        let max = field("{ type = \"integer\", max = 2147483647 }");
        assert_eq!(invalid(&max), None);
        let min = field("{ type = \"integer\", min = -2147483648 }");
        assert_eq!(invalid(&min), None);
        let small = field("{ type = \"integer\", max = 5 }");
        assert_eq!(invalid(&small).as_deref(), Some("6"));
        let big = field("{ type = \"big_integer\", max = 2147483647 }");
        assert_eq!(invalid(&big).as_deref(), Some("2147483648_i64"));
        let limit = field("{ type = \"big_integer\", max = 9223372036854775807 }");
        assert_eq!(invalid(&limit), None);
        // A minimum at the limit leaves the maximum to break.
        let both = field("{ type = \"integer\", min = -2147483648, max = 7 }");
        assert_eq!(invalid(&both).as_deref(), Some("8"));
    }

    /// Every sample parses as a finite f64 inside the bounds, and they are distinct.
    fn assert_floats_within(f: &Field, lo: f64, hi: f64) {
        let values: Vec<f64> = valid("thing", f)
            .iter()
            .map(|v| v.parse().unwrap_or_else(|e| panic!("{v}: {e}")))
            .collect();
        for v in &values {
            assert!(v.is_finite() && (lo..=hi).contains(v), "{v} in {lo}..={hi}");
        }
        let mut distinct = values.clone();
        distinct.dedup();
        assert_eq!(distinct.len(), COUNT, "{values:?}");
    }

    #[test]
    fn float_samples_hold_at_the_limits_of_f64() {
        let wide = field("{ type = \"float\", min = -1e300, max = 1.7976931348623157e308 }");
        assert_floats_within(&wide, -1e300, f64::MAX);
        let negative = field("{ type = \"float\", max = -3.25 }");
        assert_floats_within(&negative, f64::MIN, -3.25);
        // Past a huge bound, `min - 1.0` would be the bound itself.
        let huge = field("{ type = \"float\", min = -1e300 }");
        let bad: f64 = invalid(&huge)
            .expect("a value under the minimum")
            .parse()
            .unwrap();
        assert!(bad < -1e300 && bad.is_finite(), "{bad}");
        let edge = field("{ type = \"float\", min = -1.7976931348623157e308 }");
        assert_eq!(invalid(&edge), None, "nothing finite is under f64::MIN");
        assert_eq!(
            invalid(&field("{ type = \"float\", min = 2.5 }")).as_deref(),
            Some("1.5")
        );
    }

    #[test]
    fn integer_samples_under_a_negative_maximum_are_distinct() {
        let f = field("{ type = \"integer\", unique = true, max = -5 }");
        let values: Vec<i64> = valid("thing", &f)
            .iter()
            .map(|v| v.parse().unwrap())
            .collect();
        assert!(values.iter().all(|v| *v <= -5), "{values:?}");
        let mut distinct = values.clone();
        distinct.dedup();
        assert_eq!(distinct.len(), COUNT, "{values:?}");
    }

    /// Unique fields whose rules leave just enough room still get `COUNT` distinct values
    /// inside their bounds.
    #[test]
    fn samples_of_narrow_unique_ranges_are_distinct_and_in_range() {
        let cases = [
            (
                "{ type = \"integer\", unique = true, max = 5 }",
                f64::MIN,
                5.0,
            ),
            (
                "{ type = \"integer\", unique = true, min = 3, max = 14 }",
                3.0,
                14.0,
            ),
            (
                "{ type = \"decimal\", unique = true, min = 1, max = \"1.11\" }",
                1.0,
                1.11,
            ),
            (
                "{ type = \"decimal\", scale = 0, unique = true, min = -20, max = -9 }",
                -20.0,
                -9.0,
            ),
            (
                "{ type = \"decimal\", unique = true, max = -5 }",
                f64::MIN,
                -5.0,
            ),
            ("{ type = \"decimal\", scale = 17, max = 0 }", -9.99, 0.0),
        ];
        for (spec, lo, hi) in cases {
            let values = valid("thing", &field(spec));
            let numbers: Vec<f64> = values
                .iter()
                .map(|v| v.trim_matches('"').parse().unwrap())
                .collect();
            assert!(
                numbers.iter().all(|v| (lo..=hi).contains(v)),
                "{spec}: {values:?}"
            );
            let mut distinct = values.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), COUNT, "{spec}: {values:?}");
        }
    }

    #[test]
    fn pattern_samples_match_and_are_distinct_and_stable() {
        let f = field(r#"{ type = "string", unique = true, pattern = "^[A-Z0-9-]{3,32}$" }"#);
        let a = valid("thing", &f);
        assert_eq!(a, valid("thing", &f), "same spec, same samples");
        let re = regex::Regex::new("^[A-Z0-9-]{3,32}$").unwrap();
        let mut seen = a.clone();
        seen.dedup();
        assert_eq!(seen.len(), COUNT);
        for s in &a {
            let s: String = serde_json::from_str(s).unwrap();
            assert!(re.is_match(&s), "{s}");
        }
    }

    /// A pattern with fewer values than the samples (found by the served chain: `^\{\}$` has
    /// one) repeats them rather than falling back to text it refuses; unique, it is the room.
    #[test]
    fn a_pattern_of_few_values_repeats_them() {
        for (toml, values) in [
            (
                r#"{ type = "string", pattern = "^\\{\\}\\[\\]\\(\\)$" }"#,
                1,
            ),
            (
                r#"{ type = "string", unique = true, pattern = "^(ab|cd|ef)$" }"#,
                3,
            ),
        ] {
            let f = field(toml);
            let re = regex::Regex::new(f.rules.pattern.as_deref().unwrap()).unwrap();
            let samples = valid("thing", &f);
            for s in &samples {
                let s: String = serde_json::from_str(s).unwrap();
                assert!(re.is_match(&s), "{toml}: {s}");
            }
            let mut distinct = samples.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), values, "{toml}: {samples:?}");
            assert_eq!(super::room(&f), Some(values), "{toml}");
            // The first `room` samples are the distinct ones.
            let mut first = samples[..values].to_vec();
            first.sort();
            first.dedup();
            assert_eq!(first.len(), values, "{toml}: {samples:?}");
        }
    }

    #[test]
    fn samples_respect_limits() {
        let f = field(r#"{ type = "string", min_length = 12, max_length = 14 }"#);
        for s in valid("thing", &f) {
            let s: String = serde_json::from_str(&s).unwrap();
            assert!((12..=14).contains(&s.chars().count()), "{s}");
        }
        let f = field(r#"{ type = "integer", min = 1, max = 1000 }"#);
        assert_eq!(valid("thing", &f)[..4], ["1", "2", "3", "4"]);
        assert_eq!(invalid(&f).as_deref(), Some("0"));
        let f = field(r#"{ type = "decimal", min = 0, scale = 2 }"#);
        assert_eq!(valid("thing", &f)[0], "\"7.69\"");
        assert_eq!(invalid(&f).as_deref(), Some("\"-1\""));
    }

    #[test]
    fn invalid_values_break_a_rule() {
        let f = field(r#"{ type = "string", format = "email" }"#);
        assert_eq!(invalid(&f).as_deref(), Some("\"not-an-email\""));
        let f = field(r#"{ type = "string", max_length = 3 }"#);
        assert_eq!(invalid(&f).as_deref(), Some("\"xxxx\""));
        let f = field(r#"{ type = "enum", values = ["a", "b"] }"#);
        assert_eq!(invalid(&f).as_deref(), Some("\"not_a_value\""));
        let f = field(r#"{ type = "text" }"#);
        assert_eq!(invalid(&f), Some(repeat_x(10_001)));
    }

    /// A unique field of few values is a valid spec: the generated tests make no more rows at
    /// once than it has values (`samples::room`), rather than the spec being refused.
    #[test]
    fn a_unique_field_of_few_values_is_valid() {
        for (f, room) in [
            ("{ type = \"boolean\", unique = true }", Some(2)),
            (
                "{ type = \"enum\", values = [\"a\", \"b\", \"c\"], unique = true }",
                Some(3),
            ),
            (
                "{ type = \"enum\", values = [\"only\"], unique = true }",
                Some(1),
            ),
            (
                "{ type = \"integer\", min = 1, max = 11, unique = true }",
                Some(11),
            ),
            (
                "{ type = \"decimal\", min = 0, max = \"0.1\", unique = true }",
                Some(11),
            ),
            (
                "{ type = \"float\", min = 2, max = 2, unique = true }",
                Some(1),
            ),
            (
                "{ type = \"integer\", min = 1, max = 12, unique = true }",
                None,
            ),
            ("{ type = \"integer\", max = -5, unique = true }", None),
            (
                "{ type = \"decimal\", min = 0, max = \"0.11\", unique = true }",
                None,
            ),
            (
                "{ type = \"float\", min = 2, max = 2.5, unique = true }",
                None,
            ),
        ] {
            let code = &field(f);
            assert_eq!(super::room(code), room, "{f}");
            // The first `room` samples are distinct.
            let samples = valid("post", code);
            let distinct = room.unwrap_or(COUNT);
            let mut first: Vec<&String> = samples[..distinct].iter().collect();
            first.sort();
            first.dedup();
            assert_eq!(first.len(), distinct, "{f}: {samples:?}");
        }
    }
}
