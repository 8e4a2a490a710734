//! The supporting-files API (digest section 8): persons (v1 bare arrays, v2 `{item, size,
//! next}` chosen by the Accept header), operators and operator groups with their memberships,
//! branches, locations and departments.
//!
//! Lists without a `query` leave archived operators, operator groups, branches and v1 persons
//! out (the digest says so for operators and branches; v1 persons follow them here). Persons
//! v2 keep archived persons unless the query speaks of `archived`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::config::Module;
use super::dataset::Row;
use super::dates::{DateStyle, restyle};
use super::emulator::TopdeskEmulator;
use super::fiql::Query;
use super::render;
use super::reply::{self, Family, Reply, Request};

const FAMILY: Family = Family::Classic;
const STYLE: DateStyle = DateStyle::Incident;

/// The media type of the persons v2 collection.
pub const PERSONS_V2: &str = "application/x.topdesk-collection-person-v2+json";

type Answer = Result<Reply, Reply>;

/// Whether `rest` (after `/tas/api/`) is a supporting-files path.
pub fn handles(rest: &[&str]) -> bool {
    matches!(
        rest.first(),
        Some(&("persons" | "operators" | "operatorgroups" | "branches" | "locations" | "departments"))
    )
}

/// `/tas/api/persons…`, `/operators…`, `/operatorgroups…`, `/branches…`, `/locations`,
/// `/departments`.
pub fn route(emulator: &TopdeskEmulator, request: &Request, rest: &[&str]) -> Answer {
    match rest {
        ["persons"] => persons(emulator, request),
        ["persons", "count"] => {
            let query = request.query(FAMILY)?;
            let records = rendered(emulator, Module::Persons, "persons", render::person_v2);
            let count = reply::filter(records, query.as_ref(), FAMILY)?.len();
            Ok(Reply::ok(json!({ "numberOfPersons": count })))
        }
        ["persons", id] | ["persons", "id", id] => {
            let row = emulator.find(Module::Persons, FAMILY, "persons", id)?;
            let v2 = request.accept.as_deref().is_some_and(|accept| accept.contains("person-v2"));
            Ok(one(if v2 { render::person_v2(&emulator.data, row) } else { render::person_v1(&emulator.data, row) }))
        }
        ["operators"] => bare_list(emulator, request, Module::Operators, "operators", render::operator),
        ["operators", "current"] => {
            let operators = &emulator.data.table("operators").rows;
            let login = &emulator.config().login;
            let current = operators.iter().find(|row| render::text(row, "loginName") == Some(login.as_str()));
            let current = current.or(operators.first()).ok_or_else(|| Reply::not_found(FAMILY))?;
            Ok(one(render::operator(&emulator.data, current)))
        }
        ["operators", "id", id] => {
            Ok(one(render::operator(&emulator.data, emulator.find(Module::Operators, FAMILY, "operators", id)?)))
        }
        ["operators", "id", id, "operatorgroups"] => {
            let operator = emulator.find(Module::Operators, FAMILY, "operators", id)?;
            let groups: Vec<Value> = operator
                .get("operatorGroups")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|group| render::group_ref(&emulator.data, Some(group)))
                .collect();
            Ok(members(groups))
        }
        ["operatorgroups"] => bare_list(emulator, request, Module::Operators, "operatorgroups", render::operator_group),
        ["operatorgroups", "id", id] => Ok(one(render::operator_group(
            &emulator.data,
            emulator.find(Module::Operators, FAMILY, "operatorgroups", id)?,
        ))),
        ["operatorgroups", "id", id, "operators"] => {
            emulator.find(Module::Operators, FAMILY, "operatorgroups", id)?;
            let operators: Vec<Value> = emulator
                .records(Module::Operators, "operators")
                .iter()
                .filter(|row| {
                    row.get("operatorGroups")
                        .and_then(Value::as_array)
                        .is_some_and(|groups| groups.iter().any(|group| group.as_str() == Some(id)))
                })
                .map(|row| json!({ "id": render::value(row, "id"), "name": render::value(row, "dynamicName") }))
                .collect();
            Ok(members(operators))
        }
        ["branches"] => unpaged(emulator, request, "branches", render::branch, "id,name"),
        ["branches", "id", id] => {
            Ok(one(render::branch(&emulator.data, emulator.find(Module::Branches, FAMILY, "branches", id)?)))
        }
        ["locations"] => unpaged(emulator, request, "locations", location, "id,name,roomNumber,branch"),
        ["departments"] => {
            let names =
                if emulator.hides(Module::Branches) { &[][..] } else { emulator.data.values("persons", "department") };
            let departments: Vec<Value> = names
                .iter()
                .map(|name| json!({ "id": render::list_id("departments", name), "name": name, "externalLinks": [] }))
                .collect();
            Ok(Reply::ok(Value::Array(departments)))
        }
        _ => Err(Reply::not_found(FAMILY)),
    }
}

fn one(mut record: Value) -> Reply {
    restyle(&mut record, STYLE);
    Reply::ok(record)
}

/// A membership list: `[{id, name}]`, 204 when empty.
fn members(list: Vec<Value>) -> Reply {
    if list.is_empty() { Reply::NoContent } else { Reply::ok(Value::Array(list)) }
}

fn rendered(
    emulator: &TopdeskEmulator,
    module: Module,
    table: &str,
    render: fn(&super::dataset::Dataset, &Row) -> Value,
) -> Vec<Value> {
    emulator.records(module, table).iter().map(|row| render(&emulator.data, row)).collect()
}

/// Without a query, active records only.
fn active_unless_queried(records: Vec<Value>, query: Option<&Query>) -> Vec<Value> {
    if query.is_some() {
        return records;
    }
    records.into_iter().filter(|record| record["archived"] != true && !archived_status(record)).collect()
}

fn archived_status(record: &Value) -> bool {
    record["status"].as_str().is_some_and(|status| status.ends_with("Archived"))
}

/// A style-A list on `start`/`page_size` (1 to 100, default 10).
fn bare_list(
    emulator: &TopdeskEmulator,
    request: &Request,
    module: Module,
    table: &str,
    render: fn(&super::dataset::Dataset, &Row) -> Value,
) -> Answer {
    let start = request.number(FAMILY, "start", 0, 0, u64::from(u32::MAX))?;
    let size = request.number(FAMILY, "page_size", 10, 1, 100)?;
    let query = request.query(FAMILY)?;
    let records = active_unless_queried(rendered(emulator, module, table, render), query.as_ref());
    let mut records = reply::filter(records, query.as_ref(), FAMILY)?;
    reply::sort(&mut records, request.param("sort"), FAMILY)?;
    reply::trim(&mut records, request.param("fields"));
    Ok(reply::bare_page(records, start, size, emulator.config().quirks.full_page_is_partial, STYLE))
}

/// `/persons`: v2 with its Accept header, v1 otherwise; another TOPdesk media type is a 406.
fn persons(emulator: &TopdeskEmulator, request: &Request) -> Answer {
    let accept = request.accept.as_deref().unwrap_or("");
    if accept.contains(PERSONS_V2) {
        return persons_v2(emulator, request);
    }
    if accept.contains("application/x.topdesk") {
        return Err(Reply::error(
            FAMILY,
            StatusCode::NOT_ACCEPTABLE,
            &format!("Media type '{accept}' is not supported"),
        ));
    }
    bare_list(emulator, request, Module::Persons, "persons", render::person_v1)
}

/// The fields persons v2 gives without `fields`.
const V2_DEFAULT_FIELDS: &str = "id,archived,firstName,surName,dynamicName,email,branch";

fn persons_v2(emulator: &TopdeskEmulator, request: &Request) -> Answer {
    let start = request.number(FAMILY, "pageStart", 0, 0, u64::from(u32::MAX))?;
    let size = request.number(FAMILY, "pageSize", 50, 1, 5000)?;
    let query = request.query(FAMILY)?;
    let records = rendered(emulator, Module::Persons, "persons", render::person_v2);
    let mut records = reply::filter(records, query.as_ref(), FAMILY)?;
    reply::sort(&mut records, Some(request.param("sort").unwrap_or("dynamicName:asc")), FAMILY)?;
    reply::trim(&mut records, Some(request.param("fields").unwrap_or(V2_DEFAULT_FIELDS)));
    let (page, more) = reply::slice(records, start, size, STYLE);
    let next =
        more.then(|| request.url_with(&[("pageStart", (start + size).to_string()), ("pageSize", size.to_string())]));
    let status = if more { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    let body = json!({ "item": page, "size": page.len(), "next": next });
    Ok(Reply::Json(status, body, vec![("content-type", PERSONS_V2.to_owned())]))
}

/// Branches and locations: no paging (locations take an optional `pageSize` cap), `$fields`
/// with a default set, active records only unless queried; 204 when nothing is left.
fn unpaged(
    emulator: &TopdeskEmulator,
    request: &Request,
    table: &str,
    render: fn(&super::dataset::Dataset, &Row) -> Value,
    default_fields: &str,
) -> Answer {
    let query = request.query(FAMILY)?;
    let records = active_unless_queried(rendered(emulator, Module::Branches, table, render), query.as_ref());
    let mut records = reply::filter(records, query.as_ref(), FAMILY)?;
    reply::trim(&mut records, Some(request.param("$fields").unwrap_or(default_fields)));
    if table == "locations"
        && let Some(cap) = request.param("pageSize")
    {
        let cap = cap.parse::<usize>().map_err(|_| Reply::bad_request(FAMILY, "pageSize must be a number"))?;
        records.truncate(cap);
    }
    if records.is_empty() {
        return Ok(Reply::NoContent);
    }
    records.iter_mut().for_each(|record| restyle(record, STYLE));
    Ok(Reply::ok(Value::Array(records)))
}

/// A location: `{id, name, roomNumber, branch, type}`.
fn location(data: &super::dataset::Dataset, row: &Row) -> Value {
    json!({
        "id": render::value(row, "id"),
        "name": render::value(row, "name"),
        "roomNumber": render::value(row, "roomNumber"),
        "branch": render::branch_short(data, render::text(row, "branch")),
        "type": render::named("locationTypes", render::text(row, "type")),
        "archived": render::archived(row),
        "creationDate": render::value(row, "creationDate"),
        "modificationDate": render::value(row, "modificationDate"),
    })
}
