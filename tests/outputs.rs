//! Where outputs go and what they may replace: `-` and `/dev/stdout`,
//! pipes, two outputs naming one file, the mirrored tree of `--out-dir`,
//! permissions, and temp files on SIGINT/SIGTERM.
#![cfg(unix)]

mod common;

use std::fs;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_deboil");

/// Runs `script` in `sh` with `$0` the deboil binary, in the crate root.
fn sh(script: &str) -> std::process::Output {
    StdCommand::new("sh")
        .arg("-c")
        .arg(script)
        .arg(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn seeds() -> PathBuf {
    fixtures().join("seeds.jsonl")
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn dev_stdout_redirected_to_a_file_appends_instead_of_replacing_it() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("app.log");
    fs::write(&log, "keep me\n").unwrap();
    let o = sh(&format!(
        r#"exec "$0" clean -q fixtures/seeds.jsonl -o /dev/stdout >> '{}'"#,
        log.display()
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        format!("keep me\n{}", expected_jsonl())
    );
    // The same for --explain /dev/stderr, and no temp file was left beside.
    let err = tmp.path().join("err.log");
    fs::write(&err, "keep me too\n").unwrap();
    let o = sh(&format!(
        r#"exec "$0" clean -q fixtures/seeds.jsonl --explain /dev/stderr > /dev/null 2>> '{}'"#,
        err.display()
    ));
    assert!(o.status.success());
    let text = fs::read_to_string(&err).unwrap();
    assert!(text.starts_with("keep me too\n{\"id\":"), "{text}");
    assert_eq!(names(tmp.path()), ["app.log", "err.log"]);
}

#[test]
fn dash_is_stdout_on_every_file_output_and_refused_for_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        deboil()
            .current_dir(tmp.path())
            .args(args)
            .output()
            .unwrap()
    };
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();
    let o = run(&["clean", "-q", seeds, "-o", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected_jsonl());
    let o = run(&["clean", "-q", seeds, "-o", "c.jsonl", "--explain", "-"]);
    assert!(stdout(&o).starts_with("{\"id\":\"001_"), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"rule\":"));
    // A copy, so that there are clusters (the file named twice is read once).
    let other = tempfile::tempdir().unwrap();
    let copy = other.path().join("copy.jsonl");
    fs::copy(seeds, &copy).unwrap();
    let o = run(&[
        "dedup",
        "-q",
        seeds,
        copy.to_str().unwrap(),
        "-o",
        "d.jsonl",
        "--clusters",
        "-",
    ]);
    assert!(stdout(&o).contains("\"members\":["), "{}", stdout(&o));
    let o = run(&["learn", "-q", seeds, "-o", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "clean",
        "-q",
        seeds,
        "--learn",
        "--save-learned",
        "-",
        "-o",
        "l.jsonl",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("# Learned"), "{}", stdout(&o));
    // No file named `-` anywhere.
    assert_eq!(names(tmp.path()), ["c.jsonl", "d.jsonl", "l.jsonl"]);

    let o = run(&["clean", seeds, "--out-dir", "-"]);
    assert_fails_with(&o, "--out-dir takes a directory, and `-` (stdout) is none");
    let o = run(&["dedup", seeds, "--save-index", "-"]);
    assert_fails_with(&o, "--save-index takes a directory");
}

#[test]
fn a_fifo_is_written_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo");
    assert!(
        StdCommand::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let child = StdCommand::new(BIN)
        .args(["clean", "-q"])
        .arg(seeds())
        .arg("-o")
        .arg(&fifo)
        .spawn()
        .unwrap();
    // Opening blocks until deboil opens the fifo for writing.
    let got = fs::read_to_string(&fifo).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(got, expected_jsonl());
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(names(tmp.path()), ["fifo"]);
}

#[test]
fn two_outputs_naming_one_file_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        deboil()
            .current_dir(tmp.path())
            .args(args)
            .output()
            .unwrap()
    };
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();
    // A file that does not exist yet, named two ways.
    let o = run(&[
        "dedup",
        seeds,
        "-o",
        "same.jsonl",
        "--clusters",
        "./same.jsonl",
    ]);
    assert_fails_with(&o, "-o same.jsonl and --clusters ./same.jsonl are one file");
    let o = run(&["clean", seeds, "-o", "sub/x", "--explain", "sub/../sub/x"]);
    assert_fails_with(&o, "are one file");
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
    // An existing file, and a symlink to it: refused and left as it was.
    fs::write(tmp.path().join("x"), "old").unwrap();
    std::os::unix::fs::symlink("x", tmp.path().join("link")).unwrap();
    let o = run(&["clean", seeds, "-o", "x", "--explain", "x"]);
    assert_fails_with(&o, "-o x and --explain x are one file");
    let o = run(&["clean", seeds, "--skip-bad", "--rejects", "link", "-o", "x"]);
    assert_fails_with(&o, "are one file");
    let o = run(&["clean", seeds, "--learn", "--save-learned", "x", "-o", "x"]);
    assert_fails_with(&o, "are one file");
    let o = run(&[
        "why",
        "a",
        "b",
        seeds,
        "--clean",
        "--learn",
        "--save-learned",
        "x",
        "--skip-bad",
        "--rejects",
        "link",
    ]);
    assert_fails_with(&o, "--rejects link and --save-learned x are one file");
    assert_eq!(fs::read_to_string(tmp.path().join("x")).unwrap(), "old");
    // Two outputs on stdout would interleave.
    let o = run(&["clean", seeds, "--explain", "-"]);
    assert_fails_with(
        &o,
        "the output (stdout) and --explain - both write to stdout",
    );
    // Outputs inside the index directory the run writes.
    let o = run(&["dedup", seeds, "--save-index", "idx", "-o", "idx/out.jsonl"]);
    assert_fails_with(&o, "-o idx/out.jsonl lies inside --save-index idx");
    assert_eq!(names(tmp.path()), ["link", "x"]);
}

#[test]
fn out_dir_mirrors_relative_file_paths_and_refuses_collisions() {
    let tmp = tempfile::tempdir().unwrap();
    for d in ["ca", "cb"] {
        fs::create_dir(tmp.path().join(d)).unwrap();
        fs::write(tmp.path().join(d).join("x.txt"), format!("text of {d}\n")).unwrap();
    }
    let o = deboil()
        .current_dir(tmp.path())
        .args(["clean", "-q", "ca/x.txt", "./cb/x.txt", "--out-dir", "oo"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let oo = tmp.path().join("oo");
    assert_eq!(names(&oo), ["ca", "cb"]);
    assert_eq!(
        fs::read_to_string(oo.join("ca/x.txt")).unwrap(),
        "text of ca\n"
    );
    assert_eq!(
        fs::read_to_string(oo.join("cb/x.txt")).unwrap(),
        "text of cb\n"
    );
    // Absolute paths keep only their names: two `x.txt` are refused.
    let o = deboil()
        .current_dir(tmp.path())
        .args(["clean", "-q"])
        .arg(tmp.path().join("ca/x.txt"))
        .arg(tmp.path().join("cb/x.txt"))
        .args(["--out-dir", "o2"])
        .output()
        .unwrap();
    assert_fails_with(&o, "ca/x.txt and ");
    assert!(
        stderr(&o).contains("cb/x.txt to o2/x.txt"),
        "{}",
        stderr(&o)
    );
    assert!(!tmp.path().join("o2").exists());
}

#[test]
fn new_files_follow_the_umask_and_replaced_files_keep_their_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().display();
    let o = sh(&format!(
        r#"umask 077; exec "$0" clean -q fixtures/seeds.jsonl -o '{t}/private.jsonl' --explain '{t}/e.jsonl'"#
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&tmp.path().join("private.jsonl")), 0o600);
    assert_eq!(mode(&tmp.path().join("e.jsonl")), 0o600);
    let o = sh(&format!(
        r#"umask 022; exec "$0" clean -q fixtures/seeds.jsonl -o '{t}/open.jsonl'"#
    ));
    assert!(o.status.success());
    assert_eq!(mode(&tmp.path().join("open.jsonl")), 0o644);
    // An existing file keeps its mode, stricter or looser than the umask's.
    for (name, m) in [("secret.jsonl", 0o600), ("group.jsonl", 0o664)] {
        let p = tmp.path().join(name);
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(m)).unwrap();
        let o = sh(&format!(
            r#"umask 022; exec "$0" clean -q fixtures/seeds.jsonl -o '{}'"#,
            p.display()
        ));
        assert!(o.status.success());
        assert_eq!(fs::read_to_string(&p).unwrap(), expected_jsonl());
        assert_eq!(mode(&p), m, "{name}");
    }
}

/// Waits (up to a minute) until `dir` holds an entry named with `prefix`.
fn wait_for_entry(dir: &Path, prefix: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !fs::read_dir(dir)
        .is_ok_and(|mut d| d.any(|e| e.unwrap().file_name().to_string_lossy().starts_with(prefix)))
    {
        assert!(
            Instant::now() < deadline,
            "no {prefix}* in {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Starts `deboil args` reading a stdin that stays open, waits for an entry
/// named `prefix*` in `dir`, sends `signal`, and returns the exit code.
fn interrupt(args: &[&str], tmpdir: &Path, dir: &Path, prefix: &str, signal: &str) -> i32 {
    let mut child = StdCommand::new(BIN)
        .args(args)
        .env("TMPDIR", tmpdir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    // Some input, then nothing: deboil waits for the rest.
    let mut input = child.stdin.take().unwrap();
    input.write_all(b"{\"id\":\"a\",\"text\":\"x\"}\n").unwrap();
    input.flush().unwrap();
    wait_for_entry(dir, prefix);
    let killed = StdCommand::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    drop(input);
    status.code().expect("exited, not killed")
}

#[test]
fn sigterm_removes_the_directories_made_for_an_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    // A directory that was there and holds a file of the user's stays.
    fs::write(out.join("keep.txt"), "mine").unwrap();
    let target = out.join("new/sub/o.jsonl");
    let code = interrupt(
        &["clean", "-q", "-o", target.to_str().unwrap()],
        tmp.path(),
        &out.join("new/sub"),
        ".deboil-",
        "TERM",
    );
    assert_eq!(code, 143);
    assert_eq!(names(&out), ["keep.txt"]);
}

#[test]
fn sigint_removes_the_index_directory_the_run_made() {
    // A new --save-index directory holds its lock file from the start: an
    // interrupted run left it (a directory of one `.lock`, in the data's
    // tree), as no other output's new directory is left.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let index = out.join("new/idx");
    let code = interrupt(
        &[
            "dedup",
            "-q",
            "-o",
            "-",
            "--save-index",
            index.to_str().unwrap(),
        ],
        tmp.path(),
        &index,
        ".lock",
        "INT",
    );
    assert_eq!(code, 130);
    assert!(names(&out).is_empty(), "{:?}", names(&out));
}

#[test]
fn sigint_removes_the_temp_output_and_exits_130() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let target = out.join("o.jsonl");
    let code = interrupt(
        &["clean", "-q", "-o", target.to_str().unwrap()],
        tmp.path(),
        &out,
        ".deboil-",
        "INT",
    );
    assert_eq!(code, 130);
    assert!(names(&out).is_empty(), "{:?}", names(&out));
}

#[test]
fn sigterm_removes_the_stdin_spool_and_exits_143() {
    let tmp = tempfile::tempdir().unwrap();
    let spool_dir = tmp.path().join("tmp");
    fs::create_dir(&spool_dir).unwrap();
    let target = tmp.path().join("o.jsonl");
    let code = interrupt(
        &["clean", "-q", "--learn", "-o", target.to_str().unwrap()],
        &spool_dir,
        &spool_dir,
        ".deboil-stdin-",
        "TERM",
    );
    assert_eq!(code, 143);
    assert!(names(&spool_dir).is_empty(), "{:?}", names(&spool_dir));
    assert_eq!(names(tmp.path()), ["tmp"]);
}

/// A rule file is an input too: an output naming one (directly, inside a
/// `--rules` directory, or by another path) is refused, and the file keeps
/// its bytes.
#[test]
fn outputs_naming_a_rule_file_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();
    fs::create_dir(tmp.path().join("rules")).unwrap();
    let rule = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/caucasuswatch.de.toml"),
    )
    .unwrap();
    let mine = tmp.path().join("rules/mine.toml");
    fs::write(&mine, &rule).unwrap();
    let run = |args: &[&str]| {
        deboil()
            .current_dir(tmp.path())
            .args(args)
            .args(["--no-default-rules", "-q"])
            .output()
            .unwrap()
    };
    for (args, msg) in [
        (
            vec![
                "clean",
                seeds,
                "--rules",
                "rules/mine.toml",
                "-o",
                "rules/mine.toml",
            ],
            "-o rules/mine.toml is the rule file rules/mine.toml",
        ),
        (
            vec![
                "clean",
                seeds,
                "--rules",
                "rules",
                "--learn",
                "--save-learned",
                "rules/mine.toml",
                "-o",
                "/dev/null",
            ],
            "--save-learned rules/mine.toml is the rule file rules/mine.toml",
        ),
        (
            vec![
                "run",
                seeds,
                "--rules",
                "rules/./mine.toml",
                "--clusters",
                "rules/mine.toml",
            ],
            "--clusters rules/mine.toml is the rule file",
        ),
        (
            vec!["check", seeds, "--rules", "rules", "-o", "rules/mine.toml"],
            "-o rules/mine.toml is the rule file",
        ),
        (
            vec![
                "report",
                seeds,
                "--rules",
                "rules/mine.toml",
                "-o",
                "rules/mine.toml",
                "--output-format",
                "json",
            ],
            "-o rules/mine.toml is the rule file",
        ),
    ] {
        assert_fails_with(&run(&args), msg);
        assert_eq!(fs::read_to_string(&mine).unwrap(), rule, "{args:?}");
    }
    assert_eq!(fs::read_dir(tmp.path().join("rules")).unwrap().count(), 1);
}

/// `--save-learned` is one of the run's outputs: a run that fails after
/// learning (here the learned rules' ids repeat those of the rule file
/// learned before) writes it no more than its other outputs.
#[test]
fn a_failed_run_leaves_no_saved_learned_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();
    let run = |args: &[&str]| {
        deboil()
            .current_dir(tmp.path())
            .args(args)
            .output()
            .unwrap()
    };
    // A rule file that fails to compile: rules are compiled after learning,
    // beside the learned ones, so the run fails once they are written.
    fs::write(
        tmp.path().join("bad.toml"),
        "[[rule]]\nid = \"x.bad\"\nreason = \"a regex that does not compile\"\nregex = [\"(\"]\n",
    )
    .unwrap();
    for cmd in ["clean", "run", "check"] {
        let o = run(&[
            cmd,
            seeds,
            "--rules",
            "bad.toml",
            "--learn",
            "--save-learned",
            "new.toml",
            "-o",
            "out.jsonl",
        ]);
        assert_fails_with(&o, "bad.toml:4:");
        let mut left: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["bad.toml"], "{cmd}");
    }
    // A run that succeeds writes it.
    let o = run(&[
        "run",
        seeds,
        "--learn",
        "--save-learned",
        "new.toml",
        "-o",
        "out.jsonl",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        fs::read_to_string(tmp.path().join("new.toml"))
            .unwrap()
            .contains("[[rule]]")
    );
}

/// The index `--against` names is read too: an output naming one of its
/// files is refused, and the index stays loadable.
#[test]
fn outputs_naming_a_file_of_the_index_read_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();
    let run = |args: &[&str]| {
        deboil()
            .current_dir(tmp.path())
            .args(args)
            .arg("-q")
            .output()
            .unwrap()
    };
    let o = run(&["dedup", seeds, "--save-index", "idx", "-o", "/dev/null"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                let bytes = fs::read(&p).unwrap();
                (p, bytes)
            })
            .collect();
        v.sort();
        v
    };
    let before = files(&tmp.path().join("idx"));
    let bin = before
        .iter()
        .find(|(p, _)| p.extension().is_some_and(|e| e == "bin"))
        .map(|(p, _)| p.file_name().unwrap().to_str().unwrap().to_string())
        .unwrap();
    let syndicated = fixtures().join("syndicated.jsonl");
    let syndicated = syndicated.to_str().unwrap();
    for (cmd, out) in [
        ("dedup", "idx/index.json".to_string()),
        ("check", format!("idx/{bin}")),
    ] {
        let o = run(&[cmd, syndicated, "--against", "idx", "-o", &out]);
        assert_fails_with(&o, &format!("-o {out} is a file of the index idx"));
        assert_eq!(files(&tmp.path().join("idx")), before, "{cmd}");
    }
    let o = run(&["dedup", syndicated, "--against", "idx", "-o", "/dev/null"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// An output that cannot be created is named by its flag, as a failed
/// write is: a run has several outputs.
#[test]
fn an_output_that_cannot_be_created_is_named_by_its_flag() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("adir")).unwrap();
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();
    // A directory is refused up front, as a usage error.
    for (args, msg) in [
        (
            vec!["-o", "adir"],
            "-o adir is a directory; name a file to write",
        ),
        (
            vec!["--explain", "adir", "-o", "/dev/null"],
            "--explain adir is a directory; name a file to write",
        ),
    ] {
        let o = deboil()
            .current_dir(tmp.path())
            .args(["clean", seeds, "-q"])
            .args(&args)
            .output()
            .unwrap();
        assert_usage_error(&o, msg);
    }
}

#[test]
fn an_upper_case_compressed_name_is_compressed_as_it_is_read() {
    // Reading takes `.GZ` for gzip; writing took it for plain text, so a
    // mirrored `X.JSONL.GZ` came out uncompressed under a gzip name.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("A.JSONL.GZ"), gzip(&fs::read(seeds()).unwrap())).unwrap();
    let o = deboil()
        .current_dir(d)
        .args(["clean", "-q", "A.JSONL.GZ", "-o", "B.JSONL.ZST"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = deboil()
        .current_dir(d)
        .args(["clean", "-q", "A.JSONL.GZ", "--out-dir", "out"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let zst = fs::read(d.join("B.JSONL.ZST")).unwrap();
    assert_eq!(zst[..4], [0x28, 0xb5, 0x2f, 0xfd], "zstd magic");
    let gz = fs::read(d.join("out/A.JSONL.GZ")).unwrap();
    assert_eq!(gz[..2], [0x1f, 0x8b], "gzip magic");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(&gz[..]), &mut text)
        .unwrap();
    assert_eq!(text.lines().count(), 5);
}

#[test]
fn an_output_file_inside_a_folder_of_documents_is_refused() {
    // `clean data -o data/clean.jsonl` succeeded, the same command again
    // failed ("is an input file"), and `dedup data` read the cleaned copies
    // as documents: every file output inside an input directory is refused,
    // as --out-dir and --report there are, unless walks skip its name.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("data")).unwrap();
    fs::copy(seeds(), d.join("data/seeds.jsonl")).unwrap();
    let run = |args: &str| {
        deboil()
            .current_dir(d)
            .args(args.split(' '))
            .output()
            .unwrap()
    };
    for (args, flag, path) in [
        ("clean -q data -o", "-o", "data/clean.jsonl"),
        ("dedup -q data -o", "-o", "data/sub/kept.jsonl"),
        ("run -q data -o", "-o", "data/kept.jsonl.gz"),
        (
            "dedup -q data -o x.jsonl --clusters",
            "--clusters",
            "data/c.jsonl",
        ),
        (
            "run -q data -o x.jsonl --clusters",
            "--clusters",
            "data/c.jsonl",
        ),
        (
            "clean -q data -o x.jsonl --explain",
            "--explain",
            "data/e.jsonl",
        ),
        (
            "clean -q data -o x.jsonl --skip-bad --rejects",
            "--rejects",
            "data/r.jsonl",
        ),
        (
            "dedup -q data -o x.jsonl --skip-bad --rejects",
            "--rejects",
            "data/r.jsonl",
        ),
        ("report -q data -o", "-o", "data/report.md"),
        ("check -q data -o", "-o", "data/findings.txt"),
        (
            "check -q x.jsonl --against data -o",
            "-o",
            "data/findings.txt",
        ),
    ] {
        fs::write(d.join("x.jsonl"), "").unwrap();
        let o = run(&format!("{args} {path}"));
        let name = Path::new(path).file_name().unwrap().to_string_lossy();
        assert_usage_error(
            &o,
            &format!(
                "{flag} {path} lies inside the input directory data, where later runs would \
                 read it as a document; choose a file outside it (or a hidden one, such as \
                 data/.{name})"
            ),
        );
        assert_eq!(names(&d.join("data")), ["seeds.jsonl"], "{args} {path}");
    }
    // Hidden, or a rule file name, walks skip it; named files leave no
    // folder to protect.
    for args in [
        "clean -q data -o data/.clean.jsonl",
        "clean -q data -o data/clean.toml",
        "clean -q data/seeds.jsonl -o data/clean.jsonl",
    ] {
        let o = run(args);
        assert!(o.status.success(), "{args}: {}", stderr(&o));
    }
    // Run twice, the first is refused the same way, and dedup reads the
    // seeds only.
    let o = run("clean -q data -o data/.clean.jsonl");
    assert!(o.status.success(), "{}", stderr(&o));
    fs::remove_file(d.join("data/clean.jsonl")).unwrap();
    let o = run("dedup -q data");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        ids(&stdout(&o)),
        ids(&stdout(&run("dedup -q data/seeds.jsonl")))
    );
}

#[test]
fn a_directory_named_as_an_output_or_baseline_file_is_named_by_its_flag() {
    // `check --write-baseline DIR` ran the whole check, then stopped at
    // `DIR: is a directory`; `--baseline DIR` said `DIR: Is a directory
    // (os error 21)`: neither named the flag, nor refused it first.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("out")).unwrap();
    fs::copy(seeds(), d.join("s.jsonl")).unwrap();
    let run = |args: &[&str]| deboil().current_dir(d).args(args).output().unwrap();
    for (args, flag) in [
        (
            &["check", "s.jsonl", "--write-baseline", "out"][..],
            "--write-baseline out",
        ),
        (&["clean", "s.jsonl", "-o", "out"], "-o out"),
        (&["dedup", "s.jsonl", "--clusters", "out"], "--clusters out"),
        (&["learn", "s.jsonl", "-o", "out"], "-o out"),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(64), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!(
                "deboil: error: {flag} is a directory; name a file to write"
            )),
            "{args:?}: {err}"
        );
        // Refused first: no summary of a finished run.
        assert!(!err.contains("deboil check:"), "{args:?}: {err}");
        assert!(names(&d.join("out")).is_empty(), "{args:?}");
    }
    let o = run(&["check", "s.jsonl", "--baseline", "out"]);
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--baseline out is a directory; name the file --write-baseline wrote"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check", "s.jsonl", "--baseline", "gone.json"]);
    assert_fails_with(&o, "--baseline gone.json: No such file or directory");
}
