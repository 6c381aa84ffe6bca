//! The prompts, on stderr: one place that knows the prompt library, so the
//! questions in `prompts.rs` only say what they ask.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use dialoguer::console::{Term, style};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, FuzzySelect, Input, MultiSelect, Select};

use crate::error::{Error, Result};

/// The prompts, on stderr, with dialoguer errors mapped to `Error::Prompt`.
pub(super) struct Ui {
    theme: ColorfulTheme,
}

impl Ui {
    pub(super) fn new() -> Self {
        Self {
            theme: ColorfulTheme::default(),
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
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .validate_with(validate);
        if let Some(default) = default {
            input = input.default(default.to_string());
        }
        input.interact_text().map_err(prompt_error)
    }

    /// An answer that may be left blank.
    pub(super) fn optional_text<'a>(
        &'a self,
        prompt: &str,
        validate: impl FnMut(&String) -> Result<(), String> + 'a,
    ) -> Result<String> {
        Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(validate)
            .interact_text()
            .map(|s| s.trim().to_string())
            .map_err(prompt_error)
    }

    pub(super) fn select<S: ToString>(
        &self,
        prompt: &str,
        items: &[S],
        default: usize,
    ) -> Result<usize> {
        Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items.iter().map(ToString::to_string))
            .default(default)
            .interact()
            .map_err(prompt_error)
    }

    /// A list that narrows as the user types (for lists longer than a screenful
    /// of choices, such as the field types).
    pub(super) fn fuzzy_select<S: ToString>(
        &self,
        prompt: &str,
        items: &[S],
        default: usize,
    ) -> Result<usize> {
        FuzzySelect::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items.iter().map(ToString::to_string))
            .default(default)
            .interact()
            .map_err(prompt_error)
    }

    /// Several choices; `checked` (one flag per item, or empty) says which start picked.
    pub(super) fn multi<S: ToString>(
        &self,
        prompt: &str,
        items: &[S],
        checked: &[bool],
    ) -> Result<Vec<usize>> {
        let mut multi = MultiSelect::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items.iter().map(ToString::to_string));
        if !checked.is_empty() {
            multi = multi.defaults(checked);
        }
        multi.interact().map_err(prompt_error)
    }

    pub(super) fn confirm(&self, prompt: &str, default: bool) -> Result<bool> {
        Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(default)
            .interact()
            .map_err(prompt_error)
    }
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

/// Makes Ctrl-C end the session through [`cancel`], whether it comes while a
/// prompt reads keys (console then raises SIGINT itself) or between prompts.
/// Without this, SIGINT kills the process and a select prompt leaves the
/// cursor hidden. A handler can only be set once; if one is set already, it
/// stays.
pub(super) fn cancel_on_ctrl_c() {
    let _ = ctrlc::set_handler(|| cancel());
}

/// Shows the cursor again, says "cancelled" on stderr and exits with 130, the
/// shell's code for an interrupt. Ctrl-C at a prompt comes here twice, from
/// the prompt's error and from the signal handler's thread: the first does
/// it, the second waits for the exit.
fn cancel() -> ! {
    static CANCELLING: AtomicBool = AtomicBool::new(false);
    if !CANCELLING.swap(true, Ordering::SeqCst) {
        let _ = Term::stderr().show_cursor();
        let _ = writeln!(std::io::stderr(), "\ncancelled");
        std::process::exit(130);
    }
    loop {
        std::thread::park();
    }
}
