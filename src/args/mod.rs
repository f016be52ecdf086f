//! Command-line arguments. Each group of flags is one struct; `options.rs`
//! turns each into the library's options, in one place, so nothing below
//! the CLI sees clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Strip recurring site junk from scraped news text and find duplicate articles.
///
/// Exit codes: 0 success; 1 findings (`check`: junk or copies found, or
/// files repaired by --fix; `rules test`: failed examples); 2 error (bad
/// input, a file that cannot be read or written, a refused output); 64 usage
/// error (unknown flag, bad value, missing argument); 128 + N on signal N
/// (130 for SIGINT, 143 for SIGTERM).
#[derive(Debug, Parser)]
#[command(name = "deboil", version = version_text(), propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean documents with rule files and the built-in cleanups.
    ///
    /// Reads JSONL (`.jsonl`, `.ndjson`, `.json`) or text files (one document
    /// each), gzip or zstd compressed or not, from paths or stdin, and writes
    /// JSONL to stdout, `-o FILE`, or a cleaned mirror of the input tree.
    Clean(Box<CleanArgs>),
    /// Drop duplicate documents: exact copies and near copies (MinHash + LSH).
    ///
    /// Writes every singleton and one representative per cluster, in input
    /// order (or every document with `--mark`).
    Dedup(Box<DedupArgs>),
    /// Clean with the rules, then drop duplicates found on the cleaned text.
    Run(Box<RunArgs>),
    /// Learn each site's recurring junk from its pages and write it as rules.
    ///
    /// Writes a rule file (TOML, deboil's own format) to stdout or `-o FILE`:
    /// per site, the lines and blocks that recur across its pages, with the
    /// number and share of pages, most text removed first.
    Learn(Box<LearnArgs>),
    /// Explain why two documents match: similarity, estimated and exact, and shared passages.
    Why(Box<WhyArgs>),
    /// Report what is in a corpus: junk removed, candidate rules, duplicates, lengths.
    ///
    /// Runs as `run` does (clean, then deduplicate, with its defaults) and
    /// writes nothing but the report: Markdown to stdout, or to `-o FILE`
    /// in the format its extension names (.json, .md, .html).
    Report(Box<ReportArgs>),
    /// Work with rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Check files as a linter does (pre-commit, CI): junk the rules still
    /// match, exact and near duplicates.
    ///
    /// One finding a line, `FILE:LINE: message` (a JSONL record's line; in a
    /// text file, the line of the junk). Duplicates are found as `run` finds
    /// them (cleaned text, its defaults), among the files given and, with
    /// `--against`, against the rest of the dataset or a saved index.
    /// Exit codes: 0 no findings, 1 findings (or files repaired), 2 error,
    /// 64 usage error.
    Check(Box<CheckArgs>),
    /// Print a shell completion script to stdout.
    ///
    /// For bash: `deboil completions bash > ~/.local/share/bash-completion/completions/deboil`;
    /// zsh: into a directory on `$fpath` as `_deboil`; fish:
    /// `~/.config/fish/completions/deboil.fish`.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `VERSION (commit HASH, built-in rules DIGEST)`: the build's git commit
/// ("unknown" outside a git checkout) and a digest of the built-in rule
/// files alone (a report's cleaning digest covers every rule file, toggles
/// and settings, and names this one beside it).
fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{} (commit {}, built-in rules {:016x})",
            env!("CARGO_PKG_VERSION"),
            env!("DEBOIL_COMMIT"),
            deboil_core::rules::embedded_digest()
        )
    })
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check the examples rule files carry (the embedded defaults when no PATH).
    Test(RulesPathArgs),
    /// List rules: id, action, scope, origin and reason.
    List(RulesPathArgs),
}

#[derive(Debug, Args)]
pub struct RulesPathArgs {
    /// Rule files or directories of `*.toml` files.
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Write one JSONL record per removal (document id, rule, offsets, text) to FILE.
    #[arg(long, value_name = "FILE")]
    pub explain: Option<PathBuf>,
    /// Print a unified diff of what would change instead of the cleaned documents (no -o or --out-dir; --explain, --report and --save-learned are still written).
    #[arg(long, conflicts_with_all = ["output", "out_dir"])]
    pub diff: bool,
    /// Also write a report on the run to FILE: .json, .md or .html (see `deboil report`).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Show progress on stderr as timed lines (a bar on a terminal shows without it).
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Write the report to FILE instead of stdout; written atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report format [default: by -o's extension, else markdown].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output_format: Option<ReportFormatArg>,
    /// Show progress on stderr as timed lines (a bar on a terminal shows without it).
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    Json,
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub struct LearnArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the rules to FILE instead of stdout; written atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub learn: LearnFlags,
    /// Show progress on stderr as timed lines (a bar on a terminal shows without it).
    #[arg(short, long)]
    pub verbose: bool,
}

/// How much evidence learning asks for.
#[derive(Debug, Args, Clone)]
pub struct LearnFlags {
    /// Sites with fewer pages learn nothing.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub learn_min_site_pages: usize,
    /// A line must recur on at least N pages (copies of one story count once).
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = parse_two_or_more)]
    pub learn_min_pages: u64,
    /// ... and on at least this share of the site's pages.
    #[arg(long, default_value_t = 0.05, value_name = "F", value_parser = parse_unit)]
    pub learn_min_share: f64,
    /// Words a line needs to be a rule on its own (shorter lines only in blocks).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub learn_min_words: usize,
}

#[derive(Debug, Args)]
pub struct DedupArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub dedup: DedupFlags,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub dedup: DedupFlags,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// Id of the first document, or its place FILE:LINE (where ids repeat).
    pub first: String,
    /// Id of the second document, or its place FILE:LINE.
    pub second: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// Compare the texts as `run` sees them: cleaned with the rules first.
    #[arg(long)]
    pub clean: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Shingles: word:N or char:N [default: as dedup and run, char:7].
    #[arg(long, value_name = "KIND:N", value_parser = parse_shingle)]
    pub shingle: Option<deboil_core::minhash::Shingling>,
    /// MinHash permutations for the estimate.
    #[arg(long, default_value_t = 128, value_name = "N", value_parser = num_perm_range())]
    pub num_perm: u16,
    /// Similarity measure [default: containment with --clean, as run; jaccard without, as dedup].
    #[arg(long, value_enum)]
    pub similarity: Option<MeasureArg>,
    /// Threshold [default: 0.7 with --clean, as run; 0.5 without, as dedup].
    #[arg(long, value_name = "F", value_parser = parse_unit)]
    pub threshold: Option<f64>,
    /// With containment, the Jaccard floor [default: 0.3].
    #[arg(long, value_name = "F", value_parser = parse_unit)]
    pub min_jaccard: Option<f64>,
    /// Decide on the signatures' estimate (as dedup and run do) or on the exact shingle sets.
    #[arg(long, value_enum, default_value_t = VerifyArg::Signature)]
    pub verify: VerifyArg,
    /// Compare whole texts, site template lines included (as dedup and run
    /// do with the same flag; by default they are counted over the inputs
    /// and left out).
    #[arg(long)]
    pub keep_template_lines: bool,
}

/// How duplicates are found, which one is kept, and where results go.
#[derive(Debug, Args)]
pub struct DedupFlags {
    /// Write JSONL to FILE instead of stdout (`.gz`/`.zst` compress); written atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Write one JSON object per cluster of two or more documents to FILE.
    #[arg(long, value_name = "FILE")]
    pub clusters: Option<std::path::PathBuf>,
    /// Keep every document and add `dup_of` (the representative's id, or null) and `cluster_size`.
    #[arg(long)]
    pub mark: bool,
    /// Which member of a cluster is kept: first, longest or newest:FIELD.
    #[arg(long, default_value = "first", value_name = "POLICY", value_parser = parse_keep)]
    pub keep: deboil_core::dedup::Keep,
    /// Shingles: word:N (word n-grams) or char:N (character n-grams).
    #[arg(long, default_value = "char:7", value_name = "KIND:N", value_parser = parse_shingle)]
    pub shingle: deboil_core::minhash::Shingling,
    /// MinHash permutations (signature length).
    #[arg(long, default_value_t = 128, value_name = "N", value_parser = num_perm_range())]
    pub num_perm: u16,
    /// Similarity at or above which two documents are duplicates
    /// [default: 0.7 for run, 0.5 for dedup].
    #[arg(long, value_name = "F", value_parser = parse_unit)]
    pub threshold: Option<f64>,
    /// Similarity measure: jaccard, or containment (shared shingles over the
    /// smaller document's, so an abridged copy matches) [default: containment
    /// for run; jaccard for dedup, whose uncleaned text shares site junk].
    #[arg(long, value_enum)]
    pub similarity: Option<MeasureArg>,
    /// With containment, the Jaccard similarity a pair needs at least, so a
    /// short text sharing a paragraph with a long one is no copy [default: 0.3].
    #[arg(long, value_name = "F", value_parser = parse_unit)]
    pub min_jaccard: Option<f64>,
    /// How a candidate pair is verified: `signature` (the similarity
    /// estimated from the two signatures) or `exact` (the shingle sets of the
    /// two texts, read back from the spool; slower).
    #[arg(long, value_enum, default_value_t = VerifyArg::Signature)]
    pub verify: VerifyArg,
    /// Sign whole texts: do not leave out the lines a site repeats on many
    /// of its documents (headers, footers no rule knows), which are
    /// otherwise counted over the inputs and left out of the signatures.
    #[arg(long)]
    pub keep_template_lines: bool,
    /// LSH bands (default: derived from the threshold); give with --rows.
    #[arg(long, value_name = "N", requires = "rows")]
    pub bands: Option<usize>,
    /// LSH rows per band; give with --bands.
    #[arg(long, value_name = "N", requires = "bands")]
    pub rows: Option<usize>,
    /// Signature scheme: one-permutation hashing with densification, or one hash per permutation.
    #[arg(long, value_enum, default_value_t = SchemeArg::Oph, hide = true)]
    pub scheme: SchemeArg,
    /// Save the signatures (never the texts) of the kept documents to DIR, for later `--against`.
    #[arg(long, value_name = "DIR")]
    pub save_index: Option<std::path::PathBuf>,
    /// Drop documents that duplicate one in the index saved in DIR; with
    /// `--save-index` the index grows by the documents kept.
    #[arg(long, value_name = "DIR")]
    pub against: Option<std::path::PathBuf>,
    /// Also write a report on the run to FILE: .json, .md or .html (see `deboil report`).
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,
    /// Memory the texts may take between the two passes, together with the signatures and ids (the rest goes to a temp file, or is read again from a plain input file when written out as read; 0: none held); suffixes K, M, G.
    #[arg(long, default_value = "256M", value_name = "SIZE", value_parser = parse_memory)]
    pub spool_memory: usize,
    /// Print the chosen parameters and LSH statistics, and progress as timed lines.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Compare with the rest of the dataset (files or directories; the
    /// files checked are left out of it) or a saved index (repeatable).
    #[arg(long, value_name = "PATH|INDEX")]
    pub against: Vec<PathBuf>,
    /// Run only one kind of check.
    #[arg(long, value_enum, value_name = "CHECK")]
    pub only: Option<OnlyArg>,
    /// How findings are written [default: by the -o FILE's extension, `.json` or
    /// `.sarif`, as `report` chooses; else text].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output_format: Option<CheckFormatArg>,
    /// Write the findings to FILE instead of stdout; written atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Clean the files in place (atomically, permissions kept); duplicates
    /// are reported, never deleted. Exits 1 when it changed a file.
    #[arg(long, conflicts_with = "write_baseline")]
    pub fix: bool,
    /// Accepted findings (from --write-baseline): only new ones are reported.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to FILE as accepted (`-`: stdout), and
    /// exit 0; no findings are written, so it takes no -o.
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    pub write_baseline: Option<PathBuf>,
}

/// One kind of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyArg {
    /// Text the rules remove.
    Junk,
    /// Exact and near copies.
    Duplicates,
}

/// How `check` writes its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormatArg {
    /// `FILE:LINE: message`, one a line.
    Text,
    /// One JSON document.
    Json,
    /// GitHub workflow annotations, then a summary line.
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

impl CheckArgs {
    /// The format of the findings: the flag's, else the one `-o FILE`'s
    /// extension names (a `findings.sarif` of text would fail its upload).
    pub fn format(&self) -> CheckFormatArg {
        let by_name = || {
            let ext = self.output.as_ref()?.extension()?.to_str()?;
            match ext.to_ascii_lowercase().as_str() {
                "json" => Some(CheckFormatArg::Json),
                "sarif" => Some(CheckFormatArg::Sarif),
                _ => None,
            }
        };
        self.output_format
            .or_else(by_name)
            .unwrap_or(CheckFormatArg::Text)
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MeasureArg {
    Jaccard,
    Containment,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum VerifyArg {
    Signature,
    Exact,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemeArg {
    Oph,
    Classic,
}

fn parse_keep(s: &str) -> Result<deboil_core::dedup::Keep, String> {
    s.parse()
}

fn parse_shingle(s: &str) -> Result<deboil_core::minhash::Shingling, String> {
    s.parse()
}

fn parse_site(s: &str) -> Result<String, String> {
    // A URL gives its host, as in a record's site field (and the Python
    // `site=`): else `https://example.com/` became the site
    // `https:_example.com_`, which no rule's scope names.
    if s.contains("://") {
        let host = deboil_io::doc::site_of(s);
        if host.is_empty() {
            return Err(format!("`{s}` is a URL with no host"));
        }
        return Ok(host);
    }
    if deboil_core::rules::site_name(s).is_empty() {
        return Err("a site name must not be empty".into());
    }
    Ok(s.to_string())
}

/// A text field name: an empty one names no field, and every record would
/// be reported as missing it.
fn parse_field(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Err("a field name must not be empty".into());
    }
    Ok(s.to_string())
}

/// A count of 2 or more (clap's range names its upper end, u64::MAX, in
/// the message).
/// `--num-perm`: [`deboil_core::minhash::NUM_PERM`].
fn num_perm_range() -> clap::builder::RangedI64ValueParser<u16> {
    let r = deboil_core::minhash::NUM_PERM;
    clap::value_parser!(u16).range(*r.start() as i64..=*r.end() as i64)
}

fn parse_two_or_more(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .ok()
        .filter(|&n| n >= 2)
        .ok_or_else(|| format!("`{s}` is not a whole number of 2 or more"))
}

fn parse_unit(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|f| *f > 0.0 && *f <= 1.0)
        .ok_or_else(|| format!("`{s}` is not a number in (0, 1]"))
}

/// Which format to read inputs as.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// By extension; stdin by its first byte (`{` means JSONL).
    Auto,
    Jsonl,
    Text,
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories (walked in sorted order); `-` or none reads stdin.
    pub inputs: Vec<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// JSONL field holding the text; a dotted path (`content.body`) reaches into nested objects.
    #[arg(long, default_value = "text", value_name = "NAME", value_parser = parse_field)]
    pub text_field: String,
    /// JSONL field holding the id: a string, or a number as written (missing: `FILE:LINE`); may be a dotted path.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    /// JSONL field holding the site, a URL giving its host (missing: the host of `url`, else of `metadata.url`, else --site-from, --site or the directory name); may be a dotted path.
    #[arg(long, default_value = "site", value_name = "NAME")]
    pub site_field: String,
    /// The site of documents whose record names none (no site field, no URL), instead of the name of their input's directory; a URL gives its host.
    #[arg(long, value_name = "NAME", value_parser = parse_site)]
    pub site: Option<String>,
    /// A regex with one capture group, matched against each input's absolute path: the group is the site of its documents that name none (`--site-from 'seeds/([^/]+)/'`); wins over --site where it matches, an error where it does not and no --site is given.
    #[arg(long, value_name = "PATTERN")]
    pub site_from: Option<deboil_io::site::SiteFrom>,
    /// Longest record accepted (a JSONL line or a text file); suffixes K, M, G.
    #[arg(long, default_value = "64M", value_name = "SIZE", value_parser = parse_size)]
    pub max_doc_bytes: usize,
    /// Leave out bad records (counted and reported at the end) instead of stopping; a damaged compressed file still stops the run.
    #[arg(long)]
    pub skip_bad: bool,
    /// With --skip-bad: copy bad records, byte for byte, to FILE.
    #[arg(long, value_name = "FILE", requires = "skip_bad")]
    pub rejects: Option<PathBuf>,
    /// Worker threads (default: all cores; at most 4 per CPU and 1024, more
    /// is capped with a warning). Output does not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Records per parallel batch, in bytes (a few batches are in flight:
    /// memory for `clean`; more than 1G counts as 1G); suffixes K, M, G.
    /// Output does not depend on it.
    #[arg(long, default_value = "4M", value_name = "SIZE", value_parser = parse_size)]
    pub batch_bytes: usize,
    /// No summary (and no progress) on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// More rule files, or directories of `*.toml` files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the rules built into the binary.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Switch on rules whose id matches GLOB, even those off by default (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub enable: Vec<String>,
    /// Switch off rules whose id matches GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub disable: Vec<String>,
    /// Switch off a built-in cleanup: blank-line, repeated-line, blank-runs, trailing-space (repeatable).
    #[arg(long, value_name = "NAME", value_parser = ["blank-line", "repeated-line", "blank-runs", "trailing-space"])]
    pub no_builtin: Vec<String>,
    /// Lines of at most N words are dropped when they repeat an earlier line.
    #[arg(long, default_value_t = deboil_core::clean::DEFAULT_REPEATED_LINE_WORDS, value_name = "N")]
    pub repeated_line_words: usize,
    /// Learn each site's recurring junk in a first pass and remove it too;
    /// on whole-page dumps also keep only each page's body.
    #[arg(long)]
    pub learn: bool,
    /// With --learn: remove recurring lines only, never look for the body.
    #[arg(long, requires = "learn")]
    pub no_extract: bool,
    /// Keep only each page's body, found from the page alone: its lines'
    /// length, punctuation, function words, place, menu and list shape (for
    /// whole pages of sites seen once or a few times). --learn does this for
    /// sites with fewer than --learn-min-site-pages pages, with lines seen
    /// on several sites of the input as extra evidence.
    #[arg(long, conflicts_with_all = ["learn", "no_extract"])]
    pub page_body: bool,
    /// With --learn: also write the learned rules to FILE.
    #[arg(long, value_name = "FILE", requires = "learn")]
    pub save_learned: Option<PathBuf>,
    #[command(flatten)]
    pub learn_flags: LearnFlags,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write JSONL to FILE instead of stdout (`.gz`/`.zst` compress); written atomically.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write cleaned files mirroring the input tree under DIR.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub out_dir: Option<PathBuf>,
}

/// `-j N`: a count of at least one (the cap is applied, with a warning, later).
fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("give at least 1 worker thread".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{s}` is not a number of threads")),
    }
}

/// Parses `123`, `64K`, `64M`, `1G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 1usize << 10),
        Some((i, 'm' | 'M')) => (&s[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{s}` is not a size (like 512K, 64M or 1G)"))
}

/// [`parse_size`], or `0`.
pub fn parse_memory(s: &str) -> Result<usize, String> {
    match s.trim() {
        "0" => Ok(0),
        _ => parse_size(s),
    }
}

#[cfg(test)]
mod tests;
