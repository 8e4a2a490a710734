//! Diagnostics for people, drawn by miette's graphical handler.
//!
//! Our [`Diagnostic`] knows spans, not texts. [`View`] joins one diagnostic with the
//! `NamedSource` of the file its primary label points into and converts every [`Span`] into a
//! miette `SourceSpan` there. Labels in other files are grouped per file into related views, each
//! carrying its own source, and labels on built-in values (detached spans) become a related note
//! without a snippet, so every label a stage wrote is shown.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::diagnostic::{Diagnostic, Diagnostics, Label, Severity};
use crate::source::{SourceId, SourceMap};
use crate::span::Span;

/// How human output is drawn: decided by the command line, never by the renderer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderStyle {
    /// Whether to colour the output with ANSI escapes.
    pub color: bool,
    /// Width in columns that messages and help lines are wrapped to.
    pub width: usize,
}

impl RenderStyle {
    /// No colour, 100 columns: the style snapshots are taken in.
    pub const PLAIN: RenderStyle = RenderStyle { color: false, width: 100 };
}

/// Render every diagnostic with its source snippets, then a summary line such as
/// `2 errors, 1 warning` (or `no problems found`).
///
/// Trailing whitespace is trimmed from every line so the output is stable in snapshots.
pub fn render_human(diagnostics: &Diagnostics, sources: &SourceMap, style: RenderStyle) -> String {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &View::new(diagnostic, sources)).is_err() {
            // miette only fails on spans it cannot read; the message must still get out.
            rendered = format!("{diagnostic}\n");
        }
        for line in rendered.trim_end().lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&summary(diagnostics));
    out.push('\n');
    out
}

/// `2 errors, 1 warning`, `1 warning`, or `no problems found`.
fn summary(diagnostics: &Diagnostics) -> String {
    let count = |n: usize, noun: &str| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    match (diagnostics.error_count(), diagnostics.warning_count()) {
        (0, 0) => "no problems found".to_owned(),
        (errors, 0) => count(errors, "error"),
        (0, warnings) => count(warnings, "warning"),
        (errors, warnings) => format!("{}, {}", count(errors, "error"), count(warnings, "warning")),
    }
}

/// One diagnostic (or one related part of it) joined with the text its labels point into.
#[derive(Debug)]
struct View {
    /// `Code::name()` for the main view; related views show none.
    code: Option<&'static str>,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<View>,
}

impl View {
    fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> View {
        let in_file = |label: &&Label| sources.get(label.span.source).is_some();
        let main = diagnostic
            .labels
            .iter()
            .filter(in_file)
            .find(|label| label.primary)
            .or_else(|| diagnostic.labels.iter().find(in_file))
            .map(|label| label.span.source);

        let mut others: Vec<SourceId> = Vec::new();
        let mut built_in = Vec::new();
        for label in &diagnostic.labels {
            match sources.get(label.span.source) {
                None => built_in.push(label),
                Some(_) if Some(label.span.source) == main => {}
                Some(_) if others.contains(&label.span.source) => {}
                Some(_) => others.push(label.span.source),
            }
        }

        let mut related: Vec<View> = others
            .into_iter()
            .map(|id| {
                let name = sources.get(id).map_or("", |file| file.name.as_str());
                View::part(format!("see also `{name}`"), Some(id), diagnostic, sources)
            })
            .collect();
        related.extend(built_in.into_iter().map(|label| {
            let message = if label.message.is_empty() { "a built-in value" } else { &label.message };
            View::part(format!("{message} (built-in)"), None, diagnostic, sources)
        }));

        View {
            code: Some(diagnostic.code.name()),
            severity: match diagnostic.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            message: diagnostic.message.clone(),
            help: diagnostic.help.clone(),
            source: main.and_then(|id| named_source(sources, id)),
            labels: main.map_or_else(Vec::new, |id| labels_in(diagnostic, id, sources)),
            related,
        }
    }

    /// A related view: the labels of `diagnostic` that point into `source`, or none.
    fn part(message: String, source: Option<SourceId>, diagnostic: &Diagnostic, sources: &SourceMap) -> View {
        View {
            code: None,
            severity: miette::Severity::Advice,
            message,
            help: None,
            source: source.and_then(|id| named_source(sources, id)),
            labels: source.map_or_else(Vec::new, |id| labels_in(diagnostic, id, sources)),
            related: Vec::new(),
        }
    }
}

fn named_source(sources: &SourceMap, id: SourceId) -> Option<NamedSource<Arc<str>>> {
    sources.get(id).map(|file| NamedSource::new(&file.name, Arc::clone(&file.text)))
}

/// The labels of `diagnostic` in file `id`, as miette spans clamped to the text.
fn labels_in(diagnostic: &Diagnostic, id: SourceId, sources: &SourceMap) -> Vec<LabeledSpan> {
    let text = sources.get(id).map_or("", |file| &file.text);
    diagnostic
        .labels
        .iter()
        .filter(|label| label.span.source == id)
        .map(|label| {
            let message = (!label.message.is_empty()).then(|| label.message.clone());
            let span = source_span(label.span, text);
            if label.primary {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            }
        })
        .collect()
}

/// Our byte range as miette's offset and length. A span past the end of its text is clamped rather
/// than allowed to make miette drop the snippet, and an empty span at the very end of a text that
/// ends in a newline (where YAML parsers report "unexpected end") is moved onto the last line,
/// because miette draws no label on the empty line after it.
fn source_span(span: Span, text: &str) -> SourceSpan {
    let length = text.len();
    let start = (span.start as usize).min(length);
    let end = (span.end as usize).clamp(start, length);
    if start == length && text.ends_with('\n') {
        return SourceSpan::new((length - 1).into(), 0);
    }
    SourceSpan::new(start.into(), end - start)
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl miette::Diagnostic for View {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.map(|code| Box::new(code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|source| source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|view| view as &dyn miette::Diagnostic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;

    fn render(diagnostics: Vec<Diagnostic>, sources: &SourceMap) -> String {
        render_human(&Diagnostics::from(diagnostics), sources, RenderStyle::PLAIN)
    }

    #[test]
    fn labels_in_another_file_become_a_related_view() {
        let mut sources = SourceMap::new();
        let spec = sources.add("spec.yaml", None, "extends: base.yaml\nname: x\n");
        let base = sources.add("base.yaml", None, "extends: spec.yaml\n");
        let diagnostic = Diagnostic::error(Code::ExtendsCycle, "`spec.yaml` extends itself")
            .primary(Span::new(spec, 9, 18), "this closes the cycle")
            .context(Span::new(base, 9, 18), "extended from here")
            .help("remove one `extends:`");
        insta::assert_snapshot!(render(vec![diagnostic], &sources), @r"
        cutover::spec::extends_cycle

          × `spec.yaml` extends itself
           ╭─[spec.yaml:1:10]
         1 │ extends: base.yaml
           ·          ────┬────
           ·              ╰── this closes the cycle
         2 │ name: x
           ╰────
          help: remove one `extends:`

        Advice:
          ☞ see also `base.yaml`
           ╭─[base.yaml:1:10]
         1 │ extends: spec.yaml
           ·          ────┬────
           ·              ╰── extended from here
           ╰────

        1 error
        ");
    }

    #[test]
    fn a_diagnostic_without_labels_keeps_its_message_and_help() {
        let diagnostic =
            Diagnostic::error(Code::ReadFailed, "cannot read `nope.yaml`: not found").help("check the path");
        let warning = Diagnostic::warning(Code::UnusedTable, "table `old` is never used");
        insta::assert_snapshot!(render(vec![diagnostic, warning], &SourceMap::new()), @r"
        cutover::spec::read_failed

          × cannot read `nope.yaml`: not found
          help: check the path

        cutover::check::unused_table

          ⚠ table `old` is never used

        1 error, 1 warning
        ");
    }

    #[test]
    fn nothing_to_report() {
        assert_eq!(render(Vec::new(), &SourceMap::new()), "no problems found\n");
    }

    #[test]
    fn spans_past_the_end_are_clamped() {
        let text = "a: 1\nb: 2"; // 9 bytes
        assert_eq!(source_span(Span::new(SourceId(0), 7, 20), text), SourceSpan::new(7.into(), 2));
        assert_eq!(source_span(Span::new(SourceId(0), 30, 20), text), SourceSpan::new(9.into(), 0));
        assert_eq!(source_span(Span::new(SourceId(0), 5, 5), "a: [\n"), SourceSpan::new(4.into(), 0));
    }
}
