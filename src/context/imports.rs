//! The `use` blocks of a resource's generated repo, handlers and service.

use crate::layout::use_block;
use crate::spec::{AuthMode, Field, Resource, Spec};

use super::relations::owned;
use super::{FieldContext, LinkContext, RelationContext};

/// The laid-out `use` blocks of a resource's generated modules (see the `ResourceContext`
/// fields `repo_imports`, `handler_super_imports`, `handler_imports` and `service_imports`).
pub(super) struct Imports {
    pub(super) repo: String,
    pub(super) handler_super: String,
    pub(super) handler: String,
    pub(super) service: String,
}

/// The `use` blocks of a resource's repo, handlers and service.
pub(super) fn imports(
    spec: &Spec,
    r: &Resource,
    fields: &[FieldContext],
    belongs_to: &[RelationContext],
    links: &[LinkContext],
) -> Imports {
    let own = &r.names.module;
    let p = &r.names.type_name;
    let parents: Vec<String> = belongs_to
        .iter()
        .filter(|b| !b.remote)
        .map(|b| b.target.module.clone())
        .filter(|m| m != own)
        .map(|m| format!("crate::resources::{m}"))
        .collect();
    let targets: Vec<String> = links
        .iter()
        .map(|l| format!("crate::resources::{}", l.target.module))
        .collect();

    let mut repo = vec![
        format!("super::model::{p}"),
        format!("super::model::{p}Input"),
    ];
    repo.extend(
        fields
            .iter()
            .filter(|f| f.is_enum)
            .map(|f| format!("super::model::{}", f.rust_type)),
    );
    let mut repo_crate: Vec<String> = [
        "crate::cache::Cache",
        "crate::cache::Key",
        "crate::db::Pool",
        "crate::db::Tx",
        "crate::db::with_pool",
        "crate::db::with_tx",
        "crate::error::AppError",
        "crate::list::ListParams",
        "crate::list::ListSpec",
        "crate::list::Page",
        "crate::list::Paths",
        "crate::list::fetch",
    ]
    .map(String::from)
    .to_vec();
    // A list with a column to filter or sort on describes it (`Column`, of a `Kind`): one
    // without (no timestamps, relations or listable fields) sorts by the id alone.
    let paths = super::lists::list_paths(r);
    let (columns, _, _) = super::lists::list_description(spec, r, &paths);
    if !columns.is_empty() {
        repo_crate.extend(["crate::list::Column".into(), "crate::list::Kind".into()]);
    }
    let owned = owned(spec, r);
    let linked_to = !spec.linked_from(&r.names.snake).is_empty();
    let per_tenant = spec.is_per_tenant(r);
    if belongs_to.iter().any(|b| !b.remote) || linked_to || owned || per_tenant {
        repo_crate.push("crate::list::Scope".into());
    }
    // A tenant's rows are read and written within the tenant the caller acts in, and so
    // are a tenant's links to rows every tenant shares.
    let linked_in_tenant =
        (spec.linked_from(&r.names.snake).iter()).any(|&i| spec.is_per_tenant(&spec.resources[i]));
    if per_tenant || linked_in_tenant {
        repo_crate.push("crate::tenancy::Tenant".into());
    }
    // Parents are checked to exist, and so is an owner a body names.
    if belongs_to.iter().any(|b| !b.remote || b.replica) {
        repo_crate.push("crate::validation::Validator".into());
    }
    let jwt = spec.auth.mode == AuthMode::Jwt;
    if owned {
        repo_crate.push("crate::access::Ownership".into());
        repo_crate.push("crate::access::Visible".into());
    }
    if spec.is_account(r) {
        repo_crate.push("crate::auth::signup::NewAccount".into());
    }
    if !r.events.is_empty() {
        repo_crate.push("crate::outbox".into());
    }
    // Personal values are sealed as they are bound, and their blind indexes hashed.
    if r.fields.iter().any(|f| f.personal) {
        repo_crate.push("crate::personal::Seal".into());
    }
    // Events leave out the personal fields the spec does not put in them.
    if r.row_events().next().is_some() && r.fields.iter().any(|f| f.personal && !f.in_events) {
        repo_crate.push("crate::personal".into());
    }
    let indexed = |f: &&Field| f.blind_index().is_some();
    if r.fields
        .iter()
        .filter(indexed)
        .any(|f| !spec.is_personal_account_email(r, f))
    {
        repo_crate.push("crate::personal::Blind".into());
    }
    if r.fields
        .iter()
        .filter(indexed)
        .any(|f| spec.is_personal_account_email(r, f))
    {
        repo_crate.push("crate::personal::BlindFolded".into());
    }
    // Parents' repos say whether a parent exists. No link target is imported: the target's
    // repo lists its own rows linked to one of these, so repos never import in a circle.
    repo_crate.extend(parents.iter().cloned());
    let repo_block = format!("{}\n{}", use_block(&repo), use_block(&repo_crate));

    let read_rules = jwt && r.fields.iter().any(|f| f.access.read.is_some());
    let field_rules = jwt && r.fields.iter().any(|f| f.access.is_restricted());
    let mut handler_super = vec!["super::PATH".to_string(), "super::service".to_string()];
    let mut handler: Vec<String> = [
        "crate::state::AppState",
        "crate::conditional::Conditions",
        "crate::conditional::tagged",
        "crate::error::AppError",
        "crate::extract::ApiJson",
        "crate::extract::ResourceId",
        "crate::list::ListParams",
        "crate::list::Page",
        "crate::conditional::created",
    ]
    .map(String::from)
    .to_vec();
    handler.push(format!("crate::rules::{own}::Rules"));
    if jwt {
        handler.push("crate::access::Caller".into());
    }
    if read_rules {
        handler_super.push("super::FIELDS".into());
    }
    if !links.is_empty() {
        handler.push("crate::extract::LinkIds".into());
    }

    let mut service = vec![
        "std::sync::Arc".to_string(),
        "uuid::Uuid".to_string(),
        "super::repo".to_string(),
        format!("super::model::{p}"),
        format!("super::model::{p}Input"),
        format!("super::model::{p}Patch"),
    ];
    service.extend(
        [
            "crate::state::AppState",
            "crate::conditional::Conditions",
            "crate::error::AppError",
            "crate::extract::ApiJson",
            "crate::extract::parse_body",
            "crate::extract::parse_replace",
            "crate::hooks",
            "crate::hooks::Hooks",
            "crate::list::ListParams",
            "crate::list::Page",
        ]
        .map(String::from),
    );
    service.push(format!("crate::rules::{own}::Rules"));
    if belongs_to.iter().any(|b| !b.owner && !b.remote) && !spec.is_account(r) {
        service.push("crate::extract::parse_nested_body".into());
    }
    if jwt {
        service.push("super::ACCESS".into());
        service.push("crate::access::Caller".into());
        service.push("crate::access::Rule".into());
    }
    if field_rules {
        service.push("super::FIELDS".into());
    }
    if spec.is_account(r) {
        service.push("crate::auth::signup".into());
        service.push("crate::auth::signup::NewAccount".into());
        service.push("crate::access::DEFAULT_ROLE".into());
    }
    if r.row_events().next().is_some() {
        service.push("crate::outbox".into());
    }
    let remote_owner = r
        .belongs_to
        .iter()
        .any(|b| r.is_owner(b) && spec.is_remote(b));
    if r.fields.iter().any(|f| f.references.is_some()) || remote_owner {
        // The refusals of ids other services do not have (`check_remote`, `check_owner`).
        service.push("crate::error::ErrorDetail".into());
    }
    if !links.is_empty() {
        service.push("crate::rules".into());
    }
    // An account's export reads the rows it owns as their owner (`service::export`).
    if owned && spec.exports() && !spec.is_account(r) {
        service.push("crate::access::Visible".into());
        service.push("crate::list::MAX_LIMIT".into());
        service.push("serde_json::value::RawValue".into());
        if read_rules {
            service.push("super::FIELDS".into());
        }
    }
    // A write a unique index refused ends its transaction before naming the fields; an
    // audited write records its entry in its transaction.
    if r.fields.iter().any(|f| f.unique) || r.belongs_to.iter().any(|b| b.unique) || r.audit {
        service.push("crate::db::Tx".into());
    }
    if r.audit {
        service.push("crate::audit_trail".into());
    }
    // A tenant's rows: its private steps take the tenant the caller acts in.
    if per_tenant {
        service.push("crate::tenancy::Tenant".into());
    }
    // The tenants' resource admits a tenant's creator, and ends the sessions in one it deletes.
    if spec.is_tenant(r) {
        service.push("crate::auth::sessions".into());
        service.push("crate::auth::membership_store".into());
    }
    service.extend(parents);
    service.extend(targets);
    // std and other crates first, then this crate's own paths, as a block each.
    let (external, own): (Vec<String>, Vec<String>) = service
        .into_iter()
        .partition(|path| !path.starts_with("super::") && !path.starts_with("crate::"));
    let service_block = format!(
        "{}

{}",
        use_block(&external),
        use_block(&own)
    );
    Imports {
        repo: repo_block,
        handler_super: use_block(&handler_super),
        handler: use_block(&handler),
        service: service_block,
    }
}
