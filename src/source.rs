//! The texts every span points into.
//!
//! Spec files, their base specs, schema locks and command-line expressions are all kept here,
//! each as an `Arc<str>`, so the spec model owns no text and any [`Span`] can be rendered later as
//! `file:line:column`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::span::Span;

/// Identifies one text in a [`SourceMap`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct SourceId(pub u32);

impl SourceId {
    /// The id of no text: spans of built-in values.
    pub const DETACHED: SourceId = SourceId(u32::MAX);
}

/// One loaded text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics (the path as the user gave it, or a label).
    pub name: String,
    /// Where the text was read from, when it came from a file.
    pub path: Option<PathBuf>,
    /// The text itself.
    pub text: Arc<str>,
    /// Byte offset of the start of every line.
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: u32) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(self.text.len());
        let column = self.text.get(start..end).map_or(end - start, |s| s.chars().count());
        (line + 1, column + 1)
    }
}

/// All texts of one command invocation.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a text under a display name and return its id.
    pub fn add(&mut self, name: impl Into<String>, path: Option<PathBuf>, text: impl Into<Arc<str>>) -> SourceId {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        self.files.push(SourceFile { name: name.into(), path, text, line_starts });
        SourceId(self.files.len() as u32 - 1)
    }

    /// Read a file and add it; the display name is the path as given.
    pub fn load(&mut self, path: &Path) -> std::io::Result<SourceId> {
        if let Some(id) = self.find(path) {
            return Ok(id);
        }
        let text = std::fs::read_to_string(path)?;
        Ok(self.add(path.display().to_string(), Some(path.to_path_buf()), text))
    }

    /// The id of a file already loaded from `path`.
    pub fn find(&self, path: &Path) -> Option<SourceId> {
        self.files.iter().position(|f| f.path.as_deref() == Some(path)).map(|i| SourceId(i as u32))
    }

    /// The file behind an id.
    pub fn get(&self, id: SourceId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The text a span covers (empty for detached or out-of-range spans).
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.source).and_then(|f| f.text.get(span.start as usize..span.end as usize)).unwrap_or("")
    }

    /// `name:line:column` of a span's start, or `<built-in>`.
    pub fn locate(&self, span: Span) -> String {
        match self.get(span.source) {
            Some(file) => {
                let (line, column) = file.line_column(span.start);
                format!("{}:{line}:{column}", file.name)
            }
            None => "<built-in>".to_owned(),
        }
    }

    /// Iterate over all files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (SourceId(i as u32), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let mut map = SourceMap::new();
        let id = map.add("t.yaml", None, "a: 1\nnamé: x\n");
        let file = map.get(id).unwrap();
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(5), (2, 1));
        // 'x' sits after "namé: " which is 7 bytes but 6 characters.
        assert_eq!(file.line_column(12), (2, 7));
        assert_eq!(map.locate(Span::new(id, 12, 13)), "t.yaml:2:7");
    }
}
