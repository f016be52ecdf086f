//! Learning junk from the corpus: `deboil learn`, `clean --learn` and `run --learn`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{
    assert_fails_with, assert_usage_error, deboil, expected_jsonl, fixtures, gzip, id_texts,
    stderr, stdout,
};

fn learn_pages() -> PathBuf {
    fixtures().join("learn/pages.jsonl")
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
        stderr(&o).contains("1 site learned from (1 with too few pages)"),
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
        stderr(&o).contains("1 bad record skipped"),
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
    assert!(stderr(&o).contains("1 bad record skipped"));
}

#[test]
fn rules_whose_lines_first_occur_late_take_their_first_text_from_a_second_read() {
    // The first page holds more text than learning keeps per site: the
    // recurring line that starts on a later page (after a bad record) is
    // found again by its place in the input, from a file or from stdin.
    let word = |mut n: usize| {
        let mut w = String::new();
        loop {
            w.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
            if n == 0 {
                return w;
            }
        }
    };
    let archive: String = (0..60_000)
        .map(|i| format!("archive entry {} {}\n", word(i), word(i + 7)))
        .collect();
    let late = [
        "JOIN our Club 7 today for daily news",
        "Join our club 8 today for daily news",
    ];
    let mut lines = Vec::new();
    for i in 0..8 {
        let mut text = format!(
            "Story {} of the day tells its own tale for readers.\n\
             Newsletter: all the headlines in your inbox each morning\n",
            word(i * 1000 + 5)
        );
        match i {
            0 => text.push_str(&archive),
            3 => text.push_str(late[0]),
            4.. => text.push_str(late[1]),
            _ => {}
        }
        let rec = serde_json::json!({"id": i.to_string(), "site": "late.example", "text": text});
        lines.push(rec.to_string());
    }
    lines.insert(2, r#"{"id": "bad", "text": 5}"#.to_string());
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("late.jsonl");
    fs::write(&input, lines.join("\n") + "\n").unwrap();
    let learn = |j: &str, stdin: bool| {
        let saved = tmp.path().join(format!("saved-{j}-{stdin}.toml"));
        let mut cmd = deboil();
        cmd.args([
            "clean",
            "-q",
            "--skip-bad",
            "--learn",
            "-j",
            j,
            "--save-learned",
        ])
        .arg(&saved);
        if stdin {
            cmd.write_stdin(fs::read(&input).unwrap());
        } else {
            cmd.arg(&input);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        (stdout(&o), fs::read_to_string(&saved).unwrap())
    };
    let (cleaned, rules) = learn("1", false);
    assert!(rules.contains(late[0]), "{rules}");
    assert!(!rules.contains(late[1]), "{rules}");
    assert!(!cleaned.contains("daily news"));
    assert_eq!(learn("3", false), (cleaned.clone(), rules.clone()));
    assert_eq!(learn("2", true), (cleaned, rules));
}

/// Learning again with an earlier learned file loaded: both number a site's
/// rules from 1, so the new rules are numbered on and the run succeeds.
#[test]
fn learning_again_beside_learned_rules_numbers_the_new_ones_on() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first.toml");
    let second = tmp.path().join("second.toml");
    let learn = |rules: Option<&PathBuf>, save: &PathBuf| {
        let mut cmd = deboil();
        cmd.args(["clean", "-q", "--learn", "-o"])
            .arg(tmp.path().join("out.jsonl"));
        if let Some(r) = rules {
            cmd.arg("--rules").arg(r);
        }
        let o = cmd
            .arg("--save-learned")
            .arg(save)
            .arg(learn_pages())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        fs::read_to_string(save).unwrap()
    };
    let ids = |toml: &str| -> Vec<String> {
        toml.lines()
            .filter_map(|l| l.strip_prefix("id = \""))
            .map(|l| l.trim_end_matches('"').to_string())
            .collect()
    };
    let a = ids(&learn(None, &first));
    assert!(!a.is_empty());
    let b = ids(&learn(Some(&first), &second));
    assert_eq!(a.len(), b.len(), "the same pages teach the same rules");
    assert!(b.iter().all(|id| !a.contains(id)), "{a:?} {b:?}");
    // Both files load together.
    let o = deboil()
        .args(["clean", "-q", "--rules"])
        .arg(&first)
        .arg("--rules")
        .arg(&second)
        .arg(learn_pages())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Two files learned apart (`deboil learn` on two batches of one site's
/// pages) both number the site's rules from 1, so they cannot load
/// together; the refusal named the clash only, and now says how to learn
/// the second beside the first (as the test above does).
#[test]
fn rules_learned_apart_are_refused_with_the_way_to_learn_them_together() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["first.toml", "second.toml"] {
        let o = deboil()
            .args(["learn", "-q", "-o"])
            .arg(tmp.path().join(name))
            .arg(learn_pages())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = deboil()
        .args(["clean", "-q", "--rules"])
        .arg(tmp.path().join("first.toml"))
        .arg("--rules")
        .arg(tmp.path().join("second.toml"))
        .arg(learn_pages())
        .output()
        .unwrap();
    assert_fails_with(&o, "second.toml:");
    assert_fails_with(&o, "duplicate rule id `learned.dailybugle.example.1`");
    assert_fails_with(
        &o,
        "files learned apart number a site's rules alike: learn the second beside the first \
         (`--rules FIRST --learn --save-learned SECOND` on clean or run)",
    );
}

/// Each record's id and text after `clean --learn` of `path`.
fn learned_texts(path: &Path) -> Vec<(String, Option<String>)> {
    let o = deboil()
        .args(["clean", "--learn"])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    id_texts(&stdout(&o), "text")
}

/// The seed articles as JSON records.
fn seed_records() -> Vec<serde_json::Value> {
    fs::read_to_string(fixtures().join("seeds.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn copies_of_a_page_count_once_however_many_there_are() {
    // Learned on the seeds alone: each article's text.
    let alone = learned_texts(&fixtures().join("seeds.jsonl"));
    assert!(
        alone
            .iter()
            .all(|(_, t)| t.as_deref().is_some_and(|t| !t.is_empty()))
    );
    let seeds = seed_records();
    // Four copies of each article (the same file read four times), and
    // five of the first among the four others; exact, or re-crawls that
    // differ in one short line. Each copy's lines were on four pages of the
    // site's twenty (five of nine), too many for a story's: they were
    // learned as template and every copy came out empty.
    let tmp = tempfile::tempdir().unwrap();
    let readers = ["Anna", "Berta", "Carl", "Dora", "Emil"];
    let every_four: Vec<usize> = (0..4).flat_map(|_| 0..seeds.len()).collect();
    let first_five: Vec<usize> = [0; 5].into_iter().chain(1..seeds.len()).collect();
    for order in [every_four, first_five] {
        for recrawl in [false, true] {
            let mut input = String::new();
            for (k, &i) in order.iter().enumerate() {
                let mut s = seeds[i].clone();
                s["id"] = format!("{}-{k}", s["id"].as_str().unwrap()).into();
                if recrawl {
                    let reader = readers[k % readers.len()];
                    let text = format!("Von {reader} gelesen\n{}", s["text"].as_str().unwrap());
                    s["text"] = text.into();
                }
                input.push_str(&format!("{s}\n"));
            }
            let path = tmp.path().join("copies.jsonl");
            fs::write(&path, input).unwrap();
            let got = learned_texts(&path);
            assert_eq!(got.len(), order.len());
            for ((id, text), &i) in got.iter().zip(&order) {
                let (text, want) = (text.as_deref().unwrap(), alone[i].1.as_deref().unwrap());
                // Every line the article keeps alone is kept in each copy.
                for line in want.lines() {
                    assert!(text.contains(line), "recrawl={recrawl} {id}: lost {line:?}");
                }
            }
        }
    }
}

#[test]
fn near_copies_of_a_page_count_once_however_many_there_are() {
    // Learned on the seeds alone: each article's text.
    let alone = learned_texts(&fixtures().join("seeds.jsonl"));
    let seeds = seed_records();
    // Each article and four near copies of it, each with a long line of its
    // own: a re-crawl with another "related" teaser after the text, or an
    // update with a paragraph added. The story's lines stand on five pages
    // of the site's twenty-five, too many for rare lines: they were learned
    // as template and every page of the story came out empty.
    let tmp = tempfile::tempdir().unwrap();
    let readers = ["Anna", "Berta", "Carl", "Dora"];
    for update in [false, true] {
        let mut input = String::new();
        for (n, s) in seeds.iter().enumerate() {
            input.push_str(&format!("{s}\n"));
            for (k, reader) in readers.iter().enumerate() {
                let mut s = s.clone();
                s["id"] = format!("{}-{k}", s["id"].as_str().unwrap()).into();
                let own = format!(
                    "Lesen Sie auch, was {reader} in Folge {n} über die Lage im Land berichtet."
                );
                let text = s["text"].as_str().unwrap();
                s["text"] = if update {
                    let (first, rest) = text.split_once('\n').unwrap();
                    format!("{first}\n{own}\n{rest}")
                } else {
                    format!("{text}\n{own}")
                }
                .into();
                input.push_str(&format!("{s}\n"));
            }
        }
        let path = tmp.path().join("near.jsonl");
        fs::write(&path, input).unwrap();
        let got = learned_texts(&path);
        assert_eq!(got.len(), 5 * alone.len());
        for (i, (id, text)) in got.iter().enumerate() {
            let (_, want) = &alone[i / 5];
            let (text, want) = (text.as_deref().unwrap(), want.as_deref().unwrap());
            // Every line the article keeps alone is kept on each of its pages.
            for line in want.lines() {
                assert!(text.contains(line), "update={update} {id}: lost {line:?}");
            }
        }
    }
}

#[test]
fn learned_rules_kept_in_the_data_folder_are_not_read_as_data() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let site = d.join("data/caucasuswatch.de");
    fs::create_dir_all(&site).unwrap();
    let mut pages = Vec::new();
    for e in fs::read_dir(fixtures().join("seeds/input/caucasuswatch.de")).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, site.join(p.file_name().unwrap())).unwrap();
        pages.push(format!(
            "data/caucasuswatch.de/{}",
            p.file_name().unwrap().to_string_lossy()
        ));
    }
    pages.sort();
    let run = |args: &[&str]| deboil().current_dir(d).args(args).output().unwrap();
    let ok = |args: &[&str]| {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        o
    };
    // A .toml among the data, and the run's own rules under any name: the
    // second learn refused "-o data/learned.toml is an input file", and
    // clean read the rules as one more page.
    for out in ["data/learned.toml", "data/learned.rules"] {
        if out.ends_with(".toml") {
            ok(&["learn", "-q", "data", "-o", out]);
            let first = fs::read_to_string(d.join(out)).unwrap();
            assert!(first.contains("[[rule]]"), "{first}");
            ok(&["learn", "-q", "data", "-o", out]);
            assert_eq!(fs::read_to_string(d.join(out)).unwrap(), first, "{out}");
        } else {
            // Learned into the data under a name walks read, they were a
            // page to every later run not given them as --rules: refused
            // (here, or with --save-learned); put there by hand, still no
            // page to a run given them.
            for learn in [
                &["learn", "-q", "data", "-o", out][..],
                &["clean", "-q", "data", "--learn", "--save-learned", out],
            ] {
                assert_usage_error(
                    &run(learn),
                    "data/learned.rules lies inside the input directory data, where later runs \
                     would read it as a document; name it *.toml",
                );
            }
            assert!(!d.join(out).exists());
            ok(&["learn", "-q", "data", "-o", "learned.rules"]);
            fs::rename(d.join("learned.rules"), d.join(out)).unwrap();
        }
        let o = ok(&["clean", "-q", "data", "--rules", out]);
        let ids: Vec<String> = id_texts(&stdout(&o), "text")
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, pages, "{out}");
        // check finds what the rules leave (exit 1), in pages only.
        let o = run(&["check", "-q", "data", "--rules", out]);
        assert!(o.status.code().unwrap() < 2, "{}", stderr(&o));
        assert!(!stdout(&o).contains("learned"), "{}", stdout(&o));
    }
    // Without --rules a .toml is still no page (any other name is, unless
    // it is the run's own rule file); one named is read as asked.
    fs::remove_file(d.join("data/learned.rules")).unwrap();
    let o = ok(&["clean", "-q", "data"]);
    assert_eq!(id_texts(&stdout(&o), "text").len(), pages.len());
    let o = ok(&["clean", "-q", "data/learned.toml"]);
    assert_eq!(id_texts(&stdout(&o), "text")[0].0, "data/learned.toml");
    // A page that -o names is still an input, never written over.
    let before = fs::read(d.join(&pages[0])).unwrap();
    for input in ["data", &pages[0]] {
        assert_fails_with(&run(&["learn", input, "-o", &pages[0]]), "is an input file");
    }
    assert_eq!(fs::read(d.join(&pages[0])).unwrap(), before);
}

#[test]
fn compressed_learned_rules_are_read_back_as_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let run = |args: &[&str]| {
        let o = deboil().current_dir(d).args(args).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    fs::copy(learn_pages(), d.join("pages.jsonl")).unwrap();
    run(&["learn", "-q", "pages.jsonl", "-o", "learned.toml"]);
    let want = run(&["clean", "-q", "pages.jsonl", "--rules", "learned.toml"]);
    assert_ne!(want, fs::read_to_string(learn_pages()).unwrap());
    // learn -o compresses by name; --rules read the file as text and
    // failed "stream did not contain valid UTF-8".
    fs::create_dir(d.join("rules")).unwrap();
    for out in ["learned.toml.gz", "learned.toml.zst"] {
        run(&["learn", "-q", "pages.jsonl", "-o", out]);
        assert!(!fs::read(d.join(out)).unwrap().starts_with(b"[[rule]]"));
        assert_eq!(
            run(&["clean", "-q", "pages.jsonl", "--rules", out]),
            want,
            "{out}"
        );
        fs::rename(d.join(out), d.join("rules").join(out)).unwrap();
        // A rule folder holds them as it holds *.toml, and a data folder
        // holding one does not read it as a page.
        let rules = format!("rules/{out}");
        assert_eq!(
            run(&["clean", "-q", "pages.jsonl", "--rules", "rules"]),
            want
        );
        fs::rename(d.join(&rules), d.join(out)).unwrap();
        let walked = run(&["clean", "-q", ".", "--rules", "learned.toml"]);
        assert_eq!(walked, want, "{out}");
        fs::remove_file(d.join(out)).unwrap();
    }
}
