//! `deboil dedup` and `deboil run`: copies dropped, clusters, --mark, --keep,
//! cleaning before dedup, exact verification, determinism, incremental indexes,
//! and the README sample.

mod common;

use std::fs;

use common::{assert_fails_with, deboil, fixtures, ids, jsonl, seed_texts, stderr, stdout};

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
        err.contains("char:7 shingles") && err.contains("containment threshold 0.7"),
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
fn mark_counts_its_duplicates_as_marked_not_dropped() {
    // --mark writes every document: the summary and the reports must not
    // say that any was dropped.
    let dir = tempfile::tempdir().unwrap();
    let (md, html) = (dir.path().join("r.md"), dir.path().join("r.html"));
    for report in [&md, &html] {
        let o = deboil()
            .args([
                "dedup",
                "--mark",
                "--shingle",
                "word:5",
                "--threshold",
                "0.8",
            ])
            .arg("--report")
            .arg(report)
            .write_stdin(jsonl(&dedup_corpus()))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stdout(&o).lines().count(), 7);
        let err = stderr(&o);
        assert!(
            err.contains("7 documents, 7 kept, 1 exact and 1 near duplicates marked, 2 clusters"),
            "{err}"
        );
    }
    let md = fs::read_to_string(&md).unwrap();
    assert!(
        md.contains("| duplicates marked | 2 (28.6 %): 1 exact, 1 near |"),
        "{md}"
    );
    let html = fs::read_to_string(&html).unwrap();
    assert!(html.contains("1 exact, 1 near marked"), "{html}");
    assert!(html.contains("Duplicates marked per site"), "{html}");
    assert!(!md.contains("dropped") && !html.contains("dropped"));
    // Without --mark they are dropped, as they say.
    let (_, err) = dedup_run(
        &["dedup", "--shingle", "word:5", "--threshold", "0.8"],
        &jsonl(&dedup_corpus()),
    );
    assert!(
        err.contains("5 kept, 1 exact and 1 near duplicates dropped"),
        "{err}"
    );
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
    // Marking marked records replaces the marks: no key twice (JSON
    // readers disagree on which value wins), the other members as they were.
    let args = [
        "dedup",
        "-q",
        "--mark",
        "--shingle",
        "word:5",
        "--threshold",
        "0.8",
    ];
    let stale = out.replace("\"dup_of\":null", "\"dup_of\":\"stale\",\"n\":1.50");
    let (again, _) = dedup_run(&args, &stale);
    for (line, before) in again.lines().zip(stale.lines()) {
        assert_eq!(line.matches("\"dup_of\":").count(), 1, "{line}");
        assert_eq!(line.matches("\"cluster_size\":").count(), 1, "{line}");
        assert_eq!(
            line.contains("\"n\":1.50"),
            before.contains("\"n\":1.50"),
            "{line}"
        );
    }
    assert_eq!(
        again,
        out.replace("\"dup_of\":null", "\"n\":1.50,\"dup_of\":null")
    );
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
    let (out, err) = dedup_run(&["dedup", "-q", "--keep", "newest:date"], &input);
    assert_eq!(ids(&out), ["new"]);
    assert!(!err.contains("warning"), "{err}");
    let (out, _) = dedup_run(&["dedup", "-q"], &input);
    assert_eq!(ids(&out), ["old"]);
    // A field no document has (a typo) keeps the first, and says so.
    for cmd in ["dedup", "run"] {
        let (out, err) = dedup_run(&[cmd, "-q", "--keep", "newest:dates"], &input);
        assert_eq!(ids(&out), ["old"]);
        assert!(
            err.contains(
                "warning: --keep newest:dates: no document has the field `dates`, so each cluster keeps its first document"
            ),
            "{err}"
        );
    }
    // Numbers compare by value, as JSON numbers or as strings: 10 is newer
    // than 9 (as text, "9" > "10").
    for (old, new) in [
        (serde_json::json!(9), serde_json::json!(10)),
        (serde_json::json!("9"), serde_json::json!("10")),
        (serde_json::json!(999999999), serde_json::json!(1.7e9)),
    ] {
        let input = [
            serde_json::json!({"id": "old", "v": old, "text": s[0]}),
            serde_json::json!({"id": "new", "v": new, "text": s[0]}),
            serde_json::json!({"id": "none", "text": s[0]}),
        ]
        .iter()
        .map(|v| v.to_string() + "\n")
        .collect::<String>();
        let (out, _) = dedup_run(&["dedup", "-q", "--keep", "newest:v"], &input);
        assert_eq!(ids(&out), ["new"], "{old} vs {new}");
    }
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

/// Two sites of 260 pages each (past the 200 a site's template is counted
/// on), every page a story under its site's chrome, one page in five a near
/// copy of an earlier story of its site.
fn large_sites_corpus() -> String {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut word = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let syl =
            |n: u64| ["ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze"][n as usize % 10];
        format!("{}{}{}", syl(x), syl(x >> 8), syl(x >> 16))
    };
    let mut out = String::new();
    let mut stories: Vec<Vec<String>> = Vec::new();
    for i in 0..520 {
        let site = ["a.example", "b.example"][i % 2];
        let story = if i % 5 == 4 {
            let mut s = stories[i - 4].clone();
            s[10] = "edited".into();
            s
        } else {
            (0..60).map(|_| word()).collect()
        };
        let text = format!(
            "Home News Sport Weather of {site}\n{}\n\nShare this story on social media today\n\
             Comments are closed for this article on {site}\n",
            story.join(" ")
        );
        stories.push(story);
        let rec = serde_json::json!({"id": format!("d{i}"), "site": site, "text": text});
        out.push_str(&format!("{rec}\n"));
    }
    out
}

#[test]
fn documents_signed_on_the_first_read_decide_as_those_signed_at_the_end() {
    // One batch: every document waits for the templates. Small batches: the
    // pages past a site's 200th are signed as they are read.
    let input = large_sites_corpus();
    for extra in [&[][..], &["--verify", "exact"], &["--keep", "longest"]] {
        // The output, then the clusters with their similarities.
        let run = |j: &str, batch: &str| {
            let tmp = tempfile::tempdir().unwrap();
            let clusters = tmp.path().join("c.jsonl");
            let args = ["dedup", "-q", "--mark", "-j", j, "--batch-bytes", batch];
            let c = ["--clusters", clusters.to_str().unwrap()];
            let out = dedup_run(&[&args[..], &c, extra].concat(), &input).0;
            out + &fs::read_to_string(&clusters).unwrap()
        };
        let all_at_end = run("1", "64M");
        let marked = all_at_end.lines().filter(|l| l.contains("\"dup_of\":\"d"));
        assert_eq!(marked.count(), 520 / 5, "{extra:?}");
        for (j, batch) in [("1", "2K"), ("2", "5K"), ("8", "9K")] {
            assert_eq!(
                run(j, batch),
                all_at_end,
                "{extra:?} -j {j}, batches of {batch}"
            );
        }
    }
}

#[test]
fn texts_held_in_memory_or_spilled_to_the_spool_file_give_the_same_output() {
    // `--spool-memory 0`: every text goes to the temp file; 1G: all held;
    // 900K: the first parts held (beside ~700 KB of signatures), later
    // ones in the file, and held ones spilled as the state grows.
    let input = large_sites_corpus();
    let runs: [&[&str]; 4] = [
        &["dedup"],
        &["dedup", "--verify", "exact"],
        &["run"],
        &["run", "--mark", "--keep", "longest"],
    ];
    for cmd in runs {
        let run = |memory: &str| {
            let tmp = tempfile::tempdir().unwrap();
            let (clusters, report) = (tmp.path().join("c.jsonl"), tmp.path().join("r.json"));
            let args = [
                "-q",
                "-j",
                "2",
                "--batch-bytes",
                "9K",
                "--spool-memory",
                memory,
            ];
            let files = [
                "--clusters",
                clusters.to_str().unwrap(),
                "--report",
                report.to_str().unwrap(),
            ];
            let out = dedup_run(&[cmd, &args[..], &files].concat(), &input).0;
            // The report quotes texts read back from the spool.
            let read = |f: &std::path::Path| fs::read_to_string(f).unwrap();
            (out, read(&clusters), read(&report))
        };
        let held = run("1G");
        assert!(
            held.0.lines().count() > 100 && !held.1.is_empty(),
            "{cmd:?}"
        );
        for memory in ["0", "900K"] {
            assert!(run(memory) == held, "{cmd:?} --spool-memory {memory}");
        }
    }
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
