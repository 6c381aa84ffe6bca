//! Helpers shared by test binaries: the random spec generator and the checker of
//! generated Rust names.

pub mod rust_items;
pub mod specgen;
