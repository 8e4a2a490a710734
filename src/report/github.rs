//! Diagnostics as GitHub Actions workflow commands, shown as annotations on pull requests.
//!
//! One line per diagnostic:
//!
//! ```text
//! ::error file=specs/acme.yaml,line=3,col=5,endLine=3,endColumn=9,title=cutover%3A%3Aspec%3A%3Aunknown_key::unknown key `form` (did you mean `from`?)
//! ```
//!
//! The location is the primary label's (GitHub shows one place per annotation); `endColumn` is
//! exclusive, as in the JSON format. The message and the help line are escaped as GitHub requires:
//! `%`, CR and LF in the message; those and also `:` and `,` in property values.

use std::fmt::Write;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::report::json::Location;
use crate::source::SourceMap;

/// Render one `::error` or `::warning` workflow command per diagnostic.
pub fn render_github(diagnostics: &Diagnostics, sources: &SourceMap) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let properties = properties(diagnostic, sources)
            .iter()
            .map(|(key, value)| format!("{key}={}", escape_property(value)))
            .collect::<Vec<_>>()
            .join(",");
        let message = match &diagnostic.help {
            Some(help) => format!("{} ({help})", diagnostic.message),
            None => diagnostic.message.clone(),
        };
        writeln!(out, "::{command} {properties}::{}", escape_data(&message)).expect("writing to a String");
    }
    out
}

/// `file`, `line`, `col`, `endLine`, `endColumn` of the primary label (when it has a place), and
/// the code as `title`.
fn properties(diagnostic: &Diagnostic, sources: &SourceMap) -> Vec<(&'static str, String)> {
    let mut properties = Vec::new();
    let location = diagnostic.primary_span().and_then(|span| Location::of(span, sources));
    if let Some(location) = location {
        properties.push(("file", location.file.to_owned()));
        properties.push(("line", location.line.to_string()));
        properties.push(("col", location.column.to_string()));
        properties.push(("endLine", location.end_line.to_string()));
        properties.push(("endColumn", location.end_column.to_string()));
    }
    properties.push(("title", diagnostic.code.name().to_owned()));
    properties
}

/// Escape a command's message: `%`, CR and LF.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value: what [`escape_data`] escapes, plus `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;
    use crate::span::Span;

    #[test]
    fn one_command_per_diagnostic_with_escaping() {
        let mut sources = SourceMap::new();
        let id = sources.add("a,b.yaml", None, "objects:\n  contact:\n    form: x\n");
        let error = Diagnostic::error(Code::UnknownKey, "unknown key `form`: 100%\nreally")
            .primary(Span::new(id, 24, 28), "here")
            .help("did you mean `from`?");
        let warning = Diagnostic::warning(Code::UnsetVariable, "environment variable `X` is not set");
        insta::assert_snapshot!(render_github(&Diagnostics::from(vec![error, warning]), &sources), @r"
        ::error file=a%2Cb.yaml,line=3,col=5,endLine=3,endColumn=9,title=cutover%3A%3Aspec%3A%3Aunknown_key::unknown key `form`: 100%25%0Areally (did you mean `from`?)
        ::warning title=cutover%3A%3Aspec%3A%3Aunset_variable::environment variable `X` is not set
        ");
    }
}
