//! What deboil says: error messages (each path and OS error once, rule file
//! places, regex carets), the summary line (plurals, signed change, bytes
//! that add up), the `-j` cap, completions and `--version`.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{deboil, stderr, stdout};

/// Runs deboil in `dir` with `args`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    deboil().current_dir(dir).args(args).output().unwrap()
}

/// Asserts exit 2 with exactly one error line that holds `path` and `os`
/// once each (the OS error's text varies by platform; its code does not).
fn assert_error_once(o: &Output, path: &str, os: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let err = stderr(o);
    let line = err
        .lines()
        .find(|l| l.starts_with("deboil: error: "))
        .unwrap_or_else(|| panic!("no error line in {err}"));
    assert_eq!(line.matches(path).count(), 1, "{line}");
    assert_eq!(line.matches(os).count(), 1, "{line}");
    assert!(!line.contains(".deboil-"), "a temp file's name: {line}");
}

fn tmp_with_input() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("in.txt"), "Hello there.\n").unwrap();
    fs::write(tmp.path().join("afile"), "not a directory").unwrap();
    tmp
}

#[test]
fn a_missing_input_is_named_once() {
    let tmp = tmp_with_input();
    let o = run_in(tmp.path(), &["clean", "nope.jsonl"]);
    assert_error_once(&o, "nope.jsonl", "(os error 2)");
    assert!(
        stderr(&o).starts_with("deboil: error: nope.jsonl: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn outputs_that_cannot_be_created_give_the_os_error_once() {
    let tmp = tmp_with_input();
    // A path through a regular file: no directory can be made there.
    let o = run_in(tmp.path(), &["clean", "in.txt", "-o", "afile/x.jsonl"]);
    assert_error_once(&o, "afile/x.jsonl", "(os error");
    let o = run_in(
        tmp.path(),
        &["dedup", "in.txt", "--save-index", "afile/idx"],
    );
    assert_error_once(&o, "afile/idx", "(os error 20)");
    // A file as --out-dir is refused before the run, named once by its flag.
    let o = run_in(tmp.path(), &["clean", "in.txt", "--out-dir", "afile"]);
    assert_error_once(&o, "afile", "is a file, not a directory");
    assert!(
        stderr(&o).starts_with("deboil: error: --out-dir afile is a file"),
        "{}",
        stderr(&o)
    );
}

/// Whether this process can read a file whose permissions forbid it (root
/// can): the permission tests have nothing to test then.
fn permissions_bind(dir: &Path) -> bool {
    let probe = dir.join("probe");
    fs::write(&probe, "x").unwrap();
    set_mode(&probe, 0o000);
    let bind = fs::read(&probe).is_err();
    set_mode(&probe, 0o600);
    bind
}

#[cfg(unix)]
fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn unreadable_inputs_outputs_and_rules_are_named_once() {
    let tmp = tmp_with_input();
    let d = tmp.path();
    if !permissions_bind(d) {
        eprintln!("skipped: permissions do not bind this user (root)");
        return;
    }
    fs::write(d.join("secret.txt"), "x\n").unwrap();
    set_mode(&d.join("secret.txt"), 0o000);
    fs::create_dir(d.join("locked")).unwrap();
    set_mode(&d.join("locked"), 0o000);
    let o = run_in(d, &["clean", "secret.txt"]);
    assert_error_once(&o, "secret.txt", "(os error 13)");
    let o = run_in(d, &["clean", "locked"]);
    assert_error_once(&o, "locked", "(os error 13)");
    let o = run_in(d, &["clean", "in.txt", "-o", "locked/x.jsonl"]);
    assert_error_once(&o, "locked/x.jsonl", "(os error 13)");
    let o = run_in(d, &["clean", "in.txt", "--rules", "secret.txt"]);
    assert_error_once(&o, "secret.txt: cannot read rule file", "(os error 13)");
    set_mode(&d.join("locked"), 0o700);
}

#[test]
fn a_missing_rule_file_has_no_line_or_column() {
    let tmp = tmp_with_input();
    let o = run_in(tmp.path(), &["clean", "in.txt", "--rules", "nope.toml"]);
    assert_error_once(&o, "nope.toml", "(os error 2)");
    assert!(
        stderr(&o).starts_with("deboil: error: nope.toml: cannot read rule file: "),
        "{}",
        stderr(&o)
    );
    let o = run_in(tmp.path(), &["rules", "test", "nope.toml"]);
    assert!(!stderr(&o).contains(":0:0"), "{}", stderr(&o));
}

#[test]
fn a_bad_regex_points_at_its_culprit() {
    let tmp = tmp_with_input();
    fs::write(
        tmp.path().join("bad.toml"),
        "[[rule]]\nid = \"a\"\nreason = \"r\"\nregex = ['ab[z-a]cd']\n",
    )
    .unwrap();
    let o = run_in(tmp.path(), &["clean", "in.txt", "--rules", "bad.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    // Column 14 of line 4 is the `z-a` range; the caret sits under it.
    assert_eq!(
        lines[0],
        "deboil: error: bad.toml:4:14: bad regex: invalid character class range, \
         the start must be <= the end",
        "{err}"
    );
    let pattern = lines[1]
        .find("ab[z-a]cd")
        .expect("the pattern on its own line");
    assert_eq!(lines[2].find('^'), Some(pattern + 3), "{err}");
    assert_eq!(lines[2].trim(), "^^^", "{err}");
}

#[test]
fn a_phrase_over_the_limit_is_refused_where_it_is_written() {
    let tmp = tmp_with_input();
    let rule = format!(
        "[[rule]]\nid = \"long\"\nreason = \"r\"\nequals = [\"{}\"]\n",
        "x".repeat(10_000)
    );
    fs::write(tmp.path().join("long.toml"), rule).unwrap();
    let o = run_in(tmp.path(), &["clean", "in.txt", "--rules", "long.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "deboil: error: long.toml:4:11: phrase of 10000 bytes is longer than the limit of 1000\n"
    );
}

#[test]
fn the_summary_agrees_in_number_and_sign() {
    let tmp = tmp_with_input();
    let o = run_in(tmp.path(), &["clean", "in.txt"]);
    assert!(o.status.success());
    assert_eq!(
        stderr(&o),
        "deboil clean: 1 document (0 changed), 13 -> 13 bytes (0.0%), 0 removals\n"
    );
    let o = run_in(tmp.path(), &["dedup", "in.txt"]);
    assert!(
        stderr(&o).starts_with(
            "deboil dedup: 1 document, 1 kept, 0 exact and 0 near duplicates dropped, "
        ),
        "{}",
        stderr(&o)
    );
    fs::write(
        tmp.path().join("bad.jsonl"),
        "{\"text\": \"ok\"}\nnot json\n",
    )
    .unwrap();
    let o = run_in(tmp.path(), &["clean", "bad.jsonl", "--skip-bad"]);
    assert!(
        stderr(&o).contains("; 1 bad record skipped\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn whitespace_the_built_ins_trim_is_in_the_summary() {
    // Trailing spaces make no removal, yet they are most of the bytes.
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("Body line{}\nSecond line.\n", " ".repeat(100_000));
    fs::write(tmp.path().join("pad.txt"), &text).unwrap();
    let o = run_in(tmp.path(), &["clean", "pad.txt"]);
    assert!(o.status.success());
    assert_eq!(
        stderr(&o),
        "deboil clean: 1 document (1 changed), 100023 -> 23 bytes (-100.0%), 0 removals; \
         100000 bytes of whitespace trimmed\n"
    );
}

#[test]
fn too_many_threads_are_capped_with_a_warning() {
    let tmp = tmp_with_input();
    let capped = run_in(tmp.path(), &["clean", "-j", "100000", "in.txt"]);
    assert!(capped.status.success(), "{}", stderr(&capped));
    let err = stderr(&capped);
    assert!(
        err.starts_with("deboil: warning: -j 100000 capped at "),
        "{err}"
    );
    let one = run_in(tmp.path(), &["clean", "-j", "1", "in.txt"]);
    assert!(!stderr(&one).contains("warning"), "{}", stderr(&one));
    assert_eq!(stdout(&capped), stdout(&one));
    let help = stdout(&run_in(tmp.path(), &["clean", "--help"]));
    assert!(help.contains("4 per CPU"), "{help}");
}

#[test]
fn completions_print_a_script_for_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_in(tmp.path(), &["completions", "bash"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bash = stdout(&o);
    assert!(bash.contains("_deboil() {"), "{bash}");
    assert!(bash.contains("complete -F _deboil"), "{bash}");
    assert!(bash.contains("--rules"), "flags are completed");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let o = run_in(tmp.path(), &["completions", shell]);
        assert!(o.status.success() && !o.stdout.is_empty(), "{shell}");
    }
    let o = run_in(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(64), "a usage error");
}

#[test]
fn version_names_the_commit_and_the_built_in_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_in(tmp.path(), &["--version"]);
    assert!(o.status.success());
    let v = stdout(&o);
    let rest = v
        .strip_prefix(&format!("deboil {} (commit ", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{v}"));
    let (commit, rules) = rest
        .split_once(", built-in rules ")
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        commit == "unknown" || (commit.len() >= 7 && commit.bytes().all(|b| b.is_ascii_hexdigit())),
        "{v}"
    );
    let digest = format!("{:016x}", deboil_core::rules::embedded_digest());
    assert_eq!(rules, format!("{digest})\n"), "{v}");
}

#[test]
fn learning_pages_that_share_a_long_token_starts_and_keeps_it() {
    // Learned rules must stay within the phrase limit, or the run would
    // refuse its own `<learned>` rules (or, before the limit, take seconds
    // to compile them).
    let tmp = tempfile::tempdir().unwrap();
    let token = "x".repeat(10_000);
    let pages: String = (0..6)
        .map(|i| {
            let text = format!(
                "Home\nNews\nStory number {i} is told here in its own words today.\n{token}\n\
                 Copyright 2024 Example Media, all rights reserved here\n"
            );
            serde_json::json!({"id": i.to_string(), "site": "a.example", "text": text}).to_string()
                + "\n"
        })
        .collect();
    fs::write(tmp.path().join("pages.jsonl"), pages).unwrap();
    let o = run_in(tmp.path(), &["clean", "--learn", "pages.jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).matches(&token).count(), 6);
    assert!(!stdout(&o).contains("Copyright 2024"), "{}", stdout(&o));
}

#[test]
fn file_names_in_error_messages_are_escaped_as_in_ids() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let tmp = tmp_with_input();
    let d = tmp.path();
    // Raw, a line break split the message over two lines, an escape
    // sequence reached the terminal, and a byte that is not UTF-8 came out
    // lossy (check alone wrote it \xNN): now each is named as check's
    // findings name files.
    let missing = OsStr::from_bytes(b"no\nsuch\xff\x1b[31m.txt");
    let shown = r"no\nsuch\xFF\u{1b}[31m.txt";
    let bad = OsStr::from_bytes(b"b\nad.jsonl");
    fs::write(d.join(bad), "not json\n").unwrap();
    let rules = OsStr::from_bytes(b"r\n\xfe.toml");
    let cases: Vec<(Vec<&OsStr>, String)> = vec![
        (
            vec![OsStr::new("clean"), missing],
            format!("{shown}: No such file"),
        ),
        (
            vec![OsStr::new("check"), missing],
            format!("{shown}: cannot read: "),
        ),
        (
            vec![
                OsStr::new("clean"),
                OsStr::new("in.txt"),
                OsStr::new("--rules"),
                rules,
            ],
            r"r\n\xFE.toml: cannot read rule file: ".to_string(),
        ),
        (
            vec![OsStr::new("clean"), bad],
            r"b\nad.jsonl:1:2: malformed JSON".to_string(),
        ),
    ];
    for (args, want) in cases {
        let o = deboil().current_dir(d).args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("deboil: error: {want}")),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{fffd}'),
            "{err}"
        );
        assert!(
            err.lines().all(|l| l.starts_with("deboil")),
            "a name split a line: {err}"
        );
    }
}
