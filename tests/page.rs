//! Bodies of single pages: `clean --page-body`, and `clean --learn` on sites
//! with too few pages to learn from.

mod common;

use std::fs;

use common::{assert_usage_error, deboil, expected_jsonl, id_texts, stderr, stdout};

const ARTICLE: &str = "The council met on Monday and decided that the old bridge over the river will be rebuilt in the spring.\n\n\
It is the first time in ten years that the town has had the money for such a project, the mayor said.\n\n\
Work is to start in March, and the road will be closed to cars for about six months while it is done.\n";

/// A whole page of `site`: menu, article, related links, footer.
fn page(site: &str) -> String {
    format!(
        "{site} - Bridge to be rebuilt\nHome\nNews\nSport\nWeather\nCulture\nJobs\nContact | About us\n\
         Bridge to be rebuilt\n{ARTICLE}Read more\nFlood warning for the valley\nSchool to close in summer\n\
         Share this article\nTerms of use\nPrivacy policy\nSite map\n"
    )
}

#[test]
fn single_pages_keep_only_their_body_and_name_each_removal() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("pages.jsonl");
    let sites = ["gazette.example", "courier.example", "herald.example"];
    let jsonl: String = sites
        .iter()
        .map(|s| serde_json::json!({"id": s, "site": s, "text": page(s)}).to_string() + "\n")
        .collect();
    fs::write(&input, jsonl).unwrap();
    let want = format!("Bridge to be rebuilt\n{ARTICLE}");

    for flag in ["--page-body", "--learn"] {
        let explain = tmp.path().join(format!("explain{flag}.jsonl"));
        let o = deboil()
            .args(["clean", "-q", flag])
            .arg(&input)
            .arg("--explain")
            .arg(&explain)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        for (id, text) in id_texts(&stdout(&o), "text") {
            assert_eq!(text.as_deref(), Some(want.as_str()), "{flag} {id}");
        }
        let rules: std::collections::BTreeSet<String> =
            id_texts(&fs::read_to_string(&explain).unwrap(), "rule")
                .into_iter()
                .filter_map(|(_, r)| r)
                .collect();
        assert!(rules.contains("page.outside-body"), "{flag}: {rules:?}");
        // Only with --learn does the input tell which lines recur on other
        // sites: "Share this article" is on all three.
        assert_eq!(
            rules.contains("page.cross-site"),
            flag == "--learn",
            "{rules:?}"
        );
    }
}

#[test]
fn page_body_leaves_clean_text_alone_and_refuses_learn() {
    let o = deboil()
        .args(["clean", "--page-body", "fixtures/seeds.expected.jsonl"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        id_texts(&stdout(&o), "text"),
        id_texts(&expected_jsonl(), "text")
    );
    let o = deboil()
        .args(["clean", "--page-body", "--learn", "fixtures/seeds.jsonl"])
        .output()
        .unwrap();
    assert_usage_error(&o, "--page-body");
}
