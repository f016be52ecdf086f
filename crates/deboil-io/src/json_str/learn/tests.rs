use deboil_core::learn::PageLines;

use super::*;

/// `s` as a JSON string token, each character escaped or not by `how`
/// (one number a character, cycled): as serde_json writes it, as `\uXXXX`
/// (a surrogate pair beyond the first plane), `\/` for a slash, upper case
/// hex: every way a line break and a carriage return can be written.
fn token(s: &str, how: &[u8]) -> String {
    let mut out = String::from("\"");
    for (i, c) in s.chars().enumerate() {
        let h = how[i % how.len()];
        if h % 4 == 1 || (c < ' ' && h % 2 == 1) {
            for u in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&match h % 8 {
                    5 => format!("\\u{u:04X}"),
                    _ => format!("\\u{u:04x}"),
                });
            }
        } else if c == '/' && h % 4 == 2 {
            out.push_str("\\/");
        } else {
            let e = serde_json::to_string(&c.to_string()).unwrap();
            out.push_str(&e[1..e.len() - 1]);
        }
    }
    out.push('"');
    out
}

/// Each line's hash, opening hash and words.
type Facts = Vec<(u64, u64, u16)>;

/// The lines `read_lines` gives for `token`: each line's facts, and its
/// text trimmed.
fn read(token: &[u8]) -> Option<(Facts, Vec<String>, usize)> {
    let (page, end) = PageLines::read(|sink| read_lines(token, 1, sink))?;
    let texts = page
        .iter()
        .map(|(.., span)| {
            let (s, e) = span.unwrap();
            line_text(&token[s..e]).trim().to_string()
        })
        .collect();
    let facts = page.iter().map(|(h, p, w, _)| (h, p, w)).collect();
    Some((facts, texts, end))
}

/// What the lines of `text` are, read as the learner reads a text.
fn expected(text: &str) -> (Facts, Vec<String>) {
    let page = PageLines::of(text);
    let texts = page
        .iter()
        .map(|(.., span)| {
            let (s, e) = span.unwrap();
            text[s..e].trim().to_string()
        })
        .collect();
    (page.iter().map(|(h, p, w, _)| (h, p, w)).collect(), texts)
}

proptest::proptest! {
    /// Lines read off the string as written are the lines of its text,
    /// however it was escaped, met first or again.
    #[test]
    fn lines_as_written_are_the_lines_of_the_text(
        s in "([ a-z/é€😀\"\\\\\u{0}\u{1}\t]{0,12}(\n|\r\n|\r|\n\n| \n)?){0,8}",
        how in proptest::collection::vec(0u8..8, 1..6),
    ) {
        let t = token(&s, &how);
        let unescaped = crate::json_str::unescape(&t);
        proptest::prop_assert_eq!(unescaped.as_deref(), Some(s.as_str()), "{}", t);
        let (facts, texts) = expected(&s);
        for _ in 0..2 {
            let (f, x, end) = read(t.as_bytes()).expect("reads");
            proptest::prop_assert_eq!(&f, &facts, "{}", t);
            proptest::prop_assert_eq!(&x, &texts);
            proptest::prop_assert_eq!(end, t.len());
        }
    }

    /// Objects: the fields and the text's place are `flat_object`'s, and
    /// so is what it refuses.
    #[test]
    fn objects_read_as_flat_object_reads_them(
        src in r#"[ ]?\{[ ]?(("(text|id|t)"|"[a-z\\]{0,3}")[ ]?:[ ]?("([ a-z\\é\u{1}]|\\[nur"/\\x]|\\u00[0-9a-fA-F]{2}|\\u000[aA]|\\ud83d\\ude00|\\udc00)*"|-?(0|[1-9]|01)(\.[0-9]*)?|true|nul|null|\[1\])[ ]?,[ ]?){0,4}("text": "[a-z\\n]*"[ ]?)?\}[ x]?"#
    ) {
        let flat = crate::json_str::flat_object(&src, "text");
        let ours = PageLines::read(|sink| flat_object_lines(src.as_bytes(), "text", true, sink));
        match (flat, ours) {
            (None, None) => {}
            (Some(f), Some((page, (fields, at)))) => {
                proptest::prop_assert_eq!(&f.fields, &fields);
                proptest::prop_assert_eq!(f.text.as_ref().map(|t| t.0), at);
                let text = f.text.map(|t| t.1).unwrap_or_default();
                let (facts, _) = expected(&text);
                let got: Vec<_> = page.iter().map(|(h, p, w, _)| (h, p, w)).collect();
                proptest::prop_assert_eq!(got, facts);
            }
            (f, o) => proptest::prop_assert!(false, "flat {:?}, ours {:?}", f.is_some(), o.is_some()),
        }
        // Without the text's value: the same, but for the text's `""`.
        let kept = PageLines::read(|sink| flat_object_lines(src.as_bytes(), "text", true, sink));
        let not = PageLines::read(|sink| flat_object_lines(src.as_bytes(), "text", false, sink));
        match (kept, not) {
            (None, None) => {}
            (Some((_, (mut k, at))), Some((_, (n, at_n)))) => {
                if let Some(i) = at {
                    k[i].1 = "\"\"";
                }
                proptest::prop_assert_eq!(k, n);
                proptest::prop_assert_eq!(at, at_n);
            }
            (k, n) => proptest::prop_assert!(false, "kept {:?}, not {:?}", k.is_some(), n.is_some()),
        }
    }
}

#[test]
fn a_text_that_is_not_utf8_is_refused_without_its_value_too() {
    let mut src = b"{\"id\": 1, \"text\": \"caf".to_vec();
    src.extend_from_slice(&[0xc3, b'"', b'}']);
    for keep in [true, false] {
        assert!(PageLines::read(|sink| flat_object_lines(&src, "text", keep, sink)).is_none());
    }
}

#[test]
fn what_unescape_refuses_is_refused() {
    for t in [
        "\"a\\xb\"",
        "\"a\\ud800b\"",
        "\"a\\udc00\"",
        "\"a\\u12\"",
        "\"a\\u12",
        "\"ab",
        "\"a\u{1}b\"",
        "\"a\nb\"",
        "\"a\\",
    ] {
        assert_eq!(crate::json_str::unescape(t), None, "{t:?}");
        assert!(read(t.as_bytes()).is_none(), "{t:?}");
    }
    // Bytes that are not UTF-8, in a line met first or again.
    let bad = b"\"ok line\\nbad \xff line\\n\"";
    assert!(read(b"\"bad \xff line\\n\"").is_none());
    assert!(read(bad).is_none());
    assert!(read(bad).is_none());
}

#[test]
fn a_line_read_two_ways_is_two_lines() {
    // The same bytes as written and as a text: `a\"b` is `a"b` in a JSON
    // string, and `a\"b` (with its backslash) in a text.
    let (facts, texts, _) = read(br#""a\"b said so, word for word\n""#).unwrap();
    let (f2, t2) = expected("a\\\"b said so, word for word");
    assert_eq!(texts, vec!["a\"b said so, word for word"]);
    assert_ne!(facts, f2);
    assert_eq!(t2, vec!["a\\\"b said so, word for word"]);
    assert_eq!(facts, expected("a\"b said so, word for word").0);
}

#[test]
fn a_carriage_return_goes_before_a_break_only() {
    // `str::lines` drops a `\r` before a line break, not at the text's end.
    for t in [
        "\"one two three\\r\\nfour\\r\"",
        "\"one two three\\u000d\\u000Afour\\u000D\"",
    ] {
        let (facts, texts, _) = read(t.as_bytes()).unwrap();
        let text = crate::json_str::unescape(t).unwrap();
        assert_eq!((facts, texts), expected(&text));
    }
}

#[test]
fn runs_of_escapes_are_read_as_the_scan_reads_them() {
    // An escape before every other character (text stored as UTF-16 by
    // mistake), the runs broken by escaped line breaks in both cases of
    // hex, a quote, a backslash, a control character and letters of two
    // and three bytes.
    let s = "Por mais\nque \"n\\ão\" d\u{1}e\r\nx\ty€ z\n";
    for how in [[1u8, 0], [5, 0], [0, 1], [0, 5]] {
        let t = token(s, &how);
        let (facts, texts) = expected(s);
        for _ in 0..2 {
            let (f, x, end) = read(t.as_bytes()).expect("reads");
            assert_eq!((&f, &x, end), (&facts, &texts, t.len()), "{t}");
        }
    }
}

#[test]
fn runs_of_nul_escapes_end_where_the_scan_ends_them() {
    // "\u0000" after every letter (the word-at-a-time step), runs of every
    // length up to past a word from the string's end, broken by an escaped
    // line break in both cases of hex, a quote or a letter of two bytes.
    for n in 0..14 {
        let run: String = (0..n)
            .map(|i| format!("{}\0", (b'a' + i as u8) as char))
            .collect();
        for tail in ["", "\n", "x\n", "x\ny\0", "\nZ\0", "\"\0", "é\0x", "\0"] {
            let s = format!("{run}{tail}{run}");
            for how in [[0u8, 0], [0, 5], [2, 1]] {
                let t = token(&s, &how);
                let (facts, texts) = expected(&s);
                for _ in 0..2 {
                    let (f, x, end) = read(t.as_bytes()).expect("reads");
                    assert_eq!((&f, &x, end), (&facts, &texts, t.len()), "{t}");
                }
            }
        }
    }
}
