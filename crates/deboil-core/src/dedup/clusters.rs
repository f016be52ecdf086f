//! From union-find components to clusters: components split into stars
//! around a centre, a representative per star, and each member's similarity
//! to it.
//!
//! Union-find over verified pairs joins A to C through B however unlike A
//! and C are, and short texts sharing a few lines glue hundreds of stories
//! that way. So a component is only a candidate: it is split into stars,
//! each a centre and the members within the threshold of it. The centre is
//! chosen by content, not by input order (the member with the most shingles,
//! the most complete version; ties by text hash), so clusters do not depend
//! on input order, and every member is within the threshold of one document.

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

/// Components of two or more documents with at least one new document
/// (index `prior` or more), members in input order, components in order of
/// their first member.
pub(super) fn components(uf: &mut UnionFind, prior: usize) -> Vec<Vec<usize>> {
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
    let mut out: Vec<Vec<usize>> = groups
        .into_values()
        .filter(|m| m.iter().any(|&d| d >= prior))
        .collect();
    out.sort_unstable_by_key(|m| m[0]);
    out
}

/// Splits one component into clusters (stars), with `sim(a, b)` the
/// similarity of two of its documents.
pub(super) fn split(
    opts: &DedupOptions,
    members: &[usize],
    docs: &Columns,
    sigs: &SigStore,
    prior: usize,
    sim: impl Fn(usize, usize) -> f64,
) -> Vec<Cluster> {
    let mut order: Vec<usize> = members.to_vec();
    order.sort_by_key(|&m| (std::cmp::Reverse(sigs.get(m).shingles), docs.exact[m], m));
    let same = |a: usize, b: usize| docs.exact[a] == docs.exact[b];
    let mut taken = vec![false; order.len()];
    let mut out = Vec::new();
    for i in 0..order.len() {
        if taken[i] {
            continue;
        }
        let centre = order[i];
        taken[i] = true;
        let mut star = vec![centre];
        for j in i + 1..order.len() {
            let m = order[j];
            if !taken[j] && (same(m, centre) || sim(m, centre) >= opts.threshold) {
                taken[j] = true;
                star.push(m);
            }
        }
        if star.len() < 2 || star.iter().all(|&d| d < prior) {
            continue;
        }
        star.sort_unstable();
        let rep = representative(&opts.keep, &star, docs, prior);
        out.push(Cluster {
            representative: rep,
            exact: star.iter().all(|&m| same(m, rep)),
            members: star
                .iter()
                .map(|&m| Member {
                    doc: m,
                    similarity: if same(m, rep) { 1.0 } else { sim(m, rep) },
                })
                .collect(),
        });
    }
    out
}

/// How two values of the `newest:` field compare: a missing value is the
/// oldest, numbers (`9`, `10`, `1.7e9`: epoch times, versions) compare by
/// value and come before text, and text compares as text (ISO dates). A
/// total order, so the member kept does not depend on the members' order.
fn newer(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    fn number(s: &str) -> Option<f64> {
        s.parse::<f64>().ok().filter(|v| v.is_finite())
    }
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => match (number(x), number(y)) {
            (Some(p), Some(q)) => p.total_cmp(&q).then_with(|| x.cmp(y)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => x.cmp(y),
        },
    }
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
            .max_by(|&&a, &&b| {
                newer(docs.newest[a].as_deref(), docs.newest[b].as_deref()).then(b.cmp(&a))
            })
            .expect("non-empty"),
    }
}
