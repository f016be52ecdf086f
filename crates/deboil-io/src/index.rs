//! Saved dedup indexes, for incremental runs: the signatures and exact hashes
//! of kept documents (never their texts), so later runs can drop new
//! documents that duplicate them.
//!
//! A directory holds `index.json` (parameters and count), `ids.jsonl` (one id
//! a line), `exact.bin` (16 bytes a document) and `signatures.bin` (per
//! document: shingle count, then `num_perm` values; little-endian u32s).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use deboil_core::dedup::{DedupOptions, IndexedDocs};
use deboil_core::minhash::{Scheme, Signature};

use crate::error::{Error, Result};

/// The format (and signature hashing) version written by this build. 2: word
/// shingles hash words without xxh3 (signatures differ from version 1).
pub const FORMAT_VERSION: u32 = 2;

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

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::io(path, e)
}

/// Writes `bytes` to `path` through a temp file renamed into place.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".deboil-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `index` to `dir` (created if needed), each file atomically.
pub fn save(index: &IndexedDocs, dir: &Path, meta: &IndexMeta) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let write = |name: &str, bytes: &[u8]| -> Result<()> {
        let p = dir.join(name);
        write_file(&p, bytes).map_err(|e| io(&p, e))
    };
    let mut ids = Vec::new();
    for id in &index.ids {
        serde_json::to_writer(&mut ids, id).expect("strings serialise");
        ids.push(b'\n');
    }
    let mut exact = Vec::with_capacity(index.exact.len() * 16);
    for h in &index.exact {
        exact.extend_from_slice(&h.to_le_bytes());
    }
    let mut sigs = Vec::with_capacity(index.sigs.len() * (meta.num_perm + 1) * 4);
    for s in &index.sigs {
        sigs.extend_from_slice(&s.shingles.to_le_bytes());
        for v in &s.values {
            sigs.extend_from_slice(&v.to_le_bytes());
        }
    }
    write("ids.jsonl", &ids)?;
    write("exact.bin", &exact)?;
    write("signatures.bin", &sigs)?;
    // The metadata goes last: an index without it is incomplete.
    let mut m = serde_json::to_vec_pretty(meta).expect("meta serialises");
    m.push(b'\n');
    write("index.json", &m)
}

/// Loads an index, checking it was built with `expected` parameters.
pub fn load(dir: &Path, expected: &IndexMeta) -> Result<IndexedDocs> {
    let mp = dir.join("index.json");
    let meta: IndexMeta = serde_json::from_slice(&std::fs::read(&mp).map_err(|e| io(&mp, e))?)
        .map_err(|e| Error::Usage(format!("{}: not a deboil index: {e}", mp.display())))?;
    for (what, got, want) in [
        ("shingles", &meta.shingle, &expected.shingle),
        ("scheme", &meta.scheme, &expected.scheme),
    ] {
        if got != want {
            return Err(Error::Usage(format!(
                "{}: the index was built with {what} {got}, this run uses {want}",
                dir.display()
            )));
        }
    }
    if meta.num_perm != expected.num_perm || meta.version != expected.version {
        return Err(Error::Usage(format!(
            "{}: the index was built with --num-perm {} (format {}), this run uses {} (format {})",
            dir.display(),
            meta.num_perm,
            meta.version,
            expected.num_perm,
            expected.version
        )));
    }
    let ip = dir.join("ids.jsonl");
    let mut ids = Vec::with_capacity(meta.docs);
    for (n, line) in BufReader::new(std::fs::File::open(&ip).map_err(|e| io(&ip, e))?)
        .lines()
        .enumerate()
    {
        let line = line.map_err(|e| io(&ip, e))?;
        ids.push(serde_json::from_str(&line).map_err(|e| Error::BadRecord {
            source_name: ip.display().to_string(),
            line: n as u64 + 1,
            col: None,
            problem: format!("not a JSON string: {e}"),
        })?);
    }
    let read = |name: &str| -> Result<Vec<u8>> {
        let p = dir.join(name);
        let mut v = Vec::new();
        std::fs::File::open(&p)
            .and_then(|mut f| f.read_to_end(&mut v))
            .map_err(|e| io(&p, e))?;
        Ok(v)
    };
    let exact_bytes = read("exact.bin")?;
    let sig_bytes = read("signatures.bin")?;
    let per = (meta.num_perm + 1) * 4;
    if ids.len() != meta.docs
        || exact_bytes.len() != meta.docs * 16
        || sig_bytes.len() != meta.docs * per
    {
        return Err(Error::Usage(format!(
            "{}: index files disagree on the number of documents ({})",
            dir.display(),
            meta.docs
        )));
    }
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
    let exact = exact_bytes
        .chunks_exact(16)
        .map(|c| u128::from_le_bytes(c.try_into().expect("16 bytes")))
        .collect();
    let sigs = sig_bytes
        .chunks_exact(per)
        .map(|c| Signature {
            shingles: u32_at(c, 0),
            values: (1..=meta.num_perm).map(|k| u32_at(c, k * 4)).collect(),
        })
        .collect();
    Ok(IndexedDocs { ids, exact, sigs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_and_refuses_other_parameters() {
        let dir = tempfile::tempdir().unwrap();
        let meta = IndexMeta {
            version: 1,
            shingle: "word:5".into(),
            scheme: "oph".into(),
            num_perm: 3,
            docs: 2,
        };
        let idx = IndexedDocs {
            ids: vec!["a".into(), "b\n\"".into()],
            exact: vec![1, u128::MAX],
            sigs: vec![
                Signature {
                    values: vec![1, 2, 3],
                    shingles: 9,
                },
                Signature {
                    values: vec![4, 5, u32::MAX],
                    shingles: 0,
                },
            ],
        };
        save(&idx, dir.path(), &meta).unwrap();
        let back = load(dir.path(), &meta).unwrap();
        assert_eq!(
            (back.ids, back.exact, back.sigs),
            (idx.ids, idx.exact, idx.sigs)
        );
        let other = IndexMeta {
            shingle: "char:5".into(),
            ..meta
        };
        let e = load(dir.path(), &other).unwrap_err();
        assert!(e.to_string().contains("built with shingles word:5"), "{e}");
    }
}
