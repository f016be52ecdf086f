//! deboil's engine, in memory: it strips recurring site junk from news text
//! with rule files and learned rules, finds each page's body, and finds
//! duplicate articles with MinHash and LSH. No files, no compression, no
//! command line: strings in, results out, so a long-lived program (a Python
//! class, a Spark task, a server) can hold its objects and call them.
//!
//! - [`rules`]: rule files compiled into one matcher ([`rules::RuleSet`]);
//! - [`clean`]: a [`Cleaner`] applies rules and built-in cleanups to a text;
//! - [`learn`](mod@learn): junk learned from how often lines recur across a
//!   site's pages, and the models [`extract`] needs to find each page's body
//!   (the one call: [`learn()`]);
//! - [`page`]: a page's body found from the page alone, for sites with too
//!   few pages to learn from;
//! - [`minhash`], [`lsh`], [`cluster`] and [`dedup`]: signatures, candidate
//!   pairs, clusters, and a [`Deduper`] that decides document by document.
//!
//! Work that runs in parallel (signing a batch, learning sites) runs on the
//! current rayon pool: call it inside `ThreadPool::install` to choose one.
//!
//! Clean a text, see why each part went, then find the copies among cleaned
//! texts as `deboil run` does:
//!
//! ```
//! use deboil_core::dedup::{DedupSettings, Preset};
//! use deboil_core::{Cleaner, Deduper, RuleSet};
//!
//! let cleaner = Cleaner::with_rules(RuleSet::embedded()?); // owns its rules: clone freely
//! let text = "Headline\n\nBody.\n\nWe use cookies to improve your experience.\n";
//! let cleaned = cleaner.clean(text, "example.com");
//! assert_eq!(cleaned.text, "Headline\n\nBody.\n");
//! let why = cleaner.explain(text, &cleaned); // rule id, byte and character offsets
//! assert_eq!(why[0].rule, "en.cookie-notice");
//!
//! let story = "The harbour bridge will close for six weeks from March \
//!              while engineers replace its bearings, the council said.";
//! let mut dedup = Deduper::new(DedupSettings::default().resolve(Preset::Cleaned)?);
//! dedup.push_batch(&[("a", story), ("b", "Unrelated news."), ("c", story)]);
//! let found = dedup.finish(); // clusters, with each member's similarity
//! assert_eq!(found.clusters.len(), 1);
//! assert_eq!(found.dup_of(2), Some("a"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod clean;
pub mod cluster;
pub mod dedup;
pub mod diff;
pub mod error;
pub mod examples;
pub mod extract;
pub mod hash;
pub mod learn;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod page;
pub mod rules;
pub mod why;

pub use clean::{CleanOptions, Cleaned, Cleaner};
pub use dedup::{DedupOptions, DedupSettings, Deduper, Deduplication};
pub use error::{Error, Result};
pub use learn::{LearnOptions, Learned, learn};
pub use rules::{RuleSet, RuleSource, Toggles};

/// Sorts `v[start..]` and drops its repeats, leaving `v[..start]` as it is
/// (several sorted runs kept in one buffer, one per page or site).
pub(crate) fn sort_dedup_from<T: Ord + Copy>(v: &mut Vec<T>, start: usize) {
    v[start..].sort_unstable();
    let mut kept = start;
    for r in start..v.len() {
        if kept == start || v[r] != v[kept - 1] {
            v[kept] = v[r];
            kept += 1;
        }
    }
    v.truncate(kept);
}

/// Asks the CPU to fetch the cache line holding `t` (a hint: no effect on
/// results, and none off x86-64).
#[inline(always)]
pub(crate) fn prefetch<T>(t: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((t as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = t;
}

/// Buffers kept per thread for the next document up to this size.
pub(crate) const KEEP_SCRATCH_BYTES: usize = 8 << 20;

/// Frees `v` when an outsized document grew it past
/// [`KEEP_SCRATCH_BYTES`]: a per-thread buffer would hold that size for the
/// rest of the run.
pub(crate) fn give_back<T>(v: &mut Vec<T>) {
    if v.capacity() * std::mem::size_of::<T>() > KEEP_SCRATCH_BYTES {
        *v = Vec::new();
    }
}

/// `n` and `noun`, plural unless `n` is 1: "1 page", "2 pages".
pub(crate) fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
