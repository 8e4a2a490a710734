//! Enumerations: a destination's fixed values (a conversation's open/closed, a part's
//! comment/note) guessed from the source's closing flags, state names and state types.
//!
//! Values are classified by the words in them (`Solved`, `closed successful`, `merged` close a
//! ticket; `New`, `In Progress` keep it open), and the share of the source's values that could be
//! classified is part of the score. Pending states go to open: a snoozed conversation needs a
//! wake-up time, which is a decision for a person.

use crate::check::schema::{FieldSchema, FieldType, ObjectSchema};
use crate::propose::draft::Guess;
use crate::propose::fields::Context;
use crate::propose::vocabulary::{concepts, words};

const CLOSING: &[&str] = &[
    "closed",
    "close",
    "solved",
    "resolved",
    "done",
    "completed",
    "merged",
    "removed",
    "cancelled",
    "canceled",
    "rejected",
    "archived",
    "fold",
];
const OPEN: &[&str] =
    &["new", "open", "progress", "assigned", "reopened", "waiting", "pending", "hold", "reminder", "auto"];

/// Classify one value by its words: `Some("closed")`, `Some("open")` or `None`.
fn classify(value: &str) -> Option<&'static str> {
    let split = words(value);
    if split.iter().any(|w| CLOSING.contains(&w.as_str())) {
        return Some("closed");
    }
    split.iter().any(|w| OPEN.contains(&w.as_str())).then_some("open")
}

fn has_values(field: &FieldSchema, wanted: &[&str]) -> bool {
    wanted.iter().all(|w| field.values.iter().any(|v| v.value == *w))
}

/// A guess for an enumerated destination field, if the source has something to build it from.
pub fn state_guess(context: &Context, destination: &str, field: &FieldSchema) -> Option<Guess> {
    if has_values(field, &["open", "closed"]) {
        return closing_guess(context).or_else(|| named_states_guess(context));
    }
    if has_values(field, &["comment", "note"]) {
        return internal_guess(context, destination);
    }
    None
}

fn bool_named(object: &ObjectSchema, names: &[&str]) -> Option<String> {
    names.iter().find(|n| object.field(n).is_some_and(|f| f.field_type == FieldType::Bool)).map(|n| (*n).to_owned())
}

/// A closing flag: on the ticket (`closed`) or on its stage (`is_close` up to Odoo 15, `fold`).
fn closing_guess(context: &Context) -> Option<Guess> {
    let (_, object) = context.object;
    if let Some(flag) = bool_named(object, &["closed", "is_closed", "is_close"]) {
        return Some(guess(
            format!("if {flag} then \"closed\" else \"open\""),
            0.9,
            &flag,
            vec![format!("`{flag}` says whether it is closed")],
        ));
    }
    for (name, field) in &object.fields {
        if field.field_type != FieldType::Relation || field.many || !concepts(name).contains("status") {
            continue;
        }
        let Some(stage) = field.target.as_deref().and_then(|t| context.source.object(t)) else { continue };
        if let Some(flag) = bool_named(stage, &["is_close", "fold", "closed"]) {
            let reason = format!("the {name} closing flag `{flag}` (a stage's own closing setting)");
            return Some(guess(format!("if {name}.{flag} then \"closed\" else \"open\""), 0.9, name, vec![reason]));
        }
    }
    None
}

/// No flag: the names of the states, or better their types (OTRS: admins add states, the types
/// are fixed), classified value by value.
fn named_states_guess(context: &Context) -> Option<Guess> {
    let (_, object) = context.object;
    let mut best: Option<Guess> = None;
    for (name, field) in &object.fields {
        if !concepts(name).contains("status") {
            continue;
        }
        let mut paths: Vec<(String, &FieldSchema, f64)> = Vec::new();
        if !field.values.is_empty() {
            paths.push((name.clone(), field, 0.0));
        }
        if let Some(state) = field.target.as_deref().and_then(|t| context.source.object(t)) {
            if let Some(names) = state.field("name").filter(|f| !f.values.is_empty()) {
                paths.push((format!("{name}.name"), names, 0.0));
            }
            for (link, link_field) in &state.fields {
                let typed = link_field.target.as_deref().and_then(|t| context.source.object(t));
                if let Some(names) = typed.and_then(|t| t.field("name")).filter(|f| !f.values.is_empty())
                    && words(link).contains(&"type".to_owned())
                {
                    paths.push((format!("{name}.{link}.name"), names, 0.05));
                }
            }
        }
        for (path, values, bonus) in paths {
            let candidate = match_guess(&path, name, values, bonus);
            if best.as_ref().is_none_or(|b| candidate.score > b.score) {
                best = Some(candidate);
            }
        }
    }
    best
}

fn match_guess(path: &str, read: &str, values: &FieldSchema, bonus: f64) -> Guess {
    let mut open = Vec::new();
    let mut closed = Vec::new();
    let mut unknown = Vec::new();
    for value in &values.values {
        let seen = classify(&value.value).or_else(|| value.label.as_deref().and_then(classify));
        let quoted = format!("\"{}\"", value.value.replace('\\', "\\\\").replace('"', "\\\""));
        match seen {
            Some("closed") => closed.push(quoted),
            Some(_) => open.push(quoted),
            None => unknown.push(value.value.clone()),
        }
    }
    let total = values.values.len().max(1) as f64;
    let share = (open.len() + closed.len()) as f64 / total;
    let mut arms = Vec::new();
    if !open.is_empty() {
        arms.push(format!("{} => \"open\"", open.join(" | ")));
    }
    if !closed.is_empty() {
        arms.push(format!("{} => \"closed\"", closed.join(" | ")));
    }
    arms.push("_ => \"open\"".to_owned());
    let mut reasons =
        vec![format!("{} of {} values of {path} classified", open.len() + closed.len(), values.values.len())];
    if !unknown.is_empty() {
        reasons.push(format!("not recognised, sent as open: {}", unknown.join(", ")));
    }
    if bonus > 0.0 {
        reasons.push("by state type: fixed, unlike state names".to_owned());
    }
    reasons.push("pending → open (snoozing needs a wake-up time)".to_owned());
    guess(format!("match {path} {{ {} }}", arms.join(", ")), 0.5 + 0.35 * share + bonus, read, reasons)
}

/// A part's reply-or-note from an internal flag, on the record or on its subtype.
fn internal_guess(context: &Context, destination: &str) -> Option<Guess> {
    let (_, object) = context.object;
    let flag_in = |schema: &ObjectSchema| {
        schema
            .fields
            .iter()
            .filter(|(_, f)| f.field_type == FieldType::Bool)
            .find(|(n, _)| concepts(n).contains("internal") || words(n).contains(&"visible".to_owned()))
            .map(|(n, _)| n.clone())
    };
    let sentence = |path: &str, flag: &str| {
        if words(flag).contains(&"visible".to_owned()) && !words(flag).contains(&"invisible".to_owned()) {
            format!("if {path} then \"comment\" else \"note\"")
        } else {
            format!("if {path} then \"note\" else \"comment\"")
        }
    };
    if let Some(flag) = flag_in(object) {
        return Some(guess(
            sentence(&flag, &flag),
            0.85,
            &flag,
            vec![format!("`{flag}` tells a note from a reply ({destination})")],
        ));
    }
    for (name, field) in &object.fields {
        let Some(target) = field.target.as_deref().and_then(|t| context.source.object(t)).filter(|_| !field.many)
        else {
            continue;
        };
        if let Some(flag) = flag_in(target) {
            let path = format!("{name}.{flag}");
            return Some(guess(sentence(&path, &flag), 0.8, name, vec![format!("`{path}` tells a note from a reply")]));
        }
    }
    None
}

fn guess(expr: String, score: f64, read: &str, reasons: Vec<String>) -> Guess {
    Guess { expr, score, reasons, reads: vec![read.to_owned()], flag: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_classified_by_their_words() {
        assert_eq!(classify("closed successful"), Some("closed"));
        assert_eq!(classify("Solved"), Some("closed"));
        assert_eq!(classify("In Progress"), Some("open"));
        assert_eq!(classify("pending reminder"), Some("open"));
        assert_eq!(classify("Escalated"), None);
    }
}
