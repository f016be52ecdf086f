//! The dedup job's spool: each document's output line, written in pass one
//! and read back (in parts, in parallel) to sign, verify and write. Parts
//! are held in memory while they fit a budget (with the rest of the run's
//! state); past it they go to a temp file, so memory stays bounded.
//!
//! A line that is its input's record as it stands (most of `dedup`'s) is
//! not spooled when the input is a plain regular file: it is read again
//! from the input, which must not change meanwhile (checked).

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;

use deboil_core::dedup::{Cluster, Deduplication};

use crate::doc::{FieldNames, text_in_line};
use crate::error::{Error, Result};
use crate::read::Input;

mod left;
pub(super) use left::{InInput, Pieces, Refs, pieces_of};
use left::{Source, each_line_left};

/// Where a part's bytes lie.
enum At {
    Memory(Vec<u8>),
    /// At this offset of the temp file.
    File(u64),
}

/// One batch's records in the spool.
pub(super) struct SpoolPart {
    /// The first document's index, and how many there are.
    pub first: usize,
    pub docs: usize,
    /// Offset among all the spool's bytes (wherever they lie) and length.
    pub offset: u64,
    pub bytes: u64,
    at: At,
    /// How many of `bytes`, at their end, are [`Refs`] to lines left in the
    /// inputs (0: every line is spooled).
    refs: u64,
}

/// Parts written once, in order, and read back in any order by any thread.
pub(super) struct Spool {
    parts: Vec<SpoolPart>,
    file: Option<File>,
    file_len: u64,
    /// Bytes of parts held in memory, and the most they and the rest of the
    /// run's state may take.
    held: u64,
    budget: u64,
    /// The first part that may still be in memory (spilling goes oldest
    /// first).
    unspilled: usize,
    /// By input index: the inputs lines may be left in.
    sources: Vec<Option<Source>>,
}

impl Spool {
    /// A spool holding parts in memory while they, with the run's other
    /// state, take at most `budget` bytes (0: always the file).
    pub fn new(budget: u64) -> Spool {
        Spool {
            parts: Vec::new(),
            file: None,
            file_len: 0,
            held: 0,
            budget,
            unspilled: 0,
            sources: Vec::new(),
        }
    }

    /// Lets lines be left in those of `inputs` that can be read again
    /// (plain regular files); returns which, by input index.
    pub fn leave_in_inputs(&mut self, inputs: &[Input]) -> Vec<bool> {
        self.sources = inputs.iter().map(Source::open).collect();
        self.sources.iter().map(Option::is_some).collect()
    }

    /// Fails if an input that lines were left in has changed since it was
    /// opened: called before those lines are read and once they all are.
    pub fn check_inputs(&self) -> Result<()> {
        self.sources.iter().flatten().try_for_each(Source::check)
    }

    /// The parts, in the order written.
    pub fn parts(&self) -> &[SpoolPart] {
        &self.parts
    }

    /// Bytes written so far (the next part's offset).
    pub fn len(&self) -> u64 {
        self.parts.last().map_or(0, |p| p.offset + p.bytes)
    }

    /// Adds a part of `docs` documents from `first` on; `other` is the
    /// memory the run holds besides the spool now: held parts spill, oldest
    /// first, to make room for it. `refs`: how many bytes at the end of
    /// `bytes` are [`Refs`] (for the lines not among them).
    pub fn push(
        &mut self,
        first: usize,
        docs: usize,
        mut bytes: Vec<u8>,
        refs: u64,
        other: u64,
    ) -> Result<()> {
        let (offset, len) = (self.len(), bytes.len() as u64);
        let at = if self.held + len + other <= self.budget {
            self.held += len;
            // Held as counted: what the caller reserved beyond its bytes
            // goes back (a shrink in place, not a copy).
            bytes.shrink_to_fit();
            At::Memory(bytes)
        } else {
            At::File(self.write(&bytes)?)
        };
        self.parts.push(SpoolPart {
            first,
            docs,
            offset,
            bytes: len,
            at,
            refs,
        });
        while self.held > 0 && self.held + other > self.budget {
            self.spill_oldest()?;
        }
        Ok(())
    }

    fn spill_oldest(&mut self) -> Result<()> {
        while self.unspilled < self.parts.len() {
            let i = self.unspilled;
            self.unspilled += 1;
            // (An error ends the run, so the part left empty is not read.)
            if !matches!(self.parts[i].at, At::Memory(_)) {
                continue;
            }
            if let At::Memory(bytes) = std::mem::replace(&mut self.parts[i].at, At::File(0)) {
                self.parts[i].at = At::File(self.write(&bytes)?);
                self.held -= bytes.len() as u64;
                return Ok(());
            }
        }
        Ok(())
    }

    /// Appends `bytes` to the temp file (made on first use); returns where.
    fn write(&mut self, bytes: &[u8]) -> Result<u64> {
        if self.file.is_none() {
            self.file = Some(tempfile::tempfile().map_err(|e| Error::temp("the dedup spool", e))?);
        }
        let mut file = self.file.as_ref().expect("just made");
        file.write_all(bytes)
            .map_err(|e| Error::temp("the dedup spool", e))?;
        let at = self.file_len;
        self.file_len += bytes.len() as u64;
        Ok(at)
    }

    /// `part`'s bytes: where they are held, or read into `buf`.
    pub fn bytes_of<'a>(&'a self, part: &'a SpoolPart, buf: &'a mut Vec<u8>) -> Result<&'a [u8]> {
        match &part.at {
            At::Memory(bytes) => Ok(bytes),
            At::File(at) => {
                buf.resize(part.bytes as usize, 0);
                let file = self.file.as_ref().expect("a part in the file");
                read_at(file, buf, *at).map_err(|e| Error::temp("the dedup spool", e))?;
                Ok(buf)
            }
        }
    }

    /// Calls `f` with each document's index and line (its `\n` included)
    /// of `part` (read into `buf` if it is not in memory; lines left in
    /// the inputs are read into `from_input`).
    pub fn each_line(
        &self,
        part: &SpoolPart,
        buf: &mut Vec<u8>,
        from_input: &mut Vec<u8>,
        mut f: impl FnMut(usize, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let bytes = self.bytes_of(part, buf)?;
        if part.refs > 0 {
            let (lines, refs) = bytes.split_at(bytes.len() - part.refs as usize);
            let docs = (part.first, part.docs);
            return each_line_left(&self.sources, docs, lines, refs, from_input, f);
        }
        let mut rest = bytes;
        for i in part.first..part.first + part.docs {
            f(i, next_spooled(&mut rest))?;
        }
        Ok(())
    }

    /// Calls `f` with each record [`write_framed`] wrote in `part`: its
    /// document's index and its two fields. (Not every document of a part
    /// need have one.)
    pub fn each_framed(
        &self,
        part: &SpoolPart,
        buf: &mut Vec<u8>,
        mut f: impl FnMut(usize, &[u8], &[u8]) -> Result<()>,
    ) -> Result<()> {
        let mut rest = self.bytes_of(part, buf)?;
        let len = |b: &[u8]| u32::from_le_bytes(b[..4].try_into().expect("4 bytes")) as usize;
        for _ in 0..part.docs {
            let doc = u64::from_le_bytes(rest[..8].try_into().expect("8 bytes")) as usize;
            let (a, b) = (len(&rest[8..]), len(&rest[12..]));
            let (x, tail) = rest[16..].split_at(a);
            let (y, tail) = tail.split_at(b);
            rest = tail;
            f(doc, x, y)?;
        }
        Ok(())
    }

    /// The texts of documents `docs` (sorted), each part that holds some
    /// read once.
    pub fn texts_at(&self, docs: &[usize], names: &FieldNames) -> Result<HashMap<usize, String>> {
        let mut out = HashMap::new();
        let (mut buf, mut i) = (Vec::new(), 0);
        while i < docs.len() {
            let p = self.parts.partition_point(|p| p.first + p.docs <= docs[i]);
            let Some(part) = self.parts.get(p).filter(|p| p.first <= docs[i]) else {
                i += 1;
                continue;
            };
            let end = part.first + part.docs;
            let from = i;
            while i < docs.len() && docs[i] < end {
                i += 1;
            }
            let want = &docs[from..i];
            self.each_line(part, &mut buf, &mut Vec::new(), |d, line| {
                if want.binary_search(&d).is_ok() {
                    out.insert(d, text_of_line(line, names)?);
                }
                Ok(())
            })?;
        }
        Ok(out)
    }

    /// A document's text read back from its line (as transformed, so as
    /// signed), given as (offset, length) among the spool's bytes. JSONL
    /// inputs keep their text field's name; text files write `text`.
    pub fn read_text(&self, (offset, len): (u64, u64), names: &FieldNames) -> Result<String> {
        let p = self.parts.partition_point(|p| p.offset + p.bytes <= offset);
        let part = &self.parts[p];
        let from = offset - part.offset;
        let mut line = vec![0; len as usize];
        match &part.at {
            At::Memory(bytes) => line.copy_from_slice(&bytes[from as usize..][..len as usize]),
            At::File(at) => {
                let file = self.file.as_ref().expect("a part in the file");
                read_at(file, &mut line, at + from)
                    .map_err(|e| Error::temp("the dedup spool", e))?;
            }
        }
        text_of_line(&line, names)
    }
}

/// The next line of `rest` (its `\n` included), taken off it.
fn next_spooled<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |p| p + 1);
    let (line, tail) = rest.split_at(end);
    *rest = tail;
    line
}

fn text_of_line(line: &[u8], names: &FieldNames) -> Result<String> {
    let line =
        std::str::from_utf8(line).map_err(|e| Error::io("spool file", std::io::Error::other(e)))?;
    Ok(text_in_line(line, names).unwrap_or_default())
}

/// Writes document `doc`'s two byte strings, each preceded by its length
/// (for [`SpoolPart::each_framed`]); returns the bytes written.
pub(super) fn write_framed(
    w: &mut impl Write,
    doc: usize,
    a: &[u8],
    b: &[u8],
) -> std::io::Result<u64> {
    let a_len = u32::try_from(a.len()).map_err(std::io::Error::other)?;
    let b_len = u32::try_from(b.len()).map_err(std::io::Error::other)?;
    w.write_all(&(doc as u64).to_le_bytes())?;
    w.write_all(&a_len.to_le_bytes())?;
    w.write_all(&b_len.to_le_bytes())?;
    w.write_all(a)?;
    w.write_all(b)?;
    Ok(16 + a.len() as u64 + b.len() as u64)
}

/// Reads `buf.len()` bytes at `offset` without moving a shared file position,
/// so several threads can read one file.
pub(super) fn read_at(f: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
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
/// `cluster_size` added before its closing brace. A record that has them
/// already (marked before) has them replaced, not repeated: JSON readers
/// disagree on which of two values of a key wins.
pub(super) fn mark(line: &[u8], dup_of: Option<&str>, size: usize, out: &mut Vec<u8>) {
    const MARKS: [&str; 2] = ["dup_of", "cluster_size"];
    let finder = |n: &[u8]| memchr::memmem::find(line, n).is_some();
    // Keys may be escaped (`"dup\u005fof"`): any escape is looked at.
    let stripped = (finder(b"dup_of") || finder(b"cluster_size") || finder(b"\\u"))
        .then(|| crate::doc::without_members(&line[..line.len() - 1], &MARKS))
        .flatten()
        .map(|mut l| {
            l.push(b'\n');
            l
        });
    let line = stripped.as_deref().unwrap_or(line);
    let end = line.len() - 2;
    out.extend_from_slice(&line[..end]);
    if line[end - 1] != b'{' {
        out.push(b',');
    }
    out.extend_from_slice(b"\"dup_of\":");
    serde_json::to_writer(&mut *out, &dup_of).expect("writing to a Vec");
    out.extend_from_slice(format!(",\"cluster_size\":{size}}}\n").as_bytes());
}

pub(super) fn write_cluster(
    w: &mut dyn Write,
    c: &Cluster,
    found: &Deduplication,
) -> std::io::Result<()> {
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

#[cfg(test)]
mod tests;
