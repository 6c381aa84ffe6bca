//! The values a per-tenant decimal's list test compares (`ResourceTestContext::scaled_example`):
//! two stored values one unit of the scale apart and bounds between them, a digit finer, which
//! PostgreSQL's lists compare through the scaled column (`schema_names::Scaled`).

use serde::Serialize;

use super::field::FieldContext;
use super::lists::ListPaths;
use crate::spec::schema_names::Scaled;
use crate::spec::{Resource, Spec};

#[derive(Debug, Serialize)]
pub struct ScaledExample {
    pub key: String,
    /// The smaller of two samples, at the field's scale.
    pub low: String,
    /// One unit of the scale above it (not above the larger sample, so valid too).
    pub high: String,
    /// Bounds between them, a digit finer than the scale: 0.4 of a unit above `low`, which
    /// rounds to it, and 0.6, which rounds to `high`; a bound rounded the wrong way
    /// admits the row beyond it.
    pub above_low: String,
    pub below_high: String,
    /// Whether lists filter on the field's equality too.
    pub filters: bool,
}

impl ScaledExample {
    /// For the first sortable decimal of `r` with a scaled column whose first two samples differ.
    pub fn of(
        spec: &Spec,
        r: &Resource,
        fields: &[FieldContext],
        paths: &ListPaths,
    ) -> Option<Self> {
        r.fields.iter().find_map(|f| {
            let scaled = Scaled::of(spec, r, f)?;
            let context = fields
                .iter()
                .find(|c| c.names.camel == f.names.camel && !c.write_never)?;
            if !paths.sorts.contains(&f.names.camel) {
                return None;
            }
            let a = units(&unquote(context.samples.first()?), scaled.scale)?;
            let b = units(&unquote(context.samples.get(1)?), scaled.scale)?;
            let low = a.min(b);
            (a != b).then(|| ScaledExample {
                key: f.names.camel.clone(),
                low: decimal(low, scaled.scale),
                high: decimal(low + 1, scaled.scale),
                above_low: decimal(low * 10 + 4, scaled.scale + 1),
                below_high: decimal(low * 10 + 6, scaled.scale + 1),
                filters: paths.filters.contains(&f.names.camel),
            })
        })
    }
}

/// A sample's JSON (a decimal is a string) as the text of its number.
fn unquote(sample: &str) -> String {
    serde_json::from_str::<String>(sample).unwrap_or_else(|_| sample.to_owned())
}

/// A decimal's text as a count of units of `scale` (`"-1.5"`, scale 2: -150); none when it
/// has more digits after the point than the scale.
fn units(text: &str, scale: u32) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if fraction.len() > scale as usize {
        return None;
    }
    let padded = format!("{whole}{fraction:0<width$}", width = scale as usize);
    let value: i128 = padded.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// A count of units of `scale` as a decimal's text, every digit of the scale written.
fn decimal(units: i128, scale: u32) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let digits = format!(
        "{:0>width$}",
        units.unsigned_abs(),
        width = scale as usize + 1
    );
    let (whole, fraction) = digits.split_at(digits.len() - scale as usize);
    match scale {
        0 => format!("{sign}{whole}"),
        _ => format!("{sign}{whole}.{fraction}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_decimals_round_trip_at_the_scale() {
        assert_eq!(units("-1.5", 2), Some(-150));
        assert_eq!(units("12", 0), Some(12));
        assert_eq!(units("0.125", 2), None);
        assert_eq!(decimal(-150, 2), "-1.50");
        assert_eq!(decimal(5, 3), "0.005");
        assert_eq!(decimal(-5, 1), "-0.5");
        // Half a unit above -1.50 at scale 2 lies between it and -1.49.
        assert_eq!(decimal(-150 * 10 + 5, 3), "-1.495");
    }
}
