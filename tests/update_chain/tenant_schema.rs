//! Tenancy's schema (issue 76, step 2 of docs/decisions/tenancy.md) in real databases: the
//! tables of `tests/specs/tenancy/tables.toml`, created on SQLite and PostgreSQL, keep each
//! reference and each unique value inside its tenant by themselves, whatever the code above
//! them lets through; a relation's `ON DELETE` still holds; an account is a member of a
//! tenant once; and a tenant's rows, members and invitations go with it.

use super::*;
use backend_gen::dialect::Dialect;
use backend_gen::spec::{Database as Dialects, Literal, Spec, Tenancy};

/// The spec without its `[tenancy]`, and with it.
fn specs() -> (Spec, Spec) {
    let source = std::fs::read_to_string(spec_path("tenancy/tables")).unwrap();
    let spec = backend_gen::spec::parse("tables.toml", &source).unwrap();
    let (without, _) = source.rsplit_once("\n[tenancy]\n").unwrap();
    let plain = backend_gen::spec::parse("tables.toml", without).unwrap();
    (plain, spec)
}

/// A spec's tables in one dialect, in creation order.
fn tables_sql(spec: &Spec, dialect: Dialects) -> String {
    backend_gen::schema::tables(spec, Dialect(dialect))
        .iter()
        .map(|t| t.create.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `db` is SQLite, and its dialect.
fn dialect_of(db: &Database) -> (bool, Dialects) {
    match db {
        Database::Sqlite(_) => (true, Dialects::Sqlite),
        Database::Postgres(_) => (false, Dialects::Postgres),
    }
}

/// Empties `db` of every table: a SQLite file removed, PostgreSQL's schema made again.
fn empty(db: &Database) {
    match db {
        Database::Sqlite(path) => {
            let _ = std::fs::remove_file(path);
        }
        Database::Postgres(url) => {
            psql(
                url,
                &["-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
            );
        }
    }
}

/// Writes `sql` to a file beside the databases and applies it (in one transaction).
fn apply_sql(db: &Database, name: &str, sql: &str) {
    let file = e2e_root().join(format!("{name}-{}.sql", db.dialect()));
    std::fs::write(&file, sql).unwrap();
    db.apply(&[file]);
}

/// Runs `sql` (with foreign keys on, on SQLite) and says whether the database took it.
fn takes(db: &Database, sql: &str) -> bool {
    let output = match db {
        Database::Sqlite(path) => Command::new("python3")
            .args(["-c", "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.execute('PRAGMA foreign_keys = ON')\ndb.executescript(sys.argv[2])\ndb.commit()"])
            .arg(path)
            .arg(sql)
            .output(),
        Database::Postgres(url) => Command::new("psql")
            .arg(url)
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-c", sql])
            .output(),
    }
    .expect("the database's client runs");
    if !output.status.success() {
        // Refusals are what many checks expect; printed so that one that was not expected
        // says why (a lone CI failure of a DELETE here, 2026-12-05, left no reason).
        eprintln!(
            "[e2e] {} refused: {}",
            db.dialect(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    output.status.success()
}

#[test]
fn per_tenant_tables_keep_references_and_unique_values_inside_their_tenant() {
    let root = e2e_root();
    std::fs::create_dir_all(&root).unwrap();
    let mut databases = vec![Database::Sqlite(root.join("tenant-schema.db"))];
    if let Some(server) = postgres_url() {
        databases.push(Database::Postgres(fresh_database(&server, "tenant_schema")));
    }
    for db in &databases {
        let (sqlite, dialect) = dialect_of(db);
        db.create();
        apply_sql(db, "tenant-schema", &tables_sql(&specs().1, dialect));
        let id = |n: u8| id(sqlite, n);
        let (a, b, country, lead) = (id(1), id(2), id(3), id(4));
        let (project_a, project_b, label_a, label_b, task) = (id(5), id(6), id(7), id(8), id(9));
        let rows = format!(
            "INSERT INTO organizations (id, name, created_at, updated_at) VALUES ({a}, 'A', {TS}, {TS}), ({b}, 'B', {TS}, {TS});\n\
             INSERT INTO countries (id, code, created_at, updated_at) VALUES ({country}, 'NL', {TS}, {TS});\n\
             INSERT INTO users (id, email, password_hash, roles, created_at, updated_at) VALUES ({lead}, 'lead@example.com', 'x', '[]', {TS}, {TS});\n\
             INSERT INTO labels (id, tenant_id, name, created_at, updated_at) VALUES ({label_a}, {a}, 'a', {TS}, {TS}), ({label_b}, {b}, 'b', {TS}, {TS});\n\
             INSERT INTO projects (id, tenant_id, country_id, lead_id, code, created_at, updated_at) VALUES \
             ({project_a}, {a}, {country}, {lead}, 'P1', {TS}, {TS}), ({project_b}, {b}, {country}, {lead}, 'P1', {TS}, {TS});"
        );
        assert!(
            takes(db, &rows),
            "{}: the same code in two tenants, a global country and an account in both",
            db.dialect()
        );
        let project = |n: u8, tenant: &str, code: &str| {
            format!(
                "INSERT INTO projects (id, tenant_id, country_id, lead_id, code, created_at, updated_at) VALUES ({}, {tenant}, {country}, {lead}, '{code}', {TS}, {TS});",
                id(n)
            )
        };
        let task_in = |tenant: &str, project: &str| {
            format!(
                "INSERT INTO tasks (id, tenant_id, project_id, title, created_at, updated_at) VALUES ({task}, {tenant}, {project}, 't', {TS}, {TS});"
            )
        };
        let link = |tenant: &str, label: &str| {
            format!(
                "INSERT INTO project_labels (tenant_id, project_id, label_id) VALUES ({tenant}, {project_a}, {label});"
            )
        };
        let refused = [
            (project(10, &a, "P1"), "a code twice in one tenant"),
            (task_in(&b, &project_a), "a task of B in A's project"),
            (link(&a, &label_b), "A's project linked to B's label"),
            (link(&b, &label_b), "a link of B from A's project"),
        ];
        for (sql, what) in &refused {
            assert!(!takes(db, sql), "{}: {what} was taken", db.dialect());
        }
        for sql in [
            project(11, &a, "P2"),
            task_in(&a, &project_a),
            link(&a, &label_a),
            format!(
                "INSERT INTO project_countries (tenant_id, project_id, country_id) VALUES ({a}, {project_a}, {country});"
            ),
        ] {
            assert!(takes(db, &sql), "{}: {sql}", db.dialect());
        }
        // A subtask's parent is a task of its own tenant.
        let subtask = |n: u8, tenant: &str| {
            format!(
                "INSERT INTO tasks (id, tenant_id, parent_id, title, created_at, updated_at) VALUES ({}, {tenant}, {task}, 's', {TS}, {TS});",
                id(n)
            )
        };
        assert!(
            !takes(db, &subtask(13, &b)),
            "{}: a subtask of B under A's task",
            db.dialect()
        );
        assert!(takes(db, &subtask(14, &a)), "{}", db.dialect());
        // Members: the lead in both tenants, with roles in each, once per tenant.
        let member = |tenant: &str| {
            format!(
                "INSERT INTO tenant_memberships (tenant_id, user_id, roles, created_at) VALUES ({tenant}, {lead}, '[\"admin\"]', {TS});"
            )
        };
        assert!(takes(db, &format!("{}\n{}", member(&a), member(&b))));
        assert!(!takes(db, &member(&a)), "{}: a member twice", db.dialect());
        let invitation = format!(
            "INSERT INTO tenant_invitations (id, tenant_id, email, roles, token_hash, invited_by, created_at, expires_at) \
             VALUES ({}, {b}, 'new@example.com', '[]', 'h', {lead}, {TS}, {TS});",
            id(12)
        );
        assert!(takes(db, &invitation));
        if let Database::Postgres(url) = db {
            row_level_security_holds(url, &a, &b, &project(15, &b, "P9"));
            policies_upgrade_both_ways(db, url, &a, &b, &project(15, &b, "P9"));
        }
        // The task outlives its project (`on_delete = "set_null"`) and stays its tenant's.
        assert!(takes(
            db,
            &format!("DELETE FROM projects WHERE id = {project_a};")
        ));
        let kept = db.run(&format!(
            "SELECT COUNT(*) FROM tasks WHERE id = {task} AND project_id IS NULL AND tenant_id = {a}"
        ));
        assert_eq!(kept.trim(), "1", "{}", db.dialect());
        assert_eq!(db.run("SELECT COUNT(*) FROM project_labels").trim(), "0");
        // B goes with its rows; A's stay.
        assert!(takes(
            db,
            &format!("DELETE FROM organizations WHERE id = {b};")
        ));
        let left = db.run("SELECT (SELECT COUNT(*) FROM projects), (SELECT COUNT(*) FROM labels), (SELECT COUNT(*) FROM tasks), \
             (SELECT COUNT(*) FROM tenant_memberships), (SELECT COUNT(*) FROM tenant_invitations)");
        assert_eq!(left.trim(), "1|1|2|1|0", "{}", db.dialect());
        db.drop();
    }
}

/// PostgreSQL's second wall, as a role that owns nothing (the service's): with no tenant
/// set, and after another transaction's tenant on the same connection, it sees no rows;
/// with a tenant set, that tenant's alone, and it cannot write a row of another; it cannot
/// turn row-level security off. Tenant A holds two projects here, B one.
fn row_level_security_holds(url: &str, a: &str, b: &str, insert_into_b: &str) {
    let counts = row_security_counts(url, a, b, insert_into_b);
    assert_eq!(
        counts,
        ["0", "2", "1", "0", "0"],
        "unset, A, B, after A's transaction, with `app.every_tenant` (which earlier policies admitted)"
    );
}

/// `update`'s rewrite of the tenant policies of a project generated before they tested the
/// tenant alone, applied to PostgreSQL both ways: back, the service's role reaches every
/// tenant under `app.every_tenant` again, as the earlier version's erasure needs; forward,
/// no longer. Every tenant policy of the schema (the join tables' too) goes each way.
fn policies_upgrade_both_ways(db: &Database, url: &str, a: &str, b: &str, insert_into_b: &str) {
    let spec = specs().1;
    let had = backend_gen::migrate::Earlier {
        tenant_policies_alone: false,
        ..backend_gen::migrate::Earlier::current(&spec)
    };
    let plan = backend_gen::migrate::plan_from(&spec, Some(&had), &spec, &Default::default());
    assert_eq!(
        plan.changes,
        ["tenant policies test the tenant alone (postgres)"]
    );
    assert!(
        plan.sqlite
            .contains("Nothing changes in this dialect's schema"),
        "{}",
        plan.sqlite
    );
    let (_, back) = plan.down.clone().expect("the rewrite can be undone");
    let admitting = || {
        db.run("SELECT COUNT(*) FILTER (WHERE position('app.every_tenant' in qual) > 0), COUNT(*)                 FROM pg_policies WHERE schemaname = current_schema()")
    };
    let policies = admitting().trim().rsplit('|').next().unwrap().to_owned();
    assert!(policies.parse::<u32>().unwrap() >= 4, "{policies} policies");
    apply_sql(db, "tenant-policies-back", &back);
    assert_eq!(admitting().trim(), format!("{policies}|{policies}"));
    let counts = row_security_counts(url, a, b, insert_into_b);
    assert_eq!(counts, ["0", "2", "1", "0", "3"], "the earlier policies");
    apply_sql(db, "tenant-policies", &plan.postgres);
    assert_eq!(admitting().trim(), format!("0|{policies}"));
    row_level_security_holds(url, a, b, insert_into_b);
}

/// What a role that owns nothing counts of `projects` with no tenant set, in A's
/// transaction, in B's, after A's on the same connection, and in a transaction that sets
/// `app.every_tenant` (which the policies admitted until 2026-12-05); and it asserts that
/// such a role writes no row of B in A's transaction and cannot turn row-level security off.
fn row_security_counts(url: &str, a: &str, b: &str, insert_into_b: &str) -> Vec<String> {
    let role = format!(
        "tenant_service_{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    psql(
        url,
        &[
            "-c",
            &format!(
                "CREATE ROLE {role} NOLOGIN; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};"
            ),
        ],
    );
    // Each `-c` its own transaction, in one session: the last line is the last one's answer.
    let session = |commands: &[String]| {
        let mut args = vec!["-c".to_owned(), format!("SET ROLE {role}")];
        for c in commands {
            args.extend(["-c".to_owned(), c.clone()]);
        }
        let output = Command::new("psql")
            .arg(url)
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(&args)
            .output()
            .expect("psql runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let last = stdout.lines().last().unwrap_or_default().to_owned();
        (output.status.success(), last)
    };
    let uuid = |literal: &str| literal.trim_matches('\'').to_owned();
    let in_tenant = |tenant: &str, sql: &str| {
        format!(
            "SELECT set_config('app.tenant_id', '{}', true); {sql}",
            uuid(tenant)
        )
    };
    let count = "SELECT COUNT(*) FROM projects";
    let after = [
        "BEGIN".into(),
        "SELECT set_config('app.tenant_id', ".to_owned() + &format!("'{}', true)", uuid(a)),
        "COMMIT".into(),
        count.into(),
    ];
    let counts: Vec<String> = [
        vec![count.to_owned()],
        vec![in_tenant(a, count)],
        vec![in_tenant(b, count)],
        after.to_vec(),
        vec![format!(
            "SELECT set_config('app.every_tenant', 'on', true); {count}"
        )],
    ]
    .iter()
    .map(|commands| {
        let (ran, last) = session(commands);
        assert!(ran, "{commands:?}");
        last
    })
    .collect();
    let (wrote, _) = session(&[in_tenant(a, insert_into_b)]);
    assert!(!wrote, "a row of B written in A's transaction");
    let (off, _) = session(&["SET row_security = off".into(), count.into()]);
    assert!(!off, "the service's role turned row-level security off");
    psql(
        url,
        &["-c", &format!("DROP OWNED BY {role}; DROP ROLE {role};")],
    );
    counts
}

/// `update` turning tenancy on over rows written without it: on both databases the
/// migration keeps every row, each in the first tenant, makes every account its member with
/// its roles, and gives the schema a new project with tenancy has; on PostgreSQL the wall
/// then holds over the moved rows.
#[test]
fn turning_tenancy_on_keeps_every_row_and_account_in_a_first_tenant() {
    let (plain, spec) = specs();
    let mut backfills = backend_gen::migrate::Backfills::new();
    backfills.insert(
        ("organizations".into(), "name".into()),
        Literal::String("First".into()),
    );
    let plan = backend_gen::migrate::plan(&plain, &spec, &backfills);
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    let root = e2e_root();
    std::fs::create_dir_all(&root).unwrap();
    let mut databases = vec![(
        Database::Sqlite(root.join("tenancy-on.db")),
        Database::Sqlite(root.join("tenancy-fresh.db")),
    )];
    if let Some(server) = postgres_url() {
        databases.push((
            Database::Postgres(fresh_database(&server, "tenancy_on")),
            Database::Postgres(fresh_database(&server, "tenancy_fresh")),
        ));
    }
    for (db, fresh) in &databases {
        let (sqlite, dialect) = dialect_of(db);
        db.create();
        apply_sql(db, "tenancy-before", &tables_sql(&plain, dialect));
        let id = |n: u8| id(sqlite, n);
        let (org, country, lead, label, project, task) = (id(1), id(3), id(4), id(7), id(5), id(9));
        let rows = format!(
            "INSERT INTO organizations (id, name, created_at, updated_at) VALUES ({org}, 'Existing', {TS}, {TS});\n\
             INSERT INTO countries (id, code, created_at, updated_at) VALUES ({country}, 'NL', {TS}, {TS});\n\
             INSERT INTO users (id, email, password_hash, roles, created_at, updated_at) VALUES ({lead}, 'lead@example.com', 'x', '[\"admin\"]', {TS}, {TS});\n\
             INSERT INTO labels (id, name, created_at, updated_at) VALUES ({label}, 'l', {TS}, {TS});\n\
             INSERT INTO projects (id, country_id, lead_id, code, created_at, updated_at) VALUES ({project}, {country}, {lead}, 'P1', {TS}, {TS});\n\
             INSERT INTO project_labels (project_id, label_id) VALUES ({project}, {label});\n\
             INSERT INTO project_countries (project_id, country_id) VALUES ({project}, {country});\n\
             INSERT INTO tasks (id, project_id, title, created_at, updated_at) VALUES ({task}, {project}, 't', {TS}, {TS});\n\
             INSERT INTO tasks (id, parent_id, title, created_at, updated_at) VALUES ({}, {task}, 's', {TS}, {TS});\n\
             INSERT INTO audit_log (id, occurred_at, actor, actor_roles, resource, row_id, action, fields) VALUES ({}, {TS}, 'service', '[]', 'project', {project}, 'create', '[]');\n\
             INSERT INTO audit_log (id, occurred_at, actor, actor_roles, resource, row_id, action, fields) VALUES ({}, {TS}, 'service', '[]', 'country', {country}, 'create', '[]');",
            id(10),
            id(12),
            id(13)
        );
        assert!(takes(db, &rows), "{}", db.dialect());
        let migration = if sqlite { &plan.sqlite } else { &plan.postgres };
        apply_sql(db, "tenancy-on", migration);
        fresh.create();
        apply_sql(fresh, "tenancy-fresh", &tables_sql(&spec, dialect));
        assert_eq!(
            db.schema(),
            fresh.schema(),
            "{}: migrated (left) against new (right)",
            db.dialect()
        );
        fresh.drop();
        // With no account and no per-tenant row (a new deployment's database, a test's),
        // the migration makes no first tenant.
        fresh.create();
        apply_sql(fresh, "tenancy-empty-before", &tables_sql(&plain, dialect));
        apply_sql(fresh, "tenancy-empty-on", migration);
        let tenants = fresh.run("SELECT COUNT(*) FROM organizations");
        assert_eq!(tenants.trim(), "0", "{}", db.dialect());
        fresh.drop();
        let first = if sqlite {
            "X'00000000000040008000000000000001'"
        } else {
            "'00000000-0000-4000-8000-000000000001'"
        };
        let in_first = |table: &str| {
            db.run(&format!(
                "SELECT COUNT(*) FROM {table} WHERE tenant_id = {first}"
            ))
            .trim()
            .to_owned()
        };
        let kept: Vec<String> = [
            "labels",
            "projects",
            "project_labels",
            "project_countries",
            "tasks",
        ]
        .iter()
        .map(|t| in_first(t))
        .collect();
        assert_eq!(kept, ["1", "1", "1", "1", "2"], "{}", db.dialect());
        // The project's history moved with it; the shared country's names no tenant.
        let history = db.run("SELECT resource FROM audit_log WHERE tenant_id IS NULL");
        assert_eq!(
            (in_first("audit_log"), history.trim()),
            ("1".to_owned(), "country"),
            "{}",
            db.dialect()
        );
        let tenants = db.run("SELECT name FROM organizations ORDER BY name");
        assert_eq!(tenants.trim(), "Existing\nFirst", "{}", db.dialect());
        let members = db.run(&format!(
            "SELECT roles FROM tenant_memberships WHERE tenant_id = {first} AND user_id = {lead}"
        ));
        assert_eq!(members.trim(), "[\"admin\"]", "{}", db.dialect());
        if let Database::Postgres(url) = db {
            let elsewhere = format!(
                "INSERT INTO labels (id, tenant_id, name, created_at, updated_at) VALUES ({}, {org}, 'x', {TS}, {TS});",
                id(11)
            );
            let counts = row_security_counts(url, first, &org, &elsewhere);
            assert_eq!(
                counts,
                ["0", "1", "0", "0", "0"],
                "unset, first, the other, after, with `app.every_tenant`"
            );
        }
        db.drop();
    }
}

/// A per-tenant decimal's scaled column (PostgreSQL's `{field}_scaled`, which the lists
/// compare under the row-level policy) is generated from the decimal, and PostgreSQL changes
/// neither while it is there: the migration that changes the budget's scale drops it, alters
/// the decimal, and adds it back with its index, every row's value scaled anew; its down
/// migration does the same the other way. Each gives the schema a new project has.
#[test]
fn a_per_tenant_decimal_changes_scale_with_its_scaled_column() {
    let Some(server) = postgres_url() else {
        return;
    };
    let (_, spec) = specs();
    let source = std::fs::read_to_string(spec_path("tenancy/tables")).unwrap();
    let budget = "budget = { type = \"decimal\", scale = 2, required = false, sort = true }";
    assert!(source.contains(budget));
    let finer = source.replace(
        budget,
        "budget = { type = \"decimal\", precision = 12, scale = 3, required = false, sort = true }",
    );
    let after = backend_gen::spec::parse("tables.toml", &finer).unwrap();
    let plan = backend_gen::migrate::plan(&spec, &after, &backend_gen::migrate::Backfills::new());
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    let (_, down) = plan.down.clone().expect("reversible");
    let db = Database::Postgres(fresh_database(&server, "tenancy_scaled"));
    let fresh = Database::Postgres(fresh_database(&server, "tenancy_scaled_fresh"));
    db.create();
    fresh.create();
    apply_sql(&db, "scaled-before", &tables_sql(&spec, Dialects::Postgres));
    let id = |n: u8| id(false, n);
    let (org, country, lead) = (id(1), id(3), id(4));
    let rows = format!(
        "INSERT INTO organizations (id, name, created_at, updated_at) VALUES ({org}, 'A', {TS}, {TS});\n\
         INSERT INTO countries (id, code, created_at, updated_at) VALUES ({country}, 'NL', {TS}, {TS});\n\
         INSERT INTO users (id, email, password_hash, roles, created_at, updated_at) VALUES ({lead}, 'lead@example.com', 'x', '[]', {TS}, {TS});\n\
         INSERT INTO projects (id, tenant_id, country_id, lead_id, code, budget, created_at, updated_at) VALUES \
         ({}, {org}, {country}, {lead}, 'P1', 12.34, {TS}, {TS}), ({}, {org}, {country}, {lead}, 'P2', NULL, {TS}, {TS});",
        id(5),
        id(6)
    );
    assert!(takes(&db, &rows));
    let scaled = |db: &Database| {
        db.run("SELECT coalesce(budget_scaled::text, 'null') FROM projects ORDER BY code")
            .trim()
            .to_owned()
    };
    assert_eq!(scaled(&db), "1234\nnull");
    apply_sql(&db, "scaled-finer", &plan.postgres);
    assert_eq!(scaled(&db), "12340\nnull");
    apply_sql(
        &fresh,
        "scaled-fresh",
        &tables_sql(&after, Dialects::Postgres),
    );
    assert_eq!(
        db.schema(),
        fresh.schema(),
        "migrated (left) against new (right)"
    );
    apply_sql(&db, "scaled-back", &down);
    assert_eq!(scaled(&db), "1234\nnull");
    empty(&fresh);
    apply_sql(
        &fresh,
        "scaled-fresh-before",
        &tables_sql(&spec, Dialects::Postgres),
    );
    assert_eq!(
        db.schema(),
        fresh.schema(),
        "migrated back (left) against new (right)"
    );
    db.drop();
    fresh.drop();
}

/// The tenant resource added to a random spec to make it multi-tenant.
const TENANT: &str =
    "\n[resources.tenant_org.fields]\nname = { type = \"string\", required = true }\n";

/// Random specs made multi-tenant (`BACKEND_GEN_TENANCY_CASES` seeds of
/// `specgen::sample_spec` with jwt, half with the later keys, 30 by default and as many as wanted with the variable; those of one
/// service with accounts of their own, a tenant resource added, every other resource per
/// tenant): each one `check`
/// accepts, or refuses only for a feature not generated yet with per-tenant rows, has tables that both databases create,
/// and the migration that turns tenancy on over its tables without tenancy gives the same
/// schema. A spec that passes `check` but not these is the bug this looks for (a key to the
/// table itself needed the tenant's unique pair inside `CREATE TABLE`).
#[test]
fn random_specs_made_multi_tenant_have_tables_and_a_migration_both_databases_take() {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let first = number("BACKEND_GEN_TENANCY_SEED", 0);
    let cases = number("BACKEND_GEN_TENANCY_CASES", 30);
    let root = e2e_root();
    std::fs::create_dir_all(&root).unwrap();
    let server = postgres_url();
    let mut databases = vec![(
        Database::Sqlite(root.join("tenancy-random.db")),
        Database::Sqlite(root.join("tenancy-random-fresh.db")),
    )];
    if let Some(server) = &server {
        databases.push((
            Database::Postgres(fresh_database(server, "tenancy_random")),
            Database::Postgres(fresh_database(server, "tenancy_random_fresh")),
        ));
    }
    // Made once, emptied for each spec: a database made and dropped per spec took most of
    // the time.
    for (db, fresh) in &databases {
        db.create();
        fresh.create();
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for seed in first..first + cases {
        // With jwt and no hazard: a spec whose own accounts can be members.
        let recipe = super::support::specgen::Recipe {
            jwt: Some(true),
            field_rules: true,
            later_keys: seed % 2 == 0,
            // Made multi-tenant here, from its own spec without tenancy.
            tenancy: Some(false),
            ..Default::default()
        };
        let generated = super::support::specgen::sample_spec(seed, recipe);
        if generated.toml.contains("[services.") {
            continue;
        }
        let source = format!("{}{TENANT}", generated.toml);
        let Ok(plain) = backend_gen::spec::parse("spec.toml", &source) else {
            continue;
        };
        if plain.auth.mode != backend_gen::spec::AuthMode::Jwt || plain.auth.accounts.is_some() {
            continue;
        }
        // Shared: what an anonymous caller may reach, and what that refers to (`check`
        // keeps a tenant's rows from anonymous callers).
        let global = super::support::specgen::shared_resources(&plain);
        let listed: Vec<String> = global.iter().map(|g| format!("{g:?}")).collect();
        let tenancy = format!(
            "\n[tenancy]\ntenant = \"tenant_org\"\nglobal = [{}]\n",
            listed.join(", ")
        );
        if backend_gen::spec::parse("spec.toml", &format!("{source}{tenancy}")).is_err() {
            continue;
        }
        checked += 1;
        let mut spec = plain.clone();
        spec.tenancy = Some(Tenancy {
            tenant: "tenant_org".into(),
            global,
        });
        let mut backfills = backend_gen::migrate::Backfills::new();
        backfills.insert(
            ("tenant_orgs".into(), "name".into()),
            Literal::String("First".into()),
        );
        let plan = backend_gen::migrate::plan(&plain, &spec, &backfills);
        if !plan.refused.is_empty() {
            failures.push(format!(
                "seed {seed}: turning tenancy on refused: {:?}",
                plan.refused
            ));
            continue;
        }
        // Kept for a failure to name.
        let kept = root.join(format!("tenancy-random-{seed}.toml"));
        std::fs::write(&kept, format!("{source}{tenancy}")).unwrap();
        for (db, fresh) in &databases {
            let (sqlite, dialect) = dialect_of(db);
            empty(fresh);
            let created = std::panic::catch_unwind(|| {
                apply_sql(fresh, "tenancy-random-fresh", &tables_sql(&spec, dialect));
            });
            empty(db);
            let migrated = std::panic::catch_unwind(|| {
                apply_sql(db, "tenancy-random-before", &tables_sql(&plain, dialect));
                let migration = if sqlite { &plan.sqlite } else { &plan.postgres };
                apply_sql(db, "tenancy-random-on", migration);
            });
            match (created, migrated) {
                (Err(_), _) => failures.push(format!(
                    "seed {seed} ({}): {}: the tables with tenancy were refused",
                    kept.display(),
                    db.dialect()
                )),
                (_, Err(_)) => failures.push(format!(
                    "seed {seed} ({}): {}: turning tenancy on was refused",
                    kept.display(),
                    db.dialect()
                )),
                (Ok(()), Ok(())) if db.schema() != fresh.schema() => failures.push(format!(
                    "seed {seed} ({}): {}: the migrated schema differs from a new project's",
                    kept.display(),
                    db.dialect()
                )),
                _ => {}
            }
        }
    }
    for (db, fresh) in &databases {
        db.drop();
        fresh.drop();
    }
    eprintln!("[e2e] tenancy: {checked} of {cases} random specs made multi-tenant");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        checked * 5 >= cases,
        "only {checked} of {cases} random specs could be made multi-tenant: the check tests too little"
    );
}
