//! The phrase automaton: the `aho-corasick` crate's DFA (every transition
//! in one table over byte classes), stepped byte by byte through its
//! low-level `Automaton` trait. Past a size the matcher uses the crate's
//! searcher instead (see [`Dense::build`]).
//!
//! Its matches are those of `aho_corasick` with `MatchKind::Standard`,
//! overlapping: every occurrence of every pattern (a property test checks
//! it). The crate's overlapping iterator costs about eleven instructions a
//! byte on our keys, this loop (four steps, then one test for a special
//! state) about five, and a line needs no iterator set up.

use aho_corasick::automaton::Automaton;
use aho_corasick::automaton::StateID;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// The most table entries (states times byte classes) built: 16 MiB.
const MAX_ENTRIES: usize = 4 << 20;

#[derive(Debug)]
pub(super) struct Dense {
    dfa: DFA,
    start: StateID,
}

impl Dense {
    /// The automaton of `patterns`, or `None` when its table would pass
    /// [`MAX_ENTRIES`] or a pattern is empty.
    pub fn build<P: AsRef<[u8]>>(patterns: &[P]) -> Option<Dense> {
        let mut seen = [false; 256];
        let mut bytes = 0;
        for p in patterns {
            let p = p.as_ref();
            if p.is_empty() {
                return None;
            }
            bytes += p.len();
            for &b in p {
                seen[b as usize] = true;
            }
        }
        let stride = 1 + seen.iter().filter(|&&s| s).count();
        if (bytes + 1).saturating_mul(stride) > MAX_ENTRIES {
            return None;
        }
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .byte_classes(true)
            .prefilter(false)
            .build(patterns)
            .ok()?;
        let start = dfa.start_state(Anchored::No).ok()?;
        Some(Dense { dfa, start })
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every pattern
    /// in `text`, by end, then in no set order.
    #[inline]
    pub fn for_each(&self, text: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let dfa = &self.dfa;
        let next = |s: StateID, b: u8| dfa.next_state(Anchored::No, s, b);
        let mut s = self.start;
        // Four bytes a step, one test for a match among them: most steps
        // find none.
        let mut chunks = text.chunks_exact(4);
        let mut at = 0;
        for c in &mut chunks {
            let s1 = next(s, c[0]);
            let s2 = next(s1, c[1]);
            let s3 = next(s2, c[2]);
            let s4 = next(s3, c[3]);
            if dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) | dfa.is_special(s4) {
                for (k, sk) in [s1, s2, s3, s4].into_iter().enumerate() {
                    if dfa.is_match(sk) {
                        self.report(sk, at + k + 1, &mut f);
                    }
                }
            }
            s = s4;
            at += 4;
        }
        for (k, &b) in chunks.remainder().iter().enumerate() {
            s = next(s, b);
            if dfa.is_match(s) {
                self.report(s, at + k + 1, &mut f);
            }
        }
    }

    #[cold]
    fn report(&self, s: StateID, end: usize, f: &mut impl FnMut(usize, usize, usize)) {
        for i in 0..self.dfa.match_len(s) {
            let p = self.dfa.match_pattern(s, i);
            f(p.as_usize(), end - self.dfa.pattern_len(p), end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};

    fn ours(pats: &[String], text: &str) -> Vec<(usize, usize, usize)> {
        let d = Dense::build(pats).unwrap();
        let mut v = Vec::new();
        d.for_each(text.as_bytes(), |p, s, e| v.push((p, s, e)));
        v.sort_unstable();
        v
    }

    fn theirs(pats: &[String], text: &str) -> Vec<(usize, usize, usize)> {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(pats)
            .unwrap();
        let mut v: Vec<_> = ac
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        v.sort_unstable();
        v
    }

    proptest::proptest! {
        #[test]
        fn finds_what_aho_corasick_finds(
            pats in proptest::collection::vec("[abé ]{1,5}", 1..12),
            text in "[abcé ]{0,40}",
        ) {
            proptest::prop_assert_eq!(ours(&pats, &text), theirs(&pats, &text));
        }
    }

    #[test]
    fn nested_and_repeated_patterns() {
        let pats: Vec<String> = ["a", "aa", "aaa", "ba", "a", "xyz"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for text in ["aaaa", "baaab", "xyzaxyz", "", "q"] {
            assert_eq!(ours(&pats, text), theirs(&pats, text), "{text}");
        }
        assert!(Dense::build(&[""]).is_none());
    }
}
