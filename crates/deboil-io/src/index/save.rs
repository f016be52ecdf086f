//! Writing an index: the writer's lock, the data files staged beside the
//! manifest, the manifest renamed into place, and what is left removed.

use std::cell::{Cell, RefCell};
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use deboil_core::dedup::IndexedDocs;

use super::{
    DataFile, FORMAT_VERSION, Files, Hashing, IndexMeta, KIND, MANIFEST, Manifest, Part, hex,
    manifest_like,
};
use crate::error::{Error, Result};

/// The lock file's name inside an index directory.
pub(super) const LOCK_FILE: &str = ".lock";

/// Prefix and suffix of a save's temp files inside the index directory.
const TEMP_PREFIX: &str = ".deboil-index-";
const TEMP_SUFFIX: &str = ".tmp";

/// The files of format 2 and older, removed by the first save over them.
const OLD_FILES: [&str; 3] = ["ids.jsonl", "exact.bin", "signatures.bin"];

fn is_temp(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

pub(super) fn is_part(name: &str) -> bool {
    Part::ALL.iter().any(|p| p.matches(name))
}

/// Whether `name` is one a save leaves besides the manifest and the data
/// files: the lock, a temp file, a file of format 2.
pub(super) fn is_own(name: &str) -> bool {
    name == LOCK_FILE || is_temp(name) || OLD_FILES.contains(&name)
}

/// The right to write the index in one directory, held until dropped.
pub struct IndexLock {
    dir: PathBuf,
    file: File,
    /// Whether this lock created the directory (removed again if nothing was saved).
    created: bool,
    saved: Cell<bool>,
    /// While nothing is saved in a directory this run made, the lock file
    /// and the directories made, registered for removal on a signal (as
    /// every output's temp file and new directories are).
    on_signal: RefCell<Option<(crate::cleanup::Registered, Vec<crate::cleanup::MadeDir>)>>,
}

impl IndexLock {
    /// Takes the lock of the index in `dir`, creating the directory if
    /// needed. Fails at once if another process holds it, and refuses a
    /// directory that holds files but no index.
    pub fn acquire(dir: &Path) -> Result<IndexLock> {
        let lp = dir.join(LOCK_FILE);
        let mut created = false;
        let mut made = Vec::new();
        let mut tries = 0;
        let file = loop {
            match std::fs::metadata(dir) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(Error::Usage(format!(
                        "{}: an index is a directory, and this is a file",
                        dir.display()
                    )));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    // Registered before they exist, outermost first, so that
                    // a signal finds them (and removes them when empty).
                    let mut missing: Vec<&Path> = dir
                        .ancestors()
                        .filter(|a| !a.as_os_str().is_empty())
                        .take_while(|a| std::fs::symlink_metadata(a).is_err())
                        .collect();
                    missing.reverse();
                    made.extend(missing.into_iter().map(crate::cleanup::made_dir));
                    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                    created = true;
                }
                Err(e) => return Err(Error::io(dir, e)),
            }
            if tries == 0 {
                // Before the lock file is made, so none is left in such a directory.
                check_ours(dir)?;
            }
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&lp)
                .map_err(|e| Error::io(&lp, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => return Err(busy(dir, &lp)),
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&lp, e)),
            }
            // A writer that created the directory removes it (lock file and
            // all) when it saves nothing: make sure the file locked is still
            // the one at the path.
            if still_there(&file, &lp) {
                break file;
            }
            tries += 1;
            if tries == 10 {
                return Err(Error::Usage(format!(
                    "{}: the lock file keeps disappearing",
                    lp.display()
                )));
            }
        };
        let lock = IndexLock {
            dir: dir.to_path_buf(),
            file,
            created,
            saved: Cell::new(false),
            on_signal: RefCell::new(created.then(|| (crate::cleanup::register(&lp), made))),
        };
        // Who holds it, for the message a second writer gets.
        let mut f = &lock.file;
        let _ = f
            .set_len(0)
            .and_then(|()| writeln!(f, "pid {}", std::process::id()));
        Ok(lock)
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes and syncs the data files and the manifest of `index` (built
    /// with `meta`'s parameters) as temp files in the directory; nothing
    /// changes what a reader finds until [`StagedIndex::commit`].
    pub fn stage(&self, index: &IndexedDocs, meta: &IndexMeta) -> Result<StagedIndex<'_>> {
        if meta.docs != index.len() || meta.version != FORMAT_VERSION {
            return Err(Error::Usage(format!(
                "index metadata for {} documents in format {}, given {} documents for format {}",
                meta.docs,
                meta.version,
                index.len(),
                FORMAT_VERSION
            )));
        }
        let ids = self.write_part(Part::Ids, |w| {
            for id in &index.ids {
                serde_json::to_writer(&mut *w, id)?;
                w.write_all(b"\n")?;
            }
            Ok(())
        })?;
        let exact = self.write_part(Part::Exact, |w| {
            index
                .exact
                .iter()
                .try_for_each(|h| w.write_all(&h.to_le_bytes()))
        })?;
        let sigs = self.write_part(Part::Signatures, |w| {
            for s in &index.sigs {
                if s.values.len() != meta.num_perm {
                    return Err(io::Error::other("a signature of the wrong length"));
                }
                w.write_all(&s.shingles.to_le_bytes())?;
                for v in &s.values {
                    w.write_all(&v.to_le_bytes())?;
                }
            }
            Ok(())
        })?;
        let manifest = Manifest {
            kind: Some(KIND.to_string()),
            version: FORMAT_VERSION,
            shingle: meta.shingle.clone(),
            scheme: meta.scheme.clone(),
            num_perm: meta.num_perm,
            docs: index.len(),
            files: Files {
                ids: ids.1,
                exact: exact.1,
                signatures: sigs.1,
            },
            checksum: String::new(),
        };
        let bytes = manifest.clone().sealed();
        let mut tmp = self.temp()?;
        tmp.write_all(&bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| Error::io(tmp.path(), e))?;
        Ok(StagedIndex {
            lock: self,
            parts: vec![ids.0, exact.0, sigs.0],
            manifest,
            manifest_tmp: tmp,
        })
    }

    /// Stages and commits `index` in one go.
    pub fn save(&self, index: &IndexedDocs, meta: &IndexMeta) -> Result<()> {
        self.stage(index, meta)?.commit()
    }

    fn temp(&self) -> Result<Temp> {
        let mut b = tempfile::Builder::new();
        b.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
        // The usual mode for new files, less the umask (temp files are 0600).
        #[cfg(unix)]
        let perm = std::os::unix::fs::PermissionsExt::from_mode(0o666);
        #[cfg(unix)]
        b.permissions(perm);
        let file = b
            .tempfile_in(&self.dir)
            .map_err(|e| Error::io(&self.dir, e))?;
        // A signal now deletes it (tempfile picks the name, so it is
        // registered just after it exists).
        let reg = crate::cleanup::register(file.path());
        Ok(Temp { file, _reg: reg })
    }

    /// Writes one data file to a synced temp file; returns it and its entry.
    fn write_part(
        &self,
        part: Part,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(Temp, DataFile)> {
        let tmp = self.temp()?;
        let mut w = Hashing::new(BufWriter::with_capacity(1 << 20, tmp.as_file()));
        fill(&mut w)
            .and_then(|()| w.flush())
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| Error::io(tmp.path(), e))?;
        let sum = w.sum();
        let entry = DataFile {
            name: part.file_name(sum),
            bytes: w.bytes,
            xxh3_128: hex(sum),
        };
        drop(w);
        Ok((tmp, entry))
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        if self.created && !self.saved.get() {
            // Nothing saved in a directory this run made: leave nothing.
            let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
            let _ = std::fs::remove_dir(&self.dir);
        } else {
            let _ = self.file.set_len(0);
        }
        // Closing the file releases the lock.
    }
}

/// Refuses to write into a directory that holds anything but an index (a
/// save removes files there): every name must be one an index uses, and an
/// `index.json` that is JSON must look like a manifest.
fn check_ours(dir: &Path) -> Result<()> {
    let foreign = |what: &str| {
        Error::Usage(format!(
            "{}: not a deboil index ({what}); refusing to write an index into it",
            dir.display()
        ))
    };
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let name = e.map_err(|e| Error::io(dir, e))?.file_name();
        let name = name.to_string_lossy();
        let ours = name == LOCK_FILE
            || name == MANIFEST
            || is_part(&name)
            || is_temp(&name)
            || OLD_FILES.contains(&&*name);
        if !ours {
            return Err(foreign(&format!("it holds {name:?}")));
        }
    }
    let mp = dir.join(MANIFEST);
    if let Ok(raw) = std::fs::read(&mp)
        && serde_json::from_slice::<serde_json::Value>(&raw).is_ok()
        && !manifest_like(&raw)
    {
        return Err(foreign(&format!("{MANIFEST} is not a manifest")));
    }
    Ok(())
}

/// Whether `file` is still the file at `path`.
#[cfg(unix)]
fn still_there(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_there(_: &File, _: &Path) -> bool {
    true
}

/// The error a second writer gets, naming the holder where it can be read.
fn busy(dir: &Path, lock: &Path) -> Error {
    let mut holder = String::new();
    let _ = File::open(lock).and_then(|mut f| f.read_to_string(&mut holder));
    let holder = holder.trim();
    let holder = if holder.is_empty() {
        "another deboil run".to_string()
    } else {
        format!("another deboil run ({holder})")
    };
    Error::Usage(format!(
        "index {} is being written by {holder}; wait for it to finish or save to another directory",
        dir.display()
    ))
}

/// An index written beside the current one, not yet in place; dropping it
/// removes its temp files.
pub struct StagedIndex<'a> {
    lock: &'a IndexLock,
    parts: Vec<Temp>,
    manifest: Manifest,
    manifest_tmp: Temp,
}

/// A temp file of a save, deleted if a signal ends the run before it is
/// renamed into place.
struct Temp {
    file: NamedTempFile,
    _reg: crate::cleanup::Registered,
}

impl Temp {
    /// Renames it into place; only then does a signal leave it alone.
    fn persist(self, to: &Path) -> std::result::Result<(), tempfile::PersistError> {
        self.file.persist(to).map(drop)
    }
}

impl std::ops::Deref for Temp {
    type Target = NamedTempFile;
    fn deref(&self) -> &NamedTempFile {
        &self.file
    }
}

impl std::ops::DerefMut for Temp {
    fn deref_mut(&mut self) -> &mut NamedTempFile {
        &mut self.file
    }
}

impl StagedIndex<'_> {
    /// Puts the index in place: the data files under their names, then the
    /// manifest over the old one (the atomic step); then removes what no
    /// longer belongs.
    pub fn commit(self) -> Result<()> {
        let dir = &self.lock.dir;
        let names: Vec<&str> = Part::ALL
            .iter()
            .map(|&p| self.manifest.files.get(p).name.as_str())
            .collect();
        for (tmp, name) in self.parts.into_iter().zip(&names) {
            let p = dir.join(name);
            tmp.persist(&p).map_err(|e| Error::io(&p, e.error))?;
        }
        sync_dir(dir)?;
        let mp = dir.join(MANIFEST);
        self.manifest_tmp
            .persist(&mp)
            .map_err(|e| Error::io(&mp, e.error))?;
        sync_dir(dir)?;
        self.lock.saved.set(true);
        // Its lock file and directory now belong to the index.
        self.lock.on_signal.take();
        // The new index is in place; what remains is tidying, which may fail.
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                let stale = (is_part(&name) && !names.contains(&&*name))
                    || OLD_FILES.contains(&&*name)
                    || is_temp(&name);
                if stale {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(())
    }
}

/// Makes the directory's entries (renames) durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> Result<()> {
    Ok(())
}

/// Saves `index` to `dir` (created if needed) under the writer's lock, all
/// or nothing.
pub fn save(index: &IndexedDocs, dir: &Path, meta: &IndexMeta) -> Result<()> {
    IndexLock::acquire(dir)?.save(index, meta)
}
