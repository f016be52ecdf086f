//! Properties of cleaning, over generated documents made of the junk the
//! default rules' own examples carry, plain words, whitespace-only lines,
//! repeats and both kinds of line break:
//!
//! - cleaning is idempotent: the cleaned text cleans to itself, but for
//!   lines a `span` removal cut (rules match each original line once, so a
//!   cut can show another rule what it matches);
//! - a document no rule matches changes only by the built-in cleanups: the
//!   default rules give what no rules give, and with the built-ins off the
//!   text comes back as it went in.
//!
//! Idempotence is checked with the default rules, which have no `paragraph`
//! or `tail` rules. Those rules' `max_words` guards count the words of the
//! original that the removal would delete, including lines that another
//! rule or a built-in removes later (a tail, a repeated line); cleaning the
//! output again can then find a paragraph short enough to go. That is how
//! the guards are defined, not checked here.

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;

use super::{Builtin, Cause, CleanOptions, Cleaner};
use crate::rules::{Action, RuleSet};

/// The default rules, compiled once, and the lines of their examples.
fn defaults() -> &'static (Arc<RuleSet>, Vec<String>) {
    static D: OnceLock<(Arc<RuleSet>, Vec<String>)> = OnceLock::new();
    D.get_or_init(|| {
        let rules = RuleSet::embedded().expect("the default rules compile");
        let mut lines: Vec<String> = rules
            .examples
            .iter()
            .flat_map(|e| e.input.lines())
            .filter(|l| !l.trim().is_empty())
            .map(String::from)
            .collect();
        lines.sort();
        lines.dedup();
        (Arc::new(rules), lines)
    })
}

/// One line of a generated document, before repeats are resolved.
#[derive(Debug, Clone)]
enum Line {
    /// A line of a default rule's example (junk, or text kept beside it).
    Junk(usize),
    /// Plain words.
    Words(String),
    /// Blank, or whitespace the key drops.
    Space(&'static str),
    /// The `date YYYY-MM ` prefix a span rule cuts, before another line.
    Dated(Box<Line>),
    /// A copy of an earlier line (index modulo the lines so far).
    Repeat(usize),
}

const SPACES: [&str; 6] = ["", " ", "\u{a0}", " \t ", "\u{200b}", "\u{a0}\u{200b} "];

fn words(letters: &'static str) -> impl Strategy<Value = String> {
    let word = proptest::string::string_regex(&format!("[{letters}]{{1,8}}[.,]?")).unwrap();
    let gap = prop::sample::select(vec![" ", " ", "  ", "\t", "\u{a0}"]);
    (prop::collection::vec((word, gap), 1..14), any::<bool>()).prop_map(|(ws, pad)| {
        let mut s = String::from(if pad { " " } else { "" });
        for (i, (w, g)) in ws.iter().enumerate() {
            if i > 0 {
                s.push_str(g);
            }
            s.push_str(w);
        }
        if pad {
            s.push_str("  ");
        }
        s
    })
}

fn line(letters: &'static str, junk: bool) -> impl Strategy<Value = Line> {
    let n = defaults().1.len();
    let plain = prop_oneof![
        3 => words(letters).prop_map(Line::Words),
        1 => prop::sample::select(SPACES.to_vec()).prop_map(Line::Space),
        1 => (0usize..64).prop_map(Line::Repeat),
    ];
    if !junk {
        return plain.boxed();
    }
    let leaf = prop_oneof![3 => plain, 3 => (0..n).prop_map(Line::Junk)];
    prop_oneof![
        6 => leaf.clone(),
        1 => leaf.prop_map(|l| Line::Dated(Box::new(l))),
    ]
    .boxed()
}

fn render(lines: &[Line], crlf: bool, last_break: bool) -> String {
    let junk = &defaults().1;
    let mut out: Vec<String> = Vec::new();
    for l in lines {
        let text = |l: &Line, out: &[String]| match l {
            Line::Junk(i) => junk[*i].clone(),
            Line::Words(w) => w.clone(),
            Line::Space(s) => s.to_string(),
            Line::Repeat(k) if !out.is_empty() => out[k % out.len()].clone(),
            Line::Repeat(_) => String::new(),
            Line::Dated(_) => unreachable!("not nested"),
        };
        let t = match l {
            Line::Dated(inner) => format!("date 2021-04 {}", text(inner, &out)),
            _ => text(l, &out),
        };
        out.push(t);
    }
    let brk = if crlf { "\r\n" } else { "\n" };
    let mut s = out.join(brk);
    if last_break && !out.is_empty() {
        s.push_str(brk);
    }
    s
}

/// A document: its lines, line breaks, and whether it ends with one.
fn document(letters: &'static str, junk: bool) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(letters, junk), 0..24),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, last)| render(&lines, crlf, last))
}

fn site() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "caucasuswatch.de", "example.com"])
}

/// Where the lines a `span` removal cut lie in the cleaned text.
fn cut_lines(cleaner: &Cleaner, c: &super::Cleaned) -> Vec<std::ops::Range<usize>> {
    let spans: Vec<&super::Removal> = c
        .removals
        .iter()
        .filter(|r| matches!(r.cause, Cause::Rule(i) if cleaner.rules().rules[i].action == Action::Span))
        .collect();
    c.lines
        .iter()
        .filter(|f| {
            spans
                .iter()
                .any(|r| f.orig.start <= r.start && r.end <= f.orig.end)
        })
        .filter_map(|f| f.out.clone())
        .collect()
}

/// Letters and digits that spell no word of the default rules: no vowels,
/// and none of the consonants of their vowel-less words (`ddp`, `dts`,
/// `cnn`, `rss`, `www`, `gmbh`, `sz`, ...; list them with
/// `grep -oiE '\b[a-z]{2,}\b' rules/*.toml | grep -vE '[aeiouyxvk]'`).
const SAFE: &str = "bfgjlqzBFGJLQZ0-9";
/// Letters that can spell anything, junk phrases included.
const ANY: &str = "a-zA-ZäöüßéДд";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn cleaning_is_idempotent(text in document(ANY, true), site in site()) {
        let cleaner = Cleaner::with_rules(defaults().0.clone());
        let once = cleaner.clean(&text, site);
        let twice = cleaner.clean(&once.text, site);
        let cut = cut_lines(&cleaner, &once);
        if cut.is_empty() {
            prop_assert_eq!(&twice.text, &once.text, "removed again: {:?}", twice.removals);
        }
        // Rules match each line of the original once: a line a span cut can
        // show another rule what it matches (`date 2021-04 Read more: ...`),
        // and only such lines may lose more.
        for r in &twice.removals {
            prop_assert!(
                cut.iter().any(|c| c.start <= r.start && r.end <= c.end),
                "removed again outside the lines a span cut: {:?} in {:?}",
                r,
                once.text
            );
        }
    }

    #[test]
    fn a_document_no_rule_matches_changes_only_by_the_builtins(
        text in document(SAFE, false),
        site in site(),
    ) {
        let rules = defaults().0.clone();
        let with_rules = Cleaner::with_rules(rules.clone()).clean(&text, site);
        let without = Cleaner::with_rules(RuleSet::empty()).clean(&text, site);
        prop_assert_eq!(&with_rules.text, &without.text);
        prop_assert!(
            with_rules.removals.iter().all(|r| matches!(r.cause, Cause::Builtin(_))),
            "{:?}",
            with_rules.removals
        );
        // With the built-ins off, nothing changes at all.
        let mut off = CleanOptions::default();
        for b in Builtin::ALL {
            off.disable(b);
        }
        let untouched = Cleaner::new(rules, off).clean(&text, site);
        prop_assert_eq!(&untouched.text, &text);
        prop_assert!(untouched.removals.is_empty());
    }
}
