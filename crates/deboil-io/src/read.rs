//! Reading inputs: paths or stdin, gzip/zstd by magic bytes, framed into records.
//!
//! A JSONL input yields one record a line; any other input is one document.
//! Records that cannot be read (too long, a broken compressed stream) come out
//! as [`RawRecord`]s with an error so the caller decides whether to skip them.

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::{Deref, Range};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::progress::Counted;

/// How an input is framed into documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object a line.
    Jsonl,
    /// The whole input is one document.
    Text,
}

/// Which format to assume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FormatChoice {
    /// By extension (`.jsonl`, `.ndjson`, `.json` → JSONL); stdin by its first byte.
    #[default]
    Auto,
    /// This format for every input.
    Fixed(Format),
}

/// The name stdin goes by in messages.
const STDIN_NAME: &str = "<stdin>";

/// How a path is named in ids and messages: as it is when it is UTF-8;
/// otherwise each byte that is not UTF-8 as `\xNN` and each `\` as `\\`,
/// so that two names that differ only in such bytes stay two names (a
/// lossy `�` made `a\xff.txt` and `a\xfe.txt` one id, one baseline key).
pub fn path_name(p: &Path) -> String {
    let bytes = p.as_os_str().as_encoded_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// `s` with its control characters but tabs escaped (`\n`, `\u{1b}`): a
/// name holding a line break would split a message or a finding over two
/// lines, and an escape sequence would reach the terminal.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    let shown = |c: char| c == '\t' || !c.is_control();
    if s.chars().all(shown) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match shown(c) {
            true => out.push(c),
            false => out.extend(c.escape_default()),
        }
    }
    out.into()
}

/// How a path is named in messages (`FILE: cannot read ...`): as in ids
/// ([`path_name`]), its control characters escaped too ([`one_line`]), as
/// `check` shows names in findings.
pub fn shown_name(p: &Path) -> String {
    one_line(&path_name(p)).into_owned()
}

/// How a file named on the command line goes in ids and messages:
/// [`path_name`], but a file named `<stdin>` is `./<stdin>`, so that it is
/// not taken for stdin (no site, no format by name) nor shares its ids and
/// baseline keys.
pub fn input_name(p: &Path) -> String {
    let name = path_name(p);
    match name == STDIN_NAME {
        true => format!("./{name}"),
        false => name,
    }
}

/// One input: a file or stdin.
#[derive(Debug, Clone)]
pub struct Input {
    /// `None` for stdin.
    pub path: Option<PathBuf>,
    /// Its path in a mirrored output tree: relative to the directory it was
    /// found under, or for a file named itself, its relative path as given
    /// (without `..`), else its name.
    pub relative: PathBuf,
    /// How to name it in messages and ids.
    pub name: String,
}

impl Input {
    /// Standard input.
    pub fn stdin() -> Input {
        Input {
            path: None,
            relative: PathBuf::from("stdin"),
            name: STDIN_NAME.to_string(),
        }
    }

    /// Stdin, spooled to the file `path` so that it can be read twice.
    pub fn spooled_stdin(path: PathBuf) -> Input {
        Input {
            path: Some(path),
            ..Input::stdin()
        }
    }

    /// Whether this is stdin, also once spooled to a temporary file.
    pub fn is_stdin(&self) -> bool {
        self.path.is_none() || self.name == STDIN_NAME
    }

    /// The name of the directory holding the input, the fallback site: taken
    /// from its absolute path, so `p.jsonl`, `./p.jsonl` and `/d/p.jsonl`
    /// agree (`..` is resolved by name, symbolic links are not followed).
    /// Empty for stdin, spooled or not.
    pub fn parent_name(&self) -> String {
        self.absolute_path()
            .and_then(|p| p.parent()?.file_name().map(|n| path_name(Path::new(n))))
            .unwrap_or_default()
    }

    /// The input's absolute path, `.` and `..` resolved by name (symbolic
    /// links are not followed); `None` for stdin, spooled or not.
    pub fn absolute_path(&self) -> Option<PathBuf> {
        let path = self.path.as_deref().filter(|_| !self.is_stdin())?;
        Some(resolve_by_name(&std::path::absolute(path).ok()?))
    }

    /// The format of this input, by extension, for [`FormatChoice::Auto`].
    pub fn format_by_name(&self) -> Option<Format> {
        // Stdin has no name to go by, also once spooled to a temporary file.
        if self.is_stdin() {
            return None;
        }
        let path = self.path.as_deref()?;
        // A pipe (`<(zcat x.jsonl.gz)`) or `/dev/stdin` is named by the
        // shell, not by its content: sniffed as stdin is.
        if is_stream(path) || path.starts_with("/dev") {
            return None;
        }
        let mut name = path.file_name()?.to_string_lossy().to_lowercase();
        for ext in [".gz", ".zst", ".zstd"] {
            if let Some(stem) = name.strip_suffix(ext) {
                name = stem.to_string();
            }
        }
        Some(
            if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
                Format::Jsonl
            } else {
                Format::Text
            },
        )
    }
}

/// Stdin copied to a temp file; the file is removed when this drops, and on
/// a signal (see [`crate::cleanup`]).
#[derive(Debug)]
pub struct Spool {
    // Declared first: deleted before it is unregistered.
    path: tempfile::TempPath,
    _registered: crate::cleanup::Registered,
}

impl Spool {
    /// Where stdin was copied.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether `path` is something other than a regular file or a directory
/// (a pipe, a device, a socket), which can be read only once.
fn is_stream(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Refuses an input that can be read only once (a pipe such as
/// `<(zcat x)` or `/dev/stdin`, a device), for a command that reads its
/// inputs twice: the second read would find it empty. Stdin itself is
/// spooled instead ([`spool_stdin`]).
pub fn refuse_streams(inputs: &[Input]) -> io::Result<()> {
    match inputs
        .iter()
        .find(|i| !i.is_stdin() && i.path.as_deref().is_some_and(is_stream))
    {
        Some(i) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is a pipe or a device, not a file, and this command reads its inputs twice; \
                 give a file, or send it to stdin (`... | deboil ...`), which is spooled",
                i.name
            ),
        )),
        None => Ok(()),
    }
}

/// Replaces stdin among `inputs` by a copy spooled to a temp file (in the
/// system's temp directory), so it can be read twice; refuses other inputs
/// that cannot be ([`refuse_streams`]).
pub fn spool_stdin(inputs: &mut [Input]) -> io::Result<Option<Spool>> {
    refuse_streams(inputs)?;
    let Some(slot) = inputs.iter_mut().find(|i| i.path.is_none()) else {
        return Ok(None);
    };
    let mut registered = None;
    let mut f = tempfile::Builder::new()
        .prefix(".deboil-stdin-")
        .make(|path| {
            let (f, r) = crate::cleanup::create_registered(path, |p| {
                let mut o = std::fs::OpenOptions::new();
                o.read(true).write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
                o.open(p)
            })?;
            registered = Some(r);
            Ok(f)
        })?;
    // On an error `f` drops (deleting the file) before `registered`.
    io::copy(&mut io::stdin().lock(), &mut f)?;
    let spool = Spool {
        path: f.into_temp_path(),
        _registered: registered.expect("set on success"),
    };
    *slot = Input::spooled_stdin(spool.path.to_path_buf());
    Ok(Some(spool))
}

/// Expands the command line's paths into inputs: directories are walked in
/// sorted order (hidden entries and rule files, `*.toml` or compressed
/// `*.toml.gz`, skipped), `-` is stdin,
/// no path at all is stdin.
pub fn collect_inputs(paths: &[PathBuf]) -> io::Result<Vec<Input>> {
    collect_inputs_noting(paths, &mut Vec::new())
}

/// [`collect_inputs`], also noting in `passed_over` the entries of walked
/// directories that are not read, with why: a symbolic link to a directory
/// (not followed) or to nothing, a pipe, a socket or a device, a saved dedup
/// index. Hidden entries are not noted.
pub fn collect_inputs_noting(
    paths: &[PathBuf],
    passed_over: &mut Vec<(PathBuf, &'static str)>,
) -> io::Result<Vec<Input>> {
    let mut out = Vec::new();
    if paths.is_empty() {
        out.push(Input::stdin());
    }
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::stdin());
            continue;
        }
        let meta = std::fs::metadata(p)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", shown_name(p))))?;
        if meta.is_dir() {
            walk(p, p, &mut out, passed_over)?;
        } else {
            out.push(Input {
                path: Some(p.clone()),
                relative: mirrored_path(p),
                name: input_name(p),
            });
        }
    }
    Ok(out)
}

/// Where a file named on the command line goes in a mirrored tree: a
/// relative path that stays below the current directory keeps its folders
/// (so `a/x.txt` and `b/x.txt` stay apart), any other path only its name.
fn mirrored_path(p: &Path) -> PathBuf {
    use std::path::Component;
    if stays_below(p) {
        p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect()
    } else {
        PathBuf::from(p.file_name().unwrap_or(p.as_os_str()))
    }
}

/// Whether `p` is a relative path without `..`: one that names a place
/// below the current directory.
pub(crate) fn stays_below(p: &Path) -> bool {
    use std::path::Component;
    p.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<Input>,
    passed_over: &mut Vec<(PathBuf, &'static str)>,
) -> io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", shown_name(dir))))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", shown_name(dir))))?;
    entries.sort();
    for p in entries {
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let ft = std::fs::symlink_metadata(&p)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", shown_name(&p))))?
            .file_type();
        if ft.is_dir() && crate::index::is_index_dir(&p) {
            // Its files are no documents (a run that keeps its index beside
            // the data read them as such, and stopped at the first).
            passed_over.push((p, "a saved dedup index, not data"));
        } else if ft.is_dir() {
            walk(root, &p, out, passed_over)?;
        } else if crate::rule_files::is_rule_file_name(&p) {
            // Rules, never documents: learned rules kept beside the data
            // (`learn data/ -o data/learned.toml`) were read as a page.
            continue;
        } else if ft.is_file() || (ft.is_symlink() && p.is_file()) {
            out.push(Input {
                relative: p.strip_prefix(root).unwrap_or(&p).to_path_buf(),
                name: path_name(&p),
                path: Some(p),
            });
        } else if ft.is_symlink() {
            let why = match p.is_dir() {
                true => "a symbolic link to a directory (not followed)",
                false => "a symbolic link to nothing",
            };
            passed_over.push((p, why));
        } else {
            passed_over.push((p, "not a regular file"));
        }
    }
    Ok(())
}

/// Whether `head`, a file's first bytes, starts a gzip stream.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

/// Whether `head`, a file's first bytes, starts a zstd stream: a frame, or
/// a skippable frame (magic 0x184D2A50 to 0x184D2A5F, little-endian), which
/// `pzstd` and seekable zstd write first and `zstd -d` reads past.
pub fn is_zstd(head: &[u8]) -> bool {
    head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
        || (head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18])
}

/// Opens an input, undoing gzip (all members) or zstd (all frames) when its
/// first bytes say so, whatever its name.
pub fn open(input: &Input) -> io::Result<Box<dyn BufRead + Send>> {
    // Counted before decompression: progress is in bytes of the files.
    let raw: Box<dyn Read + Send> = match &input.path {
        None => Box::new(Counted(io::stdin())),
        Some(p) => Box::new(Counted(File::open(p)?)),
    };
    decompressed(raw)
}

/// `raw` read through gzip (all members) or zstd (all frames) when its
/// first bytes say so, else as it is.
pub fn decompressed(raw: impl Read + Send + 'static) -> io::Result<Box<dyn BufRead + Send>> {
    let mut buf = BufReader::with_capacity(256 * 1024, raw);
    let head = buf.fill_buf()?;
    Ok(if is_gzip(head) {
        Box::new(BufReader::with_capacity(256 * 1024, GzMembers::new(buf)))
    } else if is_zstd(head) {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            zstd::stream::read::Decoder::with_buffer(buf)?,
        ))
    } else {
        Box::new(buf)
    })
}

/// All the gzip members of a stream, one after another, as
/// `MultiGzDecoder` reads them, but with zero bytes after a member taken as
/// padding (tape and block tools pad so), as `gzip -d` and Python's `gzip`
/// take them: they were read as a member with a bad header, which stopped
/// the run on a file those tools read whole. Anything else after a member
/// is read as a member, and a bad one is an error.
struct GzMembers<R: BufRead> {
    member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> GzMembers<R> {
    fn new(r: R) -> Self {
        GzMembers {
            member: Some(flate2::bufread::GzDecoder::new(r)),
        }
    }
}

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = self.member.as_mut() else {
                return Ok(0);
            };
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The member ended: skip padding, then the next member or the end.
            let mut r = self.member.take().expect("a member").into_inner();
            loop {
                let rest = r.fill_buf()?;
                if rest.is_empty() {
                    return Ok(0);
                }
                let zeros = rest.iter().take_while(|&&b| b == 0).count();
                if zeros == 0 {
                    break;
                }
                r.consume(zeros);
            }
            self.member = Some(flate2::bufread::GzDecoder::new(r));
        }
    }
}

/// A record as read, before parsing.
#[derive(Debug)]
pub struct RawRecord {
    /// The input it came from.
    pub input: Arc<SourceInfo>,
    /// 1-based line of the record in its input (1 for a text document).
    pub line: u64,
    /// Where `bytes` start in the input as read (after decompression and
    /// any byte order mark): a plain file's record can be read again there.
    pub offset: u64,
    /// The record's bytes (a JSONL line without its line break, or a whole file).
    pub bytes: Lent,
    /// Set when the record could not be read whole.
    pub error: Option<String>,
}

/// A record's bytes, lent from the buffer its batch was read into: the
/// reader copies no record out of it. The buffer goes back to the reader
/// (or is freed) with the last record of the batch.
#[derive(Clone, Default)]
pub struct Lent {
    buf: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl Deref for Lent {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.buf[self.range.clone()]
    }
}

impl From<Vec<u8>> for Lent {
    fn from(bytes: Vec<u8>) -> Lent {
        Lent {
            range: 0..bytes.len(),
            buf: Arc::new(bytes),
        }
    }
}

impl fmt::Debug for Lent {
    // The record's bytes, not the whole batch's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// How [`RawRecord::error`] starts when the input itself broke (a damaged or
/// cut-short compressed file, a failed read): the rest of the input is lost.
pub const UNREADABLE: &str = "cannot read input";

/// What every record of one input shares.
///
/// Aligned to 128 bytes so that, behind an [`Arc`], the fields start on a
/// cache line (a pair of lines, for the adjacent-line prefetch) apart from
/// the reference counts: the reader clones the `Arc` for every record and
/// the writer drops it, while the workers read `fallback_site` and `format`
/// of every record; sharing a line, each of those reads missed.
#[derive(Debug)]
#[repr(align(128))]
pub struct SourceInfo {
    /// The input.
    pub input: Input,
    /// How it is framed.
    pub format: Format,
    /// Whether the format was taken from the input's name (`--format auto`
    /// on a named file), rather than given or sniffed from its content.
    pub by_name: bool,
    /// Index of the input in the run, in order.
    pub index: usize,
    /// The site of documents that name none (see [`crate::site`]).
    pub fallback_site: String,
}

/// Bytes asked of the input at a time: the capacity of [`open`]'s readers,
/// so that they hand over what they have not buffered without copying it.
const CHUNK: usize = 256 * 1024;

/// What a record costs in a batch beyond its bytes, for batches of many
/// small records to stay small too.
const RECORD_COST: usize = 64;

/// A batch of records being read: the input is read straight into one
/// buffer, and each record is a range of it, lent out when the batch is
/// taken. The unfinished record at the end is carried over to the next
/// batch's buffer.
pub struct Batch {
    /// All initialised, so that reads need not clear it first; read into up
    /// to `filled`.
    buf: Vec<u8>,
    filled: usize,
    /// Bytes of `buf` done with: framed into records, or skipped (line
    /// breaks, blank and over-long lines). From here to `filled` is the
    /// current input's unfinished record.
    framed: usize,
    records: Vec<Framed>,
    /// Batches are taken at about this many bytes.
    size: usize,
    /// The buffers lent out, oldest first, to be read into again once their
    /// records are dropped: a new one would be cleared first, one more pass
    /// over memory a batch.
    lent: VecDeque<Arc<Vec<u8>>>,
}

/// The largest batch size used (output does not depend on it).
const MAX_BATCH: usize = 1 << 30;

/// Buffers kept in [`Batch::lent`]: more than the batches in flight in
/// [`crate::pipeline`], so that the oldest is free again when it comes up.
const KEPT: usize = 8;

/// A record framed into a [`Batch`], before its buffer is shared.
struct Framed {
    input: Arc<SourceInfo>,
    line: u64,
    offset: u64,
    range: Range<usize>,
    error: Option<String>,
}

impl Batch {
    /// An empty batch, to be taken at about `size` bytes.
    pub fn new(size: usize) -> Batch {
        Batch {
            // Allocated at the first read.
            buf: Vec::new(),
            filled: 0,
            framed: 0,
            records: Vec::new(),
            // Never 0: a batch is taken with something in it. At most
            // MAX_BATCH: each batch's buffer is allocated at its size.
            size: size.clamp(1, MAX_BATCH),
            lent: VecDeque::new(),
        }
    }

    /// A buffer for a batch of `size` bytes that starts with `carried`
    /// bytes, with room for a read.
    fn capacity(size: usize, carried: usize) -> usize {
        size.max(carried) + CHUNK
    }

    /// Whether no record has been framed since the last take.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The records framed so far, lending the buffer they were read into;
    /// the unfinished record moves to the start of a new buffer.
    pub fn take(&mut self) -> Vec<RawRecord> {
        let carried = self.filled - self.framed;
        let mut next = Vec::new();
        if carried > 0 {
            next = self.reuse(Batch::capacity(self.size, carried));
            next[..carried].copy_from_slice(&self.buf[self.framed..self.filled]);
        }
        let buf = Arc::new(std::mem::replace(&mut self.buf, next));
        // One grown for a long record is not kept.
        if buf.len() == Batch::capacity(self.size, 0) {
            self.lent.push_back(buf.clone());
        }
        self.filled = carried;
        self.framed = 0;
        self.records
            .drain(..)
            .map(|f| RawRecord {
                input: f.input,
                line: f.line,
                offset: f.offset,
                bytes: Lent {
                    buf: buf.clone(),
                    range: f.range,
                },
                error: f.error,
            })
            .collect()
    }

    /// A buffer of at least `len` bytes: the oldest lent out, when its
    /// records are all dropped, else a new one.
    fn reuse(&mut self, len: usize) -> Vec<u8> {
        if let Some(oldest) = self.lent.pop_front() {
            match Arc::try_unwrap(oldest) {
                Ok(mut buf) => {
                    if buf.len() < len {
                        buf.resize(len, 0);
                    }
                    return buf;
                }
                Err(oldest) if self.lent.len() + 1 < KEPT => self.lent.push_front(oldest),
                // Still in use after so many batches: left to its records.
                Err(_) => {}
            }
        }
        vec![0; len]
    }

    /// Whether enough is framed for the batch to be taken.
    fn full(&self) -> bool {
        self.framed + RECORD_COST * self.records.len() >= self.size
    }

    /// Whether the batch is to be taken before reading on: full, or out of
    /// room for a read while something is framed (else the buffer grows).
    fn due(&self) -> bool {
        (self.framed > 0 || !self.records.is_empty())
            && (self.full() || self.buf.len() - self.filled < CHUNK)
    }

    /// The current input's unfinished record.
    fn tail(&self) -> &[u8] {
        &self.buf[self.framed..self.filled]
    }

    /// Reads on from `reader` into the buffer, making room first when the
    /// unfinished record fills it; 0 at the end of input.
    fn read_from(&mut self, reader: &mut dyn Read) -> io::Result<usize> {
        if self.buf.is_empty() {
            self.buf = self.reuse(Batch::capacity(self.size, 0));
        } else if self.buf.len() - self.filled < CHUNK {
            let grown = self.buf.len() * 2;
            self.buf.resize(grown, 0);
        }
        let end = self.filled + CHUNK;
        loop {
            match reader.read(&mut self.buf[self.filled..end]) {
                Ok(n) => {
                    self.filled += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Frames an opened input into records.
pub struct Records {
    reader: Box<dyn BufRead + Send>,
    source: Arc<SourceInfo>,
    max_bytes: usize,
    /// The line of the last record framed.
    line: u64,
    /// Where the unfinished record starts in the input as read.
    start: u64,
    /// Bytes at the start of the unfinished record already searched for a
    /// line break.
    seen: usize,
    /// Bytes of an over-long line already read and dropped: it is skipped
    /// to its end, not held.
    dropped: u64,
    done: bool,
}

impl Records {
    /// Opens `input` and sniffs its format when `choice` is `Auto`; its
    /// documents that name no site get `fallback_site`.
    pub fn open(
        input: Input,
        index: usize,
        choice: FormatChoice,
        max_bytes: usize,
        fallback_site: String,
    ) -> io::Result<Records> {
        let mut reader = open(&input)?;
        let (format, by_name) = match choice {
            FormatChoice::Fixed(f) => (f, false),
            FormatChoice::Auto => match input.format_by_name() {
                Some(f) => (f, true),
                None => (sniff(&mut reader)?, false),
            },
        };
        Ok(Records {
            reader,
            source: Arc::new(SourceInfo {
                fallback_site,
                input,
                format,
                by_name,
                index,
            }),
            max_bytes,
            line: 0,
            start: 0,
            seen: 0,
            dropped: 0,
            done: false,
        })
    }

    /// The input these records come from.
    pub fn source(&self) -> &Arc<SourceInfo> {
        &self.source
    }

    /// Reads records into `batch` until the input ends (`true`) or the batch
    /// is to be taken (`false`: take it, then call again). A broken input
    /// ends with a record whose error starts with [`UNREADABLE`].
    pub fn fill(&mut self, batch: &mut Batch) -> bool {
        loop {
            if !self.done {
                match self.source.format {
                    Format::Jsonl => self.frame_lines(batch),
                    Format::Text => self.frame_text(batch),
                }
            }
            if batch.due() {
                return false;
            }
            if self.done {
                return true;
            }
            match batch.read_from(&mut self.reader) {
                Ok(0) => self.end(batch),
                Ok(_) => {}
                Err(e) => {
                    // The rest of the input is one bad record.
                    batch.filled = batch.framed;
                    self.done = true;
                    self.line += 1;
                    let error = format!("{UNREADABLE}: {e}");
                    let at = batch.framed;
                    self.push(batch, self.start, at..at, Some(error));
                }
            }
        }
    }

    /// Frames `range` of the buffer as a record of the current line that
    /// starts at `offset` in the input.
    fn push(&self, batch: &mut Batch, offset: u64, range: Range<usize>, error: Option<String>) {
        batch.records.push(Framed {
            input: self.source.clone(),
            line: self.line,
            offset,
            range,
            error,
        });
    }

    /// Frames the complete lines read, until the batch is full.
    fn frame_lines(&mut self, batch: &mut Batch) {
        while !batch.full() {
            let tail = batch.tail();
            match memchr::memchr(b'\n', &tail[self.seen..]) {
                Some(i) => self.end_line(batch, self.seen + i, 1),
                None if self.dropped > 0 || tail.len() > self.max_bytes => {
                    // Too long: dropped as read, reported at its end.
                    self.dropped += tail.len() as u64;
                    batch.framed = batch.filled;
                    self.seen = 0;
                    return;
                }
                None => {
                    self.seen = tail.len();
                    return;
                }
            }
        }
    }

    /// Frames the unfinished record's first `len` bytes as a line, which
    /// `brk` bytes of line break follow.
    fn end_line(&mut self, batch: &mut Batch, len: usize, brk: usize) {
        self.line += 1;
        let (from, to) = (batch.framed, batch.framed + len);
        let whole = self.dropped + len as u64;
        if whole > self.max_bytes as u64 {
            let error = format!("record longer than --max-doc-bytes ({})", self.max_bytes);
            self.push(batch, self.start, from..from, Some(error));
        } else {
            let mut range = from..to;
            if batch.buf[range.clone()].ends_with(b"\r") {
                range.end -= 1;
            }
            // On any line: files joined with `cat` keep each one's mark. The
            // record starts after it, for pass two's reading again.
            let mut offset = self.start;
            if batch.buf[range.clone()].starts_with(BOM) {
                range.start += BOM.len();
                offset += BOM.len() as u64;
            }
            // Blank lines between records are not records.
            if !batch.buf[range.clone()].iter().all(u8::is_ascii_whitespace) {
                self.push(batch, offset, range, None);
            }
        }
        batch.framed = to + brk;
        self.start += whole + brk as u64;
        self.dropped = 0;
        self.seen = 0;
    }

    /// A text document is framed at the end of its input; one too long is
    /// reported as soon as it is, and the rest of its input left unread.
    fn frame_text(&mut self, batch: &mut Batch) {
        if batch.tail().len() > self.max_bytes {
            self.done = true;
            self.line = 1;
            batch.framed = batch.filled;
            let at = batch.framed;
            let error = format!("document longer than --max-doc-bytes ({})", self.max_bytes);
            self.push(batch, 0, at..at, Some(error));
        }
    }

    /// At the end of the input: frames its last record.
    fn end(&mut self, batch: &mut Batch) {
        self.done = true;
        let len = batch.tail().len();
        match self.source.format {
            Format::Jsonl if len > 0 || self.dropped > 0 => self.end_line(batch, len, 0),
            Format::Jsonl => {}
            Format::Text => {
                self.line = 1;
                let mut range = batch.framed..batch.filled;
                let mut offset = 0;
                // No part of the text.
                if batch.tail().starts_with(BOM) {
                    range.start += BOM.len();
                    offset = BOM.len() as u64;
                }
                batch.framed = batch.filled;
                self.push(batch, offset, range, None);
            }
        }
    }
}

/// The UTF-8 byte order mark some editors put first in a file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Guesses the format of an unnamed input: JSONL when it starts with `{`,
/// or when it is empty: an empty stream (a filter upstream that kept nothing)
/// is no documents, not one empty text.
fn sniff(reader: &mut Box<dyn BufRead + Send>) -> io::Result<Format> {
    // Most inputs decide in their first read; a slow pipe may hand over a
    // part of a byte order mark or only blanks first, so read on (into
    // `head`, put back in front of the rest) until a byte decides.
    let mut head = Vec::new();
    let format = loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break sniffed(&head, true).expect("decided at the end");
        }
        if head.is_empty()
            && let Some(f) = sniffed(chunk, false)
        {
            return Ok(f);
        }
        let n = chunk.len();
        head.extend_from_slice(chunk);
        reader.consume(n);
        if let Some(f) = sniffed(&head, head.len() >= SNIFF_MAX) {
            break f;
        }
    };
    if !head.is_empty() {
        let rest = std::mem::replace(reader, Box::new(io::empty()));
        *reader = Box::new(io::Cursor::new(head).chain(rest));
    }
    Ok(format)
}

/// Blanks read before deciding at most (then the input is text).
const SNIFF_MAX: usize = 64 << 10;

/// The format `head` shows: JSONL when its first byte past a byte order
/// mark and blanks is `{` (or it is empty at the end), else text; `None`
/// while no byte decides and more may come.
fn sniffed(head: &[u8], end: bool) -> Option<Format> {
    if !end && head.len() < BOM.len() && BOM.starts_with(head) {
        return None;
    }
    let body = head.strip_prefix(BOM).unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Some(Format::Jsonl),
        Some(_) => Some(Format::Text),
        None if !end => None,
        None if head.is_empty() => Some(Format::Jsonl),
        None => Some(Format::Text),
    }
}

/// `abs` (an absolute path) with `.` and `..` resolved by name, symbolic
/// links not followed: what a path names when it may not exist yet.
pub(crate) fn resolve_by_name(abs: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_sniffed_whole_from_a_pipe_that_hands_over_a_byte_at_a_time() {
        let cases: [(&[u8], Format); 6] = [
            (b"\xEF\xBB\xBF{\"id\":\"a\"}\n", Format::Jsonl),
            (b"  \n\r\n\t{\"id\":\"a\"}\n", Format::Jsonl),
            (b"\xEF\xBB\xBF  Hello\n", Format::Text),
            (b"Hello {\n", Format::Text),
            (b"  \n ", Format::Text),
            (b"", Format::Jsonl),
        ];
        for (bytes, want) in cases {
            for cap in [1, 2, 8192] {
                let mut r: Box<dyn BufRead + Send> =
                    Box::new(io::BufReader::with_capacity(cap, bytes));
                assert_eq!(sniff(&mut r).unwrap(), want, "{bytes:?} cap {cap}");
                let mut all = Vec::new();
                r.read_to_end(&mut all).unwrap();
                assert_eq!(all, bytes, "nothing lost: {bytes:?} cap {cap}");
            }
        }
    }

    /// What a record says: line, offset, bytes, error.
    type Seen = (u64, u64, Vec<u8>, Option<String>);

    /// Reads `bytes` as the file `name` in batches of `size` bytes: the
    /// records, batch by batch.
    fn read_batches(name: &str, bytes: &[u8], size: usize, max_bytes: usize) -> Vec<Vec<Seen>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let input = Input {
            path: Some(path),
            relative: name.into(),
            name: name.into(),
        };
        let mut records =
            Records::open(input, 0, FormatChoice::Auto, max_bytes, String::new()).unwrap();
        let mut batch = Batch::new(size);
        let mut taken = Vec::new();
        while !records.fill(&mut batch) {
            taken.push(batch.take());
        }
        taken.push(batch.take());
        taken.retain(|b| !b.is_empty());
        let seen = |r: RawRecord| (r.line, r.offset, r.bytes.to_vec(), r.error);
        taken
            .into_iter()
            .map(|b| b.into_iter().map(seen).collect())
            .collect()
    }

    /// [`read_batches`], the records only.
    fn read_all(name: &str, bytes: &[u8], size: usize, max_bytes: usize) -> Vec<Seen> {
        read_batches(name, bytes, size, max_bytes).concat()
    }

    /// A JSONL line of `len` bytes before its line break.
    fn line(i: usize, len: usize) -> Vec<u8> {
        let head = format!("{{\"n\": {i}, \"text\": \"");
        let mut l = head.into_bytes();
        l.resize(len - 2, b'x');
        l.extend_from_slice(b"\"}");
        l
    }

    #[test]
    fn a_line_across_two_buffers_comes_out_whole_in_its_place() {
        // Lines of 20000 bytes and CRLF; the one across the first read's end
        // starts with a byte order mark. The buffer has no room for another
        // read: it is taken with that line unfinished, which is carried over.
        let len = 20_000;
        let across = CHUNK / (len + 2);
        let mut file = Vec::new();
        let mut want = Vec::new();
        for i in 0..across + 5 {
            let at = file.len() as u64;
            let mut l = line(i, len);
            if i == across {
                file.extend_from_slice(BOM);
                l.truncate(len - BOM.len() - 2);
                l.extend_from_slice(b"\"}");
            }
            let offset = at + if i == across { BOM.len() as u64 } else { 0 };
            want.push((i as u64 + 1, offset, l.clone(), None));
            file.extend_from_slice(&l);
            file.extend_from_slice(b"\r\n");
        }
        let from = across * (len + 2);
        assert!(
            from < CHUNK && from + len > CHUNK,
            "the line spans the read"
        );
        let batches = read_batches("x.jsonl", &file, CHUNK - 100, 64 << 20);
        assert_eq!(
            batches[1][0].0,
            across as u64 + 1,
            "the carried line starts a batch"
        );
        assert_eq!(batches.concat(), want);
    }

    #[test]
    fn a_too_long_line_across_buffers_is_skipped_to_its_end_and_reported() {
        let long = vec![b'y'; 3 * CHUNK];
        let mut file = line(0, 100);
        file.push(b'\n');
        let long_at = file.len() as u64;
        file.extend_from_slice(&long);
        file.push(b'\n');
        let after = file.len() as u64;
        file.extend_from_slice(&line(2, 100));
        file.push(b'\n');
        // One more at the end, without a line break.
        let last_at = file.len() as u64;
        file.extend_from_slice(&long);
        for size in [1, 4 << 20] {
            let seen = read_all("x.jsonl", &file, size, 5000);
            let error = Some("record longer than --max-doc-bytes (5000)".to_string());
            assert_eq!(
                seen,
                vec![
                    (1, 0, line(0, 100), None),
                    (2, long_at, Vec::new(), error.clone()),
                    (3, after, line(2, 100), None),
                    (4, last_at, Vec::new(), error),
                ],
                "batches of {size} bytes"
            );
        }
    }

    #[test]
    fn blank_lines_are_counted_but_are_no_records() {
        let file = b"\xEF\xBB\xBF{\"a\": 1}\n\n  \r\n\xEF\xBB\xBF\n{\"b\": 2}";
        let seen = read_all("x.jsonl", file, 4 << 20, 100);
        let want: Vec<Seen> = vec![
            (1, 3, b"{\"a\": 1}".to_vec(), None),
            (5, 21, b"{\"b\": 2}".to_vec(), None),
        ];
        assert_eq!(seen, want);
    }

    #[test]
    fn a_text_document_is_read_whole_across_reads() {
        let mut file = BOM.to_vec();
        file.extend(std::iter::repeat_n(b"some text\n".as_slice(), CHUNK / 4).flatten());
        let seen = read_all("x.txt", &file, 1000, 64 << 20);
        assert_eq!(seen, vec![(1, 3, file[3..].to_vec(), None)]);
        let seen = read_all("x.txt", &file, 1000, CHUNK);
        let error = format!("document longer than --max-doc-bytes ({CHUNK})");
        assert_eq!(seen, vec![(1, 0, Vec::new(), Some(error))]);
    }
}
