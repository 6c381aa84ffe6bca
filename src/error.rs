//! The generator's one error type and its exit codes.

use std::path::PathBuf;

use crate::diagnostics::Report;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec has problems; the report lists all of them.
    #[error("{0}")]
    InvalidSpec(Report),
    /// Arguments or input that cannot be used, with what to do instead.
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("rendering {template}: {message}")]
    Template { template: String, message: String },
    #[error("{0}")]
    Prompt(String),
    /// `update` wrote files with conflict markers, listed here.
    #[error("{0}")]
    Conflicts(String),
    /// Rust files no module declares (their code would not run), listed here.
    #[error("{0}")]
    OutsideTheBuild(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// 2 for invalid input (a bad spec or bad arguments), 1 for anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::InvalidSpec(_) | Error::Usage(_) => 2,
            Error::Io { .. }
            | Error::Template { .. }
            | Error::Prompt(_)
            | Error::Conflicts(_)
            | Error::OutsideTheBuild(_) => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
