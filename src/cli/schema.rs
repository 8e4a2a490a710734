//! `cutover schema`: the JSON Schema of the spec format.

use std::process::ExitCode;

use clap::Args;

use crate::cli::{Stream, emit};

/// Print the JSON Schema of spec files on stdout, e.g. for `cutover schema > cutover.schema.json`
/// and the `yaml.schemas` setting of an editor.
#[derive(Debug, Args)]
pub struct Schema {}

impl Schema {
    /// Print the schema.
    pub fn execute(self) -> ExitCode {
        let mut schema = crate::spec::json_schema();
        schema.push('\n');
        emit(Stream::Stdout, &schema).err().unwrap_or(ExitCode::SUCCESS)
    }
}
