//! The `clean` job: rules and built-ins over every document, to JSONL, a
//! mirrored tree, or a diff.

use std::io::Write;
use std::path::PathBuf;

use rayon::ThreadPool;

use deboil_core::clean::{Cause, Cleaned, Cleaner};
use deboil_core::diff;

use super::{SideOutputs, Summary};
use crate::doc::{BadRecord, Document};
use crate::error::{Error, Result};
use crate::pipeline::{ReadOptions, par_batches};
use crate::read::{Format, Input, RawRecord};
use crate::write::AtomicFile;

/// Where cleaned documents go.
pub enum Sink<'a> {
    /// JSONL, one document a line.
    Jsonl(Box<dyn Write + 'a>),
    /// Cleaned files mirroring the input tree (text as text, JSONL as JSONL).
    OutDir(PathBuf),
    /// A unified diff of what would change; nothing else is written.
    Diff(Box<dyn Write + 'a>),
}

/// What the workers produce for each document (the sink itself stays with the writer).
#[derive(Clone, Copy)]
enum OutKind {
    Jsonl,
    Mirror,
    Diff,
}

/// One record as the workers leave it.
enum CleanedRecord {
    Done {
        out: Vec<u8>,
        explain: Vec<u8>,
        bytes_in: usize,
        bytes_out: usize,
        counts: Vec<(Cause, u64)>,
        removed_bytes: u64,
    },
    Bad(BadRecord),
}

/// The `clean` job: rules and built-ins over every document.
pub struct CleanJob {
    /// The cleaner, with its compiled rules.
    pub cleaner: Cleaner,
    /// How inputs are read.
    pub read: ReadOptions,
}

impl CleanJob {
    /// Runs over `inputs` on `pool`, writing to `sink` and `side`.
    pub fn run(
        &self,
        inputs: Vec<Input>,
        pool: &ThreadPool,
        mut sink: Sink,
        mut side: SideOutputs,
    ) -> Result<Summary> {
        let mut summary = Summary::default();
        let want_explain = side.explain.is_some();
        let kind = match &sink {
            Sink::Jsonl(_) => OutKind::Jsonl,
            Sink::OutDir(_) => OutKind::Mirror,
            Sink::Diff(_) => OutKind::Diff,
        };
        let mut mirror: Option<(usize, AtomicFile, PathBuf)> = None;
        let work = |rec: &RawRecord| self.process(rec, kind, want_explain);
        par_batches(inputs, &self.read, pool, work, |batch, outcomes| {
            for (rec, oc) in batch.iter().zip(outcomes) {
                match oc {
                    CleanedRecord::Bad(b) => side.bad_record(rec, b, &mut summary)?,
                    CleanedRecord::Done {
                        out,
                        explain,
                        bytes_in,
                        bytes_out,
                        counts,
                        removed_bytes,
                    } => {
                        summary.add_doc(bytes_in, bytes_out, counts, removed_bytes);
                        if let Some(w) = side.explain.as_mut() {
                            w.write_all(&explain).map_err(Error::Output)?;
                        }
                        match &mut sink {
                            Sink::Jsonl(w) | Sink::Diff(w) => {
                                w.write_all(&out).map_err(Error::Output)?
                            }
                            Sink::OutDir(dir) => write_mirrored(dir, rec, &out, &mut mirror)?,
                        }
                    }
                }
            }
            Ok(())
        })?;
        if let Some((_, f, path)) = mirror.take() {
            f.commit().map_err(|e| Error::io(path, e))?;
        }
        match &mut sink {
            Sink::Jsonl(w) | Sink::Diff(w) => w.flush().map_err(Error::Output)?,
            Sink::OutDir(_) => {}
        }
        side.finish()?;
        Ok(summary)
    }

    fn process(&self, rec: &RawRecord, kind: OutKind, want_explain: bool) -> CleanedRecord {
        let doc = match Document::parse(rec, &self.read.names) {
            Ok(d) => d,
            Err(b) => return CleanedRecord::Bad(b),
        };
        let cleaned = self.cleaner.clean(&doc.text, &doc.site);
        let mut out = Vec::with_capacity(cleaned.text.len() + 64);
        match kind {
            OutKind::Jsonl => doc.write_jsonl(&cleaned.text, &mut out),
            OutKind::Mirror => match rec.input.format {
                Format::Text => out.extend_from_slice(cleaned.text.as_bytes()),
                Format::Jsonl => doc.write_jsonl(&cleaned.text, &mut out),
            },
            OutKind::Diff => {
                let mut s = String::new();
                diff::unified(&doc.id, &doc.text, &cleaned, 3, &mut s);
                out = s.into_bytes();
            }
        }
        let counts = cleaned.removal_counts();
        let explain = if want_explain {
            explain_records(&self.cleaner, rec, &doc, &cleaned)
        } else {
            Vec::new()
        };
        CleanedRecord::Done {
            out,
            explain,
            bytes_in: doc.text.len(),
            bytes_out: cleaned.text.len(),
            counts,
            removed_bytes: cleaned.removed_bytes(),
        }
    }
}

/// Writes one mirrored output; a new input closes the previous file.
fn write_mirrored(
    dir: &std::path::Path,
    rec: &RawRecord,
    out: &[u8],
    current: &mut Option<(usize, AtomicFile, PathBuf)>,
) -> Result<()> {
    let index = rec.input.index;
    if current.as_ref().is_some_and(|c| c.0 != index) {
        let (_, f, path) = current.take().expect("checked");
        f.commit().map_err(|e| Error::io(path, e))?;
    }
    if current.is_none() {
        let path = dir.join(&rec.input.input.relative);
        let f = AtomicFile::create(&path).map_err(|e| Error::io(&path, e))?;
        *current = Some((index, f, path));
    }
    let (_, f, path) = current.as_mut().expect("just set");
    f.write_all(out).map_err(|e| Error::io(path.clone(), e))
}

/// One explain record per removal, as JSONL.
fn explain_records(cleaner: &Cleaner, rec: &RawRecord, doc: &Document, c: &Cleaned) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Record<'a> {
        id: &'a str,
        source: String,
        rule: &'a str,
        action: &'a str,
        start: usize,
        end: usize,
        char_start: usize,
        char_end: usize,
        text: &'a str,
    }
    let mut out = Vec::new();
    for r in cleaner.explain(&doc.text, c) {
        let record = Record {
            id: &doc.id,
            source: format!("{}:{}", rec.input.input.name, rec.line),
            rule: &r.rule,
            action: r.action,
            start: r.start,
            end: r.end,
            char_start: r.char_start,
            char_end: r.char_end,
            text: &doc.text[r.start..r.end],
        };
        serde_json::to_writer(&mut out, &record).expect("writing to a Vec");
        out.push(b'\n');
    }
    out
}
