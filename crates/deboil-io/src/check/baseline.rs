//! Baselines: the findings a dataset is known to carry and that were
//! accepted, so that a check reports only new ones.
//!
//! A baseline is a JSON file keyed by what survives edits around a finding:
//! its file (as a path relative to the directory holding the baseline, so
//! that `a.jsonl`, `./a.jsonl`, its absolute path or a run from another
//! directory all name it alike: see [`file_keys`]) and its
//! [`Finding::fingerprint`] (kind, rule, the document's id
//! or a hash of its text, the removed text), never its line. Each key holds
//! a count: a file with the same cookie notice in three documents without
//! ids accepts three, and a fourth is new. Other fields (kind, rule, id,
//! an example line) are there for the person reading it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Finding;
use crate::error::{Error, Result};
use crate::read::{Input, input_name, resolve_by_name};
use crate::write::AtomicFile;

/// The format version written.
pub const VERSION: u32 = 1;

/// One accepted finding (or several with the same key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The file, relative to the directory holding the baseline (`-`:
    /// the current directory).
    pub file: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// How many findings with this key are accepted.
    #[serde(default = "one")]
    pub count: usize,
    /// The finding's kind, for readers.
    #[serde(default)]
    pub kind: String,
    /// The rule, for readers.
    #[serde(default)]
    pub rule: String,
    /// The document's id, for readers.
    #[serde(default)]
    pub id: String,
    /// The first such finding as reported when written, for readers.
    #[serde(default)]
    pub example: String,
}

fn one() -> usize {
    1
}

/// A baseline file's content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version.
    pub deboil_baseline: u32,
    /// Accepted findings, by file and fingerprint.
    pub findings: Vec<Entry>,
}

impl Baseline {
    /// The baseline accepting every one of `findings`, whose files are
    /// keyed by `keys` (by [`Finding::input`], from [`file_keys`]).
    pub fn of(findings: &[Finding], keys: &[String]) -> Baseline {
        let mut by_key: BTreeMap<(&str, &str), Entry> = BTreeMap::new();
        for f in findings {
            let file = &keys[f.input];
            by_key
                .entry((file, &f.fingerprint))
                .and_modify(|e| e.count += 1)
                .or_insert_with(|| Entry {
                    file: file.clone(),
                    fingerprint: f.fingerprint.clone(),
                    count: 1,
                    kind: f.kind.name().to_string(),
                    rule: f.rule.clone(),
                    id: f.id.clone(),
                    example: f.to_line(),
                });
        }
        Baseline {
            deboil_baseline: VERSION,
            findings: by_key.into_values().collect(),
        }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            Error::Usage(format!(
                "{}:{}:{}: not a deboil baseline: {}",
                path.display(),
                e.line(),
                e.column(),
                e.to_string().split(" at line ").next().unwrap_or_default()
            ))
        })?;
        if b.deboil_baseline != VERSION {
            return Err(Error::Usage(format!(
                "{}: baseline version {} is not {VERSION}, the one this build reads; write it again",
                path.display(),
                b.deboil_baseline
            )));
        }
        Ok(b)
    }

    /// Writes the baseline to `path`, atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_vec_pretty(self).expect("serialising a baseline");
        text.push(b'\n');
        let mut f = AtomicFile::create(path).map_err(|e| Error::io(path, e))?;
        f.write_all(&text)
            .and_then(|_| f.commit())
            .map_err(|e| Error::io(path, e))
    }

    /// Removes from `findings` those it accepts (in order, up to each key's
    /// count) and returns them (`check --fix` keeps their text). `keys` key
    /// the findings' files (by [`Finding::input`], from [`file_keys`]).
    pub fn filter(&self, findings: &mut Vec<Finding>, keys: &[String]) -> Vec<Finding> {
        let mut left: BTreeMap<(String, String), usize> = BTreeMap::new();
        for e in &self.findings {
            *left
                .entry((e.file.clone(), e.fingerprint.clone()))
                .or_default() += e.count;
        }
        let (mut kept, mut accepted) = (Vec::new(), Vec::new());
        for f in std::mem::take(findings) {
            // Baselines written before keys were relative to the baseline
            // named files as the command line did: still matched so.
            let known = [&keys[f.input], &f.file].into_iter().any(|file| {
                left.get_mut(&(file.clone(), f.fingerprint.clone()))
                    .filter(|n| **n > 0)
                    .map(|n| *n -= 1)
                    .is_some()
            });
            match known {
                true => accepted.push(f),
                false => kept.push(f),
            }
        }
        *findings = kept;
        accepted
    }
}

/// The keys of `inputs`' files in the baseline `baseline` (`-`: stdout, the
/// current directory): each file's path relative to the directory holding
/// the baseline, both directories with links resolved (the file's own name
/// as it is), so that however a file is named on the command line, and from
/// whichever directory, it has one key. Stdin is `<stdin>`.
pub fn file_keys(inputs: &[Input], baseline: &Path) -> Vec<String> {
    let base = match baseline.as_os_str() == "-" {
        true => resolved_dir(Path::new(".")),
        false => resolved_dir(baseline.parent().unwrap_or(Path::new("."))),
    };
    inputs
        .iter()
        .map(|i| match (i.is_stdin(), &i.path) {
            (false, Some(p)) => {
                let dir = resolved_dir(p.parent().unwrap_or(Path::new(".")));
                let file = match p.file_name() {
                    Some(n) => dir.join(n),
                    None => dir,
                };
                input_name(&relative_to(&file, &base))
            }
            _ => i.name.clone(),
        })
        .collect()
}

/// `dir` absolute, links resolved where it exists, else `.` and `..`
/// resolved by name.
fn resolved_dir(dir: &Path) -> PathBuf {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Ok(p) = std::fs::canonicalize(dir) {
        return p;
    }
    resolve_by_name(&std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()))
}

/// `path` relative to `base` (both absolute), with `..` where it lies
/// outside.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Kind;

    fn finding(file: &str, line: u64, fp: &str) -> Finding {
        Finding {
            input: match file {
                "a" => 0,
                "b" => 1,
                _ => 2,
            },
            file: file.into(),
            line,
            kind: Kind::Junk,
            rule: "r".into(),
            id: "d".into(),
            text: Some("t".into()),
            duplicate_of: None,
            similarity: None,
            fingerprint: fp.into(),
            fixed: false,
            doc_line: line,
        }
    }

    #[test]
    fn accepts_by_key_and_count_not_by_line() {
        let old = vec![
            finding("a", 1, "x"),
            finding("a", 2, "x"),
            finding("b", 1, "y"),
        ];
        let keys = ["a".to_string(), "b".into(), "c".into()];
        let b = Baseline::of(&old, &keys);
        assert_eq!(b.findings.len(), 2);
        assert_eq!(b.findings[0].count, 2);
        let text = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<Baseline>(&text).unwrap(), b);
        // Lines moved, one more copy of x, and x in another file: new.
        let mut now = vec![
            finding("a", 10, "x"),
            finding("a", 20, "x"),
            finding("a", 30, "x"),
            finding("c", 1, "x"),
            finding("b", 5, "y"),
        ];
        assert_eq!(b.filter(&mut now, &keys).len(), 3);
        let left: Vec<(&str, u64)> = now.iter().map(|f| (f.file.as_str(), f.line)).collect();
        assert_eq!(left, [("a", 30), ("c", 1)]);
    }

    #[test]
    fn relative_paths_climb_out_where_needed() {
        let rel = |p: &str, b: &str| relative_to(Path::new(p), Path::new(b));
        assert_eq!(rel("/r/data/a.jsonl", "/r"), Path::new("data/a.jsonl"));
        assert_eq!(
            rel("/r/data/a.jsonl", "/r/conf"),
            Path::new("../data/a.jsonl")
        );
        assert_eq!(rel("/x/a", "/r/s"), Path::new("../../x/a"));
    }
}
