//! The runner's `Destination` contract: `IntercomDestination` against the sandbox over real HTTP
//! (create, find, complete, verify, updated_at and delete per kind, help center collections and
//! articles included; unclear creates settled to exactly one record under lost responses and
//! timeouts; matched vs created contacts; custom attributes prepared; custom object instances and
//! the types a workspace lacks), and `FileDestination` for dry runs.

use std::time::Duration;

use serde_json::{Value, json};

use cutover::check::NewAttribute;
use cutover::check::schema::FieldType;
use cutover::drivers::intercom::operations::{
    ArticleDraft, ArticleUpdate, CollectionDraft, ContactFields, ContactRole, ConversationUpdate, CustomObjectFields,
    DataAttributeDraft, DataAttributeType,
};
use cutover::drivers::intercom::{
    Client, ClientConfig, Endpoint, IntercomDestination, IntercomSink, RetryPolicy, Token,
};
use cutover::drivers::{Deletion, Destination, FileDestination, Outgoing, WriteError, WriteMode};
use cutover::sandbox::intercom::{FaultConfig, FaultKind, Sandbox, SandboxConfig};
use cutover::span::Span;

fn config_for(sandbox: &Sandbox, timeout: Duration) -> ClientConfig {
    ClientConfig {
        retry: RetryPolicy { retries: 3, base: Duration::from_millis(20), cap: Duration::from_millis(200), seed: 7 },
        timeout,
        ..ClientConfig::new(Endpoint::Url(sandbox.base_url()), Token::new("sandbox-token"))
    }
}

async fn start_with(config: SandboxConfig, timeout: Duration) -> (Sandbox, IntercomDestination) {
    let sandbox = Sandbox::start(config).await.unwrap();
    let destination = IntercomDestination::connect(config_for(&sandbox, timeout))
        .await
        .unwrap()
        .with_search_patience(5, Duration::from_millis(10));
    (sandbox, destination)
}

async fn start() -> (Sandbox, IntercomDestination) {
    let config = SandboxConfig { teams: vec!["Support".into(), "Billing".into()], ..SandboxConfig::default() };
    start_with(config, Duration::from_secs(5)).await
}

fn client(destination: &IntercomDestination) -> &Client {
    destination.sink().client()
}

fn record(kind: &str, fields: Value, parent: Option<&str>) -> Outgoing {
    let Value::Object(fields) = fields else { panic!("fields must be an object") };
    Outgoing { kind: kind.into(), fields, parent: parent.map(str::to_owned) }
}

fn reference(kind: &str, id: &str) -> Value {
    json!({"kind": kind, "id": id})
}

fn attribute(kind: &str, name: &str, field_type: FieldType) -> NewAttribute {
    NewAttribute { kind: kind.into(), name: name.into(), field_type, options: Vec::new(), span: Span::detached() }
}

fn ann() -> Outgoing {
    record(
        "contact",
        json!({"role": "user", "email": "ann@example.com", "external_id": "src-ann", "name": "Ann",
               "signed_up_at": "2020-09-13T12:26:40Z", "tags": ["vip"]}),
        None,
    )
}

fn dumped(sandbox: &Sandbox, what: &str) -> Vec<Value> {
    sandbox.dump()[what].as_array().cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Contacts

#[tokio::test]
async fn a_contact_is_created_found_verified_updated_and_deleted() {
    let (sandbox, destination) = start().await;
    let company = destination.create(&record("company", json!({"company_id": "acme", "name": "Acme"}), None)).await;
    let company = company.unwrap().id;
    let mut contact = ann();
    contact.fields.insert("companies".into(), json!([reference("company", &company)]));
    let written = destination.create(&contact).await.unwrap();
    assert!(!written.existed);
    let contacts = dumped(&sandbox, "contacts");
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["signed_up_at"], json!(1_600_000_000), "{contacts:?}");
    assert_eq!(destination.find(&contact).await.unwrap(), Some(written.id.clone()));
    assert_eq!(destination.verify(&written.id, &contact).await.unwrap(), []);
    // The written change time is the contact's after our last write (the company attachment).
    let updated_at = destination.updated_at("contact", &written.id, None).await.unwrap();
    assert_eq!(updated_at, written.updated_at);

    // Someone renames her in Intercom: verify tells, the change time moves, complete puts it back.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let rename = ContactFields { name: Some("Ann Smith".into()), ..ContactFields::default() };
    client(&destination).update_contact(&written.id, &rename).await.unwrap();
    let mismatches = destination.verify(&written.id, &contact).await.unwrap();
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    assert_eq!((mismatches[0].field.as_str(), &mismatches[0].actual), ("name", &json!("Ann Smith")));
    let edited = destination.updated_at("contact", &written.id, None).await.unwrap().unwrap();
    assert!(edited > written.updated_at.unwrap(), "{edited} after {:?}", written.updated_at);
    let completed = destination.complete(&written.id, &contact).await.unwrap();
    assert_eq!(completed.id, written.id);
    assert_eq!(destination.verify(&written.id, &contact).await.unwrap(), []);

    assert_eq!(destination.delete("contact", &written.id, None).await.unwrap(), Deletion::Deleted);
    assert_eq!(destination.delete("contact", &written.id, None).await.unwrap(), Deletion::AlreadyGone);
    let gone = destination.verify(&written.id, &contact).await.unwrap();
    assert_eq!((gone.len(), gone[0].field.as_str(), &gone[0].actual), (1, "id", &Value::Null));
    assert!(matches!(destination.updated_at("contact", &written.id, None).await, Err(WriteError::Rejected(_))));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_contact_that_was_there_is_matched_and_left_alone() {
    let (sandbox, destination) = start().await;
    let existing = ContactFields {
        role: Some(ContactRole::User),
        email: Some("ann@example.com".into()),
        name: Some("Ann from the CRM".into()),
        ..ContactFields::default()
    };
    let existing = client(&destination).create_contact(&existing).await.unwrap().id;
    let written = destination.create(&ann()).await.unwrap();
    assert_eq!((written.id.as_str(), written.existed), (existing.as_str(), true));
    let contacts = dumped(&sandbox, "contacts");
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["name"], json!("Ann from the CRM"), "a matched contact is not overwritten");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_conflict_caused_by_our_own_retried_create_is_not_existed() {
    let (sandbox, destination) = start().await;
    // The first attempt is applied and its response lost; the retry gets a 409 naming it.
    sandbox.fail_next_writes(FaultKind::LostResponse, 1);
    let written = destination.create(&ann()).await.unwrap();
    assert!(!written.existed, "the contact is ours: rollback may delete it");
    let statuses: Vec<u16> = sandbox
        .requests()
        .iter()
        .filter(|request| request.method == "POST" && request.path == "/contacts")
        .map(|request| request.status)
        .collect();
    assert_eq!(statuses, [200, 409]);
    let contacts = dumped(&sandbox, "contacts");
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["id"], json!(written.id));
    // The follow-up (the tag) was applied to it all the same.
    assert_eq!(destination.verify(&written.id, &ann()).await.unwrap(), []);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unclear_lead_create_is_found_despite_search_lag() {
    let config = SandboxConfig { search_lag: 3, ..SandboxConfig::default() };
    let (sandbox, destination) = start_with(config, Duration::from_secs(5)).await;
    let lead = record("contact", json!({"role": "lead", "email": "visitor@example.com", "name": "Visitor"}), None);
    sandbox.fail_next_writes(FaultKind::LostResponse, 1);
    let error = destination.create(&lead).await.unwrap_err();
    assert!(matches!(error, WriteError::Ambiguous(_)), "{error:?}");
    let contacts = dumped(&sandbox, "contacts");
    assert_eq!(contacts.len(), 1, "applied once, not sent again");
    // The first searches do not see it yet; find keeps looking instead of answering None.
    assert_eq!(destination.find(&lead).await.unwrap(), contacts[0]["id"].as_str().map(str::to_owned));
    let searches = sandbox.requests().iter().filter(|request| request.path == "/contacts/search").count();
    assert!(searches > 1, "found only by searching again ({searches} searches)");
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Conversations and parts

/// A contact and the conversation record of the tests, with its attribute prepared.
async fn conversation_setup(destination: &IntercomDestination) -> (String, Outgoing) {
    let prepared = destination.prepare_attributes(&[attribute("conversation", "due", FieldType::Datetime)]).await;
    assert_eq!(prepared.unwrap(), ["due"]);
    let contact = destination.create(&ann()).await.unwrap().id;
    let me = destination.sink().me().id.clone();
    let team = destination.sink().team_by_name("Billing").unwrap().id.clone();
    let conversation = record(
        "conversation",
        json!({
            "from": reference("contact", &contact),
            "body": "My printer is on fire",
            "created_at": "2020-09-13T12:26:40Z",
            "title": "Printer fire",
            "state": "closed",
            "admin_assignee": reference("admin", &me),
            "team_assignee": reference("team", &team),
            "tags": ["Fire", "hardware"],
            "custom_attributes.due": "2020-09-14T12:26:40Z",
        }),
        None,
    );
    (contact, conversation)
}

#[tokio::test]
async fn a_conversation_is_created_with_its_follow_ups_verified_and_completed() {
    let (sandbox, destination) = start().await;
    let (_, conversation) = conversation_setup(&destination).await;
    let written = destination.create(&conversation).await.unwrap();
    let conversations = dumped(&sandbox, "conversations");
    assert_eq!(conversations.len(), 1);
    let dumped_conversation = &conversations[0];
    assert_eq!(dumped_conversation["title"], json!("Printer fire"));
    assert_eq!(dumped_conversation["state"], json!("closed"));
    assert_eq!(dumped_conversation["created_at"], json!(1_600_000_000));
    assert_eq!(dumped_conversation["custom_attributes"]["due"], json!(1_600_086_400));
    assert_eq!(destination.verify(&written.id, &conversation).await.unwrap(), []);
    let updated_at = destination.updated_at("conversation", &written.id, None).await.unwrap();
    assert!(updated_at.is_some());
    assert_eq!(updated_at, written.updated_at, "the written time is the one after our last write");
    assert_eq!(destination.find(&conversation).await.unwrap(), Some(written.id.clone()));

    // An agent retitles it and reopens it: verify tells, and the change time moves on.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let update = ConversationUpdate { title: Some("Printer".into()), ..ConversationUpdate::default() };
    client(&destination).update_conversation(&written.id, &update).await.unwrap();
    let me = destination.sink().me().id.clone();
    client(&destination).open_conversation(&written.id, &me).await.unwrap();
    let mismatches: Vec<String> = destination
        .verify(&written.id, &conversation)
        .await
        .unwrap()
        .into_iter()
        .map(|mismatch| format!("{}: {} != {}", mismatch.field, mismatch.expected, mismatch.actual))
        .collect();
    assert_eq!(mismatches, ["title: \"Printer fire\" != \"Printer\"", "state: \"closed\" != \"open\""]);
    let edited = destination.updated_at("conversation", &written.id, None).await.unwrap();
    assert!(edited > written.updated_at, "{edited:?} after {:?}", written.updated_at);
    let completed = destination.complete(&written.id, &conversation).await.unwrap();
    assert_eq!(destination.verify(&written.id, &conversation).await.unwrap(), []);
    assert_eq!(destination.updated_at("conversation", &written.id, None).await.unwrap(), completed.updated_at);

    assert_eq!(destination.delete("conversation", &written.id, None).await.unwrap(), Deletion::Deleted);
    assert_eq!(destination.delete("conversation", &written.id, None).await.unwrap(), Deletion::AlreadyGone);
    assert_eq!(dumped(&sandbox, "conversations"), Vec::<Value>::new());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_failed_follow_up_is_incomplete_and_complete_finishes_it_once() {
    let (sandbox, destination) = start().await;
    let (contact, _) = conversation_setup(&destination).await;
    // `priority` does not exist yet: the PUT after the create is refused.
    let conversation = record(
        "conversation",
        json!({"from": reference("contact", &contact), "body": "Help", "created_at": "2020-09-13T12:26:40Z",
               "state": "closed", "tags": ["billing"], "custom_attributes.priority": "high"}),
        None,
    );
    let error = destination.create(&conversation).await.unwrap_err();
    let WriteError::Incomplete { id, message } = &error else { panic!("{error:?}") };
    assert!(message.contains("priority"), "{message}");
    assert_eq!(dumped(&sandbox, "conversations")[0]["state"], json!("open"), "not finished yet");

    destination.prepare_attributes(&[attribute("conversation", "priority", FieldType::Text)]).await.unwrap();
    destination.complete(id, &conversation).await.unwrap();
    let conversations = dumped(&sandbox, "conversations");
    assert_eq!(conversations.len(), 1, "finished, not created again");
    assert_eq!(conversations[0]["state"], json!("closed"));
    assert_eq!(conversations[0]["custom_attributes"]["priority"], json!("high"));
    assert_eq!(destination.verify(id, &conversation).await.unwrap(), []);
    // complete is idempotent: a second call adds nothing to the timeline.
    let parts = conversations[0]["parts"].as_array().unwrap().len();
    destination.complete(id, &conversation).await.unwrap();
    assert_eq!(dumped(&sandbox, "conversations")[0]["parts"].as_array().unwrap().len(), parts);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unclear_conversation_create_settles_to_exactly_one_conversation() {
    for fault in [FaultKind::LostResponse, FaultKind::Timeout] {
        let config = SandboxConfig {
            faults: FaultConfig { hold: Duration::from_millis(800), ..FaultConfig::default() },
            ..SandboxConfig::default()
        };
        let (sandbox, destination) = start_with(config, Duration::from_millis(300)).await;
        let contact = destination.create(&ann()).await.unwrap().id;
        let conversation = record(
            "conversation",
            json!({"from": reference("contact", &contact), "body": "Hello there", "created_at": "2020-09-13T12:26:40Z"}),
            None,
        );
        sandbox.fail_next_writes(fault, 1);
        let error = destination.create(&conversation).await.unwrap_err();
        assert!(matches!(error, WriteError::Ambiguous(_)), "{fault:?}: {error:?}");
        // The runner settles it: found, so it is not created again.
        let found = destination.find(&conversation).await.unwrap();
        let conversations = dumped(&sandbox, "conversations");
        assert_eq!(conversations.len(), 1, "{fault:?}");
        assert_eq!(found.as_deref(), conversations[0]["id"].as_str(), "{fault:?}");
        // A conversation that was never created is not found.
        let other = record(
            "conversation",
            json!({"from": reference("contact", &contact), "body": "Never sent", "created_at": "2020-09-13T12:26:40Z"}),
            None,
        );
        assert_eq!(destination.find(&other).await.unwrap(), None);
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn parts_are_replies_in_order_found_after_an_unclear_reply_and_never_deleted_alone() {
    let (sandbox, destination) = start().await;
    let (contact, conversation) = conversation_setup(&destination).await;
    let id = destination.create(&conversation).await.unwrap().id;
    let me = destination.sink().me().id.clone();
    let parts = [
        record(
            "conversation_part",
            json!({"author": reference("contact", &contact), "body": "Still burning", "created_at": "2020-09-13T12:30:00Z"}),
            Some(&id),
        ),
        record(
            "conversation_part",
            json!({"author": reference("admin", &me), "body": "<p>Use water &amp; run</p>", "kind": "comment",
                   "created_at": "2020-09-13T12:31:00Z"}),
            Some(&id),
        ),
        record(
            "conversation_part",
            json!({"author": reference("admin", &me), "body": "escalate", "kind": "note",
                   "created_at": "2020-09-13T12:32:00Z"}),
            Some(&id),
        ),
    ];
    let mut ids = Vec::new();
    for part in &parts {
        let written = destination.create(part).await.unwrap();
        assert_eq!(destination.verify(&written.id, part).await.unwrap(), []);
        ids.push(written.id);
    }
    let dumped_parts = dumped(&sandbox, "conversations")[0]["parts"].as_array().unwrap().clone();
    let replies: Vec<(&str, &str)> = dumped_parts
        .iter()
        .filter(|part| part["created_at"].is_i64())
        .map(|part| (part["id"].as_str().unwrap(), part["part_type"].as_str().unwrap()))
        .collect();
    let expected: Vec<(&str, &str)> = ids.iter().map(String::as_str).zip(["comment", "comment", "note"]).collect();
    assert_eq!(replies, expected, "in the order written, with their kinds");

    // An unclear reply is settled by the parent's parts, and only that one matches.
    let unclear = record(
        "conversation_part",
        json!({"author": reference("admin", &me), "body": "On my way", "created_at": "2020-09-13T12:40:00Z"}),
        Some(&id),
    );
    sandbox.fail_next_writes(FaultKind::LostResponse, 1);
    assert!(matches!(destination.create(&unclear).await, Err(WriteError::Ambiguous(_))));
    let found = destination.find(&unclear).await.unwrap().expect("the reply was applied");
    assert!(!ids.contains(&found));
    assert_eq!(destination.verify(&found, &unclear).await.unwrap(), []);
    assert_eq!(destination.find(&parts[1]).await.unwrap().as_ref(), Some(&ids[1]));

    let capability = destination.capability("conversation_part");
    assert!(!capability.updatable);
    assert!(capability.deletable.unwrap_err().contains("deleted with its conversation"));
    let deletion = destination.delete("conversation_part", &ids[0], Some(&id)).await.unwrap();
    assert!(matches!(deletion, Deletion::Impossible(reason) if reason.contains("with its conversation")));
    // A contact cannot write a note: refused before anything is sent.
    let note_by_contact = record(
        "conversation_part",
        json!({"author": reference("contact", &contact), "body": "x", "kind": "note"}),
        Some(&id),
    );
    assert!(matches!(destination.create(&note_by_contact).await, Err(WriteError::Rejected(_))));
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Companies, tags, notes, matches

#[tokio::test]
async fn companies_are_upserted_once_and_a_second_create_matches() {
    let (sandbox, destination) = start().await;
    destination.prepare_attributes(&[attribute("company", "founded", FieldType::Date)]).await.unwrap();
    let company = record(
        "company",
        json!({"company_id": "acme", "name": "Acme", "size": 40, "remote_created_at": "2017-07-14T02:40:00Z",
               "custom_attributes.founded": "2001-02-03"}),
        None,
    );
    let written = destination.create(&company).await.unwrap();
    assert!(!written.existed);
    assert_eq!(destination.find(&company).await.unwrap(), Some(written.id.clone()));
    assert_eq!(destination.verify(&written.id, &company).await.unwrap(), []);
    assert_eq!(destination.updated_at("company", &written.id, None).await.unwrap(), written.updated_at);
    let again = destination.create(&company).await.unwrap();
    assert_eq!((again.id.as_str(), again.existed), (written.id.as_str(), true));
    assert_eq!(dumped(&sandbox, "companies").len(), 1);

    let mut renamed = company.clone();
    renamed.fields.insert("name".into(), json!("Acme Corp"));
    let mismatches = destination.verify(&written.id, &renamed).await.unwrap();
    assert_eq!(mismatches.len(), 1);
    assert_eq!((mismatches[0].field.as_str(), &mismatches[0].actual), ("name", &json!("Acme")));
    destination.complete(&written.id, &renamed).await.unwrap();
    assert_eq!(destination.verify(&written.id, &renamed).await.unwrap(), []);
    assert_eq!(destination.delete("company", &written.id, None).await.unwrap(), Deletion::Deleted);
    assert_eq!(destination.delete("company", &written.id, None).await.unwrap(), Deletion::AlreadyGone);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tags_notes_admins_and_teams() {
    let (sandbox, destination) = start().await;
    let tag = destination.create(&record("tag", json!({"name": "Migrated"}), None)).await.unwrap();
    assert!(!tag.existed);
    let same = destination.create(&record("tag", json!({"name": "migrated"}), None)).await.unwrap();
    assert_eq!((same.id.as_str(), same.existed), (tag.id.as_str(), true), "tag names are case-insensitive");
    assert_eq!(
        destination.find(&record("tag", json!({"name": "MIGRATED"}), None)).await.unwrap(),
        Some(tag.id.clone())
    );
    assert_eq!(destination.verify(&tag.id, &record("tag", json!({"name": "migrated"}), None)).await.unwrap(), []);
    assert_eq!(destination.delete("tag", &tag.id, None).await.unwrap(), Deletion::Deleted);
    assert_eq!(destination.delete("tag", &tag.id, None).await.unwrap(), Deletion::AlreadyGone);

    let contact = destination.create(&ann()).await.unwrap().id;
    let me = destination.sink().me().id.clone();
    let note = record(
        "note",
        json!({"contact": reference("contact", &contact), "body": "<p>Prefers email</p>", "author": reference("admin", &me)}),
        None,
    );
    sandbox.fail_next_writes(FaultKind::LostResponse, 1);
    assert!(matches!(destination.create(&note).await, Err(WriteError::Ambiguous(_))));
    let found = destination.find(&note).await.unwrap().expect("the note was applied");
    assert_eq!(dumped(&sandbox, "notes").len(), 1);
    assert_eq!(destination.verify(&found, &note).await.unwrap(), []);
    let other = record("note", json!({"contact": reference("contact", &contact), "body": "Never written"}), None);
    assert_eq!(destination.find(&other).await.unwrap(), None);
    assert!(matches!(destination.delete("note", &found, None).await.unwrap(), Deletion::Impossible(_)));

    assert_eq!(destination.capability("admin").mode, WriteMode::Match);
    assert_eq!(destination.match_existing("admin", &json!(" Operator@Example.com ")).await.unwrap(), Some(me));
    assert_eq!(destination.match_existing("admin", &json!("nobody@example.com")).await.unwrap(), None);
    let billing = destination.sink().team_by_name("Billing").unwrap().id.clone();
    assert_eq!(destination.match_existing("team", &json!("Billing")).await.unwrap(), Some(billing));
    assert_eq!(destination.match_existing("team", &json!("billing")).await.unwrap(), None, "exact names");
    for kind in ["ticket", "ticket_part"] {
        assert!(matches!(destination.capability(kind).mode, WriteMode::Unsupported(_)), "{kind}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn attributes_are_created_once_and_a_type_conflict_stops_the_run() {
    let (sandbox, destination) = start().await;
    let wanted = [
        attribute("contact", "plan", FieldType::Text),
        attribute("contact", "last_order", FieldType::Datetime),
        attribute("conversation", "ticket_id", FieldType::Int),
        attribute("company", "region", FieldType::Text),
    ];
    assert_eq!(destination.prepare_attributes(&wanted).await.unwrap(), ["plan", "last_order", "ticket_id", "region"]);
    assert_eq!(destination.prepare_attributes(&wanted).await.unwrap(), Vec::<String>::new(), "already there");
    let types: Vec<(String, String)> = dumped(&sandbox, "data_attributes")
        .iter()
        .map(|a| (a["name"].as_str().unwrap().to_owned(), a["data_type"].as_str().unwrap().to_owned()))
        .collect();
    assert!(types.contains(&("last_order".into(), "datetime".into())), "{types:?}");
    let region = dumped(&sandbox, "data_attributes").into_iter().find(|a| a["name"] == "region").unwrap();
    assert_eq!((&region["model"], &region["data_type"]), (&json!("company"), &json!("string")));
    // A company then carries it, and verify reads it back.
    let acme =
        record("company", json!({"company_id": "acme", "name": "Acme", "custom_attributes.region": "EMEA"}), None);
    let acme_id = destination.create(&acme).await.unwrap().id;
    assert_eq!(dumped(&sandbox, "companies")[0]["custom_attributes"], json!({"region": "EMEA"}));
    assert_eq!(destination.verify(&acme_id, &acme).await.unwrap(), []);

    let draft = DataAttributeDraft {
        name: "score".into(),
        model: cutover::drivers::intercom::operations::AttributeModel::Contact,
        data_type: DataAttributeType::String,
        description: None,
        options: Vec::new(),
    };
    // A fresh destination, so the attribute list is read again.
    client(&destination).create_data_attribute(&draft).await.unwrap();
    let fresh = IntercomDestination::new(IntercomSink::connect(client(&destination).clone()).await.unwrap());
    let error = fresh.prepare_attributes(&[attribute("contact", "score", FieldType::Int)]).await.unwrap_err();
    let WriteError::Fatal(message) = &error else { panic!("{error:?}") };
    assert!(message.contains("`score`") && message.contains("`string`") && message.contains("`integer`"), "{message}");
    let error = fresh.prepare_attributes(&[attribute("conversation", "tier", FieldType::Enum)]).await.unwrap_err();
    assert!(matches!(&error, WriteError::Fatal(message) if message.contains("options")), "{error:?}");
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Help center

fn collection(name: &str, parent: Option<&str>) -> Outgoing {
    let mut fields = json!({"name": name});
    if let Some(parent) = parent {
        fields["parent"] = reference("help_center_collection", parent);
    }
    record("help_center_collection", fields, None)
}

fn article(title: &str, body: &str, parent: &str) -> Outgoing {
    record(
        "article",
        json!({"title": title, "body": body, "parent": reference("help_center_collection", parent)}),
        None,
    )
}

fn puts(sandbox: &Sandbox) -> usize {
    sandbox.requests().iter().filter(|request| request.method == "PUT").count()
}

#[tokio::test]
async fn collections_sections_and_articles_are_written_verified_completed_and_rolled_back() {
    let config = SandboxConfig {
        admins: vec![
            ("operator@example.com".into(), "Sandbox Operator".into()),
            ("writer@example.com".into(), "Writer".into()),
        ],
        ..SandboxConfig::default()
    };
    let (sandbox, destination) = start_with(config, Duration::from_secs(5)).await;
    for kind in ["help_center_collection", "article"] {
        let capability = destination.capability(kind);
        assert_eq!((capability.mode, capability.updatable, capability.deletable), (WriteMode::Create, true, Ok(())));
    }
    let me = destination.sink().me().id.clone();
    let writer = destination.match_existing("admin", &json!("writer@example.com")).await.unwrap().unwrap();
    let mut guides = collection("Guides", None);
    guides.fields.insert("description".into(), json!("How-tos"));
    let guides_written = destination.create(&guides).await.unwrap();
    let guides_id = guides_written.id.clone();
    let printers = collection("Printers", Some(&guides_id));
    let printers_id = destination.create(&printers).await.unwrap().id;
    // No author mapped: the token's own teammate writes it.
    let mut fire = article("Fire safety", "<p>Use water &amp; run</p>", &printers_id);
    fire.fields.insert("description".into(), json!("What to do"));
    fire.fields.insert("state".into(), json!("published"));
    let fire_written = destination.create(&fire).await.unwrap();
    let fire_id = fire_written.id.clone();
    // An author mapped: that teammate.
    let mut scan = article("Scanning", "Press the button", &guides_id);
    scan.fields.insert("author".into(), reference("admin", &writer));
    let scan_id = destination.create(&scan).await.unwrap().id;

    let articles = dumped(&sandbox, "articles");
    let by_id = |id: &str| articles.iter().find(|a| a["id"] == json!(id)).cloned().unwrap();
    let number = |id: &str| json!(id.parse::<u64>().unwrap());
    assert_eq!(
        (&by_id(&fire_id)["author_id"], &by_id(&fire_id)["parent_id"], &by_id(&fire_id)["parent_type"]),
        (&number(&me), &number(&printers_id), &json!("section")),
    );
    assert_eq!((&by_id(&fire_id)["state"], &by_id(&scan_id)["state"]), (&json!("published"), &json!("draft")));
    assert_eq!(
        (&by_id(&scan_id)["author_id"], &by_id(&scan_id)["parent_type"]),
        (&number(&writer), &json!("collection"))
    );
    let collections = dumped(&sandbox, "collections");
    assert_eq!(collections[1]["parent_id"], json!(guides_id), "{collections:?}");

    // Read back and found by listing (after a restart: this destination never hands an id it
    // tied to one record to another lookup).
    let restarted = IntercomDestination::connect(config_for(&sandbox, Duration::from_secs(5))).await.unwrap();
    for (kind, id, written) in [
        ("help_center_collection", &guides_id, &guides),
        ("help_center_collection", &printers_id, &printers),
        ("article", &fire_id, &fire),
        ("article", &scan_id, &scan),
    ] {
        assert_eq!(destination.verify(id, written).await.unwrap(), [], "{kind} {id}");
        assert_eq!(restarted.find(written).await.unwrap().as_ref(), Some(id), "{kind} {id}");
        assert_eq!(destination.find(written).await.unwrap(), None, "{kind} {id} is already tied to a record");
        assert!(destination.updated_at(kind, id, None).await.unwrap().is_some(), "{kind} {id}");
    }
    assert_eq!(destination.updated_at("article", &fire_id, None).await.unwrap(), fire_written.updated_at);

    // Someone retitles and unpublishes the article: verify tells, the change time moves, and
    // complete puts it back with one PUT, then sends nothing more.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let edit = ArticleUpdate { title: Some("Fire".into()), published: Some(false), ..ArticleUpdate::default() };
    client(&destination).update_article(&fire_id, &edit).await.unwrap();
    let mismatches: Vec<String> = destination
        .verify(&fire_id, &fire)
        .await
        .unwrap()
        .into_iter()
        .map(|mismatch| format!("{}: {} != {}", mismatch.field, mismatch.expected, mismatch.actual))
        .collect();
    assert_eq!(mismatches, ["title: \"Fire safety\" != \"Fire\"", "state: \"published\" != \"draft\""]);
    let edited = destination.updated_at("article", &fire_id, None).await.unwrap();
    assert!(edited > fire_written.updated_at, "{edited:?} after {:?}", fire_written.updated_at);
    let before = puts(&sandbox);
    destination.complete(&fire_id, &fire).await.unwrap();
    assert_eq!(puts(&sandbox), before + 1);
    assert_eq!(destination.verify(&fire_id, &fire).await.unwrap(), []);
    destination.complete(&fire_id, &fire).await.unwrap();
    assert_eq!(puts(&sandbox), before + 1, "nothing differs: nothing sent");

    // The mapping changes: the article moves to the collection, the section is renamed.
    let mut moved = fire.clone();
    moved.fields.insert("parent".into(), reference("help_center_collection", &guides_id));
    let completed = destination.complete(&fire_id, &moved).await.unwrap();
    assert_eq!(destination.verify(&fire_id, &moved).await.unwrap(), []);
    assert_eq!(destination.updated_at("article", &fire_id, None).await.unwrap(), completed.updated_at);
    assert_eq!(dumped(&sandbox, "articles")[0]["parent_type"], json!("collection"));
    let renamed = collection("Printers & scanners", Some(&guides_id));
    assert_eq!(destination.verify(&printers_id, &renamed).await.unwrap()[0].field, "name");
    destination.complete(&printers_id, &renamed).await.unwrap();
    assert_eq!(destination.verify(&printers_id, &renamed).await.unwrap(), []);

    // Rollback goes newest first. A collection still holding something is not deleted.
    let error = destination.delete("help_center_collection", &guides_id, None).await.unwrap_err();
    assert!(matches!(&error, WriteError::Rejected(message) if message.contains("still holds")), "{error:?}");
    assert_eq!(dumped(&sandbox, "collections").len(), 2);
    for (kind, id) in [
        ("article", &scan_id),
        ("article", &fire_id),
        ("help_center_collection", &printers_id),
        ("help_center_collection", &guides_id),
    ] {
        assert_eq!(destination.delete(kind, id, None).await.unwrap(), Deletion::Deleted, "{kind} {id}");
        assert_eq!(destination.delete(kind, id, None).await.unwrap(), Deletion::AlreadyGone, "{kind} {id}");
        assert!(matches!(destination.updated_at(kind, id, None).await, Err(WriteError::Rejected(_))), "{kind}");
    }
    assert_eq!((dumped(&sandbox, "articles").len(), dumped(&sandbox, "collections").len()), (0, 0));
    let gone = destination.verify(&fire_id, &fire).await.unwrap();
    assert_eq!((gone.len(), gone[0].field.as_str()), (1, "id"));
    assert!(matches!(destination.complete(&guides_id, &guides).await, Err(WriteError::Rejected(_))));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unclear_collection_or_article_create_settles_to_exactly_one() {
    for fault in [FaultKind::LostResponse, FaultKind::Timeout] {
        let config = SandboxConfig {
            faults: FaultConfig { hold: Duration::from_millis(800), ..FaultConfig::default() },
            ..SandboxConfig::default()
        };
        let (sandbox, destination) = start_with(config, Duration::from_millis(300)).await;
        let guides = destination.create(&collection("Guides", None)).await.unwrap().id;
        // Someone else's top-level "FAQ": not the section the unclear create makes.
        let theirs = CollectionDraft { name: "FAQ".into(), description: None, parent_id: None };
        let theirs = client(&destination).create_collection(&theirs).await.unwrap().id;
        let faq = collection("FAQ", Some(&guides));
        sandbox.fail_next_writes(fault, 1);
        let error = destination.create(&faq).await.unwrap_err();
        assert!(matches!(error, WriteError::Ambiguous(_)), "{fault:?}: {error:?}");
        let found = destination.find(&faq).await.unwrap().expect("the create was applied");
        let collections = dumped(&sandbox, "collections");
        assert_eq!(collections.len(), 3, "{fault:?}: applied once, not sent again");
        assert_ne!(found, theirs);
        assert_eq!(collections.iter().find(|c| c["id"] == json!(found)).unwrap()["parent_id"], json!(guides));

        // Someone else's article with the same title in the same section, another body.
        let me = destination.sink().me().id.clone();
        let old = ArticleDraft {
            title: "Reset".into(),
            author_id: me,
            description: None,
            body: Some("<p>The old way</p>".into()),
            published: true,
            collection_id: Some(found.clone()),
            in_section: true,
        };
        let old = client(&destination).create_article(&old).await.unwrap().id;
        let reset = article("Reset", "The new way", &found);
        sandbox.fail_next_writes(fault, 1);
        assert!(matches!(destination.create(&reset).await, Err(WriteError::Ambiguous(_))), "{fault:?}");
        let ours = destination.find(&reset).await.unwrap().expect("the create was applied");
        assert_ne!(ours, old);
        assert_eq!(destination.verify(&ours, &reset).await.unwrap(), []);
        assert_eq!(dumped(&sandbox, "articles").len(), 2, "{fault:?}");
        // A second record just like it: its unclear create is not settled to the first one.
        sandbox.fail_next_writes(fault, 1);
        assert!(matches!(destination.create(&reset).await, Err(WriteError::Ambiguous(_))), "{fault:?}");
        let twin = destination.find(&reset).await.unwrap().expect("the create was applied");
        assert!(twin != ours && twin != old, "{fault:?}");
        // After a restart nothing tells the twins apart: refused rather than guessed.
        let fresh = IntercomDestination::connect(config_for(&sandbox, Duration::from_secs(5))).await.unwrap();
        let error = fresh.find(&reset).await.unwrap_err();
        assert!(matches!(&error, WriteError::Rejected(message) if message.contains("cannot be settled")), "{error:?}");
        // Never created: not found.
        assert_eq!(destination.find(&article("Never sent", "x", &found)).await.unwrap(), None);
        assert_eq!(destination.find(&collection("FAQ", Some(&theirs))).await.unwrap(), None);
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn help_center_records_that_cannot_work_are_refused_before_sending() {
    let (sandbox, destination) = start().await;
    let guides = destination.create(&collection("Guides", None)).await.unwrap().id;
    let sent = sandbox.requests().len();
    let cases = [
        (record("help_center_collection", json!({"description": "no name"}), None), "`name`"),
        (
            record(
                "article",
                json!({"body": "no title", "parent": reference("help_center_collection", &guides)}),
                None,
            ),
            "`title`",
        ),
        (record("article", json!({"title": "T", "state": "archived"}), None), "`state`"),
        (record("article", json!({"title": "T", "author": reference("contact", "abc")}), None), "`author`"),
        (record("article", json!({"title": "T", "parent": reference("company", "1")}), None), "`parent`"),
    ];
    for (outgoing, field) in &cases {
        let error = destination.create(outgoing).await.unwrap_err();
        assert!(matches!(&error, WriteError::Rejected(message) if message.contains(field)), "{field}: {error:?}");
    }
    assert_eq!(sandbox.requests().len(), sent, "nothing was sent");
    // A parent collection deleted since it was written: found out by reading it (a fresh
    // destination), or refused by Intercom (this one remembers the collection).
    client(&destination).delete_collection(&guides).await.unwrap();
    let fresh = IntercomDestination::connect(config_for(&sandbox, Duration::from_secs(5))).await.unwrap();
    let error = fresh.create(&article("T", "x", &guides)).await.unwrap_err();
    assert!(matches!(&error, WriteError::Rejected(message) if message.contains("does not exist")), "{error:?}");
    let error = destination.create(&article("T", "x", &guides)).await.unwrap_err();
    assert!(matches!(&error, WriteError::Rejected(message) if message.contains(&guides)), "{error:?}");
    assert!(dumped(&sandbox, "articles").is_empty());
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Dry run

// ---------------------------------------------------------------------------------------------
// Custom object instances

fn change(external_id: &str, status: &str) -> Outgoing {
    record(
        "custom_object_instance",
        json!({"type": "Change", "external_id": external_id, "external_created_at": "2024-03-01T09:00:00Z",
               "custom_attributes.number": external_id, "custom_attributes.status": status,
               "custom_attributes.priority": 2}),
        None,
    )
}

async fn start_with_types(types: &[&str], timeout: Duration) -> (Sandbox, IntercomDestination) {
    let config = SandboxConfig {
        custom_object_types: types.iter().map(|t| (*t).to_owned()).collect(),
        faults: FaultConfig { hold: Duration::from_millis(800), ..FaultConfig::default() },
        ..SandboxConfig::default()
    };
    start_with(config, timeout).await
}

#[tokio::test]
async fn custom_object_instances_are_upserted_verified_updated_and_rolled_back() {
    let (sandbox, destination) = start_with_types(&["Change", "Asset"], Duration::from_secs(5)).await;
    assert_eq!(destination.capability("custom_object_instance").mode, WriteMode::Create);
    let first = change("CH-1", "open");
    let written = destination.create(&first).await.unwrap();
    assert_eq!((written.id.as_str(), written.existed), ("Change:CH-1", false));
    let stored = dumped(&sandbox, "custom_object_instances");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["type"], json!("Change"));
    assert_eq!(stored[0]["external_created_at"], json!(1_709_283_600));
    // Values go as text, numbers too: the API takes strings only.
    assert_eq!(stored[0]["custom_attributes"], json!({"number": "CH-1", "status": "open", "priority": "2"}));
    assert_eq!(destination.verify(&written.id, &first).await.unwrap(), []);
    assert_eq!(destination.find(&first).await.unwrap().as_deref(), Some("Change:CH-1"));
    assert!(destination.updated_at("custom_object_instance", &written.id, None).await.unwrap().is_some());

    // An asset and its parent: the parent's external id in an attribute.
    let parent = record(
        "custom_object_instance",
        json!({"type": "Asset", "external_id": "A-1", "custom_attributes.name": "Rack"}),
        None,
    );
    let child = record(
        "custom_object_instance",
        json!({"type": "Asset", "external_id": "A-2", "custom_attributes.name": "Server",
               "custom_attributes.parent_external_id": "A-1"}),
        None,
    );
    let parent_id = destination.create(&parent).await.unwrap().id;
    let child_id = destination.create(&child).await.unwrap().id;
    assert_eq!((parent_id.as_str(), child_id.as_str()), ("Asset:A-1", "Asset:A-2"));
    // The same external id in another type is another instance.
    let other_type = record("custom_object_instance", json!({"type": "Asset", "external_id": "CH-1"}), None);
    assert_eq!(destination.create(&other_type).await.unwrap().id, "Asset:CH-1");
    assert_eq!(dumped(&sandbox, "custom_object_instances").len(), 4);

    // Someone changes the status in Intercom: verify names the field.
    let edited = CustomObjectFields {
        external_id: "CH-1".into(),
        custom_attributes: json!({"status": "closed"}).as_object().cloned().unwrap(),
        ..CustomObjectFields::default()
    };
    client(&destination).upsert_custom_object("Change", &edited).await.unwrap();
    let mismatches = destination.verify(&written.id, &first).await.unwrap();
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    assert_eq!(mismatches[0].field, "custom_attributes.status");
    assert_eq!((&mismatches[0].expected, &mismatches[0].actual), (&json!("open"), &json!("closed")));

    // The source changed: complete brings the instance to the record, in place.
    let resolved = change("CH-1", "resolved");
    let updated = destination.complete(&written.id, &resolved).await.unwrap();
    assert_eq!(updated.id, written.id);
    assert_eq!(destination.verify(&written.id, &resolved).await.unwrap(), []);
    assert_eq!(dumped(&sandbox, "custom_object_instances").len(), 4, "updated, not added");
    // The key cannot change under an id: verify shows it, complete refuses it.
    let renumbered = change("CH-9", "resolved");
    let mismatches = destination.verify(&written.id, &renumbered).await.unwrap();
    assert_eq!(
        mismatches.iter().map(|m| m.field.as_str()).collect::<Vec<_>>(),
        ["external_id", "custom_attributes.number"]
    );
    let error = destination.complete(&written.id, &renumbered).await.unwrap_err();
    assert!(matches!(&error, WriteError::Rejected(message) if message.contains("Change:CH-9")), "{error:?}");

    // One that was there before is matched, left as it was, and never deleted by rollback.
    let theirs = CustomObjectFields { external_id: "CH-7".into(), ..CustomObjectFields::default() };
    client(&destination).upsert_custom_object("Change", &theirs).await.unwrap();
    let matched = destination.create(&change("CH-7", "open")).await.unwrap();
    assert!(matched.existed);

    // Rollback, newest first.
    for id in ["Asset:CH-1", &child_id, &parent_id, &written.id] {
        assert_eq!(destination.delete("custom_object_instance", id, None).await.unwrap(), Deletion::Deleted, "{id}");
    }
    assert_eq!(destination.delete("custom_object_instance", &written.id, None).await.unwrap(), Deletion::AlreadyGone);
    let left = dumped(&sandbox, "custom_object_instances");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["external_id"], json!("CH-7"));
    let gone = destination.verify(&written.id, &resolved).await.unwrap();
    assert_eq!((gone.len(), gone[0].field.as_str()), (1, "id"));
    assert!(matches!(destination.complete(&written.id, &resolved).await, Err(WriteError::Rejected(_))));
    assert!(destination.updated_at("custom_object_instance", &written.id, None).await.is_err());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unclear_custom_object_write_settles_without_a_duplicate() {
    for fault in [FaultKind::LostResponse, FaultKind::Timeout] {
        let (sandbox, destination) = start_with_types(&["Change"], Duration::from_millis(300)).await;
        let record = change("CH-1", "open");
        // One lost answer: the upsert is sent again and lands on the same instance.
        sandbox.fail_next_writes(fault, 1);
        let written = destination.create(&record).await.unwrap();
        assert!(!written.existed, "{fault:?}: our own first attempt is not someone else's instance");
        assert_eq!(dumped(&sandbox, "custom_object_instances").len(), 1, "{fault:?}");

        // No attempt answered: unknown, settled by reading the external id back.
        let next = change("CH-2", "open");
        sandbox.fail_next_writes(fault, 4);
        let error = destination.create(&next).await.unwrap_err();
        assert!(matches!(error, WriteError::Ambiguous(_)), "{fault:?}: {error:?}");
        assert_eq!(destination.find(&next).await.unwrap().as_deref(), Some("Change:CH-2"), "{fault:?}");
        assert_eq!(dumped(&sandbox, "custom_object_instances").len(), 2, "{fault:?}: applied once");
        assert_eq!(destination.verify("Change:CH-2", &next).await.unwrap(), [], "{fault:?}");
        // Never sent: not found.
        assert_eq!(destination.find(&change("CH-3", "open")).await.unwrap(), None);
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn custom_object_types_the_workspace_lacks_are_named_before_anything_is_written() {
    let (sandbox, destination) = start_with_types(&["Change"], Duration::from_secs(5)).await;
    let types = ["Change".to_owned(), "Asset".to_owned(), "Reservation".to_owned()];
    assert_eq!(destination.missing_object_types(&types).await.unwrap(), ["Asset", "Reservation"]);
    assert!(sandbox.requests().iter().all(|request| request.method == "GET"), "a probe writes nothing");
    // An instance of a missing type anyway: refused with what to do.
    let asset = record("custom_object_instance", json!({"type": "Asset", "external_id": "A-1"}), None);
    let error = destination.create(&asset).await.unwrap_err();
    assert!(
        matches!(&error, WriteError::Rejected(message)
            if message.contains("custom object type `Asset` does not exist") && message.contains("settings")),
        "{error:?}"
    );
    // Records that cannot work are refused before sending.
    let no_type = record("custom_object_instance", json!({"external_id": "X-1"}), None);
    let error = destination.create(&no_type).await.unwrap_err();
    assert!(matches!(&error, WriteError::Rejected(message) if message.contains("`type`")), "{error:?}");
    let no_key = record("custom_object_instance", json!({"type": "Change"}), None);
    let error = destination.create(&no_key).await.unwrap_err();
    assert!(matches!(&error, WriteError::Rejected(message) if message.contains("`external_id`")), "{error:?}");
    assert!(dumped(&sandbox, "custom_object_instances").is_empty());
    // A custom object type's attributes are not created by the schema phase.
    let attributes = [attribute("custom_object_instance", "status", FieldType::Text)];
    assert_eq!(destination.prepare_attributes(&attributes).await.unwrap(), Vec::<String>::new());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_dry_run_writes_lines_and_knows_only_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let destination =
        FileDestination::create(dir.path()).unwrap().with_known(&["Ops@Example.com".into()], &["Support".into()]);
    let first = destination.create(&ann()).await.unwrap();
    let mut bob = ann();
    bob.fields.insert("email".into(), json!("bob@example.com"));
    let second = destination.create(&bob).await.unwrap();
    assert_eq!((first.id.as_str(), second.id.as_str()), ("dry-contact-1", "dry-contact-2"));
    let part = record("conversation_part", json!({"body": "hi"}), Some("dry-conversation-1"));
    assert_eq!(destination.create(&part).await.unwrap().id, "dry-conversation_part-1");
    destination.complete(&first.id, &bob).await.unwrap();
    let text = std::fs::read_to_string(dir.path().join("contact.ndjson")).unwrap();
    let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["action"], json!("create"));
    assert_eq!(lines[0]["fields"]["email"], json!("ann@example.com"));
    assert_eq!((&lines[2]["action"], &lines[2]["id"]), (&json!("update"), &json!("dry-contact-1")));
    let text = std::fs::read_to_string(dir.path().join("conversation_part.ndjson")).unwrap();
    assert!(text.contains("\"parent\":\"dry-conversation-1\""), "{text}");

    assert_eq!(destination.find(&ann()).await.unwrap(), None);
    assert_eq!(destination.verify(&second.id, &bob).await.unwrap(), []);
    assert_eq!(destination.verify(&second.id, &ann()).await.unwrap()[0].field, "email");
    assert_eq!(destination.verify("dry-contact-9", &ann()).await.unwrap()[0].field, "id");
    assert_eq!(destination.updated_at("contact", &first.id, None).await.unwrap(), None);
    assert_eq!(
        destination.match_existing("admin", &json!("ops@example.com")).await.unwrap().as_deref(),
        Some("dry-admin:ops@example.com")
    );
    assert_eq!(destination.match_existing("team", &json!("Sales")).await.unwrap(), None);
    let open = FileDestination::create(dir.path()).unwrap();
    assert_eq!(open.match_existing("team", &json!("Sales")).await.unwrap().as_deref(), Some("dry-team:Sales"));
    assert_eq!(destination.delete("contact", &first.id, None).await.unwrap(), Deletion::Deleted);
}

#[tokio::test]
async fn unknown_ids_and_rejected_records_say_what_is_wrong() {
    let (sandbox, destination) = start().await;
    let bad =
        record("conversation", json!({"from": reference("contact", "nope"), "body": "x", "created_at": "soon"}), None);
    let error = destination.create(&bad).await.unwrap_err();
    assert!(matches!(&error, WriteError::Rejected(message) if message.contains("`created_at`")), "{error:?}");
    let orphan =
        record("conversation", json!({"from": reference("contact", "000000000000000000000000"), "body": "x"}), None);
    let error = destination.create(&orphan).await.unwrap_err();
    assert!(matches!(&error, WriteError::Rejected(message) if message.contains("does not exist")), "{error:?}");
    assert!(dumped(&sandbox, "conversations").is_empty());
    sandbox.shutdown().await;
}
