//! The module access check: for each object, can this operator read it, and how many records
//! are there?
//!
//! TOPdesk answers a module the operator may not read with 403, a module that is not licensed or
//! switched off (the knowledge base API behind its feature flag) with 404 — or, by the digest's
//! own admission, possibly otherwise — and silently shrinks lists the operator's category, branch
//! or operator filters hide. So an empty list is never taken to mean "no data": it is checked
//! against the object's count endpoint, or against a record another object refers to (the
//! caller, operator, operator group and branch of the first incident). A child object is checked
//! under its parent's first record (the first incident's trail, the first change's activities). Only when neither settles it does the report say "empty but
//! unconfirmed".

use std::fmt;

use serde::Serialize;
use serde_json::Value as Json;

use super::error::TopdeskError;
use super::model::{ENDPOINTS, Endpoint, endpoint};
use super::paging::encode;
use super::source::{TopdeskSource, lookup, remote};
use crate::drivers::DriverError;
use crate::run::value::Value;

/// What the operator can do with one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AccessStatus {
    /// Records came back; `records` is how many there are, when countable (not for child
    /// objects, which would need every parent read).
    Readable {
        /// The number of records.
        records: Option<u64>,
    },
    /// The list is empty and the count endpoint or a referenced record confirms there is nothing.
    Empty,
    /// The list is empty, yet records exist (the count says so, or a record another object refers
    /// to can be read): filters hide them from this operator.
    Hidden {
        /// How many exist, when a count said so.
        records: Option<u64>,
    },
    /// The list is empty and nothing could confirm it.
    EmptyUnconfirmed,
    /// 403: no read permission.
    Forbidden,
    /// 404 (not licensed, not enabled) or 406 (this TOPdesk version has no such API).
    Unavailable {
        /// The HTTP status.
        http_status: u16,
    },
    /// Another failure, with its message.
    Failed {
        /// What went wrong.
        message: String,
    },
}

impl AccessStatus {
    /// The number of records, when readable and counted.
    pub fn records(&self) -> Option<u64> {
        match self {
            AccessStatus::Readable { records } => *records,
            AccessStatus::Empty => Some(0),
            _ => None,
        }
    }
}

/// One line of the access report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModuleAccess {
    /// The object (`incidents`).
    pub object: String,
    /// What was found.
    #[serde(flatten)]
    pub status: AccessStatus,
}

impl fmt::Display for ModuleAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let object = &self.object;
        match &self.status {
            AccessStatus::Readable { records: Some(n) } => write!(f, "{object}: readable with {n} records"),
            AccessStatus::Readable { records: None } => write!(f, "{object}: readable"),
            AccessStatus::Empty => write!(f, "{object}: readable, no records (confirmed)"),
            AccessStatus::Hidden { records: Some(n) } => write!(
                f,
                "{object}: the list is empty but {n} records exist; the operator's filters hide them (check category, \
                 branch and operator filters)"
            ),
            AccessStatus::Hidden { records: None } => write!(
                f,
                "{object}: the list is empty but a record another object refers to can be read; the operator's \
                 filters hide them"
            ),
            AccessStatus::EmptyUnconfirmed => {
                write!(f, "{object}: empty but unconfirmed (nothing to check it against)")
            }
            AccessStatus::Forbidden => write!(f, "{object}: forbidden (403); the operator may not read this module"),
            AccessStatus::Unavailable { http_status } => {
                write!(f, "{object}: unlicensed/not available ({http_status})")
            }
            AccessStatus::Failed { message } => write!(f, "{object}: could not be checked: {message}"),
        }
    }
}

/// What earlier checks found: each object's first record (a child list is checked under it) and
/// the records the first incident points to (for confirming empty lists).
#[derive(Default)]
struct Known {
    first: Vec<(&'static str, String)>,
    refs: Vec<(&'static str, String)>,
}

impl TopdeskSource {
    /// Check every object (see the module documentation). Fails only when the credentials stop
    /// working; every other failure is a line of the report.
    pub fn access_report(&mut self) -> Result<Vec<ModuleAccess>, DriverError> {
        let mut known = Known::default();
        let mut report = Vec::new();
        for endpoint in &ENDPOINTS {
            let status = self.check(endpoint, &mut known, &report)?;
            report.push(ModuleAccess { object: endpoint.name.to_owned(), status });
        }
        Ok(report)
    }

    fn check(
        &mut self,
        endpoint: &'static Endpoint,
        known: &mut Known,
        report: &[ModuleAccess],
    ) -> Result<AccessStatus, DriverError> {
        let base = match endpoint.parent {
            Some((parent, _)) => match known.first.iter().find(|(object, _)| *object == parent) {
                Some((_, id)) => endpoint.path.replace("{parent}", &encode(id)),
                // No parent to look under: a child shares a refused parent's fate.
                None => {
                    let parent = report.iter().find(|module| module.object == parent).map(|m| m.status.clone());
                    return Ok(match parent {
                        Some(status @ (AccessStatus::Forbidden | AccessStatus::Unavailable { .. })) => status,
                        _ => AccessStatus::EmptyUnconfirmed,
                    });
                }
            },
            None => endpoint.path.to_owned(),
        };
        if endpoint.name == "knowledgeTranslations" {
            // Translations are the parent item asked again per language, not a list.
            let item = known.first.iter().find(|(object, _)| *object == "knowledgeItems");
            let item = item.map_or(Value::Null, |(_, id)| Value::text(id.as_str()));
            return Ok(match self.translations(&base, &item) {
                Ok(_) => AccessStatus::Readable { records: None },
                Err(error) => AccessStatus::Failed { message: error.to_string() },
            });
        }
        let page = match self.page(endpoint, &base, None, &[], 0, 1) {
            Ok((page, _)) => page,
            Err(error) => return failure(error),
        };
        if let Some(first) = page.items.first() {
            if let Some(id) = first.get("id").and_then(Json::as_str) {
                known.first.push((endpoint.name, id.to_owned()));
            }
            if endpoint.name == "incidents" {
                remember(first, known);
            }
            if endpoint.parent.is_some() {
                return Ok(AccessStatus::Readable { records: None });
            }
            return match self.count_records(endpoint) {
                Ok(records) => Ok(AccessStatus::Readable { records }),
                Err(error) => failure(error),
            };
        }
        if endpoint.parent.is_some() {
            return Ok(AccessStatus::EmptyUnconfirmed);
        }
        if endpoint.count.is_some() {
            match self.count_records(endpoint) {
                Ok(Some(0)) => return Ok(AccessStatus::Empty),
                Ok(Some(records)) => return Ok(AccessStatus::Hidden { records: Some(records) }),
                Ok(None) => {}
                Err(error) => return failure(error),
            }
        }
        let Some(detail) = endpoint.detail else { return Ok(AccessStatus::EmptyUnconfirmed) };
        let referenced: Vec<String> =
            known.refs.iter().filter(|(object, _)| *object == endpoint.name).map(|(_, id)| id.clone()).collect();
        // A record another object refers to exists, so an empty list means hidden, whether the
        // record itself answers (filters apply to lists) or refuses (403). A 404 could be a
        // deleted record as well as a hidden one, so it confirms nothing.
        for id in referenced {
            let path = detail.replace("{id}", &encode(&id));
            match self.get(&path, None) {
                Ok(_) | Err(TopdeskError::Forbidden { .. }) => return Ok(AccessStatus::Hidden { records: None }),
                Err(error @ TopdeskError::Unauthorized { .. }) => return Err(remote(error)),
                Err(_) => {}
            }
        }
        Ok(AccessStatus::EmptyUnconfirmed)
    }
}

/// The records the first incident refers to.
fn remember(incident: &Json, known: &mut Known) {
    let incidents = endpoint("incidents").expect("declared");
    for column in incidents.columns() {
        let Some(target) = column.target else { continue };
        let target = ENDPOINTS.iter().find(|e| e.name == target).map(|e| e.name).unwrap_or_default();
        let id = column
            .paths
            .iter()
            .find_map(|path| lookup(incident, path))
            .and_then(|json| json.get("id").or(Some(json)))
            .and_then(Json::as_str);
        if let Some(id) = id {
            known.refs.push((target, id.to_owned()));
        }
    }
}

fn failure(error: TopdeskError) -> Result<AccessStatus, DriverError> {
    match error {
        TopdeskError::Unauthorized { .. } => Err(remote(error)),
        TopdeskError::Forbidden { .. } => Ok(AccessStatus::Forbidden),
        TopdeskError::NotFound { .. } => Ok(AccessStatus::Unavailable { http_status: 404 }),
        TopdeskError::NotAcceptable { .. } => Ok(AccessStatus::Unavailable { http_status: 406 }),
        other => Ok(AccessStatus::Failed { message: other.to_string() }),
    }
}
