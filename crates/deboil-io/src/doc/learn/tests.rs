use super::*;
use crate::doc::tests::rec_as as rec;

/// A page's lines without where they were read, and each line's text.
fn lines_of(page: &LearnPage, rec: &RawRecord) -> (String, Vec<(u64, u64, u16)>, Vec<String>) {
    let (site, lines, text): (_, _, Box<dyn Fn(usize, usize) -> String>) = match page {
        LearnPage::Written { site, lines } => (
            site,
            lines,
            Box::new(|s, e| line_text(&rec.bytes[s..e]).trim().to_string()),
        ),
        LearnPage::Parsed { site, text, lines } => (
            site,
            lines,
            Box::new(move |s, e| text[s..e].trim().to_string()),
        ),
    };
    let facts = lines.iter().map(|(h, p, w, _)| (h, p, w)).collect();
    let texts = lines
        .iter()
        .map(|(.., span)| {
            let (s, e) = span.unwrap();
            text(s, e)
        })
        .collect();
    (site.to_string(), facts, texts)
}

/// Reads `src` both ways: bad both ways, or the same site, lines and texts.
fn same_both_ways(src: &[u8], names: &FieldNames, format: Format) -> Option<bool> {
    let r = rec(src, format);
    let ours = LearnPage::read(&r, names);
    let doc = Document::parse(&r, names);
    match (ours, doc) {
        (Err(a), Err(b)) => {
            assert_eq!(a, b);
            None
        }
        (Ok(page), Ok(d)) => {
            let written = matches!(page, LearnPage::Written { .. });
            let want = LearnPage::Parsed {
                lines: PageLines::of(&d.text),
                site: d.site.into(),
                text: d.text,
            };
            assert_eq!(
                lines_of(&page, &r),
                lines_of(&want, &r),
                "{}",
                String::from_utf8_lossy(src)
            );
            Some(written)
        }
        (a, b) => panic!("{}: ours {a:?}, parse {b:?}", String::from_utf8_lossy(src)),
    }
}

proptest::proptest! {
    /// Whatever the record, reading it for learning finds what parsing it
    /// finds: the same site and lines, or the same problem.
    #[test]
    fn records_read_for_learning_as_parsed(
        src in r#"[ ]?\{[ ]?(("(text|id|site|url|metadata|a\.b)"|"[a-z\\]{0,3}")[ ]?:[ ]?("([ a-zA-Z/:.\\é\u{1}]|\\[nur"/\\x]|\\u00[0-9a-fA-F]{2}|\\u000[aA]|\\ud83d\\ude00|\\udc00|https?://[a-z]{1,4}\.(com|de)/x)*"|-?(0|[1-9]|01)(\.[0-9]*)?|true|null|\[1\]|\{"url":"http://n.org"\})[ ]?,[ ]?){0,5}("text": "([a-z ]{0,20}\\n)*"[ ]?)?\}[ x]?"#,
        text in "text|a.b|site|url|id",
    ) {
        let names = FieldNames { text, ..FieldNames::default() };
        same_both_ways(src.as_bytes(), &names, Format::Jsonl);
    }
}

#[test]
fn plain_records_are_read_as_written() {
    let names = FieldNames::default();
    for src in [
        r#"{"id":1,"site":"News.Example","text":"Line one of it\nLine \"two\" é\r\n\nthree\u000a"}"#,
        r#"{"text":"Menu\n\u0000H\u0000i\n","url":"https://www.a.example/x"}"#,
        r#"{"text":"no site"}"#,
        r#"{"site":"","url":"http://b.example","text":"x\ny"}"#,
    ] {
        assert_eq!(
            same_both_ways(src.as_bytes(), &names, Format::Jsonl),
            Some(true),
            "{src}"
        );
    }
    // A nested text, a text file, a text with a bad escape or a byte that
    // is not UTF-8: parsed whole, as before.
    let nested = FieldNames {
        text: "m.t".into(),
        ..FieldNames::default()
    };
    assert_eq!(
        same_both_ways(br#"{"m":{"t":"a\nb"}}"#, &nested, Format::Jsonl),
        Some(false)
    );
    assert_eq!(same_both_ways(b"a\nb\n", &names, Format::Text), Some(false));
    assert_eq!(
        same_both_ways(br#"{"text":"a\ud800"}"#, &names, Format::Jsonl),
        None
    );
    assert_eq!(
        same_both_ways(b"{\"text\":\"a\xff\"}", &names, Format::Jsonl),
        None
    );
    assert_eq!(
        same_both_ways(b"{\"text\":\"a\"}\x00", &names, Format::Jsonl),
        None
    );
}

#[test]
fn sites_named_from_the_same_field_are_the_same() {
    let names = FieldNames::default();
    for _ in 0..3 {
        for src in [
            r#"{"site":"https://Www.A.example/x","text":"t"}"#,
            r#"{"site":"A Example","text":"t"}"#,
            r#"{"site":"","url":"https://c.example","text":"t"}"#,
            r#"{"site":7,"text":"t"}"#,
        ] {
            same_both_ways(src.as_bytes(), &names, Format::Jsonl);
        }
    }
}

#[test]
fn a_text_that_is_also_the_site_or_url_names_the_site() {
    for text in ["site", "url"] {
        let names = FieldNames {
            text: text.into(),
            ..FieldNames::default()
        };
        let src = format!(r#"{{"id":1,"{text}":"https://news.example/a\nline two"}}"#);
        assert_eq!(
            same_both_ways(src.as_bytes(), &names, Format::Jsonl),
            Some(true),
            "{text}"
        );
    }
}
