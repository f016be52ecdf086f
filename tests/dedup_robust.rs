//! `deboil run` on junk no rule knows: site chrome is left out of the
//! signatures, so short articles of one site sharing a footer stay apart,
//! while a story copied to another site (with other chrome) is still found.

mod common;

use common::{deboil, ids, jsonl, stderr, stdout};

const SHORT: [&str; 8] = [
    "Shares of the mining group fell four percent after the quarterly figures came out.",
    "The city library opens a new reading room for children on the first floor next week.",
    "Heavy snow closed the mountain pass for the second time this winter, police said.",
    "The orchestra announced its new conductor, a violinist who grew up in the town.",
    "Farmers expect a smaller apple harvest after the late frost in April hit the blossoms.",
    "A new ferry line will link the two islands from June, the port authority said.",
    "The museum returned three paintings to the family of their original owner.",
    "Local elections were moved to October after a court ruling on the ballot papers.",
];

/// Lines a republishing site adds to every page: no shipped rule knows them.
const CHROME: &str = "More from our partners and the regional desk\n\
                      Readers who liked this also read the stories below\n\
                      Comments are reviewed by our moderators before they appear\n\
                      Our newsroom is looking for a night editor, apply by Friday\n\
                      Tips and corrections go to the desk at any hour of the day\n";

fn corpus() -> String {
    let mut docs: Vec<(&str, String)> = SHORT
        .iter()
        .map(|s| ("", format!("{s}\n{CHROME}")))
        .collect();
    // One real copy: the first story on another site, with other chrome.
    docs.push(("", format!("Wire report\n{}\nShare this page\n", SHORT[0])));
    let ids: Vec<String> = (0..docs.len()).map(|i| format!("d{i}")).collect();
    let with_ids: Vec<(&str, String)> = ids
        .iter()
        .zip(&docs)
        .map(|(id, (_, t))| (id.as_str(), t.clone()))
        .collect();
    // The first eight are one site's pages, the copy another site's (in
    // place of `jsonl`'s site: a repeated key is a bad record).
    jsonl(&with_ids)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let site = if i < SHORT.len() {
                "rep.example"
            } else {
                "wire.example"
            };
            l.replacen("\"site\":\"a.org\"", &format!("\"site\":\"{site}\""), 1) + "\n"
        })
        .collect()
}

fn run(args: &[&str]) -> Vec<String> {
    let o = deboil()
        .args(["run", "-q"])
        .args(args)
        .write_stdin(corpus())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    ids(&stdout(&o))
}

#[test]
fn shared_chrome_does_not_glue_short_articles() {
    let kept = run(&[]);
    // Every short article stays; the copy on the other site goes.
    let want: Vec<String> = (0..SHORT.len()).map(|i| format!("d{i}")).collect();
    assert_eq!(kept, want);
    // Signing whole texts, the chrome outweighs the short articles.
    let glued = run(&["--keep-template-lines"]);
    assert!(glued.len() < SHORT.len(), "{glued:?}");
}

#[test]
fn many_copies_of_few_stories_are_not_taken_for_template() {
    // fixtures/ holds each seed story in seven or eight forms (text files,
    // JSONL, compressed, cleaned): their lines recur, but as one story each.
    let kept = |extra: &[&str]| {
        let o = deboil()
            .args(["run", "-q", "fixtures/"])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        ids(&stdout(&o)).len()
    };
    assert_eq!(kept(&[]), kept(&["--keep-template-lines"]));
}
