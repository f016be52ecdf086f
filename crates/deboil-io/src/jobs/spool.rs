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
    /// The part's lines left in the inputs.
    left: Left,
}

/// Lines of a part left in the inputs.
#[derive(Debug, Default)]
pub(super) struct Left {
    /// Empty, or for each document of the part, where its line lies in its
    /// input when it is not among the part's bytes.
    pub docs: Vec<Option<InInput>>,
    /// The pieces of those records that their lines are made of, in order.
    pub pieces: Vec<(u32, u32)>,
}

/// A document's line left in its input: its record's bytes with the blanks
/// between JSON tokens left out ([`pieces_of`]), and a `\n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct InInput {
    /// The input's index in the run.
    pub input: u32,
    /// Where the record's bytes start, and how many there are.
    pub offset: u64,
    pub len: u32,
    /// Its pieces end at this index of [`Left::pieces`].
    pub pieces_end: u32,
}

/// The most pieces a line left in its input may have (a line of more is
/// spooled).
pub(super) const MAX_PIECES: usize = 12;

/// Pieces of a record (offset in it, length).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Pieces {
    pub n: u8,
    pub at: [(u32, u32); MAX_PIECES],
}

impl Pieces {
    pub fn as_slice(&self) -> &[(u32, u32)] {
        &self.at[..self.n as usize]
    }
}

/// The pieces of `record` that make `line` (without its `\n`) when only
/// blanks are left out (JSON written as read but for the space between
/// tokens); `None` when it is not so made, or of too many pieces.
pub(super) fn pieces_of(record: &[u8], line: &[u8]) -> Option<Pieces> {
    let (mut i, mut j) = (0, 0);
    let mut pieces = Pieces::default();
    let mut start = 0;
    loop {
        let same = common_prefix(&record[i..], &line[j..]);
        i += same;
        j += same;
        if j == line.len() || !matches!(record.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            break;
        }
        if i > start {
            *pieces.at.get_mut(pieces.n as usize)? = (start as u32, (i - start) as u32);
            pieces.n += 1;
        }
        while matches!(record.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            i += 1;
        }
        start = i;
    }
    if j < line.len() {
        return None;
    }
    if i > start {
        *pieces.at.get_mut(pieces.n as usize)? = (start as u32, (i - start) as u32);
        pieces.n += 1;
    }
    Some(pieces)
}

/// How many bytes `a` and `b` start with in common.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    // The rest is often equal to the end (the text, after the last blank):
    // one `memcmp`, which also stops early at a difference.
    if a[..n] == b[..n] {
        return n;
    }
    let word = |s: &[u8], k: usize| u64::from_le_bytes(s[k..k + 8].try_into().expect("8 bytes"));
    let mut k = 0;
    // Short steps first: blanks lie a few bytes apart; then long stretches.
    for long in [false, true] {
        while long && k + 256 <= n && a[k..k + 256] == b[k..k + 256] {
            k += 256;
        }
        while k + 8 <= n && (long || k < 64) {
            let (x, y) = (word(a, k), word(b, k));
            if x != y {
                return k + ((x ^ y).trailing_zeros() / 8) as usize;
            }
            k += 8;
        }
    }
    // A difference is known to lie before `n`.
    while a[k] == b[k] {
        k += 1;
    }
    k
}

/// An input that lines are read back from: open from before the first read
/// (a file renamed over it later is not read), and what its metadata said
/// then, to notice a change.
struct Source {
    name: String,
    file: File,
    stamp: Stamp,
}

/// What says a file has not changed: its length, change times and inode.
#[derive(Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    changed: (i64, i64),
    inode: u64,
}

impl Stamp {
    fn of(file: &File) -> std::io::Result<Stamp> {
        let m = file.metadata()?;
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            ((m.ctime(), m.ctime_nsec()), m.ino())
        };
        #[cfg(not(unix))]
        let (changed, inode) = ((0, 0), 0);
        Ok(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            changed,
            inode,
        })
    }
}

impl Source {
    /// `input` opened to be read again, when it is a regular file whose
    /// bytes are its records' (not compressed, not stdin).
    fn open(input: &Input) -> Option<Source> {
        let path = input.path.as_deref().filter(|_| !input.is_stdin())?;
        let file = File::open(path).ok()?;
        let stamp = Stamp::of(&file).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let mut head = [0u8; 4];
        let n = head.len().min(stamp.len as usize);
        read_at(&file, &mut head[..n], 0).ok()?;
        // Compressed inputs are read through a decoder: offsets are not the file's.
        if head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            return None;
        }
        Some(Source {
            name: input.name.clone(),
            file,
            stamp,
        })
    }

    fn changed(&self) -> Error {
        Error::io(
            &self.name,
            std::io::Error::other(
                "the input changed while it was being deduplicated (its kept lines are read \
                 from it again); run again on a copy that does not change",
            ),
        )
    }
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
        for s in self.sources.iter().flatten() {
            if Stamp::of(&s.file).map_err(|e| Error::io(&s.name, e))? != s.stamp {
                return Err(s.changed());
            }
        }
        Ok(())
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
    /// first, to make room for it. `left`: the lines left in the inputs
    /// (then not among `bytes`).
    pub fn push(
        &mut self,
        first: usize,
        docs: usize,
        bytes: Vec<u8>,
        left: Left,
        other: u64,
    ) -> Result<()> {
        debug_assert!(left.docs.is_empty() || left.docs.len() == docs);
        let (offset, len) = (self.len(), bytes.len() as u64);
        let at = if self.held + len + other <= self.budget {
            self.held += len;
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
            left,
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
            self.file = Some(tempfile::tempfile().map_err(|e| Error::io("spool file", e))?);
        }
        let mut file = self.file.as_ref().expect("just made");
        file.write_all(bytes)
            .map_err(|e| Error::io("spool file", e))?;
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
                read_at(file, buf, *at).map_err(|e| Error::io("spool file", e))?;
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
        let mut rest = self.bytes_of(part, buf)?;
        let left = &part.left;
        if left.docs.is_empty() {
            for i in part.first..part.first + part.docs {
                f(i, next_spooled(&mut rest))?;
            }
            return Ok(());
        }
        let (mut i, mut line, mut first_piece) = (0, Vec::new(), 0);
        while i < part.docs {
            let Some(a) = left.docs[i] else {
                f(part.first + i, next_spooled(&mut rest))?;
                i += 1;
                continue;
            };
            // A run of lines left in one input: read with one call.
            let mut j = i + 1;
            while let Some(Some(b)) = left.docs.get(j) {
                if b.input != a.input {
                    break;
                }
                j += 1;
            }
            let last = left.docs[j - 1].expect("in the run");
            let source = self.sources[a.input as usize]
                .as_ref()
                .expect("lines left in a source");
            let last_end = last.offset + u64::from(last.len);
            // The byte after the last record too, to check it ends there.
            let end = (last_end + 1).min(source.stamp.len);
            if end < last_end {
                return Err(source.changed());
            }
            from_input.resize((end - a.offset) as usize, 0);
            read_at(&source.file, from_input, a.offset).map_err(|e| Error::io(&source.name, e))?;
            for k in i..j {
                let at = left.docs[k].expect("in the run");
                let from = (at.offset - a.offset) as usize;
                let to = from + at.len as usize;
                // A record starts after a line break (or first in its run)
                // and ends at one or at the end of its input: anything else
                // means the input changed.
                let ends = matches!(from_input.get(to), Some(b'\n' | b'\r') | None);
                if !ends || (from > 0 && from_input[from - 1] != b'\n') {
                    return Err(source.changed());
                }
                let record = &from_input[from..to];
                line.clear();
                for &(p, n) in &left.pieces[first_piece..at.pieces_end as usize] {
                    line.extend_from_slice(&record[p as usize..][..n as usize]);
                }
                first_piece = at.pieces_end as usize;
                line.push(b'\n');
                f(part.first + k, &line)?;
            }
            i = j;
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
                read_at(file, &mut line, at + from).map_err(|e| Error::io("spool file", e))?;
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
/// `cluster_size` added before its closing brace.
pub(super) fn mark(line: &[u8], dup_of: Option<&str>, size: usize, out: &mut Vec<u8>) {
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
