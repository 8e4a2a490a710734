//! Checking a draft and replacing the guesses that do not check.
//!
//! The draft is rendered, loaded and checked as `validate` would (at the path it will be written
//! to, so its lock paths resolve). Each error is traced to the part of the draft its primary
//! label points into: a field guess gives way to the next-best one (or to a decision), a rule to
//! the next rule for the same key, and an object whose own lines are wrong is left out with the
//! reason in the header. A guess the checker only warns about is replaced too, when there is
//! another. The confirm gate's own diagnostics are expected and kept.

use std::collections::BTreeMap;
use std::path::Path;

use crate::check::{check, load_schemas};
use crate::codes::Code;
use crate::diagnostic::Diagnostics;
use crate::propose::draft::{Draft, Part, Rendered};
use crate::source::SourceMap;

/// Rounds of repair before giving up (each round fixes every part that failed).
const ROUNDS: usize = 20;

/// Check the draft as if written at `path` and repair it until the only errors are the confirm
/// gate's. Returns the final text and every diagnostic of its last check.
pub fn repair(mut draft: Draft, source: &crate::check::SchemaLock, path: &Path) -> (Rendered, Diagnostics) {
    for _ in 0..ROUNDS {
        super::fill_decisions(&mut draft, source);
        let rendered = draft.render();
        let (found, draft_id) = check_text(&rendered.text, path);
        // Each part once per round: its first diagnostic, and whether any of them is an error.
        let mut why: BTreeMap<PartKey, (String, bool)> = BTreeMap::new();
        for diagnostic in found.iter().filter(|d| d.code != Code::UnconfirmedProposal) {
            let span = diagnostic.primary_span().filter(|s| Some(s.source) == draft_id);
            let Some(part) = span.and_then(|span| rendered.part_at(span.start as usize)) else { continue };
            let entry = why.entry(PartKey::from(part)).or_insert_with(|| (diagnostic.message.clone(), false));
            entry.1 |= diagnostic.is_error();
        }
        let mut changed = false;
        let mut dropped_objects = Vec::new();
        for (part, (message, error)) in why {
            match part {
                PartKey::Field(object, destination) => {
                    let fields = &mut draft.objects[object].fields;
                    // A guess the checker only warns about gives way when there is another.
                    if let Some(guesses) = fields.iter_mut().find(|f| f.destination == destination)
                        && (error || guesses.ranked.len() > 1)
                    {
                        guesses.ranked.remove(0);
                        changed = true;
                    }
                }
                PartKey::Rule(object, key) if error => {
                    let rules = &mut draft.objects[object].rules;
                    if let Some(position) = rules.iter().position(|r| r.key == key) {
                        rules.remove(position);
                        changed = true;
                    }
                }
                PartKey::Object(object) if error => {
                    dropped_objects.push((object, message));
                    changed = true;
                }
                _ => {}
            }
        }
        if !changed {
            return (rendered, found);
        }
        for (object, message) in dropped_objects.into_iter().rev() {
            let gone = draft.objects.remove(object);
            draft.header.push(format!(
                "Left out: `{}` ({} → {}) did not check ({message}); map it by hand.",
                gone.name, gone.from, gone.to
            ));
        }
    }
    super::fill_decisions(&mut draft, source);
    let rendered = draft.render();
    let (found, _) = check_text(&rendered.text, path);
    (rendered, found)
}

/// A part, ordered so a round handles each once.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PartKey {
    Object(usize),
    Rule(usize, &'static str),
    Field(usize, String),
}

impl From<&Part> for PartKey {
    fn from(part: &Part) -> Self {
        match part {
            Part::Object(i) => PartKey::Object(*i),
            Part::Rule(i, key) => PartKey::Rule(*i, key),
            Part::Field(i, destination) => PartKey::Field(*i, destination.clone()),
        }
    }
}

/// Load and check a spec text as the file `path`; the diagnostics and the text's source id.
pub fn check_text(text: &str, path: &Path) -> (Diagnostics, Option<crate::source::SourceId>) {
    let mut sources = SourceMap::new();
    let id = sources.add(path.display().to_string(), Some(path.to_path_buf()), text.to_owned());
    let spec = match crate::spec::load(&mut sources, path) {
        Ok(spec) => spec,
        Err(found) => return (found, Some(id)),
    };
    let (schemas, mut found) = load_schemas(&spec, &mut sources);
    let (_, checked) = check(&spec, &schemas);
    found.append(checked);
    (found, Some(id))
}
