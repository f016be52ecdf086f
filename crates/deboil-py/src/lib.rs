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
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

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

/// `value`, given for the argument `name`, as a count: a negative one is a
/// ValueError naming it (converted to an unsigned type it was an
/// OverflowError).
pub(crate) fn count(name: &str, value: i64) -> PyResult<usize> {
    usize::try_from(value).map_err(|_| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "{name} {value} is negative; give 0 or more"
        ))
    })
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
