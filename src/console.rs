//! What the tool says besides its results, at the verbosity the user chose.
//!
//! As with cargo: `--quiet` keeps errors and the output the user asked for (check's
//! report, a dry run's plan, `templates list`, completions) and drops status lines,
//! next steps, notes and warnings; `--verbose` adds each file written and each step's
//! time, on stderr, so that stdout reads the same at every verbosity. `error:` and
//! `warning:` labels are coloured as clap colours its own, through anstream, which
//! colours a terminal only and follows NO_COLOR, CLICOLOR and CLICOLOR_FORCE.

use std::fmt::Display;
use std::io::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

use anstyle::{AnsiColor, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

static LEVEL: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

/// clap's own error style (`Styles::default()`), so that both kinds of error look alike.
const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();

/// The labels coloured at the start of a line of what the tool prints.
const LABELS: &[(&str, Style)] = &[("error:", ERROR), ("warning:", WARNING)];

pub fn set_verbosity(verbosity: Verbosity) {
    LEVEL.store(verbosity as u8, Ordering::Relaxed);
}

pub fn verbosity() -> Verbosity {
    match LEVEL.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        1 => Verbosity::Normal,
        _ => Verbosity::Verbose,
    }
}

pub fn is_quiet() -> bool {
    verbosity() == Verbosity::Quiet
}

/// A status line or block for stdout (what was done, what to do next): not when quiet.
pub fn status(text: &str) {
    if !is_quiet() {
        let _ = std::io::stdout().write_all(text.as_bytes());
    }
}

/// A detail for `--verbose` only, on stderr.
pub fn detail(text: impl Display) {
    if verbosity() == Verbosity::Verbose {
        eprintln!("{text}");
    }
}

/// Runs one step of a command; `--verbose` prints how long it took.
pub fn timed<T>(step: &str, run: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = run();
    detail(format_args!("{step}: {} ms", start.elapsed().as_millis()));
    out
}

/// A note or warning on stderr (a line starting `warning:` gets its colour): not when quiet.
pub fn note(text: impl Display) {
    if !is_quiet() {
        write_stderr(&text.to_string());
    }
}

/// An error on stderr, whatever the verbosity.
pub fn error(text: impl Display) {
    write_stderr(&text.to_string());
}

fn write_stderr(text: &str) {
    let mut stderr = anstream::stderr().lock();
    let _ = writeln!(stderr, "{}", labelled(text));
}

/// `text` with the label that starts any of its lines styled; anstream strips the
/// style again where colour is off.
pub fn labelled(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            LABELS
                .iter()
                .find_map(|(label, style)| {
                    line.strip_prefix(label)
                        .map(|rest| format!("{style}{label}{style:#}{rest}"))
                })
                .unwrap_or_else(|| line.to_string())
        })
        .collect()
}

/// `n` and the noun, in the singular for one: `1 resource`, `2 resources`.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Commands to run, one a line, each with a comment lined up after the longest.
pub fn commands(lines: &[(impl AsRef<str>, impl AsRef<str>)]) -> String {
    let width = lines
        .iter()
        .map(|(command, _)| command.as_ref().len())
        .max()
        .unwrap_or(0);
    lines
        .iter()
        .map(|(command, why)| {
            let (command, why) = (command.as_ref(), why.as_ref());
            if why.is_empty() {
                format!("  {command}\n")
            } else {
                format!("  {command:<width$}   # {why}\n")
            }
        })
        .collect()
}

/// A path or word as the user's shell reads it back: quoted when it needs to be.
/// A path that starts with `-` gets `./` in front, so no command reads it as a flag.
pub fn shell_quote(text: &str) -> String {
    if text.starts_with('-') {
        return shell_quote(&format!("./{text}"));
    }
    shell_words::quote(text).into_owned()
}

/// The `cd` line of next steps into a project at `dir` (as the user named it, so relative
/// to where they are); none for the folder they are in.
pub fn cd_into(dir: &std::path::Path) -> String {
    let here = dir.as_os_str().is_empty()
        || dir == std::path::Path::new(".")
        || std::env::current_dir()
            .ok()
            .zip(std::fs::canonicalize(dir).ok())
            .is_some_and(|(cwd, dir)| cwd == dir);
    if here {
        String::new()
    } else {
        format!("  cd {}\n", shell_quote(&dir.to_string_lossy()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_labels_at_the_start_of_a_line_are_styled() {
        let text = labelled("error: a\n  found: error: b\nwarning: c\n");
        assert_eq!(
            text,
            format!(
                "{ERROR}error:{ERROR:#} a\n  found: error: b\n{WARNING}warning:{WARNING:#} c\n"
            )
        );
        assert_eq!(labelled("plain"), "plain");
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count(0, "field", "fields"), "0 fields");
        assert_eq!(count(1, "field", "fields"), "1 field");
        assert_eq!(count(2, "relation", "relations"), "2 relations");
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("shop"), "shop");
        assert_eq!(shell_quote("my shop"), "'my shop'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("../out/x"), "../out/x");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        assert_eq!(shell_quote("-out"), "./-out");
        assert_eq!(shell_quote(""), "''");
    }
}
