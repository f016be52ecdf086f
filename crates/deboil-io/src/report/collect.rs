//! Collecting a report beside a job: per document a few counts, per site a
//! few more, the sites' recurring lines over their first pages, and at the
//! end the clusters. Memory grows with sites, not documents, but for one
//! site number (4 bytes) per document when the job deduplicates.

mod clusters;
mod finish;

use std::collections::{BTreeMap, HashMap};
use std::io::{Seek, SeekFrom, Write};

use deboil_core::clean::Cause;
use deboil_core::dedup::Deduplication;
use deboil_core::dedup::template::{Recurring, SiteLines, TemplateOptions};
use deboil_core::rules::RuleSet;

use super::{Bucket, CandidateLine, CandidateLines, Duplicates, RulesUsed, Totals, share};
use crate::error::{Error, Result};

/// What a report says of its run, known before it: given by the caller.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// The job's name.
    pub command: String,
    /// The inputs' names.
    pub inputs: Vec<String>,
    /// The rules, when the job cleans.
    pub rules: Option<RulesUsed>,
    /// The options that shape the result, by name.
    pub options: BTreeMap<String, String>,
}

impl RulesUsed {
    /// The rules of `rules`, under the cleaning `digest`; `built_in` when
    /// the built-in rule files were loaded.
    pub fn of(rules: &RuleSet, digest: String, built_in: bool) -> RulesUsed {
        RulesUsed {
            digest,
            built_in_rules: built_in
                .then(|| format!("{:016x}", deboil_core::rules::embedded_digest())),
            files: rules.files.clone(),
            rules: rules.rules.len(),
            enabled: rules.rules.iter().filter(|r| r.enabled).count(),
        }
    }
}

/// How much a report shows.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Sites shown (twice this at most: the dirtiest and the most duplicated).
    pub sites: usize,
    /// Candidate lines shown.
    pub lines: usize,
    /// Candidate lines shown per site.
    pub lines_per_site: usize,
    /// Largest clusters shown.
    pub clusters: usize,
    /// Member ids shown per cluster.
    pub members: usize,
    /// Site pairs shown.
    pub pairs: usize,
    /// Documents with fewer words (but some) are very short.
    pub short_words: u64,
    /// Characters quoted of a text (snippets, candidate lines).
    pub quote_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sites: 25,
            lines: 40,
            lines_per_site: 8,
            clusters: 15,
            members: 8,
            pairs: 20,
            short_words: 50,
            quote_chars: 120,
        }
    }
}

/// What the report needs of one document, worked out by the job's workers,
/// beside their own work.
#[derive(Debug)]
pub struct DocFacts {
    pub(crate) site: String,
    pub(crate) words_in: u32,
    pub(crate) words_out: u32,
    /// The text's line hashes, when the collector counts lines itself and
    /// the job keeps no text for it.
    pub(crate) lines: Option<Vec<(u64, u16)>>,
    /// The text as the job wrote it, when the job keeps no spool to read
    /// it back from.
    pub(crate) text: Option<String>,
}

impl DocFacts {
    /// The facts of a document of `site`, `original` before and `text`
    /// after the job's transform (`same` when it left the text alone).
    pub(crate) fn new(site: &str, original: &str, text: &str, same: bool) -> DocFacts {
        let words_out = words(text);
        DocFacts {
            site: site.to_string(),
            words_in: if same { words_out } else { words(original) },
            words_out,
            lines: None,
            text: None,
        }
    }
}

/// Runs of bytes other than ASCII whitespace. A report counts every text
/// twice, so this must cost little: word starts (a byte after a space that
/// is none) are summed without a loop-carried state, which compilers turn
/// into SIMD. A no-break space joins two words; news text has few.
fn words(text: &str) -> u32 {
    fn space(b: u8) -> bool {
        // ' ', and '\t' '\n' '\x0b' '\x0c' '\r'.
        (b == b' ') | (b.wrapping_sub(9) < 5)
    }
    let b = text.as_bytes();
    let Some(&first) = b.first() else { return 0 };
    // Summed in bytes over runs of 255 (no overflow): 32 lanes a vector.
    let starts: u32 = b[1..]
        .chunks(255)
        .zip(b.chunks(255))
        .map(|(cur, prev)| {
            let run = cur.iter().zip(prev).fold(0u8, |n, (&c, &p)| {
                n.wrapping_add(u8::from(space(p) & !space(c)))
            });
            u32::from(run)
        })
        .sum();
    starts + u32::from(!space(first))
}

#[derive(Debug, Default)]
struct SiteStats {
    name: String,
    docs: u64,
    bytes_in: u64,
    bytes_out: u64,
    removals: u64,
    changed: u64,
    emptied: u64,
    very_short: u64,
    duplicates: u64,
    causes: BTreeMap<Cause, u64>,
    /// The document numbers of the first pages, those whose lines are counted.
    sampled: Vec<u32>,
}

/// The sample of pages' texts (jobs without a spool): a temp file and
/// where each text lies in it.
struct Samples {
    file: std::io::BufWriter<std::fs::File>,
    at: HashMap<u32, (u64, u64)>,
    len: u64,
}

/// Collects a report.
pub struct Collector {
    header: Header,
    limits: Limits,
    totals: Totals,
    len_in: Vec<u64>,
    len_out: Vec<u64>,
    causes: BTreeMap<Cause, (u64, u64)>,
    site_ids: HashMap<String, u32>,
    sites: Vec<SiteStats>,
    doc_sites: Option<Vec<u32>>,
    pages_per_site: usize,
    /// Lines counted here (unless the job counts them and hands them over).
    lines: Option<SiteLines>,
    samples: Option<Samples>,
    /// Recurring lines (site name, line), once known.
    recurring: Option<Vec<(String, Recurring)>>,
    candidates: CandidateLines,
    duplicates: Option<Duplicates>,
}

/// Length buckets, in words: 0, 1-9, 10-49, ...
const LENGTH_EDGES: [u64; 10] = [0, 1, 10, 50, 100, 250, 500, 1000, 2500, 5000];
/// Cluster-size buckets.
const SIZE_EDGES: [u64; 8] = [2, 3, 4, 5, 10, 20, 50, 100];

fn bucket_of(edges: &[u64], v: u64) -> usize {
    edges.iter().rposition(|&e| v >= e).unwrap_or(0)
}

fn buckets(edges: &[u64], counts: &[u64]) -> Vec<Bucket> {
    edges
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(i, (&min, &count))| {
            let max = edges.get(i + 1).map(|e| e - 1);
            let label = match max {
                Some(m) if m == min => min.to_string(),
                Some(m) => format!("{min}-{m}"),
                None => format!("{min}+"),
            };
            Bucket {
                label,
                min,
                max,
                count,
            }
        })
        .collect()
}

impl Collector {
    /// A collector for a run described by `header`.
    pub fn new(header: Header, limits: Limits) -> Collector {
        Collector {
            header,
            totals: Totals {
                very_short_words: limits.short_words,
                ..Totals::default()
            },
            limits,
            len_in: vec![0; LENGTH_EDGES.len()],
            len_out: vec![0; LENGTH_EDGES.len()],
            causes: BTreeMap::new(),
            site_ids: HashMap::new(),
            sites: Vec::new(),
            doc_sites: None,
            pages_per_site: TemplateOptions::default().sample_pages,
            lines: Some(SiteLines::new(TemplateOptions::default())),
            samples: None,
            recurring: None,
            candidates: CandidateLines::default(),
            duplicates: None,
        }
    }

    /// For a job that deduplicates: keep each document's site, and, when
    /// the job counts lines with `counted`, take the recurring lines from it
    /// (see [`Collector::take_lines`]) instead of counting them.
    pub(crate) fn for_dedup(&mut self, counted: Option<TemplateOptions>) {
        self.doc_sites = Some(Vec::new());
        if let Some(opts) = counted {
            // The same first pages as the job's count, to quote from.
            self.pages_per_site = opts.sample_pages;
            self.lines = None;
        }
    }

    /// Whether the job's workers should hash each text's lines (the job
    /// neither counts them nor passes texts).
    pub(crate) fn wants_lines(&self) -> bool {
        self.lines.is_some()
    }

    /// For a job without a spool: it passes each text, and the collector
    /// keeps its first pages' texts in a temp file to quote from.
    pub(crate) fn keep_samples(&mut self) -> Result<()> {
        let file = tempfile::tempfile().map_err(|e| Error::temp("the report's sample file", e))?;
        self.samples = Some(Samples {
            file: std::io::BufWriter::new(file),
            at: HashMap::new(),
            len: 0,
        });
        Ok(())
    }

    /// One document, in input order, with its removals by cause.
    pub(crate) fn observe(
        &mut self,
        facts: DocFacts,
        bytes_in: usize,
        bytes_out: usize,
        removals: &[(Cause, u64)],
    ) -> Result<()> {
        let doc = self.totals.documents as u32;
        let t = &mut self.totals;
        let (w_in, w_out) = (u64::from(facts.words_in), u64::from(facts.words_out));
        t.documents += 1;
        t.bytes_in += bytes_in as u64;
        t.bytes_out += bytes_out as u64;
        t.words_in += w_in;
        t.words_out += w_out;
        // As the run's summary counts it: trimmed whitespace changes a
        // document too, without a removal.
        let changed = !removals.is_empty() || bytes_in != bytes_out;
        let emptied = w_in > 0 && w_out == 0;
        let short = w_out > 0 && w_out < self.limits.short_words;
        t.changed += u64::from(changed);
        t.emptied += u64::from(emptied);
        t.empty_in += u64::from(w_in == 0);
        t.very_short += u64::from(short);
        self.len_in[bucket_of(&LENGTH_EDGES, w_in)] += 1;
        self.len_out[bucket_of(&LENGTH_EDGES, w_out)] += 1;
        let next = self.sites.len() as u32;
        let id = match self.site_ids.get(facts.site.as_str()) {
            Some(&id) => id,
            None => {
                self.site_ids.insert(facts.site.clone(), next);
                self.sites.push(SiteStats {
                    name: facts.site.clone(),
                    ..SiteStats::default()
                });
                next
            }
        };
        if let Some(d) = self.doc_sites.as_mut() {
            d.push(id);
        }
        let s = &mut self.sites[id as usize];
        s.docs += 1;
        s.bytes_in += bytes_in as u64;
        s.bytes_out += bytes_out as u64;
        s.changed += u64::from(changed);
        s.emptied += u64::from(emptied);
        s.very_short += u64::from(short);
        for &(c, n) in removals {
            s.removals += n;
            *s.causes.entry(c).or_default() += n;
            let all = self.causes.entry(c).or_default();
            all.0 += n;
            all.1 += 1;
        }
        if s.sampled.len() < self.pages_per_site {
            s.sampled.push(doc);
            if let Some(lines) = self.lines.as_mut() {
                let hashes = match (&facts.lines, &facts.text) {
                    (Some(l), _) => l.clone(),
                    (None, Some(text)) => SiteLines::line_hashes(text),
                    (None, None) => Vec::new(),
                };
                lines.add(&facts.site, &hashes);
            }
            if let (Some(sm), Some(text)) = (self.samples.as_mut(), &facts.text) {
                sm.file
                    .write_all(text.as_bytes())
                    .map_err(|e| Error::temp("the report's sample file", e))?;
                sm.at.insert(doc, (sm.len, text.len() as u64));
                sm.len += text.len() as u64;
            }
        }
        Ok(())
    }

    /// The recurring lines the job counted (with the same sampling).
    pub(crate) fn take_lines(&mut self, counted: &SiteLines) {
        self.recurring = Some(named(counted));
    }

    /// The document numbers (0 for the first new document) whose texts the
    /// report quotes: the first page of each candidate line shown, and the
    /// representative of each of the largest clusters. Picks both.
    pub(crate) fn wanted(&mut self, found: Option<&Deduplication>) -> Vec<usize> {
        if let Some(lines) = self.lines.take() {
            self.recurring = Some(named(&lines));
        }
        let mut want: Vec<usize> = self.pick_lines().iter().map(|&(_, d)| d).collect();
        if let Some(found) = found {
            let prior = found.prior();
            want.extend(
                self.pick_clusters(found)
                    .iter()
                    .map(|&c| found.clusters[c].representative)
                    .filter(|&r| r >= prior)
                    .map(|r| r - prior),
            );
        }
        want.sort_unstable();
        want.dedup();
        want
    }

    /// The candidate lines shown, each with the document to quote it from.
    fn pick_lines(&self) -> Vec<(&(String, Recurring), usize)> {
        let Some(rec) = &self.recurring else {
            return Vec::new();
        };
        let mut all: Vec<&(String, Recurring)> = rec.iter().collect();
        all.sort_by(|a, b| {
            (b.1.stories, b.1.pages)
                .cmp(&(a.1.stories, a.1.pages))
                .then_with(|| a.0.cmp(&b.0))
                .then(a.1.first_page.cmp(&b.1.first_page))
                .then(a.1.hash.cmp(&b.1.hash))
        });
        let mut per_site: HashMap<&str, usize> = HashMap::new();
        let mut out = Vec::new();
        for r in all {
            let n = per_site.entry(&r.0).or_default();
            if *n >= self.limits.lines_per_site {
                continue;
            }
            let Some(site) = self.site_ids.get(&r.0) else {
                continue;
            };
            let sampled = &self.sites[*site as usize].sampled;
            let Some(&doc) = sampled.get(r.1.first_page as usize) else {
                continue;
            };
            *n += 1;
            out.push((r, doc as usize));
            if out.len() == self.limits.lines {
                break;
            }
        }
        out
    }

    /// The texts of [`Collector::wanted`] documents, from the sample file
    /// (jobs that passed their texts).
    pub(crate) fn sample_texts(&mut self, wanted: &[usize]) -> Result<HashMap<usize, String>> {
        let mut out = HashMap::new();
        let Some(sm) = self.samples.as_mut() else {
            return Ok(out);
        };
        let err = |e| Error::temp("the report's sample file", e);
        sm.file.flush().map_err(err)?;
        let f = sm.file.get_mut();
        for &d in wanted {
            if let Some(&(at, len)) = sm.at.get(&(d as u32)) {
                let mut buf = vec![0; len as usize];
                f.seek(SeekFrom::Start(at)).map_err(err)?;
                std::io::Read::read_exact(f, &mut buf).map_err(err)?;
                out.insert(d, String::from_utf8_lossy(&buf).into_owned());
            }
        }
        Ok(out)
    }

    /// Quotes the candidate lines and, for a job that deduplicated, sums up
    /// its clusters; `texts` holds the texts of the documents
    /// [`Collector::wanted`] named.
    pub(crate) fn complete(
        &mut self,
        found: Option<&Deduplication>,
        texts: &HashMap<usize, String>,
    ) {
        let quote = self.limits.quote_chars;
        let mut lines = Vec::new();
        for (entry, doc) in self.pick_lines() {
            let (site, r) = entry;
            let Some(text) = texts.get(&doc).and_then(|t| SiteLines::line_of(t, r.hash)) else {
                continue;
            };
            let site_pages = self.sites[self.site_ids[site] as usize].sampled.len() as u32;
            lines.push(CandidateLine {
                site: site.clone(),
                text: cut(text, 2 * quote),
                words: r.words,
                pages: r.pages,
                stories: r.stories,
                site_pages,
                share: share(u64::from(r.pages), u64::from(site_pages)),
            });
        }
        self.candidates = CandidateLines {
            pages_counted_per_site: self.pages_per_site,
            count: self.recurring.as_ref().map_or(0, Vec::len),
            lines,
        };
        if let Some(found) = found {
            self.duplicates = Some(self.sum_clusters(found, texts));
        }
    }
}

/// Each recurring line with its site's name.
fn named(lines: &SiteLines) -> Vec<(String, Recurring)> {
    let sites = lines.sites();
    lines
        .recurring()
        .into_iter()
        .map(|r| (sites[r.site as usize].0.to_string(), r))
        .collect()
}

/// Whitespace runs as one space, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `n` characters of `text`, with `…` when cut.
fn cut(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", text[..i].trim_end()),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::Summary;

    #[test]
    fn words_and_buckets() {
        assert_eq!(words(""), 0);
        assert_eq!(words("  one two\tthree\n\nfour "), 4);
        assert_eq!(words("Straße\r\nüber"), 2);
        assert_eq!(words("x"), 1);
        assert_eq!(words(" \x0b\x0c"), 0);
        let long = "word ".repeat(70_000);
        assert_eq!(words(&long), 70_000);
        assert_eq!(words(&long[1..]), 70_000);
        assert_eq!(bucket_of(&LENGTH_EDGES, 0), 0);
        assert_eq!(bucket_of(&LENGTH_EDGES, 9), 1);
        assert_eq!(bucket_of(&LENGTH_EDGES, 10), 2);
        assert_eq!(bucket_of(&LENGTH_EDGES, 1_000_000), 9);
        let b = buckets(&SIZE_EDGES, &[1, 0, 0, 2, 0, 0, 0, 5]);
        let labels: Vec<&str> = b.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            ["2", "3", "4", "5-9", "10-19", "20-49", "50-99", "100+"]
        );
        assert_eq!((b[3].min, b[3].max, b[7].max), (5, Some(9), None));
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(collapse(" a \n b  "), "a b");
    }

    fn facts(site: &str, text: &str) -> DocFacts {
        DocFacts {
            text: Some(text.to_string()),
            ..DocFacts::new(site, text, text, true)
        }
    }

    #[test]
    fn recurring_lines_are_quoted_from_the_samples() {
        let mut c = Collector::new(Header::default(), Limits::default());
        c.keep_samples().unwrap();
        let stories = [
            "Rain fell on the town.",
            "Bridges fell down.",
            "Bread rose again.",
        ];
        for s in stories {
            let text = format!("{s}\nSubscribe to our newsletter today\n");
            c.observe(facts("a.org", &text), text.len(), text.len(), &[])
                .unwrap();
        }
        c.observe(facts("b.org", ""), 0, 0, &[]).unwrap();
        let want = c.wanted(None);
        assert_eq!(want, [0]);
        let texts = c.sample_texts(&want).unwrap();
        c.complete(None, &texts);
        let r = c.finish(None, &Summary::default());
        assert_eq!(r.candidate_lines.lines.len(), 1);
        let l = &r.candidate_lines.lines[0];
        assert_eq!(l.text, "Subscribe to our newsletter today");
        assert_eq!((l.pages, l.stories, l.site_pages), (3, 3, 3));
        assert_eq!((r.totals.documents, r.totals.empty_in), (4, 1));
        assert_eq!(r.sites.count, 2);
        assert!(r.duplicates.is_none());
    }
}
