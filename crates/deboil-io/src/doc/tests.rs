use super::*;
use crate::read::{Input, SourceInfo};
use std::sync::Arc;

fn rec(bytes: &[u8]) -> RawRecord {
    rec_as(bytes, Format::Jsonl)
}

/// A record of `d/f.jsonl`, line 7 (also for the learning read's tests).
pub(super) fn rec_as(bytes: &[u8], format: Format) -> RawRecord {
    RawRecord {
        input: Arc::new(SourceInfo {
            input: Input {
                path: Some("d/f.jsonl".into()),
                relative: "f.jsonl".into(),
                name: "d/f.jsonl".into(),
            },
            format,
            by_name: false,
            index: 0,
            fallback_site: "d".into(),
        }),
        line: 7,
        offset: 0,
        bytes: bytes.to_vec().into(),
        error: None,
    }
}

#[test]
fn passes_other_fields_through_unchanged() {
    let r = rec(br#"{"z": 1.50, "text": "a\u00e9", "id": 12, "m": {"k": [1, 2]}}"#);
    let d = Document::parse(&r, &FieldNames::default()).unwrap();
    assert_eq!(
        (d.id.as_str(), d.site.as_str(), d.text.as_str()),
        ("12", "d", "a\u{e9}")
    );
    let mut out = Vec::new();
    d.write_jsonl("new", &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"z\":1.50,\"text\":\"new\",\"id\":12,\"m\":{\"k\": [1, 2]}}\n"
    );
}

#[test]
fn a_text_that_is_no_string_goes_to_the_full_reader() {
    // The full reader takes the first "text" key; the one-pass reader
    // must not skip a null one and take a later string.
    for src in [r#"{"text":null,"text":"x"}"#, r#"{"text":1}"#] {
        assert!(json_str::flat_object(src, "text").is_none(), "{src}");
    }
    // Nor take either of two text keys: the full reader refuses them.
    assert!(json_str::flat_object(r#"{"text":"a","text":null}"#, "text").is_none());
    let f = json_str::flat_object(r#"{"text":"a","id":null}"#, "text").unwrap();
    assert_eq!(f.text, Some((0, "a".to_string(), Some(Default::default()))));
}

proptest::proptest! {
    /// The one-pass reader takes only what serde_json reads, and reads
    /// the same fields, raw values and text from it.
    #[test]
    fn flat_objects_read_as_serde_json_reads_them(
        src in r#"[ ]?\{[ ]?(("(text|id|a\.b|t)"|"[a-z\\]{0,3}")[ ]?:[ ]?("([ a-z\\é€\u{1}]|\\[nu"/\\x]|\\u00[0-9a-fA-F]{2}|\\ud83d\\ude00|\\udc00)*"|-?(0|[1-9][0-9]?|01)(\.[0-9]*)?([eE][-+]?[0-9]?)?|true|nul|null|false|\[1\]|\{\})[ ]?,[ ]?){0,4}("text": "[a-z\\n]*"[ ]?)?\}[ x]?"#
    ) {
        let flat = json_str::flat_object(&src, "text");
        let serde = Document::serde_fields(&src, 1);
        if let Some(f) = flat {
            let fields = serde.expect("serde_json reads what the flat reader reads");
            let ours: Vec<(&str, &str)> = f.fields.clone();
            let theirs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.0.as_ref(), *v)).collect();
            proptest::prop_assert_eq!(ours, theirs);
            if let Some((i, text, breaks)) = f.text {
                // A repeated text key is the full reader's: position finds one.
                proptest::prop_assert_eq!(Some(i), position(&fields, "text", "text").ok().flatten());
                if breaks.is_some() {
                    // Escapes as written: the token is the text written again.
                    let mut again = Vec::new();
                    json_str::write_escaped(&text, &mut again);
                    proptest::prop_assert_eq!(&again[..], fields[i].1.as_bytes());
                }
                proptest::prop_assert_eq!(Some(text), serde_json::from_str::<String>(fields[i].1).ok());
            }
        }
    }
}

#[test]
fn site_from_field_then_url_then_directory() {
    let names = FieldNames::default();
    let r = rec(br#"{"text": "", "site": "A.org", "url": "https://b.org/x"}"#);
    assert_eq!(Document::parse(&r, &names).unwrap().site, "a.org");
    let r = rec(br#"{"text": "", "url": "https://u@News.B.org:80/x?y"}"#);
    assert_eq!(Document::parse(&r, &names).unwrap().site, "news.b.org");
    let r = rec(br#"{"text": ""}"#);
    let d = Document::parse(&r, &names).unwrap();
    assert_eq!((d.site.as_str(), d.id.as_str()), ("d", "d/f.jsonl:7"));
}

fn names(text: &str, id: &str, site: &str) -> FieldNames {
    FieldNames {
        text: text.into(),
        id: id.into(),
        site: site.into(),
    }
}

#[test]
fn dotted_paths_reach_into_nested_objects() {
    let r = rec(br#"{"m": {"id": 5, "src": {"u": "https://X.org/a"}}, "c": {"body": "b"}}"#);
    let d = Document::parse(&r, &names("c.body", "m.id", "m.src.u")).unwrap();
    assert_eq!(
        (d.id.as_str(), d.site.as_str(), d.text.as_str()),
        ("5", "x.org", "b")
    );
    assert_eq!(
        d.field_text("m.src.u", 1).unwrap().as_deref(),
        Some("https://X.org/a")
    );
    // A top-level field named with the dots wins over the nested one.
    let r = rec(br#"{"c": {"body": "nested"}, "c.body": "flat"}"#);
    let d = Document::parse(&r, &names("c.body", "id", "site")).unwrap();
    assert_eq!(d.text, "flat");
    let r = rec(br#"{"c": "x"}"#);
    let e = Document::parse(&r, &names("c.body", "id", "site")).unwrap_err();
    assert_eq!(e.problem, "missing text field `c.body`");
}

#[test]
fn nested_text_is_replaced_and_every_other_byte_kept() {
    let line = br#"{"a" : 1.50, "c": {"x": [1,  2], "body": "old\u00e9", "y": {"z" : null}}, "t": "\u0041"}"#;
    let r = rec(line);
    let d = Document::parse(&r, &names("c.body", "id", "site")).unwrap();
    let mut out = Vec::new();
    d.write_jsonl("new", &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"a\":1.50,\"c\":{\"x\":[1,  2],\"body\":\"new\",\"y\":{\"z\" : null}},\"t\":\"\\u0041\"}\n"
    );
    // Unchanged, the nested object keeps its bytes, escapes included.
    let mut out = Vec::new();
    d.write_jsonl(&d.text, &mut out);
    let s = String::from_utf8(out).unwrap();
    assert!(
        s.contains(r#"{"x": [1,  2], "body": "old\u00e9", "y": {"z" : null}}"#),
        "{s}"
    );
    assert_eq!(
        text_in_line(&s, &names("c.body", "id", "site")).as_deref(),
        Some("old\u{e9}")
    );
}

#[test]
fn sites_are_named_and_urls_give_hosts() {
    let n = FieldNames::default();
    let site = |line: &[u8]| Document::parse(&rec(line), &n).unwrap().site;
    assert_eq!(site(br#"{"text": "", "site": " My  Site "}"#), "my_site");
    assert_eq!(
        site(br#"{"text": "", "site": "https://News.X.org/p"}"#),
        "news.x.org"
    );
    // A `url` that is not a URL gives no host: the directory is the site.
    assert_eq!(site(br#"{"text": "", "url": "not a url"}"#), "d");
    assert_eq!(
        site(br#"{"text": "", "metadata": {"url": "http://m.org/x"}}"#),
        "m.org"
    );
    assert_eq!(
        site(br#"{"text": "", "url": "http://top.org", "metadata": {"url": "http://m.org"}}"#),
        "top.org"
    );
    assert_eq!(url_host("see http://x.org"), None);
    assert_eq!(url_host("http://a b/"), None);
    assert_eq!(
        url_host("https://www.Example.com./a").as_deref(),
        Some("www.example.com")
    );
    assert_eq!(url_host("https://x.org.:8080/").as_deref(), Some("x.org"));
    assert_eq!(url_host("http://./"), None);
    // As browsers read them: `\` ends the host of a web URL, escapes are
    // decoded.
    assert_eq!(
        url_host(r"https://a.com\@b.com/x").as_deref(),
        Some("a.com")
    );
    assert_eq!(
        url_host(r"git+ssh://a.com\@b.com/x").as_deref(),
        Some("b.com")
    );
    assert_eq!(
        url_host("https://%65xample.COM%2e/").as_deref(),
        Some("example.com")
    );
    assert_eq!(url_host("https://%ff.org/"), None);
    // A forbidden host code point, decoded or not, leaves no host.
    for url in [
        "https://a.com%2f.b.com/",
        "https://a.com%3a80/",
        "https://a%40b.com/",
        "https://a%5cb.com/",
        "https://a%20b.com/",
        "https://a%09b.com/",
        "https://a%7cb.com/",
        "https://a<b.com/",
        "git+ssh://a%2fb.com/",
        // A `%` left in the host: an escape that is none, or `%25`.
        "https://x%2G%4.org/",
        "https://x%2G.org/a",
        "https://x%.org/",
        "https://x%25.org/",
    ] {
        assert_eq!(url_host(url), None, "{url}");
    }
}

#[test]
fn ids_are_strings_or_numbers_as_written() {
    let n = FieldNames::default();
    let id = |line: &[u8]| Document::parse(&rec(line), &n).unwrap().id;
    assert_eq!(id(br#"{"text": "", "id": 7}"#), "7");
    assert_eq!(id(br#"{"text": "", "id": "7"}"#), "7");
    assert_eq!(id(br#"{"text": "", "id": 7.0}"#), "7.0");
    assert_eq!(id(br#"{"text": "", "id": -1e3}"#), "-1e3");
    for other in ["null", "true", "\"\"", "[1]", "{\"a\": 1}"] {
        let line = format!("{{\"text\": \"\", \"id\": {other}}}");
        assert_eq!(id(line.as_bytes()), "d/f.jsonl:7", "{other}");
    }
}

#[test]
fn bad_records_say_where_and_what() {
    let names = FieldNames::default();
    let e = Document::parse(&rec(b"{\"text\": \"a\" "), &names).unwrap_err();
    assert_eq!(e.line, 7);
    assert!(e.problem.starts_with("malformed JSON"), "{e:?}");
    let e = Document::parse(&rec(b"{\"body\": \"a\"}"), &names).unwrap_err();
    assert_eq!(e.problem, "missing text field `text`");
    let e = Document::parse(&rec(b"{\"text\": \"a\xff\"}"), &names).unwrap_err();
    assert_eq!((e.col, e.problem.as_str()), (Some(12), "invalid UTF-8"));
    // A raw NUL byte is refused; an escaped one is a valid JSON string.
    let e = Document::parse(&rec(b"{\"text\": \"a\x00\"}"), &names).unwrap_err();
    assert_eq!((e.col, e.problem.as_str()), (Some(12), "NUL byte"));
    assert!(Document::parse(&rec(b"{\"text\": \"a\\u0000\"}"), &names).is_ok());
    let e = Document::parse(&rec(b"[1]"), &names).unwrap_err();
    assert!(e.problem.contains("a JSON object"), "{e:?}");
}

proptest::proptest! {
    /// A cleaned text written with its kept lines copied from the record
    /// (runs of them one break apart taken as one piece) is the text
    /// escaped whole: lines dropped, kept, changed, in any mix.
    #[test]
    fn cleaned_runs_write_what_escaping_writes(
        lines in proptest::collection::vec("[ -~é\u{0}\"\\\\]{0,12}", 1..10),
        fates in proptest::collection::vec(0u8..3, 10),
    ) {
        use deboil_core::clean::LineFate;
        let text = lines.join("\n");
        let record = format!(r#"{{"id": "a", "text": {}}}"#, serde_json::to_string(&text).unwrap());
        let r = rec(record.as_bytes());
        let doc = Document::parse(&r, &FieldNames::default()).unwrap();
        let (mut c, mut pos, mut first) = (Cleaned::default(), 0, true);
        for (n, line) in lines.iter().enumerate() {
            let piece = match fates[n] {
                0 => None,
                1 => Some(line.clone()),
                _ => Some(format!("{line}x")),
            };
            let out = piece.map(|p| {
                if !first {
                    c.text.push('\n');
                }
                first = false;
                let at = c.text.len();
                c.text.push_str(&p);
                at..c.text.len()
            });
            c.lines.push(LineFate { orig: pos..pos + line.len(), out });
            pos += line.len() + 1;
        }
        let (mut ours, mut want) = (Vec::new(), Vec::new());
        doc.write_cleaned(&c, &mut ours);
        doc.write_jsonl(&c.text, &mut want);
        proptest::prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(want).unwrap());
    }
}
