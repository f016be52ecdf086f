//! Arbitrary bytes as an input file, as written or wrapped in gzip or zstd,
//! read as JSONL or as one text document: reading and parsing each record
//! must never panic, and a parsed document written back as JSONL must parse
//! to the same id, site and text.
//!
//! The first byte chooses the wrapping, the format and a small record limit
//! (so the "too long" path is reached); the rest is the file.
#![no_main]

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use deboil_io::doc::{Document, FieldNames};
use deboil_io::read::{Format, FormatChoice, Input, RawRecord, Records, SourceInfo};
use libfuzzer_sys::fuzz_target;

/// One directory for the whole run; each input overwrites the same files.
fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fn wrap(kind: u8, data: &[u8]) -> Vec<u8> {
    match kind {
        1 => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        2 => zstd::encode_all(data, 1).unwrap(),
        _ => data.to_vec(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, body)) = data.split_first() else {
        return;
    };
    let file = wrap(ctl % 3, body);
    // Named .jsonl or .txt (format by name), stdin spooled to a file (format
    // sniffed), or JSONL whatever the name.
    let how = (ctl >> 2) & 3;
    let name = if how == 1 {
        "site.org/in.txt"
    } else {
        "site.org/in.jsonl"
    };
    let path: PathBuf = dir().path().join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &file).unwrap();
    let choice = if how == 3 {
        FormatChoice::Fixed(Format::Jsonl)
    } else {
        FormatChoice::Auto
    };
    let max_bytes = if ctl & 16 == 0 { 1 << 20 } else { 40 };
    let input = if how == 2 {
        Input::spooled_stdin(path.clone())
    } else {
        Input {
            path: Some(path.clone()),
            relative: PathBuf::from("in"),
            name: path.display().to_string(),
        }
    };
    // Sniffing reads the start of the (decompressed) stream: a broken one
    // is an error here, reported by the caller.
    let Ok(records) = Records::open(input, 0, choice, max_bytes) else {
        return;
    };
    let names = FieldNames::default();
    let mut last_line = 0;
    for rec in records {
        assert!(
            rec.line > last_line || rec.input.format == Format::Text,
            "lines go forward"
        );
        last_line = rec.line;
        assert!(
            rec.bytes.len() <= max_bytes,
            "a record over the limit came through"
        );
        let Ok(doc) = Document::parse(&rec, &names) else {
            continue;
        };
        // Written back with its own text, it must read back the same.
        let mut line = Vec::new();
        doc.write_jsonl(&doc.text, &mut line);
        assert_eq!(line.pop(), Some(b'\n'));
        let again = RawRecord {
            input: Arc::new(SourceInfo {
                input: rec.input.input.clone(),
                format: Format::Jsonl,
                index: 0,
                fallback_site: rec.input.fallback_site.clone(),
            }),
            line: rec.line,
            offset: 0,
            bytes: line,
            error: None,
        };
        let back = Document::parse(&again, &names).expect("written JSONL parses");
        assert_eq!(
            (&back.id, &back.site, &back.text),
            (&doc.id, &doc.site, &doc.text)
        );
    }
});
