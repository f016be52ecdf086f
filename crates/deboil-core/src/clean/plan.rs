//! The decisions about one document's lines: rules, body extraction and
//! built-ins mark lines or spans as removed, then [`Plan::emit`] writes the
//! cleaned text and each line's fate.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use super::{Builtin, Cause, CleanOptions, Cleaned, LineFate, Removal};
use crate::normalize;
use crate::rules::{Action, Hit, LineKey, RuleSet};

/// One line of the original: content `start..end`, line break `end..brk`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub start: usize,
    pub end: usize,
    brk: usize,
}

pub(super) fn split_lines(text: &str, out: &mut Vec<Line>) {
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

/// Hashes a line key for the repeated-line test with one xxh3 call (the
/// length, which `Hash` for a slice writes first, as its seed): the default
/// SipHash cost more than the rest of the test, run on every short line.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.0);
    }

    fn write_usize(&mut self, n: usize) {
        self.0 ^= n as u64;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The decisions about one document's lines, built up before any text is written.
pub(super) struct Plan<'a> {
    text: &'a str,
    lines: &'a [Line],
    keys: &'a [LineKey],
    removed: Vec<Option<Cause>>,
    /// Removed spans as (line, start, end, rule), original byte offsets.
    spans: Vec<(usize, usize, usize, usize)>,
    removals: Vec<Removal>,
}

impl<'a> Plan<'a> {
    /// A plan that keeps every line. `removed` and `removals` are buffers
    /// kept from an earlier document (cleared here), so a document does not
    /// allocate them again.
    pub fn new(
        text: &'a str,
        lines: &'a [Line],
        keys: &'a [LineKey],
        mut removed: Vec<Option<Cause>>,
        mut removals: Vec<Removal>,
    ) -> Self {
        removed.clear();
        removed.resize(lines.len(), None);
        removals.clear();
        Plan {
            text,
            lines,
            keys,
            removed,
            spans: Vec::new(),
            removals,
        }
    }

    fn is_blank(&self, i: usize) -> bool {
        self.keys[i].start == self.keys[i].end
    }

    /// Removes the still-kept lines of `range` for `cause`, as one removal.
    pub fn remove_lines(&mut self, range: Range<usize>, cause: Cause) {
        let (mut first, mut last) = (None, 0);
        for i in range {
            if self.removed[i].is_none() {
                self.removed[i] = Some(cause);
                first.get_or_insert(i);
                last = i;
            }
        }
        if let Some(first) = first {
            self.removals.push(Removal {
                cause,
                start: self.lines[first].start,
                end: self.lines[last].end,
            });
        }
    }

    /// Keeps line `i` if a learned rule removed it alone (the page's title,
    /// which a site's list of popular posts makes recur).
    pub fn restore_from_learned(&mut self, i: usize, rules: &RuleSet) {
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

    /// A body finder's verdict: its title line kept (see
    /// [`Plan::restore_from_learned`]), then each line with a cause removed
    /// alone, in order.
    pub fn apply_fates(
        &mut self,
        title: Option<usize>,
        fates: impl Iterator<Item = Option<Cause>>,
        rules: &RuleSet,
    ) {
        if let Some(t) = title {
            self.restore_from_learned(t, rules);
        }
        for (i, why) in fates.enumerate() {
            if let Some(why) = why {
                self.remove_lines(i..i + 1, why);
            }
        }
    }

    fn kept_words(&self, range: Range<usize>) -> usize {
        range
            .filter(|&i| self.removed[i].is_none())
            .map(|i| self.keys[i].words)
            .sum()
    }

    pub fn apply_rules(&mut self, rules: &RuleSet, hits: &[Hit]) {
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

    /// The text line `i` will be written with: the original minus its spans
    /// (which are sorted and do not overlap).
    fn cut_line(&self, i: usize) -> String {
        let l = self.lines[i];
        let mut piece = String::with_capacity(l.end - l.start);
        let mut pos = l.start;
        for &(_, s, e, _) in self.spans.iter().filter(|sp| sp.0 == i) {
            piece.push_str(&self.text[pos..s]);
            pos = e;
        }
        piece.push_str(&self.text[pos..l.end]);
        piece
    }

    pub fn apply_builtins(&mut self, opts: &CleanOptions, key: &[u8]) {
        // A line a span cut is judged as it will be written, by the key and
        // words left after the cut: judged by its original, a line that is a
        // repeat once cut would only go when the output is cleaned again.
        let mut cut: Vec<(usize, Vec<u8>, usize)> = Vec::new();
        for &(i, ..) in &self.spans {
            if cut.last().is_none_or(|c| c.0 != i) {
                let mut k = Vec::new();
                let words = normalize::push_key(&self.cut_line(i), &mut k);
                cut.push((i, k, words));
            }
        }
        let mut cut = cut.iter().peekable();
        let mut seen: HashSet<&[u8], BuildHasherDefault<KeyHasher>> = HashSet::default();
        for i in 0..self.lines.len() {
            let l = self.lines[i];
            let k = self.keys[i];
            let (line_key, words) = match cut.next_if(|c| c.0 == i) {
                Some((_, ck, w)) => (ck.as_slice(), *w),
                None => (&key[k.start..k.end], k.words),
            };
            if self.removed[i].is_some() {
                continue;
            }
            if opts.blank_lines && k.start == k.end && l.start < l.end {
                self.remove_lines(i..i + 1, Cause::Builtin(Builtin::BlankLine));
                continue;
            }
            if let Some(max) = opts.repeated_lines
                && words > 0
                && words <= max
                && !seen.insert(line_key)
            {
                self.remove_lines(i..i + 1, Cause::Builtin(Builtin::RepeatedLine));
            }
        }
    }

    /// Spans on lines removed after the rules ran (a repeated line, body
    /// extraction) are moot: they are neither cut nor reported.
    fn drop_moot_spans(&mut self) {
        if self.spans.iter().any(|sp| self.removed[sp.0].is_some()) {
            let removed = &self.removed;
            let (moot, kept): (Vec<_>, Vec<_>) =
                self.spans.iter().partition(|sp| removed[sp.0].is_some());
            self.removals.retain(|r| {
                !moot.iter().any(|&&(_, s, e, rule)| {
                    r.cause == Cause::Rule(rule) && (r.start, r.end) == (s, e)
                })
            });
            self.spans = kept.into_iter().copied().collect();
        }
    }

    /// Leaves the removals `keep` undone, once every decision was made on
    /// the lines as they removed them: a span is not cut, a line removed is
    /// kept (each line of the range that its cause removed).
    pub fn undo(&mut self, keep: &[Removal]) {
        if keep.is_empty() {
            return;
        }
        // Spans that were never cut are no removal to undo.
        self.drop_moot_spans();
        let mut removals = std::mem::take(&mut self.removals);
        removals.retain(|r| {
            if !keep.contains(r) {
                return true;
            }
            let span = self.spans.iter().position(|&(_, s, e, rule)| {
                r.cause == Cause::Rule(rule) && (s, e) == (r.start, r.end)
            });
            match span {
                Some(at) => drop(self.spans.remove(at)),
                None => {
                    let first = self.lines.partition_point(|l| l.start < r.start);
                    for i in first..self.lines.len() {
                        if self.lines[i].end > r.end {
                            break;
                        }
                        if self.removed[i] == Some(r.cause) {
                            self.removed[i] = None;
                        }
                    }
                }
            }
            false
        });
        self.removals = removals;
    }

    /// Writes the cleaned text and each line's fate into `cleaned` (its
    /// buffers are reused, their old contents dropped), and hands back the
    /// `removed` buffer for the next document.
    pub fn emit(mut self, opts: &CleanOptions, cleaned: &mut Cleaned) -> Vec<Option<Cause>> {
        self.drop_moot_spans();
        let mut out = std::mem::take(&mut cleaned.text);
        out.clear();
        out.reserve(self.text.len());
        let mut fates = std::mem::take(&mut cleaned.lines);
        fates.clear();
        fates.reserve(self.lines.len());
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
            let mut cut_by = None;
            let mut content: &str = match spans.peek() {
                Some(sp) if sp.0 == i => {
                    piece.clear();
                    let mut pos = l.start;
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
                    &piece
                }
                // No span on the line: its text as it is, not copied.
                _ => &self.text[l.start..l.end],
            };
            if cut_by.is_some() && content.trim().is_empty() {
                // A span left nothing but whitespace: the line goes too.
                fates.push(LineFate {
                    orig: l.start..l.end,
                    out: None,
                });
                continue;
            }
            let blank = if opts.trailing_space {
                content = content.trim_end();
                // Trimmed at the end, it holds no other character when
                // it is blank: the second trim of every line is spared.
                content.is_empty()
            } else {
                content.trim().is_empty()
            };
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
        // End like the original: with a line break when it had one (also
        // after a kept line that is empty: the text may be one blank line).
        let any_kept = fates.iter().any(|f| f.out.is_some());
        if any_kept && self.lines.last().is_some_and(|l| l.brk > l.end) {
            let last = self.lines.last().expect("non-empty");
            out.push_str(&self.text[last.end..last.brk]);
        }
        self.removals.sort_by_key(|r| (r.start, r.end));
        cleaned.text = out;
        cleaned.removals = self.removals;
        cleaned.lines = fates;
        self.removed
    }
}
