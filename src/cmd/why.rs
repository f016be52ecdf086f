//! `deboil why`.

use std::io::Write;
use std::process::ExitCode;

use deboil_core::dedup::Preset;
use deboil_core::dedup::template::TemplateOptions;
use deboil_io::jobs::dedup::Transform;
use deboil_io::jobs::why::{find_by_id, site_template};
use deboil_io::jobs::{SideOutputs, Summary};
use deboil_io::read::{one_line, spool_stdin};
use deboil_io::summary;

use super::{OutputCheck, Outputs, report_prepared, stdout};
use crate::args::WhyArgs;

pub fn run(args: &WhyArgs) -> anyhow::Result<ExitCode> {
    refuse_misplaced_ids(args)?;
    // Without --clean the texts are compared as `dedup` reads them: a rule
    // flag would do nothing, and the user believe the text was cleaned.
    if !args.clean
        && let Some(flag) = rule_flag(&args.rules)
    {
        return Err(super::usage(format!(
            "{flag} cleans the texts, which `why` does only with --clean (as `run` compares them)"
        )));
    }
    let read = args.input.read_options();
    let pool = args.input.pool()?;
    // The settings of the job the comparison explains: run's with --clean,
    // dedup's without.
    let preset = if args.clean {
        Preset::Cleaned
    } else {
        Preset::Raw
    };
    let opts = super::resolve_settings(args.settings(), preset)?;
    let mut inputs = args.input.collect(&args.input.inputs)?;
    super::leave_out_rule_files(&mut inputs, &args.input.inputs, args.rules.own_files());
    OutputCheck::default()
        .main(None)
        .file("--rejects", args.input.rejects.as_ref())
        .learned("--save-learned", args.rules.save_learned.as_ref())
        .rules(&args.rules.rules)
        .data(&args.input.inputs, None)
        .check(&inputs, None)?;
    let mut files = Outputs::default();
    let rejects = files.open(args.input.rejects.as_ref(), &inputs, "--rejects")?;
    super::refuse_streams(
        &inputs,
        !args.keep_template_lines || (args.clean && args.rules.learn),
    )?;
    let mut prepared = if args.clean {
        let p =
            args.rules
                .rule_options()
                .prepare(&mut inputs, &read, &pool, args.input.skip_bad)?;
        report_prepared(&p, &args.rules, args.input.quiet);
        Some(p)
    } else {
        None
    };
    files.adopt(prepared.as_mut());
    let transform = prepared.as_ref().map(|p| &p.cleaner as &dyn Transform);
    // Counting template lines reads the inputs once more: stdin too.
    let _spool = if args.keep_template_lines {
        None
    } else {
        spool_stdin(&mut inputs).map_err(|e| deboil_io::Error::temp("the copy of stdin", e))?
    };
    // The documents first: a bad record or a missing id stops the run
    // before the longer read for template lines.
    let mut summary = Summary::default();
    let [a, b] = {
        let [rejects] = files.writers([rejects]);
        let mut side = SideOutputs {
            explain: None,
            rejects,
            skip_bad: args.input.skip_bad,
        };
        find_by_id(
            inputs.clone(),
            &read,
            [&args.first, &args.second],
            transform,
            &mut side,
            &mut summary,
        )?
    };
    let template = if args.keep_template_lines {
        None
    } else {
        let opts = TemplateOptions::default();
        Some(site_template(
            inputs.clone(),
            &read,
            &pool,
            transform,
            opts,
        )?)
    };
    let texts =
        [&a, &b].map(
            |f| match (&template, template.as_ref().and_then(|t| t.site(&f.site))) {
                (Some(t), Some(site)) => t.strip(site, &f.text).into_owned(),
                _ => f.text.clone(),
            },
        );
    let c = deboil_core::why::compare(&opts.signer, &texts[0], &texts[1]);
    let labels = [
        // Each document by its id, whether named by id or by place (its
        // control characters escaped as everywhere: the id comes from the
        // data).
        format!("{} ({})", one_line(&a.id), a.place),
        format!("{} ({})", one_line(&b.id), b.place),
    ];
    let mut out = stdout();
    let job = if args.clean { "run" } else { "dedup" };
    let left_out = [&a.text, &b.text]
        .iter()
        .zip(&texts)
        .map(|(t, s)| t.lines().count() - s.lines().count())
        .sum::<usize>();
    writeln!(
        out,
        "as `deboil {job}` compares them: {}; {left_out} site template lines left out",
        opts.describe()
    )
    .and_then(|_| out.write_all(c.render(&texts[0], [&labels[0], &labels[1]]).as_bytes()))
    .and_then(|_| out.write_all(c.render_verdict(&opts).as_bytes()))
    .and_then(|_| out.flush())
    .map_err(deboil_io::Error::Output)?;
    if !args.input.quiet && summary.skipped > 0 {
        eprint!(
            "deboil why: {} skipped\n{}",
            summary::count(summary.skipped, "bad record"),
            summary::skipped_text(&summary)
        );
    }
    files.commit()?;
    Ok(ExitCode::SUCCESS)
}

/// The order `why` takes its arguments in, for messages.
const ORDER: &str = "give two ids, then the inputs (`deboil why ID1 ID2 FILE...`)";

/// Refuses arguments out of order, before anything is read: a file or
/// folder where an id belongs (`deboil why data 1 2`, `deboil why 1 data`)
/// left an id among the inputs, which stopped the run at "2: No such file
/// or directory", or no inputs, so that stdin was read (waiting on a
/// terminal) and the folder looked for as an id. An id that is a path is
/// kept where the inputs are all there: a text file's id is its path.
fn refuse_misplaced_ids(args: &WhyArgs) -> anyhow::Result<()> {
    let missing = args
        .input
        .inputs
        .iter()
        .find_map(|p| match p.as_os_str() != "-" {
            true => std::fs::metadata(p).err().map(|e| (p, e)),
            false => None,
        });
    if args.input.inputs.is_empty() || missing.is_some() {
        for id in [&args.first, &args.second] {
            let kind = match std::fs::metadata(id) {
                Ok(m) if m.is_dir() => "a directory",
                Ok(_) => "a file",
                Err(_) => continue,
            };
            let order = match &missing {
                Some((m, _)) => format!(", and `{}` is no file: {ORDER}", m.display()),
                // An id short: the order with this path in its place.
                None => format!(": give two ids, then the inputs (`deboil why ID1 ID2 {id}`)"),
            };
            return Err(super::usage(format!(
                "`{id}` is {kind}, not a document id{order}"
            )));
        }
    }
    // Three ids (`deboil why 1 2 3 data`), or a mistyped name: an error as
    // for a missing input anywhere (exit 2), with the order recalled.
    if let Some((m, e)) = missing {
        anyhow::bail!(
            "{}: {e}; `why` compares two documents: {ORDER}",
            deboil_io::read::shown_name(m)
        );
    }
    Ok(())
}

/// The first rule flag given, if any.
fn rule_flag(r: &crate::args::RuleArgs) -> Option<&'static str> {
    [
        (!r.rules.is_empty(), "--rules"),
        (r.no_default_rules, "--no-default-rules"),
        (!r.enable.is_empty(), "--enable"),
        (!r.disable.is_empty(), "--disable"),
        (!r.no_builtin.is_empty(), "--no-builtin"),
        (
            r.repeated_line_words != deboil_core::clean::DEFAULT_REPEATED_LINE_WORDS,
            "--repeated-line-words",
        ),
        (r.learn, "--learn"),
        (r.page_body, "--page-body"),
    ]
    .into_iter()
    .find_map(|(given, flag)| given.then_some(flag))
}
