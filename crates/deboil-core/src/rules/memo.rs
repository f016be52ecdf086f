//! Regex results remembered by line, per worker thread.
//!
//! A regex's match in a line depends on the two alone, and the lines that
//! start regexes are mostly boilerplate, which recurs from page to page: on
//! `pages_dev.jsonl` 70 % of the regex runs (147,000) repeat a run of the
//! same regex on the same line, on the generated benchmark corpus 98 %. A
//! run costs ~500 instructions and touches the regex's own lazy DFA (cache
//! misses); a line's look-up here costs a hash of its key and one probe, and
//! serves all the regexes the line starts. Memory is bounded: past
//! [`MAX_LINES`] lines, [`MAX_BYTES`] bytes of keys or [`MAX_RESULTS`]
//! results the memo starts over (about 2 MiB a thread and rule set).

use std::cell::RefCell;

use crate::hash::HashKeyed;

/// Most lines remembered before the memo starts over.
const MAX_LINES: usize = 8192;
/// Most bytes of line keys remembered before the memo starts over.
const MAX_BYTES: usize = 1 << 20;
/// Most results remembered (16 bytes each) before the memo starts over.
const MAX_RESULTS: usize = 1 << 16;
/// Longer lines are not remembered (their regexes run each time).
const MAX_LINE_BYTES: usize = 4096;
/// No match (in [`Result`]'s start).
const NONE: u32 = u32::MAX;
/// End of a line's list of results.
const END: u32 = u32::MAX;

/// One regex's result on one line: `(regex, start, end, next)`, `start`
/// [`NONE`] when it does not match; `next` the line's previous result.
type Result = (u32, u32, u32, u32);

/// The lines seen and the results of the regexes run on them, for one
/// [`super::matcher::Matchers`] (regexes are its indices).
#[derive(Debug, Default)]
pub(super) struct RegexMemo {
    /// xxh3 of a line's key → its slot.
    index: HashKeyed<u64, u32>,
    /// Per slot: where its key lies in `bytes`, and its last result in
    /// `results` (a list through `next`).
    slots: Vec<(u32, u32, u32)>,
    bytes: Vec<u8>,
    results: Vec<Result>,
}

impl RegexMemo {
    /// The slot of the line `text`, added if new (the memo may start over
    /// first, so slots from before this call are void); `None` for a line
    /// too long to keep.
    pub fn slot(&mut self, text: &[u8]) -> Option<u32> {
        if text.len() > MAX_LINE_BYTES {
            return None;
        }
        let h = xxhash_rust::xxh3::xxh3_64(text);
        if let Some(&s) = self.index.get(&h) {
            let (from, to, _) = self.slots[s as usize];
            if &self.bytes[from as usize..to as usize] == text {
                return Some(s);
            }
        }
        if self.slots.len() >= MAX_LINES
            || self.bytes.len() + text.len() > MAX_BYTES
            || self.results.len() >= MAX_RESULTS
        {
            self.index.clear();
            self.slots.clear();
            self.bytes.clear();
            self.results.clear();
        }
        let from = self.bytes.len() as u32;
        self.bytes.extend_from_slice(text);
        let s = self.slots.len() as u32;
        self.slots.push((from, self.bytes.len() as u32, END));
        // Two lines of one hash: the later one is remembered.
        self.index.insert(h, s);
        Some(s)
    }

    /// The result of `regex` on the line of `slot`, if it was run: its
    /// match's span, or `None`.
    pub fn get(&self, slot: u32, regex: u32) -> Option<Option<(usize, usize)>> {
        let mut at = self.slots[slot as usize].2;
        while at != END {
            let (r, start, end, next) = self.results[at as usize];
            if r == regex {
                return Some((start != NONE).then_some((start as usize, end as usize)));
            }
            at = next;
        }
        None
    }

    /// Remembers the result of `regex` on the line of `slot`.
    pub fn put(&mut self, slot: u32, regex: u32, found: Option<(usize, usize)>) {
        let (start, end) = found.map_or((NONE, 0), |(s, e)| (s as u32, e as u32));
        let last = &mut self.slots[slot as usize].2;
        self.results.push((regex, start, end, *last));
        *last = (self.results.len() - 1) as u32;
    }
}

/// Memos of the few rule sets a thread used last, by matcher id.
#[derive(Default)]
struct Memos(Vec<(u64, RegexMemo)>);

/// Most matchers a thread keeps memos for (a rule set has two).
const MAX_MEMOS: usize = 4;

thread_local! {
    static MEMOS: RefCell<Memos> = RefCell::new(Memos::default());
}

/// Runs `f` with this thread's memo for the matcher `id`.
pub(super) fn with_memo<T>(id: u64, f: impl FnOnce(&mut RegexMemo) -> T) -> T {
    MEMOS.with(|m| {
        let mut m = m.borrow_mut();
        let at = match m.0.iter().position(|(i, _)| *i == id) {
            Some(at) => at,
            None => {
                if m.0.len() >= MAX_MEMOS {
                    m.0.remove(0);
                }
                m.0.push((id, RegexMemo::default()));
                m.0.len() - 1
            }
        };
        f(&mut m.0[at].1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_results_by_line_and_regex() {
        let mut m = RegexMemo::default();
        let a = m.slot(b"share this").unwrap();
        assert_eq!(m.get(a, 3), None);
        m.put(a, 3, Some((0, 5)));
        m.put(a, 7, None);
        let b = m.slot(b"share that").unwrap();
        assert_ne!(a, b);
        assert_eq!(m.get(b, 3), None);
        assert_eq!(m.slot(b"share this"), Some(a));
        assert_eq!(m.get(a, 3), Some(Some((0, 5))));
        assert_eq!(m.get(a, 7), Some(None));
    }

    #[test]
    fn starts_over_when_full() {
        let mut m = RegexMemo::default();
        let first = m.slot(b"line 0").unwrap();
        m.put(first, 1, None);
        for i in 1..=MAX_LINES {
            let s = m.slot(format!("line {i}").as_bytes()).unwrap();
            m.put(s, 1, Some((0, 1)));
        }
        assert!(m.slots.len() <= MAX_LINES);
        let s = m.slot(b"many").unwrap();
        for r in 0..MAX_RESULTS as u32 {
            m.put(s, r, None);
        }
        m.slot(b"another").unwrap();
        assert!(m.results.is_empty());
        let s = m.slot(b"many").unwrap();
        assert_eq!(m.get(s, 0), None);
        let again = m.slot(b"line 0").unwrap();
        assert_eq!(m.get(again, 1), None, "forgotten after starting over");
        assert_eq!(m.slot(&vec![b'x'; MAX_LINE_BYTES + 1]), None);
        let line = vec![b'x'; MAX_LINE_BYTES];
        for n in 0..MAX_BYTES / MAX_LINE_BYTES + 2 {
            m.slot(&line[n..]).unwrap();
            assert!(m.bytes.len() <= MAX_BYTES);
        }
    }
}
