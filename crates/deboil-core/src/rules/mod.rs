//! Rule files: loading, validating and compiling them into one matcher.
//!
//! Every literal phrase of every rule goes into one Aho-Corasick automaton
//! (rules with `fold_digits` into a second one, over the digit-folded key),
//! with the literal triggers of the regexes, so that one scan of a line finds
//! its phrases and the few regexes worth running (`rules/matcher.rs`); regexes
//! without triggers go into [`regex::bytes::RegexSet`]s grouped by how long a
//! line they may apply to, so that long paragraphs are only scanned by the few
//! rules that can touch them. All run over the normalised key of each line
//! (see [`crate::normalize`]).

mod compile;
mod dense;
mod embedded;
mod matcher;
mod memo;
mod prebuilt;
mod prefilter;
mod punycode;
mod spec;
mod words;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::normalize;
pub use embedded::{EMBEDDED, embedded_digest};
use matcher::Matchers;

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

/// A site name as rules match it: lowercase, whitespace and `/` trimmed from
/// both ends, and each inner run of them made one `_`, so that every site can
/// be named in a rule file (site patterns hold no spaces or slashes). Site
/// patterns are lowercased the same way. An internationalized name is one
/// site however it is written: its punycode labels (`xn--bcher-kva.de`, as
/// a URL's host holds it) are read as the Unicode they stand for
/// (`bücher.de`, as a site field or a rule file may name it), in NFC.
///
/// ```
/// use deboil_core::rules::site_name;
/// assert_eq!(site_name(" My  Site/News "), "my_site_news");
/// assert_eq!(site_name("Example.COM"), "example.com");
/// assert_eq!(site_name("XN--BCHER-KVA.de"), site_name("Bu\u{308}cher.de"));
/// ```
pub fn site_name(s: &str) -> String {
    let name = if s.is_ascii() {
        ascii_site_name(s)
    } else {
        any_site_name(s)
    };
    // Not `str::contains` (see `site_of`): a searcher for a few bytes.
    match name.as_bytes().windows(4).any(|w| w == b"xn--") {
        true => unicode_labels(&name),
        false => name,
    }
}

/// `name` with each valid `xn--` label decoded; one that is not (no valid
/// punycode, or nothing outside ASCII in it) is kept as written.
fn unicode_labels(name: &str) -> String {
    let label = |l: &str| {
        l.strip_prefix("xn--")
            .and_then(punycode::decode)
            .filter(|u| !u.is_ascii() && !u.contains(|c: char| c == '.' || c.is_whitespace()))
            .map_or_else(|| l.to_string(), |u| any_site_name(&u))
    };
    name.split('.').map(label).collect::<Vec<_>>().join(".")
}

/// [`site_name`] of any `s`, by characters.
fn any_site_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s
        .trim_matches(|c: char| c.is_whitespace() || c == '/')
        .chars()
    {
        if c.is_whitespace() || c == '/' {
            gap = true;
            continue;
        }
        if gap {
            out.push('_');
            gap = false;
        }
        out.extend(c.to_lowercase());
    }
    // One spelling of `ü`, so that a name typed either way is one site.
    use unicode_normalization::UnicodeNormalization;
    out.nfc().collect()
}

/// [`site_name`] of an ASCII `s` (nearly every site): the same steps on
/// bytes, without the Unicode case tables (~800 instructions a record).
fn ascii_site_name(s: &str) -> String {
    // ASCII's characters that `char::is_whitespace` holds, and `/`.
    let gap = |b: &u8| matches!(b, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ' | b'/');
    let b = s.as_bytes();
    let from = b.iter().position(|c| !gap(c)).unwrap_or(b.len());
    let to = b.iter().rposition(|c| !gap(c)).map_or(from, |p| p + 1);
    let mut out = Vec::with_capacity(to - from);
    let mut in_gap = false;
    for c in &b[from..to] {
        if gap(c) {
            in_gap = true;
            continue;
        }
        if in_gap {
            out.push(b'_');
            in_gap = false;
        }
        out.push(c.to_ascii_lowercase());
    }
    String::from_utf8(out).expect("ASCII in, ASCII out")
}

/// A site pattern: a bare host matches itself and its subdomains; a pattern
/// with `*` or `?` is a glob over the whole site name.
#[derive(Debug, Clone)]
pub struct SitePattern(String);

impl SitePattern {
    fn new(s: &str) -> SitePattern {
        SitePattern(site_name(s))
    }

    /// The pattern as written (lowercase).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `site` (already lowercase) is covered by this pattern.
    pub fn matches(&self, site: &str) -> bool {
        let p = self.0.as_str();
        if p.contains(['*', '?']) {
            glob_match(p, site)
        } else {
            site == p || (site.ends_with(p) && site[..site.len() - p.len()].ends_with('.'))
        }
    }
}

/// Matches `*` (any run) and `?` (one character, however many bytes: a
/// site name may be Unicode) against `text`.
pub fn glob_match(pat: &str, text: &str) -> bool {
    let (pb, tb) = (pat.as_bytes(), text.as_bytes());
    // `p` and `t` are on character boundaries whenever `p` is, so `?` and a
    // retried `*` step over whole characters.
    let char_len = |t: usize| text[t..].chars().next().map_or(1, char::len_utf8);
    let (mut p, mut t) = (0, 0);
    let mut back: Option<(usize, usize)> = None;
    while t < tb.len() {
        if p < pb.len() && pb[p] == b'?' {
            p += 1;
            t += char_len(t);
        } else if p < pb.len() && pb[p] == tb[t] {
            p += 1;
            t += 1;
        } else if p < pb.len() && pb[p] == b'*' {
            back = Some((p, t));
            p += 1;
        } else if let Some((bp, bt)) = back {
            let next = bt + char_len(bt);
            p = bp + 1;
            t = next;
            back = Some((bp, next));
        } else {
            return false;
        }
    }
    pb[p..].iter().all(|&c| c == b'*')
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
    /// Whether it runs unless toggled (`enabled = false` rules must be
    /// enabled by [`Toggles`]).
    pub enabled: bool,
    /// Whether it was learned rather than written (see [`RuleSource::learned`]).
    pub learned: bool,
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
/// The longest phrase (`contains`, `equals`, `starts_with`) a rule may
/// give, in bytes once normalised: longer ones are refused, so that no
/// phrase makes compiling the rules slow.
pub const MAX_PHRASE_BYTES: usize = 1000;
/// Regex rules allowed on lines up to this many words share the "short" set.
/// A removal never deletes fewer words than the line it starts on holds, so a
/// rule's `max_words` bounds the lines it needs to see.
const SHORT_LINE_WORDS: usize = 120;

/// A rule file that failed to load: `file:line:col: message`, or
/// `file: message` when no place in it is to blame (it cannot be read).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}{}: {message}", position(*.line, *.col))]
pub struct RuleError {
    /// The file's name.
    pub file: String,
    /// 1-based line; 0 when the error has no place in the file.
    pub line: usize,
    /// 1-based column (characters); 0 with line 0.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

/// `:line:col`, or nothing for line 0.
fn position(line: usize, col: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{col}")
    }
}

/// A rule file's text and the name to report it by.
#[derive(Debug, Clone)]
pub struct RuleSource {
    /// The name to report it by.
    pub name: String,
    /// The file's text.
    pub text: String,
    /// Whether its rules were learned (see [`mod@crate::learn`]): the body
    /// finder may give back a page title that a learned rule removed alone.
    pub learned: bool,
}

impl RuleSource {
    /// The default rule files, compiled into the library (`rules/*.toml`).
    pub fn embedded() -> Vec<RuleSource> {
        EMBEDDED
            .iter()
            .map(|(name, text)| RuleSource::new(*name, *text))
            .collect()
    }

    /// A rule file written by people, named `name` in messages.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> RuleSource {
        RuleSource {
            name: name.into(),
            text: text.into(),
            learned: false,
        }
    }

    /// Whether the text is a rule file: not blank, and parses as one. Tells
    /// a rule file kept among the data (learned rules) from a document.
    pub fn is_rule_file(&self) -> bool {
        !self.text.trim().is_empty() && toml::from_str::<spec::FileSpec>(&self.text).is_ok()
    }

    /// The ids of the file's rules; none when it does not parse (compiling
    /// it reports why).
    pub fn rule_ids(&self) -> Vec<String> {
        match toml::from_str::<spec::FileSpec>(&self.text) {
            Ok(spec) => spec
                .rules
                .iter()
                .map(|r| r.get_ref().id.get_ref().trim().to_string())
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Id globs that switch rules on or off, whatever their files say.
#[derive(Debug, Clone, Default)]
pub struct Toggles {
    /// Id globs to switch on.
    pub enable: Vec<String>,
    /// Id globs to switch off (wins over enable).
    pub disable: Vec<String>,
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

impl LineKey {
    /// Appends `line`'s key and a `\n` (which no key holds) to `key`, and
    /// returns where the key lies in it.
    #[inline]
    pub fn push(line: &str, key: &mut Vec<u8>) -> LineKey {
        let start = key.len();
        let words = crate::normalize::push_key(line, key);
        let end = key.len();
        key.push(b'\n');
        LineKey { start, end, words }
    }
}

/// One rule matching one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// 0-based line of the document.
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
    /// Tells rule sets apart for per-thread caches of their masks (an
    /// address could be a dropped set's).
    id: u64,
}

/// Which rules apply to one document: one flag per rule.
pub type Mask = Arc<[bool]>;

impl RuleSet {
    /// An empty rule set (built-in cleanups only).
    pub fn empty() -> RuleSet {
        RuleSet::compile(&[], &Toggles::default()).expect("no rules, no errors")
    }

    /// The default rules, built into the library (`rules/*.toml`).
    pub fn embedded() -> Result<RuleSet, RuleError> {
        RuleSet::compile(&RuleSource::embedded(), &Toggles::default())
    }

    /// Parses, validates and compiles rule files.
    pub fn compile(sources: &[RuleSource], toggles: &Toggles) -> Result<RuleSet, RuleError> {
        let (mut b, parsed) = compile::prepare(sources);
        for (file_idx, (src, parsed)) in sources.iter().zip(parsed).enumerate() {
            b.add_file(file_idx, src, parsed)?;
        }
        for r in &mut b.rules {
            if toggles.enable.iter().any(|g| glob_match(g, &r.id)) {
                r.enabled = true;
            }
            if toggles.disable.iter().any(|g| glob_match(g, &r.id)) {
                r.enabled = false;
            }
        }
        let (plain, folded) = rayon::join(|| b.plain.build(), || b.folded.build());
        Ok(RuleSet {
            plain,
            folded,
            rules: b.rules,
            examples: b.examples,
            warnings: b.warnings,
            files: sources.iter().map(|s| s.name.clone()).collect(),
            masks: Mutex::new(HashMap::new()),
            id: {
                static NEXT: AtomicU64 = AtomicU64::new(0);
                NEXT.fetch_add(1, Ordering::Relaxed)
            },
        })
    }

    /// A number no other rule set of the process has.
    pub(crate) fn id(&self) -> u64 {
        self.id
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

    /// Appends every match of an active rule in the document's key to
    /// `hits`, in no set order (lines are scanned several at a time).
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
        if self.folded.is_empty() {
            return;
        }
        let most = self.folded.scan_words();
        if self.folded.digits_only() {
            DIGIT_LINES.with(|d| {
                let only = &mut *d.borrow_mut();
                fold_digit_lines(key, lines, most, scratch, only);
                let folded = &scratch[..key.len()];
                self.folded
                    .find_folded(folded, key, lines, Some(only), mask, hits);
            });
        } else {
            fold_lines(key, lines, most, scratch);
            self.folded
                .find_folded(scratch, key, lines, None, mask, hits);
        }
    }
}

thread_local! {
    /// Which lines of a document hold a digit (see [`fold_digit_lines`]).
    static DIGIT_LINES: std::cell::RefCell<Vec<bool>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether `b` holds an ASCII digit: 32 bytes a step, each step one
/// vector test (a test a byte that stops at the first digit does not
/// vectorise, and most lines hold none).
fn has_digit(b: &[u8]) -> bool {
    let mut chunks = b.chunks_exact(32);
    let digit = |x: u8| x.wrapping_sub(b'0') < 10;
    chunks.any(|c| c.iter().fold(false, |a, &x| a | digit(x)))
        || chunks.remainder().iter().any(|&x| digit(x))
}

/// [`fold_lines`] for a folded matcher that is [`Matchers::digits_only`]:
/// only the lines that hold a digit are folded, and marked in `only`. Most
/// lines of prose hold none, and a second automaton read them all: the
/// folding rules cost `clean --learn` more than the other learned rules.
fn fold_digit_lines(
    key: &[u8],
    lines: &[LineKey],
    most: usize,
    folded: &mut Vec<u8>,
    only: &mut Vec<bool>,
) {
    // Never shortened (the lines' places are what is read): zeroing the
    // growth each time a page is longer than the last cost a memset a page.
    if folded.len() < key.len() {
        folded.resize(key.len(), 0);
    }
    only.clear();
    only.extend(lines.iter().map(|l| {
        let from = &key[l.start..l.end];
        let digit = l.words <= most && has_digit(from);
        if digit {
            let to = &mut folded[l.start..l.end];
            to.copy_from_slice(from);
            normalize::fold_digits(to);
        }
        digit
    }));
}

/// `key` with digits folded into `folded`, at the same places, in the lines
/// of at most `most` words: the automata of the rules that fold digits
/// (learned ones, bounded by their phrases' words) read no longer line,
/// and copying and folding every page's paragraphs cost clean --learn
/// ~5 % of its extra work. Other lines' bytes are left as they were.
fn fold_lines(key: &[u8], lines: &[LineKey], most: usize, folded: &mut Vec<u8>) {
    if most == usize::MAX {
        folded.clear();
        folded.extend_from_slice(key);
        normalize::fold_digits(folded);
        return;
    }
    folded.resize(key.len(), 0);
    for l in lines.iter().filter(|l| l.words <= most) {
        let to = &mut folded[l.start..l.end];
        to.copy_from_slice(&key[l.start..l.end]);
        normalize::fold_digits(to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Vec<RuleSource> {
        vec![RuleSource::new("t.toml", text)]
    }

    proptest::proptest! {
        #[test]
        fn ascii_site_names_as_the_general_steps(s in "[ -~\t\n\x0B\x0C\r/A-Z]{0,30}") {
            proptest::prop_assert_eq!(site_name(&s), any_site_name(&s));
        }
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
        assert!(glob_match("de.*", "de.cookie"));
        assert!(!glob_match("de.*", "en.cookie"));
        // `?` is one character, however many bytes.
        assert!(glob_match("b?cher.de", "bücher.de"));
        assert!(glob_match("*?", "ü"));
        assert!(!glob_match("??", "ü"));
        assert!(glob_match("*ü?", "aüü"));
        assert!(glob_match("*?€", "aü€"));
        assert!(!glob_match("b?cher.de", "büücher.de"));
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = RuleSet::compile(
            &src("[[rule]]\nid = \"a\"\nreason = \"r\"\nregex = ['(unclosed']\n"),
            &Toggles::default(),
        )
        .unwrap_err();
        // The group opens at the pattern's first character, column 11.
        assert_eq!((e.file.as_str(), e.line, e.col), ("t.toml", 4, 11));
        assert_eq!(
            e.to_string(),
            "t.toml:4:11: bad regex: unclosed group\n    (unclosed\n    ^"
        );
        // The caret under the culprit, the column at it.
        let e = RuleSet::compile(
            &src("[[rule]]\nid = \"a\"\nreason = \"r\"\nregex = ['ab[z-a]cd']\n"),
            &Toggles::default(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (4, 14), "{e}");
        assert!(e.message.ends_with("\n    ab[z-a]cd\n       ^^^"), "{e}");
        // Escapes in a basic string: the string's place, the pattern's caret.
        let e = RuleSet::compile(
            &src("[[rule]]\nid = \"a\"\nreason = \"r\"\nregex = [\"x\\\\d+(\"]\n"),
            &Toggles::default(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (4, 10), "{e}");
        assert!(e.message.ends_with("\n    x\\d+(\n        ^"), "{e}");

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
    fn phrases_longer_than_the_limit_are_refused() {
        let rule = |p: &str| format!("[[rule]]\nid = \"a\"\nreason = \"r\"\nequals = ['{p}']\n");
        // The limit counts the normalised key: spaces collapse, case folds.
        let at = format!("{} {}", "X".repeat(500), "x".repeat(499));
        assert!(RuleSet::compile(&src(&rule(&at)), &Toggles::default()).is_ok());
        let spaced = format!("{}   {}", "x".repeat(500), "x".repeat(499));
        assert!(RuleSet::compile(&src(&rule(&spaced)), &Toggles::default()).is_ok());
        let e = RuleSet::compile(&src(&rule(&"x".repeat(1001))), &Toggles::default()).unwrap_err();
        assert_eq!((e.line, e.col), (4, 11), "{e}");
        assert_eq!(
            e.message,
            "phrase of 1001 bytes is longer than the limit of 1000"
        );
    }

    #[test]
    fn an_error_without_a_place_names_the_file_alone() {
        let e = RuleError {
            file: "nope.toml".into(),
            line: 0,
            col: 0,
            message: "cannot read rule file: gone".into(),
        };
        assert_eq!(e.to_string(), "nope.toml: cannot read rule file: gone");
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
            lines.push(LineKey::push(l, &mut key));
        }
        let mut hits = Vec::new();
        rs.find_hits(&key, &lines, &rs.mask_for("x"), &mut Vec::new(), &mut hits);
        hits.sort();
        let got: Vec<(usize, usize)> = hits.iter().map(|h| (h.line, h.rule)).collect();
        // The line rule is not looked for on the line longer than its guard,
        // which it could not remove (the guard applies when removing, see
        // clean.rs); the span rule is, whatever its guard.
        assert_eq!(got, [(0, 0), (1, 0), (1, 1)]);
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

    #[test]
    fn folding_only_the_lines_read_finds_what_folding_all_did() {
        // Learned rules that fold digits: `equals` phrases bounded by their
        // own words (the automaton reads short lines only) and found apart
        // on longer lines with punctuation around them.
        let toml = "[[rule]]\nid = \"a\"\nreason = \"r\"\nequals = ['page 1 of 9', 'issue 12']\nfold_digits = true\n";
        let source = RuleSource {
            learned: true,
            ..RuleSource::new("t.toml", toml)
        };
        let rs = RuleSet::compile(&[source], &Toggles::default()).unwrap();
        assert!(rs.folded.scan_words() < 40, "{}", rs.folded.scan_words());
        let long = format!("{} page 3 of 7 issue 45", "word 12 ".repeat(60));
        let pages = [
            vec![
                "Page 3 of 7",
                long.as_str(),
                "— Page 3 of 7 —",
                "Issue 99",
                "» » Issue 34 «",
            ],
            vec!["x", "Issue 7"],
            vec![long.as_str(), "- Page 8 of 8 -", "Page 8 of 8 (next)"],
        ];
        // One scratch for every page, as a cleaner's thread keeps it.
        let (mut scratch, mut apart) = (Vec::new(), 0);
        for text in pages {
            let (mut key, mut lines) = (Vec::new(), Vec::new());
            for l in &text {
                lines.push(LineKey::push(l, &mut key));
            }
            let mask = rs.mask_for("x");
            let mut hits = Vec::new();
            rs.find_hits(&key, &lines, &mask, &mut scratch, &mut hits);
            // Before: the whole key folded, one search of it.
            let mut all = key.clone();
            normalize::fold_digits(&mut all);
            let mut want = Vec::new();
            rs.plain.find(&key, &lines, &mask, &mut want);
            rs.folded.find(&all, &lines, &mask, &mut want);
            hits.sort_unstable();
            want.sort_unstable();
            assert_eq!(hits, want, "{text:?}");
            // Lines found apart (more words than their phrase).
            apart += hits.iter().filter(|h| lines[h.line].words > 2).count();
        }
        // Hits on lines of more than two words: "Page 3 of 7", which the
        // automaton reads, and the three with punctuation around a phrase,
        // found apart.
        assert_eq!(apart, 4);
    }
}
