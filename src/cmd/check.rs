//! `deboil check`: the linter's view of a dataset, for pre-commit and CI.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use deboil_core::dedup::template::TemplateOptions;
use deboil_core::dedup::{DedupSettings, Preset};
use deboil_io::check::baseline::{Baseline, file_keys};
use deboil_io::check::format::{self, NotChecked, Totals, Unreadable};
use deboil_io::check::{CheckJob, Duplicates, Kind, display_name, fix};
use deboil_io::index::{self, IndexMeta};
use deboil_io::read::{Input, shown_name, spool_stdin};
use deboil_io::write::same_file;

use super::{OutputCheck, Outputs, main_output, report_prepared, stdout};
use crate::args::{CheckArgs, CheckFormatArg, OnlyArg};

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let pool = args.input.pool()?;
    let read = args.input.read_options();
    let junk = args.only != Some(OnlyArg::Duplicates);
    let dups = args.only != Some(OnlyArg::Junk);
    if !dups && !args.against.is_empty() {
        return Err(super::usage(
            "--against compares for duplicates, which --only junk leaves out",
        ));
    }
    if !junk && args.fix {
        return Err(super::usage(
            "--fix repairs junk, which --only duplicates leaves out (duplicates are never deleted)",
        ));
    }
    // A linter reports a file it cannot read and checks the rest (the run
    // still fails, exit 2): one typo in a pre-commit file list must not hide
    // the findings of every other file.
    let (mut checked, unreadable) = readable_inputs(&args)?;
    for u in &unreadable {
        eprintln!("deboil: error: {}", u.message());
    }
    // A file named twice (`data/ data/a.jsonl`) was kept once by collect,
    // or each of its documents would copy itself.
    // A baseline kept beside the data (`check data/ --write-baseline
    // data/base.json`) is no document: read as one, it stopped every later
    // run at `data/base.json:1:1: malformed JSON`.
    let baselines: Vec<&PathBuf> = [&args.baseline, &args.write_baseline]
        .into_iter()
        .flatten()
        .filter(|p| p.as_os_str() != "-")
        // A data file that --write-baseline names is no baseline: it stays
        // an input, and writing over it is refused.
        .filter(|p| Baseline::load(p).is_ok())
        .collect();
    // Only files found in a folder: one named on the command line stays an
    // input (and --write-baseline over it is refused as over any input).
    let named: Vec<&PathBuf> = args.input.inputs.iter().chain(&args.against).collect();
    let mut own = baselines;
    own.extend(super::parsed_rule_files(args.rules.own_files()));
    super::leave_out_own_files(&mut checked, &named, &own);
    if args.fix && checked.iter().any(|i| i.path.is_none()) {
        return Err(super::usage(
            "--fix repairs files in place, and stdin is none; name the files",
        ));
    }
    // Stdin is read twice (duplicates, learning first): spooled.
    super::refuse_streams(&checked, true)?;
    let _spool =
        spool_stdin(&mut checked).map_err(|e| deboil_io::Error::temp("the copy of stdin", e))?;
    let (index_dirs, rest_paths): (Vec<PathBuf>, Vec<PathBuf>) = args
        .against
        .iter()
        .cloned()
        .partition(|p| index::is_index_dir(p));
    if index_dirs.len() > 1 {
        return Err(super::usage("--against takes one saved index at most"));
    }
    // A path that is not there was named alone ("nodir/: No such file or
    // directory"), as if it were one of the files checked.
    for p in rest_paths.iter().filter(|p| p.as_os_str() != "-") {
        std::fs::metadata(p).map_err(|e| anyhow::anyhow!("--against {}: {e}", shown_name(p)))?;
    }
    // The rest of the dataset: what --against names, less the files checked.
    // (No paths at all would be stdin to collect_inputs.)
    let mut rest_inputs = if rest_paths.is_empty() {
        Vec::new()
    } else {
        args.input.collect(&rest_paths)?
    };
    // The rest is read twice too (parsed, then compared): stdin given as
    // `--against -` is spooled, or the second read found it empty and every
    // later document's finding went to another's place.
    if rest_inputs.iter().any(|i| i.path.is_none()) && checked.iter().any(Input::is_stdin) {
        return Err(super::usage(
            "--against - reads stdin, which the files checked read too (`-`, or no path); \
             stdin can be read only once",
        ));
    }
    super::refuse_streams(&rest_inputs, true)?;
    let _rest_spool = spool_stdin(&mut rest_inputs)
        .map_err(|e| deboil_io::Error::temp("the copy of stdin", e))?;
    super::leave_out_own_files(&mut rest_inputs, &named, &own);
    let rest: Vec<Input> = rest_inputs
        .into_iter()
        .filter(|r| {
            !checked.iter().any(|c| match (&r.path, &c.path) {
                (Some(a), Some(b)) => same_file(a, b),
                _ => false,
            })
        })
        .collect();
    let output_path = main_output(args.output.as_ref());
    let mut all: Vec<Input> = rest.iter().chain(&checked).cloned().collect();
    let mut outputs = OutputCheck::default();
    // Writing a baseline writes no findings: stdout is free for it.
    if args.write_baseline.is_none() {
        outputs.main(output_path);
    }
    outputs
        .file("--write-baseline", args.write_baseline.as_ref())
        .file("--rejects", args.input.rejects.as_ref())
        .learned("--save-learned", args.rules.save_learned.as_ref())
        .rules(&args.rules.rules)
        .read("the baseline", args.baseline.as_ref())
        .index(index_dirs.first().map(PathBuf::as_path))
        .data(&[&args.input.inputs[..], &args.against[..]].concat(), None)
        .check(&all, None)?;
    super::refuse_streams(&all, args.rules.learn)?;
    let mut prepared =
        args.rules
            .rule_options()
            .prepare(&mut all, &read, &pool, args.input.skip_bad)?;
    report_prepared(&prepared, &args.rules, args.input.quiet);
    let baseline = args
        .baseline
        .as_deref()
        .map(|p| match std::fs::metadata(p) {
            // Named by its flag: `data: Is a directory (os error 21)` said
            // nothing of which path was wrong.
            Ok(m) if m.is_dir() => Err(super::usage(format!(
                "--baseline {} is a directory; name the file --write-baseline wrote",
                p.display()
            ))),
            Err(e) => Err(anyhow::anyhow!("--baseline {}: {e}", shown_name(p))),
            Ok(_) => Ok(Baseline::load(p)?),
        })
        .transpose()?;
    let duplicates = if dups {
        let opts = DedupSettings::default().resolve(Preset::Cleaned)?;
        let index = match index_dirs.first() {
            Some(dir) => Some((
                index::load(dir, &IndexMeta::for_options(&opts, 0))?,
                display_name(&dir.display().to_string()),
            )),
            None => None,
        };
        Some(Duplicates {
            opts,
            template: Some(TemplateOptions::default()),
            index,
        })
    } else {
        None
    };
    let job = CheckJob {
        cleaner: prepared.cleaner.clone(),
        read: read.clone(),
        junk,
        duplicates,
    };
    let mut files = Outputs::default();
    files.adopt(Some(&mut prepared));
    let rejects = files.open(args.input.rejects.as_ref(), &all, "--rejects")?;
    let mut found = {
        let [rejects] = files.writers([rejects]);
        job.run(checked.clone(), rest, &pool, args.input.skip_bad, rejects)?
    };
    files.commit()?;
    // As dedup's, not silenced by -q: two documents of one id share their
    // findings' baseline keys, so accepting one's accepts the other's.
    if let Some(d) = &found.duplicate_ids {
        let index = index_dirs
            .first()
            .map(|p| display_name(&p.display().to_string()));
        eprint!(
            "{}",
            deboil_io::summary::duplicate_ids_warning(
                d,
                index.as_deref(),
                "findings' baseline keys name documents by id"
            )
        );
    }
    let mut totals = Totals::of(&found);
    totals.unreadable = unreadable;
    totals.not_checked = match args.only {
        Some(OnlyArg::Junk) => Some(NotChecked::Duplicates),
        Some(OnlyArg::Duplicates) => Some(NotChecked::Junk),
        None => None,
    };
    if let Some(path) = &args.write_baseline {
        // A baseline without a file's findings would report them all as new
        // once the file is back: none is written from a partial check.
        if !totals.unreadable.is_empty() {
            return Err(anyhow::anyhow!(
                "no baseline written: {} could not be read",
                format::count(totals.unreadable.len() as u64, "input")
            ));
        }
        let b = Baseline::of(&found.findings, &file_keys(&checked, path));
        b.save(path)?;
        if !args.input.quiet {
            eprintln!(
                "deboil check: {}; wrote them {} ({}): later checks with --baseline report only new findings",
                format::summary(&found.findings, &totals),
                match path.as_os_str() == "-" {
                    true => "as a baseline to stdout".to_string(),
                    false => format!("to the baseline {}", path.display()),
                },
                format::count(b.findings.len() as u64, "key")
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut accepted = Vec::new();
    if let (Some(b), Some(path)) = (&baseline, &args.baseline) {
        accepted = b.filter(&mut found.findings, &file_keys(&checked, path));
        totals.accepted = accepted.len();
    }
    if args.fix {
        totals.fixed = fix::fix(
            &mut found.findings,
            &accepted,
            &checked,
            &job.cleaner,
            &read,
        )?;
    }
    let findings = &found.findings;
    let code = if !totals.unreadable.is_empty() {
        ExitCode::from(2)
    } else if findings.is_empty() && totals.fixed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    let mut files = Outputs::default();
    let out_slot = files.open(output_path, &all, "-o")?;
    let printed = {
        let [out] = files.writers([out_slot]);
        let mut out: Box<dyn Write + '_> = match out {
            Some(w) => w,
            None => stdout(),
        };
        match args.format() {
            CheckFormatArg::Text => format::text(&mut out, findings),
            CheckFormatArg::Json => format::json(&mut out, findings, &totals),
            CheckFormatArg::Github => format::github(&mut out, findings, &totals),
            CheckFormatArg::Sarif => {
                format::sarif(&mut out, findings, &found.reasons, &totals.unreadable)
            }
        }
        .and_then(|_| out.flush())
    };
    match printed {
        // `check data/ | head` in CI: the closed pipe cuts the listing, not
        // the verdict (it exited 0, as if the data were clean, and after
        // --fix had rewritten files).
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(code),
        r => r.map_err(deboil_io::Error::Output)?,
    }
    files.commit()?;
    if !args.input.quiet {
        eprint!("{}", deboil_io::summary::skipped_text(&found.read));
    }
    let summary_on_stdout = args.format() == CheckFormatArg::Github && output_path.is_none();
    if !args.input.quiet && !summary_on_stdout {
        let mut line = format!("deboil check: {}", format::summary(findings, &totals));
        if !totals.fixed.is_empty() && findings.iter().any(|f| f.kind != Kind::Junk) {
            line.push_str("; --fix repairs junk only: duplicates are reported, never deleted");
        }
        eprintln!("{line}");
    }
    Ok(code)
}

/// The inputs named on the command line that can be read, and those that
/// cannot (missing, or refused on opening), in the order named. A directory
/// that cannot be listed stays a fatal error, as does `--against`.
fn readable_inputs(args: &CheckArgs) -> anyhow::Result<(Vec<Input>, Vec<Unreadable>)> {
    let paths = &args.input.inputs;
    let mut unreadable = Vec::new();
    let mut found = Vec::new();
    for p in paths {
        if p.as_os_str() != "-"
            && let Err(e) = std::fs::metadata(p)
        {
            // Named twice, reported once, as a file that is there is read
            // once (`2 inputs could not be read` counted one file twice).
            let u = Unreadable::new(&deboil_io::read::input_name(p), &e);
            if !unreadable.iter().any(|v: &Unreadable| v.file == u.file) {
                unreadable.push(u);
            }
            continue;
        }
        found.push(p.clone());
    }
    // None left: nothing to collect (no paths at all would be stdin).
    let inputs = if found.is_empty() && !paths.is_empty() {
        Vec::new()
    } else {
        args.input.collect(&found)?
    };
    let mut checked = Vec::new();
    for i in inputs {
        // Opening is what fails on a file without read permission.
        if let Some(path) = &i.path
            && let Err(e) = std::fs::File::open(path)
        {
            unreadable.push(Unreadable::new(&i.name, &e));
            continue;
        }
        checked.push(i);
    }
    Ok((checked, unreadable))
}
