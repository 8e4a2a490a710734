//! The TOPdesk part of the inventory document: what this operator may read per object (the
//! access check), and what TOPdesk keeps where no public REST API reaches, so the consultant
//! exports or rebuilds it by hand instead of assuming it is empty.

use super::access::AccessStatus;
use super::source::TopdeskSource;
use crate::drivers::DriverError;
use crate::report::inventory::Document;

/// (area, what the API offers, what to do) for data no public REST API returns.
const OUT_OF_REACH: [(&str, &str, &str); 4] = [
    (
        "Known errors and problems (Problem Management)",
        "No public REST API lists problems or known errors; assets only carry links to them (`problem/<id>`).",
        "Export the known errors from TOPdesk's Problem Management overview and rebuild them as Help Center \
         articles (or KnownError custom objects) by hand.",
    ),
    (
        "Freely definable objects",
        "No published TOPdesk API exposes them.",
        "Export them from TOPdesk (selection → export) and decide per object type: custom objects, company \
         attributes or an archive.",
    ),
    (
        "Events and actions (automation), action sequences",
        "Configured in TOPdesk's settings; no REST API returns them.",
        "List each event/action pair from the settings screens and rebuild it as an Intercom workflow or rule.",
    ),
    (
        "Legacy configuration management objects",
        "Only seen embedded in incidents and changes (`object`); no list endpoint.",
        "Assets from Asset Management are migrated; export old-style objects if the customer still uses them.",
    ),
];

impl TopdeskSource {
    /// The documents `cutover inventory` adds for a TOPdesk source.
    pub fn documents(&mut self) -> Result<Vec<Document>, DriverError> {
        let report = self.access_report()?;
        let access = Document {
            key: "module_access".to_owned(),
            title: "What the operator may read".to_owned(),
            intro: "Each object the driver reads, checked with this operator's application password: an empty list \
                    is confirmed against a count or a known record before it counts as empty. Anything but \
                    \"readable\" needs the operator's permission groups (or the module's licence) fixed before the \
                    run."
                .to_owned(),
            columns: ["Object", "Access", "Records"].map(str::to_owned).to_vec(),
            rows: report
                .iter()
                .map(|module| {
                    let status = match &module.status {
                        AccessStatus::Readable { .. } => "readable".to_owned(),
                        AccessStatus::Empty => "readable, confirmed empty".to_owned(),
                        AccessStatus::Hidden { .. } => "hidden by the operator's filters".to_owned(),
                        AccessStatus::EmptyUnconfirmed => "empty, unconfirmed".to_owned(),
                        AccessStatus::Forbidden => "forbidden (403)".to_owned(),
                        AccessStatus::Unavailable { http_status } => {
                            format!("unlicensed or not available ({http_status})")
                        }
                        AccessStatus::Failed { message } => format!("not checked: {message}"),
                    };
                    let records = match &module.status {
                        AccessStatus::Hidden { records } => *records,
                        other => other.records(),
                    };
                    vec![module.object.clone(), status, records.map_or_else(String::new, |n| n.to_string())]
                })
                .collect(),
            notes: Vec::new(),
        };
        let out_of_reach = Document {
            key: "not_in_the_api".to_owned(),
            title: "Kept in TOPdesk where its API does not reach".to_owned(),
            intro:
                "Nothing here is read or migrated: export it from TOPdesk or rebuild it by hand, and agree with the \
                    customer which of it matters."
                    .to_owned(),
            columns: ["Area", "Why it is not read", "What to do"].map(str::to_owned).to_vec(),
            rows: OUT_OF_REACH
                .iter()
                .map(|(area, why, what)| [area, why, what].map(|t| (*t).to_owned()).to_vec())
                .collect(),
            notes: Vec::new(),
        };
        Ok(vec![access, out_of_reach])
    }
}
