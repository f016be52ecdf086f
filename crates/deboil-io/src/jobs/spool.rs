//! The dedup job's spool: each document's output line, written in pass one
//! and read back (in parts, in parallel) to sign, verify and write.

use std::collections::HashMap;
use std::io::Write;

use deboil_core::dedup::{Cluster, Deduplication};

use crate::doc::{FieldNames, text_in_line};
use crate::error::{Error, Result};

/// Where one batch's output lines lie in the spool.
pub(super) struct SpoolPart {
    /// The first document's index, and how many there are.
    pub first: usize,
    pub docs: usize,
    /// Byte offset and length in the spool.
    pub offset: u64,
    pub bytes: u64,
}

impl SpoolPart {
    /// Reads the part into `buf` and calls `f` with each document's index
    /// and line (its `\n` included).
    pub fn each_line(
        &self,
        spool: &std::fs::File,
        buf: &mut Vec<u8>,
        f: impl FnMut(usize, &[u8]) -> Result<()>,
    ) -> Result<()> {
        self.each_record(spool, buf, b'\n', f)
    }

    /// [`SpoolPart::each_line`] for records ending in `sep`.
    pub fn each_record(
        &self,
        spool: &std::fs::File,
        buf: &mut Vec<u8>,
        sep: u8,
        mut f: impl FnMut(usize, &[u8]) -> Result<()>,
    ) -> Result<()> {
        buf.resize(self.bytes as usize, 0);
        read_at(spool, buf, self.offset).map_err(|e| Error::io("spool file", e))?;
        let mut rest = &buf[..];
        for i in self.first..self.first + self.docs {
            let end = memchr::memchr(sep, rest).map_or(rest.len(), |p| p + 1);
            let (line, tail) = rest.split_at(end);
            rest = tail;
            f(i, line)?;
        }
        Ok(())
    }
}

impl SpoolPart {
    /// Reads the part into `buf` and calls `f` with each record
    /// [`write_framed`] wrote: its document's index and its two fields.
    /// (Not every document of a part need have one.)
    pub fn each_framed(
        &self,
        spool: &std::fs::File,
        buf: &mut Vec<u8>,
        mut f: impl FnMut(usize, &[u8], &[u8]) -> Result<()>,
    ) -> Result<()> {
        buf.resize(self.bytes as usize, 0);
        read_at(spool, buf, self.offset).map_err(|e| Error::io("spool file", e))?;
        let mut rest = &buf[..];
        let len = |b: &[u8]| u32::from_le_bytes(b[..4].try_into().expect("4 bytes")) as usize;
        for _ in 0..self.docs {
            let doc = u64::from_le_bytes(rest[..8].try_into().expect("8 bytes")) as usize;
            let (a, b) = (len(&rest[8..]), len(&rest[12..]));
            let (x, tail) = rest[16..].split_at(a);
            let (y, tail) = tail.split_at(b);
            rest = tail;
            f(doc, x, y)?;
        }
        Ok(())
    }
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

/// The texts of documents `docs` (sorted), each part that holds some read
/// once.
pub(super) fn texts_at(
    parts: &[SpoolPart],
    spool: &std::fs::File,
    docs: &[usize],
    names: &FieldNames,
) -> Result<HashMap<usize, String>> {
    let mut out = HashMap::new();
    let (mut buf, mut i) = (Vec::new(), 0);
    while i < docs.len() {
        let p = parts.partition_point(|p| p.first + p.docs <= docs[i]);
        let Some(part) = parts.get(p).filter(|p| p.first <= docs[i]) else {
            i += 1;
            continue;
        };
        let end = part.first + part.docs;
        let from = i;
        while i < docs.len() && docs[i] < end {
            i += 1;
        }
        let want = &docs[from..i];
        part.each_line(spool, &mut buf, |d, line| {
            if want.binary_search(&d).is_ok() {
                let line = std::str::from_utf8(line)
                    .map_err(|e| Error::io("spool file", std::io::Error::other(e)))?;
                out.insert(d, text_in_line(line, names).unwrap_or_default());
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// A document's text read back from its line in the spool (as transformed,
/// so as signed). JSONL inputs keep their text field's name; text files
/// write `text`.
pub(super) fn read_text(
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
