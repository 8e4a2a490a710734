//! `${VAR}` interpolation in connection settings.
//!
//! A template is parsed when the spec loads, so a malformed reference is a load error with its
//! column. Values are read from the environment only by [`Template::resolve`], which only the
//! commands that connect call; `validate` asks [`Template::variables`] which names are unset and
//! never sees a value.

use std::fmt;

use serde::de::{Deserialize, Deserializer};

use crate::diagnostic::Diagnostic;
use crate::scalar::ScalarText;
use crate::span::{Span, Spanned};
use crate::spec::diagnostics;

/// A setting that may reference environment variables.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// The literal text and references, in order.
    pub parts: Vec<TemplatePart>,
    /// The whole value.
    pub span: Span,
    /// Malformed references found while parsing, reported by `spec::load`.
    pub(crate) errors: Vec<Diagnostic>,
}

/// A piece of a template.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    /// Text used as written.
    Literal(String),
    /// `${NAME}`: the value of the environment variable NAME.
    Variable(Spanned<String>),
}

/// A template whose variable is not set.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsetVariable {
    /// The variable's name.
    pub name: String,
    /// Where it is referenced.
    pub span: Span,
}

impl fmt::Display for UnsetVariable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "environment variable `{}` is not set", self.name)
    }
}

impl Template {
    /// Parse `${NAME}` references out of a scalar.
    pub fn parse(text: &ScalarText) -> Template {
        let source = text.text.as_str();
        let mut parts = Vec::new();
        let mut errors = Vec::new();
        let mut literal = String::new();
        let mut rest = 0;
        while let Some(found) = source[rest..].find('$') {
            let at = rest + found;
            literal.push_str(&source[rest..at]);
            let after = &source[at + 1..];
            if after.starts_with("${") {
                literal.push_str("${");
                rest = at + 3;
            } else if let Some(body) = after.strip_prefix('{') {
                match body.find('}') {
                    Some(close) => {
                        let name = &body[..close];
                        let name_start = at + 2;
                        let name_span = text.map(name_start, name_start + close);
                        if is_variable_name(name) {
                            if !literal.is_empty() {
                                parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                            }
                            parts.push(TemplatePart::Variable(Spanned::new(name.to_owned(), name_span)));
                        } else {
                            errors.push(diagnostics::bad_interpolation(
                                &format!("`{name}` is not a valid environment variable name"),
                                name_span,
                            ));
                        }
                        rest = name_start + close + 1;
                    }
                    None => {
                        errors.push(diagnostics::bad_interpolation(
                            "`${` is not closed with `}`",
                            text.map(at, source.len()),
                        ));
                        rest = source.len();
                    }
                }
            } else {
                literal.push('$');
                rest = at + 1;
            }
        }
        literal.push_str(&source[rest..]);
        if !literal.is_empty() || parts.is_empty() {
            parts.push(TemplatePart::Literal(literal));
        }
        Template { parts, span: text.span, errors }
    }

    /// The variables referenced, in order.
    pub fn variables(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.parts.iter().filter_map(|part| match part {
            TemplatePart::Variable(name) => Some(name),
            TemplatePart::Literal(_) => None,
        })
    }

    /// Whether the value is written out in the spec (no variables).
    pub fn is_literal(&self) -> bool {
        self.variables().next().is_none()
    }

    /// The text as written, with `${NAME}` references (never values): safe to print.
    pub fn as_written(&self) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                TemplatePart::Literal(text) => text.replace("${", "$${"),
                TemplatePart::Variable(name) => format!("${{{}}}", name.value),
            })
            .collect()
    }

    /// Substitute variables with `lookup` (the environment in commands, a map in tests).
    pub fn resolve(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<String, UnsetVariable> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Literal(text) => out.push_str(text),
                TemplatePart::Variable(name) => match lookup(&name.value) {
                    Some(value) => out.push_str(&value),
                    None => return Err(UnsetVariable { name: name.value.clone(), span: name.span }),
                },
            }
        }
        Ok(out)
    }
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ScalarText::deserialize(deserializer).map(|text| Template::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn template(text: &str) -> Template {
        Template::parse(&ScalarText::exact(text, Span::new(SourceId(0), 100, 100 + text.len() as u32)))
    }

    #[test]
    fn variables_are_found_with_their_spans() {
        let t = template("https://${HOST}/api");
        let names: Vec<_> = t.variables().map(|v| (v.value.as_str(), v.span.start)).collect();
        assert_eq!(names, [("HOST", 110)]);
        assert_eq!(t.resolve(|n| (n == "HOST").then(|| "x.test".into())).unwrap(), "https://x.test/api");
        assert_eq!(t.resolve(|_| None).unwrap_err().name, "HOST");
        assert_eq!(t.as_written(), "https://${HOST}/api");
    }

    #[test]
    fn escapes_and_errors() {
        assert_eq!(template("a$${b}").resolve(|_| None).unwrap(), "a${b}");
        assert_eq!(template("cost $5").resolve(|_| None).unwrap(), "cost $5");
        assert_eq!(template("${NOPE").errors.len(), 1);
        assert_eq!(template("${1X}").errors.len(), 1);
    }
}
