//! `deboil why` on inputs with bad records: as every other command, a bad
//! record stops it with `FILE:LINE: problem`, and `--skip-bad` counts it and
//! copies it to `--rejects`. (It used to pass over bad records silently, so
//! a wanted document that was one came out as "no document with id".)

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{assert_fails_with, deboil, stderr, stdout};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    deboil().current_dir(dir).args(args).output().unwrap()
}

const GOOD: &str = r#"{"id":"a","text":"the same words in the same order for both of them"}"#;
const BAD: &str = r#"{"id":"b","text":"the same words","text":"in another order"}"#;
// A copy of GOOD: `why` compares two documents, not one with itself.
const COPY: &str = r#"{"id":"c","text":"the same words in the same order for both of them"}"#;

#[test]
fn why_stops_on_a_bad_record_and_skips_it_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("in.jsonl"), format!("{GOOD}\n{BAD}\n{COPY}\n")).unwrap();

    for args in [
        &["why", "a", "b", "in.jsonl"][..],
        &["why", "--clean", "a", "c", "in.jsonl"],
    ] {
        let o = run_in(d, args);
        assert_fails_with(&o, "in.jsonl:2: duplicate key \"text\"");
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    }

    // Skipped, the wanted bad record is named as a possible cause.
    let o = run_in(d, &["why", "--skip-bad", "a", "b", "in.jsonl"]);
    assert_fails_with(
        &o,
        "no document with id b in the inputs (1 bad record skipped",
    );

    // Skipped and copied to the rejects; the comparison goes on.
    let o = run_in(
        d,
        &[
            "why",
            "--skip-bad",
            "--rejects",
            "bad.jsonl",
            "a",
            "c",
            "in.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("verdict: an edge"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains(
            "deboil why: 1 bad record skipped\n  skipped in.jsonl:2: duplicate key \"text\""
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(d.join("bad.jsonl")).unwrap(),
        format!("{BAD}\n")
    );
    let o = run_in(
        d,
        &[
            "why",
            "-q",
            "--skip-bad",
            "--rejects",
            "bad2.jsonl",
            "a",
            "c",
            "in.jsonl",
        ],
    );
    assert!(
        o.status.success() && stderr(&o).is_empty(),
        "{}",
        stderr(&o)
    );

    // The rejects and the comparison cannot both go to stdout.
    let o = run_in(
        d,
        &["why", "--skip-bad", "--rejects", "-", "a", "c", "in.jsonl"],
    );
    assert_fails_with(&o, "both write to stdout");
}
