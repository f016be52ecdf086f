//! The file jobs: `clean`, `learn`, `dedup` (and `run`), `why`, each over
//! inputs read by [`crate::pipeline`], with what they share: side outputs,
//! the run summary, and the cleaner a job's options build.

pub mod clean;
pub mod dedup;
pub mod learn;
mod spool;
pub mod why;

use std::collections::BTreeMap;
use std::io::Write;

use deboil_core::clean::Cause;
use deboil_core::rules::RuleSet;

use crate::doc::BadRecord;
use crate::error::{Error, Result};
use crate::read::{Format, RawRecord, UNREADABLE};

/// Where bad records and removal records go, besides the main output.
#[derive(Default)]
pub struct SideOutputs<'a> {
    /// One JSONL record per removal.
    pub explain: Option<Box<dyn Write + 'a>>,
    /// Bad records, byte for byte as read, when skipping them.
    pub rejects: Option<Box<dyn Write + 'a>>,
    /// Leave bad records out instead of stopping.
    pub skip_bad: bool,
}

impl SideOutputs<'_> {
    /// Stops the run on a bad record, or, with `skip_bad`, counts it, keeps
    /// its message and copies it to the rejects.
    pub fn bad_record(
        &mut self,
        rec: &RawRecord,
        b: BadRecord,
        summary: &mut Summary,
    ) -> Result<()> {
        let name = rec.input.input.name.clone();
        // A broken input is no bad record: what follows the break is lost,
        // uncounted, so it stops the run even with --skip-bad.
        let broken = rec
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with(UNREADABLE));
        if !self.skip_bad || broken {
            let problem = match broken && self.skip_bad {
                true => format!(
                    "{} (the rest of the file cannot be read: --skip-bad skips bad records, not a damaged file)",
                    b.problem
                ),
                false => b.problem,
            };
            return Err(Error::BadRecord {
                source_name: name,
                line: b.line,
                col: b.col,
                problem,
            });
        }
        summary.skipped += 1;
        if summary.skipped_messages.len() < MAX_MESSAGES {
            let col = b.col.map(|c| format!(":{c}")).unwrap_or_default();
            summary
                .skipped_messages
                .push(format!("{name}:{}{col}: {}", b.line, b.problem));
        }
        // Over-long or unreadable records are not held in memory: the
        // message names them, and they are still in the input.
        if let Some(w) = self.rejects.as_mut()
            && rec.error.is_none()
        {
            w.write_all(&rec.bytes).map_err(Error::Output)?;
            if rec.input.format == Format::Jsonl {
                w.write_all(b"\n").map_err(Error::Output)?;
            }
        }
        Ok(())
    }

    /// Flushes the side outputs.
    pub fn finish(&mut self) -> Result<()> {
        for w in [self.explain.as_mut(), self.rejects.as_mut()]
            .into_iter()
            .flatten()
        {
            w.flush().map_err(Error::Output)?;
        }
        Ok(())
    }
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Documents written.
    pub docs: u64,
    /// Documents that lost some text.
    pub changed_docs: u64,
    /// Bad records left out (when skipping them).
    pub skipped: u64,
    /// Text bytes before cleaning.
    pub bytes_in: u64,
    /// Text bytes after cleaning.
    pub bytes_out: u64,
    /// Removals by cause.
    pub removals: BTreeMap<Cause, u64>,
    /// Text bytes inside removals; the rest of `bytes_in - bytes_out` is
    /// whitespace the built-ins trimmed (line breaks, blank runs, trailing
    /// spaces), which makes no removal of its own.
    pub removed_bytes: u64,
    /// The skipped records' messages (`file:line: problem`), the first 20.
    pub skipped_messages: Vec<String>,
}

/// Keep this many skipped-record messages for the summary.
const MAX_MESSAGES: usize = 20;

impl Summary {
    /// Adds one document cleaned from `bytes_in` to `bytes_out` bytes.
    pub fn add_doc(
        &mut self,
        bytes_in: usize,
        bytes_out: usize,
        removals: Vec<(Cause, u64)>,
        removed_bytes: u64,
    ) {
        self.docs += 1;
        self.bytes_in += bytes_in as u64;
        self.bytes_out += bytes_out as u64;
        // Trimming whitespace changes a document too, without a removal.
        self.changed_docs += u64::from(!removals.is_empty() || bytes_in != bytes_out);
        for (c, n) in removals {
            *self.removals.entry(c).or_default() += n;
        }
        self.removed_bytes += removed_bytes;
    }
    /// Rule ids and removal counts, most removals first (ties by id).
    pub fn top_removals(&self, rules: &RuleSet) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self
            .removals
            .iter()
            .map(|(c, n)| (c.id(rules), *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
}
