//! Lines left in the inputs instead of spooled: how each is made of its
//! record's bytes, where the record lies, and the input it is read again
//! from. A part's references take a few bytes a document, written after its
//! spooled lines: they count against the spool's memory budget and spill
//! with the part, so a run holds no more for a document than when spooling.

use std::fs::File;

use super::{next_spooled, read_at};
use crate::error::{Error, Result};
use crate::read::{BOM, Input};

/// Where a document's record lies in its input; its line is pieces of the
/// record's bytes (the blanks between JSON tokens and the lines the cleaner
/// cut left out: [`pieces_of`]), and a `\n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::jobs) struct InInput {
    /// The input's index in the run.
    pub input: u32,
    /// How many bytes the record has, and where they start.
    pub len: u32,
    pub offset: u64,
}

/// The most pieces a line left in its input may have (a line of more is
/// spooled): the blanks of a record of a few fields, and a few dozen lines
/// the cleaner cut.
pub(in crate::jobs) const MAX_PIECES: usize = 32;

/// Pieces of a record (offset in it, length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::jobs) struct Pieces {
    pub n: u8,
    pub at: [(u32, u32); MAX_PIECES],
}

impl Default for Pieces {
    fn default() -> Pieces {
        Pieces {
            n: 0,
            at: [(0, 0); MAX_PIECES],
        }
    }
}

impl Pieces {
    /// The pieces of a record that are its runs between blanks.
    pub fn of_runs(runs: &crate::json_str::Runs) -> Pieces {
        let mut p = Pieces {
            n: runs.n,
            ..Pieces::default()
        };
        p.at[..runs.at.len()].copy_from_slice(&runs.at);
        p
    }

    pub fn as_slice(&self) -> &[(u32, u32)] {
        &self.at[..self.n as usize]
    }

    /// Ends a piece at `end` that started at `start`, if it holds a byte;
    /// `None` when there is no room for it.
    fn push(&mut self, start: usize, end: usize) -> Option<()> {
        if end > start {
            *self.at.get_mut(self.n as usize)? = (start as u32, (end - start) as u32);
            self.n += 1;
        }
        Some(())
    }
}

/// The pieces of `record` that make `line` (without its `\n`) when the
/// blanks between JSON tokens and stretches the line does not hold are left
/// out, in order: a record written as read but for those blanks, or whose
/// text lost lines to the cleaner (`run`), so that its line need not be
/// spooled. `None` when it is not so made, or of too many pieces.
///
/// After each stretch in common, the line goes on either past the blanks
/// there or at the next place in the record that holds its next bytes
/// ([`probe`]); a wrong place taken first only costs pieces or a `None`:
/// every piece is compared, so the pieces always make the line.
pub(in crate::jobs) fn pieces_of(record: &[u8], line: &[u8]) -> Option<Pieces> {
    let blank = |b: Option<&u8>| matches!(b, Some(b' ' | b'\t' | b'\r' | b'\n'));
    let (mut i, mut j) = (0, 0);
    let mut pieces = Pieces::default();
    let mut start = 0;
    loop {
        let same = common_prefix(&record[i..], &line[j..]);
        i += same;
        j += same;
        if j == line.len() {
            break;
        }
        pieces.push(start, i)?;
        if blank(record.get(i)) {
            while blank(record.get(i)) {
                i += 1;
            }
        } else {
            i += memchr::memmem::find(record.get(i..)?, probe(&line[j..]))?;
        }
        start = i;
    }
    pieces.push(start, i)?;
    Some(pieces)
}

/// The bytes of `rest` (not empty) that [`pieces_of`] looks for in the
/// record to go on after a stretch cut: up to 32, and before the first
/// `"` or escape after the first byte (the text's closing quote, which
/// the record may have after blank lines cut, or blanks between tokens;
/// the `\n` that ends a kept line, which the record may have followed by
/// a line cut).
fn probe(rest: &[u8]) -> &[u8] {
    let cap = rest.len().min(32);
    match memchr::memchr2(b'"', b'\\', &rest[1..cap]) {
        Some(k) => &rest[..k + 1],
        None => &rest[..cap],
    }
}

/// How many bytes `a` and `b` start with in common.
pub(super) fn common_prefix(a: &[u8], b: &[u8]) -> usize {
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
pub(in crate::jobs) struct Source {
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
    pub(in crate::jobs) fn open(input: &Input) -> Option<Source> {
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
        if crate::read::is_gzip(&head[..n]) || crate::read::is_zstd(&head[..n]) {
            return None;
        }
        Some(Source {
            name: input.name.clone(),
            file,
            stamp,
        })
    }

    /// Fails if the input has changed since it was opened.
    pub(in crate::jobs) fn check(&self) -> Result<()> {
        if Stamp::of(&self.file).map_err(|e| Error::io(&self.name, e))? != self.stamp {
            return Err(self.changed());
        }
        Ok(())
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

/// Appends `n` as LEB128.
fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Takes a LEB128 number off the front of `b` (written by [`put_varint`]).
fn take_varint(b: &mut &[u8]) -> u64 {
    let (mut n, mut shift) = (0u64, 0);
    loop {
        let byte = b[0];
        *b = &b[1..];
        n |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return n;
        }
        shift += 7;
    }
}

impl InInput {
    /// Writes where the record lies (16 bytes), then `pieces` compactly
    /// (their count, then each one's gap after the last and length): a
    /// worker's stand-in for the line, read by [`Refs::left`].
    pub fn write_with(&self, pieces: &Pieces, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.input.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.push(pieces.n);
        let mut end = 0;
        for &(at, n) in pieces.as_slice() {
            put_varint(out, u64::from(at - end));
            put_varint(out, u64::from(n));
            end = at + n;
        }
    }
}

/// A part's references to lines left in the inputs, as built in order: from
/// the first document left on, each document's tag, 0 when it is spooled;
/// 1 when left, then its input and offset; `2 + d` when left in the input
/// of the last one left, `d` bytes after that one's record. A left one's
/// record length and its pieces (as [`InInput::write_with`] writes them)
/// follow its tag. Empty when
/// no line of the part is left.
#[derive(Debug, Default)]
pub(in crate::jobs) struct Refs {
    bytes: Vec<u8>,
    /// Documents spooled before the first one left (they need no tag while
    /// none is left).
    before: usize,
    /// The last record left: its input and where it ends.
    last: Option<(u32, u64)>,
}

impl Refs {
    /// The next document is spooled.
    pub fn spooled(&mut self) {
        match self.last {
            None => self.before += 1,
            Some(_) => self.bytes.push(0),
        }
    }

    /// The next document's line is left in its input: `written` as
    /// [`InInput::write_with`] wrote it.
    pub fn left(&mut self, written: &[u8]) {
        let (head, pieces) = written.split_at(16);
        let word = |i: usize| u32::from_le_bytes(head[i..i + 4].try_into().expect("4 bytes"));
        let at = InInput {
            input: word(0),
            len: word(4),
            offset: u64::from_le_bytes(head[8..].try_into().expect("8 bytes")),
        };
        match self.last {
            Some((input, end)) if input == at.input && at.offset >= end => {
                put_varint(&mut self.bytes, 2 + (at.offset - end));
            }
            last => {
                if last.is_none() {
                    self.bytes.resize(self.before, 0);
                }
                self.bytes.push(1);
                put_varint(&mut self.bytes, u64::from(at.input));
                put_varint(&mut self.bytes, at.offset);
            }
        }
        put_varint(&mut self.bytes, u64::from(at.len));
        self.bytes.extend_from_slice(pieces);
        self.last = Some((at.input, at.offset + u64::from(at.len)));
    }

    /// Appends the references to `bytes` (after the part's spooled lines);
    /// returns how many bytes they take.
    pub fn append_to(self, bytes: &mut Vec<u8>) -> u64 {
        bytes.extend_from_slice(&self.bytes);
        self.bytes.len() as u64
    }
}

/// [`Refs`] read back, a document at a time (cloned to look ahead).
#[derive(Clone)]
struct Cursor<'a> {
    rest: &'a [u8],
    /// The last record left: its input and where it ends.
    last: Option<(u32, u64)>,
}

impl<'a> Cursor<'a> {
    /// The next document: `None` when spooled, else where its record lies
    /// and its pieces (as [`InInput::write_with`] wrote them).
    fn next(&mut self) -> Option<(InInput, &'a [u8])> {
        let tag = take_varint(&mut self.rest);
        let (input, offset) = match (tag, self.last) {
            (0, _) => return None,
            (1, _) => {
                let input = take_varint(&mut self.rest) as u32;
                (input, take_varint(&mut self.rest))
            }
            (d, Some((input, end))) => (input, end + d - 2),
            (_, None) => unreachable!("a relative reference first"),
        };
        let len = take_varint(&mut self.rest) as u32;
        let all = self.rest;
        let n = self.rest[0];
        self.rest = &self.rest[1..];
        for _ in 0..2 * n {
            take_varint(&mut self.rest);
        }
        self.last = Some((input, offset + u64::from(len)));
        let pieces = &all[..all.len() - self.rest.len()];
        Some((InInput { input, len, offset }, pieces))
    }
}

/// Calls `f` with each document's index and line (its `\n` included) of a
/// part of `docs` documents from `first` on, some of whose lines are left
/// in the inputs (`sources`): `lines` holds its spooled lines, `refs` the
/// others' [`Refs`]. Lines left are read into `from_input`, a run of them
/// in one input with one call.
pub(in crate::jobs) fn each_line_left(
    sources: &[Option<Source>],
    (first, docs): (usize, usize),
    mut lines: &[u8],
    refs: &[u8],
    from_input: &mut Vec<u8>,
    mut f: impl FnMut(usize, &[u8]) -> Result<()>,
) -> Result<()> {
    let mut cursor = Cursor {
        rest: refs,
        last: None,
    };
    let (mut i, mut line) = (0, Vec::new());
    while i < docs {
        let mut ahead = cursor.clone();
        let Some((a, _)) = ahead.next() else {
            cursor = ahead;
            f(first + i, next_spooled(&mut lines))?;
            i += 1;
            continue;
        };
        // The run of records left in `a`'s input from `a` on: `i..j`.
        let (mut j, mut last) = (i + 1, a);
        while j < docs {
            match ahead.clone().next() {
                Some((b, _)) if b.input == a.input && b.offset >= last.offset => {
                    ahead.next();
                    (j, last) = (j + 1, b);
                }
                _ => break,
            }
        }
        let source = sources[a.input as usize]
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
            let (at, mut pieces) = cursor.next().expect("in the run");
            let from = (at.offset - a.offset) as usize;
            let to = from + at.len as usize;
            // A record starts after a line break (or first in its run),
            // or after a byte order mark that does (files joined with
            // `cat` keep each one's), and ends at a line break or at the
            // end of its input: anything else means the input changed.
            let ends = matches!(from_input.get(to), Some(b'\n' | b'\r') | None);
            let before = match from_input[..from].strip_suffix(BOM) {
                Some(b) => b,
                None => &from_input[..from],
            };
            let starts = before.last().is_none_or(|&c| c == b'\n');
            if !ends || !starts {
                return Err(source.changed());
            }
            let record = &from_input[from..to];
            let n = pieces[0];
            pieces = &pieces[1..];
            let mut p = 0;
            line.clear();
            for _ in 0..n {
                p += take_varint(&mut pieces) as usize;
                let len = take_varint(&mut pieces) as usize;
                line.extend_from_slice(&record[p..][..len]);
                p += len;
            }
            line.push(b'\n');
            f(first + k, &line)?;
        }
        i = j;
    }
    Ok(())
}
