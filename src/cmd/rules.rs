//! `deboil rules test` and `deboil rules list`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use deboil_core::examples;
use deboil_core::rules::{RuleSet, RuleSource, Toggles};
use deboil_core::{CleanOptions, Cleaner};
use deboil_io::rule_files;

use super::{print_warnings, stdout};

/// The rule files named, or the embedded defaults when none is.
fn compile(paths: &[PathBuf]) -> anyhow::Result<RuleSet> {
    if paths.is_empty() {
        return Ok(RuleSet::compile(
            &RuleSource::embedded(),
            &Toggles::default(),
        )?);
    }
    let sources = rule_files::read_all(paths)?;
    let rules = RuleSet::compile(&sources, &Toggles::default())?;
    warn_if_refused_beside_built_ins(&rules, sources);
    Ok(rules)
}

/// Warns when `sources`, the files named, would be refused beside the
/// built-in rules, as clean, run and check use them by default (an id of a
/// built-in rule): read alone, they passed here and failed there. Only a
/// warning: with --no-default-rules (an edited copy of the built-in rules)
/// they are fine. The built-in files themselves, unchanged (`rules test
/// rules/` in this repository), are left out: they are the built-in rules.
fn warn_if_refused_beside_built_ins(rules: &RuleSet, sources: Vec<RuleSource>) {
    let toggles = Toggles::default();
    let embedded = RuleSource::embedded();
    let is_built_in = |s: &RuleSource| !s.learned && embedded.iter().any(|e| e.text == s.text);
    let own: Vec<bool> = sources.iter().map(|s| !is_built_in(s)).collect();
    let mut beside = embedded.clone();
    beside.extend(sources.into_iter().filter(|s| !is_built_in(s)));
    let Err(e) = RuleSet::compile(&beside, &toggles) else {
        return;
    };
    // The error names the first such id; count the others.
    let built_in: std::collections::HashSet<String> = RuleSet::compile(&embedded, &toggles)
        .map(|b| b.rules.into_iter().map(|r| r.id).collect())
        .unwrap_or_default();
    let taken = rules
        .rules
        .iter()
        .filter(|r| own[r.file] && built_in.contains(&r.id))
        .count();
    let more = match taken {
        0 | 1 => String::new(),
        n => format!(", and {} more of these ids", n - 1),
    };
    eprintln!(
        "deboil: warning: {e}{more}; clean, run and check refuse these rules beside the \
         built-in ones (--no-default-rules takes them)"
    );
}

pub fn test(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let rules = compile(paths)?;
    print_warnings(&rules);
    let cleaner = Cleaner::new(rules, CleanOptions::default());
    let results = examples::run_examples(&cleaner);
    let (report, failed) = examples::report(cleaner.rules(), &results);
    let code = if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    let mut out = stdout();
    match out.write_all(report.as_bytes()).and_then(|_| out.flush()) {
        // `rules test | head`: the listing is cut, not the verdict.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r.map_err(deboil_io::Error::Output)?,
    }
    Ok(code)
}

pub fn list(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let rules = compile(paths)?;
    let mut out = stdout();
    for r in &rules.rules {
        let join = |ps: &[deboil_core::rules::SitePattern]| {
            ps.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
        };
        let mut scope = if r.scope.include.is_empty() {
            "all sites".to_string()
        } else {
            join(&r.scope.include)
        };
        // A rule left off some sites must not read as one for every site.
        if !r.scope.exclude.is_empty() {
            scope.push_str(&format!(" except {}", join(&r.scope.exclude)));
        }
        // One rule a line, fields split by tabs: a reason's own breaks and
        // tabs would split it.
        let reason = r.reason.split_whitespace().collect::<Vec<_>>().join(" ");
        let off = if r.enabled { "" } else { " (off by default)" };
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}{off}",
            r.id,
            r.action.name(),
            scope,
            r.origin,
            reason
        )
        .map_err(deboil_io::Error::Output)?;
    }
    out.flush().map_err(deboil_io::Error::Output)?;
    Ok(ExitCode::SUCCESS)
}
