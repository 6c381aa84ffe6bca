//! backend-gen: a TOML domain spec in, a complete Rust backend out.
//!
//! The pipeline is one-way: spec text → typed `Spec` (every error reported
//! at once) → template context (every name pre-cased) → in-memory file set
//! → staged write. Nothing touches the disk until the whole service has
//! rendered.

pub mod add;
pub mod carry;
pub mod cast;
pub mod check;
pub mod ci_actions;
pub mod cli;
pub mod console;
pub mod context;
pub mod decimal_pattern;
pub mod diagnostics;
pub mod dialect;
pub mod error;
pub mod format;
pub mod interactive;
pub mod layout;
pub mod lock_file;
pub mod migrate;
pub mod module_tree;
pub mod names;
pub mod openapi;
pub mod output;
pub mod pattern;
pub mod render;
pub mod routes;
pub mod rules_upgrade;
pub mod samples;
pub mod schema;
pub mod spec;
pub mod sql;
pub mod templates;
pub mod update;

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::{Cli, Command, NewArgs};
use crate::error::{Error, Result};
use crate::spec::{AuthMode, Database, Spec};

/// The example spec `init` writes: every option, commented.
pub const EXAMPLE_SPEC: &str = include_str!("../templates/spec/backend-gen.toml");

/// Runs the command line and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0), usage errors to stderr (exit 2).
            let _ = e.print();
            return e.exit_code();
        }
    };
    console::set_verbosity(cli.verbosity());
    match try_run(cli) {
        Ok(()) => 0,
        Err(e) => {
            match e {
                // A spec report labels each of its problems itself.
                Error::InvalidSpec(_) => console::error(&e),
                _ => console::error(format_args!("error: {e}")),
            }
            e.exit_code()
        }
    }
}

fn try_run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::New(args) => new(args),
        Command::Init { file, force } => init(&file, force),
        Command::Check { file } => {
            let (spec, _) = console::timed("read and validate the spec", || load_spec(&file))?;
            print!("{}", check::summary(&spec));
            check_project_of(&file)
        }
        Command::Update(args) => update::update(&args),
        Command::Add(args) => add::run(&args),
        Command::Templates(command) => templates::run(&command),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "backend-gen",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    }
}

/// Inside a generated project (the spec's folder has `.backend-gen/`), `check` also
/// refuses Rust files no module declares, as `update` does.
fn check_project_of(spec_file: &Path) -> Result<()> {
    let dir = spec_file.parent().unwrap_or(Path::new("."));
    if !dir.join(update::STATE_DIR).is_dir() {
        return Ok(());
    }
    let outside = module_tree::orphans(&module_tree::read_project(dir)?);
    if outside.is_empty() {
        return Ok(());
    }
    Err(Error::OutsideTheBuild(format!(
        "{} in the project {} not compiled:\n{}",
        console::count(outside.len(), "Rust file", "Rust files"),
        if outside.len() == 1 { "is" } else { "are" },
        module_tree::advice(&outside)
    )))
}

/// Reads and validates a spec file; returns it with its source text.
pub fn load_spec(path: &Path) -> Result<(Spec, String)> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Usage(format!("cannot read the spec {}: {e}", path.display())))?;
    let source = String::from_utf8(bytes).map_err(|e| not_utf8(path, &e))?;
    let spec = spec::parse(&path.display().to_string(), &source).map_err(Error::InvalidSpec)?;
    Ok((spec, source))
}

fn new(args: NewArgs) -> Result<()> {
    spec::check_crate_name(&args.name)
        .map_err(|why| Error::Usage(format!("{why}: {:?}", args.name)))?;
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    // Refuse an occupied target now, not after a whole interactive session; a generated
    // project even to a dry run, which would show a generation `new` refuses to write.
    if args.dry_run {
        output::refuse_a_generated_project(&target)?;
    } else {
        output::check_target(&target, args.force)?;
    }
    let (spec, source) = match &args.spec {
        Some(path) => console::timed("read and validate the spec", || load_spec(path))?,
        // `--yes` asks nothing, so it needs no terminal.
        None if args.yes || (std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) => {
            // None: the user saved the spec and quit, and was told where.
            let Some(source) = interactive::session(&args.name, args.yes, args.output.as_deref())?
            else {
                return Ok(());
            };
            let spec = spec::parse(render::SPEC_FILE, &source).map_err(Error::InvalidSpec)?;
            (spec, source)
        }
        None => {
            return Err(Error::Usage(
                "no terminal to ask questions on: pass the spec with --spec FILE (see `backend-gen init` for an example), or --yes to take every default".into(),
            ));
        }
    };
    let overrides = templates::Overrides::load(
        &args
            .templates
            .clone()
            .unwrap_or_else(|| target.join(templates::DIR)),
    )?;
    if args.dry_run {
        let files = render_project_with(&args.name, &spec, &source, &overrides)?;
        print!("{}", files.tree());
        println!(
            "{} (dry run: nothing written)",
            console::count(files.len(), "file", "files")
        );
        return Ok(());
    }
    let mut files = generate(&args.name, &spec, &source, &overrides)?;
    update::remember(&mut files, &args.name, &spec, &source);
    let bar = output::progress_bar();
    let summary = console::timed("write the project", || {
        files.write(&target, args.force, &bar)
    })?;
    bar.finish_and_clear();
    let mut said = format!(
        "Generated {} in {} ({} written)\n",
        args.name,
        target.display(),
        console::count(summary.written, "file", "files")
    );
    for kept in &summary.kept {
        let _ = writeln!(said, "  kept your {kept}");
    }
    said.push_str(&next_steps(&args.name, &spec, &target));
    console::status(&said);
    Ok(())
}

/// What to do after `new`, for this spec: where the data lives (PostgreSQL
/// needs a server), and with jwt how the first admin is made and which
/// secrets production needs.
fn next_steps(name: &str, spec: &Spec, target: &Path) -> String {
    // Comments line up after the longest command, `cargo run`'s.
    const MORE: &str = "                     #";
    let lib_name = name.replace('-', "_");
    let mut out = format!("\nNext:\n{}", cd_into(target));
    let _ = match spec.project.database {
        Database::Sqlite => writeln!(
            out,
            "  cargo run          # serves on http://127.0.0.1:8080, data in data/{lib_name}.db\n  \
             cargo test         # its own tests, each on a fresh SQLite file"
        ),
        Database::Postgres => writeln!(
            out,
            "  cargo run          # serves on http://127.0.0.1:8080; needs a PostgreSQL server at\n\
             {MORE} {} (or set DATABASE_URL)\n  \
             cargo test         # its own tests, on SQLite; TEST_DATABASE_URL=postgres://...\n\
             {MORE} runs them on that PostgreSQL server",
            context::default_database_url(spec.project.database, &lib_name)
        ),
    };
    let mut secrets = "CURSOR_SECRET";
    if spec.auth.mode == AuthMode::Jwt {
        let _ = writeln!(
            out,
            "  # sign up (POST {}/auth/register), then make that account the first admin:\n  \
             cargo run -- grant-role you@example.com {}",
            spec.project.api_prefix, spec.auth.admin_role
        );
        secrets = "CURSOR_SECRET and JWT_SECRET (at least 32 random bytes)";
    }
    let _ = writeln!(
        out,
        "\nIn production (APP_ENV=production) set {secrets};\n.env.example lists every setting."
    );
    out
}

/// The `cd` line of next steps into a project at `dir` (as the user named it, so relative
/// to where they are); none for the folder they are in.
pub(crate) fn cd_into(dir: &Path) -> String {
    let here = dir.as_os_str().is_empty()
        || dir == Path::new(".")
        || std::env::current_dir()
            .ok()
            .zip(std::fs::canonicalize(dir).ok())
            .is_some_and(|(cwd, dir)| cwd == dir);
    if here {
        String::new()
    } else {
        format!("  cd {}\n", console::shell_quote(&dir.to_string_lossy()))
    }
}

/// Where a spec stops being UTF-8, as `file:line:column` like every other spec error.
fn not_utf8(path: &Path, e: &std::string::FromUtf8Error) -> Error {
    let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
    let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    // Columns count characters, and everything before the bad byte is valid UTF-8.
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count()
        + 1;
    let byte = e.as_bytes()[valid.len()];
    Error::Usage(format!(
        "{}:{line}:{column}: the spec is not UTF-8 text (found the byte 0x{byte:02x}); save it as UTF-8",
        path.display()
    ))
}

/// Renders the project for `spec` in memory, laid out by the templates alone.
pub fn render_project(name: &str, spec: &Spec, source: &str) -> Result<output::FileSet> {
    render_project_with(name, spec, source, &templates::Overrides::default())
}

/// The same, with the team's template overrides.
pub fn render_project_with(
    name: &str,
    spec: &Spec,
    source: &str,
    overrides: &templates::Overrides,
) -> Result<output::FileSet> {
    let ctx = context::ServiceContext::new(name, spec, source);
    render::render_service(&ctx, overrides)
}

/// Renders the project and formats its Rust with rustfmt when it is installed; says
/// which template overrides it used.
pub fn generate(
    name: &str,
    spec: &Spec,
    source: &str,
    overrides: &templates::Overrides,
) -> Result<output::FileSet> {
    for note in overrides.notes() {
        console::note(note);
    }
    let mut files = console::timed("render the templates", || {
        render_project_with(name, spec, source, overrides)
    })?;
    let layout = console::timed("format the Rust with rustfmt", || {
        format::format_rust(&mut files)
    })?;
    if let format::Layout::HandLayout { why } = layout {
        console::note(format_args!(
            "note: rustfmt could not be run ({why}); the generated Rust keeps backend-gen's own layout. \
             Install it (`rustup component add rustfmt`) and run `cargo fmt` in the project."
        ));
    }
    Ok(files)
}

fn init(file: &Path, force: bool) -> Result<()> {
    if file.exists() && !force {
        return Err(Error::Usage(format!(
            "{} exists; pass --force to overwrite it",
            file.display()
        )));
    }
    std::fs::write(file, EXAMPLE_SPEC).map_err(|e| Error::io(file, e))?;
    console::detail(format_args!("wrote {}", file.display()));
    let quoted = console::shell_quote(&file.to_string_lossy());
    console::status(&format!(
        "Wrote {}: every option, commented.\n\nNext, once you have edited it:\n{}",
        file.display(),
        console::commands(&[
            (
                format!("backend-gen check {quoted}"),
                "validate it and list the routes",
            ),
            (
                format!("backend-gen new library --spec {quoted}"),
                "generate the service into ./library",
            ),
        ])
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::EXAMPLE_SPEC;

    /// Whether a line of the example, commented or not, sets `key`: `key =` at its start
    /// or inside an inline table, or `key` as a table header's part (`[resources.x.fields]`).
    fn shows_key(key: &str) -> bool {
        let set = regex::Regex::new(&format!(
            r"(^|[{{,\[.]\s*){}\s*(=|\]|\.)",
            regex::escape(key)
        ))
        .expect("a valid pattern");
        EXAMPLE_SPEC
            .lines()
            .map(|line| line.trim_start_matches('#').trim_start())
            .any(|line| set.is_match(line))
    }

    #[test]
    fn init_example_shows_every_key_the_spec_accepts() {
        let missing: Vec<String> = crate::spec::ACCEPTED_KEYS
            .iter()
            .flat_map(|(table, keys)| {
                keys.iter()
                    .filter(|key| !shows_key(key))
                    .map(move |key| format!("{table}: {key}"))
            })
            .collect();
        assert!(
            missing.is_empty(),
            "templates/spec/backend-gen.toml lacks {missing:?}"
        );
    }

    #[test]
    fn init_example_names_every_rule_word() {
        let missing: Vec<&&str> = crate::spec::RULE_WORDS
            .iter()
            .filter(|word| !EXAMPLE_SPEC.contains(&format!("\"{word}\"")))
            .collect();
        assert!(missing.is_empty(), "the example lacks {missing:?}");
    }

    #[test]
    fn a_key_only_in_prose_is_not_shown() {
        // `fields` is named in prose and as a header; a made-up key is neither.
        assert!(shows_key("fields"));
        assert!(shows_key("when"));
        assert!(!shows_key("no_such_key"));
        assert!(!shows_key("resource_x"));
    }
}
