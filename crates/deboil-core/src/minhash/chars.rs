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

/// Calls `f` with the xxh3 of every n-character window of `key` (a
/// normalised text); a key shorter than n characters is one shingle.
/// `starts` is a reused buffer.
pub(super) fn char_shingles(key: &[u8], n: usize, starts: &mut Vec<usize>, mut f: impl FnMut(u64)) {
    if key.is_empty() {
        return;
    }
    if key.is_ascii() {
        // Every byte is a character: windows of bytes, with no table of
        // character starts.
        let m = n.min(key.len());
        if (4..=8).contains(&m) {
            key.windows(m).for_each(|w| f(xxh3_4to8(w)));
        } else {
            key.windows(m).for_each(|w| f(xxh3_64(w)));
        }
        return;
    }
    // Character starts are the bytes that do not continue a UTF-8
    // sequence; the key is whole characters, so no decoding. (Sliding a
    // window by the width of each first byte instead, with no table, cost
    // 2 % more instructions on `run`.)
    starts.clear();
    starts.extend((0..key.len()).filter(|&i| key[i] & 0xC0 != 0x80));
    starts.push(key.len());
    let m = n.min(starts.len() - 1);
    for w in starts.windows(m + 1) {
        // xxh3, not `word_hash`: n-grams are used as they are hashed (word
        // hashes are mixed again into n-grams), and a cheap hash cost pair
        // precision (`run`: 0.986 with one multiply, 0.992 with two, 0.994
        // with xxh3).
        f(xxh3_64(&key[w[0]..w[m]]));
    }
}
