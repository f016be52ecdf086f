//! deboil makes scraped news text usable: it strips recurring site junk with
//! rule files and finds duplicate articles.
//!
//! Data flows one way: [`read`] frames inputs into records, [`doc`] parses
//! them into documents, [`clean`] applies the compiled [`rules`], and
//! [`pipeline`] streams batches through rayon to the writers in [`write`].
//! The library never prints; the `deboil` binary is a thin layer over it.
//!
//! ```
//! use deboil::clean::{CleanOptions, Cleaner};
//! use deboil::rules::{RuleSet, RuleSource, Toggles};
//!
//! let rules = RuleSet::compile(&RuleSource::embedded(), &Toggles::default()).unwrap();
//! let cleaner = Cleaner::new(&rules, CleanOptions::default());
//! let text = "Headline\n\nBody.\n\nWe use cookies to improve your experience.\n";
//! assert_eq!(cleaner.clean(text, "example.com").text, "Headline\n\nBody.\n");
//! ```
#![deny(missing_docs)]

pub mod clean;
pub mod cluster;
pub mod dedup;
pub mod diff;
pub mod doc;
pub mod error;
pub mod examples;
pub mod extract;
pub mod index;
pub mod learn;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod pipeline;
pub mod read;
pub mod rules;
pub mod why;
pub mod write;

pub use error::{Error, Result};
