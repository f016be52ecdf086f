//! `--enable`/`--disable` globs that match no rule: a typo
//! (`--disable en.cookie-notce`) would switch nothing and say nothing, so
//! every command that cleans warns, naming the flag and the glob.

mod common;

use common::{deboil, fixtures, stderr};

#[test]
fn a_toggle_that_matches_no_rule_is_warned_about() {
    let input = fixtures().join("seeds.jsonl");
    for cmd in [
        &["clean", "-o", "-"][..],
        &["run", "-o", "-"],
        &["check"],
        &["report", "--output-format", "json"],
    ] {
        let o = deboil()
            .args(cmd)
            .args(["-q", "--disable", "en.cookie-notce", "--enable", "en.*"])
            .arg(&input)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert!(
            err.contains("deboil: warning: --disable en.cookie-notce matches no rule"),
            "{cmd:?}: {err}"
        );
        // A glob that matches is not named.
        assert!(!err.contains("--enable en.*"), "{cmd:?}: {err}");
    }
    let o = deboil()
        .args(["why", "--clean", "--enable", "nope.*"])
        .args(["001_db30c925d4b12c96", "002_edae168d99fdab03"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("deboil: warning: --enable nope.* matches no rule"),
        "{}",
        stderr(&o)
    );
}
