//! [`OdooError`]: what can go wrong talking to Odoo over XML-RPC, in terms a consultant can act on.
//!
//! The variants keep apart what calls for different actions: an HTTP status from outside the RPC
//! layer (a wrong path, a body too large, a proxy that gave up), a connection that never opened, a
//! request that outran a time limit (retry with a smaller page: [`OdooError::is_timeout`]), and a
//! fault Odoo raised. Faults are classified by code first (the wording is translated and changes
//! between versions) and then by the few stable phrases the digest lists. No variant holds the API
//! key or request bodies.

use std::fmt;
use std::time::Duration;

use super::codec_error::CodecError;
use super::value::Fault;

/// How much of an unexpected response body a message quotes.
const QUOTED_BODY: usize = 200;

/// A failed XML-RPC call to Odoo.
#[derive(Debug)]
pub enum OdooError {
    /// An HTTP status other than 200: 404 (wrong base URL or path), 413 (request body too large),
    /// 502/504 (a proxy gave up on a worker that ran too long). Odoo itself answers faults with 200.
    Status {
        /// The endpoint called.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the response body.
        body: String,
    },
    /// No connection could be made (refused, unknown host, TLS failure); nothing was sent.
    Connect {
        /// The endpoint called.
        url: String,
        /// What the network layer said.
        message: String,
    },
    /// The connection broke after the request was sent (reset, closed mid-response).
    Disconnected {
        /// The endpoint called.
        url: String,
        /// What the network layer said.
        message: String,
    },
    /// No complete response within the client's timeout.
    Timeout {
        /// The endpoint called.
        url: String,
        /// The timeout that expired.
        after: Duration,
    },
    /// Odoo raised an exception and answered with a fault.
    Fault {
        /// The model called, for `execute_kw` (`helpdesk.ticket`).
        model: Option<String>,
        /// The method called (`search_read`, `authenticate`).
        method: String,
        /// The fault's code (1 server error, 2 user error, 3 access denied, 4 access error).
        code: i64,
        /// What kind of fault, from the code and the text.
        kind: FaultKind,
        /// The fault string's last non-empty line: `ValueError: Invalid field 'x' on model 'y'`.
        message: String,
        /// The whole fault string, often a Python traceback.
        text: String,
    },
    /// `authenticate` answered False: the login, the API key or the database do not match.
    WrongCredentials {
        /// The database.
        database: String,
        /// The login.
        login: String,
    },
    /// The response was not an XML-RPC document (an HTML login page, a truncated body).
    Malformed {
        /// The endpoint called.
        url: String,
        /// What was wrong with it (boxed: it is large and rare).
        error: Box<CodecError>,
    },
    /// A well-formed answer that Odoo does not give to this call (`authenticate` answering a
    /// string).
    UnexpectedAnswer {
        /// The method called.
        method: String,
        /// What came back.
        found: String,
    },
    /// `execute_kw` before a successful `authenticate`.
    NotAuthenticated,
    /// The client could not be set up (a base URL that is not a URL).
    Setup {
        /// What is wrong.
        message: String,
    },
}

/// The classes of fault a consultant meets, each with its own advice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Code 3 (`Access Denied`): wrong or expired API key, or a password where a key is required.
    AccessDenied,
    /// Code 4: the user lacks access rights on the model, or a record rule hides records.
    AccessError,
    /// Code 4 (or 1 on old versions): `Private methods (such as _read) cannot be called remotely.`
    PrivateMethod,
    /// `Object helpdesk.ticket doesn't exist` (code 2) or `KeyError: 'helpdesk.ticket'`: the module
    /// is not installed.
    MissingModel,
    /// Code 1 with `database "x" does not exist`.
    MissingDatabase,
    /// Code 2 otherwise: `UserError`, `ValidationError`, `MissingError`.
    Validation,
    /// Code 1 otherwise: any other server exception (`ValueError: Invalid field`, a SQL error).
    Server,
}

impl FaultKind {
    /// The class of `fault`, raised by calling `model` (if any).
    pub fn classify(fault: &Fault, model: Option<&str>) -> Self {
        let text = fault.string.as_str();
        let lower = text.to_lowercase();
        if lower.contains("private methods") {
            return FaultKind::PrivateMethod;
        }
        if lower.contains("doesn't exist") && lower.contains("object ") {
            return FaultKind::MissingModel;
        }
        if let Some(model) = model
            && (text.contains(&format!("KeyError: '{model}'")) || text.contains(&format!("KeyError: \"{model}\"")))
        {
            return FaultKind::MissingModel;
        }
        match fault.code {
            3 => FaultKind::AccessDenied,
            4 => FaultKind::AccessError,
            2 => FaultKind::Validation,
            _ if lower.contains("database") && lower.contains("does not exist") => FaultKind::MissingDatabase,
            // The legacy route puts the exception's message in a string code (kept as code 0).
            0 if lower.starts_with("access denied") => FaultKind::AccessDenied,
            _ => FaultKind::Server,
        }
    }
}

impl OdooError {
    /// A fault raised by `method` (on `model`, for `execute_kw`).
    pub fn fault(fault: Fault, model: Option<&str>, method: &str) -> Self {
        let kind = FaultKind::classify(&fault, model);
        let message = last_line(&fault.string).to_owned();
        OdooError::Fault {
            model: model.map(str::to_owned),
            method: method.to_owned(),
            code: fault.code,
            kind,
            message,
            text: fault.string,
        }
    }

    /// Whether the request outran a time limit, on the client or on the server's proxy: a timeout,
    /// a 502 or 504, or a connection broken mid-response. Retrying with a smaller page may help.
    pub fn is_timeout(&self) -> bool {
        match self {
            OdooError::Timeout { .. } | OdooError::Disconnected { .. } => true,
            OdooError::Status { status, .. } => matches!(status, 502 | 504),
            _ => false,
        }
    }

    /// The fault's class, when this is a fault.
    pub fn fault_kind(&self) -> Option<FaultKind> {
        match self {
            OdooError::Fault { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// A status error, quoting the start of `body`.
    pub(crate) fn status(url: &str, status: u16, body: &[u8]) -> Self {
        let body = String::from_utf8_lossy(body);
        let mut quoted: String = body.trim().chars().take(QUOTED_BODY).collect();
        if body.trim().chars().count() > QUOTED_BODY {
            quoted.push('…');
        }
        OdooError::Status { url: url.to_owned(), status, body: quoted }
    }
}

/// The last non-empty line of a fault string (the exception line of a traceback).
fn last_line(text: &str) -> &str {
    text.lines().map(str::trim).rfind(|line| !line.is_empty()).unwrap_or("")
}

impl fmt::Display for OdooError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OdooError::Status { url, status: 404, .. } => write!(
                f,
                "{url} answered 404 Not Found: the base URL is wrong or the server has no XML-RPC endpoint; give the \
                 Odoo address alone (`https://example.odoo.com`, without `/web` or `/odoo`)"
            ),
            OdooError::Status { url, status: 413, .. } => write!(
                f,
                "{url} answered 413: the request is larger than the server or its proxy accepts; ask for fewer \
                 records per call"
            ),
            OdooError::Status { url, status: status @ (502 | 504), .. } => write!(
                f,
                "{url} answered {status} from the proxy in front of Odoo: the call most likely ran past the \
                 server's time limit; retry with a smaller page"
            ),
            OdooError::Status { url, status, body } => {
                write!(f, "{url} answered HTTP {status} instead of 200")?;
                if !body.is_empty() {
                    write!(f, ": {body}")?;
                }
                Ok(())
            }
            OdooError::Connect { url, message } => {
                write!(f, "cannot connect to {url}: {message}; check the base URL and that the server is reachable")
            }
            OdooError::Disconnected { url, message } => write!(
                f,
                "the connection to {url} broke before the answer was complete ({message}); the call may have \
                 outrun a server limit: retry with a smaller page"
            ),
            OdooError::Timeout { url, after } => write!(
                f,
                "no complete answer from {url} within {:.1} s; retry with a smaller page or raise the timeout",
                after.as_secs_f64()
            ),
            OdooError::Fault { model, method, code, kind, message, .. } => {
                let target = match model {
                    Some(model) => format!("{model}.{method}"),
                    None => method.clone(),
                };
                let model = model.as_deref().unwrap_or("the model");
                match kind {
                    FaultKind::AccessDenied => write!(
                        f,
                        "Odoo refused the credentials for {target} (fault {code}: {message}): check the login and \
                         API key, that the key has not expired, and that the database's plan includes the external \
                         API (Odoo Online offers it only on Custom plans)"
                    ),
                    FaultKind::AccessError => write!(
                        f,
                        "the Odoo user may not use {target} (fault {code}: {message}): give the migration user read \
                         access to `{model}` (for helpdesk models, the Helpdesk administrator group), or leave that \
                         object out of the spec"
                    ),
                    FaultKind::PrivateMethod => write!(
                        f,
                        "Odoo refuses `{method}` over XML-RPC because it is private (fault {code}: {message}); call a \
                         public ORM method such as search_read, read or fields_get"
                    ),
                    FaultKind::MissingModel => write!(
                        f,
                        "model `{model}` does not exist on this database (fault {code}: {message}): install the \
                         Helpdesk app (Enterprise `helpdesk` or OCA `helpdesk_mgmt`) or check the model name"
                    ),
                    FaultKind::MissingDatabase => write!(
                        f,
                        "the database does not exist (fault {code}: {message}): check the database name in the \
                         source settings"
                    ),
                    FaultKind::Validation => write!(f, "Odoo rejected {target} (fault {code}): {message}"),
                    FaultKind::Server => write!(
                        f,
                        "Odoo failed while running {target} (fault {code}): {message}; the full traceback is kept \
                         with the error"
                    ),
                }
            }
            OdooError::WrongCredentials { database, login } => write!(
                f,
                "wrong login or API key: Odoo refused login `{login}` on database `{database}`; check the login, \
                 that the API key belongs to that user and has not expired"
            ),
            OdooError::Malformed { url, error } => write!(
                f,
                "{url} did not answer with XML-RPC ({error}); check that the base URL points at an Odoo server"
            ),
            OdooError::UnexpectedAnswer { method, found } => {
                write!(f, "`{method}` answered {found}, which Odoo does not send; is this server really Odoo?")
            }
            OdooError::NotAuthenticated => f.write_str("no Odoo session: call authenticate before execute_kw"),
            OdooError::Setup { message } => write!(f, "cannot set up the Odoo client: {message}"),
        }
    }
}

impl std::error::Error for OdooError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(code: i64, string: &str) -> Fault {
        Fault { code, string: string.into() }
    }

    #[test]
    fn faults_are_classified_by_code_then_by_stable_phrases() {
        let cases = [
            (fault(3, "Access Denied"), FaultKind::AccessDenied),
            (fault(0, "Access Denied\nTraceback..."), FaultKind::AccessDenied),
            (
                fault(4, "You are not allowed to access 'Helpdesk Ticket' (helpdesk.ticket) records."),
                FaultKind::AccessError,
            ),
            (fault(4, "Private methods (such as _read) cannot be called remotely."), FaultKind::PrivateMethod),
            (fault(2, "Object helpdesk.ticket doesn't exist"), FaultKind::MissingModel),
            (
                fault(1, "Traceback (most recent call last):\n  ...\nKeyError: 'helpdesk.ticket'\n"),
                FaultKind::MissingModel,
            ),
            (
                fault(1, "Traceback\npsycopg2.OperationalError: database \"acme\" does not exist"),
                FaultKind::MissingDatabase,
            ),
            (fault(2, "Record does not exist or has been deleted."), FaultKind::Validation),
            (fault(1, "Traceback\nValueError: Invalid field 'foo' on model 'helpdesk.ticket'"), FaultKind::Server),
        ];
        for (fault, kind) in cases {
            assert_eq!(FaultKind::classify(&fault, Some("helpdesk.ticket")), kind, "{}", fault.string);
        }
    }

    #[test]
    fn a_fault_keeps_its_last_line_as_message_and_the_whole_text() {
        let text = "Traceback (most recent call last):\n  File \"x.py\"\nValueError: Invalid field 'foo'\n\n";
        let error = OdooError::fault(fault(1, text), Some("helpdesk.ticket"), "search_read");
        let OdooError::Fault { message, text: whole, code, .. } = &error else { panic!() };
        assert_eq!(message, "ValueError: Invalid field 'foo'");
        assert_eq!(whole, text);
        assert_eq!(*code, 1);
        assert_eq!(
            error.to_string(),
            "Odoo failed while running helpdesk.ticket.search_read (fault 1): ValueError: Invalid field 'foo'; the \
             full traceback is kept with the error"
        );
    }

    #[test]
    fn messages_say_what_to_do() {
        let missing =
            OdooError::fault(fault(2, "Object helpdesk.ticket doesn't exist"), Some("helpdesk.ticket"), "search");
        assert!(missing.to_string().contains("install the Helpdesk app"), "{missing}");
        let denied = OdooError::fault(fault(3, "Access Denied"), Some("res.users"), "read");
        assert!(denied.to_string().contains("Custom plans"), "{denied}");
        let access = OdooError::fault(fault(4, "You are not allowed"), Some("mail.message"), "search_read");
        assert!(access.to_string().contains("read access to `mail.message`"), "{access}");
        let private = OdooError::fault(fault(4, "Private methods (such as _x) cannot be called remotely."), None, "_x");
        assert!(private.to_string().contains("public ORM method"), "{private}");
        let wrong = OdooError::WrongCredentials { database: "acme".into(), login: "bot@acme.test".into() };
        assert!(wrong.to_string().starts_with("wrong login or API key"), "{wrong}");
    }

    #[test]
    fn timeouts_and_proxy_errors_invite_a_smaller_page() {
        let url = "http://odoo/xmlrpc/2/object";
        assert!(OdooError::Timeout { url: url.into(), after: Duration::from_secs(1) }.is_timeout());
        assert!(OdooError::status(url, 502, b"Bad Gateway").is_timeout());
        assert!(OdooError::status(url, 504, b"").is_timeout());
        assert!(OdooError::Disconnected { url: url.into(), message: "reset".into() }.is_timeout());
        assert!(!OdooError::status(url, 404, b"").is_timeout());
        assert!(!OdooError::Connect { url: url.into(), message: "refused".into() }.is_timeout());
        assert!(!OdooError::fault(fault(1, "x"), None, "m").is_timeout());
        assert!(OdooError::status(url, 404, b"").to_string().contains("base URL is wrong"));
        assert!(OdooError::status(url, 413, b"").to_string().contains("fewer records"));
        let long = OdooError::status(url, 500, "x".repeat(1000).as_bytes());
        assert!(long.to_string().len() < 300);
    }
}
