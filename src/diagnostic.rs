//! Diagnostics as plain data.
//!
//! Every stage returns [`Diagnostics`]: a list of [`Diagnostic`]s carrying a stable [`Code`], a
//! short message, labelled spans and a help line. Nothing here knows about terminals or miette;
//! rendering happens at the edge, in `report::render`.

use std::fmt;

use crate::codes::Code;
use crate::span::Span;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; never fails a command.
    Warning,
    /// The spec cannot run as written.
    Error,
}

impl Severity {
    /// Lower-case name, as used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with a short note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it (may be empty).
    pub message: String,
    /// The primary label says what is wrong here; others give context.
    pub primary: bool,
}

/// One problem found in a spec, a schema lock or a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code from the registry in `codes`.
    pub code: Code,
    /// Warning or error.
    pub severity: Severity,
    /// Short, lower-case statement of the problem; no position in it.
    pub message: String,
    /// Primary label first, then context labels.
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with the given code and message and no labels yet.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self { code, severity: Severity::Error, message: message.into(), labels: Vec::new(), help: None }
    }

    /// A warning with the given code and message and no labels yet.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self { code, severity: Severity::Warning, message: message.into(), labels: Vec::new(), help: None }
    }

    /// Add the primary label: what is wrong at `span`.
    pub fn primary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.insert(
            self.labels.iter().take_while(|l| l.primary).count(),
            Label { span, message: message.into(), primary: true },
        );
        self
    }

    /// Add a context label pointing at a related place.
    pub fn context(mut self, span: Span, message: impl Into<String>) -> Self {
        if !span.is_detached() {
            self.labels.push(Label { span, message: message.into(), primary: false });
        }
        self
    }

    /// Set the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Set the help line when there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// The span of the primary label, if any.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.iter().find(|l| l.primary).map(|l| l.span)
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity.as_str(), self.code.name(), self.message)
    }
}

/// All diagnostics of one stage or command, in the order found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// None yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Add all of another list.
    pub fn append(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any error (not warning) is present.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Whether there are none at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Iterate in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Sort by position (source, then offset), keeping the order of diagnostics at the same place.
    pub fn sort_by_position(&mut self) {
        self.0.sort_by_key(|d| d.primary_span().map(|s| (s.source, s.start, s.end)));
    }

    /// Take the list out.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(list: Vec<Diagnostic>) -> Self {
        Self(list)
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}
