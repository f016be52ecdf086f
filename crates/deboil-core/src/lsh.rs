//! Locality-sensitive hashing over MinHash signatures: banding, and the choice
//! of bands x rows for a similarity threshold.
//!
//! Two documents with similarity `s` share at least one band with probability
//! `1 - (1 - s^r)^b`. [`optimal_params`] picks `b` and `r` (with `b * r` at most
//! the number of permutations) that minimise the area of false positives below
//! the threshold plus the area of false negatives above it.

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::hash::HashSetKeyed;
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
    out.reserve(p.bands);
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

/// Bytes kept per band beside a signature's low bytes, so that every band
/// key has 32 bits. Band keys are read off the stored low bytes (b-bit LSH):
/// four rows or more are a key of 32 bits as they are (more are hashed to
/// 32). Fewer rows hold too few bits (three: unrelated documents would meet
/// in a band once in 2^24 pairs, 340 million candidate pairs at 10 million
/// tiny documents), so each band keeps `4 - rows` bytes of the hash of its
/// whole values: the key is the rows' low bytes, then those bytes.
pub fn extra_key_bytes(p: Params) -> usize {
    4usize.saturating_sub(p.rows)
}

/// Band `b`'s key from a signature's low bytes and, with fewer than four
/// rows, the band's kept bytes (`extra`, see [`extra_key_bytes`]).
#[inline]
pub fn low_band_key(low: &[u8], extra: &[u8], p: Params, b: usize) -> u32 {
    let rows = &low[b * p.rows..(b + 1) * p.rows];
    if rows.len() >= 4 {
        return match rows.try_into() {
            Ok(four) => u32::from_le_bytes(four),
            Err(_) => fold(xxh3_64_with_seed(rows, b as u64)),
        };
    }
    let n = 4 - rows.len();
    let kept = &extra[b * n..(b + 1) * n];
    (rows.iter().chain(kept).rev()).fold(0, |k, &r| (k << 8) | u32::from(r))
}

/// The bytes [`extra_key_bytes`] keeps of each band, from its hashes (as
/// [`band_hashes`] gives them).
pub fn extra_key_of(hashes: &[u64], p: Params, out: &mut Vec<u8>) {
    let n = extra_key_bytes(p);
    for &h in hashes {
        out.extend_from_slice(&fold(h).to_le_bytes()[..n]);
    }
}

/// Bit `e` set when band `e` of two signatures (their low bytes) holds the
/// same rows, for the bands within the first 128 values (see [`Agreement`],
/// which runs for every candidate pair).
pub fn low_bands_agree(a: &[u8], b: &[u8], p: Params) -> u128 {
    let n = a.len().min(b.len()).min(128);
    // Bit i: value i's low bytes are equal (bits past `n` clear).
    let eq = match (a.get(..128), b.get(..128)) {
        (Some(x), Some(y)) => {
            equal_bytes_128(x.try_into().expect("128"), y.try_into().expect("128"))
        }
        _ => equal_bytes(&a[..n], &b[..n]),
    };
    bands_of_equal(eq, p.rows, band_starts(p, n), |i| i / p.rows)
}

/// Bit `e * rows` for each band `e` whole within the first `n` values.
fn band_starts(p: Params, n: usize) -> u128 {
    let rows = p.rows.max(1);
    (0..p.bands.min(n / rows)).fold(0, |m, e| m | (1 << (e * rows)))
}

/// The bands whose rows are all equal, from the mask of equal values and
/// the bands' first bits (`starts`); `band(i)` is the band starting at
/// value `i`.
#[inline]
fn bands_of_equal(eq: u128, rows: usize, starts: u128, band: impl Fn(usize) -> usize) -> u128 {
    // Bit `i` of `all`: values i .. i + rows all equal.
    let mut all = eq;
    for s in 1..rows {
        all &= eq >> s;
    }
    // Unrelated signatures agree on a few scattered values, and a pair of a
    // bucket on a band or two: few bits are left.
    let mut at = all & starts;
    let mut out = 0;
    while at != 0 {
        let i = at.trailing_zeros() as usize;
        at &= at - 1;
        out |= 1 << band(i);
    }
    out
}

/// Which bands two signatures share, and how many values they hold equal,
/// from their low bytes: made once for a shape of bands x rows, asked for
/// every pair met in a bucket (tens of millions at 35 x 3 bands on some
/// corpora), so both come from one mask of equal values found sixteen bytes
/// at a time.
#[derive(Debug, Clone)]
pub struct Agreement {
    p: Params,
    /// Per band `b`, the first bits ([`band_starts`]) of the bands before
    /// it within 128 values: asked about the bands before the one a pair
    /// is met in, most pairs are done once their values are compared.
    starts_before: Vec<u128>,
    /// The band of each value (no division a pair).
    band: [u8; 128],
}

impl Agreement {
    /// For signatures banded as `p`.
    pub fn new(p: Params) -> Agreement {
        let mut band = [0; 128];
        for (i, b) in band.iter_mut().enumerate() {
            *b = (i / p.rows.max(1)).min(127) as u8;
        }
        let starts = band_starts(p, 128);
        let starts_before = (0..=p.bands)
            .map(|b| match b.checked_mul(p.rows).filter(|&v| v < 128) {
                Some(v) => starts & ((1u128 << v) - 1),
                None => starts,
            })
            .collect();
        Agreement {
            p,
            starts_before,
            band,
        }
    }

    /// Which of the bands before `band` two signatures share (as
    /// [`low_bands_agree`]), and [`equal_low_bytes`], from their low bytes.
    #[inline]
    pub fn before(&self, a: &[u8], b: &[u8], band: usize) -> (u128, usize) {
        match (<&[u8; 128]>::try_from(a), <&[u8; 128]>::try_from(b)) {
            (Ok(x), Ok(y)) => {
                let eq = equal_bytes_128(x, y);
                let starts = self.starts_before[band.min(self.p.bands)];
                let bands =
                    bands_of_equal(eq, self.p.rows, starts, |i| usize::from(self.band[i & 127]));
                (bands, eq.count_ones() as usize)
            }
            _ => {
                let below = if band >= 128 { !0 } else { (1u128 << band) - 1 };
                let bands = low_bands_agree(a, b, self.p) & below;
                (bands, equal_low_bytes(a, b))
            }
        }
    }
}

/// How many of the values two signatures' low bytes hold equal (the two
/// zipped, as long as the shorter): what the similarity estimates count,
/// once per candidate pair.
#[inline]
pub fn equal_low_bytes(a: &[u8], b: &[u8]) -> usize {
    match (<&[u8; 128]>::try_from(a), <&[u8; 128]>::try_from(b)) {
        (Ok(x), Ok(y)) => equal_bytes_128(x, y).count_ones() as usize,
        _ => a.iter().zip(b).filter(|(x, y)| x == y).count(),
    }
}

/// Bit i set where `a[i] == b[i]`, for the first 128 bytes at most.
fn equal_bytes(a: &[u8], b: &[u8]) -> u128 {
    a.iter()
        .zip(b)
        .take(128)
        .enumerate()
        .fold(0, |m, (i, (x, y))| m | (u128::from(x == y) << i))
}

/// [`equal_bytes`] of two 128-byte arrays, sixteen bytes at a time.
#[inline]
fn equal_bytes_128(a: &[u8; 128], b: &[u8; 128]) -> u128 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        let mut eq = 0u128;
        for i in 0..8 {
            // SAFETY: SSE2 is part of x86_64; unaligned loads of 16 bytes
            // within the arrays.
            let m = unsafe {
                let x = _mm_loadu_si128(a.as_ptr().add(16 * i).cast());
                let y = _mm_loadu_si128(b.as_ptr().add(16 * i).cast());
                _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) as u16
            };
            eq |= u128::from(m) << (16 * i);
        }
        eq
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        equal_bytes(a, b)
    }
}

/// A 64-bit band hash folded to the 32 bits a bucket is keyed by.
#[inline]
pub fn fold(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

/// Candidate pairs, found band by band once every document is in.
///
/// For each band the included documents are sorted by (key, document): a
/// run of equal keys is a bucket, and each document's candidates are the
/// `max_per_bucket` documents before it in its bucket (a band shared by
/// thousands of documents, boilerplate, would make the work quadratic).
/// Eight bytes per document while a band is sorted, instead of a hash map
/// entry and a chain link per document and band held throughout. A pair
/// met in an earlier band is not new again, unless that band's bucket was
/// over `max_per_bucket` (where the pair may have been out of reach).
///
/// `key(doc, band)` is a band key; `check(a, b, band)` gives the bands
/// before `band` two documents share (bit `e` for band `e`; or more of
/// their shared bands), for the first 128 bands (past
/// those, a pair met in several bands is new again, and checked again, to
/// the same result) and whether the pair is kept when it is new (its
/// verification, done where the pair is met: most pairs are unrelated
/// documents, and their signatures are in cache there). `f(band, new,
/// kept)` gets each band's count of new pairs and the new pairs kept
/// `(document, earlier)`, bucket by bucket (an order fixed by the input,
/// not sorted). Returns the bytes the banding held at most.
pub fn candidate_pairs(
    docs: usize,
    bands: usize,
    max_per_bucket: usize,
    key: impl Fn(u32, usize) -> u32 + Sync,
    check: impl Fn(u32, u32, usize) -> (u128, bool) + Sync,
    included: impl Fn(u32) -> bool + Sync,
    mut f: impl FnMut(usize, u64, &[(u32, u32)]),
) -> usize {
    let mut entries: Vec<u64> = Vec::new();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    // Per band, the keys of buckets too big for every pair to be reached.
    let mut big: Vec<HashSetKeyed<u32>> = Vec::with_capacity(bands);
    let mut peak = 0;
    for b in 0..bands {
        entries.clear();
        entries.par_extend(
            (0..docs as u32)
                .into_par_iter()
                .filter(|&d| included(d))
                .map(|d| (u64::from(key(d, b)) << 32) | u64::from(d)),
        );
        entries.par_sort_unstable();
        let runs: Vec<&[u64]> = entries
            .chunk_by(|x, y| x >> 32 == y >> 32)
            .filter(|run| run.len() > 1)
            .collect();
        let mut big_here = HashSetKeyed::default();
        for run in runs.iter().filter(|run| run.len() > max_per_bucket + 1) {
            big_here.insert((run[0] >> 32) as u32);
        }
        let earlier = &big;
        let before = if b >= 128 { !0 } else { (1u128 << b) - 1 };
        // Met in an earlier band, whose bucket was small: given there.
        let seen = |d: u32, mut m: u128| {
            while m != 0 {
                let e = m.trailing_zeros() as usize;
                if earlier[e].is_empty() || !earlier[e].contains(&key(d, e)) {
                    return true;
                }
                m &= m - 1;
            }
            false
        };
        // Buckets are made into pairs, checked and counted on all threads
        // (millions of pairs a band where many documents look alike); only
        // the few kept are collected, in the order of the buckets whatever
        // the threads.
        let found: Vec<(u64, Vec<(u32, u32)>)> = runs
            .par_iter()
            .fold(
                || (0u64, Vec::new()),
                |(mut new, mut kept), run| {
                    for i in 1..run.len() {
                        let d = run[i] as u32;
                        for &c in &run[i.saturating_sub(max_per_bucket)..i] {
                            let c = c as u32;
                            let (shared, keep) = check(d, c, b);
                            if b > 0 && seen(d, shared & before) {
                                continue;
                            }
                            new += 1;
                            if keep {
                                kept.push((d, c));
                            }
                        }
                    }
                    (new, kept)
                },
            )
            .collect();
        drop(runs);
        pairs.clear();
        let mut new = 0;
        for (n, kept) in &found {
            new += n;
            pairs.extend_from_slice(kept);
        }
        let held: usize = found.iter().map(|(_, k)| k.capacity() * 8).sum();
        drop(found);
        // Not sorted: joins are components, whatever their order, and the
        // order here is already fixed by the sorted entries.
        peak = peak.max(entries.capacity() * 8 + pairs.capacity() * 8 + held);
        big.push(big_here);
        f(b, new, &pairs);
    }
    peak
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

    fn pairs_of(keys: &[&[u32]], max: usize, skip: &[u32]) -> Vec<(usize, Vec<(u32, u32)>)> {
        let mut out = Vec::new();
        candidate_pairs(
            keys.len(),
            keys[0].len(),
            max,
            |d, b| keys[d as usize][b],
            |x, y, _| {
                let (x, y) = (keys[x as usize], keys[y as usize]);
                let shared = (0..x.len()).fold(0, |m, b| m | (u128::from(x[b] == y[b]) << b));
                (shared, true)
            },
            |d| !skip.contains(&d),
            |b, new, p| {
                assert_eq!(new as usize, p.len(), "every new pair kept");
                let mut p = p.to_vec();
                p.sort_unstable();
                out.push((b, p))
            },
        );
        out
    }

    #[test]
    fn pairs_are_documents_sharing_a_band_given_once() {
        let keys: &[&[u32]] = &[&[1, 2, 3], &[9, 2, 9], &[3, 8, 7], &[1, 2, 7]];
        // The same key in another band is no match; (3, 0) shares bands 0
        // and 1, and is given in band 0 only.
        let found = pairs_of(keys, 8, &[]);
        assert_eq!(found[0].1, [(3, 0)]);
        assert_eq!(found[1].1, [(1, 0), (3, 1)]);
        assert_eq!(found[2].1, [(3, 2)]);
        // At most max_per_bucket from one bucket, the nearest before.
        let five: Vec<[u32; 1]> = (0..5).map(|_| [42]).collect();
        let five: Vec<&[u32]> = five.iter().map(|k| &k[..]).collect();
        let found = pairs_of(&five, 2, &[]);
        assert_eq!(
            found[0].1,
            [(1, 0), (2, 0), (2, 1), (3, 1), (3, 2), (4, 2), (4, 3)]
        );
        // A document left out is never a candidate.
        let found = pairs_of(&[&[7], &[7], &[7]], 8, &[1]);
        assert_eq!(found[0].1, [(2, 0)]);
    }

    #[test]
    fn new_pairs_are_counted_and_only_those_kept_given() {
        // Five documents in one bucket of band 0, and (1, 0) again in
        // band 1: kept are the pairs of an even sum; counted, every new one.
        let keys: &[&[u32]] = &[&[4, 1], &[4, 1], &[4, 2], &[4, 3], &[4, 5]];
        let mut out = Vec::new();
        candidate_pairs(
            keys.len(),
            2,
            8,
            |d, b| keys[d as usize][b],
            |x, y, _| {
                let (kx, ky) = (keys[x as usize], keys[y as usize]);
                let shared = (0..2).fold(0, |m, b| m | (u128::from(kx[b] == ky[b]) << b));
                (shared, (x + y) % 2 == 0)
            },
            |_| true,
            |b, new, kept| {
                let mut kept = kept.to_vec();
                kept.sort_unstable();
                out.push((b, new, kept));
            },
        );
        assert_eq!(out[0], (0, 10, vec![(2, 0), (3, 1), (4, 0), (4, 2)]));
        assert_eq!(out[1], (1, 0, vec![]));
    }

    #[test]
    fn a_pair_out_of_reach_in_a_big_bucket_comes_again() {
        // Documents 0 and 3 share band 0, but three others lie between them
        // with max_per_bucket 1; band 1 gives them.
        let keys: &[&[u32]] = &[&[5, 1], &[5, 2], &[5, 3], &[5, 1]];
        let found = pairs_of(keys, 1, &[]);
        assert_eq!(found[1].1, [(3, 0)]);
        // In a small bucket the pair was given in band 0: not again.
        let found = pairs_of(&[&[5, 1], &[5, 1]], 1, &[]);
        assert_eq!((found[0].1.len(), found[1].1.len()), (1, 0));
    }

    /// Band agreement as first written: value by value.
    fn agree_by_value(a: &[u8], b: &[u8], p: Params) -> u128 {
        let n = a.len().min(b.len()).min(128);
        (0..p.bands.min(n / p.rows)).fold(0, |m, e| {
            let same = (e * p.rows..(e + 1) * p.rows).all(|i| a[i] == b[i]);
            m | (u128::from(same) << e)
        })
    }

    #[test]
    fn band_agreement_of_whole_signatures_is_that_of_their_values() {
        // Pairs sharing runs of values at random places, every shape of
        // bands x rows over 128 values (the fast path) and shorter ones.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for len in [128, 130, 127, 64, 21] {
            for _ in 0..200 {
                let a: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                let mut b: Vec<u8> = (0..len).map(|_| next() as u8 & 3).collect();
                for _ in 0..next() % 6 {
                    let (at, run) = ((next() % len as u64) as usize, (next() % 12) as usize);
                    let end = (at + run).min(len);
                    b[at..end].copy_from_slice(&a[at..end]);
                }
                assert_eq!(
                    equal_low_bytes(&a, &b),
                    a.iter().zip(&b).filter(|(x, y)| x == y).count()
                );
                for rows in 1..=8 {
                    for bands in [1, 3, 35, 128 / rows, 200] {
                        let p = Params { bands, rows };
                        let shared = agree_by_value(&a, &b, p);
                        assert_eq!(low_bands_agree(&a, &b, p), shared, "{len} {p:?}");
                        let agreement = Agreement::new(p);
                        for band in [0, 1, 2, 5, 34, 35, 127, 128, 200] {
                            let below = if band >= 128 { !0 } else { (1u128 << band) - 1 };
                            assert_eq!(
                                agreement.before(&a, &b, band),
                                (shared & below, equal_low_bytes(&a, &b)),
                                "{len} {p:?} {band}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn low_band_keys_are_the_rows_bytes() {
        let p = Params { bands: 2, rows: 4 };
        let low = [1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(
            low_band_key(&low, &[], p, 1),
            u32::from_le_bytes([5, 6, 7, 8])
        );
        let p3 = Params { bands: 2, rows: 3 };
        assert_eq!(
            low_band_key(&low, &[9, 10], p3, 1),
            u32::from_le_bytes([4, 5, 6, 10])
        );
        assert_eq!(extra_key_bytes(p3), 1);
        assert_eq!(low_bands_agree(&low, &[1, 2, 3, 4, 0, 6, 7, 8], p), 0b01);
        assert_eq!(low_bands_agree(&low, &[0, 2, 3, 4, 5, 6, 7, 8], p), 0b10);
        assert_eq!(low_bands_agree(&low, &low, p), 0b11);
        // Across 8-byte words, and with a partial last word.
        let a: Vec<u8> = (0..21).collect();
        let mut b = a.clone();
        b[8] = 99;
        let p7 = Params { bands: 3, rows: 7 };
        assert_eq!(low_bands_agree(&a, &b, p7), 0b101);
        let p = Params { bands: 1, rows: 8 };
        assert_ne!(
            low_band_key(&low, &[], p, 0),
            low_band_key(&[0; 8], &[], p, 0)
        );
    }
}
