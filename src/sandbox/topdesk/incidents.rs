//! The incident API (digest sections 5 to 7): the list with `pageStart`/`pageSize`, `all`,
//! `fields`, `sort`, `dateFormat` and FIQL `query`; single incidents by id and by number; the
//! reference lists; and per incident the progress trail, requests, actions and attachments.
//!
//! Trail-like lists come newest first, as the digest's example does.

use axum::http::StatusCode;
use base64::Engine;
use serde_json::{Value, json};

use super::config::Module;
use super::dataset::Row;
use super::dates::{DateStyle, restyle};
use super::emulator::TopdeskEmulator;
use super::render::{self, EntryKind};
use super::reply::{self, Family, Reply, Request};

const FAMILY: Family = Family::Classic;
const MODULE: Module = Module::Incidents;

type Answer = Result<Reply, Reply>;

/// `/tas/api/incidents/…`.
pub fn route(emulator: &TopdeskEmulator, request: &Request, rest: &[&str]) -> Answer {
    match rest {
        [] => list(emulator, request),
        ["id", id] => single(emulator, request, emulator.find(MODULE, FAMILY, "incidents", id)?),
        ["number", number] => single(emulator, request, by_number(emulator, number)?),
        [key @ ("id" | "number"), incident, sub @ ..] => {
            let row = if *key == "id" {
                emulator.find(MODULE, FAMILY, "incidents", incident)?
            } else {
                by_number(emulator, incident)?
            };
            let id = render::text(row, "id").unwrap_or_default();
            match sub {
                ["progresstrail"] => trail(emulator, request, id),
                ["progresstrail", "count"] => {
                    Ok(Reply::ok(json!({ "count": trail_rows(emulator, id, in_trail(emulator)).len() })))
                }
                ["requests"] => memos(emulator, request, id, EntryKind::Request),
                ["actions"] => memos(emulator, request, id, EntryKind::Action),
                ["requests", entry] | ["actions", entry] => memo(emulator, request, id, sub[0], entry),
                ["attachments"] if *key == "id" => attachments(emulator, request, id),
                ["attachments", attachment, "download"] if *key == "id" => download(emulator, id, attachment),
                _ => Err(Reply::not_found(FAMILY)),
            }
        }
        [list] => reference_list(emulator, list),
        _ => Err(Reply::not_found(FAMILY)),
    }
}

fn by_number<'a>(emulator: &'a TopdeskEmulator, number: &str) -> Result<&'a Row, Reply> {
    emulator.find_by(MODULE, FAMILY, "incidents", "number", number)
}

fn style(request: &Request) -> DateStyle {
    if request.param("dateFormat") == Some("iso8601") { DateStyle::Iso } else { DateStyle::Incident }
}

/// `GET /incidents`: without `all=true` only first- and second-line incidents.
fn list(emulator: &TopdeskEmulator, request: &Request) -> Answer {
    let start = request.number(FAMILY, "pageStart", 0, 0, u64::from(u32::MAX))?;
    let size = request.number(FAMILY, "pageSize", 10, 1, 10_000)?;
    let query = request.query(FAMILY)?;
    let all = request.param("all") == Some("true");
    let records: Vec<Value> = emulator
        .records(MODULE, "incidents")
        .iter()
        .filter(|row| all || matches!(render::text(row, "status"), Some("firstLine" | "secondLine")))
        .map(|row| render::incident(&emulator.data, row, &emulator.partials))
        .collect();
    let mut records = reply::filter(records, query.as_ref(), FAMILY)?;
    reply::sort(&mut records, request.param("sort"), FAMILY)?;
    reply::trim(&mut records, request.param("fields"));
    let page = reply::bare_page(records, start, size, emulator.config().quirks.full_page_is_partial, style(request));
    Ok(match page {
        Reply::Json(StatusCode::PARTIAL_CONTENT, body, mut headers) => {
            headers.push(("x-next-page-url", request.url_with(&[("pageStart", (start + size).to_string())])));
            Reply::Json(StatusCode::PARTIAL_CONTENT, body, headers)
        }
        other => other,
    })
}

fn single(emulator: &TopdeskEmulator, request: &Request, row: &Row) -> Answer {
    let mut incident = render::incident(&emulator.data, row, &emulator.partials);
    reply::trim(std::slice::from_mut(&mut incident), request.param("fields"));
    restyle(&mut incident, style(request));
    Ok(Reply::ok(incident))
}

fn in_trail(emulator: &TopdeskEmulator) -> impl Fn(EntryKind) -> bool {
    let requests = emulator.config().quirks.trail_includes_requests;
    move |kind| requests || kind != EntryKind::Request
}

/// The trail rows of incident `id` whose kind passes `keep`, newest first.
fn trail_rows<'a>(emulator: &'a TopdeskEmulator, id: &str, keep: impl Fn(EntryKind) -> bool) -> Vec<&'a Row> {
    let rows = &emulator.data.table("progresstrail").rows;
    let indexes = emulator.trail.get(id).map_or(&[][..], Vec::as_slice);
    indexes.iter().rev().map(|&index| &rows[index]).filter(|row| keep(render::entry_kind(row))).collect()
}

fn trail(emulator: &TopdeskEmulator, request: &Request, id: &str) -> Answer {
    let start = request.number(FAMILY, "start", 0, 0, u64::from(u32::MAX))?;
    let size = request.number(FAMILY, "page_size", 10, 1, 100)?;
    let records: Vec<Value> = trail_rows(emulator, id, in_trail(emulator))
        .into_iter()
        .map(|row| render::trail_entry(&emulator.data, row))
        .collect();
    Ok(reply::bare_page(records, start, size, emulator.config().quirks.full_page_is_partial, style(request)))
}

/// `/requests` (page_size up to 10) and `/actions` (up to 100); 0 or no page_size: 10.
fn memos(emulator: &TopdeskEmulator, request: &Request, id: &str, kind: EntryKind) -> Answer {
    let max = if kind == EntryKind::Request { 10 } else { 100 };
    let start = request.number(FAMILY, "start", 0, 0, u64::from(u32::MAX))?;
    let size = match request.number(FAMILY, "page_size", 10, 0, max)? {
        0 => 10,
        size => size,
    };
    let records: Vec<Value> = trail_rows(emulator, id, |found| found == kind)
        .into_iter()
        .map(|row| render::memo(&emulator.data, row, kind == EntryKind::Action))
        .collect();
    Ok(reply::bare_page(records, start, size, emulator.config().quirks.full_page_is_partial, style(request)))
}

fn memo(emulator: &TopdeskEmulator, request: &Request, id: &str, which: &str, entry: &str) -> Answer {
    let kind = if which == "requests" { EntryKind::Request } else { EntryKind::Action };
    let row = trail_rows(emulator, id, |found| found == kind)
        .into_iter()
        .find(|row| render::text(row, "id") == Some(entry))
        .ok_or_else(|| Reply::not_found(FAMILY))?;
    let mut memo = render::memo(&emulator.data, row, kind == EntryKind::Action);
    restyle(&mut memo, style(request));
    Ok(Reply::ok(memo))
}

fn attachment_rows<'a>(emulator: &'a TopdeskEmulator, id: &str) -> Vec<&'a Row> {
    let table = emulator.data.table("attachments");
    let mut rows: Vec<&Row> = trail_rows(emulator, id, |kind| kind == EntryKind::Attachment)
        .into_iter()
        .filter_map(|entry| render::text(entry, "id").and_then(|entry| table.get(entry)))
        .collect();
    rows.dedup_by(|a, b| render::text(a, "id") == render::text(b, "id"));
    rows
}

fn attachments(emulator: &TopdeskEmulator, request: &Request, id: &str) -> Answer {
    let max = emulator.config().quirks.attachments_max_page;
    let start = request.number(FAMILY, "start", 0, 0, u64::from(u32::MAX))?;
    let size = request.number(FAMILY, "page_size", 10.min(max), 1, max)?;
    let records: Vec<Value> =
        attachment_rows(emulator, id).into_iter().map(|row| render::attachment(&emulator.data, row)).collect();
    Ok(reply::bare_page(records, start, size, emulator.config().quirks.full_page_is_partial, style(request)))
}

fn download(emulator: &TopdeskEmulator, id: &str, attachment: &str) -> Answer {
    let row = emulator
        .data
        .get("attachments", attachment)
        .filter(|row| render::text(row, "incident") == Some(id))
        .ok_or_else(|| Reply::not_found(FAMILY))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(render::text(row, "content").unwrap_or_default())
        .map_err(|_| Reply::error(FAMILY, StatusCode::INTERNAL_SERVER_ERROR, "The stored file cannot be read"))?;
    Ok(Reply::File {
        content_type: render::text(row, "contentType").unwrap_or("application/octet-stream").to_owned(),
        file_name: render::text(row, "fileName").unwrap_or("attachment").to_owned(),
        bytes,
    })
}

/// The lookup lists: `[{id, name}]` from the lock's enumerations (every value, used or not),
/// subcategories with their parent category, processing statuses with their flags.
fn reference_list(emulator: &TopdeskEmulator, list: &str) -> Answer {
    let field = match list {
        "call_types" => "callType",
        "categories" => "category",
        "subcategories" => "subcategory",
        "entry_types" => "entryType",
        "impacts" => "impact",
        "urgencies" => "urgency",
        "priorities" => "priority",
        "statuses" => "processingStatus",
        "closure_codes" => "closureCode",
        _ => return Err(Reply::not_found(FAMILY)),
    };
    let incidents = &emulator.data.table("incidents").rows;
    let first_with = |name: &str| incidents.iter().find(|row| render::text(row, field) == Some(name));
    let entries: Vec<Value> = emulator
        .data
        .values("incidents", field)
        .iter()
        .map(|name| {
            let mut entry = render::named(list, Some(name));
            match list {
                "subcategories" => {
                    let parent = first_with(name).and_then(|row| render::text(row, "category"));
                    entry["category"] = render::named("categories", parent);
                }
                "statuses" => {
                    let example = first_with(name);
                    let flag = |field: &str| example.and_then(|row| row.get(field)).and_then(Value::as_bool);
                    entry["onHold"] = json!(flag("onHold").unwrap_or(false));
                    entry["processingState"] = json!(match (flag("closed"), flag("completed")) {
                        (Some(true), _) => "closed",
                        (_, Some(true)) => "completed",
                        _ => "open",
                    });
                    entry["response"] = json!(false);
                    entry["default"] = json!(name == "Registered");
                }
                _ => {}
            }
            entry
        })
        .collect();
    Ok(Reply::ok(Value::Array(entries)))
}
