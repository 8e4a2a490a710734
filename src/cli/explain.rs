//! `cutover explain CODE`: the registry entry of a diagnostic code.

use std::fmt::Write;
use std::process::ExitCode;

use clap::Args;

use crate::cli::{COULD_NOT_RUN, Stream, emit};
use crate::codes::Code;
use crate::suggest::did_you_mean;

/// Print what a diagnostic code means, a spec excerpt that triggers it, and how to fix it; or,
/// with `--object` and `--id`, how one source record is mapped: every destination field with its
/// expression, the source values it read, and the result.
#[derive(Debug, Args)]
pub struct Explain {
    /// The code (`cutover::check::unknown_field`, `check::unknown_field`, `unknown_field`), or
    /// the spec file when `--object` is given.
    #[arg(required_unless_present = "list", conflicts_with = "list", value_name = "CODE|SPEC")]
    code: Option<String>,
    /// List every code with its one-line summary.
    #[arg(long)]
    list: bool,
    /// Explain a record of this object of the spec.
    #[arg(long, requires = "id")]
    object: Option<String>,
    /// The source id of the record to explain.
    #[arg(long, requires = "object")]
    id: Option<String>,
    #[command(flatten)]
    color: crate::cli::RenderColor,
}

impl Explain {
    /// Print the entry (or the list) on stdout; an unknown code exits 2 with suggestions on stderr.
    pub fn execute(self) -> ExitCode {
        if let (Some(object), Some(id)) = (&self.object, &self.id) {
            let spec = std::path::PathBuf::from(self.code.clone().unwrap_or_default());
            return crate::cli::preview::explain_record(spec, object, id, &self.color);
        }
        let name = self.code.unwrap_or_default();
        let (stream, text, code) = if self.list {
            (Stream::Stdout, list(), ExitCode::SUCCESS)
        } else {
            match Code::from_name(&name) {
                Some(code) => (Stream::Stdout, entry(code), ExitCode::SUCCESS),
                None => (Stream::Stderr, unknown(&name), ExitCode::from(COULD_NOT_RUN)),
            }
        };
        emit(stream, &text).err().unwrap_or(code)
    }
}

/// Name, summary, example and fix of one code.
fn entry(code: Code) -> String {
    let indent = |text: &str| text.lines().map(|line| format!("    {line}\n")).collect::<String>();
    format!(
        "{}\n\n{}\n\nExample (a spec excerpt that triggers it):\n\n{}\nHow to fix:\n\n{}",
        code.name(),
        code.summary(),
        indent(code.example()),
        indent(code.fix()),
    )
}

/// Every code with its summary, in registry order.
fn list() -> String {
    let width = Code::ALL.iter().map(|code| code.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for code in Code::ALL {
        writeln!(out, "{:width$}  {}", code.name(), code.summary()).expect("writing to a String");
    }
    out
}

/// The error for a name that is no code: the closest code, and the prefixes codes start with.
fn unknown(name: &str) -> String {
    let name = name.trim();
    // Compare like with like: a path-like name against path-like names, a bare one against last
    // segments.
    let bare = name.strip_prefix("cutover::").unwrap_or(name);
    let suggestion = if bare.contains("::") {
        did_you_mean(bare, Code::ALL.iter().map(|code| &code.name()["cutover::".len()..]))
    } else {
        did_you_mean(bare, Code::ALL.iter().map(|code| code.short_name()))
    };
    let mut stages: Vec<&str> = Vec::new();
    for code in Code::ALL {
        if !stages.contains(&code.stage()) {
            stages.push(code.stage());
        }
    }
    let prefixes = stages.iter().map(|stage| format!("`cutover::{stage}::`")).collect::<Vec<_>>();
    let prefixes = match prefixes.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };

    let mut out = format!("error: unknown diagnostic code `{name}`\n");
    if let Some(suggestion) = suggestion {
        writeln!(out, "  help: {suggestion}").expect("writing to a String");
    }
    writeln!(out, "  note: codes start with {prefixes}").expect("writing to a String");
    out.push_str("  note: `cutover explain --list` shows them all\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_codes_get_a_suggestion_in_the_form_they_were_written() {
        assert!(unknown("unknwn_field").contains("did you mean `unknown_field`?"));
        assert!(unknown("cutover::check::unknown_feild").contains("did you mean `check::unknown_field`?"));
        assert!(!unknown("zzzzzz").contains("did you mean"));
    }
}
