//! What a new user meets first: exit codes (usage errors apart from failed
//! runs), empty stdin in a pipeline, messages for the JSON files most often
//! mistaken for JSONL, no directories left by a failed run, and the README's
//! sample output and flags, checked against the binary (on the fixtures).

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{deboil, fixtures, stderr, stdout};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    deboil().current_dir(dir).args(args).output().unwrap()
}

fn assert_code(o: &Output, code: i32, msg: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", stderr(o));
    assert!(stderr(o).contains(msg), "want {msg:?} in {}", stderr(o));
}

#[test]
fn usage_errors_exit_64_and_failed_runs_2() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::copy(fixtures().join("seeds.jsonl"), d.join("a.jsonl")).unwrap();
    // Found by the parser.
    assert_code(
        &run_in(d, &["clean", "--bogus", "a.jsonl"]),
        64,
        "unexpected argument",
    );
    assert_code(&run_in(d, &[]), 64, "Usage");
    assert_code(
        &run_in(d, &["clean", "-j", "0", "a.jsonl"]),
        64,
        "at least 1",
    );
    assert_code(
        &run_in(d, &["dedup", "--threshold", "2", "a.jsonl"]),
        64,
        "--threshold",
    );
    assert_code(
        &run_in(d, &["clean", "--text-field", "", "a.jsonl"]),
        64,
        "a field name must not be empty",
    );
    assert_code(
        &run_in(
            d,
            &["clean", "--learn", "--learn-min-pages", "1", "a.jsonl"],
        ),
        64,
        "`1` is not a whole number of 2 or more",
    );
    // Settings that contradict each other or would be ignored.
    assert_code(
        &run_in(d, &["dedup", "--bands", "4", "--rows", "64", "a.jsonl"]),
        64,
        "exceeds --num-perm",
    );
    assert_code(
        &run_in(d, &["dedup", "--bands", "0", "--rows", "5", "a.jsonl"]),
        64,
        "--bands 0 x --rows 5: both must be at least 1",
    );
    assert_code(
        &run_in(d, &["dedup", "--min-jaccard", "0.4", "a.jsonl"]),
        64,
        "--min-jaccard applies to --similarity containment only",
    );
    let with_containment = run_in(
        d,
        &[
            "dedup",
            "--similarity",
            "containment",
            "--min-jaccard",
            "0.4",
            "a.jsonl",
        ],
    );
    assert_eq!(with_containment.status.code(), Some(0));
    let run_default = run_in(d, &["run", "--min-jaccard", "0.4", "a.jsonl"]);
    assert_eq!(run_default.status.code(), Some(0));
    // Found once parsed: still the command line's fault.
    assert_code(
        &run_in(d, &["report", "a.jsonl", "-o", "r.txt"]),
        64,
        "name a .json, .md or .html file",
    );
    assert_code(
        &run_in(d, &["clean", "a.jsonl", "--report", "r.txt"]),
        64,
        "--report r.txt",
    );
    let o = deboil()
        .current_dir(d)
        .args(["check", "--fix"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_code(&o, 64, "stdin is none");
    assert_code(
        &run_in(
            d,
            &["check", "a.jsonl", "--only", "junk", "--against", "a.jsonl"],
        ),
        64,
        "--only junk",
    );
    // --fix repairs junk only: with duplicates alone it would fix nothing
    // and say nothing of it.
    let before = fs::read(d.join("a.jsonl")).unwrap();
    assert_code(
        &run_in(d, &["check", "a.jsonl", "--only", "duplicates", "--fix"]),
        64,
        "--fix repairs junk, which --only duplicates leaves out",
    );
    assert_eq!(fs::read(d.join("a.jsonl")).unwrap(), before);
    // A learning threshold without --learn would be ignored.
    assert_code(
        &run_in(d, &["clean", "a.jsonl", "--learn-min-pages", "3"]),
        64,
        "--learn-min-pages applies with --learn only",
    );
    let o = run_in(
        d,
        &[
            "clean",
            "-q",
            "a.jsonl",
            "--learn",
            "--learn-min-pages",
            "3",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // An id short: the file is not taken for an id, nor stdin read.
    assert_code(
        &run_in(d, &["why", "000_d232dd632115a20c", "a.jsonl"]),
        64,
        "`a.jsonl` is a file, not a document id",
    );
    // Failed runs.
    assert_code(&run_in(d, &["clean", "nope.jsonl"]), 2, "nope.jsonl");
    assert_code(
        &run_in(d, &["clean", "a.jsonl", "-o", "a.jsonl"]),
        2,
        "is an input file",
    );
    fs::write(d.join("x.txt"), "Hello there.\n").unwrap();
    assert_code(
        &run_in(d, &["clean", "x.txt", "--out-dir", "."]),
        2,
        "--out-dir's output ./x.txt is an input file",
    );
    // Help and version are no errors.
    for args in [&["--help"][..], &["clean", "--help"], &["--version"]] {
        let o = run_in(d, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stdout(&o).is_empty());
    }
    // The input is as it was.
    assert_eq!(
        fs::read(d.join("a.jsonl")).unwrap(),
        fs::read(fixtures().join("seeds.jsonl")).unwrap()
    );
}

#[test]
fn empty_stdin_is_no_documents() {
    // `grep x data.jsonl | deboil clean` when grep finds nothing.
    for args in [
        &["clean"][..],
        &["clean", "-"],
        &["dedup"],
        &["run", "--learn"],
    ] {
        let o = deboil().args(args).write_stdin("").output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}");
        assert!(stderr(&o).contains(" 0 documents"), "{}", stderr(&o));
    }
    // Text on stdin is still one document.
    let o = deboil()
        .args(["clean", "-q"])
        .write_stdin("Hello there.\n")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&o),
        "{\"id\":\"<stdin>\",\"site\":\"\",\"text\":\"Hello there.\\n\"}\n"
    );
}

#[test]
fn json_files_that_are_not_jsonl_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("arr.json"), "[{\"id\": \"a\", \"text\": \"hi\"}]\n").unwrap();
    fs::write(
        d.join("pretty.json"),
        "{\n  \"id\": \"a\",\n  \"text\": \"hi\"\n}\n",
    )
    .unwrap();
    assert_code(
        &run_in(d, &["clean", "arr.json"]),
        2,
        "arr.json:1: malformed JSON: invalid type: sequence, expected a JSON object (JSONL holds one JSON object a line, not an array)",
    );
    assert_code(
        &run_in(d, &["clean", "pretty.json"]),
        2,
        "pretty.json:1:1: malformed JSON: EOF while parsing an object (JSONL holds one JSON object on each line)",
    );
    // A text that is a string, but one that does not decode.
    fs::write(d.join("s.jsonl"), "{\"id\":\"a\",\"text\":\"a\\ud800b\"}\n").unwrap();
    assert_code(
        &run_in(d, &["clean", "s.jsonl"]),
        2,
        "s.jsonl:1: text field `text` is not a valid string: `\\ud800` is half of a UTF-16 surrogate pair, with no other half",
    );
    // A lone low half, after an escaped backslash that is no escape.
    fs::write(
        d.join("s.jsonl"),
        "{\"id\":\"a\",\"text\":\"a\\\\ud800 \\udc01\"}\n",
    )
    .unwrap();
    assert_code(
        &run_in(d, &["clean", "s.jsonl"]),
        2,
        "`\\udc01` is half of a UTF-16 surrogate pair",
    );
    fs::write(d.join("n.jsonl"), "{\"id\":\"a\",\"text\":5}\n").unwrap();
    assert_code(
        &run_in(d, &["clean", "n.jsonl"]),
        2,
        "n.jsonl:1: text field `text` is not a string",
    );
}

#[test]
fn a_failed_run_leaves_no_directories_it_made() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(
        d.join("bad.jsonl"),
        "{\"id\":\"a\",\"text\":\"hi\"}\n{\"id\":\n",
    )
    .unwrap();
    let o = run_in(d, &["clean", "bad.jsonl", "-o", "new/sub/out.jsonl"]);
    assert_code(&o, 2, "bad.jsonl:2");
    assert!(!d.join("new").exists());
    let o = run_in(d, &["clean", "bad.jsonl", "--out-dir", "mirror/sub"]);
    assert_code(&o, 2, "bad.jsonl:2");
    assert!(!d.join("mirror").exists());
    // A directory that was there stays, and a run that succeeds makes them.
    fs::create_dir(d.join("old")).unwrap();
    let o = run_in(d, &["clean", "bad.jsonl", "-o", "old/new/out.jsonl"]);
    assert_code(&o, 2, "bad.jsonl:2");
    assert!(d.join("old").is_dir() && !d.join("old/new").exists());
    let o = run_in(
        d,
        &[
            "clean",
            "bad.jsonl",
            "--skip-bad",
            "-o",
            "old/new/out.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(d.join("old/new/out.jsonl").is_file());
}

/// The README's indented sample lines for `deboil check`, each found in the
/// output of a check of the file they name.
#[test]
fn the_readmes_check_sample_is_what_check_prints() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let sample: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with("fixtures/syndicated.jsonl:") || l.starts_with("deboil check: "))
        .collect();
    assert!(sample.len() >= 4, "{sample:?}");
    let o = deboil()
        .args(["check", "fixtures/syndicated.jsonl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let printed = stdout(&o) + &stderr(&o);
    for line in sample {
        assert!(
            printed.lines().any(|p| p == line),
            "README line {line:?} not in:\n{printed}"
        );
    }
}

/// The README's sample summary line is what cleaning the seed articles says.
#[test]
fn the_readmes_summary_sample_is_what_clean_prints() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let sample = readme
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .find(|l| l.starts_with("deboil clean: "))
        .expect("a sample summary");
    let tmp = tempfile::tempdir().unwrap();
    let o = deboil()
        .args(["clean", "fixtures/seeds/input", "--out-dir"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim_end(), sample);
}

/// `deboil clean --diff big.jsonl | head -1`: a closed pipe ends every
/// command quietly with 0 (`check` and `rules test` with their verdict, see
/// `a_closed_pipe_cuts_the_listing_not_the_verdict`), not only the ones
/// that write through the library.
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("big.jsonl");
    // Past the pipe's buffer, so that the write meets the closed pipe.
    let docs: String = (0..2000)
        .map(|i| {
            serde_json::json!({"id": i.to_string(), "site": "a.org", "text": format!("Teilen\nStory {i} of the day.\n")})
                .to_string()
                + "\n"
        })
        .collect();
    fs::write(&p, docs).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("deboil");
    let f = fixtures().join("syndicated.jsonl");
    for cmd in ["clean -q --diff", "run -q"] {
        let o = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; '{}' {cmd} '{}' | head -c1 >/dev/null",
                bin.display(),
                p.display()
            ))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{cmd}: {err}");
        assert!(!err.contains("error"), "{cmd}: {err}");
    }
    // The learned rules on stdout, past the pipe's buffer: many sites, each
    // with lines of its own on every page.
    let sites: String = (0..1000)
        .flat_map(|s| {
            (0..5).map(move |p| {
                let text = format!(
                    "Welcome to the site number {s} of our network\nRead more stories from site {s} in the archive\nArticle {p} of site {s}: a paragraph of many words that appears once.\n"
                );
                serde_json::json!({"id": format!("{s}-{p}"), "site": format!("site{s}.org"), "text": text})
                    .to_string()
                    + "\n"
            })
        })
        .collect();
    let many = tmp.path().join("sites.jsonl");
    fs::write(&many, sites).unwrap();
    for cmd in [
        "clean -q --learn --save-learned - -o /dev/null",
        "run -q --learn --save-learned - -o /dev/null",
    ] {
        let o = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; '{}' {cmd} '{}' | head -c1 >/dev/null",
                bin.display(),
                many.display()
            ))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{cmd}: {err}");
        assert!(!err.contains("error"), "{cmd}: {err}");
    }
    // Help too, while a full disk is an error.
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' clean --help | head -c1 >/dev/null",
            bin.display()
        ))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    if Path::new("/dev/full").exists() {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = std::process::Command::new(&bin)
            .arg("--help")
            .stdout(full)
            .output()
            .unwrap();
        assert_code(&o, 2, "writing output: ");
        for args in [&["check", "-q"][..], &["rules", "list"]] {
            let full = fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            let o = std::process::Command::new(&bin)
                .args(args)
                .args(args[0].eq("check").then_some(&f))
                .stdout(full)
                .output()
                .unwrap();
            assert_code(&o, 2, "deboil: error: writing output: stdout: ");
        }
    }
}

/// `deboil check data/ | head` (a CI log kept short) and `rules test |
/// head`: the closed pipe cuts the listing, not the verdict. Both exited 0,
/// so CI passed on data with junk and on rules whose examples failed, and
/// `check --fix` exited 0 having rewritten the file; they now exit 1,
/// quietly, as they do when the listing is read whole.
#[test]
fn a_closed_pipe_cuts_the_listing_not_the_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Junk in every document, past the pipe's buffer once listed.
    let docs: String = (0..2000)
        .map(|i| {
            serde_json::json!({"id": i.to_string(), "site": "a.org", "text": format!("Teilen\nStory {i} of the day.\n")})
                .to_string()
                + "\n"
        })
        .collect();
    fs::write(d.join("big.jsonl"), &docs).unwrap();
    fs::write(d.join("fix.jsonl"), &docs).unwrap();
    // Rules whose examples all fail, past the pipe's buffer once reported.
    let rules: String = (0..2000)
        .map(|i| {
            format!(
                "[[rule]]\nid = \"x.r{i}\"\nreason = \"r\"\ncontains = [\"zzz\"]\n\n\
                 [[rule.example]]\ninput = \"a\\nzzz\\n\"\noutput = \"a\\nzzz\\n\"\n\n"
            )
        })
        .collect();
    fs::write(d.join("failing.toml"), rules).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("deboil");
    for cmd in [
        "check big.jsonl",
        "check --output-format json big.jsonl",
        "check -q --only junk --fix fix.jsonl",
        "rules test failing.toml",
    ] {
        let o = std::process::Command::new("bash")
            .current_dir(d)
            .arg("-c")
            .arg(format!(
                "set -o pipefail; '{}' {cmd} | head -c1 >/dev/null",
                bin.display()
            ))
            .output()
            .unwrap();
        assert_code(&o, 1, "");
        assert!(!stderr(&o).contains("error"), "{cmd}: {}", stderr(&o));
    }
    // --fix did its work all the same.
    assert!(
        !fs::read_to_string(d.join("fix.jsonl"))
            .unwrap()
            .contains("Teilen")
    );
}

/// `deboil run dump -o out.jsonl --clusters - | head`: the closed pipe stops
/// the run, and its files are never written (a run cut short writes none).
/// That ended quietly with 0, so a script saw success and no out.jsonl; it
/// now exits 2 naming what was not written. Outputs written in place
/// (`-o /dev/null`) lose nothing, and a run with stdout its only output
/// still ends quietly.
#[test]
fn a_closed_pipe_that_leaves_files_unwritten_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Each story twice (a cluster each), past the pipe's buffer on stdout;
    // stories of words of their own, so that they are no copies of another.
    let docs: String = (0..3000u64)
        .flat_map(|i| {
            let words: Vec<String> = (0..12u64)
                .map(|k| format!("w{}", (i * 7919 + k * 104_729) % 100_003))
                .collect();
            let text = format!("Teilen\nStory {i}: {}.\n", words.join(" "));
            ["a", "b"].map(move |copy| {
                serde_json::json!({"id": format!("{i}{copy}"), "site": "a.org", "text": text})
                    .to_string()
                    + "\n"
            })
        })
        .collect();
    fs::write(d.join("big.jsonl"), docs).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("deboil");
    let piped = |cmd: &str| {
        std::process::Command::new("bash")
            .current_dir(d)
            .arg("-c")
            .arg(format!(
                "set -o pipefail; '{}' {cmd} | head -c1 >/dev/null",
                bin.display()
            ))
            .output()
            .unwrap()
    };
    for (cmd, lost) in [
        (
            "run -q big.jsonl -o out/unique.jsonl --clusters -",
            "so -o out/unique.jsonl was not written",
        ),
        (
            "dedup -q big.jsonl --save-index idx --clusters clusters.jsonl",
            "so --clusters clusters.jsonl, --save-index idx were not written",
        ),
        (
            "clean -q big.jsonl --diff --report report.json",
            "so --report report.json was not written",
        ),
    ] {
        let o = piped(cmd);
        assert_code(&o, 2, "Broken pipe");
        assert_code(&o, 2, lost);
        // Nothing of them is left: no file, no temp file, no directory.
        let left: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["big.jsonl"], "{cmd}");
    }
    for cmd in [
        "run -q big.jsonl --clusters - -o /dev/null",
        "clean -q big.jsonl",
    ] {
        let o = piped(cmd);
        assert_code(&o, 0, "");
        assert!(!stderr(&o).contains("error"), "{cmd}: {}", stderr(&o));
    }
}

/// `deboil run -v dump -o out.jsonl 2>&1 | head`: stderr closed while the
/// run goes on. Its next message (a progress line, the summary) panicked,
/// exit 101, before or after the outputs were written; messages that
/// cannot be shown are now dropped and the run ends as it would.
#[test]
fn a_closed_stderr_does_not_stop_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let docs: String = (0..3000u64)
        .map(|i| {
            let words: Vec<String> = (0..40u64)
                .map(|k| format!("w{}", (i * 7919 + k * 104_729) % 100_003))
                .collect();
            let text = format!("Teilen\nStory {i}: {}.\n", words.join(" "));
            serde_json::json!({"id": i.to_string(), "site": "a.org", "text": text}).to_string()
                + "\n"
        })
        .collect();
    fs::write(d.join("big.jsonl"), docs).unwrap();
    let want = run_in(d, &["run", "-q", "big.jsonl"]);
    assert!(want.status.success(), "{}", stderr(&want));
    let bin = assert_cmd::cargo::cargo_bin("deboil");
    for (cmd, out) in [
        ("run -v big.jsonl -o out.jsonl", "out.jsonl"),
        (
            "run big.jsonl --report report.json -o unique.jsonl",
            "unique.jsonl",
        ),
    ] {
        let o = std::process::Command::new("bash")
            .current_dir(d)
            .arg("-c")
            .arg(format!(
                "set -o pipefail; '{}' {cmd} 2>&1 >/dev/null | head -c1 >/dev/null",
                bin.display()
            ))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", stderr(&o));
        assert_eq!(fs::read(d.join(out)).unwrap(), want.stdout, "{cmd}");
    }
}

/// `deboil clean <(zcat x.jsonl.gz)`: a pipe named by the shell is sniffed
/// as stdin is (JSONL, not one text), and a command that would read it twice
/// refuses it instead of finding it empty the second time (`clean --learn`
/// wrote nothing, `check` found no copies).
#[test]
fn pipes_named_by_the_shell_are_sniffed_and_never_read_twice() {
    let bin = assert_cmd::cargo::cargo_bin("deboil");
    let f = fixtures().join("syndicated.jsonl");
    let sh = |cmd: &str| {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "'{}' {cmd} <(cat '{}')",
                bin.display(),
                f.display()
            ))
            .output()
            .unwrap()
    };
    let o = sh("clean -q");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 8, "{}", stdout(&o));
    for cmd in ["clean --learn", "run --learn", "check", "learn"] {
        let o = sh(cmd);
        assert_code(&o, 2, "is a pipe or a device, not a file");
        assert_eq!(stdout(&o), "", "{cmd}");
    }
    // Stdin itself is spooled: read twice, whole.
    let o = deboil()
        .args(["clean", "-q", "--learn"])
        .write_stdin(fs::read(&f).unwrap())
        .output()
        .unwrap();
    assert_eq!(stdout(&o).lines().count(), 8, "{}", stderr(&o));
}

/// A directory with nothing to read is named in a warning, not reported as
/// 0 documents read as if all were well.
#[test]
fn an_input_directory_with_no_files_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("data")).unwrap();
    fs::write(tmp.path().join("data/.hidden.jsonl"), "{\"text\": \"x\"}\n").unwrap();
    let o = run_in(tmp.path(), &["clean", "data"]);
    assert_code(&o, 0, "deboil: warning: no input files in data");
    assert_eq!(stdout(&o), "");
    let o = run_in(tmp.path(), &["clean", "-q", "data"]);
    assert_eq!(stderr(&o), "");
}

/// The long flags a command's `--help` lists.
fn help_flags(cmd: &[&str]) -> Vec<String> {
    let o = deboil().args(cmd).arg("--help").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut flags = Vec::new();
    for line in stdout(&o).lines() {
        // Option lines: `  -j, --threads <N>` or `      --rules <PATH>`.
        let t = line.trim_start();
        let t = t
            .strip_prefix('-')
            .and_then(|r| r.split_once(", "))
            .map_or(t, |(_, r)| r);
        if let Some(rest) = t.strip_prefix("--") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if !name.is_empty() && line.starts_with("  ") {
                flags.push(format!("--{name}"));
            }
        }
    }
    flags
}

/// Every flag the README names in code (`--flag ...`) is one the binary
/// takes, and every flag of every command's `--help` is in the README, so
/// that neither drifts from the other unseen.
#[test]
fn the_readmes_flags_are_the_binarys() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let commands: &[&[&str]] = &[
        &["clean"],
        &["dedup"],
        &["run"],
        &["learn"],
        &["why"],
        &["report"],
        &["check"],
    ];
    let mut all: Vec<String> = commands.iter().flat_map(|c| help_flags(c)).collect();
    all.sort();
    all.dedup();
    assert!(all.len() > 40, "{all:?}");
    // Flags of other programs the README quotes (bench scripts, run_tests.sh).
    let others = ["--docs", "--release"];
    let mut named: Vec<String> = readme
        .split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|code| {
            let name: String = code
                .strip_prefix("--")?
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            (!name.is_empty()).then(|| format!("--{name}"))
        })
        .filter(|f| !others.contains(&f.as_str()))
        .collect();
    named.sort();
    named.dedup();
    assert!(named.len() > 30, "{named:?}");
    let unknown: Vec<&String> = named.iter().filter(|f| !all.contains(f)).collect();
    assert!(
        unknown.is_empty(),
        "README names flags no command takes: {unknown:?}"
    );
    // -h, -V, -j, -q, -v and -o are written short in the README.
    let short = [
        "--help",
        "--version",
        "--threads",
        "--quiet",
        "--verbose",
        "--output",
    ];
    let undocumented: Vec<&String> = all
        .iter()
        .filter(|f| !short.contains(&f.as_str()))
        .filter(|f| {
            !readme.match_indices(f.as_str()).any(|(i, _)| {
                // A whole flag, not the start of a longer one.
                let next = readme[i + f.len()..].chars().next();
                !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "flags the README never names: {undocumented:?}"
    );
}
