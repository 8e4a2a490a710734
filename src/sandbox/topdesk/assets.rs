//! Asset management (digest section 10): the grid `/assetmgmt/assets` (`{columns, dataSet,
//! count}`, `pageStart`/`pageSize` up to 1000, 206 when more), OData-style `$filter` (`field
//! op 'value'` clauses joined by `and`, operators `eq ne gt ge lt le`, dates in any precision),
//! `$orderby` on one field (then by name), seek paging with `lastSeenName` and
//! `lastSeenOrderbyValue`, `templateName`/`archived` filters, `fields`; single assets, templates
//! and parent/child links (`/assetLinks?sourceId=`).

use std::cmp::Ordering;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::config::Module;
use super::dataset::{Dataset, Row};
use super::dates::{self, DateStyle, restyle};
use super::emulator::TopdeskEmulator;
use super::render::{self, text, value};
use super::reply::{self, Family, Reply, Request};

const FAMILY: Family = Family::Modern;
const MODULE: Module = Module::Assets;

type Answer = Result<Reply, Reply>;

/// `/tas/api/assetmgmt/…`.
pub fn route(emulator: &TopdeskEmulator, request: &Request, rest: &[&str]) -> Answer {
    match rest {
        ["assets"] => grid(emulator, request),
        ["assets", id] => {
            let row = emulator.find(MODULE, FAMILY, "assets", id)?;
            let mut data = fields(&emulator.data, row);
            data.insert("@status".to_owned(), json!(if render::archived(row) { "ARCHIVED" } else { "OPERATIONAL" }));
            data.insert("@etag".to_owned(), value(row, "modificationDate"));
            let mut asset =
                json!({ "data": data, "fields": [], "functionalities": [], "metadata": {}, "settings": {} });
            restyle(&mut asset, DateStyle::Etag);
            Ok(Reply::ok(asset))
        }
        ["templates"] => {
            let templates: Vec<Value> = emulator
                .data
                .values("assets", "templateName")
                .iter()
                .map(|name| json!({ "id": render::list_id("templates", name), "text": name, "archived": false, "icon": "default" }))
                .collect();
            Ok(Reply::ok(json!({ "dataSet": templates })))
        }
        ["assetLinks"] => {
            let source = request.param("sourceId").ok_or_else(|| Reply::bad_request(FAMILY, "sourceId is required"))?;
            emulator.find(MODULE, FAMILY, "assets", source)?;
            let mut links = Vec::new();
            for link in &emulator.data.table("assetLinks").rows {
                let (parent, child) = (text(link, "parent"), text(link, "child"));
                let (other, kind) = match (parent == Some(source), child == Some(source)) {
                    (true, _) => (child, "child"),
                    (_, true) => (parent, "parent"),
                    _ => continue,
                };
                let Some(asset) = other.and_then(|other| emulator.data.get("assets", other)) else { continue };
                links.push(json!({
                    "linkId": value(link, "id"), "linkType": kind, "assetId": value(asset, "id"),
                    "name": value(asset, "name"), "type": value(asset, "templateName"),
                    "capabilityId": null, "capabilityName": null, "status": value(asset, "status"),
                    "archived": false, "archivedAsset": render::archived(asset),
                }));
            }
            Ok(Reply::ok(Value::Array(links)))
        }
        _ => Err(Reply::not_found(FAMILY)),
    }
}

/// Every field of an asset, as the grid and the detail name them.
fn fields(data: &Dataset, row: &Row) -> Map<String, Value> {
    let person = text(row, "assignedPerson");
    let mut fields = Map::new();
    fields.insert("id".to_owned(), value(row, "id"));
    fields.insert("name".to_owned(), value(row, "name"));
    fields.insert("text".to_owned(), value(row, "name"));
    fields.insert("archived".to_owned(), json!(render::archived(row)));
    fields.insert("templateId".to_owned(), json!(text(row, "templateName").map(|t| render::list_id("templates", t))));
    fields.insert("templateName".to_owned(), value(row, "templateName"));
    fields.insert("status".to_owned(), value(row, "status"));
    fields.insert("serialNumber".to_owned(), value(row, "serialNumber"));
    fields.insert("purchaseDate".to_owned(), value(row, "purchaseDate"));
    fields.insert("warrantyExpiry".to_owned(), value(row, "warrantyExpiry"));
    fields.insert("assignedPerson".to_owned(), render::person_short(data, person));
    fields.insert("branch".to_owned(), render::branch_short(data, text(row, "branch")));
    fields.insert("creationDate".to_owned(), value(row, "creationDate"));
    fields.insert("modificationDate".to_owned(), value(row, "modificationDate"));
    fields
}

const DEFAULT_FIELDS: &str = "name";

fn grid(emulator: &TopdeskEmulator, request: &Request) -> Answer {
    let start = request.number(FAMILY, "pageStart", 0, 0, u64::from(u32::MAX))?;
    let size = request.number(FAMILY, "pageSize", 50, 1, 1000)?;
    let archived = match request.param("archived") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(Reply::bad_request(FAMILY, &format!("archived must be true or false, not '{other}'")));
        }
    };
    let template = request.param("templateName");
    let mut records: Vec<Value> = emulator
        .records(MODULE, "assets")
        .iter()
        .filter(|row| archived.is_none_or(|wanted| render::archived(row) == wanted))
        .filter(|row| template.is_none_or(|wanted| text(row, "templateName") == Some(wanted)))
        .map(|row| Value::Object(fields(&emulator.data, row)))
        .collect();
    if let Some(filter) = request.param("$filter") {
        let clauses = parse_filter(filter)?;
        records.retain(|record| clauses.iter().all(|clause| clause.holds(record)));
    }
    let orderby = request.param("$orderby").unwrap_or("name asc");
    let (field, descending) = match orderby.trim().split_once(' ') {
        Some((field, "desc")) => (field, true),
        Some((field, "asc")) => (field, false),
        None => (orderby.trim(), false),
        Some(_) => return Err(Reply::bad_request(FAMILY, &format!("Invalid $orderby '{orderby}'"))),
    };
    if !matches!(field, "name" | "@@summary" | "modificationDate" | "creationDate" | "serialNumber" | "templateName") {
        return Err(Reply::bad_request(FAMILY, &format!("Cannot order by '{field}'")));
    }
    let field = if field == "@@summary" { "name" } else { field };
    let key = |record: &Value| (record[field].clone(), record["name"].clone());
    let order = |a: &(Value, Value), b: &(Value, Value)| {
        let order = reply::compare_values(&a.0, &b.0).then_with(|| reply::compare_values(&a.1, &b.1));
        if descending { order.reverse() } else { order }
    };
    records.sort_by(|a, b| order(&key(a), &key(b)));
    if let Some(name) = request.param("lastSeenName") {
        let seen_value = request.param("lastSeenOrderbyValue").unwrap_or(name);
        let seen_value = if field == "name" {
            json!(seen_value)
        } else {
            let instant = dates::parse_literal(seen_value)
                .ok_or_else(|| Reply::bad_request(FAMILY, &format!("Invalid lastSeenOrderbyValue '{seen_value}'")))?;
            json!(instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        };
        let seen = (seen_value, json!(name));
        records.retain(|record| order(&key(record), &seen) == Ordering::Greater);
    }
    let total = records.len();
    let wanted: Vec<String> =
        request.param("fields").unwrap_or(DEFAULT_FIELDS).split(',').map(|f| f.trim().to_owned()).collect();
    let (mut page, more) = reply::slice(records, start, size, DateStyle::Iso);
    for record in &mut page {
        if let Value::Object(members) = record {
            let etag = members.get("modificationDate").cloned().unwrap_or(Value::Null);
            members.retain(|key, _| matches!(key.as_str(), "id" | "text" | "archived") || wanted.contains(key));
            members.insert("@etag".to_owned(), etag);
        }
        restyle(record, DateStyle::Etag);
    }
    let columns: Vec<Value> = wanted
        .iter()
        .map(|field| json!({ "fieldName": field, "displayName": field, "fieldType": "text", "valueType": "STRING", "sortable": true }))
        .collect();
    let mut body = json!({ "columns": columns, "dataSet": page });
    if request.param("fetchCount") == Some("true") {
        body["count"] = json!(total);
    }
    let status = if more { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    Ok(Reply::Json(status, body, Vec::new()))
}

/// One `$filter` clause: `field op 'value'`.
struct Clause {
    field: String,
    operator: String,
    value: String,
}

impl Clause {
    fn holds(&self, record: &Value) -> bool {
        let found = &record[&self.field];
        let order = match found.as_str().and_then(dates::canonical) {
            Some(instant) => match dates::parse_literal(&self.value) {
                Some(wanted) => instant.cmp(&wanted),
                None => return false,
            },
            None => match found {
                Value::String(text) => text.as_str().cmp(self.value.as_str()),
                Value::Bool(flag) => flag.to_string().as_str().cmp(self.value.as_str()),
                _ => return self.operator == "ne",
            },
        };
        match self.operator.as_str() {
            "eq" => order == Ordering::Equal,
            "ne" => order != Ordering::Equal,
            "gt" => order == Ordering::Greater,
            "ge" => order != Ordering::Less,
            "lt" => order == Ordering::Less,
            _ => order != Ordering::Greater,
        }
    }
}

fn parse_filter(filter: &str) -> Result<Vec<Clause>, Reply> {
    let bad = |part: &str| Reply::bad_request(FAMILY, &format!("Invalid $filter near '{part}'"));
    let mut clauses = Vec::new();
    for part in filter.split(" and ") {
        let mut words = part.trim().splitn(3, ' ');
        let (Some(field), Some(operator), Some(value)) = (words.next(), words.next(), words.next()) else {
            return Err(bad(part));
        };
        if !["eq", "ne", "gt", "ge", "lt", "le"].contains(&operator) {
            return Err(bad(part));
        }
        let value = value.trim();
        let value = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')).ok_or_else(|| bad(part))?;
        clauses.push(Clause {
            field: field.to_owned(),
            operator: operator.to_owned(),
            value: value.replace("''", "'"),
        });
    }
    Ok(clauses)
}
