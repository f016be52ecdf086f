//! Learning a site's recurring junk from its own pages.
//!
//! A line whose normalised, digit-folded key recurs across many pages of one
//! site is template, not article: menus, share bars, newsletter blurbs,
//! footers. The learner counts, per site, on how many pages each line key
//! occurs and turns the recurring ones into ordinary rules (see
//! [`Learned::to_toml`]), which a person can review and commit.
//!
//! Guards keep real content safe:
//! - a line needs [`LearnOptions::min_words`] words to be evidence on its own;
//!   shorter lines ("Home", "Share") become rules only inside a block that
//!   holds a longer learned line;
//! - pages that are copies of one story (re-crawls, syndicated copies) count
//!   once: they are grouped by the long, rare lines they share;
//! - sites with fewer than [`LearnOptions::min_site_pages`] pages learn nothing,
//!   nor do pages of the empty site (no site known).
//!
//! Recurring lines that stand next to each other on most pages holding them
//! form one block (one rule); a six-word opening that starts varying lines on
//! a fifth of the pages ("Translated by NAME and NAME.") becomes a
//! `starts_with`.
//!
//! In one call, for pages in memory, [`learn`] gives the rules (with their
//! texts, ready to compile or review) and the site models the body finder
//! needs:
//!
//! ```
//! use deboil_core::learn::{LearnOptions, learn};
//! use deboil_core::{Cleaner, RuleSet, RuleSource, Toggles};
//!
//! let pages: Vec<(String, String)> = (0..6)
//!     .map(|i| ("news.example".to_string(), format!(
//!         "Story number {i} tells its own tale of the day.\n\
//!          Subscribe to our newsletter for daily updates now\n")))
//!     .collect();
//! let learned = learn(&pages, &LearnOptions::default());
//! assert_eq!(learned.rules.len(), 1);
//! assert_eq!(learned.rules[0].pages, 6);
//! assert!(learned.to_toml().contains("Subscribe to our newsletter for daily updates now"));
//!
//! let rules = RuleSet::compile(&[learned.rule_source()], &Toggles::default()).unwrap();
//! let cleaner = Cleaner::with_rules(rules);
//! let page = "A new story.\nSubscribe to our newsletter for daily updates now\n";
//! assert_eq!(cleaner.clean(page, "news.example").text, "A new story.\n");
//! ```
//!
//! Over data too large to hold, a [`Learner`] takes pages one at a time and
//! keeps hashes, and the first texts of each site's first pages;
//! [`Learner::finish`] decides and gives each rule the texts it kept. A rule
//! whose line first occurs later needs a second look at the few pages
//! [`Counted::pages_to_read`] names ([`Counted::add_examples`]) before
//! [`Counted::complete`] makes it a [`Learned`].

mod examples;
mod lines;
pub(crate) mod memo;
mod site;
mod tag;
mod write;

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::extract::{ExtractOptions, Extractor, SiteModel};
use crate::hash::HashSetKeyed;
use crate::rules::{RuleError, RuleSet, RuleSource, Toggles};
pub use examples::PageSource;
use examples::SiteTexts;
use lines::SiteLines;
use lines::each_line;
pub use lines::{LineSink, PageLines};
use site::learn_site;

/// The name learned rules are compiled under (their origin in `rules list`
/// and explain output).
pub const LEARNED_SOURCE: &str = "<learned>";

/// How much evidence learning asks for.
#[derive(Debug, Clone)]
pub struct LearnOptions {
    /// Sites with fewer pages learn nothing.
    pub min_site_pages: usize,
    /// A line must recur on at least this many pages (distinct stories) ...
    pub min_pages: usize,
    /// ... and on at least this share of them.
    pub min_share: f64,
    /// Words a line needs to become a rule on its own.
    pub min_words: usize,
}

impl Default for LearnOptions {
    fn default() -> Self {
        LearnOptions {
            min_site_pages: 5,
            min_pages: 2,
            min_share: 0.05,
            min_words: 3,
        }
    }
}

/// Lines with this many words are long enough to tell stories apart.
const STORY_LINE_WORDS: u16 = 8;

/// Words of a line's opening that can be learned as a `starts_with` rule.
const PREFIX_WORDS: usize = 6;
/// A prefix must open lines on at least this share of a site's pages.
const PREFIX_MIN_SHARE: f64 = 0.2;

/// The hash of a line's first [`PREFIX_WORDS`] words, for lines long
/// enough to have a varying rest ("Translated by NAME and NAME."). `folded`
/// is the line's key with digits folded: its hash is
/// [`crate::normalize::line_hash`] of the opening.
fn prefix_hash(folded: &[u8], words: usize) -> Option<u64> {
    if words < PREFIX_WORDS + 2 {
        return None;
    }
    let end = memchr::memchr_iter(b' ', folded).nth(PREFIX_WORDS - 1)?;
    Some(xxhash_rust::xxh3::xxh3_64(&folded[..end]) ^ PREFIX_TAG)
}

/// Keeps prefix hashes apart from line hashes.
const PREFIX_TAG: u64 = 0x9e37_79b9_7f4a_7c15;

/// The first [`PREFIX_WORDS`] words of `line`.
fn prefix_text(line: &str) -> String {
    line.split_whitespace()
        .take(PREFIX_WORDS)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Collects pages site by site; [`Learner::finish`] decides.
#[derive(Debug)]
pub struct Learner {
    opts: LearnOptions,
    sites: BTreeMap<String, SitePages>,
    /// Pages added by [`Learner::add`], which places them by this count.
    added: u64,
    /// Bytes of example texts all sites keep.
    kept: usize,
    /// Pages of no site: counted, not kept (they learn nothing).
    without_site: usize,
}

/// One site's pages, where each lies, and the texts of its first pages.
#[derive(Debug, Default)]
struct SitePages {
    pages: SiteLines,
    at: Vec<u64>,
    texts: SiteTexts,
}

/// What a rule matches: a whole line, or a line's opening words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// A line, by its hash.
    Line(u64),
    /// A line opening, by its hash.
    Prefix(u64),
}

/// One learned rule: a line, or a block of lines that occur together.
#[derive(Debug, Clone)]
pub struct LearnedRule {
    /// The site it was learned on.
    pub site: String,
    /// What it matches, in the order first seen.
    pub lines: Vec<Unit>,
    /// Distinct stories (pages, copies counted once) holding the rule's most
    /// frequent line.
    pub pages: usize,
    /// Distinct stories of the site.
    pub site_pages: usize,
    /// Words the rule removes over the site's pages (an estimate: each
    /// line's words times its pages).
    pub words_removed: u64,
    /// The most words a line of the rule had (the rule's `max_words`).
    pub max_words: usize,
    /// One original text per line, filled by [`Counted::add_examples`].
    pub examples: Vec<Option<String>>,
}

/// Per site, the rule and line index of each unit a rule needs an example for.
pub type Wanted = HashMap<String, HashMap<Unit, (usize, usize)>>;

/// What [`Learner::finish`] decided: rules known by their lines' hashes,
/// still without texts. [`Counted::add_examples`] fills them from the pages,
/// and only then does [`Counted::complete`] give rules that can be written.
#[derive(Debug, Default, Clone)]
pub struct Counted {
    /// The rules, most text removed first; their examples are being filled.
    pub rules: Vec<LearnedRule>,
    /// Per site, all recurring lines, short ones included: the body
    /// extractor's evidence of template.
    pub models: HashMap<String, SiteModel>,
    /// Short lines seen on pages of two or more sites: chrome to the
    /// single-page body finder ([`crate::page`]).
    pub cross_site: crate::hash::HashSetKeyed<u64>,
    /// Pages seen.
    pub pages: usize,
    /// Sites with enough pages to learn from.
    pub sites_learned: usize,
    /// Sites skipped for too few pages.
    pub sites_skipped: usize,
    /// Pages with no site (an empty one), which learn nothing.
    pub pages_without_site: usize,
    /// Where the pages holding missing examples lie.
    reread: Vec<u64>,
}

/// What was learned: rules per site, each with its texts, and, per site,
/// every recurring line.
#[derive(Debug, Default, Clone)]
pub struct Learned {
    /// The rules, most text removed first.
    pub rules: Vec<LearnedRule>,
    /// Per site, all recurring lines, short ones included: the body
    /// extractor's evidence of template.
    pub models: HashMap<String, SiteModel>,
    /// Short lines seen on pages of two or more sites: chrome to the
    /// single-page body finder ([`crate::page`]).
    pub cross_site: crate::hash::HashSetKeyed<u64>,
    /// Pages seen.
    pub pages: usize,
    /// Sites with enough pages to learn from.
    pub sites_learned: usize,
    /// Sites skipped for too few pages.
    pub sites_skipped: usize,
    /// Pages with no site (an empty one), which learn nothing.
    pub pages_without_site: usize,
}

impl Learner {
    /// An empty learner.
    pub fn new(opts: LearnOptions) -> Learner {
        Learner {
            opts,
            sites: BTreeMap::new(),
            added: 0,
            kept: 0,
            without_site: 0,
        }
    }

    /// Adds one page of `site`; pages added this way are placed by their
    /// count (the first is at 0).
    pub fn add(&mut self, site: &str, text: &str) {
        let at = self.added;
        self.add_page(site, text, PageLines::of(text), at);
    }

    /// Adds one page of `site`, `page` being [`PageLines::of`] its `text`
    /// (which can run in parallel). `at` places the page, for
    /// [`Counted::pages_to_read`]: any number that grows from page to page.
    /// Add pages in their order: a rule's example texts are its lines'
    /// first texts.
    pub fn add_page(&mut self, site: &str, text: &str, page: PageLines, at: u64) {
        let src = PageSource {
            bytes: text.as_bytes(),
            decode: None,
        };
        self.add_page_read(site, page, at, src);
    }

    /// [`Learner::add_page`] for a page read by [`PageLines::read`], from
    /// `src`.
    pub fn add_page_read(&mut self, site: &str, page: PageLines, at: u64, src: PageSource) {
        self.added = at + 1;
        // Pages of no site learn nothing: no lines or texts to keep.
        if site.is_empty() {
            self.without_site += 1;
            return;
        }
        let s = match self.sites.get_mut(site) {
            Some(s) => s,
            None => self.sites.entry(site.to_string()).or_default(),
        };
        s.texts.keep(&page, src, &mut self.kept);
        s.pages.push(&page);
        s.at.push(at);
    }

    /// Decides what recurs, site by site (in parallel on the current rayon
    /// pool).
    pub fn finish(self) -> Counted {
        let mut learned = Counted {
            pages: self.without_site,
            pages_without_site: self.without_site,
            ..Counted::default()
        };
        // Sites learned from are moved into their tasks; the others give
        // their pages' lines to the cross-site count.
        let (mut todo, mut rest) = (Vec::new(), Vec::new());
        for (site, s) in self.sites {
            learned.pages += s.pages.len();
            if s.pages.len() < self.opts.min_site_pages {
                learned.sites_skipped += 1;
                rest.push(s);
            } else {
                todo.push((site, s));
            }
        }
        learned.sites_learned = todo.len();
        // Sites are independent: learn them in parallel, merge in site
        // order. Each task also gives its rules their kept texts and finds
        // the pages holding the others'.
        let opts = &self.opts;
        let done: Vec<Decided> = todo
            .into_par_iter()
            .map(|(site, s)| {
                let (model, mut rules, short) = learn_site(&site, &s.pages, opts);
                let reread = s.fill_examples(&mut rules);
                Decided {
                    site,
                    model,
                    rules,
                    short,
                    reread,
                }
            })
            .collect();
        // Lines seen on several sites: a learned site's distinct short lines
        // come from its numbering (sorting every occurrence of them was
        // most of this), another's from its pages.
        let numbered = done
            .iter()
            .map(|d| -> Box<dyn Iterator<Item = (u64, u16)> + '_> {
                Box::new(d.short.iter().map(|&h| (h, 0)))
            });
        let others = rest
            .iter()
            .map(|s| -> Box<dyn Iterator<Item = (u64, u16)> + '_> {
                Box::new(
                    s.pages
                        .iter()
                        .flat_map(|p| p.hashes().iter().copied().zip(p.words().iter().copied())),
                )
            });
        learned.cross_site = crate::page::cross_site_lines(numbered.chain(others));
        let mut reread = Vec::new();
        for d in done {
            learned.models.insert(d.site, d.model);
            learned.rules.extend(d.rules);
            reread.extend(d.reread);
        }
        learned.rules.sort_by(|a, b| {
            b.words_removed
                .cmp(&a.words_removed)
                .then_with(|| a.site.cmp(&b.site))
                .then_with(|| a.lines.cmp(&b.lines))
        });
        reread.sort_unstable();
        reread.dedup();
        learned.reread = reread;
        learned
    }
}

/// What deciding found on one site.
struct Decided {
    site: String,
    model: SiteModel,
    rules: Vec<LearnedRule>,
    /// Its distinct lines short enough to count across sites.
    short: Vec<u64>,
    /// Where the pages lie that hold its rules' missing texts.
    reread: Vec<u64>,
}

impl SitePages {
    /// Gives the site's rules the texts it kept; returns where the pages
    /// lie that hold the others' first texts, in order.
    fn fill_examples(&self, rules: &mut [LearnedRule]) -> Vec<u64> {
        let mut missing: HashSetKeyed<Unit> = HashSetKeyed::default();
        for rule in rules.iter_mut() {
            for (u, e) in rule.lines.iter().zip(&mut rule.examples) {
                match self.texts.get(u) {
                    Some(t) => *e = Some(t),
                    None => {
                        missing.insert(*u);
                    }
                }
            }
        }
        let mut reread = Vec::new();
        if missing.is_empty() {
            return reread;
        }
        // Not on the kept pages: each first occurs after them.
        for (p, &at) in self.pages.iter().zip(&self.at).skip(self.texts.covered) {
            let mut found = false;
            for (&h, &pf) in p.hashes().iter().zip(p.prefixes()) {
                found |= missing.remove(&Unit::Line(h));
                found |= pf != 0 && missing.remove(&Unit::Prefix(pf));
            }
            if found {
                reread.push(at);
            }
            if missing.is_empty() {
                break;
            }
        }
        reread
    }
}

/// Learns from pages `(site, text)` in one call: counts, decides, and
/// gives each rule its first text in page order. Runs on the current rayon
/// pool. Sites are site names, as [`Cleaner::clean`](crate::Cleaner::clean)
/// takes them: each distinct string is a site of its own, so pages named by
/// their URLs would each be a site too small to learn from.
pub fn learn<S: AsRef<str> + Sync, T: AsRef<str> + Sync>(
    pages: &[(S, T)],
    opts: &LearnOptions,
) -> Learned {
    let lines: Vec<PageLines> = pages
        .par_iter()
        .map(|(_, t)| PageLines::of(t.as_ref()))
        .collect();
    let mut learner = Learner::new(opts.clone());
    for (i, ((site, text), l)) in pages.iter().zip(lines).enumerate() {
        learner.add_page(site.as_ref(), text.as_ref(), l, i as u64);
    }
    let mut counted = learner.finish();
    let wanted = counted.wanted();
    for i in counted.pages_to_read().to_vec() {
        let (site, text) = &pages[i as usize];
        counted.add_examples(site.as_ref(), text.as_ref(), &wanted);
    }
    counted.complete()
}

impl Counted {
    /// How many example texts the rules still lack.
    pub fn missing_examples(&self) -> usize {
        self.rules
            .iter()
            .map(|r| r.examples.iter().filter(|e| e.is_none()).count())
            .sum()
    }

    /// Where the pages lie (as placed when added) that hold the examples
    /// the rules still lack, in order: give each to
    /// [`Counted::add_examples`], in this order, and none is missing.
    pub fn pages_to_read(&self) -> &[u64] {
        &self.reread
    }

    /// Fills missing examples from one page of `site` (call in input order
    /// for deterministic examples); returns how many it filled.
    pub fn add_examples(&mut self, site: &str, text: &str, wanted: &Wanted) -> usize {
        let Some(units) = wanted.get(site) else {
            return 0;
        };
        let mut filled = 0;
        each_line(text, |line, hash, prefix, _| {
            let candidates = std::iter::once(Unit::Line(hash)).chain(prefix.map(Unit::Prefix));
            for u in candidates {
                let Some(&(r, l)) = units.get(&u) else {
                    continue;
                };
                let slot = &mut self.rules[r].examples[l];
                if slot.is_none() {
                    filled += 1;
                    *slot = Some(match u {
                        Unit::Line(_) => line.trim().to_string(),
                        Unit::Prefix(_) => prefix_text(line),
                    });
                }
            }
        });
        filled
    }

    /// Which rule and line each unit of each site belongs to, for [`Counted::add_examples`].
    pub fn wanted(&self) -> Wanted {
        let mut w: Wanted = HashMap::new();
        for (r, rule) in self.rules.iter().enumerate() {
            let units = w.entry(rule.site.clone()).or_default();
            for (l, &u) in rule.lines.iter().enumerate() {
                units.insert(u, (r, l));
            }
        }
        w
    }

    /// The rules with the texts found, ready to write. A rule none of whose
    /// lines was seen again keeps no text and is left out of
    /// [`Learned::to_toml`].
    pub fn complete(self) -> Learned {
        Learned {
            rules: self.rules,
            models: self.models,
            cross_site: self.cross_site,
            pages: self.pages,
            sites_learned: self.sites_learned,
            sites_skipped: self.sites_skipped,
            pages_without_site: self.pages_without_site,
        }
    }
}

impl Learned {
    /// The sites that have at least one rule.
    pub fn sites(&self) -> usize {
        self.rules
            .iter()
            .map(|r| r.site.as_str())
            .collect::<HashSet<_>>()
            .len()
    }

    /// One line on what was learned: pages, sites, rules.
    pub fn describe(&self) -> String {
        let mut line = format!(
            "{}, {} learned from ({} with too few pages), {} for {}",
            crate::count(self.pages as u64, "page"),
            crate::count(self.sites_learned as u64, "site"),
            self.sites_skipped,
            crate::count(self.rules.len() as u64, "rule"),
            crate::count(self.sites() as u64, "site")
        );
        if self.pages_without_site > 0 {
            line.push_str(&format!(
                "; {} without a site learn nothing",
                crate::count(self.pages_without_site as u64, "page")
            ));
        }
        line
    }

    /// The rules as a rule file to compile with others (see
    /// [`crate::rules::RuleSet::compile`]), named [`LEARNED_SOURCE`].
    pub fn rule_source(&self) -> RuleSource {
        self.rule_source_beside(&[])
    }

    /// [`Learned::rule_source`] to compile with `others`: its rule ids are
    /// none of theirs (see [`Learned::to_toml_avoiding`]).
    pub fn rule_source_beside(&self, others: &[RuleSource]) -> RuleSource {
        // Only a file naming a learned id can clash; the embedded rules
        // are not parsed twice.
        let taken: std::collections::HashSet<String> = others
            .iter()
            .filter(|s| s.text.contains("learned."))
            .flat_map(RuleSource::rule_ids)
            .collect();
        RuleSource {
            name: LEARNED_SOURCE.to_string(),
            text: self.to_toml_avoiding(&taken),
            learned: true,
        }
    }

    /// The learned rules alone, compiled (to use them with other rule files,
    /// compile [`Learned::rule_source`] with those).
    pub fn rule_set(&self) -> Result<RuleSet, RuleError> {
        RuleSet::compile(&[self.rule_source()], &Toggles::default())
    }

    /// The body finder for the pages' sites, from their recurring lines.
    pub fn extractor(&self, opts: ExtractOptions) -> Extractor {
        Extractor::new(self.models.clone(), opts)
    }

    /// The body finder for single pages (sites with too few pages to learn
    /// from), with the lines seen on pages of several sites.
    pub fn page_finder(&self) -> crate::page::PageFinder {
        crate::page::PageFinder::new(self.cross_site.clone())
    }
}

#[cfg(test)]
mod tests;
