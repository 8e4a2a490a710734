//! The file driver: paging with cursors, resuming, errors that name their line, lookups by id,
//! lock discovery and the sink, over small NDJSON files written into a temporary directory.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use serde_json::json;

use cutover::check::schema::{FieldSchema, FieldType, ObjectSchema, SchemaLock};
use cutover::drivers::file::discover;
use cutover::drivers::{Cursor, DriverError, FileSink, FileSource, Record, Sink, Source};
use cutover::run::value::Value;

/// Write `DIR/OBJECT.ndjson`, one JSON value per line.
fn write_object(dir: &Path, object: &str, records: impl IntoIterator<Item = serde_json::Value>) {
    let text: String = records.into_iter().map(|record| format!("{record}\n")).collect();
    fs::write(dir.join(format!("{object}.ndjson")), text).unwrap();
}

/// `count` tickets with ids 1..=count.
fn tickets(count: i64) -> Vec<serde_json::Value> {
    (1..=count).map(|id| json!({"id": id, "name": format!("Ticket {id}"), "priority": (id % 4).to_string()})).collect()
}

fn fields(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

fn ids(records: &[Record]) -> Vec<String> {
    records.iter().map(|record| record.id.to_string()).collect()
}

#[test]
fn paging_with_cursors_gives_every_record_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    write_object(dir.path(), "ticket", tickets(2500));
    let mut source = FileSource::open(dir.path()).unwrap();
    let (mut seen, mut pages, mut cursor) = (Vec::new(), 0, None);
    loop {
        let batch = source.read("ticket", &fields(&["name", "id"]), cursor.as_ref(), 500).unwrap();
        assert_eq!(batch.records.len(), 500);
        pages += 1;
        for record in &batch.records {
            let Value::Int(id) = record.id else { panic!("int ids") };
            assert_eq!(record.values, [Value::text(format!("Ticket {id}")), Value::Int(id)]);
            seen.push(id);
        }
        match batch.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 5, "the last full page ends the object without an empty extra page");
    assert_eq!(seen, (1..=2500).collect::<Vec<_>>());
    assert_eq!(source.count("ticket").unwrap(), Some(2500));
}

#[test]
fn reading_resumes_from_a_saved_cursor() {
    let dir = tempfile::tempdir().unwrap();
    write_object(dir.path(), "ticket", tickets(1200));
    let saved = {
        let mut source = FileSource::open(dir.path()).unwrap();
        source.read("ticket", &fields(&["name"]), None, 500).unwrap().next.unwrap().0
    };
    // A new process resumes from the stored text, and reading the same cursor twice gives the same page.
    let mut source = FileSource::open(dir.path()).unwrap();
    let cursor = Cursor(saved);
    let first = source.read("ticket", &fields(&["name"]), Some(&cursor), 500).unwrap();
    let again = source.read("ticket", &fields(&["name"]), Some(&cursor), 500).unwrap();
    assert_eq!(first, again);
    assert_eq!(first.records[0].id, Value::Int(501));
    let last = source.read("ticket", &fields(&["name"]), first.next.as_ref(), 500).unwrap();
    assert_eq!(ids(&last.records).first().map(String::as_str), Some("1001"));
    assert_eq!(last.records.len(), 200);
    assert_eq!(last.next, None);
}

#[test]
fn a_cursor_into_a_changed_file_asks_to_restart() {
    let dir = tempfile::tempdir().unwrap();
    write_object(dir.path(), "ticket", (1..=9).map(|id| json!({"id": id})));
    let mut source = FileSource::open(dir.path()).unwrap();
    let cursor = source.read("ticket", &[], None, 5).unwrap().next.unwrap();

    // Every line has the same length, so only the ids show that record 2 is gone.
    write_object(dir.path(), "ticket", (1..=9).filter(|id| *id != 2).map(|id| json!({"id": id})));
    let error = source.read("ticket", &[], Some(&cursor), 5).unwrap_err();
    assert!(matches!(error, DriverError::StaleCursor { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "cannot resume reading `ticket` from cursor `{}`: the record before it is now 6, not 5; the data \
             changed since the cursor was saved, so restart reading `ticket` from the beginning",
            cursor.0
        )
    );

    write_object(dir.path(), "ticket", (1..=3).map(|id| json!({"id": id})));
    let error = source.read("ticket", &[], Some(&cursor), 5).unwrap_err().to_string();
    assert!(error.contains("has 27 bytes, the cursor points at byte 45"), "{error}");

    write_object(dir.path(), "ticket", (1..=9).map(|id| json!({"id": id * 10})));
    let error = source.read("ticket", &[], Some(&cursor), 5).unwrap_err().to_string();
    assert!(error.contains("the cursor does not point at the start of a line"), "{error}");

    let error = source.read("ticket", &[], Some(&Cursor("page 2".into())), 5).unwrap_err().to_string();
    assert!(error.contains("it is not a file-driver cursor"), "{error}");
}

#[test]
fn a_malformed_line_names_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticket.ndjson");
    fs::write(&path, "{\"id\": 1}\n\n{\"id\": 2}\n{\"id\": 3, \"name\": \n{\"id\": 4}\n").unwrap();
    let mut source = FileSource::open(dir.path()).unwrap();
    let expected = format!("{}, line 4: not valid JSON: EOF while parsing a value at column 17", path.display());
    let error = source.read("ticket", &[], None, 10).unwrap_err();
    assert!(matches!(error, DriverError::Malformed { line: 4, .. }), "{error:?}");
    assert_eq!(error.to_string(), expected);
    // After a cursor the line number is counted from the start of the file all the same.
    let cursor = source.read("ticket", &[], None, 2).unwrap().next.unwrap();
    assert_eq!(source.read("ticket", &[], Some(&cursor), 10).unwrap_err().to_string(), expected);
    assert_eq!(source.read_by_ids("ticket", &[], &[Value::Int(1)]).unwrap_err().to_string(), expected);

    let cases = [
        ("[1, 2]\n", "line 1: expected a JSON object, found an array"),
        ("{\"name\": \"x\"}\n", "line 1: the record has no `id`"),
        ("{\"id\": 1.5}\n", "line 1: `id` must be a whole number or a string, not `1.5`"),
        (
            "{\"id\": 2}\n{\"id\": 1}\n",
            "line 2: record 1 comes after record 2; records must be sorted by id, each id once",
        ),
        ("{\"id\": \"a\"}\n{\"id\": \"a\"}\n", "line 2: record \"a\" comes after record \"a\""),
    ];
    for (text, message) in cases {
        fs::write(&path, text).unwrap();
        let error = source.read("ticket", &[], None, 10).unwrap_err().to_string();
        assert!(error.contains(message), "{error}");
        assert!(error.contains("ticket.ndjson"), "{error}");
    }
}

#[test]
fn read_by_ids_returns_each_known_record_once() {
    let dir = tempfile::tempdir().unwrap();
    write_object(dir.path(), "ticket", tickets(300));
    write_object(
        dir.path(),
        "operator",
        ["op-1", "op-2", "op-3"].map(|id| json!({"id": id, "name": id.to_uppercase()})),
    );
    let mut source = FileSource::open(dir.path()).unwrap();
    let wanted = [Value::Int(250), Value::Int(2), Value::Int(9999), Value::text("2"), Value::Int(250), Value::Null];
    let mut found = source.read_by_ids("ticket", &fields(&["name", "missing"]), &wanted).unwrap();
    found.sort_by_key(|record| record.id.to_string());
    assert_eq!(ids(&found), ["2", "250"]);
    assert_eq!(found[0].values, [Value::text("Ticket 2"), Value::Null]);
    let found = source.read_by_ids("operator", &fields(&["name"]), &[Value::text("op-2"), Value::Int(2)]).unwrap();
    assert_eq!(found, [Record { id: Value::text("op-2"), values: vec![Value::text("OP-2")] }]);
    assert_eq!(source.count("operator").unwrap(), Some(3));
}

#[test]
fn unknown_objects_are_named_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    write_object(dir.path(), "ticket", tickets(1));
    write_object(dir.path(), "res.partner", []);
    fs::write(dir.path().join("notes.txt"), "not an object").unwrap();
    let mut source = FileSource::open(dir.path()).unwrap();
    assert_eq!(source.objects().collect::<Vec<_>>(), ["res.partner", "ticket"]);
    let error = source.read("tickets", &[], None, 10).unwrap_err();
    assert_eq!(error.to_string(), "unknown object `tickets`; did you mean `ticket`? (objects: res.partner, ticket)");
    assert_eq!(
        source.read("res.partner", &[], None, 10).unwrap(),
        cutover::drivers::Batch { records: vec![], next: None }
    );
    let error = FileSource::open(dir.path().join("missing")).unwrap_err().to_string();
    assert!(error.starts_with("cannot access `") && error.contains("missing`: "), "{error}");
}

#[test]
fn values_are_typed_by_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let record = json!({"id": 1, "deadline": "2026-03-29", "created": "2026-03-29 01:30:00", "tags": [1, 2]});
    write_object(dir.path(), "ticket", [record]);
    let wanted = fields(&["deadline", "created", "tags", "absent"]);

    // Before describe, by JSON shape: dates stay text.
    let mut source = FileSource::open(dir.path()).unwrap();
    let before = source.read("ticket", &wanted, None, 10).unwrap().records.remove(0);
    assert_eq!(before.values.iter().map(Value::kind).collect::<Vec<_>>(), ["text", "text", "list", "null"]);

    // describe infers a lock that types every later read.
    source.describe().unwrap();
    let after = source.read("ticket", &wanted, None, 10).unwrap().records.remove(0);
    assert_eq!(after.values.iter().map(Value::kind).collect::<Vec<_>>(), ["date", "datetime", "list", "null"]);
    assert_eq!(after.values[1].to_string(), "2026-03-29T01:30:00Z");

    // A lock given up front wins over the inferred one.
    let field = |field_type| FieldSchema { field_type, ..FieldSchema::default() };
    let object = ObjectSchema {
        fields: [("deadline".to_owned(), field(FieldType::Text)), ("created".to_owned(), field(FieldType::Datetime))]
            .into(),
        ..ObjectSchema::default()
    };
    let lock = SchemaLock {
        lock: 1,
        system: "file".into(),
        objects: [("ticket".to_owned(), object)].into(),
        ..SchemaLock::default()
    };
    let mut source = FileSource::with_lock(dir.path(), lock).unwrap();
    source.describe().unwrap();
    let given = source.read("ticket", &wanted, None, 10).unwrap().records.remove(0);
    assert_eq!(given.values.iter().map(Value::kind).collect::<Vec<_>>(), ["text", "datetime", "list", "null"]);
}

/// A helpdesk export with a field for every inferred type.
fn helpdesk(dir: &Path) {
    let partners = (1..=30).map(|id| {
        json!({
            "id": id,
            "name": format!("Partner {id}"),
            "email": if id % 5 == 0 { json!(null) } else { json!(format!("p{id}@example.com")) },
            "is_company": id % 3 == 0,
            "lang": (["en_US", "de_DE", "fr_FR"][id as usize % 3]),
            "credit": if id % 2 == 0 { json!(id) } else { json!(id as f64 + 0.5) },
            "parent_id": if id > 10 { json!(id - 10) } else { json!(null) },
        })
    });
    write_object(dir, "res.partner", partners);
    write_object(dir, "res.users", (1..=2).map(|id| json!({"id": id, "login": format!("agent{id}")})));
    write_object(dir, "helpdesk.stage", (1..=4).map(|id| json!({"id": id, "name": format!("Stage {id}")})));
    write_object(dir, "helpdesk.tag", (1..=3).map(|id| json!({"id": id, "name": format!("Tag {id}")})));
    let tickets = (1..=25).map(|id: i64| {
        json!({
            "id": id,
            "name": format!("Ticket {id}"),
            "description": if id == 1 { json!("plain words") } else { json!(format!("<p>Hello {id}</p><br>")) },
            "partner_id": (id * 7) % 30 + 1,
            "stage_id": id % 4 + 1,
            "user_id": if id % 2 == 0 { json!(id % 2 + 1) } else { json!(null) },
            "tag_ids": (1..=id % 3 + 1).collect::<Vec<_>>(),
            "priority": (id % 4).to_string(),
            "create_date": format!("2026-03-{:02} 01:30:00", id),
            "write_date": if id % 2 == 0 { format!("2026-03-{id:02}T01:30:00Z") } else { format!("2026-03-{id:02} 09:00:00") },
            "date_deadline": if id % 3 == 0 { json!(null) } else { json!(format!("2026-04-{id:02}")) },
            "hours": if id % 2 == 0 { json!(2) } else { json!(1.25) },
            "active": id != 4,
            "sequence": id * 10,
            "properties": if id % 2 == 0 { json!({"channel": "email"}) } else { json!(null) },
            "cc": (1..=id % 3).map(|n| format!("cc{n}.{id}@example.com")).collect::<Vec<_>>(),
            "attachment": format!("aGVsbG8g{id:02}=="),
            "legacy": if id % 2 == 0 { json!(id) } else { json!("n/a") },
            "unused": null,
        })
    });
    write_object(dir, "helpdesk.ticket", tickets);
    write_object(dir, "operator", ["op-a", "op-b"].map(|id| json!({"id": id})));
    let incidents = (1..=3).map(|id| json!({"id": format!("I-{id}"), "operator_id": (["op-a", "op-b"][id % 2])}));
    write_object(dir, "incident", incidents);
}

/// One line per object and field: type, flags, target, enum values and note.
fn summary(lock: &SchemaLock) -> String {
    let mut out = format!("system: {}\n", lock.system);
    for (name, object) in &lock.objects {
        writeln!(out, "{name} ({} records)", object.count.unwrap_or_default()).unwrap();
        for (field_name, field) in &object.fields {
            write!(out, "  {field_name}: {}", field.field_type.as_str()).unwrap();
            if field.many {
                out.push_str(" many");
            }
            if field.required {
                out.push_str(" required");
            }
            if let Some(target) = &field.target {
                write!(out, " -> {target}").unwrap();
            }
            for value in &field.values {
                write!(out, " {}={}", value.value, value.count.unwrap_or_default()).unwrap();
            }
            if let Some(note) = &field.note {
                write!(out, " ({note})").unwrap();
            }
            out.push('\n');
        }
    }
    out
}

#[test]
fn discover_infers_types_relations_and_enums() {
    let dir = tempfile::tempdir().unwrap();
    helpdesk(dir.path());
    let lock = discover(dir.path()).unwrap();
    insta::assert_snapshot!(summary(&lock), @r"
    system: file
    helpdesk.stage (4 records)
      id: int required
      name: text required
    helpdesk.tag (3 records)
      id: int required
      name: text required
    helpdesk.ticket (25 records)
      active: bool required
      attachment: text required
      cc: text many required
      create_date: datetime required
      date_deadline: date
      description: html required
      hours: float required
      id: int required
      legacy: text required (values of mixed kinds, read as text)
      name: text required
      partner_id: relation required -> res.partner
      priority: enum required 0=6 1=7 2=6 3=6
      properties: json
      sequence: int required
      stage_id: relation required -> helpdesk.stage
      tag_ids: relation many required -> helpdesk.tag
      unused: text (no values to infer a type from)
      user_id: relation -> res.users
      write_date: datetime required
    incident (3 records)
      id: text required
      operator_id: relation required -> operator
    operator (2 records)
      id: text required
    res.partner (30 records)
      credit: float required
      email: text
      id: int required
      is_company: bool required
      lang: enum required de_DE=10 en_US=10 fr_FR=10
      name: text required
      parent_id: int (values are ids of several objects (helpdesk.ticket, res.partner); to link it, set `type: relation` and `target`)
    res.users (2 records)
      id: int required
      login: text required
    ");
    // The same data gives the same lock, and describe is discover.
    assert_eq!(FileSource::open(dir.path()).unwrap().describe().unwrap(), lock);
}

#[test]
fn discover_reports_malformed_lines() {
    let dir = tempfile::tempdir().unwrap();
    helpdesk(dir.path());
    fs::write(dir.path().join("res.users.ndjson"), "{\"id\": 1}\n{\"id\": 2,}\n").unwrap();
    let error = discover(dir.path()).unwrap_err().to_string();
    assert!(error.contains("res.users.ndjson, line 2: not valid JSON: trailing comma at column 10"), "{error}");
}

#[test]
fn the_sink_writes_sorted_stable_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out/nested");
    let contact =
        json!({"name": "Ada", "email": "ada@example.com", "custom_attributes": {"z": 1, "a": [{"y": 2, "x": 1}]}});
    let contact = contact.as_object().unwrap();
    let company = json!({"name": "Acme"});
    let mut sink = FileSink::create(&out).unwrap();
    assert_eq!(sink.write("res.partner", "contact", &Value::Int(7), contact).unwrap(), "file-contact-1");
    assert_eq!(
        sink.write("res.partner", "company", &Value::Int(8), company.as_object().unwrap()).unwrap(),
        "file-company-1"
    );
    assert_eq!(
        sink.write("res.partner", "contact", &Value::text("p-9"), &serde_json::Map::new()).unwrap(),
        "file-contact-2"
    );
    sink.finish().unwrap();
    let expected = concat!(
        r#"{"_object":"res.partner","_source_id":7,"custom_attributes":{"a":[{"x":1,"y":2}],"z":1},"email":"ada@example.com","name":"Ada"}"#,
        "\n",
        r#"{"_object":"res.partner","_source_id":"p-9"}"#,
        "\n",
    );
    assert_eq!(fs::read_to_string(out.join("contact.ndjson")).unwrap(), expected);
    assert_eq!(
        fs::read_to_string(out.join("company.ndjson")).unwrap(),
        "{\"_object\":\"res.partner\",\"_source_id\":8,\"name\":\"Acme\"}\n"
    );

    // A later run appends, and destination ids keep counting lines.
    let mut sink = FileSink::create(&out).unwrap();
    assert_eq!(sink.write("res.partner", "contact", &Value::Int(10), contact).unwrap(), "file-contact-3");
    sink.finish().unwrap();
    let written = fs::read_to_string(out.join("contact.ndjson")).unwrap();
    assert_eq!(written.lines().count(), 3);
    assert!(written.starts_with(expected));

    let reserved = json!({"_object": "x"});
    let error = sink.write("res.partner", "contact", &Value::Int(1), reserved.as_object().unwrap()).unwrap_err();
    assert_eq!(error.to_string(), "cannot write a `contact` record: `_object` is reserved for the record's provenance");
    let error = sink.write("res.partner", "../escape", &Value::Int(1), &serde_json::Map::new()).unwrap_err();
    assert!(matches!(error, DriverError::Rejected { .. }), "{error}");
}
