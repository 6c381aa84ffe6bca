//! A team's business rules, written where the generated README says they go (the hooks in
//! `src/rules/`), hold on SQLite and on PostgreSQL, under concurrent writes, and through
//! `backend-gen update`:
//! - "an order cannot be cancelled once shipped": a 409 naming the transition;
//! - "an order item takes stock from its product", in the item's own transaction: a 409 when
//!   stock would go below zero, so of 20 concurrent items on a product with stock 10, exactly
//!   10 are created and the stock ends at 0.
//!
//! - "customers see only active products": a scope, in lists and one row at a time.
//!
//! Then a spec change goes through `update`, with a rules file of the time before services
//! (a synchronous `check`, which update converts): the project builds, and all three rules
//! hold.

use super::*;

const ORDER_RULES: &str = r#"//! Business rules for orders: the team's.

use crate::error::AppError;
use crate::hooks::{Hooks, Update};
use crate::resources::orders::model::{Order, OrderInput, OrderStatus};

pub struct Rules;

impl Hooks for Rules {
    type Row = Order;
    type Input = OrderInput;

    /// An order cannot be cancelled once shipped.
    async fn before_update(ctx: Update<'_, Order, OrderInput>) -> Result<(), AppError> {
        let gone = match ctx.current.status {
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            _ => return Ok(()),
        };
        if ctx.input.status == OrderStatus::Cancelled {
            return Err(AppError::conflict(format!(
                "an order cannot go from {gone} to cancelled"
            )));
        }
        Ok(())
    }
}
"#;

const ORDER_ITEM_RULES: &str = r#"//! Business rules for order items: the team's.

use crate::db::with_tx;
use crate::error::AppError;
use crate::hooks::{Create, Hooks};
use crate::resources::order_items::model::{OrderItem, OrderItemInput};

pub struct Rules;

impl Hooks for Rules {
    type Row = OrderItem;
    type Input = OrderItemInput;

    /// An order item takes stock from its product, in the item's own transaction.
    async fn before_create(ctx: Create<'_, OrderItemInput>) -> Result<(), AppError> {
        let taken = with_tx!(ctx.tx, |conn| {
            sqlx::query("UPDATE products SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
                .bind(ctx.input.quantity)
                .bind(ctx.input.product_id)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        if taken == 0 {
            return Err(AppError::conflict("not enough stock for this order item"));
        }
        Ok(())
    }
}
"#;

const PRODUCT_RULES: &str = r#"//! Business rules for products: the team's.

use crate::access::Caller;
use crate::hooks::{Hooks, Scope};
use crate::resources::products::model::{Product, ProductInput};

pub struct Rules;

impl Hooks for Rules {
    type Row = Product;
    type Input = ProductInput;

    /// Customers (and visitors) see only active products; staff see them all.
    fn scope(caller: &Caller) -> Scope {
        match caller {
            Caller::User(user) if user.has_role("staff") || user.is_admin() => Scope::all(),
            _ => Scope::only("active", true),
        }
    }
}
"#;

/// A rules file as backend-gen wrote them before services owned the writes, with a rule.
const OLD_CATEGORY_RULES: &str = r#"//! Business rules for categories. This file is yours: backend-gen created it once
//! and never overwrites it.

use crate::error::{AppError, ErrorDetail};
use crate::resources::categories::model::CategoryInput;

/// Runs on every create, replace and patch, after the spec's own validations passed.
pub fn check(input: &mut CategoryInput) -> Result<(), AppError> {
    if input.name == "Forbidden" {
        let refused = ErrorDetail::new("name", "is not allowed");
        return Err(AppError::Validation(vec![refused]));
    }
    Ok(())
}
"#;

#[test]
fn the_teams_rules_hold_on_both_databases_and_through_an_update() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let name = "shop-rules";
    let spec = spec_path("shop");
    let project = generate(name, &spec);
    rebuilt_after_each_update(&project);
    std::fs::write(project.join("src/rules/orders.rs"), ORDER_RULES).unwrap();
    std::fs::write(project.join("src/rules/order_items.rs"), ORDER_ITEM_RULES).unwrap();
    std::fs::write(project.join("src/rules/products.rs"), PRODUCT_RULES).unwrap();
    cargo(&project, &["build"]);
    let ctx = context(name, &spec);
    rules_hold(name, &ctx, None, false);
    let server = postgres_url();
    if let Some(server) = &server {
        let url = fresh_database(server, "team_rules");
        rules_hold(name, &ctx, Some(&url), false);
        drop_database(&url);
    }

    // A spec change through update, with a rules file of the old kind to convert.
    std::fs::write(project.join("src/rules/categories.rs"), OLD_CATEGORY_RULES).unwrap();
    let source = std::fs::read_to_string(project.join("backend-gen.toml")).unwrap();
    let changed = source.replace(
        "notes = { type = \"text\", required = false, max_length = 2000 }",
        "notes = { type = \"text\", required = false, max_length = 2000 }\n\
         gift_message = { type = \"string\", required = false, max_length = 200 }",
    );
    assert_ne!(
        changed, source,
        "the shop's order notes moved: update this test"
    );
    std::fs::write(project.join("backend-gen.toml"), changed).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_backend-gen"))
        .arg("update")
        .arg(&project)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "update failed:\n{said}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        said.contains("converted") && said.contains("src/rules/categories.rs"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("src/rules/orders.rs")).unwrap(),
        ORDER_RULES,
        "update never touches a team's rules"
    );
    cargo(&project, &["build"]);
    cargo(&project, &["fmt", "--check"]);
    cargo(
        &project,
        &["clippy", "--all-targets", "--", "-D", "warnings"],
    );
    let ctx = context(name, &project.join("backend-gen.toml"));
    rules_hold(name, &ctx, None, true);
    if let Some(server) = &server {
        let url = fresh_database(server, "team_rules_updated");
        rules_hold(name, &ctx, Some(&url), true);
        drop_database(&url);
    }
}

/// Starts the built service on `database_url` (its own SQLite file without one) and checks
/// the rules through HTTP; `converted`: also the old-style category rule and the new field.
fn rules_hold(name: &str, ctx: &ServiceContext, database_url: Option<&str>, converted: bool) {
    let binary = target_dir().join(format!("debug/{name}"));
    let dir = tempfile::tempdir().unwrap();
    let mut env = vec![
        ("RATE_LIMIT_PER_MINUTE", "100000".to_owned()),
        ("RATE_LIMIT_BURST", "100000".to_owned()),
    ];
    if let Some(url) = database_url {
        env.push(("DATABASE_URL", url.to_owned()));
    }
    let port = free_port();
    let _server = start(&binary, dir.path(), port, &env);
    let api = format!("http://127.0.0.1:{port}/v1");
    let access = admin_token(&api, &api, grant(&binary, dir.path(), &env), ctx);
    let token = Some(access.as_str());
    let post = |path: &str, body: serde_json::Value| {
        let (status, answer, _) = call("POST", &format!("{api}/{path}"), token, Some(body));
        assert_eq!(status, 201, "POST {path}: {answer}");
        answer["id"].as_str().unwrap().to_owned()
    };

    let patch = |url: &str, body: serde_json::Value| {
        let (status, answer, _) = call("PATCH", url, token, Some(body));
        (status, answer)
    };

    // Stock: 20 items at once on a product with 10; exactly 10 take one each.
    let product = post(
        "products",
        serde_json::json!({"sku": "RULES-1", "name": "Rationed", "price": "9.99", "stock": 10}),
    );
    let order = post(
        "orders",
        serde_json::json!({"placedAt": "2026-01-01T10:00:00Z"}),
    );
    let item = serde_json::json!({
        "orderId": order, "productId": product, "quantity": 1, "unitPrice": "9.99"
    });
    let statuses: Vec<(u16, serde_json::Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..20)
            .map(|_| {
                let (url, body) = (format!("{api}/order-items"), item.clone());
                scope.spawn(move || {
                    let (status, answer, _) = call("POST", &url, token, Some(body));
                    (status, answer)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let created = statuses.iter().filter(|(status, _)| *status == 201).count();
    let refused: Vec<_> = statuses
        .iter()
        .filter(|(status, _)| *status != 201)
        .collect();
    assert_eq!(created, 10, "{refused:?}");
    for (status, answer) in &refused {
        assert_eq!(*status, 409, "{answer}");
        assert_eq!(
            answer["error"]["message"], "not enough stock for this order item",
            "{answer}"
        );
    }
    let (_, read, _) = call("GET", &format!("{api}/products/{product}"), token, None);
    assert_eq!(read["stock"], 0, "{read}");
    let (_, items, _) = call("GET", &format!("{api}/order-items?limit=100"), token, None);
    assert_eq!(
        items["pagination"]["total"], 10,
        "a refused item wrote nothing"
    );

    // Orders: shipped, then cancelled is refused and the order stays shipped.
    let order_url = format!("{api}/orders/{order}");
    let (status, answer) = patch(&order_url, serde_json::json!({"status": "shipped"}));
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = patch(&order_url, serde_json::json!({"status": "cancelled"}));
    assert_eq!(status, 409, "{answer}");
    assert_eq!(
        answer["error"]["message"],
        "an order cannot go from shipped to cancelled"
    );
    let (_, read, _) = call("GET", &order_url, token, None);
    assert_eq!(read["status"], "shipped", "{read}");
    // A pending order may still be cancelled.
    let pending = post(
        "orders",
        serde_json::json!({"placedAt": "2026-01-02T10:00:00Z"}),
    );
    let (status, answer) = patch(
        &format!("{api}/orders/{pending}"),
        serde_json::json!({"status": "cancelled"}),
    );
    assert_eq!(status, 200, "{answer}");

    // Scope: visitors see only active products, in lists and one by one; admins see all.
    let hidden = post(
        "products",
        serde_json::json!({"sku": "RULES-2", "name": "Retired", "price": "1.00", "active": false}),
    );
    let (status, list, _) = call("GET", &format!("{api}/products?limit=100"), None, None);
    assert_eq!(status, 200, "{list}");
    let listed: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row["id"].as_str())
        .collect();
    assert_eq!(listed, [product.as_str()], "{list}");
    assert_eq!(list["pagination"]["total"], 1, "{list}");
    let one = |token| call("GET", &format!("{api}/products/{hidden}"), token, None).0;
    assert_eq!(one(None), 404);
    assert_eq!(one(token), 200);
    let (_, list, _) = call("GET", &format!("{api}/products?limit=100"), token, None);
    assert_eq!(list["pagination"]["total"], 2, "{list}");

    if converted {
        let (status, answer, _) = call(
            "POST",
            &format!("{api}/categories"),
            token,
            Some(serde_json::json!({"name": "Forbidden"})),
        );
        assert_eq!(status, 422, "the converted check still runs: {answer}");
        post("categories", serde_json::json!({"name": "Allowed"}));
        // The new field is there, beside the rules.
        let (status, answer) = patch(
            &order_url,
            serde_json::json!({"giftMessage": "Happy birthday"}),
        );
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["giftMessage"], "Happy birthday");
    }
}
