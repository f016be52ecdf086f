//! `--keep newest:FIELD` reads a field as the text, id and site are read: a
//! key repeated on the way to it is a bad record, not a missing date (which
//! would quietly lose the newest copy to an older one).

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{assert_fails_with, deboil, stderr, stdout};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    deboil().current_dir(dir).args(args).output().unwrap()
}

const TEXT: &str = "the same story about the council vote on the new bridge and its budget";

fn corpus(dir: &Path) -> (String, String) {
    let good = format!(r#"{{"id":"a","date":"2024-01-01","text":"{TEXT}"}}"#);
    // JSON readers disagree on which date this record has.
    let bad = format!(r#"{{"id":"b","date":"2024-02-01","date":"2023-01-01","text":"{TEXT}"}}"#);
    fs::write(dir.join("in.jsonl"), format!("{good}\n{bad}\n")).unwrap();
    let nested_bad = format!(
        r#"{{"id":"d","meta":{{"date":"2025-01-01","date":"2020-01-01"}},"text":"{TEXT}"}}"#
    );
    let nested = format!(r#"{{"id":"c","meta":{{"date":"2024-01-01"}},"text":"{TEXT}"}}"#);
    fs::write(
        dir.join("nested.jsonl"),
        format!("{nested}\n{nested_bad}\n"),
    )
    .unwrap();
    (good, bad)
}

#[test]
fn a_repeated_keep_field_stops_the_run_naming_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    corpus(d);
    for cmd in ["dedup", "run"] {
        let o = run_in(
            d,
            &[cmd, "--keep", "newest:date", "in.jsonl", "-o", "out.jsonl"],
        );
        assert_fails_with(&o, "in.jsonl:2: duplicate key \"date\"");
        assert!(!d.join("out.jsonl").exists(), "{cmd}");
        let o = run_in(d, &[cmd, "--keep", "newest:meta.date", "nested.jsonl"]);
        assert_fails_with(&o, "nested.jsonl:2: duplicate key \"meta.date\"");
    }
}

#[test]
fn skip_bad_counts_a_repeated_keep_field_and_rejects_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (good, bad) = corpus(d);
    for cmd in ["dedup", "run"] {
        let o = run_in(
            d,
            &[
                cmd,
                "--keep",
                "newest:date",
                "--skip-bad",
                "--rejects",
                "bad.jsonl",
                "in.jsonl",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("1 bad record skipped"), "{cmd}: {err}");
        assert!(err.contains("in.jsonl:2: duplicate key \"date\""), "{err}");
        assert_eq!(
            fs::read_to_string(d.join("bad.jsonl")).unwrap(),
            format!("{bad}\n")
        );
        assert_eq!(stdout(&o), format!("{good}\n"), "{cmd}");
    }
    // Other policies do not read the field: the record is a plain copy.
    let o = run_in(d, &["dedup", "in.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{good}\n"));
}

#[test]
fn a_null_keep_field_is_no_value_so_a_dated_copy_is_newer() {
    // Scrapers write `"date": null` for an unknown date; read as the text
    // `null` it was newer than every ISO date, and the undated copy was kept.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let dated = format!(r#"{{"id":"dated","date":"2024-01-01","text":"{TEXT}"}}"#);
    let undated = format!(r#"{{"id":"undated","date":null,"text":"{TEXT}"}}"#);
    let nested = format!(r#"{{"id":"nested","meta":{{"date":null}},"text":"{TEXT}"}}"#);
    fs::write(d.join("in.jsonl"), format!("{dated}\n{undated}\n")).unwrap();
    fs::write(d.join("rev.jsonl"), format!("{undated}\n{dated}\n")).unwrap();
    for cmd in ["dedup", "run"] {
        for file in ["in.jsonl", "rev.jsonl"] {
            let o = run_in(d, &[cmd, "-q", "--keep", "newest:date", file]);
            assert_eq!(o.status.code(), Some(0), "{cmd}: {}", stderr(&o));
            assert_eq!(stdout(&o), format!("{dated}\n"), "{cmd} {file}");
        }
    }
    // Only nulls: no document has a value, and the first is kept, as said.
    fs::write(
        d.join("nulls.jsonl"),
        format!("{nested}\n{}\n", nested.replace("\"nested\"", "\"later\"")),
    )
    .unwrap();
    let o = run_in(d, &["dedup", "--keep", "newest:meta.date", "nulls.jsonl"]);
    assert_eq!(stdout(&o), format!("{nested}\n"));
    assert!(
        stderr(&o).contains("no document has the field `meta.date`"),
        "{}",
        stderr(&o)
    );
}
