//! The change API (digest section 9): `operatorChanges` lists (`{results}`, `pageStart`/
//! `pageSize`, 206 while more when [`super::Quirks::changes_partial_status`]), details by id or
//! number (with `lastModificationDate`, not the list's `modificationDate`), a change's progress
//! trail (its request as the first memo), and `operatorChangeActivities` filtered by `change`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::config::Module;
use super::dataset::{Dataset, Row};
use super::dates::{DateStyle, restyle};
use super::emulator::TopdeskEmulator;
use super::render::{self, named, text, value};
use super::reply::{self, Family, Reply, Request};

const FAMILY: Family = Family::Modern;
const MODULE: Module = Module::Changes;
const STYLE: DateStyle = DateStyle::Change;

type Answer = Result<Reply, Reply>;

/// `/tas/api/operatorChanges…` and `/tas/api/operatorChangeActivities…`.
pub fn route(emulator: &TopdeskEmulator, request: &Request, rest: &[&str]) -> Answer {
    match rest {
        ["operatorChanges"] => {
            let rows = emulator.records(MODULE, "changes");
            let records = rows.iter().map(|row| list_row(&emulator.data, row)).collect();
            results(emulator, request, records)
        }
        ["operatorChanges", key] => Ok(one(detail(&emulator.data, change(emulator, key)?))),
        ["operatorChanges", key, "progresstrail" | "requests"] => {
            let row = change(emulator, key)?;
            let entry = json!({
                "id": render::list_id("change request", text(row, "id").unwrap_or_default()),
                "entryDate": value(row, "creationDate"),
                "operator": null,
                "person": render::person_short(&emulator.data, text(row, "requester")),
                "type": "memo",
                "invisibleForCaller": false,
                "flag": 0,
                "memoText": value(row, "request"),
            });
            Ok(one(json!({ "results": [entry] })))
        }
        ["operatorChangeActivities"] => {
            let wanted = request.params("change");
            let changes = &emulator.data.table("changes");
            let keep = |row: &&Row| {
                wanted.is_empty()
                    || text(row, "change").is_some_and(|change| {
                        let number = changes.get(change).and_then(|c| text(c, "number"));
                        wanted.iter().any(|key| *key == change || Some(*key) == number)
                    })
            };
            let rows = emulator.records(MODULE, "changeActivities");
            let records = rows.iter().filter(keep).map(|row| activity(&emulator.data, row)).collect();
            results(emulator, request, records)
        }
        ["operatorChangeActivities", id] => {
            Ok(one(activity(&emulator.data, emulator.find(MODULE, FAMILY, "changeActivities", id)?)))
        }
        _ => Err(Reply::not_found(FAMILY)),
    }
}

fn change<'a>(emulator: &'a TopdeskEmulator, key: &str) -> Result<&'a Row, Reply> {
    if emulator.data.get("changes", key).is_some() {
        emulator.find(MODULE, FAMILY, "changes", key)
    } else {
        emulator.find_by(MODULE, FAMILY, "changes", "number", key)
    }
}

fn one(mut record: Value) -> Reply {
    restyle(&mut record, STYLE);
    Reply::ok(record)
}

/// `{results}` from `pageStart`/`pageSize` (default 1000), after `query` and `fields`.
fn results(emulator: &TopdeskEmulator, request: &Request, records: Vec<Value>) -> Answer {
    let start = request.number(FAMILY, "pageStart", 0, 0, u64::from(u32::MAX))?;
    let size = request.number(FAMILY, "pageSize", 1000, 1, 10_000)?;
    let query = request.query(FAMILY)?;
    let mut records = reply::filter(records, query.as_ref(), FAMILY)?;
    reply::sort(&mut records, request.param("sort"), FAMILY)?;
    reply::trim(&mut records, request.param("fields"));
    let (page, more) = reply::slice(records, start, size, STYLE);
    let partial = more && emulator.config().quirks.changes_partial_status;
    let status = if partial { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    Ok(Reply::Json(status, json!({ "results": page }), Vec::new()))
}

fn is_simple(row: &Row) -> bool {
    text(row, "changeType") == Some("simple")
}

fn simple(data: &Dataset, row: &Row) -> Value {
    if !is_simple(row) {
        return Value::Null;
    }
    json!({
        "plannedImplementationDate": value(row, "plannedImplementationDate"),
        "implementationDate": value(row, "implementationDate"),
        "closedDate": value(row, "closedDate"),
        "assignee": render::operator_short(data, text(row, "assignee")),
    })
}

fn status_name(row: &Row) -> &'static str {
    match text(row, "processingStatus").unwrap_or_default() {
        "rfc" => "Request for change",
        "rejected" => "Rejected",
        status if status.ends_with("closed") || status.ends_with("cancelled") => "Closed",
        status if status.ends_with("done") => "Implemented",
        _ => "In progress",
    }
}

/// A change as the list shows it (a reduced field set).
fn list_row(data: &Dataset, row: &Row) -> Value {
    json!({
        "id": value(row, "id"),
        "number": value(row, "number"),
        "briefDescription": value(row, "briefDescription"),
        "changeType": value(row, "changeType"),
        "processingStatus": value(row, "processingStatus"),
        "archived": false,
        "creationDate": value(row, "creationDate"),
        "modificationDate": value(row, "modificationDate"),
        "status": named("changeStatuses", Some(status_name(row))),
        "simple": simple(data, row),
    })
}

/// A change in detail.
fn detail(data: &Dataset, row: &Row) -> Value {
    let id = text(row, "id").unwrap_or_default();
    let requester = text(row, "requester").map(|person| {
        let branch = data.get("persons", person).and_then(|p| text(p, "branch"));
        let mut requester = render::person_short(data, Some(person));
        requester["branch"] = render::branch_short(data, branch);
        requester["location"] = Value::Null;
        requester
    });
    let extensive = (!is_simple(row)).then(|| {
        let coordinator = render::operator_short(data, text(row, "assignee"));
        json!({ "coordinator": coordinator, "phases": {
            "rfc": { "plannedEndDate": value(row, "creationDate"), "endDate": value(row, "creationDate"), "authorizer": null },
            "progress": { "plannedEndDate": value(row, "plannedImplementationDate"), "endDate": value(row, "implementationDate"), "authorizer": null },
            "evaluation": null, "prfc": null,
        }})
    });
    let mut change = json!({
        "id": id,
        "number": value(row, "number"),
        "briefDescription": value(row, "briefDescription"),
        "request": value(row, "request"),
        "changeType": value(row, "changeType"),
        "requester": requester,
        "archived": false,
        "creationDate": value(row, "creationDate"),
        "lastModificationDate": value(row, "modificationDate"),
        "emergencyChange": false,
        "processingStatus": value(row, "processingStatus"),
        "coordinator": null,
        "phases": null,
        "simple": simple(data, row),
        "impact": named("impacts", text(row, "impact")),
        "benefit": null,
        "priority": null,
        "category": named("changeCategories", text(row, "category")),
        "subcategory": null,
        "status": named("changeStatuses", Some(status_name(row))),
        "object": null,
        "requests": format!("/tas/api/operatorChanges/{id}/requests"),
        "progressTrail": format!("/tas/api/operatorChanges/{id}/progresstrail"),
    });
    if let (Some(Value::Object(extensive)), Some(members)) = (extensive, change.as_object_mut()) {
        members.extend(extensive);
    }
    change
}

/// A change activity.
fn activity(data: &Dataset, row: &Row) -> Value {
    let change = text(row, "change");
    let number = change.and_then(|change| data.get("changes", change)).map(|c| value(c, "number"));
    let id = text(row, "id").unwrap_or_default();
    let assignee = text(row, "assignee").and_then(|operator| data.get("operators", operator));
    let group = assignee
        .and_then(|operator| operator.get("operatorGroups"))
        .and_then(Value::as_array)
        .and_then(|groups| groups.first())
        .and_then(Value::as_str);
    let status = text(row, "processingStatus").unwrap_or_default();
    let at = |states: &[&str], field: &str| if states.contains(&status) { value(row, field) } else { Value::Null };
    json!({
        "id": id,
        "number": value(row, "number"),
        "briefDescription": value(row, "briefDescription"),
        "change": { "id": change, "number": number },
        "plannedChangePhase": value(row, "plannedChangePhase"),
        "activityType": value(row, "activityType"),
        "processingStatus": status,
        "status": named("activityStatuses", Some(status)),
        "assignee": assignee.map(|operator| json!({
            "id": value(operator, "id"), "name": value(operator, "dynamicName"),
            "groupId": group, "groupName": render::group_ref(data, group)["name"], "type": "operator",
        })),
        "plannedStartDate": value(row, "plannedStartDate"),
        "startDate": at(&["in_progress", "finished"], "plannedStartDate"),
        "resolvedDate": at(&["finished"], "finalDate"),
        "skippedDate": at(&["skipped"], "finalDate"),
        "approvedDate": at(&["authorized"], "finalDate"),
        "rejectedDate": at(&["rejected"], "finalDate"),
        "plannedFinalDate": value(row, "plannedFinalDate"),
        "finalDate": value(row, "finalDate"),
        "creationDate": value(row, "creationDate"),
        "lastModificationDate": value(row, "modificationDate"),
        "progressTrail": format!("/tas/api/operatorChangeActivities/{id}/progresstrail"),
        "requests": format!("/tas/api/operatorChangeActivities/{id}/requests"),
    })
}
