//! A YAML tree in which every node keeps its span.
//!
//! Built from saphyr-parser's event stream (saphyr-parser reports a start and end marker for every
//! event, in characters; they are converted to byte offsets here). The tree is the one place
//! that knows YAML: `extends:` merges trees, and the deserializer in `spec::de` reads the typed
//! model out of a tree. Plain scalars keep their text untyped until the model asks for a type,
//! so `priority: 1` can be read as the expression `1` or the number 1 as the field requires.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::diagnostic::Diagnostics;
use crate::scalar::{ScalarText, TextAnchor};
use crate::source::SourceId;
use crate::span::Span;
use crate::spec::diagnostics;

/// A node of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where it was written.
    pub span: Span,
}

/// The three YAML node kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar, untyped until read.
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order; keys are scalars.
    Map(Vec<(Node, Node)>),
}

/// A scalar's text and how it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// Decoded text.
    pub text: String,
    /// Plain scalars are typed by content (`null`, `true`, `3`); quoted and block ones are text.
    pub plain: bool,
    /// How offsets in `text` map to the file.
    pub anchor: TextAnchor,
}

impl Node {
    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The scalar's text, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    /// Whether this is a YAML null (`null`, `~` or nothing, unquoted).
    pub fn is_null(&self) -> bool {
        self.as_scalar().is_some_and(Scalar::is_null)
    }

    /// The scalar as a [`ScalarText`] for expression parsing.
    pub fn scalar_text(&self) -> Option<ScalarText> {
        self.as_scalar().map(|s| ScalarText { text: s.text.clone(), span: self.span, anchor: s.anchor.clone() })
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// What kind of node this is, for messages ("a mapping", "a list", "text").
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar(s) if s.is_null() => "null",
            NodeKind::Scalar(s) if s.plain && s.as_bool().is_some() => "a boolean",
            NodeKind::Scalar(s) if s.plain && s.as_i64().is_some() => "an integer",
            NodeKind::Scalar(s) if s.plain && s.as_f64().is_some() => "a number",
            NodeKind::Scalar(_) => "text",
        }
    }
}

impl Scalar {
    /// YAML 1.2 core-schema null.
    pub fn is_null(&self) -> bool {
        self.plain && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// YAML 1.2 core-schema boolean.
    pub fn as_bool(&self) -> Option<bool> {
        if !self.plain {
            return None;
        }
        match self.text.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// YAML 1.2 core-schema integer (decimal, `0x`, `0o`).
    pub fn as_i64(&self) -> Option<i64> {
        if !self.plain {
            return None;
        }
        let text = self.text.as_str();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let value = if let Some(hex) = digits.strip_prefix("0x") {
            i64::from_str_radix(hex, 16).ok()?
        } else if let Some(oct) = digits.strip_prefix("0o") {
            i64::from_str_radix(oct, 8).ok()?
        } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse().ok()?
        } else {
            return None;
        };
        Some(if negative { -value } else { value })
    }

    /// YAML 1.2 core-schema float (including integers).
    pub fn as_f64(&self) -> Option<f64> {
        if !self.plain {
            return None;
        }
        if let Some(int) = self.as_i64() {
            return Some(int as f64);
        }
        match self.text.as_str() {
            ".inf" | ".Inf" | ".INF" | "+.inf" => Some(f64::INFINITY),
            "-.inf" | "-.Inf" | "-.INF" => Some(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
            text => {
                let looks_numeric = text.bytes().any(|b| b.is_ascii_digit())
                    && text.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
                if looks_numeric { text.parse().ok() } else { None }
            }
        }
    }
}

/// Parse one YAML document into a tree. Syntax errors, duplicate keys, tags and extra documents
/// are reported as diagnostics.
pub fn parse(source: SourceId, text: &str) -> Result<Node, Diagnostics> {
    let offsets = CharOffsets::new(text);
    let mut builder = Builder {
        source,
        text,
        offsets: &offsets,
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        diagnostics: Diagnostics::new(),
        depth: 0,
    };
    let root = builder.document();
    match root {
        Ok(root) if !builder.diagnostics.has_errors() => Ok(root),
        Ok(_) => Err(builder.diagnostics),
        Err(()) => Err(builder.diagnostics),
    }
}

/// Character index → byte offset, for texts that are not all ASCII.
struct CharOffsets {
    /// Byte offset of each character, plus the end; empty when the text is ASCII.
    table: Vec<u32>,
    len: u32,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i as u32).chain([text.len() as u32]).collect()
        };
        Self { table, len: text.len() as u32 }
    }

    fn byte(&self, char_index: usize) -> u32 {
        if self.table.is_empty() {
            (char_index as u32).min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        }
    }
}

/// Deeper nesting than this is refused, so a hostile file cannot overflow the stack.
const MAX_DEPTH: usize = 256;

struct Builder<'a> {
    source: SourceId,
    text: &'a str,
    offsets: &'a CharOffsets,
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    diagnostics: Diagnostics,
    depth: usize,
}

type Step<T> = Result<T, ()>;

impl<'a> Builder<'a> {
    fn next(&mut self) -> Step<(Event<'a>, Span)> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => {
                let span =
                    Span::new(self.source, self.offsets.byte(span.start.index()), self.offsets.byte(span.end.index()));
                Ok((event, span))
            }
            Some(Err(error)) => {
                self.syntax_error(&error);
                Err(())
            }
            None => {
                let end = self.text.len() as u32;
                self.diagnostics
                    .push(diagnostics::yaml_syntax("unexpected end of file", Span::new(self.source, end, end)));
                Err(())
            }
        }
    }

    fn syntax_error(&mut self, error: &ScanError) {
        let at = self.offsets.byte(error.marker().index());
        let end = (at + 1).min(self.text.len() as u32).max(at);
        self.diagnostics.push(diagnostics::yaml_syntax(error.info(), Span::new(self.source, at, end)));
    }

    fn document(&mut self) -> Step<Node> {
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) if root.is_none() => {
                    root = Some(self.node()?);
                }
                Event::DocumentStart(_) => {
                    self.diagnostics.push(diagnostics::unsupported_yaml(
                        "a spec file holds one YAML document; this is a second one",
                        span,
                    ));
                    return Err(());
                }
                Event::StreamEnd => break,
                _ => {}
            }
        }
        // An empty file is an empty mapping, so "missing key" diagnostics follow naturally.
        Ok(root.unwrap_or(Node { kind: NodeKind::Map(Vec::new()), span: Span::new(self.source, 0, 0) }))
    }

    fn node(&mut self) -> Step<Node> {
        let (event, span) = self.next()?;
        self.node_from(event, span)
    }

    fn node_from(&mut self, event: Event<'a>, span: Span) -> Step<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.diagnostics.push(diagnostics::unsupported_yaml("nesting is too deep", span));
            return Err(());
        }
        let node = match event {
            Event::Scalar(value, style, anchor, tag) => {
                if tag.is_some() {
                    self.diagnostics
                        .push(diagnostics::unsupported_yaml("YAML tags are not used in specs", self.first_line(span)));
                }
                let node = self.scalar(value.into_owned(), style, span);
                self.remember(anchor, &node);
                node
            }
            Event::SequenceStart(anchor, tag) => {
                if tag.is_some() {
                    self.diagnostics
                        .push(diagnostics::unsupported_yaml("YAML tags are not used in specs", self.first_line(span)));
                }
                let mut items = Vec::new();
                let mut end = span.end;
                loop {
                    let (event, item_span) = self.next()?;
                    if let Event::SequenceEnd = event {
                        end = end.max(item_span.start);
                        break;
                    }
                    let item = self.node_from(event, item_span)?;
                    end = end.max(item.span.end);
                    items.push(item);
                }
                let start = items.first().map_or(span.start, |i| i.span.start.min(span.start));
                let node = Node { kind: NodeKind::Seq(items), span: Span::new(self.source, start, end) };
                self.remember(anchor, &node);
                node
            }
            Event::MappingStart(anchor, tag) => {
                if tag.is_some() {
                    self.diagnostics
                        .push(diagnostics::unsupported_yaml("YAML tags are not used in specs", self.first_line(span)));
                }
                let mut entries: Vec<(Node, Node)> = Vec::new();
                loop {
                    let (event, key_span) = self.next()?;
                    if let Event::MappingEnd = event {
                        break;
                    }
                    let key = self.node_from(event, key_span)?;
                    let value = self.node()?;
                    let Some(name) = key.as_str() else {
                        self.diagnostics
                            .push(diagnostics::unsupported_yaml("mapping keys must be plain text", key.span));
                        continue;
                    };
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.as_str() == Some(name)) {
                        self.diagnostics.push(diagnostics::duplicate_key(name, key.span, first.span));
                        continue;
                    }
                    entries.push((key, value));
                }
                let start = entries.first().map_or(span.start, |(k, _)| k.span.start);
                let end = entries.last().map_or(span.end, |(_, v)| v.span.end.max(start));
                let node = Node { kind: NodeKind::Map(entries), span: Span::new(self.source, start, end) };
                self.remember(anchor, &node);
                node
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(node) => node.clone(),
                None => {
                    self.diagnostics.push(diagnostics::yaml_syntax("alias to an unknown anchor", span));
                    return Err(());
                }
            },
            _ => {
                self.diagnostics.push(diagnostics::yaml_syntax("unexpected YAML structure", span));
                return Err(());
            }
        };
        self.depth -= 1;
        Ok(node)
    }

    /// The part of `span` on its first line: where a tag or indicator was written.
    fn first_line(&self, span: Span) -> Span {
        let start = span.start as usize;
        let rest = self.text.get(start..).unwrap_or("");
        let line = rest.find('\n').unwrap_or(rest.len());
        let end = (start + line).min(span.end.max(span.start) as usize).max(start + line.min(1));
        Span::new(span.source, span.start, end as u32)
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn scalar(&self, text: String, style: ScalarStyle, span: Span) -> Node {
        let raw = self.text.get(span.start as usize..span.end as usize).unwrap_or("");
        let anchor = match style {
            ScalarStyle::Plain if raw == text => TextAnchor::Exact { start: span.start },
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
                if raw.len() >= 2 && inner == text {
                    TextAnchor::Exact { start: span.start + 1 }
                } else {
                    TextAnchor::Whole
                }
            }
            ScalarStyle::Literal => literal_lines(self.text, span, &text),
            _ => TextAnchor::Whole,
        };
        let plain = matches!(style, ScalarStyle::Plain);
        // Empty plain scalars (`key:` with nothing after) get a zero-width span where they stand.
        Node { kind: NodeKind::Scalar(Scalar { text, plain, anchor }), span }
    }
}

/// Map each line of a literal block scalar's value to the file. saphyr's span of a literal block
/// starts at its first content character, so the block's indentation is that character's column;
/// each value line is the matching file line less that indentation.
fn literal_lines(file: &str, span: Span, value: &str) -> TextAnchor {
    let start = span.start as usize;
    let line_start = file[..start.min(file.len())].rfind('\n').map_or(0, |i| i + 1);
    let indent = start - line_start;
    let mut file_offset = line_start;
    let mut lines = Vec::new();
    let mut text_offset = 0usize;
    let mut file_lines = file[line_start..].split_inclusive('\n');
    for value_line in value.split_inclusive('\n') {
        let Some(file_line) = file_lines.next() else {
            break;
        };
        let content = value_line.trim_end_matches('\n');
        if !content.is_empty() {
            match file_line.get(indent.min(file_line.len())..) {
                Some(rest) if rest.starts_with(content) => {}
                _ => return TextAnchor::Whole,
            }
            lines.push((text_offset as u32, (file_offset + indent) as u32));
        }
        text_offset += value_line.len();
        file_offset += file_line.len();
    }
    if lines.is_empty() { TextAnchor::Whole } else { TextAnchor::Lines(lines) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Node {
        parse(SourceId(0), text).expect("valid yaml")
    }

    #[test]
    fn plain_and_quoted_scalars_map_exactly() {
        let text = "a: lower(email)\nb: \"x ?? y\"\nc: 'it''s'\n";
        let root = tree(text);
        let a = root.get("a").unwrap().scalar_text().unwrap();
        assert_eq!(&text[a.map(6, 11).start as usize..a.map(6, 11).end as usize], "email");
        let b = root.get("b").unwrap().scalar_text().unwrap();
        assert_eq!(&text[b.map(2, 4).start as usize..b.map(2, 4).end as usize], "??");
        let c = root.get("c").unwrap().scalar_text().unwrap();
        assert_eq!(c.anchor, TextAnchor::Whole, "escaped quotes cannot map exactly");
    }

    #[test]
    fn literal_block_maps_line_by_line() {
        let text = "k: |\n  if a\n  then b\n  else c\n";
        let root = tree(text);
        let k = root.get("k").unwrap().scalar_text().unwrap();
        assert_eq!(k.text, "if a\nthen b\nelse c\n");
        let offset = k.text.find('b').unwrap();
        let span = k.map(offset, offset + 1);
        assert_eq!(&text[span.start as usize..span.end as usize], "b");
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let text = "name: Açme — test\nx: email\n";
        let root = tree(text);
        let x = root.get("x").unwrap();
        assert_eq!(&text[x.span.start as usize..x.span.end as usize], "email");
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_are_diagnostics() {
        let errors = parse(SourceId(0), "a: 1\na: 2\n").unwrap_err();
        assert_eq!(errors.iter().next().unwrap().code, crate::codes::Code::DuplicateKey);
        let errors = parse(SourceId(0), "a: [1, 2\n").unwrap_err();
        assert_eq!(errors.iter().next().unwrap().code, crate::codes::Code::YamlSyntax);
    }

    #[test]
    fn plain_scalars_type_lazily() {
        let root = tree("a: 1\nb: '1'\nc: ~\nd: true\ne: 1.5\n");
        assert_eq!(root.get("a").unwrap().as_scalar().unwrap().as_i64(), Some(1));
        assert_eq!(root.get("b").unwrap().as_scalar().unwrap().as_i64(), None);
        assert!(root.get("c").unwrap().is_null());
        assert_eq!(root.get("d").unwrap().as_scalar().unwrap().as_bool(), Some(true));
        assert_eq!(root.get("e").unwrap().as_scalar().unwrap().as_f64(), Some(1.5));
    }
}
