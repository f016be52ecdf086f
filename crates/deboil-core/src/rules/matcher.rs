//! The compiled matcher: every literal phrase in one Aho-Corasick automaton,
//! regexes in [`RegexSet`]s grouped by the longest line they may touch.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::{Hit, LineKey, SHORT_LINE_WORDS};

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

#[derive(Debug)]
struct LiteralMatcher {
    /// Lines with more words than this are not scanned (no rule here could remove them).
    max_words: usize,
    ac: AhoCorasick,
    /// For each automaton pattern, the rules that use it.
    uses: Vec<Vec<LitPat>>,
}

#[derive(Debug)]
struct RegexGroup {
    /// Lines with more words than this are not scanned by this group.
    max_words: usize,
    set: RegexSet,
    each: Vec<Regex>,
    rules: Vec<u32>,
}

#[derive(Debug, Default)]
pub(super) struct Matchers {
    literals: Option<LiteralMatcher>,
    regexes: Vec<RegexGroup>,
}

impl Matchers {
    pub fn is_empty(&self) -> bool {
        self.literals.is_none() && self.regexes.is_empty()
    }

    pub fn find(&self, key: &[u8], lines: &[LineKey], mask: &[bool], hits: &mut Vec<Hit>) {
        if let Some(lit) = &self.literals {
            for (line, lk) in lines.iter().enumerate() {
                if lk.words > lit.max_words || lk.start == lk.end {
                    continue;
                }
                let text = &key[lk.start..lk.end];
                for m in lit.ac.find_overlapping_iter(text) {
                    for u in &lit.uses[m.pattern().as_usize()] {
                        if !mask[u.rule as usize] {
                            continue;
                        }
                        let ok = match u.mode {
                            PhraseMode::Equals => m.start() == 0 && m.end() == text.len(),
                            PhraseMode::StartsWith => {
                                m.start() == 0 && at_word_end(text, m.end(), u)
                            }
                            PhraseMode::Contains => {
                                at_word_start(text, m.start(), u) && at_word_end(text, m.end(), u)
                            }
                        };
                        if ok {
                            hits.push(Hit {
                                line,
                                rule: u.rule as usize,
                                key_start: m.start(),
                                key_end: m.end(),
                            });
                        }
                    }
                }
            }
        }
        for g in &self.regexes {
            if !g.rules.iter().any(|&r| mask[r as usize]) {
                continue;
            }
            for (i, lk) in lines.iter().enumerate() {
                if lk.words > g.max_words || lk.start == lk.end {
                    continue;
                }
                let text = &key[lk.start..lk.end];
                for j in g.set.matches(text).iter() {
                    let rule = g.rules[j] as usize;
                    if !mask[rule] {
                        continue;
                    }
                    let m = g.each[j].find(text).expect("the set matched");
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

pub(super) fn is_word_byte(b: u8) -> bool {
    // Non-ASCII bytes count as word bytes: letters of other scripts are.
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn at_word_start(key: &[u8], start: usize, u: &LitPat) -> bool {
    !u.word_start || start == 0 || !is_word_byte(key[start - 1])
}

fn at_word_end(key: &[u8], end: usize, u: &LitPat) -> bool {
    !u.word_end || end == key.len() || !is_word_byte(key[end])
}

/// The phrases of one automaton and the rules using each.
#[derive(Default)]
pub(super) struct PhraseTable {
    phrases: Vec<String>,
    index: HashMap<String, usize>,
    uses: Vec<Vec<LitPat>>,
    max_words: usize,
}

impl PhraseTable {
    pub fn add(&mut self, phrase: String, lp: LitPat, max_words: usize) {
        let next = self.phrases.len();
        let idx = *self.index.entry(phrase.clone()).or_insert(next);
        if idx == next {
            self.phrases.push(phrase);
            self.uses.push(Vec::new());
        }
        self.uses[idx].push(lp);
        self.max_words = self.max_words.max(max_words);
    }

    fn build(self) -> Option<LiteralMatcher> {
        if self.phrases.is_empty() {
            return None;
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA).filter(|_| self.phrases.len() < 5000))
            .build(&self.phrases)
            .expect("phrases were checked");
        Some(LiteralMatcher {
            max_words: self.max_words,
            ac,
            uses: self.uses,
        })
    }
}

#[derive(Default)]
pub(super) struct MatcherBuilder {
    /// Every phrase of every rule: one automaton.
    pub phrases: PhraseTable,
    pub regexes: Vec<(String, u32, usize)>,
}

impl MatcherBuilder {
    pub fn build(self) -> Matchers {
        let literals = self.phrases.build();
        // Two groups: rules for short lines, and rules that may touch any line.
        let mut regexes = Vec::new();
        for short in [true, false] {
            let members: Vec<&(String, u32, usize)> = self
                .regexes
                .iter()
                .filter(|(_, _, mw)| (*mw <= SHORT_LINE_WORDS) == short)
                .collect();
            if members.is_empty() {
                continue;
            }
            let pats: Vec<&str> = members.iter().map(|(p, _, _)| p.as_str()).collect();
            regexes.push(RegexGroup {
                max_words: members.iter().map(|m| m.2).max().unwrap_or(0),
                set: RegexSetBuilder::new(&pats)
                    .case_insensitive(true)
                    .build()
                    .expect("regexes were checked"),
                each: pats
                    .iter()
                    .map(|p| compile_regex(p).expect("checked"))
                    .collect(),
                rules: members.iter().map(|m| m.1).collect(),
            });
        }
        Matchers { literals, regexes }
    }
}

pub(super) fn compile_regex(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(p).case_insensitive(true).build()
}
