//! Finding and dropping duplicate documents: exact (xxh3-128 of the normalised
//! text) and near (MinHash + LSH, every candidate verified).
//!
//! Pass one reads the inputs, cleans them when asked, spools each document's
//! output line to a temp file and computes its signature in parallel; the
//! decisions are then taken one document at a time in input order, so the
//! result does not depend on threads or batch sizes. Pass two reads the
//! spool back, batch by batch in parallel, and writes the kept (or marked)
//! documents in input order.

use std::collections::HashMap;
use std::io::{BufWriter, Write};

use rayon::prelude::*;

use xxhash_rust::xxh3::xxh3_128;

use crate::clean::{Cause, Cleaner};
use crate::cluster::UnionFind;
use crate::doc::{BadRecord, Document};
use crate::error::{Error, Result};
use crate::index::SavedIndex;
use crate::lsh::{self, Params};
use crate::minhash::{SigRef, SigStore, Signature, Signer};
use crate::normalize;
use crate::pipeline::{Extras, ReadOptions, Summary, par_batches_then};
use crate::read::Input;

/// Which member of a cluster is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keep {
    /// The first in input order.
    First,
    /// The longest (in characters); ties go to the first.
    Longest,
    /// The greatest value of a JSON field (ISO dates compare as text); ties
    /// and documents without it go to the first.
    Newest(String),
}

impl std::str::FromStr for Keep {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "first" => Ok(Keep::First),
            "longest" => Ok(Keep::Longest),
            _ => match s.strip_prefix("newest:") {
                Some(f) if !f.is_empty() => Ok(Keep::Newest(f.to_string())),
                _ => Err(format!("`{s}`: expected first, longest or newest:FIELD")),
            },
        }
    }
}

/// How a verified pair's similarity is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Shared shingles over all shingles of both.
    Jaccard,
    /// Shared shingles over the smaller document's: an abridged copy matches.
    Containment,
}

/// How a candidate pair is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Similarity estimated from the two signatures.
    Signature,
    /// Similarity of the two shingle sets, computed from the texts (read back
    /// from the spool); pairs with a document of a saved index, which has
    /// no text, fall back to the signatures.
    Exact,
}

/// Options of the deduplicator.
#[derive(Debug, Clone)]
pub struct DedupOptions {
    /// Shingling, permutations and signature scheme.
    pub signer: Signer,
    /// LSH bands x rows.
    pub params: Params,
    /// Pairs at or above this similarity are duplicates.
    pub threshold: f64,
    /// Jaccard or containment.
    pub measure: Measure,
    /// Which member of a cluster is kept.
    pub keep: Keep,
    /// Candidates taken from one LSH bucket at most.
    pub max_per_bucket: usize,
    /// With containment: pairs below this Jaccard similarity never match, so
    /// a short text sharing a paragraph or two with a long one is no copy.
    pub min_jaccard: f64,
    /// Verify candidates on the signatures or on the texts.
    pub verify: Verify,
}

/// What the second pass writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every singleton and one representative per cluster.
    Drop,
    /// Every document, with `dup_of` and `cluster_size` added.
    Mark,
}

/// A cluster of two or more documents.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Index (input order) of the kept document.
    pub representative: usize,
    /// `true` when all members have the same normalised text.
    pub exact: bool,
    /// Members in input order, with their similarity to the representative.
    pub members: Vec<(usize, f64)>,
}

/// What a dedup run found.
#[derive(Debug, Default, Clone)]
pub struct DedupSummary {
    /// Reading and cleaning figures.
    pub read: Summary,
    /// Documents dropped as exact duplicates of a kept one.
    pub exact_dropped: u64,
    /// Documents dropped as near duplicates.
    pub near_dropped: u64,
    /// Clusters of two or more.
    pub clusters: u64,
    /// Candidate pairs from LSH, and how many were verified as duplicates.
    pub candidates: u64,
    /// Candidate pairs that passed verification.
    pub verified: u64,
    /// Bytes held at the end of pass one: the LSH index, the signatures, and
    /// the per-document ids and hashes (exact-hash map included).
    pub memory: [usize; 3],
}

thread_local! {
    /// The normalised text of the document at hand: one buffer per thread.
    static KEY: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// One document's facts, as a worker hands them over.
struct Meta {
    exact: u128,
    id: Box<str>,
    /// Only with `--keep newest:FIELD`.
    newest: Option<Box<str>>,
    chars: u32,
}

/// Per-document facts kept between the passes, column by column: there is
/// one entry per document, so no allocation or padding per document.
#[derive(Default)]
struct Docs {
    /// Each normalised text's 128-bit hash.
    exact: Vec<u128>,
    /// The ids end to end; the i-th ends at `id_ends[i]`.
    ids: String,
    id_ends: Vec<u64>,
    /// Only with `--keep longest`: each text's characters.
    chars: Vec<u32>,
    /// Only with `--keep newest:FIELD`: each document's value.
    newest: Vec<Option<Box<str>>>,
}

impl Docs {
    fn push(&mut self, m: Meta, keep: &Keep) {
        self.exact.push(m.exact);
        self.ids.push_str(&m.id);
        self.id_ends.push(self.ids.len() as u64);
        match keep {
            Keep::First => {}
            Keep::Longest => self.chars.push(m.chars),
            Keep::Newest(_) => self.newest.push(m.newest),
        }
    }

    fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] };
        &self.ids[start as usize..self.id_ends[i] as usize]
    }

    fn len(&self) -> usize {
        self.exact.len()
    }

    fn memory_bytes(&self) -> usize {
        let newest: usize = self.newest.iter().flatten().map(|n| n.len()).sum();
        self.exact.capacity() * 16
            + self.ids.capacity()
            + self.id_ends.capacity() * 8
            + self.chars.capacity() * 4
            + self.newest.capacity() * std::mem::size_of::<Option<Box<str>>>()
            + newest
    }
}

enum Outcome {
    Done {
        line: Vec<u8>,
        /// Where `line` went in the spool (offset, length).
        span: (u64, u64),
        meta: Meta,
        sig: Signature,
        /// LSH band hashes, computed by the workers.
        bands: Vec<u64>,
        bytes_in: usize,
        bytes_out: usize,
        removals: Vec<(Cause, u64)>,
    },
    Bad(BadRecord),
}

/// The `dedup` job (and, with a cleaner, `run`).
pub struct DedupJob<'r> {
    /// Clean before deduplicating (`run`), or not (`dedup`).
    pub cleaner: Option<Cleaner<'r>>,
    /// How inputs are read.
    pub read: ReadOptions,
    /// How duplicates are found and chosen.
    pub opts: DedupOptions,
    /// A saved index (`--against`): new documents duplicating its documents
    /// are dropped; its documents are never written.
    pub against: Option<SavedIndex>,
    /// Collect the index of kept documents (for `--save-index`).
    pub collect_kept: bool,
}

/// What a dedup run found and kept.
pub struct DedupResult {
    /// Counts.
    pub summary: DedupSummary,
    /// Clusters with at least one new document, in order of their first member.
    pub clusters: Vec<Cluster>,
    /// With `collect_kept`, the index of everything kept: the `--against`
    /// index plus the new documents written (for `--save-index`).
    pub kept: SavedIndex,
}

/// Where the results go.
pub struct DedupOutputs<'a> {
    /// The kept (or marked) documents, JSONL.
    pub out: Box<dyn Write + 'a>,
    /// One JSON object per cluster of two or more.
    pub clusters: Option<Box<dyn Write + 'a>>,
    /// Drop duplicates or mark them.
    pub mode: Mode,
}

impl DedupJob<'_> {
    fn process(&self, rec: &crate::read::RawRecord) -> Outcome {
        let doc = match Document::parse(rec, &self.read.names) {
            Ok(d) => d,
            Err(b) => return Outcome::Bad(b),
        };
        let (text, removals) = match &self.cleaner {
            Some(c) => {
                let cleaned = c.clean(&doc.text, &doc.site);
                let counts = cleaned.removal_counts();
                (std::borrow::Cow::Owned(cleaned.text), counts)
            }
            None => (std::borrow::Cow::Borrowed(doc.text.as_str()), Vec::new()),
        };
        let (sig, exact) = KEY.with_borrow_mut(|key| {
            key.clear();
            normalize::push_key(&text, key);
            (self.opts.signer.sign_key_bytes(key), xxh3_128(key))
        });
        let mut bands = Vec::with_capacity(self.opts.params.bands);
        lsh::band_hashes(&sig, self.opts.params, &mut bands);
        let mut line = Vec::with_capacity(text.len() + 64);
        doc.write_jsonl(&text, &mut line);
        let newest = match &self.opts.keep {
            Keep::Newest(f) => doc.field_text(f),
            _ => None,
        };
        Outcome::Done {
            meta: Meta {
                id: doc.id.as_str().into(),
                chars: match self.opts.keep {
                    Keep::Longest => u32::try_from(text.chars().count()).unwrap_or(u32::MAX),
                    _ => 0,
                },
                newest: newest.map(String::into_boxed_str),
                exact,
            },
            line,
            span: (0, 0),
            sig,
            bands,
            bytes_in: doc.text.len(),
            bytes_out: text.len(),
            removals,
        }
    }

    /// Runs both passes over `inputs`.
    pub fn run(
        &self,
        inputs: Vec<Input>,
        mut outputs: DedupOutputs,
        mut extras: Extras,
    ) -> Result<DedupResult> {
        let mut summary = DedupSummary::default();
        let spool_file = tempfile::tempfile().map_err(|e| Error::io("spool file", e))?;
        // Exact verification reads texts back while pass one still writes.
        let spool_read = spool_file
            .try_clone()
            .map_err(|e| Error::io("spool file", e))?;
        let exact_verify = self.opts.verify == Verify::Exact;
        let mut spans: Vec<(u64, u64)> = Vec::new();
        let mut spool = BufWriter::with_capacity(1 << 20, spool_file);
        let mut docs = Docs::default();
        let mut sigs = SigStore::new(self.opts.signer.num_perm(), self.collect_kept);
        let mut uf = UnionFind::new(0);
        // The first document of each normalised text, by the low half of its
        // hash (`docs.exact` holds the whole).
        let mut exact: lsh::HashKeyed<u64, u32> = lsh::HashKeyed::default();
        let mut index = lsh::Index::new(self.opts.params.bands, self.opts.max_per_bucket);
        let mut bands = Vec::new();
        let mut candidates = Vec::new();
        // Indexed documents come first, as documents 0..prior.
        let prior = self.against.as_ref().map_or(0, |a| a.ids.len());
        if let Some(a) = &self.against {
            for ((id, &h), sig) in a.ids.iter().zip(&a.exact).zip(&a.sigs) {
                let doc = uf.push();
                exact.entry(h as u64).or_insert(doc);
                lsh::band_hashes(sig, self.opts.params, &mut bands);
                index.insert(doc, &bands, &mut candidates);
                let meta = Meta {
                    id: id.as_str().into(),
                    chars: 0,
                    newest: None,
                    exact: h,
                };
                docs.push(meta, &self.opts.keep);
                sigs.push(sig);
            }
        }
        let work = |r: &crate::read::RawRecord| self.process(r);
        // Output lines go to the spool on the worker side, in order; each
        // batch's part is noted so that pass two can read parts in parallel.
        let mut parts: Vec<SpoolPart> = Vec::new();
        let spool_lines = |outcomes: &mut [Outcome]| {
            let mut part = SpoolPart {
                first: parts.last().map_or(prior, |p| p.first + p.docs),
                docs: 0,
                offset: parts.last().map_or(0, |p| p.offset + p.bytes),
                bytes: 0,
            };
            for oc in outcomes {
                if let Outcome::Done { line, span, .. } = oc {
                    spool
                        .write_all(line)
                        .map_err(|e| Error::io("spool file", e))?;
                    *span = (part.offset + part.bytes, line.len() as u64);
                    part.docs += 1;
                    part.bytes += line.len() as u64;
                    *line = Vec::new();
                }
            }
            if exact_verify {
                // The batch's texts must be readable before it is decided.
                spool.flush().map_err(|e| Error::io("spool file", e))?;
            }
            parts.push(part);
            Ok(())
        };
        par_batches_then(inputs, &self.read, work, spool_lines, |batch, outcomes| {
            // With exact verification, this batch's candidate pairs; they are
            // verified together (in parallel) once the batch is indexed.
            // Clusters are components, so the order of unions is free.
            let mut pairs: Vec<(u32, u32)> = Vec::new();
            for (rec, oc) in batch.iter().zip(outcomes) {
                match oc {
                    Outcome::Bad(b) => {
                        extras.bad_record(rec, b, &mut summary.read)?;
                    }
                    Outcome::Done {
                        line: _,
                        span,
                        meta,
                        sig,
                        bands,
                        bytes_in,
                        bytes_out,
                        removals,
                    } => {
                        let r = &mut summary.read;
                        r.docs += 1;
                        r.bytes_in += bytes_in as u64;
                        r.bytes_out += bytes_out as u64;
                        r.changed_docs += u64::from(!removals.is_empty());
                        for (c, n) in removals {
                            *r.removals.entry(c).or_default() += n;
                        }
                        let doc = uf.push();
                        let h = meta.exact;
                        docs.push(meta, &self.opts.keep);
                        sigs.push(&sig);
                        if exact_verify {
                            spans.push(span);
                        }
                        let first = exact.get(&(h as u64)).copied();
                        match first {
                            // Exact copies join their first copy and stay out
                            // of the LSH buckets, which they would only crowd.
                            Some(first) if docs.exact[first as usize] == h => {
                                uf.union(first, doc);
                                index.skip(doc);
                            }
                            _ => {
                                // (A 64-bit collision of two texts, first
                                // `Some`, leaves the first in the map.)
                                exact.entry(h as u64).or_insert(doc);
                                index.insert(doc, &bands, &mut candidates);
                                let new = sigs.get(doc as usize);
                                for &c in &candidates {
                                    summary.candidates += 1;
                                    if exact_verify && c as usize >= prior {
                                        pairs.push((doc, c));
                                    } else if self.similarity(new, sigs.get(c as usize))
                                        >= self.opts.threshold
                                    {
                                        summary.verified += 1;
                                        uf.union(c, doc);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if !pairs.is_empty() {
                let text = TextsBack {
                    spool: &spool_read,
                    spans: &spans,
                    prior,
                };
                let sims = self.exact_similarities(&pairs, &text)?;
                for (&(doc, c), s) in pairs.iter().zip(sims) {
                    if s >= self.opts.threshold {
                        summary.verified += 1;
                        uf.union(c, doc);
                    }
                }
            }
            Ok(())
        })?;
        summary.memory = [
            index.memory_bytes(),
            sigs.memory_bytes(),
            docs.memory_bytes()
                + exact.capacity() * (std::mem::size_of::<(u64, u32)>() + 1)
                + uf.memory_bytes(),
        ];
        let mut clusters = self.clusters(&mut uf, &docs, &sigs, prior);
        if exact_verify {
            let text = TextsBack {
                spool: &spool_read,
                spans: &spans,
                prior,
            };
            self.exact_cluster_similarities(&mut clusters, &docs, &text)?;
        }
        let spool_file = spool
            .into_inner()
            .map_err(|e| Error::io("spool file", e.into_error()))?;
        // Per document: its cluster (index into `clusters`), if any.
        let mut cluster_of: Vec<Option<u32>> = vec![None; docs.len()];
        for (ci, c) in clusters.iter().enumerate() {
            for &(m, _) in &c.members {
                cluster_of[m] = Some(ci as u32);
            }
            summary.clusters += 1;
            // Indexed members were written by an earlier run.
            let dropped = c
                .members
                .iter()
                .filter(|&&(m, _)| m >= prior && m != c.representative)
                .count() as u64;
            if c.exact {
                summary.exact_dropped += dropped;
            } else {
                summary.near_dropped += dropped;
            }
        }
        let is_rep =
            |i: usize| cluster_of[i].is_none_or(|c| clusters[c as usize].representative == i);
        let mut kept = match (&self.against, self.collect_kept) {
            (Some(a), true) => a.clone(),
            _ => SavedIndex::default(),
        };
        if self.collect_kept {
            for i in (prior..docs.len()).filter(|&i| is_rep(i)) {
                kept.ids.push(docs.id(i).to_string());
                kept.exact.push(docs.exact[i]);
                kept.sigs
                    .push(sigs.full(i).expect("kept in full with collect_kept"));
            }
        }
        // Pass two: spool parts are read and filtered in parallel, a few
        // batches at a time, and written in order. Each slot's buffers are
        // reused (fresh multi-megabyte buffers cost a page fault per page).
        let pass_two = |part: &SpoolPart, (lines, out): &mut (Vec<u8>, Vec<u8>)| -> Result<()> {
            lines.resize(part.bytes as usize, 0);
            read_at(&spool_file, lines, part.offset).map_err(|e| Error::io("spool file", e))?;
            out.clear();
            let mut rest = &lines[..];
            let range = part.first..part.first + part.docs;
            for (of, i) in cluster_of[range.clone()].iter().zip(range) {
                let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |p| p + 1);
                let (line, tail) = rest.split_at(end);
                rest = tail;
                let cluster = of.map(|c| &clusters[c as usize]);
                match outputs.mode {
                    Mode::Drop if is_rep(i) => out.extend_from_slice(line),
                    Mode::Drop => {}
                    Mode::Mark => {
                        let dup_of = match cluster {
                            Some(c) if c.representative != i => Some(docs.id(c.representative)),
                            _ => None,
                        };
                        mark(line, dup_of, cluster.map_or(1, |c| c.members.len()), out);
                    }
                }
            }
            Ok(())
        };
        let mut slots = vec![(Vec::new(), Vec::new()); 2 * rayon::current_num_threads()];
        for chunk in parts.chunks(slots.len()) {
            chunk
                .par_iter()
                .zip(&mut slots)
                .map(|(part, slot)| pass_two(part, slot))
                .collect::<Result<()>>()?;
            for (_, out) in &slots[..chunk.len()] {
                outputs.out.write_all(out).map_err(Error::Output)?;
            }
        }
        outputs.out.flush().map_err(Error::Output)?;
        if let Some(w) = outputs.clusters.as_mut() {
            for c in &clusters {
                write_cluster(w, c, &docs).map_err(Error::Output)?;
            }
            w.flush().map_err(Error::Output)?;
        }
        extras.finish()?;
        Ok(DedupResult {
            summary,
            clusters,
            kept,
        })
    }

    /// The exact similarity of each pair, from the documents' texts.
    fn exact_similarities(&self, pairs: &[(u32, u32)], text: &TextsBack) -> Result<Vec<f64>> {
        // Each document's shingles once, however many pairs it is in.
        let mut ids: Vec<u32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
        ids.sort_unstable();
        ids.dedup();
        let sets: Vec<Vec<u64>> = ids
            .par_iter()
            .map(|&i| text.shingles(i as usize, self))
            .collect::<Result<_>>()?;
        let set = |i: u32| &sets[ids.binary_search(&i).expect("collected above")];
        Ok(pairs
            .par_iter()
            .map(|&(a, b)| self.set_similarity(set(a), set(b)))
            .collect())
    }

    /// Replaces the clusters' estimated member similarities by exact ones
    /// (members from a saved index keep their estimates: no text).
    fn exact_cluster_similarities(
        &self,
        clusters: &mut [Cluster],
        docs: &Docs,
        text: &TextsBack,
    ) -> Result<()> {
        clusters.par_iter_mut().try_for_each(|c| {
            if c.representative < text.prior {
                return Ok(());
            }
            let rep = text.shingles(c.representative, self)?;
            for (m, s) in &mut c.members {
                if *m >= text.prior && docs.exact[*m] != docs.exact[c.representative] {
                    *s = self.set_similarity(&text.shingles(*m, self)?, &rep);
                }
            }
            Ok(())
        })
    }

    /// Exact similarity of two sorted shingle sets, by the job's measure.
    fn set_similarity(&self, a: &[u64], b: &[u64]) -> f64 {
        let (mut i, mut j, mut inter) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => (i, j, inter) = (i + 1, j + 1, inter + 1),
            }
        }
        let union = a.len() + b.len() - inter;
        let jaccard = if union == 0 {
            1.0
        } else {
            inter as f64 / union as f64
        };
        match self.opts.measure {
            Measure::Jaccard => jaccard,
            Measure::Containment if jaccard < self.opts.min_jaccard => 0.0,
            Measure::Containment => match a.len().min(b.len()) {
                0 => jaccard,
                small => inter as f64 / small as f64,
            },
        }
    }

    fn similarity(&self, a: SigRef, b: SigRef) -> f64 {
        match self.opts.measure {
            Measure::Jaccard => a.similarity(&b),
            Measure::Containment if a.similarity(&b) < self.opts.min_jaccard => 0.0,
            Measure::Containment => a.containment(&b),
        }
    }

    /// Groups documents by root and picks each cluster's representative.
    /// Documents below `prior` come from a saved index: a cluster holding one
    /// keeps it, and clusters of indexed documents alone are not reported.
    fn clusters(
        &self,
        uf: &mut UnionFind,
        docs: &Docs,
        sigs: &SigStore,
        prior: usize,
    ) -> Vec<Cluster> {
        // Most documents are singletons: size the sets first, then collect
        // members of the sets of two or more only.
        let roots: Vec<u32> = (0..uf.len() as u32).map(|i| uf.find(i)).collect();
        let mut size = vec![0u32; roots.len()];
        for &r in &roots {
            size[r as usize] += 1;
        }
        let mut groups: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, &r) in roots.iter().enumerate() {
            if size[r as usize] > 1 {
                groups.entry(r).or_default().push(i);
            }
        }
        drop((roots, size));
        let mut roots: Vec<u32> = groups
            .iter()
            .filter(|(_, m)| m.iter().any(|&d| d >= prior))
            .map(|(&r, _)| r)
            .collect();
        // Roots are each cluster's first member: input order.
        roots.sort_unstable();
        roots
            .into_iter()
            .map(|r| {
                let members = &groups[&r];
                let rep = match &self.opts.keep {
                    _ if members[0] < prior => members[0],
                    Keep::First => members[0],
                    Keep::Longest => *members
                        .iter()
                        .max_by_key(|&&m| (docs.chars[m], std::cmp::Reverse(m)))
                        .expect("non-empty"),
                    Keep::Newest(_) => *members
                        .iter()
                        .max_by(|&&a, &&b| docs.newest[a].cmp(&docs.newest[b]).then(b.cmp(&a)))
                        .expect("non-empty"),
                };
                let exact = members.iter().all(|&m| docs.exact[m] == docs.exact[rep]);
                Cluster {
                    representative: rep,
                    exact,
                    members: members
                        .iter()
                        .map(|&m| {
                            let s = if docs.exact[m] == docs.exact[rep] {
                                1.0
                            } else {
                                self.similarity(sigs.get(m), sigs.get(rep))
                            };
                            (m, s)
                        })
                        .collect(),
                }
            })
            .collect()
    }
}

/// Texts read back from the spool, for exact verification.
struct TextsBack<'a> {
    spool: &'a std::fs::File,
    /// Each new document's line in the spool (offset, length).
    spans: &'a [(u64, u64)],
    /// Documents before this come from a saved index and have no text.
    prior: usize,
}

impl TextsBack<'_> {
    /// Document `i`'s distinct shingle hashes, sorted: its line read back,
    /// its text (as cleaned, so as signed) shingled again.
    fn shingles(&self, i: usize, job: &DedupJob) -> Result<Vec<u64>> {
        let (offset, len) = self.spans[i - self.prior];
        let mut line = vec![0; len as usize];
        read_at(self.spool, &mut line, offset).map_err(|e| Error::io("spool file", e))?;
        let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&line)
            .map_err(|e| Error::io("spool file", std::io::Error::other(e)))?;
        // JSONL inputs keep their text field's name; text files write "text".
        let text = [job.read.names.text.as_str(), "text"]
            .iter()
            .find_map(|f| fields.get(*f).and_then(serde_json::Value::as_str))
            .unwrap_or("");
        let mut set = Vec::new();
        job.opts
            .signer
            .shingles(&normalize::key(text), |h| set.push(h));
        set.sort_unstable();
        set.dedup();
        Ok(set)
    }
}

/// Where one batch's output lines lie in the spool.
struct SpoolPart {
    /// The first document's index, and how many there are.
    first: usize,
    docs: usize,
    /// Byte offset and length in the spool.
    offset: u64,
    bytes: u64,
}

/// Reads `buf.len()` bytes at `offset` without moving a shared file position,
/// so several threads can read one file.
fn read_at(f: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
    }
    #[cfg(windows)]
    {
        let (mut done, mut at) = (0, offset);
        while done < buf.len() {
            match std::os::windows::fs::FileExt::seek_read(f, &mut buf[done..], at)? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => (done, at) = (done + n, at + n as u64),
            }
        }
        Ok(())
    }
}

/// Appends `line` (a JSON object and a newline) with `dup_of` and
/// `cluster_size` added before its closing brace.
fn mark(line: &[u8], dup_of: Option<&str>, size: usize, out: &mut Vec<u8>) {
    let end = line.len() - 2;
    out.extend_from_slice(&line[..end]);
    if line[end - 1] != b'{' {
        out.push(b',');
    }
    out.extend_from_slice(b"\"dup_of\":");
    serde_json::to_writer(&mut *out, &dup_of).expect("writing to a Vec");
    out.extend_from_slice(format!(",\"cluster_size\":{size}}}\n").as_bytes());
}

fn write_cluster(w: &mut dyn Write, c: &Cluster, docs: &Docs) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct Member<'a> {
        id: &'a str,
        similarity: f64,
    }
    #[derive(serde::Serialize)]
    struct Record<'a> {
        representative: &'a str,
        kind: &'a str,
        members: Vec<Member<'a>>,
    }
    let rec = Record {
        representative: docs.id(c.representative),
        kind: if c.exact { "exact" } else { "near" },
        members: c
            .members
            .iter()
            .map(|&(m, s)| Member {
                id: docs.id(m),
                similarity: (s * 10_000.0).round() / 10_000.0,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *w, &rec)?;
    w.write_all(b"\n")
}
