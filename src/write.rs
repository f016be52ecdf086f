//! Writing outputs atomically: a temp file beside the target, renamed into
//! place only when the run succeeds, so a failed run leaves no half-written file.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

enum Encoder {
    Plain(BufWriter<NamedTempFile>),
    Gzip(flate2::write::GzEncoder<BufWriter<NamedTempFile>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<NamedTempFile>>),
}

/// An output file that appears at its path only on [`AtomicFile::commit`].
pub struct AtomicFile {
    enc: Encoder,
    dest: PathBuf,
}

impl AtomicFile {
    /// Creates the temp file; compresses when `dest` ends in `.gz` or `.zst`.
    pub fn create(dest: &Path) -> io::Result<AtomicFile> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir)?;
        let tmp = tempfile::Builder::new()
            .prefix(".deboil-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        let buf = BufWriter::with_capacity(256 * 1024, tmp);
        let name = dest.to_string_lossy();
        let enc = if name.ends_with(".gz") {
            Encoder::Gzip(flate2::write::GzEncoder::new(
                buf,
                flate2::Compression::default(),
            ))
        } else if name.ends_with(".zst") || name.ends_with(".zstd") {
            Encoder::Zstd(zstd::stream::write::Encoder::new(buf, 3)?)
        } else {
            Encoder::Plain(buf)
        };
        Ok(AtomicFile {
            enc,
            dest: dest.to_path_buf(),
        })
    }

    /// Finishes compression, flushes, syncs and renames into place.
    pub fn commit(self) -> io::Result<()> {
        let buf = match self.enc {
            Encoder::Plain(b) => b,
            Encoder::Gzip(g) => g.finish()?,
            Encoder::Zstd(z) => z.finish()?,
        };
        let tmp = buf.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        // Temp files are created 0600; give the output the usual permissions.
        set_default_permissions(tmp.as_file());
        tmp.persist(&self.dest).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(unix)]
fn set_default_permissions(f: &File) {
    use std::os::unix::fs::PermissionsExt;
    let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn set_default_permissions(_: &File) {}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.enc {
            Encoder::Plain(w) => w.write(buf),
            Encoder::Gzip(w) => w.write(buf),
            Encoder::Zstd(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.enc {
            Encoder::Plain(w) => w.write_all(buf),
            Encoder::Gzip(w) => w.write_all(buf),
            Encoder::Zstd(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.enc {
            Encoder::Plain(w) => w.flush(),
            Encoder::Gzip(w) => w.flush(),
            Encoder::Zstd(w) => w.flush(),
        }
    }
}

/// Whether two paths name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Whether `inner` is `outer` or lies inside it (both must exist).
pub fn is_within(inner: &Path, outer: &Path) -> bool {
    match (std::fs::canonicalize(inner), std::fs::canonicalize(outer)) {
        (Ok(i), Ok(o)) => i.starts_with(o),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn nothing_appears_until_commit_and_compression_follows_the_name() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["o.jsonl", "o.jsonl.gz", "o.jsonl.zst"] {
            let dest = dir.path().join(name);
            let mut f = AtomicFile::create(&dest).unwrap();
            f.write_all(b"hello\n").unwrap();
            assert!(!dest.exists());
            f.commit().unwrap();
            let input = crate::read::Input {
                path: Some(dest.clone()),
                relative: name.into(),
                name: name.into(),
            };
            let mut s = String::new();
            crate::read::open(&input)
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            assert_eq!(s, "hello\n", "{name}");
        }
        // A dropped, uncommitted file leaves nothing behind.
        let dest = dir.path().join("dropped.jsonl");
        drop(AtomicFile::create(&dest).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }
}
