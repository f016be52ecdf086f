//! The TOML rule-file format, as written by people (see `rules/README.md`).

use serde::Deserialize;
use toml::Spanned;

/// One rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// What the file is for, for its readers; deboil does not use it.
    #[allow(dead_code)]
    pub description: Option<String>,
    /// Default scope of the file's rules.
    #[serde(default)]
    pub sites: Vec<Spanned<String>>,
    /// Default exclusions of the file's rules.
    #[serde(default)]
    pub exclude_sites: Vec<Spanned<String>>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<Spanned<RuleSpec>>,
    /// Examples run through all of the file's rules together.
    #[serde(default, rename = "example")]
    pub examples: Vec<Spanned<ExampleSpec>>,
}

/// One rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: Spanned<String>,
    pub reason: Spanned<String>,
    pub sites: Option<Vec<Spanned<String>>>,
    pub exclude_sites: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub contains: Vec<Spanned<String>>,
    #[serde(default)]
    pub equals: Vec<Spanned<String>>,
    #[serde(default)]
    pub starts_with: Vec<Spanned<String>>,
    #[serde(default)]
    pub regex: Vec<Spanned<String>>,
    #[serde(default)]
    pub action: Option<Spanned<String>>,
    pub max_words: Option<usize>,
    pub min_words_before: Option<usize>,
    #[serde(default)]
    pub fold_digits: bool,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default, rename = "example")]
    pub examples: Vec<Spanned<ExampleSpec>>,
}

fn yes() -> bool {
    true
}

/// An example: `input` must clean to `output`, or `keep` must come out unchanged.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    pub input: Option<String>,
    pub output: Option<String>,
    pub keep: Option<String>,
}
