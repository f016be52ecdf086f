//! Documents that share an id: clusters and `dup_of` name documents by id,
//! so a repeated id makes them ambiguous. Found once all documents are in,
//! from the ids the deduplicator holds anyway: a 64-bit hash and an index per
//! document, sorted, then ids compared within runs of equal hashes.

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::Deduplication;

/// New documents whose id an earlier new document already has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepeatedIds {
    /// How many documents repeat an earlier document's id.
    pub count: u64,
    /// The first repeat in document order: (the earlier document, the one
    /// repeating its id).
    pub first: Option<(usize, usize)>,
}

impl Deduplication {
    /// The new documents (not those of an index) that repeat an earlier new
    /// document's id. Takes 16 bytes per new document while it runs.
    pub fn repeated_ids(&self) -> RepeatedIds {
        let mut keyed: Vec<(u64, u32)> = (self.prior..self.len())
            .into_par_iter()
            .map(|i| (xxh3_64(self.id(i).as_bytes()), i as u32))
            .collect();
        keyed.par_sort_unstable();
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
                if let [earlier, second, ..] = *same {
                    found.count += same.len() as u64 - 1;
                    let pair = (earlier as usize, second as usize);
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
    fn indexed_documents_are_not_counted() {
        let mut first = Deduper::new(DedupOptions::default()).collect_index();
        first.push(
            "x",
            "an indexed text that nothing else in the run resembles",
        );
        let index = first.finish().kept_index().unwrap();
        let mut d = Deduper::against(DedupOptions::default(), index);
        d.push(
            "x",
            "a new text with the same id as the indexed one, but new",
        );
        d.push("y", "another new text, on a subject of its own entirely");
        d.push("y", "and a third new text, again on some other subject");
        let r = d.finish().repeated_ids();
        assert_eq!((r.count, r.first), (1, Some((2, 3))));
    }
}
