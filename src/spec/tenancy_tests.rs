//! Unit tests of `[tenancy]` (issue 76): what it accepts, and each relation it refuses
//! because it would let one tenant see another's ids or rows.

use super::tests::errors;

/// Accounts, a tenant resource, a global one (`country`) and two per-tenant ones.
const SAAS: &str = "[auth]\nmode = \"jwt\"\n\
[resources.organization]\naccess = { create = \"authenticated\" }\n\
[resources.organization.fields]\nname = { type = \"string\", required = true }\n\
[resources.country.fields]\ncode = { type = \"string\", required = true }\n\
[resources.project]\nbelongs_to = { country = \"country\", lead = \"user\" }\nowner = \"lead\"\n\
[resources.project.fields]\ntitle = { type = \"string\", required = true }\n\
[resources.task]\nbelongs_to = { project = \"project\" }\nowner = \"project.lead\"\n\
[resources.task.fields]\ntitle = { type = \"string\" }\n";

/// The errors of the spec with `tenancy`, none when it is valid.
fn problems(tenancy: &str, extra: &str) -> Vec<String> {
    let source = format!("{SAAS}{extra}[tenancy]\n{tenancy}");
    match super::parse("t.toml", &source) {
        Ok(_) => Vec::new(),
        Err(_) => errors(&source),
    }
}

/// Per-tenant rows are generated (behind both walls) with every feature a resource may have:
/// owners through parents, links, files, personal fields, the audit trail and events.
#[test]
fn per_tenant_resources_generate_with_every_feature() {
    // The task is owned through its project, and linked to the project's labels.
    let linked = "[resources.task]\nmany_to_many = [\"project\", \"country\"]\n";
    let saas = SAAS.replace("[resources.task]\n", linked);
    let tenancy = "[tenancy]\ntenant = \"organization\"\nglobal = [\"country\"]\n";
    let spec = super::tests::valid(&format!("{saas}{tenancy}"));
    for r in ["project", "task"] {
        assert!(spec.is_per_tenant(spec.resource(r).unwrap()), "{r}");
    }
    let task = spec.resource("task").unwrap();
    assert_eq!(task.owner.as_ref().unwrap().path, ["project", "lead"]);
    assert_eq!(task.many_to_many, ["project", "country"]);
    let file =
        "brief = { type = \"file\", max_size = \"1MB\", content_types = [\"application/pdf\"] }";
    let phone = "phone = { type = \"string\", required = false, personal = true }";
    let with_both = saas.replacen(
        "title = { type = \"string\" }\n",
        &format!("title = {{ type = \"string\" }}\n{file}\n{phone}\n"),
        1,
    );
    let spec = super::tests::valid(&format!("{with_both}{tenancy}"));
    let task = spec.resource("task").unwrap();
    assert_eq!(task.files().count(), 1);
    assert!(task.fields.iter().any(|f| f.personal));
    // The audit trail too, its entries naming the row's tenant.
    let audited = SAAS.replace(
        "[resources.project]\n",
        "[resources.project]\naudit = true\n",
    );
    let spec = super::tests::valid(&format!("{audited}{tenancy}"));
    assert!(spec.resource("project").unwrap().audit);
    // Events and so webhooks too, each event naming its row's tenant.
    let evented = format!("{SAAS}[resources.project.events]\ncreated = true\n");
    let spec = super::tests::valid(&format!("{evented}{tenancy}"));
    assert!(spec.webhooks());
    assert!(spec.is_per_tenant(spec.resource("project").unwrap()));
}

/// With every resource global, no row is a tenant's: the tenants, their memberships and
/// tokens that name one are all that tenancy generates, and all that it needs.
#[test]
fn a_sound_table_whose_resources_are_all_global_generates() {
    let spec = super::tests::valid(&format!(
        "{SAAS}[tenancy]\ntenant = \"organization\"\nglobal = [\"country\", \"project\", \"task\"]\n"
    ));
    assert_eq!(
        spec.tenant_resource().map(|r| r.names.snake.as_str()),
        Some("organization")
    );
}

/// The default rules under jwt ask for a signed-in caller; `public` is written.
#[test]
fn a_tenant_is_created_by_a_signed_in_caller_who_becomes_its_admin() {
    let tenancy =
        "[tenancy]\ntenant = \"organization\"\nglobal = [\"country\", \"project\", \"task\"]\n";
    for (access, at) in [
        (
            "access = { create = \"public\" }",
            "4:21 resources.organization.access.create",
        ),
        ("access = \"public\"", "4:10 resources.organization.access"),
    ] {
        let spec = SAAS.replace("access = { create = \"authenticated\" }", access);
        let errors = errors(&format!("{spec}{tenancy}"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(&format!(
                "{at}: anyone may create a tenant (a tenant's creator becomes its admin"
            )),
            "{errors:?}"
        );
    }
}

/// A per-tenant resource may not let anonymous callers in (they act in no tenant): each
/// action naming `public` is refused where it is written, with both ways out; listed in
/// `global`, the same rules pass.
#[test]
fn a_tenants_rows_are_for_signed_in_callers() {
    let public = SAAS.replace(
        "[resources.project]\n",
        "[resources.project]\naccess = { list = \"public\", read = [\"public\"], create = \"authenticated\" }\n",
    );
    let tenancy = "[tenancy]\ntenant = \"organization\"\nglobal = [\"country\"]\n";
    let found = errors(&format!("{public}{tenancy}"));
    assert_eq!(found.len(), 2, "{found:?}");
    for (error, action) in found.iter().zip(["list", "read"]) {
        assert!(
            error.contains(&format!(
                "resources.project.access.{action}: anyone may {action} a tenant's rows"
            )),
            "{found:?}"
        );
        assert!(
            error.contains("name `authenticated` (or a role)"),
            "{error}"
        );
        assert!(
            error.contains("or list \"project\" in `[tenancy] global`"),
            "{error}"
        );
    }
    let shared =
        "[tenancy]\ntenant = \"organization\"\nglobal = [\"country\", \"project\", \"task\"]\n";
    super::tests::valid(&format!("{public}{shared}"));
}

#[test]
fn tenancy_needs_accounts_that_sign_in() {
    let errors = errors(
        "[resources.organization.fields]\nname = { type = \"string\" }\n[tenancy]\ntenant = \"organization\"\n",
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("3:1 tenancy: tenancy needs accounts that sign in")),
        "{errors:?}"
    );
}

/// With another service's accounts, the tenants are that service's too: `tenant` names its
/// resource, never one of this spec's, and this service's rows are per tenant all the same.
#[test]
fn with_another_services_accounts_the_tenants_are_its_too() {
    const REMOTE: &str = "[auth]\nmode = \"jwt\"\naccounts = \"accounts\"\n\
        [resources.country.fields]\nname = { type = \"string\" }\n\
        [resources.project.fields]\nname = { type = \"string\" }\n";
    let spec = super::tests::valid(&format!(
        "{REMOTE}[tenancy]\ntenant = \"organization\"\nglobal = [\"country\"]\n"
    ));
    assert!(
        spec.tenant_resource().is_none(),
        "the tenants are not a table here"
    );
    assert!(spec.is_per_tenant(spec.resource("project").unwrap()));
    assert!(!spec.is_per_tenant(spec.resource("country").unwrap()));

    let errors = errors(&format!("{REMOTE}[tenancy]\ntenant = \"project\"\n"));
    assert!(
        errors.iter().any(|e| e
            .contains("tenancy.tenant: the tenants are not in the accounts service")
            && e.contains("the `accounts` service holds the accounts")),
        "{errors:?}"
    );
}

#[test]
fn the_tenant_is_a_resource_neither_the_accounts_nor_global() {
    let missing = problems("global = [\"country\"]\n", "");
    assert!(
        missing[0].contains("tenancy: no tenant resource"),
        "{missing:?}"
    );
    let user = problems("tenant = \"user\"\n", "");
    assert!(
        user[0].contains("tenancy.tenant: the accounts cannot be the tenants"),
        "{user:?}"
    );
    let typo = problems("tenant = \"organisation\"\n", "");
    assert!(
        typo[0].contains("tenancy.tenant: unknown resource (did you mean \"organization\"?)"),
        "{typo:?}"
    );
    let global = problems(
        "tenant = \"organization\"\nglobal = [\"organization\"]\n",
        "",
    );
    assert!(
        global[0].contains("the tenant resource is listed as global"),
        "{global:?}"
    );
    let key = problems("tenant = \"organization\"\nglobals = []\n", "");
    assert!(
        key[0].contains("unknown key `globals` (did you mean `global`?)"),
        "{key:?}"
    );
}

#[test]
fn global_lists_resources_once_and_not_the_accounts() {
    let errors = problems(
        "tenant = \"organization\"\nglobal = [\"user\", \"countries\", \"country\", \"country\"]\n",
        "",
    );
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("tenancy.global: the accounts are not a tenant's"));
    assert!(errors[1].contains("tenancy.global: unknown resource"));
    assert!(errors[2].contains("tenancy.global: listed twice"));
}

#[test]
fn a_shared_row_never_names_a_tenants_row() {
    // The global country names a per-tenant project, the tenant names it too, and so does
    // an account (a member of several tenants).
    let extra = "[resources.country.belongs_to]\nflagship = { resource = \"project\" }\n\
                 [resources.organization.belongs_to]\nhome = { resource = \"task\" }\n\
                 [resources.user.belongs_to]\nfavourite = { resource = \"task\" }\n";
    let errors = problems("tenant = \"organization\"\nglobal = [\"country\"]\n", extra);
    assert!(
        errors.iter().any(|e| e.contains("resources.country.belongs_to.flagship: a global resource belongs to a per-tenant resource")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains(
            "resources.organization.belongs_to.home: the tenant resource belongs to a per-tenant resource"
        )),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains(
            "resources.user.belongs_to.favourite: an account belongs to a per-tenant resource"
        )),
        "{errors:?}"
    );
}

#[test]
fn a_per_tenant_row_names_no_tenant_and_finds_no_owner_through_a_shared_row() {
    let extra = "[resources.invoice]\nbelongs_to = { organization = \"organization\", country = \"country\" }\n\
                 owner = \"country.maker\"\n\
                 [resources.invoice.fields]\ntotal = { type = \"integer\" }\n\
                 [resources.country.belongs_to]\nmaker = { resource = \"user\" }\n";
    let errors = problems("tenant = \"organization\"\nglobal = [\"country\"]\n", extra);
    assert!(
        errors.iter().any(|e| e.contains("resources.invoice.belongs_to.organization: a per-tenant resource belongs to the tenant resource (every row of a per-tenant resource belongs to its tenant already")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e
                .contains("resources.invoice.owner: the owner is found through a global resource")),
        "{errors:?}"
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn a_shared_row_links_to_no_tenants_row() {
    let extra = "[resources.country]\nmany_to_many = [\"project\"]\n";
    let errors = problems("tenant = \"organization\"\nglobal = [\"country\"]\n", extra);
    assert!(
        errors.iter().any(|e| e.contains(
            "resources.country.many_to_many: a global resource links to a per-tenant resource"
        )),
        "{errors:?}"
    );
    // The per-tenant side may link to a global resource.
    let extra = "[resources.note]\nmany_to_many = [\"country\"]\n[resources.note.fields]\nbody = { type = \"text\" }\n";
    let errors = problems("tenant = \"organization\"\nglobal = [\"country\"]\n", extra);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn in_a_split_the_tenants_live_with_the_accounts() {
    let services = "[services.accounts]\nresources = [\"user\"]\n\
                    [services.work]\nresources = [\"organization\", \"country\", \"project\", \"task\"]\n";
    let errors = problems("tenant = \"organization\"\n", services);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("tenancy.tenant: the tenants are not in the accounts service"),
        "{errors:?}"
    );
    let services = "[services.accounts]\nresources = [\"user\", \"organization\"]\n\
                    [services.work]\nresources = [\"country\", \"project\", \"task\"]\n";
    assert!(problems("tenant = \"organization\"\n", services).is_empty());
}

/// A per-tenant table's `tenant_id` is the tenant's: a field or a relation (`tenant` gives
/// `tenant_id`) may not take it. A shared resource may have either.
#[test]
fn the_tenant_column_is_no_field_or_relation_of_a_per_tenant_row() {
    let extra = "[resources.milestone]\nbelongs_to = { tenant = { resource = \"country\" } }\n\
                 [resources.milestone.fields]\ndue = { type = \"date\" }\n\
                 [resources.sprint.fields]\ntenant_id = { type = \"string\" }\n\
                 [resources.currency.fields]\ntenant_id = { type = \"string\" }\n";
    let errors = problems(
        "tenant = \"organization\"\nglobal = [\"country\", \"currency\"]\n",
        extra,
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().any(|e| e.contains(
            "resources.sprint.fields.tenant_id: the field takes the tenant's column (every per-tenant row has `tenant_id`, its tenant's: rename it (e.g. `tenant_ref`)"
        )),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains(
            "resources.milestone.belongs_to.tenant: the relation's column takes the tenant's column"
        )),
        "{errors:?}"
    );
}

/// `[rate_limit] per_tenant_per_minute` is the budget a tenant's sessions share, so it needs
/// tenants: without `[tenancy]` it is refused where it is written, saying what it needs.
#[test]
fn a_budget_per_tenant_needs_tenants() {
    let global =
        "[tenancy]\ntenant = \"organization\"\nglobal = [\"country\", \"project\", \"task\"]\n";
    let spec = super::tests::valid(&format!(
        "{SAAS}[rate_limit]\nper_tenant_per_minute = 600\n{global}"
    ));
    assert_eq!(spec.rate_limit.per_tenant_per_minute, Some(600));
    let spec = super::tests::valid(&format!("{SAAS}{global}"));
    assert_eq!(spec.rate_limit.per_tenant_per_minute, None);

    let refused = errors(&format!(
        "{SAAS}[rate_limit]\nper_tenant_per_minute = 600\n"
    ));
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].starts_with(
            "20:25 rate_limit.per_tenant_per_minute: a budget per tenant needs tenants"
        ),
        "{refused:?}"
    );
    assert!(refused[0].contains("add `[tenancy]`"), "{refused:?}");
    let zero = errors(&format!(
        "{SAAS}[rate_limit]\nper_tenant_per_minute = 0\n{global}"
    ));
    assert_eq!(zero.len(), 1, "{zero:?}");
}

/// A per-tenant decimal keeps its scaled value in a column of its own
/// (`schema_names::Scaled`), which no field of its table may be; a global table's decimal
/// has none, so the same name is free there.
#[test]
fn a_field_may_not_take_the_name_of_a_per_tenant_decimals_scaled_column() {
    let fields = "price = { type = \"decimal\", scale = 2, sort = true }\n\
                  price_scaled = { type = \"integer\" }\n";
    let extra = format!("[resources.invoice.fields]\n{fields}");
    let tenancy = "tenant = \"organization\"\nglobal = [\"country\"]\n";
    let errors = problems(tenancy, &extra);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("resources.invoice.fields.price_scaled"),
        "{errors:?}"
    );
    assert!(
        errors[0].contains("taken by a generated column"),
        "{errors:?}"
    );
    let global = "tenant = \"organization\"\nglobal = [\"country\", \"invoice\"]\n";
    assert!(problems(global, &extra).is_empty());
}
