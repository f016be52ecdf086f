//! How duplicates are found: shingles, signatures, LSH bands, the measure and
//! its threshold, and which member of a cluster is kept.

use crate::lsh::{self, Params};
use crate::minhash::{Scheme, Shingling, Signer};

/// Which member of a cluster is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keep {
    /// The first in input order.
    First,
    /// The longest (in characters); ties go to the first.
    Longest,
    /// The greatest value of a field (numbers by value, `10` after `9`;
    /// other values, such as ISO dates, as text; a number before any text);
    /// ties and documents without it go to the first.
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

impl Measure {
    /// The name the CLI's `--similarity` and the Python binding take.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Jaccard => "jaccard",
            Measure::Containment => "containment",
        }
    }
}

/// How a candidate pair is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Similarity estimated from the two signatures.
    Signature,
    /// Similarity of the two shingle sets, computed from the texts; pairs
    /// with a document of a saved index, which has no text, fall back to the
    /// signatures.
    Exact,
}

/// What the text has been through, which decides the defaults: cleaned text
/// can afford containment, raw text shares site junk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Raw text (`deboil dedup`): Jaccard at 0.5.
    Raw,
    /// Text cleaned with the rules first (`deboil run`): containment at 0.7
    /// with a Jaccard floor of 0.3.
    Cleaned,
}

/// Options as a user gives them: anything left `None` takes the preset's
/// default, and the LSH bands are tuned for the result.
#[derive(Debug, Clone)]
pub struct DedupSettings {
    /// Shingles.
    pub shingle: Shingling,
    /// Values per signature.
    pub num_perm: usize,
    /// Signature scheme.
    pub scheme: Scheme,
    /// Similarity at or above which two documents are duplicates.
    pub threshold: Option<f64>,
    /// Jaccard or containment.
    pub measure: Option<Measure>,
    /// With containment, the Jaccard similarity a pair needs at least.
    pub min_jaccard: Option<f64>,
    /// Bands x rows; tuned for the threshold when `None`.
    pub bands: Option<Params>,
    /// Which member of a cluster is kept.
    pub keep: Keep,
    /// How candidates are verified.
    pub verify: Verify,
}

impl Default for DedupSettings {
    fn default() -> Self {
        DedupSettings {
            shingle: Shingling::Chars(7),
            num_perm: 128,
            scheme: Scheme::Oph,
            threshold: None,
            measure: None,
            min_jaccard: None,
            bands: None,
            keep: Keep::First,
            verify: Verify::Signature,
        }
    }
}

/// Settings that do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

impl DedupSettings {
    /// The options these settings give for text that went through `preset`.
    /// Defaults chosen on the labelled corpus (README, "Choosing the
    /// defaults").
    pub fn resolve(&self, preset: Preset) -> Result<DedupOptions, SettingsError> {
        let cleaned = preset == Preset::Cleaned;
        let measure = self.measure.unwrap_or(if cleaned {
            Measure::Containment
        } else {
            Measure::Jaccard
        });
        let threshold = self.threshold.unwrap_or(if cleaned { 0.7 } else { 0.5 });
        // Chosen on the tune half of bench/gen_syndication.py (README,
        // "Choosing the defaults"): 0.4 lost abridged copies.
        let min_jaccard = self.min_jaccard.unwrap_or(0.3);
        for (name, v) in [("threshold", threshold), ("min_jaccard", min_jaccard)] {
            if !(v > 0.0 && v <= 1.0) {
                return Err(SettingsError(format!("{name} {v} is not in (0, 1]")));
            }
        }
        if self.num_perm == 0 {
            return Err(SettingsError("num_perm must be positive".into()));
        }
        // A shingle of no words or characters has no window to slide: the
        // signer would panic on the first document, not here.
        if let Shingling::Words(0) | Shingling::Chars(0) = self.shingle {
            return Err(SettingsError(format!(
                "shingle {}: N must be at least 1",
                self.shingle
            )));
        }
        let params = match self.bands {
            Some(p) => p,
            None => lsh::optimal_params(
                lsh_threshold(measure, threshold, min_jaccard),
                self.num_perm,
            ),
        };
        if params.bands == 0 || params.rows == 0 {
            return Err(SettingsError(format!(
                "--bands {} x --rows {}: both must be at least 1",
                params.bands, params.rows
            )));
        }
        // Checked: a product that wraps (release builds) would pass as small.
        if params
            .bands
            .checked_mul(params.rows)
            .is_none_or(|v| v > self.num_perm)
        {
            return Err(SettingsError(format!(
                "--bands {} x --rows {} exceeds --num-perm {}",
                params.bands, params.rows, self.num_perm
            )));
        }
        Ok(DedupOptions {
            signer: Signer::new(self.shingle, self.num_perm, self.scheme),
            params,
            threshold,
            measure,
            keep: self.keep.clone(),
            max_per_bucket: 64,
            min_jaccard,
            verify: self.verify,
        })
    }
}

/// The Jaccard similarity LSH is tuned for. Containment admits an abridged
/// copy whose Jaccard similarity is lower: a copy half the length of its
/// original at containment `t` has Jaccard `t / (3 - t)`; pairs below
/// `min_jaccard` never match, so tuning lower would only cost.
pub fn lsh_threshold(measure: Measure, threshold: f64, min_jaccard: f64) -> f64 {
    match measure {
        Measure::Jaccard => threshold,
        Measure::Containment => (threshold / (3.0 - threshold)).max(min_jaccard),
    }
}

/// Options of the deduplicator, resolved (see [`DedupSettings::resolve`]).
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

impl Default for DedupOptions {
    /// `Preset::Raw` defaults: character 7-grams, 128 values, Jaccard 0.5.
    fn default() -> Self {
        DedupSettings::default()
            .resolve(Preset::Raw)
            .expect("the defaults fit together")
    }
}

impl DedupOptions {
    /// The Jaccard similarity the LSH bands are tuned for.
    pub fn lsh_threshold(&self) -> f64 {
        lsh_threshold(self.measure, self.threshold, self.min_jaccard)
    }

    /// One line on the chosen parameters and the S-curve's error areas.
    pub fn describe(&self) -> String {
        let t = self.lsh_threshold();
        let (fp, fneg) = lsh::error_areas(t, self.params);
        format!(
            "{} shingles, {} permutations, {} threshold {}; LSH tuned for Jaccard {t:.3}: {} bands x {} rows (false-positive area {fp:.4}, false-negative area {fneg:.4})",
            self.signer.shingling(),
            self.signer.num_perm(),
            self.measure.name(),
            self.threshold,
            self.params.bands,
            self.params.rows
        )
    }

    /// Exact similarity of two sorted, distinct shingle sets, by the measure.
    pub fn set_similarity(&self, a: &[u64], b: &[u64]) -> f64 {
        let (mut i, mut j, mut inter) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => (i, j, inter) = (i + 1, j + 1, inter + 1),
            }
        }
        let (jaccard, containment) = exact_measures(inter, a.len(), b.len());
        match self.measure {
            Measure::Jaccard => jaccard,
            Measure::Containment if jaccard < self.min_jaccard => 0.0,
            Measure::Containment => containment,
        }
    }

    /// Similarity estimated from two stored signatures, by the measure.
    pub fn similarity(&self, a: crate::minhash::SigRef, b: crate::minhash::SigRef) -> f64 {
        match self.measure {
            Measure::Jaccard => a.similarity(&b),
            Measure::Containment if a.similarity(&b) < self.min_jaccard => 0.0,
            Measure::Containment => a.containment(&b),
        }
    }

    /// For signatures of `k` values, per count `eq` of equal values: whether
    /// a pair is within the threshold ([`DedupOptions::similarity`]), where
    /// that count alone decides it, both shingle counts being non-zero; `None`
    /// where the counts matter too (containment at or above `min_jaccard`).
    /// Read off `similarity` itself on made-up signatures, so that it is the
    /// same verdict; candidate pairs, most of them unrelated documents, then
    /// need no float arithmetic.
    pub(super) fn verdicts_by_equal(&self, k: usize) -> Vec<Option<bool>> {
        use crate::minhash::SigRef;
        let a = vec![0u8; k];
        let mut b = vec![1u8; k];
        (0..=k)
            .map(|eq| {
                b[..eq].fill(0);
                let (x, y) = (
                    SigRef {
                        low: &a,
                        shingles: 1,
                    },
                    SigRef {
                        low: &b,
                        shingles: 1,
                    },
                );
                match self.measure {
                    Measure::Jaccard => Some(x.similarity(&y) >= self.threshold),
                    Measure::Containment if x.similarity(&y) < self.min_jaccard => {
                        Some(self.similarity(x, y) >= self.threshold)
                    }
                    Measure::Containment => None,
                }
            })
            .collect()
    }

    /// The sorted, distinct shingle hashes of `text` (normalised first).
    pub fn shingle_set(&self, text: &str) -> Vec<u64> {
        let mut set = Vec::new();
        self.signer
            .shingles(&crate::normalize::key(text), |h| set.push(h));
        set.sort_unstable();
        set.dedup();
        set
    }
}

/// Exact Jaccard similarity and containment (shared over the smaller) of
/// two shingle sets of `first` and `second` distinct shingles, `shared` of
/// them in both. Two sets without a shingle are alike (1.0), as their
/// signatures' estimate has it; containment in an empty set is the Jaccard.
pub(crate) fn exact_measures(shared: usize, first: usize, second: usize) -> (f64, f64) {
    let union = first + second - shared;
    let jaccard = match union {
        0 => 1.0,
        u => shared as f64 / u as f64,
    };
    let containment = match first.min(second) {
        0 => jaccard,
        small => shared as f64 / small as f64,
    };
    (jaccard, containment)
}
