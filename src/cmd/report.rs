//! `deboil report`, and the `--report FILE` of `clean`, `dedup` and `run`:
//! where the report goes, in which format, and what its header says.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{FromArgMatches, Parser};
use deboil_core::dedup::{DedupOptions, Keep, Measure};
use deboil_io::jobs::Summary;
use deboil_io::jobs::learn::Prepared;
use deboil_io::read::Input;
use deboil_io::report::{Collector, Header, Limits, ReportFormat, RulesUsed, render};

use super::{Outputs, stdout};
use crate::args::{DedupFlags, InputArgs, ReportArgs, ReportFormatArg, RuleArgs};

/// Where a report goes and how it is written.
pub struct Target {
    /// `None`: stdout.
    pub path: Option<PathBuf>,
    pub format: ReportFormat,
}

impl Target {
    /// The target of a `--report FILE` flag: the format by its extension.
    /// (Inside a folder of documents, the run's output check refuses it.)
    pub fn of_flag(path: Option<&PathBuf>) -> anyhow::Result<Option<Target>> {
        let Some(path) = path else { return Ok(None) };
        let Some(format) = ReportFormat::from_path(path) else {
            return Err(super::usage(format!(
                "--report {}: name a .json, .md or .html file (the extension sets the format)",
                path.display()
            )));
        };
        Ok(Some(Target {
            path: Some(path.clone()),
            format,
        }))
    }

    /// Opens the report's file among the run's outputs; its slot.
    pub fn open(
        &self,
        files: &mut Outputs,
        inputs: &[Input],
        what: &str,
    ) -> anyhow::Result<Option<usize>> {
        files.open(self.path.as_ref(), inputs, what)
    }

    /// Renders the report and writes it to its slot (or stdout).
    pub fn write(
        &self,
        collector: Collector,
        rules: Option<&deboil_core::RuleSet>,
        read: &Summary,
        files: &mut Outputs,
        slot: Option<usize>,
    ) -> anyhow::Result<()> {
        let text = render(&collector.finish(rules, read), self.format);
        match files.writers([slot]) {
            [Some(mut w)] => w.write_all(text.as_bytes())?,
            _ => {
                let mut out = stdout();
                out.write_all(text.as_bytes())
                    .and_then(|_| out.flush())
                    .map_err(deboil_io::Error::Output)?;
            }
        }
        Ok(())
    }
}

/// `deboil report`: a `run` with its defaults that writes only the report.
pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let format = match (args.output_format, &args.output) {
        (Some(f), _) => match f {
            ReportFormatArg::Json => ReportFormat::Json,
            ReportFormatArg::Markdown => ReportFormat::Markdown,
            ReportFormatArg::Html => ReportFormat::Html,
        },
        (None, Some(p)) if p.as_os_str() != "-" => ReportFormat::from_path(p).ok_or_else(|| {
            super::usage(format!(
                "-o {}: name a .json, .md or .html file, or give --output-format",
                p.display()
            ))
        })?,
        (None, _) => ReportFormat::Markdown,
    };
    let target = Target {
        path: super::main_output(args.output.as_ref()).cloned(),
        format,
    };
    // `run`'s defaults, as its flags would give them.
    #[derive(Parser)]
    struct Defaults {
        #[command(flatten)]
        dedup: DedupFlags,
    }
    let mut dedup = Defaults::from_arg_matches(
        &<Defaults as clap::CommandFactory>::command().get_matches_from(["deboil"]),
    )?
    .dedup;
    dedup.verbose = args.verbose;
    super::dedup::run_reporting(
        &args.input,
        Some(&args.rules),
        &dedup,
        Some(target),
        "report",
    )
}

/// The header of a report on a run with these flags.
pub fn header(
    command: &str,
    inputs: &[Input],
    input: &InputArgs,
    rules: Option<(&RuleArgs, &Prepared)>,
    dedup: Option<(&DedupFlags, &DedupOptions)>,
) -> Header {
    let mut o = BTreeMap::new();
    let mut set = |k: &str, v: String| {
        o.insert(k.to_string(), v);
    };
    set("format", format!("{:?}", input.format).to_lowercase());
    set(
        "fields",
        format!(
            "text={} id={} site={}",
            input.text_field, input.id_field, input.site_field
        ),
    );
    // The site of records that name none scopes the rules they meet.
    set("site", input.site.clone().unwrap_or_default());
    set(
        "site_from",
        input
            .site_from
            .as_ref()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
    );
    set("max_doc_bytes", input.max_doc_bytes.to_string());
    set("skip_bad", input.skip_bad.to_string());
    if let Some((r, _)) = rules {
        set("default_rules", (!r.no_default_rules).to_string());
        let files: Vec<String> = r.rules.iter().map(|p| p.display().to_string()).collect();
        set("rules", files.join(" "));
        set("enable", r.enable.join(" "));
        set("disable", r.disable.join(" "));
        set("builtins_off", r.no_builtin.join(" "));
        set("repeated_line_words", r.repeated_line_words.to_string());
        let learn = match (r.learn, r.no_extract) {
            (false, _) => "off".to_string(),
            (true, no_extract) => format!(
                "on (min_site_pages {}, min_pages {}, min_share {}, min_words {}{})",
                r.learn_flags.learn_min_site_pages,
                r.learn_flags.learn_min_pages,
                r.learn_flags.learn_min_share,
                r.learn_flags.learn_min_words,
                if no_extract { ", no body finding" } else { "" }
            ),
        };
        set("learn", learn);
        if r.page_body {
            set("page_body", "on".to_string());
        }
    }
    if let Some((f, d)) = dedup {
        set("shingle", d.signer.shingling().to_string());
        set("num_perm", d.signer.num_perm().to_string());
        set("scheme", format!("{:?}", d.signer.scheme()).to_lowercase());
        set("measure", format!("{:?}", d.measure).to_lowercase());
        set("threshold", d.threshold.to_string());
        // The floor applies to containment only: with Jaccard it does
        // nothing, and repeating the run with it would be refused.
        if d.measure == Measure::Containment {
            set("min_jaccard", d.min_jaccard.to_string());
        }
        set(
            "lsh",
            format!("{} bands x {} rows", d.params.bands, d.params.rows),
        );
        set("verify", format!("{:?}", d.verify).to_lowercase());
        set(
            "keep",
            match &d.keep {
                Keep::First => "first".into(),
                Keep::Longest => "longest".into(),
                Keep::Newest(field) => format!("newest:{field}"),
            },
        );
        set(
            "template_lines",
            if f.keep_template_lines {
                "kept"
            } else {
                "left out"
            }
            .into(),
        );
        if f.mark {
            set("mark", "on".into());
        }
        if let Some(a) = &f.against {
            set("against", a.display().to_string());
        }
    }
    o.retain(|_, v| !v.is_empty());
    Header {
        command: command.into(),
        inputs: inputs.iter().map(|i| i.name.clone()).collect(),
        rules: rules
            .map(|(r, p)| RulesUsed::of(p.cleaner.rules(), p.digest.clone(), !r.no_default_rules)),
        options: o,
    }
}

/// A collector for a run with this header.
pub fn collector(header: Header) -> Collector {
    Collector::new(header, Limits::default())
}
