//! One file per subcommand; here the dispatch and what they share: stdout,
//! output files committed together at the end, rule warnings.

mod check;
mod clean;
mod dedup;
mod learn;
mod report;
mod rules;
mod why;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use deboil_io::jobs::learn::Prepared;
use deboil_io::read::Input;
use deboil_io::write::{
    AtomicFile, output_file, refuse_inputs, refuse_outputs_inside, refuse_shared_outputs,
    refuse_stdout_dir, same_file,
};

use crate::args::{Cli, Command, RulesCommand};

/// Of `rule_files`, the rules this run reads or writes (`--rules`,
/// `--save-learned`, learn's `-o`), those that exist and parse as rules:
/// the ones to leave out of walked folders ([`leave_out_own_files`]).
pub fn parsed_rule_files<'a>(
    rule_files: impl IntoIterator<Item = &'a PathBuf>,
) -> Vec<&'a PathBuf> {
    rule_files
        .into_iter()
        .filter(|p| p.as_os_str() != "-" && p.is_file())
        .filter(|p| {
            deboil_io::rule_files::read_text(p).is_ok_and(|text| {
                deboil_core::rules::RuleSource::new(String::new(), text).is_rule_file()
            })
        })
        .collect()
}

/// Leaves out of `inputs` the files found in a walked folder that are one
/// of `own`, files this run reads or writes that are no data (its rules,
/// check's baseline): kept beside the data under a name walks do not skip,
/// they were read as documents, and learn refused to write over its own
/// output as over an input. A file named on the command line (`named`)
/// stays an input, and writing over it is refused.
pub fn leave_out_own_files(inputs: &mut Vec<Input>, named: &[impl AsRef<Path>], own: &[&PathBuf]) {
    if own.is_empty() {
        return;
    }
    inputs.retain(|i| {
        !i.path.as_ref().is_some_and(|p| {
            !named.iter().any(|n| n.as_ref() == p) && own.iter().any(|r| same_file(p, r))
        })
    });
}

/// [`leave_out_own_files`] for the rules of [`parsed_rule_files`].
pub fn leave_out_rule_files<'a>(
    inputs: &mut Vec<Input>,
    named: &[impl AsRef<Path>],
    rule_files: impl IntoIterator<Item = &'a PathBuf>,
) {
    leave_out_own_files(inputs, named, &parsed_rule_files(rule_files));
}

/// Of `dirs` (input directories, or an output directory that need not
/// exist yet), the first that holds `out` at a place walks do not skip (no
/// hidden folder or name on the way): later runs over that folder would read
/// `out` as documents.
pub fn data_dir_holding<'a>(
    out: &Path,
    dirs: impl IntoIterator<Item = &'a PathBuf>,
) -> Option<&'a PathBuf> {
    let out = deboil_io::write::resolve_maybe_new(out)?;
    dirs.into_iter().find(|d| {
        deboil_io::write::resolve_maybe_new(d)
            .and_then(|d| out.strip_prefix(d).ok().map(Path::to_path_buf))
            .is_some_and(|below| {
                !below
                    .components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            })
    })
}

/// Refuses the file `path` of flag `flag` where it lies inside one of the
/// input directories among `inputs` or inside `out_dir` ([`data_dir_holding`]):
/// written among the documents, it was read as one by later runs over that
/// folder. `instead` says what to do, given the directory.
pub fn refuse_file_among_data(
    flag: &str,
    path: &Path,
    inputs: &[PathBuf],
    out_dir: Option<&PathBuf>,
    instead: impl Fn(&Path) -> String,
) -> anyhow::Result<()> {
    let dirs = inputs.iter().filter(|a| a.is_dir()).chain(out_dir);
    let Some(dir) = data_dir_holding(path, dirs) else {
        return Ok(());
    };
    let which = match Some(dir) == out_dir {
        true => "--out-dir",
        false => "the input directory",
    };
    Err(usage(format!(
        "{flag} {} lies inside {which} {}, where later runs would read it as a document; {}",
        path.display(),
        dir.display(),
        instead(dir)
    )))
}

/// A command line asking for what cannot be done, found after parsing (clap
/// finds the rest): it exits 64, as clap's errors do, not 2.
#[derive(Debug)]
pub struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A [`UsageError`] saying `msg`.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}

/// Resolves dedup settings, refusing `--min-jaccard` where the measure is
/// Jaccard (it only bounds containment, so it would be silently ignored) and
/// settings that contradict each other, as usage errors.
pub fn resolve_settings(
    settings: deboil_core::dedup::DedupSettings,
    preset: deboil_core::dedup::Preset,
) -> anyhow::Result<deboil_core::dedup::DedupOptions> {
    let given = settings.min_jaccard;
    let opts = settings.resolve(preset).map_err(|e| usage(e.to_string()))?;
    if given.is_some() && opts.measure == deboil_core::dedup::Measure::Jaccard {
        return Err(usage(
            "--min-jaccard applies to --similarity containment only (the measure here is jaccard)",
        ));
    }
    Ok(opts)
}

/// Refuses pipes among `inputs` when the command reads them twice (see
/// [`deboil_io::read::refuse_streams`]), before any is read.
fn refuse_streams(inputs: &[Input], twice: bool) -> anyhow::Result<()> {
    if twice {
        deboil_io::read::refuse_streams(inputs).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}

/// Runs the subcommand.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let rules = match &cli.command {
        Command::Clean(a) => Some(&a.rules),
        Command::Run(a) => Some(&a.rules),
        Command::Why(a) => Some(&a.rules),
        Command::Report(a) => Some(&a.rules),
        Command::Check(a) => Some(&a.rules),
        _ => None,
    };
    if let Some(r) = rules {
        r.refuse_idle_learn_flags()?;
    }
    match cli.command {
        Command::Clean(args) => clean::run(*args),
        Command::Dedup(args) => dedup::run(&args.input, None, &args.dedup),
        Command::Run(args) => dedup::run(&args.input, Some(&args.rules), &args.dedup),
        Command::Learn(args) => learn::run(*args),
        Command::Why(args) => why::run(&args),
        Command::Report(args) => report::run(*args),
        Command::Rules(RulesCommand::Test(a)) => rules::test(&a.paths),
        Command::Rules(RulesCommand::List(a)) => rules::list(&a.paths),
        Command::Check(args) => check::run(*args),
        Command::Completions(a) => {
            use clap::CommandFactory;
            let mut out = stdout();
            clap_complete::generate(a.shell, &mut Cli::command(), "deboil", &mut out);
            out.flush().map_err(deboil_io::Error::Output)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Stdout, line-buffered on a terminal and block-buffered into a pipe; its
/// errors say `stdout`, as those of file outputs name the file.
fn stdout() -> Box<dyn Write> {
    let out = io::stdout();
    let inner: Box<dyn Write> = if out.is_terminal() {
        Box::new(io::LineWriter::new(out))
    } else {
        Box::new(io::BufWriter::with_capacity(256 * 1024, out))
    };
    Box::new(Named {
        inner,
        name: "stdout".to_string(),
    })
}

/// The main output's path, `None` for stdout (`-o -` included).
fn main_output(path: Option<&PathBuf>) -> Option<&PathBuf> {
    path.filter(|p| p.as_os_str() != "-")
}

/// Every output a run names, checked before anything is written: none is an
/// input, no two are one file or both stdout, none lies in a directory the
/// run fills, no file lies among the documents of a folder the run reads
/// (or its `--out-dir`) where walks would read it.
#[derive(Default)]
struct OutputCheck {
    /// (label in messages, path).
    files: Vec<(String, PathBuf)>,
    /// Files the run reads besides its inputs (rule files, a saved index),
    /// each with what it is in messages: never overwritten either.
    reads: Vec<(String, PathBuf)>,
    /// The output files that must not lie among the data (flag, path,
    /// whether they hold rules).
    placed: Vec<(String, PathBuf, bool)>,
    /// The command's input paths and `--out-dir`: a file output inside
    /// one of its folders ([`refuse_file_among_data`]) is refused.
    data: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
}

impl OutputCheck {
    /// The output of flag `what`, when given (`-` is stdout).
    fn file(&mut self, what: &str, path: Option<&PathBuf>) -> &mut Self {
        self.output(what, path, false)
    }

    /// Learned rules written to `path` by flag `what` (learn's `-o`,
    /// `--save-learned`): among the data only under a rule file name.
    fn learned(&mut self, what: &str, path: Option<&PathBuf>) -> &mut Self {
        self.output(what, path, true)
    }

    /// The output of flag `what` that may lie among the data: a file
    /// `--out-dir` mirrors an input to.
    fn among_data(&mut self, what: &str, path: Option<&PathBuf>) -> &mut Self {
        if let Some(p) = path {
            self.files
                .push((format!("{what} {}", p.display()), p.clone()));
        }
        self
    }

    fn output(&mut self, what: &str, path: Option<&PathBuf>, rules: bool) -> &mut Self {
        if let Some(p) = path {
            self.files
                .push((format!("{what} {}", p.display()), p.clone()));
            if p.as_os_str() != "-" {
                self.placed.push((what.to_string(), p.clone(), rules));
            }
        }
        self
    }

    /// The folders a file output must not be written into: the input
    /// directories among `inputs` and `out_dir`, which later runs walk.
    fn data(&mut self, inputs: &[PathBuf], out_dir: Option<&PathBuf>) -> &mut Self {
        self.data.extend_from_slice(inputs);
        self.out_dir = out_dir.cloned();
        self
    }

    /// An output that goes to stdout, `what` naming it.
    fn stdout(&mut self, what: &str) -> &mut Self {
        self.files.push((what.to_string(), PathBuf::from("-")));
        self
    }

    /// The main output: the file `-o` names, else stdout.
    fn main(&mut self, path: Option<&PathBuf>) -> &mut Self {
        match path {
            Some(_) => self.file("-o", path),
            None => self.stdout("the output (stdout)"),
        }
    }

    /// The `--rules` files or directories the run reads.
    fn rules(&mut self, paths: &[PathBuf]) -> &mut Self {
        for f in deboil_io::rule_files::files(paths) {
            self.reads
                .push((format!("the rule file {}", f.display()), f));
        }
        self
    }

    /// A file the run reads that `what` names (`--baseline FILE`).
    fn read(&mut self, what: &str, path: Option<&PathBuf>) -> &mut Self {
        if let Some(p) = path {
            self.reads
                .push((format!("{what} {}", p.display()), p.clone()));
        }
        self
    }

    /// The saved index the run reads (`--against DIR`): its files.
    fn index(&mut self, dir: Option<&Path>) -> &mut Self {
        let Some(dir) = dir else { return self };
        // Unreadable: loading the index reports it.
        let what = format!("a file of the index {}", dir.display());
        for f in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            self.reads.push((what.clone(), f.path()));
        }
        self
    }

    /// Refuses what is wrong; `fills` is a directory the run writes into
    /// (`--save-index`), named by its flag.
    fn check(&self, inputs: &[Input], fills: Option<(&str, &Path)>) -> anyhow::Result<()> {
        // A folder where a file belongs: check's --write-baseline found out
        // only once the whole check had run, as `empty: is a directory`.
        for (label, path) in &self.files {
            if path.as_os_str() != "-" && path.is_dir() {
                return Err(usage(format!(
                    "{label} is a directory; name a file to write"
                )));
            }
        }
        refuse_inputs(&self.files, inputs)?;
        // A rule file or an index is read before any output is written, so
        // replacing it would go unnoticed until the user's own was gone.
        for (what, read) in &self.reads {
            for (label, path) in &self.files {
                if path.as_os_str() != "-" && same_file(path, read) {
                    return Err(deboil_io::Error::Usage(format!(
                        "{label} is {what}; deboil never overwrites its inputs"
                    ))
                    .into());
                }
            }
        }
        refuse_shared_outputs(&self.files)?;
        if let Some((what, dir)) = fills {
            refuse_stdout_dir(dir, what)?;
            refuse_outputs_inside(dir, what, &self.files)?;
        }
        for (flag, path, rules) in &self.placed {
            // Walks skip rule files by name, as they skip hidden ones.
            if deboil_io::rule_files::is_rule_file_name(path) {
                continue;
            }
            refuse_file_among_data(
                flag,
                path,
                &self.data,
                self.out_dir.as_ref(),
                |dir| match rules {
                    true => "name it *.toml (walks skip rule files), or write it outside".into(),
                    false => format!(
                        "choose a file outside it (or a hidden one, such as {})",
                        dir.join(format!(
                            ".{}",
                            path.file_name().unwrap_or_default().to_string_lossy()
                        ))
                        .display()
                    ),
                },
            )?;
        }
        Ok(())
    }
}

/// The output files of one run: opened before it (refused when one is an
/// input), committed together after it succeeded.
#[derive(Default)]
struct Outputs {
    /// The file, its path, and the output named as messages name it.
    files: Vec<(AtomicFile, PathBuf, String)>,
    /// Outputs written apart but only once the run succeeds (`--save-index
    /// DIR`), named as messages name them.
    apart: Vec<String>,
}

/// The file outputs of runs that ended before committing them, named as
/// messages name them (`-o out.jsonl`): a closed output pipe ends a run
/// quietly only when it leaves no such file unwritten.
static UNWRITTEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// The file outputs that runs ended without writing (see [`UNWRITTEN`]).
pub fn unwritten() -> Vec<String> {
    UNWRITTEN.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

impl Drop for Outputs {
    fn drop(&mut self) {
        // Not committed: the run stopped. Outputs written in place (stdout,
        // a device, a pipe) got what was written; the files get nothing.
        let lost = self
            .files
            .iter()
            .filter(|(f, _, _)| !f.is_in_place())
            .map(|(_, _, name)| name.clone())
            .chain(self.apart.drain(..));
        UNWRITTEN
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(lost);
    }
}

/// A writer whose errors name the output they happened on (`-o FILE`,
/// `--clusters FILE`): a run writes several, and "No space left on device"
/// alone does not say which filled up. The error's kind is kept (a closed
/// pipe still ends the run quietly).
struct Named<W> {
    inner: W,
    name: String,
}

impl<W: Write> Named<W> {
    fn name(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: {e}", self.name))
    }
}

impl<W: Write> Write for Named<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.name(e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf).map_err(|e| self.name(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.name(e))
    }
}

impl Outputs {
    /// Opens `path` for the output that flag `what` names; returns its slot.
    fn open(
        &mut self,
        path: Option<&PathBuf>,
        inputs: &[Input],
        what: &str,
    ) -> anyhow::Result<Option<usize>> {
        let Some(path) = path else { return Ok(None) };
        let name = match path.as_os_str() == "-" {
            true => format!("{what} (stdout)"),
            false => format!("{what} {}", path.display()),
        };
        self.files
            .push((output_file(path, inputs, what)?, path.clone(), name));
        Ok(Some(self.files.len() - 1))
    }

    /// Takes the learned rules `--save-learned` wrote, to commit them with
    /// the run's other outputs: only when the run succeeds.
    fn adopt(&mut self, prepared: Option<&mut Prepared>) {
        if let Some((f, path)) = prepared.and_then(|p| p.saved.take()) {
            let name = format!("--save-learned {}", path.display());
            self.files.push((f, path, name));
        }
    }

    /// The writers of the given slots, borrowed for the run.
    fn writers<const N: usize>(
        &mut self,
        slots: [Option<usize>; N],
    ) -> [Option<Box<dyn Write + '_>>; N] {
        let mut files: Vec<Option<(&mut AtomicFile, &String)>> = self
            .files
            .iter_mut()
            .map(|(f, _, name)| Some((f, &*name)))
            .collect();
        slots.map(|s| {
            s.and_then(|i| files[i].take()).map(|(f, name)| {
                let name = name.clone();
                Box::new(Named { inner: f, name }) as Box<dyn Write + '_>
            })
        })
    }

    /// Renames every file into place; a signal meanwhile waits, so that it
    /// finds all or none of them.
    fn commit(mut self) -> anyhow::Result<()> {
        let _hold = deboil_io::cleanup::commit_lock();
        // One at a time: those a failure leaves behind count as unwritten.
        while !self.files.is_empty() {
            let (f, p, _) = self.files.remove(0);
            f.commit()
                .with_context(|| format!("writing {}", p.display()))?;
        }
        self.apart.clear();
        Ok(())
    }

    /// Names an output written apart (`--save-index DIR`) that a run
    /// stopped early leaves unwritten, as it does the files.
    fn apart(&mut self, name: String) {
        self.apart.push(name);
    }
}

/// Reports what preparing the rules found: the learning line (unless
/// `quiet`), the rule files' warnings, and the `--enable`/`--disable` globs
/// of `args` that match no rule (a typo would switch nothing, silently).
fn report_prepared(p: &Prepared, args: &crate::args::RuleArgs, quiet: bool) {
    if let Some(learned) = &p.learned
        && !quiet
    {
        eprintln!("deboil learn: {}", learned.describe());
    }
    print_warnings(p.cleaner.rules());
    let rules = &p.cleaner.rules().rules;
    for (flag, globs) in [("--enable", &args.enable), ("--disable", &args.disable)] {
        for g in globs {
            let hits = |id: &str| deboil_core::rules::glob_match(g, id);
            if !rules.iter().any(|r| hits(&r.id)) {
                eprintln!(
                    "deboil: warning: {flag} {g} matches no rule (`deboil rules list` names them)"
                );
            }
        }
    }
}

fn print_warnings(rules: &deboil_core::RuleSet) {
    for w in &rules.warnings {
        eprintln!("deboil: warning: {w}");
    }
}
