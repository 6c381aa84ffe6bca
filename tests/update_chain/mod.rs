//! `backend-gen update` through five versions of one spec (`tests/specs/update/`),
//! which together add and drop resources, fields, a belongs-to and a many-to-many,
//! rename a field, and turn unique, versioning, soft delete and timestamps on and
//! off. At each step, on SQLite and on PostgreSQL: the migrations already written
//! stay as they were; the database migrated step by step has the schema of a new
//! project of that version (normalised introspection: columns, types, nullability,
//! defaults, indexes, foreign keys, CHECKs); and the rows written at version 1 keep
//! their values. At the last step the project builds, lints and passes its own
//! tests on both databases.

use std::collections::BTreeMap;

use super::*;

/// SQLite through Python's standard library: apply migration files, run a query,
/// or print the normalised schema.
const SQLITE: &str = r#"
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
mode = sys.argv[2]
if mode == "apply":
    for path in sys.argv[3:]:
        db.executescript(open(path).read())
    db.commit()
elif mode == "query":
    for row in db.execute(sys.argv[3]):
        print("|".join("" if v is None else str(v) for v in row))
else:
    out = []
    tables = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'").fetchall()
    for name, sql in tables:
        out.append(f"table {name}")
        for r in db.execute(f'PRAGMA table_info("{name}")'):
            out.append(f"column {name} " + " ".join(map(str, r[1:])))
        for r in db.execute(f'PRAGMA foreign_key_list("{name}")'):
            out.append(f"fk {name} " + " ".join(map(str, r[2:])))
        for check in re.findall(r"CHECK \((?:[^()]|\([^()]*\))*\)", sql):
            out.append(f"check {name} {check}")
    for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"):
        out.append(f"index {name} {sql}")
    print("\n".join(sorted(out)))
"#;

/// PostgreSQL's view of the same, with constraints by definition (PostgreSQL names a
/// column's CHECK after the column, and keeps that name through a rename).
const POSTGRES_SCHEMA: &str = "\
    SELECT 'column', table_name::text, column_name::text, data_type::text, \
           coalesce(character_maximum_length::text, ''), is_nullable::text, \
           coalesce(column_default::text, '') \
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
    let id = |n: u8| {
        if sqlite {
            format!("X'{}'", format!("{n:02x}").repeat(16))
        } else {
            format!("'{}'", format!("{n:02x}").repeat(16))
        }
    };
    format!(
        "INSERT INTO authors (id, name, created_at, updated_at) VALUES ({}, 'Ada', {TS}, {TS});\n\
         INSERT INTO notes (id, title, body, created_at, updated_at) VALUES ({}, 'First note', 'Hello', {TS}, {TS});\n\
         INSERT INTO tags (id, label, created_at, updated_at) VALUES ({}, 'home', {TS}, {TS});\n",
        id(1),
        id(2),
        id(3)
    )
}

/// After each version: a query, and what the version 1 rows must answer.
const KEPT: [(&str, &str); 4] = [
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
];

fn python(args: &[&str]) -> String {
    let mut command = Command::new("python3");
    command.arg("-c").arg(SQLITE).args(args);
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

/// A project's migration files in one dialect, in order.
fn migrations(project: &Path, dialect: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(project.join("migrations").join(dialect))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn contents(files: &[PathBuf]) -> BTreeMap<PathBuf, String> {
    files
        .iter()
        .map(|f| (f.clone(), std::fs::read_to_string(f).unwrap()))
        .collect()
}

#[test]
fn a_project_follows_five_versions_of_its_spec_on_both_databases() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let spec = |version: usize| spec_path(&format!("update/{version}"));
    let project = generate("journal", &spec(1));
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
        steps.apply(&migrations(&project, steps.dialect()));
        steps.execute(&version_1_rows(steps.dialect() == "sqlite"));
    }

    for version in 2..=5 {
        let written: BTreeMap<_, _> = ["sqlite", "postgres"]
            .iter()
            .flat_map(|d| contents(&migrations(&project, d)))
            .collect();
        std::fs::copy(spec(version), project.join("backend-gen.toml")).unwrap();
        let mut update = Command::new(env!("CARGO_BIN_EXE_backend-gen"));
        update.args(["update", "--allow-destructive"]).arg(&project);
        succeed(
            &mut update,
            &format!("backend-gen update to version {version}"),
        );
        let fresh = generate(&format!("journal-v{version}"), &spec(version));

        for (steps, new) in &databases {
            let dialect = steps.dialect();
            let now = migrations(&project, dialect);
            for (path, text) in &written {
                assert_eq!(
                    &std::fs::read_to_string(path).unwrap(),
                    text,
                    "{} was edited",
                    path.display()
                );
            }
            let added: Vec<PathBuf> = now
                .iter()
                .filter(|f| !written.contains_key(*f))
                .cloned()
                .collect();
            assert_eq!(
                added.len(),
                1,
                "version {version} adds one {dialect} migration: {added:?}"
            );
            steps.apply(&added);

            new.create();
            new.apply(&migrations(&fresh, dialect));
            assert_eq!(
                steps.schema(),
                new.schema(),
                "version {version} on {dialect}: the migrated schema (left) differs from a new project's (right)"
            );
            new.drop();

            let (query, expected) = KEPT[version - 2];
            assert_eq!(
                steps.run(query).trim(),
                expected,
                "version {version} on {dialect}"
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
}
