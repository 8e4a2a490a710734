//! `cutover generate`: a deterministic synthetic helpdesk as NDJSON files and a schema lock.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::cli::{COULD_NOT_RUN, Stream, emit};
use crate::generate::{self, Platform};

/// Write a synthetic helpdesk (tickets, messages, customers, agents, attachments and the ugly
/// cases real exports contain) as one NDJSON file per source object, plus the schema lock that
/// describes it. The same platform, ticket count and seed always give byte-identical files.
#[derive(Debug, Args)]
pub struct Generate {
    /// Which helpdesk's objects and field names to produce.
    #[arg(long, value_enum)]
    platform: PlatformChoice,
    /// How many tickets to generate; customers, agents and messages scale with it.
    #[arg(long, default_value_t = 1000)]
    tickets: u64,
    /// Seed of the random streams; the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Directory to write into (created if missing; files of the same names are replaced).
    #[arg(long)]
    out: PathBuf,
}

/// The `--platform` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum PlatformChoice {
    /// Odoo 17 Help Desk: `helpdesk.ticket`, `res.partner`, `mail.message`, …
    Odoo,
    /// OTRS 6 / Znuny 7 tables: `ticket`, `article`, `customer_user`, …
    Otrs,
    /// TOPdesk REST resources: `incidents`, `persons`, `operators`, …
    Topdesk,
}

impl From<PlatformChoice> for Platform {
    fn from(choice: PlatformChoice) -> Platform {
        match choice {
            PlatformChoice::Odoo => Platform::Odoo,
            PlatformChoice::Otrs => Platform::Otrs,
            PlatformChoice::Topdesk => Platform::Topdesk,
        }
    }
}

impl Generate {
    /// Generate, then print one line per object with its record count.
    pub fn execute(self) -> ExitCode {
        let platform = Platform::from(self.platform);
        let summary = match generate::generate(platform, self.tickets, self.seed, &self.out) {
            Ok(summary) => summary,
            Err(error) => {
                let message = format!("error: could not write to `{}`: {error}\n", self.out.display());
                let _ = emit(Stream::Stderr, &message);
                return ExitCode::from(COULD_NOT_RUN);
            }
        };
        let width = summary.objects.keys().map(|name| name.len() + ".ndjson".len()).max().unwrap_or(0).max(5);
        let mut out = format!(
            "Generated {} {platform} tickets (seed {}) in {}\n\n",
            summary.tickets,
            summary.seed,
            self.out.display()
        );
        let _ = writeln!(out, "{:<width$}  {:>12}", "file", "records");
        let mut total = 0;
        for (name, count) in &summary.objects {
            let _ = writeln!(out, "{:<width$}  {count:>12}", format!("{name}.ndjson"));
            total += count;
        }
        let _ = writeln!(out, "{:<width$}  {total:>12}", "total");
        let _ = writeln!(out, "\n{} bytes of NDJSON; schema lock: {}", summary.bytes, summary.lock.display());
        emit(Stream::Stdout, &out).err().unwrap_or(ExitCode::SUCCESS)
    }
}
