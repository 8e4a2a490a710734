//! Guessing a destination field's value from a source object's fields.
//!
//! A guess's score is the likeness of the names and labels (concepts shared, see
//! `vocabulary`) times how well the types fit (1 for a direct fit, less when a conversion is
//! needed), raised when the bundled spec for the platform does the same. Enumerations are
//! mapped value by value (`propose::values`), references by the object the relation points at.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::schema::{FieldSchema, FieldType, ObjectSchema, SchemaLock};
use crate::propose::draft::Guess;
use crate::propose::values;
use crate::propose::vocabulary::{concepts, overlap, words};

/// Below this, a guess is not written: the field becomes a decision.
pub const THRESHOLD: f64 = 0.45;

/// Extra words a destination field is known by, beside its name and label.
fn hints(field: &str) -> &'static str {
    match field {
        "from" => "customer",
        "body" | "description" => "body",
        "created_at" | "signed_up_at" | "remote_created_at" | "external_created_at" => "created",
        "admin_assignee" | "owner" => "agent",
        "team_assignee" => "team",
        "author" => "author",
        "kind" => "internal",
        "state" => "status",
        "external_id" => "login",
        "snoozed_until" => "pending until",
        _ => "",
    }
}

/// What the proposer knows while guessing the fields of one object mapping.
pub struct Context<'a> {
    /// The source lock.
    pub source: &'a SchemaLock,
    /// The source object's name and schema.
    pub object: (&'a str, &'a ObjectSchema),
    /// Source object → (mapping name, destination kind), for references.
    pub mapped: &'a BTreeMap<String, (String, String)>,
}

/// The source fields an expression reads (first segments of its paths).
pub fn reads(expr: &str, object: &ObjectSchema) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    let mut in_string = false;
    let mut token = String::new();
    for c in expr.chars().chain([' ']) {
        if c == '"' {
            in_string = !in_string;
            token.clear();
            continue;
        }
        if in_string {
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '.' {
            token.push(c);
        } else {
            let first = token.split('.').next().unwrap_or_default();
            if object.fields.contains_key(first) {
                out.insert(first.to_owned());
            }
            token.clear();
        }
    }
    out.into_iter().collect()
}

/// Name likeness of a destination field and a source field, with the shared concepts.
fn likeness(
    owner: &str,
    destination: &str,
    label: Option<&str>,
    source: &str,
    source_label: Option<&str>,
) -> (f64, Vec<String>) {
    if destination.eq_ignore_ascii_case(source) {
        return (1.0, vec!["the same name".to_owned()]);
    }
    // A field known by other words (`from` is the customer) is compared by those.
    let wanted = if hints(destination).is_empty() { concepts(destination) } else { concepts(hints(destination)) };
    // A ticket's `ticket_description` is its description: the owner's own name says nothing.
    let own = concepts(owner);
    let mut theirs = concepts(source);
    if theirs.len() > 1 {
        theirs.retain(|c| !own.contains(c));
    }
    let by_name = overlap(&wanted, &theirs);
    let by_label = match (label, source_label) {
        (Some(label), Some(source_label)) => overlap(&concepts(label), &concepts(source_label)),
        _ => (0.0, Vec::new()),
    };
    let (score, shared) = if by_label.0 > by_name.0 { by_label } else { by_name };
    // Synonyms are a little less sure than the very same name.
    let best = (score * 0.95, shared);
    let spelled = strsim::normalized_levenshtein(&destination.to_lowercase(), &source.to_lowercase()) * 0.8;
    if spelled > best.0 { (spelled, vec![format!("spelled alike ({spelled:.2})")]) } else { best }
}

/// Every guess for one destination field, best first.
pub fn guesses(context: &Context, destination: &str, field: &FieldSchema) -> Vec<Guess> {
    let (owner, object) = context.object;
    let mut out = Vec::new();
    for (name, source) in &object.fields {
        let (mut like, mut shared) =
            likeness(owner, destination, field.label.as_deref(), name, source.label.as_deref());
        let Some((expr, fit, how)) = shape(context, name, source, field) else {
            continue;
        };
        // A relation to exactly what a reference needs says something even without a like name.
        if field.field_type == FieldType::Ref && like < 0.5 {
            (like, shared) = (0.5, vec!["points to what the field takes".to_owned()]);
        }
        // The type fit only shades the score: a conversion is cheap, a wrong name is not.
        let score = like * (0.8 + 0.2 * fit);
        if score <= 0.0 {
            continue;
        }
        let mut reasons = Vec::new();
        if !shared.is_empty()
            && !shared[0].starts_with("spelled")
            && shared[0] != "the same name"
            && !shared[0].starts_with("points")
        {
            reasons.push(format!("{} ~ {destination} ({})", name, shared.join(", ")));
        } else if let Some(first) = shared.first() {
            reasons.push(format!("{name} {first}"));
        }
        reasons.push(how);
        let mut guess = Guess { expr, score, reasons, reads: vec![name.clone()], flag: None };
        required(&mut guess, owner, name, source, destination, field);
        out.push(guess);
    }
    if field.field_type == FieldType::Enum
        && let Some(guess) = values::state_guess(context, destination, field)
    {
        out.push(guess);
    }
    out.extend(either_author(context, destination, field));
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.expr.cmp(&b.expr)));
    out
}

/// An author that is a teammate or a contact: the agent relation when set, else the customer's
/// (TOPdesk's progress trail has an operator or a person), records with neither flagged.
fn either_author(context: &Context, destination: &str, field: &FieldSchema) -> Option<Guess> {
    let targets: Vec<&str> = field.targets().collect();
    if field.field_type != FieldType::Ref || !targets.contains(&"admin") || !targets.contains(&"contact") {
        return None;
    }
    let (owner, object) = context.object;
    let to = |kind: &str| {
        object.fields.iter().find_map(|(name, f)| {
            let (mapping, mapped_kind) = context.mapped.get(f.target.as_deref()?)?;
            (f.field_type == FieldType::Relation && !f.many && mapped_kind == kind).then_some((name, mapping))
        })
    };
    let ((agent, admin), (customer, contact)) = (to("admin")?, to("contact")?);
    let expr = format!("if {agent} != null then ref({admin}, {agent}) else ref({contact}, {customer})");
    let reasons = vec![
        format!("`{agent}` is a teammate, `{customer}` a customer: whichever is set writes it"),
        format!("records with neither are flagged"),
    ];
    let flag = (
        format!("{agent} == null and {customer} == null"),
        format!("{owner} record with neither {agent} nor {customer}: nobody to write the {destination}"),
    );
    Some(Guess { expr, score: 0.7, reasons, reads: vec![agent.clone(), customer.clone()], flag: Some(flag) })
}

/// The expression that puts a source field into a destination field, how well the types fit
/// (0 to 1) and the reason; `None` when they cannot.
fn shape(context: &Context, name: &str, source: &FieldSchema, field: &FieldSchema) -> Option<(String, f64, String)> {
    use FieldType::*;
    let (from, to) = (source.field_type, field.field_type);
    let target_has_name = || {
        source.target.as_deref().and_then(|t| context.source.object(t)).is_some_and(|t| t.fields.contains_key("name"))
    };
    if source.many != field.many {
        if field.many && from == Relation && to == Text && target_has_name() {
            return Some((format!("{name}.name"), 1.0, "names of the related records".to_owned()));
        }
        return None;
    }
    let same = |what: &str| Some((name.to_owned(), 1.0, format!("{what} → {what}")));
    match (from, to) {
        (Relation, Ref) => {
            let target = source.target.as_deref()?;
            let (mapping, kind) = context.mapped.get(target)?;
            field
                .targets()
                .any(|t| t == kind)
                .then(|| (format!("ref({mapping}, {name})"), 1.0, format!("{target} becomes {kind} (`{mapping}`)")))
        }
        (Relation, Text) if target_has_name() => {
            Some((format!("{name}.name"), 0.8, "the related record's name".to_owned()))
        }
        (Text | Enum, Text) => same("text"),
        (Html, Text) => Some((format!("html_to_text({name})"), 0.9, "html → text".to_owned())),
        (Html, Html) => Some((format!("sanitize_html({name})"), 1.0, "html → html, sanitized".to_owned())),
        (Text, Html) => Some((format!("text_to_html({name})"), 0.9, "text → html".to_owned())),
        (Int | Float, Text) => Some((format!("to_text({name})"), 0.5, "number → text".to_owned())),
        (Datetime, Datetime) => same("datetime"),
        (Date, Date) => same("date"),
        (Date, Datetime) => Some((name.to_owned(), 0.7, "date → datetime".to_owned())),
        (Int, Int) => same("int"),
        (Int | Float, Float) => same("number"),
        (Bool, Bool) => same("bool"),
        _ => None,
    }
}

/// A required destination field read from a field that may be null gets a fallback (text) or a
/// flag rule (anything else) so the draft checks; both are part of the guess the reviewer sees.
fn required(guess: &mut Guess, owner: &str, name: &str, source: &FieldSchema, destination: &str, field: &FieldSchema) {
    if !field.required || source.required {
        return;
    }
    match field.field_type {
        FieldType::Text => {
            guess.expr = format!("nonempty({}) ?? \"(no {})\"", guess.expr, words(name).join(" "));
            guess.reasons.push("required: a fallback when empty".to_owned());
        }
        FieldType::Html => {
            guess.expr = format!("nonempty({}) ?? \"<p>(empty)</p>\"", guess.expr);
            guess.reasons.push("required: a fallback when empty".to_owned());
        }
        _ => {
            guess.flag = Some((
                format!("{name} == null"),
                format!("{owner} record without {name}: nothing for the required {destination}"),
            ));
            guess.reasons.push(format!("required: records without {name} are flagged"));
        }
    }
}

/// Guesses for a custom source field: its own custom attribute, or an existing workspace
/// attribute with a like name.
pub fn custom_attribute(
    name: &str,
    source: &FieldSchema,
    allowed: &[FieldType],
    existing: &BTreeMap<String, FieldSchema>,
) -> Option<(String, Guess)> {
    if source.many {
        return None;
    }
    let (expr, as_type) = match source.field_type {
        FieldType::Html => (format!("html_to_text({name})"), FieldType::Text),
        FieldType::Enum if !allowed.contains(&FieldType::Enum) => (name.to_owned(), FieldType::Text),
        // Conversations keep dates as date-times.
        FieldType::Date if !allowed.contains(&FieldType::Date) => (name.to_owned(), FieldType::Datetime),
        other => (name.to_owned(), other),
    };
    if !allowed.contains(&as_type) {
        return None;
    }
    let label = source.label.as_deref().unwrap_or(name);
    let existing_match = existing
        .iter()
        .filter(|(_, attribute)| attribute.field_type == as_type)
        .filter_map(|(attribute, schema)| {
            let short = attribute.trim_start_matches("custom_attributes.");
            let (like, _) = likeness("", short, schema.label.as_deref(), name, source.label.as_deref());
            (like >= 0.8).then(|| (attribute.clone(), like))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let (destination, score, reason) = match existing_match {
        Some((attribute, like)) => (attribute, 0.9 * like, "an existing workspace attribute of that name".to_owned()),
        None => (
            format!("custom_attributes.{}", attribute_name(name, source)),
            0.8,
            format!("custom field “{label}” → its own attribute, created by run"),
        ),
    };
    let reasons = vec![reason, format!("{} → {}", source.field_type.as_str(), as_type.as_str())];
    Some((destination, Guess { expr, score, reasons, reads: vec![name.to_owned()], flag: None }))
}

/// A new attribute's name: the field's own for Studio and dynamic fields, else from its label
/// (TOPdesk's `optionalFields1_text1` says nothing; its label does).
fn attribute_name(name: &str, source: &FieldSchema) -> String {
    if name.starts_with("x_") || name.starts_with("DynamicField_") {
        return name.to_owned();
    }
    let snake = |label: &str| {
        let lower: String = label.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
        lower.split('_').filter(|w| !w.is_empty()).collect::<Vec<_>>().join("_")
    };
    match source.label.as_deref().map(snake).filter(|l| !l.is_empty()) {
        Some(label) => label,
        None => name.to_owned(),
    }
}

/// Whether a source field is the customer's own (Studio, dynamic field, `custom:`).
pub fn is_custom(name: &str, field: &FieldSchema) -> bool {
    field.custom || name.starts_with("x_") || name.starts_with("DynamicField_")
}
