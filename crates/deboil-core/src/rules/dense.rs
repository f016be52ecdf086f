//! The phrase automaton: an Aho-Corasick DFA built here, laid out for
//! the scan, and stepped byte by byte. Past a size the matcher uses the
//! `aho-corasick` crate's searcher instead (see [`Dense::build`]).
//!
//! A scan is a chain of dependent table loads, so it runs at the latency
//! of one load a byte, and that depends on where the states a text visits
//! lie. The table is stored by column (all states' next state on one byte
//! class together), states are numbered breadth first (the shallow states
//! most bytes land in sit together in each column), and an entry is two
//! bytes when the states allow.
//!
//! Most patterns need not be looked for everywhere ([`Starts`]): nearly
//! every phrase of the rules counts only after a non-word character (a
//! phrase must not continue a word), and so do many regex triggers. The
//! automaton follows those only from such places, so inside a word it
//! follows only the few patterns that may start there, not every pattern
//! that some suffix of the word begins (the plain automaton's "ap" in
//! "happen"): fewer states are visited and fewer matches need checking.
//! It is Aho-Corasick over the text with a mark after each byte of
//! `after` (and at its start), the held patterns with a mark in front:
//! the marks are folded into the table, one load a byte as before.
//!
//! Its matches are every occurrence of every pattern, but those of held
//! patterns that start elsewhere than at the text's start or after a byte
//! of `after`, reported by end (property tests check them against
//! `aho_corasick`'s overlapping matches, filtered).

/// The number of entries of `t`.
fn next_len(t: &Table) -> usize {
    match t {
        Table::Narrow(t) => t.len(),
        Table::Wide(t) => t.len(),
    }
}

/// The most table entries (states times byte classes) built: 16 MiB.
const MAX_ENTRIES: usize = 4 << 20;

/// Where occurrences of the patterns are looked for: those of patterns
/// with `held[p]` only at the text's start and right after a byte of
/// `after`, the others everywhere.
#[derive(Debug, Clone)]
pub(super) struct Starts {
    pub after: [bool; 256],
    pub held: Vec<bool>,
}

#[cfg(test)]
impl Starts {
    /// Every pattern everywhere: a plain Aho-Corasick automaton.
    pub fn anywhere() -> Starts {
        Starts {
            after: [false; 256],
            held: Vec::new(),
        }
    }
}

/// Tables of at least this many entries are scanned from a copy of each
/// thread's own. Measured on `bench/clean.sh`'s corpus (the default rules'
/// table, about 800,000 entries): with two workers reading one table, `-j 2`
/// spent 7 % more CPU (median of 12 interleaved pairs; the scan's samples grew
/// by half from `-j 1` to `-j 2`, against a tenth for two processes), and a
/// copy of the struct alone, sharing the table, recovered less than half of
/// it. Small tables (learned rules) are not worth a copy.
const COPY_ENTRIES: usize = 1 << 17;

/// Copies a thread keeps (by automaton): a few rule sets at once at most.
const COPIES: usize = 4;

thread_local! {
    static OWN: std::cell::RefCell<Vec<std::rc::Rc<Dense>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// This thread's copy of `d`, made on first use; the oldest of [`COPIES`]
/// is dropped for a new one.
fn own_copy(d: &Dense) -> std::rc::Rc<Dense> {
    OWN.with(|own| {
        let mut own = own.borrow_mut();
        if let Some(c) = own.iter().find(|c| c.id == d.id) {
            return c.clone();
        }
        let c = std::rc::Rc::new(d.clone());
        if own.len() == COPIES {
            own.remove(0);
        }
        own.push(c.clone());
        c
    })
}

/// The mark, as a byte no UTF-8 text holds.
const MARK: u8 = 0xFF;

/// The transitions: `t[col[b] + s]` is the state after `s` on byte `b`.
#[derive(Debug, Clone)]
enum Table {
    /// Up to 65,536 states.
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

#[derive(Debug, Clone)]
pub(super) struct Dense {
    /// Tells automata apart for the per-thread copies (an address could be a
    /// dropped automaton's); a copy keeps it.
    id: u64,
    /// Where the column of each byte's class starts in the table (bytes in
    /// no pattern share a class, or two: those a match may start after and
    /// the others).
    col: [u32; 256],
    table: Table,
    /// States from here on end at least one pattern (they are numbered last).
    first_match: u32,
    /// For each match state (by `s - first_match`): its patterns, as a
    /// range of `pats`.
    outs: Vec<(u32, u32)>,
    /// (pattern, its length in bytes).
    pats: Vec<(u32, u32)>,
    /// (bound, the first match state whose patterns' largest bound is at
    /// least it), by bound: match states are numbered by that largest
    /// bound, so a line's match states are those from [`Dense::first_for`]
    /// of its word count on.
    firsts: Vec<(u32, u32)>,
}

impl Dense {
    /// The automaton of `patterns` looking for them at `starts`, or `None`
    /// when its table would pass [`MAX_ENTRIES`] or a pattern is empty
    /// (or holds the byte 0xFF, which no text does). `bounds[p]` is the
    /// most words a line may hold for pattern `p`'s matches to be wanted
    /// ([`Dense::for_each_lanes`] reports nothing at a place of a longer
    /// line where only such patterns end); a pattern past the end of
    /// `bounds` has no bound.
    pub fn build<P: AsRef<[u8]>>(patterns: &[P], starts: &Starts, bounds: &[u32]) -> Option<Dense> {
        let after = &starts.after;
        // The patterns as the marked text holds them.
        let mut marked: Vec<Vec<u8>> = Vec::with_capacity(patterns.len());
        for (i, p) in patterns.iter().enumerate() {
            let p = p.as_ref();
            if p.is_empty() || p.contains(&MARK) {
                return None;
            }
            let mut m = Vec::with_capacity(p.len() + 4);
            if starts.held.get(i).copied().unwrap_or(false) {
                m.push(MARK);
            }
            for &b in p {
                m.push(b);
                if after[b as usize] {
                    m.push(MARK);
                }
            }
            marked.push(m);
        }
        let mut seen = [false; 256];
        for &b in marked.iter().flatten() {
            seen[b as usize] = true;
        }
        seen[MARK as usize] = true;
        // Every byte in a pattern has its own class; the others share
        // one, or two when some are followed by a mark.
        let mut class = [0usize; 256];
        let mut rep: Vec<u8> = Vec::new();
        for group in [true, false] {
            let members = |b: usize| !seen[b] && after[b] == group;
            if let Some(first) = (0..256).find(|&b| members(b)) {
                for b in (0..256).filter(|&b| members(b)) {
                    class[b] = rep.len();
                }
                rep.push(first as u8);
            }
        }
        for b in 0..=255u8 {
            if seen[b as usize] {
                class[b as usize] = rep.len();
                rep.push(b);
            }
        }
        let k = rep.len();
        let bytes: usize = marked.iter().map(Vec::len).sum();
        if (bytes + 1).saturating_mul(k) > MAX_ENTRIES {
            return None;
        }
        let (delta, outs) = aho_corasick(&marked, &class, k);
        let mark = class[MARK as usize];
        // A byte of `after` and the mark after it: one step.
        let step = |s: usize, c: usize| {
            let t = delta[s * k + c] as usize;
            if after[rep[c] as usize] {
                delta[t * k + mark] as usize
            } else {
                t
            }
        };
        // The states the marked text can reach, breadth first from the
        // start (the root and a mark); the mark's class is no column.
        const NONE: u32 = u32::MAX;
        let start = delta[mark] as usize;
        let mut num = vec![NONE; outs.len()];
        num[start] = 0;
        let mut order = vec![start];
        let mut at = 0;
        while at < order.len() {
            let s = order[at];
            at += 1;
            for c in (0..k).filter(|&c| c != mark) {
                let t = step(s, c);
                if num[t] == NONE {
                    num[t] = 0;
                    order.push(t);
                }
            }
        }
        // Match states last, so one comparison tells a match.
        let (plain, mut matching): (Vec<usize>, Vec<usize>) =
            order.into_iter().partition(|&s| outs[s].is_empty());
        if matching.first() == Some(&start) {
            return None; // no empty pattern, so the start matches nothing
        }
        // Among them, by the largest bound of their patterns (a stable
        // sort: breadth first within a bound), so that on a line of `w`
        // words the states of patterns none of which is wanted there come
        // before the others, and one comparison with a higher first state
        // skips them: over half the matches of the default rules are
        // triggers on lines longer than any of their regexes looks at.
        let bound_of = |s: usize| {
            let b = |p: u32| bounds.get(p as usize).copied().unwrap_or(u32::MAX);
            outs[s].iter().map(|&p| b(p)).max().unwrap_or(u32::MAX)
        };
        matching.sort_by_cached_key(|&s| bound_of(s));
        let mut firsts: Vec<(u32, u32)> = Vec::new();
        for (i, &s) in matching.iter().enumerate() {
            let b = bound_of(s);
            if firsts.last().is_none_or(|&(last, _)| last != b) {
                firsts.push((b, (plain.len() + i) as u32));
            }
        }
        let states = plain.len() + matching.len();
        for (i, &s) in plain.iter().chain(&matching).enumerate() {
            num[s] = i as u32;
        }
        let all: Vec<usize> = plain.iter().chain(&matching).copied().collect();
        let cols: Vec<usize> = (0..k).filter(|&c| c != mark).collect();
        // Filled a column at a time with the mark test hoisted: the
        // nested iterators this replaces were ~40 M instructions of the
        // default rules' start-up.
        let mut next = Vec::with_capacity(cols.len() * states);
        for &c in &cols {
            let marked = after[rep[c] as usize];
            next.extend(all.iter().map(|&s| {
                let t = delta[s * k + c] as usize;
                num[if marked {
                    delta[t * k + mark] as usize
                } else {
                    t
                }]
            }));
        }
        // The scans load `t[col[b] + s]` unchecked: every entry is a state
        // below `states`, and every column starts at most `states` before
        // the table's end (checked here once, not at every byte).
        // A fold, not `all`: it vectorises (~4 M instructions less at start-up).
        let top = next.iter().fold(0, |m, &n| m.max(n));
        assert!(top < states as u32 && next.len() == cols.len() * states);
        let table = if states <= 1 << 16 {
            Table::Narrow(next.iter().map(|&n| n as u16).collect())
        } else {
            Table::Wide(next)
        };
        let mut col = [0u32; 256];
        for b in 0..256 {
            let c = cols.iter().position(|&c| c == class[b]).unwrap_or(0);
            col[b] = (c * states) as u32;
        }
        assert!(col.iter().all(|&c| c as usize + states <= next_len(&table)));
        let mut pats = Vec::new();
        let outs = matching
            .iter()
            .map(|&s| {
                let from = pats.len() as u32;
                let len = |p: u32| patterns[p as usize].as_ref().len() as u32;
                pats.extend(outs[s].iter().map(|&p| (p, len(p))));
                (from, pats.len() as u32)
            })
            .collect();
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Some(Dense {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            col,
            table,
            first_match: plain.len() as u32,
            outs,
            pats,
            firsts,
        })
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every pattern
    /// in `text`, by end, then in no set order. (The matcher scans many
    /// lines at once, [`Dense::for_each_lanes`]; this is what those match.)
    #[cfg(test)]
    pub fn for_each(&self, text: &[u8], f: impl FnMut(usize, usize, usize)) {
        match &self.table {
            Table::Narrow(t) => self.scan(t, text, f),
            Table::Wide(t) => self.scan(t, text, f),
        }
    }

    /// The first match state wanted on a line of `words` words: every
    /// state from it on has a pattern whose bound is at least `words`, and
    /// none before it. Past the last state when there is none.
    #[inline]
    fn first_for(&self, words: usize) -> u32 {
        let states = self.first_match + self.outs.len() as u32;
        self.firsts
            .iter()
            .find(|&&(b, _)| b as usize >= words)
            .map_or(states, |&(_, first)| first)
    }

    /// The state after state `s` on byte `b`; `trans` is this automaton's
    /// table and `s` one of its states.
    #[inline(always)]
    fn step<T: Copy + Into<u32>>(&self, trans: &[T], s: u32, b: u8) -> u32 {
        // SAFETY: `s` is a state (below the state count) and `col[b]` a
        // column start, so the index is inside the table (asserted in
        // `build`): the loads need no bounds check, two instructions a byte.
        unsafe { (*trans.get_unchecked((self.col[b as usize] + s) as usize)).into() }
    }

    #[cfg(test)]
    fn scan<T: Copy + Into<u32>>(
        &self,
        trans: &[T],
        text: &[u8],
        f: impl FnMut(usize, usize, usize),
    ) {
        // The start state is the first numbered.
        self.scan_from(trans, text, 0, 0, self.first_match, f);
    }

    /// Scans `text[at..]` from state `s`, reporting the match states from
    /// `first` on.
    #[inline]
    fn scan_from<T: Copy + Into<u32>>(
        &self,
        trans: &[T],
        text: &[u8],
        at: usize,
        mut s: u32,
        first: u32,
        mut f: impl FnMut(usize, usize, usize),
    ) {
        let next = |s: u32, b: u8| self.step(trans, s, b);
        // Four bytes a step, one test for a match among them: most steps
        // find none.
        let mut chunks = text[at..].chunks_exact(4);
        let mut at = at;
        for c in &mut chunks {
            let s1 = next(s, c[0]);
            let s2 = next(s1, c[1]);
            let s3 = next(s2, c[2]);
            let s4 = next(s3, c[3]);
            self.report4([s1, s2, s3, s4], at, first, &mut f);
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

    /// [`Dense::for_each`] over many texts, `LANES` at a time: `texts`
    /// gives each text's (id, start, end, words) in `key` (no match is
    /// reported where every pattern ending there is bounded below `words`,
    /// see [`Dense::build`]), and `done(id, matches)`
    /// gets each text's matches `(pattern, start, end)`, in the order
    /// `for_each` gives them, once that text is scanned whole (texts finish
    /// in no set order). `done` takes the matches out of the buffer.
    ///
    /// The scan waits on each table load before the next, so independent
    /// chains overlap: a text that ends makes room for the next one at
    /// once, and all lanes stay busy until the texts run out (two lines
    /// at a time left the longer one to run alone past the shorter's end).
    #[inline]
    pub fn for_each_lanes<const LANES: usize>(
        &self,
        key: &[u8],
        texts: impl Iterator<Item = (usize, usize, usize, usize)>,
        bufs: &mut [Vec<(usize, usize, usize)>; LANES],
        done: impl FnMut(usize, &mut Vec<(usize, usize, usize)>),
    ) {
        if next_len(&self.table) >= COPY_ENTRIES {
            let copy = own_copy(self);
            return match &copy.table {
                Table::Narrow(t) => copy.scan_lanes(t, key, texts, bufs, done),
                Table::Wide(t) => copy.scan_lanes(t, key, texts, bufs, done),
            };
        }
        match &self.table {
            Table::Narrow(t) => self.scan_lanes(t, key, texts, bufs, done),
            Table::Wide(t) => self.scan_lanes(t, key, texts, bufs, done),
        }
    }

    #[inline]
    fn scan_lanes<T: Copy + Into<u32>, const LANES: usize>(
        &self,
        trans: &[T],
        key: &[u8],
        mut texts: impl Iterator<Item = (usize, usize, usize, usize)>,
        bufs: &mut [Vec<(usize, usize, usize)>; LANES],
        mut done: impl FnMut(usize, &mut Vec<(usize, usize, usize)>),
    ) {
        const { assert!(LANES >= 1 && LANES <= 4) };
        // Lanes in use first (`m` of them); each keeps its buffer's index.
        let mut lanes: [Lane; LANES] = std::array::from_fn(|i| Lane {
            buf: i,
            ..Lane::default()
        });
        let mut m = 0;
        loop {
            while m < LANES {
                let Some((id, start, end, words)) = texts.next() else {
                    break;
                };
                assert!(start <= end && end <= key.len());
                let buf = lanes[m].buf;
                lanes[m] = Lane {
                    id,
                    at: start,
                    end,
                    pos: 0,
                    s: 0,
                    first: self.first_for(words),
                    buf,
                };
                m += 1;
            }
            if m == 0 {
                return;
            }
            let steps = lanes[..m].iter().map(|l| (l.end - l.at) / 4).min();
            let steps = steps.expect("a lane in use");
            match m {
                1 => {
                    let l = &mut lanes[0];
                    let buf = &mut bufs[l.buf];
                    let text = &key[l.at - l.pos..l.end];
                    self.scan_from(trans, text, l.pos, l.s, l.first, |p, s, e| {
                        buf.push((p, s, e))
                    });
                    done(l.id, buf);
                    m = 0;
                    continue;
                }
                2 => self.lockstep::<T, 2>(
                    trans,
                    key,
                    (&mut lanes[..2]).try_into().unwrap(),
                    bufs,
                    steps,
                ),
                3 => self.lockstep::<T, 3>(
                    trans,
                    key,
                    (&mut lanes[..3]).try_into().unwrap(),
                    bufs,
                    steps,
                ),
                4 => self.lockstep::<T, 4>(
                    trans,
                    key,
                    (&mut lanes[..4]).try_into().unwrap(),
                    bufs,
                    steps,
                ),
                _ => unreachable!("at most four lanes"),
            }
            // Lanes with under four bytes left finish alone. (Written out,
            // as the match test in `lockstep` is, rather than calling
            // `scan_from` and `report4`: those calls cost the scan 1-3 % more
            // instructions on bench/clean.sh's slice.)
            let mut i = 0;
            while i < m {
                let l = &mut lanes[i];
                if l.end - l.at >= 4 {
                    i += 1;
                    continue;
                }
                let buf = &mut bufs[l.buf];
                let first = l.first;
                let mut s = l.s;
                for (k, &b) in key[l.at..l.end].iter().enumerate() {
                    s = self.step(trans, s, b);
                    if s >= first {
                        self.report(s, l.pos + k + 1, &mut |p, s, e| buf.push((p, s, e)));
                    }
                }
                done(l.id, buf);
                m -= 1;
                lanes.swap(i, m);
            }
        }
    }

    /// Steps each of `M` lanes `4 * steps` bytes, interleaved byte by byte.
    // Indexed loops: byte `j` of every lane before byte `j + 1` of any.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn lockstep<T: Copy + Into<u32>, const M: usize>(
        &self,
        trans: &[T],
        key: &[u8],
        lanes: &mut [Lane; M],
        bufs: &mut [Vec<(usize, usize, usize)>],
        steps: usize,
    ) {
        let mut s: [u32; M] = std::array::from_fn(|l| lanes[l].s);
        let texts: [&[u8]; M] = std::array::from_fn(|l| &key[lanes[l].at..][..4 * steps]);
        let first: [u32; M] = std::array::from_fn(|l| lanes[l].first);
        for i in 0..steps {
            let mut st = [[0u32; 4]; M];
            for j in 0..4 {
                for l in 0..M {
                    // SAFETY: `4 * i + j < 4 * steps`, each text's length.
                    let b = unsafe { *texts[l].get_unchecked(4 * i + j) };
                    s[l] = self.step(trans, s[l], b);
                    st[l][j] = s[l];
                }
            }
            for l in 0..M {
                let [a, b, c, d] = st[l];
                if a | b | c | d >= first[l] {
                    let at = lanes[l].pos + 4 * i;
                    let buf = &mut bufs[lanes[l].buf];
                    for (k, sk) in st[l].into_iter().enumerate() {
                        if sk >= first[l] {
                            self.report(sk, at + k + 1, &mut |p, s, e| buf.push((p, s, e)));
                        }
                    }
                }
            }
        }
        for l in 0..M {
            lanes[l].s = s[l];
            lanes[l].at += 4 * steps;
            lanes[l].pos += 4 * steps;
        }
    }

    /// Reports the match states from `first` on among four states stepped
    /// from `at` (ending at `at + 1` to `at + 4`): one test when there is
    /// none, as most steps find none.
    #[inline(always)]
    fn report4(
        &self,
        states: [u32; 4],
        at: usize,
        first: u32,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        // The OR is at least the largest state: one test lets every match
        // state through (and a few steps without one, which the loop
        // finds), in fewer instructions than the maximum.
        if states[0] | states[1] | states[2] | states[3] >= first {
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

/// One text being scanned by [`Dense::for_each_lanes`].
#[derive(Debug, Clone, Copy, Default)]
struct Lane {
    id: usize,
    /// The next byte in the key, the text's end there, and the next byte's
    /// offset in the text.
    at: usize,
    end: usize,
    pos: usize,
    s: u32,
    /// The first match state it reports (see [`Dense::first_for`]).
    first: u32,
    /// Its matches' buffer.
    buf: usize,
}

/// The Aho-Corasick DFA of `patterns` over byte classes: its transitions
/// (`delta[s * k + c]`, the root is state 0) and the patterns each state
/// ends, overlapping ones included.
fn aho_corasick(patterns: &[Vec<u8>], class: &[usize; 256], k: usize) -> (Vec<u32>, Vec<Vec<u32>>) {
    const NONE: u32 = u32::MAX;
    // The trie's children first; entries left NONE become transitions.
    let mut delta = vec![NONE; k];
    let mut outs: Vec<Vec<u32>> = vec![Vec::new()];
    for (i, p) in patterns.iter().enumerate() {
        let mut s = 0;
        for &b in p {
            let at = s * k + class[b as usize];
            s = match delta[at] {
                NONE => {
                    let n = outs.len();
                    delta[at] = n as u32;
                    delta.extend(std::iter::repeat_n(NONE, k));
                    outs.push(Vec::new());
                    n
                }
                t => t as usize,
            };
        }
        outs[s].push(i as u32);
    }
    // Breadth first, each node's failure state (the longest proper suffix
    // in the trie) before it, so its row is complete when needed.
    let mut fail = vec![0u32; outs.len()];
    let mut queue = std::collections::VecDeque::from([0usize]);
    while let Some(u) = queue.pop_front() {
        let f = fail[u] as usize;
        for c in 0..k {
            let t = delta[u * k + c];
            if t == NONE {
                delta[u * k + c] = if u == 0 { 0 } else { delta[f * k + c] };
                continue;
            }
            let t = t as usize;
            fail[t] = if u == 0 { 0 } else { delta[f * k + c] };
            let inherited = outs[fail[t] as usize].clone();
            outs[t].extend(inherited);
            queue.push_back(t);
        }
    }
    (delta, outs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, MatchKind};

    #[test]
    fn each_thread_scans_its_own_copy_of_the_automaton_it_was_given() {
        let built: Vec<Dense> = (0..COPIES + 2)
            .map(|i| Dense::build(&[format!("pattern{i}")], &Starts::anywhere(), &[]).unwrap())
            .collect();
        // More automata than a thread keeps copies of, and back to the first.
        for d in built.iter().chain(&built[..1]) {
            let c = own_copy(d);
            assert_eq!(c.id, d.id);
            assert_eq!(c.pats, d.pats);
            assert!(!std::ptr::eq(&*c, d));
            assert!(std::rc::Rc::ptr_eq(&c, &own_copy(d)), "made once a thread");
        }
    }

    fn ours(pats: &[String], text: &str) -> Vec<(usize, usize, usize)> {
        let d = Dense::build(pats, &Starts::anywhere(), &[]).unwrap();
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
        fn finds_held_patterns_only_at_start_places(
            pats in proptest::collection::vec("[ab. é]{1,5}", 1..12),
            held in proptest::collection::vec(proptest::bool::ANY, 12),
            text in "[abc. é]{0,40}",
            after in proptest::collection::vec(proptest::bool::ANY, 7),
        ) {
            // The bytes of the texts, each followed by a start place or not.
            let mut starts = Starts { after: [false; 256], held };
            for (i, b) in b"abc. ".iter().chain("\u{e9}".as_bytes()).enumerate() {
                starts.after[*b as usize] = after[i];
            }
            let d = Dense::build(&pats, &starts, &[]).unwrap();
            let mut got = Vec::new();
            d.for_each(text.as_bytes(), |p, s, e| got.push((p, s, e)));
            got.sort_unstable();
            let t = text.as_bytes();
            let mut want = theirs(&pats, &text);
            want.retain(|&(p, s, _)| !starts.held[p] || s == 0 || starts.after[t[s - 1] as usize]);
            proptest::prop_assert_eq!(got, want);
        }
    }

    /// The texts of `key` (lines with a `\n` after each) scanned in
    /// `LANES` lanes, text `i` as a line of `words[i]` words (0 past the
    /// end): each text's matches, by its index.
    fn in_lanes<const LANES: usize>(
        d: &Dense,
        texts: &[String],
        words: &[usize],
    ) -> Vec<Vec<(usize, usize, usize)>> {
        let mut key = Vec::new();
        let mut spans = Vec::new();
        for t in texts {
            let w = words.get(spans.len()).copied().unwrap_or(0);
            spans.push((spans.len(), key.len(), key.len() + t.len(), w));
            key.extend_from_slice(t.as_bytes());
            key.push(b'\n');
        }
        let mut got = vec![Vec::new(); texts.len()];
        let mut bufs = std::array::from_fn(|_| Vec::new());
        d.for_each_lanes::<LANES>(&key, spans.into_iter(), &mut bufs, |i, ms| {
            assert!(got[i].is_empty(), "each text once");
            got[i].append(ms);
        });
        got
    }

    proptest::proptest! {
        #[test]
        fn lanes_find_what_one_at_a_time_finds(
            pats in proptest::collection::vec("[abé ]{1,5}", 1..12),
            texts in proptest::collection::vec("[abcé ]{0,40}", 0..9),
        ) {
            let d = Dense::build(&pats, &Starts::anywhere(), &[]).unwrap();
            let want: Vec<Vec<_>> = texts
                .iter()
                .map(|t| {
                    let mut w = Vec::new();
                    d.for_each(t.as_bytes(), |p, s, e| w.push((p, s, e)));
                    w
                })
                .collect();
            proptest::prop_assert_eq!(&in_lanes::<1>(&d, &texts, &[]), &want);
            proptest::prop_assert_eq!(&in_lanes::<2>(&d, &texts, &[]), &want);
            proptest::prop_assert_eq!(&in_lanes::<3>(&d, &texts, &[]), &want);
            proptest::prop_assert_eq!(&in_lanes::<4>(&d, &texts, &[]), &want);
        }
    }

    proptest::proptest! {
        #[test]
        fn lanes_leave_out_exactly_the_ends_where_no_pattern_is_wanted(
            pats in proptest::collection::vec("[abé ]{1,5}", 1..12),
            bounds in proptest::collection::vec(0u32..6, 0..12),
            texts in proptest::collection::vec("[abcé ]{0,40}", 0..9),
            words in proptest::collection::vec(0usize..8, 9),
        ) {
            // Patterns past the end of `bounds` have none.
            let d = Dense::build(&pats, &Starts::anywhere(), &bounds).unwrap();
            // The patterns ending at one place are one state's: all are
            // reported when one of them is wanted on the line, else none
            // (the matcher still tests each pattern's bound).
            let wanted = |p: usize, w: usize| bounds.get(p).is_none_or(|&b| w <= b as usize);
            let want: Vec<Vec<_>> = texts
                .iter()
                .zip(&words)
                .map(|(t, &w)| {
                    let mut all = Vec::new();
                    d.for_each(t.as_bytes(), |p, s, e| all.push((p, s, e)));
                    let ends: Vec<usize> = all
                        .iter()
                        .filter(|&&(p, _, _)| wanted(p, w))
                        .map(|&(_, _, e)| e)
                        .collect();
                    all.retain(|&(_, _, e)| ends.contains(&e));
                    all
                })
                .collect();
            // Only the order of a text's matches may differ: `for_each`
            // gives them by end, the states' numbers being sorted by bound.
            let sorted = |mut v: Vec<Vec<(usize, usize, usize)>>| {
                v.iter_mut().for_each(|m| m.sort_unstable());
                v
            };
            let want = sorted(want);
            proptest::prop_assert_eq!(&sorted(in_lanes::<1>(&d, &texts, &words)), &want);
            proptest::prop_assert_eq!(&sorted(in_lanes::<2>(&d, &texts, &words)), &want);
            proptest::prop_assert_eq!(&sorted(in_lanes::<3>(&d, &texts, &words)), &want);
            proptest::prop_assert_eq!(&sorted(in_lanes::<4>(&d, &texts, &words)), &want);
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
        assert!(Dense::build(&[""], &Starts::anywhere(), &[]).is_none());
    }

    #[test]
    fn every_byte_in_a_pattern() {
        // No byte left for a shared class: every byte has its own (but the
        // mark, which no text holds).
        let pats: Vec<Vec<u8>> = (0..=254u8)
            .map(|b| vec![b, b.wrapping_mul(7) % 255])
            .collect();
        let d = Dense::build(&pats, &Starts::anywhere(), &[]).unwrap();
        let mut text: Vec<u8> = (0..2000u32).map(|i| (i * i * 13 + i) as u8 % 255).collect();
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
        let d = Dense::build(&pats, &Starts::anywhere(), &[]).unwrap();
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
