//! `cutover generate`: determinism, counts, the NDJSON format, the ugly cases, and the written
//! schema locks (the Odoo data must fit the lock the bundled spec is checked against).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cutover::check::SchemaLock;
use cutover::check::schema::{FieldSchema, FieldType};
use cutover::generate::{Platform, Summary, generate};
use cutover::source::SourceMap;
use cutover::span::Span;
use serde_json::Value;
use tempfile::TempDir;

use crate::support::test::Test;

/// Tickets for the ugly-case and lock tests: three of every ticket case, three long threads.
const N: u64 = 300;

fn run(platform: Platform, tickets: u64, seed: u64) -> (TempDir, Summary) {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let summary = generate(platform, tickets, seed, dir.path()).expect("generate");
    (dir, summary)
}

/// Every file of a directory with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("read the output directory") {
        let path = entry.expect("a directory entry").path();
        out.insert(path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap());
    }
    out
}

/// The records of one object.
fn records(dir: &Path, object: &str) -> Vec<Value> {
    let text =
        std::fs::read_to_string(dir.join(format!("{object}.ndjson"))).unwrap_or_else(|_| panic!("{object}.ndjson"));
    text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{object}: {e}: {line}"))).collect()
}

fn load_lock(path: &Path) -> SchemaLock {
    cutover::spec::load_file::<SchemaLock>(&mut SourceMap::new(), path, Span::detached())
        .unwrap_or_else(|errors| panic!("{} does not load: {errors:?}", path.display()))
}

fn bundled_odoo_lock() -> SchemaLock {
    load_lock(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/schemas/odoo-17.lock.yaml"))
}

fn str_of<'a>(record: &'a Value, key: &str) -> Option<&'a str> {
    record.get(key).and_then(Value::as_str)
}

fn int_of(record: &Value, key: &str) -> Option<i64> {
    record.get(key).and_then(Value::as_i64)
}

fn is_datetime(text: &str) -> bool {
    let b = text.as_bytes();
    let zulu = b.len() == 20 && b[10] == b'T' && b[19] == b'Z';
    let naive = b.len() == 19 && b[10] == b' ';
    (zulu || naive) && b[4] == b'-' && b[7] == b'-' && b[13] == b':' && b[16] == b':'
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && text.chars().filter(char::is_ascii_digit).count() == 8
}

/// Why a JSON value does not fit a lock field, if it does not.
fn misfit(value: &Value, field: &FieldSchema) -> Option<String> {
    if value.is_null() {
        return None;
    }
    if field.many {
        let Some(items) = value.as_array() else { return Some(format!("{value} is not a list")) };
        let single = FieldSchema { many: false, ..field.clone() };
        return items.iter().find_map(|item| misfit(item, &single));
    }
    let fits = match field.field_type {
        FieldType::Int => value.is_i64(),
        FieldType::Float => value.is_number(),
        FieldType::Bool => value.is_boolean(),
        FieldType::Text | FieldType::Html | FieldType::Binary => value.is_string(),
        FieldType::Date => value.as_str().is_some_and(is_date),
        FieldType::Datetime => value.as_str().is_some_and(is_datetime),
        FieldType::Enum => {
            return match value.as_str() {
                Some(v) if field.values.iter().any(|known| known.value == v) => None,
                _ => Some(format!("{value} is not one of the lock's values")),
            };
        }
        FieldType::Relation | FieldType::Ref => value.is_i64() || value.is_string(),
        FieldType::Json => true,
    };
    (!fits).then(|| format!("{value} is not a {}", field.field_type.as_str()))
}

/// Every field of every record exists in `lock` with a compatible type; returns the objects seen.
fn check_against(dir: &Path, lock: &SchemaLock, what: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for name in files(dir).keys() {
        let Some(object) = name.strip_suffix(".ndjson") else { continue };
        let schema = lock.object(object).unwrap_or_else(|| panic!("{object} is not in {what}"));
        for record in records(dir, object) {
            for (key, value) in record.as_object().unwrap() {
                let field = schema.field(key).unwrap_or_else(|| panic!("{object}.{key} is not in {what}"));
                if let Some(problem) = misfit(value, field) {
                    panic!("{object}.{key}: {problem} (in {what})");
                }
            }
        }
        seen.insert(object.to_owned());
    }
    seen
}

fn has(texts: impl IntoIterator<Item = String>, test: impl Fn(&str) -> bool) -> bool {
    texts.into_iter().any(|t| test(&t))
}

fn in_range(c: char, ranges: &[(u32, u32)]) -> bool {
    ranges.iter().any(|&(low, high)| (low..=high).contains(&(c as u32)))
}

const GREEK: &[(u32, u32)] = &[(0x370, 0x3ff)];
const CYRILLIC: &[(u32, u32)] = &[(0x400, 0x4ff)];
const JAPANESE: &[(u32, u32)] = &[(0x3040, 0x30ff), (0x4e00, 0x9fff)];
const ARABIC: &[(u32, u32)] = &[(0x600, 0x6ff)];

/// Each script appears in at least one of the texts.
fn assert_scripts(texts: &[String], what: &str) {
    for (name, ranges) in [("Greek", GREEK), ("Cyrillic", CYRILLIC), ("Japanese", JAPANESE), ("Arabic", ARABIC)] {
        assert!(texts.iter().any(|t| t.chars().any(|c| in_range(c, ranges))), "no {name} text in {what}");
    }
}

fn has_invisible(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}'))
}

fn has_control(text: &str) -> bool {
    text.chars().any(|c| (c < ' ' && !matches!(c, '\n' | '\r' | '\t')) || c == '\u{7f}')
}

fn messy(email: &str) -> bool {
    email != email.trim() && email.chars().any(|c| c.is_ascii_uppercase())
}

/// Normalised addresses that occur on more than one record.
fn duplicated(emails: impl IntoIterator<Item = String>) -> bool {
    let mut seen = BTreeSet::new();
    emails.into_iter().any(|e| !seen.insert(e.trim().to_lowercase()))
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text.bytes().filter(|&c| c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            n |= u32::from(value(c)) << (18 - 6 * k);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// Timestamps within an hour of a DST change (RFC 3339 or naive): `2026-03-29` 00:00–01:59 UTC.
fn near_dst(text: &str) -> Option<usize> {
    ["2026-03-29", "2026-10-25"].iter().position(|day| text.starts_with(day) && matches!(&text[11..13], "00" | "01"))
}

/// Both DST changes have a thread with messages before and after them.
fn assert_dst(stamps: impl IntoIterator<Item = (String, String)>, what: &str) {
    let mut sides: BTreeMap<(String, usize), BTreeSet<bool>> = BTreeMap::new();
    for (thread, stamp) in stamps {
        if let Some(change) = near_dst(&stamp) {
            sides.entry((thread, change)).or_default().insert(&stamp[11..13] == "01");
        }
    }
    for change in 0..2 {
        assert!(
            sides.iter().any(|((_, c), s)| *c == change && s.len() == 2),
            "no {what} thread straddles DST change {change}"
        );
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_data() {
    for platform in Platform::ALL {
        let (first, _) = run(platform, 120, 7);
        let (second, _) = run(platform, 120, 7);
        let (other, _) = run(platform, 120, 8);
        let (a, b, c) = (files(first.path()), files(second.path()), files(other.path()));
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "{platform}: different files");
        for (name, bytes) in &a {
            assert!(bytes == &b[name], "{platform}: {name} differs between two runs with the same seed");
        }
        let tickets = format!("{}.ndjson", platform.ticket_object());
        assert_ne!(a[&tickets], c[&tickets], "{platform}: seeds 7 and 8 give the same tickets");
    }
}

#[test]
fn counts_match_the_request_and_the_summary() {
    for platform in Platform::ALL {
        for tickets in [0, 1, 37] {
            let (dir, summary) = run(platform, tickets, 3);
            assert_eq!(summary.count(platform.ticket_object()), tickets, "{platform}");
            assert_eq!(records(dir.path(), platform.ticket_object()).len() as u64, tickets, "{platform}");
            for (object, count) in &summary.objects {
                assert_eq!(records(dir.path(), object).len() as u64, *count, "{platform}: {object}");
            }
            let lock = load_lock(&summary.lock);
            for (object, count) in &summary.objects {
                assert_eq!(
                    lock.object(object).and_then(|o| o.count),
                    Some(*count),
                    "{platform}: lock count of {object}"
                );
            }
        }
    }
}

#[test]
fn every_line_is_an_object_with_an_ascending_id() {
    for platform in Platform::ALL {
        let (dir, summary) = run(platform, N, 11);
        for object in summary.objects.keys() {
            let mut last: Option<Value> = None;
            for record in records(dir.path(), object) {
                let id = record.get("id").unwrap_or_else(|| panic!("{platform}: {object} record without id"));
                match platform {
                    Platform::Topdesk => assert!(id.is_string(), "{object}: id {id} is not text"),
                    _ => assert!(id.is_i64(), "{object}: id {id} is not an integer"),
                }
                if let Some(previous) = &last {
                    let ascending = match (previous, id) {
                        (Value::String(a), Value::String(b)) => a < b,
                        (a, b) => a.as_i64() < b.as_i64(),
                    };
                    assert!(ascending, "{platform}: {object} id {id} after {previous}");
                }
                last = Some(id.clone());
            }
        }
        let text = std::fs::read_to_string(&summary.lock).unwrap();
        assert!(text.starts_with("# Generated by `cutover generate"), "{platform}: lock header");
    }
}

#[test]
fn odoo_data_fits_the_bundled_lock_and_its_own() {
    let (dir, summary) = run(Platform::Odoo, N, 5);
    let written = load_lock(&summary.lock);
    let bundled = bundled_odoo_lock();
    let objects = check_against(dir.path(), &bundled, "specs/schemas/odoo-17.lock.yaml");
    check_against(dir.path(), &written, "the written odoo.lock.yaml");
    assert_eq!(objects, bundled.objects.keys().cloned().collect(), "every object of the bundled lock is generated");
    assert_eq!(written.system, "odoo");
    for (name, object) in &written.objects {
        let base = &bundled.objects[name];
        assert_eq!(object.fields.keys().collect::<Vec<_>>(), base.fields.keys().collect::<Vec<_>>(), "{name}");
        for (field_name, field) in &object.fields {
            let base_field = &base.fields[field_name];
            assert_eq!(
                (field.field_type, &field.target, field.many),
                (base_field.field_type, &base_field.target, base_field.many)
            );
        }
    }
    // Enum counts are the data's.
    let tickets = records(dir.path(), "helpdesk.ticket");
    let priority = &written.objects["helpdesk.ticket"].fields["priority"];
    for value in &priority.values {
        let count = tickets.iter().filter(|t| str_of(t, "priority") == Some(&value.value)).count() as u64;
        assert_eq!(value.count, Some(count), "priority {}", value.value);
    }
    let stages = &written.objects["helpdesk.stage"].fields["name"].values;
    assert_eq!(stages.iter().map(|v| v.count.unwrap()).sum::<u64>(), N, "stage counts are tickets");
}

#[test]
fn otrs_and_topdesk_data_fit_their_locks() {
    for platform in [Platform::Otrs, Platform::Topdesk] {
        let (dir, summary) = run(platform, N, 5);
        let lock = load_lock(&summary.lock);
        assert_eq!(lock.system, platform.as_str());
        let objects = check_against(dir.path(), &lock, &format!("{platform}.lock.yaml"));
        assert_eq!(objects, lock.objects.keys().cloned().collect());
        for (name, object) in &lock.objects {
            for (field_name, field) in &object.fields {
                let relation = matches!(field.field_type, FieldType::Relation);
                assert_eq!(relation, field.target.is_some(), "{platform}: {name}.{field_name} target");
            }
        }
    }
}

#[test]
fn odoo_has_every_ugly_case() {
    odoo_ugly_cases(21);
}

fn odoo_ugly_cases(seed: u64) {
    let (dir, _) = run(Platform::Odoo, N, seed);
    let dir = dir.path();
    let tickets = records(dir, "helpdesk.ticket");
    let partners = records(dir, "res.partner");
    let users = records(dir, "res.users");
    let messages = records(dir, "mail.message");
    let attachments = records(dir, "ir.attachment");
    let stages = records(dir, "helpdesk.stage");
    let customers: Vec<&Value> = partners
        .iter()
        .filter(|p| int_of(p, "id").unwrap() > 3 && str_of(p, "function") != Some("Support Agent"))
        .collect();

    assert!(customers.iter().any(|p| p["email"].is_null()), "missing e-mail");
    assert!(duplicated(customers.iter().filter_map(|p| str_of(p, "email")).map(str::to_owned)), "duplicate e-mail");
    assert!(customers.iter().filter_map(|p| str_of(p, "email")).any(messy), "messy e-mail");
    assert!(tickets.iter().filter_map(|t| str_of(t, "partner_email")).any(messy), "messy ticket e-mail");
    let inactive: BTreeSet<i64> = users
        .iter()
        .filter(|u| u["active"] == false && u["share"] == false && int_of(u, "id") != Some(1))
        .filter_map(|u| int_of(u, "id"))
        .collect();
    assert!(tickets.iter().filter_map(|t| int_of(t, "user_id")).any(|u| inactive.contains(&u)), "inactive assignee");
    let partner_ids: BTreeSet<i64> = partners.iter().filter_map(|p| int_of(p, "id")).collect();
    assert!(
        tickets.iter().filter_map(|t| int_of(t, "partner_id")).any(|p| !partner_ids.contains(&p)),
        "deleted customer"
    );
    assert!(tickets.iter().any(|t| t["partner_id"].is_null() && t["partner_email"].is_string()), "unknown sender");
    assert!(customers.iter().any(|p| p["active"] == false), "archived customer");

    let descriptions: Vec<String> =
        tickets.iter().filter_map(|t| str_of(t, "description")).map(str::to_owned).collect();
    assert!(has(descriptions.clone(), |d| d.contains("src=\"data:image/png;base64,")), "data: image");
    assert!(has(descriptions.clone(), |d| d.contains("src=\"cid:image001.png@")), "cid: image");
    assert!(has(descriptions.clone(), |d| d.contains("src=\"/web/image/")), "/web/image/ image");
    assert!(has(descriptions.clone(), |d| d.contains("<script>")), "script");
    assert!(tickets.iter().any(|t| t["description"].is_null()), "empty description");
    assert!(
        has(descriptions, |d| d == "<p><br></p>" || d.trim().is_empty() || d == "<div> </div>" || d == "<p>\u{a0}</p>"),
        "blank description"
    );
    assert!(
        messages.iter().any(|m| matches!(str_of(m, "message_type"), Some("email" | "comment")) && m["body"].is_null()),
        "empty message body"
    );
    let subjects: Vec<String> = tickets.iter().filter_map(|t| str_of(t, "name")).map(str::to_owned).collect();
    assert_scripts(&subjects, "Odoo ticket subjects");
    let names: Vec<String> = customers.iter().filter_map(|p| str_of(p, "name")).map(str::to_owned).collect();
    assert_scripts(&names, "Odoo partner names");
    assert!(subjects.iter().any(|s| has_invisible(s)), "zero-width subject");
    assert!(subjects.iter().any(|s| has_control(s)), "control character subject");
    assert!(names.iter().any(|s| has_invisible(s) || has_control(s)), "invisible characters in a name");

    let mut per_ticket: BTreeMap<i64, usize> = BTreeMap::new();
    for message in &messages {
        *per_ticket.entry(int_of(message, "res_id").unwrap()).or_default() += 1;
    }
    let long = per_ticket.values().filter(|&&n| n > 500).count();
    assert!((1..=3).contains(&long), "{long} threads over 500 messages");
    for ticket in &tickets {
        let listed = ticket["message_ids"].as_array().unwrap().len();
        assert_eq!(listed, per_ticket.get(&int_of(ticket, "id").unwrap()).copied().unwrap_or(0));
    }

    let file_names: Vec<&str> = attachments.iter().filter_map(|a| str_of(a, "name")).collect();
    for extension in [".exe", ".bat", ".js"] {
        assert!(file_names.iter().any(|n| n.ends_with(extension)), "{extension} attachment");
    }
    assert!(attachments.iter().any(|a| int_of(a, "file_size").unwrap_or(0) > 25_000_000), "oversized attachment");
    for attachment in &attachments {
        if let Some(datas) = str_of(attachment, "datas") {
            assert!(decode_base64(datas).len() <= 64 * 1024, "attachment content over 64 KiB");
        }
    }

    for field in [
        "x_studio_customer_ref",
        "x_studio_due_date",
        "x_studio_escalated",
        "x_studio_hours_spent",
        "x_studio_contract_type",
        "x_studio_internal_notes",
    ] {
        assert!(tickets.iter().any(|t| !t[field].is_null() && t[field] != false), "{field} never set");
        assert!(tickets.iter().any(|t| t[field].is_null() || t[field] == false), "{field} never empty");
    }
    let folds: BTreeSet<bool> = stages.iter().filter_map(|s| s["fold"].as_bool()).collect();
    assert_eq!(folds.len(), 2, "stages vary fold");
    assert_dst(
        messages.iter().map(|m| (int_of(m, "res_id").unwrap().to_string(), str_of(m, "date").unwrap().to_owned())),
        "Odoo",
    );
    let zones: BTreeSet<&str> = customers.iter().filter_map(|p| str_of(p, "tz")).collect();
    assert!(zones.len() >= 4, "time zones: {zones:?}");
    assert!(customers.iter().any(|p| p["tz"].is_null()), "a partner without a time zone");
}

#[test]
fn otrs_has_every_ugly_case() {
    otrs_ugly_cases(22);
}

fn otrs_ugly_cases(seed: u64) {
    let (dir, _) = run(Platform::Otrs, N, seed);
    let dir = dir.path();
    let tickets = records(dir, "ticket");
    let customers = records(dir, "customer_user");
    let users = records(dir, "users");
    let preferences = records(dir, "user_preferences");
    let articles = records(dir, "article");
    let mime = records(dir, "article_data_mime");
    let attachments = records(dir, "article_data_mime_attachment");
    let values = records(dir, "dynamic_field_value");
    let states = records(dir, "ticket_state");

    assert!(customers.iter().any(|c| c["email"].is_null()), "missing e-mail");
    let with_email: BTreeSet<i64> = preferences
        .iter()
        .filter(|p| str_of(p, "preferences_key") == Some("UserEmail"))
        .filter_map(|p| int_of(p, "user_id"))
        .collect();
    assert!(
        users.iter().filter_map(|u| int_of(u, "id")).any(|id| !with_email.contains(&id)),
        "agent without UserEmail"
    );
    assert!(duplicated(customers.iter().filter_map(|c| str_of(c, "email")).map(str::to_owned)), "duplicate e-mail");
    assert!(customers.iter().filter_map(|c| str_of(c, "email")).any(messy), "messy e-mail");
    let logins: BTreeSet<&str> = customers.iter().filter_map(|c| str_of(c, "login")).collect();
    let lower: BTreeSet<String> = logins.iter().map(|l| l.to_lowercase()).collect();
    let references: Vec<&str> = tickets.iter().filter_map(|t| str_of(t, "customer_user_id")).collect();
    assert!(
        references.iter().any(|r| !logins.contains(r) && lower.contains(&r.to_lowercase())),
        "login in other letter case"
    );
    assert!(references.iter().any(|r| !r.contains('@') && !lower.contains(&r.to_lowercase())), "deleted customer");
    assert!(references.iter().any(|r| r.contains('@')), "unknown sender (an address as customer)");
    assert!(customers.iter().any(|c| int_of(c, "valid_id") == Some(2)), "invalid customer");
    let inactive: BTreeSet<i64> =
        users.iter().filter(|u| int_of(u, "valid_id") == Some(2)).filter_map(|u| int_of(u, "id")).collect();
    assert!(tickets.iter().filter_map(|t| int_of(t, "user_id")).any(|u| inactive.contains(&u)), "inactive owner");

    let html: Vec<String> = attachments
        .iter()
        .filter(|a| str_of(a, "filename") == Some("file-2"))
        .map(|a| String::from_utf8(decode_base64(str_of(a, "content").unwrap())).expect("UTF-8 HTML"))
        .collect();
    assert!(has(html.clone(), |h| h.contains("src=\"data:image/png;base64,")), "data: image");
    assert!(has(html.clone(), |h| h.contains("src=\"cid:image001.png@")), "cid: image");
    assert!(has(html, |h| h.contains("<script>")), "script");
    assert!(attachments.iter().any(|a| str_of(a, "content_id").is_some_and(|c| c.starts_with('<'))), "content id");
    assert!(mime.iter().any(|m| m["a_body"].is_null()), "empty body");
    let titles: Vec<String> = tickets.iter().filter_map(|t| str_of(t, "title")).map(str::to_owned).collect();
    assert_scripts(&titles, "OTRS titles");
    assert!(titles.iter().any(|t| has_invisible(t)), "zero-width title");
    assert!(titles.iter().any(|t| has_control(t)), "control character title");
    assert!(titles.iter().any(|t| t.contains('\u{fffd}')), "U+FFFD where MySQL utf8mb3 lost a character");
    let names: Vec<String> = customers.iter().filter_map(|c| str_of(c, "first_name")).map(str::to_owned).collect();
    assert!(names.iter().any(|n| has_invisible(n) || has_control(n)), "invisible characters in a name");

    let mut per_ticket: BTreeMap<i64, usize> = BTreeMap::new();
    for article in &articles {
        *per_ticket.entry(int_of(article, "ticket_id").unwrap()).or_default() += 1;
    }
    let long = per_ticket.values().filter(|&&n| n > 500).count();
    assert!((1..=3).contains(&long), "{long} threads over 500 articles");
    let file_names: Vec<&str> = attachments.iter().filter_map(|a| str_of(a, "filename")).collect();
    for extension in [".exe", ".bat", ".js"] {
        assert!(file_names.iter().any(|n| n.ends_with(extension)), "{extension} attachment");
    }
    assert!(
        attachments
            .iter()
            .any(|a| str_of(a, "content_size").and_then(|s| s.parse::<u64>().ok()).unwrap_or(0) > 25_000_000),
        "oversized attachment"
    );

    let fields: BTreeSet<i64> = values.iter().filter_map(|v| int_of(v, "field_id")).collect();
    assert_eq!(fields, (1..=13).collect(), "a value for every dynamic field");
    otrs_admin_cases(dir, &tickets, &articles, &values);
    let mut multiselect: BTreeMap<i64, usize> = BTreeMap::new();
    for value in values.iter().filter(|v| int_of(v, "field_id") == Some(5)) {
        *multiselect.entry(int_of(value, "object_id").unwrap()).or_default() += 1;
    }
    assert!(multiselect.values().any(|&n| n > 1), "a multiselect with several rows");
    let custom_states: BTreeSet<i64> = states.iter().skip(9).filter_map(|s| int_of(s, "id")).collect();
    assert!(
        states.iter().skip(9).all(|s| (1..=7).contains(&int_of(s, "type_id").unwrap())),
        "custom states use standard types"
    );
    let used: BTreeSet<i64> =
        tickets.iter().filter_map(|t| int_of(t, "ticket_state_id")).filter(|s| custom_states.contains(s)).collect();
    assert_eq!(used, custom_states, "every custom state is used");
    assert!(
        mime.iter().filter_map(|m| str_of(m, "create_time")).all(|t| t.len() == 19 && !t.contains('T')),
        "naive times"
    );
    let by_article: BTreeMap<i64, i64> =
        articles.iter().map(|a| (int_of(a, "id").unwrap(), int_of(a, "ticket_id").unwrap())).collect();
    assert_dst(
        mime.iter().map(|m| {
            (by_article[&int_of(m, "article_id").unwrap()].to_string(), str_of(m, "create_time").unwrap().to_owned())
        }),
        "OTRS",
    );
    let preferences = records(dir, "customer_preferences");
    let zones: BTreeSet<&str> = preferences
        .iter()
        .filter(|p| str_of(p, "preferences_key") == Some("UserTimeZone"))
        .filter_map(|p| str_of(p, "preferences_value"))
        .collect();
    assert!(zones.len() >= 4, "customer time zones: {zones:?}");
}

/// Ids of the rows of `table` whose `key` is `value`.
fn ids_where(dir: &Path, table: &str, key: &str, value: &str) -> BTreeSet<i64> {
    records(dir, table).iter().filter(|r| str_of(r, key) == Some(value)).filter_map(|r| int_of(r, "id")).collect()
}

/// Merged tickets, SLAs, roles, system addresses, process management, stats, the CMDB and the
/// customer-user and article dynamic fields of a generated OTRS helpdesk.
fn otrs_admin_cases(dir: &Path, tickets: &[Value], articles: &[Value], values: &[Value]) {
    let ticket_of: BTreeMap<i64, i64> =
        articles.iter().map(|a| (int_of(a, "id").unwrap(), int_of(a, "ticket_id").unwrap())).collect();
    let mime: BTreeMap<i64, Value> =
        records(dir, "article_data_mime").into_iter().map(|m| (int_of(&m, "article_id").unwrap(), m)).collect();
    let history = records(dir, "ticket_history");
    let links = records(dir, "link_relation");
    let object = |name: &str| ids_where(dir, "link_object", "name", name).into_iter().next().expect(name);
    let link_type = |name: &str| ids_where(dir, "link_type", "name", name).into_iter().next().expect(name);
    let (ticket_object, item_object) = (object("Ticket"), object("ITSMConfigItem"));

    // Merged tickets: in a merged-type state, only the merge note left, a ParentChild link from
    // the ticket they went into, and a Merged history entry.
    let merged_type = ids_where(dir, "ticket_state_type", "name", "merged");
    let merged_states: BTreeSet<i64> = records(dir, "ticket_state")
        .iter()
        .filter(|s| int_of(s, "type_id").is_some_and(|t| merged_type.contains(&t)))
        .filter_map(|s| int_of(s, "id"))
        .collect();
    let merged: BTreeSet<i64> = tickets
        .iter()
        .filter(|t| int_of(t, "ticket_state_id").is_some_and(|s| merged_states.contains(&s)))
        .filter_map(|t| int_of(t, "id"))
        .collect();
    assert!(!merged.is_empty(), "merged tickets");
    for &id in &merged {
        let own: Vec<i64> = ticket_of.iter().filter(|(_, t)| **t == id).map(|(a, _)| *a).collect();
        assert_eq!(own.len(), 1, "ticket {id} keeps only the merge note");
        assert_eq!(str_of(&mime[&own[0]], "a_subject"), Some("Ticket Merged"));
        let parent: Vec<i64> = links
            .iter()
            .filter(|l| int_of(l, "type_id") == Some(link_type("ParentChild")))
            .filter(|l| {
                int_of(l, "target_object_id") == Some(ticket_object) && str_of(l, "target_key") == Some(&id.to_string())
            })
            .map(|l| str_of(l, "source_key").unwrap().parse().unwrap())
            .collect();
        assert_eq!(parent.len(), 1, "ticket {id} has one parent");
        assert!(parent[0] < id && !merged.contains(&parent[0]), "ticket {id} went into {}", parent[0]);
        assert!(ticket_of.values().any(|t| *t == parent[0]), "the main ticket {} has the articles", parent[0]);
        assert!(
            history.iter().any(|h| int_of(h, "ticket_id") == Some(id)
                && str_of(h, "name").is_some_and(|n| n.ends_with(&format!("%%{}", parent[0])))),
            "Merged history of ticket {id}"
        );
    }
    for row in history.iter().chain(records(dir, "time_accounting").iter()) {
        if let Some(article) = int_of(row, "article_id") {
            assert_eq!(int_of(row, "ticket_id"), Some(ticket_of[&article]), "moved with its article: {row}");
        }
    }

    // SLAs only with a service that offers them.
    let pairs: BTreeSet<(i64, i64)> = records(dir, "service_sla")
        .iter()
        .map(|p| (int_of(p, "service_id").unwrap(), int_of(p, "sla_id").unwrap()))
        .collect();
    let with_sla: Vec<&Value> = tickets.iter().filter(|t| int_of(t, "sla_id").is_some()).collect();
    assert!(!with_sla.is_empty(), "tickets with an SLA");
    for t in with_sla {
        let pair = (int_of(t, "service_id").expect("a service with the SLA"), int_of(t, "sla_id").unwrap());
        assert!(pairs.contains(&pair), "{pair:?} is not in service_sla");
    }

    // Roles reach queues through group_role; one grant is explicitly withheld; one role is invalid.
    let roles = records(dir, "roles");
    assert!(roles.iter().any(|r| int_of(r, "valid_id") == Some(2)), "an invalid role");
    let role_ids: BTreeSet<i64> = roles.iter().filter_map(|r| int_of(r, "id")).collect();
    assert!(records(dir, "role_user").iter().all(|r| role_ids.contains(&int_of(r, "role_id").unwrap())));
    let group_roles = records(dir, "group_role");
    assert!(group_roles.iter().any(|g| int_of(g, "permission_value") == Some(0)), "a withheld permission");
    let queue_groups: BTreeSet<i64> = records(dir, "queue").iter().filter_map(|q| int_of(q, "group_id")).collect();
    assert!(group_roles.iter().any(|g| queue_groups.contains(&int_of(g, "group_id").unwrap())), "role-to-queue access");
    assert!(!records(dir, "group_user").is_empty(), "direct grants");

    // Queues send from their own system addresses.
    let addresses: BTreeSet<i64> = records(dir, "system_address").iter().filter_map(|a| int_of(a, "id")).collect();
    let used: BTreeSet<i64> = records(dir, "queue").iter().filter_map(|q| int_of(q, "system_address_id")).collect();
    assert!(used.len() >= 3 && used.is_subset(&addresses), "{used:?} of {addresses:?}");

    // Process management: the ticket fields name the process and its activities.
    let process = records(dir, "pm_process");
    assert_eq!(process.len(), 1);
    let process_id = str_of(&process[0], "entity_id").unwrap().to_owned();
    let config = str_of(&process[0], "config").unwrap();
    let activities: BTreeSet<String> =
        records(dir, "pm_activity").iter().map(|a| str_of(a, "entity_id").unwrap().to_owned()).collect();
    for table in ["pm_activity", "pm_activity_dialog", "pm_transition", "pm_transition_action"] {
        for row in records(dir, table) {
            let entity = str_of(&row, "entity_id").unwrap();
            assert!(config.contains(entity), "{entity} is in the process path");
        }
    }
    assert!(records(dir, "pm_transition").iter().all(|t| str_of(t, "config").unwrap().contains("Condition:")));
    let field = |name: &str| ids_where(dir, "dynamic_field", "name", name).into_iter().next().expect(name);
    let text_values = |field_id: i64| -> Vec<(i64, String)> {
        values
            .iter()
            .filter(|v| int_of(v, "field_id") == Some(field_id))
            .map(|v| (int_of(v, "object_id").unwrap(), str_of(v, "value_text").unwrap_or_default().to_owned()))
            .collect()
    };
    let in_process = text_values(field("ProcessManagementProcessID"));
    assert!(!in_process.is_empty() && in_process.iter().all(|(_, p)| *p == process_id), "process tickets");
    assert!(text_values(field("ProcessManagementActivityID")).iter().all(|(_, a)| activities.contains(a)));

    // Two stats definitions.
    let xml = records(dir, "xml_storage");
    let stats: BTreeSet<&str> =
        xml.iter().filter(|x| str_of(x, "xml_type") == Some("Stats")).filter_map(|x| str_of(x, "xml_key")).collect();
    assert_eq!(stats.len(), 2);
    assert!(xml.iter().any(|x| str_of(x, "xml_content_key") == Some("[1]{'otrs_stats'}[1]{'Title'}[1]{'Content'}")));

    // The CMDB: the current version's attributes under the class, older ones archived; some items
    // belong to a company; tickets are linked to items.
    let versions = records(dir, "configitem_version");
    let items = records(dir, "configitem");
    assert!(!items.is_empty());
    for item in &items {
        let id = int_of(item, "id").unwrap();
        let class = int_of(item, "class_id").unwrap();
        let own: Vec<i64> = versions
            .iter()
            .filter(|v| int_of(v, "configitem_id") == Some(id))
            .filter_map(|v| int_of(v, "id"))
            .collect();
        assert_eq!(int_of(item, "last_version_id"), own.iter().max().copied(), "item {id}");
        for version in own {
            let kind = if Some(version) == int_of(item, "last_version_id") {
                format!("ITSM::ConfigItem::{class}")
            } else {
                format!("ITSM::ConfigItem::Archiv::{class}")
            };
            assert!(
                xml.iter().any(|x| str_of(x, "xml_type") == Some(&kind) && str_of(x, "xml_key") == Some(&version.to_string())),
                "attributes of version {version} under {kind}"
            );
        }
    }
    assert!(xml.iter().any(|x| str_of(x, "xml_content_key").is_some_and(|k| k.contains("{'CustomerCompany'}"))));
    let item_ids: BTreeSet<String> = items.iter().map(|i| int_of(i, "id").unwrap().to_string()).collect();
    let item_links: Vec<&Value> = links.iter().filter(|l| int_of(l, "target_object_id") == Some(item_object)).collect();
    assert!(!item_links.is_empty(), "tickets linked to configuration items");
    assert!(item_links.iter().all(|l| item_ids.contains(str_of(l, "target_key").unwrap())));

    // Customer-user fields through dynamic_field_obj_id_name; one article field.
    let objects: BTreeMap<i64, String> = records(dir, "dynamic_field_obj_id_name")
        .iter()
        .filter(|o| str_of(o, "object_type") == Some("CustomerUser"))
        .map(|o| (int_of(o, "object_id").unwrap(), str_of(o, "object_name").unwrap().to_owned()))
        .collect();
    let logins: BTreeSet<String> =
        records(dir, "customer_user").iter().map(|c| str_of(c, "login").unwrap().to_owned()).collect();
    let segments = text_values(field("CustomerSegment"));
    assert!(!segments.is_empty() && segments.iter().all(|(o, _)| logins.contains(&objects[o])), "customer-user values");
    let sentiments = text_values(field("Sentiment"));
    assert!(!sentiments.is_empty() && sentiments.iter().all(|(a, _)| ticket_of.contains_key(a)), "article values");
}

#[test]
fn topdesk_has_every_ugly_case() {
    topdesk_ugly_cases(23);
}

fn topdesk_ugly_cases(seed: u64) {
    let (dir, _) = run(Platform::Topdesk, N, seed);
    let dir = dir.path();
    let incidents = records(dir, "incidents");
    let persons = records(dir, "persons");
    let operators = records(dir, "operators");
    let trail = records(dir, "progresstrail");
    let attachments = records(dir, "attachments");
    let branches = records(dir, "branches");

    assert!(persons.iter().any(|p| p["email"].is_null()), "missing e-mail");
    assert!(duplicated(persons.iter().filter_map(|p| str_of(p, "email")).map(str::to_owned)), "duplicate e-mail");
    assert!(persons.iter().filter_map(|p| str_of(p, "email")).any(messy), "messy e-mail");
    assert!(incidents.iter().filter_map(|i| str_of(i, "caller_email")).any(messy), "messy caller e-mail");
    let archived: BTreeSet<&str> =
        operators.iter().filter(|o| o["archived"] == true).filter_map(|o| str_of(o, "id")).collect();
    assert!(
        incidents.iter().filter_map(|i| str_of(i, "operator")).any(|o| archived.contains(o)),
        "archived operator assigned"
    );
    let person_ids: BTreeSet<&str> = persons.iter().filter_map(|p| str_of(p, "id")).collect();
    assert!(incidents.iter().filter_map(|i| str_of(i, "caller")).any(|c| !person_ids.contains(c)), "deleted caller");
    assert!(incidents.iter().any(|i| i["caller"].is_null() && i["caller_email"].is_string()), "unregistered caller");

    let memos: Vec<String> = trail.iter().filter_map(|e| str_of(e, "memoText")).map(str::to_owned).collect();
    assert!(has(memos.clone(), |m| m.contains("src=\"data:image/png;base64,")), "data: image");
    assert!(has(memos.clone(), |m| m.contains("src=\"cid:image001.png@")), "cid: image");
    assert!(has(memos.clone(), |m| m.contains("/images/image001.png")), "image URL");
    assert!(has(memos, |m| m.contains("<script>")), "script");
    assert!(
        trail.iter().any(|e| e["memoText"].is_null() && e["fileName"].is_null() && e["title"].is_null()),
        "empty memo"
    );
    let subjects: Vec<String> =
        incidents.iter().filter_map(|i| str_of(i, "briefDescription")).map(str::to_owned).collect();
    assert_scripts(&subjects, "TOPdesk brief descriptions");
    assert!(subjects.iter().all(|s| s.chars().count() <= 80), "brief descriptions fit 80 characters");
    assert!(subjects.iter().any(|s| has_invisible(s)), "zero-width subject");
    assert!(subjects.iter().any(|s| has_control(s)), "control character subject");
    let names: Vec<String> = persons.iter().filter_map(|p| str_of(p, "dynamicName")).map(str::to_owned).collect();
    assert_scripts(&names, "TOPdesk person names");

    let mut per_incident: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in &trail {
        *per_incident.entry(str_of(entry, "incident").unwrap()).or_default() += 1;
    }
    let long = per_incident.values().filter(|&&n| n > 500).count();
    assert!((1..=3).contains(&long), "{long} trails over 500 entries");
    let file_names: Vec<&str> = attachments.iter().filter_map(|a| str_of(a, "fileName")).collect();
    for extension in [".exe", ".bat", ".js"] {
        assert!(file_names.iter().any(|n| n.ends_with(extension)), "{extension} attachment");
    }
    assert!(attachments.iter().any(|a| int_of(a, "size").unwrap_or(0) > 25_000_000), "oversized attachment");
    let trail_ids: BTreeSet<&str> = trail.iter().filter_map(|e| str_of(e, "id")).collect();
    assert!(attachments.iter().all(|a| trail_ids.contains(str_of(a, "id").unwrap())), "attachments are trail entries");

    for field in [
        "optionalFields1_boolean1",
        "optionalFields1_number1",
        "optionalFields1_date1",
        "optionalFields1_text1",
        "optionalFields1_memo1",
        "optionalFields1_searchlist1",
        "optionalFields2_number1",
        "optionalFields2_date1",
        "optionalFields2_searchlist1",
    ] {
        assert!(incidents.iter().any(|i| !i[field].is_null() && i[field] != false), "{field} never set");
    }
    assert!(
        incidents.iter().any(|i| str_of(i, "processingStatus") == Some("Parked – awaiting parts")),
        "custom status"
    );
    assert_dst(
        trail.iter().map(|e| (str_of(e, "incident").unwrap().to_owned(), str_of(e, "entryDate").unwrap().to_owned())),
        "TOPdesk",
    );
    let zones: BTreeSet<&str> = branches.iter().filter_map(|b| str_of(b, "timeZone")).collect();
    assert!(zones.len() >= 4, "branch time zones: {zones:?}");

    // The objects beside incidents: every change has activities, asset links hold a cycle,
    // knowledge items have translations and nested folders, reservations share starts.
    let changes = records(dir, "changes");
    let activities = records(dir, "changeActivities");
    let with_activities: BTreeSet<&str> = activities.iter().filter_map(|a| str_of(a, "change")).collect();
    assert_eq!(with_activities.len(), changes.len(), "every change has activities");
    let links = records(dir, "assetLinks");
    let children: BTreeMap<&str, Vec<&str>> = links.iter().fold(BTreeMap::new(), |mut map, link| {
        map.entry(str_of(link, "parent").unwrap()).or_insert_with(Vec::new).push(str_of(link, "child").unwrap());
        map
    });
    let cyclic = children.keys().any(|start| {
        let mut at = *start;
        (0..links.len()).any(|_| {
            at = match children.get(at).and_then(|next| next.first()) {
                Some(next) => next,
                None => return false,
            };
            at == *start
        })
    });
    assert!(cyclic, "an asset link cycle");
    let translations = records(dir, "knowledgeTranslations");
    let knowledge = records(dir, "knowledgeItems");
    let items: BTreeSet<&str> = knowledge.iter().filter_map(|i| str_of(i, "id")).collect();
    assert!(!translations.is_empty() && translations.iter().all(|t| items.contains(str_of(t, "item").unwrap())));
    assert!(records(dir, "knowledgeFolders").iter().any(|f| f["parent"].is_string()), "nested folder");
    let starts: Vec<String> =
        records(dir, "reservations").iter().filter_map(|r| str_of(r, "plannedStartDate")).map(str::to_owned).collect();
    assert!(duplicated(starts), "reservations sharing a start");
    assert!(!records(dir, "operationalActivities").is_empty() && !records(dir, "locations").is_empty());
}

/// The case checks hold for other seeds too, not only the ones the tests above use.
#[test]
fn every_ugly_case_for_several_seeds() {
    for seed in 0..4 {
        odoo_ugly_cases(seed);
        otrs_ugly_cases(seed);
        topdesk_ugly_cases(seed);
    }
}

#[test]
fn odoo_customers_reference_only_partners_or_deleted_ones() {
    // Relations inside the generated Odoo data resolve, except the deliberate deleted customers.
    let (dir, _) = run(Platform::Odoo, 150, 9);
    let dir = dir.path();
    let ids = |object: &str| -> BTreeSet<i64> { records(dir, object).iter().filter_map(|r| int_of(r, "id")).collect() };
    let (stages, teams, users, messages, attachments) =
        (ids("helpdesk.stage"), ids("helpdesk.team"), ids("res.users"), ids("mail.message"), ids("ir.attachment"));
    for ticket in records(dir, "helpdesk.ticket") {
        assert!(stages.contains(&int_of(&ticket, "stage_id").unwrap()));
        assert!(teams.contains(&int_of(&ticket, "team_id").unwrap()));
        assert!(int_of(&ticket, "user_id").is_none_or(|u| users.contains(&u)));
        assert!(ticket["message_ids"].as_array().unwrap().iter().all(|m| messages.contains(&m.as_i64().unwrap())));
    }
    for message in records(dir, "mail.message") {
        assert!(
            message["attachment_ids"].as_array().unwrap().iter().all(|a| attachments.contains(&a.as_i64().unwrap()))
        );
    }
}

#[test]
fn the_command_prints_a_summary_table() {
    let output = Test::new()
        .args(["generate", "--platform", "otrs", "--tickets", "25", "--seed", "4", "--out", "data"])
        .stdout_contains("Generated 25 otrs tickets (seed 4) in data")
        .stdout_contains("ticket.ndjson")
        .stdout_contains("otrs.lock.yaml")
        .run();
    let line = output.stdout.lines().find(|l| l.starts_with("ticket.ndjson")).expect("a ticket line");
    assert!(line.trim_end().ends_with(" 25"), "{line}");
}

#[test]
fn an_unknown_platform_is_a_usage_error() {
    Test::new()
        .args(["generate", "--platform", "zendesk", "--tickets", "1", "--out", "data"])
        .stderr_contains("invalid value 'zendesk'")
        .status(2)
        .run();
}
