//! Parsing and validating rule files (`rules/README.md` is the format) into
//! rules, examples and the matcher builders.

use std::collections::HashMap;

use super::matcher::{LazyRegex, LitPat, MatcherBuilder, PhraseMode, RegexSpec, compile_regex};
use super::words::is_word_char;
use super::{
    Action, DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS_BEFORE, Example, MAX_PHRASE_BYTES, Origin, Rule,
    RuleError, RuleSource, Scope, SitePattern, spec,
};
use crate::normalize;

#[derive(Default)]
pub(super) struct Builder {
    pub warnings: Vec<RuleError>,
    pub rules: Vec<Rule>,
    pub examples: Vec<Example>,
    /// Where each id was first defined, and whether in a built-in file.
    ids: HashMap<String, (Origin, bool)>,
    pub plain: MatcherBuilder,
    pub folded: MatcherBuilder,
    /// Every regex of the files, compiled beforehand on the rayon pool
    /// (not those of the default rule files: see [`LazyRegex`]).
    compiled: HashMap<String, Result<regex::bytes::Regex, regex::Error>>,
    /// Whether the file being added is a default rule file, unchanged.
    lazy_file: bool,
}

/// Whether `src` is one of the default rule files as built in, whose
/// regexes are known to compile (a test checks) and so are compiled when
/// first used.
pub(super) fn is_embedded(src: &RuleSource) -> bool {
    !src.learned
        && super::EMBEDDED
            .iter()
            .any(|(name, text)| *name == src.name && *text == src.text)
}

/// A rule file parsed (or its parse error).
pub(super) type Parsed = Result<spec::FileSpec, toml::de::Error>;

/// Parses `sources` and compiles their regexes on the current rayon pool
/// (the larger part of compiling the default rules); [`Builder::add_file`]
/// then goes through the files in order, so errors come as they would one
/// at a time.
pub(super) fn prepare(sources: &[RuleSource]) -> (Builder, Vec<Parsed>) {
    use rayon::prelude::*;
    let parsed: Vec<Parsed> = sources
        .par_iter()
        .map(|s| toml::from_str(&s.text))
        .collect();
    let mut patterns: Vec<&String> = parsed
        .iter()
        .zip(sources)
        .filter(|(_, s)| !is_embedded(s))
        .filter_map(|(p, _)| p.as_ref().ok())
        .flat_map(|f| &f.rules)
        .flat_map(|r| &r.get_ref().regex)
        .map(|r| r.get_ref())
        .collect();
    patterns.sort_unstable();
    patterns.dedup();
    let compiled = patterns
        .par_iter()
        .map(|&p| (p.clone(), compile_regex(p)))
        .collect();
    let b = Builder {
        compiled,
        ..Builder::default()
    };
    (b, parsed)
}

/// Turns byte offsets of a file into `line:col` positions.
struct Locator<'a> {
    name: &'a str,
    text: &'a str,
    /// Where each line starts: counting lines from the file's start for
    /// every rule's origin was quadratic (~20 M instructions of start-up).
    starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    fn new(name: &'a str, text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|p| p + 1));
        Locator { name, text, starts }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // Lines starting at or before `offset` (the first always does).
        let line = self.starts.partition_point(|&s| s <= offset);
        let col = self.text[self.starts[line - 1]..offset].chars().count() + 1;
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
    pub fn add_file(
        &mut self,
        file_idx: usize,
        src: &RuleSource,
        parsed: Parsed,
    ) -> Result<(), RuleError> {
        let loc = Locator::new(&src.name, &src.text);
        let spec: spec::FileSpec = parsed.map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let mut message = e.message().trim().to_string();
            // `[rule]` for `[[rule]]` read only as "invalid type: map,
            // expected a sequence": name the header that wants two brackets.
            let at = src.text.get(span.start..).unwrap_or("");
            if message == "invalid type: map, expected a sequence"
                && let Some(name) = at.strip_prefix('[').and_then(|h| h.split_once(']'))
                && !name.0.starts_with('[')
            {
                let name = name.0.trim();
                message.push_str(&format!(
                    ": `[{name}]` is one table; rules and examples are lists, \
                     each entry headed `[[{name}]]`"
                ));
            }
            loc.err(span, message)
        })?;
        self.lazy_file = is_embedded(src);
        let file_sites = patterns(&spec.sites, &loc)?;
        let file_excludes = patterns(&spec.exclude_sites, &loc)?;
        let first_rule = self.rules.len();
        for rs in &spec.rules {
            let rule_span = rs.span();
            let rs = rs.get_ref();
            let scopes = (&file_sites[..], &file_excludes[..]);
            self.add_rule(file_idx, src.learned, rs, rule_span, &loc, scopes)?;
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
        src_learned: bool,
        rs: &spec::RuleSpec,
        rule_span: std::ops::Range<usize>,
        loc: &Locator,
        (file_sites, file_excludes): (&[SitePattern], &[SitePattern]),
    ) -> Result<(), RuleError> {
        let id = rs.id.get_ref().trim();
        if id.is_empty() || id.contains(char::is_whitespace) {
            return Err(loc.err(rs.id.span(), "rule id must be non-empty, without spaces"));
        }
        if let Some((first, built_in)) = self.ids.get(id) {
            // Defined at the very same place: one file read twice, which the
            // bare message (`a.toml:10 ... first defined at a.toml:10`) hid.
            let twice = if *first == loc.origin(rs.id.span()) {
                "; the same file is read twice: named twice, or a copy of the \
                 built-in rules given beside them (leave the built-in ones out)"
            } else if *built_in {
                // The built-in files are compiled in: `rules/...` names no
                // file the user has, nor do `rules list/test FILE` read them.
                ", a built-in rule: give yours another id"
            } else if id.starts_with("learned.") {
                // Two `deboil learn` files of one site, learned apart: both
                // number its rules from 1, and the message named no way out
                // but renaming hundreds of ids by hand.
                "; files learned apart number a site's rules alike: learn the \
                 second beside the first (`--rules FIRST --learn --save-learned \
                 SECOND` on clean or run), and its ids continue past the first's"
            } else {
                ""
            };
            return Err(loc.err(
                rs.id.span(),
                format!("duplicate rule id `{id}` (first defined at {first}{twice})"),
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
        for (list, mode) in [
            (&rs.contains, PhraseMode::Contains),
            (&rs.equals, PhraseMode::Equals),
            (&rs.starts_with, PhraseMode::StartsWith),
        ] {
            for phrase in list {
                let mut k = normalize::key(phrase.get_ref());
                if rs.fold_digits {
                    k = k.replace(|c: char| c.is_ascii_digit(), "0");
                }
                if k.is_empty() {
                    return Err(loc.err(phrase.span(), "phrase is empty once normalised"));
                }
                if k.len() > MAX_PHRASE_BYTES {
                    return Err(loc.err(
                        phrase.span(),
                        format!(
                            "phrase of {} bytes is longer than the limit of {MAX_PHRASE_BYTES}",
                            k.len()
                        ),
                    ));
                }
                // A folding rule's phrase without digits matches the key
                // where it matches the folded key (folding changes digits
                // only, and both are word characters): it goes with the
                // plain phrases, and the folded automaton need only read
                // lines that hold a digit (see `Matchers::digits_only`).
                let target = if rs.fold_digits && k.contains('0') {
                    &mut self.folded
                } else {
                    &mut self.plain
                };
                let (first, last) = (k.chars().next(), k.chars().next_back());
                // A learned rule keeps the default bound of 40 words while
                // its lines are mostly far shorter: its `equals` phrases are
                // looked for by the automaton only in lines of up to their
                // own words, and longer lines (punctuation around the
                // phrase) are checked apart (see `matcher::LateEquals`).
                // A phrase without a word character has no such check.
                let pattern_bound = if src_learned
                    && mode == PhraseMode::Equals
                    && line_bound != usize::MAX
                    && k.chars().any(is_word_char)
                {
                    k.split(' ').filter(|w| !w.is_empty()).count() as u32
                } else {
                    u32::MAX
                };
                target.phrases.add(
                    k.clone(),
                    LitPat {
                        rule: rule_idx as u32,
                        mode,
                        word_start: first.is_some_and(is_word_char),
                        word_end: last.is_some_and(is_word_char),
                    },
                    line_bound,
                    pattern_bound,
                );
            }
        }
        for re in &rs.regex {
            let compiled = if self.lazy_file {
                LazyRegex::later(re.get_ref())
            } else {
                let c = match self.compiled.get(re.get_ref()) {
                    Some(c) => c.clone(),
                    None => compile_regex(re.get_ref()),
                };
                LazyRegex::ready(re.get_ref(), c.map_err(|e| regex_error(re, loc, &e))?)
            };
            // The default files' regexes are checked by a test instead:
            // parsing them all here would cost every run's start-up.
            if !self.lazy_file && matches_without_text(re.get_ref(), compiled.get()) {
                return Err(loc.err(
                    re.span(),
                    format!(
                        "rule `{id}`: regex `{}` can match the empty string, so it matches \
                         lines without what it looks for (a line, paragraph or tail rule \
                         removes them, `x*` every line) and as a span removes nothing; make \
                         it need at least one character (or anchor it to whole lines, \
                         as `^\\s*$`)",
                        re.get_ref()
                    ),
                ));
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
            let target = if rs.fold_digits {
                &mut self.folded
            } else {
                &mut self.plain
            };
            target.regexes.push(RegexSpec {
                pattern: re.get_ref().clone(),
                rule: rule_idx as u32,
                line_bound,
                compiled,
            });
        }
        self.ids
            .insert(id.to_string(), (origin.clone(), self.lazy_file));
        self.rules.push(Rule {
            id: id.to_string(),
            reason: rs.reason.get_ref().trim().to_string(),
            action,
            max_words,
            min_words_before: rs.min_words_before.unwrap_or(DEFAULT_MIN_WORDS_BEFORE),
            scope,
            enabled: rs.enabled,
            learned: src_learned,
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

/// A regex that does not compile, reported where the regex parser points:
/// the place in the file (when the string holds the pattern as written, no
/// escapes), then the pattern with a caret under the culprit.
fn regex_error(re: &toml::Spanned<String>, loc: &Locator, e: &regex::Error) -> RuleError {
    let pattern = re.get_ref();
    let parsed = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(pattern);
    let (what, span) = match &parsed {
        Err(regex_syntax::Error::Parse(p)) => (p.kind().to_string(), *p.span()),
        Err(regex_syntax::Error::Translate(t)) => (t.kind().to_string(), *t.span()),
        // Not a syntax error (a size limit): the regex crate's one line.
        _ => return loc.err(re.span(), format!("bad regex: {e}")),
    };
    let string = re.span();
    let written = &loc.text[string.clone()];
    let at = match written.find(pattern.as_str()) {
        Some(i) => string.start + i + span.start.offset,
        None => string.start,
    };
    let lead = pattern[..span.start.offset].chars().count();
    let width = pattern[span.start.offset..span.end.offset]
        .chars()
        .count()
        .max(1);
    loc.err(
        at..at,
        format!(
            "bad regex: {what}\n    {pattern}\n    {}{}",
            " ".repeat(lead),
            "^".repeat(width)
        ),
    )
}

/// Whether regex `p` (compiled as `re`) matches lines without the text it
/// is after: it can match the empty string (`x*`, `(foo)?`, `^`) and does
/// so on an ordinary line. One anchored to whole lines (`^\s*$`, blank
/// lines or a lone no-break space) matches the empty string too, but only
/// on the lines it means, so it stays.
pub(super) fn matches_without_text(p: &str, re: &regex::bytes::Regex) -> bool {
    const ORDINARY: [&str; 2] = ["x", "An ordinary line, 7."];
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(p)
        .is_ok_and(|h| h.properties().minimum_len() == Some(0))
        && ORDINARY.iter().any(|line| re.is_match(line.as_bytes()))
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
    use super::Locator;

    #[test]
    fn line_table_gives_the_counted_positions() {
        let text = "a\n\nbé c\nd\n";
        let loc = Locator::new("f", text);
        for offset in (0..=text.len() + 2).filter(|&o| o > text.len() || text.is_char_boundary(o)) {
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            assert_eq!(loc.line_col(offset), (line, col), "{offset}");
        }
    }
}
