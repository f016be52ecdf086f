//! Character n-gram hashes: xxh3 of each window of n characters of the key.

use xxhash_rust::xxh3::xxh3_64;

/// `xxh3_64` of 4 to 8 bytes, computed as the xxhash crate does for that
/// length (seed 0, default secret), without its dispatch on the length:
/// nearly every character n-gram of `run` (7 ASCII bytes) takes this path,
/// and the dispatch cost as much as the hash.
#[inline(always)]
pub(super) fn xxh3_4to8(w: &[u8]) -> u64 {
    // The default secret's bytes 8..16 xor 16..24.
    const FLIP: u64 = 0xC73A_B174_C5EC_D5A2;
    const MUL: u64 = 0x9FB2_1C65_1E98_DF25;
    let len = w.len();
    let first = u32::from_le_bytes(w[..4].try_into().expect("4 bytes"));
    let last = u32::from_le_bytes(w[len - 4..].try_into().expect("4 bytes"));
    let keyed = u64::from(last).wrapping_add(u64::from(first) << 32) ^ FLIP;
    let mut v = keyed ^ keyed.rotate_left(49) ^ keyed.rotate_left(24);
    v = v.wrapping_mul(MUL);
    v ^= (v >> 35).wrapping_add(len as u64);
    v = v.wrapping_mul(MUL);
    v ^ (v >> 28)
}

/// xxh3 of a window of any length, 4 to 8 bytes without the dispatch.
#[inline(always)]
fn window_hash(w: &[u8]) -> u64 {
    if (4..=8).contains(&w.len()) {
        xxh3_4to8(w)
    } else {
        xxh3_64(w)
    }
}

/// Calls `f` with the xxh3 of every n-character window of `key` (a
/// normalised text); a key shorter than n characters is one shingle.
/// `starts` is a reused buffer.
pub(super) fn char_shingles(key: &[u8], n: usize, starts: &mut Vec<usize>, mut f: impl FnMut(u64)) {
    // A key of fewer than 4n bytes may have fewer than n characters (one
    // shingle): the table of character starts counts them. So does a key
    // that is not UTF-8 (not from `normalize`), whose characters the
    // sliding below might not see alike.
    // The ASCII start needs no UTF-8 check (keys of `run` are all ASCII
    // but for a few characters): only the rest is checked.
    let high = first_high(key);
    if key.len() < 4 * n || std::str::from_utf8(&key[high..]).is_err() {
        return by_table(key, n, starts, f);
    }
    // Valid UTF-8 of at least n characters. Stretches of ASCII are windows
    // of n bytes; a window holding a wider character slides by the width
    // of the characters leaving and entering it. Keys of real text are
    // nearly all ASCII with a few wider characters (a dash, a quote), and
    // sliding every window of them by widths, or through a table of
    // character starts, cost more than the hash.
    let len = key.len();
    let mut s = 0;
    loop {
        // Windows from `s` that end at or before the next wider character.
        let p = if s == 0 {
            high
        } else {
            s + first_high(&key[s..])
        };
        if p >= s + n {
            ascii_windows(&key[s..p], n, &mut f);
            s = p + 1 - n;
        }
        if p == len {
            return;
        }
        // The window from `s` holds the character at `p`: there are n
        // characters from `s` (n - 1 ASCII before `p` at most, then `p`).
        let mut e = s;
        for _ in 0..n {
            e += width(key[e]);
        }
        loop {
            f(window_hash(&key[s..e]));
            if e == len {
                return;
            }
            s += width(key[s]);
            e += width(key[e]);
            // All ASCII again: back to windows of bytes.
            if e - s == n {
                break;
            }
        }
    }
}

/// The byte length of the UTF-8 character whose first byte is `b`.
#[inline(always)]
fn width(b: u8) -> usize {
    if b < 0x80 {
        1
    } else {
        b.leading_ones() as usize
    }
}

/// The offset of the first byte of `s` that is not ASCII, or its length.
#[inline]
fn first_high(s: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = s.chunks_exact(8);
    for (i, c) in chunks.by_ref().enumerate() {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes")) & HIGH;
        if w != 0 {
            return i * 8 + (w.trailing_zeros() / 8) as usize;
        }
    }
    let rest = chunks.remainder();
    let at = s.len() - rest.len();
    at + rest.iter().position(|&b| b >= 0x80).unwrap_or(rest.len())
}

/// Every window of `n` bytes of `ascii`, at least `n` bytes: the length
/// known at compile time for the usual n.
#[inline(always)]
fn ascii_windows(ascii: &[u8], n: usize, f: &mut impl FnMut(u64)) {
    // Inlined into the signer's loop, so that its state stays in registers.
    #[inline(always)]
    fn fixed<const N: usize>(ascii: &[u8], f: &mut impl FnMut(u64)) {
        #[cfg(target_arch = "x86_64")]
        let ascii = simd::windows::<N>(ascii, f);
        for w in ascii.windows(N) {
            f(xxh3_4to8(w));
        }
    }
    match n {
        4 => fixed::<4>(ascii, f),
        5 => fixed::<5>(ascii, f),
        6 => fixed::<6>(ascii, f),
        7 => fixed::<7>(ascii, f),
        8 => fixed::<8>(ascii, f),
        _ => ascii.windows(n).for_each(|w| f(xxh3_64(w))),
    }
}

/// [`xxh3_4to8`] of four windows at once with AVX2 (the same hashes: the
/// 64-bit multiplies from 32-bit ones). Nearly every shingle of `run` is a
/// window of 7 ASCII bytes, and its hash was a third of signing.
#[cfg(target_arch = "x86_64")]
mod simd {
    use std::arch::x86_64::*;

    /// Windows hashed per block, into a buffer on the stack: the signer's
    /// loop then takes them one by one, inlined as before.
    const BLOCK: usize = 256;

    /// Calls `f` with the hashes of the windows of `N` bytes (4 to 8) of
    /// `ascii` from its start, in order, eight at a time while sixteen bytes
    /// can be loaded; returns the rest, from the first window not hashed.
    #[inline(always)]
    pub(super) fn windows<'a, const N: usize>(
        ascii: &'a [u8],
        f: &mut impl FnMut(u64),
    ) -> &'a [u8] {
        if ascii.len() < 16 || !std::arch::is_x86_feature_detected!("avx2") {
            return ascii;
        }
        let mut buf = [0u64; BLOCK];
        let mut s = 0;
        loop {
            // SAFETY: AVX2 is present (checked above).
            let got = unsafe { block::<N>(&ascii[s..], &mut buf) };
            for &h in &buf[..got] {
                f(h);
            }
            s += got;
            if got < BLOCK {
                return &ascii[s..];
            }
        }
    }

    /// For each window (of offset 0 to 7 in sixteen bytes), where its bytes
    /// go in the u64 `xxh3_4to8` keys: the last four bytes low, the first
    /// four high. A 128-bit lane holds two windows, and both lanes see the
    /// same sixteen bytes, so `half` 0 gives windows 0 to 3, 1 gives 4 to 7.
    const fn pattern(n: usize, half: usize) -> [u8; 32] {
        let mut p = [0u8; 32];
        let mut w = 0;
        while w < 4 {
            let o = half * 4 + w;
            let mut b = 0;
            while b < 4 {
                p[w * 8 + b] = (o + n - 4 + b) as u8;
                p[w * 8 + 4 + b] = (o + b) as u8;
                b += 1;
            }
            w += 1;
        }
        p
    }

    /// The hashes of the windows of `N` bytes at offsets 0, 1, ... of
    /// `bytes` into `out`, eight at a time while the eight windows' sixteen
    /// bytes are in `bytes`; returns how many.
    #[target_feature(enable = "avx2")]
    fn block<const N: usize>(bytes: &[u8], out: &mut [u64; BLOCK]) -> usize {
        let lo = pattern(N, 0);
        let hi = pattern(N, 1);
        // SAFETY: 32-byte arrays.
        let (lo, hi) = unsafe {
            (
                _mm256_loadu_si256(lo.as_ptr().cast()),
                _mm256_loadu_si256(hi.as_ptr().cast()),
            )
        };
        let mut i = 0;
        while i + 16 <= bytes.len() && i + 8 <= BLOCK {
            // SAFETY: 16 bytes from `i` are in `bytes`; 8 values from `i`
            // are in `out`.
            unsafe {
                let v = _mm256_broadcastsi128_si256(_mm_loadu_si128(bytes.as_ptr().add(i).cast()));
                let a = hash(_mm256_shuffle_epi8(v, lo), N as i64);
                let b = hash(_mm256_shuffle_epi8(v, hi), N as i64);
                _mm256_storeu_si256(out.as_mut_ptr().add(i).cast(), a);
                _mm256_storeu_si256(out.as_mut_ptr().add(i + 4).cast(), b);
            }
            i += 8;
        }
        i
    }

    /// `xxh3_4to8`'s steps on four keys (first four bytes high, last four
    /// low) of windows of `len` bytes.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn hash(keys: __m256i, len: i64) -> __m256i {
        const FLIP: i64 = 0xC73A_B174_C5EC_D5A2_u64 as i64;
        let k = _mm256_xor_si256(keys, _mm256_set1_epi64x(FLIP));
        let r49 = _mm256_or_si256(_mm256_slli_epi64::<49>(k), _mm256_srli_epi64::<15>(k));
        let r24 = _mm256_or_si256(_mm256_slli_epi64::<24>(k), _mm256_srli_epi64::<40>(k));
        let mut v = _mm256_xor_si256(_mm256_xor_si256(k, r49), r24);
        v = mul(v);
        let s = _mm256_add_epi64(_mm256_srli_epi64::<35>(v), _mm256_set1_epi64x(len));
        v = mul(_mm256_xor_si256(v, s));
        _mm256_xor_si256(v, _mm256_srli_epi64::<28>(v))
    }

    /// The low 64 bits of `v` times xxh3's multiplier, from 32-bit
    /// multiplies (AVX2 has no 64-bit one): lo*lo + ((hi*lo + lo*hi) << 32).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn mul(v: __m256i) -> __m256i {
        const MUL: u64 = 0x9FB2_1C65_1E98_DF25;
        let m = _mm256_set1_epi64x(MUL as i64);
        let m_hi = _mm256_set1_epi64x((MUL >> 32) as i64);
        let lo_lo = _mm256_mul_epu32(v, m);
        let hi_lo = _mm256_mul_epu32(_mm256_srli_epi64::<32>(v), m);
        let lo_hi = _mm256_mul_epu32(v, m_hi);
        let cross = _mm256_slli_epi64::<32>(_mm256_add_epi64(hi_lo, lo_hi));
        _mm256_add_epi64(lo_lo, cross)
    }
}

/// [`char_shingles`] through a table of character starts (the bytes that
/// do not continue a UTF-8 sequence): for short keys, and bytes that are
/// not UTF-8.
fn by_table(key: &[u8], n: usize, starts: &mut Vec<usize>, mut f: impl FnMut(u64)) {
    if key.is_empty() {
        return;
    }
    starts.clear();
    starts.extend((0..key.len()).filter(|&i| key[i] & 0xC0 != 0x80));
    starts.push(key.len());
    let m = n.min(starts.len() - 1);
    for w in starts.windows(m + 1) {
        // xxh3, not `word_hash`: n-grams are used as they are hashed (word
        // hashes are mixed again into n-grams), and a cheap hash cost pair
        // precision (`run`: 0.986 with one multiply, 0.992 with two, 0.994
        // with xxh3).
        f(window_hash(&key[w[0]..w[m]]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(key: &[u8], n: usize) -> Vec<u64> {
        let mut out = Vec::new();
        by_table(key, n, &mut Vec::new(), |h| out.push(h));
        out
    }

    fn sliding(key: &[u8], n: usize) -> Vec<u64> {
        let mut out = Vec::new();
        char_shingles(key, n, &mut Vec::new(), |h| out.push(h));
        out
    }

    #[test]
    fn first_high_finds_the_first_wide_byte() {
        let mut s = vec![b'a'; 40];
        assert_eq!(first_high(&s), 40);
        for at in [0, 7, 8, 9, 31, 39] {
            s[at] = 0xC3;
            assert_eq!(first_high(&s), at);
            assert_eq!(first_high(&s[..at]), at);
            s[at] = b'a';
        }
    }

    /// The AVX2 path gives `xxh3_4to8` of each window, in order, for every
    /// length 4 to 8 and stretches around its block sizes.
    #[test]
    fn ascii_windows_are_xxh3() {
        let text: Vec<u8> = (0..700u32)
            .map(|i| b"abcdefghijklmnopqrstuvwxyz .,0123456789"[(i * i % 37 + i / 3) as usize % 39])
            .collect();
        for n in 4..=8 {
            for len in [n, 15, 16, 17, 23, 24, 25, 263, 264, 265, 519, 520, 700] {
                let mut got = Vec::new();
                ascii_windows(&text[..len], n, &mut |h| got.push(h));
                let want: Vec<u64> = text[..len].windows(n).map(xxh3_64).collect();
                assert_eq!(got, want, "n {n} len {len}");
            }
        }
    }

    #[test]
    fn wide_characters_at_the_ends_and_in_runs() {
        for key in [
            "é the quick brown fox",
            "the quick brown fox ü",
            "the quick €€€€€€€€ brown fox",
            "a𝄞b𝄞c𝄞d𝄞e𝄞f𝄞g𝄞h𝄞i𝄞j plain ascii text after it",
            "ééééééééééééééééééééééééééééé",
        ] {
            for n in 1..12 {
                assert_eq!(
                    sliding(key.as_bytes(), n),
                    table(key.as_bytes(), n),
                    "{key} {n}"
                );
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Sliding by widths gives the table's windows, on keys shaped as
        /// real ones (ASCII with a few wider characters) and on any text.
        #[test]
        fn sliding_is_the_table(
            key in "([a-z0-9 .,']{0,30}[é€ü𝄞—’]?){0,12}|\\PC{0,60}",
            n in 1usize..12,
        ) {
            proptest::prop_assert_eq!(sliding(key.as_bytes(), n), table(key.as_bytes(), n));
        }

        /// Bytes that are not UTF-8 are shingled as the table shingles them.
        #[test]
        fn any_bytes_are_the_table(
            key in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80),
            n in 1usize..12,
        ) {
            proptest::prop_assert_eq!(sliding(&key, n), table(&key, n));
        }
    }
}
