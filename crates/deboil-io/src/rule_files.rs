//! Rule files on disk: one file, or every `*.toml` under a directory.

use std::path::{Path, PathBuf};

use deboil_core::rules::{RuleError, RuleSource};

use crate::read::shown_name;

/// Reads a rule file, or every `*.toml` file under a directory (sorted); a
/// directory without one is an error, not an empty rule set (a wrong
/// folder, or files named otherwise, would switch no rule on unseen).
pub fn read(path: &Path) -> Result<Vec<RuleSource>, RuleError> {
    let mut files = Vec::new();
    collect_toml(path, &mut files)?;
    if files.is_empty() {
        return Err(RuleError {
            file: shown_name(path),
            line: 0,
            col: 0,
            message: "no rule file in this directory (rule files end in .toml)".into(),
        });
    }
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| unreadable(&p, "cannot read rule file", e))?;
            Ok(RuleSource::new(shown_name(&p), text))
        })
        .collect()
}

/// The rules of several paths, in order.
pub fn read_all(paths: &[PathBuf]) -> Result<Vec<RuleSource>, RuleError> {
    let mut sources = Vec::new();
    for p in paths {
        sources.extend(read(p)?);
    }
    Ok(sources)
}

/// The rule files that [`read_all`] would read from `paths`, so that no
/// output of the run replaces one; what cannot be listed is left out here
/// (reading the rules reports it).
pub fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for p in paths {
        let mut one = Vec::new();
        if collect_toml(p, &mut one).is_ok() {
            files.extend(one);
        }
    }
    files
}

/// A file or directory that cannot be read: no line or column to blame.
fn unreadable(path: &Path, what: &str, e: std::io::Error) -> RuleError {
    RuleError {
        file: shown_name(path),
        line: 0,
        col: 0,
        message: format!("{what}: {e}"),
    }
}

fn collect_toml(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), RuleError> {
    let meta = std::fs::metadata(path).map_err(|e| unreadable(path, "cannot read rule file", e))?;
    if meta.is_dir() {
        let dir_error = |e| unreadable(path, "cannot read rule directory", e);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(dir_error)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(dir_error)?;
        entries.sort();
        for p in entries {
            if p.is_dir() || p.extension().is_some_and(|e| e == "toml") {
                collect_toml(&p, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}
