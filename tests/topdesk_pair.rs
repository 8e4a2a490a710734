//! The bundled TOPdesk spec end to end: a generated TOPdesk served over HTTP by the emulator, read
//! by the REST driver (in windows shorter than the data, pages smaller than a window), migrated by
//! the real binary into an Intercom sandbox whose custom object types exist. Every object row of
//! the pair is compared with the generated tables: persons and unregistered callers as contacts,
//! branches as companies, incidents as conversations (state, assignees, tags, attributes) with
//! their progress trail as parts in order and their files, change activities as notes, changes,
//! assets, operational activities and reservations as custom objects, the knowledge base as
//! collections, sections and draft articles. Then verify, report, a second run and rollback.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde_json::{Value, json};

use cutover::run::attachments::DEFAULT_BLOCKED;
use cutover::sandbox::intercom::{Sandbox, SandboxConfig};
use cutover::sandbox::topdesk::TopdeskConfig;

use crate::support::migration::{
    Customer, admin_and_team_ids, differences, duplicates_by, normalize, outcome, records, show, write_records,
};
use crate::support::topdesk::{Served, dataset};

const LOGIN: &str = "api";
const PASSWORD: &str = "application-password";
/// The conversation attribute holding the incident's id.
const ID: &str = "topdesk_id__c";
/// The custom object types the bundled spec writes.
const TYPES: [&str; 4] = ["Change", "Asset", "ProcessDefinition", "Reservation"];

/// Rows of a generated table by id.
fn by_id(data: &Path, table: &str) -> BTreeMap<String, Value> {
    records(data, table).into_iter().map(|r| (r["id"].as_str().expect("id").to_owned(), r)).collect()
}

/// Seconds of a generated ISO 8601 instant.
fn unix(value: &Value) -> Option<i64> {
    Some(value.as_str()?.parse::<jiff::Timestamp>().ok()?.as_second())
}

fn email(value: &Value) -> Option<String> {
    value.as_str().map(|e| e.trim().to_lowercase()).filter(|e| e.contains('@') && !e.contains(' '))
}

/// A workspace whose teammates are the operators with an e-mail, whose teams are the operator
/// groups and which has the spec's custom object types.
async fn workspace(data: &Path) -> Sandbox {
    let mut admins = vec![("operator@example.com".to_owned(), "Migration Operator".to_owned())];
    for operator in records(data, "operators") {
        if let Some(address) = email(&operator["email"]) {
            admins.push((address, operator["dynamicName"].as_str().unwrap_or("Operator").to_owned()));
        }
    }
    let teams = records(data, "operatorgroups").iter().map(|g| g["groupName"].as_str().unwrap().to_owned()).collect();
    let config = SandboxConfig {
        admins,
        teams,
        custom_object_types: TYPES.map(str::to_owned).to_vec(),
        rate_limit: 100_000,
        window: std::time::Duration::from_secs(1),
        ..SandboxConfig::default()
    };
    Sandbox::start(config).await.unwrap()
}

/// The customer spec over the emulator, into `sandbox`: windows and pages smaller than the data.
fn migration(topdesk: &Served, sandbox: &Sandbox) -> Customer {
    let overlay = format!("source:\n  batch: 9\n  window_days: 45\nsink:\n  url: {}\n", sandbox.base_url());
    let url = topdesk.url();
    Customer::new(
        "topdesk-to-intercom.yaml",
        &overlay,
        &[("TOPDESK_URL", &url), ("TOPDESK_LOGIN", LOGIN), ("TOPDESK_PASSWORD", PASSWORD)],
    )
}

fn list<'a>(dump: &'a Value, key: &str) -> &'a [Value] {
    dump[key].as_array().map_or(&[], Vec::as_slice)
}

#[test]
fn every_object_row_of_the_topdesk_pair_lands_in_intercom() {
    // The generated helpdesk, with one more ugly case: a second person with the first one's
    // address in other letter case (Intercom keeps one user per address).
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dataset("topdesk-pair", 60, 3)).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, copy.path().join(path.file_name().unwrap())).unwrap();
    }
    let data = copy.path();
    let mut rows = records(data, "persons");
    let addressed: Vec<usize> = (0..rows.len()).filter(|i| email(&rows[*i]["email"]).is_some()).take(2).collect();
    rows[addressed[1]]["email"] = json!(rows[addressed[0]]["email"].as_str().unwrap().to_uppercase());
    let shared = rows[addressed[1]]["id"].as_str().unwrap().to_owned();
    write_records(data, "persons", &rows);
    let topdesk = Served::serve(TopdeskConfig::new(data.to_path_buf(), LOGIN, PASSWORD));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let sandbox = runtime.block_on(workspace(data));
    let migration = migration(&topdesk, &sandbox);

    let validate = migration.cutover(&["validate"]);
    assert_eq!(validate.status.code(), Some(0), "{}", show(&validate));
    let run = migration.cutover(&["run", "--quiet"]);
    // 1: operators without an e-mail wait in the reconciliation queue with their incidents.
    assert_eq!(run.status.code(), Some(1), "{}", show(&run));
    assert!(duplicates_by(&sandbox, ID).is_empty(), "{:?}", duplicates_by(&sandbox, ID));
    let report = migration.report();
    assert_eq!(report["unaccounted"], json!(0), "every record is accounted for: {report:#}");

    let dump = sandbox.dump();
    let (admin_ids, team_ids) = runtime.block_on(admin_and_team_ids(&sandbox));
    let persons = by_id(data, "persons");
    let operators = by_id(data, "operators");
    let groups = by_id(data, "operatorgroups");
    let branches = by_id(data, "branches");
    let admin_of = |operator: &Value| -> Option<String> {
        let row = operators.get(operator.as_str()?)?;
        admin_ids.get(&email(&row["email"])?).cloned()
    };

    // --- Companies: one per branch, keyed by its id.
    let companies: HashMap<String, &Value> =
        list(&dump, "companies").iter().map(|c| (c["company_id"].as_str().unwrap().to_owned(), c)).collect();
    for (id, branch) in &branches {
        let company = companies.get(id).unwrap_or_else(|| panic!("no company for branch {id}"));
        assert_eq!(company["name"], branch["name"], "branch {id}");
        assert_eq!(company["custom_attributes"]["topdesk_branch_type__c"], branch["branchType"], "branch {id}");
    }

    // --- Contacts: every person by its id, with its branch's company; callers who are no
    // registered person by their e-mail address.
    let contacts: HashMap<String, &Value> = list(&dump, "contacts")
        .iter()
        .filter_map(|c| Some((c["external_id"].as_str().or(c["email"].as_str())?.to_owned(), c)))
        .collect();
    let contact_ids: HashMap<String, String> = list(&dump, "contacts")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["external_id"].as_str().or(c["email"].as_str()).unwrap().to_owned(),
            )
        })
        .collect();
    let mut without_email = 0;
    let mut contact_of: HashMap<String, String> = HashMap::new();
    for (id, person) in &persons {
        // Persons sharing an address share the contact of the first of them.
        let by_address = || {
            list(&dump, "contacts").iter().find(|c| c["email"].as_str().map(str::to_owned) == email(&person["email"]))
        };
        let contact =
            contacts.get(id).copied().or_else(by_address).unwrap_or_else(|| panic!("no contact for person {id}"));
        contact_of.insert(id.clone(), contact["id"].as_str().unwrap().to_owned());
        if *id == shared {
            assert_ne!(
                contact["external_id"],
                json!(id),
                "the second person with an address shares the first's contact"
            );
        }
        assert_eq!(contact["email"].as_str().map(str::to_owned), email(&person["email"]), "person {id}");
        without_email += usize::from(email(&person["email"]).is_none());
        assert_eq!(contact["custom_attributes"]["topdesk_no_email__c"], json!(email(&person["email"]).is_none()));
        let company = companies[person["branch"].as_str().unwrap()];
        assert!(contact["companies"].as_array().unwrap().iter().any(|c| c == &company["id"]), "company of {id}");
    }
    assert!(without_email > 0, "persons without an e-mail address are contacts too");
    assert_eq!(outcome(&report, "contact", "merged"), 1, "the person sharing an address is merged: {report:#}");

    // --- Conversations: one per incident whose operator and group are in the workspace.
    let incidents = by_id(data, "incidents");
    let tag_names: HashMap<&str, &str> =
        list(&dump, "tags").iter().map(|t| (t["id"].as_str().unwrap(), t["name"].as_str().unwrap())).collect();
    let conversations: HashMap<String, &Value> = list(&dump, "conversations")
        .iter()
        .map(|c| (c["custom_attributes"]["topdesk_id__c"].as_str().unwrap().to_owned(), c))
        .collect();
    assert!(conversations.len() > incidents.len() / 2, "most incidents migrate: {report:#}");
    let trail = records(data, "progresstrail");
    let attachments = by_id(data, "attachments");
    let mut unregistered = 0;
    let mut with_files = 0;
    let mut notes = 0;
    let mut oversized = 0;
    for (id, incident) in &incidents {
        let Some(conversation) = conversations.get(id) else {
            // Only an operator who is no teammate holds an incident back.
            let operator_missing = !incident["operator"].is_null() && admin_of(&incident["operator"]).is_none();
            let author_missing = trail
                .iter()
                .any(|e| e["incident"] == json!(id) && e["person"].is_null() && admin_of(&e["operator"]).is_none());
            assert!(operator_missing || author_missing, "incident {id} did not migrate: {report:#}");
            continue;
        };
        let attributes = &conversation["custom_attributes"];
        let number = incident["number"].as_str().unwrap();
        assert_eq!(attributes["topdesk_number__c"], json!(number));
        assert!(conversation["title"].as_str().unwrap().starts_with(number), "title of {number}");
        assert_eq!(conversation["created_at"].as_i64(), unix(&incident["callDate"]), "{number} backdated");
        for (attribute, field) in [
            ("topdesk_status__c", "processingStatus"),
            ("topdesk_priority__c", "priority"),
            ("topdesk_category__c", "category"),
            ("topdesk_subcategory__c", "subcategory"),
            ("topdesk_call_type__c", "callType"),
            ("topdesk_line__c", "status"),
        ] {
            assert_eq!(attributes[attribute], incident[field], "{number}: {attribute}");
        }
        let closed = incident["closed"] == json!(true) || incident["completed"] == json!(true);
        let want = if closed {
            "closed"
        } else if incident["onHold"] == json!(true) {
            "snoozed"
        } else {
            "open"
        };
        assert_eq!(conversation["state"], json!(want), "{number}");
        let tags: HashSet<&str> =
            conversation["tags"].as_array().unwrap().iter().map(|t| tag_names[t.as_str().unwrap()]).collect();
        if let Some(category) = incident["category"].as_str() {
            assert!(tags.contains(format!("Category: {category}").as_str()), "{number}: {tags:?}");
        }
        if let Some(operator) = admin_of(&incident["operator"]) {
            assert_eq!(conversation["admin_assignee_id"], json!(operator), "{number} assignee");
        }
        if let Some(group) = incident["operatorGroup"].as_str() {
            let team = &team_ids[groups[group]["groupName"].as_str().unwrap()];
            assert_eq!(conversation["team_assignee_id"], json!(team), "{number} team");
        }
        // The caller: the registered person, else the contact of the caller's e-mail address.
        let from = conversation["contacts"][0].as_str().or(conversation["contacts"][0]["id"].as_str()).unwrap();
        match incident["caller"].as_str().filter(|person| persons.contains_key(*person)) {
            Some(person) => assert_eq!(from, contact_of[person], "{number} caller"),
            // No registered caller, or one deleted since: the address on the incident.
            None => {
                unregistered += 1;
                assert_eq!(Some(contact_ids[from].clone()), email(&incident["caller_email"]), "{number} caller");
            }
        }
        // The progress trail in time order, e-mail copies left out; files on their own part.
        let mut entries: Vec<&Value> =
            trail.iter().filter(|e| e["incident"] == json!(id) && e["title"].is_null()).collect();
        entries.sort_by_key(|e| (unix(&e["entryDate"]), e["id"].as_str().unwrap().to_owned()));
        let parts: Vec<&Value> = conversation["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["part_type"] == "comment" || p["part_type"] == "note")
            .collect();
        // An entry by no one is flagged; one by an operator who is no teammate waits, and so do
        // the entries after it (parts keep their order).
        entries.retain(|e| !(e["person"].is_null() && e["operator"].is_null()));
        let waiting = entries.iter().position(|e| e["person"].is_null() && admin_of(&e["operator"]).is_none());
        entries.truncate(waiting.unwrap_or(entries.len()));
        assert_eq!(parts.len(), entries.len(), "{number}: one part per trail entry");
        for (part, entry) in parts.iter().zip(&entries) {
            assert_eq!(part["created_at"].as_i64(), unix(&entry["entryDate"]), "{number}: order");
            match entry["person"].as_str() {
                Some(person) => {
                    assert_eq!(part["author"]["type"], "contact", "{number}");
                    let author = &contact_ids[part["author"]["id"].as_str().unwrap()];
                    if persons.contains_key(person) {
                        assert_eq!(part["author"]["id"].as_str().unwrap(), contact_of[person], "{number} author");
                    } else {
                        assert_eq!(Some(author.clone()), email(&incident["caller_email"]), "{number}: deleted author");
                    }
                    assert_eq!(part["part_type"], "comment", "{number}");
                }
                None => {
                    assert_eq!(Some(part["author"]["id"].as_str().unwrap().to_owned()), admin_of(&entry["operator"]));
                    let note = entry["invisibleForCaller"] == json!(true);
                    notes += usize::from(note);
                    assert_eq!(part["part_type"], json!(if note { "note" } else { "comment" }), "{number}");
                }
            }
            if let Some(file) = entry["fileName"].as_str() {
                let row = &attachments[entry["id"].as_str().unwrap()];
                let sent = part["attachments"].as_array().unwrap();
                let extension = file.rsplit_once('.').map_or("", |(_, e)| e).to_lowercase();
                if row["size"].as_i64().unwrap() <= 10 * 1024 * 1024 && !DEFAULT_BLOCKED.contains(&extension.as_str()) {
                    with_files += 1;
                    assert_eq!(sent.len(), 1, "{number}: {file}");
                    assert_eq!(sent[0]["name"], json!(file), "{number}");
                } else {
                    oversized += 1;
                    assert!(sent.is_empty(), "{number}: {file} is over 10 MB or of a blocked type, and flagged");
                }
            }
        }
    }
    assert!(unregistered > 0 && with_files > 0 && notes > 0, "{unregistered} {with_files} {notes}");
    assert!(oversized > 1, "the data has files over 10 MB or of a blocked type on parts that migrate");
    assert_eq!(outcome(&report, "part.attachments", "flagged"), oversized, "such files are flagged: {report:#}");

    // --- Custom objects: every change, asset, operational activity and reservation.
    let instances: HashMap<(String, String), &Value> = list(&dump, "custom_object_instances")
        .iter()
        .map(|i| ((i["type"].as_str().unwrap().to_owned(), i["external_id"].as_str().unwrap().to_owned()), i))
        .collect();
    let instance = |kind: &str, key: &Value| -> &Value {
        instances
            .get(&(kind.to_owned(), key.as_str().unwrap().to_owned()))
            .unwrap_or_else(|| panic!("no {kind} instance {key}"))
    };
    for (id, change) in by_id(data, "changes") {
        let found = instance("Change", &change["number"]);
        assert_eq!(found["custom_attributes"]["topdesk_id"], json!(id));
        assert_eq!(found["custom_attributes"]["brief_description"], change["briefDescription"]);
        assert_eq!(found["custom_attributes"]["processing_status"], change["processingStatus"]);
    }
    let assets = by_id(data, "assets");
    let links = records(data, "assetLinks");
    let mut with_parent = 0;
    for (id, asset) in &assets {
        let found = instance("Asset", &asset["name"]);
        assert_eq!(found["custom_attributes"]["topdesk_id"], json!(id));
        assert_eq!(found["custom_attributes"]["template"], asset["templateName"]);
        // Its parents by name (in id order), as the links say; a cycle does not loop.
        let mut parents: Vec<&str> =
            links.iter().filter(|l| l["child"] == json!(id)).map(|l| l["parent"].as_str().unwrap()).collect();
        parents.sort_unstable();
        let names: Vec<&str> = parents.iter().map(|p| assets[*p]["name"].as_str().unwrap()).collect();
        let want = if names.is_empty() { Value::Null } else { json!(names.join(", ")) };
        assert_eq!(found["custom_attributes"]["parent"], want, "parent of asset {}", asset["name"]);
        with_parent += usize::from(!names.is_empty());
    }
    assert!(with_parent > 0, "some assets have a parent");
    for (id, activity) in by_id(data, "operationalActivities") {
        let found = instance("ProcessDefinition", &activity["number"]);
        assert_eq!(found["custom_attributes"]["topdesk_id"], json!(id));
    }
    for (id, reservation) in by_id(data, "reservations") {
        let found = instance("Reservation", &reservation["number"]);
        assert_eq!(found["custom_attributes"]["topdesk_id"], json!(id));
    }

    // --- Change activities: a note on the requester's contact each.
    let changes = by_id(data, "changes");
    let activities = records(data, "changeActivities");
    let mut noted = 0;
    for activity in &activities {
        let Some(requester) = changes[activity["change"].as_str().unwrap()]["requester"].as_str() else { continue };
        let contact = contact_of[requester].as_str();
        let number = activity["number"].as_str().unwrap();
        assert!(
            list(&dump, "notes")
                .iter()
                .any(|n| n["contact_id"] == json!(contact) && n["body"].as_str().unwrap().contains(number)),
            "a note for activity {number}"
        );
        noted += 1;
    }
    assert!(noted > 0);

    // --- The knowledge base: folders as collections and sections, items as draft articles.
    let folders = by_id(data, "knowledgeFolders");
    let collections: HashMap<&str, &Value> =
        list(&dump, "collections").iter().map(|c| (c["name"].as_str().unwrap(), c)).collect();
    for folder in folders.values() {
        let collection = collections[folder["name"].as_str().unwrap()];
        match folder["parent"].as_str() {
            None => assert!(collection["parent_id"].is_null(), "{folder}"),
            Some(parent) => {
                let parent = collections[folders[parent]["name"].as_str().unwrap()];
                assert_eq!(collection["parent_id"], parent["id"], "{folder}");
            }
        }
    }
    let articles = list(&dump, "articles");
    for item in records(data, "knowledgeItems") {
        let title = item["title"].as_str().or(item["number"].as_str()).unwrap();
        let article = articles.iter().find(|a| {
            a["title"] == json!(title) && {
                let folder = collections[folders[item["parent"].as_str().unwrap()]["name"].as_str().unwrap()];
                a["parent_id"].as_str().map(str::to_owned) == folder["id"].as_str().map(str::to_owned)
                    || a["parent_id"].as_i64().map(|i| i.to_string()) == folder["id"].as_str().map(str::to_owned)
            }
        });
        let article = article.unwrap_or_else(|| panic!("no article for {}", item["number"]));
        assert_eq!(article["state"], "draft");
        assert!(!article["body"].as_str().unwrap_or_default().contains("<script"), "sanitized");
    }

    // --- The inventory: the spec's sections, what the operator may read, what the API misses.
    let inventory = migration.cutover(&["inventory", "--format", "json"]);
    assert_eq!(inventory.status.code(), Some(0), "{}", show(&inventory));
    let inventory: Value = serde_json::from_slice(&inventory.stdout).expect("inventory JSON");
    let translations = records(data, "knowledgeTranslations").len();
    let section = |key: &str| inventory["sections"].as_array().unwrap().iter().find(|s| s["key"] == key).cloned();
    assert_eq!(section("knowledge_translations").unwrap()["rows"].as_array().unwrap().len(), translations);
    assert_eq!(section("asset_links").unwrap()["rows"].as_array().unwrap().len(), links.len());
    let document = |key: &str| inventory["documents"].as_array().unwrap().iter().find(|d| d["key"] == key).cloned();
    let access = document("module_access").expect("the access table");
    let incidents_row = access["rows"].as_array().unwrap().iter().find(|r| r[0] == "incidents").unwrap().clone();
    assert_eq!(incidents_row, json!(["incidents", "readable", incidents.len().to_string()]));
    let missing = document("not_in_the_api").expect("what the API does not reach");
    let areas: Vec<&str> = missing["rows"].as_array().unwrap().iter().map(|r| r[0].as_str().unwrap()).collect();
    assert!(
        areas.iter().any(|a| a.starts_with("Known errors"))
            && areas.iter().any(|a| a.starts_with("Events and actions"))
    );

    // --- Verify, a second run that changes nothing, rollback.
    let verify = migration.cutover(&["verify", "--sample", "1000"]);
    assert_eq!(verify.status.code(), Some(0), "{}", show(&verify));
    assert!(String::from_utf8_lossy(&verify.stdout).contains(" 0 with mismatches"), "{}", show(&verify));
    let before = normalize(&sandbox);
    let again = migration.cutover(&["run", "--quiet"]);
    assert_eq!(again.status.code(), Some(1), "{}", show(&again));
    let after = normalize(&sandbox);
    assert!(differences(&before, &after).is_empty(), "{:?}", differences(&before, &after));
    let second = migration.report();
    for object in ["contact", "company", "conversation", "part", "change", "asset", "kb_article", "change_activity"] {
        assert_eq!(outcome(&second, object, "created"), 0, "the second run creates no {object}: {second:#}");
    }
    assert!(duplicates_by(&sandbox, ID).is_empty());
    let rollback = migration.cutover(&["rollback", "--quiet"]);
    assert_eq!(rollback.status.code(), Some(0), "{}", show(&rollback));
    let left = sandbox.dump();
    for key in ["contacts", "conversations", "articles", "collections", "custom_object_instances"] {
        assert_eq!(left[key], json!([]), "{key} left after rollback");
    }
    drop(topdesk);
}

/// `discover` says per object what the operator may read: a forbidden module and an unlicensed
/// one are named as such (never reported as empty), and the lock still describes every object.
#[test]
fn discover_reports_module_access() {
    use cutover::sandbox::topdesk::{Access, Module, UnlicensedAnswer};
    let data = dataset("topdesk-access", 20, 2);
    let config = TopdeskConfig::new(data.to_path_buf(), LOGIN, PASSWORD)
        .with_access(Module::Changes, Access::Forbidden)
        .with_access(Module::Reservations, Access::Unlicensed(UnlicensedAnswer::NotFound));
    let topdesk = Served::serve(config);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let sandbox = runtime.block_on(workspace(data));
    let migration = migration(&topdesk, &sandbox);
    let discover = migration.cutover(&["discover", "-o", "found.lock.yaml"]);
    assert_eq!(discover.status.code(), Some(0), "{}", show(&discover));
    let notes = String::from_utf8_lossy(&discover.stderr);
    assert!(notes.contains("changes: forbidden (403)"), "{notes}");
    assert!(notes.contains("reservations: unlicensed/not available (404)"), "{notes}");
    let incidents = records(data, "incidents").len();
    assert!(notes.contains(&format!("incidents: readable with {incidents} records")), "{notes}");
    let lock = std::fs::read_to_string(migration.dir.path().join("found.lock.yaml")).unwrap();
    assert!(lock.contains("# note: changes: forbidden (403)") && lock.contains("\n  reservations:\n"), "{lock}");
    assert!(!lock.contains(PASSWORD) && !notes.contains(PASSWORD), "the password stays out");
}
