//! [`Request`] (what a handler reads) and [`Reply`] (what it answers), with the paging, error
//! and envelope conventions the API families share (digest sections 3 and 15).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::dates::{DateStyle, restyle};
use super::fiql::{self, Query};

/// A request, decoded: path segments, query parameters, the Accept header and the base URL
/// (`http://host:port`, for absolute `next` links).
#[derive(Clone, Debug)]
pub struct Request {
    /// Percent-decoded path segments.
    pub segments: Vec<String>,
    /// Query parameters in order, decoded.
    pub params: Vec<(String, String)>,
    /// The Accept header.
    pub accept: Option<String>,
    /// `http://` and the Host header.
    pub base: String,
    /// The path as sent (for `next` links).
    pub path: String,
}

/// An answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// A JSON body with extra headers.
    Json(StatusCode, Value, Vec<(&'static str, String)>),
    /// 204 No Content.
    NoContent,
    /// A file download.
    File {
        /// Its media type.
        content_type: String,
        /// The name for `Content-Disposition`.
        file_name: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

/// How an API family writes errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Incidents and supporting files: `[{"message": "…"}]`.
    Classic,
    /// Change, asset, knowledge, operations and reservation APIs:
    /// `{"errors": [{"errorCode", "appliesTo", "errorMessage"}]}`.
    Modern,
}

impl Reply {
    /// 200 with `body`.
    pub fn ok(body: Value) -> Reply {
        Reply::Json(StatusCode::OK, body, Vec::new())
    }

    /// An error in `family`'s shape.
    pub fn error(family: Family, status: StatusCode, message: &str) -> Reply {
        let body = match family {
            Family::Classic => json!([{ "message": message }]),
            Family::Modern => json!({ "errors": [{
                "errorCode": status.canonical_reason().unwrap_or("error").to_lowercase().replace(' ', "_"),
                "appliesTo": null,
                "errorMessage": message,
            }]}),
        };
        Reply::Json(status, body, Vec::new())
    }

    /// 400 in `family`'s shape.
    pub fn bad_request(family: Family, message: &str) -> Reply {
        Reply::error(family, StatusCode::BAD_REQUEST, message)
    }

    /// 404 in `family`'s shape.
    pub fn not_found(family: Family) -> Reply {
        Reply::error(family, StatusCode::NOT_FOUND, "The requested resource was not found")
    }

    /// 403 in `family`'s shape.
    pub fn forbidden(family: Family) -> Reply {
        Reply::error(family, StatusCode::FORBIDDEN, "No permission to access the data")
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        match self {
            Reply::Json(status, ..) => *status,
            Reply::NoContent => StatusCode::NO_CONTENT,
            Reply::File { .. } => StatusCode::OK,
        }
    }
}

impl Request {
    /// The last value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Every value of parameter `name` (repeatable filters).
    pub fn params(&self, name: &str) -> Vec<&str> {
        self.params.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect()
    }

    /// Parameter `name` as a whole number in `min..=max`, `default` when absent; 400 otherwise.
    pub fn number(&self, family: Family, name: &str, default: u64, min: u64, max: u64) -> Result<u64, Reply> {
        let Some(text) = self.param(name) else { return Ok(default) };
        match text.trim().parse::<u64>() {
            Ok(number) if (min..=max).contains(&number) => Ok(number),
            _ => Err(Reply::bad_request(
                family,
                &format!("Invalid value '{text}' for parameter '{name}': expected a number from {min} to {max}"),
            )),
        }
    }

    /// The `query` parameter parsed (400 "Error parsing query" when it does not parse).
    pub fn query(&self, family: Family) -> Result<Option<Query>, Reply> {
        match self.param("query").filter(|text| !text.trim().is_empty()) {
            None => Ok(None),
            Some(text) => fiql::parse(text).map(Some).map_err(|message| Reply::bad_request(family, &message)),
        }
    }

    /// This request's URL with the parameters `changes` replaced (absolute, for `next`).
    pub fn url_with(&self, changes: &[(&str, String)]) -> String {
        let mut params: Vec<(String, String)> =
            self.params.iter().filter(|(key, _)| !changes.iter().any(|(name, _)| name == key)).cloned().collect();
        params.extend(changes.iter().map(|(name, value)| ((*name).to_owned(), value.clone())));
        let query: Vec<String> =
            params.iter().map(|(key, value)| format!("{}={}", encode(key), encode(value))).collect();
        format!("{}{}?{}", self.base, self.path, query.join("&"))
    }
}

/// Percent-encodes a query component.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Keep the records matching `query`.
pub fn filter(records: Vec<Value>, query: Option<&Query>, family: Family) -> Result<Vec<Value>, Reply> {
    let Some(query) = query else { return Ok(records) };
    let mut kept = Vec::new();
    for record in records {
        if query.matches(&record).map_err(|message| Reply::bad_request(family, &message))? {
            kept.push(record);
        }
    }
    Ok(kept)
}

/// Sort by `sort` (`field:asc,other:desc`); unknown fields are a 400. Stable, so records equal
/// on every key keep their order.
pub fn sort(records: &mut [Value], sort: Option<&str>, family: Family) -> Result<(), Reply> {
    let Some(sort) = sort.filter(|text| !text.trim().is_empty()) else { return Ok(()) };
    let mut keys = Vec::new();
    for part in sort.split(',') {
        let (field, direction) = part.trim().split_once(':').unwrap_or((part.trim(), "asc"));
        let descending = match direction {
            "asc" => false,
            "desc" => true,
            other => return Err(Reply::bad_request(family, &format!("Invalid sort direction '{other}'"))),
        };
        let path: Vec<String> = field.split('.').map(str::to_owned).collect();
        if records.first().is_some_and(|record| record.get(&path[0]).is_none()) {
            return Err(Reply::bad_request(family, &format!("Invalid sort field '{field}'")));
        }
        keys.push((path, descending));
    }
    records.sort_by(|a, b| {
        for (path, descending) in &keys {
            let order = compare_values(fiql::lookup(a, path), fiql::lookup(b, path));
            let order = if *descending { order.reverse() } else { order };
            if order.is_ne() {
                return order;
            }
        }
        std::cmp::Ordering::Equal
    });
    Ok(())
}

/// Total order for sorting: null first, then booleans, numbers, text (canonical dates sort as
/// text).
pub fn compare_values(a: &Value, b: &Value) -> std::cmp::Ordering {
    fn rank(value: &Value) -> u8 {
        match value {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            _ => 4,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.as_f64().unwrap_or(0.0).total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Object(x), Value::Object(y)) => {
            compare_values(x.get("name").unwrap_or(&Value::Null), y.get("name").unwrap_or(&Value::Null))
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Keep only `fields` of each record (`id` always stays); `None`, `*` or `all`: everything.
pub fn trim(records: &mut [Value], fields: Option<&str>) {
    let Some(fields) = fields.map(str::trim).filter(|text| !text.is_empty() && *text != "*" && *text != "all") else {
        return;
    };
    let wanted: Vec<&str> = fields.split(',').map(str::trim).collect();
    for record in records {
        if let Value::Object(members) = record {
            members.retain(|key, _| key == "id" || wanted.contains(&key.as_str()));
        }
    }
}

/// A bare-array page (style A): 204 when empty, 206 when more records remain (or, with
/// `full_page_is_partial`, when the page is full), else 200.
pub fn bare_page(records: Vec<Value>, start: u64, size: u64, full_page_is_partial: bool, style: DateStyle) -> Reply {
    let total = records.len() as u64;
    let mut page: Vec<Value> = records.into_iter().skip(start as usize).take(size as usize).collect();
    if page.is_empty() {
        return Reply::NoContent;
    }
    let more = start + (page.len() as u64) < total;
    let full = page.len() as u64 == size;
    page.iter_mut().for_each(|record| restyle(record, style));
    let status = if more || (full_page_is_partial && full) { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    Reply::Json(status, Value::Array(page), Vec::new())
}

/// A page of `records` from `start` (no status decision): the page, and whether more remain.
pub fn slice(records: Vec<Value>, start: u64, size: u64, style: DateStyle) -> (Vec<Value>, bool) {
    let total = records.len() as u64;
    let mut page: Vec<Value> = records.into_iter().skip(start as usize).take(size as usize).collect();
    let more = start + (page.len() as u64) < total;
    page.iter_mut().for_each(|record| restyle(record, style));
    (page, more)
}
