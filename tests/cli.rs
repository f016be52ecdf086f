//! Integration tests: the real `deboil` binary on real files.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn deboil() -> Command {
    let mut c = Command::cargo_bin("deboil").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Asserts the run failed with exit code 2 and `msg` on stderr.
fn assert_fails_with(o: &Output, msg: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(msg), "want {msg:?} in {}", stderr(o));
}

fn expected_jsonl() -> String {
    fs::read_to_string(fixtures().join("seeds.expected.jsonl")).unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn seeds_clean_to_the_hand_checked_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = deboil()
        .args(["clean", "fixtures/seeds/input", "--out-dir"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let expected_dir = fixtures().join("seeds/expected/caucasuswatch.de");
    let mut n = 0;
    for e in fs::read_dir(&expected_dir).unwrap() {
        let e = e.unwrap();
        let got = fs::read(out.join("caucasuswatch.de").join(e.file_name())).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            fs::read_to_string(e.path()).unwrap(),
            "{:?}",
            e.file_name()
        );
        n += 1;
    }
    assert_eq!(n, 5);
    let err = stderr(&o);
    assert!(err.contains("5 documents (4 changed)"), "{err}");
    assert!(err.contains("caucasuswatch.recruitment 3"), "{err}");
}

#[test]
fn the_seed_outputs_hold_no_junk_and_every_sentence() {
    let dir = fixtures().join("seeds");
    for e in fs::read_dir(dir.join("expected/caucasuswatch.de")).unwrap() {
        let e = e.unwrap();
        let out = fs::read_to_string(e.path()).unwrap();
        let input =
            fs::read_to_string(dir.join("input/caucasuswatch.de").join(e.file_name())).unwrap();
        for junk in [
            "Caucasus Watch\" sucht",
            "Wir verwenden Cookies",
            "Siehe auch",
            "date 2021-04",
        ] {
            assert!(!out.contains(junk), "{junk} in {:?}", e.file_name());
        }
        assert!(out.lines().all(|l| !l.trim().is_empty() || l.is_empty()));
        for credit in ["Bildquelle: aa.com.tr", "Photo: Kremlin.ru"] {
            if input.contains(credit) {
                assert_eq!(out.matches(credit).count(), 1, "{credit}");
            }
        }
        // Every line of the article (long lines) survives, the date prefix aside.
        for line in input.lines().filter(|l| l.split_whitespace().count() > 12) {
            if line.contains("Caucasus Watch\" sucht") || line.starts_with("Wir verwenden Cookies")
            {
                continue;
            }
            let line = line.trim_end();
            let line = line
                .trim_start()
                .strip_prefix("date 2021-04 ")
                .unwrap_or(line);
            assert!(out.contains(line), "lost: {line}");
        }
    }
}

#[test]
fn jsonl_plain_gzip_and_zstd_give_the_same_output() {
    for name in ["seeds.jsonl", "seeds.jsonl.gz", "seeds.jsonl.zst"] {
        let o = deboil()
            .args(["clean", "-q"])
            .arg(fixtures().join(name))
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert_eq!(stdout(&o), expected_jsonl(), "{name}");
    }
}

#[test]
fn compression_is_found_by_magic_bytes_whatever_the_name() {
    let tmp = tempfile::tempdir().unwrap();
    let data = fs::read(fixtures().join("seeds.jsonl")).unwrap();
    // Two gzip members back to back, named like plain JSONL.
    let half = data.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut two = gzip(&data[..half]);
    two.extend(gzip(&data[half..]));
    let p = tmp.path().join("renamed.jsonl");
    fs::write(&p, two).unwrap();
    let o = deboil().args(["clean", "-q"]).arg(&p).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected_jsonl());
}

#[test]
fn stdin_plain_and_compressed() {
    let plain = fs::read(fixtures().join("seeds.jsonl")).unwrap();
    for (args, input) in [
        (vec!["clean", "-q"], plain.clone()),
        (vec!["clean", "-q", "-"], gzip(&plain)),
        (
            vec!["clean", "-q"],
            fs::read(fixtures().join("seeds.jsonl.zst")).unwrap(),
        ),
    ] {
        let o = deboil().args(&args).write_stdin(input).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stdout(&o), expected_jsonl());
    }
    // Text on stdin is one document.
    let text = "Body line.\n\nSiehe auch\n";
    let o = deboil()
        .args(["clean", "-q", "--format", "text", "--rules"])
        .arg(fixtures().join("../rules/caucasuswatch.de.toml"))
        .arg("--no-default-rules")
        .write_stdin(text)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    // stdin has no directory, so no site: the site-scoped rule does not apply.
    assert_eq!(v["text"], "Body line.\n\nSiehe auch\n");
    assert_eq!(v["id"], "<stdin>");
}

#[test]
fn output_does_not_depend_on_threads_or_batch_size() {
    let tmp = tempfile::tempdir().unwrap();
    // Many documents, so batches of 1K split them.
    let data = fs::read_to_string(fixtures().join("seeds.jsonl")).unwrap();
    let big: String = (0..40).map(|_| data.as_str()).collect();
    let p = tmp.path().join("many.jsonl");
    fs::write(&p, big).unwrap();
    let run = |threads: &str, batch: &str| {
        let o = deboil()
            .args(["clean", "-q", "-j", threads, "--batch-bytes", batch])
            .arg(&p)
            .output()
            .unwrap();
        assert!(o.status.success());
        o.stdout
    };
    let one = run("1", "1K");
    assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), 200);
    assert_eq!(one, run("2", "1K"));
    assert_eq!(one, run("8", "3K"));
    assert_eq!(one, run("8", "64M"));
}

#[test]
fn output_file_is_compressed_by_name_and_never_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.jsonl.zst");
    let o = deboil()
        .args(["clean", "-q", "fixtures/seeds.jsonl", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let back = zstd::decode_all(fs::File::open(&out).unwrap()).unwrap();
    assert_eq!(String::from_utf8(back).unwrap(), expected_jsonl());

    let input = tmp.path().join("in.jsonl");
    fs::copy(fixtures().join("seeds.jsonl"), &input).unwrap();
    let before = fs::read(&input).unwrap();
    let o = deboil()
        .args(["clean", "-q"])
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .output()
        .unwrap();
    assert_fails_with(&o, "is an input file");
    assert_eq!(fs::read(&input).unwrap(), before);
}

#[test]
fn out_dir_mirrors_jsonl_and_refuses_stdin_and_its_own_input() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src/sub");
    fs::create_dir_all(&src).unwrap();
    fs::copy(fixtures().join("seeds.jsonl.gz"), src.join("a.jsonl.gz")).unwrap();
    let out = tmp.path().join("out");
    let o = deboil()
        .args(["clean", "-q"])
        .arg(tmp.path().join("src"))
        .arg("--out-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut s = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(fs::File::open(out.join("sub/a.jsonl.gz")).unwrap()),
        &mut s,
    )
    .unwrap();
    assert_eq!(s, expected_jsonl());

    let o = deboil()
        .args(["clean", "--out-dir"])
        .arg(&out)
        .write_stdin("x")
        .output()
        .unwrap();
    assert_fails_with(&o, "--out-dir needs input paths");

    let o = deboil()
        .arg("clean")
        .arg(tmp.path().join("src"))
        .arg("--out-dir")
        .arg(&src)
        .output()
        .unwrap();
    assert_fails_with(&o, "inside the input directory");
}

/// A JSONL file whose third line is `bad`, between good records.
fn with_bad_line(dir: &Path, bad: &[u8]) -> PathBuf {
    let good = fs::read_to_string(fixtures().join("seeds.jsonl")).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let mut data = Vec::new();
    for l in &lines[..2] {
        data.extend_from_slice(l.as_bytes());
        data.push(b'\n');
    }
    data.extend_from_slice(bad);
    data.push(b'\n');
    for l in &lines[2..] {
        data.extend_from_slice(l.as_bytes());
        data.push(b'\n');
    }
    let p = dir.join("mixed.jsonl");
    fs::write(&p, data).unwrap();
    p
}

#[test]
fn bad_records_stop_the_run_with_file_line_and_problem() {
    let cases: [(&[u8], &str); 5] = [
        (
            b"{\"id\": \"x\", \"text\": \"unterminated}",
            "mixed.jsonl:3:",
        ),
        (
            b"{\"id\": \"x\", \"body\": \"no text\"}",
            "mixed.jsonl:3: missing text field `text`",
        ),
        (
            b"{\"id\": \"x\", \"text\": \"caf\xe9\"}",
            "mixed.jsonl:3:25: invalid UTF-8",
        ),
        (
            b"{\"id\": \"x\", \"text\": \"a\x00b\"}",
            "mixed.jsonl:3:23: NUL byte",
        ),
        (
            &[b'x'; 9000],
            "mixed.jsonl:3: record longer than --max-doc-bytes (8192)",
        ),
    ];
    for (bad, msg) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let p = with_bad_line(tmp.path(), bad);
        let out = tmp.path().join("out.jsonl");
        let o = deboil()
            .args(["clean", "--max-doc-bytes", "8K"])
            .arg(&p)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{msg}");
        let err = stderr(&o);
        assert!(err.contains(msg), "want {msg:?} in {err}");
        // A failed run leaves no output behind, not even a temp file.
        assert!(!out.exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}

#[test]
fn skip_bad_counts_reports_and_keeps_rejects_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let bad: &[u8] = b"{\"id\": \"x\", \"text\": \"caf\xe9\"}";
    let p = with_bad_line(tmp.path(), bad);
    let rejects = tmp.path().join("rejects.jsonl");
    let o = deboil()
        .args(["clean", "--skip-bad", "--rejects"])
        .arg(&rejects)
        .arg(&p)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected_jsonl());
    let err = stderr(&o);
    assert!(err.contains("1 bad records skipped"), "{err}");
    assert!(err.contains("mixed.jsonl:3:25: invalid UTF-8"), "{err}");
    let mut want = bad.to_vec();
    want.push(b'\n');
    assert_eq!(fs::read(&rejects).unwrap(), want);
}

#[test]
fn text_inputs_with_bad_bytes_name_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("doc.txt");
    fs::write(&p, b"fine\nalso fine\nbro\xffken\n").unwrap();
    let o = deboil().arg("clean").arg(&p).output().unwrap();
    assert_fails_with(&o, "doc.txt:3:4: invalid UTF-8");
}

#[test]
fn explain_records_point_at_the_removed_text() {
    let tmp = tempfile::tempdir().unwrap();
    let explain = tmp.path().join("explain.jsonl");
    let o = deboil()
        .args(["clean", "-q", "fixtures/seeds.jsonl", "--explain"])
        .arg(&explain)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let originals: Vec<serde_json::Value> = fs::read_to_string(fixtures().join("seeds.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let records: Vec<serde_json::Value> = fs::read_to_string(&explain)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 13);
    let mut rules: Vec<&str> = records
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    rules.sort();
    rules.dedup();
    assert_eq!(
        rules,
        [
            "builtin.blank-line",
            "builtin.repeated-line",
            "caucasuswatch.cookie-notice",
            "caucasuswatch.date-prefix",
            "caucasuswatch.recruitment",
            "caucasuswatch.see-also"
        ]
    );
    for r in &records {
        let doc = originals.iter().find(|d| d["id"] == r["id"]).unwrap();
        let text = doc["text"].as_str().unwrap();
        let (s, e) = (
            r["start"].as_u64().unwrap() as usize,
            r["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], r["text"].as_str().unwrap());
        let chars: Vec<char> = text.chars().collect();
        let (cs, ce) = (
            r["char_start"].as_u64().unwrap() as usize,
            r["char_end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[cs..ce].iter().collect::<String>(),
            r["text"].as_str().unwrap()
        );
    }
    let date = records
        .iter()
        .find(|r| r["rule"] == "caucasuswatch.date-prefix")
        .unwrap();
    assert_eq!(date["text"], " date 2021-04 ");
    assert_eq!(date["action"], "span");
}

#[test]
fn diff_shows_changes_and_writes_nothing_else() {
    let o = deboil()
        .args(["clean", "-q", "--diff", "fixtures/seeds/input"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let d = stdout(&o);
    assert!(d.contains("--- a/fixtures/seeds/input/caucasuswatch.de/001_db30c925d4b12c96.txt"));
    assert!(d.contains("\n-Siehe auch\n"));
    assert!(d.contains("\n- date 2021-04 Der US-Außenminister"));
    assert!(d.contains("\n+Der US-Außenminister"));
    assert!(
        !d.contains("000_d232dd632115a20c"),
        "an unchanged document has no diff"
    );
    assert!(!d.contains("{\"id\""));
}

#[test]
fn jsonl_fields_pass_through_and_field_names_are_configurable() {
    let input = "{\"meta\":{\"a\":[1,2.50]},\"body\":\"Text.\\n\\nSiehe auch\",\"key\":7,\"host\":\"caucasuswatch.de\"}\n";
    let o = deboil()
        .args([
            "clean",
            "-q",
            "--text-field",
            "body",
            "--id-field",
            "key",
            "--site-field",
            "host",
        ])
        .arg("--explain")
        .arg("/dev/stderr")
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("{\"meta\":{\"a\":[1,2.50]},\"body\":\"Text.\",\"key\":7,\"host\":\"caucasuswatch.de\"}\n"),
        "{out}"
    );
    let explain = stderr(&o);
    assert!(explain.contains("\"id\":\"7\""), "{explain}");
    // The link /dev/stderr was written through, not replaced.
    assert!(
        fs::symlink_metadata("/dev/stderr")
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn site_scopes_decide_which_rules_apply() {
    let blurb = "\"Caucasus Watch\" sucht lokale Experten aus Georgien.";
    let input = format!(
        "{{\"id\":\"a\",\"site\":\"caucasuswatch.de\",\"text\":\"Text.\\n{blurb}\"}}\n\
         {{\"id\":\"b\",\"url\":\"https://www.caucasuswatch.de/x\",\"text\":\"Text.\\n{blurb}\"}}\n\
         {{\"id\":\"c\",\"site\":\"other.org\",\"text\":\"Text.\\n{blurb}\"}}\n"
    )
    .replace("\"Caucasus Watch\"", "\\\"Caucasus Watch\\\"");
    let o = deboil()
        .args(["clean", "-q"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let texts: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(texts[0], "Text.");
    assert_eq!(texts[1], "Text.");
    assert!(texts[2].contains("sucht lokale Experten"));
}

#[test]
fn user_rules_toggles_and_builtins() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("mine.toml");
    fs::write(
        &rules,
        "[[rule]]\nid = \"mine.ad\"\nreason = \"ads\"\nequals = ['Anzeige']\n",
    )
    .unwrap();
    let text = "Titel\n\nAnzeige\n\nFoto: dpa\nFoto: dpa\n\nSiehe auch\n";
    let run = |args: &[&str]| {
        let o = deboil()
            .args(["clean", "-q", "--format", "text"])
            .args(args)
            .write_stdin(text)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        v["text"].as_str().unwrap().to_string()
    };
    let r = rules.to_str().unwrap();
    assert_eq!(run(&["--rules", r]), "Titel\n\nFoto: dpa\n");
    assert_eq!(run(&[]), "Titel\n\nAnzeige\n\nFoto: dpa\n");
    assert_eq!(run(&["--enable", "de.photo-credit"]), "Titel\n\nAnzeige\n");
    assert_eq!(
        run(&["--disable", "de.*"]),
        "Titel\n\nAnzeige\n\nFoto: dpa\n\nSiehe auch\n"
    );
    assert_eq!(
        run(&["--no-default-rules", "--rules", r]),
        "Titel\n\nFoto: dpa\n\nSiehe auch\n"
    );
    assert_eq!(
        run(&["--no-builtin", "repeated-line", "--rules", r]),
        "Titel\n\nFoto: dpa\nFoto: dpa\n"
    );
}

#[test]
fn rules_test_checks_examples_and_reports_bad_files() {
    let o = deboil().args(["rules", "test"]).output().unwrap();
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains(" 0 failed"), "{}", stdout(&o));
    let o = deboil().args(["rules", "test", "rules"]).output().unwrap();
    assert!(o.status.success(), "{}", stdout(&o));

    let tmp = tempfile::tempdir().unwrap();
    let failing = tmp.path().join("failing.toml");
    fs::write(
        &failing,
        "[[rule]]\nid = \"x\"\nreason = \"r\"\nequals = ['junk']\n\n[[rule.example]]\ninput = \"a\\njunk\\n\"\noutput = \"a\\njunk\\n\"\n",
    )
    .unwrap();
    let o = deboil()
        .args(["rules", "test"])
        .arg(&failing)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("failing.toml:6: example of rule `x` failed"),
        "{out}"
    );
    assert!(out.contains("0 passed, 1 failed"), "{out}");

    let broken = tmp.path().join("broken.toml");
    fs::write(
        &broken,
        "[[rule]]\nid = \"x\"\nreason = \"r\"\nregex = ['(']\n",
    )
    .unwrap();
    for args in [vec!["rules", "test"], vec!["clean", "--rules"]] {
        let o = deboil()
            .args(&args)
            .arg(&broken)
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("broken.toml:4:10: bad regex"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn rules_list_names_every_rule() {
    let o = deboil().args(["rules", "list"]).output().unwrap();
    assert!(o.status.success());
    let out = stdout(&o);
    for id in [
        "caucasuswatch.recruitment",
        "de.cookie-notice",
        "en.see-also",
        "fr.copyright",
        "es.newsletter",
        "ru.share-bar",
    ] {
        assert!(out.contains(id), "{id}");
    }
    assert!(out.contains("(off by default)"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // `head -c1` closes the pipe after one byte; deboil must exit 0 without an error.
    let data = fs::read_to_string(fixtures().join("seeds.jsonl")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("big.jsonl");
    fs::write(&p, data.repeat(400)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("deboil");
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' clean -q '{}' | head -c1 >/dev/null",
            bin.display(),
            p.display()
        ))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

// ---- dedup and run ----

/// The seed articles' paragraphs (real text), for building copies.
fn seed_texts() -> Vec<String> {
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

fn jsonl(docs: &[(&str, String)]) -> String {
    docs.iter()
        .map(|(id, text)| {
            serde_json::json!({"id": id, "site": "a.org", "text": text}).to_string() + "\n"
        })
        .collect()
}

fn ids(out: &str) -> Vec<String> {
    id_texts(out, "id").into_iter().map(|(id, _)| id).collect()
}

/// A light edit: a few words changed in the middle.
fn edited(text: &str) -> String {
    let mut words: Vec<&str> = text.split(' ').collect();
    let n = words.len();
    for i in [n / 3, n / 2, 2 * n / 3] {
        words[i] = "EDITED";
    }
    words.join(" ")
}

/// The corpus of the dedup tests: originals, copies of several kinds, and their truth.
fn dedup_corpus() -> Vec<(&'static str, String)> {
    let s = seed_texts();
    vec![
        ("a", s[1].clone()),
        ("b", s[2].clone()),
        (
            "a-reflowed",
            s[1].replace("\n\n", "\n").replace('"', "\u{201c}"),
        ),
        ("c", s[3].clone()),
        ("b-edited", edited(&s[2])),
        ("d", s[4].clone()),
        ("a-abridged", s[1][..s[1].len() / 2].to_string()),
    ]
}

fn dedup_run(args: &[&str], input: &str) -> (String, String) {
    let o = deboil()
        .args(args)
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    (stdout(&o), stderr(&o))
}

#[test]
fn dedup_drops_exact_and_near_copies_and_keeps_input_order() {
    let input = jsonl(&dedup_corpus());
    let (out, err) = dedup_run(
        &["dedup", "--shingle", "word:5", "--threshold", "0.8"],
        &input,
    );
    // Jaccard 0.8 drops the reflowed copy (exact once normalised) and the light edit,
    // not the abridged copy.
    assert_eq!(ids(&out), ["a", "b", "c", "d", "a-abridged"]);
    assert!(
        err.contains("7 documents, 5 kept, 1 exact and 1 near duplicates dropped"),
        "{err}"
    );
    // Containment also finds the copy cut from the bottom.
    let (out, _) = dedup_run(
        &["dedup", "--similarity", "containment", "--threshold", "0.8"],
        &input,
    );
    assert_eq!(ids(&out), ["a", "b", "c", "d"]);
    // So do run's defaults (containment of character 7-grams at 0.7).
    let (out, err) = dedup_run(&["run", "-v"], &input);
    assert_eq!(ids(&out), ["a", "b", "c", "d"]);
    assert!(
        err.contains("char:7 shingles") && err.contains("Containment threshold 0.7"),
        "{err}"
    );
}

#[test]
fn clusters_file_has_the_promised_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let clusters = tmp.path().join("clusters.jsonl");
    let o = deboil()
        .args([
            "dedup",
            "-q",
            "--keep",
            "longest",
            "--similarity",
            "containment",
            "--threshold",
            "0.8",
            "--clusters",
        ])
        .arg(&clusters)
        .write_stdin(jsonl(&dedup_corpus()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let raw = fs::read_to_string(&clusters).unwrap();
    let lines: Vec<serde_json::Value> = raw
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    // Exactly these keys, in this order.
    assert!(
        raw.lines()
            .all(|l| l.starts_with("{\"representative\":\"") && l.contains("\",\"kind\":\""))
    );
    let a = &lines[0];
    assert_eq!(a.as_object().unwrap().len(), 3);
    assert_eq!(a["kind"], "near");
    let members: Vec<&str> = a["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["a", "a-reflowed", "a-abridged"]);
    // Longest: "a" and its reflowed copy differ in length only by line breaks.
    let rep = a["representative"].as_str().unwrap();
    assert!(members.contains(&rep));
    for m in a["members"].as_array().unwrap() {
        let s = m["similarity"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&s));
        if m["id"] == rep {
            assert_eq!(s, 1.0);
        }
    }
    assert_eq!(lines[1]["members"].as_array().unwrap().len(), 2);
}

#[test]
fn mark_keeps_everything_and_names_the_representative() {
    let docs = dedup_corpus();
    let (out, _) = dedup_run(
        &[
            "dedup",
            "-q",
            "--mark",
            "--shingle",
            "word:5",
            "--threshold",
            "0.8",
        ],
        &jsonl(&docs),
    );
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), docs.len());
    let by_id = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(by_id("a")["dup_of"], serde_json::Value::Null);
    assert_eq!(by_id("a")["cluster_size"], 2);
    assert_eq!(by_id("a-reflowed")["dup_of"], "a");
    assert_eq!(by_id("b-edited")["dup_of"], "b");
    assert_eq!(by_id("c")["cluster_size"], 1);
    // Other fields are still there, unchanged.
    assert_eq!(by_id("c")["site"], "a.org");
}

#[test]
fn keep_newest_picks_by_field() {
    let s = seed_texts();
    let input = [
        serde_json::json!({"id": "old", "date": "2021-01-02", "text": s[0]}),
        serde_json::json!({"id": "new", "date": "2021-03-01", "text": s[0]}),
        serde_json::json!({"id": "mid", "date": "2021-02-01", "text": s[0]}),
    ]
    .iter()
    .map(|v| v.to_string() + "\n")
    .collect::<String>();
    let (out, _) = dedup_run(&["dedup", "-q", "--keep", "newest:date"], &input);
    assert_eq!(ids(&out), ["new"]);
    let (out, _) = dedup_run(&["dedup", "-q"], &input);
    assert_eq!(ids(&out), ["old"]);
}

#[test]
fn run_cleans_first_so_shared_site_junk_does_not_glue_articles() {
    let s = seed_texts();
    // Two different short articles from one site, each carrying the same long junk.
    let junk = "\n\n".to_string()
        + &fs::read_to_string(
            fixtures().join("seeds/input/caucasuswatch.de/001_db30c925d4b12c96.txt"),
        )
        .unwrap()
        .split("\n\n")
        .filter(|p| p.contains("Caucasus Watch\" sucht") || p.starts_with("Wir verwenden Cookies"))
        .collect::<Vec<_>>()
        .join("\n\n");
    let first = |t: &str| t.split("\n\n").take(2).collect::<Vec<_>>().join("\n\n");
    let docs: String = [("x", first(&s[1]) + &junk), ("y", first(&s[2]) + &junk)]
        .iter()
        .map(|(id, t)| {
            serde_json::json!({"id": id, "site": "caucasuswatch.de", "text": t}).to_string() + "\n"
        })
        .collect();
    let (out, _) = dedup_run(
        &["dedup", "-q", "--threshold", "0.3", "--shingle", "word:3"],
        &docs,
    );
    assert_eq!(
        ids(&out),
        ["x"],
        "without cleaning, the junk makes them look alike"
    );
    let (out, err) = dedup_run(&["run", "--threshold", "0.3", "--shingle", "word:3"], &docs);
    assert_eq!(ids(&out), ["x", "y"]);
    assert!(err.contains("caucasuswatch.recruitment 2"), "{err}");
    assert!(!out.contains("sucht lokale Experten"));
}

#[test]
fn exact_verification_decides_on_the_texts_and_reports_exact_similarity() {
    let words =
        |r: std::ops::Range<usize>| r.map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
    // Word 1-grams: b shares 90 of a's 100 words and adds 10, Jaccard 90/110.
    let input = jsonl(&[
        ("a", words(0..100)),
        ("b", format!("{} {}", words(0..90), words(500..510))),
        ("c", words(1000..1100)),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let clusters = tmp.path().join("c.jsonl");
    let run = |threshold: &str, verify: &str| {
        let (out, _) = dedup_run(
            &[
                "dedup",
                "-q",
                "--shingle",
                "word:1",
                // Bands of 4 rows make the pair a candidate whatever the threshold.
                "--bands",
                "32",
                "--rows",
                "4",
                "--threshold",
                threshold,
                "--verify",
                verify,
                "--clusters",
                clusters.to_str().unwrap(),
            ],
            &input,
        );
        (ids(&out), fs::read_to_string(&clusters).unwrap())
    };
    let (kept, found) = run("0.81", "exact");
    assert_eq!(kept, ["a", "c"]);
    let cluster: serde_json::Value = serde_json::from_str(found.trim()).unwrap();
    assert_eq!(cluster["kind"], "near");
    assert_eq!(cluster["members"][1]["id"], "b");
    assert_eq!(cluster["members"][1]["similarity"], 0.8182);
    // Just above the exact similarity: no copy, whatever the estimate says.
    let (kept, found) = run("0.82", "exact");
    assert_eq!(kept, ["a", "b", "c"]);
    assert_eq!(found, "");
    // The estimate is an estimate: not exactly 90/110.
    let (_, found) = run("0.5", "signature");
    let cluster: serde_json::Value = serde_json::from_str(found.trim()).unwrap();
    assert_ne!(cluster["members"][1]["similarity"], 0.8182);
}

#[test]
fn dedup_output_does_not_depend_on_threads_batches_or_order() {
    let docs = dedup_corpus();
    let many: Vec<(&str, String)> = (0..12).flat_map(|_| docs.clone()).collect();
    let input = jsonl(&many);
    let run = |j: &str, batch: &str| {
        let (out, _) = dedup_run(
            &["dedup", "-q", "--mark", "-j", j, "--batch-bytes", batch],
            &input,
        );
        out
    };
    let one = run("1", "2K");
    assert_eq!(one, run("2", "2K"));
    assert_eq!(one, run("8", "5K"));
    assert_eq!(one, run("8", "64M"));
    // Exact verification reads texts back batch by batch: the same holds.
    let exact = |j: &str, batch: &str| {
        let args = ["dedup", "-q", "--mark", "--verify", "exact", "-j", j];
        dedup_run(&[&args[..], &["--batch-bytes", batch]].concat(), &input).0
    };
    let one = exact("1", "2K");
    assert_eq!(one, exact("8", "5K"));
    assert_eq!(one, exact("2", "64M"));
    // Reversed input: the same clusters (as sets of ids), whatever the representative.
    let cluster_sets = |input: String| {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("c.jsonl");
        let o = deboil()
            .args(["dedup", "-q", "--clusters"])
            .arg(&p)
            .write_stdin(input)
            .output()
            .unwrap();
        assert!(o.status.success());
        let mut sets: Vec<Vec<String>> = fs::read_to_string(&p)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let mut m: Vec<String> = v["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["id"].as_str().unwrap().to_string())
                    .collect();
                m.sort();
                m
            })
            .collect();
        sets.sort();
        sets
    };
    let mut rev = docs.clone();
    rev.reverse();
    assert_eq!(cluster_sets(jsonl(&docs)), cluster_sets(jsonl(&rev)));
}

#[test]
fn incremental_runs_drop_what_an_index_already_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("idx");
    let docs = dedup_corpus();
    let (first, second) = docs.split_at(4);
    let (out, _) = dedup_run(
        &[
            "dedup",
            "-q",
            "--shingle",
            "word:5",
            "--threshold",
            "0.8",
            "--save-index",
            idx.to_str().unwrap(),
        ],
        &jsonl(first),
    );
    assert_eq!(ids(&out), ["a", "b", "c"]);
    // The index holds signatures, never texts.
    let saved: Vec<u8> = fs::read_dir(&idx)
        .unwrap()
        .flat_map(|e| fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert!(!String::from_utf8_lossy(&saved).contains("Verteidigungsminister"));
    let mut again = second.to_vec();
    again.push(("b-again", docs[1].1.clone()));
    let (out, err) = dedup_run(
        &[
            "dedup",
            "--shingle",
            "word:5",
            "--threshold",
            "0.8",
            "--against",
            idx.to_str().unwrap(),
            "--save-index",
            idx.to_str().unwrap(),
        ],
        &jsonl(&again),
    );
    // b-edited and b-again duplicate the indexed b; d and the abridged copy are new.
    assert_eq!(ids(&out), ["d", "a-abridged"]);
    assert!(err.contains("4 documents, 2 kept"), "{err}");
    let meta: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(idx.join("index.json")).unwrap()).unwrap();
    assert_eq!(meta["docs"], 5);
    // An index built with other parameters is refused.
    let o = deboil()
        .args(["dedup", "--shingle", "char:5", "--against"])
        .arg(&idx)
        .write_stdin(jsonl(second))
        .output()
        .unwrap();
    assert_fails_with(&o, "built with shingles word:5");
}

#[test]
fn why_shows_similarity_and_shared_passages() {
    let o = deboil()
        .args([
            "why",
            "001_db30c925d4b12c96",
            "002_edae168d99fdab03",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // Uncleaned, the two articles share the site's recruitment blurb.
    assert!(out.contains("sucht lokale Experten"), "{out}");
    assert!(out.contains("exact Jaccard of word:5 shingles"));
    let o = deboil()
        .args([
            "why",
            "--clean",
            "001_db30c925d4b12c96",
            "002_edae168d99fdab03",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert!(
        !stdout(&o).contains("sucht lokale Experten"),
        "{}",
        stdout(&o)
    );
    let o = deboil()
        .args([
            "why",
            "nope",
            "001_db30c925d4b12c96",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert_fails_with(&o, "no document with id nope");
}

#[test]
fn the_readme_sample_drops_its_three_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let clusters = tmp.path().join("clusters.jsonl");
    let o = deboil()
        .args(["run", "fixtures/syndicated.jsonl", "--clusters"])
        .arg(&clusters)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        ids(&stdout(&o)),
        [
            "000_d232dd632115a20c",
            "001_db30c925d4b12c96",
            "002_edae168d99fdab03",
            "003_9f9a890628559865",
            "004_011d1d95fb55c242"
        ]
    );
    let kinds: Vec<String> = fs::read_to_string(&clusters)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(kinds, ["near", "near", "exact"]);
    assert!(
        stderr(&o).contains("8 documents, 5 kept, 1 exact and 2 near duplicates dropped"),
        "{}",
        stderr(&o)
    );
}

// ---- learn ----

fn learn_pages() -> PathBuf {
    fixtures().join("learn/pages.jsonl")
}

/// (id, text) of each output line, and (id, gold) of the fixture.
fn id_texts(jsonl: &str, field: &str) -> Vec<(String, Option<String>)> {
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

#[test]
fn learn_writes_reviewable_rules_sorted_by_removed_text() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("learned.toml");
    let o = deboil()
        .arg("learn")
        .arg(learn_pages())
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 sites learned from (1 with too few pages)"),
        "{}",
        stderr(&o)
    );
    let toml = fs::read_to_string(&out).unwrap();
    // Site scope, page counts and share, numbers folded into one template.
    assert!(toml.contains(r#"sites = ["dailybugle.example"]"#), "{toml}");
    assert!(toml.contains("recurs on 8 of 8 pages (100%)"), "{toml}");
    assert!(toml.contains("Issue No. 2231") && toml.contains("fold_digits = true"));
    assert!(
        !toml.contains("tiny.example"),
        "too few pages to learn from"
    );
    // The re-published story recurs on two pages but is one piece of evidence.
    assert!(!toml.contains("harbour bridge will close"), "{toml}");
    assert!(!toml.to_lowercase().contains("harbour bridge will close"));
    // Most removed text first.
    let removed: Vec<u64> = toml
        .lines()
        .filter_map(|l| l.split("removes about ").nth(1))
        .map(|r| r.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(removed.len() >= 3);
    assert!(removed.windows(2).all(|w| w[0] >= w[1]), "{removed:?}");
    // The file is a rule file deboil loads, and its examples pass.
    let o = deboil().args(["rules", "test"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn clean_learn_keeps_each_body_and_names_every_removal() {
    let tmp = tempfile::tempdir().unwrap();
    let explain = tmp.path().join("explain.jsonl");
    let o = deboil()
        .args(["clean", "--learn"])
        .arg(learn_pages())
        .arg("--explain")
        .arg(&explain)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let gold = id_texts(&fs::read_to_string(learn_pages()).unwrap(), "gold");
    let got = id_texts(&stdout(&o), "text");
    assert_eq!(got.len(), gold.len());
    for ((id, text), (_, want)) in got.iter().zip(&gold) {
        if let Some(want) = want {
            assert_eq!(text.as_deref(), Some(want.as_str()), "{id}");
        }
    }
    let explain = fs::read_to_string(&explain).unwrap();
    let rules: std::collections::BTreeSet<String> = id_texts(&explain, "rule")
        .into_iter()
        .filter_map(|(_, r)| r)
        .collect();
    for want in [
        "learn.outside-body",
        "learn.comments",
        "learned.dailybugle.example.1",
    ] {
        assert!(rules.contains(want), "{want} not in {rules:?}");
    }
}

#[test]
fn clean_learn_reads_stdin_twice_and_ignores_thread_count() {
    let input = fs::read(learn_pages()).unwrap();
    let from_file = deboil()
        .args(["clean", "-q", "--learn", "-j", "1"])
        .arg(learn_pages())
        .output()
        .unwrap();
    assert!(from_file.status.success(), "{}", stderr(&from_file));
    let from_stdin = deboil()
        .args(["clean", "-q", "--learn", "-j", "2"])
        .write_stdin(gzip(&input))
        .output()
        .unwrap();
    assert!(from_stdin.status.success(), "{}", stderr(&from_stdin));
    assert_eq!(stdout(&from_file), stdout(&from_stdin));
    assert!(!stdout(&from_file).contains("Most read"));
}

#[test]
fn learning_alone_finds_the_seed_sites_junk_and_leaves_clean_text() {
    // The seeds' recruitment blurb and cookie notice, with no rule files.
    let o = deboil()
        .args([
            "clean",
            "--learn",
            "--no-default-rules",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("sucht lokale Experten"));
    assert!(!out.contains("Wir verwenden Cookies"));
    // The hand-checked outputs are clean text: learning removes nothing.
    let o = deboil()
        .args(["clean", "--learn", "fixtures/seeds.expected.jsonl"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let before = id_texts(&expected_jsonl(), "text");
    assert_eq!(id_texts(&stdout(&o), "text"), before);
}

#[test]
fn run_learn_cleans_then_dedups_and_save_learned_writes_the_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let saved = tmp.path().join("saved.toml");
    let o = deboil()
        .args(["run", "--learn", "--save-learned"])
        .arg(&saved)
        .arg(learn_pages())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> = id_texts(&stdout(&o), "text")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // The re-published copy is a duplicate of the first story once the page junk is gone.
    assert!(ids.contains(&"bugle/0".to_string()));
    assert!(!ids.contains(&"bugle/8-copy".to_string()), "{ids:?}");
    let learned = deboil().arg("learn").arg(learn_pages()).output().unwrap();
    assert_eq!(fs::read_to_string(&saved).unwrap(), stdout(&learned));
}

#[test]
fn learning_names_bad_records_and_counts_skipped_ones_once() {
    let tmp = tempfile::tempdir().unwrap();
    let pages = fs::read_to_string(learn_pages()).unwrap();
    let mut lines: Vec<&str> = pages.lines().collect();
    lines.insert(3, r#"{"id": "bad", "text": 5}"#);
    let input = tmp.path().join("pages.jsonl");
    fs::write(&input, lines.join("\n") + "\n").unwrap();
    let o = deboil().arg("learn").arg(&input).output().unwrap();
    assert_fails_with(&o, "pages.jsonl:4: text field `text` is not a string");
    let rejects = tmp.path().join("rejects.jsonl");
    let o = deboil()
        .args(["learn", "--skip-bad", "--rejects"])
        .arg(&rejects)
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 bad records skipped"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(&rejects).unwrap(),
        format!("{}\n", lines[3])
    );
    // Cleaning with learning reads twice but reports the record once.
    let o = deboil()
        .args(["clean", "--learn", "--skip-bad"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("skipped ").count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("1 bad records skipped"));
}
