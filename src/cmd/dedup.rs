//! `deboil dedup` and `deboil run` (which cleans first).

use std::process::ExitCode;

use deboil_core::dedup::Preset;
use deboil_io::index::{self, IndexMeta};
use deboil_io::jobs::SideOutputs;
use deboil_io::jobs::dedup::{DedupJob, DedupOutputs, OutputMode, Transform};
use deboil_io::read::collect_inputs;
use deboil_io::summary;

use super::{Outputs, report_prepared, stdout};
use crate::args::{DedupFlags, InputArgs, RuleArgs};

/// `dedup` without rules, `run` with them.
pub fn run(
    input: &InputArgs,
    rules: Option<&RuleArgs>,
    f: &DedupFlags,
) -> anyhow::Result<ExitCode> {
    let pool = input.pool()?;
    let preset = match rules {
        Some(_) => Preset::Cleaned,
        None => Preset::Raw,
    };
    let opts = f.settings().resolve(preset)?;
    if f.verbose {
        eprintln!("deboil: {}", opts.describe());
    }
    let read = input.read_options();
    let mut inputs = collect_inputs(&input.inputs)?;
    let prepared = match rules {
        Some(r) => {
            let p = r
                .rule_options()
                .prepare(&mut inputs, &read, &pool, input.skip_bad)?;
            report_prepared(&p, input.quiet);
            Some(p)
        }
        None => None,
    };
    let mut files = Outputs::default();
    let output = files.open(f.output.as_ref(), &inputs, "-o")?;
    let clusters = files.open(f.clusters.as_ref(), &inputs, "--clusters")?;
    let rejects = files.open(input.rejects.as_ref(), &inputs, "--rejects")?;
    let meta = IndexMeta::for_options(&opts, 0);
    let against = match &f.against {
        Some(dir) => Some(index::load(dir, &meta)?),
        None => None,
    };
    let job = DedupJob {
        transform: prepared.as_ref().map(|p| &p.cleaner as &dyn Transform),
        read,
        opts,
        against,
        collect_index: f.save_index.is_some(),
    };
    let result = {
        let [output, clusters, rejects] = files.writers([output, clusters, rejects]);
        let outputs = DedupOutputs {
            out: match output {
                Some(w) => w,
                None => stdout(),
            },
            clusters,
            mode: if f.mark {
                OutputMode::Mark
            } else {
                OutputMode::Drop
            },
        };
        let side = SideOutputs {
            explain: None,
            rejects,
            skip_bad: input.skip_bad,
        };
        job.run(inputs, &pool, outputs, side)?
    };
    if let Some(dir) = &f.save_index {
        let kept = result.found.kept_index().expect("collected");
        let meta = IndexMeta {
            docs: kept.len(),
            ..meta
        };
        index::save(&kept, dir, &meta)?;
    }
    files.commit()?;
    if !input.quiet {
        let s = &result.summary;
        match &prepared {
            // `run` first reports its cleaning, skipped records included.
            Some(p) => eprint!(
                "{}{}",
                summary::clean_text("run", &s.read, p.cleaner.rules()),
                summary::dedup_text("run", s, f.verbose)
            ),
            None => eprint!(
                "{}{}",
                summary::dedup_text("dedup", s, f.verbose),
                summary::skipped_text(&s.read)
            ),
        }
    }
    // Not silenced by -q: the outputs name documents by these ids.
    eprint!("{}", summary::duplicate_ids_text(&result.summary));
    Ok(ExitCode::SUCCESS)
}
