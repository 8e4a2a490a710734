//! What can go wrong talking to Intercom, in the terms the runner acts on.
//!
//! Each variant is one decision for the runner: [`Rejected`](SinkError::Rejected) goes to the
//! failures queue with Intercom's own code and message (sending it again cannot help),
//! [`Conflict`](SinkError::Conflict) is a match rather than a failure,
//! [`Ambiguous`](SinkError::Ambiguous) must be settled by a lookup before anything is sent again,
//! [`Exhausted`](SinkError::Exhausted) may be retried later (the request is safe to repeat), and
//! [`Refused`](SinkError::Refused) was never sent. Messages never contain the access token: no
//! variant holds request headers.

use std::fmt;

use serde::Deserialize;

use super::operations::Operation;

/// How much of a response body a message quotes; the variant keeps all of it.
const QUOTED_BODY: usize = 300;

/// One entry of Intercom's `error.list` body.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    /// Machine-readable code: `parameter_invalid`, `not_found`, `conflict`, …
    pub code: String,
    /// Human-readable message, when given.
    #[serde(default)]
    pub message: Option<String>,
    /// The request field it concerns, when given.
    #[serde(default)]
    pub field: Option<String>,
}

/// The request an error concerns: the operation and the path it was sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// Which operation.
    pub operation: Operation,
    /// The URL path, ids filled in (`/conversations/123/reply`).
    pub path: String,
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.operation.name(), self.operation.method(), self.path)
    }
}

/// What the last attempt of a request got when it failed in a way worth retrying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transient {
    /// A status Intercom uses for passing trouble: 429 or 5xx, with the response body.
    Status {
        /// The HTTP status.
        status: u16,
        /// The response body as received.
        body: String,
    },
    /// No complete response within the client's timeout.
    Timeout,
    /// The connection failed: refused, reset, or closed before the response was complete.
    Connection {
        /// What the HTTP library said (never includes headers).
        message: String,
    },
}

impl fmt::Display for Transient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transient::Status { status, body } => {
                write!(f, "HTTP {status}")?;
                match describe_body(body) {
                    Some(text) => write!(f, ": {text}"),
                    None => Ok(()),
                }
            }
            Transient::Timeout => f.write_str("no response within the timeout"),
            Transient::Connection { message } => write!(f, "connection failed: {message}"),
        }
    }
}

/// A failed Intercom request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SinkError {
    /// Intercom refused the request with a 4xx (a missing required field, an unknown attribute,
    /// an id that does not exist); not retried, since the same request would fail again.
    Rejected {
        /// The request.
        call: Call,
        /// The HTTP status.
        status: u16,
        /// Intercom's `error.list` entries (empty when the body was not an error list).
        errors: Vec<ApiError>,
        /// Intercom's `request_id`, for support tickets.
        request_id: Option<String>,
        /// The response body as received.
        body: String,
    },
    /// A 409: a contact with the same email or external id already exists (its id is in the
    /// message, `A contact matching those details already exists with id=…`).
    Conflict {
        /// The request.
        call: Call,
        /// The id of the contact that exists.
        existing_id: String,
        /// Intercom's message.
        message: String,
        /// An earlier attempt of this same call got no clear answer (a timeout, a reset after
        /// sending, a 5xx) before this attempt got the 409: the earlier attempt may have created
        /// the contact, so the existing contact may be this call's own rather than one that was
        /// there before.
        after_unclear_attempt: bool,
    },
    /// A request that creates something (a conversation, a reply, a note, a ticket) got no
    /// clear answer (a timeout, a connection reset after sending, a 5xx): it may or may not have
    /// been applied. It was not sent again; look the record up before sending it again.
    Ambiguous {
        /// The request.
        call: Call,
        /// Attempts made, this one included.
        attempts: u32,
        /// What the last attempt got.
        last: Transient,
    },
    /// A request that is safe to repeat failed on every attempt (429, 5xx, timeouts, resets).
    Exhausted {
        /// The request.
        call: Call,
        /// Attempts made.
        attempts: u32,
        /// What the last attempt got.
        last: Transient,
    },
    /// The client refused to send: deleting a contact that has conversations the run did not
    /// create, 11 attachments on one reply, a contact writing an internal note.
    Refused {
        /// The operation.
        operation: Operation,
        /// Why.
        reason: String,
    },
    /// A successful response the client could not read (not JSON, no `id`).
    Unexpected {
        /// The request.
        call: Call,
        /// The HTTP status.
        status: u16,
        /// What was wrong with it.
        message: String,
        /// The response body as received.
        body: String,
    },
    /// The client could not be set up (a base URL that cannot hold paths, a TLS failure).
    Setup {
        /// What went wrong.
        message: String,
    },
}

impl SinkError {
    /// The error for a non-retryable status: 409 with an id becomes a [`Conflict`](Self::Conflict),
    /// anything else a [`Rejected`](Self::Rejected) with the parsed `error.list`.
    pub fn from_response(call: Call, status: u16, body: String) -> Self {
        let (errors, request_id) = parse_error_list(&body);
        if status == 409
            && let Some((existing_id, message)) = errors.iter().find_map(|error| {
                let message = error.message.as_deref()?;
                Some((existing_id(message)?, message.to_owned()))
            })
        {
            return SinkError::Conflict { call, existing_id, message, after_unclear_attempt: false };
        }
        SinkError::Rejected { call, status, errors, request_id, body }
    }

    /// The operation the error concerns.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            SinkError::Rejected { call, .. }
            | SinkError::Conflict { call, .. }
            | SinkError::Ambiguous { call, .. }
            | SinkError::Exhausted { call, .. }
            | SinkError::Unexpected { call, .. } => Some(call.operation),
            SinkError::Refused { operation, .. } => Some(*operation),
            SinkError::Setup { .. } => None,
        }
    }

    /// The HTTP status of the last response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            SinkError::Rejected { status, .. } | SinkError::Unexpected { status, .. } => Some(*status),
            SinkError::Conflict { .. } => Some(409),
            SinkError::Ambiguous { last, .. } | SinkError::Exhausted { last, .. } => match last {
                Transient::Status { status, .. } => Some(*status),
                Transient::Timeout | Transient::Connection { .. } => None,
            },
            SinkError::Refused { .. } | SinkError::Setup { .. } => None,
        }
    }

    /// The body of the last response, when there was one.
    pub fn body(&self) -> Option<&str> {
        match self {
            SinkError::Rejected { body, .. } | SinkError::Unexpected { body, .. } => Some(body),
            SinkError::Ambiguous { last: Transient::Status { body, .. }, .. }
            | SinkError::Exhausted { last: Transient::Status { body, .. }, .. } => Some(body),
            _ => None,
        }
    }

    /// Intercom's error code (the first of the list): `parameter_invalid`, `not_found`, …
    pub fn code(&self) -> Option<&str> {
        match self {
            SinkError::Rejected { errors, .. } => errors.first().map(|error| error.code.as_str()),
            SinkError::Conflict { .. } => Some("conflict"),
            _ => None,
        }
    }

    /// Intercom's error message (the first of the list).
    pub fn api_message(&self) -> Option<&str> {
        match self {
            SinkError::Rejected { errors, .. } => errors.first().and_then(|error| error.message.as_deref()),
            SinkError::Conflict { message, .. } => Some(message),
            _ => None,
        }
    }

    /// A 404: the object does not exist (finders turn this into `None`).
    pub fn is_not_found(&self) -> bool {
        matches!(self, SinkError::Rejected { status: 404, .. })
    }

    /// The outcome is unknown and must be settled by a lookup.
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, SinkError::Ambiguous { .. })
    }
}

impl fmt::Display for SinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SinkError::Rejected { call, status, errors, request_id, body } => {
                write!(f, "{call} was rejected with HTTP {status}")?;
                if errors.is_empty() {
                    if let Some(text) = describe_body(body) {
                        write!(f, ": {text}")?;
                    }
                } else {
                    for (index, error) in errors.iter().enumerate() {
                        f.write_str(if index == 0 { ": " } else { "; " })?;
                        f.write_str(&error.code)?;
                        if let Some(message) = &error.message {
                            write!(f, " ({message})")?;
                        }
                        if let Some(field) = &error.field {
                            write!(f, " in field `{field}`")?;
                        }
                    }
                }
                if let Some(id) = request_id {
                    write!(f, " [request {id}]")?;
                }
                Ok(())
            }
            SinkError::Conflict { call, existing_id, after_unclear_attempt: false, .. } => {
                write!(f, "{call}: a matching contact already exists with id {existing_id}")
            }
            SinkError::Conflict { call, existing_id, after_unclear_attempt: true, .. } => write!(
                f,
                "{call}: a matching contact exists with id {existing_id}, possibly created by an earlier attempt of \
                 this call that got no clear answer"
            ),
            SinkError::Ambiguous { call, attempts, last } => write!(
                f,
                "{call}: outcome unknown after attempt {attempts} ({last}); it may have been applied, so it was \
                 not sent again: look it up before sending it again"
            ),
            SinkError::Exhausted { call, attempts, last } => {
                write!(f, "{call} failed after {attempts} attempts; the last got {last}")
            }
            SinkError::Refused { operation, reason } => write!(f, "{} was not sent: {reason}", operation.name()),
            SinkError::Unexpected { call, status, message, .. } => {
                write!(f, "{call} answered HTTP {status} with a body that cannot be read: {message}")
            }
            SinkError::Setup { message } => write!(f, "cannot set up the Intercom client: {message}"),
        }
    }
}

impl std::error::Error for SinkError {}

/// The entries and request id of an `error.list` body; empty when the body is something else.
pub fn parse_error_list(body: &str) -> (Vec<ApiError>, Option<String>) {
    #[derive(Deserialize)]
    struct ErrorList {
        #[serde(default)]
        errors: Vec<ApiError>,
        #[serde(default)]
        request_id: Option<String>,
    }
    match serde_json::from_str::<ErrorList>(body) {
        Ok(list) => (list.errors, list.request_id),
        Err(_) => (Vec::new(), None),
    }
}

/// The contact id in a 409 message: `… already exists with id=6762f0dd1bb69f9f2193bb83`.
pub fn existing_id(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("id=")?;
    let id: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    (!id.is_empty()).then_some(id)
}

/// A body worth quoting in a message: trimmed, cut to [`QUOTED_BODY`] characters; `None` when
/// empty.
fn describe_body(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    let mut text: String = body.chars().take(QUOTED_BODY).collect();
    if text.len() < body.len() {
        text.push('…');
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(operation: Operation, path: &str) -> Call {
        Call { operation, path: path.into() }
    }

    #[test]
    fn a_validation_error_carries_code_message_and_field() {
        let body = r#"{"type":"error.list","request_id":"b0d1","errors":[
            {"code":"parameter_invalid","message":"Email is invalid","field":"email"},
            {"code":"parameter_not_found","message":null}]}"#;
        let error = SinkError::from_response(call(Operation::UpdateContact, "/contacts/1"), 400, body.into());
        assert_eq!(error.code(), Some("parameter_invalid"));
        assert_eq!(error.api_message(), Some("Email is invalid"));
        assert_eq!(error.status(), Some(400));
        assert_eq!(
            error.to_string(),
            "update_contact (PUT /contacts/1) was rejected with HTTP 400: parameter_invalid (Email is invalid) in \
             field `email`; parameter_not_found [request b0d1]"
        );
    }

    #[test]
    fn a_409_with_an_id_is_a_conflict() {
        let body = r#"{"type":"error.list","errors":[{"code":"conflict",
            "message":"A contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83"}]}"#;
        let error = SinkError::from_response(call(Operation::CreateContact, "/contacts"), 409, body.into());
        let SinkError::Conflict { existing_id, .. } = &error else { panic!("{error:?}") };
        assert_eq!(existing_id, "6762f0dd1bb69f9f2193bb83");
        assert_eq!(error.code(), Some("conflict"));
        // Without an id it stays a rejection.
        let error = SinkError::from_response(call(Operation::CreateContact, "/contacts"), 409, "{}".into());
        assert!(matches!(error, SinkError::Rejected { status: 409, .. }));
    }

    #[test]
    fn a_body_that_is_not_an_error_list_is_quoted_and_cut() {
        let body = "x".repeat(400);
        let error = SinkError::from_response(call(Operation::Me, "/me"), 418, body.clone());
        assert_eq!(error.code(), None);
        assert_eq!(error.body(), Some(body.as_str()));
        assert!(error.to_string().ends_with(&format!("{}…", "x".repeat(300))));
    }

    #[test]
    fn transient_failures_say_what_the_last_attempt_got() {
        let last = Transient::Status { status: 503, body: " busy ".into() };
        let error = SinkError::Exhausted { call: call(Operation::ListAdmins, "/admins"), attempts: 4, last };
        assert_eq!(error.to_string(), "list_admins (GET /admins) failed after 4 attempts; the last got HTTP 503: busy");
        assert_eq!(error.status(), Some(503));
        assert_eq!(error.body(), Some(" busy "));
        let error = SinkError::Ambiguous {
            call: call(Operation::CreateConversation, "/conversations"),
            attempts: 1,
            last: Transient::Timeout,
        };
        assert!(error.is_ambiguous());
        assert_eq!(error.status(), None);
    }

    #[test]
    fn existing_ids_are_read_from_the_message() {
        assert_eq!(existing_id("exists with id=abc123."), Some("abc123".into()));
        assert_eq!(existing_id("exists with id="), None);
        assert_eq!(existing_id("no id here"), None);
    }
}
