//! Where a generated project keeps backend-gen's own files. Every command finds them by
//! these names, and `output` guards them, so they sit below all of those modules.

/// Where a generated project keeps the spec it came from.
pub const SPEC_FILE: &str = "backend-gen.toml";

/// Where a project keeps what it was generated from.
pub const STATE_DIR: &str = ".backend-gen";

/// Where a project keeps its template overrides.
pub const TEMPLATES_DIR: &str = ".backend-gen/templates";
