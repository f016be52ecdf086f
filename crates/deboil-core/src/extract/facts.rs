//! What the body finder computes of each line, remembered per thread by the
//! line's text: whole pages repeat their site's lines (and copies of a story
//! its paragraphs), and a line's template hash and class are functions of
//! its text (its key and words are of its text too).

use std::cell::RefCell;

use super::{ExtractLine, ExtractOptions, LineClass};
use crate::learn::memo::Memo;
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
/// line met before costs a look-up, not a copy and a hash of its key.
pub(super) fn hashes_of<'l, 'a: 'l>(
    lines: impl Iterator<Item = &'l ExtractLine<'a>>,
    o: &ExtractOptions,
) -> Vec<u64> {
    with_memo(o, |memo, scratch| {
        lines
            .map(|l| {
                let f = memo.get_or(l.text, |_| Facts {
                    hash: normalize::line_hash(&l.key, scratch),
                    class: None,
                });
                f.hash
            })
            .collect()
    })
}

/// [`LineClass::of`] each line, remembered by its text.
pub(super) fn classes_of<'l, 'a: 'l>(
    lines: impl Iterator<Item = &'l ExtractLine<'a>>,
    o: &ExtractOptions,
) -> Vec<LineClass> {
    with_memo(o, |memo, scratch| {
        lines
            .map(|l| {
                let f = memo.get_or_update(
                    l.text,
                    |f| f.class.is_some(),
                    |f| Facts {
                        hash: f.map_or_else(|| normalize::line_hash(&l.key, scratch), |f| f.hash),
                        class: Some(LineClass::of(l, o)),
                    },
                );
                f.class.expect("classified")
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for round in 0..2 {
            let hashes = hashes_of(lines.iter(), &o);
            let want: Vec<u64> = lines.iter().map(direct_hash).collect();
            assert_eq!(hashes, want, "round {round}");
            assert_eq!(hashes[2], hashes[3], "digits fold");
            let classes = classes_of(lines.iter(), &o);
            let want: Vec<LineClass> = lines.iter().map(|l| LineClass::of(l, &o)).collect();
            assert_eq!(classes, want, "round {round}");
        }
        // Other options: classes found again with them.
        let other = ExtractOptions {
            min_good_words: 1,
            ..ExtractOptions::default()
        };
        let classes = classes_of(lines.iter(), &other);
        let want: Vec<LineClass> = lines.iter().map(|l| LineClass::of(l, &other)).collect();
        assert_eq!(classes, want);
    }
}
