//! The draft spec `propose` writes: object mappings with their guesses, and the YAML text.
//!
//! Rendering records which part of the text each guess became, so the checker's diagnostics on
//! the draft can be traced back to the guess that caused them (`propose::repair`).

use std::fmt::Write as _;
use std::ops::Range;

/// One guess: an expression with its score and the reasons for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Guess {
    /// The expression, as written in a spec.
    pub expr: String,
    /// 0 to 1.
    pub score: f64,
    /// Why, in a few words each.
    pub reasons: Vec<String>,
    /// Source fields it reads (so they are not listed as open decisions).
    pub reads: Vec<String>,
    /// A flag rule the guess needs (a required destination field read from a nullable one).
    pub flag: Option<(String, String)>,
}

/// A destination field's ranked guesses; the first is written, the others wait in case the
/// first does not check.
#[derive(Clone, Debug)]
pub struct FieldGuesses {
    /// Destination field (`title`, `custom_attributes.x_studio_due_date`).
    pub destination: String,
    /// Best first.
    pub ranked: Vec<Guess>,
}

/// An object-level rule (`key`, `match`, `where`, `parent`, …) and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The spec key.
    pub key: &'static str,
    /// The value as YAML (an expression, a list, a word).
    pub value: RuleValue,
    /// Why, as a comment.
    pub reason: String,
}

/// A rule's value.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleValue {
    /// An expression or a word.
    Text(String),
    /// A list of words (`referenced_by`, `after`).
    List(Vec<String>),
    /// Flag rules: (when, reason).
    Flags(Vec<(String, String)>),
    /// An `attachments:` block as (key, value) pairs.
    Block(Vec<(String, String)>),
}

/// One proposed object mapping.
#[derive(Clone, Debug)]
pub struct DraftObject {
    /// The mapping's name in `objects:`.
    pub name: String,
    /// Source object.
    pub from: String,
    /// Destination kind.
    pub to: String,
    /// Score and reasons of the kind.
    pub kind_score: f64,
    /// Why this kind.
    pub kind_reasons: Vec<String>,
    /// Object-level rules.
    pub rules: Vec<Rule>,
    /// Field guesses.
    pub fields: Vec<FieldGuesses>,
    /// Source fields without a good destination: (field, note).
    pub decide: Vec<(String, String)>,
    /// Whether this mapping only adds to a base spec's object of the same name (`--extends`).
    pub overlay: bool,
}

/// The whole draft.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    /// Comment lines at the top (what was proposed from what, what vanished, objects left out).
    pub header: Vec<String>,
    /// `extends:` path, when the draft overlays a base spec.
    pub extends: Option<String>,
    /// The `source:` and `sink:` blocks, as YAML lines (empty for an overlay that keeps them).
    pub endpoints: Vec<String>,
    /// Lookup tables a guess may use (`tables.priority[priority]`): name → (key, value).
    pub tables: Vec<(String, Vec<(String, String)>)>,
    /// Object mappings.
    pub objects: Vec<DraftObject>,
}

/// Which part of the draft a span of text belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// The whole mapping of object `usize`.
    Object(usize),
    /// Object-level rule `key` of an object.
    Rule(usize, &'static str),
    /// The written guess of a destination field of an object (its flag rule included).
    Field(usize, String),
}

/// The YAML text and which byte ranges hold which part.
pub struct Rendered {
    /// The spec text.
    pub text: String,
    /// Ranges, outer parts before the parts inside them.
    pub parts: Vec<(Range<usize>, Part)>,
}

impl Rendered {
    /// The innermost part at a byte offset.
    pub fn part_at(&self, offset: usize) -> Option<&Part> {
        self.parts.iter().rev().find(|(range, _)| range.contains(&offset)).map(|(_, part)| part)
    }
}

/// A YAML scalar holding `text`: plain when it is a simple name or path, else single-quoted.
pub fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'))
        && !matches!(text, "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n");
    if plain { text.to_owned() } else { format!("'{}'", text.replace('\'', "''")) }
}

/// `KEY: VALUE  # COMMENT` at an indent; a value of several lines as a literal block.
fn entry(text: &mut String, indent: usize, key: &str, value: &str, note: Option<&str>) {
    let pad = " ".repeat(indent);
    let note = note.map(|n| format!("  # {}", comment(n))).unwrap_or_default();
    if value.contains('\n') {
        let _ = writeln!(text, "{pad}{key}: |{note}");
        for line in value.lines() {
            let _ = writeln!(text, "{pad}  {line}");
        }
    } else {
        let _ = writeln!(text, "{pad}{key}: {}{note}", scalar(value));
    }
}

fn comment(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// `0.87: reason; reason`.
pub fn explain(score: f64, reasons: &[String]) -> String {
    comment(&format!("{score:.2}: {}", reasons.join("; ")))
}

impl Draft {
    /// The draft as a spec file.
    pub fn render(&self) -> Rendered {
        let mut text = String::new();
        let mut parts = Vec::new();
        for line in &self.header {
            let _ = writeln!(text, "# {}", comment(line));
        }
        text.push_str("cutover: 1\n");
        if let Some(base) = &self.extends {
            let _ = writeln!(text, "extends: {}", scalar(base));
        }
        for line in &self.endpoints {
            let _ = writeln!(text, "{line}");
        }
        let used: Vec<&(String, Vec<(String, String)>)> = self
            .tables
            .iter()
            .filter(|(name, _)| {
                let needle = format!("tables.{name}[");
                self.objects
                    .iter()
                    .flat_map(|o| &o.fields)
                    .filter_map(|f| f.ranked.first())
                    .any(|g| g.expr.contains(&needle))
            })
            .collect();
        if !used.is_empty() {
            text.push_str("\ntables:\n");
            for (name, rows) in used {
                let _ = writeln!(text, "  {}:", scalar(name));
                for (key, value) in rows {
                    let _ = writeln!(text, "    '{}': {value}", key.replace('\'', "''"));
                }
            }
        }
        text.push_str("\nobjects:\n");
        for (index, object) in self.objects.iter().enumerate() {
            if object.overlay && object.decide.is_empty() && object.fields.iter().all(|f| f.ranked.is_empty()) {
                continue;
            }
            let slot = parts.len();
            parts.push((text.len()..text.len(), Part::Object(index)));
            object.render(index, &mut text, &mut parts);
            parts[slot].0.end = text.len();
        }
        Rendered { text, parts }
    }
}

impl DraftObject {
    fn render(&self, index: usize, text: &mut String, parts: &mut Vec<(Range<usize>, Part)>) {
        let _ = writeln!(text, "  {}:", scalar(&self.name));
        if !self.overlay {
            let _ = writeln!(text, "    # {}", explain(self.kind_score, &self.kind_reasons));
            let _ = writeln!(text, "    from: {}", scalar(&self.from));
            let _ = writeln!(text, "    to: {}", scalar(&self.to));
        }
        let mut flags: Vec<(String, String, Option<Part>)> = Vec::new();
        let mut keys = std::collections::BTreeSet::new();
        // A key's later rules are alternatives, written only when the earlier ones did not check.
        for rule in self.rules.iter().filter(|r| keys.insert(r.key)) {
            let start = text.len();
            match &rule.value {
                RuleValue::Text(value) => entry(text, 4, rule.key, value, Some(&rule.reason)),
                RuleValue::List(items) => {
                    let items: Vec<String> = items.iter().map(|i| scalar(i)).collect();
                    let _ = writeln!(text, "    {}: [{}]  # {}", rule.key, items.join(", "), comment(&rule.reason));
                }
                RuleValue::Flags(rules) => {
                    for (when, reason) in rules {
                        flags.push((when.clone(), reason.clone(), Some(Part::Rule(index, rule.key))));
                    }
                    continue;
                }
                RuleValue::Block(entries) => {
                    let _ = writeln!(text, "    {}:  # {}", rule.key, comment(&rule.reason));
                    for (key, value) in entries {
                        entry(text, 6, key, value, None);
                    }
                }
            }
            parts.push((start..text.len(), Part::Rule(index, rule.key)));
        }
        let written: Vec<(&str, &Guess)> =
            self.fields.iter().filter_map(|f| f.ranked.first().map(|g| (f.destination.as_str(), g))).collect();
        if !written.is_empty() {
            text.push_str("    proposed:\n");
            for (destination, guess) in &written {
                let start = text.len();
                entry(text, 6, &scalar(destination), &guess.expr, Some(&explain(guess.score, &guess.reasons)));
                parts.push((start..text.len(), Part::Field(index, (*destination).to_owned())));
                if let Some((when, reason)) = &guess.flag {
                    flags.push((when.clone(), reason.clone(), Some(Part::Field(index, (*destination).to_owned()))));
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        flags.retain(|(when, _, _)| seen.insert(when.clone()));
        if !flags.is_empty() {
            text.push_str("    flag:\n");
            for (when, reason, part) in flags {
                let start = text.len();
                text.push_str("      -");
                entry(text, 1, "when", &when, None);
                entry(text, 8, "reason", &reason, None);
                if let Some(part) = part {
                    parts.push((start..text.len(), part));
                }
            }
        }
        if !self.decide.is_empty() {
            text.push_str("    decide:\n");
            for (field, note) in &self.decide {
                let _ = writeln!(text, "      {}: {}", scalar(field), scalar(note));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_only_when_yaml_would_misread_them() {
        assert_eq!(scalar("stage_id.name"), "stage_id.name");
        assert_eq!(scalar("ref(contact, partner_id)"), "'ref(contact, partner_id)'");
        assert_eq!(scalar("\"user\""), "'\"user\"'");
        assert_eq!(scalar("it's"), "'it''s'");
        assert_eq!(scalar("true"), "'true'");
    }
}
