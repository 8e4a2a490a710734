//! The Odoo emulator: the server-side semantics of Odoo's XML-RPC `common` and `object`
//! services over a generated Help Desk dataset, for tests of the Odoo source driver.
//!
//! [`OdooEmulator::dispatch`] takes a service, a method and its decoded parameters and returns
//! what Odoo would: a value or a [`Fault`](crate::drivers::odoo::Fault). [`OdooServer`]
//! (`server.rs`) is the HTTP layer: it decodes `methodCall`s, calls [`OdooEmulator::respond`]
//! (which also reports the injected delay and [`Outcome::Slow`] reads) and encodes the answer.
//!
//! What it reproduces, following the Odoo reference digest:
//!
//! - **Authentication.** `common.version()` needs no credentials; `authenticate`/`login` answer
//!   the uid or False (never a fault on bad credentials; an unknown database is fault 1). Every
//!   `object` call re-checks database, uid and API key (or password when allowed): fault 3
//!   `Access Denied` otherwise.
//! - **ORM.** `search`, `search_read`, `read`, `search_count`, `fields_get` (with `allfields`
//!   and `attributes`), `name_get` where the version has it; arguments bound like Python (arity
//!   and keyword faults are `TypeError`s); `context.active_test`; `order`, `offset`, `limit`
//!   (0 or False: none); every domain operator (`domain.rs`).
//! - **Values.** False for empty non-boolean fields, 0/0.0 for empty numbers, many2one as
//!   `[id, display_name]` (bare id with `load=""`), to-many fields as id arrays (archived
//!   targets hidden under `active_test`), naive-UTC datetimes, selection keys, base64 binaries,
//!   integers beyond 32 bits as doubles.
//! - **Faults.** 1 (traceback ending `ValueError: Invalid field …`, `TypeError: …`), 2 (missing
//!   model or record), 3 (credentials), 4 (ACL, configurable per model; private methods).
//! - **Versions.** 13 to 18 ([`OdooVersion`]; what changes is listed in `dataset.rs`).
//!
//! It is read-only: `create`, `write` and friends are fault 1.

mod arguments;
mod config;
mod dataset;
mod domain;
mod emulator;
mod faults;
mod field;
mod model;
mod order;
mod orm;
mod outcome;
mod pattern;
mod record;
mod server;
mod version;

pub use config::{EmulatorConfig, HELPDESK_MODELS, ModelAccess, Slowness};
pub use emulator::{OdooEmulator, ReadCall, ReadLog};
pub use outcome::{Outcome, Response, SlowRead};
pub use server::{HOLD, OdooServer};
pub use version::{OdooVersion, SUPPORTED_MAJORS};
