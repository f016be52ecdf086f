//! The corpus report: what a run found in its inputs, as JSON, Markdown or
//! one self-contained HTML page.
//!
//! A [`Collector`] rides along a clean or dedup job: the job hands it each
//! document's figures in input order (counts, never texts, except the few
//! it quotes), and the clusters at the end; [`Collector::finish`] makes the
//! [`Report`], which [`render`] writes in a [`ReportFormat`]. So a report
//! costs no extra pass over the inputs.
//!
//! What a report holds, and the JSON schema (versioned by
//! [`Report::schema_version`], [`SCHEMA_VERSION`] now), is documented in
//! `docs/report-schema.md`; in short: the tool's version, the rule set's
//! digest and the options (so a run can be repeated), documents, bytes and
//! words in and out, emptied and very short documents, removals per rule and
//! per site, recurring lines no rule removed (candidate rules), exact and
//! near-duplicate clusters (rates, sizes, the largest, the sites sharing
//! them), document lengths and bad records. The output depends only on the
//! inputs and options: never on threads, batch sizes or the clock.

mod collect;
mod html;
mod markdown;
mod svg;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

pub use collect::{Collector, DocFacts, Header, Limits};

/// The version of the report's JSON schema; it grows when a field changes
/// meaning or goes away (new fields may appear within a version).
pub const SCHEMA_VERSION: u32 = 1;

/// What the cleaning digest covers, as the HTML and Markdown reports say
/// it: `--version`'s digest covers less, so the two differ by design.
pub const DIGEST_COVERS: &str = "a hash of the rule files' texts in load order, \
    built-in and learned ones included, the --enable/--disable globs, the built-in \
    cleanups and body finding; equal digests clean alike. deboil --version's \
    digest covers the built-in rule files alone";

/// A report, as [`render`] writes it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `deboil`.
    pub tool: String,
    /// The tool's version.
    pub version: String,
    /// The job: `clean`, `dedup`, `run` or `report`.
    pub command: String,
    /// The inputs' names, in order.
    pub inputs: Vec<String>,
    /// The rules used (jobs that clean).
    pub rules: Option<RulesUsed>,
    /// The options that shape the result, by name.
    pub options: BTreeMap<String, String>,
    /// Documents, bytes and words.
    pub totals: Totals,
    /// Removals per rule (and built-in cleanup), most first.
    pub removals: Vec<RuleRemovals>,
    /// Per site.
    pub sites: Sites,
    /// Lines that recur on many stories of a site after cleaning: junk no
    /// rule removes yet, most stories first.
    pub candidate_lines: CandidateLines,
    /// Duplicates (jobs that deduplicate).
    pub duplicates: Option<Duplicates>,
    /// Document lengths in words, before and after.
    pub lengths: Lengths,
    /// Records left out as bad.
    pub bad_records: BadRecords,
}

impl Report {
    /// What the run did with duplicates (see [`crate::summary::duplicates_fate`]).
    pub fn duplicates_fate(&self) -> &'static str {
        crate::summary::duplicates_fate(&self.command, self.options.contains_key("mark"))
    }
}

/// The rules a job used.
#[derive(Debug, Clone, Serialize)]
pub struct RulesUsed {
    /// The cleaning digest: a hash of the rule files' texts (in load order,
    /// built-in and learned ones included), the toggles, the built-in
    /// cleanups' options and body finding: equal digests, equal cleaning.
    /// Not `--version`'s digest, which covers the built-in rule files alone
    /// ([`RulesUsed::built_in_rules`]).
    pub digest: String,
    /// The built-in rule files' digest, as `deboil --version` prints it,
    /// when they were loaded (`None` with `--no-default-rules`).
    pub built_in_rules: Option<String>,
    /// The rule files, in load order.
    pub files: Vec<String>,
    /// Rules loaded.
    pub rules: usize,
    /// Rules switched on.
    pub enabled: usize,
}

/// Documents, bytes and words over the whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// Documents read (bad records not included).
    pub documents: u64,
    /// Text bytes before and after cleaning.
    pub bytes_in: u64,
    /// Text bytes after cleaning.
    pub bytes_out: u64,
    /// Words before cleaning (runs of characters other than ASCII whitespace).
    pub words_in: u64,
    /// Words after cleaning.
    pub words_out: u64,
    /// Documents that lost some text.
    pub changed: u64,
    /// Documents with words before cleaning and none after.
    pub emptied: u64,
    /// Documents with no words to begin with.
    pub empty_in: u64,
    /// Documents left with 1 to `very_short_words - 1` words.
    pub very_short: u64,
    /// The bound of `very_short`.
    pub very_short_words: u64,
}

/// What one rule removed.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRemovals {
    /// The rule's id (`builtin.NAME`, `learn.NAME` for the others).
    pub rule: String,
    /// What it removes: `line`, `paragraph`, `span` or `tail`.
    pub action: String,
    /// Removals.
    pub removals: u64,
    /// Documents it removed something from.
    pub documents: u64,
}

/// Per-site figures.
#[derive(Debug, Clone, Serialize)]
pub struct Sites {
    /// Sites seen.
    pub count: usize,
    /// The sites shown: the dirtiest (most bytes removed) and those with
    /// the most duplicates, most bytes removed first.
    pub rows: Vec<SiteRow>,
}

/// One site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteRow {
    /// The site (empty when documents name none).
    pub site: String,
    /// Documents.
    pub documents: u64,
    /// Text bytes before cleaning.
    pub bytes_in: u64,
    /// Text bytes after.
    pub bytes_out: u64,
    /// Share of the bytes removed (0 to 1).
    pub removed_share: f64,
    /// Removals.
    pub removals: u64,
    /// Documents that lost some text.
    pub changed: u64,
    /// Documents emptied.
    pub emptied: u64,
    /// Documents left very short.
    pub very_short: u64,
    /// The rules that removed the most here (three at most).
    pub top_rules: Vec<RuleCount>,
    /// Documents dropped as duplicates (jobs that deduplicate).
    pub duplicates: Option<u64>,
    /// `duplicates` over `documents`.
    pub duplicate_rate: Option<f64>,
}

/// A rule and how often it removed something.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    /// The rule's id.
    pub rule: String,
    /// Removals.
    pub removals: u64,
}

/// Recurring lines no rule removed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CandidateLines {
    /// Documents counted per site (the first ones), for the shares.
    pub pages_counted_per_site: usize,
    /// Recurring lines found over all sites.
    pub count: usize,
    /// The lines shown, most stories first.
    pub lines: Vec<CandidateLine>,
}

/// One recurring line.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateLine {
    /// Its site.
    pub site: String,
    /// The line, as on the first page holding it (long lines cut).
    pub text: String,
    /// Its words.
    pub words: u16,
    /// Counted pages of the site holding it.
    pub pages: u32,
    /// Stories holding it (copies of one story count once).
    pub stories: u32,
    /// Pages of the site counted.
    pub site_pages: u32,
    /// `pages` over `site_pages`.
    pub share: f64,
}

/// What deduplication found.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicates {
    /// New documents (those of a saved index not included).
    pub documents: u64,
    /// Documents kept.
    pub kept: u64,
    /// Exact copies dropped.
    pub exact_dropped: u64,
    /// Near copies dropped.
    pub near_dropped: u64,
    /// Dropped over documents.
    pub duplicate_rate: f64,
    /// Clusters of two or more.
    pub clusters: u64,
    /// Clusters whose members all have one normalised text.
    pub exact_clusters: u64,
    /// Documents of a saved index the inputs were compared with.
    pub indexed_documents: u64,
    /// Clusters by size.
    pub cluster_sizes: Vec<Bucket>,
    /// The largest clusters, largest first.
    pub largest: Vec<ClusterRow>,
    /// Pairs of sites that share clusters, most shared first.
    pub site_pairs: Vec<SitePair>,
}

/// One cluster.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterRow {
    /// The kept document's id.
    pub representative: String,
    /// `exact` or `near`.
    pub kind: String,
    /// Members, the representative included.
    pub size: usize,
    /// The members' sites, each once, in order of first member.
    pub sites: Vec<String>,
    /// The first members' ids, in input order.
    pub members: Vec<String>,
    /// The representative's text, its start (whitespace collapsed).
    pub snippet: Option<String>,
}

/// Two sites whose documents share clusters.
#[derive(Debug, Clone, Serialize)]
pub struct SitePair {
    /// The two sites, in name order.
    pub sites: [String; 2],
    /// Clusters holding documents of both.
    pub clusters: u64,
}

/// A histogram bucket: values from `min` to `max` (inclusive; no `max`:
/// and up).
#[derive(Debug, Clone, Serialize)]
pub struct Bucket {
    /// `min`-`max`, or `min+`.
    pub label: String,
    /// Smallest value.
    pub min: u64,
    /// Largest value, if bounded.
    pub max: Option<u64>,
    /// How many fell in it.
    pub count: u64,
}

/// Document lengths.
#[derive(Debug, Clone, Serialize)]
pub struct Lengths {
    /// Words per document before cleaning.
    pub words_in: Vec<Bucket>,
    /// Words per document after.
    pub words_out: Vec<Bucket>,
}

/// Bad records.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BadRecords {
    /// Records left out.
    pub count: u64,
    /// The first messages, `file:line: problem`.
    pub messages: Vec<String>,
}

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// JSON, the schema in `docs/report-schema.md`.
    Json,
    /// Markdown tables, fit for a CI job summary.
    Markdown,
    /// One HTML page with inline styles and SVG charts.
    Html,
}

impl ReportFormat {
    /// The format a file's extension names: `.json`, `.md` (`.markdown`),
    /// `.html` (`.htm`); `None` for any other.
    pub fn from_path(path: &Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(ReportFormat::Json),
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "html" | "htm" => Some(ReportFormat::Html),
            _ => None,
        }
    }
}

/// The report in `format`.
pub fn render(report: &Report, format: ReportFormat) -> String {
    match format {
        ReportFormat::Json => {
            serde_json::to_string_pretty(report).expect("a report serialises") + "\n"
        }
        ReportFormat::Markdown => markdown::render(report),
        ReportFormat::Html => html::render(report),
    }
}

/// `n` bytes for people: `512 B`, `1.5 KiB`, `23.4 MiB`, `1.02 GiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if v < 10.0 {
        format!("{v:.2} {}", UNITS[unit])
    } else if v < 100.0 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}

/// `n` with thousands separated: `1,234,567`.
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage: `12.3 %` (`0 %` for none, `<0.1 %` for a little).
pub fn percent(share: f64) -> String {
    if share <= 0.0 {
        "0 %".into()
    } else if share < 0.001 {
        "<0.1 %".into()
    } else {
        format!("{:.1} %", share * 100.0)
    }
}

/// `part` over `whole`, 0 when `whole` is.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_numbers_for_people() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.50 KiB");
        assert_eq!(human_bytes(50 << 20), "50.0 MiB");
        assert_eq!(human_bytes(300 << 20), "300 MiB");
        assert_eq!(human_bytes(1 << 30), "1.00 GiB");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(percent(0.0), "0 %");
        assert_eq!(percent(0.0001), "<0.1 %");
        assert_eq!(percent(0.1234), "12.3 %");
    }

    #[test]
    fn formats_by_extension() {
        let f = |p: &str| ReportFormat::from_path(Path::new(p));
        assert_eq!(f("r.json"), Some(ReportFormat::Json));
        assert_eq!(f("r.MD"), Some(ReportFormat::Markdown));
        assert_eq!(f("a/r.html"), Some(ReportFormat::Html));
        assert_eq!(f("r.txt"), None);
        assert_eq!(f("report"), None);
    }
}
