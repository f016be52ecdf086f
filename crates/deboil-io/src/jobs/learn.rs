//! Learning from files: the counting read (which keeps most example texts),
//! a short read for any others, and the cleaner a job gets when it learns
//! first (rule files, learned rules and the body finder).

use std::io::Write;
use std::path::PathBuf;

use rayon::ThreadPool;

use deboil_core::clean::{CleanOptions, Cleaner};
use deboil_core::extract::ExtractOptions;
use deboil_core::learn::{LearnOptions, Learned, Learner};
use deboil_core::page::PageFinder;
use deboil_core::rules::{RuleSet, RuleSource, Toggles};

use super::{SideOutputs, Summary};
use crate::doc::{Document, LearnPage};
use crate::error::{Error, Result};
use crate::pipeline::{ReadOptions, par_batches, read_batches};
use crate::read::{Input, RawRecord, spool_stdin};
use crate::rule_files;
use crate::write::{AtomicFile, output_file};

/// Learns from `inputs`: one read counts, and keeps the example texts of
/// each site's first pages; a rule whose lines first occur later sends a
/// second read to the pages holding them (framed, not parsed, until it has
/// them all). Bad records go to `side` (stop, or counted in the summary and
/// copied to the rejects when skipping them).
pub fn learn_inputs(
    inputs: &[Input],
    read: &ReadOptions,
    pool: &ThreadPool,
    opts: LearnOptions,
    side: &mut SideOutputs,
) -> Result<(Learned, Summary)> {
    let mut learner = Learner::new(opts);
    let mut summary = Summary::default();
    crate::progress::begin("learning", crate::progress::input_bytes(inputs));
    let work = |rec: &RawRecord| LearnPage::read(rec, &read.names);
    // Records are placed by their number in the read, bad ones included,
    // so that a second read finds them without parsing the others.
    let mut at = 0u64;
    par_batches(inputs.to_vec(), read, pool, work, |batch, pages| {
        for (rec, p) in batch.iter().zip(pages) {
            match p {
                Ok(page) => page.add_to(&mut learner, rec, at),
                Err(b) => side.bad_record(rec, b, &mut summary)?,
            }
            at += 1;
        }
        Ok(())
    })?;
    let mut counted = pool.install(|| learner.finish());
    let reread = counted.pages_to_read().to_vec();
    if let Some(&last) = reread.last() {
        let wanted = counted.wanted();
        crate::progress::begin("learning examples", crate::progress::input_bytes(inputs));
        let (mut at, mut next) = (0u64, reread.iter().peekable());
        'read: for batch in read_batches(inputs.to_vec(), read) {
            for rec in batch? {
                if next.next_if_eq(&&at).is_some()
                    && let Ok(d) = Document::parse(&rec, &read.names)
                {
                    counted.add_examples(&d.site, &d.text, &wanted);
                }
                if at == last {
                    break 'read;
                }
                at += 1;
            }
        }
    }
    side.finish()?;
    Ok((counted.complete(), summary))
}

/// Where a job's rules come from, and whether it learns first.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Leave out the rules built into the library.
    pub no_default_rules: bool,
    /// Rule files or directories of them, in order.
    pub paths: Vec<PathBuf>,
    /// Rules switched on or off by id.
    pub toggles: Toggles,
    /// The built-in cleanups.
    pub clean: CleanOptions,
    /// Find each page's body from the page alone (without learning; when
    /// learning with body finding, sites with too few pages get this anyway).
    pub page_body: bool,
    /// Learn from the inputs first.
    pub learn: Option<LearnFirst>,
}

/// Learning before a job: from the job's own inputs.
#[derive(Debug, Clone, Default)]
pub struct LearnFirst {
    /// How much evidence learning asks for.
    pub opts: LearnOptions,
    /// Also find each page's body.
    pub extract: bool,
    /// Also write the learned rules to this file.
    pub save_to: Option<PathBuf>,
}

/// A job's cleaner, ready, with what preparing it found.
pub struct Prepared {
    /// The cleaner.
    pub cleaner: Cleaner,
    /// What was learned, when the job learned first.
    pub learned: Option<Learned>,
    /// A hash of everything that decides the cleaning (the rule files'
    /// texts in load order, learned rules included, toggles, built-in cleanups, body
    /// finding), in hex: equal digests, equal cleaning.
    pub digest: String,
    /// The learned rules for `--save-learned`, written but not committed
    /// (with the path): the caller commits them with its other outputs once
    /// the run has succeeded, so that a failed run leaves no rule file.
    pub saved: Option<(AtomicFile, PathBuf)>,
    /// Stdin spooled to be read twice; removed when dropped.
    _spool: Option<crate::read::Spool>,
}

impl RuleOptions {
    /// The rule files (embedded defaults first, unless left out).
    pub fn sources(&self) -> Result<Vec<RuleSource>> {
        let mut sources = if self.no_default_rules {
            Vec::new()
        } else {
            RuleSource::embedded()
        };
        sources.extend(rule_files::read_all(&self.paths)?);
        Ok(sources)
    }

    /// The digest of [`Prepared::digest`] for rules from `sources`.
    fn digest(&self, sources: &[RuleSource]) -> String {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let mut field = |b: &[u8]| {
            h.update(&(b.len() as u64).to_le_bytes());
            h.update(b);
        };
        for s in sources {
            // Not the name: the same rules from another path clean the same.
            field(s.text.as_bytes());
            field(&[u8::from(s.learned)]);
        }
        for g in self.toggles.enable.iter().chain(&self.toggles.disable) {
            field(g.as_bytes());
        }
        field(&[self.toggles.enable.len() as u8]);
        field(format!("{:?}", self.clean).as_bytes());
        let extract = self.learn.as_ref().is_some_and(|l| l.extract);
        field(&[u8::from(extract)]);
        if extract || self.page_body {
            // Bodies of single pages (deboil_core::page): a field of its own,
            // so digests without it stay what they were.
            field(b"page-body 1");
        }
        format!("{:032x}", h.digest128())
    }

    /// Compiles the rules (on `pool`: `-j 1` means one thread) and, when
    /// learning first, learns from `inputs` (spooling stdin, so that the job
    /// can read it again). Bad records are passed over here: the job's own
    /// read reports them.
    pub fn prepare(
        &self,
        inputs: &mut [Input],
        read: &ReadOptions,
        pool: &ThreadPool,
        skip_bad: bool,
    ) -> Result<Prepared> {
        let mut sources = self.sources()?;
        let Some(first) = &self.learn else {
            let rules = pool.install(|| RuleSet::compile(&sources, &self.toggles))?;
            let mut cleaner = Cleaner::new(rules, self.clean.clone());
            if self.page_body {
                cleaner = cleaner.with_page_finder(PageFinder::default());
            }
            return Ok(Prepared {
                cleaner,
                learned: None,
                digest: self.digest(&sources),
                saved: None,
                _spool: None,
            });
        };
        // The body finder's regexes do not depend on what is learned: they
        // compile on a thread of their own while the learning read runs
        // (where no thread can be had, they compile on first use).
        let warm = first.extract.then(|| {
            std::thread::Builder::new()
                .spawn(deboil_core::extract::warm_up)
                .ok()
        });
        let spool = spool_stdin(inputs).map_err(|e| Error::temp("the copy of stdin", e))?;
        let mut quiet = SideOutputs {
            skip_bad,
            ..SideOutputs::default()
        };
        let (learned, _) = learn_inputs(inputs, read, pool, first.opts.clone(), &mut quiet)?;
        let source = learned.rule_source_beside(&sources);
        let saved = match &first.save_to {
            Some(path) => {
                let mut f = output_file(path, inputs, "--save-learned")?;
                // Named as other outputs are (flushed here, so that a full
                // disk is met here too); the kind kept, so that a closed
                // pipe (`--save-learned - | head`) ends the run quietly.
                f.write_all(source.text.as_bytes())
                    .and_then(|_| f.flush())
                    .map_err(|e| {
                        let named = format!("--save-learned {}: {e}", path.display());
                        Error::Output(std::io::Error::new(e.kind(), named))
                    })?;
                Some((f, path.clone()))
            }
            None => None,
        };
        sources.push(source);
        let rules = pool.install(|| RuleSet::compile(&sources, &self.toggles));
        if let Some(Err(panic)) = warm.flatten().map(std::thread::JoinHandle::join) {
            std::panic::resume_unwind(panic);
        }
        let mut cleaner = Cleaner::new(rules?, self.clean.clone());
        if first.extract {
            cleaner = cleaner
                .with_extractor(learned.extractor(ExtractOptions::default()))
                .with_page_finder(learned.page_finder());
        }
        Ok(Prepared {
            digest: self.digest(&sources),
            cleaner,
            learned: Some(learned),
            saved,
            _spool: spool,
        })
    }
}
