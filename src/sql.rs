//! The SQL text of every query a generated resource runs. Queries are
//! written once here, laid out for reading, and printed by the templates as
//! string constants; values are always `$n` parameters (which SQLite and
//! PostgreSQL both accept), never formatted into the text.

use serde::Serialize;

use crate::dialect::Dialect;
use crate::spec::{Resource, Spec};

/// How wide a clause line may get before its list wraps.
const WRAP: usize = 88;

#[derive(Debug, Clone, Serialize)]
pub struct ResourceSql {
    pub select_one: String,
    pub exists: String,
    pub list: String,
    pub count: String,
    pub insert: String,
    pub update: String,
    pub delete: String,
    /// Accounts only: the row and password hash for an email, and the roles update.
    pub find_login: String,
    pub set_roles: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkSql {
    /// The list condition for rows linked to an id, up to that id's parameter.
    pub linked: String,
    pub link: String,
    pub unlink: String,
}

/// The columns a resource's rows have, in the order of its Rust struct. An
/// account's `password_hash` is never among them: no read can return it.
pub fn columns(r: &Resource, account: bool) -> Vec<String> {
    let mut out = vec!["id".to_string()];
    out.extend(r.belongs_to.iter().map(|b| format!("{}_id", b.names.snake)));
    out.extend(r.fields.iter().map(|f| f.names.snake.clone()));
    if account {
        out.push("roles".into());
    }
    if r.versioned {
        out.push("version".into());
    }
    if r.timestamps {
        out.push("created_at".into());
        out.push("updated_at".into());
    }
    out
}

/// The columns an insert or update writes: foreign keys, then fields.
fn writable(r: &Resource) -> Vec<String> {
    let mut out: Vec<String> = r
        .belongs_to
        .iter()
        .map(|b| format!("{}_id", b.names.snake))
        .collect();
    out.extend(r.fields.iter().map(|f| f.names.snake.clone()));
    out
}

fn live(r: &Resource) -> &'static str {
    if r.soft_delete {
        " AND deleted_at IS NULL"
    } else {
        ""
    }
}

/// `KEYWORD a, b, c` with the list wrapped onto indented lines past `WRAP`.
fn clause(keyword: &str, items: &[String]) -> String {
    let mut lines = vec![format!("    {keyword}")];
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        let last = lines.last_mut().expect("one line at least");
        if last.len() + 1 + piece.len() > WRAP && i > 0 {
            lines.push(format!("        {piece}"));
        } else {
            last.push(' ');
            last.push_str(&piece);
        }
    }
    lines.join("\n")
}

/// Joins clause lines into the text of a Rust string constant that starts
/// on its own line (`"\n    SELECT ..."`).
fn query(lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        out.push('\n');
        out.push_str(line);
    }
    out
}

fn params(from: usize, count: usize) -> Vec<String> {
    (from..from + count).map(|i| format!("${i}")).collect()
}

impl ResourceSql {
    pub fn new(spec: &Spec, r: &Resource) -> Self {
        let account = spec.is_account(r);
        let table = &r.names.plural_snake;
        let select = clause("SELECT", &columns(r, account));
        let from = format!("    FROM {table}");
        let returning = clause("RETURNING", &columns(r, account));
        let live = live(r);

        let mut insert_columns = vec!["id".to_string()];
        insert_columns.extend(writable(r));
        if account {
            insert_columns.push("password_hash".into());
            insert_columns.push("roles".into());
        }
        let mut values = params(1, insert_columns.len());
        if r.timestamps {
            let now = format!("${}", insert_columns.len() + 1);
            insert_columns.push("created_at".into());
            insert_columns.push("updated_at".into());
            values.push(now.clone());
            values.push(now);
        }
        let insert = query(&[
            clause(&format!("INSERT INTO {table} ("), &insert_columns).replacen("( ", "(", 1) + ")",
            clause("VALUES (", &values).replacen("( ", "(", 1) + ")",
            returning.clone(),
        ]);

        // The owner key is set once, from the caller's token, and never rewritten.
        let owner = r.owner.as_ref().map(|o| format!("{o}_id"));
        let mut sets: Vec<String> = writable(r)
            .iter()
            .filter(|c| Some(*c) != owner.as_ref())
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 2))
            .collect();
        let mut next = sets.len() + 2;
        if r.timestamps {
            sets.push(format!("updated_at = ${next}"));
            next += 1;
        }
        let mut condition = format!("    WHERE id = $1{live}");
        if r.versioned {
            sets.push("version = version + 1".into());
            condition.push_str(&format!(" AND version = COALESCE(${next}, version)"));
        }
        let update = query(&[
            format!("    UPDATE {table}"),
            clause("SET", &sets),
            condition,
            returning.clone(),
        ]);

        let delete = if r.soft_delete {
            let touched = if r.timestamps {
                ", updated_at = $2"
            } else {
                ""
            };
            query(&[
                format!("    UPDATE {table}"),
                format!("    SET deleted_at = $2{touched}"),
                "    WHERE id = $1 AND deleted_at IS NULL".into(),
            ])
        } else {
            query(&[
                format!("    DELETE FROM {table}"),
                "    WHERE id = $1".into(),
            ])
        };

        let (find_login, set_roles) = if account {
            let mut login_columns = columns(r, account);
            login_columns.push("password_hash".into());
            let touched = if r.timestamps {
                ", updated_at = $3"
            } else {
                ""
            };
            (
                query(&[
                    clause("SELECT", &login_columns),
                    from.clone(),
                    format!("    WHERE email = $1{live}"),
                ]),
                query(&[
                    format!("    UPDATE {table}"),
                    format!("    SET roles = $2{touched}"),
                    format!("    WHERE id = $1{live}"),
                    returning.clone(),
                ]),
            )
        } else {
            (String::new(), String::new())
        };
        Self {
            find_login,
            set_roles,
            select_one: query(&[
                select.clone(),
                from.clone(),
                format!("    WHERE id = $1{live}"),
            ]),
            exists: query(&[format!("    SELECT 1 FROM {table} WHERE id = $1{live}")]),
            // Lists add their own conditions, order and page (the service's list.rs).
            list: query(&[select, from]),
            count: format!("SELECT COUNT(*) FROM {table}"),
            insert,
            update,
            delete,
        }
    }
}

impl LinkSql {
    /// Links from `owner` (the declaring side) to `target` through `join`.
    pub fn new(owner: &Resource, target: &Resource, join: &str) -> Self {
        let own = format!("{}_id", owner.names.snake);
        let other = format!("{}_id", target.names.snake);
        Self {
            linked: format!("\n    id IN (SELECT {other} FROM {join} WHERE {own} = "),
            link: query(&[
                format!("    INSERT INTO {join} ({own}, {other})"),
                "    VALUES ($1, $2)".into(),
                "    ON CONFLICT DO NOTHING".into(),
            ]),
            unlink: query(&[format!(
                "    DELETE FROM {join} WHERE {own} = $1 AND {other} = $2"
            )]),
        }
    }
}

/// The migration that creates a resource's table, its foreign-key indexes
/// and its unique indexes (partial on live rows when soft-deleted, so a
/// deleted row does not hold on to its unique values).
pub fn create_table(spec: &Spec, r: &Resource, dialect: Dialect) -> String {
    let table = &r.names.plural_snake;
    let mut lines = vec![format!(
        "{} PRIMARY KEY NOT NULL",
        format_args!("id {}", dialect.id_type())
    )];
    for b in &r.belongs_to {
        let parent = spec
            .resource(&b.target)
            .map_or(b.target.as_str(), |p| p.names.plural_snake.as_str());
        lines.push(format!(
            "{}_id {}{} REFERENCES {parent} (id) ON DELETE {}",
            b.names.snake,
            dialect.id_type(),
            if b.required { " NOT NULL" } else { "" },
            b.on_delete.sql()
        ));
    }
    for f in &r.fields {
        lines.push(crate::dialect::column(dialect, f));
    }
    if spec.is_account(r) {
        lines.push("password_hash TEXT NOT NULL".into());
        lines.push(format!(
            "roles {} NOT NULL",
            dialect.column_type(&crate::spec::FieldType::Json, None)
        ));
    }
    if r.versioned {
        lines.push("version INTEGER NOT NULL DEFAULT 1".into());
    }
    if r.soft_delete {
        lines.push(format!("deleted_at {}", dialect.timestamp_type()));
    }
    if r.timestamps {
        lines.push(format!("created_at {} NOT NULL", dialect.timestamp_type()));
        lines.push(format!("updated_at {} NOT NULL", dialect.timestamp_type()));
    }
    let mut out = format!(
        "-- {}\n",
        sql_comment(&r.description, &r.names.plural_words)
    );
    if r.soft_delete {
        out.push_str("-- Soft-deleted: a row with a deleted_at is gone for the API.\n");
    }
    if r.versioned {
        out.push_str("-- Versioned: every write bumps version (optimistic locking).\n");
    }
    out.push_str(&format!(
        "CREATE TABLE {table} (\n    {}\n);\n",
        lines.join(",\n    ")
    ));
    let mut indexes = Vec::new();
    for b in &r.belongs_to {
        let column = format!("{}_id", b.names.snake);
        indexes.push(format!(
            "CREATE INDEX {table}_{column}_idx ON {table} ({column});"
        ));
    }
    for f in r.fields.iter().filter(|f| f.unique) {
        let column = &f.names.snake;
        let live = if r.soft_delete {
            " WHERE deleted_at IS NULL"
        } else {
            ""
        };
        indexes.push(format!(
            "CREATE UNIQUE INDEX {table}_{column}_unique ON {table} ({column}){live};"
        ));
    }
    if r.timestamps {
        indexes.push(format!("-- Lists are read newest first.\nCREATE INDEX {table}_created_at_idx ON {table} (created_at, id);"));
    }
    if !indexes.is_empty() {
        out.push('\n');
        out.push_str(&indexes.join("\n"));
        out.push('\n');
    }
    out
}

/// The migration of a many-to-many join table: a composite primary key
/// (which also serves lookups from the owner) and an index for the other side.
pub fn create_join_table(owner: &Resource, target: &Resource, dialect: Dialect) -> String {
    let join = join_table(owner, target);
    let (own, other) = (
        format!("{}_id", owner.names.snake),
        format!("{}_id", target.names.snake),
    );
    let id = dialect.id_type();
    format!(
        "-- Links {} and {} (many-to-many). A link dies with either side.\n\
         CREATE TABLE {join} (\n    \
         {own} {id} NOT NULL REFERENCES {} (id) ON DELETE CASCADE,\n    \
         {other} {id} NOT NULL REFERENCES {} (id) ON DELETE CASCADE,\n    \
         PRIMARY KEY ({own}, {other})\n);\n\n\
         CREATE INDEX {join}_{other}_idx ON {join} ({other});\n",
        owner.names.plural_words,
        target.names.plural_words,
        owner.names.plural_snake,
        target.names.plural_snake
    )
}

/// The migration of the jwt flow's sessions: one row per refresh token ever
/// issued, stored only as a hash. Tokens of one login share a family; a
/// rotated token keeps its row (with `used_at`) so that its reuse is noticed.
pub fn create_refresh_tokens(spec: &Spec, dialect: Dialect) -> String {
    let users = spec
        .resource(crate::spec::ACCOUNT)
        .map_or("users", |r| r.names.plural_snake.as_str());
    let (id, at) = (dialect.id_type(), dialect.timestamp_type());
    format!(
        "-- Refresh tokens (sessions), stored as SHA-256 hashes, never in clear.\n\
         CREATE TABLE refresh_tokens (\n    \
         id {id} PRIMARY KEY NOT NULL,\n    \
         user_id {id} NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,\n    \
         family_id {id} NOT NULL,\n    \
         token_hash TEXT NOT NULL,\n    \
         expires_at {at} NOT NULL,\n    \
         created_at {at} NOT NULL,\n    \
         used_at {at},\n    \
         revoked_at {at}\n);\n\n\
         CREATE UNIQUE INDEX refresh_tokens_token_hash_unique ON refresh_tokens (token_hash);\n\
         CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);\n\
         CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);\n\
         CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at);\n"
    )
}

fn sql_comment(description: &str, fallback: &str) -> String {
    let text = if description.is_empty() {
        fallback
    } else {
        description
    };
    text.replace('\n', " ")
}

/// Whether another live row holds a unique value: `$1` the value, `$2` the
/// row being written (which may hold it itself).
pub fn taken(r: &Resource, column: &str) -> String {
    query(&[format!(
        "    SELECT 1 FROM {} WHERE {column} = $1 AND id <> $2{}",
        r.names.plural_snake,
        live(r)
    )])
}

/// The join table of a many-to-many declared on `owner`.
pub fn join_table(owner: &Resource, target: &Resource) -> String {
    format!("{}_{}", owner.names.snake, target.names.plural_snake)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_of_a_versioned_soft_deleted_resource() {
        let source = std::fs::read_to_string("examples/shop.toml").unwrap();
        let spec = crate::spec::parse("shop.toml", &source).unwrap();
        let product = spec.resource("product").unwrap();
        let sql = ResourceSql::new(&spec, product);
        assert_eq!(
            sql.update,
            "\n    UPDATE products\n    SET sku = $2, name = $3, description = $4, price = $5, stock = $6,\n        weight_grams = $7, rating = $8, active = $9, attributes = $10,\n        available_from = $11, homepage = $12, updated_at = $13, version = version + 1\n    WHERE id = $1 AND deleted_at IS NULL AND version = COALESCE($14, version)\n    RETURNING id, sku, name, description, price, stock, weight_grams, rating, active,\n        attributes, available_from, homepage, version, created_at, updated_at"
        );
        assert!(
            sql.insert
                .contains("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"),
            "{}",
            sql.insert
        );
        assert_eq!(
            sql.exists,
            "\n    SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL"
        );
        let category = spec.resource("category").unwrap();
        let link = LinkSql::new(product, category, &join_table(product, category));
        assert_eq!(
            link.unlink,
            "\n    DELETE FROM product_categories WHERE product_id = $1 AND category_id = $2"
        );
    }
}
