use super::*;
use crate::clean::{Cause, Cleaner};
use crate::rules::RuleSet;

fn lines(text: &str) -> Vec<ExtractLine<'_>> {
    text.lines().map(ExtractLine::new).collect()
}

/// The lines `finder` keeps of `text`, blank ones left out.
fn kept<'a>(finder: &PageFinder, text: &'a str) -> Vec<&'a str> {
    let l = lines(text);
    let (fate, _) = finder.decide(&l);
    l.iter()
        .zip(&fate)
        .filter(|(l, f)| f.is_none() && !l.key.is_empty())
        .map(|(l, _)| l.text)
        .collect()
}

const ARTICLE: [&str; 4] = [
    "The council met on Monday and decided that the old bridge over the river will be rebuilt in the spring.",
    "It is the first time in ten years that the town has had the money for such a project, the mayor said.",
    "Work is to start in March, and the road will be closed to cars for about six months while it is done.",
    "Residents who live near the bridge were asked to send their questions to the town hall before the end of the year.",
];

const MENU: &str = "Town Gazette - Bridge to be rebuilt\nHome\nNews\nSport\nWeather\nCulture\nJobs\nContact | About us\nLogin\n";
const FOOTER: &str =
    "Most read\nTerms of use\nPrivacy policy\nCookie settings\nAdvertise with us\nSite map\n";

fn article() -> String {
    ARTICLE.join("\n\n") + "\n"
}

#[test]
fn menu_and_footer_go_the_article_stays() {
    let text = format!("{MENU}Bridge to be rebuilt\n{}{FOOTER}", article());
    let keep = kept(&PageFinder::default(), &text);
    let mut want = vec!["Bridge to be rebuilt"];
    want.extend(ARTICLE);
    assert_eq!(keep, want);
    // Each removal has a cause the explain output can name.
    let l = lines(&text);
    let (fate, title) = PageFinder::default().decide(&l);
    assert_eq!(fate[1], Some(PageCause::OutsideBody));
    assert_eq!(l[title.unwrap()].text, "Bridge to be rebuilt");
}

#[test]
fn a_teaser_list_after_the_article_goes() {
    let teasers = [
        "Flood warning for the valley",
        "Heavy rain is expected over the weekend, and the river could rise above...",
        "School to close in summer",
        "Parents have started a petition to keep the village school open for...",
        "New bakery on Market Street",
        "After two years of work the old shop on the corner finally opens its...",
        "Football: United win again",
        "The team won its fifth game in a row on Saturday and now leads the...",
    ];
    let text = format!(
        "{MENU}{}Related stories\n{}\n{FOOTER}",
        article(),
        teasers.join("\n")
    );
    let keep = kept(&PageFinder::default(), &text);
    assert_eq!(keep, ARTICLE.to_vec(), "{keep:?}");
}

#[test]
fn comments_after_the_article_go() {
    let comment =
        "I think that the council is wrong about this and that they should have asked us first.";
    let text = format!(
        "{MENU}{}12 Comments\nAnna said:\n{comment}\nMarch 3, 2024 at 10:41 am\nReply\nBen said:\n{comment}\n\
         March 3, 2024 at 11:02 am\nReply\nCarla said:\n{comment}\nMarch 4, 2024 at 9:15 am\nReply\n{FOOTER}",
        article()
    );
    let l = lines(&text);
    let (fate, _) = PageFinder::default().decide(&l);
    let kept: Vec<&str> = l
        .iter()
        .zip(&fate)
        .filter(|(l, f)| f.is_none() && !l.key.is_empty())
        .map(|(l, _)| l.text)
        .collect();
    assert_eq!(kept, ARTICLE.to_vec(), "{kept:?}");
    let marker = l.iter().position(|x| x.text == "12 Comments").unwrap();
    assert_eq!(fate[marker], Some(PageCause::Comments));
}

#[test]
fn a_page_of_article_text_stays_whole() {
    // Headline, byline, short paragraphs, a quote, a list: clean text.
    let text = format!(
        "Bridge to be rebuilt\nBy Jane Smith\n\n{}\nWhat happens next:\n\nThe road closes in March.\n\
         Buses take the old route.\n\"We waited a long time for this,\" she said.\n",
        article()
    );
    let finder = PageFinder::default();
    let l = lines(&text);
    assert!(finder.decide(&l).0.iter().all(Option::is_none));
    // One line, or nothing at all, is left alone too.
    assert!(
        finder
            .decide(&lines(ARTICLE[0]))
            .0
            .iter()
            .all(Option::is_none)
    );
    assert!(finder.decide(&lines("\n\n")).0.iter().all(Option::is_none));
}

#[test]
fn lines_seen_on_other_sites_count_as_chrome() {
    let mut scratch = Vec::new();
    let h = |t: &str, s: &mut Vec<u8>| normalize::line_hash(&ExtractLine::new(t).key, s);
    let share = h("Share this article", &mut scratch);
    let own = h("Town Gazette", &mut scratch);
    let long = h(ARTICLE[0], &mut scratch);
    // Two pages of one site count once; a long line (a syndicated
    // paragraph) is never chrome.
    let sites = vec![
        vec![(share, 3), (own, 2), (own, 2), (long, 20)],
        vec![(share, 3), (long, 20)],
    ];
    let cross = cross_site_lines(sites);
    assert!(cross.contains(&share));
    assert!(!cross.contains(&own));
    assert!(!cross.contains(&long));

    // The feature moves a line's probability down.
    let finder = PageFinder::new(cross);
    let text = format!("{}\nShare this article\n{}", ARTICLE[0], ARTICLE[1]);
    let l = lines(&text);
    let page: Vec<&ExtractLine> = l.iter().collect();
    let with = probability(&finder.features(&page).0[1]);
    let without = probability(&PageFinder::default().features(&page).0[1]);
    assert!(with < without, "{with} {without}");
}

#[test]
fn a_cleaner_uses_it_and_names_the_cause() {
    let text = format!("{MENU}Bridge to be rebuilt\n{}{FOOTER}", article());
    let rules = RuleSet::empty();
    let cleaner = Cleaner::with_rules(rules).with_page_finder(PageFinder::default());
    let out = cleaner.clean(&text, "gazette.example");
    assert!(
        out.text.starts_with("Bridge to be rebuilt\n"),
        "{}",
        out.text
    );
    assert!(!out.text.contains("Privacy policy"));
    let why = cleaner.explain(&text, &out);
    assert!(why.iter().any(|w| w.rule == "page.outside-body"));
    assert!(
        out.removals
            .iter()
            .all(|r| matches!(r.cause, Cause::Page(_) | Cause::Builtin(_)))
    );
}

#[test]
fn features_match_their_names() {
    // The fit script and this module must agree on the order.
    assert_eq!(FEATURE_NAMES.len(), WEIGHTS.len());
    let text =
        "Home | News\nThe council met on Monday and decided that the bridge will be rebuilt.\n";
    let l = lines(text);
    let page: Vec<&ExtractLine> = l.iter().collect();
    let f = PageFinder::default().features(&page).0;
    let at = |name: &str| FEATURE_NAMES.iter().position(|n| *n == name).unwrap();
    assert_eq!(f[0][at("separator")], 1.0);
    assert_eq!(f[1][at("separator")], 0.0);
    assert_eq!(f[1][at("sentence_end")], 1.0);
    assert_eq!(f[0][at("first_line")], 1.0);
    assert_eq!(f[1][at("position")], 1.0);
    // The core is the first line whose window holds the most prose: here
    // the first; the last line lies furthest after it.
    assert_eq!(f[0][at("after_core")], 0.0);
    assert_eq!(f[1][at("after_core")], 1.0);
}

/// A short post: the article and one more sentence.
fn post() -> String {
    format!(
        "{}The mayor thanked the people of the town for their patience and for all of their letters.\n",
        article()
    )
}

/// Comments in prose, each longer than most of the post's lines.
const COMMENTS: [&str; 6] = [
    "I have lived here for forty years and I can tell you that the bridge was never in such a bad state as it is now.",
    "My father worked on the old bridge when it was built, and he always said that it would not last for a hundred years.",
    "It is good news for the shops in the old town, which have lost a lot of their customers since the bridge was closed to lorries.",
    "We should also think about the cyclists, who have had to use the busy road on the other side of the river for a long time.",
    "I hope that the council will listen to the people who live near the bridge before they decide on the new design of it.",
    "The new bridge should be wide enough for the buses, or the town will have the same problem again in twenty years from now.",
];

#[test]
fn a_short_post_beats_a_longer_thread_of_prose_comments() {
    // The comments are prose too, and together longer than the post: the
    // run before the comments' start wins all the same.
    let post = post();
    let thread = COMMENTS.join("\n") + "\n";
    let text = format!("{MENU}{post}5 Comments\n{}{FOOTER}", thread.repeat(3));
    let keep = kept(&PageFinder::default(), &text);
    assert_eq!(keep.len(), ARTICLE.len() + 1, "{keep:?}");
    assert_eq!(keep[..ARTICLE.len()], ARTICLE);
}

#[test]
fn the_core_is_the_densest_prose() {
    // Prose words per line; the window of three lines either side of line 4
    // (lines 1 to 7) holds the most, and it is the first such line.
    let words = [2, 30, 2, 2, 2, 2, 25, 25, 2, 2, 2, 2, 2, 2, 2];
    let prose: Vec<bool> = words.iter().map(|&w| w >= PROSE_WORDS).collect();
    assert_eq!(core_line(&words, &prose), 4);
    let none = [false; 15];
    assert_eq!(core_line(&words, &none), 0);
    assert_eq!(core_line(&[3], &[true]), 0);
}

#[test]
fn a_thread_without_a_marker_starts_at_its_furniture() {
    // No "Comments" line: the thread is told by its furniture, a byline
    // with a clock time after each comment, recurring.
    let post = post();
    let names = ["Anna", "Ben", "Carla", "Dan"];
    let thread: String = COMMENTS[..4]
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, (c, n))| format!("{c}\nPosted by: {n} at March 3, 2024 1{i}:41 AM\n"))
        .collect();
    let text = format!("{MENU}{post}{}{FOOTER}", thread.repeat(2));
    let l = lines(&text);
    let (fate, _) = PageFinder::default().decide(&l);
    let keep = kept(&PageFinder::default(), &text);
    assert!(!keep.iter().any(|k| k.starts_with("Posted by")), "{keep:?}");
    assert_eq!(keep[..ARTICLE.len()], ARTICLE);
    // The first byline is the wall; what follows is comments.
    let wall = l
        .iter()
        .position(|x| x.text.starts_with("Posted by"))
        .unwrap();
    assert_eq!(fate[wall], Some(PageCause::Comments));
    assert_eq!(fate[wall + 1], Some(PageCause::Comments));
    // Before a hundred words of prose, furniture is no thread (a dateline
    // with a clock time above the article).
    let early = format!("{MENU}{thread}");
    let l = lines(&early);
    let page: Vec<&ExtractLine> = l.iter().collect();
    let (_, marker, _, after) = PageFinder::default().features(&page);
    let first = l
        .iter()
        .position(|x| x.text.starts_with("Posted by"))
        .unwrap();
    assert!(!marker[first] && !after[first + 1]);
}

#[test]
fn a_bare_marker_the_article_goes_on_after_is_no_wall() {
    // A section headed "Response" (or a stats label "Comments:") inside
    // the article, its prose going on after it: no thread starts there.
    let more = [
        "The new bridge will have a path for bicycles on each side, and the old stone railing will be kept as it was.",
        "The town hall said that the bus line over the bridge will be moved to the ferry road while the work is done.",
        "The mayor will hold a meeting for all residents in the school hall on the first Monday of the month, at seven.",
    ];
    for label in ["Response", "Comments:"] {
        let text = format!("{MENU}{}{label}\n{}\n{FOOTER}", article(), more.join("\n"));
        let keep = kept(&PageFinder::default(), &text);
        assert!(keep.contains(&more[2]), "{label}: {keep:?}");
        assert!(keep.contains(&ARTICLE[0]), "{label}: {keep:?}");
    }
}

#[test]
fn teasers_cut_short_and_a_long_related_list_after_the_article_go() {
    // A blurb cut short with its link inside the article's run goes.
    let blurb = "When you walk into almost any store, you are immediately overloaded with sights and… Read more";
    let text = format!(
        "{MENU}{}\n{blurb}\n{}\n{}{FOOTER}",
        ARTICLE[..2].join("\n"),
        ARTICLE[2],
        ARTICLE[3].to_string() + "\n"
    );
    let keep = kept(&PageFinder::default(), &text);
    assert!(!keep.contains(&blurb), "{keep:?}");
    assert!(keep.contains(&ARTICLE[3]), "{keep:?}");
    // "More Related Stories" over a long list of headlines ends the
    // article: the headlines go.
    let heads: Vec<String> = (1..=10)
        .map(|i| {
            format!("The town council and the mayor disagree on plan number {i} for the new market")
        })
        .collect();
    // (after the page's first hundred words of prose)
    let text = format!(
        "{MENU}{}The mayor thanked the people of the town for their patience and for all of their letters.\n\
         More Related Stories\n{}\n{FOOTER}",
        article(),
        heads.join("\n")
    );
    let keep = kept(&PageFinder::default(), &text);
    assert!(
        !keep.iter().any(|k| k.starts_with("The town council and")),
        "{keep:?}"
    );
    assert!(keep.contains(&ARTICLE[0]), "{keep:?}");
}
