//! `cutover functions`: the built-in functions of the expression language.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;

use crate::check::functions::FUNCTIONS;
use crate::cli::{Stream, emit};

/// List the built-in functions with their signatures, summaries and examples.
#[derive(Debug, Args)]
pub struct Functions {
    /// Show only this function.
    name: Option<String>,
}

impl Functions {
    /// Print the table.
    pub fn execute(self) -> ExitCode {
        let mut out = String::new();
        let selected: Vec<_> = FUNCTIONS.iter().filter(|f| self.name.as_deref().is_none_or(|n| n == f.name)).collect();
        if selected.is_empty() {
            let name = self.name.unwrap_or_default();
            let hint = crate::suggest::did_you_mean(&name, FUNCTIONS.iter().map(|f| f.name))
                .unwrap_or_else(|| "run `cutover functions` for the list".to_owned());
            let _ = emit(Stream::Stderr, &format!("error: there is no function `{name}`; {hint}\n"));
            return ExitCode::from(crate::cli::COULD_NOT_RUN);
        }
        for function in selected {
            let _ = writeln!(out, "{}\n    {}", function.signature(), function.summary);
            for (call, result) in function.examples {
                let _ = writeln!(out, "    {call}  ⇒  {result}");
            }
            out.push('\n');
        }
        emit(Stream::Stdout, &out).err().unwrap_or(ExitCode::SUCCESS)
    }
}
