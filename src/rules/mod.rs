//! Rule files: loading, validating and compiling them into one matcher.
//!
//! Every literal phrase of every rule goes into one Aho-Corasick automaton
//! (rules with `fold_digits` into a second one, over the digit-folded key);
//! regexes go into [`regex::bytes::RegexSet`]s grouped by how long a line they
//! may apply to, so that long paragraphs are only scanned by the few rules that
//! can touch them. Both run over the normalised key of each line (see
//! [`crate::normalize`]).

mod embedded;
mod spec;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use crate::normalize;
pub use embedded::EMBEDDED;

/// What a rule removes when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The whole line holding the match.
    Line,
    /// The paragraph (run of non-blank lines) holding the match.
    Paragraph,
    /// Only the matched text.
    Span,
    /// Everything from the start of the matched line to the end of the document.
    Tail,
}

impl Action {
    fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "line" => Action::Line,
            "paragraph" => Action::Paragraph,
            "span" => Action::Span,
            "tail" => Action::Tail,
            _ => return None,
        })
    }

    /// The name used in rule files and explain records.
    pub fn name(self) -> &'static str {
        match self {
            Action::Line => "line",
            Action::Paragraph => "paragraph",
            Action::Span => "span",
            Action::Tail => "tail",
        }
    }
}

/// How a literal phrase must sit in the line's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Contains,
    Equals,
    StartsWith,
}

/// A site pattern: a bare host matches itself and its subdomains; a pattern
/// with `*` or `?` is a glob over the whole site name.
#[derive(Debug, Clone)]
pub struct SitePattern(String);

impl SitePattern {
    fn new(s: &str) -> SitePattern {
        SitePattern(s.trim().to_lowercase())
    }

    /// The pattern as written (lowercase).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `site` (already lowercase) is covered by this pattern.
    pub fn matches(&self, site: &str) -> bool {
        let p = self.0.as_str();
        if p.contains(['*', '?']) {
            glob_match(p.as_bytes(), site.as_bytes())
        } else {
            site == p || (site.ends_with(p) && site[..site.len() - p.len()].ends_with('.'))
        }
    }
}

/// Matches `*` (any run) and `?` (one byte) against `text`.
pub fn glob_match(pat: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut back: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pat.len() && (pat[p] == b'?' || pat[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pat.len() && pat[p] == b'*' {
            back = Some((p, t));
            p += 1;
        } else if let Some((bp, bt)) = back {
            p = bp + 1;
            t = bt + 1;
            back = Some((bp, bt + 1));
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|&c| c == b'*')
}

/// Which sites a rule applies to.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Empty means every site.
    pub include: Vec<SitePattern>,
    /// Sites left out even when included.
    pub exclude: Vec<SitePattern>,
}

impl Scope {
    /// Whether the rule applies to documents of `site`.
    pub fn covers(&self, site: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|p| p.matches(site)))
            && !self.exclude.iter().any(|p| p.matches(site))
    }
}

/// Where something was defined: a file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file's name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A rule example: `input` must clean to `output`.
#[derive(Debug, Clone)]
pub struct Example {
    /// Text to clean.
    pub input: String,
    /// What cleaning must give.
    pub output: String,
    /// Where it is defined.
    pub origin: Origin,
    /// The rule it belongs to (index into [`RuleSet::rules`]), or `None` for
    /// a file-level example, which runs all of the file's enabled rules.
    pub rule: Option<usize>,
    /// The file it came from (index into [`RuleSet::files`]).
    pub file: usize,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id, used in explain records and to toggle the rule.
    pub id: String,
    /// Why the text it removes is junk.
    pub reason: String,
    /// What it removes.
    pub action: Action,
    /// The most words one removal of this rule may delete; larger ones are skipped.
    pub max_words: Option<usize>,
    /// For `tail`: at least this many words must stay above the match.
    pub min_words_before: usize,
    /// The sites it applies to.
    pub scope: Scope,
    /// Whether it runs unless toggled (`enabled = false` rules need `--enable`).
    pub enabled: bool,
    /// Where it is defined.
    pub origin: Origin,
    /// Index into [`RuleSet::files`].
    pub file: usize,
}

/// Default `max_words` of `line` and `paragraph` rules: a phrase inside a
/// real paragraph must not delete it.
pub const DEFAULT_MAX_WORDS: usize = 40;
/// Default `min_words_before` of `tail` rules.
pub const DEFAULT_MIN_WORDS_BEFORE: usize = 50;
/// Regex rules allowed on lines up to this many words share the "short" set.
/// A removal never deletes fewer words than the line it starts on holds, so a
/// rule's `max_words` bounds the lines it needs to see.
const SHORT_LINE_WORDS: usize = 120;

/// A rule file that failed to load: `file:line:col: message`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}")]
pub struct RuleError {
    /// The file's name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

/// A rule file's text and the name to report it by.
#[derive(Debug, Clone)]
pub struct RuleSource {
    /// The name to report it by.
    pub name: String,
    /// The file's text.
    pub text: String,
}

impl RuleSource {
    /// The rule files compiled into the binary.
    pub fn embedded() -> Vec<RuleSource> {
        EMBEDDED
            .iter()
            .map(|(name, text)| RuleSource {
                name: name.to_string(),
                text: text.to_string(),
            })
            .collect()
    }

    /// Reads a rule file, or every `*.toml` file under a directory (sorted).
    pub fn from_path(path: &Path) -> Result<Vec<RuleSource>, RuleError> {
        let mut files = Vec::new();
        collect_toml(path, &mut files).map_err(|e| RuleError {
            file: path.display().to_string(),
            line: 0,
            col: 0,
            message: format!("cannot read rules: {e}"),
        })?;
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).map_err(|e| RuleError {
                    file: p.display().to_string(),
                    line: 0,
                    col: 0,
                    message: format!("cannot read rule file: {e}"),
                })?;
                Ok(RuleSource {
                    name: p.display().to_string(),
                    text,
                })
            })
            .collect()
    }
}

fn collect_toml(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for p in entries {
            if p.is_dir() || p.extension().is_some_and(|e| e == "toml") {
                collect_toml(&p, out)?;
            }
        }
    } else {
        std::fs::metadata(path)?;
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Turns `--enable`/`--disable` id globs into each rule's `enabled` flag.
#[derive(Debug, Clone, Default)]
pub struct Toggles {
    /// Id globs to switch on.
    pub enable: Vec<String>,
    /// Id globs to switch off (wins over enable).
    pub disable: Vec<String>,
}

/// A literal phrase in the automaton and the rules that use it.
#[derive(Debug, Clone)]
struct LitPat {
    rule: u32,
    mode: Mode,
    /// Whether the phrase starts (ends) with a word character, so the match
    /// must not continue a word there.
    word_start: bool,
    word_end: bool,
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
struct Matchers {
    literals: Option<LiteralMatcher>,
    regexes: Vec<RegexGroup>,
}

/// The key span of one line inside a document's key buffer.
#[derive(Debug, Clone, Copy)]
pub struct LineKey {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Words in the line's key.
    pub words: usize,
}

/// One rule matching one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// 1-based line.
    pub line: usize,
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// The match as a span of the line's key.
    pub key_start: usize,
    /// End of the match in the line's key (exclusive).
    pub key_end: usize,
}

/// All rules, compiled once and shared read-only by every worker.
#[derive(Debug)]
pub struct RuleSet {
    /// The rules, in load order.
    pub rules: Vec<Rule>,
    /// The examples of all files.
    pub examples: Vec<Example>,
    /// The names of the files the rules came from.
    pub files: Vec<String>,
    /// Problems that do not stop loading (such as a rule that will be slow).
    pub warnings: Vec<RuleError>,
    plain: Matchers,
    folded: Matchers,
    masks: Mutex<HashMap<String, Arc<[bool]>>>,
}

/// Which rules apply to one document: one flag per rule.
pub type Mask = Arc<[bool]>;

impl RuleSet {
    /// An empty rule set (built-in cleanups only).
    pub fn empty() -> RuleSet {
        RuleSet::compile(&[], &Toggles::default()).expect("no rules, no errors")
    }

    /// Parses, validates and compiles rule files.
    pub fn compile(sources: &[RuleSource], toggles: &Toggles) -> Result<RuleSet, RuleError> {
        let mut b = Builder::default();
        for (file_idx, src) in sources.iter().enumerate() {
            b.add_file(file_idx, src)?;
        }
        for r in &mut b.rules {
            if toggles
                .enable
                .iter()
                .any(|g| glob_match(g.as_bytes(), r.id.as_bytes()))
            {
                r.enabled = true;
            }
            if toggles
                .disable
                .iter()
                .any(|g| glob_match(g.as_bytes(), r.id.as_bytes()))
            {
                r.enabled = false;
            }
        }
        Ok(RuleSet {
            plain: b.plain.build(),
            folded: b.folded.build(),
            rules: b.rules,
            examples: b.examples,
            warnings: b.warnings,
            files: sources.iter().map(|s| s.name.clone()).collect(),
            masks: Mutex::new(HashMap::new()),
        })
    }

    /// The enabled rules whose scope covers `site`.
    pub fn mask_for(&self, site: &str) -> Mask {
        let mut cache = self.masks.lock().expect("mask cache poisoned");
        if let Some(m) = cache.get(site) {
            return m.clone();
        }
        let m: Mask = self
            .rules
            .iter()
            .map(|r| r.enabled && r.scope.covers(site))
            .collect();
        cache.insert(site.to_string(), m.clone());
        m
    }

    /// A mask with exactly the given rules on, whatever their scope.
    pub fn mask_of(&self, on: impl Fn(usize, &Rule) -> bool) -> Mask {
        self.rules
            .iter()
            .enumerate()
            .map(|(i, r)| on(i, r))
            .collect()
    }

    /// Appends every match of an active rule in the document's key to `hits`.
    ///
    /// `key` holds the keys of all lines separated by `\n`; `lines` gives each
    /// line's span. `scratch` is reused for the digit-folded copy of the key.
    pub fn find_hits(
        &self,
        key: &[u8],
        lines: &[LineKey],
        mask: &[bool],
        scratch: &mut Vec<u8>,
        hits: &mut Vec<Hit>,
    ) {
        self.plain.find(key, lines, mask, hits);
        if !self.folded.is_empty() {
            scratch.clear();
            scratch.extend_from_slice(key);
            normalize::fold_digits(scratch);
            self.folded.find(scratch, lines, mask, hits);
        }
    }
}

impl Matchers {
    fn is_empty(&self) -> bool {
        self.literals.is_none() && self.regexes.is_empty()
    }

    fn find(&self, key: &[u8], lines: &[LineKey], mask: &[bool], hits: &mut Vec<Hit>) {
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
                            Mode::Equals => m.start() == 0 && m.end() == text.len(),
                            Mode::StartsWith => m.start() == 0 && at_word_end(text, m.end(), u),
                            Mode::Contains => {
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

fn is_word_byte(b: u8) -> bool {
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
struct PhraseTable {
    phrases: Vec<String>,
    index: HashMap<String, usize>,
    uses: Vec<Vec<LitPat>>,
    max_words: usize,
}

impl PhraseTable {
    fn add(&mut self, phrase: String, lp: LitPat, max_words: usize) {
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
struct MatcherBuilder {
    /// Every phrase of every rule: one automaton.
    phrases: PhraseTable,
    regexes: Vec<(String, u32, usize)>,
}

impl MatcherBuilder {
    fn build(self) -> Matchers {
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

fn compile_regex(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(p).case_insensitive(true).build()
}

#[derive(Default)]
struct Builder {
    warnings: Vec<RuleError>,
    rules: Vec<Rule>,
    examples: Vec<Example>,
    ids: HashMap<String, Origin>,
    plain: MatcherBuilder,
    folded: MatcherBuilder,
}

/// Turns byte offsets of a file into `line:col` positions.
struct Locator<'a> {
    name: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    fn err(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> RuleError {
        let (line, col) = self.line_col(span.start);
        RuleError {
            file: self.name.to_string(),
            line,
            col,
            message: message.into(),
        }
    }

    fn origin(&self, span: std::ops::Range<usize>) -> Origin {
        Origin {
            file: self.name.to_string(),
            line: self.line_col(span.start).0,
        }
    }
}

impl Builder {
    fn add_file(&mut self, file_idx: usize, src: &RuleSource) -> Result<(), RuleError> {
        let loc = Locator {
            name: &src.name,
            text: &src.text,
        };
        let spec: spec::FileSpec = toml::from_str(&src.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            loc.err(span, e.message().trim().to_string())
        })?;
        let file_sites = patterns(&spec.sites, &loc)?;
        let file_excludes = patterns(&spec.exclude_sites, &loc)?;
        let first_rule = self.rules.len();
        for rs in &spec.rules {
            let rule_span = rs.span();
            let rs = rs.get_ref();
            self.add_rule(file_idx, rs, rule_span, &loc, &file_sites, &file_excludes)?;
        }
        for ex in &spec.examples {
            if first_rule == self.rules.len() {
                return Err(loc.err(ex.span(), "a file-level example needs rules in the file"));
            }
            let example = to_example(ex, &loc, None, file_idx)?;
            self.examples.push(example);
        }
        Ok(())
    }

    fn add_rule(
        &mut self,
        file_idx: usize,
        rs: &spec::RuleSpec,
        rule_span: std::ops::Range<usize>,
        loc: &Locator,
        file_sites: &[SitePattern],
        file_excludes: &[SitePattern],
    ) -> Result<(), RuleError> {
        let id = rs.id.get_ref().trim();
        if id.is_empty() || id.contains(char::is_whitespace) {
            return Err(loc.err(rs.id.span(), "rule id must be non-empty, without spaces"));
        }
        if let Some(first) = self.ids.get(id) {
            return Err(loc.err(
                rs.id.span(),
                format!("duplicate rule id `{id}` (first defined at {first})"),
            ));
        }
        if rs.reason.get_ref().trim().is_empty() {
            return Err(loc.err(rs.reason.span(), "rule reason must not be empty"));
        }
        let action = match &rs.action {
            None => Action::Line,
            Some(a) => Action::parse(a.get_ref()).ok_or_else(|| {
                loc.err(
                    a.span(),
                    format!(
                        "unknown action `{}` (expected line, paragraph, span or tail)",
                        a.get_ref()
                    ),
                )
            })?,
        };
        if rs.contains.is_empty()
            && rs.equals.is_empty()
            && rs.starts_with.is_empty()
            && rs.regex.is_empty()
        {
            return Err(loc.err(
                rule_span.clone(),
                format!("rule `{id}` matches nothing: give contains, equals, starts_with or regex"),
            ));
        }
        if action != Action::Tail && rs.min_words_before.is_some() {
            return Err(loc.err(
                rule_span.clone(),
                format!("rule `{id}`: min_words_before applies to action = \"tail\" only"),
            ));
        }
        let max_words = match action {
            Action::Line | Action::Paragraph => Some(rs.max_words.unwrap_or(DEFAULT_MAX_WORDS)),
            Action::Span | Action::Tail => rs.max_words,
        };
        let rule_idx = self.rules.len();
        let origin = loc.origin(rs.id.span());
        let scope = Scope {
            include: match &rs.sites {
                Some(s) => patterns(s, loc)?,
                None => file_sites.to_vec(),
            },
            exclude: match &rs.exclude_sites {
                Some(s) => patterns(s, loc)?,
                None => file_excludes.to_vec(),
            },
        };
        // The longest line the rule needs to see (see SHORT_LINE_WORDS); a
        // span's guard bounds the span, not its line.
        let line_bound = match action {
            Action::Span => usize::MAX,
            _ => max_words.unwrap_or(usize::MAX),
        };
        let target = if rs.fold_digits {
            &mut self.folded
        } else {
            &mut self.plain
        };
        for (list, mode) in [
            (&rs.contains, Mode::Contains),
            (&rs.equals, Mode::Equals),
            (&rs.starts_with, Mode::StartsWith),
        ] {
            for phrase in list {
                let mut k = normalize::key(phrase.get_ref());
                if rs.fold_digits {
                    k = k.replace(|c: char| c.is_ascii_digit(), "0");
                }
                if k.is_empty() {
                    return Err(loc.err(phrase.span(), "phrase is empty once normalised"));
                }
                let kb = k.as_bytes();
                target.phrases.add(
                    k.clone(),
                    LitPat {
                        rule: rule_idx as u32,
                        mode,
                        word_start: is_word_byte(kb[0]),
                        word_end: is_word_byte(kb[kb.len() - 1]),
                    },
                    line_bound,
                );
            }
        }
        for re in &rs.regex {
            if let Err(e) = compile_regex(re.get_ref()) {
                let msg = e.to_string().replace('\n', " ");
                return Err(loc.err(re.span(), format!("bad regex: {msg}")));
            }
            if unicode_word_boundary(re.get_ref()) {
                self.warnings.push(loc.err(
                    re.span(),
                    "Unicode `\\b` cannot run in the fast DFA on non-ASCII text and slows \
                     every line; write `(?-u:\\b)`",
                ));
            }
            if re.get_ref().contains("\\n") {
                return Err(loc.err(re.span(), "regexes match one line: `\\n` cannot match"));
            }
            target
                .regexes
                .push((re.get_ref().clone(), rule_idx as u32, line_bound));
        }
        self.ids.insert(id.to_string(), origin.clone());
        self.rules.push(Rule {
            id: id.to_string(),
            reason: rs.reason.get_ref().trim().to_string(),
            action,
            max_words,
            min_words_before: rs.min_words_before.unwrap_or(DEFAULT_MIN_WORDS_BEFORE),
            scope,
            enabled: rs.enabled,
            origin,
            file: file_idx,
        });
        for ex in &rs.examples {
            let example = to_example(ex, loc, Some(rule_idx), file_idx)?;
            self.examples.push(example);
        }
        Ok(())
    }
}

/// Whether a regex uses `\b` or `\B` outside an ASCII-only `(?-u:...)` group.
fn unicode_word_boundary(re: &str) -> bool {
    let stripped = re.replace("(?-u:\\b)", "").replace("(?-u:\\B)", "");
    let b = stripped.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'\\' {
            if matches!(b[i + 1], b'b' | b'B') && !stripped.contains("(?-u") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

fn patterns(list: &[toml::Spanned<String>], loc: &Locator) -> Result<Vec<SitePattern>, RuleError> {
    list.iter()
        .map(|s| {
            let p = s.get_ref().trim();
            if p.is_empty() || p.contains(['/', ' ']) {
                Err(loc.err(
                    s.span(),
                    format!(
                        "bad site pattern `{p}`: give a host like example.com or *.example.com"
                    ),
                ))
            } else {
                Ok(SitePattern::new(p))
            }
        })
        .collect()
}

fn to_example(
    ex: &toml::Spanned<spec::ExampleSpec>,
    loc: &Locator,
    rule: Option<usize>,
    file: usize,
) -> Result<Example, RuleError> {
    let e = ex.get_ref();
    let (input, output) = match (&e.input, &e.output, &e.keep) {
        (Some(i), Some(o), None) => (i.clone(), o.clone()),
        (None, None, Some(k)) => (k.clone(), k.clone()),
        _ => {
            return Err(loc.err(
                ex.span(),
                "an example has either `input` and `output`, or `keep` alone",
            ));
        }
    };
    Ok(Example {
        input,
        output,
        origin: loc.origin(ex.span()),
        rule,
        file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Vec<RuleSource> {
        vec![RuleSource {
            name: "t.toml".into(),
            text: text.into(),
        }]
    }

    #[test]
    fn site_patterns() {
        let p = SitePattern::new("example.com");
        assert!(p.matches("example.com"));
        assert!(p.matches("www.example.com"));
        assert!(!p.matches("badexample.com"));
        let g = SitePattern::new("*.example.*");
        assert!(g.matches("news.example.org"));
        assert!(!g.matches("example.org"));
        assert!(glob_match(b"de.*", b"de.cookie"));
        assert!(!glob_match(b"de.*", b"en.cookie"));
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = RuleSet::compile(
            &src("[[rule]]\nid = \"a\"\nreason = \"r\"\nregex = ['(unclosed']\n"),
            &Toggles::default(),
        )
        .unwrap_err();
        assert_eq!((e.file.as_str(), e.line, e.col), ("t.toml", 4, 10));
        assert!(e.message.starts_with("bad regex"), "{e}");

        let e = RuleSet::compile(
            &src("[[rule]]\nid = \"a\"\nreason = \"r\"\ncontain = ['x']\n"),
            &Toggles::default(),
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.to_string().contains("unknown field `contain`"), "{e}");

        let e = RuleSet::compile(
            &src("[[rule]]\nid = \"a\"\nreason = \"r\"\nequals = ['x']\naction = \"lines\"\n"),
            &Toggles::default(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (5, 10), "{e}");
    }

    #[test]
    fn unicode_word_boundaries_warn() {
        let rs = RuleSet::compile(
            &src("[[rule]]\nid = \"a\"\nreason = \"r\"\nregex = ['x\\b', 'y(?-u:\\b)', '\\\\b']\n"),
            &Toggles::default(),
        )
        .unwrap();
        assert_eq!(rs.warnings.len(), 1);
        assert_eq!((rs.warnings[0].line, rs.warnings[0].col), (4, 10));
    }

    #[test]
    fn span_rules_see_long_lines_whatever_their_guard() {
        let rs = RuleSet::compile(
            &src("[[rule]]\nid = \"s\"\nreason = \"r\"\ncontains = ['xx']\naction = \"span\"\nmax_words = 1\n\
                  [[rule]]\nid = \"l\"\nreason = \"r\"\ncontains = ['yy']\nmax_words = 2\n"),
            &Toggles::default(),
        )
        .unwrap();
        let mut key = Vec::new();
        let mut lines = Vec::new();
        for l in ["a b c xx yy", "yy xx"] {
            let start = key.len();
            let words = normalize::push_key(l, &mut key);
            lines.push(LineKey {
                start,
                end: key.len(),
                words,
            });
            key.push(b'\n');
        }
        let mut hits = Vec::new();
        rs.find_hits(&key, &lines, &rs.mask_for("x"), &mut Vec::new(), &mut hits);
        hits.sort();
        let got: Vec<(usize, usize)> = hits.iter().map(|h| (h.line, h.rule)).collect();
        // The line rule's guard is applied when removing (see clean.rs).
        assert_eq!(got, [(0, 0), (0, 1), (1, 0), (1, 1)]);
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let e = RuleSet::compile(
            &src("[[rule]]\nid = \"a\"\nreason = \"r\"\nequals = ['x']\n\
                 [[rule]]\nid = \"a\"\nreason = \"r\"\nequals = ['y']\n"),
            &Toggles::default(),
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("duplicate rule id `a` (first defined at t.toml:2)")
        );
    }

    #[test]
    fn toggles_and_scopes_shape_the_mask() {
        let rs = RuleSet::compile(
            &src(
                "sites = ['a.org']\n[[rule]]\nid = \"x.one\"\nreason = \"r\"\nequals = ['x']\n\
                 [[rule]]\nid = \"x.two\"\nreason = \"r\"\nequals = ['y']\nenabled = false\n\
                 sites = ['*']\nexclude_sites = ['b.org']\n",
            ),
            &Toggles {
                enable: vec!["x.two".into()],
                disable: vec![],
            },
        )
        .unwrap();
        assert_eq!(&*rs.mask_for("a.org"), &[true, true]);
        assert_eq!(&*rs.mask_for("c.org"), &[false, true]);
        assert_eq!(&*rs.mask_for("b.org"), &[false, false]);
    }
}
