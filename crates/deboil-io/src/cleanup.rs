//! Temp files and directories to delete when the process is interrupted.
//!
//! Every temp path the library creates (an output's temp file, stdin spooled
//! to be read twice) is registered here while it exists. Once
//! [`install_signal_handlers`] has run, SIGINT, SIGTERM and SIGHUP delete the
//! registered paths and exit with 128 + the signal's number (130 for SIGINT);
//! a second signal during that cleanup exits at once. Without the handlers
//! the registry only costs a lock per temp file.
//!
//! Directories made for an output are registered apart ([`made_dir`]): a
//! signal removes them, deepest first, only when they are empty, so one that
//! something else wrote into stays.
//!
//! Renames that must land together (a run's outputs) hold [`commit_lock`]: a
//! signal then waits for them, so it finds all or none in place.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

static PATHS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static COMMIT: Mutex<()> = Mutex::new(());
static MADE_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A lock that survives a panic elsewhere: the data (paths) stays valid.
fn lock<T>(m: &'static Mutex<T>) -> MutexGuard<'static, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A registered temp path; dropping it unregisters the path (it does not
/// delete it: the owner does that, before dropping this).
#[must_use = "dropping it unregisters the path at once"]
#[derive(Debug)]
pub struct Registered {
    path: PathBuf,
}

impl Registered {
    /// The registered path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        unregister(&self.path);
    }
}

/// Registers an existing temp file or directory to delete on a signal. A
/// signal between its creation and this call leaves it behind: prefer
/// [`create_registered`], which closes that gap.
pub fn register(path: &Path) -> Registered {
    lock(&PATHS).push(path.to_path_buf());
    Registered {
        path: path.to_path_buf(),
    }
}

/// Creates a temp file or directory with `create` and registers `path`, as
/// one step as far as signals go: a signal handled meanwhile waits, then
/// deletes it. Nothing is registered when `create` fails.
pub fn create_registered<T>(
    path: &Path,
    create: impl FnOnce(&Path) -> io::Result<T>,
) -> io::Result<(T, Registered)> {
    let mut paths = lock(&PATHS);
    let made = create(path)?;
    paths.push(path.to_path_buf());
    Ok((
        made,
        Registered {
            path: path.to_path_buf(),
        },
    ))
}

/// A registered directory made for an output; dropping it unregisters it.
#[must_use = "dropping it unregisters the directory at once"]
#[derive(Debug)]
pub struct MadeDir {
    path: PathBuf,
}

impl Drop for MadeDir {
    fn drop(&mut self) {
        let mut dirs = lock(&MADE_DIRS);
        if let Some(i) = dirs.iter().rposition(|p| *p == self.path) {
            dirs.remove(i);
        }
    }
}

/// Registers `dir`, about to be made for an output, for removal on a signal
/// if it is then empty. Register before making it: a signal in between
/// finds nothing to remove, which is harmless.
pub fn made_dir(dir: &Path) -> MadeDir {
    lock(&MADE_DIRS).push(dir.to_path_buf());
    MadeDir {
        path: dir.to_path_buf(),
    }
}

/// Forgets one registration of `path` (what dropping [`Registered`] does).
pub fn unregister(path: &Path) {
    let mut paths = lock(&PATHS);
    if let Some(i) = paths.iter().rposition(|p| p == path) {
        paths.swap_remove(i);
    }
}

/// Held while renaming a set of outputs into place: a signal waits for it.
pub fn commit_lock() -> MutexGuard<'static, ()> {
    lock(&COMMIT)
}

/// Deletes every registered path; the registry stays locked, so nothing new
/// is created and registered until the process exits.
fn remove_all_and_exit(code: i32) -> ! {
    let _commit = commit_lock();
    let paths = lock(&PATHS);
    for p in paths.iter() {
        let _ = match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
            Ok(_) => std::fs::remove_file(p),
            Err(_) => Ok(()),
        };
    }
    // Made outermost first: removed innermost first, each only when empty.
    for d in lock(&MADE_DIRS).iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
    std::process::exit(code)
}

/// Makes SIGINT, SIGTERM and SIGHUP delete the registered temp paths and
/// exit with 128 + the signal number; call once, early in `main`. A no-op
/// off Unix.
pub fn install_signal_handlers() -> io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        use std::sync::atomic::{AtomicBool, Ordering};

        static CLEANING: AtomicBool = AtomicBool::new(false);
        const SIGNALS: [i32; 3] = [SIGINT, SIGTERM, SIGHUP];
        // Registered first, so a second signal (cleanup stuck on a slow disk)
        // ends the process at once instead of being ignored.
        for sig in SIGNALS {
            signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, &CLEANING)?;
        }
        let mut signals = signal_hook::iterator::Signals::new(SIGNALS)?;
        std::thread::Builder::new()
            .name("deboil-signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    CLEANING.store(true, Ordering::SeqCst);
                    remove_all_and_exit(128 + sig);
                }
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations_come_and_go() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a");
        let (_, r) = create_registered(&p, |p| std::fs::File::create(p)).unwrap();
        assert!(lock(&PATHS).contains(&p));
        drop(r);
        assert!(!lock(&PATHS).contains(&p));
        // A failed creation registers nothing.
        let q = dir.path().join("missing/b");
        assert!(create_registered(&q, |p| std::fs::File::create(p)).is_err());
        assert!(!lock(&PATHS).contains(&q));
    }
}
