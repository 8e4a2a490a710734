//! The command line: argument parsing, one file per subcommand, exit codes.
//!
//! `main.rs` only calls [`run`]. Each subcommand is a clap-derived struct in its own file with an
//! `execute` method that does the work and returns the exit code, so this file stays a table of
//! contents.
//!
//! Exit codes are the same for every subcommand:
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | done; no errors (warnings allowed) |
//! | 1 | the command ran and found errors (a spec that cannot be read is one of them) |
//! | 2 | the command could not run: bad arguments, an unknown code for `explain`, output failed |

mod demo;
mod discover;
mod explain;
mod functions;
mod generate;
mod inventory;
mod plan;
mod prepared;
mod preview;
mod propose;
mod report;
mod rollback;
mod run;
mod sandbox;
mod schema;
mod session;
mod snapshot;
mod validate;
mod verify;

use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::RenderStyle;

/// Exit code 1: the command ran and found errors.
pub(crate) const FOUND_ERRORS: u8 = 1;
/// Exit code 2: the command could not run.
pub(crate) const COULD_NOT_RUN: u8 = 2;

/// Declarative helpdesk-to-Intercom migration: validate mapping specs before anything runs.
#[derive(Debug, Parser)]
#[command(name = "cutover", version, max_term_width = 100)]
pub struct Arguments {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The whole migration on embedded defaults: a generated Odoo helpdesk served by the Odoo
    /// emulator, the Intercom sandbox, SQLite state; discover, validate, plan, run, verify, report,
    /// inventory, rollback.
    Demo(demo::DemoCommand),
    /// Check mapping specs and report every problem found, without connecting anywhere.
    Validate(validate::Validate),
    /// Describe the spec's source as a schema lock, with notes on what was found (for TOPdesk, what the
    /// operator may read per object).
    Discover(discover::Discover),
    /// Explain a diagnostic code: what it means, a spec excerpt that triggers it, how to fix it.
    Explain(explain::Explain),
    /// Print the JSON Schema of the spec format, for editor completion and validation.
    Schema(schema::Schema),
    /// List the built-in functions of the expression language.
    Functions(functions::Functions),
    /// Generate a synthetic helpdesk (NDJSON files and a schema lock) for tests and demos.
    Generate(generate::Generate),
    /// Print the migration plan: phases in order, preflight checklist, predicted losses, estimate.
    Plan(plan::PlanCommand),
    /// Propose a draft spec from a source lock and a workspace lock; every guess waits for a
    /// person to confirm it.
    Propose(propose::ProposeCommand),
    /// Map source records with the spec and print the destination records; nothing is written.
    Preview(preview::Preview),
    /// Render sample mapped records into snapshot files for review; `--check` diffs them.
    Snapshot(snapshot::Snapshot),
    /// Run a local emulator of a destination API (`sandbox intercom`) for rehearsals and demos.
    Sandbox(sandbox::SandboxCommand),
    /// Migrate: batched, paced, resumable and ledgered (`--sample N`, `--only`, `--delta`, `--dry-run`).
    Run(run::RunCommand),
    /// Where every record went: per-object counts, reasons, the reconciliation queue.
    Report(report::ReportCommand),
    /// Write the spec's `inventory:` sections read from the source (for Odoo also the automated
    /// actions and mail aliases to rebuild by hand) as Markdown or JSON.
    Inventory(inventory::InventoryCommand),
    /// Read a sample of migrated records back from Intercom and compare them field by field.
    Verify(verify::VerifyCommand),
    /// Delete what the migration created, newest first; never what it only matched.
    Rollback(rollback::RollbackCommand),
}

/// The `--color` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always colour, even when piped or when NO_COLOR is set.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether stderr is a terminal and the value of NO_COLOR
    /// (<https://no-color.org>: any non-empty value turns colour off by default).
    fn use_color(self, is_terminal: bool, no_color: Option<&OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(OsStr::is_empty),
        }
    }
}

/// Parse the arguments (the first is the program name), run the subcommand, return its exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let arguments = match Arguments::try_parse_from(args) {
        Ok(arguments) => arguments,
        Err(error) => {
            // Prints usage errors to stderr and --help/--version to stdout.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(COULD_NOT_RUN));
        }
    };
    match arguments.command {
        Command::Demo(demo) => demo.execute(),
        Command::Validate(validate) => validate.execute(),
        Command::Discover(discover) => discover.execute(),
        Command::Explain(explain) => explain.execute(),
        Command::Schema(schema) => schema.execute(),
        Command::Functions(functions) => functions.execute(),
        Command::Generate(generate) => generate.execute(),
        Command::Plan(plan) => plan.execute(),
        Command::Preview(preview) => preview.execute(),
        Command::Propose(propose) => propose.execute(),
        Command::Snapshot(snapshot) => snapshot.execute(),
        Command::Sandbox(sandbox) => sandbox.execute(),
        Command::Run(run) => run.execute(),
        Command::Report(report) => report.execute(),
        Command::Inventory(inventory) => inventory.execute(),
        Command::Verify(verify) => verify.execute(),
        Command::Rollback(rollback) => rollback.execute(),
    }
}

/// Colour and width of human output on stderr; the width comes from COLUMNS when it is set.
/// `--color` for commands that may print diagnostics.
#[derive(Debug, clap::Args)]
pub struct RenderColor {
    /// When to colour diagnostics: `auto` (a terminal, and NO_COLOR unset), `always`, `never`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

impl RenderColor {
    /// The style diagnostics are rendered in.
    pub(crate) fn style(&self) -> RenderStyle {
        human_style(self.color)
    }
}

fn human_style(color: ColorChoice) -> RenderStyle {
    let no_color = std::env::var_os("NO_COLOR");
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .filter(|&columns: &usize| columns >= 40)
        .unwrap_or(RenderStyle::PLAIN.width);
    RenderStyle { color: color.use_color(std::io::stderr().is_terminal(), no_color.as_deref()), width }
}

/// Which stream a command's output goes to.
#[derive(Clone, Copy, Debug)]
enum Stream {
    Stdout,
    Stderr,
}

/// Write `text` to `stream`. A reader that went away (`cutover schema | head`) is not an error;
/// any other failure means the command could not deliver its output.
fn emit(stream: Stream, text: &str) -> Result<(), ExitCode> {
    let written = match stream {
        Stream::Stdout => std::io::stdout().lock().write_all(text.as_bytes()),
        Stream::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
    };
    match written {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(ExitCode::from(COULD_NOT_RUN)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_is_honoured_only_in_auto_mode() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        assert!(ColorChoice::Auto.use_color(true, None));
        assert!(ColorChoice::Auto.use_color(true, empty));
        assert!(!ColorChoice::Auto.use_color(true, set));
        assert!(!ColorChoice::Auto.use_color(false, None));
        assert!(ColorChoice::Always.use_color(false, set));
        assert!(!ColorChoice::Never.use_color(true, None));
    }

    #[test]
    fn arguments_are_consistent() {
        use clap::CommandFactory;
        Arguments::command().debug_assert();
    }
}
