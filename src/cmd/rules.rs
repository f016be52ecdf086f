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
    let sources = if paths.is_empty() {
        RuleSource::embedded()
    } else {
        rule_files::read_all(paths)?
    };
    Ok(RuleSet::compile(&sources, &Toggles::default())?)
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
