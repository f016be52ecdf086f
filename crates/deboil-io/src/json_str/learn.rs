//! A record read for learning: its text's lines taken off the JSON string
//! as written, not unescaped first.
//!
//! Learning counts lines, and most lines of a site's pages were met before
//! (its template; copies of a story). The learner remembers each line's
//! facts by the bytes it was read as ([`LineSink::line`]), so a line met
//! before costs a hash of its bytes as written: only the lines met first
//! are unescaped, and only they are checked to be UTF-8 (a line met again
//! hashes as one that was).

use deboil_core::learn::LineSink;

use super::{copy_step, escape, hex4};

/// Line kinds (see [`LineSink::line`]): a line holding escapes, the last
/// of its string ...
const ESCAPED_LAST: u8 = 1;
/// ... or ended by a line break (`str::lines` then drops a `\r` before it).
const ESCAPED_BROKEN: u8 = 2;

/// A plain byte and the escape of U+0000 after it, as a little-endian
/// word (its first and last bytes masked off by [`ESCAPE_BYTES`]).
const NUL_ESCAPE: u64 = u64::from_le_bytes(*b"\0\\u0000\0");
const ESCAPE_BYTES: u64 = 0x00ff_ffff_ffff_ff00;

/// The index of the first byte from `b[i]` that is below 0x20, a quote or
/// a backslash, if any.
#[inline(always)]
fn next_special(b: &[u8], mut i: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    while i + 16 <= b.len() {
        let (m, _) = super::special16(b, i);
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 16;
    }
    while i + 8 <= b.len() {
        let m = super::special(super::load(b, i));
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    (i..b.len()).find(|&k| matches!(b[k], 0..0x20 | b'"' | b'\\'))
}

/// Gives `sink` the lines of the string whose body starts at `b[i]`, split
/// as `str::lines` splits its text, each as written (without its line
/// break); returns the index after the closing quote. `None` where
/// [`super::unescape`] would not read the string (a control character, a
/// bad escape, a lone surrogate, bytes that are not UTF-8), or a line
/// `sink` refused: the page must be read another way.
pub fn read_lines(b: &[u8], mut i: usize, sink: &mut LineSink) -> Option<usize> {
    let (mut start, mut escaped) = (i, false);
    loop {
        i = next_special(b, i)?;
        let brk = match b[i] {
            b'"' => {
                line(sink, b, (start, i), escaped, false)?;
                return Some(i + 1);
            }
            b'\\' => match *b.get(i + 1)? {
                b'n' => 2,
                b'u' if matches!(b.get(i + 2..i + 6), Some(b"000a" | b"000A")) => 6,
                // Checked when the line is decoded (a line met before was).
                b'u' => {
                    (escaped, i) = (true, i + 6);
                    // Text stored as UTF-16 by mistake has an escape before
                    // every letter ("\u0000P\u0000o"): a plain byte and the
                    // escape after it are stepped over together here, as
                    // the scan would (a line break's escape ends the run).
                    // Eight bytes read as one word while they are there (a
                    // run is most of such a line), "\u0000" first.
                    while i + 8 <= b.len() {
                        let w = super::load(b, i);
                        if (w ^ NUL_ESCAPE) & ESCAPE_BYTES != 0
                            || matches!(w as u8, 0..0x20 | b'"' | b'\\')
                        {
                            break;
                        }
                        i += 7;
                    }
                    while let Some(&[c, b'\\', b'u', ref h @ ..]) = b.get(i..i + 7)
                        && !matches!(c, 0..0x20 | b'"' | b'\\')
                        && !matches!(h, b"000a" | b"000A")
                    {
                        i += 7;
                    }
                    continue;
                }
                _ => {
                    (escaped, i) = (true, i + 2);
                    continue;
                }
            },
            _ => return None,
        };
        line(sink, b, (start, i), escaped, true)?;
        i += brk;
        (start, escaped) = (i, false);
    }
}

/// Gives `sink` the line `b[span]`, ended by a line break or not.
#[inline]
fn line(
    sink: &mut LineSink,
    b: &[u8],
    span: (usize, usize),
    escaped: bool,
    broken: bool,
) -> Option<()> {
    let bytes = &b[span.0..span.1];
    let kind = match (escaped, broken) {
        (false, _) => 0,
        (true, false) => ESCAPED_LAST,
        (true, true) => ESCAPED_BROKEN,
    };
    sink.line(bytes, kind, span, |bytes, out| {
        let ok = unescape_into(bytes, out);
        // What `str::lines` does to a line ended by a break.
        if ok && broken && out.ends_with('\r') {
            out.pop();
        }
        ok
    })
    .then_some(())
}

/// Appends the text of `b`, part of a string's body holding no quote and
/// no control character, to `out`; `false` for a bad escape, a lone
/// surrogate or bytes that are not UTF-8 (`out` then holds anything).
fn unescape_into(b: &[u8], out: &mut String) -> bool {
    let mut v = std::mem::take(out).into_bytes();
    let ok = unescape_bytes(b, &mut v);
    // The runs between escapes are copied unchecked, and an escape's
    // character never ends a broken one nor starts with a continuation
    // byte: the whole is UTF-8 exactly when every run is.
    match String::from_utf8(v) {
        Ok(s) => {
            *out = s;
            ok
        }
        Err(e) => {
            let mut v = e.into_bytes();
            v.clear();
            *out = String::from_utf8(v).unwrap_or_default();
            false
        }
    }
}

/// [`unescape_into`]'s bytes, runs between escapes copied sixteen bytes a
/// step (text stored as UTF-16 by mistake, `\u0000` every other letter, is
/// most lines met only once).
fn unescape_bytes(b: &[u8], out: &mut Vec<u8>) -> bool {
    out.reserve(b.len());
    let mut i = 0;
    loop {
        let (n, whole) = copy_step(out, b, i);
        i += n;
        if whole {
            continue;
        }
        let Some(&c) = b.get(i) else {
            return true;
        };
        match c {
            b'\\' if b.get(i + 1..i + 4) == Some(b"u00") && i + 6 <= b.len() => {
                let Some(x) = hex4(&b[i + 2..i + 6]) else {
                    return false;
                };
                let c = char::from_u32(x).expect("below 0x100");
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += 6;
            }
            b'\\' => {
                let Some((c, len)) = escape(b, i) else {
                    return false;
                };
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += len;
            }
            0..0x20 | b'"' => return false,
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// The text of a line [`read_lines`] gave as `b` (maybe with a `\r` that
/// `str::lines` drops): it decoded when it was read.
pub fn line_text(b: &[u8]) -> String {
    let mut out = String::new();
    let read = unescape_into(b, &mut out);
    debug_assert!(read, "a line read decodes");
    out
}

/// An object's keys and raw values, in order.
#[cfg(test)]
pub type Fields<'a> = Vec<(&'a str, &'a str)>;

/// A flat JSON object read as [`super::flat_object`] reads it, but from
/// bytes not yet checked to be UTF-8 (each is checked here, or by `sink`)
/// and with the lines of its first field named `text` given to `sink`
/// ([`read_lines`]) instead of unescaped: each field's key and raw value,
/// and the text field's index. `None` for anything `flat_object` would not
/// read the same, or a text that is not a string.
///
/// The text's raw value is checked to be UTF-8 only when `keep_text`; else
/// it is given as `""`. `sink` checks each line when it first meets it, but
/// knows a line met again by a hash of its bytes, not by the bytes, so only
/// a check of its own makes the raw text a `str`; checking costs what a
/// third of the learning read's scan does, for a value its caller needs
/// only when the text is also the site field, say.
#[cfg(test)]
pub fn flat_object_lines<'a>(
    b: &'a [u8],
    text: &str,
    keep_text: bool,
    sink: &mut LineSink,
) -> Option<(Fields<'a>, Option<usize>)> {
    let mut fields = Vec::with_capacity(8);
    let found = flat_object_lines_with(b, text, keep_text, sink, |k, v| fields.push((k, v)))?;
    Some((fields, found))
}

/// [`flat_object_lines`], each field given to `push` (its caller keeps them
/// where it likes: a record is read for learning with no allocation of its
/// own but its lines').
pub fn flat_object_lines_with<'a>(
    b: &'a [u8],
    text: &str,
    keep_text: bool,
    sink: &mut LineSink,
    mut push: impl FnMut(&'a str, &'a str),
) -> Option<Option<usize>> {
    let utf8 = |s: &'a [u8]| match s.iter().fold(0, |a, &c| a | c) < 0x80 {
        // SAFETY: ASCII. Keys and short values are: `from_utf8`'s set-up
        // costs more than such a check (~7 calls a record).
        true => Some(unsafe { std::str::from_utf8_unchecked(s) }),
        false => std::str::from_utf8(s).ok(),
    };
    let mut found = None;
    super::walk_flat(
        b,
        text,
        |index, at| {
            found = Some(index);
            read_lines(b, at, sink)
        },
        |key, value, is_text| {
            let value = match is_text && !keep_text {
                true => "\"\"",
                false => utf8(&b[value])?,
            };
            push(utf8(&b[key])?, value);
            Some(())
        },
    )?;
    Some(found)
}

#[cfg(test)]
mod tests;
