//! Helpers shared by test binaries: the random spec generator, the checker of
//! generated Rust names, the checker of import cycles and the check of the default
//! features against the code.

pub mod features;
pub mod imports;
pub mod rust_items;
pub mod specgen;
