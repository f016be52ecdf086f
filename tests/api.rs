//! The library used as another Rust program would: objects held in memory
//! and shared across threads, no files (but for one `deboil_io` job run).

use std::sync::Arc;

use deboil_core::clean::{CleanOptions, Cleaner};
use deboil_core::dedup::{DedupOptions, Deduper};
use deboil_core::extract::ExtractOptions;
use deboil_core::learn::{LEARNED_SOURCE, LearnOptions, learn};
use deboil_core::minhash::{Scheme, Shingling, Signer};
use deboil_core::rules::{RuleSet, RuleSource, Toggles};
use deboil_core::why;

const COOKIES: &str = "We use cookies to improve your experience.";

/// A text whose junk comes after multibyte characters ("ä", "—", "é"), so
/// byte and character offsets differ.
fn text_with_junk() -> String {
    format!(
        "Grüße aus Köln — ein Überblick\n\nThe café reopened on Monday — après the floods.\n\n{COOKIES}\n\nMore of the story.\n"
    )
}

fn cleaner() -> Cleaner {
    Cleaner::new(RuleSet::embedded().unwrap(), CleanOptions::default())
}

#[test]
fn a_cleaner_is_shared_across_threads_with_the_same_result() {
    let cleaner = Arc::new(cleaner());
    let text = Arc::new(text_with_junk());
    let want = cleaner.clean(&text, "example.com");
    assert!(!want.text.contains("cookies"));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            // Half share the Arc, half own a clone (cheap: rules are behind an Arc).
            let (shared, owned) = (Arc::clone(&cleaner), (*cleaner).clone());
            let text = Arc::clone(&text);
            std::thread::spawn(move || {
                let c: &Cleaner = if i % 2 == 0 { &shared } else { &owned };
                let out = c.clean(&text, "example.com");
                (
                    out.text.clone(),
                    out.removals.clone(),
                    c.explain(&text, &out),
                )
            })
        })
        .collect();
    for h in handles {
        let (t, removals, explained) = h.join().unwrap();
        assert_eq!(t, want.text);
        assert_eq!(removals, want.removals);
        assert_eq!(explained, cleaner.explain(&text, &want));
    }
}

#[test]
fn explain_gives_rule_ids_and_offsets_into_the_original() {
    let cleaner = cleaner();
    let text = text_with_junk();
    let out = cleaner.clean(&text, "example.com");
    assert_eq!(
        out.text,
        "Grüße aus Köln — ein Überblick\n\nThe café reopened on Monday — après the floods.\n\nMore of the story.\n"
    );
    let why = cleaner.explain(&text, &out);
    assert_eq!(why.len(), 1, "{why:?}");
    let r = &why[0];
    assert_eq!((r.rule.as_str(), r.action), ("en.cookie-notice", "line"));
    assert_eq!(&text[r.start..r.end], COOKIES);
    // Character offsets index the same text, and differ from the bytes.
    let by_chars: String = text
        .chars()
        .skip(r.char_start)
        .take(r.char_end - r.char_start)
        .collect();
    assert_eq!(by_chars, COOKIES);
    assert_eq!(r.char_start, text[..r.start].chars().count());
    assert!(r.char_start < r.start);
    // The same removals as `Cleaned` holds, with their ids.
    assert_eq!(
        (out.removals[0].start, out.removals[0].end),
        (r.start, r.end)
    );
    assert_eq!(out.removals[0].cause.id(cleaner.rules()), r.rule);
}

const JUNK: [&str; 3] = [
    "Subscribe to our newsletter for the best stories of the week",
    "Follow us on social media and share this article with friends",
    "All rights reserved by the Daily Example media group",
];

/// One page of `news.example`: a title, a body of its own, the site's junk.
fn news_page(town: &str, topic: &str) -> String {
    format!(
        "{town} votes on the {topic}\n\
         {town} residents gathered in the town hall on Tuesday evening to discuss the future of the {topic}, which has been debated for years.\n\
         Supporters of the {topic} plan said that it would bring jobs and visitors to {town}, while critics worried about the cost to the taxpayers.\n\
         A final decision about the {topic} in {town} is expected before the end of the summer, the mayor told the local press.\n\
         {}\n{}\n{}\n",
        JUNK[0], JUNK[1], JUNK[2]
    )
}

const TOWNS: [&str; 8] = [
    "Ashford", "Bexley", "Carlow", "Dunmore", "Elgin", "Fenwick", "Glenrock", "Hartley",
];
const TOPICS: [&str; 8] = [
    "bridge", "school", "harbour", "library", "market", "railway", "hospital", "stadium",
];

#[test]
fn learned_rules_compile_and_clean_that_site_only() {
    let pages: Vec<(String, String)> = TOWNS
        .iter()
        .zip(TOPICS)
        .map(|(town, topic)| ("news.example".to_string(), news_page(town, topic)))
        .collect();
    let learned = learn(&pages, &LearnOptions::default());
    assert_eq!(learned.pages, 8);
    assert!(!learned.rules.is_empty());
    assert!(learned.rules.iter().all(|r| r.site == "news.example"));
    let toml = learned.to_toml();
    for junk in JUNK {
        assert!(toml.contains(junk), "{junk:?} not in\n{toml}");
    }
    assert!(
        !toml.contains("votes on the"),
        "a title was learned:\n{toml}"
    );

    let source = learned.rule_source();
    assert_eq!(
        (source.name.as_str(), source.learned),
        (LEARNED_SOURCE, true)
    );
    assert_eq!(source.text, toml);
    let rules = RuleSet::compile(&[source], &Toggles::default()).unwrap();
    assert!(rules.rules.iter().all(|r| r.learned));
    // The TOML is an ordinary rule file too.
    RuleSet::compile(
        &[RuleSource::new("learned.toml", toml)],
        &Toggles::default(),
    )
    .unwrap();

    let cleaner =
        Cleaner::with_rules(rules).with_extractor(learned.extractor(ExtractOptions::default()));
    assert!(cleaner.extracts());
    let fresh = news_page("Kilbride", "airport");
    let out = cleaner.clean(&fresh, "news.example");
    for junk in JUNK {
        assert!(!out.text.contains(junk), "{junk:?} kept:\n{}", out.text);
    }
    assert!(
        out.text.contains("Kilbride residents gathered"),
        "{}",
        out.text
    );
    assert!(out.text.contains("A final decision about the airport"));
    assert!(out.text.starts_with("Kilbride votes on the airport\n"));
    let why = cleaner.explain(&fresh, &out);
    assert_eq!(why.len(), 3, "{why:?}");
    assert!(
        why.iter()
            .all(|r| r.rule.starts_with("learned.news.example."))
    );
    // Another site keeps those lines: the rules are scoped to news.example.
    let other = cleaner.clean(&fresh, "other.example");
    for junk in JUNK {
        assert!(
            other.text.contains(junk),
            "{junk:?} removed:\n{}",
            other.text
        );
    }
}

#[test]
fn a_deduper_in_memory_finds_copies() {
    let story = "The council met on Monday and decided that the old bridge over \
                 the river will be rebuilt in the spring, after years of debate \
                 about its cost and the disruption to traffic in the town centre.";
    let mut d = Deduper::new(DedupOptions::default());
    d.push("a", story);
    d.push(
        "b",
        "Weather: sunny, later some rain in the hills and the valleys.",
    );
    d.push("c", &story.to_uppercase());
    d.push("d", &format!("{story} Updated on Tuesday."));
    let found = d.finish();
    assert_eq!(found.len(), 4);
    assert_eq!(found.clusters.len(), 1);
    assert_eq!(found.cluster_size(0), 3);
    assert_eq!([found.dup_of(2), found.dup_of(3)], [Some("a"), Some("a")]);
    assert!(found.is_kept(0) && found.is_kept(1));
    let kept: Vec<&str> = (0..found.len())
        .filter(|&i| found.is_kept(i))
        .map(|i| found.id(i))
        .collect();
    assert_eq!(kept, ["a", "b"]);
}

#[test]
fn why_compares_two_texts_and_renders_a_report() {
    let signer = Signer::new(Shingling::Words(3), 128, Scheme::Oph);
    let a = "Über Köln: the minister met his colleague in Baku on Monday — said officials.";
    let b = "Elsewhere. The Minister met his colleague in Baku on Monday; no more.";
    let c = why::compare(&signer, a, b);
    assert_eq!(c.passages.len(), 1);
    let p = &c.passages[0];
    assert_eq!(
        &a[p.bytes.clone()],
        "the minister met his colleague in Baku on Monday"
    );
    let s = c.shingles;
    assert!(s.shared > 0 && s.shared < s.first.min(s.second));
    assert_eq!(
        c.jaccard,
        s.shared as f64 / (s.first + s.second - s.shared) as f64
    );
    assert_eq!(
        c.containment,
        s.shared as f64 / s.first.min(s.second) as f64
    );
    let report = c.render(a, ["left", "right"]);
    assert!(report.starts_with("left vs right\n"), "{report}");
    assert!(report.contains(&format!(
        "exact Jaccard of word:3 shingles: {:.3}",
        c.jaccard
    )));
    assert!(report.contains("\"the minister met his colleague in Baku on Monday\""));
    let same = why::compare(&signer, a, a);
    assert_eq!((same.jaccard, same.containment), (1.0, 1.0));
}

#[test]
fn a_clean_job_runs_from_rust_into_memory() {
    use deboil_io::jobs::SideOutputs;
    use deboil_io::jobs::clean::{CleanJob, Sink};
    use deboil_io::pipeline::ReadOptions;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    let docs = [
        serde_json::json!({"id": "one", "site": "example.com", "text": text_with_junk(), "extra": [1, 2]}),
        serde_json::json!({"id": "two", "site": "example.com", "text": "Plain text.\n"}),
    ];
    let input: String = docs.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(&path, input).unwrap();

    let job = CleanJob {
        cleaner: cleaner(),
        read: ReadOptions::default(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let inputs = deboil_io::read::collect_inputs(&[path]).unwrap();
    let (mut out, mut explain) = (Vec::new(), Vec::new());
    let side = SideOutputs {
        explain: Some(Box::new(&mut explain)),
        ..Default::default()
    };
    let summary = job
        .run(inputs, &pool, Sink::Jsonl(Box::new(&mut out)), side)
        .unwrap();
    assert_eq!((summary.docs, summary.changed_docs), (2, 1));
    assert_eq!(summary.bytes_in, (text_with_junk().len() + 12) as u64);

    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "one");
    assert_eq!(lines[0]["extra"], serde_json::json!([1, 2]));
    let want = cleaner().clean(&text_with_junk(), "example.com").text;
    assert_eq!(lines[0]["text"], want.as_str());
    assert_eq!(lines[1]["text"], "Plain text.\n");

    let explain: Vec<serde_json::Value> = String::from_utf8(explain)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(explain.len(), 1);
    assert_eq!(explain[0]["rule"], "en.cookie-notice");
    assert_eq!(explain[0]["text"], COOKIES);
    assert_eq!(explain[0]["id"], "one");
}
