//! Writing outputs atomically: a temp file beside the target, renamed into
//! place only when the run succeeds, so a failed run leaves no half-written
//! file. `-` is stdout; stdout, stderr, devices and pipes are written in
//! place, never replaced.

use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};

use tempfile::NamedTempFile;

use crate::cleanup::{self, Registered};
use crate::error::{Error, Result};
use crate::read::Input;

/// The file being written.
enum Target {
    /// A temp file renamed over `dest` on commit; `mode` is the replaced
    /// file's, restored exactly (the umask may have narrowed it).
    Temp {
        // Declared first so that it is dropped (and deleted) before the
        // registration goes: a signal in between finds it registered.
        file: NamedTempFile,
        // After `file`: the directories go once the temp file is gone.
        made_dirs: MadeDirs,
        mode: Option<u32>,
        dest: PathBuf,
        _registered: Registered,
    },
    /// Written in place: stdout, stderr, a device, a pipe or a socket.
    Direct(Box<dyn Write + Send>),
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            // The output's name is the caller's to give, not the temp file's.
            Target::Temp { file, .. } => file.write(buf).map_err(without_temp_path),
            Target::Direct(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Temp { file, .. } => file.flush().map_err(without_temp_path),
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
///
/// `-` is stdout. A path that is the process's own stdout or stderr (such as
/// `/dev/stdout`, whatever it is redirected to) is written through that
/// stream, and any other path that is not a regular file (a device, a pipe)
/// is written in place; neither is ever renamed over. A regular file is
/// replaced whole on commit, keeping its permissions; a new file gets the
/// usual ones (0666 less the umask).
pub struct AtomicFile {
    enc: Encoder,
}

impl AtomicFile {
    /// Opens the output; compresses when `dest` ends in `.gz` or `.zst`
    /// (in any case, as inputs are read: `X.JSONL.GZ` is gzip).
    pub fn create(dest: &Path) -> io::Result<AtomicFile> {
        let buf = BufWriter::with_capacity(256 * 1024, open_target(dest)?);
        let name = dest.to_string_lossy().to_lowercase();
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
        Ok(AtomicFile { enc })
    }

    /// Whether the output is written in place (stdout, stderr, a device, a
    /// pipe), not to a file that appears only on commit.
    pub fn is_in_place(&self) -> bool {
        let buf = match &self.enc {
            Encoder::Plain(b) => b,
            Encoder::Gzip(g) => g.get_ref(),
            Encoder::Zstd(z) => z.get_ref(),
        };
        matches!(buf.get_ref(), Target::Direct(_))
    }

    /// Finishes compression, flushes, syncs and renames into place.
    pub fn commit(self) -> io::Result<()> {
        let buf = match self.enc {
            Encoder::Plain(b) => b,
            Encoder::Gzip(g) => g.finish()?,
            Encoder::Zstd(z) => z.finish()?,
        };
        match buf.into_inner().map_err(|e| e.into_error())? {
            Target::Temp {
                file,
                mut made_dirs,
                mode,
                dest,
                _registered,
            } => {
                file.as_file().sync_all()?;
                if let Some(mode) = mode {
                    set_mode(file.as_file(), mode)?;
                }
                file.persist(&dest).map_err(|e| e.error)?;
                made_dirs.0.clear();
            }
            Target::Direct(mut f) => f.flush()?,
        }
        Ok(())
    }
}

/// Where the bytes for `dest` go: see [`AtomicFile`].
fn open_target(dest: &Path) -> io::Result<Target> {
    if dest.as_os_str() == "-" {
        return Ok(Target::Direct(Box::new(io::stdout())));
    }
    // Follows symlinks: `/dev/stdout` is the file or pipe fd 1 is.
    match std::fs::metadata(dest) {
        Ok(m) => {
            if same_inode(&m, stream_metadata(Stream::Stdout).as_ref()) {
                Ok(Target::Direct(Box::new(io::stdout())))
            } else if same_inode(&m, stream_metadata(Stream::Stderr).as_ref()) {
                Ok(Target::Direct(Box::new(io::stderr())))
            } else if m.is_dir() {
                Err(io::Error::other("is a directory"))
            } else if !m.is_file() {
                let f = std::fs::OpenOptions::new().write(true).open(dest)?;
                Ok(Target::Direct(Box::new(f)))
            } else {
                // Replace the file a symlink points to, not the link.
                temp_beside(&std::fs::canonicalize(dest)?, Some(mode_of(&m)))
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => temp_beside(dest, None),
        Err(e) => Err(e),
    }
}

/// A temp file in `dest`'s directory (created if needed), registered for
/// deletion on a signal, with the mode `dest` will have: `mode`, or 0666
/// less the umask (applied by the system as it creates the file).
fn temp_beside(dest: &Path, mode: Option<u32>) -> io::Result<Target> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let made_dirs = MadeDirs::create(dir)?;
    let mut registered = None;
    let file = tempfile::Builder::new()
        .prefix(".deboil-")
        .suffix(".tmp")
        .make_in(dir, |path| {
            let (f, r) = cleanup::create_registered(path, |p| create_new(p, mode))?;
            registered = Some(r);
            Ok(f)
        })
        .map_err(without_temp_path)?;
    Ok(Target::Temp {
        file,
        made_dirs,
        mode,
        dest: dest.to_path_buf(),
        _registered: registered.expect("set on success"),
    })
}

/// The directories an output's path needed and that were made for it,
/// deepest last: removed again, if still empty, when the output is dropped
/// uncommitted, so that a failed run leaves no new empty directories.
struct MadeDirs(Vec<(PathBuf, cleanup::MadeDir)>);

impl MadeDirs {
    /// Makes `dir` and its missing parents.
    fn create(dir: &Path) -> io::Result<MadeDirs> {
        let mut missing: Vec<PathBuf> = dir
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .take_while(|a| std::fs::symlink_metadata(a).is_err())
            .map(Path::to_path_buf)
            .collect();
        missing.reverse();
        // Registered before they exist, so that a signal finds them.
        let made = MadeDirs(
            missing
                .into_iter()
                .map(|d| {
                    let r = cleanup::made_dir(&d);
                    (d, r)
                })
                .collect(),
        );
        std::fs::create_dir_all(dir)?;
        Ok(made)
    }
}

impl Drop for MadeDirs {
    fn drop(&mut self) {
        // A directory another output still uses is not empty: it stays.
        for (d, _) in self.0.iter().rev() {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
        }
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
fn create_new(path: &Path, mode: Option<u32>) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode.unwrap_or(0o666))
        .open(path)
}

#[cfg(not(unix))]
fn create_new(path: &Path, _: Option<u32>) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// The permission bits to keep (set-id bits are not carried over to new content).
#[cfg(unix)]
fn mode_of(m: &Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn mode_of(_: &Metadata) -> u32 {
    0
}

#[cfg(unix)]
fn set_mode(f: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &File, _: u32) -> io::Result<()> {
    Ok(())
}

#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// What the process's stdout or stderr is (`None` when closed).
#[cfg(unix)]
fn stream_metadata(s: Stream) -> Option<Metadata> {
    use std::os::fd::AsFd;
    let fd = match s {
        Stream::Stdout => io::stdout().as_fd().try_clone_to_owned(),
        Stream::Stderr => io::stderr().as_fd().try_clone_to_owned(),
    };
    File::from(fd.ok()?).metadata().ok()
}

#[cfg(not(unix))]
fn stream_metadata(_: Stream) -> Option<Metadata> {
    None
}

#[cfg(unix)]
fn same_inode(a: &Metadata, b: Option<&Metadata>) -> bool {
    use std::os::unix::fs::MetadataExt;
    b.is_some_and(|b| a.dev() == b.dev() && a.ino() == b.ino())
}

#[cfg(not(unix))]
fn same_inode(_: &Metadata, _: Option<&Metadata>) -> bool {
    false
}

#[cfg(unix)]
fn is_char_device(m: &Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    m.file_type().is_char_device()
}

#[cfg(not(unix))]
fn is_char_device(_: &Metadata) -> bool {
    false
}

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

/// `path` resolved, links and all, though it need not exist yet: its
/// nearest existing ancestor resolved, then the rest of the path. `None`
/// where the path cannot be resolved so (it ends in `..`, say).
pub fn resolve_maybe_new(path: &Path) -> Option<PathBuf> {
    let mut at = std::path::absolute(path).ok()?;
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(&at) {
            return Some(rest.iter().rev().fold(c, |p: PathBuf, n| p.join(n)));
        }
        rest.push(at.file_name()?.to_os_string());
        at = at.parent()?.to_path_buf();
    }
}

/// Refuses an output path that is one of the inputs: `what` names the
/// output in the message.
pub fn refuse_input(out: &Path, inputs: &[Input], what: &str) -> Result<()> {
    if out.as_os_str() == "-" {
        return Ok(());
    }
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
    // Named by its flag, as other output errors are: a run has several.
    AtomicFile::create(path)
        .map_err(|e| Error::Usage(format!("creating {what} {}: {e}", path.display())))
}

/// A mirrored output tree must not be, or lie inside, an input directory,
/// must not map any output onto its input, nor two inputs onto one output.
/// `args` are the paths as given, `inputs` what they expanded to.
pub fn check_out_dir(dir: &Path, args: &[PathBuf], inputs: &[Input]) -> Result<()> {
    refuse_stdout_dir(dir, "--out-dir")?;
    // A file there: the run failed at its first output, as
    // `FILE/a.jsonl: Not a directory`, naming neither flag nor file.
    if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::Usage(format!(
            "--out-dir {} is a file, not a directory; name a directory (made if missing)",
            dir.display()
        )));
    }
    if inputs.iter().any(|i| i.path.is_none()) {
        return Err(Error::Usage(
            "--out-dir needs input paths: it mirrors the input tree, and stdin has none".into(),
        ));
    }
    // A directory the run would make counts too: else the first run wrote
    // into the input tree and only the next one was refused.
    let resolved = resolve_maybe_new(dir);
    for a in args {
        let inside = match (&resolved, std::fs::canonicalize(a)) {
            (Some(d), Ok(o)) => d.starts_with(o),
            _ => false,
        };
        if a.is_dir() && inside {
            return Err(Error::Usage(format!(
                "--out-dir {} lies inside the input directory {}; choose a directory outside it",
                dir.display(),
                a.display()
            )));
        }
    }
    let mut seen: HashMap<&Path, &Input> = HashMap::new();
    for i in inputs {
        let target = dir.join(&i.relative);
        refuse_input(&target, std::slice::from_ref(i), "--out-dir's output")?;
        if let Some(first) = seen.insert(&i.relative, i) {
            return Err(Error::Usage(format!(
                "--out-dir would write both {} and {} to {}; give them as relative paths \
                 from different folders, or as one directory",
                first.name,
                i.name,
                target.display()
            )));
        }
    }
    Ok(())
}

/// Refuses outputs that are inputs, as [`refuse_input`] does one, looking
/// each input up once. Outputs are as for [`refuse_shared_outputs`].
pub fn refuse_inputs<P: AsRef<Path>>(outputs: &[(String, P)], inputs: &[Input]) -> Result<()> {
    let inputs: std::collections::HashSet<PathBuf> = inputs
        .iter()
        .filter_map(|i| std::fs::canonicalize(i.path.as_ref()?).ok())
        .collect();
    for (label, path) in outputs {
        let path = path.as_ref();
        if path.as_os_str() != "-" && std::fs::canonicalize(path).is_ok_and(|p| inputs.contains(&p))
        {
            return Err(Error::Usage(format!(
                "{label} is an input file; deboil never overwrites its inputs"
            )));
        }
    }
    Ok(())
}

/// Refuses `-` (stdout) where a directory is needed; `what` names it.
pub fn refuse_stdout_dir(dir: &Path, what: &str) -> Result<()> {
    if dir.as_os_str() == "-" {
        return Err(Error::Usage(format!(
            "{what} takes a directory, and `-` (stdout) is none"
        )));
    }
    Ok(())
}

/// What an output path names, to tell whether two outputs are one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum OutputKey {
    Stdout,
    Stderr,
    /// An existing file, pipe or socket, by device and inode.
    Inode(u64, u64),
    /// An existing file where inodes are not at hand.
    #[cfg(not(unix))]
    Canonical(PathBuf),
    /// A path that does not exist yet, absolute and normalised.
    New(PathBuf),
}

/// The key of an output path; `None` for one that any number of outputs
/// may share (a terminal, `/dev/null`) or that cannot be looked at (its
/// creation reports why).
fn output_key(p: &Path) -> Option<OutputKey> {
    if p.as_os_str() == "-" {
        return Some(OutputKey::Stdout);
    }
    match std::fs::metadata(p) {
        Ok(m) if is_char_device(&m) => None,
        Ok(m) if same_inode(&m, stream_metadata(Stream::Stdout).as_ref()) => {
            Some(OutputKey::Stdout)
        }
        Ok(m) if same_inode(&m, stream_metadata(Stream::Stderr).as_ref()) => {
            Some(OutputKey::Stderr)
        }
        Ok(m) => Some(existing_key(p, &m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Some(OutputKey::New(normalise(p))),
        Err(_) => None,
    }
}

#[cfg(unix)]
fn existing_key(_: &Path, m: &Metadata) -> OutputKey {
    use std::os::unix::fs::MetadataExt;
    OutputKey::Inode(m.dev(), m.ino())
}

#[cfg(not(unix))]
fn existing_key(p: &Path, _: &Metadata) -> OutputKey {
    OutputKey::Canonical(std::fs::canonicalize(p).unwrap_or_else(|_| normalise(p)))
}

/// `p` made absolute: its longest existing ancestor resolved through
/// symlinks, the rest taken as written (`.` dropped, `..` going up).
fn normalise(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let parts: Vec<Component> = abs.components().collect();
    for k in (0..=parts.len()).rev() {
        let head: PathBuf = parts[..k].iter().collect();
        let Ok(mut out) = std::fs::canonicalize(&head) else {
            continue;
        };
        for c in &parts[k..] {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(n) => out.push(n),
                _ => {}
            }
        }
        return out;
    }
    abs
}

/// Refuses two outputs that are one file (by inode when it exists, else by
/// absolute path), or both stdout or both stderr, before anything is
/// written. Each output is `(label, path)`: the label names it in the
/// message, and the path `-` is stdout.
pub fn refuse_shared_outputs<P: AsRef<Path>>(outputs: &[(String, P)]) -> Result<()> {
    let mut seen: HashMap<OutputKey, &str> = HashMap::new();
    for (label, path) in outputs {
        let Some(key) = output_key(path.as_ref()) else {
            continue;
        };
        if let Some(first) = seen.get(&key) {
            return Err(Error::Usage(match key {
                OutputKey::Stdout => {
                    format!("{first} and {label} both write to stdout; give one of them a file")
                }
                OutputKey::Stderr => {
                    format!("{first} and {label} both write to stderr; give one of them a file")
                }
                _ => format!("{first} and {label} are one file; give each output its own"),
            }));
        }
        seen.insert(key, label);
    }
    Ok(())
}

/// Refuses file outputs inside `dir`, a directory the run fills (`what`
/// names it in the message). Outputs are as for [`refuse_shared_outputs`].
pub fn refuse_outputs_inside<P: AsRef<Path>>(
    dir: &Path,
    what: &str,
    outputs: &[(String, P)],
) -> Result<()> {
    let dir_abs = normalise(dir);
    for (label, path) in outputs {
        let path = path.as_ref();
        if path.as_os_str() != "-" && normalise(path).starts_with(&dir_abs) {
            return Err(Error::Usage(format!(
                "{label} lies inside {what} {}; write it elsewhere",
                dir.display()
            )));
        }
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

    #[cfg(unix)]
    #[test]
    fn outputs_are_one_file_by_any_name_existing_or_not() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let pair = |a: PathBuf, b: PathBuf| {
            refuse_shared_outputs(&[("a".to_string(), a), ("b".to_string(), b)])
        };
        // Not there yet: compared by absolute path, `.` and `..` resolved.
        assert!(pair(d.join("new/x"), d.join("new/./y/../x")).is_err());
        assert!(pair(d.join("new/x"), d.join("new/y")).is_ok());
        // There: by inode, so a symlink or a hard link is the same file.
        std::fs::write(d.join("f"), "").unwrap();
        std::os::unix::fs::symlink(d.join("f"), d.join("link")).unwrap();
        std::fs::hard_link(d.join("f"), d.join("hard")).unwrap();
        assert!(pair(d.join("f"), d.join("link")).is_err());
        assert!(pair(d.join("hard"), d.join("link")).is_err());
        // `-` twice is stdout twice; `/dev/null` takes any number of writers.
        let err = pair("-".into(), "-".into()).unwrap_err().to_string();
        assert!(err.contains("both write to stdout"), "{err}");
        assert!(pair("/dev/null".into(), "/dev/null".into()).is_ok());
        let inside = refuse_outputs_inside(d, "the index", &[("o".to_string(), d.join("a/b"))]);
        assert!(inside.is_err());
    }
}
