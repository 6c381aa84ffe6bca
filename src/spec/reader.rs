//! A thin, span-aware reader over toml's `DeTable`. It never stops at the
//! first problem: wrong types and unknown keys become diagnostics and reading
//! goes on, so one run reports everything wrong with a spec.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::Diagnostic;

/// Collects diagnostics while a spec is read and checked.
#[derive(Debug, Default)]
pub struct Sink {
    pub diagnostics: Vec<Diagnostic>,
    /// Reading a spec already applied to a project (see [`Sink::push_new_rule`]).
    pub applied: bool,
}

impl Sink {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// A refusal of specs that earlier versions accepted, whose model is still whole
    /// (a plural resource name, `[auth]` keys without jwt...). A spec already applied to a
    /// project is read without it: `update` compares the new spec with that one, and the
    /// team cannot change what was applied.
    pub fn push_new_rule(&mut self, diagnostic: Diagnostic) {
        if !self.applied {
            self.push(diagnostic);
        }
    }
}

/// A value with the byte range it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// A number as written in the spec: the text is kept so decimals stay exact.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    Integer(i64),
    Float { value: f64, text: String },
}

impl Number {
    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Integer(i) => *i as f64,
            Number::Float { value, .. } => *value,
        }
    }
}

pub fn describe(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A table being read, under a dotted path, that knows which keys it allows.
pub struct Table<'a, 'i> {
    pub path: String,
    pub span: Range<usize>,
    table: &'a DeTable<'i>,
}

impl<'a, 'i> Table<'a, 'i> {
    /// Checks the keys of `table` against `allowed` (reporting unknown ones,
    /// with a suggestion for a near miss) and returns a reader for it. An
    /// empty `allowed` reads a map whose keys are user-chosen names.
    pub fn new(
        sink: &mut Sink,
        table: &'a DeTable<'i>,
        span: Range<usize>,
        path: &str,
        allowed: &[&str],
    ) -> Self {
        for key in table.keys() {
            let name: &str = key.get_ref();
            if !allowed.is_empty() && !allowed.contains(&name) {
                let mut d = Diagnostic::new(
                    key.span(),
                    join(path, name),
                    format!("unknown key `{name}`"),
                )
                .allowed(allowed.join(", "));
                if let Some(near) = suggest(name, allowed) {
                    d = d.help(format!("did you mean `{near}`?"));
                }
                sink.push(d);
            }
        }
        Self {
            path: path.to_string(),
            span,
            table,
        }
    }

    /// Reads a value that must be a table; reports anything else.
    pub fn from_value(
        sink: &mut Sink,
        value: &'a Spanned<DeValue<'i>>,
        path: &str,
        allowed: &[&str],
    ) -> Option<Self> {
        match value.get_ref() {
            DeValue::Table(t) => Some(Self::new(sink, t, value.span(), path, allowed)),
            other => {
                sink.push(
                    Diagnostic::new(value.span(), path, "expected a table")
                        .found(describe(other))
                        .allowed("a table, e.g. `{ key = value }` or a `[section]`"),
                );
                None
            }
        }
    }

    pub fn key_path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    pub fn raw(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    /// Where the value at `keys` below this table is written (`["resources", "order",
    /// "belongs_to", "customer"]`), if the text writes it: for a problem found after reading,
    /// in the typed model, that should still point at its line.
    pub fn span_of(&self, keys: &[&str]) -> Option<Range<usize>> {
        let (first, rest) = keys.split_first()?;
        let mut value = self.raw(first)?;
        for key in rest {
            let DeValue::Table(table) = value.get_ref() else {
                return None;
            };
            value = table.get(*key)?;
        }
        Some(value.span())
    }

    /// Every entry, in document order, for maps keyed by user-chosen names.
    pub fn entries(&self) -> impl Iterator<Item = (At<String>, &'a Spanned<DeValue<'i>>)> + 'a {
        self.table.iter().map(|(k, v)| {
            (
                At {
                    value: k.get_ref().to_string(),
                    span: k.span(),
                },
                v,
            )
        })
    }

    fn mismatch(&self, sink: &mut Sink, key: &str, value: &Spanned<DeValue<'_>>, expected: &str) {
        sink.push(
            Diagnostic::new(
                value.span(),
                self.key_path(key),
                format!("expected {expected}"),
            )
            .found(describe(value.get_ref()))
            .allowed(expected.to_string()),
        );
    }

    pub fn string(&self, sink: &mut Sink, key: &str) -> Option<At<String>> {
        let value = self.raw(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(At {
                value: s.to_string(),
                span: value.span(),
            }),
            _ => {
                self.mismatch(sink, key, value, "a string");
                None
            }
        }
    }

    pub fn boolean(&self, sink: &mut Sink, key: &str) -> Option<At<bool>> {
        let value = self.raw(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(At {
                value: *b,
                span: value.span(),
            }),
            _ => {
                self.mismatch(sink, key, value, "a boolean (true or false)");
                None
            }
        }
    }

    pub fn number(&self, sink: &mut Sink, key: &str) -> Option<At<Number>> {
        let value = self.raw(key)?;
        match number_of(value.get_ref()) {
            Some(n) => Some(At {
                value: n,
                span: value.span(),
            }),
            None => {
                self.mismatch(sink, key, value, "a number");
                None
            }
        }
    }

    /// A whole number in `min..=max`.
    pub fn integer(&self, sink: &mut Sink, key: &str, min: i64, max: i64) -> Option<At<i64>> {
        let value = self.raw(key)?;
        match number_of(value.get_ref()) {
            Some(Number::Integer(i)) if (min..=max).contains(&i) => Some(At {
                value: i,
                span: value.span(),
            }),
            Some(Number::Integer(i)) => {
                sink.push(
                    Diagnostic::new(value.span(), self.key_path(key), "number out of range")
                        .found(i.to_string())
                        .allowed(format!("a whole number from {min} to {max}")),
                );
                None
            }
            _ => {
                self.mismatch(sink, key, value, "a whole number");
                None
            }
        }
    }

    /// A string, or an array of strings.
    pub fn strings(&self, sink: &mut Sink, key: &str) -> Option<Vec<At<String>>> {
        let value = self.raw(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(vec![At {
                value: s.to_string(),
                span: value.span(),
            }]),
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) => out.push(At {
                            value: s.to_string(),
                            span: item.span(),
                        }),
                        other => sink.push(
                            Diagnostic::new(
                                item.span(),
                                self.key_path(key),
                                "expected a string in this array",
                            )
                            .found(describe(other)),
                        ),
                    }
                }
                Some(out)
            }
            _ => {
                self.mismatch(sink, key, value, "a string or an array of strings");
                None
            }
        }
    }

    /// A sub-table under `key`, if present.
    pub fn table(&self, sink: &mut Sink, key: &str, allowed: &[&str]) -> Option<Table<'a, 'i>> {
        let value = self.raw(key)?;
        Table::from_value(sink, value, &self.key_path(key), allowed)
    }
}

pub fn number_of(value: &DeValue<'_>) -> Option<Number> {
    match value {
        DeValue::Integer(i) => {
            let text = i.as_str().replace('_', "");
            i64::from_str_radix(&text, i.radix())
                .ok()
                .map(Number::Integer)
        }
        DeValue::Float(f) => {
            let text = f.as_str().replace('_', "");
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(|value| Number::Float { value, text })
        }
        _ => None,
    }
}

pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The closest allowed word to a near miss, if there is one close enough.
pub fn suggest<'w>(word: &str, allowed: &[&'w str]) -> Option<&'w str> {
    allowed
        .iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), *candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// A string value that must be one of a few words.
pub fn one_of(sink: &mut Sink, t: &Table<'_, '_>, key: &str, allowed: &[&str]) -> Option<String> {
    let v = t.string(sink, key)?;
    if allowed.contains(&v.value.as_str()) {
        return Some(v.value);
    }
    let mut d = Diagnostic::new(
        v.span,
        t.key_path(key),
        format!("invalid value for `{key}`"),
    )
    .found(format!("{:?}", v.value))
    .allowed(allowed.join(", "));
    if let Some(near) = suggest(&v.value, allowed) {
        d = d.help(format!("did you mean {near:?}?"));
    }
    sink.push(d);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let allowed = ["soft_delete", "versioned", "fields"];
        assert_eq!(suggest("soft_delet", &allowed), Some("soft_delete"));
        assert_eq!(suggest("feilds", &allowed), Some("fields"));
        assert_eq!(suggest("colour", &allowed), None);
    }

    #[test]
    fn numbers_keep_their_text() {
        let doc = DeTable::parse("a = 0x10\nb = 1_000\nc = 19.990\n").unwrap();
        let t = doc.get_ref();
        let n = |k: &str| number_of(t.get(k).unwrap().get_ref()).unwrap();
        assert_eq!(n("a"), Number::Integer(16));
        assert_eq!(n("b"), Number::Integer(1000));
        assert_eq!(
            n("c"),
            Number::Float {
                value: 19.99,
                text: "19.990".into()
            }
        );
    }
}
