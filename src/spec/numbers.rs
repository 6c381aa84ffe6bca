//! Numbers as the spec writes them: a field's bounds read in its type, and plain decimals.
//! Validation, the room count and the renderers all read bounds through these.

use super::model::Bound;

/// A bound of a whole-number field.
pub fn bound_whole(b: &Bound) -> i64 {
    match b {
        Bound::Integer(i) => *i,
        other => bound_value(other) as i64,
    }
}

pub fn bound_value(b: &Bound) -> f64 {
    match b {
        Bound::Integer(i) => *i as f64,
        Bound::Float(f) => *f,
        Bound::Decimal(d) => d.parse().unwrap_or(0.0),
    }
}

pub fn bound_text(b: &Bound) -> String {
    match b {
        Bound::Integer(i) => i.to_string(),
        Bound::Float(f) => format!("{f:?}"),
        Bound::Decimal(d) => d.clone(),
    }
}

/// Canonical text of a plain decimal (`-12.50`), or None for anything else
/// (exponents, `inf`, `nan`, stray characters).
pub(crate) fn parse_decimal(text: &str) -> Option<String> {
    let t = text.trim().replace('_', "");
    let body = t.strip_prefix(['-', '+']).unwrap_or(&t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (t.contains('.') && frac.is_empty()) {
        return None;
    }
    Some(
        t.strip_prefix('+')
            .map_or_else(|| t.clone(), str::to_string),
    )
}
