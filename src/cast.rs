//! Whether a field's column can change type in place, and at what risk: the
//! casts `update` writes (`ALTER COLUMN ... TYPE` in PostgreSQL, a table rebuild
//! in SQLite) and the ones it refuses.

use crate::dialect::Dialect;
use crate::spec::{Database, FieldType};

/// What changing a column from one field type to another does to its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cast {
    /// Every value converts exactly.
    Safe,
    /// Some values may not fit: the words say which, and what happens to them.
    Lossy(String),
    /// No conversion keeps the values' meaning: why.
    Impossible(String),
}

/// The cast from `(type, max_length)` to another, for the column `column`.
///
/// A match over pairs of types, not a property of one: what a conversion keeps depends on
/// both ends. A new field type adds its pairs here (docs/field-types.md); any pair left out
/// is refused as impossible, which is the safe answer.
pub fn cast(from: (&FieldType, Option<u32>), to: (&FieldType, Option<u32>), column: &str) -> Cast {
    use FieldType::*;
    let fits = |n: Option<u32>, longest: Option<u32>| match (n, longest) {
        (None, _) => true,
        (Some(n), Some(longest)) => longest <= n,
        (Some(_), None) => false,
    };
    let too_long = |n: Option<u32>| {
        Cast::Lossy(format!(
            "values of `{column}` longer than {} characters make the migration fail",
            n.unwrap_or(0)
        ))
    };
    let rounded = || Cast::Lossy(format!("values of `{column}` are rounded to the new type"));
    let out_of_range = || {
        Cast::Lossy(format!(
            "values of `{column}` too large for the new type make the migration fail"
        ))
    };
    match (from, to) {
        ((String, a), (String, b)) if fits(b, a) => Cast::Safe,
        ((String | Text, _), (String, b)) => too_long(b),
        ((String | Text | Enum { .. }, _), (Text, _)) => Cast::Safe,
        ((Enum { values }, _), (String, b)) => {
            let longest = values.iter().map(|v| v.chars().count() as u32).max();
            if fits(b, longest) {
                Cast::Safe
            } else {
                too_long(b)
            }
        }
        ((String | Text, _), (Enum { values }, _)) => Cast::Lossy(format!(
            "rows whose `{column}` is not one of {} make the migration fail",
            values.join(", ")
        )),
        ((Integer, _), (BigInteger | Float, _)) => Cast::Safe,
        ((Integer, _), (Decimal { precision, scale }, _)) if precision - scale >= 10 => Cast::Safe,
        ((BigInteger, _), (Decimal { precision, scale }, _)) if precision - scale >= 19 => {
            Cast::Safe
        }
        ((Integer | BigInteger, _), (Decimal { .. }, _)) => out_of_range(),
        ((BigInteger, _), (Integer, _)) => out_of_range(),
        ((BigInteger | Decimal { .. }, _), (Float, _)) => rounded(),
        ((Float | Decimal { .. }, _), (Integer | BigInteger, _)) => rounded(),
        ((Float, _), (Decimal { .. }, _)) => rounded(),
        (
            (
                Decimal {
                    precision: p,
                    scale: s,
                },
                _,
            ),
            (Decimal { precision, scale }, _),
        ) => {
            if scale >= s && precision - scale >= p - s {
                Cast::Safe
            } else {
                rounded()
            }
        }
        ((Integer | BigInteger | Float | Decimal { .. }, _), (Text | String, n)) => {
            if n.is_none() {
                Cast::Safe
            } else {
                too_long(n)
            }
        }
        ((a, _), (b, _)) => Cast::Impossible(format!(
            "`{column}` cannot change from {} to {}: no conversion keeps its values' meaning; \
             add a new field, copy the values over in a migration of your own, then drop the \
             old one",
            a.spec_name(),
            b.spec_name()
        )),
    }
}

/// A value of the type for rows that need one and have none: the type's zero. A
/// rollback uses it to put back a required column whose values are gone.
pub fn zero(ty: &FieldType, dialect: Dialect) -> String {
    match (ty.props().zero, ty.values()) {
        (Some(zero), _) => zero.get(dialect.0).into(),
        (None, Some(values)) => crate::dialect::quote(&values[0]),
        (None, None) => unreachable!("only an enum's zero is one of its values"),
    }
}

/// The time a migration runs, for timestamps added to rows that exist.
pub fn now(dialect: Dialect) -> String {
    match dialect.0 {
        Database::Sqlite => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')".into(),
        Database::Postgres => "now()".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(from: FieldType, to: FieldType) -> Cast {
        cast((&from, None), (&to, None), "t.c")
    }

    #[test]
    fn widening_is_safe_narrowing_is_lossy_and_the_rest_is_refused() {
        use FieldType::*;
        assert_eq!(check(Integer, BigInteger), Cast::Safe);
        assert_eq!(check(String, Text), Cast::Safe);
        assert_eq!(
            check(
                Integer,
                Decimal {
                    precision: 12,
                    scale: 2
                }
            ),
            Cast::Safe
        );
        assert!(matches!(
            check(
                Integer,
                Decimal {
                    precision: 6,
                    scale: 2
                }
            ),
            Cast::Lossy(_)
        ));
        assert!(matches!(check(BigInteger, Integer), Cast::Lossy(_)));
        assert!(matches!(check(Float, Integer), Cast::Lossy(w) if w.contains("rounded")));
        assert!(
            matches!(check(Boolean, Date), Cast::Impossible(w) if w.contains("boolean to date"))
        );
        assert!(matches!(check(Text, Integer), Cast::Impossible(_)));
        assert_eq!(
            cast((&String, Some(40)), (&String, Some(80)), "t.c"),
            Cast::Safe
        );
        assert!(matches!(
            cast((&String, Some(80)), (&String, Some(40)), "t.c"),
            Cast::Lossy(w) if w.contains("longer than 40")
        ));
        let mood = Enum {
            values: vec!["calm".into(), "busy".into()],
        };
        assert_eq!(cast((&mood, None), (&String, Some(4)), "t.c"), Cast::Safe);
        assert!(matches!(check(Text, mood), Cast::Lossy(w) if w.contains("calm, busy")));
    }
}
