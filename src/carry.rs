//! What a rename carries: when a resource's module changes (`renamed_from`, a new
//! `plural`, or a name another resource now takes), `update` moves each of its files,
//! generated and team-owned, to the new path, and rewrites the generated names inside
//! (types, modules, routes, field names that `renamed_from` changed) in both the team's
//! copy and the remembered base before the three-way merge. The team's edit is then
//! merged into the new file exactly as an edit is merged when nothing was renamed.
//!
//! The rewrite is textual, so it is checked by the merge rather than trusted: a
//! generated line the rewrite gets wrong differs from the new rendering, which wins
//! where the team did not edit it and conflicts (loudly) where the team did.

use crate::names::Names;
use crate::spec::Spec;

/// One resource whose files move: its module before and after, and the names to
/// rewrite inside its files, longest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub from_module: String,
    pub to_module: String,
    words: Vec<(String, String)>,
    /// A one-letter name is the same in Pascal and upper case (`S`): its upper-case form
    /// and the new one, taken where an underscore is beside it (`S_ID`).
    upper: Option<(String, String)>,
}

/// The resources of `new` whose files live under another module in `old`, and the
/// resources whose fields were renamed (their files stay, their names change).
pub fn moves(old: &Spec, new: &Spec) -> Vec<Move> {
    let mut out = Vec::new();
    for r in &new.resources {
        let Some(o) = crate::migrate::was(old, new, r) else {
            continue;
        };
        let mut pairs = name_pairs(&o.names, &r.names, true);
        for f in &r.fields {
            let Some(from) = f.renamed_from.as_deref() else {
                continue;
            };
            let still_there = o.fields.iter().any(|of| of.names.snake == f.names.snake);
            if let Some(of) = o.fields.iter().find(|of| of.names.snake == from)
                && !still_there
            {
                pairs.extend(name_pairs(&of.names, &f.names, false));
            }
        }
        if o.names.module != r.names.module || !pairs.is_empty() {
            let upper = (o.names.pascal == o.names.upper)
                .then(|| (o.names.upper.clone(), r.names.upper.clone()));
            out.push(Move {
                from_module: o.names.module.clone(),
                to_module: r.names.module.clone(),
                words: settle(pairs),
                upper,
            });
        }
    }
    out
}

impl Move {
    /// Whether the resource's files change paths.
    pub fn moves_files(&self) -> bool {
        self.from_module != self.to_module
    }

    /// `text` with each of the old names, where it stands as a name or a part of one
    /// (`Book` in `BookInput`, `book` in `book_id`, not in `bookmark` or `notebook`),
    /// replaced by the new one, in one pass (a replacement is never replaced again).
    pub fn rewrite(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        'scan: while at < text.len() {
            for (old, new) in &self.words {
                if text[at..].starts_with(old.as_str())
                    && stands_alone(text, at, old)
                    && !bare_keyword(text, at, old)
                    && !resource_submodule(text, at, old)
                {
                    let by_underscore =
                        text[..at].ends_with('_') || text[at + old.len()..].starts_with('_');
                    match &self.upper {
                        Some((from, to)) if from == old && by_underscore => out.push_str(to),
                        // A new name that is a keyword, standing alone: a raw identifier.
                        _ if lone_word(text, at, old.len()) && is_keyword(new) => {
                            out.push_str("r#");
                            out.push_str(new);
                        }
                        _ => out.push_str(new),
                    }
                    at += old.len();
                    continue 'scan;
                }
            }
            let c = text[at..].chars().next().unwrap_or_default();
            out.push(c);
            at += c.len_utf8().max(1);
        }
        out
    }
}

/// Each form of a name that differs between `old` and `new`; the plural ones only for
/// a resource (a field's plural names nothing). Rust's own forms come first: where a
/// one-word name is the same in several forms (`books` is the module, the table, the JSON
/// key and the route) and the new name is not (`library_books`, `libraryBooks`,
/// `library-books`), the rewrite takes the Rust form, since Rust is what must still build;
/// a generated line it gets wrong (a route) is the new rendering's in the merge.
fn name_pairs(old: &Names, new: &Names, plurals: bool) -> Vec<(String, String)> {
    let forms = |n: &Names| {
        // A name that is its own plural (`s`, `sheep`) gives each Rust form twice: the
        // module is plural, a type singular, so those come first.
        let rust = [n.module.clone(), n.plural_snake.clone()];
        let types = [n.type_name.clone(), n.pascal.clone()];
        let plural = [
            n.plural_pascal.clone(),
            n.plural_camel.clone(),
            n.plural_kebab.clone(),
            n.plural_words.clone(),
        ];
        let singular = [
            n.snake.clone(),
            n.camel.clone(),
            n.kebab.clone(),
            n.words.clone(),
            n.upper.clone(),
        ];
        let (rust, plural) = if plurals {
            (rust.to_vec(), plural.to_vec())
        } else {
            (Vec::new(), Vec::new())
        };
        rust.into_iter()
            .chain(types)
            .chain(plural)
            .chain(singular)
            .collect::<Vec<_>>()
    };
    forms(old)
        .into_iter()
        .zip(forms(new))
        .filter(|(o, n)| o != n)
        .collect()
}

/// The pairs to apply: one per old name, the first form that gives it (see
/// [`name_pairs`]), longest first so that `books` wins over `book`.
fn settle(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (old, new) in pairs {
        if !out.iter().any(|(seen, _)| *seen == old) {
            out.push((old, new));
        }
    }
    out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Whether `name` at byte `at` of `text` is a Rust keyword standing as a word of its own
/// (`type` in `type Row = ...`): the keyword, not the resource named `type`, which Rust code
/// spells `r#type` alone (rewritten with its `r#`) and `type_id` or `NewType` in a compound.
fn bare_keyword(text: &str, at: usize, name: &str) -> bool {
    is_keyword(name) && lone_word(text, at, name.len())
}

/// The modules of every resource's folder (`src/resources/<plural>/`), whose names a
/// resource may take too.
const RESOURCE_SUBMODULES: [&str; 5] = ["graphql", "handlers", "model", "repo", "service"];

/// Whether `name` at byte `at` of `text` is one of a resource folder's modules, as a segment
/// of a path (`resources::models::model`, `model::Model`): the module, not a resource named
/// `model`, whose own module is its plural (found by a served chain: renaming the resource
/// `model` rewrote the team's rules file's `use crate::resources::models::model;`).
fn resource_submodule(text: &str, at: usize, name: &str) -> bool {
    RESOURCE_SUBMODULES.contains(&name)
        && lone_word(text, at, name.len())
        && (text[..at].ends_with("::") || text[at + name.len()..].starts_with("::"))
}

/// Whether the `len` bytes at `at` of `text` are a word of their own, not already raw (`r#`).
fn lone_word(text: &str, at: usize, len: usize) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    !text[..at].ends_with("r#")
        && !text[..at].chars().next_back().is_some_and(word)
        && !text[at + len..].chars().next().is_some_and(word)
}

fn is_keyword(name: &str) -> bool {
    crate::names::RUST_KEYWORDS.contains(&name) && !crate::names::NOT_RAW.contains(&name)
}

/// Whether `name` at byte `at` of `text` is a name or a part of a compound one: the
/// character before does not continue it (a lower-case or digit start needs a
/// non-alphanumeric one before; an upper-case start may follow a lower-case letter, as
/// in `NewBook`), and the character after starts no longer word (nothing lower-case or
/// a digit after a lower-case end; after an upper-case end, as in the one-letter `S`,
/// no digit and no capital unless that capital starts a word of its own: `S` stands
/// alone in `SInput`, not in `SSN`).
fn stands_alone(text: &str, at: usize, name: &str) -> bool {
    let before = text[..at].chars().next_back();
    let mut rest = text[at + name.len()..].chars();
    let after = rest.next();
    let word_follows = rest.next().is_some_and(|c| c.is_ascii_lowercase());
    let first = name.chars().next().unwrap_or_default();
    let last = name.chars().next_back().unwrap_or_default();
    let starts_clean = match before {
        None => true,
        Some(b) if first.is_ascii_uppercase() => !(b.is_ascii_uppercase() || b.is_ascii_digit()),
        Some(b) => !b.is_ascii_alphanumeric(),
    };
    let ends_clean = match after {
        None => true,
        Some(a) if last.is_ascii_uppercase() => {
            !a.is_ascii_digit() && (!a.is_ascii_uppercase() || word_follows)
        }
        Some(a) => !(a.is_ascii_lowercase() || a.is_ascii_digit()),
    };
    starts_clean && ends_clean
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Spec {
        crate::spec::parse("t.toml", &format!("[project]\nname = \"t\"\n\n{text}")).unwrap()
    }

    fn shelf_to_rack() -> Move {
        let old = spec(
            "[resources.book_shelf.fields]\nlabel = { type = \"string\" }\n\
             [resources.bookmark.fields]\nnote = { type = \"string\" }\n",
        );
        let new = spec(
            "[resources.wall_rack]\nrenamed_from = \"book_shelf\"\n\
             [resources.wall_rack.fields]\ntitle = { type = \"string\", renamed_from = \"label\" }\n\
             [resources.bookmark.fields]\nnote = { type = \"string\" }\n",
        );
        let moves = moves(&old, &new);
        assert_eq!(moves.len(), 1, "{moves:?}");
        moves[0].clone()
    }

    #[test]
    fn a_renamed_resource_moves_and_its_names_are_rewritten() {
        let m = shelf_to_rack();
        assert!(m.moves_files());
        assert_eq!(
            (&*m.from_module, &*m.to_module),
            ("book_shelves", "wall_racks")
        );
        let text = "use crate::resources::book_shelves::model::BookShelfInput;\n\
                    // book shelves: GET /v1/book-shelves, key bookShelfId, BOOK_SHELF_COLUMNS\n\
                    fn check(input: &BookShelf) { input.label; NewBookShelf; book_shelf_id }\n";
        assert_eq!(
            m.rewrite(text),
            "use crate::resources::wall_racks::model::WallRackInput;\n\
             // wall racks: GET /v1/wall-racks, key wallRackId, WALL_RACK_COLUMNS\n\
             fn check(input: &WallRack) { input.title; NewWallRack; wall_rack_id }\n"
        );
    }

    #[test]
    fn names_inside_longer_words_stay() {
        let m = shelf_to_rack();
        let text = "bookshelf book_shelfs2 labels relabel BookShelfs XBookShelf LABEL_X éBookShelf";
        assert_eq!(
            m.rewrite(text),
            "bookshelf book_shelfs2 labels relabel BookShelfs XBookShelf TITLE_X éWallRack"
        );
    }

    #[test]
    fn a_one_word_name_renamed_to_several_words_takes_the_rust_forms() {
        let old = spec("[resources.book.fields]\ntitle = { type = \"string\" }\n");
        let new = spec(
            "[resources.library_book]\nrenamed_from = \"book\"\n\
             [resources.library_book.fields]\ntitle = { type = \"string\" }\n",
        );
        let m = &moves(&old, &new)[0];
        assert_eq!(
            m.rewrite("use crate::resources::books::model::BookInput;\nfn check(book: &Book) {}\n"),
            "use crate::resources::library_books::model::LibraryBookInput;\n\
             fn check(library_book: &LibraryBook) {}\n"
        );
    }

    #[test]
    fn a_one_letter_name_is_found_before_the_next_word() {
        // Found by the served chain: `s` renamed to `do` left `model::SInput` in a
        // team-owned rule file, which then did not build.
        let old = spec("[resources.s.fields]\ntitle = { type = \"string\" }\n");
        let new = spec(
            "[resources.do]\nrenamed_from = \"s\"\n[resources.do.fields]\ntitle = { type = \"string\" }\n",
        );
        let m = &moves(&old, &new)[0];
        assert_eq!(
            m.rewrite("fn f(input: &model::SInput, row: &S) -> NewS { SSN; S2; S_ID; TAKEN_S }"),
            "fn f(input: &model::DoInput, row: &Do) -> NewDo { SSN; S2; DO_ID; TAKEN_DO }"
        );
    }

    #[test]
    fn a_resource_named_like_a_module_of_its_folder_keeps_the_module() {
        // Found by a served chain: renaming the resource `model` rewrote the team's
        // `use crate::resources::models::model;` into a module that does not exist.
        let old = spec("[resources.model.fields]\ntitle = { type = \"string\" }\n");
        let new = spec(
            "[resources.a_bc]\nrenamed_from = \"model\"\n[resources.a_bc.fields]\ntitle = { type = \"string\" }\n",
        );
        let m = &moves(&old, &new)[0];
        let (from, to) = (
            &old.resources[0].names.type_name,
            &new.resources[0].names.type_name,
        );
        let text = format!(
            "use crate::resources::models::model;\ntype Row = model::{from};\nlet model = repo::get(id);\n"
        );
        assert_eq!(
            m.rewrite(&text),
            format!(
                "use crate::resources::a_bcs::model;\ntype Row = model::{to};\nlet a_bc = repo::get(id);\n"
            )
        );
    }

    #[test]
    fn keywords_stay_keywords_and_a_keyword_name_becomes_raw() {
        // Found by the spec-change chains: renaming the resource `type` turned the team's
        // `type Row = model::Type;` into `mfxdq Row`, which does not parse.
        let old = spec("[resources.type.fields]\ntitle = { type = \"string\" }\n");
        let new = spec(
            "[resources.kind]\nrenamed_from = \"type\"\n[resources.kind.fields]\ntitle = { type = \"string\" }\n",
        );
        let m = &moves(&old, &new)[0];
        assert_eq!(
            m.rewrite("type Row = model::Type;\nfn f(r#type: Uuid, type_id: Uuid) {}"),
            "type Row = model::KindResource;\nfn f(r#kind: Uuid, kind_id: Uuid) {}"
        );
        let again = spec(
            "[resources.type]\nrenamed_from = \"kind\"\n[resources.type.fields]\ntitle = { type = \"string\" }\n",
        );
        let back = &moves(&new, &again)[0];
        let text = back.rewrite("fn f(kind: &Kind) -> Uuid { kind.id }");
        assert_eq!(text, "fn f(r#type: &Type) -> Uuid { r#type.id }");
    }

    #[test]
    fn an_unchanged_spec_moves_nothing() {
        let s = spec(
            "[resources.book.fields]\ntitle = { type = \"string\", renamed_from = \"name\" }\n",
        );
        // A `renamed_from` left in the spec after its update renames nothing again.
        assert!(moves(&s, &s).is_empty());
    }
}
