//! The normalised key a line is matched on.
//!
//! Rules never look at the raw text: they match a *key* of each line that is
//! lowercase, has every run of whitespace (no-break spaces included) collapsed
//! to one ASCII space and trimmed at both ends, drops zero-width characters and
//! soft hyphens, and folds typographic quotes and dashes to their ASCII forms.
//! Output always keeps the original text; [`key_to_original`] maps a span of
//! the key back to the line it came from.
//!
//! ```
//! let mut key = Vec::new();
//! let words = deboil::normalize::push_key("  Siehe\u{a0}AUCH \u{200b} ", &mut key);
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

/// Walks `line`, appending its key to `out` and calling `at(offset)` with the
/// original byte offset that produced each key byte. Returns the word count
/// (space-separated tokens of the key).
#[inline(always)]
fn walk(line: &str, out: &mut Vec<u8>, mut at: impl FnMut(usize)) -> usize {
    let bytes = line.as_bytes();
    let start_len = out.len();
    let mut words = 0usize;
    let mut pending_space = false;
    let mut i = 0;
    // Emits one key byte, preceded by the pending space of a whitespace run.
    macro_rules! emit {
        ($b:expr, $pos:expr, $space_pos:expr) => {{
            if pending_space {
                if out.len() > start_len {
                    out.push(b' ');
                    at($space_pos);
                }
                pending_space = false;
            }
            if out.len() == start_len || out[out.len() - 1] == b' ' {
                words += 1;
            }
            out.push($b);
            at($pos);
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
                emit!(b.to_ascii_lowercase(), i, space_start);
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
                for &a in s.as_bytes() {
                    emit!(a, i, space_start);
                }
            }
            Fold::Lower(c) => {
                let mut buf = [0u8; 4];
                for lc in c.to_lowercase() {
                    for &a in lc.encode_utf8(&mut buf).as_bytes() {
                        emit!(a, i, space_start);
                    }
                }
            }
        }
        i += len;
    }
    words
}

/// Appends the key of `line` to `out` and returns its word count.
pub fn push_key(line: &str, out: &mut Vec<u8>) -> usize {
    walk(line, out, |_| {})
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
    walk(line, &mut key, |o| offsets.push(o));
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

/// Replaces every ASCII digit with `0`, so "Nr. 2231" and "Nr. 2232" share a key.
pub fn fold_digits(key: &mut [u8]) {
    for b in key {
        if b.is_ascii_digit() {
            *b = b'0';
        }
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

    #[test]
    fn counts_words() {
        let mut out = Vec::new();
        assert_eq!(push_key("  one\u{00A0}two   three ", &mut out), 3);
        assert_eq!(push_key("", &mut out), 0);
        assert_eq!(word_count(" a b\u{00A0}c "), 3);
    }
}
