//! The normalised key a line is matched on.
//!
//! Rules never look at the raw text: they match a *key* of each line that is
//! lowercase, has every run of whitespace (no-break spaces included) collapsed
//! to one ASCII space and trimmed at both ends, drops zero-width characters and
//! soft hyphens, folds typographic quotes and dashes to their ASCII forms, and
//! is in Unicode compatibility-composed form (NFKC): a decomposed "a" plus
//! combining diaeresis, a ligature "ﬁ" or a full-width "Ａ" give the same key
//! as "ä", "fi" and "a", so copies in another normal form are exact copies and
//! rules match them. The final sigma and the Old Cyrillic letter variants
//! become the plain letter, as case-insensitive matching has them.
//! Output always keeps the original text; [`key_to_original`] maps a span of
//! the key back to the line it came from.
//!
//! ```
//! let mut key = Vec::new();
//! let words = deboil_core::normalize::push_key("  Siehe\u{a0}AUCH \u{200b} ", &mut key);
//! assert_eq!(key, b"siehe auch");
//! assert_eq!(words, 2);
//! ```

/// What one character of the original turns into in the key.
enum Fold {
    /// Whitespace: part of a run that becomes one space.
    Space,
    /// Dropped entirely (zero-width characters, soft hyphen).
    Drop,
    /// Replaced by this ASCII text.
    Ascii(&'static str),
    /// Lowercased.
    Lower(char),
}

#[inline]
fn fold_char(c: char) -> Fold {
    match c {
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Fold::Drop,
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Fold::Ascii("'"),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2033}' => Fold::Ascii("\""),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => Fold::Ascii("-"),
        '\u{2026}' => Fold::Ascii("..."),
        c if c.is_whitespace() => Fold::Space,
        c => Fold::Lower(c),
    }
}

/// Appends the key form of the non-ASCII letter `c` (not whitespace, not a
/// folded quote or dash): its compatibility decomposition, lowercased, each
/// combining mark composed with the character before it where Unicode has a
/// composite, so the key is NFKC whatever form the text came in. With
/// `offsets` (key byte → original offset, one per byte of `out[start..]`),
/// the bytes of `c` get offset `pos`; a composite keeps its base's offset.
#[inline]
fn push_letter(
    c: char,
    out: &mut Vec<u8>,
    start: usize,
    mut offsets: Option<(&mut Vec<usize>, usize)>,
) {
    let mut buf = [0u8; 4];
    unicode_normalization::char::decompose_compatible(c, |d| {
        for lc in d.to_lowercase().map(fold_variant) {
            let mut at = out.len();
            let mut piece = lc;
            if unicode_normalization::char::is_combining_mark(lc)
                && let Some((last, last_at)) = last_char(out, start)
                && let Some(comp) = unicode_normalization::char::compose(last, lc)
            {
                out.truncate(last_at);
                (at, piece) = (last_at, comp);
            }
            let bytes = piece.encode_utf8(&mut buf).as_bytes();
            out.extend_from_slice(bytes);
            if let Some((offs, pos)) = offsets.as_mut() {
                // A composite replaced the character at `at`: it keeps that
                // character's origin.
                let origin = offs.get(at - start).copied().unwrap_or(*pos);
                offs.truncate(at - start);
                offs.extend(std::iter::repeat_n(origin, bytes.len()));
            }
        }
    });
}

/// A lowercase letter that case-insensitive matching equates with another
/// lowercase letter, as that letter: the final sigma and the Old Cyrillic
/// letter variants. With these folded, every character of a key is the only
/// lowercase one of its case class (a test checks it), so case-insensitive
/// rules need only the plain letters.
#[inline]
pub(crate) fn fold_variant(c: char) -> char {
    match c {
        'ς' => 'σ',
        '\u{1C80}' => 'в',
        '\u{1C81}' => 'д',
        '\u{1C82}' => 'о',
        '\u{1C83}' => 'с',
        '\u{1C84}' | '\u{1C85}' => 'т',
        '\u{1C86}' => 'ъ',
        '\u{1C87}' => 'ѣ',
        '\u{1C88}' => 'ꙋ',
        c => c,
    }
}

/// The last character of `out[start..]` (not a space) and where it starts.
fn last_char(out: &[u8], start: usize) -> Option<(char, usize)> {
    let tail = &out[start..];
    let mut i = tail.len().checked_sub(1)?;
    while i > 0 && tail[i] & 0xC0 == 0x80 {
        i -= 1;
    }
    let c = std::str::from_utf8(&tail[i..]).ok()?.chars().next()?;
    (c != ' ').then_some((c, start + i))
}

/// Walks `line`, appending its key to `out` and the original byte offset
/// that produced each key byte to `offs`. Returns the word count
/// (space-separated tokens of the key). The reference for [`push_key`], which
/// must give the same key; this one is only used to map spans back.
fn walk(line: &str, out: &mut Vec<u8>, offs: &mut Vec<usize>) -> usize {
    let bytes = line.as_bytes();
    let start_len = out.len();
    offs.clear();
    let mut words = 0usize;
    let mut pending_space = false;
    let mut i = 0;
    // Before a key character: pays the pending space of a whitespace run and
    // counts a word that begins.
    macro_rules! begin {
        ($space_pos:expr) => {{
            if pending_space {
                if out.len() > start_len {
                    out.push(b' ');
                    offs.push($space_pos);
                }
                pending_space = false;
            }
            if out.len() == start_len || out[out.len() - 1] == b' ' {
                words += 1;
            }
        }};
    }
    let mut space_start = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b == b' ' || (b'\t'..=b'\r').contains(&b) {
                if !pending_space {
                    space_start = i;
                }
                pending_space = true;
            } else {
                begin!(space_start);
                out.push(b.to_ascii_lowercase());
                offs.push(i);
            }
            i += 1;
            continue;
        }
        let c = line[i..].chars().next().expect("char boundary");
        let len = c.len_utf8();
        match fold_char(c) {
            Fold::Space => {
                if !pending_space {
                    space_start = i;
                }
                pending_space = true;
            }
            Fold::Drop => {}
            Fold::Ascii(s) => {
                begin!(space_start);
                out.extend_from_slice(s.as_bytes());
                offs.extend(std::iter::repeat_n(i, s.len()));
            }
            Fold::Lower(c) => {
                begin!(space_start);
                push_letter(c, out, start_len, Some((offs, i)));
            }
        }
        i += len;
    }
    words
}

const HI: u64 = 0x8080_8080_8080_8080;
const LO: u64 = 0x0101_0101_0101_0101;

/// Lowercases ASCII bytes branch-free.
#[inline]
fn lower(b: u8) -> u8 {
    b | (u8::from(b.wrapping_sub(b'A') < 26) << 5)
}

/// The high bit of each of eight ASCII bytes (high bits clear) that is
/// `\t` to `\r`: the whitespace controls.
#[inline]
fn ascii_ws_ctl(w: u64) -> u64 {
    // No byte carries into the next, as every byte is below 0x80.
    let ge_tab = w.wrapping_add(LO * (0x80 - u64::from(b'\t')));
    let gt_cr = w.wrapping_add(LO * (0x80 - u64::from(b'\r') - 1));
    ge_tab & !gt_cr & HI
}

/// Lowercases eight ASCII bytes (high bits clear) at once.
#[inline]
fn lower8(w: u64) -> u64 {
    // High bit of each byte: at least `A`, and above `Z`; no byte carries
    // into the next, as every byte is below 0x80.
    let ge_a = w.wrapping_add(LO * (0x80 - u64::from(b'A')));
    let gt_z = w.wrapping_add(LO * (0x80 - u64::from(b'Z') - 1));
    w | ((ge_a & !gt_z & HI) >> 2)
}

/// Appends the first `n` (at most eight) bytes of `w`: one store of eight
/// bytes, where `extend_from_slice` costs a call. Shared with the JSON
/// reader and writer (`deboil-io`).
#[inline(always)]
pub fn push_first(out: &mut Vec<u8>, w: u64, n: usize) {
    debug_assert!(n <= 8);
    if out.capacity() - out.len() < 8 {
        out.reserve(64);
    }
    let len = out.len();
    // SAFETY: the capacity holds eight more bytes (checked above); the
    // length covers only the `n` of them that are part of the output.
    unsafe {
        out.as_mut_ptr()
            .add(len)
            .cast::<[u8; 8]>()
            .write_unaligned(w.to_le_bytes());
        out.set_len(len + n.min(8));
    }
}

/// The number of bits set in each byte value.
#[cfg(target_arch = "x86_64")]
const POP8: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).count_ones() as u8;
        i += 1;
    }
    t
};

/// [`push_key`]'s step for sixteen bytes of printable ASCII at
/// `bytes[i..]` (which must be there) with no doubled or leading space:
/// appends them lowercased and returns true, or returns false (nothing
/// written) for any other sixteen. The eight-byte step's logic, on SSE2
/// masks (part of every x86-64).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn ascii16(
    bytes: &[u8],
    i: usize,
    out: &mut Vec<u8>,
    start_len: usize,
    words: &mut usize,
    spaced: &mut bool,
    in_word: &mut bool,
) -> bool {
    use std::arch::x86_64::*;
    assert!(i + 16 <= bytes.len());
    // SAFETY: SSE2 is always there on x86-64; the load reads the 16 bytes
    // checked above, the store writes within the capacity checked below.
    unsafe {
        let v = _mm_loadu_si128(bytes.as_ptr().add(i).cast());
        // Signed: bytes from 0x80 are negative, so this flags non-ASCII
        // and the controls below 0x20 at once.
        if _mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20))) != 0 {
            // Controls other than whitespace (`\t` to `\r`) are word bytes,
            // kept as they are, as the byte path has them: text that is
            // UTF-16 read as UTF-8 has a NUL after every letter, and would
            // take the byte path whole.
            let ws = _mm_sub_epi8(v, _mm_set1_epi8(b'\t' as i8));
            let ws = _mm_cmpeq_epi8(_mm_min_epu8(ws, _mm_set1_epi8(4)), ws);
            if _mm_movemask_epi8(_mm_or_si128(v, ws)) != 0 {
                return false;
            }
        }
        let space = _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8))) as u32;
        let lead = space & 1 != 0 && (*spaced || out.len() == start_len);
        if space & (space >> 1) != 0 || lead {
            return false;
        }
        let word = !space & 0xFFFF;
        let starts = word & !((word << 1) | u32::from(*in_word));
        // Two table looks: no popcount instruction in the baseline target.
        *words += usize::from(POP8[(starts & 0xFF) as usize] + POP8[(starts >> 8) as usize]);
        let upper = _mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8(b'A' as i8 - 1)),
            _mm_cmplt_epi8(v, _mm_set1_epi8(b'Z' as i8 + 1)),
        );
        let lower = _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
        if out.capacity() - out.len() < 16 {
            out.reserve(64);
        }
        let len = out.len();
        _mm_storeu_si128(out.as_mut_ptr().add(len).cast(), lower);
        out.set_len(len + 16);
        *spaced = space >> 15 != 0;
        *in_word = !*spaced;
        true
    }
}

/// [`push_key`]'s AVX2 step: the printable ASCII and whitespace bytes of
/// the sixty-four at `bytes[i..]` up to the first that the step cannot take
/// (non-ASCII; whitespace that doubles a written space or would lead the
/// key), appended lowercased, whitespace as one space. Returns how many it
/// took (0 to 64). Taking the bytes before a non-ASCII character, rather
/// than failing the whole step, leaves the byte path one character, not up
/// to 63 bytes; a text's last bytes (under 64) are read from a copy padded
/// with non-ASCII. With `LINE`, a line break ends the bytes it takes too.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt,bmi1")]
#[inline]
fn ascii64_prefix<const LINE: bool>(
    bytes: &[u8],
    i: usize,
    out: &mut Vec<u8>,
    start_len: usize,
    words: &mut usize,
    spaced: &mut bool,
    in_word: &mut bool,
) -> usize {
    use std::arch::x86_64::*;
    /// The 64 bytes of `bytes` from `i` (over its end), padded with
    /// non-ASCII: out of line, as only a text's end takes it.
    #[cold]
    #[inline(never)]
    fn padded(bytes: &[u8], i: usize) -> [u8; 64] {
        let mut pad = [0x80u8; 64];
        let tail = &bytes[i..];
        pad[..tail.len()].copy_from_slice(tail);
        pad
    }
    let pad;
    let src: &[u8] = if bytes.len() - i >= 64 {
        &bytes[i..i + 64]
    } else {
        pad = padded(bytes, i);
        &pad
    };
    assert!(src.len() >= 64);
    /// The masks of 32 bytes (non-ASCII, whitespace, line breaks) and the
    /// bytes as the key has them.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn half(v: __m256i) -> (u32, u32, u32, __m256i) {
        // `\t` to `\r` (other controls are word bytes, as in `ascii16`).
        let ctl = _mm256_sub_epi8(v, _mm256_set1_epi8(b'\t' as i8));
        let ctl = _mm256_cmpeq_epi8(_mm256_min_epu8(ctl, _mm256_set1_epi8(4)), ctl);
        let white_v = _mm256_or_si256(ctl, _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b' ' as i8)));
        let nl = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\n' as i8)));
        let upper = _mm256_and_si256(
            _mm256_cmpgt_epi8(v, _mm256_set1_epi8(b'A' as i8 - 1)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(b'Z' as i8 + 1), v),
        );
        let lower = _mm256_or_si256(v, _mm256_and_si256(upper, _mm256_set1_epi8(0x20)));
        let keyed = _mm256_blendv_epi8(lower, _mm256_set1_epi8(b' ' as i8), white_v);
        (
            _mm256_movemask_epi8(v) as u32,
            _mm256_movemask_epi8(white_v) as u32,
            nl as u32,
            keyed,
        )
    }
    // SAFETY: the loads read the 64 bytes of `src` (asserted above), the
    // stores write within the capacity checked below.
    unsafe {
        let (h0, w0, n0, k0) = half(_mm256_loadu_si256(src.as_ptr().cast()));
        let (h1, w1, n1, k1) = half(_mm256_loadu_si256(src.as_ptr().add(32).cast()));
        let high = u64::from(h0) | u64::from(h1) << 32;
        let white = u64::from(w0) | u64::from(w1) << 32;
        let lead = u64::from(*spaced || out.len() == start_len);
        let mut bad = high | (white & ((white << 1) | lead));
        if LINE {
            bad |= u64::from(n0) | u64::from(n1) << 32;
        }
        let took = bad.trailing_zeros() as usize;
        if took == 0 {
            return 0;
        }
        let keep = if took == 64 { !0 } else { (1u64 << took) - 1 };
        let word = !white & keep;
        let starts = word & !((word << 1) | u64::from(*in_word));
        *words += starts.count_ones() as usize;
        if out.capacity() - out.len() < 64 {
            out.reserve(128);
        }
        let len = out.len();
        let to = out.as_mut_ptr().add(len);
        _mm256_storeu_si256(to.cast(), k0);
        _mm256_storeu_si256(to.add(32).cast(), k1);
        out.set_len(len + took);
        *spaced = (white >> (took - 1)) & 1 != 0;
        *in_word = !*spaced;
        took
    }
}

/// Whether the CPU runs the key step [`ascii64_prefix`] needs (AVX2,
/// POPCNT, BMI1); the standard library caches the answer.
#[cfg(target_arch = "x86_64")]
fn avx2_keys() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("popcnt")
        && std::arch::is_x86_feature_detected!("bmi1")
}

/// Appends the key of `line` to `out` and returns its word count.
///
/// Same result as the general walk (a property test checks it), but takes
/// printable ASCII 64 bytes a step with AVX2 (single spaces and tabs too,
/// up to a doubled or leading blank), 16 or 8 without; what is left
/// (non-ASCII, control characters, a blank run's second blank) goes one
/// character at a time. A whitespace run's space is written when the run
/// starts (not before the next word) and taken back at the end.
pub fn push_key(line: &str, out: &mut Vec<u8>) -> usize {
    #[cfg(target_arch = "x86_64")]
    if avx2_keys() {
        // SAFETY: the CPU has AVX2, POPCNT and BMI1, checked above.
        return unsafe { push_key_avx2(line, out) };
    }
    push_key_with::<false, false>(line, 0, out).0
}

/// [`push_key`] with a sixty-four byte step.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt,bmi1")]
fn push_key_avx2(line: &str, out: &mut Vec<u8>) -> usize {
    push_key_with::<true, false>(line, 0, out).0
}

/// [`push_key`]'s walk, with [`ascii64_prefix`] in place of the narrower
/// steps when `AVX2` (the caller checked the CPU for AVX2, POPCNT and BMI1).
#[inline(always)]
fn push_key_with<const AVX2: bool, const LINE: bool>(
    line: &str,
    from: usize,
    out: &mut Vec<u8>,
) -> (usize, usize) {
    let bytes = line.as_bytes();
    let start_len = out.len();
    out.reserve(bytes.len() - from);
    let mut words = 0;
    // The last byte written is a whitespace run's space.
    let mut spaced = false;
    let mut in_word = false;
    let mut i = from;
    while i < bytes.len() {
        #[cfg(target_arch = "x86_64")]
        if AVX2 {
            // SAFETY: with `AVX2` the caller checked that the CPU has AVX2,
            // POPCNT and BMI1.
            let took = unsafe {
                ascii64_prefix::<LINE>(
                    bytes,
                    i,
                    out,
                    start_len,
                    &mut words,
                    &mut spaced,
                    &mut in_word,
                )
            };
            i += took;
            if i == bytes.len() {
                break;
            }
            if took == 64 {
                // Stopped by no byte: the next step may take the next.
                continue;
            }
        }
        if LINE && bytes[i] == b'\n' {
            // The line's end: its break is whitespace, which adds nothing.
            i += 1;
            break;
        }
        // With AVX2, byte `i` is one the step stopped at: the byte path's
        // (the narrower steps could not take it either).
        #[cfg(target_arch = "x86_64")]
        if !AVX2
            && i + 16 <= bytes.len()
            && ascii16(
                bytes,
                i,
                out,
                start_len,
                &mut words,
                &mut spaced,
                &mut in_word,
            )
        {
            i += 16;
            continue;
        }
        if !AVX2 && i + 8 <= bytes.len() {
            let w = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
            // Non-ASCII, or whitespace below 0x20 (tab, line breaks)? Other
            // controls are word bytes (see `ascii16`).
            let special = (w & HI) | (w.wrapping_sub(LO * 0x20) & !w & HI);
            if special == 0 || (w & HI == 0 && ascii_ws_ctl(w) == 0) {
                // Printable ASCII: a byte is a space when it equals 0x20.
                let x = w ^ (LO * 0x20);
                let space = !(((x & !HI).wrapping_add(!HI) | x) & HI) & HI;
                // A space that would double a written space or lead the key
                // takes the byte path (so does a run of spaces).
                let lead = (space & 0x80 != 0) && (spaced || out.len() == start_len);
                if space & (space >> 8) == 0 && !lead {
                    let word = !space & HI;
                    // A word starts at a non-space byte after a space (or,
                    // for the first byte, when no word is open).
                    let starts = word & !((word << 8) | u64::from(in_word) << 7);
                    // One bit a byte at most: a multiply sums them (no
                    // popcount instruction in the baseline target).
                    words += ((starts >> 7).wrapping_mul(LO) >> 56) as usize;
                    push_first(out, lower8(w), 8);
                    spaced = space >> 56 != 0;
                    in_word = !spaced;
                    i += 8;
                    continue;
                }
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            if b == b' ' || (b'\t'..=b'\r').contains(&b) {
                if !spaced && out.len() > start_len {
                    out.push(b' ');
                    spaced = true;
                }
                in_word = false;
            } else {
                words += usize::from(!std::mem::replace(&mut in_word, true));
                spaced = false;
                out.push(lower(b));
            }
            continue;
        }
        // Latin-1 letters (U+00C0..U+00FF but × and ÷), common in European
        // text: lowercase by hand (the upper case ones are 0x20 below).
        if b == 0xC3 && i + 1 < bytes.len() && !matches!(bytes[i + 1], 0x97 | 0xB7) {
            let b = bytes[i + 1];
            words += usize::from(!std::mem::replace(&mut in_word, true));
            spaced = false;
            out.extend_from_slice(&[0xC3, if b <= 0x9E { b + 0x20 } else { b }]);
            i += 2;
            continue;
        }
        // One non-ASCII character.
        let c = line[i..].chars().next().expect("char boundary");
        i += c.len_utf8();
        match fold_char(c) {
            Fold::Space => {
                if !spaced && out.len() > start_len {
                    out.push(b' ');
                    spaced = true;
                }
                in_word = false;
            }
            Fold::Drop => {}
            Fold::Ascii(a) => {
                words += usize::from(!std::mem::replace(&mut in_word, true));
                spaced = false;
                out.extend_from_slice(a.as_bytes());
            }
            Fold::Lower(c) => {
                words += usize::from(!std::mem::replace(&mut in_word, true));
                spaced = false;
                push_letter(c, out, start_len, None);
            }
        }
    }
    if spaced {
        out.pop();
    }
    (words, i)
}

/// Appends the key of each line of `text` (split after each `\n`; each
/// line's key as [`push_key`] gives it) to `out`, the non-empty ones
/// separated by `sep`, and calls `line` with each non-empty one, where it
/// starts in `out`, and its words. One pass over the text, with no search
/// for the line breaks first and no call a line: the line's break ends the
/// 64-byte step, which reads on over it where a line's own slice would end.
pub fn push_line_keys(
    text: &str,
    sep: u8,
    out: &mut Vec<u8>,
    mut line: impl FnMut(&[u8], usize, usize),
) {
    #[cfg(target_arch = "x86_64")]
    if avx2_keys() {
        // SAFETY: the CPU has AVX2, POPCNT and BMI1, checked above.
        return unsafe { push_line_keys_avx2(text, sep, out, &mut line) };
    }
    push_line_keys_with::<false>(text, sep, out, &mut line)
}

/// [`push_line_keys`] with the sixty-four byte step.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt,bmi1")]
fn push_line_keys_avx2(
    text: &str,
    sep: u8,
    out: &mut Vec<u8>,
    line: &mut impl FnMut(&[u8], usize, usize),
) {
    push_line_keys_with::<true>(text, sep, out, line)
}

/// [`push_line_keys`], with the sixty-four byte step when `AVX2` (the
/// caller checked the CPU for AVX2, POPCNT and BMI1).
#[inline(always)]
fn push_line_keys_with<const AVX2: bool>(
    text: &str,
    sep: u8,
    out: &mut Vec<u8>,
    line: &mut impl FnMut(&[u8], usize, usize),
) {
    let base = out.len();
    let mut i = 0;
    while i < text.len() {
        let at = out.len();
        if at > base {
            out.push(sep);
        }
        let from = out.len();
        let (words, end) = push_key_with::<AVX2, true>(text, i, out);
        i = end;
        if out.len() == from {
            out.truncate(at);
            continue;
        }
        line(&out[from..], from, words);
    }
}

/// The key of `text` as a new string (used for rule phrases and examples).
pub fn key(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    push_key(text, &mut out);
    String::from_utf8(out).expect("keys are built from whole UTF-8 characters")
}

/// Maps the key span `start..end` of `line` back to a byte span of `line`.
///
/// The start maps to the first original character behind the key byte (the
/// start of the line when the span starts the key); the end maps to the
/// character behind the first key byte after the span, so whitespace the key
/// collapsed is removed with the span (the end of the line when the span ends
/// the key).
pub fn key_to_original(line: &str, start: usize, end: usize) -> (usize, usize) {
    let mut key = Vec::with_capacity(line.len());
    let mut offsets = Vec::with_capacity(line.len());
    walk(line, &mut key, &mut offsets);
    let s = if start == 0 {
        0
    } else {
        offsets.get(start).copied().unwrap_or(line.len())
    };
    let e = if end >= offsets.len() {
        line.len()
    } else {
        offsets[end]
    };
    (s, e.max(s))
}

/// The hash a line is counted by: its normalised key with digits folded.
/// `key` is the line's key as [`push_key`] writes it.
pub fn line_hash(key: &[u8], scratch: &mut Vec<u8>) -> u64 {
    scratch.clear();
    scratch.extend_from_slice(key);
    fold_digits(scratch);
    xxhash_rust::xxh3::xxh3_64(scratch)
}

/// Replaces every ASCII digit with `0`, so "Nr. 2231" and "Nr. 2232" share a key.
pub fn fold_digits(key: &mut [u8]) {
    for b in key {
        // A select, not a conditional store, so that the loop vectorises.
        *b = if b.is_ascii_digit() { b'0' } else { *b };
    }
}

/// Number of words in `text` (whitespace-separated tokens), as the key counts them.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_space_quotes_and_zero_width() {
        assert_eq!(
            key("\u{201E}Caucasus\u{00A0}\u{00A0}Watch\u{201C} Sucht"),
            "\"caucasus watch\" sucht"
        );
        assert_eq!(key("Ab\u{200B}c\u{00AD}d"), "abcd");
        assert_eq!(key("ÄÖÜ ДОБРО"), "äöü добро");
        assert_eq!(key("a \u{2014} b\u{2026}"), "a - b...");
        assert_eq!(key(" \u{00A0}\t "), "");
    }

    #[test]
    fn compatibility_forms_give_one_key() {
        // NFD (base + combining mark), NFC, ligatures, full-width letters.
        let nfc = "Der Außenminister äußerte sich über Schäden und Öl; fine Fjord";
        let nfd = "Der Au\u{df}enminister a\u{308}u\u{df}erte sich u\u{308}ber Scha\u{308}den und O\u{308}l; \u{fb01}ne \u{ff26}jord";
        assert_eq!(key(nfd), key(nfc));
        assert_eq!(key("\u{ff21}\u{ff22}\u{ff23} \u{fb00}"), "abc ff");
        // A mark with no composite stays, after its base.
        assert_eq!(key("q\u{308}"), "q\u{308}");
        // A mark after a space does not compose with the space.
        assert_eq!(key("a \u{308}"), "a \u{308}");
    }

    #[test]
    fn spans_of_decomposed_text_map_back_to_whole_characters() {
        let line = "Scha\u{308}den \u{fb01}nden";
        let k = key(line);
        assert_eq!(k, "schäden finden");
        let ks = k.find("finden").unwrap();
        let (s, e) = key_to_original(line, ks, k.len());
        assert_eq!(&line[s..e], "\u{fb01}nden");
        let (s, e) = key_to_original(line, 0, "schäden".len());
        assert_eq!(&line[s..e], "Scha\u{308}den");
    }

    #[test]
    fn maps_spans_back_to_the_original() {
        let line = " date 2021-04 Der US-Außenminister";
        let k = key(line);
        assert!(k.starts_with("date 2021-04 der"));
        let (s, e) = key_to_original(line, 0, "date 2021-04 ".len());
        assert_eq!(&line[s..e], " date 2021-04 ");
        let ks = k.find("us-außen").unwrap();
        let (s, e) = key_to_original(line, ks, ks + "us-außen".len());
        assert_eq!(&line[s..e], "US-Außen");
        let (s, e) = key_to_original(line, ks, k.len());
        assert_eq!(&line[s..e], "US-Außenminister");
    }

    proptest::proptest! {
        #[test]
        fn fast_path_matches_the_general_walk(s in "[ a-zA-Z\u{a0}\u{200b}\u{201e}\u{1}\u{c0}-\u{ff}ДдİẞÃ.\t\r\u{300}-\u{308}\u{fb01}\u{ff21}\u{ac00}\u{1100}\u{1161}-]{0,60}") {
            let mut fast = Vec::new();
            let fw = push_key(&s, &mut fast);
            let mut slow = Vec::new();
            let sw = walk(&s, &mut slow, &mut Vec::new());
            proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(slow).unwrap());
            proptest::prop_assert_eq!(fw, sw);
        }

        /// The baseline walk (no AVX2), which an AVX2 machine never runs
        /// through `push_key`.
        #[test]
        fn baseline_path_matches_the_general_walk(s in "([ -~]{0,40}( {1,3}|\t|\n|\u{a0}|\u{201c}|\u{200b}|é|Д|\u{301}|\u{0}|\u{b}|\u{1f})?){0,8}") {
            let mut fast = Vec::new();
            let (fw, end) = push_key_with::<false, false>(&s, 0, &mut fast);
            let mut slow = Vec::new();
            let sw = walk(&s, &mut slow, &mut Vec::new());
            proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(slow).unwrap());
            proptest::prop_assert_eq!((fw, end), (sw, s.len()));
        }

        /// Keys made line by line in one pass are each line's `push_key`,
        /// on both paths: lines of every length across the 64-byte steps,
        /// blank ones, `\r\n`, breaks next to spaces and non-ASCII, a last
        /// line with no break.
        #[test]
        fn line_keys_are_each_lines_key(s in "([ -~]{0,45}( {1,3}|\t|\r|\n|\n\n|\r\n|\u{a0}|\u{2019}|\u{200b}|é|Д|\u{301}|\u{0})?){0,12}", prefix in "|x") {
            let sep = b'|';
            let mut want = prefix.as_bytes().to_vec();
            let mut want_lines = Vec::new();
            for line in s.split_inclusive('\n') {
                let mut key = Vec::new();
                let words = push_key(line, &mut key);
                if key.is_empty() {
                    continue;
                }
                if want.len() > prefix.len() {
                    want.push(sep);
                }
                want_lines.push((key.clone(), want.len(), words));
                want.extend_from_slice(&key);
            }
            let mut got = prefix.as_bytes().to_vec();
            let mut got_lines = Vec::new();
            push_line_keys(&s, sep, &mut got, |k, from, w| got_lines.push((k.to_vec(), from, w)));
            proptest::prop_assert_eq!(&got, &want);
            proptest::prop_assert_eq!(&got_lines, &want_lines);
            let mut base = prefix.as_bytes().to_vec();
            let mut base_lines = Vec::new();
            push_line_keys_with::<false>(&s, sep, &mut base, &mut |k: &[u8], from, w| base_lines.push((k.to_vec(), from, w)));
            proptest::prop_assert_eq!(&base, &want);
            proptest::prop_assert_eq!(&base_lines, &want_lines);
        }

        /// Long printable ASCII stretches take the eight-byte path: spaces
        /// single, doubled and leading at every offset of a chunk; controls
        /// (word bytes but for `\t` to `\r`) among them.
        #[test]
        fn ascii_chunks_match_the_general_walk(s in "([ -~]{0,12}( {1,3}|\t|\u{a0}|\u{201c}|\u{200b}|é|\u{0}|\u{8}|\u{b}|\u{d}|\u{e}|\u{1f})?){0,20}") {
            let mut fast = b"prefix".to_vec();
            let fw = push_key(&s, &mut fast);
            let mut slow = b"prefix".to_vec();
            let sw = walk(&s, &mut slow, &mut Vec::new());
            proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(slow).unwrap());
            proptest::prop_assert_eq!(fw, sw);
        }
    }

    #[test]
    fn latin1_fast_path_matches_the_general_walk() {
        for c in '\u{80}'..='\u{17F}' {
            let line = format!("x{c}Y {c}{c} {c}");
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            assert_eq!(
                push_key(&line, &mut fast),
                walk(&line, &mut slow, &mut Vec::new())
            );
            assert_eq!(fast, slow, "{c:?}");
        }
    }

    #[test]
    fn counts_words() {
        let mut out = Vec::new();
        assert_eq!(push_key("  one\u{00A0}two   three ", &mut out), 3);
        assert_eq!(push_key("", &mut out), 0);
        assert_eq!(word_count(" a b\u{00A0}c "), 3);
    }
}
