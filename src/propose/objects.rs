//! Which destination kind each source object becomes, and the object-level rules of a mapping
//! (`key`, `match`, `parent`, `order`, …).
//!
//! An object's kind comes from the concept of its name (the last word of a compound name is its
//! head: `ticket_state` is a state, not a ticket; a customer's user is a contact), or from the
//! bundled spec for the platform when it maps the object. Each kind is given to its best source
//! object only; the others are listed for a person to decide.

use std::collections::BTreeMap;

use crate::check::schema::{FieldType, ObjectSchema, SchemaLock};
use crate::propose::bundled::Bundled;
use crate::propose::draft::{Rule, RuleValue};
use crate::propose::vocabulary::{concept, concepts, words};
use crate::spec::model::ObjectSpec;

/// Destination kinds the proposer maps objects to, the concept that names them, and the
/// mapping's name in `objects:`.
const KINDS: &[(&str, &str, &str)] = &[
    ("contact", "customer", "contact"),
    ("company", "company", "company"),
    ("admin", "agent", "admin"),
    ("team", "team", "team"),
    ("conversation", "ticket", "conversation"),
    ("conversation_part", "message", "part"),
    ("tag", "tag", "tag"),
    ("note", "rating", "rating"),
    ("article", "knowledge", "article"),
];

/// Objects need at least this to be mapped.
const OBJECT_THRESHOLD: f64 = 0.5;

/// A source object and the kind chosen for it.
#[derive(Clone, Debug)]
pub struct Chosen {
    /// Source object.
    pub source: String,
    /// Mapping name.
    pub name: String,
    /// Destination kind.
    pub kind: String,
    /// 0 to 1.
    pub score: f64,
    /// Why.
    pub reasons: Vec<String>,
    /// The bundled spec's mapping of the same object, if any.
    pub bundled: Option<(&'static str, ObjectSpec)>,
}

/// The kind a source object's name suggests, with a score and the reason.
fn kind_of(name: &str) -> Option<(&'static str, &'static str, f64, String)> {
    let split = words(name);
    let head = concept(split.last()?);
    let whole = split.concat();
    let kind = |c: &str| KINDS.iter().find(|(_, k, _)| *k == c).map(|(kind, _, n)| (*kind, *n));
    if let Some((k, n)) = kind(concept(&whole)).or_else(|| kind(concept(whole.trim_end_matches('s')))) {
        return Some((k, n, 1.0, format!("`{name}` means {}", concept(&whole))));
    }
    let extra = 0.1 * (split.len() as f64 - 1.0);
    let customer = split.iter().any(|w| concept(w) == "customer");
    if customer && matches!(head, "agent" | "customer") {
        return Some(("contact", "contact", 0.95 - extra, format!("`{name}`: a customer's {}", split.last()?)));
    }
    kind(head).map(|(k, n)| (k, n, 0.9 - extra, format!("`{name}` is a kind of {head}")))
}

/// Choose a kind for the source objects: the bundled spec's first, then by name, one source
/// object per kind. Returns the choices and the objects left out, with why.
pub fn choose(source: &SchemaLock, sink: &SchemaLock, bundled: Option<&Bundled>) -> (Vec<Chosen>, Vec<String>) {
    let mut chosen: Vec<Chosen> = Vec::new();
    let mut left = Vec::new();
    let mut by_kind: BTreeMap<&str, Chosen> = BTreeMap::new();
    for (name, object) in &source.objects {
        if let Some(bundled) = bundled {
            let mut any = false;
            for (mapping, spec) in bundled.objects_from(name) {
                if sink.object(&spec.to.value).is_none() {
                    continue;
                }
                any = true;
                chosen.push(Chosen {
                    source: name.clone(),
                    name: mapping.to_owned(),
                    kind: spec.to.value.clone(),
                    score: 1.0,
                    reasons: vec![format!("the bundled {} maps `{name}` to {}", bundled.name, spec.to.value)],
                    bundled: Some((bundled.name, spec.clone())),
                });
            }
            if any {
                continue;
            }
        }
        let Some((kind, mapping, score, reason)) = kind_of(name).filter(|k| k.2 >= OBJECT_THRESHOLD) else {
            left.push(format!("{name}{}", count(object)));
            continue;
        };
        let candidate = Chosen {
            source: name.clone(),
            name: mapping.to_owned(),
            kind: kind.to_owned(),
            score,
            reasons: vec![reason],
            bundled: None,
        };
        match by_kind.get(kind) {
            Some(best) if best.score >= score => {
                left.push(format!("{name}{} (`{}` is a better {kind})", count(object), best.source))
            }
            Some(best) => {
                left.push(format!(
                    "{}{} (`{name}` is a better {kind})",
                    best.source,
                    count(&source.objects[&best.source])
                ));
                by_kind.insert(kind, candidate);
            }
            None => {
                by_kind.insert(kind, candidate);
            }
        }
    }
    for (kind, candidate) in by_kind {
        if chosen.iter().any(|c| c.kind == kind) {
            left.push(format!("{} (the bundled spec already maps a {kind})", candidate.source));
        } else {
            chosen.push(candidate);
        }
    }
    let order = |kind: &str| KINDS.iter().position(|(k, _, _)| *k == kind).unwrap_or(KINDS.len());
    chosen.sort_by_key(|c| order(&c.kind));
    (chosen, left)
}

fn count(object: &ObjectSchema) -> String {
    object.count.map(|n| format!(" ({n} records)")).unwrap_or_default()
}

/// The bundled mapping's rules, offered first.
pub fn bundled_rules(name: &str, spec: &ObjectSpec) -> Vec<Rule> {
    let reason = format!("as in the bundled {name}");
    let text = |key: &'static str, value: Option<&crate::scalar::ScalarText>| {
        value.map(|v| Rule { key, value: RuleValue::Text(v.text.clone()), reason: reason.clone() })
    };
    let mut rules: Vec<Rule> = [
        text("where", spec.filter.as_ref()),
        text("key", spec.key.as_ref()),
        text("match", spec.match_key.as_ref()),
        spec.parent.as_ref().map(|p| Rule {
            key: "parent",
            value: RuleValue::Text(p.value.clone()),
            reason: reason.clone(),
        }),
        text("order", spec.order.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(unmatched) = &spec.unmatched {
        let word = match unmatched.value {
            crate::spec::model::Unmatched::Queue => "queue",
            crate::spec::model::Unmatched::Skip => "skip",
        };
        rules.push(Rule { key: "unmatched", value: RuleValue::Text(word.to_owned()), reason: reason.clone() });
    }
    if !spec.referenced_by.is_empty() {
        let list = spec.referenced_by.iter().map(|r| r.value.clone()).collect();
        rules.push(Rule { key: "referenced_by", value: RuleValue::List(list), reason: reason.clone() });
    }
    if !spec.flag.is_empty() {
        let flags = spec.flag.iter().map(|f| (f.when.text.clone(), f.reason.value.clone())).collect();
        rules.push(Rule { key: "flag", value: RuleValue::Flags(flags), reason: reason.clone() });
    }
    if let Some(files) = &spec.attachments {
        let mut entries = vec![("from".to_owned(), files.from.value.clone())];
        if let Some(filter) = &files.filter {
            entries.push(("where".to_owned(), filter.text.clone()));
        }
        entries.push(("name".to_owned(), files.name.text.clone()));
        entries.push(("content_type".to_owned(), files.content_type.text.clone()));
        if let Some(size) = &files.size {
            entries.push(("size".to_owned(), size.text.clone()));
        }
        entries.push(("data".to_owned(), files.data.value.clone()));
        rules.push(Rule { key: "attachments", value: RuleValue::Block(entries), reason });
    }
    rules
}

/// A text field whose name means e-mail.
pub fn email_field(object: &ObjectSchema) -> Option<&str> {
    object
        .fields
        .iter()
        .filter(|(n, f)| matches!(f.field_type, FieldType::Text) && !f.many && concepts(n).contains("email"))
        .min_by_key(|(n, _)| (words(n).len(), n.len()))
        .map(|(n, _)| n.as_str())
}

fn name_field(object: &ObjectSchema) -> Option<&str> {
    if object.field("name").is_some_and(|f| f.field_type == FieldType::Text) {
        return Some("name");
    }
    object
        .fields
        .iter()
        .filter(|(n, f)| f.field_type == FieldType::Text && concepts(n).contains("name"))
        .min_by_key(|(n, _)| n.len())
        .map(|(n, _)| n.as_str())
}

/// Rules the kind needs, guessed from the object's fields: how contacts are keyed, how admins
/// and teams are matched, which relation makes a part belong to its conversation.
pub fn generic_rules(chosen: &Chosen, object: &ObjectSchema, mapped: &BTreeMap<String, (String, String)>) -> Vec<Rule> {
    let rule = |key: &'static str, value: String, reason: String| Rule { key, value: RuleValue::Text(value), reason };
    let mut rules = Vec::new();
    match chosen.kind.as_str() {
        "contact" => {
            if let Some(email) = email_field(object) {
                let expr = format!("normalize_email({email})");
                rules.push(rule("key", expr.clone(), format!("one contact per e-mail address (`{email}`)")));
                rules.push(Rule {
                    key: "flag",
                    value: RuleValue::Flags(vec![(format!("{expr} == null"), "no usable e-mail address".to_owned())]),
                    reason: "a contact without e-mail cannot be matched".to_owned(),
                });
            }
        }
        "admin" | "team" => {
            let by = if chosen.kind == "admin" {
                email_field(object).map(|e| format!("normalize_email({e})"))
            } else {
                None
            };
            if let Some(by) = by.or_else(|| name_field(object).map(str::to_owned)) {
                let what = if chosen.kind == "admin" { "teammates" } else { "teams" };
                rules.push(rule("match", by, format!("{what} are matched, never created")));
                rules.push(rule("unmatched", "queue".to_owned(), "unmatched ones wait for a person".to_owned()));
            }
        }
        "conversation_part" | "note" => {
            let owner_kind = if chosen.kind == "note" { "contact" } else { "conversation" };
            let owner = mapped.iter().find(|(_, (_, kind))| kind == owner_kind);
            if let Some((owner_source, (owner_name, _))) = owner {
                let link = object.fields.iter().find(|(_, f)| {
                    f.field_type == FieldType::Relation && !f.many && f.target.as_deref() == Some(owner_source)
                });
                if let Some((link, _)) = link {
                    rules.push(rule(
                        "parent",
                        format!("{owner_name} via {link}"),
                        format!("`{link}` points to {owner_source}"),
                    ));
                }
            }
            let dated = object
                .fields
                .iter()
                .filter(|(_, f)| f.field_type == FieldType::Datetime)
                .max_by_key(|(n, _)| concepts(n).contains("created"));
            if let Some((date, _)) = dated {
                rules.push(rule("order", date.clone(), "in time order".to_owned()));
            }
        }
        _ => {}
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_give_kinds_by_their_head_word() {
        let kind = |name: &str| kind_of(name).filter(|k| k.2 >= OBJECT_THRESHOLD).map(|k| k.0);
        assert_eq!(kind("helpdesk.ticket"), Some("conversation"));
        assert_eq!(kind("incidents"), Some("conversation"));
        assert_eq!(kind("ticket_state"), None);
        assert_eq!(kind("helpdesk.ticket.type"), None);
        assert_eq!(kind("customer_user"), Some("contact"));
        assert_eq!(kind("persons"), Some("contact"));
        assert_eq!(kind("operators"), Some("admin"));
        assert_eq!(kind("operatorgroups"), Some("team"));
        assert_eq!(kind("progresstrail"), Some("conversation_part"));
        assert_eq!(kind("knowledgeItems"), Some("article"));
        assert_eq!(kind("branches"), Some("company"));
    }
}
