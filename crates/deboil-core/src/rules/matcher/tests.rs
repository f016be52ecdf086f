use super::*;
use aho_corasick::AhoCorasickKind;

fn table(phrases: &[String]) -> PhraseSet {
    let mut t = PhraseSet::default();
    for (i, p) in phrases.iter().enumerate() {
        let lp = LitPat {
            rule: i as u32,
            mode: PhraseMode::Contains,
            word_start: true,
            word_end: true,
        };
        t.add(p.clone(), lp, 40, u32::MAX);
    }
    t
}

#[test]
fn triggers_pick_every_line_a_regex_matches() {
    use super::super::{EMBEDDED, RuleSet, RuleSource, Toggles};
    // The shipped rules' regexes alone (no phrases), each run on every
    // line of the shipped examples, find what the matcher finds: the
    // triggers let through every line a regex matches.
    let mut toml = String::new();
    for (_, text) in EMBEDDED {
        let v: toml::Value = toml::from_str(text).unwrap();
        for r in v["rule"].as_array().unwrap() {
            let Some(rx) = r.get("regex") else { continue };
            toml += &format!("[[rule]]\nid = {}\nreason = \"r\"\nregex = {rx}\n", r["id"]);
            for k in ["max_words", "action"] {
                if let Some(x) = r.get(k) {
                    toml += &format!("{k} = {x}\n");
                }
            }
        }
    }
    let rs = RuleSet::compile(&[RuleSource::new("t.toml", toml)], &Toggles::default()).unwrap();
    let shipped = RuleSet::compile(&RuleSource::embedded(), &Toggles::default()).unwrap();
    let (mut key, mut lines) = (Vec::new(), Vec::new());
    for ex in &shipped.examples {
        for l in ex.input.lines().chain(ex.output.lines()) {
            lines.push(LineKey::push(l, &mut key));
        }
    }
    let mut got = Vec::new();
    rs.plain
        .find(&key, &lines, &vec![true; rs.rules.len()], &mut got);
    let keyed: std::collections::HashSet<usize> =
        rs.plain.keyed.iter().map(|k| k.rule as usize).collect();
    let mut want = Vec::new();
    for kr in &rs.plain.keyed {
        for (line, lk) in lines.iter().enumerate() {
            let text = &key[lk.start..lk.end];
            if lk.words <= kr.line_bound
                && !text.is_empty()
                && let Some(m) = kr.re.get().find(text)
            {
                want.push((line, kr.rule as usize, m.start(), m.end()));
            }
        }
    }
    let mut got: Vec<_> = got
        .iter()
        .filter(|h| keyed.contains(&h.rule))
        .map(|h| (h.line, h.rule, h.key_start, h.key_end))
        .collect();
    got.sort();
    got.dedup();
    want.sort();
    want.dedup();
    assert!(want.len() > 200, "{}", want.len());
    assert_eq!(got, want);
}

#[test]
fn regexes_too_big_for_one_set_are_split() {
    use super::super::{RuleSet, RuleSource, Toggles};
    // Each regex passes the size limit alone; together they do not.
    // (No literal in them: regexes with triggers are not in sets.)
    let mut toml = String::new();
    for i in 1..=12 {
        toml += &format!(
            "[[rule]]\nid = \"r{i}\"\nreason = \"r\"\nregex = ['^\\w{{60}}[0-9]{{{i}}}$']\n"
        );
    }
    let rs = RuleSet::compile(&[RuleSource::new("t.toml", &toml)], &Toggles::default()).unwrap();
    assert!(rs.plain.regexes.len() > 1, "{}", rs.plain.regexes.len());
    let line = format!("{}1234567", "ж".repeat(60));
    assert_eq!(
        super::super::words::tests::hit_lines(&toml, &["nothing", &line]),
        [1]
    );
}

#[test]
fn build_work_counts_failure_chains() {
    // "aaa": states a, aa, aaa with chains 1, 2, 3 (+1 for the root); 2 classes.
    assert_eq!(dfa_build_work(&["aaa".into()]), 2 * (1 + 1 + 2 + 3));
    // No overlap: every chain is one link.
    assert_eq!(dfa_build_work(&["abc".into()]), 4 * 4);
    // A phrase reaching into another's repetition pays for its chain too.
    let x = "x".repeat(999);
    let alone = dfa_build_work(std::slice::from_ref(&x));
    assert!(dfa_build_work(&[x.clone(), format!("y{x}")]) > 2 * alone * 2 / 3);
}

#[test]
fn self_overlapping_phrases_get_an_nfa_ordinary_ones_a_dfa() {
    let words: Vec<String> = (0..200)
        .map(|i| format!("subscribe to page {i} now"))
        .collect();
    assert_eq!(crate_automaton(&words).kind(), AhoCorasickKind::DFA);
    // 26 phrases of 1,000 repeated letters: a DFA takes seconds to build.
    let runs: Vec<String> = (b'a'..=b'z')
        .map(|c| (c as char).to_string().repeat(1000))
        .collect();
    let ac = crate_automaton(&runs);
    assert_eq!(ac.kind(), AhoCorasickKind::ContiguousNFA);
    // It still finds them.
    let text = format!("{} tail", "q".repeat(1000));
    assert_eq!(ac.find_overlapping_iter(&text).count(), 1);
    // The stepped DFA is held to the same budget; ordinary phrases get it.
    let m = table(&runs).build(&[], 0).unwrap();
    assert!(matches!(m.ac, Some(Automaton::Crate(_))));
    let m = table(&words).build(&[], 0).unwrap();
    assert!(matches!(m.ac, Some(Automaton::Dense(_))));
}

/// The shipped rules, compiled once for the tests below.
fn shipped() -> &'static super::super::RuleSet {
    use super::super::{RuleSet, RuleSource, Toggles};
    static RS: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RS.get_or_init(|| RuleSet::compile(&RuleSource::embedded(), &Toggles::default()).unwrap())
}

/// Lines of the shipped examples (junk and kept text), and pairs of them.
fn example_lines() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        let mut v: Vec<String> = shipped()
            .examples
            .iter()
            .flat_map(|ex| ex.input.lines().chain(ex.output.lines()))
            .map(str::to_string)
            .collect();
        v.sort();
        v.dedup();
        v
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn remembered_regex_results_are_those_of_running_them(
        docs in proptest::collection::vec(
            proptest::collection::vec((0..10_000usize, proptest::option::of(0..10_000usize)), 0..10),
            1..5,
        ),
        site in 0..3usize,
    ) {
        // Documents of example lines (one line repeated in one, across
        // them, joined to another), each matched with this thread's memo
        // (filled by the documents before) and without: the same hits,
        // duplicates included.
        let rs = shipped();
        let lines = example_lines();
        let mask = rs.mask_for(["x.org", "caucasuswatch.de", "y.de"][site]);
        for doc in docs {
            let (mut key, mut keys) = (Vec::new(), Vec::new());
            for (a, b) in doc {
                let mut line = lines[a % lines.len()].clone();
                if let Some(b) = b {
                    line = format!("{line} {}", lines[b % lines.len()]);
                }
                keys.push(LineKey::push(&line, &mut key));
            }
            let (mut with, mut without) = (Vec::new(), Vec::new());
            rs.plain.find(&key, &keys, &mask, &mut with);
            rs.plain.find_with(&key, &keys, None, &mask, None, &mut without);
            with.sort();
            without.sort();
            proptest::prop_assert_eq!(with, without);
        }
    }
}

#[test]
fn a_document_matched_twice_gives_the_same_hits() {
    // The second time from the memo; duplicates (a regex once a line)
    // are not added.
    let rs = shipped();
    let (mut key, mut keys) = (Vec::new(), Vec::new());
    for l in example_lines().iter().chain(example_lines()) {
        keys.push(LineKey::push(l, &mut key));
    }
    let mask = rs.mask_for("x.org");
    let (mut first, mut second) = (Vec::new(), Vec::new());
    rs.plain.find(&key, &keys, &mask, &mut first);
    rs.plain.find(&key, &keys, &mask, &mut second);
    assert!(first.len() > 500, "{}", first.len());
    let mut plain = Vec::new();
    rs.plain
        .find_with(&key, &keys, None, &mask, None, &mut plain);
    first.sort();
    second.sort();
    plain.sort();
    assert_eq!(first, plain);
    assert_eq!(second, plain);
}

/// Hits of `toml` on `text`, compiled as a learned file or as people's.
fn hits_as(toml: &str, learned: bool, text: &[&str]) -> Vec<super::super::Hit> {
    use super::super::{RuleSet, RuleSource, Toggles};
    let src = RuleSource {
        learned,
        ..RuleSource::new("t.toml", toml)
    };
    let rs = RuleSet::compile(&[src], &Toggles::default()).unwrap();
    let (mut key, mut lines) = (Vec::new(), Vec::new());
    for l in text {
        lines.push(LineKey::push(l, &mut key));
    }
    let mut hits = Vec::new();
    rs.find_hits(&key, &lines, &rs.mask_for("x"), &mut Vec::new(), &mut hits);
    hits.sort_unstable();
    hits
}

#[test]
fn learned_equals_phrases_hit_longer_lines_around_them() {
    // A learned `equals` phrase is looked for by the automaton only in
    // lines of its own words; lines with more (punctuation and symbols
    // around it) are found apart, with the same hits as without the bound.
    let toml = "[[rule]]\nid = \"a\"\nreason = \"r\"\nequals = ['subscribe now', '» read more', 'read more »', 'read more']\n\
                [[rule]]\nid = \"b\"\nreason = \"r\"\nequals = ['page 1 of 9']\nfold_digits = true\n";
    let text = [
        "Subscribe now",
        "» Subscribe now «",
        "| | Subscribe now! | | — ©",
        "«Subscribe now»",
        "— Subscribe — now",
        "Subscribe now please",
        "please subscribe now !",
        "» » Read more .",
        "Read more",
        "· · Read more »",
        "— Page 3 of 7 —",
        "- - - Page 12 of 7",
        "Page 3 of 7 (next)",
        "¡ ¿ Subscribe   now ? !",
        "» Read more »",
    ];
    let learned = hits_as(toml, true, &text);
    let mut lines: Vec<usize> = learned.iter().map(|h| h.line).collect();
    lines.dedup();
    assert_eq!(lines, [0, 1, 2, 3, 7, 8, 9, 10, 13, 14]);
    // Phrases sharing their words each hit the line they all fit.
    assert_eq!(learned.iter().filter(|h| h.line == 14).count(), 3);
    assert_eq!(learned, hits_as(toml, false, &text));
}

#[test]
fn learned_phrases_need_no_automaton_and_folded_ones_read_digit_lines_only() {
    // Learned `equals` phrases are looked for from each line's core, with
    // no automaton; a folding rule's phrase without digits goes with the
    // plain phrases, and the folded ones need only the lines with a digit.
    let toml = "[[rule]]\nid = \"a\"\nreason = \"r\"\nequals = ['© 2012 site07 media group', 'sign up now']\nfold_digits = true\n";
    let src = |learned| super::super::RuleSource {
        learned,
        ..super::super::RuleSource::new("t.toml", toml)
    };
    let compile = |learned| {
        super::super::RuleSet::compile(&[src(learned)], &super::super::Toggles::default()).unwrap()
    };
    let learned = compile(true);
    assert!(learned.folded.digits_only());
    assert!(learned.folded.literals.iter().all(|l| l.ac.is_none()));
    assert_eq!(learned.folded.scan_words(), 0);
    let people = compile(false);
    assert!(people.folded.literals.iter().all(|l| l.ac.is_some()));
    let text = [
        "© 1999 Site42 Media Group",
        "Sign up now!",
        "— © 2012 site07 media group —",
        "sign up now please",
    ];
    let hits = hits_as(toml, true, &text);
    assert_eq!(hits.iter().map(|h| h.line).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(hits, hits_as(toml, false, &text));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Learned rules (their `equals` phrases found without the automaton,
    /// folding ones on lines with digits only) hit what the same file read
    /// as people's rules hits, line for line.
    #[test]
    fn learned_rules_hit_what_the_same_rules_hit(
        phrases in proptest::collection::vec("(read|more|2012|site0[1-3]|page [0-9]|¡|»|of|—|news| ){1,5}", 1..5),
        lines in proptest::collection::vec(
            (0..8usize, "[ »—¡!.]{0,3}", "[ »—!.]{0,3}", 0..10u8, "(read|more|1999|site0[1-9]|of| |—|!|news|x7){0,7}"),
            1..12,
        ),
        fold in proptest::bool::ANY,
        starts in proptest::bool::ANY,
    ) {
        let ok = phrases.iter().all(|p| !crate::normalize::key(p).is_empty());
        proptest::prop_assume!(ok);
        let list = |v: &[String]| v.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", ");
        let (eq, sw) = phrases.split_at(if starts { phrases.len() / 2 } else { phrases.len() });
        let mut toml = format!("[[rule]]\nid = \"a\"\nreason = \"r\"\nequals = [{}]\n", list(eq));
        if !sw.is_empty() {
            toml.push_str(&format!("starts_with = [{}]\n", list(sw)));
        }
        if fold {
            toml.push_str("fold_digits = true\n");
        }
        // Most lines are a phrase, its digits maybe changed, with
        // punctuation around it and maybe more words after it.
        let text: Vec<String> = (lines.iter())
            .map(|(i, before, after, digit, rest)| match phrases.get(*i) {
                Some(p) => {
                    let d = char::from(b'0' + digit);
                    let p: String = p.chars().map(|c| if c.is_ascii_digit() && *digit < 5 { d } else { c }).collect();
                    let tail = if *digit % 3 == 0 { rest.as_str() } else { "" };
                    format!("{before}{p}{after}{tail}")
                }
                None => rest.clone(),
            })
            .collect();
        let text: Vec<&str> = text.iter().map(String::as_str).collect();
        proptest::prop_assert_eq!(hits_as(&toml, true, &text), hits_as(&toml, false, &text));
    }
}

#[test]
fn learned_phrases_of_a_longer_bound_hit_in_every_tier() {
    // A learned rule with its own `max_words` over 40 sits in two tiers of
    // lines: its phrases are looked up alone in both, each on its lines.
    let toml = "[[rule]]\nid = \"a\"\nreason = \"r\"\nequals = ['sign up now', 'page 3 of 9']\nmax_words = 60\nfold_digits = true\n";
    let pad = |n: usize| "— ".repeat(n);
    let lines: Vec<String> = [0, 20, 40, 53, 70]
        .iter()
        .flat_map(|&n| {
            [
                format!("{}Sign up now {}", pad(n), pad(n / 10)),
                format!("{}Page 7 of 2{}", pad(n), pad(3)),
            ]
        })
        .collect();
    let text: Vec<&str> = lines.iter().map(String::as_str).collect();
    let hits = hits_as(toml, true, &text);
    // Lines of up to 60 words: line 6 has 61 (53 + 3 + 5), line 7 has 60.
    let lines: Vec<usize> = hits.iter().map(|h| h.line).collect();
    assert_eq!(lines, [0, 1, 2, 3, 4, 5, 7]);
    assert_eq!(hits, hits_as(toml, false, &text));
}

#[test]
fn phrases_without_a_word_character_in_rules_without_a_line_bound_compile() {
    // A span rule (and a tail rule with no `max_words`) sees lines of any
    // length: its phrases, some with no word character, are looked for by
    // the automaton alone (none is a bounded `equals` phrase).
    let toml = "[[rule]]\nid = \"s\"\nreason = \"r\"\ncontains = ['***', 'xx']\naction = \"span\"\n\
                [[rule]]\nid = \"t\"\nreason = \"r\"\nstarts_with = ['©']\naction = \"tail\"\n";
    let long = format!("{} *** {}", "w ".repeat(200), "© x");
    let text = ["a *** b", "© 2024 Anna", long.as_str(), "plain"];
    for learned in [false, true] {
        let hits = hits_as(toml, learned, &text);
        let got: Vec<(usize, usize)> = hits.iter().map(|h| (h.line, h.rule)).collect();
        assert_eq!(got, [(0, 0), (1, 1), (2, 0)], "learned: {learned}");
    }
}

#[test]
fn each_line_meets_the_automaton_of_its_length_with_the_rules_that_may_touch_it() {
    use super::super::{RuleSet, RuleSource, Toggles};
    // Rules for lines of up to 10 words, up to 60, and any line (a span).
    let toml = "[[rule]]\nid = \"a\"\nreason = \"r\"\ncontains = ['alpha beta']\nmax_words = 10\n\
                [[rule]]\nid = \"b\"\nreason = \"r\"\ncontains = ['gamma delta']\nmax_words = 60\n\
                [[rule]]\nid = \"c\"\nreason = \"r\"\ncontains = ['date ']\naction = \"span\"\n";
    let rs = RuleSet::compile(&[RuleSource::new("t.toml", toml)], &Toggles::default()).unwrap();
    // One automaton a tier: every pattern for the shortest lines, then the
    // patterns of the rules for longer ones; the last, of one phrase, is the
    // crate's searcher (a vector scan from one candidate to the next).
    let tiers: Vec<&[u32]> = rs.plain.literals.iter().map(|l| &l.rules[..]).collect();
    assert_eq!(tiers, [&[0, 1, 2][..], &[1, 2], &[2]]);
    assert!(matches!(rs.plain.literals[2].ac, Some(Automaton::Crate(_))));
    let padded = |n: usize| format!("{} alpha beta gamma delta date x", "word ".repeat(n));
    let text = [
        padded(0),
        padded(30),
        padded(100),
        // Inside a word, or not followed by its space: no match.
        format!("{} candidate x update", "word ".repeat(100)),
    ];
    let text: Vec<&str> = text.iter().map(|s| s.as_str()).collect();
    let (mut key, mut lines) = (Vec::new(), Vec::new());
    for l in &text {
        lines.push(LineKey::push(l, &mut key));
    }
    let mut hits = Vec::new();
    rs.find_hits(&key, &lines, &rs.mask_for("x"), &mut Vec::new(), &mut hits);
    let mut got: Vec<(usize, usize)> = hits.iter().map(|h| (h.line, h.rule)).collect();
    got.sort_unstable();
    assert_eq!(got, [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]);
}
