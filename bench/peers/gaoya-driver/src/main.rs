//! Near-duplicate clusters with gaoya, for deboil's peer benchmark.
//!
//! usage: gaoya-driver CORPUS.jsonl CLUSTERS.jsonl THRESHOLD NUM_PERM BANDS ROWS
//! Lowercase whitespace tokens, word 5-gram shingles, MinHasher32; signatures
//! in parallel (rayon), then gaoya's index (which checks each candidate's
//! similarity against the threshold) queried document by document.
use gaoya::minhash::{MinHashIndex, MinHasher, MinHasher32};
use rayon::prelude::*;
use std::io::{BufRead, Write};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (threshold, num_perm, bands, rows): (f64, usize, usize, usize) = (
        a[3].parse().unwrap(),
        a[4].parse().unwrap(),
        a[5].parse().unwrap(),
        a[6].parse().unwrap(),
    );
    let mut ids = Vec::new();
    let mut texts = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(&a[1]).unwrap()).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        ids.push(v["id"].as_str().unwrap().to_string());
        texts.push(v["text"].as_str().unwrap().to_lowercase());
    }
    // gaoya needs exactly bands x rows hashes (117 for 9 x 13, not 128).
    let _ = num_perm;
    let hasher = MinHasher32::new(bands * rows);
    let sigs: Vec<Vec<u32>> = texts
        .par_iter()
        .map(|t| {
            let w: Vec<&str> = t.split_whitespace().collect();
            let n = 5.min(w.len().max(1));
            hasher.create_signature(w.windows(n).map(|g| g.join(" ")))
        })
        .collect();
    let mut index = MinHashIndex::new(bands, rows, threshold);
    let mut parent: Vec<usize> = (0..ids.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (i, s) in sigs.iter().enumerate() {
        let found: Vec<usize> = index.query_owned(s).into_iter().collect();
        for j in found {
            let (x, y) = (find(&mut parent, i), find(&mut parent, j));
            if x != y {
                parent[x.max(y)] = x.min(y);
            }
        }
        index.insert(i, s.clone());
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<&str>> = Default::default();
    for i in 0..ids.len() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(&ids[i]);
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(&a[2]).unwrap());
    for g in groups.values().filter(|g| g.len() > 1) {
        writeln!(out, "{}", serde_json::to_string(g).unwrap()).unwrap();
    }
}
