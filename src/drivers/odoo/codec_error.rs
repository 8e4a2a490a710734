//! [`CodecError`]: an XML-RPC document that could not be decoded, with where it went wrong.

use std::fmt;

/// A malformed XML-RPC document: what is wrong ([`CodecErrorKind`]), the byte offset in the
/// document, and the path of open elements (`methodResponse/params/param/value/array/data/value`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodecError {
    /// What is wrong.
    pub kind: CodecErrorKind,
    /// Byte offset from the start of the document where the problem was found.
    pub offset: u64,
    /// The open elements at that point, outermost first, joined with `/` (shortened in the middle
    /// when deep).
    pub path: String,
}

/// What made a document undecodable. Each variant names an input that produces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodecErrorKind {
    /// Bytes that are not UTF-8 (`<string>\xff</string>`).
    NotUtf8,
    /// Text that is not well-formed XML (`<value><int>1</value>`, `<value`), as the XML parser
    /// reports it.
    Syntax(String),
    /// An element where it does not belong (`<params>` inside `<value>`, `<foo>` at the top).
    UnexpectedElement {
        /// The element found.
        found: String,
        /// What was allowed there.
        expected: &'static str,
    },
    /// Text where only elements belong (`<array>1</array>`, text beside a typed value).
    UnexpectedText(String),
    /// A scalar whose text does not fit its type (`<int>12x</int>`, `<boolean>2</boolean>`).
    InvalidScalar {
        /// The element (`int`, `double`, `boolean`, `base64`).
        element: String,
        /// The text found, shortened when long.
        text: String,
        /// Why it does not fit.
        reason: String,
    },
    /// A required element is absent (`<member>` without `<name>`, `<methodResponse/>`).
    Missing(&'static str),
    /// An entity other than the five XML ones (`&nbsp;`), or an invalid character reference.
    UnknownEntity(String),
    /// Arrays and structs nested deeper than the limit (a hostile or broken document).
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The document ends before its elements are closed (a truncated response).
    Truncated,
}

impl CodecError {
    /// An error of `kind` at `offset`, with the open elements `path`.
    pub fn new(kind: CodecErrorKind, offset: u64, path: impl Into<String>) -> Self {
        Self { kind, offset, path: path.into() }
    }
}

impl fmt::Display for CodecErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecErrorKind::NotUtf8 => f.write_str("the document is not UTF-8"),
            CodecErrorKind::Syntax(message) => write!(f, "not well-formed XML: {message}"),
            CodecErrorKind::UnexpectedElement { found, expected } => {
                write!(f, "unexpected element <{found}>; expected {expected}")
            }
            CodecErrorKind::UnexpectedText(text) => write!(f, "unexpected text `{text}` where only elements belong"),
            CodecErrorKind::InvalidScalar { element, text, reason } => {
                write!(f, "<{element}> holds `{text}`, which {reason}")
            }
            CodecErrorKind::Missing(what) => write!(f, "missing {what}"),
            CodecErrorKind::UnknownEntity(name) => {
                write!(f, "unknown entity or invalid character reference `&{name};`")
            }
            CodecErrorKind::TooDeep { limit } => {
                write!(f, "arrays and structs nested deeper than {limit} levels")
            }
            CodecErrorKind::Truncated => f.write_str("the document ends before its elements are closed (truncated?)"),
        }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed XML-RPC at byte {}", self.offset)?;
        if !self.path.is_empty() {
            write!(f, " (in {})", self.path)?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for CodecError {}
