//! [`TopdeskEmulator`]: the dataset, the configuration and the request log, and the routing of
//! one decoded request to its endpoint.
//!
//! Routing is by path segments (incident numbers carry spaces, so they arrive percent-encoded),
//! after the module gate: a forbidden or unlicensed module answers before any endpoint runs; a
//! filtered one reaches its endpoints, which see no records ([`TopdeskEmulator::records`]).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::StatusCode;
use serde_json::json;

use super::config::{Access, HiddenRecord, Module, TopdeskConfig, UnlicensedAnswer};
use super::dataset::{Dataset, Row};
use super::reply::{Family, Reply, Request};
use super::{assets, changes, incidents, knowledge, operations, render, supporting};

/// One request the emulator answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    /// `GET`, …
    pub method: String,
    /// The path as sent.
    pub path: String,
    /// The raw query string (empty when none).
    pub query: String,
    /// The status answered.
    pub status: u16,
}

/// The emulated TOPdesk.
#[derive(Debug)]
pub struct TopdeskEmulator {
    config: TopdeskConfig,
    pub(super) data: Dataset,
    pub(super) partials: HashMap<String, Vec<String>>,
    /// Row indexes of `progresstrail` per incident, in generation (oldest first) order.
    pub(super) trail: HashMap<String, Vec<usize>>,
    log: Mutex<Vec<LoggedRequest>>,
}

impl TopdeskEmulator {
    /// Load the data `config` names.
    pub fn new(config: TopdeskConfig) -> Result<TopdeskEmulator, String> {
        let data = Dataset::load(&config.data_directory)?;
        let partials = render::partials(&data);
        let mut trail: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, row) in data.table("progresstrail").rows.iter().enumerate() {
            if let Some(incident) = render::text(row, "incident") {
                trail.entry(incident.to_owned()).or_default().push(index);
            }
        }
        Ok(TopdeskEmulator { config, data, partials, trail, log: Mutex::new(Vec::new()) })
    }

    /// The configuration.
    pub fn config(&self) -> &TopdeskConfig {
        &self.config
    }

    /// Every request answered so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub(super) fn record(&self, entry: LoggedRequest) {
        self.log.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(entry);
    }

    /// Whether the Basic credentials are the configured operator's.
    pub fn authorized(&self, login: &str, password: &str) -> bool {
        login == self.config.login && password == self.config.password
    }

    /// The rows of `table`, or none when record-level filters hide `module`'s records.
    pub(super) fn records(&self, module: Module, table: &str) -> &[Row] {
        if self.hides(module) { &[] } else { &self.data.table(table).rows }
    }

    /// The row `id` of `table`: 404 when missing, the configured answer when hidden.
    pub(super) fn find(&self, module: Module, family: Family, table: &str, id: &str) -> Result<&Row, Reply> {
        let row = self.data.get(table, id).ok_or_else(|| Reply::not_found(family))?;
        match self.config.access_to(module) {
            Access::Filtered(HiddenRecord::Forbidden) => Err(Reply::forbidden(family)),
            Access::Filtered(HiddenRecord::NotFound) | Access::Unlicensed(_) => Err(Reply::not_found(family)),
            _ => Ok(row),
        }
    }

    /// The first row of `table` whose `field` is `wanted` (numbers), with the same gate.
    pub(super) fn find_by(
        &self,
        module: Module,
        family: Family,
        table: &str,
        field: &str,
        wanted: &str,
    ) -> Result<&Row, Reply> {
        let id = self.data.table(table).rows.iter().find(|row| render::text(row, field) == Some(wanted));
        let id = id.and_then(|row| render::text(row, "id")).ok_or_else(|| Reply::not_found(family))?;
        self.find(module, family, table, id)
    }

    /// Whether record-level filters (or an unlicensed module answering empty) hide every
    /// record of `module`.
    pub(super) fn hides(&self, module: Module) -> bool {
        matches!(self.config.access_to(module), Access::Filtered(_) | Access::Unlicensed(UnlicensedAnswer::Empty))
    }

    /// The answer to an authenticated `GET`.
    pub fn respond(&self, request: &Request) -> Reply {
        let segments: Vec<&str> = request.segments.iter().map(String::as_str).collect();
        if let Some((module, family)) = module_of(&segments) {
            match self.config.access_to(module) {
                Access::Forbidden | Access::Unlicensed(UnlicensedAnswer::Forbidden) => {
                    return Reply::forbidden(family);
                }
                Access::Unlicensed(UnlicensedAnswer::NotFound) => return Reply::not_found(family),
                _ => {}
            }
        }
        let answer = match segments.as_slice() {
            ["tas", "api", "version"] => Ok(Reply::ok(json!({ "version": self.config.quirks.api_version }))),
            ["tas", "api", "productVersion"] => {
                let (major, minor, patch) = self.config.quirks.product_version;
                Ok(Reply::ok(json!({ "major": major, "minor": minor, "patch": patch })))
            }
            ["tas", "api", "incidents", rest @ ..] => incidents::route(self, request, rest),
            ["tas", "api", rest @ ..] if supporting::handles(rest) => supporting::route(self, request, rest),
            ["tas", "api", "operatorChanges" | "operatorChangeActivities", ..] => {
                changes::route(self, request, &segments[2..])
            }
            ["tas", "api", "assetmgmt", rest @ ..] => assets::route(self, request, rest),
            ["tas", "api", "operationalActivities" | "reservations", ..] => {
                operations::route(self, request, &segments[2..])
            }
            ["services", "knowledge-base-v1", rest @ ..] => knowledge::route(self, request, rest),
            _ => Err(Reply::Json(StatusCode::NOT_FOUND, json!([{ "message": "Not found" }]), Vec::new())),
        };
        answer.unwrap_or_else(|reply| reply)
    }
}

/// The module and error family of a path (`None`: not gated, such as `/version`).
fn module_of(segments: &[&str]) -> Option<(Module, Family)> {
    match segments {
        ["services", "knowledge-base-v1", ..] => Some((Module::Knowledge, Family::Modern)),
        ["tas", "api", "operators", "current"] => None,
        ["tas", "api", first, ..] => Some(match *first {
            "incidents" => (Module::Incidents, Family::Classic),
            "persons" | "persongroups" => (Module::Persons, Family::Classic),
            "operators" | "operatorgroups" => (Module::Operators, Family::Classic),
            "branches" | "locations" | "departments" => (Module::Branches, Family::Classic),
            "operatorChanges" | "operatorChangeActivities" => (Module::Changes, Family::Modern),
            "assetmgmt" => (Module::Assets, Family::Modern),
            "operationalActivities" => (Module::Operations, Family::Modern),
            "reservations" => (Module::Reservations, Family::Modern),
            _ => return None,
        }),
        _ => None,
    }
}
