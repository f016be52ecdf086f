//! Why two documents match: their similarity, estimated and exact, and the
//! passages they share.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64;

use crate::dedup::{DedupOptions, Measure, Verify, exact_measures};
use crate::minhash::{Shingling, Signer};
use crate::normalize;

/// A passage of the first document that the second one also holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Word range in the first document.
    pub words: std::ops::Range<usize>,
    /// Byte range in the first document's text.
    pub bytes: std::ops::Range<usize>,
}

/// The comparison of two documents.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Jaccard similarity estimated from the signatures.
    pub estimated: f64,
    /// Containment estimated from the signatures and shingle counts.
    pub estimated_containment: f64,
    /// Exact Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// Exact shared shingles over the smaller document's.
    pub containment: f64,
    /// Distinct shingles of each document, and shared ones.
    pub shingles: ShingleCounts,
    /// Shared passages of word n-grams, in the first document's order.
    pub passages: Vec<Passage>,
    /// The shingling compared on.
    pub shingling: Shingling,
    /// Values per signature of the estimate.
    pub num_perm: usize,
}

/// Distinct shingles of two documents and how many they share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShingleCounts {
    /// Of the first document.
    pub first: usize,
    /// Of the second document.
    pub second: usize,
    /// Held by both.
    pub shared: usize,
}

fn shingle_set(signer: &Signer, text: &str) -> HashSet<u64> {
    let mut s = HashSet::new();
    signer.shingles(&normalize::key(text), |h| {
        s.insert(h);
    });
    s
}

/// Words of `text` as (lowercase, byte range), the way word shingles see them.
fn words(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((normalize::key(&text[s..i]), s..i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Compares two documents with `signer`'s shingling.
///
/// Passages are found on word `n`-grams (the shingle size for word shingles,
/// 5 for character shingles).
///
/// ```
/// use deboil_core::minhash::{Scheme, Shingling, Signer};
///
/// let signer = Signer::new(Shingling::Words(3), 128, Scheme::Oph);
/// let a = "Intro. The minister met his colleague in Baku on Monday. Outro.";
/// let b = "Other. The minister met his colleague in Baku on Monday!";
/// let c = deboil_core::why::compare(&signer, a, b);
/// assert_eq!(&a[c.passages[0].bytes.clone()], "The minister met his colleague in Baku on Monday");
/// let report = c.render(a, ["a", "b"]);
/// assert!(report.starts_with("a vs b\nestimated Jaccard (128 permutations)"));
/// ```
pub fn compare(signer: &Signer, a: &str, b: &str) -> Comparison {
    let shingling = signer.shingling();
    let (sa, sb) = (shingle_set(signer, a), shingle_set(signer, b));
    let shared = sa.intersection(&sb).count();
    let n = match shingling {
        Shingling::Words(n) => n,
        Shingling::Chars(_) => 5,
    };
    let (wa, wb) = (words(a), words(b));
    let gram = |w: &[(String, std::ops::Range<usize>)]| -> u64 {
        let mut bytes = Vec::new();
        for (t, _) in w {
            bytes.extend_from_slice(t.as_bytes());
            bytes.push(b' ');
        }
        xxh3_64(&bytes)
    };
    let grams_b: HashSet<u64> = wb.windows(n).map(gram).collect();
    let mut passages: Vec<Passage> = Vec::new();
    for (i, w) in wa.windows(n).enumerate() {
        if !grams_b.contains(&gram(w)) {
            continue;
        }
        match passages.last_mut() {
            Some(p) if i <= p.words.end => p.words.end = i + n,
            _ => passages.push(Passage {
                words: i..i + n,
                bytes: 0..0,
            }),
        }
    }
    for p in &mut passages {
        p.bytes = wa[p.words.start].1.start..wa[p.words.end - 1].1.end;
    }
    // As dedup verifies on the texts: two texts without a shingle were
    // Jaccard 0 here but 1.0 there (and by the estimate), and an edge.
    let (jaccard, containment) = exact_measures(shared, sa.len(), sb.len());
    let (sig_a, sig_b) = (signer.sign(a), signer.sign(b));
    Comparison {
        estimated: sig_a.similarity(&sig_b),
        estimated_containment: sig_a.containment(&sig_b),
        jaccard,
        containment,
        shingles: ShingleCounts {
            first: sa.len(),
            second: sb.len(),
            shared,
        },
        passages,
        shingling,
        num_perm: signer.num_perm(),
    }
}

/// Whether a deduplicator with given options makes the pair an edge, and
/// on what.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    /// The pair is an edge (the two join one cluster, or one component to
    /// split into stars).
    pub edge: bool,
    /// What decided: the signatures' estimate or the exact shingle sets.
    pub by: Verify,
    /// The similarity compared with the threshold.
    pub similarity: f64,
    /// With containment, the Jaccard similarity compared with the floor.
    pub jaccard: f64,
}

impl Comparison {
    /// What `opts` decide for this pair (given it is a candidate).
    pub fn verdict(&self, opts: &DedupOptions) -> Verdict {
        let (jaccard, containment) = match opts.verify {
            Verify::Signature => (self.estimated, self.estimated_containment),
            Verify::Exact => (self.jaccard, self.containment),
        };
        let (similarity, edge) = match opts.measure {
            Measure::Jaccard => (jaccard, jaccard >= opts.threshold),
            Measure::Containment => (
                containment,
                jaccard >= opts.min_jaccard && containment >= opts.threshold,
            ),
        };
        Verdict {
            edge,
            by: opts.verify,
            similarity,
            jaccard,
        }
    }

    /// The verdict as one line of a report.
    pub fn render_verdict(&self, opts: &DedupOptions) -> String {
        let v = self.verdict(opts);
        let on = match v.by {
            Verify::Signature => "the signatures' estimate",
            Verify::Exact => "the exact shingle sets",
        };
        let measure = match opts.measure {
            Measure::Jaccard => format!(
                "Jaccard {:.3} vs threshold {}",
                v.similarity, opts.threshold
            ),
            Measure::Containment => format!(
                "containment {:.3} vs threshold {}, Jaccard {:.3} vs floor {}",
                v.similarity, opts.threshold, v.jaccard, opts.min_jaccard
            ),
        };
        let what = if v.edge {
            "an edge: the two are duplicates"
        } else {
            "no edge: not duplicates"
        };
        format!("verdict: {what} (verified on {on}: {measure})\n")
    }

    /// The report `deboil why` prints: a heading naming the two documents
    /// (`labels`), the similarities, and each shared passage of `a` (the
    /// first document's text), cut at 200 characters.
    pub fn render(&self, a: &str, labels: [&str; 2]) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "{} vs {}", labels[0], labels[1]);
        let _ = writeln!(
            out,
            "estimated Jaccard ({} permutations): {:.3}",
            self.num_perm, self.estimated
        );
        let s = self.shingles;
        let _ = writeln!(
            out,
            "exact Jaccard of {} shingles: {:.3} ({})",
            self.shingling,
            self.jaccard,
            match (s.first, s.second) {
                (0, 0) => "no shingle in either text: two such texts count as alike".to_string(),
                _ => format!("{} shared; {} and {} distinct", s.shared, s.first, s.second),
            }
        );
        let _ = writeln!(
            out,
            "containment (shared over the smaller): {:.3}",
            self.containment
        );
        let words: usize = self.passages.iter().map(|p| p.words.len()).sum();
        let _ = writeln!(
            out,
            "shared passages: {} ({words} words of the first)",
            self.passages.len()
        );
        for p in &self.passages {
            let text = &a[p.bytes.clone()];
            let shown: String = text.chars().take(200).collect();
            let more = if shown.len() < text.len() { " ..." } else { "" };
            let _ = writeln!(
                out,
                "  words {}-{}: {:?}{more}",
                p.words.start,
                p.words.end,
                shown.replace('\n', " ")
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::Scheme;

    #[test]
    fn finds_the_shared_passages_and_exact_similarity() {
        let signer = Signer::new(Shingling::Words(3), 128, Scheme::Oph);
        let a = "Intro only here. The minister met his colleague in Baku on Monday. Outro of a.";
        let b = "Other start! The Minister met his colleague in Baku on Monday; other end.";
        let c = compare(&signer, a, b);
        assert_eq!(c.passages.len(), 1);
        let p = &c.passages[0];
        assert_eq!(
            &a[p.bytes.clone()],
            "The minister met his colleague in Baku on Monday"
        );
        assert!(c.jaccard > 0.3 && c.jaccard < 0.7, "{}", c.jaccard);
        assert!(c.containment > c.jaccard);
        let same = compare(&signer, a, a);
        assert_eq!(
            (same.jaccard, same.estimated, same.containment),
            (1.0, 1.0, 1.0)
        );
    }
}
