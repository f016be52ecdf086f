//! Arbitrary bytes as a rule file: compiling must give `Ok` or `Err`, never
//! panic, and finish quickly (libFuzzer's `-timeout` catches a slow one).
//! When it compiles, its examples run and a fixed text is cleaned with it,
//! so odd but valid rules also go through the matchers.
#![no_main]

use deboil_core::Cleaner;
use deboil_core::examples::run_examples;
use deboil_core::rules::{RuleSet, RuleSource, Toggles};
use libfuzzer_sys::fuzz_target;

const TEXT: &str =
    "Title\n\nSome body text, 2024-05-01.\n\nWe use cookies.\nShare this\n\nRelated\nx\n";

fuzz_target!(|data: &[u8]| {
    // Rule files are read as UTF-8 text; other bytes never reach the parser.
    let text = String::from_utf8_lossy(data);
    let sources = [RuleSource::new("fuzz.toml", text.as_ref())];
    let toggles = Toggles {
        enable: vec!["*".into()],
        disable: vec![],
    };
    let Ok(rules) = RuleSet::compile(&sources, &toggles) else {
        return;
    };
    let cleaner = Cleaner::with_rules(rules);
    let _ = run_examples(&cleaner);
    for site in ["", "example.com", "a.b.example.org"] {
        let out = cleaner.clean(TEXT, site);
        let _ = cleaner.explain(TEXT, &out);
    }
});
