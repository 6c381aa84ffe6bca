//! Spec errors that point at the source: file, line, column, the key, what was
//! found and what is allowed. Every error of a spec is collected and reported
//! together, so a user fixes them in one pass.

use std::fmt;
use std::ops::Range;

/// One problem in a spec, anchored to a byte range of its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Range<usize>,
    /// Dotted path of the offending key, e.g. `resources.post.fields.title.type`.
    pub key: String,
    pub message: String,
    pub found: Option<String>,
    pub allowed: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(span: Range<usize>, key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            span,
            key: key.into(),
            message: message.into(),
            found: None,
            allowed: None,
            help: None,
        }
    }

    pub fn found(mut self, found: impl Into<String>) -> Self {
        self.found = Some(found.into());
        self
    }

    pub fn allowed(mut self, allowed: impl Into<String>) -> Self {
        self.allowed = Some(allowed.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// All problems of one spec file, with the source kept to show positions.
#[derive(Debug, Clone)]
pub struct Report {
    pub file: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let before = &self.source[..floor_char_boundary(&self.source, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    fn source_line(&self, line: usize) -> &str {
        self.source.lines().nth(line - 1).unwrap_or("")
    }
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let (line, column) = self.line_col(d.span.start);
            writeln!(f, "error: {}:{line}:{column}: {}", self.file, d.message)?;
            if !d.key.is_empty() {
                writeln!(f, "  key:     {}", d.key)?;
            }
            if let Some(found) = &d.found {
                writeln!(f, "  found:   {found}")?;
            }
            if let Some(allowed) = &d.allowed {
                writeln!(f, "  allowed: {allowed}")?;
            }
            if let Some(help) = &d.help {
                writeln!(f, "  help:    {help}")?;
            }
            let text = self.source_line(line);
            let width = (d.span.end.saturating_sub(d.span.start))
                .min(text.chars().count().saturating_sub(column - 1))
                .max(1);
            writeln!(f, "{line:>5} | {text}")?;
            writeln!(f, "      | {}{}", " ".repeat(column - 1), "^".repeat(width))?;
        }
        let n = self.diagnostics.len();
        write!(
            f,
            "{n} error{} in {}",
            if n == 1 { "" } else { "s" },
            self.file
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let report = Report {
            file: "x.toml".into(),
            source: "a = 1\nbé = \"x\"\n".into(),
            diagnostics: vec![],
        };
        assert_eq!(report.line_col(0), (1, 1));
        assert_eq!(report.line_col(6), (2, 1));
        // "bé = " is 6 bytes but 5 characters.
        assert_eq!(report.line_col(12), (2, 6));
    }

    #[test]
    fn display_names_file_line_column_key_found_and_allowed() {
        let source = "[project]\ndatabase = \"oracle\"\n".to_string();
        let start = source.find("\"oracle\"").unwrap();
        let report = Report {
            file: "spec.toml".into(),
            diagnostics: vec![
                Diagnostic::new(start..start + 8, "project.database", "unknown database")
                    .found("\"oracle\"")
                    .allowed("sqlite, postgres"),
            ],
            source,
        };
        let text = report.to_string();
        assert!(
            text.contains("error: spec.toml:2:12: unknown database"),
            "{text}"
        );
        assert!(text.contains("key:     project.database"));
        assert!(text.contains("found:   \"oracle\""));
        assert!(text.contains("allowed: sqlite, postgres"));
        assert!(text.contains("^^^^^^^^"));
        assert!(text.ends_with("1 error in spec.toml"));
    }
}
