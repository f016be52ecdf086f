//! The command line parses as documented and refuses what does not fit.

use super::*;
use clap::CommandFactory;

#[test]
fn cli_is_well_formed() {
    Cli::command().debug_assert();
}

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("deboil").chain(args.iter().copied()))
}

fn clean(args: &[&str]) -> CleanArgs {
    match parse(&[&["clean"], args].concat()).unwrap().command {
        Command::Clean(c) => *c,
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_flag_parses() {
    let c = clean(&[
        "a",
        "b",
        "-o",
        "o.jsonl.gz",
        "--explain",
        "e.jsonl",
        "-j",
        "2",
        "-q",
    ]);
    assert_eq!(c.input.inputs.len(), 2);
    assert_eq!(
        c.output.output.as_deref(),
        Some(std::path::Path::new("o.jsonl.gz"))
    );
    assert_eq!(c.input.threads, Some(2));
    assert!(c.input.quiet && c.explain.is_some());
    let c = clean(&[
        "--text-field",
        "body",
        "--id-field",
        "key",
        "--site-field",
        "host",
    ]);
    assert_eq!(
        (c.input.text_field.as_str(), c.input.id_field.as_str()),
        ("body", "key")
    );
    assert_eq!(c.input.site_field, "host");
    let c = clean(&[
        "--max-doc-bytes",
        "2K",
        "--skip-bad",
        "--rejects",
        "r",
        "--format",
        "text",
    ]);
    assert_eq!(c.input.max_doc_bytes, 2048);
    assert!(c.input.skip_bad && matches!(c.input.format, FormatArg::Text));
    let c = clean(&[
        "--rules",
        "r1",
        "--rules",
        "r2",
        "--no-default-rules",
        "--enable",
        "x.*",
    ]);
    assert_eq!(c.rules.rules.len(), 2);
    assert!(c.rules.no_default_rules);
    let c = clean(&[
        "--disable",
        "a",
        "--no-builtin",
        "blank-runs",
        "--repeated-line-words",
        "3",
    ]);
    assert_eq!((c.rules.disable.len(), c.rules.repeated_line_words), (1, 3));
    assert!(clean(&["--diff"]).diff);
    assert!(clean(&["--out-dir", "d"]).output.out_dir.is_some());
}

#[test]
fn dedup_flags_parse() {
    let Command::Dedup(d) = parse(&[
        "dedup",
        "in.jsonl",
        "--shingle",
        "char:7",
        "--num-perm",
        "64",
        "--threshold",
        "0.7",
        "--similarity",
        "containment",
        "--bands",
        "8",
        "--rows",
        "8",
        "--keep",
        "newest:date",
        "--mark",
        "--clusters",
        "c.jsonl",
        "-o",
        "o.jsonl",
        "-v",
    ])
    .unwrap()
    .command
    else {
        panic!("not dedup")
    };
    assert_eq!(d.dedup.shingle, deboil_core::minhash::Shingling::Chars(7));
    assert_eq!((d.dedup.num_perm, d.dedup.threshold), (64, Some(0.7)));
    assert_eq!((d.dedup.bands, d.dedup.rows), (Some(8), Some(8)));
    assert_eq!(
        d.dedup.keep,
        deboil_core::dedup::Keep::Newest("date".into())
    );
    assert!(d.dedup.mark && d.dedup.verbose && d.dedup.clusters.is_some());
    assert!(matches!(
        parse(&["run", "--rules", "r", "--threshold", "0.9"])
            .unwrap()
            .command,
        Command::Run(_)
    ));
    assert!(parse(&["dedup", "--bands", "4"]).is_err());
    assert!(parse(&["dedup", "--threshold", "1.5"]).is_err());
    assert!(parse(&["dedup", "--keep", "oldest"]).is_err());
    assert!(parse(&["dedup", "--shingle", "word"]).is_err());
}

#[test]
fn report_flags_parse() {
    let Command::Report(r) = parse(&[
        "report",
        "a",
        "-o",
        "r.html",
        "--output-format",
        "json",
        "-v",
    ])
    .unwrap()
    .command
    else {
        panic!("not report")
    };
    assert!(matches!(r.output_format, Some(ReportFormatArg::Json)) && r.verbose);
    assert!(clean(&["--report", "r.md", "-v"]).report.is_some());
    let Command::Run(r) = parse(&["run", "--report", "r.json", "-v"]).unwrap().command else {
        panic!("not run")
    };
    assert!(r.dedup.report.is_some() && r.dedup.verbose);
    assert!(parse(&["report", "--output-format", "pdf"]).is_err());
}

#[test]
fn bad_combinations_are_refused() {
    assert!(parse(&["clean", "--diff", "-o", "x"]).is_err());
    assert!(parse(&["clean", "-o", "x", "--out-dir", "d"]).is_err());
    assert!(parse(&["clean", "--rejects", "r"]).is_err());
    assert!(parse(&["clean", "--no-builtin", "nope"]).is_err());
    assert!(parse(&["clean", "--max-doc-bytes", "12X"]).is_err());
}

#[test]
fn sizes() {
    assert_eq!(parse_size("512"), Ok(512));
    assert_eq!(parse_size("1g"), Ok(1 << 30));
    assert!(parse_size("0").is_err());
    assert!(parse_size("").is_err());
}
