//! One-permutation hashing with optimal densification against classic K-hash
//! MinHash: signing speed and estimate error against exact Jaccard.
//!
//! `cargo bench --bench minhash` prints a table and writes
//! `bench/results/minhash.md`. Documents are built from the seed articles'
//! words; pairs share a known fraction of their word 5-grams.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::Instant;

use deboil_core::minhash::{Scheme, Shingling, Signer};

fn vocabulary() -> Vec<String> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/seeds/input/caucasuswatch.de"
    );
    let mut words: Vec<String> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        words.extend(
            std::fs::read_to_string(p)
                .unwrap()
                .split_whitespace()
                .map(String::from),
        );
    }
    words
}

/// A deterministic pseudo-random stream.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn doc(vocab: &[String], rng: &mut Rng, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| vocab[rng.next() as usize % vocab.len()].clone())
        .collect()
}

fn exact_jaccard(signer: &Signer, a: &str, b: &str) -> f64 {
    let set = |t: &str| {
        let mut s = HashSet::new();
        signer.shingles(&deboil_core::normalize::key(t), |h| {
            s.insert(h);
        });
        s
    };
    let (x, y) = (set(a), set(b));
    x.intersection(&y).count() as f64 / x.union(&y).count() as f64
}

fn main() {
    let vocab = vocabulary();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    // Pairs: a base document and a copy with a share of its words replaced.
    let mut pairs = Vec::new();
    for i in 0..2000 {
        let base = doc(&vocab, &mut rng, 300 + (i % 5) * 100);
        let mut copy = base.clone();
        let replace = (i % 10) as f64 / 10.0 * 0.3;
        for w in copy.iter_mut() {
            if (rng.next() % 1000) as f64 / 1000.0 < replace {
                *w = vocab[rng.next() as usize % vocab.len()].clone();
            }
        }
        pairs.push((base.join(" "), copy.join(" ")));
    }
    let bytes: usize = pairs.iter().map(|(a, b)| a.len() + b.len()).sum();
    let mut report = String::new();
    writeln!(
        report,
        "# MinHash schemes: OPH with optimal densification vs classic K-hash\n"
    )
    .unwrap();
    writeln!(
        report,
        "- {} document pairs from the seed vocabulary, word 5-grams, {:.1} MB in all",
        pairs.len(),
        bytes as f64 / 1e6
    )
    .unwrap();
    writeln!(report, "- error = estimated minus exact Jaccard over the pairs; time = signing all documents once, one thread").unwrap();
    writeln!(report, "- the estimate compares the low byte of each value, as deboil stores signatures (b-bit minwise hashing, corrected for chance agreement); the last column compares whole 32-bit values on the same signatures\n").unwrap();
    writeln!(
        report,
        "| scheme | num_perm | sign MB/s | docs/s | mean abs error | RMSE | max abs error | RMSE, 32-bit values |"
    )
    .unwrap();
    writeln!(report, "|---|---|---|---|---|---|---|---|").unwrap();
    for num_perm in [64, 128, 256] {
        for (name, scheme) in [
            ("OPH + densification", Scheme::Oph),
            ("classic K-hash", Scheme::Classic),
        ] {
            let signer = Signer::new(Shingling::Words(5), num_perm, scheme);
            let t = Instant::now();
            let sigs: Vec<_> = pairs
                .iter()
                .map(|(a, b)| (signer.sign(a), signer.sign(b)))
                .collect();
            let secs = t.elapsed().as_secs_f64();
            let exact: Vec<f64> = pairs
                .iter()
                .map(|(a, b)| exact_jaccard(&signer, a, b))
                .collect();
            let errors: Vec<f64> = sigs
                .iter()
                .zip(&exact)
                .map(|((sa, sb), j)| sa.similarity(sb) - j)
                .collect();
            let full_errors: Vec<f64> = sigs
                .iter()
                .zip(&exact)
                .map(|((sa, sb), j)| {
                    let eq = sa.values.iter().zip(&sb.values).filter(|(x, y)| x == y);
                    eq.count() as f64 / num_perm as f64 - j
                })
                .collect();
            let n = errors.len() as f64;
            let mae = errors.iter().map(|e| e.abs()).sum::<f64>() / n;
            let rmse = (errors.iter().map(|e| e * e).sum::<f64>() / n).sqrt();
            let full_rmse = (full_errors.iter().map(|e| e * e).sum::<f64>() / n).sqrt();
            let max = errors.iter().fold(0.0f64, |m, e| m.max(e.abs()));
            writeln!(
                report,
                "| {name} | {num_perm} | {:.1} | {:.0} | {mae:.4} | {rmse:.4} | {max:.4} | {full_rmse:.4} |",
                bytes as f64 / secs / 1e6,
                2.0 * n / secs
            )
            .unwrap();
        }
    }
    print!("{report}");
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/results/minhash.md");
    std::fs::write(out, report).unwrap();
}
