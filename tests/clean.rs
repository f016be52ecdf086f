//! `deboil clean`: inputs, compression, stdin, output files, --out-dir, bad
//! records, --explain, --diff, JSONL fields, site scopes, user rules and toggles,
//! and a closed pipe.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_fails_with, deboil, expected_jsonl, fixtures, gzip, stderr, stdout};

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

/// The junk and sentence checks on one cleaned article `out` of `input`.
fn assert_no_junk_and_every_sentence(name: &str, input: &str, out: &str) {
    for junk in [
        "Caucasus Watch\" sucht",
        "Wir verwenden Cookies",
        "Siehe auch",
        "date 2021-04",
    ] {
        assert!(!out.contains(junk), "{junk} in {name}");
    }
    assert!(
        out.lines().all(|l| !l.trim().is_empty() || l.is_empty()),
        "{name}"
    );
    for credit in ["Bildquelle: aa.com.tr", "Photo: Kremlin.ru"] {
        if input.contains(credit) {
            assert_eq!(out.matches(credit).count(), 1, "{credit} in {name}");
        }
    }
    // Every line of the article (long lines) survives, the date prefix aside.
    for line in input.lines().filter(|l| l.split_whitespace().count() > 12) {
        if line.contains("Caucasus Watch\" sucht") || line.starts_with("Wir verwenden Cookies") {
            continue;
        }
        let line = line.trim_end();
        let line = line
            .trim_start()
            .strip_prefix("date 2021-04 ")
            .unwrap_or(line);
        assert!(out.contains(line), "lost in {name}: {line}");
    }
}

#[test]
fn the_seed_outputs_hold_no_junk_and_every_sentence() {
    // Checks what the binary writes, not only the expected files, so a cleaning
    // regression fails here even if the expected files were regenerated with it.
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let o = deboil()
        .args(["clean", "-q", "fixtures/seeds/input", "--out-dir"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = fixtures().join("seeds");
    let mut inputs = String::new();
    let mut n = 0;
    for e in fs::read_dir(dir.join("input/caucasuswatch.de")).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let input = fs::read_to_string(e.path()).unwrap();
        let got = fs::read_to_string(out_dir.join("caucasuswatch.de").join(&name)).unwrap();
        assert_no_junk_and_every_sentence(&name, &input, &got);
        let expected =
            fs::read_to_string(dir.join("expected/caucasuswatch.de").join(&name)).unwrap();
        assert_no_junk_and_every_sentence(&format!("expected {name}"), &input, &expected);
        inputs.push_str(&input);
        n += 1;
    }
    assert_eq!(n, 5);
    // The inputs do hold the junk and doubled credits, so the checks above can fail.
    for junk in [
        "Caucasus Watch\" sucht",
        "Wir verwenden Cookies",
        "Siehe auch",
        "date 2021-04",
    ] {
        assert!(inputs.contains(junk), "{junk}");
    }
    for credit in ["Bildquelle: aa.com.tr", "Photo: Kremlin.ru"] {
        assert!(inputs.matches(credit).count() > 1, "{credit}");
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
    assert!(err.contains("1 bad record skipped"), "{err}");
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
fn utf16_inputs_are_named_as_utf16() {
    // A Windows export in UTF-16 was refused as "FILE:1:1: invalid UTF-8"
    // (or "NUL byte"), naming neither the encoding nor the way out.
    let tmp = tempfile::tempdir().unwrap();
    let utf16 = |bom: bool, s: &str| -> Vec<u8> {
        let mut b: Vec<u8> = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        b.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        b
    };
    let hint = "looks like UTF-16: convert the file to UTF-8, e.g. `iconv -f UTF-16 -t UTF-8`";
    for (name, bytes, at) in [
        (
            "bom.jsonl",
            utf16(true, "{\"id\":\"a\",\"text\":\"Hallo Welt.\"}\n"),
            "bom.jsonl:1:1: invalid UTF-8 (",
        ),
        (
            "bom.txt",
            utf16(true, "Hallo Welt.\n"),
            "bom.txt:1:1: invalid UTF-8 (",
        ),
        (
            "le.txt",
            utf16(false, "Hallo Welt.\n"),
            "le.txt:1:2: NUL byte (",
        ),
    ] {
        fs::write(tmp.path().join(name), bytes).unwrap();
        let o = deboil()
            .current_dir(tmp.path())
            .args(["clean", name])
            .output()
            .unwrap();
        assert_fails_with(&o, &format!("{at}this {hint})"));
    }
    // Other bad bytes get no such hint.
    fs::write(tmp.path().join("latin1.txt"), b"caf\xe9 au lait\n").unwrap();
    let o = deboil()
        .current_dir(tmp.path())
        .args(["clean", "latin1.txt"])
        .output()
        .unwrap();
    assert_fails_with(&o, "latin1.txt:1:4: invalid UTF-8");
    assert!(!stderr(&o).contains("UTF-16"), "{}", stderr(&o));
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
fn diff_shows_changes_instead_of_the_documents_and_keeps_side_outputs() {
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
    // The diff replaces the cleaned documents, not the side outputs: what
    // `--explain` says is what the diff shows.
    let tmp = tempfile::tempdir().unwrap();
    let explain = tmp.path().join("why.jsonl");
    let o = deboil()
        .args(["clean", "-q", "--diff", "fixtures/seeds/input", "--explain"])
        .arg(&explain)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), d);
    let records = fs::read_to_string(&explain).unwrap();
    assert!(
        records.contains("\"rule\":\"caucasuswatch.see-also\""),
        "{records}"
    );
    let o = deboil()
        .args(["clean", "--diff", "fixtures/seeds/input", "-o"])
        .arg(tmp.path().join("out.jsonl"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
}

#[test]
fn diff_keeps_line_breaks_so_that_it_applies() {
    // CRLF lines keep their `\r`, and a last line without a break is
    // marked: `patch` and `git apply` take the diff as it is.
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("crlf.txt"),
        "Kept line.\r\nTeilen\r\nEnd.\r\n",
    )
    .unwrap();
    fs::write(tmp.path().join("end.txt"), "Kept line.\nTeilen").unwrap();
    let diff = |name: &str| {
        let o = deboil()
            .current_dir(tmp.path())
            .args(["clean", "-q", "--diff", name])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(
        diff("crlf.txt"),
        "--- a/crlf.txt\n+++ b/crlf.txt\n@@ -1,3 +1,2 @@\n Kept line.\r\n-Teilen\r\n End.\r\n"
    );
    assert_eq!(
        diff("end.txt"),
        "--- a/end.txt\n+++ b/end.txt\n@@ -1,2 +1,1 @@\n-Kept line.\n-Teilen\n\\ No newline at end of file\n+Kept line.\n\\ No newline at end of file\n"
    );
}

/// Applies `diff` in `d` with `git apply -p1`, as a user would, and
/// fails naming `what` when it does not apply.
fn git_apply(d: &std::path::Path, diff: &[u8], what: &str) {
    fs::write(d.join("p.diff"), diff).unwrap();
    let applied = std::process::Command::new("git")
        .current_dir(d)
        .args(["apply", "-p1", "p.diff"])
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "{what}: {}\n{}",
        String::from_utf8_lossy(&applied.stderr),
        String::from_utf8_lossy(diff)
    );
}

#[test]
fn diff_of_a_text_file_with_a_byte_order_mark_applies_and_keeps_the_mark() {
    // The mark is no part of the text, but the file's first line holds it:
    // a hunk at line 1 without it did not apply (`git apply`, `patch`).
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("a")).unwrap();
    let files = [
        (
            "a/top.txt",
            "\u{feff}Teilen\nKept line.\nEnd.\n",
            "\u{feff}Kept line.\nEnd.\n",
        ),
        (
            "a/second.txt",
            "\u{feff}Kept line.\nTeilen\nEnd.\n",
            "\u{feff}Kept line.\nEnd.\n",
        ),
        ("a/all.txt", "\u{feff}Teilen\n", ""),
    ];
    for (name, text, _) in files {
        fs::write(d.join(name), text).unwrap();
    }
    for (name, _, want) in files {
        let o = deboil()
            .current_dir(d)
            .args(["clean", "-q", "--diff", name])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        git_apply(d, &o.stdout, name);
        assert_eq!(fs::read_to_string(d.join(name)).unwrap(), want, "{name}");
    }
}

#[test]
fn diff_names_files_so_that_patch_and_git_apply_find_them() {
    // A name with a space was cut there by `patch`; one with a quote, a
    // backslash or a line break broke the header for both tools.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("Local News")).unwrap();
    let names = [
        "Local News/a b.txt",
        "Local News/q\"t\\u.txt",
        "Local News/n\nl.txt",
    ];
    for name in names {
        fs::write(d.join(name), "Kept line.\nTeilen\nEnd.\n").unwrap();
    }
    let o = deboil()
        .current_dir(d)
        .args(["clean", "-q", "--diff", "Local News"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("--- a/Local News/a b.txt\t\n+++ b/Local News/a b.txt\t\n"),
        "{}",
        stdout(&o)
    );
    git_apply(d, &o.stdout, "Local News");
    for name in names {
        assert_eq!(
            fs::read_to_string(d.join(name)).unwrap(),
            "Kept line.\nEnd.\n",
            "{name}"
        );
    }
}

#[test]
fn diff_of_an_absolute_path_or_one_with_dot_dot_applies() {
    // `a//abs/x.txt` and `a/../x.txt` headers were refused by `patch -p1`
    // and `git apply`: a file below the current directory is named from
    // it, any other from the root (as `git diff --no-index` names one).
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir_all(d.join("w/sub")).unwrap();
    fs::create_dir(d.join("o")).unwrap();
    let page = "Kept line.\nTeilen\nEnd.\n";
    for f in ["w/sub/abs.txt", "w/sub/up.txt", "o/out.txt"] {
        fs::write(d.join(f), page).unwrap();
    }
    let w = d.join("w");
    let diff = |names: &[&std::ffi::OsStr]| {
        let o = deboil()
            .current_dir(&w)
            .args(["clean", "-q", "--diff"])
            .args(names)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        o.stdout
    };
    let abs = w.join("sub/abs.txt");
    let below = diff(&[abs.as_os_str(), "../w/sub/up.txt".as_ref()]);
    let text = String::from_utf8_lossy(&below);
    assert!(
        text.starts_with("--- a/sub/abs.txt\n+++ b/sub/abs.txt\n"),
        "{text}"
    );
    assert!(text.contains("--- a/sub/up.txt\n"), "{text}");
    git_apply(&w, &below, "below");
    // Outside it: from the root, as `patch -p1 -d /` applies it.
    use std::io::Write;
    let outside = diff(&["../o/out.txt".as_ref()]);
    let mut patch = std::process::Command::new("patch")
        .args(["-p1", "-d", "/", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    patch.stdin.take().unwrap().write_all(&outside).unwrap();
    let applied = patch.wait_with_output().unwrap();
    assert!(
        applied.status.success(),
        "{}{}\n{}",
        String::from_utf8_lossy(&applied.stdout),
        String::from_utf8_lossy(&applied.stderr),
        String::from_utf8_lossy(&outside)
    );
    for f in ["w/sub/abs.txt", "w/sub/up.txt", "o/out.txt"] {
        assert_eq!(
            fs::read_to_string(d.join(f)).unwrap(),
            "Kept line.\nEnd.\n",
            "{f}"
        );
    }
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
        "[[rule]]\nid = \"mine.ad\"\nreason = \"ads\"\nequals = ['Gewinnspiel']\n",
    )
    .unwrap();
    let text = "Titel\n\nGewinnspiel\n\nFoto: dpa\nFoto: dpa\n\nSiehe auch:\n";
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
    assert_eq!(run(&[]), "Titel\n\nGewinnspiel\n\nFoto: dpa\n");
    assert_eq!(
        run(&["--enable", "de.photo-credit"]),
        "Titel\n\nGewinnspiel\n"
    );
    assert_eq!(
        run(&["--disable", "de.*"]),
        "Titel\n\nGewinnspiel\n\nFoto: dpa\n\nSiehe auch:\n"
    );
    assert_eq!(
        run(&["--no-default-rules", "--rules", r]),
        "Titel\n\nFoto: dpa\n\nSiehe auch:\n"
    );
    assert_eq!(
        run(&["--no-builtin", "repeated-line", "--rules", r]),
        "Titel\n\nFoto: dpa\nFoto: dpa\n"
    );
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

#[test]
fn an_outsized_batch_size_is_capped_and_loses_nothing() {
    // Each batch reads into a buffer of its size: a size past any memory
    // once crashed the reader, and the run wrote an empty output, exit 0.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("a.jsonl");
    let out = tmp.path().join("out.jsonl");
    fs::write(&input, "{\"id\":\"a\",\"text\":\"hello world\"}\n").unwrap();
    let plain = deboil().args(["clean", "-q"]).arg(&input).output().unwrap();
    for size in ["18446744073709551615", "64G"] {
        fs::write(&out, "previous").unwrap();
        let o = deboil()
            .args(["clean", "-q", "--batch-bytes", size])
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{size}: {}", stderr(&o));
        assert_eq!(fs::read(&out).unwrap(), plain.stdout, "{size}");
    }
}
