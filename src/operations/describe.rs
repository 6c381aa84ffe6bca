//! What the spec says about each route beyond its method and path: id, handler, tag,
//! parameters, access, body, events.

use super::model::{Action, Body, Group, Operation, Param};
use crate::spec::routes::{
    AuditAction, AuthAction, FileAction, JobAction, Kind, Method, Probe, Route, WebhookAction,
};
use crate::spec::{Resource, Spec, Trigger};

pub(super) fn operation(spec: &Spec, route: Route) -> Operation {
    let Route {
        method,
        path,
        summary,
        kind,
    } = route;
    let (id, handler, module) = names(spec, &kind);
    let group = group(&kind);
    let params = params(&path, &kind);
    let access = access(&kind);
    let body = body(&kind);
    let events = match &group {
        Group::Resource(snake) => spec
            .resource(snake)
            .map(|r| events(r, &kind))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let document_summary = document_summary(&kind).map_or_else(|| summary.clone(), str::to_string);
    let outside_api = matches!(kind, Kind::Health(_) | Kind::Metrics | Kind::Document);
    // docs/contract.md, "Rate limits": every route but health.
    let rate_limited = !matches!(kind, Kind::Health(_));
    // Every POST but the jwt flow's honours `Idempotency-Key` (docs/contract.md).
    let idempotent = method == Method::Post && !matches!(kind, Kind::Auth(_));
    Operation {
        id,
        idempotent,
        method,
        path,
        params,
        summary,
        document_summary,
        group,
        kind,
        module,
        handler,
        access,
        body,
        in_api: !outside_api,
        rate_limited,
        events,
    }
}

/// The operation id, the handler and the module whose router mounts it.
fn names(spec: &Spec, kind: &Kind) -> (String, String, String) {
    let res = |snake: &str| spec.resource(snake);
    let pascal = |snake: &str| res(snake).map_or_else(String::new, |r| r.names.pascal.clone());
    let module = |snake: &str| {
        res(snake).map_or_else(String::new, |r| format!("resources::{}", r.names.module))
    };
    // A relation's (pascal, snake) names.
    let relation = |child: &str, relation: &str| {
        res(child)
            .and_then(|c| c.belongs_to.iter().find(|b| b.names.snake == relation))
            .map_or_else(Default::default, |b| {
                (b.names.pascal.clone(), b.names.snake.clone())
            })
    };
    // A resource's router sits beside its handlers (`handlers.rs`), so it names them bare.
    let resource_op =
        |snake: &str, id: String, handler: &str| (id, handler.to_string(), module(snake));
    match kind {
        Kind::List { resource } => {
            let plural = res(resource).map_or_else(String::new, |r| r.names.plural_pascal.clone());
            resource_op(resource, format!("list{plural}"), "list")
        }
        Kind::Create { resource } => {
            resource_op(resource, format!("create{}", pascal(resource)), "create")
        }
        Kind::Read { resource } => resource_op(resource, format!("get{}", pascal(resource)), "get"),
        Kind::Replace { resource } => {
            resource_op(resource, format!("replace{}", pascal(resource)), "replace")
        }
        Kind::Patch { resource } => {
            resource_op(resource, format!("update{}", pascal(resource)), "patch")
        }
        Kind::Delete { resource } => {
            resource_op(resource, format!("delete{}", pascal(resource)), "delete")
        }
        Kind::ListChildren {
            child,
            relation: rel,
            ..
        } => {
            let plural = res(child).map_or_else(String::new, |r| r.names.plural_pascal.clone());
            let (pascal, snake) = relation(child, rel);
            resource_op(
                child,
                format!("list{plural}By{pascal}"),
                &format!("list_by_{snake}"),
            )
        }
        Kind::ReadChild {
            child,
            relation: rel,
            ..
        } => {
            let (rel_pascal, snake) = relation(child, rel);
            resource_op(
                child,
                format!("get{}By{rel_pascal}", pascal(child)),
                &format!("get_by_{snake}"),
            )
        }
        Kind::CreateChild {
            child,
            relation: rel,
            ..
        } => {
            let (rel_pascal, snake) = relation(child, rel);
            resource_op(
                child,
                format!("create{}For{rel_pascal}", pascal(child)),
                &format!("create_for_{snake}"),
            )
        }
        Kind::SetRoles { resource } => (
            format!("set{}Roles", pascal(resource)),
            "handlers::set_roles".into(),
            "auth".into(),
        ),
        Kind::ExportAccount { resource } => (
            format!("export{}Data", pascal(resource)),
            "handlers::export_account".into(),
            "auth".into(),
        ),
        Kind::PrepareAccountExport { resource } => (
            format!("prepare{}Export", pascal(resource)),
            "handlers::prepare_account_export".into(),
            "auth".into(),
        ),
        Kind::EraseAccount { resource } => (
            format!("erase{}", pascal(resource)),
            "handlers::erase_account".into(),
            "auth".into(),
        ),
        Kind::ListLinked { resource, target } => {
            let (plural_pascal, plural_snake) = res(target).map_or_else(Default::default, |t| {
                (t.names.plural_pascal.clone(), t.names.plural_snake.clone())
            });
            resource_op(
                resource,
                format!("list{plural_pascal}Of{}", pascal(resource)),
                &format!("list_{plural_snake}"),
            )
        }
        Kind::Link { resource, target } => resource_op(
            resource,
            format!("link{}{}", pascal(resource), pascal(target)),
            &format!("link_{target}"),
        ),
        Kind::Unlink { resource, target } => resource_op(
            resource,
            format!("unlink{}{}", pascal(resource), pascal(target)),
            &format!("unlink_{target}"),
        ),
        Kind::File {
            resource,
            field,
            action,
        } => {
            let field_pascal = res(resource)
                .and_then(|r| r.fields.iter().find(|f| f.names.snake == *field))
                .map_or_else(String::new, |f| f.names.pascal.clone());
            let (verb, handler) = match action {
                FileAction::Upload => ("upload", "put"),
                FileAction::Download => ("download", "get"),
                FileAction::Remove => ("remove", "delete"),
            };
            resource_op(
                resource,
                format!("{verb}{}{field_pascal}", pascal(resource)),
                &format!("{handler}_{field}"),
            )
        }
        // A service's part of an account's export, the accounts being another service's: its
        // routes sit beside the export (`src/export.rs`), which names them bare.
        Kind::Auth(action) if !spec.has_accounts() => {
            let (id, handler) = auth_names(*action);
            (id.into(), handler.into(), "export".into())
        }
        Kind::Auth(action) => {
            let (id, handler) = auth_names(*action);
            let module = if action.with_provider() {
                "sign_in"
            } else if action.of_tenancy() {
                "tenancy"
            } else {
                "handlers"
            };
            (id.into(), format!("{module}::{handler}"), "auth".into())
        }
        Kind::Jobs(action) => {
            let (id, handler) = match action {
                JobAction::List => ("listJobs", "list"),
                JobAction::Read => ("getJob", "read"),
                JobAction::Retry => ("retryJob", "retry"),
            };
            (id.into(), handler.into(), "jobs::admin".into())
        }
        Kind::Audit(action) => {
            let (id, handler) = match action {
                AuditAction::List => ("listAuditEntries", "list"),
                AuditAction::Read => ("getAuditEntry", "read"),
            };
            (id.into(), handler.into(), "audit_trail".into())
        }
        Kind::Webhooks(action) => {
            let (id, handler) = match action {
                WebhookAction::List => ("listWebhooks", "list"),
                WebhookAction::Create => ("createWebhook", "create"),
                WebhookAction::Read => ("getWebhook", "read"),
                WebhookAction::Update => ("updateWebhook", "update"),
                WebhookAction::Delete => ("deleteWebhook", "remove"),
                WebhookAction::Deliveries => ("listWebhookDeliveries", "deliveries"),
                WebhookAction::RetryDelivery => ("retryWebhookDelivery", "retry"),
            };
            (id.into(), handler.into(), "webhooks".into())
        }
        Kind::Health(probe) => {
            let (id, handler) = match probe {
                Probe::Health => ("healthCheck", "ready"),
                Probe::Ready => ("readinessCheck", "ready"),
                Probe::Live => ("livenessCheck", "live"),
            };
            (id.into(), handler.into(), "health".into())
        }
        Kind::Metrics => ("metrics".into(), "render".into(), "monitoring".into()),
        Kind::Document => ("openapiDocument".into(), "openapi".into(), "routes".into()),
    }
}

/// The jwt flow's operation id and handler (`src/auth/handlers.rs`) of `action`.
fn auth_names(action: AuthAction) -> (&'static str, &'static str) {
    match action {
        AuthAction::Register => ("register", "register"),
        AuthAction::Login => ("login", "login"),
        AuthAction::Refresh => ("refresh", "refresh"),
        AuthAction::Logout => ("logout", "logout"),
        AuthAction::Me => ("me", "me"),
        AuthAction::Verify => ("verifyEmail", "verify"),
        AuthAction::ResendVerification => ("resendVerification", "resend"),
        AuthAction::Forgot => ("forgotPassword", "forgot"),
        AuthAction::Reset => ("resetPassword", "reset"),
        AuthAction::ChangePassword => ("changePassword", "change_password"),
        // Not `listSessions`: a resource `session` lists under that id.
        AuthAction::ListSessions => ("listMySessions", "list_sessions"),
        AuthAction::EndSession => ("endSession", "end_session"),
        AuthAction::LogoutAll => ("logoutAll", "logout_all"),
        AuthAction::Export => ("exportMyData", "export_mine"),
        AuthAction::PrepareExport => ("prepareMyExport", "prepare_export"),
        AuthAction::ExportStatus => ("readPreparedExport", "prepared_export"),
        AuthAction::ExportDocument => ("downloadPreparedExport", "prepared_export_document"),
        AuthAction::Erase => ("eraseMyAccount", "erase_mine"),
        // The id the accounts service's own route has (`export{Account}Data`), so the
        // gateway's document names one operation.
        AuthAction::ExportAccount => ("exportUserData", "export_account"),
        AuthAction::Providers => ("listSignInProviders", "providers"),
        AuthAction::Authorize => ("signInWithProvider", "authorize"),
        AuthAction::Callback => ("finishSignInWithProvider", "callback"),
        AuthAction::Exchange => ("exchangeSignInCode", "exchange"),
        AuthAction::MyProviders => ("listMyProviders", "my_providers"),
        AuthAction::LinkProvider => ("linkProvider", "link"),
        AuthAction::ConfirmLink => ("confirmProviderLink", "confirm_link"),
        AuthAction::UnlinkProvider => ("unlinkProvider", "unlink"),
        AuthAction::Tenants => ("listMyTenants", "list_tenants"),
        AuthAction::SwitchTenant => ("switchTenant", "switch_tenant"),
        AuthAction::TenantMembers => ("listTenantMembers", "tenant_members"),
        AuthAction::TenantMember => ("readTenantMember", "tenant_member"),
        AuthAction::SetMemberRoles => ("setTenantMemberRoles", "set_member_roles"),
        AuthAction::RemoveMember => ("removeTenantMember", "remove_member"),
        AuthAction::Invite => ("inviteToTenant", "invite"),
        AuthAction::Invitations => ("listTenantInvitations", "tenant_invitations"),
        AuthAction::RevokeInvitation => ("revokeTenantInvitation", "revoke_invitation"),
        AuthAction::AcceptInvitation => ("acceptTenantInvitation", "accept_invitation"),
    }
}

/// The OpenAPI document's summary where it says more than the route lists.
fn document_summary(kind: &Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Jobs(JobAction::List) => "List background jobs, the most recently changed first",
        Kind::Jobs(JobAction::Read) => "Read a background job",
        Kind::Jobs(JobAction::Retry) => "Retry a dead job",
        Kind::Audit(AuditAction::List) => "List the audit trail, the newest first",
        Kind::Audit(AuditAction::Read) => "Read an audit entry",
        Kind::Webhooks(WebhookAction::List) => "List webhook subscriptions, the newest first",
        Kind::Webhooks(WebhookAction::Create) => "Subscribe a URL to events",
        Kind::Webhooks(WebhookAction::Read) => "Read a subscription",
        Kind::Webhooks(WebhookAction::Update) => "Change a subscription's URL, events or activity",
        Kind::Webhooks(WebhookAction::Delete) => "Delete a subscription",
        Kind::Webhooks(WebhookAction::Deliveries) => {
            "A subscription's delivery log, the newest first"
        }
        Kind::Webhooks(WebhookAction::RetryDelivery) => "Retry a failed delivery",
        Kind::Health(Probe::Health) => "the service's health and its database's",
        Kind::Health(Probe::Ready) => "whether the instance should get traffic",
        Kind::Health(Probe::Live) => "whether the process serves",
        Kind::Metrics => "request counts, latencies and pool figures",
        Kind::Document => "this document",
        _ => return None,
    })
}

fn group(kind: &Kind) -> Group {
    match kind {
        Kind::List { resource }
        | Kind::Create { resource }
        | Kind::Read { resource }
        | Kind::Replace { resource }
        | Kind::Patch { resource }
        | Kind::Delete { resource }
        | Kind::SetRoles { resource }
        | Kind::ExportAccount { resource }
        | Kind::PrepareAccountExport { resource }
        | Kind::EraseAccount { resource }
        | Kind::ListLinked { resource, .. }
        | Kind::Link { resource, .. }
        | Kind::Unlink { resource, .. }
        | Kind::File { resource, .. } => Group::Resource(resource.clone()),
        // The rows are the child's, and so is the handler.
        Kind::ListChildren { child, .. }
        | Kind::ReadChild { child, .. }
        | Kind::CreateChild { child, .. } => Group::Resource(child.clone()),
        Kind::Auth(_) => Group::Auth,
        Kind::Jobs(_) => Group::Jobs,
        Kind::Webhooks(_) => Group::Webhooks,
        Kind::Audit(_) => Group::Audit,
        Kind::Health(_) | Kind::Metrics => Group::Health,
        Kind::Document => Group::Document,
    }
}

/// Each `{name}` of `path`, with whose id it is.
fn params(path: &str, kind: &Kind) -> Vec<Param> {
    let (first, second) = match kind {
        Kind::Read { resource }
        | Kind::Replace { resource }
        | Kind::Patch { resource }
        | Kind::Delete { resource }
        | Kind::SetRoles { resource }
        | Kind::ExportAccount { resource }
        | Kind::PrepareAccountExport { resource }
        | Kind::EraseAccount { resource }
        | Kind::ListLinked { resource, .. }
        | Kind::File { resource, .. } => (resource.as_str(), ""),
        Kind::Link { resource, target } | Kind::Unlink { resource, target } => {
            (resource.as_str(), target.as_str())
        }
        Kind::ListChildren { parent, .. }
        | Kind::ReadChild { parent, .. }
        | Kind::CreateChild { parent, .. } => (parent.as_str(), ""),
        Kind::Auth(AuthAction::ExportAccount) => (crate::spec::ACCOUNT, ""),
        Kind::Auth(AuthAction::RevokeInvitation) => ("tenant", "invitation"),
        Kind::Auth(action) if action.of_tenancy() => ("tenant", crate::spec::ACCOUNT),
        Kind::Auth(_) => ("session", ""),
        Kind::Jobs(_) => ("job", ""),
        Kind::Webhooks(_) => ("webhook", "delivery"),
        Kind::Audit(_) => ("audit_entry", ""),
        _ => ("", ""),
    };
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .zip([first, second])
        .map(|(name, of)| Param {
            name: name.to_string(),
            of: of.to_string(),
        })
        .collect()
}

fn access(kind: &Kind) -> Option<Action> {
    Some(match kind {
        // The one row under a parent is its nested list's, under the list's rules.
        Kind::List { .. } | Kind::ListChildren { .. } | Kind::ReadChild { .. } => Action::List,
        Kind::Create { .. } | Kind::CreateChild { .. } => Action::Create,
        Kind::Read { .. } | Kind::ListLinked { .. } => Action::Read,
        Kind::Replace { .. } | Kind::Patch { .. } | Kind::Link { .. } | Kind::Unlink { .. } => {
            Action::Update
        }
        Kind::Delete { .. } => Action::Delete,
        // A file is read with its row, and written (or removed) as an update of it.
        Kind::File {
            action: FileAction::Download,
            ..
        } => Action::Read,
        Kind::File { .. } => Action::Update,
        _ => return None,
    })
}

fn body(kind: &Kind) -> Option<Body> {
    Some(match kind {
        Kind::Create { .. } | Kind::CreateChild { .. } => Body::Create,
        Kind::Auth(AuthAction::Register) => Body::Register,
        Kind::Replace { .. } => Body::Replace,
        Kind::Patch { .. } => Body::Patch,
        _ => return None,
    })
}

/// The types of the events of `r` a write of `kind` may emit.
fn events(r: &Resource, kind: &Kind) -> Vec<String> {
    let (creates, updates, deletes, erases) = match kind {
        Kind::Create { .. } | Kind::CreateChild { .. } | Kind::Auth(AuthAction::Register) => {
            (true, false, false, false)
        }
        Kind::Replace { .. } | Kind::Patch { .. } => (false, true, false, false),
        Kind::Delete { .. } => (false, false, true, false),
        Kind::EraseAccount { .. } | Kind::Auth(AuthAction::Erase) => (false, false, false, true),
        _ => return Vec::new(),
    };
    r.events
        .iter()
        .filter(|e| match e.trigger {
            Trigger::Created => creates,
            Trigger::Updated => updates,
            Trigger::Deleted => deletes,
            Trigger::Erased => erases,
            Trigger::Becomes { .. } => creates || updates,
        })
        .map(|e| r.event_type(e))
        .collect()
}
