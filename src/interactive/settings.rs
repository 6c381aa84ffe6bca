//! The project's settings: the database, and with jwt the roles (which one is
//! the admin's, which one new accounts get).

use super::answers::Answers;
use super::parse::parse_roles;
use super::ui::{Ui, ask_list};
use crate::error::Result;
use crate::spec::Database;

/// The database, `current` suggested.
pub(super) fn ask_database(ui: &Ui, current: Database) -> Result<Database> {
    let pick = ui.select(
        "Database",
        &[
            "sqlite    (one file, nothing to install)",
            "postgres  (a PostgreSQL server)",
        ],
        usize::from(current == Database::Postgres),
    )?;
    Ok(if pick == 0 {
        Database::Sqlite
    } else {
        Database::Postgres
    })
}

/// Whether the service also serves GraphQL, `current` suggested.
pub(super) fn ask_graphql(ui: &Ui, current: bool) -> Result<bool> {
    ui.confirm("Also serve GraphQL at /graphql?", current)
}

pub(super) fn ask_roles(ui: &Ui, answers: &mut Answers) -> Result<()> {
    let mut roles = ask_list(ui, "Roles (comma-separated)", "admin, member", parse_roles)?;
    answers.admin_role = ask_admin_role(ui, &mut roles)?;
    answers.default_role = ask_default_role(ui, &mut roles, &answers.admin_role)?;
    answers.roles = roles;
    Ok(())
}

/// The admin role passes every access rule, so it is always picked, never
/// implied: a role list without `admin` is offered one, added in front.
fn ask_admin_role(ui: &Ui, roles: &mut Vec<String>) -> Result<String> {
    const ADMIN: &str = "admin";
    if roles.len() == 1 && roles[0] == ADMIN {
        return Ok(ADMIN.into());
    }
    let mut items = roles.clone();
    let added = (!roles.iter().any(|r| r == ADMIN)).then_some(items.len());
    if added.is_some() {
        items.push(format!("{ADMIN}  (add a role for administrators)"));
    }
    let suggested = roles
        .iter()
        .position(|r| r == ADMIN)
        .or(added)
        .unwrap_or_default();
    let pick = ui.select("Admin role (passes every access rule)", &items, suggested)?;
    if Some(pick) == added {
        roles.insert(0, ADMIN.into());
        return Ok(ADMIN.into());
    }
    Ok(roles[pick].clone())
}

/// The role new accounts get: a role named like one for ordinary accounts
/// (`member`, `user`, `customer`) when there is one, else the first role typed
/// after the admin's. Giving them the admin role makes every account pass
/// every rule: offered last, and said so.
fn ask_default_role(ui: &Ui, roles: &mut Vec<String>, admin: &str) -> Result<String> {
    const ORDINARY: &[&str] = &["member", "user", "customer"];
    let mut items: Vec<String> = roles.iter().filter(|r| *r != admin).cloned().collect();
    let others = items.len();
    // With the admin role alone, offer a plain role for new accounts.
    let added = (others == 0).then(|| {
        let name = if admin == "member" { "user" } else { "member" };
        items.push(format!("{name}  (add a role for new accounts)"));
        name.to_string()
    });
    items.push(format!(
        "{admin}  (the admin role: every account passes every access rule)"
    ));
    let suggested = ORDINARY
        .iter()
        .find_map(|ordinary| items[..others].iter().position(|r| r == ordinary))
        .unwrap_or(0);
    let pick = ui.select("Role given to new accounts", &items, suggested)?;
    Ok(match &added {
        Some(name) if pick == 0 => {
            roles.push(name.clone());
            name.clone()
        }
        _ if pick == items.len() - 1 => admin.to_string(),
        _ => items[pick].clone(),
    })
}

/// What the roles mean, under the spec shown for review.
pub(super) fn say_roles(ui: &Ui, answers: &Answers) {
    let admin = &answers.admin_role;
    if answers.every_account_is_admin() {
        ui.warn(&format!(
            "Every new account gets `{admin}`, the admin role: every account passes every access rule."
        ));
    } else {
        ui.say(&format!(
            "Accounts: `{admin}` passes every access rule; new accounts get `{}`. \
             Make the first admin with the service's `grant-role` command.",
            answers.default_role
        ));
    }
}
