//! How far a running job is, for a caller that shows it: the phase, and
//! for phases that read a known amount, the bytes done of the total.
//!
//! The counters are process-wide atomics: the jobs (and the input readers,
//! which count the bytes they take from each file, compressed or not)
//! update them, and a caller's thread reads a [`Snapshot`] whenever it
//! likes. Updating costs one relaxed atomic add per buffer read or batch,
//! and nothing is ever printed here.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// One phase of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phase {
    /// What is being done: `learning`, `cleaning`, `reading`, `signing`,
    /// `clustering`, `writing`.
    pub name: &'static str,
    /// Bytes the phase goes through, when known (input files, the spool).
    pub total: Option<u64>,
}

/// What a caller sees of the progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    /// The phase now, `None` before the first.
    pub phase: Option<Phase>,
    /// Counts phases begun, so that a caller notices a new one.
    pub serial: u64,
    /// Bytes done in this phase.
    pub done: u64,
    /// Documents handled since the process started.
    pub docs: u64,
}

struct State {
    phase: Mutex<(Option<Phase>, u64)>,
    done: AtomicU64,
    docs: AtomicU64,
}

static STATE: State = State {
    phase: Mutex::new((None, 0)),
    done: AtomicU64::new(0),
    docs: AtomicU64::new(0),
};

/// Begins a phase: its bytes start from zero.
pub fn begin(name: &'static str, total: Option<u64>) {
    let mut p = STATE.phase.lock().unwrap_or_else(|e| e.into_inner());
    STATE.done.store(0, Ordering::Relaxed);
    *p = (Some(Phase { name, total }), p.1 + 1);
}

/// Counts `n` bytes done in the current phase.
pub fn add_bytes(n: u64) {
    STATE.done.fetch_add(n, Ordering::Relaxed);
}

/// Counts `n` documents handled.
pub fn add_docs(n: u64) {
    STATE.docs.fetch_add(n, Ordering::Relaxed);
}

/// The progress now.
pub fn snapshot() -> Snapshot {
    let p = *STATE.phase.lock().unwrap_or_else(|e| e.into_inner());
    Snapshot {
        phase: p.0,
        serial: p.1,
        done: STATE.done.load(Ordering::Relaxed),
        docs: STATE.docs.load(Ordering::Relaxed),
    }
}

/// The bytes of the input files (`None` when one is stdin or cannot be
/// measured), the total of a phase that reads them.
pub fn input_bytes(inputs: &[crate::read::Input]) -> Option<u64> {
    inputs.iter().try_fold(0u64, |sum, i| {
        let meta = std::fs::metadata(i.path.as_ref()?).ok()?;
        meta.is_file().then(|| sum + meta.len())
    })
}

/// A reader that counts the bytes it reads as done in the current phase.
pub(crate) struct Counted<R>(pub R);

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        add_bytes(n as u64);
        Ok(n)
    }
}
