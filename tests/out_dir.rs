//! `--out-dir`: one output per input, whatever the input held.

mod common;

use std::fs;

use common::*;

/// An input with no document to write (an empty JSONL file, one whose
/// records were all skipped with `--skip-bad`) still gets its mirrored file,
/// empty, so the tree holds one file per input and a missing file means a
/// failed run; a failure keeps the empty files of the inputs before it.
#[test]
fn every_input_gets_its_mirrored_file_even_with_nothing_left() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir_all(d.join("in/sub")).unwrap();
    fs::write(d.join("in/a.jsonl"), "not json\n{\"id\":\n").unwrap();
    fs::write(d.join("in/b.jsonl"), "").unwrap();
    fs::write(d.join("in/c.jsonl"), "{\"id\":\"1\",\"text\":\"one\"}\n").unwrap();
    fs::write(d.join("in/sub/d.jsonl.gz"), gzip(b"{\"id\":2}\n")).unwrap();
    fs::write(d.join("in/z.jsonl"), "").unwrap();
    for j in ["-j1", "-j2"] {
        let out = d.join(format!("out{j}"));
        let o = deboil()
            .current_dir(d)
            .args(["clean", "in", "--skip-bad", "--out-dir"])
            .arg(&out)
            .arg(j)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("3 bad records skipped"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            names(&out),
            ["a.jsonl", "b.jsonl", "c.jsonl", "sub", "z.jsonl"]
        );
        assert_eq!(fs::read(out.join("a.jsonl")).unwrap(), b"");
        assert_eq!(fs::read(out.join("b.jsonl")).unwrap(), b"");
        assert_eq!(fs::read(out.join("z.jsonl")).unwrap(), b"");
        assert_eq!(
            fs::read_to_string(out.join("c.jsonl")).unwrap(),
            "{\"id\":\"1\",\"text\":\"one\"}\n"
        );
        // Compressed like its input: an empty gzip stream, not zero bytes.
        let gz = fs::read(out.join("sub/d.jsonl.gz")).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text)
            .unwrap();
        assert_eq!(text, "");
    }
    // Without --skip-bad the run stops at a.jsonl: nothing is written.
    let o = deboil()
        .current_dir(d)
        .args(["clean", "in", "--out-dir", "failed"])
        .output()
        .unwrap();
    assert_fails_with(&o, "in/a.jsonl:1");
    assert!(!d.join("failed").exists());
    // A failure in c.jsonl keeps the (empty) files of a and b.
    fs::write(d.join("in/a.jsonl"), "").unwrap();
    fs::write(
        d.join("in/c.jsonl"),
        "{\"id\":\"3\",\"text\":\"ok\"}\n{\"id\":\"4\",\"text\":7}\n",
    )
    .unwrap();
    let o = deboil()
        .current_dir(d)
        .args(["clean", "in", "--out-dir", "failed2", "-j1"])
        .output()
        .unwrap();
    assert_fails_with(&o, "in/c.jsonl:2");
    assert_eq!(names(&d.join("failed2")), ["a.jsonl", "b.jsonl"]);
}

/// An `--out-dir` inside an input directory was refused only once it
/// existed: the first run wrote its files into the input tree (which the
/// next run would read as inputs), and the second was refused.
#[test]
fn an_out_dir_inside_the_input_directory_is_refused_before_it_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("data")).unwrap();
    fs::copy(fixtures().join("seeds.jsonl"), d.join("data/a.jsonl")).unwrap();
    for out in ["data/clean", "data/new/clean", "./data//clean"] {
        let o = deboil()
            .current_dir(d)
            .args(["clean", "-q", "data", "--out-dir", out])
            .output()
            .unwrap();
        assert_fails_with(&o, "lies inside the input directory data");
        assert_eq!(names(&d.join("data")), ["a.jsonl"], "{out}");
    }
    // Beside it is fine.
    let o = deboil()
        .current_dir(d)
        .args(["clean", "-q", "data", "--out-dir", "clean"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_file_named_as_the_out_dir_is_refused_by_its_flag() {
    // `--out-dir notes.txt` stopped at `notes.txt/a.jsonl: Not a directory
    // (os error 20)`, naming neither the flag nor what was wrong.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("in")).unwrap();
    fs::write(
        d.join("in/a.jsonl"),
        "{\"id\":\"1\",\"text\":\"One text.\"}\n",
    )
    .unwrap();
    fs::write(d.join("notes.txt"), "keep me\n").unwrap();
    let o = deboil()
        .current_dir(d)
        .args(["clean", "in", "--out-dir", "notes.txt"])
        .output()
        .unwrap();
    // Exit 2, as the other --out-dir refusals.
    assert_fails_with(
        &o,
        "--out-dir notes.txt is a file, not a directory; name a directory (made if missing)",
    );
    assert_eq!(
        fs::read_to_string(d.join("notes.txt")).unwrap(),
        "keep me\n"
    );
}
