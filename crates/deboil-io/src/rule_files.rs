//! Rule files on disk: one file, or every `*.toml` under a directory.

use std::io::Read;
use std::path::{Path, PathBuf};

use deboil_core::rules::{RuleError, RuleSource};

use crate::read::shown_name;

/// Reads a rule file, or every `*.toml` file under a directory (sorted); a
/// directory without one is an error, not an empty rule set (a wrong
/// folder, or files named otherwise, would switch no rule on unseen). A
/// gzip or zstd file is read decompressed, as inputs are: `learn -o
/// rules.toml.gz` writes one.
pub fn read(path: &Path) -> Result<Vec<RuleSource>, RuleError> {
    let mut files = Vec::new();
    collect_toml(path, &mut files)?;
    if files.is_empty() {
        return Err(RuleError {
            file: shown_name(path),
            line: 0,
            col: 0,
            message:
                "no rule file in this directory (rule files end in .toml, or .toml.gz, .toml.zst)"
                    .into(),
        });
    }
    files
        .into_iter()
        .map(|p| {
            let text = read_rule_text(&p)?;
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

/// The text of a rule file, decompressed by its first bytes.
pub fn read_text(p: &Path) -> std::io::Result<String> {
    String::from_utf8(read_bytes(p)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// The bytes of a rule file, decompressed by its first bytes.
fn read_bytes(p: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    crate::read::decompressed(std::fs::File::open(p)?)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The text of a rule file; bytes that are not UTF-8 (a file saved as
/// Latin-1) are named by line and column, as in data, not only as "stream
/// did not contain valid UTF-8".
fn read_rule_text(p: &Path) -> Result<String, RuleError> {
    let bytes = read_bytes(p).map_err(|e| unreadable(p, "cannot read rule file", e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).expect("valid up to here");
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        RuleError {
            file: shown_name(p),
            line: valid.matches('\n').count() + 1,
            col: valid[line_start..].chars().count() + 1,
            message: "invalid UTF-8: rule files are UTF-8 text".into(),
        }
    })
}

/// How rule file names end: `.toml`, or compressed as `learn -o`
/// compresses it.
const ENDINGS: [&str; 4] = [".toml", ".toml.gz", ".toml.zst", ".toml.zstd"];

/// Whether `p` is named as a rule file, in any case (`*.toml`,
/// `*.TOML.gz`): walks skip such files, which are no data.
pub fn is_rule_file_name(p: &Path) -> bool {
    let name = p
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_lowercase();
    ENDINGS.iter().any(|e| name.ends_with(e))
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
            // Lowercase only: a folder of `.TOML` files is an error (see
            // `read`), not rules read.
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            if p.is_dir() || ENDINGS.iter().any(|e| name.ends_with(e)) {
                collect_toml(&p, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}
