//! `run`, `report`, `verify` and `rollback` end to end: the real binary migrating a generated
//! Odoo helpdesk (file driver) into the Intercom sandbox, on SQLite and on PostgreSQL.

use serde_json::{Value, json};

use cutover::sandbox::intercom::Sandbox;

use crate::support::migration::{
    Rehearsal, TOKEN, duplicates, normalize, records, sandbox_config, show, threads, write_records,
};
use crate::support::state::fresh_postgres;

/// The report as JSON.
async fn report(rehearsal: &Rehearsal) -> Value {
    let output = rehearsal.cutover(&["report", "--format", "json"]).await;
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("report is JSON ({e}): {}", show(&output)))
}

fn outcome(report: &Value, object: &str, outcome: &str) -> i64 {
    report["objects"]
        .as_array()
        .and_then(|objects| objects.iter().find(|o| o["object"] == object))
        .and_then(|o| o["outcomes"][outcome].as_i64())
        .unwrap_or(0)
}

fn creates(sandbox: &Sandbox) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| {
            r.method == "POST" && (r.path == "/contacts" || r.path == "/conversations" || r.path.ends_with("/reply"))
        })
        .count()
}

async fn full_run_then_rerun(state: Option<String>) {
    let rehearsal = Rehearsal::new(30, 11);
    let sandbox = Sandbox::start(sandbox_config(&rehearsal.data)).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), state.as_deref());

    let first = rehearsal.cutover(&["run", "--quiet"]).await;
    assert!(matches!(first.status.code(), Some(0 | 1)), "{}", show(&first));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("Every record is accounted for."), "{}", show(&first));
    assert!(duplicates(&sandbox).is_empty(), "{:?}", duplicates(&sandbox));

    let report1 = report(&rehearsal).await;
    assert_eq!(report1["unaccounted"], json!(0), "{report1:#}");
    let tickets = records(&rehearsal.data, "helpdesk.ticket").len() as i64;
    let conversation_rows: i64 = report1["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["object"] == "conversation")
        .map(|o| o["recorded"].as_i64().unwrap())
        .unwrap();
    assert_eq!(conversation_rows, tickets, "every ticket has a ledger row");
    let created = outcome(&report1, "conversation", "created");
    assert_eq!(threads(&sandbox).len() as i64, created, "one conversation per created row");
    assert!(created > tickets / 2, "most tickets migrate: {report1:#}");
    // Tickets of inactive agents wait for them to be invited, with what to do.
    let queue = report1["queue"].as_array().unwrap();
    assert!(queue.iter().any(|g| g["action"].as_str().unwrap().starts_with("Invite these")), "{report1:#}");
    // Parts land in their conversation in timestamp order.
    for conversation in sandbox.dump()["conversations"].as_array().unwrap() {
        let times: Vec<i64> = conversation["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["part_type"] == "comment" || p["part_type"] == "note")
            .filter_map(|p| p["created_at"].as_i64())
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "parts out of order: {times:?}");
    }

    let before = normalize(&sandbox);
    let writes = creates(&sandbox);
    let second = rehearsal.cutover(&["run", "--quiet"]).await;
    assert!(matches!(second.status.code(), Some(0 | 1)), "{}", show(&second));
    assert_eq!(creates(&sandbox), writes, "a second run creates nothing");
    assert_eq!(normalize(&sandbox), before, "a second run changes nothing");
    let report2 = report(&rehearsal).await;
    assert_eq!(outcome(&report2, "conversation", "unchanged"), created, "{report2:#}");
    assert_eq!(outcome(&report2, "conversation", "created"), 0, "{report2:#}");

    let verify = rehearsal.cutover(&["verify", "--sample", "20"]).await;
    assert_eq!(verify.status.code(), Some(0), "{}", show(&verify));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("0 with mismatches"), "{}", show(&verify));

    // A teammate retitles a conversation: verify shows both values and fails.
    let edited = sandbox.dump()["conversations"][0].clone();
    let edited_id = edited["id"].as_str().unwrap().to_owned();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    retitle(&sandbox, &edited_id, "Retitled by a teammate").await;
    let verify = rehearsal.cutover(&["verify", "--sample", "1000"]).await;
    assert_eq!(verify.status.code(), Some(1), "{}", show(&verify));
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(text.contains("title: expected") && text.contains("Retitled by a teammate"), "{text}");

    // Rollback: a dry run changes nothing; then everything created goes, except the record a
    // person edited, which is kept until --force.
    let before = sandbox.dump();
    let dry = rehearsal.cutover(&["rollback", "--quiet", "--dry-run"]).await;
    assert!(String::from_utf8_lossy(&dry.stdout).starts_with("would delete"), "{}", show(&dry));
    assert_eq!(sandbox.dump(), before, "a dry rollback changes nothing");
    // The edited conversation's contacts stay too: deleting a contact would delete it.
    let rollback = rehearsal.cutover(&["rollback", "--quiet"]).await;
    assert_eq!(rollback.status.code(), Some(1), "{}", show(&rollback));
    let text = String::from_utf8_lossy(&rollback.stdout);
    assert!(text.contains("kept 1 records edited"), "{}", show(&rollback));
    assert!(text.contains("deleting the contact would delete them too"), "{}", show(&rollback));
    let after = sandbox.dump();
    let left: Vec<&str> =
        after["conversations"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(left, vec![edited_id.as_str()], "{}", show(&rollback));
    let forced = rehearsal.cutover(&["rollback", "--quiet", "--force"]).await;
    assert_eq!(forced.status.code(), Some(0), "{}", show(&forced));
    let after = sandbox.dump();
    assert_eq!(after["conversations"], json!([]), "{}", show(&forced));
    assert_eq!(after["contacts"], json!([]), "{}", show(&forced));
    let again = rehearsal.cutover(&["rollback", "--quiet"]).await;
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("deleted 0 records"), "{}", show(&again));
    sandbox.shutdown().await;
}

/// A teammate's edit in Intercom, through the API.
async fn retitle(sandbox: &Sandbox, conversation_id: &str, title: &str) {
    let response = reqwest::Client::new()
        .put(format!("{}/conversations/{conversation_id}", sandbox.base_url()))
        .bearer_auth(crate::support::migration::TOKEN)
        .json(&json!({ "title": title }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

#[tokio::test(flavor = "multi_thread")]
async fn only_named_objects_run() {
    let rehearsal = Rehearsal::new(10, 8);
    let sandbox = Sandbox::start(sandbox_config(&rehearsal.data)).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), None);
    let output = rehearsal.cutover(&["run", "--quiet", "--only", "contact"]).await;
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));
    let dump = sandbox.dump();
    assert!(!dump["contacts"].as_array().unwrap().is_empty());
    assert_eq!(dump["conversations"], json!([]));
    let wrong = rehearsal.cutover(&["run", "--quiet", "--only", "contacts"]).await;
    assert_eq!(wrong.status.code(), Some(2), "{}", show(&wrong));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("did you mean `contact`?"), "{}", show(&wrong));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_run_migrates_every_record_and_a_second_run_changes_nothing_sqlite() {
    full_run_then_rerun(None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_run_migrates_every_record_and_a_second_run_changes_nothing_postgres() {
    full_run_then_rerun(Some(fresh_postgres().await)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_writes_files_and_sends_nothing() {
    let rehearsal = Rehearsal::new(10, 3);
    let sandbox = Sandbox::start(sandbox_config(&rehearsal.data)).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), None);
    let output = rehearsal.cutover(&["run", "--quiet", "--dry-run"]).await;
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));
    assert!(sandbox.requests().is_empty(), "a dry run sends nothing");
    let written = std::fs::read_to_string(rehearsal.dir.path().join("dry-run/contact.ndjson")).unwrap();
    assert!(written.lines().count() >= 5, "{written}");
    assert!(written.lines().all(|line| line.contains(r#""action":"create""#)), "{written}");
    assert!(!rehearsal.dir.path().join("state.db").exists(), "the real state is not touched");
    // The spec named by a relative path, as typed in its own directory.
    let relative = tokio::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["run", "--quiet", "--dry-run"])
        .arg(rehearsal.spec.file_name().unwrap())
        .current_dir(rehearsal.dir.path())
        .env("INTERCOM_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    assert!(matches!(relative.status.code(), Some(0 | 1)), "{}", show(&relative));
    assert!(rehearsal.dir.path().join("dry-run/dry-run.db").exists(), "the dry run's state beside its files");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sample_migrates_a_consistent_subgraph() {
    let rehearsal = Rehearsal::new(40, 5);
    let sandbox = Sandbox::start(sandbox_config(&rehearsal.data)).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), None);
    let output = rehearsal.cutover(&["run", "--quiet", "--sample", "5"]).await;
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));
    let conversations = threads(&sandbox);
    assert!((1..=5).contains(&conversations.len()), "{conversations:?}");
    // The sample is the first five tickets that map (those with a customer), their messages, and
    // the partners those refer to: no other contact reaches the workspace.
    let mut tickets = records(&rehearsal.data, "helpdesk.ticket");
    tickets.sort_by_key(|t| t["id"].as_i64());
    let sampled: Vec<i64> =
        tickets.iter().filter(|t| t["partner_id"] != Value::Null).take(5).map(|t| t["id"].as_i64().unwrap()).collect();
    let mut partners: Vec<i64> = tickets
        .iter()
        .filter(|t| sampled.contains(&t["id"].as_i64().unwrap()))
        .filter_map(|t| t["partner_id"].as_i64())
        .collect();
    for message in records(&rehearsal.data, "mail.message") {
        if message["model"] == "helpdesk.ticket" && message["res_id"].as_i64().is_some_and(|t| sampled.contains(&t)) {
            partners.extend(message["author_id"].as_i64());
        }
    }
    let emails: Vec<String> = records(&rehearsal.data, "res.partner")
        .iter()
        .filter(|p| partners.contains(&p["id"].as_i64().unwrap()))
        .filter_map(|p| p["email"].as_str().map(|e| e.trim().to_lowercase()))
        .collect();
    for contact in sandbox.dump()["contacts"].as_array().unwrap() {
        let email = contact["email"].as_str().unwrap_or_default();
        assert!(emails.iter().any(|e| e == email), "contact {email} is outside the sample {sampled:?}");
    }
    for ticket in conversations.keys() {
        assert!(sampled.contains(ticket), "ticket {ticket} is not among the first five {sampled:?}");
    }
    // The sampled customers' answered ratings come along as notes on their contacts.
    let dump = sandbox.dump();
    let contact_emails: Vec<&str> =
        dump["contacts"].as_array().unwrap().iter().filter_map(|c| c["email"].as_str()).collect();
    let partner_emails: std::collections::HashMap<i64, String> = records(&rehearsal.data, "res.partner")
        .iter()
        .filter_map(|p| Some((p["id"].as_i64()?, p["email"].as_str()?.trim().to_lowercase())))
        .collect();
    let rated = records(&rehearsal.data, "rating.rating")
        .iter()
        .filter(|r| r["consumed"] == Value::Bool(true))
        .filter_map(|r| r["partner_id"].as_i64())
        .filter(|p| partners.contains(p))
        .filter(|p| partner_emails.get(p).is_some_and(|e| contact_emails.contains(&e.as_str())))
        .count();
    assert_eq!(dump["notes"].as_array().unwrap().len(), rated, "{:#}", dump["notes"]);
    let report = report(&rehearsal).await;
    assert!(outcome(&report, "conversation", "created") <= 5, "{report:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_refuses_a_plan_the_spec_no_longer_matches() {
    let rehearsal = Rehearsal::new(5, 1);
    rehearsal.write_spec("http://127.0.0.1:9", None);
    let plan = rehearsal.dir.path().join("plan.json");
    let written = rehearsal.cutover(&["plan", "--out", plan.to_str().unwrap()]).await;
    assert_eq!(written.status.code(), Some(0), "{}", show(&written));
    let mut spec = std::fs::read_to_string(&rehearsal.spec).unwrap();
    spec.push_str("description: changed after review\n");
    std::fs::write(&rehearsal.spec, spec).unwrap();
    let refused = rehearsal.cutover(&["run", "--plan", plan.to_str().unwrap()]).await;
    assert_eq!(refused.status.code(), Some(2), "{}", show(&refused));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("customer.yaml changed"), "{stderr}");
}

/// Edits a generated helpdesk as a customer's team would between two runs.
struct Edits {
    changed: i64,
    replied: i64,
    added: i64,
    deleted: i64,
    edited_in_intercom: i64,
}

fn edit_source(rehearsal: &Rehearsal, migrated: &[i64]) -> Edits {
    let later = "2030-01-01T00:00:00Z";
    let mut tickets = records(&rehearsal.data, "helpdesk.ticket");
    let (changed, replied, deleted, edited_in_intercom) = (migrated[0], migrated[1], migrated[2], migrated[3]);
    for ticket in tickets.iter_mut() {
        let id = ticket["id"].as_i64().unwrap();
        if id == changed || id == edited_in_intercom {
            ticket["name"] = json!(format!("Renamed in the source {id}"));
            ticket["write_date"] = json!(later);
        }
    }
    let template = tickets.iter().find(|t| t["id"] == json!(changed)).unwrap().clone();
    let added = tickets.iter().map(|t| t["id"].as_i64().unwrap()).max().unwrap() + 1;
    let mut new_ticket = template.clone();
    new_ticket["id"] = json!(added);
    new_ticket["name"] = json!("A ticket opened after the first run");
    new_ticket["create_date"] = json!(later);
    tickets.push(new_ticket);
    tickets.retain(|t| t["id"] != json!(deleted));
    write_records(&rehearsal.data, "helpdesk.ticket", &tickets);

    let mut messages = records(&rehearsal.data, "mail.message");
    let template = messages
        .iter()
        .find(|m| m["res_id"] == json!(replied) && m["model"] == "helpdesk.ticket" && m["message_type"] == "comment")
        .or_else(|| messages.iter().find(|m| m["res_id"] == json!(replied) && m["model"] == "helpdesk.ticket"))
        .unwrap()
        .clone();
    let next = messages.iter().map(|m| m["id"].as_i64().unwrap()).max().unwrap() + 1;
    for (offset, ticket) in [(0, replied), (1, added)] {
        let mut message = template.clone();
        message["id"] = json!(next + offset);
        message["res_id"] = json!(ticket);
        message["message_type"] = json!("comment");
        message["body"] = json!(format!("<p>Follow-up written after the first run ({ticket})</p>"));
        message["date"] = json!("2030-01-02T00:00:00Z");
        message["write_date"] = json!("2030-01-02T00:00:00Z");
        messages.push(message);
    }
    write_records(&rehearsal.data, "mail.message", &messages);
    Edits { changed, replied, added, deleted, edited_in_intercom }
}

async fn delta_then_rollback(state: Option<String>) {
    let rehearsal = Rehearsal::new(20, 21);
    let sandbox = Sandbox::start(sandbox_config(&rehearsal.data)).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), state.as_deref());
    let first = rehearsal.cutover(&["run", "--quiet"]).await;
    assert!(matches!(first.status.code(), Some(0 | 1)), "{}", show(&first));
    let migrated: Vec<i64> = threads(&sandbox).keys().copied().collect();
    assert!(migrated.len() >= 4, "{migrated:?}");
    let edits = edit_source(&rehearsal, &migrated);

    // A person retitles one conversation in Intercom after the import.
    let conversation_id = sandbox.dump()["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["custom_attributes"]["original_ticket_id__c"] == json!(edits.edited_in_intercom))
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    retitle(&sandbox, &conversation_id, "Retitled by a teammate").await;

    let delta = rehearsal.cutover(&["run", "--quiet", "--delta"]).await;
    assert!(matches!(delta.status.code(), Some(0 | 1)), "{}", show(&delta));
    let dump = sandbox.dump();
    let conversation = |ticket: i64| {
        dump["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["custom_attributes"]["original_ticket_id__c"] == json!(ticket))
            .cloned()
    };
    assert_eq!(
        conversation(edits.changed).unwrap()["title"],
        json!(format!("Renamed in the source {}", edits.changed))
    );
    assert_eq!(conversation(edits.edited_in_intercom).unwrap()["title"], json!("Retitled by a teammate"));
    assert!(conversation(edits.added).is_some(), "the new ticket arrived: {}", show(&delta));
    assert!(conversation(edits.deleted).is_some(), "a ticket deleted at the source stays in Intercom");
    let replied = conversation(edits.replied).unwrap();
    let last_comment = replied["parts"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|p| p["body"].as_str().is_some_and(|b| b.contains("Follow-up")))
        .expect("the new message was appended");
    assert!(last_comment["body"].as_str().unwrap().contains(&format!("({})", edits.replied)));
    let report = report(&rehearsal).await;
    assert_eq!(outcome(&report, "conversation", "deleted_in_source"), 1, "{report:#}");
    assert_eq!(outcome(&report, "conversation", "edited"), 1, "{report:#}");
    assert!(outcome(&report, "conversation", "updated") >= 1, "{report:#}");
    assert_eq!(report["unaccounted"], json!(0), "{report:#}");

    // Rolling back the delta run removes what it created; the part it appended to an older
    // conversation cannot be deleted on its own and is listed.
    let delta_run = report["runs"].as_array().unwrap().last().unwrap()["id"].as_i64().unwrap();
    let rollback = rehearsal.cutover(&["rollback", "--quiet", "--run", &delta_run.to_string()]).await;
    assert_eq!(rollback.status.code(), Some(0), "{}", show(&rollback));
    let text = String::from_utf8_lossy(&rollback.stdout);
    assert!(text.contains("cannot be deleted through the API"), "{text}");
    let dump = sandbox.dump();
    let left = |ticket: i64| {
        dump["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["custom_attributes"]["original_ticket_id__c"] == json!(ticket))
    };
    assert!(!left(edits.added), "{text}");
    assert!(left(edits.changed), "{text}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delta_updates_appends_and_reports_then_rolls_back_sqlite() {
    delta_then_rollback(None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delta_updates_appends_and_reports_then_rolls_back_postgres() {
    delta_then_rollback(Some(fresh_postgres().await)).await;
}

/// README's first command: the demo reads the Odoo emulator over XML-RPC, runs every step and
/// leaves the sandbox empty.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_runs_every_step_and_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["demo", "--tickets", "30", "--dir"])
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    for step in [
        "cutover validate",
        "cutover plan",
        "cutover run --plan",
        "cutover verify",
        "cutover report",
        "cutover rollback",
    ] {
        assert!(stderr.contains(step), "{step} missing:\n{stderr}");
    }
    assert!(stderr.contains("0 contacts and conversations left in the sandbox"), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("Every record is accounted for."), "{}", show(&output));
    assert!(dir.path().join("demo.db").exists());
}

/// Teammates are the users of team members, assignees and message authors
/// (`referenced_by: [… part.author_id.user_ids]`, a path through the author's partner): an agent
/// who only wrote on tickets is matched, so their messages are written as them, and a user who
/// did none of these is left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_authors_are_teammates_through_a_referenced_by_path() {
    let rehearsal = Rehearsal::new(30, 3);
    let sandbox = Sandbox::start(sandbox_config(&rehearsal.data)).await.unwrap();
    rehearsal.write_spec(&sandbox.base_url(), None);
    // No team members and no assignees: message authors are the only way to be a teammate.
    let mut teams = records(&rehearsal.data, "helpdesk.team");
    teams.iter_mut().for_each(|team| team["member_ids"] = json!([]));
    write_records(&rehearsal.data, "helpdesk.team", &teams);
    let mut tickets = records(&rehearsal.data, "helpdesk.ticket");
    tickets.iter_mut().for_each(|ticket| ticket["user_id"] = Value::Null);
    write_records(&rehearsal.data, "helpdesk.ticket", &tickets);
    let output = rehearsal.cutover(&["run", "--quiet", "--only", "admin"]).await;
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));

    let users = records(&rehearsal.data, "res.users");
    let authors: std::collections::HashSet<i64> = records(&rehearsal.data, "mail.message")
        .iter()
        .filter(|m| m["model"] == "helpdesk.ticket" && (m["message_type"] == "email" || m["message_type"] == "comment"))
        .filter_map(|m| m["author_id"].as_i64())
        .collect();
    let ledger = cutover::state::Ledger::open("sqlite:state.db", rehearsal.dir.path()).await.unwrap();
    let rows = ledger.of_object("admin").await.unwrap();
    ledger.close().await;
    let mut writers = 0;
    for user in &users {
        let id = user["id"].as_i64().unwrap().to_string();
        let row = rows.iter().find(|row| row.source_id == id).unwrap_or_else(|| panic!("user {id} has a row"));
        let internal = user["share"] == json!(false) && user["login"] != "__system__";
        let wrote = user["partner_id"].as_i64().is_some_and(|p| authors.contains(&p));
        if internal && wrote {
            writers += 1;
            assert_ne!(row.status, cutover::state::Status::Skipped, "user {id} wrote messages: {row:?}");
        } else {
            assert_eq!(row.status, cutover::state::Status::Skipped, "user {id}: {row:?}");
        }
    }
    assert!(writers > 0, "some agents wrote messages");
}

/// A knowledge base end to end through the real binary: categories (nested) become help center
/// collections and sections, articles go in them with no author mapped (the token's teammate
/// writes them), a second run writes what waited for a parent, a changed title is updated,
/// `verify` finds nothing wrong, and `rollback` deletes newest first, articles before their
/// sections and sections before their collections; a collection holding someone else's article
/// is kept until that article is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_knowledge_base_is_migrated_verified_updated_and_rolled_back() {
    use crate::support::migration::TOKEN;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let categories = [
        json!({"id": 1, "name": "Guides", "description": "How-tos", "parent_id": null}),
        json!({"id": 2, "name": "Printers", "description": null, "parent_id": 1}),
        json!({"id": 3, "name": "Billing", "description": "Money", "parent_id": null}),
    ];
    let mut articles = vec![
        json!({"id": 10, "title": "Fire safety", "body": "<p>Use water</p>", "published": true, "category_id": 2}),
        json!({"id": 11, "title": "Invoices", "body": "<p>Monthly</p>", "published": false, "category_id": 3}),
        json!({"id": 12, "title": "Welcome", "body": "<p>Hello</p>", "published": true, "category_id": null}),
    ];
    write_records(&data, "kb.category", &categories);
    write_records(&data, "kb.article", &articles);
    std::fs::write(
        dir.path().join("kb.lock.yaml"),
        "lock: 1\nsystem: file\nobjects:\n  kb.article:\n    fields:\n      body: { type: html, required: true }\n      \
         category_id: { type: relation, target: kb.category }\n      id: { type: int, required: true }\n      \
         published: { type: bool, required: true }\n      title: { type: text, required: true }\n  kb.category:\n    \
         fields:\n      description: { type: text }\n      id: { type: int, required: true }\n      \
         name: { type: text, required: true }\n      parent_id: { type: relation, target: kb.category }\n",
    )
    .unwrap();
    let sandbox = Sandbox::start(cutover::sandbox::intercom::SandboxConfig::default()).await.unwrap();
    let spec = dir.path().join("kb.yaml");
    std::fs::write(
        &spec,
        format!(
            "cutover: 1\nname: Knowledge base\nsource:\n  driver: file\n  path: data\n  schema: kb.lock.yaml\nsink:\n  \
             driver: intercom\n  token: \"${{INTERCOM_TOKEN}}\"\n  url: {}\nstate: sqlite:state.db\nobjects:\n  \
             collection:\n    from: kb.category\n    to: help_center_collection\n    fields:\n      name: name\n      \
             description: description\n      parent: ref(collection, parent_id)\n  article:\n    from: kb.article\n    \
             to: article\n    fields:\n      title: title\n      body: body\n      \
             state: 'if published then \"published\" else \"draft\"'\n      parent: ref(collection, category_id)\n",
            sandbox.base_url()
        ),
    )
    .unwrap();
    let cutover = |args: &[&str]| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_cutover"));
        command
            .args(args)
            .arg(&spec)
            .current_dir(dir.path())
            .env("INTERCOM_TOKEN", TOKEN)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        async move { command.output().await.expect("the binary runs") }
    };
    let listed = |what: &str| {
        let dump = sandbox.dump();
        dump[what].as_array().cloned().unwrap_or_default()
    };

    // A section waits for its collection (and its article for it) until the next run.
    for _ in 0..2 {
        let output = cutover(&["run", "--quiet"]).await;
        assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));
    }
    let me = sandbox.dump()["articles"][0]["author_id"].clone();
    let collections = listed("collections");
    let id_of = |name: &str| collections.iter().find(|c| c["name"] == name).unwrap()["id"].clone();
    assert_eq!(collections.len(), 3, "{collections:?}");
    assert_eq!(collections.iter().find(|c| c["name"] == "Printers").unwrap()["parent_id"], id_of("Guides"));
    let written = listed("articles");
    assert_eq!(written.len(), 3, "{written:?}");
    for article in &written {
        assert_eq!(article["author_id"], me, "the token's teammate writes every article");
        let (parent, state) = match article["title"].as_str().unwrap() {
            "Fire safety" => (Some("Printers"), "published"),
            "Invoices" => (Some("Billing"), "draft"),
            _ => (None, "published"),
        };
        let parent = parent.map(|name| json!(id_of(name).as_str().unwrap().parse::<u64>().unwrap()));
        assert_eq!((&article["parent_id"], &article["state"]), (&parent.unwrap_or(Value::Null), &json!(state)));
    }
    let posts = |path: &str| sandbox.requests().iter().filter(|r| r.method == "POST" && r.path == path).count();
    assert_eq!((posts("/help_center/collections"), posts("/articles")), (3, 3), "each written once");

    // A changed title is brought up to date; verify compares every record.
    articles[1]["title"] = json!("Invoices and receipts");
    write_records(&data, "kb.article", &articles);
    let output = cutover(&["run", "--quiet"]).await;
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));
    assert!(listed("articles").iter().any(|a| a["title"] == "Invoices and receipts"));
    assert_eq!(posts("/articles"), 3, "updated, not created again");
    let output = cutover(&["verify"]).await;
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("6 records compared") && text.contains("0 with mismatches"), "{}", show(&output));

    // Someone adds an article to Guides: rollback deletes the rest and keeps Guides for now.
    let theirs = reqwest::Client::new()
        .post(format!("{}/articles", sandbox.base_url()))
        .bearer_auth(TOKEN)
        .json(&json!({"title": "Theirs", "author_id": me, "parent_id": id_of("Guides")}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .clone();
    let output = cutover(&["rollback"]).await;
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("deleted 5 records") && text.contains("still holds 1 article(s)"), "{}", show(&output));
    assert_eq!(listed("collections").iter().map(|c| c["name"].clone()).collect::<Vec<_>>(), [json!("Guides")]);
    assert_eq!(listed("articles").iter().map(|a| &a["id"]).collect::<Vec<_>>(), [&theirs]);
    let deletes = |path: &str| sandbox.requests().iter().filter(|r| r.method == "DELETE" && r.path == path).count();
    assert_eq!(deletes(&format!("/help_center/collections/{}", id_of("Guides").as_str().unwrap())), 0);
    // Once it is gone, the next rollback finishes.
    reqwest::Client::new()
        .delete(format!("{}/articles/{}", sandbox.base_url(), theirs.as_str().unwrap()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let output = cutover(&["rollback"]).await;
    assert!(String::from_utf8_lossy(&output.stdout).contains("deleted 1 records"), "{}", show(&output));
    assert_eq!((listed("collections").len(), listed("articles").len()), (0, 0));
    sandbox.shutdown().await;
}

/// Configuration items and changes as custom object instances through the real binary: the
/// preflight refuses to start in a workspace that lacks a type (naming it with its attributes),
/// `plan` lists the types to create; in a workspace with both types the run writes each
/// instance once (an asset's parent by its external id), verify finds nothing wrong, a changed
/// status is updated in place and rollback deletes every instance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_object_instances_are_migrated_verified_updated_and_rolled_back() {
    use crate::support::migration::TOKEN;
    use cutover::sandbox::intercom::SandboxConfig;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let assets = [
        json!({"id": "A-1", "name": "Rack 1", "parent": null}),
        json!({"id": "A-2", "name": "Server 7", "parent": "A-1"}),
    ];
    let mut changes = vec![
        json!({"id": "CH-1", "status": "open", "created": "2024-03-01T09:00:00Z"}),
        json!({"id": "CH-2", "status": "planned", "created": "2024-03-02T09:00:00Z"}),
    ];
    write_records(&data, "cmdb.asset", &assets);
    write_records(&data, "cmdb.change", &changes);
    std::fs::write(
        dir.path().join("cmdb.lock.yaml"),
        "lock: 1\nsystem: file\nobjects:\n  cmdb.asset:\n    fields:\n      id: { type: text, required: true }\n      \
         name: { type: text, required: true }\n      parent: { type: text }\n  cmdb.change:\n    fields:\n      \
         id: { type: text, required: true }\n      status: { type: text, required: true }\n      \
         created: { type: datetime, required: true }\n",
    )
    .unwrap();
    // The workspace lock lists the types the workspace had when it was discovered: `Asset`.
    std::fs::write(
        dir.path().join("workspace.lock.yaml"),
        "lock: 1\nsystem: intercom\nversion: \"2.16\"\nobjects:\n  custom_object_instance:\n    fields:\n      \
         type: { type: text, values: [{ value: Asset }] }\n",
    )
    .unwrap();
    let spec = dir.path().join("cmdb.yaml");
    let write_spec = |url: &str| {
        std::fs::write(
            &spec,
            format!(
                "cutover: 1\nname: CMDB\nsource:\n  driver: file\n  path: data\n  schema: cmdb.lock.yaml\nsink:\n  \
                 driver: intercom\n  token: \"${{INTERCOM_TOKEN}}\"\n  url: {url}\n  schema: workspace.lock.yaml\nstate: \
                 sqlite:state.db\nobjects:\n  asset:\n    from: cmdb.asset\n    to: custom_object_instance\n    fields:\n      type: \"'Asset'\"\n      \
                 external_id: id\n      custom_attributes.name: name\n      custom_attributes.parent_external_id: parent\n  \
                 change:\n    from: cmdb.change\n    to: custom_object_instance\n    fields:\n      type: \"'Change'\"\n      \
                 external_id: id\n      external_created_at: created\n      custom_attributes.status: status\n"
            ),
        )
        .unwrap();
    };
    let cutover = |args: &[&str]| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_cutover"));
        command
            .args(args)
            .arg(&spec)
            .current_dir(dir.path())
            .env("INTERCOM_TOKEN", TOKEN)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        async move { command.output().await.expect("the binary runs") }
    };
    let types = |names: &[&str]| SandboxConfig {
        custom_object_types: names.iter().map(|name| (*name).to_owned()).collect(),
        ..SandboxConfig::default()
    };
    let writes = |sandbox: &Sandbox| sandbox.requests().iter().filter(|r| r.method != "GET").count();

    // The workspace has no `Change` type: nothing is written, and the message says what to create.
    let lacking = Sandbox::start(types(&["Asset"])).await.unwrap();
    write_spec(&lacking.base_url());
    let output = cutover(&["run", "--quiet"]).await;
    let text = show(&output);
    assert_ne!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("Create these custom object types in Intercom settings first"), "{text}");
    assert!(text.contains("`Change` (written by object `change`; attributes `status`)"), "{text}");
    assert!(!text.contains("`Asset` ("), "the type that exists is not listed: {text}");
    assert_eq!(writes(&lacking), 0, "{text}");
    lacking.shutdown().await;
    let output = cutover(&["plan"]).await;
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(
            "Check that the custom object type `Asset` (written by object `asset`; attributes `name`, \
             `parent_external_id`) has these attributes"
        ),
        "{}",
        show(&output)
    );
    let create_change = "Create the custom object type `Change` (written by object `change`; attributes `status`) \
                         in Intercom settings first";
    assert!(text.contains(create_change), "{text}");
    assert!(!text.contains("custom_object_instance.custom_attributes"), "not created by the schema phase: {text}");

    let sandbox = Sandbox::start(types(&["Asset", "Change"])).await.unwrap();
    write_spec(&sandbox.base_url());
    std::fs::remove_file(dir.path().join("state.db")).ok();
    let output = cutover(&["run", "--quiet"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let instances = sandbox.dump()["custom_object_instances"].as_array().cloned().unwrap();
    let of = |external_id: &str| instances.iter().find(|i| i["external_id"] == external_id).unwrap().clone();
    assert_eq!(instances.len(), 4, "{instances:?}");
    assert_eq!(of("A-2")["type"], "Asset");
    assert_eq!(of("A-2")["custom_attributes"], json!({"name": "Server 7", "parent_external_id": "A-1"}));
    assert_eq!(of("A-1")["custom_attributes"], json!({"name": "Rack 1"}));
    assert_eq!((&of("CH-1")["type"], &of("CH-1")["external_created_at"]), (&json!("Change"), &json!(1_709_283_600)));
    let posts = || sandbox.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts(), 4, "each instance written once");

    changes[1]["status"] = json!("done");
    write_records(&data, "cmdb.change", &changes);
    let output = cutover(&["run", "--quiet"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let instances = sandbox.dump()["custom_object_instances"].as_array().cloned().unwrap();
    assert_eq!(instances.len(), 4, "updated in place");
    assert!(instances.iter().any(|i| i["external_id"] == "CH-2" && i["custom_attributes"]["status"] == "done"));
    assert_eq!(posts(), 5, "only the changed instance sent again");
    let output = cutover(&["verify"]).await;
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("4 records compared") && text.contains("0 with mismatches"), "{}", show(&output));

    let output = cutover(&["rollback"]).await;
    assert!(String::from_utf8_lossy(&output.stdout).contains("deleted 4 records"), "{}", show(&output));
    assert_eq!(sandbox.dump()["custom_object_instances"], json!([]));
    sandbox.shutdown().await;
}
