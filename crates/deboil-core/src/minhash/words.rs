//! Finding words and hashing them: bytes are classified 64 at a time into
//! bit masks (SSE2 on x86-64, SWAR on `u64` elsewhere), and words are read
//! off the masks' edges; only runs holding non-ASCII bytes are decoded to
//! split them at non-alphanumeric characters. Word hashes are folded into
//! n-grams eight or four at a time with AVX-512 or AVX2 where the CPU has
//! them.

use xxhash_rust::xxh3::xxh3_64;

use super::MIX_ROT;

const LANES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of `m` (the others clear), packed into bits 0..8.
#[inline]
fn pack_high_bits(m: u64) -> u64 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Classifies 64 bytes: bit i of the first mask is set when byte i is an
/// ASCII letter or digit or not ASCII, of the second when byte i is not
/// ASCII. SSE2 (part of every x86-64) takes 16 bytes in ten instructions,
/// a quarter of the SWAR step's count; elsewhere, SWAR.
#[inline(always)]
fn classify64(chunk: &[u8; 64]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        classify64_sse2(chunk)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        classify64_swar(chunk)
    }
}

/// [`classify64`] on SSE2 masks: a byte plus an offset lands, as a signed
/// byte, below a bound exactly for the letters (or digits).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn classify64_sse2(chunk: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let mut wordish = 0;
    let mut high = 0;
    for k in 0..4 {
        // SAFETY: SSE2 is always there on x86-64; the load reads 16 of the
        // chunk's 64 bytes.
        let (w, h) = unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast());
            // '0'..='9' + 0x50 is 0x80..=0x89: signed, below -118.
            let digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x50)), _mm_set1_epi8(-118));
            // 'a'..='z' (or upper case, with bit 5 set) + 0x1f is
            // 0x80..=0x99: signed, below -102.
            let z = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let letter = _mm_cmplt_epi8(_mm_add_epi8(z, _mm_set1_epi8(0x1f)), _mm_set1_epi8(-102));
            // Bit 7 of `v` itself: not ASCII.
            let w = _mm_or_si128(_mm_or_si128(digit, letter), v);
            (_mm_movemask_epi8(w) as u16, _mm_movemask_epi8(v) as u16)
        };
        wordish |= u64::from(w) << (16 * k);
        high |= u64::from(h) << (16 * k);
    }
    (wordish, high)
}

/// [`classify64_sse2`] 32 bytes at a time: the same compares on AVX2
/// registers, half the instructions.
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn classify64_avx2(chunk: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let mut wordish = 0;
    let mut high = 0;
    for k in 0..2 {
        // SAFETY: the load reads 32 of the chunk's 64 bytes.
        let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().add(32 * k).cast()) };
        // As in `classify64_sse2`: `a < b` is `b > a`, on signed bytes.
        let digit = _mm256_cmpgt_epi8(
            _mm256_set1_epi8(-118),
            _mm256_add_epi8(v, _mm256_set1_epi8(0x50)),
        );
        let z = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        let letter = _mm256_cmpgt_epi8(
            _mm256_set1_epi8(-102),
            _mm256_add_epi8(z, _mm256_set1_epi8(0x1f)),
        );
        let w = _mm256_or_si256(_mm256_or_si256(digit, letter), v);
        wordish |= u64::from(movemask(w)) << (32 * k);
        high |= u64::from(movemask(v)) << (32 * k);
    }
    (wordish, high)
}

/// `vpmovmskb` out of sight of the optimiser: seeing two of them joined
/// into 64 bits, it made them a 64-lane mask, which AVX2 lacks, and took it
/// apart byte by byte (ten times the instructions).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn movemask(v: std::arch::x86_64::__m256i) -> u32 {
    let m: u32;
    // SAFETY: AVX2 is there (this function's target feature); the
    // instruction reads a register and writes one, nothing else.
    unsafe {
        std::arch::asm!(
            "vpmovmskb {m:e}, {v}",
            m = lateout(reg) m,
            v = in(ymm_reg) v,
            options(pure, nomem, nostack, preserves_flags),
        );
    }
    m
}

/// [`classify64`] eight bytes at a time (SWAR, no branch).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline]
fn classify64_swar(chunk: &[u8; 64]) -> (u64, u64) {
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
pub(super) fn word_hash(b: &[u8], s: usize, e: usize) -> u64 {
    let len = e - s;
    if len > 16 {
        return long_word_hash(&b[s..e]);
    }
    match b.get(s..s + 16) {
        // Nearly every word: one bounds check for both loads.
        Some(w) => short_word_hash(w.try_into().expect("16 bytes"), len),
        None => {
            let long = len > 8;
            let (lo, hi) = (load8(b, s), load8(b, if long { e - 8 } else { s }));
            mix_halves(lo, hi, len)
        }
    }
}

/// [`word_hash`] of a word of `len` (at most 16) bytes whose first bytes
/// are those of `w`: no bounds check.
#[inline(always)]
fn short_word_hash(w: &[u8; 16], len: usize) -> u64 {
    debug_assert!(len <= 16);
    // Bytes 0..len for short words, 0..8 and len-8..len for longer; selects,
    // not branches (word lengths vary too much to predict).
    let at = len.saturating_sub(8);
    let load = |at: usize| u64::from_le_bytes(w[at..at + 8].try_into().expect("8 bytes"));
    mix_halves(load(0), load(at), len)
}

/// The hash of a word of `len` (at most 16) bytes from its first eight
/// bytes `lo` (and what follows) and, past eight bytes, its last eight `hi`.
#[inline(always)]
fn mix_halves(lo: u64, hi: u64, len: usize) -> u64 {
    // From a table by length: the masks and the salted length, three loads
    // in place of a dozen shifts, compares and selects a word.
    let m = &LEN_MIX[len];
    fold_mul(
        (lo & m.keep_lo) ^ m.salt_lo,
        (hi & m.keep_hi) ^ 0x1319_8A2E_0370_7345,
    )
}

/// What [`mix_halves`] takes from a word's length.
#[derive(Clone, Copy)]
struct LenMix {
    /// The bytes of the first load that are the word's (all past eight).
    keep_lo: u64,
    /// All bits when the second load is the word's (over eight bytes).
    keep_hi: u64,
    /// The first constant with the length mixed in.
    salt_lo: u64,
}

/// [`LenMix`] by word length, 0 to 16 (0 is never a word's).
const LEN_MIX: [LenMix; 17] = {
    let mut t = [LenMix {
        keep_lo: 0,
        keep_hi: 0,
        salt_lo: 0,
    }; 17];
    let mut len = 1;
    while len <= 16 {
        let low = if len < 8 { len } else { 8 };
        t[len] = LenMix {
            keep_lo: !0u64 >> (8 * (8 - low)),
            keep_hi: if len > 8 { !0 } else { 0 },
            salt_lo: 0x243F_6A88_85A3_08D3 ^ len as u64,
        };
        len += 1;
    }
    t
};

/// xxh3 of a word over 16 bytes (rare): out of line, so that the loop
/// hashing words stays small.
#[cold]
#[inline(never)]
fn long_word_hash(w: &[u8]) -> u64 {
    xxh3_64(w)
}

/// Calls `f` with the alphanumeric runs of `b[s..e]`, a run of word bytes
/// holding non-ASCII ones (decoded: non-ASCII characters may split it).
#[cold]
#[inline(never)]
fn split_high(b: &[u8], s: usize, e: usize, f: &mut impl Words) {
    // A run between ASCII bytes of a UTF-8 key is whole characters.
    let Ok(run) = std::str::from_utf8(&b[s..e]) else {
        return f.word(b, s, e);
    };
    for w in run.split(|c: char| !c.is_alphanumeric()) {
        if !w.is_empty() {
            let at = w.as_ptr() as usize - b.as_ptr() as usize;
            f.word(b, at, at + w.len());
        }
    }
}

/// What [`scan_words`] hands each word to: a trait with an always-inlined
/// method, not a closure, so that the per-word work is inlined into the
/// scan (a closure was called, at a cost above that of finding the word).
trait Words {
    fn word(&mut self, b: &[u8], s: usize, e: usize);

    /// [`Words::word`] with the 16 bytes from `s` at hand (in bounds).
    #[inline(always)]
    fn word_at(&mut self, w: &[u8; 16], b: &[u8], s: usize, e: usize) {
        let _ = w;
        self.word(b, s, e);
    }
}

/// Collects word hashes for [`word_tokens`]: written by index into a
/// buffer long enough for any text (a `Vec::push` reloaded and stored the
/// vector's length and capacity at every word).
struct Tokens<'a> {
    buf: &'a mut [u64],
    len: usize,
}

impl Words for Tokens<'_> {
    #[inline(always)]
    fn word(&mut self, b: &[u8], s: usize, e: usize) {
        self.buf[self.len] = word_hash(b, s, e).rotate_left(MIX_ROT);
        self.len += 1;
    }

    #[inline(always)]
    fn word_at(&mut self, w: &[u8; 16], b: &[u8], s: usize, e: usize) {
        let len = e - s;
        let h = if len > 16 {
            long_word_hash(&b[s..e])
        } else {
            short_word_hash(w, len)
        };
        self.buf[self.len] = h.rotate_left(MIX_ROT);
        self.len += 1;
    }
}

/// Calls `f` with the byte range of each run of alphanumeric characters of
/// `b` (see [`word_tokens`]).
#[cfg(test)]
pub(super) fn for_each_word(b: &[u8], f: impl FnMut(usize, usize)) {
    struct Each<F>(F);
    impl<F: FnMut(usize, usize)> Words for Each<F> {
        fn word(&mut self, _: &[u8], s: usize, e: usize) {
            (self.0)(s, e)
        }
    }
    scan_words::<false>(b, &mut Each(f));
}

/// Writes the hash of each run of alphanumeric characters of `b`
/// ([`word_hash`]), rotated by [`MIX_ROT`] as the n-gram fold takes it, to
/// the start of `tokens`; returns how many.
///
/// Words are hashed as they are found, with no list of their ranges in
/// between (writing and reading that list back cost a quarter of finding
/// them).
pub(super) fn word_tokens(b: &[u8], tokens: &mut Vec<u64>) -> usize {
    // A word and the byte after it: room for every word. The buffer only
    // grows, so it is zeroed once, not per text.
    let most = b.len() / 2 + 1;
    if tokens.len() < most {
        tokens.resize(most, 0);
    }
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if has!("avx2") && has!("bmi1") {
            // SAFETY: AVX2 and BMI1 are there (checked just above).
            return unsafe { word_tokens_avx2(b, tokens) };
        }
    }
    word_tokens_in::<false>(b, tokens)
}

/// [`word_tokens`] with the scan compiled for AVX2 and BMI1: bytes
/// classified 32 at a time, and each word's edges taken off the masks by
/// `tzcnt` and `blsr` (the baseline's `bsf` needs a test for zero).
///
/// # Safety
/// The CPU has AVX2 and BMI1.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1")]
unsafe fn word_tokens_avx2(b: &[u8], tokens: &mut [u64]) -> usize {
    word_tokens_in::<true>(b, tokens)
}

/// [`word_tokens`] into `tokens` (long enough), classifying with AVX2 when
/// `AVX2` (only where the CPU has it).
#[inline(always)]
fn word_tokens_in<const AVX2: bool>(b: &[u8], tokens: &mut [u64]) -> usize {
    let mut t = Tokens {
        buf: tokens,
        len: 0,
    };
    scan_words::<AVX2>(b, &mut t);
    t.len
}

/// [`classify64`], or [`classify64_avx2`] when `AVX2`.
#[inline(always)]
fn classify<const AVX2: bool>(chunk: &[u8; 64]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        // SAFETY: `AVX2` only from `word_tokens_avx2`, run where the CPU
        // has AVX2.
        return unsafe { classify64_avx2(chunk) };
    }
    classify64(chunk)
}

/// Calls `word` with the byte range of each run of alphanumeric characters
/// of `b`, in order.
///
/// Bytes are classified 64 at a time into bit masks, and words are found
/// from the masks' edges, so there is no branch per byte (a branch per byte
/// mispredicted at every word's end and made this half of signing). Runs
/// holding non-ASCII bytes are split at the non-alphanumeric characters, by
/// decoding them, out of line. Inlined into its caller, so that `word` is
/// too (a call per word cost more than finding the word).
#[inline(always)]
fn scan_words<const AVX2: bool>(b: &[u8], words: &mut impl Words) {
    // A run that holds non-ASCII bytes is decoded (rare, out of line).
    #[inline(always)]
    fn emit(b: &[u8], s: usize, e: usize, high: bool, words: &mut impl Words) {
        if high {
            split_high(b, s, e, words);
        } else {
            words.word(b, s, e);
        }
    }
    let n = b.len();
    // A word's first byte has its bit set and the previous byte's clear; the
    // byte after its last, the reverse.
    let mut carry = 0u64;
    // A word still open at a chunk's end: its start, and whether it holds a
    // non-ASCII byte so far.
    let mut open: Option<(usize, bool)> = None;
    let mut base = 0;
    while base < n {
        let (w, h) = match b.get(base..base + 64) {
            Some(c) => classify::<AVX2>(c.try_into().expect("64 bytes")),
            None => {
                // Padded with NUL, which is no word byte.
                let mut pad = [0u8; 64];
                pad[..n - base].copy_from_slice(&b[base..]);
                classify::<AVX2>(&pad)
            }
        };
        let prev = (w << 1) | carry;
        carry = w >> 63;
        let mut starts = w & !prev;
        let mut ends = !w & prev;
        if let Some((s, high)) = open {
            if ends == 0 {
                // The whole chunk is inside the word.
                open = Some((s, high || h != 0));
                base += 64;
                continue;
            }
            let e = ends.trailing_zeros();
            emit(
                b,
                s,
                base + e as usize,
                high || h & ((1 << e) - 1) != 0,
                words,
            );
            ends &= ends - 1;
            open = None;
        }
        if let (0, Some(win)) = (h, b.get(base..base + 80)) {
            // An ASCII chunk (nearly all) with 16 bytes after it: no word
            // in it needs decoding, and the 16 bytes from any word start
            // are in bounds (one check for the chunk, not one per word).
            let win: &[u8; 80] = win.try_into().expect("80 bytes");
            while starts != 0 {
                let s = starts.trailing_zeros() as usize & 63;
                starts &= starts - 1;
                if ends == 0 {
                    open = Some((base + s, false));
                    break;
                }
                let e = ends.trailing_zeros() as usize;
                ends &= ends - 1;
                let w: &[u8; 16] = win[s..s + 16].try_into().expect("16 bytes");
                words.word_at(w, b, base + s, base + e);
            }
            base += 64;
            continue;
        }
        if h == 0 {
            // An ASCII chunk near the end.
            while starts != 0 {
                let s = starts.trailing_zeros();
                starts &= starts - 1;
                if ends == 0 {
                    open = Some((base + s as usize, false));
                    break;
                }
                let e = ends.trailing_zeros();
                ends &= ends - 1;
                words.word(b, base + s as usize, base + e as usize);
            }
            base += 64;
            continue;
        }
        while starts != 0 {
            let s = starts.trailing_zeros();
            starts &= starts - 1;
            if ends == 0 {
                open = Some((base + s as usize, h >> s != 0));
                break;
            }
            let e = ends.trailing_zeros();
            ends &= ends - 1;
            // `e` < 64: a word reaching the chunk's end closes in the next.
            let high = h & ((1 << e) - 1) & (!0 << s) != 0;
            emit(b, base + s as usize, base + e as usize, high, words);
        }
        base += 64;
    }
    if let Some((s, high)) = open {
        emit(b, s, n, high, words);
    }
}

/// Calls `add` with the hash of every `N`-gram of `tokens` (at least `N`),
/// as [`super::ngrams`] does, but eight n-grams at a time with AVX-512 or
/// four with AVX2 where the CPU has them: the fold's `N` multiplies a
/// shingle were signing's largest cost after finding the words.
#[inline(always)]
pub(super) fn ngrams_fast<const N: usize>(tokens: &[u64], mut add: impl FnMut(u64)) {
    #[allow(unused_mut)]
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if has!("avx512f") && has!("avx512dq") {
            // SAFETY: AVX-512 F and DQ are there (checked just above).
            done = unsafe { ngrams_avx512::<N>(tokens, &mut add) };
        } else if has!("avx2") {
            // SAFETY: AVX2 is there (checked just above).
            done = unsafe { ngrams_avx2::<N>(tokens, &mut add) };
        }
        if done + N > tokens.len() {
            return;
        }
    }
    super::ngrams::<N>(&tokens[done..], add);
}

/// [`ngrams_avx2`] eight at a time, the multiply one instruction
/// (`vpmullq`). Valgrind does not run AVX-512: under it, the AVX2 path is
/// what runs and is counted.
///
/// # Safety
/// The CPU has AVX-512 F and DQ.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn ngrams_avx512<const N: usize>(tokens: &[u64], add: &mut impl FnMut(u64)) -> usize {
    use std::arch::x86_64::*;
    let windows = (tokens.len() + 1).saturating_sub(N);
    let k = _mm512_set1_epi64(super::MIX_MUL as i64);
    let mut eight = [0u64; 8];
    let mut at = 0;
    while at + 8 <= windows {
        // The eight windows' words: `at + 8 <= windows`, so in bounds.
        let w = &tokens[at..at + N + 7];
        let mut h = _mm512_set1_epi64(N as i64);
        for j in 0..N {
            let t = &w[j..j + 8];
            // SAFETY: `t` holds 64 bytes; an unaligned load.
            let t = unsafe { _mm512_loadu_si512(t.as_ptr().cast()) };
            let p = _mm512_mullo_epi64(_mm512_xor_si512(h, t), k);
            h = _mm512_xor_si512(p, _mm512_srli_epi64::<32>(p));
        }
        // SAFETY: `eight` holds 64 bytes; an unaligned store.
        unsafe { _mm512_storeu_si512(eight.as_mut_ptr().cast(), h) };
        eight.iter().for_each(|&h| add(h));
        at += 8;
    }
    at
}

/// [`super::ngrams`] of the first windows of `tokens`, four at a time, and
/// how many windows were done (the rest, fewer than four, are left):
/// [`super::mix_rotated`] on four 64-bit lanes, its multiply made of three
/// 32-bit ones (AVX2 has no 64-bit multiply). The whole loop, `add`
/// included, is compiled for AVX2: a call per four n-grams cost a third of
/// what the lanes save.
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn ngrams_avx2<const N: usize>(tokens: &[u64], add: &mut impl FnMut(u64)) -> usize {
    use std::arch::x86_64::*;
    const K: u64 = super::MIX_MUL;
    let windows = (tokens.len() + 1).saturating_sub(N);
    let k = _mm256_set1_epi64x(K as i64);
    let k_hi = _mm256_set1_epi64x((K >> 32) as i64);
    let mut four = [0u64; 4];
    let mut at = 0;
    while at + 4 <= windows {
        // The four windows' words: `at + 4 <= windows`, so in bounds.
        let w = &tokens[at..at + N + 3];
        let mut h = _mm256_set1_epi64x(N as i64);
        for j in 0..N {
            let t = &w[j..j + 4];
            // SAFETY: `t` holds 32 bytes; an unaligned load.
            let t = unsafe { _mm256_loadu_si256(t.as_ptr().cast()) };
            let x = _mm256_xor_si256(h, t);
            // x * K mod 2^64 = lo(x) lo(K) + (hi(x) lo(K) + lo(x) hi(K)) << 32.
            let low = _mm256_mul_epu32(x, k);
            let cross = _mm256_add_epi64(
                _mm256_mul_epu32(_mm256_srli_epi64::<32>(x), k),
                _mm256_mul_epu32(x, k_hi),
            );
            let p = _mm256_add_epi64(low, _mm256_slli_epi64::<32>(cross));
            h = _mm256_xor_si256(p, _mm256_srli_epi64::<32>(p));
        }
        // SAFETY: `four` holds 32 bytes; an unaligned store.
        unsafe { _mm256_storeu_si256(four.as_mut_ptr().cast(), h) };
        four.iter().for_each(|&h| add(h));
        at += 4;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_value_is_classified_as_swar_does() {
        // Each byte value at each position, beside varied neighbours.
        for v in 0..=255u8 {
            let mut chunk = [0u8; 64];
            for (i, c) in chunk.iter_mut().enumerate() {
                *c = if i % 3 == 0 {
                    v
                } else {
                    v.wrapping_add((i as u8).wrapping_mul(37))
                };
            }
            assert_eq!(classify64(&chunk), classify64_swar(&chunk), "{v:#x}");
        }
    }

    /// [`mix_halves`] as it was written before its table: by shifts and
    /// selects on the length.
    fn mix_halves_by_shifts(lo: u64, hi: u64, len: usize) -> u64 {
        let keep = !0u64 >> (8 * (8 - len.min(8)));
        let hi = hi & 0u64.wrapping_sub(u64::from(len > 8));
        fold_mul(
            (lo & keep) ^ 0x243F_6A88_85A3_08D3 ^ len as u64,
            hi ^ 0x1319_8A2E_0370_7345,
        )
    }

    /// Whether [`ngrams_fast`] gives what [`super::ngrams`] gives, in order.
    fn fast_as_plain<const N: usize>(tokens: &[u64]) -> bool {
        if tokens.len() < N {
            return true;
        }
        let (mut plain, mut fast) = (Vec::new(), Vec::new());
        super::super::ngrams::<N>(tokens, |h| plain.push(h));
        ngrams_fast::<N>(tokens, |h| fast.push(h));
        // The AVX2 path too, which `ngrams_fast` passes over where the CPU
        // has AVX-512.
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            let mut four = Vec::new();
            // SAFETY: AVX2 is there (checked just above).
            let done = unsafe { ngrams_avx2::<N>(tokens, &mut |h| four.push(h)) };
            if done + N <= tokens.len() {
                super::super::ngrams::<N>(&tokens[done..], |h| four.push(h));
            }
            if four != plain {
                return false;
            }
        }
        plain == fast
    }

    proptest::proptest! {
        #[test]
        fn ngrams_by_lanes_are_those_one_at_a_time(tokens in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..40)) {
            proptest::prop_assert!(fast_as_plain::<2>(&tokens));
            proptest::prop_assert!(fast_as_plain::<3>(&tokens));
            proptest::prop_assert!(fast_as_plain::<4>(&tokens));
            proptest::prop_assert!(fast_as_plain::<5>(&tokens));
            proptest::prop_assert!(fast_as_plain::<6>(&tokens));
            proptest::prop_assert!(fast_as_plain::<7>(&tokens));
            proptest::prop_assert!(fast_as_plain::<8>(&tokens));
        }
    }

    proptest::proptest! {
        #[test]
        fn the_length_table_mixes_as_the_shifts_did(lo: u64, hi: u64, len in 1usize..=16) {
            proptest::prop_assert_eq!(mix_halves(lo, hi, len), mix_halves_by_shifts(lo, hi, len));
        }
    }

    /// The AVX2 scan's word hashes against the baseline scan's, where the
    /// CPU has AVX2 and BMI1 (what `word_tokens` takes there).
    fn avx2_scan_as_baseline(b: &[u8]) -> bool {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("bmi1")
        {
            let (mut plain, mut wide) = (vec![0; b.len() / 2 + 1], vec![0; b.len() / 2 + 1]);
            let n = word_tokens_in::<false>(b, &mut plain);
            // SAFETY: AVX2 and BMI1 are there (checked just above).
            let m = unsafe { word_tokens_avx2(b, &mut wide) };
            return plain[..n] == wide[..m];
        }
        let _ = b;
        true
    }

    proptest::proptest! {
        #[test]
        fn words_scanned_with_avx2_are_those_of_the_baseline(
            bytes in proptest::collection::vec(proptest::sample::select(
                b"aZ09 .,-\n\xc3\xa9\xe2\x80\x94\x00\x7f\xff".to_vec()), 0..300)
        ) {
            proptest::prop_assert!(avx2_scan_as_baseline(&bytes));
        }

        #[test]
        fn chunks_are_classified_with_avx2_as_swar_does(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 64)) {
            let chunk: &[u8; 64] = bytes[..].try_into().expect("64 bytes");
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 is there (checked just above).
                let wide = unsafe { classify64_avx2(chunk) };
                proptest::prop_assert_eq!(wide, classify64_swar(chunk));
            }
        }
    }

    #[test]
    fn long_texts_are_scanned_with_avx2_as_the_baseline_does() {
        // Every byte value, at every offset across chunk edges.
        let text: Vec<u8> = (0..5000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        assert!(avx2_scan_as_baseline(&text));
        let words = b"Words, of 1 to 20 letters: abcdefghijklmnopqrst x\n".repeat(40);
        assert!(avx2_scan_as_baseline(&words));
    }

    proptest::proptest! {
        #[test]
        fn random_chunks_are_classified_as_swar_does(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 64)) {
            let chunk: &[u8; 64] = bytes[..].try_into().expect("64 bytes");
            proptest::prop_assert_eq!(classify64(chunk), classify64_swar(chunk));
        }
    }
}
