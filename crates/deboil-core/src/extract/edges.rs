//! The body's last line. A short sentence ("He was arrested last week.")
//! scores nothing, so the maximum-sum segment never takes it in at its
//! end (a tie leaves the segment as short as it is): an article whose last
//! line is such a sentence was cut short by it. The sentences right after
//! the body belong to it, as they do between its paragraphs.
//!
//! Only at the end: before the body such lines are bylines, datelines and
//! standfirsts, which annotators keep or drop by site (round 5 of
//! bench/results/body.md).

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
