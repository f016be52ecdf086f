//! Running the examples that rule files carry (`deboil rules test`).
//!
//! A rule's example runs that rule alone; a file-level example runs all of
//! the file's enabled rules. Both run with the built-in cleanups on, because
//! that is what output looks like.

use crate::clean::Cleaner;
use crate::rules::{Example, RuleSet};

/// The result of one example.
#[derive(Debug, Clone)]
pub struct ExampleResult<'a> {
    /// The example run.
    pub example: &'a Example,
    /// What cleaning gave; equal to `example.output` when it passed.
    pub got: String,
}

impl ExampleResult<'_> {
    /// Whether cleaning gave the expected output.
    pub fn passed(&self) -> bool {
        self.got == self.example.output
    }
}

/// Runs every example of the cleaner's rules, with its built-in cleanups.
pub fn run_examples(cleaner: &Cleaner) -> Vec<ExampleResult<'_>> {
    let rules = cleaner.rules();
    rules
        .examples
        .iter()
        .map(|ex| {
            let mask = match ex.rule {
                Some(r) => rules.mask_of(|i, _| i == r),
                None => rules.mask_of(|_, rule| rule.file == ex.file && rule.enabled),
            };
            ExampleResult {
                example: ex,
                got: cleaner.clean_masked(&ex.input, &mask).text,
            }
        })
        .collect()
}

/// The report `deboil rules test` prints: each failed example with its
/// input, expected and actual output, a count line, and the rules that
/// carry no example. Returns the text and the number of failures.
pub fn report(rules: &RuleSet, results: &[ExampleResult]) -> (String, usize) {
    use std::fmt::Write;
    let mut out = String::new();
    let mut failed = 0;
    for r in results.iter().filter(|r| !r.passed()) {
        failed += 1;
        let whose = match r.example.rule {
            Some(i) => format!("rule `{}`", rules.rules[i].id),
            None => "file".to_string(),
        };
        let _ = writeln!(out, "{}: example of {whose} failed", r.example.origin);
        let _ = writeln!(out, "  input:    {:?}", r.example.input);
        let _ = writeln!(out, "  expected: {:?}", r.example.output);
        let _ = writeln!(out, "  got:      {:?}", r.got);
    }
    let untested: Vec<&str> = rules
        .rules
        .iter()
        .enumerate()
        .filter(|(i, _)| !rules.examples.iter().any(|e| e.rule == Some(*i)))
        .map(|(_, r)| r.id.as_str())
        .collect();
    let _ = writeln!(
        out,
        "rules test: {} passed, {failed} failed ({} in {})",
        results.len() - failed,
        crate::count(rules.rules.len() as u64, "rule"),
        crate::count(rules.files.len() as u64, "file")
    );
    if !untested.is_empty() {
        let _ = writeln!(out, "rules without examples: {}", untested.join(", "));
    }
    (out, failed)
}
