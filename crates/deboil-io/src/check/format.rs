//! Writing findings: one line each (`file:line: message`), a JSON document,
//! GitHub workflow annotations, or SARIF 2.1.0 for code-scanning UIs.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::json;

use super::fix::Fixed;
use super::{Checked, EXACT_DUPLICATE, Finding, Kind, NEAR_DUPLICATE};
use crate::read::one_line;

/// The version of the JSON document written.
pub const JSON_VERSION: u32 = 1;

/// What the writers report besides the findings.
#[derive(Debug, Default)]
pub struct Totals {
    /// Documents in the files checked.
    pub docs: u64,
    /// Files checked.
    pub files: usize,
    /// Documents of the rest of the dataset (and of an index) compared with.
    pub compared: u64,
    /// Findings a baseline accepted (not shown).
    pub accepted: usize,
    /// Files repaired in place.
    pub fixed: Vec<Fixed>,
    /// Bad records left out.
    pub skipped: u64,
    /// Inputs that could not be read (the others were checked).
    pub unreadable: Vec<Unreadable>,
    /// The kind of check `--only` left out, which the summary must not
    /// count as found clean.
    pub not_checked: Option<NotChecked>,
}

/// The kind of check `--only` left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotChecked {
    /// `--only duplicates`.
    Junk,
    /// `--only junk`.
    Duplicates,
}

/// An input that could not be read: reported, and the run fails, but the
/// other inputs are still checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The file, as named.
    pub file: String,
    /// Why, as the OS says it (without its error number).
    pub error: String,
}

impl Unreadable {
    /// `file` and the error opening it.
    pub fn new(file: &str, e: &io::Error) -> Unreadable {
        let error = e.to_string();
        // "No such file or directory (os error 2)": the number helps no one.
        let error = match error.rfind(" (os error ") {
            Some(i) => error[..i].to_string(),
            None => error,
        };
        Unreadable {
            file: super::display_name(file),
            error,
        }
    }

    /// `FILE: cannot read: ERROR`, the name on one line as in findings.
    pub fn message(&self) -> String {
        format!("{}: cannot read: {}", one_line(&self.file), self.error)
    }
}

impl Totals {
    /// The totals of a check.
    pub fn of(c: &Checked) -> Totals {
        Totals {
            docs: c.docs,
            files: c.files,
            compared: c.compared,
            skipped: c.read.skipped,
            ..Totals::default()
        }
    }
}

/// `count` and `noun`, the noun with an `s` unless the count is one.
pub fn count(count: impl Into<u64>, noun: &str) -> String {
    let count: u64 = count.into();
    let s = if count == 1 { "" } else { "s" };
    format!("{count} {noun}{s}")
}

/// One line summing up: counts by kind, files, what was accepted and fixed.
pub fn summary(findings: &[Finding], t: &Totals) -> String {
    let n = |k: Kind| findings.iter().filter(|f| f.kind == k).count();
    let mut s = if findings.is_empty() {
        format!(
            "no findings in {} of {}",
            count(t.docs, "document"),
            count(t.files as u64, "file")
        )
    } else {
        let files = findings
            .iter()
            .map(|f| f.file.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        // Only the kinds checked are counted: "0 exact duplicates" after
        // `--only junk` would read as copies looked for and not found.
        let mut kinds = Vec::new();
        if t.not_checked != Some(NotChecked::Junk) {
            kinds.push(format!("{} junk", n(Kind::Junk)));
        }
        if t.not_checked != Some(NotChecked::Duplicates) {
            kinds.push(count(n(Kind::ExactDuplicate) as u64, "exact duplicate"));
            kinds.push(count(n(Kind::NearDuplicate) as u64, "near duplicate"));
        }
        format!(
            "{} in {files} of {} ({}): {}",
            count(findings.len() as u64, "finding"),
            count(t.files as u64, "file"),
            count(t.docs, "document"),
            kinds.join(", ")
        )
    };
    match t.not_checked {
        Some(NotChecked::Junk) => s.push_str("; junk not checked (--only duplicates)"),
        Some(NotChecked::Duplicates) => s.push_str("; duplicates not checked (--only junk)"),
        None => {}
    }
    if t.compared > 0 {
        let other = count(t.compared, "other document");
        s.push_str(&format!("; compared with {other}"));
    }
    if t.skipped > 0 {
        s.push_str(&format!("; {} skipped", count(t.skipped, "bad record")));
    }
    if !t.unreadable.is_empty() {
        let n = count(t.unreadable.len() as u64, "input");
        s.push_str(&format!("; {n} could not be read"));
    }
    if t.accepted > 0 {
        s.push_str(&format!("; {} accepted by the baseline", t.accepted));
    }
    if !t.fixed.is_empty() {
        let docs: usize = t.fixed.iter().map(|f| f.docs).sum();
        s.push_str(&format!(
            "; repaired {} in {}",
            count(docs as u64, "document"),
            count(t.fixed.len() as u64, "file")
        ));
    }
    s
}

/// One finding a line.
pub fn text(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for f in findings {
        let fixed = if f.fixed { " (fixed)" } else { "" };
        writeln!(out, "{}{fixed}", one_line(&f.to_line()))?;
    }
    Ok(())
}

/// A JSON document: version, findings, totals.
pub fn json(out: &mut dyn Write, findings: &[Finding], t: &Totals) -> io::Result<()> {
    let n = |k: Kind| findings.iter().filter(|f| f.kind == k).count();
    let doc = json!({
        "version": JSON_VERSION,
        "findings": findings,
        "summary": {
            "files": t.files,
            "documents": t.docs,
            "compared": t.compared,
            "findings": findings.len(),
            "junk": n(Kind::Junk),
            "exact_duplicates": n(Kind::ExactDuplicate),
            "near_duplicates": n(Kind::NearDuplicate),
            "checked": match t.not_checked {
                Some(NotChecked::Junk) => vec!["duplicates"],
                Some(NotChecked::Duplicates) => vec!["junk"],
                None => vec!["junk", "duplicates"],
            },
            "accepted": t.accepted,
            "skipped": t.skipped,
            "fixed": t.fixed.iter().map(|f| json!({"file": f.file, "documents": f.docs})).collect::<Vec<_>>(),
            "unreadable": t.unreadable.iter().map(|u| json!({"file": u.file, "error": u.error})).collect::<Vec<_>>(),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// Escapes a workflow command's message. Other control characters are
/// escaped as the text output escapes them (`\u{1b}`): the runner's log
/// shows an escape sequence from the data as colour, or hides text with it.
fn gh_data(s: &str) -> String {
    one_line(
        &s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A"),
    )
    .into_owned()
}

/// Escapes a workflow command's property.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub workflow annotations, one per finding, then a summary line: a
/// run shows only the first few annotations of a step.
pub fn github(out: &mut dyn Write, findings: &[Finding], t: &Totals) -> io::Result<()> {
    for f in findings {
        let level = if f.fixed { "warning" } else { "error" };
        writeln!(
            out,
            "::{level} file={},line={},title={}::{}",
            gh_property(&f.file),
            f.line,
            gh_property(&format!("deboil {}", f.kind.name())),
            gh_data(&f.message())
        )?;
    }
    for u in &t.unreadable {
        writeln!(
            out,
            "::error file={},title={}::{}",
            gh_property(&u.file),
            gh_property("deboil cannot read"),
            gh_data(&format!("cannot read: {}", u.error))
        )?;
    }
    let mut by_file: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *by_file.entry(&f.file).or_default() += 1;
    }
    let mut line = format!("deboil check: {}", summary(findings, t));
    if !by_file.is_empty() {
        let files: Vec<String> = by_file
            .iter()
            .map(|(f, n)| format!("{} {n}", one_line(f)))
            .collect();
        line.push_str(&format!(
            " (by file: {}); every finding is in the annotations above, GitHub shows only the first few",
            files.join(", ")
        ));
    }
    writeln!(out, "{line}")
}

/// A path as a SARIF URI reference: relative stays relative, `/` as the
/// separator, characters outside the unreserved set percent-encoded.
fn uri(path: &str) -> String {
    let mut s = String::new();
    if path.starts_with('/') {
        s.push_str("file://");
    }
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// SARIF 2.1.0: one run, the rules that have findings, one result each;
/// an input that could not be read is an error notification of the run's
/// invocation, which then did not succeed.
pub fn sarif(
    out: &mut dyn Write,
    findings: &[Finding],
    reasons: &BTreeMap<String, String>,
    unreadable: &[Unreadable],
) -> io::Result<()> {
    let mut ids: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let rules: Vec<_> = ids
        .iter()
        .map(|&id| {
            let text = match id {
                EXACT_DUPLICATE => "The document's text is another document's".to_string(),
                NEAR_DUPLICATE => "The document nearly copies another".to_string(),
                _ => reasons.get(id).cloned().unwrap_or_else(|| id.to_string()),
            };
            json!({
                "id": id,
                "shortDescription": {"text": text},
                "defaultConfiguration": {"level": "error"},
            })
        })
        .collect();
    let results: Vec<_> = findings
        .iter()
        .map(|f| {
            json!({
                "ruleId": f.rule,
                "ruleIndex": ids.binary_search(&f.rule.as_str()).expect("listed"),
                "level": if f.fixed { "warning" } else { "error" },
                "message": {"text": f.message()},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.file)},
                        "region": {"startLine": f.line},
                    }
                }],
                "partialFingerprints": {"deboil/v1": f.fingerprint},
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "deboil",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/deboil/deboil",
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": unreadable.is_empty(),
                "toolExecutionNotifications": unreadable.iter().map(|u| json!({
                    "level": "error",
                    "message": {"text": format!("cannot read: {}", u.error)},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&u.file)}}}],
                })).collect::<Vec<_>>(),
            }],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(gh_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(gh_data("a:b,c"), "a:b,c");
        assert_eq!(uri("data/a b.jsonl"), "data/a%20b.jsonl");
        assert_eq!(uri("/x/ü.txt"), "file:///x/%C3%BC.txt");
    }
}
