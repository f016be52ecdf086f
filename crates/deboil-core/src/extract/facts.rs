//! What the body finder computes of each line, remembered per thread by the
//! line's text: whole pages repeat their site's lines (and copies of a story
//! its paragraphs), and a line's template hash and class are functions of
//! its text (its key and words are of its text too).

use std::cell::RefCell;

use super::{ExtractLine, ExtractOptions, LineClass};
use crate::learn::memo::{Memo, Place};
use crate::normalize;

/// A line's [`normalize::line_hash`], and its class once a page needed it
/// (pages that end before classifying leave it out).
#[derive(Debug, Clone, Copy)]
struct Facts {
    hash: u64,
    class: Option<LineClass>,
}

/// A thread's memo, the options its classes were found with, and a
/// scratch buffer for hashing.
type Memos = (ExtractOptions, Memo<Facts>, Vec<u8>);

thread_local! {
    static FACTS: RefCell<Memos> =
        RefCell::new((ExtractOptions::default(), Memo::new(), Vec::new()));
}

/// Runs `f` on this thread's memo, emptied first if it holds classes found
/// with options other than `o`.
fn with_memo<T>(o: &ExtractOptions, f: impl FnOnce(&mut Memo<Facts>, &mut Vec<u8>) -> T) -> T {
    FACTS.with(|c| {
        let (opts, memo, scratch) = &mut *c.borrow_mut();
        if opts != o {
            *opts = o.clone();
            memo.clear();
        }
        f(memo, scratch)
    })
}

/// [`normalize::line_hash`] of each line's key, remembered by its text: a
/// line met before costs a look-up, not a copy and a hash of its key. With
/// each line's place in the memo, for [`classes_of`] the same lines: a
/// hash of a line's text is most of a look-up's cost. Both are written to
/// the caller's buffers (cleared first), which it reuses from page to page.
pub(super) fn hashes_of<'l, 'a: 'l>(
    lines: impl Iterator<Item = &'l ExtractLine<'a>> + Clone,
    o: &ExtractOptions,
    hashes: &mut Vec<u64>,
    places: &mut Vec<Place>,
) {
    hashes.clear();
    places.clear();
    with_memo(o, |memo, scratch| {
        // All places first, each slot fetched as it is found: the look-ups
        // below then overlap their misses instead of taking them in turn.
        places.extend(lines.clone().map(|l| {
            let at = memo.place(l.text);
            memo.prefetch(at);
            at
        }));
        for (l, &at) in lines.zip(places.iter()) {
            let f = memo.get_or_at(at, || Facts {
                hash: normalize::line_hash(&l.key, scratch),
                class: None,
            });
            hashes.push(f.hash);
        }
    })
}

/// [`LineClass::of`] each line, remembered by its text, written into
/// `classes` (emptied first); `places` are the lines' places that
/// [`hashes_of`] gave, with the same options.
pub(super) fn classes_of<'l, 'a: 'l>(
    lines: impl Iterator<Item = &'l ExtractLine<'a>>,
    places: &[Place],
    o: &ExtractOptions,
    classes: &mut Vec<LineClass>,
) {
    classes.clear();
    with_memo(o, |memo, scratch| {
        classes.extend(lines.zip(places).map(|(l, &at)| {
            // The slot may hold another line by now: the tag tells.
            let f = memo.get_or_update_at(
                at,
                |f| f.class.is_some(),
                |f| Facts {
                    hash: f.map_or_else(|| normalize::line_hash(&l.key, scratch), |f| f.hash),
                    class: Some(LineClass::of(l, o)),
                },
            );
            f.class.expect("classified")
        }))
    })
}

/// Whether `needle` (not empty) occurs in `hay`: `hay.windows(n).any(|w|
/// w == needle)`, comparing only where the needle's first byte is. The
/// title search tries each of a page's lines against its first: a
/// comparison at every offset was a tenth of what `--learn` adds to `clean`.
pub(super) fn holds(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&b, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    memchr::memchr_iter(b, &hay[..=last]).any(|i| &hay[i + 1..i + needle.len()] == rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_at_least_is_the_share_compared() {
        use super::super::words::{function_share, function_share_at_least};
        let words: Vec<&str> = "the|of|and|a|Council|bridge|--|...|für|для|x|it's|(the|the.| |2024"
            .split('|')
            .collect();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        };
        let mins = [0.0, 0.1, 0.25, 1.0 / 3.0, 0.5, 0.75, 1.0, -1.0, f64::NAN];
        for _ in 0..3000 {
            let n = next(40);
            let text: Vec<&str> = (0..n).map(|_| words[next(words.len())]).collect();
            let key = ExtractLine::new(&text.join(" ")).key.into_owned();
            for k in [key.as_slice(), text.join("  ").as_bytes()] {
                for min in mins {
                    assert_eq!(
                        function_share_at_least(k, min),
                        function_share(k) >= min,
                        "{:?} {min}",
                        String::from_utf8_lossy(k)
                    );
                }
            }
        }
    }

    #[test]
    fn facts_fill_half_a_memo_slot() {
        // With the tag, 32 bytes: one cache line a look-up.
        assert_eq!(std::mem::size_of::<Option<Facts>>(), 16);
    }

    #[test]
    fn holds_is_a_window_search() {
        let hay = b"the cat sat on the mat, the end";
        let naive = |h: &[u8], n: &[u8]| h.windows(n.len()).any(|w| w == n);
        for a in 0..hay.len() {
            for b in a + 1..=hay.len() {
                assert_eq!(holds(hay, &hay[a..b]), naive(hay, &hay[a..b]));
            }
        }
        for n in [
            &b"the mad"[..],
            b"end!",
            b"xthe",
            b"t",
            b"the cat sat on the mat, the end.",
        ] {
            assert_eq!(holds(hay, n), naive(hay, n), "{n:?}");
        }
        assert!(!holds(b"", b"a"));
    }

    #[test]
    fn remembered_hashes_and_classes_are_the_computed_ones() {
        let o = ExtractOptions::default();
        let texts = [
            "Share this story on Facebook",
            "The council met on Tuesday and agreed that the new road would be built next year.",
            "Nr. 2231",
            "Nr. 2232",
            "Share this story on Facebook",
        ];
        let lines: Vec<ExtractLine> = texts.iter().map(|t| ExtractLine::new(t)).collect();
        let direct_hash = |l: &ExtractLine| normalize::line_hash(&l.key, &mut Vec::new());
        // Hashes first (classes not yet found), then classes, then both again.
        let (mut hashes, mut places) = (Vec::new(), Vec::new());
        for round in 0..2 {
            hashes_of(lines.iter(), &o, &mut hashes, &mut places);
            let want: Vec<u64> = lines.iter().map(direct_hash).collect();
            assert_eq!(hashes, want, "round {round}");
            assert_eq!(hashes[2], hashes[3], "digits fold");
            let mut classes = Vec::new();
            classes_of(lines.iter(), &places, &o, &mut classes);
            let want: Vec<LineClass> = lines.iter().map(|l| LineClass::of(l, &o)).collect();
            assert_eq!(classes, want, "round {round}");
        }
        // Other options: classes found again with them.
        let other = ExtractOptions {
            min_good_words: 1,
            ..ExtractOptions::default()
        };
        hashes_of(lines.iter(), &other, &mut hashes, &mut places);
        let mut classes = Vec::new();
        classes_of(lines.iter(), &places, &other, &mut classes);
        let want: Vec<LineClass> = lines.iter().map(|l| LineClass::of(l, &other)).collect();
        assert_eq!(classes, want);
    }
}
