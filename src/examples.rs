//! Running the examples that rule files carry (`deboil rules test`).
//!
//! A rule's example runs that rule alone; a file-level example runs all of
//! the file's enabled rules. Both run with the built-in cleanups on, because
//! that is what output looks like.

use crate::clean::{CleanOptions, Cleaner};
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

/// Runs every example of `rules`.
pub fn run_examples<'a>(rules: &'a RuleSet, opts: &CleanOptions) -> Vec<ExampleResult<'a>> {
    let cleaner = Cleaner::new(rules, opts.clone());
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
