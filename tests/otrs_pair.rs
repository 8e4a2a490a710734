//! The bundled OTRS spec end to end: one generated Znuny helpdesk loaded into MariaDB and into
//! PostgreSQL, migrated by the real binary into two Intercom sandboxes through a customer spec
//! that `extends:` the bundled one. Both engines leave the same workspace; the PostgreSQL one is
//! compared row by row with the generated tables (contacts and companies, conversations with
//! state by state type, owner, queue, dynamic-field tags and attributes, articles as parts in
//! order with the author their sender type gives); then verify, report, a second run and
//! rollback.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use cutover::generate::otrs_sql::{ArticleStorage, Engine};
use cutover::sandbox::intercom::{Sandbox, SandboxConfig};

use crate::support::migration::{
    Customer, admin_and_team_ids, differences, duplicates, normalize, outcome, records, show,
};
use crate::support::otrs::{OtrsDatabase, database};

/// Rows of a generated table, by id.
fn by_id(db: &OtrsDatabase, table: &str) -> BTreeMap<i64, Value> {
    records(&db.dir, table).into_iter().map(|r| (r["id"].as_i64().expect("id"), r)).collect()
}

/// Seconds of a generated naive UTC time (`2024-02-15 10:00:00`).
fn unix(value: &Value) -> Option<i64> {
    let naive: jiff::civil::DateTime = value.as_str()?.parse().ok()?;
    Some(naive.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp().as_second())
}

/// The agents' e-mails (the UserEmail preference), by user id.
fn agent_emails(db: &OtrsDatabase) -> HashMap<i64, String> {
    records(&db.dir, "user_preferences")
        .into_iter()
        .filter(|p| p["preferences_key"] == "UserEmail")
        .filter_map(|p| Some((p["user_id"].as_i64()?, p["preferences_value"].as_str()?.trim().to_lowercase())))
        .collect()
}

/// The customer spec over `db`, into `sandbox`.
fn migration(db: &OtrsDatabase, sandbox: &Sandbox) -> Customer {
    let overlay = format!("source:\n  batch: 9\nsink:\n  url: {}\n", sandbox.base_url());
    Customer::new("otrs-to-intercom.yaml", &overlay, &[("OTRS_DATABASE_URL", &db.url)])
}

/// A workspace whose teammates are the agents with an e-mail and whose teams are the queues.
async fn workspace(db: &OtrsDatabase) -> Sandbox {
    let mut admins = vec![("operator@example.com".to_owned(), "Migration Operator".to_owned())];
    for (id, email) in agent_emails(db) {
        if id != 1 {
            admins.push((email, format!("Agent {id}")));
        }
    }
    admins.sort();
    let teams = by_id(db, "queue").values().filter_map(|q| q["name"].as_str().map(str::to_owned)).collect();
    let config = SandboxConfig {
        admins,
        teams,
        rate_limit: 100_000,
        window: std::time::Duration::from_secs(1),
        ..SandboxConfig::default()
    };
    Sandbox::start(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_of_the_otrs_pair_lands_in_intercom_from_both_engines() {
    let mysql = database(Engine::MySql, 60, 11, ArticleStorage::Db, "UTC").await;
    let postgres = database(Engine::Postgres, 60, 11, ArticleStorage::Db, "UTC").await;
    let mut states = Vec::new();
    let mut kept = None;
    for db in [&mysql, &postgres] {
        let sandbox = workspace(db).await;
        let migration = migration(db, &sandbox);
        let validate = migration.cutover_async(&["validate"]).await;
        assert_eq!(validate.status.code(), Some(0), "{}", show(&validate));
        let run = migration.cutover_async(&["run", "--quiet"]).await;
        // 1: agents without an e-mail wait in the reconciliation queue with their tickets.
        assert_eq!(run.status.code(), Some(1), "{}", show(&run));
        assert!(duplicates(&sandbox).is_empty(), "{:?}", duplicates(&sandbox));
        let report = migration.report_async().await;
        assert_eq!(report["unaccounted"], json!(0), "every record is accounted for: {report:#}");
        states.push(normalize(&sandbox));
        kept = Some((sandbox, migration, report));
    }
    let differ = differences(&states[0], &states[1]);
    assert!(differ.is_empty(), "MariaDB and PostgreSQL left different workspaces:\n{}", differ.join("\n"));

    let (sandbox, migration, report) = kept.unwrap();
    let db = &postgres;
    let dump = sandbox.dump();
    let tickets = by_id(db, "ticket");
    let articles = by_id(db, "article");
    let states_by_id = by_id(db, "ticket_state");
    let state_types = by_id(db, "ticket_state_type");
    let queues = by_id(db, "queue");
    let customers: HashMap<String, Value> = records(&db.dir, "customer_user")
        .into_iter()
        .map(|c| (c["login"].as_str().unwrap().to_lowercase(), c))
        .collect();
    let values = records(&db.dir, "dynamic_field_value");
    let emails = agent_emails(db);
    let (admin_ids, team_ids) = admin_and_team_ids(&sandbox).await;
    let admin_of = |user: i64| emails.get(&user).and_then(|e| admin_ids.get(e)).cloned();
    let tag_names: HashMap<String, String> = dump["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap().to_owned(), t["name"].as_str().unwrap().to_owned()))
        .collect();
    let contacts: HashMap<String, &Value> = dump["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| Some((c["email"].as_str()?.to_owned(), c)))
        .collect();
    let companies: HashMap<String, &Value> =
        dump["companies"].as_array().unwrap().iter().filter_map(|c| Some((c["id"].as_str()?.to_owned(), c))).collect();

    // --- Contacts: the login as external id, the customer company attached.
    let company_rows: HashMap<String, Value> = records(&db.dir, "customer_company")
        .into_iter()
        .map(|c| (c["customer_id"].as_str().unwrap().to_owned(), c))
        .collect();
    let mut with_company = 0;
    for customer in customers.values() {
        let Some(email) = customer["email"].as_str().map(|e| e.trim().to_lowercase()).filter(|e| e.contains('@'))
        else {
            continue;
        };
        let contact = contacts.get(&email).unwrap_or_else(|| panic!("no contact for {email}"));
        let logins: Vec<&Value> = customers
            .values()
            .filter(|c| c["email"].as_str().map(|e| e.trim().to_lowercase()) == Some(email.clone()))
            .map(|c| &c["login"])
            .collect();
        assert!(logins.contains(&&contact["external_id"]), "external id of {email}: {contact}");
        if let Some(company) = company_rows.get(customer["customer_id"].as_str().unwrap())
            && contact["external_id"] == customer["login"]
        {
            let attached: Vec<&Value> = contact["companies"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| companies.get(c.as_str().or(c["id"].as_str()).unwrap()).copied())
                .collect();
            assert!(
                attached.iter().any(|c| c["company_id"] == company["customer_id"]),
                "company of {email}: {contact}"
            );
            assert!(attached.iter().any(|c| c["name"] == company["name"]), "company name of {email}");
            with_company += 1;
        }
    }
    assert!(with_company > 0, "customers belong to companies");
    // Configuration items that belong to a company are listed on it; the others are not.
    let with_items: Vec<&&Value> =
        companies.values().filter(|c| c["custom_attributes"]["otrs_config_items__c"] != json!("(none)")).collect();
    assert!(!with_items.is_empty(), "some companies own configuration items");
    let numbers: Vec<String> =
        records(&db.dir, "configitem").iter().map(|i| i["configitem_number"].as_str().unwrap().to_owned()).collect();
    for company in &with_items {
        for item in company["custom_attributes"]["otrs_config_items__c"].as_str().unwrap().split("; ") {
            let number = item.split(' ').next().unwrap();
            assert!(numbers.iter().any(|n| n == number), "{item} on {}", company["name"]);
        }
    }
    // Customer dynamic fields (stored under dynamic_field_obj_id_name) as contact attributes.
    let names: HashMap<i64, String> = records(&db.dir, "dynamic_field_obj_id_name")
        .into_iter()
        .filter(|n| n["object_type"] == "CustomerUser")
        .map(|n| (n["object_id"].as_i64().unwrap(), n["object_name"].as_str().unwrap().to_owned()))
        .collect();
    let mut segments = 0;
    for value in records(&db.dir, "dynamic_field_value").iter().filter(|v| v["field_id"] == 11 || v["field_id"] == 12) {
        let login = &names[&value["object_id"].as_i64().unwrap()];
        let Some(contact) = contacts.values().find(|c| c["external_id"] == json!(login)) else { continue };
        let attributes = &contact["custom_attributes"];
        if value["field_id"] == 11 {
            segments += 1;
            assert_eq!(attributes["DynamicField_CustomerSegment"], value["value_text"], "segment of {login}");
        } else {
            assert_eq!(attributes["DynamicField_KeyAccount"], json!(value["value_int"] == 1), "key account of {login}");
        }
    }
    assert!(segments > 0, "customer dynamic fields are on contacts");

    // --- Conversations: one per ticket that could migrate, field by field.
    let conversations: HashMap<i64, &Value> = dump["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["custom_attributes"]["original_ticket_id__c"].as_i64().unwrap(), c))
        .collect();
    assert!(conversations.len() > tickets.len() / 2, "most tickets migrate: {report:#}");
    let mut snoozed = 0;
    let mut merged = 0;
    let links = records(&db.dir, "link_relation");
    let mut fully_threaded = 0;
    for (id, conversation) in &conversations {
        let ticket = &tickets[id];
        let attributes = &conversation["custom_attributes"];
        assert_eq!(conversation["title"], ticket["title"], "ticket {id}");
        assert_eq!(attributes["otrs_ticket_number__c"], ticket["tn"], "ticket {id}");
        assert_eq!(conversation["created_at"].as_i64(), unix(&ticket["create_time"]), "ticket {id} backdated");
        let state = &states_by_id[&ticket["ticket_state_id"].as_i64().unwrap()];
        let state_type = state_types[&state["type_id"].as_i64().unwrap()]["name"].as_str().unwrap();
        assert_eq!(attributes["otrs_state__c"], state["name"], "ticket {id}");
        assert_eq!(attributes["otrs_state_type__c"], json!(state_type), "ticket {id}");
        let pending_until = ticket["until_time"].as_i64().filter(|t| *t > 0);
        let want_state = match state_type {
            "new" | "open" => "open",
            "pending reminder" | "pending auto" if pending_until.is_some() => "snoozed",
            "pending reminder" | "pending auto" => "open",
            _ => "closed",
        };
        assert_eq!(conversation["state"], json!(want_state), "ticket {id} in state {}", state["name"]);
        if want_state == "snoozed" {
            snoozed += 1;
            assert_eq!(conversation["snoozed_until"].as_i64(), pending_until, "ticket {id}");
        }
        let queue = queues[&ticket["queue_id"].as_i64().unwrap()]["name"].as_str().unwrap();
        assert_eq!(conversation["team_assignee_id"], json!(team_ids[queue]), "ticket {id}");
        assert_eq!(attributes["otrs_queue__c"], json!(queue), "ticket {id}");
        if state_type == "merged" {
            merged += 1;
            let main = links
                .iter()
                .find(|l| l["target_key"] == json!(id.to_string()) && l["type_id"] == 2 && l["source_object_id"] == 1)
                .map(|l| tickets[&l["source_key"].as_str().unwrap().parse::<i64>().unwrap()]["tn"].clone());
            assert_eq!(attributes["otrs_merged_into__c"], main.expect("a merge link"), "merged ticket {id}");
        } else {
            assert!(attributes.get("otrs_merged_into__c").is_none(), "ticket {id}: {attributes}");
        }
        let owner = ticket["user_id"].as_i64().unwrap();
        let want_admin = if owner == 1 { "0".to_owned() } else { admin_of(owner).expect("a migrated owner") };
        assert_eq!(conversation["admin_assignee_id"], json!(want_admin), "ticket {id}");
        let login = ticket["customer_user_id"].as_str().unwrap().to_lowercase();
        let email = customers[&login]["email"].as_str().unwrap().trim().to_lowercase();
        assert_eq!(conversation["contacts"], json!([contacts[&email]["id"]]), "ticket {id}");
        // Dynamic fields: dropdown and multiselect as tags, text as attributes.
        let of = |field: i64| values.iter().filter(move |v| v["object_id"] == *id && v["field_id"] == field);
        let mut want_tags: Vec<String> =
            of(4).map(|v| format!("Contract: {}", v["value_text"].as_str().unwrap())).collect();
        want_tags.extend(of(5).map(|v| format!("Product: {}", v["value_text"].as_str().unwrap())));
        if let Some(sla) = ticket["sla_id"].as_i64() {
            want_tags.push(format!("SLA: {}", by_id(db, "sla")[&sla]["name"].as_str().unwrap()));
        }
        let mut got_tags: Vec<String> =
            conversation["tags"].as_array().unwrap().iter().map(|t| tag_names[t.as_str().unwrap()].clone()).collect();
        want_tags.sort();
        got_tags.sort();
        assert_eq!(got_tags, want_tags, "tags of ticket {id}");
        assert_eq!(
            attributes.get("DynamicField_CustomerReference"),
            of(1).next().map(|v| &v["value_text"]),
            "customer reference of ticket {id}"
        );

        // Articles: in time order, customer ones as the contact's replies, agent ones as the
        // teammate's replies or notes, system ones as notes by the owner. When every author
        // is a teammate or the contact, the whole thread is there.
        let mut thread: Vec<&Value> = articles.values().filter(|a| a["ticket_id"] == *id).collect();
        thread.sort_by_key(|a| (unix(&a["create_time"]), a["id"].as_i64()));
        let parts: Vec<&Value> = conversation["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["part_type"] == "comment" || p["part_type"] == "note")
            .collect();
        let landable = thread.iter().all(|a| match a["article_sender_type_id"].as_i64() {
            Some(1) => match a["create_by"].as_i64().unwrap() {
                1 => owner != 1 && admin_of(owner).is_some(),
                agent => admin_of(agent).is_some(),
            },
            Some(2) => owner != 1 && admin_of(owner).is_some(),
            _ => true,
        });
        if !landable {
            assert!(parts.len() <= thread.len(), "ticket {id}");
            continue;
        }
        fully_threaded += 1;
        let reasons: Vec<&Value> = report["objects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["object"] == "part")
            .flat_map(|o| o["reasons"].as_array().unwrap())
            .filter(|r| {
                r["ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| thread.iter().any(|a| i.as_str() == Some(a["id"].to_string().as_str())))
            })
            .collect();
        assert_eq!(parts.len(), thread.len(), "articles of ticket {id}: {reasons:#?}");
        for (part, article) in parts.iter().zip(&thread) {
            let what = format!("article {}", article["id"]);
            assert_eq!(part["created_at"].as_i64(), unix(&article["create_time"]), "{what}");
            match article["article_sender_type_id"].as_i64().unwrap() {
                3 => {
                    assert_eq!(part["author"]["type"], json!("contact"), "{what}");
                    assert_eq!(part["part_type"], json!("comment"), "{what}");
                }
                2 => {
                    assert_eq!(part["author"]["type"], json!("admin"), "{what}");
                    assert_eq!(part["author"]["id"], json!(admin_of(owner).unwrap()), "{what}");
                    assert_eq!(part["part_type"], json!("note"), "{what}");
                }
                _ => {
                    let agent = match article["create_by"].as_i64().unwrap() {
                        1 => owner,
                        agent => agent,
                    };
                    assert_eq!(part["author"]["id"], json!(admin_of(agent).unwrap()), "{what}");
                    let visible = article["is_visible_for_customer"] == json!(1);
                    assert_eq!(part["part_type"], json!(if visible { "comment" } else { "note" }), "{what}");
                }
            }
        }
    }
    eprintln!("{snoozed} snoozed conversations");
    assert!(merged > 0, "merged tickets migrate, closed, naming their main ticket");
    assert!(fully_threaded > conversations.len() / 2, "most threads are complete");

    // --- Services: a collection per top-level service, a draft article per service in its
    // top-level service's collection, with the SLAs it offers.
    let services = by_id(db, "service");
    let slas = by_id(db, "sla");
    let collections: HashMap<String, &Value> =
        dump["collections"].as_array().unwrap().iter().map(|c| (c["name"].as_str().unwrap().to_owned(), c)).collect();
    let tops: Vec<&str> =
        services.values().map(|s| s["name"].as_str().unwrap()).filter(|n| !n.contains("::")).collect();
    assert_eq!(collections.len(), tops.len(), "{:#}", dump["collections"]);
    let articles = dump["articles"].as_array().unwrap();
    assert_eq!(articles.len(), services.len(), "{articles:#?}");
    let pairs = records(&db.dir, "service_sla");
    for service in services.values() {
        let name = service["name"].as_str().unwrap();
        let article = articles.iter().find(|a| a["title"] == json!(name)).unwrap_or_else(|| panic!("article {name}"));
        assert_eq!(article["state"], json!("draft"), "{article}");
        let top = name.split("::").next().unwrap();
        assert_eq!(
            article["parent_id"].to_string().trim_matches('"'),
            collections[top]["id"].as_str().unwrap(),
            "{article}"
        );
        let body = article["body"].as_str().unwrap();
        for pair in pairs.iter().filter(|p| p["service_id"] == service["id"]) {
            let sla = slas[&pair["sla_id"].as_i64().unwrap()]["name"].as_str().unwrap();
            assert!(body.contains(sla), "SLA {sla} in the article of {name}: {body}");
        }
    }

    // --- verify, a second run that changes nothing, rollback.
    let verify = migration.cutover_async(&["verify", "--sample", "1000"]).await;
    assert_eq!(verify.status.code(), Some(0), "{}", show(&verify));
    assert!(String::from_utf8_lossy(&verify.stdout).contains(" 0 with mismatches"), "{}", show(&verify));
    let before = normalize(&sandbox);
    let again = migration.cutover_async(&["run", "--quiet"]).await;
    assert_eq!(again.status.code(), Some(1), "{}", show(&again));
    let after = normalize(&sandbox);
    assert!(differences(&before, &after).is_empty(), "{:?}", differences(&before, &after));
    assert!(outcome(&report, "conversation", "created") > 0);
    let second = migration.report_async().await;
    for object in ["contact", "company", "conversation", "part"] {
        assert_eq!(outcome(&second, object, "created"), 0, "the second run creates no {object}: {second:#}");
    }
    let rollback = migration.cutover_async(&["rollback", "--quiet"]).await;
    assert_eq!(rollback.status.code(), Some(0), "{}", show(&rollback));
    let left = sandbox.dump();
    for kind in ["contacts", "conversations", "articles", "collections"] {
        assert_eq!(left[kind], json!([]), "{kind} left after rollback");
    }
    // Companies are archived: Intercom deletes none through the API.
    assert!(
        left["companies"].as_array().unwrap().iter().all(|c| c["archived"] == json!(true)),
        "{:#}",
        left["companies"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delta_run_appends_an_article_that_did_not_touch_the_ticket() {
    let db = database(Engine::Postgres, 20, 5, ArticleStorage::Db, "UTC").await;
    let sandbox = workspace(&db).await;
    let migration = migration(&db, &sandbox);
    let run = migration.cutover_async(&["run", "--quiet"]).await;
    assert!(matches!(run.status.code(), Some(0 | 1)), "{}", show(&run));
    // A ticket whose thread landed whole gets a customer follow-up, without a change of
    // `ticket.change_time`: OTRS does not bump it for every article insert.
    let dump = sandbox.dump();
    let landed = dump["conversations"].as_array().unwrap().iter().find(|c| {
        let id = c["custom_attributes"]["original_ticket_id__c"].as_i64().unwrap();
        let articles = records(&db.dir, "article").iter().filter(|a| a["ticket_id"] == id).count();
        let parts = c["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["part_type"] == "comment" || p["part_type"] == "note")
            .count();
        articles == parts
    });
    let conversation = landed.expect("a fully migrated conversation");
    let ticket = conversation["custom_attributes"]["original_ticket_id__c"].as_i64().unwrap();
    crate::support::otrs::load(
        Engine::Postgres,
        &db.url,
        &format!(
            "INSERT INTO article (id, ticket_id, article_sender_type_id, communication_channel_id, \
             is_visible_for_customer, search_index_needs_rebuild, create_time, create_by, change_time, change_by) \
             VALUES (900001, {ticket}, 3, 1, 1, 0, '2026-11-30 09:00:00', 1, '2026-11-30 09:00:00', 1);\n\
             INSERT INTO article_data_mime (id, article_id, a_subject, a_body, a_content_type, incoming_time, \
             content_path, create_time, create_by, change_time, change_by) VALUES (900001, 900001, 'Any news?', \
             'Any news on this? Thanks.', 'text/plain', 0, '2026/11/30', '2026-11-30 09:00:00', 1, \
             '2026-11-30 09:00:00', 1);\n"
        ),
    )
    .await;
    let delta = migration.cutover_async(&["run", "--delta", "--quiet"]).await;
    assert!(matches!(delta.status.code(), Some(0 | 1)), "{}", show(&delta));
    let report = migration.report_async().await;
    assert_eq!(outcome(&report, "part", "created"), 1, "{report:#}");
    assert_eq!(outcome(&report, "conversation", "created"), 0, "{report:#}");
    let after = sandbox.dump();
    let thread = after["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["custom_attributes"]["original_ticket_id__c"] == ticket)
        .unwrap();
    let last = thread["parts"].as_array().unwrap().iter().rev().find(|p| p["part_type"] == "comment").unwrap();
    assert!(last["body"].as_str().unwrap().contains("Any news on this? Thanks."), "{last:#}");
    assert_eq!(last["author"]["type"], json!("contact"), "{last:#}");
}
