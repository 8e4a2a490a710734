//! `cutover plan`: phases in order, preflight checklist, predicted losses, request estimate.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::cli::prepared::{Prepared, prepare};
use crate::cli::{COULD_NOT_RUN, RenderColor, Stream, emit};
use crate::report::plan::{plan_report, render_markdown, render_mermaid, render_text};

/// Print the migration plan of a spec: what runs in which order, what to prepare in Intercom,
/// what will not arrive as it is, and how many requests and how long.
#[derive(Debug, Args)]
pub struct PlanCommand {
    /// The spec file.
    spec: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    format: PlanFormat,
    /// Write the plan as a reviewable JSON artifact, pinned to the hashes of the spec, its base
    /// specs and its schema locks (`run --plan` refuses when any of them changed).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    color: RenderColor,
}

/// Formats of `cutover plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Plain text.
    Text,
    /// Markdown, with the checklist as task items.
    Markdown,
    /// JSON (the same document `--out` writes).
    Json,
    /// The phase graph as a Mermaid flowchart.
    Mermaid,
}

impl PlanCommand {
    /// Print the plan (and write `--out`).
    pub fn execute(self) -> ExitCode {
        let prepared = match prepare(&self.spec, self.color.style()) {
            Ok(prepared) => prepared,
            Err(code) => return code,
        };
        let report = plan_report(&prepared.spec, &prepared.schemas, &prepared.plan);
        let artifact = artifact(&prepared, &report);
        if let Some(out) = &self.out
            && let Err(error) = std::fs::write(out, format!("{artifact}\n"))
        {
            let _ = emit(Stream::Stderr, &format!("error: cannot write `{}`: {error}\n", out.display()));
            return ExitCode::from(COULD_NOT_RUN);
        }
        let text = match self.format {
            PlanFormat::Text => render_text(&report),
            PlanFormat::Markdown => render_markdown(&report),
            PlanFormat::Json => format!("{artifact}\n"),
            PlanFormat::Mermaid => render_mermaid(&report),
        };
        emit(Stream::Stdout, &text).err().unwrap_or(ExitCode::SUCCESS)
    }
}

/// The JSON artifact: the report plus the hash of every file the plan was made from.
fn artifact(prepared: &Prepared, report: &crate::report::plan::PlanReport) -> String {
    let pins: Vec<serde_json::Value> = crate::cli::session::pins(prepared)
        .into_iter()
        .map(|(path, sha256)| serde_json::json!({ "path": path, "sha256": sha256 }))
        .collect();
    let document = serde_json::json!({
        "cutover_plan": 1,
        "pins": pins,
        "plan": report,
    });
    serde_json::to_string_pretty(&document).expect("a plan serializes")
}
