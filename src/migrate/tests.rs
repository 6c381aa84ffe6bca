use super::*;
use crate::spec::Literal;

fn spec(resources: &str) -> Spec {
    let source = format!("[project]\nname = \"t\"\n\n{resources}");
    crate::spec::parse("t.toml", &source).unwrap_or_else(|r| panic!("{r}"))
}

/// `resources` under jwt beside the tenants' organizations, every other resource per tenant:
/// `[tenancy]` (validated elsewhere) put on the typed spec.
fn tenant_spec(resources: &str) -> Spec {
    let mut spec = spec(&format!(
        "[auth]\nmode = \"jwt\"\n\
         [resources.organization.fields]\nname = {{ type = \"string\" }}\n\
         {resources}"
    ));
    spec.tenancy = Some(crate::spec::Tenancy {
        tenant: "organization".into(),
        global: Vec::new(),
    });
    spec
}

const V1: &str = "[resources.note.fields]\n\
                  title = { type = \"string\", max_length = 80 }\n\
                  body = { type = \"text\", required = false }\n";

#[test]
fn the_same_schema_needs_no_migration() {
    let plan = plan(&spec(V1), &spec(V1), &Backfills::new());
    assert!(plan.is_empty(), "{plan:?}");
    assert_eq!(plan.sqlite, "");
}

#[test]
fn slugs_are_cut_between_whole_words() {
    // Short enough: every word.
    assert_eq!(slug("add column `products.weight`"), "add_products_weight");
    // The case: a limit of 120 becoming 200 on a long name, cut inside `200`
    // before ("..._string_120_string_20").
    let change = "change column `prescriptions.instructions`: type string(120) → string(200)";
    let cut = slug(change);
    assert!(cut.len() <= SLUG_MAX, "{cut}");
    let whole: Vec<&str> = "change_prescriptions_instructions_type_string_120_string_200"
        .split('_')
        .collect();
    // A prefix of whole words (names with underscores count as their parts here).
    let parts: Vec<&str> = cut.split('_').collect();
    assert_eq!(parts, whole[..parts.len()], "{cut}");
    assert!(!cut.ends_with('_'), "{cut}");
    // Every number in the slug is one of the change's numbers, whole.
    for part in &parts {
        if part.chars().all(|c| c.is_ascii_digit()) {
            assert!(["120", "200"].contains(part), "{part} in {cut}");
        }
    }
    // A name is never cut: it is left out whole when it does not fit.
    let long = "rename column `order_line_items.quantity_ordered` to `quantity_requested`";
    assert_eq!(slug(long), "rename_order_line_items_quantity_ordered");
    assert_eq!(
        slug("change column `notes.title`: type string(120) → string(200)"),
        "change_notes_title_type_string_120_string_200"
    );
}

#[test]
fn new_columns_renames_and_tables_in_both_dialects() {
    let v2 = "[resources.note.fields]\n\
              headline = { type = \"string\", max_length = 80, renamed_from = \"title\" }\n\
              body = { type = \"text\", required = false }\n\
              stars = { type = \"integer\", default = 0 }\n\
              [resources.tag.fields]\n\
              name = { type = \"string\", unique = true }\n";
    let plan = plan(&spec(V1), &spec(v2), &Backfills::new());
    assert_eq!(
        plan.changes,
        [
            "rename column `notes.title` to `headline`",
            "add column `notes.stars`",
            "create table `tags`",
        ]
    );
    assert!(
        plan.losses.is_empty() && plan.refused.is_empty(),
        "{plan:?}"
    );
    assert_eq!(plan.slug, "rename_notes_title_headline_and_2_more");
    for sql in [&plan.sqlite, &plan.postgres] {
        assert!(
            sql.contains("ALTER TABLE notes RENAME COLUMN title TO headline;"),
            "{sql}"
        );
        assert!(sql.contains("ALTER TABLE notes ADD COLUMN stars INTEGER NOT NULL DEFAULT 0;"));
        assert!(sql.contains("CREATE TABLE tags ("));
        assert!(sql.contains("CREATE UNIQUE INDEX tags_name_unique ON tags (name);"));
    }
    assert!(
        plan.postgres
            .contains("CREATE TABLE tags (\n    id UUID PRIMARY KEY")
    );
    assert!(
        plan.sqlite
            .contains("CREATE TABLE tags (\n    id BLOB PRIMARY KEY")
    );
}

/// `unique` turned on or off alone is a migration of its own (it wrote none: the index
/// stayed, and a database migrated step by step kept refusing duplicates).
#[test]
fn unique_alone_on_and_off_writes_the_index_change() {
    let v2 = V1.replace("max_length = 80 }", "max_length = 80, unique = true }");
    assert_ne!(v2, V1, "V1 has `title` with a max_length");
    let on = plan(&spec(V1), &spec(&v2), &Backfills::new());
    assert_eq!(on.changes, ["create index `notes_title_unique`"]);
    let off = plan(&spec(&v2), &spec(V1), &Backfills::new());
    assert_eq!(off.changes, ["drop index `notes_title_unique`"]);
    // Rows may share a title already: `update` says so, with the query that finds them
    // (the served chain's first run met it as a migration that failed at start-up).
    assert_eq!(
        on.cautions,
        [
            "`notes_title_unique` is unique: if two rows of `notes` share a value the migration \
          fails and changes nothing; find them first with `SELECT title, COUNT(*) FROM notes \
          GROUP BY title HAVING COUNT(*) > 1;`"
        ]
    );
    assert!(off.cautions.is_empty(), "{:?}", off.cautions);
    for sql in [&on.sqlite, &on.postgres] {
        assert!(
            sql.contains("CREATE UNIQUE INDEX notes_title_unique ON notes (title);"),
            "{sql}"
        );
    }
    for sql in [&off.sqlite, &off.postgres] {
        assert!(sql.contains("DROP INDEX notes_title_unique;"), "{sql}");
    }
}

#[test]
fn drops_are_losses_and_indexes_follow_their_flags() {
    let v2 = "[resources.note]\nsoft_delete = true\n\
              [resources.note.fields]\n\
              title = { type = \"string\", max_length = 80, unique = true }\n";
    let plan = plan(&spec(V1), &spec(v2), &Backfills::new());
    assert_eq!(
        plan.losses,
        ["column `notes.body` and its values in every row"]
    );
    let sql = &plan.sqlite;
    let order = [
        "ALTER TABLE notes DROP COLUMN body;",
        "ALTER TABLE notes ADD COLUMN deleted_at TEXT;",
        "CREATE UNIQUE INDEX notes_title_unique ON notes (title) WHERE deleted_at IS NULL;",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|s| sql.find(s).unwrap_or_else(|| panic!("{s} in {sql}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{sql}");
    // Back: the index goes first, then the column it covered.
    let back = super::plan(&spec(v2), &spec(V1), &Backfills::new());
    assert!(
        back.sqlite.find("DROP INDEX notes_title_unique;")
            < back.sqlite.find("DROP COLUMN deleted_at")
    );
    assert!(
        back.losses
            .contains(&"column `notes.deleted_at` and its values in every row".to_string())
    );
}

#[test]
fn the_first_events_create_the_outbox_and_the_last_drop_it() {
    let v2 = format!("{V1}[resources.note.events]\ncreated = true\n");
    let plan = plan(&spec(V1), &spec(&v2), &Backfills::new());
    assert_eq!(plan.changes, ["create table `outbox_events`"]);
    assert!(plan.losses.is_empty(), "{plan:?}");
    assert!(
        plan.sqlite.contains("seq INTEGER PRIMARY KEY,"),
        "{}",
        plan.sqlite
    );
    assert!(
        plan.postgres
            .contains("seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,")
    );
    assert!(plan.postgres.contains("data JSONB NOT NULL,"));
    // More events on the same outbox change no table.
    let v3 = format!("{V1}[resources.note.events]\ncreated = true\ndeleted = true\n");
    assert!(super::plan(&spec(&v2), &spec(&v3), &Backfills::new()).is_empty());
    let back = super::plan(&spec(&v3), &spec(V1), &Backfills::new());
    assert_eq!(back.changes, ["drop table `outbox_events`"]);
    assert_eq!(back.losses, ["table `outbox_events` and every row in it"]);
}

#[test]
fn the_first_audited_resource_creates_the_trail_and_the_last_drops_it() {
    let jwt = format!("[auth]\nmode = \"jwt\"\n{V1}");
    let v2 = format!("{jwt}[resources.note]\naudit = true\n");
    let plan = plan(&spec(&jwt), &spec(&v2), &Backfills::new());
    assert_eq!(plan.changes, ["create table `audit_log`"]);
    assert!(plan.losses.is_empty(), "{plan:?}");
    assert!(
        plan.postgres.contains("new_values JSONB,"),
        "{}",
        plan.postgres
    );
    assert!(
        plan.sqlite
            .contains("CREATE INDEX audit_log_row_idx ON audit_log (row_id, occurred_at, id);"),
        "{}",
        plan.sqlite
    );
    let back = super::plan(&spec(&v2), &spec(&jwt), &Backfills::new());
    assert_eq!(back.changes, ["drop table `audit_log`"]);
    assert_eq!(back.losses, ["table `audit_log` and every row in it"]);
}

#[test]
fn the_first_job_creates_the_queue_and_the_last_drops_it() {
    let v2 = format!("{V1}[jobs.send_digest]\n");
    let plan = plan(&spec(V1), &spec(&v2), &Backfills::new());
    assert_eq!(plan.changes, ["create table `background_jobs`"]);
    assert!(plan.losses.is_empty(), "{plan:?}");
    assert!(plan.postgres.contains("payload JSONB NOT NULL,"));
    // Another kind of job uses the same table.
    let v3 = format!("{v2}[jobs.send_reminder]\nmax_attempts = 3\n");
    assert!(super::plan(&spec(&v2), &spec(&v3), &Backfills::new()).is_empty());
    let back = super::plan(&spec(&v3), &spec(V1), &Backfills::new());
    assert_eq!(back.changes, ["drop table `background_jobs`"]);
    assert_eq!(back.losses, ["table `background_jobs` and every row in it"]);
}

const TYPED: &str = "[resources.note.fields]\n\
                     title = { type = \"string\", max_length = 80 }\n\
                     body = { type = \"text\", required = false }\n\
                     priority = { type = \"integer\", default = 0 }\n\
                     mood = { type = \"enum\", values = [\"calm\", \"busy\"], default = \"calm\" }\n";

#[test]
fn columns_change_in_place_in_postgres_and_by_a_rebuild_in_sqlite() {
    let v2 = "[resources.note.fields]\n\
              title = { type = \"text\" }\n\
              body = { type = \"text\" }\n\
              priority = { type = \"big_integer\", default = 1 }\n\
              mood = { type = \"enum\", values = [\"calm\", \"busy\", \"tired\"], default = \"calm\" }\n";
    let backfill = Backfills::from([(
        ("notes".to_string(), "body".to_string()),
        Literal::String("-".into()),
    )]);
    let plan = plan(&spec(TYPED), &spec(v2), &backfill);
    assert!(
        plan.refused.is_empty() && plan.losses.is_empty(),
        "{plan:#?}"
    );
    assert_eq!(
        plan.changes,
        [
            "change column `notes.title`: type string(80) → text",
            "change column `notes.body`: now required",
            "change column `notes.priority`: type integer → big_integer, default",
            "change column `notes.mood`: allowed values",
        ]
    );
    let pg = &plan.postgres;
    for statement in [
        "ALTER TABLE notes ALTER COLUMN title TYPE TEXT;",
        "UPDATE notes SET body = '-' WHERE body IS NULL;\nALTER TABLE notes ALTER COLUMN body SET NOT NULL;",
        "ALTER TABLE notes ALTER COLUMN priority DROP DEFAULT;\n\
         ALTER TABLE notes ALTER COLUMN priority TYPE BIGINT;\n\
         ALTER TABLE notes ALTER COLUMN priority SET DEFAULT 1;",
        "ALTER TABLE notes DROP CONSTRAINT notes_mood_check;\n\
         ALTER TABLE notes ADD CONSTRAINT notes_mood_check CHECK (mood IN ('calm', 'busy', 'tired'));",
    ] {
        assert!(pg.contains(statement), "{statement}\nin\n{pg}");
    }
    let lite = &plan.sqlite;
    for statement in [
        "key is checked at the end.\nCREATE TABLE new_notes (",
        "INSERT INTO new_notes (id, title, body, priority, mood, created_at, updated_at)\n    \
         SELECT id, title, COALESCE(body, '-'), priority, mood, created_at, updated_at FROM notes;\n\
         DROP TABLE notes;\nALTER TABLE new_notes RENAME TO notes;\n\
         CREATE INDEX notes_created_at_idx ON notes (created_at, id);",
        "SELECT COUNT(*) FROM pragma_foreign_key_check;",
        "DROP TABLE backend_gen_foreign_key_check;\n",
    ] {
        assert!(lite.contains(statement), "{statement}\nin\n{lite}");
    }
    // Back: every change undone, the new enum value a loss no rollback asks about.
    let (lite_down, pg_down) = plan.down.expect("reversible");
    assert!(
        pg_down.contains("ALTER TABLE notes ALTER COLUMN body DROP NOT NULL;"),
        "{pg_down}"
    );
    assert!(pg_down.contains("ALTER TABLE notes ALTER COLUMN title TYPE VARCHAR(80);"));
    assert!(pg_down.contains("CHECK (mood IN ('calm', 'busy'))"));
    assert!(
        lite_down.contains("SELECT id, title, body, priority, mood"),
        "{lite_down}"
    );
}

#[test]
fn what_cannot_be_migrated_safely_is_refused_with_why() {
    let v2 = "[resources.note.fields]\n\
              title = { type = \"boolean\" }\n\
              body = { type = \"text\", required = false }\n\
              priority = { type = \"integer\" }\n\
              mood = { type = \"enum\", values = [\"calm\"], default = \"calm\" }\n\
              due = { type = \"date\" }\n";
    let plan = plan(&spec(TYPED), &spec(v2), &Backfills::new());
    assert_eq!(plan.refused.len(), 2, "{:#?}", plan.refused);
    assert!(
        plan.refused[0].contains("`notes.title` cannot change from string to boolean"),
        "{:#?}",
        plan.refused
    );
    assert!(plan.refused[1].contains(
        "column `notes.due` is required, and the rows already in the table have no value \
         for it: give it a `default`, or run update with `--backfill RESOURCE.FIELD=VALUE`"
    ));
    assert_eq!(
        plan.losses,
        ["rows whose `notes.mood` is busy make the migration fail: the value is no longer allowed"]
    );
}

#[test]
fn sqlite_drops_a_foreign_key_by_rebuilding_and_timestamps_are_filled_with_the_time() {
    let v1 = "[resources.author.fields]\nname = { type = \"string\" }\n\
              [resources.note]\nbelongs_to = { author = { required = false } }\n\
              timestamps = false\n\
              [resources.note.fields]\ntitle = { type = \"string\" }\n";
    let v2 = "[resources.author.fields]\nname = { type = \"string\" }\n\
              [resources.note.fields]\ntitle = { type = \"string\" }\n";
    let plan = plan(&spec(v1), &spec(v2), &Backfills::new());
    assert!(plan.refused.is_empty(), "{plan:#?}");
    assert!(
        plan.sqlite.contains(
            "INSERT INTO new_notes (id, title, created_at, updated_at)\n    SELECT id, title, \
             strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM notes;"
        ),
        "{}",
        plan.sqlite
    );
    assert!(
        plan.postgres
            .contains("ALTER TABLE notes DROP COLUMN author_id;")
    );
    assert!(plan.postgres.contains(
        "ALTER TABLE notes ADD COLUMN created_at TIMESTAMPTZ;\n\
         UPDATE notes SET created_at = now();\n\
         ALTER TABLE notes ALTER COLUMN created_at SET NOT NULL;"
    ));
    // Undoing it cannot give the rows back their authors, but it puts back the column.
    let (_, pg_down) = plan.down.expect("reversible");
    assert!(
        pg_down.contains(
            "ALTER TABLE notes ADD COLUMN author_id UUID CONSTRAINT notes_author_id_fkey \
         REFERENCES authors (id) ON DELETE RESTRICT;"
        ),
        "{pg_down}"
    );
}

#[test]
fn a_new_plural_or_name_renames_the_table_and_what_is_named_after_it() {
    let v1 = "[resources.author.fields]\nname = { type = \"string\" }\n\
              [resources.tag.fields]\nlabel = { type = \"string\" }\n\
              [resources.note]\nbelongs_to = { author = { required = false } }\n\
              many_to_many = [\"tag\"]\n\
              [resources.note.fields]\ntitle = { type = \"string\" }\n";
    let v2 = "[resources.writer]\nrenamed_from = \"author\"\n\
              [resources.writer.fields]\nname = { type = \"string\" }\n\
              [resources.tag]\nplural = \"labels\"\n\
              [resources.tag.fields]\nlabel = { type = \"string\" }\n\
              [resources.note]\nbelongs_to = { writer = { required = false } }\n\
              many_to_many = [\"tag\"]\n\
              [resources.note.fields]\ntitle = { type = \"string\" }\n";
    let plan = plan(&spec(v1), &spec(v2), &Backfills::new());
    assert!(
        plan.losses.is_empty() && plan.refused.is_empty(),
        "{plan:#?}"
    );
    assert_eq!(
        plan.changes[..4],
        [
            "rename table `authors` to `writers`",
            "rename table `tags` to `labels`",
            "rename table `note_tags` to `note_labels`",
            "rename column `notes.author_id` to `writer_id`",
        ]
    );
    // A renamed table's indexes follow it in the rename's own migration (one transaction),
    // none in a concurrent migration of their own.
    assert!(plan.postgres_concurrent.is_empty(), "{plan:#?}");
    assert!(
        plan.postgres
            .contains("CREATE INDEX labels_created_at_idx ON labels (created_at, id);"),
        "{}",
        plan.postgres
    );
    for statement in [
        "ALTER TABLE authors RENAME TO writers;\nALTER INDEX authors_pkey RENAME TO writers_pkey;",
        "ALTER TABLE note_tags RENAME TO note_labels;\n\
         ALTER INDEX note_tags_pkey RENAME TO note_labels_pkey;\n\
         ALTER INDEX note_tags_tag_id_idx RENAME TO note_labels_tag_id_idx;",
        "ALTER TABLE notes RENAME COLUMN author_id TO writer_id;",
        "ALTER TABLE notes RENAME CONSTRAINT notes_author_id_fkey TO notes_writer_id_fkey;",
    ] {
        assert!(
            plan.postgres.contains(statement),
            "{statement}\nin\n{}",
            plan.postgres
        );
    }
    for statement in [
        "ALTER TABLE note_tags RENAME TO note_labels;",
        "DROP INDEX note_tags_tag_id_idx;",
        "CREATE INDEX note_labels_tag_id_idx ON note_labels (tag_id);",
        "ALTER TABLE notes RENAME COLUMN author_id TO writer_id;",
    ] {
        assert!(
            plan.sqlite.contains(statement),
            "{statement}\nin\n{}",
            plan.sqlite
        );
    }
    let (_, pg_down) = plan.down.expect("reversible");
    assert!(
        pg_down.contains("ALTER TABLE writers RENAME TO authors;"),
        "{pg_down}"
    );
    assert!(pg_down.contains("ALTER TABLE notes RENAME COLUMN writer_id TO author_id;"));
}

/// A field made filterable gets its list index, and the reverse drops it: in SQLite's
/// migration as any index, in PostgreSQL's without blocking writes (`CONCURRENTLY`, in a
/// migration of its own that runs outside a transaction). A table whose columns change
/// keeps its index changes in its transaction.
#[test]
fn list_indexes_follow_filter_and_sort_concurrently_on_postgres() {
    let v2 = V1.replace("max_length = 80 }", "max_length = 80, filter = true }");
    assert_ne!(v2, V1, "V1 has `title` with a max_length");
    let on = plan(&spec(V1), &spec(&v2), &Backfills::new());
    assert_eq!(on.changes, ["create index `notes_title_idx`"]);
    let create = "notes_title_idx ON notes (title, created_at, id);";
    assert!(
        on.sqlite.contains(&format!("CREATE INDEX {create}")),
        "{}",
        on.sqlite
    );
    assert_eq!(on.postgres, "", "PostgreSQL's whole change is concurrent");
    let [index] = on.postgres_concurrent.as_slice() else {
        panic!("{:?}", on.postgres_concurrent)
    };
    assert_eq!(index.up, format!("CREATE INDEX CONCURRENTLY {create}"));
    assert_eq!(index.down, "DROP INDEX CONCURRENTLY notes_title_idx;");
    assert!(index.file(&index.up).starts_with("-- no-transaction\n"));
    let (lite_down, pg_down) = on.down.expect("reversible");
    assert!(
        lite_down.contains("DROP INDEX notes_title_idx;"),
        "{lite_down}"
    );
    assert_eq!(pg_down, "");
    let off = plan(&spec(&v2), &spec(V1), &Backfills::new());
    assert_eq!(off.changes, ["drop index `notes_title_idx`"]);
    let [index] = off.postgres_concurrent.as_slice() else {
        panic!("{:?}", off.postgres_concurrent)
    };
    assert_eq!(index.up, "DROP INDEX CONCURRENTLY notes_title_idx;");
    assert_eq!(index.down, format!("CREATE INDEX CONCURRENTLY {create}"));

    // A new filterable column: its index comes with it, in the transaction.
    let v3 = format!("{V1}rank = {{ type = \"integer\", default = 0, sort = true }}\n");
    let added = plan(&spec(V1), &spec(&v3), &Backfills::new());
    assert_eq!(added.postgres_concurrent, []);
    assert!(
        added
            .postgres
            .contains("CREATE INDEX notes_rank__sort_idx ON notes (rank, id);"),
        "{}",
        added.postgres
    );
}

/// A project from before its admin lists were served by indexes (jobs, webhook
/// subscriptions and deliveries) gets them from its next update, even with its spec
/// unchanged: in SQLite's migration, and on PostgreSQL each `CONCURRENTLY` in a migration of
/// its own; the job queue's `(state, updated_at)` becomes `(state, updated_at, id)` under its
/// name. Undone, it is the earlier project again.
#[test]
fn an_older_project_gets_its_admin_lists_indexes_concurrently_on_postgres() {
    let source = "[auth]\nmode = \"jwt\"\n\n\
                  [resources.user.fields]\nname = { type = \"string\" }\n\n\
                  [resources.note.fields]\ntitle = { type = \"string\" }\n\
                  [resources.note.events]\ncreated = true\n";
    let shop = spec(source);
    assert!(shop.webhooks() && shop.has_job_queue());
    let had = Earlier {
        tables: crate::schema::service_tables(&shop).into_iter().collect(),
        emails_folded: true,
        list_indexes: true,
        admin_list_indexes: false,
        trace_context: true,
        owner_list_indexes: true,
        tenant_policies_alone: true,
        tenant_list_columns: true,
        audit_tenant: true,
        event_tenant: true,
    };
    let plan = plan_from(&shop, Some(&had), &shop, &Backfills::new());
    assert_eq!(
        plan.changes,
        [
            "recreate index `background_jobs_state_idx`",
            "create index `background_jobs_kind_idx`",
            "create index `background_jobs_updated_at_idx`",
            "create index `webhook_subscriptions_created_at_idx`",
            "create index `webhook_deliveries_subscription_idx`",
        ]
    );
    assert!(
        plan.refused.is_empty() && plan.losses.is_empty(),
        "{plan:?}"
    );
    let created = [
        "background_jobs_state_idx ON background_jobs (state, updated_at, id);",
        "background_jobs_kind_idx ON background_jobs (kind, updated_at, id);",
        "background_jobs_updated_at_idx ON background_jobs (updated_at, id);",
        "webhook_subscriptions_created_at_idx ON webhook_subscriptions (created_at, id);",
        "webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at, id);",
    ];
    assert!(
        plan.sqlite
            .contains("DROP INDEX background_jobs_state_idx;"),
        "{}",
        plan.sqlite
    );
    for index in created {
        assert!(
            plan.sqlite.contains(&format!("CREATE INDEX {index}")),
            "{}",
            plan.sqlite
        );
    }
    assert_eq!(plan.postgres, "", "PostgreSQL's whole change is concurrent");
    let ups: Vec<&str> = plan
        .postgres_concurrent
        .iter()
        .map(|c| c.up.as_str())
        .collect();
    let mut expected = vec!["DROP INDEX CONCURRENTLY background_jobs_state_idx;".to_owned()];
    expected.extend(
        created
            .iter()
            .map(|i| format!("CREATE INDEX CONCURRENTLY {i}")),
    );
    assert_eq!(ups, expected);
    let earlier = "CREATE INDEX CONCURRENTLY background_jobs_state_idx ON background_jobs \
                   (state, updated_at);";
    assert_eq!(plan.postgres_concurrent[0].down, earlier);
    let (lite_down, _) = plan.down.expect("reversible");
    assert!(
        lite_down.contains(
            "CREATE INDEX background_jobs_state_idx ON background_jobs (state, updated_at);"
        ),
        "{lite_down}"
    );
    assert!(lite_down.contains("DROP INDEX webhook_deliveries_subscription_idx;"));

    // Recorded as indexed, the project needs nothing more; a new project creates them all.
    let now = Earlier {
        admin_list_indexes: true,
        ..had
    };
    assert!(plan_from(&shop, Some(&now), &shop, &Backfills::new()).is_empty());
    let jobs = crate::sql::create_jobs(Dialect(Database::Postgres));
    assert!(
        jobs.contains(&format!("CREATE INDEX {}", created[0])),
        "{jobs}"
    );
    assert!(jobs.contains("CREATE INDEX background_jobs_due_idx ON background_jobs (run_after)"));
}

/// A project generated before the outbox and the job queue kept each row's trace context
/// gets the column added to both (nullable, so rows already there keep theirs unset), in
/// place on both databases; undone, the columns go again. Recorded as kept, nothing changes.
#[test]
fn an_older_project_gets_the_trace_context_columns() {
    let source = "[resources.note.fields]\ntitle = { type = \"string\" }\n\
                  [resources.note.events]\ncreated = true\n\n\
                  [jobs.tell]\non = [\"note.created\"]\n";
    let notes = spec(source);
    assert!(notes.emits_events() && notes.has_job_queue());
    let had = Earlier {
        tables: crate::schema::service_tables(&notes).into_iter().collect(),
        emails_folded: true,
        list_indexes: true,
        admin_list_indexes: true,
        trace_context: false,
        owner_list_indexes: true,
        tenant_policies_alone: true,
        tenant_list_columns: true,
        audit_tenant: true,
        event_tenant: true,
    };
    let plan = plan_from(&notes, Some(&had), &notes, &Backfills::new());
    assert_eq!(
        plan.changes,
        [
            "add column `outbox_events.trace_context`",
            "add column `background_jobs.trace_context`",
        ]
    );
    assert!(
        plan.refused.is_empty() && plan.losses.is_empty(),
        "{plan:?}"
    );
    for sql in [&plan.sqlite, &plan.postgres] {
        for table in ["outbox_events", "background_jobs"] {
            let add = format!("ALTER TABLE {table} ADD COLUMN trace_context TEXT;");
            assert!(sql.contains(&add), "{sql}");
        }
        assert!(!sql.contains("CREATE TABLE"), "{sql}");
    }
    let (lite_down, pg_down) = plan.down.expect("reversible");
    for sql in [&lite_down, &pg_down] {
        assert!(
            sql.contains("ALTER TABLE outbox_events DROP COLUMN trace_context;"),
            "{sql}"
        );
    }

    let now = Earlier {
        trace_context: true,
        ..had
    };
    assert!(plan_from(&notes, Some(&now), &notes, &Backfills::new()).is_empty());
    for dialect in [Database::Sqlite, Database::Postgres] {
        let outbox = crate::sql::create_outbox(false, Dialect(dialect));
        assert!(outbox.contains("    trace_context TEXT,\n"), "{outbox}");
        let jobs = crate::sql::create_jobs(Dialect(dialect));
        assert!(jobs.contains("    trace_context TEXT,\n"), "{jobs}");
    }
}

/// A project generated before an owner's lists had their own indexes (issue 70) gets them
/// in its next update's migration, and nothing else; a project that has them gets nothing.
#[test]
fn an_older_project_gets_the_indexes_of_its_owners_lists() {
    let source = "[auth]\nmode = \"jwt\"\n\n\
                  [resources.user.fields]\nname = { type = \"string\" }\n\n\
                  [resources.shelf.fields]\nlabel = { type = \"string\" }\n\n\
                  [resources.loan]\nbelongs_to = { borrower = { resource = \"user\" }, shelf = {} }\n\
                  owner = \"borrower\"\n\
                  access = { list = [\"owner\", \"admin\"], read = [\"owner\"], create = \"authenticated\", update = \"owner\", delete = \"owner\" }\n\
                  [resources.loan.fields]\ndue = { type = \"date\", sort = true }\n";
    let library = spec(source);
    let had = Earlier {
        owner_list_indexes: false,
        ..Earlier::current(&library)
    };
    let plan = plan_from(&library, Some(&had), &library, &Backfills::new());
    assert_eq!(
        plan.changes,
        [
            "create index `loans_borrower_id__shelf_id_idx`",
            "create index `loans_borrower_id__shelf_id__sort_idx`",
            "create index `loans_borrower_id__due__sort_idx`",
        ]
    );
    let now = Earlier {
        owner_list_indexes: true,
        ..had
    };
    assert!(plan_from(&library, Some(&now), &library, &Backfills::new()).is_empty());
}

/// Issue 70: a `renamed_from` an earlier update applied stays in the spec; a later `plural`
/// change of that resource renames its table, where it once dropped it and created another
/// (every row lost, and its children's foreign keys broken). The served chain of spec
/// changes found it.
#[test]
fn a_plural_change_renames_the_table_after_an_earlier_rename() {
    let v1 = "[resources.writer]\nrenamed_from = \"author\"\n\
              [resources.writer.fields]\nname = { type = \"string\" }\n\
              [resources.note]\nbelongs_to = { writer = { required = false } }\n\
              [resources.note.fields]\ntitle = { type = \"string\" }\n";
    let v2 = v1.replace(
        "renamed_from = \"author\"\n",
        "renamed_from = \"author\"\nplural = \"scribes\"\n",
    );
    let plan = plan(&spec(v1), &spec(&v2), &Backfills::new());
    assert!(
        plan.losses.is_empty() && plan.refused.is_empty(),
        "{plan:#?}"
    );
    assert_eq!(
        plan.changes[0], "rename table `writers` to `scribes`",
        "{plan:#?}"
    );
    assert!(
        !plan.changes.iter().any(|c| c.starts_with("drop table")),
        "{plan:#?}"
    );
}

/// Issue 70: a float or decimal that becomes an integer is rounded in SQLite's copy too;
/// copied as it was, a value with a fraction stayed REAL in the INTEGER column and every
/// read of its row was a 500.
#[test]
fn sqlite_rounds_a_number_that_becomes_an_integer() {
    let v1 =
        "[resources.note.fields]\nweight = { type = \"float\" }\nprice = { type = \"decimal\" }\n";
    let v2 = "[resources.note.fields]\nweight = { type = \"big_integer\" }\nprice = { type = \"integer\" }\n";
    let plan = plan(&spec(v1), &spec(v2), &Backfills::new());
    assert!(plan.refused.is_empty(), "{plan:#?}");
    assert!(
        plan.sqlite.contains(
            "SELECT id, CAST(ROUND(weight) AS INTEGER), CAST(ROUND(price) AS INTEGER), created_at"
        ),
        "{}",
        plan.sqlite
    );
}

/// Asserts that `plan` is free of refusals and losses and names `change` among its changes.
fn assert_lossless_with(plan: &Plan, change: &str) {
    assert!(
        plan.refused.is_empty() && plan.losses.is_empty(),
        "{plan:#?}"
    );
    assert!(
        plan.changes.iter().any(|c| c == change),
        "no {change:?} in {:?}",
        plan.changes
    );
}

/// A field that becomes personal keeps its values as they are (the migration has no keys):
/// the column loses its PostgreSQL length, gets its blind index, the keys' table comes, and
/// `update` says to run `rotate-keys`. Renamed, it takes its blind index along; made plain
/// again, it is refused.
#[test]
fn a_field_made_personal_is_sealed_by_rotate_keys_and_never_unsealed_by_a_migration() {
    let personal = "[resources.note.fields]\n\
                    title = { type = \"string\", max_length = 80, personal = true, filter = true }\n\
                    body = { type = \"text\", required = false }\n";
    let plan = plan(&spec(V1), &spec(personal), &Backfills::new());
    assert_lossless_with(&plan, "add column `notes.title_hmac`");
    assert!(
        plan.changes
            .iter()
            .any(|c| c == "create table `personal_data_keys`"),
        "{:?}",
        plan.changes
    );
    assert!(plan.postgres.contains("TYPE TEXT"), "{}", plan.postgres);
    assert_eq!(plan.after.len(), 1, "{:?}", plan.after);
    assert!(plan.after[0].contains("`notes.title`"), "{}", plan.after[0]);
    assert!(plan.after[0].contains(ROTATE_KEYS), "{}", plan.after[0]);

    // Renamed, the field's blind index is renamed with it: nothing is lost.
    let renamed = personal.replace(
        "title = { type = \"string\", max_length = 80, personal = true, filter = true }",
        "headline = { type = \"string\", max_length = 80, personal = true, filter = true, renamed_from = \"title\" }",
    );
    let plan = plan_from(&spec(personal), None, &spec(&renamed), &Backfills::new());
    assert!(
        plan.losses.is_empty() && plan.refused.is_empty(),
        "{plan:#?}"
    );
    assert!(plan.after.is_empty(), "{:?}", plan.after);
    assert!(
        plan.changes
            .iter()
            .any(|c| c.contains("`notes.title_hmac`") && c.contains("headline_hmac")),
        "{:?}",
        plan.changes
    );

    // Made plain again without the mark `update` sets: refused, as the stored values are
    // sealed and nothing would open them.
    let back = plan_from(&spec(personal), None, &spec(V1), &Backfills::new());
    assert_eq!(back.refused.len(), 1, "{back:#?}");
    assert!(back.refused[0].contains("`notes.title` stops being personal"));
}

/// A personal field made plain again (what `update` does: `mark_sealed_before`): its
/// column keeps its type and loses its blind index; `update` says the new version unseals
/// the values as it starts. The mark stays through later versions and renames, and goes
/// when the field is personal again or gone; made another type than text, it is refused.
#[test]
fn a_personal_field_made_plain_again_is_unsealed_by_the_service() {
    let personal = "[resources.note.fields]\n\
                    title = { type = \"string\", max_length = 80, personal = true, filter = true }\n\
                    body = { type = \"text\", required = false }\n";
    // Unique too: the index moves to the column, over values that were unique already.
    let unique = |text: &str| text.replace("max_length = 80", "max_length = 80, unique = true");
    let (mut old, mut new) = (spec(&unique(personal)), spec(&unique(V1)));
    mark_sealed_before(&mut old, &BTreeSet::new(), &mut new);
    let plan = plan_from(&old, None, &new, &Backfills::new());
    assert!(plan.cautions.is_empty(), "{:?}", plan.cautions);
    assert!(
        plan.refused.is_empty() && plan.losses.is_empty(),
        "{plan:#?}"
    );
    let kept = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    let (mut old, mut new) = (spec(personal), spec(V1));
    mark_sealed_before(&mut old, &kept(&[]), &mut new);
    let marked: Vec<&str> = (new.resources[0].fields.iter())
        .filter(|f| f.sealed_before)
        .map(|f| f.names.snake.as_str())
        .collect();
    assert_eq!(marked, ["title"]);
    let plan = plan_from(&old, None, &new, &Backfills::new());
    assert_lossless_with(&plan, "drop column `notes.title_hmac`");
    // No `VARCHAR(80)`: sealed values are longer, and the service unseals them later.
    assert!(!plan.postgres.contains("TYPE"), "{}", plan.postgres);
    assert_eq!(plan.after.len(), 1, "{:?}", plan.after);
    assert!(
        plan.after[0].contains("`notes.title`")
            && plan.after[0].contains("unseals them as it starts"),
        "{}",
        plan.after[0]
    );
    // The keys' table stays: the service still opens what the column holds.
    assert!(new.has_personal());

    // The next update: the project remembers the field (generated.toml), renamed or not.
    let renamed = V1.replace(
        "title = { type = \"string\", max_length = 80 }",
        "headline = { type = \"string\", max_length = 120, renamed_from = \"title\" }",
    );
    let (mut old, mut new) = (spec(V1), spec(&renamed));
    mark_sealed_before(&mut old, &kept(&["note.title"]), &mut new);
    assert!(old.resources[0].fields[0].sealed_before);
    assert!(
        new.resources[0].fields[0].sealed_before,
        "followed through its rename"
    );
    let plan = plan_from(&old, None, &new, &Backfills::new());
    assert_lossless_with(&plan, "rename column `notes.title` to `headline`");
    assert!(!plan.postgres.contains("TYPE"), "{}", plan.postgres);
    assert!(plan.after.is_empty(), "{:?}", plan.after);

    // Personal again: no mark (rotate-keys seals what is plain).
    let (mut old, mut new) = (spec(V1), spec(personal));
    mark_sealed_before(&mut old, &kept(&["note.title"]), &mut new);
    assert!(new.resources[0].fields.iter().all(|f| !f.sealed_before));

    // Another type: refused, naming the way through.
    let retyped = V1.replace(
        "title = { type = \"string\", max_length = 80 }",
        "title = { type = \"integer\" }",
    );
    let (mut old, mut new) = (spec(personal), spec(&retyped));
    mark_sealed_before(&mut old, &kept(&[]), &mut new);
    let plan = plan_from(&old, None, &new, &Backfills::new());
    assert!(
        plan.refused
            .iter()
            .any(|r| r.contains("make the field plain first")),
        "{:?}",
        plan.refused
    );
}

/// The accounts' email made personal (`[auth] personal_email`): the column loses its
/// PostgreSQL length and gets its blind index, whose unique index replaces the folded one;
/// `update` says the service seals the stored addresses as it starts. Made plain again, it
/// is refused, naming the key to keep.
#[test]
fn the_accounts_email_made_personal_is_sealed_as_the_service_starts() {
    let plain = format!("[auth]\nmode = \"jwt\"\n{V1}");
    let personal = format!("[auth]\nmode = \"jwt\"\npersonal_email = true\n{V1}");
    let plan = plan(&spec(&plain), &spec(&personal), &Backfills::new());
    assert_lossless_with(&plan, "add column `users.email_hmac`");
    assert!(plan.postgres.contains("(email_hmac)"), "{}", plan.postgres);
    assert!(!plan.postgres.contains("lower(email)"), "{}", plan.postgres);
    assert!(plan.postgres.contains("TYPE TEXT"), "{}", plan.postgres);
    assert_eq!(plan.after.len(), 1, "{:?}", plan.after);
    assert!(plan.after[0].contains("as it starts"), "{}", plan.after[0]);
    // The index is over a column the migration adds empty: no two rows can clash there.
    assert!(plan.cautions.is_empty(), "{:?}", plan.cautions);

    let back = plan_from(&spec(&personal), None, &spec(&plain), &Backfills::new());
    assert_eq!(back.refused.len(), 1, "{back:#?}");
    assert!(
        back.refused[0].contains("`[auth] personal_email = true`"),
        "{}",
        back.refused[0]
    );
}

/// A per-tenant table renamed (`renamed_from`) takes its row-level security policy along on
/// PostgreSQL under the name a new project gives it, and back when undone.
#[test]
fn a_renamed_per_tenant_table_renames_its_policy() {
    let v1 = tenant_spec("[resources.task.fields]\ntitle = { type = \"string\" }\n");
    let v2 = tenant_spec(
        "[resources.chore]\nrenamed_from = \"task\"\n\
         [resources.chore.fields]\ntitle = { type = \"string\" }\n",
    );
    let plan = plan(&v1, &v2, &Backfills::new());
    let rename = "ALTER POLICY tasks_tenant_isolation ON chores RENAME TO chores_tenant_isolation;";
    assert!(plan.postgres.contains(rename), "{}", plan.postgres);
    assert!(!plan.sqlite.contains("POLICY"), "{}", plan.sqlite);
    let (_, down) = plan.down.clone().unwrap();
    assert!(
        down.contains(
            "ALTER POLICY chores_tenant_isolation ON tasks RENAME TO tasks_tenant_isolation;"
        ),
        "{down}"
    );
}

/// A renamed per-tenant parent keeps its `(tenant_id, id)` key under its new name: renamed on
/// PostgreSQL, never dropped, since its children's foreign keys depend on it (dropping it
/// failed the migration: the served chain's rename of a parent, 2026-12-05); and back.
#[test]
fn a_renamed_per_tenant_parent_renames_the_key_its_children_refer_to() {
    let child = "[resources.step]\nbelongs_to = { task = \"task\" }\n\
                 [resources.step.fields]\nnote = { type = \"string\" }\n";
    let v1 = tenant_spec(&format!(
        "[resources.task.fields]\ntitle = {{ type = \"string\" }}\n{child}"
    ));
    let v2 = tenant_spec(&format!(
        "[resources.chore]\nrenamed_from = \"task\"\n\
         [resources.chore.fields]\ntitle = {{ type = \"string\" }}\n{}",
        child.replace("\"task\" }", "\"chore\" }")
    ));
    let plan = plan(&v1, &v2, &Backfills::new());
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    let rename = "ALTER TABLE chores RENAME CONSTRAINT tasks_tenant_id_id_unique TO chores_tenant_id_id_unique;";
    assert!(plan.postgres.contains(rename), "{}", plan.postgres);
    assert!(
        !plan
            .postgres
            .contains("DROP CONSTRAINT tasks_tenant_id_id_unique"),
        "{}",
        plan.postgres
    );
    let (_, down) = plan.down.clone().unwrap();
    let back = "ALTER TABLE tasks RENAME CONSTRAINT chores_tenant_id_id_unique TO tasks_tenant_id_id_unique;";
    assert!(down.contains(back), "{down}");
}

/// A project whose tenant policies also admit `app.every_tenant` (generated before
/// 2026-12-05) gets them rewritten to test the tenant alone, on PostgreSQL, last in the
/// migration (after any table it renames or creates), whatever else changes; back, they
/// admit it again. Recorded as rewritten, or without tenancy, nothing is written.
/// `tests/update_chain/tenant_schema.rs` runs both blocks on PostgreSQL.
#[test]
fn earlier_tenant_policies_are_rewritten_to_test_the_tenant_alone() {
    let v1 = tenant_spec("[resources.task.fields]\ntitle = { type = \"string\" }\n");
    let earlier = Earlier {
        tenant_policies_alone: false,
        ..Earlier::current(&v1)
    };
    let change = "tenant policies test the tenant alone (postgres)";
    let plan = plan_from(&v1, Some(&earlier), &v1, &Backfills::new());
    assert_eq!(plan.changes, [change]);
    assert_eq!(plan.slug, "tenant_policies_test_the_tenant_alone_postgres");
    assert!(
        plan.sqlite
            .ends_with("-- Nothing changes in this dialect's schema.\n"),
        "{}",
        plan.sqlite
    );
    let alone = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid";
    let rewrite = format!(
        "EXECUTE format('ALTER POLICY %I ON %I USING (%s) WITH CHECK (%s)',\n            \
         p.policyname, p.tablename, $test${alone}$test$, $test${alone}$test$);"
    );
    assert!(plan.postgres.contains(&rewrite), "{}", plan.postgres);
    assert!(
        plan.postgres
            .contains("AND position('app.every_tenant' in qual) > 0")
    );
    let (lite_back, pg_back) = plan.down.clone().unwrap();
    assert!(
        lite_back.contains("tenant policies admit every tenant again"),
        "{lite_back}"
    );
    let either = format!("{alone} OR current_setting('app.every_tenant', true) = 'on'");
    assert!(
        pg_back.contains(&format!("$test${either}$test$")),
        "{pg_back}"
    );
    assert!(pg_back.contains("AND position('app.every_tenant' in qual) = 0"));

    // With another change, the rewrite comes after it, so it finds the renamed table's
    // policy by its new name.
    let v2 = tenant_spec(
        "[resources.chore]\nrenamed_from = \"task\"\n\
         [resources.chore.fields]\ntitle = { type = \"string\" }\n",
    );
    let plan = plan_from(&v1, Some(&earlier), &v2, &Backfills::new());
    assert_eq!(plan.changes.last().map(String::as_str), Some(change));
    let (renamed, rewritten) = (
        plan.postgres
            .find("RENAME TO chores_tenant_isolation")
            .unwrap(),
        plan.postgres.find("DO $$").unwrap(),
    );
    assert!(renamed < rewritten, "{}", plan.postgres);

    let now = Earlier::current(&v1);
    assert!(plan_from(&v1, Some(&now), &v1, &Backfills::new()).is_empty());
    let plain = spec("[resources.task.fields]\ntitle = { type = \"string\" }\n");
    let plan = plan_from(&plain, Some(&earlier), &plain, &Backfills::new());
    assert!(plan.is_empty(), "{plan:?}");
}

/// Under `[tenancy]` (validated elsewhere; put on the typed spec here), a relation added to
/// a per-tenant table brings its key with the tenant: PostgreSQL adds the constraint once
/// the indexes it needs exist and drops it first when undone; SQLite rebuilds the table
/// with it.
#[test]
fn a_relation_between_per_tenant_tables_keeps_its_key_with_the_tenant() {
    let tenants = |task: &str| {
        tenant_spec(&format!(
            "[resources.project.fields]\ncode = {{ type = \"string\" }}\n\
             {task}[resources.task.fields]\ntitle = {{ type = \"string\" }}\n"
        ))
    };
    let (v1, v2) = (
        tenants(""),
        tenants(
            "[resources.task]\nbelongs_to = { project = { required = false, on_delete = \"set_null\" } }\n",
        ),
    );
    let plan = plan(&v1, &v2, &Backfills::new());
    let key = "tasks_project_id_tenant_fkey";
    assert!(
        plan.changes
            .contains(&format!("add constraint `tasks.{key}`")),
        "{:?}",
        plan.changes
    );
    let add = format!(
        "ALTER TABLE tasks ADD CONSTRAINT {key} FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id);"
    );
    let at = plan
        .postgres
        .find(&add)
        .unwrap_or_else(|| panic!("{}", plan.postgres));
    let index = plan
        .postgres
        .find("CREATE INDEX tasks_project_id_idx ON tasks (tenant_id, project_id")
        .unwrap();
    assert!(index < at, "{}", plan.postgres);
    assert!(plan.sqlite.contains(&format!("CONSTRAINT {key} FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id)\n);")), "{}", plan.sqlite);
    let (_, down) = plan.down.clone().unwrap();
    let drop = down
        .find(&format!("ALTER TABLE tasks DROP CONSTRAINT {key};"))
        .unwrap_or_else(|| panic!("{down}"));
    assert!(
        drop < down.find("DROP COLUMN project_id").unwrap(),
        "{down}"
    );
}

/// `[tenancy]` added to a project with rows: the first tenant (its required name from
/// `--backfill`) and the accounts' memberships come before the tenant's column, which every
/// row gets filled with it; the keys and the policy follow, then the per-tenant join table
/// is copied with each link's tenant. It is written only alone, and never undone.
#[test]
fn tenancy_is_turned_on_with_every_row_in_a_first_tenant() {
    let source = "[auth]\nmode = \"jwt\"\n\
                  [resources.organization.fields]\nname = { type = \"string\", required = true }\n\
                  [resources.label.fields]\nname = { type = \"string\" }\n\
                  [resources.project]\nmany_to_many = [\"label\"]\n\
                  [resources.project.fields]\ncode = { type = \"string\", unique = true }\n";
    let old = spec(source);
    let mut new = spec(source);
    new.tenancy = Some(crate::spec::Tenancy {
        tenant: "organization".into(),
        global: Vec::new(),
    });
    let mut backfills = Backfills::new();
    backfills.insert(
        ("organizations".into(), "name".into()),
        Literal::String("Acme".into()),
    );
    let plan = plan(&old, &new, &backfills);
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    assert!(
        plan.changes[0].starts_with("turn tenancy on"),
        "{:?}",
        plan.changes
    );
    assert!(plan.down.is_none(), "{:?}", plan.irreversible);
    let pg = &plan.postgres;
    let order = [
        "CREATE TABLE tenant_memberships (",
        "INSERT INTO organizations (id, name, created_at, updated_at)\n    SELECT '00000000-0000-4000-8000-000000000001', 'Acme', now(), now()\n    WHERE EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM labels) OR EXISTS (SELECT 1 FROM projects);",
        "INSERT INTO tenant_memberships (tenant_id, user_id, roles, created_at)\n    SELECT '00000000-0000-4000-8000-000000000001', id, roles, now() FROM users;",
        "ALTER TABLE projects ADD COLUMN tenant_id UUID CONSTRAINT projects_tenant_id_fkey REFERENCES organizations (id) ON DELETE CASCADE;",
        "UPDATE projects SET tenant_id = '00000000-0000-4000-8000-000000000001';",
        "ALTER TABLE projects ALTER COLUMN tenant_id SET NOT NULL;",
        "CREATE UNIQUE INDEX projects_code_unique ON projects (tenant_id, code);",
        "ALTER TABLE projects ADD CONSTRAINT projects_tenant_id_id_unique UNIQUE (tenant_id, id);",
        "CREATE POLICY projects_tenant_isolation ON projects",
        "CREATE TABLE new_project_labels (",
        "INSERT INTO new_project_labels (tenant_id, project_id, label_id)\n    SELECT '00000000-0000-4000-8000-000000000001', project_id, label_id FROM project_labels;",
        "ALTER TABLE new_project_labels RENAME TO project_labels;",
        "ALTER INDEX new_project_labels_pkey RENAME TO project_labels_pkey;",
        "CREATE POLICY project_labels_tenant_isolation ON project_labels",
    ];
    let mut from = 0;
    for statement in order {
        let at = pg[from..]
            .find(statement)
            .unwrap_or_else(|| panic!("{statement}\nnot after {from} in\n{pg}"));
        from += at + statement.len();
    }
    // SQLite copies the table with every row's tenant.
    assert!(
        plan.sqlite.contains("X'00000000000040008000000000000001'"),
        "{}",
        plan.sqlite
    );
    // Without the first tenant's name, with another change, or off again: refused.
    let unnamed = super::plan(&old, &new, &Backfills::new());
    assert!(
        unnamed
            .refused
            .iter()
            .any(|r| r.contains("--backfill organization.name=VALUE")),
        "{:?}",
        unnamed.refused
    );
    let mut more = spec(&format!(
        "{source}[resources.note.fields]\nbody = {{ type = \"text\" }}\n"
    ));
    more.tenancy = new.tenancy.clone();
    let both = super::plan(&old, &more, &backfills);
    assert!(
        both.refused
            .iter()
            .any(|r| r.contains("in an update of its own")),
        "{:?}",
        both.refused
    );
    let off = super::plan(&new, &old, &backfills);
    assert!(
        off.refused
            .iter()
            .any(|r| r.contains("turning tenancy off")),
        "{:?}",
        off.refused
    );
}

/// A per-tenant decimal's scaled column (`schema_names::Scaled`) is generated by PostgreSQL
/// from the decimal, which cannot change type while it is there: a change of the decimal's
/// type drops it (with its index) before the `ALTER COLUMN`, and adds both back after;
/// a renamed decimal gets it under its new name; a decimal made wider than a `BIGINT`
/// holds loses it. SQLite has none.
#[test]
fn a_per_tenant_decimals_scaled_column_follows_the_decimal() {
    let fields = tenant_item;
    let v1 = fields("price = { type = \"decimal\", scale = 2, sort = true }");
    let created = items_on_postgres(&v1);
    assert!(
        created.contains(
            "price_scaled BIGINT GENERATED ALWAYS AS (CAST(price * 100 AS BIGINT)) STORED"
        ),
        "{created}"
    );
    assert!(
        created.contains("ON items (tenant_id, price_scaled, id)"),
        "{created}"
    );
    let sqlite = tables(&v1, Dialect(Database::Sqlite));
    assert!(sqlite.iter().all(|t| !t.create.contains("scaled")));

    // The scale changes: the column is made again, around the type change.
    let v2 = fields("price = { type = \"decimal\", precision = 12, scale = 3, sort = true }");
    let up = plan(&v1, &v2, &Backfills::new());
    assert!(up.refused.is_empty(), "{:?}", up.refused);
    let order = [
        "DROP INDEX items_price__sort_idx;",
        "ALTER TABLE items DROP COLUMN price_scaled;",
        "ALTER TABLE items ALTER COLUMN price TYPE NUMERIC(12, 3);",
        "ALTER TABLE items ADD COLUMN price_scaled BIGINT GENERATED ALWAYS AS (CAST(price * 1000 AS BIGINT)) STORED;",
        "ON items (tenant_id, price_scaled, id);",
    ];
    assert_in_order(&up.postgres, &order);
    assert!(!up.sqlite.contains("scaled"), "{}", up.sqlite);
    let (_, down) = up.down.clone().unwrap_or_default();
    assert_in_order(
        &down,
        &[
            "ALTER TABLE items DROP COLUMN price_scaled;",
            "ALTER TABLE items ALTER COLUMN price TYPE NUMERIC(18, 2);",
            "ADD COLUMN price_scaled BIGINT GENERATED ALWAYS AS (CAST(price * 100 AS BIGINT)) STORED;",
        ],
    );

    // The precision alone changes: the generation is the same, the column still goes first.
    let v3 = fields("price = { type = \"decimal\", precision = 14, scale = 2, sort = true }");
    let up = plan(&v1, &v3, &Backfills::new());
    assert_in_order(
        &up.postgres,
        &[
            "ALTER TABLE items DROP COLUMN price_scaled;",
            "ALTER COLUMN price TYPE NUMERIC(14, 2);",
            "ALTER TABLE items ADD COLUMN price_scaled",
            "(tenant_id, price_scaled, id);",
        ],
    );

    // Renamed: the new name's column, from the renamed decimal.
    let v4 =
        fields("cost = { type = \"decimal\", scale = 2, sort = true, renamed_from = \"price\" }");
    let up = plan(&v1, &v4, &Backfills::new());
    assert!(up.refused.is_empty(), "{:?}", up.refused);
    assert_in_order(
        &up.postgres,
        &[
            "ALTER TABLE items DROP COLUMN price_scaled;",
            "ALTER TABLE items RENAME COLUMN price TO cost;",
            "ADD COLUMN cost_scaled BIGINT GENERATED ALWAYS AS (CAST(cost * 100 AS BIGINT)) STORED;",
        ],
    );

    // Wider than a BIGINT holds: compared as a decimal, no scaled column.
    let v5 = fields("price = { type = \"decimal\", precision = 30, scale = 2, sort = true }");
    let up = plan(&v1, &v5, &Backfills::new());
    assert!(
        up.postgres
            .contains("ALTER TABLE items DROP COLUMN price_scaled;")
    );
    assert!(
        !up.postgres.contains("ADD COLUMN price_scaled"),
        "{}",
        up.postgres
    );
    assert!(
        up.postgres.contains("(tenant_id, price, id)"),
        "{}",
        up.postgres
    );

    // The same spec again: nothing to do.
    assert!(plan_is_empty(&v1));
}

/// A per-tenant resource `item` with a title and `field` (a TOML line).
fn tenant_item(field: &str) -> Spec {
    tenant_spec(&format!(
        "[resources.item.fields]\ntitle = {{ type = \"string\" }}\n{field}\n"
    ))
}

/// The PostgreSQL migration that creates `items`.
fn items_on_postgres(spec: &Spec) -> String {
    let pg = tables(spec, Dialect(Database::Postgres));
    let created = pg.iter().find(|t| t.name == "items");
    created.map(|t| t.create.clone()).unwrap_or_default()
}

fn plan_is_empty(spec: &Spec) -> bool {
    plan(spec, spec, &Backfills::new()).is_empty()
}

/// Panics unless every part is in `sql`, each after the one before.
fn assert_in_order(sql: &str, parts: &[&str]) {
    let mut from = 0;
    for part in parts {
        match sql[from..].find(part) {
            Some(at) => from += at + part.len(),
            None => panic!("`{part}` is not after the parts before it in:\n{sql}"),
        }
    }
}

/// A per-tenant text its lists use keeps its first characters in a column PostgreSQL
/// generates (`schema_names::Prefix`), which its list indexes hold; a text no list uses has
/// none, and one that lists stop using loses it.
#[test]
fn a_per_tenant_texts_prefix_column_follows_its_lists() {
    let fields = tenant_item;
    let listed = fields("note = { type = \"text\", required = false, sort = true }");
    let created = items_on_postgres(&listed);
    assert!(
        created.contains("note_prefix TEXT GENERATED ALWAYS AS (left(note, 200)) STORED"),
        "{created}"
    );
    assert!(
        created.contains("(tenant_id, (note IS NULL), note_prefix, id)"),
        "{created}"
    );
    let sqlite = tables(&listed, Dialect(Database::Sqlite));
    assert!(sqlite.iter().all(|t| !t.create.contains("note_prefix")));
    let unlisted = fields("note = { type = \"text\", required = false }");
    let up = plan(&listed, &unlisted, &Backfills::new());
    assert!(up.refused.is_empty(), "{:?}", up.refused);
    assert!(
        up.postgres
            .contains("ALTER TABLE items DROP COLUMN note_prefix;"),
        "{}",
        up.postgres
    );
    assert!(up.losses.is_empty(), "{:?}", up.losses);
    let (_, down) = up.down.clone().unwrap_or_default();
    assert!(
        down.contains("ALTER TABLE items ADD COLUMN note_prefix TEXT GENERATED ALWAYS AS (left(note, 200)) STORED;"),
        "{down}"
    );
}

/// A project generated before the list columns (`Earlier::tenant_list_columns` unset) gets
/// them in its next update's migration, whatever else changes: each per-tenant decimal's
/// and listed text's column, and the list indexes on them in place of those on the field;
/// back, the earlier indexes again. Recorded as generated, nothing is written.
#[test]
fn an_earlier_projects_per_tenant_lists_get_their_generated_columns() {
    let spec = tenant_item(
        "price = { type = \"decimal\", scale = 2, sort = true }\n\
         note = { type = \"text\", required = false, filter = true }",
    );
    let had = Earlier {
        tenant_list_columns: false,
        ..Earlier::current(&spec)
    };
    let up = plan_from(&spec, Some(&had), &spec, &Backfills::new());
    assert!(up.refused.is_empty(), "{:?}", up.refused);
    assert!(
        up.changes
            .contains(&"add column `items.price_scaled` (postgres)".to_owned()),
        "{:?}",
        up.changes
    );
    assert!(
        up.sqlite
            .contains("Nothing changes in this dialect's schema"),
        "{}",
        up.sqlite
    );
    assert_in_order(
        &up.postgres,
        &[
            "DROP INDEX items_price__sort_idx;",
            "ADD COLUMN price_scaled BIGINT GENERATED ALWAYS AS (CAST(price * 100 AS BIGINT)) STORED;",
            "ADD COLUMN note_prefix TEXT GENERATED ALWAYS AS (left(note, 200)) STORED;",
            "CREATE INDEX items_price__sort_idx ON items (tenant_id, price_scaled, id);",
        ],
    );
    assert!(
        up.postgres
            .contains("(tenant_id, note_prefix, created_at, id)"),
        "{}",
        up.postgres
    );
    let (_, down) = up.down.clone().expect("reversible");
    assert!(
        down.contains("ALTER TABLE items DROP COLUMN price_scaled;"),
        "{down}"
    );
    assert!(down.contains("ON items (tenant_id, price, id);"), "{down}");
    assert!(
        down.contains("(tenant_id, left(note, 200), created_at, id)"),
        "{down}"
    );
    let current = Earlier::current(&spec);
    assert!(plan_from(&spec, Some(&current), &spec, &Backfills::new()).is_empty());
}

/// Tenancy turned on for a project whose per-tenant resource is audited: the trail gains
/// its nullable tenant column and index, with no row-level policy (the platform's admin
/// reads every tenant's entries), and the entries of the rows moved into the first tenant
/// move with them, once the column is there; a shared resource's entries keep none.
#[test]
fn turning_tenancy_on_moves_the_audited_rows_history_into_the_first_tenant() {
    let source = "[auth]\nmode = \"jwt\"\n\
                  [resources.organization.fields]\nname = { type = \"string\", default = \"Acme\" }\n\
                  [resources.label]\naudit = true\n\
                  [resources.label.fields]\nname = { type = \"string\" }\n\
                  [resources.project]\naudit = true\n\
                  [resources.project.fields]\ncode = { type = \"string\" }\n";
    let old = spec(source);
    let mut new = spec(source);
    new.tenancy = Some(crate::spec::Tenancy {
        tenant: "organization".into(),
        global: vec!["label".into()],
    });
    let plan = plan(&old, &new, &Backfills::new());
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    for change in [
        "add column `audit_log.tenant_id`",
        "create index `audit_log_tenant_idx`",
    ] {
        assert!(
            plan.changes.contains(&change.to_owned()),
            "{:?}",
            plan.changes
        );
    }
    let moved = "UPDATE audit_log SET tenant_id = '00000000-0000-4000-8000-000000000001'\n    \
                 WHERE resource IN ('project')\n      \
                 AND EXISTS (SELECT 1 FROM organizations WHERE id = '00000000-0000-4000-8000-000000000001');";
    assert_in_order(
        &plan.postgres,
        &[
            "ALTER TABLE audit_log ADD COLUMN tenant_id UUID;",
            "CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, occurred_at, id);",
            moved,
        ],
    );
    assert!(
        !plan.postgres.contains("ON audit_log\n"),
        "{}",
        plan.postgres
    );
    assert!(
        !plan
            .postgres
            .contains("ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY"),
        "{}",
        plan.postgres
    );
    assert_in_order(
        &plan.sqlite,
        &[
            "ALTER TABLE audit_log ADD COLUMN tenant_id BLOB;",
            "WHERE resource IN ('project')",
        ],
    );
    // The trail a new project of the spec creates: the same column, last, and index.
    let created = tables(&new, Dialect(Database::Postgres));
    let trail = created
        .iter()
        .find(|t| t.name == "audit_log")
        .expect("the trail");
    assert!(
        trail
            .create
            .contains("trace_id TEXT,\n    tenant_id UUID\n);"),
        "{}",
        trail.create
    );
    assert!(plan_is_empty(&new));
}

/// A project with tenancy generated before the trail's entries named a tenant
/// (`Earlier::audit_tenant` unset) gets the column and its index in its next update, and
/// back, loses them; recorded as kept, nothing is written.
#[test]
fn an_earlier_projects_audit_trail_gets_its_tenant_column() {
    let spec = tenant_item("[resources.item]\naudit = true\n");
    assert!(spec.audited());
    let had = Earlier {
        audit_tenant: false,
        ..Earlier::current(&spec)
    };
    let up = plan_from(&spec, Some(&had), &spec, &Backfills::new());
    assert!(up.refused.is_empty(), "{:?}", up.refused);
    assert_eq!(
        up.changes,
        [
            "add column `audit_log.tenant_id`",
            "create index `audit_log_tenant_idx`"
        ]
    );
    let (_, down) = up.down.clone().expect("reversible");
    assert!(down.contains("DROP INDEX audit_log_tenant_idx;"), "{down}");
    assert!(
        down.contains("ALTER TABLE audit_log DROP COLUMN tenant_id;"),
        "{down}"
    );
    let current = Earlier::current(&spec);
    assert!(plan_from(&spec, Some(&current), &spec, &Backfills::new()).is_empty());
}

/// A project with tenancy generated before its events named a tenant (a shared resource's
/// events; `Earlier::event_tenant` unset) gets the column in its outbox and its webhook
/// subscriptions, with the subscriptions' tenant index, in its next update; and back, loses
/// them. Recorded as kept, nothing is written.
#[test]
fn an_earlier_projects_events_and_webhooks_get_their_tenant_column() {
    let spec = tenant_item(
        "[resources.item.events]
created = true
",
    );
    assert!(spec.webhooks());
    let had = Earlier {
        event_tenant: false,
        ..Earlier::current(&spec)
    };
    let up = plan_from(&spec, Some(&had), &spec, &Backfills::new());
    assert!(up.refused.is_empty(), "{:?}", up.refused);
    assert_eq!(
        up.changes,
        [
            "add column `outbox_events.tenant_id`",
            "add column `webhook_subscriptions.tenant_id`",
            "create index `webhook_subscriptions_tenant_idx`"
        ]
    );
    let (_, down) = up.down.clone().expect("reversible");
    for part in [
        "DROP INDEX webhook_subscriptions_tenant_idx;",
        "ALTER TABLE webhook_subscriptions DROP COLUMN tenant_id;",
        "ALTER TABLE outbox_events DROP COLUMN tenant_id;",
    ] {
        assert!(down.contains(part), "{down}");
    }
    let current = Earlier::current(&spec);
    assert!(plan_from(&spec, Some(&current), &spec, &Backfills::new()).is_empty());
}

/// A renamed audited resource takes its audit entries along, so that the trail's list finds
/// its history under the name the spec has now (its filter accepts no other); back, the old
/// name again. A rename of a resource the trail never held entries of writes nothing more.
#[test]
fn a_renamed_audited_resource_renames_its_audit_entries() {
    let old = spec(
        "[auth]\nmode = \"jwt\"\n\
         [resources.item]\naudit = true\n\
         [resources.item.fields]\nname = { type = \"string\" }\n\
         [resources.tag.fields]\nname = { type = \"string\" }\n",
    );
    let new = spec(
        "[auth]\nmode = \"jwt\"\n\
         [resources.article]\naudit = true\nrenamed_from = \"item\"\n\
         [resources.article.fields]\nname = { type = \"string\" }\n\
         [resources.label]\nrenamed_from = \"tag\"\n\
         [resources.label.fields]\nname = { type = \"string\" }\n",
    );
    let plan = plan(&old, &new, &Backfills::new());
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    let renamed = "UPDATE audit_log SET resource = 'article' WHERE resource = 'item';";
    for sql in [&plan.sqlite, &plan.postgres] {
        assert_in_order(sql, &["ALTER TABLE items RENAME TO articles;", renamed]);
        assert!(!sql.contains("'label'"), "{sql}");
    }
    assert!(
        plan.changes
            .contains(&"rename the audit entries of `item` to `article`".to_owned()),
        "{:?}",
        plan.changes
    );
    let (lite, _) = plan.down.clone().expect("reversible");
    assert!(
        lite.contains("UPDATE audit_log SET resource = 'item' WHERE resource = 'article';"),
        "{lite}"
    );
}

/// A resource every tenant shares, renamed (`renamed_from`) and listed in `global` under its
/// new name, is the same shared resource: its table is renamed, and `[tenancy]` is not
/// taken as changed (which `update` refuses, since it would move rows between tenants).
#[test]
fn a_renamed_shared_resource_keeps_the_tenancy_as_it_was() {
    let source = |name: &str, from: &str| {
        let mut spec = spec(&format!(
            "[auth]\nmode = \"jwt\"\n\
             [resources.organization.fields]\nname = {{ type = \"string\" }}\n\
             [resources.{name}]\n{from}\n\
             [resources.{name}.fields]\ncode = {{ type = \"string\" }}\n"
        ));
        spec.tenancy = Some(crate::spec::Tenancy {
            tenant: "organization".into(),
            global: vec![name.into()],
        });
        spec
    };
    let old = source("country", "");
    let new = source("nation", "renamed_from = \"country\"");
    let plan = plan(&old, &new, &Backfills::new());
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    assert!(
        plan.changes
            .contains(&"rename table `countries` to `nations`".to_owned()),
        "{:?}",
        plan.changes
    );
    // Sharing another resource instead is still refused.
    let mut other = source("nation", "renamed_from = \"country\"");
    other.tenancy = Some(crate::spec::Tenancy {
        tenant: "organization".into(),
        global: Vec::new(),
    });
    assert!(
        !super::plan(&old, &other, &Backfills::new())
            .refused
            .is_empty()
    );
}
