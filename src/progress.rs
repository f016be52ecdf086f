//! Progress on stderr while a job runs: a bar on a terminal, timed lines
//! with `-v` elsewhere (CI logs), nothing with `-q`. A thread polls the
//! library's counters ([`deboil_io::progress`]); the job never waits on it.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use deboil_io::progress::{self, Snapshot};
use deboil_io::report::{grouped, human_bytes};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often the counters are read, and how often a log line is written.
const TICK: Duration = Duration::from_millis(100);
const LOG_EVERY: Duration = Duration::from_secs(5);

/// Shows progress until dropped.
pub struct Progress {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Starts showing progress: a bar when stderr is a terminal, timed lines
/// when `verbose`, nothing when `quiet` (or neither).
pub fn start(quiet: bool, verbose: bool) -> Progress {
    let none = Progress {
        stop: None,
        thread: None,
    };
    if quiet {
        return none;
    }
    let (tx, rx) = mpsc::channel();
    let thread = if std::io::stderr().is_terminal() {
        std::thread::spawn(move || bar(rx))
    } else if verbose {
        std::thread::spawn(move || lines(rx))
    } else {
        return none;
    };
    Progress {
        stop: Some(tx),
        thread: Some(thread),
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Waits one tick; `false` once the job is done.
fn tick(rx: &mpsc::Receiver<()>) -> bool {
    matches!(rx.recv_timeout(TICK), Err(mpsc::RecvTimeoutError::Timeout))
}

fn bar(rx: mpsc::Receiver<()>) {
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
    let bytes = ProgressStyle::with_template(
        "{spinner} {prefix:>8} {elapsed:>4} [{bar:24}] {binary_bytes}/{binary_total_bytes}, {binary_bytes_per_sec}, ETA {eta}, {msg}",
    )
    .expect("a valid template")
    .progress_chars("=> ");
    let spin = ProgressStyle::with_template("{spinner} {prefix:>8} {elapsed:>4} {msg}")
        .expect("a valid template");
    let mut serial = 0;
    while tick(&rx) {
        let s = progress::snapshot();
        let Some(phase) = s.phase else { continue };
        if s.serial != serial {
            serial = s.serial;
            pb.reset();
            pb.set_prefix(phase.name);
            match phase.total {
                Some(total) => {
                    pb.set_length(total);
                    pb.set_style(bytes.clone());
                }
                None => {
                    pb.unset_length();
                    pb.set_style(spin.clone());
                }
            }
        }
        pb.set_position(s.done);
        pb.set_message(format!("{} docs", grouped(s.docs)));
        pb.tick();
    }
    pb.finish_and_clear();
}

fn lines(rx: mpsc::Receiver<()>) {
    let start = Instant::now();
    let (mut serial, mut phase_start, mut last) = (0, start, start);
    while tick(&rx) {
        let s = progress::snapshot();
        if s.phase.is_none() {
            continue;
        }
        let now = Instant::now();
        if s.serial != serial {
            (serial, phase_start) = (s.serial, now);
        } else if now - last < LOG_EVERY {
            continue;
        }
        last = now;
        eprintln!("{}", line(&s, now - start, now - phase_start));
    }
    eprintln!(
        "deboil: {:.1}s done, {} documents",
        start.elapsed().as_secs_f64(),
        grouped(progress::snapshot().docs)
    );
}

/// One log line: time, phase, bytes of the total, rate and ETA.
fn line(s: &Snapshot, elapsed: Duration, in_phase: Duration) -> String {
    let phase = s.phase.expect("a phase");
    let mut l = format!(
        "deboil: {:.1}s {}: {} documents",
        elapsed.as_secs_f64(),
        phase.name,
        grouped(s.docs)
    );
    let secs = in_phase.as_secs_f64();
    if s.done > 0 && secs < 1.0 {
        // Just begun: read-ahead makes a rate meaningless yet.
        l.push_str(&format!(", {}", human_bytes(s.done)));
        if let Some(total) = phase.total {
            l.push_str(&format!(" of {}", human_bytes(total)));
        }
    } else if s.done > 0 {
        let rate = s.done as f64 / secs.max(1e-3);
        l.push_str(&format!(", {}", human_bytes(s.done)));
        if let Some(total) = phase.total.filter(|&t| t > 0) {
            let left = total.saturating_sub(s.done) as f64 / rate.max(1.0);
            l.push_str(&format!(
                " of {} ({:.0} %), {}/s, ETA {:.0}s",
                human_bytes(total),
                100.0 * s.done.min(total) as f64 / total as f64,
                human_bytes(rate as u64),
                left
            ));
        } else {
            l.push_str(&format!(", {}/s", human_bytes(rate as u64)));
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;
    use deboil_io::progress::Phase;

    #[test]
    fn log_lines_say_phase_bytes_rate_and_eta() {
        let s = Snapshot {
            phase: Some(Phase {
                name: "cleaning",
                total: Some(100 << 20),
            }),
            serial: 1,
            done: 25 << 20,
            docs: 1234,
        };
        let l = line(&s, Duration::from_secs(12), Duration::from_secs(10));
        assert_eq!(
            l,
            "deboil: 12.0s cleaning: 1,234 documents, 25.0 MiB of 100 MiB (25 %), 2.50 MiB/s, ETA 30s"
        );
        // No rate in the phase's first second.
        let l = line(&s, Duration::from_secs(2), Duration::from_millis(100));
        assert_eq!(
            l,
            "deboil: 2.0s cleaning: 1,234 documents, 25.0 MiB of 100 MiB"
        );
    }
}
