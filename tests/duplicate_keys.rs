//! A record that repeats the key of a field deboil reads (text, id, site,
//! the URLs a site comes from) is a bad record on every read path: serde_json
//! and Python keep the last value, a first-value reader the first, and
//! neither should be picked silently.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{assert_fails_with, deboil, stderr, stdout};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    deboil().current_dir(dir).args(args).output().unwrap()
}

const GOOD: &str =
    r#"{"id":"1","site":"a.org","text":"One good line of text here.\nAnother line."}"#;

/// Records that each repeat one key, and the key each error names.
const REPEATS: [(&str, &str); 7] = [
    (r#"{"id":"2","text":"kept","text":"dropped"}"#, "text"),
    // Escaped keys go to the full reader, which must say the same.
    (r#"{"id":"3","te\u0078t":"a","text":"b"}"#, "text"),
    (r#"{"id":"4","id":"5","text":"c"}"#, "id"),
    (
        r#"{"id":"6","site":"x.org","text":"d","site":"y.org"}"#,
        "site",
    ),
    (
        r#"{"id":"7","text":"e","url":"http://a.org/","url":"http://b.org/"}"#,
        "url",
    ),
    (
        r#"{"id":"8","text":"f","metadata":{"url":"http://a.org/","url":"http://b.org/"}}"#,
        "metadata.url",
    ),
    (r#"{"id":"9","text":"g","text":null}"#, "text"),
];

fn corpus(dir: &Path) -> String {
    let mut s = String::from(GOOD);
    s.push('\n');
    for (r, _) in REPEATS {
        s.push_str(r);
        s.push('\n');
    }
    fs::write(dir.join("a.jsonl"), &s).unwrap();
    s
}

/// Every command that reads records: the cleaning read, the learning read
/// (`--learn`, `learn`), the dedup read and `check`.
const COMMANDS: [&[&str]; 7] = [
    &["clean", "-o", "out.jsonl"],
    &["clean", "--learn", "-o", "out.jsonl"],
    &["learn", "-o", "out.toml"],
    &["dedup", "-o", "out.jsonl"],
    &["run", "-o", "out.jsonl"],
    &["check"],
    &["report", "-o", "out.json"],
];

#[test]
fn a_repeated_key_stops_every_read_naming_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    corpus(d);
    for cmd in COMMANDS {
        let o = run_in(d, &[cmd, &["a.jsonl"]].concat());
        assert_fails_with(&o, "a.jsonl:2: duplicate key \"text\"");
        assert!(!d.join("out.jsonl").exists(), "{cmd:?}");
    }
    // Each key is named, on its own line.
    for (rec, key) in REPEATS {
        fs::write(d.join("b.jsonl"), format!("{GOOD}\n{rec}\n")).unwrap();
        for cmd in [&["clean"][..], &["learn"]] {
            let o = run_in(d, &[cmd, &["b.jsonl"]].concat());
            assert_fails_with(&o, &format!("b.jsonl:2: duplicate key \"{key}\""));
        }
    }
    // A user's own field names, nested ones included.
    fs::write(
        d.join("c.jsonl"),
        concat!(
            r#"{"doc":{"body":"x","n":1},"m":{"k":"1"}}"#,
            "\n",
            r#"{"doc":{"body":"x","body":"y"},"m":{"k":"2"}}"#,
            "\n",
        ),
    )
    .unwrap();
    let o = run_in(
        d,
        &[
            "clean",
            "--text-field",
            "doc.body",
            "--id-field",
            "m.k",
            "c.jsonl",
        ],
    );
    assert_fails_with(&o, "c.jsonl:2: duplicate key \"doc.body\"");
}

#[test]
fn skip_bad_counts_repeated_keys_and_keeps_the_records_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let input = corpus(d);
    let bad: String = input.lines().skip(1).map(|l| format!("{l}\n")).collect();
    for cmd in [
        &["clean", "-o", "out.jsonl"][..],
        &["clean", "--learn", "-o", "out.jsonl"],
        &["learn", "-o", "out.toml"],
        &["dedup", "-o", "out.jsonl"],
        &["run", "-o", "out.jsonl"],
        &["check"],
    ] {
        let o = run_in(
            d,
            &[cmd, &["--skip-bad", "--rejects", "bad.jsonl", "a.jsonl"]].concat(),
        );
        assert_eq!(o.status.code(), Some(0), "{cmd:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("7 bad records skipped"), "{cmd:?}: {err}");
        assert!(err.contains("a.jsonl:5: duplicate key \"site\""), "{err}");
        assert_eq!(
            fs::read_to_string(d.join("bad.jsonl")).unwrap(),
            bad,
            "{cmd:?}"
        );
        if cmd[0] != "learn" && cmd[0] != "check" {
            let out = fs::read_to_string(d.join("out.jsonl")).unwrap();
            assert_eq!(out.lines().count(), 1, "{cmd:?}: {out}");
            assert!(out.starts_with(r#"{"id":"1","#), "{out}");
        }
    }
    // A repeated key of a field nobody reads passes through, both values.
    fs::write(d.join("e.jsonl"), "{\"k\":1,\"k\":2,\"text\":\"x\"}\n").unwrap();
    let o = run_in(d, &["clean", "e.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"k\":1,\"k\":2,\"text\":\"x\"}\n");
}
