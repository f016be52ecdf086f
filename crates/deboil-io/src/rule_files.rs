//! Rule files on disk: one file, or every `*.toml` under a directory.

use std::path::{Path, PathBuf};

use deboil_core::rules::{RuleError, RuleSource};

/// Reads a rule file, or every `*.toml` file under a directory (sorted).
pub fn read(path: &Path) -> Result<Vec<RuleSource>, RuleError> {
    let mut files = Vec::new();
    collect_toml(path, &mut files).map_err(|e| RuleError {
        file: path.display().to_string(),
        line: 0,
        col: 0,
        message: format!("cannot read rules: {e}"),
    })?;
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| RuleError {
                file: p.display().to_string(),
                line: 0,
                col: 0,
                message: format!("cannot read rule file: {e}"),
            })?;
            Ok(RuleSource::new(p.display().to_string(), text))
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

fn collect_toml(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for p in entries {
            if p.is_dir() || p.extension().is_some_and(|e| e == "toml") {
                collect_toml(&p, out)?;
            }
        }
    } else {
        std::fs::metadata(path)?;
        out.push(path.to_path_buf());
    }
    Ok(())
}
