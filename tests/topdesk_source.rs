//! The TOPdesk source driver against the TOPdesk emulator over real HTTP: every object read
//! through the driver equals the generated NDJSON row it was served from, field by field; paging
//! edge cases, FIQL windows, cursors resumed in a fresh source, the module access report, slow
//! answers retried and credentials kept out of errors.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use cutover::check::schema::SchemaLock;
use cutover::drivers::topdesk::{AccessStatus, TopdeskConfig as DriverConfig, TopdeskSource};
use cutover::drivers::{Cursor, FileSource, Record, Source};
use cutover::run::value::Value;
use cutover::sandbox::topdesk::{Access, Module, Quirks, SlowAnswer, Slowness, TopdeskConfig, UnlicensedAnswer};

use crate::support::topdesk::{Served, dataset, rows};

const PASSWORD: &str = "app-password-Zq7";

fn data() -> &'static Path {
    dataset("topdesk-source", 60, 11)
}

fn generated_lock(dir: &Path) -> SchemaLock {
    let mut sources = cutover::source::SourceMap::new();
    cutover::spec::load_file(&mut sources, &dir.join("topdesk.lock.yaml"), cutover::span::Span::detached())
        .unwrap_or_else(|found| panic!("the generated lock: {found:?}"))
}

fn login(dir: &Path) -> String {
    rows(dir, "operators")[0]["loginName"].as_str().unwrap().to_owned()
}

fn emulator(dir: &Path) -> TopdeskConfig {
    TopdeskConfig::new(dir, login(dir), PASSWORD)
}

fn driver(served: &Served, dir: &Path) -> DriverConfig {
    let mut config = DriverConfig::new(served.url(), login(dir), PASSWORD);
    config.lock = generated_lock(dir);
    config.timeout = Duration::from_secs(10);
    config.retry_delay = Duration::from_millis(20);
    config
}

fn connect(config: DriverConfig) -> TopdeskSource {
    TopdeskSource::connect(config).unwrap_or_else(|error| panic!("connect: {error}"))
}

/// Every record of `object`, `limit` at a time, each batch read by a fresh source from the
/// cursor the one before returned when `fresh` says so (a resumed run).
fn read_all(source: &mut dyn Source, object: &str, fields: &[String], limit: usize) -> Vec<Record> {
    let mut records = Vec::new();
    let mut cursor: Option<Cursor> = None;
    for _ in 0..100_000 {
        let batch = source.read(object, fields, cursor.as_ref(), limit).unwrap_or_else(|e| panic!("{object}: {e}"));
        records.extend(batch.records);
        match batch.next {
            Some(next) => cursor = Some(next),
            None => return records,
        }
    }
    panic!("{object}: the read never ended");
}

fn by_id(records: Vec<Record>) -> BTreeMap<String, Vec<Value>> {
    let mut map = BTreeMap::new();
    for record in records {
        let id = record.id.to_string();
        assert!(map.insert(id.clone(), record.values).is_none(), "record {id} read twice");
    }
    map
}

/// Compare two readings of `object`, naming every differing field of the first records.
fn assert_same(object: &str, fields: &[String], expected: Vec<Record>, found: Vec<Record>) {
    let (expected, found) = (by_id(expected), by_id(found));
    let missing: Vec<&String> = expected.keys().filter(|id| !found.contains_key(*id)).collect();
    let extra: Vec<&String> = found.keys().filter(|id| !expected.contains_key(*id)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{object}: missing {missing:?}, extra {extra:?}");
    let mut differences = Vec::new();
    for (id, values) in &expected {
        for ((field, want), got) in fields.iter().zip(values).zip(&found[id]) {
            if want != got {
                differences.push(format!("{object} {id} {field}: generated {want:?}, read {got:?}"));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences[..differences.len().min(25)].join("\n")
    );
}

/// Generated columns the emulator does not serve anywhere yet (an extensive change's closing
/// date has no place in its detail); the driver reads them as null, so they are not compared.
const NOT_SERVED: [(&str, &str); 1] = [("changes", "closedDate")];

fn fields_of(lock: &SchemaLock, object: &str) -> Vec<String> {
    lock.objects[object]
        .fields
        .keys()
        .filter(|field| !NOT_SERVED.contains(&(object, field.as_str())))
        .cloned()
        .collect()
}

#[test]
fn every_object_reads_as_generated() {
    let dir = data();
    let served = Served::serve(emulator(dir));
    let lock = generated_lock(dir);
    let mut files = FileSource::with_lock(dir, lock.clone()).unwrap();
    let mut source = connect(driver(&served, dir));
    for object in lock.objects.keys().filter(|object| *object != "knowledgeTranslations") {
        let fields = fields_of(&lock, object);
        let expected = read_all(&mut files, object, &fields, 1000);
        let found = read_all(&mut source, object, &fields, 7);
        assert_same(object, &fields, expected, found);
    }
}

/// A translation has no id of its own in TOPdesk: the driver names it `ITEM/LANGUAGE`, and its
/// other fields equal the generated translation of that item and language.
#[test]
fn translations_read_per_item_and_language() {
    let dir = data();
    let served = Served::serve(emulator(dir));
    let lock = generated_lock(dir);
    let fields: Vec<String> = fields_of(&lock, "knowledgeTranslations").into_iter().filter(|f| f != "id").collect();
    let mut files = FileSource::with_lock(dir, lock.clone()).unwrap();
    let mut source = connect(driver(&served, dir));
    let rekey = |records: Vec<Record>| -> Vec<Record> {
        let item = fields.iter().position(|f| f == "item").unwrap();
        let language = fields.iter().position(|f| f == "language").unwrap();
        records
            .into_iter()
            .map(|record| Record {
                id: Value::text(format!("{}/{}", record.values[item], record.values[language])),
                ..record
            })
            .collect()
    };
    let expected = rekey(read_all(&mut files, "knowledgeTranslations", &fields, 1000));
    assert!(!expected.is_empty(), "the dataset has translations");
    let found = read_all(&mut source, "knowledgeTranslations", &fields, 3);
    for record in &found {
        let item = &record.values[fields.iter().position(|f| f == "item").unwrap()];
        let language = &record.values[fields.iter().position(|f| f == "language").unwrap()];
        assert_eq!(record.id.to_string(), format!("{item}/{language}"));
    }
    assert_same("knowledgeTranslations", &fields, expected, found);
}

/// Incidents in 7-day windows, 5 records a call, each call by a new source resuming from the
/// cursor the one before stored: every incident once, and the windows were FIQL queries.
#[test]
fn many_windows_resume_from_a_stored_cursor_in_a_fresh_source() {
    let dir = data();
    let served = Served::serve(emulator(dir));
    let lock = generated_lock(dir);
    let fields = fields_of(&lock, "incidents");
    let mut cursor: Option<Cursor> = None;
    let mut found = Vec::new();
    loop {
        let mut config = driver(&served, dir);
        config.window_days = 7;
        let mut source = connect(config);
        let batch = source.read("incidents", &fields, cursor.as_ref(), 5).unwrap();
        assert!(batch.records.len() <= 5);
        found.extend(batch.records);
        match batch.next {
            Some(next) => cursor = Some(Cursor(next.0.clone())),
            None => break,
        }
    }
    let mut files = FileSource::with_lock(dir, lock).unwrap();
    assert_same("incidents", &fields, read_all(&mut files, "incidents", &fields, 1000), found);
    let windows: std::collections::BTreeSet<String> = served
        .requests()
        .into_iter()
        .filter(|request| request.path == "/tas/api/incidents" && request.query.contains("creationDate%3Dlt%3D"))
        .map(|request| {
            request.query.split("query=").nth(1).unwrap_or_default().split('&').next().unwrap_or_default().to_owned()
        })
        .collect();
    assert!(windows.len() > 10, "{} windows: {windows:?}", windows.len());
    // Windows without a single incident (204) are passed over, not taken for the end.
    let empty = served
        .requests()
        .into_iter()
        .filter(|request| request.path == "/tas/api/incidents" && request.query.contains("creationDate%3Dlt%3D"))
        .filter(|request| request.status == 204)
        .count();
    assert!(empty > 0, "some windows are empty");
}

/// A cursor of another driver, or one naming a window that does not exist, is refused with the
/// object and the reason.
#[test]
fn foreign_cursors_are_refused() {
    let dir = data();
    let served = Served::serve(emulator(dir));
    let mut source = connect(driver(&served, dir));
    let error = source.read("incidents", &["id".to_owned()], Some(&Cursor("42".into())), 5).unwrap_err().to_string();
    assert!(error.contains("cannot resume reading `incidents` from cursor `42`"), "{error}");
    assert!(error.contains("not a TOPdesk cursor"), "{error}");
}

/// Bare arrays that answer 206 for a full last page (then 204) and 200 for it; changes that
/// never answer 206; a trail without the caller's requests (read from `/requests` instead): the
/// same records either way, none twice.
#[test]
fn paging_edge_cases_read_the_same_records() {
    let dir = data();
    let lock = generated_lock(dir);
    let mut files = FileSource::with_lock(dir, lock.clone()).unwrap();
    for (full_page_is_partial, changes_partial_status) in [(true, true), (false, false)] {
        let mut config = emulator(dir);
        let trail_includes_requests = full_page_is_partial;
        config.quirks =
            Quirks { full_page_is_partial, changes_partial_status, trail_includes_requests, ..Quirks::default() };
        let served = Served::serve(config);
        let mut source = connect(driver(&served, dir));
        for object in ["operators", "persons", "changes", "progresstrail", "assets"] {
            let fields = fields_of(&lock, object);
            let expected = read_all(&mut files, object, &fields, 1000);
            let exactly = expected.len();
            // Exactly one page, and small pages (a child list re-reads its batch of parents for
            // each, so its small pages are larger).
            let small = if object == "progresstrail" { 40 } else { 2 };
            for limit in [exactly, small] {
                let found = read_all(&mut source, object, &fields, limit);
                assert_same(object, &fields, expected.clone(), found);
            }
        }
    }
}

#[test]
fn access_report_names_forbidden_unlicensed_and_hidden_modules() {
    let dir = data();
    let config = emulator(dir)
        .with_access(Module::Changes, Access::Forbidden)
        .with_access(Module::Knowledge, Access::Unlicensed(UnlicensedAnswer::NotFound))
        .with_access(Module::Assets, Access::Unlicensed(UnlicensedAnswer::Forbidden))
        .with_access(Module::Branches, Access::Filtered(cutover::sandbox::topdesk::HiddenRecord::NotFound))
        .with_access(Module::Operators, Access::Filtered(cutover::sandbox::topdesk::HiddenRecord::Forbidden));
    let served = Served::serve(config);
    let mut source = connect(driver(&served, dir));
    let report = source.access_report().unwrap();
    let status = |object: &str| report.iter().find(|m| m.object == object).unwrap().status.clone();
    let generated = |object: &str| rows(dir, object).len() as u64;
    assert_eq!(status("incidents"), AccessStatus::Readable { records: Some(generated("incidents")) });
    assert_eq!(status("persons"), AccessStatus::Readable { records: Some(generated("persons")) });
    assert_eq!(status("progresstrail"), AccessStatus::Readable { records: None });
    assert_eq!(status("knowledgeFolders"), AccessStatus::Unavailable { http_status: 404 });
    // Children of a refused parent share its fate; those of a readable one are checked under it.
    assert_eq!(status("changeActivities"), AccessStatus::Forbidden);
    assert_eq!(status("knowledgeTranslations"), AccessStatus::Unavailable { http_status: 404 });
    assert_eq!(
        status("operationalActivities"),
        AccessStatus::Readable { records: Some(generated("operationalActivities")) }
    );
    assert_eq!(status("reservations"), AccessStatus::Readable { records: Some(generated("reservations")) });
    assert_eq!(status("changes"), AccessStatus::Forbidden);
    assert_eq!(status("assets"), AccessStatus::Forbidden);
    assert_eq!(status("knowledgeItems"), AccessStatus::Unavailable { http_status: 404 });
    // The first incident's operator exists and answers 403: hidden, not empty.
    assert_eq!(status("operators"), AccessStatus::Hidden { records: None });
    // Its branch answers 404: hidden or deleted, so nothing is confirmed.
    assert_eq!(status("branches"), AccessStatus::EmptyUnconfirmed);
    let lines: Vec<String> = report.iter().map(ToString::to_string).collect();
    assert!(
        lines.contains(&"changes: forbidden (403); the operator may not read this module".to_owned()),
        "{lines:#?}"
    );
    assert!(lines.contains(&"knowledgeItems: unlicensed/not available (404)".to_owned()), "{lines:#?}");
    assert!(lines.contains(&format!("incidents: readable with {} records", generated("incidents"))), "{lines:#?}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({"object": "incidents", "status": "readable", "records": generated("incidents")})
    );
}

#[test]
fn describe_counts_objects_and_lists_reference_values() {
    let dir = data();
    let served = Served::serve(emulator(dir));
    let mut source = connect(driver(&served, dir));
    let lock = source.describe().unwrap();
    let generated = generated_lock(dir);
    assert_eq!(lock.system, "topdesk");
    assert_eq!(lock.version.as_deref(), Some("REST API 3.8.5"));
    for object in ["incidents", "persons", "operators", "changes", "assets", "knowledgeItems"] {
        assert_eq!(lock.objects[object].count, generated.objects[object].count, "{object}");
        for (field, schema) in &generated.objects[object].fields {
            let found = &lock.objects[object].fields[field];
            assert_eq!(
                (found.field_type, found.many, &found.target),
                (schema.field_type, schema.many, &schema.target),
                "{object}.{field}"
            );
        }
    }
    let categories: Vec<&str> =
        lock.objects["incidents"].fields["category"].values.iter().map(|v| v.value.as_str()).collect();
    for used in rows(dir, "incidents").iter().filter_map(|incident| incident["category"].as_str()) {
        assert!(categories.contains(&used), "{used} not in {categories:?}");
    }
    assert!(
        source.notes().iter().any(|note| note.starts_with("TOPdesk REST API 3.8.5, read as operator")),
        "{:?}",
        source.notes()
    );
}

#[test]
fn wrong_credentials_and_slow_answers_are_named_without_the_password() {
    let dir = data();
    let served = Served::serve(emulator(dir));
    let mut config = driver(&served, dir);
    config.password = cutover::drivers::topdesk::Password::new("wrong-secret-9x");
    let error = TopdeskSource::connect(config).unwrap_err().to_string();
    assert!(error.contains("/tas/api/version") && error.contains("(401)"), "{error}");
    assert!(error.contains("check the login name"), "{error}");
    assert!(!error.contains("wrong-secret-9x") && !error.contains(PASSWORD), "{error}");

    // Every answer takes 300 ms and the driver waits 100: retried, then named with the path.
    let mut slow = emulator(dir);
    slow.slowness = Slowness { delay: Duration::from_millis(300), ..Slowness::default() };
    let served = Served::serve(slow);
    let mut config = driver(&served, dir);
    config.timeout = Duration::from_millis(100);
    config.retries = 2;
    let error = TopdeskSource::connect(config).unwrap_err().to_string();
    assert!(error.contains("/tas/api/version: no answer within 0.1 s (3 attempts)"), "{error}");
    assert!(!error.contains(PASSWORD), "{error}");
}

/// Pages over 20 records are held and end in a 504: the driver halves its pages until they
/// pass and reads every incident.
#[test]
fn gateway_timeouts_shrink_the_pages() {
    let dir = data();
    let mut config = emulator(dir);
    config.slowness = Slowness {
        large_page_over: Some(20),
        large_page: SlowAnswer::Timeout(Duration::from_millis(10)),
        ..Slowness::default()
    };
    let served = Served::serve(config);
    let lock = generated_lock(dir);
    let fields = fields_of(&lock, "incidents");
    let mut driver_config = driver(&served, dir);
    driver_config.retries = 0;
    let mut source = connect(driver_config);
    let found = read_all(&mut source, "incidents", &fields, 500);
    let mut files = FileSource::with_lock(dir, lock).unwrap();
    assert_same("incidents", &fields, read_all(&mut files, "incidents", &fields, 1000), found);
    assert!(source.notes().iter().any(|note| note.contains("reading 19 at a time")), "{:?}", source.notes());
}

/// The generated asset links hold a cycle: the hierarchy names it (and stops there) and resolves
/// the other chains.
#[test]
fn asset_links_resolve_with_the_cycle_reported() {
    let dir = data();
    let served = Served::serve(emulator(dir));
    let mut source = connect(driver(&served, dir));
    let hierarchy = source.asset_hierarchy().unwrap();
    let links: Vec<(String, String)> = rows(dir, "assetLinks")
        .iter()
        .map(|link| (link["parent"].as_str().unwrap().to_owned(), link["child"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(hierarchy, cutover::drivers::topdesk::AssetHierarchy::resolve(links.clone()));
    assert!(!hierarchy.cycles.is_empty(), "the generated data has a cycle");
    for cycle in &hierarchy.cycles {
        for (at, asset) in cycle.iter().enumerate() {
            let parent = &cycle[(at + 1) % cycle.len()];
            assert!(links.contains(&(parent.clone(), asset.clone())), "{parent} → {asset} is a generated link");
        }
    }
    assert!(source.notes().iter().any(|note| note.contains("form a cycle")), "{:?}", source.notes());
}

/// A person without a usable address is flagged, never given a made-up one.
#[test]
fn persons_without_email_are_flagged() {
    let dir = data();
    let served = Served::serve(emulator(dir));
    let mut source = connect(driver(&served, dir));
    let fields = vec!["email".to_owned(), "noEmail".to_owned()];
    let records = read_all(&mut source, "persons", &fields, 100);
    let generated = rows(dir, "persons");
    let mut flagged = 0;
    for record in &records {
        let row = generated.iter().find(|row| row["id"].as_str() == Some(&record.id.to_string())).unwrap();
        let usable = row["email"].as_str().is_some_and(|email| email.contains('@'));
        assert_eq!(record.values[1], Value::Bool(!usable), "{}", record.id);
        if !usable {
            flagged += 1;
            assert_eq!(record.values[0], cutover::drivers::value_from_json(&row["email"], None));
        }
    }
    assert!(flagged > 0, "the generated persons include some without an address");
}

/// An incident created in a window already being read (an import back-dating its creation)
/// shifts the offsets of that window: resuming from the stored cursor against the changed data
/// is an error naming the window, not a silently skipped record.
#[test]
fn a_window_that_changed_under_its_cursor_is_an_error() {
    let dir = data();
    let changed = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, changed.path().join(path.file_name().unwrap())).unwrap();
    }
    let mut incidents = rows(dir, "incidents");
    incidents.sort_by(|a, b| a["creationDate"].as_str().cmp(&b["creationDate"].as_str()));
    let mut early = incidents[0].clone();
    early["id"] = serde_json::json!("00000000-0000-4000-8000-000000000000");
    early["number"] = serde_json::json!("I 0000 001");
    let mut text = std::fs::read_to_string(changed.path().join("incidents.ndjson")).unwrap();
    text.insert_str(0, &format!("{early}\n"));
    std::fs::write(changed.path().join("incidents.ndjson"), text).unwrap();

    let before = Served::serve(emulator(dir));
    let mut config = driver(&before, dir);
    config.window_days = 180;
    let mut source = connect(config);
    let first = source.read("incidents", &["id".to_owned()], None, 2).unwrap();
    let cursor = first.next.expect("more than two incidents");
    assert!(cursor.0.contains("window=0;offset=2"), "{}", cursor.0);

    let after = Served::serve(emulator(changed.path()));
    let mut config = driver(&after, dir);
    config.window_days = 180;
    let mut resumed = connect(config);
    let mut cursor = Some(cursor);
    let error = loop {
        match resumed.read("incidents", &["id".to_owned()], cursor.as_ref(), 2) {
            Ok(batch) => match batch.next {
                Some(next) => cursor = Some(next),
                None => panic!("the change went unnoticed"),
            },
            Err(error) => break error.to_string(),
        }
    };
    assert!(error.contains("cannot resume reading `incidents`"), "{error}");
    assert!(error.contains("window 1 of"), "{error}");
    assert!(error.contains("restart reading `incidents` from the beginning"), "{error}");
}
