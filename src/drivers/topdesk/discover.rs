//! `describe` for TOPdesk: the driver's objects as a schema lock, with the counts of the access
//! check and the values of the reference lists (incident categories, subcategories, call and
//! entry types, impacts, urgencies, priorities, processing statuses, closure codes; asset
//! templates), each with the name TOPdesk shows. Knowledge base folders are an object of their own.
//!
//! Enumerations TOPdesk documents as fixed (an incident's line, change phases and statuses,
//! reservation statuses) get those values. A reference list that cannot be read leaves its field
//! without values and adds a note; the
//! access report's lines are notes too, so `discover` prints what the operator may not read.

use serde_json::Value as Json;

use super::access::AccessStatus;
use super::model::{ENDPOINTS, endpoint};
use super::paging::{Envelope, Page};
use super::source::TopdeskSource;
use crate::check::schema::{EnumValue, LOCK_VERSION, SchemaLock};
use crate::drivers::DriverError;

/// (object, field, list path, envelope) of every reference list.
const LISTS: &[(&str, &str, &str, Envelope)] = &[
    ("incidents", "callType", "/tas/api/incidents/call_types", Envelope::Array),
    ("incidents", "entryType", "/tas/api/incidents/entry_types", Envelope::Array),
    ("incidents", "category", "/tas/api/incidents/categories", Envelope::Array),
    ("incidents", "subcategory", "/tas/api/incidents/subcategories", Envelope::Array),
    ("incidents", "impact", "/tas/api/incidents/impacts", Envelope::Array),
    ("incidents", "urgency", "/tas/api/incidents/urgencies", Envelope::Array),
    ("incidents", "priority", "/tas/api/incidents/priorities", Envelope::Array),
    ("incidents", "processingStatus", "/tas/api/incidents/statuses", Envelope::Array),
    ("incidents", "closureCode", "/tas/api/incidents/closure_codes", Envelope::Array),
    ("assets", "templateName", "/tas/api/assetmgmt/templates", Envelope::Grid),
];

/// Values TOPdesk documents as fixed (no list endpoint): (object, field, values).
const FIXED: &[(&str, &str, &[&str])] = &[
    (
        "incidents",
        "status",
        &["firstLine", "secondLine", "partial", "firstLineArchived", "secondLineArchived", "partialArchived"],
    ),
    ("changes", "changeType", &["simple", "extensive"]),
    (
        "changes",
        "processingStatus",
        &[
            "prfc",
            "rfc",
            "rejected",
            "extensive_notStarted",
            "extensive_inProgress",
            "extensive_done",
            "extensive_evaluating",
            "extensive_evaluated",
            "extensive_closed",
            "extensive_nogo",
            "extensive_cancelled",
            "simple_notStarted",
            "simple_inProgress",
            "simple_done",
            "simple_closed",
        ],
    ),
    ("changeActivities", "plannedChangePhase", &["rfc", "progress", "evaluation"]),
    ("changeActivities", "activityType", &["normal", "authorization"]),
    (
        "changeActivities",
        "processingStatus",
        &["waiting", "ready_to_start", "in_progress", "finished", "skipped", "authorized", "rejected"],
    ),
    (
        "reservations",
        "status",
        &["request", "rejectedRequest", "planned", "cancelled", "conflictingPlanned", "conflictingRequest"],
    ),
    ("knowledgeItems", "sspVisibility", &["NOT_VISIBLE", "VISIBLE", "VISIBLE_IN_PERIOD"]),
];

impl TopdeskSource {
    /// The schema lock of this TOPdesk (see the module documentation).
    pub fn discover(&mut self) -> Result<SchemaLock, DriverError> {
        let report = self.access_report()?;
        let mut objects = std::collections::BTreeMap::new();
        for endpoint in &ENDPOINTS {
            let mut schema = endpoint.schema();
            schema.count = report.iter().find(|m| m.object == endpoint.name).and_then(|m| m.status.records());
            objects.insert(endpoint.name.to_owned(), schema);
        }
        for module in &report {
            let line = module.to_string();
            if !self.notes.contains(&line) {
                self.notes.push(line);
            }
        }
        for &(object, field, path, envelope) in LISTS {
            let readable = report.iter().any(|m| m.object == object && m.status.records().is_some_and(|n| n > 0));
            if !readable {
                continue;
            }
            match self.get(path, None).and_then(|reply| Page::decode(envelope, path, &reply)) {
                Ok(page) => {
                    let values = names(&page.items);
                    if let Some(field) = objects.get_mut(object).and_then(|o| o.fields.get_mut(field)) {
                        field.values = values
                            .into_iter()
                            .map(|name| EnumValue { value: name.clone(), label: Some(name), ..EnumValue::default() })
                            .collect();
                    }
                }
                Err(error) => self.notes.push(format!("{object}.{field}: the values could not be read: {error}")),
            }
        }
        // Cycles in the asset links are worth knowing before a run: resolving them notes each.
        if report.iter().any(|m| m.object == "assetLinks" && matches!(m.status, AccessStatus::Readable { .. })) {
            self.asset_hierarchy()?;
        }
        for &(object, field, values) in FIXED {
            if let Some(field) = objects.get_mut(object).and_then(|o| o.fields.get_mut(field)) {
                field.values = values
                    .iter()
                    .map(|value| EnumValue {
                        value: (*value).to_owned(),
                        label: Some((*value).to_owned()),
                        ..EnumValue::default()
                    })
                    .collect();
            }
        }
        debug_assert!(endpoint("incidents").is_some());
        Ok(SchemaLock {
            lock: LOCK_VERSION,
            system: "topdesk".to_owned(),
            version: Some(format!("REST API {}", self.version())),
            objects,
        })
    }
}

/// The names of a reference list's entries (`name`, or the grid's `text`), in order, once each.
fn names(items: &[Json]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for item in items {
        let name = ["name", "text", "groupName"].iter().find_map(|key| item.get(key).and_then(Json::as_str));
        if let Some(name) = name.filter(|name| !names.iter().any(|known| known == name)) {
            names.push(name.to_owned());
        }
    }
    names
}
