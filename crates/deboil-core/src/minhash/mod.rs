//! Shingling and MinHash signatures.
//!
//! Documents are shingled on their normalised key (see [`crate::normalize`]):
//! word n-grams over alphanumeric tokens, or character n-grams. A character
//! n-gram is hashed with xxh3; a word n-gram mixes the hashes of its words,
//! each word hashed once (one multiply up to 16 bytes, xxh3 past that).
//! Signatures are computed with one-permutation hashing
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

use xxhash_rust::xxh3::xxh3_64_with_seed;

mod chars;
#[cfg(test)]
mod tests;
mod words;

use crate::normalize;
use chars::{Each, Sink, char_shingles};
use words::{ngrams_fast, word_tokens};

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
        let eq = crate::lsh::equal_low_bytes(self.low, other.low);
        estimate((self.shingles, other.shingles), eq, self.low.len())
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

    /// Appends a blank entry, to be filled by [`SigStore::set`]: signatures
    /// may come out of order.
    pub fn push_blank(&mut self) {
        let entry = self.k + 4;
        if self.len.is_multiple_of(CHUNK_DOCS) {
            self.chunks.push(Vec::with_capacity(CHUNK_DOCS * entry));
        }
        let chunk = self.chunks.last_mut().expect("a chunk");
        chunk.resize(chunk.len() + entry, 0);
        if let Some(full) = &mut self.full {
            full.resize(full.len() + self.k, 0);
        }
        self.len += 1;
    }

    /// Sets the `i`-th entry (one pushed before) to `s`.
    pub fn set(&mut self, i: usize, s: &Signature) {
        assert_eq!(s.values.len(), self.k, "signature length");
        assert!(i < self.len, "no entry {i}");
        let entry = self.k + 4;
        let at = (i % CHUNK_DOCS) * entry;
        let e = &mut self.chunks[i / CHUNK_DOCS][at..at + entry];
        e[..4].copy_from_slice(&s.shingles.to_le_bytes());
        for (b, &v) in e[4..].iter_mut().zip(&s.values) {
            *b = v as u8;
        }
        if let Some(full) = &mut self.full {
            full[i * self.k..(i + 1) * self.k].copy_from_slice(&s.values);
        }
    }

    /// The `i`-th signature's low bytes.
    #[inline]
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

/// How far [`mix`] rotates its second value.
const MIX_ROT: u32 = 29;

/// Mixes two 64-bit values (for word n-gram hashes and densification).
#[inline]
fn mix(a: u64, b: u64) -> u64 {
    mix_rotated(a, b.rotate_left(MIX_ROT))
}

/// The multiplier of [`mix_rotated`].
const MIX_MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// [`mix`] of `a` and a value already rotated by [`MIX_ROT`].
#[inline(always)]
fn mix_rotated(a: u64, b_rotated: u64) -> u64 {
    let x = (a ^ b_rotated).wrapping_mul(MIX_MUL);
    x ^ (x >> 32)
}

/// The hash of every `N`-gram of word hashes (rotated by [`MIX_ROT`]); at
/// least `N` of them.
#[inline(always)]
fn ngrams<const N: usize>(tokens: &[u64], mut f: impl FnMut(u64)) {
    for w in tokens.windows(N) {
        let w: &[u64; N] = w.try_into().expect("N words");
        f(w.iter().fold(N as u64, |h, &t| mix_rotated(h, t)));
    }
}

/// The values a signature may hold, as the command's `--num-perm` and the
/// Python API take them: fewer estimate too coarsely to tell a threshold,
/// more only cost time and memory.
pub const NUM_PERM: std::ops::RangeInclusive<usize> = 8..=1024;

impl Signer {
    /// A signer with `num_perm` values per signature.
    ///
    /// # Panics
    ///
    /// If `num_perm` is 0 or the shingle size is 0 (`Words(0)`,
    /// `Chars(0)`). [`DedupSettings::resolve`](crate::dedup::DedupSettings::resolve)
    /// and [`Shingling`]'s `from_str` refuse them with an error instead.
    pub fn new(shingling: Shingling, num_perm: usize, scheme: Scheme) -> Signer {
        assert!(num_perm > 0, "num_perm must be positive");
        // Here rather than at the first text, deep in the shingling.
        assert!(
            !matches!(shingling, Shingling::Words(0) | Shingling::Chars(0)),
            "shingle size must be at least 1"
        );
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

    #[inline(always)]
    fn shingles_in(&self, key: &[u8], scratch: &mut Scratch, f: impl FnMut(u64)) {
        self.shingles_into(key, scratch, Each(f));
    }

    /// [`Signer::shingles_in`] into a [`Sink`].
    #[inline(always)]
    fn shingles_into(&self, key: &[u8], scratch: &mut Scratch, mut sink: impl Sink) {
        match self.shingling {
            Shingling::Words(n) => {
                // The sink moved into the closure, its fields held there:
                // through a reference, each store to the counter's bits
                // reloaded them.
                let mut f = move |h| sink.add(h);
                let words = word_tokens(key, &mut scratch.tokens);
                let tokens = &scratch.tokens[..words];
                // A window of known length is unrolled (a loop of a runtime
                // length cost more than the mixing itself).
                match (n, tokens.len()) {
                    (_, 0) => {}
                    (1, _) => ngrams::<1>(tokens, f),
                    (2, 2..) => ngrams_fast::<2>(tokens, f),
                    (3, 3..) => ngrams_fast::<3>(tokens, f),
                    (4, 4..) => ngrams_fast::<4>(tokens, f),
                    (5, 5..) => ngrams_fast::<5>(tokens, f),
                    (6, 6..) => ngrams_fast::<6>(tokens, f),
                    (7, 7..) => ngrams_fast::<7>(tokens, f),
                    (8, 8..) => ngrams_fast::<8>(tokens, f),
                    // A document shorter than n words is one shingle.
                    _ => {
                        for w in tokens.windows(n.min(tokens.len())) {
                            f(w.iter().fold(n as u64, |h, &t| mix_rotated(h, t)));
                        }
                    }
                }
            }
            Shingling::Chars(n) => char_shingles(key, n, &mut scratch.starts, sink),
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
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx2") && has!("bmi1") && has!("bmi2") {
                // SAFETY: AVX2, BMI1 and BMI2 are there (checked just above).
                return unsafe { self.sign_in_bmi(key, scratch) };
            }
        }
        self.sign_in_body(key, scratch)
    }

    /// [`Signer::sign_in`] compiled for AVX2, BMI1 and BMI2: the shingle
    /// loops, the signer's step inlined into them, shift and bit
    /// instructions of those sets.
    ///
    /// # Safety
    /// The CPU has AVX2, BMI1 and BMI2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2")]
    unsafe fn sign_in_bmi(&self, key: &[u8], scratch: &mut Scratch) -> Signature {
        self.sign_in_body(key, scratch)
    }

    #[inline(always)]
    fn sign_in_body(&self, key: &[u8], scratch: &mut Scratch) -> Signature {
        let k = self.num_perm;
        let mut values = vec![u32::MAX; k];
        let mut filled = std::mem::take(&mut scratch.filled);
        filled.clear();
        filled.resize(k, false);
        let mut seen = DistinctCounter::new(std::mem::take(&mut scratch.seen), key.len());
        match self.scheme {
            // The usual length, in arrays of a length known at compile time:
            // no bounds checks, and the minima stay on the stack.
            Scheme::Oph if k == 128 => {
                let mut mins = [NONE; 128];
                // The counter's bits and the minima held by the sink itself,
                // not through the counter: each store to the bits reloaded
                // the counter's pointer, length and mask.
                let bits = seen.bits_mut();
                self.shingles_into(
                    key,
                    scratch,
                    Oph128 {
                        bits,
                        minima: &mut mins,
                    },
                );
                for ((v, f), &m) in values.iter_mut().zip(filled.iter_mut()).zip(&mins) {
                    (*v, *f) = (m as u32, m != NONE);
                }
                if mins.iter().any(|&m| m != NONE) {
                    densify(&mut values, &filled);
                }
            }
            Scheme::Oph => {
                self.shingles_in(key, scratch, |h| {
                    seen.add(h);
                    oph_add(&mut values, &mut filled, h);
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

/// One-permutation hashing of shingle `h`: its high bits pick the bin, its
/// low 32 bits are the value.
#[inline(always)]
fn oph_add(values: &mut [u32], filled: &mut [bool], h: u64) {
    let bin = ((u128::from(h) * values.len() as u128) >> 64) as usize;
    // `values` start at MAX, so one compare suffices; `filled` tells an
    // empty bin from a MAX value for densification.
    values[bin] = values[bin].min(h as u32);
    filled[bin] = true;
}

/// An empty bin of the fixed-length one-permutation path: above every
/// 32-bit value, so that the minimum tells a filled bin from an empty one
/// with no second array to write.
const NONE: u64 = u64::MAX;

/// The 128-value one-permutation signer's step: the distinct counter's bit
/// of `h`, and the minimum of the bin of `h`'s top seven bits
/// (`(h * 128) >> 64`), its low 32 bits the value.
#[inline(always)]
fn add_oph128(bits: &mut [u64], minima: &mut [u64; 128], h: u64) {
    DistinctCounter::add_to(bits, 64 * bits.len() - 1, h);
    let bin = (h >> 57) as usize;
    minima[bin] = minima[bin].min(u64::from(h as u32));
}

/// The 128-value one-permutation signer's state as a [`Sink`]: the bin of
/// `h` is its top seven bits (`(h * 128) >> 64`).
struct Oph128<'a> {
    bits: &'a mut [u64],
    minima: &'a mut [u64; 128],
}

impl Sink for Oph128<'_> {
    #[inline(always)]
    fn add(&mut self, h: u64) {
        add_oph128(self.bits, self.minima, h);
    }

    #[inline(always)]
    fn oph128(&mut self) -> Option<(&mut [u64], &mut [u64; 128])> {
        Some((self.bits, self.minima))
    }
}

/// Runs `f` with this thread's scratch buffers.
fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    let mut scratch = SCRATCH.with(|t| std::mem::take(&mut *t.borrow_mut()));
    let out = f(&mut scratch);
    scratch.give_back_outsized();
    SCRATCH.with(|t| *t.borrow_mut() = scratch);
    out
}

/// Per-thread buffers for word shingling: one allocation per thread, not per
/// document.
#[derive(Default)]
struct Scratch {
    /// Word hashes of the current document.
    tokens: Vec<u64>,
    /// Character start offsets, for character shingles.
    starts: Vec<usize>,
    /// Bins that got a shingle.
    filled: Vec<bool>,
    /// The distinct-shingle counter's bitmap.
    seen: Vec<u64>,
}

impl Scratch {
    fn give_back_outsized(&mut self) {
        crate::give_back(&mut self.tokens);
        crate::give_back(&mut self.starts);
        crate::give_back(&mut self.filled);
        crate::give_back(&mut self.seen);
    }
}

/// Counts distinct shingles by linear counting: a bitmap of at least as many
/// bits as the text has bytes (so at most one shingle per bit on average),
/// estimated as `-m ln(zero share)`; about 1 % error, with no sort or set.
struct DistinctCounter {
    bits: Vec<u64>,
    /// Bits in `bits` less one (a power of two less one).
    mask: usize,
}

impl DistinctCounter {
    /// A counter over `bits` (a reused buffer, cleared here).
    fn new(mut bits: Vec<u64>, upper_bound: usize) -> Self {
        let m = upper_bound.max(1024).next_power_of_two();
        bits.clear();
        bits.resize(m / 64, 0);
        DistinctCounter { bits, mask: m - 1 }
    }

    #[inline]
    fn add(&mut self, h: u64) {
        Self::add_to(&mut self.bits, self.mask, h);
    }

    /// The bits, for [`add_oph128`].
    fn bits_mut(&mut self) -> &mut [u64] {
        &mut self.bits
    }

    /// [`DistinctCounter::add`] on the counter's [`DistinctCounter::bits_mut`].
    #[inline(always)]
    fn add_to(bits: &mut [u64], mask: usize, h: u64) {
        // The high bits: the low ones already chose the value. Bit
        // `(h >> 32) & mask` of the map: `mask` is `64 bits.len() - 1`,
        // so its word is `(h >> 38) & (bits.len() - 1)`, which the
        // compiler sees is in bounds (no check a shingle).
        debug_assert_eq!(mask + 1, 64 * bits.len());
        debug_assert!(bits.len().is_power_of_two());
        let word = (h >> 38) as usize & (bits.len() - 1);
        if let Some(w) = bits.get_mut(word) {
            *w |= 1 << ((h >> 32) & 63);
        }
    }

    fn estimate(&self) -> u32 {
        let zeros: u32 = self.bits.iter().map(|w| w.count_zeros()).sum();
        // No bit set: no shingle (no flag written per shingle to say so).
        if zeros as usize == self.bits.len() * 64 {
            return 0;
        }
        let m = (self.bits.len() * 64) as f64;
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
