//! The deduplicator's decisions, tested on the library directly: exact and
//! near copies, the keep policies, containment and its Jaccard floor, exact
//! verification, saved indexes, and independence from threads and batches.

use proptest::prelude::*;

use super::*;
use crate::lsh::Params;
use crate::minhash::Shingling;

/// A deterministic pseudo-random text of `sentences` sentences: words of
/// random letters (consonant, vowel, ...), so texts of different seeds share
/// next to no character 7-grams.
fn text(seed: u64, sentences: usize) -> String {
    const C: &[u8] = b"bcdfghjklmnprstvwz";
    const V: &[u8] = b"aeiou";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let mut out = String::new();
    for s in 0..sentences {
        if s > 0 {
            out.push(' ');
        }
        let words = 8 + next(7);
        for w in 0..words {
            if w > 0 {
                out.push(' ');
            }
            let len = 3 + next(7);
            for i in 0..len {
                let set = if i % 2 == 0 { C } else { V };
                let mut c = set[next(set.len())] as char;
                if w == 0 && i == 0 {
                    c = c.to_ascii_uppercase();
                }
                out.push(c);
            }
        }
        out.push('.');
    }
    out
}

fn opts(f: impl FnOnce(&mut DedupSettings)) -> DedupOptions {
    let mut s = DedupSettings::default();
    f(&mut s);
    s.resolve(Preset::Raw).unwrap()
}

fn dedup(o: &DedupOptions, docs: &[&str]) -> Deduplication {
    let mut d = Deduper::new(o.clone());
    for (i, t) in docs.iter().enumerate() {
        d.push(&format!("d{i}"), t);
    }
    d.finish()
}

/// The cluster (as member indices) holding `doc`.
fn members_of(found: &Deduplication, doc: usize) -> Vec<usize> {
    found
        .cluster_of(doc)
        .map_or(vec![doc], |c| c.members.iter().map(|m| m.doc).collect())
}

#[test]
fn exact_copies_form_an_exact_cluster_kept_out_of_lsh() {
    let a = text(1, 12);
    let copy = format!("  {}\n\n", a.to_uppercase().replace(' ', " \t "));
    assert_ne!(a, copy);
    let near = format!("{a} Updated at noon.");
    let o = DedupOptions::default();

    let found = dedup(&o, &[&a, &text(2, 12), &copy]);
    assert_eq!(found.clusters.len(), 1);
    let c = &found.clusters[0];
    assert!(c.exact);
    assert_eq!(c.representative, 0);
    assert_eq!(c.members.iter().map(|m| m.doc).collect::<Vec<_>>(), [0, 2]);
    assert!(c.members.iter().all(|m| m.similarity == 1.0));
    assert_eq!(found.dup_of(2), Some("d0"));
    assert_eq!(found.stats.exact_dropped, 1);
    assert_eq!(found.stats.near_dropped, 0);
    // The copy added no candidate pair: it never met the LSH index.
    let without_copy = dedup(&o, &[&a, &text(2, 12)]);
    assert_eq!(found.stats.candidates, without_copy.stats.candidates);
    // Nor is it a candidate for later documents: the near copy meets `a` only.
    let found = dedup(&o, &[&a, &copy, &near]);
    assert_eq!(found.stats.candidates, 1);
    assert_eq!(members_of(&found, 2), [0, 1, 2]);
}

#[test]
fn a_near_copy_joins_and_an_unrelated_text_does_not() {
    let a = text(3, 12);
    let near = format!("{a} Updated at noon with a correction.");
    let found = dedup(&DedupOptions::default(), &[&a, &text(4, 12), &near]);
    assert_eq!(found.clusters.len(), 1);
    let c = &found.clusters[0];
    assert!(!c.exact);
    assert_eq!(members_of(&found, 2), [0, 2]);
    let sim = c.members[1].similarity;
    assert!((0.5..1.0).contains(&sim), "{sim}");
    assert!(found.is_kept(0) && found.is_kept(1) && !found.is_kept(2));
    assert_eq!(found.dup_of(1), None);
    assert_eq!(found.cluster_size(1), 1);
    assert_eq!(found.cluster_size(2), 2);
    assert_eq!(found.stats.near_dropped, 1);
}

#[test]
fn keep_first_and_longest_pick_the_representative() {
    let base = text(5, 10);
    let docs = [
        base.clone(),
        format!("{base} Alpha."),
        format!("{base} Gamma."),
    ];
    let docs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let first = dedup(&DedupOptions::default(), &docs);
    assert_eq!(first.clusters.len(), 1);
    assert_eq!(first.clusters[0].representative, 0);
    // Docs 1 and 2 are equally long and longer than 0: the first of them.
    let longest = dedup(&opts(|s| s.keep = Keep::Longest), &docs);
    assert_eq!(longest.clusters.len(), 1);
    assert_eq!(longest.clusters[0].representative, 1);
    assert_eq!(longest.dup_of(0), Some("d1"));
    assert_eq!(longest.dup_of(2), Some("d1"));
    assert!(longest.is_kept(1));
}

#[test]
fn keep_newest_takes_the_greatest_value_and_missing_values_lose() {
    let o = opts(|s| s.keep = Keep::Newest("date".into()));
    let (a, b) = (text(6, 10), text(7, 10));
    let mut d = Deduper::new(o);
    d.push_with("a0", &a, Some("2024-01-02"));
    d.push_with("a1", &format!("{a} One."), None);
    d.push_with("a2", &format!("{a} Two."), Some("2024-03-01"));
    d.push_with("a3", &format!("{a} Six."), Some("2024-03-01"));
    // A missing value loses even to an old one; all missing: the first.
    d.push_with("b0", &b, None);
    d.push_with("b1", &format!("{b} One."), Some("1999-12-31"));
    let c = text(8, 10);
    d.push_with("c0", &c, None);
    d.push_with("c1", &format!("{c} One."), None);
    let found = d.finish();
    assert_eq!(found.clusters.len(), 3);
    let reps: Vec<&str> = found
        .clusters
        .iter()
        .map(|c| found.id(c.representative))
        .collect();
    assert_eq!(reps, ["a2", "b1", "c0"]);
    assert_eq!(found.dup_of(3), Some("a2"));
    assert_eq!(found.dup_of(4), Some("b1"));
}

#[test]
fn containment_admits_an_abridged_copy_that_jaccard_refuses() {
    let long = text(9, 40);
    let cut = long[..long.len() / 2].rfind(". ").unwrap() + 1;
    let half = &long[..cut];
    let containment = opts(|s| {
        s.measure = Some(Measure::Containment);
        s.threshold = Some(0.7);
    });
    let jaccard = opts(|s| {
        s.measure = Some(Measure::Jaccard);
        s.threshold = Some(0.7);
    });
    // Exact figures: all of the half is in the long text, about half of it
    // is the half.
    let (sh, sl) = (
        containment.shingle_set(half),
        containment.shingle_set(&long),
    );
    assert_eq!(containment.set_similarity(&sh, &sl), 1.0);
    let j = jaccard.set_similarity(&sh, &sl);
    assert!((0.4..0.6).contains(&j), "{j}");

    let found = dedup(&containment, &[&long, half]);
    assert_eq!(found.dup_of(1), Some("d0"));
    assert!(found.clusters[0].members[1].similarity >= 0.7);
    assert!(dedup(&jaccard, &[&long, half]).clusters.is_empty());
}

#[test]
fn min_jaccard_stops_a_short_text_sharing_one_sentence() {
    let long = text(10, 30);
    let sentence = long.split(". ").nth(3).unwrap();
    let short = format!("{sentence}.");
    // 128 bands of one row: nearly any pair is a candidate, so only the
    // verification decides; exact verification, so the figures are exact.
    let with_floor = |min_jaccard: f64| {
        opts(|s| {
            s.measure = Some(Measure::Containment);
            s.threshold = Some(0.7);
            s.min_jaccard = Some(min_jaccard);
            s.bands = Some(Params {
                bands: 128,
                rows: 1,
            });
            s.verify = Verify::Exact;
        })
    };
    let floor = with_floor(0.4);
    let (ss, sl) = (floor.shingle_set(&short), floor.shingle_set(&long));
    let inter = ss.iter().filter(|h| sl.binary_search(h).is_ok()).count();
    assert_eq!(inter, ss.len(), "the sentence is all in the long text");
    let j = inter as f64 / (ss.len() + sl.len() - inter) as f64;
    assert!(j < 0.1, "{j}");

    let found = dedup(&floor, &[&long, &short]);
    assert_eq!(found.stats.candidates, 1);
    assert_eq!(found.stats.verified, 0);
    assert!(found.clusters.is_empty());
    // Without the floor (below this pair's Jaccard) containment joins them.
    let found = dedup(&with_floor(j / 2.0), &[&long, &short]);
    assert_eq!(found.dup_of(1), Some("d0"));
    assert_eq!(found.clusters[0].members[1].similarity, 1.0);
}

/// `n` distinct one-word tokens of family `tag`.
fn tokens(tag: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{tag}q{i}")).collect()
}

#[test]
fn exact_verification_refuses_a_pair_just_below_the_threshold() {
    let settings = |verify| {
        opts(|s| {
            s.shingle = Shingling::Words(1);
            s.threshold = Some(0.8);
            s.verify = verify;
        })
    };
    let (sig, exact) = (settings(Verify::Signature), settings(Verify::Exact));
    // 100 distinct words; the copy keeps 88 of them and adds 12: exact
    // Jaccard 88 / 112, just below 0.8. Look for word sets whose signature
    // estimate passes 0.8 anyway (the estimate's error is about 0.04).
    let want = 88.0 / 112.0;
    let found = (0..500).find_map(|seed| {
        let tag = format!("s{seed}x");
        let a = tokens(&tag, 0..100).join(" ");
        let b = [tokens(&tag, 0..88), tokens(&tag, 1000..1012)]
            .concat()
            .join(" ");
        let j = exact.set_similarity(&exact.shingle_set(&a), &exact.shingle_set(&b));
        assert_eq!(j, want);
        let by_sig = dedup(&sig, &[&a, &b]);
        (by_sig.dup_of(1) == Some("d0")).then_some((a, b, by_sig))
    });
    let (a, b, by_sig) = found.expect("some seed's estimate passes 0.8");
    assert!(by_sig.clusters[0].members[1].similarity >= 0.8);
    assert!(want < 0.8);
    let by_text = dedup(&exact, &[&a, &b]);
    assert_eq!(by_text.stats.candidates, 1);
    assert_eq!(by_text.stats.verified, 0);
    assert!(by_text.clusters.is_empty());
}

#[test]
fn clusters_do_not_chain_through_a_middle_document() {
    // A chain of word windows, each sharing 75 of 100 words with the next
    // (Jaccard 0.6) and less and less with the ones further on; verified
    // pairs connect all five, but no cluster may hold two documents further
    // apart than two steps of the threshold.
    let o = opts(|s| {
        s.shingle = Shingling::Words(1);
        s.threshold = Some(0.55);
        s.verify = Verify::Exact;
        s.bands = Some(Params {
            bands: 128,
            rows: 1,
        });
    });
    let docs: Vec<String> = (0..5)
        .map(|k| tokens("chain", 25 * k..25 * k + 100).join(" "))
        .collect();
    let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let found = dedup(&o, &refs);
    let jaccard =
        |a: usize, b: usize| o.set_similarity(&o.shingle_set(&docs[a]), &o.shingle_set(&docs[b]));
    assert_eq!(jaccard(0, 1), 0.6);
    assert!(found.stats.verified >= 4, "{:?}", found.stats);
    assert!(!found.clusters.is_empty());
    for c in &found.clusters {
        assert!(c.members.len() < 5);
        for x in &c.members {
            // The reported similarity is the true one, to the representative.
            assert_eq!(x.similarity, jaccard(x.doc, c.representative));
            for y in &c.members {
                // Jaccard distance is a metric: within 2 (1 - t) of each other.
                assert!(jaccard(x.doc, y.doc) >= 2.0 * 0.55 - 1.0);
            }
        }
    }
    // Clusters depend on content, not on the order documents came in.
    let sets = |f: &Deduplication, ids: &dyn Fn(usize) -> usize| {
        let mut v: Vec<Vec<usize>> = f
            .clusters
            .iter()
            .map(|c| {
                let mut m: Vec<usize> = c.members.iter().map(|m| ids(m.doc)).collect();
                m.sort();
                m
            })
            .collect();
        v.sort();
        v
    };
    let reversed: Vec<&str> = refs.iter().rev().copied().collect();
    let back = dedup(&o, &reversed);
    assert_eq!(sets(&found, &|d| d), sets(&back, &|d| 4 - d));
}

#[test]
fn exact_verification_gives_exact_member_similarities() {
    let o = opts(|s| {
        s.shingle = Shingling::Words(1);
        s.threshold = Some(0.8);
        s.verify = Verify::Exact;
    });
    let a = tokens("m", 0..100).join(" ");
    let b = [tokens("m", 0..95), tokens("m", 500..505)]
        .concat()
        .join(" ");
    let c = tokens("other", 0..100).join(" ");
    // Through push (texts held) and push_batch alike.
    let pushed = dedup(&o, &[&a, &c, &b]);
    let mut d = Deduper::new(o.clone());
    d.push_batch(&[("d0", &a), ("d1", &c), ("d2", &b)]);
    let batched = d.finish();
    for found in [pushed, batched] {
        assert_eq!(found.dup_of(2), Some("d0"));
        let m = found.clusters[0].members[1];
        assert_eq!((m.doc, m.similarity), (2, 95.0 / 105.0));
    }
}

#[test]
fn against_an_index_drops_new_copies_and_extends_the_index() {
    let o = opts(|s| s.keep = Keep::Longest);
    let (x, y, z) = (text(20, 12), text(21, 12), text(22, 12));
    let mut first = Deduper::new(o.clone()).collect_index();
    first.push("x", &x);
    first.push("y", &y);
    let index = first.finish().kept_index().unwrap();
    assert_eq!(index.ids, ["x", "y"]);
    assert!(Deduper::new(o.clone()).finish().kept_index().is_none());

    let mut d = Deduper::against(o.clone(), index.clone()).collect_index();
    // Longer than `x`, yet `x` is kept: an indexed document always is.
    d.push("x-near", &format!("{x} A longer, updated version of it."));
    d.push("z", &z);
    d.push("z-copy", &z.to_lowercase());
    d.push("y-copy", &y);
    let found = d.finish();
    assert_eq!(found.prior(), 2);
    assert_eq!(found.len(), 6);
    assert_eq!(found.dup_of(2), Some("x"));
    assert_eq!(found.dup_of(4), Some("z"));
    assert_eq!(found.dup_of(5), Some("y"));
    assert!(found.is_kept(3));
    assert_eq!(found.clusters.len(), 3);
    assert_eq!(found.stats.exact_dropped + found.stats.near_dropped, 3);
    let kept = found.kept_index().unwrap();
    assert_eq!(kept.ids, ["x", "y", "z"]);
    assert_eq!(kept.sigs[..2], index.sigs[..]);
    let signed = o.sign(&z);
    assert_eq!(
        (kept.exact[2], &kept.sigs[2]),
        (signed.exact, &signed.signature)
    );

    // The extended index catches a copy of the new document next time.
    let mut again = Deduper::against(o, kept);
    again.push("z-again", &format!("{z} "));
    assert_eq!(again.finish().dup_of(3), Some("z"));
}

#[test]
fn clusters_of_indexed_documents_alone_are_not_reported() {
    let o = DedupOptions::default();
    let x = text(23, 12);
    let near = format!("{x} Updated.");
    let mut index = IndexedDocs::default();
    for (id, t) in [("x", &x), ("x-copy", &x), ("x-near", &near)] {
        let s = o.sign(t);
        index.ids.push(id.into());
        index.exact.push(s.exact);
        index.sigs.push(s.signature);
    }
    let mut d = Deduper::against(o, index);
    d.push("new", &text(24, 12));
    let found = d.finish();
    assert!(found.clusters.is_empty());
    assert_eq!(found.stats.clusters, 0);
    assert!((0..4).all(|i| found.is_kept(i)));
}

/// Clusters and stats, less the memory figures (capacities differ by path).
#[test]
fn an_exact_copy_in_a_mixed_cluster_counts_as_exact() {
    let a = text(11, 12);
    let found = dedup(
        &DedupOptions::default(),
        &[&a, &a.to_uppercase(), &format!("{a} Updated.")],
    );
    assert_eq!(found.clusters.len(), 1);
    assert!(!found.clusters[0].exact);
    assert_eq!(
        (found.stats.exact_dropped, found.stats.near_dropped),
        (1, 1)
    );
}

#[test]
fn inserted_documents_are_verified_with_the_callers_texts() {
    let o = opts(|s| s.verify = Verify::Exact);
    let (a, b) = (text(12, 10), format!("{} Updated.", text(12, 10)));
    let texts = [a.clone(), b.clone()];
    // Inserted alone: the pair is verified on the caller's texts.
    let mut d = Deduper::new(o.clone());
    d.insert("a", o.sign(&a), None);
    d.insert("b", o.sign(&b), None);
    let found = d
        .finish_with_texts(|i| Ok::<_, ()>(texts[i].clone()))
        .unwrap();
    assert_eq!(found.dup_of(1), Some("a"));
    // Mixed with push: the caller gives the texts of both.
    let mut d = Deduper::new(o.clone());
    d.insert("a", o.sign(&a), None);
    d.push("b", &b);
    let found = d
        .finish_with_texts(|i| Ok::<_, ()>(texts[i].clone()))
        .unwrap();
    assert_eq!(found.dup_of(1), Some("a"));
    // finish() cannot verify without the texts, and says so.
    let mut d = Deduper::new(o.clone());
    d.insert("a", o.sign(&a), None);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| d.finish()));
    assert!(r.is_err());
}

fn decisions(found: &Deduplication) -> (Vec<Cluster>, DedupStats) {
    let mut stats = found.stats.clone();
    stats.memory = MemoryUse::default();
    (found.clusters.clone(), stats)
}

fn corpus() -> Vec<(String, String)> {
    let bases: Vec<String> = (30..36).map(|s| text(s, 10)).collect();
    (0..40)
        .map(|i| {
            let b = &bases[i % 6];
            let t = match i % 4 {
                0 => b.clone(),
                1 => b.to_uppercase(),
                2 => format!("{b} Edit {i}."),
                _ => text(100 + i as u64, 10),
            };
            (format!("d{i}"), t)
        })
        .collect()
}

#[test]
fn push_batch_matches_one_by_one_on_any_pool() {
    let docs = corpus();
    for o in [DedupOptions::default(), opts(|s| s.verify = Verify::Exact)] {
        let mut one = Deduper::new(o.clone());
        for (id, t) in &docs {
            one.push(id, t);
        }
        let want = decisions(&one.finish());
        assert!(want.0.len() >= 6, "{:?}", want.0.len());
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for chunk in [1, 7, docs.len()] {
                let got = pool.install(|| {
                    let mut d = Deduper::new(o.clone());
                    for part in docs.chunks(chunk) {
                        d.push_batch(part);
                    }
                    decisions(&d.finish())
                });
                assert_eq!(got, want, "{threads} threads, batches of {chunk}");
            }
        }
    }
}

#[test]
fn resolve_gives_each_presets_defaults_and_refuses_misfits() {
    let raw = DedupSettings::default().resolve(Preset::Raw).unwrap();
    assert_eq!((raw.measure, raw.threshold), (Measure::Jaccard, 0.5));
    assert_eq!(raw.lsh_threshold(), 0.5);
    let cleaned = DedupSettings::default().resolve(Preset::Cleaned).unwrap();
    assert_eq!(
        (cleaned.measure, cleaned.threshold, cleaned.min_jaccard),
        (Measure::Containment, 0.7, 0.3)
    );
    // Containment 0.7 of a half-length copy is Jaccard 0.7 / 2.3, above the floor.
    assert_eq!(cleaned.lsh_threshold(), 0.7 / 2.3);
    for o in [&raw, &cleaned] {
        assert!(o.params.bands * o.params.rows <= 128);
        assert_eq!(o.keep, Keep::First);
    }
    // Given values win over the preset's.
    let given = opts(|s| s.measure = Some(Measure::Containment));
    assert_eq!(
        (given.measure, given.threshold),
        (Measure::Containment, 0.5)
    );

    let err = |f: fn(&mut DedupSettings)| {
        let mut s = DedupSettings::default();
        f(&mut s);
        s.resolve(Preset::Raw).unwrap_err().0
    };
    let e = err(|s| s.bands = Some(Params { bands: 20, rows: 7 }));
    assert!(e.contains("20") && e.contains("128"), "{e}");
    err(|s| s.bands = Some(Params { bands: 0, rows: 4 }));
    err(|s| s.num_perm = 0);
    for bad in [0.0, -0.1, 1.01, f64::NAN] {
        let mut s = DedupSettings {
            threshold: Some(bad),
            ..Default::default()
        };
        assert!(
            s.resolve(Preset::Cleaned)
                .unwrap_err()
                .0
                .contains("threshold")
        );
        s.threshold = None;
        s.min_jaccard = Some(bad);
        assert!(
            s.resolve(Preset::Cleaned)
                .unwrap_err()
                .0
                .contains("min_jaccard")
        );
    }
    let one = opts(|s| {
        s.threshold = Some(1.0);
        s.bands = Some(Params { bands: 16, rows: 8 });
    });
    assert_eq!((one.threshold, one.params.bands), (1.0, 16));
}

/// A random corpus: documents drawn from a few base texts, each edited.
fn corpus_strategy() -> impl Strategy<Value = Vec<String>> {
    let doc = (0u64..4, 0usize..6, 0usize..40, any::<bool>());
    prop::collection::vec(doc, 2..=12).prop_map(|docs| {
        docs.into_iter()
            .map(|(base, edit, at, upper)| {
                let mut words: Vec<String> =
                    text(200 + base, 6).split(' ').map(String::from).collect();
                let at = at % words.len();
                match edit {
                    0 => {}
                    1 => {
                        words.remove(at);
                    }
                    2 => words[at] = "replaced".into(),
                    3 => words.push("Appended sentence here.".into()),
                    4 => words.truncate(words.len() / 2),
                    _ => words.insert(at, "inserted".into()),
                }
                let t = words.join(" ");
                if upper { t.to_uppercase() } else { t }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn decisions_do_not_depend_on_batches_and_are_consistent(
        texts in corpus_strategy(),
        cuts in prop::collection::vec(1usize..12, 0..4),
        exact in any::<bool>(),
    ) {
        let o = opts(|s| if exact { s.verify = Verify::Exact });
        let docs: Vec<(String, &str)> =
            texts.iter().enumerate().map(|(i, t)| (format!("d{i}"), t.as_str())).collect();
        let mut one = Deduper::new(o.clone());
        for (id, t) in &docs {
            one.push(id, t);
        }
        let found = one.finish();
        let mut cuts: Vec<usize> = cuts.into_iter().filter(|&c| c < docs.len()).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut d = Deduper::new(o);
        let mut from = 0;
        for c in cuts.into_iter().chain([docs.len()]) {
            prop_assert_eq!(d.push_batch(&docs[from..c]), from);
            from = c;
        }
        prop_assert_eq!(decisions(&d.finish()), decisions(&found));

        let n = docs.len();
        let mut in_cluster = vec![false; n];
        for c in &found.clusters {
            prop_assert!(c.members.len() >= 2);
            prop_assert!(c.members.windows(2).all(|w| w[0].doc < w[1].doc));
            prop_assert!(c.members.iter().any(|m| m.doc == c.representative));
            prop_assert!(found.is_kept(c.representative));
            for m in &c.members {
                in_cluster[m.doc] = true;
                prop_assert_eq!(found.cluster_size(m.doc), c.members.len());
                prop_assert!((0.0..=1.0).contains(&m.similarity));
                if m.doc != c.representative {
                    prop_assert!(!found.is_kept(m.doc));
                    prop_assert_eq!(found.dup_of(m.doc), Some(found.id(c.representative)));
                }
            }
        }
        for (i, &inside) in in_cluster.iter().enumerate() {
            if !inside {
                prop_assert!(found.is_kept(i));
                prop_assert_eq!(found.dup_of(i), None);
            }
            // Same normalised text: always one cluster, similarity 1.
            for j in 0..i {
                if normalize::key(docs[i].1) == normalize::key(docs[j].1) {
                    prop_assert_eq!(members_of(&found, i), members_of(&found, j));
                }
            }
        }
        let kept = (0..n).filter(|&i| found.is_kept(i)).count();
        let dropped = (0..n).filter(|&i| !found.is_kept(i)).count();
        prop_assert_eq!(kept + dropped, n);
        prop_assert_eq!(kept + found.clusters.iter().map(|c| c.members.len() - 1).sum::<usize>(), n);
        prop_assert_eq!(
            (found.stats.exact_dropped + found.stats.near_dropped) as usize,
            dropped
        );
        prop_assert_eq!(found.stats.clusters as usize, found.clusters.len());
    }
}

#[test]
fn copies_in_another_unicode_form_are_exact_copies() {
    use unicode_normalization::UnicodeNormalization;
    let text = "Der Außenminister äußerte sich über die Schäden am Ölhafen. \
                Die Verhandlungen über die Pipeline werden im März in Tiflis fortgesetzt, \
                hieß es aus dem Ministerium. Offizielle Stellungnahmen gab es keine.";
    let nfd: String = text.nfd().collect();
    assert_ne!(nfd, text);
    // Ligatures and full-width letters, as some PDF and CJK extractions leave them.
    let compat = text.replace("fi", "\u{fb01}").replace("D", "\u{ff24}");
    let found = dedup(&DedupOptions::default(), &[text, &nfd, &compat]);
    assert_eq!(found.clusters.len(), 1);
    let c = &found.clusters[0];
    assert!(c.exact);
    assert!(c.members.iter().all(|m| m.similarity == 1.0));
    assert_eq!(found.stats.exact_dropped, 2);
}

#[test]
fn facts_first_then_signatures_decide_as_insert_does() {
    let o = opts(|_| {});
    let a = text(4, 12);
    let texts = [
        a.clone(),
        format!("{a} Updated at noon with a correction."),
        text(5, 12),
        a,
    ];
    let mut one = Deduper::new(o.clone());
    let mut split = Deduper::new(o.clone());
    for (i, t) in texts.iter().enumerate() {
        let s = o.sign(t);
        one.insert(&format!("d{i}"), s.clone(), None);
        split.insert_facts(&format!("d{i}"), s.exact, s.chars, None);
    }
    for t in &texts {
        split.insert_signature(&o.sign(t));
    }
    let (one, split) = (one.finish(), split.finish());
    assert_eq!(one.clusters, split.clusters);
    assert_eq!(split.clusters.len(), 1);
    assert_eq!((split.dup_of(1), split.dup_of(3)), (Some("d0"), Some("d0")));
    assert!(split.is_kept(2));
}

#[test]
fn verdicts_by_equal_values_are_those_of_the_similarity() {
    use crate::minhash::SigRef;
    // Random low bytes sharing a random share of values, random non-zero
    // shingle counts: where the table decides, it decides as the estimate.
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for (measure, threshold, min_jaccard) in [
        (Measure::Jaccard, 0.8, None),
        (Measure::Jaccard, 0.5, None),
        (Measure::Containment, 0.7, Some(0.3)),
        (Measure::Containment, 0.9, Some(0.1)),
    ] {
        let o = opts(|s| {
            s.measure = Some(measure);
            s.threshold = Some(threshold);
            s.min_jaccard = min_jaccard;
        });
        let k = o.signer.num_perm();
        let table = o.verdicts_by_equal(k);
        let (mut decided, mut left) = (0, 0);
        for _ in 0..3000 {
            let a: Vec<u8> = (0..k).map(|_| next() as u8).collect();
            let share = next() % 101;
            let b: Vec<u8> = a
                .iter()
                .map(|&v| {
                    if next() % 100 < share {
                        v
                    } else {
                        next() as u8
                    }
                })
                .collect();
            let (sa, sb) = (1 + next() as u32 % 5000, 1 + next() as u32 % 5000);
            let (x, y) = (
                SigRef {
                    low: &a,
                    shingles: sa,
                },
                SigRef {
                    low: &b,
                    shingles: sb,
                },
            );
            let full = o.similarity(x, y) >= o.threshold;
            match table[crate::lsh::equal_low_bytes(&a, &b)] {
                Some(v) => {
                    assert_eq!(v, full, "{measure:?} {threshold}");
                    decided += 1;
                }
                None => left += 1,
            }
        }
        assert!(decided > 200, "{decided}");
        assert!(measure == Measure::Jaccard || left > 100, "{left}");
    }
}

#[test]
fn a_shingle_size_of_zero_is_a_settings_error_not_a_panic() {
    for shingle in [Shingling::Words(0), Shingling::Chars(0)] {
        let s = DedupSettings {
            shingle,
            ..Default::default()
        };
        for preset in [Preset::Raw, Preset::Cleaned] {
            let e = s.resolve(preset).unwrap_err().0;
            assert!(e.contains("at least 1"), "{e}");
        }
    }
    // The smallest size still works end to end.
    let mut d = Deduper::new(opts(|s| s.shingle = Shingling::Words(1)));
    d.push_batch(&[("a", "one two three"), ("b", "one two three")]);
    assert_eq!(d.finish().dup_of(1), Some("a"));
}

#[test]
fn bands_times_rows_past_usize_is_refused_not_wrapped() {
    // 2^63 x 2 wraps to 0 in a release build, which passed as within 128.
    let s = DedupSettings {
        bands: Some(Params {
            bands: 1 << (usize::BITS - 1),
            rows: 2,
        }),
        ..Default::default()
    };
    let e = s.resolve(Preset::Raw).unwrap_err().0;
    assert!(e.contains("exceeds --num-perm 128"), "{e}");
}
