//! The TOPdesk emulator: TOPdesk's REST APIs over a generated dataset, read-only, for tests of
//! the TOPdesk source driver and for rehearsals (`cutover sandbox topdesk`).
//!
//! [`TopdeskEmulator`] loads the flat tables `cutover generate --platform topdesk` writes and
//! answers decoded requests; [`TopdeskServer`] serves it over HTTP on 127.0.0.1. It follows the
//! TOPdesk reference digest (sections 2 to 16), and where the digest is UNCERTAIN the choice is
//! a switch in [`Quirks`]:
//!
//! - **Authentication.** HTTP Basic with the operator's login name and application password,
//!   401 otherwise; `/tas/api/version`, `/tas/api/productVersion`, `/tas/api/operators/current`.
//! - **Paging.** The four envelopes: bare arrays with 206 (more) and 204 (none), `{item, size,
//!   next}` and `{item, prev, next}` with absolute `next` links, `{results}`, and the asset grid
//!   `{columns, dataSet, count}`; each endpoint's parameter names and maxima (400 beyond them).
//! - **Queries.** FIQL `query=` (`fiql.rs`), `sort=`, `fields=`/`$fields=`, `dateFormat=iso8601`
//!   and each family's own date style (`dates.rs`).
//! - **Incidents** with their progress trail, requests, actions, attachments and downloads, and
//!   the reference lists (`incidents.rs`); **persons** v1/v2, operators, groups, branches,
//!   locations, departments (`supporting.rs`); **changes** and change activities
//!   (`changes.rs`); the **asset** grid, templates and links (`assets.rs`); the **knowledge
//!   base** per language with folders (`knowledge.rs`); **operational activities** and
//!   **reservations** (`operations.rs`).
//! - **Access.** Per module ([`Module`]): readable, forbidden (403 with the family's error
//!   body), unlicensed (404, 403 or empty, [`UnlicensedAnswer`]), or filtered (lists empty,
//!   single records 404 or 403, [`HiddenRecord`]).
//! - **Slowness.** A delay on every request, and requests for large pages delayed or held and
//!   answered 504 ([`Slowness`]). Every request is logged with its status.

mod assets;
mod changes;
mod config;
mod dataset;
mod dates;
mod emulator;
mod fiql;
mod incidents;
mod knowledge;
mod operations;
mod render;
mod reply;
mod server;
mod supporting;

pub use config::{Access, HOLD, HiddenRecord, Module, Quirks, SlowAnswer, Slowness, TopdeskConfig, UnlicensedAnswer};
pub use emulator::{LoggedRequest, TopdeskEmulator};
pub use operations::ACTIVITIES_V1;
pub use render::list_id;
pub use server::TopdeskServer;
pub use supporting::PERSONS_V2;
