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
//! - a line without letters or digits (a separator) counts for nothing;
//! - a headline (its content words capitalised, at most 15 words) or a
//!   teaser cut short ("…", "Read more") costs what a short line costs; a
//!   comment-shaped line (a time of day, "2 hours ago", "Anna says:",
//!   "Reply") costs the full penalty.
//!
//! Teaser lists and comment threads are item lists: chains of short runs of
//! text, each next to a headline or a comment-shaped line. Their text scores
//! a share of its words, so a list does not outscore an article for being
//! long; lines of a thread outside the body are dropped as comments.
//!
//! A list that a sentence of the article introduces ("... these devices:")
//! costs nothing when the article goes on after it.
//!
//! The body is the run of lines with the highest total (a maximum-sum
//! segment). A comment-section marker ("Leave a reply", "42 Comments", "2
//! thoughts on “Title”", a count in the post's meta line: "Filed under:
//! News | 48 Comments »") ends the search once a body of some size was
//! found, so a long comment thread never wins over a short article; unless
//! an article follows it (a run of prose that outscores the body found so
//! far twice over: the comment count in an article's header). A bare
//! marker of a word or two ("Comments:", "Response") starts the thread only
//! when thread furniture follows it or the article's prose does not; else
//! it is a label or a section's header (`settle_markers`). A section
//! header after a body of that size ("Related stories", "About the author",
//! "Tags: ...") ends it too, unless the article goes on after it (a box of
//! related links inside the article); before the body it is an ordinary
//! short line. The page title (the first line, as HTML title extraction
//! leaves it) brings back its repeat near the body; links to the
//! neighbouring posts ("« Older post's title") at the kept text's edges go.
//! The headline starts the article: a repeat of the first line inside the
//! body, with at most two paragraphs before it, starts the body (a blog's
//! blurb above a short post goes).
//! An author's bio closing the body ("Anna is a staff writer ...",
//! "About the author: ...", "Anna Berg covers the council") is cut off.
//! Short sentences right after the body are its last lines (they score
//! nothing, so the segment stops before them).
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

use crate::learn::memo::Place;
use crate::normalize;

mod edges;
mod facts;
mod lists;
mod words;
use facts::{classes_of, hashes_of};
pub(crate) use words::function_share;
use words::function_share_at_least;
use words::{function_words, title_case};

/// Knobs of body extraction.
#[derive(Debug, Clone, PartialEq)]
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

/// A bare marker ([`bare_marker`]) has this many words at most.
const BARE_WORDS: usize = 2;

/// Short lines with this many words and enough function words read as sentences.
const NEUTRAL_WORDS: usize = 4;

/// Lines of an article's first run of prose, at least.
const RUN_LINES: usize = 4;
/// How many times the body found before a comment count the article after it outscores.
const RUN_RATIO: f64 = 2.0;

/// Share of the body found before a section header that the text after it
/// must be worth for the article to go on.
const GOES_ON: f64 = 0.7;

/// How many lines after a comment marker the run [`run_after`] scores may start.
const RUN_GAP: usize = 4;

/// An item of a list (a teaser's blurb, a comment) is a run of this many
/// lines of text at most ...
const ITEM_LINES: usize = 3;
/// ... at most this many lines from the next ...
const ITEM_GAP: usize = 3;
/// ... in a chain of this many; its text scores this share.
const ITEM_CHAIN: usize = 3;
const ITEM_SHARE: f64 = 0.3;

/// Comment-shaped lines are short.
const META_WORDS: usize = 15;

/// Section headers are short; a tags line may be long.
const SECTION_WORDS: usize = 40;

/// A line cut short with "…" is a teaser from this many words on.
const TEASER_WORDS: usize = 8;

/// ... up to this many (an article's paragraph may trail off too).
const TEASER_MAX: usize = 40;

/// A headline is short: a title-case line of more words is a standfirst,
/// a credit line, a list of names or titles.
const HEADLINE_MAX: usize = 15;

/// A list an article's sentence introduces with a colon has this many
/// lines at most.
const LIST_LINES: usize = 15;

/// An author's bio closing the body lies among its last this many lines.
const BIO_TAIL: usize = 2;

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
    /// Looked up twice a page (by the cleaner, then here): hashed by xxh3.
    models: HashMap<String, SiteModel, crate::hash::Bytes>,
    opts: ExtractOptions,
}

/// Comment markers: a thread's header ("42 Comments", "Reader Comments
/// (4)", "2 thoughts on “Title”", "Leave a reply"), or its controls ("100
/// of 254 comments loaded", "View all comments", "Search 254 Comments").
fn marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^\W*\d*\s*((reader|user|visitor)s?['’]?\s+)?(comments?|responses?|replies|reactions|trackbacks?|pingbacks?|discussion|kommentare?|commentaires?|comentarios?|комментари\w*)\s*(\(\d+\))?\W*$|^\W*\d+\s+(comments?|responses?|replies|kommentare?|commentaires?|comentarios?)\b|^\W*(\d+|all)\s+of\s+\d+\s+(comments?|responses?|replies)\b|^\W*(load|view|show|see|read|search)\s+(all\s+)?(\d+\s+)?(comments?|responses?|replies)\W*$|^\W*(\d+|one|no)\s+thoughts?\s+on\b|\b(leave|post|add|write|submit)\s+(a|your)\s+(comment|reply|response)\b|\bkommentar\s+(schreiben|verfassen)\b|^\W*no (comments|responses)( yet)?\W*$|\bbe the first to (comment|respond)\b",
        )
        .expect("valid regex")
    })
}

/// A post's meta line with the comment count between separators ("Filed
/// under: Travel | 48 Comments »", "Photos | 4 Comments | Share"): the
/// thread follows the post, as after a marker; in the article's head the
/// line is its byline ("by Anna on 10/18/2012 • 2 Comments | News").
fn count_in_meta() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)[|•·]\s*\d+\s+(comments?|responses?|replies|kommentare?|commentaires?|comentarios?)(?-u:\b)")
            .expect("valid regex")
    })
}

/// A marker that is one word or two, no count: "Comments", "Comment:",
/// "Response", "Reader comments" (see [`settle_markers`]).
fn bare_marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^[^\w\d]*((reader|user|visitor)s?['’]?\s+)?(comments?|responses?|replies|reactions|discussion|kommentare?|commentaires?|comentarios?|комментари\w*)[^\w\d]*$",
        )
        .expect("valid regex")
    })
}

/// A date: "March 10, 2017", "10 March 2017", "10/03/2017", "2017-03-10".
fn date() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?-u:\b)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}(?-u:\b)|(?-u:\b)\d{1,2}\.?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}(?-u:\b)|(?-u:\b)\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?-u:\b)|(?-u:\b)\d{4}-\d{2}-\d{2}(?-u:\b)",
        )
        .expect("valid regex")
    })
}

/// Whether a line is a short one with a date in it (a comment's or a
/// post's date line).
pub(crate) fn is_dateline(line: &ExtractLine) -> bool {
    line.words <= META_WORDS
        && line.text.bytes().any(|b| b.is_ascii_digit())
        && date().is_match(line.text)
}

/// Lines after a bare marker that may show the thread's furniture.
const THREAD_LOOK: usize = 12;
/// Furniture lines among those that make a thread.
const THREAD_SIGNS: usize = 2;
/// Lines after a bare marker in which the article's prose may go on.
const PROSE_LOOK: usize = 30;

/// A bare marker ("Comments:", "Comment", "Response") starts a thread only
/// when what follows looks like one; else it is a label (a work's stats
/// "Comments: 1664", a table's cell) or a section's header, and no marker.
/// It stays a marker when, among the [`THREAD_LOOK`] lines after it, another
/// marker ("Leave a reply") stands, or [`THREAD_SIGNS`] lines of thread
/// furniture (a time, "Anna says:", "Reply", a date line: `date(j)`), or one
/// after a line of prose (a comment, then who posted it when); or when no
/// two lines of prose in a row follow within [`PROSE_LOOK`] lines (the
/// article does not go on after it; one paragraph is an author's bio or a
/// site's notice as often). Lines the site repeats (`template`) show nothing.
pub(crate) fn settle_markers(
    classes: &mut [LineClass],
    template: &[bool],
    date: impl Fn(usize) -> bool,
) {
    let n = classes.len();
    for k in 0..n {
        if !classes[k].bare || !classes[k].marker {
            continue;
        }
        let near = k + 1..n.min(k + 1 + THREAD_LOOK);
        let other_marker = near
            .clone()
            .any(|j| classes[j].marker && !classes[j].bare && !template[j]);
        let is_prose = |j: usize| !template[j] && classes[j].kind == Kind::Prose;
        let sign = |j: usize| !template[j] && (classes[j].kind == Kind::Meta || date(j));
        let signs = near.clone().filter(|&j| sign(j)).count();
        // A comment's furniture after its text ("Posted by: Anna at 5:23
        // PM"): an article's byline and date stand before its prose.
        let first_prose = near.clone().find(|&j| is_prose(j));
        let late_sign = first_prose.is_some_and(|p| near.clone().any(|j| j > p && sign(j)));
        let prose = (k + 1..(n - 1).min(k + PROSE_LOOK)).any(|j| is_prose(j) && is_prose(j + 1));
        if !other_marker && signs < THREAD_SIGNS && !late_sign && prose {
            classes[k].marker = false;
            classes[k].bare = false;
        }
    }
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
                "respond",
                "repl",
                "reaction",
                "trackback",
                "pingback",
                "discussion",
                "thought",
            ])
            .expect("valid needles")
    });
    memchr::memchr2(0xD0, 0xD1, text.as_bytes()).is_some()
        || text.contains('\u{212A}')
        || text.contains('\u{17F}')
        || words.is_match(text)
}

/// Lines of comment threads: a time of day or "2 hours ago" (a post's date
/// line), "Anna says:", a lone "Reply" or "Report abuse". ASCII word
/// boundaries: Unicode ones send every line to the slow backtracking engine.
fn meta() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?-u:\b)\d{1,2}:\d{2}(:\d{2})?\s*([ap]\.?m(?-u:\b)\.?)?|(?-u:\b)(\d+|an?|one)\s+(seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago(?-u:\b)|(?-u:\b)(says|said|wrote|writes)\s*:?\s*$|^\W*(reply|report( abuse)?|like|quote|flag|permalink)\W*$",
        )
        .expect("valid regex")
    })
}

/// The tail of a teaser cut short.
pub(crate) fn teaser_tail() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(…|\.\.\.|\[?\s*(read|see|view) (more|full story|entire story)\s*\]?|continue reading|more\s*[»›→])\W*$")
            .expect("valid regex")
    })
}

/// A teaser's blurb cut short and its link: "When you walk into a store,
/// you're immediately overloaded with… Read more". Never a paragraph of the
/// article, even inside its body (a box of links to other posts).
pub(crate) fn is_cut_teaser(line: &ExtractLine) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)(…|\.\.\.)\W*((read|see|view) (more|full story|the full story)|continue reading)(\W+(read|see|view) more)?\W*$")
            .expect("valid regex")
    });
    line.words >= TEASER_WORDS && re.is_match(line.text)
}

/// Headers of what follows an article: related or recent stories ("Top
/// News Headlines", "Most Popular Posts", "You may like to read:"), the
/// author's box, the post's tags. Lines that mark where the article ends
/// but, unlike comment markers, are no wall before the body.
fn section_end() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^\W*((more\s+)?(related|similar|recommended|recent|popular|latest|featured|top|more|other|most (popular|read|viewed|commented))\s+((news|posts?)\s+)?(posts?|articles?|stories|links|entries|reading|news|headlines|videos|content)|related|story timeline|next up( in \w+( \w+)?)?|what to read next|you (may|might) (also )?(like|enjoy)( to read| reading)?|about the (author|blog)|about \w+( \w+)?)\W*$|(^|\|)\W*tags?\s*:",
        )
        .expect("valid regex")
    })
}

/// An author's bio is a line or two.
const BIO_WORDS: usize = 80;

/// Whether a line is an author's bio: starts with a name, not with "It"
/// or "This", and [`bio`] or [`bio_beat`] matches; or it is labelled one
/// ("About the author: ...", whatever follows the label).
fn is_bio(line: &ExtractLine) -> bool {
    let text = line.text;
    line.words <= BIO_WORDS
        && (bio_label().is_match(text)
            || (text
                .split_whitespace()
                .next()
                .is_some_and(|w| !words::is_function_word(w))
                && (bio().is_match(text) || bio_beat().is_match(text))))
}

/// A bio under its label: "About the author: Ed is a writer ...", "About
/// the Author: Having held ..." (the label alone is a section header).
fn bio_label() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^\W*about the (author|writer|blogger)\s*[:\-–—]\s*\S")
            .expect("valid regex")
    })
}

/// A bio that names the writer's beat: a full name (two to five
/// capitalised words, or "Name / Name") that "covers" (writes about,
/// reports on ...) something: "Philip Bump writes about the news for
/// Gristmill", "Timothy B. Lee / Timothy covers tech policy for Ars". One
/// capitalised word is not enough: "Sand covers the road" is a caption;
/// and the outlet ("for Ars", "at the Post") must follow, since "Medicare
/// Part B covers 80 percent of the cost" is article text.
fn bio_beat() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[\s\x22“‘'(]*(?:\p{Lu}[^\s/]*(?:\s+\p{Lu}[^\s/]*){1,4}(?:\s*/\s*\p{Lu}[^\s/]*)?|\p{Lu}[^\s/]*\s*/\s*\p{Lu}[^\s/]*)\s+(?:covers|writes (?:about|for)|reports (?:on|about)|blogs (?:about|at|for))\s.*?(?-u:\b)(?:for|at)\s+(?:the\s+)?\p{Lu}",
        )
        .expect("valid regex")
    })
}

/// An author's bio after the article: a name (or "Name / Name") that "is
/// a ... writer" (reporter, editor ...).
fn bio() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[\s\x22“‘'(]*(?:\p{Lu}[^\s/]*\s+(?:(?:\p{Lu}[^\s/]*|van|von|der|den|de|da|del|di|du|la|le|al|bin)\s+){0,4}/\s*)?\p{Lu}[^\s/]*\s+(?:(?:\p{Lu}[^\s/]*|van|von|der|den|de|da|del|di|du|la|le|al|bin)\s+){0,4}(?:is|was)\s+(?:a|an|the)\s+(?:\S+\s+){0,6}?(?i:writer|reporter|editor|journalist|correspondent|columnist|contributor|author|blogger|freelancer|producer|analyst|founder)s?(?-u:\b)",
        )
        .expect("valid regex")
    })
}

/// What one line looks like, site aside: enough to score it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineClass {
    words: u16,
    kind: Kind,
    marker: bool,
    /// A marker only by its comment count in a meta line ([`count_in_meta`]).
    count_only: bool,
    /// A marker of one word or two and no count ("Comments:", "Response",
    /// "Reader comments"): a label or a section's header as often as a
    /// thread's ([`settle_markers`]).
    bare: bool,
    /// A header of what follows the article ([`section_end`]).
    end: bool,
    /// Ends with a colon: introduces what follows.
    colon: bool,
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
    /// A headline (most words capitalised) or a teaser cut short ("…",
    /// "Read more"): the items of teaser lists, whatever their length.
    Headline,
    /// Comment-shaped: a time of day, "2 hours ago", "Reply", "Anna says:".
    Meta,
    /// No letters or digits: separators.
    Decoration,
}

impl LineClass {
    /// Classifies a non-blank line.
    pub fn of(line: &ExtractLine, opts: &ExtractOptions) -> LineClass {
        let words = line.words;
        let kind = if !line.text.chars().any(char::is_alphanumeric) {
            Kind::Decoration
        } else if words <= META_WORDS && meta().is_match(line.text) {
            Kind::Meta
        } else if ((NEUTRAL_WORDS..=HEADLINE_MAX).contains(&words) && title_case(line.text))
            || ((TEASER_WORDS..=TEASER_MAX).contains(&words) && teaser_tail().is_match(line.text))
        {
            Kind::Headline
        } else if words >= opts.min_good_words {
            if function_share_at_least(&line.key, opts.min_function_share) {
                Kind::Prose
            } else {
                Kind::LongPlain
            }
        } else if words >= NEUTRAL_WORDS
            && function_share_at_least(&line.key, opts.min_function_share)
        {
            Kind::Sentence
        } else {
            Kind::Short
        };
        let maybe = words <= MARKER_WORDS && maybe_marker(line.text);
        let whole = maybe && marker().is_match(line.text);
        let count_only = maybe
            && !whole
            && line.text.contains(['|', '•', '·'])
            && count_in_meta().is_match(line.text);
        LineClass {
            words: words.min(u16::MAX as usize) as u16,
            kind,
            marker: whole || count_only,
            count_only,
            bare: whole && words <= BARE_WORDS && bare_marker().is_match(line.text),
            end: words <= SECTION_WORDS && section_end().is_match(line.text),
            colon: line.text.trim_end().ends_with(':'),
        }
    }

    /// Whether the line marks a comment section.
    pub fn is_marker(self) -> bool {
        self.marker
    }

    /// Whether the line heads what follows an article ("Related stories",
    /// "Next Up In Culture", "About the author", "Tags: ...").
    pub fn is_section_end(self) -> bool {
        self.end
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
            Kind::Short | Kind::Headline => -0.5 * o.penalty,
            Kind::Meta => -o.penalty,
        }
    }
}

/// Builds the body finder's regexes and word tables now (they are built on
/// first use, once per run): a job can build them while another step keeps
/// one thread busy, rather than have a worker wait on them.
pub fn warm_up() {
    let _ = (marker(), count_in_meta(), meta(), teaser_tail());
    let _ = (section_end(), bio(), bio_label(), bio_beat());
    let _ = (maybe_marker(""), function_words());
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
/// site's recurring ones): the maximum-sum run of line scores, the text of
/// item lists discounted. Markers are walls, and one after a body of
/// [`ExtractOptions::min_body_score`] ends the search unless an article
/// follows it.
pub fn find_body(classes: &[LineClass], template: &[bool], o: &ExtractOptions) -> Body {
    let mut items = Vec::new();
    items_into(classes, template, &mut items);
    body_with(classes, template, &items, o, &mut Vec::new())
}

/// [`find_body`] with the page's item lists found already, its lines'
/// scores written into `scores` (a buffer reused from page to page).
fn body_with(
    classes: &[LineClass],
    template: &[bool],
    items: &[Item],
    o: &ExtractOptions,
    scores: &mut Vec<f64>,
) -> Body {
    line_scores(classes, template, items, o, scores);
    let scores: &[f64] = scores;
    let (mut best, mut a, mut b) = (0.0f64, 0, None::<usize>);
    let (mut cur, mut start) = (0.0f64, 0);
    let mut stop = classes.len();
    for k in 0..classes.len() {
        // A header of related stories, the author's box or tags after a
        // body ends it, unless the article goes on after it (a box of
        // related links inside the article).
        if classes[k].end && best >= o.min_body_score && !goes_on(classes, scores, k, best) {
            break;
        }
        if classes[k].marker {
            // A comment count in the article's header ("12 Comments" under
            // the headline) is followed by the article, not by comments.
            if best >= o.min_body_score && !article_after(classes, template, scores, k, best) {
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
        cur += scores[k];
        if cur > best {
            (best, a, b) = (cur, start, Some(k));
        }
    }
    Body {
        lines: b.map(|b| a..b + 1).unwrap_or(0..0),
        stop,
    }
}

/// Whether the text after the section header at line `k`, up to the next
/// header or marker, holds a run worth [`GOES_ON`] of the body found so far.
fn goes_on(classes: &[LineClass], scores: &[f64], k: usize, best: f64) -> bool {
    let mut cur = 0.0f64;
    for j in k + 1..classes.len() {
        if classes[j].end || classes[j].marker {
            break;
        }
        cur = cur.max(0.0) + scores[j];
        if cur >= GOES_ON * best {
            return true;
        }
    }
    false
}

/// Whether the first run of prose after line `k` (a few lines on at most)
/// reads as an article rather than as the first comment: [`RUN_LINES`]
/// lines or more, outscoring the body found so far [`RUN_RATIO`] times.
fn article_after(
    classes: &[LineClass],
    template: &[bool],
    scores: &[f64],
    k: usize,
    best: f64,
) -> bool {
    let prose = |j: usize| {
        !template[j]
            && !classes[j].marker
            && matches!(classes[j].kind, Kind::Prose | Kind::Sentence)
    };
    let Some(s) = (k + 1..classes.len().min(k + 1 + RUN_GAP)).find(|&j| prose(j)) else {
        return false;
    };
    let run = (s..classes.len()).take_while(|&j| prose(j));
    let (lines, score) = run.fold((0, 0.0), |(n, t), j| (n + 1, t + scores[j]));
    lines >= RUN_LINES && score >= RUN_RATIO * best
}

/// Which list a line belongs to, if any (see [`items`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    None,
    /// A teaser list: its runs of text follow or precede headlines.
    Teaser,
    /// A comment thread: some of its frames are comment-shaped.
    Comment,
}

/// Finds item lists: a teaser list (headline, blurb, headline, blurb ...)
/// or a comment thread (comment, "Anna at 6:31 AM", comment ...) is a chain
/// of short runs of text, each right after or before a headline or a
/// comment-shaped line, a few lines apart. Marks the runs and their frames.
fn items_into(classes: &[LineClass], template: &[bool], out: &mut Vec<Item>) {
    let n = classes.len();
    out.clear();
    out.resize(n, Item::None);
    let text = |k: usize| {
        !template[k]
            && !classes[k].marker
            && matches!(
                classes[k].kind,
                Kind::Prose | Kind::Sentence | Kind::LongPlain
            )
    };
    let frame = |k: usize| !template[k] && matches!(classes[k].kind, Kind::Headline | Kind::Meta);
    // Runs of text: (start, end, framed).
    let mut runs = Vec::new();
    let mut k = 0;
    while k < n {
        if !text(k) {
            k += 1;
            continue;
        }
        let start = k;
        while k < n && text(k) {
            k += 1;
        }
        let framed =
            k - start <= ITEM_LINES && ((start > 0 && frame(start - 1)) || (k < n && frame(k)));
        runs.push((start, k, framed));
    }
    let mut i = 0;
    while i < runs.len() {
        if !runs[i].2 {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < runs.len()
            && runs[j].2
            && runs[j].0 - runs[j - 1].1 <= ITEM_GAP
            && !(runs[j - 1].1..runs[j].0).any(|m| classes[m].marker)
        {
            j += 1;
        }
        if j - i >= ITEM_CHAIN {
            // The chain with the frame before its first run and after its last.
            let a = runs[i].0.saturating_sub(1);
            let b = (runs[j - 1].1 + 1).min(n);
            let comment = (a..b).any(|m| classes[m].kind == Kind::Meta);
            let item = if comment { Item::Comment } else { Item::Teaser };
            for (m, o) in out.iter_mut().enumerate().take(b).skip(a) {
                if text(m) || frame(m) {
                    *o = item;
                }
            }
        }
        i = j;
    }
}

/// Each line's score ([`LineClass::score`]), with the text of item lists
/// discounted to [`ITEM_SHARE`]: a list of teasers or comments does not
/// outscore an article because it is long.
fn line_scores(
    classes: &[LineClass],
    template: &[bool],
    items: &[Item],
    o: &ExtractOptions,
    v: &mut Vec<f64>,
) {
    v.clear();
    v.extend((0..classes.len()).map(|k| {
        let s = classes[k].score(template[k], o);
        if items[k] != Item::None && s > 0.0 {
            s * ITEM_SHARE
        } else {
            s
        }
    }));
    // A list an article's sentence introduces ("... on these devices:"),
    // with the article going on after it, is part of the article: its
    // items cost nothing, so the body reaches across it.
    for k in 0..classes.len() {
        let intro = classes[k].colon
            && !template[k]
            && matches!(classes[k].kind, Kind::Prose | Kind::Sentence);
        if !intro {
            continue;
        }
        let item = |j: usize| {
            !template[j]
                && !classes[j].marker
                && !classes[j].end
                && !matches!(classes[j].kind, Kind::Prose | Kind::Meta)
        };
        let end = (k + 1..classes.len().min(k + 2 + LIST_LINES))
            .find(|&j| !item(j))
            .unwrap_or(classes.len());
        if end > k + 1 && end < classes.len() && !template[end] && classes[end].kind == Kind::Prose
        {
            for x in &mut v[k + 1..end] {
                *x = x.max(0.0);
            }
        }
    }
}

/// A page's non-blank lines, their template hashes, memo places and
/// template flags: buffers [`Extractor::decide_with_title`] reuses from
/// page to page on each thread. Most pages end before their lines are
/// classified, and four vectors a page (one grown from empty) cost them
/// more in the allocator than their own work.
#[derive(Default)]
struct PageBuffers {
    nb: Vec<usize>,
    hashes: Vec<u64>,
    places: Vec<Place>,
    is_template: Vec<bool>,
    classes: Vec<LineClass>,
    items: Vec<Item>,
    scores: Vec<f64>,
}

thread_local! {
    static PAGE: std::cell::RefCell<PageBuffers> = Default::default();
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
        let models = models.into_iter().collect();
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
        let mut fate = Vec::new();
        let title = self.decide_into(site, lines, &mut fate);
        (fate, title)
    }

    /// [`Extractor::decide_with_title`], the fates written into `fate`
    /// (emptied first): the cleaner reuses one vector from page to page.
    pub(crate) fn decide_into(
        &self,
        site: &str,
        lines: &[ExtractLine],
        fate: &mut Vec<Option<ExtractCause>>,
    ) -> Option<usize> {
        fate.clear();
        fate.resize(lines.len(), None);
        // Taken out for the call, not borrowed: a call within it (none
        // today) would find empty buffers, not a borrowed cell.
        let mut s = PAGE.with(|c| std::mem::take(&mut *c.borrow_mut()));
        let title = self.decide_in(site, lines, &mut s, fate);
        PAGE.with(|c| *c.borrow_mut() = s);
        title
    }

    /// [`Extractor::decide_into`] with this thread's buffers.
    fn decide_in(
        &self,
        site: &str,
        lines: &[ExtractLine],
        s: &mut PageBuffers,
        fate: &mut [Option<ExtractCause>],
    ) -> Option<usize> {
        let o = &self.opts;
        let model = self.models.get(site);
        // Non-blank lines only, by index into `lines`.
        s.nb.clear();
        s.nb.extend((0..lines.len()).filter(|&i| !lines[i].key.is_empty()));
        let nb: &[usize] = &s.nb;
        // (A page too short has no lines outside a body: not worth hashing.)
        if nb.is_empty() || nb.len() < o.min_outside_lines {
            return None;
        }
        hashes_of(
            nb.iter().map(|&i| &lines[i]),
            o,
            &mut s.hashes,
            &mut s.places,
        );
        let places: &[Place] = &s.places;
        s.is_template.clear();
        s.is_template
            .extend((s.hashes.iter()).map(|h| model.is_some_and(|m| m.template.contains(h))));
        let is_template: &[bool] = &s.is_template;
        // A site with learned template shows it on its whole pages; an
        // article with a list at its end does not. Checked before the lines
        // are classified, as is a page too short to have lines outside a body.
        let template_lines = is_template.iter().filter(|&&t| t).count();
        let has_template = model.is_some_and(|m| !m.template.is_empty());
        if nb.len() < o.min_outside_lines || (has_template && template_lines < o.min_template_lines)
        {
            return None;
        }
        let classes = &mut s.classes;
        classes_of(nb.iter().map(|&i| &lines[i]), places, o, classes);
        settle_markers(classes, is_template, |k| is_dateline(&lines[nb[k]]));
        let classes: &[LineClass] = classes;

        // The title: a later line repeating (part of) the first one (keys
        // compare case- and layout-blind).
        let first: &[u8] = &lines[nb[0]].key;
        let repeats_first = |k: usize, pct: usize| {
            let t: &[u8] = &lines[nb[k]].key;
            lines[nb[k]].words >= 2
                && t.len() <= first.len()
                && t.len() * 100 >= first.len() * pct
                && facts::holds(first, t)
        };
        // A line the site repeats can still be this page's title (a sidebar
        // of popular posts lists it on other pages), if it is most of the
        // first line; a shorter one is the site's name.
        // A line of the page's own that repeats half of the first repeats
        // a third of it: when none repeats a third, only the site's lines
        // are left to try for half.
        let own_title = (1..nb.len()).find(|&k| !is_template[k] && repeats_first(k, TITLE_PCT));
        let title =
            own_title.or_else(|| (1..nb.len()).find(|&k| is_template[k] && repeats_first(k, 50)));

        items_into(classes, is_template, &mut s.items);
        let items: &[Item] = &s.items;
        let mut body = body_with(classes, is_template, items, o, &mut s.scores);
        // The author's bio closing the body ("Anna is a staff writer ...",
        // maybe with a "More by Anna" after it) is no part of the article.
        let (a, end) = (body.lines.start, body.lines.end);
        let bio = (end.saturating_sub(BIO_TAIL).max(a + 1)..end).find(|&k| is_bio(&lines[nb[k]]));
        if let Some(k) = bio {
            body.lines.end = k;
        }
        if nb.len() - body.lines.len() < o.min_outside_lines {
            return None;
        }
        // Short sentences right after the body end the article (moved
        // after the check above, so they never decide whether the page is
        // a whole page); not after a bio, which ends it already.
        if bio.is_none() && !body.lines.is_empty() {
            body.lines.end = edges::widen_end(
                classes,
                is_template,
                items,
                body.lines.end,
                body.stop,
                lines,
                nb,
            );
        }
        // The headline starts the article: a blurb of the site above it,
        // which outscores a short post, goes (after the check above, so it
        // never decides whether the page is a whole page).
        // When the title found stands above the body, a later repeat of the
        // first line inside it can be the headline (the title found is
        // then the site's name).
        // (No line of the page's own repeats a third of the first when
        // `own_title` found none: then no search.)
        let head = title.filter(|&t| t > body.lines.start).or_else(|| {
            own_title?;
            (body.lines.start + 1..body.lines.end)
                .find(|&k| !is_template[k] && repeats_first(k, TITLE_PCT))
        });
        if let Some(t) = head {
            body.lines.start = edges::title_start(classes, is_template, body.lines.clone(), t);
        }
        // Between a title shortly before the body and the body: standfirst,
        // byline, date. The site's template lines there (a photo credit's
        // label, a share bar) go anyway and need not count in the distance,
        // unless a section header or comment marker lies between: then
        // the lines between head something else (a list of recent stories).
        let between = |t: usize| t + 1..body.lines.start;
        let near = |t: usize| {
            body.lines.start - t <= o.title_gap
                || (between(t).filter(|&k| !is_template[k]).count() < o.title_gap
                    && !between(t).any(|k| classes[k].marker || classes[k].end))
        };
        // A line of tags closing the body, and boxes of links to other
        // stories inside it, are lists the segment took in, not the article.
        // Trimmed after the check above, so they never decide whether the
        // page is a whole page.
        while let Some(k) = body
            .lines
            .clone()
            .rev()
            .find(|&k| !is_template[k] && !classes[k].marker)
        {
            if k > body.lines.start && lists::is_tag_list(&lines[nb[k]]) {
                body.lines.end = k;
            } else {
                break;
            }
        }
        let inside: Vec<usize> = body
            .lines
            .clone()
            .filter(|&k| !is_template[k] && !classes[k].marker)
            .collect();
        let mut boxed = lists::link_boxes(&inside, nb, lines, classes);
        let lead = match title {
            Some(t) if t < body.lines.start && near(t) => t..body.lines.start,
            _ => 0..0,
        };
        // A marker in the lead goes, unless it is one by its comment count
        // only: then it is the article's byline line. (The body holds no
        // marker: the search restarts after each.)
        let marker_out = |k: usize| classes[k].marker && !classes[k].count_only;
        // Links to the neighbouring posts ("« Older post's title") at the
        // kept text's edges: titles read as prose, so the segment or the
        // lead takes them in.
        let kept: Vec<usize> = lead
            .clone()
            .filter(|&k| !is_template[k] && !marker_out(k))
            .chain(inside.iter().copied())
            .collect();
        boxed.extend(lists::post_links(&kept, nb, lines));
        let keep: Vec<bool> = (0..nb.len())
            .map(|k| {
                title == Some(k)
                    || ((body.lines.contains(&k) || lead.contains(&k))
                        && !is_template[k]
                        && !marker_out(k)
                        && !boxed.contains(&k))
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
            } else if classes[k].marker || k >= body.stop || items[k] == Item::Comment {
                Some(ExtractCause::Comments)
            } else {
                Some(ExtractCause::OutsideBody)
            };
        }
        title.map(|t| nb[t])
    }
}

#[cfg(test)]
mod tests;
