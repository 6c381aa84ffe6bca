//! Which `pattern` rules can go into the OpenAPI document as they are.
//!
//! The service checks patterns with Rust's `regex`; an OpenAPI `pattern` is an
//! ECMA-262 regular expression, and the tools that read our documents (the
//! validator, Schemathesis) compile it with Python's `re`. Inline flags
//! (`(?i)`), Unicode classes (`\p{L}`), POSIX classes (`[[:alpha:]]`), class
//! set operations, named groups and `\A`/`\z` are spelled differently or not
//! at all in those dialects. A pattern is copied into the document only when
//! every part of it is in the subset all three read alike; any other pattern
//! is described in words instead, so the document stays valid for every spec.

use regex_syntax::ast::{
    Assertion, AssertionKind, Ast, ClassBracketed, ClassSet, ClassSetItem, GroupKind,
    HexLiteralKind, Literal, LiteralKind, parse::Parser,
};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Whether `pattern` means the same to Rust's `regex`, ECMA-262 and Python's `re`.
pub fn is_portable(pattern: &str) -> bool {
    Parser::new().parse(pattern).is_ok_and(|ast| portable(&ast))
}

/// Whether no string that `pattern` matches can hold U+0000: every match spans the whole
/// string (anchored at both ends) and nothing in the pattern matches the NUL character.
/// The service refuses NUL in every string, so the document adds that rule to the fields
/// whose pattern does not already imply it.
pub fn excludes_nul(pattern: &str) -> bool {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return false;
    };
    let props = hir.properties();
    props.look_set_prefix().contains(Look::Start)
        && props.look_set_suffix().contains(Look::End)
        && !matches_nul(&hir)
}

fn matches_nul(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(literal) => literal.0.contains(&0),
        HirKind::Class(Class::Unicode(class)) => {
            class.ranges().first().is_some_and(|r| r.start() == '\0')
        }
        HirKind::Class(Class::Bytes(class)) => {
            class.ranges().first().is_some_and(|r| r.start() == 0)
        }
        HirKind::Repetition(repetition) => matches_nul(&repetition.sub),
        HirKind::Capture(capture) => matches_nul(&capture.sub),
        HirKind::Concat(hirs) | HirKind::Alternation(hirs) => hirs.iter().any(matches_nul),
    }
}

fn portable(ast: &Ast) -> bool {
    match ast {
        Ast::Empty(_) | Ast::Dot(_) | Ast::ClassPerl(_) => true,
        Ast::Literal(literal) => portable_literal(literal),
        Ast::Assertion(assertion) => portable_assertion(assertion),
        Ast::ClassBracketed(class) => portable_class(class),
        Ast::Repetition(repetition) => portable(&repetition.ast),
        Ast::Group(group) => {
            let plain = match &group.kind {
                GroupKind::CaptureIndex(_) => true,
                GroupKind::NonCapturing(flags) => flags.items.is_empty(),
                GroupKind::CaptureName { .. } => false,
            };
            plain && portable(&group.ast)
        }
        Ast::Alternation(alternation) => alternation.asts.iter().all(portable),
        Ast::Concat(concat) => concat.asts.iter().all(portable),
        Ast::Flags(_) | Ast::ClassUnicode(_) => false,
    }
}

fn portable_literal(literal: &Literal) -> bool {
    matches!(
        literal.kind,
        LiteralKind::Verbatim | LiteralKind::Meta | LiteralKind::HexFixed(HexLiteralKind::X)
    )
}

fn portable_assertion(assertion: &Assertion) -> bool {
    matches!(
        assertion.kind,
        AssertionKind::StartLine
            | AssertionKind::EndLine
            | AssertionKind::WordBoundary
            | AssertionKind::NotWordBoundary
    )
}

fn portable_class(class: &ClassBracketed) -> bool {
    match &class.kind {
        ClassSet::Item(item) => portable_class_item(item),
        ClassSet::BinaryOp(_) => false,
    }
}

fn portable_class_item(item: &ClassSetItem) -> bool {
    match item {
        ClassSetItem::Empty(_) | ClassSetItem::Perl(_) => true,
        ClassSetItem::Literal(literal) => portable_literal(literal),
        ClassSetItem::Range(range) => {
            portable_literal(&range.start) && portable_literal(&range.end)
        }
        ClassSetItem::Union(union) => union.items.iter().all(portable_class_item),
        ClassSetItem::Ascii(_) | ClassSetItem::Unicode(_) | ClassSetItem::Bracketed(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{excludes_nul, is_portable};

    #[test]
    fn the_common_subset_is_portable() {
        for pattern in [
            "^[a-z0-9]+(-[a-z0-9]+)*$",
            "^[A-Z0-9-]{3,32}$",
            r"^\d{4}-\d{2}$",
            r"^\w+@\w+\.com$",
            r"^(?:ab|cd)+?\b.$",
            r"^[^\s]*\x41$",
        ] {
            assert!(is_portable(pattern), "{pattern}");
        }
    }

    #[test]
    fn patterns_that_exclude_nul_are_anchored_and_never_match_it() {
        for pattern in [
            "^[A-Z0-9-]{3,32}$",
            r"^\+?[0-9 ]{6,20}$",
            "^(ab|cd)+$",
            "^$",
        ] {
            assert!(excludes_nul(pattern), "{pattern}");
        }
        for pattern in [
            "[a-z]+", "^[a-z]", "[a-z]$", "^.*$", r"^\S+$", "^[^x]+$", r"^a\x00$",
        ] {
            assert!(!excludes_nul(pattern), "{pattern}");
        }
    }

    #[test]
    fn dialect_specific_syntax_is_not() {
        for pattern in [
            "^(?i)ok|yes$",
            "(?i:ok)",
            r"^\p{L}+$",
            "[[:alpha:]]",
            "[a-z&&[^aeiou]]",
            "(?P<year>[0-9]{4})",
            r"\Aab\z",
            r"\x{263A}",
            "[[a-z]]",
            "(",
        ] {
            assert!(!is_portable(pattern), "{pattern}");
        }
    }
}
