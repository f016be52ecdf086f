//! Checking files as a linter does: documents that still carry junk the
//! rules match, and documents that copy another, exactly or nearly, each
//! reported where an editor can jump to it (a JSONL record's line; in a text
//! file, the line of the junk).
//!
//! Two reads. The first parses every document, cleans those of the files
//! checked (their removals by a rule are the junk findings) and notes where
//! each document lies. The second is the dedup job of [`crate::jobs::dedup`]
//! over the cleaned texts, as a clean-then-dedup run does it (same settings,
//! same site template lines left out of the signatures), whose clusters name
//! the copies. The rest of a dataset, when given, comes first in both reads:
//! copies of its documents are reported, its documents are not. A saved index
//! comes before that.
//!
//! What is reported can be filtered by a [`baseline`] of accepted findings,
//! repaired in place by [`fix`], and written in several formats by
//! [`format`](mod@format).

pub mod baseline;
pub mod fix;
pub mod format;

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use rayon::ThreadPool;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

use deboil_core::clean::{Cause, Cleaned, Cleaner, Explained, Removal};
use deboil_core::dedup::template::TemplateOptions;
use deboil_core::dedup::{DedupOptions, IndexedDocs};

use crate::doc::Document;
use crate::error::Result;
use crate::jobs::dedup::{
    DEFAULT_SPOOL_MEMORY, DedupJob, DedupOutputs, DuplicateIds, OutputMode, Transform,
};
use crate::jobs::{SideOutputs, Summary};
use crate::pipeline::{ReadOptions, par_batches};
use crate::read::{Format, Input, RawRecord};

/// Rule id of an exact copy.
pub const EXACT_DUPLICATE: &str = "deboil.exact-duplicate";
/// Rule id of a near copy.
pub const NEAR_DUPLICATE: &str = "deboil.near-duplicate";

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Text a rule removes.
    Junk,
    /// The same normalised text as another document.
    ExactDuplicate,
    /// A near copy of another document.
    NearDuplicate,
}

impl Kind {
    /// The name in messages and baselines.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Junk => "junk",
            Kind::ExactDuplicate => "exact-duplicate",
            Kind::NearDuplicate => "near-duplicate",
        }
    }
}

/// The document a duplicate copies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// Its file, unless it lies in a saved index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Its line in that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Its id.
    pub id: String,
    /// The saved index it lies in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The file, as named (without `./`).
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// What it is.
    pub kind: Kind,
    /// The junk rule's id, or [`EXACT_DUPLICATE`] or [`NEAR_DUPLICATE`].
    pub rule: String,
    /// The document's id.
    pub id: String,
    /// For junk, the removed text, whitespace collapsed and cut short.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// For a duplicate, the document it copies (its cluster's representative).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<Target>,
    /// For a duplicate, its similarity to that document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// A key that stays when lines move: the kind, the rule, the document
    /// (its id field, else a hash of its text) and, for junk, the removed
    /// text. Baselines match on file and fingerprint.
    pub fingerprint: String,
    /// Whether it was repaired in place.
    pub fixed: bool,
    /// The checked input it lies in (index into the checked inputs).
    #[serde(skip)]
    pub input: usize,
    /// The line of its document (its record; 1 for a text file).
    #[serde(skip)]
    pub doc_line: u64,
}

impl Finding {
    /// The message after `file:line: `.
    pub fn message(&self) -> String {
        match self.kind {
            Kind::Junk => format!(
                "junk/{}: \"{}\"",
                self.rule,
                self.text.as_deref().unwrap_or_default()
            ),
            Kind::ExactDuplicate | Kind::NearDuplicate => {
                let t = self
                    .duplicate_of
                    .as_ref()
                    .expect("duplicates have a target");
                let mut m = if self.kind == Kind::ExactDuplicate {
                    "exact duplicate of ".to_string()
                } else {
                    "near-duplicate of ".to_string()
                };
                match (&t.file, t.line, &t.index) {
                    (Some(f), Some(l), _) => {
                        m.push_str(&format!("{f}:{l}"));
                        // A fallback id repeats the place; a real one helps.
                        if t.id != *f && t.id != format!("{f}:{l}") {
                            m.push_str(&format!(" ({})", t.id));
                        }
                    }
                    (_, _, Some(dir)) => m.push_str(&format!("{} in the index {dir}", t.id)),
                    _ => m.push_str(&t.id),
                }
                if self.kind == Kind::NearDuplicate {
                    // Rounded down: a near copy never shows as 1.00.
                    let s = (self.similarity.unwrap_or_default() * 100.0).floor() / 100.0;
                    m.push_str(&format!(", similarity {s:.2}"));
                }
                m
            }
        }
    }

    /// The whole line: `file:line: message`.
    pub fn to_line(&self) -> String {
        format!("{}:{}: {}", self.file, self.line, self.message())
    }
}

/// Which checks run.
#[derive(Debug, Clone)]
pub struct Duplicates {
    /// How copies are found (the clean-then-dedup defaults, as a rule).
    pub opts: DedupOptions,
    /// Leave each site's template lines out of the signatures.
    pub template: Option<TemplateOptions>,
    /// A saved index whose documents come first, with the name to show for it.
    pub index: Option<(IndexedDocs, String)>,
}

/// The check job.
pub struct CheckJob {
    /// The cleaner: its rule removals are junk, and duplicates are found on
    /// what it leaves.
    pub cleaner: Cleaner,
    /// How inputs are read.
    pub read: ReadOptions,
    /// Report junk.
    pub junk: bool,
    /// Report duplicates, and how they are found.
    pub duplicates: Option<Duplicates>,
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Checked {
    /// The findings, in input order (by file, then line).
    pub findings: Vec<Finding>,
    /// Documents in the files checked.
    pub docs: u64,
    /// Documents of the rest of the dataset (and of an index) compared with.
    pub compared: u64,
    /// Files checked.
    pub files: usize,
    /// The reason of each rule with a finding, by id.
    pub reasons: BTreeMap<String, String>,
    /// Bad records left out, when skipping them.
    pub read: Summary,
    /// Documents that repeat an earlier document's id (of the files checked,
    /// the rest or the index), when duplicates are looked for.
    pub duplicate_ids: Option<DuplicateIds>,
}

/// Where one document of the second read lies.
struct Place {
    /// Index into rest ++ checked.
    input: u32,
    line: u64,
    /// For a checked document, the key of its duplicate findings.
    key: Option<String>,
}

/// What the first read leaves of one record.
enum Parsed {
    Doc {
        findings: Vec<Finding>,
        key: Option<String>,
    },
    Bad(crate::doc::BadRecord),
}

/// A name as shown: `./` parts dropped.
pub fn display_name(name: &str) -> String {
    if name.starts_with('<') {
        return name.to_string();
    }
    // Components leave out inner `.` parts and repeated separators.
    let clean: PathBuf = Path::new(name)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    let shown = clean.display().to_string();
    // A file named `<stdin>` keeps its `./`, to stay apart from stdin.
    match shown.starts_with('<') {
        true => format!("./{shown}"),
        false => shown,
    }
}

/// Hex of the xxh3-64 of `parts`, joined by NUL bytes.
pub fn fingerprint(parts: &[&str]) -> String {
    format!("{:016x}", xxh3_64(parts.join("\0").as_bytes()))
}

/// How a document is known in its findings' fingerprints: a text file is
/// one document, named by its file; a record is known by its id field,
/// else by its text (its line moves).
fn doc_key(rec: &RawRecord, doc: &Document) -> String {
    match rec.input.format {
        Format::Text => String::new(),
        Format::Jsonl if doc.id != format!("{}:{}", rec.input.input.name, rec.line) => {
            format!("id:{}", doc.id)
        }
        Format::Jsonl => format!("text:{:016x}", xxh3_64(doc.text.as_bytes())),
    }
}

/// The fingerprint of the junk `removed` by `rule` from the document known
/// as `doc_key`.
fn junk_fingerprint(rule: &str, doc_key: &str, removed: &str) -> String {
    fingerprint(&["junk", rule, doc_key, &collapse(removed)])
}

/// The removals of `cleaned` (of `text`) that are junk, explained, in
/// order: the built-ins tidy whitespace and repeats, which is no junk.
fn junk<'c>(
    cleaner: &Cleaner,
    text: &str,
    cleaned: &'c Cleaned,
) -> impl Iterator<Item = (Explained, &'c Removal)> {
    cleaner
        .explain(text, cleaned)
        .into_iter()
        .zip(&cleaned.removals)
        .filter(|(_, r)| !matches!(r.cause, Cause::Builtin(_)))
}

/// Whitespace runs collapsed to one space, ends trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters of `text` (whitespace collapsed), cut at a word
/// when one ends near the cut, with `…` when cut.
pub fn snippet(text: &str, max: usize) -> String {
    let s = collapse(text);
    if s.chars().count() <= max {
        return s;
    }
    let cut: String = s.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) if cut[..i].chars().count() > max / 2 => format!("{} …", &cut[..i]),
        _ => format!("{cut}…"),
    }
}

/// Removed text shown in a finding, in characters.
pub(crate) const SNIPPET_CHARS: usize = 60;

impl CheckJob {
    /// Checks `checked`; `rest` (the rest of the dataset) is compared with,
    /// never reported. Bad records stop the run, or with `skip_bad` are
    /// counted and left out.
    pub fn run(
        &self,
        checked: Vec<Input>,
        rest: Vec<Input>,
        pool: &ThreadPool,
        skip_bad: bool,
        rejects: Option<Box<dyn std::io::Write + '_>>,
    ) -> Result<Checked> {
        let n_rest = rest.len();
        let mut out = Checked {
            files: checked.len(),
            ..Checked::default()
        };
        let with_rest = self.duplicates.is_some();
        let inputs: Vec<Input> = if with_rest {
            rest.into_iter().chain(checked).collect()
        } else {
            checked
        };
        let first_checked = if with_rest { n_rest } else { 0 };
        let mut side = SideOutputs {
            explain: None,
            rejects,
            skip_bad,
        };
        let mut places: Vec<Place> = Vec::new();
        let work = |rec: &RawRecord| self.parse(rec, first_checked);
        par_batches(inputs.clone(), &self.read, pool, work, |batch, parsed| {
            for (rec, p) in batch.iter().zip(parsed) {
                match p {
                    Parsed::Bad(b) => side.bad_record(rec, b, &mut out.read)?,
                    Parsed::Doc { findings, key } => {
                        if rec.input.index >= first_checked {
                            out.docs += 1;
                        } else {
                            out.compared += 1;
                        }
                        out.findings.extend(findings);
                        if with_rest {
                            places.push(Place {
                                input: rec.input.index as u32,
                                line: rec.line,
                                key,
                            });
                        }
                    }
                }
            }
            Ok(())
        })?;
        side.finish()?;
        let rules = self.cleaner.rules();
        for f in &out.findings {
            if !out.reasons.contains_key(&f.rule) {
                let reason = rules.rules.iter().find(|r| r.id == f.rule).map_or_else(
                    || "Text the page model left out".to_string(),
                    |r| r.reason.clone(),
                );
                out.reasons.insert(f.rule.clone(), reason);
            }
        }
        if let Some(d) = &self.duplicates {
            let names: Vec<String> = inputs.iter().map(|i| display_name(&i.name)).collect();
            let (dups, ids) =
                self.duplicates(d, inputs, pool, skip_bad, &places, &names, first_checked)?;
            out.duplicate_ids = ids;
            if let Some((idx, _)) = &d.index {
                out.compared += idx.len() as u64;
            }
            out.findings.extend(dups);
            // In input order: by checked file, document, then line.
            out.findings
                .sort_by_key(|f| (f.input, f.doc_line, f.line, f.kind));
        }
        Ok(out)
    }

    /// Parses one record; cleans it when it lies in a checked file.
    fn parse(&self, rec: &RawRecord, first_checked: usize) -> Parsed {
        let doc = match Document::parse(rec, &self.read.names) {
            Ok(d) => d,
            Err(b) => return Parsed::Bad(b),
        };
        if rec.input.index < first_checked {
            return Parsed::Doc {
                findings: Vec::new(),
                key: None,
            };
        }
        let input = rec.input.index - first_checked;
        let file = display_name(&rec.input.input.name);
        let doc_key = doc_key(rec, &doc);
        let mut findings = Vec::new();
        if self.junk {
            let cleaned = self.cleaner.clean(&doc.text, &doc.site);
            for (r, _) in junk(&self.cleaner, &doc.text, &cleaned) {
                let removed = &doc.text[r.start..r.end];
                let line = match rec.input.format {
                    Format::Text => {
                        rec.line
                            + memchr::memchr_iter(b'\n', &doc.text.as_bytes()[..r.start]).count()
                                as u64
                    }
                    Format::Jsonl => rec.line,
                };
                findings.push(Finding {
                    file: file.clone(),
                    line,
                    kind: Kind::Junk,
                    fingerprint: junk_fingerprint(&r.rule, &doc_key, removed),
                    rule: r.rule,
                    id: doc.id.clone(),
                    text: Some(snippet(removed, SNIPPET_CHARS)),
                    duplicate_of: None,
                    similarity: None,
                    fixed: false,
                    input,
                    doc_line: rec.line,
                });
            }
        }
        Parsed::Doc {
            findings,
            key: Some(doc_key),
        }
    }

    /// The second read: the dedup job over the cleaned texts; each copy in
    /// a checked file becomes a finding. Also the first repeated id.
    #[allow(clippy::too_many_arguments)]
    fn duplicates(
        &self,
        d: &Duplicates,
        inputs: Vec<Input>,
        pool: &ThreadPool,
        skip_bad: bool,
        places: &[Place],
        names: &[String],
        first_checked: usize,
    ) -> Result<(Vec<Finding>, Option<DuplicateIds>)> {
        let job = DedupJob {
            transform: Some(&self.cleaner as &dyn Transform),
            read: self.read.clone(),
            opts: d.opts.clone(),
            against: d.index.as_ref().map(|(i, _)| i.clone()),
            collect_index: false,
            template: d.template,
            spool_memory: DEFAULT_SPOOL_MEMORY,
        };
        let outputs = DedupOutputs {
            out: Box::new(std::io::sink()),
            clusters: None,
            mode: OutputMode::Drop,
        };
        let side = SideOutputs {
            skip_bad,
            ..SideOutputs::default()
        };
        let result = job.run(inputs, pool, outputs, side)?;
        let found = result.found;
        let prior = found.prior();
        let index_name = d.index.as_ref().map(|(_, n)| n.clone());
        let target = |i: usize| -> Target {
            if i < prior {
                return Target {
                    file: None,
                    line: None,
                    id: found.id(i).to_string(),
                    index: index_name.clone(),
                };
            }
            let p = &places[i - prior];
            Target {
                file: Some(names[p.input as usize].clone()),
                line: Some(p.line),
                id: found.id(i).to_string(),
                index: None,
            }
        };
        let mut out = Vec::new();
        for c in &found.clusters {
            for m in &c.members {
                if m.doc < prior || m.doc == c.representative {
                    continue;
                }
                let p = &places[m.doc - prior];
                if (p.input as usize) < first_checked {
                    continue;
                }
                let exact = found.same_text(m.doc, c.representative);
                let (kind, rule) = if exact {
                    (Kind::ExactDuplicate, EXACT_DUPLICATE)
                } else {
                    (Kind::NearDuplicate, NEAR_DUPLICATE)
                };
                let key = p.key.as_deref().unwrap_or_default();
                out.push(Finding {
                    file: names[p.input as usize].clone(),
                    line: p.line,
                    kind,
                    rule: rule.to_string(),
                    id: found.id(m.doc).to_string(),
                    text: None,
                    duplicate_of: Some(target(c.representative)),
                    similarity: (!exact).then_some(m.similarity),
                    fingerprint: fingerprint(&[kind.name(), key]),
                    fixed: false,
                    input: p.input as usize - first_checked,
                    doc_line: p.line,
                });
            }
        }
        Ok((out, result.summary.duplicate_ids))
    }
}

/// Counts of findings by kind.
pub fn counts(findings: &[Finding]) -> HashMap<Kind, usize> {
    let mut m = HashMap::new();
    for f in findings {
        *m.entry(f.kind).or_default() += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(
            snippet("  Wir  verwenden\nCookies ", 60),
            "Wir verwenden Cookies"
        );
        let long = "Wir verwenden Cookies, um unser Angebot für Sie zu verbessern. Mehr dazu.";
        let s = snippet(long, 60);
        assert!(s.ends_with(" …") && s.chars().count() <= 62, "{s}");
        assert!(long.starts_with(s.trim_end_matches(" …")));
        assert_eq!(snippet(&"x".repeat(70), 10), format!("{}…", "x".repeat(10)));
    }

    #[test]
    fn names_lose_their_dot_parts() {
        assert_eq!(display_name("./data/a.jsonl"), "data/a.jsonl");
        assert_eq!(display_name("data/./a.jsonl"), "data/a.jsonl");
        assert_eq!(display_name("<stdin>"), "<stdin>");
        assert_eq!(display_name("./<stdin>"), "./<stdin>");
        assert_eq!(display_name("././<stdin>"), "./<stdin>");
        assert_eq!(display_name("/abs/a.txt"), "/abs/a.txt");
        assert_eq!(display_name("a//b.txt"), "a/b.txt");
    }
}
