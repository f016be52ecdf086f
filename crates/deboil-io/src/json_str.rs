//! JSON strings read and written as serde_json does, byte for byte, but
//! eight bytes a step between escapes: a document's text is most of its
//! record, and serde_json looks at it one byte at a time.

const HI: u64 = 0x8080_8080_8080_8080;
const LO: u64 = 0x0101_0101_0101_0101;

/// Whether any of the eight bytes is below 0x20, a quote or a backslash.
#[inline]
fn any_special(w: u64) -> bool {
    // Each test flags the lowest such byte exactly (a borrow may flag bytes
    // above it too, which does not change the answer).
    let below = |x: u64, n: u64| x.wrapping_sub(LO * n) & !x;
    let q = w ^ (LO * u64::from(b'"'));
    let s = w ^ (LO * u64::from(b'\\'));
    (below(w, 0x20) | below(q, 1) | below(s, 1)) & HI != 0
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
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if i + 8 <= b.len() && !any_special(load(b, i)) {
            i += 8;
            continue;
        }
        let c = b[i];
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&b[start..i]);
                let x = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(c >> 4)],
                    HEX[usize::from(c & 0xF)],
                ];
                out.extend_from_slice(&x);
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(esc);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// The string a raw JSON string token (quotes included) holds, as serde_json
/// reads it, or `None` when the token is anything this does not handle:
/// not a string, a surrogate escape, a bad escape or a control character
/// (serde_json then decides, with its own errors).
pub fn unescape(raw: &str) -> Option<String> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?;
    let b = body.as_bytes();
    let mut out = String::with_capacity(b.len());
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if i + 8 <= b.len() && !any_special(load(b, i)) {
            i += 8;
            continue;
        }
        match b[i] {
            b'\\' => {
                out.push_str(&body[start..i]);
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
                        i += 4;
                        if (0xD800..0xDC00).contains(&v) {
                            // A pair; anything else (a lone surrogate) is left to serde_json.
                            if b.get(i + 2..i + 4)? != b"\\u" {
                                return None;
                            }
                            let lo = hex4(b.get(i + 4..i + 8)?)?;
                            if !(0xDC00..0xE000).contains(&lo) {
                                return None;
                            }
                            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                            i += 6;
                        }
                        char::from_u32(v)?
                    }
                    _ => return None,
                };
                out.push(c);
                i += 2;
                start = i;
            }
            // A bare quote cannot be inside a token; a control character is an error.
            b'"' | 0..0x20 => return None,
            _ => i += 1,
        }
    }
    out.push_str(&body[start..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn escapes_and_reads_as_serde_json_does(s in "[ -~\u{0}-\u{1f}\u{7f}é€😀\"\\\\]{0,40}") {
            let mut ours = Vec::new();
            write_escaped(&s, &mut ours);
            proptest::prop_assert_eq!(&ours, &serde_json::to_vec(&s).unwrap());
            let token = String::from_utf8(ours).unwrap();
            proptest::prop_assert_eq!(unescape(&token), Some(s));
        }

        /// Any token serde_json reads, read the same, or left to it.
        #[test]
        fn reads_tokens_as_serde_json_does(s in "\"([ -~é]|\\\\[\"\\\\/bfnrtx]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89abAB][0-9a-f]{2}\\\\u[dD][c-fC-F][0-9a-f]{2}|[\u{0}-\u{1f}])*\"") {
            if let Some(ours) = unescape(&s) {
                proptest::prop_assert_eq!(Some(ours), serde_json::from_str::<String>(&s).ok());
            }
        }
    }

    #[test]
    fn leaves_surrogates_and_errors_to_serde_json() {
        assert_eq!(unescape(r#""a\u00e9\n""#).as_deref(), Some("a\u{e9}\n"));
        assert_eq!(unescape(r#""\ud83d\ude00""#).as_deref(), Some("\u{1f600}"));
        for raw in [
            r#""\ude00""#,
            r#""\ud83d""#,
            r#""\ud83d\u0041""#,
            r#""\x""#,
            "\"a\u{1}\"",
            "12",
            r#""\u12""#,
        ] {
            assert_eq!(unescape(raw), None, "{raw}");
        }
    }
}
