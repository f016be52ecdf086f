//! Documents that share an id: clusters and `dup_of` name documents by id,
//! so a repeated id makes them ambiguous. Found once all documents are in,
//! from the ids the deduplicator holds anyway: a 64-bit hash and an index per
//! document, sorted, then ids compared within runs of equal hashes.

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::Deduplication;

/// New documents whose id an earlier document (new, or of the index)
/// already has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepeatedIds {
    /// How many documents repeat an earlier document's id.
    pub count: u64,
    /// The first repeat in document order: (the earlier document, which
    /// may lie in the index, the one repeating its id).
    pub first: Option<(usize, usize)>,
}

impl Deduplication {
    /// The new documents that repeat an earlier document's id, an indexed
    /// one's included (an index's own repeats are not counted: they were
    /// warned of when it was made). Takes 16 bytes per new document, and
    /// per indexed one whose id's hash a new one has, while it runs.
    pub fn repeated_ids(&self) -> RepeatedIds {
        let mut keyed: Vec<(u64, u32)> = (self.prior..self.len())
            .into_par_iter()
            .map(|i| (xxh3_64(self.id(i).as_bytes()), i as u32))
            .collect();
        keyed.par_sort_unstable();
        // The indexed documents that may share an id with a new one.
        let indexed: Vec<(u64, u32)> = (0..self.prior)
            .into_par_iter()
            .map(|i| (xxh3_64(self.id(i).as_bytes()), i as u32))
            .filter(|(h, _)| keyed.binary_search_by_key(h, |k| k.0).is_ok())
            .collect();
        if !indexed.is_empty() {
            keyed.extend(indexed);
            keyed.par_sort_unstable();
        }
        let mut found = RepeatedIds::default();
        let mut group: Vec<u32> = Vec::new();
        for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
            // Equal hashes, almost surely equal ids: group by id to be sure.
            group.clear();
            group.extend(run.iter().map(|&(_, i)| i));
            group.sort_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                self.id(a).cmp(self.id(b)).then(a.cmp(&b))
            });
            for same in group.chunk_by(|&a, &b| self.id(a as usize) == self.id(b as usize)) {
                // In document order: the indexed ones first.
                let new = same.partition_point(|&i| (i as usize) < self.prior);
                // Every new one repeats, but the first of all.
                let second = new + usize::from(new == 0);
                if second < same.len() {
                    found.count += (same.len() - second) as u64;
                    let pair = (same[0] as usize, same[second] as usize);
                    if found.first.is_none_or(|(_, s)| pair.1 < s) {
                        found.first = Some(pair);
                    }
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::{DedupOptions, Deduper};

    fn found(ids: &[&str]) -> RepeatedIds {
        let mut d = Deduper::new(DedupOptions::default());
        for (n, id) in ids.iter().enumerate() {
            d.push(
                id,
                &format!("text number {n} of its own, unlike the others"),
            );
        }
        d.finish().repeated_ids()
    }

    #[test]
    fn counts_repeats_and_names_the_first() {
        assert_eq!(found(&["a", "b", "c"]), RepeatedIds::default());
        // "b" repeats at 3 before "a" does at 4; "a" three times counts twice.
        let r = found(&["a", "b", "c", "b", "a", "a"]);
        assert_eq!(r.count, 3);
        assert_eq!(r.first, Some((1, 3)));
    }

    #[test]
    fn a_new_document_repeats_an_indexed_ones_id() {
        let mut first = Deduper::new(DedupOptions::default()).collect_index();
        first.push(
            "x",
            "an indexed text that nothing else in the run resembles",
        );
        first.push("z", "a second indexed text, about something else again");
        first.push("z", "the index's own repeat, warned of when it was made");
        let index = first.finish().kept_index().unwrap();
        let mut d = Deduper::against(DedupOptions::default(), index);
        d.push("z", "a new text on a subject of its own, with a known id");
        d.push("y", "another new text, on a subject of its own entirely");
        d.push("y", "and a third new text, again on some other subject");
        d.push(
            "x",
            "a new text with the same id as the indexed one, but new",
        );
        let r = d.finish().repeated_ids();
        // The new "z" repeats the indexed one (the first of them), the
        // second "y" the first, the new "x" the indexed one.
        assert_eq!((r.count, r.first), (3, Some((1, 3))));
    }
}
