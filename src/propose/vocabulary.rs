//! Words: how field and object names are split, and which helpdesk words mean the same thing.
//!
//! Helpdesks name one idea many ways (an Odoo partner, an OTRS customer user and a TOPdesk caller
//! are all the person who asked), so names are compared by their *concepts*: each word is mapped
//! to the first word of its synonym group. The groups are short and fixed, so a score can always
//! be explained by the words that matched.

use std::collections::BTreeSet;

/// Groups of words that mean one thing in a helpdesk; the first word names the group. A word
/// belongs to the first group that lists it.
const SYNONYMS: &[&[&str]] = &[
    &["ticket", "call", "incident", "request", "case", "issue", "conversation"],
    &["customer", "partner", "person", "requester", "caller", "contact", "client"],
    &["agent", "user", "operator", "teammate", "admin", "staff", "owner", "assignee", "responsible"],
    &["team", "queue", "group", "operatorgroup"],
    &["status", "stage", "state"],
    &["message", "article", "reply", "comment", "part", "progresstrail", "memo", "action"],
    &["company", "organization", "organisation", "branch"],
    &["title", "subject", "summary", "briefdescription", "headline", "brief"],
    &["body", "description", "content", "text", "html"],
    &["created", "create", "creation", "creationdate", "opened", "submitted", "reported"],
    &["email", "mail", "useremail"],
    &["phone", "telephone", "mobile"],
    &["website", "url", "web", "homepage"],
    &["tag", "label", "keyword"],
    &["knowledge", "knowledgeitem", "faq", "kb"],
    &["rating", "feedback", "satisfaction"],
    &["author", "sender", "writer", "creator"],
    &["internal", "note", "private", "invisible"],
    &["name", "dynamicname", "fullname", "displayname"],
    &["login", "external"],
];

/// Words that carry no meaning in a name (`created_at`, `res.partner`, `x_studio_`).
const NOISE: &[&str] =
    &["id", "ids", "at", "on", "of", "the", "by", "a", "to", "x", "studio", "res", "helpdesk", "dynamic", "field", "c"];

/// The words of a name or label: split at anything not a letter or digit and at camelCase
/// humps, lower-cased, plurals made singular, noise words dropped.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            push_word(&mut out, &mut current);
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            push_word(&mut out, &mut current);
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    push_word(&mut out, &mut current);
    out
}

fn push_word(out: &mut Vec<String>, current: &mut String) {
    let word = singular(&std::mem::take(current));
    if !word.is_empty() && !NOISE.contains(&word.as_str()) {
        out.push(word);
    }
}

fn singular(word: &str) -> String {
    if word.len() <= 3 || word.ends_with("ss") || word.ends_with("us") {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["ches", "shes", "xes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    word.strip_suffix('s').unwrap_or(word).to_owned()
}

/// The concept a word stands for: its synonym group's first word, or the word itself.
pub fn concept(word: &str) -> &str {
    SYNONYMS.iter().find(|group| group.contains(&word)).map_or(word, |group| group[0])
}

/// The concepts of a name: its words' concepts, plus the concept of the whole name written as
/// one word (`operatorgroups`, `knowledgeItems`), so compound names match their group too.
pub fn concepts(name: &str) -> BTreeSet<String> {
    let split = words(name);
    let mut out: BTreeSet<String> = split.iter().map(|w| concept(w).to_owned()).collect();
    let joined = singular(&split.concat());
    if split.len() > 1 && concept(&joined) != joined {
        out.insert(concept(&joined).to_owned());
    }
    out
}

/// How alike two sets of concepts are, from 0 to 1: the shared concepts over all of them
/// (Jaccard), with the shared concepts for the reason.
pub fn overlap(destination: &BTreeSet<String>, source: &BTreeSet<String>) -> (f64, Vec<String>) {
    if destination.is_empty() || source.is_empty() {
        return (0.0, Vec::new());
    }
    let shared: Vec<String> = destination.intersection(source).cloned().collect();
    let all = destination.union(source).count() as f64;
    (shared.len() as f64 / all, shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_meaningful_words() {
        assert_eq!(words("x_studio_contract_type"), ["contract", "type"]);
        assert_eq!(words("caller_dynamicName"), ["caller", "name"]);
        assert_eq!(words("DynamicField_AffectedProducts"), ["affected", "product"]);
        assert_eq!(words("branches"), ["branch"]);
        assert_eq!(words("status"), ["status"]);
    }

    #[test]
    fn helpdesk_synonyms_share_a_concept() {
        assert_eq!(concepts("res.partner"), concepts("persons"));
        assert_eq!(concepts("customer_user"), ["agent", "customer"].map(String::from).into());
        assert!(concepts("operatorgroups").contains("team"));
        assert!(concepts("knowledgeItems").contains("knowledge"));
        assert_eq!(concepts("ticket_state_id"), ["status", "ticket"].map(String::from).into());
        let (score, shared) = overlap(&concepts("created_at"), &concepts("opened_on"));
        assert_eq!((score, shared), (1.0, vec!["created".to_owned()]));
    }
}
