//! The SQL text of every query a generated resource runs. Queries are
//! written once here, laid out for reading, and printed by the templates as
//! string constants; values are always `$n` parameters (which SQLite and
//! PostgreSQL both accept), never formatted into the text.
//!
//! Tables and columns whose names SQL reserves are quoted (`"order"`, see
//! `names::sql_ident`). The query texts of `ResourceSql`, `LinkSql` and `taken` go between
//! the quotes of Rust string constants, so their own quotes come escaped (`\"order\"`);
//! migrations are plain SQL.
//!
//! `queries.rs` holds the queries a resource and its links run, `tables.rs` the
//! migrations that create a resource's table and the service's own tables, and `text.rs`
//! what both lay out the same way.

mod list_indexes;
pub use list_indexes::OWNER_TWIN;
mod queries;
mod tables;
#[cfg(test)]
mod tests;
mod text;

// The tables' and indexes' names are the spec's (validation compares them); the queries
// and migrations here are written with them.
pub use crate::spec::schema_names::{
    ACCOUNT_EXPORTS, ACCOUNT_TOKENS, AUDIT_LOG, DATA_KEYS, DELIVERIES, EMAIL_VERIFICATIONS,
    IDEMPOTENCY, IDENTITIES, INVITATIONS, JOBS, MAX_IDENTIFIER, MEMBERSHIPS, OUTBOX, PASSWORDLESS,
    REFRESH_TOKENS, SESSIONS, SIGN_IN_REQUESTS, WEBHOOKS, identifier, join_table, primary_key,
    schema_objects,
};

pub use queries::{
    LinkSql, ReplicaSql, ResourceSql, columns, linked, linking_ids, owned_condition, owned_ids,
    still_held, taken, taken_on_postgres, unlink_every,
};
pub use tables::{
    audit_indexes, create_account_exports, create_account_tokens, create_audit_log,
    create_data_keys, create_deliveries, create_email_verifications, create_idempotency_keys,
    create_identities, create_invitations, create_jobs, create_join_table, create_memberships,
    create_outbox, create_passwordless, create_refresh_tokens, create_sessions,
    create_sign_in_requests, create_webhooks, delivery_indexes, earlier_admin_indexes, job_indexes,
    join_columns, join_index, replica_table, resource_table, row_level_security, row_tenant,
    session_tenant, tenant_policy, tenant_test, trace_context, webhook_indexes,
    with_case_sensitive_email, with_earlier_list_indexes, without_audit_tenant,
    without_event_tenant, without_list_columns, without_trace_context,
};
pub use text::rust_text;
