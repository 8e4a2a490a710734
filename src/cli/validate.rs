//! `cutover validate SPEC...`: every problem in the specs, before anything runs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::cli::{ColorChoice, FOUND_ERRORS, Stream, emit, human_style};
use crate::codes::Code;
use crate::diagnostic::Diagnostics;
use crate::report::{render_github, render_human, render_json};
use crate::source::SourceMap;
use crate::span::Span;
use crate::{check, spec};

/// Check specs and print every diagnostic. Exits 1 when any error is found (a spec that cannot be
/// read counts as an error), 0 otherwise; warnings alone do not fail.
#[derive(Debug, Args)]
pub struct Validate {
    /// Spec files to check; each is checked on its own, together with the base specs and schema
    /// locks it names.
    #[arg(required = true, value_name = "SPEC")]
    specs: Vec<PathBuf>,
    /// Output format: `human` on stderr, `json` (schema in README) or `github` (workflow
    /// commands for annotations) on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour human output: `auto` colours when stderr is a terminal and NO_COLOR is
    /// unset or empty.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Source snippets with labels, for people (stderr).
    Human,
    /// One JSON document, for tools (stdout).
    Json,
    /// GitHub Actions workflow commands (stdout).
    Github,
}

impl Validate {
    /// Check every spec, render in the chosen format, and exit 1 if any error was found.
    pub fn execute(self) -> ExitCode {
        let mut sources = SourceMap::new();
        let mut diagnostics = Diagnostics::new();
        let mut warned = HashSet::new();
        for path in &self.specs {
            let checked = check::validate(&mut sources, path);
            // Should the checker ever warn about a variable itself, don't say it twice.
            warned.extend(checked.iter().filter(|d| d.code == Code::UnsetVariable).filter_map(|d| d.primary_span()));
            diagnostics.append(checked);
            diagnostics.append(unset_variables(&mut sources, path, &mut warned));
        }
        diagnostics.sort_by_position();

        let (stream, text) = match self.format {
            Format::Human => (Stream::Stderr, render_human(&diagnostics, &sources, human_style(self.color))),
            Format::Json => (Stream::Stdout, render_json(&diagnostics, &sources)),
            Format::Github => (Stream::Stdout, render_github(&diagnostics, &sources)),
        };
        if let Err(code) = emit(stream, &text) {
            return code;
        }
        if diagnostics.has_errors() { ExitCode::from(FOUND_ERRORS) } else { ExitCode::SUCCESS }
    }
}

/// A warning for every `${VAR}` in the spec whose variable is not set now.
///
/// Only whether a variable is set is looked at, never its value, so no secret can reach the
/// output. A reference in a base spec shared by several specs is reported once (`warned`). A
/// spec that does not load has already been reported by `check::validate`.
fn unset_variables(sources: &mut SourceMap, path: &Path, warned: &mut HashSet<Span>) -> Diagnostics {
    let mut found = Diagnostics::new();
    let Ok(spec) = spec::load(sources, path) else {
        return found;
    };
    for variable in spec.templates().flat_map(spec::Template::variables) {
        if std::env::var_os(&variable.value).is_none() && warned.insert(variable.span) {
            found.push(spec::unset_variable(&variable.value, variable.span));
        }
    }
    found
}
