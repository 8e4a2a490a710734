//! One page of any TOPdesk list, whatever its envelope.
//!
//! TOPdesk has four list shapes (digest §3) and two ways to say "there is more":
//!
//! | envelope | body | more | empty |
//! | --- | --- | --- | --- |
//! | [`Envelope::Array`] | `[…]` | 206 | 204 |
//! | [`Envelope::ItemNext`] | `{"item": […], "next": url}` | 206 or a `next` link | 204 or no items |
//! | [`Envelope::Results`] | `{"results": […]}` | 206 | no results |
//! | [`Envelope::Grid`] | `{"columns": […], "dataSet": […]}` | 206 | no rows |
//!
//! [`Page::decode`] turns any of them into items plus a [`Page::more`] flag and, when the server
//! sent one, the next link. A link may be absolute (`https://host/tas/api/persons?pageStart=50`)
//! or relative (`/tas/api/…` or `?pageStart=…`); [`relative_link`] reduces it to a path on the
//! same host so it can be stored in a cursor and sent again later.

use serde_json::Value as Json;

use super::client::{Reply, strip_query};
use super::error::TopdeskError;

/// How a list endpoint wraps its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Envelope {
    /// A bare JSON array (incidents, progress trail, operators, operator groups, persons v1).
    Array,
    /// `{"item": […], "next": …}` (persons v2, knowledge items, operational activities).
    ItemNext,
    /// `{"results": […]}` (changes, change activities, reservations).
    Results,
    /// `{"columns": […], "dataSet": […]}` (assets).
    Grid,
}

/// One page: its items, whether the server said there are more, and its next link.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The items, as the server sent them.
    pub items: Vec<Json>,
    /// 206, or a non-null `next` link.
    pub more: bool,
    /// The next link (the `next` member or the `X-Next-Page-Url` header), as sent.
    pub next: Option<String>,
    /// The total the server reported with the page (the asset grid's `count`), when it did.
    pub count: Option<u64>,
    /// The page size asked for (0 when the list is not paged).
    pub asked: usize,
}

impl Page {
    /// Read `reply` to a GET of `path` as a page in `envelope`.
    pub fn decode(envelope: Envelope, path: &str, reply: &Reply) -> Result<Page, TopdeskError> {
        let json = reply.json(path)?;
        let unexpected = |what: &str| TopdeskError::Unexpected {
            path: strip_query(path).to_owned(),
            message: format!("expected {what}, found {}", shape(&json)),
        };
        let partial = reply.status == 206;
        let header_next = reply.next_page_url.clone().filter(|link| !link.is_empty());
        if json.is_null() {
            return Ok(Page { items: Vec::new(), more: false, next: None, count: None, asked: 0 });
        }
        let (items, next, count) = match envelope {
            Envelope::Array => match json {
                Json::Array(items) => (items, header_next, None),
                _ => return Err(unexpected("a JSON array")),
            },
            Envelope::ItemNext => {
                let next = json.get("next").and_then(Json::as_str).filter(|link| !link.is_empty()).map(str::to_owned);
                (member_list(&json, "item").ok_or_else(|| unexpected("an object with `item`"))?, next, None)
            }
            Envelope::Results => (
                member_list(&json, "results").ok_or_else(|| unexpected("an object with `results`"))?,
                header_next,
                None,
            ),
            Envelope::Grid => {
                let count = json.get("count").and_then(Json::as_u64);
                (member_list(&json, "dataSet").ok_or_else(|| unexpected("an object with `dataSet`"))?, None, count)
            }
        };
        let more = (partial || next.is_some()) && !items.is_empty();
        Ok(Page { items, more, next, count, asked: 0 })
    }
}

fn member_list(json: &Json, member: &str) -> Option<Vec<Json>> {
    match json.get(member)? {
        Json::Array(items) => Some(items.clone()),
        Json::Null => Some(Vec::new()),
        _ => None,
    }
}

/// A one-word description of a JSON value, for errors.
pub fn shape(json: &Json) -> &'static str {
    match json {
        Json::Null => "nothing",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// A next link as a path and query on the TOPdesk at `base_url`: an absolute link to that host
/// loses its origin, `/tas/api/…` stays, `?pageStart=…` is put after `current`'s path. A link to
/// another host is refused (it would receive the credentials).
pub fn relative_link(base_url: &str, current: &str, link: &str) -> Result<String, TopdeskError> {
    let link = link.trim();
    if let Some(query) = link.strip_prefix('?') {
        return Ok(format!("{}?{query}", strip_query(current)));
    }
    if link.starts_with('/') {
        return Ok(link.to_owned());
    }
    let base = reqwest::Url::parse(base_url).ok();
    let parsed = reqwest::Url::parse(link).ok();
    match (base, parsed) {
        (Some(base), Some(parsed)) if base.origin() == parsed.origin() => {
            let mut path = parsed.path().to_owned();
            if let Some(query) = parsed.query() {
                path.push('?');
                path.push_str(query);
            }
            Ok(path)
        }
        _ => Err(TopdeskError::Unexpected {
            path: strip_query(current).to_owned(),
            message: format!("the next-page link `{link}` does not point at this TOPdesk; not following it"),
        }),
    }
}

/// Percent-encode a query parameter value (FIQL is full of `=`, `;` and `,`).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn reply(status: u16, body: &Json) -> Reply {
        let body = if body.is_null() { Vec::new() } else { serde_json::to_vec(body).unwrap() };
        Reply { status, body, content_type: None, next_page_url: None }
    }

    fn page(envelope: Envelope, status: u16, body: Json) -> (usize, bool, Option<String>) {
        let page = Page::decode(envelope, "/x", &reply(status, &body)).unwrap();
        (page.items.len(), page.more, page.next)
    }

    #[test]
    fn every_envelope_says_whether_more_follows() {
        assert_eq!(page(Envelope::Array, 206, json!([1, 2])), (2, true, None));
        assert_eq!(page(Envelope::Array, 200, json!([1])), (1, false, None));
        assert_eq!(page(Envelope::Array, 204, Json::Null), (0, false, None));
        assert_eq!(page(Envelope::ItemNext, 200, json!({"item": [1], "next": "/n"})), (1, true, Some("/n".into())));
        assert_eq!(page(Envelope::ItemNext, 206, json!({"item": [1]})), (1, true, None));
        assert_eq!(page(Envelope::ItemNext, 200, json!({"item": [1], "next": null})), (1, false, None));
        assert_eq!(page(Envelope::ItemNext, 200, json!({"item": []})), (0, false, None));
        assert_eq!(page(Envelope::Results, 206, json!({"results": [1, 2]})), (2, true, None));
        assert_eq!(page(Envelope::Results, 200, json!({"results": []})), (0, false, None));
        assert_eq!(page(Envelope::Grid, 206, json!({"columns": [], "dataSet": [{"id": "a"}]})), (1, true, None));
        assert_eq!(page(Envelope::Grid, 200, json!({"columns": [], "dataSet": []})), (0, false, None));
    }

    #[test]
    fn a_wrong_envelope_is_named() {
        let error = Page::decode(Envelope::Results, "/tas/api/operatorChanges?pageStart=0", &reply(200, &json!([1])))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "/tas/api/operatorChanges: unexpected answer: expected an object with `results`, found an array"
        );
    }

    #[test]
    fn next_links_become_paths_on_the_same_host() {
        let base = "https://acme.topdesk.net";
        let current = "/tas/api/persons?pageStart=0";
        assert_eq!(
            relative_link(base, current, "https://acme.topdesk.net/tas/api/persons?pageStart=50&pageSize=50").unwrap(),
            "/tas/api/persons?pageStart=50&pageSize=50"
        );
        assert_eq!(
            relative_link(base, current, "/tas/api/persons?pageStart=50").unwrap(),
            "/tas/api/persons?pageStart=50"
        );
        assert_eq!(relative_link(base, current, "?pageStart=50").unwrap(), "/tas/api/persons?pageStart=50");
        assert!(relative_link(base, current, "https://elsewhere.example/tas/api/persons").is_err());
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            encode("creationDate=ge=2024-01-01T00:00:00Z;a==b"),
            "creationDate%3Dge%3D2024-01-01T00%3A00%3A00Z%3Ba%3D%3Db"
        );
    }
}
