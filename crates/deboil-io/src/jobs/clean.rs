//! The `clean` job: rules and built-ins over every document, to JSONL, a
//! mirrored tree, or a diff.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::ThreadPool;

use deboil_core::clean::{Cause, Cleaned, Cleaner};
use deboil_core::diff;

use super::{SideOutputs, Summary};
use crate::doc::{BadRecord, Document};
use crate::error::{Error, Result};
use crate::pipeline::{ReadOptions, par_batches};
use crate::progress;
use crate::read::{BOM, Format, Input, RawRecord};
use crate::report::{Collector, DocFacts};
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

/// Cleaned text buffers up to this size stay with the thread for the next
/// document.
const KEEP_CLEANED_BYTES: usize = 8 << 20;

thread_local! {
    static CLEANED: std::cell::RefCell<Cleaned> = std::cell::RefCell::new(Cleaned::default());
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
        facts: Option<Box<DocFacts>>,
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
        sink: Sink,
        side: SideOutputs,
    ) -> Result<Summary> {
        self.run_with_report(inputs, pool, sink, side, None)
    }

    /// [`CleanJob::run`], and each document observed by `report` (which
    /// is then complete, but for [`Collector::finish`]).
    pub fn run_with_report(
        &self,
        inputs: Vec<Input>,
        pool: &ThreadPool,
        mut sink: Sink,
        mut side: SideOutputs,
        mut report: Option<&mut Collector>,
    ) -> Result<Summary> {
        let mut summary = Summary::default();
        let want_explain = side.explain.is_some();
        let want_facts = report.is_some();
        if let Some(r) = report.as_deref_mut() {
            r.keep_samples()?;
        }
        progress::begin("cleaning", progress::input_bytes(&inputs));
        let kind = match &sink {
            Sink::Jsonl(_) => OutKind::Jsonl,
            Sink::OutDir(_) => OutKind::Mirror,
            Sink::Diff(_) => OutKind::Diff,
        };
        let mut mirror = match &sink {
            Sink::OutDir(dir) => Some(Mirror::new(dir, &inputs)),
            _ => None,
        };
        let work = |rec: &RawRecord| self.process(rec, kind, want_explain, want_facts);
        par_batches(inputs, &self.read, pool, work, |batch, outcomes| {
            progress::add_docs(batch.len() as u64);
            for (rec, oc) in batch.iter().zip(outcomes) {
                // An input read whole keeps its mirrored file whatever
                // happens next, a bad record first in the next one included.
                if let Some(m) = mirror.as_mut() {
                    m.close_before(rec.input.index)?;
                }
                match oc {
                    CleanedRecord::Bad(b) => {
                        side.bad_record(rec, b, &mut summary)?;
                        // Skipped: its input still gets its file.
                        if let Some(m) = mirror.as_mut() {
                            m.write(rec.input.index, &[])?;
                        }
                    }
                    CleanedRecord::Done {
                        out,
                        explain,
                        bytes_in,
                        bytes_out,
                        counts,
                        removed_bytes,
                        facts,
                    } => {
                        if let (Some(r), Some(f)) = (report.as_deref_mut(), facts) {
                            r.observe(*f, bytes_in, bytes_out, &counts)?;
                        }
                        summary.add_doc(bytes_in, bytes_out, counts, removed_bytes);
                        if let Some(w) = side.explain.as_mut() {
                            w.write_all(&explain).map_err(Error::Output)?;
                        }
                        match (&mut sink, mirror.as_mut()) {
                            (Sink::Jsonl(w) | Sink::Diff(w), _) => {
                                w.write_all(&out).map_err(Error::Output)?
                            }
                            (Sink::OutDir(_), Some(m)) => m.write(rec.input.index, &out)?,
                            (Sink::OutDir(_), None) => unreachable!("made for --out-dir"),
                        }
                    }
                }
            }
            Ok(())
        })?;
        if let Some(m) = mirror {
            m.finish()?;
        }
        match &mut sink {
            Sink::Jsonl(w) | Sink::Diff(w) => w.flush().map_err(Error::Output)?,
            Sink::OutDir(_) => {}
        }
        side.finish()?;
        if let Some(r) = report {
            let wanted = r.wanted(None);
            let texts = r.sample_texts(&wanted)?;
            r.complete(None, &texts);
        }
        Ok(summary)
    }

    fn process(
        &self,
        rec: &RawRecord,
        kind: OutKind,
        want_explain: bool,
        want_facts: bool,
    ) -> CleanedRecord {
        let doc = match Document::parse(rec, &self.read.names) {
            Ok(d) => d,
            Err(b) => return CleanedRecord::Bad(b),
        };
        // The thread's last `Cleaned`, its buffers reused (a text, the
        // lines' fates and the removals: three allocations a document).
        let mut cleaned = CLEANED.with(|c| std::mem::take(&mut *c.borrow_mut()));
        self.cleaner.clean_into(&doc.text, &doc.site, &mut cleaned);
        // Room for the record as read: the other fields come along and the
        // cleaned text is escaped again, which the text's size alone did
        // not hold (the buffer grew once or twice a record).
        let mut out = Vec::with_capacity(rec.bytes.len().max(cleaned.text.len()) + 64);
        match kind {
            OutKind::Jsonl => doc.write_cleaned(&cleaned, &mut out),
            OutKind::Mirror => match rec.input.format {
                Format::Text => out.extend_from_slice(cleaned.text.as_bytes()),
                Format::Jsonl => doc.write_cleaned(&cleaned, &mut out),
            },
            OutKind::Diff => {
                let mut s = String::new();
                // A text file's byte order mark is no part of its text, but
                // the patch must match the file's first line, and keep it.
                let lead = match rec.input.format {
                    Format::Text if rec.offset == BOM.len() as u64 => "\u{feff}",
                    _ => "",
                };
                let name = match rec.input.format {
                    Format::Text => diff_name(&rec.input.input),
                    Format::Jsonl => None,
                };
                let name = name.as_deref().unwrap_or(&doc.id);
                diff::unified_after(name, lead, &doc.text, &cleaned, 3, &mut s);
                out = s.into_bytes();
            }
        }
        let counts = cleaned.removal_counts();
        let explain = if want_explain {
            explain_records(&self.cleaner, rec, &doc, &cleaned)
        } else {
            Vec::new()
        };
        let bytes_out = cleaned.text.len();
        let removed_bytes = cleaned.removed_bytes();
        let facts = want_facts.then(|| {
            let mut f = DocFacts::new(&doc.site, &doc.text, &cleaned.text, counts.is_empty());
            // Moved, not copied: the report quotes a few texts of each site.
            f.text = Some(std::mem::take(&mut cleaned.text));
            Box::new(f)
        });
        // An outsized document's buffers are not kept for the rest of the run.
        if cleaned.heap_bytes() <= KEEP_CLEANED_BYTES {
            CLEANED.with(|c| *c.borrow_mut() = cleaned);
        }
        CleanedRecord::Done {
            out,
            explain,
            bytes_in: doc.text.len(),
            bytes_out,
            counts,
            removed_bytes,
            facts,
        }
    }
}

/// The mirrored tree of `--out-dir`: one file per input, in input order,
/// each committed once its input is read whole. An input with no document
/// to write (an empty JSONL file, or every record skipped with `--skip-bad`)
/// gets its file too, empty: one output per input, so a missing file always
/// means a failed run, never an input that held nothing usable.
struct Mirror {
    dir: PathBuf,
    relatives: Vec<PathBuf>,
    /// The first input whose file is not yet opened.
    next: usize,
    open: Option<(usize, AtomicFile, PathBuf)>,
}

impl Mirror {
    fn new(dir: &Path, inputs: &[Input]) -> Mirror {
        Mirror {
            dir: dir.to_path_buf(),
            relatives: inputs.iter().map(|i| i.relative.clone()).collect(),
            next: 0,
            open: None,
        }
    }

    /// Commits every file of the inputs before `index`, the empty files of
    /// inputs that gave no record included.
    fn close_before(&mut self, index: usize) -> Result<()> {
        if self.open.as_ref().is_some_and(|o| o.0 < index) {
            let (_, f, path) = self.open.take().expect("checked");
            f.commit().map_err(|e| Error::io(path, e))?;
        }
        while self.next < index {
            self.open_next()?;
            let (_, f, path) = self.open.take().expect("just opened");
            f.commit().map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    }

    /// Appends `out` to input `index`'s file, opening it first if need be.
    fn write(&mut self, index: usize, out: &[u8]) -> Result<()> {
        self.close_before(index)?;
        if self.open.is_none() {
            self.open_next()?;
        }
        let (_, f, path) = self.open.as_mut().expect("opened");
        f.write_all(out).map_err(|e| Error::io(path.clone(), e))
    }

    fn open_next(&mut self) -> Result<()> {
        let path = self.dir.join(&self.relatives[self.next]);
        let f = AtomicFile::create(&path).map_err(|e| Error::io(&path, e))?;
        self.open = Some((self.next, f, path));
        self.next += 1;
        Ok(())
    }

    /// Commits the last file, and the empty files of inputs after it.
    fn finish(mut self) -> Result<()> {
        self.close_before(self.relatives.len())
    }
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

/// The name of a text file in a diff's `a/NAME` header, where its path as
/// given (its id) would not do: an absolute path or one with `..` was
/// written `a//abs/x.txt` or `a/../x.txt`, which `patch -p1` and `git
/// apply` refuse. Resolved by name, it is the path from the current
/// directory when the file lies below it, else from the root, as `git diff
/// --no-index` writes an absolute path (applied from `/`).
fn diff_name(input: &Input) -> Option<String> {
    use std::path::Component;
    if input.path.as_deref().is_none_or(crate::read::stays_below) {
        return None;
    }
    // None for stdin, also spooled to a temporary file.
    let abs = input.absolute_path()?;
    let cwd = std::env::current_dir()
        .ok()
        .map(|d| crate::read::resolve_by_name(&d));
    let below = cwd.as_deref().and_then(|d| abs.strip_prefix(d).ok());
    let name: PathBuf = match below {
        Some(rel) => rel.to_path_buf(),
        None => abs
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .collect(),
    };
    Some(crate::read::path_name(&name))
}
