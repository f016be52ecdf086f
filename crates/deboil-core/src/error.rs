//! The core's error type: everything that can go wrong without a file.

use crate::dedup::SettingsError;
use crate::rules::RuleError;

/// What can go wrong in the core.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule file that does not compile (`file:line:col: message`).
    #[error(transparent)]
    Rules(#[from] RuleError),
    /// Deduplication settings that do not fit together.
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
