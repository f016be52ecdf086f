//! Shingling and MinHash signatures.
//!
//! Documents are shingled on their normalised key (see [`crate::normalize`]):
//! word n-grams over alphanumeric tokens, or character n-grams. Each shingle is
//! hashed once with xxh3. Signatures are computed with one-permutation hashing
//! and optimal densification (Shrivastava 2017): every shingle costs O(1), not
//! O(number of permutations). The classic scheme, one hash function per
//! permutation, is kept as [`Scheme::Classic`] to compare against.
//!
//! ```
//! use deboil_core::minhash::{Shingling, Signer, Scheme};
//! let signer = Signer::new(Shingling::Words(3), 128, Scheme::Oph);
//! let a = signer.sign("the quick brown fox jumps over the lazy dog");
//! let b = signer.sign("The quick brown fox jumps over the lazy dog!");
//! assert_eq!(a.similarity(&b), 1.0);
//! ```

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::normalize;

/// How a document is cut into shingles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shingling {
    /// Word n-grams (words are runs of letters and digits).
    Words(usize),
    /// Character n-grams of the normalised text.
    Chars(usize),
}

impl std::fmt::Display for Shingling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shingling::Words(n) => write!(f, "word:{n}"),
            Shingling::Chars(n) => write!(f, "char:{n}"),
        }
    }
}

impl std::str::FromStr for Shingling {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (kind, n) = s
            .split_once(':')
            .ok_or_else(|| format!("`{s}`: expected word:N or char:N"))?;
        let n: usize = n
            .parse()
            .ok()
            .filter(|&n| (1..=64).contains(&n))
            .ok_or_else(|| format!("`{s}`: N must be 1 to 64"))?;
        match kind {
            "word" => Ok(Shingling::Words(n)),
            "char" => Ok(Shingling::Chars(n)),
            _ => Err(format!("`{s}`: expected word:N or char:N")),
        }
    }
}

/// How signatures are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// One-permutation hashing with optimal densification: O(1) per shingle.
    Oph,
    /// One hash function per permutation: O(num_perm) per shingle.
    Classic,
}

/// A document's MinHash signature and shingle count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// One value per permutation.
    pub values: Vec<u32>,
    /// Distinct shingles hashed (for containment estimates).
    pub shingles: u32,
}

/// Share of a random value's low byte equal by chance: 1/256.
const CHANCE: f64 = 1.0 / 256.0;

/// Jaccard estimate from `eq` of `k` equal low bytes (b-bit minwise hashing,
/// Li & König 2010, b = 8): unequal minima still agree on their low byte one
/// time in 256, so the share of equal bytes is corrected for that. A
/// document without shingles is similar only to another one without.
fn estimate(shingles: (u32, u32), eq: usize, k: usize) -> f64 {
    if shingles.0 == 0 || shingles.1 == 0 {
        return f64::from(u8::from(shingles.0 == shingles.1));
    }
    let p = eq as f64 / k as f64;
    ((p - CHANCE) / (1.0 - CHANCE)).clamp(0.0, 1.0)
}

/// A signature as held in a [`SigStore`]: the low byte of each value. A
/// quarter of the memory, and the estimate's error at 128 values grows by
/// well under 1 % (`Var = P(1-P) / (k (1-1/256)^2)` with `P` the share of
/// equal bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigRef<'a> {
    /// The low byte of each value.
    pub low: &'a [u8],
    /// Distinct shingles hashed.
    pub shingles: u32,
}

/// Containment from a Jaccard estimate and the two shingle counts.
fn containment_of(j: f64, a: u32, b: u32) -> f64 {
    let (a, b) = (f64::from(a), f64::from(b));
    if a == 0.0 || b == 0.0 {
        return j;
    }
    let inter = j * (a + b) / (1.0 + j);
    (inter / a.min(b)).min(1.0)
}

impl SigRef<'_> {
    /// Estimated Jaccard similarity, from the share of equal bytes.
    pub fn similarity(&self, other: &SigRef) -> f64 {
        let eq = self.low.iter().zip(other.low).filter(|(a, b)| a == b);
        estimate((self.shingles, other.shingles), eq.count(), self.low.len())
    }

    /// Estimated containment: shared shingles over the smaller document's,
    /// from the Jaccard estimate and the two shingle counts.
    pub fn containment(&self, other: &SigRef) -> f64 {
        containment_of(self.similarity(other), self.shingles, other.shingles)
    }
}

impl Signature {
    /// Estimated Jaccard similarity. Compares the low bytes, as [`SigRef`]
    /// does, so that a pair gets the same figure everywhere.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let pairs = self.values.iter().zip(&other.values);
        let eq = pairs.filter(|&(&a, &b)| a as u8 == b as u8).count();
        estimate((self.shingles, other.shingles), eq, self.values.len())
    }

    /// Estimated containment: shared shingles over the smaller document's.
    pub fn containment(&self, other: &Signature) -> f64 {
        containment_of(self.similarity(other), self.shingles, other.shingles)
    }
}

/// Documents per chunk of a [`SigStore`].
const CHUNK_DOCS: usize = 4096;

/// Many signatures of one length, as their low bytes, in fixed-size chunks:
/// no allocation, header or padding per document, and no doubling slack as a
/// single growing array would have. The full values are kept too on request
/// (to save an index).
#[derive(Debug, Clone, Default)]
pub struct SigStore {
    k: usize,
    /// Per document: its shingle count (4 bytes, little-endian), then `k`
    /// low bytes.
    chunks: Vec<Vec<u8>>,
    len: usize,
    full: Option<Vec<u32>>,
}

impl SigStore {
    /// An empty store for signatures of `k` values; with `keep_full`, the
    /// full values are kept as well.
    pub fn new(k: usize, keep_full: bool) -> SigStore {
        SigStore {
            k,
            chunks: Vec::new(),
            len: 0,
            full: keep_full.then(Vec::new),
        }
    }

    /// Appends a signature of the store's length.
    pub fn push(&mut self, s: &Signature) {
        assert_eq!(s.values.len(), self.k, "signature length");
        let entry = self.k + 4;
        if self.len.is_multiple_of(CHUNK_DOCS) {
            self.chunks.push(Vec::with_capacity(CHUNK_DOCS * entry));
        }
        let chunk = self.chunks.last_mut().expect("a chunk");
        chunk.extend_from_slice(&s.shingles.to_le_bytes());
        chunk.extend(s.values.iter().map(|&v| v as u8));
        if let Some(full) = &mut self.full {
            full.extend_from_slice(&s.values);
        }
        self.len += 1;
    }

    /// The `i`-th signature's low bytes.
    pub fn get(&self, i: usize) -> SigRef<'_> {
        let entry = self.k + 4;
        let at = (i % CHUNK_DOCS) * entry;
        let e = &self.chunks[i / CHUNK_DOCS][at..at + entry];
        SigRef {
            shingles: u32::from_le_bytes(e[..4].try_into().expect("4 bytes")),
            low: &e[4..],
        }
    }

    /// The `i`-th signature in full, when the store keeps them.
    pub fn full(&self, i: usize) -> Option<Signature> {
        let full = self.full.as_ref()?;
        Some(Signature {
            values: full[i * self.k..(i + 1) * self.k].to_vec(),
            shingles: self.get(i).shingles,
        })
    }

    /// Number of signatures.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.chunks.iter().map(Vec::capacity).sum::<usize>()
            + self.chunks.capacity() * std::mem::size_of::<Vec<u8>>()
            + self.full.as_ref().map_or(0, |f| f.capacity() * 4)
    }
}

/// Computes signatures; cheap to share across threads.
#[derive(Debug, Clone)]
pub struct Signer {
    shingling: Shingling,
    num_perm: usize,
    scheme: Scheme,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Mixes two 64-bit values (for word n-gram hashes and densification).
#[inline]
fn mix(a: u64, b: u64) -> u64 {
    let x = (a ^ b.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 32)
}

impl Signer {
    /// A signer with `num_perm` values per signature.
    pub fn new(shingling: Shingling, num_perm: usize, scheme: Scheme) -> Signer {
        assert!(num_perm > 0, "num_perm must be positive");
        Signer {
            shingling,
            num_perm,
            scheme,
        }
    }

    /// Values per signature.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// How texts are cut into shingles.
    pub fn shingling(&self) -> Shingling {
        self.shingling
    }

    /// The signature scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Calls `f` with the hash of every shingle of `key`, a normalised text
    /// (see [`normalize::key`]); duplicates included.
    pub fn shingles(&self, key: &str, f: impl FnMut(u64)) {
        with_scratch(|scratch| self.shingles_in(key.as_bytes(), scratch, f));
    }

    fn shingles_in(&self, key: &[u8], scratch: &mut Scratch, mut f: impl FnMut(u64)) {
        match self.shingling {
            Shingling::Words(n) => {
                let mut tokens = std::mem::take(&mut scratch.tokens);
                tokens.clear();
                for_each_word(key, scratch, |s, e| tokens.push(word_hash(key, s, e)));
                if !tokens.is_empty() {
                    // A document shorter than n words is one shingle.
                    for w in tokens.windows(n.min(tokens.len())) {
                        f(w.iter().fold(n as u64, |h, &t| mix(h, t)));
                    }
                }
                scratch.tokens = tokens;
            }
            Shingling::Chars(n) => {
                // Character starts are the bytes that do not continue a UTF-8
                // sequence; the key is whole characters, so no decoding.
                let starts = &mut scratch.starts;
                starts.clear();
                starts.extend((0..key.len()).filter(|&i| key[i] & 0xC0 != 0x80));
                if starts.is_empty() {
                    return;
                }
                starts.push(key.len());
                // A document shorter than n characters is one shingle.
                let m = n.min(starts.len() - 1);
                for w in starts.windows(m + 1) {
                    // xxh3, not `word_hash`: n-grams are used as they are
                    // hashed (word hashes are mixed again into n-grams), and
                    // a cheap hash cost pair precision (`run`: 0.986 with one
                    // multiply, 0.992 with two, 0.994 with xxh3).
                    f(xxh3_64(&key[w[0]..w[m]]));
                }
            }
        }
    }

    /// The signature of `text`.
    pub fn sign(&self, text: &str) -> Signature {
        self.sign_key(&normalize::key(text))
    }

    /// The signature of an already normalised text.
    pub fn sign_key(&self, key: &str) -> Signature {
        self.sign_key_bytes(key.as_bytes())
    }

    /// [`Signer::sign_key`] of a key held as bytes (as [`normalize::push_key`]
    /// writes it), sparing a UTF-8 check of the whole key.
    pub fn sign_key_bytes(&self, key: &[u8]) -> Signature {
        with_scratch(|scratch| self.sign_in(key, scratch))
    }

    fn sign_in(&self, key: &[u8], scratch: &mut Scratch) -> Signature {
        let k = self.num_perm;
        let mut values = vec![u32::MAX; k];
        let mut filled = std::mem::take(&mut scratch.filled);
        filled.clear();
        filled.resize(k, false);
        let mut seen = DistinctCounter::new(std::mem::take(&mut scratch.seen), key.len());
        match self.scheme {
            Scheme::Oph => {
                self.shingles_in(key, scratch, |h| {
                    seen.add(h);
                    // High bits pick the bin, low bits are the value.
                    let bin = ((u128::from(h) * k as u128) >> 64) as usize;
                    let v = h as u32;
                    // `values` start at MAX, so one compare suffices; `filled`
                    // tells an empty bin from a MAX value for densification.
                    values[bin] = values[bin].min(v);
                    filled[bin] = true;
                });
                if filled.iter().any(|&f| f) {
                    densify(&mut values, &filled);
                }
            }
            Scheme::Classic => {
                self.shingles_in(key, scratch, |h| {
                    seen.add(h);
                    for (i, slot) in values.iter_mut().enumerate() {
                        let v = xxh3_64_with_seed(&h.to_le_bytes(), i as u64) as u32;
                        if v < *slot {
                            *slot = v;
                        }
                    }
                });
            }
        }
        let shingles = seen.estimate();
        scratch.filled = filled;
        scratch.seen = seen.bits;
        Signature { values, shingles }
    }
}

/// Runs `f` with this thread's scratch buffers.
fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    let mut scratch = SCRATCH.with(|t| std::mem::take(&mut *t.borrow_mut()));
    let out = f(&mut scratch);
    SCRATCH.with(|t| *t.borrow_mut() = scratch);
    out
}

/// Per-thread buffers for word shingling: one allocation per thread, not per
/// document.
#[derive(Default)]
struct Scratch {
    /// Word hashes of the current document.
    tokens: Vec<u64>,
    /// Bit i: byte i is an ASCII letter or digit, or not ASCII.
    wordish: Vec<u64>,
    /// Bit i: byte i is not ASCII.
    high: Vec<u64>,
    /// Bins that got a shingle.
    filled: Vec<bool>,
    /// The distinct-shingle counter's bitmap.
    seen: Vec<u64>,
    /// Character start offsets, for character shingles.
    starts: Vec<usize>,
}

const LANES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of `m` (the others clear), packed into bits 0..8.
#[inline]
fn pack_high_bits(m: u64) -> u64 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Classifies 64 bytes eight at a time (SWAR, no branch): bit i of the first
/// mask is set when byte i is an ASCII letter or digit or not ASCII, of the
/// second when byte i is not ASCII.
#[inline]
fn classify64(chunk: &[u8; 64]) -> (u64, u64) {
    let mut wordish = 0;
    let mut high = 0;
    for (k, lane) in chunk.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(lane.try_into().expect("8 bytes"));
        let hi = x & HIGH;
        // Low seven bits per byte; adding below 0x80 never carries into the
        // next byte, so bit 7 of `y + (0x80 - a)` says `y >= a`.
        let y = x & !HIGH;
        let digit = (y + LANES * (0x80 - 0x30)) & !(y + LANES * (0x80 - 0x3a));
        let z = y | (LANES * 0x20); // ASCII upper case to lower case
        let letter = (z + LANES * (0x80 - 0x61)) & !(z + LANES * (0x80 - 0x7b));
        wordish |= pack_high_bits(((digit | letter) & HIGH) | hi) << (8 * k);
        high |= pack_high_bits(hi) << (8 * k);
    }
    (wordish, high)
}

/// 64 x 64 -> 128-bit multiply, halves folded: a strong, cheap mixer.
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Little-endian 8 bytes of `b` from `at`, zero-padded past its end.
#[inline]
fn load8(b: &[u8], at: usize) -> u64 {
    match b.get(at..at + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().expect("8 bytes")),
        None => {
            let mut pad = [0u8; 8];
            let tail = &b[at.min(b.len())..];
            pad[..tail.len()].copy_from_slice(tail);
            u64::from_le_bytes(pad)
        }
    }
}

/// The hash of the word `b[s..e]`. Words of up to 16 bytes (nearly all) are
/// read as two overlapping 8-byte loads and mixed by one multiply, with no
/// branch on their length (xxh3's branches on short lengths mispredicted
/// often enough to cost more than the whole rest of the word hashing). One
/// multiply is enough because word hashes are mixed again into n-grams.
#[inline(always)]
fn word_hash(b: &[u8], s: usize, e: usize) -> u64 {
    let len = e - s;
    if len > 16 {
        return xxh3_64(&b[s..e]);
    }
    // Bytes s..s+min(len, 8), and for longer words the last eight.
    let keep = if len >= 8 {
        !0
    } else {
        (1u64 << (8 * len)) - 1
    };
    let lo = load8(b, s) & keep;
    let hi = if len > 8 { load8(b, e - 8) } else { 0 };
    fold_mul(
        lo ^ 0x243F_6A88_85A3_08D3 ^ len as u64,
        hi ^ 0x1319_8A2E_0370_7345,
    )
}

/// Whether any bit in `s..e` is set.
fn any_bit(bits: &[u64], s: usize, e: usize) -> bool {
    let (first, last) = (s / 64, (e - 1) / 64);
    (first..=last).any(|w| {
        let mut m = !0u64;
        if w == first {
            m &= !0 << (s % 64);
        }
        if w == last && e - last * 64 < 64 {
            m &= (1 << (e - last * 64)) - 1;
        }
        bits[w] & m != 0
    })
}

/// Calls `f` with the byte range of each run of alphanumeric characters of
/// `key`.
///
/// Bytes are classified 64 at a time into bit masks, and words are found
/// from the masks' edges, so there is no branch per byte (a branch per byte
/// mispredicted at every word's end and made this half of signing). Runs
/// holding non-ASCII bytes are split at the non-alphanumeric characters, by
/// decoding them.
fn for_each_word(b: &[u8], scratch: &mut Scratch, mut f: impl FnMut(usize, usize)) {
    let (wordish, high) = (&mut scratch.wordish, &mut scratch.high);
    wordish.clear();
    high.clear();
    let mut chunks = b.chunks_exact(64);
    for c in &mut chunks {
        let (w, h) = classify64(c.try_into().expect("64 bytes"));
        wordish.push(w);
        high.push(h);
    }
    if !chunks.remainder().is_empty() {
        // Padded with NUL, which is no word byte.
        let mut pad = [0u8; 64];
        pad[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        let (w, h) = classify64(&pad);
        wordish.push(w);
        high.push(h);
    }
    let mut emit = |s: usize, e: usize, maybe_high: bool| {
        if maybe_high && any_bit(high, s, e) {
            // A run between ASCII bytes of a UTF-8 key is whole characters.
            if let Ok(run) = std::str::from_utf8(&b[s..e]) {
                for w in run.split(|c: char| !c.is_alphanumeric()) {
                    if !w.is_empty() {
                        let at = w.as_ptr() as usize - b.as_ptr() as usize;
                        f(at, at + w.len());
                    }
                }
                return;
            }
        }
        f(s, e);
    };
    // A word's first byte has its bit set and the previous byte's clear; the
    // byte after its last, the reverse.
    let mut carry = 0u64;
    let mut open: Option<usize> = None;
    for (i, (&w, &h)) in wordish.iter().zip(high.iter()).enumerate() {
        let base = i * 64;
        let prev = (w << 1) | carry;
        carry = w >> 63;
        let mut starts = w & !prev;
        let mut ends = !w & prev;
        if let Some(s) = open {
            if ends == 0 {
                continue;
            }
            emit(s, base + ends.trailing_zeros() as usize, true);
            ends &= ends - 1;
            open = None;
        }
        while starts != 0 {
            let s = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            if ends == 0 {
                open = Some(base + s);
                break;
            }
            let e = ends.trailing_zeros() as usize;
            ends &= ends - 1;
            // `e` < 64: a word reaching the chunk's end closes in the next.
            emit(base + s, base + e, h & ((1 << e) - 1) & (!0 << s) != 0);
        }
    }
    if let Some(s) = open {
        emit(s, b.len(), true);
    }
}

/// Counts distinct shingles by linear counting: a bitmap of at least as many
/// bits as the text has bytes (so at most one shingle per bit on average),
/// estimated as `-m ln(zero share)`; about 1 % error, with no sort or set.
struct DistinctCounter {
    bits: Vec<u64>,
    any: bool,
}

impl DistinctCounter {
    /// A counter over `bits` (a reused buffer, cleared here).
    fn new(mut bits: Vec<u64>, upper_bound: usize) -> Self {
        let m = upper_bound.max(1024).next_power_of_two();
        bits.clear();
        bits.resize(m / 64, 0);
        DistinctCounter { bits, any: false }
    }

    #[inline]
    fn add(&mut self, h: u64) {
        // The high bits: the low ones already chose the value.
        let i = (h >> 32) as usize & (self.bits.len() * 64 - 1);
        self.bits[i / 64] |= 1 << (i % 64);
        self.any = true;
    }

    fn estimate(&self) -> u32 {
        if !self.any {
            return 0;
        }
        let m = (self.bits.len() * 64) as f64;
        let zeros: u32 = self.bits.iter().map(|w| w.count_zeros()).sum();
        let n = -m * (f64::from(zeros.max(1)) / m).ln();
        n.round().max(1.0) as u32
    }
}

/// Optimal densification: an empty bin copies the value of a non-empty bin
/// chosen by a hash of (bin, attempt), the same choice in every document.
fn densify(values: &mut [u32], filled: &[bool]) {
    let k = values.len() as u64;
    for j in 0..values.len() {
        if filled[j] {
            continue;
        }
        let mut attempt = 0u64;
        loop {
            let h = mix(j as u64 + 1, attempt + 0x5151);
            let src = ((u128::from(h) * u128::from(k)) >> 64) as usize;
            if filled[src] {
                values[j] = values[src];
                break;
            }
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize, from: usize) -> String {
        (from..from + n)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Two documents with known Jaccard similarity over word 1-grams.
    fn pair(shared: usize, only: usize) -> (String, String, f64) {
        let a = format!("{} {}", words(shared, 0), words(only, 100_000));
        let b = format!("{} {}", words(shared, 0), words(only, 200_000));
        (a, b, shared as f64 / (shared + 2 * only) as f64)
    }

    #[test]
    fn estimates_are_close_to_true_jaccard_for_both_schemes() {
        for scheme in [Scheme::Oph, Scheme::Classic] {
            let signer = Signer::new(Shingling::Words(1), 256, scheme);
            for (shared, only) in [(800, 100), (500, 250), (200, 400)] {
                let (a, b, truth) = pair(shared, only);
                let est = signer.sign(&a).similarity(&signer.sign(&b));
                // 256 permutations: standard error <= 0.032; allow 4 sigma.
                assert!((est - truth).abs() < 0.13, "{scheme:?} {truth} {est}");
            }
        }
    }

    #[test]
    fn store_keeps_low_bytes_across_chunks_and_full_values_on_request() {
        let sig = |i: u32| Signature {
            values: (0..8)
                .map(|v| i.wrapping_mul(0x9E37_79B9) ^ (v << 8))
                .collect(),
            shingles: i,
        };
        let n = CHUNK_DOCS as u32 + 3;
        let mut lean = SigStore::new(8, false);
        let mut full = SigStore::new(8, true);
        for i in 0..n {
            lean.push(&sig(i));
            full.push(&sig(i));
        }
        assert_eq!(lean.len(), n as usize);
        for i in [0, 1, CHUNK_DOCS as u32 - 1, CHUNK_DOCS as u32, n - 1] {
            let low: Vec<u8> = sig(i).values.iter().map(|&v| v as u8).collect();
            assert_eq!(lean.get(i as usize).low, &low[..]);
            assert_eq!(lean.get(i as usize).shingles, i);
            assert_eq!(lean.full(i as usize), None);
            assert_eq!(full.full(i as usize), Some(sig(i)));
        }
        // The stored form gives the same estimate as the signatures.
        let (a, b) = (sig(5), sig(7));
        let (x, y) = (lean.get(5), lean.get(7));
        assert_eq!(x.similarity(&y), a.similarity(&b));
        assert_eq!(x.containment(&y), a.containment(&b));
        assert_eq!(x.similarity(&x), 1.0);
    }

    #[test]
    fn chance_agreement_of_low_bytes_is_corrected() {
        // Values that differ but share their low byte agree by chance only:
        // one in 256 such bins is expected, and counts as no agreement.
        let a = Signature {
            values: (0..256).map(|v| v << 8).collect(),
            shingles: 100,
        };
        let mut b = a.clone();
        for v in b.values.iter_mut().skip(1) {
            *v = v.wrapping_add(1);
        }
        assert_eq!(a.similarity(&b), 0.0);
        for v in b.values.iter_mut().take(128) {
            *v &= !0xff;
        }
        let half = a.similarity(&b);
        assert!(
            (half - (0.5 - CHANCE) / (1.0 - CHANCE)).abs() < 1e-12,
            "{half}"
        );
    }

    #[test]
    fn containment_finds_an_abridged_copy() {
        let signer = Signer::new(Shingling::Words(1), 256, Scheme::Oph);
        let full = words(1000, 0);
        let half = words(500, 0);
        let (a, b) = (signer.sign(&full), signer.sign(&half));
        assert!(a.similarity(&b) < 0.65);
        assert!(a.containment(&b) > 0.85, "{}", a.containment(&b));
    }

    /// The plain definition of a word: a run of alphanumeric characters.
    fn words_by_char(key: &str) -> Vec<String> {
        key.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    }

    fn words_by_mask(key: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(key.as_bytes(), &mut Scratch::default(), |s, e| {
            out.push(key[s..e].to_string())
        });
        out
    }

    #[test]
    fn char_shingles_are_the_n_character_substrings() {
        for (key, n) in [("grüße aus köln", 3), ("ab", 5), ("€€ x €", 2), ("", 4)] {
            let chars: Vec<char> = key.chars().collect();
            let want: Vec<u64> = if chars.is_empty() {
                Vec::new()
            } else {
                chars
                    .windows(n.min(chars.len()))
                    .map(|w| xxh3_64(w.iter().collect::<String>().as_bytes()))
                    .collect()
            };
            let mut got = Vec::new();
            Signer::new(Shingling::Chars(n), 8, Scheme::Oph).shingles(key, |h| got.push(h));
            assert_eq!(got, want, "{key:?} {n}");
        }
    }

    #[test]
    fn words_cross_chunk_edges() {
        for len in [1, 62, 63, 64, 65, 127, 128, 129, 200] {
            for lead in 0..3 {
                let key = format!("{}{} b-ü€x", " ".repeat(lead), "a".repeat(len));
                assert_eq!(words_by_mask(&key), words_by_char(&key), "{len} {lead}");
                let key = format!("{}{}", "é".repeat(len), "-z".repeat(lead));
                assert_eq!(words_by_mask(&key), words_by_char(&key), "{len} {lead}");
            }
        }
        assert!(words_by_mask("").is_empty());
        assert!(words_by_mask("…—").is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Words found from the byte masks are the runs of alphanumeric
        /// characters, for any text (ASCII-heavy strings reach the fast path).
        #[test]
        fn words_match_the_plain_definition(key in r"([a-z0-9 .,;:'()\n-]{0,40}|\PC{0,12}){0,12}") {
            proptest::prop_assert_eq!(words_by_mask(&key), words_by_char(&key));
        }

        /// For any overlap, the OPH estimate stays within 5 standard errors
        /// (sqrt(J(1-J)/K) at K = 128) of the exact Jaccard similarity.
        #[test]
        fn oph_estimates_stay_within_the_error_bound(shared in 50usize..600, only_a in 0usize..300, only_b in 0usize..300, seed in 0usize..1000) {
            let signer = Signer::new(Shingling::Words(1), 128, Scheme::Oph);
            let base = seed * 10_000;
            let a = format!("{} {}", words(shared, base), words(only_a, 5_000_000 + base));
            let b = format!("{} {}", words(shared, base), words(only_b, 9_000_000 + base));
            let truth = shared as f64 / (shared + only_a + only_b) as f64;
            let est = signer.sign(&a).similarity(&signer.sign(&b));
            let se = (truth * (1.0 - truth) / 128.0).sqrt().max(0.01);
            proptest::prop_assert!((est - truth).abs() <= 5.0 * se, "truth {} est {}", truth, est);
        }

        /// Signatures do not depend on line breaks, case or spacing.
        #[test]
        fn signatures_ignore_layout(ws in proptest::collection::vec("[a-zA-Z]{1,8}", 1..60)) {
            let signer = Signer::new(Shingling::Chars(5), 64, Scheme::Oph);
            let a = ws.join(" ");
            let b = ws.iter().map(|w| w.to_uppercase()).collect::<Vec<_>>().join("\n  ");
            proptest::prop_assert_eq!(signer.sign(&a), signer.sign(&b));
        }
    }

    #[test]
    fn distinct_shingle_counts_are_close() {
        let signer = Signer::new(Shingling::Words(1), 64, Scheme::Oph);
        for n in [1, 10, 300, 5000] {
            // Every word twice: duplicates must not count.
            let text = format!("{} {}", words(n, 0), words(n, 0));
            let got = f64::from(signer.sign(&text).shingles);
            assert!(
                (got - n as f64).abs() <= (n as f64 * 0.03).max(1.0),
                "{n}: {got}"
            );
        }
    }

    #[test]
    fn shingling_parses_and_short_documents_still_sign() {
        assert_eq!("word:5".parse(), Ok(Shingling::Words(5)));
        assert_eq!("char:7".parse(), Ok(Shingling::Chars(7)));
        assert!("word:0".parse::<Shingling>().is_err());
        assert!("line:3".parse::<Shingling>().is_err());
        let signer = Signer::new(Shingling::Words(5), 64, Scheme::Oph);
        let s = signer.sign("two words");
        assert_eq!(s.shingles, 1);
        assert_eq!(s.similarity(&signer.sign("Two,  words.")), 1.0);
        assert!(signer.sign("").similarity(&s) == 0.0);
    }

    #[test]
    fn char_shingles_see_through_line_breaks_and_quotes() {
        let signer = Signer::new(Shingling::Chars(5), 128, Scheme::Oph);
        let a = signer.sign("He said \u{201e}yes\u{201c}\nand left.");
        let b = signer.sign("He said \"yes\" and left.");
        assert_eq!(a.similarity(&b), 1.0);
    }
}
