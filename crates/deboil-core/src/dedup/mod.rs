//! Finding duplicate documents in memory: exact (xxh3-128 of the normalised
//! text) and near (MinHash + LSH, every candidate verified before it joins
//! two documents).
//!
//! A [`Deduper`] takes documents in order; [`Deduper::finish`] joins exact
//! copies, then finds candidate pairs band by band (sorted band keys, see
//! [`lsh::candidate_pairs`]) and joins those verified, so the result does not
//! depend on threads or batch sizes. It groups them into [`Cluster`]s:
//! verified pairs form components, and each
//! component is split into stars, so that every member of a cluster is within
//! the threshold of its centre (see `clusters.rs`). Texts are not kept unless exact
//! verification needs them: per document it holds a signature's low bytes
//! (the LSH band keys are read off them), an exact hash and the id.
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
use crate::lsh;
use crate::minhash::{SigStore, Signature};
use crate::normalize;
pub use clusters::{Cluster, Member};
use columns::{ChunkedBytes, Columns, Facts};
pub use ids::RepeatedIds;
pub(crate) use options::exact_measures;
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
    /// One hash per LSH band, when the bands have too few rows for a key
    /// of 32 bits (see [`lsh::extra_key_bytes`]); else empty.
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
        self.sign_key_as(key, xxh3_128(key), chars)
    }

    /// [`DedupOptions::sign_key`] with the exact hash given (that of the
    /// whole text, when `key` leaves its site's template out).
    pub fn sign_key_as(&self, key: &[u8], exact: u128, chars: u32) -> Signed {
        let signature = self.signer.sign_key_bytes(key);
        let bands = self.band_hashes(&signature);
        Signed {
            signature,
            exact,
            bands,
            chars,
        }
    }

    /// The band hashes a [`Signed`] carries: none when band keys are read
    /// off the stored low bytes.
    fn band_hashes(&self, signature: &Signature) -> Vec<u64> {
        let mut bands = Vec::new();
        if lsh::extra_key_bytes(self.params) > 0 {
            lsh::band_hashes(signature, self.params, &mut bands);
        }
        bands
    }

    /// Signs `text`: signature, exact hash and band hashes. Pure, so any
    /// number of threads can sign while one [`Deduper`] decides.
    pub fn sign(&self, text: &str) -> Signed {
        let (signature, exact) = KEY.with_borrow_mut(|key| {
            key.clear();
            normalize::push_key(text, key);
            (self.signer.sign_key_bytes(key), xxh3_128(key))
        });
        let bands = self.band_hashes(&signature);
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
    /// The LSH banding at its largest (one band sorted, its pairs).
    pub lsh_index: usize,
    /// The stored signatures (and band keys, when kept).
    pub signatures: usize,
    /// Ids, exact hashes and the union-find.
    pub ids_and_hashes: usize,
}

/// Takes documents in input order; [`Deduper::finish`] finds which are
/// duplicates.
#[derive(Debug)]
pub struct Deduper {
    opts: DedupOptions,
    docs: Columns,
    sigs: SigStore,
    /// Per document, the bytes kept of each band when bands have fewer than
    /// four rows (see [`lsh::extra_key_bytes`]).
    band_extra: ChunkedBytes,
    /// Made once every document is in.
    uf: UnionFind,
    /// Documents before this come from an [`IndexedDocs`].
    prior: usize,
    against: Option<IndexedDocs>,
    collect_index: bool,
    /// With [`Verify::Exact`], each new document's text when it came with
    /// one ([`Deduper::push`], [`Deduper::push_batch`]); `None` after
    /// [`Deduper::insert`], whose caller keeps the texts.
    texts: Vec<Option<Box<str>>>,
    /// One bit per new document: its signature is in. Signatures may come
    /// in any order ([`Deduper::insert_signature_of`]); what is decided
    /// depends only on which signature each document has.
    has_sig: Vec<u64>,
    /// New documents with their signature in.
    signed: usize,
    /// No new document before this one lacks its signature.
    next_unsigned: usize,
    stats: DedupStats,
}

impl Deduper {
    /// An empty deduplicator.
    pub fn new(opts: DedupOptions) -> Deduper {
        Deduper {
            docs: Columns::default(),
            sigs: SigStore::new(opts.signer.num_perm(), false),
            band_extra: ChunkedBytes::new(opts.params.bands * lsh::extra_key_bytes(opts.params)),
            uf: UnionFind::new(0),
            prior: 0,
            against: None,
            collect_index: false,
            texts: Vec::new(),
            has_sig: Vec::new(),
            signed: 0,
            next_unsigned: 0,
            stats: DedupStats::default(),
            opts,
        }
    }

    /// A deduplicator whose first documents are those of `index`: new
    /// documents duplicating them are dropped. `index` must be signed with
    /// the same shingling, scheme and number of values.
    ///
    /// # Panics
    ///
    /// If a signature of `index` has another number of values than
    /// `opts.signer` (`deboil_io::index::load` checks a saved index's
    /// parameters against the options first).
    pub fn against(opts: DedupOptions, index: IndexedDocs) -> Deduper {
        let mut d = Deduper::new(opts);
        for ((id, &h), sig) in index.ids.iter().zip(&index.exact).zip(&index.sigs) {
            let facts = Facts {
                id: id.as_str().into(),
                chars: 0,
                newest: None,
                exact: h,
            };
            d.docs.push(facts, &d.opts.keep);
            let bands = d.opts.band_hashes(sig);
            d.push_signature(sig, &bands);
        }
        d.prior = index.len();
        d.next_unsigned = d.prior;
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

    /// Bytes held for the documents so far (signatures, ids, hashes), for
    /// a caller keeping its own memory within a budget.
    pub fn memory_bytes(&self) -> usize {
        self.sigs.memory_bytes()
            + self.band_extra.memory_bytes()
            + self.docs.memory_bytes()
            + self.has_sig.capacity() * 8
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
        first
    }

    /// Adds one signed document (see [`DedupOptions::sign`]); returns its
    /// index. With [`Verify::Exact`], its pairs are verified on texts given
    /// to [`Deduper::finish_with_texts`].
    ///
    /// # Panics
    ///
    /// If `signed` was signed with another number of values than this
    /// deduper's options.
    pub fn insert(&mut self, id: &str, signed: Signed, newest: Option<&str>) -> usize {
        let doc = self.insert_facts(id, signed.exact, signed.chars, newest);
        self.insert_signature_of(doc, &signed);
        doc
    }

    /// Adds one document's facts before its signature is known (`chars` is
    /// what [`Keep::Longest`] compares); returns its index. Signatures follow
    /// through [`Deduper::insert_signature`] (in document order) or
    /// [`Deduper::insert_signature_of`] (in any order), so that nothing else
    /// about a document waits beside the deduplicator.
    pub fn insert_facts(
        &mut self,
        id: &str,
        exact: u128,
        chars: u32,
        newest: Option<&str>,
    ) -> usize {
        let doc = self.docs.len();
        self.docs.push(
            Facts {
                exact,
                id: id.into(),
                newest: newest.map(Into::into),
                chars,
            },
            &self.opts.keep,
        );
        if self.opts.verify == Verify::Exact {
            self.texts.push(None);
        }
        // A blank entry, filled when the signature comes.
        self.sigs.push_blank();
        self.band_extra.push_blank();
        let new = doc - self.prior;
        if new.is_multiple_of(64) {
            self.has_sig.push(0);
        }
        doc
    }

    /// The signature of the first document added by
    /// [`Deduper::insert_facts`] without one (its exact hash and length are
    /// taken from there, not from `signed`).
    pub fn insert_signature(&mut self, signed: &Signed) {
        while self.next_unsigned < self.docs.len() && self.is_signed(self.next_unsigned) {
            self.next_unsigned += 1;
        }
        assert!(self.next_unsigned < self.docs.len(), "a signature too many");
        self.insert_signature_of(self.next_unsigned, signed);
    }

    /// The signature of document `doc`, added by [`Deduper::insert_facts`]
    /// without one; documents may get theirs in any order.
    pub fn insert_signature_of(&mut self, doc: usize, signed: &Signed) {
        assert!(
            doc >= self.prior && doc < self.docs.len(),
            "no new document {doc}"
        );
        assert!(!self.is_signed(doc), "document {doc} signed twice");
        let new = doc - self.prior;
        self.has_sig[new / 64] |= 1 << (new % 64);
        self.signed += 1;
        self.sigs.set(doc, &signed.signature);
        let mut extra = Vec::new();
        lsh::extra_key_of(&signed.bands, self.opts.params, &mut extra);
        self.band_extra.set(doc, &extra);
    }

    /// Whether new document `doc` has its signature.
    fn is_signed(&self, doc: usize) -> bool {
        let new = doc - self.prior;
        self.has_sig[new / 64] & (1 << (new % 64)) != 0
    }

    fn push_signature(&mut self, sig: &Signature, bands: &[u64]) {
        self.sigs.push(sig);
        let mut extra = Vec::new();
        lsh::extra_key_of(bands, self.opts.params, &mut extra);
        self.band_extra.push(&extra);
    }

    /// Joins every new document to the first earlier document with the same
    /// normalised text; returns which documents are such copies (they stay
    /// out of the LSH buckets). Sorting by the hash's low half, then by
    /// document, finds each document's first copy.
    fn join_exact_copies(&mut self) -> Vec<u64> {
        let exact = &self.docs.exact;
        let mut by_hash: Vec<(u64, u32)> = (0..exact.len() as u32)
            .into_par_iter()
            .map(|d| (exact[d as usize] as u64, d))
            .collect();
        by_hash.par_sort_unstable();
        let mut copy = vec![0u64; exact.len().div_ceil(64)];
        for run in by_hash.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
            // A collision of the low halves alone is a new text; the first
            // document of the run stays the one copies are compared with.
            let first = run[0].1;
            for &(_, d) in &run[1..] {
                if d as usize >= self.prior && exact[d as usize] == exact[first as usize] {
                    self.uf.union(first, d);
                    copy[d as usize / 64] |= 1 << (d % 64);
                }
            }
        }
        copy
    }

    /// Finds the candidate pairs band by band and joins those verified: on
    /// the signatures, or, with [`Verify::Exact`], on the shingle sets of
    /// the texts (`text_of`), band by band so that the sets of one band's
    /// pairs only are held. Returns the bytes the banding held at most.
    fn join_near_copies<E: Send>(
        &mut self,
        copy: &[u64],
        text_of: &(impl Fn(usize) -> Result<String, E> + Sync),
    ) -> Result<usize, E> {
        let exact = self.opts.verify == Verify::Exact;
        let params = self.opts.params;
        let nb = params.bands;
        let (opts, prior) = (&self.opts, self.prior as u32);
        let (sigs, extra, uf) = (&self.sigs, &self.band_extra, &mut self.uf);
        let key = |d: u32, b: usize| {
            lsh::low_band_key(sigs.get(d as usize).low, extra.get(d as usize), params, b)
        };
        let agreement = lsh::Agreement::new(params);
        let verdicts = opts.verdicts_by_equal(opts.signer.num_perm());
        // Bytes kept a band.
        let n = lsh::extra_key_bytes(params);
        // Bands shared before the band at hand (the rows' low bytes and the
        // kept bytes: only those tell whether a pair is new), and whether
        // a new pair is kept: verified on the signatures where it is met,
        // or, with exact verification, left to the texts (pairs of two new
        // documents; an indexed one has no text).
        let check = |x: u32, y: u32, band: usize| {
            let (sx, sy) = (sigs.get(x as usize), sigs.get(y as usize));
            let (on_rows, equal) = agreement.before(sx.low, sy.low, band);
            let keep = if exact && y >= prior {
                true
            } else {
                match verdicts.get(equal) {
                    Some(&Some(v)) if sx.shingles != 0 && sy.shingles != 0 => v,
                    _ => opts.similarity(sx, sy) >= opts.threshold,
                }
            };
            if n == 0 {
                return (on_rows, keep);
            }
            // Kept bytes are compared only for the bands whose rows agree:
            // a pair meets in one or two, while a comparison of every band
            // cost 35 calls to memcmp a pair (`run`'s 35 x 3 bands).
            let (ex, ey) = (extra.get(x as usize), extra.get(y as usize));
            let (mut m, mut both) = (on_rows, 0u128);
            while m != 0 {
                let b = m.trailing_zeros() as usize;
                m &= m - 1;
                // Byte by byte: a slice `==` calls memcmp for one byte.
                let same = (b * n..(b + 1) * n).all(|i| ex[i] == ey[i]);
                both |= u128::from(same) << b;
            }
            (both, keep)
        };
        let included = |d: u32| copy[d as usize / 64] & (1 << (d % 64)) == 0;
        let (mut candidates, mut verified) = (0u64, 0u64);
        let mut failed = None;
        let peak = lsh::candidate_pairs(
            sigs.len(),
            nb,
            opts.max_per_bucket,
            key,
            check,
            included,
            |_, new, kept| {
                if failed.is_some() {
                    return;
                }
                candidates += new;
                let mut join = |&(d, c): &(u32, u32)| {
                    verified += 1;
                    uf.union(c, d);
                };
                // Kept pairs are verified, but for pairs of two new
                // documents under exact verification: those go to the texts.
                if !exact {
                    kept.iter().for_each(&mut join);
                    return;
                }
                let (held, now): (Vec<_>, Vec<_>) = kept.iter().partition(|&&(_, c)| c >= prior);
                let held_ok = match verify_on_texts(opts, &held, text_of) {
                    Ok(ok) => ok,
                    Err(e) => {
                        failed = Some(e);
                        return;
                    }
                };
                now.iter().for_each(&mut join);
                held.iter()
                    .zip(held_ok)
                    .filter(|p| p.1)
                    .for_each(|p| join(p.0));
            },
        );
        if let Some(e) = failed {
            return Err(e);
        }
        self.stats.candidates += candidates;
        self.stats.verified += verified;
        Ok(peak)
    }

    fn memory(&self, banding: usize) -> MemoryUse {
        MemoryUse {
            lsh_index: banding,
            signatures: self.sigs.memory_bytes() + self.band_extra.memory_bytes(),
            ids_and_hashes: self.docs.memory_bytes()
                + self.uf.memory_bytes()
                + self.has_sig.capacity() * 8,
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
    /// [`Verify::Exact`], candidate pairs are verified and member
    /// similarities computed from `text_of(i)`, which is not called
    /// otherwise.
    ///
    /// Exact copies are joined first, then candidate pairs band by band;
    /// clusters are components, so the order of the joins changes nothing.
    pub fn finish_with_texts<E: Send>(
        mut self,
        text_of: impl Fn(usize) -> Result<String, E> + Sync,
    ) -> Result<Deduplication, E> {
        assert_eq!(
            self.prior + self.signed,
            self.docs.len(),
            "a document without signature"
        );
        self.uf = UnionFind::new(self.docs.len());
        let copy = self.join_exact_copies();
        let banding = self.join_near_copies(&copy, &text_of)?;
        drop(copy);
        let mut stats = std::mem::take(&mut self.stats);
        stats.memory = self.memory(banding);
        let prior = self.prior;
        let components = clusters::components(&mut self.uf, prior);
        let (opts, docs, sigs) = (&self.opts, &self.docs, &self.sigs);
        let sig_sim = |a: usize, b: usize| opts.similarity(sigs.get(a), sigs.get(b));
        let split: Vec<Vec<Cluster>> = if self.opts.verify == Verify::Exact {
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

/// Whether each pair's texts are within the threshold, on their shingle
/// sets; `text_of(i)` gives document `i`'s text as it was signed.
fn verify_on_texts<E: Send>(
    opts: &DedupOptions,
    pairs: &[(u32, u32)],
    text_of: impl Fn(usize) -> Result<String, E> + Sync,
) -> Result<Vec<bool>, E> {
    // Each document's shingles once, however many pairs it is in.
    let mut ids: Vec<u32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    ids.sort_unstable();
    ids.dedup();
    let sets: Vec<Vec<u64>> = ids
        .par_iter()
        .map(|&i| text_of(i as usize).map(|t| opts.shingle_set(&t)))
        .collect::<Result<_, E>>()?;
    let set = |i: u32| &sets[ids.binary_search(&i).expect("collected above")];
    Ok(pairs
        .par_iter()
        .map(|&(a, b)| opts.set_similarity(set(a), set(b)) >= opts.threshold)
        .collect())
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
