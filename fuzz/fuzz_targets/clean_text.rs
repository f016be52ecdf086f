//! Arbitrary text cleaned with the default rules: never a panic, and the
//! result is consistent with itself and with the input:
//!
//! - removals lie in the text, on character boundaries, sorted; `explain`
//!   gives the same ranges with matching character offsets; `span`
//!   removals lie on kept lines, or on lines they left blank;
//! - one fate per input line; each kept line is its input line with the
//!   `span` removals on it cut out (then its trailing whitespace trimmed when
//!   that built-in is on), and the output is exactly the kept lines joined
//!   by their own line breaks;
//! - with the default built-ins: no line ends in whitespace, no two blank
//!   lines in a row, none at the start or end;
//! - cleaning the output again changes nothing, but on lines a `span`
//!   removal cut (rules match each original line once, so a cut can show
//!   another rule what it matches).
//!
//! The first byte picks which built-ins are off (low four bits) and the
//! site (the next two: three fixed sites, or the text's first line).
#![no_main]

use std::sync::OnceLock;

use deboil_core::clean::{Builtin, Cause, CleanOptions, Cleaned, Cleaner};
use deboil_core::rules::{Action, RuleSet};
use libfuzzer_sys::fuzz_target;

fn cleaners() -> &'static [Cleaner] {
    static C: OnceLock<Vec<Cleaner>> = OnceLock::new();
    C.get_or_init(|| {
        let rules = std::sync::Arc::new(RuleSet::embedded().expect("default rules compile"));
        (0..16u8)
            .map(|off| {
                let mut opts = CleanOptions::default();
                for (bit, b) in Builtin::ALL.into_iter().enumerate() {
                    if off & (1 << bit) != 0 {
                        opts.disable(b);
                    }
                }
                Cleaner::new(rules.clone(), opts)
            })
            .collect()
    })
}

/// Lines as the cleaner splits them: content and line break.
fn lines(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for piece in text.split_inclusive('\n') {
        let mut end = pos + piece.len();
        let brk = end;
        if piece.ends_with('\n') {
            end -= 1;
            if piece.ends_with("\r\n") {
                end -= 1;
            }
        }
        out.push((pos, end, brk));
        pos = brk;
    }
    out
}

fn check(cleaner: &Cleaner, text: &str, c: &Cleaned) {
    let rules = cleaner.rules();
    let opts = cleaner.options();
    let mut prev = (0, 0);
    for r in &c.removals {
        assert!(
            r.start <= r.end && r.end <= text.len(),
            "{r:?} out of bounds"
        );
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "{r:?}"
        );
        assert!((r.start, r.end) >= prev, "removals out of order");
        prev = (r.start, r.end);
    }
    let why = cleaner.explain(text, c);
    assert_eq!(why.len(), c.removals.len());
    for (e, r) in why.iter().zip(&c.removals) {
        assert_eq!((e.start, e.end), (r.start, r.end));
        assert_eq!(e.char_start, text[..r.start].chars().count());
        assert_eq!(e.char_end, text[..r.end].chars().count());
        assert!(!e.rule.is_empty());
    }
    let spans: Vec<(usize, usize)> = c
        .removals
        .iter()
        .filter(|r| matches!(r.cause, Cause::Rule(i) if rules.rules[i].action == Action::Span))
        .map(|r| (r.start, r.end))
        .collect();
    let orig = lines(text);
    assert_eq!(c.lines.len(), orig.len(), "one fate per line");
    let mut expect = String::new();
    let mut owed = "";
    let mut any_kept = false;
    for (f, &(s, e, brk)) in c.lines.iter().zip(&orig) {
        assert_eq!(f.orig, s..e);
        let mut kept = String::new();
        let mut pos = s;
        let mut cut = false;
        for &(a, b) in spans.iter().filter(|&&(a, b)| a >= s && b <= e) {
            if a > pos {
                kept.push_str(&text[pos..a]);
            }
            pos = pos.max(b);
            cut = true;
        }
        kept.push_str(&text[pos..e]);
        let Some(out) = f.out.clone() else {
            // A removed line's spans are reported only when they emptied it.
            assert!(
                !cut || kept.trim().is_empty(),
                "span reported on removed line {s}..{e}"
            );
            continue;
        };
        let kept = if opts.trailing_space {
            kept.trim_end()
        } else {
            &kept
        };
        assert_eq!(&c.text[out.clone()], kept, "line {s}..{e}");
        expect.push_str(owed);
        assert_eq!(
            out.start,
            expect.len(),
            "line {s}..{e} is not where it should be"
        );
        expect.push_str(kept);
        owed = &text[e..brk];
        any_kept = true;
    }
    if any_kept {
        let &(_, e, brk) = orig.last().expect("a line was kept");
        expect.push_str(&text[e..brk]);
    }
    assert_eq!(c.text, expect, "the output is not its kept lines");

    let out_lines: Vec<&str> = c.text.lines().collect();
    if opts.trailing_space {
        assert!(
            out_lines.iter().all(|l| l.trim_end() == *l),
            "trailing space left"
        );
    }
    if opts.blank_runs {
        let blank: Vec<bool> = out_lines.iter().map(|l| l.trim().is_empty()).collect();
        assert!(
            !blank.windows(2).any(|w| w[0] && w[1]),
            "two blank lines in a row"
        );
        assert!(
            blank.first() != Some(&true) && blank.last() != Some(&true),
            "blank at an end"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let first_line = text.lines().next().unwrap_or("").to_lowercase();
    let site = match (ctl >> 4) & 3 {
        0 => "",
        1 => "caucasuswatch.de",
        2 => "www.example.com",
        _ => first_line.as_str(),
    };
    let cleaner = &cleaners()[usize::from(ctl & 15)];
    let c = cleaner.clean(&text, site);
    check(cleaner, &text, &c);

    // Cleaning again changes nothing, but on lines a span cut: rules match
    // each original line once, and a cut can show a rule what it matches.
    let again = cleaner.clean(&c.text, site);
    check(cleaner, &c.text, &again);
    let cut: Vec<_> = c
        .lines
        .iter()
        .filter(|f| {
            c.removals.iter().any(|r| {
                matches!(r.cause, Cause::Rule(i) if cleaner.rules().rules[i].action == Action::Span)
                    && f.orig.start <= r.start
                    && r.end <= f.orig.end
            })
        })
        .filter_map(|f| f.out.clone())
        .collect();
    if cut.is_empty() {
        assert_eq!(again.text, c.text, "not idempotent: {:?}", again.removals);
    }
    for r in &again.removals {
        assert!(
            cut.iter().any(|l| l.start <= r.start && r.end <= l.end),
            "cleaning again removed {r:?} outside the lines a span cut"
        );
    }
});
