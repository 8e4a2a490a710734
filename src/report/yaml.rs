//! Mapped records as stable, human-readable YAML, for `preview`, `explain` and `snapshot`.
//!
//! Keys keep the order given; text is written plain when YAML would read it back as the same
//! text, double-quoted otherwise, and as a literal block when it spans lines. The output is
//! deterministic, so a diff of two renderings shows exactly what changed.

use std::fmt::Write as _;

use crate::run::value::Value;

/// Render `key: value` lines at `indent` spaces.
pub fn render_fields(fields: &[(String, Value)], indent: usize) -> String {
    let mut out = String::new();
    for (key, value) in fields {
        write_entry(&mut out, key, value, indent);
    }
    out
}

fn write_entry(out: &mut String, key: &str, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    let key = scalar_text(key);
    match value {
        Value::List(items) if !items.is_empty() => {
            let _ = writeln!(out, "{pad}{key}:");
            for item in items.iter() {
                let _ = writeln!(out, "{pad}  - {}", inline(item, indent + 4));
            }
        }
        Value::Text(text) if text.contains('\n') => {
            let _ = writeln!(out, "{pad}{key}: {}", block(text, indent + 2));
        }
        other => {
            let _ = writeln!(out, "{pad}{key}: {}", inline(other, indent + 2));
        }
    }
}

/// A literal block for multi-line text: `|` (keep the final newline) or `|-` (strip it).
fn block(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let body = text.strip_suffix('\n').unwrap_or(text);
    // A literal block cannot carry trailing spaces on lines or leading spaces on the first line
    // faithfully enough for review: quote such text instead.
    if body.lines().any(|l| l.ends_with(' ') || l.ends_with('\t')) || body.starts_with(' ') || body.contains('\r') {
        return quoted(text);
    }
    let mut out = String::from(if text.ends_with('\n') { "|" } else { "|-" });
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

fn inline(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(_) => value.to_string(),
        Value::Text(text) if text.contains('\n') => block(text, indent),
        Value::Text(text) => scalar_text(text),
        Value::Date(_) | Value::DateTime(_) => value.to_string(),
        Value::List(items) if items.is_empty() => "[]".to_owned(),
        Value::List(items) => {
            let parts: Vec<String> = items.iter().map(|i| inline(i, indent)).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Json(json) => json.to_string(),
        Value::Ref(reference) => {
            format!("{{ref: {}, key: {}}}", scalar_text(&reference.object), inline(&reference.key, indent))
        }
    }
}

/// Text as a YAML scalar: plain when that reads back as the same text, else double-quoted.
pub fn scalar_text(text: &str) -> String {
    if is_plain_safe(text) { text.to_owned() } else { quoted(text) }
}

fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || is_invisible(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters a reviewer could not see: shown escaped so a diff reveals them.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{FEFF}')
}

fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return false };
    if text != text.trim() || "-?:,[]{}#&*!|>'\"%@`~".contains(first) {
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    if text.chars().any(|c| c.is_control() || is_invisible(c)) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    if matches!(lower.as_str(), "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "~") {
        return false;
    }
    // Anything YAML could read as a number or a date stays quoted.
    let numeric = text.bytes().all(|b| b.is_ascii_digit() || b"+-.eE_:xXoO".contains(&b));
    !numeric && !text.starts_with(|c: char| c.is_ascii_digit() && text.contains('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_plain_only_when_they_read_back_the_same() {
        assert_eq!(scalar_text("Printer on fire"), "Printer on fire");
        assert_eq!(scalar_text("true"), "\"true\"");
        assert_eq!(scalar_text("0042"), "\"0042\"");
        assert_eq!(scalar_text("a: b"), "\"a: b\"");
        assert_eq!(scalar_text(" padded"), "\" padded\"");
        assert_eq!(scalar_text("zero\u{200B}width"), "\"zero\\u200Bwidth\"");
        assert_eq!(scalar_text("2026-11-21"), "\"2026-11-21\"");
        assert_eq!(scalar_text(""), "\"\"");
    }

    #[test]
    fn records_render_with_blocks_and_lists() {
        let fields = vec![
            ("title".to_owned(), Value::text("Hello")),
            ("body".to_owned(), Value::text("line one\nline two\n")),
            ("tags".to_owned(), Value::list(vec![Value::text("vip"), Value::text("eu")])),
            ("empty".to_owned(), Value::list(Vec::new())),
            ("missing".to_owned(), Value::Null),
        ];
        let text = render_fields(&fields, 0);
        assert_eq!(
            text,
            "title: Hello\nbody: |\n  line one\n  line two\ntags:\n  - vip\n  - eu\nempty: []\nmissing: null\n"
        );
    }
}
