//! `Cleaner` and `learn`.

use std::path::PathBuf;

use deboil_core::clean::{Builtin, CleanOptions, Cleaner as CoreCleaner};
use deboil_core::learn::LearnOptions;
use deboil_core::rules::{RuleError as CoreRuleError, RuleSet, RuleSource, Toggles};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::{Int, RuleError, site_of};

/// One removal as Python sees it: rule id, start and end character offsets.
type Removal = (String, usize, usize);

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Cleaner>()?;
    m.add_function(wrap_pyfunction!(learn, m)?)?;
    m.add_function(wrap_pyfunction!(_cleaner_from_state, m)?)?;
    Ok(())
}

/// A rule error as `deboil.RuleError`, with its place as attributes.
fn rule_error(py: Python<'_>, e: &CoreRuleError) -> PyErr {
    let err = RuleError::new_err(e.to_string());
    let v = err.value(py);
    // Setting attributes on a fresh exception instance cannot fail.
    let _ = v.setattr("file", &e.file);
    let _ = v.setattr("line", e.line);
    let _ = v.setattr("col", e.col);
    err
}

/// `rules` as paths: one path (str or os.PathLike) or a sequence of them.
fn paths(rules: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    let Some(rules) = rules else {
        return Ok(Vec::new());
    };
    if let Ok(p) = rules.extract::<PathBuf>() {
        return Ok(vec![p]);
    }
    rules.extract::<Vec<PathBuf>>().map_err(|_| {
        PyValueError::new_err(
            "rules must be a path (str or os.PathLike) or a list of paths; \
             give rule files' text as rule_texts",
        )
    })
}

/// Cleans texts with deboil's rules (the embedded defaults, rule files,
/// rule texts such as `learn`'s) and its built-in cleanups.
///
/// `rules`: rule files or directories of them (every `*.toml` inside),
/// read once here. `rule_texts`: rule files' contents, named
/// `<rule_texts[i]>` in errors. `enable` / `disable`: rule id globs
/// (`de.*`) switched on or off whatever their files say. `default_rules`:
/// include the embedded rules. `no_builtin`: built-in cleanups to switch
/// off (`blank-line`, `repeated-line`, `blank-runs`, `trailing-space`).
/// `repeated_line_words`: a line that repeats an earlier one is dropped up
/// to this many words.
///
/// Raises `deboil.RuleError` (a `ValueError`) for a rule file that cannot be
/// read or compiled, with the CLI's message (`file:line:col: message`).
#[pyclass(frozen, module = "deboil")]
pub struct Cleaner {
    inner: CoreCleaner,
    /// What it was built from, rule files' texts included: its pickled form.
    state: State,
}

/// A `Cleaner`'s settings with its rule files read: `default_rules`, the
/// other sources as `(name, text, learned)`, `enable`, `disable`,
/// `no_builtin`, `repeated_line_words`.
type State = (
    bool,
    Vec<(String, String, bool)>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    usize,
);

impl Cleaner {
    /// Compiles the rules (GIL released) and checks the built-in names.
    fn build(py: Python<'_>, state: State) -> PyResult<Self> {
        let (default_rules, sources, enable, disable, no_builtin, repeated) = &state;
        let mut opts = CleanOptions {
            repeated_lines: Some(*repeated),
            ..CleanOptions::default()
        };
        for name in no_builtin {
            let b = Builtin::parse(name).ok_or_else(|| {
                let names: Vec<&str> = Builtin::ALL.iter().map(|b| b.name()).collect();
                PyValueError::new_err(format!(
                    "unknown built-in cleanup `{name}`: expected one of {}",
                    names.join(", ")
                ))
            })?;
            opts.disable(b);
        }
        let toggles = Toggles {
            enable: enable.clone(),
            disable: disable.clone(),
        };
        let compiled = py.detach(|| {
            let mut all = if *default_rules {
                RuleSource::embedded()
            } else {
                Vec::new()
            };
            all.extend(sources.iter().map(|(name, text, learned)| RuleSource {
                name: name.clone(),
                text: text.clone(),
                learned: *learned,
            }));
            RuleSet::compile(&all, &toggles)
        });
        let rules = compiled.map_err(|e| rule_error(py, &e))?;
        Ok(Cleaner {
            inner: CoreCleaner::new(rules, opts),
            state,
        })
    }
}

impl Cleaner {
    /// Gives what the command prints as warnings as Python `UserWarning`s
    /// (made once, not again when unpickled): the rule files' warnings, and
    /// `enable`/`disable` globs that match no rule (a typo would switch
    /// nothing, silently).
    fn warn(&self, py: Python<'_>) -> PyResult<()> {
        let rules = self.inner.rules();
        let mut messages: Vec<String> = rules.warnings.iter().map(|w| w.to_string()).collect();
        let (_, _, enable, disable, ..) = &self.state;
        for (name, globs) in [("enable", enable), ("disable", disable)] {
            for g in globs {
                let hits = |id: &str| deboil_core::rules::glob_match(g, id);
                if !rules.rules.iter().any(|r| hits(&r.id)) {
                    messages.push(format!("{name} glob {g:?} matches no rule"));
                }
            }
        }
        let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
        for m in messages {
            // A NUL cannot be in a C string; none is in these messages.
            let m = std::ffi::CString::new(m.replace('\0', "")).expect("no NUL left");
            PyErr::warn(py, category.as_any(), &m, 2)?;
        }
        Ok(())
    }
}

/// Rebuilds a pickled `Cleaner` (see `Cleaner.__reduce__`).
#[pyfunction]
fn _cleaner_from_state(py: Python<'_>, state: State) -> PyResult<Cleaner> {
    Cleaner::build(py, state)
}

#[pymethods]
impl Cleaner {
    #[new]
    #[pyo3(signature = (rules=None, *, enable=Vec::new(), disable=Vec::new(), rule_texts=None, default_rules=true, no_builtin=Vec::new(), repeated_line_words=Int::from(deboil_core::clean::DEFAULT_REPEATED_LINE_WORDS as i64)))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        rules: Option<&Bound<'_, PyAny>>,
        enable: Vec<String>,
        disable: Vec<String>,
        rule_texts: Option<&Bound<'_, PyAny>>,
        default_rules: bool,
        no_builtin: Vec<String>,
        repeated_line_words: Int,
    ) -> PyResult<Self> {
        let repeated_line_words = crate::count("repeated_line_words", repeated_line_words)?;
        let rule_texts = rule_texts
            .map(|t| crate::strings("rule_texts", t))
            .transpose()?
            .unwrap_or_default();
        let paths = paths(rules)?;
        let files = py
            .detach(|| deboil_io::rule_files::read_all(&paths))
            .map_err(|e| rule_error(py, &e))?;
        let mut sources: Vec<(String, String, bool)> = files
            .into_iter()
            .map(|s| (s.name, s.text, s.learned))
            .collect();
        for (i, text) in rule_texts.into_iter().enumerate() {
            let s = RuleSource::new(format!("<rule_texts[{i}]>"), text);
            sources.push((s.name, s.text, s.learned));
        }
        let state = (
            default_rules,
            sources,
            enable,
            disable,
            no_builtin,
            repeated_line_words,
        );
        let cleaner = Cleaner::build(py, state)?;
        cleaner.warn(py)?;
        Ok(cleaner)
    }

    /// Pickles as its settings and its rule files' texts (read when it was
    /// made; the files need not exist where it is unpickled), so Spark,
    /// multiprocessing or datatrove can ship it to workers.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let rebuild = py
            .import("deboil._native")?
            .getattr("_cleaner_from_state")?;
        Ok((rebuild, (slf.get().state.clone(),))
            .into_pyobject(py)?
            .into_any())
    }

    /// The ids of the rules that are switched on, in load order.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        let rules = &self.inner.rules().rules;
        rules
            .iter()
            .filter(|r| r.enabled)
            .map(|r| r.id.clone())
            .collect()
    }

    /// Cleans `text` with the rules for `site` (a site name or a URL, whose
    /// host is the site; `None`: no site, so only rules for every site run).
    /// Returns the cleaned text and its removals as `(rule_id, start, end)`,
    /// character offsets into `text` (Python string indices), in order.
    #[pyo3(signature = (text, site=None))]
    fn clean(&self, py: Python<'_>, text: String, site: Option<&str>) -> (String, Vec<Removal>) {
        let site = site_of(site);
        py.detach(|| clean_one(&self.inner, &text, &site))
    }

    /// `clean` of each text (with the site at the same place in `sites`),
    /// in parallel with the GIL released; results in input order.
    #[pyo3(signature = (texts, sites=None))]
    fn clean_batch(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        sites: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<(String, Vec<Removal>)>> {
        let texts = crate::strings("texts", texts)?;
        let sites = sites
            .map(|s| crate::optional_strings("sites", s))
            .transpose()?;
        let sites: Vec<String> = match sites {
            None => vec![String::new(); texts.len()],
            Some(s) if s.len() == texts.len() => s.iter().map(|s| site_of(s.as_deref())).collect(),
            Some(s) => {
                return Err(PyValueError::new_err(format!(
                    "texts and sites differ in length: {} texts, {} sites",
                    texts.len(),
                    s.len()
                )));
            }
        };
        Ok(py.detach(|| {
            texts
                .par_iter()
                .zip(&sites)
                .map(|(t, s)| clean_one(&self.inner, t, s))
                .collect()
        }))
    }

    fn __repr__(&self) -> String {
        format!(
            "Cleaner(<{} rules from {} files>)",
            self.inner.rules().rules.len(),
            self.inner.rules().files.len()
        )
    }
}

fn clean_one(cleaner: &CoreCleaner, text: &str, site: &str) -> (String, Vec<Removal>) {
    let cleaned = cleaner.clean(text, site);
    let removals = cleaner
        .explain(text, &cleaned)
        .into_iter()
        .map(|r| (r.rule, r.char_start, r.char_end))
        .collect();
    (cleaned.text, removals)
}

/// Learns each site's recurring junk from its pages (`sites[i]` is the site
/// of `pages[i]`: a site name or a URL) and returns the rules as a rule
/// file's text (TOML), to review, save, or give to
/// `Cleaner(rule_texts=[...])`. Sites with fewer than `min_site_pages`
/// pages learn nothing; a line must recur on `min_pages` pages and on
/// `min_share` of its site's pages, and hold `min_words` words to be a rule
/// on its own. Runs in parallel with the GIL released.
#[pyfunction]
#[pyo3(signature = (pages, sites, *, min_site_pages=Int::from(5), min_pages=Int::from(2), min_share=0.05, min_words=Int::from(3)))]
fn learn(
    py: Python<'_>,
    pages: &Bound<'_, PyAny>,
    sites: &Bound<'_, PyAny>,
    min_site_pages: Int,
    min_pages: Int,
    min_share: f64,
    min_words: Int,
) -> PyResult<String> {
    let pages = crate::strings("pages", pages)?;
    let sites = crate::optional_strings("sites", sites)?;
    if pages.len() != sites.len() {
        return Err(PyValueError::new_err(format!(
            "pages and sites differ in length: {} pages, {} sites",
            pages.len(),
            sites.len()
        )));
    }
    // As `deboil learn` takes them (--learn-min-pages, --learn-min-share):
    // a line on one page is no recurring line, and a share of 0 asks for
    // none.
    if min_pages.is_under(2) {
        return Err(PyValueError::new_err(format!(
            "min_pages {min_pages} is under 2, the least `deboil learn --learn-min-pages` takes"
        )));
    }
    if !(min_share > 0.0 && min_share <= 1.0) {
        return Err(PyValueError::new_err(format!(
            "min_share {min_share} is not in (0, 1], as `deboil learn --learn-min-share` takes"
        )));
    }
    let opts = LearnOptions {
        min_site_pages: crate::count("min_site_pages", min_site_pages)?,
        min_pages: crate::count("min_pages", min_pages)?,
        min_share,
        min_words: crate::count("min_words", min_words)?,
    };
    Ok(py.detach(|| {
        let pairs: Vec<(String, String)> = sites
            .iter()
            .map(|s| site_of(s.as_deref()))
            .zip(pages)
            .collect();
        deboil_core::learn(&pairs, &opts).to_toml()
    }))
}
