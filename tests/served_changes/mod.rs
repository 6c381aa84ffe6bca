//! Random spec changes served with data (issue 70): the seam between `update` and a
//! running service, which the property test of spec changes (rendered, never built) and the
//! eight hand-written versions of `update_chain` do not cover.
//!
//! From the seeded sample `gen-crate-names` (resources named like the service's crates, jwt,
//! field rules), generated, committed, with a team edit in every resource's generated
//! `handlers.rs` and in every team-owned `src/rules/` file, and served on a SQLite file and
//! on a PostgreSQL database holding a row of every resource: a chain of steps, each a few
//! random changes of kinds drawn so that every kind `specgen::Evolution` makes (fields
//! added, removed, renamed, retyped; rules and validations, widened or made required;
//! defaults; enum values added and removed; filters and sorts; owners given and taken away;
//! one-to-one relations; resources added, removed, renamed, re-pluralised; events; jobs;
//! fields made personal and plain again;
//! soft delete, versioning, timestamps) comes once in every run, each change followed by
//! `backend-gen update` (`--allow-destructive` for a drop, and for an enum value no row
//! holds; a change it refuses, or a cast it says fails the migration on rows it does not
//! fit, is taken back and another of its kind drawn). After each step:
//!
//! - no migration already written changed;
//! - the project builds, its team edits with it;
//! - the service starts on the same SQLite file and the same PostgreSQL database (its own
//!   `migrate` on start-up applies the step's migrations);
//! - every row written before is read back by its id, each key kept (not removed, retyped
//!   or renamed away; a rename is followed) with its value;
//! - every resource takes a new row (its parents the rows before), reads it back and lists.
//!
//! Then the project is formatted, linted and its own tests run once. `BACKEND_GEN_SERVED_STEPS`
//! sets the steps (5 by default, four changes each: every kind at least once; 34 for a
//! chain of about 100 changes, three each), `BACKEND_GEN_SERVED_SEED` the seed the draws start from.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::*;

/// Changes per step: a build and two restarts pay for them all.
const CHANGES_PER_STEP: usize = 3;

/// Every account the chain signs in with is this one, made admin on each database.
const ADMIN_EMAIL: &str = "admin@e2e.example";

/// A row the chain wrote: its resource (spec name, followed through renames), id and the
/// representation the service answered, keys that stop holding their value dropped.
#[derive(Debug, Clone)]
struct Row {
    resource: String,
    id: String,
    keys: serde_json::Map<String, Value>,
}

/// What one change does to the rows already written, read off its description.
enum Effect {
    RenameResource(String, String),
    RemoveResource(String),
    RenameField(String, String, String),
    /// A field removed or retyped: its key no longer holds the value written.
    ForgetField(String, String),
    /// Columns the service keeps itself (timestamps, the version), turned off.
    ForgetFields(String, Vec<&'static str>),
    Nothing,
}

fn effect(what: &str) -> Effect {
    let words: Vec<&str> = what.split_whitespace().collect();
    let split = |path: &str| {
        let (r, f) = path.split_once('.').unwrap_or((path, ""));
        (r.to_owned(), f.to_owned())
    };
    match words.as_slice() {
        ["rename", "resource", from, "to", to, ..] => {
            Effect::RenameResource((*from).to_owned(), (*to).to_owned())
        }
        ["remove", "resource", r, ..] => Effect::RemoveResource((*r).to_owned()),
        ["rename", "field", path, "to", to, ..] => {
            let (r, f) = split(path);
            Effect::RenameField(r, f, (*to).to_owned())
        }
        ["remove", "field", path, ..] | ["change", "type", "of", path, ..] => {
            let (r, f) = split(path);
            Effect::ForgetField(r, f)
        }
        // The columns go, with their values: back on, they start again (a new createdAt).
        [r, "timestamps", "=", "false"] => {
            let r = r.trim_end_matches(':').to_owned();
            Effect::ForgetFields(r, vec!["created_at", "updated_at"])
        }
        [r, "versioned", "=", "false"] => {
            Effect::ForgetFields(r.trim_end_matches(':').to_owned(), vec!["version"])
        }
        // Rows without a value took the backfill.
        [path, "now", "required"] => {
            let (r, f) = split(path.trim_end_matches(':'));
            Effect::ForgetField(r, f)
        }
        _ => Effect::Nothing,
    }
}

fn camel(name: &str) -> String {
    backend_gen::names::Names::new(name, None).camel
}

impl Effect {
    fn apply(&self, rows: &mut Vec<Row>) {
        match self {
            Self::RenameResource(from, to) => {
                for row in rows.iter_mut().filter(|row| row.resource == *from) {
                    row.resource.clone_from(to);
                }
            }
            Self::RemoveResource(r) => rows.retain(|row| row.resource != *r),
            Self::RenameField(r, from, to) => {
                for row in rows.iter_mut().filter(|row| row.resource == *r) {
                    if let Some(value) = row.keys.remove(&camel(from)) {
                        row.keys.insert(camel(to), value);
                    }
                }
            }
            Self::ForgetField(r, f) => {
                for row in rows.iter_mut().filter(|row| row.resource == *r) {
                    row.keys.remove(&camel(f));
                }
            }
            Self::ForgetFields(r, fields) => {
                for row in rows.iter_mut().filter(|row| row.resource == *r) {
                    for f in fields {
                        row.keys.remove(&camel(f));
                    }
                }
            }
            Self::Nothing => {}
        }
    }
}

/// The kinds for `steps` steps: each kind once (in a seeded order), then random ones.
fn planned_kinds(seed: u64, steps: usize) -> Vec<Vec<usize>> {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let kinds = support::specgen::CHANGE_KINDS.len();
    let mut order: Vec<usize> = (0..kinds).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    while order.len() < steps * CHANGES_PER_STEP {
        order.push(rng.random_range(0..kinds));
    }
    order
        .chunks(order.len().div_ceil(steps))
        .map(<[usize]>::to_vec)
        .collect()
}

/// One database the chain serves the project on: the service's settings for it, and the
/// folder it runs in (a SQLite file's home).
struct Database {
    label: &'static str,
    dir: tempfile::TempDir,
    env: Vec<(&'static str, String)>,
    rows: Vec<Row>,
    signed_up: bool,
}

#[test]
fn random_spec_changes_keep_the_service_serving_its_rows() {
    let steps = support_env("BACKEND_GEN_SERVED_STEPS", 5) as usize;
    let seed = support_env("BACKEND_GEN_SERVED_SEED", 0);
    let (name, sample_seed, recipe) = support::specgen::samples()
        .into_iter()
        .find(|(sample, _, _)| *sample == "gen-crate-names")
        .expect("the sample");
    let mut evolution = support::specgen::sample_evolution(sample_seed, recipe);
    let toml = evolution.toml();
    let dir = e2e_root().join("specs");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, &toml).unwrap();
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let project = generate(name, &path);
    rebuilt_after_each_update(&project);
    commit_fresh(&project);
    let mut edits = team_edits(&project);
    let binary = target_dir().join("debug").join(name);

    let common = vec![
        ("RATE_LIMIT_PER_MINUTE", "1000000".to_owned()),
        ("RATE_LIMIT_BURST", "1000000".to_owned()),
        ("LOGIN_RATE_LIMIT_PER_MINUTE", "1000000".to_owned()),
        ("ACCOUNT_RATE_LIMIT_PER_HOUR", "1000000".to_owned()),
        // The same key across restarts; each start signs in again all the same.
        (
            "JWT_SECRET",
            "a served chain's key, at least 32 bytes long".to_owned(),
        ),
    ];
    // Named, whatever the spec's own `database`: a file in the folder the service runs in.
    let mut on_sqlite = common.clone();
    on_sqlite.push((
        "DATABASE_URL",
        "sqlite://data/served.db?mode=rwc".to_owned(),
    ));
    let mut databases = vec![Database {
        label: "SQLite",
        dir: tempfile::tempdir().unwrap(),
        env: on_sqlite,
        rows: Vec::new(),
        signed_up: false,
    }];
    let postgres = postgres_url().map(|server| fresh_database(&server, "served"));
    if let Some(url) = &postgres {
        let mut env = common.clone();
        env.push(("DATABASE_URL", url.clone()));
        databases.push(Database {
            label: "PostgreSQL",
            dir: tempfile::tempdir().unwrap(),
            env,
            rows: Vec::new(),
            signed_up: false,
        });
    }

    cargo(&project, &["build"]);
    let ctx = context(name, &project.join("backend-gen.toml"));
    for db in &mut databases {
        serve_and_check(&binary, &ctx, db, "the first spec");
    }
    let mut story = vec![format!("first spec (seed {sample_seed}):\n{toml}")];
    let mut seen_kinds = std::collections::BTreeSet::new();
    for (step, kinds) in planned_kinds(seed, steps).into_iter().enumerate() {
        let step = step + 1;
        for kind in kinds {
            let written: Vec<&[Row]> = databases.iter().map(|db| db.rows.as_slice()).collect();
            let Some((what, applied)) =
                change_and_update(&project, &mut evolution, kind, &mut edits, &written)
            else {
                eprintln!(
                    "[e2e] served chain: no change of kind `{}` applies to this spec",
                    support::specgen::CHANGE_KINDS[kind]
                );
                continue;
            };
            seen_kinds.insert(support::specgen::CHANGE_KINDS[kind]);
            eprintln!("[e2e] served chain: step {step}: {what}");
            story.push(format!("step {step}: {what}"));
            for db in &mut databases {
                applied.apply(&mut db.rows);
            }
        }
        let told = story.join("\n");
        support::imports::assert_no_cycle(&project);
        for (path, marker) in &edits {
            // Wherever a rename carried it: the build below compiles it.
            let held = walk_contains(&project, marker);
            assert!(
                held,
                "step {step}: the team's edit {marker:?} ({path}) is gone\n{told}"
            );
        }
        cargo(&project, &["build"]);
        let ctx = context(name, &project.join("backend-gen.toml"));
        for db in &mut databases {
            serve_and_check(&binary, &ctx, db, &told);
        }
    }
    let every: std::collections::BTreeSet<&str> =
        support::specgen::CHANGE_KINDS.iter().copied().collect();
    let missing: Vec<&&str> = every.difference(&seen_kinds).collect();
    eprintln!("[e2e] served chain: kinds not applied in this run: {missing:?}");
    assert!(
        missing.len() <= 2 && !missing.contains(&&"rename a field"),
        "too few kinds of change were applied ({missing:?} missing):\n{}",
        story.join("\n")
    );
    // The team's whole loop once, at the end: its tests apply every step's migration to a
    // new database.
    cargo(&project, &["fmt", "--check"]);
    cargo(
        &project,
        &["clippy", "--all-targets", "--", "-D", "warnings"],
    );
    cargo(&project, &["test"]);
    if let Some(url) = postgres {
        drop_database(&url);
    }
}

/// A number from the environment, else `default`.
fn support_env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Whether a row of `resource` that one database holds has `value` at `key`.
fn held(written: &[&[Row]], resource: &str, key: &str, value: &str) -> bool {
    written.iter().flat_map(|rows| rows.iter()).any(|row| {
        row.resource == resource && row.keys.get(key).and_then(Value::as_str) == Some(value)
    })
}

/// Whether two rows of `resource` in one database share a value at `key` (null aside).
fn repeated(written: &[&[Row]], resource: &str, key: &str) -> bool {
    written.iter().any(|rows| {
        let mut seen = std::collections::BTreeSet::new();
        rows.iter()
            .filter(|row| row.resource == resource)
            .filter_map(|row| row.keys.get(key).and_then(Value::as_str))
            .any(|value| !seen.insert(value))
    })
}

/// Applies one change of `kind` and updates the project (`--allow-destructive` for the
/// drops it says lose data, and for an enum value taken away that no row `written` on
/// either database holds); a change `update` refuses is taken back and another of the kind
/// drawn (at most 16). The change's description and what it does to the rows written, or
/// `None` when no change of the kind was accepted.
fn change_and_update(
    project: &Path,
    evolution: &mut support::specgen::Evolution,
    kind: usize,
    edits: &mut Vec<(String, String)>,
    written: &[&[Row]],
) -> Option<(String, Effect)> {
    for _ in 0..16 {
        let before = evolution.clone();
        let change = evolution.change_of(kind)?;
        // A unique index over rows that repeat a value fails the migration, whole: `update`
        // says so beforehand, with the query that finds them (checked here with
        // `--dry-run`), and it is not a change a team makes on rows like these. A field's
        // values are random text, taken to repeat; a one-to-one relation's parents repeat
        // where rows share one (rows whose owner was the one account that signs in).
        let one_to_one_over_repeats = match change.what.split_whitespace().collect::<Vec<_>>()[..] {
            ["relation", path, "one-to-one", "on"] => path
                .trim_end_matches(':')
                .split_once('.')
                .is_some_and(|(r, b)| repeated(written, r, &camel(&format!("{b}_id")))),
            _ => false,
        };
        // A field added to a table of two rows or more: unique, its one default or
        // backfill would be every row's value (`update`'s caution says so too).
        let added_over_rows = match change.what.split_whitespace().collect::<Vec<_>>()[..] {
            ["add", "field", path, ..] => path.split_once('.').is_some_and(|(r, _)| {
                written
                    .iter()
                    .any(|rows| rows.iter().filter(|row| row.resource == r).count() > 1)
            }),
            _ => false,
        };
        if change.what.ends_with(": unique on") || one_to_one_over_repeats || added_over_rows {
            let spec = project.join("backend-gen.toml");
            let kept = std::fs::read_to_string(&spec).unwrap();
            std::fs::write(&spec, evolution.toml()).unwrap();
            let mut dry = Command::new(env!("CARGO_BIN_EXE_backend-gen"));
            dry.args(["update", "--dry-run", "--allow-destructive"])
                .arg(project);
            for b in &change.backfill {
                dry.args(["--backfill", b]);
            }
            let dry = dry.output().unwrap();
            std::fs::write(&spec, kept).unwrap();
            let said = pytools::text(&dry);
            let cautioned = said.contains("share a value the migration fails")
                && said.contains("HAVING COUNT(*) > 1");
            assert!(
                cautioned || added_over_rows,
                "`{}`: update does not warn of the rows that share a value:\n{said}",
                change.what
            );
            if cautioned {
                eprintln!("[e2e] served chain: not on these rows: {}", change.what);
                *evolution = before;
                // Rendering draws from the generator too: without it the same change comes
                // again.
                let _ = evolution.toml();
                continue;
            }
        }
        let toml = evolution.toml();
        std::fs::write(project.join("backend-gen.toml"), &toml).unwrap();
        let migrations = migration_files(project);
        let update = |destructive: bool| {
            let mut update = Command::new(env!("CARGO_BIN_EXE_backend-gen"));
            update.arg("update").arg(project);
            if destructive {
                update.arg("--allow-destructive");
            }
            for b in &change.backfill {
                update.args(["--backfill", b]);
            }
            update.output().unwrap()
        };
        let mut output = update(false);
        let mut said = pytools::text(&output);
        // A change that loses data: a drop is taken with --allow-destructive; a cast that
        // fails the migration on rows it does not fit (which `update` says, and which the
        // migration then does, whole) is not one a team makes on rows like these.
        if output.status.code() == Some(2) && said.contains("loses data") {
            // Only what takes something away may: a rename or a new plural keeps every row.
            let takes_away = ["remove ", "change type "]
                .iter()
                .any(|w| change.what.starts_with(w))
                || matches!(
                    effect(&change.what),
                    Effect::Nothing | Effect::ForgetFields(..)
                ) && change.what.contains(": ");
            assert!(
                takes_away && !change.what.contains("plural"),
                "`{}` loses data:\n{said}",
                change.what
            );
            // `remove value V from R.F`: the migration fails only where a row holds V.
            let unheld_value = match change.what.split_whitespace().collect::<Vec<_>>()[..] {
                ["remove", "value", value, "from", path] => path
                    .split_once('.')
                    .is_some_and(|(r, f)| !held(written, r, &camel(f), value)),
                _ => false,
            };
            assert!(
                !change.what.starts_with("remove value ") || said.contains("is no longer allowed"),
                "`{}`: update does not warn of the rows holding the value:\n{said}",
                change.what
            );
            if said.contains("make the migration fail") && !unheld_value {
                eprintln!(
                    "[e2e] served chain: not on these rows: {}\n{said}",
                    change.what
                );
                *evolution = before;
                std::fs::write(project.join("backend-gen.toml"), evolution.toml()).unwrap();
                continue;
            }
            output = update(true);
            said = pytools::text(&output);
        }
        // A removed resource's files that the team edited: the update stops, naming them;
        // the team lets them go (their edits were for that resource) and updates again.
        let outside = outside_the_build(&said);
        if output.status.code() == Some(1) && !outside.is_empty() {
            for file in &outside {
                let path = project.join(file);
                // The edits in it go with it (a rename may have carried them there).
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                edits.retain(|(_, marker)| !text.contains(marker.as_str()));
                std::fs::remove_file(path).unwrap();
            }
            output = update(true);
            said = pytools::text(&output);
        }
        for (path, text) in &migrations {
            assert_eq!(
                std::fs::read_to_string(path).ok().as_deref(),
                Some(text.as_str()),
                "{} changed after `{}`:\n{said}",
                path.display(),
                change.what
            );
        }
        match output.status.code() {
            Some(0) => return Some((change.what.clone(), effect(&change.what))),
            Some(2) => {
                eprintln!("[e2e] served chain: refused: {}\n{said}", change.what);
                *evolution = before;
                std::fs::write(project.join("backend-gen.toml"), evolution.toml()).unwrap();
            }
            _ => panic!(
                "update for {} failed:\n{said}\n----- spec -----\n{toml}",
                change.what
            ),
        }
    }
    None
}

/// The files an update that stopped names as outside the build.
fn outside_the_build(said: &str) -> Vec<String> {
    said.lines()
        .filter_map(|line| {
            line.trim()
                .strip_prefix("- ")?
                .split_once(": no `mod` declares it")
        })
        .map(|(path, _)| path.to_owned())
        .collect()
}

/// Every migration file of the project with its text.
fn migration_files(project: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    for dialect in ["sqlite", "postgres"] {
        let dir = project.join("migrations").join(dialect);
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.insert(path, text);
            }
        }
    }
    out
}

/// A comment line at the end of every resource's `handlers.rs` and every team-owned rules
/// file, committed as a team's: `(path, marker)`.
fn team_edits(project: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(project.join("src/resources"))
        .unwrap()
        .flatten()
    {
        if entry.path().join("handlers.rs").exists() {
            let module = entry.file_name().to_string_lossy().into_owned();
            files.push(format!("src/resources/{module}/handlers.rs"));
        }
    }
    for entry in std::fs::read_dir(project.join("src/rules"))
        .unwrap()
        .flatten()
    {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.ends_with(".rs") && file != "mod.rs" {
            files.push(format!("src/rules/{file}"));
        }
    }
    files.sort();
    let mut edits = Vec::new();
    for (n, file) in files.into_iter().enumerate() {
        let marker = format!("// The team's edit {n}, kept through every update.");
        let path = project.join(&file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}{marker}\n")).unwrap();
        edits.push((file, marker));
    }
    commit_all(project, "the team's edits");
    edits
}

fn commit_all(project: &Path, message: &str) {
    let mut git = Command::new("git");
    git.args(["-c", "user.name=e2e", "-c", "user.email=e2e@example.com"])
        .args(["-c", "commit.gpgsign=false", "commit", "-qam", message])
        .current_dir(project);
    succeed(&mut git, "git commit");
}

/// Whether a file under `src/` holds `marker`.
fn walk_contains(project: &Path, marker: &str) -> bool {
    let mut stack = vec![project.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read_to_string(&path).is_ok_and(|t| t.contains(marker)) {
                return true;
            }
        }
    }
    false
}

/// Starts the service on `db`, signs in as its admin, reads back every row written before
/// and writes, reads and lists a new row of every resource it can; then stops it.
fn serve_and_check(binary: &Path, ctx: &ServiceContext, db: &mut Database, told: &str) {
    let port = free_port();
    // Other services a field refers to: a stand-in that answers 200 to every question.
    let others = (!ctx.remote_services.is_empty()).then(otlp::Receiver::start);
    let mut env = db.env.clone();
    if let Some(others) = &others {
        for other in &ctx.remote_services {
            env.push((leak(other.variable.clone()), others.endpoint.clone()));
        }
    }
    let server = start(binary, db.dir.path(), port, &env);
    let api = format!("http://127.0.0.1:{port}{}", ctx.api_prefix);
    let token = ctx.auth.as_ref().map(|auth| {
        if !db.signed_up {
            db.signed_up = true;
            let mut grant = Command::new(binary);
            grant.current_dir(db.dir.path());
            for (name, value) in &db.env {
                grant.env(name, value);
            }
            let token = admin_token(&api, &api, grant, ctx);
            return acting_in_a_tenant(&format!("http://127.0.0.1:{port}"), ctx, token, db.label);
        }
        let credentials = json!({"email": ADMIN_EMAIL, "password": auth.sample_password});
        let (status, pair, _) = call(
            "POST",
            &format!("{api}/auth/login"),
            None,
            Some(credentials),
        );
        assert_eq!(
            status, 200,
            "{}: the admin signs in again: {pair}\n{told}",
            db.label
        );
        pair["accessToken"].as_str().unwrap().to_owned()
    });
    let token = token.as_deref();
    let route = |resource: &str| {
        ctx.resources
            .iter()
            .find(|r| r.names.snake == resource)
            .map(|r| format!("http://127.0.0.1:{port}{}", r.url))
    };
    // Every row written before, with every value it kept; a key it did not have (a field
    // added since, filled by the migration's default or backfill) is what the row holds
    // from now on.
    for row in &mut db.rows {
        let url = route(&row.resource).unwrap_or_else(|| {
            panic!(
                "{}: no resource {} for a row kept\n{told}",
                db.label, row.resource
            )
        });
        let (status, now, _) = call("GET", &format!("{url}/{}", row.id), token, None);
        assert_eq!(
            status, 200,
            "{}: {} {} is gone: {now}\n{told}",
            db.label, row.resource, row.id
        );
        for (key, value) in &row.keys {
            if let Some(current) = now.get(key) {
                assert_eq!(
                    current, value,
                    "{}: {}.{key} of {} changed\n{told}",
                    db.label, row.resource, row.id
                );
            }
        }
        if let Some(now) = now.as_object() {
            for (key, value) in now {
                row.keys.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    // A new row of every resource, parents first, each child under a parent made in this
    // round (a one-to-one parent takes one child); accounts are the ones signed up.
    let mut made: BTreeMap<String, String> = BTreeMap::new();
    let accounts: Vec<&str> = ctx
        .resources
        .iter()
        .filter(|r| r.account)
        .map(|r| r.names.snake.as_str())
        .collect();
    for row in db
        .rows
        .iter()
        .filter(|row| accounts.contains(&row.resource.as_str()))
    {
        made.insert(row.resource.clone(), row.id.clone());
    }
    let mut pending: Vec<&ResourceContext> = ctx.resources.iter().filter(|r| !r.account).collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|r| {
            if new_row_body(r, &made, 0).is_none() {
                return true;
            }
            let url = route(&r.names.snake).unwrap();
            let first = db.rows.len();
            let existing: Vec<&Row> = db
                .rows
                .iter()
                .filter(|row| row.resource == r.names.snake)
                .collect();
            let Some(row) = create(
                &url,
                token,
                |n| new_row_body(r, &made, first + n),
                &existing,
                (db.label, told),
            ) else {
                eprintln!(
                    "[e2e] served chain: {}: every sample of {}'s unique fields is a row's already",
                    db.label, r.names.snake
                );
                // Its children go under its last row.
                if let Some(last) = db
                    .rows
                    .iter()
                    .rev()
                    .find(|row| row.resource == r.names.snake)
                {
                    made.insert(r.names.snake.clone(), last.id.clone());
                }
                return false;
            };
            let (status, read, _) = call("GET", &format!("{url}/{}", row.id), token, None);
            assert_eq!(
                status, 200,
                "{}: a new {} reads back: {read}\n{told}",
                db.label, r.names.snake
            );
            let (status, list, _) = call("GET", &url, token, None);
            assert_eq!(
                status, 200,
                "{}: {} lists: {list}\n{told}",
                db.label, r.names.snake
            );
            made.insert(r.names.snake.clone(), row.id.clone());
            db.rows.push(Row {
                resource: r.names.snake.clone(),
                ..row
            });
            false
        });
        assert!(
            pending.len() < before,
            "{}: no parent row for {:?}\n{told}",
            db.label,
            pending.iter().map(|r| &r.names.snake).collect::<Vec<_>>()
        );
    }
    drop(server);
}

/// Under `[tenancy]`, the admin's first token acts in no tenant: it opens one (it becomes
/// its admin) and switches to it, so that its writes of per-tenant rows have a tenant; its
/// later sign-ins act in it, the first tenant it joined. Without tenancy, `token` as it is.
fn acting_in_a_tenant(base: &str, ctx: &ServiceContext, token: String, label: &str) -> String {
    let Some(tenant) = ctx.resources.iter().find(|r| r.tenant) else {
        return token;
    };
    let body = new_row_body(tenant, &BTreeMap::new(), 0).expect("a tenant needs no parent");
    let url = format!("{base}{}", tenant.url);
    let (status, made, _) = call("POST", &url, Some(&token), Some(body));
    assert_eq!(status, 201, "{label}: the admin opens a tenant: {made}");
    let id = made["id"].as_str().expect("the tenant's id");
    let switch = format!("{base}{}/auth/tenants/{id}/switch", ctx.api_prefix);
    let (status, pair, _) = call("POST", &switch, Some(&token), None);
    assert_eq!(status, 200, "{label}: the admin acts in its tenant: {pair}");
    pair["accessToken"].as_str().unwrap().to_owned()
}

/// A create body for `r`: its required fields from the samples (the `n`th onwards, as
/// unique fields need), its parents the rows `made`; `None` while a required parent has none.
fn new_row_body(r: &ResourceContext, made: &BTreeMap<String, String>, n: usize) -> Option<Value> {
    let mut body: Value = serde_json::from_str(&create_body(r, n)).unwrap();
    for b in r.belongs_to.iter().filter(|b| !b.owner && !b.remote) {
        match made.get(&b.target.snake) {
            Some(id) => body[&b.json] = json!(id),
            None if b.required => return None,
            None => {}
        }
    }
    Some(body)
}

/// Creates a row at `url` from `body(0)`, trying later samples while a unique value is
/// taken (409); `None` when the samples ran out: every 409 named only keys whose values in
/// the body a row of `existing` holds (the refusal was right).
fn create(
    url: &str,
    token: Option<&str>,
    body: impl Fn(usize) -> Option<Value>,
    existing: &[&Row],
    (label, told): (&str, &str),
) -> Option<Row> {
    let mut all_taken = true;
    for n in 0..12 {
        let body = body(n).expect("a body");
        let (status, row, _) = call("POST", url, token, Some(body.clone()));
        if status == 409 {
            let held = |key: &str| {
                existing
                    .iter()
                    .any(|row| row.keys.get(key).is_some_and(|v| Some(v) == body.get(key)))
            };
            all_taken &= row["error"]["details"].as_array().is_some_and(|details| {
                !details.is_empty()
                    && details
                        .iter()
                        .all(|d| d["field"].as_str().is_some_and(held))
            });
            continue;
        }
        assert_eq!(status, 201, "{label}: POST {url} {body}: {row}\n{told}");
        return Some(Row {
            resource: String::new(),
            id: row["id"].as_str().unwrap().to_owned(),
            keys: row.as_object().cloned().unwrap_or_default(),
        });
    }
    assert!(
        all_taken,
        "{label}: POST {url}: a 409 for values no row holds\n{told}"
    );
    None
}
