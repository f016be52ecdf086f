//! The phrase automaton: the `aho-corasick` crate's DFA, copied into a
//! table laid out for the scan, and stepped byte by byte. Past a size the
//! matcher uses the crate's searcher instead (see [`Dense::build`]).
//!
//! Its matches are those of `aho_corasick` with `MatchKind::Standard`,
//! overlapping: every occurrence of every pattern (a property test checks
//! it). A scan is a chain of dependent table loads, so it runs at the
//! latency of one load a byte, and that depends on where the states a text
//! visits lie. The crate's table (4.8 MB for the default rules: rows of
//! 128 four-byte entries, match states first) spreads them over far more
//! cache lines than L1 and L2 hold: two thirds of the scan's time went
//! waiting on misses. Here the table is stored by column (all states' next
//! state on one byte class together), states are numbered breadth first
//! (the shallow states most bytes land in sit together in each column),
//! and an entry is two bytes when the states allow: 1.6 MB for the default
//! rules, of which a text touches a few hundred KB.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// The most table entries (states times byte classes) built: 16 MiB.
const MAX_ENTRIES: usize = 4 << 20;

/// The transitions: `t[col[b] + s]` is the state after `s` on byte `b`.
#[derive(Debug)]
enum Table {
    /// Up to 65,536 states.
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

#[derive(Debug)]
pub(super) struct Dense {
    /// Where the column of each byte's class starts in the table (bytes in
    /// no pattern share a class).
    col: [u32; 256],
    table: Table,
    /// States from here on end at least one pattern (they are numbered last).
    first_match: u32,
    /// For each match state (by `s - first_match`): its patterns, as a
    /// range of `pats`.
    outs: Vec<(u32, u32)>,
    /// (pattern, its length in bytes).
    pats: Vec<(u32, u32)>,
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
        let classes = 1 + seen.iter().filter(|&&s| s).count();
        if (bytes + 1).saturating_mul(classes) > MAX_ENTRIES {
            return None;
        }
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .byte_classes(true)
            .prefilter(false)
            .build(patterns)
            .ok()?;
        // One byte standing for each class: every byte in a pattern has its
        // own, the others (when there are any) share class 0.
        let mut class = [0usize; 256];
        let mut rep: Vec<u8> = (0..=255u8)
            .find(|&b| !seen[b as usize])
            .into_iter()
            .collect();
        for b in 0..=255u8 {
            if seen[b as usize] {
                class[b as usize] = rep.len();
                rep.push(b);
            }
        }
        let rep = &rep[..];
        // Breadth first from the start; the crate's ids, premultiplied, index `num`.
        let start = dfa.start_state(Anchored::No).ok()?;
        const NONE: u32 = u32::MAX;
        let mut num: Vec<u32> = Vec::new();
        let mark = |num: &mut Vec<u32>, s: StateID| -> bool {
            let i = s.as_usize();
            if i >= num.len() {
                num.resize(i + 1, NONE);
            }
            std::mem::replace(&mut num[i], 0) == NONE
        };
        let mut order = vec![start];
        mark(&mut num, start);
        let mut at = 0;
        while at < order.len() {
            let s = order[at];
            at += 1;
            for &b in rep {
                let t = dfa.next_state(Anchored::No, s, b);
                if mark(&mut num, t) {
                    order.push(t);
                }
            }
        }
        // Match states last, so one comparison tells a match.
        let (plain, matching): (Vec<_>, Vec<_>) =
            order.into_iter().partition(|&s| !dfa.is_match(s));
        let states = plain.len() + matching.len();
        for (i, &s) in plain.iter().chain(&matching).enumerate() {
            num[s.as_usize()] = i as u32;
        }
        let next = |s: StateID, b: u8| num[dfa.next_state(Anchored::No, s, b).as_usize()];
        let all = || plain.iter().chain(&matching);
        let table = if states <= 1 << 16 {
            Table::Narrow(
                rep.iter()
                    .flat_map(|&b| all().map(move |&s| next(s, b) as u16))
                    .collect(),
            )
        } else {
            Table::Wide(
                rep.iter()
                    .flat_map(|&b| all().map(move |&s| next(s, b)))
                    .collect(),
            )
        };
        let mut col = [0u32; 256];
        for b in 0..256 {
            col[b] = (class[b] * states) as u32;
        }
        let mut outs = Vec::with_capacity(matching.len());
        let mut pats = Vec::new();
        for &s in &matching {
            let from = pats.len() as u32;
            for i in 0..dfa.match_len(s) {
                let p = dfa.match_pattern(s, i);
                pats.push((p.as_u32(), dfa.pattern_len(p) as u32));
            }
            outs.push((from, pats.len() as u32));
        }
        Some(Dense {
            col,
            table,
            first_match: plain.len() as u32,
            outs,
            pats,
        })
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every pattern
    /// in `text`, by end, then in no set order.
    #[inline]
    pub fn for_each(&self, text: &[u8], f: impl FnMut(usize, usize, usize)) {
        match &self.table {
            Table::Narrow(t) => self.scan(t, text, f),
            Table::Wide(t) => self.scan(t, text, f),
        }
    }

    #[inline]
    fn scan<T: Copy + Into<u32>>(
        &self,
        trans: &[T],
        text: &[u8],
        f: impl FnMut(usize, usize, usize),
    ) {
        // The start state is the first numbered.
        self.scan_from(trans, text, 0, 0, f);
    }

    /// Scans `text[at..]` from state `s`.
    #[inline]
    fn scan_from<T: Copy + Into<u32>>(
        &self,
        trans: &[T],
        text: &[u8],
        at: usize,
        mut s: u32,
        mut f: impl FnMut(usize, usize, usize),
    ) {
        let col = &self.col;
        let next = |s: u32, b: u8| -> u32 { trans[(col[b as usize] + s) as usize].into() };
        let first = self.first_match;
        // Four bytes a step, one test for a match among them: most steps
        // find none.
        let mut chunks = text[at..].chunks_exact(4);
        let mut at = at;
        for c in &mut chunks {
            let s1 = next(s, c[0]);
            let s2 = next(s1, c[1]);
            let s3 = next(s2, c[2]);
            let s4 = next(s3, c[3]);
            self.report4([s1, s2, s3, s4], at, &mut f);
            s = s4;
            at += 4;
        }
        for (k, &b) in chunks.remainder().iter().enumerate() {
            s = next(s, b);
            if s >= first {
                self.report(s, at + k + 1, &mut f);
            }
        }
    }

    /// [`Dense::for_each`] over two texts at once, their matches
    /// `(pattern, start, end)` to `fa` and `fb`, each text's in the order
    /// `for_each` gives them.
    #[inline]
    pub fn for_each_pair(
        &self,
        a: &[u8],
        b: &[u8],
        fa: impl FnMut((usize, usize, usize)),
        fb: impl FnMut((usize, usize, usize)),
    ) {
        match &self.table {
            Table::Narrow(t) => self.scan_pair(t, a, b, fa, fb),
            Table::Wide(t) => self.scan_pair(t, a, b, fa, fb),
        }
    }

    #[inline]
    fn scan_pair<T: Copy + Into<u32>>(
        &self,
        trans: &[T],
        a: &[u8],
        b: &[u8],
        mut fa: impl FnMut((usize, usize, usize)),
        mut fb: impl FnMut((usize, usize, usize)),
    ) {
        let col = &self.col;
        let next = |s: u32, b: u8| -> u32 { trans[(col[b as usize] + s) as usize].into() };
        let mut fa = |p, s, e| fa((p, s, e));
        let mut fb = |p, s, e| fb((p, s, e));
        let (mut sa, mut sb) = (0, 0);
        let both = a.len().min(b.len()) / 4 * 4;
        let mut at = 0;
        while at < both {
            let (ca, cb) = (&a[at..at + 4], &b[at..at + 4]);
            let a1 = next(sa, ca[0]);
            let b1 = next(sb, cb[0]);
            let a2 = next(a1, ca[1]);
            let b2 = next(b1, cb[1]);
            let a3 = next(a2, ca[2]);
            let b3 = next(b2, cb[2]);
            let a4 = next(a3, ca[3]);
            let b4 = next(b3, cb[3]);
            self.report4([a1, a2, a3, a4], at, &mut fa);
            self.report4([b1, b2, b3, b4], at, &mut fb);
            (sa, sb) = (a4, b4);
            at += 4;
        }
        self.scan_from(trans, a, at, sa, fa);
        self.scan_from(trans, b, at, sb, fb);
    }

    /// Reports the matches among four states stepped from `at` (ending at
    /// `at + 1` to `at + 4`): one test when none is a match state, as most
    /// steps find none.
    #[inline(always)]
    fn report4(&self, states: [u32; 4], at: usize, f: &mut impl FnMut(usize, usize, usize)) {
        let first = self.first_match;
        if states[0].max(states[1]).max(states[2]).max(states[3]) >= first {
            for (k, sk) in states.into_iter().enumerate() {
                if sk >= first {
                    self.report(sk, at + k + 1, f);
                }
            }
        }
    }

    #[cold]
    fn report(&self, s: u32, end: usize, f: &mut impl FnMut(usize, usize, usize)) {
        let (from, to) = self.outs[(s - self.first_match) as usize];
        for &(p, len) in &self.pats[from as usize..to as usize] {
            f(p as usize, end - len as usize, end);
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

    proptest::proptest! {
        #[test]
        fn two_at_once_finds_what_one_at_a_time_finds(
            pats in proptest::collection::vec("[abé ]{1,5}", 1..12),
            a in "[abcé ]{0,40}",
            b in "[abcé ]{0,40}",
        ) {
            let d = Dense::build(&pats).unwrap();
            let (mut ga, mut gb) = (Vec::new(), Vec::new());
            d.for_each_pair(a.as_bytes(), b.as_bytes(), |m| ga.push(m), |m| gb.push(m));
            let (mut wa, mut wb) = (Vec::new(), Vec::new());
            d.for_each(a.as_bytes(), |p, s, e| wa.push((p, s, e)));
            d.for_each(b.as_bytes(), |p, s, e| wb.push((p, s, e)));
            proptest::prop_assert_eq!(ga, wa);
            proptest::prop_assert_eq!(gb, wb);
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

    #[test]
    fn every_byte_in_a_pattern() {
        // No byte left for a shared class: every byte has its own.
        let pats: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b, b.wrapping_mul(7)]).collect();
        let d = Dense::build(&pats).unwrap();
        let mut text: Vec<u8> = (0..2000u32).map(|i| (i * i * 13 + i) as u8).collect();
        text.extend(pats.iter().step_by(5).flatten());
        let mut got = Vec::new();
        d.for_each(&text, |p, s, e| got.push((p, s, e)));
        got.sort_unstable();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&pats)
            .unwrap();
        let mut want: Vec<_> = ac
            .find_overlapping_iter(&text[..])
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        want.sort_unstable();
        assert!(!want.is_empty());
        assert_eq!(got, want);
    }

    #[test]
    fn more_states_than_two_bytes_number() {
        // 3,000 phrases of 30 pseudo-random letters of four: ~85,000 states.
        let mut x = 12345u32;
        let mut letter = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            ["a", "b", "c", "d"][(x >> 16) as usize % 4]
        };
        let pats: Vec<String> = (0..3000)
            .map(|_| (0..30).map(|_| letter()).collect())
            .collect();
        let d = Dense::build(&pats).unwrap();
        assert!(matches!(d.table, Table::Wide(_)));
        let text = format!(
            "{} {} {}",
            pats[7],
            (0..5000).map(|_| letter()).collect::<String>(),
            pats[2999]
        );
        assert_eq!(ours(&pats, &text), theirs(&pats, &text));
        assert!(ours(&pats, &text).len() >= 2);
    }
}
