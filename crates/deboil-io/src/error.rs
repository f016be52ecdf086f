//! The error type of the file side: bad records, files, outputs.

use std::io;
use std::path::PathBuf;

use deboil_core::dedup::SettingsError;
use deboil_core::rules::RuleError;

use crate::read::{one_line, shown_name};

/// What can stop a run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A record that cannot be read (a run may skip such records instead).
    #[error("{}:{line}{}: {problem}", one_line(source_name), col.map(|c| format!(":{c}")).unwrap_or_default())]
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
    /// Deduplication settings that do not fit together.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// Reading or writing a file failed.
    #[error("{}: {source}", shown_name(path))]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
    /// A temp file of the run (in the system's temp directory) failed.
    #[error("{what} in {}: {source} (temp files go to $TMPDIR: point it at a directory with room)", dir.display())]
    Temp {
        /// The temp file, in words (`the dedup spool`).
        what: String,
        /// The directory it is in.
        dir: PathBuf,
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

    /// Wraps an I/O error on a temp file of the run (`what`, in words) with
    /// the directory temp files go to: when it is full or missing, that is
    /// what the user can change.
    pub fn temp(what: &str, source: io::Error) -> Error {
        // tempfile names its random file ("... at path DIR/.deboil-XXXX"),
        // which is gone by now: the directory says where.
        let source = match source.get_ref().map(|_| source.to_string()) {
            Some(text) if text.contains(" at path ") => {
                let cut = text.rfind(" at path ").expect("contains it");
                io::Error::new(source.kind(), &text[..cut])
            }
            _ => source,
        };
        Error::Temp {
            what: what.to_string(),
            dir: std::env::temp_dir(),
            source,
        }
    }

    /// Whether the error is a closed output pipe, which ends a run quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) | Error::Io { source: e, .. } if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// The result type of the file side.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<deboil_core::Error> for Error {
    fn from(e: deboil_core::Error) -> Error {
        match e {
            deboil_core::Error::Rules(r) => Error::Rules(r),
            deboil_core::Error::Settings(s) => Error::Settings(s),
            other => Error::Usage(other.to_string()),
        }
    }
}
