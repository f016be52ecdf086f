//! What counting needs of a line (its hash, its opening's hash, its words),
//! remembered by the line's text.
//!
//! Learning exists because lines recur: on whole pages most lines are the
//! site's template, and copies of one story repeat its paragraphs (in
//! `pages_dev.jsonl` 63 % of non-blank lines, 28 % of their bytes, repeat an
//! earlier line exactly). A line's key ([`normalize::push_key`]) is a
//! function of its text alone, so a line seen before needs only a hash of
//! its bytes and a comparison with the text remembered, not its key again.
//! Each thread keeps its own small table: a slot per hash (a new line takes
//! the slot over), the texts in one buffer that starts over when full.
//!
//! A line can also be remembered as its caller read it, still encoded (a
//! JSON string's line as written, say): then a line met before is found
//! without decoding it at all. Each encoding is a kind of its own, so that
//! the same bytes read two ways are two lines.

use super::prefix_hash;
use crate::normalize;

/// Slots in a thread's table (a power of two).
const SLOTS: usize = 1 << 15;
/// Bytes of remembered texts a thread keeps before it starts over.
const TEXT_BYTES: usize = 8 << 20;
/// Longer lines are not remembered (one would crowd out thousands).
const LINE_MAX: usize = 1 << 16;

/// What counting needs of a non-blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Facts {
    /// [`normalize::line_hash`] of its key.
    pub hash: u64,
    /// The hash of its opening ([`prefix_hash`]), for lines long enough.
    pub prefix: Option<u64>,
    /// Its words, as the key counts them.
    pub words: usize,
}

#[derive(Clone, Copy)]
struct Slot<V> {
    /// The hash of the line's bytes.
    tag: u64,
    /// Where its text lies in [`Memo::text`]; `len` is `u32::MAX` for an empty slot.
    start: u32,
    len: u32,
    /// How the bytes encode the line (0: they are its text).
    kind: u8,
    value: Option<V>,
}

/// Keeps the hashes of the bytes of lines of different kinds apart.
const KIND_SEED: [u64; 4] = [
    0,
    0x9e37_79b9_7f4a_7c15,
    0xc2b2_ae3d_27d4_eb4f,
    0x1656_67b1_9e37_79f9,
];

/// Kinds of line [`Memo::get_or_read`] tells apart.
pub const KINDS: u8 = KIND_SEED.len() as u8;

/// A thread's remembered lines and what was computed from each, `V`: a
/// function of the line's text alone.
pub(crate) struct Memo<V> {
    slots: Vec<Slot<V>>,
    text: Vec<u8>,
    /// [`TEXT_BYTES`], but tests make the table small.
    text_max: usize,
}

impl<V: Copy> Memo<V> {
    pub fn new() -> Memo<V> {
        Memo::sized(SLOTS, TEXT_BYTES)
    }

    /// A table of `slots` slots (a power of two) and `text_max` bytes of texts.
    fn sized(slots: usize, text_max: usize) -> Memo<V> {
        assert!(slots.is_power_of_two());
        Memo {
            slots: vec![Self::EMPTY; slots],
            text: Vec::new(),
            text_max,
        }
    }

    const EMPTY: Slot<V> = Slot {
        tag: 0,
        start: 0,
        len: u32::MAX,
        kind: 0,
        value: None,
    };

    /// Forgets every line.
    pub fn clear(&mut self) {
        self.text.clear();
        self.slots.fill(Self::EMPTY);
    }

    /// What `compute` gives for `line`: remembered, or computed (and remembered).
    #[inline]
    pub fn get_or(&mut self, line: &str, compute: impl FnOnce(&str) -> V) -> V {
        let v = self.get_or_read(line.as_bytes(), 0, |_| Some(compute(line)));
        v.expect("computed")
    }

    /// [`Memo::get_or`] for a value filled in stages: a remembered value
    /// that `done` refuses goes to `compute`, and what that returns takes
    /// its place (a line not remembered gives `compute` `None`).
    #[inline]
    pub fn get_or_update(
        &mut self,
        line: &str,
        done: impl FnOnce(&V) -> bool,
        compute: impl FnOnce(Option<V>) -> V,
    ) -> V {
        let b = line.as_bytes();
        let tag = tag_of(b) ^ KIND_SEED[0];
        let i = (tag as usize) & (self.slots.len() - 1);
        let s = &self.slots[i];
        if s.tag == tag
            && s.len as usize == b.len()
            && s.kind == 0
            && &self.text[s.start as usize..s.start as usize + b.len()] == b
            && let Some(v) = s.value
        {
            if done(&v) {
                return v;
            }
            let v = compute(Some(v));
            self.slots[i].value = Some(v);
            return v;
        }
        let v = compute(None);
        self.store(i, tag, b, 0, v);
        v
    }

    /// What `compute` gives for the line `bytes` encode in their `kind`
    /// (below [`KINDS`]): remembered, or computed and remembered. `compute`
    /// may find that the bytes encode no line (`None`): nothing is
    /// remembered then, so a line remembered was read right once.
    #[inline]
    pub fn get_or_read(
        &mut self,
        b: &[u8],
        kind: u8,
        compute: impl FnOnce(&[u8]) -> Option<V>,
    ) -> Option<V> {
        let tag = tag_of(b) ^ KIND_SEED[usize::from(kind)];
        let i = (tag as usize) & (self.slots.len() - 1);
        let s = &self.slots[i];
        if s.tag == tag
            && s.len as usize == b.len()
            && s.kind == kind
            && &self.text[s.start as usize..s.start as usize + b.len()] == b
            && let Some(v) = s.value
        {
            return Some(v);
        }
        let v = compute(b)?;
        self.store(i, tag, b, kind, v);
        Some(v)
    }

    /// Remembers `v` for the line `b` of `kind` in slot `i` (its tag's).
    #[inline]
    fn store(&mut self, i: usize, tag: u64, b: &[u8], kind: u8, v: V) {
        if b.len() <= LINE_MAX {
            if self.text.len() + b.len() > self.text_max {
                self.clear();
            }
            self.slots[i] = Slot {
                tag,
                start: self.text.len() as u32,
                len: b.len() as u32,
                kind,
                value: Some(v),
            };
            self.text.extend_from_slice(b);
        }
    }
}

/// A line's slot tag: a hash of its bytes, of a sample of them for long
/// lines (the first and last 32 and the 16 in the middle, with the length).
/// Lines that differ only elsewhere take each other's slot, which costs
/// only time: a slot's bytes are compared in full. Hashing every byte cost
/// more than comparing them (the average line is over 200 bytes).
#[inline]
fn tag_of(b: &[u8]) -> u64 {
    const EDGE: usize = 32;
    const MID: usize = 16;
    let n = b.len();
    if n <= 2 * EDGE + MID {
        return xxhash_rust::xxh3::xxh3_64(b);
    }
    let mut s = [0u8; 2 * EDGE + MID];
    s[..EDGE].copy_from_slice(&b[..EDGE]);
    s[EDGE..EDGE + MID].copy_from_slice(&b[n / 2..n / 2 + MID]);
    s[EDGE + MID..].copy_from_slice(&b[n - EDGE..]);
    xxhash_rust::xxh3::xxh3_64_with_seed(&s, n as u64)
}

/// Counting's memo: each line's [`Facts`] (`None` for a blank line).
pub(super) struct FactsMemo {
    memo: Memo<Option<Facts>>,
    /// The key buffer new lines build their keys in.
    key: Vec<u8>,
    /// The buffer new encoded lines are decoded into.
    text: String,
}

impl FactsMemo {
    pub fn new() -> FactsMemo {
        FactsMemo {
            // Twice the body finder's: counting meets every line of every
            // page, and a line forgotten costs its key again (the first
            // 10,000 pages of peers-100000 hold 40,000 distinct lines,
            // 13.5 MB: at 8 MiB nearly half of the keys were built again).
            memo: Memo::sized(2 * SLOTS, 2 * TEXT_BYTES),
            key: Vec::new(),
            text: String::new(),
        }
    }

    /// The facts of `line`, `None` when it is blank.
    pub fn facts(&mut self, line: &str) -> Option<Facts> {
        if line.is_empty() {
            return None;
        }
        let key = &mut self.key;
        self.memo.get_or(line, |line| facts_of(line, key))
    }

    /// The facts of the line `b` encode in their `kind` (see
    /// [`Memo::get_or_read`]): for kind 0 the bytes are its text, for the
    /// others `decode` writes it (`false`: the bytes encode none, and so
    /// `None` here). Empty bytes are an empty line in every kind.
    pub fn facts_read(
        &mut self,
        b: &[u8],
        kind: u8,
        decode: impl FnOnce(&[u8], &mut String) -> bool,
    ) -> Option<Option<Facts>> {
        if b.is_empty() {
            return Some(None);
        }
        let (key, text) = (&mut self.key, &mut self.text);
        self.memo.get_or_read(b, kind, |b| {
            if kind == 0 {
                return Some(facts_of(std::str::from_utf8(b).ok()?, key));
            }
            text.clear();
            decode(b, text).then(|| facts_of(text, key))
        })
    }
}

/// The facts of `line`, from its key (built in `key`).
fn facts_of(line: &str, key: &mut Vec<u8>) -> Option<Facts> {
    key.clear();
    let words = normalize::push_key(line, key);
    if key.is_empty() {
        return None;
    }
    // Folded in place, hashed once: this is normalize::line_hash.
    normalize::fold_digits(key);
    Some(Facts {
        hash: xxhash_rust::xxh3::xxh3_64(key),
        prefix: prefix_hash(key, words),
        words,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(line: &str) -> Option<Facts> {
        let mut key = Vec::new();
        let words = normalize::push_key(line, &mut key);
        (!key.is_empty()).then(|| Facts {
            hash: normalize::line_hash(&key, &mut Vec::new()),
            prefix: {
                normalize::fold_digits(&mut key);
                prefix_hash(&key, words)
            },
            words,
        })
    }

    #[test]
    fn remembered_facts_are_the_computed_ones() {
        let mut m = FactsMemo::new();
        let lines = [
            "Subscribe to our newsletter for daily updates now and then",
            "  ",
            "Nr. 2231",
            "Nr. 2232",
            "nr. 2231",
            "",
            "Ünïcödé Straße — 12 Äpfel",
        ];
        for round in 0..3 {
            for l in lines {
                assert_eq!(m.facts(l), direct(l), "{l:?}, round {round}");
            }
        }
        // Digits fold: two lines, one hash.
        assert_eq!(
            m.facts("Nr. 2231").unwrap().hash,
            m.facts("Nr. 2232").unwrap().hash
        );
    }

    #[test]
    fn lines_sharing_a_slot_or_outgrowing_the_buffer_stay_right() {
        let mut m = FactsMemo {
            memo: Memo::sized(16, 2000),
            key: Vec::new(),
            text: String::new(),
        };
        // Far more distinct lines than slots, and more bytes than the
        // buffer holds: slots are taken over and the buffer starts over.
        let line = |i: usize| format!("Line {} of the test, word {}", i % 40, i % 7);
        for i in (0..300).chain(0..300) {
            let l = line(i);
            assert_eq!(m.facts(&l), direct(&l), "line {i}");
        }
        // A line over the limit is computed every time, and right.
        let huge = "word ".repeat(LINE_MAX / 4);
        assert_eq!(m.facts(&huge), direct(&huge));
        assert_eq!(m.facts(&huge), direct(&huge));
    }

    #[test]
    fn long_lines_sharing_their_sampled_bytes_stay_apart() {
        // Same length, same first and last 32 bytes and middle 16: one
        // slot, told apart by their bytes.
        let line = |w: &str| {
            format!(
                "{}{w}{}{w}{}",
                "a".repeat(40),
                "b".repeat(40),
                "c".repeat(40)
            )
        };
        let (x, y) = (line("one two"), line("six ten"));
        assert_eq!(tag_of(x.as_bytes()), tag_of(y.as_bytes()));
        let mut m = FactsMemo::new();
        for _ in 0..3 {
            assert_eq!(m.facts(&x), direct(&x));
            assert_eq!(m.facts(&y), direct(&y));
        }
    }

    #[test]
    fn the_same_bytes_read_two_ways_are_two_lines() {
        let mut m = FactsMemo::new();
        let upper = |b: &[u8], out: &mut String| {
            out.push_str(&String::from_utf8_lossy(b).to_uppercase());
            true
        };
        let none = |_: &[u8], _: &mut String| -> bool { unreachable!("kind 0 is its text") };
        let b = b"abc def 12 words here";
        for _ in 0..2 {
            assert_eq!(
                m.facts_read(b, 0, none),
                Some(direct("abc def 12 words here"))
            );
            assert_eq!(
                m.facts_read(b, 1, upper),
                Some(direct("ABC DEF 12 WORDS HERE"))
            );
        }
        // Bytes that encode no line are not remembered as one.
        assert_eq!(m.facts_read(b"x y", 2, |_, _| false), None);
        assert_eq!(m.facts_read(b"x y", 2, upper), Some(direct("X Y")));
        assert_eq!(m.facts_read(&[b'a', 0xff], 0, none), None);
    }

    #[test]
    fn values_filled_in_stages_are_completed_once() {
        let mut m: Memo<(u32, Option<u32>)> = Memo::sized(16, 2000);
        // A line not remembered: computed from nothing.
        assert_eq!(m.get_or("one", |_| (1, None)), (1, None));
        assert_eq!(m.get_or("one", |_| unreachable!("remembered")), (1, None));
        // Refused as not done: completed from what was remembered.
        let done = |v: &(u32, Option<u32>)| v.1.is_some();
        let fill = |v: Option<(u32, Option<u32>)>| {
            let (a, _) = v.expect("remembered");
            (a, Some(a * 10))
        };
        assert_eq!(m.get_or_update("one", done, fill), (1, Some(10)));
        assert_eq!(
            m.get_or_update("one", done, |_| unreachable!("done")),
            (1, Some(10))
        );
        assert_eq!(
            m.get_or("one", |_| unreachable!("remembered")),
            (1, Some(10))
        );
        // A line not remembered gives `compute` nothing, and is remembered.
        assert_eq!(
            m.get_or_update("two", done, |v| (v.map_or(2, |v| v.0), Some(20))),
            (2, Some(20))
        );
        assert_eq!(
            m.get_or("two", |_| unreachable!("remembered")),
            (2, Some(20))
        );
    }
}
