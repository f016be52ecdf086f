//! Clusters do not depend on the order documents come in, bar which member
//! represents them: the same corpus, shuffled, gives the same clusters as
//! sets of ids, and as many documents dropped. (This holds while no LSH
//! bucket holds more documents than `max_per_bucket`, 64: past that cap,
//! which earlier documents become candidates depends on the order.)

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::minhash::Shingling;

/// Sixty words of random consonant-vowel syllables, by seed.
fn base(seed: u64) -> Vec<String> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n) as usize
    };
    (0..60)
        .map(|_| {
            (0..2 + next(3))
                .map(|_| {
                    let c = b"bdfgklmnprstvz"[next(14)] as char;
                    let v = b"aeiou"[next(5)] as char;
                    format!("{c}{v}")
                })
                .collect()
        })
        .collect()
}

/// Documents drawn from four bases, each cut, edited or copied exactly, so
/// that a corpus holds exact copies, near copies and strangers.
fn corpus() -> impl Strategy<Value = Vec<String>> {
    let doc = (0u64..4, 0usize..7, 0usize..60, 20usize..60);
    prop::collection::vec(doc, 2..=14).prop_map(|docs| {
        docs.into_iter()
            .map(|(b, edit, at, len)| {
                let mut words = base(b);
                words.truncate(len);
                let at = at % words.len();
                match edit {
                    0 | 1 => {}
                    2 => {
                        words.remove(at);
                    }
                    3 => words[at] = "zzyzx".into(),
                    4 => words.insert(at, "inserted words here".into()),
                    5 => words.truncate(words.len() * 2 / 3),
                    _ => words = words.iter().map(|w| w.to_uppercase()).collect(),
                }
                words.join(" ")
            })
            .collect()
    })
}

/// Settings drawn from what changes how pairs are found and verified.
fn settings() -> impl Strategy<Value = DedupSettings> {
    (any::<bool>(), 1usize..6, any::<bool>(), any::<bool>()).prop_map(
        |(words, n, containment, exact)| DedupSettings {
            shingle: if words {
                Shingling::Words(n)
            } else {
                Shingling::Chars(n + 2)
            },
            measure: Some(if containment {
                Measure::Containment
            } else {
                Measure::Jaccard
            }),
            verify: if exact {
                Verify::Exact
            } else {
                Verify::Signature
            },
            ..DedupSettings::default()
        },
    )
}

/// Clusters as sets of ids, and the number of documents dropped.
fn outcome(opts: &DedupOptions, docs: &[(usize, &str)]) -> (BTreeSet<BTreeSet<usize>>, u64) {
    let mut d = Deduper::new(opts.clone());
    for (id, text) in docs {
        d.push(&id.to_string(), text);
    }
    let found = d.finish();
    let clusters = found
        .clusters
        .iter()
        .map(|c| {
            c.members
                .iter()
                .map(|m| found.id(m.doc).parse().unwrap())
                .collect()
        })
        .collect();
    (
        clusters,
        found.stats.exact_dropped + found.stats.near_dropped,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn clusters_do_not_depend_on_input_order(
        (texts, order) in corpus().prop_flat_map(|t| {
            let n = t.len();
            (Just(t), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
        settings in settings(),
        cleaned in any::<bool>(),
    ) {
        let preset = if cleaned { Preset::Cleaned } else { Preset::Raw };
        let opts = settings.resolve(preset).unwrap();
        let docs: Vec<(usize, &str)> = texts.iter().map(String::as_str).enumerate().collect();
        let shuffled: Vec<(usize, &str)> = order.iter().map(|&i| docs[i]).collect();
        let (want, dropped) = outcome(&opts, &docs);
        let (got, got_dropped) = outcome(&opts, &shuffled);
        prop_assert_eq!(got, want);
        prop_assert_eq!(got_dropped, dropped);
    }
}

/// What a run decides, bar the memory figures.
fn decided(found: &Deduplication) -> (Vec<Cluster>, DedupStats, Vec<bool>, Option<IndexedDocs>) {
    let mut stats = found.stats.clone();
    stats.memory = MemoryUse::default();
    let kept = (0..found.len()).map(|i| found.is_kept(i)).collect();
    (found.clusters.clone(), stats, kept, found.kept_index())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The dedup job signs some documents at once and the rest later, in an
    /// order that depends on timing: the decisions must not.
    #[test]
    fn signatures_in_any_order_decide_as_in_input_order(
        (texts, order) in corpus().prop_flat_map(|t| {
            let n = t.len();
            (Just(t), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        }),
        at_once in prop::collection::vec(any::<bool>(), 14),
        settings in settings(),
        longest in any::<bool>(),
    ) {
        let mut opts = settings.resolve(Preset::Raw).unwrap();
        if longest {
            opts.keep = Keep::Longest;
        }
        let signed: Vec<Signed> = texts.iter().map(|t| opts.sign(t)).collect();
        let text_of = |i: usize| Ok::<_, ()>(texts[i].clone());
        let mut in_order = Deduper::new(opts.clone()).collect_index();
        for (i, s) in signed.iter().enumerate() {
            in_order.insert(&format!("d{i}"), s.clone(), None);
        }
        let want = decided(&in_order.finish_with_texts(text_of).unwrap());
        let mut any_order = Deduper::new(opts.clone()).collect_index();
        for (i, s) in signed.iter().enumerate() {
            if at_once[i] {
                any_order.insert(&format!("d{i}"), s.clone(), None);
            } else {
                any_order.insert_facts(&format!("d{i}"), s.exact, s.chars, None);
            }
        }
        for &i in order.iter().filter(|&&i| !at_once[i]) {
            any_order.insert_signature_of(i, &signed[i]);
        }
        let got = decided(&any_order.finish_with_texts(text_of).unwrap());
        prop_assert_eq!(got, want);
    }
}
