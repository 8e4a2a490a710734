//! Operations management and reservations (digest sections 11 and 13).
//!
//! `operationalActivities`: `{item, next}` (200, `next` absolute while more), `pageStart`/
//! `pageSize` (default 100), `fields` (default `id,number`; `all` or `*` for everything),
//! `sort` (default `creationDate:desc`), FIQL `query`; single activities by id or number.
//! Another TOPdesk media type than the collection's is a 406.
//!
//! `reservations`: `{results}` ordered by `plannedStartDate` (then id), `$top` (default 1000,
//! up to 10000), `$fields`, FIQL `query`; 206 when truncated (ask again from the last
//! `plannedStartDate`); single reservations by id or number.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::config::Module;
use super::dataset::{Dataset, Row};
use super::dates::{DateStyle, restyle};
use super::emulator::TopdeskEmulator;
use super::render::{self, named, text, value};
use super::reply::{self, Family, Reply, Request};

const FAMILY: Family = Family::Modern;

/// The media type of the operational activity collection.
pub const ACTIVITIES_V1: &str = "application/x.topdesk-collection-om-activity-v1+json";

type Answer = Result<Reply, Reply>;

/// `/tas/api/operationalActivities…` and `/tas/api/reservations…`.
pub fn route(emulator: &TopdeskEmulator, request: &Request, rest: &[&str]) -> Answer {
    match rest {
        ["operationalActivities"] => activities(emulator, request),
        ["operationalActivities", key] => {
            let row = by_key(emulator, Module::Operations, "operationalActivities", key)?;
            let mut record = activity(&emulator.data, row);
            restyle(&mut record, DateStyle::Iso);
            Ok(Reply::ok(record))
        }
        ["reservations"] => reservations(emulator, request),
        ["reservations", key] => {
            let row = by_key(emulator, Module::Reservations, "reservations", key)?;
            let mut record = reservation(&emulator.data, row);
            restyle(&mut record, DateStyle::Iso);
            let modified = render::value(row, "modificationDate");
            let headers = modified.as_str().map(|date| vec![("last-modified", date.to_owned())]).unwrap_or_default();
            Ok(Reply::Json(StatusCode::OK, record, headers))
        }
        _ => Err(Reply::not_found(FAMILY)),
    }
}

fn by_key<'a>(emulator: &'a TopdeskEmulator, module: Module, table: &str, key: &str) -> Result<&'a Row, Reply> {
    if emulator.data.get(table, key).is_some() {
        emulator.find(module, FAMILY, table, key)
    } else {
        emulator.find_by(module, FAMILY, table, "number", key)
    }
}

fn activities(emulator: &TopdeskEmulator, request: &Request) -> Answer {
    let accept = request.accept.as_deref().unwrap_or("");
    if accept.contains("application/x.topdesk") && !accept.contains(ACTIVITIES_V1) {
        return Err(Reply::error(
            FAMILY,
            StatusCode::NOT_ACCEPTABLE,
            &format!("Media type '{accept}' is not supported"),
        ));
    }
    let start = request.number(FAMILY, "pageStart", 0, 0, u64::from(u32::MAX))?;
    let size = request.number(FAMILY, "pageSize", 100, 1, 10_000)?;
    let query = request.query(FAMILY)?;
    let records: Vec<Value> = emulator
        .records(Module::Operations, "operationalActivities")
        .iter()
        .map(|row| activity(&emulator.data, row))
        .collect();
    let mut records = reply::filter(records, query.as_ref(), FAMILY)?;
    reply::sort(&mut records, Some(request.param("sort").unwrap_or("creationDate:desc")), FAMILY)?;
    reply::trim(&mut records, Some(request.param("fields").unwrap_or("id,number")));
    let (page, more) = reply::slice(records, start, size, DateStyle::Iso);
    let next =
        more.then(|| request.url_with(&[("pageStart", (start + size).to_string()), ("pageSize", size.to_string())]));
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "item": page, "next": next }),
        vec![("content-type", ACTIVITIES_V1.to_owned())],
    ))
}

fn activity(data: &Dataset, row: &Row) -> Value {
    let id = text(row, "id").unwrap_or_default();
    json!({
        "id": id,
        "number": value(row, "number"),
        "briefDescription": value(row, "briefDescription"),
        "plannedStartDate": value(row, "plannedStartDate"),
        "plannedEndDate": value(row, "plannedEndDate"),
        "creationDate": value(row, "creationDate"),
        "modificationDate": value(row, "modificationDate"),
        "category": null,
        "subcategory": null,
        "type": named("operationalActivityTypes", text(row, "type")),
        "operator": render::operator_short(data, text(row, "operator")),
        "operatorGroup": render::group_ref(data, text(row, "operatorGroup")),
        "status": named("operationalActivityStatuses", text(row, "status")),
        "resolved": { "value": value(row, "resolved") },
        "skipped": { "value": value(row, "skipped") },
        "anomaly": { "value": false },
        "archived": value(row, "archived"),
        "supplier": null,
        "series": null,
        "requests": format!("/tas/api/operationalActivities/{id}/requests"),
        "actions": format!("/tas/api/operationalActivities/{id}/actions"),
    })
}

fn reservations(emulator: &TopdeskEmulator, request: &Request) -> Answer {
    let top = request.number(FAMILY, "$top", 1000, 1, 10_000)?;
    let query = request.query(FAMILY)?;
    let records: Vec<Value> = emulator
        .records(Module::Reservations, "reservations")
        .iter()
        .map(|row| reservation(&emulator.data, row))
        .collect();
    let mut records = reply::filter(records, query.as_ref(), FAMILY)?;
    reply::sort(&mut records, Some("plannedStartDate:asc,id:asc"), FAMILY)?;
    reply::trim(&mut records, request.param("$fields"));
    let (page, more) = reply::slice(records, 0, top, DateStyle::Iso);
    let status = if more { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    Ok(Reply::Json(status, json!({ "results": page }), Vec::new()))
}

fn reservation(data: &Dataset, row: &Row) -> Value {
    let requester = text(row, "requester").and_then(|person| data.get("persons", person));
    let location = text(row, "location").and_then(|location| data.get("locations", location));
    json!({
        "id": value(row, "id"),
        "number": value(row, "number"),
        "status": value(row, "status"),
        "briefDescription": value(row, "briefDescription"),
        "notes": null,
        "archived": value(row, "archived"),
        "requester": requester.map(|person| json!({
            "id": value(person, "id"), "name": value(person, "dynamicName"), "email": value(person, "email"),
            "telephone": value(person, "phoneNumber"), "branch": render::branch_short(data, text(person, "branch")),
        })),
        "reservedForOther": false,
        "operator": render::operator_short(data, text(row, "operator")),
        "operatorGroup": null,
        "participants": [],
        "numberOfPersons": value(row, "numberOfPersons"),
        "plannedStartDate": value(row, "plannedStartDate"),
        "plannedEndDate": value(row, "plannedEndDate"),
        "reservedFacilities": location.map(|location| vec![json!({
            "location": { "id": value(location, "id"), "name": value(location, "name"), "roomNumber": value(location, "roomNumber") },
            "object": null, "asset": null, "reservedServices": [],
        })]).unwrap_or_default(),
        "event": null,
        "processingStatus": value(row, "status"),
        "series": null,
        "modificationDate": value(row, "modificationDate"),
    })
}
