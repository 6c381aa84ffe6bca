//! The spec's fixed words and limits: how long a name may be, which names generated code
//! already takes, which words are access rules, which resource holds the accounts.
//! Validation enforces them; the model, the collision checks and the commands read them.

/// The longest name the spec accepts: generated identifiers stay readable and
/// generated lines stay within rustfmt's width. SQL names built from two names can
/// still pass PostgreSQL's 63 bytes; `sql::identifier` shortens them.
pub const MAX_NAME: usize = 30;

/// Columns and keys every resource gets; fields may not take these names.
pub const GENERATED_FIELDS: &[&str] = &["id", "created_at", "updated_at", "deleted_at", "version"];
/// List query parameters (docs/contract.md, "Lists").
pub const QUERY_PARAMETERS: &[&str] = &["page", "limit", "cursor", "sort", "fields"];
/// The gateway's folder in a split, beside the services' (so no service takes the name).
pub const GATEWAY_FOLDER: &str = "gateway";
/// The folders at the top of a split besides the services': no service may be named so.
pub const TOP_FOLDERS: [&str; 2] = [GATEWAY_FOLDER, "target"];
/// With jwt auth, accounts are rows of this resource (declared or not).
pub const ACCOUNT: &str = "user";
/// The access rules that are words of their own, not roles (so no role may take them).
pub(crate) const RULE_WORDS: &[&str] = &["public", "authenticated", "verified", "owner"];
