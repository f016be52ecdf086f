//! Documents: parsing records into id, site and text, and writing them back.
//!
//! JSONL fields other than the text pass through byte for byte and in order:
//! the object is parsed into borrowed raw values, and only the text is replaced.
//! Field names may be dotted paths into nested objects (`metadata.url`); a
//! nested text is written back by re-serialising only the objects on its path,
//! whose other values keep their bytes.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_json::value::RawValue;

use deboil_core::clean::Cleaned;
use deboil_core::rules::site_name;

use crate::json_str;
use crate::read::{Format, RawRecord};

/// The JSONL fields to read. Each is a field name, or a dotted path into
/// nested objects (`metadata.url`); a top-level field whose name is the
/// whole path, dots included, wins over the nested one.
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
    /// The document id: the id field (a string, or a number as written),
    /// else `FILE:LINE` (JSONL) or the file path (text).
    pub id: String,
    /// The site the document belongs to, named by [`site_name`] (may be empty).
    pub site: String,
    /// The document text.
    pub text: String,
    /// The JSON object's fields in order, for JSONL records.
    fields: Option<Object<'a>>,
    /// Where the text is: its field's index in the object, then its index
    /// in each nested object on its path (none for a top-level text).
    text_index: usize,
    text_nested: Vec<usize>,
    /// Where the text's line breaks are in its field's raw value, when
    /// every escape is as [`json_str::write_escaped`] writes it (a
    /// top-level text).
    text_breaks: Option<json_str::Breaks>,
    /// The record's runs between its blanks outside tokens, when it was
    /// read as a flat object (see [`json_str::Runs`]).
    runs: Option<json_str::Runs>,
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

struct Fields<'a>(Object<'a>);

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
                    v.push((k, m.next_value::<&'de RawValue>()?.get()));
                }
                Ok(Fields(v))
            }
        }
        d.deserialize_map(FV)
    }
}

/// `line`, a JSON object, written again without its top-level members
/// named in `names` (their keys re-escaped, every value as it was); `None`
/// when it holds none of them, or is no object.
pub(crate) fn without_members(line: &[u8], names: &[&str]) -> Option<Vec<u8>> {
    let Fields(fields) = serde_json::from_slice(line).ok()?;
    if !fields.iter().any(|(k, _)| names.contains(&k.0.as_ref())) {
        return None;
    }
    let mut out = Vec::with_capacity(line.len());
    out.push(b'{');
    for (k, v) in fields
        .iter()
        .filter(|(k, _)| !names.contains(&k.0.as_ref()))
    {
        if out.len() > 1 {
            out.push(b',');
        }
        json_str::write_escaped(&k.0, &mut out);
        out.push(b':');
        out.extend_from_slice(v.as_bytes());
    }
    out.push(b'}');
    Some(out)
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

/// Refuses a file that its name makes one plain-text document (`.txt`, no
/// extension) but whose first line is a JSON object holding the text field:
/// JSONL under another name, as Spark writes its parts (`part-00000.txt`,
/// what `python -m deboil.spark` writes). Read as text, it passed as one
/// document of JSON lines, and its records were neither cleaned nor
/// compared.
fn refuse_jsonl_named_as_text(text: &str, names: &FieldNames) -> Result<(), BadRecord> {
    let body = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    if !body.starts_with('{') {
        return Ok(());
    }
    let first = body.split('\n').next().unwrap_or(body).trim_end();
    let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(first) else {
        return Ok(());
    };
    let top = names.text.split('.').next().unwrap_or(&names.text);
    if !o.contains_key(&names.text) && !o.contains_key(top) {
        return Ok(());
    }
    let line = 1 + text[..text.len() - body.len()].matches('\n').count() as u64;
    Err(BadRecord::at(
        line,
        None,
        format!(
            "holds JSONL (a JSON object with the text field `{}` a line), but its name \
             makes it one plain-text document; give --format jsonl (or name it .jsonl), \
             or --format text to read it as text",
            names.text
        ),
    ))
}

/// Checks that bytes are UTF-8 without NUL bytes; reports where they are not.
fn check_text(bytes: &[u8], first_line: u64, single_line: bool) -> Result<&str, BadRecord> {
    if utf8::utf8_without_nul(bytes) {
        // SAFETY: UTF-8, checked on the line above.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
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
        BadRecord::at(l, Some(c), format!("invalid UTF-8{}", utf16_hint(bytes)))
    })?;
    if let Some(p) = memchr::memchr(0, bytes) {
        let (l, c) = locate(p);
        return Err(BadRecord::at(
            l,
            Some(c),
            format!("NUL byte{}", utf16_hint(bytes)),
        ));
    }
    Ok(text)
}

/// What to do about bytes that look like UTF-16 (a byte order mark, or
/// ASCII letters each beside a zero byte), the usual export of Windows
/// tools; empty for any other bytes.
fn utf16_hint(bytes: &[u8]) -> &'static str {
    let alternating = |b: &[u8]| {
        b.len() >= 4
            && ((b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0)
                || (b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0))
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || alternating(bytes) {
        " (this looks like UTF-16: convert the file to UTF-8, e.g. `iconv -f UTF-16 -t UTF-8`)"
    } else {
        ""
    }
}

/// Host of a URL (`scheme://host...`), lowercase, without user info,
/// port or the root's trailing dot (`www.example.com.` is the site
/// `www.example.com`, as DNS has it); `None` for a value that is not such a
/// URL. The host is read as browsers (WHATWG URL) read it: a `\` ends it
/// in an http(s), ws(s), ftp or file URL (`https://a.com\@b.com/` is on
/// `a.com`, not `b.com`), and `%XX` escapes in it are decoded; a host
/// that then holds a forbidden host code point (`:`, `/`, `@`, `\`, a
/// space, a control character...) is no host, as browsers refuse the URL.
pub fn url_host(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return None;
    }
    let special = ["http", "https", "ws", "wss", "ftp", "file"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s));
    let auth = rest
        .split(|c| matches!(c, '/' | '?' | '#') || (special && c == '\\'))
        .next()?;
    let host = auth.rsplit('@').next()?;
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?.to_lowercase(),
        None => percent_decoded(host.split(':').next()?)?
            .trim_end_matches('.')
            .to_lowercase(),
    };
    (!host.is_empty() && !host.contains(char::is_whitespace) && !host.contains(forbidden_in_host))
        .then_some(host)
}

/// WHATWG URL's forbidden domain code points (its forbidden host code
/// points, the C0 controls, `%` and DEL): a host holding one once decoded
/// (a `%` left by an escape that is none, `x%2G.org`, or by `%25`) fails to
/// parse, so the URL names no site.
fn forbidden_in_host(c: char) -> bool {
    c.is_ascii_control()
        || matches!(
            c,
            ' ' | '#' | '%' | '/' | ':' | '<' | '>' | '?' | '@' | '[' | '\\' | ']' | '^' | '|'
        )
}

/// `s` with its `%XX` escapes decoded (others kept as written); `None`
/// where the bytes decoded are no UTF-8, as a browser refuses such a host.
fn percent_decoded(s: &str) -> Option<Cow<'_, str>> {
    if !s.contains('%') {
        return Some(Cow::Borrowed(s));
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|&c| char::from(c).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi << 4 | lo) as u8);
                i += 3;
            }
            _ => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

/// A JSON value as written.
type Raw<'a> = &'a str;

fn as_str(raw: Raw) -> Option<String> {
    json_str::unescape(raw).or_else(|| serde_json::from_str::<String>(raw).ok())
}

/// [`as_str`], borrowed from the token when it holds no escape (a site
/// field, nearly always): a string copied for each record is spared.
fn as_cow(raw: Raw<'_>) -> Option<Cow<'_, str>> {
    let body = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|b| !b.bytes().any(|c| c == b'\\' || c == b'"' || c < 0x20));
    match body {
        Some(b) => Some(Cow::Borrowed(b)),
        None => as_str(raw).map(Cow::Owned),
    }
}

type Object<'a> = Vec<(Key<'a>, Raw<'a>)>;

/// A key that repeats on the way to a field read (the text, id or site):
/// serde_json and Python keep its last value, this reader would keep the
/// first, so which one is meant is unclear and the record is bad. Holds
/// the path up to the repeated key.
#[derive(Debug)]
struct Repeated(String);

impl Repeated {
    fn at(self, line: u64) -> BadRecord {
        BadRecord::at(line, None, format!("duplicate key \"{}\"", self.0))
    }
}

/// The index of the field `name`; `shown` names it when it repeats.
fn position(fields: &[(Key, Raw)], name: &str, shown: &str) -> Result<Option<usize>, Repeated> {
    let Some(i) = fields.iter().position(|(k, _)| k.0 == name) else {
        return Ok(None);
    };
    match fields[i + 1..].iter().any(|(k, _)| k.0 == name) {
        true => Err(Repeated(shown.to_string())),
        false => Ok(Some(i)),
    }
}

/// The value at `path` in `fields` (see [`FieldNames`]), telling `step` its
/// index in each object on the way; an error where a key on the way repeats.
fn lookup<'a>(
    fields: &[(Key<'a>, Raw<'a>)],
    path: &str,
    mut step: impl FnMut(usize),
) -> Result<Option<Raw<'a>>, Repeated> {
    if let Some(i) = position(fields, path, path)? {
        step(i);
        return Ok(Some(fields[i].1));
    }
    let Some((head, rest)) = path.split_once('.') else {
        return Ok(None);
    };
    let Some(i) = position(fields, head, head)? else {
        return Ok(None);
    };
    step(i);
    let mut value = fields[i].1;
    let mut upto = head.len();
    for name in rest.split('.') {
        upto += 1 + name.len();
        let Ok(Fields(inner)) = serde_json::from_str::<Fields<'a>>(value) else {
            return Ok(None);
        };
        let Some(j) = position(&inner, name, &path[..upto])? else {
            return Ok(None);
        };
        step(j);
        value = inner[j].1;
    }
    Ok(Some(value))
}

/// The value at `path`, when there is one (see [`lookup`]).
fn get<'a>(fields: &[(Key<'a>, Raw<'a>)], path: &str) -> Result<Option<Raw<'a>>, Repeated> {
    lookup(fields, path, |_| {})
}

/// An id: a non-empty string, or a number as written (so `7` and `"7"` are
/// one id, and `7.0` another). Anything else is no id.
fn id_of(raw: Raw) -> Option<String> {
    let g = raw;
    if g.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Some(g.to_string());
    }
    as_str(raw).filter(|s| !s.is_empty())
}

/// A site from a site field: a URL gives its host; either is made a site
/// name (see [`deboil_core::rules::site_name`]).
pub fn site_of(value: &str) -> String {
    // Not `str::contains`, whose searcher is built for each call: a
    // site is a few bytes.
    match value.as_bytes().windows(3).any(|w| w == b"://") {
        true => url_host(value).map_or_else(String::new, |h| site_name(&h)),
        false => site_name(value),
    }
}

/// The text of a JSONL line as [`Document::write_jsonl`] wrote it: the text
/// field's string, else a top-level `text` (where text inputs keep theirs).
pub fn text_in_line(line: &str, names: &FieldNames) -> Option<String> {
    let Fields(fields) = serde_json::from_str::<Fields>(line).ok()?;
    [names.text.as_str(), "text"]
        .iter()
        .find_map(|path| get(&fields, path).ok().flatten().and_then(as_str))
}

/// The site of a record with these `fields`: the site field, else the host
/// of `url`, else of `metadata.url` (datatrove's and Dolma's layout), else
/// the input's directory (`fallback_site`); an error where a key it reads
/// repeats.
fn site_in(
    fields: &[(Key, Raw)],
    names: &FieldNames,
    fallback_site: &str,
) -> Result<String, Repeated> {
    let named = get(fields, &names.site)?
        .and_then(as_cow)
        .map(|s| site_of(&s))
        .filter(|s| !s.is_empty());
    if let Some(s) = named {
        return Ok(s);
    }
    for path in ["url", "metadata.url"] {
        let host = get(fields, path)?
            .and_then(as_cow)
            .and_then(|u| url_host(&u))
            .map(|h| site_name(&h))
            .filter(|s| !s.is_empty());
        if let Some(h) = host {
            return Ok(h);
        }
    }
    Ok(site_name(fallback_site))
}

/// Writes `raw` (an object) with the value at `steps` replaced by `text`;
/// the object's other values keep their bytes.
fn write_replaced(raw: Raw, steps: &[usize], text: &str, out: &mut Vec<u8>) {
    let Some((&at, rest)) = steps.split_first() else {
        json_str::write_escaped(text, out);
        return;
    };
    let Ok(Fields(fields)) = serde_json::from_str::<Fields>(raw) else {
        // It parsed when the document was read; keep it as it was.
        out.extend_from_slice(raw.as_bytes());
        return;
    };
    write_object(&fields, at, rest, text, out);
}

fn write_object(fields: &Object, at: usize, rest: &[usize], text: &str, out: &mut Vec<u8>) {
    write_fields(fields, at, out, |v, out| write_replaced(v, rest, text, out));
}

/// Writes `fields` as an object, the value at `at` by `value`.
fn write_fields(
    fields: &Object,
    at: usize,
    out: &mut Vec<u8>,
    mut value: impl FnMut(Raw, &mut Vec<u8>),
) {
    out.push(b'{');
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str::write_escaped(&k.0, out);
        out.push(b':');
        if i == at {
            value(v, out);
        } else {
            out.extend_from_slice(v.as_bytes());
        }
    }
    out.push(b'}');
}

impl<'a> Document<'a> {
    /// Parses a record. Its site is the `site` field, else the host of its
    /// `url` field, else the name of the input's directory.
    pub fn parse(rec: &'a RawRecord, names: &FieldNames) -> Result<Document<'a>, BadRecord> {
        Self::parse_with(rec, names, true)
    }

    /// [`Document::parse`] for a reader that never calls
    /// [`Document::write_cleaned`] (the dedup job): the text's line breaks
    /// in its token are not listed (that method would escape the whole
    /// text again, to the same bytes).
    pub fn parse_unlisted(
        rec: &'a RawRecord,
        names: &FieldNames,
    ) -> Result<Document<'a>, BadRecord> {
        Self::parse_with(rec, names, false)
    }

    fn parse_with(
        rec: &'a RawRecord,
        names: &FieldNames,
        breaks: bool,
    ) -> Result<Document<'a>, BadRecord> {
        let fallback_site = rec.input.fallback_site.as_str();
        if let Some(e) = &rec.error {
            return Err(BadRecord::at(rec.line, None, e.clone()));
        }
        match rec.input.format {
            Format::Text => {
                let text = check_text(&rec.bytes, 1, false)?;
                if rec.input.by_name {
                    refuse_jsonl_named_as_text(text, names)?;
                }
                Ok(Document {
                    id: rec.input.input.name.clone(),
                    site: site_name(fallback_site),
                    text: text.to_string(),
                    fields: None,
                    text_index: 0,
                    text_nested: Vec::new(),
                    text_breaks: None,
                    runs: None,
                })
            }
            Format::Jsonl => Self::parse_json(rec, names, fallback_site, breaks),
        }
    }

    fn parse_json(
        rec: &'a RawRecord,
        names: &FieldNames,
        fallback_site: &str,
        breaks: bool,
    ) -> Result<Document<'a>, BadRecord> {
        let line = rec.line;
        let src = check_text(&rec.bytes, line, true)?;
        // Most records are flat objects: one pass reads them, text included.
        let (fields, mut pre, runs) = match json_str::flat_object_with(src, &names.text, breaks) {
            Some(o) => (
                o.fields
                    .into_iter()
                    .map(|(k, v)| (Key(Cow::Borrowed(k)), v))
                    .collect(),
                o.text,
                o.runs,
            ),
            None => (Self::serde_fields(src, line)?, None, None),
        };
        let (mut text_index, mut text_nested) = (None, Vec::new());
        let raw_text = lookup(&fields, &names.text, |i| match text_index {
            None => text_index = Some(i),
            Some(_) => text_nested.push(i),
        })
        .map_err(|r| r.at(line))?;
        let raw_text = raw_text.ok_or_else(|| {
            BadRecord::at(line, None, format!("missing text field `{}`", names.text))
        })?;
        let pre = pre
            .take()
            .filter(|(i, ..)| text_nested.is_empty() && Some(*i) == text_index);
        let (pre, text_breaks) = match pre {
            Some((_, s, e)) => (Some(s), e),
            None => (None, None),
        };
        let text = pre.or_else(|| as_str(raw_text)).ok_or_else(|| {
            // A string that does not decode (a lone surrogate `\ud800`) is
            // told apart from a number or null: say what is wrong in it.
            let problem = match serde_json::from_str::<String>(raw_text) {
                Err(e) if raw_text.starts_with('"') => {
                    let why = match json_str::lone_surrogate(raw_text) {
                        Some(esc) => format!(
                            "`{esc}` is half of a UTF-16 surrogate pair, with no other \
                             half (it encodes no character)"
                        ),
                        None => {
                            let msg = e.to_string();
                            msg.split(" at line ").next().unwrap_or(&msg).to_string()
                        }
                    };
                    format!("text field `{}` is not a valid string: {why}", names.text)
                }
                _ => format!("text field `{}` is not a string", names.text),
            };
            BadRecord::at(line, None, problem)
        })?;
        let id = get(&fields, &names.id)
            .map_err(|r| r.at(line))?
            .and_then(id_of)
            .unwrap_or_else(|| format!("{}:{}", rec.input.input.name, line));
        let site = site_in(&fields, names, fallback_site).map_err(|r| r.at(line))?;
        Ok(Document {
            id,
            site,
            text,
            fields: Some(fields),
            text_index: text_index.expect("set when the text was found"),
            text_nested,
            text_breaks,
            runs,
        })
    }

    /// The fields of any JSON object, by serde_json (its errors as bad records).
    fn serde_fields(src: &'a str, line: u64) -> Result<Object<'a>, BadRecord> {
        let Fields(fields) = serde_json::from_str::<Fields<'a>>(src).map_err(|e| {
            let msg = e.to_string();
            // serde_json appends " at line L column C"; we give our own position.
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            // What a new user most often feeds it: a pretty-printed or
            // array `.json` file, which is JSON but not JSONL.
            let hint = if msg == "EOF while parsing an object" || msg == "EOF while parsing a list"
            {
                " (JSONL holds one JSON object on each line)"
            } else if msg.contains("sequence") {
                " (JSONL holds one JSON object a line, not an array)"
            } else if msg == "trailing characters" && src.contains('\r') {
                // Old Mac files end lines with a lone `\r`: the whole file
                // reads as one line, and nothing else says why.
                " (a carriage return outside a string: lines ending in a lone \\r? \
                 JSONL lines end with \\n, e.g. `tr '\\r' '\\n'`)"
            } else {
                ""
            };
            // Column 0 is serde_json's "no column" (a type error).
            let col = Some(e.column() as u64).filter(|&c| c > 0);
            BadRecord::at(line, col, format!("malformed JSON: {msg}{hint}"))
        })?;
        Ok(fields)
    }

    /// The value of a JSONL field (a name or a dotted path, as in
    /// [`FieldNames`]): the string, or the raw JSON of any other value;
    /// `null` is no value, as a missing field (else a `"date": null` would
    /// compare as the text `null`, newer than every date).
    /// A key repeated on the way is a bad record at `line`, as for the
    /// fields read when the record was parsed.
    pub fn field_text(&self, name: &str, line: u64) -> Result<Option<String>, BadRecord> {
        let Some(fields) = self.fields.as_ref() else {
            return Ok(None);
        };
        let raw = get(fields, name).map_err(|r| r.at(line))?;
        Ok(raw
            .filter(|raw| *raw != "null")
            .map(|raw| as_str(raw).unwrap_or_else(|| raw.to_string())))
    }

    /// [`Document::write_jsonl`] with the text `cleaned` made of it: the
    /// same bytes, but the lines cleaning left whole are copied as the
    /// record wrote them (when it escaped its text as this writes it), not
    /// escaped again.
    pub fn write_cleaned(&self, cleaned: &Cleaned, out: &mut Vec<u8>) {
        let (Some(fields), Some(breaks)) = (&self.fields, &self.text_breaks) else {
            return self.write_jsonl(&cleaned.text, out);
        };
        if cleaned.text == self.text {
            return self.write_jsonl(&cleaned.text, out);
        }
        let mut lines = cleaned
            .lines
            .iter()
            .filter_map(|f| Some((f.orig.start, f.out.clone()?)))
            .peekable();
        // Kept lines one break apart in both texts are one piece: one
        // comparison and one copy for a run of them, not one a line (the
        // piece is checked whole, its breaks included, so it is copied
        // only where the text is the original, as a line alone would be).
        let kept = std::iter::from_fn(move || {
            let (o, mut r) = lines.next()?;
            while let Some((_, r2)) =
                lines.next_if(|(o2, r2)| r2.start == r.end + 1 && *o2 == o + (r2.start - r.start))
            {
                r.end = r2.end;
            }
            Some((o, r))
        });
        let mut kept = Some(kept);
        write_fields(fields, self.text_index, out, |raw, out| {
            // The raw value is the token the text was read from.
            let body = &raw[1..raw.len() - 1];
            let kept = kept.take().expect("one text field");
            json_str::write_escaped_from(&cleaned.text, &self.text, body, breaks, kept, out);
        });
        out.push(b'\n');
    }

    /// The runs of the record that [`Document::write_jsonl`] of its own
    /// text writes, joined, when it was read as a flat object with at most
    /// [`json_str::MAX_RUNS`] of them.
    pub(crate) fn runs(&self) -> Option<&json_str::Runs> {
        self.runs.as_ref()
    }

    /// Writes the document as one JSONL line with `text` in place of its text.
    pub fn write_jsonl(&self, text: &str, out: &mut Vec<u8>) {
        match &self.fields {
            Some(fields) if text != self.text => {
                write_object(fields, self.text_index, &self.text_nested, text, out)
            }
            // Unchanged text keeps its original escaping, as other fields do.
            Some(fields) => write_object(fields, usize::MAX, &[], text, out),
            None => {
                out.extend_from_slice(b"{\"id\":");
                json_str::write_escaped(&self.id, out);
                out.extend_from_slice(b",\"site\":");
                json_str::write_escaped(&self.site, out);
                out.extend_from_slice(b",\"text\":");
                json_str::write_escaped(text, out);
                out.push(b'}');
            }
        }
        out.push(b'\n');
    }
}

mod learn;
mod utf8;
pub use learn::LearnPage;

#[cfg(test)]
mod tests;
