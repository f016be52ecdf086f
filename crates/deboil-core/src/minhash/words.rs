//! Finding words and hashing them: bytes are classified 64 at a time into
//! bit masks (SWAR on `u64`, no `unsafe`, no per-platform code), and words
//! are read off the masks' edges; only runs holding non-ASCII bytes are
//! decoded to split them at non-alphanumeric characters.

use xxhash_rust::xxh3::xxh3_64;

use super::Scratch;

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
pub(super) fn word_hash(b: &[u8], s: usize, e: usize) -> u64 {
    let len = e - s;
    if len > 16 {
        return long_word_hash(&b[s..e]);
    }
    // Bytes s..s+min(len, 8), and for longer words the last eight; selects,
    // not branches (word lengths vary too much to predict).
    let keep = !0u64 >> (8 * (8 - len.min(8)));
    let lo = load8(b, s) & keep;
    let long = len > 8;
    let hi = load8(b, if long { e - 8 } else { s }) & 0u64.wrapping_sub(u64::from(long));
    fold_mul(
        lo ^ 0x243F_6A88_85A3_08D3 ^ len as u64,
        hi ^ 0x1319_8A2E_0370_7345,
    )
}

/// xxh3 of a word over 16 bytes (rare): out of line, so that the loop
/// hashing words stays small.
#[cold]
#[inline(never)]
fn long_word_hash(w: &[u8]) -> u64 {
    xxh3_64(w)
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

/// Calls `f` with the alphanumeric runs of `b[s..e]`, a run of word bytes
/// holding non-ASCII ones (decoded: non-ASCII characters may split it).
#[cold]
#[inline(never)]
fn split_high(b: &[u8], s: usize, e: usize, f: &mut impl FnMut(usize, usize)) {
    // A run between ASCII bytes of a UTF-8 key is whole characters.
    let Ok(run) = std::str::from_utf8(&b[s..e]) else {
        return f(s, e);
    };
    for w in run.split(|c: char| !c.is_alphanumeric()) {
        if !w.is_empty() {
            let at = w.as_ptr() as usize - b.as_ptr() as usize;
            f(at, at + w.len());
        }
    }
}

/// Calls `f` with the byte range of each run of alphanumeric characters of
/// `b` (see [`word_bounds`]).
#[cfg(test)]
pub(super) fn for_each_word(b: &[u8], scratch: &mut Scratch, mut f: impl FnMut(usize, usize)) {
    word_bounds(b, scratch);
    for &(s, e) in &scratch.bounds {
        f(s, e);
    }
}

/// Sets `scratch.bounds` to the byte range of each run of alphanumeric
/// characters of `b`.
///
/// Bytes are classified 64 at a time into bit masks, and words are found
/// from the masks' edges, so there is no branch per byte (a branch per byte
/// mispredicted at every word's end and made this half of signing). Runs
/// holding non-ASCII bytes are split at the non-alphanumeric characters, by
/// decoding them. The ranges are collected, not handed to a callback: a
/// callback per word was not inlined and cost a call per word.
pub(super) fn word_bounds(b: &[u8], scratch: &mut Scratch) {
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
    // Runs of ASCII bytes (nearly all) are recorded as they are; the rest
    // are split out of line, so that the hot loop stays small.
    let bounds = &mut scratch.bounds;
    bounds.clear();
    let mut emit = |s: usize, e: usize, maybe_high: bool| {
        if maybe_high && any_bit(high, s, e) {
            split_high(b, s, e, &mut |s, e| bounds.push((s, e)));
        } else {
            bounds.push((s, e));
        }
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
