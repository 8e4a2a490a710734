//! `cutover verify`: migrated records read back and compared field by field.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::cli::session::{connect_intercom, with_ledger};
use crate::cli::{FOUND_ERRORS, RenderColor, Stream, emit};
use crate::run::runner::Reader;
use crate::run::runner::change_fields;
use crate::run::verify::verify;

/// Read a seeded, stratified sample of migrated records back from Intercom and compare them
/// field by field with what the spec produces from the source now. Prints every mismatch with
/// both values; exits 1 when any field differs.
#[derive(Debug, Args)]
pub struct VerifyCommand {
    /// The spec file.
    spec: PathBuf,
    /// How many records, spread over the migrated objects.
    #[arg(long, default_value_t = 50)]
    sample: usize,
    /// Seed of the sample: the same seed picks the same records.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    color: RenderColor,
}

impl VerifyCommand {
    /// Compare and print.
    pub fn execute(self) -> ExitCode {
        let outcome = with_ledger(&self.spec, self.color.style(), async |prepared, ledger| {
            let destination = connect_intercom(prepared).await?;
            let source = prepared.open_source()?;
            let fields = change_fields(&prepared.plan, prepared.schemas.source.as_ref());
            let reader = Reader::new(&prepared.plan, source, &fields, 500);
            verify(&prepared.plan, &reader, &destination, ledger, self.sample, self.seed).await.map_err(|e| e.message)
        });
        let result = match outcome {
            Ok(result) => result,
            Err(code) => return code,
        };
        if let Err(code) = emit(Stream::Stdout, &result.to_text()) {
            return code;
        }
        if result.passed() { ExitCode::SUCCESS } else { ExitCode::from(FOUND_ERRORS) }
    }
}
