//! Odoo attachments into Intercom, end to end: a generated helpdesk served by the Odoo emulator
//! over XML-RPC, the bundled spec (its `part` object carries an `attachments:` block), the real
//! binary, and the Intercom sandbox. Expectations come from the generated NDJSON: every
//! `ir.attachment` of a migrated message is in the ledger, sent ones arrive byte for byte,
//! blocked and oversized ones are flagged with their reason and never sent, and file content is
//! read one attachment at a time.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use base64::Engine as _;
use cutover::sandbox::intercom::{Sandbox, SandboxConfig};
use cutover::sandbox::odoo::{EmulatorConfig, OdooEmulator, OdooServer, ReadLog};
use cutover::state::{Ledger, RecordRow, Status};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::migration::{Rehearsal, records, sandbox_config, show};

/// The emulator's API key.
const KEY: &str = "odoo-attachments-key";

/// Extensions the default limits block.
const BLOCKED: &[&str] = &["exe", "bat", "cmd", "com", "msi", "scr", "js", "vbs", "ps1", "jar"];

/// Every generated user with an e-mail address is a teammate, users the workspace cannot match
/// are skipped rather than queued, tickets are not assigned and every message is written as a
/// comment by its author's contact: every ticket migrates with its messages, whoever handled it
/// (the generated agents without an e-mail address would hold theirs in the queue).
const EVERY_TICKET: &str = "objects:\n  admin:\n    unmatched: skip\n  team:\n    unmatched: skip\n  \
                            conversation:\n    fields:\n      admin_assignee: null\n  part:\n    fields:\n      \
                            author: ref(contact, author_id)\n      kind: '\"comment\"'\n";

/// A sandbox whose teammates are all generated users with an e-mail address.
fn sandbox_with_every_agent(data: &Path) -> SandboxConfig {
    let mut config = sandbox_config(data);
    for user in records(data, "res.users") {
        if let (Some(email), Some(name)) = (user["email"].as_str(), user["name"].as_str())
            && !config.admins.iter().any(|(known, _)| known == email)
        {
            config.admins.push((email.to_owned(), name.to_owned()));
        }
    }
    config
}

/// The Odoo emulator over the rehearsal's data, with its read log.
async fn serve_odoo(data: &Path) -> (OdooServer, ReadLog) {
    let emulator = OdooEmulator::new(EmulatorConfig::new(data, KEY)).expect("load the dataset");
    let log = emulator.read_log();
    (OdooServer::start(emulator, 0).await.expect("serve the emulator"), log)
}

/// A customer spec over the bundled one: the Odoo emulator as source, the sandbox as sink, plus
/// `sink_extra` (indented sink settings) and `rest` (more top-level YAML).
fn write_spec(rehearsal: &Rehearsal, odoo: &str, sandbox: &str, sink_extra: &str, rest: &str) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/odoo-helpdesk-to-intercom.yaml");
    let spec = format!(
        "cutover: 1\nextends: {}\nsource:\n  driver: odoo\n  url: {odoo}\n  database: odoo\n  login: admin\n  \
         api_key: \"${{ODOO_API_KEY}}\"\n  batch: 50\nsink:\n  driver: intercom\n  token: \"${{INTERCOM_TOKEN}}\"\n  \
         url: {sandbox}\n{sink_extra}state: \"sqlite:state.db\"\n{rest}",
        base.display(),
    );
    std::fs::write(&rehearsal.spec, spec).expect("write spec");
}

async fn cutover(rehearsal: &Rehearsal, args: &[&str]) -> std::process::Output {
    rehearsal.cutover_with_env(args, &[("ODOO_API_KEY", KEY)]).await
}

async fn ledger(rehearsal: &Rehearsal) -> Ledger {
    Ledger::open("sqlite:state.db", rehearsal.dir.path()).await.expect("open the state")
}

fn rows_by_id(rows: Vec<RecordRow>) -> HashMap<String, RecordRow> {
    rows.into_iter().map(|row| (row.source_id.clone(), row)).collect()
}

/// Generated attachments by id.
fn attachments(data: &Path) -> HashMap<String, Value> {
    records(data, "ir.attachment").into_iter().map(|a| (a["id"].to_string(), a)).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `(name, sha256 of the content)` of every file on each part in the sandbox, by part id.
fn sandbox_files(sandbox: &Sandbox) -> BTreeMap<String, Vec<(String, String, u64)>> {
    let dump = sandbox.dump();
    let mut files = BTreeMap::new();
    for conversation in dump["conversations"].as_array().into_iter().flatten() {
        for part in conversation["parts"].as_array().into_iter().flatten() {
            let on_part: Vec<(String, String, u64)> = part["attachments"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| {
                    (
                        a["name"].as_str().unwrap_or_default().to_owned(),
                        a["sha256"].as_str().unwrap_or_default().to_owned(),
                        a["filesize"].as_u64().unwrap_or_default(),
                    )
                })
                .collect();
            files.insert(part["id"].as_str().unwrap_or_default().to_owned(), on_part);
        }
    }
    files
}

/// Reads of `ir.attachment` that asked for `datas`.
fn content_reads(log: &ReadLog) -> Vec<usize> {
    log.calls()
        .into_iter()
        .filter(|call| call.model == "ir.attachment" && call.fields.iter().any(|f| f == "datas"))
        .map(|call| call.records)
        .collect()
}

/// The whole helpdesk (every ugly case occurs in 100 tickets) with the bundled spec and default
/// limits: files land byte for byte on their parts, blocked and oversized ones are flagged with
/// their reason, every attachment of a migrated message is in the ledger and the report, content
/// is read one record at a time, `verify` compares file names, and a second run sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_land_on_their_parts_and_every_one_is_accounted_for() {
    let rehearsal = Rehearsal::new(100, 11);
    let (odoo, log) = serve_odoo(&rehearsal.data).await;
    let sandbox = Sandbox::start(sandbox_with_every_agent(&rehearsal.data)).await.expect("sandbox");
    write_spec(&rehearsal, &odoo.base_url(), &sandbox.base_url(), "", EVERY_TICKET);
    let output = cutover(&rehearsal, &["run", "--quiet"]).await;
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", show(&output));

    let source = attachments(&rehearsal.data);
    let messages: HashMap<String, Value> =
        records(&rehearsal.data, "mail.message").into_iter().map(|m| (m["id"].to_string(), m)).collect();
    let state = ledger(&rehearsal).await;
    let parts = rows_by_id(state.of_object("part").await.unwrap());
    let files = rows_by_id(state.of_object("part.attachments").await.unwrap());
    let in_sandbox = sandbox_files(&sandbox);

    // Every message that passed the part's `where:` (it has a part row other than `where`
    // skips) has a row for each of its attachments, whatever became of the part.
    let (mut sent, mut blocked, mut oversized, mut urls, mut waiting) = (0, 0, 0, 0, 0);
    let considered = parts.values().filter(|p| !(p.status == Status::Skipped && p.field.as_deref() == Some("where")));
    for part in considered {
        let message = &messages[&part.source_id];
        let mut expected: Vec<(String, String, u64)> = Vec::new();
        for id in message["attachment_ids"].as_array().into_iter().flatten() {
            let id = id.to_string();
            let attachment = &source[&id];
            let row = files.get(&id).unwrap_or_else(|| panic!("attachment {id} of part {} has no row", part.source_id));
            assert_eq!(row.parent_source_id.as_deref(), Some(part.source_id.as_str()));
            let name = attachment["name"].as_str().unwrap();
            let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            let reason = row.reason.clone().unwrap_or_default();
            if attachment["type"] == "url" {
                urls += 1;
                assert_eq!(row.status, Status::Skipped, "{id}: {reason}");
                assert_eq!(reason, "left out by `attachments: where:`");
            } else if BLOCKED.contains(&extension.as_str()) {
                blocked += 1;
                assert_eq!(row.status, Status::Flagged, "{id}");
                assert_eq!(reason, format!("{name}: blocked file type .{extension}; attach it by hand"));
            } else if attachment["file_size"].as_u64().unwrap() > 25 * 1024 * 1024 {
                oversized += 1;
                assert_eq!(row.status, Status::Flagged, "{id}");
                assert!(reason.starts_with(&format!("{name}: 30.0 MiB is over the 25.0 MiB limit")), "{reason}");
            } else if part.status == Status::Done {
                sent += 1;
                assert_eq!(row.status, Status::Done, "{id}: {reason}");
                assert_eq!(row.dest_id, part.dest_id, "a sent file points at its part");
                let content = base64::engine::general_purpose::STANDARD
                    .decode(attachment["datas"].as_str().unwrap())
                    .expect("generated base64");
                expected.push((name.to_owned(), sha256_hex(&content), content.len() as u64));
            } else {
                waiting += 1;
                assert_ne!(row.status, Status::Done, "{id} is done but its part {} is {}", part.source_id, part.status);
                assert!(reason.contains(&format!("part {}", part.source_id)), "{id}: {reason}");
            }
        }
        if let Some(dest) = part.dest_id.as_deref().filter(|_| part.status == Status::Done) {
            let mut got = in_sandbox.get(dest).cloned().unwrap_or_default();
            got.sort();
            expected.sort();
            assert_eq!(got, expected, "files of part {} ({dest})", part.source_id);
        }
    }
    assert!(sent > 20, "the helpdesk has files to send ({sent})");
    assert!(blocked >= 3, "the .exe, .bat and .js cases are flagged ({blocked})");
    assert!(oversized >= 1, "the 30 MiB case is flagged ({oversized})");
    assert_eq!(files.len(), sent + blocked + oversized + urls + waiting, "rows for attachments of no message");
    eprintln!(
        "attachments: {sent} sent, {blocked} blocked, {oversized} oversized, {urls} URLs skipped, {waiting} with \
         parts not migrated"
    );

    let reads = content_reads(&log);
    assert!(!reads.is_empty(), "content was read");
    assert!(reads.iter().all(|&n| n <= 1), "every content read asks for one attachment: {reads:?}");
    assert_eq!(reads.len(), sent, "each sent file's content is read once");

    let report = cutover(&rehearsal, &["report", "--format", "json"]).await;
    assert_eq!(report.status.code(), Some(0), "{}", show(&report));
    let report: Value = serde_json::from_slice(&report.stdout).expect("report json");
    let line = report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["object"] == "part.attachments")
        .expect("the report lists the attachments")
        .clone();
    assert_eq!(line["unaccounted"], 0);
    assert_eq!(line["recorded"].as_u64().unwrap() as usize, files.len());
    assert_eq!(line["in_source"].as_u64().unwrap() as usize, files.len());
    let reasons: Vec<String> =
        line["reasons"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap().to_owned()).collect();
    assert!(reasons.iter().any(|r| r.contains("blocked file type .exe")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("is over the 25.0 MiB limit")), "{reasons:?}");

    let verify = cutover(&rehearsal, &["verify", "--sample", "60"]).await;
    assert_eq!(verify.status.code(), Some(0), "{}", show(&verify));

    // A second run sends nothing new and reads no content.
    let before = sandbox.dump();
    let again = cutover(&rehearsal, &["run", "--quiet"]).await;
    assert!(matches!(again.status.code(), Some(0 | 1)), "{}", show(&again));
    assert_eq!(sandbox.dump()["conversations"], before["conversations"], "the second run changed the sandbox");
    assert_eq!(content_reads(&log).len(), reads.len(), "the second run read file content");
    let files_again = rows_by_id(ledger(&rehearsal).await.of_object("part.attachments").await.unwrap());
    for (id, row) in &files {
        assert_eq!(files_again[id].status, row.status, "attachment {id}");
    }

    // `verify` compares the names of a part's files with what the spec produces now.
    write_spec(
        &rehearsal,
        &odoo.base_url(),
        &sandbox.base_url(),
        "",
        &format!("{EVERY_TICKET}    attachments:\n      name: concat(\"renamed-\", name)\n"),
    );
    let renamed = cutover(&rehearsal, &["verify", "--sample", "400"]).await;
    assert_eq!(renamed.status.code(), Some(1), "{}", show(&renamed));
    assert!(String::from_utf8_lossy(&renamed.stdout).contains("renamed-"), "{}", show(&renamed));
    write_spec(&rehearsal, &odoo.base_url(), &sandbox.base_url(), "", EVERY_TICKET);

    // Rollback deletes the conversations; their parts' files go with them.
    let rollback = cutover(&rehearsal, &["rollback"]).await;
    assert_eq!(rollback.status.code(), Some(0), "{}", show(&rollback));
    let files_after = rows_by_id(ledger(&rehearsal).await.of_object("part.attachments").await.unwrap());
    for (id, row) in files.iter().filter(|(_, row)| row.status == Status::Done) {
        assert_eq!(files_after[id].status, Status::RolledBack, "attachment {id} of part {:?}", row.parent_source_id);
    }
    odoo.shutdown().await;
}

/// The size limit holds at both ends: the sandbox refuses a file over its limit with a 400 (the
/// part fails with that reason), and with the same limit in `sink:` and no `size:` in the spec
/// the runner reads each file, finds it too large, flags it and sends the part without it, so no
/// file over the limit ever lands. `--dry-run` writes references, never content.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_over_the_limit_are_flagged_after_reading_and_never_sent() {
    const LIMIT: u64 = 2048;
    let rehearsal = Rehearsal::new(25, 4);
    let (odoo, log) = serve_odoo(&rehearsal.data).await;
    let config = SandboxConfig { attachment_max_bytes: LIMIT, ..sandbox_with_every_agent(&rehearsal.data) };
    let sandbox = Sandbox::start(config).await.expect("sandbox");
    let source = attachments(&rehearsal.data);
    let size_of = |id: &str| -> u64 {
        source[id]["datas"]
            .as_str()
            .map(|d| base64::engine::general_purpose::STANDARD.decode(d).expect("base64").len() as u64)
            .unwrap_or_default()
    };

    // The dry run: references only.
    write_spec(&rehearsal, &odoo.base_url(), &sandbox.base_url(), "", EVERY_TICKET);
    let dry = cutover(&rehearsal, &["run", "--quiet", "--dry-run"]).await;
    assert!(matches!(dry.status.code(), Some(0 | 1)), "{}", show(&dry));
    assert!(content_reads(&log).is_empty(), "a dry run reads no file content");
    let written = std::fs::read_to_string(rehearsal.dir.path().join("dry-run/conversation_part.ndjson"))
        .unwrap_or_else(|error| panic!("no dry-run parts ({error}): {}", show(&dry)));
    let with_files: Vec<Value> = written
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|record| record.to_string().contains("\"source_id\""))
        .collect();
    assert!(!with_files.is_empty(), "dry-run parts list their attachments");
    assert!(!written.contains("\"data\""), "the dry run wrote file content");

    // The sink allows more than the sandbox: the sandbox refuses the larger files.
    write_spec(&rehearsal, &odoo.base_url(), &sandbox.base_url(), "  attachment_max_mb: 100\n", EVERY_TICKET);
    let first = cutover(&rehearsal, &["run", "--quiet"]).await;
    assert!(matches!(first.status.code(), Some(0 | 1)), "{}", show(&first));
    let parts = ledger(&rehearsal).await.of_object("part").await.unwrap();
    let refused: Vec<&RecordRow> = parts
        .iter()
        .filter(|p| p.status == Status::Failed && p.reason.as_deref().is_some_and(|r| r.contains("bytes allowed")))
        .collect();
    assert!(!refused.is_empty(), "the sandbox refused parts with files over {LIMIT} bytes");
    assert!(refused[0].reason.as_deref().unwrap().contains("HTTP 400"), "{:?}", refused[0].reason);

    // The same limit in the spec, without the size the source reports: checked after reading.
    write_spec(
        &rehearsal,
        &odoo.base_url(),
        &sandbox.base_url(),
        "  attachment_max_mb: 0.001953125\n",
        &format!("{EVERY_TICKET}    attachments:\n      size: null\n"),
    );
    let second = cutover(&rehearsal, &["run", "--quiet"]).await;
    assert!(matches!(second.status.code(), Some(0 | 1)), "{}", show(&second));
    let state = ledger(&rehearsal).await;
    let parts = rows_by_id(state.of_object("part").await.unwrap());
    for part in &refused {
        assert_eq!(parts[&part.source_id].status, Status::Done, "part {} went without its large files", part.source_id);
    }
    let files = state.of_object("part.attachments").await.unwrap();
    let late: Vec<&RecordRow> =
        files.iter().filter(|f| f.status == Status::Flagged && f.field.as_deref() == Some("data")).collect();
    assert!(!late.is_empty(), "files over the limit were flagged once read");
    for file in &late {
        assert!(size_of(&file.source_id) > LIMIT, "attachment {} is not over the limit", file.source_id);
        assert!(file.reason.as_deref().unwrap().contains("is over the 2 KiB limit"), "{:?}", file.reason);
    }
    for file in files.iter().filter(|f| f.status == Status::Done) {
        assert!(size_of(&file.source_id) <= LIMIT, "attachment {} over the limit was sent", file.source_id);
    }
    let landed: Vec<u64> = sandbox_files(&sandbox).values().flatten().map(|(_, _, size)| *size).collect();
    assert!(!landed.is_empty(), "small files were sent");
    assert!(landed.iter().all(|&size| size <= LIMIT), "a file over the limit landed: {landed:?}");
    let reads = content_reads(&log);
    assert!(reads.iter().all(|&n| n <= 1), "every content read asks for one attachment: {reads:?}");
    odoo.shutdown().await;
}
