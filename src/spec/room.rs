//! How many distinct values a field admits, against how many samples each field gets: a
//! unique field with less room limits the rows its resource's generated tests make at
//! once, and an account field with less room is refused (`validate`).

use rand::distr::Distribution;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

use super::field_type::{FieldType, Shape};
use super::model::{Field, Rules};
use super::numbers::{bound_value, bound_whole};

/// How many distinct valid values each field gets: generated tests create
/// at most this many rows of one resource in one test.
pub const COUNT: usize = 12;

/// How many distinct values a field's type and rules allow, when fewer than `COUNT` (`None`:
/// room for every sample). A unique field with less room limits the rows of its resource
/// the generated tests make at once: a unique boolean holds two rows, a unique enum one a
/// value. The first `room` samples of such a field are distinct.
pub fn room(field: &Field) -> Option<usize> {
    let room = match pattern_values(field) {
        Some(values) => values.len() as u128,
        None => distinct_values(&field.ty, &field.rules)?,
    };
    usize::try_from(room).ok().filter(|room| *room < COUNT)
}

/// Up to `COUNT` distinct strings that match a textual field's `pattern` and its length
/// limits, drawn from the regex with a generator seeded by the field's name, so the same
/// spec always gives the same values (`None`: the field has no pattern, or a `format` that
/// its samples follow instead). Fewer than `COUNT` when the pattern has less room (`^[ab]$`
/// has two values), and none when nothing drawn matches: `validate` refuses that spec, as
/// its generated tests could not write a valid row.
pub fn pattern_values(field: &Field) -> Option<Vec<String>> {
    let rules = &field.rules;
    let pattern = rules
        .pattern
        .as_deref()
        .filter(|_| rules.format.is_none())?;
    // The generator cannot do anchors; what it draws is whole anyway.
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = match body.strip_suffix('$') {
        Some(b) if !b.ends_with('\\') => b,
        _ => body,
    };
    let (Ok(generator), Ok(checker)) = (
        rand_regex::Regex::compile(body, 6),
        regex::Regex::new(pattern),
    ) else {
        return Some(Vec::new());
    };
    let max = rules.max_length.unwrap_or(Rules::DEFAULT_MAX_LENGTH);
    let fits = |s: &str| {
        let len = s.chars().count() as u32;
        rules.min_length.is_none_or(|m| len >= m) && len <= max
    };
    let mut rng = ChaCha8Rng::seed_from_u64(stable_seed(&field.names.snake));
    let mut found: Vec<String> = Vec::new();
    for _ in 0..2000 {
        let s: String = generator.sample(&mut rng);
        if checker.is_match(&s)
            && fits(&s)
            && !found.contains(&s)
            && s.chars().all(|c| !c.is_control())
        {
            found.push(s);
            if found.len() == COUNT {
                break;
            }
        }
    }
    Some(found)
}

/// FNV-1a of `key`: stable across runs and platforms.
pub fn stable_seed(key: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// How many distinct values a type and rules allow, when that is bounded.
fn distinct_values(ty: &FieldType, rules: &Rules) -> Option<u128> {
    let bounds = || Some((rules.min.as_ref()?, rules.max.as_ref()?));
    match ty.props().shape {
        Shape::Boolean => Some(2),
        Shape::Choice => Some(ty.values()?.len() as u128),
        Shape::Whole { .. } => {
            let (lo, hi) = ty.whole_range()?;
            let lo = rules.min.as_ref().map_or(lo, bound_whole);
            let hi = rules.max.as_ref().map_or(hi, bound_whole);
            // A minimum over the maximum is refused when the spec is read.
            u128::try_from(i128::from(hi) - i128::from(lo) + 1).ok()
        }
        Shape::Decimal => {
            let (_, scale) = ty.decimal()?;
            let (min, max) = bounds()?;
            let steps = (bound_value(max) - bound_value(min)) * 10f64.powi(scale as i32);
            // Rounded first: bounds written with the field's scale are whole steps apart.
            (steps >= 0.0).then(|| steps.round().min(u64::MAX as f64) as u128 + 1)
        }
        Shape::Float => {
            let (min, max) = bounds()?;
            (bound_value(min) == bound_value(max)).then_some(1)
        }
        Shape::Text | Shape::Fixed { .. } => None,
    }
}
