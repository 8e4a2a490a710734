//! `cutover rollback`: undo what runs created.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::Args;

use crate::cli::prepared::prepare;
use crate::cli::session::{connect_intercom, open_ledger, runtime, stop_on_ctrl_c};
use crate::cli::{COULD_NOT_RUN, FOUND_ERRORS, RenderColor, Stream, emit};
use crate::run::progress::Progress;
use crate::run::rollback::rollback;

/// Delete from Intercom what the migration created, newest first (children before parents).
/// Records it only matched are never touched; records edited in Intercom after the import are
/// kept and listed unless --force; what the API cannot delete is listed for manual cleanup.
/// Resumable: run it again after an interruption.
#[derive(Debug, Args)]
pub struct RollbackCommand {
    /// The spec file.
    spec: PathBuf,
    /// Only what this run created (see `cutover report` for run ids); default: every run.
    #[arg(long, value_name = "ID")]
    run: Option<i64>,
    /// Also delete records people edited in Intercom after the import.
    #[arg(long)]
    force: bool,
    /// Print what would be deleted; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    color: RenderColor,
}

impl RollbackCommand {
    /// Roll back and print what was done.
    pub fn execute(self) -> ExitCode {
        let prepared = match prepare(&self.spec, self.color.style()) {
            Ok(prepared) => prepared,
            Err(code) => return code,
        };
        let outcome = runtime().and_then(|runtime| {
            runtime.block_on(async {
                let ledger = open_ledger(&prepared, &self.spec).await?;
                let destination = connect_intercom(&prepared).await?;
                let stop = Arc::new(AtomicBool::new(false));
                stop_on_ctrl_c(Arc::clone(&stop));
                let progress = Progress::new(self.quiet);
                let result = rollback(&destination, &ledger, self.run, self.force, self.dry_run, &progress, &stop)
                    .await
                    .map_err(|e| e.message);
                ledger.close().await;
                result
            })
        });
        match outcome {
            Ok(report) => {
                if let Err(code) = emit(Stream::Stdout, &report.to_text()) {
                    return code;
                }
                if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(FOUND_ERRORS) }
            }
            Err(message) => {
                let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
                ExitCode::from(COULD_NOT_RUN)
            }
        }
    }
}
