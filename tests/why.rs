//! `deboil why`: how alike two documents are, and the passages they share.

mod common;

use common::{assert_fails_with, deboil, stderr, stdout};

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
    // The site's recruitment blurb recurs on three of its five pages: it is
    // template, left out as dedup leaves it out of the signatures.
    assert!(!out.contains("sucht lokale Experten"), "{out}");
    assert!(out.contains("site template lines left out"), "{out}");
    // Compared as `dedup` compares them, and the verdict says on what.
    assert!(
        out.contains("as `deboil dedup` compares them: char:7 shingles"),
        "{out}"
    );
    assert!(out.contains("exact Jaccard of char:7 shingles"), "{out}");
    assert!(
        out.contains(
            "verdict: no edge: not duplicates (verified on the signatures' estimate: Jaccard"
        ),
        "{out}"
    );
    // Whole texts share the blurb.
    let o = deboil()
        .args([
            "why",
            "--keep-template-lines",
            "001_db30c925d4b12c96",
            "002_edae168d99fdab03",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("sucht lokale Experten"),
        "{}",
        stdout(&o)
    );
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
    let out = stdout(&o);
    assert!(!out.contains("sucht lokale Experten"), "{out}");
    assert!(out.contains("as `deboil run` compares them: char:7 shingles, 128 permutations, containment threshold 0.7"), "{out}");
    assert!(
        out.contains("containment") && out.contains("vs floor 0.3"),
        "{out}"
    );
    // The word shingles of earlier versions on request; exact verification too.
    let o = deboil()
        .args([
            "why",
            "--shingle",
            "word:5",
            "--verify",
            "exact",
            "001_db30c925d4b12c96",
            "002_edae168d99fdab03",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.contains("exact Jaccard of word:5 shingles"), "{out}");
    assert!(out.contains("verified on the exact shingle sets"), "{out}");
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
    // A document named by its place is shown by its id, beside the place.
    let o = deboil()
        .args([
            "why",
            "fixtures/seeds.jsonl:2",
            "002_edae168d99fdab03",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "001_db30c925d4b12c96 (fixtures/seeds.jsonl:2) vs 002_edae168d99fdab03 (fixtures/seeds.jsonl:3)"
        ),
        "{}",
        stdout(&o)
    );
    // A leading `./` on the place or on the input does not matter.
    for (place, input) in [
        ("./fixtures/seeds.jsonl:2", "fixtures/seeds.jsonl"),
        ("fixtures/seeds.jsonl:2", "./fixtures/seeds.jsonl"),
    ] {
        let o = deboil()
            .args(["why", place, "002_edae168d99fdab03", input])
            .output()
            .unwrap();
        assert!(o.status.success(), "{place} {input}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("001_db30c925d4b12c96 ("),
            "{}",
            stdout(&o)
        );
    }
    // One document named twice (the same id, or an id and its place) is
    // refused: compared with itself it read "the two are duplicates".
    for (first, second) in [
        ("001_db30c925d4b12c96", "001_db30c925d4b12c96"),
        ("fixtures/seeds.jsonl:2", "001_db30c925d4b12c96"),
    ] {
        let o = deboil()
            .args(["why", first, second, "fixtures/seeds.jsonl"])
            .output()
            .unwrap();
        assert_fails_with(
            &o,
            &format!(
                "{first} and {second} name the same document (fixtures/seeds.jsonl:2); give two documents"
            ),
        );
    }
    // A place past the file's end is named as a wrong line, not an id.
    let o = deboil()
        .args([
            "why",
            "fixtures/seeds.jsonl:99",
            "001_db30c925d4b12c96",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert_fails_with(
        &o,
        "fixtures/seeds.jsonl has no line 99: its last record is at line 5",
    );
}

#[test]
fn an_id_from_the_data_is_shown_on_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let text = common::seed_texts()[1].clone();
    // A tab splits no line: kept, as `check` and every message keep it
    // (why alone wrote `\t`).
    let lines: String = [("a\nb\u{1b}[31m\tc", &text), ("z", &text)]
        .iter()
        .map(|(id, t)| serde_json::json!({"id": id, "text": t}).to_string() + "\n")
        .collect();
    std::fs::write(tmp.path().join("s.jsonl"), lines).unwrap();
    let o = deboil()
        .current_dir(tmp.path())
        .args(["why", "s.jsonl:1", "z", "s.jsonl"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\na\\nb\\u{1b}[31m\tc (s.jsonl:1) vs z (s.jsonl:2)\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn rule_flags_without_clean_are_refused_not_ignored() {
    // Without --clean `why` compares uncleaned texts: --learn, --rules and
    // the other rule flags did nothing, and --save-learned wrote no file.
    let tmp = tempfile::tempdir().unwrap();
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds.jsonl");
    let ids = ["001_db30c925d4b12c96", "002_edae168d99fdab03"];
    for (flags, named) in [
        (&["--learn", "--save-learned", "l.toml"][..], "--learn"),
        (&["--rules", "rules"], "--rules"),
        (&["--no-default-rules"], "--no-default-rules"),
        (&["--disable", "de.*"], "--disable"),
        (&["--page-body"], "--page-body"),
    ] {
        let o = deboil()
            .current_dir(tmp.path())
            .arg("why")
            .args(ids)
            .arg(seeds)
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(64), "{flags:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "{named} cleans the texts, which `why` does only with --clean"
            )),
            "{}",
            stderr(&o)
        );
    }
    // With --clean they apply.
    let o = deboil()
        .current_dir(tmp.path())
        .args(["why", "--clean", "--learn", "--save-learned", "l.toml"])
        .args(ids)
        .arg(seeds)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("l.toml").exists());
}

#[test]
fn texts_without_shingles_are_explained_as_dedup_treats_them() {
    // Two texts without a shingle (empty, or no word for word shingles)
    // are alike to dedup, estimated or verified on the texts; why said
    // "exact Jaccard 0.000" beside "an edge, estimate 1.000", and with
    // --verify exact "no edge" where dedup dropped one.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("docs.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"\"}\n{\"id\":\"b\",\"text\":\"\"}\n\
         {\"id\":\"c\",\"text\":\"!!!\"}\n{\"id\":\"d\",\"text\":\"???\"}\n",
    )
    .unwrap();
    let why = |args: &[&str]| {
        let o = deboil().arg("why").args(args).arg(&input).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let out = why(&["a", "b"]);
    assert!(
        out.contains("exact Jaccard of char:7 shingles: 1.000 (no shingle in either text"),
        "{out}"
    );
    assert!(out.contains("verdict: an edge"), "{out}");
    let words = ["--shingle", "word:5", "--verify", "exact"];
    let out = why(&[&words[..], &["c", "d"]].concat());
    assert!(
        out.contains("exact Jaccard of word:5 shingles: 1.000"),
        "{out}"
    );
    assert!(out.contains("verdict: an edge"), "{out}");
    let o = deboil()
        .arg("dedup")
        .args(words)
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // No text here has a word: one cluster.
    assert_eq!(common::ids(&stdout(&o)), ["a"]);
}

#[test]
fn arguments_out_of_order_are_named_with_the_order() {
    // `why data 1 2` stopped at "2: No such file or directory", and
    // `why 1 data` read stdin (waiting on a terminal), then found no id
    // `data`: neither said that the ids come first.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("data")).unwrap();
    let texts = common::seed_texts();
    for (f, id) in [("a", "1"), ("b", "2")] {
        let line = serde_json::json!({"id": id, "text": texts[id.parse::<usize>().unwrap()]});
        std::fs::write(d.join(format!("data/{f}.jsonl")), format!("{line}\n")).unwrap();
    }
    std::fs::write(d.join("data/t.txt"), format!("{}\n", texts[3])).unwrap();
    let why = |args: &[&str]| {
        deboil()
            .current_dir(d)
            .arg("why")
            .args(args)
            .write_stdin("")
            .output()
            .unwrap()
    };
    let order = "give two ids, then the inputs (`deboil why ID1 ID2 FILE...`)";
    for (args, code, want) in [
        (
            &["data", "1", "2"][..],
            64,
            format!("`data` is a directory, not a document id, and `2` is no file: {order}"),
        ),
        (
            &["data/a.jsonl", "1", "2"],
            64,
            format!("`data/a.jsonl` is a file, not a document id, and `2` is no file: {order}"),
        ),
        (
            &["1", "data"],
            64,
            "`data` is a directory, not a document id: give two ids, then the inputs (`deboil why ID1 ID2 data`)".to_string(),
        ),
        (
            &["1", "2", "3", "data"],
            2,
            format!("3: No such file or directory (os error 2); `why` compares two documents: {order}"),
        ),
        (
            &["data/a.jsonl", "1", "data/b.jsonl"],
            2,
            "no document with id data/a.jsonl or 1 in the inputs (`data/a.jsonl` is a file: inputs come after the two ids, `deboil why ID1 ID2 FILE...`)".to_string(),
        ),
    ] {
        let o = why(args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(&want), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
    }
    // In order it compares; a text file's id is its path, so a path is an
    // id where the inputs are all there.
    for args in [
        &["1", "2", "data"][..],
        &["data/t.txt", "1", "data/t.txt", "data/a.jsonl"],
    ] {
        let o = why(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
}
