//! The `dedup` job (and, with a text transform, `run`) over files: a
//! [`Deduper`] decides; this module reads, spools and writes.
//!
//! Pass one reads the inputs, transforms each text when asked, spools each
//! document's output line to a temp file and signs it in parallel; the
//! deduper takes each document's facts in input order and its signature in
//! any order, and decides on the signatures alone, so the result does not
//! depend on threads or batch sizes. With site templates left out, a
//! document is signed on the first read when its site's template is final
//! (its sample of pages full); the others (the samples, small sites) spool
//! their line keys and are signed once every template is known. Which way
//! a document goes depends on timing; its signature does not. Pass two reads
//! the spool back, batch by batch in parallel, and writes the kept (or
//! marked) documents in input order. The spool is held in memory while it
//! fits [`DedupJob::spool_memory`] beside the deduper's state, and spills
//! to a temp file past it; exact verification reads texts back from it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use rayon::ThreadPool;
use rayon::prelude::*;

use deboil_core::clean::{Cause, Cleaned, Cleaner};
use deboil_core::dedup::template::{
    GivenKeys, LineKeys, SiteLines, SiteTemplate, Template, TemplateOptions,
};
use deboil_core::dedup::{
    DedupOptions, DedupStats, Deduper, Deduplication, IndexedDocs, Keep, Signed, Verify,
};

use super::{SideOutputs, Summary, spool};
use crate::doc::{BadRecord, Document};
use crate::error::{Error, Result};
use crate::pipeline::{ReadOptions, par_batches_then};
use crate::progress;
use crate::read::{Input, RawRecord};
use crate::report::{Collector, DocFacts};
use spool::{
    InInput, Pieces, Refs, Spool, SpoolPart, mark, pieces_of, write_cluster, write_framed,
};

/// A change made to each text before it is deduplicated (and written):
/// `run` cleans.
pub trait Transform: Sync {
    /// Transforms `text` of a document of `site`.
    fn apply<'a>(&self, text: &'a str, site: &str) -> Transformed<'a>;

    /// [`Transform::apply`], and into `keys` the line keys it made (none by
    /// default).
    fn apply_keyed<'a>(&self, text: &'a str, site: &str, keys: &mut GivenKeys) -> Transformed<'a> {
        keys.clear();
        self.apply(text, site)
    }
}

/// A transformed text and what was taken from it.
#[derive(Debug, Clone)]
pub struct Transformed<'a> {
    /// The new text.
    pub text: Cow<'a, str>,
    /// Removals by cause.
    pub removals: Vec<(Cause, u64)>,
    /// Bytes of the original inside those removals.
    pub removed_bytes: u64,
}

impl Transform for Cleaner {
    fn apply<'a>(&self, text: &'a str, site: &str) -> Transformed<'a> {
        transformed(self.clean(text, site))
    }

    fn apply_keyed<'a>(&self, text: &'a str, site: &str, keys: &mut GivenKeys) -> Transformed<'a> {
        transformed(self.clean_keyed(text, site, keys))
    }
}

fn transformed<'a>(cleaned: Cleaned) -> Transformed<'a> {
    Transformed {
        removals: cleaned.removal_counts(),
        removed_bytes: cleaned.removed_bytes(),
        text: Cow::Owned(cleaned.text),
    }
}

/// What the second pass writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// Every singleton and one representative per cluster.
    Drop,
    /// Every document, with `dup_of` and `cluster_size` added.
    Mark,
    /// Nothing: the run is for its summary, clusters or report.
    Discard,
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
    /// The `--keep newest:` field, when no document read has it.
    pub keep_field_missing: Option<String>,
}

/// Documents sharing an id (clusters and `dup_of` name documents by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateIds {
    /// How many documents repeat an earlier document's id.
    pub count: u64,
    /// The first id repeated.
    pub id: String,
    /// `FILE:LINE` of its first document (`None`: it lies in the saved
    /// index, `--against`).
    pub first: Option<String>,
    /// `FILE:LINE` of the first document repeating it.
    pub repeat: String,
}

/// The default [`DedupJob::spool_memory`]: 256 MiB. Holding more measured
/// no faster on a 2-core VM (peers 100k, `run` -j 2: 4.13 s at 1 GiB, 4.19 s
/// with everything spilled) for 410 MiB more peak RSS; what is held saves
/// system time and disk writes.
pub const DEFAULT_SPOOL_MEMORY: u64 = 256 << 20;

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
    /// Leave each site's template lines (counted over the inputs) out of
    /// the signatures; `None` signs whole texts.
    pub template: Option<TemplateOptions>,
    /// Bytes of memory the transformed texts may take between the passes,
    /// together with the deduper's state (signatures, ids); past it they
    /// go to a temp file (0: always).
    pub spool_memory: u64,
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
        /// The output line; or, when it is its record as read (but for
        /// blanks) left in the input, where the record lies and the pieces
        /// the line is made of ([`InInput::write_with`]).
        line: Vec<u8>,
        /// Whether the line is left in the input.
        left: bool,
        /// Where `line` went in the spool (offset, length).
        span: (u64, u64),
        id: String,
        newest: Option<String>,
        sign: Signing,
        bytes_in: usize,
        bytes_out: usize,
        removals: Vec<(Cause, u64)>,
        removed_bytes: u64,
        facts: Option<Box<DocFacts>>,
    },
    Bad(BadRecord),
}

thread_local! {
    /// Each worker's buffer for the output line it compares with its record.
    static LINE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    /// Each worker's keys the cleaner gives the template pass: grown anew
    /// for every document, their two lists were a tenth of `run`'s
    /// allocations.
    static GIVEN: std::cell::Cell<GivenKeys> = std::cell::Cell::new(GivenKeys::default());
}

/// The sites whose template is final, by name.
type Finals = RwLock<HashMap<String, Arc<SiteTemplate>>>;

/// A document signed by the worker, or, when site templates are left out,
/// what counting needs; it is signed once the counts are in.
enum Signing {
    Now(Signed),
    /// Signed without its site's (final) template; the site's id.
    Stripped(u32, Signed),
    Later {
        site: String,
        /// Written to the key spool by the spool stage (then emptied).
        lines: Box<LineKeys>,
        chars: u32,
    },
}

impl DedupJob<'_> {
    /// `facts`: the report's facts, with line hashes when `Some(true)`.
    /// `finals`: the sites whose template is final. `reread`: by input,
    /// whether a line that is its record as read can be left in it.
    fn process(
        &self,
        rec: &RawRecord,
        facts: Option<bool>,
        finals: &Finals,
        reread: &[bool],
    ) -> SignedRecord {
        let doc = match Document::parse_unlisted(rec, &self.read.names) {
            Ok(d) => d,
            Err(b) => return SignedRecord::Bad(b),
        };
        // A repeated key in the keep field is a bad record, as in the fields read.
        let newest = match &self.opts.keep {
            Keep::Newest(f) => match doc.field_text(f, rec.line) {
                Ok(v) => v,
                Err(b) => return SignedRecord::Bad(b),
            },
            _ => None,
        };
        let mut given = GIVEN.take();
        // Filled by the cleaner only: a `dedup` without one gives none.
        given.clear();
        let Transformed {
            text,
            removals,
            removed_bytes,
        } = match self.transform {
            // The template pass takes the cleaner's line keys.
            Some(t) if self.template.is_some() => t.apply_keyed(&doc.text, &doc.site, &mut given),
            Some(t) => t.apply(&doc.text, &doc.site),
            None => Transformed {
                text: Cow::Borrowed(doc.text.as_str()),
                removals: Vec::new(),
                removed_bytes: 0,
            },
        };
        // Most records are written as read, but for blanks between JSON
        // tokens and the lines the cleaner cut: those are read again in
        // pass two rather than spooled (spooling `run`'s cleaned texts was
        // a seventh of its CPU, most of it the kernel's). Written and
        // compared before signing, while the record is in cache.
        let runs = doc
            .runs()
            .filter(|_| matches!(text, Cow::Borrowed(_)) || *text == *doc.text);
        let (line, left) = match (
            reread[rec.input.index],
            u32::try_from(rec.bytes.len()),
            runs,
        ) {
            // The text as read: the line is the record but for its blanks,
            // which the reader found.
            (true, Ok(len), Some(runs)) => {
                let at = InInput {
                    input: rec.input.index as u32,
                    len,
                    offset: rec.offset,
                };
                let mut r = Vec::with_capacity(17 + 10 * runs.n as usize);
                at.write_with(&Pieces::of_runs(runs), &mut r);
                (r, true)
            }
            (true, Ok(len), None) => LINE.with(|scratch| {
                // Into this thread's buffer, warm in cache: a fresh one a
                // document was written cold and freed on another thread,
                // for the few bytes of reference kept.
                let mut buf = scratch.take();
                buf.clear();
                buf.reserve(text.len() + 64);
                doc.write_jsonl(&text, &mut buf);
                let at = InInput {
                    input: rec.input.index as u32,
                    len,
                    offset: rec.offset,
                };
                match pieces_of(&rec.bytes, &buf[..buf.len() - 1]) {
                    Some(pieces) => {
                        let mut r = Vec::with_capacity(17 + 10 * pieces.n as usize);
                        at.write_with(&pieces, &mut r);
                        // A record of megabytes gives its buffer back (a
                        // 100 MB one would stay with the thread all run).
                        if buf.capacity() <= 1 << 20 {
                            scratch.set(buf);
                        }
                        (r, true)
                    }
                    // Not pieces of the record (a text escaped anew, or cut
                    // in many places): spooled, the buffer itself.
                    None => (buf, false),
                }
            }),
            _ => {
                let mut line = Vec::with_capacity(text.len() + 64);
                doc.write_jsonl(&text, &mut line);
                (line, false)
            }
        };
        let sign = match self.template {
            None => Signing::Now(self.opts.sign(&text)),
            Some(_) => {
                let chars = match self.opts.keep {
                    Keep::Longest => u32::try_from(text.chars().count()).unwrap_or(u32::MAX),
                    _ => 0,
                };
                let done = finals.read().expect("not poisoned").get(&doc.site).cloned();
                match done {
                    Some(t) => {
                        let signed = t.with_kept_key_given(&text, Some(&given), |key, exact| {
                            self.opts.sign_key_as(key, exact, chars)
                        });
                        Signing::Stripped(t.site(), signed)
                    }
                    None => Signing::Later {
                        site: doc.site.clone(),
                        lines: Box::new(LineKeys::of_given(&text, Some(&given))),
                        chars,
                    },
                }
            }
        };
        given.give_back_outsized();
        GIVEN.set(given);
        let facts = facts.map(|lines| {
            let mut f = DocFacts::new(&doc.site, &doc.text, &text, removals.is_empty());
            f.lines = lines.then(|| SiteLines::line_hashes(&text));
            Box::new(f)
        });
        let (bytes_in, bytes_out) = (doc.text.len(), text.len());
        SignedRecord::Done {
            // Moved out: the document is done with.
            id: doc.id,
            newest,
            line,
            left,
            span: (0, 0),
            sign,
            bytes_in,
            bytes_out,
            removals,
            removed_bytes,
            facts,
        }
    }

    /// Runs both passes over `inputs` on `pool`.
    pub fn run(
        self,
        inputs: Vec<Input>,
        pool: &ThreadPool,
        outputs: DedupOutputs,
        side: SideOutputs,
    ) -> Result<DedupResult> {
        self.run_with_report(inputs, pool, outputs, side, None)
    }

    /// [`DedupJob::run`], and each document and the clusters observed by
    /// `report` (which is then complete, but for [`Collector::finish`]).
    pub fn run_with_report(
        mut self,
        inputs: Vec<Input>,
        pool: &ThreadPool,
        mut outputs: DedupOutputs,
        mut side: SideOutputs,
        mut report: Option<&mut Collector>,
    ) -> Result<DedupResult> {
        let mut read = Summary::default();
        // Where each document is (input, line), to name repeated ids.
        let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
        let mut places: Vec<(u32, u32)> = Vec::new();
        // Documents with a value of the `--keep newest:` field: none means
        // the field is misnamed, and the first of each cluster is kept.
        let mut with_newest: u64 = 0;
        if let Some(r) = report.as_deref_mut() {
            r.for_dedup(self.template);
        }
        let want_facts = report.as_ref().map(|r| r.wants_lines());
        let total_in = progress::input_bytes(&inputs);
        progress::begin(
            if self.transform.is_some() {
                "cleaning"
            } else {
                "reading"
            },
            total_in,
        );
        let exact_verify = self.opts.verify == Verify::Exact;
        let mut spans: Vec<(u64, u64)> = Vec::new();
        let mut spool = Spool::new(self.spool_memory);
        // The memory the run holds besides the spool, as of the last batch
        // decided: the spool makes room for it.
        let state = AtomicU64::new(0);
        let mut deduper = match self.against.take() {
            Some(a) => Deduper::against(self.opts.clone(), a),
            None => Deduper::new(self.opts.clone()),
        };
        if self.collect_index {
            deduper = deduper.collect_index();
        }
        // Indexed documents come first, as documents 0..prior.
        let prior = deduper.len();
        // With site templates left out, the texts as signed: stripped.
        let mut site_lines = self.template.map(SiteLines::new);
        let counting = site_lines.is_some();
        // Each waiting document's line keys, spooled apart from the output
        // lines (always to a file: they are a few per cent of the texts):
        // signing reads them back without parsing or normalising the text
        // again.
        let mut key_spool = counting.then(|| Spool::new(0));
        let mut template = Template::default();
        // With site templates left out, each document's site: its facts go
        // to the deduper at once, its signature once the template is known.
        let mut sites: Vec<u32> = Vec::new();
        // The sites whose template is final, for the workers to sign their
        // later documents at once.
        let finals: Finals = RwLock::new(HashMap::new());
        // Exact verification reads texts back by their place in the spool.
        let reread = if exact_verify {
            vec![false; inputs.len()]
        } else {
            spool.leave_in_inputs(&inputs)
        };
        let work = |r: &RawRecord| self.process(r, want_facts, &finals, &reread);
        // Output lines go to the spool on the worker side, in order, a part
        // a batch, so that pass two can read parts in parallel.
        let mut next_doc = prior;
        let spool_lines = |records: &mut [SignedRecord]| {
            let first = next_doc;
            let offset = spool.len();
            // At most: a spooled line and its tag; a left line's reference
            // (tag, input, offset and length: at most 21 bytes, then its
            // pieces) in place of the worker's 16 bytes and pieces.
            let size = records.iter().map(|r| match r {
                SignedRecord::Done { line, .. } => line.len() + 6,
                SignedRecord::Bad(_) => 0,
            });
            let mut bytes = Vec::with_capacity(size.sum());
            // Only documents waiting for their template have keys here.
            let (mut keys, mut keyed) = (Vec::new(), 0);
            let mut refs = Refs::default();
            for r in records {
                if let SignedRecord::Done {
                    line,
                    left,
                    span,
                    sign,
                    ..
                } = r
                {
                    if *left {
                        refs.left(line);
                    } else {
                        refs.spooled();
                        *span = (offset + bytes.len() as u64, line.len() as u64);
                        bytes.extend_from_slice(line);
                    }
                    *line = Vec::new();
                    if let (Signing::Later { lines, .. }, true) = (sign, counting) {
                        let hashes: Vec<u8> =
                            lines.hashes.iter().flat_map(|h| h.to_le_bytes()).collect();
                        write_framed(&mut keys, next_doc, &lines.keys, &hashes)
                            .map_err(|e| Error::temp("the dedup spool", e))?;
                        keyed += 1;
                        lines.keys = Vec::new();
                        lines.hashes = Vec::new();
                    }
                    next_doc += 1;
                }
            }
            let other = state.load(Ordering::Relaxed);
            if keyed > 0 {
                let k = key_spool.as_mut().expect("counting");
                k.push(first, keyed, keys, 0, other)?;
            }
            let refs = refs.append_to(&mut bytes);
            spool.push(first, next_doc - first, bytes, refs, other)
        };
        par_batches_then(
            inputs,
            &self.read,
            pool,
            work,
            spool_lines,
            |batch, records| {
                progress::add_docs(batch.len() as u64);
                for (rec, r) in batch.iter().zip(records) {
                    match r {
                        SignedRecord::Bad(b) => side.bad_record(rec, b, &mut read)?,
                        SignedRecord::Done {
                            line: _,
                            left: _,
                            span,
                            id,
                            newest,
                            sign,
                            bytes_in,
                            bytes_out,
                            removals,
                            removed_bytes,
                            facts,
                        } => {
                            if let (Some(r), Some(f)) = (report.as_deref_mut(), facts) {
                                r.observe(*f, bytes_in, bytes_out, &removals)?;
                            }
                            read.add_doc(bytes_in, bytes_out, removals, removed_bytes);
                            with_newest += u64::from(newest.is_some());
                            if exact_verify {
                                spans.push(span);
                            }
                            let line = u32::try_from(rec.line).unwrap_or(u32::MAX);
                            places.push((rec.input.index as u32, line));
                            match sign {
                                Signing::Now(signed) => {
                                    deduper.insert(&id, signed, newest.as_deref());
                                }
                                Signing::Stripped(site, signed) => {
                                    sites.push(site);
                                    deduper.insert(&id, signed, newest.as_deref());
                                }
                                Signing::Later { site, lines, chars } => {
                                    let counts = site_lines.as_mut().expect("counting");
                                    let (id_of_site, done) = counts.add_final(&site, &lines.lines);
                                    sites.push(id_of_site);
                                    if let Some(t) = done {
                                        let mut f = finals.write().expect("not poisoned");
                                        f.insert(site, Arc::new(t));
                                    }
                                    deduper.insert_facts(
                                        &id,
                                        lines.exact,
                                        chars,
                                        newest.as_deref(),
                                    );
                                }
                            }
                        }
                    }
                }
                let held = deduper.memory_bytes()
                    + places.capacity() * 8
                    + sites.capacity() * 4
                    + spans.capacity() * 16;
                state.store(held as u64, Ordering::Relaxed);
                Ok(())
            },
        )?;
        let spooled = spool.len();
        drop(finals);
        if let Some(counts) = site_lines.take() {
            let key_spool = key_spool.take().expect("counting");
            progress::begin("signing", Some(key_spool.len()));
            if let Some(r) = report.as_deref_mut() {
                r.take_lines(&counts);
            }
            template = counts.finish();
            let opts = &self.opts;
            let template = &template;
            // Signing, now that templates are known: parts are read back and
            // signed in parallel, a few at a time, and decided in order.
            let sign = |part: &SpoolPart, buf: &mut Vec<u8>| -> Result<Vec<(usize, Signed)>> {
                let mut out = Vec::with_capacity(part.docs);
                let (mut joined, mut line_hashes) = (Vec::new(), Vec::new());
                key_spool.each_framed(part, buf, |i, keys, hashes| {
                    line_hashes.clear();
                    line_hashes.extend(
                        (hashes.chunks_exact(8))
                            .map(|h| u64::from_le_bytes(h.try_into().expect("8 bytes"))),
                    );
                    template.join_kept_hashed(sites[i - prior], keys, &line_hashes, &mut joined);
                    // Only the signature counts: the facts are in.
                    out.push((i, opts.sign_key_as(&joined, 0, 0)));
                    Ok(())
                })?;
                Ok(out)
            };
            let mut bufs = vec![Vec::new(); 2 * pool.current_num_threads()];
            for chunk in key_spool.parts().chunks(bufs.len()) {
                let signed: Vec<Vec<(usize, Signed)>> = pool.install(|| {
                    chunk
                        .par_iter()
                        .zip(&mut bufs)
                        .map(|(part, buf)| sign(part, buf))
                        .collect::<Result<_>>()
                })?;
                for (part, signed) in chunk.iter().zip(signed) {
                    progress::add_bytes(part.bytes);
                    for (doc, s) in &signed {
                        deduper.insert_signature_of(*doc, s);
                    }
                }
            }
        }
        // Exact verification reads texts back from the spool.
        let text_of = |i: usize| -> Result<String> {
            let text = spool.read_text(spans[i - prior], &self.read.names)?;
            Ok(match sites.get(i - prior) {
                Some(&site) => template.strip(site, &text).into_owned(),
                None => text,
            })
        };
        progress::begin("clustering", None);
        let found = pool.install(|| deduper.finish_with_texts(text_of))?;
        let repeated = pool.install(|| found.repeated_ids());
        let duplicate_ids = repeated.first.map(|(a, b)| {
            let place = |i: usize| {
                let (input, line) = places[i - prior];
                format!("{}:{line}", names[input as usize])
            };
            DuplicateIds {
                count: repeated.count,
                id: found.id(a).to_string(),
                first: (a >= prior).then(|| place(a)),
                repeat: place(b),
            }
        });
        let keep_field_missing = match &self.opts.keep {
            Keep::Newest(field) if with_newest == 0 && !places.is_empty() => Some(field.clone()),
            _ => None,
        };
        drop(places);
        // Pass two: spool parts are read and filtered in parallel, a few
        // batches at a time, and written in order. Each slot's buffers are
        // reused (fresh multi-megabyte buffers cost a page fault per page).
        let mode = outputs.mode;
        let pass_two = |part: &SpoolPart,
                        (lines, from_input, out): &mut (Vec<u8>, Vec<u8>, Vec<u8>)|
         -> Result<()> {
            out.clear();
            spool.each_line(part, lines, from_input, |i, line| {
                match mode {
                    OutputMode::Drop if found.is_kept(i) => out.extend_from_slice(line),
                    OutputMode::Drop => {}
                    OutputMode::Mark => mark(line, found.dup_of(i), found.cluster_size(i), out),
                    OutputMode::Discard => {}
                }
                Ok(())
            })
        };
        let mut slots = vec![(Vec::new(), Vec::new(), Vec::new()); 2 * pool.current_num_threads()];
        progress::begin("writing", Some(spooled));
        let to_write = if mode == OutputMode::Discard {
            &[][..]
        } else {
            spool.check_inputs()?;
            spool.parts()
        };
        for chunk in to_write.chunks(slots.len()) {
            pool.install(|| {
                chunk
                    .par_iter()
                    .zip(&mut slots)
                    .map(|(part, slot)| pass_two(part, slot))
                    .collect::<Result<()>>()
            })?;
            for ((_, _, out), part) in slots.iter().zip(chunk) {
                outputs.out.write_all(out).map_err(Error::Output)?;
                progress::add_bytes(part.bytes);
            }
        }
        outputs.out.flush().map_err(Error::Output)?;
        // A change while pass two read lines from the inputs.
        spool.check_inputs()?;
        if let Some(w) = outputs.clusters.as_mut() {
            for c in &found.clusters {
                write_cluster(w, c, &found).map_err(Error::Output)?;
            }
            w.flush().map_err(Error::Output)?;
        }
        side.finish()?;
        if let Some(r) = report {
            // The report quotes a few texts: read back from the spool.
            let wanted: Vec<usize> = r.wanted(Some(&found)).iter().map(|d| d + prior).collect();
            let texts = spool
                .texts_at(&wanted, &self.read.names)?
                .into_iter()
                .map(|(d, t)| (d - prior, t))
                .collect();
            r.complete(Some(&found), &texts);
        }
        Ok(DedupResult {
            summary: DedupSummary {
                read,
                dedup: found.stats.clone(),
                duplicate_ids,
                keep_field_missing,
            },
            found,
        })
    }
}
