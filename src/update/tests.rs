use super::*;

#[test]
fn next_steps_cd_into_a_quoted_folder_migrate_and_test() {
    assert_eq!(
        next_steps(Path::new("my shop"), Some("0009_add_tags_color"), &[]),
        "\nNext:\n  cd 'my shop'\n  \
         cargo run -- migrate   # apply migration 0009_add_tags_color to the database\n  \
         cargo test             # build, and run the project's tests\n"
    );
    // Here, without a migration, with conflicts to resolve first.
    assert_eq!(
        next_steps(
            Path::new("."),
            None,
            &["src/a.rs".into(), "src/b.rs".into()]
        ),
        "\nNext:\n  # resolve the conflict markers in src/a.rs, src/b.rs (listed below), then:\n  \
         cargo test   # build, and run the project's tests\n"
    );
}

#[test]
fn each_side_of_a_three_way_merge() {
    let base = "a\nb\nc\n";
    // Untouched by the team: the generator's version.
    assert_eq!(
        decide(Some(base), Some(base), Some("a\nB\nc\n")),
        Some((Fate::Updated, "a\nB\nc\n".into()))
    );
    // Unchanged by the generator: the team's version stays.
    assert_eq!(decide(Some(base), Some("x\nb\nc\n"), Some(base)), None);
    // Both, apart: merged.
    assert_eq!(
        decide(Some(base), Some("x\nb\nc\n"), Some("a\nb\nC\n")),
        Some((Fate::Merged, "x\nb\nC\n".into()))
    );
    // Both, on one line: markers with both sides and the base.
    let (fate, text) = decide(Some(base), Some("a\nours\nc\n"), Some("a\ntheirs\nc\n")).unwrap();
    assert_eq!(fate, Fate::Conflict);
    for part in [
        "<<<<<<<", "ours\n", "|||||||", "b\n", "=======", "theirs\n", ">>>>>>>",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
}

#[test]
fn additions_at_one_place_keep_both_the_generators_first() {
    let base = "fn a() {}\n";
    let ours = "fn a() {}\n// the team's\n";
    let theirs = "fn a() {}\nfn b() {}\n";
    assert_eq!(
        decide(Some(base), Some(ours), Some(theirs)),
        Some((Fate::Merged, "fn a() {}\nfn b() {}\n// the team's\n".into()))
    );
    // The generator takes away the function the team's line follows: gone, the line kept.
    assert_eq!(
        decide(
            Some(theirs),
            Some("fn a() {}\nfn b() {}\n// the team's\n"),
            Some(base)
        ),
        Some((Fate::Merged, "fn a() {}\n// the team's\n".into()))
    );
    // One place both added to, one line both changed: the first kept both, the second
    // stays a conflict.
    let base = "a\nb\nc\nd\n";
    let (fate, text) = decide(
        Some(base),
        Some("a\nours\nb\nc\nmine\n"),
        Some("a\ntheirs\nb\nc\nyours\n"),
    )
    .unwrap();
    assert_eq!(fate, Fate::Conflict);
    assert!(
        text.starts_with("a\ntheirs\nours\nb\nc\n<<<<<<< ours\nmine\n"),
        "{text}"
    );
    // Without a remembered base (a file the team made where one is now generated), every
    // line is an addition: both files are kept apart, with markers.
    let (fate, _) = decide(None, Some("team\n"), Some("generated\n")).unwrap();
    assert_eq!(fate, Fate::Conflict);
}

#[test]
fn conflict_markers_are_whole_lines_in_order() {
    let (_, marked) = decide(Some("a\nb\n"), Some("a\nours\n"), Some("a\ntheirs\n")).unwrap();
    assert!(has_conflict_markers(&marked), "{marked}");
    assert!(has_conflict_markers("<<<<<<<\nx\n=======\ny\n>>>>>>>\n"));
    // Not markers: inside a line, longer runs, or the closing one alone or first.
    assert!(!has_conflict_markers("let s = \"<<<<<<< x\";\n>>>>>>> y\n"));
    assert!(!has_conflict_markers("<<<<<<<<\n>>>>>>>>\n"));
    assert!(!has_conflict_markers(">>>>>>> theirs\n<<<<<<< ours\n"));
    assert!(!has_conflict_markers("<<<<<<< ours\n"));
}

#[test]
fn files_that_come_and_go() {
    assert_eq!(
        decide(None, None, Some("new")),
        Some((Fate::Added, "new".into()))
    );
    assert_eq!(
        decide(Some("old"), Some("old"), None).map(|d| d.0),
        Some(Fate::Removed)
    );
    assert_eq!(
        decide(Some("old"), Some("edited"), None).map(|d| d.0),
        Some(Fate::Kept)
    );
    // Deleted by the team and unchanged by the generator: stays deleted.
    assert_eq!(decide(Some("old"), None, Some("old")), None);
    assert_eq!(
        decide(Some("old"), None, Some("new")).map(|d| d.0),
        Some(Fate::Added)
    );
    // Never remembered (a file the team made at a generated path): both kept, marked.
    assert_eq!(
        decide(None, Some("mine\n"), Some("gen\n")).map(|d| d.0),
        Some(Fate::Conflict)
    );
}
