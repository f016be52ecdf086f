//! Flags → library options, in one place: each group of flags in `args.rs`
//! becomes the options struct of the library part it drives.

use std::path::PathBuf;

use deboil_core::clean::{Builtin, CleanOptions};
use deboil_core::dedup::template::TemplateOptions;
use deboil_core::dedup::{DedupSettings, Measure, Verify};
use deboil_core::learn::LearnOptions;
use deboil_core::lsh::Params;
use deboil_core::minhash::Scheme;
use deboil_core::rules::Toggles;
use deboil_io::doc::FieldNames;
use deboil_io::index;
use deboil_io::jobs::learn::{LearnFirst, RuleOptions};
use deboil_io::pipeline::ReadOptions;
use deboil_io::read::{Format, FormatChoice, Input, collect_inputs_noting, shown_name};
use deboil_io::site::SiteChoice;

use crate::args::{
    DedupFlags, FormatArg, InputArgs, LearnFlags, MeasureArg, RuleArgs, SchemeArg, VerifyArg,
    WhyArgs,
};

/// Worker threads allowed per CPU, and in all (see [`InputArgs::pool`]).
pub const THREADS_PER_CPU: usize = 4;
pub const MAX_THREADS: usize = 1024;

/// The most worker threads `-j` may start on this machine.
pub fn max_threads() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cpus * THREADS_PER_CPU).min(MAX_THREADS)
}

impl InputArgs {
    /// How inputs are read.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: match self.format {
                FormatArg::Auto => FormatChoice::Auto,
                FormatArg::Jsonl => FormatChoice::Fixed(Format::Jsonl),
                FormatArg::Text => FormatChoice::Fixed(Format::Text),
            },
            names: FieldNames {
                text: self.text_field.clone(),
                id: self.id_field.clone(),
                site: self.site_field.clone(),
            },
            max_doc_bytes: self.max_doc_bytes,
            batch_bytes: self.batch_bytes,
            site: SiteChoice {
                name: self.site.clone(),
                from: self.site_from.clone(),
            },
        }
    }

    /// The inputs `paths` name (directories walked; none is stdin), each
    /// checked to get a site when `--site-from` is given.
    pub fn collect(&self, paths: &[PathBuf]) -> anyhow::Result<Vec<Input>> {
        // Stdin can be read once: a second `-` would silently be no input.
        if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
            return Err(crate::cmd::usage(
                "stdin (-) is named more than once; it can be read only once",
            ));
        }
        // A saved index's files are no data: read as documents they stopped
        // the run at "malformed JSON" or "invalid UTF-8", or passed as text.
        for p in paths {
            let (what, dir) = match index::index_holding(p) {
                Some(dir) => ("a file of the dedup index", dir),
                None if index::is_index_dir(p) => ("a saved dedup index", p.clone()),
                None => continue,
            };
            return Err(crate::cmd::usage(format!(
                "{}: {what}{}, not data; dedup, run and check compare with it through \
                 --against {}",
                shown_name(p),
                match &dir == p {
                    true => String::new(),
                    false => format!(" {}", shown_name(&dir)),
                },
                shown_name(&dir)
            )));
        }
        let mut passed_over = Vec::new();
        let mut inputs = collect_inputs_noting(paths, &mut passed_over)?;
        self.drop_named_twice(&mut inputs);
        // Ids and findings name documents by their file's name: two files
        // that one name would stand for would share ids and baseline keys.
        let mut by_name = std::collections::HashMap::new();
        for i in &inputs {
            if let Some(prev) = by_name.insert(i.name.as_str(), i)
                && prev.path != i.path
            {
                let path = |i: &Input| {
                    i.path
                        .as_deref()
                        .map_or("stdin".into(), |p| format!("{p:?}"))
                };
                anyhow::bail!(
                    "two inputs go by the name {}: {} and {}; rename one",
                    i.name,
                    path(prev),
                    path(i)
                );
            }
        }
        // A directory's entries that are not read leave no trace otherwise:
        // a dangling link's file would be missing from the output unseen.
        if !self.quiet {
            for (p, why) in &passed_over {
                eprintln!("deboil: warning: {} not read: {why}", shown_name(p));
            }
        }
        // Directories holding nothing but hidden entries: say so, rather
        // than report 0 documents as if they had been read.
        if inputs.is_empty() && !paths.is_empty() && !self.quiet {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            eprintln!(
                "deboil: warning: no input files in {} (hidden entries and *.toml files are skipped)",
                names.join(", ")
            );
        }
        self.read_options()
            .site
            .check(&inputs)
            .map_err(anyhow::Error::msg)?;
        Ok(inputs)
    }

    /// Keeps the first of each file among `inputs` more than once
    /// (`data/*.jsonl data/a.jsonl`, `data/ data/a.jsonl`, `./a.jsonl
    /// a.jsonl`, a link beside its file), warning once unless `-q`: read
    /// twice, each of its documents was a copy of itself, its ids repeated,
    /// and its cleaned text written twice. `check` always read it once.
    /// Stdin (no path) is left alone: `-` twice is refused before this.
    fn drop_named_twice(&self, inputs: &mut Vec<Input>) {
        // The file itself, however named: device and inode (a hard link
        // too), or where there are none its resolved path.
        #[cfg(unix)]
        fn file_id(p: &std::path::Path) -> Option<(u64, u64)> {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(p).ok()?;
            Some((m.dev(), m.ino()))
        }
        #[cfg(not(unix))]
        fn file_id(p: &std::path::Path) -> Option<PathBuf> {
            std::fs::canonicalize(p).ok()
        }
        let mut seen = std::collections::HashMap::new();
        let mut repeats: Vec<(String, String)> = Vec::new();
        inputs.retain(|i| {
            // A file that cannot be looked at stays, to fail when read.
            let Some(id) = i.path.as_deref().and_then(file_id) else {
                return true;
            };
            match seen.get(&id) {
                Some(first) => {
                    repeats.push((String::clone(first), i.name.clone()));
                    false
                }
                None => {
                    seen.insert(id, i.name.clone());
                    true
                }
            }
        });
        if self.quiet {
            return;
        }
        if let Some((first, again)) = repeats.first() {
            let more = match repeats.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            let again = match again == first {
                true => String::new(),
                false => format!(" (again as {again})"),
            };
            eprintln!("deboil: warning: {first} is named twice{again}{more}: it is read once");
        }
    }

    /// The worker pool `-j` asks for (all cores by default), capped at
    /// [`max_threads`] with a warning: past that, threads only cost start-up
    /// time and memory (`-j 100000` took over a minute to start).
    pub fn pool(&self) -> anyhow::Result<rayon::ThreadPool> {
        // 0 (refused by the parser) would mean all cores to rayon.
        let mut threads = self.threads.unwrap_or(0);
        let cap = max_threads();
        if threads > cap {
            eprintln!(
                "deboil: warning: -j {threads} capped at {cap} ({THREADS_PER_CPU} per CPU, at most {MAX_THREADS})"
            );
            threads = cap;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| anyhow::anyhow!("starting worker threads: {e}"))
    }
}

impl RuleArgs {
    /// Refuses a `--learn-min-*` flag given a value other than its default
    /// without `--learn`: it would be ignored, as if it had worked.
    pub fn refuse_idle_learn_flags(&self) -> anyhow::Result<()> {
        use clap::{Args, FromArgMatches};
        if self.learn {
            return Ok(());
        }
        let cmd = LearnFlags::augment_args(clap::Command::new("defaults"));
        let d = LearnFlags::from_arg_matches(&cmd.get_matches_from(["defaults"]))?;
        let f = &self.learn_flags;
        let idle = [
            (
                "--learn-min-site-pages",
                f.learn_min_site_pages != d.learn_min_site_pages,
            ),
            ("--learn-min-pages", f.learn_min_pages != d.learn_min_pages),
            ("--learn-min-share", f.learn_min_share != d.learn_min_share),
            ("--learn-min-words", f.learn_min_words != d.learn_min_words),
        ];
        match idle.iter().find(|(_, given)| *given) {
            Some((flag, _)) => Err(crate::cmd::usage(format!(
                "{flag} applies with --learn only"
            ))),
            None => Ok(()),
        }
    }
}

impl LearnFlags {
    /// How much evidence learning asks for.
    pub fn learn_options(&self) -> LearnOptions {
        LearnOptions {
            min_site_pages: self.learn_min_site_pages,
            min_pages: self.learn_min_pages as usize,
            min_share: self.learn_min_share,
            min_words: self.learn_min_words,
        }
    }
}

impl RuleArgs {
    /// The rule files the run reads or writes (`--rules`, `--save-learned`).
    pub fn own_files(&self) -> impl Iterator<Item = &PathBuf> {
        self.rules.iter().chain(&self.save_learned)
    }

    /// Where the rules come from, the built-ins, and whether to learn first.
    pub fn rule_options(&self) -> RuleOptions {
        let mut clean = CleanOptions {
            repeated_lines: Some(self.repeated_line_words),
            ..CleanOptions::default()
        };
        for name in &self.no_builtin {
            clean.disable(Builtin::parse(name).expect("clap checked the name"));
        }
        RuleOptions {
            no_default_rules: self.no_default_rules,
            paths: self.rules.clone(),
            toggles: Toggles {
                enable: self.enable.clone(),
                disable: self.disable.clone(),
            },
            clean,
            page_body: self.page_body,
            learn: self.learn.then(|| LearnFirst {
                opts: self.learn_flags.learn_options(),
                extract: !self.no_extract,
                save_to: self.save_learned.clone(),
            }),
        }
    }
}

impl WhyArgs {
    /// The deduplication settings the comparison follows.
    pub fn settings(&self) -> DedupSettings {
        DedupSettings {
            shingle: self.shingle.unwrap_or(DedupSettings::default().shingle),
            num_perm: usize::from(self.num_perm),
            threshold: self.threshold,
            measure: self.similarity.map(measure),
            min_jaccard: self.min_jaccard,
            verify: verify(self.verify),
            ..DedupSettings::default()
        }
    }
}

fn measure(m: MeasureArg) -> Measure {
    match m {
        MeasureArg::Jaccard => Measure::Jaccard,
        MeasureArg::Containment => Measure::Containment,
    }
}

fn verify(v: VerifyArg) -> Verify {
    match v {
        VerifyArg::Signature => Verify::Signature,
        VerifyArg::Exact => Verify::Exact,
    }
}

impl DedupFlags {
    /// How site template lines are found, unless signatures take whole texts.
    pub fn template(&self) -> Option<TemplateOptions> {
        (!self.keep_template_lines).then(TemplateOptions::default)
    }

    /// The deduplication settings as given (defaults resolved later, by preset).
    pub fn settings(&self) -> DedupSettings {
        DedupSettings {
            shingle: self.shingle,
            num_perm: usize::from(self.num_perm),
            scheme: match self.scheme {
                SchemeArg::Oph => Scheme::Oph,
                SchemeArg::Classic => Scheme::Classic,
            },
            threshold: self.threshold,
            measure: self.similarity.map(measure),
            min_jaccard: self.min_jaccard,
            bands: self
                .bands
                .zip(self.rows)
                .map(|(bands, rows)| Params { bands, rows }),
            keep: self.keep.clone(),
            verify: verify(self.verify),
        }
    }
}
