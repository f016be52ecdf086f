//! Reading inputs: paths or stdin, gzip/zstd by magic bytes, framed into records.
//!
//! A JSONL input yields one record a line; any other input is one document.
//! Records that cannot be read (too long, a broken compressed stream) come out
//! as [`RawRecord`]s with an error so the caller decides whether to skip them.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
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
            .and_then(|p| {
                p.parent()?
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_default()
    }

    /// The input's absolute path, `.` and `..` resolved by name (symbolic
    /// links are not followed); `None` for stdin, spooled or not.
    pub fn absolute_path(&self) -> Option<PathBuf> {
        let path = self.path.as_deref().filter(|_| !self.is_stdin())?;
        let abs = std::path::absolute(path).ok()?;
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
        Some(out)
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
/// sorted order (hidden entries skipped), `-` is stdin, no path at all is stdin.
pub fn collect_inputs(paths: &[PathBuf]) -> io::Result<Vec<Input>> {
    collect_inputs_noting(paths, &mut Vec::new())
}

/// [`collect_inputs`], also noting in `passed_over` the entries of walked
/// directories that are not read, with why: a symbolic link to a directory
/// (not followed) or to nothing, a pipe, a socket or a device. Hidden
/// entries are not noted.
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
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
        if meta.is_dir() {
            walk(p, p, &mut out, passed_over)?;
        } else {
            out.push(Input {
                path: Some(p.clone()),
                relative: mirrored_path(p),
                name: p.display().to_string(),
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
    let below = p
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if below {
        p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect()
    } else {
        PathBuf::from(p.file_name().unwrap_or(p.as_os_str()))
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<Input>,
    passed_over: &mut Vec<(PathBuf, &'static str)>,
) -> io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
    entries.sort();
    for p in entries {
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let ft = std::fs::symlink_metadata(&p)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?
            .file_type();
        if ft.is_dir() {
            walk(root, &p, out, passed_over)?;
        } else if ft.is_file() || (ft.is_symlink() && p.is_file()) {
            out.push(Input {
                relative: p.strip_prefix(root).unwrap_or(&p).to_path_buf(),
                name: p.display().to_string(),
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

/// Opens an input, undoing gzip (all members) or zstd (all frames) when its
/// first bytes say so, whatever its name.
pub fn open(input: &Input) -> io::Result<Box<dyn BufRead + Send>> {
    // Counted before decompression: progress is in bytes of the files.
    let raw: Box<dyn Read + Send> = match &input.path {
        None => Box::new(Counted(io::stdin())),
        Some(p) => Box::new(Counted(File::open(p)?)),
    };
    let mut buf = BufReader::with_capacity(256 * 1024, raw);
    let head = buf.fill_buf()?;
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(buf),
        ))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            zstd::stream::read::Decoder::with_buffer(buf)?,
        ))
    } else {
        Box::new(buf)
    })
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
    pub bytes: Vec<u8>,
    /// Set when the record could not be read whole.
    pub error: Option<String>,
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
    /// Index of the input in the run, in order.
    pub index: usize,
    /// The site of documents that name none (see [`crate::site`]).
    pub fallback_site: String,
}

/// Frames an opened input into records.
pub struct Records {
    reader: Box<dyn BufRead + Send>,
    source: Arc<SourceInfo>,
    max_bytes: usize,
    line: u64,
    /// Bytes consumed so far, and where the record being read starts.
    pos: u64,
    start: u64,
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
        let format = match choice {
            FormatChoice::Fixed(f) => f,
            FormatChoice::Auto => match input.format_by_name() {
                Some(f) => f,
                None => sniff(&mut reader)?,
            },
        };
        Ok(Records {
            reader,
            source: Arc::new(SourceInfo {
                fallback_site,
                input,
                format,
                index,
            }),
            max_bytes,
            line: 0,
            pos: 0,
            start: 0,
            done: false,
        })
    }

    /// The input these records come from.
    pub fn source(&self) -> &Arc<SourceInfo> {
        &self.source
    }

    fn record(&self, bytes: Vec<u8>, error: Option<String>) -> RawRecord {
        RawRecord {
            input: self.source.clone(),
            line: self.line,
            offset: self.start,
            bytes,
            error,
        }
    }

    /// Reads one line of at most `max_bytes` (without its `\n`); a longer one
    /// is skipped to its end and reported. `None` at the end of input.
    fn next_line(&mut self) -> io::Result<Option<RawRecord>> {
        let mut buf = Vec::new();
        let mut too_long = false;
        let mut any = false;
        self.start = self.pos;
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let (take, found) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if !too_long {
                if buf.len() + take > self.max_bytes {
                    too_long = true;
                    buf = Vec::new();
                } else {
                    buf.extend_from_slice(&chunk[..take]);
                }
            }
            self.reader.consume(take + usize::from(found));
            self.pos += (take + usize::from(found)) as u64;
            if found {
                break;
            }
        }
        self.line += 1;
        Ok(Some(if too_long {
            self.record(
                Vec::new(),
                Some(format!(
                    "record longer than --max-doc-bytes ({})",
                    self.max_bytes
                )),
            )
        } else {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            // On any line: files joined with `cat` keep each one's mark. The
            // record starts after it, for pass two's reading again.
            if strip_bom(&mut buf) {
                self.start += BOM.len() as u64;
            }
            self.record(buf, None)
        }))
    }

    fn whole(&mut self) -> io::Result<Option<RawRecord>> {
        let mut buf = Vec::new();
        let limit = self.max_bytes as u64 + 1;
        (&mut self.reader).take(limit).read_to_end(&mut buf)?;
        self.line = 1;
        if buf.len() as u64 == limit {
            return Ok(Some(self.record(
                Vec::new(),
                Some(format!(
                    "document longer than --max-doc-bytes ({})",
                    self.max_bytes
                )),
            )));
        }
        self.start = if strip_bom(&mut buf) {
            BOM.len() as u64
        } else {
            0
        };
        Ok(Some(self.record(buf, None)))
    }
}

/// The UTF-8 byte order mark some editors put first in a file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Drops a byte order mark from the start of a record: it is no part of the
/// JSON or of the text. Whether there was one.
fn strip_bom(buf: &mut Vec<u8>) -> bool {
    let bom = buf.starts_with(BOM);
    if bom {
        buf.drain(..BOM.len());
    }
    bom
}

impl Iterator for Records {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        if self.done {
            return None;
        }
        let res = match self.source.format {
            Format::Jsonl => loop {
                match self.next_line() {
                    // Blank lines between records are not records.
                    Ok(Some(r))
                        if r.error.is_none() && r.bytes.iter().all(u8::is_ascii_whitespace) =>
                    {
                        continue;
                    }
                    other => break other,
                }
            },
            Format::Text => {
                self.done = true;
                self.whole()
            }
        };
        match res {
            Ok(r) => {
                self.done |= r.is_none();
                r
            }
            Err(e) => {
                // A broken stream ends the input; the rest of it is one bad record.
                self.done = true;
                self.line += 1;
                Some(self.record(Vec::new(), Some(format!("{UNREADABLE}: {e}"))))
            }
        }
    }
}

/// Guesses the format of an unnamed input: JSONL when it starts with `{`,
/// or when it is empty: an empty stream (a filter upstream that kept nothing)
/// is no documents, not one empty text.
fn sniff(reader: &mut Box<dyn BufRead + Send>) -> io::Result<Format> {
    let head = reader.fill_buf()?;
    let empty = head.is_empty();
    let head = head.strip_prefix(BOM).unwrap_or(head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    Ok(if empty || first == Some(&b'{') {
        Format::Jsonl
    } else {
        Format::Text
    })
}
