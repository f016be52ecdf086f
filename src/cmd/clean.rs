//! `deboil clean`.

use std::process::ExitCode;

use deboil_io::jobs::SideOutputs;
use deboil_io::jobs::clean::{CleanJob, Sink};
use deboil_io::summary;
use deboil_io::write::check_out_dir;

use super::report::{self, Target};
use super::{OutputCheck, Outputs, main_output, report_prepared, stdout};
use crate::args::CleanArgs;
use crate::progress;

pub fn run(args: CleanArgs) -> anyhow::Result<ExitCode> {
    let target = Target::of_flag(args.report.as_ref())?;
    let pool = args.input.pool()?;
    let read = args.input.read_options();
    let mut inputs = args.input.collect(&args.input.inputs)?;
    super::leave_out_rule_files(&mut inputs, &args.input.inputs, args.rules.own_files());
    let output_path = main_output(args.output.output.as_ref());
    let mut check = OutputCheck::default();
    if args.diff {
        check.stdout("--diff");
    } else if let Some(dir) = &args.output.out_dir {
        check_out_dir(dir, &args.input.inputs, &inputs)?;
        for i in &inputs {
            check.among_data("--out-dir file", Some(&dir.join(&i.relative)));
        }
    } else {
        check.main(output_path);
    }
    check
        .file("--explain", args.explain.as_ref())
        .file("--rejects", args.input.rejects.as_ref())
        .learned("--save-learned", args.rules.save_learned.as_ref())
        .file("--report", args.report.as_ref())
        .rules(&args.rules.rules)
        .data(&args.input.inputs, args.output.out_dir.as_ref())
        .check(&inputs, None)?;
    let _progress = progress::start(args.input.quiet, args.verbose);
    super::refuse_streams(&inputs, args.rules.learn)?;
    let mut prepared =
        args.rules
            .rule_options()
            .prepare(&mut inputs, &read, &pool, args.input.skip_bad)?;
    report_prepared(&prepared, &args.rules, args.input.quiet);
    let mut files = Outputs::default();
    files.adopt(Some(&mut prepared));
    if let (Some(dir), false) = (&args.output.out_dir, args.diff) {
        // Each input's file is put in place once it is read whole.
        files.apart(format!(
            "--out-dir {} (the files of the inputs not yet read whole)",
            dir.display()
        ));
    }
    let explain = files.open(args.explain.as_ref(), &inputs, "--explain")?;
    let rejects = files.open(args.input.rejects.as_ref(), &inputs, "--rejects")?;
    // clap refuses -o with --diff.
    let output = files.open(output_path, &inputs, "-o")?;
    let report_slot = match &target {
        Some(t) => t.open(&mut files, &inputs, "--report")?,
        None => None,
    };
    let mut collector = target.as_ref().map(|_| {
        report::collector(report::header(
            "clean",
            &inputs,
            &args.input,
            Some((&args.rules, &prepared)),
            None,
        ))
    });
    let job = CleanJob {
        cleaner: prepared.cleaner.clone(),
        read,
    };
    let summary = {
        let [explain, rejects, output] = files.writers([explain, rejects, output]);
        let sink = if args.diff {
            Sink::Diff(stdout())
        } else if let Some(dir) = &args.output.out_dir {
            Sink::OutDir(dir.clone())
        } else {
            Sink::Jsonl(match output {
                Some(w) => w,
                None => stdout(),
            })
        };
        let side = SideOutputs {
            explain,
            rejects,
            skip_bad: args.input.skip_bad,
        };
        job.run_with_report(inputs, &pool, sink, side, collector.as_mut())?
    };
    drop(_progress);
    if let (Some(t), Some(c)) = (&target, collector) {
        t.write(
            c,
            Some(job.cleaner.rules()),
            &summary,
            &mut files,
            report_slot,
        )?;
    }
    files.commit()?;
    if !args.input.quiet {
        eprint!(
            "{}",
            summary::clean_text("clean", &summary, job.cleaner.rules())
        );
    }
    Ok(ExitCode::SUCCESS)
}
