//! One file's fate in an update: the generator's new version, the team's, or diffy's
//! three-way merge of both, with git-style conflict markers where their edits overlap.

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fate {
    /// The generator's new version replaces a file the team did not edit.
    Updated,
    /// Both changed the file, in different places: merged.
    Merged,
    /// Both changed the same lines: written with conflict markers.
    Conflict,
    /// New in this generation.
    Added,
    /// No longer generated, and not edited: removed.
    Removed,
    /// No longer generated, but edited: kept.
    Kept,
    /// A renamed resource's file, carried to its new path with the team's edits.
    Moved,
    /// A rules file of the time before services owned the writes, given the hooks that
    /// call its `check` (`rules_upgrade`).
    Converted,
}

impl Fate {
    pub(super) fn word(self) -> &'static str {
        match self {
            Fate::Updated => "updated",
            Fate::Merged => "merged",
            Fate::Conflict => "CONFLICT",
            Fate::Added => "added",
            Fate::Removed => "removed",
            Fate::Kept => "kept (no longer generated, but edited by you)",
            Fate::Moved => "moved",
            Fate::Converted => "converted (your `check` now runs from its hooks: docs/update.md)",
        }
    }
}

/// The outcome for one file: its fate, and its new text unless it is removed or kept.
pub(super) fn decide(
    base: Option<&str>,
    ours: Option<&str>,
    theirs: Option<&str>,
) -> Option<(Fate, String)> {
    match (base, ours, theirs) {
        (_, Some(ours), Some(theirs)) if ours == theirs => None,
        (None, None, Some(theirs)) => Some((Fate::Added, theirs.into())),
        // Deleted by the team: stays deleted unless the generator changed it.
        (Some(base), None, Some(theirs)) => (base != theirs).then(|| (Fate::Added, theirs.into())),
        (base, Some(ours), Some(theirs)) => {
            let remembered = base.is_some();
            let base = base.unwrap_or("");
            if ours == base {
                return Some((Fate::Updated, theirs.into()));
            }
            if theirs == base {
                return None;
            }
            let merged = merge(base, ours, theirs).or_else(|marked| {
                // A file the team made at a generated path has no base: every line of both
                // is an addition at one place, and keeping both would join two files.
                if remembered {
                    keep_both_additions(&marked)
                } else {
                    Err(marked)
                }
            });
            Some(match merged {
                Ok(merged) => (Fate::Merged, merged),
                Err(marked) => (Fate::Conflict, marked),
            })
        }
        (Some(base), Some(ours), None) if ours == base => Some((Fate::Removed, String::new())),
        (Some(_), Some(_), None) => Some((Fate::Kept, String::new())),
        _ => None,
    }
}

/// A three-way merge; `Err` holds the text with git-style (diff3) conflict markers.
pub fn merge(base: &str, ours: &str, theirs: &str) -> std::result::Result<String, String> {
    diffy::MergeOptions::new()
        .set_conflict_style(diffy::ConflictStyle::Diff3)
        .merge(base, ours, theirs)
}

/// One conflict block resolved where one side's lines are only additions next to the
/// original's: both sides only added lines at one place (the original between them empty:
/// the generator's lines first), or one side kept the original's lines whole and added
/// before or after them (the other side's version of those lines, with the additions).
/// `None` when each side changed lines of the original in its own way.
fn both_kept(original: &str, ours: &str, theirs: &str) -> Option<String> {
    if original.is_empty() {
        return Some(format!("{theirs}{ours}"));
    }
    if let Some(added) = ours.strip_prefix(original) {
        return Some(format!("{theirs}{added}"));
    }
    if let Some(added) = ours.strip_suffix(original) {
        return Some(format!("{added}{theirs}"));
    }
    if let Some(added) = theirs.strip_prefix(original) {
        return Some(format!("{ours}{added}"));
    }
    theirs
        .strip_suffix(original)
        .map(|added| format!("{added}{ours}"))
}

/// Resolves the conflicts of `marked` (as `merge` writes them) that are only additions next
/// to lines the other side changed or added ([`both_kept`]), as when the team adds a function
/// at the end of a handlers file and the generator adds a route's handler there too, or
/// takes away the one before it. `Err` holds the text with the conflicts that remain, the
/// others resolved.
fn keep_both_additions(marked: &str) -> std::result::Result<String, String> {
    #[derive(PartialEq)]
    enum Part {
        Outside,
        Ours,
        Original,
        Theirs,
    }
    let mut out = String::with_capacity(marked.len());
    let mut part = Part::Outside;
    let (mut ours, mut original, mut theirs) = (String::new(), String::new(), String::new());
    let mut unresolved = false;
    for line in marked.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        match (&part, bare) {
            (Part::Outside, "<<<<<<< ours") => part = Part::Ours,
            (Part::Ours, "||||||| original") => part = Part::Original,
            (Part::Original, "=======") => part = Part::Theirs,
            (Part::Theirs, ">>>>>>> theirs") => {
                if let Some(resolved) = both_kept(&original, &ours, &theirs) {
                    out.push_str(&resolved);
                } else {
                    unresolved = true;
                    out.push_str("<<<<<<< ours\n");
                    out.push_str(&ours);
                    out.push_str("||||||| original\n");
                    out.push_str(&original);
                    out.push_str("=======\n");
                    out.push_str(&theirs);
                    out.push_str(">>>>>>> theirs\n");
                }
                for side in [&mut ours, &mut original, &mut theirs] {
                    side.clear();
                }
                part = Part::Outside;
            }
            (Part::Outside, _) => out.push_str(line),
            (Part::Ours, _) => ours.push_str(line),
            (Part::Original, _) => original.push_str(line),
            (Part::Theirs, _) => theirs.push_str(line),
        }
    }
    // Markers that do not close: left as they came.
    if part != Part::Outside {
        return Err(marked.to_string());
    }
    if unresolved { Err(out) } else { Ok(out) }
}

/// Whether `text` holds a conflict as `merge` writes it (and git does): a line that is
/// `<<<<<<<` (alone or before a space), and such a `>>>>>>>` line after it.
pub(super) fn has_conflict_markers(text: &str) -> bool {
    let marker = |line: &str, marker: &str| {
        line.strip_prefix(marker)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    };
    let mut lines = text.lines();
    lines.any(|line| marker(line, "<<<<<<<")) && lines.any(|line| marker(line, ">>>>>>>"))
}
