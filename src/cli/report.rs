//! `cutover report`: where every record went, from the state database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::cli::session::with_ledger;
use crate::cli::{FOUND_ERRORS, RenderColor, Stream, emit};
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
        let report = with_ledger(&self.spec, self.color.style(), async |_, ledger| {
            reconcile(ledger).await.map_err(|e| e.message)
        });
        let report = match report {
            Ok(report) => report,
            Err(code) => return code,
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
