//! `deboil._native`: the Python extension module behind the `deboil` package
//! (`python/deboil/`), a thin layer over `deboil-core`'s in-memory APIs.
//!
//! Batch calls copy their strings out of Python, release the GIL and run on
//! rayon's global pool (all cores; `RAYON_NUM_THREADS` sets how many), so
//! other Python threads run meanwhile. Errors carry the messages the CLI
//! prints after `deboil: error: `.

mod clean;
mod dedup;
mod minhash;

use pyo3::create_exception;
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyUnicodeEncodeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

create_exception!(
    deboil,
    RuleError,
    PyValueError,
    "A rule file that cannot be read or compiled: `file:line:col: message`."
);
create_exception!(
    deboil,
    SettingsError,
    PyValueError,
    "Deduplication or MinHash settings that do not fit together."
);

/// A Python int argument of any size. pyo3's conversion to a Rust integer
/// raises OverflowError for one past the type (`2**64`), where every other
/// bad count is a ValueError naming its argument: one past `i64` is kept
/// as its text, for the checks below to refuse by name.
#[derive(Clone, Debug)]
pub(crate) struct Int {
    /// The value, `None` past `i64`.
    value: Option<i64>,
    /// Past `i64`: whether it is negative, and its text.
    beyond: Option<(bool, String)>,
}

impl Int {
    /// The value when it fits an `i64`; `None` beyond.
    pub(crate) fn get(&self) -> Option<i64> {
        self.value
    }

    /// Whether it is negative.
    pub(crate) fn is_negative(&self) -> bool {
        match (&self.value, &self.beyond) {
            (Some(v), _) => *v < 0,
            (None, Some((negative, _))) => *negative,
            (None, None) => false,
        }
    }

    /// Whether it is under `n`.
    pub(crate) fn is_under(&self, n: i64) -> bool {
        self.value.map_or(self.is_negative(), |v| v < n)
    }
}

impl From<i64> for Int {
    fn from(value: i64) -> Self {
        Int {
            value: Some(value),
            beyond: None,
        }
    }
}

impl std::fmt::Display for Int {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.value, &self.beyond) {
            (Some(v), _) => write!(f, "{v}"),
            (None, Some((_, text))) => f.write_str(text),
            (None, None) => f.write_str("?"),
        }
    }
}

impl FromPyObject<'_, '_> for Int {
    type Error = PyErr;

    fn extract(ob: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        match ob.extract::<i64>() {
            Ok(v) => Ok(v.into()),
            // An int past i64 (a float or a str stays a TypeError).
            Err(e) if e.is_instance_of::<PyOverflowError>(ob.py()) => {
                let negative = ob.lt(0)?;
                // Python refuses to print an int of over 4300 digits.
                let text = match ob.str() {
                    Ok(s) => s.to_string(),
                    Err(_) => format!(
                        "{}(an int of {} bits)",
                        if negative { "-" } else { "" },
                        ob.call_method0("bit_length")?
                    ),
                };
                Ok(Int {
                    value: None,
                    beyond: Some((negative, text)),
                })
            }
            Err(e) => Err(e),
        }
    }
}

/// `value`, given for the argument `name`, as a count of at most `max`: a
/// negative one or one past `max` is a ValueError naming it (converted to
/// an unsigned type it was an OverflowError).
pub(crate) fn count_to<T: TryFrom<i64> + std::fmt::Display>(
    name: &str,
    value: &Int,
    max: T,
) -> PyResult<T> {
    if value.is_negative() {
        return Err(PyValueError::new_err(format!(
            "{name} {value} is negative; give 0 or more"
        )));
    }
    value
        .get()
        .and_then(|v| T::try_from(v).ok())
        .ok_or_else(|| {
            PyValueError::new_err(format!("{name} {value} is too large; give at most {max}"))
        })
}

/// `value`, given for the argument `name`, as a count (see [`count_to`]).
pub(crate) fn count(name: &str, value: Int) -> PyResult<usize> {
    count_to(name, &value, usize::MAX)
}

/// `obj`, given for the argument `name`, as strings: an element that is no
/// str (`None`, a number, bytes) or no UTF-8 (a lone surrogate, which a
/// JSON record can hold as `\ud800` and the command refuses) is an error
/// naming its place, `texts[3]`, as the command names a record by its line
/// (pyo3's conversion named the argument only).
pub(crate) fn strings(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    items(name, obj, |x| x.extract::<String>())
}

/// [`strings`] where an element may be `None`.
pub(crate) fn optional_strings(
    name: &str,
    obj: &Bound<'_, PyAny>,
) -> PyResult<Vec<Option<String>>> {
    items(name, obj, |x| x.extract::<Option<String>>())
}

fn items<T>(
    name: &str,
    obj: &Bound<'_, PyAny>,
    item: impl Fn(&Bound<'_, PyAny>) -> PyResult<T>,
) -> PyResult<Vec<T>> {
    let py = obj.py();
    // A str is a sequence of one-character strs: never what was meant.
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a sequence of str, not a str"
        )));
    }
    // A sequence, as pyo3's conversion to a Vec took (PySequence_Check: item
    // access, not a dict): a set or a dict would be read in an order of
    // its own, and the sites matched to the wrong texts.
    if obj.is_instance_of::<PyDict>() || !obj.get_type().hasattr("__getitem__")? {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a sequence of str, not a {}",
            obj.get_type().name()?
        )));
    }
    let mut out = Vec::with_capacity(obj.len().unwrap_or(0));
    for (i, x) in obj.try_iter()?.enumerate() {
        out.push(item(&x?).map_err(|e| {
            let message = format!("{name}[{i}]: {}", e.value(py));
            let placed = if e.is_instance_of::<PyUnicodeEncodeError>(py) {
                PyValueError::new_err(message)
            } else if e.is_instance_of::<PyTypeError>(py) {
                PyTypeError::new_err(message)
            } else {
                return e;
            };
            placed.set_cause(py, Some(e));
            placed
        })?);
    }
    Ok(out)
}

/// The site name rules match for `site`: a URL gives its host, as the CLI
/// takes a document's site from its `url` field; `None` is no site.
pub(crate) fn site_of(site: Option<&str>) -> String {
    site.map(deboil_io::doc::site_of).unwrap_or_default()
}

/// The site name deboil uses for a site field or a URL (its host).
#[pyfunction]
#[pyo3(name = "site_of")]
fn py_site_of(site: &str) -> String {
    deboil_io::doc::site_of(site)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("RuleError", m.py().get_type::<RuleError>())?;
    m.add("SettingsError", m.py().get_type::<SettingsError>())?;
    m.add_function(wrap_pyfunction!(py_site_of, m)?)?;
    clean::register(m)?;
    minhash::register(m)?;
    dedup::register(m)?;
    Ok(())
}
