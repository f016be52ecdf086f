//! The `deboil` binary: parses arguments, builds the library's options, runs,
//! and maps the result to an exit code (0 ok, 1 findings, 2 error).

mod cli;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Parser;

use cli::{
    CleanArgs, Cli, Command, DedupFlags, FormatArg, InputArgs, LearnArgs, LearnFlags, MeasureArg,
    RuleArgs, RulesCommand, SchemeArg, VerifyArg,
};
use deboil::clean::{Builtin, CleanOptions, Cleaner};
use deboil::dedup::{DedupJob, DedupOptions, DedupOutputs, DedupSummary, Measure, Mode, Verify};
use deboil::doc::FieldNames;
use deboil::examples::run_examples;
use deboil::extract::{ExtractOptions, Extractor};
use deboil::index::{IndexMeta, SavedIndex};
use deboil::learn::{LearnOptions, Learned};
use deboil::lsh::{self, Params};
use deboil::minhash::{Scheme, Signer};
use deboil::pipeline::{CleanJob, Extras, ReadOptions, Sink, Summary};
use deboil::read::{Format, FormatChoice, Input, collect_inputs};
use deboil::rules::{RuleSet, RuleSource, Toggles};
use deboil::write::{AtomicFile, is_within, same_file};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if e.downcast_ref::<deboil::Error>()
                .is_some_and(deboil::Error::is_broken_pipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("deboil: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Clean(args) => clean(*args),
        Command::Dedup(args) => dedup(&args.input, None, &args.dedup),
        Command::Run(args) => dedup(&args.input, Some(&args.rules), &args.dedup),
        Command::Learn(args) => learn(*args),
        Command::Why(args) => why(&args),
        Command::Rules(RulesCommand::Test(a)) => rules_test(&a.paths),
        Command::Rules(RulesCommand::List(a)) => rules_list(&a.paths),
    }
}

/// Rules (learned ones included) and the body extractor `--learn` brings.
struct Loaded {
    rules: RuleSet,
    extractor: Option<Extractor>,
    /// Stdin spooled for the second pass; removed when dropped.
    _spool: Option<tempfile::TempPath>,
}

impl Loaded {
    fn cleaner(&self, args: &RuleArgs) -> Cleaner<'_> {
        let c = Cleaner::new(&self.rules, clean_options(args));
        match &self.extractor {
            Some(ex) => c.with_extractor(ex),
            None => c,
        }
    }
}

fn learn_options(f: &LearnFlags) -> LearnOptions {
    LearnOptions {
        min_site_pages: f.learn_min_site_pages,
        min_pages: f.learn_min_pages as usize,
        min_share: f.learn_min_share,
        min_words: f.learn_min_words,
    }
}

/// Replaces stdin among `inputs` by a spooled copy, so it can be read twice.
fn spool_stdin(inputs: &mut [Input]) -> anyhow::Result<Option<tempfile::TempPath>> {
    let Some(slot) = inputs.iter_mut().find(|i| i.path.is_none()) else {
        return Ok(None);
    };
    let mut f = tempfile::NamedTempFile::new().context("creating a file to spool stdin")?;
    io::copy(&mut io::stdin().lock(), &mut f).context("spooling stdin")?;
    let path = f.into_temp_path();
    *slot = Input::spooled_stdin(path.to_path_buf());
    Ok(Some(path))
}

/// Learns from `inputs` (spooling stdin), reporting what was learned.
/// Learns from `inputs` (spooling stdin), reporting what was learned; bad
/// records go to `extras`.
fn learn_from(
    inputs: &mut [Input],
    input: &InputArgs,
    flags: &LearnFlags,
    mut extras: Extras,
) -> anyhow::Result<(Learned, Summary, Option<tempfile::TempPath>)> {
    let spool = spool_stdin(inputs)?;
    let (learned, summary) = deboil::pipeline::learn_inputs(
        inputs,
        &read_options(input),
        learn_options(flags),
        &mut extras,
    )?;
    if !input.quiet {
        eprintln!(
            "deboil learn: {} pages, {} sites learned from ({} with too few pages), {} rules for {} sites",
            learned.pages,
            learned.sites_learned,
            learned.sites_skipped,
            learned.rules.len(),
            learned.sites()
        );
    }
    Ok((learned, summary, spool))
}

/// Loads the rules; with `--learn`, learns from `inputs` first.
fn load_all(args: &RuleArgs, input: &InputArgs, inputs: &mut [Input]) -> anyhow::Result<Loaded> {
    if !args.learn {
        return Ok(Loaded {
            rules: load_rules(args, None)?,
            extractor: None,
            _spool: None,
        });
    }
    // Bad records are reported (and copied to the rejects) by the cleaning
    // pass that follows; learning only passes over them.
    let quiet = Extras {
        skip_bad: input.skip_bad,
        ..Extras::default()
    };
    let (learned, _, spool) = learn_from(inputs, input, &args.learn_flags, quiet)?;
    let toml = learned.to_toml();
    if let Some(path) = &args.save_learned {
        let mut f = atomic(Some(path), inputs, "--save-learned")?.expect("a path");
        f.write_all(toml.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        f.commit()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let source = RuleSource {
        name: deboil::learn::LEARNED_SOURCE.to_string(),
        text: toml,
    };
    Ok(Loaded {
        rules: load_rules(args, Some(source))?,
        extractor: (!args.no_extract)
            .then(|| Extractor::new(learned.models, ExtractOptions::default())),
        _spool: spool,
    })
}

fn learn(args: LearnArgs) -> anyhow::Result<ExitCode> {
    init_threads(args.input.threads)?;
    let mut inputs = collect_inputs(&args.input.inputs)?;
    let mut output = atomic(args.output.as_ref(), &inputs, "-o")?;
    let mut rejects = atomic(args.input.rejects.as_ref(), &inputs, "--rejects")?;
    let extras = Extras {
        explain: None,
        rejects: rejects.as_mut().map(|f| Box::new(f) as Box<dyn Write>),
        skip_bad: args.input.skip_bad,
    };
    let (learned, summary, _spool) = learn_from(&mut inputs, &args.input, &args.learn, extras)?;
    if !args.input.quiet && summary.skipped > 0 {
        eprint!(
            "deboil learn: {} bad records skipped\n{}",
            summary.skipped,
            skipped_text(&summary)
        );
    }
    let toml = learned.to_toml();
    match output.as_mut() {
        Some(f) => f.write_all(toml.as_bytes())?,
        None => {
            let mut out = stdout();
            out.write_all(toml.as_bytes())
                .and_then(|_| out.flush())
                .map_err(deboil::Error::Output)?;
        }
    }
    commit_all([
        (output, &args.output),
        (rejects, &args.input.rejects),
        (None, &None),
    ])?;
    Ok(ExitCode::SUCCESS)
}

fn load_rules(args: &RuleArgs, learned: Option<RuleSource>) -> anyhow::Result<RuleSet> {
    let mut sources = if args.no_default_rules {
        Vec::new()
    } else {
        RuleSource::embedded()
    };
    for p in &args.rules {
        sources.extend(RuleSource::from_path(p)?);
    }
    sources.extend(learned);
    let toggles = Toggles {
        enable: args.enable.clone(),
        disable: args.disable.clone(),
    };
    let rules = RuleSet::compile(&sources, &toggles)?;
    print_warnings(&rules);
    Ok(rules)
}

fn print_warnings(rules: &RuleSet) {
    for w in &rules.warnings {
        eprintln!("deboil: warning: {w}");
    }
}

fn clean_options(args: &RuleArgs) -> CleanOptions {
    let mut opts = CleanOptions {
        repeated_lines: Some(args.repeated_line_words),
        ..CleanOptions::default()
    };
    for name in &args.no_builtin {
        opts.disable(Builtin::parse(name).expect("clap checked the name"));
    }
    opts
}

fn read_options(args: &InputArgs) -> ReadOptions {
    ReadOptions {
        format: match args.format {
            FormatArg::Auto => FormatChoice::Auto,
            FormatArg::Jsonl => FormatChoice::Fixed(Format::Jsonl),
            FormatArg::Text => FormatChoice::Fixed(Format::Text),
        },
        names: FieldNames {
            text: args.text_field.clone(),
            id: args.id_field.clone(),
            site: args.site_field.clone(),
        },
        max_doc_bytes: args.max_doc_bytes,
        batch_bytes: args.batch_bytes,
    }
}

fn init_threads(n: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = n {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("starting worker threads")?;
    }
    Ok(())
}

/// Refuses an output path that is one of the inputs.
fn refuse_input(out: &Path, inputs: &[Input], what: &str) -> anyhow::Result<()> {
    for i in inputs {
        if let Some(p) = &i.path
            && same_file(out, p)
        {
            bail!(
                "{what} {} is an input file; deboil never overwrites its inputs",
                out.display()
            );
        }
    }
    Ok(())
}

/// The atomic file for an optional output path, refused when it is an input.
fn atomic(
    path: Option<&PathBuf>,
    inputs: &[Input],
    what: &str,
) -> anyhow::Result<Option<AtomicFile>> {
    let Some(path) = path else { return Ok(None) };
    refuse_input(path, inputs, what)?;
    let f = AtomicFile::create(path).with_context(|| format!("creating {}", path.display()))?;
    Ok(Some(f))
}

/// Commits the atomic files a successful run wrote.
fn commit_all(files: [(Option<AtomicFile>, &Option<PathBuf>); 3]) -> anyhow::Result<()> {
    for (f, p) in files {
        if let (Some(f), Some(p)) = (f, p) {
            f.commit()
                .with_context(|| format!("writing {}", p.display()))?;
        }
    }
    Ok(())
}

/// Stdout, line-buffered on a terminal and block-buffered into a pipe.
fn stdout() -> Box<dyn Write> {
    let out = io::stdout();
    if out.is_terminal() {
        Box::new(io::LineWriter::new(out))
    } else {
        Box::new(io::BufWriter::with_capacity(256 * 1024, out))
    }
}

fn clean(args: CleanArgs) -> anyhow::Result<ExitCode> {
    init_threads(args.input.threads)?;
    let mut inputs = collect_inputs(&args.input.inputs)?;
    let loaded = load_all(&args.rules, &args.input, &mut inputs)?;
    let rules = &loaded.rules;
    let mut explain = atomic(args.explain.as_ref(), &inputs, "--explain")?;
    let mut rejects = atomic(args.input.rejects.as_ref(), &inputs, "--rejects")?;
    // clap refuses -o with --diff.
    let mut output = atomic(args.output.output.as_ref(), &inputs, "-o")?;
    if let Some(dir) = &args.output.out_dir {
        check_out_dir(dir, &args.input.inputs, &inputs)?;
    }
    let job = CleanJob {
        cleaner: loaded.cleaner(&args.rules),
        read: read_options(&args.input),
    };
    // The atomic files are written through borrows and committed after the run.
    let summary = {
        let sink = if args.diff {
            Sink::Diff(stdout())
        } else if let Some(dir) = &args.output.out_dir {
            Sink::OutDir(dir.clone())
        } else if let Some(f) = output.as_mut() {
            Sink::Jsonl(Box::new(f))
        } else {
            Sink::Jsonl(stdout())
        };
        let extras = Extras {
            explain: explain.as_mut().map(|f| Box::new(f) as Box<dyn Write>),
            rejects: rejects.as_mut().map(|f| Box::new(f) as Box<dyn Write>),
            skip_bad: args.input.skip_bad,
        };
        job.run(inputs, sink, extras)?
    };
    commit_all([
        (output, &args.output.output),
        (explain, &args.explain),
        (rejects, &args.input.rejects),
    ])?;
    if !args.input.quiet {
        eprint!("{}", summary_text("clean", &summary, rules));
    }
    Ok(ExitCode::SUCCESS)
}

/// The Jaccard similarity LSH is tuned for. Containment admits an abridged
/// copy whose Jaccard similarity is lower: a copy half the length of its
/// original at containment `t` has Jaccard `t / (3 - t)`; pairs below
/// `min_jaccard` never match, so tuning lower would only cost.
fn lsh_threshold(measure: Measure, threshold: f64, min_jaccard: f64) -> f64 {
    match measure {
        Measure::Jaccard => threshold,
        Measure::Containment => (threshold / (3.0 - threshold)).max(min_jaccard),
    }
}

/// Defaults chosen on the labelled corpus (README, "Choosing the defaults"):
/// `run` sees cleaned text and can afford containment; `dedup` sees site junk.
fn dedup_options(f: &DedupFlags, cleaned: bool) -> DedupOptions {
    let num_perm = usize::from(f.num_perm);
    let measure = match f.similarity {
        Some(MeasureArg::Jaccard) => Measure::Jaccard,
        Some(MeasureArg::Containment) => Measure::Containment,
        None if cleaned => Measure::Containment,
        None => Measure::Jaccard,
    };
    let threshold = f.threshold.unwrap_or(if cleaned { 0.7 } else { 0.5 });
    let min_jaccard = f.min_jaccard.unwrap_or(0.4);
    let params = match (f.bands, f.rows) {
        (Some(bands), Some(rows)) => Params { bands, rows },
        _ => lsh::optimal_params(lsh_threshold(measure, threshold, min_jaccard), num_perm),
    };
    DedupOptions {
        signer: Signer::new(
            f.shingle,
            num_perm,
            match f.scheme {
                SchemeArg::Oph => Scheme::Oph,
                SchemeArg::Classic => Scheme::Classic,
            },
        ),
        params,
        threshold,
        measure,
        keep: f.keep.clone(),
        max_per_bucket: 64,
        min_jaccard,
        verify: match f.verify {
            VerifyArg::Signature => Verify::Signature,
            VerifyArg::Exact => Verify::Exact,
        },
    }
}

fn dedup(input: &InputArgs, rules: Option<&RuleArgs>, f: &DedupFlags) -> anyhow::Result<ExitCode> {
    init_threads(input.threads)?;
    let opts = dedup_options(f, rules.is_some());
    if opts.params.bands * opts.params.rows > usize::from(f.num_perm) {
        bail!(
            "--bands {} x --rows {} exceeds --num-perm {}",
            opts.params.bands,
            opts.params.rows,
            f.num_perm
        );
    }
    if f.verbose {
        let lsh_t = lsh_threshold(opts.measure, opts.threshold, opts.min_jaccard);
        let (fp, fneg) = lsh::error_areas(lsh_t, opts.params);
        eprintln!(
            "deboil: {} shingles, {} permutations, {:?} threshold {}; LSH tuned for Jaccard {lsh_t:.3}: {} bands x {} rows (false-positive area {fp:.4}, false-negative area {fneg:.4})",
            f.shingle,
            f.num_perm,
            opts.measure,
            opts.threshold,
            opts.params.bands,
            opts.params.rows
        );
    }
    let mut inputs = collect_inputs(&input.inputs)?;
    let loaded = rules.map(|r| load_all(r, input, &mut inputs)).transpose()?;
    let rule_set = loaded.as_ref().map(|l| &l.rules);
    let mut output = atomic(f.output.as_ref(), &inputs, "-o")?;
    let mut clusters = atomic(f.clusters.as_ref(), &inputs, "--clusters")?;
    let mut rejects = atomic(input.rejects.as_ref(), &inputs, "--rejects")?;
    let meta = IndexMeta {
        version: deboil::index::FORMAT_VERSION,
        shingle: f.shingle.to_string(),
        scheme: match f.scheme {
            SchemeArg::Oph => "oph",
            SchemeArg::Classic => "classic",
        }
        .to_string(),
        num_perm: usize::from(f.num_perm),
        docs: 0,
    };
    let against = match &f.against {
        Some(dir) => Some(SavedIndex::load(dir, &meta)?),
        None => None,
    };
    let job = DedupJob {
        against,
        collect_kept: f.save_index.is_some(),
        cleaner: loaded.as_ref().zip(rules).map(|(l, args)| l.cleaner(args)),
        read: read_options(input),
        opts,
    };
    let result = {
        let outputs = DedupOutputs {
            out: match output.as_mut() {
                Some(f) => Box::new(f),
                None => stdout(),
            },
            clusters: clusters.as_mut().map(|f| Box::new(f) as Box<dyn Write>),
            mode: if f.mark { Mode::Mark } else { Mode::Drop },
        };
        let extras = Extras {
            explain: None,
            rejects: rejects.as_mut().map(|f| Box::new(f) as Box<dyn Write>),
            skip_bad: input.skip_bad,
        };
        job.run(inputs, outputs, extras)?
    };
    if let Some(dir) = &f.save_index {
        let meta = IndexMeta {
            docs: result.kept.ids.len(),
            ..meta
        };
        result.kept.save(dir, &meta)?;
    }
    let summary = result.summary;
    commit_all([
        (output, &f.output),
        (clusters, &f.clusters),
        (rejects, &input.rejects),
    ])?;
    if !input.quiet {
        // `run` first reports its cleaning, skipped records included.
        match &rule_set {
            Some(rs) => {
                eprint!("{}", summary_text("run", &summary.read, rs));
                eprint!("{}", dedup_summary_text("run", &summary, f.verbose));
            }
            None => eprint!(
                "{}{}",
                dedup_summary_text("dedup", &summary, f.verbose),
                skipped_text(&summary.read)
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn dedup_summary_text(job: &str, s: &DedupSummary, verbose: bool) -> String {
    let kept = s.read.docs - s.exact_dropped - s.near_dropped;
    let mut text = format!(
        "deboil {job}: {} documents, {kept} kept, {} exact and {} near duplicates dropped, {} clusters",
        s.read.docs, s.exact_dropped, s.near_dropped, s.clusters
    );
    if verbose {
        let per_doc = |b: usize| b as f64 / s.read.docs.max(1) as f64;
        text.push_str(&format!(
            "; {} LSH candidate pairs, {} verified; memory per document: LSH index {:.0} B, signatures {:.0} B, ids and hashes {:.0} B",
            s.candidates,
            s.verified,
            per_doc(s.memory[0]),
            per_doc(s.memory[1]),
            per_doc(s.memory[2])
        ));
    }
    if s.read.skipped > 0 {
        text.push_str(&format!("; {} bad records skipped", s.read.skipped));
    }
    text.push('\n');
    text
}

fn why(args: &cli::WhyArgs) -> anyhow::Result<ExitCode> {
    let mut inputs = collect_inputs(&args.input.inputs)?;
    let loaded = if args.clean {
        load_all(&args.rules, &args.input, &mut inputs)?
    } else {
        Loaded {
            rules: RuleSet::empty(),
            extractor: None,
            _spool: None,
        }
    };
    let cleaner = loaded.cleaner(&args.rules);
    let read = read_options(&args.input);
    let mut found: [Option<(String, String)>; 2] = [None, None];
    'outer: for batch in deboil::pipeline::read_batches(inputs, &read) {
        for rec in batch? {
            let Ok(doc) = deboil::doc::Document::parse(&rec, &read.names) else {
                continue;
            };
            for (slot, id) in found.iter_mut().zip([&args.first, &args.second]) {
                if slot.is_none() && &doc.id == id {
                    let text = if args.clean {
                        cleaner.clean(&doc.text, &doc.site).text
                    } else {
                        doc.text.clone()
                    };
                    *slot = Some((format!("{}:{}", rec.input.input.name, rec.line), text));
                }
            }
            if found.iter().all(Option::is_some) {
                break 'outer;
            }
        }
    }
    let [Some((where_a, a)), Some((where_b, b))] = found else {
        let missing: Vec<&str> = found
            .iter()
            .zip([&args.first, &args.second])
            .filter(|(f, _)| f.is_none())
            .map(|(_, id)| id.as_str())
            .collect();
        bail!("no document with id {} in the inputs", missing.join(" or "));
    };
    let signer = Signer::new(args.shingle, usize::from(args.num_perm), Scheme::Oph);
    let c = deboil::why::compare(&signer, args.shingle, &a, &b);
    let mut out = stdout();
    writeln!(
        out,
        "{} ({where_a}) vs {} ({where_b})",
        args.first, args.second
    )?;
    writeln!(
        out,
        "estimated Jaccard ({} permutations): {:.3}",
        args.num_perm, c.estimated
    )?;
    writeln!(
        out,
        "exact Jaccard of {} shingles: {:.3} ({} shared; {} and {} distinct)",
        args.shingle, c.jaccard, c.shingles.2, c.shingles.0, c.shingles.1
    )?;
    writeln!(
        out,
        "containment (shared over the smaller): {:.3}",
        c.containment
    )?;
    let words: usize = c.passages.iter().map(|p| p.words.len()).sum();
    writeln!(
        out,
        "shared passages: {} ({words} words of the first)",
        c.passages.len()
    )?;
    for p in &c.passages {
        let text = &a[p.bytes.clone()];
        let shown: String = text.chars().take(200).collect();
        let more = if shown.len() < text.len() { " ..." } else { "" };
        writeln!(
            out,
            "  words {}-{}: {:?}{more}",
            p.words.start,
            p.words.end,
            shown.replace('\n', " ")
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `--out-dir` must not be, or lie inside, an input directory, and must not
/// map any output onto its input.
fn check_out_dir(dir: &Path, args: &[PathBuf], inputs: &[Input]) -> anyhow::Result<()> {
    if inputs.iter().any(|i| i.path.is_none()) {
        bail!("--out-dir needs input paths: it mirrors the input tree, and stdin has none");
    }
    for a in args {
        if a.is_dir() && dir.exists() && is_within(dir, a) {
            bail!(
                "--out-dir {} lies inside the input directory {}; choose a directory outside it",
                dir.display(),
                a.display()
            );
        }
    }
    for i in inputs {
        let target = dir.join(&i.relative);
        refuse_input(&target, std::slice::from_ref(i), "--out-dir would write")?;
    }
    Ok(())
}

/// The end-of-run summary: one line, then any skipped records.
fn summary_text(job: &str, s: &Summary, rules: &RuleSet) -> String {
    let pct = if s.bytes_in > 0 {
        100.0 * (s.bytes_in as f64 - s.bytes_out as f64) / s.bytes_in as f64
    } else {
        0.0
    };
    let top = s.top_removals(rules);
    let total: u64 = top.iter().map(|t| t.1).sum();
    let mut line = format!(
        "deboil {job}: {} documents ({} changed), {} -> {} bytes (-{pct:.1}%), {total} removals",
        s.docs, s.changed_docs, s.bytes_in, s.bytes_out
    );
    if !top.is_empty() {
        let shown: Vec<String> = top
            .iter()
            .take(10)
            .map(|(id, n)| format!("{id} {n}"))
            .collect();
        line.push_str(": ");
        line.push_str(&shown.join(", "));
        if top.len() > 10 {
            line.push_str(&format!(", ... {} more rules", top.len() - 10));
        }
    }
    if s.skipped > 0 {
        line.push_str(&format!("; {} bad records skipped", s.skipped));
    }
    line.push('\n');
    line + &skipped_text(s)
}

/// The skipped records' messages, one a line (the first 20, then a count).
fn skipped_text(s: &Summary) -> String {
    let mut text: String = s
        .skipped_messages
        .iter()
        .map(|m| format!("  skipped {m}\n"))
        .collect();
    if s.skipped as usize > s.skipped_messages.len() {
        text.push_str(&format!(
            "  ... and {} more\n",
            s.skipped as usize - s.skipped_messages.len()
        ));
    }
    text
}

fn rule_sources(paths: &[PathBuf]) -> anyhow::Result<Vec<RuleSource>> {
    if paths.is_empty() {
        return Ok(RuleSource::embedded());
    }
    let mut sources = Vec::new();
    for p in paths {
        sources.extend(RuleSource::from_path(p)?);
    }
    Ok(sources)
}

fn rules_test(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let rules = RuleSet::compile(&rule_sources(paths)?, &Toggles::default())?;
    print_warnings(&rules);
    let results = run_examples(&rules, &CleanOptions::default());
    let mut out = stdout();
    let mut failed = 0;
    for r in &results {
        if r.passed() {
            continue;
        }
        failed += 1;
        let whose = match r.example.rule {
            Some(i) => format!("rule `{}`", rules.rules[i].id),
            None => "file".to_string(),
        };
        writeln!(out, "{}: example of {whose} failed", r.example.origin)?;
        writeln!(out, "  input:    {:?}", r.example.input)?;
        writeln!(out, "  expected: {:?}", r.example.output)?;
        writeln!(out, "  got:      {:?}", r.got)?;
    }
    let untested: Vec<&str> = rules
        .rules
        .iter()
        .enumerate()
        .filter(|(i, _)| !rules.examples.iter().any(|e| e.rule == Some(*i)))
        .map(|(_, r)| r.id.as_str())
        .collect();
    writeln!(
        out,
        "rules test: {} passed, {failed} failed ({} rules in {} files)",
        results.len() - failed,
        rules.rules.len(),
        rules.files.len()
    )?;
    if !untested.is_empty() {
        writeln!(out, "rules without examples: {}", untested.join(", "))?;
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn rules_list(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let rules = RuleSet::compile(&rule_sources(paths)?, &Toggles::default())?;
    let mut out = stdout();
    for r in &rules.rules {
        let scope = if r.scope.include.is_empty() {
            "all sites".to_string()
        } else {
            r.scope
                .include
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        let off = if r.enabled { "" } else { " (off by default)" };
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}{off}",
            r.id,
            r.action.name(),
            scope,
            r.origin,
            r.reason
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
