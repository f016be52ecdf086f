//! Finding the article body of a page from the page alone.
//!
//! The body finder of [`crate::extract`] learns what a site repeats from its
//! other pages. Most sites of a web crawl contribute one to four pages, too
//! few for that. [`PageFinder`] judges each line from what it looks like and
//! what surrounds it:
//!
//! - its length in words, whether it ends like a sentence or trails off
//!   ("Read more..."), its share of function words ("the", "und", "de");
//! - menu and list shape: separators (`|`, `»`, `·`), a run of Title Case
//!   lines or of short lines around it, digits (dates, counts);
//! - its place on the page, how far below the page's core (the densest
//!   prose) it lies, whether it repeats on the page, whether it is the first
//!   line (the HTML title);
//! - comment threads: a comment marker ("Leave a reply", "12 Comments")
//!   after the page's first hundred words of prose, or there three lines of
//!   thread furniture ("NAME said:", "Reply", a clock time) within twenty,
//!   and furniture nearby (a bare "Comments:" or "Response" counts only
//!   when a thread follows it: `extract::settle_markers`);
//! - lines that recur on pages of two or more *different sites* of the same
//!   input ("Share this", "Advertise | AdChoices"): chrome, not article.
//!   [`crate::learn::Learned::page_finder`] collects them; a finder built
//!   without an input ([`PageFinder::default`]) has none.
//!
//! A logistic model turns the features into a probability that the line is
//! article text ([`WEIGHTS`]: fitted by `bench/page_fit.py` on the tune half
//! of the sites of the project's evaluation pages, never on the half the
//! results are reported on). The body is the run of lines with the highest
//! sum of `(p - 0.4) · ln(1 + words)` (a maximum-sum segment: long lines
//! weigh more, chrome inside an article does not break it; where the page's
//! best line is under 0.53, the bar is three quarters of it);
//! comment markers are walls the run cannot cross, and a run after the
//! comments' start loses to the best run before it when that one scores a
//! quarter as much (a short post above a long thread of prose comments).
//! A section header over a long list after the article ("More Related
//! Stories", "Next Up In Culture", the article not going on after it) is a
//! wall too, and a teaser's blurb cut short ("… Read more") inside the body
//! goes.
//! The page's title, repeated shortly before the body, comes back with what
//! lies between (byline, date), as in [`crate::extract`].
//!
//! A page is cut only when at least [`MIN_OUTSIDE_LINES`] lines lie outside
//! its body: a page of article text stays whole.
//!
//! ```
//! use deboil_core::extract::ExtractLine;
//! use deboil_core::page::{PageCause, PageFinder};
//!
//! let page = "Town news - Bridge to be rebuilt\nHome\nNews\nSport\nWeather\nAbout | Contact\n\
//!             Bridge to be rebuilt\n\
//!             The council met on Monday and decided that the old bridge will be rebuilt in the spring.\n\
//!             It is the first time in ten years that the town has had the money for such a project.\n\
//!             Most read\nFootball: United win again\nWeather: rain all week\nJobs\nPrivacy policy\n";
//! let lines: Vec<ExtractLine> = page.lines().map(ExtractLine::new).collect();
//! let (fate, _) = PageFinder::default().decide(&lines);
//! assert_eq!(fate[7], None);
//! assert_eq!(fate[1], Some(PageCause::OutsideBody));
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::extract::{ExtractLine, ExtractOptions, LineClass, function_share};
use crate::hash::HashSetKeyed;
use crate::normalize;

/// The model's weights, in the order of [`Features`]. Fitted by
/// `bench/page_fit.py` (logistic regression, L2 = 1, lines weighted by
/// ln(1 + words), each page's weights scaled by the square root of its
/// size) on the 374 pages of the tune half of the sites of
/// `pages_dev.jsonl` (English, dragnet); rerun it to refit.
pub const WEIGHTS: [f64; FEATURES] = [
    -3.0560, // bias
    0.4473,  // log_words
    -1.0603, // short
    -0.0239, // long
    0.0153,  // function_share
    0.9446,  // function_share_long
    0.3576,  // sentence_end
    -1.0908, // ellipsis
    -1.0005, // separator
    3.0799,  // digits
    -0.5061, // position
    -1.2581, // cross_site
    -1.7307, // comment_marker
    -3.0038, // after_comments
    0.8755,  // repeated
    1.0669,  // ctx_log_words
    0.4582,  // ctx_prose
    0.4398,  // ctx_sentence_end
    -0.6774, // first_line
    -0.3865, // ctx_commentish
    -1.6193, // ctx_title_case
    -1.0316, // ctx_cross_site
    -3.9767, // after_core
];

/// Number of features.
pub const FEATURES: usize = 23;

/// The names of the features, in the order of [`WEIGHTS`].
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "bias",
    "log_words",
    "short",
    "long",
    "function_share",
    "function_share_long",
    "sentence_end",
    "ellipsis",
    "separator",
    "digits",
    "position",
    "cross_site",
    "comment_marker",
    "after_comments",
    "repeated",
    "ctx_log_words",
    "ctx_prose",
    "ctx_sentence_end",
    "first_line",
    "ctx_commentish",
    "ctx_title_case",
    "ctx_cross_site",
    "after_core",
];

/// A line is body text when its probability is above this (the segment
/// scores `p - THRESHOLD`); picked on the tune half (0.35 to 0.45 score alike).
const THRESHOLD: f64 = 0.4;
/// The bar is at most this share of the page's highest probability.
const FALLBACK: f64 = 0.75;
/// Half-width of the window the context features average over.
const CONTEXT: usize = 2;
/// Comment furniture is looked for a little further away.
const COMMENT_CONTEXT: usize = 3;
/// Prose: this many words ...
const PROSE_WORDS: usize = 10;
/// ... with this share of function words.
const PROSE_SHARE: f64 = 0.25;
/// A comment marker starts the comments once this many words of prose came before.
const AFTER_PROSE_WORDS: usize = 100;
/// Past [`AFTER_PROSE_WORDS`], a furniture line with this many furniture
/// lines (itself included) among the next [`THREAD_WINDOW`] starts the
/// comments as a marker would.
const THREAD_FURNITURE: usize = 3;
/// See [`THREAD_FURNITURE`].
const THREAD_WINDOW: usize = 20;
/// The page's core is the line whose window of this many lines either side
/// holds the most prose words; lines far below it are comments and teasers
/// more often than article.
const CORE_CONTEXT: usize = 3;
/// A run after the comments' start loses to the best run before them when
/// that one scores at least this share of it: a short post with a long
/// thread of prose-like comments.
const BEFORE_COMMENTS: f64 = 0.25;
/// A section header ends the article unless two sentences of prose in a
/// row follow within this many lines.
const GOES_ON_LOOK: usize = 15;
/// A section header ends the article only over a list of this many lines
/// (up to the next sentence of prose): a short box of related posts under
/// a post is kept as its part.
const END_LIST: usize = 8;
/// Only lines this short count as cross-site chrome: a syndicated article's
/// paragraphs recur across sites too.
pub const CROSS_MAX_WORDS: usize = 12;
/// Lines longer than this are not comment furniture.
const COMMENTISH_MAX_WORDS: usize = 25;
/// The title may stand this many lines before the body.
const TITLE_GAP: usize = 6;
/// A title repeat holds at least this share (%) of the first line.
const TITLE_PCT: usize = 33;
/// Cut a page only when this many of its lines lie outside the body.
pub const MIN_OUTSIDE_LINES: usize = 8;

/// Separator tokens of menus and breadcrumbs.
const SEPARATORS: &[&str] = &["|", "»", "›", "·", "•", "←", "→", "/", "::", ">>", "<<"];

/// Why the page finder removed a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageCause {
    /// Outside the body, and seen on pages of other sites: site chrome.
    CrossSite,
    /// Outside the body: navigation, teasers, footers.
    OutsideBody,
    /// A comment marker, or outside the body after one.
    Comments,
    /// Repeats a line already kept from this page.
    Duplicate,
}

impl PageCause {
    /// The name used as the rule id in explain records (`page.NAME`).
    pub fn name(self) -> &'static str {
        match self {
            PageCause::CrossSite => "cross-site",
            PageCause::OutsideBody => "outside-body",
            PageCause::Comments => "comments",
            PageCause::Duplicate => "duplicate-line",
        }
    }
}

fn commentish() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(\b(said|says|writes|wrote|schrieb|sagt|a écrit|escribió|dice|написал|пишет)\s*:?\s*$)|^\W*(reply|antworten|répondre|responder|ответить)\b|\b\d{1,2}:\d{2}\s*([ap]\.?m\.?)?\b",
        )
        .expect("valid regex")
    })
}

/// Finds bodies from single pages; holds the input's cross-site lines.
#[derive(Debug, Clone, Default)]
pub struct PageFinder {
    cross_site: HashSetKeyed<u64>,
}

/// One line's features, in the order of [`WEIGHTS`].
pub type Features = [f64; FEATURES];

/// What the page finder made of one page.
#[derive(Debug, Clone, Default)]
pub struct PageBody {
    /// Each line's fate, as [`PageFinder::decide`] gives it.
    pub fate: Vec<Option<PageCause>>,
    /// The title's line, when the page was cut.
    pub title: Option<usize>,
    /// Each non-blank line's probability of being article text, by line
    /// index (blank lines: `None`).
    pub probability: Vec<Option<f64>>,
}

impl PageFinder {
    /// A finder that counts `cross_site` (hashes, [`normalize::line_hash`],
    /// of lines seen on pages of two or more sites) as chrome.
    pub fn new(cross_site: HashSetKeyed<u64>) -> PageFinder {
        PageFinder { cross_site }
    }

    /// How many cross-site lines it knows.
    pub fn cross_site_lines(&self) -> usize {
        self.cross_site.len()
    }

    /// Decides each line's fate: `None` keeps it. Blank lines are always
    /// kept. Also gives the title's line when the page was cut (no junk rule
    /// should take the page's own title).
    pub fn decide(&self, lines: &[ExtractLine]) -> (Vec<Option<PageCause>>, Option<usize>) {
        let b = self.find(lines);
        (b.fate, b.title)
    }

    /// [`PageFinder::decide`], with each line's probability.
    pub fn find(&self, lines: &[ExtractLine]) -> PageBody {
        let mut out = PageBody {
            fate: vec![None; lines.len()],
            title: None,
            probability: vec![None; lines.len()],
        };
        let nb: Vec<usize> = (0..lines.len())
            .filter(|&i| !lines[i].key.is_empty())
            .collect();
        if nb.is_empty() {
            return out;
        }
        let page: Vec<&ExtractLine> = nb.iter().map(|&i| &lines[i]).collect();
        let (feats, marker, cross, after, ends) = self.features_and_ends(&page);
        let probs: Vec<f64> = feats.iter().map(probability).collect();
        for (k, &i) in nb.iter().enumerate() {
            out.probability[i] = Some(probs[k]);
        }
        // A page whose article is short, or far down, or among chrome
        // scores low throughout: then its best lines set the bar.
        let best = probs.iter().copied().fold(0.0, f64::max);
        let bar = THRESHOLD.min(FALLBACK * best);
        let walls: Vec<bool> = marker.iter().zip(&ends).map(|(m, e)| *m || *e).collect();
        let Some(body) = best_run(&page, &probs, &walls, &after, bar) else {
            return out;
        };
        let title = title_before(&page, body.start);
        let start = title.unwrap_or(body.start);
        let outside = page.len() - (body.end - start);
        if outside < MIN_OUTSIDE_LINES {
            return out;
        }
        let mut seen = std::collections::HashSet::new();
        for (k, &i) in nb.iter().enumerate() {
            out.fate[i] =
                if (start..body.end).contains(&k) && !crate::extract::is_cut_teaser(page[k]) {
                    // Exact repeats only: "Hour 1" and "Hour 2" differ here.
                    if seen.insert(xxhash_rust::xxh3::xxh3_64(&page[k].key)) {
                        None
                    } else {
                        Some(PageCause::Duplicate)
                    }
                } else if cross[k] {
                    Some(PageCause::CrossSite)
                } else if marker[k] || (after[k] && k >= body.end) {
                    Some(PageCause::Comments)
                } else {
                    Some(PageCause::OutsideBody)
                };
        }
        out.title = title.map(|t| nb[t]);
        out
    }

    /// The features of a page's non-blank lines, and per line whether it is
    /// a comment marker (or the first furniture line of a thread without
    /// one), a cross-site line, and after the comments' start.
    #[allow(clippy::type_complexity)]
    pub fn features(
        &self,
        page: &[&ExtractLine],
    ) -> (Vec<Features>, Vec<bool>, Vec<bool>, Vec<bool>) {
        let (f, m, c, a, _) = self.features_and_ends(page);
        (f, m, c, a)
    }

    /// [`PageFinder::features`], and per line whether it is a section
    /// header that ends the article: "More Related Stories", "Next Up In
    /// Culture" after the page's first hundred words of prose, no two
    /// sentences of prose in a row within [`GOES_ON_LOOK`] lines after it
    /// (else it is a box inside the article). It is a wall like a marker.
    #[allow(clippy::type_complexity)]
    fn features_and_ends(
        &self,
        page: &[&ExtractLine],
    ) -> (Vec<Features>, Vec<bool>, Vec<bool>, Vec<bool>, Vec<bool>) {
        let n = page.len();
        let opts = ExtractOptions::default();
        let mut scratch = Vec::new();
        let words: Vec<usize> = page.iter().map(|l| l.words).collect();
        let log_words: Vec<f64> = words.iter().map(|&w| (w as f64).ln_1p()).collect();
        let share: Vec<f64> = page.iter().map(|l| function_share(&l.key)).collect();
        let prose: Vec<bool> = (0..n)
            .map(|k| words[k] >= PROSE_WORDS && share[k] >= PROSE_SHARE)
            .collect();
        // A teaser cut short: "...", or "… Read more" (a blurb's link).
        let ellipsis: Vec<bool> = page
            .iter()
            .map(|l| l.key.ends_with(b"...") || crate::extract::teaser_tail().is_match(l.text))
            .collect();
        let end: Vec<bool> = (0..n)
            .map(|k| !ellipsis[k] && sentence_end(&page[k].key))
            .collect();
        let mut classes: Vec<LineClass> = page.iter().map(|l| LineClass::of(l, &opts)).collect();
        crate::extract::settle_markers(&mut classes, &vec![false; n], |k| {
            crate::extract::is_dateline(page[k])
        });
        let mut marker: Vec<bool> = classes.iter().map(|c| c.is_marker()).collect();
        let furniture: Vec<bool> = (0..n)
            .map(|k| words[k] <= COMMENTISH_MAX_WORDS && commentish().is_match(page[k].text))
            .collect();
        let mut after = vec![false; n];
        let mut ends = vec![false; n];
        let sentence = |j: usize| prose[j] && end[j];
        let (mut seen, mut prose_words) = (false, 0);
        for k in 0..n {
            after[k] = seen;
            if prose[k] {
                prose_words += words[k];
            }
            if prose_words >= AFTER_PROSE_WORDS && classes[k].is_section_end() {
                // A list of [`END_LIST`] lines or more, and no article after it.
                let list = (k + 1..n).take_while(|&j| !sentence(j)).count();
                ends[k] = list >= END_LIST
                    && !(k + 1..(n - 1).min(k + GOES_ON_LOOK))
                        .any(|j| sentence(j) && sentence(j + 1));
            }
            if seen || prose_words < AFTER_PROSE_WORDS {
                continue;
            }
            if marker[k] {
                seen = true;
            } else if furniture[k]
                && furniture[k..n.min(k + THREAD_WINDOW)]
                    .iter()
                    .filter(|&&f| f)
                    .count()
                    >= THREAD_FURNITURE
            {
                // A thread with no marker the regexes know ("Posted by: NAME
                // at 6:20 PM" after each comment): its first furniture line
                // starts the comments and is a wall like a marker.
                (seen, marker[k]) = (true, true);
            }
        }
        let core = core_line(&words, &prose);
        let title_case: Vec<f64> = page.iter().map(|l| title_share(l.text)).collect();
        let cross: Vec<bool> = page
            .iter()
            .map(|l| {
                l.words <= CROSS_MAX_WORDS
                    && self
                        .cross_site
                        .contains(&normalize::line_hash(&l.key, &mut scratch))
            })
            .collect();
        let mut count: HashMap<&[u8], usize> = HashMap::new();
        for l in page {
            *count.entry(&l.key).or_default() += 1;
        }
        let as_f = |b: &bool| f64::from(u8::from(*b));
        let feats = (0..n)
            .map(|k| {
                let w = words[k];
                let text = page[k].text.trim();
                let chars = text.chars().count().max(1);
                let digits = text.chars().filter(char::is_ascii_digit).count();
                let mean_b = |v: &[bool], r: usize| window_mean(v, k, r, as_f);
                [
                    1.0,
                    log_words[k],
                    as_f(&(w <= 3)),
                    as_f(&(w >= 15)),
                    share[k],
                    share[k] * w.min(20) as f64 / 20.0,
                    as_f(&end[k]),
                    as_f(&ellipsis[k]),
                    as_f(
                        &page[k]
                            .text
                            .split_whitespace()
                            .any(|t| SEPARATORS.contains(&t)),
                    ),
                    digits as f64 / chars as f64,
                    if n > 1 {
                        k as f64 / (n - 1) as f64
                    } else {
                        0.0
                    },
                    as_f(&cross[k]),
                    as_f(&marker[k]),
                    as_f(&after[k]),
                    as_f(&(count[&page[k].key[..]] > 1)),
                    window_mean(&log_words, k, CONTEXT, |x| *x),
                    mean_b(&prose, CONTEXT),
                    mean_b(&end, CONTEXT),
                    as_f(&(k == 0)),
                    mean_b(&furniture, COMMENT_CONTEXT),
                    window_mean(&title_case, k, CONTEXT, |x| *x),
                    mean_b(&cross, CONTEXT),
                    if n > 1 {
                        k.saturating_sub(core) as f64 / (n - 1) as f64
                    } else {
                        0.0
                    },
                ]
            })
            .collect();
        (feats, marker, cross, after, ends)
    }
}

/// The model's probability that a line with features `f` is article text.
pub fn probability(f: &Features) -> f64 {
    let z: f64 = f.iter().zip(WEIGHTS).map(|(x, w)| x * w).sum();
    1.0 / (1.0 + (-z.clamp(-30.0, 30.0)).exp())
}

/// Whether a key ends like a sentence: `.`, `!`, `?`, `:` or `;`, perhaps
/// followed by closing quotes or brackets.
fn sentence_end(key: &[u8]) -> bool {
    let end = key
        .iter()
        .rposition(|b| !b"\"')]".contains(b))
        .map(|p| key[p]);
    matches!(end, Some(b'.' | b'!' | b'?' | b':' | b';'))
}

/// Share of a line's words (with a letter) that start upper case; 0 under two words.
fn title_share(text: &str) -> f64 {
    let (mut n, mut upper) = (0usize, 0usize);
    for t in text.split_whitespace() {
        if t.chars().any(char::is_alphabetic) {
            n += 1;
            upper += usize::from(t.chars().next().is_some_and(char::is_uppercase));
        }
    }
    if n < 2 { 0.0 } else { upper as f64 / n as f64 }
}

/// The mean of `f(v[j])` over the neighbours `j` of `k` within `r` (not `k`).
fn window_mean<T>(v: &[T], k: usize, r: usize, f: impl Fn(&T) -> f64) -> f64 {
    let (lo, hi) = (k.saturating_sub(r), (k + r).min(v.len() - 1));
    let n = hi - lo;
    if n == 0 {
        return 0.0;
    }
    (lo..=hi).filter(|&j| j != k).map(|j| f(&v[j])).sum::<f64>() / n as f64
}

/// The line whose window of [`CORE_CONTEXT`] lines either side holds the
/// most prose words (the first such line).
fn core_line(words: &[usize], prose: &[bool]) -> usize {
    let pw = |j: usize| if prose[j] { words[j] } else { 0 };
    let n = words.len();
    // Sliding window sum over lo..=hi.
    let mut sum: usize = (0..n.min(CORE_CONTEXT + 1)).map(pw).sum();
    let (mut best, mut core) = (sum, 0);
    for k in 1..n {
        if k + CORE_CONTEXT < n {
            sum += pw(k + CORE_CONTEXT);
        }
        if k > CORE_CONTEXT {
            sum -= pw(k - CORE_CONTEXT - 1);
        }
        if sum > best {
            (best, core) = (sum, k);
        }
    }
    core
}

/// The maximum-sum run of `(p - threshold) · ln(1 + words)`, markers as
/// walls; `None` when no line scores above the threshold. When that run
/// starts after the comments' start and the best run starting before it
/// scores [`BEFORE_COMMENTS`] of it, the earlier run wins.
fn best_run(
    page: &[&ExtractLine],
    probs: &[f64],
    marker: &[bool],
    after: &[bool],
    threshold: f64,
) -> Option<std::ops::Range<usize>> {
    let (mut best, mut found) = (0.0f64, None);
    let (mut pre, mut found_pre) = (0.0f64, None);
    let (mut cur, mut start) = (0.0f64, 0);
    for k in 0..page.len() {
        if marker[k] {
            (cur, start) = (0.0, k + 1);
            continue;
        }
        if cur <= 0.0 {
            (cur, start) = (0.0, k);
        }
        cur += (probs[k] - threshold) * (page[k].words as f64).ln_1p();
        if cur > best {
            (best, found) = (cur, Some(start..k + 1));
        }
        if cur > pre && !after[start] {
            (pre, found_pre) = (cur, Some(start..k + 1));
        }
    }
    match found {
        Some(ref r) if after[r.start] && found_pre.is_some() && pre >= BEFORE_COMMENTS * best => {
            found_pre
        }
        _ => found,
    }
}

/// The page title's repeat (most of the first line) within [`TITLE_GAP`]
/// lines before the body, or the body's first line.
fn title_before(page: &[&ExtractLine], body_start: usize) -> Option<usize> {
    let first: &[u8] = &page[0].key;
    let t = (1..page.len()).find(|&k| {
        let t: &[u8] = &page[k].key;
        page[k].words >= 2
            && t.len() <= first.len()
            && t.len() * 100 >= first.len() * TITLE_PCT
            && first.windows(t.len()).any(|w| w == t)
    })?;
    (t <= body_start && body_start - t <= TITLE_GAP).then_some(t)
}

/// The hashes ([`normalize::line_hash`]) of lines of at most
/// [`CROSS_MAX_WORDS`] words that occur on pages of two or more sites; each
/// site gives the hash and word count of each line of its pages.
pub fn cross_site_lines<S, L>(sites: S) -> HashSetKeyed<u64>
where
    S: IntoIterator<Item = L>,
    L: IntoIterator<Item = (u64, u16)>,
{
    let mut all: Vec<u64> = Vec::new();
    for site in sites {
        let start = all.len();
        all.extend(
            site.into_iter()
                .filter(|&(_, w)| usize::from(w) <= CROSS_MAX_WORDS)
                .map(|(h, _)| h),
        );
        // Each site counts once per line.
        crate::sort_dedup_from(&mut all, start);
    }
    all.sort_unstable();
    all.windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect()
}

#[cfg(test)]
mod tests;
