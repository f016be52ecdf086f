//! One site's decisions: which pages are copies of one story, which lines
//! and openings recur on enough stories, and which of them form blocks.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::cluster::UnionFind;
use crate::hash::{HashKeyed, HashSetKeyed, Mixed};

/// Groups a site's pages that are copies of one story: pages sharing at
/// least half of their long, rare lines.
fn story_groups(pages: &[PageLines], page_freq: &HashKeyed<u64, u32>) -> UnionFind {
    let n = pages.len();
    // Copies of one story are a handful of pages; a line on more is template.
    let rare = (n as u32 / 20).max(3);
    let residual: Vec<Vec<u64>> = pages
        .iter()
        .map(|p| {
            let mut r: Vec<u64> = p
                .hashes
                .iter()
                .zip(&p.words)
                .filter(|&(h, &w)| w >= STORY_LINE_WORDS && page_freq[h] <= rare)
                .map(|(&h, _)| h)
                .collect();
            r.sort_unstable();
            r.dedup();
            r
        })
        .collect();
    let mut holders: HashKeyed<u64, Vec<u32>> = HashKeyed::default();
    let mut uf = UnionFind::new(n);
    // Lines page `i` shares with each earlier page, counted in place: a line
    // held by many pages is met once per holder, the loop that dominates on
    // sites of many pages.
    let mut shared = vec![0u32; n];
    let mut met: Vec<u32> = Vec::new();
    for (i, r) in residual.iter().enumerate() {
        for h in r {
            let list = holders.entry(*h).or_default();
            for &j in list.iter() {
                let c = &mut shared[j as usize];
                if *c == 0 {
                    met.push(j);
                }
                *c += 1;
            }
            list.push(i as u32);
        }
        // In any order: the groups, and their roots (each group's first
        // page), do not depend on the order of unions.
        for &j in &met {
            let s = std::mem::take(&mut shared[j as usize]) as usize;
            let small = r.len().min(residual[j as usize].len());
            if small >= 2 && 2 * s >= small {
                uf.union(i as u32, j);
            }
        }
        met.clear();
    }
    uf
}

/// Words each neighbour of a line needs for the line to stand inside a
/// story's own text.
const INSIDE_WORDS: u16 = 12;

/// Drops from `freq` the recurring lines that stand, on a third of their
/// stories or more, between two long lines of the story itself (a series' section
/// header, a sign-off its stories share): article text, which the gold keeps,
/// where template stands among template or short lines.
fn drop_inside_text(
    pages: &[PageLines],
    by_story: &[usize],
    group: &[u32],
    freq: &mut HashKeyed<u64, u32>,
    need: u32,
) {
    let recurs = |h: &u64| freq.get(h).is_some_and(|&c| c >= need);
    let mut inside: HashKeyed<u64, u32> = HashKeyed::default();
    let mut seen = HashSetKeyed::default();
    for (n, &i) in by_story.iter().enumerate() {
        if n == 0 || group[i] != group[by_story[n - 1]] {
            seen.clear();
        }
        let p = &pages[i];
        let text = |j: usize| p.words[j] >= INSIDE_WORDS && !recurs(&p.hashes[j]);
        for k in 1..p.hashes.len().saturating_sub(1) {
            let h = p.hashes[k];
            if recurs(&h) && text(k - 1) && text(k + 1) && seen.insert(h) {
                *inside.entry(h).or_default() += 1;
            }
        }
    }
    freq.retain(|h, c| inside.get(h).is_none_or(|&a| 3 * a <= *c));
}

pub(super) fn learn_site(
    site: &str,
    pages: &[PageLines],
    opts: &LearnOptions,
) -> (SiteModel, Vec<LearnedRule>) {
    let mut page_freq: HashKeyed<u64, u32> = HashKeyed::default();
    let mut seen = HashSetKeyed::default();
    for p in pages {
        seen.clear();
        for &h in &p.hashes {
            if seen.insert(h) {
                *page_freq.entry(h).or_default() += 1;
            }
        }
    }
    let mut uf = story_groups(pages, &page_freq);
    // Count each line and opening once per story: walk the pages story by story.
    let group: Vec<u32> = (0..pages.len()).map(|i| uf.find(i as u32)).collect();
    let mut by_story: Vec<usize> = (0..pages.len()).collect();
    by_story.sort_by_key(|&i| (group[i], i));
    let mut freq: HashKeyed<u64, u32> = HashKeyed::default();
    let mut prefix_freq: HashKeyed<u64, u32> = HashKeyed::default();
    // Per opening: the first line seen with it, and whether others differ.
    let mut variants: HashKeyed<u64, (u64, bool)> = HashKeyed::default();
    let (mut lines_seen, mut openings_seen) = (HashSetKeyed::default(), HashSetKeyed::default());
    let mut groups = 0;
    for (n, &i) in by_story.iter().enumerate() {
        if n == 0 || group[i] != group[by_story[n - 1]] {
            groups += 1;
            lines_seen.clear();
            openings_seen.clear();
        }
        let p = &pages[i];
        for (&h, &pf) in p.hashes.iter().zip(&p.prefixes) {
            if lines_seen.insert(h) {
                *freq.entry(h).or_default() += 1;
            }
            if pf != 0 {
                if openings_seen.insert(pf) {
                    *prefix_freq.entry(pf).or_default() += 1;
                }
                let v = variants.entry(pf).or_insert((h, false));
                v.1 |= v.0 != h;
            }
        }
    }
    let need = (opts.min_pages as f64)
        .max((opts.min_share * groups as f64).ceil())
        .max(2.0) as u32;
    drop_inside_text(pages, &by_story, &group, &mut freq, need);
    let template: HashSetKeyed<u64> = freq
        .iter()
        .filter(|&(_, &c)| c >= need)
        .map(|(&h, _)| h)
        .collect();

    // Openings shared by many pages whose lines vary ("Translated by ...").
    let prefix_need = need.max((PREFIX_MIN_SHARE * groups as f64).ceil() as u32);
    // A prefix only ever seen on one line is that line: learned as a line.
    prefix_freq.retain(|pf, c| *c >= prefix_need && variants[pf].1);
    let unit_of = |h: u64, pf: u64| -> Option<(Unit, u32)> {
        // No opening is 0; the template is the lines of `need` stories or more.
        if pf != 0
            && let Some(&c) = prefix_freq.get(&pf)
        {
            return Some((Unit::Prefix(pf), c));
        }
        freq.get(&h)
            .filter(|&&c| c >= need)
            .map(|&c| (Unit::Line(h), c))
    };

    // Units in order of first appearance (input order: deterministic).
    let mut ids: HashKeyed<Unit, usize> = HashKeyed::default();
    let mut order: Vec<(Unit, u32, u16)> = Vec::new();
    let mut longest: Vec<u16> = Vec::new();
    for p in pages {
        for ((&h, &pf), &w) in p.hashes.iter().zip(&p.prefixes).zip(&p.words) {
            if let Some((u, c)) = unit_of(h, pf) {
                let id = *ids.entry(u).or_insert_with(|| {
                    order.push((u, c, w));
                    longest.push(0);
                    order.len() - 1
                });
                longest[id] = longest[id].max(w);
            }
        }
    }
    // Blocks: units that stand next to each other, counted once per story.
    // A site counts a pair for every two template lines next to each other
    // on a page: small integer keys, hashed by a multiply, not SipHash.
    let mut pair_count: HashMap<(usize, usize), u32, Mixed> = HashMap::default();
    let mut pairs_seen: HashSet<(usize, usize), Mixed> = HashSet::default();
    for (n, &i) in by_story.iter().enumerate() {
        if n == 0 || group[i] != group[by_story[n - 1]] {
            pairs_seen.clear();
        }
        let p = &pages[i];
        let mut prev: Option<usize> = None;
        for (&h, &pf) in p.hashes.iter().zip(&p.prefixes) {
            let id = unit_of(h, pf).map(|(u, _)| ids[&u]);
            if let (Some(a), Some(b)) = (prev, id)
                && a != b
                && pairs_seen.insert((a.min(b), a.max(b)))
            {
                *pair_count.entry((a.min(b), a.max(b))).or_default() += 1;
            }
            prev = id;
        }
    }
    let mut blocks = UnionFind::new(order.len());
    let mut pairs: Vec<(&(usize, usize), &u32)> = pair_count.iter().collect();
    pairs.sort_unstable_by_key(|(k, _)| **k);
    for (&(a, b), &together) in pairs {
        // Units join a block when they stand together on most pages that
        // hold either, not merely somewhere (section headers meet many lines).
        let more = order[a].1.max(order[b].1);
        if together >= need && 2 * together >= more {
            blocks.union(a as u32, b as u32);
        }
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..order.len() {
        members
            .entry(blocks.find(i as u32) as usize)
            .or_default()
            .push(i);
    }
    let mut rules = Vec::new();
    for m in members.values() {
        // A block of short lines only is not evidence enough (section
        // headers recur in clean text too).
        if !m.iter().any(|&i| order[i].2 as usize >= opts.min_words) {
            continue;
        }
        let lines: Vec<Unit> = m.iter().map(|&i| order[i].0).collect();
        let pages_max = m.iter().map(|&i| order[i].1 as usize).max().unwrap_or(0);
        let words_removed = m
            .iter()
            .map(|&i| u64::from(order[i].2) * u64::from(order[i].1))
            .sum();
        rules.push(LearnedRule {
            site: site.to_string(),
            examples: vec![None; lines.len()],
            max_words: m.iter().map(|&i| longest[i] as usize).max().unwrap_or(0),
            lines,
            pages: pages_max,
            site_pages: groups,
            words_removed,
        });
    }
    (SiteModel { template }, rules)
}
