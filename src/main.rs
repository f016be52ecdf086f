//! The `deboil` binary: parses arguments and hands each subcommand to its
//! file in `cmd/`; exit codes are 0 ok, 1 findings, 2 error,
//! 128 + N on signal N (130 for SIGINT).

mod args;
mod cmd;
mod options;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Before any thread or temp file exists: an interrupted run removes its
    // temp files and exits 130 (SIGINT) or 143 (SIGTERM).
    if let Err(e) = deboil_io::cleanup::install_signal_handlers() {
        eprintln!("deboil: error: installing signal handlers: {e}");
        return ExitCode::from(2);
    }
    let cli = args::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`deboil clean | head`) ends the run quietly.
            if e.downcast_ref::<deboil_io::Error>()
                .is_some_and(deboil_io::Error::is_broken_pipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("deboil: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
