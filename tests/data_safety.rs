//! What a user with a large dump trips on: a disk that fills up (the error
//! names the output, not a temp file, and nothing is left behind), a damaged
//! compressed input (never taken for one bad record), files joined with
//! `cat` that each start with a byte order mark, and a full or missing temp
//! directory.
#![cfg(unix)]

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command as StdCommand, Output};

use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_deboil");

/// Runs `script` in `sh` in `dir`, with `$0` the deboil binary.
fn sh(dir: &Path, script: &str) -> Output {
    StdCommand::new("sh")
        .arg("-c")
        .arg(script)
        .arg(BIN)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    deboil().current_dir(dir).args(args).output().unwrap()
}

/// A file size limit (`ulimit -f`, with SIGXFSZ ignored so that writes fail
/// with EFBIG) stands in for a full disk: each output is named in the error,
/// with no temp file's name, and no output or temp file is left.
#[test]
fn a_full_disk_names_the_output_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Four copies: each output is over the limit below.
    let input = fs::read(fixtures().join("seeds.jsonl")).unwrap().repeat(4);
    fs::write(d.join("in.jsonl"), &input).unwrap();
    for (args, name) in [
        ("clean in.jsonl -o out.jsonl", "-o out.jsonl"),
        // (Template lines are counted in a temp file, which the limit
        // would stop first.)
        (
            "dedup in.jsonl --keep-template-lines -o out.jsonl",
            "-o out.jsonl",
        ),
        (
            "clean in.jsonl --explain ex.jsonl -o /dev/null",
            "--explain ex.jsonl",
        ),
        (
            "clean in.jsonl --learn --save-learned learned.toml -o /dev/null",
            "--save-learned learned.toml",
        ),
        ("learn in.jsonl -o learned.toml", "-o learned.toml"),
    ] {
        // One block of 512 bytes: less than any of these outputs (the
        // rules learned from the four copies, which count once, are about
        // a kilobyte).
        let o = sh(
            d,
            &format!("trap '' XFSZ; ulimit -f 1; exec \"$0\" {args} -q"),
        );
        assert_fails_with(&o, &format!("writing output: {name}: File too large"));
        assert!(!stderr(&o).contains(".deboil-"), "{}", stderr(&o));
        assert_eq!(names(d), ["in.jsonl"], "{args}");
    }
    assert_eq!(fs::read(d.join("in.jsonl")).unwrap(), input);
    // A device that is full: which of the outputs is said.
    let o = run_in(
        d,
        &[
            "dedup",
            "in.jsonl",
            "--clusters",
            "/dev/full",
            "-o",
            "/dev/null",
        ],
    );
    assert_fails_with(
        &o,
        "writing output: --clusters /dev/full: No space left on device",
    );
}

/// A damaged compressed input stops the run at the line where it broke, and
/// `--skip-bad` does not turn it into one skipped record: the rest of the
/// file, an unknown number of records, would be lost with exit code 0.
#[test]
fn a_truncated_compressed_input_stops_the_run_even_with_skip_bad() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let text = "One line of an article that is long enough to be a paragraph.";
    let jsonl: String = (0..2000)
        .map(|i| format!("{{\"id\":\"{i}\",\"text\":\"{text} {i}\"}}\n"))
        .collect();
    let gz = gzip(jsonl.as_bytes());
    fs::write(d.join("cut.jsonl.gz"), &gz[..gz.len() / 2]).unwrap();
    for cmd in [&["clean"][..], &["dedup"], &["run"], &["learn"], &["check"]] {
        for skip in [&[][..], &["--skip-bad", "--rejects", "bad.jsonl"]] {
            let o = run_in(d, &[cmd, skip, &["cut.jsonl.gz", "-o", "out.x"]].concat());
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{cmd:?} {skip:?}: {err}");
            assert!(
                err.contains("cut.jsonl.gz:") && err.contains("cannot read input"),
                "{err}"
            );
            if !skip.is_empty() {
                assert!(err.contains("--skip-bad skips bad records, not a damaged file"));
            }
            assert_eq!(names(d), ["cut.jsonl.gz"], "{cmd:?} {skip:?}");
        }
    }
}

/// Zero bytes after a gzip member are padding (tape and block tools add
/// them; `gzip -d` and Python read such a file whole): they were taken for
/// a member with a bad header, which stopped the run. Other bytes after a
/// member still stop it.
#[test]
fn zero_padding_after_a_gzip_member_is_no_damage() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let jsonl = fs::read_to_string(fixtures().join("seeds.jsonl")).unwrap();
    let mut padded = gzip(jsonl.as_bytes());
    padded.extend_from_slice(&[0; 512]);
    fs::write(d.join("padded.jsonl.gz"), &padded).unwrap();
    let mut twice = padded.clone();
    twice.extend_from_slice(&gzip(jsonl.as_bytes()));
    fs::write(d.join("twice.jsonl.gz"), &twice).unwrap();
    let mut junk = gzip(jsonl.as_bytes());
    junk.extend_from_slice(b"junk\n");
    fs::write(d.join("junk.jsonl.gz"), &junk).unwrap();
    let o = run_in(
        d,
        &["dedup", "--keep-template-lines", "-q", "padded.jsonl.gz"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(ids(&stdout(&o)), ids(&jsonl));
    let o = run_in(d, &["dedup", "-q", "--mark", "twice.jsonl.gz"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2 * jsonl.lines().count());
    let o = run_in(d, &["clean", "-q", "junk.jsonl.gz"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("junk.jsonl.gz:6: cannot read input"),
        "{}",
        stderr(&o)
    );
}

/// A zstd stream may start with a skippable frame (`pzstd` writes one
/// before each frame, seekable zstd an index): `zstd -d` reads past it, but
/// such a file was taken for plain text (`FILE:1:9: invalid UTF-8`), and
/// `check --fix` refused it as "not compressed" although its name says zst.
#[test]
fn a_zstd_stream_starting_with_a_skippable_frame_is_zstd() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let jsonl = fs::read_to_string(fixtures().join("seeds.jsonl")).unwrap();
    // As pzstd writes it: a skippable frame (magic 0x184D2A50, a 4-byte
    // size, the payload: the next frame's size) before each zstd frame.
    let mut pzstd = Vec::new();
    for half in jsonl.split_inclusive('\n').collect::<Vec<_>>().chunks(3) {
        let frame = zstd::encode_all(half.concat().as_bytes(), 3).unwrap();
        pzstd.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0]);
        pzstd.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        pzstd.extend_from_slice(&frame);
    }
    fs::write(d.join("p.jsonl.zst"), &pzstd).unwrap();
    fs::write(d.join("plain.jsonl"), &jsonl).unwrap();
    let want = run_in(d, &["clean", "-q", "plain.jsonl"]);
    let o = run_in(d, &["clean", "-q", "p.jsonl.zst"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&want));
    for file in ["p.jsonl.zst", "plain.jsonl"] {
        let o = run_in(d, &["check", "--only", "junk", "--fix", "-q", file]);
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
    }
    let fixed = zstd::decode_all(fs::File::open(d.join("p.jsonl.zst")).unwrap()).unwrap();
    assert_eq!(fixed, fs::read(d.join("plain.jsonl")).unwrap());
    assert_ne!(fixed, jsonl.as_bytes());
}

/// Files joined with `cat` keep each one's byte order mark at the start of
/// a line: no part of the JSON, so dropped there too; and `check --fix`
/// repairs a file that starts with one, keeping it.
#[test]
fn byte_order_marks_of_joined_files_are_dropped_and_kept_by_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let a = "{\"id\":\"a\",\"text\":\"one\"}\n";
    let b = "{\"id\":\"b\",\"text\":\"two\"}\n";
    fs::write(d.join("joined.jsonl"), format!("\u{feff}{a}\u{feff}{b}")).unwrap();
    let o = run_in(d, &["clean", "joined.jsonl", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{a}{b}"));

    let page = "{\"id\":\"1\",\"text\":\"An article line long enough to be prose here.\\nWe use cookies to improve your experience on our website.\"}\n";
    let fixed = "{\"id\":\"1\",\"text\":\"An article line long enough to be prose here.\"}\n";
    fs::write(d.join("fix.jsonl"), format!("\u{feff}{page}")).unwrap();
    let o = run_in(d, &["check", "--fix", "fix.jsonl"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("(fixed)"), "{}", stdout(&o));
    assert_eq!(
        fs::read_to_string(d.join("fix.jsonl")).unwrap(),
        format!("\u{feff}{fixed}")
    );
}

/// A file whose lines end in a lone `\r` reads as one line; the error says
/// why instead of only "trailing characters".
#[test]
fn lone_carriage_return_line_endings_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let cr = "{\"id\":\"a\",\"text\":\"one\"}\r{\"id\":\"b\",\"text\":\"two\"}\r";
    fs::write(d.join("mac.jsonl"), cr).unwrap();
    let o = run_in(d, &["clean", "mac.jsonl", "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("mac.jsonl:1:"), "{e}");
    assert!(
        e.contains("trailing characters") && e.contains("lone \\r"),
        "{e}"
    );
    // CRLF files are fine, and the hint is not given for other trailing junk.
    fs::write(d.join("crlf.jsonl"), cr.replace('\r', "\r\n")).unwrap();
    let o = run_in(d, &["clean", "crlf.jsonl", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    fs::write(d.join("junk.jsonl"), "{\"id\":\"a\",\"text\":\"one\"} x\n").unwrap();
    let o = run_in(d, &["clean", "junk.jsonl", "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stderr(&o).contains("lone"), "{}", stderr(&o));
}

/// The temp directory dedup spools to, when it is missing (or full), is
/// named with the way out, not "spool file".
#[test]
fn a_missing_temp_directory_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::copy(fixtures().join("seeds.jsonl"), d.join("in.jsonl")).unwrap();
    let missing = d.join("no-such-dir");
    let o = deboil()
        .current_dir(d)
        .env("TMPDIR", &missing)
        .args([
            "dedup",
            "in.jsonl",
            "--spool-memory",
            "0",
            "-o",
            "out.jsonl",
        ])
        .output()
        .unwrap();
    assert_fails_with(
        &o,
        &format!(
            "the dedup spool in {}: No such file or directory",
            missing.display()
        ),
    );
    assert!(stderr(&o).contains("$TMPDIR"), "{}", stderr(&o));
    assert_eq!(names(d), ["in.jsonl"]);
}

/// `--out-dir` renames each file once its input is read whole: a run that
/// fails on the first record of an input keeps every input's file before it,
/// and none of the one it failed in.
#[test]
fn a_failed_out_dir_run_keeps_the_files_of_the_inputs_read_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("in")).unwrap();
    fs::write(d.join("in/a.jsonl"), "{\"id\":\"1\",\"text\":\"one\"}\n").unwrap();
    fs::write(d.join("in/b.jsonl"), "{\"id\":\"2\",\"text\":\"two\"}\n").unwrap();
    fs::write(d.join("in/c.jsonl"), "{\"id\":\"3\",\"text\":tr}\n").unwrap();
    let o = run_in(d, &["clean", "in", "--out-dir", "out", "-j1"]);
    assert_fails_with(&o, "in/c.jsonl:1:20: malformed JSON");
    assert_eq!(names(&d.join("out")), ["a.jsonl", "b.jsonl"]);
    assert_eq!(
        fs::read_to_string(d.join("out/b.jsonl")).unwrap(),
        "{\"id\":\"2\",\"text\":\"two\"}\n"
    );
}
