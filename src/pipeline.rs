//! Streaming a run: reader thread → batches cleaned in parallel → writer, in input order.
//!
//! A reader thread decompresses and frames records into batches of bounded
//! size; the calling thread cleans each batch with rayon and writes the results
//! in input order before taking the next, so memory holds at most a few
//! batches whatever the input size, and output does not depend on the number
//! of threads.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;

use rayon::prelude::*;

use crate::clean::{Cause, Cleaned, Cleaner};
use crate::diff;
use crate::doc::{BadRecord, Document, FieldNames};
use crate::error::{Error, Result};
use crate::read::{Format, FormatChoice, Input, RawRecord, Records};
use crate::rules::RuleSet;
use crate::write::AtomicFile;

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// How to frame inputs into documents.
    pub format: FormatChoice,
    /// The JSONL fields to read.
    pub names: FieldNames,
    /// Longest record (JSONL line or text file) accepted.
    pub max_doc_bytes: usize,
    /// Records are handed to the workers in batches of about this many bytes.
    pub batch_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: FormatChoice::Auto,
            names: FieldNames::default(),
            max_doc_bytes: 64 << 20,
            batch_bytes: 4 << 20,
        }
    }
}

/// Where cleaned documents go.
pub enum Sink<'a> {
    /// JSONL, one document a line.
    Jsonl(Box<dyn Write + 'a>),
    /// Cleaned files mirroring the input tree (text as text, JSONL as JSONL).
    OutDir(PathBuf),
    /// A unified diff of what would change; nothing else is written.
    Diff(Box<dyn Write + 'a>),
}

/// Side outputs of a run.
#[derive(Default)]
pub struct Extras<'a> {
    /// One JSONL record per removal.
    pub explain: Option<Box<dyn Write + 'a>>,
    /// Bad records, byte for byte as read, when skipping them.
    pub rejects: Option<Box<dyn Write + 'a>>,
    /// Leave bad records out instead of stopping.
    pub skip_bad: bool,
}

impl Extras<'_> {
    /// Stops the run on a bad record, or, with `skip_bad`, counts it, keeps
    /// its message and copies it to the rejects.
    pub fn bad_record(
        &mut self,
        rec: &RawRecord,
        b: BadRecord,
        summary: &mut Summary,
    ) -> Result<()> {
        let name = rec.input.input.name.clone();
        if !self.skip_bad {
            return Err(Error::BadRecord {
                source_name: name,
                line: b.line,
                col: b.col,
                problem: b.problem,
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
    /// Bad records left out (with `--skip-bad`).
    pub skipped: u64,
    /// Text bytes before cleaning.
    pub bytes_in: u64,
    /// Text bytes after cleaning.
    pub bytes_out: u64,
    /// Removals by cause.
    pub removals: BTreeMap<Cause, u64>,
    /// The skipped records' messages (`file:line: problem`), the first 20.
    pub skipped_messages: Vec<String>,
}

/// Keep this many skipped-record messages for the summary.
const MAX_MESSAGES: usize = 20;

impl Summary {
    /// Rule ids and removal counts, most removals first (ties by id).
    pub fn top_removals(&self, rules: &RuleSet) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self
            .removals
            .iter()
            .map(|(c, n)| (cause_id(rules, *c), *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
}

/// The id of a removal's cause: the rule id, or `builtin.NAME`.
pub fn cause_id(rules: &RuleSet, c: Cause) -> String {
    match c {
        Cause::Rule(i) => rules.rules[i].id.clone(),
        Cause::Builtin(b) => format!("builtin.{}", b.name()),
        Cause::Extract(w) => format!("learn.{}", w.name()),
    }
}

/// What the workers produce for each document (the sink itself stays with the writer).
#[derive(Clone, Copy)]
enum OutKind {
    Jsonl,
    Mirror,
    Diff,
}

enum Outcome {
    Done {
        out: Vec<u8>,
        explain: Vec<u8>,
        bytes_in: usize,
        bytes_out: usize,
        counts: Vec<(Cause, u64)>,
    },
    Bad(BadRecord),
}

/// Spawns the reader thread: batches of records, in input order.
pub fn read_batches(
    inputs: Vec<Input>,
    opts: &ReadOptions,
) -> mpsc::Receiver<Result<Vec<RawRecord>>> {
    let (tx, rx) = mpsc::sync_channel(2);
    let opts = opts.clone();
    std::thread::spawn(move || {
        let mut batch = Vec::new();
        let mut size = 0;
        for (index, input) in inputs.into_iter().enumerate() {
            let records = match Records::open(input.clone(), index, opts.format, opts.max_doc_bytes)
            {
                Ok(r) => r,
                Err(e) => {
                    let name = input.name.clone();
                    let _ = tx.send(Err(Error::io(name, e)));
                    return;
                }
            };
            for rec in records {
                size += rec.bytes.len() + 64;
                batch.push(rec);
                if size >= opts.batch_bytes {
                    if tx.send(Ok(std::mem::take(&mut batch))).is_err() {
                        return;
                    }
                    size = 0;
                }
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(Ok(batch));
        }
    });
    rx
}

/// Reads `inputs` in batches, maps every record with `work` in parallel, and
/// hands each batch with its results, in input order, to `each` on the
/// calling thread. The next batch is worked on while `each` handles the
/// last one, so sequential decisions do not leave the workers idle.
pub fn par_batches<T, W, E>(
    inputs: Vec<Input>,
    read: &ReadOptions,
    work: W,
    mut each: E,
) -> Result<()>
where
    T: Send,
    W: Fn(&RawRecord) -> T + Sync,
    E: FnMut(Vec<RawRecord>, Vec<T>) -> Result<()>,
{
    let batches = read_batches(inputs, read);
    std::thread::scope(|scope| {
        for item in spawn_map(scope, batches, &work) {
            let (batch, out) = item?;
            each(batch, out)?;
        }
        Ok(())
    })
}

/// [`par_batches`] with a step `then` that runs on each batch's results, in
/// order, in a stage of its own between the workers and `each`: a spool
/// write. The workers map batch N+1 while `then` handles batch N and the
/// calling thread runs `each` on batch N-1, so none waits for another.
pub fn par_batches_then<T, W, P, E>(
    inputs: Vec<Input>,
    read: &ReadOptions,
    work: W,
    mut then: P,
    mut each: E,
) -> Result<()>
where
    T: Send,
    W: Fn(&RawRecord) -> T + Sync,
    P: FnMut(&mut [T]) -> Result<()> + Send,
    E: FnMut(Vec<RawRecord>, Vec<T>) -> Result<()>,
{
    let batches = read_batches(inputs, read);
    std::thread::scope(|scope| {
        let mapped = spawn_map(scope, batches, &work);
        let (tx, rx) = mpsc::sync_channel::<Mapped<T>>(1);
        let then = &mut then;
        scope.spawn(move || {
            for item in mapped {
                let item = item.and_then(|(b, mut out)| {
                    then(&mut out)?;
                    Ok((b, out))
                });
                let stop = item.is_err();
                // A closed channel means the caller stopped: so do we.
                if tx.send(item).is_err() || stop {
                    return;
                }
            }
        });
        for item in rx {
            let (batch, out) = item?;
            each(batch, out)?;
        }
        Ok(())
    })
}

/// A batch with its results, or the error that ended the read.
type Mapped<T> = Result<(Vec<RawRecord>, Vec<T>)>;

/// Spawns, in `scope`, the stage that maps each batch with `work` on the
/// rayon pool; batches come out in order.
fn spawn_map<'scope, T, W>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    batches: mpsc::Receiver<Result<Vec<RawRecord>>>,
    work: &'scope W,
) -> mpsc::Receiver<Mapped<T>>
where
    T: Send + 'scope,
    W: Fn(&RawRecord) -> T + Sync,
{
    let (tx, rx) = mpsc::sync_channel::<Mapped<T>>(1);
    scope.spawn(move || {
        for batch in batches {
            let item = batch.map(|b| {
                let out: Vec<T> = b.par_iter().map(work).collect();
                (b, out)
            });
            let stop = item.is_err();
            // A closed channel means the caller stopped: so do we.
            if tx.send(item).is_err() || stop {
                return;
            }
        }
    });
    rx
}

/// The `clean` job: rules and built-ins over every document.
pub struct CleanJob<'r> {
    /// The cleaner, with its compiled rules.
    pub cleaner: Cleaner<'r>,
    /// How inputs are read.
    pub read: ReadOptions,
}

impl CleanJob<'_> {
    /// Runs over `inputs`, writing to `sink` and `extras`.
    pub fn run(&self, inputs: Vec<Input>, mut sink: Sink, mut extras: Extras) -> Result<Summary> {
        let mut summary = Summary::default();
        let want_explain = extras.explain.is_some();
        let kind = match &sink {
            Sink::Jsonl(_) => OutKind::Jsonl,
            Sink::OutDir(_) => OutKind::Mirror,
            Sink::Diff(_) => OutKind::Diff,
        };
        let mut mirror: Option<(usize, AtomicFile, PathBuf)> = None;
        let work = |rec: &RawRecord| self.process(rec, kind, want_explain);
        par_batches(inputs, &self.read, work, |batch, outcomes| {
            for (rec, oc) in batch.iter().zip(outcomes) {
                match oc {
                    Outcome::Bad(b) => extras.bad_record(rec, b, &mut summary)?,
                    Outcome::Done {
                        out,
                        explain,
                        bytes_in,
                        bytes_out,
                        counts,
                    } => {
                        summary.docs += 1;
                        summary.bytes_in += bytes_in as u64;
                        summary.bytes_out += bytes_out as u64;
                        summary.changed_docs += u64::from(!counts.is_empty());
                        for (c, n) in counts {
                            *summary.removals.entry(c).or_default() += n;
                        }
                        if let Some(w) = extras.explain.as_mut() {
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
        extras.finish()?;
        Ok(summary)
    }

    fn process(&self, rec: &RawRecord, kind: OutKind, want_explain: bool) -> Outcome {
        let doc = match Document::parse(rec, &self.read.names) {
            Ok(d) => d,
            Err(b) => return Outcome::Bad(b),
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
            explain_records(self.cleaner.rules(), rec, &doc, &cleaned)
        } else {
            Vec::new()
        };
        Outcome::Done {
            out,
            explain,
            bytes_in: doc.text.len(),
            bytes_out: cleaned.text.len(),
            counts,
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
fn explain_records(rules: &RuleSet, rec: &RawRecord, doc: &Document, c: &Cleaned) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Record<'a> {
        id: &'a str,
        source: String,
        rule: String,
        action: &'a str,
        start: usize,
        end: usize,
        char_start: usize,
        char_end: usize,
        text: &'a str,
    }
    let mut out = Vec::new();
    // Removals are sorted by start: count characters incrementally.
    let (mut at_byte, mut at_char) = (0usize, 0usize);
    let mut chars_to = |b: usize| -> usize {
        if b >= at_byte {
            at_char += doc.text[at_byte..b].chars().count();
        } else {
            at_char -= doc.text[b..at_byte].chars().count();
        }
        at_byte = b;
        at_char
    };
    for r in &c.removals {
        let char_start = chars_to(r.start);
        let char_end = chars_to(r.end);
        let action = match r.cause {
            Cause::Rule(i) => rules.rules[i].action.name(),
            Cause::Builtin(_) | Cause::Extract(_) => "line",
        };
        let record = Record {
            id: &doc.id,
            source: format!("{}:{}", rec.input.input.name, rec.line),
            rule: cause_id(rules, r.cause),
            action,
            start: r.start,
            end: r.end,
            char_start,
            char_end,
            text: &doc.text[r.start..r.end],
        };
        serde_json::to_writer(&mut out, &record).expect("writing to a Vec");
        out.push(b'\n');
    }
    out
}

/// Learns from `inputs` (two reads: counts, then example texts for the
/// rules). Bad records go to `extras` (stop, or counted in the summary and
/// copied to the rejects with `skip_bad`).
pub fn learn_inputs(
    inputs: &[Input],
    read: &ReadOptions,
    opts: crate::learn::LearnOptions,
    extras: &mut Extras,
) -> Result<(crate::learn::Learned, Summary)> {
    use crate::learn::{Learner, PageLines};
    let mut learner = Learner::new(opts);
    let mut summary = Summary::default();
    let work = |rec: &RawRecord| {
        Document::parse(rec, &read.names).map(|d| (d.site.to_string(), PageLines::of(&d.text)))
    };
    par_batches(inputs.to_vec(), read, work, |batch, pages| {
        for (rec, p) in batch.iter().zip(pages) {
            match p {
                Ok((site, lines)) => learner.add_lines(&site, lines),
                Err(b) => extras.bad_record(rec, b, &mut summary)?,
            }
        }
        Ok(())
    })?;
    let mut learned = learner.finish();
    // One more read, in input order, for each rule's first example text.
    let mut missing = learned.missing_examples();
    if missing > 0 {
        let wanted = learned.wanted();
        'read: for batch in read_batches(inputs.to_vec(), read) {
            for rec in batch? {
                if let Ok(d) = Document::parse(&rec, &read.names) {
                    missing -= learned.add_examples(&d.site, &d.text, &wanted);
                    if missing == 0 {
                        break 'read;
                    }
                }
            }
        }
    }
    extras.finish()?;
    Ok((learned, summary))
}
