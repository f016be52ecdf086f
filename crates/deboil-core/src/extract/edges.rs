//! The body's last line. A short sentence ("He was arrested last week.")
//! scores nothing, so the maximum-sum segment never takes it in at its
//! end (a tie leaves the segment as short as it is): an article whose last
//! line is such a sentence was cut short by it. The sentences right after
//! the body belong to it, as they do between its paragraphs.
//!
//! Only at the end: before the body such lines are bylines, datelines and
//! standfirsts, which annotators keep or drop by site (round 5 of
//! bench/results/body.md).
//!
//! The body's first line. The headline starts the article: a short post's
//! paragraph can score less than a blurb of the site printed above its
//! headline ("Check out my new book ..."), and the segment bridges the few
//! short lines between (a menu, the date). When the title stands inside
//! the body with little prose before it, the body starts there.

use super::{ExtractLine, Item, Kind, LineClass};

/// First words of a picture's credit ("Photo courtesy of the team.",
/// "Image: NASA"): a caption, not a sentence of the article.
const CREDIT_WORDS: [&str; 8] = [
    "photo",
    "photos",
    "image",
    "images",
    "picture",
    "pictures",
    "illustration",
    "video",
];

/// Whether a line that scores as a short sentence reads as one of the
/// article's: its first letter a capital (not the tail of a line broken in
/// two, not "872 commentsJoin the discussion") and no picture's credit.
fn reads_as_sentence(line: &ExtractLine) -> bool {
    let t = line.text;
    let capital = t
        .chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_uppercase);
    let first = t
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    capital && !CREDIT_WORDS.contains(&first.as_str()) && !t.to_lowercase().contains("courtesy")
}

/// The end of the body (`end`, exclusive, in non-blank lines) moved over
/// the short sentences right after it: lines that read as sentences
/// ([`reads_as_sentence`]), not the site's template, no comment marker or
/// section header, no part of an item list (a teaser's blurb, a comment),
/// before `stop` (the comment marker that ended the search). `nb` maps
/// non-blank lines into `lines`.
pub(super) fn widen_end(
    classes: &[LineClass],
    template: &[bool],
    items: &[Item],
    end: usize,
    stop: usize,
    lines: &[ExtractLine],
    nb: &[usize],
) -> usize {
    let sentence = |k: usize| {
        classes[k].kind == Kind::Sentence
            && !template[k]
            && !classes[k].marker
            && !classes[k].end
            && items[k] == Item::None
            && reads_as_sentence(&lines[nb[k]])
    };
    let mut b = end;
    while b < stop.min(classes.len()) && sentence(b) {
        b += 1;
    }
    b
}

/// Prose lines the body may hold before the title it starts at: more is the
/// article running before a box whose headline repeats the title's words.
const HEAD_PROSE: usize = 2;

/// Share of the words before the title that the body must hold after it.
const HEAD_SHARE: usize = 2;

/// The start of the body (`body`, in non-blank lines) moved to the title
/// `t` when `t` lies inside it, the site's template aside, with at most
/// [`HEAD_PROSE`] prose lines before it and at least 1/[`HEAD_SHARE`] of
/// the words before it after it (a headline closing the body, the title of
/// a picture's caption, starts nothing).
pub(super) fn title_start(
    classes: &[LineClass],
    template: &[bool],
    body: std::ops::Range<usize>,
    t: usize,
) -> usize {
    if t <= body.start || t >= body.end || template[t] {
        return body.start;
    }
    let own = |k: &usize| !template[*k] && !classes[*k].marker;
    let prose = (body.start..t)
        .filter(|k| own(k) && classes[*k].kind == Kind::Prose)
        .count();
    let words = |r: std::ops::Range<usize>| -> usize {
        r.filter(own).map(|k| usize::from(classes[k].words)).sum()
    };
    if prose <= HEAD_PROSE && HEAD_SHARE * words(t + 1..body.end) >= words(body.start..t) {
        t
    } else {
        body.start
    }
}
