//! backend-gen: a TOML domain spec in, a complete Rust backend out.

pub mod diagnostics;
pub mod error;
pub mod names;
pub mod spec;

pub fn run() -> i32 {
    0
}
