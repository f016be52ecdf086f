//! The clusters' part of a report: rates per site, sizes, the largest,
//! the sites that share stories.

use std::collections::HashMap;

use deboil_core::dedup::Deduplication;

use super::{Collector, SIZE_EDGES, bucket_of, buckets, collapse, cut};
use crate::report::{ClusterRow, Duplicates, SitePair, share};

impl Collector {
    /// The largest clusters (indices into `found.clusters`), largest first,
    /// ties in cluster order.
    pub(super) fn pick_clusters(&self, found: &Deduplication) -> Vec<usize> {
        let mut order: Vec<usize> = (0..found.clusters.len()).collect();
        order.sort_by_key(|&c| std::cmp::Reverse(found.clusters[c].members.len()));
        order.truncate(self.limits.clusters);
        order
    }

    /// The duplicates section, from `found`; `texts` holds the texts of
    /// the documents [`Collector::wanted`] named.
    pub(super) fn sum_clusters(
        &mut self,
        found: &Deduplication,
        texts: &HashMap<usize, String>,
    ) -> Duplicates {
        let prior = found.prior();
        let doc_sites = self.doc_sites.take().unwrap_or_default();
        let site_of = |i: usize| {
            (i >= prior)
                .then(|| doc_sites.get(i - prior).copied())
                .flatten()
        };
        let mut sizes = vec![0; SIZE_EDGES.len()];
        let mut pairs: HashMap<(u32, u32), u64> = HashMap::new();
        let mut exact_clusters = 0;
        for c in &found.clusters {
            sizes[bucket_of(&SIZE_EDGES, c.members.len() as u64)] += 1;
            exact_clusters += u64::from(c.exact);
            let mut sites: Vec<u32> = Vec::new();
            for m in &c.members {
                let Some(s) = site_of(m.doc) else { continue };
                if m.doc != c.representative {
                    self.sites[s as usize].duplicates += 1;
                }
                if !sites.contains(&s) && sites.len() < 32 {
                    sites.push(s);
                }
            }
            sites.sort_unstable();
            for (i, &a) in sites.iter().enumerate() {
                for &b in &sites[i + 1..] {
                    *pairs.entry((a, b)).or_default() += 1;
                }
            }
        }
        let name = |s: u32| self.sites[s as usize].name.clone();
        let mut pairs: Vec<SitePair> = pairs
            .into_iter()
            .map(|((a, b), clusters)| SitePair {
                sites: [name(a), name(b)],
                clusters,
            })
            .collect();
        pairs.sort_by(|a, b| {
            b.clusters
                .cmp(&a.clusters)
                .then_with(|| a.sites.cmp(&b.sites))
        });
        pairs.truncate(self.limits.pairs);
        let largest = self
            .pick_clusters(found)
            .into_iter()
            .map(|ci| {
                let c = &found.clusters[ci];
                let mut sites: Vec<String> = Vec::new();
                for m in &c.members {
                    let s = site_of(m.doc).map_or_else(|| "(index)".to_string(), name);
                    if !sites.contains(&s) {
                        sites.push(s);
                    }
                }
                let rep = c.representative;
                ClusterRow {
                    representative: found.id(rep).to_string(),
                    kind: if c.exact { "exact" } else { "near" }.into(),
                    size: c.members.len(),
                    sites,
                    members: c
                        .members
                        .iter()
                        .take(self.limits.members)
                        .map(|m| found.id(m.doc).to_string())
                        .collect(),
                    snippet: (rep >= prior)
                        .then(|| texts.get(&(rep - prior)))
                        .flatten()
                        .map(|t| cut(&collapse(t), self.limits.quote_chars)),
                }
            })
            .collect();
        let documents = (found.len() - prior) as u64;
        let dropped = found.stats.exact_dropped + found.stats.near_dropped;
        Duplicates {
            documents,
            kept: documents - dropped,
            exact_dropped: found.stats.exact_dropped,
            near_dropped: found.stats.near_dropped,
            duplicate_rate: share(dropped, documents),
            clusters: found.clusters.len() as u64,
            exact_clusters,
            indexed_documents: prior as u64,
            cluster_sizes: buckets(&SIZE_EDGES, &sizes),
            largest,
            site_pairs: pairs,
        }
    }
}
