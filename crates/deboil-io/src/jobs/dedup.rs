//! The `dedup` job (and, with a text transform, `run`) over files: a
//! [`Deduper`] decides; this module reads, spools and writes.
//!
//! Pass one reads the inputs, transforms each text when asked, spools each
//! document's output line to a temp file and signs it in parallel; the
//! deduper takes the signed documents in input order, so the result does not
//! depend on threads or batch sizes. Pass two reads the spool back, batch by
//! batch in parallel, and writes the kept (or marked) documents in input
//! order. Texts are never held in memory: exact verification reads them back
//! from the spool.

use std::borrow::Cow;
use std::io::{BufWriter, Write};

use rayon::ThreadPool;
use rayon::prelude::*;

use deboil_core::clean::{Cause, Cleaner};
use deboil_core::dedup::{
    Cluster, DedupOptions, DedupStats, Deduper, Deduplication, IndexedDocs, Keep, Signed, Verify,
};

use super::{SideOutputs, Summary};
use crate::doc::{BadRecord, Document, FieldNames, text_in_line};
use crate::error::{Error, Result};
use crate::pipeline::{ReadOptions, par_batches_then};
use crate::read::{Input, RawRecord};

/// A change made to each text before it is deduplicated (and written):
/// `run` cleans. Returns the new text and its removals by cause.
pub trait Transform: Sync {
    /// Transforms `text` of a document of `site`.
    fn apply<'a>(&self, text: &'a str, site: &str) -> (Cow<'a, str>, Vec<(Cause, u64)>);
}

impl Transform for Cleaner {
    fn apply<'a>(&self, text: &'a str, site: &str) -> (Cow<'a, str>, Vec<(Cause, u64)>) {
        let cleaned = self.clean(text, site);
        let counts = cleaned.removal_counts();
        (Cow::Owned(cleaned.text), counts)
    }
}

/// What the second pass writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// Every singleton and one representative per cluster.
    Drop,
    /// Every document, with `dup_of` and `cluster_size` added.
    Mark,
}

/// What a dedup run found.
#[derive(Debug, Default, Clone)]
pub struct DedupSummary {
    /// Reading (and transforming) figures.
    pub read: Summary,
    /// What the deduper found.
    pub dedup: DedupStats,
    /// Documents that repeat an earlier document's id, if any.
    pub duplicate_ids: Option<DuplicateIds>,
}

/// Documents sharing an id (clusters and `dup_of` name documents by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateIds {
    /// How many documents repeat an earlier document's id.
    pub count: u64,
    /// The first id repeated.
    pub id: String,
    /// `FILE:LINE` of its first document and of the first one repeating it.
    pub places: [String; 2],
}

/// The `dedup` job.
pub struct DedupJob<'t> {
    /// Applied to every text first (`run` cleans), or nothing (`dedup`).
    pub transform: Option<&'t dyn Transform>,
    /// How inputs are read.
    pub read: ReadOptions,
    /// How duplicates are found and chosen.
    pub opts: DedupOptions,
    /// A saved index: new documents duplicating its documents are dropped;
    /// its documents are never written.
    pub against: Option<IndexedDocs>,
    /// Collect the index of kept documents, to save it.
    pub collect_index: bool,
}

/// What a dedup run found and kept.
pub struct DedupResult {
    /// Counts.
    pub summary: DedupSummary,
    /// The clusters and every document's fate.
    pub found: Deduplication,
}

/// Where the results go.
pub struct DedupOutputs<'a> {
    /// The kept (or marked) documents, JSONL.
    pub out: Box<dyn Write + 'a>,
    /// One JSON object per cluster of two or more.
    pub clusters: Option<Box<dyn Write + 'a>>,
    /// Drop duplicates or mark them.
    pub mode: OutputMode,
}

/// One record as the workers leave it.
enum SignedRecord {
    Done {
        line: Vec<u8>,
        /// Where `line` went in the spool (offset, length).
        span: (u64, u64),
        id: String,
        newest: Option<String>,
        signed: Signed,
        bytes_in: usize,
        bytes_out: usize,
        removals: Vec<(Cause, u64)>,
    },
    Bad(BadRecord),
}

/// Where one batch's output lines lie in the spool.
struct SpoolPart {
    /// The first document's index, and how many there are.
    first: usize,
    docs: usize,
    /// Byte offset and length in the spool.
    offset: u64,
    bytes: u64,
}

impl DedupJob<'_> {
    fn process(&self, rec: &RawRecord) -> SignedRecord {
        let doc = match Document::parse(rec, &self.read.names) {
            Ok(d) => d,
            Err(b) => return SignedRecord::Bad(b),
        };
        let (text, removals) = match self.transform {
            Some(t) => t.apply(&doc.text, &doc.site),
            None => (Cow::Borrowed(doc.text.as_str()), Vec::new()),
        };
        let signed = self.opts.sign(&text);
        let mut line = Vec::with_capacity(text.len() + 64);
        doc.write_jsonl(&text, &mut line);
        let newest = match &self.opts.keep {
            Keep::Newest(f) => doc.field_text(f),
            _ => None,
        };
        SignedRecord::Done {
            id: doc.id.to_string(),
            newest,
            line,
            span: (0, 0),
            signed,
            bytes_in: doc.text.len(),
            bytes_out: text.len(),
            removals,
        }
    }

    /// Runs both passes over `inputs` on `pool`.
    pub fn run(
        mut self,
        inputs: Vec<Input>,
        pool: &ThreadPool,
        mut outputs: DedupOutputs,
        mut side: SideOutputs,
    ) -> Result<DedupResult> {
        let mut read = Summary::default();
        // Where each document is (input, line), to name repeated ids.
        let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
        let mut places: Vec<(u32, u32)> = Vec::new();
        let spool_file = tempfile::tempfile().map_err(|e| Error::io("spool file", e))?;
        // Exact verification reads texts back while pass one still writes.
        let spool_read = spool_file
            .try_clone()
            .map_err(|e| Error::io("spool file", e))?;
        let exact_verify = self.opts.verify == Verify::Exact;
        let mut spans: Vec<(u64, u64)> = Vec::new();
        let mut spool = BufWriter::with_capacity(1 << 20, spool_file);
        let mut deduper = match self.against.take() {
            Some(a) => Deduper::against(self.opts.clone(), a),
            None => Deduper::new(self.opts.clone()),
        };
        if self.collect_index {
            deduper = deduper.collect_index();
        }
        // Indexed documents come first, as documents 0..prior.
        let prior = deduper.len();
        let text_of = |spans: &[(u64, u64)], i: usize| -> Result<String> {
            read_text(&spool_read, spans[i - prior], &self.read.names)
        };
        let work = |r: &RawRecord| self.process(r);
        // Output lines go to the spool on the worker side, in order; each
        // batch's part is noted so that pass two can read parts in parallel.
        let mut parts: Vec<SpoolPart> = Vec::new();
        let spool_lines = |records: &mut [SignedRecord]| {
            let mut part = SpoolPart {
                first: parts.last().map_or(prior, |p| p.first + p.docs),
                docs: 0,
                offset: parts.last().map_or(0, |p| p.offset + p.bytes),
                bytes: 0,
            };
            for r in records {
                if let SignedRecord::Done { line, span, .. } = r {
                    spool
                        .write_all(line)
                        .map_err(|e| Error::io("spool file", e))?;
                    *span = (part.offset + part.bytes, line.len() as u64);
                    part.docs += 1;
                    part.bytes += line.len() as u64;
                    *line = Vec::new();
                }
            }
            if exact_verify {
                // The batch's texts must be readable before it is decided.
                spool.flush().map_err(|e| Error::io("spool file", e))?;
            }
            parts.push(part);
            Ok(())
        };
        par_batches_then(
            inputs,
            &self.read,
            pool,
            work,
            spool_lines,
            |batch, records| {
                for (rec, r) in batch.iter().zip(records) {
                    match r {
                        SignedRecord::Bad(b) => side.bad_record(rec, b, &mut read)?,
                        SignedRecord::Done {
                            line: _,
                            span,
                            id,
                            newest,
                            signed,
                            bytes_in,
                            bytes_out,
                            removals,
                        } => {
                            read.docs += 1;
                            read.bytes_in += bytes_in as u64;
                            read.bytes_out += bytes_out as u64;
                            read.changed_docs += u64::from(!removals.is_empty());
                            for (c, n) in removals {
                                *read.removals.entry(c).or_default() += n;
                            }
                            if exact_verify {
                                spans.push(span);
                            }
                            deduper.insert(&id, signed, newest.as_deref());
                            let line = u32::try_from(rec.line).unwrap_or(u32::MAX);
                            places.push((rec.input.index as u32, line));
                        }
                    }
                }
                // With exact verification, this batch's candidate pairs are
                // verified together once the batch is in.
                if deduper.has_pending() {
                    pool.install(|| deduper.verify_pending(|i| text_of(&spans, i)))?;
                }
                Ok(())
            },
        )?;
        let found = pool.install(|| deduper.finish_with_texts(|i| text_of(&spans, i)))?;
        let repeated = pool.install(|| found.repeated_ids());
        let duplicate_ids = repeated.first.map(|(a, b)| {
            let place = |i: usize| {
                let (input, line) = places[i - prior];
                format!("{}:{line}", names[input as usize])
            };
            DuplicateIds {
                count: repeated.count,
                id: found.id(a).to_string(),
                places: [place(a), place(b)],
            }
        });
        drop(places);
        let spool_file = spool
            .into_inner()
            .map_err(|e| Error::io("spool file", e.into_error()))?;
        // Pass two: spool parts are read and filtered in parallel, a few
        // batches at a time, and written in order. Each slot's buffers are
        // reused (fresh multi-megabyte buffers cost a page fault per page).
        let mode = outputs.mode;
        let pass_two = |part: &SpoolPart, (lines, out): &mut (Vec<u8>, Vec<u8>)| -> Result<()> {
            lines.resize(part.bytes as usize, 0);
            read_at(&spool_file, lines, part.offset).map_err(|e| Error::io("spool file", e))?;
            out.clear();
            let mut rest = &lines[..];
            for i in part.first..part.first + part.docs {
                let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |p| p + 1);
                let (line, tail) = rest.split_at(end);
                rest = tail;
                match mode {
                    OutputMode::Drop if found.is_kept(i) => out.extend_from_slice(line),
                    OutputMode::Drop => {}
                    OutputMode::Mark => mark(line, found.dup_of(i), found.cluster_size(i), out),
                }
            }
            Ok(())
        };
        let mut slots = vec![(Vec::new(), Vec::new()); 2 * pool.current_num_threads()];
        for chunk in parts.chunks(slots.len()) {
            pool.install(|| {
                chunk
                    .par_iter()
                    .zip(&mut slots)
                    .map(|(part, slot)| pass_two(part, slot))
                    .collect::<Result<()>>()
            })?;
            for (_, out) in &slots[..chunk.len()] {
                outputs.out.write_all(out).map_err(Error::Output)?;
            }
        }
        outputs.out.flush().map_err(Error::Output)?;
        if let Some(w) = outputs.clusters.as_mut() {
            for c in &found.clusters {
                write_cluster(w, c, &found).map_err(Error::Output)?;
            }
            w.flush().map_err(Error::Output)?;
        }
        side.finish()?;
        Ok(DedupResult {
            summary: DedupSummary {
                read,
                dedup: found.stats.clone(),
                duplicate_ids,
            },
            found,
        })
    }
}

/// A document's text read back from its line in the spool (as transformed,
/// so as signed).
fn read_text(
    spool: &std::fs::File,
    (offset, len): (u64, u64),
    names: &FieldNames,
) -> Result<String> {
    let mut line = vec![0; len as usize];
    read_at(spool, &mut line, offset).map_err(|e| Error::io("spool file", e))?;
    let line = std::str::from_utf8(&line)
        .map_err(|e| Error::io("spool file", std::io::Error::other(e)))?;
    Ok(text_in_line(line, names).unwrap_or_default())
}

/// Reads `buf.len()` bytes at `offset` without moving a shared file position,
/// so several threads can read one file.
fn read_at(f: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
    }
    #[cfg(windows)]
    {
        let (mut done, mut at) = (0, offset);
        while done < buf.len() {
            match std::os::windows::fs::FileExt::seek_read(f, &mut buf[done..], at)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => (done, at) = (done + n, at + n as u64),
            }
        }
        Ok(())
    }
}

/// Appends `line` (a JSON object and a newline) with `dup_of` and
/// `cluster_size` added before its closing brace.
fn mark(line: &[u8], dup_of: Option<&str>, size: usize, out: &mut Vec<u8>) {
    let end = line.len() - 2;
    out.extend_from_slice(&line[..end]);
    if line[end - 1] != b'{' {
        out.push(b',');
    }
    out.extend_from_slice(b"\"dup_of\":");
    serde_json::to_writer(&mut *out, &dup_of).expect("writing to a Vec");
    out.extend_from_slice(format!(",\"cluster_size\":{size}}}\n").as_bytes());
}

fn write_cluster(w: &mut dyn Write, c: &Cluster, found: &Deduplication) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct Member<'a> {
        id: &'a str,
        similarity: f64,
    }
    #[derive(serde::Serialize)]
    struct Record<'a> {
        representative: &'a str,
        kind: &'a str,
        members: Vec<Member<'a>>,
    }
    let rec = Record {
        representative: found.id(c.representative),
        kind: if c.exact { "exact" } else { "near" },
        members: c
            .members
            .iter()
            .map(|m| Member {
                id: found.id(m.doc),
                similarity: (m.similarity * 10_000.0).round() / 10_000.0,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *w, &rec)?;
    w.write_all(b"\n")
}
