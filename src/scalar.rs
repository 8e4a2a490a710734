//! A YAML scalar's decoded text, with the map from offsets in that text to offsets in the file.
//!
//! Expressions are written inside YAML scalars. A plain scalar's text is exactly the file's bytes,
//! so an offset in the expression is the scalar's start plus that offset. A literal block scalar
//! (`|`) drops each line's indentation, so offsets map line by line. Quoted scalars with escapes
//! and folded scalars do not map byte for byte: spans inside them point at the whole scalar rather
//! than at an invented column.

use crate::span::Span;

/// How offsets in a scalar's text map to offsets in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextAnchor {
    /// Text offset `i` is file offset `start + i`.
    Exact {
        /// File offset of the text's first byte.
        start: u32,
    },
    /// Line-wise mapping: `(text_offset, file_offset)` of each line's first byte, ascending.
    Lines(Vec<(u32, u32)>),
    /// No exact mapping: every offset maps to the whole scalar.
    Whole,
}

/// A scalar's text as the user means it, plus where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalarText {
    /// The decoded text (escapes resolved, indentation removed).
    pub text: String,
    /// The whole scalar in the file, quotes and block indicators included.
    pub span: Span,
    /// How to map offsets in `text` into the file.
    pub anchor: TextAnchor,
}

impl ScalarText {
    /// Text that maps exactly from `start` on (e.g. a command-line expression in its own source).
    pub fn exact(text: impl Into<String>, span: Span) -> Self {
        let text = text.into();
        Self { anchor: TextAnchor::Exact { start: span.start }, text, span }
    }

    /// Map a byte range of `text` to a span in the file.
    pub fn map(&self, start: usize, end: usize) -> Span {
        let source = self.span.source;
        match &self.anchor {
            TextAnchor::Exact { start: base } => Span::new(source, base + start as u32, base + end as u32),
            TextAnchor::Lines(lines) => {
                let (Some(a), Some(b)) = (Self::line_offset(lines, start), Self::line_offset(lines, end)) else {
                    return self.span;
                };
                Span::new(source, a, b.max(a))
            }
            TextAnchor::Whole => self.span,
        }
    }

    fn line_offset(lines: &[(u32, u32)], offset: usize) -> Option<u32> {
        let offset = offset as u32;
        let index = match lines.binary_search_by_key(&offset, |(text, _)| *text) {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        let (text_start, file_start) = lines[index];
        Some(file_start + (offset - text_start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    #[test]
    fn exact_and_line_maps() {
        let span = Span::new(SourceId(0), 10, 40);
        let exact = ScalarText::exact("lower(email)", Span::new(SourceId(0), 10, 22));
        assert_eq!(exact.map(6, 11), Span::new(SourceId(0), 16, 21));
        let lines = ScalarText { text: "if a\nthen b".into(), span, anchor: TextAnchor::Lines(vec![(0, 14), (5, 25)]) };
        assert_eq!(lines.map(3, 4), Span::new(SourceId(0), 17, 18));
        assert_eq!(lines.map(10, 11), Span::new(SourceId(0), 30, 31));
        let whole = ScalarText { text: "x".into(), span, anchor: TextAnchor::Whole };
        assert_eq!(whole.map(0, 1), span);
    }
}
