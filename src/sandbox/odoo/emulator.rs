//! [`OdooEmulator`]: Odoo's `common` and `object` XML-RPC services over a generated dataset.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::arguments::{Arguments, Signature};
use super::config::{EmulatorConfig, ModelAccess};
use super::dataset::Dataset;
use super::faults;
use super::orm::OrmCall;
use super::outcome::{Outcome, Response, SlowRead};
use crate::drivers::odoo::{Fault, XmlRpcValue};

/// An emulated Odoo server: thread-safe, read-only, stateless per call like Odoo's object
/// service (every `execute_kw` re-checks database, uid and password or API key).
#[derive(Debug)]
pub struct OdooEmulator {
    config: EmulatorConfig,
    dataset: Dataset,
    calls: AtomicU64,
    reads: ReadLog,
}

/// One `read` or `search_read` the emulator answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadCall {
    /// The model read.
    pub model: String,
    /// `read` or `search_read`.
    pub method: String,
    /// The fields asked for (empty: all).
    pub fields: Vec<String>,
    /// How many records the answer held.
    pub records: usize,
}

/// The reads an emulator answered, in order: a handle that stays valid while a server owns the
/// emulator, so tests can check what a client read (e.g. that file content is read one record at
/// a time).
#[derive(Clone, Debug, Default)]
pub struct ReadLog(Arc<Mutex<Vec<ReadCall>>>);

impl ReadLog {
    /// Every read so far.
    pub fn calls(&self) -> Vec<ReadCall> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn push(&self, call: ReadCall) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(call);
    }
}

/// A service method's answer before slowness is applied: the value, and the cells of a read.
pub(super) struct Answer {
    /// The value returned.
    pub value: XmlRpcValue,
    /// Records × fields for `read`/`search_read`.
    pub cells: Option<u64>,
}

impl Answer {
    fn plain(value: XmlRpcValue) -> Answer {
        Answer { value, cells: None }
    }
}

const AUTHENTICATE: Signature = Signature {
    name: "authenticate",
    parameters: &["db", "login", "password", "user_agent_env"],
    required: 4,
    keyword_only: &[],
    bound: false,
};
const LOGIN: Signature =
    Signature { name: "login", parameters: &["db", "login", "password"], required: 3, keyword_only: &[], bound: false };
const VERSION: Signature = Signature { name: "version", parameters: &[], required: 0, keyword_only: &[], bound: false };
const EXECUTE_KW: Signature = Signature {
    name: "execute_kw",
    parameters: &["db", "uid", "obj", "method", "args", "kw"],
    required: 5,
    keyword_only: &[],
    bound: false,
};

impl OdooEmulator {
    /// Load the configured data directory and serve it.
    pub fn new(config: EmulatorConfig) -> Result<OdooEmulator, String> {
        let dataset = Dataset::load(&config)?;
        Ok(OdooEmulator { config, dataset, calls: AtomicU64::new(0), reads: ReadLog::default() })
    }

    /// The log of the reads this emulator answers (shared: keep it before handing the emulator
    /// to a server).
    pub fn read_log(&self) -> ReadLog {
        self.reads.clone()
    }

    /// The configuration.
    pub fn config(&self) -> &EmulatorConfig {
        &self.config
    }

    /// How many calls were dispatched.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Run one call as Odoo answers it: `service` is `common` or `object`. Sleeps the configured
    /// delay first, and answers even reads above the slowness threshold (the HTTP layer uses
    /// [`OdooEmulator::respond`] to hold those instead).
    pub fn dispatch(&self, service: &str, method: &str, params: Vec<XmlRpcValue>) -> Result<XmlRpcValue, Fault> {
        if !self.config.slowness.delay.is_zero() {
            std::thread::sleep(self.config.slowness.delay);
        }
        self.answer(service, method, params).map(|answer| answer.value)
    }

    /// Run one call for the HTTP layer: no sleeping — the delay is returned to be awaited — and a
    /// `read`/`search_read` answering more cells (records × fields) than
    /// [`super::Slowness::large_read_cells`] comes back as [`Outcome::Slow`].
    pub fn respond(&self, service: &str, method: &str, params: Vec<XmlRpcValue>) -> Response {
        let inner = if service == "object" { object_method(method, &params) } else { None };
        let slow_model = inner.as_ref().map(|(model, _)| model.as_str());
        let outcome = match self.answer(service, method, params) {
            Ok(Answer { cells: Some(cells), value })
                if self.config.slowness.large_read_cells.is_some_and(|threshold| cells > threshold)
                    || self.reaches_slow_records(slow_model, &value) =>
            {
                let (model, method) = inner.unwrap_or_default();
                Outcome::Slow(SlowRead {
                    model,
                    method,
                    cells,
                    threshold: self.config.slowness.large_read_cells.unwrap_or_default(),
                })
            }
            Ok(answer) => Outcome::Answer(Ok(answer.value)),
            Err(fault) => Outcome::Answer(Err(fault)),
        };
        Response { delay: self.config.slowness.delay, outcome }
    }

    /// Whether a read of `model` answered a record at or after [`super::Slowness::slow_from_id`].
    fn reaches_slow_records(&self, model: Option<&str>, value: &XmlRpcValue) -> bool {
        let Some((slow_model, from)) = &self.config.slowness.slow_from_id else { return false };
        let XmlRpcValue::Array(rows) = value else { return false };
        model == Some(slow_model.as_str())
            && rows.iter().any(|row| matches!(row.member("id"), Some(XmlRpcValue::Int(id)) if id >= from))
    }

    fn answer(&self, service: &str, method: &str, params: Vec<XmlRpcValue>) -> Result<Answer, Fault> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        match service {
            "common" => self.common(method, params).map(Answer::plain),
            "object" => self.object(method, params),
            // `list_db = False`: the database service refuses everything.
            "db" => Err(faults::access_denied(self.config.version)),
            other => Err(faults::python_error("KeyError", &format!("'{other}'"))),
        }
    }

    fn common(&self, method: &str, params: Vec<XmlRpcValue>) -> Result<XmlRpcValue, Fault> {
        match method {
            "version" => {
                Arguments::bind(&VERSION, params, Vec::new())?;
                Ok(self.version())
            }
            "authenticate" | "login" => {
                let signature = if method == "login" { &LOGIN } else { &AUTHENTICATE };
                let arguments = Arguments::bind(signature, params, Vec::new())?;
                let text = |name| match arguments.get(name) {
                    Some(XmlRpcValue::String(text)) => text.clone(),
                    _ => String::new(),
                };
                self.check_database(&text("db"))?;
                let accepted = text("login") == self.config.login && self.accepts_secret(&text("password"));
                // Bad credentials are not a fault here: `authenticate` answers False.
                Ok(if accepted { XmlRpcValue::Int(self.config.uid) } else { XmlRpcValue::Bool(false) })
            }
            other => Err(faults::python_error("Exception", &format!("Method not found: {other}"))),
        }
    }

    /// `version()`: the four members Odoo sends, in its order.
    fn version(&self) -> XmlRpcValue {
        let version = self.config.version;
        let edition = if self.config.enterprise_build { "e" } else { "" };
        let suffix = if self.config.enterprise_build { "+e" } else { "" };
        XmlRpcValue::Struct(vec![
            ("server_version".to_owned(), XmlRpcValue::String(format!("{}{suffix}", version.serie()))),
            (
                "server_version_info".to_owned(),
                XmlRpcValue::Array(vec![
                    XmlRpcValue::Int(i64::from(version.major())),
                    XmlRpcValue::Int(0),
                    XmlRpcValue::Int(0),
                    XmlRpcValue::String("final".to_owned()),
                    XmlRpcValue::Int(0),
                    XmlRpcValue::String(edition.to_owned()),
                ]),
            ),
            ("server_serie".to_owned(), XmlRpcValue::String(version.serie())),
            ("protocol_version".to_owned(), XmlRpcValue::Int(1)),
        ])
    }

    fn object(&self, method: &str, params: Vec<XmlRpcValue>) -> Result<Answer, Fault> {
        if method != "execute_kw" && method != "execute" {
            return Err(faults::python_error("Exception", &format!("Method not found: {method}")));
        }
        if params.len() < 3 {
            return Err(faults::python_error("IndexError", "list index out of range"));
        }
        let database = match &params[0] {
            XmlRpcValue::String(database) => database.clone(),
            _ => String::new(),
        };
        self.check_database(&database)?;
        let uid = match &params[1] {
            XmlRpcValue::Int(uid) => Some(*uid),
            XmlRpcValue::String(text) => text.trim().parse().ok(),
            _ => None,
        };
        let Some(uid) = uid else {
            return Err(faults::python_error(
                "ValueError",
                &format!("invalid literal for int() with base 10: {}", faults::python_repr(&params[1])),
            ));
        };
        let secret = match &params[2] {
            XmlRpcValue::String(secret) => secret.clone(),
            _ => String::new(),
        };
        if uid != self.config.uid || !self.accepts_secret(&secret) {
            return Err(faults::access_denied(self.config.version));
        }
        let mut params = params;
        let rest = params.split_off(3);
        let (model, method, args, kwargs) = if method == "execute" {
            let mut rest = rest.into_iter();
            let (Some(model), Some(method)) = (rest.next(), rest.next()) else {
                return Err(faults::type_error(
                    "execute() missing 2 required positional arguments: 'obj' and 'method'",
                ));
            };
            (model, method, rest.collect(), Vec::new())
        } else {
            let mut positional = vec![params[0].clone(), XmlRpcValue::Int(uid)];
            positional.extend(rest);
            let arguments = Arguments::bind(&EXECUTE_KW, positional, Vec::new())?;
            let args = match arguments.get("args") {
                Some(XmlRpcValue::Array(items)) => items.clone(),
                Some(other) => {
                    return Err(faults::type_error(&format!(
                        "odoo.api.call_kw() argument after * must be an iterable, not {}",
                        python_type(other)
                    )));
                }
                None => Vec::new(),
            };
            let kwargs = match arguments.get("kw") {
                Some(XmlRpcValue::Struct(members)) => members.clone(),
                Some(XmlRpcValue::Bool(false) | XmlRpcValue::Nil) | None => Vec::new(),
                Some(other) => {
                    return Err(faults::type_error(&format!(
                        "odoo.api.call_kw() argument after ** must be a mapping, not {}",
                        python_type(other)
                    )));
                }
            };
            (
                arguments.get("obj").cloned().unwrap_or(XmlRpcValue::Nil),
                arguments.get("method").cloned().unwrap_or(XmlRpcValue::Nil),
                args,
                kwargs,
            )
        };
        let (XmlRpcValue::String(model), XmlRpcValue::String(method)) = (&model, &method) else {
            return Err(faults::type_error("model and method names must be strings"));
        };
        let held = match self.config.access_to(model) {
            ModelAccess::Missing => None,
            _ => self.dataset.model(model),
        };
        let Some(held) = held else { return Err(faults::missing_model(model)) };
        let fields = if matches!(method.as_str(), "read" | "search_read") {
            let named = kwargs.iter().find(|(name, _)| name == "fields").map(|(_, value)| value).or(args.get(1));
            match named {
                Some(XmlRpcValue::Array(items)) => Some(
                    items
                        .iter()
                        .filter_map(|item| if let XmlRpcValue::String(name) = item { Some(name.clone()) } else { None })
                        .collect(),
                ),
                _ => Some(Vec::new()),
            }
        } else {
            None
        };
        let answer =
            OrmCall { config: &self.config, dataset: &self.dataset, model: held }.call(method, args, kwargs)?;
        if let Some(fields) = fields {
            let records = match &answer.value {
                XmlRpcValue::Array(items) => items.len(),
                _ => 0,
            };
            self.reads.push(ReadCall { model: model.clone(), method: method.clone(), fields, records });
        }
        Ok(answer)
    }

    fn check_database(&self, database: &str) -> Result<(), Fault> {
        if database == self.config.database { Ok(()) } else { Err(faults::unknown_database(database)) }
    }

    /// The API key (from 14 on: 13 has none); the password only when password RPC is allowed.
    fn accepts_secret(&self, secret: &str) -> bool {
        !secret.is_empty()
            && ((self.config.version.has_api_keys() && secret == self.config.api_key)
                || self.config.password.as_deref().is_some_and(|password| password == secret))
    }
}

/// `(model, method)` of an `execute_kw`/`execute` call, for [`SlowRead`].
fn object_method(method: &str, params: &[XmlRpcValue]) -> Option<(String, String)> {
    if method != "execute_kw" && method != "execute" {
        return None;
    }
    match (params.get(3), params.get(4)) {
        (Some(XmlRpcValue::String(model)), Some(XmlRpcValue::String(method))) => Some((model.clone(), method.clone())),
        _ => None,
    }
}

/// Python's type name for a value, in `TypeError` messages.
pub(super) fn python_type(value: &XmlRpcValue) -> &'static str {
    match value {
        XmlRpcValue::Int(_) => "int",
        XmlRpcValue::Bool(_) => "bool",
        XmlRpcValue::String(_) => "str",
        XmlRpcValue::Double(_) => "float",
        XmlRpcValue::DateTime(_) => "datetime",
        XmlRpcValue::Base64(_) => "bytes",
        XmlRpcValue::Struct(_) => "dict",
        XmlRpcValue::Array(_) => "list",
        XmlRpcValue::Nil => "NoneType",
    }
}
