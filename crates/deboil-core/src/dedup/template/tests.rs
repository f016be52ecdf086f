use super::*;

const CHROME: &str = "Related stories from our newsroom today\n\
                      Comments on this article are now closed for everyone\n\
                      We are hiring editors for our growing news team\n";

fn page(story: &str) -> String {
    format!("{story}\n{CHROME}")
}

#[test]
fn an_empty_text_joins_to_nothing() {
    let mut out = vec![b'x'];
    Template::default().join_kept(0, b"", &mut out);
    assert!(out.is_empty());
    Template::default().join_kept(0, b"\n\n", &mut out);
    assert!(out.is_empty());
}

fn template_of(pages: &[(&str, String)]) -> Template {
    let mut lines = SiteLines::new(TemplateOptions::default());
    for (site, text) in pages {
        lines.add(site, &SiteLines::line_hashes(text));
    }
    lines.finish()
}

#[test]
fn chrome_on_many_stories_is_template_and_only_for_its_site() {
    let stories = [
        "The council met on Monday to decide the fate of the old bridge over the river.",
        "Bread prices rose for the third month running as the harvest failed in the east.",
        "Two boats collided in the harbour at dawn and nobody was hurt in the crash.",
        "The choir sang in the cathedral for charity and raised money for the shelter.",
    ];
    let pages: Vec<(&str, String)> = stories.iter().map(|s| ("a.example", page(s))).collect();
    let t = template_of(&pages);
    let a = t.site("a.example").unwrap();
    let fresh = page("A new story that no other page of the site has told before today.");
    assert_eq!(
        t.strip(a, &fresh),
        "A new story that no other page of the site has told before today.\n"
    );
    // Another site's lines are its own.
    assert_eq!(t.site("b.example"), None);
    let mut other = template_of(&[("b.example", fresh.clone())]);
    let b = other.site("b.example").unwrap();
    assert_eq!(other.strip(b, &fresh), fresh);
    other.lines.clear();
}

#[test]
fn copies_of_one_story_on_one_site_keep_their_body() {
    // Three versions of one story (a re-crawl, an update) and two others:
    // the story's long lines recur on three pages, but on one story.
    let body = "The minister met his colleague in Baku on Monday to talk about the pipeline.\n\
                Both sides said the talks had gone well and would go on next month in Tbilisi.\n";
    let pages = vec![
        ("s", page(&format!("{body}First version."))),
        ("s", page(&format!("{body}Updated at noon."))),
        ("s", page(body)),
        (
            "s",
            page("A different story about the weather, which was fine for once this week."),
        ),
        (
            "s",
            page("Yet another story, this one about the harvest and the price of grain."),
        ),
    ];
    let t = template_of(&pages);
    let s = t.site("s").unwrap();
    let stripped = t.strip(s, &pages[0].1);
    assert!(
        stripped.contains("The minister met his colleague"),
        "{stripped}"
    );
    assert!(!stripped.contains("Comments on this article"), "{stripped}");
}

#[test]
fn line_keys_give_what_normalising_the_stripped_text_gives() {
    let stories = [
        "Rain fell on the town.",
        "Bread rose again.",
        "Boats  collided.",
    ];
    let pages: Vec<(&str, String)> = stories
        .iter()
        .map(|s| ("s", format!("\n  {s}\n\n{CHROME}\u{a0}\n")))
        .collect();
    let t = template_of(&pages);
    let site = t.site("s").unwrap();
    for (_, text) in &pages {
        let lk = LineKeys::of(text);
        assert_eq!(lk.lines, SiteLines::line_hashes(text));
        assert_eq!(
            lk.exact,
            xxhash_rust::xxh3::xxh3_128(normalize::key(text).as_bytes())
        );
        let mut joined = Vec::new();
        t.join_kept(site, &lk.keys, &mut joined);
        assert_eq!(joined, normalize::key(&t.strip(site, text)).into_bytes());
        // An empty template keeps everything.
        Template::default().join_kept(0, &lk.keys, &mut joined);
        assert_eq!(joined, normalize::key(text).into_bytes());
    }
}

#[test]
fn many_copies_of_one_story_keep_their_body_and_all_template_signs_whole() {
    // Eight copies of one story (the same file in several forms) among
    // twenty pages: its lines are on 40 % of them, yet they are one
    // story's.
    let body = "The minister met his colleague in Baku on Monday to talk about the pipeline.\n\
                Both sides said the talks had gone well and would go on next month in Tbilisi.\n";
    let mut pages: Vec<(&str, String)> = (0..8).map(|_| ("s", page(body))).collect();
    for other in [
        "weather",
        "harvest",
        "ferry",
        "museum",
        "orchestra",
        "library",
        "snow",
        "elections",
        "bridge",
        "bread",
        "boats",
        "choir",
    ] {
        pages.push((
            "s",
            page(&format!(
                "A story about the {other}, told at some length here."
            )),
        ));
    }
    let t = template_of(&pages);
    let s = t.site("s").unwrap();
    assert!(t.strip(s, &pages[0].1).contains("The minister met"));
    // A page of nothing but template is kept whole, not emptied.
    let lk = LineKeys::of(CHROME);
    let mut joined = Vec::new();
    t.join_kept(s, &lk.keys, &mut joined);
    assert_eq!(joined, normalize::key(CHROME).into_bytes());
    assert_eq!(t.strip(s, CHROME), CHROME);
}

#[test]
fn recurring_lines_name_their_pages_and_stories() {
    let mut lines = SiteLines::new(TemplateOptions::default());
    let stories = ["Rain fell.", "Bridges fell.", "Bread rose.", "Boats sank."];
    lines.add("b", &SiteLines::line_hashes("Only here.\n"));
    for s in stories {
        lines.add("a", &SiteLines::line_hashes(&page(s)));
    }
    assert_eq!(lines.sites(), vec![("b", 1), ("a", 4)]);
    let found = lines.recurring();
    // The three chrome lines of site a, on all four pages (and stories).
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found
            .iter()
            .all(|r| (r.site, r.pages, r.stories, r.first_page) == (1, 4, 4, 0))
    );
    let text = page("Rain fell.");
    let chrome: Vec<&str> = found
        .iter()
        .map(|r| SiteLines::line_of(&text, r.hash).unwrap())
        .collect();
    for l in CHROME.lines() {
        assert!(chrome.contains(&l), "{l} not in {chrome:?}");
    }
    assert_eq!(SiteLines::line_of(&text, 1), None);
}

#[test]
fn a_site_made_final_strips_as_the_finished_template_does() {
    let opts = TemplateOptions {
        sample_pages: 4,
        ..TemplateOptions::default()
    };
    let (mut lazy, mut eager) = (SiteLines::new(opts), SiteLines::new(opts));
    let mut finals = Vec::new();
    let stories = [
        "Rain fell.",
        "Bridges fell.",
        "Bread rose.",
        "Boats sank.",
        "Owls.",
    ];
    for (i, s) in stories.iter().enumerate() {
        // Site b has three pages: never full, decided at the end.
        for site in ["a", "b"].iter().take(if i < 3 { 2 } else { 1 }) {
            let lines = SiteLines::line_hashes(&page(s));
            let id = lazy.add(site, &lines);
            let (id2, done) = eager.add_final(site, &lines);
            assert_eq!(id, id2);
            finals.extend(done.map(|t| (i, t)));
        }
    }
    // Site a's sample filled at its fourth page, once.
    assert_eq!(finals.len(), 1);
    let (at, a) = &finals[0];
    assert_eq!((*at, a.site()), (3, 0));
    let (lazy, eager) = (lazy.finish(), eager.finish());
    assert!(!lazy.is_empty());
    let texts = [
        page("A new story."),
        CHROME.to_string(),
        "No chrome here.\n\nAt all.".to_string(),
        String::new(),
        " \n\n".to_string(),
        format!("  {CHROME}\nTail.\u{a0}\n"),
    ];
    for text in &texts {
        let lk = LineKeys::of(text);
        let mut want = Vec::new();
        lazy.join_kept_hashed(0, &lk.keys, &lk.hashes, &mut want);
        let mut joined = Vec::new();
        a.join_kept_hashed(&lk.keys, &lk.hashes, &mut joined);
        assert_eq!(joined, want, "{text:?}");
        a.with_kept_key(text, |key, exact| {
            assert_eq!(key, &want[..], "{text:?}");
            assert_eq!(exact, lk.exact, "{text:?}");
        });
        for site in [0, 1] {
            assert_eq!(eager.strip(site, text), lazy.strip(site, text));
        }
    }
    assert_eq!(lazy.strip(0, &texts[0]), "A new story.\n");
}

#[test]
fn only_the_sample_is_counted() {
    let opts = TemplateOptions {
        sample_pages: 2,
        ..TemplateOptions::default()
    };
    let mut lines = SiteLines::new(opts);
    for i in ["one", "two", "three", "four"] {
        lines.add("s", &SiteLines::line_hashes(&page(&format!("Story {i}."))));
    }
    // Two sampled pages: below the three stories a template line needs.
    assert!(lines.finish().is_empty());
}

/// Lines for the property tests: chrome of several lengths (some with
/// numbers, which line hashes fold), story lines, blank ones.
const POOL: [&str; 10] = [
    "Menu",
    "Share this page",
    "Comments are closed on story 12",
    "Comments are closed on story 345",
    "Subscribe to our newsletter for more stories like this one today",
    "",
    "  \t ",
    "A story line about rain and bridges, told once",
    "Another line: boats, bread and 42 owls \u{201e}quoted\u{201c}",
    "Grüße aus Köln, sagte sie",
];

fn text_of(picks: &[usize]) -> String {
    let lines: Vec<&str> = picks.iter().map(|&i| POOL[i % POOL.len()]).collect();
    lines.join("\n")
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// The line splitter is `split_inclusive('\n')`.
    #[test]
    fn lines_are_split_inclusive(text in "[a\\n ]{0,12}|\\PC{0,20}") {
        let want: Vec<&str> = text.split_inclusive('\n').collect();
        proptest::prop_assert_eq!(lines(&text).collect::<Vec<_>>(), want);
    }

    /// A final site's key, built line by line with only lines of a
    /// template line's word count hashed, is the key the finished template
    /// joins from the text's line keys.
    #[test]
    fn a_final_site_keeps_what_the_finished_template_keeps(
        pages in proptest::collection::vec(proptest::collection::vec(0usize..10, 0..8), 4),
        text in proptest::collection::vec(0usize..12, 0..10),
    ) {
        let opts = TemplateOptions { sample_pages: 4, min_pages: 2, ..TemplateOptions::default() };
        let mut counts = SiteLines::new(opts);
        let mut site = None;
        for p in &pages {
            site = site.or(counts.add_final("s", &SiteLines::line_hashes(&text_of(p))).1);
        }
        let site = site.expect("the sample is full");
        let template = counts.finish();
        let text = text_of(&text);
        let lk = LineKeys::of(&text);
        let mut want = Vec::new();
        template.join_kept_hashed(0, &lk.keys, &lk.hashes, &mut want);
        site.with_kept_key(&text, |key, exact| {
            assert_eq!(key, &want[..], "{text:?}");
            assert_eq!(exact, lk.exact, "{text:?}");
        });
    }
}

/// Lines as the cleaner meets them: cut by a span rule, dropped by a line
/// rule, repeated, with trailing space, CRLF breaks, blank runs.
const RAW: [&str; 10] = [
    "date 2024 Comments are closed on story 12",
    "advert: buy now",
    "Share this page",
    "Share this page",
    "A story line about rain and bridges, told once  ",
    "",
    " \t",
    "Another line: boats, bread and 42 owls \u{201e}quoted\u{201c}\r",
    "Grüße aus Köln, sagte sie\u{a0}",
    "date 2025  ",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
    /// The keys the cleaner gives make the key, exact hash and line keys
    /// that normalising the cleaned text makes.
    #[test]
    fn the_cleaners_keys_are_the_texts_keys(
        picks in proptest::collection::vec(0usize..10, 0..12),
        end in 0usize..3,
    ) {
        use crate::clean::{CleanOptions, Cleaner};
        use crate::rules::{RuleSet, RuleSource, Toggles};
        let rules = RuleSet::compile(
            &[RuleSource::new(
                "t.toml",
                "[[rule]]\nid = \"d\"\nreason = \"r\"\nregex = ['^date \\d{4} ']\naction = \"span\"\n\
                 [[rule]]\nid = \"a\"\nreason = \"r\"\ncontains = ['advert']\naction = \"line\"\n",
            )],
            &Toggles::default(),
        )
        .unwrap();
        let cleaner = Cleaner::new(rules, CleanOptions::default());
        let lines: Vec<&str> = picks.iter().map(|&i| RAW[i]).collect();
        let text = lines.join("\n") + ["", "\n", "\r\n"][end];
        let mut given = GivenKeys::default();
        let cleaned = cleaner.clean_keyed(&text, "s", &mut given);
        assert_eq!(cleaned.text, cleaner.clean(&text, "s").text);
        let out = &cleaned.text;
        // The keys are taken, not made again.
        proptest::prop_assert!(given.fitting(out).is_some(), "{:?}", out);
        let (want, got) = (LineKeys::of(out), LineKeys::of_given(out, Some(&given)));
        proptest::prop_assert_eq!(&got.keys, &want.keys, "{:?}", out);
        proptest::prop_assert_eq!(&got.lines, &want.lines);
        proptest::prop_assert_eq!(got.exact, want.exact);
        // A site whose template is "Share this page" and a 12-word line.
        let mut counts = SiteLines::new(TemplateOptions { sample_pages: 3, ..TemplateOptions::default() });
        let mut site = None;
        for s in ["One.", "Two.", "Three."] {
            let page = format!("{s}\nShare this page\nComments are closed on story 12\n");
            site = site.or(counts.add_final("s", &SiteLines::line_hashes(&page)).1);
        }
        let site = site.expect("the sample is full");
        let want = site.with_kept_key(out, |k, e| (k.to_vec(), e));
        let got = site.with_kept_key_given(out, Some(&given), |k, e| (k.to_vec(), e));
        proptest::prop_assert_eq!(got, want);
    }
}

/// A text whose keys outgrow what a thread keeps (8 MiB) still gives its
/// keys: the cleaner gave its key buffer back before `clean_keyed` read it,
/// and `deboil run` panicked on such a record.
#[test]
fn an_outsized_texts_keys_are_given() {
    use crate::clean::{CleanOptions, Cleaner};
    use crate::rules::{RuleSet, Toggles};
    let cleaner = Cleaner::new(
        RuleSet::compile(&[], &Toggles::default()).unwrap(),
        CleanOptions::default(),
    );
    let text: String = (0..170_000)
        .map(|i| format!("Line {i} of a very long record that goes on and on with words.\n"))
        .collect();
    assert!(text.len() > 10 << 20);
    let mut given = GivenKeys::default();
    let cleaned = cleaner.clean_keyed(&text, "s", &mut given);
    assert_eq!(cleaned.text, text);
    let out = &cleaned.text;
    assert!(given.fitting(out).is_some());
    assert_eq!(
        LineKeys::of_given(out, Some(&given)).keys,
        LineKeys::of(out).keys
    );
    // The next, small document finds its buffers as usual.
    let small = cleaner.clean_keyed("One line.\nTwo lines.\n", "s", &mut given);
    assert_eq!(small.text, "One line.\nTwo lines.\n");
    assert!(given.fitting(&small.text).is_some());
}

/// A long text's key is hashed through a buffer, to the hash of the joined
/// copy a short one gets.
#[test]
fn a_long_texts_key_hashes_as_its_joined_copy() {
    let line = "Breaking news from the city council meeting tonight\n";
    let text = line.repeat((2 << 20) / line.len());
    let keys = LineKeys::of(&text);
    assert!(keys.keys.len() > 1 << 20);
    let joined: Vec<u8> = keys
        .keys
        .iter()
        .map(|&b| if b == b'\n' { b' ' } else { b })
        .collect();
    assert_eq!(keys.exact, xxhash_rust::xxh3::xxh3_128(&joined));
}

/// Given keys are taken on trust and their count checked at the end: keys
/// that do not fit the text's lines (too few, too many) give what keys
/// made from the text give; keys that fit are taken as given.
#[test]
fn keys_that_do_not_fit_are_made_from_the_text() {
    let text = "First line here.\nShare this page\nThird, and last.\n";
    let site = share_this_page_site();
    let want = LineKeys::of(text);
    let want_kept = site.with_kept_key(text, |k, e| (k.to_vec(), e));
    // Three lines: three keys fit, or four (an empty last line written).
    for count in [0, 1, 2, 3, 4, 5, 6] {
        let mut given = GivenKeys::default();
        for i in 0..count {
            given.push(true, format!("other key {i}").as_bytes(), 3);
        }
        let got = LineKeys::of_given(text, Some(&given));
        let got_kept = site.with_kept_key_given(text, Some(&given), |k, e| (k.to_vec(), e));
        if count == 3 || count == 4 {
            assert_eq!(
                got.keys, b"other key 0\nother key 1\nother key 2",
                "{count}"
            );
            assert_ne!(got_kept, want_kept, "{count}");
        } else {
            assert_eq!(got.keys, want.keys, "{count}");
            assert_eq!(got.lines, want.lines, "{count}");
            assert_eq!(got.hashes, want.hashes, "{count}");
            assert_eq!(got.exact, want.exact, "{count}");
            assert_eq!(got_kept, want_kept, "{count}");
        }
    }
}

/// The template pass's per-thread buffers do not keep an outsized text's
/// size for the rest of the run (as the cleaner's do not).
#[test]
fn an_outsized_texts_buffers_are_given_back() {
    let site = share_this_page_site();
    let text: String = (0..170_000)
        .map(|i| format!("Line {i} of a long record, then the site's line.\nShare this page\n"))
        .collect();
    assert!(text.len() > 10 << 20);
    let len = site.with_kept_key(&text, |k, _| k.len());
    assert!(len > 8 << 20, "{len}");
    let kept = KEPT.with_borrow(|k| k.whole.capacity() + k.kept.capacity());
    assert_eq!(kept, 0);
    // The next text finds fresh buffers and the same key as ever.
    let small = "One line.\nShare this page\n";
    assert_eq!(
        site.with_kept_key(small, |k, _| k.to_vec()),
        b"one line.".to_vec()
    );
}

/// A site whose one template line is "Share this page" (three pages).
fn share_this_page_site() -> SiteTemplate {
    let mut counts = SiteLines::new(TemplateOptions {
        sample_pages: 3,
        ..TemplateOptions::default()
    });
    let mut site = None;
    for s in ["One.", "Two.", "Three."] {
        let page = format!("{s}\nShare this page\n");
        site = site.or(counts.add_final("s", &SiteLines::line_hashes(&page)).1);
    }
    site.expect("the sample is full")
}
