//! Helpers shared by the integration tests: fixtures, running the binary, JSONL.

// Each tests/*.rs is its own crate and uses only some of these.
#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn deboil() -> Command {
    let mut c = Command::cargo_bin("deboil").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Asserts the run failed with exit code 2 and `msg` on stderr.
pub fn assert_fails_with(o: &Output, msg: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(msg), "want {msg:?} in {}", stderr(o));
}

/// Asserts the command line was refused as a usage error (exit 64) with
/// `msg` on stderr.
pub fn assert_usage_error(o: &Output, msg: &str) {
    assert_eq!(o.status.code(), Some(64), "{}", stderr(o));
    assert!(stderr(o).contains(msg), "want {msg:?} in {}", stderr(o));
}

pub fn expected_jsonl() -> String {
    fs::read_to_string(fixtures().join("seeds.expected.jsonl")).unwrap()
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// The seed articles' paragraphs (real text), for building copies.
pub fn seed_texts() -> Vec<String> {
    fs::read_to_string(fixtures().join("seeds.expected.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// JSONL records of `docs`, all from one site.
pub fn jsonl(docs: &[(&str, String)]) -> String {
    docs.iter()
        .map(|(id, text)| {
            serde_json::json!({"id": id, "site": "a.org", "text": text}).to_string() + "\n"
        })
        .collect()
}

/// The ids of JSONL output, in order.
pub fn ids(out: &str) -> Vec<String> {
    id_texts(out, "id").into_iter().map(|(id, _)| id).collect()
}

/// (id, text) of each output line, and (id, gold) of the fixture.
pub fn id_texts(jsonl: &str, field: &str) -> Vec<(String, Option<String>)> {
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v[field].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// The names in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
