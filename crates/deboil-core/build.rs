//! Finds the literal triggers of the default rule files' regexes
//! (`rules/*.toml`, the files `src/rules/embedded.rs` builds in) with the
//! library's own analysis (`src/rules/prefilter.rs`, compiled into this
//! script too) and writes them into the library (`src/rules/prebuilt.rs`).
//! At run time that analysis parsed every pattern with `regex_syntax`,
//! ~200 M instructions of every start-up; the triggers are a function of
//! the pattern alone, so a table by pattern gives the same answer.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

// Only `triggers` and what it needs (the key's letter folding) are used
// here; `normalize` needs its own dependencies to compile.
#[allow(dead_code)]
#[path = "src/normalize.rs"]
mod normalize;
#[allow(dead_code)]
#[path = "src/rules/prefilter.rs"]
mod prefilter;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo");
    let rules = Path::new(&manifest).join("../../rules");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/rules/prefilter.rs");
    println!("cargo:rerun-if-changed=src/normalize.rs");
    // A directory: cargo looks at every file under it.
    println!("cargo:rerun-if-changed={}", rules.display());
    let mut patterns = BTreeSet::new();
    let mut files: Vec<_> = std::fs::read_dir(&rules)
        .expect("the rules directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a rule file");
        // A file that does not parse is left to the library's own error;
        // its patterns are analysed at run time.
        let Ok(table) = text.parse::<toml::Table>() else {
            continue;
        };
        let rules = table.get("rule").and_then(|r| r.as_array());
        for rule in rules.into_iter().flatten() {
            let regexes = rule.get("regex").and_then(|r| r.as_array());
            for re in regexes.into_iter().flatten().filter_map(|r| r.as_str()) {
                patterns.insert(re.to_string());
            }
        }
    }
    // Sorted by pattern (a `BTreeSet` of `String` is in byte order), for a
    // binary search.
    let mut out = String::from("pub(super) static TRIGGERS: &[Entry] = &[\n");
    for p in &patterns {
        match prefilter::triggers(p) {
            None => writeln!(out, "    ({p:?}, None),").unwrap(),
            Some(ts) => {
                writeln!(out, "    ({p:?}, Some(&[").unwrap();
                for t in ts {
                    let (b, a) = (t.before.bits(), t.after.bits());
                    writeln!(out, "        ({:?}, {b:?}, {a:?}),", t.text).unwrap();
                }
                writeln!(out, "    ])),").unwrap();
            }
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("set by cargo")).join("triggers.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
