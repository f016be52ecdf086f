//! Cleaning one document: rules first, then the built-in cleanups.
//!
//! A [`Cleaner`] owns its compiled rules (behind an [`Arc`]), so one object
//! can live as long as a program and be shared by every thread.
//!
//! ```
//! use deboil_core::clean::{CleanOptions, Cleaner};
//! use deboil_core::rules::RuleSet;
//!
//! let cleaner = Cleaner::new(RuleSet::embedded().unwrap(), CleanOptions::default());
//! let text = "Title\n\nBody text.\n\nSiehe auch\n";
//! let out = cleaner.clean(text, "caucasuswatch.de");
//! assert_eq!(out.text, "Title\n\nBody text.\n");
//! // What went, and why: rule ids with byte and character offsets.
//! let removals = cleaner.explain(text, &out);
//! assert_eq!(removals[0].rule, "caucasuswatch.see-also");
//! assert_eq!(&text[removals[0].start..removals[0].end], "Siehe auch");
//! assert_eq!(removals[0].char_start, 19);
//! ```

use std::cell::RefCell;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use crate::extract::{ExtractCause, ExtractLine, Extractor};
use crate::normalize;
use crate::rules::{Action, Hit, LineKey, Mask, RuleSet};

/// A built-in cleanup; each can be switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Builtin {
    /// Lines holding only whitespace (no-break spaces, zero-width characters).
    BlankLine,
    /// A short line repeating an earlier line of the document (a doubled photo credit).
    RepeatedLine,
    /// Runs of blank lines collapse to one; leading and trailing blank lines go.
    BlankRuns,
    /// Trailing whitespace of every line.
    TrailingSpace,
}

impl Builtin {
    /// All built-ins, in the order they run.
    pub const ALL: [Builtin; 4] = [
        Builtin::BlankLine,
        Builtin::RepeatedLine,
        Builtin::BlankRuns,
        Builtin::TrailingSpace,
    ];

    /// The name used on the command line and as the rule id in explain records.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::BlankLine => "blank-line",
            Builtin::RepeatedLine => "repeated-line",
            Builtin::BlankRuns => "blank-runs",
            Builtin::TrailingSpace => "trailing-space",
        }
    }

    /// Parses a name given by [`Builtin::name`].
    pub fn parse(s: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == s)
    }
}

/// Options of the built-in cleanups.
#[derive(Debug, Clone)]
pub struct CleanOptions {
    /// Drop lines holding only whitespace.
    pub blank_lines: bool,
    /// Drop a line that repeats an earlier line when it has at most this many
    /// words; `None` keeps repeats.
    pub repeated_lines: Option<usize>,
    /// Collapse runs of blank lines.
    pub blank_runs: bool,
    /// Trim trailing whitespace.
    pub trailing_space: bool,
}

impl Default for CleanOptions {
    fn default() -> Self {
        CleanOptions {
            blank_lines: true,
            repeated_lines: Some(DEFAULT_REPEATED_LINE_WORDS),
            blank_runs: true,
            trailing_space: true,
        }
    }
}

/// Lines up to this many words are dropped when they repeat.
pub const DEFAULT_REPEATED_LINE_WORDS: usize = 12;

impl CleanOptions {
    /// Switches one built-in off.
    pub fn disable(&mut self, b: Builtin) {
        match b {
            Builtin::BlankLine => self.blank_lines = false,
            Builtin::RepeatedLine => self.repeated_lines = None,
            Builtin::BlankRuns => self.blank_runs = false,
            Builtin::TrailingSpace => self.trailing_space = false,
        }
    }
}

/// Why some text was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// A rule, by index into [`RuleSet::rules`].
    Rule(usize),
    /// A built-in cleanup.
    Builtin(Builtin),
    /// Body extraction (with learned site models).
    Extract(ExtractCause),
}

impl Cause {
    /// The id reports use: the rule's id, `builtin.NAME` or `learn.NAME`.
    pub fn id(self, rules: &RuleSet) -> String {
        match self {
            Cause::Rule(i) => rules.rules[i].id.clone(),
            Cause::Builtin(b) => format!("builtin.{}", b.name()),
            Cause::Extract(w) => format!("learn.{}", w.name()),
        }
    }

    /// What the removal took: the rule's action, or `line`.
    pub fn action(self, rules: &RuleSet) -> &'static str {
        match self {
            Cause::Rule(i) => rules.rules[i].action.name(),
            Cause::Builtin(_) | Cause::Extract(_) => "line",
        }
    }
}

/// One removal as reports show it: the cause's id, and where the removed
/// text lies in the original, in bytes and in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// The rule id (`builtin.NAME` or `learn.NAME` for the others).
    pub rule: String,
    /// What the removal took: `line`, `paragraph`, `span` or `tail`.
    pub action: &'static str,
    /// Start byte offset in the original.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Start character offset in the original.
    pub char_start: usize,
    /// End character offset (exclusive).
    pub char_end: usize,
}

/// One removal: a byte range of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// Why it was removed.
    pub cause: Cause,
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

/// What became of one line of the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFate {
    /// The line's content in the original (without its line break).
    pub orig: Range<usize>,
    /// The line's content in the cleaned text, or `None` when it was removed.
    pub out: Option<Range<usize>>,
}

/// A cleaned document.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    /// The cleaned text.
    pub text: String,
    /// Removals that deleted text other than plain line-end whitespace, in
    /// document order.
    pub removals: Vec<Removal>,
    /// What became of each line of the original, in order.
    pub lines: Vec<LineFate>,
}

impl Cleaned {
    /// Number of removals per cause.
    pub fn removal_counts(&self) -> Vec<(Cause, u64)> {
        let mut counts: Vec<(Cause, u64)> = Vec::new();
        for r in &self.removals {
            match counts.iter_mut().find(|(c, _)| *c == r.cause) {
                Some((_, n)) => *n += 1,
                None => counts.push((r.cause, 1)),
            }
        }
        counts
    }
}

/// Cleans documents with a compiled [`RuleSet`]. It owns the rules (and the
/// body extractor, if any) behind [`Arc`]s: cloning is cheap, and a clone
/// can move to another thread or live in a long-lived object.
#[derive(Debug, Clone)]
pub struct Cleaner {
    rules: Arc<RuleSet>,
    opts: CleanOptions,
    extractor: Option<Arc<Extractor>>,
}

#[derive(Default)]
struct Scratch {
    key: Vec<u8>,
    folded: Vec<u8>,
    keys: Vec<LineKey>,
    hits: Vec<Hit>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// One line of the original: content `start..end`, line break `end..brk`.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    brk: usize,
}

fn split_lines(text: &str, out: &mut Vec<Line>) {
    let b = text.as_bytes();
    let mut pos = 0;
    for nl in memchr::memchr_iter(b'\n', b) {
        let end = if nl > pos && b[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        out.push(Line {
            start: pos,
            end,
            brk: nl + 1,
        });
        pos = nl + 1;
    }
    if pos < b.len() {
        out.push(Line {
            start: pos,
            end: b.len(),
            brk: b.len(),
        });
    }
}

impl Cleaner {
    /// A cleaner with `rules` and the built-in cleanups `opts`.
    pub fn new(rules: impl Into<Arc<RuleSet>>, opts: CleanOptions) -> Self {
        Cleaner {
            rules: rules.into(),
            opts,
            extractor: None,
        }
    }

    /// A cleaner with `rules` and the default built-in cleanups.
    pub fn with_rules(rules: impl Into<Arc<RuleSet>>) -> Self {
        Cleaner::new(rules, CleanOptions::default())
    }

    /// Also finds each page's body with `extractor` (whole-page dumps).
    pub fn with_extractor(mut self, extractor: impl Into<Arc<Extractor>>) -> Self {
        self.extractor = Some(extractor.into());
        self
    }

    /// The rule set this cleaner uses.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The built-in cleanups' options.
    pub fn options(&self) -> &CleanOptions {
        &self.opts
    }

    /// Whether it also finds each page's body.
    pub fn extracts(&self) -> bool {
        self.extractor.is_some()
    }

    /// The removals of `cleaned` (from [`Cleaner::clean`] of `original`) as
    /// reports show them: rule ids and byte and character offsets.
    pub fn explain(&self, original: &str, cleaned: &Cleaned) -> Vec<Explained> {
        // Removals are sorted by start: count characters incrementally.
        let (mut at_byte, mut at_char) = (0usize, 0usize);
        let mut chars_to = |b: usize| -> usize {
            if b >= at_byte {
                at_char += original[at_byte..b].chars().count();
            } else {
                at_char -= original[b..at_byte].chars().count();
            }
            at_byte = b;
            at_char
        };
        cleaned
            .removals
            .iter()
            .map(|r| Explained {
                char_start: chars_to(r.start),
                char_end: chars_to(r.end),
                rule: r.cause.id(&self.rules),
                action: r.cause.action(&self.rules),
                start: r.start,
                end: r.end,
            })
            .collect()
    }

    /// Cleans `text` with the rules that apply to `site`.
    pub fn clean(&self, text: &str, site: &str) -> Cleaned {
        let mask = self.rules.mask_for(site);
        SCRATCH.with(|s| self.clean_with(text, &mask, Some(site), &mut s.borrow_mut()))
    }

    /// Cleans `text` with exactly the rules `mask` switches on (no body
    /// extraction: that needs the site).
    pub fn clean_masked(&self, text: &str, mask: &Mask) -> Cleaned {
        SCRATCH.with(|s| self.clean_with(text, mask, None, &mut s.borrow_mut()))
    }

    fn clean_with(&self, text: &str, mask: &Mask, site: Option<&str>, s: &mut Scratch) -> Cleaned {
        let mut lines = Vec::new();
        split_lines(text, &mut lines);
        s.key.clear();
        s.keys.clear();
        s.hits.clear();
        for l in &lines {
            let start = s.key.len();
            let words = normalize::push_key(&text[l.start..l.end], &mut s.key);
            s.keys.push(LineKey {
                start,
                end: s.key.len(),
                words,
            });
            s.key.push(b'\n');
        }
        let rules: &RuleSet = &self.rules;
        if mask.iter().any(|&on| on) {
            rules.find_hits(&s.key, &s.keys, mask, &mut s.folded, &mut s.hits);
        }
        s.hits.sort_unstable();
        let mut plan = Plan::new(text, &lines, &s.keys);
        plan.apply_rules(rules, &s.hits);
        if let (Some(ex), Some(site)) = (self.extractor.as_deref(), site) {
            let ex_lines: Vec<ExtractLine> = lines
                .iter()
                .zip(&s.keys)
                .map(|(l, k)| ExtractLine {
                    text: &text[l.start..l.end],
                    key: std::borrow::Cow::Borrowed(&s.key[k.start..k.end]),
                    words: k.words,
                })
                .collect();
            let (fates, title) = ex.decide_with_title(site, &ex_lines);
            if let Some(t) = title {
                plan.restore_from_learned(t, rules);
            }
            for (i, why) in fates.into_iter().enumerate() {
                if let Some(why) = why {
                    plan.remove_lines(i..i + 1, Cause::Extract(why));
                }
            }
        }
        plan.apply_builtins(&self.opts, &s.key);
        plan.emit(&self.opts)
    }
}

/// The decisions about one document's lines, built up before any text is written.
struct Plan<'a> {
    text: &'a str,
    lines: &'a [Line],
    keys: &'a [LineKey],
    removed: Vec<Option<Cause>>,
    /// Removed spans as (line, start, end, rule), original byte offsets.
    spans: Vec<(usize, usize, usize, usize)>,
    removals: Vec<Removal>,
}

impl<'a> Plan<'a> {
    fn new(text: &'a str, lines: &'a [Line], keys: &'a [LineKey]) -> Self {
        Plan {
            text,
            lines,
            keys,
            removed: vec![None; lines.len()],
            spans: Vec::new(),
            removals: Vec::new(),
        }
    }

    fn is_blank(&self, i: usize) -> bool {
        self.keys[i].start == self.keys[i].end
    }

    /// Removes the still-kept lines of `range` for `cause`, as one removal.
    fn remove_lines(&mut self, range: Range<usize>, cause: Cause) {
        let fresh: Vec<usize> = range.filter(|&i| self.removed[i].is_none()).collect();
        if let (Some(&first), Some(&last)) = (fresh.first(), fresh.last()) {
            for &i in &fresh {
                self.removed[i] = Some(cause);
            }
            self.removals.push(Removal {
                cause,
                start: self.lines[first].start,
                end: self.lines[last].end,
            });
        }
    }

    /// Keeps line `i` if a learned rule removed it alone (the page's title,
    /// which a site's list of popular posts makes recur).
    fn restore_from_learned(&mut self, i: usize, rules: &RuleSet) {
        let Some(Cause::Rule(r)) = self.removed[i] else {
            return;
        };
        if !rules.rules[r].learned {
            return;
        }
        let (start, end) = (self.lines[i].start, self.lines[i].end);
        if let Some(pos) = self
            .removals
            .iter()
            .position(|x| x.cause == Cause::Rule(r) && x.start == start && x.end == end)
        {
            self.removals.remove(pos);
            self.removed[i] = None;
        }
    }

    fn kept_words(&self, range: Range<usize>) -> usize {
        range
            .filter(|&i| self.removed[i].is_none())
            .map(|i| self.keys[i].words)
            .sum()
    }

    fn apply_rules(&mut self, rules: &RuleSet, hits: &[Hit]) {
        let mut tails = Vec::new();
        for h in hits {
            let rule = &rules.rules[h.rule];
            let max = rule.max_words.unwrap_or(usize::MAX);
            let cause = Cause::Rule(h.rule);
            match rule.action {
                Action::Line => {
                    if self.removed[h.line].is_none() && self.keys[h.line].words <= max {
                        self.remove_lines(h.line..h.line + 1, cause);
                    }
                }
                Action::Paragraph => {
                    let mut a = h.line;
                    while a > 0 && !self.is_blank(a - 1) {
                        a -= 1;
                    }
                    let mut b = h.line + 1;
                    while b < self.lines.len() && !self.is_blank(b) {
                        b += 1;
                    }
                    if self.kept_words(a..b) <= max {
                        self.remove_lines(a..b, cause);
                    }
                }
                Action::Span => {
                    let l = self.lines[h.line];
                    let line = &self.text[l.start..l.end];
                    let (s, e) = normalize::key_to_original(line, h.key_start, h.key_end);
                    if normalize::word_count(&line[s..e]) <= max {
                        self.spans.push((h.line, l.start + s, l.start + e, h.rule));
                    }
                }
                Action::Tail => tails.push(*h),
            }
        }
        // Tails last: their guards count the words other rules left standing.
        for h in tails {
            let rule = &rules.rules[h.rule];
            let n = self.lines.len();
            if self.kept_words(0..h.line) >= rule.min_words_before
                && self.kept_words(h.line..n) <= rule.max_words.unwrap_or(usize::MAX)
            {
                self.remove_lines(h.line..n, Cause::Rule(h.rule));
                break;
            }
        }
        // Spans on removed lines are moot; overlapping spans merge into the first.
        self.spans.sort_unstable();
        let mut merged: Vec<(usize, usize, usize, usize)> = Vec::new();
        for sp in std::mem::take(&mut self.spans) {
            if self.removed[sp.0].is_some() {
                continue;
            }
            match merged.last_mut() {
                Some(last) if last.0 == sp.0 && sp.1 <= last.2 => last.2 = last.2.max(sp.2),
                _ => merged.push(sp),
            }
        }
        for &(_, s, e, r) in &merged {
            if s < e {
                self.removals.push(Removal {
                    cause: Cause::Rule(r),
                    start: s,
                    end: e,
                });
            }
        }
        self.spans = merged;
    }

    fn apply_builtins(&mut self, opts: &CleanOptions, key: &[u8]) {
        let mut seen: HashSet<&[u8]> = HashSet::new();
        for i in 0..self.lines.len() {
            if self.removed[i].is_some() {
                continue;
            }
            let l = self.lines[i];
            let k = self.keys[i];
            if opts.blank_lines && k.start == k.end && l.start < l.end {
                self.remove_lines(i..i + 1, Cause::Builtin(Builtin::BlankLine));
                continue;
            }
            if let Some(max) = opts.repeated_lines
                && k.words > 0
                && k.words <= max
                && !seen.insert(&key[k.start..k.end])
            {
                self.remove_lines(i..i + 1, Cause::Builtin(Builtin::RepeatedLine));
            }
        }
    }

    fn emit(mut self, opts: &CleanOptions) -> Cleaned {
        let mut out = String::with_capacity(self.text.len());
        let mut fates = Vec::with_capacity(self.lines.len());
        let mut spans = self.spans.iter().peekable();
        let mut piece = String::new();
        // The line break owed after the last written line, paid when another follows.
        let mut owed: &str = "";
        let mut last_blank = true;
        for (i, l) in self.lines.iter().enumerate() {
            if self.removed[i].is_some() {
                fates.push(LineFate {
                    orig: l.start..l.end,
                    out: None,
                });
                continue;
            }
            piece.clear();
            let mut pos = l.start;
            let mut cut_by = None;
            while let Some(&&(li, s, e, r)) = spans.peek() {
                if li != i {
                    break;
                }
                piece.push_str(&self.text[pos..s]);
                pos = e;
                cut_by = Some(r);
                spans.next();
            }
            piece.push_str(&self.text[pos..l.end]);
            let mut content: &str = &piece;
            if cut_by.is_some() && content.trim().is_empty() {
                // A span left nothing but whitespace: the line goes too.
                fates.push(LineFate {
                    orig: l.start..l.end,
                    out: None,
                });
                continue;
            }
            if opts.trailing_space {
                content = content.trim_end();
            }
            let blank = content.trim().is_empty();
            if opts.blank_runs && blank && last_blank {
                fates.push(LineFate {
                    orig: l.start..l.end,
                    out: None,
                });
                continue;
            }
            out.push_str(owed);
            let at = out.len();
            out.push_str(content);
            fates.push(LineFate {
                orig: l.start..l.end,
                out: Some(at..out.len()),
            });
            owed = &self.text[l.end..l.brk];
            last_blank = blank;
        }
        if opts.blank_runs && last_blank {
            // Drop the trailing blank lines the collapse left behind.
            while let Some(f) = fates.iter_mut().rev().find(|f| f.out.is_some()) {
                let r = f.out.clone().expect("found");
                if !out[r.clone()].trim().is_empty() {
                    break;
                }
                f.out = None;
                let cut = out[..r.start].trim_end_matches(['\n', '\r']).len();
                out.truncate(cut);
            }
        }
        // End like the original: with a line break when it had one.
        if !out.is_empty() && self.lines.last().is_some_and(|l| l.brk > l.end) {
            let last = self.lines.last().expect("non-empty");
            out.push_str(&self.text[last.end..last.brk]);
        }
        self.removals.sort_by_key(|r| (r.start, r.end));
        Cleaned {
            text: out,
            removals: self.removals,
            lines: fates,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleSource, Toggles};

    fn rules(text: &str) -> Arc<RuleSet> {
        Arc::new(RuleSet::compile(&[RuleSource::new("t.toml", text)], &Toggles::default()).unwrap())
    }

    fn clean(rs: &Arc<RuleSet>, text: &str) -> Cleaned {
        Cleaner::new(rs.clone(), CleanOptions::default()).clean(text, "x.org")
    }

    #[test]
    fn builtins_drop_blank_and_repeated_lines() {
        let rs = Arc::new(RuleSet::empty());
        let c = clean(&rs, "Title\n\nPhoto: A\nPhoto: A\n\n\u{a0}\n\n\nBody.  \n");
        assert_eq!(c.text, "Title\n\nPhoto: A\n\nBody.\n");
        let causes: Vec<Cause> = c.removals.iter().map(|r| r.cause).collect();
        assert_eq!(
            causes,
            vec![
                Cause::Builtin(Builtin::RepeatedLine),
                Cause::Builtin(Builtin::BlankLine)
            ]
        );
    }

    #[test]
    fn builtins_can_be_switched_off() {
        let rs = Arc::new(RuleSet::empty());
        let mut opts = CleanOptions::default();
        for b in Builtin::ALL {
            opts.disable(b);
        }
        let text = "A  \nA  \n\n\n\u{a0}\nB";
        assert_eq!(Cleaner::new(rs.clone(), opts).clean(text, "").text, text);
    }

    #[test]
    fn max_words_guards_real_paragraphs() {
        let rs = rules(
            "[[rule]]\nid = \"c\"\nreason = \"r\"\ncontains = ['we use cookies']\nmax_words = 6\n",
        );
        let c = clean(
            &rs,
            "We use cookies.\nWe use cookies to bake a cake for our grandmother.\n",
        );
        assert_eq!(
            c.text,
            "We use cookies to bake a cake for our grandmother.\n"
        );
    }

    #[test]
    fn literals_respect_word_boundaries_and_modes() {
        let rs = rules(
            "[[rule]]\nid = \"s\"\nreason = \"r\"\ncontains = ['share']\n\
             [[rule]]\nid = \"e\"\nreason = \"r\"\nequals = ['see also']\n",
        );
        let c = clean(
            &rs,
            "Shareholders met.\nSee also\nSee also this\nshare this\n",
        );
        assert_eq!(c.text, "Shareholders met.\nSee also this\n");
    }

    #[test]
    fn span_tail_and_paragraph_actions() {
        let rs = rules(
            "[[rule]]\nid = \"d\"\nreason = \"r\"\nregex = ['^date \\d{4}-\\d{2} ']\naction = \"span\"\n\
             [[rule]]\nid = \"t\"\nreason = \"r\"\nequals = ['related']\naction = \"tail\"\nmin_words_before = 3\n\
             [[rule]]\nid = \"p\"\nreason = \"r\"\ncontains = ['advert']\naction = \"paragraph\"\n",
        );
        let c = clean(
            &rs,
            " date 2021-04 First words here.\n\nAdvert one\nline two\n\nMore.\n\nRelated\nx\ny\n",
        );
        assert_eq!(c.text, "First words here.\n\nMore.\n");
        // A tail marker too close to the top is left alone.
        let c = clean(&rs, "Related\nOne two three four.\n");
        assert_eq!(c.text, "Related\nOne two three four.\n");
    }

    #[test]
    fn fold_digits_makes_numbers_one_template() {
        let rs = rules(
            "[[rule]]\nid = \"n\"\nreason = \"r\"\nequals = ['Ausgabe Nr. 1']\nfold_digits = true\n\
             [[rule]]\nid = \"x\"\nreason = \"r\"\nequals = ['Seite 1']\n",
        );
        // Each digit folds to 0: numbers of the same length share a template.
        let c = clean(
            &rs,
            "Ausgabe Nr. 2\nAusgabe Nr. 7\nAusgabe Nr. 12\nSeite 2\nSeite 1\nText.\n",
        );
        assert_eq!(c.text, "Ausgabe Nr. 12\nSeite 2\nText.\n");
    }

    #[test]
    fn keeps_crlf_and_a_missing_final_newline() {
        let rs = rules("[[rule]]\nid = \"x\"\nreason = \"r\"\nequals = ['junk']\n");
        assert_eq!(clean(&rs, "a\r\njunk\r\nb").text, "a\r\nb");
        assert_eq!(clean(&rs, "a\r\njunk\r\n").text, "a\r\n");
        assert_eq!(clean(&rs, "junk\n").text, "");
    }

    #[test]
    fn line_fates_map_the_output() {
        let rs = rules("[[rule]]\nid = \"x\"\nreason = \"r\"\nequals = ['junk']\n");
        let text = "a\njunk\nb\n";
        let c = clean(&rs, text);
        let kept: Vec<&str> = c
            .lines
            .iter()
            .filter_map(|f| f.out.clone().map(|r| &c.text[r]))
            .collect();
        assert_eq!(kept, ["a", "b"]);
        assert_eq!(c.lines[1].out, None);
        assert_eq!(&text[c.lines[1].orig.clone()], "junk");
    }
}
