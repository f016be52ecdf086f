//! What inputs mean: sites (stdin, relative paths, odd names), ids (numbers,
//! repeats), dotted field paths into nested objects, and byte order marks.

mod common;

use std::fs;
use std::path::Path;

use common::{assert_fails_with, deboil, gzip, stderr, stdout};
use serde_json::{Value, json};

/// Distinct story openings: pages that share only their template.
const STORIES: [&str; 8] = [
    "Rain fell on the town all through the night and the river rose",
    "A cat climbed the tallest tree in the park and would not come down",
    "The mayor opened the new school on Friday with a short speech",
    "Two boats collided in the harbour at dawn but nobody was hurt",
    "Bread prices rose for the third month running, bakers said",
    "The choir sang in the cathedral for charity on Sunday evening",
    "A new bus line will link the station with the hospital next year",
    "The library extends its opening hours during the exam weeks",
];

const HEADER: &str = "Welcome to the Gazette, your daily paper since 1901";
const FOOTER: &str = "All rights reserved by the Gazette media group worldwide";

/// Page `i`: template lines around a story of its own.
fn page(i: usize) -> String {
    format!("{HEADER}\n{}.\n{FOOTER}\n", STORIES[i])
}

fn lines_of(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    deboil().current_dir(dir).args(args).output().unwrap()
}

#[test]
fn stdin_has_the_empty_site_whether_spooled_or_not() {
    // Spooled for --learn, stdin lives in a folder of TMPDIR: that folder's
    // name is no site.
    let tmp = tempfile::tempdir().unwrap();
    let spool = tmp.path().join("spoolsite");
    fs::create_dir(&spool).unwrap();
    for learn in [false, true] {
        let mut c = deboil();
        c.env("TMPDIR", &spool)
            .args(["clean", "-q", "--format", "text"]);
        if learn {
            c.arg("--learn");
        }
        let o = c.write_stdin("Some text.\n").output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let out = lines_of(&stdout(&o));
        assert_eq!(out[0]["site"], "", "learn: {learn}");
        assert_eq!(out[0]["id"], "<stdin>");
    }
}

#[test]
fn the_fallback_site_is_the_folder_whatever_the_path_says() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Local News");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("p.txt"), "A text.\n").unwrap();
    let abs = dir.join("p.txt");
    let cases = [
        (dir.as_path(), "p.txt"),
        (dir.as_path(), "./p.txt"),
        (tmp.path(), "Local News/../Local News/p.txt"),
        (tmp.path(), abs.to_str().unwrap()),
    ];
    for (cwd, path) in cases {
        let o = run_in(cwd, &["clean", "-q", path]);
        assert!(o.status.success(), "{}", stderr(&o));
        // Lowercase, and the space made `_` so that a rule file can name it.
        assert_eq!(lines_of(&stdout(&o))[0]["site"], "local_news", "{path}");
    }
}

/// Eight pages of each of three sites: the folder "a b" (no site field, or
/// a `url` that is not a URL), `site: "My Site"`, and a `metadata.url`.
fn odd_site_pages(dir: &Path) {
    let mut lines = String::new();
    for (i, _) in STORIES.iter().enumerate() {
        let text = page(i);
        let recs = [
            json!({"id": format!("f{i}"), "text": text}),
            json!({"id": format!("s{i}"), "site": " My  Site ", "text": text}),
            json!({"id": format!("m{i}"), "url": "not a url",
                   "metadata": {"url": "https://News.Example.org/x"}, "text": text}),
        ];
        for r in recs {
            lines.push_str(&format!("{r}\n"));
        }
    }
    fs::write(dir.join("p.jsonl"), lines).unwrap();
}

#[test]
fn learned_rules_compile_and_apply_for_any_site_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a b");
    fs::create_dir(&dir).unwrap();
    odd_site_pages(&dir);
    // From the file's own folder: the site is still the folder's name.
    let o = run_in(&dir, &["learn", "p.jsonl", "-o", "r.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let toml = fs::read_to_string(dir.join("r.toml")).unwrap();
    for site in ["a_b", "my_site", "news.example.org"] {
        assert!(toml.contains(&format!("sites = [\"{site}\"]")), "{toml}");
    }
    let o = run_in(&dir, &["rules", "test", "r.toml"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // Learning first, the rules apply to the pages they came from.
    let o = run_in(&dir, &["clean", "-q", "--learn", "p.jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = lines_of(&stdout(&o));
    assert_eq!(out.len(), 24);
    for d in &out {
        let text = d["text"].as_str().unwrap();
        assert!(!text.contains(HEADER) && !text.contains(FOOTER), "{d}");
    }
}

#[test]
fn number_ids_are_their_json_text_and_repeats_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("ids.jsonl");
    let recs = [
        json!({"id": 7, "text": STORIES[0]}).to_string(),
        r#"{"id": 7.0, "text": "The council met on Monday and decided that the old bridge will be rebuilt."}"#.to_string(),
        json!({"id": "7", "text": STORIES[2]}).to_string(),
        r#"{"id": 7.0, "text": "The council met on Monday and decided that the old bridge will be rebuilt!"}"#.to_string(),
        json!({"id": null, "text": STORIES[4]}).to_string(),
    ];
    fs::write(&f, recs.join("\n") + "\n").unwrap();
    let clusters = tmp.path().join("clusters.jsonl");
    let o = run_in(
        tmp.path(),
        &["dedup", "-q", "ids.jsonl", "--clusters", "clusters.jsonl"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // `7` and `"7"` are one id; `7.0` another; null is no id.
    let e = stderr(&o);
    assert!(
        e.contains(
            "warning: 2 documents repeat an earlier document's id (first: \"7\" at ids.jsonl:1 and ids.jsonl:3)"
        ),
        "{e}"
    );
    let c = fs::read_to_string(&clusters).unwrap();
    assert!(c.contains(r#""representative":"7.0""#), "{c}");
    let kept: Vec<Value> = lines_of(&stdout(&o));
    assert_eq!(kept.len(), 4);
    // Unique ids give no warning.
    fs::write(&f, recs[..2].join("\n")).unwrap();
    let o = run_in(tmp.path(), &["dedup", "ids.jsonl"]);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn why_refuses_an_id_of_several_documents_and_takes_a_place() {
    let tmp = tempfile::tempdir().unwrap();
    let recs = [
        json!({"id": "a", "text": STORIES[0]}),
        json!({"id": 7, "text": STORIES[1]}),
        json!({"id": "7", "text": STORIES[2]}),
    ];
    let lines: Vec<String> = recs.iter().map(Value::to_string).collect();
    fs::write(tmp.path().join("w.jsonl"), lines.join("\n")).unwrap();
    let o = run_in(tmp.path(), &["why", "a", "7", "w.jsonl"]);
    assert_fails_with(&o, "id 7 names 2 documents (w.jsonl:2, w.jsonl:3)");
    let o = run_in(tmp.path(), &["why", "a", "w.jsonl:3", "w.jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("w.jsonl:3"), "{}", stdout(&o));
}

/// A rule file removing `line` on `site` only.
fn site_rule(dir: &Path, site: &str, line: &str) -> String {
    let path = dir.join("site.toml");
    let rule = format!(
        "[[rule]]\nid = \"t.drop\"\nreason = \"test\"\nsites = [\"{site}\"]\nequals = [\"{line}\"]\n"
    );
    fs::write(&path, rule).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn dotted_field_paths_read_nested_fields_and_write_back_only_the_text() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = site_rule(tmp.path(), "news.example.org", HEADER);
    let text = page(0);
    // Dolma's and datatrove's layout: the URL under `metadata`.
    let line = format!(
        r#"{{"meta" : {{"id": 42}}, "metadata": {{"url": "https://News.Example.org/a", "n": [1,  2]}}, "content": {{"lang": "en", "body": {}, "x": {{}} }}, "z": 1.50}}"#,
        serde_json::to_string(&text).unwrap()
    );
    fs::write(tmp.path().join("d.jsonl"), format!("{line}\n")).unwrap();
    let o = run_in(
        tmp.path(),
        &[
            "clean",
            "-q",
            "--no-default-rules",
            "--rules",
            &rules,
            "--text-field",
            "content.body",
            "--id-field",
            "meta.id",
            "d.jsonl",
            "--explain",
            "e.jsonl",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let cleaned = text.replacen(&format!("{HEADER}\n"), "", 1);
    let want = format!(
        r#"{{"meta":{{"id": 42}},"metadata":{{"url": "https://News.Example.org/a", "n": [1,  2]}},"content":{{"lang":"en","body":{},"x":{{}}}},"z":1.50}}"#,
        serde_json::to_string(&cleaned).unwrap()
    ) + "\n";
    assert_eq!(stdout(&o), want);
    let e = fs::read_to_string(tmp.path().join("e.jsonl")).unwrap();
    assert_eq!(lines_of(&e)[0]["id"], "42");

    // A site field holding a URL gives its host.
    fs::write(
        tmp.path().join("s.jsonl"),
        json!({"text": text, "src": {"page": "http://news.example.org/b"}}).to_string(),
    )
    .unwrap();
    let o = run_in(
        tmp.path(),
        &[
            "clean",
            "-q",
            "--no-default-rules",
            "--rules",
            &rules,
            "--site-field",
            "src.page",
            "s.jsonl",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(lines_of(&stdout(&o))[0]["text"], cleaned);
}

#[test]
fn dedup_verifies_nested_texts() {
    // Exact verification reads each text back from its nested field.
    let tmp = tempfile::tempdir().unwrap();
    let story = &common::seed_texts()[0];
    // Near copies (not exact ones, which need no verification).
    let recs: Vec<String> = [("a", story.clone()), ("b", format!("{story} Updated."))]
        .iter()
        .map(|(id, text)| json!({"id": id, "c": {"body": text}}).to_string())
        .collect();
    fs::write(tmp.path().join("n.jsonl"), recs.join("\n")).unwrap();
    let o = run_in(
        tmp.path(),
        &[
            "dedup",
            "--verify",
            "exact",
            "--text-field",
            "c.body",
            "n.jsonl",
            "--clusters",
            "c.jsonl",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(lines_of(&stdout(&o)).len(), 1, "{}", stderr(&o));
    // Similarities from the texts themselves (empty texts would give 1).
    let c = lines_of(&fs::read_to_string(tmp.path().join("c.jsonl")).unwrap());
    let sim = c[0]["members"][1]["similarity"].as_f64().unwrap();
    assert!(sim > 0.8 && sim < 1.0, "{}", c[0]);
}

#[test]
fn a_byte_order_mark_is_no_part_of_the_json_or_the_text() {
    let tmp = tempfile::tempdir().unwrap();
    let bom = "\u{feff}";
    let jsonl = format!("{bom}{}\n", json!({"id": "b", "text": "Body."}));
    fs::write(tmp.path().join("b.jsonl"), &jsonl).unwrap();
    fs::write(tmp.path().join("b.jsonl.gz"), gzip(jsonl.as_bytes())).unwrap();
    fs::write(tmp.path().join("t.txt"), format!("{bom}Plain body.\n")).unwrap();
    for f in ["b.jsonl", "b.jsonl.gz"] {
        let o = run_in(tmp.path(), &["clean", "-q", f]);
        assert!(o.status.success(), "{f}: {}", stderr(&o));
        assert_eq!(stdout(&o), "{\"id\":\"b\",\"text\":\"Body.\"}\n", "{f}");
    }
    // On stdin, the mark does not hide that it is JSONL.
    let o = deboil()
        .args(["clean", "-q"])
        .write_stdin(jsonl)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&o),
        "{\"id\":\"b\",\"text\":\"Body.\"}\n",
        "{}",
        stderr(&o)
    );
    let o = run_in(tmp.path(), &["clean", "-q", "t.txt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(lines_of(&stdout(&o))[0]["text"], "Plain body.\n");
}

/// A walked directory's entries that are not read (a link to a directory,
/// a dangling link, a pipe) are named on stderr, so a missing document is
/// never a surprise; `-q` silences it, and the files beside them are read.
#[cfg(unix)]
#[test]
fn entries_of_a_walked_directory_that_are_not_read_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    fs::create_dir_all(tmp.path().join("elsewhere")).unwrap();
    fs::write(tmp.path().join("elsewhere/x.txt"), "a page\n").unwrap();
    fs::create_dir(&d).unwrap();
    fs::write(d.join("a.txt"), "first page\n").unwrap();
    // A link to a file is read (one to a.txt would be a.txt named twice,
    // read once: a_file_named_twice_is_read_once).
    std::os::unix::fs::symlink("../elsewhere/x.txt", d.join("b.txt")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", d.join("dirlink")).unwrap();
    std::os::unix::fs::symlink("gone.txt", d.join("dangling.txt")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.join("pipe.txt"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let o = run_in(tmp.path(), &["clean", "d"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> = lines_of(&stdout(&o))
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["d/a.txt", "d/b.txt"]);
    let err = stderr(&o);
    for line in [
        "deboil: warning: d/dangling.txt not read: a symbolic link to nothing",
        "deboil: warning: d/dirlink not read: a symbolic link to a directory (not followed)",
        "deboil: warning: d/pipe.txt not read: not a regular file",
    ] {
        assert!(err.contains(line), "want {line:?} in {err}");
    }
    let o = run_in(tmp.path(), &["clean", "d", "-q"]);
    assert!(o.status.success() && o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn files_whose_names_are_not_utf8_keep_ids_and_baseline_keys_of_their_own() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    fs::create_dir(&d).unwrap();
    let junk = "Wir verwenden Cookies, um unser Angebot für Sie zu verbessern.";
    // Two names that differ only in a byte that is not UTF-8: a lossy name
    // (`a\u{fffd}.txt`) made them one id and one baseline key.
    let ff = d.join(OsStr::from_bytes(b"a\xff.txt"));
    let fe = d.join(OsStr::from_bytes(b"a\xfe.txt"));
    fs::write(
        &ff,
        format!("Hello world, this is the first text.\n{junk}\n"),
    )
    .unwrap();
    fs::write(
        &fe,
        format!("Another, quite different second text.\n{junk}\n"),
    )
    .unwrap();
    let o = run_in(tmp.path(), &["clean", "-q", "d"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> = lines_of(&stdout(&o))
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, [r"d/a\xFE.txt", r"d/a\xFF.txt"]);
    // A baseline accepting one file's junk does not accept the other's.
    let o = run_in(
        tmp.path(),
        &["check", "-q", "d", "--write-baseline", "b.json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    fs::write(
        &fe,
        format!("Another, quite different second text.\n{junk}\n{junk} Ja.\n"),
    )
    .unwrap();
    fs::write(&ff, "Hello world, this is the first text.\n").unwrap();
    let o = run_in(tmp.path(), &["check", "d", "--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o)
            .lines()
            .map(|l| l.split(": ").next().unwrap())
            .collect::<Vec<_>>(),
        [r"d/a\xFE.txt:3"],
        "{}",
        stdout(&o)
    );
    // A UTF-8 name spelling the escape itself would be the same name:
    // refused, naming both files, rather than merged.
    fs::write(d.join(r"a\xFF.txt"), "A third text.\n").unwrap();
    let o = run_in(tmp.path(), &["clean", "d"]);
    assert_fails_with(&o, r"two inputs go by the name d/a\xFF.txt");
    assert!(o.stdout.is_empty());
    // Folders so named are two sites, by their own name or a path pattern.
    for (name, text) in [(&b"s\xff"[..], "One."), (&b"s\xfe"[..], "Two.")] {
        let dir = tmp.path().join("sites").join(OsStr::from_bytes(name));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("p.txt"), text).unwrap();
    }
    for extra in [vec![], vec!["--site-from", "sites/([^/]+)/"]] {
        let mut args = vec!["clean", "-q", "sites"];
        args.extend(&extra);
        let o = run_in(tmp.path(), &args);
        assert!(o.status.success(), "{}", stderr(&o));
        let sites: Vec<String> = lines_of(&stdout(&o))
            .iter()
            .map(|v| v["site"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(sites, [r"s\xfe", r"s\xff"], "{extra:?}");
    }
}

#[test]
fn stdin_named_twice_is_a_usage_error() {
    for cmd in [["clean"], ["check"], ["dedup"], ["learn"]] {
        let o = deboil()
            .args(cmd)
            .args(["-", "-"])
            .write_stdin("{\"id\":\"x\",\"text\":\"hello there\"}\n")
            .output()
            .unwrap();
        common::assert_usage_error(&o, "stdin (-) is named more than once");
        assert!(o.stdout.is_empty(), "{cmd:?}: {}", stdout(&o));
    }
}

#[test]
fn a_file_named_twice_is_read_once() {
    // `data/*.jsonl data/a.jsonl`: clean, dedup and run read a.jsonl twice
    // (every document a copy of itself, its ids repeated, its text written
    // twice), while check read it once; `why` found each of its ids twice.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("data")).unwrap();
    fs::write(
        d.join("data/a.jsonl"),
        "{\"id\":\"1\",\"text\":\"One text about the harbour and its boats.\"}\n",
    )
    .unwrap();
    fs::write(
        d.join("data/b.jsonl"),
        "{\"id\":\"2\",\"text\":\"Two texts on bread prices and the bakers.\"}\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("data/a.jsonl", d.join("link.jsonl")).unwrap();
    let mut spellings = vec![
        (
            vec!["data", "./data/a.jsonl"],
            "warning: data/a.jsonl is named twice (again as ./data/a.jsonl): it is read once",
        ),
        (
            vec!["data/a.jsonl", "data/b.jsonl", "data/a.jsonl"],
            "warning: data/a.jsonl is named twice: it is read once",
        ),
    ];
    #[cfg(unix)]
    spellings.push((
        vec!["data/a.jsonl", "data/b.jsonl", "link.jsonl"],
        "warning: data/a.jsonl is named twice (again as link.jsonl): it is read once",
    ));
    for (paths, want) in &spellings {
        for cmd in ["clean", "dedup", "run", "learn", "report", "check"] {
            let mut args = vec![cmd];
            args.extend(paths);
            let o = run_in(d, &args);
            assert!(o.status.success(), "{cmd} {paths:?}: {}", stderr(&o));
            let err = stderr(&o);
            assert_eq!(
                err.matches("named twice").count(),
                1,
                "{cmd} {paths:?}: {err}"
            );
            assert!(err.contains(want), "{cmd} {paths:?}: {err}");
            assert!(
                !err.contains("repeats an earlier document's id"),
                "{cmd} {paths:?}: {err}"
            );
            // Two documents read, each once.
            match cmd {
                "clean" | "dedup" | "run" => {
                    assert_eq!(common::ids(&stdout(&o)), ["1", "2"], "{cmd} {paths:?}")
                }
                "learn" => assert!(err.contains("learn: 2 pages"), "{err}"),
                "report" => assert!(
                    err.contains("report: 2 documents, 2 would be kept"),
                    "{err}"
                ),
                _ => assert!(
                    err.contains("no findings in 2 documents of 2 files"),
                    "{err}"
                ),
            }
            // -q silences the warning, not the reading once.
            args.insert(1, "-q");
            let o = run_in(d, &args);
            assert!(!stderr(&o).contains("named twice"), "{}", stderr(&o));
            if matches!(cmd, "clean" | "dedup" | "run") {
                assert_eq!(common::ids(&stdout(&o)), ["1", "2"], "{cmd} -q {paths:?}");
            }
        }
        // `why` finds each id once, in its first place.
        let mut args = vec!["why", "1", "2"];
        args.extend(paths);
        let o = run_in(d, &args);
        assert!(o.status.success(), "why {paths:?}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("1 (data/a.jsonl:1) vs 2 (data/b.jsonl:1)"),
            "{}",
            stdout(&o)
        );
        assert_eq!(
            stderr(&o).matches("named twice").count(),
            1,
            "{}",
            stderr(&o)
        );
    }
    // Two different files are no repeat.
    for cmd in ["clean", "dedup", "learn", "check"] {
        let o = run_in(d, &[cmd, "data/a.jsonl", "data/b.jsonl"]);
        assert!(!stderr(&o).contains("named twice"), "{}", stderr(&o));
    }
}

#[test]
fn a_file_named_like_stdin_is_not_taken_for_it() {
    // A text page of caucasuswatch.de in a folder of that name, in a file
    // named `<stdin>`: it was taken for stdin, with stdin's id and key and
    // no site (so none of the site's rules applied).
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caucasuswatch.de");
    fs::create_dir(&dir).unwrap();
    let page = fs::read_to_string(
        common::fixtures().join("seeds/input/caucasuswatch.de/001_db30c925d4b12c96.txt"),
    )
    .unwrap();
    let blurb = "sucht lokale Experten";
    assert!(page.contains(blurb));
    fs::write(dir.join("<stdin>"), &page).unwrap();
    let o = run_in(&dir, &["clean", "-q", "<stdin>"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = lines_of(&stdout(&o));
    assert_eq!(
        (&out[0]["id"], &out[0]["site"]),
        (&json!("./<stdin>"), &json!("caucasuswatch.de"))
    );
    assert!(!out[0]["text"].as_str().unwrap().contains(blurb));
    // Beside stdin itself (refused as one name before): two ids.
    let o = deboil()
        .current_dir(&dir)
        .args(["clean", "-q", "--format", "text", "-", "<stdin>"])
        .write_stdin("Some other text.\n")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<Value> = lines_of(&stdout(&o))
        .iter()
        .map(|v| v["id"].clone())
        .collect();
    assert_eq!(ids, [json!("<stdin>"), json!("./<stdin>")]);
    // check names its findings so, and a baseline of stdin's findings does
    // not accept the file's.
    let o = deboil()
        .current_dir(&dir)
        .args([
            "check",
            "-q",
            "--format",
            "text",
            "-",
            "--write-baseline",
            "b.json",
        ])
        .write_stdin(page.clone())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_in(&dir, &["check", "<stdin>", "--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).lines().count() >= 3 && stdout(&o).lines().all(|l| l.starts_with("./<stdin>:")),
        "{}",
        stdout(&o)
    );
    // why tells the two places apart.
    let o = deboil()
        .current_dir(&dir)
        .args([
            "why",
            "--format",
            "text",
            "<stdin>:1",
            "./<stdin>:1",
            "-",
            "<stdin>",
        ])
        .write_stdin(page.clone())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `python -m deboil.spark data.jsonl out/` writes JSONL in Spark's text
/// parts (`out/part-00000-….txt`, beside an empty `_SUCCESS`). Read back
/// (`deboil run out/`), each part passed as ONE plain-text document of JSON
/// lines: nothing cleaned or compared, exit 0. A file its name makes text
/// whose first line is a JSON object holding the text field is now refused
/// as JSONL under another name, naming `--format jsonl`; text that merely
/// starts with a brace is still text.
#[test]
fn jsonl_under_a_text_name_is_refused_not_read_as_one_text() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds.jsonl");
    fs::copy(&seeds, out.join("part-00000-5f1e-c000.txt")).unwrap();
    fs::write(out.join("_SUCCESS"), "").unwrap();
    for cmd in ["run", "clean", "learn", "check"] {
        let written = tmp.path().join(format!("{cmd}.out"));
        let mut c = deboil();
        c.arg(cmd).arg(&out);
        if cmd != "check" {
            c.arg("-o").arg(&written);
        }
        let o = c.output().unwrap();
        assert_fails_with(
            &o,
            "part-00000-5f1e-c000.txt:1: holds JSONL (a JSON object with the text field `text` a line), \
             but its name makes it one plain-text document; give --format jsonl",
        );
        assert!(!written.exists(), "{cmd}");
    }
    // As the message says: read as JSONL, the parts give the records.
    let as_jsonl = deboil()
        .args(["run", "-q", "--format", "jsonl"])
        .arg(&out)
        .output()
        .unwrap();
    let direct = deboil().args(["run", "-q"]).arg(&seeds).output().unwrap();
    assert!(as_jsonl.status.success(), "{}", stderr(&as_jsonl));
    assert_eq!(stdout(&as_jsonl), stdout(&direct));
    // Text is still text: a brace that opens no JSON object, or a JSON
    // object without the text field (a note that quotes some config).
    let notes = tmp.path().join("notes");
    fs::create_dir(&notes).unwrap();
    fs::write(notes.join("a.txt"), "{braces} open this line of prose.\n").unwrap();
    fs::write(
        notes.join("b.txt"),
        "{\"retries\": 3}\nis what the config says.\n",
    )
    .unwrap();
    let o = deboil().args(["clean", "-q"]).arg(&notes).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    // And --format text reads the part as one text, as asked.
    let o = deboil()
        .args(["clean", "-q", "--format", "text"])
        .arg(out.join("part-00000-5f1e-c000.txt"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}
