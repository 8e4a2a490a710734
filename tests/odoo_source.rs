//! The Odoo source driver against the Odoo emulator over real XML-RPC: keyset paging (archived
//! records included), `read_by_ids`, `count`, `describe` and `validate`, pages shrunk after a
//! timeout, the errors a consultant meets, and the same migration read once from files and once
//! from the emulator landing identically in Intercom. Expectations come from the generated NDJSON.

use std::path::Path;
use std::time::Duration;

use cutover::check::schema::SchemaLock;
use cutover::drivers::odoo::{OdooClientConfig, OdooSource};
use cutover::drivers::{Cursor, FileSource, Record, Source};
use cutover::plan::{Condition, ConditionOp};
use cutover::run::value::Value;
use cutover::sandbox::intercom::Sandbox;
use cutover::sandbox::odoo::{EmulatorConfig, ModelAccess, OdooEmulator, OdooServer};
use cutover::state::Ledger;

use crate::support::migration::{Rehearsal, differences, duplicates, normalize, sandbox_config, show};
use crate::support::odoo::Served;

const KEY: &str = "odoo-source-test-key-0123456789abcdef";

/// One generated Odoo dataset (40 tickets, seed 5) shared by the driver tests.
fn data() -> &'static Path {
    crate::support::odoo::dataset("odoo-source", 40, 5)
}

/// The lock `generate` wrote beside the data.
fn generated_lock() -> SchemaLock {
    let mut sources = cutover::source::SourceMap::new();
    cutover::spec::load_file(&mut sources, &data().join("odoo.lock.yaml"), cutover::span::Span::detached())
        .unwrap_or_else(|found| panic!("the generated lock: {found:?}"))
}

/// What these tests do with a served emulator.
trait Connect {
    /// A source signed in with `key`, calls timing out after `timeout`.
    fn connect(&self, key: &str, lock: SchemaLock, timeout: Duration) -> Result<OdooSource, String>;
}

impl Connect for Served {
    fn connect(&self, key: &str, lock: SchemaLock, timeout: Duration) -> Result<OdooSource, String> {
        let config = OdooClientConfig { timeout, ..OdooClientConfig::new(self.url()) };
        OdooSource::connect_with(config, "odoo", "admin", key, lock).map_err(|error| error.to_string())
    }
}

fn emulator_config() -> EmulatorConfig {
    EmulatorConfig::new(data(), KEY)
}

fn fields(object: &str) -> Vec<String> {
    generated_lock().object(object).expect("a generated object").fields.keys().cloned().collect()
}

/// Every record of `object`, page by page.
fn read_all(source: &mut dyn Source, object: &str, fields: &[String], limit: usize) -> Vec<Record> {
    let mut records = Vec::new();
    let mut after: Option<Cursor> = None;
    loop {
        let batch = source.read(object, fields, after.as_ref(), limit).unwrap_or_else(|e| panic!("{object}: {e}"));
        assert!(batch.records.len() <= limit);
        records.extend(batch.records);
        match batch.next {
            Some(next) => after = Some(next),
            None => return records,
        }
    }
}

fn ids(records: &[Record]) -> Vec<i64> {
    records
        .iter()
        .map(|record| match record.id {
            Value::Int(id) => id,
            ref other => panic!("an integer id, not {other:?}"),
        })
        .collect()
}

/// Whether an Odoo value differs from the file's only by what XML-RPC and Odoo cannot carry:
/// empty text reads as empty (False), an empty number as 0 and an empty boolean as False (Odoo
/// reads NULL numbers as 0), and characters XML 1.0 forbids are left out by the codec.
fn odoo_convention(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Null, Value::Text(text)) => text.is_empty(),
        (Value::Int(0), Value::Null) | (Value::Bool(false), Value::Null) => true,
        (Value::Float(zero), Value::Null) => *zero == 0.0,
        (Value::Text(got), Value::Text(want)) => got.as_ref() == without_xml_illegal(want),
        _ => false,
    }
}

/// `text` without the characters XML 1.0 cannot carry (C0 controls but tab, LF, CR).
fn without_xml_illegal(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

/// The file run's normalised state as Odoo can deliver it: XML-illegal characters left out of
/// every text, and a custom attribute the file run left unset but the Odoo run set to 0 (Odoo
/// reads an empty number as 0) dropped from the Odoo state. Returns the dropped attributes.
fn apply_odoo_conventions(want: &mut serde_json::Value, got: &mut serde_json::Value) -> Vec<String> {
    fn clean(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => *text = without_xml_illegal(text),
            serde_json::Value::Array(items) => items.iter_mut().for_each(clean),
            serde_json::Value::Object(map) => map.values_mut().for_each(clean),
            _ => {}
        }
    }
    clean(want);
    let mut dropped = Vec::new();
    let wanted = want["conversations"].as_array().cloned().unwrap_or_default();
    for conversation in got["conversations"].as_array_mut().into_iter().flatten() {
        let ticket = conversation["custom_attributes"]["original_ticket_id__c"].clone();
        let Some(twin) = wanted.iter().find(|w| w["custom_attributes"]["original_ticket_id__c"] == ticket) else {
            continue;
        };
        let Some(attributes) = conversation["custom_attributes"].as_object_mut() else { continue };
        attributes.retain(|name, value| {
            let zero = value.as_f64() == Some(0.0);
            let unset = twin["custom_attributes"].get(name).is_none_or(serde_json::Value::is_null);
            if zero && unset {
                dropped.push(format!("ticket {ticket}: {name} = {value}"));
            }
            !(zero && unset)
        });
    }
    if let Some(conversations) = got["conversations"].as_array_mut() {
        conversations.sort_by_key(ToString::to_string);
    }
    if let Some(conversations) = want["conversations"].as_array_mut() {
        conversations.sort_by_key(ToString::to_string);
    }
    dropped
}

/// The ids in the generated file, in file (id) order.
fn file_ids(object: &str) -> Vec<i64> {
    file_ids_in(data(), object)
}

/// The ids in a generated file under `dir`, in file (id) order.
fn file_ids_in(dir: &Path, object: &str) -> Vec<i64> {
    let text = std::fs::read_to_string(dir.join(format!("{object}.ndjson"))).unwrap();
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn paging_returns_every_record_once_in_id_order_archived_included() {
    let served = Served::serve(emulator_config());
    let mut odoo = served.connect(KEY, generated_lock(), Duration::from_secs(30)).unwrap();
    let mut file = FileSource::with_lock(data(), generated_lock()).unwrap();
    for object in ["helpdesk.ticket", "helpdesk.stage", "res.partner", "res.users", "mail.message", "ir.attachment"] {
        let fields = fields(object);
        let read = read_all(&mut odoo, object, &fields, 7);
        assert_eq!(ids(&read), file_ids(object), "{object}: every record once, in id order");
        // Values agree with the file driver's reading of the same data with the same lock.
        let expected = read_all(&mut file, object, &fields, 1000);
        for (odoo_record, file_record) in read.iter().zip(&expected) {
            for ((field, got), want) in fields.iter().zip(&odoo_record.values).zip(&file_record.values) {
                let same = got == want || odoo_convention(got, want);
                assert!(same, "{object} {:?}.{field}: odoo {got:?}, file {want:?}", file_record.id);
            }
        }
    }
    // Archived users are there (the generator archives inactive agents).
    let active = fields("res.users").iter().position(|f| f == "active").unwrap();
    let users = read_all(&mut odoo, "res.users", &fields("res.users"), 50);
    assert!(users.iter().any(|t| t.values[active] == Value::Bool(false)), "archived users are read");
    // A cursor is stable across connections: a new source resumes where the first stopped.
    let fields = fields("helpdesk.ticket");
    let first = odoo.read("helpdesk.ticket", &fields, None, 5).unwrap();
    let second = odoo.read("helpdesk.ticket", &fields, first.next.as_ref(), 5).unwrap();
    let mut again = served.connect(KEY, generated_lock(), Duration::from_secs(30)).unwrap();
    assert_eq!(again.read("helpdesk.ticket", &fields, first.next.as_ref(), 5).unwrap(), second);
    // A cursor that is not an id is refused, not read from the start.
    let error = odoo.read("helpdesk.ticket", &[], Some(&Cursor("12:x".into())), 5).unwrap_err();
    assert!(error.to_string().contains("cannot resume"), "{error}");
}

#[test]
fn read_by_ids_count_and_unknown_fields() {
    let served = Served::serve(emulator_config());
    let mut odoo = served.connect(KEY, generated_lock(), Duration::from_secs(30)).unwrap();
    let partners = file_ids("res.partner");
    let wanted = [Value::Int(partners[2]), Value::Int(partners[0]), Value::Int(999_999), Value::Int(partners[2])];
    let fields = vec!["name".to_owned(), "email".to_owned(), "no_such_field".to_owned()];
    let mut found = ids(&odoo.read_by_ids("res.partner", &fields, &wanted).unwrap());
    found.sort_unstable();
    let mut expected = vec![partners[0], partners[2]];
    expected.sort_unstable();
    assert_eq!(found, expected, "each known id once, the unknown one left out");
    let record = &odoo.read_by_ids("res.partner", &fields, &[Value::Int(partners[0])]).unwrap()[0];
    assert_eq!(record.values[2], Value::Null, "a field the model lacks reads as Null");
    for object in ["helpdesk.ticket", "res.partner", "mail.message", "ir.attachment"] {
        assert_eq!(odoo.count(object).unwrap(), Some(file_ids(object).len() as u64), "{object}");
    }
}

/// `describe` gives an Odoo 17 lock of every model the bundled spec reads; the bundled spec
/// validates against it.
#[test]
fn describe_produces_a_lock_the_bundled_spec_validates_against() {
    let served = Served::serve(emulator_config());
    let mut odoo = served.connect(KEY, SchemaLock::default(), Duration::from_secs(30)).unwrap();
    let lock = odoo.describe().unwrap();
    assert_eq!(lock.system, "odoo");
    assert_eq!(lock.version.as_deref(), Some("17.0"));
    let tickets = lock.object("helpdesk.ticket").unwrap();
    assert_eq!(tickets.count, Some(file_ids("helpdesk.ticket").len() as u64));
    let stage = tickets.field("stage_id").unwrap();
    assert_eq!((stage.field_type.as_str(), stage.target.as_deref()), ("relation", Some("helpdesk.stage")));
    let tags = tickets.field("tag_ids").unwrap();
    assert!(tags.many);
    let priority = tickets.field("priority").unwrap();
    assert_eq!(priority.field_type.as_str(), "enum");
    assert!(priority.values.iter().all(|value| value.label.is_some()));
    assert!(
        tickets.fields.iter().filter(|(name, _)| name.starts_with("x_")).all(|(_, f)| f.custom && f.label.is_some())
    );
    for model in cutover::drivers::odoo::source::MODELS {
        assert!(lock.object(model).is_some(), "{model} is described");
    }

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("odoo.lock.yaml"),
        cutover::report::lock::lock_to_yaml(&lock, "Discovered from the emulator."),
    )
    .unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/odoo-helpdesk-to-intercom.yaml");
    let spec = format!(
        "cutover: 1\nextends: {}\nsource:\n  schema: {}\n",
        base.display(),
        dir.path().join("odoo.lock.yaml").display()
    );
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .arg("validate")
        .arg(dir.path().join("spec.yaml"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// A page above the emulated worker's limit is held and ends in a 504 or a client timeout; the
/// driver asks again from the same id with half the records, and every record still arrives.
#[test]
fn slow_pages_are_retried_smaller_and_every_record_arrives() {
    let fields: Vec<String> = ["name", "partner_id", "stage_id", "priority"].map(str::to_owned).to_vec();
    let mut config = emulator_config();
    // 5 cells per record (id included): 16 records are too many, 8 pass.
    config.slowness.large_read_cells = Some(60);
    let served = Served::serve(config);
    let mut odoo = served.connect(KEY, generated_lock(), Duration::from_millis(800)).unwrap();
    let read = read_all(&mut odoo, "helpdesk.ticket", &fields, 32);
    assert_eq!(ids(&read), file_ids("helpdesk.ticket"));

    let mut config = emulator_config();
    config.slowness.large_read_cells = Some(20);
    let served = Served::serve(config);
    let mut odoo = served.connect(KEY, generated_lock(), Duration::from_millis(500)).unwrap();
    let error = odoo.read("helpdesk.ticket", &fields, Some(&Cursor("3".into())), 40).unwrap_err().to_string();
    assert!(error.contains("`helpdesk.ticket`") && error.contains("pages of 10 records"), "{error}");
    assert!(error.contains("resumes from id 3"), "{error}");
}

#[test]
fn wrong_key_missing_helpdesk_and_denied_models_say_what_to_do() {
    let served = Served::serve(emulator_config());
    let error = served.connect("not-the-key", SchemaLock::default(), Duration::from_secs(30)).unwrap_err();
    assert!(error.contains("wrong login or API key"), "{error}");
    assert!(!error.contains(KEY) && !error.contains("not-the-key"), "no key in messages: {error}");

    let served = Served::serve(emulator_config().without_helpdesk());
    let error = served.connect(KEY, SchemaLock::default(), Duration::from_secs(30)).unwrap_err();
    assert!(error.contains("Helpdesk app is not installed"), "{error}");

    let mut config = emulator_config();
    config.access.insert("rating.rating".into(), ModelAccess::Denied { groups: vec!["Helpdesk / User".into()] });
    config.access.insert("helpdesk.sla".into(), ModelAccess::Missing);
    let served = Served::serve(config);
    let mut odoo = served.connect(KEY, SchemaLock::default(), Duration::from_secs(30)).unwrap();
    let error = odoo.describe().unwrap_err().to_string();
    assert!(error.contains("`rating.rating`") && error.contains("read access"), "{error}");
    let error = odoo.read("rating.rating", &["rating".to_owned()], None, 10).unwrap_err().to_string();
    assert!(error.contains("read access to `rating.rating`"), "{error}");
    let error = odoo.read("helpdesk.sla", &["name".to_owned()], None, 10).unwrap_err().to_string();
    assert!(error.contains("does not exist"), "{error}");

    let served_missing = Served::serve({
        let mut config = emulator_config();
        config.access.insert("helpdesk.sla".into(), ModelAccess::Missing);
        config
    });
    let mut odoo = served_missing.connect(KEY, SchemaLock::default(), Duration::from_secs(30)).unwrap();
    let lock = odoo.describe().unwrap();
    assert!(lock.object("helpdesk.sla").is_none());
    assert!(odoo.notes().iter().any(|note| note.contains("helpdesk.sla")), "{:?}", odoo.notes());

    let mut config = OdooClientConfig::new("http://127.0.0.1:9");
    config.connect_retries = 0;
    let error = OdooSource::connect_with(config, "odoo", "admin", KEY, SchemaLock::default()).unwrap_err().to_string();
    assert!(error.contains("cannot connect") && error.contains("check the base URL"), "{error}");
}

/// The same generated helpdesk migrated once through the file driver and once through the Odoo
/// emulator (in pages of 7, so cursors and prefetches cross many pages), each into a fresh
/// Intercom sandbox, by the real binary: the two sandboxes end in the same normalised state.
/// A customer spec extending the bundled one, reading the Odoo at `odoo_url` in pages of 7 and
/// writing to the sandbox at `sandbox_url`, with `more` appended.
fn odoo_spec(odoo_url: &str, sandbox_url: &str, more: &str) -> String {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/odoo-helpdesk-to-intercom.yaml");
    format!(
        "cutover: 1\nextends: {}\nsource:\n  driver: odoo\n  url: {odoo_url}\n  database: odoo\n  login: admin\n  \
         api_key: \"${{ODOO_API_KEY}}\"\n  path: null\n  batch: 7\nsink:\n  driver: intercom\n  token: \"${{INTERCOM_TOKEN}}\"\n  \
         url: {sandbox_url}\nstate: \"sqlite:state.db\"\n{more}",
        base.display(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrating_from_odoo_equals_migrating_from_files() {
    let from_files = Rehearsal::new(25, 13);
    let files_sandbox = Sandbox::start(sandbox_config(&from_files.data)).await.unwrap();
    from_files.write_spec(&files_sandbox.base_url(), None);
    let output = from_files.cutover(&["run", "--quiet"]).await;
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));

    let from_odoo = Rehearsal::new(25, 13);
    let odoo =
        OdooServer::start(OdooEmulator::new(EmulatorConfig::new(&from_odoo.data, KEY)).unwrap(), 0).await.unwrap();
    let odoo_sandbox = Sandbox::start(sandbox_config(&from_odoo.data)).await.unwrap();
    std::fs::write(&from_odoo.spec, odoo_spec(&odoo.base_url(), &odoo_sandbox.base_url(), "")).unwrap();
    let output = from_odoo.cutover_with_env(&["run", "--quiet"], &[("ODOO_API_KEY", KEY)]).await;
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));
    assert!(!String::from_utf8_lossy(&output.stdout).contains(KEY), "the key is never printed");
    assert!(!String::from_utf8_lossy(&output.stderr).contains(KEY), "the key is never printed");

    let mut want = normalize(&files_sandbox);
    let mut got = normalize(&odoo_sandbox);
    // Known, documented differences of the transport (see `apply_odoo_conventions`); anything
    // else must be equal.
    let zeros = apply_odoo_conventions(&mut want, &mut got);
    eprintln!("empty numbers Odoo read as 0: {zeros:?}");
    assert!(!want["conversations"].as_array().unwrap().is_empty(), "the file run migrated conversations");
    let found = differences(&want, &got);
    assert!(found.is_empty(), "odoo run differs from file run:\n{}", found.join("\n"));
    assert_eq!(want, got);
    odoo.shutdown().await;
}

#[test]
fn children_are_read_by_parent_with_the_where_conditions_pushed_to_odoo() {
    let served = Served::serve(emulator_config());
    let mut odoo = served.connect(KEY, generated_lock(), Duration::from_secs(30)).unwrap();
    let mut file = FileSource::with_lock(data(), generated_lock()).unwrap();
    let fields = fields("mail.message");
    let slot = |name: &str| fields.iter().position(|f| f == name).unwrap();
    let (model, res_id, kind) = (slot("model"), slot("res_id"), slot("message_type"));
    let all = read_all(&mut file, "mail.message", &fields, 1000);
    let parents: Vec<Value> = (1..=50).map(Value::Int).collect();
    let conditions = vec![
        Condition { field: "model".into(), op: ConditionOp::Eq, values: vec![Value::text("helpdesk.ticket")] },
        Condition {
            field: "message_type".into(),
            op: ConditionOp::In,
            values: vec![Value::text("email"), Value::text("comment")],
        },
    ];
    let wanted = |record: &&Record, typed: bool| {
        let parent = matches!(record.values[res_id], Value::Int(id) if (1..=50).contains(&id));
        let on_ticket = record.values[model] == Value::text("helpdesk.ticket");
        let typed_ok = !typed || matches!(&record.values[kind], Value::Text(t) if &**t == "email" || &**t == "comment");
        parent && on_ticket && typed_ok
    };
    // With the conditions: exactly the messages of tickets 1–50 of those types, in id order.
    let read = odoo.read_children("mail.message", &fields, "res_id", &parents, &conditions).unwrap().unwrap();
    let expected: Vec<&Record> = all.iter().filter(|r| wanted(r, true)).collect();
    assert!(!expected.is_empty() && expected.len() < all.len());
    assert_eq!(ids(&read), ids(&expected.iter().map(|r| (*r).clone()).collect::<Vec<_>>()));
    // Without them, every message pointing at those ids (the caller filters the rest).
    let read = odoo.read_children("mail.message", &fields, "res_id", &parents, &[]).unwrap().unwrap();
    let pointing: Vec<Record> =
        all.iter().filter(|r| matches!(r.values[res_id], Value::Int(id) if (1..=50).contains(&id))).cloned().collect();
    assert_eq!(ids(&read), ids(&pointing));
    // A condition Odoo cannot search (a computed, non-stored field) is dropped after its fault,
    // and the batch is read again without it: the caller's filter still applies it.
    let attachment_fields = vec!["id".to_owned(), "res_id".to_owned(), "name".to_owned()];
    let unsearchable =
        vec![Condition { field: "datas".into(), op: ConditionOp::Eq, values: vec![Value::text("aGVsbG8=")] }];
    let read =
        odoo.read_children("ir.attachment", &attachment_fields, "res_id", &parents, &unsearchable).unwrap().unwrap();
    let attachments = read_all(&mut file, "ir.attachment", &attachment_fields, 1000);
    let pointing: Vec<Record> = attachments
        .iter()
        .filter(|r| matches!(r.values[1], Value::Int(id) if (1..=50).contains(&id)))
        .cloned()
        .collect();
    assert!(!pointing.is_empty());
    assert_eq!(ids(&read), ids(&pointing));
    // Outside some parents: the messages of every other ticket (and none without a ticket),
    // with the same conditions applied.
    let first: Vec<Value> = (1..=20).map(Value::Int).collect();
    let outside = odoo.read_children_outside("mail.message", &fields, "res_id", &first, &conditions).unwrap().unwrap();
    let expected: Vec<Record> = all
        .iter()
        .filter(|r| {
            let typed = matches!(&r.values[kind], Value::Text(t) if &**t == "email" || &**t == "comment");
            let parent = matches!(r.values[res_id], Value::Int(id) if (1..=20).contains(&id));
            r.values[model] == Value::text("helpdesk.ticket") && typed && !parent
        })
        .cloned()
        .collect();
    assert!(!outside.is_empty());
    assert_eq!(ids(&outside), ids(&expected));
    // No parents: nothing, without a call.
    assert_eq!(odoo.read_children("mail.message", &fields, "res_id", &[], &conditions).unwrap(), Some(Vec::new()));
}

/// Tickets from id 22 on outrun the server: the run stops with what to do, having committed the
/// pages before; the next run, against a healthy server, starts after the last committed ticket
/// (it never reads tickets 1–21 again) and nothing is written twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_stopped_by_timeouts_resumes_after_the_last_committed_ticket() {
    let rehearsal = Rehearsal::new(40, 17);
    let sandbox = Sandbox::start(sandbox_config(&rehearsal.data)).await.unwrap();
    // Contacts and teammates are not scoped by tickets here, so the ticket pages are the run's
    // first read of helpdesk.ticket and the failure lands in the conversation phase.
    let unscoped = "objects:\n  contact:\n    referenced_by: []\n  admin:\n    referenced_by: []\n";
    let mut slow = EmulatorConfig::new(&rehearsal.data, KEY);
    slow.slowness.slow_from_id = Some(("helpdesk.ticket".into(), 22));
    let odoo = OdooServer::start(OdooEmulator::new(slow).unwrap(), 0).await.unwrap();
    std::fs::write(&rehearsal.spec, odoo_spec(&odoo.base_url(), &sandbox.base_url(), unscoped)).unwrap();
    let env = [("ODOO_API_KEY", KEY), ("CUTOVER_ODOO_TIMEOUT", "1")];
    let first = rehearsal.cutover_with_env(&["run", "--quiet"], &env).await;
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(!first.status.success(), "{}", show(&first));
    assert!(stderr.contains("helpdesk.ticket") && stderr.contains("resumes from id 21"), "{}", show(&first));
    odoo.shutdown().await;

    let ledger = Ledger::open("sqlite:state.db", rehearsal.dir.path()).await.unwrap();
    let before = ledger.of_object("conversation").await.unwrap();
    ledger.close().await;
    let committed: Vec<i64> = before.iter().map(|row| row.source_id.parse().unwrap()).collect();
    assert!(!committed.is_empty() && committed.iter().all(|id| *id <= 21), "{committed:?}");
    let created_first = sandbox.dump()["conversations"].as_array().unwrap().len();
    assert!(created_first > 0);

    let odoo =
        OdooServer::start(OdooEmulator::new(EmulatorConfig::new(&rehearsal.data, KEY)).unwrap(), 0).await.unwrap();
    std::fs::write(&rehearsal.spec, odoo_spec(&odoo.base_url(), &sandbox.base_url(), unscoped)).unwrap();
    let second = rehearsal.cutover_with_env(&["run", "--quiet"], &env).await;
    assert!(matches!(second.status.code(), Some(0 | 1)), "{}", show(&second));
    odoo.shutdown().await;

    let ledger = Ledger::open("sqlite:state.db", rehearsal.dir.path()).await.unwrap();
    let after = ledger.of_object("conversation").await.unwrap();
    ledger.close().await;
    for row in &after {
        let id: i64 = row.source_id.parse().unwrap();
        if id <= 21 {
            assert_eq!(row.last_run, 1, "ticket {id} was committed by run 1 and not read again");
        } else {
            assert_eq!(row.first_run, 2, "ticket {id} was first read by run 2");
        }
    }
    assert_eq!(after.len(), file_ids_in(&rehearsal.data, "helpdesk.ticket").len(), "every ticket is in the ledger");
    assert!(duplicates(&sandbox).is_empty(), "nothing written twice: {:?}", duplicates(&sandbox));
    let done = after.iter().filter(|row| row.dest_id.is_some()).count();
    assert_eq!(sandbox.dump()["conversations"].as_array().unwrap().len(), done);
}
