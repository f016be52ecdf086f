//! deboil's file side, over [`deboil_core`]: inputs read from paths or stdin
//! (gzip and zstd recognised by their magic bytes) and framed into records
//! ([`read`]), JSONL documents whose other fields pass through byte for byte
//! ([`doc`]), outputs written atomically ([`write`](mod@write)) with their
//! temp files removed when the process is interrupted ([`cleanup`]), the
//! streaming pipeline that maps batches on a rayon pool in input order
//! ([`pipeline`]), saved dedup indexes ([`index`]), the jobs the CLI runs
//! ([`jobs`]), `check`'s findings ([`check`]) and the corpus report
//! ([`report`]).
//!
//! Data flows one way: reader → transform (clean) → deduplicator → writer.
//! The library never prints; [`summary`] formats what a job reports.
#![deny(missing_docs)]

pub mod check;
pub mod cleanup;
pub mod doc;
pub mod error;
pub mod index;
pub mod jobs;
mod json_str;
pub mod pipeline;
pub mod progress;
pub mod read;
pub mod report;
pub mod rule_files;
pub mod site;
pub mod summary;
pub mod write;

pub use error::{Error, Result};
