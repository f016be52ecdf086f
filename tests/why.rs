//! `deboil why`: how alike two documents are, and the passages they share.

mod common;

use common::{assert_fails_with, deboil, stderr, stdout};

#[test]
fn why_shows_similarity_and_shared_passages() {
    let o = deboil()
        .args([
            "why",
            "001_db30c925d4b12c96",
            "002_edae168d99fdab03",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // Uncleaned, the two articles share the site's recruitment blurb.
    assert!(out.contains("sucht lokale Experten"), "{out}");
    assert!(out.contains("exact Jaccard of word:5 shingles"));
    let o = deboil()
        .args([
            "why",
            "--clean",
            "001_db30c925d4b12c96",
            "002_edae168d99fdab03",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert!(
        !stdout(&o).contains("sucht lokale Experten"),
        "{}",
        stdout(&o)
    );
    let o = deboil()
        .args([
            "why",
            "nope",
            "001_db30c925d4b12c96",
            "fixtures/seeds.jsonl",
        ])
        .output()
        .unwrap();
    assert_fails_with(&o, "no document with id nope");
}
