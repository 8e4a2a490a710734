//! [`TopdeskError`]: what a TOPdesk call can fail with, worded so a consultant knows what to do.
//!
//! Every variant names the request path (`/tas/api/incidents`), never the host's credentials:
//! the application password only ever travels in the `Authorization` header, which no error
//! keeps, and a URL with a password in it is refused before anything is sent.

use std::fmt;
use std::time::Duration;

/// A failed TOPdesk call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopdeskError {
    /// The configuration cannot work (`url: topdesk.example` without a scheme, a password in the URL).
    Setup {
        /// What is wrong and what to do.
        message: String,
    },
    /// 401: the login name or the application password is wrong, expired or revoked.
    Unauthorized {
        /// The request path.
        path: String,
        /// The operator login name used.
        login: String,
    },
    /// 403: the operator may not read this module or record.
    Forbidden {
        /// The request path.
        path: String,
    },
    /// 404: the endpoint (an unlicensed or disabled module) or the record does not exist.
    NotFound {
        /// The request path.
        path: String,
    },
    /// 406: this TOPdesk version does not serve the media type asked for (persons v2 on an old VA).
    NotAcceptable {
        /// The request path.
        path: String,
        /// The `Accept` header sent.
        accept: String,
    },
    /// Any other answer that is not a success (400 for a FIQL query the server cannot parse, 500).
    Status {
        /// The request path.
        path: String,
        /// The HTTP status.
        status: u16,
        /// The error message from the body, when there is one.
        message: String,
    },
    /// No complete answer in time, after the retries.
    Timeout {
        /// The request path.
        path: String,
        /// The time limit per request.
        after: Duration,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// No connection or a broken one, after the retries.
    Transport {
        /// The request path.
        path: String,
        /// What the network layer said.
        message: String,
    },
    /// Still 429/502/503/504 after the retries.
    Busy {
        /// The request path.
        path: String,
        /// The last status.
        status: u16,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// A success whose body is not what the endpoint documents.
    Unexpected {
        /// The request path.
        path: String,
        /// What was expected and what came.
        message: String,
    },
}

impl TopdeskError {
    /// The HTTP status the server answered, when this is an answer from it.
    pub fn status(&self) -> Option<u16> {
        match self {
            TopdeskError::Unauthorized { .. } => Some(401),
            TopdeskError::Forbidden { .. } => Some(403),
            TopdeskError::NotFound { .. } => Some(404),
            TopdeskError::NotAcceptable { .. } => Some(406),
            TopdeskError::Status { status, .. } | TopdeskError::Busy { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for TopdeskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopdeskError::Setup { message } => f.write_str(message),
            TopdeskError::Unauthorized { path, login } => write!(
                f,
                "{path}: TOPdesk refused the credentials of operator `{login}` (401); check the login name (not the \
                 application password's name) and the application password, which may have expired or been revoked"
            ),
            TopdeskError::Forbidden { path } => write!(
                f,
                "{path}: the operator has no permission to read this (403); give their permission group read access to \
                 the module"
            ),
            TopdeskError::NotFound { path } => {
                write!(f, "{path}: not found (404); the module may not be licensed or enabled on this TOPdesk")
            }
            TopdeskError::NotAcceptable { path, accept } => write!(
                f,
                "{path}: this TOPdesk version does not serve `{accept}` (406); it is older than the API this reads"
            ),
            TopdeskError::Status { path, status, message } if message.is_empty() => {
                write!(f, "{path}: TOPdesk answered {status}")
            }
            TopdeskError::Status { path, status, message } => write!(f, "{path}: TOPdesk answered {status}: {message}"),
            TopdeskError::Timeout { path, after, attempts } => write!(
                f,
                "{path}: no answer within {} s ({attempts} attempts); raise the timeout or lower `batch:`",
                after.as_secs_f64()
            ),
            TopdeskError::Transport { path, message } => write!(f, "{path}: cannot reach TOPdesk: {message}"),
            TopdeskError::Busy { path, status, attempts } => {
                write!(f, "{path}: TOPdesk still answered {status} after {attempts} attempts; try again later")
            }
            TopdeskError::Unexpected { path, message } => write!(f, "{path}: unexpected answer: {message}"),
        }
    }
}

impl std::error::Error for TopdeskError {}
