//! `deboil check`: findings at `FILE:LINE` in text and JSONL files, the
//! output formats, exit codes, `--against` a dataset or an index, `--fix`
//! repairing files in place, and baselines.
#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use common::*;

/// A cookie notice the embedded `de.cookie-notice` rule removes.
const COOKIE: &str =
    "Wir verwenden Cookies, um unser Angebot für Sie zu verbessern und die Nutzung zu analysieren.";

/// Runs `deboil check ARGS` in `dir`.
fn check(dir: &Path, args: &[&str]) -> Output {
    let mut c = deboil();
    c.current_dir(dir).arg("check").args(args);
    c.output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

/// A real article (clean), the i-th seed.
fn article(i: usize) -> String {
    seed_texts()[i].clone()
}

/// `text` as the cleaner leaves it: ending in a line break.
fn cleaned(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join("\n") + "\n"
}

/// The article with the cookie notice as a line of its own after its
/// first `after` lines; returns the text and the notice's 1-based line.
fn with_junk(text: &str, after: usize) -> (String, u64) {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(after, COOKIE);
    (lines.join("\n") + "\n", after as u64 + 1)
}

fn record(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "site": "a.de", "text": text}).to_string()
}

#[test]
fn junk_in_a_text_file_is_reported_at_its_own_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (text, line) = with_junk(&article(0), 3);
    fs::create_dir(tmp.path().join("news")).unwrap();
    fs::write(tmp.path().join("news/a.txt"), &text).unwrap();
    let o = check(tmp.path(), &["news/a.txt"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(
        out,
        format!(
            "news/a.txt:{line}: junk/de.cookie-notice: \"Wir verwenden Cookies, um unser Angebot für Sie zu …\"\n"
        )
    );
    assert!(
        stderr(&o).contains("1 finding in 1 of 1 file"),
        "{}",
        stderr(&o)
    );
    // A check never touches its input.
    assert_eq!(
        fs::read_to_string(tmp.path().join("news/a.txt")).unwrap(),
        text
    );
    // `./` in a name is dropped, so the line is the same for an editor.
    let o = check(tmp.path(), &["./news/a.txt"]);
    assert!(stdout(&o).starts_with(&format!("news/a.txt:{line}: ")));
}

#[test]
fn jsonl_findings_point_at_the_record_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (dirty, _) = with_junk(&article(1), 2);
    // A blank line still counts as a line of the file.
    let data = format!(
        "{}\n\n{}\n{}\n",
        record("clean-1", &article(0)),
        record("doc-14", &dirty),
        record("clean-2", &article(2))
    );
    fs::write(tmp.path().join("a.jsonl"), &data).unwrap();
    let o = check(tmp.path(), &["a.jsonl", "--output-format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["findings"].as_array().unwrap()[..];
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(
        (
            &f[0]["file"],
            &f[0]["line"],
            &f[0]["kind"],
            &f[0]["rule"],
            &f[0]["id"]
        ),
        (
            &"a.jsonl".into(),
            &3.into(),
            &"junk".into(),
            &"de.cookie-notice".into(),
            &"doc-14".into()
        )
    );
    assert_eq!(v["summary"]["documents"], 3);
    assert_eq!(v["summary"]["junk"], 1);
}

#[test]
fn clean_files_pass_and_the_builtin_tidying_is_no_finding() {
    let tmp = tempfile::tempdir().unwrap();
    // Trailing spaces, a run of blank lines, a doubled short line: the
    // built-ins tidy them when cleaning, but they are not junk.
    let text = article(0).replacen('\n', "   \n\n\u{a0}\n\n", 1) + "\nFoto: dpa\nFoto: dpa\n";
    fs::write(tmp.path().join("a.txt"), text).unwrap();
    let o = check(tmp.path(), &["a.txt"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("no findings in 1 document of 1 file"));
    let o = deboil()
        .args(["check", "fixtures/seeds.expected.jsonl"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // The raw seeds carry junk.
    let o = deboil()
        .args(["check", "fixtures/seeds.jsonl", "-q"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains(
        "fixtures/seeds.jsonl:2: junk/caucasuswatch.cookie-notice: \"Wir verwenden Cookies"
    ));
    assert_eq!(stderr(&o), "", "-q prints no summary");
}

/// The article with a few words changed: a near copy.
fn edited(text: &str) -> String {
    text.replacen("NATO", "Nato", 2)
        .replacen("Generalsekretär", "Generalsekretaer", 1)
}

#[test]
fn exact_and_near_duplicates_name_the_document_they_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let a = article(0);
    fs::write(
        tmp.path().join("a.jsonl"),
        record("orig", &a) + "\n" + &record("other", &article(1)) + "\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("b.jsonl"),
        format!(
            "{}\n{}\n{}\n",
            record("solo", &article(2)),
            record("copy", &a),
            record("edit", &edited(&a))
        ),
    )
    .unwrap();
    let o = check(tmp.path(), &["a.jsonl", "b.jsonl"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0], "b.jsonl:2: exact duplicate of a.jsonl:1 (orig)");
    assert!(
        lines[1].starts_with("b.jsonl:3: near-duplicate of a.jsonl:1 (orig), similarity 0."),
        "{out}"
    );
    let sim: f64 = lines[1].rsplit(' ').next().unwrap().parse().unwrap();
    assert!((0.7..1.0).contains(&sim), "{sim}");
    // Text files: each file one document, line 1.
    fs::write(tmp.path().join("x.txt"), &a).unwrap();
    fs::write(tmp.path().join("y.txt"), &a).unwrap();
    let o = check(tmp.path(), &["x.txt", "y.txt"]);
    assert_eq!(stdout(&o), "y.txt:1: exact duplicate of x.txt:1\n");
    // Junk alone leaves duplicates out, and the other way round.
    let o = check(tmp.path(), &["x.txt", "y.txt", "--only", "junk"]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()));
}

#[test]
fn one_kind_of_check_does_not_count_the_other_as_found_clean() {
    // Two copies with junk: `--only junk` must not say "0 exact duplicates"
    // (the pre-commit junk hook runs so), nor `--only duplicates` "0 junk".
    let tmp = tempfile::tempdir().unwrap();
    let (a, _) = with_junk(&article(0), 2);
    fs::write(tmp.path().join("x.txt"), &a).unwrap();
    fs::write(tmp.path().join("y.txt"), &a).unwrap();
    let o = check(tmp.path(), &["x.txt", "y.txt", "--only", "junk"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).ends_with(
            "2 findings in 2 of 2 files (2 documents): 2 junk; duplicates not checked (--only junk)\n"
        ),
        "{}",
        stderr(&o)
    );
    let o = check(tmp.path(), &["x.txt", "y.txt", "--only", "duplicates"]);
    assert!(
        stderr(&o).ends_with(
            "1 finding in 1 of 2 files (2 documents): 1 exact duplicate, 0 near duplicates; junk not checked (--only duplicates)\n"
        ),
        "{}",
        stderr(&o)
    );
    let o = check(tmp.path(), &["x.txt", "--only", "junk", "--disable", "*"]);
    assert!(
        stderr(&o).ends_with(
            "no findings in 1 document of 1 file; duplicates not checked (--only junk)\n"
        ),
        "{}",
        stderr(&o)
    );
    // The JSON summary names the checks run; both without --only.
    let json = |args: &[&str]| -> serde_json::Value {
        let o = check(
            tmp.path(),
            &[&["x.txt", "y.txt", "--output-format", "json"], args].concat(),
        );
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["summary"]["checked"]
            .clone()
    };
    assert_eq!(json(&["--only", "junk"]), serde_json::json!(["junk"]));
    assert_eq!(
        json(&["--only", "duplicates"]),
        serde_json::json!(["duplicates"])
    );
    assert_eq!(json(&[]), serde_json::json!(["junk", "duplicates"]));
    let o = check(tmp.path(), &["x.txt", "y.txt"]);
    assert!(
        stderr(&o).ends_with("3 findings in 2 of 2 files (2 documents): 2 junk, 1 exact duplicate, 0 near duplicates\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn against_the_rest_of_the_dataset_reports_only_the_files_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    let a = article(0);
    // The old shard has a copy within itself: not reported, it is not checked.
    fs::write(
        data.join("old.jsonl"),
        format!("{}\n{}\n", record("old-1", &a), record("old-2", &a)),
    )
    .unwrap();
    fs::write(data.join("new.jsonl"), record("new-1", &edited(&a)) + "\n").unwrap();
    // Alone, the new shard is clean.
    let o = check(tmp.path(), &["data/new.jsonl"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // Against the whole folder, which holds it too: compared with the rest,
    // never with itself.
    let o = check(tmp.path(), &["data/new.jsonl", "--against", "data"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "data/new.jsonl:1: near-duplicate of data/old.jsonl:1 (old-1), similarity "
        ),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        stderr(&o).contains("compared with 2 other documents"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn repeated_ids_are_warned_of_as_dedup_warns() {
    // dedup and run warned of documents sharing an id; check said nothing,
    // though their findings' baseline keys are then shared.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    fs::write(
        data.join("a.jsonl"),
        format!(
            "{}\n{}\n",
            record("x", &article(0)),
            record("y", &article(1))
        ),
    )
    .unwrap();
    fs::write(data.join("b.jsonl"), record("x", &article(2)) + "\n").unwrap();
    let first = "warning: 1 document repeats an earlier document's id (first: \"x\" at data/a.jsonl:1 and data/b.jsonl:1)";
    let o = deboil()
        .current_dir(tmp.path())
        .args(["dedup", "data"])
        .output()
        .unwrap();
    assert!(stderr(&o).contains(first), "{}", stderr(&o));
    // The same warning, even with -q; no findings, so still exit 0.
    for args in [
        &["data"][..],
        &["-q", "data"],
        &["data/b.jsonl", "--against", "data/a.jsonl"],
    ] {
        let o = check(tmp.path(), args);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "{first}; findings' baseline keys name documents by id\n"
            )),
            "{args:?}: {}",
            stderr(&o)
        );
        assert_eq!(stdout(&o), "", "{args:?}");
    }
    // Ids of their own: no warning.
    fs::write(data.join("b.jsonl"), record("z", &article(2)) + "\n").unwrap();
    let o = check(tmp.path(), &["data"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn an_against_path_that_is_not_there_is_named_with_its_flag() {
    // It was "nodir/: No such file or directory", as for a file checked.
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("new.jsonl"),
        record("n", &article(0)) + "\n",
    )
    .unwrap();
    let o = check(tmp.path(), &["new.jsonl", "--against", "nodir/"]);
    assert_fails_with(&o, "error: --against nodir/: No such file or directory");
}

#[test]
fn against_a_saved_index() {
    let tmp = tempfile::tempdir().unwrap();
    let a = article(0);
    fs::write(tmp.path().join("old.jsonl"), record("old-1", &a) + "\n").unwrap();
    let o = deboil()
        .current_dir(tmp.path())
        .args([
            "run",
            "old.jsonl",
            "--save-index",
            "idx",
            "-o",
            "/dev/null",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    fs::write(
        tmp.path().join("new.jsonl"),
        format!("{}\n{}\n", record("n1", &a), record("n2", &article(1))),
    )
    .unwrap();
    let o = check(tmp.path(), &["new.jsonl", "--against", "idx"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "new.jsonl:1: exact duplicate of old-1 in the index idx\n"
    );
}

/// A shard with junk in record 2 and an exact copy in record 3.
fn shard(dir: &Path) {
    let (dirty, _) = with_junk(&article(1), 2);
    fs::write(
        dir.join("s.jsonl"),
        format!(
            "{}\n{}\n{}\n",
            record("one", &article(0)),
            record("two", &dirty),
            record("three", &article(0))
        ),
    )
    .unwrap();
}

#[test]
fn sarif_names_rules_and_locations() {
    let tmp = tempfile::tempdir().unwrap();
    shard(tmp.path());
    let o = check(tmp.path(), &["s.jsonl", "--output-format", "sarif", "-q"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "deboil");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["de.cookie-notice", "deboil.exact-duplicate"]);
    let results = run["results"].as_array().unwrap();
    let at: Vec<(&str, &str, u64)> = results
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap(),
                loc["artifactLocation"]["uri"].as_str().unwrap(),
                loc["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            ("de.cookie-notice", "s.jsonl", 2),
            ("deboil.exact-duplicate", "s.jsonl", 3)
        ]
    );
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i], r["ruleId"]);
        assert!(r["message"]["text"].as_str().unwrap().len() > 10);
    }
}

#[test]
fn github_annotations_then_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    shard(tmp.path());
    let o = check(tmp.path(), &["s.jsonl", "--output-format", "github"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with(
            "::error file=s.jsonl,line=2,title=deboil junk::junk/de.cookie-notice: \"Wir verwenden"
        ),
        "{out}"
    );
    assert_eq!(
        lines[1],
        "::error file=s.jsonl,line=3,title=deboil exact-duplicate::exact duplicate of s.jsonl:1 (one)"
    );
    assert!(lines[2].starts_with("deboil check: 2 findings"), "{out}");
    assert!(lines[2].contains("s.jsonl 2"), "{out}");
    // A file name holding a line break does not split the summary line.
    fs::rename(tmp.path().join("s.jsonl"), tmp.path().join("s\nt.jsonl")).unwrap();
    let o = check(tmp.path(), &["s\nt.jsonl", "--output-format", "github"]);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.contains("(by file: s\\nt.jsonl 2)"), "{out}");
}

#[test]
fn github_annotations_escape_control_characters_from_the_data() {
    // An escape sequence in a document reached the runner's log raw (the
    // text output escaped it): colour, or text hidden from the reader.
    let tmp = tempfile::tempdir().unwrap();
    let junk = "Wir verwenden Cookies \u{1b}[8m um unser Angebot zu verbessern.";
    fs::write(
        tmp.path().join("e.jsonl"),
        record("a\u{1b}[31m", &format!("{}\n{junk}\n", article(0))) + "\n",
    )
    .unwrap();
    for format in ["github", "text"] {
        let o = check(tmp.path(), &["e.jsonl", "--output-format", format]);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains('\u{1b}'), "{format}: {out}");
        assert!(out.contains("Cookies \\u{1b}[8m um"), "{format}: {out}");
    }
}

#[test]
fn errors_exit_2_naming_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("bad.jsonl"),
        record("a", &article(0)) + "\n{\"text\": \"x\"\n",
    )
    .unwrap();
    let o = check(tmp.path(), &["bad.jsonl"]);
    assert_fails_with(&o, "bad.jsonl:2:");
    assert!(stderr(&o).contains("malformed JSON"), "{}", stderr(&o));
    let o = check(tmp.path(), &["missing.jsonl"]);
    assert_fails_with(&o, "missing.jsonl");
    shard(tmp.path());
    let o = check(tmp.path(), &["s.jsonl", "--baseline", "none.json"]);
    assert_fails_with(&o, "none.json");
    fs::write(tmp.path().join("not.json"), "[1, 2]").unwrap();
    let o = check(tmp.path(), &["s.jsonl", "--baseline", "not.json"]);
    assert_fails_with(&o, "not a deboil baseline");
    assert!(stderr(&o).contains("not.json:1:"), "{}", stderr(&o));
    let o = check(
        tmp.path(),
        &["s.jsonl", "--only", "junk", "--against", "s.jsonl"],
    );
    // The command line's fault: a usage error.
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
    assert!(stderr(&o).contains("--only junk"), "{}", stderr(&o));
    let o = check(tmp.path(), &["s.jsonl", "--write-baseline", "s.jsonl"]);
    assert_fails_with(&o, "is an input file");
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn fix_refuses_a_read_only_file_and_changes_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (a, _) = with_junk(&article(0), 2);
    let (b, _) = with_junk(&article(1), 2);
    fs::write(d.join("a.txt"), &a).unwrap();
    fs::write(d.join("b.txt"), &b).unwrap();
    fs::set_permissions(d.join("b.txt"), fs::Permissions::from_mode(0o444)).unwrap();
    let o = check(d, &["a.txt", "b.txt", "--fix"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("b.txt: read-only, not repaired"),
        "{}",
        stderr(&o)
    );
    // Neither file changed: the writable one is not repaired alone.
    assert_eq!(fs::read_to_string(d.join("a.txt")).unwrap(), a);
    assert_eq!(fs::read_to_string(d.join("b.txt")).unwrap(), b);
    assert_eq!(mode(&d.join("b.txt")), 0o444);
}

#[test]
fn fix_refuses_a_file_compressed_other_than_named_and_changes_no_file() {
    // The check came as each file was rewritten: the files before the
    // refused one were already changed.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (a, _) = with_junk(&article(0), 2);
    let (b, _) = with_junk(&article(1), 2);
    fs::write(d.join("a.txt"), &a).unwrap();
    let zipped = gzip(b.as_bytes());
    fs::write(d.join("b.txt"), &zipped).unwrap();
    let o = check(d, &["a.txt", "b.txt", "--only", "junk", "--fix"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "b.txt: cannot repair in place: its content is gz but its name says not compressed (no file was changed)"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read_to_string(d.join("a.txt")).unwrap(), a);
    assert_eq!(fs::read(d.join("b.txt")).unwrap(), zipped);
}

#[test]
fn fix_repairs_files_in_place_keeping_the_rest_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (dirty_text, _) = with_junk(&article(0), 3);
    fs::write(d.join("a.txt"), &dirty_text).unwrap();
    let (dirty, _) = with_junk(&article(1), 2);
    // Other fields with unusual spacing and escapes, a blank line, CRLF
    // endings and an exact copy: all kept.
    let clean_line = format!(
        "{{\"id\": \"one\",  \"n\": 1.50, \"text\": {}}}",
        serde_json::to_string(&article(2)).unwrap()
    );
    let dirty_line = format!(
        "{{\"id\": \"two\", \"meta\": {{\"k\": [1,  2]}}, \"text\": {}, \"z\": \"\\u00e9\"}}",
        serde_json::to_string(&dirty).unwrap()
    );
    let data = format!("{clean_line}\r\n\r\n{dirty_line}\r\n{clean_line}");
    fs::write(d.join("s.jsonl"), &data).unwrap();
    fs::set_permissions(d.join("s.jsonl"), fs::Permissions::from_mode(0o640)).unwrap();
    let o = check(d, &["a.txt", "s.jsonl", "--fix"]);
    assert_eq!(
        code(&o),
        1,
        "a fixer that changed files fails: {}",
        stderr(&o)
    );
    let out = stdout(&o);
    assert!(
        out.contains("a.txt:4: junk/de.cookie-notice") && out.contains("(fixed)"),
        "{out}"
    );
    assert!(
        out.contains("s.jsonl:4: exact duplicate of s.jsonl:1 (one)\n"),
        "{out}"
    );
    let err = stderr(&o);
    assert!(err.contains("repaired 2 documents in 2 files"), "{err}");
    assert!(
        err.contains("duplicates are reported, never deleted"),
        "{err}"
    );
    // The text file is its cleaned text; the JSONL file changed in the
    // dirty record's text only.
    assert_eq!(
        fs::read_to_string(d.join("a.txt")).unwrap(),
        cleaned(&article(0))
    );
    let fixed = fs::read_to_string(d.join("s.jsonl")).unwrap();
    // The record is rewritten with its other values as they were (only
    // the separators between fields are deboil's own).
    let want_line = format!(
        "{{\"id\":\"two\",\"meta\":{{\"k\": [1,  2]}},\"text\":{},\"z\":\"\\u00e9\"}}",
        serde_json::to_string(&cleaned(&article(1))).unwrap()
    );
    let got: Vec<&str> = fixed.split("\r\n").collect();
    assert_eq!(
        got,
        [
            clean_line.as_str(),
            "",
            want_line.as_str(),
            clean_line.as_str()
        ]
    );
    assert_eq!(mode(&d.join("s.jsonl")), 0o640);
    // No temp file left; the duplicate is still there.
    let mut names: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a.txt", "s.jsonl"]);
    // Fixed files have no junk left; the copy is still reported.
    let o = check(d, &["a.txt", "s.jsonl", "--only", "junk"]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()));
    let o = check(d, &["a.txt", "s.jsonl", "--fix"]);
    assert_eq!(code(&o), 1);
    assert!(!stderr(&o).contains("repaired"), "{}", stderr(&o));
}

#[test]
fn baseline_accepts_known_findings_and_fails_on_new_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    shard(d);
    let o = check(d, &["s.jsonl", "--write-baseline", "base.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("(2 keys)"), "{}", stderr(&o));
    let o = check(
        d,
        &["s.jsonl", "--only", "junk", "--write-baseline", "one.json"],
    );
    assert!(stderr(&o).contains("(1 key)"), "{}", stderr(&o));
    let b: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("base.json")).unwrap()).unwrap();
    assert_eq!(b["deboil_baseline"], 1);
    assert_eq!(b["findings"].as_array().unwrap().len(), 2);
    let o = check(d, &["s.jsonl", "--baseline", "base.json"]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 accepted by the baseline"));
    // Records added above move every line: still accepted.
    let old = fs::read_to_string(d.join("s.jsonl")).unwrap();
    let (junk2, _) = with_junk(&article(3), 1);
    fs::write(
        d.join("s.jsonl"),
        format!("{}\n\n{old}", record("new-clean", &article(4))),
    )
    .unwrap();
    let o = check(d, &["s.jsonl", "--baseline", "base.json"]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()), "{}", stderr(&o));
    // A new document with the same junk is a new finding, and only it is reported.
    fs::write(
        d.join("s.jsonl"),
        format!("{}\n{old}", record("new-dirty", &junk2)),
    )
    .unwrap();
    let o = check(d, &["s.jsonl", "--baseline", "base.json"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "s.jsonl:1: junk/de.cookie-notice: \"Wir verwenden Cookies, um unser Angebot für Sie zu …\"\n"
    );
    // --fix with a baseline repairs only the new finding's document.
    let o = check(d, &["s.jsonl", "--baseline", "base.json", "--fix"]);
    assert_eq!(code(&o), 1);
    let after = fs::read_to_string(d.join("s.jsonl")).unwrap();
    assert!(after.ends_with(&old), "accepted junk stays");
    let o = check(d, &["s.jsonl", "--baseline", "base.json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn fix_keeps_accepted_junk_in_a_document_with_new_junk() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // The cookie notice, accepted by the baseline, in a text file.
    let (accepted, _) = with_junk(&article(0), 3);
    fs::write(d.join("a.txt"), &accepted).unwrap();
    let o = check(d, &["a.txt", "--write-baseline", "base.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // New junk in the same document: only it goes.
    let copyright = "© 2023 News Example. Alle Rechte vorbehalten.";
    fs::write(d.join("a.txt"), format!("{accepted}{copyright}\n")).unwrap();
    let o = check(d, &["a.txt", "--baseline", "base.json", "--fix"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "a.txt:{}: junk/de.copyright: \"{copyright}\" (fixed)\n",
            accepted.lines().count() + 1
        )
    );
    assert!(
        stderr(&o).contains("1 accepted by the baseline; repaired 1 document in 1 file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(d.join("a.txt")).unwrap(),
        accepted,
        "accepted junk stays"
    );
    let o = check(d, &["a.txt", "--baseline", "base.json"]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()), "{}", stderr(&o));
    // New junk of the accepted junk's rule in that document goes too: it
    // is another finding.
    let other = "Wir verwenden Cookies, um Ihnen ein besseres Nutzungserlebnis zu bieten.";
    fs::write(d.join("a.txt"), format!("{accepted}{other}\n")).unwrap();
    let o = check(d, &["a.txt", "--baseline", "base.json", "--fix"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with(
            "junk/de.cookie-notice: \"Wir verwenden Cookies, um Ihnen ein besseres …\" (fixed)\n"
        ),
        "{}",
        stdout(&o)
    );
    assert_eq!(fs::read_to_string(d.join("a.txt")).unwrap(), accepted);
}

#[test]
fn fix_with_learn_removes_only_new_findings_and_keeps_accepted_repeats() {
    // A page of the learning fixture whose share bar comes twice: both
    // copies are accepted junk. The fix left them off the rules but ran the
    // built-in repeated-line cleanup, which took the second copy (and the
    // second copy of the title, in the list of popular posts), and it found
    // no body, so a new line outside the page's body stayed.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let pages = fs::read_to_string(fixtures().join("learn/pages.jsonl")).unwrap();
    let mut records: Vec<serde_json::Value> = pages
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let text = |r: &serde_json::Value| r["text"].as_str().unwrap().to_string();
    let accepted = text(&records[0]) + "\nFacebook\n\nTwitter\n";
    let write = |records: &[serde_json::Value]| {
        let lines: Vec<String> = records.iter().map(|r| r.to_string() + "\n").collect();
        fs::write(d.join("pages.jsonl"), lines.concat()).unwrap();
    };
    records[0]["text"] = accepted.clone().into();
    write(&records);
    let o = check(
        d,
        &["--learn", "pages.jsonl", "--write-baseline", "base.json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let before = fs::read_to_string(d.join("pages.jsonl")).unwrap();
    // New junk: a navigation entry outside the body, a cookie notice.
    let new = accepted.replacen("Opinion\n", "Opinion\n\nWeather\n", 1) + COOKIE + "\n";
    records[0]["text"] = new.into();
    write(&records);
    let o = check(
        d,
        &["--learn", "pages.jsonl", "--baseline", "base.json", "--fix"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "pages.jsonl:1: junk/learn.outside-body: \"Weather\" (fixed)\n\
             pages.jsonl:1: junk/de.cookie-notice: \"{}\" (fixed)\n",
            "Wir verwenden Cookies, um unser Angebot für Sie zu …"
        )
    );
    assert_eq!(
        fs::read_to_string(d.join("pages.jsonl")).unwrap(),
        before,
        "the page as accepted"
    );
    let o = check(d, &["--learn", "pages.jsonl", "--baseline", "base.json"]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()), "{}", stderr(&o));
}

#[test]
fn against_stdin_is_read_whole_and_findings_keep_their_places() {
    // `--against -` was read twice unspooled: the comparing read found
    // stdin empty, so copies of it went unreported and the findings of the
    // file's own copies landed on other lines, naming other documents.
    let fixtures = fixtures();
    let run = |stdin: &str, args: &[&str]| {
        let mut c = deboil();
        c.current_dir(&fixtures)
            .arg("check")
            .args(args)
            .write_stdin(fs::read(fixtures.join(stdin)).unwrap());
        c.output().unwrap()
    };
    let args = ["syndicated.jsonl", "--only", "duplicates", "-q"];
    let o = run("seeds.jsonl", &[&args[..], &["--against", "-"]].concat());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let by_file = check(
        &fixtures,
        &[&args[..], &["--against", "seeds.jsonl"]].concat(),
    );
    assert_eq!(
        stdout(&o),
        stdout(&by_file).replace("seeds.jsonl:", "<stdin>:")
    );
    assert!(
        stdout(&o).starts_with(
            "syndicated.jsonl:1: exact duplicate of <stdin>:1 (000_d232dd632115a20c)\n"
        ),
        "{}",
        stdout(&o)
    );
    assert_eq!(stdout(&o).lines().count(), 8);
    // A pipe named by the shell cannot be spooled: refused, not misread.
    let o = run(
        "seeds.jsonl",
        &[&args[..], &["--against", "/dev/stdin"]].concat(),
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "/dev/stdin is a pipe or a device, not a file, and this command reads its inputs twice"
        ),
        "{}",
        stderr(&o)
    );
    // Stdin checked and compared with: it can be read once.
    let o = run("seeds.jsonl", &["-", "--against", "-"]);
    assert_eq!(code(&o), 64, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("stdin can be read only once"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_finding_is_one_line_whatever_the_id_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let a = article(1);
    let lines = [record("a\nb\u{1b}[31m", &a), record("z", &a)].join("\n") + "\n";
    fs::write(d.join("s.jsonl"), lines).unwrap();
    let o = check(d, &["s.jsonl", "-q"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "s.jsonl:2: exact duplicate of s.jsonl:1 (a\\nb\\u{1b}[31m)\n"
    );
}

#[test]
fn outputs_naming_the_baseline_are_refused_and_leave_it_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    shard(d);
    let o = check(d, &["s.jsonl", "--write-baseline", "base.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let before = fs::read(d.join("base.json")).unwrap();
    for (args, msg) in [
        (
            vec!["-o", "base.json"],
            "-o base.json is the baseline base.json",
        ),
        (
            vec!["--skip-bad", "--rejects", "./base.json"],
            "--rejects ./base.json is the baseline base.json",
        ),
        (
            vec!["--learn", "--save-learned", "base.json"],
            "--save-learned base.json is the baseline base.json",
        ),
    ] {
        let mut all = vec!["s.jsonl", "--baseline", "base.json"];
        all.extend(args);
        let o = check(d, &all);
        assert_fails_with(&o, msg);
        assert_eq!(fs::read(d.join("base.json")).unwrap(), before, "{all:?}");
    }
    // The baseline still loads: nothing new is reported.
    let o = check(d, &["s.jsonl", "--baseline", "base.json"]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()), "{}", stderr(&o));
}

#[test]
fn findings_do_not_depend_on_threads_or_batches_and_a_file_named_twice_is_checked_once() {
    let run = |extra: &[&str]| {
        let o = deboil()
            .args([
                "check",
                "fixtures/syndicated.jsonl",
                "fixtures/seeds/input",
                "-q",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        stdout(&o)
    };
    let one = run(&["-j", "1"]);
    assert!(one.lines().count() > 20, "{one}");
    assert_eq!(run(&["-j", "3", "--batch-bytes", "1K"]), one);
    assert_eq!(run(&["fixtures/syndicated.jsonl"]), one);
}

#[test]
fn skip_bad_leaves_bad_records_out_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (dirty, _) = with_junk(&article(1), 2);
    fs::write(
        tmp.path().join("s.jsonl"),
        format!("{{\"text\": 1}}\n{}\n", record("two", &dirty)),
    )
    .unwrap();
    let o = check(tmp.path(), &["s.jsonl", "--skip-bad"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("s.jsonl:2: junk/de.cookie-notice"),
        "{}",
        stdout(&o)
    );
    let err = stderr(&o);
    assert!(err.contains("1 bad record skipped"), "{err}");
    assert!(
        err.contains("skipped s.jsonl:1: text field `text` is not a string"),
        "{err}"
    );
}

#[test]
fn a_missing_file_named_twice_is_reported_once() {
    // A file that is there is read once however often named; a missing
    // one was reported twice, as `2 inputs could not be read`.
    let tmp = tempfile::tempdir().unwrap();
    shard(tmp.path());
    let o = check(tmp.path(), &["missing.jsonl", "s.jsonl", "./missing.jsonl"]);
    assert_fails_with(&o, "missing.jsonl: cannot read: No such file or directory");
    let err = stderr(&o);
    assert_eq!(err.matches("cannot read").count(), 1, "{err}");
    assert!(err.contains("; 1 input could not be read"), "{err}");
}

#[test]
fn an_unreadable_input_is_reported_and_the_others_still_checked() {
    let tmp = tempfile::tempdir().unwrap();
    shard(tmp.path());
    // A typo in a file list: the missing file fails the run (exit 2), but
    // the junk and copies in the file that is there are still reported.
    let o = check(tmp.path(), &["missing.jsonl", "s.jsonl"]);
    assert_fails_with(&o, "missing.jsonl: cannot read: No such file or directory");
    assert!(!stderr(&o).contains("os error"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 input could not be read"),
        "{}",
        stderr(&o)
    );
    let out = stdout(&o);
    assert!(out.contains("s.jsonl:2:"), "{out}");
    assert!(out.contains("de.cookie-notice"), "{out}");
    assert!(out.contains("s.jsonl:3:"), "{out}");

    let o = check(
        tmp.path(),
        &["s.jsonl", "gone.txt", "--output-format", "json", "-q"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let bad = v["summary"]["unreadable"].as_array().unwrap();
    assert_eq!(bad.len(), 1, "{v}");
    assert_eq!(bad[0]["file"], "gone.txt");
    assert!(!v["findings"].as_array().unwrap().is_empty(), "{v}");

    let o = check(
        tmp.path(),
        &["s.jsonl", "gone.txt", "--output-format", "sarif", "-q"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false, "{v}");
    let note = &inv["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert_eq!(
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "gone.txt"
    );

    let o = check(
        tmp.path(),
        &["s.jsonl", "gone.txt", "--output-format", "github"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("::error file=gone.txt,"),
        "{}",
        stdout(&o)
    );

    // A baseline from a partial check would call the missing file's
    // findings new once it is back: none is written.
    let o = check(
        tmp.path(),
        &["s.jsonl", "gone.txt", "--write-baseline", "base.json"],
    );
    assert_fails_with(&o, "no baseline written");
    assert!(!tmp.path().join("base.json").exists());
}

#[test]
fn a_baseline_goes_to_stdout_and_takes_no_findings_output() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    shard(d);
    // `-` is stdout, as for every file output: the findings are not
    // written meanwhile, so nothing else wants stdout.
    let o = check(d, &["s.jsonl", "--write-baseline", "-"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("as a baseline to stdout"),
        "{}",
        stderr(&o)
    );
    fs::write(d.join("base.json"), &o.stdout).unwrap();
    let o = check(d, &["s.jsonl", "--baseline", "base.json"]);
    assert_eq!((code(&o), stdout(&o)), (0, String::new()), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 accepted by the baseline"),
        "{}",
        stderr(&o)
    );
    // -o would have been left unwritten without a word: refused.
    let o = check(
        d,
        &["s.jsonl", "--write-baseline", "b2.json", "-o", "f.txt"],
    );
    assert_usage_error(&o, "cannot be used with");
    assert!(!d.join("f.txt").exists() && !d.join("b2.json").exists());
}

#[test]
fn a_baseline_applies_however_its_files_are_named_and_from_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("data")).unwrap();
    shard(&d.join("data"));
    let o = check(d, &["data/s.jsonl", "--write-baseline", "base.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let abs = d.join("data/s.jsonl");
    let abs = abs.to_str().unwrap();
    let base = d.join("base.json");
    let base = base.to_str().unwrap();
    // The same file as a pre-commit hook, a script or a person in another
    // folder names it: every finding is still accepted.
    for (dir, file, baseline) in [
        (d.to_path_buf(), "./data/s.jsonl", "base.json"),
        (d.to_path_buf(), abs, "base.json"),
        (d.to_path_buf(), "data", base),
        (d.join("data"), "s.jsonl", "../base.json"),
        (d.join("data"), abs, base),
    ] {
        let o = check(&dir, &[file, "--baseline", baseline]);
        assert_eq!(
            (code(&o), stdout(&o)),
            (0, String::new()),
            "{file} --baseline {baseline} in {}: {}",
            dir.display(),
            stderr(&o)
        );
    }
    // Written from the data folder, it names the file from the baseline's.
    let o = check(
        &d.join("data"),
        &["s.jsonl", "--write-baseline", "../b2.json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let files = |name: &str| -> Vec<String> {
        let b: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(d.join(name)).unwrap()).unwrap();
        b["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["file"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(files("b2.json"), ["data/s.jsonl", "data/s.jsonl"]);
    assert_eq!(files("base.json"), files("b2.json"));
    // Keys are files: another file with the same findings is not accepted.
    fs::copy(d.join("data/s.jsonl"), d.join("s.jsonl")).unwrap();
    let o = check(d, &["s.jsonl", "--only", "junk", "--baseline", "base.json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

#[test]
fn a_baseline_kept_in_the_data_folder_is_not_read_as_data() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("data")).unwrap();
    shard(&d.join("data"));
    // Written there, every other command over the folder read it as a page
    // (`data/base.json:1:1: malformed JSON`): it is refused as any output
    // among the data is, with a hidden name suggested.
    let o = check(d, &["data", "--write-baseline", "data/base.json"]);
    assert_usage_error(&o, "data/.base.json");
    assert!(!d.join("data/base.json").exists());
    // One moved there is still never read as data by check: read as a JSONL
    // file of the folder it stopped the run at `data/base.json:1:1:
    // malformed JSON`.
    let o = check(d, &["data", "--write-baseline", "base.json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    fs::rename(d.join("base.json"), d.join("data/base.json")).unwrap();
    for args in [
        vec!["data", "--baseline", "data/base.json"],
        vec![
            "data/s.jsonl",
            "--against",
            "data",
            "--baseline",
            "data/base.json",
        ],
    ] {
        let o = check(d, &args);
        assert_eq!(
            (code(&o), stdout(&o)),
            (0, String::new()),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("accepted by the baseline"),
            "{}",
            stderr(&o)
        );
    }
    // Written again, in the folder it checks, under a name the walks skip,
    // with the one moved there read.
    let o = check(
        d,
        &[
            "data",
            "--baseline",
            "data/base.json",
            "--write-baseline",
            "data/.base.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("in 1 of 1 file"), "{}", stderr(&o));
    // A data file, named or in the folder, is never written over.
    let before = fs::read(d.join("data/s.jsonl")).unwrap();
    for input in ["data/s.jsonl", "data"] {
        let o = check(d, &[input, "--write-baseline", "data/s.jsonl"]);
        assert_fails_with(&o, "is an input file");
        assert_eq!(fs::read(d.join("data/s.jsonl")).unwrap(), before);
    }
    // A baseline named as an input stays one (and is refused as output).
    let o = check(d, &["data/base.json", "--write-baseline", "data/base.json"]);
    assert_fails_with(&o, "is an input file");
}

#[test]
fn findings_written_to_a_json_or_sarif_file_take_its_format() {
    // `-o findings.sarif` wrote text, which a SARIF upload then refused;
    // `report` already chose its format by the extension.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (a, _) = with_junk(&article(0), 2);
    fs::write(d.join("a.txt"), &a).unwrap();
    for (out, flag, starts) in [
        ("f.sarif", None, "{"),
        ("f.JSON", None, "{"),
        ("f.txt", None, "a.txt:"),
        ("g.json", Some("text"), "a.txt:"),
        ("g.sarif", Some("json"), "{\n  \"findings\""),
    ] {
        let mut args = vec!["a.txt", "-q", "-o", out];
        if let Some(f) = flag {
            args.extend(["--output-format", f]);
        }
        let o = check(d, &args);
        assert_eq!(code(&o), 1, "{out}: {}", stderr(&o));
        let written = fs::read_to_string(d.join(out)).unwrap();
        assert!(written.starts_with(starts), "{out} {flag:?}: {written}");
        if out == "f.sarif" {
            let v: serde_json::Value = serde_json::from_str(&written).unwrap();
            assert_eq!(v["version"], "2.1.0");
        }
    }
}
