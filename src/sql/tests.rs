use super::*;
use crate::dialect::Dialect;

#[test]
fn long_identifiers_are_cut_with_a_hash_of_the_whole_name() {
    let short = "posts_author_id_idx".to_string();
    assert_eq!(identifier(short.clone()), short);
    let at_limit = "a".repeat(MAX_IDENTIFIER);
    assert_eq!(identifier(at_limit.clone()), at_limit);
    let (one, two) = (
        identifier(format!("{}_one_idx", "x".repeat(60))),
        identifier(format!("{}_two_idx", "x".repeat(60))),
    );
    assert_eq!(one.len(), MAX_IDENTIFIER);
    assert_ne!(one, two);
    assert_eq!(one, identifier(format!("{}_one_idx", "x".repeat(60))));
    // PostgreSQL's own name for a primary key keeps `_pkey` whole.
    assert_eq!(primary_key(&at_limit), format!("{}_pkey", "a".repeat(58)));
}

/// An account's email is one address whatever the case of its letters: its unique index,
/// the taken check and the login lookup all compare it folded. Another email field is
/// compared as it is.
#[test]
fn an_accounts_email_is_compared_folded() {
    let source = "[auth]\nmode = \"jwt\"\n\n\
                  [resources.user.fields]\nname = { type = \"string\" }\n\n\
                  [resources.contact.fields]\n\
                  email = { type = \"string\", format = \"email\", unique = true }\n";
    let spec = crate::spec::parse("accounts.toml", source).unwrap();
    let user = spec.resource("user").unwrap();
    let table = resource_table(&spec, user, Dialect(crate::spec::Database::Postgres));
    assert!(
        table
            .create
            .contains("CREATE UNIQUE INDEX users_email_unique ON users (lower(email));"),
        "{}",
        table.create
    );
    assert!(
        ResourceSql::new(&spec, user)
            .find_login
            .contains("WHERE lower(email) = lower($1)")
    );
    let t = taken(&spec, user, "email");
    assert!(t.contains("lower(email) = lower($1)"), "{t}");
    let contact = spec.resource("contact").unwrap();
    let table = resource_table(&spec, contact, Dialect(crate::spec::Database::Sqlite));
    assert!(
        table
            .create
            .contains("CREATE UNIQUE INDEX contacts_email_unique ON contacts (email);")
    );
    assert!(taken(&spec, contact, "email").contains("email = $1 AND"));
}

#[test]
fn queries_of_a_versioned_soft_deleted_resource() {
    let source = std::fs::read_to_string("examples/shop.toml").unwrap();
    let spec = crate::spec::parse("shop.toml", &source).unwrap();
    let product = spec.resource("product").unwrap();
    let sql = ResourceSql::new(&spec, product);
    assert_eq!(
        sql.update,
        "\n    UPDATE products\n    SET sku = $2, name = $3, description = $4, price = $5, cost_price = $6, stock = $7,\n        weight_grams = $8, rating = $9, active = $10, attributes = $11,\n        available_from = $12, homepage = $13, updated_at = $14, version = version + 1\n    WHERE id = $1 AND deleted_at IS NULL AND version = COALESCE($15, version)\n    RETURNING id, sku, name, description, price, cost_price, stock, weight_grams,\n        rating, active, attributes, available_from, homepage, version, created_at,\n        updated_at"
    );
    assert!(
        sql.insert
            .contains("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)"),
        "{}",
        sql.insert
    );
    assert_eq!(
        sql.exists,
        "\n    SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL"
    );
    let category = spec.resource("category").unwrap();
    let link = LinkSql::new(&spec, product, category, &join_table(product, category));
    assert_eq!(
        link.unlink,
        "\n    DELETE FROM product_categories WHERE product_id = $1 AND category_id = $2"
    );
    assert_eq!(
        super::linked(product, category, &join_table(product, category)),
        "\n    id IN (SELECT category_id FROM product_categories WHERE product_id = "
    );
}

/// The indexes of the `order` table `source` describes, in `database`'s SQL.
fn order_indexes(source: &str, database: crate::spec::Database) -> Vec<String> {
    let spec = crate::spec::parse("lists.toml", source).unwrap();
    let order = spec.resource("order").unwrap();
    let table = resource_table(&spec, order, Dialect(database));
    table.indexes.into_iter().map(|i| i.sql).collect()
}

/// Each access path of a list gets an index in the list's order with the id last, partial
/// on live rows when soft-deleted; a unique field's equality and order (its unique index)
/// and the primary key's order need none, and the foreign key's plain index becomes its list's.
#[test]
fn lists_get_one_index_per_access_path() {
    let source = "[resources.user.fields]\nname = { type = \"string\" }\n\n\
                  [resources.order]\nsoft_delete = true\n\
                  belongs_to = { customer = { resource = \"user\", sort = false } }\n\
                  list_combinations = [{ filter = [\"status\"], sort = \"total\" }]\n\n\
                  [resources.order.fields]\n\
                  code = { type = \"string\", unique = true }\n\
                  status = { type = \"enum\", values = [\"open\", \"paid\"] }\n\
                  total = { type = \"decimal\", required = false }\n\
                  note = { type = \"text\" }\n";
    let indexes = |database| order_indexes(source, database);
    let live = " WHERE deleted_at IS NULL;";
    let expected = |total: &str| {
        [
            "CREATE UNIQUE INDEX orders_code_unique ON orders (code)".to_string(),
            "CREATE INDEX orders_created_at_idx ON orders (created_at, id)".into(),
            "CREATE INDEX orders_customer_id_idx ON orders (customer_id, created_at, id)".into(),
            "CREATE INDEX orders_status_idx ON orders (status, created_at, id)".into(),
            // Soft-deleted rows: the live ids have an index of their own.
            "CREATE INDEX orders_id__sort_idx ON orders (id)".into(),
            "CREATE INDEX orders_status__sort_idx ON orders (status, id)".into(),
            format!(
                "CREATE INDEX orders_status__by__total_idx ON orders (status, (total IS NULL), {total}, id)"
            ),
            format!(
                "CREATE INDEX orders_status__by__total__desc_idx ON orders (status, (total IS NULL), {total} DESC, id DESC)"
            ),
        ]
        .map(|sql| format!("{sql}{live}"))
        .to_vec()
    };
    assert_eq!(indexes(crate::spec::Database::Postgres), expected("total"));
    assert_eq!(
        indexes(crate::spec::Database::Sqlite),
        expected("CAST(total AS REAL)")
    );
}

/// A text field's list indexes hold its first 200 characters (an index entry cannot hold a
/// long text), as its lists compare and sort it; a unique text still needs its filter's and
/// its sort's (its unique index holds whole texts).
#[test]
fn a_text_field_is_indexed_by_its_prefix() {
    let source = "[resources.order]\nsoft_delete = true\n\
                  list_combinations = [{ filter = [\"note\"], sort = \"code\" }]\n\n\
                  [resources.order.fields]\n\
                  note = { type = \"text\", required = false, filter = true, sort = true }\n\
                  code = { type = \"text\", unique = true, filter = true, sort = true }\n";
    let indexes = |database| order_indexes(source, database);
    let live = " WHERE deleted_at IS NULL;";
    let expected = |prefix: &dyn Fn(&str) -> String| {
        let (note, code) = (prefix("note"), prefix("code"));
        [
            "CREATE UNIQUE INDEX orders_code_unique ON orders (code)".to_string(),
            "CREATE INDEX orders_created_at_idx ON orders (created_at, id)".into(),
            format!("CREATE INDEX orders_note_idx ON orders ({note}, created_at, id)"),
            format!("CREATE INDEX orders_code_idx ON orders ({code}, created_at, id)"),
            "CREATE INDEX orders_id__sort_idx ON orders (id)".into(),
            format!("CREATE INDEX orders_note__sort_idx ON orders ((note IS NULL), {note}, id)"),
            format!(
                "CREATE INDEX orders_note__sort__desc_idx ON orders ((note IS NULL), {note} DESC, id DESC)"
            ),
            format!("CREATE INDEX orders_code__sort_idx ON orders ({code}, id)"),
            format!("CREATE INDEX orders_note__by__code_idx ON orders ({note}, {code}, id)"),
        ]
        .map(|sql| format!("{sql}{live}"))
        .to_vec()
    };
    assert_eq!(
        indexes(crate::spec::Database::Postgres),
        expected(&|c| format!("left({c}, 200)"))
    );
    assert_eq!(
        indexes(crate::spec::Database::Sqlite),
        expected(&|c| format!("substr({c}, 1, 200)"))
    );
}

/// A spec with `[tenancy]` (its comment says what is per tenant).
pub(crate) fn tenant_spec() -> crate::spec::Spec {
    let source = include_str!("../../tests/specs/tenancy/tables.toml");
    crate::spec::parse("tables.toml", source).unwrap()
}

/// With another service's accounts the tenants are that service's rows: a per-tenant table
/// names its tenant with no foreign key (there is no table to refer to), and keeps every other
/// wall: keys and indexes led by the tenant, the composite key to a per-tenant parent, and
/// the row-level policy.
#[test]
fn the_tenants_of_another_service_are_no_foreign_key() {
    let source = "[auth]\nmode = \"jwt\"\naccounts = \"accounts\"\n\
        [resources.project.fields]\ncode = { type = \"string\", unique = true }\n\
        [resources.task]\nbelongs_to = { project = { resource = \"project\" } }\n\
        [resources.task.fields]\ntitle = { type = \"string\" }\n\
        [tenancy]\ntenant = \"organization\"\n";
    let spec = crate::spec::parse("remote.toml", source).unwrap();
    let postgres = Dialect(crate::spec::Database::Postgres);
    let task = resource_table(&spec, spec.resource("task").unwrap(), postgres);
    assert!(
        task.create.contains("tenant_id UUID NOT NULL,\n"),
        "{}",
        task.create
    );
    assert!(!task.create.contains("organizations"), "{}", task.create);
    assert!(
        task.create
            .contains("FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id)"),
        "{}",
        task.create
    );
    assert!(
        task.create.contains("ROW LEVEL SECURITY"),
        "{}",
        task.create
    );
    let project = resource_table(&spec, spec.resource("project").unwrap(), postgres);
    assert!(
        project.create.contains("ON projects (tenant_id, code);"),
        "{}",
        project.create
    );
}

/// Under `[tenancy]` a per-tenant table names its tenant, every index leads with it (unique
/// values are unique per tenant), and a reference to a per-tenant row (its own table's too)
/// carries the tenant in its key, beside the plain key that keeps the relation's
/// `ON DELETE`. Global tables and
/// the tenants' own are unchanged.
#[test]
fn a_per_tenant_table_keys_and_indexes_every_row_by_its_tenant() {
    let spec = tenant_spec();
    let postgres = Dialect(crate::spec::Database::Postgres);
    let table = |name: &str| resource_table(&spec, spec.resource(name).unwrap(), postgres);
    let task = table("task");
    assert!(
        task.create.contains("tenant_id UUID NOT NULL CONSTRAINT tasks_tenant_id_fkey REFERENCES organizations (id) ON DELETE CASCADE"),
        "{}",
        task.create
    );
    assert!(task.create.contains("project_id UUID CONSTRAINT tasks_project_id_fkey REFERENCES projects (id) ON DELETE SET NULL"), "{}", task.create);
    assert!(
        task.create.contains("CONSTRAINT tasks_project_id_tenant_fkey FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id),\n    CONSTRAINT tasks_parent_id_tenant_fkey FOREIGN KEY (tenant_id, parent_id) REFERENCES tasks (tenant_id, id)\n);"),
        "{}",
        task.create
    );
    assert!(
        task.create
            .contains("CONSTRAINT tasks_tenant_id_id_unique UNIQUE (tenant_id, id),\n")
    );
    let project = table("project");
    assert!(
        project
            .create
            .contains("CREATE UNIQUE INDEX projects_code_unique ON projects (tenant_id, code);"),
        "{}",
        project.create
    );
    // The global country and the account are referred to by their id alone.
    assert!(
        !project.create.contains("REFERENCES countries (tenant_id"),
        "{}",
        project.create
    );
    assert!(
        !project.create.contains("REFERENCES users (tenant_id"),
        "{}",
        project.create
    );
    for index in task.indexes.iter().chain(&project.indexes) {
        let columns = index.sql.split_once(" (").unwrap().1;
        assert!(columns.starts_with("tenant_id, "), "{}", index.sql);
    }
    for shared in ["organization", "country", "user"] {
        let t = table(shared);
        assert!(!t.create.contains("tenant_id"), "{}", t.create);
        assert!(t.constraints.is_empty());
        assert!(!t.create.contains("ROW LEVEL SECURITY"), "{}", t.create);
    }
    // PostgreSQL's second wall, on per-tenant tables alone; SQLite has none.
    assert!(
        task.create.ends_with(
            "ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;\n\
             CREATE POLICY tasks_tenant_isolation ON tasks\n    \
             USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)\n    \
             WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);\n"
        ),
        "{}",
        task.create
    );
    let sqlite = Dialect(crate::spec::Database::Sqlite);
    let on_sqlite = resource_table(&spec, spec.resource("task").unwrap(), sqlite);
    assert!(!on_sqlite.create.contains("ROW LEVEL SECURITY"));
    // The tenants come before every table that refers to them.
    let order: Vec<&str> = spec
        .creation_order()
        .iter()
        .map(|r| r.names.snake.as_str())
        .collect();
    let at = |name: &str| order.iter().position(|n| *n == name).unwrap();
    assert!(
        at("organization") < at("project") && at("project") < at("task"),
        "{order:?}"
    );
    // A link from a per-tenant row: its tenant, then both sides' keys, each within the
    // tenant on a per-tenant side (a global country has none).
    let project = spec.resource("project").unwrap();
    let link =
        |other: &str| create_join_table(&spec, project, spec.resource(other).unwrap(), postgres);
    let labels = link("label");
    assert!(
        labels.contains("tenant_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,"),
        "{labels}"
    );
    assert!(labels.contains("PRIMARY KEY (tenant_id, project_id, label_id),\n    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id),\n    FOREIGN KEY (tenant_id, label_id) REFERENCES labels (tenant_id, id)\n);"), "{labels}");
    assert!(
        labels.contains(
            "CREATE INDEX project_labels_label_id_idx ON project_labels (tenant_id, label_id);"
        ),
        "{labels}"
    );
    assert!(
        labels.contains("CREATE POLICY project_labels_tenant_isolation ON project_labels"),
        "{labels}"
    );
    let countries = link("country");
    assert!(countries.contains("PRIMARY KEY (tenant_id, project_id, country_id),\n    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id)\n);"), "{countries}");
}

/// The code wall's statements (step 4 of docs/decisions/tenancy.md): a per-tenant row is
/// read, checked, written, deleted and linked within the tenant its repository binds first
/// (`$1`), and a unique value is taken only within it; a global resource's statements are
/// those of a service without tenancy.
#[test]
fn a_per_tenant_resources_statements_take_the_tenant_first() {
    let spec = tenant_spec();
    let project = spec.resource("project").unwrap();
    let sql = ResourceSql::new(&spec, project);
    let columns = "id, country_id, lead_id, code, budget, created_at, updated_at";
    assert_eq!(
        sql.select_one,
        format!("\n    SELECT {columns}\n    FROM projects\n    WHERE tenant_id = $1 AND id = $2")
    );
    assert!(
        sql.select_many
            .ends_with("WHERE tenant_id = $1 AND id IN ({ids}){owned}")
    );
    assert_eq!(
        sql.exists,
        "\n    SELECT 1 FROM projects WHERE tenant_id = $1 AND id = $2"
    );
    assert_eq!(
        sql.insert,
        format!(
            "\n    INSERT INTO projects (tenant_id, {columns})\n    VALUES ($1, $2, $3, $4, $5, $6, $7, $7)\n    RETURNING {columns}"
        )
    );
    assert_eq!(
        sql.update,
        format!(
            "\n    UPDATE projects\n    SET country_id = $3, lead_id = $4, code = $5, budget = $6, updated_at = $7\n    WHERE tenant_id = $1 AND id = $2\n    RETURNING {columns}"
        )
    );
    assert_eq!(
        sql.delete,
        "\n    DELETE FROM projects\n    WHERE tenant_id = $1 AND id = $2"
    );
    assert_eq!(
        taken(&spec, project, "code"),
        "\n    SELECT 1 FROM projects WHERE tenant_id = $1 AND code = $2 AND id <> $3"
    );
    // On PostgreSQL, outside a transaction, the same reads set the tenant for the row-level
    // policies first, and read laterally from that row: same parameters, `tenant.id` for `$1`.
    let set = "\n    WITH tenant AS MATERIALIZED (\n        \
        SELECT set_config('app.tenant_id', $1::uuid::text, true)::uuid AS id\n    )\n    \
        SELECT tenant_rows.* FROM tenant CROSS JOIN LATERAL (";
    assert_eq!(
        sql.select_one_on_postgres,
        format!(
            "{set}\n    SELECT {columns}\n    FROM projects\n    WHERE tenant_id = tenant.id AND id = $2\n    OFFSET 0) AS tenant_rows"
        )
    );
    assert_eq!(
        sql.exists_on_postgres,
        format!(
            "{set}\n    SELECT 1 FROM projects WHERE tenant_id = tenant.id AND id = $2\n    OFFSET 0) AS tenant_rows"
        )
    );
    assert!(
        sql.select_many_on_postgres.ends_with(
            "WHERE tenant_id = tenant.id AND id IN ({ids}){owned}\n    OFFSET 0) AS tenant_rows"
        ),
        "{}",
        sql.select_many_on_postgres
    );
    assert_eq!(
        taken_on_postgres(&spec, project, "code"),
        format!(
            "{set}\n    SELECT 1 FROM projects WHERE tenant_id = tenant.id AND code = $2 AND id <> $3\n    OFFSET 0) AS tenant_rows"
        )
    );
    // Links from a per-tenant row hold its tenant, to a per-tenant row or a global one.
    for target in ["label", "country"] {
        let t = spec.resource(target).unwrap();
        let join = join_table(project, t);
        let link = LinkSql::new(&spec, project, t, &join);
        let other = format!("{target}_id");
        assert_eq!(
            link.link,
            format!(
                "\n    INSERT INTO {join} (tenant_id, project_id, {other})\n    VALUES ($1, $2, $3)\n    ON CONFLICT DO NOTHING"
            )
        );
        assert_eq!(
            link.unlink,
            format!(
                "\n    DELETE FROM {join} WHERE tenant_id = $1 AND project_id = $2 AND {other} = $3"
            )
        );
        // An account's export reads them in whichever tenant they are, by the account
        // alone: on PostgreSQL it runs as the tables' owner, whom the policies spare.
        let ids = format!("SELECT {other} FROM {join} WHERE project_id = $1 ORDER BY {other}");
        assert_eq!(link.ids, format!("\n    {ids}"));
    }
    // Every tenant's countries, and the tenants themselves, are found by their id alone.
    for shared in ["country", "organization"] {
        let r = spec.resource(shared).unwrap();
        let sql = ResourceSql::new(&spec, r);
        for statement in [
            &sql.select_one,
            &sql.exists,
            &sql.insert,
            &sql.update,
            &sql.delete,
        ] {
            assert!(!statement.contains("tenant_id"), "{statement}");
        }
        assert!(
            sql.select_one.ends_with("WHERE id = $1"),
            "{}",
            sql.select_one
        );
        assert_eq!(sql.select_one_on_postgres, "");
        assert_eq!(sql.exists_on_postgres, "");
    }
}

/// Shifting frees `$1` whatever the placeholders' widths, and leaves other `$` alone.
#[test]
fn placeholders_shift_by_one() {
    assert_eq!(
        super::queries::shifted("a = $1 AND b = $9 AND c = $10 AND d = COALESCE($15, d) AND '$'"),
        "a = $2 AND b = $10 AND c = $11 AND d = COALESCE($16, d) AND '$'"
    );
}
