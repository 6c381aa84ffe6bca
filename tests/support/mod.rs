//! Helpers shared by test binaries: the random spec generator, the checker of
//! generated Rust names and the checker of import cycles.

pub mod imports;
pub mod rust_items;
pub mod specgen;
