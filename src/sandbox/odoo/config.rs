//! [`EmulatorConfig`]: the database, credentials, version, access rules and injected slowness of
//! one emulated Odoo.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::version::OdooVersion;

/// How one emulated Odoo is set up.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// The database name every call must name (`acme`).
    pub database: String,
    /// The integration user's login.
    pub login: String,
    /// The user's id, returned by `authenticate` (2 is the administrator in a fresh database).
    pub uid: i64,
    /// The user's API key (accepted in place of the password on 14+; 13 has no API keys and
    /// takes only `password`).
    pub api_key: String,
    /// The user's password; `None` when password RPC is refused (2FA, or a key-only policy).
    pub password: Option<String>,
    /// The Odoo major the emulator answers as.
    pub version: OdooVersion,
    /// `version()` shows the Enterprise marker (`"17.0+e"`, `server_version_info` ending in
    /// `"e"`). The digest says Enterprise builds *may* show it; the helpdesk is an Enterprise
    /// module, so this defaults to true.
    pub enterprise_build: bool,
    /// Whether `helpdesk.ticket.kanban_state` still exists on 18 (UNCERTAIN in the digest;
    /// present by default). Ignored before 18, where it always exists.
    pub kanban_state_on_18: bool,
    /// Per-model access; models not listed are readable.
    pub access: BTreeMap<String, ModelAccess>,
    /// Injected slowness.
    pub slowness: Slowness,
    /// The directory `cutover generate --platform odoo` wrote (NDJSON per model and
    /// `odoo.lock.yaml`).
    pub data_directory: PathBuf,
}

/// What the user may do with one model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelAccess {
    /// Read everything (the default).
    Readable,
    /// ACL refuses reading: searches and reads answer fault 4 (`AccessError`), listing the
    /// groups that would be allowed (`Helpdesk / User`).
    Denied {
        /// The groups named in the message.
        groups: Vec<String>,
    },
    /// The model does not exist (its module is not installed): fault 2 "Object … doesn't exist".
    Missing,
}

/// Injected slowness, for the client's timeout and batch-shrinking logic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slowness {
    /// Added to every call ([`super::OdooEmulator::dispatch`] sleeps it;
    /// [`super::OdooEmulator::respond`] hands it to the HTTP layer).
    pub delay: Duration,
    /// A `read` or `search_read` answering more than this many cells (records × fields,
    /// `id` included) is [`super::Outcome::Slow`] from [`super::OdooEmulator::respond`]: the
    /// worker would outrun `limit_time_real`.
    pub large_read_cells: Option<u64>,
    /// `(model, id)`: a `read` or `search_read` of `model` answering any record with this id or
    /// a higher one is slow too, whatever its size (records that outrun the server, such as
    /// tickets with huge descriptions, from some point on).
    pub slow_from_id: Option<(String, i64)>,
}

/// Helpdesk models (the Enterprise `helpdesk` module).
pub const HELPDESK_MODELS: [&str; 7] = [
    "helpdesk.ticket",
    "helpdesk.stage",
    "helpdesk.team",
    "helpdesk.tag",
    "helpdesk.ticket.type",
    "helpdesk.sla",
    "helpdesk.sla.status",
];

impl EmulatorConfig {
    /// A database `odoo` with user `admin` (uid 2), the given API key, no password RPC, Odoo 17,
    /// serving `data_directory`.
    pub fn new(data_directory: impl Into<PathBuf>, api_key: impl Into<String>) -> EmulatorConfig {
        EmulatorConfig {
            database: "odoo".to_owned(),
            login: "admin".to_owned(),
            uid: 2,
            api_key: api_key.into(),
            password: None,
            version: OdooVersion::default(),
            enterprise_build: true,
            kanban_state_on_18: true,
            access: BTreeMap::new(),
            slowness: Slowness::default(),
            data_directory: data_directory.into(),
        }
    }

    /// Mark every helpdesk model missing, as when the module is not installed.
    pub fn without_helpdesk(mut self) -> EmulatorConfig {
        for model in HELPDESK_MODELS {
            self.access.insert(model.to_owned(), ModelAccess::Missing);
        }
        self
    }

    /// The access rule of `model`.
    pub fn access_to(&self, model: &str) -> &ModelAccess {
        self.access.get(model).unwrap_or(&ModelAccess::Readable)
    }
}
