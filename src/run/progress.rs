//! [`Progress`]: what a run shows while it works — a bar per phase on a terminal (count, rate,
//! ETA), a plain line every few seconds otherwise (CI logs, `nohup`), and one line per finished
//! phase either way.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a plain progress line is printed.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// Progress of a run, shared by its tasks.
#[derive(Debug)]
pub struct Progress {
    bars: Option<MultiProgress>,
    quiet: bool,
    phase: Mutex<Phase>,
}

#[derive(Debug)]
struct Phase {
    name: String,
    total: Option<u64>,
    done: u64,
    started: Instant,
    printed: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Bars when stderr is a terminal, plain lines otherwise; nothing at all when `quiet`.
    pub fn new(quiet: bool) -> Progress {
        let bars = (!quiet && std::io::stderr().is_terminal())
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        let now = Instant::now();
        let phase = Phase { name: String::new(), total: None, done: 0, started: now, printed: now, bar: None };
        Progress { bars, quiet, phase: Mutex::new(phase) }
    }

    /// A phase starts: `total` records when known.
    pub fn start(&self, name: &str, total: Option<u64>) {
        let mut phase = self.phase.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let bar = self.bars.as_ref().map(|bars| {
            let bar = bars.add(total.map_or_else(ProgressBar::new_spinner, ProgressBar::new));
            let template = if total.is_some() {
                "{prefix:>14} [{bar:30}] {pos}/{len} {per_sec} ETA {eta}"
            } else {
                "{prefix:>14} {spinner} {pos} {per_sec}"
            };
            bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
            bar.set_prefix(name.to_owned());
            bar
        });
        let now = Instant::now();
        *phase = Phase { name: name.to_owned(), total, done: 0, started: now, printed: now, bar };
    }

    /// `n` more records settled in the current phase.
    pub fn advance(&self, n: u64) {
        let mut phase = self.phase.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        phase.done += n;
        if let Some(bar) = &phase.bar {
            bar.inc(n);
        } else if !self.quiet && phase.printed.elapsed() >= PLAIN_EVERY {
            phase.printed = Instant::now();
            let rate = phase.done as f64 / phase.started.elapsed().as_secs_f64().max(0.001);
            let of = phase.total.map(|t| format!("/{t}")).unwrap_or_default();
            eprintln!("{}: {}{of} records, {rate:.1}/s", phase.name, phase.done);
        }
    }

    /// The current phase ended; `summary` is printed on its own line.
    pub fn finish(&self, summary: &str) {
        let mut phase = self.phase.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(bar) = phase.bar.take() {
            bar.finish_and_clear();
        }
        if !self.quiet {
            let seconds = phase.started.elapsed().as_secs_f64();
            match &self.bars {
                Some(bars) => {
                    let _ = bars.println(format!("{}: {summary} ({seconds:.1}s)", phase.name));
                }
                None => eprintln!("{}: {summary} ({seconds:.1}s)", phase.name),
            }
        }
    }

    /// A message between phases.
    pub fn note(&self, message: &str) {
        if self.quiet {
            return;
        }
        match &self.bars {
            Some(bars) => {
                let _ = bars.println(message);
            }
            None => eprintln!("{message}"),
        }
    }
}
