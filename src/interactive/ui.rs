//! The prompts, on stderr: one place that knows the prompt library, so the
//! questions (`prompts.rs`, `fields.rs`...) only say what they ask.
//!
//! Three mechanics live here, out of the questions' way:
//! - **Back one question** (Esc): every answer is recorded; Esc makes the
//!   prompt fail (noting it), and [`Ui::run`] drops the last
//!   answer and runs the session again from the start, answering each question
//!   from the record (checked again, and shown as answered) until the record
//!   runs out: the user lands on the previous question.
//! - **Ctrl-C keeps the answers**: the session leaves a checkpoint (the spec
//!   so far) after each answer; Ctrl-C, at a prompt or between prompts, saves
//!   it (never overwriting a file) and says where, then exits 130.
//! - **Narrow terminals**: a list or yes/no prompt wider than the terminal
//!   would wrap, and dialoguer clears one line per prompt: its context goes on
//!   a line of its own above it, and list items are cut to the width. Text
//!   prompts use [`LineEditor`], which wraps and clears correctly.

use std::cell::RefCell;
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use dialoguer::console::{Key, Term, measure_text_width, style, truncate_str};
use dialoguer::theme::{ColorfulTheme, Theme};
use dialoguer::{Confirm, FuzzySelect, MultiSelect, Select};

use crate::error::{Error, Result};

/// One recorded answer, as the prompt returned it.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Text(String),
    Pick(usize),
    Picks(Vec<usize>),
    Yes(bool),
}

/// The answers given so far, and how far a replay has read them.
#[derive(Default)]
struct Record {
    answers: Vec<Answer>,
    /// The next answer a prompt takes; at `answers.len()` prompts ask live.
    next: usize,
    /// Set when a prompt was left with Esc.
    back: bool,
}

/// The prompts, on stderr, with dialoguer errors mapped to `Error::Prompt`.
pub(super) struct Ui {
    theme: ColorfulTheme,
    record: RefCell<Record>,
}

impl Ui {
    pub(super) fn new() -> Self {
        Self {
            theme: ColorfulTheme::default(),
            record: RefCell::default(),
        }
    }

    /// Runs `session` until it ends other than by Esc. After an Esc it runs
    /// again from the start with the recorded answers but the last, on a
    /// cleared screen, so it stops at the question before the one left.
    pub(super) fn run<T>(&self, mut session: impl FnMut(&Ui) -> Result<T>) -> Result<T> {
        loop {
            let result = session(self);
            let mut record = self.record.borrow_mut();
            if result.is_ok() || !std::mem::take(&mut record.back) {
                return result;
            }
            let next = record.next;
            record.answers.truncate(next);
            record.answers.pop();
            record.next = 0;
            drop(record);
            let _ = Term::stderr().clear_screen();
        }
    }

    pub(super) fn say(&self, text: &str) {
        eprintln!("{text}");
    }

    pub(super) fn warn(&self, text: &str) {
        eprintln!("{} {text}", style("✘").red());
    }

    /// A required answer; `default` is taken on a bare Enter.
    pub(super) fn text<'a>(
        &'a self,
        prompt: &str,
        default: Option<&str>,
        validate: impl FnMut(&String) -> Result<(), String> + 'a,
    ) -> Result<String> {
        self.typed(prompt, default, false, validate)
    }

    /// An answer that may be left blank (returned trimmed).
    pub(super) fn optional_text<'a>(
        &'a self,
        prompt: &str,
        validate: impl FnMut(&String) -> Result<(), String> + 'a,
    ) -> Result<String> {
        self.typed(prompt, None, true, validate)
    }

    /// A typed answer, replayed or read with the line editor.
    fn typed<'a>(
        &'a self,
        prompt: &str,
        default: Option<&str>,
        allow_empty: bool,
        mut validate: impl FnMut(&String) -> Result<(), String> + 'a,
    ) -> Result<String> {
        if let Some(Answer::Text(text)) = self.replay(|a| match a {
            Answer::Text(t) => validate(t).is_ok(),
            _ => false,
        }) {
            self.answered(|f| self.theme.format_input_prompt_selection(f, prompt, &text));
            return Ok(text);
        }
        let editor = LineEditor {
            theme: &self.theme,
            prompt,
            default,
            allow_empty,
        };
        let text = self.live(editor.read(&mut validate))?;
        let text = if allow_empty {
            text.trim().to_string()
        } else {
            text
        };
        self.keep(Answer::Text(text.clone()));
        Ok(text)
    }

    pub(super) fn select<S: ToString>(
        &self,
        prompt: &str,
        items: &[S],
        default: usize,
    ) -> Result<usize> {
        self.pick_one(prompt, items, |prompt, items| {
            Select::with_theme(&self.theme)
                .with_prompt(prompt)
                .items(items)
                .default(default)
                .interact_opt()
        })
    }

    /// A list that narrows as the user types (for lists longer than a screenful
    /// of choices, such as the field types).
    pub(super) fn fuzzy_select<S: ToString>(
        &self,
        prompt: &str,
        items: &[S],
        default: usize,
    ) -> Result<usize> {
        self.pick_one(prompt, items, |prompt, items| {
            FuzzySelect::with_theme(&self.theme)
                .with_prompt(prompt)
                .items(items)
                .default(default)
                .interact_opt()
        })
    }

    /// One choice of a list, fitted to the terminal, replayed or asked with `ask`.
    fn pick_one<S: ToString>(
        &self,
        prompt: &str,
        items: &[S],
        ask: impl FnOnce(&str, &[String]) -> dialoguer::Result<Option<usize>>,
    ) -> Result<usize> {
        let prompt = self.fit(prompt);
        let items = self.fit_items(items, 4);
        if let Some(i) = self.replayed_pick(&prompt, &items) {
            return Ok(i);
        }
        let i = self.live(ask(&prompt, &items).map_err(prompt_error))?;
        self.keep(Answer::Pick(i));
        Ok(i)
    }

    /// Several choices; `checked` (one flag per item, or empty) says which start picked.
    pub(super) fn multi<S: ToString>(
        &self,
        prompt: &str,
        items: &[S],
        checked: &[bool],
    ) -> Result<Vec<usize>> {
        let prompt = self.fit(prompt);
        let items = self.fit_items(items, 6);
        if let Some(Answer::Picks(picks)) = self.replay(|a| match a {
            Answer::Picks(p) => p.iter().all(|&i| i < items.len()),
            _ => false,
        }) {
            let picked: Vec<&str> = picks.iter().map(|&i| items[i].as_str()).collect();
            self.answered(|f| {
                self.theme
                    .format_multi_select_prompt_selection(f, &prompt, &picked)
            });
            return Ok(picks);
        }
        let mut multi = MultiSelect::with_theme(&self.theme)
            .with_prompt(&prompt)
            .items(&items);
        if !checked.is_empty() {
            multi = multi.defaults(checked);
        }
        let picks = self.live(multi.interact_opt().map_err(prompt_error))?;
        self.keep(Answer::Picks(picks.clone()));
        Ok(picks)
    }

    pub(super) fn confirm(&self, prompt: &str, default: bool) -> Result<bool> {
        let prompt = self.fit(prompt);
        if let Some(Answer::Yes(yes)) = self.replay(|a| matches!(a, Answer::Yes(_))) {
            self.answered(|f| {
                self.theme
                    .format_confirm_prompt_selection(f, &prompt, Some(yes))
            });
            return Ok(yes);
        }
        let answer = Confirm::with_theme(&self.theme)
            .with_prompt(&prompt)
            .default(default)
            .interact_opt();
        let yes = self.live(answer.map_err(prompt_error))?;
        self.keep(Answer::Yes(yes));
        Ok(yes)
    }

    /// The next recorded answer while replaying, if `fits` accepts it. A
    /// recorded answer the question no longer accepts ends the replay there:
    /// it and the ones after it are dropped, and the question is asked.
    fn replay(&self, fits: impl FnOnce(&Answer) -> bool) -> Option<Answer> {
        let mut record = self.record.borrow_mut();
        let next = record.next;
        let answer = record.answers.get(next)?.clone();
        if fits(&answer) {
            record.next += 1;
            Some(answer)
        } else {
            record.answers.truncate(next);
            None
        }
    }

    fn replayed_pick(&self, prompt: &str, items: &[String]) -> Option<usize> {
        match self.replay(|a| matches!(a, Answer::Pick(i) if *i < items.len()))? {
            Answer::Pick(i) => {
                self.answered(|f| {
                    self.theme
                        .format_select_prompt_selection(f, prompt, &items[i])
                });
                Some(i)
            }
            _ => None,
        }
    }

    /// A live prompt's answer; Esc (`None`) becomes an error that [`Ui::run`]
    /// knows as going back.
    fn live<T>(&self, answer: Result<Option<T>>) -> Result<T> {
        match answer? {
            Some(answer) => Ok(answer),
            None => {
                self.record.borrow_mut().back = true;
                Err(Error::Prompt("went back one question".into()))
            }
        }
    }

    fn keep(&self, answer: Answer) {
        let mut record = self.record.borrow_mut();
        record.answers.push(answer);
        record.next = record.answers.len();
    }

    /// A replayed answer, shown as the prompt shows an answered question.
    fn answered(&self, format: impl FnOnce(&mut String) -> std::fmt::Result) {
        let mut line = String::new();
        let _ = format(&mut line);
        eprintln!("{line}");
    }

    /// A list or yes/no prompt that fits on one line of the terminal: a longer
    /// one's context (up to its last sentence) goes on a line of its own,
    /// printed now and never cleared. A question still too long is printed
    /// whole above, and asked in [`short_form`].
    fn fit(&self, prompt: &str) -> String {
        // "? ", " (y/n) › " and an answer's first letters.
        const ROOM: usize = 16;
        let width = terminal_width();
        if measure_text_width(prompt) + ROOM <= width {
            return prompt.to_string();
        }
        let question = match prompt.trim_end().rfind(". ") {
            Some(end) => {
                self.say(&prompt[..=end]);
                &prompt[end + 2..]
            }
            None => prompt,
        };
        if measure_text_width(question) + ROOM <= width {
            return question.to_string();
        }
        self.say(&format!("{}", style(question).dim()));
        short_form(question, width.saturating_sub(ROOM).max(8))
    }

    /// List items cut to the terminal's width, less `margin` for the cursor.
    fn fit_items<S: ToString>(&self, items: &[S], margin: usize) -> Vec<String> {
        let width = terminal_width().saturating_sub(margin).max(8);
        items
            .iter()
            .map(|item| truncate_str(&item.to_string(), width, "…").into_owned())
            .collect()
    }
}

/// `question` in at most `width` columns: without its parenthesis
/// ("Versioned (optimistic locking: ...)?" is "Versioned?"), and cut with "…"
/// if that is not enough.
fn short_form(question: &str, width: usize) -> String {
    let short = match question.find(" (") {
        Some(start) if question.ends_with('?') => format!("{}?", &question[..start]),
        Some(start) => question[..start].to_string(),
        None => question.to_string(),
    };
    truncate_str(&short, width, "…").into_owned()
}

fn terminal_width() -> usize {
    usize::from(Term::stderr().size().1).max(20)
}

/// A text prompt, in the theme of dialoguer's `Input`, with the editing keys
/// it lacks: Esc (back one question), Home/End and Ctrl-A/Ctrl-E, Ctrl-U
/// (clear to the start), Ctrl-K (clear to the end), Ctrl-W (the word before),
/// Delete. A refused answer stays on the line with the reason above it:
/// typing replaces it, an editing key edits it. Lines longer than the
/// terminal wrap, and are cleared row by row.
struct LineEditor<'a> {
    theme: &'a ColorfulTheme,
    prompt: &'a str,
    default: Option<&'a str>,
    allow_empty: bool,
}

/// What is on the screen of a [`LineEditor`]: how many rows there are above
/// the cursor's row, so the next draw can start at the top.
struct Drawn {
    rows_above_cursor: usize,
}

impl LineEditor<'_> {
    /// The accepted answer, or `None` after Esc.
    fn read(
        &self,
        validate: &mut dyn FnMut(&String) -> Result<(), String>,
    ) -> Result<Option<String>> {
        let term = Term::stderr();
        if !term.is_term() {
            return Err(prompt_error(dialoguer::Error::IO(std::io::Error::from(
                std::io::ErrorKind::NotConnected,
            ))));
        }
        let mut line: Vec<char> = Vec::new();
        let mut cursor = 0;
        let mut error: Option<String> = None;
        // After a refusal, the first typed character replaces the line.
        let mut replace = false;
        let mut drawn = self.draw(None, &error, &line, cursor);
        loop {
            let key = term.read_key().map_err(|e| prompt_error(e.into()))?;
            let editing = !matches!(key, Key::Char(c) if !c.is_control());
            if replace && !editing {
                line.clear();
                cursor = 0;
            }
            replace = false;
            match key {
                Key::Escape => {
                    self.clear(&drawn);
                    return Ok(None);
                }
                Key::Enter => {
                    let typed: String = line.iter().collect();
                    let answer = match self.default {
                        Some(default) if typed.is_empty() => default.to_string(),
                        _ => typed,
                    };
                    if answer.is_empty() && !self.allow_empty {
                        continue;
                    }
                    match validate(&answer) {
                        Ok(()) => {
                            self.clear(&drawn);
                            let mut done = String::new();
                            let _ = self.theme.format_input_prompt_selection(
                                &mut done,
                                self.prompt,
                                &answer,
                            );
                            eprintln!("{done}");
                            return Ok(Some(answer));
                        }
                        Err(why) => {
                            error = Some(why);
                            replace = !line.is_empty();
                        }
                    }
                }
                Key::Char(c) if !c.is_control() => {
                    line.insert(cursor, c);
                    cursor += 1;
                }
                Key::Backspace if cursor > 0 => {
                    cursor -= 1;
                    line.remove(cursor);
                }
                Key::Del if cursor < line.len() => {
                    line.remove(cursor);
                }
                Key::ArrowLeft => cursor = cursor.saturating_sub(1),
                Key::ArrowRight => cursor = (cursor + 1).min(line.len()),
                Key::Home => cursor = 0,
                Key::End => cursor = line.len(),
                // Ctrl-U
                Key::Char('\u{15}') => {
                    line.drain(..cursor);
                    cursor = 0;
                }
                // Ctrl-K
                Key::Char('\u{b}') => line.truncate(cursor),
                // Ctrl-W
                Key::Char('\u{17}') => {
                    let mut start = cursor;
                    while start > 0 && line[start - 1] == ' ' {
                        start -= 1;
                    }
                    while start > 0 && line[start - 1] != ' ' {
                        start -= 1;
                    }
                    line.drain(start..cursor);
                    cursor = start;
                }
                _ => continue,
            }
            drawn = self.draw(Some(&drawn), &error, &line, cursor);
        }
    }

    /// Draws the prompt (below the last refusal's reason, if any) over what
    /// was drawn before, and puts the cursor at `cursor`.
    fn draw(
        &self,
        before: Option<&Drawn>,
        error: &Option<String>,
        line: &[char],
        cursor: usize,
    ) -> Drawn {
        let width = terminal_width();
        let mut out = String::new();
        if let Some(before) = before {
            out.push_str(&up_and_clear(before.rows_above_cursor));
        }
        let mut rows_above = 0;
        if let Some(error) = error {
            let mut text = String::new();
            let _ = self.theme.format_error(&mut text, error);
            rows_above += rows(measure_text_width(&text), width);
            out.push_str(&text);
            out.push_str("\r\n");
        }
        let mut prompt = String::new();
        let _ = self
            .theme
            .format_input_prompt(&mut prompt, self.prompt, self.default);
        let typed: String = line.iter().collect();
        let before_cursor: String = line[..cursor].iter().collect();
        let start = measure_text_width(&prompt);
        let end = start + measure_text_width(&typed);
        out.push_str(&prompt);
        out.push_str(&typed);
        if end.is_multiple_of(width) {
            // The terminal holds the cursor at the right edge of a full row:
            // move it to the next row, as every other position is counted.
            out.push_str(" \r");
        }
        let at = start + measure_text_width(&before_cursor);
        let (end_row, at_row) = (end / width, at / width);
        if end_row > at_row {
            out.push_str(&format!("\x1b[{}A", end_row - at_row));
        }
        out.push('\r');
        if !at.is_multiple_of(width) {
            out.push_str(&format!("\x1b[{}C", at % width));
        }
        let _ = write!(std::io::stderr(), "{out}");
        let _ = std::io::stderr().flush();
        Drawn {
            rows_above_cursor: rows_above + at_row,
        }
    }

    /// Clears the prompt, leaving the cursor where it started.
    fn clear(&self, drawn: &Drawn) {
        let _ = write!(
            std::io::stderr(),
            "{}",
            up_and_clear(drawn.rows_above_cursor)
        );
        let _ = std::io::stderr().flush();
    }
}

/// Moves `rows` up to the start of the row and clears to the end of the screen.
fn up_and_clear(rows: usize) -> String {
    let up = if rows > 0 {
        format!("\x1b[{rows}A")
    } else {
        String::new()
    };
    format!("{up}\r\x1b[J")
}

/// Rows a line of `columns` takes on a terminal `width` wide (at least one).
fn rows(columns: usize, width: usize) -> usize {
    columns.div_ceil(width).max(1)
}

fn prompt_error(e: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = e;
    match io.kind() {
        // Ctrl-C at a prompt: console has raised SIGINT as well.
        std::io::ErrorKind::Interrupted => cancel(),
        std::io::ErrorKind::NotConnected => Error::Prompt(
            "no terminal to ask questions on: pass the spec with --spec FILE, or --yes for the defaults".into(),
        ),
        _ => Error::Prompt(format!("the interactive session failed: {io}")),
    }
}

/// A comma-separated list, read by `parse`. A list with bad items is not
/// refused at the prompt (which would drop the typing): every bad item is
/// reported with its fix, and the list is asked again with the fixed list as
/// the answer Enter takes.
pub(super) fn ask_list(
    ui: &Ui,
    prompt: &str,
    suggested: &str,
    parse: fn(&str) -> std::result::Result<Vec<String>, super::parse::ListProblems>,
) -> Result<Vec<String>> {
    let mut default = suggested.to_string();
    loop {
        let default_shown = (!default.is_empty()).then_some(default.as_str());
        let text = ui.text(prompt, default_shown, |text: &String| {
            if text.trim().is_empty() {
                Err("type at least one, separated by commas".to_string())
            } else {
                Ok(())
            }
        })?;
        match parse(&text) {
            Ok(items) => return Ok(items),
            Err(problems) => {
                for message in &problems.messages {
                    ui.warn(message);
                }
                if !problems.corrected.is_empty() {
                    ui.say(&format!(
                        "{}",
                        style("Enter takes the corrected list; or type another.").dim()
                    ));
                }
                default = problems.corrected;
            }
        }
    }
}

/// What Ctrl-C does with the answers so far: saves them and says where.
type Save = Box<dyn FnOnce() -> String + Send>;

static CHECKPOINT: Mutex<Option<Save>> = Mutex::new(None);

/// Leaves the answers so far for Ctrl-C: `save` saves them and returns what to
/// tell the user. Each checkpoint replaces the one before.
pub(super) fn checkpoint(save: Save) {
    if let Ok(mut slot) = CHECKPOINT.lock() {
        *slot = Some(save);
    }
}

/// Drops the checkpoint once the answers are saved another way.
pub(super) fn forget_checkpoint() {
    if let Ok(mut slot) = CHECKPOINT.lock() {
        *slot = None;
    }
}

/// Makes Ctrl-C end the session through [`cancel`], whether it comes while a
/// prompt reads keys (console then raises SIGINT itself) or between prompts.
/// Without this, SIGINT kills the process and a select prompt leaves the
/// cursor hidden. A handler can only be set once; if one is set already, it
/// stays.
pub(super) fn cancel_on_ctrl_c() {
    let _ = ctrlc::set_handler(|| cancel());
}

/// Shows the cursor again, saves the checkpoint if there is one and says
/// where, and exits with 130, the shell's code for an interrupt. Ctrl-C at a
/// prompt comes here twice, from the prompt's error and from the signal
/// handler's thread: the first does it, the second waits for the exit.
fn cancel() -> ! {
    static CANCELLING: AtomicBool = AtomicBool::new(false);
    if !CANCELLING.swap(true, Ordering::SeqCst) {
        let _ = Term::stderr().show_cursor();
        let checkpoint = CHECKPOINT.lock().ok().and_then(|mut slot| slot.take());
        let said = match checkpoint {
            None => "cancelled; nothing was answered yet".to_string(),
            Some(save) => format!("cancelled; {}", save()),
        };
        let _ = writeln!(std::io::stderr(), "\n{said}");
        std::process::exit(130);
    }
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_takes_a_row_per_width_and_at_least_one() {
        assert_eq!(rows(0, 80), 1);
        assert_eq!(rows(80, 80), 1);
        assert_eq!(rows(81, 80), 2);
    }

    #[test]
    fn a_long_question_is_asked_without_its_parenthesis_or_cut() {
        let versioned =
            "Versioned (optimistic locking: an update must send the item's current version)?";
        assert_eq!(short_form(versioned, 30), "Versioned?");
        assert_eq!(
            short_form("Many-to-many links from post (Space picks)", 30),
            "Many-to-many links from post"
        );
        assert_eq!(
            short_form("Must title be unique among book rows?", 20),
            "Must title be uniqu…"
        );
    }

    #[test]
    fn going_back_replays_all_answers_but_the_last() {
        let ui = Ui::new();
        ui.keep(Answer::Text("a".into()));
        ui.keep(Answer::Pick(1));
        ui.keep(Answer::Yes(true));
        ui.record.borrow_mut().back = true;
        let mut runs = 0;
        let result = ui.run(|ui| {
            runs += 1;
            if runs == 1 {
                return Err(Error::Prompt("went back".into()));
            }
            Ok(ui.record.borrow().answers.clone())
        });
        assert_eq!(
            result.unwrap(),
            vec![Answer::Text("a".into()), Answer::Pick(1)]
        );
        assert_eq!(runs, 2);
    }

    #[test]
    fn a_recorded_answer_the_question_refuses_ends_the_replay() {
        let ui = Ui::new();
        ui.keep(Answer::Text("a".into()));
        ui.keep(Answer::Pick(1));
        ui.record.borrow_mut().next = 0;
        assert_eq!(ui.replay(|_| true), Some(Answer::Text("a".into())));
        assert_eq!(ui.replay(|a| matches!(a, Answer::Yes(_))), None);
        assert_eq!(ui.record.borrow().answers.len(), 1);
    }
}
