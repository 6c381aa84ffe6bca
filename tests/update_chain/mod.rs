//! `backend-gen update` through eight versions of one spec (`tests/specs/update/`),
//! which together add and drop resources, fields, a belongs-to and a many-to-many,
//! rename a field, turn unique, versioning, soft delete and timestamps on and off,
//! and change columns in place: a type, a length limit, required to optional and
//! back (with `--backfill`), enum values added and removed, an `on_delete`, a
//! plural, a resource renamed (its table and its child's foreign key keep their
//! rows), a foreign key dropped (a table rebuild in SQLite), soft delete off. At
//! each step, on SQLite and on PostgreSQL: the migrations already
//! written stay as they were; the database migrated step by step has the schema
//! of a new project of that version (normalised introspection: columns, types,
//! nullability, defaults, indexes, foreign keys, CHECKs); the rows written at
//! version 1 keep their values; the step's `.down.sql` gives back the schema of
//! the version before; and the project passes its own tests (on SQLite; at the
//! last step also on PostgreSQL, with fmt and clippy). Then the service's own
//! `migrate` and `rollback N` undo and redo steps, and a migration that cannot
//! apply (a unique index over duplicates, an enum value still in use) fails whole.

use std::collections::BTreeMap;

use super::*;

mod tenant_schema;

/// SQLite through Python's standard library: apply migration files, run a query,
/// or print the normalised schema (`pytools::SQLITE_SCHEMA`).
const SQLITE: &str = r#"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# A test database: nothing is waited for on disk (each commit's sync took most of a step).
db.execute("PRAGMA synchronous = OFF")
db.execute("PRAGMA journal_mode = MEMORY")
mode = sys.argv[2]
if mode == "apply":
    for path in sys.argv[3:]:
        db.executescript(open(path).read())
    db.commit()
elif mode == "query":
    for row in db.execute(sys.argv[3]):
        print("|".join("" if v is None else str(v) for v in row))
else:
    print(schema(db))
"#;

/// PostgreSQL's view of the same, with constraints by definition (PostgreSQL names a
/// column's CHECK after the column, and keeps that name through a rename).
const POSTGRES_SCHEMA: &str = "\
    SELECT 'column', table_name::text, column_name::text, data_type::text, \
           coalesce(character_maximum_length::text, ''), is_nullable::text, \
           coalesce(column_default::text, '') || coalesce(generation_expression::text, '') \
    FROM information_schema.columns WHERE table_schema = 'public' \
    UNION ALL SELECT 'index', tablename::text, indexname::text, indexdef, '', '', '' \
    FROM pg_indexes WHERE schemaname = 'public' \
    UNION ALL SELECT 'constraint', conrelid::regclass::text, contype::text, \
           pg_get_constraintdef(oid), '', '', '' \
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace \
    ORDER BY 1, 2, 3, 4";

const TS: &str = "'2026-01-01T00:00:00Z'";

/// Rows written at version 1, by dialect: an author, a note and a tag.
fn version_1_rows(sqlite: bool) -> String {
    let id = |n: u8| id(sqlite, n);
    format!(
        "INSERT INTO authors (id, name, created_at, updated_at) VALUES ({}, 'Ada', {TS}, {TS});\n\
         INSERT INTO notes (id, title, body, created_at, updated_at) VALUES ({}, 'First note', 'Hello', {TS}, {TS});\n\
         INSERT INTO tags (id, label, created_at, updated_at) VALUES ({}, 'home', {TS}, {TS});\n",
        id(1),
        id(2),
        id(3)
    )
}

/// The last version.
const VERSIONS: usize = 8;

/// What each version's `update` is told besides the spec.
fn update_args(version: usize) -> &'static [&'static str] {
    match version {
        6 => &[
            "--backfill",
            "author.bio=unknown",
            "--backfill",
            "note.words=12",
        ],
        _ => &[],
    }
}

/// After each version: a query, and what the version 1 rows must answer.
const KEPT: [(&str, &str); VERSIONS - 1] = [
    (
        "SELECT title, priority, mood, version FROM notes",
        "First note|0|calm|1",
    ),
    (
        "SELECT headline, priority, mood, version FROM notes",
        "First note|0|calm|1",
    ),
    (
        "SELECT headline, priority, mood, version FROM notes WHERE deleted_at IS NULL",
        "First note|0|calm|1",
    ),
    (
        "SELECT n.headline, n.mood, a.name, t.label FROM notes n, authors a, tags t",
        "First note|calm|Ada|home",
    ),
    (
        "SELECT n.headline, n.priority, n.mood, n.words, a.bio, t.label, \
         (SELECT COUNT(*) FROM authors WHERE created_at IS NOT NULL) \
         FROM notes n, authors a, tags t",
        "First note|0|calm|12|unknown|home|1",
    ),
    (
        "SELECT n.headline, n.mood, n.words, w.name, w.bio, l.label \
         FROM notes n JOIN writers w ON w.id = n.writer_id, labels l",
        "First note|calm|12|Ada|unknown|home",
    ),
    (
        "SELECT n.headline, n.mood, w.name FROM notes n, scribes w",
        "First note|calm|Ada",
    ),
];

/// The files of a resource a team edits, by its module: handlers, repository, business
/// rules (the team's own) and tests.
const RESOURCE_FILES: [&str; 4] = [
    "src/resources/{}/handlers.rs",
    "src/resources/{}/repo.rs",
    "src/rules/{}.rs",
    "tests/api/{}.rs",
];

/// Before each version, the modules whose files get a team edit, where their files
/// must be after the update, and the versions whose edits they then hold: version 7
/// renames `author` to `writer` and gives `tag` the plural `labels`; version 8 renames
/// `writer` to `scribe`.
type Move = (&'static str, &'static str, &'static [usize]);
fn moves(version: usize) -> &'static [Move] {
    match version {
        7 => &[("authors", "writers", &[7]), ("tags", "labels", &[7])],
        8 => &[("writers", "scribes", &[7, 8])],
        _ => &[],
    }
}

/// A team's edit in each file of `module`, one line the test finds again.
fn edit_resource(project: &Path, module: &str, version: usize) {
    for file in RESOURCE_FILES {
        let path = project.join(file.replace("{}", module));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            format!("{text}// The team's edit before version {version}.\n"),
        )
        .unwrap();
    }
}

/// The team's edits made before `versions` are in the files of `module`, which the
/// build compiles, and the files of `from` are gone.
fn assert_edits_carried(project: &Path, (from, module, versions): Move, version: usize) {
    for file in RESOURCE_FILES {
        let path = file.replace("{}", module);
        let text = std::fs::read_to_string(project.join(&path)).unwrap();
        for before in versions {
            assert!(
                text.contains(&format!("// The team's edit before version {before}.")),
                "version {version}: {path} lacks the team's edit made before version {before}:\n{text}"
            );
        }
        assert!(
            !project.join(file.replace("{}", from)).exists(),
            "{from} is gone"
        );
    }
    let tree = backend_gen::module_tree::read_project(project).unwrap();
    assert_eq!(
        backend_gen::module_tree::orphans(&tree),
        Vec::<String>::new(),
        "version {version}: files outside the build"
    );
}

fn python(args: &[&str]) -> String {
    let mut command = Command::new("python3");
    command
        .arg("-c")
        .arg(format!("{}{SQLITE}", pytools::SQLITE_SCHEMA))
        .args(args);
    let output = command.output().expect("python3 runs");
    assert!(
        output.status.success(),
        "sqlite {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn psql(url: &str, args: &[&str]) -> String {
    let output = Command::new("psql")
        // A test database: a commit does not wait for its write-ahead log on disk.
        .env("PGOPTIONS", "-c synchronous_commit=off")
        .arg(url)
        .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
        .args(args)
        .output()
        .expect("psql runs");
    assert!(
        output.status.success(),
        "psql {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// One database, in one dialect, that the steps migrate.
enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Database {
    fn create(&self) {
        match self {
            Database::Sqlite(path) => {
                let _ = std::fs::remove_file(path);
            }
            Database::Postgres(url) => {
                let (server, name) = url.rsplit_once('/').unwrap();
                psql(
                    &format!("{server}/postgres"),
                    &["-c", &format!("CREATE DATABASE {name}")],
                );
            }
        }
    }

    fn dialect(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres(_) => "postgres",
        }
    }

    /// Applies migration files in order, each in one transaction (as sqlx does).
    fn apply(&self, files: &[PathBuf]) {
        for file in files {
            match self {
                Database::Sqlite(path) => {
                    python(&[path.to_str().unwrap(), "apply", file.to_str().unwrap()]);
                }
                Database::Postgres(url) => {
                    psql(url, &["-1", "-f", file.to_str().unwrap()]);
                }
            }
        }
    }

    fn run(&self, sql: &str) -> String {
        match self {
            Database::Sqlite(path) => python(&[path.to_str().unwrap(), "query", sql]),
            Database::Postgres(url) => psql(url, &["-c", sql]),
        }
    }

    fn execute(&self, sql: &str) {
        match self {
            Database::Sqlite(path) => {
                let file = path.with_extension("sql");
                std::fs::write(&file, sql).unwrap();
                self.apply(&[file]);
            }
            Database::Postgres(url) => {
                psql(url, &["-c", sql]);
            }
        }
    }

    /// `DATABASE_URL` for the service.
    fn url(&self) -> String {
        match self {
            Database::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
            Database::Postgres(url) => url.clone(),
        }
    }

    fn schema(&self) -> String {
        match self {
            Database::Sqlite(path) => python(&[path.to_str().unwrap(), "schema"]),
            Database::Postgres(url) => psql(url, &["-c", POSTGRES_SCHEMA]),
        }
    }

    fn drop(&self) {
        match self {
            Database::Sqlite(path) => {
                let _ = std::fs::remove_file(path);
            }
            Database::Postgres(url) => drop_database(url),
        }
    }
}

/// A project's migration files in one dialect, in order: ups and downs.
fn migrations(project: &Path, dialect: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(project.join("migrations").join(dialect))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The migrations that build a schema, in order (every file but the `.down.sql`).
fn ups(project: &Path, dialect: &str) -> Vec<PathBuf> {
    migrations(project, dialect)
        .into_iter()
        .filter(|f| !f.to_string_lossy().ends_with(".down.sql"))
        .collect()
}

fn contents(files: &[PathBuf]) -> BTreeMap<PathBuf, String> {
    files
        .iter()
        .map(|f| (f.clone(), std::fs::read_to_string(f).unwrap()))
        .collect()
}

#[test]
fn a_project_follows_eight_versions_of_its_spec_on_both_databases() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let spec = |version: usize| spec_path(&format!("update/{version}"));
    let project = generate("journal", &spec(1));
    rebuilt_after_each_update(&project);
    let root = e2e_root();
    let mut databases = vec![(
        Database::Sqlite(root.join("journal-steps.db")),
        Database::Sqlite(root.join("journal-new.db")),
    )];
    if let Some(server) = postgres_url() {
        databases.push((
            Database::Postgres(fresh_database(&server, "journal_steps")),
            Database::Postgres(fresh_database(&server, "journal_new")),
        ));
    }
    for (steps, _) in &databases {
        steps.create();
        steps.apply(&ups(&project, steps.dialect()));
        steps.execute(&version_1_rows(steps.dialect() == "sqlite"));
    }

    let mut previous = generate("journal-v1", &spec(1));
    for version in 2..=VERSIONS {
        let written: BTreeMap<_, _> = ["sqlite", "postgres"]
            .iter()
            .flat_map(|d| contents(&migrations(&project, d)))
            .collect();
        for (module, _, _) in moves(version) {
            edit_resource(&project, module, version);
        }
        std::fs::copy(spec(version), project.join("backend-gen.toml")).unwrap();
        let mut update = Command::new(env!("CARGO_BIN_EXE_backend-gen"));
        update
            .args(["update", "--allow-destructive"])
            .args(update_args(version))
            .arg(&project);
        succeed(
            &mut update,
            &format!("backend-gen update to version {version}"),
        );
        support::imports::assert_no_cycle(&project);
        for carried in moves(version) {
            assert_edits_carried(&project, *carried, version);
        }
        let fresh = generate(&format!("journal-v{version}"), &spec(version));

        for (steps, new) in &databases {
            let dialect = steps.dialect();
            for (path, text) in &written {
                assert_eq!(
                    &std::fs::read_to_string(path).unwrap(),
                    text,
                    "{} was edited",
                    path.display()
                );
            }
            let added: Vec<PathBuf> = migrations(&project, dialect)
                .into_iter()
                .filter(|f| !written.contains_key(f))
                .collect();
            let [down, up] = added.as_slice() else {
                panic!("version {version} adds one {dialect} migration and its undo: {added:?}");
            };
            assert!(down.to_string_lossy().ends_with(".down.sql"), "{down:?}");
            steps.apply(std::slice::from_ref(up));
            let schema_of = |project: &Path| {
                new.create();
                new.apply(&ups(project, dialect));
                let schema = new.schema();
                new.drop();
                schema
            };
            assert_eq!(
                steps.schema(),
                schema_of(&fresh),
                "version {version} on {dialect}: the migrated schema (left) differs from a new project's (right)"
            );
            let (query, expected) = KEPT[version - 2];
            assert_eq!(
                steps.run(query).trim(),
                expected,
                "version {version} on {dialect}"
            );
            // Undone, the schema is the previous version's; then done again.
            steps.apply(std::slice::from_ref(down));
            assert_eq!(
                steps.schema(),
                schema_of(&previous),
                "version {version} undone on {dialect}: the schema (left) differs from version {}'s (right)",
                version - 1
            );
            steps.apply(std::slice::from_ref(up));
            if version == 3 {
                // The note gets its author, whose key must survive the renames ahead.
                steps.execute("UPDATE notes SET author_id = (SELECT id FROM authors);");
            }
        }
        previous = fresh;
        // Each version with the team's edits carried compiles and lints (which builds its
        // tests); the tests run on the last, whose new database takes every migration above.
        if version < VERSIONS {
            cargo(
                &project,
                &["clippy", "--all-targets", "--", "-D", "warnings"],
            );
        }
    }
    for (steps, _) in &databases {
        steps.drop();
    }

    cargo(&project, &["build"]);
    cargo(&project, &["fmt", "--check"]);
    cargo(
        &project,
        &["clippy", "--all-targets", "--", "-D", "warnings"],
    );
    cargo(&project, &["test"]);
    if let Some(server) = postgres_url() {
        cargo_on(&project, &["test"], Some(&server));
    }

    // The service's own `rollback` undoes the last migration: back to the version before.
    let mut undo = vec![(
        Database::Sqlite(root.join("journal-undo.db")),
        Database::Sqlite(root.join("journal-before.db")),
    )];
    if let Some(server) = postgres_url() {
        undo.push((
            Database::Postgres(fresh_database(&server, "journal_undo")),
            Database::Postgres(fresh_database(&server, "journal_before")),
        ));
    }
    let binary = target_dir().join("debug/journal");
    let before_last = e2e_root().join(format!("projects/journal-v{}", VERSIONS - 1));
    for (db, before) in &undo {
        db.create();
        let url = db.url();
        let journal = |args: &[&str]| {
            let mut command = Command::new(&binary);
            command
                .args(args)
                .env("DATABASE_URL", &url)
                .current_dir(&root);
            let output = command.output().expect("the service runs");
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            (output.status.success(), stderr)
        };
        let ok = |args: &[&str]| {
            let (success, stderr) = journal(args);
            assert!(success, "journal {args:?} on {}: {stderr}", db.dialect());
        };
        // Fails on one of `errors`, and leaves the schema as it was.
        let fails = |args: &[&str], errors: [&str; 2]| {
            let schema = db.schema();
            let (success, stderr) = journal(args);
            assert!(!success, "journal {args:?} on {}", db.dialect());
            assert!(errors.iter().any(|e| stderr.contains(e)), "{stderr}");
            assert_eq!(db.schema(), schema, "a failed migration left a trace");
        };
        let applied = || {
            db.run("SELECT COUNT(*) FROM _sqlx_migrations")
                .trim()
                .to_string()
        };
        ok(&["migrate"]);
        ok(&["rollback", "1"]);
        let expected = ups(&project, db.dialect()).len() - 1;
        assert_eq!(applied(), expected.to_string(), "{}", db.dialect());

        // A migration that cannot apply fails whole. Back to version 3 (before unique
        // went back on), two tags with one label, and `migrate` refuses version 4. Version
        // 1's project has a migration per table; each update after it adds one.
        let version_1 = e2e_root().join("projects/journal-v1");
        let at_version_3 = ups(&version_1, db.dialect()).len() + 2;
        ok(&["rollback", &(expected - at_version_3).to_string()]);
        assert_eq!(applied(), at_version_3.to_string(), "{}", db.dialect());
        let sqlite = db.dialect() == "sqlite";
        db.execute(&two_equal_tags(sqlite));
        fails(
            &["migrate"],
            [
                "UNIQUE constraint failed: tags.label",
                "could not create unique index \"tags_label_unique\"",
            ],
        );
        assert_eq!(applied(), at_version_3.to_string(), "{}", db.dialect());
        db.execute("DELETE FROM tags WHERE label = 'twice';");
        ok(&["migrate"]);

        // So does one that removes an enum value still in use: back to version 6, a
        // note in the mood that version 7 takes away.
        ok(&["rollback", "2"]);
        db.execute(&format!(
            "INSERT INTO notes (id, headline, mood, words, created_at, updated_at) \
             VALUES ({}, 'Busy', 'busy', 1, {TS}, {TS});",
            id(sqlite, 7)
        ));
        fails(
            &["migrate"],
            [
                "CHECK constraint failed: notes_mood_check",
                "check constraint \"notes_mood_check\"",
            ],
        );
        db.execute("DELETE FROM notes WHERE mood = 'busy';");
        ok(&["migrate"]);
        ok(&["rollback", "1"]);

        db.execute("DROP TABLE _sqlx_migrations;");
        before.create();
        before.apply(&ups(&before_last, db.dialect()));
        assert_eq!(
            db.schema(),
            before.schema(),
            "`journal rollback 1` on {}: the schema (left) differs from the version before's (right)",
            db.dialect()
        );
        db.drop();
        before.drop();
    }
}

/// A row id in SQL: `n` in every byte.
fn id(sqlite: bool, n: u8) -> String {
    let hex = format!("{n:02x}").repeat(16);
    if sqlite {
        format!("X'{hex}'")
    } else {
        format!("'{hex}'")
    }
}

/// Two tags with the same label, at version 3 (when labels need not be unique).
fn two_equal_tags(sqlite: bool) -> String {
    format!(
        "INSERT INTO tags (id, label, created_at, updated_at) VALUES \
         ({}, 'twice', {TS}, {TS}), ({}, 'twice', {TS}, {TS});",
        id(sqlite, 8),
        id(sqlite, 9)
    )
}
