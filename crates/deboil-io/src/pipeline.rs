//! Streaming: a reader thread → batches mapped in parallel → the caller, in
//! input order.
//!
//! A reader thread decompresses and frames records into batches of bounded
//! size; each batch is mapped on the given rayon pool, and the calling thread
//! handles the results in input order, so memory holds at most a few batches
//! whatever the input size, and results do not depend on the number of
//! threads. The jobs in [`crate::jobs`] are built on it.

use std::sync::mpsc;

use rayon::ThreadPool;
use rayon::prelude::*;

use crate::doc::FieldNames;
use crate::error::{Error, Result};
use crate::read::{FormatChoice, Input, RawRecord, Records};
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
        let mut batch = Vec::new();
        let mut size = 0;
        for (index, input) in inputs.into_iter().enumerate() {
            let site = match opts.site.fallback_site(&input) {
                Ok(site) => site,
                Err(e) => {
                    let _ = tx.send(Err(Error::Usage(format!("{}: {e}", input.name))));
                    return;
                }
            };
            let opened = Records::open(input.clone(), index, opts.format, opts.max_doc_bytes, site);
            let records = match opened {
                Ok(r) => r,
                Err(e) => {
                    let name = input.name.clone();
                    let _ = tx.send(Err(Error::io(name, e)));
                    return;
                }
            };
            for rec in records {
                size += rec.bytes.len() + 64;
                batch.push(rec);
                if size >= opts.batch_bytes {
                    if tx.send(Ok(std::mem::take(&mut batch))).is_err() {
                        return;
                    }
                    size = 0;
                }
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(Ok(batch));
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
        for batch in batches {
            let item = batch.map(|b| {
                let out: Vec<T> = pool.install(|| b.par_iter().map(work).collect());
                (b, out)
            });
            let stop = item.is_err();
            // A closed channel means the caller stopped: so do we.
            if tx.send(item).is_err() || stop {
                return;
            }
        }
    });
    rx
}
