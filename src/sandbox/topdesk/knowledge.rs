//! The knowledge base API (digest section 12) under `/services/knowledge-base-v1`: items with
//! `start`/`page_size` (1 to 1000, default 100) in `{item, prev, next}` (206 while more),
//! ordered by number; per language (`language=`: only items with content in it, the content
//! from the item or its translation; without it each item in its own language); content fields
//! (`title`, `description`, `content`, `commentsForOperators`, `keywords`) only when `fields`
//! asks for them. Also single items by id or number, folders and statuses.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::config::Module;
use super::dataset::{Dataset, Row};
use super::dates::{DateStyle, restyle};
use super::emulator::TopdeskEmulator;
use super::render::{named, text, value};
use super::reply::{self, Family, Reply, Request};

const FAMILY: Family = Family::Modern;
const MODULE: Module = Module::Knowledge;
const CONTENT: [&str; 5] = ["title", "description", "content", "commentsForOperators", "keywords"];

type Answer = Result<Reply, Reply>;

/// `/services/knowledge-base-v1/…`.
pub fn route(emulator: &TopdeskEmulator, request: &Request, rest: &[&str]) -> Answer {
    match rest {
        ["knowledgeItems"] => items(emulator, request),
        ["knowledgeItems", key] => {
            let row = match emulator.data.get("knowledgeItems", key) {
                Some(_) => emulator.find(MODULE, FAMILY, "knowledgeItems", key)?,
                None => emulator.find_by(MODULE, FAMILY, "knowledgeItems", "number", key)?,
            };
            let language = request.param("language");
            let mut item = item(&emulator.data, row, language).ok_or_else(|| Reply::not_found(FAMILY))?;
            shape(&mut item, request.param("fields"));
            restyle(&mut item, DateStyle::Iso);
            Ok(Reply::ok(item))
        }
        ["knowledgeItemStatuses"] => {
            let statuses: Vec<Value> = emulator
                .data
                .values("knowledgeItems", "status")
                .iter()
                .map(|name| named("knowledgeItemStatuses", Some(name)))
                .collect();
            Ok(Reply::ok(json!({ "results": statuses })))
        }
        ["folders"] => {
            let folders: Vec<Value> = emulator
                .records(MODULE, "knowledgeFolders")
                .iter()
                .map(|row| {
                    let parent = text(row, "parent").and_then(|parent| emulator.data.get("knowledgeFolders", parent));
                    json!({
                        "id": value(row, "id"), "name": value(row, "name"),
                        "parent": parent.map(|p| json!({ "id": value(p, "id"), "name": value(p, "name") })),
                        "creationDate": value(row, "creationDate"), "modificationDate": value(row, "modificationDate"),
                    })
                })
                .collect();
            page(request, folders)
        }
        _ => Err(Reply::not_found(FAMILY)),
    }
}

fn items(emulator: &TopdeskEmulator, request: &Request) -> Answer {
    let language = request.param("language");
    let mut records: Vec<Value> = emulator
        .records(MODULE, "knowledgeItems")
        .iter()
        .filter_map(|row| item(&emulator.data, row, language))
        .collect();
    let query = request.query(FAMILY)?;
    records = reply::filter(records, query.as_ref(), FAMILY)?;
    records.sort_by(|a, b| reply::compare_values(&a["number"], &b["number"]));
    for record in &mut records {
        shape(record, request.param("fields"));
    }
    page(request, records)
}

/// `{item, prev, next}` from `start`/`page_size`.
fn page(request: &Request, records: Vec<Value>) -> Answer {
    let start = request.number(FAMILY, "start", 0, 0, u64::from(u32::MAX))?;
    let size = request.number(FAMILY, "page_size", 100, 1, 1000)?;
    let (page, more) = reply::slice(records, start, size, DateStyle::Iso);
    let link = |from: u64| request.url_with(&[("start", from.to_string()), ("page_size", size.to_string())]);
    let prev = (start > 0).then(|| link(start.saturating_sub(size)));
    let next = more.then(|| link(start + size));
    let status = if more { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    Ok(Reply::Json(status, json!({ "item": page, "prev": prev, "next": next }), Vec::new()))
}

/// The item in `language` (its own without one); `None` when it has no content in it.
fn item(data: &Dataset, row: &Row, language: Option<&str>) -> Option<Value> {
    let own = text(row, "language").unwrap_or("en");
    let id = text(row, "id").unwrap_or_default();
    let source: &Row = match language {
        None => row,
        Some(wanted) if wanted == own => row,
        Some(wanted) => data.table("knowledgeTranslations").rows.iter().find(|translation| {
            text(translation, "item") == Some(id) && text(translation, "language") == Some(wanted)
        })?,
    };
    let content: Map<String, Value> = CONTENT.iter().map(|field| ((*field).to_owned(), value(source, field))).collect();
    let folder = text(row, "parent");
    let folder_id = folder.and_then(|name| {
        data.table("knowledgeFolders").rows.iter().find(|f| text(f, "name") == Some(name)).and_then(|f| text(f, "id"))
    });
    Some(json!({
        "id": id,
        "number": value(row, "number"),
        "parent": folder.map(|name| json!({ "id": folder_id, "name": name })),
        "translation": { "language": language.unwrap_or(own), "content": content },
        "visibility": {
            "sspVisibility": value(row, "sspVisibility"),
            "sspVisibleFrom": value(row, "sspVisibleFrom"),
            "sspVisibleUntil": value(row, "sspVisibleUntil"),
            "sspVisibilityFilteredOnBranches": false,
            "operatorVisibilityFilteredOnBranches": false,
            "publicKnowledgeItem": false,
        },
        "status": named("knowledgeItemStatuses", text(row, "status")),
        "urls": { "operator": format!("/tas/secure/knowledgeitem?unid={id}"), "ssp": null, "public": null },
        "availableTranslations": value(row, "availableTranslations"),
        "news": value(row, "news"),
        "manager": null,
        "archived": text(row, "status") == Some("Archived"),
        "creationDate": value(row, "creationDate"),
        "modificationDate": value(row, "modificationDate"),
    }))
}

/// Content fields only when `fields` names them; other fields trimmed to `fields` when given.
fn shape(item: &mut Value, fields: Option<&str>) {
    let wanted: Vec<&str> = fields.map(|fields| fields.split(',').map(str::trim).collect()).unwrap_or_default();
    if let Some(Value::Object(content)) = item.pointer_mut("/translation/content") {
        content.retain(|key, _| wanted.contains(&key.as_str()));
    }
    let others: Vec<&str> = wanted.iter().copied().filter(|field| !CONTENT.contains(field)).collect();
    if let (false, Value::Object(members)) = (others.is_empty(), &mut *item) {
        members.retain(|key, _| matches!(key.as_str(), "id" | "translation") || others.contains(&key.as_str()));
    }
}
