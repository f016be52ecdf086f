//! Locality-sensitive hashing over MinHash signatures: banding, and the choice
//! of bands x rows for a similarity threshold.
//!
//! Two documents with similarity `s` share at least one band with probability
//! `1 - (1 - s^r)^b`. [`optimal_params`] picks `b` and `r` (with `b * r` at most
//! the number of permutations) that minimise the area of false positives below
//! the threshold plus the area of false negatives above it.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::hash::HashKeyed;
use crate::minhash::Signature;

/// Bands and rows per band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Number of bands.
    pub bands: usize,
    /// Signature values per band.
    pub rows: usize,
}

/// Probability that a pair of similarity `s` becomes a candidate.
pub fn candidate_probability(s: f64, p: Params) -> f64 {
    1.0 - (1.0 - s.powi(p.rows as i32)).powi(p.bands as i32)
}

fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    // Midpoint rule: the curves are smooth, 200 steps are plenty.
    let n = 200;
    let h = (b - a) / n as f64;
    (0..n).map(|i| f(a + (i as f64 + 0.5) * h)).sum::<f64>() * h
}

/// The areas of false positives (below `t`) and false negatives (above `t`).
pub fn error_areas(t: f64, p: Params) -> (f64, f64) {
    (
        integrate(|s| candidate_probability(s, p), 0.0, t),
        integrate(|s| 1.0 - candidate_probability(s, p), t, 1.0),
    )
}

/// Bands x rows minimising the sum of both error areas at threshold `t`.
pub fn optimal_params(t: f64, num_perm: usize) -> Params {
    let mut best = (
        f64::MAX,
        Params {
            bands: 1,
            rows: num_perm,
        },
    );
    for bands in 1..=num_perm {
        for rows in 1..=num_perm / bands {
            let p = Params { bands, rows };
            let (fp, fneg) = error_areas(t, p);
            if fp + fneg < best.0 {
                best = (fp + fneg, p);
            }
        }
    }
    best.1
}

/// Band hashes of a signature: one u64 per band.
pub fn band_hashes(sig: &Signature, p: Params, out: &mut Vec<u64>) {
    out.clear();
    let mut bytes = Vec::with_capacity(p.rows * 4);
    for b in 0..p.bands {
        let vals = &sig.values[b * p.rows..(b + 1) * p.rows];
        bytes.clear();
        for v in vals {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        out.push(xxh3_64_with_seed(&bytes, b as u64));
    }
}

const NONE: u32 = u32::MAX;

/// An LSH index: documents are added in order; each addition returns the
/// earlier documents sharing a band with it.
///
/// Each band maps a bucket to its newest document; `next` chains every
/// document to the previous one in the same bucket. That is one map entry
/// per distinct bucket and four bytes per document and band, instead of a
/// list per bucket. Buckets are keyed by 32 bits of the band hash: a
/// collision only adds a candidate, and every candidate is verified.
#[derive(Debug)]
pub struct Index {
    heads: Vec<HashKeyed<u32, u32>>,
    next: Vec<u32>,
    /// Candidates taken from one bucket at most, newest first: a band shared
    /// by thousands of documents (boilerplate) would make the work quadratic.
    pub max_per_bucket: usize,
}

impl Index {
    /// An empty index for `bands` bands.
    pub fn new(bands: usize, max_per_bucket: usize) -> Index {
        Index {
            heads: (0..bands).map(|_| HashKeyed::default()).collect(),
            next: Vec::new(),
            max_per_bucket,
        }
    }

    /// Adds document `doc` (the next in order: 0, 1, 2, ...) with its band
    /// hashes; puts the earlier documents sharing a band in `candidates`
    /// (sorted, without repeats).
    pub fn insert(&mut self, doc: u32, bands: &[u64], candidates: &mut Vec<u32>) {
        let nb = self.heads.len();
        debug_assert_eq!(
            self.next.len(),
            doc as usize * nb,
            "documents come in order"
        );
        candidates.clear();
        for (b, &h) in bands.iter().enumerate() {
            let key = (h ^ (h >> 32)) as u32;
            let prev = self.heads[b].insert(key, doc).unwrap_or(NONE);
            self.next.push(prev);
            let mut c = prev;
            let mut taken = 0;
            while c != NONE && taken < self.max_per_bucket {
                candidates.push(c);
                c = self.next[c as usize * nb + b];
                taken += 1;
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
    }

    /// Passes over document `doc` (an exact copy, kept out of the buckets),
    /// so that document numbers stay positions in the chains.
    pub fn skip(&mut self, doc: u32) {
        let nb = self.heads.len();
        debug_assert_eq!(
            self.next.len(),
            doc as usize * nb,
            "documents come in order"
        );
        self.next.extend(std::iter::repeat_n(NONE, nb));
    }

    /// Bytes held, roughly: map entries and chain links.
    pub fn memory_bytes(&self) -> usize {
        let entries: usize = self.heads.iter().map(|m| m.capacity()).sum();
        entries * (std::mem::size_of::<(u32, u32)>() + 1) + self.next.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_put_the_s_curve_at_the_threshold() {
        for t in [0.5, 0.7, 0.8, 0.9] {
            let p = optimal_params(t, 128);
            assert!(p.bands * p.rows <= 128);
            assert!(candidate_probability(t - 0.2, p) < 0.5, "{t} {p:?}");
            assert!(
                candidate_probability((t + 0.1).min(1.0), p) > 0.5,
                "{t} {p:?}"
            );
        }
        // A higher threshold needs more rows per band.
        assert!(optimal_params(0.9, 128).rows > optimal_params(0.5, 128).rows);
    }

    #[test]
    fn index_returns_earlier_documents_sharing_a_band() {
        let mut idx = Index::new(3, 8);
        let mut c = Vec::new();
        idx.insert(0, &[1, 2, 3], &mut c);
        assert!(c.is_empty());
        idx.insert(1, &[9, 2, 9], &mut c);
        assert_eq!(c, [0]);
        // The same hash in another band is no match.
        idx.insert(2, &[3, 8, 7], &mut c);
        assert!(c.is_empty());
        idx.insert(3, &[1, 2, 7], &mut c);
        assert_eq!(c, [0, 1, 2]);
        // At most max_per_bucket from one bucket, newest first.
        let mut idx = Index::new(1, 2);
        for d in 0..5 {
            idx.insert(d, &[42], &mut c);
        }
        assert_eq!(c, [2, 3]);
        // A skipped document is never a candidate.
        let mut idx = Index::new(1, 8);
        idx.insert(0, &[7], &mut c);
        idx.skip(1);
        idx.insert(2, &[7], &mut c);
        assert_eq!(c, [0]);
    }
}
