//! `--site NAME` and `--site-from PATTERN`: a site for inputs that carry none.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// The seed articles as they are, in a folder whose name is no site.
fn seeds_in(dir: &Path) -> Vec<String> {
    fs::create_dir_all(dir).unwrap();
    let mut names = Vec::new();
    for e in fs::read_dir(fixtures().join("seeds/input/caucasuswatch.de")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        fs::copy(&p, dir.join(&name)).unwrap();
        names.push(name);
    }
    names.sort();
    names
}

fn expected(name: &str) -> String {
    fs::read_to_string(
        fixtures()
            .join("seeds/expected/caucasuswatch.de")
            .join(name),
    )
    .unwrap()
}

const BLURB: &str = "sucht lokale Experten";

#[test]
fn site_names_the_site_of_text_files_in_any_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("articles");
    let names = seeds_in(&dir);
    // In a folder named `articles`, the site's rules do not apply.
    let plain = tmp.path().join("plain");
    let o = deboil()
        .args(["clean", "-q", "--out-dir"])
        .arg(&plain)
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let kept = names
        .iter()
        .filter(|n| fs::read_to_string(plain.join(n)).unwrap().contains(BLURB))
        .count();
    assert!(kept >= 3, "{kept}");
    // With --site, every article comes out as the hand-checked output:
    // no recruitment blurb, no `date YYYY-MM` prefix.
    let out = tmp.path().join("out");
    let o = deboil()
        .args(["clean", "-q", "--site", "CaucasusWatch.de", "--out-dir"])
        .arg(&out)
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for n in &names {
        let got = fs::read_to_string(out.join(n)).unwrap();
        assert_eq!(got, expected(n), "{n}");
        assert!(!got.contains(BLURB) && !got.contains(" date 20"), "{n}");
    }
}

#[test]
fn site_applies_to_stdin_and_yields_to_a_record_site() {
    let text = fs::read_to_string(
        fixtures().join("seeds/input/caucasuswatch.de/001_db30c925d4b12c96.txt"),
    )
    .unwrap();
    let o = deboil()
        .args([
            "clean",
            "-q",
            "--format",
            "text",
            "--site",
            "caucasuswatch.de",
        ])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["site"], "caucasuswatch.de");
    assert!(!v["text"].as_str().unwrap().contains(BLURB));
    // A record's own site wins over --site; a record without one gets it.
    let jsonl = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "a", "site": "other.org", "text": text}),
        serde_json::json!({"id": "b", "text": text}),
    );
    let o = deboil()
        .args(["clean", "-q", "--site", "caucasuswatch.de"])
        .write_stdin(jsonl)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let docs: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(docs[0]["text"].as_str().unwrap().contains(BLURB));
    assert!(!docs[1]["text"].as_str().unwrap().contains(BLURB));
}

#[test]
fn site_from_takes_the_site_from_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("dump");
    // dump/caucasuswatch.de/2024/*.txt and dump/other.org/*.txt
    let names = seeds_in(&dump.join("caucasuswatch.de/2024"));
    fs::create_dir_all(dump.join("other.org")).unwrap();
    fs::copy(
        dump.join("caucasuswatch.de/2024").join(&names[1]),
        dump.join("other.org/x.txt"),
    )
    .unwrap();
    let o = deboil()
        .args(["clean", "-q", "--site-from", "dump/([^/]+)/"])
        .arg(&dump)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let docs: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), names.len() + 1);
    for d in &docs {
        let text = d["text"].as_str().unwrap();
        if d["id"].as_str().unwrap().contains("other.org") {
            assert_eq!(d["site"], "other.org");
            assert!(text.contains(BLURB));
        } else {
            assert_eq!(d["site"], "caucasuswatch.de");
            assert!(!text.contains(BLURB));
        }
    }
}

#[test]
fn site_from_fails_where_it_does_not_match_unless_site_is_given() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("articles");
    seeds_in(&dir);
    let o = deboil()
        .args(["clean", "-q", "--site-from", "dump/([^/]+)/"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_fails_with(
        &o,
        "000_d232dd632115a20c.txt: the site pattern `dump/([^/]+)/` matches no part of its path",
    );
    assert!(o.stdout.is_empty());
    // --site is the fallback for paths the pattern misses.
    let o = deboil()
        .args([
            "clean",
            "-q",
            "--site-from",
            "dump/([^/]+)/",
            "--site",
            "caucasuswatch.de",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains(BLURB));
    // Stdin has no path.
    let o = deboil()
        .args(["dedup", "-q", "--site-from", "dump/([^/]+)/"])
        .write_stdin("{\"text\": \"x\"}\n")
        .output()
        .unwrap();
    assert_fails_with(&o, "stdin has none");
}

#[test]
fn bad_site_flags_are_refused() {
    let o = deboil()
        .args(["clean", "--site-from", "a/b"])
        .output()
        .unwrap();
    assert_usage_error(&o, "has 0 capture groups; give exactly one");
    let o = deboil()
        .args(["learn", "--site-from", "(a)/(b)"])
        .output()
        .unwrap();
    assert_usage_error(&o, "has 2 capture groups");
    let o = deboil()
        .args(["check", "--site-from", "(a"])
        .output()
        .unwrap();
    assert_usage_error(&o, "bad regex");
    let o = deboil()
        .args(["why", "a", "b", "--site", " / "])
        .output()
        .unwrap();
    assert_usage_error(&o, "a site name must not be empty");
}

#[test]
fn check_and_learn_use_the_site_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("articles");
    seeds_in(&dir);
    // check: the site's own junk is reported only once the site is known.
    let o = deboil()
        .args(["check", "--only", "junk"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!stdout(&o).contains("caucasuswatch."), "{}", stdout(&o));
    let o = deboil()
        .args(["check", "--only", "junk", "--site", "caucasuswatch.de"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("caucasuswatch.recruitment"),
        "{}",
        stdout(&o)
    );
    // learn: rules are written for the site given.
    let o = deboil()
        .args([
            "learn",
            "-q",
            "--learn-min-site-pages",
            "2",
            "--site",
            "example.org",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("sites = [\"example.org\"]"),
        "{}",
        stdout(&o)
    );
}

/// Cleans one caucasuswatch.de page under each of the places `records`
/// give it (a `url`, a `metadata.url`) and asserts that the site's rules
/// applied to every copy.
fn assert_the_site_rules_apply(records: &[serde_json::Value]) {
    let text = fs::read_to_string(
        fixtures().join("seeds/input/caucasuswatch.de/001_db30c925d4b12c96.txt"),
    )
    .unwrap();
    let jsonl: String = records
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r["text"] = text.clone().into();
            format!("{r}\n")
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("pages.jsonl");
    fs::write(&input, jsonl).unwrap();
    let o = deboil().args(["clean", "-q"]).arg(&input).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let texts = id_texts(&stdout(&o), "text");
    assert_eq!(texts.len(), records.len());
    for (id, t) in &texts {
        let t = t.as_deref().unwrap();
        assert!(!t.contains(BLURB) && !t.contains(" date 20"), "{id}: {t}");
    }
}

#[test]
fn a_url_host_with_a_trailing_dot_is_the_same_site() {
    // `caucasuswatch.de.` is the fully qualified spelling of the same host:
    // the site's rules apply to its pages as to any other.
    assert_the_site_rules_apply(&[
        serde_json::json!({"id": "a", "url": "https://caucasuswatch.de./2024/a"}),
        serde_json::json!({"id": "b", "url": "https://www.CaucasusWatch.de.:443/b?x=1"}),
        serde_json::json!({"id": "c", "metadata": {"url": "http://caucasuswatch.de./c"}}),
    ]);
}

#[test]
fn a_url_given_to_site_gives_its_host_as_a_site_field_does() {
    // `--site https://www.caucasuswatch.de/` was the site
    // `https:_www.caucasuswatch.de_`: the site's rules did not apply.
    let text = fs::read_to_string(
        fixtures().join("seeds/input/caucasuswatch.de/001_db30c925d4b12c96.txt"),
    )
    .unwrap();
    let o = deboil()
        .args(["clean", "-q", "--format", "text"])
        .args(["--site", "https://www.CaucasusWatch.de/news/1.html"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["site"], "www.caucasuswatch.de");
    assert!(!v["text"].as_str().unwrap().contains(BLURB));
    let o = deboil()
        .args(["clean", "--site", "https:///path"])
        .output()
        .unwrap();
    assert_usage_error(&o, "`https:///path` is a URL with no host");
}

#[test]
fn a_url_host_is_read_as_browsers_read_it() {
    // `\` ends the host of a web URL for browsers (what follows is the
    // path), and `%63` is a `c`: these pages are on caucasuswatch.de, but
    // were taken for evil.example's and for `%63aucasuswatch.de`'s, and
    // the site's rules did not apply.
    assert_the_site_rules_apply(&[
        serde_json::json!({"id": "a", "url": r"https://caucasuswatch.de\@evil.example/a"}),
        serde_json::json!({"id": "b", "url": "https://%63aucasuswatch.de/b"}),
    ]);
}

/// Cleans a page with an ad line under each of the places `pages` give it
/// (an `id` and a `url` or `site`), with one rule removing the line scoped
/// `sites = [sites]`: the ids of the pages it was removed from.
fn ad_line_removed(pages: &[serde_json::Value], sites: &str) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let page = "Ein Absatz über Bücher und ihre Leser, lang genug für eine Seite.\n\nWerbung: alle Bücher halber Preis\n";
    let jsonl: String = pages
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p["text"] = page.into();
            format!("{p}\n")
        })
        .collect();
    fs::write(d.join("pages.jsonl"), jsonl).unwrap();
    let rules = format!(
        "sites = [\"{sites}\"]\n\n[[rule]]\nid = \"buecher.ad\"\nreason = \"ad line\"\nstarts_with = [\"Werbung:\"]\n"
    );
    fs::write(d.join("r.toml"), rules).unwrap();
    let o = deboil()
        .current_dir(d)
        .args(["clean", "-q", "--no-default-rules", "--rules", "r.toml"])
        .arg("pages.jsonl")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let texts = id_texts(&stdout(&o), "text");
    assert_eq!(texts.len(), pages.len());
    texts
        .into_iter()
        .filter(|(_, t)| !t.as_deref().unwrap().contains("Werbung"))
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn an_internationalized_site_is_one_site_however_written() {
    // `xn--bcher-kva.de` is how a URL's host (and DNS) writes bücher.de: a
    // rule for one spelling did not apply to pages named by the other.
    let pages = [
        serde_json::json!({"id": "url", "url": "https://xn--bcher-kva.de/a"}),
        serde_json::json!({"id": "upper", "site": "XN--BCHER-KVA.DE"}),
        serde_json::json!({"id": "escaped", "url": "https://b%C3%BCcher.de/b"}),
        serde_json::json!({"id": "unicode", "url": "https://Bücher.de/c"}),
        serde_json::json!({"id": "nfd", "site": "bu\u{308}cher.de"}),
    ];
    for site in ["bücher.de", "xn--bcher-kva.de"] {
        assert_eq!(
            ad_line_removed(&pages, site),
            ["url", "upper", "escaped", "unicode", "nfd"],
            "{site}"
        );
    }
}

#[test]
fn a_question_mark_in_a_site_pattern_matches_one_character() {
    // `?` matched one byte, so `b?cher.de` missed bücher.de (ü is two bytes
    // in UTF-8), and sites decoded from punycode hosts are Unicode.
    let pages = [
        serde_json::json!({"id": "punycode", "url": "https://xn--bcher-kva.de/a"}),
        serde_json::json!({"id": "unicode", "site": "bücher.de"}),
        serde_json::json!({"id": "ascii", "site": "bacher.de"}),
        serde_json::json!({"id": "two", "site": "büücher.de"}),
    ];
    for pattern in ["b?cher.de", "b?cher.*", "*?cher.de"] {
        let want: &[&str] = match pattern {
            "*?cher.de" => &["punycode", "unicode", "ascii", "two"],
            _ => &["punycode", "unicode", "ascii"],
        };
        assert_eq!(ad_line_removed(&pages, pattern), want, "{pattern}");
    }
}

#[test]
fn a_url_host_with_a_forbidden_code_point_once_decoded_is_no_host() {
    // Decoded, `%2f`, `%3a`, `%40` and `%20` put a `/`, `:`, `@` or space in
    // the host, which browsers refuse: the page of the first was taken for
    // caucasuswatch.de's (its rules applied), and the others made up sites
    // (`caucasuswatch.de:8080`, `evil@caucasuswatch.de`) in the report.
    assert_no_host(&[
        "https://evil.example%2f.caucasuswatch.de/a",
        "https://caucasuswatch.de%3a8080/b",
        "https://evil%40caucasuswatch.de/c",
        "https://a%20b.caucasuswatch.de/d",
    ]);
}

#[test]
fn a_url_host_with_a_percent_left_once_decoded_is_no_host() {
    // A `%` that starts no escape (`%2G`, a lone `%`) or that `%25` decodes
    // to is a forbidden domain code point for browsers: these pages were
    // taken for caucasuswatch.de's subdomains (its rules applied) and
    // made up sites such as `x%2g.caucasuswatch.de` in the report.
    assert_no_host(&[
        "https://x%2G.caucasuswatch.de/a",
        "https://x%.caucasuswatch.de/b",
        "https://x%25.caucasuswatch.de/c",
    ]);
}

/// Cleans and reports a caucasuswatch.de page under each of `urls` (in a
/// folder `data`) and asserts that none gives a host: the site's rules do
/// not apply, and the folder names the site.
fn assert_no_host(urls: &[&str]) {
    let text = fs::read_to_string(
        fixtures().join("seeds/input/caucasuswatch.de/001_db30c925d4b12c96.txt"),
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fs::create_dir(&data).unwrap();
    let jsonl: String = urls
        .iter()
        .map(|u| format!("{}\n", serde_json::json!({"id": u, "url": u, "text": text})))
        .collect();
    fs::write(data.join("pages.jsonl"), jsonl).unwrap();
    let o = deboil()
        .args(["clean", "-q"])
        .arg(data.join("pages.jsonl"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for (id, t) in id_texts(&stdout(&o), "text") {
        assert!(t.unwrap().contains(BLURB), "{id}");
    }
    let o = deboil()
        .args(["report", "-q", "--output-format", "json"])
        .arg(data.join("pages.jsonl"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let sites: Vec<&str> = report["sites"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["site"].as_str().unwrap())
        .collect();
    // No host: the folder names the site, as for a record without a URL.
    assert_eq!(sites, ["data"]);
}
