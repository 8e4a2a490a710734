//! `cutover rollback`: undo what runs created.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clap::Args;

use crate::cli::session::{connect_intercom, stop_on_ctrl_c, with_ledger};
use crate::cli::{FOUND_ERRORS, RenderColor, Stream, emit};
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
        let outcome = with_ledger(&self.spec, self.color.style(), async |prepared, ledger| {
            let destination = connect_intercom(prepared).await?;
            let stop = Arc::new(AtomicBool::new(false));
            stop_on_ctrl_c(Arc::clone(&stop));
            let progress = Progress::new(self.quiet);
            rollback(&destination, ledger, self.run, self.force, self.dry_run, &progress, &stop)
                .await
                .map_err(|e| e.message)
        });
        let report = match outcome {
            Ok(report) => report,
            Err(code) => return code,
        };
        if let Err(code) = emit(Stream::Stdout, &report.to_text()) {
            return code;
        }
        if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(FOUND_ERRORS) }
    }
}
