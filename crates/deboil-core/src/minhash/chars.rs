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

/// What takes the window hashes: any closure (through [`Each`]), or the
/// 128-value signer, whose windows of ASCII bytes are hashed and taken
/// eight at a time ([`Sink::oph128`]).
pub(super) trait Sink {
    /// Takes one window's hash.
    fn add(&mut self, h: u64);

    /// The distinct counter's bits (a power of two of words) and the 128
    /// minima, where [`Sink::add`] is [`super::add_oph128`] of them.
    #[inline(always)]
    fn oph128(&mut self) -> Option<(&mut [u64], &mut [u64; 128])> {
        None
    }
}

/// A closure as a [`Sink`].
pub(super) struct Each<F>(pub(super) F);

impl<F: FnMut(u64)> Sink for Each<F> {
    #[inline(always)]
    fn add(&mut self, h: u64) {
        (self.0)(h)
    }
}

/// Calls `f` with the xxh3 of every n-character window of `key` (a
/// normalised text); a key shorter than n characters is one shingle.
/// `starts` is a reused buffer. Inlined, so that the signer compiled for
/// AVX2 and BMI2 compiles the window loop for them too (a call left it
/// compiled for the baseline: `shl` by `cl` for `shlx`).
#[inline(always)]
pub(super) fn char_shingles(key: &[u8], n: usize, starts: &mut Vec<usize>, mut f: impl Sink) {
    // A key of fewer than 4n bytes may have fewer than n characters (one
    // shingle): the table of character starts counts them. So does a key
    // that is not UTF-8 (not from `normalize`), whose characters the
    // sliding below might not see alike.
    // The ASCII start needs no UTF-8 check (keys of `run` are all ASCII
    // but for a few characters): only the rest is checked.
    let high = first_high(key);
    if key.len() < 4 * n || std::str::from_utf8(&key[high..]).is_err() {
        return by_table(key, n, starts, |h| f.add(h));
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
            f.add(window_hash(&key[s..e]));
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
    let word = |i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    // 32 bytes a step while none is wide (keys are nearly all ASCII: a
    // step of 8 was 1 % of `run`), then 8 to find it.
    let mut from = 0;
    while from + 32 <= s.len()
        && (word(from) | word(from + 8) | word(from + 16) | word(from + 24)) & HIGH == 0
    {
        from += 32;
    }
    let mut chunks = s[from..].chunks_exact(8);
    for (i, c) in chunks.by_ref().enumerate() {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes")) & HIGH;
        if w != 0 {
            return from + i * 8 + (w.trailing_zeros() / 8) as usize;
        }
    }
    let rest = chunks.remainder();
    let at = s.len() - rest.len();
    at + rest.iter().position(|&b| b >= 0x80).unwrap_or(rest.len())
}

/// Every window of `n` bytes of `ascii`, at least `n` bytes: the length
/// known at compile time for the usual n.
#[inline(always)]
fn ascii_windows(ascii: &[u8], n: usize, f: &mut impl Sink) {
    // Inlined into the signer's loop, so that its state stays in registers.
    #[inline(always)]
    fn fixed<const N: usize>(ascii: &[u8], f: &mut impl Sink) {
        #[cfg(target_arch = "x86_64")]
        let ascii = match f.oph128() {
            Some((bits, minima)) => simd::windows_oph128::<N>(ascii, bits, minima),
            None => simd::windows::<N>(ascii, &mut |h| f.add(h)),
        };
        for w in ascii.windows(N) {
            f.add(xxh3_4to8(w));
        }
    }
    match n {
        4 => fixed::<4>(ascii, f),
        5 => fixed::<5>(ascii, f),
        6 => fixed::<6>(ascii, f),
        7 => fixed::<7>(ascii, f),
        8 => fixed::<8>(ascii, f),
        _ => ascii.windows(n).for_each(|w| f.add(xxh3_64(w))),
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
        // Not zeroed: `block` writes the values it reports (2 KB zeroed
        // for every stretch between two wide characters cost as much).
        let mut buf = [std::mem::MaybeUninit::<u64>::uninit(); BLOCK];
        let mut s = 0;
        loop {
            // SAFETY: AVX2 is present (checked above).
            let got = unsafe { block::<N>(&ascii[s..], &mut buf) };
            for h in &buf[..got] {
                // SAFETY: `block` wrote the first `got` values.
                f(unsafe { h.assume_init() });
            }
            s += got;
            if got < BLOCK {
                return &ascii[s..];
            }
        }
    }

    /// [`windows`] for the 128-value signer: each eight windows' hashes,
    /// and the distinct counter's word and bit of each, found with AVX2,
    /// then taken by [`super::super::add_oph128`]'s step from a buffer of eight
    /// (the scalar step with its shifts and masks cost twice the hash).
    /// Returns the rest, from the first window not hashed.
    #[inline(always)]
    pub(super) fn windows_oph128<'a, const N: usize>(
        ascii: &'a [u8],
        bits: &mut [u64],
        minima: &mut [u64; 128],
    ) -> &'a [u8] {
        if ascii.len() < 16 || !std::arch::is_x86_feature_detected!("avx2") {
            return ascii;
        }
        // SAFETY: AVX2 is present (checked above).
        let done = unsafe { block_oph128::<N>(ascii, bits, minima) };
        &ascii[done..]
    }

    /// The windows of `N` bytes at offsets 0, 1, ... of `bytes`, eight at a
    /// time while their sixteen bytes are in `bytes`, taken by the signer's
    /// step; returns how many.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn block_oph128<const N: usize>(
        bytes: &[u8],
        bits: &mut [u64],
        minima: &mut [u64; 128],
    ) -> usize {
        assert!(bits.len().is_power_of_two());
        let pats = patterns::<N>();
        let words = _mm256_set1_epi64x((bits.len() - 1) as i64);
        let low6 = _mm256_set1_epi64x(63);
        let one = _mm256_set1_epi64x(1);
        let mut hashes = [0u64; 8];
        let mut word = [0u64; 8];
        let mut bit = [0u64; 8];
        let mut i = 0;
        while i + 16 <= bytes.len() {
            // SAFETY: 16 bytes from `i` are in `bytes`; the buffers hold
            // eight values.
            unsafe {
                let v = load16(bytes.as_ptr().add(i));
                for (half, pat) in pats.into_iter().enumerate() {
                    let h = hash4::<N>(v, pat);
                    let w = _mm256_and_si256(_mm256_srli_epi64::<38>(h), words);
                    let b =
                        _mm256_sllv_epi64(one, _mm256_and_si256(_mm256_srli_epi64::<32>(h), low6));
                    _mm256_storeu_si256(hashes.as_mut_ptr().add(4 * half).cast(), h);
                    _mm256_storeu_si256(word.as_mut_ptr().add(4 * half).cast(), w);
                    _mm256_storeu_si256(bit.as_mut_ptr().add(4 * half).cast(), b);
                }
            }
            for j in 0..8 {
                // Read back from memory, one load a value: left to itself,
                // the compiler took the lanes out of the registers with two
                // or three extracts each.
                // SAFETY: the three buffers hold eight values, written above.
                let (w, b, h) = unsafe {
                    (
                        std::ptr::read_volatile(word.as_ptr().add(j)) as usize,
                        std::ptr::read_volatile(bit.as_ptr().add(j)),
                        std::ptr::read_volatile(hashes.as_ptr().add(j)),
                    )
                };
                // SAFETY: `w` was masked to the counter's length above.
                unsafe { *bits.get_unchecked_mut(w) |= b };
                let bin = (h >> 57) as usize;
                minima[bin] = minima[bin].min(u64::from(h as u32));
            }
            i += 8;
        }
        i
    }

    /// [`pattern`]'s two halves, loaded.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn patterns<const N: usize>() -> [__m256i; 2] {
        let (lo, hi) = (pattern(N, 0), pattern(N, 1));
        // SAFETY: 32-byte arrays.
        unsafe {
            [
                _mm256_loadu_si256(lo.as_ptr().cast()),
                _mm256_loadu_si256(hi.as_ptr().cast()),
            ]
        }
    }

    /// The sixteen bytes at `p` in both lanes, for [`hash4`].
    ///
    /// # Safety
    /// Sixteen bytes from `p` are readable.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn load16(p: *const u8) -> __m256i {
        // SAFETY: the caller's.
        _mm256_broadcastsi128_si256(unsafe { _mm_loadu_si128(p.cast()) })
    }

    /// The hashes of four windows of `N` bytes of [`load16`]'s sixteen
    /// bytes: windows 0 to 3 with `pat` [`patterns`]'s first, 4 to 7 with
    /// its second.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn hash4<const N: usize>(v: __m256i, pat: __m256i) -> __m256i {
        hash(_mm256_shuffle_epi8(v, pat), N as i64)
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
    fn block<const N: usize>(bytes: &[u8], out: &mut [std::mem::MaybeUninit<u64>; BLOCK]) -> usize {
        let pats = patterns::<N>();
        let mut i = 0;
        while i + 16 <= bytes.len() && i + 8 <= BLOCK {
            // SAFETY: 16 bytes from `i` are in `bytes`; 8 values from `i`
            // are in `out`.
            unsafe {
                let v = load16(bytes.as_ptr().add(i));
                let (a, b) = (hash4::<N>(v, pats[0]), hash4::<N>(v, pats[1]));
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
        char_shingles(key, n, &mut Vec::new(), Each(|h| out.push(h)));
        out
    }

    #[test]
    fn first_high_finds_the_first_wide_byte() {
        let mut s = vec![b'a'; 100];
        assert_eq!(first_high(&s), 100);
        for at in [0, 7, 8, 9, 31, 32, 33, 39, 63, 64, 65, 70, 95, 96, 97, 99] {
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
                ascii_windows(&text[..len], n, &mut Each(|h| got.push(h)));
                let want: Vec<u64> = text[..len].windows(n).map(xxh3_64).collect();
                assert_eq!(got, want, "n {n} len {len}");
            }
        }
    }

    /// The 128-value signer's windows taken eight at a time leave the
    /// counter's bits and the minima that its step, one window at a time,
    /// leaves: every n 4 to 8, stretches around the step, wide characters
    /// between them, counters of several sizes.
    #[test]
    fn windows_taken_eight_at_a_time_are_the_signers_step() {
        use super::super::{Oph128, add_oph128};
        if !std::arch::is_x86_feature_detected!("avx2") {
            // Both sides would take the one-window step: nothing to compare.
            eprintln!("skipped: this CPU has no AVX2, so windows are never taken eight at a time");
            return;
        }
        let ascii: String = (0..700u32)
            .map(|i| {
                b"abcdefghijklmnopqrstuvwxyz .,0123456789"[(i * i % 37 + i / 3) as usize % 39]
                    as char
            })
            .collect();
        let wide = format!(
            "{}é{}—{}’x{}",
            &ascii[..40],
            &ascii[40..57],
            &ascii[57..300],
            &ascii[300..]
        );
        for n in 4..=8 {
            for key in [
                &ascii[..15],
                &ascii[..16],
                &ascii[..17],
                &ascii[..24],
                &ascii[..25],
                &ascii,
                &wide,
            ] {
                for words in [16, 64, 1024] {
                    let (mut want_bits, mut want_min) = (vec![0u64; words], [u64::MAX; 128]);
                    let each = Each(|h| add_oph128(&mut want_bits, &mut want_min, h));
                    char_shingles(key.as_bytes(), n, &mut Vec::new(), each);
                    let (mut bits, mut minima) = (vec![0u64; words], [u64::MAX; 128]);
                    let sink = Oph128 {
                        bits: &mut bits,
                        minima: &mut minima,
                    };
                    char_shingles(key.as_bytes(), n, &mut Vec::new(), sink);
                    assert_eq!(bits, want_bits, "n {n} len {} words {words}", key.len());
                    assert_eq!(minima, want_min, "n {n} len {} words {words}", key.len());
                }
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
