//! A small corpus (at most 16 documents) deduplicated with options drawn
//! from the input. Checks that the result is consistent: clusters of two or
//! more distinct members in order, holding their representative, each
//! document in at most one; `is_kept`, `dup_of` and `cluster_of` agree; the
//! dropped counts add up to the documents not kept; documents with the same
//! normalised text share a cluster; and the clusters, as sets of ids, do not
//! depend on batches or on the order of the documents.
//!
//! Layout: four bytes of options, then documents separated by 0xFF. A
//! document starting with 0x01 and a byte `k` is a copy of an earlier
//! document (`k` modulo their number) followed by the rest, so near and
//! exact copies are common.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};

use deboil_core::dedup::{DedupSettings, Deduper, Deduplication, Keep, Measure, Preset, Verify};
use deboil_core::minhash::{Scheme, Shingling};
use deboil_core::normalize;
use libfuzzer_sys::fuzz_target;

fn settings(o: [u8; 4]) -> DedupSettings {
    let n = 1 + usize::from(o[0] >> 1) % 8;
    DedupSettings {
        shingle: if o[0] & 1 == 0 {
            Shingling::Words(n)
        } else {
            Shingling::Chars(n)
        },
        num_perm: 8 * (1 + usize::from(o[3]) % 16),
        scheme: if o[1] & 16 == 0 {
            Scheme::Oph
        } else {
            Scheme::Classic
        },
        threshold: Some(0.05 + 0.95 * f64::from(o[2]) / 255.0),
        measure: Some(if o[1] & 1 == 0 {
            Measure::Jaccard
        } else {
            Measure::Containment
        }),
        min_jaccard: None,
        bands: None,
        keep: match (o[1] >> 2) & 3 {
            0 | 3 => Keep::First,
            1 => Keep::Longest,
            _ => Keep::Newest("date".into()),
        },
        verify: if o[1] & 2 == 0 {
            Verify::Signature
        } else {
            Verify::Exact
        },
    }
}

fn docs(body: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in body.split(|&b| b == 0xFF).take(16) {
        let text = match piece {
            [1, k, rest @ ..] if !out.is_empty() => {
                let base = &out[usize::from(*k) % out.len()];
                format!("{base}{}", String::from_utf8_lossy(rest))
            }
            _ => String::from_utf8_lossy(piece).into_owned(),
        };
        out.push(text);
    }
    out
}

/// Runs the documents in the order `order` (indices into `texts`).
fn run(s: &DedupSettings, texts: &[String], order: &[usize]) -> Deduplication {
    let opts = s.resolve(Preset::Raw).expect("the settings fit together");
    let mut d = Deduper::new(opts);
    for &i in order {
        let newest = texts[i].get(..texts[i].len().min(3));
        d.push_with(&i.to_string(), &texts[i], newest.filter(|n| !n.is_empty()));
    }
    d.finish()
}

/// Clusters as sets of ids (the documents' places in `texts`).
fn clusters(found: &Deduplication) -> BTreeSet<BTreeSet<usize>> {
    found
        .clusters
        .iter()
        .map(|c| {
            c.members
                .iter()
                .map(|m| found.id(m.doc).parse().unwrap())
                .collect()
        })
        .collect()
}

/// `texts` in the order they were pushed.
fn check(found: &Deduplication, texts: &[String]) {
    let n = texts.len();
    assert_eq!(found.len(), n);
    assert_eq!(found.stats.clusters, found.clusters.len() as u64);
    let mut owner = vec![None; n];
    for (ci, c) in found.clusters.iter().enumerate() {
        assert!(c.members.len() >= 2, "a cluster of one");
        assert!(
            c.members.windows(2).all(|w| w[0].doc < w[1].doc),
            "members out of order"
        );
        assert!(c.members.iter().any(|m| m.doc == c.representative));
        for m in &c.members {
            assert!(
                owner[m.doc].replace(ci).is_none(),
                "document {} in two clusters",
                m.doc
            );
            assert!((0.0..=1.0).contains(&m.similarity), "{}", m.similarity);
        }
    }
    let mut kept = 0;
    for (i, own) in owner.iter().enumerate() {
        let c = found.cluster_of(i);
        assert_eq!(
            c.map(|c| c as *const _),
            own.map(|ci| &found.clusters[ci] as *const _)
        );
        let is_rep = c.is_none_or(|c| c.representative == i);
        assert_eq!(found.is_kept(i), is_rep);
        assert_eq!(
            found.dup_of(i),
            c.filter(|c| c.representative != i)
                .map(|c| found.id(c.representative))
        );
        assert_eq!(found.cluster_size(i), c.map_or(1, |c| c.members.len()));
        kept += usize::from(is_rep);
    }
    assert_eq!(
        (found.stats.exact_dropped + found.stats.near_dropped) as usize,
        n - kept,
        "{:?}",
        found.stats
    );
    // Exact copies (same normalised text) always end up together.
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for (doc, t) in texts.iter().enumerate() {
        if let Some(&first) = by_key.get(&normalize::key(t)) {
            assert!(
                owner[doc].is_some() && owner[doc] == owner[first],
                "exact copies {first} and {doc} apart"
            );
        } else {
            by_key.insert(normalize::key(t), doc);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((o, body)) = data.split_first_chunk::<4>() else {
        return;
    };
    let s = settings(*o);
    let texts = docs(body);
    let n = texts.len();
    let order: Vec<usize> = (0..n).collect();
    let found = run(&s, &texts, &order);
    check(&found, &texts);

    // Batches: the same decisions.
    let opts = s.resolve(Preset::Raw).unwrap();
    let mut d = Deduper::new(opts);
    let pairs: Vec<(String, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (i.to_string(), t.as_str()))
        .collect();
    let half = n / 2;
    d.push_batch(&pairs[..half]);
    d.push_batch(&pairs[half..]);
    if s.keep == Keep::First || s.keep == Keep::Longest {
        let batched = d.finish();
        assert_eq!(batched.clusters, found.clusters);
    }

    // Other orders: the same clusters as sets of documents.
    let want = clusters(&found);
    let reversed: Vec<usize> = (0..n).rev().collect();
    let rotated: Vec<usize> = (0..n).map(|i| (i + n / 3) % n.max(1)).collect();
    for order in [reversed, rotated] {
        let other = run(&s, &texts, &order);
        check(&other, &pushed(&texts, &order));
        assert_eq!(clusters(&other), want, "order {order:?}");
    }
});

/// The texts in the order `order` pushes them.
fn pushed(texts: &[String], order: &[usize]) -> Vec<String> {
    order.iter().map(|&i| texts[i].clone()).collect()
}
