//! `MinHasher`, `band_keys`, `similarity`, `containment`, `optimal_bands`.

use numpy::ndarray::{Array1, Array2, ArrayView1, Axis};
use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyReadonlyArray2, PyReadonlyArrayDyn, PyUntypedArrayMethods,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

use deboil_core::lsh::{self, Params};
use deboil_core::minhash::{Scheme, Shingling, Signature, Signer};

use crate::{Int, SettingsError};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<MinHasher>()?;
    m.add_function(wrap_pyfunction!(band_keys, m)?)?;
    m.add_function(wrap_pyfunction!(similarity, m)?)?;
    m.add_function(wrap_pyfunction!(containment, m)?)?;
    m.add_function(wrap_pyfunction!(optimal_bands, m)?)?;
    Ok(())
}

pub(crate) fn parse_shingle(s: &str) -> PyResult<Shingling> {
    s.parse::<Shingling>().map_err(SettingsError::new_err)
}

/// `num_perm` as the command takes it ([`deboil_core::minhash::NUM_PERM`],
/// 8 to 1024): fewer estimated too coarsely, and more a caller's typo could
/// ask for terabytes. A negative one or one past `i64` is out of range
/// too, not an OverflowError.
pub(crate) fn check_num_perm(num_perm: Int) -> PyResult<usize> {
    let range = deboil_core::minhash::NUM_PERM;
    num_perm
        .get()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            SettingsError::new_err(format!(
                "num_perm {num_perm} is not in {} to {}, the range `deboil dedup --num-perm` takes",
                range.start(),
                range.end()
            ))
        })
}

/// `bands` x `rows` within `num_perm` values, without overflowing (a
/// product past `usize` would wrap and pass, then fail deep inside).
pub(crate) fn check_bands(bands: usize, rows: usize, num_perm: usize) -> PyResult<()> {
    if bands == 0 || rows == 0 || bands.checked_mul(rows).is_none_or(|v| v > num_perm) {
        return Err(SettingsError::new_err(format!(
            "bands {bands} x rows {rows} exceeds num_perm {num_perm}"
        )));
    }
    Ok(())
}

pub(crate) fn parse_scheme(s: &str) -> PyResult<Scheme> {
    match s {
        "oph" => Ok(Scheme::Oph),
        "classic" => Ok(Scheme::Classic),
        _ => Err(SettingsError::new_err(format!(
            "`{s}`: expected oph or classic"
        ))),
    }
}

/// MinHash signatures as `deboil dedup` computes them: the text normalised
/// (case, punctuation, whitespace), cut into shingles (`"char:N"` or
/// `"word:N"`), `num_perm` values per signature (`scheme`: `"oph"`,
/// one-permutation hashing, or `"classic"`).
#[pyclass(frozen, module = "deboil")]
pub struct MinHasher {
    signer: Signer,
}

#[pymethods]
impl MinHasher {
    #[new]
    #[pyo3(signature = (shingle="char:7", num_perm=Int::from(128), scheme="oph"))]
    fn new(shingle: &str, num_perm: Int, scheme: &str) -> PyResult<Self> {
        let num_perm = check_num_perm(num_perm)?;
        Ok(MinHasher {
            signer: Signer::new(parse_shingle(shingle)?, num_perm, parse_scheme(scheme)?),
        })
    }

    /// Values per signature.
    #[getter]
    fn num_perm(&self) -> usize {
        self.signer.num_perm()
    }

    /// The shingling, as `"char:N"` or `"word:N"`.
    #[getter]
    fn shingle(&self) -> String {
        self.signer.shingling().to_string()
    }

    /// The signature of one text: a uint32 array of `num_perm` values.
    fn sign<'py>(&self, py: Python<'py>, text: String) -> Bound<'py, PyArray1<u32>> {
        let sig = py.detach(|| self.signer.sign(&text));
        sig.values.into_pyarray(py)
    }

    /// Signatures of `texts`, computed in parallel with the GIL released: a
    /// uint32 array of shape `(len(texts), num_perm)`. With
    /// `shingles=True`, also each text's count of distinct shingles (a
    /// uint32 array of shape `(len(texts),)`, which `containment` needs):
    /// returns `(signatures, counts)`.
    #[pyo3(signature = (texts, *, shingles=false))]
    fn sign_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        shingles: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let texts = crate::strings("texts", texts)?;
        let k = self.signer.num_perm();
        let (values, counts) = py.detach(|| {
            let sigs: Vec<Signature> = texts.par_iter().map(|t| self.signer.sign(t)).collect();
            let mut values = Vec::with_capacity(sigs.len() * k);
            let mut counts = Vec::with_capacity(sigs.len());
            for s in sigs {
                values.extend_from_slice(&s.values);
                counts.push(s.shingles);
            }
            (values, counts)
        });
        let n = counts.len();
        let sigs = Array2::from_shape_vec((n, k), values)
            .expect("n rows of k values")
            .into_pyarray(py);
        if shingles {
            Ok((sigs, counts.into_pyarray(py))
                .into_pyobject(py)?
                .into_any())
        } else {
            Ok(sigs.into_any())
        }
    }

    /// Pickles as its settings (`MinHasher(shingle, num_perm, scheme)`), so
    /// Spark, multiprocessing or datatrove can ship it to workers.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let me = slf.get();
        let scheme = match me.signer.scheme() {
            Scheme::Oph => "oph",
            Scheme::Classic => "classic",
        };
        let args = (
            me.signer.shingling().to_string(),
            me.signer.num_perm(),
            scheme,
        );
        Ok((py.get_type::<MinHasher>(), args)
            .into_pyobject(py)?
            .into_any())
    }

    fn __repr__(&self) -> String {
        format!(
            "MinHasher(shingle={:?}, num_perm={})",
            self.signer.shingling().to_string(),
            self.signer.num_perm()
        )
    }
}

/// LSH band keys of signatures (shape `(n, num_perm)`, uint32): a uint64
/// array of shape `(n, bands)`, key `b` hashing values
/// `b*rows .. (b+1)*rows` as `deboil dedup` does. Two documents sharing a
/// key in the same band are candidates.
#[pyfunction]
fn band_keys<'py>(
    py: Python<'py>,
    signatures: PyReadonlyArray2<'py, u32>,
    bands: Int,
    rows: Int,
) -> PyResult<Bound<'py, PyArray2<u64>>> {
    let (bands, rows) = (crate::count("bands", bands)?, crate::count("rows", rows)?);
    let sigs = signatures.as_array();
    let (n, k) = sigs.dim();
    check_bands(bands, rows, k)?;
    let p = Params { bands, rows };
    let rows_of: Vec<Vec<u32>> = sigs.outer_iter().map(|r| r.to_vec()).collect();
    let keys = py.detach(|| {
        let per_doc: Vec<Vec<u64>> = rows_of
            .into_par_iter()
            .map(|values| {
                let mut out = Vec::with_capacity(bands);
                let sig = Signature {
                    values,
                    shingles: 0,
                };
                lsh::band_hashes(&sig, p, &mut out);
                out
            })
            .collect();
        per_doc.concat()
    });
    Ok(Array2::from_shape_vec((n, bands), keys)
        .expect("n rows of bands keys")
        .into_pyarray(py))
}

/// The bands x rows `deboil dedup` picks for a Jaccard `threshold` and
/// `num_perm` values: those minimising the false-positive and
/// false-negative areas under the S-curve. Returns `(bands, rows)`.
#[pyfunction]
#[pyo3(signature = (threshold, num_perm=Int::from(128)))]
fn optimal_bands(threshold: f64, num_perm: Int) -> PyResult<(usize, usize)> {
    if !(threshold > 0.0 && threshold <= 1.0) {
        return Err(SettingsError::new_err(format!(
            "threshold {threshold} is not in (0, 1]"
        )));
    }
    // Its search is quadratic in num_perm: unbounded, a typo would hang.
    let num_perm = check_num_perm(num_perm)?;
    let p = lsh::optimal_params(threshold, num_perm);
    Ok((p.bands, p.rows))
}

/// Shingle counts for `n` signatures: none given means "not empty" (1).
/// A count that is negative or past `u32` is a ValueError naming it (it
/// was an OverflowError, or a TypeError for one int).
fn counts(c: Option<&Bound<'_, PyAny>>, n: usize, what: &str) -> PyResult<Vec<u32>> {
    let Some(c) = c else {
        return Ok(vec![1; n]);
    };
    if let Ok(one) = c.extract::<Int>() {
        return Ok(vec![crate::count_to(what, &one, u32::MAX)?; n]);
    }
    let v: Vec<Int> = c.extract()?;
    if v.len() != n {
        return Err(PyValueError::new_err(format!(
            "{what} holds {} counts for {n} signatures",
            v.len()
        )));
    }
    v.iter()
        .enumerate()
        .map(|(i, x)| crate::count_to(&format!("{what}[{i}]"), x, u32::MAX))
        .collect()
}

/// Two signatures' values.
type Pair = (Vec<u32>, Vec<u32>);

/// Pairs of signatures, row by row: `a` and `b` both 1-D (one pair) or
/// both 2-D of one shape (a pair per row).
fn pairs(
    a: &PyReadonlyArrayDyn<'_, u32>,
    b: &PyReadonlyArrayDyn<'_, u32>,
) -> PyResult<(bool, Vec<Pair>)> {
    if a.shape() != b.shape() {
        return Err(PyValueError::new_err(format!(
            "signatures of different shapes: {:?} and {:?}",
            a.shape(),
            b.shape()
        )));
    }
    let (a, b) = (a.as_array(), b.as_array());
    let row = |v: ArrayView1<u32>| v.to_vec();
    match a.ndim() {
        1 => {
            let a1 = a.view().into_dimensionality().expect("1-D");
            let b1 = b.view().into_dimensionality().expect("1-D");
            Ok((false, vec![(row(a1), row(b1))]))
        }
        2 => Ok((
            true,
            a.axis_iter(Axis(0))
                .zip(b.axis_iter(Axis(0)))
                .map(|(x, y)| {
                    let x = x.into_dimensionality().expect("1-D row");
                    let y = y.into_dimensionality().expect("1-D row");
                    (row(x), row(y))
                })
                .collect(),
        )),
        d => Err(PyValueError::new_err(format!(
            "signatures must be 1-D or 2-D, not {d}-D"
        ))),
    }
}

/// One float for a 1-D pair, an array of floats for 2-D rows.
fn estimates<'py>(
    py: Python<'py>,
    many: bool,
    pairs: Vec<Pair>,
    counts: (Vec<u32>, Vec<u32>),
    f: impl Fn(&Signature, &Signature) -> f64 + Sync,
) -> PyResult<Bound<'py, PyAny>> {
    let out: Vec<f64> = pairs
        .into_iter()
        .zip(counts.0.into_iter().zip(counts.1))
        .map(|((a, b), (ca, cb))| {
            let a = Signature {
                values: a,
                shingles: ca,
            };
            let b = Signature {
                values: b,
                shingles: cb,
            };
            f(&a, &b)
        })
        .collect();
    if many {
        Ok(Array1::from(out).into_pyarray(py).into_any())
    } else {
        Ok(out[0].into_pyobject(py)?.into_any())
    }
}

/// Estimated Jaccard similarity of two signatures, as `deboil dedup`
/// verifies a candidate pair (from the values' low bytes). `a` and `b`:
/// 1-D (returns a float) or 2-D of one shape (returns an array, one
/// similarity per row). `shingles_a` / `shingles_b` (from
/// `sign_batch(..., shingles=True)`, optional) let a text without shingles
/// match only another without.
#[pyfunction]
#[pyo3(signature = (a, b, shingles_a=None, shingles_b=None))]
fn similarity<'py>(
    py: Python<'py>,
    a: PyReadonlyArrayDyn<'py, u32>,
    b: PyReadonlyArrayDyn<'py, u32>,
    shingles_a: Option<&Bound<'py, PyAny>>,
    shingles_b: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (many, pairs) = pairs(&a, &b)?;
    let n = pairs.len();
    let c = (
        counts(shingles_a, n, "shingles_a")?,
        counts(shingles_b, n, "shingles_b")?,
    );
    estimates(py, many, pairs, c, |a, b| a.similarity(b))
}

/// Estimated containment of two signatures: shared shingles over the
/// smaller text's, from the Jaccard estimate and each text's count of
/// distinct shingles (`shingles_a`, `shingles_b`: ints for 1-D signatures,
/// sequences for 2-D ones; see `MinHasher.sign_batch(..., shingles=True)`).
#[pyfunction]
fn containment<'py>(
    py: Python<'py>,
    a: PyReadonlyArrayDyn<'py, u32>,
    b: PyReadonlyArrayDyn<'py, u32>,
    shingles_a: &Bound<'py, PyAny>,
    shingles_b: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (many, pairs) = pairs(&a, &b)?;
    let n = pairs.len();
    let c = (
        counts(Some(shingles_a), n, "shingles_a")?,
        counts(Some(shingles_b), n, "shingles_b")?,
    );
    estimates(py, many, pairs, c, |a, b| a.containment(b))
}
