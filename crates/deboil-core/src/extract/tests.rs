use super::words::*;
use super::*;

fn lines(text: &str) -> Vec<ExtractLine<'_>> {
    text.lines().map(ExtractLine::new).collect()
}

const PROSE: &str =
    "The council met on Monday and decided that the old bridge will be rebuilt in the spring.";

#[test]
fn clean_text_is_left_alone() {
    let text = format!("Bridge to be rebuilt\n\n{PROSE}\n\nShort line.\n\n{PROSE} Again.\n");
    let l = lines(&text);
    assert!(
        Extractor::default()
            .decide("s", &l)
            .iter()
            .all(Option::is_none)
    );
}

#[test]
fn an_article_ending_in_a_list_is_not_a_whole_page() {
    let list = "Bayern 2\nDortmund 1\nLeipzig 3\nMainz 0\nBremen 1\nKöln 1\nUnion 2\nFreiburg 2\nBochum 0\n";
    let text = format!("{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{list}");
    let l = lines(&text);
    let mut scratch = Vec::new();
    let model = SiteModel {
        template: [normalize::line_hash(b"share this", &mut scratch)]
            .into_iter()
            .collect(),
    };
    let ex = Extractor::new(
        HashMap::from([("s".to_string(), model)]),
        ExtractOptions::default(),
    );
    assert!(ex.decide("s", &l).iter().all(Option::is_none));
    // Without learned template there is no such evidence: the list goes.
    assert!(
        Extractor::default()
            .decide("s", &l)
            .iter()
            .any(Option::is_some)
    );
}

#[test]
fn numbered_headings_are_not_duplicates() {
    let nav = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
    let text =
        format!("{nav}{PROSE}\nPodcast, hour 1\n{PROSE} Two.\nPodcast, hour 2\n{PROSE} Three.\n");
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    assert_eq!((fate[9], fate[11]), (None, None), "{fate:?}");
}

#[test]
fn comments_after_the_body_go() {
    let nav = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
    let comment =
        "I think that the council is wrong about this and that they should have asked us first.";
    let text = format!(
        "Bridge to be rebuilt - Town News\n{nav}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n\
         12 Comments\nAnna\n{comment}\nBen\n{comment} Yes.\n{comment} No.\n{comment} Maybe.\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    let kept: Vec<&str> = l
        .iter()
        .zip(&fate)
        .filter(|(_, f)| f.is_none())
        .map(|(l, _)| l.text)
        .collect();
    assert_eq!(kept[0], "Bridge to be rebuilt");
    assert_eq!(kept.len(), 4, "{kept:?}");
    let why = fate[l.iter().position(|x| x.text == comment).unwrap()];
    assert_eq!(why, Some(ExtractCause::Comments));
}

const NAV: &str = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";

fn kept<'a>(l: &[ExtractLine<'a>], fate: &[Option<ExtractCause>]) -> Vec<&'a str> {
    l.iter()
        .zip(fate)
        .filter(|(l, f)| f.is_none() && !l.key.is_empty())
        .map(|(l, _)| l.text)
        .collect()
}

/// Asserts that the body found in `text` is its `n` paragraphs of
/// [`PROSE`] and nothing else.
fn assert_the_article_alone(text: &str, n: usize, what: &str) {
    let l = lines(text);
    let kept = kept(&l, &Extractor::default().decide("s", &l));
    assert_eq!(kept.len(), n, "{what}: {kept:?}");
    assert!(
        kept.iter().all(|k| k.starts_with("The council")),
        "{what}: {kept:?}"
    );
}

#[test]
fn a_comment_thread_longer_than_the_article_goes() {
    // No "Comments" header: the thread is told by its shape, each
    // comment between a time and a "Reply".
    let mut text = format!("{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n");
    let comment = "I think that the council is wrong about this and that they should have asked all of us first.";
    for (who, h) in [
        ("Anna", 2),
        ("Ben", 3),
        ("Carla", 4),
        ("Dan", 5),
        ("Eve", 6),
        ("Finn", 7),
    ] {
        text += &format!("{who}\n{h} hours ago\n{comment} {who}.\nReply\n");
    }
    text += "Popular\nArchive\n";
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    let kept = kept(&l, &fate);
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept[0].starts_with("The council"), "{kept:?}");
    let first = l
        .iter()
        .position(|x| x.text.starts_with("I think"))
        .unwrap();
    assert_eq!(fate[first], Some(ExtractCause::Comments));
}

#[test]
fn a_teaser_list_of_long_lines_does_not_outscore_the_article() {
    // Each teaser: a headline and a blurb as long as a paragraph; the
    // list, a sidebar before the article, holds more words than it.
    let blurb = "The mayor said on Friday that the new plan for the city centre would be put to a vote in the spring.";
    let mut text = String::from(NAV);
    for (i, t) in [
        "Mayor Unveils New Plan",
        "City Centre Gets Green Light",
        "Vote Set For Spring Session",
        "Council Faces Budget Questions",
        "Residents React To Proposal",
        "Old Market Hall Reopens",
    ]
    .iter()
    .enumerate()
    {
        text += &format!("{t} For The Town\n{blurb} Part {i}.\n");
    }
    text += &format!(
        "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\nFooter\nImprint\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    let kept = kept(&l, &fate);
    assert_eq!(kept.len(), 3, "{kept:?}");
    assert!(
        kept.iter().all(|k| k.starts_with("The council")),
        "{kept:?}"
    );
}

#[test]
fn an_article_split_by_a_read_more_block_stays_whole() {
    // Headlines cost what short lines cost: a box of them inside the
    // article does not cut off its second half.
    let text = format!(
        "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\nRead more:\nTown Hall Gets New Roof\n\
         Mayor Opens Second Market Hall\nSchools Plan Longer Summer Break\n{PROSE} Three.\n{PROSE} Four.\n\
         Share\nTweet\nImprint\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    let kept = kept(&l, &fate);
    let paragraphs = kept.iter().filter(|k| k.starts_with("The council")).count();
    assert_eq!(paragraphs, 4, "{kept:?}");
}

#[test]
fn a_comment_count_in_a_box_inside_the_article_does_not_end_it() {
    // The first part would end the search at the count (it scores
    // enough) but the article goes on, longer, after it.
    let text = format!(
        "{NAV}Bridge to be rebuilt\n{PROSE} One.\n{PROSE} Two.\nRead more:\nTown hall gets a new roof\n12 comments\n\
         {PROSE} Three.\n{PROSE} Four.\n{PROSE} Five.\n{PROSE} Six.\n{PROSE} Seven.\nShare\nTweet\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    let kept = kept(&l, &fate);
    assert!(kept.iter().any(|k| k.ends_with("Seven.")), "{kept:?}");
}

#[test]
fn a_comment_count_under_the_headline_does_not_end_the_search() {
    let about = "This is the blog of a town reporter who writes about the council, the schools and the roads of the town and the county around it, and about the people who live there.";
    let text = format!(
        "{about}\n{NAV}Bridge to be rebuilt\n99 Comments\nAdd your comment\n\
         {PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{PROSE} Four.\nShare\nTweet\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    let kept = kept(&l, &fate);
    assert!(kept.contains(&PROSE), "{kept:?}");
    assert!(!kept.contains(&about), "{kept:?}");
}

#[test]
fn headline_case_and_comment_shapes() {
    let o = ExtractOptions::default();
    let kind = |t: &str| LineClass::of(&ExtractLine::new(t), &o).kind;
    assert_eq!(
        kind("Council Approves The New Bridge Over River"),
        Kind::Headline
    );
    assert_eq!(
        kind("Der Stadtrat hat am Montag beschlossen"),
        Kind::Sentence
    );
    assert_eq!(
        kind("Posted by: Anna at November 13, 2012 6:31 AM"),
        Kind::Meta
    );
    assert_eq!(kind("Anna says:"), Kind::Meta);
    assert_eq!(kind("Reply"), Kind::Meta);
    let teaser = "The mayor said on Friday that the plan would be put to a vote …";
    assert_eq!(kind(teaser), Kind::Headline);
    assert_eq!(kind(PROSE), Kind::Prose);
}

#[test]
fn template_lines_and_duplicates_inside_the_body_go() {
    let nav = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
    let share = "Share this story with your friends";
    let text = format!("{nav}{PROSE}\n{share}\n{PROSE} Two.\n{PROSE}\n");
    let l = lines(&text);
    let mut scratch = Vec::new();
    let template = nav
        .lines()
        .chain([share])
        .map(|t| normalize::line_hash(&ExtractLine::new(t).key, &mut scratch))
        .collect();
    let ex = Extractor::new(
        HashMap::from([("s".to_string(), SiteModel { template })]),
        ExtractOptions::default(),
    );
    let fate = ex.decide("s", &l);
    assert_eq!(fate[0], Some(ExtractCause::Template));
    assert_eq!(fate[9], Some(ExtractCause::Template));
    assert_eq!(fate[11], Some(ExtractCause::Duplicate));
    assert_eq!(fate[8], None);
}

#[test]
fn the_function_word_table_holds_exactly_the_function_words() {
    let table = function_words();
    for w in FUNCTION_WORDS {
        assert!(table.contains(w.as_bytes()), "{w}");
    }
    for w in [
        "",
        "th",
        "thee",
        "because.",
        "bec",
        "x",
        "zwischendurch",
        "und und",
    ] {
        assert!(!table.contains(w.as_bytes()), "{w}");
    }
    assert_eq!(function_share(b"the cat and a dog"), 0.6);
}

#[test]
fn the_marker_prefilter_passes_every_marker() {
    let markers = [
        "Leave a Reply",
        "42 Comments",
        "KOMMENTARE (3)",
        "3 Kommentare",
        "Kommentar schreiben",
        "Comentarios",
        "Commentaires",
        "Responses",
        "Re\u{17F}ponses",
        "Trac\u{212A}backs",
        "Pingbacks",
        "Reactions",
        "Discussion",
        "Комментарии (5)",
        "— 7 replies —",
        "Post your comment",
        "No comments yet",
        "Be the first to respond",
        "Reader Comments (4)",
        "2 thoughts on “Taking the Counter to the Next Level”",
        "One thought on “Bridge”",
        "100 of 254 comments loaded",
        "Load All Comments",
        "View all comments",
        "Search 254 Comments",
    ];
    for m in markers {
        assert!(marker().is_match(m), "{m}");
        assert!(maybe_marker(m), "{m}");
    }
    for plain in ["The council met on Monday", "Über uns", "Home"] {
        assert!(!maybe_marker(plain), "{plain}");
    }
}

#[test]
fn the_authors_box_and_tags_after_the_article_go() {
    // A bio after the article, behind a few short lines, is worth more
    // than they cost: the header before it ends the body.
    let bio = "Anna Berg is a reporter for the paper and has written about the town and its council for many years.";
    let info = "The bridge was built in the year 1890 and is one of the oldest bridges of its kind that are still in use.";
    for header in [
        "About the author",
        "About Anna",
        "Tags: bridge, council, town",
    ] {
        let text = format!(
            "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{PROSE} Four.\nShare\nTweet\n{header}\nBridge Info\n{bio}\n{info}\nImprint\n"
        );
        assert_the_article_alone(&text, 4, header);
    }
}

#[test]
fn related_stories_end_the_article_unless_it_goes_on() {
    let related = "Related stories\nMayor says that the bridge will cost more than it should\n\
                   The council and the mayor disagree on the plan for the old market\n\
                   Residents of the town will vote on the bridge in the spring\n";
    // At the end: the related headlines (prose-like, sentence case) go.
    let text = format!(
        "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{related}Imprint\n"
    );
    let l = lines(&text);
    let kept_end = kept(&l, &Extractor::default().decide("s", &l));
    assert_eq!(kept_end.len(), 3, "{kept_end:?}");
    assert!(
        kept_end.iter().all(|k| k.starts_with("The council")),
        "{kept_end:?}"
    );
    // Inside the article: the article after the box stays.
    let text = format!(
        "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{related}{PROSE} Three.\n{PROSE} Four.\nShare\nTweet\nImprint\n"
    );
    let l = lines(&text);
    let kept_in = kept(&l, &Extractor::default().decide("s", &l));
    assert!(kept_in.iter().any(|k| k.ends_with("Four.")), "{kept_in:?}");
}

#[test]
fn section_headers() {
    let o = ExtractOptions::default();
    let end = |t: &str| LineClass::of(&ExtractLine::new(t), &o).end;
    for h in [
        "Related stories",
        "Related:",
        "RECENT POSTS",
        "You might also like",
        "Story Timeline",
        "About the author",
        "About Praxis",
        "Tags: android, mobile, release-date",
        "October 1st, 2012 | Tags: bodies, gender",
    ] {
        assert!(end(h), "{h}");
    }
    for t in [
        PROSE,
        "Related to the bridge, the council said",
        "Home",
        "The tags: a story",
    ] {
        assert!(!end(t), "{t}");
    }
}

#[test]
fn the_standfirst_stays_when_template_lines_part_it_from_the_body() {
    // Title, standfirst, then the site's share bar and photo-credit label
    // (learned template) and a date: seven lines between title and body,
    // three of them the page's own.
    let stand = "The town will rebuild the old bridge, the council decided after a long debate.";
    let tmpl = ["Share this", "Tweet this", "Email this", "Photo credit:"];
    let text = format!(
        "Bridge to be rebuilt - Town News\n{NAV}Bridge to be rebuilt\n{stand}\n{}\n{}\n\
         November 2, 2012 3:00 PM\n{}\n{}\nThe old bridge\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\nImprint\n",
        tmpl[0], tmpl[1], tmpl[2], tmpl[3]
    );
    let l = lines(&text);
    let mut scratch = Vec::new();
    let template = NAV
        .lines()
        .chain(tmpl)
        .map(|t| normalize::line_hash(&ExtractLine::new(t).key, &mut scratch))
        .collect();
    let ex = Extractor::new(
        HashMap::from([("s".to_string(), SiteModel { template })]),
        ExtractOptions::default(),
    );
    let kept = kept(&l, &ex.decide("s", &l));
    assert!(kept.contains(&stand), "{kept:?}");
    assert!(!kept.contains(&"Tweet this"), "{kept:?}");
}

/// [`function_share`] as first written: split at spaces, trim, look up.
fn function_share_plain(key: &[u8]) -> f64 {
    let inner = |b: &u8| b.is_ascii_alphanumeric() || *b >= 0x80 || *b == b'\'';
    let (mut n, mut f) = (0usize, 0usize);
    for w in key.split(|&b| b == b' ') {
        let Some(s) = w.iter().position(inner) else {
            continue;
        };
        let e = w.iter().rposition(inner).expect("found from the left");
        n += 1;
        f += usize::from(FUNCTION_WORDS.iter().any(|fw| fw.as_bytes() == &w[s..=e]));
    }
    if n == 0 { 0.0 } else { f as f64 / n as f64 }
}

/// [`title_case`] as first written: every word lowercased before its look-up.
fn title_case_plain(text: &str) -> bool {
    let (mut n, mut caps) = (0usize, 0usize);
    for w in text.split_whitespace().skip(1) {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        let Some(c) = w.chars().next() else { continue };
        let upper = c.is_uppercase();
        let low: String = w.chars().flat_map(char::to_lowercase).collect();
        let key = if upper { low.as_str() } else { w };
        if !c.is_alphabetic() || FUNCTION_WORDS.contains(&key) {
            continue;
        }
        n += 1;
        caps += usize::from(upper);
        if (n - caps) * 10 > n.max(10) {
            return false;
        }
    }
    n >= 3 && caps * 10 >= n * 9
}

#[test]
fn function_share_and_title_case_match_their_plain_definitions() {
    // Words at every offset around the eight-byte steps, punctuation at
    // their ends, runs of spaces, non-ASCII words, upper case that lowercases
    // to a function word (`DIE`, `ДЛЯ`, `\u{212A}` that lowercases to `k`).
    let words: Vec<&str> = "the|The|THE|und|Und|für|FÜR|для|ДЛЯ|это|because|Because|because,|(the|\
         the.|'it's'|it's|qu'il|--|...|a|I|x|zwischendurch|Council|Approves|Bridge|\u{212A}|İn|ẞ|\
         más|Más|| |2024|a1|été|Über|news|Home|by|By"
        .split('|')
        .collect();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    for _ in 0..4000 {
        let n = next(20);
        let text: Vec<&str> = (0..n).map(|_| words[next(words.len())]).collect();
        let text = text.join(if next(5) == 0 { "  " } else { " " });
        let key = ExtractLine::new(&text).key.into_owned();
        for k in [key.as_slice(), text.as_bytes()] {
            assert_eq!(function_share(k), function_share_plain(k), "{text:?}");
        }
        assert_eq!(title_case(&text), title_case_plain(&text), "{text:?}");
    }
}

#[test]
fn a_list_the_article_introduces_stays() {
    // "... on these devices:" and a list of short items, then the article
    // goes on: the items would cost what a menu costs and cut it in two.
    let devices = "• Amazon Kindle\n• Barnes & Noble Nook\n• Apple iPad\n• Android Phone\n\
                   • Sony Reader\n• Blackberry\n• Kobo eReader\n";
    let text = format!(
        "{NAV}New ebook edition\n{PROSE} Now the magazine can be read on the following devices:\n\
         {devices}{PROSE} Two.\nShare\nTweet\nImprint\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    let kept = kept(&l, &fate);
    assert!(kept.contains(&"• Sony Reader"), "{kept:?}");
    assert!(kept.iter().any(|k| k.ends_with("Two.")), "{kept:?}");
    // A menu after a sentence without a colon is no such list.
    let text = format!(
        "{NAV}New ebook edition\n{PROSE} Now it can be read on more devices.\n{devices}{PROSE} Two.\n\
         Share\nTweet\nImprint\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    assert!(!kept_has(&l, &fate, "• Sony Reader"));
}

fn kept_has(l: &[ExtractLine], fate: &[Option<ExtractCause>], line: &str) -> bool {
    kept(l, fate).contains(&line)
}

#[test]
fn a_long_title_case_line_is_no_headline() {
    let o = ExtractOptions::default();
    let kind = |t: &str| LineClass::of(&ExtractLine::new(t), &o).kind;
    // A standfirst and a credit line in title case hold more words than a
    // headline: they score as long lines do, not as teaser headlines.
    let deck = "Millions of Dollars Planned for Programs to Curb Pandemic By Focusing on Pregnant Women and High-Risk Groups";
    assert_eq!(kind(deck), Kind::Prose);
    let credits = "Photography: Scott Andrew Studio // Venue: Private Residence In Napa // Event Design, Planning And Coordination: Tracy Taylor Ward Design";
    assert_eq!(kind(credits), Kind::LongPlain);
    // The credit line closing the article stays with it.
    let text =
        format!("{NAV}Rustic wedding\n{PROSE}\n{PROSE} Two.\n{credits}\nTweet\nShare\nImprint\n");
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    assert!(kept_has(&l, &fate, credits));
}

#[test]
fn the_authors_bio_closing_the_body_goes() {
    for bio in [
        "Jane van Doe / Jane is a contributing writer at the Gazette, where she covers the council and the schools of the county.",
        "Brandon is a Science reporter and freelance journalist based in Brooklyn, New York, and sometimes in the country.",
    ] {
        let text = format!(
            "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{bio}\nShare\nTweet\nImprint\n"
        );
        let l = lines(&text);
        let fate = Extractor::default().decide("s", &l);
        let kept = kept(&l, &fate);
        assert!(!kept.contains(&bio), "{kept:?}");
        assert!(kept.iter().any(|k| k.ends_with("Three.")), "{kept:?}");
    }
    // A last paragraph that only looks like one stays.
    let last = "It is a writer's dream to see the bridge that the whole town talked about for ten years rebuilt at last.";
    let text = format!(
        "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{last}\nShare\nTweet\nImprint\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    assert!(kept_has(&l, &fate, last));
}

#[test]
fn remembered_classes_are_the_computed_ones_for_each_set_of_options() {
    let text = format!(
        "Home\nAnna says:\n{PROSE}\nRelated stories\nTen Things To Know About The Bridge\n\
         Leave a reply\nHome\n{PROSE}\n---\nthe bridge is old and will be rebuilt:\n"
    );
    let l = lines(&text);
    let fussy = ExtractOptions {
        min_good_words: 30,
        min_function_share: 0.5,
        ..ExtractOptions::default()
    };
    // Options alternate: a class found under one set is not reused under another.
    for o in [
        ExtractOptions::default(),
        fussy.clone(),
        ExtractOptions::default(),
        fussy,
    ] {
        let direct: Vec<LineClass> = l.iter().map(|x| LineClass::of(x, &o)).collect();
        let (mut hashes, mut places) = (Vec::new(), Vec::new());
        hashes_of(l.iter(), &o, &mut hashes, &mut places);
        assert_eq!(classes_of(l.iter(), &places, &o), direct);
    }
    // The two sets classify the prose line apart: the test can fail.
    let p = ExtractLine::new(PROSE);
    let fussy = ExtractOptions {
        min_good_words: 30,
        ..ExtractOptions::default()
    };
    let classes = |o: &ExtractOptions| {
        let (mut hashes, mut places) = (Vec::new(), Vec::new());
        hashes_of([&p].into_iter(), o, &mut hashes, &mut places);
        classes_of([&p].into_iter(), &places, o)
    };
    assert_ne!(classes(&ExtractOptions::default()), classes(&fussy));
}

#[test]
fn an_article_ending_in_a_short_sentence_keeps_it() {
    // The last lines read as sentences but are too short to score: the
    // segment stopped before them and cut the article short.
    let text = format!(
        "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\nHe was arrested for the fraud last week.\nThe mayor did not return a call.\nShare\nTweet\nImprint\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    let kept = kept(&l, &fate);
    assert!(
        kept.contains(&"He was arrested for the fraud last week."),
        "{kept:?}"
    );
    assert!(
        kept.contains(&"The mayor did not return a call."),
        "{kept:?}"
    );
    assert!(!kept.contains(&"Share"), "{kept:?}");
}

#[test]
fn after_the_body_credits_broken_lines_and_comments_stay_out() {
    for tail in [
        // a picture's credit is a caption, not a sentence of the article
        "Photo courtesy of the council press office.",
        // the tail of a line broken in two
        "the photographer and link back to the site.",
        // a comment's first line after the thread's marker
        "I think that is a great idea for the town.",
    ] {
        let text = format!(
            "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n3 Comments\n{tail}\nShare\nTweet\nImprint\n"
        );
        let marker_first = lines(&text);
        let fate = Extractor::default().decide("s", &marker_first);
        assert!(!kept_has(&marker_first, &fate, tail), "{tail}");
        if tail.starts_with('I') {
            continue;
        }
        let text = format!(
            "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{tail}\nShare\nTweet\nImprint\n"
        );
        let l = lines(&text);
        let fate = Extractor::default().decide("s", &l);
        assert!(!kept_has(&l, &fate, tail), "{tail}");
    }
}

#[test]
fn a_comment_count_in_the_posts_meta_line_ends_the_body() {
    // "Filed under: News | 3 Comments »" closes the post; the thread after
    // it (names, no time of day to frame it) reads as more prose.
    let nav = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
    let comment = "I read this with great interest and I think that the council should have done it years ago.";
    for meta in [
        "Filed under: News | 3 Comments »",
        "Blue Lily Photography | 4 Comments | Share Article",
    ] {
        let text = format!(
            "{nav}{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{meta}\nAnna\n{comment}\nBen\n{comment} Yes.\nCarl\n{comment} No.\n"
        );
        let l = lines(&text);
        let fate = Extractor::default().decide("s", &l);
        assert_eq!(fate[8..11], [None, None, None], "{meta}: {fate:?}");
        assert!(fate[11..].iter().all(Option::is_some), "{meta}: {fate:?}");
    }
}

#[test]
fn a_comment_count_in_the_byline_stays() {
    // Under the headline the count is part of the byline, and the article
    // follows it.
    let nav = "Home\nNews\nSport\nWeather\nAbout\nContact\nLogin\nSearch\n";
    let byline = "by Anna Berg on 10/18/2012 • 2 Comments | News";
    let text = format!(
        "Bridge to be rebuilt - Town News\n{nav}Bridge to be rebuilt\n{byline}\n{PROSE}\n{PROSE} Two.\n{nav}"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    assert_eq!(fate[9..13], [None, None, None, None], "{fate:?}");
}

#[test]
fn a_labelled_bio_or_one_naming_the_beat_closing_the_body_goes() {
    for bio in [
        "About the author: Ed Avis is a writer and editor in Oak Park, Illinois, who specializes in personal finance.",
        "About the Author: Having held director positions at large search agencies, I have gained a lot of experience.",
        "Philip Bump writes about the news for Gristmill. He also uses Twitter a whole lot.",
        "Timothy B. Lee / Timothy covers tech policy for Ars, with a particular focus on patent and copyright law.",
    ] {
        let text = format!(
            "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{bio}\nShare\nTweet\nImprint\n"
        );
        let l = lines(&text);
        let kept = kept(&l, &Extractor::default().decide("s", &l));
        assert!(!kept.contains(&bio), "{kept:?}");
        assert!(kept.iter().any(|k| k.ends_with("Three.")), "{kept:?}");
    }
    // One capitalised word before "covers" is a caption's subject, not a
    // name; a proper noun that covers something with no outlet after it is
    // article text.
    for line in [
        "Sand covers the road in Charlestown Breachway after the storm surge of the night before.",
        "Medicare Part B covers 80 percent of the cost of outpatient visits, and supplemental plans pick up much of the rest.",
        "Blue Cross Blue Shield covers the procedure in most states.",
    ] {
        let text = format!(
            "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{line}\nShare\nTweet\nImprint\n"
        );
        let l = lines(&text);
        let fate = Extractor::default().decide("s", &l);
        assert!(kept_has(&l, &fate, line), "{line}");
    }
}

#[test]
fn the_threads_controls_end_the_body() {
    // A one-paragraph story with its thread's controls after it ("100 of
    // 254 comments loaded"): the comments are longer than the story.
    let story = format!("{PROSE} {PROSE} {PROSE} {PROSE}");
    let comment = "I read this with great interest and I think that the council should have done it years ago.";
    for control in ["100 of 254 comments loaded", "View all comments"] {
        let text = format!(
            "{NAV}Bridge to be rebuilt\n{story}\n{control}\nAnna\n{comment}\nBen\n{comment} Yes.\nCarl\n{comment} No.\nDora\n{comment} Maybe.\n"
        );
        let l = lines(&text);
        let kept = kept(&l, &Extractor::default().decide("s", &l));
        assert!(kept.contains(&story.as_str()), "{control}: {kept:?}");
        assert!(
            !kept.iter().any(|k| k.starts_with("I read")),
            "{control}: {kept:?}"
        );
    }
}

#[test]
fn a_header_of_top_headlines_ends_the_body() {
    // Sentence-case headlines with their blurbs read as prose; the header
    // over them ends the article.
    let teasers = "Hurricane nears the coast with millions of people at risk\n\
                   A raging storm surge and driving rain have started pounding the coast of the state, as millions wait.\n\
                   Officials urge residents to prepare for the storm\n\
                   Officials are urging those in the path of the storm to be prepared for the worst of it tonight.\n";
    for header in [
        "Top News Headlines",
        "Most Popular Posts",
        "You may like to read:",
    ] {
        let text = format!(
            "{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n{PROSE} Four.\n{header}\n{teasers}Imprint\n"
        );
        assert_the_article_alone(&text, 4, header);
    }
}

#[test]
fn the_headline_starts_the_body() {
    // A short post under its headline, the blog's blurb a few short lines
    // above it: blurb and post together outscore the post alone, so the
    // segment starts at the blurb.
    let blurb = "Check out my new book about the bridge, which is now available from all good bookshops in town.";
    let post = "The council met on Monday and decided that the old bridge will be rebuilt in the spring, at last.";
    let text = format!(
        "Bridge to be rebuilt - The Town Blog\n{NAV}{blurb}\nArchive\nFriday, October 5, 2012\n\
         Bridge to be rebuilt\n{post}\nPosted by\nAnna\nat 9:00 PM\nOlder posts\nPopular\n"
    );
    let l = lines(&text);
    let kept = kept(&l, &Extractor::default().decide("s", &l));
    assert_eq!(kept, vec!["Bridge to be rebuilt", post], "{kept:?}");
}

#[test]
fn a_title_after_the_articles_prose_starts_nothing() {
    // The title's words repeat in a box's headline inside the article (or
    // close it): the article before it stays.
    let text = format!(
        "Bridge to be rebuilt - Town News\n{NAV}{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n\
         Bridge to be rebuilt\n{PROSE} Four.\n{PROSE} Five.\nPopular\nArchive\n"
    );
    let l = lines(&text);
    let k = kept(&l, &Extractor::default().decide("s", &l));
    assert!(k.contains(&PROSE), "{k:?}");
    let text = format!(
        "Bridge to be rebuilt - Town News\n{NAV}The town blog\n{PROSE}\nBridge to be rebuilt\nPopular\nArchive\nImprint\n"
    );
    let l = lines(&text);
    let k = kept(&l, &Extractor::default().decide("s", &l));
    assert!(k.contains(&PROSE), "{k:?}");
}

#[test]
fn a_headline_inside_the_body_starts_it_when_the_title_found_is_the_sites_name() {
    // The first line is "Headline - Site"; the site's name, printed at the
    // top, is the first line repeating it, far above the body, and the
    // headline stands inside the body under the blog's blurb.
    let blurb = "If you see an image we have not given credit to, please let us know so that we can give proper credit.";
    let post = "The council met on Monday and decided that the old bridge will be rebuilt in the spring, at last.";
    let text = format!(
        "City chic - Town Blog\nTown Blog\n{NAV}{blurb}\nMain\nOctober 26, 2012\nCity chic\n{post}\nComments\nPopular\n"
    );
    let l = lines(&text);
    let kept = kept(&l, &Extractor::default().decide("s", &l));
    assert_eq!(kept, vec!["Town Blog", "City chic", post], "{kept:?}");
}

#[test]
fn a_bare_marker_the_article_goes_on_after_does_not_end_it() {
    // "Comments:" as a label of the work's stats (or "Response" as a
    // section's header): the article's prose goes on after it, and no
    // comment furniture follows.
    let head = format!("{NAV}Bridge to be rebuilt\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\n");
    for label in ["Comments:", "Response", "Comment"] {
        let text = format!(
            "{head}{label}\n1664\nKudos:\n212\nHits:\n9000\n{PROSE} Four.\n{PROSE} Five.\n{PROSE} Six.\nPopular\nArchive\n"
        );
        let l = lines(&text);
        let fate = Extractor::default().decide("s", &l);
        assert!(
            kept_has(&l, &fate, &format!("{PROSE} Six.")),
            "{label}: {:?}",
            kept(&l, &fate)
        );
        assert!(kept_has(&l, &fate, PROSE), "{label}");
    }
    // The same marker over a thread (names, dates, a comment's text) ends it.
    let comment = "I think that the council is wrong about this and that they should have asked all of us first.";
    let text = format!(
        "{head}Comments\nAnna\n{comment}\n{comment} Yes.\nMarch 10, 2017\nBen\n{comment} No.\n{comment} Maybe.\nMarch 11, 2017\nPopular\nArchive\n"
    );
    let l = lines(&text);
    let fate = Extractor::default().decide("s", &l);
    assert_eq!(kept(&l, &fate).len(), 3, "{:?}", kept(&l, &fate));
    let first = l.iter().position(|x| x.text == comment).unwrap();
    assert_eq!(fate[first], Some(ExtractCause::Comments));
}

#[test]
fn a_line_the_site_repeats_is_the_title_when_it_is_half_the_first() {
    // No line of the page's own repeats the first; the site's list of
    // popular posts holds this page's headline (a template line): it is
    // the title when it is half the first line or more, not a third.
    for (repeat, found) in [("Bridge to be rebuilt", true), ("to be rebuilt", false)] {
        let text = format!(
            "Bridge to be rebuilt - Town News\n{NAV}{repeat}\n{PROSE}\n{PROSE} Two.\n{PROSE} Three.\nImprint\n"
        );
        let l = lines(&text);
        let mut scratch = Vec::new();
        let template = NAV
            .lines()
            .chain([repeat])
            .map(|t| normalize::line_hash(&ExtractLine::new(t).key, &mut scratch))
            .collect();
        let ex = Extractor::new(
            HashMap::from([("s".to_string(), SiteModel { template })]),
            ExtractOptions::default(),
        );
        let (fate, title) = ex.decide_with_title("s", &l);
        assert!(fate.iter().any(Option::is_some), "a whole page: {fate:?}");
        let at = l.iter().position(|x| x.text == repeat);
        assert_eq!(title, at.filter(|_| found), "{repeat}");
    }
}
