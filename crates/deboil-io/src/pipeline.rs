//! Streaming: a reader thread → batches mapped in parallel → the caller, in
//! input order.
//!
//! A reader thread decompresses and frames records into batches of bounded
//! size; each batch is mapped on the given rayon pool, and the calling thread
//! handles the results in input order, so memory holds at most a few batches
//! whatever the input size, and results do not depend on the number of
//! threads. The jobs in [`crate::jobs`] are built on it.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

use rayon::ThreadPool;
use rayon::prelude::*;

use crate::doc::FieldNames;
use crate::error::{Error, Result};
use crate::read::{Batch, FormatChoice, Input, RawRecord, Records};
use crate::site::SiteChoice;

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// How to frame inputs into documents.
    pub format: FormatChoice,
    /// The JSONL fields to read.
    pub names: FieldNames,
    /// Longest record (JSONL line or text file) accepted.
    pub max_doc_bytes: usize,
    /// Records are handed to the workers in batches of about this many bytes.
    pub batch_bytes: usize,
    /// The site of documents that name none.
    pub site: SiteChoice,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: FormatChoice::Auto,
            names: FieldNames::default(),
            max_doc_bytes: 64 << 20,
            batch_bytes: 4 << 20,
            site: SiteChoice::default(),
        }
    }
}

/// Spawns the reader thread: batches of records, in input order.
pub fn read_batches(
    inputs: Vec<Input>,
    opts: &ReadOptions,
) -> mpsc::Receiver<Result<Vec<RawRecord>>> {
    let (tx, rx) = mpsc::sync_channel(2);
    let opts = opts.clone();
    std::thread::spawn(move || {
        let guard = tx.clone();
        let read = std::panic::catch_unwind(AssertUnwindSafe(move || {
            let mut batch = Batch::new(opts.batch_bytes);
            for (index, input) in inputs.into_iter().enumerate() {
                let site = match opts.site.fallback_site(&input) {
                    Ok(site) => site,
                    Err(e) => {
                        let _ = tx.send(Err(Error::Usage(format!("{}: {e}", input.name))));
                        return;
                    }
                };
                let opened =
                    Records::open(input.clone(), index, opts.format, opts.max_doc_bytes, site);
                let mut records = match opened {
                    Ok(r) => r,
                    Err(e) => {
                        let name = input.name.clone();
                        let _ = tx.send(Err(Error::io(name, e)));
                        return;
                    }
                };
                while !records.fill(&mut batch) {
                    // Taken when only skipped lines filled it: nothing to send.
                    let taken = batch.take();
                    if !taken.is_empty() && tx.send(Ok(taken)).is_err() {
                        return;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(Ok(batch.take()));
            }
        }));
        if read.is_err() {
            let e = std::io::Error::other("the reader failed (a bug): the output is incomplete");
            let _ = guard.send(Err(Error::io("<reader>", e)));
        }
    });
    rx
}

/// Reads `inputs` in batches, maps every record with `work` in parallel, and
/// hands each batch with its results, in input order, to `each` on the
/// calling thread. The next batch is worked on while `each` handles the
/// last one, so sequential decisions do not leave the workers idle.
pub fn par_batches<T, W, E>(
    inputs: Vec<Input>,
    read: &ReadOptions,
    pool: &ThreadPool,
    work: W,
    mut each: E,
) -> Result<()>
where
    T: Send,
    W: Fn(&RawRecord) -> T + Sync,
    E: FnMut(Vec<RawRecord>, Vec<T>) -> Result<()>,
{
    let batches = read_batches(inputs, read);
    std::thread::scope(|scope| {
        for item in spawn_map(scope, batches, pool, &work) {
            let (batch, out) = item?;
            each(batch, out)?;
        }
        Ok(())
    })
}

/// [`par_batches`] with a step `then` that runs on each batch's results, in
/// order, in a stage of its own between the workers and `each`: a spool
/// write. The workers map batch N+1 while `then` handles batch N and the
/// calling thread runs `each` on batch N-1, so none waits for another.
pub fn par_batches_then<T, W, P, E>(
    inputs: Vec<Input>,
    read: &ReadOptions,
    pool: &ThreadPool,
    work: W,
    mut then: P,
    mut each: E,
) -> Result<()>
where
    T: Send,
    W: Fn(&RawRecord) -> T + Sync,
    P: FnMut(&mut [T]) -> Result<()> + Send,
    E: FnMut(Vec<RawRecord>, Vec<T>) -> Result<()>,
{
    let batches = read_batches(inputs, read);
    std::thread::scope(|scope| {
        let mapped = spawn_map(scope, batches, pool, &work);
        let (tx, rx) = mpsc::sync_channel::<Mapped<T>>(1);
        let then = &mut then;
        scope.spawn(move || {
            for item in mapped {
                let item = item.and_then(|(b, mut out)| {
                    then(&mut out)?;
                    Ok((b, out))
                });
                let stop = item.is_err();
                // A closed channel means the caller stopped: so do we.
                if tx.send(item).is_err() || stop {
                    return;
                }
            }
        });
        for item in rx {
            let (batch, out) = item?;
            each(batch, out)?;
        }
        Ok(())
    })
}

/// A batch with its results, or the error that ended the read.
type Mapped<T> = Result<(Vec<RawRecord>, Vec<T>)>;

/// Batches mapped at once. With one, the workers wait at each batch's end
/// while the last records finish and the next batch is handed over; with two,
/// an idle worker starts the next batch meanwhile.
const IN_FLIGHT: usize = 2;

/// Spawns, in `scope`, the stage that maps each batch with `work` on
/// `pool`; batches come out in order.
fn spawn_map<'scope, T, W>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    batches: mpsc::Receiver<Result<Vec<RawRecord>>>,
    pool: &'scope ThreadPool,
    work: &'scope W,
) -> mpsc::Receiver<Mapped<T>>
where
    T: Send + 'scope,
    W: Fn(&RawRecord) -> T + Sync,
{
    let (tx, rx) = mpsc::sync_channel::<Mapped<T>>(1);
    scope.spawn(move || {
        let (done_tx, done_rx) =
            mpsc::channel::<(usize, Vec<RawRecord>, std::thread::Result<Vec<T>>)>();
        pool.in_place_scope(|s| {
            // Mapped batches that came back before an earlier one.
            let mut early = std::collections::BTreeMap::new();
            let (mut spawned, mut sent) = (0usize, 0usize);
            let mut read_end: Option<Result<()>> = None;
            loop {
                // Hand on what is ready, in order.
                while let Ok((i, b, out)) = done_rx.try_recv() {
                    early.insert(i, (b, out));
                }
                while let Some((b, out)) = early.remove(&sent) {
                    sent += 1;
                    let out = out.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    // A closed channel means the caller stopped: so do we
                    // (the scope still waits for the batches in flight).
                    if tx.send(Ok((b, out))).is_err() {
                        return;
                    }
                }
                if read_end.is_none() && spawned - sent < IN_FLIGHT {
                    match batches.recv() {
                        Ok(Ok(b)) => {
                            let (i, done) = (spawned, done_tx.clone());
                            spawned += 1;
                            s.spawn(move |_| {
                                // A panic is sent on, so that the stage waiting
                                // for this batch raises it rather than hangs.
                                let out = std::panic::catch_unwind(AssertUnwindSafe(|| {
                                    b.par_iter().map(work).collect::<Vec<T>>()
                                }));
                                // The receiver lives until the scope ends.
                                let _ = done.send((i, b, out));
                            });
                        }
                        Ok(Err(e)) => read_end = Some(Err(e)),
                        Err(_) => read_end = Some(Ok(())),
                    }
                } else if spawned > sent {
                    let (i, b, out) = done_rx.recv().expect("a spawned batch reports back");
                    early.insert(i, (b, out));
                } else {
                    // Every batch is handed on; an error ends the output.
                    if let Some(Err(e)) = read_end {
                        let _ = tx.send(Err(e));
                    }
                    return;
                }
            }
        });
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    /// A JSONL file of `n` one-line records in a temp dir, as an input.
    fn jsonl(dir: &tempfile::TempDir, n: usize) -> Input {
        let path = dir.path().join("in.jsonl");
        let lines: String = (0..n)
            .map(|i| format!("{{\"text\": \"record {i}\"}}\n"))
            .collect();
        std::fs::write(&path, lines).unwrap();
        Input {
            path: Some(path),
            relative: "in.jsonl".into(),
            name: "in.jsonl".into(),
        }
    }

    /// Batches of one record each, so that each record is a batch of its own.
    fn one_record_batches() -> ReadOptions {
        ReadOptions {
            batch_bytes: 1,
            ..ReadOptions::default()
        }
    }

    #[test]
    fn a_later_batch_that_finishes_first_still_comes_out_after_the_earlier() {
        let dir = tempfile::tempdir().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let second_done = AtomicBool::new(false);
        let mut lines = Vec::new();
        let mut waited = false;
        par_batches(
            vec![jsonl(&dir, 6)],
            &one_record_batches(),
            &pool,
            |rec| {
                if rec.line == 1 {
                    // Held until the second batch is mapped: its result is then
                    // ready before this one's. (Bounded, so that a pipeline that
                    // maps one batch at a time fails below instead of hanging.)
                    let start = Instant::now();
                    while !second_done.load(Ordering::Acquire)
                        && start.elapsed() < Duration::from_secs(10)
                    {
                        std::thread::yield_now();
                    }
                    return (rec.line, second_done.load(Ordering::Acquire));
                }
                if rec.line == 2 {
                    second_done.store(true, Ordering::Release);
                }
                (rec.line, false)
            },
            |batch, out| {
                assert_eq!(batch.len(), out.len());
                for (rec, (line, saw)) in batch.iter().zip(out) {
                    assert_eq!(rec.line, line);
                    waited |= saw;
                    lines.push(line);
                }
                Ok(())
            },
        )
        .unwrap();
        assert!(
            waited,
            "the second batch was mapped while the first was still being mapped"
        );
        assert_eq!(lines, (1..=6).collect::<Vec<u64>>());
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller_and_does_not_hang() {
        let dir = tempfile::tempdir().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let input = jsonl(&dir, 20);
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
            par_batches(
                vec![input],
                &one_record_batches(),
                &pool,
                |rec| {
                    assert_ne!(rec.line, 7, "record 7");
                    rec.line
                },
                |_, _| Ok(()),
            )
        }));
        assert!(run.is_err());
    }
}
