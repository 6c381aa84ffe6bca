use super::*;

/// A type of each kind, parameters included.
fn one_of_each() -> Vec<FieldType> {
    Kind::ALL
        .iter()
        .map(|kind| match kind.props().plain.clone() {
            Some(plain) => plain,
            None if *kind == Kind::Decimal => FieldType::Decimal {
                precision: 12,
                scale: 3,
            },
            None if *kind == Kind::File => FieldType::File(FileRules {
                max_size: 5_000_000,
                content_types: vec!["image/png".into()],
            }),
            None => FieldType::Enum {
                values: vec!["draft".into(), "live".into()],
            },
        })
        .collect()
}

#[test]
fn every_kind_has_its_row() {
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        assert_eq!(kind as usize, i, "Kind::ALL is in the order of Kind");
        let props = kind.props();
        assert_eq!(props.kind, kind, "row {i} is {kind:?}'s");
        assert!(!props.spec_name.is_empty(), "{kind:?} has a name");
        assert!(!props.summary.is_empty(), "{kind:?} has a summary");
        assert!(!props.sql.sqlite.is_empty() && !props.sql.postgres.is_empty());
        // An enum's Rust type, zero and samples come from its values; every other kind
        // has its own.
        let choice = matches!(props.shape, Shape::Choice);
        assert_eq!(props.rust.is_none(), choice, "{kind:?}'s Rust type");
        assert_eq!(props.zero.is_none(), choice, "{kind:?}'s zero");
        assert_eq!(
            props.import == Some(Import::Enum),
            choice,
            "{kind:?}'s import"
        );
        // A type without a list filter is one without rules, uniqueness or default.
        if props.list_kind.is_none() {
            assert!(!props.unique && !props.shape.takes_default(), "{kind:?}");
        }
        assert!(
            !props.format || props.length,
            "format is a text rule ({kind:?})"
        );
        assert!(
            !props.sized || props.length,
            "a sized column has a length ({kind:?})"
        );
        if props.shape.bounds() {
            assert_eq!(props.range, Some(Range::Number), "{kind:?}'s filters");
        }
        if let Some(wrong) = props.wrong_type {
            serde_json::from_str::<serde_json::Value>(wrong)
                .unwrap_or_else(|e| panic!("{kind:?}'s wrong type {wrong}: {e}"));
        }
    }
}

#[test]
fn spec_names_round_trip() {
    assert_eq!(FieldType::ALLOWED.len(), Kind::ALL.len());
    for (ty, name) in one_of_each().iter().zip(FieldType::ALLOWED) {
        assert_eq!(ty.spec_name(), *name);
        assert_eq!(ty.props().kind, ty.kind());
        // The kinds that take parameters are no plain type.
        let parameters = ty.decimal().is_some() || ty.values().is_some() || ty.file().is_some();
        assert_eq!(FieldType::plain(name).as_ref(), (!parameters).then_some(ty));
    }
    assert_eq!(FieldType::plain("decimal"), None);
    assert_eq!(FieldType::plain("smallint"), None);
    assert_eq!(Kind::named("big_integer"), Some(Kind::BigInteger));
    assert_eq!(Kind::named("enum"), Some(Kind::Enum));
    assert_eq!(Kind::named("bigint"), None);
    // The spec reads every name to its kind.
    for name in FieldType::ALLOWED {
        let extra = match *name {
            "enum" => ", values = [\"a\"]",
            "file" => ", max_size = \"1MB\", content_types = [\"image/png\"]",
            _ => "",
        };
        let source = format!("[resources.thing.fields]\nf = {{ type = {name:?}{extra} }}\n");
        let spec = crate::spec::parse("t.toml", &source).unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(spec.resources[0].fields[0].ty.spec_name(), *name);
    }
}

#[test]
fn predicates_read_the_table() {
    assert_eq!(Kind::names_where(|p| p.length), ["string", "text"]);
    assert_eq!(Kind::names_where(|p| p.format), ["string"]);
    assert_eq!(
        Kind::names_where(|p| p.shape.bounds()).join(", "),
        "integer, big_integer, float, decimal"
    );
    assert_eq!(
        Kind::names_where(|p| !p.shape.takes_default()).join(", "),
        "uuid, date, datetime, json, file"
    );
    assert_eq!(Kind::names_where(|p| !p.unique), ["json", "file"]);
    assert_eq!(
        Kind::names_where(|p| p.range == Some(Range::Time)).join(", "),
        "date, datetime"
    );
    assert_eq!(
        FieldType::Integer.whole_range(),
        Some((i64::from(i32::MIN), i64::from(i32::MAX)))
    );
    assert_eq!(
        FieldType::BigInteger.whole_range(),
        Some((i64::MIN, i64::MAX))
    );
    assert_eq!(FieldType::Float.whole_range(), None);
    assert_eq!(Range::Time.stem("publishedAt"), "published");
    assert_eq!(Range::Number.stem("priceAt"), "priceAt");
}

#[test]
fn fixed_samples_are_distinct_json() {
    for kind in Kind::ALL {
        let Shape::Fixed { sample } = kind.props().shape else {
            continue;
        };
        let values: Vec<String> = (0..12).map(|i| sample(0xfeed, i)).collect();
        for v in &values {
            serde_json::from_str::<serde_json::Value>(v)
                .unwrap_or_else(|e| panic!("{kind:?}'s sample {v}: {e}"));
        }
        let mut distinct = values.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), values.len(), "{kind:?}: {values:?}");
    }
}

#[test]
fn body_keys_follow_the_values() {
    // Every whole number, and only they, is read from a number with a zero fraction.
    for kind in Kind::ALL {
        let props = kind.props();
        assert_eq!(
            props.body_keys == Some(BodyKeys::Integers),
            props.shape.whole_range().is_some(),
            "{kind:?}"
        );
    }
    // The RFC 3339 checks are those of the formats the document promises.
    for (list, format) in [
        (BodyKeys::Dates, "date"),
        (BodyKeys::DateTimes, "date-time"),
    ] {
        let kinds: Vec<Kind> = Kind::ALL
            .into_iter()
            .filter(|k| k.props().body_keys == Some(list))
            .collect();
        assert_eq!(kinds.len(), 1, "{list:?}");
        assert_eq!(kinds[0].props().openapi, Some(("string", Some(format))));
        assert_eq!(kinds[0].props().range, Some(Range::Time));
    }
    assert_eq!(
        Kind::names_where(|p| p.body_keys.is_some()).join(", "),
        "integer, big_integer, date, datetime"
    );
}
