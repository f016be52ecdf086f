//! Arbitrary bytes as the files of a saved index: loading must give `Ok` or
//! `Err`, never panic, and never allocate by what a header claims (an
//! `index.json` saying 10^12 documents must not reserve room for them;
//! libFuzzer's `-malloc_limit_mb` reports one that does). An index that
//! loads is handed to a deduplicator, which must not panic either.
//!
//! Layout: one control byte, then the files' bytes separated by `--8<--`, in
//! the order index.json, ids.jsonl, exact.bin, signatures.bin. Control bits
//! 0-3 leave a file out; bit 4 makes the run expect the parameters the
//! index.json states (so the fuzzer gets past the parameter check without
//! guessing them), else the defaults.
#![no_main]

use std::sync::OnceLock;

use deboil_core::dedup::{DedupOptions, Deduper};
use deboil_io::index::{self, IndexMeta};
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 4] = ["index.json", "ids.jsonl", "exact.bin", "signatures.bin"];
const SEP: &[u8] = b"--8<--";

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fn split(mut data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    while parts.len() < FILES.len() - 1 {
        match data.windows(SEP.len()).position(|w| w == SEP) {
            Some(p) => {
                parts.push(&data[..p]);
                data = &data[p + SEP.len()..];
            }
            None => break,
        }
    }
    parts.push(data);
    parts
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    let dir = dir().path();
    let parts = split(rest);
    for (i, name) in FILES.iter().enumerate() {
        let path = dir.join(name);
        match parts.get(i) {
            Some(bytes) if ctl & (1 << i) == 0 => std::fs::write(&path, bytes).unwrap(),
            _ => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    let defaults = DedupOptions::default();
    let mut expected = IndexMeta::for_options(&defaults, 0);
    let mut own = false;
    if ctl & 16 != 0
        && let Some(m) = parts
            .first()
            .and_then(|j| serde_json::from_slice::<IndexMeta>(j).ok())
    {
        own = m
            != IndexMeta {
                docs: m.docs,
                ..expected.clone()
            };
        expected = m;
    }
    let Ok(idx) = index::load(dir, &expected) else {
        return;
    };
    assert_eq!(idx.ids.len(), idx.exact.len());
    assert_eq!(idx.ids.len(), idx.sigs.len());
    assert!(idx.sigs.iter().all(|s| s.values.len() == expected.num_perm));
    if !own {
        // The defaults' parameters: the index can be deduplicated against.
        let mut d = Deduper::against(defaults, idx);
        d.push("new-1", "Some text that may or may not be in the index.");
        d.push("new-2", "Some text that may or may not be in the index!");
        let found = d.finish();
        assert_eq!(found.len(), found.prior() + 2);
    }
});
