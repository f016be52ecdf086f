//! Saved dedup indexes, for incremental runs: the signatures and exact hashes
//! of kept documents (never their texts), so later runs can drop new
//! documents that duplicate them.
//!
//! # Layout (format 4)
//!
//! An index is a directory holding
//! - `index.json`, the manifest: its kind ([`KIND`]; format 3 named none),
//!   format version, parameters, document count, and for each data file its
//!   name, size and xxh3-128 (hex), then a checksum of the manifest itself;
//! - the data files, each named after its own checksum (`<kind>.<first 16 hex
//!   digits>.<ext>`): `ids.….jsonl` (one JSON string a line), `exact.….bin`
//!   (16 bytes a document) and `signatures.….bin` (per document: shingle
//!   count, then `num_perm` values; little-endian u32s);
//! - `.lock`, which writers lock.
//!
//! # All or nothing
//!
//! The manifest *is* the index. A save writes the data files beside it under
//! names the current manifest does not use (two contents never share a name),
//! syncs them and the directory, and only then renames a new manifest over
//! `index.json`, the one atomic step, before removing the files the old
//! manifest named. So a reader at any instant finds either the whole old
//! index or the whole new one, and an interruption at any point leaves the
//! old one loadable; what it leaves (temp files, unnamed data files) the next
//! save removes. A reader that read the old manifest just before a save
//! removed its files reads the manifest again. Swapping in a whole directory
//! was the alternative, but that takes two renames with no index at the path
//! between them (only Linux exchanges two directories in one step), and
//! content-named files keep a save deterministic.
//!
//! # One writer at a time
//!
//! A writer holds an exclusive advisory lock on `.lock` ([`IndexLock`]); the
//! OS releases it when the process ends, however it ends. A second writer
//! fails at once with an error naming the index and the process holding it,
//! rather than waiting: in a pipeline a clear failure is safer than a run
//! stalled behind another for hours. A caller that grows an index takes the
//! lock before reading it, so no other save can land between the read and
//! its own. Readers take no lock.
//!
//! # Checksums
//!
//! Loading checks the manifest's checksum and every data file's size and
//! checksum before the index is used, and refuses a damaged index naming the
//! file: it never loads part of one. Indexes of format 2 and older carried no
//! checksums and are refused with a request to rebuild them.
//!
//! # Told from data
//!
//! An index's files given where data is read (`check --against
//! idx/index.json`, `clean idx/`), or a data file given where an index is
//! (`run --against data.jsonl`), are refused naming what they are
//! ([`index_holding`], [`is_index_dir`]); a folder walked for inputs leaves
//! out an index inside it (see [`crate::read`]).

mod save;

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use deboil_core::dedup::{DedupOptions, IndexedDocs};
use deboil_core::minhash::{Scheme, Signature};

use crate::error::{Error, Result};

pub use save::{IndexLock, StagedIndex, save};

/// The format (and signature hashing) version written by this build. 2: word
/// shingles hash words without xxh3 (signatures differ from version 1).
/// 3: data files named by content, checksums in a manifest written last.
/// 4: the manifest names its kind, so that it is told from data by itself.
pub const FORMAT_VERSION: u32 = 4;

/// The oldest format read: the first with checksums.
const FIRST_CHECKED: u32 = 3;

/// The manifest's `kind` (format 4 on).
pub const KIND: &str = "deboil dedup index";

/// The manifest's name inside an index directory.
const MANIFEST: &str = "index.json";

/// The parameters a saved index was built with; a run must match them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexMeta {
    /// Format version.
    pub version: u32,
    /// Shingling, as on the command line (`word:5`).
    pub shingle: String,
    /// Signature scheme (`oph` or `classic`).
    pub scheme: String,
    /// Values per signature.
    pub num_perm: usize,
    /// Documents in the index.
    pub docs: usize,
}

impl IndexMeta {
    /// The parameters of an index signed with `opts`, holding `docs` documents.
    pub fn for_options(opts: &DedupOptions, docs: usize) -> IndexMeta {
        IndexMeta {
            version: FORMAT_VERSION,
            shingle: opts.signer.shingling().to_string(),
            scheme: match opts.signer.scheme() {
                Scheme::Oph => "oph",
                Scheme::Classic => "classic",
            }
            .to_string(),
            num_perm: opts.signer.num_perm(),
            docs,
        }
    }
}

/// The data files, in the order a save writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Ids,
    Exact,
    Signatures,
}

impl Part {
    const ALL: [Part; 3] = [Part::Ids, Part::Exact, Part::Signatures];

    fn stem_ext(self) -> (&'static str, &'static str) {
        match self {
            Part::Ids => ("ids", "jsonl"),
            Part::Exact => ("exact", "bin"),
            Part::Signatures => ("signatures", "bin"),
        }
    }

    /// The name of a file of this part with checksum `sum`.
    fn file_name(self, sum: u128) -> String {
        let (stem, ext) = self.stem_ext();
        format!("{stem}.{:016x}.{ext}", (sum >> 64) as u64)
    }

    /// Whether `name` is the name of some file of this part.
    fn matches(self, name: &str) -> bool {
        let (stem, ext) = self.stem_ext();
        name.strip_prefix(stem)
            .and_then(|r| r.strip_prefix('.'))
            .and_then(|r| r.strip_suffix(ext))
            .and_then(|r| r.strip_suffix('.'))
            .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    }
}

/// One data file as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile {
    name: String,
    bytes: u64,
    xxh3_128: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Files {
    ids: DataFile,
    exact: DataFile,
    signatures: DataFile,
}

impl Files {
    fn get(&self, part: Part) -> &DataFile {
        match part {
            Part::Ids => &self.ids,
            Part::Exact => &self.exact,
            Part::Signatures => &self.signatures,
        }
    }
}

/// `index.json`: the parameters, the data files, and a checksum of the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// [`KIND`]; absent in format 3 (and left out of its checksum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    version: u32,
    shingle: String,
    scheme: String,
    num_perm: usize,
    docs: usize,
    files: Files,
    /// xxh3-128 of the compact JSON of this manifest with this field empty.
    checksum: String,
}

impl Manifest {
    fn sum(&self) -> String {
        let body = Manifest {
            checksum: String::new(),
            ..self.clone()
        };
        hex(xxhash_rust::xxh3::xxh3_128(
            &serde_json::to_vec(&body).expect("manifest serialises"),
        ))
    }

    /// The manifest's file, checksum set.
    fn sealed(mut self) -> Vec<u8> {
        self.checksum = self.sum();
        let mut v = serde_json::to_vec_pretty(&self).expect("manifest serialises");
        v.push(b'\n');
        v
    }
}

fn hex(sum: u128) -> String {
    format!("{sum:032x}")
}

/// A reader or writer that hashes and counts what passes through.
struct Hashing<T> {
    inner: T,
    hash: Xxh3,
    bytes: u64,
}

impl<T> Hashing<T> {
    fn new(inner: T) -> Self {
        Hashing {
            inner,
            hash: Xxh3::new(),
            bytes: 0,
        }
    }

    fn sum(&self) -> u128 {
        self.hash.digest128()
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

fn damaged(dir: &Path, what: impl std::fmt::Display) -> Error {
    Error::Usage(format!(
        "index {} is damaged: {what}; rebuild it",
        dir.display()
    ))
}

/// Reads and checks `index.json`; returns its bytes too, to notice a
/// manifest replaced while the data files were read.
fn read_manifest(dir: &Path) -> Result<(Vec<u8>, Manifest)> {
    let mp = dir.join(MANIFEST);
    let raw = match std::fs::read(&mp) {
        Ok(raw) => raw,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::Usage(format!(
                "{}: not a deboil index (no {MANIFEST})",
                dir.display()
            )));
        }
        Err(e) => return Err(Error::io(mp, e)),
    };
    // The version first, so an old or newer index gets a message of its own.
    let version = serde_json::from_slice::<serde_json::Value>(&raw)
        .ok()
        .and_then(|v| v.get("version").and_then(|v| v.as_u64()));
    match version {
        Some(v) if v < FIRST_CHECKED as u64 => {
            return Err(Error::Usage(format!(
                "index {} is in format {v}, which carries no checksums and cannot be \
                 verified; rebuild it (this deboil reads formats {FIRST_CHECKED} to \
                 {FORMAT_VERSION})",
                dir.display()
            )));
        }
        Some(v) if v > FORMAT_VERSION as u64 => {
            return Err(Error::Usage(format!(
                "index {} is in format {v}, written by a newer deboil; this one reads \
                 formats {FIRST_CHECKED} to {FORMAT_VERSION}",
                dir.display()
            )));
        }
        _ if !manifest_like(&raw) && !holds_index_files(dir) => {
            return Err(Error::Usage(format!(
                "{}: not a deboil index (its {MANIFEST} is no index manifest)",
                dir.display()
            )));
        }
        _ => {}
    }
    let m: Manifest =
        serde_json::from_slice(&raw).map_err(|e| damaged(dir, format_args!("{MANIFEST}: {e}")))?;
    if m.checksum != m.sum() {
        return Err(damaged(dir, format_args!("{MANIFEST} checksum mismatch")));
    }
    // Format 4 names its kind; format 3 named none.
    let kind_ok = match m.version {
        FIRST_CHECKED => m.kind.is_none(),
        _ => m.kind.as_deref() == Some(KIND),
    };
    if !kind_ok {
        return Err(damaged(
            dir,
            format_args!("{MANIFEST} of format {} has kind {:?}", m.version, m.kind),
        ));
    }
    for part in Part::ALL {
        let f = m.files.get(part);
        // Names come from the checksums, so nothing outside the directory is named.
        let ok = u128::from_str_radix(&f.xxh3_128, 16)
            .is_ok_and(|s| f.xxh3_128.len() == 32 && f.name == part.file_name(s));
        if !ok {
            return Err(damaged(
                dir,
                format_args!(
                    "{MANIFEST} names {:?} with checksum {:?}",
                    f.name, f.xxh3_128
                ),
            ));
        }
    }
    Ok((raw, m))
}

fn check_params(dir: &Path, m: &Manifest, expected: &IndexMeta) -> Result<()> {
    for (what, got, want) in [
        ("shingles", &m.shingle, &expected.shingle),
        ("scheme", &m.scheme, &expected.scheme),
    ] {
        if got != want {
            return Err(Error::Usage(format!(
                "{}: the index was built with {what} {got}, this run uses {want}",
                dir.display()
            )));
        }
    }
    if m.num_perm != expected.num_perm {
        return Err(Error::Usage(format!(
            "{}: the index was built with {} values a signature (--num-perm), this run uses {}",
            dir.display(),
            m.num_perm,
            expected.num_perm
        )));
    }
    Ok(())
}

/// Why reading the data files failed: a file gone (perhaps removed by a
/// save since the manifest was read) or anything else.
enum PartError {
    Missing(String),
    Other(Error),
}

impl From<Error> for PartError {
    fn from(e: Error) -> Self {
        PartError::Other(e)
    }
}

/// Opens a data file, checking its size against the manifest.
fn open_part(
    dir: &Path,
    f: &DataFile,
) -> std::result::Result<Hashing<BufReader<std::fs::File>>, PartError> {
    let p = dir.join(&f.name);
    let file = match std::fs::File::open(&p) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(PartError::Missing(f.name.clone()));
        }
        Err(e) => return Err(Error::io(p, e).into()),
    };
    let len = file.metadata().map_err(|e| Error::io(&p, e))?.len();
    if len != f.bytes {
        return Err(damaged(
            dir,
            format_args!("{} is {len} bytes, the manifest says {}", f.name, f.bytes),
        )
        .into());
    }
    Ok(Hashing::new(BufReader::with_capacity(1 << 20, file)))
}

/// Checks what was read from a data file against its checksum.
fn verify<R>(dir: &Path, f: &DataFile, r: &Hashing<R>) -> Result<()> {
    if r.bytes != f.bytes || hex(r.sum()) != f.xxh3_128 {
        return Err(damaged(dir, format_args!("{} checksum mismatch", f.name)));
    }
    Ok(())
}

fn read_parts(dir: &Path, m: &Manifest) -> std::result::Result<IndexedDocs, PartError> {
    let per = (m.num_perm + 1) * 4;
    let fits = |f: &DataFile, width: usize| {
        m.docs
            .checked_mul(width)
            .is_some_and(|n| n as u64 == f.bytes)
    };
    if !fits(&m.files.exact, 16) || !fits(&m.files.signatures, per) {
        return Err(damaged(
            dir,
            format_args!("{MANIFEST} disagrees with itself on sizes"),
        )
        .into());
    }
    // Every size is checked against its file before anything is allocated.
    let [mut ids_r, mut exact_r, mut sigs_r] = [
        open_part(dir, &m.files.ids)?,
        open_part(dir, &m.files.exact)?,
        open_part(dir, &m.files.signatures)?,
    ];
    let rd = |r: &mut Hashing<_>, buf: &mut [u8], f: &DataFile| {
        Read::read_exact(r, buf).map_err(|e| Error::io(dir.join(&f.name), e))
    };
    let f = &m.files.ids;
    let r = &mut ids_r;
    let mut text = Vec::with_capacity(f.bytes as usize);
    r.read_to_end(&mut text)
        .map_err(|e| Error::io(dir.join(&f.name), e))?;
    verify(dir, f, r)?;
    let mut ids = Vec::with_capacity(m.docs);
    for (n, line) in text.lines().enumerate() {
        let line = line.map_err(|e| Error::io(dir.join(&f.name), e))?;
        ids.push(serde_json::from_str(&line).map_err(|e| Error::BadRecord {
            source_name: dir.join(&f.name).display().to_string(),
            line: n as u64 + 1,
            col: None,
            problem: format!("not a JSON string: {e}"),
        })?);
    }
    if ids.len() != m.docs {
        return Err(damaged(
            dir,
            format_args!(
                "{} holds {} ids, the manifest says {}",
                f.name,
                ids.len(),
                m.docs
            ),
        )
        .into());
    }
    let f = &m.files.exact;
    let mut exact = Vec::with_capacity(m.docs);
    let mut b = [0u8; 16];
    for _ in 0..m.docs {
        rd(&mut exact_r, &mut b, f)?;
        exact.push(u128::from_le_bytes(b));
    }
    verify(dir, f, &exact_r)?;
    let f = &m.files.signatures;
    let mut sigs = Vec::with_capacity(m.docs);
    let mut b = vec![0u8; per];
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
    for _ in 0..m.docs {
        rd(&mut sigs_r, &mut b, f)?;
        sigs.push(Signature {
            shingles: u32_at(&b, 0),
            values: (1..=m.num_perm).map(|k| u32_at(&b, k * 4)).collect(),
        });
    }
    verify(dir, f, &sigs_r)?;
    Ok(IndexedDocs { ids, exact, sigs })
}

/// Whether the bytes of an `index.json` are a manifest: one naming its
/// kind, or (formats 2 and 3, which named none) one holding an index's
/// version and signature width.
fn manifest_like(raw: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(v)) = serde_json::from_slice(raw) else {
        return false;
    };
    match v.get("kind") {
        Some(k) => k.as_str() == Some(KIND),
        None => v.get("version").is_some_and(|v| v.is_u64()) && v.contains_key("num_perm"),
    }
}

/// How many documents the index saved in `dir` holds; `None` where there
/// is no whole index there.
pub fn saved_docs(dir: &Path) -> Option<usize> {
    read_manifest(dir).ok().map(|(_, m)| m.docs)
}

/// Whether `dir` holds a saved index, whole or not: a manifest, or an
/// `index.json` beside an index's lock or data files (a damaged manifest,
/// which loading then names).
pub fn is_index_dir(dir: &Path) -> bool {
    let mp = dir.join(MANIFEST);
    let Ok(meta) = std::fs::metadata(&mp) else {
        return false;
    };
    // A data file that happens to be named `index.json` may be large.
    meta.is_file()
        && ((meta.len() < 1 << 20 && std::fs::read(&mp).is_ok_and(|raw| manifest_like(&raw)))
            || holds_index_files(dir))
}

/// Whether `dir` holds an index's lock or one of its data files.
fn holds_index_files(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n == save::LOCK_FILE || save::is_part(n))
        })
}

/// The index directory `path` is a file of (its manifest, a data file, the
/// lock, a save's temp file), if it is one; `None` for any other path.
pub fn index_holding(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let ours = name == MANIFEST || save::is_part(name) || save::is_own(name);
    let dir = match path.parent()? {
        d if d.as_os_str().is_empty() => Path::new("."),
        d => d,
    };
    (ours && std::fs::metadata(path).is_ok_and(|m| m.is_file()) && is_index_dir(dir))
        .then(|| dir.to_path_buf())
}

/// Loads an index, checking it is whole and was built with `expected`
/// parameters (its version and count are not compared). A `dir` that is no
/// directory is named as the `--against` path it was given as.
pub fn load(dir: &Path, expected: &IndexMeta) -> Result<IndexedDocs> {
    if !dir.is_dir() {
        // A file given for the index: say what it is, not that it is missing.
        let what = match (index_holding(dir), dir.exists()) {
            (Some(d), _) => format!(
                "a file of the dedup index {0}, not the index; give its directory: {0}",
                d.display()
            ),
            (None, true) => {
                "not a dedup index but a file; an index is the directory --save-index wrote"
                    .to_string()
            }
            (None, false) => "no such index directory".to_string(),
        };
        return Err(Error::Usage(format!("--against {}: {what}", dir.display())));
    }
    let mut tries = 0;
    loop {
        let (raw, m) = read_manifest(dir)?;
        check_params(dir, &m, expected)?;
        match read_parts(dir, &m) {
            Ok(docs) => return Ok(docs),
            Err(PartError::Other(e)) => return Err(e),
            Err(PartError::Missing(name)) => {
                // A save may have replaced the index since its manifest was read.
                tries += 1;
                let replaced = std::fs::read(dir.join(MANIFEST)).is_ok_and(|now| now != raw);
                if !(replaced && tries < 5) {
                    return Err(damaged(dir, format_args!("{name} is missing")));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
