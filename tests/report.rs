//! `deboil report` and `--report FILE` on clean, dedup and run: contents,
//! formats, determinism, outputs left alone; progress on stderr.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

/// The fixtures that show every part of a report: rules at work (seeds),
/// copies across sites (syndicated), site chrome no rule knows (learn).
const CORPUS: [&str; 3] = [
    "fixtures/seeds.jsonl",
    "fixtures/syndicated.jsonl",
    "fixtures/learn/pages.jsonl",
];

fn report_json(extra: &[&str]) -> Value {
    let o = deboil()
        .args(["report", "--output-format", "json", "-q"])
        .args(CORPUS)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn report_holds_every_part() {
    let r = report_json(&[]);
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["tool"], "deboil");
    assert_eq!(r["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["command"], "report");
    assert_eq!(r["inputs"].as_array().unwrap().len(), 3);
    // Reproducible: the rule set's digest and the options.
    let digest = r["rules"]["digest"].as_str().unwrap();
    assert!(digest.len() == 32 && digest.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(r["options"]["shingle"], "char:7");
    assert_eq!(r["options"]["measure"], "containment");
    // Unset options are left out; the site of records naming none, which
    // scopes the rules, is an option of the run.
    assert!(r["options"].get("site").is_none(), "{}", r["options"]);
    let o = report_json(&["--site", "Example.ORG", "--site-from", "nope/([^/]+)/"]);
    assert_eq!(o["options"]["site"], "Example.ORG");
    assert_eq!(o["options"]["site_from"], "nope/([^/]+)/");
    // Documents, bytes, words in and out.
    let t = &r["totals"];
    assert_eq!(t["documents"], 25);
    assert!(t["bytes_out"].as_u64() < t["bytes_in"].as_u64());
    assert!(t["words_out"].as_u64() < t["words_in"].as_u64());
    assert!(t["very_short"].as_u64().unwrap() > 0, "{t}");
    // Removals per rule, most first, and per site.
    let removals = r["removals"].as_array().unwrap();
    let counts: Vec<u64> = removals
        .iter()
        .map(|x| x["removals"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let rule = |id: &str| removals.iter().find(|x| x["rule"] == id).cloned();
    assert_eq!(rule("caucasuswatch.cookie-notice").unwrap()["documents"], 7);
    let sites = r["sites"]["rows"].as_array().unwrap();
    assert_eq!(r["sites"]["count"], 5);
    let cw = sites
        .iter()
        .find(|s| s["site"] == "caucasuswatch.de")
        .unwrap();
    assert!(cw["removed_share"].as_f64().unwrap() > 0.05);
    assert_eq!(cw["top_rules"].as_array().unwrap().len(), 3);
    // Candidate rules: the learn fixture's menu (its share bar is a family rule's), with pages and an example.
    let lines = r["candidate_lines"]["lines"].as_array().unwrap();
    let menu = lines
        .iter()
        .find(|l| l["text"] == "Opinion")
        .expect("chrome line");
    assert_eq!(menu["site"], "dailybugle.example");
    assert_eq!(
        (menu["pages"].as_u64(), menu["site_pages"].as_u64()),
        (Some(9), Some(9))
    );
    // A rule removes the see-also line: it is no candidate.
    assert!(
        lines
            .iter()
            .all(|l| !l["text"].as_str().unwrap().contains("Siehe auch"))
    );
    // Duplicates: rate, sizes, the largest with a snippet, sites sharing them.
    let d = &r["duplicates"];
    assert_eq!(d["documents"], 25);
    let dropped = d["exact_dropped"].as_u64().unwrap() + d["near_dropped"].as_u64().unwrap();
    assert_eq!(d["kept"].as_u64().unwrap(), 25 - dropped);
    let sizes: u64 = d["cluster_sizes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_u64().unwrap())
        .sum();
    assert_eq!(sizes, d["clusters"].as_u64().unwrap());
    let largest = &d["largest"][0];
    assert!(largest["size"].as_u64().unwrap() >= 2);
    assert!(largest["snippet"].as_str().unwrap().chars().count() <= 121);
    let pair = d["site_pairs"].as_array().unwrap();
    assert!(
        pair.iter()
            .any(|p| p["sites"][0] == "caucasuswatch.de" && p["sites"][1] == "news.example.org"),
        "{pair:?}"
    );
    assert!(cw["duplicates"].as_u64().unwrap() > 0);
    // Lengths: every document in one bucket, before and after.
    for key in ["words_in", "words_out"] {
        let n: u64 = r["lengths"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum();
        assert_eq!(n, 25, "{key}");
    }
    assert_eq!(r["bad_records"]["count"], 0);
}

#[test]
fn report_does_not_depend_on_threads_or_batches() {
    let one = report_json(&["-j", "1"]);
    let many = report_json(&["-j", "4", "--batch-bytes", "2K"]);
    assert_eq!(one, many);
}

#[test]
fn report_flag_leaves_the_output_alone_and_matches_the_report_command() {
    let dir = tempfile::tempdir().unwrap();
    let plain = deboil().arg("run").args(CORPUS).arg("-q").output().unwrap();
    let rep = dir.path().join("r.json");
    let with = deboil()
        .arg("run")
        .args(CORPUS)
        .arg("-q")
        .arg("--report")
        .arg(&rep)
        .output()
        .unwrap();
    assert!(with.status.success(), "{}", stderr(&with));
    assert_eq!(plain.stdout, with.stdout);
    let mut from_run: Value = serde_json::from_str(&fs::read_to_string(&rep).unwrap()).unwrap();
    assert_eq!(from_run["command"], "run");
    from_run["command"] = "report".into();
    assert_eq!(from_run, report_json(&[]));
}

#[test]
fn clean_and_dedup_write_reports_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("clean.md");
    let o = deboil()
        .args(["clean", "-o"])
        .arg(dir.path().join("out.jsonl"))
        .args(CORPUS)
        .arg("--report")
        .arg(&md)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("# deboil report\n"), "{text}");
    for heading in [
        "## Removals per rule",
        "## Sites",
        "## Candidate rules",
        "## Document lengths",
    ] {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }
    // Cleaning only: no duplicates section; the chrome is still a candidate.
    assert!(!text.contains("## Duplicates"));
    assert!(
        text.contains("| dailybugle.example | Opinion | 9 of 9"),
        "{text}"
    );
    // Markdown for a job summary: tables, no HTML.
    assert!(text.contains("|---|"));
    assert!(!text.contains('<'), "{text}");

    let json = dir.path().join("dedup.json");
    let o = deboil()
        .args(["dedup", "-o"])
        .arg(dir.path().join("kept.jsonl"))
        .args(CORPUS)
        .arg("--report")
        .arg(&json)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(r["command"], "dedup");
    assert!(r["rules"].is_null() && r["removals"].as_array().unwrap().is_empty());
    assert!(r["duplicates"]["clusters"].as_u64().unwrap() > 0);
    assert_eq!(r["options"]["measure"], "jaccard");
    // The containment floor is no option of a Jaccard run (`dedup
    // --min-jaccard` is refused there), so the report does not list it.
    assert!(
        r["options"].get("min_jaccard").is_none(),
        "{}",
        r["options"]
    );
    // Without cleaning, words in and out are the same.
    assert_eq!(r["totals"]["words_in"], r["totals"]["words_out"]);
}

#[test]
fn html_report_is_one_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let o = deboil()
        .arg("report")
        .args(CORPUS)
        .arg("-o")
        .arg(&html)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let page = fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    for chart in [
        "chart rules",
        "chart sites",
        "chart dup-sites",
        "chart sizes",
        "chart lengths",
    ] {
        assert!(
            page.contains(&format!("<svg class=\"{chart}\"")),
            "{chart} missing"
        );
    }
    // Nothing fetched, nothing run.
    for bad in [
        "<script", "<link", "<img", "<iframe", "url(", "@import", "src=",
    ] {
        assert!(!page.contains(bad), "{bad} in the page");
    }
    let without_ns = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    // Texts from the inputs are escaped.
    assert!(!page.contains("<script>"));
}

#[test]
fn report_format_comes_from_the_flag_or_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    // Markdown on stdout by default.
    let o = deboil()
        .args(["report", "-q", "fixtures/seeds.jsonl"])
        .output()
        .unwrap();
    assert!(stdout(&o).starts_with("# deboil report"), "{}", stderr(&o));
    let txt = dir.path().join("r.txt");
    let o = deboil()
        .args(["report", "fixtures/seeds.jsonl", "-o"])
        .arg(&txt)
        .output()
        .unwrap();
    assert_usage_error(
        &o,
        "name a .json, .md or .html file, or give --output-format",
    );
    assert!(!txt.exists());
    let o = deboil()
        .args([
            "report",
            "-q",
            "fixtures/seeds.jsonl",
            "--output-format",
            "html",
            "-o",
        ])
        .arg(&txt)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        fs::read_to_string(&txt)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    let o = deboil()
        .args(["run", "fixtures/seeds.jsonl", "--report"])
        .arg(dir.path().join("r.pdf"))
        .output()
        .unwrap();
    assert_usage_error(&o, "--report");
    assert!(stderr(&o).contains(".json, .md or .html"));
    // The report is an output: never an input.
    let input = dir.path().join("in.json");
    fs::copy(fixtures().join("seeds.jsonl"), &input).unwrap();
    let o = deboil()
        .arg("clean")
        .arg(&input)
        .arg("--report")
        .arg(&input)
        .output()
        .unwrap();
    assert_fails_with(&o, "is an input file");
    assert_eq!(
        fs::read(&input).unwrap(),
        fs::read(fixtures().join("seeds.jsonl")).unwrap()
    );
}

#[test]
fn bad_records_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let good = fs::read_to_string(fixtures().join("seeds.jsonl")).unwrap();
    fs::write(&input, format!("{good}{{\"id\": \"broken\", \"text\": \n")).unwrap();
    let o = deboil()
        .args(["report", "--skip-bad", "--output-format", "json", "-q"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["bad_records"]["count"], 1);
    let msg = r["bad_records"]["messages"][0].as_str().unwrap();
    assert!(msg.contains("in.jsonl:6"), "{msg}");
}

#[test]
fn changed_documents_are_counted_as_the_runs_summary_counts_them() {
    // One document loses a rule's line, one only its trailing spaces (no
    // removal, but its text changed), one stays as it was.
    let docs = [
        (
            "junk",
            "A story about the harbour.\nCookie settings\n".to_string(),
        ),
        (
            "spaces",
            "Another story about the bridge.   \nIt opened today.".to_string(),
        ),
        ("same", "A third story about the market.".to_string()),
    ];
    let o = deboil()
        .args(["report", "--output-format", "json", "-"])
        .write_stdin(jsonl(&docs))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("3 documents (2 changed)"),
        "{}",
        stderr(&o)
    );
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["totals"]["changed"], 2, "{}", r["totals"]);
    assert_eq!(r["sites"]["rows"][0]["changed"], 2, "{}", r["sites"]);
}

#[test]
fn report_reads_text_trees_and_stdin() {
    let o = deboil()
        .args([
            "report",
            "-q",
            "--output-format",
            "json",
            "fixtures/seeds/input",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["totals"]["documents"], 5);
    assert_eq!(r["sites"]["rows"][0]["site"], "caucasuswatch.de");
    let o = deboil()
        .args(["report", "-q", "--output-format", "json"])
        .write_stdin(fs::read(fixtures().join("seeds.jsonl")).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["inputs"][0], "<stdin>");
    assert_eq!(r["totals"]["documents"], 5);
}

#[test]
fn progress_shows_with_verbose_and_never_with_quiet() {
    let run = |args: &[&str]| {
        let o = deboil()
            .args(args)
            .args(CORPUS)
            .arg("-o")
            .arg(Path::new("/dev/null"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    // Not a terminal: timed lines only with -v, the last one at the end.
    let v = run(&["clean", "-v"]);
    assert!(
        v.lines()
            .any(|l| l.starts_with("deboil: ") && l.contains("s done, 25 documents")),
        "{v}"
    );
    let plain = run(&["clean"]);
    assert!(!plain.contains("s done"), "{plain}");
    let quiet = run(&["run", "-q", "-v"]);
    // (Warnings, such as repeated ids, still show with -q.)
    assert!(
        !quiet.contains("s done") && !quiet.contains("deboil run:"),
        "{quiet}"
    );
    let v = run(&["run", "-v"]);
    assert!(v.contains("s done, 25 documents"), "{v}");
}

#[test]
fn markdown_cells_show_a_texts_entities_as_written() {
    // A line that reads `&amp;` in the text must not render as `&`: the
    // cells escape `&` as they escape `<` and `>`.
    let line = "Tom &amp; Jerry &lt;b&gt; sponsor corner for every reader";
    let md = markdown_report(&seeds_with_line(line));
    assert!(
        md.contains("| Tom &amp;amp; Jerry &amp;lt;b&amp;gt; sponsor corner for every reader |"),
        "{md}"
    );
}

#[test]
fn markdown_on_a_terminal_gets_no_control_characters_from_the_data() {
    // The Markdown report goes to stdout by default: an escape sequence in
    // a recurring line or an id reached the terminal raw (`ESC c` resets it).
    let mut docs = seeds_with_line("Sponsor corner \u{1b}c for every reader of this site");
    docs.push(("copy\u{1b}c", docs[0].1.clone()));
    let md = markdown_report(&docs);
    assert!(!md.contains('\u{1b}'), "{md}");
    assert!(md.contains("Sponsor corner \\u{1b}c for every"), "{md}");
}

#[test]
fn a_report_inside_a_folder_of_documents_is_refused() {
    // Written there, the report was read as a document by the next run over
    // the folder, which stopped on it: "out/report.json:1:1: malformed JSON".
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir(d.join("data")).unwrap();
    fs::copy(fixtures().join("seeds.jsonl"), d.join("data/seeds.jsonl")).unwrap();
    let run = |args: &str, report: &str| {
        let mut c = deboil();
        c.current_dir(d)
            .args(args.split(' '))
            .args(["--report", report]);
        c.output().unwrap()
    };
    let o = run("clean -q data --out-dir out", "out/report.json");
    assert_usage_error(
        &o,
        "--report out/report.json lies inside --out-dir out, where later runs would read it",
    );
    for cmd in ["clean", "dedup", "run"] {
        let o = run(&format!("{cmd} -q data -o x.jsonl"), "data/sub/report.md");
        assert_usage_error(
            &o,
            "--report data/sub/report.md lies inside the input directory data, where later runs",
        );
    }
    assert!(!d.join("out").exists() && !d.join("x.jsonl").exists());
    // Hidden there, as walks skip it: written, and a later run over the
    // folder reads its documents only.
    let o = run("clean -q data --out-dir out", "out/.report.json");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(d.join("out/.report.json").is_file());
    let o = deboil()
        .current_dir(d)
        .args(["clean", "-q", "out"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn copies_of_a_page_are_one_story_of_its_site() {
    // Learning counts a story's copies once; the report counted each copy
    // as a story once they were most of a site's pages: four copies of one
    // page made every line of it a candidate rule "on 4 stories", and ten
    // copies of a page among a site's others made its article lines
    // candidates and raised every line's stories by ten.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let pages = fs::read_to_string(fixtures().join("learn/pages.jsonl")).unwrap();
    let first: Value = serde_json::from_str(pages.lines().next().unwrap()).unwrap();
    let copies = |n: usize| -> String {
        (0..n)
            .map(|i| {
                let mut c = first.clone();
                c["id"] = format!("copy/{i}").into();
                c.to_string() + "\n"
            })
            .collect()
    };
    let candidates = |file: &str| -> Value {
        let o = deboil()
            .current_dir(d)
            .args(["report", "-q", "--output-format", "json", file])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        r["candidate_lines"].clone()
    };
    fs::write(d.join("copies.jsonl"), copies(4)).unwrap();
    let c = candidates("copies.jsonl");
    assert_eq!(
        (&c["count"], c["lines"].as_array().unwrap().len()),
        (&0.into(), 0),
        "{c}"
    );
    fs::write(d.join("pages.jsonl"), &pages).unwrap();
    fs::write(d.join("site.jsonl"), pages.clone() + &copies(10)).unwrap();
    let (alone, with) = (candidates("pages.jsonl"), candidates("site.jsonl"));
    let shown = |c: &Value| -> Vec<(String, u64)> {
        (c["lines"].as_array().unwrap().iter())
            .map(|l| {
                (
                    l["text"].as_str().unwrap().to_string(),
                    l["stories"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(with["count"], alone["count"]);
    assert_eq!(shown(&with), shown(&alone));
    assert_eq!(shown(&alone)[0].1, 8, "{alone}");
}

/// Four seed articles (ids a to d), each followed by `line`.
fn seeds_with_line(line: &str) -> Vec<(&'static str, String)> {
    let s = seed_texts();
    ["a", "b", "c", "d"]
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, format!("{}\n{line}\n", s[i])))
        .collect()
}

/// The Markdown report (stdout) of `docs` written as one JSONL file.
fn markdown_report(docs: &[(&str, String)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    fs::write(&input, jsonl(docs)).unwrap();
    let o = deboil()
        .args(["report", "-q"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn markdown_shows_every_row_the_json_report_holds() {
    // The Markdown report showed 15 of the 20 site pairs (and 30 of the 40
    // candidate lines) the JSON and HTML reports hold, saying nothing of
    // the rest: one story on seven sites is 21 pairs, 20 kept.
    let story = &seed_texts()[0];
    let docs: String = (0..7)
        .map(|i| {
            serde_json::json!({"id": format!("d{i}"), "site": format!("site{i}.example"), "text": story})
                .to_string()
                + "\n"
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    fs::write(&input, docs).unwrap();
    let run = |format: &str| {
        let o = deboil()
            .args(["report", "-q", "--output-format", format])
            .arg(&input)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let pairs = json["duplicates"]["site_pairs"].as_array().unwrap().len();
    assert_eq!(pairs, 20, "{json}");
    let md = run("markdown");
    let table = md.split("Sites sharing stories:").nth(1).expect(&md);
    let rows = table
        .lines()
        .skip_while(|l| !l.starts_with("|---"))
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .count();
    assert_eq!(rows, pairs, "{md}");
}

#[test]
fn the_reports_summary_says_what_a_run_would_keep() {
    // `report` writes no documents, yet its summary said "5 kept, 1 exact
    // and 2 near duplicates dropped", as if it had dropped them.
    let o = deboil()
        .args([
            "report",
            "fixtures/syndicated.jsonl",
            "--output-format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.contains("duplicates"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains(" would be kept, "), "{line}");
    assert!(line.contains(" duplicates found, "), "{line}");
    assert!(!line.contains("dropped"), "{line}");
    // Nor does the report itself say so; `run --report` dropped them.
    let md = |args: &[&str]| {
        let o = deboil().args(args).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let report = md(&["report", "-q", "fixtures/syndicated.jsonl"]);
    assert!(report.contains("| duplicates found | 3 "), "{report}");
    let tmp = tempfile::tempdir().unwrap();
    let (out, rep) = (tmp.path().join("out.jsonl"), tmp.path().join("r.md"));
    let (out, rep) = (out.to_str().unwrap(), rep.to_str().unwrap());
    md(&[
        "run",
        "-q",
        "fixtures/syndicated.jsonl",
        "--report",
        rep,
        "-o",
        out,
    ]);
    let report = fs::read_to_string(rep).unwrap();
    assert!(report.contains("| duplicates dropped | 3 "), "{report}");
}
