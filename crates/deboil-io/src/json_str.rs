//! JSON strings read and written as serde_json does, byte for byte, but
//! thirty-two bytes a step between escapes where the CPU has AVX2 (checked
//! at run time), sixteen with SSE2 on other x86-64 CPUs, eight (SWAR on
//! `u64`) elsewhere and for shorter stretches: a document's text is most of
//! its record, and serde_json looks at it one byte at a time.

use std::ops::Range;

use deboil_core::normalize::push_first;

const HI: u64 = 0x8080_8080_8080_8080;
const LO: u64 = 0x0101_0101_0101_0101;

/// The high bit of each of the eight bytes below 0x20, a quote or a
/// backslash: exact for the lowest such byte (a borrow may flag bytes above
/// it too), so it says whether there is one and where the first is.
#[inline]
fn special(w: u64) -> u64 {
    let below = |x: u64, n: u64| x.wrapping_sub(LO * n) & !x;
    let q = w ^ (LO * u64::from(b'"'));
    let s = w ^ (LO * u64::from(b'\\'));
    (below(w, 0x20) | below(q, 1) | below(s, 1)) & HI
}

/// Whether any of the eight bytes is below 0x20, a quote or a backslash.
#[inline]
fn any_special(w: u64) -> bool {
    special(w) != 0
}

/// Copies the bytes of `w` before its first special byte (all eight when
/// there is none) to `out`, and returns how many.
#[inline(always)]
fn copy_plain(out: &mut Vec<u8>, w: u64) -> usize {
    let m = special(w);
    let n = if m == 0 {
        8
    } else {
        m.trailing_zeros() as usize / 8
    };
    push_first(out, w, n);
    n
}

/// The 16 bytes at `b[i..]` (which must be there): the bit of each that is
/// below 0x20, a quote or a backslash, lowest byte lowest, and the bytes.
/// SSE2 (part of every x86-64) does twice the SWAR step's bytes in fewer
/// instructions.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn special16(b: &[u8], i: usize) -> (u32, std::arch::x86_64::__m128i) {
    use std::arch::x86_64::*;
    assert!(i + 16 <= b.len());
    // SAFETY: SSE2 is always there on x86-64; the load reads the 16 bytes
    // checked above.
    unsafe {
        let v = _mm_loadu_si128(b.as_ptr().add(i).cast());
        let ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
        let q = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let s = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        let m = _mm_or_si128(ctl, _mm_or_si128(q, s));
        (_mm_movemask_epi8(m) as u32, v)
    }
}

/// Whether any of the 16 bytes at `b[i..]` is special (see [`special`]).
#[inline(always)]
fn any_special16(b: &[u8], i: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        special16(b, i).0 != 0
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        any_special(load(b, i)) || any_special(load(b, i + 8))
    }
}

/// [`copy_plain`] for the 16 bytes at `b[i..]` (which must be there).
#[inline(always)]
fn copy_plain16(out: &mut Vec<u8>, b: &[u8], i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        let (m, v) = special16(b, i);
        let n = if m == 0 {
            16
        } else {
            m.trailing_zeros() as usize
        };
        if out.capacity() - out.len() < 16 {
            out.reserve(64);
        }
        let len = out.len();
        // SAFETY: the capacity holds 16 more bytes (checked above); the
        // length covers only the `n` of them before the special byte.
        unsafe {
            _mm_storeu_si128(out.as_mut_ptr().add(len).cast(), v);
            out.set_len(len + n);
        }
        n
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let n = copy_plain(out, load(b, i));
        if n < 8 {
            return n;
        }
        8 + copy_plain(out, load(b, i + 8))
    }
}

/// Copies the plain bytes at `b[i..]` to `out`, sixteen or eight a step
/// while that many are left: how many, and whether the whole step was plain
/// (then step again; else `b[i + n]` is special, or under 8 bytes are left).
#[inline(always)]
fn copy_step(out: &mut Vec<u8>, b: &[u8], i: usize) -> (usize, bool) {
    if i + 16 <= b.len() {
        let n = copy_plain16(out, b, i);
        (n, n == 16)
    } else if i + 8 <= b.len() {
        let n = copy_plain(out, load(b, i));
        (n, n == 8)
    } else {
        (0, false)
    }
}

/// The value of four hex digits.
#[inline]
fn hex4(h: &[u8]) -> Option<u32> {
    h.iter().try_fold(0u32, |v, &d| {
        let x = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return None,
        };
        Some(v << 4 | u32::from(x))
    })
}

#[inline]
fn load(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"))
}

/// Appends `s` as a JSON string, escaped as `serde_json::to_writer` does.
pub fn write_escaped(s: &str, out: &mut Vec<u8>) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    write_body(s, out);
    out.push(b'"');
}

/// Appends `s` escaped as [`write_escaped`] does, without the quotes.
/// Each character is escaped alone, so pieces escaped one after another
/// give the escape of the whole.
fn write_body(s: &str, out: &mut Vec<u8>) {
    let b = s.as_bytes();
    let mut i = 0;
    // Long strings (texts) take the wide step; keys and short values are
    // not worth the check.
    #[cfg(target_arch = "x86_64")]
    let avx2 = b.len() >= 64 && std::arch::is_x86_feature_detected!("avx2");
    while i < b.len() {
        // Whether the plain run stopped at a special byte `b[i]`.
        #[allow(unused_mut)]
        let mut at_special = false;
        #[cfg(target_arch = "x86_64")]
        if avx2 {
            // SAFETY: the CPU has AVX2 (checked above).
            (i, at_special) = unsafe { copy_plain_avx2(out, b, i) };
            if i == b.len() {
                break;
            }
        }
        if !at_special {
            let (n, whole) = copy_step(out, b, i);
            i += n;
            if whole {
                continue;
            }
        }
        let c = b[i];
        let esc: &[u8; 2] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let x = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(c >> 4)],
                    HEX[usize::from(c & 0xF)],
                    0,
                    0,
                ];
                push_first(out, u64::from_le_bytes(x), 6);
                i += 1;
                continue;
            }
            _ => {
                out.push(c);
                i += 1;
                continue;
            }
        };
        push_first(out, u64::from(u16::from_le_bytes(*esc)), 2);
        i += 1;
    }
}

/// The bytes [`write_escaped`] writes for the byte `c` of a string.
#[inline]
fn escaped_len(c: u8) -> usize {
    match c {
        b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0C => 2,
        0..0x20 => 6,
        _ => 1,
    }
}

/// Where a string token's line breaks are, when every escape in it is the
/// one [`write_escaped`] writes for its character (so the token's body is
/// the escape of its string, piece by piece): for each line break, the
/// offsets just after it in the string and in the body. Only line breaks:
/// text stored as UTF-16 by mistake has an escape every other letter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Breaks {
    after: Vec<(u32, u32)>,
}

impl Breaks {
    /// The body offsets of `original[start..end]`, a piece that starts a
    /// line, or `None` when it starts none; `*cur`, the first break not
    /// before `start`, moves on as pieces come in order.
    fn body_range(
        &self,
        original: &[u8],
        body_len: usize,
        start: usize,
        end: usize,
        cur: &mut usize,
    ) -> Option<(usize, usize)> {
        let at = |k: usize| self.after.get(k).map(|&(s, r)| (s as usize, r as usize));
        while at(*cur).is_some_and(|(s, _)| s < start) {
            *cur += 1;
        }
        let a = match start {
            0 => 0,
            _ => match at(*cur) {
                Some((s, r)) if s == start => r,
                _ => return None,
            },
        };
        // Back from the next break (or the end) over what lies between:
        // trailing space and the break itself, as written.
        let (next, next_raw) = (*cur..)
            .map_while(at)
            .find(|&(s, _)| s > end)
            .unwrap_or((original.len(), body_len));
        let gap: usize = original[end..next].iter().map(|&c| escaped_len(c)).sum();
        Some((a, next_raw - gap))
    }
}

/// Appends `text` as [`write_escaped`] does, copying what it can from
/// `body`, the body of the token `original` was read from (with its
/// [`Breaks`]): each of `pieces`, `(o, r)`, says that `text[r]` may be
/// `original[o..]`; where it is and starts a line, its bytes as written in
/// the record are copied, not escaped again. The pieces come in increasing
/// order of both.
pub fn write_escaped_from(
    text: &str,
    original: &str,
    body: &str,
    breaks: &Breaks,
    pieces: impl IntoIterator<Item = (usize, std::ops::Range<usize>)>,
    out: &mut Vec<u8>,
) {
    out.reserve(text.len() + 2);
    out.push(b'"');
    let (mut at, mut cur) = (0, 0);
    for (o, r) in pieces {
        match &text[at..r.start] {
            // Between kept lines, mostly.
            "\n" => out.extend_from_slice(b"\\n"),
            gap => write_body(gap, out),
        }
        let piece = &text.as_bytes()[r.clone()];
        let end = o + piece.len();
        let copied = (original.as_bytes().get(o..end) == Some(piece))
            .then(|| breaks.body_range(original.as_bytes(), body.len(), o, end, &mut cur))
            .flatten();
        match copied {
            Some((a, b)) => out.extend_from_slice(&body.as_bytes()[a..b]),
            None => write_body(&text[r.clone()], out),
        }
        at = r.end;
    }
    write_body(&text[at..], out);
    out.push(b'"');
}

/// The string a raw JSON string token (quotes included) holds, as serde_json
/// reads it, or `None` when the token is anything this does not handle:
/// not a string, a surrogate escape, a bad escape or a control character
/// (serde_json then decides, with its own errors).
pub fn unescape(raw: &str) -> Option<String> {
    if !raw.starts_with('"') {
        return None;
    }
    let (s, end) = unescape_from::<false>(raw, 1, &mut Vec::new())?;
    (end == raw.len()).then_some(s)
}

/// A flat JSON object read in one pass: each field's key and raw value,
/// and the string value of the first field named `text`, unescaped as it
/// was scanned (the text is most of a record: read once, not skipped by
/// one pass and decoded by another).
pub struct FlatObject<'a> {
    /// Keys and raw values, in order.
    pub fields: Vec<(&'a str, &'a str)>,
    /// The index of the first field named `text` and its string, when it
    /// is one, and where its line breaks are when its escapes are as
    /// [`write_escaped`] writes them.
    pub text: Option<(usize, String, Option<Breaks>)>,
    /// The runs of `src` between its blanks outside tokens, when there are
    /// at most [`MAX_RUNS`].
    pub runs: Option<Runs>,
}

/// The most runs [`Runs`] holds (a record in more is rare).
pub const MAX_RUNS: usize = 12;

/// The runs of a record between the blanks outside its tokens, (offset,
/// length), in order: the object written again from its keys and raw
/// values, without those blanks, is these runs joined (so the record need
/// not be written and compared with it to find them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Runs {
    /// How many.
    pub n: u8,
    /// The runs, `n` of them.
    pub at: [(u32, u32); MAX_RUNS],
}

/// [`Runs`] as a walk finds the gaps between tokens.
struct RunsOf {
    runs: Runs,
    /// Where the open run starts.
    start: usize,
    /// Under [`MAX_RUNS`] so far.
    fits: bool,
}

impl RunsOf {
    /// The gap `b[x..y]` between two tokens, one delimiter among blanks.
    #[inline(always)]
    fn gap(&mut self, b: &[u8], x: usize, y: usize) {
        if y - x == 1 {
            return;
        }
        let d = (x..y)
            .find(|&k| !matches!(b[k], b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(y);
        self.blank(x, d);
        self.blank(d + 1, y);
    }

    /// Blanks at `s..e`: the open run ends at `s`, the next starts at `e`.
    fn blank(&mut self, s: usize, e: usize) {
        if s >= e {
            return;
        }
        self.push(s);
        self.start = e;
    }

    /// Ends the open run at `end` (when it holds anything).
    fn push(&mut self, end: usize) {
        if end > self.start {
            match self.runs.at.get_mut(usize::from(self.runs.n)) {
                Some(r) => {
                    // Offsets fit: the caller reads records under 4 GiB.
                    *r = (self.start as u32, (end - self.start) as u32);
                    self.runs.n += 1;
                }
                None => self.fits = false,
            }
        }
    }
}

/// Reads `src` as one JSON object whose values are strings, numbers,
/// `true`, `false` or `null`, or `None` for anything else: nested values,
/// escaped keys, surrogate escapes, anything malformed (serde_json then
/// decides, with its own errors). What it accepts, serde_json reads to the
/// same fields.
#[cfg(test)]
pub fn flat_object<'a>(src: &'a str, text: &str) -> Option<FlatObject<'a>> {
    flat_object_with(src, text, true)
}

/// [`flat_object`], listing the text's line breaks only when `breaks` (a
/// reader that never writes the text back from its token needs none).
pub fn flat_object_with<'a>(src: &'a str, text: &str, breaks: bool) -> Option<FlatObject<'a>> {
    let b = src.as_bytes();
    let mut fields = Vec::with_capacity(8);
    let mut found = None;
    let mut runs = RunsOf {
        runs: Runs::default(),
        start: 0,
        fits: src.len() < u32::MAX as usize,
    };
    runs.blank(0, skip_ws(b, 0));
    // The end of the token before the next gap (at first, before the `{`).
    let mut before = skip_ws(b, 0);
    walk_flat(
        b,
        text,
        |index, at| {
            let (s, end, breaks) = if breaks && src.len() < u32::MAX as usize {
                // Room for a few dozen lines: no regrowth in most texts.
                let mut after = Vec::with_capacity(32);
                let (s, end) = unescape_from::<true>(src, at, &mut after)?;
                let canonical = after.last() != Some(&NOT_AS_WRITTEN);
                (s, end, canonical.then_some(Breaks { after }))
            } else {
                let (s, end) = unescape_from::<false>(src, at, &mut Vec::new())?;
                (s, end, None)
            };
            found = Some((index, s, breaks));
            Some(end)
        },
        // Keys and values start and end at ASCII delimiters: char boundaries.
        |key, value, _| {
            // Key tokens are their name in quotes.
            runs.gap(b, before, key.start - 1);
            runs.gap(b, key.end + 1, value.start);
            before = value.end;
            fields.push((&src[key], &src[value]));
            Some(())
        },
    )?;
    // The `}` and what follows it.
    runs.gap(b, before, b.len());
    runs.push(b.len());
    Some(FlatObject {
        runs: (runs.fits && !fields.is_empty()).then_some(runs.runs),
        fields,
        text: found,
    })
}

/// Walks `b` as one JSON object whose values are strings, numbers, `true`,
/// `false` or `null`, with unescaped keys: `field` gets each field's key and
/// raw value as byte ranges, in order (and whether it is the text's), and `read_text` the string value of
/// the first field named `text` (its index among the fields, and where the
/// string starts, past its quote), returning where it ends. `None` for
/// anything else: nested values, escaped keys, a text that is no string or
/// a repeated text key (the full reader says what is wrong), anything
/// malformed, or `None` from a callback. The one walker of the two readers
/// of records ([`flat_object`], `learn::flat_object_lines`), so that both
/// accept the same objects.
#[inline(always)]
pub(crate) fn walk_flat(
    b: &[u8],
    text: &str,
    mut read_text: impl FnMut(usize, usize) -> Option<usize>,
    mut field: impl FnMut(Range<usize>, Range<usize>, bool) -> Option<()>,
) -> Option<()> {
    let mut fields = 0;
    let mut found = false;
    let mut i = skip_ws(b, 0);
    if *b.get(i)? != b'{' {
        return None;
    }
    i = skip_ws(b, i + 1);
    if *b.get(i)? == b'}' {
        i += 1;
    } else {
        loop {
            if *b.get(i)? != b'"' {
                return None;
            }
            let k_end = i + 1 + memchr::memchr2(b'"', b'\\', &b[i + 1..])?;
            if b[k_end] != b'"' || b[i + 1..k_end].iter().any(|&c| c < 0x20) {
                return None;
            }
            let key = i + 1..k_end;
            i = skip_ws(b, k_end + 1);
            if *b.get(i)? != b':' {
                return None;
            }
            i = skip_ws(b, i + 1);
            let v_start = i;
            let is_text = &b[key.clone()] == text.as_bytes();
            if is_text && found {
                // A repeated text key: the full reader names it as a bad record.
                return None;
            }
            i = match *b.get(i)? {
                b'"' if is_text => {
                    found = true;
                    read_text(fields, i + 1)?
                }
                _ if is_text => return None,
                b'"' => skip_str(b, i + 1)?,
                b't' => lit(b, i, b"true")?,
                b'f' => lit(b, i, b"false")?,
                b'n' => lit(b, i, b"null")?,
                b'-' | b'0'..=b'9' => number(b, i)?,
                _ => return None,
            };
            field(key, v_start..i, is_text)?;
            fields += 1;
            i = skip_ws(b, i);
            match *b.get(i)? {
                b',' => i = skip_ws(b, i + 1),
                b'}' => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(b, i) == b.len()).then_some(())
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

fn lit(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    (b.get(i..i + word.len())? == word).then_some(i + word.len())
}

/// The end of the number at `i` (JSON's grammar exactly).
fn number(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |mut i: usize| {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        (i > s).then_some(i)
    };
    if b[i] == b'-' {
        i += 1;
    }
    i = match *b.get(i)? {
        b'0' => i + 1,
        _ => digits(i)?,
    };
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(i)?;
    }
    Some(i)
}

/// The end (after the closing quote) of the string whose body starts at
/// `i`, checked as [`unescape_from`] checks it.
fn skip_str(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        if i + 16 <= b.len() && !any_special16(b, i) {
            i += 16;
            continue;
        }
        if i + 8 <= b.len() && !any_special(load(b, i)) {
            i += 8;
            continue;
        }
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += escape(b, i)?.1,
            0..0x20 => return None,
            _ => i += 1,
        }
    }
}

/// The first `\uXXXX` escape of the JSON string `raw` that is half of a
/// surrogate pair without its other half: serde_json's message for it,
/// "unexpected end of hex escape", names no cause. `None` when the string
/// has none (or an earlier escape is bad in another way).
pub(crate) fn lone_surrogate(raw: &str) -> Option<&str> {
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match escape(b, i) {
            Some((_, len)) => i += len,
            None => {
                let unit = b.get(i + 2..i + 6).and_then(hex4);
                let lone = b.get(i + 1) == Some(&b'u') && matches!(unit, Some(0xD800..0xE000));
                return raw.get(i..i + 6).filter(|_| lone);
            }
        }
    }
    None
}

/// The character the escape at `b[i]` (a backslash) stands for and its
/// length in bytes; `None` for a bad escape or a lone surrogate.
#[inline]
fn escape(b: &[u8], i: usize) -> Option<(char, usize)> {
    let c = match *b.get(i + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let mut v = hex4(b.get(i + 2..i + 6)?)?;
            let mut len = 6;
            if (0xD800..0xDC00).contains(&v) {
                // A pair; anything else (a lone surrogate) is left to serde_json.
                if b.get(i + 6..i + 8)? != b"\\u" {
                    return None;
                }
                let lo = hex4(b.get(i + 8..i + 12)?)?;
                if !(0xDC00..0xE000).contains(&lo) {
                    return None;
                }
                v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                len = 12;
            }
            return Some((char::from_u32(v)?, len));
        }
        _ => return None,
    };
    Some((c, 2))
}

/// Copies the plain bytes at `b[i..]` to `out` thirty-two a step (the
/// SSE2 step's test on AVX2 registers, half the steps), while thirty-two
/// are left: where it stopped, and whether at a special byte (else under
/// thirty-two bytes are left).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn copy_plain_avx2(out: &mut Vec<u8>, b: &[u8], mut i: usize) -> (usize, bool) {
    use std::arch::x86_64::*;
    if i + 32 > b.len() {
        return (i, false);
    }
    // Each step stores 32 bytes but keeps only those read: room for all
    // that is left, and the 32 of the last store past it.
    out.reserve(b.len() - i + 32);
    let len = out.len();
    let mut n = 0;
    let mut stopped = false;
    // SAFETY: each load reads the 32 bytes at `b[i..]`, there while the
    // loop runs; each store writes 32 bytes from `len + n`, and `n` grows
    // by at most the bytes read, so within the capacity reserved above.
    unsafe {
        let dst = out.as_mut_ptr().add(len);
        while i + 32 <= b.len() {
            let v = _mm256_loadu_si256(b.as_ptr().add(i).cast());
            let ctl = _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v);
            let q = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8));
            let s = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\\' as i8));
            let m = _mm256_movemask_epi8(_mm256_or_si256(ctl, _mm256_or_si256(q, s))) as u32;
            _mm256_storeu_si256(dst.add(n).cast(), v);
            if m != 0 {
                let k = m.trailing_zeros() as usize;
                n += k;
                i += k;
                stopped = true;
                break;
            }
            n += 32;
            i += 32;
        }
        out.set_len(len + n);
    }
    (i, stopped)
}

/// Ends a list of breaks whose token holds an escape [`write_escaped`]
/// does not write (`\/`, `\u00e9`, a surrogate pair, upper case hex).
const NOT_AS_WRITTEN: (u32, u32) = (u32::MAX, u32::MAX);

/// The string whose body starts at `b[i]` and the index after its closing
/// quote, or `None` (see [`unescape`]). With `TRACK`, `after` gets the line
/// breaks as [`Breaks`] lists them (offsets from the body's start), ended
/// by [`NOT_AS_WRITTEN`] at the first escape that is not as written.
fn unescape_from<const TRACK: bool>(
    src: &str,
    mut i: usize,
    after: &mut Vec<(u32, u32)>,
) -> Option<(String, usize)> {
    let b = src.as_bytes();
    let start = i;
    // Whether breaks are still listed (no escape so far was not as written).
    let mut listing = TRACK;
    // The string is no longer than the token; 32 over it for the wide
    // steps' stores past the end (`copy_plain_avx2`).
    let mut out: Vec<u8> = Vec::with_capacity(b.len() - i + 32);
    #[cfg(target_arch = "x86_64")]
    let avx2 = std::arch::is_x86_feature_detected!("avx2");
    loop {
        // Whether the plain run stopped at a special byte `b[i]`.
        #[allow(unused_mut)]
        let mut at_special = false;
        #[cfg(target_arch = "x86_64")]
        if avx2 {
            // SAFETY: the CPU has AVX2 (checked above).
            (i, at_special) = unsafe { copy_plain_avx2(&mut out, b, i) };
        }
        if !at_special {
            let (n, whole) = copy_step(&mut out, b, i);
            i += n;
            if whole {
                continue;
            }
        }
        match *b.get(i)? {
            // Between paragraphs, the commonest escape by far: what
            // `escape` gives for it, without its table.
            b'\\' if b.get(i + 1) == Some(&b'n') => {
                out.push(b'\n');
                i += 2;
                if listing {
                    // Offsets fit: the caller tracks tokens under 4 GiB.
                    after.push((out.len() as u32, (i - start) as u32));
                }
            }
            // The NUL of text stored as UTF-16 by mistake (one every other
            // letter): the commonest `\u` escape, and written so.
            b'\\' if b.get(i..i + 6) == Some(b"\\u0000") => {
                out.push(0);
                i += 6;
                // Such text is a plain byte and a `\u0000`, again and
                // again: taken here a pair at a time, where each would
                // otherwise cost a wide step that stops after one byte.
                while let Some(&[c, b'\\', b'u', b'0', b'0', b'0', b'0']) = b.get(i..i + 7) {
                    if c < 0x20 || c == b'"' || c == b'\\' {
                        break;
                    }
                    out.extend_from_slice(&[c, 0]);
                    i += 7;
                }
            }
            // `\u00XX` for an ASCII character: most escapes in text that
            // was stored as UTF-16 by mistake, one NUL every other letter.
            b'\\' if b.get(i + 1..i + 4) == Some(b"u00") && i + 6 <= b.len() => {
                let v = hex4(&b[i + 2..i + 6])?;
                if v < 0x80 {
                    out.push(v as u8);
                } else {
                    let mut utf8 = [0; 4];
                    let c = char::from_u32(v).expect("below 0x100");
                    out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                }
                i += 6;
                // Written so: a control character with no short escape, in
                // lower case hex.
                // Below 0x20 only the last digit can be a letter.
                if listing
                    && (v >= 0x20
                        || matches!(v, 0x08 | 0x09 | 0x0A | 0x0C | 0x0D)
                        || b[i - 1].is_ascii_uppercase())
                {
                    listing = false;
                    after.push(NOT_AS_WRITTEN);
                }
            }
            b'\\' => {
                let (c, len) = escape(b, i)?;
                let mut utf8 = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                i += len;
                if listing {
                    // Written so: the two-byte escapes but `\/`.
                    if len != 2 || c == '/' {
                        listing = false;
                        after.push(NOT_AS_WRITTEN);
                    } else if c == '\n' {
                        // Offsets fit: the caller tracks tokens under 4 GiB.
                        after.push((out.len() as u32, (i - start) as u32));
                    }
                }
            }
            b'"' => {
                // SAFETY: `out` holds runs of `src` (a `str`) that start and
                // end at ASCII bytes, and whole characters between them.
                let s = unsafe { String::from_utf8_unchecked(out) };
                return Some((s, i + 1));
            }
            0..0x20 => return None,
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
}

pub(crate) mod learn;

#[cfg(test)]
mod tests;
