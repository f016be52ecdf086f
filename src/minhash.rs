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
//! use deboil::minhash::{Shingling, Signer, Scheme};
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

/// A borrowed signature, as held in a [`SigStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigRef<'a> {
    /// One value per permutation.
    pub values: &'a [u32],
    /// Distinct shingles hashed.
    pub shingles: u32,
}

impl SigRef<'_> {
    /// Estimated Jaccard similarity: the share of equal values.
    pub fn similarity(&self, other: &SigRef) -> f64 {
        if self.shingles == 0 || other.shingles == 0 {
            return f64::from(u8::from(self.shingles == other.shingles));
        }
        let eq = self
            .values
            .iter()
            .zip(other.values)
            .filter(|(a, b)| a == b)
            .count();
        eq as f64 / self.values.len() as f64
    }

    /// Estimated containment: shared shingles over the smaller document's,
    /// from the Jaccard estimate and the two shingle counts.
    pub fn containment(&self, other: &SigRef) -> f64 {
        let j = self.similarity(other);
        let (a, b) = (f64::from(self.shingles), f64::from(other.shingles));
        if a == 0.0 || b == 0.0 {
            return j;
        }
        let inter = j * (a + b) / (1.0 + j);
        (inter / a.min(b)).min(1.0)
    }
}

impl Signature {
    /// Borrows the signature.
    pub fn as_ref(&self) -> SigRef<'_> {
        SigRef {
            values: &self.values,
            shingles: self.shingles,
        }
    }

    /// Estimated Jaccard similarity: the share of equal values.
    pub fn similarity(&self, other: &Signature) -> f64 {
        self.as_ref().similarity(&other.as_ref())
    }

    /// Estimated containment: shared shingles over the smaller document's.
    pub fn containment(&self, other: &Signature) -> f64 {
        self.as_ref().containment(&other.as_ref())
    }
}

/// Many signatures of one length in one flat array: no allocation, header or
/// padding per document.
#[derive(Debug, Clone, Default)]
pub struct SigStore {
    k: usize,
    values: Vec<u32>,
    shingles: Vec<u32>,
}

impl SigStore {
    /// An empty store for signatures of `k` values.
    pub fn new(k: usize) -> SigStore {
        SigStore {
            k,
            values: Vec::new(),
            shingles: Vec::new(),
        }
    }

    /// Appends a signature of the store's length.
    pub fn push(&mut self, s: SigRef) {
        assert_eq!(s.values.len(), self.k, "signature length");
        self.values.extend_from_slice(s.values);
        self.shingles.push(s.shingles);
    }

    /// The `i`-th signature.
    pub fn get(&self, i: usize) -> SigRef<'_> {
        SigRef {
            values: &self.values[i * self.k..(i + 1) * self.k],
            shingles: self.shingles[i],
        }
    }

    /// Number of signatures.
    pub fn len(&self) -> usize {
        self.shingles.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.shingles.is_empty()
    }

    /// Bytes held.
    pub fn memory_bytes(&self) -> usize {
        (self.values.capacity() + self.shingles.capacity()) * 4
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
    static TOKENS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
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

    /// Calls `f` with the hash of every shingle of `key`, a normalised text
    /// (see [`normalize::key`]); duplicates included.
    pub fn shingles(&self, key: &str, mut f: impl FnMut(u64)) {
        match self.shingling {
            Shingling::Words(n) => {
                // The word hashes live in a per-thread buffer: one allocation
                // per thread, not per document.
                let mut tokens = TOKENS.with(|t| std::mem::take(&mut *t.borrow_mut()));
                tokens.clear();
                for_each_word(key, |t| tokens.push(xxh3_64(t)));
                if !tokens.is_empty() {
                    // A document shorter than n words is one shingle.
                    for w in tokens.windows(n.min(tokens.len())) {
                        f(w.iter().fold(n as u64, |h, &t| mix(h, t)));
                    }
                }
                TOKENS.with(|t| *t.borrow_mut() = tokens);
            }
            Shingling::Chars(n) => {
                let idx: Vec<usize> = key.char_indices().map(|(i, _)| i).collect();
                if idx.is_empty() {
                    return;
                }
                let m = n.min(idx.len());
                for s in 0..=idx.len() - m {
                    let end = idx.get(s + m).copied().unwrap_or(key.len());
                    f(xxh3_64(&key.as_bytes()[idx[s]..end]));
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
        let k = self.num_perm;
        let mut values = vec![u32::MAX; k];
        let mut filled = vec![false; k];
        let mut seen = DistinctCounter::new(key.len());
        match self.scheme {
            Scheme::Oph => {
                self.shingles(key, |h| {
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
                self.shingles(key, |h| {
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
        Signature {
            values,
            shingles: seen.estimate(),
        }
    }
}

/// ASCII letters and digits; bytes of other characters are decided by
/// decoding them.
const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut c = 0;
    while c < 128 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    t
};

/// Calls `f` with each run of alphanumeric characters of `key`. ASCII is
/// classified by table; other characters are decoded (keys fold typographic
/// quotes and dashes to ASCII, so that path is rare).
fn for_each_word(key: &str, mut f: impl FnMut(&[u8])) {
    let b = key.as_bytes();
    let n = b.len();
    let mut i = 0;
    loop {
        // Skip to the start of a word.
        while i < n && b[i] < 0x80 && !ASCII_WORD[b[i] as usize] {
            i += 1;
        }
        if i >= n {
            return;
        }
        if b[i] >= 0x80 {
            let ch = key[i..].chars().next().expect("a char starts here");
            if !ch.is_alphanumeric() {
                i += ch.len_utf8();
                continue;
            }
        }
        let start = i;
        // Run to its end.
        while i < n {
            let c = b[i];
            if c < 0x80 {
                if !ASCII_WORD[c as usize] {
                    break;
                }
                i += 1;
            } else {
                let ch = key[i..].chars().next().expect("a char starts here");
                if !ch.is_alphanumeric() {
                    break;
                }
                i += ch.len_utf8();
            }
        }
        f(&b[start..i]);
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
    fn new(upper_bound: usize) -> Self {
        let m = upper_bound.max(1024).next_power_of_two();
        DistinctCounter {
            bits: vec![0; m / 64],
            any: false,
        }
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
    fn containment_finds_an_abridged_copy() {
        let signer = Signer::new(Shingling::Words(1), 256, Scheme::Oph);
        let full = words(1000, 0);
        let half = words(500, 0);
        let (a, b) = (signer.sign(&full), signer.sign(&half));
        assert!(a.similarity(&b) < 0.65);
        assert!(a.containment(&b) > 0.85, "{}", a.containment(&b));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
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
