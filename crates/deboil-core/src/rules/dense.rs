//! A dense Aho-Corasick automaton: every transition in one table over byte
//! classes, so a scan is one table load a byte. The rules' phrases and
//! triggers are few enough for the table to be small; past a size the
//! matcher uses the `aho-corasick` crate instead (see [`Dense::build`]).
//!
//! Its matches are those of `aho_corasick` with `MatchKind::Standard`,
//! overlapping: every occurrence of every pattern (a property test checks
//! it). The crate's search loop costs about eleven instructions a byte on
//! our keys, this one about five, and a line needs no iterator set up.

/// The most table entries (states times byte classes) built: 16 MiB.
const MAX_ENTRIES: usize = 4 << 20;

#[derive(Debug)]
pub(super) struct Dense {
    /// The class of each byte; bytes in no pattern share class 0.
    class: [u32; 256],
    /// `trans[s + class]`: the next state, premultiplied by the stride.
    trans: Vec<u32>,
    /// States from here on (premultiplied) end at least one pattern.
    first_match: u32,
    /// For each match state (by `(s - first_match) / stride`): its own
    /// patterns as a range of `pats`, and the next match state along its
    /// failure links (`u32::MAX` for none).
    outs: Vec<(u32, u32, u32)>,
    pats: Vec<u32>,
    stride: u32,
    /// Each pattern's length in bytes.
    lens: Vec<u32>,
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
        let mut class = [0u32; 256];
        let mut stride = 1usize;
        for b in 0..256 {
            if seen[b] {
                class[b] = stride as u32;
                stride += 1;
            }
        }
        if (bytes + 1).saturating_mul(stride) > MAX_ENTRIES {
            return None;
        }
        // The trie, unpremultiplied; NONE marks a missing child.
        const NONE: u32 = u32::MAX;
        let mut trans: Vec<u32> = vec![NONE; stride];
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        for (pi, p) in patterns.iter().enumerate() {
            let mut s = 0usize;
            for &b in p.as_ref() {
                let at = s * stride + class[b as usize] as usize;
                if trans[at] == NONE {
                    let next = own.len();
                    trans[at] = next as u32;
                    trans.extend(std::iter::repeat_n(NONE, stride));
                    own.push(Vec::new());
                }
                s = trans[at] as usize;
            }
            own[s].push(pi as u32);
        }
        let states = own.len();
        // Breadth first: a state's failure state is shallower, so its row
        // is complete when the state's missing children copy it.
        let mut fail = vec![0u32; states];
        let mut dict = vec![NONE; states];
        let mut queue = std::collections::VecDeque::new();
        for t in &mut trans[..stride] {
            match *t {
                NONE => *t = 0,
                child => queue.push_back(child),
            }
        }
        while let Some(s) = queue.pop_front() {
            let s = s as usize;
            let f = fail[s] as usize;
            for c in 0..stride {
                let t = trans[s * stride + c];
                let via_fail = trans[f * stride + c];
                if t == NONE {
                    trans[s * stride + c] = via_fail;
                } else {
                    let t = t as usize;
                    fail[t] = via_fail;
                    let v = via_fail as usize;
                    dict[t] = if own[v].is_empty() { dict[v] } else { via_fail };
                    queue.push_back(t as u32);
                }
            }
        }
        // Renumber: states ending no pattern first, so a scan tells a match
        // by one comparison.
        let is_match = |s: usize| !own[s].is_empty() || dict[s] != NONE;
        let mut order: Vec<usize> = (0..states).filter(|&s| !is_match(s)).collect();
        let first = order.len();
        order.extend((0..states).filter(|&s| is_match(s)));
        let mut new_id = vec![0u32; states];
        for (n, &s) in order.iter().enumerate() {
            new_id[s] = (n * stride) as u32;
        }
        let mut table = vec![0u32; states * stride];
        let (mut outs, mut pats) = (Vec::new(), Vec::new());
        for (n, &s) in order.iter().enumerate() {
            for c in 0..stride {
                table[n * stride + c] = new_id[trans[s * stride + c] as usize];
            }
            if n >= first {
                let start = pats.len() as u32;
                pats.extend_from_slice(&own[s]);
                let next = match dict[s] {
                    NONE => NONE,
                    d => new_id[d as usize],
                };
                outs.push((start, pats.len() as u32, next));
            }
        }
        Some(Dense {
            class,
            trans: table,
            first_match: (first * stride) as u32,
            outs,
            pats,
            stride: stride as u32,
            lens: patterns.iter().map(|p| p.as_ref().len() as u32).collect(),
        })
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every pattern
    /// in `text`, by end, then in no set order.
    #[inline]
    pub fn for_each(&self, text: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let (class, trans, first_match) = (&self.class, self.trans.as_slice(), self.first_match);
        // SAFETY: every entry of `trans` is a state's row start, a multiple
        // of the stride below `trans.len()`, and every class is below the
        // stride (`build`), so the index is inside the table.
        let next = |s: u32, b: u8| unsafe {
            *trans.get_unchecked(s as usize + class[b as usize] as usize)
        };
        // The root is state 0: it ends no pattern (none is empty).
        let mut s = 0u32;
        // Four bytes a step, one test for a match among them: most steps
        // find none.
        let mut chunks = text.chunks_exact(4);
        let mut at = 0;
        for c in &mut chunks {
            let s1 = next(s, c[0]);
            let s2 = next(s1, c[1]);
            let s3 = next(s2, c[2]);
            let s4 = next(s3, c[3]);
            if s1.max(s2).max(s3.max(s4)) >= first_match {
                for (k, sk) in [s1, s2, s3, s4].into_iter().enumerate() {
                    if sk >= first_match {
                        self.report(sk, at + k + 1, &mut f);
                    }
                }
            }
            s = s4;
            at += 4;
        }
        for (k, &b) in chunks.remainder().iter().enumerate() {
            s = next(s, b);
            if s >= first_match {
                self.report(s, at + k + 1, &mut f);
            }
        }
    }

    #[cold]
    fn report(&self, mut s: u32, end: usize, f: &mut impl FnMut(usize, usize, usize)) {
        while s != u32::MAX {
            let (a, b, next) = self.outs[((s - self.first_match) / self.stride) as usize];
            for &p in &self.pats[a as usize..b as usize] {
                f(p as usize, end - self.lens[p as usize] as usize, end);
            }
            s = next;
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
