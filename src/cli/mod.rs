//! Command line.
use std::ffi::OsString;
use std::process::ExitCode;

/// Run the command line.
pub fn run(_args: impl IntoIterator<Item = OsString>) -> ExitCode {
    ExitCode::SUCCESS
}
