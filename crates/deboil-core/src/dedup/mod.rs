//! Finding duplicate documents in memory: exact (xxh3-128 of the normalised
//! text) and near (MinHash + LSH, every candidate verified before it joins
//! two documents).
//!
//! A [`Deduper`] takes documents in order and decides each as it comes, so
//! the result does not depend on threads or batch sizes; [`Deduper::finish`]
//! groups them into [`Cluster`]s: verified pairs form components, and each
//! component is split into stars, so that every member of a cluster is within
//! the threshold of its centre (see `clusters.rs`). Texts are not kept unless exact
//! verification needs them: per document it holds a signature's low bytes,
//! an exact hash and the id.
//!
//! ```
//! use deboil_core::dedup::{DedupOptions, Deduper};
//!
//! let story = "The council met on Monday and decided that the old bridge over \
//!              the river will be rebuilt in the spring, after years of debate.";
//! let mut d = Deduper::new(DedupOptions::default());
//! d.push("a", story);
//! d.push("b", "Weather: sunny, later some rain in the hills and the valleys.");
//! d.push("c", &format!("{story} Updated."));
//! let found = d.finish();
//! assert_eq!(found.clusters.len(), 1);
//! let c = &found.clusters[0];
//! assert_eq!(found.id(c.representative), "a");
//! assert_eq!(found.dup_of(2), Some("a"));
//! assert!(found.is_kept(1));
//! assert!(c.members[1].similarity > 0.8);
//! ```

mod clusters;
mod columns;
mod copies;
mod ids;
mod options;
pub mod template;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use crate::cluster::UnionFind;
use crate::hash::HashKeyed;
use crate::lsh;
use crate::minhash::{SigStore, Signature};
use crate::normalize;
pub use clusters::{Cluster, Member};
use columns::{Columns, Facts};
pub use ids::RepeatedIds;
pub use options::{
    DedupOptions, DedupSettings, Keep, Measure, Preset, SettingsError, Verify, lsh_threshold,
};

thread_local! {
    /// The normalised text of the document at hand: one buffer per thread.
    static KEY: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// What signing one document gives: computed apart from the decisions (in
/// parallel), then handed to [`Deduper::insert`] in input order.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The MinHash signature.
    pub signature: Signature,
    /// xxh3-128 of the normalised text.
    pub exact: u128,
    /// One hash per LSH band.
    pub bands: Vec<u64>,
    /// Characters of the text (for [`Keep::Longest`]).
    pub chars: u32,
}

impl DedupOptions {
    /// xxh3-128 of the normalised text: equal for exact copies.
    pub fn exact_hash(&self, text: &str) -> u128 {
        KEY.with_borrow_mut(|key| {
            key.clear();
            normalize::push_key(text, key);
            xxh3_128(key)
        })
    }

    /// Signs a text given by its key (see [`crate::normalize::push_key`]);
    /// `chars` is what [`Keep::Longest`] compares.
    pub fn sign_key(&self, key: &[u8], chars: u32) -> Signed {
        let signature = self.signer.sign_key_bytes(key);
        let mut bands = Vec::with_capacity(self.params.bands);
        lsh::band_hashes(&signature, self.params, &mut bands);
        Signed {
            signature,
            exact: xxh3_128(key),
            bands,
            chars,
        }
    }

    /// Signs `text`: signature, exact hash and band hashes. Pure, so any
    /// number of threads can sign while one [`Deduper`] decides.
    pub fn sign(&self, text: &str) -> Signed {
        let (signature, exact) = KEY.with_borrow_mut(|key| {
            key.clear();
            normalize::push_key(text, key);
            (self.signer.sign_key_bytes(key), xxh3_128(key))
        });
        let mut bands = Vec::with_capacity(self.params.bands);
        lsh::band_hashes(&signature, self.params, &mut bands);
        Signed {
            signature,
            exact,
            bands,
            chars: match self.keep {
                Keep::Longest => u32::try_from(text.chars().count()).unwrap_or(u32::MAX),
                _ => 0,
            },
        }
    }
}

/// Documents known before the first new one (a saved index): they come
/// first, are never reported alone, and a cluster holding one keeps it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexedDocs {
    /// Document ids, in order.
    pub ids: Vec<String>,
    /// xxh3-128 of each document's normalised text.
    pub exact: Vec<u128>,
    /// Each document's full signature.
    pub sigs: Vec<Signature>,
}

impl IndexedDocs {
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Counts of one deduplication.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DedupStats {
    /// New documents dropped as exact duplicates of a kept one.
    pub exact_dropped: u64,
    /// New documents dropped as near duplicates.
    pub near_dropped: u64,
    /// Clusters of two or more (with at least one new document).
    pub clusters: u64,
    /// Candidate pairs from LSH.
    pub candidates: u64,
    /// Candidate pairs that passed verification.
    pub verified: u64,
    /// Bytes held once every document was in.
    pub memory: MemoryUse,
}

/// Bytes the deduplicator held, by part.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MemoryUse {
    /// The LSH index.
    pub lsh_index: usize,
    /// The stored signatures.
    pub signatures: usize,
    /// Ids, exact hashes (and their map) and the union-find.
    pub ids_and_hashes: usize,
}

/// Decides, document by document in input order, which are duplicates.
#[derive(Debug)]
pub struct Deduper {
    opts: DedupOptions,
    docs: Columns,
    sigs: SigStore,
    uf: UnionFind,
    /// The first document of each normalised text, by the low half of its
    /// hash (`docs.exact` holds the whole).
    first_copy: HashKeyed<u64, u32>,
    index: lsh::Index,
    /// Documents before this come from an [`IndexedDocs`].
    prior: usize,
    against: Option<IndexedDocs>,
    collect_index: bool,
    /// Candidate pairs (new, earlier) awaiting exact verification.
    pending: Vec<(u32, u32)>,
    /// With [`Verify::Exact`], each new document's text when it came with
    /// one ([`Deduper::push`], [`Deduper::push_batch`]); `None` after
    /// [`Deduper::insert`], whose caller keeps the texts.
    texts: Vec<Option<Box<str>>>,
    candidates: Vec<u32>,
    stats: DedupStats,
}

impl Deduper {
    /// An empty deduplicator.
    pub fn new(opts: DedupOptions) -> Deduper {
        Deduper {
            docs: Columns::default(),
            sigs: SigStore::new(opts.signer.num_perm(), false),
            uf: UnionFind::new(0),
            first_copy: HashKeyed::default(),
            index: lsh::Index::new(opts.params.bands, opts.max_per_bucket),
            prior: 0,
            against: None,
            collect_index: false,
            pending: Vec::new(),
            texts: Vec::new(),
            candidates: Vec::new(),
            stats: DedupStats::default(),
            opts,
        }
    }

    /// A deduplicator whose first documents are those of `index`: new
    /// documents duplicating them are dropped. `index` must be signed with
    /// the same shingling, scheme and number of values.
    pub fn against(opts: DedupOptions, index: IndexedDocs) -> Deduper {
        let mut d = Deduper::new(opts);
        let mut bands = Vec::new();
        for ((id, &h), sig) in index.ids.iter().zip(&index.exact).zip(&index.sigs) {
            let doc = d.uf.push();
            d.first_copy.entry(h as u64).or_insert(doc);
            lsh::band_hashes(sig, d.opts.params, &mut bands);
            d.index.insert(doc, &bands, &mut d.candidates);
            let facts = Facts {
                id: id.as_str().into(),
                chars: 0,
                newest: None,
                exact: h,
            };
            d.docs.push(facts, &d.opts.keep);
            d.sigs.push(sig);
        }
        d.prior = index.len();
        d.against = Some(index);
        d
    }

    /// Also keeps every full signature, so that [`Deduplication::kept_index`]
    /// can give the kept documents as an [`IndexedDocs`] (4 bytes more per
    /// value and document). Call before adding documents.
    pub fn collect_index(mut self) -> Deduper {
        assert_eq!(self.sigs.len(), self.prior, "collect_index before adding");
        let mut sigs = SigStore::new(self.opts.signer.num_perm(), true);
        for s in self.against.iter().flat_map(|a| &a.sigs) {
            sigs.push(s);
        }
        self.sigs = sigs;
        self.collect_index = true;
        self
    }

    /// The options.
    pub fn options(&self) -> &DedupOptions {
        &self.opts
    }

    /// Documents in, indexed ones included.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no document is in.
    pub fn is_empty(&self) -> bool {
        self.docs.len() == 0
    }

    /// Adds one document; returns its index. With [`Verify::Exact`] the
    /// text is kept until [`Deduper::finish`].
    pub fn push(&mut self, id: &str, text: &str) -> usize {
        self.push_with(id, text, None)
    }

    /// [`Deduper::push`] with the value [`Keep::Newest`] compares.
    pub fn push_with(&mut self, id: &str, text: &str, newest: Option<&str>) -> usize {
        let signed = self.opts.sign(text);
        let doc = self.insert(id, signed, newest);
        if self.opts.verify == Verify::Exact {
            self.texts[doc - self.prior] = Some(text.into());
            self.verify_stored();
        }
        doc
    }

    /// Adds documents `(id, text)` in order, signing them in parallel on the
    /// current rayon pool; returns the index of the first. (For
    /// [`Keep::Newest`], whose values these pairs lack, use
    /// [`Deduper::push_with`], or sign in parallel with
    /// [`DedupOptions::sign`] and [`Deduper::insert`] in order.)
    pub fn push_batch<I: AsRef<str> + Sync, T: AsRef<str> + Sync>(
        &mut self,
        docs: &[(I, T)],
    ) -> usize {
        let first = self.len();
        let signed: Vec<Signed> = docs
            .par_iter()
            .map(|(_, t)| self.opts.sign(t.as_ref()))
            .collect();
        for ((id, text), s) in docs.iter().zip(signed) {
            let doc = self.insert(id.as_ref(), s, None);
            if self.opts.verify == Verify::Exact {
                self.texts[doc - self.prior] = Some(text.as_ref().into());
            }
        }
        self.verify_stored();
        first
    }

    /// Verifies held pairs on the stored texts; pairs with a document added
    /// by [`Deduper::insert`] stay held for [`Deduper::verify_pending`].
    fn verify_stored(&mut self) {
        let prior = self.prior;
        let stored = |i: u32| self.texts[i as usize - prior].is_some();
        if !self.pending.iter().all(|&(a, b)| stored(a) && stored(b)) {
            return;
        }
        let texts = std::mem::take(&mut self.texts);
        let r: Result<(), std::convert::Infallible> = self
            .verify_pending(|i| Ok(texts[i - prior].as_deref().unwrap_or_default().to_string()));
        r.expect("infallible");
        self.texts = texts;
    }

    /// Decides one signed document (see [`DedupOptions::sign`]); returns its
    /// index. Exact copies join their first copy and stay out of the LSH
    /// buckets; other candidates are verified on the signatures, or, with
    /// [`Verify::Exact`], held until [`Deduper::verify_pending`].
    pub fn insert(&mut self, id: &str, signed: Signed, newest: Option<&str>) -> usize {
        let doc = self.uf.push();
        let h = signed.exact;
        self.docs.push(
            Facts {
                exact: h,
                id: id.into(),
                newest: newest.map(Into::into),
                chars: signed.chars,
            },
            &self.opts.keep,
        );
        self.sigs.push(&signed.signature);
        if self.opts.verify == Verify::Exact {
            self.texts.push(None);
        }
        match self.first_copy.get(&(h as u64)).copied() {
            Some(first) if self.docs.exact[first as usize] == h => {
                self.uf.union(first, doc);
                self.index.skip(doc);
            }
            _ => {
                // (A collision of the low halves alone is a new text; the
                // map keeps the first.)
                self.first_copy.entry(h as u64).or_insert(doc);
                let mut candidates = std::mem::take(&mut self.candidates);
                self.index.insert(doc, &signed.bands, &mut candidates);
                let exact = self.opts.verify == Verify::Exact;
                for &c in &candidates {
                    self.stats.candidates += 1;
                    if exact && c as usize >= self.prior {
                        self.pending.push((doc, c));
                    } else if self
                        .opts
                        .similarity(self.sigs.get(doc as usize), self.sigs.get(c as usize))
                        >= self.opts.threshold
                    {
                        self.stats.verified += 1;
                        self.uf.union(c, doc);
                    }
                }
                self.candidates = candidates;
            }
        }
        doc as usize
    }

    /// Whether candidate pairs await [`Deduper::verify_pending`].
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Verifies the held candidate pairs on the shingle sets of their texts,
    /// in parallel; `text_of(i)` gives document `i`'s text as it was signed.
    /// Clusters are components, so verifying later changes nothing but when.
    pub fn verify_pending<E: Send>(
        &mut self,
        text_of: impl Fn(usize) -> Result<String, E> + Sync,
    ) -> Result<(), E> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pairs = std::mem::take(&mut self.pending);
        // Each document's shingles once, however many pairs it is in.
        let mut ids: Vec<u32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
        ids.sort_unstable();
        ids.dedup();
        let opts = &self.opts;
        let sets: Vec<Vec<u64>> = ids
            .par_iter()
            .map(|&i| text_of(i as usize).map(|t| opts.shingle_set(&t)))
            .collect::<Result<_, E>>()?;
        let set = |i: u32| &sets[ids.binary_search(&i).expect("collected above")];
        let sims: Vec<f64> = pairs
            .par_iter()
            .map(|&(a, b)| opts.set_similarity(set(a), set(b)))
            .collect();
        for (&(doc, c), s) in pairs.iter().zip(sims) {
            if s >= self.opts.threshold {
                self.stats.verified += 1;
                self.uf.union(c, doc);
            }
        }
        Ok(())
    }

    fn memory(&self) -> MemoryUse {
        MemoryUse {
            lsh_index: self.index.memory_bytes(),
            signatures: self.sigs.memory_bytes(),
            ids_and_hashes: self.docs.memory_bytes()
                + self.first_copy.capacity() * (std::mem::size_of::<(u64, u32)>() + 1)
                + self.uf.memory_bytes(),
        }
    }

    /// Groups the documents into clusters. With [`Verify::Exact`], member
    /// similarities are exact too, computed from the texts kept.
    ///
    /// # Panics
    ///
    /// With [`Verify::Exact`], when a document came through
    /// [`Deduper::insert`] (no text kept): use
    /// [`Deduper::finish_with_texts`] then.
    pub fn finish(mut self) -> Deduplication {
        let prior = self.prior;
        let texts = std::mem::take(&mut self.texts);
        assert!(
            texts.iter().all(Option::is_some),
            "exact verification of documents added by insert needs finish_with_texts"
        );
        let r: Result<_, std::convert::Infallible> = self
            .finish_with_texts(|i| Ok(texts[i - prior].as_deref().unwrap_or_default().to_string()));
        r.expect("infallible")
    }

    /// [`Deduper::finish`] for documents whose texts live elsewhere: with
    /// [`Verify::Exact`], held pairs are verified and member similarities
    /// computed from `text_of(i)`, which is not called otherwise.
    pub fn finish_with_texts<E: Send>(
        mut self,
        text_of: impl Fn(usize) -> Result<String, E> + Sync,
    ) -> Result<Deduplication, E> {
        let exact = self.opts.verify == Verify::Exact;
        if exact {
            self.verify_pending(&text_of)?;
        }
        let mut stats = std::mem::take(&mut self.stats);
        stats.memory = self.memory();
        let prior = self.prior;
        let components = clusters::components(&mut self.uf, prior);
        let (opts, docs, sigs) = (&self.opts, &self.docs, &self.sigs);
        let sig_sim = |a: usize, b: usize| opts.similarity(sigs.get(a), sigs.get(b));
        let split: Vec<Vec<Cluster>> = if exact {
            // Components are independent: each reads its texts and splits
            // on exact similarities (indexed documents have no text: their
            // pairs use the signatures).
            components
                .par_iter()
                .map(|m| {
                    let sets: Vec<Option<Vec<u64>>> = m
                        .iter()
                        .map(|&d| {
                            (d >= prior)
                                .then(|| text_of(d).map(|t| opts.shingle_set(&t)))
                                .transpose()
                        })
                        .collect::<Result<_, E>>()?;
                    let set = |d: usize| sets[m.binary_search(&d).expect("a member")].as_ref();
                    let sim = |a: usize, b: usize| match (set(a), set(b)) {
                        (Some(x), Some(y)) => opts.set_similarity(x, y),
                        _ => sig_sim(a, b),
                    };
                    Ok(clusters::split(opts, m, docs, sigs, prior, sim))
                })
                .collect::<Result<_, E>>()?
        } else {
            components
                .par_iter()
                .map(|m| clusters::split(opts, m, docs, sigs, prior, sig_sim))
                .collect()
        };
        let mut clusters: Vec<Cluster> = split.into_iter().flatten().collect();
        clusters.sort_unstable_by_key(|c| c.members[0].doc);
        let mut cluster_of: Vec<Option<u32>> = vec![None; self.docs.len()];
        for (ci, c) in clusters.iter().enumerate() {
            for m in &c.members {
                cluster_of[m.doc] = Some(ci as u32);
            }
            stats.clusters += 1;
            // Indexed members were written by an earlier run. A member with
            // the representative's text is an exact copy, whatever the rest
            // of its cluster is.
            let rep_hash = self.docs.exact[c.representative];
            for m in c.members.iter() {
                if m.doc < prior || m.doc == c.representative {
                    continue;
                }
                if self.docs.exact[m.doc] == rep_hash {
                    stats.exact_dropped += 1;
                } else {
                    stats.near_dropped += 1;
                }
            }
        }
        Ok(Deduplication {
            clusters,
            cluster_of,
            stats,
            prior,
            against: self.against,
            collect_index: self.collect_index,
            docs: self.docs,
            sigs: self.sigs,
        })
    }
}

/// What a [`Deduper`] found.
#[derive(Debug)]
pub struct Deduplication {
    /// Clusters with at least one new document, in order of their first member.
    pub clusters: Vec<Cluster>,
    /// Counts.
    pub stats: DedupStats,
    /// Per document: its cluster (index into `clusters`), if any.
    cluster_of: Vec<Option<u32>>,
    prior: usize,
    against: Option<IndexedDocs>,
    collect_index: bool,
    docs: Columns,
    sigs: SigStore,
}

impl Deduplication {
    /// Documents, indexed ones included (they come first).
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.docs.len() == 0
    }

    /// How many documents came from an [`IndexedDocs`] (indices `0..prior`).
    pub fn prior(&self) -> usize {
        self.prior
    }

    /// Document `i`'s id.
    pub fn id(&self, i: usize) -> &str {
        self.docs.id(i)
    }

    /// The cluster holding document `i`, if it is in one.
    pub fn cluster_of(&self, i: usize) -> Option<&Cluster> {
        self.cluster_of[i].map(|c| &self.clusters[c as usize])
    }

    /// Whether document `i` is kept: a singleton or its cluster's representative.
    pub fn is_kept(&self, i: usize) -> bool {
        self.cluster_of(i).is_none_or(|c| c.representative == i)
    }

    /// The id of the document `i` duplicates (its cluster's representative),
    /// or `None` when it is kept.
    pub fn dup_of(&self, i: usize) -> Option<&str> {
        match self.cluster_of(i) {
            Some(c) if c.representative != i => Some(self.docs.id(c.representative)),
            _ => None,
        }
    }

    /// The size of document `i`'s cluster (1 for a singleton).
    pub fn cluster_size(&self, i: usize) -> usize {
        self.cluster_of(i).map_or(1, |c| c.members.len())
    }

    /// Every kept document as an index for a later run: the index this run
    /// started from, then the new documents kept. `None` unless the deduper
    /// was made with [`Deduper::collect_index`].
    pub fn kept_index(&self) -> Option<IndexedDocs> {
        if !self.collect_index {
            return None;
        }
        let mut kept = self.against.clone().unwrap_or_default();
        for i in (self.prior..self.docs.len()).filter(|&i| self.is_kept(i)) {
            kept.ids.push(self.docs.id(i).to_string());
            kept.exact.push(self.docs.exact[i]);
            kept.sigs
                .push(self.sigs.full(i).expect("kept in full with collect_index"));
        }
        Some(kept)
    }
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
