//! `cutover report`: where every record went, from the state database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::cli::prepared::prepare;
use crate::cli::session::{open_ledger, runtime};
use crate::cli::{COULD_NOT_RUN, FOUND_ERRORS, RenderColor, Stream, emit};
use crate::report::reconcile::reconcile;

/// Print the reconciliation report: per object, records in the source and where each went
/// (created, matched, updated, unchanged, skipped, flagged, failed, queued), the reason for every
/// record that did not migrate, and the reconciliation queue. Exits 1 when any record is
/// unaccounted for.
#[derive(Debug, Args)]
pub struct ReportCommand {
    /// The spec file (its `state:` names the database).
    spec: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    color: RenderColor,
}

/// Formats of `cutover report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A table for the terminal; reasons grouped, with their first ids.
    Text,
    /// Markdown with every id, to send or attach to a ticket.
    Markdown,
    /// JSON for tools.
    Json,
}

impl ReportCommand {
    /// Print the report.
    pub fn execute(self) -> ExitCode {
        let prepared = match prepare(&self.spec, self.color.style()) {
            Ok(prepared) => prepared,
            Err(code) => return code,
        };
        let report = runtime().and_then(|runtime| {
            runtime.block_on(async {
                let ledger = open_ledger(&prepared, &self.spec).await?;
                let report = reconcile(&ledger).await.map_err(|e| e.message);
                ledger.close().await;
                report
            })
        });
        let report = match report {
            Ok(report) => report,
            Err(message) => {
                let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
                return ExitCode::from(COULD_NOT_RUN);
            }
        };
        let text = match self.format {
            ReportFormat::Text => report.to_text(),
            ReportFormat::Markdown => report.to_markdown(),
            ReportFormat::Json => report.to_json(),
        };
        if let Err(code) = emit(Stream::Stdout, &text) {
            return code;
        }
        if report.unaccounted > 0 { ExitCode::from(FOUND_ERRORS) } else { ExitCode::SUCCESS }
    }
}
