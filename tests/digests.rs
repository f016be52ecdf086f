//! The two digests a user meets: `--version`'s covers the built-in rule
//! files alone, a report's cleaning digest everything that decides the
//! cleaning. They differ by design, so each is labelled, and a report names
//! `--version`'s beside its own.

mod common;

use std::fs;

use common::{deboil, fixtures, stderr, stdout};

fn version_digest() -> String {
    let o = deboil().arg("--version").output().unwrap();
    let v = stdout(&o);
    let (_, d) = v
        .trim_end()
        .split_once("built-in rules ")
        .unwrap_or_else(|| panic!("{v}"));
    d.trim_end_matches(')').to_string()
}

#[test]
fn reports_label_the_cleaning_digest_and_name_the_versions_digest() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let input = fixtures().join("syndicated.jsonl");
    let built_in = version_digest();
    assert_eq!(built_in.len(), 16, "{built_in}");

    let json = d.join("r.json");
    let o = deboil()
        .args(["report", "-q", "-o"])
        .arg(&json)
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let cleaning = r["rules"]["digest"].as_str().unwrap().to_string();
    assert_eq!(r["rules"]["built_in_rules"], built_in.as_str());
    assert_ne!(cleaning, built_in);

    for (name, labels) in [
        ("r.md", ["cleaning digest `", "| built-in rules digest | `"]),
        (
            "r.html",
            [">cleaning digest</span>", "<td>built-in rules digest</td>"],
        ),
    ] {
        let path = d.join(name);
        let o = deboil()
            .args(["report", "-q", "-o"])
            .arg(&path)
            .arg(&input)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let text = fs::read_to_string(&path).unwrap();
        for l in labels {
            assert!(text.contains(l), "{name}: want {l:?}");
        }
        assert!(
            text.contains(&cleaning) && text.contains(&built_in),
            "{name}"
        );
        assert!(
            text.contains("--version"),
            "{name} says which digest is --version's"
        );
    }

    // Without the built-in rules there is no built-in digest to name.
    let o = deboil()
        .args([
            "report",
            "-q",
            "--output-format",
            "json",
            "--no-default-rules",
        ])
        .arg("--rules")
        .arg(fixtures().join("../rules/common-en.toml"))
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(r["rules"]["built_in_rules"].is_null(), "{}", r["rules"]);
}
