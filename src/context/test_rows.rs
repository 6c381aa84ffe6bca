//! How many rows of a resource generated tests may hold at once: unique fields with few
//! values limit them (see `ResourceTestContext::rows`).

use crate::samples;
use crate::spec::{Field, FieldWrite, Resource, Spec};

/// A unique field a body writes whose type and rules allow fewer distinct values than the
/// tests' samples (`samples::room`).
pub(super) fn scarce(f: &Field) -> bool {
    f.unique && f.access.write != FieldWrite::None && samples::room(f).is_some()
}

/// See `ResourceTestContext::rows`: a test body of `r` creates one row of each parent it
/// names (not its owner, which is the caller, nor itself, which it leaves null).
pub(crate) fn test_rows(spec: &Spec, r: &Resource) -> usize {
    let own = own_room(r);
    r.belongs_to
        .iter()
        .filter(|b| !r.is_owner(b) && b.target != r.names.snake)
        .filter_map(|b| spec.resource(&b.target))
        .map(|parent| test_rows(spec, parent))
        .fold(own, usize::min)
}

/// How many rows of its own `r` can hold in a test: its fewest-valued unique field's room.
fn own_room(r: &Resource) -> usize {
    r.fields
        .iter()
        .filter(|f| scarce(f))
        .filter_map(samples::room)
        .min()
        .unwrap_or(samples::COUNT)
}

/// Whether the export test (`tests/api/export.rs`) fits: it makes a row of each resource an
/// account owns for each of two accounts (`body_owned_by_…`, each step of the owner chain
/// with the other parents its body creates), and no resource may then hold more rows than
/// its unique fields leave room for.
pub(super) fn export_rows_fit(spec: &Spec) -> bool {
    let mut made: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in spec.exported() {
        for _ in 0..2 {
            owned_row(spec, r, &mut made);
        }
    }
    made.iter().all(|(snake, count)| {
        spec.resource(snake)
            .is_none_or(|r| *count <= own_room(r).min(samples::COUNT))
    })
}

/// Counts the rows one owned row of `r` makes: each step of its owner chain, from the row
/// that names the account down to `r`, and each step's other parents.
fn owned_row<'a>(
    spec: &'a Spec,
    r: &'a Resource,
    made: &mut std::collections::HashMap<&'a str, usize>,
) {
    for (step, relation) in super::relations::owner_steps(spec, r) {
        if !spec.is_account(step) {
            body_rows(spec, step, Some(&relation.names.snake), made);
        }
    }
}

/// Counts the rows a test body of `r` makes: itself, and one (with its own parents) for each
/// parent it names, but its owner, itself and the relation `given`.
fn body_rows<'a>(
    spec: &'a Spec,
    r: &'a Resource,
    given: Option<&str>,
    made: &mut std::collections::HashMap<&'a str, usize>,
) {
    *made.entry(r.names.snake.as_str()).or_default() += 1;
    for b in &r.belongs_to {
        if r.is_owner(b) || b.target == r.names.snake || given == Some(b.names.snake.as_str()) {
            continue;
        }
        if let Some(parent) = spec.resource(&b.target).filter(|p| !spec.is_account(p)) {
            body_rows(spec, parent, None, made);
        }
    }
}

/// Whether generated tests may make as many rows of `r` as they like: neither it nor a
/// parent its test body creates (as `test_rows` walks them) has a unique field.
pub(crate) fn rows_without_limit(spec: &Spec, r: &Resource) -> bool {
    !spec.is_account(r)
        && r.fields.iter().all(|f| !f.unique)
        && r.belongs_to
            .iter()
            .filter(|b| !r.is_owner(b) && b.target != r.names.snake)
            .filter_map(|b| spec.resource(&b.target))
            .all(|parent| rows_without_limit(spec, parent))
}
