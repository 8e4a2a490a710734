//! `cutover propose`: a draft spec guessed from two schema locks, for a person to confirm.
//!
//! Consultants should not start a customer's spec from a blank page, and no record should move
//! on a guess. So the proposer writes every guess under `proposed:` with its score and reasons
//! as a comment, and every source field it found no good home for under `decide:`; the checker
//! reports each remaining entry (`cutover::check::unconfirmed_proposal`) and `run` refuses to
//! start until a person has moved it to `fields:` (or fixed or deleted it).
//!
//! The proposer is deterministic and explainable: object kinds come from the concepts of names
//! (`objects`), field guesses from name and label likeness, type fit and enumeration values
//! (`fields`, `values`), and the bundled spec for the platform is one more reason (`bundled`).
//! The draft is then checked, and a guess that does not check is replaced by the next one
//! (`repair`), so the draft validates apart from the confirm gate.
//!
//! With a base spec (`--extends`) only what the base does not read is proposed: custom fields and
//! enumeration values it does not mention. With `--update`, only what a changed lock adds, and
//! what vanished is listed.

pub mod bundled;
pub mod draft;
pub mod fields;
pub mod objects;
pub mod repair;
pub mod values;
pub mod vocabulary;

use std::collections::{BTreeMap, BTreeSet};

use crate::check::schema::{ObjectSchema, SchemaLock};
use crate::propose::draft::{Draft, DraftObject, FieldGuesses, Guess};
use crate::propose::fields::{Context, THRESHOLD};
use crate::spec::Spec;

pub use draft::Rendered;
pub use repair::repair;

/// What a draft is proposed from.
pub struct Inputs<'a> {
    /// The source's lock.
    pub source: &'a SchemaLock,
    /// Its path as the draft names it.
    pub source_path: String,
    /// The destination: the built-in Intercom model merged with the workspace's lock.
    pub sink: &'a SchemaLock,
    /// The workspace lock's path as the draft names it.
    pub sink_path: String,
    /// A base spec to overlay (`--extends`, `--update`).
    pub base: Option<Base<'a>>,
}

/// A base spec: only what it does not cover is proposed.
pub struct Base<'a> {
    /// Its path as the draft names it.
    pub path: String,
    /// The spec, loaded.
    pub spec: &'a Spec,
    /// `--update`: the lock the base was written against; only what the new lock adds is
    /// proposed, and what it lacks is listed.
    pub previous: Option<&'a SchemaLock>,
}

/// Propose a draft. Call [`repair`] on it before writing it.
pub fn propose(inputs: &Inputs) -> Draft {
    let bundled = bundled::for_system(&inputs.source.system);
    let (chosen, left) = objects::choose(inputs.source, inputs.sink, bundled.as_ref());
    let mut mapped: BTreeMap<String, (String, String)> = BTreeMap::new();
    for c in &chosen {
        mapped.entry(c.source.clone()).or_insert((c.name.clone(), c.kind.clone()));
    }
    let mut draft = Draft {
        header: vec![
            format!("Draft proposed by `cutover propose` from {} and {}.", inputs.source_path, inputs.sink_path),
            "Each guess under `proposed:` has its score (0–1) and reasons; move the right ones to `fields:`,"
                .to_owned(),
            "fix or delete the others. Each `decide:` entry is a source field to map, drop or list in `inventory:`."
                .to_owned(),
            "`cutover validate` lists what is left; `cutover run` refuses to start until nothing is.".to_owned(),
        ],
        ..Draft::default()
    };
    if let Some(bundled) = &bundled {
        draft.tables = bundled
            .spec
            .tables
            .iter()
            .map(|(name, rows)| {
                let rows = rows.iter().map(|(key, value)| (key.value.clone(), table_value(&value.value))).collect();
                (name.value.clone(), rows)
            })
            .collect();
    }
    if !left.is_empty() {
        draft.header.push(format!(
            "Source objects not mapped (read them through relations, or list them in `inventory:`): {}",
            left.join(", ")
        ));
    }
    match &inputs.base {
        Some(base) => overlay(&mut draft, inputs, base, &chosen, &mapped),
        None => {
            draft.endpoints = endpoints(inputs);
            for c in &chosen {
                let object = &inputs.source.objects[&c.source];
                draft.objects.push(object_draft(inputs, c, object, &mapped, &BTreeSet::new()));
            }
        }
    }
    draft
}

fn table_value(value: &crate::spec::model::Scalar) -> String {
    use crate::spec::model::Scalar;
    match value {
        Scalar::Null => "null".to_owned(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => f.to_string(),
        Scalar::Text(t) => format!("'{}'", t.replace('\'', "''")),
    }
}

fn endpoints(inputs: &Inputs) -> Vec<String> {
    let settings: &[(&str, &str)] = match inputs.source.system.as_str() {
        "odoo" => &[("url", "ODOO_URL"), ("database", "ODOO_DB"), ("login", "ODOO_LOGIN"), ("api_key", "ODOO_API_KEY")],
        "otrs" => &[("url", "OTRS_DATABASE_URL")],
        "topdesk" => &[("url", "TOPDESK_URL"), ("login", "TOPDESK_LOGIN"), ("password", "TOPDESK_PASSWORD")],
        _ => &[],
    };
    let driver = if settings.is_empty() { "file" } else { inputs.source.system.as_str() };
    let mut lines = vec![String::new(), "source:".to_owned(), format!("  driver: {driver}")];
    if settings.is_empty() {
        lines.push("  path: export".to_owned());
    }
    lines.extend(settings.iter().map(|(key, var)| format!("  {key}: \"${{{var}}}\"")));
    lines.push(format!("  schema: {}", draft::scalar(&inputs.source_path)));
    lines.extend([
        String::new(),
        "sink:".to_owned(),
        "  driver: intercom".to_owned(),
        "  token: \"${INTERCOM_TOKEN}\"".to_owned(),
        "  version: \"2.16\"".to_owned(),
        format!("  schema: {}", draft::scalar(&inputs.sink_path)),
    ]);
    lines
}

/// One object's mapping: rules, field guesses (bundled first), custom attributes. Fields in
/// `covered` are left alone (a base spec reads them).
fn object_draft(
    inputs: &Inputs,
    chosen: &objects::Chosen,
    object: &ObjectSchema,
    mapped: &BTreeMap<String, (String, String)>,
    covered: &BTreeSet<String>,
) -> DraftObject {
    let mut rules = Vec::new();
    if let Some((name, spec)) = &chosen.bundled {
        rules.extend(objects::bundled_rules(name, spec));
    }
    rules.extend(objects::generic_rules(chosen, object, mapped));
    let mut draft = DraftObject {
        name: chosen.name.clone(),
        from: chosen.source.clone(),
        to: chosen.kind.clone(),
        kind_score: chosen.score,
        kind_reasons: chosen.reasons.clone(),
        rules,
        fields: Vec::new(),
        decide: Vec::new(),
        overlay: false,
    };
    let Some(kind) = inputs.sink.object(&chosen.kind) else { return draft };
    if !kind.creatable {
        return draft;
    }
    let context = Context { source: inputs.source, object: (&chosen.source, object), mapped };
    let mut by_destination: BTreeMap<String, Vec<Guess>> = BTreeMap::new();
    if let Some((name, spec)) = &chosen.bundled {
        for (destination, text) in spec.fields.iter() {
            let reads = fields::reads(&text.text, object);
            let guess = Guess {
                expr: text.text.trim().to_owned(),
                score: 0.97,
                reasons: vec![format!("as in the bundled {name}")],
                reads,
                flag: None,
            };
            by_destination.entry(destination.value.clone()).or_default().push(guess);
        }
    }
    for (destination, field) in &kind.fields {
        if destination.starts_with("custom_attributes.") && !field.custom || destination == "attachments" {
            continue;
        }
        // A note's contact is its parent's; the runner writes the link.
        if (chosen.kind.as_str(), destination.as_str()) == ("note", "contact")
            && draft.rules.iter().any(|r| r.key == "parent")
        {
            continue;
        }
        let short = destination.trim_start_matches("custom_attributes.");
        let mut ranked: Vec<Guess> = fields::guesses(&context, short, field);
        ranked.extend(constant(&chosen.kind, destination));
        ranked.extend(own_id(destination, object));
        ranked.retain(|g| g.score >= THRESHOLD);
        by_destination.entry(destination.clone()).or_default().extend(ranked);
    }
    if let Some(allowed) = &kind.custom_attributes {
        let existing: BTreeMap<String, _> = kind
            .fields
            .iter()
            .filter(|(n, _)| n.starts_with("custom_attributes."))
            .map(|(n, f)| (n.clone(), f.clone()))
            .collect();
        // A custom field the bundled mapping already reads, or leaves out on purpose (`except:`),
        // gets no attribute of its own.
        let mut bundled_reads = BTreeSet::new();
        if let Some((_, spec)) = &chosen.bundled {
            bundled_reads.extend(spec.fields.iter().flat_map(|(_, text)| fields::reads(&text.text, object)));
            bundled_reads.extend(spec.each.iter().flat_map(|rule| rule.except.iter().map(|e| e.value.clone())));
        }
        for (name, field) in
            object.fields.iter().filter(|(n, f)| fields::is_custom(n, f) && !bundled_reads.contains(*n))
        {
            if let Some((destination, guess)) = fields::custom_attribute(name, field, allowed, &existing) {
                by_destination.entry(destination).or_default().push(guess);
            }
        }
    }
    if chosen.kind == "contact"
        && let Some(email) = objects::email_field(object)
    {
        let guess = Guess {
            expr: format!("normalize_email({email})"),
            score: 1.0,
            reasons: vec![format!("`{email}` is the e-mail address, normalised as the key is")],
            reads: vec![email.to_owned()],
            flag: None,
        };
        by_destination.entry("email".to_owned()).or_default().insert(0, guess);
    }
    for (destination, mut ranked) in by_destination {
        if ranked.iter().all(|g| g.reads.iter().any(|r| covered.contains(r))) {
            continue;
        }
        ranked.retain(|g| !g.reads.iter().any(|r| covered.contains(r)));
        let mut seen = BTreeSet::new();
        ranked.retain(|g| seen.insert(g.expr.clone()));
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
        draft.fields.push(FieldGuesses { destination, ranked });
    }
    let order = |d: &str| kind.fields.keys().position(|k| k == d).unwrap_or(usize::MAX);
    draft.fields.sort_by_key(|f| (f.destination.starts_with("custom_attributes."), order(&f.destination)));
    draft
}

/// Constants a kind usually takes: migrated customers are users (leads are not deduplicated),
/// articles arrive as drafts for the customer to review.
fn constant(kind: &str, destination: &str) -> Option<Guess> {
    let (expr, reason) = match (kind, destination) {
        ("contact", "role") => ("\"user\"", "migrated customers are users: leads are not deduplicated"),
        ("article", "state") => ("\"draft\"", "articles arrive as drafts for review"),
        _ => return None,
    };
    Some(Guess { expr: expr.to_owned(), score: 0.9, reasons: vec![reason.to_owned()], reads: Vec::new(), flag: None })
}

/// An upsert key may be the source's own id.
fn own_id(destination: &str, object: &ObjectSchema) -> Option<Guess> {
    if !matches!(destination, "company_id" | "external_id") {
        return None;
    }
    let id = object.field("id")?;
    let expr =
        if id.field_type == crate::check::schema::FieldType::Text { "id".to_owned() } else { "to_text(id)".to_owned() };
    Some(Guess {
        expr,
        score: 0.55,
        reasons: vec!["the source's own id: stable and unique".to_owned()],
        reads: vec!["id".to_owned()],
        flag: None,
    })
}

/// Source fields of each mapped object that no written guess or rule reads become decisions.
pub fn fill_decisions(draft: &mut Draft, source: &SchemaLock) {
    for object in &mut draft.objects {
        let Some(schema) = source.object(&object.from) else { continue };
        let mut read: BTreeSet<String> = BTreeSet::new();
        for guesses in &object.fields {
            if let Some(first) = guesses.ranked.first() {
                read.extend(first.reads.iter().cloned());
                read.extend(fields::reads(&first.expr, schema));
            }
        }
        let mut seen_keys = BTreeSet::new();
        for rule in object.rules.iter().filter(|r| seen_keys.insert(r.key)) {
            read.extend(rule_texts(rule).iter().flat_map(|t| fields::reads(t, schema)));
        }
        if object.overlay {
            object.decide.retain(|(field, _)| !read.contains(field));
            continue;
        }
        if object.fields.is_empty() && object.rules.iter().any(|r| r.key == "match") {
            // Matched only (admins, teams): nothing of theirs is written.
            continue;
        }
        object.decide = schema
            .fields
            .iter()
            .filter(|(name, _)| !read.contains(*name))
            .map(|(name, field)| (name.clone(), decision_note(field)))
            .collect();
    }
}

fn rule_texts(rule: &draft::Rule) -> Vec<String> {
    match &rule.value {
        draft::RuleValue::Text(text) => vec![text.split(" via ").last().unwrap_or(text).to_owned()],
        draft::RuleValue::List(_) => Vec::new(),
        draft::RuleValue::Flags(flags) => flags.iter().map(|(when, _)| when.clone()).collect(),
        draft::RuleValue::Block(entries) => entries.iter().map(|(_, v)| v.clone()).collect(),
    }
}

fn decision_note(field: &crate::check::schema::FieldSchema) -> String {
    let mut note = field.field_type.as_str().to_owned();
    if field.many {
        note.push_str(" list");
    }
    if let Some(target) = &field.target {
        note.push_str(&format!(" → {target}"));
    }
    if let Some(label) = &field.label {
        note.push_str(&format!(" “{label}”"));
    }
    if !field.values.is_empty() {
        note.push_str(&format!(", {} values", field.values.len()));
    }
    format!("{note}; no destination scored {THRESHOLD:.2}: map, drop or inventory")
}

/// `--extends` / `--update`: an overlay of the base naming only what it does not cover.
fn overlay(
    draft: &mut Draft,
    inputs: &Inputs,
    base: &Base,
    chosen: &[objects::Chosen],
    mapped: &BTreeMap<String, (String, String)>,
) {
    draft.extends = Some(base.path.clone());
    // The overlay is checked against the lock it was proposed from, not the base's.
    draft.endpoints =
        vec![String::new(), "source:".to_owned(), format!("  schema: {}", draft::scalar(&inputs.source_path))];
    let mut base_mapped = mapped.clone();
    for (name, object) in base.spec.objects.iter() {
        base_mapped.insert(object.from.value.clone(), (name.value.clone(), object.to.value.clone()));
    }
    for (name, object) in base.spec.objects.iter() {
        let Some(schema) = inputs.source.object(&object.from.value) else {
            draft.header.push(format!(
                "Vanished: `{}` (read by objects.{}) is not in the new lock.",
                object.from.value, name.value
            ));
            continue;
        };
        let covered = covered_fields(object, schema, base.previous.and_then(|p| p.object(&object.from.value)));
        // `--extends`: the customer's own fields the base leaves alone; `--update`: whatever is new.
        let eligible: BTreeSet<String> = schema
            .fields
            .iter()
            .filter(|(name, field)| {
                !covered.contains(*name) && (base.previous.is_some() || fields::is_custom(name, field))
            })
            .map(|(name, _)| name.clone())
            .collect();
        let covered: BTreeSet<String> = schema.fields.keys().filter(|f| !eligible.contains(*f)).cloned().collect();
        let chosen = objects::Chosen {
            source: object.from.value.clone(),
            name: name.value.clone(),
            kind: object.to.value.clone(),
            score: 1.0,
            reasons: vec!["the base spec's mapping".to_owned()],
            bundled: None,
        };
        let mut proposal = object_draft(inputs, &chosen, schema, &base_mapped, &covered);
        proposal.overlay = true;
        proposal.rules.clear();
        for guesses in &mut proposal.fields {
            guesses.ranked.retain(|g| !g.reads.is_empty());
        }
        proposal.fields.retain(|f| !f.ranked.is_empty() && !object.fields.contains_key(&f.destination));
        proposal.decide = eligible.iter().map(|field| (field.clone(), decision_note(&schema.fields[field]))).collect();
        let tables: Vec<&str> = base.spec.tables.iter().flat_map(|(_, t)| t.keys().map(|k| k.value.as_str())).collect();
        proposal.decide.extend(new_values(
            object,
            schema,
            base.previous.and_then(|p| p.object(&object.from.value)),
            &tables,
        ));
        if let Some(previous) = base.previous.and_then(|p| p.object(&object.from.value)) {
            for field in previous.fields.keys().filter(|f| !schema.fields.contains_key(*f)) {
                draft.header.push(format!("Vanished: `{}.{field}` is not in the new lock.", object.from.value));
            }
        }
        if !proposal.fields.is_empty() || !proposal.decide.is_empty() {
            draft.objects.push(proposal);
        }
    }
    let _ = chosen;
}

/// The fields a base mapping covers: every field its expressions read or its `each:` globs
/// match (left out by `except:` or not); for `--update`, also every field the previous lock had.
fn covered_fields(
    object: &crate::spec::model::ObjectSpec,
    schema: &ObjectSchema,
    previous: Option<&ObjectSchema>,
) -> BTreeSet<String> {
    let mut texts: Vec<&str> = object.fields.iter().map(|(_, t)| t.text.as_str()).collect();
    texts.extend(
        object.filter.iter().chain(&object.key).chain(&object.match_key).chain(&object.order).map(|t| t.text.as_str()),
    );
    texts.extend(object.flag.iter().map(|f| f.when.text.as_str()));
    let mut covered: BTreeSet<String> = texts.iter().flat_map(|t| fields::reads(t, schema)).collect();
    for rule in &object.each {
        // A field the rule leaves out (`except:`) is a decision the base already made.
        covered
            .extend(schema.fields.keys().filter(|name| crate::check::object::glob(&rule.fields.value, name)).cloned());
    }
    if let Some(previous) = previous {
        covered.extend(schema.fields.keys().filter(|f| previous.fields.contains_key(*f)).cloned());
    }
    if let Some(parent) = &object.parent {
        covered.extend(parent.value.split(" via ").nth(1).map(|f| f.trim().to_owned()));
    }
    covered
}

/// Enumeration values a base mapping does not name (`--extends`) or the previous lock did not
/// have (`--update`), for fields the mapping reads: a decision each (new stages, new options).
fn new_values(
    object: &crate::spec::model::ObjectSpec,
    schema: &ObjectSchema,
    previous: Option<&ObjectSchema>,
    tables: &[&str],
) -> Vec<(String, String)> {
    let texts: String = object.fields.iter().map(|(_, t)| t.text.as_str()).collect::<Vec<_>>().join("\n");
    let read = fields::reads(&texts, schema);
    let mut out = Vec::new();
    for name in read {
        let field = &schema.fields[&name];
        let fresh: Vec<&str> = field
            .values
            .iter()
            .map(|v| v.value.as_str())
            .filter(|v| match previous.and_then(|p| p.field(&name)) {
                Some(old) => !old.values.iter().any(|o| o.value == *v),
                None => {
                    field.field_type == crate::check::schema::FieldType::Enum
                        && !texts.contains(&format!("\"{v}\""))
                        && !tables.contains(v)
                }
            })
            .collect();
        if !fresh.is_empty() {
            out.push((
                name.clone(),
                format!(
                    "new values the base does not handle: {}; extend its mapping, then delete this entry",
                    fresh.join(", ")
                ),
            ));
        }
    }
    out
}
