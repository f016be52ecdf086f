//! From union-find components to clusters: members, representative, and
//! each member's similarity to it.

use std::collections::HashMap;

use super::columns::Columns;
use super::{DedupOptions, Keep};
use crate::cluster::UnionFind;
use crate::minhash::SigStore;

/// A cluster of two or more documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Index (input order) of the kept document.
    pub representative: usize,
    /// `true` when all members have the same normalised text.
    pub exact: bool,
    /// Members in input order, with their similarity to the representative.
    pub members: Vec<Member>,
}

/// One member of a [`Cluster`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    /// Index (input order) of the document.
    pub doc: usize,
    /// Its similarity to the cluster's representative (1 for exact copies).
    pub similarity: f64,
}

/// Groups documents by root and picks each cluster's representative.
/// Documents below `prior` come from a saved index: a cluster holding one
/// keeps it, and clusters of indexed documents alone are not reported.
pub(super) fn build(
    opts: &DedupOptions,
    uf: &mut UnionFind,
    docs: &Columns,
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
            let rep = representative(&opts.keep, members, docs, prior);
            let exact = members.iter().all(|&m| docs.exact[m] == docs.exact[rep]);
            Cluster {
                representative: rep,
                exact,
                members: members
                    .iter()
                    .map(|&m| Member {
                        doc: m,
                        similarity: if docs.exact[m] == docs.exact[rep] {
                            1.0
                        } else {
                            opts.similarity(sigs.get(m), sigs.get(rep))
                        },
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The member kept: an indexed one if any (it was written by an earlier
/// run), else by the keep policy.
fn representative(keep: &Keep, members: &[usize], docs: &Columns, prior: usize) -> usize {
    match keep {
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
    }
}
