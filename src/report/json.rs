//! Diagnostics for tools: one JSON document with a versioned, documented schema.
//!
//! The schema (version 1) is:
//!
//! ```json
//! {
//!   "version": 1,
//!   "errors": 1,
//!   "warnings": 0,
//!   "diagnostics": [
//!     {
//!       "code": "cutover::spec::unknown_key",
//!       "severity": "error",
//!       "message": "unknown key `form`",
//!       "help": "did you mean `from`?",
//!       "labels": [
//!         {
//!           "file": "specs/acme.yaml",
//!           "line": 3, "column": 5, "end_line": 3, "end_column": 9,
//!           "start": 31, "end": 35,
//!           "message": "not a key of this mapping",
//!           "primary": true
//!         }
//!       ]
//!     }
//!   ]
//! }
//! ```
//!
//! - `errors` and `warnings` count the diagnostics by `severity` (`"error"` or `"warning"`).
//! - `code` is a stable name from the registry (`cutover explain CODE`); `help` may be `null`;
//!   `labels` may be empty (a spec file that cannot be read has no position).
//! - `file` is the path as it was given on the command line or named by the spec.
//! - `line` and `column` are 1-based; columns count characters, not bytes. `end_line` and
//!   `end_column` give the position just past the label's last character (exclusive).
//! - `start` and `end` are the same range as byte offsets into the file (half-open).
//! - A label on a built-in value has `null` for `file` and all positions.
//! - The primary label, which says what is wrong, comes first; the others give context.
//!
//! Fields may be added within a version; renaming or removing one bumps `version`.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Diagnostics, Label};
use crate::source::SourceMap;
use crate::span::Span;

/// The version of the JSON schema below; bump it when a field changes meaning or disappears.
const VERSION: u32 = 1;

/// Render all diagnostics as one pretty-printed JSON document (see the module doc for the schema).
pub fn render_json(diagnostics: &Diagnostics, sources: &SourceMap) -> String {
    let report = Report {
        version: VERSION,
        errors: diagnostics.error_count(),
        warnings: diagnostics.warning_count(),
        diagnostics: diagnostics.iter().map(|d| JsonDiagnostic::new(d, sources)).collect(),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("plain data serializes");
    out.push('\n');
    out
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &'a SourceMap) -> Self {
        JsonDiagnostic {
            code: diagnostic.code.name(),
            severity: diagnostic.severity.as_str(),
            message: &diagnostic.message,
            help: diagnostic.help.as_deref(),
            labels: diagnostic.labels.iter().map(|label| JsonLabel::new(label, sources)).collect(),
        }
    }
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    start: Option<u32>,
    end: Option<u32>,
    message: &'a str,
    primary: bool,
}

impl<'a> JsonLabel<'a> {
    fn new(label: &'a Label, sources: &'a SourceMap) -> Self {
        let location = Location::of(label.span, sources);
        JsonLabel {
            file: location.as_ref().map(|l| l.file),
            line: location.as_ref().map(|l| l.line),
            column: location.as_ref().map(|l| l.column),
            end_line: location.as_ref().map(|l| l.end_line),
            end_column: location.as_ref().map(|l| l.end_column),
            start: location.is_some().then_some(label.span.start),
            end: location.is_some().then_some(label.span.end),
            message: &label.message,
            primary: label.primary,
        }
    }
}

/// Where a span is, in the terms editors and CI annotations use.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Location<'a> {
    /// The file's display name.
    pub(super) file: &'a str,
    /// 1-based line of the first character.
    pub(super) line: usize,
    /// 1-based column of the first character, in characters.
    pub(super) column: usize,
    /// 1-based line of the position just past the last character.
    pub(super) end_line: usize,
    /// 1-based column of the position just past the last character, in characters.
    pub(super) end_column: usize,
}

impl<'a> Location<'a> {
    /// The location of a span, or `None` for a built-in value.
    pub(super) fn of(span: Span, sources: &'a SourceMap) -> Option<Self> {
        let file = sources.get(span.source)?;
        let (line, column) = file.line_column(span.start);
        let (end_line, end_column) = file.line_column(span.end.max(span.start));
        Some(Location { file: &file.name, line, column, end_line, end_column })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;

    #[test]
    fn labels_carry_lines_columns_and_offsets() {
        let mut sources = SourceMap::new();
        let id = sources.add("s.yaml", None, "objects:\n  contact:\n    form: x\n");
        let diagnostic = Diagnostic::error(Code::UnknownKey, "unknown key `form`")
            .primary(Span::new(id, 24, 28), "not a key of this mapping")
            .help("did you mean `from`?");
        let json: serde_json::Value =
            serde_json::from_str(&render_json(&Diagnostics::from(diagnostic), &sources)).unwrap();
        assert_eq!(json["version"], 1);
        assert_eq!(json["errors"], 1);
        assert_eq!(json["warnings"], 0);
        let label = &json["diagnostics"][0]["labels"][0];
        assert_eq!(label["file"], "s.yaml");
        assert_eq!((label["line"].as_u64(), label["column"].as_u64()), (Some(3), Some(5)));
        assert_eq!((label["end_line"].as_u64(), label["end_column"].as_u64()), (Some(3), Some(9)));
        assert_eq!((label["start"].as_u64(), label["end"].as_u64()), (Some(24), Some(28)));
        assert_eq!(json["diagnostics"][0]["help"], "did you mean `from`?");
    }

    #[test]
    fn built_in_labels_have_no_position() {
        let diagnostic = Diagnostic::error(Code::TypeMismatch, "m").primary(Span::detached(), "built in");
        let json: serde_json::Value =
            serde_json::from_str(&render_json(&Diagnostics::from(diagnostic), &SourceMap::new())).unwrap();
        let label = &json["diagnostics"][0]["labels"][0];
        assert!(label["file"].is_null() && label["line"].is_null() && label["start"].is_null());
        assert_eq!(label["message"], "built in");
    }
}
