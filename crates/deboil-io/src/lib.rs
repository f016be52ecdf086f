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
//!
//! Clean a JSONL file into memory on a pool of two threads, as `deboil clean`
//! does (other fields pass through byte for byte; the site is the host of
//! `url`):
//!
//! ```
//! use deboil_core::{Cleaner, RuleSet};
//! use deboil_io::jobs::SideOutputs;
//! use deboil_io::jobs::clean::{CleanJob, Sink};
//! use deboil_io::pipeline::ReadOptions;
//!
//! let dir = std::env::temp_dir().join(format!("deboil-io-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let path = dir.join("in.jsonl");
//! let text = r#""Body.\n\nWe use cookies to improve your experience.\n""#;
//! std::fs::write(&path, format!(r#"{{"id":"a","url":"https://www.example.com/1","text":{text},"n":1}}"#) + "\n")?;
//!
//! let job = CleanJob {
//!     cleaner: Cleaner::with_rules(RuleSet::embedded()?),
//!     read: ReadOptions::default(),
//! };
//! let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
//! let inputs = deboil_io::read::collect_inputs(&[path])?;
//! let mut out = Vec::new();
//! let sink = Sink::Jsonl(Box::new(&mut out));
//! let summary = job.run(inputs, &pool, sink, SideOutputs::default())?;
//! assert_eq!((summary.docs, summary.changed_docs), (1, 1));
//! let want = r#"{"id":"a","url":"https://www.example.com/1","text":"Body.\n","n":1}"#;
//! assert_eq!(String::from_utf8(out)?, format!("{want}\n"));
//! std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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
