//! The crate's automaton for phrase sets too big for [`super::Dense`],
//! and the bound on the work of building a DFA.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// The `aho-corasick` crate's automaton of `phrases`, for tables too big
/// for [`super::Dense`].
pub(super) fn crate_automaton(phrases: &[String]) -> AhoCorasick {
    // A DFA is the fastest to search, but building it follows failure
    // links for every state and byte class: on self-overlapping phrases
    // ("xxxx...") that is quadratic. Past a budget, a contiguous NFA
    // (linear to build, a little slower to search) bounds start-up.
    // (The phrase count bounds the DFA's memory, as before.)
    let kind = if phrases.len() < 5000 && dfa_build_work(phrases) <= DFA_WORK_LIMIT {
        AhoCorasickKind::DFA
    } else {
        AhoCorasickKind::ContiguousNFA
    };
    let build = |kind| {
        AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(kind))
            .build(phrases)
    };
    // Too many states for a contiguous NFA: the plain one has no limit.
    build(kind)
        .or_else(|_| build(AhoCorasickKind::NoncontiguousNFA))
        .expect("phrases were checked")
}

/// The most failure-link steps a DFA build may take (see [`dfa_build_work`]):
/// about half a second at the 150-200 million a second such builds run. The
/// default rules need 0.4 million; one phrase of 1,000 `x` beside them, 34 million.
pub(super) const DFA_WORK_LIMIT: u64 = 100_000_000;

/// An upper bound on the steps building a DFA over `phrases` takes: for
/// every trie state and byte class, the failure links followed from it, so
/// `classes * sum(failure chain length of each state)`. Also bounds the
/// DFA's size (`states * classes` transitions). Linear in the phrases' bytes.
pub(super) fn dfa_build_work(phrases: &[String]) -> u64 {
    // The trie, as (state, byte) -> child; state 0 is the root. At most a
    // state a phrase byte; a multiply for a hash: SipHash and the map's
    // regrowth were half of this function (~7 M instructions of start-up).
    let bytes = phrases.iter().map(String::len).sum();
    let mut child: HashMap<(u32, u8), u32, PairHash> =
        HashMap::with_capacity_and_hasher(bytes, PairHash);
    let mut depth_of: Vec<u32> = vec![0];
    let mut seen = [false; 256];
    for p in phrases {
        let mut s = 0u32;
        for &b in p.as_bytes() {
            seen[b as usize] = true;
            let next = depth_of.len() as u32;
            s = *child.entry((s, b)).or_insert_with(|| {
                depth_of.push(depth_of[s as usize] + 1);
                next
            });
        }
    }
    // Children of each state, to walk the trie breadth first.
    let mut kids: Vec<Vec<(u8, u32)>> = vec![Vec::new(); depth_of.len()];
    for (&(s, b), &t) in &child {
        kids[s as usize].push((b, t));
    }
    let mut fail = vec![0u32; depth_of.len()];
    let mut chain = vec![0u64; depth_of.len()];
    let mut queue = std::collections::VecDeque::from([0u32]);
    while let Some(s) = queue.pop_front() {
        for &(b, t) in &kids[s as usize] {
            let f = if s == 0 {
                0
            } else {
                let mut g = fail[s as usize];
                loop {
                    if let Some(&n) = child.get(&(g, b)) {
                        break n;
                    }
                    if g == 0 {
                        break 0;
                    }
                    g = fail[g as usize];
                }
            };
            fail[t as usize] = f;
            chain[t as usize] = 1 + chain[f as usize];
            queue.push_back(t);
        }
    }
    // Byte classes: at most the distinct bytes used, plus one for the rest.
    let classes = seen.iter().filter(|&&b| b).count() as u64 + 1;
    classes * chain.iter().map(|&c| c.max(1)).sum::<u64>()
}

/// Hashes [`dfa_build_work`]'s (state, byte) keys with a multiply: the map
/// is private and its keys are not chosen by an attacker who could know the
/// constant (rule files are trusted input), so no keyed hash is needed. The
/// work it returns does not depend on the map's order.
#[derive(Clone, Copy, Default)]
struct PairHash;

impl std::hash::BuildHasher for PairHash {
    type Hasher = PairHasher;
    fn build_hasher(&self) -> PairHasher {
        PairHasher(0)
    }
}

struct PairHasher(u64);

impl std::hash::Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u8(b);
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = self.0 << 8 | u64::from(b);
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = self.0 << 32 | u64::from(n);
    }
    fn finish(&self) -> u64 {
        // Both halves of the 128-bit product: the map takes its bucket from
        // the low bits and its tag from the high ones.
        let m = u128::from(self.0) * 0x9E37_79B9_7F4A_7C15;
        (m as u64) ^ (m >> 64) as u64
    }
}
