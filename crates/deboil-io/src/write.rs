//! Writing outputs atomically: a temp file beside the target, renamed into
//! place only when the run succeeds, so a failed run leaves no half-written file.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::read::Input;

/// The file being written: a temp file to rename, or, for a pipe or device
/// such as `/dev/stdout`, the target itself (renaming onto it would replace it).
enum Target {
    Temp(NamedTempFile),
    Direct(File),
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Temp(f) => f.write(buf),
            Target::Direct(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Temp(f) => f.flush(),
            Target::Direct(f) => f.flush(),
        }
    }
}

enum Encoder {
    Plain(BufWriter<Target>),
    Gzip(flate2::write::GzEncoder<BufWriter<Target>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<Target>>),
}

/// An output file that appears at its path only on [`AtomicFile::commit`].
pub struct AtomicFile {
    enc: Encoder,
    dest: PathBuf,
}

impl AtomicFile {
    /// Creates the temp file; compresses when `dest` ends in `.gz` or `.zst`.
    pub fn create(dest: &Path) -> io::Result<AtomicFile> {
        // Write through a symlink to its target rather than replacing the link.
        let dest = std::fs::canonicalize(dest).unwrap_or_else(|_| dest.to_path_buf());
        let target = match std::fs::metadata(&dest) {
            Ok(m) if !m.is_file() && !m.is_dir() => {
                Target::Direct(std::fs::OpenOptions::new().write(true).open(&dest)?)
            }
            _ => {
                let dir = match dest.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                std::fs::create_dir_all(dir)?;
                Target::Temp(
                    tempfile::Builder::new()
                        .prefix(".deboil-")
                        .suffix(".tmp")
                        .tempfile_in(dir)
                        .map_err(without_temp_path)?,
                )
            }
        };
        let dest = dest.as_path();
        let buf = BufWriter::with_capacity(256 * 1024, target);
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
        match buf.into_inner().map_err(|e| e.into_error())? {
            Target::Temp(tmp) => {
                tmp.as_file().sync_all()?;
                // Temp files are created 0600; give the output the usual permissions.
                set_default_permissions(tmp.as_file());
                tmp.persist(&self.dest).map_err(|e| e.error)?;
            }
            Target::Direct(mut f) => f.flush()?,
        }
        Ok(())
    }
}

/// The OS error alone: tempfile adds the temp file's name ("... at path
/// DIR/.deboil-XXXX.tmp"), which the user never named and the output's
/// own name, in every message, makes redundant.
fn without_temp_path(e: io::Error) -> io::Error {
    // Its error type is private and gives no source: cut its suffix.
    if e.get_ref().is_none() {
        return e;
    }
    let text = e.to_string();
    match text.rfind(" at path ") {
        Some(i) => io::Error::new(e.kind(), &text[..i]),
        None => e,
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

/// Refuses an output path that is one of the inputs: `what` names the
/// output in the message.
pub fn refuse_input(out: &Path, inputs: &[Input], what: &str) -> Result<()> {
    for i in inputs {
        if let Some(p) = &i.path
            && same_file(out, p)
        {
            return Err(Error::Usage(format!(
                "{what} {} is an input file; deboil never overwrites its inputs",
                out.display()
            )));
        }
    }
    Ok(())
}

/// The atomic file for an output path, refused when it is an input.
pub fn output_file(path: &Path, inputs: &[Input], what: &str) -> Result<AtomicFile> {
    refuse_input(path, inputs, what)?;
    AtomicFile::create(path).map_err(|e| Error::Usage(format!("creating {}: {e}", path.display())))
}

/// A mirrored output tree must not be, or lie inside, an input directory,
/// and must not map any output onto its input. `args` are the paths as
/// given, `inputs` what they expanded to.
pub fn check_out_dir(dir: &Path, args: &[PathBuf], inputs: &[Input]) -> Result<()> {
    if inputs.iter().any(|i| i.path.is_none()) {
        return Err(Error::Usage(
            "--out-dir needs input paths: it mirrors the input tree, and stdin has none".into(),
        ));
    }
    for a in args {
        if a.is_dir() && dir.exists() && is_within(dir, a) {
            return Err(Error::Usage(format!(
                "--out-dir {} lies inside the input directory {}; choose a directory outside it",
                dir.display(),
                a.display()
            )));
        }
    }
    for i in inputs {
        let target = dir.join(&i.relative);
        refuse_input(&target, std::slice::from_ref(i), "--out-dir would write")?;
    }
    Ok(())
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
        // A pipe or device is written in place, never replaced.
        let mut f = AtomicFile::create(Path::new("/dev/null")).unwrap();
        f.write_all(b"x").unwrap();
        f.commit().unwrap();
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
        // A dropped, uncommitted file leaves nothing behind.
        let dest = dir.path().join("dropped.jsonl");
        drop(AtomicFile::create(&dest).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }
}
