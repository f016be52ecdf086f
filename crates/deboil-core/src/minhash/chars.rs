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
    if key.len() < 4 * n || std::str::from_utf8(key).is_err() {
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
        let p = s + first_high(&key[s..]);
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
