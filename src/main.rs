//! The `deboil` binary: parses arguments and hands each subcommand to its
//! file in `cmd/`; exit codes are 0 ok, 1 findings, 2 error, 64 usage
//! error, 128 + N on signal N (130 for SIGINT).

// Messages, warnings, summaries and progress lines go to stderr through
// these, which shadow std's (they are defined before the modules that use
// them): std's panic when stderr is closed (`deboil run ... 2>&1 | head`),
// and a panic stopped a run whose outputs are elsewhere, exit 101, its
// files unwritten. A message that cannot be shown is dropped instead.
macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod cmd;
mod options;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// The exit code of a command line that cannot be parsed (sysexits' EX_USAGE).
const USAGE: u8 = 64;

fn main() -> ExitCode {
    // Before any thread or temp file exists: an interrupted run removes its
    // temp files and exits 130 (SIGINT) or 143 (SIGTERM).
    if let Err(e) = deboil_io::cleanup::install_signal_handlers() {
        eprintln!("deboil: error: installing signal handlers: {e}");
        return ExitCode::from(2);
    }
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version go to stdout and succeed; a bad command
            // line exits 64 (EX_USAGE), so that scripts can tell it from a
            // run that failed on its data (2).
            let code = if e.use_stderr() { USAGE } else { 0 };
            // `--help > /dev/full` fails as any other output would (a
            // closed pipe, `--help | head`, does not).
            return match e.print() {
                Err(w) if code == 0 && w.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("deboil: error: writing output: {w}");
                    ExitCode::from(2)
                }
                _ => ExitCode::from(code),
            };
        }
    };
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`deboil clean | head`) ends the run quietly,
            // unless it stopped the run before files it was to write were
            // written (`run -o out.jsonl --clusters - | head`): a missing
            // output must not pass for a run that succeeded.
            if is_broken_pipe(&e) {
                let lost = cmd::unwritten();
                if lost.is_empty() {
                    return ExitCode::SUCCESS;
                }
                eprintln!(
                    "deboil: error: {}; the run stopped there, so {} {} not written",
                    message(&e),
                    lost.join(", "),
                    if lost.len() == 1 { "was" } else { "were" }
                );
                return ExitCode::from(2);
            }
            eprintln!("deboil: error: {}", message(&e));
            if e.downcast_ref::<cmd::UsageError>().is_some() {
                ExitCode::from(USAGE)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

/// Whether `e` is a closed output pipe: the library's output error, or a
/// plain write error from a command that prints itself (`check`, `why`).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<deboil_io::Error>()
            .is_some_and(deboil_io::Error::is_broken_pipe)
            || c.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes, `: `-separated, leaving out a cause whose text
/// is already there: an error such as "FILE: OS ERROR" that also gives the
/// OS error as its source would otherwise print it twice.
fn message(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let os = std::io::Error::from_raw_os_error(2);
        let e = anyhow::Error::from(deboil_io::Error::io("x.jsonl", os));
        assert_eq!(
            message(&e),
            "x.jsonl: No such file or directory (os error 2)"
        );
        let e = anyhow::anyhow!("inner").context("outer");
        assert_eq!(message(&e), "outer: inner");
    }
}
