//! `cutover verify`: migrated records read back and compared field by field.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::cli::prepared::prepare;
use crate::cli::session::{connect_intercom, open_ledger, runtime};
use crate::cli::{COULD_NOT_RUN, FOUND_ERRORS, RenderColor, Stream, emit};
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
        let prepared = match prepare(&self.spec, self.color.style()) {
            Ok(prepared) => prepared,
            Err(code) => return code,
        };
        let outcome = runtime().and_then(|runtime| {
            runtime.block_on(async {
                let ledger = open_ledger(&prepared, &self.spec).await?;
                let destination = connect_intercom(&prepared).await?;
                let source = prepared.open_source()?;
                let fields = change_fields(&prepared.plan, prepared.schemas.source.as_ref());
                let reader = Reader::new(&prepared.plan, source, &fields, 500);
                let result = verify(&prepared.plan, &reader, &destination, &ledger, self.sample, self.seed)
                    .await
                    .map_err(|e| e.message);
                ledger.close().await;
                result
            })
        });
        match outcome {
            Ok(result) => {
                if let Err(code) = emit(Stream::Stdout, &result.to_text()) {
                    return code;
                }
                if result.passed() { ExitCode::SUCCESS } else { ExitCode::from(FOUND_ERRORS) }
            }
            Err(message) => {
                let _ = emit(Stream::Stderr, &format!("error: {message}\n"));
                ExitCode::from(COULD_NOT_RUN)
            }
        }
    }
}
