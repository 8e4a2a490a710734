//! Re-nesting the generator's flat rows into TOPdesk's JSON shapes (digest sections 5 to 8):
//! `{id, name}` references for lookup values, `caller{id, dynamicName, email, branch, …}`,
//! `operator{id, status, name}`, sub-resource links, `optionalFields1{…}`.
//!
//! Lookup values (categories, impacts, processing statuses, departments, …) are names in the
//! flat data; their ids are UUIDs derived from the list and the name ([`list_id`]), so the
//! reference lists (`/incidents/categories`) and the ids inside incidents agree, on every run.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::dataset::{Dataset, Row};

/// The id TOPdesk would give the entry `name` of lookup list `list`: a UUID from a hash of both.
pub fn list_id(list: &str, name: &str) -> String {
    let digest = Sha256::digest(format!("topdesk {list}\u{0} {name}").as_bytes());
    let hex: String = digest.iter().take(16).map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{}-4{}-a{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}

/// `{id, name}` of lookup entry `name` (null when there is none).
pub fn named(list: &str, name: Option<&str>) -> Value {
    match name {
        Some(name) => json!({ "id": list_id(list, name), "name": name }),
        None => Value::Null,
    }
}

/// The text of `field` in `row`.
pub fn text<'a>(row: &'a Row, field: &str) -> Option<&'a str> {
    row.get(field).and_then(Value::as_str)
}

/// The value of `field` in `row` (null when absent).
pub fn value(row: &Row, field: &str) -> Value {
    row.get(field).cloned().unwrap_or(Value::Null)
}

/// Whether `row` is archived.
pub fn archived(row: &Row) -> bool {
    row.get("archived").and_then(Value::as_bool).unwrap_or(false)
}

/// `{id, name}` of the branch `id`, with the fields an incident's `callerBranch` carries.
pub fn branch_ref(data: &Dataset, id: Option<&str>) -> Value {
    let Some(id) = id else { return Value::Null };
    match data.get("branches", id) {
        Some(branch) => json!({
            "id": id, "name": value(branch, "name"),
            "clientReferenceNumber": value(branch, "clientReferenceNumber"),
            "timeZone": value(branch, "timeZone"), "extraA": null, "extraB": null,
        }),
        None => json!({ "id": id, "name": null }),
    }
}

/// `{id, name}` of a branch.
pub fn branch_short(data: &Dataset, id: Option<&str>) -> Value {
    let Some(id) = id else { return Value::Null };
    json!({ "id": id, "name": data.get("branches", id).map(|branch| value(branch, "name")).unwrap_or(Value::Null) })
}

/// `{id, status, name}` of the operator `id` (status `operatorArchived` for archived ones).
pub fn operator_ref(data: &Dataset, id: Option<&str>) -> Value {
    let Some(id) = id else { return Value::Null };
    let operator = data.get("operators", id);
    let status = if operator.is_some_and(archived) { "operatorArchived" } else { "operator" };
    json!({ "id": id, "status": status, "name": operator.map(|o| value(o, "dynamicName")).unwrap_or(Value::Null) })
}

/// `{id, name}` of an operator (trail entries, creators).
pub fn operator_short(data: &Dataset, id: Option<&str>) -> Value {
    let Some(id) = id else { return Value::Null };
    json!({ "id": id, "name": data.get("operators", id).map(|o| value(o, "dynamicName")).unwrap_or(Value::Null) })
}

/// `{id, name}` of an operator group.
pub fn group_ref(data: &Dataset, id: Option<&str>) -> Value {
    let Some(id) = id else { return Value::Null };
    json!({ "id": id, "name": data.get("operatorgroups", id).map(|g| value(g, "groupName")).unwrap_or(Value::Null) })
}

/// `{id, name}` of a person (a deleted person keeps the id, without a name).
pub fn person_short(data: &Dataset, id: Option<&str>) -> Value {
    let Some(id) = id else { return Value::Null };
    json!({ "id": id, "name": data.get("persons", id).map(|p| value(p, "dynamicName")).unwrap_or(Value::Null) })
}

/// The incidents' partial incidents, by main incident.
pub fn partials(data: &Dataset) -> HashMap<String, Vec<String>> {
    let mut partials: HashMap<String, Vec<String>> = HashMap::new();
    for incident in &data.table("incidents").rows {
        if let (Some(main), Some(id)) = (text(incident, "mainIncident"), text(incident, "id")) {
            partials.entry(main.to_owned()).or_default().push(id.to_owned());
        }
    }
    partials
}

/// An incident as `/tas/api/incidents` answers it (dates still canonical).
pub fn incident(data: &Dataset, row: &Row, partials: &HashMap<String, Vec<String>>) -> Value {
    let id = text(row, "id").unwrap_or_default();
    let caller_id = text(row, "caller");
    let person = caller_id.and_then(|caller| data.get("persons", caller));
    let caller_branch = text(row, "callerBranch");
    let caller = json!({
        "id": caller_id,
        "dynamicName": value(row, "caller_dynamicName"),
        "email": value(row, "caller_email"),
        "phoneNumber": person.map(|p| value(p, "phoneNumber")).unwrap_or(Value::Null),
        "mobileNumber": person.map(|p| value(p, "mobileNumber")).unwrap_or(Value::Null),
        "branch": branch_short(data, person.and_then(|p| text(p, "branch")).or(caller_branch)),
        "department": named("departments", person.and_then(|p| text(p, "department"))),
        "budgetHolder": null,
        "location": null,
    });
    let main = text(row, "mainIncident").map(|main| {
        json!({ "id": main, "number": data.get("incidents", main).map(|m| value(m, "number")).unwrap_or(Value::Null) })
    });
    let partial_links: Vec<Value> = partials
        .get(id)
        .map(|ids| ids.iter().map(|p| json!({ "link": format!("/tas/api/incidents/id/{p}") })).collect())
        .unwrap_or_default();
    let asset = text(row, "asset").map(|asset| {
        json!({ "id": asset, "name": data.get("assets", asset).map(|a| value(a, "name")).unwrap_or(Value::Null) })
    });
    let base = format!("/tas/api/incidents/id/{id}");
    let mut incident = json!({
        "id": id,
        "status": value(row, "status"),
        "number": value(row, "number"),
        "request": value(row, "request"),
        "requests": format!("{base}/requests"),
        "action": format!("{base}/actions"),
        "attachments": format!("{base}/attachments"),
        "caller": caller,
        "callerBranch": branch_ref(data, caller_branch),
        "callerLocation": null,
        "branch": branch_ref(data, caller_branch),
        "location": null,
        "briefDescription": value(row, "briefDescription"),
        "externalNumber": value(row, "externalNumber"),
        "category": named("categories", text(row, "category")),
        "subcategory": named("subcategories", text(row, "subcategory")),
        "callType": named("call_types", text(row, "callType")),
        "entryType": named("entry_types", text(row, "entryType")),
        "object": null,
        "asset": asset,
        "impact": named("impacts", text(row, "impact")),
        "urgency": named("urgencies", text(row, "urgency")),
        "priority": named("priorities", text(row, "priority")),
        "duration": null,
        "targetDate": value(row, "targetDate"),
        "sla": null,
        "onHold": value(row, "onHold"),
        "onHoldDate": value(row, "onHoldDate"),
        "onHoldDuration": 0,
    });
    let more = json!({
        "feedbackMessage": value(row, "feedbackMessage"),
        "feedbackRating": value(row, "feedbackRating"),
        "operator": operator_ref(data, text(row, "operator")),
        "operatorGroup": group_ref(data, text(row, "operatorGroup")),
        "supplier": null,
        "processingStatus": named("statuses", text(row, "processingStatus")),
        "completed": value(row, "completed"),
        "completedDate": value(row, "completedDate"),
        "closed": value(row, "closed"),
        "closedDate": value(row, "closedDate"),
        "closureCode": named("closure_codes", text(row, "closureCode")),
        "timeSpent": row.get("timeSpent").filter(|v| !v.is_null()).cloned().unwrap_or(json!(0)),
        "costs": 0.0,
        "escalationStatus": null,
        "escalationReason": null,
        "escalationOperator": null,
        "callDate": value(row, "callDate"),
        "creator": operator_short(data, text(row, "creator")),
        "creationDate": value(row, "creationDate"),
        "modifier": operator_short(data, text(row, "modifier")),
        "modificationDate": value(row, "modificationDate"),
        "majorCall": value(row, "majorCall"),
        "majorCallObject": null,
        "publishToSsd": false,
        "monitored": false,
        "expectedTimeSpent": 0,
        "mainIncident": main,
        "partialIncidents": partial_links,
        "externalLinks": [],
    });
    if let (Value::Object(incident), Value::Object(more)) = (&mut incident, more) {
        incident.extend(more);
    }
    for tab in ["optionalFields1", "optionalFields2"] {
        incident[tab] = optional_fields(row, tab);
    }
    incident
}

/// `optionalFields1`/`2`: five of each kind, filled from the flat `optionalFields1_text1`
/// columns, the others empty as TOPdesk shows them.
fn optional_fields(row: &Row, tab: &str) -> Value {
    let mut fields = Map::new();
    for n in 1..=5 {
        for (kind, empty) in [
            ("boolean", json!(false)),
            ("number", json!(0)),
            ("date", Value::Null),
            ("text", json!("")),
            ("memo", json!("")),
            ("searchlist", Value::Null),
        ] {
            let key = format!("{kind}{n}");
            let flat = row.get(&format!("{tab}_{key}")).filter(|v| !v.is_null()).cloned();
            let shown = match (kind, flat) {
                ("searchlist", Some(Value::String(name))) => named(&format!("{tab}_{key}"), Some(&name)),
                (_, Some(found)) => found,
                (_, None) => empty,
            };
            fields.insert(key, shown);
        }
    }
    Value::Object(fields)
}

/// What kind of progress-trail entry a row is (the incident API has no discriminator: the
/// filled fields tell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A memo the caller wrote (a request).
    Request,
    /// A memo an operator wrote (an action).
    Action,
    /// A file.
    Attachment,
    /// A sent e-mail.
    Email,
}

/// The kind of trail row `row`.
pub fn entry_kind(row: &Row) -> EntryKind {
    if text(row, "fileName").is_some() {
        EntryKind::Attachment
    } else if text(row, "title").is_some() {
        EntryKind::Email
    } else if text(row, "person").is_some() {
        EntryKind::Request
    } else {
        EntryKind::Action
    }
}

/// A progress-trail entry as `/progresstrail` shows it.
pub fn trail_entry(data: &Dataset, row: &Row) -> Value {
    let common = |extra: Value| {
        let mut entry = json!({
            "id": value(row, "id"),
            "entryDate": value(row, "entryDate"),
        });
        if let (Value::Object(entry), Value::Object(extra)) = (&mut entry, extra) {
            entry.extend(extra);
        }
        entry
    };
    match entry_kind(row) {
        EntryKind::Attachment => common(json!({
            "operator": operator_short(data, text(row, "operator")),
            "person": person_short(data, text(row, "person")),
            "fileName": value(row, "fileName"),
            "downloadUrl": value(row, "downloadUrl"),
            "size": value(row, "size"),
            "invisibleForCaller": value(row, "invisibleForCaller"),
        })),
        EntryKind::Email => common(json!({
            "user": operator_short(data, text(row, "operator")),
            "title": value(row, "title"),
            "sender": value(row, "sender"),
        })),
        EntryKind::Request | EntryKind::Action => memo(data, row, true),
    }
}

/// A memo as `/requests` and `/actions` show it (`invisibleForCaller` on actions only).
pub fn memo(data: &Dataset, row: &Row, with_visibility: bool) -> Value {
    let mut entry = json!({
        "id": value(row, "id"),
        "memoText": value(row, "memoText"),
        "plainText": value(row, "plainText"),
        "flag": value(row, "flag"),
        "entryDate": value(row, "entryDate"),
        "operator": operator_short(data, text(row, "operator")),
        "person": person_short(data, text(row, "person")),
        "creationDate": value(row, "creationDate"),
    });
    if with_visibility {
        entry["invisibleForCaller"] = value(row, "invisibleForCaller");
    }
    entry
}

/// An incident attachment as the attachment list shows it.
pub fn attachment(data: &Dataset, row: &Row) -> Value {
    json!({
        "id": value(row, "id"),
        "fileName": value(row, "fileName"),
        "downloadUrl": value(row, "downloadUrl"),
        "size": value(row, "size"),
        "description": value(row, "description"),
        "invisibleForCaller": value(row, "invisibleForCaller"),
        "entryDate": value(row, "entryDate"),
        "operator": operator_short(data, text(row, "operator")),
        "person": person_short(data, text(row, "person")),
    })
}

/// A person as the v1 list shows it (`status` `person`, or `personArchived`).
pub fn person_v1(data: &Dataset, row: &Row) -> Value {
    let mut person = person_fields(data, row);
    person["status"] = json!(if archived(row) { "personArchived" } else { "person" });
    person
}

/// A person as v2 shows it (`archived` instead of `status`).
pub fn person_v2(data: &Dataset, row: &Row) -> Value {
    let mut person = person_fields(data, row);
    person["archived"] = json!(archived(row));
    person["isCaller"] = json!(true);
    person["hasSspAccess"] = value(row, "hasSspAccess");
    person["manager"] = Value::Null;
    person["attention"] = Value::Null;
    person["branch"] = branch_short(data, text(row, "branch"));
    person
}

fn person_fields(data: &Dataset, row: &Row) -> Value {
    json!({
        "id": value(row, "id"),
        "surName": value(row, "surName"),
        "firstName": value(row, "firstName"),
        "dynamicName": value(row, "dynamicName"),
        "email": value(row, "email"),
        "phoneNumber": value(row, "phoneNumber"),
        "mobileNumber": value(row, "mobileNumber"),
        "jobTitle": value(row, "jobTitle"),
        "department": named("departments", text(row, "department")),
        "budgetHolder": null,
        "employeeNumber": value(row, "employeeNumber"),
        "networkLoginName": value(row, "networkLoginName"),
        "tasLoginName": value(row, "tasLoginName"),
        "language": named("languages", text(row, "language")),
        "branch": branch_ref(data, text(row, "branch")),
        "location": null,
        "creationDate": value(row, "creationDate"),
        "modificationDate": value(row, "modificationDate"),
        "personExtraFieldA": null,
        "personExtraFieldB": null,
    })
}

/// An operator as `/operators` shows it.
pub fn operator(data: &Dataset, row: &Row) -> Value {
    json!({
        "id": value(row, "id"),
        "status": if archived(row) { "operatorArchived" } else { "operator" },
        "surName": value(row, "surName"),
        "firstName": value(row, "firstName"),
        "dynamicName": value(row, "dynamicName"),
        "loginName": value(row, "loginName"),
        "email": value(row, "email"),
        "jobTitle": value(row, "jobTitle"),
        "branch": branch_short(data, text(row, "branch")),
        "archived": archived(row),
        "apiAccount": false,
        "firstLineCallOperator": value(row, "firstLineCallOperator"),
        "secondLineCallOperator": value(row, "secondLineCallOperator"),
        "problemManager": false,
        "changeCoordinator": value(row, "changeCoordinator"),
        "knowledgeBaseManager": value(row, "knowledgeBaseManager"),
        "creationDate": value(row, "creationDate"),
        "modificationDate": value(row, "modificationDate"),
    })
}

/// An operator group as `/operatorgroups` shows it.
pub fn operator_group(data: &Dataset, row: &Row) -> Value {
    json!({
        "id": value(row, "id"),
        "groupName": value(row, "groupName"),
        "status": if archived(row) { "operatorGroupArchived" } else { "operatorGroup" },
        "branch": branch_short(data, text(row, "branch")),
        "contact": { "email": value(row, "email") },
        "archived": archived(row),
        "creationDate": value(row, "creationDate"),
        "modificationDate": value(row, "modificationDate"),
    })
}

/// A branch with every field `$fields` may ask for.
pub fn branch(data: &Dataset, row: &Row) -> Value {
    json!({
        "id": value(row, "id"),
        "name": value(row, "name"),
        "clientReferenceNumber": value(row, "clientReferenceNumber"),
        "timeZone": value(row, "timeZone"),
        "phone": value(row, "phone"),
        "email": value(row, "email"),
        "branchType": value(row, "branchType"),
        "headBranch": branch_short(data, text(row, "headBranch")),
        "address": { "city": value(row, "city"), "country": named("countries", text(row, "country")) },
        "archived": archived(row),
        "creationDate": value(row, "creationDate"),
        "modificationDate": value(row, "modificationDate"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_ids_are_stable_uuids() {
        let id = list_id("categories", "Hardware");
        assert_eq!(id, list_id("categories", "Hardware"));
        assert_ne!(id, list_id("subcategories", "Hardware"));
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&id[14..15], "4");
    }
}
