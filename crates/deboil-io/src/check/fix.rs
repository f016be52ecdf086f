//! Repairing checked files in place, as a linter's fixer does: each file
//! with junk findings is cleaned and replaced atomically (a temp file beside
//! it, renamed over it, its permissions kept). A text file gets its cleaned
//! text; in a JSONL file only the records with findings are rewritten (their
//! other fields byte for byte), and every other line, blank lines and line
//! endings included, is copied as it was. Duplicates are never deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read, Write};
use std::sync::Arc;

use deboil_core::clean::Cleaner;

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

/// Cleans, in the files of `inputs`, the documents that `findings` (the
/// ones reported) find junk in, and marks those findings fixed.
pub fn fix(
    findings: &mut [Finding],
    inputs: &[Input],
    cleaner: &Cleaner,
    read: &ReadOptions,
) -> Result<Vec<Fixed>> {
    let mut docs: BTreeMap<usize, BTreeSet<u64>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.kind == Kind::Junk) {
        docs.entry(f.input).or_default().insert(f.doc_line);
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
    for (&i, lines) in &docs {
        let input = &inputs[i];
        fix_file(input, lines, cleaner, read)?;
        fixed.push(Fixed {
            file: super::display_name(&input.name),
            docs: lines.len(),
        });
    }
    for f in findings.iter_mut() {
        f.fixed = f.kind == Kind::Junk;
    }
    Ok(fixed)
}

/// What the first bytes of a file say it is compressed with.
fn compression(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Some(".gz")
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
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

/// Rewrites one file: the documents at `lines` cleaned.
fn fix_file(
    input: &Input,
    lines: &BTreeSet<u64>,
    cleaner: &Cleaner,
    read: &ReadOptions,
) -> Result<()> {
    let Some(path) = &input.path else {
        return Err(Error::Usage(
            "stdin cannot be repaired in place; name the files".into(),
        ));
    };
    let format = match read.format {
        FormatChoice::Fixed(f) => f,
        FormatChoice::Auto => input.format_by_name().unwrap_or(Format::Text),
    };
    let source = Arc::new(SourceInfo {
        input: input.clone(),
        format,
        index: 0,
        fallback_site: read
            .site
            .fallback_site(input)
            .map_err(|e| Error::Usage(format!("{}: {e}", input.name)))?,
    });
    let mut reader = read::open(input).map_err(|e| Error::io(path, e))?;
    let mut out = AtomicFile::create(path).map_err(|e| Error::io(path, e))?;
    let io = |e| Error::io(path, e);
    let clean = |line: u64, mut bytes: Vec<u8>, buf: &mut Vec<u8>| -> Result<()> {
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
        let cleaned = cleaner.clean(&doc.text, &doc.site);
        match format {
            Format::Text => buf.extend_from_slice(cleaned.text.as_bytes()),
            Format::Jsonl => doc.write_jsonl(&cleaned.text, buf),
        }
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
    out.commit().map_err(io)
}
