//! One generated helpdesk served as Odoo 13, 14, 15, 16, 17 and 18, read through the Odoo source
//! driver: `describe` and reads of stages, tickets, SLA policies, ratings and messages show what
//! a migration sees differently on each version (digest section 5), and the discovered lock lists
//! the small tables' names with their counts, custom field labels and the closing stages.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use cutover::check::schema::{FieldType, SchemaLock};
use cutover::drivers::odoo::{OdooClientConfig, OdooSource};
use cutover::drivers::{Cursor, Record, Source};
use cutover::run::value::Value;
use cutover::sandbox::odoo::{EmulatorConfig, OdooVersion};

use crate::support::odoo::Served;

const KEY: &str = "odoo-versions-test-key";
const PASSWORD: &str = "odoo-versions-password";

/// One generated Odoo dataset (40 tickets, seed 11).
fn data() -> &'static Path {
    crate::support::odoo::dataset("odoo-versions", 40, 11)
}

/// The generated records of `object`, one JSON object per line.
fn generated(object: &str) -> Vec<serde_json::Value> {
    crate::support::migration::records(data(), object)
}

/// The emulator answering as `version`, with a password besides the key.
fn serve(version: OdooVersion) -> Served {
    let mut config = EmulatorConfig::new(data(), KEY);
    config.version = version;
    config.password = Some(PASSWORD.to_owned());
    Served::serve(config)
}

/// What these tests do with a served emulator.
trait Versions {
    /// A source signed in with `secret` (the key or the password).
    fn connect(&self, secret: &str) -> Result<OdooSource, String>;
    /// The raw body of a `version()` call.
    fn raw_version(&self) -> String;
}

impl Versions for Served {
    fn connect(&self, secret: &str) -> Result<OdooSource, String> {
        let config = OdooClientConfig { timeout: Duration::from_secs(30), ..OdooClientConfig::new(self.url()) };
        OdooSource::connect_with(config, "odoo", "admin", secret, SchemaLock::default()).map_err(|e| e.to_string())
    }

    fn raw_version(&self) -> String {
        let body = "<?xml version=\"1.0\"?><methodCall><methodName>version</methodName><params></params></methodCall>";
        let url = format!("{}/xmlrpc/2/common", self.url());
        self.block_on(async { reqwest::Client::new().post(url).body(body).send().await.unwrap().text().await.unwrap() })
    }
}

/// Every record of `object` with `fields`.
fn read_all(source: &mut OdooSource, object: &str, fields: &[&str]) -> Vec<Record> {
    let fields: Vec<String> = fields.iter().map(|field| (*field).to_owned()).collect();
    let mut records = Vec::new();
    let mut after: Option<Cursor> = None;
    loop {
        let batch = source.read(object, &fields, after.as_ref(), 100).unwrap_or_else(|e| panic!("{object}: {e}"));
        records.extend(batch.records);
        match batch.next {
            Some(next) => after = Some(next),
            None => return records,
        }
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.to_string(),
        other => panic!("text, not {other:?}"),
    }
}

/// Names of the stages whose `flag` is true.
fn stages_with(stages: &[Record], flag: usize) -> Vec<String> {
    stages.iter().filter(|stage| stage.values[flag] == Value::Bool(true)).map(|stage| text(&stage.values[0])).collect()
}

#[test]
fn each_version_reads_as_that_odoo_and_discover_says_so() {
    let tickets = generated("helpdesk.ticket");
    for major in 13..=18 {
        let version = OdooVersion::new(major).unwrap();
        let served = serve(version);
        // 13 has no API keys: the key is refused and the password works; later the key works.
        let secret = if major == 13 {
            let refused = served.connect(KEY).unwrap_err();
            assert!(refused.contains("has no API keys") && refused.contains("password"), "{refused}");
            PASSWORD
        } else {
            KEY
        };
        let mut odoo = served.connect(secret).unwrap_or_else(|e| panic!("Odoo {major}: {e}"));
        assert_eq!(odoo.version().major, Some(major));
        let envelope = served.raw_version();
        if major <= 16 {
            assert!(envelope.starts_with("<?xml version='1.0'?>\n"), "{major}: {envelope}");
        } else {
            assert!(envelope.starts_with("<?xml version=\"1.0\"?>\n"), "{major}: {envelope}");
            assert!(envelope.ends_with("</params>\n\n</methodResponse>\n"), "{major}: {envelope}");
        }

        let lock = odoo.describe().unwrap_or_else(|e| panic!("Odoo {major}: {e}"));
        assert_eq!(lock.version.as_deref(), Some(format!("{major}.0").as_str()));

        // Closing stages: is_close up to 15 (fold only folds the column), fold from 16.
        let stage = lock.object("helpdesk.stage").unwrap();
        let stages = if major <= 15 {
            let is_close = stage.field("is_close").unwrap_or_else(|| panic!("{major}: is_close"));
            assert!(is_close.note.as_deref().unwrap().contains("here Solved, Cancelled"), "{major}: {is_close:?}");
            assert!(stage.field("fold").unwrap().note.as_deref().unwrap().contains("only folds"));
            let stages = read_all(&mut odoo, "helpdesk.stage", &["name", "is_close", "fold"]);
            assert_eq!(stages_with(&stages, 1), ["Solved", "Cancelled"], "{major}: is_close");
            assert_eq!(stages_with(&stages, 2), ["Cancelled"], "{major}: fold");
            stages
        } else {
            assert!(stage.field("is_close").is_none(), "{major}");
            assert!(stage.field("fold").unwrap().note.as_deref().unwrap().contains("here Solved, Cancelled"));
            let stages = read_all(&mut odoo, "helpdesk.stage", &["name", "is_close", "fold"]);
            assert!(stages.iter().all(|stage| stage.values[1] == Value::Null), "{major}: no is_close to read");
            assert_eq!(stages_with(&stages, 2), ["Solved", "Cancelled"], "{major}: fold");
            stages
        };
        // Stage names with the tickets in each, adding up to every ticket.
        let names = &stage.field("name").unwrap().values;
        assert_eq!(names.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(), stages_with_all(&stages));
        assert_eq!(names.iter().filter_map(|v| v.count).sum::<u64>(), tickets.len() as u64, "{major}");

        // Ticket descriptions: text up to 14, html from 15.
        let description = lock.object("helpdesk.ticket").unwrap().field("description").unwrap();
        let read = read_all(&mut odoo, "helpdesk.ticket", &["description", "ticket_ref", "x_studio_customer_ref"]);
        assert_eq!(read.len(), tickets.len());
        let bodies: Vec<&Value> = read.iter().map(|r| &r.values[0]).filter(|v| **v != Value::Null).collect();
        assert!(!bodies.is_empty());
        if major <= 14 {
            assert_eq!(description.field_type, FieldType::Text, "{major}");
            assert!(bodies.iter().all(|body| !text(body).contains("<p>")), "{major}: plain text");
            assert!(odoo.notes().iter().any(|note| note.contains("plain text")), "{major}: {:?}", odoo.notes());
        } else {
            assert_eq!(description.field_type, FieldType::Html, "{major}");
            assert!(bodies.iter().any(|body| text(body).contains("<p>")), "{major}: html");
        }
        // ticket_ref from 16.
        assert_eq!(read.iter().any(|r| r.values[1] != Value::Null), major >= 16, "{major}: ticket_ref");

        // SLA targets: days and hours up to 14 (minutes on 14), working hours from 15.
        let sla = lock.object("helpdesk.sla").unwrap();
        let has = |field: &str| sla.field(field).is_some();
        assert_eq!(
            (has("time_days"), has("time_hours"), has("time_minutes"), has("time")),
            match major {
                13 => (true, true, false, false),
                14 => (true, true, true, false),
                _ => (false, false, false, true),
            }
        );
        if major <= 14 {
            let policies = read_all(&mut odoo, "helpdesk.sla", &["name", "time_days", "time_hours"]);
            let standard = policies.iter().find(|p| text(&p.values[0]) == "Standard response (3 days)").unwrap();
            assert_eq!((standard.values[1].clone(), standard.values[2].clone()), (Value::Int(3), Value::Int(0)));
            let urgent = policies.iter().find(|p| text(&p.values[0]).starts_with("Urgent")).unwrap();
            assert_eq!((urgent.values[1].clone(), urgent.values[2].clone()), (Value::Int(0), Value::Int(4)));
        }

        // Ratings: 0–10 on 13, 0–5 after; old rating_text keys up to 14.
        let ratings = read_all(&mut odoo, "rating.rating", &["rating", "rating_text"]);
        let values: Vec<f64> = ratings
            .iter()
            .filter_map(|r| match r.values[0] {
                Value::Float(value) => Some(value),
                _ => None,
            })
            .collect();
        assert!(!values.is_empty());
        let keys: Vec<String> = lock
            .object("rating.rating")
            .unwrap()
            .field("rating_text")
            .unwrap()
            .values
            .iter()
            .map(|v| v.value.clone())
            .collect();
        if major <= 13 {
            assert!(values.contains(&10.0), "{major}: out of ten");
        } else {
            assert!(values.iter().all(|v| *v <= 5.0), "{major}: out of five");
        }
        if major <= 14 {
            assert_eq!(keys, ["satisfied", "not_satisfied", "highly_dissatisfied", "no_rating"], "{major}");
        } else {
            assert_eq!(keys, ["top", "ok", "ko", "none"], "{major}");
        }
        let read_keys: Vec<String> = ratings
            .iter()
            .filter_map(|r| match &r.values[1] {
                Value::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        assert!(read_keys.iter().all(|key| keys.contains(key)), "{major}: {read_keys:?}");

        // mail.message.is_internal from 14 on.
        let message = lock.object("mail.message").unwrap();
        assert_eq!(message.field("is_internal").is_some(), major >= 14, "{major}");
        let messages = read_all(&mut odoo, "mail.message", &["is_internal", "subtype_id"]);
        assert!(!messages.is_empty());
        if major == 13 {
            assert!(messages.iter().all(|m| m.values[0] == Value::Null));
            assert!(odoo.notes().iter().any(|note| note.contains("is_internal")), "{:?}", odoo.notes());
        }

        // Ticket types are tags from 18.
        assert_eq!(lock.object("helpdesk.ticket.type").is_some(), major <= 17, "{major}");

        // Custom fields carry their ir.model.fields label and `custom`.
        let ticket = lock.object("helpdesk.ticket").unwrap();
        let due = ticket.field("x_studio_due_date").unwrap();
        assert!(due.custom);
        assert_eq!(due.label.as_deref(), Some("Due Date"));
    }
}

/// Stage names in id order, without repeats.
fn stages_with_all(stages: &[Record]) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for stage in stages {
        if let Value::Text(name) = &stage.values[0]
            && !names.contains(&name.as_ref())
        {
            names.push(name);
        }
    }
    names
}

/// Discovering twice gives the same lock text; team, tag and SLA names list their tickets, and
/// priority keys their labels and counts.
#[test]
fn discover_is_deterministic_and_lists_small_tables() {
    let served = serve(OdooVersion::V17);
    let first = served.connect(KEY).unwrap().describe().unwrap();
    let second = served.connect(KEY).unwrap().describe().unwrap();
    let text = |lock: &SchemaLock| cutover::report::lock::lock_to_yaml(lock, "test");
    assert_eq!(text(&first), text(&second));

    let tickets = generated("helpdesk.ticket");
    let mut per_team: BTreeMap<i64, u64> = BTreeMap::new();
    let mut per_priority: BTreeMap<String, u64> = BTreeMap::new();
    for ticket in &tickets {
        if let Some(team) = ticket["team_id"].as_i64() {
            *per_team.entry(team).or_default() += 1;
        }
        if let Some(priority) = ticket["priority"].as_str() {
            *per_priority.entry(priority.to_owned()).or_default() += 1;
        }
    }
    let teams = generated("helpdesk.team");
    let team_names = &first.object("helpdesk.team").unwrap().field("name").unwrap().values;
    assert_eq!(team_names.len(), teams.len());
    for (team, value) in teams.iter().zip(team_names) {
        assert_eq!(team["name"].as_str(), Some(value.value.as_str()));
        assert_eq!(value.count, Some(per_team.get(&team["id"].as_i64().unwrap()).copied().unwrap_or(0)));
    }
    let priority = first.object("helpdesk.ticket").unwrap().field("priority").unwrap();
    for value in &priority.values {
        assert!(value.label.is_some());
        assert_eq!(value.count, Some(per_priority.get(&value.value).copied().unwrap_or(0)), "{}", value.value);
    }
    // The generator counted the same names while writing the data: both counts agree.
    let mut sources = cutover::source::SourceMap::new();
    let generated_lock: SchemaLock =
        cutover::spec::load_file(&mut sources, &data().join("odoo.lock.yaml"), cutover::span::Span::detached())
            .unwrap_or_else(|found| panic!("the generated lock: {found:?}"));
    for small in ["helpdesk.stage", "helpdesk.team", "helpdesk.tag", "helpdesk.sla", "helpdesk.ticket.type"] {
        let counts = |lock: &SchemaLock| -> Vec<(String, Option<u64>)> {
            let values = &lock.object(small).unwrap().field("name").unwrap().values;
            let mut pairs: Vec<(String, Option<u64>)> = values.iter().map(|v| (v.value.clone(), v.count)).collect();
            pairs.sort();
            pairs
        };
        assert_eq!(counts(&first), counts(&generated_lock), "{small}");
    }
    for small in ["helpdesk.tag", "helpdesk.sla", "helpdesk.ticket.type", "mail.message.subtype"] {
        let names = &first.object(small).unwrap().field("name").unwrap().values;
        assert_eq!(names.len(), generated(small).len(), "{small}");
        assert!(names.iter().all(|value| value.count.is_some()), "{small}");
    }
}

/// The bundled spec decides `state` with `stage_id.fold`: validated against a lock discovered from
/// Odoo 15 it is warned towards `is_close`, against one from 16 it is not.
#[test]
fn validate_points_fold_to_is_close_on_a_lock_discovered_from_15() {
    for (version, warned) in [(OdooVersion::V15, true), (OdooVersion::V16, false)] {
        let served = serve(version);
        let lock = served.connect(KEY).unwrap().describe().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let lock_path = dir.path().join("odoo.lock.yaml");
        std::fs::write(&lock_path, cutover::report::lock::lock_to_yaml(&lock, "Discovered from the emulator."))
            .unwrap();
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/odoo-helpdesk-to-intercom.yaml");
        let spec = format!("cutover: 1\nextends: {}\nsource:\n  schema: {}\n", base.display(), lock_path.display());
        std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
            .arg("validate")
            .arg(dir.path().join("spec.yaml"))
            .env("NO_COLOR", "1")
            .env("ODOO_API_KEY", KEY)
            .env("INTERCOM_TOKEN", "unused")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{version:?}: {stderr}");
        assert_eq!(stderr.contains("cutover::check::close_flag"), warned, "{version:?}: {stderr}");
        if warned {
            assert!(stderr.contains("use `stage_id.is_close`"), "{stderr}");
        }
    }
}
