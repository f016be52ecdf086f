//! Learning on small sites built for each case.
use super::*;

/// Openings that differ: a story line is not a template.
const STORIES: [&str; 6] = [
    "Rain fell on the town all through the night",
    "A cat climbed the tallest tree in the park",
    "The mayor opened the new school on Friday",
    "Two boats collided in the harbour at dawn",
    "Bread prices rose for the third month running",
    "The choir sang in the cathedral for charity",
];

fn page(i: usize, body: &str) -> String {
    format!(
        "Home\nNews\nSport\n{body}: {} and more.\n\
         Copyright 2024 Example Media, all rights reserved here\n",
        STORIES[i]
    )
}

#[test]
fn learns_recurring_lines_with_numbers_folded() {
    let mut l = Learner::new(LearnOptions::default());
    for i in 0..6 {
        let text = format!(
            "{}Issue Nr. {} of the weekly paper\n",
            page(i, "Story"),
            10 + i
        );
        l.add("a.example", &text);
    }
    let learned = l.finish();
    // The short nav lines form a block of their own: template, not a rule.
    let counts: Vec<usize> = learned.rules.iter().map(|r| r.lines.len()).collect();
    assert_eq!(counts, vec![2]);
    assert_eq!(learned.rules[0].pages, 6);
    assert!(learned.models["a.example"].template.len() >= 5);
}

#[test]
fn copies_of_one_story_count_once() {
    let mut l = Learner::new(LearnOptions::default());
    let story = "A long quoted paragraph of the wire story that several pages carry verbatim.\n\
                 Another long sentence from that very same wire story, also carried verbatim.\n";
    for i in 0..3 {
        l.add(
            "b.example",
            &format!("Intro {i} differs on every page of the site.\n{story}"),
        );
    }
    for i in 0..3 {
        l.add("b.example", &page(i, "Other"));
    }
    let learned = l.finish();
    let story_hash = PageLines::of(story).hashes()[0];
    assert!(!learned.models["b.example"].template.contains(&story_hash));
}

/// Pages with the same long lines are copies however many there are,
/// unless they differ as read (in a number).
#[test]
fn copies_are_pages_of_the_same_long_lines_as_read() {
    let frame = "Read the full edition in our digital library with pictures\n\
                 The library is available to subscribers of the digital edition only\n";
    let story = "A long quoted paragraph of the wire story that several pages carry verbatim.\n\
                 Another long sentence from that very same wire story, also carried verbatim.\n";
    let template_of = |pages: &[String]| {
        let mut l = Learner::new(LearnOptions::default());
        for p in pages {
            l.add("v.example", p);
        }
        l.finish().models["v.example"].template.clone()
    };
    let hash = |line: &str| PageLines::of(line).hashes()[0];
    // Six re-crawls of a story (a short line of their own each) and three
    // other pages: its lines are not template.
    let mut pages: Vec<String> = (0..6)
        .map(|i| {
            format!(
                "Seen by reader {}\n{story}",
                STORIES[i].split(' ').nth(1).unwrap()
            )
        })
        .collect();
    pages.extend((0..3).map(|i| page(i, "Other")));
    assert!(!template_of(&pages).contains(&hash(story)));
    // Six pages that differ in a number only (line hashes fold numbers):
    // six pages, and their shared line is template.
    let pages: Vec<String> = (0..6)
        .map(|i| format!("Daily figure {i} of the regional statistics office for today.\n{frame}"))
        .collect();
    assert!(template_of(&pages).contains(&hash(frame)));
}

#[test]
fn small_sites_learn_nothing() {
    let mut l = Learner::new(LearnOptions::default());
    for i in 0..4 {
        l.add("c.example", &page(i, "Story"));
    }
    let learned = l.finish();
    assert!(learned.rules.is_empty());
    assert_eq!(learned.sites_skipped, 1);
}

#[test]
fn toml_compiles_and_examples_pass() {
    let pages: Vec<(&str, String)> = (0..6).map(|i| ("d.example", page(i, "Story"))).collect();
    let learned = learn(&pages, &LearnOptions::default());
    let toml = learned.to_toml();
    let rules = crate::rules::RuleSet::compile(
        &[crate::rules::RuleSource::new("learned.toml", toml.clone())],
        &crate::rules::Toggles::default(),
    )
    .unwrap();
    assert_eq!(rules.rules.len(), 1, "{toml}");
    let cleaner = crate::clean::Cleaner::with_rules(rules);
    let results = crate::examples::run_examples(&cleaner);
    assert!(results.iter().all(|r| r.passed()));
    assert!(toml.contains("fold_digits = true"));
}

#[test]
fn lines_too_long_for_a_phrase_become_openings_or_stay() {
    // A long notice recurs: it is matched by its opening words. A long token
    // shared by pages (a tracking id) has no word boundary to cut at: a rule
    // file would refuse it whole, so it is left out.
    let notice: String = (0..300).map(|i| format!("clause{i} ")).collect();
    let token = "x".repeat(2000);
    let pages: Vec<(&str, String)> = (0..6)
        .map(|i| {
            (
                "a.example",
                format!("{}{notice}\n{token}\n", page(i, "Story")),
            )
        })
        .collect();
    let learned = learn(&pages, &LearnOptions::default());
    let toml = learned.to_toml();
    assert!(!toml.contains("xxxxxxxxxx"), "{toml}");
    assert!(
        toml.contains("starts_with = [\n  \"clause0 clause1 "),
        "{toml}"
    );
    assert!(toml.contains("Copyright 2024 Example Media"), "{toml}");
    let rules = learned.rule_set().expect("learned rules compile");
    let cleaned = crate::Cleaner::with_rules(rules).clean(&pages[0].1, "a.example");
    assert!(!cleaned.text.contains("clause299"), "{}", cleaned.text);
    assert!(cleaned.text.contains(&token));
}

#[test]
fn toml_compiles_whatever_the_site_names() {
    // Sites as a library caller may pass them: spaces, a slash, glob
    // characters, a no-break space, and two that one rule id would share.
    let sites = ["a b", "a_b", "x/y", "w*?[", "n\u{a0}b"];
    let pages: Vec<(&str, String)> = sites
        .iter()
        .flat_map(|s| (0..6).map(move |i| (*s, page(i, "Story"))))
        .collect();
    let learned = learn(&pages, &LearnOptions::default());
    let toml = learned.to_toml();
    let rules = crate::rules::RuleSet::compile(
        &[crate::rules::RuleSource::new("learned.toml", toml.clone())],
        &crate::rules::Toggles::default(),
    )
    .unwrap_or_else(|e| panic!("{e}\n{toml}"));
    assert_eq!(rules.rules.len(), sites.len(), "{toml}");
    for site in sites {
        let covering: Vec<&str> = rules
            .rules
            .iter()
            .filter(|r| r.scope.covers(site))
            .map(|r| r.id.as_str())
            .collect();
        assert!(!covering.is_empty(), "no rule covers {site:?}\n{toml}");
    }
}

#[test]
fn site_names_are_trimmed_lowercase_without_spaces_or_slashes() {
    use crate::rules::site_name;
    assert_eq!(site_name("  News.Example.ORG \n"), "news.example.org");
    assert_eq!(site_name("a b"), "a_b");
    assert_eq!(site_name("a \t/ b//c"), "a_b_c");
    assert_eq!(site_name("/x/"), "x");
    assert_eq!(site_name("a\u{a0}b"), "a_b");
    assert_eq!(site_name(" \t"), "");
}

/// Distinct words without digits (keys fold digits, so numbered lines
/// would all be one line).
fn word(mut n: usize) -> String {
    let mut w = String::new();
    loop {
        w.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return w;
        }
    }
}

#[test]
fn examples_are_first_texts_whether_kept_while_counting_or_read_again() {
    // A first page past the budget of kept texts: the line that recurs
    // from the third page on is found again on the pages that hold it.
    let archive: String = (0..60_000)
        .map(|i| format!("archive entry {} {}\n", word(i), word(i + 7)))
        .collect();
    let late = [
        "JOIN our Club 7 today for daily news",
        "Join our club 8 today for daily news",
    ];
    let mut pages = vec![(
        "e.example".to_string(),
        format!("{}{archive}", page(0, "Story")),
    )];
    for i in 1..6 {
        let extra = if i >= 2 { late[usize::from(i > 2)] } else { "" };
        pages.push((
            "e.example".to_string(),
            format!("{}{extra}\n", page(i, "Story")),
        ));
    }
    let mut l = Learner::new(LearnOptions::default());
    for (site, text) in &pages {
        l.add(site, text);
    }
    let counted = l.finish();
    // Page 2 holds the late line's first text; the others came from the kept page.
    assert_eq!(counted.pages_to_read(), &[2]);
    let learned = learn(&pages, &LearnOptions::default());
    let toml = learned.to_toml();
    assert!(toml.contains(late[0]), "{toml}");
    assert!(!toml.contains(late[1]), "{toml}");
    assert!(toml.contains("Copyright 2024 Example Media"), "{toml}");
    // Small sites keep everything: nothing to read again.
    let mut l = Learner::new(LearnOptions::default());
    for i in 0..6 {
        l.add("f.example", &page(i, "Story"));
    }
    let counted = l.finish();
    assert!(counted.pages_to_read().is_empty());
    assert_eq!(counted.missing_examples(), 0);
}

#[test]
fn a_header_between_the_paragraphs_of_each_story_is_article_text() {
    let mut l = Learner::new(LearnOptions::default());
    for s in STORIES {
        // A series' section header recurs on every story, inside its text;
        // the newsletter blurb recurs after it, among template lines.
        let text = format!(
            "Home\nNews\n{s}, said a witness who saw it all from the start.\n\
             What is the big idea here?\n\
             Later on, {s}: that is how the paper told the story.\n\
             Subscribe to our newsletter for daily updates now\nContact us\n"
        );
        l.add("h.example", &text);
    }
    let learned = l.finish();
    let hash = |line: &str| PageLines::of(line).hashes()[0];
    let template = &learned.models["h.example"].template;
    assert!(template.contains(&hash("Subscribe to our newsletter for daily updates now")));
    assert!(!template.contains(&hash("What is the big idea here?")));
    assert!(learned.rules.iter().all(|r| {
        !r.lines
            .contains(&Unit::Line(hash("What is the big idea here?")))
    }));
}

#[test]
fn pages_of_no_site_are_counted_and_learn_nothing() {
    let mut l = Learner::new(LearnOptions::default());
    for i in 0..8 {
        let text = format!(
            "Story {i} about the harbour and the ships that came in today.\n\
             Subscribe to our newsletter for daily updates now\n"
        );
        l.add("", &text);
        if i < 6 {
            l.add("n.example", &text);
        }
    }
    let counted = l.finish();
    assert_eq!(counted.pages, 14);
    assert_eq!(counted.pages_without_site, 8);
    assert_eq!(counted.sites_learned, 1);
    assert!(counted.rules.iter().all(|r| r.site == "n.example"));
    assert!(!counted.models.contains_key(""));
    // The newsletter line is on both; only the site with a name learns it.
    assert_eq!(counted.rules.len(), 1);
    assert!(counted.pages_to_read().is_empty());
}
