//! The bundled Odoo spec end to end, row by row: a generated helpdesk served by the Odoo
//! emulator over XML-RPC, a customer spec that `extends:` the bundled one, the real binary
//! migrating into the Intercom sandbox, and every object row of the pair compared with the
//! source data: contacts, conversations, parts, admins, teams, tags and ratings; then verify,
//! report, a second run and rollback.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::{Value, json};

use cutover::run::value::Value as Cell;
use cutover::sandbox::intercom::{Sandbox, SandboxConfig};
use cutover::sandbox::odoo::{EmulatorConfig, OdooEmulator, OdooServer};

use crate::support::migration::{Rehearsal, admin_and_team_ids, duplicates, records, show};

/// The emulated Odoo user's API key.
const KEY: &str = "pair-odoo-key";

/// The generated records of one object as Odoo delivers them over XML-RPC: without the
/// characters XML 1.0 cannot carry (C0 controls but tab, LF, CR).
fn delivered(data: &Path, object: &str) -> Vec<Value> {
    fn clean(value: &mut Value) {
        match value {
            Value::String(text) => text.retain(
                |c| !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}'),
            ),
            Value::Array(items) => items.iter_mut().for_each(clean),
            Value::Object(map) => map.values_mut().for_each(clean),
            _ => {}
        }
    }
    let mut records = records(data, object);
    records.iter_mut().for_each(clean);
    records
}

/// The source records of one object, by id.
fn by_id(data: &Path, object: &str) -> BTreeMap<i64, Value> {
    delivered(data, object).into_iter().map(|r| (r["id"].as_i64().expect("id"), r)).collect()
}

/// What the spec's `normalize_email` makes of a source email.
fn email_key(email: &Value) -> Option<String> {
    let text = email.as_str()?;
    let normalized = cutover::run::builtins::text::normalize_email(&[Cell::text(text)]).ok()?;
    normalized.as_str().map(str::to_owned)
}

/// Unix seconds of an Odoo datetime (`2023-01-20T09:37:10Z`) or date (`2023-01-20`, midnight UTC).
fn unix(value: &Value) -> Option<i64> {
    let text = value.as_str()?;
    if let Ok(time) = text.parse::<jiff::Timestamp>() {
        return Some(time.as_second());
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    Some(jiff::tz::TimeZone::UTC.to_timestamp(date.to_datetime(jiff::civil::Time::midnight())).ok()?.as_second())
}

/// The report as JSON.
async fn report(rehearsal: &Rehearsal) -> Value {
    let output = rehearsal.cutover_with_env(&["report", "--format", "json"], &[("ODOO_API_KEY", KEY)]).await;
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("report is JSON ({e}): {}", show(&output)))
}

fn object<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["objects"]
        .as_array()
        .and_then(|objects| objects.iter().find(|o| o["object"] == name))
        .unwrap_or_else(|| panic!("no `{name}` in the report: {report:#}"))
}

fn outcome(report: &Value, name: &str, outcome: &str) -> i64 {
    object(report, name)["outcomes"][outcome].as_i64().unwrap_or(0)
}

/// The source ids the report lists under an outcome of an object.
fn ids_with(report: &Value, name: &str, wanted: &str) -> Vec<String> {
    object(report, name)["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|group| group["outcome"] == wanted)
        .flat_map(|group| group["ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect()
}

/// Internal users (not portal users, not `__system__`): the people who can be teammates.
fn internal(user: &Value) -> bool {
    user["share"] == json!(false) && user["login"] != json!("__system__")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_of_the_odoo_pair_lands_in_intercom_as_the_source_says() {
    let rehearsal = Rehearsal::new(60, 13);
    let data = rehearsal.data.clone();
    let users = by_id(&data, "res.users");
    let partners = by_id(&data, "res.partner");
    let tickets = by_id(&data, "helpdesk.ticket");
    let stages = by_id(&data, "helpdesk.stage");
    let teams = by_id(&data, "helpdesk.team");
    let tags = by_id(&data, "helpdesk.tag");
    let slas = by_id(&data, "helpdesk.sla");
    let subtypes = by_id(&data, "mail.message.subtype");
    let messages = delivered(&data, "mail.message");
    let ratings = delivered(&data, "rating.rating");
    let assigned = |uid: i64| tickets.values().filter(|t| t["user_id"] == json!(uid)).count();
    // Whether a user is one the spec makes a teammate (internal, a team member or an assignee).
    let needed = |uid: &Value| -> bool {
        let Some(user) = uid.as_i64().and_then(|uid| users.get(&uid)) else { return false };
        internal(user)
            && (tickets.values().any(|t| t["user_id"] == *uid)
                || teams.values().any(|t| t["member_ids"].as_array().unwrap().contains(uid)))
    };

    // The workspace: every internal user with an email is a teammate, archived ones included,
    // except one active assignee, whose tickets must wait for them to be invited.
    let unmatched = users
        .values()
        .filter(|u| internal(u) && u["active"] == json!(true) && u["email"].is_string())
        .filter(|u| assigned(u["id"].as_i64().unwrap()) > 0)
        .map(|u| u["id"].as_i64().unwrap())
        .max()
        .expect("an active assignee");
    let archived = users
        .values()
        .filter(|u| internal(u) && u["active"] == json!(false) && u["email"].is_string())
        .map(|u| u["id"].as_i64().unwrap())
        .find(|&uid| assigned(uid) > 0)
        .expect("an archived assignee");
    let mut admins = vec![("operator@example.com".to_owned(), "Migration Operator".to_owned())];
    for user in users.values().filter(|u| internal(u) && u["id"] != json!(unmatched)) {
        if let (Some(email), Some(name)) = (user["email"].as_str(), user["name"].as_str()) {
            admins.push((email.to_owned(), name.to_owned()));
        }
    }
    let config = SandboxConfig {
        admins,
        teams: teams.values().filter_map(|t| t["name"].as_str().map(str::to_owned)).collect(),
        rate_limit: 100_000,
        window: std::time::Duration::from_secs(1),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let odoo = OdooServer::start(OdooEmulator::new(EmulatorConfig::new(&data, KEY)).unwrap(), 0).await.unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/odoo-helpdesk-to-intercom.yaml");
    let spec = format!(
        "cutover: 1\nextends: {}\nsource:\n  driver: odoo\n  url: {}\n  database: odoo\n  login: admin\n  \
         api_key: \"${{ODOO_API_KEY}}\"\n  batch: 25\nsink:\n  driver: intercom\n  token: \"${{INTERCOM_TOKEN}}\"\n  \
         url: {}\nstate: \"sqlite:state.db\"\n",
        base.display(),
        odoo.base_url(),
        sandbox.base_url(),
    );
    std::fs::write(&rehearsal.spec, spec).unwrap();
    let env = [("ODOO_API_KEY", KEY)];

    let validate = rehearsal.cutover_with_env(&["validate"], &env).await;
    assert_eq!(validate.status.code(), Some(0), "{}", show(&validate));
    let run = rehearsal.cutover_with_env(&["run", "--quiet"], &env).await;
    // 1: the unmatched teammate's tickets wait in the queue.
    assert_eq!(run.status.code(), Some(1), "{}", show(&run));
    assert!(duplicates(&sandbox).is_empty(), "{:?}", duplicates(&sandbox));

    let dump = sandbox.dump();
    let (admin_ids, team_ids) = admin_and_team_ids(&sandbox).await;
    let tag_names: HashMap<String, String> = dump["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap().to_owned(), t["name"].as_str().unwrap().to_owned()))
        .collect();
    let admin_of = |uid: &Value| -> Option<String> {
        let user = users.get(&uid.as_i64()?)?;
        admin_ids.get(&email_key(&user["email"])?).cloned()
    };

    // --- Contacts: one per normalised email, named after the partner; no email is flagged.
    let contacts: HashMap<String, &Value> = dump["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| Some((c["email"].as_str()?.to_owned(), c)))
        .collect();
    let contact_of = |partner: &Value| -> Option<&Value> {
        let partner = partners.get(&partner.as_i64()?)?;
        contacts.get(&email_key(&partner["email"])?).copied()
    };
    let report1 = report(&rehearsal).await;
    assert_eq!(report1["unaccounted"], json!(0), "every record is accounted for: {report1:#}");
    let flagged_contacts = ids_with(&report1, "contact", "flagged");
    for ticket in tickets.values() {
        let Some(pid) = ticket["partner_id"].as_i64() else { continue };
        let Some(partner) = partners.get(&pid) else { continue };
        match email_key(&partner["email"]) {
            Some(email) => {
                let contact = contacts.get(&email).unwrap_or_else(|| panic!("no contact for partner {pid} ({email})"));
                assert_eq!(contact["role"], json!("user"));
                assert!(contact["custom_attributes"]["odoo_partner_id"].is_i64(), "{contact}");
                let same_key: Vec<&Value> =
                    partners.values().filter(|p| email_key(&p["email"]).as_deref() == Some(&email)).collect();
                assert!(same_key.iter().any(|p| p["name"] == contact["name"]), "name of {email}: {contact}");
                let phones: Vec<Value> = same_key
                    .iter()
                    .map(|p| if p["phone"].is_string() { p["phone"].clone() } else { p["mobile"].clone() })
                    .collect();
                assert!(phones.contains(&contact["phone"]), "phone of {email}: {contact}");
            }
            None => assert!(flagged_contacts.contains(&pid.to_string()), "partner {pid} has no email: {report1:#}"),
        }
    }
    assert!(!flagged_contacts.is_empty(), "the generated helpdesk has partners without an email");

    // --- Admins: matched by email, archived users too; the unmatched one queued with advice;
    // portal users, the system user and users no ticket needs never queued.
    let queue = report1["queue"].as_array().unwrap();
    let invite = queue
        .iter()
        .find(|g| g["action"].as_str().unwrap().starts_with("Invite these"))
        .unwrap_or_else(|| panic!("teammates to invite: {report1:#}"));
    assert_eq!(invite["object"], json!("admin"));
    let action = invite["action"].as_str().unwrap();
    assert!(action.contains("(Settings > Teammates) with the email they have in the source"), "{action}");
    let invited: Vec<&str> = invite["items"].as_array().unwrap().iter().map(|i| i.as_str().unwrap()).collect();
    let unmatched_email = users[&unmatched]["email"].as_str().unwrap().to_lowercase();
    assert!(invited.iter().any(|i| i.contains(&unmatched_email)), "{invited:?}");
    for user in users.values() {
        let id = user["id"].as_i64().unwrap();
        let listed = invited.iter().any(|i| i.starts_with(&format!("admin {id}:")));
        let matched = email_key(&user["email"]).is_some_and(|e| admin_ids.contains_key(&e));
        assert_eq!(
            listed,
            needed(&user["id"]) && !matched,
            "user {id} ({}) in the invite list: {invited:?}",
            user["login"]
        );
        if listed && user["email"].is_null() {
            let item = invited.iter().find(|i| i.starts_with(&format!("admin {id}:"))).unwrap();
            assert!(item.contains("fill in the value `match:` reads in the source (a user's email)"), "{item}");
        }
    }
    assert!(
        ids_with(&report1, "admin", "skipped").contains(&"1".to_owned()),
        "the system user is left out: {report1:#}"
    );

    // --- Conversations, one per ticket that could migrate, field by field.
    let conversations: HashMap<i64, &Value> = dump["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["custom_attributes"]["original_ticket_id__c"].as_i64().unwrap(), c))
        .collect();
    let priority = |key: &str| match key {
        "0" => "low",
        "1" => "normal",
        "2" => "high",
        _ => "urgent",
    };
    let mut archived_assigned = 0;
    for (id, ticket) in &tickets {
        let waits_for_teammate = ticket["user_id"] == json!(unmatched)
            || ticket["user_id"].as_i64().is_some_and(|uid| admin_of(&json!(uid)).is_none());
        let customer = contact_of(&ticket["partner_id"]);
        let Some(conversation) = conversations.get(id) else {
            assert!(
                waits_for_teammate || customer.is_none(),
                "ticket {id} has a customer and an assignee but no conversation: {report1:#}"
            );
            continue;
        };
        assert!(!waits_for_teammate, "ticket {id} of an unmatched assignee migrated: {conversation:#}");
        let attributes = &conversation["custom_attributes"];
        assert_eq!(conversation["title"], ticket["name"], "ticket {id}");
        assert_eq!(conversation["contacts"], json!([customer.unwrap()["id"]]), "ticket {id}");
        assert_eq!(conversation["created_at"].as_i64(), unix(&ticket["create_date"]), "ticket {id} backdated");
        assert_eq!(attributes["priority"], json!(priority(ticket["priority"].as_str().unwrap())), "ticket {id}");
        let stage = &stages[&ticket["stage_id"].as_i64().unwrap()];
        let closed = stage["fold"] == json!(true);
        assert_eq!(conversation["state"], json!(if closed { "closed" } else { "open" }), "ticket {id}");
        assert_eq!(attributes["stage_name__c"], stage["name"], "ticket {id}");
        assert_eq!(attributes["stage_sequence__c"], stage["sequence"], "ticket {id}");
        assert_eq!(attributes["sla_violated__c"], ticket["sla_fail"], "ticket {id}");
        let policies: Vec<&str> = ticket["sla_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|sla| slas[&sla.as_i64().unwrap()]["name"].as_str().unwrap())
            .collect();
        let policies = if policies.is_empty() { "(none)".to_owned() } else { policies.join(", ") };
        assert_eq!(attributes["sla_policy_name__c"], json!(policies), "ticket {id}");
        let team = teams[&ticket["team_id"].as_i64().unwrap()]["name"].as_str().unwrap();
        assert_eq!(conversation["team_assignee_id"], json!(team_ids[team]), "ticket {id}");
        match ticket["user_id"].as_i64() {
            Some(uid) => {
                assert_eq!(conversation["admin_assignee_id"], json!(admin_of(&json!(uid)).unwrap()), "ticket {id}");
                assert_eq!(attributes["original_odoo_active__c"], users[&uid]["active"], "ticket {id}");
                if uid == archived {
                    archived_assigned += 1;
                }
            }
            None => {
                assert_eq!(conversation["admin_assignee_id"], json!("0"), "ticket {id}");
                assert!(attributes.get("original_odoo_active__c").is_none(), "ticket {id}");
            }
        }
        // Studio fields, typed.
        assert_eq!(
            attributes.get("x_studio_customer_ref"),
            ticket["x_studio_customer_ref"].as_str().map(|_| &ticket["x_studio_customer_ref"]),
            "ticket {id}"
        );
        assert_eq!(attributes.get("x_studio_escalated"), Some(&ticket["x_studio_escalated"]), "ticket {id}");
        if let Some(hours) = ticket["x_studio_hours_spent"].as_f64() {
            assert_eq!(attributes["x_studio_hours_spent"].as_f64(), Some(hours), "ticket {id}");
        }
        assert_eq!(
            attributes.get("x_studio_due_date").and_then(Value::as_i64),
            unix(&ticket["x_studio_due_date"]),
            "ticket {id}"
        );
        assert!(attributes.get("x_studio_internal_notes").is_none(), "internal notes stay out");
        let contract = match ticket["x_studio_contract_type"].as_str() {
            Some("basic") => "Basic",
            Some("premium") => "Premium",
            Some("enterprise") => "Enterprise",
            _ => "(none)",
        };
        assert_eq!(attributes["contract_type__c"], json!(contract), "ticket {id}");
        // Tags by name.
        let mut want: Vec<&str> = ticket["tag_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| tags[&t.as_i64().unwrap()]["name"].as_str().unwrap())
            .collect();
        let mut got: Vec<&str> =
            conversation["tags"].as_array().unwrap().iter().map(|t| tag_names[t.as_str().unwrap()].as_str()).collect();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "tags of ticket {id}");
    }
    assert!(archived_assigned > 0, "tickets of an archived Odoo user stay assigned to their teammate");
    assert!(conversations.len() > tickets.len() / 2, "most tickets migrate");

    // The internal user of an author partner, when it has one.
    let agent_of = |partner: &Value| -> Option<&Value> {
        let uid = partner["user_ids"].as_array()?.first()?.as_i64()?;
        users.get(&uid).filter(|user| user["share"] == json!(false))
    };
    // --- Parts: the ticket's emails and comments in date order, as notes when internal, by the
    // teammate when an internal user wrote them and by the contact otherwise.
    let mut parts_seen = 0;
    for (id, conversation) in &conversations {
        let mut thread: Vec<&Value> = messages
            .iter()
            .filter(|m| m["model"] == json!("helpdesk.ticket") && m["res_id"] == json!(id))
            .filter(|m| matches!(m["message_type"].as_str(), Some("email" | "comment")))
            .filter(|m| m["author_id"].is_i64())
            .collect();
        thread.sort_by_key(|m| (unix(&m["date"]), m["id"].as_i64()));
        // What lands: messages by a matched teammate or a contact, in order, up to the first one
        // whose author waits in the queue (a teammate to invite, a partner missing in the
        // source), which holds back the rest; messages whose author will not migrate (flagged,
        // not a teammate the spec scopes) fail on their own.
        let mut want: Vec<&Value> = Vec::new();
        for message in thread {
            let Some(author) = partners.get(&message["author_id"].as_i64().unwrap()) else { break };
            let lands = match agent_of(author) {
                Some(user) if admin_of(&user["id"]).is_some() => true,
                Some(user) if needed(&user["id"]) => break,
                Some(_) => false,
                None => contact_of(&message["author_id"]).is_some(),
            };
            if lands {
                want.push(message);
            }
        }
        let got: Vec<&Value> = conversation["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["part_type"] == json!("comment") || p["part_type"] == json!("note"))
            .collect();
        assert_eq!(got.len(), want.len(), "parts of ticket {id}");
        for (part, message) in got.iter().zip(&want) {
            parts_seen += 1;
            assert_eq!(part["created_at"].as_i64(), unix(&message["date"]), "message {}", message["id"]);
            let internal_note = message["subtype_id"]
                .as_i64()
                .and_then(|s| subtypes.get(&s))
                .is_some_and(|s| s["internal"] == json!(true));
            assert_eq!(
                part["part_type"],
                json!(if internal_note { "note" } else { "comment" }),
                "message {}",
                message["id"]
            );
            let author = partners
                .get(&message["author_id"].as_i64().unwrap())
                .unwrap_or_else(|| panic!("message {} migrated with a missing author", message["id"]));
            match agent_of(author) {
                Some(user) => {
                    assert_eq!(part["author"]["type"], json!("admin"), "message {}", message["id"]);
                    assert_eq!(
                        part["author"]["id"],
                        json!(admin_of(&user["id"]).unwrap()),
                        "message {}",
                        message["id"]
                    );
                }
                None => {
                    assert_eq!(part["author"]["type"], json!("contact"), "message {}", message["id"]);
                    let contact = contact_of(&message["author_id"]).expect("the author's contact");
                    assert_eq!(part["author"]["id"], contact["id"], "message {}", message["id"]);
                }
            }
        }
    }
    assert_eq!(parts_seen as i64, outcome(&report1, "part", "created"), "every created part checked");
    assert!(parts_seen > conversations.len(), "conversations have their replies");

    // --- Ratings: a note per answered rating on the customer's contact, with the feedback; the
    // contact keeps the latest rating's value and ticket.
    let answered: Vec<&Value> =
        ratings.iter().filter(|r| r["consumed"] == json!(true) && r["res_model"] == json!("helpdesk.ticket")).collect();
    assert!(answered.len() >= 3, "the generated helpdesk has answered ratings");
    let notes = dump["notes"].as_array().unwrap();
    let mut by_contact: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for rating in &answered {
        let Some(contact) = contact_of(&rating["partner_id"]) else { continue };
        by_contact.entry(contact["id"].as_str().unwrap().to_owned()).or_default().push(rating);
    }
    let mut several = 0;
    for (contact_id, rated) in &mut by_contact {
        let written: Vec<&str> = notes
            .iter()
            .filter(|n| n["contact_id"] == json!(contact_id))
            .map(|n| n["body"].as_str().unwrap())
            .collect();
        assert_eq!(written.len(), rated.len(), "notes of contact {contact_id}: {written:?}");
        for rating in rated.iter() {
            let ticket = format!("Ticket #{}", rating["res_id"]);
            let value = format!("Rating: {}/5", rating["rating"].as_f64().unwrap() as i64);
            let body = written
                .iter()
                .find(|body| body.contains(&ticket))
                .unwrap_or_else(|| panic!("no note for rating {}: {written:?}", rating["id"]));
            assert!(body.contains(&value), "{body}");
            if let Some(feedback) = rating["feedback"].as_str() {
                let escaped = feedback.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                assert!(body.contains(&escaped), "feedback of rating {}: {body}", rating["id"]);
            }
        }
        // One partner's ratings are written oldest first (partners merged into one contact by
        // email are written side by side, so only their own order holds).
        rated.sort_by_key(|r| (unix(&r["create_date"]), r["id"].as_i64()));
        let latest = rated.last().unwrap();
        let contact = dump["contacts"].as_array().unwrap().iter().find(|c| c["id"] == json!(contact_id)).unwrap();
        let attributes = &contact["custom_attributes"];
        assert!(attributes["odoo_partner_id"].is_i64(), "the contact keeps its own attributes: {contact}");
        if rated.iter().all(|r| r["partner_id"] == latest["partner_id"]) {
            assert_eq!(attributes["rating_value__c"].as_f64(), latest["rating"].as_f64(), "{contact}");
            assert_eq!(attributes["original_ticket_id__c"], latest["res_id"], "{contact}");
            several += usize::from(rated.len() > 1);
        } else {
            assert!(rated.iter().any(|r| r["res_id"] == attributes["original_ticket_id__c"]), "{contact}");
        }
    }
    assert_eq!(notes.len(), by_contact.values().map(Vec::len).sum::<usize>(), "no note without a rating");
    // Children are read by their parents, and then those of no parent read: every rating of a
    // ticket has a ledger row, also one whose customer is gone from the source (Odoo reads the
    // link as empty), skipped with the reason.
    let rating_row = object(&report1, "rating");
    assert_eq!(rating_row["recorded"].as_i64(), Some(ratings.len() as i64), "every rating has a ledger row");
    let orphaned: Vec<i64> = ratings
        .iter()
        .filter(|r| r["consumed"] == json!(true))
        .filter(|r| !r["partner_id"].as_i64().is_some_and(|p| partners.contains_key(&p)))
        .filter_map(|r| r["id"].as_i64())
        .collect();
    let reasons = rating_row["reasons"].to_string();
    for id in &orphaned {
        assert!(reasons.contains(&format!("\"{id}\"")) && reasons.contains("has no contact"), "{reasons}");
    }
    assert_eq!(outcome(&report1, "rating", "created"), notes.len() as i64);

    eprintln!(
        "odoo pair: {} contacts, {} conversations of {} tickets, {parts_seen} parts, {} rating notes ({several} \
         contacts rated more than once), {} teammates to invite",
        contacts.len(),
        conversations.len(),
        tickets.len(),
        notes.len(),
        invited.len()
    );

    // --- Verify: everything sampled matches; earlier notes of a contact say their attributes
    // were superseded rather than reporting a mismatch.
    let verify = rehearsal.cutover_with_env(&["verify", "--sample", "1000"], &env).await;
    assert_eq!(verify.status.code(), Some(0), "{}", show(&verify));
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(text.contains(" 0 with mismatches"), "{text}");
    assert!(text.contains("rating "), "ratings are verified: {text}");
    if several > 0 {
        assert!(text.contains("its contact's attributes are not, the later rating"), "{text}");
    }

    // --- A second run writes nothing new and leaves the contacts' rating attributes.
    let before = sandbox.dump();
    let again = rehearsal.cutover_with_env(&["run", "--quiet"], &env).await;
    assert_eq!(again.status.code(), Some(1), "{}", show(&again));
    let after = sandbox.dump();
    assert_eq!(after["notes"], before["notes"], "no note twice");
    assert_eq!(after["contacts"], before["contacts"], "contacts unchanged, rating attributes kept");
    let report2 = report(&rehearsal).await;
    assert_eq!(report2["unaccounted"], json!(0), "{report2:#}");
    assert_eq!(outcome(&report2, "rating", "unchanged"), notes.len() as i64, "{report2:#}");

    // --- Rollback: the notes cannot be deleted on their own; they go with their contacts.
    let rollback = rehearsal.cutover_with_env(&["rollback", "--quiet"], &env).await;
    assert_eq!(rollback.status.code(), Some(0), "{}", show(&rollback));
    let text = String::from_utf8_lossy(&rollback.stdout);
    assert!(text.contains(&format!(" {} rating", notes.len())), "{text}");
    // Also the notes of partners merged into another partner's contact (same email); and the
    // attributes our notes set are not taken for a person's edit of the contact.
    assert!(!text.contains("cannot be deleted through the API"), "{text}");
    assert!(!text.contains("edited in the destination"), "{text}");
    let left = sandbox.dump();
    for kind in ["contacts", "conversations", "notes"] {
        assert_eq!(left[kind], json!([]), "{kind} left after rollback: {text}");
    }

    odoo.shutdown().await;
    sandbox.shutdown().await;
}
