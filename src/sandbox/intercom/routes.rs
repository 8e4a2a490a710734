//! The HTTP side: one axum handler that authenticates, counts, routes, injects faults, runs the
//! endpoint against the state, and records the exchange.
//!
//! Routing is a table ([`endpoints`]) rather than an axum `Router` per path, so that an unknown
//! path and a wrong method get Intercom-style `error.list` bodies (404 and 405), and so that
//! authentication and rate limiting happen before routing, as on the real API.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body as HttpBody, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State as AppState};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::watch;

use super::body::Body;
use super::error::{ApiError, ApiResult};
use super::limits::{Admission, Limits};
use super::net::Connection;
use super::state::State;
use super::{FaultKind, RecordedRequest};

/// Largest request body accepted (base64 attachments make bodies big).
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The API versions `Intercom-Version` may name (the 2.16 description's enum).
const VERSIONS: [&str; 22] = [
    "1.0", "1.1", "1.2", "1.3", "1.4", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10",
    "2.11", "2.12", "2.13", "2.14", "2.15", "2.16",
];

/// What the handler shares across requests.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The accepted bearer token.
    pub token: String,
    /// Delay before every response.
    pub latency: Duration,
    /// Everything that changes, behind one lock: requests are applied one at a time.
    pub inner: Mutex<Inner>,
    /// Becomes `true` when the sandbox shuts down (ends held responses).
    pub shutdown: watch::Receiver<bool>,
}

/// The mutable part of the sandbox.
#[derive(Debug)]
pub(crate) struct Inner {
    /// The workspace.
    pub state: State,
    /// Rate windows and faults.
    pub limits: Limits,
    /// Every request so far.
    pub requests: Vec<Exchange>,
}

/// A recorded request, with the response body kept as the bytes that were (or would have been)
/// sent: a conversation with hundreds of parts is returned on every reply, and bytes take a
/// fraction of the memory of a JSON tree.
#[derive(Clone, Debug)]
pub(crate) struct Exchange {
    method: String,
    path: String,
    query: Option<String>,
    body: Option<Value>,
    status: u16,
    response: Option<Bytes>,
}

impl Exchange {
    /// The public form, with the response body parsed again.
    pub(crate) fn recorded(&self) -> RecordedRequest {
        RecordedRequest {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            status: self.status,
            response: self.response.as_ref().and_then(|bytes| serde_json::from_slice(bytes).ok()),
        }
    }
}

impl Shared {
    /// The lock on the mutable part; a panic in another request does not make it unusable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The axum app: every request goes to [`handle`].
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).layer(DefaultBodyLimit::max(BODY_LIMIT)).with_state(shared)
}

/// The answer to one request, before the network-level effects of faults.
#[derive(Debug)]
struct Answer {
    /// HTTP status; 0 when no response is sent at all (connection reset before handling).
    status: u16,
    body: Option<Value>,
    /// `body`, serialized once for both the client and the record.
    encoded: Option<Bytes>,
    rate: Option<Admission>,
    allow: Option<String>,
    /// Hold the response this long (the `Timeout` fault).
    hold: Option<Duration>,
    /// Close the connection instead of answering.
    reset: bool,
}

impl Answer {
    fn new(status: u16, body: Option<Value>, rate: Option<Admission>) -> Answer {
        Answer { status, body, encoded: None, rate, allow: None, hold: None, reset: false }
    }

    fn error(error: &ApiError, request_id: &str, rate: Option<Admission>) -> Answer {
        Answer::new(error.status, Some(error.body(request_id)), rate)
    }
}

/// The handler of every request.
async fn handle(
    AppState(shared): AppState<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = serve(&shared, &method, &uri, &headers, &body);
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    if let Some(hold) = answer.hold {
        let mut shutdown = shared.shutdown.clone();
        tokio::select! {
            () = tokio::time::sleep(hold) => {}
            _ = shutdown.wait_for(|&stop| stop) => connection.reset(),
        }
    }
    if answer.reset {
        connection.reset();
    }
    response(&answer)
}

/// Applies one request to the shared state and records it.
fn serve(shared: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap, raw: &Bytes) -> Answer {
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_millis() as i64);
    let parsed: Result<Option<Value>, ()> = if raw.iter().all(u8::is_ascii_whitespace) {
        Ok(None)
    } else {
        serde_json::from_slice(raw).map(Some).map_err(|_| ())
    };
    let recorded_body = match &parsed {
        Ok(value) => value.clone(),
        Err(()) => Some(Value::String(String::from_utf8_lossy(raw).into_owned())),
    };
    let mut guard = shared.lock();
    let inner = &mut *guard;
    inner.state.seq += 1;
    inner.state.now = now_ms.div_euclid(1000);
    let mut answer = answer(shared, inner, method, uri, headers, parsed, now_ms);
    answer.encoded = answer.body.take().map(|body| Bytes::from(serde_json::to_vec(&body).unwrap_or_default()));
    inner.requests.push(Exchange {
        method: method.as_str().to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        body: recorded_body,
        status: answer.status,
        response: answer.encoded.clone(),
    });
    answer
}

fn answer(
    shared: &Shared,
    inner: &mut Inner,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    parsed: Result<Option<Value>, ()>,
    now_ms: i64,
) -> Answer {
    let request_id = inner.state.ids.next_request_id();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    if bearer != Some(shared.token.as_str()) || shared.token.is_empty() {
        let error = ApiError::new(401, "unauthorized", "Access Token Invalid");
        return Answer::error(&error, &request_id, None);
    }
    let rate = inner.limits.admit(now_ms);
    if !rate.allowed {
        return Answer::error(&rate_limited(&inner.limits), &request_id, Some(rate));
    }
    let version = match headers.get("intercom-version").map(|value| value.to_str().map(str::trim)) {
        None => None,
        Some(Ok(version)) if VERSIONS.contains(&version) => Some(version.to_string()),
        Some(value) => {
            let shown = value.unwrap_or("?");
            let error = ApiError::new(
                400,
                "intercom_version_invalid",
                format!("Intercom-Version '{shown}' is not a valid API version; use one of 1.0 … 2.16"),
            );
            return Answer::error(&error, &request_id, Some(rate));
        }
    };
    let segments: Vec<String> =
        uri.path().split('/').filter(|segment| !segment.is_empty()).map(percent_decode).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let candidates = endpoints(&segments);
    if candidates.is_empty() {
        return Answer::error(&ApiError::resource_not_found(), &request_id, Some(rate));
    }
    let Some(endpoint) = candidates.iter().find(|(allowed, _)| *allowed == method.as_str()).map(|(_, e)| e.clone())
    else {
        let allow = candidates.iter().map(|(allowed, _)| *allowed).collect::<Vec<_>>().join(", ");
        let error = ApiError::new(
            405,
            "method_not_allowed",
            format!("{} is not allowed on {}; allowed: {allow}", method.as_str(), uri.path()),
        );
        return Answer { allow: Some(allow), ..Answer::error(&error, &request_id, Some(rate)) };
    };
    if endpoint.needs_2_16() && version.as_deref().is_some_and(|version| version != "2.16") {
        let error = ApiError::new(
            400,
            "intercom_version_invalid",
            "Requested resource is not available in current API version.",
        );
        return Answer::error(&error, &request_id, Some(rate));
    }
    let Ok(body) = parsed else {
        let error = ApiError::invalid("The request body is not valid JSON");
        return Answer::error(&error, &request_id, Some(rate));
    };
    let fault =
        if matches!(*method, Method::POST | Method::PUT | Method::DELETE) { inner.limits.pick_fault() } else { None };
    let query = parse_query(uri.query());
    let run = |inner: &mut Inner| match execute(&mut inner.state, &endpoint, body.as_ref(), &query) {
        Ok(body) => Answer::new(200, body, Some(rate)),
        Err(error) => Answer::error(&error, &request_id, Some(rate)),
    };
    match fault {
        None => run(inner),
        Some(FaultKind::TooManyRequests) => {
            let limited = Admission { allowed: false, remaining: 0, ..rate };
            Answer::error(&rate_limited(&inner.limits), &request_id, Some(limited))
        }
        Some(FaultKind::ServerError) => {
            let error = ApiError::new(500, "server_error", "Request failed due to an internal error. Please retry.");
            Answer::error(&error, &request_id, Some(rate))
        }
        Some(FaultKind::ConnectionReset) => Answer { reset: true, ..Answer::new(0, None, None) },
        Some(FaultKind::LostResponse) => Answer { reset: true, ..run(inner) },
        Some(FaultKind::Timeout) => Answer { hold: Some(inner.limits.hold()), ..run(inner) },
    }
}

/// 429 `rate_limit_exceeded`, as Intercom words it (for a 10-second window).
fn rate_limited(limits: &Limits) -> ApiError {
    ApiError::new(429, "rate_limit_exceeded", limits.exceeded_message())
}

/// The HTTP response of an answer.
fn response(answer: &Answer) -> Response {
    let mut response = Response::new(answer.encoded.clone().map_or_else(HttpBody::empty, HttpBody::from));
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if answer.encoded.is_some() {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    }
    if let Some(rate) = answer.rate {
        headers.insert("x-ratelimit-limit", HeaderValue::from(rate.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(rate.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(rate.reset));
    }
    if let Some(allow) = answer.allow.as_deref().and_then(|allow| HeaderValue::from_str(allow).ok()) {
        headers.insert(header::ALLOW, allow);
    }
    response
}

/// The endpoints the sandbox serves, with their path parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Me,
    ListAdmins,
    GetAdmin(String),
    ListTeams,
    GetTeam(String),
    CreateContact,
    GetContact(String),
    UpdateContact(String),
    DeleteContact(String),
    ArchiveContact(String),
    FindContactByExternalId(String),
    SearchContacts,
    CreateNote(String),
    ListNotes(String),
    TagContact(String),
    AttachCompany(String),
    UpsertCompany,
    FindCompanies,
    GetCompany(String),
    DeleteCompany(String),
    ListDataAttributes,
    CreateDataAttribute,
    ListConversationAttributes,
    CreateConversationAttribute,
    ArchiveConversationAttribute(String),
    ListTags,
    CreateTag,
    DeleteTag(String),
    TagConversation(String),
    UntagConversation(String, String),
    CreateConversation,
    GetConversation(String),
    UpdateConversation(String),
    DeleteConversation(String),
    SearchConversations,
    ReplyConversation(String),
    ConversationPart(String),
    ListTicketTypes,
    CreateTicketType,
    CreateTicketTypeAttribute(String),
    ListTicketStates,
    CreateTicket,
    GetTicket(String),
    UpdateTicket(String),
    DeleteTicket(String),
    ReplyTicket(String),
    TagTicket(String),
    ListCollections,
    GetCollection(String),
    CreateCollection,
    UpdateCollection(String),
    DeleteCollection(String),
    ListArticles,
    GetArticle(String),
    CreateArticle,
    UpdateArticle(String),
    DeleteArticle(String),
    UpsertCustomObject(String),
    FindCustomObjects(String),
    DeleteCustomObject(String),
}

impl Endpoint {
    /// Whether the endpoint first appeared in 2.16 (older `Intercom-Version`s get a 400).
    fn needs_2_16(&self) -> bool {
        matches!(
            self,
            Endpoint::ListConversationAttributes
                | Endpoint::CreateConversationAttribute
                | Endpoint::ArchiveConversationAttribute(_)
        )
    }
}

/// The endpoints at a path, by method; empty for an unknown path.
pub(crate) fn endpoints(segments: &[&str]) -> Vec<(&'static str, Endpoint)> {
    use Endpoint as E;
    let s = |text: &&str| (*text).to_string();
    match segments {
        ["me"] => vec![("GET", E::Me)],
        ["admins"] => vec![("GET", E::ListAdmins)],
        ["admins", id] => vec![("GET", E::GetAdmin(s(id)))],
        ["teams"] => vec![("GET", E::ListTeams)],
        ["teams", id] => vec![("GET", E::GetTeam(s(id)))],
        ["contacts"] => vec![("POST", E::CreateContact)],
        ["contacts", "search"] => vec![("POST", E::SearchContacts)],
        ["contacts", "find_by_external_id", id] => vec![("GET", E::FindContactByExternalId(s(id)))],
        ["contacts", id] => {
            vec![("GET", E::GetContact(s(id))), ("PUT", E::UpdateContact(s(id))), ("DELETE", E::DeleteContact(s(id)))]
        }
        ["contacts", id, "archive"] => vec![("POST", E::ArchiveContact(s(id)))],
        ["contacts", id, "notes"] => vec![("GET", E::ListNotes(s(id))), ("POST", E::CreateNote(s(id)))],
        ["contacts", id, "tags"] => vec![("POST", E::TagContact(s(id)))],
        ["contacts", id, "companies"] => vec![("POST", E::AttachCompany(s(id)))],
        ["companies"] => vec![("GET", E::FindCompanies), ("POST", E::UpsertCompany)],
        ["companies", id] => vec![("GET", E::GetCompany(s(id))), ("DELETE", E::DeleteCompany(s(id)))],
        ["data_attributes"] => vec![("GET", E::ListDataAttributes), ("POST", E::CreateDataAttribute)],
        ["conversations"] => vec![("POST", E::CreateConversation)],
        ["conversations", "search"] => vec![("POST", E::SearchConversations)],
        ["conversations", "attributes"] => {
            vec![("GET", E::ListConversationAttributes), ("POST", E::CreateConversationAttribute)]
        }
        ["conversations", "attributes", id] => vec![("DELETE", E::ArchiveConversationAttribute(s(id)))],
        ["conversations", id] => vec![
            ("GET", E::GetConversation(s(id))),
            ("PUT", E::UpdateConversation(s(id))),
            ("DELETE", E::DeleteConversation(s(id))),
        ],
        ["conversations", id, "reply"] => vec![("POST", E::ReplyConversation(s(id)))],
        ["conversations", id, "parts"] => vec![("POST", E::ConversationPart(s(id)))],
        ["conversations", id, "tags"] => vec![("POST", E::TagConversation(s(id)))],
        ["conversations", id, "tags", tag] => vec![("DELETE", E::UntagConversation(s(id), s(tag)))],
        ["tags"] => vec![("GET", E::ListTags), ("POST", E::CreateTag)],
        ["tags", id] => vec![("DELETE", E::DeleteTag(s(id)))],
        ["ticket_types"] => vec![("GET", E::ListTicketTypes), ("POST", E::CreateTicketType)],
        ["ticket_types", id, "attributes"] => vec![("POST", E::CreateTicketTypeAttribute(s(id)))],
        ["ticket_states"] => vec![("GET", E::ListTicketStates)],
        ["tickets"] => vec![("POST", E::CreateTicket)],
        ["tickets", id] => {
            vec![("GET", E::GetTicket(s(id))), ("PUT", E::UpdateTicket(s(id))), ("DELETE", E::DeleteTicket(s(id)))]
        }
        ["tickets", id, "reply"] => vec![("POST", E::ReplyTicket(s(id)))],
        ["tickets", id, "tags"] => vec![("POST", E::TagTicket(s(id)))],
        ["help_center", "collections"] => vec![("GET", E::ListCollections), ("POST", E::CreateCollection)],
        ["help_center", "collections", id] => vec![
            ("GET", E::GetCollection(s(id))),
            ("PUT", E::UpdateCollection(s(id))),
            ("DELETE", E::DeleteCollection(s(id))),
        ],
        ["articles"] => vec![("GET", E::ListArticles), ("POST", E::CreateArticle)],
        ["articles", id] => {
            vec![("GET", E::GetArticle(s(id))), ("PUT", E::UpdateArticle(s(id))), ("DELETE", E::DeleteArticle(s(id)))]
        }
        ["custom_object_instances", kind] => vec![
            ("POST", E::UpsertCustomObject(s(kind))),
            ("GET", E::FindCustomObjects(s(kind))),
            ("DELETE", E::DeleteCustomObject(s(kind))),
        ],
        _ => Vec::new(),
    }
}

/// Query parameters, decoded; the last value wins for a repeated name.
pub(crate) type QueryParams = std::collections::BTreeMap<String, String>;

/// Runs an endpoint.
fn execute(state: &mut State, endpoint: &Endpoint, body: Option<&Value>, query: &QueryParams) -> ApiResult {
    use Endpoint as E;
    let body = Body::new(body)?;
    match endpoint {
        E::Me => state.me(),
        E::ListAdmins => state.list_admins(),
        E::GetAdmin(id) => state.get_admin(id),
        E::ListTeams => state.list_teams(),
        E::GetTeam(id) => state.get_team(id),
        E::CreateContact => state.create_contact(body),
        E::GetContact(id) => state.get_contact(id),
        E::UpdateContact(id) => state.update_contact(id, body),
        E::DeleteContact(id) => state.delete_contact(id),
        E::ArchiveContact(id) => state.archive_contact(id),
        E::FindContactByExternalId(external_id) => state.find_contact_by_external_id(external_id),
        E::SearchContacts => state.search_contacts(body),
        E::CreateNote(id) => state.create_note(id, body),
        E::ListNotes(id) => state.list_notes(id),
        E::TagContact(id) => state.tag_contact(id, body),
        E::AttachCompany(id) => state.attach_company(id, body),
        E::UpsertCompany => state.upsert_company(body),
        E::FindCompanies => state.find_companies(query),
        E::GetCompany(id) => state.get_company(id),
        E::DeleteCompany(id) => state.delete_company(id),
        E::ListDataAttributes => state.list_data_attributes(query),
        E::CreateDataAttribute => state.create_data_attribute(body),
        E::ListConversationAttributes => state.list_conversation_attributes(query),
        E::CreateConversationAttribute => state.create_conversation_attribute(body),
        E::ArchiveConversationAttribute(id) => state.archive_conversation_attribute(id),
        E::ListTags => state.list_tags(),
        E::CreateTag => state.create_tag(body),
        E::DeleteTag(id) => state.delete_tag(id),
        E::TagConversation(id) => state.tag_conversation(id, body),
        E::UntagConversation(id, tag) => state.untag_conversation(id, tag, body),
        E::CreateConversation => state.create_conversation(body),
        E::GetConversation(id) => state.get_conversation(id),
        E::UpdateConversation(id) => state.update_conversation(id, body),
        E::DeleteConversation(id) => state.delete_conversation(id),
        E::SearchConversations => state.search_conversations(body),
        E::ReplyConversation(id) => state.reply_conversation(id, body),
        E::ConversationPart(id) => state.conversation_part(id, body),
        E::ListTicketTypes => state.list_ticket_types(),
        E::CreateTicketType => state.create_ticket_type(body),
        E::CreateTicketTypeAttribute(id) => state.create_ticket_type_attribute(id, body),
        E::ListTicketStates => state.list_ticket_states(),
        E::CreateTicket => state.create_ticket(body),
        E::GetTicket(id) => state.get_ticket(id),
        E::UpdateTicket(id) => state.update_ticket(id, body),
        E::DeleteTicket(id) => state.delete_ticket(id),
        E::ReplyTicket(id) => state.reply_ticket(id, body),
        E::TagTicket(id) => state.tag_ticket(id, body),
        E::ListCollections => state.list_collections(query),
        E::GetCollection(id) => state.get_collection(id),
        E::CreateCollection => state.create_collection(body),
        E::UpdateCollection(id) => state.update_collection(id, body),
        E::DeleteCollection(id) => state.delete_collection(id),
        E::ListArticles => state.list_articles(query),
        E::GetArticle(id) => state.get_article(id),
        E::CreateArticle => state.create_article(body),
        E::UpdateArticle(id) => state.update_article(id, body),
        E::DeleteArticle(id) => state.delete_article(id),
        E::UpsertCustomObject(kind) => state.upsert_custom_object(kind, body),
        E::FindCustomObjects(kind) => state.find_custom_objects(kind, query),
        E::DeleteCustomObject(kind) => state.delete_custom_object(kind, query),
    }
}

/// Decodes `a=1&b=x%40y` into a map.
fn parse_query(query: Option<&str>) -> QueryParams {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(&name.replace('+', " ")), percent_decode(&value.replace('+', " ")))
        })
        .collect()
}

/// Decodes `%XX` escapes (invalid ones are kept as they are).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[index] == b'%'
            && index + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[index + 1]), hex(bytes[index + 2]))
        {
            decoded.push((high * 16 + low) as u8);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// A JSON `{"type": "list", "data": [...]}`.
pub(crate) fn list(data: Vec<Value>) -> Value {
    json!({ "type": "list", "data": data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_to_endpoints_by_method() {
        let at = |path: &str| {
            let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            endpoints(&segments)
                .into_iter()
                .map(|(method, endpoint)| format!("{method} {endpoint:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(at("/conversations/search"), ["POST SearchConversations"]);
        assert_eq!(at("/conversations/attributes/7"), ["DELETE ArchiveConversationAttribute(\"7\")"]);
        assert_eq!(at("/conversations/12/reply"), ["POST ReplyConversation(\"12\")"]);
        assert_eq!(at("/conversations/12/tags/7"), ["DELETE UntagConversation(\"12\", \"7\")"]);
        assert_eq!(at("/tickets/5/tags"), ["POST TagTicket(\"5\")"]);
        assert_eq!(at("/ticket_states"), ["GET ListTicketStates"]);
        assert!(at("/nope").is_empty());
        assert_eq!(percent_decode("a%40b%2"), "a@b%2");
        assert_eq!(parse_query(Some("external_id=x%2By&z")).get("external_id").map(String::as_str), Some("x+y"));
    }
}
