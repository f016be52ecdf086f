//! `Deduper` and its `Cluster`s.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use deboil_core::dedup::{
    DedupOptions, DedupSettings, Deduper as CoreDeduper, Deduplication, Keep, Measure, Preset,
    Verify,
};
use deboil_core::lsh::Params;

use crate::minhash::{check_num_perm, parse_scheme, parse_shingle};
use crate::{Int, SettingsError};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Deduper>()?;
    m.add_class::<Cluster>()?;
    Ok(())
}

/// A cluster of two or more documents: the kept one and its copies.
#[pyclass(frozen, get_all, module = "deboil")]
pub struct Cluster {
    /// The id of the document kept.
    representative: String,
    /// Every member, in the order added: `(id, similarity to the
    /// representative)` (1.0 for exact copies and the representative).
    members: Vec<(String, f64)>,
    /// Whether all members have the same normalised text.
    exact: bool,
}

#[pymethods]
impl Cluster {
    fn __repr__(&self) -> String {
        format!(
            "Cluster(representative={:?}, members={:?}, exact={})",
            self.representative,
            self.members,
            if self.exact { "True" } else { "False" }
        )
    }

    fn __len__(&self) -> usize {
        self.members.len()
    }
}

enum State {
    // Boxed: the two states differ in size.
    Adding(Box<CoreDeduper>),
    Done(Box<Deduplication>),
}

/// Finds exact and near-duplicate documents in memory, as `deboil dedup`
/// does on the texts given (its site template lines are not stripped).
///
/// `preset`: `"raw"` (defaults: Jaccard at 0.5) or `"cleaned"` (text
/// cleaned first: containment at 0.7, Jaccard floor 0.3). `shingle`,
/// `num_perm`, `scheme`: the signatures (see `MinHasher`). `threshold`,
/// `measure` (`"jaccard"` or `"containment"`), `min_jaccard`: when two
/// documents are duplicates (defaults from the preset). `bands` and
/// `rows`: the LSH banding, tuned for the threshold unless given (both).
/// `keep`: `"first"`, `"longest"` or `"newest"` (the greatest `newest`
/// value given to `add`). `verify`: `"signature"` or `"exact"` (candidate
/// pairs verified on the texts, which are then held until `clusters()`).
///
/// Documents are decided in the order added, so the result does not depend
/// on batch sizes or threads. `clusters()` ends the adding. Documents are
/// told apart by their position, not their id: an id added twice is two
/// documents, and deciding warns (`UserWarning`, as `deboil dedup` warns),
/// since `clusters()` and `duplicate_of()` name documents by id.
#[pyclass(module = "deboil")]
pub struct Deduper {
    state: Option<State>,
    opts: DedupOptions,
    /// Whether a document was added with a `newest` value.
    newest_given: bool,
}

fn measure(s: Option<&str>) -> PyResult<Option<Measure>> {
    match s {
        None => Ok(None),
        Some("jaccard") => Ok(Some(Measure::Jaccard)),
        Some("containment") => Ok(Some(Measure::Containment)),
        Some(s) => Err(SettingsError::new_err(format!(
            "`{s}`: expected jaccard or containment"
        ))),
    }
}

#[pymethods]
impl Deduper {
    #[new]
    #[pyo3(signature = (*, preset="raw", shingle="char:7", num_perm=Int::from(128), scheme="oph", threshold=None, measure=None, min_jaccard=None, bands=None, rows=None, keep="first", verify="signature"))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        preset: &str,
        shingle: &str,
        num_perm: Int,
        scheme: &str,
        threshold: Option<f64>,
        measure: Option<&str>,
        min_jaccard: Option<f64>,
        bands: Option<Int>,
        rows: Option<Int>,
        keep: &str,
        verify: &str,
    ) -> PyResult<Self> {
        let preset = match preset {
            "raw" => Preset::Raw,
            "cleaned" => Preset::Cleaned,
            p => {
                return Err(SettingsError::new_err(format!(
                    "`{p}`: expected raw or cleaned"
                )));
            }
        };
        let num_perm = check_num_perm(num_perm)?;
        let bands = match (bands, rows) {
            (Some(bands), Some(rows)) => {
                let (bands, rows) = (crate::count("bands", bands)?, crate::count("rows", rows)?);
                // A product past usize would wrap and pass the settings' check.
                if bands.checked_mul(rows).is_none() {
                    return Err(SettingsError::new_err(format!(
                        "--bands {bands} x --rows {rows} exceeds --num-perm {num_perm}"
                    )));
                }
                Some(Params { bands, rows })
            }
            (None, None) => None,
            _ => return Err(SettingsError::new_err("bands and rows go together")),
        };
        let keep = match keep {
            "newest" => Keep::Newest("newest".into()),
            k => k.parse::<Keep>().map_err(SettingsError::new_err)?,
        };
        let verify = match verify {
            "signature" => Verify::Signature,
            "exact" => Verify::Exact,
            v => {
                return Err(SettingsError::new_err(format!(
                    "`{v}`: expected signature or exact"
                )));
            }
        };
        let settings = DedupSettings {
            shingle: parse_shingle(shingle)?,
            num_perm,
            scheme: parse_scheme(scheme)?,
            threshold,
            measure: self::measure(measure)?,
            min_jaccard,
            bands,
            keep,
            verify,
        };
        let opts = settings
            .resolve(preset)
            .map_err(|e| SettingsError::new_err(e.to_string()))?;
        Ok(Deduper {
            state: Some(State::Adding(Box::new(CoreDeduper::new(opts.clone())))),
            opts,
            newest_given: false,
        })
    }

    /// The settings in one line: shingles, permutations, measure and
    /// threshold, and the LSH bands x rows.
    #[getter]
    fn settings(&self) -> String {
        self.opts.describe()
    }

    /// LSH bands (given, or tuned for the threshold).
    #[getter]
    fn bands(&self) -> usize {
        self.opts.params.bands
    }

    /// Signature values per band.
    #[getter]
    fn rows(&self) -> usize {
        self.opts.params.rows
    }

    /// Similarity at or above which two documents are duplicates.
    #[getter]
    fn threshold(&self) -> f64 {
        self.opts.threshold
    }

    /// `"jaccard"` or `"containment"`.
    #[getter]
    fn measure(&self) -> &'static str {
        self.opts.measure.name()
    }

    /// With containment, the Jaccard similarity a pair needs at least.
    #[getter]
    fn min_jaccard(&self) -> f64 {
        self.opts.min_jaccard
    }

    /// Adds documents in order; `ids[i]` names `texts[i]`. They are signed
    /// in parallel with the GIL released. `newest`: per document, the value
    /// `keep="newest"` compares (numbers by value, other values such as ISO dates as text), or `None`.
    #[pyo3(signature = (ids, texts, newest=None))]
    fn add(
        &mut self,
        py: Python<'_>,
        ids: &Bound<'_, PyAny>,
        texts: &Bound<'_, PyAny>,
        newest: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let ids = crate::strings("ids", ids)?;
        let texts = crate::strings("texts", texts)?;
        let newest = newest
            .map(|n| crate::optional_strings("newest", n))
            .transpose()?;
        if ids.len() != texts.len() {
            return Err(PyValueError::new_err(format!(
                "ids and texts differ in length: {} ids, {} texts",
                ids.len(),
                texts.len()
            )));
        }
        if let Some(n) = &newest
            && n.len() != ids.len()
        {
            return Err(PyValueError::new_err(format!(
                "ids and newest differ in length: {} ids, {} values",
                ids.len(),
                n.len()
            )));
        }
        let Some(State::Adding(d)) = &mut self.state else {
            return Err(PyRuntimeError::new_err(
                "clusters() was called: this Deduper takes no more documents",
            ));
        };
        self.newest_given |= newest.iter().flatten().any(Option::is_some);
        py.detach(|| match newest {
            None => {
                let docs: Vec<(String, String)> = ids.into_iter().zip(texts).collect();
                d.push_batch(&docs);
            }
            Some(newest) => {
                for ((id, text), n) in ids.iter().zip(&texts).zip(&newest) {
                    d.push_with(id, text, n.as_deref());
                }
            }
        });
        Ok(())
    }

    /// Documents added.
    fn __len__(&self) -> usize {
        match &self.state {
            Some(State::Adding(d)) => d.len(),
            Some(State::Done(r)) => r.len(),
            None => 0,
        }
    }

    /// The clusters (two or more documents each), in order of their first
    /// member. The first call decides (no documents can be added after it).
    fn clusters(&mut self, py: Python<'_>) -> PyResult<Vec<Cluster>> {
        let r = self.finish(py)?;
        Ok(r.clusters
            .iter()
            .map(|c| Cluster {
                representative: r.id(c.representative).to_string(),
                members: c
                    .members
                    .iter()
                    .map(|m| (r.id(m.doc).to_string(), m.similarity))
                    .collect(),
                exact: c.exact,
            })
            .collect())
    }

    /// Per document, in the order added: whether it is kept (a singleton
    /// or its cluster's representative). Decides, as `clusters()` does.
    fn kept(&mut self, py: Python<'_>) -> PyResult<Vec<bool>> {
        let r = self.finish(py)?;
        Ok((0..r.len()).map(|i| r.is_kept(i)).collect())
    }

    /// Per document, in the order added: the id of the document it
    /// duplicates, or `None` when it is kept. Decides, as `clusters()` does.
    fn duplicate_of(&mut self, py: Python<'_>) -> PyResult<Vec<Option<String>>> {
        let r = self.finish(py)?;
        Ok((0..r.len())
            .map(|i| r.dup_of(i).map(str::to_string))
            .collect())
    }

    /// Per document, in the order added: the size of its cluster (1 for a
    /// document alone). Decides, as `clusters()` does.
    fn cluster_sizes(&mut self, py: Python<'_>) -> PyResult<Vec<usize>> {
        let r = self.finish(py)?;
        Ok((0..r.len()).map(|i| r.cluster_size(i)).collect())
    }

    /// Counts: exact and near duplicates dropped, clusters, candidate pairs
    /// and those verified. Decides, as `clusters()` does.
    fn stats<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.finish(py)?.stats.clone();
        let d = PyDict::new(py);
        d.set_item("exact_dropped", s.exact_dropped)?;
        d.set_item("near_dropped", s.near_dropped)?;
        d.set_item("clusters", s.clusters)?;
        d.set_item("candidates", s.candidates)?;
        d.set_item("verified", s.verified)?;
        Ok(d)
    }
}

impl Deduper {
    /// Decides, the first time; then warns when documents share an id
    /// (once: an error raised by a warnings filter leaves the result made).
    fn finish(&mut self, py: Python<'_>) -> PyResult<&Deduplication> {
        if matches!(self.state, Some(State::Adding(_))) {
            let Some(State::Adding(d)) = self.state.take() else {
                unreachable!("matched above")
            };
            let (r, repeated) = py.detach(|| {
                let r = d.finish();
                let repeated = r.repeated_ids();
                (r, repeated)
            });
            self.state = Some(State::Done(Box::new(r)));
            // As `deboil dedup --keep newest:FIELD` warns when no document
            // has the field: each cluster then keeps its first, silently.
            if let Keep::Newest(_) = &self.opts.keep
                && !self.newest_given
                && self.__len__() > 0
            {
                let m = c"keep=\"newest\": no document was added with a `newest` value (add(ids, texts, newest=...)), so each cluster keeps its first document";
                let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
                PyErr::warn(py, category.as_any(), m, 1)?;
            }
            if let (Some((a, b)), Some(State::Done(r))) = (repeated.first, &self.state) {
                let docs = match repeated.count {
                    1 => "document repeats",
                    _ => "documents repeat",
                };
                let m = format!(
                    "{} {docs} an earlier document's id (first: {:?}, documents {a} and {b} in the order added); clusters and duplicate_of name documents by id",
                    repeated.count,
                    r.id(a)
                );
                // `{:?}` escapes a NUL; none is left in the message.
                let m = std::ffi::CString::new(m).expect("no NUL");
                let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
                PyErr::warn(py, category.as_any(), &m, 1)?;
            }
        }
        match &self.state {
            Some(State::Done(r)) => Ok(r),
            _ => unreachable!("finished above"),
        }
    }
}
