//! The Odoo emulator's server-side semantics, called through `dispatch` as the XML-RPC layer
//! will: authentication, keyset paging, `active_test`, every domain operator, `fields_get`,
//! Odoo's value conventions per field type, version differences, fault codes and the slow-read
//! threshold. Expectations are computed from the generated NDJSON, not hard-coded.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use cutover::drivers::odoo::{Fault, XmlRpcValue};
use cutover::generate::{Platform, generate};
use cutover::sandbox::odoo::{EmulatorConfig, ModelAccess, OdooEmulator, OdooVersion, Outcome, SlowRead};
use serde_json::{Value, json};

const KEY: &str = "0123456789abcdef0123456789abcdef01234567";

/// One generated Odoo dataset (50 tickets, seed 7) shared by every test.
fn data() -> &'static Path {
    static DATA: OnceLock<PathBuf> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("cutover-odoo-emulator-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the data directory");
        generate(Platform::Odoo, 50, 7, &dir).expect("generate Odoo data");
        dir
    })
}

/// The generated records of one model.
fn rows(model: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(data().join(format!("{model}.ndjson"))).expect("read NDJSON");
    text.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect()
}

fn config(version: OdooVersion) -> EmulatorConfig {
    let mut config = EmulatorConfig::new(data(), KEY);
    config.database = "acme".to_owned();
    config.version = version;
    config
}

fn emulator(version: OdooVersion) -> OdooEmulator {
    OdooEmulator::new(config(version)).expect("load the dataset")
}

/// JSON → XML-RPC (null → nil, objects → structs in order).
fn x(value: Value) -> XmlRpcValue {
    match value {
        Value::Null => XmlRpcValue::Nil,
        Value::Bool(flag) => XmlRpcValue::Bool(flag),
        Value::Number(number) => match number.as_i64() {
            Some(int) => XmlRpcValue::Int(int),
            None => XmlRpcValue::Double(number.as_f64().unwrap()),
        },
        Value::String(text) => XmlRpcValue::String(text),
        Value::Array(items) => XmlRpcValue::Array(items.into_iter().map(x).collect()),
        Value::Object(members) => XmlRpcValue::Struct(members.into_iter().map(|(k, v)| (k, x(v))).collect()),
    }
}

/// XML-RPC → JSON, for comparisons (ints and doubles both become numbers).
fn j(value: &XmlRpcValue) -> Value {
    match value {
        XmlRpcValue::Int(int) => json!(int),
        XmlRpcValue::Bool(flag) => json!(flag),
        XmlRpcValue::String(text) | XmlRpcValue::DateTime(text) => json!(text),
        XmlRpcValue::Double(double) => json!(double),
        XmlRpcValue::Base64(_) => panic!("Odoo never sends <base64>"),
        XmlRpcValue::Struct(members) => Value::Object(members.iter().map(|(k, v)| (k.clone(), j(v))).collect()),
        XmlRpcValue::Array(items) => Value::Array(items.iter().map(j).collect()),
        XmlRpcValue::Nil => panic!("Odoo never sends <nil/>"),
    }
}

/// `execute_kw` with the right credentials.
fn kw(odoo: &OdooEmulator, model: &str, method: &str, args: Value, kwargs: Value) -> Result<XmlRpcValue, Fault> {
    let params =
        vec![x(json!("acme")), x(json!(2)), x(json!(KEY)), x(json!(model)), x(json!(method)), x(args), x(kwargs)];
    odoo.dispatch("object", "execute_kw", params)
}

#[track_caller]
fn ok(result: Result<XmlRpcValue, Fault>) -> Value {
    match result {
        Ok(value) => j(&value),
        Err(fault) => panic!("fault {}: {}", fault.code, fault.string),
    }
}

#[track_caller]
fn fault(result: Result<XmlRpcValue, Fault>) -> Fault {
    match result {
        Ok(value) => panic!("expected a fault, got {value:?}"),
        Err(fault) => fault,
    }
}

/// The last line of a fault string (the `ExceptionType: message` of a traceback).
fn last_line(fault: &Fault) -> &str {
    fault.string.trim_end().lines().last().unwrap_or_default()
}

/// Ids of a `search`, sorted.
fn search_ids(odoo: &OdooEmulator, model: &str, domain: Value) -> Vec<i64> {
    let found = ok(kw(odoo, model, "search", json!([domain]), json!({"context": {"active_test": false}})));
    let mut ids: Vec<i64> = found.as_array().unwrap().iter().map(|id| id.as_i64().unwrap()).collect();
    ids.sort();
    ids
}

/// Ids of generated records satisfying `keep`.
fn expected(model: &str, keep: impl Fn(&Value) -> bool) -> Vec<i64> {
    rows(model).iter().filter(|row| keep(row)).map(|row| row["id"].as_i64().unwrap()).collect()
}

#[test]
fn version_needs_no_credentials_and_names_the_series() {
    for (version, serie) in [(OdooVersion::V16, "16.0"), (OdooVersion::V17, "17.0")] {
        let answer = ok(emulator(version).dispatch("common", "version", Vec::new()));
        assert_eq!(answer["server_serie"], serie);
        assert_eq!(answer["server_version"], format!("{serie}+e"));
        assert_eq!(answer["protocol_version"], 1);
        let info = answer["server_version_info"].as_array().unwrap();
        assert_eq!(info.len(), 6);
        assert_eq!(info[0], serie[..2].parse::<i64>().unwrap());
        assert_eq!(info[3], "final");
    }
}

#[test]
fn authenticate_answers_the_uid_or_false_never_a_fault() {
    let odoo = emulator(OdooVersion::V17);
    let call = |method: &str, params: Value| {
        odoo.dispatch("common", method, params.as_array().unwrap().iter().cloned().map(x).collect())
    };
    assert_eq!(ok(call("authenticate", json!(["acme", "admin", KEY, {}]))), json!(2));
    assert_eq!(ok(call("login", json!(["acme", "admin", KEY]))), json!(2));
    assert_eq!(ok(call("authenticate", json!(["acme", "admin", "wrong", {}]))), json!(false));
    assert_eq!(ok(call("authenticate", json!(["acme", "someone", KEY, {}]))), json!(false));
    // No password RPC configured (2FA): the password is refused, the key works.
    assert_eq!(ok(call("authenticate", json!(["acme", "admin", "", {}]))), json!(false));
    let unknown = fault(call("authenticate", json!(["nope", "admin", KEY, {}])));
    assert_eq!(unknown.code, 1);
    assert!(last_line(&unknown).contains("database \"nope\" does not exist"), "{}", unknown.string);
    let arity = fault(call("authenticate", json!(["acme", "admin", KEY])));
    assert_eq!(arity.code, 1);
    assert_eq!(last_line(&arity), "TypeError: authenticate() missing 1 required positional argument: 'user_agent_env'");

    let mut with_password = config(OdooVersion::V17);
    with_password.password = Some("secret".to_owned());
    let odoo = OdooEmulator::new(with_password).unwrap();
    let params = ["acme", "admin", "secret"].map(|text| XmlRpcValue::String(text.to_owned())).to_vec();
    assert_eq!(odoo.dispatch("common", "login", params), Ok(XmlRpcValue::Int(2)));
}

#[test]
fn every_object_call_rechecks_the_credentials() {
    let odoo = emulator(OdooVersion::V17);
    let call = |uid: i64, key: &str| {
        odoo.dispatch(
            "object",
            "execute_kw",
            vec![
                x(json!("acme")),
                x(json!(uid)),
                x(json!(key)),
                x(json!("helpdesk.ticket")),
                x(json!("search_count")),
                x(json!([[]])),
            ],
        )
    };
    assert!(ok(call(2, KEY)).as_i64().unwrap() > 0);
    for (uid, key) in [(2, "wrong"), (3, KEY), (2, "")] {
        let denied = fault(call(uid, key));
        assert_eq!((denied.code, denied.string.as_str()), (3, "Access Denied"));
    }
    // The legacy `execute` takes the method's arguments directly.
    let legacy = odoo.dispatch(
        "object",
        "execute",
        vec![x(json!("acme")), x(json!(2)), x(json!(KEY)), x(json!("helpdesk.tag")), x(json!("search")), x(json!([]))],
    );
    assert_eq!(ok(legacy).as_array().unwrap().len(), rows("helpdesk.tag").len());
}

#[test]
fn keyset_paging_returns_every_record_exactly_once() {
    let odoo = emulator(OdooVersion::V17);
    for (model, page) in [("helpdesk.ticket", 7), ("mail.message", 50), ("res.partner", 13)] {
        let mut last = 0;
        let mut seen = Vec::new();
        loop {
            let batch = ok(kw(
                &odoo,
                model,
                "search_read",
                json!([[["id", ">", last]]]),
                json!({"fields": ["id"], "order": "id asc", "limit": page, "context": {"active_test": false}}),
            ));
            let ids: Vec<i64> = batch.as_array().unwrap().iter().map(|row| row["id"].as_i64().unwrap()).collect();
            if ids.is_empty() {
                break;
            }
            assert!(ids.len() <= page);
            assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{model}: a page is not in id order");
            last = *ids.last().unwrap();
            seen.extend(ids);
        }
        let all = expected(model, |_| true);
        assert_eq!(seen, all, "{model}: every record once, in order");
    }
    // `offset` past the end is empty; `limit` 0 means no limit; the default order of
    // mail.message is `id desc`.
    let none = ok(kw(&odoo, "helpdesk.ticket", "search", json!([[]]), json!({"offset": 100000})));
    assert_eq!(none, json!([]));
    let everything = ok(kw(&odoo, "helpdesk.tag", "search", json!([[]]), json!({"limit": 0})));
    assert_eq!(everything.as_array().unwrap().len(), rows("helpdesk.tag").len());
    let newest = ok(kw(&odoo, "mail.message", "search", json!([[]]), json!({"limit": 1})));
    assert_eq!(newest[0].as_i64(), expected("mail.message", |_| true).last().copied());
    let sorted = ok(kw(
        &odoo,
        "helpdesk.ticket",
        "search_read",
        json!([[]]),
        json!({"fields": ["create_date"], "order": "create_date desc, id asc", "context": {"active_test": false}}),
    ));
    let dates: Vec<&str> = sorted.as_array().unwrap().iter().map(|row| row["create_date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|pair| pair[0] >= pair[1]));
}

#[test]
fn active_test_hides_archived_records_unless_turned_off() {
    let odoo = emulator(OdooVersion::V17);
    for model in ["helpdesk.ticket", "res.partner", "res.users"] {
        let active = expected(model, |row| row["active"] != json!(false));
        let archived = expected(model, |row| row["active"] == json!(false));
        assert!(!archived.is_empty(), "{model}: the data has archived records");
        let default = ok(kw(&odoo, model, "search", json!([[]]), json!({"order": "id"})));
        assert_eq!(default, json!(active), "{model}: archived records are hidden by default");
        let count_all = ok(kw(
            &odoo,
            model,
            "search_count",
            json!([[]]),
            json!({"context": {"active_test": false, "lang": "en_US"}}),
        ));
        assert_eq!(count_all, json!(active.len() + archived.len()));
        // A domain on `active` switches the implicit filter off.
        let only_archived = ok(kw(&odoo, model, "search", json!([[["active", "=", false]]]), json!({"order": "id"})));
        assert_eq!(only_archived, json!(archived));
        // `read` by id returns archived records.
        let read = ok(kw(&odoo, model, "read", json!([[archived[0]], ["active"]]), json!({})));
        assert_eq!(read, json!([{"id": archived[0], "active": false}]));
    }
    // To-many values drop archived targets under active_test (res.partner.user_ids → res.users).
    let inactive_users: BTreeSet<i64> =
        expected("res.users", |row| row["active"] == json!(false)).into_iter().collect();
    let partner = rows("res.partner")
        .into_iter()
        .find(|row| {
            row["user_ids"]
                .as_array()
                .is_some_and(|ids| ids.iter().any(|id| inactive_users.contains(&id.as_i64().unwrap())))
        })
        .expect("a partner of an inactive user");
    let id = partner["id"].as_i64().unwrap();
    let hidden = ok(kw(&odoo, "res.partner", "read", json!([[id], ["user_ids"]]), json!({})));
    let shown =
        ok(kw(&odoo, "res.partner", "read", json!([[id], ["user_ids"]]), json!({"context": {"active_test": false}})));
    assert_eq!(shown[0]["user_ids"], partner["user_ids"]);
    assert!(hidden[0]["user_ids"].as_array().unwrap().len() < shown[0]["user_ids"].as_array().unwrap().len());
}

#[test]
fn every_domain_operator_selects_what_postgresql_would() {
    let odoo = emulator(OdooVersion::V17);
    let tickets = rows("helpdesk.ticket");
    let name = |row: &Value| row["name"].as_str().unwrap_or_default().to_owned();
    let word: String = name(&tickets[0]).split_whitespace().next().unwrap().to_owned();
    let lower = word.to_lowercase();
    let date = tickets[20]["create_date"].as_str().unwrap().replace('T', " ").trim_end_matches('Z').to_owned();
    let naive = |row: &Value| row["create_date"].as_str().unwrap().replace('T', " ").trim_end_matches('Z').to_owned();
    let t = "helpdesk.ticket";
    let cases: Vec<(Value, Vec<i64>)> = vec![
        (json!([["priority", "=", "2"]]), expected(t, |r| r["priority"] == "2")),
        (json!([["priority", "!=", "2"]]), expected(t, |r| r["priority"] != "2")),
        (json!([["id", ">", 10]]), expected(t, |r| r["id"].as_i64().unwrap() > 10)),
        (json!([["id", ">=", 10]]), expected(t, |r| r["id"].as_i64().unwrap() >= 10)),
        (json!([["id", "<", 10]]), expected(t, |r| r["id"].as_i64().unwrap() < 10)),
        (json!([["id", "<=", 10]]), expected(t, |r| r["id"].as_i64().unwrap() <= 10)),
        (json!([["create_date", ">=", date]]), expected(t, |r| naive(r) >= date)),
        (json!([["id", "in", [3, 5, 999]]]), vec![3, 5]),
        (json!([["id", "not in", [3, 5]]]), expected(t, |r| ![3, 5].contains(&r["id"].as_i64().unwrap()))),
        (json!([["name", "like", word]]), expected(t, |r| name(r).contains(&word))),
        (json!([["name", "not like", word]]), expected(t, |r| !name(r).contains(&word))),
        (json!([["name", "ilike", lower]]), expected(t, |r| name(r).to_lowercase().contains(&lower))),
        (json!([["name", "not ilike", lower]]), expected(t, |r| !name(r).to_lowercase().contains(&lower))),
        (json!([["name", "=like", format!("{word}%")]]), expected(t, |r| name(r).starts_with(&word))),
        (json!([["name", "=ilike", format!("{lower}%")]]), expected(t, |r| name(r).to_lowercase().starts_with(&lower))),
        (json!([["partner_id", "=", false]]), expected(t, |r| r["partner_id"].is_null())),
        (json!([["partner_id", "!=", false]]), expected(t, |r| !r["partner_id"].is_null())),
        (json!([["partner_id", "=?", false]]), expected(t, |_| true)),
        (json!([["priority", "=?", "3"]]), expected(t, |r| r["priority"] == "3")),
        (json!([["tag_ids", "in", [1]]]), expected(t, |r| r["tag_ids"].as_array().unwrap().contains(&json!(1)))),
        (json!([["tag_ids", "=", false]]), expected(t, |r| r["tag_ids"].as_array().unwrap().is_empty())),
        (json!([["x_studio_escalated", "=", true]]), expected(t, |r| r["x_studio_escalated"] == true)),
        (json!([["x_studio_escalated", "=", false]]), expected(t, |r| r["x_studio_escalated"] != true)),
        (
            json!(["|", ["priority", "=", "3"], ["id", "<", 5]]),
            expected(t, |r| r["priority"] == "3" || r["id"].as_i64().unwrap() < 5),
        ),
        (
            json!(["&", ["priority", "=", "0"], "!", ["id", "<", 20]]),
            expected(t, |r| r["priority"] == "0" && r["id"].as_i64().unwrap() >= 20),
        ),
        (
            json!([["id", ">", 5], "|", ["priority", "=", "1"], ["priority", "=", "2"]]),
            expected(t, |r| r["id"].as_i64().unwrap() > 5 && (r["priority"] == "1" || r["priority"] == "2")),
        ),
    ];
    let selective = cases.iter().filter(|(_, want)| !want.is_empty() && want.len() < tickets.len()).count();
    assert!(selective >= cases.len() - 4, "most cases select a proper subset ({selective} of {})", cases.len());
    for (domain, want) in cases {
        assert_eq!(search_ids(&odoo, t, domain.clone()), want, "{domain}");
    }
    // A path through a relation: tickets whose customer's e-mail contains a text.
    let partners = rows("res.partner");
    let email = partners.iter().find_map(|p| p["email"].as_str().filter(|e| e.contains('@'))).unwrap().to_owned();
    let with_email: BTreeSet<i64> =
        partners.iter().filter(|p| p["email"] == email).map(|p| p["id"].as_i64().unwrap()).collect();
    let want = expected(t, |r| r["partner_id"].as_i64().is_some_and(|id| with_email.contains(&id)));
    assert_eq!(search_ids(&odoo, t, json!([["partner_id.email", "=", email]])), want);
    // A many2one compared with a name matches the display name.
    let stage_name = rows("helpdesk.stage")[0]["name"].as_str().unwrap().to_owned();
    assert_eq!(search_ids(&odoo, t, json!([["stage_id", "=", stage_name]])), expected(t, |r| r["stage_id"] == 1));
    assert_eq!(
        search_ids(&odoo, t, json!([["stage_id", "ilike", stage_name.to_uppercase()]])),
        expected(t, |r| r["stage_id"] == 1)
    );
    // child_of follows parent_id: the company partner and everyone under it.
    let family = expected("res.partner", |p| p["id"] == 1 || p["parent_id"] == 1);
    assert!(family.len() > 1);
    assert_eq!(search_ids(&odoo, "res.partner", json!([["id", "child_of", [1]]])), family);
    // `any` (17+): tickets with a failed SLA status.
    let failed: BTreeSet<i64> = rows("helpdesk.sla.status")
        .iter()
        .filter(|s| s["status"] == "failed")
        .map(|s| s["ticket_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        search_ids(&odoo, t, json!([["sla_status_ids", "any", [["status", "=", "failed"]]]])),
        failed.into_iter().collect::<Vec<_>>()
    );
}

#[test]
fn fields_get_describes_fields_as_odoo_types() {
    let odoo = emulator(OdooVersion::V17);
    let attributes = json!(["string", "type", "required", "relation", "selection", "manual", "relation_field"]);
    let fields = ok(kw(&odoo, "helpdesk.ticket", "fields_get", json!([]), json!({"attributes": attributes})));
    assert_eq!(
        fields["stage_id"],
        json!({"type": "many2one", "manual": false, "relation": "helpdesk.stage", "required": false, "string": "Stage"})
    );
    assert_eq!(fields["tag_ids"]["type"], "many2many");
    assert_eq!(fields["sla_status_ids"]["type"], "one2many");
    assert_eq!(fields["sla_status_ids"]["relation_field"], "ticket_id");
    assert_eq!(fields["name"], json!({"type": "char", "manual": false, "required": true, "string": "Subject"}));
    assert_eq!(fields["description"]["type"], "html");
    assert_eq!(fields["create_date"]["type"], "datetime");
    assert_eq!(
        fields["x_studio_due_date"],
        json!({"type": "date", "manual": true, "required": false, "string": "Due Date"})
    );
    assert_eq!(fields["x_studio_hours_spent"]["type"], "float");
    assert_eq!(fields["active"]["type"], "boolean");
    assert_eq!(fields["properties"]["type"], "properties");
    assert_eq!(
        fields["priority"]["selection"],
        json!([["0", "Low priority"], ["1", "Medium priority"], ["2", "High priority"], ["3", "Urgent"]])
    );
    assert!(fields["name"].get("relation").is_none(), "relation only on relational fields");
    // `type` comes first, the rest alphabetically.
    let raw = kw(&odoo, "helpdesk.ticket", "fields_get", json!([["stage_id"]]), json!({})).unwrap();
    let XmlRpcValue::Struct(described) = &raw else { panic!("a struct") };
    assert_eq!(described.len(), 1, "allfields restricts the answer");
    let XmlRpcValue::Struct(stage) = &described[0].1 else { panic!("a struct") };
    let keys: Vec<&str> = stage.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(keys[0], "type");
    assert!(keys[1..].windows(2).all(|pair| pair[0] < pair[1]), "{keys:?}");
    assert!(keys.contains(&"store") && keys.contains(&"readonly") && keys.contains(&"groupable"));
    // Other models: attachments' content is binary, ratings' feedback is text.
    let attachment = ok(kw(
        &odoo,
        "ir.attachment",
        "fields_get",
        json!([["datas", "file_size"]]),
        json!({"attributes": ["type", "store"]}),
    ));
    assert_eq!(
        attachment,
        json!({"file_size": {"type": "integer", "store": true}, "datas": {"type": "binary", "store": false}})
    );
    let rating = ok(kw(
        &odoo,
        "rating.rating",
        "fields_get",
        json!([]),
        json!({"allfields": ["feedback"], "attributes": ["type"]}),
    ));
    assert_eq!(rating, json!({"feedback": {"type": "text"}}));
}

#[test]
fn values_follow_odoo_conventions_per_field_type() {
    let odoo = emulator(OdooVersion::V17);
    let partners = rows("res.partner");
    let display = |id: i64| partners.iter().find(|p| p["id"] == id).unwrap()["display_name"].clone();
    let fields = json!([
        "partner_id",
        "name",
        "tag_ids",
        "create_date",
        "x_studio_due_date",
        "priority",
        "active",
        "assign_hours",
        "x_studio_hours_spent",
        "description",
        "stage_id"
    ]);
    let read = ok(kw(
        &odoo,
        "helpdesk.ticket",
        "search_read",
        json!([[]]),
        json!({"fields": fields, "order": "id", "context": {"active_test": false}}),
    ));
    let tickets = rows("helpdesk.ticket");
    assert_eq!(read.as_array().unwrap().len(), tickets.len());
    let datetime = regex::Regex::new(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$").unwrap();
    let date = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}$").unwrap();
    for (row, source) in read.as_array().unwrap().iter().zip(&tickets) {
        assert_eq!(row["id"], source["id"]);
        match source["partner_id"].as_i64() {
            Some(partner) => assert_eq!(row["partner_id"], json!([partner, display(partner)])),
            None => assert_eq!(row["partner_id"], json!(false)),
        }
        assert_eq!(row["tag_ids"], source["tag_ids"]);
        assert!(datetime.is_match(row["create_date"].as_str().unwrap()), "{}", row["create_date"]);
        match source["x_studio_due_date"].as_str() {
            Some(due) => {
                assert!(date.is_match(row["x_studio_due_date"].as_str().unwrap()));
                assert_eq!(row["x_studio_due_date"], due);
            }
            None => assert_eq!(row["x_studio_due_date"], json!(false)),
        }
        assert_eq!(row["priority"], source["priority"], "selection keys, not labels");
        assert!(row["active"].is_boolean());
        assert!(row["assign_hours"].is_i64(), "empty integers are 0, never False");
        assert!(row["x_studio_hours_spent"].is_f64(), "floats are doubles, 0.0 when empty");
        if source["description"].is_null() {
            assert_eq!(row["description"], json!(false));
        }
    }
    // The member order follows the request; `load: ""` gives bare many2one ids.
    let raw = kw(&odoo, "helpdesk.ticket", "read", json!([[1], ["stage_id", "name"]]), json!({"load": ""})).unwrap();
    let XmlRpcValue::Array(rows_read) = &raw else { panic!("an array") };
    let XmlRpcValue::Struct(members) = &rows_read[0] else { panic!("a struct") };
    let keys: Vec<&str> = members.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(keys, ["id", "stage_id", "name"]);
    assert_eq!(members[1].1, XmlRpcValue::Int(tickets[0]["stage_id"].as_i64().unwrap()));
    // Doubles are `<double>`, integers `<int>`.
    let raw = kw(&odoo, "helpdesk.ticket", "read", json!([[1], ["x_studio_hours_spent", "assign_hours"]]), json!({}))
        .unwrap();
    let XmlRpcValue::Array(rows_read) = &raw else { panic!("an array") };
    assert!(matches!(rows_read[0].member("x_studio_hours_spent"), Some(XmlRpcValue::Double(_))));
    assert!(matches!(rows_read[0].member("assign_hours"), Some(XmlRpcValue::Int(_))));
    // Binary content is base64 text; empty char fields are False.
    let attachment =
        rows("ir.attachment").into_iter().find(|a| a["datas"].is_string()).expect("an attachment with content");
    let id = attachment["id"].as_i64().unwrap();
    let read = ok(kw(&odoo, "ir.attachment", "read", json!([[id], ["datas", "url"]]), json!({})));
    assert_eq!(read[0]["datas"], attachment["datas"]);
    if attachment["url"].is_null() {
        assert_eq!(read[0]["url"], json!(false));
    }
    // `fields` empty reads every field; `display_name` exists on every model.
    let everything = ok(kw(&odoo, "helpdesk.stage", "read", json!([[1]]), json!({"fields": []})));
    assert!(everything[0].as_object().unwrap().len() > 10);
    assert_eq!(everything[0]["display_name"], rows("helpdesk.stage")[0]["name"]);
}

#[test]
fn versions_16_and_17_differ_as_the_digest_says() {
    let v16 = emulator(OdooVersion::V16);
    let v17 = emulator(OdooVersion::V17);
    let v18 = emulator(OdooVersion::V18);
    let ticket_fields =
        |odoo: &OdooEmulator| ok(kw(odoo, "helpdesk.ticket", "fields_get", json!([]), json!({"attributes": ["type"]})));
    // helpdesk.ticket.email (a copy of partner_email) is gone in 17.
    assert_eq!(ticket_fields(&v16)["email"], json!({"type": "char"}));
    assert!(ticket_fields(&v17).get("email").is_none());
    let emails = ok(kw(&v16, "helpdesk.ticket", "read", json!([[1, 2, 3], ["email", "partner_email"]]), json!({})));
    for row in emails.as_array().unwrap() {
        assert_eq!(row["email"], row["partner_email"]);
    }
    // Both close tickets with `fold`: is_close was dropped in 16.0.
    for odoo in [&v16, &v17] {
        let stage = ok(kw(odoo, "helpdesk.stage", "fields_get", json!([]), json!({"attributes": ["type"]})));
        assert_eq!(stage["fold"]["type"], "boolean");
        assert!(stage.get("is_close").is_none());
    }
    // __last_update is readable on 16 only.
    let last = ok(kw(&v16, "helpdesk.ticket", "read", json!([[1], ["__last_update", "write_date"]]), json!({})));
    assert_eq!(last[0]["__last_update"], last[0]["write_date"]);
    let gone = fault(kw(&v17, "helpdesk.ticket", "read", json!([[1], ["__last_update"]]), json!({})));
    assert_eq!(
        (gone.code, last_line(&gone)),
        (1, "ValueError: Invalid field '__last_update' on model 'helpdesk.ticket'")
    );
    // name_get: 16 and 17 (deprecated) answer, 18 has no such method; read display_name works on all.
    for odoo in [&v16, &v17] {
        let names = ok(kw(odoo, "helpdesk.stage", "name_get", json!([[1, 2]]), json!({})));
        assert_eq!(names[0], json!([1, rows("helpdesk.stage")[0]["name"]]));
    }
    let removed = fault(kw(&v18, "helpdesk.stage", "name_get", json!([[1]]), json!({})));
    assert_eq!(removed.code, 1);
    assert!(last_line(&removed).starts_with("AttributeError:"), "{}", removed.string);
    for odoo in [&v16, &v17, &v18] {
        let read = ok(kw(odoo, "helpdesk.stage", "read", json!([[1], ["display_name"]]), json!({})));
        assert_eq!(read[0]["display_name"], rows("helpdesk.stage")[0]["name"]);
    }
    // message_type keys: auto_comment and email_outgoing only from 17.
    let keys = |odoo: &OdooEmulator| -> Vec<String> {
        let fields =
            ok(kw(odoo, "mail.message", "fields_get", json!([["message_type"]]), json!({"attributes": ["selection"]})));
        fields["message_type"]["selection"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| pair[0].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(keys(&v17).contains(&"auto_comment".to_owned()));
    assert!(!keys(&v16).contains(&"auto_comment".to_owned()) && !keys(&v16).contains(&"email_outgoing".to_owned()));
    let sent = ok(kw(
        &v16,
        "mail.message",
        "search_count",
        json!([[["message_type", "in", ["auto_comment", "email_outgoing"]]]]),
        json!({}),
    ));
    assert_eq!(sent, json!(0));
    // `any` is a 17+ operator; `groupable` a 17+ attribute.
    let any = fault(kw(&v16, "helpdesk.ticket", "search", json!([[["tag_ids", "any", [["id", "=", 1]]]]]), json!({})));
    assert_eq!(any.code, 1);
    assert!(last_line(&any).starts_with("ValueError: Invalid operator 'any'"), "{}", any.string);
    let groupable = |odoo: &OdooEmulator| {
        ok(kw(odoo, "helpdesk.ticket", "fields_get", json!([["name"]]), json!({})))["name"].get("groupable").cloned()
    };
    assert_eq!(groupable(&v16), None);
    assert_eq!(groupable(&v17), Some(json!(true)));
    // 18: ticket types are tags.
    let types = fault(kw(&v18, "helpdesk.ticket.type", "search", json!([[]]), json!({})));
    assert_eq!((types.code, types.string.as_str()), (2, "Object helpdesk.ticket.type doesn't exist"));
    let typed = rows("helpdesk.ticket").into_iter().find(|t| t["ticket_type_id"].is_i64()).unwrap();
    let type_name =
        rows("helpdesk.ticket.type").into_iter().find(|k| k["id"] == typed["ticket_type_id"]).unwrap()["name"].clone();
    let tags = ok(kw(
        &v18,
        "helpdesk.ticket",
        "read",
        json!([[typed["id"]], ["tag_ids"]]),
        json!({"context": {"active_test": false}}),
    ));
    let tag_names = ok(kw(&v18, "helpdesk.tag", "read", json!([tags[0]["tag_ids"].clone(), ["name"]]), json!({})));
    assert!(tag_names.as_array().unwrap().iter().any(|tag| tag["name"] == type_name));
}

#[test]
fn faults_carry_odoo_codes_and_messages() {
    let odoo = emulator(OdooVersion::V17);
    // 2: the helpdesk module is not installed.
    let bare = OdooEmulator::new(config(OdooVersion::V17).without_helpdesk()).unwrap();
    let missing = fault(kw(&bare, "helpdesk.ticket", "search", json!([[]]), json!({})));
    assert_eq!((missing.code, missing.string.as_str()), (2, "Object helpdesk.ticket doesn't exist"));
    assert!(kw(&bare, "res.partner", "search_count", json!([[]]), json!({})).is_ok());
    let unknown_model = fault(kw(&odoo, "x_nothing", "search", json!([[]]), json!({})));
    assert_eq!(unknown_model.code, 2);
    // 4: ACL refuses a model.
    let mut denied = config(OdooVersion::V17);
    denied.access.insert("rating.rating".to_owned(), ModelAccess::Denied { groups: vec!["Helpdesk/User".to_owned()] });
    let denied = OdooEmulator::new(denied).unwrap();
    let refused = fault(kw(&denied, "rating.rating", "search_read", json!([[]]), json!({"fields": ["rating"]})));
    assert_eq!(refused.code, 4);
    assert!(
        refused.string.starts_with("You are not allowed to access 'Rating' (rating.rating) records."),
        "{}",
        refused.string
    );
    assert!(refused.string.contains("- Helpdesk/User"));
    let described =
        ok(kw(&denied, "rating.rating", "fields_get", json!([["rating"]]), json!({"attributes": ["readonly"]})));
    assert_eq!(described, json!({"rating": {"readonly": true}}), "fields_get still answers, all readonly");
    // 4: private methods.
    let private = fault(kw(&odoo, "helpdesk.ticket", "_read", json!([[1]]), json!({})));
    assert_eq!(
        (private.code, private.string.as_str()),
        (4, "Private methods (such as _read) cannot be called remotely.")
    );
    // 1: unknown field in a domain, in a fields list, in an order; unknown method.
    let leaf = fault(kw(&odoo, "helpdesk.ticket", "search", json!([[["foo", "=", 1]]]), json!({})));
    assert_eq!(
        (leaf.code, last_line(&leaf)),
        (1, "ValueError: Invalid field helpdesk.ticket.foo in leaf ('foo', '=', 1)")
    );
    assert!(leaf.string.starts_with("Traceback (most recent call last):"));
    let path = fault(kw(&odoo, "helpdesk.ticket", "search", json!([[["partner_id.nope", "=", 1]]]), json!({})));
    assert_eq!(last_line(&path), "ValueError: Invalid field res.partner.nope in leaf ('partner_id.nope', '=', 1)");
    let field = fault(kw(&odoo, "helpdesk.ticket", "search_read", json!([[]]), json!({"fields": ["name", "nope"]})));
    assert_eq!((field.code, last_line(&field)), (1, "ValueError: Invalid field 'nope' on model 'helpdesk.ticket'"));
    let order = fault(kw(&odoo, "helpdesk.ticket", "search", json!([[]]), json!({"order": "nope desc"})));
    assert_eq!(order.code, 1);
    assert!(last_line(&order).starts_with("ValueError: Invalid \"order\" specified (nope desc)."));
    let operator = fault(kw(&odoo, "helpdesk.ticket", "search", json!([[["id", "~", 1]]]), json!({})));
    assert_eq!(last_line(&operator), "ValueError: Invalid operator '~' in domain term ('id', '~', 1)");
    let method = fault(kw(&odoo, "helpdesk.ticket", "frobnicate", json!([]), json!({})));
    assert_eq!(
        (method.code, last_line(&method)),
        (1, "AttributeError: The method 'frobnicate' does not exist on the model 'helpdesk.ticket'")
    );
    // 1: wrong arity and unexpected keywords, as Python words them.
    let arity = fault(kw(&odoo, "helpdesk.ticket", "search", json!([[], 0, 10, "id", false, 1]), json!({})));
    assert_eq!(last_line(&arity), "TypeError: search() takes from 2 to 5 positional arguments but 7 were given");
    let missing_domain = fault(kw(&odoo, "helpdesk.ticket", "search_count", json!([]), json!({})));
    assert_eq!(
        last_line(&missing_domain),
        "TypeError: search_count() missing 1 required positional argument: 'domain'"
    );
    let keyword = fault(kw(&odoo, "helpdesk.ticket", "search_read", json!([[]]), json!({"colour": "red"})));
    assert_eq!(last_line(&keyword), "TypeError: search_read() got an unexpected keyword argument 'colour'");
    let too_few = fault(odoo.dispatch(
        "object",
        "execute_kw",
        vec![x(json!("acme")), x(json!(2)), x(json!(KEY)), x(json!("helpdesk.ticket"))],
    ));
    assert_eq!(
        last_line(&too_few),
        "TypeError: execute_kw() missing 2 required positional arguments: 'method' and 'args'"
    );
    // 2: reading a record that does not exist.
    let gone = fault(kw(&odoo, "helpdesk.ticket", "read", json!([[1, 99999], ["name"]]), json!({})));
    assert_eq!(
        (gone.code, gone.string.as_str()),
        (2, "Record does not exist or has been deleted.\n(Record: helpdesk.ticket(99999,), User: 2)")
    );
    // Writes are not emulated.
    assert_eq!(fault(kw(&odoo, "helpdesk.ticket", "write", json!([[1], {"name": "x"}]), json!({}))).code, 1);
}

#[test]
fn large_reads_are_slow_for_the_http_layer() {
    let mut slow = config(OdooVersion::V17);
    slow.slowness.large_read_cells = Some(60);
    slow.slowness.delay = Duration::from_millis(5);
    let odoo = OdooEmulator::new(slow).unwrap();
    let params = |fields: Value, limit: i64| {
        vec![
            x(json!("acme")),
            x(json!(2)),
            x(json!(KEY)),
            x(json!("helpdesk.ticket")),
            x(json!("search_read")),
            x(json!([[]])),
            x(json!({"fields": fields, "limit": limit})),
        ]
    };
    // 10 records × (2 fields + id) = 30 cells: answered.
    let small = odoo.respond("object", "execute_kw", params(json!(["name", "stage_id"]), 10));
    assert_eq!(small.delay, Duration::from_millis(5));
    let Outcome::Answer(Ok(XmlRpcValue::Array(found))) = small.outcome else { panic!("answered: {:?}", small.outcome) };
    assert_eq!(found.len(), 10);
    // 20 records × (3 fields + id) = 80 cells: slow.
    let large = odoo.respond("object", "execute_kw", params(json!(["name", "stage_id", "priority"]), 20));
    let Outcome::Slow(slow) = large.outcome else { panic!("slow: {:?}", large.outcome) };
    assert_eq!(
        (slow.model.as_str(), slow.method.as_str(), slow.cells, slow.threshold),
        ("helpdesk.ticket", "search_read", 80, 60)
    );
    // `read` counts the same way; counts and searches are never slow; faults stay faults.
    let read = odoo.respond(
        "object",
        "execute_kw",
        vec![
            x(json!("acme")),
            x(json!(2)),
            x(json!(KEY)),
            x(json!("helpdesk.ticket")),
            x(json!("read")),
            x(json!([(1..=30).collect::<Vec<_>>(), ["name", "priority"]])),
        ],
    );
    assert!(matches!(read.outcome, Outcome::Slow(SlowRead { cells: 90, .. })), "{:?}", read.outcome);
    let search = odoo.respond(
        "object",
        "execute_kw",
        vec![
            x(json!("acme")),
            x(json!(2)),
            x(json!(KEY)),
            x(json!("helpdesk.ticket")),
            x(json!("search")),
            x(json!([[]])),
        ],
    );
    assert!(matches!(search.outcome, Outcome::Answer(Ok(_))));
    // `dispatch` still answers in full (after the delay); the threshold is the HTTP layer's business.
    let answered = odoo.dispatch("object", "execute_kw", params(json!(["name", "stage_id", "priority"]), 20)).unwrap();
    let XmlRpcValue::Array(answered) = answered else { panic!("an array") };
    assert_eq!(answered.len(), 20);
    assert!(odoo.calls() >= 5);
}

/// The emulator over real XML-RPC: Python's own `xmlrpc.client` (an independent client) and our
/// `OdooClient` see the same answers, faults come with HTTP 200, unknown paths 404, and a read
/// above the slowness threshold is held and ends in a 504 the client classifies as a timeout.
#[tokio::test(flavor = "multi_thread")]
async fn the_emulator_speaks_xml_rpc_over_http() {
    use cutover::drivers::odoo::{ApiKey, OdooClient, OdooClientConfig};
    use cutover::sandbox::odoo::OdooServer;

    let mut config = config(OdooVersion::new(17).unwrap());
    config.slowness.large_read_cells = Some(1_000);
    let server = OdooServer::start(OdooEmulator::new(config.clone()).unwrap(), 0).await.unwrap();
    let url = server.base_url();

    let script = format!(
        r#"
import json, xmlrpc.client
common = xmlrpc.client.ServerProxy("{url}/xmlrpc/2/common")
uid = common.authenticate("{db}", "{login}", "{key}", {{}})
bad = common.authenticate("{db}", "{login}", "not-the-key", {{}})
models = xmlrpc.client.ServerProxy("{url}/xmlrpc/2/object", allow_none=True)
rows = models.execute_kw("{db}", uid, "{key}", "helpdesk.ticket", "search_read", [[["id", "<=", 3]]],
                         {{"fields": ["name", "partner_id"], "order": "id"}})
try:
    models.execute_kw("{db}", uid, "wrong", "helpdesk.ticket", "search_count", [[]])
    fault = None
except xmlrpc.client.Fault as error:
    fault = error.faultCode
print(json.dumps({{"uid": uid, "bad": bad, "rows": rows, "fault": fault}}))
"#,
        db = config.database,
        login = config.login,
        key = config.api_key,
    );
    let output = tokio::process::Command::new("python3").arg("-c").arg(&script).output().await.unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let python: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(python["uid"], json!(config.uid));
    assert_eq!(python["bad"], json!(false));
    assert_eq!(python["fault"], json!(3));
    let tickets = rows("helpdesk.ticket");
    let names: Vec<&Value> = tickets.iter().filter(|t| t["id"].as_i64().unwrap() <= 3).map(|t| &t["name"]).collect();
    let got: Vec<&Value> = python["rows"].as_array().unwrap().iter().map(|r| &r["name"]).collect();
    assert_eq!(got, names);
    assert!(python["rows"][0]["partner_id"].is_array(), "many2one as [id, name]: {}", python["rows"][0]);

    let mut client = OdooClient::new(OdooClientConfig {
        timeout: Duration::from_millis(1500),
        ..OdooClientConfig::new(url.clone())
    })
    .unwrap();
    assert_eq!(client.version().await.unwrap().major, Some(17));
    let uid = client.authenticate(&config.database, &config.login, ApiKey::new(config.api_key.clone())).await.unwrap();
    assert_eq!(uid, config.uid);
    let count =
        client.execute_kw("helpdesk.ticket", "search_count", vec![XmlRpcValue::Array(vec![])], vec![]).await.unwrap();
    // Without `active_test: false`, archived tickets are not counted, as in Odoo.
    let active = tickets.iter().filter(|t| t["active"] != json!(false)).count();
    assert_eq!(count, XmlRpcValue::Int(active as i64));
    // Every message with every field is far above the threshold: held, then 504 — a timeout.
    let error =
        client.execute_kw("mail.message", "search_read", vec![XmlRpcValue::Array(vec![])], vec![]).await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    let missing = reqwest::Client::new().post(format!("{url}/xmlrpc/2/nothing")).body("x").send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    server.shutdown().await;
}
