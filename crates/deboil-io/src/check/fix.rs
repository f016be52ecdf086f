//! Repairing checked files in place, as a linter's fixer does: each file
//! with junk findings is cleaned and replaced atomically (a temp file beside
//! it, renamed over it, its permissions kept). A text file gets its cleaned
//! text; in a JSONL file only the records with findings are rewritten (their
//! other fields byte for byte), and every other line, blank lines and line
//! endings included, is copied as it was. Duplicates are never deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read, Write};
use std::sync::Arc;

use deboil_core::clean::{Cleaned, Cleaner, Removal};

use super::{Finding, Kind};
use crate::doc::Document;
use crate::error::{Error, Result};
use crate::pipeline::ReadOptions;
use crate::read::{self, BOM, Format, FormatChoice, Input, RawRecord, SourceInfo};
use crate::write::AtomicFile;

/// A file repaired in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The file, as named.
    pub file: String,
    /// Documents cleaned in it.
    pub docs: usize,
}

/// Removals of one document as findings show them: `(rule, snippet)`.
type Removed = Vec<(String, String)>;

/// Cleans, in the files of `inputs`, the documents that `findings` (the
/// ones reported) find junk in, and marks fixed the findings whose text
/// went. Junk a baseline accepted (`accepted`) stays in its document, as
/// it was: only the new findings' removals are made there (see
/// [`Cleaner::clean_keeping`]).
pub fn fix(
    findings: &mut [Finding],
    accepted: &[Finding],
    inputs: &[Input],
    cleaner: &Cleaner,
    read: &ReadOptions,
) -> Result<Vec<Fixed>> {
    let mut docs: BTreeMap<usize, BTreeSet<u64>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.kind == Kind::Junk) {
        docs.entry(f.input).or_default().insert(f.doc_line);
    }
    // Per file and document, the accepted junk's fingerprints.
    let mut keep: BTreeMap<usize, BTreeMap<u64, Vec<String>>> = BTreeMap::new();
    for f in accepted.iter().filter(|f| f.kind == Kind::Junk) {
        let doc = keep.entry(f.input).or_default().entry(f.doc_line);
        doc.or_default().push(f.fingerprint.clone());
    }
    // A read-only file is refused as an editor would, before any file is
    // touched: renaming over it would succeed (the folder is writable) and
    // quietly drop the protection someone put there.
    // So is a file whose content is compressed other than its name says:
    // checked here, not as it comes, or the files before it were changed.
    for &i in docs.keys() {
        if let Some(path) = &inputs[i].path {
            let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
            if meta.permissions().readonly() {
                return Err(Error::Usage(format!(
                    "{}: read-only, not repaired (no file was changed)",
                    inputs[i].name
                )));
            }
            stored_as_named(&inputs[i], path)?;
        }
    }
    let mut fixed = Vec::new();
    let mut removed: BTreeMap<(usize, u64), Removed> = BTreeMap::new();
    let none = BTreeMap::new();
    for (&i, lines) in &docs {
        let input = &inputs[i];
        let done = fix_file(input, lines, keep.get(&i).unwrap_or(&none), cleaner, read)?;
        let changed = done.iter().filter(|(_, r)| !r.is_empty()).count();
        if changed > 0 {
            fixed.push(Fixed {
                file: super::display_name(&input.name),
                docs: changed,
            });
        }
        removed.extend(done.into_iter().map(|(line, r)| ((i, line), r)));
    }
    for f in findings.iter_mut().filter(|f| f.kind == Kind::Junk) {
        // Each removal marks one finding, as each finding is one removal.
        let gone = removed.get_mut(&(f.input, f.doc_line)).and_then(|r| {
            let text = f.text.as_deref().unwrap_or_default();
            let at = r
                .iter()
                .position(|(rule, t)| *rule == f.rule && t == text)?;
            Some(r.swap_remove(at))
        });
        f.fixed = gone.is_some();
    }
    Ok(fixed)
}

/// `doc` (of `rec`) cleaned without the removals whose findings' fingerprints
/// are in `keep` (the accepted junk; each fingerprint keeps one).
fn clean_keeping(cleaner: &Cleaner, rec: &RawRecord, doc: &Document, keep: &[String]) -> Cleaned {
    let cleaned = cleaner.clean(&doc.text, &doc.site);
    let key = super::doc_key(rec, doc);
    let mut left = keep.to_vec();
    let kept: Vec<Removal> = super::junk(cleaner, &doc.text, &cleaned)
        .filter(|(e, _)| {
            let fp = super::junk_fingerprint(&e.rule, &key, &doc.text[e.start..e.end]);
            let at = left.iter().position(|k| *k == fp);
            at.map(|at| left.swap_remove(at)).is_some()
        })
        .map(|(_, r)| r.clone())
        .collect();
    match kept.is_empty() {
        true => cleaned,
        false => cleaner.clean_keeping(&doc.text, &doc.site, &kept),
    }
}

/// What the first bytes of a file say it is compressed with.
fn compression(head: &[u8]) -> Option<&'static str> {
    if read::is_gzip(head) {
        Some(".gz")
    } else if read::is_zstd(head) {
        Some(".zst")
    } else {
        None
    }
}

/// The output is compressed by its name: a file whose content says
/// otherwise is refused rather than stored another way.
fn stored_as_named(input: &Input, path: &std::path::Path) -> Result<()> {
    let mut head = [0u8; 4];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| Error::io(path, e))?;
    let by_name = path.to_string_lossy().to_lowercase();
    let named = [".gz", ".zst", ".zstd"]
        .into_iter()
        .find(|s| by_name.ends_with(s))
        .map(|s| if s == ".zstd" { ".zst" } else { s });
    if compression(&head[..n]) != named {
        return Err(Error::Usage(format!(
            "{}: cannot repair in place: its content is {} but its name says {} (no file was changed)",
            input.name,
            compression(&head[..n]).map_or("not compressed", |c| &c[1..]),
            named.map_or("not compressed", |c| &c[1..]),
        )));
    }
    Ok(())
}

/// Rewrites one file: the documents at `lines` cleaned, keeping the
/// accepted junk `keep` gives for a document's line. Returns each
/// document's removals by a rule.
fn fix_file(
    input: &Input,
    lines: &BTreeSet<u64>,
    keep: &BTreeMap<u64, Vec<String>>,
    cleaner: &Cleaner,
    read: &ReadOptions,
) -> Result<Vec<(u64, Removed)>> {
    let Some(path) = &input.path else {
        return Err(Error::Usage(
            "stdin cannot be repaired in place; name the files".into(),
        ));
    };
    let (format, by_name) = match read.format {
        FormatChoice::Fixed(f) => (f, false),
        FormatChoice::Auto => (input.format_by_name().unwrap_or(Format::Text), true),
    };
    let source = Arc::new(SourceInfo {
        input: input.clone(),
        format,
        by_name,
        index: 0,
        fallback_site: read
            .site
            .fallback_site(input)
            .map_err(|e| Error::Usage(format!("{}: {e}", input.name)))?,
    });
    let mut reader = read::open(input).map_err(|e| Error::io(path, e))?;
    let mut out = AtomicFile::create(path).map_err(|e| Error::io(path, e))?;
    let io = |e| Error::io(path, e);
    let mut done = Vec::new();
    let mut clean = |line: u64, mut bytes: Vec<u8>, buf: &mut Vec<u8>| -> Result<()> {
        // A byte order mark is no part of the record (the reading that found
        // the junk dropped it): it is kept as it was, before the record.
        if bytes.starts_with(BOM) {
            bytes.drain(..BOM.len());
            buf.extend_from_slice(BOM);
        }
        let rec = RawRecord {
            input: source.clone(),
            line,
            offset: 0,
            bytes: bytes.into(),
            error: None,
        };
        let doc = Document::parse(&rec, &read.names).map_err(|b| Error::BadRecord {
            source_name: input.name.clone(),
            line: b.line,
            col: b.col,
            problem: b.problem,
        })?;
        let cleaned = match keep.get(&line) {
            Some(keep) => clean_keeping(cleaner, &rec, &doc, keep),
            None => cleaner.clean(&doc.text, &doc.site),
        };
        let removed: Removed = super::junk(cleaner, &doc.text, &cleaned)
            .map(|(e, _)| {
                let text = super::snippet(&doc.text[e.start..e.end], super::SNIPPET_CHARS);
                (e.rule, text)
            })
            .collect();
        match format {
            // Nothing to repair (its junk is accepted): the record as it
            // was, with the line break `write_jsonl` would end it with.
            Format::Text if removed.is_empty() => buf.extend_from_slice(&rec.bytes),
            Format::Jsonl if removed.is_empty() => {
                buf.extend_from_slice(&rec.bytes);
                buf.push(b'\n');
            }
            Format::Text => buf.extend_from_slice(cleaned.text.as_bytes()),
            Format::Jsonl => doc.write_jsonl(&cleaned.text, buf),
        }
        done.push((line, removed));
        Ok(())
    };
    match format {
        Format::Text => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(io)?;
            let mut buf = Vec::new();
            clean(1, bytes, &mut buf)?;
            out.write_all(&buf).map_err(io)?;
        }
        Format::Jsonl => {
            let (mut line, mut no, mut buf) = (Vec::new(), 0u64, Vec::new());
            loop {
                line.clear();
                if reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
                    break;
                }
                no += 1;
                if !lines.contains(&no) {
                    out.write_all(&line).map_err(io)?;
                    continue;
                }
                // The record without its line ending; the ending is kept.
                let ending = if line.ends_with(b"\r\n") {
                    2
                } else {
                    usize::from(line.ends_with(b"\n"))
                };
                let record = line[..line.len() - ending].to_vec();
                buf.clear();
                clean(no, record, &mut buf)?;
                buf.pop(); // write_jsonl's own line break
                buf.extend_from_slice(&line[line.len() - ending..]);
                out.write_all(&buf).map_err(io)?;
            }
        }
    }
    let _hold = crate::cleanup::commit_lock();
    out.commit().map_err(io)?;
    Ok(done)
}
