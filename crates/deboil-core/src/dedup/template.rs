//! Lines a site repeats on many of its documents (its template: headers over
//! related links, comment-section notes, job adverts, footers), found by
//! counting, so that signatures can leave them out.
//!
//! Rules remove the junk they know; junk no rule knows still sits in every
//! document of a site, and two short documents of one site then share most
//! of their shingles. Counting each line per site over the documents costs
//! one hash per line and needs no rule: a line on at least
//! [`TemplateOptions::min_pages`] documents of its site, and on at least
//! [`TemplateOptions::min_share`] of them, is template. Only the first
//! [`TemplateOptions::sample_pages`] documents of each site are counted
//! (template recurs on nearly every page, so a sample finds it), which bounds
//! the memory by sites, not by documents.
//!
//! ```
//! use deboil_core::dedup::template::{SiteLines, TemplateOptions};
//!
//! let mut lines = SiteLines::new(TemplateOptions::default());
//! let page = |topic: &str| format!("A story about {topic}.\nComments are closed.\n");
//! for topic in ["rain", "bridges", "bread", "boats", "cats"] {
//!     lines.add("news.example", &SiteLines::line_hashes(&page(topic)));
//! }
//! let template = lines.finish();
//! let site = template.site("news.example").unwrap();
//! assert_eq!(template.strip(site, &page("owls")), "A story about owls.\n");
//! ```

use std::borrow::Cow;
use std::collections::HashMap;

use crate::cluster::UnionFind;
use crate::hash::{HashKeyed, HashSetKeyed};
use crate::normalize;

mod keys;
use keys::lines;
pub use keys::{GivenKeys, LineKeys};

/// When a line counts as a site's template.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TemplateOptions {
    /// Documents of the site a line must be on.
    pub min_pages: usize,
    /// ... and the share of the site's counted documents.
    pub min_share: f64,
    /// Documents counted per site, at most (the first ones).
    pub sample_pages: usize,
}

impl Default for TemplateOptions {
    fn default() -> Self {
        // Three, not two: a re-crawl repeats every line of a page once.
        TemplateOptions {
            min_pages: 3,
            min_share: 0.05,
            sample_pages: 200,
        }
    }
}

/// Counts lines per site.
#[derive(Debug)]
pub struct SiteLines {
    opts: TemplateOptions,
    sites: HashMap<String, u32>,
    /// Per site id, the sampled pages' distinct lines (hash, words).
    pages: Vec<Vec<Vec<(u64, u16)>>>,
    /// Per site id: its sample filled under [`SiteLines::add_final`], its
    /// template lines (final then) in `done_lines`.
    done: Vec<bool>,
    done_lines: HashSetKeyed<u64>,
}

/// One site's template lines, final once the site's sample is full (later
/// documents are not counted): its documents past the sample can be
/// stripped before every document is in.
#[derive(Debug, Clone)]
pub struct SiteTemplate {
    site: u32,
    /// Keyed as [`Template`]'s.
    lines: HashSetKeyed<u64>,
    /// Bit `min(w, 63)` set for each word count `w` of a template line: a
    /// line of another count is no template line and is not hashed.
    word_counts: u64,
}

/// The bit of [`SiteTemplate::word_counts`] for a line of `words` words.
fn word_count_bit(words: usize) -> u64 {
    1 << words.min(63)
}

/// A line that long (in words) tells one story from another.
const STORY_LINE_WORDS: u16 = 8;

/// The template lines of every site.
#[derive(Debug, Default, Clone)]
pub struct Template {
    sites: HashMap<String, u32>,
    lines: HashSetKeyed<u64>,
}

/// One key for a line of a site.
fn key(site: u32, line: u64) -> u64 {
    line ^ u64::from(site)
        .wrapping_add(1)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Each line's hash (its key with digits folded) and words, blank lines
/// left out.
fn each_line<'t>(text: &'t str, mut f: impl FnMut(&'t str, Option<(u64, u16)>)) {
    let (mut key, mut scratch) = (Vec::new(), Vec::new());
    for line in lines(text) {
        key.clear();
        let words = normalize::push_key(line, &mut key);
        let h = (!key.is_empty()).then(|| {
            let w = u16::try_from(words).unwrap_or(u16::MAX);
            (normalize::line_hash(&key, &mut scratch), w)
        });
        f(line, h);
    }
}

impl SiteLines {
    /// No lines counted yet.
    pub fn new(opts: TemplateOptions) -> SiteLines {
        SiteLines {
            opts,
            sites: HashMap::new(),
            pages: Vec::new(),
            done: Vec::new(),
            done_lines: HashSetKeyed::default(),
        }
    }

    /// The distinct lines of `text` (hash, words), to [`SiteLines::add`]
    /// (pure, so documents can be hashed in parallel).
    pub fn line_hashes(text: &str) -> Vec<(u64, u16)> {
        let mut out = Vec::new();
        each_line(text, |_, h| out.extend(h));
        out.sort_unstable();
        out.dedup_by_key(|l| l.0);
        out
    }

    /// Counts one document of `site` by its [`SiteLines::line_hashes`];
    /// returns the site's id.
    pub fn add(&mut self, site: &str, lines: &[(u64, u16)]) -> u32 {
        let next = self.sites.len() as u32;
        let id = match self.sites.get(site) {
            Some(&id) => id,
            None => {
                self.sites.insert(site.to_string(), next);
                self.pages.push(Vec::new());
                next
            }
        };
        let pages = &mut self.pages[id as usize];
        if pages.len() < self.opts.sample_pages {
            pages.push(lines.to_vec());
        }
        id
    }

    /// [`SiteLines::add`], and, when this document fills its site's sample,
    /// the site's template, final from then on (the finishing [`Template`]
    /// holds the same lines for the site).
    pub fn add_final(&mut self, site: &str, lines: &[(u64, u16)]) -> (u32, Option<SiteTemplate>) {
        let id = self.add(site, lines);
        self.done.resize(self.pages.len(), false);
        let pages = &self.pages[id as usize];
        if self.done[id as usize] || pages.len() < self.opts.sample_pages {
            return (id, None);
        }
        self.done[id as usize] = true;
        let found = site_recurring(id, pages, &self.opts);
        let word_counts = (found.iter()).fold(0, |m, r| m | word_count_bit(usize::from(r.words)));
        let lines: HashSetKeyed<u64> = found.into_iter().map(|r| key(id, r.hash)).collect();
        self.done_lines.extend(lines.iter().copied());
        let t = SiteTemplate {
            site: id,
            lines,
            word_counts,
        };
        (id, Some(t))
    }

    /// Bytes held.
    pub fn memory_bytes(&self) -> usize {
        let lines: usize = self
            .pages
            .iter()
            .flatten()
            .map(|p| p.capacity() * 16 + 24)
            .sum();
        lines + self.pages.capacity() * 24
    }

    /// The sites counted, by id (as [`SiteLines::add`] returned them), with
    /// the number of their documents counted.
    pub fn sites(&self) -> Vec<(&str, usize)> {
        let mut sites: Vec<(&str, usize)> = vec![("", 0); self.pages.len()];
        for (name, &id) in &self.sites {
            sites[id as usize] = (name, self.pages[id as usize].len());
        }
        sites
    }

    /// The lines that recur on enough stories of their site (the lines
    /// [`SiteLines::finish`] makes template), by site id, then most stories
    /// first (ties by first page, then hash).
    pub fn recurring(&self) -> Vec<Recurring> {
        let mut out = Vec::new();
        for (id, pages) in self.pages.iter().enumerate() {
            out.extend(site_recurring(id as u32, pages, &self.opts));
        }
        out
    }

    /// The lines that recur on enough stories of their site (those of sites
    /// made final by [`SiteLines::add_final`] as found then).
    pub fn finish(self) -> Template {
        let mut lines = self.done_lines;
        for (id, pages) in self.pages.iter().enumerate() {
            if !self.done.get(id).copied().unwrap_or(false) {
                let found = site_recurring(id as u32, pages, &self.opts);
                lines.extend(found.into_iter().map(|r| key(r.site, r.hash)));
            }
        }
        Template {
            sites: self.sites,
            lines,
        }
    }

    /// The first line of `text` whose hash (as in [`SiteLines::line_hashes`])
    /// is `hash`, without its line break.
    pub fn line_of(text: &str, hash: u64) -> Option<&str> {
        let mut found = None;
        each_line(text, |line, h| {
            if found.is_none() && h.is_some_and(|(h2, _)| h2 == hash) {
                found = Some(line.trim_end_matches(['\n', '\r']));
            }
        });
        found
    }
}

/// A line that recurs on the counted documents of one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurring {
    /// The site's id, as [`SiteLines::add`] returned it.
    pub site: u32,
    /// The line's hash, as in [`SiteLines::line_hashes`].
    pub hash: u64,
    /// Words in the line.
    pub words: u16,
    /// Counted documents of the site holding it.
    pub pages: u32,
    /// Stories holding it (copies of one story count once).
    pub stories: u32,
    /// The first counted document of the site holding it (0 for the first
    /// document [`SiteLines::add`] counted for the site).
    pub first_page: u32,
}

/// The lines of one site's counted pages on enough of its stories.
fn site_recurring(site: u32, pages: &[Vec<(u64, u16)>], opts: &TemplateOptions) -> Vec<Recurring> {
    let stories = story_groups(pages);
    let groups = stories.iter().copied().max().map_or(0, |g| g + 1);
    let share = (opts.min_share * f64::from(groups)).ceil() as u32;
    let need = share.max(opts.min_pages as u32);
    // (hash, story, page, words), sorted: each line's stories in order.
    // Sized first: collected from a `flat_map`, the rows grew a step at a
    // time, on the thread that decides.
    let mut rows: Vec<(u64, u32, u32, u16)> = Vec::with_capacity(pages.iter().map(Vec::len).sum());
    rows.extend(
        pages
            .iter()
            .zip(&stories)
            .enumerate()
            .flat_map(|(p, (page, &story))| {
                page.iter().map(move |&(h, w)| (h, story, p as u32, w))
            }),
    );
    rows.sort_unstable();
    let mut out = Vec::new();
    for line in rows.chunk_by(|a, b| a.0 == b.0) {
        let mut stories = 1;
        for w in line.windows(2) {
            stories += u32::from(w[0].1 != w[1].1);
        }
        if stories >= need {
            out.push(Recurring {
                site,
                hash: line[0].0,
                words: line[0].3,
                pages: line.len() as u32,
                stories,
                first_page: line.iter().map(|r| r.2).min().expect("not empty"),
            });
        }
    }
    out.sort_by(|a, b| {
        b.stories
            .cmp(&a.stories)
            .then(a.first_page.cmp(&b.first_page))
            .then(a.hash.cmp(&b.hash))
    });
    out
}

/// Each page's story (0, 1, ...): pages with the same lines, then pages
/// sharing at least half of their long, rare lines, are copies of one story.
fn story_groups(pages: &[Vec<(u64, u16)>]) -> Vec<u32> {
    let mut uf = UnionFind::new(pages.len());
    // Copies first (a re-crawl, a file read twice), as learning groups
    // them, and each set of them counted once below: counted as pages, the
    // copies of a story on most of a site's pages made its lines too common
    // to be a story's, so every line of it recurred on as many stories as
    // it had copies (four copies, four stories).
    let mut first: HashMap<&[(u64, u16)], u32> = HashMap::new();
    let mut copy = vec![false; pages.len()];
    for (i, p) in pages.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
        let f = *first.entry(p.as_slice()).or_insert(i as u32);
        if f as usize != i {
            uf.union(f, i as u32);
            copy[i] = true;
        }
    }
    let distinct = || {
        pages
            .iter()
            .zip(&copy)
            .filter(|(_, c)| !**c)
            .map(|(p, _)| p)
    };
    let mut freq: HashKeyed<u64, u32> = HashKeyed::default();
    for p in distinct() {
        for &(h, _) in p {
            *freq.entry(h).or_default() += 1;
        }
    }
    // A line on most pages is template; a story's lines are on its copies,
    // which can be many (re-crawls, the same file in several forms).
    let rare = (distinct().count() as u32 / 2).max(3);
    let mut holders: HashKeyed<u64, Vec<u32>> = HashKeyed::default();
    let mut shared: HashMap<u32, usize> = HashMap::new();
    // A copy joined its first already: no lines of its own.
    let residual: Vec<Vec<u64>> = pages
        .iter()
        .zip(&copy)
        .map(|(p, &c)| {
            p.iter()
                .filter(|&&(h, w)| !c && w >= STORY_LINE_WORDS && freq[&h] <= rare)
                .map(|&(h, _)| h)
                .collect()
        })
        .collect();
    for (i, r) in residual.iter().enumerate() {
        for h in r {
            let list = holders.entry(*h).or_default();
            for &j in list.iter() {
                *shared.entry(j).or_default() += 1;
            }
            list.push(i as u32);
        }
        let mut counts: Vec<(u32, usize)> = shared.drain().collect();
        counts.sort_unstable();
        for &(j, s) in &counts {
            let small = r.len().min(residual[j as usize].len());
            if small >= 2 && 2 * s >= small {
                uf.union(i as u32, j);
            }
        }
    }
    // Number the stories by first page, so the numbering never depends on hashing.
    let mut number: HashMap<u32, u32> = HashMap::new();
    (0..pages.len() as u32)
        .map(|i| {
            let root = uf.find(i);
            let next = number.len() as u32;
            *number.entry(root).or_insert(next)
        })
        .collect()
}

impl Template {
    /// The id of `site`, when its documents were counted.
    pub fn site(&self, site: &str) -> Option<u32> {
        self.sites.get(site).copied()
    }

    /// Whether no line is template.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The key of a text without the template lines of site `site`, from
    /// its [`LineKeys::keys`]: the kept lines' keys joined by spaces, which
    /// is what normalising the stripped text gives.
    pub fn join_kept(&self, site: u32, keys: &[u8], out: &mut Vec<u8>) {
        let mut scratch = Vec::new();
        let hashes: Vec<u64> = match self.lines.is_empty() {
            true => Vec::new(),
            false => (keys.split(|&b| b == b'\n').filter(|k| !k.is_empty()))
                .map(|k| normalize::line_hash(k, &mut scratch))
                .collect(),
        };
        self.join_kept_hashed(site, keys, &hashes, out);
    }

    /// [`Template::join_kept`] with each line's hash given, as
    /// [`LineKeys::hashes`] holds them (none needed when the template is
    /// empty).
    pub fn join_kept_hashed(&self, site: u32, keys: &[u8], hashes: &[u64], out: &mut Vec<u8>) {
        join_kept_in(&self.lines, site, keys, hashes, out);
    }

    /// `text` without the template lines of site `site`.
    pub fn strip<'a>(&self, site: u32, text: &'a str) -> Cow<'a, str> {
        if self.lines.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::new();
        let mut cut = false;
        each_line(text, |line, h| match h {
            Some((h, _)) if self.lines.contains(&key(site, h)) => cut = true,
            _ => out.push_str(line),
        });
        // As in `join_kept`: nothing but template keeps the whole text.
        if cut && !normalize::key(&out).is_empty() {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        }
    }
}

impl SiteTemplate {
    /// The site's id.
    pub fn site(&self) -> u32 {
        self.site
    }

    /// [`Template::join_kept_hashed`] for this site: the same key, as the
    /// finishing template holds the same lines for it.
    pub fn join_kept_hashed(&self, keys: &[u8], hashes: &[u64], out: &mut Vec<u8>) {
        join_kept_in(&self.lines, self.site, keys, hashes, out);
    }

    /// Calls `f` with the key of `text` without the site's template lines
    /// (what [`SiteTemplate::join_kept_hashed`] gives from its
    /// [`LineKeys`]) and the exact hash of the whole text's key (as
    /// [`LineKeys::exact`]), normalising each line once into a per-thread
    /// buffer: no line list, hashes or copies per document.
    pub fn with_kept_key<T>(&self, text: &str, f: impl FnOnce(&[u8], u128) -> T) -> T {
        self.with_kept_key_given(text, None, f)
    }

    /// [`SiteTemplate::with_kept_key`] with the keys the cleaner gave for
    /// `text`.
    pub fn with_kept_key_given<T>(
        &self,
        text: &str,
        given: Option<&GivenKeys>,
        f: impl FnOnce(&[u8], u128) -> T,
    ) -> T {
        let out = KEPT.with_borrow_mut(|k| {
            let Kept {
                whole,
                kept,
                ranges,
                scratch,
            } = k;
            // Recorded counts are those of the same keys (u16, but every
            // count from 63 on shares a bit).
            let is_template = |key_of_line: &[u8], words: usize, scratch: &mut Vec<u8>| {
                let words = usize::from(u16::try_from(words).unwrap_or(u16::MAX));
                self.word_counts & word_count_bit(words) != 0
                    && (self.lines)
                        .contains(&key(self.site, normalize::line_hash(key_of_line, scratch)))
            };
            let mut given = given;
            let cut = loop {
                whole.clear();
                ranges.clear();
                let mut cut = false;
                let fit = GivenKeys::push_line_keys(
                    given,
                    text,
                    b' ',
                    whole,
                    |key_of_line, from, words| {
                        if is_template(key_of_line, words, scratch) {
                            cut = true;
                        } else {
                            ranges.push((from, from + key_of_line.len()));
                        }
                    },
                );
                if fit {
                    break cut;
                }
                // Keys that do not fit the text: all made again from the text.
                given = None;
            };
            let exact = xxhash_rust::xxh3::xxh3_128(whole);
            // Nothing cut, or nothing but template: the whole key.
            if !cut || ranges.is_empty() {
                return f(whole, exact);
            }
            kept.clear();
            for &(s, e) in ranges.iter() {
                if !kept.is_empty() {
                    kept.push(b' ');
                }
                kept.extend_from_slice(&whole[s..e]);
            }
            f(kept, exact)
        });
        KEPT.with_borrow_mut(Kept::give_back_outsized);
        out
    }
}

/// Per-thread buffers of [`SiteTemplate::with_kept_key`].
#[derive(Default)]
struct Kept {
    /// The whole text's key.
    whole: Vec<u8>,
    /// The kept lines' keys joined.
    kept: Vec<u8>,
    /// The kept lines' spans in `whole`.
    ranges: Vec<(usize, usize)>,
    scratch: Vec<u8>,
}

impl Kept {
    fn give_back_outsized(&mut self) {
        crate::give_back(&mut self.whole);
        crate::give_back(&mut self.kept);
        crate::give_back(&mut self.ranges);
        crate::give_back(&mut self.scratch);
    }
}

thread_local! {
    static KEPT: std::cell::RefCell<Kept> = std::cell::RefCell::new(Kept::default());
}

/// The kept lines' keys joined by spaces, `lines` holding the template
/// lines (of `site`, and maybe of other sites: only the site's are looked
/// up, so the key depends on the site's lines only).
fn join_kept_in(
    lines: &HashSetKeyed<u64>,
    site: u32,
    keys: &[u8],
    hashes: &[u64],
    out: &mut Vec<u8>,
) {
    out.clear();
    // memchr, not a split byte by byte: lines are long.
    let mut from = 0;
    let ends = memchr::memchr_iter(b'\n', keys).chain([keys.len()]);
    let parts = ends.map(|end| (&keys[from..end], from = end + 1).0);
    let mut cut = false;
    for (i, k) in parts.filter(|k| !k.is_empty()).enumerate() {
        if !lines.is_empty() && lines.contains(&key(site, hashes[i])) {
            cut = true;
            continue;
        }
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(k);
    }
    // A document that is all template is signed whole: empty signatures
    // would make every such document a copy of every other.
    if out.is_empty() && cut {
        join_kept_in(&HashSetKeyed::default(), site, keys, hashes, out);
    }
}

#[cfg(test)]
mod tests;
