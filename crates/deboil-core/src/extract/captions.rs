//! Picture captions the body finder takes in with the article: a line that
//! describes a photo and ends with its credit ("… in Charlestown, RI. Photo
//! courtesy of Erin Diaz", "… earlier this year. Photo: Ariel
//! Zambelich/Wired", "… poses in his Bane costume. (@JoshScobee10/Twitter)")
//! or a lone agency credit in parentheses ("(AFP - Getty Images)"). A
//! caption reads as a sentence, so it scores as prose and the segment keeps
//! it; the credit at its end says it belongs to a picture. A lone "Photo
//! credit: Name" line is left alone: what follows the label is no sentence,
//! and annotators keep such lines on some sites.

use std::sync::OnceLock;

use regex::Regex;

/// A credit closing a line: "Photo: …", "Image courtesy of …", "Photo by
/// …" after a sentence's end (no sentence end inside), or an agency or
/// network in parentheses, alone or after a slash ("(Paul
/// Spinelli/Associated Press)", "(@name/Twitter)"). Its length is checked
/// apart ([`CREDIT_CHARS`]): a bounded repeat of a Unicode class costs more
/// to build than the whole search.
fn credit() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?i)(?:[.!?]['"”’)]?\s+(?:photo|image|picture|photograph|illustration)s?(?:\s*:|\s+(?:courtesy(?:\s+of)?|by|credit)\s*:?)\s*[^\s.!?][^.!?]*\.?|\((?:[^()]*[/\s-])?(?:twitter|instagram|getty images|associated press|reuters|afp|ap|presswire|shutterstock)\))\s*$"#,
        )
        .expect("valid regex")
    })
}

/// A credit is short: a name, an agency, with its label.
const CREDIT_CHARS: usize = 90;

/// Whether `text` is a picture's caption with its credit, or a credit alone.
pub(super) fn is_caption(text: &str) -> bool {
    // Every match ends in ")" or holds one of the labels within its last
    // `CREDIT_CHARS` characters: a cheap test first, since it runs on every
    // line of the body, and paragraphs are long.
    let t = text.trim_end();
    let tail = t
        .char_indices()
        .rev()
        .nth(CREDIT_CHARS)
        .map_or(t, |(i, _)| &t[i..]);
    (t.ends_with(')') || labels().is_match(tail))
        && credit()
            .find(t)
            .is_some_and(|m| m.as_str().chars().count() <= CREDIT_CHARS)
}

/// The words of [`credit`]'s labels, ASCII case aside.
fn labels() -> &'static aho_corasick::AhoCorasick {
    static WORDS: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    WORDS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["photo", "image", "picture", "illustration"])
            .expect("valid needles")
    })
}

/// Builds the matchers now (see [`super::warm_up`]).
pub(super) fn warm_up() {
    let _ = (credit(), labels());
}

#[cfg(test)]
mod tests {
    use super::is_caption;

    #[test]
    fn captions_end_with_a_credit() {
        for t in [
            "A beach home destroyed by Hurricane Sandy in Charlestown Breachway, RI. Photo courtesy of Erin Diaz",
            "The HTC One X was the subject of a brief sales ban earlier this year. Photo: Ariel Zambelich/Wired",
            "The drought is expected to last through October. Image: National Weather Service",
            "Jacksonville Jaguars kicker Josh Scobee poses in his Bane costume. (@JoshScobee10/Twitter)",
            "Is this the week owners can trust in him? (Paul Spinelli/Associated Press)",
            "(AFP - Getty Images)",
            "(NASA via Reuters)",
        ] {
            assert!(is_caption(t), "{t}");
        }
    }

    #[test]
    fn sentences_and_credit_labels_are_no_captions() {
        for t in [
            // A lone label: annotators keep it on some sites.
            "Photo Credit: Shutterstock.com",
            "Image: NASA",
            // Prose that names a picture or ends in parentheses.
            "He took the picture in 1983. Pictures of the launch were shown later.",
            "The photo shows the bridge before it was rebuilt (see the map)",
            "The hotel lies near the old town. Schloßallee, 01468 Moritzburg, Germany (map)",
            "The company said its results would improve. Photographers were not allowed in.",
        ] {
            assert!(!is_caption(t), "{t}");
        }
    }
}
