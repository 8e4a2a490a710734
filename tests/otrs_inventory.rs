//! `cutover inventory` on the bundled OTRS spec against a generated Znuny database on
//! PostgreSQL: the spec's sections plus the documents read from the database's configuration
//! (queue access by role, process management, statistics, configuration items without a customer
//! company), checked against the generated tables, and the Markdown as a reviewed snapshot.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use cutover::generate::otrs_sql::{ArticleStorage, Engine};

use crate::support;
use crate::support::migration::{records, show};
use crate::support::otrs::{OtrsDatabase, database};

async fn inventory(db: &OtrsDatabase, format: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/otrs-to-intercom.yaml");
    let spec = dir.path().join("customer.yaml");
    std::fs::write(&spec, format!("cutover: 1\nextends: {}\n", base.display())).unwrap();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["inventory", "--format", format])
        .arg(&spec)
        .current_dir(dir.path())
        .env("OTRS_DATABASE_URL", &db.url)
        .env("INTERCOM_TOKEN", "unused")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("the binary runs")
}

fn document<'a>(inventory: &'a Value, key: &str) -> &'a Value {
    inventory["documents"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["key"] == key))
        .unwrap_or_else(|| panic!("no document `{key}`: {inventory:#}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inventory_documents_are_read_from_the_otrs_database() {
    let db = database(Engine::Postgres, 30, 4, ArticleStorage::Db, "UTC").await;
    let output = inventory(&db, "json").await;
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let keys: Vec<&str> = json["documents"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["queue_access", "processes", "statistics", "config_items"]);

    // Queue access: one row per valid queue, roles with the permissions they grant.
    let queues: BTreeSet<String> = records(&db.dir, "queue")
        .iter()
        .filter(|q| q["valid_id"] == 1)
        .map(|q| q["name"].as_str().unwrap().to_owned())
        .collect();
    let access = document(&json, "queue_access");
    let listed: BTreeSet<String> =
        access["rows"].as_array().unwrap().iter().map(|r| r[0].as_str().unwrap().to_owned()).collect();
    assert_eq!(listed, queues);
    let billing = access["rows"].as_array().unwrap().iter().find(|r| r[0] == "Support::Billing").unwrap();
    assert!(billing[2].as_str().unwrap().contains("role Billing Agents (rw;"), "{billing}");

    // Processes: every transition of the path, with its condition and actions, and the end.
    let processes = document(&json, "processes")["rows"].as_array().unwrap().clone();
    let transitions = records(&db.dir, "pm_transition");
    assert_eq!(processes.len(), transitions.len() + 1, "{processes:#?}");
    for transition in &transitions {
        let row = processes.iter().find(|r| r[2] == transition["name"]).expect("each transition is listed");
        assert!(row[3].as_str().unwrap().contains("DynamicField_ContractType"), "{row}");
    }
    assert!(processes.iter().any(|r| r[5].as_str().unwrap().contains("TicketQueueSet")), "{processes:#?}");

    // Statistics: one row per definition, titled as stored.
    let titles: BTreeSet<String> = records(&db.dir, "xml_storage")
        .iter()
        .filter(|x| x["xml_type"] == "Stats" && x["xml_content_key"].as_str().unwrap().contains("{'Title'}"))
        .map(|x| x["xml_content_value"].as_str().unwrap().to_owned())
        .collect();
    let listed: BTreeSet<String> = document(&json, "statistics")["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[1].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, titles);

    // Configuration items: those whose current version names no customer company.
    let items = records(&db.dir, "configitem");
    let storage = records(&db.dir, "xml_storage");
    let without_company: BTreeSet<String> = items
        .iter()
        .filter(|item| {
            let version = item["last_version_id"].to_string();
            !storage.iter().any(|x| {
                x["xml_key"] == version.as_str()
                    && !x["xml_type"].as_str().unwrap().contains("Archiv")
                    && x["xml_content_key"].as_str().unwrap().contains("{'CustomerCompany'}")
            })
        })
        .map(|item| item["configitem_number"].as_str().unwrap().to_owned())
        .collect();
    assert!(!without_company.is_empty() && without_company.len() < items.len(), "some items have a company");
    let listed: BTreeSet<String> = document(&json, "config_items")["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, without_company);

    let output = inventory(&db, "markdown").await;
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    // The server's version is the machine's, not the document's.
    let markdown = String::from_utf8(output.stdout).unwrap();
    let markdown = regex::Regex::new(r"PostgreSQL \d+(\.\d+)*").unwrap().replace_all(&markdown, "PostgreSQL [version]");
    support::settings("inventory").bind(|| insta::assert_snapshot!("otrs_generated", markdown));
}
