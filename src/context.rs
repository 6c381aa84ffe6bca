//! The data templates render from. Everything a template prints is computed
//! here, once, from the validated `Spec`: names in every casing, Rust and SQL
//! types, SQL fragments (through `Dialect`), routes and test samples.
//! Templates only print and loop; they never re-case a name or decide a type.

use serde::Serialize;

use crate::dialect::{Dialect, quote};
use crate::names::Names;
use crate::routes::{Route, children, resource_routes};
use crate::samples;
use crate::spec::{AuthMode, Bound, Database, Field, FieldType, Format, Literal, Resource, Spec};

/// What this version's templates cannot generate yet, in words for the user.
pub fn unsupported(spec: &Spec) -> Vec<String> {
    let mut out = Vec::new();
    if spec.auth.mode == AuthMode::Jwt {
        out.push(
            "auth mode \"jwt\" (the login flow and access rules): use mode \"none\" for now".into(),
        );
    }
    if spec.project.database == Database::Postgres {
        out.push("database \"postgres\": use \"sqlite\" for now".into());
    }
    out
}

#[derive(Debug, Serialize)]
pub struct ServiceContext {
    pub generator_version: &'static str,
    /// The package name as given (`my-shop`).
    pub crate_name: String,
    /// The library name Rust code uses (`my_shop`).
    pub lib_name: String,
    pub description: String,
    pub api_prefix: String,
    pub database: &'static str,
    pub default_database_url: String,
    /// The spec as written, saved into the project for re-generation.
    pub spec_source: String,
    pub resources: Vec<ResourceContext>,
    pub migrations: Vec<MigrationContext>,
    pub routes: Vec<Route>,
    pub uses: Uses,
}

/// Which optional pieces of code the service needs: nothing is generated
/// (no import, no dependency, no helper) unless some resource uses it.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Uses {
    pub decimal: bool,
    pub date: bool,
    pub datetime: bool,
    pub json: bool,
    pub uuid_field: bool,
    pub enums: bool,
    pub pattern: bool,
    pub email: bool,
    pub url: bool,
    pub length: bool,
    pub range: bool,
    pub optional: bool,
    pub belongs_to: bool,
    pub many_to_many: bool,
    pub soft_delete: bool,
    pub versioned: bool,
    pub unique: bool,
    pub defaults: bool,
}

impl Uses {
    fn merge(&mut self, other: &Uses) {
        macro_rules! or {
            ($($f:ident),*) => { $( self.$f |= other.$f; )* };
        }
        or!(
            decimal,
            date,
            datetime,
            json,
            uuid_field,
            enums,
            pattern,
            email,
            url,
            length,
            range,
            optional,
            belongs_to,
            many_to_many,
            soft_delete,
            versioned,
            unique,
            defaults
        );
    }
}

#[derive(Debug, Serialize)]
pub struct ResourceContext {
    pub names: Names,
    pub description: String,
    pub table: String,
    /// `/v1/order-items`
    pub url: String,
    pub soft_delete: bool,
    pub versioned: bool,
    pub timestamps: bool,
    pub fields: Vec<FieldContext>,
    pub belongs_to: Vec<RelationContext>,
    pub children: Vec<ChildContext>,
    pub links: Vec<LinkContext>,
    /// Every column in select order, comma-separated.
    pub select_columns: String,
    /// Columns an insert writes, in order, with their count.
    pub insert_columns: Vec<String>,
    pub routes: Vec<Route>,
    pub uses: Uses,
    /// Whether any field is unique (tests then check 409).
    pub has_unique: bool,
    /// Whether any field has a rule an invalid value can break.
    pub has_invalid: bool,
}

#[derive(Debug, Serialize)]
pub struct FieldContext {
    pub names: Names,
    pub description: String,
    pub spec_type: &'static str,
    /// The value type: `String`, `Decimal`, `OrderStatus`...
    pub rust_type: String,
    /// `rust_type`, or `Option<rust_type>` when the field is optional.
    pub field_type: String,
    pub required: bool,
    pub unique: bool,
    /// Rust expression of the default value, when the spec gives one.
    pub default_rust: Option<String>,
    /// The column definition: `price TEXT NOT NULL DEFAULT '0'`.
    pub column_sql: String,
    pub is_enum: bool,
    pub enum_values: Vec<EnumValue>,
    pub is_string: bool,
    pub is_numeric: bool,
    pub is_temporal: bool,
    pub is_json: bool,
    pub is_decimal: bool,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    /// Rust expressions of the numeric bounds, typed like the field.
    pub min_rust: Option<String>,
    pub max_rust: Option<String>,
    /// Bounds as written, for messages and docs.
    pub min_text: Option<String>,
    pub max_text: Option<String>,
    pub email: bool,
    pub url: bool,
    /// The regex as a Rust raw string literal, and its static's name.
    pub pattern_rust: Option<String>,
    pub pattern_static: String,
    pub pattern_text: Option<String>,
    /// Valid JSON values, distinct (see `samples`).
    pub samples: Vec<String>,
    /// A JSON value that breaks one of the field's rules.
    pub invalid: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EnumValue {
    pub value: String,
    pub variant: String,
}

#[derive(Debug, Serialize)]
pub struct RelationContext {
    pub names: Names,
    /// The parent resource's names.
    pub target: Names,
    /// `customer_id`
    pub column: String,
    /// `customerId`
    pub json: String,
    pub required: bool,
    pub field_type: &'static str,
    pub on_delete: &'static str,
    pub column_sql: String,
}

/// A resource nested under this one by a belongs-to.
#[derive(Debug, Serialize)]
pub struct ChildContext {
    pub names: Names,
    pub relation: Names,
    /// FK column in the child table.
    pub column: String,
    pub json: String,
    pub segment: String,
    /// Suffix for handler names, unique per parent: `orders`, `sender_messages`.
    pub handler_suffix: String,
}

/// A many-to-many link declared on this resource.
#[derive(Debug, Serialize)]
pub struct LinkContext {
    pub target: Names,
    pub join_table: String,
    /// This resource's column in the join table.
    pub own_column: String,
    pub other_column: String,
    pub segment: String,
    /// The path parameter of the linked id: `categoryId`.
    pub param: String,
}

#[derive(Debug, Serialize)]
pub struct MigrationContext {
    /// `0003_create_products`
    pub file_stem: String,
    pub description: String,
    /// For a table migration: the resource; for a join table: its parts.
    pub resource: Option<String>,
    pub join: Option<JoinTable>,
}

#[derive(Debug, Serialize)]
pub struct JoinTable {
    pub table: String,
    pub left_table: String,
    pub left_column: String,
    pub right_table: String,
    pub right_column: String,
    pub id_type: &'static str,
}

impl ServiceContext {
    pub fn new(crate_name: &str, spec: &Spec, spec_source: &str) -> Self {
        let dialect = Dialect(spec.project.database);
        let lib_name = crate_name.replace('-', "_");
        let resources: Vec<ResourceContext> = spec
            .resources
            .iter()
            .map(|r| ResourceContext::new(spec, r, dialect))
            .collect();
        let mut uses = Uses::default();
        for r in &resources {
            uses.merge(&r.uses);
        }
        let routes = spec
            .resources
            .iter()
            .flat_map(|r| resource_routes(spec, r))
            .collect();
        Self {
            generator_version: env!("CARGO_PKG_VERSION"),
            default_database_url: format!("sqlite://data/{lib_name}.db?mode=rwc"),
            crate_name: crate_name.to_string(),
            lib_name,
            description: if spec.project.description.is_empty() {
                format!("The {crate_name} service.")
            } else {
                spec.project.description.clone()
            },
            api_prefix: spec.project.api_prefix.clone(),
            database: spec.project.database.as_str(),
            spec_source: spec_source.to_string(),
            migrations: migrations(spec, dialect),
            resources,
            routes,
            uses,
        }
    }
}

/// One migration per table, parents before children, then the join tables.
fn migrations(spec: &Spec, dialect: Dialect) -> Vec<MigrationContext> {
    let mut out = Vec::new();
    for r in spec.creation_order() {
        out.push(MigrationContext {
            file_stem: format!("{:04}_create_{}", out.len() + 1, r.names.plural_snake),
            description: format!("Create the {} table.", r.names.plural_words),
            resource: Some(r.names.snake.clone()),
            join: None,
        });
    }
    for r in &spec.resources {
        for target in &r.many_to_many {
            let Some(t) = spec.resource(target) else {
                continue;
            };
            let table = join_table(r, t);
            out.push(MigrationContext {
                file_stem: format!("{:04}_create_{table}", out.len() + 1),
                description: format!(
                    "Link {} and {} (many-to-many).",
                    r.names.plural_words, t.names.plural_words
                ),
                resource: None,
                join: Some(JoinTable {
                    table,
                    left_table: r.names.plural_snake.clone(),
                    left_column: format!("{}_id", r.names.snake),
                    right_table: t.names.plural_snake.clone(),
                    right_column: format!("{}_id", t.names.snake),
                    id_type: dialect.id_type(),
                }),
            });
        }
    }
    out
}

fn join_table(owner: &Resource, target: &Resource) -> String {
    format!("{}_{}", owner.names.snake, target.names.plural_snake)
}

impl ResourceContext {
    fn new(spec: &Spec, r: &Resource, dialect: Dialect) -> Self {
        let fields: Vec<FieldContext> = r
            .fields
            .iter()
            .map(|f| FieldContext::new(r, f, dialect))
            .collect();
        let belongs_to: Vec<RelationContext> = r
            .belongs_to
            .iter()
            .map(|b| {
                let target = spec
                    .resource(&b.target)
                    .map_or_else(|| Names::new(&b.target, None), |t| t.names.clone());
                let column = format!("{}_id", b.names.snake);
                let null = if b.required { " NOT NULL" } else { "" };
                RelationContext {
                    column_sql: format!(
                        "{column} {}{null} REFERENCES {} (id) ON DELETE {}",
                        dialect.id_type(),
                        target.plural_snake,
                        b.on_delete.sql()
                    ),
                    json: format!("{}Id", b.names.camel),
                    names: b.names.clone(),
                    target,
                    column,
                    required: b.required,
                    field_type: if b.required { "Uuid" } else { "Option<Uuid>" },
                    on_delete: b.on_delete.sql(),
                }
            })
            .collect();
        let kids = children(spec, r)
            .into_iter()
            .map(|c| ChildContext {
                names: c.resource.names.clone(),
                relation: c.relation.names.clone(),
                column: format!("{}_id", c.relation.names.snake),
                json: format!("{}Id", c.relation.names.camel),
                handler_suffix: c.segment.replace('-', "_"),
                segment: c.segment,
            })
            .collect();
        let links: Vec<LinkContext> = r
            .many_to_many
            .iter()
            .filter_map(|t| spec.resource(t))
            .map(|t| LinkContext {
                join_table: join_table(r, t),
                own_column: format!("{}_id", r.names.snake),
                other_column: format!("{}_id", t.names.snake),
                segment: t.names.plural_kebab.clone(),
                param: format!("{}Id", t.names.camel),
                target: t.names.clone(),
            })
            .collect();

        let mut columns = vec!["id".to_string()];
        columns.extend(belongs_to.iter().map(|b| b.column.clone()));
        columns.extend(fields.iter().map(|f| f.names.snake.clone()));
        if r.versioned {
            columns.push("version".into());
        }
        if r.timestamps {
            columns.push("created_at".into());
            columns.push("updated_at".into());
        }
        let mut uses = Uses {
            belongs_to: !belongs_to.is_empty(),
            many_to_many: !links.is_empty(),
            soft_delete: r.soft_delete,
            versioned: r.versioned,
            ..Uses::default()
        };
        for f in &r.fields {
            match f.ty {
                FieldType::Decimal { .. } => uses.decimal = true,
                FieldType::Date => uses.date = true,
                FieldType::Datetime => uses.datetime = true,
                FieldType::Json => uses.json = true,
                FieldType::Uuid => uses.uuid_field = true,
                FieldType::Enum { .. } => uses.enums = true,
                _ => {}
            }
            uses.pattern |= f.rules.pattern.is_some();
            uses.email |= f.rules.format == Some(Format::Email);
            uses.url |= f.rules.format == Some(Format::Url);
            uses.length |= f.rules.min_length.is_some() || f.rules.max_length.is_some();
            uses.range |= f.rules.min.is_some() || f.rules.max.is_some();
            uses.optional |= !f.required;
            uses.unique |= f.unique;
            uses.defaults |= f.default.is_some();
        }
        uses.optional |= r.belongs_to.iter().any(|b| !b.required);
        Self {
            names: r.names.clone(),
            description: r.description.clone(),
            table: r.names.plural_snake.clone(),
            url: format!("{}/{}", spec.project.api_prefix, r.names.plural_kebab),
            soft_delete: r.soft_delete,
            versioned: r.versioned,
            timestamps: r.timestamps,
            has_unique: r.fields.iter().any(|f| f.unique),
            has_invalid: fields.iter().any(|f| f.invalid.is_some()),
            select_columns: columns.join(", "),
            insert_columns: columns,
            routes: resource_routes(spec, r),
            fields,
            belongs_to,
            children: kids,
            links,
            uses,
        }
    }
}

impl FieldContext {
    fn new(resource: &Resource, f: &Field, dialect: Dialect) -> Self {
        let rust_type = match &f.ty {
            FieldType::String | FieldType::Text => "String".to_string(),
            FieldType::Integer => "i32".into(),
            FieldType::BigInteger => "i64".into(),
            FieldType::Float => "f64".into(),
            FieldType::Decimal { .. } => "Decimal".into(),
            FieldType::Boolean => "bool".into(),
            FieldType::Uuid => "Uuid".into(),
            FieldType::Date => "NaiveDate".into(),
            FieldType::Datetime => "DateTime<Utc>".into(),
            FieldType::Json => "Value".into(),
            FieldType::Enum { .. } => format!("{}{}", resource.names.pascal, f.names.pascal),
        };
        let field_type = if f.required {
            rust_type.clone()
        } else {
            format!("Option<{rust_type}>")
        };
        let enum_values = match &f.ty {
            FieldType::Enum { values } => values
                .iter()
                .map(|v| EnumValue {
                    value: v.clone(),
                    variant: heck::ToPascalCase::to_pascal_case(v.as_str()),
                })
                .collect(),
            _ => Vec::new(),
        };
        let default_rust = f
            .default
            .as_ref()
            .map(|d| rust_literal(d, &f.ty, &rust_type, &enum_values));
        let mut column_sql = format!(
            "{} {}",
            f.names.snake,
            dialect.column_type(&f.ty, f.rules.max_length)
        );
        if f.required {
            column_sql.push_str(" NOT NULL");
        }
        if let Some(d) = &f.default {
            column_sql.push_str(&format!(" DEFAULT {}", dialect.literal(d)));
        }
        if !enum_values.is_empty() {
            let list: Vec<String> = enum_values.iter().map(|v| quote(&v.value)).collect();
            column_sql.push_str(&format!(
                " CHECK ({} IN ({}))",
                f.names.snake,
                list.join(", ")
            ));
        }
        let bound_rust = |b: &Bound| match (b, &f.ty) {
            (Bound::Decimal(d), _) => decimal_rust(d),
            (Bound::Integer(i), FieldType::Decimal { .. }) => decimal_rust(&i.to_string()),
            (Bound::Integer(i), FieldType::Float) => format!("{:?}", *i as f64),
            (Bound::Integer(i), _) => i.to_string(),
            (Bound::Float(x), _) => format!("{x:?}"),
        };
        Self {
            names: f.names.clone(),
            description: f.description.clone(),
            spec_type: f.ty.spec_name(),
            field_type,
            required: f.required,
            unique: f.unique,
            default_rust,
            column_sql,
            is_enum: !enum_values.is_empty(),
            enum_values,
            is_string: f.ty.is_textual(),
            is_numeric: f.ty.is_numeric(),
            is_temporal: f.ty.is_temporal(),
            is_json: f.ty == FieldType::Json,
            is_decimal: matches!(f.ty, FieldType::Decimal { .. }),
            min_length: f.rules.min_length,
            max_length: f.rules.max_length,
            min_rust: f.rules.min.as_ref().map(bound_rust),
            max_rust: f.rules.max.as_ref().map(bound_rust),
            min_text: f.rules.min.as_ref().map(crate::spec::bound_text),
            max_text: f.rules.max.as_ref().map(crate::spec::bound_text),
            email: f.rules.format == Some(Format::Email),
            url: f.rules.format == Some(Format::Url),
            pattern_rust: f.rules.pattern.as_ref().map(|p| raw_string(p)),
            pattern_static: format!("{}_PATTERN", f.names.upper),
            pattern_text: f.rules.pattern.clone(),
            samples: samples::valid(&resource.names.snake, f),
            invalid: samples::invalid(f),
            rust_type,
        }
    }
}

fn rust_literal(
    literal: &Literal,
    ty: &FieldType,
    rust_type: &str,
    values: &[EnumValue],
) -> String {
    match (literal, ty) {
        (Literal::String(s), FieldType::Enum { .. }) => {
            let variant = values
                .iter()
                .find(|v| v.value == *s)
                .map_or("", |v| v.variant.as_str());
            format!("{rust_type}::{variant}")
        }
        (Literal::String(s), _) => format!("{s:?}.to_string()"),
        (Literal::Integer(i), _) => i.to_string(),
        (Literal::Float(x), _) => format!("{x:?}"),
        (Literal::Decimal(d), _) => decimal_rust(d),
        (Literal::Boolean(b), _) => b.to_string(),
    }
}

/// `Decimal::new(mantissa, scale)` for exact decimal text such as `19.99`.
fn decimal_rust(text: &str) -> String {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mantissa = format!("{int}{frac}").parse::<i64>().unwrap_or(0);
    format!("Decimal::new({mantissa}, {})", frac.len())
}

/// A Rust raw string literal with enough `#`s for its content.
fn raw_string(s: &str) -> String {
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(decimal_rust("19.99"), "Decimal::new(1999, 2)");
        assert_eq!(decimal_rust("-5"), "Decimal::new(-5, 0)");
        assert_eq!(raw_string(r"^\d+$"), r###"r#"^\d+$"#"###);
        assert_eq!(raw_string("a\"#b"), "r##\"a\"#b\"##");
    }

    #[test]
    fn shop_context() {
        let source = std::fs::read_to_string("examples/shop.toml").unwrap();
        let spec = crate::spec::parse("shop.toml", &source).unwrap();
        let ctx = ServiceContext::new("shop", &spec, &source);
        let stems: Vec<&str> = ctx
            .migrations
            .iter()
            .map(|m| m.file_stem.as_str())
            .collect();
        assert_eq!(
            stems,
            [
                "0001_create_users",
                "0002_create_categories",
                "0003_create_products",
                "0004_create_orders",
                "0005_create_order_items",
                "0006_create_payments",
                "0007_create_product_categories"
            ]
        );
        let order = ctx
            .resources
            .iter()
            .find(|r| r.names.snake == "order")
            .unwrap();
        let status = &order.fields[0];
        assert_eq!(status.rust_type, "OrderStatus");
        assert_eq!(status.default_rust.as_deref(), Some("OrderStatus::Pending"));
        assert!(
            status.column_sql.ends_with(
                "CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled'))"
            ),
            "{}",
            status.column_sql
        );
        assert_eq!(
            order.belongs_to[0].column_sql,
            "customer_id BLOB NOT NULL REFERENCES users (id) ON DELETE RESTRICT"
        );
        let user = &ctx.resources[0];
        assert_eq!(user.children[0].segment, "orders");
        assert!(ctx.uses.decimal && ctx.uses.pattern && ctx.uses.json);
    }
}
