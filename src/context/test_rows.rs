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
    let own = r
        .fields
        .iter()
        .filter(|f| scarce(f))
        .filter_map(samples::room)
        .min()
        .unwrap_or(samples::COUNT);
    r.belongs_to
        .iter()
        .filter(|b| !r.is_owner(b) && b.target != r.names.snake)
        .filter_map(|b| spec.resource(&b.target))
        .map(|parent| test_rows(spec, parent))
        .fold(own, usize::min)
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
