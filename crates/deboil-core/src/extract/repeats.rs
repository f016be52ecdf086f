//! Lines the body holds twice: a pull quote that repeats a sentence of a
//! paragraph near it ("Several storm-ravaged areas … are reporting heavy
//! turnout." under a box of links, the same words inside the paragraph
//! above), and the page's first line (its HTML title, the headline with the
//! site's name) kept along with the headline. Exact repeats are dropped
//! already; these repeat another kept line's words as a part of it. A pull
//! quote is a sentence (a capital first, a sentence's end last) of a longer
//! paragraph (two thirds of its words at most) and stands within a screen
//! of it: a manual's option line repeated in a description further on, a
//! header named in the text, a paragraph printed again with a line more,
//! is none.

use super::ExtractLine;

/// A repeat holds this many words at least: shorter lines (a name, a
/// label) recur inside sentences by chance.
const REPEAT_WORDS: usize = 8;

/// A pull quote stands at most this many lines from its paragraph.
const REPEAT_GAP: usize = 20;

/// Whether `text` reads as a sentence: a capital first (after opening
/// quotes), a sentence's end last (before closing quotes).
fn is_sentence(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c.is_whitespace() || "\"'“”‘’".contains(c));
    t.chars().next().is_some_and(char::is_uppercase) && t.ends_with(['.', '!', '?'])
}

/// Hashes of the words of a key: runs of letters and digits (every
/// non-ASCII byte counts as a letter), punctuation aside, so that "turnout."
/// and "turnout" are one word.
fn word_hashes(key: &[u8], out: &mut Vec<u64>) {
    out.clear();
    let mut h = 0u64;
    let mut in_word = false;
    for &b in key {
        if b.is_ascii_alphanumeric() || b >= 0x80 {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
            in_word = true;
        } else if in_word {
            out.push(h);
            (h, in_word) = (0, false);
        }
    }
    if in_word {
        out.push(h);
    }
}

/// Words a repeat's first words are looked up by.
const LEAD: usize = 4;

/// The hash of `LEAD` word hashes in a row.
fn lead_hash(w: &[u64]) -> u64 {
    w[..LEAD].iter().fold(0xCBF2_9CE4_8422_2325, |h, &x| {
        (h ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
    })
}

/// Which of the kept lines (`kept`: indices of non-blank lines, mapped by
/// `nb` into `lines`) repeat inside another kept line: a sentence repeated
/// in a paragraph near it, and the page's first line when the title
/// (`title`) repeats in it. Returns indices of non-blank lines, sorted.
pub(super) fn repeats(
    kept: &[usize],
    nb: &[usize],
    lines: &[ExtractLine],
    title: Option<usize>,
) -> Vec<usize> {
    let long: Vec<usize> = kept
        .iter()
        .copied()
        .filter(|&k| lines[nb[k]].words >= REPEAT_WORDS)
        .collect();
    if long.len() < 2 {
        return Vec::new();
    }
    let words: Vec<Vec<u64>> = long
        .iter()
        .map(|&k| {
            let mut w = Vec::new();
            word_hashes(&lines[nb[k]].key, &mut w);
            w
        })
        .collect();
    // Whether the words of `long[i]` stand in a row in `long[j]`'s.
    let within = |i: usize, j: usize| {
        let (n, h) = (&words[i], &words[j]);
        h.len() > n.len() && h.windows(n.len()).any(|w| w == n.as_slice())
    };
    let mut out = Vec::new();
    // The headline kept twice: the first line holds the site's name too.
    if let Some(t) = (1..long.len()).find(|&i| title == Some(long[i]))
        && long[0] == 0
        && within(t, 0)
    {
        out.push(0);
    }
    // Pull quotes: sentences, looked up by their first words in the
    // paragraphs (lines half as long again) near them.
    let mut quotes: Vec<(u64, usize)> = (0..long.len())
        .filter(|&i| {
            title != Some(long[i]) && words[i].len() >= LEAD && is_sentence(lines[nb[long[i]]].text)
        })
        .map(|i| (lead_hash(&words[i]), i))
        .collect();
    if quotes.is_empty() {
        return out;
    }
    quotes.sort_unstable();
    let mut found = vec![false; long.len()];
    for j in 0..long.len() {
        let h = &words[j];
        for s in 0..(h.len() + 1).saturating_sub(LEAD) {
            let key = lead_hash(&h[s..]);
            let at = quotes.partition_point(|&(q, _)| q < key);
            for &(_, i) in quotes[at..].iter().take_while(|&&(q, _)| q == key) {
                let n = &words[i];
                if !found[i]
                    && i != j
                    && long[i].abs_diff(long[j]) <= REPEAT_GAP
                    && lines[nb[long[i]]].words * 3 <= lines[nb[long[j]]].words * 2
                    && h[s..].starts_with(n)
                {
                    found[i] = true;
                }
            }
        }
    }
    out.extend((0..long.len()).filter(|&i| found[i]).map(|i| long[i]));
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::super::{ExtractCause, ExtractLine, Extractor};

    const NAV: &str = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
    const PARA: &str = "The council met on Monday and decided that the old bridge will be rebuilt in the spring. It will cost the town more than it had hoped.";
    const TWO: &str = "Work on the new bridge is to start in March, and the road along the river will be closed for most of the summer while it lasts.";
    const THREE: &str = "The mayor said that the town had waited long enough and that the people who cross the river every day deserved a safe bridge.";

    fn fates(text: &str) -> Vec<(String, Option<ExtractCause>)> {
        let l: Vec<ExtractLine> = text.lines().map(ExtractLine::new).collect();
        let fate = Extractor::default().decide("s", &l);
        l.iter()
            .zip(fate)
            .map(|(l, f)| (l.text.to_string(), f))
            .collect()
    }

    #[test]
    fn a_pull_quote_repeating_a_paragraphs_sentence_goes() {
        let quote = "The council met on Monday and decided that the old bridge will be rebuilt in the spring.";
        let text = format!("{NAV}{PARA}\n{TWO}\n{quote}\n{THREE}\nPopular\nArchive\n");
        let f = fates(&text);
        let fate = |t: &str| f.iter().find(|(l, _)| l == t).unwrap().1;
        assert_eq!(fate(quote), Some(ExtractCause::Duplicate));
        for t in [PARA, TWO, THREE] {
            assert_eq!(fate(t), None, "{t}");
        }
    }

    #[test]
    fn a_repeat_that_is_no_sentence_or_far_from_its_paragraph_stays() {
        // An option's description, repeated in lower case without a full stop.
        let item = "implicit entries matching the shell pattern are not listed";
        let para = "With this option implicit entries matching the shell pattern are not listed, and the listing stays short.";
        let text = format!("{NAV}{PARA}\n{para}\n{item}\n{THREE}\nPopular\nArchive\n");
        let f = fates(&text);
        assert_eq!(f.iter().find(|(l, _)| l == item).unwrap().1, None);
        // A sentence repeated 21 lines away.
        let quote = "The council met on Monday and decided that the old bridge will be rebuilt in the spring.";
        let far = (0..20).map(|_| format!("{TWO}\n")).collect::<String>();
        let text = format!("{NAV}{PARA}\n{far}{quote}\n{THREE}\nPopular\nArchive\n");
        let f = fates(&text);
        assert_eq!(f.iter().find(|(l, _)| l == quote).unwrap().1, None);
    }

    #[test]
    fn a_sentence_of_its_own_stays() {
        // Shares words with a paragraph, but is no part of one.
        let own = "The council met on Monday and decided that the bridge can wait another year.";
        let text = format!("{NAV}{PARA}\n{TWO}\n{own}\n{THREE}\nPopular\nArchive\n");
        let f = fates(&text);
        assert_eq!(f.iter().find(|(l, _)| l == own).unwrap().1, None);
    }
}
