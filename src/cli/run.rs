//! `cutover run`: the migration.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::Args;

use crate::cli::prepared::{Prepared, prepare};
use crate::cli::session::{
    check_plan, connect_intercom, file_destination, init_logging, open_ledger, runtime, spec_dir, spec_hash,
    stop_on_ctrl_c,
};
use crate::cli::{COULD_NOT_RUN, FOUND_ERRORS, RenderColor, Stream, emit};
use crate::drivers::Destination;
use crate::report::reconcile::reconcile;
use crate::run::progress::Progress;
use crate::run::runner::{RunOptions, Runner, attributes_needed, change_fields};
use crate::spec::model::Unmatched;
use crate::state::Ledger;

/// Exit code of a run stopped by Ctrl-C or a fatal destination error: run again to resume.
const INTERRUPTED: u8 = 130;

/// Migrate: settle what an interrupted run left, create the custom attributes, then every
/// object in dependency order, recording each record in the state database. Safe to run again:
/// records already migrated are skipped, changed ones updated, nothing is created twice.
#[derive(Debug, Args)]
pub struct RunCommand {
    /// The spec file.
    spec: PathBuf,
    /// Migrate a consistent sample: the first N tickets with their parts, contacts, teammates
    /// and everything else they refer to (for the customer's sign-off).
    #[arg(long, value_name = "N")]
    sample: Option<usize>,
    /// Only these objects (spec names, comma-separated or repeated); what they refer to must
    /// have been migrated already.
    #[arg(long, value_name = "OBJECT", value_delimiter = ',')]
    only: Vec<String>,
    /// Refuse to start unless the spec, its base specs and locks are exactly those the plan
    /// (`cutover plan SPEC --out FILE`) was written from.
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
    /// Only records changed at the source since the last run are mapped again; new ones are
    /// created, new parts appended, and records people edited in Intercom since the import are
    /// reported instead of overwritten.
    #[arg(long)]
    delta: bool,
    /// Write to NDJSON files (in `--dry-run-dir`) instead of Intercom, with a state database of
    /// its own there; the real state and the workspace are not touched.
    #[arg(long)]
    dry_run: bool,
    /// Where `--dry-run` writes (default `dry-run/` beside the spec); emptied first.
    #[arg(long, value_name = "DIR", requires = "dry_run")]
    dry_run_dir: Option<PathBuf>,
    /// Writes in flight at once (the pacer keeps the total under the rate budget).
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Records per source page (default: the source's `batch:`, else 500).
    #[arg(long)]
    batch: Option<usize>,
    /// Append structured logs here (default `cutover.log` beside the spec).
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    color: RenderColor,
}

impl RunCommand {
    /// Run the migration.
    pub fn execute(self) -> ExitCode {
        let prepared = match prepare(&self.spec, self.color.style()) {
            Ok(prepared) => prepared,
            Err(code) => return code,
        };
        if let Some(plan) = &self.plan
            && let Err(message) = check_plan(&prepared, plan)
        {
            return fail(&message);
        }
        let log = self.log.clone().unwrap_or_else(|| spec_dir(&self.spec).join("cutover.log"));
        if let Err(message) = init_logging(&log) {
            return fail(&message);
        }
        let runtime = match runtime() {
            Ok(runtime) => runtime,
            Err(message) => return fail(&message),
        };
        runtime.block_on(self.run(&prepared)).unwrap_or_else(|message| fail(&message))
    }

    async fn run(&self, prepared: &Prepared) -> Result<ExitCode, String> {
        if !self.dry_run {
            let ledger = open_ledger(prepared, &self.spec).await?;
            let destination = connect_intercom(prepared).await?;
            return self.migrate(prepared, &destination, &ledger).await;
        }
        let dir = self.dry_run_dir.clone().unwrap_or_else(|| spec_dir(&self.spec).join("dry-run"));
        let _ = std::fs::remove_dir_all(&dir);
        let destination = file_destination(prepared, &dir)?;
        // A relative SQLite path is taken from the directory given beside it.
        let ledger = Ledger::open("sqlite:dry-run.db", &dir).await.map_err(|e| e.message)?;
        let code = self.migrate(prepared, &destination, &ledger).await;
        eprintln!("dry run: the records that would be written are in {}", dir.display());
        code
    }

    fn options(&self, prepared: &Prepared) -> RunOptions {
        let mut command = String::from("run");
        if let Some(n) = self.sample {
            command.push_str(&format!(" --sample {n}"));
        }
        if self.delta {
            command.push_str(" --delta");
        }
        if !self.only.is_empty() {
            command.push_str(&format!(" --only {}", self.only.join(" ")));
        }
        if self.dry_run {
            command.push_str(" --dry-run");
        }
        let skip_unmatched: HashSet<String> = prepared
            .spec
            .objects
            .iter()
            .filter(|(_, object)| object.unmatched.as_ref().is_some_and(|u| u.value == Unmatched::Skip))
            .map(|(name, _)| name.value.clone())
            .collect();
        let lock = prepared.schemas.source.as_ref();
        RunOptions {
            command,
            spec_hash: spec_hash(prepared),
            delta: self.delta,
            sample: self.sample,
            only: self.only.clone(),
            batch: self.batch.or_else(|| prepared.spec.source.batch.as_ref().map(|b| b.value as usize)).unwrap_or(500),
            concurrency: self.concurrency,
            skip_unmatched,
            change_fields: change_fields(&prepared.plan, lock),
            attributes: attributes_needed(&prepared.plan, &prepared.schemas.sink),
        }
    }

    async fn migrate<D: Destination>(
        &self,
        prepared: &Prepared,
        destination: &D,
        ledger: &Ledger,
    ) -> Result<ExitCode, String> {
        let source = prepared.open_source()?;
        let stop = Arc::new(AtomicBool::new(false));
        stop_on_ctrl_c(Arc::clone(&stop));
        let progress = Progress::new(self.quiet);
        let locate = |span| prepared.sources.locate(span);
        let started = Instant::now();
        tracing::info!(spec = %self.spec.display(), state = %ledger.name(), "run starts");
        let runner =
            Runner::new(&prepared.plan, source, destination, ledger, self.options(prepared), &progress, &stop, &locate);
        let summary = runner.run().await.map_err(|e| e.message)?;
        let report = reconcile(ledger).await.map_err(|e| e.message)?;
        ledger.close().await;
        emit(Stream::Stdout, &report.to_text()).map_err(|_| "cannot write the report".to_owned())?;
        let seconds = started.elapsed().as_secs_f64();
        tracing::info!(run = summary.run, seconds, interrupted = summary.interrupted, "run ends");
        if let Some(fatal) = &summary.fatal {
            eprintln!("run {} stopped: {fatal}", summary.run);
            return Ok(ExitCode::from(INTERRUPTED));
        }
        if summary.interrupted {
            eprintln!("run {} interrupted after {seconds:.1}s; run the same command again to resume", summary.run);
            return Ok(ExitCode::from(INTERRUPTED));
        }
        let attention: i64 = summary.counts.iter().map(|(_, c)| c.failed + c.queued).sum();
        eprintln!("run {} finished in {seconds:.1}s", summary.run);
        Ok(if attention > 0 || report.unaccounted > 0 { ExitCode::from(FOUND_ERRORS) } else { ExitCode::SUCCESS })
    }
}

fn fail(message: &str) -> ExitCode {
    let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
    ExitCode::from(COULD_NOT_RUN)
}
