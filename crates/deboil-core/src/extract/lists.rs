//! Lists the body finder takes in with the article that are not the
//! article: a line of tags closing it, a box of links to other stories
//! between two of its paragraphs, and links to the neighbouring posts at
//! its edges. The first two are blocks of words without the sentences
//! around them; the maximum-sum segment takes them in because a long list
//! scores a share of its words and a short one is bridged. The last are
//! titles of other posts, which read as prose.

use super::{ExtractLine, Kind, LineClass, function_share};

/// A tag list holds this many words at least ...
const TAG_WORDS: usize = 6;
/// ... and this many commas.
const TAG_COMMAS: usize = 3;
/// Function words of a tag list: fewer than running prose has.
const TAG_FUNCTION: f64 = 0.25;

/// Whether `line` is a list of tags or topics ("Daily Economist,
/// Discrimination, earnings, Income Inequality, ..."): comma-separated
/// words without the function words of a sentence, no sentence's end, no
/// label ("Photography: ... // Venue: ..." is a credit line of the post).
pub(super) fn is_tag_list(line: &ExtractLine) -> bool {
    let t = line.text.trim_end();
    line.words >= TAG_WORDS
        && t.bytes().filter(|&b| b == b',').count() >= TAG_COMMAS
        && !t.contains(':')
        && !t.ends_with(['.', '!', '?'])
        && function_share(&line.key) < TAG_FUNCTION
}

/// Words of a linked headline in a box.
const LINK_WORDS: std::ops::RangeInclusive<usize> = 5..=15;
/// Headlines in a box, at least.
const BOX_LINES: usize = 3;

/// Whether a line reads as a linked headline of another story: a
/// capitalised start, 5-15 words, no sentence's end, no label, handle or
/// bullet (those make list items of the article: "Cooked meat: 2-3
/// months", a tweet, "• Inline privacy controls").
fn is_link(line: &ExtractLine) -> bool {
    let t = line.text.trim();
    LINK_WORDS.contains(&line.words)
        && t.chars().next().is_some_and(char::is_uppercase)
        && !t.ends_with(['.', '!', '?', ':', ';', '"', '”', '’', ')', '…', ']', '\''])
        && !t.contains([':', '@', '•'])
}

/// Words of a paragraph around a box, at least: a box interrupts full
/// paragraphs, while the steps of a list whose numbers the page lost
/// ("Install the tone to your phone") sit among short items.
const PARAGRAPH_WORDS: u16 = 20;

/// A paragraph around a box: prose that does not introduce a list.
fn is_paragraph(class: &LineClass) -> bool {
    class.kind == Kind::Prose && !class.colon && class.words >= PARAGRAPH_WORDS
}

/// The lines of boxes of links to other stories inside the body: a run of
/// [`BOX_LINES`]+ linked headlines right between two paragraphs (`ks`: the
/// body's lines that it keeps, in order, as indices of non-blank lines;
/// `nb` maps them into `lines`). A list the article introduces ends its
/// sentence with a colon.
pub(super) fn link_boxes(
    ks: &[usize],
    nb: &[usize],
    lines: &[ExtractLine],
    classes: &[LineClass],
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < ks.len() {
        let mut j = i;
        while j < ks.len() && is_link(&lines[nb[ks[j]]]) {
            j += 1;
        }
        if j - i >= BOX_LINES
            && j < ks.len()
            && is_paragraph(&classes[ks[i - 1]])
            && is_paragraph(&classes[ks[j]])
        {
            out.extend_from_slice(&ks[i..j]);
        }
        i = j.max(i + 1);
    }
    out
}

/// Words of a link to a neighbouring post, at least and at most.
const POST_LINK_WORDS: std::ops::RangeInclusive<usize> = 2..=20;

/// Whether a line is a link to the previous or the next post ("« Older
/// post's title", "Newer post's title »", maybe with a "|" beside the
/// arrow): an arrow on one side only (guillemets on both sides quote, as
/// French and German text use them).
fn is_post_link(line: &ExtractLine) -> bool {
    let t = line
        .text
        .trim()
        .trim_matches(|c: char| c == '|' || c.is_whitespace());
    let left = t.starts_with(['«', '‹', '←']);
    let right = t.ends_with(['»', '›', '→']);
    let inner = t.trim_matches(|c: char| "«‹←»›→".contains(c)).trim_end();
    POST_LINK_WORDS.contains(&line.words)
        && left != right
        && !(left && t.contains(['»', '›']))
        && !(right && t.contains(['«', '‹']))
        && !inner.ends_with(['.', ',', ';', ':'])
}

/// How far from the kept text's start or end a link to a neighbouring
/// post stands, at most (in kept lines).
const POST_LINK_EDGE: usize = 3;

/// The links to the neighbouring posts ([`is_post_link`]) among the first
/// or last few of the kept lines `ks` (the lead and the body, in order, as
/// indices of non-blank lines; `nb` maps them into `lines`). Inside the
/// text a line opening a guillemet is a quote running on.
pub(super) fn post_links(ks: &[usize], nb: &[usize], lines: &[ExtractLine]) -> Vec<usize> {
    let n = ks.len();
    (0..n)
        .filter(|&i| i < POST_LINK_EDGE || i + POST_LINK_EDGE >= n)
        .map(|i| ks[i])
        .filter(|&k| is_post_link(&lines[nb[k]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{ExtractCause, ExtractLine, Extractor};

    const NAV: &str = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
    /// A paragraph of 27 words.
    const PARA: &str = "The council met on Monday and decided that the old bridge will be rebuilt in the spring. It will cost the town more than it had hoped.";
    const BOX: [&str; 3] = [
        "Flurry launches AppCloud with help from mobile startup Trestle",
        "Mobile subscriptions poised to outnumber the world's population",
        "Android Romeo proposes with adorkable custom wallpaper",
    ];

    fn fates(text: &str) -> Vec<(String, Option<ExtractCause>)> {
        let l: Vec<ExtractLine> = text.lines().map(ExtractLine::new).collect();
        let fate = Extractor::default().decide("s", &l);
        l.iter()
            .zip(fate)
            .map(|(l, f)| (l.text.to_string(), f))
            .collect()
    }

    fn fate_of(f: &[(String, Option<ExtractCause>)], text: &str) -> Option<ExtractCause> {
        f.iter().find(|(t, _)| t == text).unwrap().1
    }

    #[test]
    fn a_line_of_tags_closing_the_body_goes() {
        let tags = "Daily Economist, Discrimination, earnings, Hanna, Income Inequality, Nancy Folbre, salaries, wage gap";
        let text = format!("{NAV}{PARA}\n{PARA} Two.\n{PARA} Three.\n{tags}\nPopular\nArchive\n");
        let f = fates(&text);
        assert_eq!(fate_of(&f, tags), Some(ExtractCause::OutsideBody));
        assert_eq!(fate_of(&f, &format!("{PARA} Three.")), None);
        // A sentence that lists names ends as a sentence does: it stays.
        let names = "Other finalists include Eurogeddon, Super PAC, Superstorm, Frankenstorm and Fiscal Cliff.";
        let f = fates(&format!(
            "{NAV}{PARA}\n{PARA} Two.\n{PARA} Three.\n{names}\nPopular\nArchive\n"
        ));
        assert_eq!(fate_of(&f, names), None);
    }

    #[test]
    fn a_box_of_links_between_paragraphs_goes() {
        let [a, b, c] = BOX;
        let text = format!(
            "{NAV}{PARA}\n{PARA} Two.\n{a}\n{b}\n{c}\n{PARA} Three.\n{PARA} Four.\nPopular\nArchive\n"
        );
        let f = fates(&text);
        for line in BOX {
            assert_eq!(fate_of(&f, line), Some(ExtractCause::OutsideBody), "{line}");
        }
        assert_eq!(fate_of(&f, &format!("{PARA} Two.")), None);
        assert_eq!(fate_of(&f, &format!("{PARA} Four.")), None);
    }

    #[test]
    fn a_list_the_article_introduces_or_short_items_surround_stays() {
        let [a, b, c] = BOX;
        // Introduced by a sentence ending in a colon.
        let intro = "These are the stories that the readers of the town's paper liked best this week, in order:";
        let text = format!(
            "{NAV}{PARA}\n{intro}\n{a}\n{b}\n{c}\n{PARA} Three.\n{PARA} Four.\nPopular\nArchive\n"
        );
        let f = fates(&text);
        for line in BOX {
            assert_eq!(fate_of(&f, line), None, "{line}");
        }
        // Steps among short items (their numbers lost): no paragraphs around.
        let before = "Unzip the tone and copy the file to the phone's folder of tones.";
        let text = format!(
            "{NAV}{PARA}\n{PARA} Two.\n{before}\n{a}\n{b}\n{c}\n{PARA} Three.\n{PARA} Four.\nPopular\nArchive\n"
        );
        let f = fates(&text);
        for line in BOX {
            assert_eq!(fate_of(&f, line), None, "{line}");
        }
    }

    #[test]
    fn links_to_the_neighbouring_posts_go() {
        // Post titles long enough, and with enough function words, to
        // score as prose: the segment takes them in with the article.
        let older = "« The council has met on Monday and the old bridge is to be rebuilt |";
        let newer = "| The mayor says that the town will have a new park in the spring »";
        let text = format!(
            "{NAV}{older}\n{newer}\n{PARA}\n{PARA} Two.\n{PARA} Three.\nPopular\nArchive\n"
        );
        let f = fates(&text);
        assert_eq!(fate_of(&f, older), Some(ExtractCause::OutsideBody));
        assert_eq!(fate_of(&f, newer), Some(ExtractCause::OutsideBody));
        assert_eq!(fate_of(&f, PARA), None);
        let text = format!(
            "{NAV}{PARA}\n{PARA} Two.\n{PARA} Three.\n{older}\n{newer}\n{PARA} Four.\nPopular\nArchive\n"
        );
        let f = fates(&text);
        assert_eq!(fate_of(&f, older), Some(ExtractCause::OutsideBody));
        assert_eq!(fate_of(&f, newer), Some(ExtractCause::OutsideBody));
        assert_eq!(fate_of(&f, &format!("{PARA} Four.")), None);
    }

    #[test]
    fn quotes_in_guillemets_stay() {
        // Quoted on both sides, a sentence's end before the arrow, or a
        // quote opening inside the text: no links to other posts.
        let both = "« Le conseil a décidé que le vieux pont sera reconstruit au printemps »";
        let open = "« Le conseil a décidé que le vieux pont sera reconstruit au printemps.";
        let inner = "« Le conseil a décidé que le vieux pont sera reconstruit au printemps";
        let text = format!(
            "{NAV}{both}\n{open}\n{PARA}\n{PARA} Two.\n{PARA} Three.\n{inner}\n{PARA} Four.\n{PARA} Five.\n{PARA} Six.\nPopular\nArchive\n"
        );
        let f = fates(&text);
        for line in [both, open, inner] {
            assert_eq!(fate_of(&f, line), None, "{line}");
        }
    }
}
