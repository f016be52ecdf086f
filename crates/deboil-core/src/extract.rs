//! Finding the article body in a whole-page dump (Common Crawl WET style).
//!
//! Whole pages carry junk that never repeats exactly: teaser lists, related
//! headlines, comment threads, navigation with changing items. The body is
//! the stretch of the page where long, sentence-like lines sit close
//! together. Each non-blank line gets a score:
//!
//! - a line of [`ExtractOptions::min_good_words`] words or more whose share of
//!   function words ("the", "und", "de" ...) is that of running prose scores
//!   its word count; a long line without them (a list of names, a headline
//!   run) scores a third of it;
//! - a short line costs half of [`ExtractOptions::penalty`], unless it reads
//!   like a sentence (a list item, a caption): then it costs nothing;
//! - a line the site repeats on many pages (learned template) costs the full
//!   penalty plus half its words;
//! - a line without letters or digits (a separator) counts for nothing.
//!
//! The body is the run of lines with the highest total (a maximum-sum
//! segment). A comment-section marker ("Leave a reply", "42 Comments") ends
//! the search once a body of some size was found, so a long comment thread
//! never wins over a short article. The page title (the first line, as HTML
//! title extraction leaves it) brings back its repeat near the body.
//!
//! Extraction only fires on pages that look like whole pages: at least
//! [`ExtractOptions::min_outside_lines`] lines outside the body and, on a
//! site with learned template, [`ExtractOptions::min_template_lines`] of its
//! recurring lines. Clean article text is left alone.
//!
//! ```
//! use deboil_core::extract::{ExtractLine, Extractor, ExtractCause};
//!
//! let page = "My site - Home\nHome\nAbout\nContact\nArchive\nLogin\nSearch\nTags\nMenu\n\
//!             The council met on Monday and decided that the bridge will be rebuilt in the spring.\n\
//!             It is the first time in ten years that the town has had the money for such a project.\n\
//!             Popular\nWeather\nSports\n";
//! let lines: Vec<ExtractLine> = page.lines().map(ExtractLine::new).collect();
//! let fate = Extractor::default().decide("site", &lines);
//! assert_eq!(fate[9], None);
//! assert_eq!(fate[1], Some(ExtractCause::OutsideBody));
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use regex::Regex;

use crate::normalize;

/// Knobs of body extraction.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Words a line needs to count as body text.
    pub min_good_words: usize,
    /// Share of function words a body line needs.
    pub min_function_share: f64,
    /// What a template line costs (short lines cost half).
    pub penalty: f64,
    /// Fire only when this many lines lie outside the body ...
    pub min_outside_lines: usize,
    /// ... and, on a site with learned template, when the page holds this
    /// many template lines.
    pub min_template_lines: usize,
    /// Body score after which a comment marker ends the search.
    pub min_body_score: f64,
    /// How many lines before the body the title may stand, with what lies
    /// between (byline, date) kept.
    pub title_gap: usize,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            min_good_words: 10,
            min_function_share: 0.25,
            penalty: 8.0,
            min_outside_lines: 8,
            min_template_lines: 5,
            min_body_score: 30.0,
            title_gap: 6,
        }
    }
}

/// A comment marker is a short line, or a count with the post's title
/// ("15 comments to Taking the Counter to the Next Level").
const MARKER_WORDS: usize = 25;

/// Short lines with this many words and enough function words read as sentences.
const NEUTRAL_WORDS: usize = 4;

/// A title repeat holds at least this share (%) of the first line (the
/// rest is the site's name).
const TITLE_PCT: usize = 33;

/// Why extraction removed a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExtractCause {
    /// The site repeats this line on many pages.
    Template,
    /// The line lies outside the body: navigation, teasers, headlines.
    OutsideBody,
    /// The line is in or marks a comment section.
    Comments,
    /// The line repeats a line already kept from this page.
    Duplicate,
}

impl ExtractCause {
    /// The name used as the rule id in explain records (`learn.NAME`).
    pub fn name(self) -> &'static str {
        match self {
            ExtractCause::Template => "template",
            ExtractCause::OutsideBody => "outside-body",
            ExtractCause::Comments => "comments",
            ExtractCause::Duplicate => "duplicate-line",
        }
    }
}

/// One line as the extractor sees it.
#[derive(Debug, Clone)]
pub struct ExtractLine<'a> {
    /// The original line.
    pub text: &'a str,
    /// Its normalised key ([`normalize::push_key`]).
    pub key: std::borrow::Cow<'a, [u8]>,
    /// Its word count.
    pub words: usize,
}

impl<'a> ExtractLine<'a> {
    /// Builds the key of `text`.
    pub fn new(text: &'a str) -> ExtractLine<'a> {
        let mut key = Vec::new();
        let words = normalize::push_key(text, &mut key);
        ExtractLine {
            text,
            key: key.into(),
            words,
        }
    }
}

/// Finds bodies; holds each site's learned template lines.
#[derive(Debug, Clone, Default)]
pub struct Extractor {
    models: HashMap<String, SiteModel>,
    opts: ExtractOptions,
}

fn marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^\W*\d*\s*(comments?|responses?|replies|reactions|trackbacks?|pingbacks?|discussion|kommentare?|commentaires?|comentarios?|комментари\w*)\s*(\(\d+\))?\W*$|^\W*\d+\s+(comments?|responses?|replies|kommentare?|commentaires?|comentarios?)\b|\b(leave|post|add|write|submit)\s+(a|your)\s+(comment|reply|response)\b|\bkommentar\s+(schreiben|verfassen)\b",
        )
        .expect("valid regex")
    })
}

/// Whether `text` may hold a comment marker: the marker regex is slow on
/// every short line, and nearly all lack each of its words. Outside
/// Cyrillic (`комментари`) and the two non-ASCII letters that match ASCII
/// ones without case (KELVIN SIGN, LONG S), every match holds one of these,
/// ASCII case aside.
fn maybe_marker(text: &str) -> bool {
    static WORDS: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "omment",
                "comentario",
                "respons",
                "repl",
                "reaction",
                "trackback",
                "pingback",
                "discussion",
            ])
            .expect("valid needles")
    });
    memchr::memchr2(0xD0, 0xD1, text.as_bytes()).is_some()
        || text.contains('\u{212A}')
        || text.contains('\u{17F}')
        || words.is_match(text)
}

/// Function words of English, German, French, Spanish and Russian: running
/// prose is full of them, menus and headline lists are not.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because",
    "been", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have",
    "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "it's", "its", "just", "me",
    "more", "my", "no", "not", "now", "of", "on", "one", "only", "or", "other", "our", "out",
    "over", "she", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "those", "to", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "will", "with", "would", "you", "your", // en
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bis", "das", "dass", "dem", "den",
    "der", "des", "die", "dies", "doch", "ein", "eine", "einem", "einen", "einer", "es", "für",
    "hat", "ich", "im", "in", "ist", "mit", "nach", "nicht", "noch", "nur", "oder", "sein", "sich",
    "sie", "sind", "so", "um", "und", "von", "vor", "war", "wie", "wir", "wird", "zu", "zum",
    "zur", // de
    "au", "aux", "avec", "ce", "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "la",
    "le", "les", "mais", "ne", "nous", "par", "pas", "plus", "pour", "qu'il", "que", "qui", "sa",
    "se", "son", "sur", "un", "une", // fr
    "al", "con", "del", "el", "es", "los", "las", "lo", "para", "por", "se", "su", "y", "una",
    "como", "más", "pero", // es
    "в", "и", "на", "не", "что", "с", "по", "как", "это", "из", "за", "от", "о", "к", "для", "но",
    "он", "она", "они", // ru
];

/// The function words, each packed into a `u128` (its bytes, its length in
/// the top byte) in an open-addressing table: looked up once per word of
/// every line of four words or more, so a look-up is a multiply and a probe
/// or two, no byte-wise hashing.
struct WordTable {
    slots: Vec<u128>,
}

/// Slots in the table (a power of two, four times the words or more).
const WORD_SLOTS: usize = 1 << 10;
const _: () = assert!(WORD_SLOTS >= 4 * FUNCTION_WORDS.len());

impl WordTable {
    /// `w` packed, when it is short enough to be a function word (0 is no word).
    fn pack(w: &[u8]) -> Option<u128> {
        if w.is_empty() || w.len() > 15 {
            return None;
        }
        let mut b = [0u8; 16];
        b[..w.len()].copy_from_slice(w);
        b[15] = w.len() as u8;
        Some(u128::from_le_bytes(b))
    }

    fn slot(p: u128) -> usize {
        let h = (p as u64 ^ ((p >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - WORD_SLOTS.trailing_zeros())) as usize
    }

    fn new(words: &[&str]) -> WordTable {
        let mut slots = vec![0u128; WORD_SLOTS];
        for w in words {
            let p = Self::pack(w.as_bytes()).expect("function words are under 16 bytes");
            let mut i = Self::slot(p);
            while slots[i] != 0 && slots[i] != p {
                i = (i + 1) % WORD_SLOTS;
            }
            slots[i] = p;
        }
        WordTable { slots }
    }

    fn contains(&self, w: &[u8]) -> bool {
        let Some(p) = Self::pack(w) else {
            return false;
        };
        let mut i = Self::slot(p);
        loop {
            match self.slots[i] {
                0 => return false,
                s if s == p => return true,
                _ => i = (i + 1) % WORD_SLOTS,
            }
        }
    }
}

fn function_words() -> &'static WordTable {
    static SET: OnceLock<WordTable> = OnceLock::new();
    SET.get_or_init(|| WordTable::new(FUNCTION_WORDS))
}

/// Share of function words among the words of a key (bytes: keys are
/// lowercase already; punctuation around a word is trimmed, apostrophes kept).
pub(crate) fn function_share(key: &[u8]) -> f64 {
    let set = function_words();
    let inner = |b: &u8| b.is_ascii_alphanumeric() || *b >= 0x80 || *b == b'\'';
    let (mut n, mut f) = (0usize, 0usize);
    for w in key.split(|&b| b == b' ') {
        let Some(s) = w.iter().position(inner) else {
            continue;
        };
        let e = w.iter().rposition(inner).expect("found from the left");
        n += 1;
        f += usize::from(set.contains(&w[s..=e]));
    }
    if n == 0 { 0.0 } else { f as f64 / n as f64 }
}

/// What one line looks like, site aside: enough to score it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineClass {
    words: u16,
    kind: Kind,
    marker: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Long, with the function words of running prose.
    Prose,
    /// Long, without them: a list of names, a run of headlines.
    LongPlain,
    /// Short, but reads like a sentence: a list item, a caption.
    Sentence,
    /// Short: navigation, labels, bylines.
    Short,
    /// No letters or digits: separators.
    Decoration,
}

impl LineClass {
    /// Classifies a non-blank line.
    pub fn of(line: &ExtractLine, opts: &ExtractOptions) -> LineClass {
        let words = line.words;
        let kind = if !line.text.chars().any(char::is_alphanumeric) {
            Kind::Decoration
        } else if words >= opts.min_good_words {
            if function_share(&line.key) >= opts.min_function_share {
                Kind::Prose
            } else {
                Kind::LongPlain
            }
        } else if words >= NEUTRAL_WORDS && function_share(&line.key) >= opts.min_function_share {
            Kind::Sentence
        } else {
            Kind::Short
        };
        LineClass {
            words: words.min(u16::MAX as usize) as u16,
            kind,
            marker: words <= MARKER_WORDS
                && maybe_marker(line.text)
                && marker().is_match(line.text),
        }
    }

    /// Whether the line marks a comment section.
    pub fn is_marker(self) -> bool {
        self.marker
    }

    fn score(self, template: bool, o: &ExtractOptions) -> f64 {
        let n = f64::from(self.words);
        match self.kind {
            // Separators say nothing about where the body is.
            Kind::Decoration => 0.0,
            _ if template => -o.penalty - 0.5 * n,
            Kind::Prose => n,
            Kind::LongPlain => 0.3 * n,
            Kind::Sentence => 0.0,
            Kind::Short => -0.5 * o.penalty,
        }
    }
}

/// Where a page's body lies, in non-blank line indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The body's lines.
    pub lines: std::ops::Range<usize>,
    /// The comment marker that ended the search, or the page's end.
    pub stop: usize,
}

/// Finds the body among a page's non-blank lines (`template` flags the
/// site's recurring ones): the maximum-sum run of line scores. Markers are
/// walls, and one after a body of [`ExtractOptions::min_body_score`] ends the
/// search.
pub fn find_body(classes: &[LineClass], template: &[bool], o: &ExtractOptions) -> Body {
    let (mut best, mut a, mut b) = (0.0f64, 0, None::<usize>);
    let (mut cur, mut start) = (0.0f64, 0);
    let mut stop = classes.len();
    for k in 0..classes.len() {
        if classes[k].marker {
            if best >= o.min_body_score {
                stop = k;
                break;
            }
            cur = 0.0;
            start = k + 1;
            continue;
        }
        if cur <= 0.0 {
            cur = 0.0;
            start = k;
        }
        cur += classes[k].score(template[k], o);
        if cur > best {
            (best, a, b) = (cur, start, Some(k));
        }
    }
    Body {
        lines: b.map(|b| a..b + 1).unwrap_or(0..0),
        stop,
    }
}

/// What was learned about one site's pages.
#[derive(Debug, Clone, Default)]
pub struct SiteModel {
    /// Hashes ([`normalize::line_hash`]) of the lines the site repeats.
    pub template: crate::hash::HashSetKeyed<u64>,
}

impl Extractor {
    /// An extractor with each site's model (see [`crate::learn::Learned::models`]).
    pub fn new(models: HashMap<String, SiteModel>, opts: ExtractOptions) -> Extractor {
        Extractor { models, opts }
    }

    /// Whether it learned a model for `site` (the site had enough pages).
    pub fn knows(&self, site: &str) -> bool {
        self.models.contains_key(site)
    }

    /// Decides each line's fate: `None` keeps it. Blank lines are always kept
    /// (the built-in cleanups collapse them).
    pub fn decide(&self, site: &str, lines: &[ExtractLine]) -> Vec<Option<ExtractCause>> {
        self.decide_with_title(site, lines).0
    }

    /// [`Extractor::decide`], and the page title's line when the page is a
    /// whole page (no junk rule should take the page's own title).
    pub fn decide_with_title(
        &self,
        site: &str,
        lines: &[ExtractLine],
    ) -> (Vec<Option<ExtractCause>>, Option<usize>) {
        let o = &self.opts;
        let mut fate = vec![None; lines.len()];
        let model = self.models.get(site);
        let mut scratch = Vec::new();
        // Non-blank lines only, by index into `lines`.
        let nb: Vec<usize> = (0..lines.len())
            .filter(|&i| !lines[i].key.is_empty())
            .collect();
        if nb.is_empty() {
            return (fate, None);
        }
        let hashes: Vec<u64> = nb
            .iter()
            .map(|&i| normalize::line_hash(&lines[i].key, &mut scratch))
            .collect();
        let is_template: Vec<bool> = hashes
            .iter()
            .map(|h| model.is_some_and(|m| m.template.contains(h)))
            .collect();
        let classes: Vec<LineClass> = nb.iter().map(|&i| LineClass::of(&lines[i], o)).collect();

        // The title: a later line repeating (part of) the first one (keys
        // compare case- and layout-blind).
        let first: &[u8] = &lines[nb[0]].key;
        let repeats_first = |k: usize, pct: usize| {
            let t: &[u8] = &lines[nb[k]].key;
            lines[nb[k]].words >= 2
                && t.len() <= first.len()
                && t.len() * 100 >= first.len() * pct
                && first.windows(t.len()).any(|w| w == t)
        };
        // A line the site repeats can still be this page's title (a sidebar
        // of popular posts lists it on other pages), if it is most of the
        // first line; a shorter one is the site's name.
        let title = (1..nb.len())
            .find(|&k| !is_template[k] && repeats_first(k, TITLE_PCT))
            .or_else(|| (1..nb.len()).find(|&k| repeats_first(k, 50)));

        let body = find_body(&classes, &is_template, o);
        // A site with learned template shows it on its whole pages; an
        // article with a list at its end does not.
        let template_lines = is_template.iter().filter(|&&t| t).count();
        let has_template = model.is_some_and(|m| !m.template.is_empty());
        if nb.len() - body.lines.len() < o.min_outside_lines
            || (has_template && template_lines < o.min_template_lines)
        {
            return (fate, None);
        }
        // Between a title shortly before the body and the body: byline, date.
        let lead = match title {
            Some(t) if t < body.lines.start && body.lines.start - t <= o.title_gap => {
                t..body.lines.start
            }
            _ => 0..0,
        };
        let keep: Vec<bool> = (0..nb.len())
            .map(|k| {
                title == Some(k)
                    || ((body.lines.contains(&k) || lead.contains(&k))
                        && !is_template[k]
                        && !classes[k].marker)
            })
            .collect();
        let mut seen = HashSet::new();
        for k in 0..nb.len() {
            fate[nb[k]] = if keep[k] {
                // Exact repeats only: "Hour 1" and "Hour 2" differ here.
                if seen.insert(xxhash_rust::xxh3::xxh3_64(&lines[nb[k]].key)) {
                    None
                } else {
                    Some(ExtractCause::Duplicate)
                }
            } else if is_template[k] {
                Some(ExtractCause::Template)
            } else if classes[k].marker || k >= body.stop {
                Some(ExtractCause::Comments)
            } else {
                Some(ExtractCause::OutsideBody)
            };
        }
        (fate, title.map(|t| nb[t]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<ExtractLine<'_>> {
        text.lines().map(ExtractLine::new).collect()
    }

    const PROSE: &str =
        "The council met on Monday and decided that the old bridge will be rebuilt in the spring.";

    #[test]
    fn the_function_word_table_holds_exactly_the_function_words() {
        let table = function_words();
        for w in FUNCTION_WORDS {
            assert!(table.contains(w.as_bytes()), "{w}");
        }
        for w in [
            "",
            "th",
            "thee",
            "because.",
            "bec",
            "x",
            "zwischendurch",
            "und und",
        ] {
            assert!(!table.contains(w.as_bytes()), "{w}");
        }
        assert_eq!(function_share(b"the cat and a dog"), 0.6);
    }

    #[test]
    fn the_marker_prefilter_passes_every_marker() {
        let markers = [
            "Leave a Reply",
            "42 Comments",
            "KOMMENTARE (3)",
            "3 Kommentare",
            "Kommentar schreiben",
            "Comentarios",
            "Commentaires",
            "Responses",
            "Re\u{17F}ponses",
            "Trac\u{212A}backs",
            "Pingbacks",
            "Reactions",
            "Discussion",
            "Комментарии (5)",
            "— 7 replies —",
            "Post your comment",
        ];
        for m in markers {
            assert!(marker().is_match(m), "{m}");
            assert!(maybe_marker(m), "{m}");
        }
        for plain in ["The council met on Monday", "Über uns", "Home"] {
            assert!(!maybe_marker(plain), "{plain}");
        }
    }

    #[test]
    fn clean_text_is_left_alone() {
        let text = format!("Bridge to be rebuilt\n\n{PROSE}\n\nShort line.\n\n{PROSE} Again.\n");
        let l = lines(&text);
        assert!(
            Extractor::default()
                .decide("s", &l)
                .iter()
                .all(Option::is_none)
        );
    }

    #[test]
    fn an_article_ending_in_a_list_is_not_a_whole_page() {
        let list = "Bayern 2\nDortmund 1\nLeipzig 3\nMainz 0\nBremen 1\nKöln 1\nUnion 2\nFreiburg 2\nBochum 0\n";
        let text = format!("{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{list}");
        let l = lines(&text);
        let mut scratch = Vec::new();
        let model = SiteModel {
            template: [normalize::line_hash(b"share this", &mut scratch)]
                .into_iter()
                .collect(),
        };
        let ex = Extractor::new(
            HashMap::from([("s".to_string(), model)]),
            ExtractOptions::default(),
        );
        assert!(ex.decide("s", &l).iter().all(Option::is_none));
        // Without learned template there is no such evidence: the list goes.
        assert!(
            Extractor::default()
                .decide("s", &l)
                .iter()
                .any(Option::is_some)
        );
    }

    #[test]
    fn numbered_headings_are_not_duplicates() {
        let nav = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
        let text = format!(
            "{nav}{PROSE}\nPodcast, hour 1\n{PROSE} Two.\nPodcast, hour 2\n{PROSE} Three.\n"
        );
        let l = lines(&text);
        let fate = Extractor::default().decide("s", &l);
        assert_eq!((fate[9], fate[11]), (None, None), "{fate:?}");
    }

    #[test]
    fn comments_after_the_body_go() {
        let nav = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
        let comment = "I think that the council is wrong about this and that they should have asked us first.";
        let text = format!(
            "Bridge to be rebuilt - Town News\n{nav}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n\
             12 Comments\nAnna\n{comment}\nBen\n{comment} Yes.\n{comment} No.\n{comment} Maybe.\n"
        );
        let l = lines(&text);
        let fate = Extractor::default().decide("s", &l);
        let kept: Vec<&str> = l
            .iter()
            .zip(&fate)
            .filter(|(_, f)| f.is_none())
            .map(|(l, _)| l.text)
            .collect();
        assert_eq!(kept[0], "Bridge to be rebuilt");
        assert_eq!(kept.len(), 4, "{kept:?}");
        let why = fate[l.iter().position(|x| x.text == comment).unwrap()];
        assert_eq!(why, Some(ExtractCause::Comments));
    }

    #[test]
    fn template_lines_and_duplicates_inside_the_body_go() {
        let nav = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
        let share = "Share this story with your friends";
        let text = format!("{nav}{PROSE}\n{share}\n{PROSE} Two.\n{PROSE}\n");
        let l = lines(&text);
        let mut scratch = Vec::new();
        let template = nav
            .lines()
            .chain([share])
            .map(|t| normalize::line_hash(&ExtractLine::new(t).key, &mut scratch))
            .collect();
        let ex = Extractor::new(
            HashMap::from([("s".to_string(), SiteModel { template })]),
            ExtractOptions::default(),
        );
        let fate = ex.decide("s", &l);
        assert_eq!(fate[0], Some(ExtractCause::Template));
        assert_eq!(fate[9], Some(ExtractCause::Template));
        assert_eq!(fate[11], Some(ExtractCause::Duplicate));
        assert_eq!(fate[8], None);
    }
}
