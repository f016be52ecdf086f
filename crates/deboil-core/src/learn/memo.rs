//! What counting needs of a line (its hash, its opening's hash, its words),
//! remembered by the line's text.
//!
//! Learning exists because lines recur: on whole pages most lines are the
//! site's template, and copies of one story repeat its paragraphs (in
//! `pages_dev.jsonl` 63 % of non-blank lines, 28 % of their bytes, repeat an
//! earlier line exactly). A line's key ([`normalize::push_key`]) is a
//! function of its text alone, so a line seen before needs only a hash of
//! its bytes and a comparison with the text remembered, not its key again.
//! Each thread keeps its own table: a slot per hash of the line's bytes (a
//! new line takes the slot over), and no texts. A slot holds a 128-bit hash
//! of the bytes and the value: a line met again is found by hashing its
//! bytes, which are in cache (its caller just read them), where comparing
//! them with a copy kept somewhere in megabytes of texts missed the cache
//! a line at a time. Two lines whose 128-bit hashes agree (2^-128 a pair;
//! learning already tells lines apart by a 64-bit hash of their keys) are
//! one line to the memo.
//!
//! A line can also be remembered as its caller read it, still encoded (a
//! JSON string's line as written, say): then a line met before is found
//! without decoding it at all. Each encoding is a kind of its own (hashed
//! with a seed of its own), so that the same bytes read two ways are two
//! lines.

use super::prefix_hash;
use crate::normalize;

/// Slots in a thread's table (a power of two): 2 MiB of the body finder's
/// slots. Without texts to keep, more slots cost little: 2^15 and 2^16
/// slots missed the cache alike, and the larger table built fewer keys.
const SLOTS: usize = 1 << 16;

/// What counting needs of a non-blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Facts {
    /// [`normalize::line_hash`] of its key.
    pub hash: u64,
    /// The hash of its opening ([`prefix_hash`]), for lines long enough;
    /// 0 for none (learning reads a 0 as none everywhere).
    pub prefix: u64,
    /// Its words, as the key counts them, at most `u16::MAX` (what
    /// learning keeps of them).
    pub words: u16,
    /// A hash of its bytes as read (with their kind): tells apart lines
    /// the key makes one (numbers fold), for pages that are copies.
    pub raw: u64,
}

/// Aligned to its size (32 bytes for the body finder's), so that a look-up
/// reads one cache line: at the 16 bytes past a line that large blocks from
/// the allocator start at, every other slot straddled two.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot<V> {
    /// The hash of the line's bytes (with its kind); `value` is `None` for
    /// an empty slot.
    tag: [u64; 2],
    value: Option<V>,
}

/// Where a line is remembered in a [`Memo`] (of one size): its slot and
/// the hash of its bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    slot: usize,
    tag: [u64; 2],
}

/// Kinds of line [`Memo::get_or_read`] tells apart (each hashes with its
/// own seed).
pub const KINDS: u8 = 4;

/// A thread's remembered lines and what was computed from each, `V`: a
/// function of the line's text alone.
pub(crate) struct Memo<V> {
    slots: Vec<Slot<V>>,
}

impl<V: Copy> Memo<V> {
    pub fn new() -> Memo<V> {
        Memo::sized(SLOTS)
    }

    /// A table of `slots` slots (a power of two).
    fn sized(slots: usize) -> Memo<V> {
        assert!(slots.is_power_of_two());
        Memo {
            slots: vec![Self::EMPTY; slots],
        }
    }

    const EMPTY: Slot<V> = Slot {
        tag: [0; 2],
        value: None,
    };

    /// Forgets every line.
    pub fn clear(&mut self) {
        self.slots.fill(Self::EMPTY);
    }

    /// The slot of the line `b` of `kind`, and its tag.
    #[inline]
    fn find(&self, b: &[u8], kind: u8) -> (usize, [u64; 2]) {
        let h = super::tag::xxh3_128(b, kind);
        let tag = [h as u64, (h >> 64) as u64];
        ((tag[0] as usize) & (self.slots.len() - 1), tag)
    }

    /// Where `line` is remembered, for [`Memo::get_or_at`] and
    /// [`Memo::get_or_update_at`]: a caller that looks a line up twice
    /// hashes it once.
    #[inline]
    pub fn place(&self, line: &str) -> Place {
        let (slot, tag) = self.find(line.as_bytes(), 0);
        Place { slot, tag }
    }

    /// Asks the CPU to fetch the slot at `at` into its cache: a caller
    /// that knows a page's lines places them all first, and each look-up
    /// after then rarely waits on memory (the table is larger than L2).
    #[inline]
    pub fn prefetch(&self, at: Place) {
        crate::prefetch(&self.slots[at.slot]);
    }

    /// What `compute` gives for `line`: remembered, or computed (and remembered).
    #[cfg(test)]
    pub fn get_or(&mut self, line: &str, compute: impl FnOnce(&str) -> V) -> V {
        let v = self.get_or_read(line.as_bytes(), 0, |_| Some(compute(line)));
        v.expect("computed")
    }

    /// [`Memo::get_or`] for the line at `at` ([`Memo::place`] of it).
    #[inline]
    pub fn get_or_at(&mut self, at: Place, compute: impl FnOnce() -> V) -> V {
        let s = &mut self.slots[at.slot];
        if s.tag == at.tag
            && let Some(v) = s.value
        {
            return v;
        }
        let v = compute();
        *s = Slot {
            tag: at.tag,
            value: Some(v),
        };
        v
    }

    /// [`Memo::get_or`] for a value filled in stages: a remembered value
    /// that `done` refuses goes to `compute`, and what that returns takes
    /// its place (a line not remembered gives `compute` `None`).
    #[cfg(test)]
    pub fn get_or_update(
        &mut self,
        line: &str,
        done: impl FnOnce(&V) -> bool,
        compute: impl FnOnce(Option<V>) -> V,
    ) -> V {
        let at = self.place(line);
        self.get_or_update_at(at, done, compute)
    }

    /// [`Memo::get_or_update`] for the line at `at` ([`Memo::place`] of it).
    #[inline]
    pub fn get_or_update_at(
        &mut self,
        at: Place,
        done: impl FnOnce(&V) -> bool,
        compute: impl FnOnce(Option<V>) -> V,
    ) -> V {
        let (i, tag) = (at.slot, at.tag);
        let s = &mut self.slots[i];
        let old = s.value.filter(|_| s.tag == tag);
        if let Some(v) = old
            && done(&v)
        {
            return v;
        }
        let v = compute(old);
        *s = Slot {
            tag,
            value: Some(v),
        };
        v
    }

    /// What `compute` gives for the line `bytes` encode in their `kind`
    /// (below [`KINDS`]): remembered, or computed and remembered. `compute`
    /// may find that the bytes encode no line (`None`): nothing is
    /// remembered then, so a line remembered was read right once.
    #[cfg(test)]
    pub fn get_or_read(
        &mut self,
        b: &[u8],
        kind: u8,
        compute: impl FnOnce(&[u8]) -> Option<V>,
    ) -> Option<V> {
        debug_assert!(kind < KINDS);
        let (i, tag) = self.find(b, kind);
        let s = &mut self.slots[i];
        if s.tag == tag
            && let Some(v) = s.value
        {
            return Some(v);
        }
        let v = compute(b)?;
        *s = Slot {
            tag,
            value: Some(v),
        };
        Some(v)
    }
}

/// Counting's memo: each line's [`Facts`] (`None` for a blank line), in
/// slots of 32 bytes, half a cache line each: counting looks up every line
/// of every page, and a [`Memo`] slot of its facts took 48 (a look-up
/// often touched two lines, and the table was half again as large).
pub(super) struct FactsMemo {
    slots: Vec<FactsSlot>,
    /// The key buffer new lines build their keys in.
    key: Vec<u8>,
    /// The buffer new encoded lines are decoded into.
    text: String,
}

/// A line remembered by counting: the 128-bit hash of its bytes and kind
/// (as [`Memo`] tags them), less the bits the slot's place implies, and its
/// facts.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct FactsSlot {
    /// The hash's upper 64 bits.
    hi: u64,
    /// The lower 64 bits from [`LO_SHIFT`] up; below them the state
    /// ([`EMPTY`], [`BLANK`], [`FACTS`]) and the words.
    lo: u64,
    hash: u64,
    prefix: u64,
}

/// Where [`FactsSlot::lo`] keeps the hash's bits. The bits below are the
/// slot's place (17 bits for [`FactsMemo::new`]'s table, so one bit of the
/// 128 goes unchecked: two lines are one to the memo when 127 bits of
/// their hashes agree, 2^-127 a pair) and the state.
const LO_SHIFT: u32 = 18;
const STATE_SHIFT: u32 = 16;
const EMPTY: u64 = 0;
const BLANK: u64 = 1 << STATE_SHIFT;
const FACTS: u64 = 2 << STATE_SHIFT;
const STATE: u64 = 3 << STATE_SHIFT;

impl FactsMemo {
    pub fn new() -> FactsMemo {
        // 4 MiB (the body finder's is 2): counting meets every line of
        // every page, and a line forgotten costs its key again.
        FactsMemo::sized(2 * SLOTS)
    }

    /// A table of `slots` slots (a power of two, at most 2^[`LO_SHIFT`]).
    fn sized(slots: usize) -> FactsMemo {
        assert!(slots.is_power_of_two() && slots <= 1 << LO_SHIFT);
        let empty = FactsSlot {
            hi: 0,
            lo: EMPTY,
            hash: 0,
            prefix: 0,
        };
        FactsMemo {
            slots: vec![empty; slots],
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
        let f = slot_facts(&mut self.slots, line.as_bytes(), 0, |_| {
            Some(facts_of(line, key))
        });
        f.expect("computed")
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
        slot_facts(&mut self.slots, b, kind, |b| {
            if kind == 0 {
                return Some(facts_of(std::str::from_utf8(b).ok()?, key));
            }
            text.clear();
            decode(b, text).then(|| facts_of(text, key))
        })
    }
}

/// [`Memo::get_or_read`] in a [`FactsMemo`]'s slots.
#[inline]
fn slot_facts(
    slots: &mut [FactsSlot],
    b: &[u8],
    kind: u8,
    compute: impl FnOnce(&[u8]) -> Option<Option<Facts>>,
) -> Option<Option<Facts>> {
    debug_assert!(kind < KINDS);
    let h = super::tag::xxh3_128(b, kind);
    let (lo, hi) = (h as u64, (h >> 64) as u64);
    let tag = lo >> LO_SHIFT << LO_SHIFT;
    let mask = slots.len() - 1;
    let s = &mut slots[(lo as usize) & mask];
    if s.hi == hi && s.lo & !((1 << LO_SHIFT) - 1) == tag {
        match s.lo & STATE {
            BLANK => return Some(None),
            FACTS => {
                return Some(Some(Facts {
                    hash: s.hash,
                    prefix: s.prefix,
                    words: s.lo as u16,
                    raw: lo,
                }));
            }
            _ => {}
        }
    }
    let v = compute(b)?.map(|f| Facts { raw: lo, ..f });
    *s = match v {
        None => FactsSlot {
            hi,
            lo: tag | BLANK,
            hash: 0,
            prefix: 0,
        },
        Some(f) => FactsSlot {
            hi,
            lo: tag | FACTS | u64::from(f.words),
            hash: f.hash,
            prefix: f.prefix,
        },
    };
    Some(v)
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
        prefix: prefix_hash(key, words).unwrap_or(0),
        words: words.min(u16::MAX as usize) as u16,
        // Set by the caller, which hashed the bytes.
        raw: 0,
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
                prefix_hash(&key, words).unwrap_or(0)
            },
            words: words.min(u16::MAX as usize) as u16,
            raw: crate::learn::tag::xxh3_128(line.as_bytes(), 0) as u64,
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
    fn lines_sharing_a_slot_stay_right() {
        let mut m = FactsMemo::sized(16);
        // Far more distinct lines than slots: slots are taken over.
        let line = |i: usize| format!("Line {} of the test, word {}", i % 40, i % 7);
        for i in (0..300).chain(0..300) {
            let l = line(i);
            assert_eq!(m.facts(&l), direct(&l), "line {i}");
        }
        // A long line, remembered too.
        let huge = "word ".repeat(1 << 14);
        assert_eq!(m.facts(&huge), direct(&huge));
        assert_eq!(m.facts(&huge), direct(&huge));
    }

    #[test]
    fn the_body_finders_slot_is_half_a_cache_line() {
        // A value of 16 bytes at most with a niche for `None`, as the body
        // finder's (a hash and a class: see `extract::facts`).
        assert_eq!(std::mem::size_of::<Slot<(u64, Option<u32>)>>(), 32);
        assert_eq!(std::mem::align_of::<Slot<u64>>(), 32);
        let m: Memo<(u64, Option<u32>)> = Memo::sized(16);
        assert_eq!(m.slots.as_ptr() as usize % 32, 0);
    }

    #[test]
    fn a_slot_is_half_a_cache_line() {
        assert_eq!(std::mem::size_of::<FactsSlot>(), 32);
        assert_eq!(std::mem::align_of::<FactsSlot>(), 32);
    }

    #[test]
    fn blank_lines_many_words_and_every_state_are_remembered() {
        let mut m = FactsMemo::sized(4);
        // A key with no characters (blank), more words than a u16 holds,
        // and lines that fight over four slots.
        let many = "a ".repeat(70_000);
        let lines = ["   ", "\u{200b}", many.as_str(), "x", "one two", "..."];
        for round in 0..3 {
            for l in lines {
                assert_eq!(m.facts(l), direct(l), "{l:.20?}, round {round}");
            }
        }
        assert_eq!(m.facts(&many).unwrap().words, u16::MAX);
    }

    #[test]
    fn long_lines_differing_in_a_few_bytes_stay_apart() {
        // Same length, same first and last 40 bytes and middle 40: told
        // apart by their hashes.
        let line = |w: &str| {
            format!(
                "{}{w}{}{w}{}",
                "a".repeat(40),
                "b".repeat(40),
                "c".repeat(40)
            )
        };
        let (x, y) = (line("one two"), line("six ten"));
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
        // The raw hash is of the bytes and their kind, whatever they encode.
        let raw = |kind: u8, f: Facts| Facts {
            raw: crate::learn::tag::xxh3_128(b, kind) as u64,
            ..f
        };
        for _ in 0..2 {
            assert_eq!(
                m.facts_read(b, 0, none),
                Some(direct("abc def 12 words here"))
            );
            assert_eq!(
                m.facts_read(b, 1, upper),
                Some(direct("ABC DEF 12 WORDS HERE").map(|f| raw(1, f)))
            );
        }
        // Bytes that encode no line are not remembered as one.
        assert_eq!(m.facts_read(b"x y", 2, |_, _| false), None);
        let xy = m.facts_read(b"x y", 2, upper).unwrap().unwrap();
        assert_eq!(
            Some(Facts { raw: 0, ..xy }),
            direct("X Y").map(|f| Facts { raw: 0, ..f })
        );
        assert_eq!(m.facts_read(&[b'a', 0xff], 0, none), None);
    }

    #[test]
    fn values_filled_in_stages_are_completed_once() {
        let mut m: Memo<(u32, Option<u32>)> = Memo::sized(16);
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
