use super::*;

#[test]
fn every_kind_has_its_row() {
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        assert_eq!(kind as usize, i, "Kind::ALL is in the order of Kind");
        assert_eq!(kind.props().kind, kind, "row {i} is {kind:?}'s");
        assert!(!kind.props().spec_name.is_empty(), "{kind:?} has a name");
        assert!(!kind.props().summary.is_empty(), "{kind:?} has a summary");
    }
}
