//! `deboil dedup` and `deboil run` (which cleans first).

use std::process::ExitCode;

use anyhow::Context;
use deboil_core::dedup::Preset;
use deboil_io::index::{self, IndexLock, IndexMeta};
use deboil_io::jobs::SideOutputs;
use deboil_io::jobs::dedup::{DedupJob, DedupOutputs, OutputMode, Transform};
use deboil_io::summary;

use super::report::{self, Target};
use super::{OutputCheck, Outputs, main_output, report_prepared, stdout};
use crate::args::{DedupFlags, InputArgs, RuleArgs};
use crate::progress;

/// `dedup` without rules, `run` with them.
pub fn run(
    input: &InputArgs,
    rules: Option<&RuleArgs>,
    f: &DedupFlags,
) -> anyhow::Result<ExitCode> {
    let command = if rules.is_some() { "run" } else { "dedup" };
    run_reporting(
        input,
        rules,
        f,
        Target::of_flag(f.report.as_ref())?,
        command,
    )
}

/// [`run`], with a report to `target`; `command` names the job in it
/// (`report` writes nothing else).
pub fn run_reporting(
    input: &InputArgs,
    rules: Option<&RuleArgs>,
    f: &DedupFlags,
    target: Option<Target>,
    command: &str,
) -> anyhow::Result<ExitCode> {
    let only_report = command == "report";
    let pool = input.pool()?;
    let preset = match rules {
        Some(_) => Preset::Cleaned,
        None => Preset::Raw,
    };
    let opts = super::resolve_settings(f.settings(), preset)?;
    if f.verbose {
        eprintln!("deboil: {}", opts.describe());
    }
    if let Some(dir) = &f.save_index {
        refuse_index_inside_inputs(dir, &input.inputs)?;
    }
    // The index's lock first: a second writer fails before doing any work,
    // and an index grown in place cannot change between reading and saving.
    let lock = f
        .save_index
        .as_deref()
        .map(IndexLock::acquire)
        .transpose()?;
    // Saving over an index without reading it replaces it: right for a
    // rebuild, a loss where the run was meant to add to it. Said even with
    // -q, before any work, so that the run can still be stopped.
    if let (Some(dir), Some(_)) = (&f.save_index, &lock) {
        let grows = f
            .against
            .as_deref()
            .is_some_and(|a| deboil_io::write::same_file(a, dir));
        if let Some(n) = index::saved_docs(dir).filter(|_| !grows) {
            eprintln!(
                "deboil: warning: --save-index {0} replaces the index there ({n} document{1}) \
                 with this run's; to add to it, give --against {0} as well (to rebuild \
                 quietly, remove {0} first)",
                dir.display(),
                if n == 1 { "" } else { "s" }
            );
        }
    }
    let read = input.read_options();
    let mut inputs = input.collect(&input.inputs)?;
    let own = rules.into_iter().flat_map(|r| r.own_files());
    super::leave_out_rule_files(&mut inputs, &input.inputs, own);
    let output_path = main_output(f.output.as_ref());
    let mut check = OutputCheck::default();
    match (&target, only_report) {
        (Some(t), true) => check.main(t.path.as_ref()),
        (t, false) => check
            .main(output_path)
            .file("--report", t.as_ref().and_then(|t| t.path.as_ref())),
        (None, true) => &mut check,
    };
    check
        .file("--clusters", f.clusters.as_ref())
        .file("--rejects", input.rejects.as_ref())
        .learned(
            "--save-learned",
            rules.and_then(|r| r.save_learned.as_ref()),
        )
        .rules(rules.map_or(&[][..], |r| &r.rules))
        .index(f.against.as_deref())
        .data(&input.inputs, None)
        .check(
            &inputs,
            f.save_index.as_deref().map(|d| ("--save-index", d)),
        )?;
    let _progress = progress::start(input.quiet, f.verbose);
    let mut prepared = match rules {
        Some(r) => {
            super::refuse_streams(&inputs, r.learn)?;
            let p = r
                .rule_options()
                .prepare(&mut inputs, &read, &pool, input.skip_bad)?;
            report_prepared(&p, r, input.quiet);
            Some(p)
        }
        None => None,
    };
    let mut collector = target.as_ref().map(|_| {
        report::collector(report::header(
            command,
            &inputs,
            input,
            rules.zip(prepared.as_ref()),
            Some((f, &opts)),
        ))
    });
    let mut files = Outputs::default();
    files.adopt(prepared.as_mut());
    if let Some(dir) = &f.save_index {
        files.apart(format!("--save-index {}", dir.display()));
    }
    let report_slot = match &target {
        Some(t) => t.open(
            &mut files,
            &inputs,
            if only_report { "-o" } else { "--report" },
        )?,
        None => None,
    };
    let output = match only_report {
        true => None,
        false => files.open(output_path, &inputs, "-o")?,
    };
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
        template: f.template(),
        spool_memory: f.spool_memory as u64,
    };
    let result = {
        let [output, clusters, rejects] = files.writers([output, clusters, rejects]);
        let outputs = DedupOutputs {
            out: match output {
                Some(w) => w,
                None if only_report => Box::new(std::io::sink()),
                None => stdout(),
            },
            clusters,
            mode: if only_report {
                OutputMode::Discard
            } else if f.mark {
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
        job.run_with_report(inputs, &pool, outputs, side, collector.as_mut())?
    };
    drop(_progress);
    if let (Some(t), Some(c)) = (&target, collector) {
        let rules = prepared.as_ref().map(|p| p.cleaner.rules());
        t.write(c, rules, &result.summary.read, &mut files, report_slot)?;
    }
    // Written and synced before the outputs are committed, put in place
    // after: an index never holds documents whose output was not written.
    let staged = match &lock {
        Some(lock) => {
            let kept = result.found.kept_index().expect("collected");
            let meta = IndexMeta {
                docs: kept.len(),
                ..meta
            };
            Some(lock.stage(&kept, &meta)?)
        }
        None => None,
    };
    files.commit()?;
    if let (Some(staged), Some(dir)) = (staged, &f.save_index) {
        staged.commit().with_context(|| {
            format!(
                "the outputs are written, but saving the index {} failed",
                dir.display()
            )
        })?;
    }
    if !input.quiet {
        let s = &result.summary;
        match &prepared {
            // `run` first reports its cleaning, skipped records included.
            Some(p) => eprint!(
                "{}{}",
                summary::clean_text(command, &s.read, p.cleaner.rules()),
                summary::dedup_text(command, s, f.verbose, f.mark)
            ),
            None => eprint!(
                "{}{}",
                summary::dedup_text("dedup", s, f.verbose, f.mark),
                summary::skipped_text(&s.read)
            ),
        }
    }
    // Not silenced by -q: the outputs name documents by these ids.
    let index = f.against.as_deref().map(|d| d.display().to_string());
    eprint!(
        "{}",
        summary::duplicate_ids_text(&result.summary, index.as_deref())
    );
    eprint!("{}", summary::keep_field_text(&result.summary));
    Ok(ExitCode::SUCCESS)
}

/// Refuses a `--save-index` directory inside an input directory (unless
/// hidden there, as walks skip hidden entries): every later run over that
/// directory would read the index's files as documents, and stop on them.
fn refuse_index_inside_inputs(
    dir: &std::path::Path,
    inputs: &[std::path::PathBuf],
) -> anyhow::Result<()> {
    match super::data_dir_holding(dir, inputs.iter().filter(|a| a.is_dir())) {
        Some(a) => Err(deboil_io::Error::Usage(format!(
            "--save-index {} lies inside the input directory {}, where later runs would read \
             its files as documents; choose a directory outside it (or a hidden one, such as {})",
            dir.display(),
            a.display(),
            a.join(".deboil-index").display()
        ))
        .into()),
        None => Ok(()),
    }
}
