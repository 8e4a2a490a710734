//! Request estimates: how many Intercom requests a plan needs and how long they take.
//!
//! The counts follow the minimum-requests table of the Intercom digest: a conversation costs its
//! create, one update for title and attributes, one request per tag, one per assignment and one
//! to close; each part is one reply; a contact is one create; a contact note is one create plus
//! one contact update when it sets attributes; matched objects (admins, teams) cost one list
//! request in all.

use crate::plan::PlanObject;

/// Requests per record of a destination kind, given how many tags and assignments it maps.
pub fn requests_per_record(object: &PlanObject, average_tags: f64) -> f64 {
    let writes = |name: &str| object.outputs.iter().any(|o| o.field == name);
    match object.destination.as_str() {
        "conversation" => {
            let update = object.outputs.iter().any(|o| o.field == "title" || o.field.starts_with("custom_attributes."));
            let assignments = f64::from(u8::from(writes("admin_assignee")) + u8::from(writes("team_assignee")));
            let state = f64::from(u8::from(writes("state")));
            let tags = if writes("tags") { average_tags } else { 0.0 };
            1.0 + f64::from(u8::from(update)) + assignments + state + tags
        }
        "ticket" => 2.0 + if writes("tags") { average_tags } else { 0.0 },
        "contact" => 1.0 + if writes("tags") { average_tags } else { 0.0 },
        "note" => 1.0 + f64::from(u8::from(object.outputs.iter().any(|o| o.field.starts_with("custom_attributes.")))),
        // Looked up by external id first, so an instance that was there is matched, then upserted.
        "custom_object_instance" => 2.0,
        "admin" | "team" => 0.0,
        _ => 1.0,
    }
}

/// Wall time in seconds for `requests` at `per_minute`.
pub fn duration_seconds(requests: f64, per_minute: f64) -> f64 {
    if per_minute <= 0.0 { 0.0 } else { requests / per_minute * 60.0 }
}
