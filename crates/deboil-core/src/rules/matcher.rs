//! The compiled matcher: every literal phrase in one Aho-Corasick automaton,
//! which also holds the literal triggers of the regexes (see
//! [`super::prefilter`]), so one scan of a line finds the phrases and picks
//! the few regexes worth running; regexes without triggers in [`RegexSet`]s
//! grouped by the longest line they may touch.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::dense::{Dense, Starts};
use super::memo::{self, RegexMemo};

mod automaton;
use super::prefilter::{Around, Trigger};
use super::words::{char_at, char_before, is_word_char, no_word_in, word_core};
use super::{DEFAULT_MAX_WORDS, Hit, LineKey, SHORT_LINE_WORDS};
use automaton::{DFA_WORK_LIMIT, crate_automaton, dfa_build_work};

/// How a literal phrase must sit in the line's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PhraseMode {
    Contains,
    Equals,
    StartsWith,
}

/// A literal phrase in the automaton and the rules that use it.
#[derive(Debug, Clone)]
pub(super) struct LitPat {
    pub rule: u32,
    pub mode: PhraseMode,
    /// Whether the phrase starts (ends) with a word character, so the match
    /// must not continue a word there.
    pub word_start: bool,
    pub word_end: bool,
}

/// An automaton: the crate's DFA stepped by hand ([`Dense`]), or the
/// crate's searcher where that DFA would be too big or too slow to build.
// One or two per rule set: a boxed table cost 0.2 instructions a byte.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Automaton {
    Dense(Dense),
    Crate(AhoCorasick),
}

#[derive(Debug)]
struct LiteralMatcher {
    /// Lines with more words than this are not scanned by the automaton
    /// (no rule here could remove them, but for bounded `equals` phrases,
    /// which `late` looks for on longer lines).
    max_words: usize,
    /// Nor lines with this many words or fewer (another automaton, which
    /// holds these patterns too, scans them).
    min_words: usize,
    /// `None` when every pattern is looked for by `late` alone.
    ac: Option<Automaton>,
    /// For each automaton pattern, where its phrase uses lie in `uses`
    /// and its triggers in `triggers`: one load a match finds both, where
    /// a list for each pattern cost a cache miss apiece. Then the most
    /// words a line may hold for the pattern to matter there (`u32::MAX`
    /// with phrase uses, but for learned `equals` phrases: their own
    /// word count): most matches are short triggers of regexes for
    /// short lines, met in long ones, and end at that one test.
    spans: Vec<[u32; 5]>,
    /// The rules that use a pattern as a phrase.
    uses: Vec<LitPat>,
    /// The regexes that have a pattern as a trigger.
    triggers: Vec<KeyedTrigger>,
    /// Every rule behind a pattern, once: a document whose mask switches
    /// none of them on (site rules on other sites) skips the scan.
    rules: Vec<u32>,
    /// The `equals` phrases bounded below the lines scanned here, for the
    /// longer lines that still equal them.
    late: Option<LateEquals>,
}

/// The patterns whose every use is an `equals` phrase bounded by its own
/// words (learned rules, see `compile`), for the lines the automaton passes
/// over for them (more words than the bound). Such a line equals a phrase
/// holding a word character only with nothing but punctuation, symbols and
/// spaces around it, so its key from its first word character to the end
/// of its last (its core) is the phrase's core: one look-up by the core
/// finds the phrases to test, and the phrase can only sit where its own
/// core lands on the line's.
#[derive(Debug)]
struct LateEquals {
    /// The longest lines the rules may touch (the automaton's own bound
    /// may be lower).
    max_words: usize,
    /// Lines of this many words or fewer reach every pattern here through
    /// the automaton.
    min_bound: usize,
    /// Core lengths present, one bit each: most lines stop at this test.
    lens: Vec<u64>,
    /// Entries by their core's bytes (looked up for most lines of the
    /// learned sites' pages: hashed by xxh3).
    by_core: HashMap<Vec<u8>, Vec<u32>, crate::hash::Bytes>,
    entries: Vec<LateEntry>,
    /// The rules behind the entries, once (as [`LiteralMatcher::rules`]).
    rules: Vec<u32>,
}

#[derive(Debug)]
struct LateEntry {
    phrase: Vec<u8>,
    /// Bytes of the phrase before and after its core.
    lead: usize,
    trail: usize,
    /// The pattern's bound (its `spans` entry): longer lines only.
    bound: usize,
    /// Its uses in [`LiteralMatcher::uses`].
    uses: std::ops::Range<usize>,
}

impl LateEquals {
    /// Pushes the hits of its phrases on the lines the automaton of `lit`
    /// scans but passed over for them. With `fold`, `key` is not folded
    /// yet: a line is, when it gets past its core's length (folding keeps
    /// lengths and the core's place: digits stay word characters).
    /// `folded` is a buffer for a line's folded copy.
    #[allow(clippy::too_many_arguments)]
    fn find(
        &self,
        lit: &LiteralMatcher,
        key: &[u8],
        fold: bool,
        lines: &[LineKey],
        mask: &[bool],
        folded: &mut Vec<u8>,
        hits: &mut Vec<Hit>,
    ) {
        if !self.rules.iter().any(|&r| mask[r as usize]) {
            return;
        }
        for (line, lk) in lines.iter().enumerate() {
            if lk.words <= self.min_bound
                || lk.words > self.max_words
                || lk.words <= lit.min_words
                || lk.start == lk.end
            {
                continue;
            }
            let mut text = &key[lk.start..lk.end];
            let Some((a, b)) = word_core(text) else {
                continue;
            };
            let n = b - a;
            if self.lens.get(n / 64).is_none_or(|w| w >> (n % 64) & 1 == 0) {
                continue;
            }
            if fold {
                folded.clear();
                folded.extend_from_slice(text);
                crate::normalize::fold_digits(folded);
                text = folded;
            }
            let Some(list) = self.by_core.get(&text[a..b]) else {
                continue;
            };
            for &e in list {
                let e = &self.entries[e as usize];
                if lk.words <= e.bound || a < e.lead || b + e.trail > text.len() {
                    continue;
                }
                let (s, t) = (a - e.lead, b + e.trail);
                if text[s..t] != e.phrase[..] {
                    continue;
                }
                for u in &lit.uses[e.uses.clone()] {
                    if mask[u.rule as usize] {
                        hits.push(Hit {
                            line,
                            rule: u.rule as usize,
                            key_start: s,
                            key_end: t,
                        });
                    }
                }
            }
        }
    }
}

#[derive(Debug)]
struct RegexGroup {
    /// Lines with more words than this are not scanned by this group.
    max_words: usize,
    set: RegexSet,
    each: Vec<LazyRegex>,
    rules: Vec<u32>,
}

/// A regex that has a pattern as a trigger: its index in
/// [`Matchers::keyed`], and what may sit before and after the trigger in
/// its matches.
#[derive(Debug, Clone, Copy)]
struct KeyedTrigger {
    regex: u32,
    before: Around,
    after: Around,
}

/// A regex with triggers: a line is searched only when it holds one.
#[derive(Debug)]
struct KeyedRegex {
    re: LazyRegex,
    rule: u32,
    line_bound: usize,
}

/// Where [`Matchers::on_match`] is: the line, the regexes tried on it
/// (each once a line), and its slot in the memo once looked up.
struct LineState<'a> {
    line: usize,
    tried: &'a mut Vec<u32>,
    /// `None` until looked up, then the slot (`None`: not kept).
    slot: Option<Option<u32>>,
    memo: Option<&'a mut RegexMemo>,
}

/// Buffers of [`Matchers::find`], kept per thread.
#[derive(Default)]
struct FindScratch {
    tried: Vec<u32>,
    /// Each lane's matches (see [`Dense::for_each_lanes`]).
    lanes: [Vec<(usize, usize, usize)>; SCAN_LANES],
    /// A line's folded copy for [`LateEquals::find`].
    folded: Vec<u8>,
}

/// Automata of this many patterns or fewer use the crate's searcher, which
/// skips from one place the pattern may start to the next with `memchr`'s
/// vector search, where the stepped table costs a load a byte. Only one:
/// for a few patterns its prefilter looks for rare bytes, and learned rules'
/// few patterns share common ones (peers' 2000-document slice, `clean
/// --learn`: +7 % instructions with eight).
const FEW_PATTERNS: usize = 1;

/// Lines scanned at once: the scan is a chain of dependent loads, and
/// independent chains overlap.
const SCAN_LANES: usize = 4;

thread_local! {
    static SCRATCH: std::cell::RefCell<FindScratch> = Default::default();
}

/// Ids of matchers, for the per-thread memos.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

#[derive(Debug, Default)]
pub(super) struct Matchers {
    /// Names this matcher's regex memos (see [`super::memo`]).
    id: u64,
    /// Phrases and triggers of rules for short lines, then of the rules
    /// that may touch any line (few: the second automaton is small, and only
    /// it scans long paragraphs).
    literals: Vec<LiteralMatcher>,
    keyed: Vec<KeyedRegex>,
    regexes: Vec<RegexGroup>,
    /// Every pattern holds a `0` and there is no regex: over a digit-folded
    /// key, only lines that hold a digit can match.
    digits_only: bool,
}

impl Matchers {
    pub fn is_empty(&self) -> bool {
        self.literals.is_empty() && self.keyed.is_empty() && self.regexes.is_empty()
    }

    pub fn find(&self, key: &[u8], lines: &[LineKey], mask: &[bool], hits: &mut Vec<Hit>) {
        self.find_in(key, key, false, lines, None, mask, hits);
    }

    /// Whether, over a digit-folded key, only lines holding a digit can
    /// match (see [`Matchers::find_folded`]'s `only`).
    pub fn digits_only(&self) -> bool {
        self.digits_only
    }

    /// [`Matchers::find`] for rules that fold digits: `folded` is `key`
    /// with digits folded, at the same places, in the lines of up to
    /// [`Matchers::scan_words`] words at least (the automata and regexes
    /// read no others); the late `equals` phrases fold the few longer lines
    /// they look at from `key` themselves.
    /// With `only`, just the lines it marks are read (and need be folded):
    /// for a matcher that is [`Matchers::digits_only`], those with a digit.
    pub fn find_folded(
        &self,
        folded: &[u8],
        key: &[u8],
        lines: &[LineKey],
        only: Option<&[bool]>,
        mask: &[bool],
        hits: &mut Vec<Hit>,
    ) {
        self.find_in(folded, key, true, lines, only, mask, hits);
    }

    /// The most words a line may hold for the automata or the regexes to
    /// read its key (`usize::MAX`: any line). A keyed regex runs only on
    /// lines an automaton scanned.
    pub fn scan_words(&self) -> usize {
        let lits = self.literals.iter().map(|l| l.max_words);
        let groups = self.regexes.iter().map(|g| g.max_words);
        lits.chain(groups).max().unwrap_or(0)
    }

    /// [`Matchers::find`] on `key`; the late `equals` phrases on `late_key`
    /// (not folded yet when `fold`).
    #[allow(clippy::too_many_arguments)]
    fn find_in(
        &self,
        key: &[u8],
        late_key: &[u8],
        fold: bool,
        lines: &[LineKey],
        only: Option<&[bool]>,
        mask: &[bool],
        hits: &mut Vec<Hit>,
    ) {
        if self.keyed.is_empty() {
            self.find_with(key, lines, only, mask, None, hits);
        } else {
            memo::with_memo(self.id, |m| {
                self.find_with(key, lines, only, mask, Some(m), hits)
            });
        }
        for lit in &self.literals {
            if let Some(late) = &lit.late {
                SCRATCH.with(|s| {
                    let folded = &mut s.borrow_mut().folded;
                    late.find(lit, late_key, fold, lines, mask, folded, hits);
                });
            }
        }
    }

    /// [`Matchers::find`], with regex results taken from and kept in
    /// `memo` when given.
    fn find_with(
        &self,
        key: &[u8],
        lines: &[LineKey],
        only: Option<&[bool]>,
        mask: &[bool],
        mut memo: Option<&mut RegexMemo>,
        hits: &mut Vec<Hit>,
    ) {
        let mut scratch = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        for lit in &self.literals {
            if !lit.rules.iter().any(|&r| mask[r as usize]) {
                continue;
            }
            let mut at = LineState {
                line: usize::MAX,
                tried: &mut scratch.tried,
                slot: None,
                memo: memo.as_deref_mut(),
            };
            let scanned = lines.iter().enumerate().filter(|&(i, lk)| {
                lk.words <= lit.max_words
                    && lk.words > lit.min_words
                    && lk.start != lk.end
                    && only.is_none_or(|o| o[i])
            });
            let mut on_match = |line: usize, pattern: usize, m_start: usize, m_end: usize| {
                let lk = &lines[line];
                let text = &key[lk.start..lk.end];
                self.on_match(
                    lit,
                    line,
                    lk.words,
                    text,
                    (pattern, m_start, m_end),
                    mask,
                    &mut at,
                    hits,
                );
            };
            match &lit.ac {
                None => {}
                Some(Automaton::Dense(d)) => {
                    // Lines in lanes, each handled whole once scanned (see
                    // `for_each_lanes`).
                    // With its word count: the automaton leaves out the
                    // places where `on_match` would pass over every
                    // pattern for the line's length (their bounds, `spans`).
                    let texts = scanned.map(|(line, lk)| (line, lk.start, lk.end, lk.words));
                    d.for_each_lanes(key, texts, &mut scratch.lanes, |line, ms| {
                        for (p, s, e) in ms.drain(..) {
                            on_match(line, p, s, e);
                        }
                    });
                }
                Some(Automaton::Crate(ac)) => {
                    for (line, lk) in scanned {
                        for m in ac.find_overlapping_iter(&key[lk.start..lk.end]) {
                            on_match(line, m.pattern().as_usize(), m.start(), m.end());
                        }
                    }
                }
            }
        }
        SCRATCH.with(|s| *s.borrow_mut() = scratch);
        for g in &self.regexes {
            if !g.rules.iter().any(|&r| mask[r as usize]) {
                continue;
            }
            for (i, lk) in lines.iter().enumerate() {
                if lk.words > g.max_words || lk.start == lk.end || only.is_some_and(|o| !o[i]) {
                    continue;
                }
                let text = &key[lk.start..lk.end];
                // Most lines match nothing: the plain test stops early and
                // allocates nothing, unlike listing the matches.
                if !g.set.is_match(text) {
                    continue;
                }
                for j in g.set.matches(text).iter() {
                    let rule = g.rules[j] as usize;
                    if !mask[rule] {
                        continue;
                    }
                    let m = g.each[j].get().find(text).expect("the set matched");
                    hits.push(Hit {
                        line: i,
                        rule,
                        key_start: m.start(),
                        key_end: m.end(),
                    });
                }
            }
        }
    }
}

impl Matchers {
    /// Handles one automaton match `(pattern, start, end)` in `text`, the
    /// key of line `line` (of `words` words): hits of the phrases' rules,
    /// and the regexes it triggers, each tried once a line.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn on_match(
        &self,
        lit: &LiteralMatcher,
        line: usize,
        words: usize,
        text: &[u8],
        (pattern, m_start, m_end): (usize, usize, usize),
        mask: &[bool],
        at: &mut LineState,
        hits: &mut Vec<Hit>,
    ) {
        if at.line != line {
            at.line = line;
            at.tried.clear();
            at.slot = None;
        }
        let [u_from, u_to, t_from, t_to, bound] = lit.spans[pattern];
        // Every trigger's regex would pass over a line this long (its
        // `line_bound` test below): nothing to do, nothing to remember.
        if words > bound as usize {
            return;
        }
        for u in &lit.uses[u_from as usize..u_to as usize] {
            if !mask[u.rule as usize] {
                continue;
            }
            // Punctuation and symbols around a phrase never
            // block it: "¡Suscríbete!" equals "suscríbete".
            let ok = match u.mode {
                PhraseMode::Equals => no_word_in(&text[..m_start]) && no_word_in(&text[m_end..]),
                PhraseMode::StartsWith => {
                    no_word_in(&text[..m_start]) && at_word_end(text, m_end, u)
                }
                PhraseMode::Contains => {
                    at_word_start(text, m_start, u) && at_word_end(text, m_end, u)
                }
            };
            if ok {
                hits.push(Hit {
                    line,
                    rule: u.rule as usize,
                    key_start: m_start,
                    key_end: m_end,
                });
            }
        }
        for t in &lit.triggers[t_from as usize..t_to as usize] {
            let r = t.regex;
            // "ap" inside "happen" cannot start an agency credit.
            if !t.before.before_ok(text, m_start) || !t.after.after_ok(text, m_end) {
                continue;
            }
            // A line holds few regexes' triggers: a list beats a table
            // of every regex to fill each document.
            if at.tried.contains(&r) {
                continue;
            }
            at.tried.push(r);
            let kr = &self.keyed[r as usize];
            if words > kr.line_bound || !mask[kr.rule as usize] {
                continue;
            }
            let run = || kr.re.get().find(text).map(|m| (m.start(), m.end()));
            let found = match at.memo.as_deref_mut() {
                Some(memo) => {
                    if at.slot.is_none() {
                        at.slot = Some(memo.slot(text));
                    }
                    match at.slot.flatten() {
                        Some(slot) => memo.get(slot, r).unwrap_or_else(|| {
                            let found = run();
                            memo.put(slot, r, found);
                            found
                        }),
                        None => run(),
                    }
                }
                None => run(),
            };
            if let Some((key_start, key_end)) = found {
                hits.push(Hit {
                    line,
                    rule: kr.rule as usize,
                    key_start,
                    key_end,
                });
            }
        }
    }
}

fn at_word_start(key: &[u8], start: usize, u: &LitPat) -> bool {
    !u.word_start || char_before(key, start).is_none_or(|c| !is_word_char(c))
}

fn at_word_end(key: &[u8], end: usize, u: &LitPat) -> bool {
    !u.word_end || char_at(key, end).is_none_or(|c| !is_word_char(c))
}

/// The phrases and triggers of the matcher, in sets by the longest line
/// their rules may touch: up to [`DEFAULT_MAX_WORDS`] (most line rules), up
/// to [`SHORT_LINE_WORDS`], and any line.
#[derive(Default)]
pub(super) struct PhraseTable {
    sets: [PhraseSet; 3],
}

impl PhraseTable {
    fn set(&mut self, max_words: usize) -> &mut PhraseSet {
        let tier = if max_words <= DEFAULT_MAX_WORDS {
            0
        } else if max_words <= SHORT_LINE_WORDS {
            1
        } else {
            2
        };
        &mut self.sets[tier]
    }

    /// Adds `phrase` of a rule for lines of up to `max_words` words; the
    /// automaton looks for it in lines of up to `pattern_bound` words
    /// (`u32::MAX`: all of them), an `equals` phrase only (see
    /// [`LateEquals`]).
    pub fn add(&mut self, phrase: String, lp: LitPat, max_words: usize, pattern_bound: u32) {
        self.set(max_words)
            .add(phrase, lp, max_words, pattern_bound);
    }

    fn add_trigger(&mut self, trigger: Trigger, reg: u32, max_words: usize) {
        self.set(max_words).add_trigger(trigger, reg, max_words);
    }

    /// One automaton a tier of lines: the lines up to the first set's
    /// longest are scanned for every pattern, longer ones up to the next
    /// set's for the patterns of that set and those after it, and so on.
    /// Each line is scanned once (two automata over the same lines cost
    /// more than one larger one), and most paragraphs, longer than most
    /// rules' lines, meet a small automaton whose table stays in the cache
    /// (the default rules: 1,855 patterns in 1.8 MB for lines of up to 40
    /// words, 214 in 0.2 MB for those of 41 to 120, one past that).
    fn build(self, keyed: &[KeyedRegex]) -> Vec<LiteralMatcher> {
        let sets: Vec<PhraseSet> = self
            .sets
            .into_iter()
            .filter(|s| !s.phrases.is_empty())
            .collect();
        let mut out = Vec::new();
        let mut min_words = 0;
        for (i, set) in sets.iter().enumerate() {
            let mut tier = PhraseSet {
                max_words: set.max_words,
                ..PhraseSet::default()
            };
            for later in &sets[i..] {
                for (j, p) in later.phrases.iter().enumerate() {
                    let idx = tier.pattern(p.clone());
                    tier.uses[idx].extend_from_slice(&later.uses[j]);
                    tier.bounds[idx] = tier.bounds[idx].max(later.bounds[j]);
                    tier.triggers[idx].extend_from_slice(&later.triggers[j]);
                }
            }
            out.extend(tier.build(keyed, min_words));
            min_words = set.max_words;
        }
        out
    }
}

/// The phrases of one automaton and the rules using each.
#[derive(Default)]
struct PhraseSet {
    phrases: Vec<String>,
    index: HashMap<String, usize>,
    uses: Vec<Vec<LitPat>>,
    triggers: Vec<Vec<(u32, Around, Around)>>,
    /// The largest bound of each pattern's uses (0 without uses).
    bounds: Vec<u32>,
    max_words: usize,
}

impl PhraseSet {
    fn add(&mut self, phrase: String, lp: LitPat, max_words: usize, pattern_bound: u32) {
        debug_assert!(pattern_bound == u32::MAX || lp.mode == PhraseMode::Equals);
        let idx = self.pattern(phrase);
        self.uses[idx].push(lp);
        self.bounds[idx] = self.bounds[idx].max(pattern_bound);
        self.max_words = self.max_words.max(max_words);
    }

    /// Adds `trigger` of the regex `reg`, which may touch lines of up to
    /// `max_words` words.
    fn add_trigger(&mut self, trigger: Trigger, reg: u32, max_words: usize) {
        let idx = self.pattern(trigger.text);
        self.triggers[idx].push((reg, trigger.before, trigger.after));
        self.max_words = self.max_words.max(max_words);
    }

    /// The index of `pattern` in the automaton, added if new.
    fn pattern(&mut self, pattern: String) -> usize {
        let next = self.phrases.len();
        let idx = *self.index.entry(pattern.clone()).or_insert(next);
        if idx == next {
            self.phrases.push(pattern);
            self.uses.push(Vec::new());
            self.triggers.push(Vec::new());
            self.bounds.push(0);
        }
        idx
    }

    /// Where the automaton must look for the patterns: phrases and most
    /// triggers only after a byte that may end a non-word character (what
    /// the checks in `on_match` and the regexes' "no letter before"
    /// classes admit), the others (a phrase opening with punctuation, or a
    /// trigger that a regex admits after a letter) everywhere.
    fn starts(&self) -> Starts {
        // ASCII bytes but letters, and UTF-8 continuation bytes (the last
        // byte of every other character).
        let after: [bool; 256] = std::array::from_fn(|b| match b {
            0..0x80 => !(b as u8).is_ascii_alphabetic(),
            0x80..0xC0 => true,
            _ => false,
        });
        let held = (0..self.phrases.len())
            .map(|i| {
                // Equals and starts_with need no word before them, contains
                // none right before a phrase that starts with a word character.
                !self.uses[i]
                    .iter()
                    .any(|u| u.mode == PhraseMode::Contains && !u.word_start)
                    && self.triggers[i]
                        .iter()
                        .all(|(_, before, _)| before.only_after(&after))
            })
            .collect();
        Starts { after, held }
    }

    /// The automaton of the lines of more than `min_words` words up to
    /// the set's longest.
    fn build(self, keyed: &[KeyedRegex], min_words: usize) -> Option<LiteralMatcher> {
        if self.phrases.is_empty() {
            return None;
        }
        // A pattern all of whose uses are bounded `equals` phrases (learned
        // lines), and no trigger, is found from each line's core by
        // `LateEquals` on every line, as the automaton would find it (the
        // same test, at the one place it can hold): the automaton reads no
        // line for it. Learned phrases made the automata larger and slower,
        // and a site's folding rules took a second automaton over its lines.
        let alone: Vec<bool> = (0..self.phrases.len())
            .map(|i| {
                !self.uses[i].is_empty()
                    && self.triggers[i].is_empty()
                    && self.bounds[i] != u32::MAX
            })
            .collect();
        // Without learned rules (most runs) the set is built as it is.
        if !alone.contains(&true) {
            return self.build_scanned(keyed, min_words, Vec::new());
        }
        let mut scanned = PhraseSet {
            max_words: self.max_words,
            ..PhraseSet::default()
        };
        let mut lone = Vec::new();
        let each = (self.phrases.into_iter().zip(self.uses))
            .zip(self.triggers.into_iter().zip(self.bounds))
            .zip(alone);
        for (((phrase, uses), (triggers, bound)), alone) in each {
            if alone {
                lone.push((phrase, uses));
            } else {
                let idx = scanned.pattern(phrase);
                scanned.uses[idx] = uses;
                scanned.triggers[idx] = triggers;
                scanned.bounds[idx] = bound;
            }
        }
        scanned.build_scanned(keyed, min_words, lone)
    }

    /// [`PhraseSet::build`] of the patterns the automaton reads, with the
    /// patterns `lone` only [`LateEquals`] looks for (on every line).
    fn build_scanned(
        self,
        keyed: &[KeyedRegex],
        min_words: usize,
        lone: Vec<(String, Vec<LitPat>)>,
    ) -> Option<LiteralMatcher> {
        let mut rules: Vec<u32> = (self.uses.iter().chain(lone.iter().map(|(_, u)| u)))
            .flatten()
            .map(|u| u.rule)
            .collect();
        rules.extend(
            self.triggers
                .iter()
                .flatten()
                .map(|&(r, _, _)| keyed[r as usize].rule),
        );
        rules.sort_unstable();
        rules.dedup();
        let (mut spans, mut uses, mut triggers) = (Vec::new(), Vec::new(), Vec::new());
        let mut late = Vec::new();
        for (i, (u, t)) in self.uses.iter().zip(&self.triggers).enumerate() {
            let (u_from, t_from) = (uses.len() as u32, triggers.len() as u32);
            uses.extend_from_slice(u);
            for &(regex, before, after) in t {
                triggers.push(KeyedTrigger {
                    regex,
                    before,
                    after,
                });
            }
            // The uses' bound (`u32::MAX` but for bounded `equals`
            // phrases) and the triggers' regexes'.
            let triggers_bound = t
                .iter()
                .map(|&(r, ..)| keyed[r as usize].line_bound.min(u32::MAX as usize) as u32)
                .max()
                .unwrap_or(0);
            let bound = self.bounds[i].max(triggers_bound);
            // Only bounded `equals` phrases (their bound is below
            // `u32::MAX`, and they hold a word character); a set whose
            // lines have no bound (span rules) holds unbounded phrases too.
            if !u.is_empty() && self.bounds[i] != u32::MAX && (bound as usize) < self.max_words {
                late.push((i, u_from as usize..uses.len(), bound as usize));
            }
            spans.push([
                u_from,
                uses.len() as u32,
                t_from,
                triggers.len() as u32,
                bound,
            ]);
        }
        let bounds: Vec<u32> = spans.iter().map(|sp| sp[4]).collect();
        // The stepped DFA is built by the crate's DFA builder, quadratic on
        // self-overlapping phrases like any DFA: the same budget applies.
        let few = self.phrases.len() <= FEW_PATTERNS;
        let dense = (!few && dfa_build_work(&self.phrases) <= DFA_WORK_LIMIT)
            .then(|| Dense::build(&self.phrases, &self.starts(), &bounds))
            .flatten();
        let ac = (!self.phrases.is_empty()).then(|| match dense {
            Some(d) => Automaton::Dense(d),
            None => Automaton::Crate(crate_automaton(&self.phrases)),
        });
        // The lone patterns after the others, for every line (bound 0).
        let mut phrases = self.phrases;
        for (phrase, u) in lone {
            let u_from = uses.len();
            uses.extend_from_slice(&u);
            late.push((phrases.len(), u_from..uses.len(), 0));
            phrases.push(phrase);
        }
        let late = LateEquals::build(&phrases, &uses, late, self.max_words);
        // Lines longer than every pattern's bound are not scanned (those
        // of the bounded phrases are looked at apart, `late`): where all
        // the rules are learned (those folding digits), most lines; none
        // without an automaton.
        let max_words = match ac {
            None => min_words,
            Some(_) => spans
                .iter()
                .map(|sp| sp[4] as usize)
                .max()
                .map_or(self.max_words, |b| b.min(self.max_words)),
        };
        Some(LiteralMatcher {
            max_words,
            min_words,
            ac,
            spans,
            uses,
            triggers,
            rules,
            late,
        })
    }
}

impl LateEquals {
    /// Of `phrases`, those `late` names (index, uses in `uses`, bound).
    fn build(
        phrases: &[String],
        uses: &[LitPat],
        late: Vec<(usize, std::ops::Range<usize>, usize)>,
        max_words: usize,
    ) -> Option<LateEquals> {
        if late.is_empty() {
            return None;
        }
        let mut l = LateEquals {
            max_words,
            min_bound: usize::MAX,
            lens: Vec::new(),
            by_core: HashMap::default(),
            entries: Vec::new(),
            rules: Vec::new(),
        };
        for (i, u, bound) in late {
            let phrase = phrases[i].as_bytes();
            let (a, b) = word_core(phrase).expect("bounded phrases hold a word character");
            let n = b - a;
            if l.lens.len() <= n / 64 {
                l.lens.resize(n / 64 + 1, 0);
            }
            l.lens[n / 64] |= 1 << (n % 64);
            l.by_core
                .entry(phrase[a..b].to_vec())
                .or_default()
                .push(l.entries.len() as u32);
            l.rules.extend(uses[u.clone()].iter().map(|p| p.rule));
            l.min_bound = l.min_bound.min(bound);
            l.entries.push(LateEntry {
                phrase: phrase.to_vec(),
                lead: a,
                trail: phrase.len() - b,
                bound,
                uses: u,
            });
        }
        l.rules.sort_unstable();
        l.rules.dedup();
        Some(l)
    }
}

/// One regex of a rule, compiled alone when the rule was checked (or,
/// for the default rules, when a line first needs it).
pub(super) struct RegexSpec {
    pub pattern: String,
    pub rule: u32,
    /// The longest line (in words) the rule needs to see.
    pub line_bound: usize,
    /// Finds where the match is once the set says it matches.
    pub compiled: LazyRegex,
}

/// A regex compiled on first use. Compiling the default rules' regexes
/// was half of start-up (~380 M instructions, serial at `-j 1`), and a
/// run on one language's pages needs few of them; those rules are known
/// to compile (a test checks), so a run cannot fail on one later. Regexes
/// of other files are compiled beforehand, as errors must come first.
#[derive(Debug, Clone)]
pub(super) struct LazyRegex(std::sync::Arc<LazyInner>);

#[derive(Debug)]
struct LazyInner {
    pattern: String,
    cell: std::sync::OnceLock<Regex>,
}

/// The default rules' regexes by pattern, so that the plain and folded
/// matchers and every rule set of the process compile each once (85
/// patterns today: the map stays small).
static LAZY: std::sync::Mutex<Option<HashMap<String, LazyRegex>>> = std::sync::Mutex::new(None);

impl LazyRegex {
    /// A regex already compiled.
    pub fn ready(pattern: &str, re: Regex) -> LazyRegex {
        LazyRegex(std::sync::Arc::new(LazyInner {
            pattern: pattern.to_string(),
            cell: re.into(),
        }))
    }

    /// A regex of the default rules, compiled when first needed.
    pub fn later(pattern: &str) -> LazyRegex {
        let mut map = LAZY.lock().unwrap_or_else(|e| e.into_inner());
        let map = map.get_or_insert_with(HashMap::new);
        if let Some(l) = map.get(pattern) {
            return l.clone();
        }
        let l = LazyRegex(std::sync::Arc::new(LazyInner {
            pattern: pattern.to_string(),
            cell: std::sync::OnceLock::new(),
        }));
        map.insert(pattern.to_string(), l.clone());
        l
    }

    /// The compiled regex (every thread gets the same one).
    #[inline]
    pub fn get(&self) -> &Regex {
        self.0.cell.get_or_init(|| {
            compile_regex(&self.0.pattern).expect("the default rules' regexes compile (tested)")
        })
    }
}

#[derive(Default)]
pub(super) struct MatcherBuilder {
    /// Every phrase of every rule: one automaton.
    pub phrases: PhraseTable,
    pub regexes: Vec<RegexSpec>,
}

impl MatcherBuilder {
    pub fn build(mut self) -> Matchers {
        let mut keyed = Vec::new();
        let (mut short, mut long) = (Vec::new(), Vec::new());
        // Each regex's triggers: those of the default rules' regexes from
        // the build, the others' analysed on the rayon pool; then taken in
        // order.
        let regexes = std::mem::take(&mut self.regexes);
        let triggers: Vec<_> = {
            use rayon::prelude::*;
            regexes
                .par_iter()
                .map(|r| {
                    super::prebuilt::triggers(&r.pattern)
                        .unwrap_or_else(|| super::prefilter::triggers(&r.pattern))
                })
                .collect()
        };
        for (r, triggers) in regexes.into_iter().zip(triggers) {
            match triggers {
                Some(ts) => {
                    for t in ts {
                        self.phrases
                            .add_trigger(t, keyed.len() as u32, r.line_bound);
                    }
                    keyed.push(KeyedRegex {
                        re: r.compiled,
                        rule: r.rule,
                        line_bound: r.line_bound,
                    });
                }
                None if r.line_bound <= SHORT_LINE_WORDS => short.push(r),
                None => long.push(r),
            }
        }
        let digits_only = keyed.is_empty()
            && short.is_empty()
            && long.is_empty()
            && (self.phrases.sets.iter()).all(|set| set.phrases.iter().all(|p| p.contains('0')));
        let literals = self.phrases.build(&keyed);
        // The rest in sets: rules for short lines apart from rules that may
        // touch any line, so long paragraphs meet only the latter; regexes
        // anchored at the line start apart from the others, and a few a set,
        // since one lazy DFA for many regexes outgrows its cache on varied
        // lines and crawls.
        let mut regexes = Vec::new();
        for mut members in [short, long] {
            let anchored = |r: &RegexSpec| r.pattern.starts_with('^');
            members.sort_by_key(|m| (anchored(m), m.line_bound));
            let mut chunk: Vec<RegexSpec> = Vec::new();
            for m in members {
                if chunk.len() == SET_SIZE
                    || chunk.last().is_some_and(|l| anchored(l) != anchored(&m))
                {
                    regex_groups(std::mem::take(&mut chunk), &mut regexes);
                }
                chunk.push(m);
            }
            regex_groups(chunk, &mut regexes);
        }
        Matchers {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            literals,
            keyed,
            regexes,
            digits_only,
        }
    }
}

/// Most regexes in one set (see [`MatcherBuilder::build`]).
const SET_SIZE: usize = 16;

/// Compiles `members` into one set, or, when together they pass the regex
/// crate's size limit (each alone was checked against it), into halves,
/// recursively.
fn regex_groups(mut members: Vec<RegexSpec>, out: &mut Vec<RegexGroup>) {
    if members.is_empty() {
        return;
    }
    let pats: Vec<&str> = members.iter().map(|m| m.pattern.as_str()).collect();
    let set = match RegexSetBuilder::new(&pats).case_insensitive(true).build() {
        Ok(set) => set,
        Err(regex::Error::CompiledTooBig(_)) if members.len() > 1 => {
            let b = members.split_off(members.len() / 2);
            regex_groups(members, out);
            regex_groups(b, out);
            return;
        }
        Err(e) => panic!("regexes were checked: {e}"),
    };
    out.push(RegexGroup {
        max_words: members.iter().map(|m| m.line_bound).max().unwrap_or(0),
        set,
        rules: members.iter().map(|m| m.rule).collect(),
        each: members.into_iter().map(|m| m.compiled).collect(),
    });
}

pub(super) fn compile_regex(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(p).case_insensitive(true).build()
}

#[cfg(test)]
mod tests;
