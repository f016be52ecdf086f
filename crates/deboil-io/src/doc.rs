//! Documents: parsing records into id, site and text, and writing them back.
//!
//! JSONL fields other than the text pass through byte for byte and in order:
//! the object is parsed into borrowed raw values, and only the text is replaced.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::read::{Format, RawRecord};

/// The JSONL field names to read.
#[derive(Debug, Clone)]
pub struct FieldNames {
    /// Field holding the document text.
    pub text: String,
    /// Field holding the document id.
    pub id: String,
    /// Field holding the site name.
    pub site: String,
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            text: "text".into(),
            id: "id".into(),
            site: "site".into(),
        }
    }
}

/// A parsed document, borrowing from its record.
#[derive(Debug)]
pub struct Document<'a> {
    /// The document id: the id field, else `FILE:LINE` (JSONL) or the file path (text).
    pub id: String,
    /// Lowercase site the document belongs to (may be empty).
    pub site: String,
    /// The document text.
    pub text: String,
    /// The JSON object's fields in order, for JSONL records.
    fields: Option<Vec<(Key<'a>, &'a RawValue)>>,
    text_index: usize,
}

/// A JSON object key, borrowed when it holds no escapes.
#[derive(Debug)]
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KV;
        impl<'de> Visitor<'de> for KV {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KV)
    }
}

struct Fields<'a>(Vec<(Key<'a>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FV;
        impl<'de> Visitor<'de> for FV {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Fields<'de>, A::Error> {
                let mut v = Vec::with_capacity(m.size_hint().unwrap_or(8));
                while let Some(k) = m.next_key::<Key<'de>>()? {
                    v.push((k, m.next_value::<&'de RawValue>()?));
                }
                Ok(Fields(v))
            }
        }
        d.deserialize_map(FV)
    }
}

/// Where a problem sits in a record, for `file:line:col: problem` messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    /// 1-based line of the record.
    pub line: u64,
    /// 1-based column (bytes), where known.
    pub col: Option<u64>,
    /// What is wrong.
    pub problem: String,
}

impl BadRecord {
    fn at(line: u64, col: Option<u64>, problem: impl Into<String>) -> Self {
        BadRecord {
            line,
            col,
            problem: problem.into(),
        }
    }
}

/// Checks that bytes are UTF-8 without NUL bytes; reports where they are not.
fn check_text(bytes: &[u8], first_line: u64, single_line: bool) -> Result<&str, BadRecord> {
    let locate = |offset: usize| -> (u64, u64) {
        let before = &bytes[..offset];
        if single_line {
            return (first_line, offset as u64 + 1);
        }
        let line = first_line + memchr::memchr_iter(b'\n', before).count() as u64;
        let col = before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
        (line, col as u64 + 1)
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (l, c) = locate(e.valid_up_to());
        BadRecord::at(l, Some(c), "invalid UTF-8")
    })?;
    if let Some(p) = memchr::memchr(0, bytes) {
        let (l, c) = locate(p);
        return Err(BadRecord::at(l, Some(c), "NUL byte"));
    }
    Ok(text)
}

/// Host of a URL, lowercase, without user info or port.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let auth = rest.split(['/', '?', '#']).next()?;
    let host = auth.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| &h[1..])?
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_lowercase())
}

fn as_str(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<String>(raw.get()).ok()
}

impl<'a> Document<'a> {
    /// Parses a record. Its site is the `site` field, else the host of its
    /// `url` field, else the name of the input's directory.
    pub fn parse(rec: &'a RawRecord, names: &FieldNames) -> Result<Document<'a>, BadRecord> {
        let fallback_site = rec.input.fallback_site.as_str();
        if let Some(e) = &rec.error {
            return Err(BadRecord::at(rec.line, None, e.clone()));
        }
        match rec.input.format {
            Format::Text => {
                let text = check_text(&rec.bytes, 1, false)?;
                Ok(Document {
                    id: rec.input.input.name.clone(),
                    site: fallback_site.to_lowercase(),
                    text: text.to_string(),
                    fields: None,
                    text_index: 0,
                })
            }
            Format::Jsonl => Self::parse_json(rec, names, fallback_site),
        }
    }

    fn parse_json(
        rec: &'a RawRecord,
        names: &FieldNames,
        fallback_site: &str,
    ) -> Result<Document<'a>, BadRecord> {
        let line = rec.line;
        let src = check_text(&rec.bytes, line, true)?;
        let Fields(fields) = serde_json::from_str::<Fields<'a>>(src).map_err(|e| {
            let msg = e.to_string();
            // serde_json appends " at line L column C"; we give our own position.
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            BadRecord::at(
                line,
                Some(e.column() as u64),
                format!("malformed JSON: {msg}"),
            )
        })?;
        let find = |name: &str| fields.iter().position(|(k, _)| k.0 == name);
        let text_index = find(&names.text).ok_or_else(|| {
            BadRecord::at(line, None, format!("missing text field `{}`", names.text))
        })?;
        let text = as_str(fields[text_index].1).ok_or_else(|| {
            BadRecord::at(
                line,
                None,
                format!("text field `{}` is not a string", names.text),
            )
        })?;
        let id = find(&names.id)
            .and_then(|i| {
                let raw = fields[i].1;
                as_str(raw).or_else(|| {
                    let g = raw.get();
                    g.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'-')
                        .then(|| g.to_string())
                })
            })
            .unwrap_or_else(|| format!("{}:{}", rec.input.input.name, line));
        let site = find(&names.site)
            .and_then(|i| as_str(fields[i].1))
            .filter(|s| !s.is_empty())
            .map(|s| s.to_lowercase())
            .or_else(|| {
                find("url")
                    .and_then(|i| as_str(fields[i].1))
                    .and_then(|u| url_host(&u))
            })
            .unwrap_or_else(|| fallback_site.to_lowercase());
        Ok(Document {
            id,
            site,
            text,
            fields: Some(fields),
            text_index,
        })
    }

    /// The value of a JSONL field: the string, or the raw JSON of any other value.
    pub fn field_text(&self, name: &str) -> Option<String> {
        let (_, raw) = self.fields.as_ref()?.iter().find(|(k, _)| k.0 == name)?;
        as_str(raw).or_else(|| Some(raw.get().to_string()))
    }

    /// Writes the document as one JSONL line with `text` in place of its text.
    pub fn write_jsonl(&self, text: &str, out: &mut Vec<u8>) {
        match &self.fields {
            Some(fields) => {
                out.push(b'{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    serde_json::to_writer(&mut *out, &*k.0).expect("writing to a Vec");
                    out.push(b':');
                    if i == self.text_index && text != self.text {
                        serde_json::to_writer(&mut *out, text).expect("writing to a Vec");
                    } else {
                        // Unchanged text keeps its original escaping, as other fields do.
                        out.extend_from_slice(v.get().as_bytes());
                    }
                }
                out.push(b'}');
            }
            None => {
                out.extend_from_slice(b"{\"id\":");
                serde_json::to_writer(&mut *out, &self.id).expect("writing to a Vec");
                out.extend_from_slice(b",\"site\":");
                serde_json::to_writer(&mut *out, &self.site).expect("writing to a Vec");
                out.extend_from_slice(b",\"text\":");
                serde_json::to_writer(&mut *out, text).expect("writing to a Vec");
                out.push(b'}');
            }
        }
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Input, SourceInfo};
    use std::sync::Arc;

    fn rec(bytes: &[u8]) -> RawRecord {
        RawRecord {
            input: Arc::new(SourceInfo {
                input: Input {
                    path: Some("d/f.jsonl".into()),
                    relative: "f.jsonl".into(),
                    name: "d/f.jsonl".into(),
                },
                format: Format::Jsonl,
                index: 0,
                fallback_site: "d".into(),
            }),
            line: 7,
            bytes: bytes.to_vec(),
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
}
