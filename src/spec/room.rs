//! How many distinct values a field admits, against how many samples each field gets: a
//! unique field with less room limits the rows its resource's generated tests make at
//! once, and an account field with less room is refused (`validate`).

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
    let room = distinct_values(&field.ty, &field.rules)?;
    usize::try_from(room).ok().filter(|room| *room < COUNT)
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
