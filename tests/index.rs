//! Saved indexes (`--save-index`, `--against`): all or nothing, one writer at
//! a time, checksummed; the real binary throughout.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Proc, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Four distinct articles and, for a second run, a copy of the second under
/// another id and a fifth article.
fn docs() -> (String, String) {
    let s = seed_texts();
    let first = jsonl(&[
        ("a", s[1].clone()),
        ("b", s[2].clone()),
        ("c", s[3].clone()),
        ("d", s[0].clone()),
    ]);
    let second = jsonl(&[("b-copy", s[2].clone()), ("e", s[4].clone())]);
    (first, second)
}

fn run_dedup(flags: &[&str], dir: &Path, input: &str) -> Output {
    let mut c = deboil();
    c.args(["dedup", "-q"]);
    for f in flags {
        c.arg(f).arg(dir);
    }
    c.write_stdin(input.to_string()).output().unwrap()
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// The data files the manifest names.
fn data_files(dir: &Path) -> Vec<PathBuf> {
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
    ["ids", "exact", "signatures"]
        .iter()
        .map(|k| dir.join(m["files"][k]["name"].as_str().unwrap()))
        .collect()
}

/// Every file of the index, by name, with its bytes (the lock's holder aside).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != ".lock")
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

/// A saved index of the four first documents, in `tmp/idx`.
fn saved(tmp: &Path) -> PathBuf {
    let idx = tmp.join("idx");
    ok(run_dedup(&["--save-index"], &idx, &docs().0));
    idx
}

/// Starts a writer of `dir` that waits on its stdin, and returns once it
/// holds the index's lock (its pid is in the lock file).
fn holding_writer(flags: &[&str], dir: &Path) -> Child {
    let mut c = Proc::new(env!("CARGO_BIN_EXE_deboil"));
    c.args(["dedup", "-q"]);
    for f in flags {
        c.arg(f).arg(dir);
    }
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let want = format!("pid {}", child.id());
    let deadline = Instant::now() + Duration::from_secs(60);
    while fs::read_to_string(dir.join(".lock")).map_or(true, |s| s.trim() != want) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the writer ended first: {status}");
        }
        assert!(Instant::now() < deadline, "the writer never took the lock");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

#[test]
fn a_saved_index_drops_copies_of_what_it_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = saved(tmp.path());
    let files = data_files(&idx);
    let mut want: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .chain([".lock".to_string(), "index.json".to_string()])
        .collect();
    want.sort();
    assert_eq!(names(&idx), want);
    let out = ok(run_dedup(&["--against"], &idx, &docs().1));
    assert_eq!(ids(&out), ["e"]);
    // Saving the same documents again writes the same files (named by content).
    let before = snapshot(&idx);
    ok(run_dedup(&["--save-index"], &idx, &docs().0));
    assert_eq!(snapshot(&idx), before);
}

#[test]
fn a_changed_byte_in_any_data_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = saved(tmp.path());
    for (k, p) in data_files(&idx).iter().enumerate() {
        let good = fs::read(p).unwrap();
        let mut bad = good.clone();
        let at = bad.len() / 2 + k;
        bad[at] ^= 0x20;
        fs::write(p, &bad).unwrap();
        let o = run_dedup(&["--against"], &idx, &docs().1);
        let name = p.file_name().unwrap().to_string_lossy();
        assert_fails_with(
            &o,
            &format!(
                "index {} is damaged: {name} checksum mismatch",
                idx.display()
            ),
        );
        assert!(stdout(&o).is_empty());
        fs::write(p, &good).unwrap();
    }
    ok(run_dedup(&["--against"], &idx, &docs().1));
}

#[test]
fn a_truncated_data_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = saved(tmp.path());
    let p = &data_files(&idx)[2];
    let len = fs::metadata(p).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(p)
        .unwrap()
        .set_len(len - 4)
        .unwrap();
    let name = p.file_name().unwrap().to_string_lossy();
    assert_fails_with(
        &run_dedup(&["--against"], &idx, &docs().1),
        &format!(
            "is damaged: {name} is {} bytes, the manifest says {len}",
            len - 4
        ),
    );
}

#[test]
fn random_bytes_of_the_right_length_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = saved(tmp.path());
    // xorshift: random enough, and the same on every run.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for p in &data_files(&idx)[1..] {
        let len = fs::metadata(p).unwrap().len() as usize;
        let noise: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let good = fs::read(p).unwrap();
        fs::write(p, noise).unwrap();
        let name = p.file_name().unwrap().to_string_lossy();
        assert_fails_with(
            &run_dedup(&["--against"], &idx, &docs().1),
            &format!("is damaged: {name} checksum mismatch"),
        );
        fs::write(p, good).unwrap();
    }
}

#[test]
fn an_index_of_the_old_format_is_refused_with_a_request_to_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("old");
    fs::create_dir(&idx).unwrap();
    fs::write(
        idx.join("index.json"),
        r#"{"version": 2, "shingle": "word:5", "scheme": "oph", "num_perm": 128, "docs": 0}"#,
    )
    .unwrap();
    for f in ["ids.jsonl", "exact.bin", "signatures.bin"] {
        fs::write(idx.join(f), "").unwrap();
    }
    assert_fails_with(
        &run_dedup(&["--against"], &idx, &docs().1),
        "is in format 2, which carries no checksums and cannot be verified; rebuild it",
    );
    // Saving over it replaces it whole.
    ok(run_dedup(&["--save-index"], &idx, &docs().0));
    assert_eq!(names(&idx).len(), 5, "{:?}", names(&idx));
    assert_eq!(ids(&ok(run_dedup(&["--against"], &idx, &docs().1))), ["e"]);
}

#[test]
fn an_index_and_data_are_not_taken_for_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let idx = data.join("idx");
    ok(run_dedup(&["--save-index"], &idx, &docs().0));
    // The manifest says what it is.
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(idx.join("index.json")).unwrap()).unwrap();
    assert_eq!(
        (m["kind"].as_str(), m["version"].as_u64()),
        (Some("deboil dedup index"), Some(4))
    );
    let page = data.join("new.jsonl");
    fs::write(&page, &docs().1).unwrap();
    let text = tmp.path().join("new.txt");
    fs::write(&text, &seed_texts()[2]).unwrap();
    let manifest = idx.join("index.json");
    let ids_file = names(&idx)
        .into_iter()
        .find(|n| n.starts_with("ids."))
        .map(|n| idx.join(n))
        .unwrap();
    // An index's file where data is read: refused, naming the file and its
    // index (the manifest was read as malformed JSONL, or with --format
    // text as one more document, silently).
    for (file, format) in [
        (&manifest, "auto"),
        (&manifest, "text"),
        (&ids_file, "auto"),
    ] {
        let o = deboil()
            .args(["check", "--only", "duplicates", "--format", format])
            .arg(&text)
            .arg("--against")
            .arg(file)
            .output()
            .unwrap();
        assert_usage_error(
            &o,
            &format!(
                "{}: a file of the dedup index {}, not data; dedup, run and check compare with it through --against {}",
                file.display(),
                idx.display(),
                idx.display()
            ),
        );
    }
    let o = deboil().arg("clean").arg(&idx).output().unwrap();
    assert_usage_error(
        &o,
        &format!("{}: a saved dedup index, not data", idx.display()),
    );
    // Data, or an index's file, where an index is read: refused as what it is.
    let against = |what: &Path| {
        deboil()
            .args(["run", "-q", "--against"])
            .arg(what)
            .arg(&page)
            .output()
            .unwrap()
    };
    assert_fails_with(
        &against(&page),
        &format!(
            "{}: not a dedup index but a file; an index is the directory --save-index wrote",
            page.display()
        ),
    );
    assert_fails_with(
        &against(&manifest),
        &format!(
            "{}: a file of the dedup index {}, not the index; give its directory: {}",
            manifest.display(),
            idx.display(),
            idx.display()
        ),
    );
    // A folder walked for data leaves out an index kept in it, saying so;
    // the index itself works as before.
    let o = deboil().arg("clean").arg(&data).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(ids(&stdout(&o)), ["b-copy", "e"]);
    assert!(
        stderr(&o).contains(&format!(
            "warning: {} not read: a saved dedup index, not data",
            idx.display()
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(ids(&ok(against(&idx))), ["e"]);
}

#[test]
fn a_second_writer_fails_at_once_and_the_first_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("idx");
    let mut first = holding_writer(&["--save-index"], &idx);
    let o = run_dedup(&["--save-index"], &idx, &docs().1);
    assert_fails_with(
        &o,
        &format!(
            "index {} is being written by another deboil run (pid {}); wait for it to finish",
            idx.display(),
            first.id()
        ),
    );
    // Nor may it grow the index in place.
    let o = run_dedup(&["--against", "--save-index"], &idx, &docs().1);
    assert_fails_with(&o, "is being written by another deboil run");
    let mut stdin = first.stdin.take().unwrap();
    stdin.write_all(docs().0.as_bytes()).unwrap();
    drop(stdin);
    let o = first.wait_with_output().unwrap();
    assert_eq!(ids(&ok(o)), ["a", "b", "c", "d"]);
    // The index is the first writer's, whole.
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(idx.join("index.json")).unwrap()).unwrap();
    assert_eq!(m["docs"], 4);
    assert_eq!(ids(&ok(run_dedup(&["--against"], &idx, &docs().1))), ["e"]);
}

#[test]
fn a_killed_writer_leaves_the_index_as_it_was_and_unlocked() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = saved(tmp.path());
    let before = snapshot(&idx);
    let mut w = holding_writer(&["--against", "--save-index"], &idx);
    w.kill().unwrap();
    w.wait().unwrap();
    assert_eq!(snapshot(&idx), before);
    // The OS released the lock with the process.
    let out = ok(run_dedup(&["--against", "--save-index"], &idx, &docs().1));
    assert_eq!(ids(&out), ["e"]);
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(idx.join("index.json")).unwrap()).unwrap();
    assert_eq!(m["docs"], 5);
}

#[test]
fn a_save_that_fails_midway_leaves_the_old_index_loadable() {
    let tmp = tempfile::tempdir().unwrap();
    // The same two runs elsewhere give the names the grown index's files get.
    let twin = tmp.path().join("twin");
    ok(run_dedup(&["--save-index"], &twin, &docs().0));
    ok(run_dedup(&["--against", "--save-index"], &twin, &docs().1));
    let grown = data_files(&twin);
    let idx = saved(tmp.path());
    let before = snapshot(&idx);
    // A non-empty folder where the new signatures file goes: renaming it
    // into place fails after the ids and exact hashes were renamed.
    let blocker = idx.join(grown[2].file_name().unwrap());
    fs::create_dir(&blocker).unwrap();
    fs::write(blocker.join("x"), "").unwrap();
    let out = tmp.path().join("out.jsonl");
    let o = deboil()
        .args(["dedup", "-q", "--against"])
        .arg(&idx)
        .arg("--save-index")
        .arg(&idx)
        .arg("-o")
        .arg(&out)
        .write_stdin(docs().1)
        .output()
        .unwrap();
    assert_fails_with(&o, "saving the index");
    // The old index is in place and loads: the copy of b is still dropped,
    // and e (not in the old index) is kept.
    fs::remove_dir_all(&blocker).unwrap();
    let left = snapshot(&idx);
    for (name, bytes) in &before {
        assert!(
            left.contains(&(name.clone(), bytes.clone())),
            "{name} changed"
        );
    }
    assert_eq!(ids(&ok(run_dedup(&["--against"], &idx, &docs().1))), ["e"]);
    // The next save succeeds and leaves nothing stray.
    ok(run_dedup(&["--against", "--save-index"], &idx, &docs().1));
    assert_eq!(snapshot(&idx), snapshot(&twin));
}

#[test]
fn a_folder_holding_other_files_is_not_made_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let o = run_dedup(&["--save-index"], tmp.path(), &docs().0);
    assert_fails_with(&o, "not a deboil index (it holds \"notes.txt\")");
    assert_eq!(names(tmp.path()), ["notes.txt"]);
}

#[test]
fn an_index_inside_an_input_directory_is_refused_unless_hidden() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    fs::write(data.join("a.jsonl"), docs().0).unwrap();
    let run = |args: &[&str]| {
        deboil()
            .current_dir(tmp.path())
            .args(["run", "-q", "-o", "/dev/null"])
            .args(args)
            .output()
            .unwrap()
    };
    // Later runs over data/ would read the index's files as documents.
    for idx in ["data/idx", "./data/new/idx", "data"] {
        let o = run(&["data", "--save-index", idx]);
        assert_fails_with(&o, "lies inside the input directory data");
        assert_eq!(names(&data), ["a.jsonl"], "{idx}");
    }
    // A hidden one is skipped by the walk, and one outside is fine.
    for idx in ["data/.idx", "idx"] {
        ok(run(&["data", "--save-index", idx]));
        ok(run(&["data", "--against", idx]));
    }
    assert_eq!(names(&data), [".idx", "a.jsonl"]);
}

#[test]
fn an_against_index_that_is_not_there_is_named_with_its_flag() {
    // It was "nodir/: no such index directory", without the flag, where
    // check names it ("--against nodir/: ...").
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("x.jsonl"), docs().0).unwrap();
    fs::write(tmp.path().join("page.jsonl"), docs().1).unwrap();
    for cmd in ["dedup", "run"] {
        for (against, what) in [
            ("nodir/", "no such index directory"),
            ("page.jsonl", "not a dedup index but a file"),
        ] {
            let o = deboil()
                .current_dir(tmp.path())
                .args([cmd, "-q", "x.jsonl", "--against", against])
                .output()
                .unwrap();
            assert_fails_with(&o, &format!("error: --against {against}: {what}"));
        }
    }
}

#[test]
fn new_documents_with_an_indexed_documents_id_are_warned_of() {
    // The syndicated fixture repeats the seeds' ids: against an index of
    // the seeds, each cluster listed one id twice (the indexed document and
    // its new copy) and nothing said so, though a repeat among the new
    // documents is warned of.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::copy(fixtures().join("seeds.jsonl"), d.join("seeds.jsonl")).unwrap();
    fs::copy(
        fixtures().join("syndicated.jsonl"),
        d.join("syndicated.jsonl"),
    )
    .unwrap();
    let dedup = |args: &str| {
        let mut c = deboil();
        c.current_dir(d).args(args.split(' '));
        c.output().unwrap()
    };
    let o = dedup("dedup -q seeds.jsonl --save-index idx -o seeds.out.jsonl");
    assert_eq!(stderr(&o), "");
    for cmd in ["dedup", "run"] {
        let o = dedup(&format!(
            "{cmd} -q syndicated.jsonl --against idx --clusters c.jsonl -o out.jsonl"
        ));
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            stderr(&o),
            "deboil: warning: 5 documents repeat an earlier document's id (first: \
             \"000_d232dd632115a20c\" in the index idx and syndicated.jsonl:1); \
             clusters and dup_of name documents by id\n",
            "{cmd}"
        );
    }
    // Its documents with ids of their own: no warning.
    let syndicated = fs::read_to_string(d.join("syndicated.jsonl")).unwrap();
    let own: Vec<&str> = syndicated
        .lines()
        .filter(|l| !l.contains("\"id\": \"00"))
        .collect();
    assert_eq!(own.len(), 3);
    fs::write(d.join("own.jsonl"), own.join("\n")).unwrap();
    let o = dedup("dedup -q own.jsonl --against idx -o out.jsonl");
    assert!(
        o.status.success() && stderr(&o).is_empty(),
        "{}",
        stderr(&o)
    );
}

#[test]
fn saving_over_an_index_without_reading_it_is_warned_of() {
    // `--save-index DIR` alone replaces what DIR held (four documents here)
    // with this run's two: a user adding a batch lost everything indexed
    // before without a word. Warned of even with -q; not when the run reads
    // the index it grows, nor for a new directory.
    let tmp = tempfile::tempdir().unwrap();
    let first = run_dedup(&["--save-index"], &tmp.path().join("idx"), &docs().0);
    assert!(stderr(&first).is_empty(), "{}", stderr(&first));
    let idx = tmp.path().join("idx");
    let o = run_dedup(&["--save-index"], &idx, &docs().1);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "warning: --save-index {0} replaces the index there (4 documents) with this run's; \
             to add to it, give --against {0} as well",
            idx.display()
        )),
        "{err}"
    );
    let manifest = |dir: &Path| -> serde_json::Value {
        serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap()
    };
    assert_eq!(manifest(&idx)["docs"], 2);
    let idx = saved(&tmp.path().join("again"));
    let o = run_dedup(&["--against", "--save-index"], &idx, &docs().1);
    assert!(
        o.status.success() && !stderr(&o).contains("replaces"),
        "{}",
        stderr(&o)
    );
    assert_eq!(manifest(&idx)["docs"], 5);
}
