//! The library's error type.

use std::io;
use std::path::PathBuf;

use crate::rules::RuleError;

/// What can stop a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A record that cannot be read; rerun with `--skip-bad` to leave it out.
    #[error("{source_name}:{line}{}: {problem}", col.map(|c| format!(":{c}")).unwrap_or_default())]
    BadRecord {
        /// The input's name.
        source_name: String,
        /// 1-based line of the record.
        line: u64,
        /// 1-based column, where known.
        col: Option<u64>,
        /// What is wrong.
        problem: String,
    },
    /// A rule file that does not load.
    #[error(transparent)]
    Rules(#[from] RuleError),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
    /// Writing to standard output failed (a closed pipe ends the run quietly).
    #[error("writing output: {0}")]
    Output(#[source] io::Error),
    /// Options that do not fit together or a refused output path.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether the error is a closed output pipe, which ends a run quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) | Error::Io { source: e, .. } if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
