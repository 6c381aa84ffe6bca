//! The jwt flow's accounts: the user resource a spec without one gets, its default access,
//! and the room its unique fields need for every sign-up.

use toml::Spanned;
use toml::de::DeValue;

use crate::diagnostics::Diagnostic;
use crate::names::Names;
use crate::spec::model::*;
use crate::spec::reader::Sink;
use crate::spec::words::ACCOUNT;

/// Fields the jwt auth flow gives the user resource.
pub(super) const AUTH_USER_FIELDS: &[&str] = &["email", "password", "password_hash", "roles"];

/// The sign-in email every account has; registration and login use it. Personal
/// (`[auth] personal_email`), it is sealed at rest and its list filter compares the blind
/// index; it cannot be a sort, as no personal field can.
pub(super) fn email_field(auth: &Auth) -> Field {
    Field {
        names: Names::new("email", None),
        description: "Sign-in email address.".into(),
        // Builds the field: the email is a plain string.
        ty: FieldType::String,
        required: true,
        unique: true,
        default: None,
        rules: Rules {
            max_length: Some(254),
            format: Some(Format::Email),
            ..Rules::default()
        },
        access: FieldAccess::default(),
        renamed_from: None,
        list: ListUse {
            filter: true,
            sort: !auth.personal_email,
        },
        references: None,
        personal: auth.personal_email,
        in_events: false,
        sealed_before: false,
    }
}

/// The user resource of a jwt spec that declares none: accounts with no fields of their own.
pub(super) fn implicit_account(auth: &Auth, cache: &Cache) -> Resource {
    Resource {
        names: Names::new(ACCOUNT, None),
        description: "An account that signs in.".into(),
        fields: vec![email_field(auth)],
        belongs_to: Vec::new(),
        many_to_many: Vec::new(),
        soft_delete: false,
        versioned: false,
        timestamps: true,
        access: account_access(auth),
        owner: None,
        cache_ttl_seconds: cache.ttl_seconds,
        renamed_from: None,
        events: Vec::new(),
        list_combinations: Vec::new(),
        on_erase: OnErase::Delete,
        audit: false,
    }
}

/// Accounts hold email addresses, so by default only their owner (and admins) see them, and
/// only admins list them or create them outside registration.
pub(super) fn account_access(auth: &Auth) -> Access {
    let admin = vec![Rule::Role(auth.admin_role.clone())];
    Access {
        list: admin.clone(),
        read: vec![Rule::Owner],
        create: admin,
        update: vec![Rule::Owner],
        delete: vec![Rule::Owner],
    }
}

/// Every sign-up is a row of the account resource, and accounts are not counted: a unique
/// account field of few values (a unique boolean) would turn away the third person to
/// sign up. (Any other resource may have one: its generated tests adapt.)
pub(super) fn check_room_for_accounts(
    sink: &mut Sink,
    field: &Field,
    value: &Spanned<DeValue<'_>>,
    path: &str,
) {
    let Some(room) = crate::spec::room::room(field) else {
        return;
    };
    let span = match value.get_ref() {
        DeValue::Table(t) => t.get("unique").map_or(value.span(), |v| v.span()),
        _ => value.span(),
    };
    sink.push_new_rule(
        Diagnostic::new(
            span,
            format!("{path}.unique"),
            "a unique field of the accounts must leave room for every account",
        )
        .found(format!(
            "{} for as many accounts as sign up",
            crate::console::count(room, "distinct value", "distinct values")
        ))
        .help(format!(
            "account {room} + 1 could not sign up: drop `unique`, allow more values, or put the \
             field on a resource of its own that belongs to `{ACCOUNT}`"
        )),
    );
}
