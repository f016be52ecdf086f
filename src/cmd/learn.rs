//! `deboil learn`.

use std::io::Write;
use std::process::ExitCode;

use deboil_io::jobs::SideOutputs;
use deboil_io::jobs::learn::learn_inputs;
use deboil_io::read::spool_stdin;
use deboil_io::summary;

use super::{OutputCheck, Outputs, main_output, stdout};
use crate::args::LearnArgs;

pub fn run(args: LearnArgs) -> anyhow::Result<ExitCode> {
    let pool = args.input.pool()?;
    let read = args.input.read_options();
    let mut inputs = args.input.collect(&args.input.inputs)?;
    super::leave_out_rule_files(&mut inputs, &args.input.inputs, &args.output);
    let output_path = main_output(args.output.as_ref());
    let mut check = OutputCheck::default();
    match output_path {
        Some(_) => check.learned("-o", output_path),
        None => check.stdout("the output (stdout)"),
    };
    check
        .file("--rejects", args.input.rejects.as_ref())
        .data(&args.input.inputs, None)
        .check(&inputs, None)?;
    let mut files = Outputs::default();
    let output = files.open(output_path, &inputs, "-o")?;
    let rejects = files.open(args.input.rejects.as_ref(), &inputs, "--rejects")?;
    let _progress = crate::progress::start(args.input.quiet, args.verbose);
    // Learning may read its input again, for example texts.
    super::refuse_streams(&inputs, true)?;
    let _spool =
        spool_stdin(&mut inputs).map_err(|e| deboil_io::Error::temp("the copy of stdin", e))?;
    {
        let [output, rejects] = files.writers([output, rejects]);
        let mut side = SideOutputs {
            explain: None,
            rejects,
            skip_bad: args.input.skip_bad,
        };
        let (learned, summary) =
            learn_inputs(&inputs, &read, &pool, args.learn.learn_options(), &mut side)?;
        if !args.input.quiet {
            eprintln!("deboil learn: {}", learned.describe());
        }
        if !args.input.quiet && summary.skipped > 0 {
            eprint!(
                "deboil learn: {} skipped\n{}",
                summary::count(summary.skipped, "bad record"),
                summary::skipped_text(&summary)
            );
        }
        let toml = learned.to_toml();
        // Flushed here, so that a full disk is named as for every output.
        let mut out: Box<dyn Write + '_> = match output {
            Some(w) => w,
            None => stdout(),
        };
        out.write_all(toml.as_bytes())
            .and_then(|_| out.flush())
            .map_err(deboil_io::Error::Output)?;
    }
    files.commit()?;
    Ok(ExitCode::SUCCESS)
}
