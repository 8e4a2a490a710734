//! The Intercom sink client against the sandbox over real HTTP: every operation end to end with
//! the sandbox's state compared, the retry and ambiguity rules under injected faults, the pacer
//! under a small rate limit, and secrets kept out of debug output and errors.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use cutover::check::schema::FieldType;
use cutover::drivers::intercom::operations::{
    ArticleDraft, ArticleUpdate, Assignee, AttachmentFile, AttributeDraft, AttributeModel, CollectionDraft,
    CompanyFields, ContactFields, ContactRole, ConversationAttributeType, ConversationUpdate, CustomObjectFields,
    DataAttributeDraft, DataAttributeType, NewConversation, NewTicket, Reply, ReplyAuthor, ReplyKind, TicketTypeDraft,
    TicketUpdate,
};
use cutover::drivers::intercom::{
    Client, ClientConfig, Endpoint, IntercomSink, Operation, PacerConfig, RetryPolicy, SinkError, TicketTarget, Token,
    Transient,
};
use cutover::sandbox::intercom::{FaultConfig, FaultKind, RecordedRequest, Sandbox, SandboxConfig};

const TOKEN: &str = "sandbox-token";

/// Retries fast enough for tests.
fn quick_retries(retries: u32) -> RetryPolicy {
    RetryPolicy { retries, base: Duration::from_millis(20), cap: Duration::from_millis(200), seed: 7 }
}

fn config_for(sandbox: &Sandbox, token: &str) -> ClientConfig {
    ClientConfig {
        retry: quick_retries(3),
        timeout: Duration::from_secs(5),
        ..ClientConfig::new(Endpoint::Url(sandbox.base_url()), Token::new(token))
    }
}

fn client_for(sandbox: &Sandbox) -> Client {
    Client::new(config_for(sandbox, TOKEN)).unwrap()
}

async fn start() -> (Sandbox, Client) {
    start_with(SandboxConfig::default()).await
}

async fn start_with(config: SandboxConfig) -> (Sandbox, Client) {
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = client_for(&sandbox);
    (sandbox, client)
}

/// Every key of `expected` has the same value in `actual`, recursively; lists must have the same
/// length. Extra keys in `actual` are fine, so the sandbox may dump more than a test cares about.
#[track_caller]
fn assert_subset(actual: &Value, expected: &Value) {
    fn check(actual: &Value, expected: &Value, path: &str) -> Result<(), String> {
        match (actual, expected) {
            (Value::Object(actual), Value::Object(expected)) => {
                for (key, value) in expected {
                    let at = format!("{path}.{key}");
                    check(actual.get(key).unwrap_or(&Value::Null), value, &at)?;
                }
                Ok(())
            }
            (Value::Array(actual), Value::Array(expected)) if actual.len() == expected.len() => {
                for (index, (actual, expected)) in actual.iter().zip(expected).enumerate() {
                    check(actual, expected, &format!("{path}[{index}]"))?;
                }
                Ok(())
            }
            _ if actual == expected => Ok(()),
            _ => Err(format!("at {path}: expected {expected}, found {actual}")),
        }
    }
    if let Err(message) = check(actual, expected, "$") {
        panic!("{message}\nwhole value: {}", serde_json::to_string_pretty(actual).unwrap());
    }
}

/// The requests the sandbox received for `method path`.
fn requests_to(sandbox: &Sandbox, method: &str, path: &str) -> Vec<RecordedRequest> {
    sandbox.requests().into_iter().filter(|request| request.method == method && request.path == path).collect()
}

fn statuses(requests: &[RecordedRequest]) -> Vec<u16> {
    requests.iter().map(|request| request.status).collect()
}

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// A user with an email and an external id; `plan` is a contact data attribute created here.
async fn user(client: &Client, name: &str) -> String {
    let fields = ContactFields {
        role: Some(ContactRole::User),
        email: Some(format!("{name}@example.com")),
        external_id: Some(format!("src-{name}")),
        name: Some(name.to_owned()),
        ..ContactFields::default()
    };
    client.create_contact(&fields).await.unwrap().id
}

fn new_conversation(contact_id: &str, body: &str, created_at: i64) -> NewConversation {
    NewConversation {
        contact_id: contact_id.to_owned(),
        contact_role: ContactRole::User,
        body: body.to_owned(),
        created_at: Some(created_at),
        attachment_urls: Vec::new(),
    }
}

fn admin_reply(admin_id: &str, kind: ReplyKind, body: &str, created_at: i64) -> Reply {
    Reply {
        author: ReplyAuthor::Admin(admin_id.to_owned()),
        kind,
        body: body.to_owned(),
        created_at: Some(created_at),
        attachment_urls: Vec::new(),
        attachment_files: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Operations end to end

#[tokio::test]
async fn workspace_lookups_index_admins_by_email_and_teams_by_name() {
    let config = SandboxConfig {
        admins: vec![("Ops@Example.com".into(), "Ops".into()), ("ann@example.com".into(), "Ann".into())],
        teams: vec!["Support".into(), "Billing".into()],
        ..SandboxConfig::default()
    };
    let (sandbox, client) = start_with(config).await;
    let me = client.me().await.unwrap();
    assert_eq!(me.email.as_deref(), Some("Ops@Example.com"));
    assert!(me.app.as_ref().and_then(|app| app.region.as_deref()).is_some(), "{me:?}");

    let admins = client.list_admins().await.unwrap();
    assert_eq!(admins.len(), 2);
    let teams = client.list_teams().await.unwrap();
    assert_eq!(teams.iter().map(|team| team.name.as_str()).collect::<Vec<_>>(), ["Support", "Billing"]);

    let sink = IntercomSink::connect(client.clone()).await.unwrap();
    assert_eq!(sink.me().id, me.id);
    assert_eq!(sink.admin_by_email(" ops@EXAMPLE.com").map(|admin| admin.id.as_str()), Some(me.id.as_str()));
    assert_eq!(sink.admin_by_email("ANN@example.com").and_then(|admin| admin.name.as_deref()), Some("Ann"));
    assert!(sink.admin_by_email("nobody@example.com").is_none());
    assert_eq!(sink.team_by_name("Billing").map(|team| team.id.as_str()), Some(teams[1].id.as_str()));

    // Tags: created once, then served from the cache whatever the case.
    let vip = sink.tag("VIP").await.unwrap();
    assert_eq!(sink.tag("vip").await.unwrap(), vip);
    assert_eq!(client.request_counts().get(Operation::FindOrCreateTag), 1);
    assert_subset(&sandbox.dump()["tags"], &json!([{"id": vip.id, "name": "VIP"}]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn contacts_end_to_end() {
    let (sandbox, client) = start().await;
    let plan = DataAttributeDraft {
        name: "plan".into(),
        model: AttributeModel::Contact,
        data_type: DataAttributeType::from_lock(FieldType::Text).unwrap(),
        description: Some("Support plan".into()),
        options: Vec::new(),
    };
    client.create_data_attribute(&plan).await.unwrap();

    let fields = ContactFields {
        role: Some(ContactRole::User),
        external_id: Some("src-1".into()),
        email: Some("ann@example.com".into()),
        name: Some("Ann".into()),
        phone: Some("+49 30 1234".into()),
        signed_up_at: Some(1_600_000_000),
        custom_attributes: map(json!({"plan": "gold"})),
        ..ContactFields::default()
    };
    let ann = client.create_contact(&fields).await.unwrap();
    assert_eq!(ann.email.as_deref(), Some("ann@example.com"));

    let found = client.find_contact_by_external_id("src-1").await.unwrap().unwrap();
    assert_eq!(found.id, ann.id);
    assert_eq!(client.find_contact_by_external_id("src-404").await.unwrap(), None);
    assert_eq!(client.search_contacts_by_email("ANN@example.com").await.unwrap()[0].id, ann.id);
    assert_eq!(client.search_contacts_by_external_id("src-1").await.unwrap()[0].id, ann.id);
    assert_eq!(client.search_contacts_by_attribute("plan", "gold").await.unwrap()[0].id, ann.id);
    assert!(client.search_contacts_by_attribute("plan", "silver").await.unwrap().is_empty());

    let update = ContactFields { name: Some("Ann Smith".into()), ..ContactFields::default() };
    assert_eq!(client.update_contact(&ann.id, &update).await.unwrap().name.as_deref(), Some("Ann Smith"));

    let me = client.me().await.unwrap();
    let note = client.add_contact_note(&ann.id, "<p>Prefers email</p>", Some(&me.id)).await.unwrap();
    let tag = client.find_or_create_tag("migrated").await.unwrap();
    client.tag_contact(&ann.id, &tag.id).await.unwrap();
    let company = client
        .upsert_company(&CompanyFields {
            company_id: "acme".into(),
            name: Some("Acme".into()),
            ..CompanyFields::default()
        })
        .await
        .unwrap();
    client.attach_company(&ann.id, &company.id).await.unwrap();

    let bob = user(&client, "bob").await;
    client.archive_contact(&bob).await.unwrap();
    // A lead has no unique key, so its create is not safe to repeat.
    let lead =
        ContactFields { role: Some(ContactRole::Lead), name: Some("Visitor".into()), ..ContactFields::default() };
    let visitor = client.create_contact(&lead).await.unwrap().id;
    assert_eq!(client.request_counts().get(Operation::CreateContactUnkeyed), 1);

    let dump = sandbox.dump();
    let mut contacts = vec![
        json!({
            "id": ann.id, "role": "user", "external_id": "src-1", "email": "ann@example.com", "name": "Ann Smith",
            "phone": "+49 30 1234", "signed_up_at": 1_600_000_000, "custom_attributes": {"plan": "gold"},
            "tags": [tag.id], "companies": [company.id], "archived": false,
        }),
        json!({"id": bob, "role": "user", "email": "bob@example.com", "external_id": "src-bob", "archived": true}),
        json!({"id": visitor, "role": "lead", "name": "Visitor", "email": null, "external_id": null}),
    ];
    contacts.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    assert_subset(&dump["contacts"], &json!(contacts));
    assert_subset(&dump["notes"], &json!([{"id": note, "contact_id": ann.id, "body": "<p>Prefers email</p>"}]));
    assert_subset(
        &dump["data_attributes"],
        &json!([{"model": "contact", "name": "plan", "data_type": "string", "description": "Support plan"}]),
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_duplicate_user_is_a_conflict_with_the_existing_id() {
    let (sandbox, client) = start().await;
    let ann = user(&client, "ann").await;
    let again = ContactFields { email: Some("ann@example.com".into()), ..ContactFields::default() };
    let error = client.create_contact(&again).await.unwrap_err();
    let SinkError::Conflict { existing_id, .. } = &error else { panic!("{error:?}") };
    assert_eq!(existing_id, &ann);
    assert_eq!(error.status(), Some(409));
    assert_eq!(statuses(&requests_to(&sandbox, "POST", "/contacts")), [200, 409], "a conflict is not retried");
    assert_eq!(sandbox.dump()["contacts"].as_array().unwrap().len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn deleting_a_contact_is_refused_while_it_has_conversations_the_run_did_not_create() {
    let (sandbox, client) = start().await;
    let ann = user(&client, "ann").await;
    let ours = client.create_conversation(&new_conversation(&ann, "Printer broken", 1_600_000_000)).await.unwrap();
    let theirs = client.create_conversation(&new_conversation(&ann, "Live chat", 1_700_000_000)).await.unwrap();

    let owned = HashSet::from([ours.conversation_id.clone()]);
    let error = client.delete_contact(&ann, &owned).await.unwrap_err();
    let SinkError::Refused { reason, .. } = &error else { panic!("{error:?}") };
    assert!(reason.contains(&theirs.conversation_id), "{reason}");
    assert!(requests_to(&sandbox, "DELETE", &format!("/contacts/{ann}")).is_empty(), "nothing was deleted");
    assert_eq!(sandbox.dump()["contacts"].as_array().unwrap().len(), 1);

    let owned = HashSet::from([ours.conversation_id.clone(), theirs.conversation_id.clone()]);
    assert!(client.delete_contact(&ann, &owned).await.unwrap());
    assert!(!client.delete_contact(&ann, &owned).await.unwrap(), "already gone");
    let dump = sandbox.dump();
    assert_eq!(dump["contacts"], json!([]));
    assert_subset(&dump["deleted"]["contacts"], &json!([ann]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn companies_upsert_by_company_id() {
    let (sandbox, client) = start().await;
    let fields = CompanyFields {
        company_id: "acme".into(),
        name: Some("Acme".into()),
        plan: Some("pro".into()),
        size: Some(40),
        website: Some("https://acme.example".into()),
        industry: Some("Tools".into()),
        monthly_spend: Some(990),
        remote_created_at: Some(1_500_000_000),
        ..CompanyFields::default()
    };
    let first = client.upsert_company(&fields).await.unwrap();
    let second = client.upsert_company(&CompanyFields { size: Some(41), ..fields.clone() }).await.unwrap();
    assert_eq!(first.id, second.id, "the same company_id updates");
    assert_eq!(client.find_company("acme").await.unwrap().map(|company| company.id), Some(first.id.clone()));
    assert_eq!(client.find_company("nope").await.unwrap(), None);
    assert_subset(
        &sandbox.dump()["companies"],
        &json!([{"id": first.id, "company_id": "acme", "name": "Acme", "plan": "pro", "size": 41,
                 "website": "https://acme.example", "industry": "Tools", "monthly_spend": 990,
                 "remote_created_at": 1_500_000_000, "archived": false}]),
    );
    assert!(client.delete_company(&first.id).await.unwrap());
    assert_subset(&sandbox.dump()["companies"], &json!([{"id": first.id, "archived": true}]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn data_and_conversation_attributes_use_the_lock_type_mapping() {
    let (sandbox, client) = start().await;
    let tier = DataAttributeDraft {
        name: "tier".into(),
        model: AttributeModel::Company,
        data_type: DataAttributeType::from_lock(FieldType::Enum).unwrap(),
        description: None,
        options: vec!["bronze".into(), "gold".into()],
    };
    let created = client.create_data_attribute(&tier).await.unwrap();
    // Created as `options`, read back as Intercom describes it: a string with its options.
    assert_eq!(created.data_type.as_deref(), Some("string"));
    assert_eq!(created.options, ["bronze", "gold"]);
    let listed = client.list_data_attributes(AttributeModel::Company).await.unwrap();
    assert!(listed.iter().any(|attribute| attribute.name == "tier" && attribute.custom), "{listed:?}");
    // An options attribute with one option is refused before sending.
    let error = client.create_data_attribute(&DataAttributeDraft { options: vec!["x".into()], ..tier }).await;
    assert!(matches!(error, Err(SinkError::Refused { .. })), "{error:?}");

    let priority = AttributeDraft {
        name: "priority".into(),
        data_type: ConversationAttributeType::from_lock(FieldType::Enum).unwrap(),
        description: Some("Helpdesk priority".into()),
        options: vec!["low".into(), "high".into()],
    };
    let priority = client.create_conversation_attribute(&priority).await.unwrap();
    let score = AttributeDraft {
        name: "score".into(),
        data_type: ConversationAttributeType::from_lock(FieldType::Float).unwrap(),
        description: None,
        options: Vec::new(),
    };
    let score = client.create_conversation_attribute(&score).await.unwrap();
    assert_eq!(score.data_type.as_deref(), Some("decimal"));
    let listed = client.list_conversation_attributes().await.unwrap();
    assert_eq!(listed.iter().map(|attribute| attribute.name.as_str()).collect::<Vec<_>>(), ["priority", "score"]);
    assert!(client.archive_conversation_attribute(&score.id).await.unwrap());

    let dump = sandbox.dump();
    assert_subset(
        &dump["data_attributes"],
        &json!([{"model": "company", "name": "tier", "data_type": "options",
                                                    "options": ["bronze", "gold"]}]),
    );
    assert_subset(
        &dump["conversation_attributes"],
        &json!([
            {"id": priority.id.parse::<u64>().unwrap(), "name": "priority", "data_type": "list",
             "options": [{"label": "low"}, {"label": "high"}], "archived": false},
            {"name": "score", "data_type": "decimal", "archived": true},
        ]),
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tags_are_found_or_created_case_insensitively() {
    let (sandbox, client) = start().await;
    let billing = client.find_or_create_tag("Billing").await.unwrap();
    assert_eq!(client.find_or_create_tag("billing").await.unwrap().id, billing.id);
    assert_eq!(client.list_tags().await.unwrap(), std::slice::from_ref(&billing));
    let ann = user(&client, "ann").await;
    let conversation = client.create_conversation(&new_conversation(&ann, "Invoice?", 1_600_000_000)).await.unwrap();
    let me = client.me().await.unwrap();
    client.tag_conversation(&conversation.conversation_id, &billing.id, &me.id).await.unwrap();
    assert_subset(&sandbox.dump()["conversations"], &json!([{"tags": [billing.id]}]));
    let spare = client.find_or_create_tag("spare").await.unwrap();
    assert!(client.delete_tag(&spare.id).await.unwrap());
    assert_subset(&sandbox.dump()["tags"], &json!([{"name": "Billing"}]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tags_come_off_conversations_and_go_on_tickets() {
    let (sandbox, client) = start().await;
    let me = client.me().await.unwrap();
    let ann = user(&client, "ann").await;
    let vip = client.find_or_create_tag("vip").await.unwrap();
    let spam = client.find_or_create_tag("spam").await.unwrap();
    let id = client.create_conversation(&new_conversation(&ann, "Hello", 1_600_000_000)).await.unwrap().conversation_id;
    client.tag_conversation(&id, &vip.id, &me.id).await.unwrap();
    client.tag_conversation(&id, &spam.id, &me.id).await.unwrap();
    assert!(client.untag_conversation(&id, &spam.id, &me.id).await.unwrap());
    assert!(!client.untag_conversation(&id, &spam.id, &me.id).await.unwrap(), "already removed");
    assert_subset(&sandbox.dump()["conversations"], &json!([{"id": id, "tags": [vip.id]}]));
    // The removal names the admin in a JSON body, as the API requires.
    let removals = requests_to(&sandbox, "DELETE", &format!("/conversations/{id}/tags/{}", spam.id));
    assert_eq!(statuses(&removals), [200, 404]);
    assert_eq!(removals[0].body, Some(json!({"admin_id": me.id})));

    let ticket_type = client
        .create_ticket_type(&TicketTypeDraft { name: "Question".into(), description: None, category: None, icon: None })
        .await
        .unwrap();
    let new = NewTicket {
        ticket_type_id: ticket_type.id.clone(),
        contact_id: ann.clone(),
        attributes: map(json!({"_default_title_": "Hello"})),
        ..NewTicket::default()
    };
    let ticket = client.create_ticket(&new).await.unwrap();
    client.tag_ticket(&ticket.id, &vip.id, &me.id).await.unwrap();
    client.tag_ticket(&ticket.id, &vip.id, &me.id).await.unwrap();
    assert_subset(&sandbox.dump()["tickets"], &json!([{"id": ticket.id, "tags": [vip.id]}]));
    let error = client.tag_ticket(&ticket.id, "999999", &me.id).await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(404), Some("tag_not_found")));
    let tagging = requests_to(&sandbox, "POST", &format!("/tickets/{}/tags", ticket.id));
    assert_eq!(tagging[0].body, Some(json!({"id": vip.id, "admin_id": me.id})));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn ticket_states_are_listed_with_their_categories() {
    let (sandbox, client) = start().await;
    let ticket_type = client
        .create_ticket_type(&TicketTypeDraft { name: "Question".into(), description: None, category: None, icon: None })
        .await
        .unwrap();
    let states = client.list_ticket_states().await.unwrap();
    let categories: Vec<Option<&str>> = states.iter().map(|state| state.category.as_deref()).collect();
    assert_eq!(categories, [Some("submitted"), Some("in_progress"), Some("waiting_on_customer"), Some("resolved")]);
    assert!(states.iter().all(|state| state.internal_label.is_some() && state.external_label.is_some()));
    // The states of the workspace are the ones each ticket type offers.
    assert_eq!(states, ticket_type.states);
    let resolved = states.iter().find(|state| state.category.as_deref() == Some("resolved")).unwrap();
    let ann = user(&client, "ann").await;
    let new = NewTicket { ticket_type_id: ticket_type.id.clone(), contact_id: ann, ..NewTicket::default() };
    let ticket = client.create_ticket(&new).await.unwrap();
    let update =
        TicketUpdate { ticket_state_id: Some(resolved.id.clone()), open: Some(false), ..TicketUpdate::default() };
    let closed = client.update_ticket(&ticket.id, &update).await.unwrap();
    assert_eq!(closed.state.as_ref(), Some(resolved));
    assert_eq!(client.request_counts().get(Operation::ListTicketStates), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_conversation_is_migrated_with_history_and_read_back() {
    let (sandbox, client) = start().await;
    let me = client.me().await.unwrap();
    let team = client.list_teams().await.unwrap().remove(0);
    let ann = user(&client, "ann").await;
    client
        .create_conversation_attribute(&AttributeDraft {
            name: "ticket_id".into(),
            data_type: ConversationAttributeType::Integer,
            description: None,
            options: Vec::new(),
        })
        .await
        .unwrap();

    let mut new = new_conversation(&ann, "My printer is on fire", 1_600_000_000);
    new.attachment_urls = vec!["https://files.example/fire.png".into()];
    let created = client.create_conversation(&new).await.unwrap();
    let id = created.conversation_id.clone();

    let mut comment = admin_reply(&me.id, ReplyKind::Comment, "Have you tried water?", 1_600_000_600);
    comment.attachment_urls = vec!["https://files.example/howto.pdf".into()];
    let first = client.reply_conversation(&id, &comment).await.unwrap();
    assert_eq!(first.parent_id, id);
    let mut note = admin_reply(&me.id, ReplyKind::Note, "<b>escalate</b>", 1_600_000_700);
    note.attachment_files =
        vec![AttachmentFile { content_type: "text/plain".into(), data: "aGVsbG8=".into(), name: "log.txt".into() }];
    client.reply_conversation(&id, &note).await.unwrap();
    let from_contact = Reply {
        author: ReplyAuthor::Contact(ann.clone()),
        kind: ReplyKind::Comment,
        body: "It worked".into(),
        created_at: Some(1_600_000_900),
        attachment_urls: Vec::new(),
        attachment_files: Vec::new(),
    };
    client.reply_conversation(&id, &from_contact).await.unwrap();

    let update = ConversationUpdate {
        title: Some("Printer fire".into()),
        custom_attributes: map(json!({"ticket_id": 42})),
        company_id: None,
    };
    client.update_conversation(&id, &update).await.unwrap();
    client.assign_conversation(&id, &me.id, &Assignee::Admin(me.id.clone())).await.unwrap();
    client.assign_conversation(&id, &me.id, &Assignee::Team(team.id.clone())).await.unwrap();
    let tag = client.find_or_create_tag("fire").await.unwrap();
    client.tag_conversation(&id, &tag.id, &me.id).await.unwrap();
    client.close_conversation(&id, &me.id).await.unwrap();

    let admin = json!({"type": "admin", "id": me.id});
    let expected = json!({
        "id": id,
        "created_at": 1_600_000_000,
        "contacts": [ann],
        "source": {"body": "My printer is on fire", "author": {"type": "contact", "id": ann},
                   "attachments": [{"url": "https://files.example/fire.png"}]},
        "parts": [
            {"part_type": "comment", "body": "Have you tried water?", "created_at": 1_600_000_600, "author": admin,
             "attachments": [{"url": "https://files.example/howto.pdf"}]},
            {"part_type": "note", "body": "<b>escalate</b>", "created_at": 1_600_000_700, "author": admin,
             "attachments": [{"name": "log.txt", "content_type": "text/plain"}]},
            {"part_type": "comment", "body": "It worked", "created_at": 1_600_000_900,
             "author": {"type": "contact", "id": ann}},
            {"part_type": "assignment", "created_at": null, "assigned_to": {"type": "admin", "id": me.id}},
            {"part_type": "assignment", "created_at": null, "assigned_to": {"type": "team", "id": team.id}},
            {"part_type": "close", "created_at": null, "author": admin},
        ],
        "state": "closed",
        "admin_assignee_id": me.id,
        "team_assignee_id": team.id,
        "title": "Printer fire",
        "custom_attributes": {"ticket_id": 42},
        "tags": [tag.id],
    });
    assert_subset(&sandbox.dump()["conversations"], &json!([expected]));

    // Read back for verify.
    let read = client.get_conversation(&id).await.unwrap().unwrap();
    assert_eq!(read.title.as_deref(), Some("Printer fire"));
    assert_eq!(read.state.as_deref(), Some("closed"));
    assert_eq!(read.admin_assignee_id.as_deref(), Some(me.id.as_str()));
    assert_eq!(read.team_assignee_id.as_deref(), Some(team.id.as_str()));
    assert_eq!(read.tags, [tag]);
    assert_eq!(read.custom_attributes, map(json!({"ticket_id": 42})));
    assert_eq!(read.contact_ids, std::slice::from_ref(&ann));
    assert_eq!(read.parts.len(), 6);
    assert_eq!(first.part_id.as_deref(), Some(read.parts[0].id.as_str()));
    assert_eq!(client.get_conversation("999999").await.unwrap(), None);

    // Found again by contact and day, as an ambiguous create is settled.
    assert_eq!(client.search_conversations_of_contact(&ann).await.unwrap().len(), 1);
    assert_eq!(client.search_conversations_of_contact_on_day(&ann, 1_600_010_000).await.unwrap().len(), 1);
    assert!(client.search_conversations_of_contact_on_day(&ann, 1_600_100_000).await.unwrap().is_empty());
    assert_eq!(client.find_created_conversation(&new).await.unwrap(), Some(id.clone()));
    let other = NewConversation { body: "Something else".into(), ..new.clone() };
    assert_eq!(client.find_created_conversation(&other).await.unwrap(), None);

    assert!(client.delete_conversation(&id).await.unwrap());
    assert_subset(&sandbox.dump()["deleted"], &json!({"conversations": [id]}));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn conversations_snooze_and_reopen() {
    let (sandbox, client) = start().await;
    let me = client.me().await.unwrap();
    let ann = user(&client, "ann").await;
    let id = client.create_conversation(&new_conversation(&ann, "Later", 1_600_000_000)).await.unwrap().conversation_id;
    client.snooze_conversation(&id, &me.id, 1_900_000_000).await.unwrap();
    assert_subset(&sandbox.dump()["conversations"], &json!([{"state": "snoozed", "snoozed_until": 1_900_000_000}]));
    client.open_conversation(&id, &me.id).await.unwrap();
    client.assign_conversation(&id, &me.id, &Assignee::Nobody).await.unwrap();
    assert_subset(&sandbox.dump()["conversations"], &json!([{"state": "open", "admin_assignee_id": "0"}]));
    // The request bodies carry ids as strings and admin replies skip notifications.
    let parts = requests_to(&sandbox, "POST", &format!("/conversations/{id}/parts"));
    assert_eq!(
        parts[0].body,
        Some(json!({"message_type": "snoozed", "admin_id": me.id, "snoozed_until": 1_900_000_000}))
    );
    assert_eq!(parts[2].body.as_ref().unwrap()["assignee_id"], json!("0"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_ticket_is_migrated_with_attributes_replies_and_state() {
    let (sandbox, client) = start().await;
    let me = client.me().await.unwrap();
    let team = client.list_teams().await.unwrap().remove(0);
    let ann = user(&client, "ann").await;
    assert!(client.list_ticket_types().await.unwrap().is_empty());
    let draft = TicketTypeDraft {
        name: "Helpdesk ticket".into(),
        description: Some("Migrated".into()),
        category: Some("Customer".into()),
        icon: None,
    };
    let ticket_type = client.create_ticket_type(&draft).await.unwrap();
    let names: Vec<&str> = ticket_type.attributes.iter().map(|attribute| attribute.name.as_str()).collect();
    assert_eq!(names, ["_default_title_", "_default_description_"]);
    let priority = AttributeDraft {
        name: "Priority".into(),
        data_type: ConversationAttributeType::List,
        description: None,
        options: vec!["Low".into(), "High".into()],
    };
    let attribute = client.create_ticket_type_attribute(&ticket_type.id, &priority).await.unwrap();
    assert_eq!(attribute.data_type.as_deref(), Some("list"));
    let listed = client.list_ticket_types().await.unwrap();
    assert_eq!(listed[0].attributes.len(), 3);
    let resolved =
        listed[0].states.iter().find(|state| state.category.as_deref() == Some("resolved")).unwrap().id.clone();

    let new = NewTicket {
        ticket_type_id: ticket_type.id.clone(),
        contact_id: ann.clone(),
        created_at: Some(1_600_000_000),
        attributes: map(json!({"_default_title_": "Broken", "_default_description_": "It broke"})),
        admin_assignee_id: Some(me.id.clone()),
        team_assignee_id: Some(team.id.clone()),
        company_id: None,
    };
    let ticket = client.create_ticket(&new).await.unwrap();
    assert_eq!(ticket.state.as_ref().and_then(|state| state.category.as_deref()), Some("submitted"));
    let reply = client
        .reply_ticket(&ticket.id, &admin_reply(&me.id, ReplyKind::Comment, "On it", 1_600_000_300))
        .await
        .unwrap();
    assert!(reply.part_id.is_some());
    let contact_reply = Reply {
        author: ReplyAuthor::Contact(ann.clone()),
        kind: ReplyKind::Comment,
        body: "Thanks".into(),
        created_at: Some(1_600_000_400),
        attachment_urls: Vec::new(),
        attachment_files: Vec::new(),
    };
    client.reply_ticket(&ticket.id, &contact_reply).await.unwrap();
    let closed = TicketUpdate { ticket_state_id: Some(resolved.clone()), open: Some(false), ..TicketUpdate::default() };
    let updated = client.update_ticket(&ticket.id, &closed).await.unwrap();
    assert_eq!(updated.open, Some(false));

    let dump = sandbox.dump();
    assert_subset(
        &dump["tickets"],
        &json!([{
            "id": ticket.id, "ticket_type_id": ticket_type.id, "created_at": 1_600_000_000, "contacts": [ann],
            "ticket_attributes": {"_default_title_": "Broken", "_default_description_": "It broke"},
            "ticket_state_id": resolved, "open": false, "admin_assignee_id": me.id, "team_assignee_id": team.id,
            "parts": [
                {"part_type": "comment", "body": "On it", "created_at": 1_600_000_300,
                 "author": {"type": "admin", "id": me.id}},
                {"part_type": "comment", "body": "Thanks", "created_at": 1_600_000_400,
                 "author": {"type": "contact", "id": ann}},
                // The state change: at import time, by the token's admin.
                {"created_at": null, "author": {"type": "admin", "id": me.id}},
            ],
        }]),
    );
    assert_subset(
        &dump["ticket_types"],
        &json!([{"name": "Helpdesk ticket", "category": "Customer", "attributes": [
            {"name": "_default_title_"}, {"name": "_default_description_"},
            {"name": "Priority", "description": "Priority", "data_type": "list"},
        ]}]),
    );
    // Notifications are skipped on create, replies and updates.
    for (method, path) in [("POST", "/tickets".to_owned()), ("PUT", format!("/tickets/{}", ticket.id))] {
        assert_eq!(requests_to(&sandbox, method, &path)[0].body.as_ref().unwrap()["skip_notifications"], json!(true));
    }
    let replies = requests_to(&sandbox, "POST", &format!("/tickets/{}/reply", ticket.id));
    assert!(replies.iter().all(|request| request.body.as_ref().unwrap()["skip_notifications"] == json!(true)));

    assert!(client.delete_ticket(&ticket.id).await.unwrap());
    assert_eq!(sandbox.dump()["tickets"], json!([]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn help_center_collections_and_articles() {
    let (sandbox, client) = start().await;
    let me = client.me().await.unwrap();
    let guides = client
        .create_collection(&CollectionDraft {
            name: "Guides".into(),
            description: Some("How-tos".into()),
            parent_id: None,
        })
        .await
        .unwrap();
    let printers = client
        .create_collection(&CollectionDraft {
            name: "Printers".into(),
            description: None,
            parent_id: Some(guides.id.clone()),
        })
        .await
        .unwrap();
    assert_eq!(printers.parent_id.as_deref(), Some(guides.id.as_str()));
    let article = client
        .create_article(&ArticleDraft {
            title: "Fire safety".into(),
            author_id: me.id.clone(),
            description: Some("What to do".into()),
            body: Some("<p>Use water.</p>".into()),
            published: true,
            collection_id: Some(printers.id.clone()),
            in_section: true,
        })
        .await
        .unwrap();
    assert!(article.is_in(&printers.id), "{article:?}");
    let dump = sandbox.dump();
    assert_subset(
        &dump["collections"],
        &json!([{"id": guides.id, "name": "Guides", "description": "How-tos", "parent_id": null},
                {"id": printers.id, "name": "Printers", "parent_id": guides.id}]),
    );
    assert_subset(
        &dump["articles"],
        &json!([{"id": article.id, "title": "Fire safety", "body": "<p>Use water.</p>", "state": "published",
                 "parent_type": "section"}]),
    );
    // The ids the API types as integers go out as numbers.
    let sent = requests_to(&sandbox, "POST", "/articles")[0].body.clone().unwrap();
    assert_eq!((sent["author_id"].is_i64(), sent["parent_id"].is_i64()), (true, true), "{sent}");

    // Read back, and 404s as None.
    let read = client.get_collection(&guides.id).await.unwrap().expect("the collection");
    assert_eq!((read.name.as_deref(), read.description.as_deref()), (Some("Guides"), Some("How-tos")));
    let read = client.get_article(&article.id).await.unwrap().expect("the article");
    assert_eq!(
        (read.title.as_deref(), read.author_id.as_deref(), read.state.as_deref()),
        (Some("Fire safety"), Some(me.id.as_str()), Some("published"))
    );
    assert_eq!(client.get_collection("999999").await.unwrap(), None);
    assert_eq!(client.get_article("999999").await.unwrap(), None);

    // Updates change what they are given and move `updated_at`.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let draft =
        CollectionDraft { name: "Printers & scanners".into(), description: Some("Hardware".into()), parent_id: None };
    let renamed = client.update_collection(&printers.id, &draft).await.unwrap();
    assert_eq!(
        (renamed.name.as_deref(), renamed.parent_id.as_deref()),
        (Some("Printers & scanners"), Some(guides.id.as_str())),
        "a parent not given is kept"
    );
    assert!(renamed.updated_at > printers.updated_at, "{renamed:?}");
    let update = ArticleUpdate {
        title: Some("Fire!".into()),
        published: Some(false),
        collection_id: Some(guides.id.clone()),
        ..ArticleUpdate::default()
    };
    let moved = client.update_article(&article.id, &update).await.unwrap();
    assert_eq!((moved.title.as_deref(), moved.state.as_deref()), (Some("Fire!"), Some("draft")));
    assert!(moved.is_in(&guides.id) && !moved.is_in(&printers.id), "{moved:?}");
    assert_eq!(moved.body.as_deref(), Some("<p>Use water.</p>"), "a body not given is kept");
    assert!(moved.updated_at > article.updated_at);
    let sent = requests_to(&sandbox, "PUT", &format!("/articles/{}", article.id))[0].body.clone().unwrap();
    assert_eq!(sent, json!({"title": "Fire!", "state": "draft", "parent_id": guides.id, "parent_type": "collection"}));

    // A non-numeric author cannot be sent: the API types it as an integer.
    let bad = ArticleDraft {
        title: "x".into(),
        author_id: "ann@example.com".into(),
        description: None,
        body: None,
        published: false,
        collection_id: None,
        in_section: false,
    };
    assert!(matches!(client.create_article(&bad).await, Err(SinkError::Refused { .. })));

    // A collection that still holds a section or an article is not deleted.
    let error = client.delete_collection(&guides.id).await.unwrap_err();
    let SinkError::Refused { reason, .. } = &error else { panic!("{error:?}") };
    assert!(reason.contains(&printers.id) && reason.contains(&article.id), "{reason}");
    assert!(requests_to(&sandbox, "DELETE", &format!("/help_center/collections/{}", guides.id)).is_empty());

    assert!(client.delete_article(&article.id).await.unwrap());
    assert!(client.delete_collection(&printers.id).await.unwrap());
    assert!(client.delete_collection(&guides.id).await.unwrap());
    assert!(!client.delete_collection(&guides.id).await.unwrap(), "already gone");
    assert!(!client.delete_article(&article.id).await.unwrap(), "already gone");
    let dump = sandbox.dump();
    assert_eq!((dump["articles"].clone(), dump["collections"].clone()), (json!([]), json!([])));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn collections_and_articles_are_listed_page_by_page() {
    let (sandbox, client) = start().await;
    let me = client.me().await.unwrap();
    let shelf = CollectionDraft { name: "Shelf".into(), description: None, parent_id: None };
    let shelf = client.create_collection(&shelf).await.unwrap();
    let mut created = HashSet::new();
    for n in 0..60 {
        let draft = ArticleDraft {
            title: format!("Article {n}"),
            author_id: me.id.clone(),
            description: None,
            body: Some(format!("<p>Text {n}</p>")),
            published: n % 2 == 0,
            collection_id: Some(shelf.id.clone()),
            in_section: false,
        };
        created.insert(client.create_article(&draft).await.unwrap().id);
    }
    let listed = client.list_articles().await.unwrap();
    assert_eq!(listed.len(), 60);
    assert_eq!(listed.iter().map(|article| article.id.clone()).collect::<HashSet<_>>(), created);
    assert!(listed.iter().all(|article| article.is_in(&shelf.id) && article.author_id.as_deref() == Some(&me.id)));
    let queries: Vec<Option<String>> = requests_to(&sandbox, "GET", "/articles").into_iter().map(|r| r.query).collect();
    assert_eq!(queries, [Some("per_page=50".to_owned()), Some("per_page=50&page=2".to_owned())]);
    let collections = client.list_collections().await.unwrap();
    assert_eq!(collections.iter().map(|c| c.name.as_deref()).collect::<Vec<_>>(), [Some("Shelf")]);
    assert_eq!(requests_to(&sandbox, "GET", "/help_center/collections").len(), 1, "one page");
    sandbox.shutdown().await;
}

/// A list answer that names its next page by cursor (`pages.next.starting_after`), the other
/// way Intercom pages lists, from a small server of the test's own: the cursor is followed.
#[tokio::test]
async fn a_list_that_names_its_next_page_is_followed_by_cursor() {
    use axum::extract::State;
    use axum::http::Uri;
    use std::sync::{Arc, Mutex};

    async fn collections(State(asked): State<Arc<Mutex<Vec<String>>>>, uri: Uri) -> axum::Json<Value> {
        let query = uri.query().unwrap_or_default().to_owned();
        asked.lock().unwrap().push(query.clone());
        let page = |id: &str, next: Value| {
            json!({"type": "list", "total_count": 2, "data": [{"id": id, "name": format!("C{id}"), "parent_id": null}],
                   "pages": {"type": "pages", "per_page": 1, "next": next}})
        };
        axum::Json(if query.contains("starting_after=c2") {
            page("2", Value::Null)
        } else {
            page("1", json!({"per_page": 1, "starting_after": "c2"}))
        })
    }
    let asked = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new()
        .route("/help_center/collections", axum::routing::get(collections))
        .with_state(Arc::clone(&asked));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let config = ClientConfig {
        retry: quick_retries(0),
        timeout: Duration::from_secs(5),
        ..ClientConfig::new(Endpoint::Url(url), Token::new(TOKEN))
    };
    let client = Client::new(config).unwrap();
    let listed = client.list_collections().await.unwrap();
    server.abort();
    assert_eq!(listed.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(*asked.lock().unwrap(), ["per_page=50", "per_page=50&starting_after=c2"]);
}

#[tokio::test]
async fn custom_object_instances_upsert_by_external_id() {
    let (sandbox, client) = start().await;
    let fields = CustomObjectFields {
        external_id: "order-1".into(),
        external_created_at: Some(1_500_000_000),
        external_updated_at: None,
        custom_attributes: map(json!({"number": "ORD-1"})),
    };
    let first = client.upsert_custom_object("Order", &fields).await.unwrap();
    let changed = CustomObjectFields { custom_attributes: map(json!({"number": "ORD-1b"})), ..fields.clone() };
    assert_eq!(client.upsert_custom_object("Order", &changed).await.unwrap().id, first.id);
    let found = client.get_custom_object("Order", "order-1").await.unwrap().unwrap();
    assert_eq!(found.custom_attributes, map(json!({"number": "ORD-1b"})));
    assert_eq!(client.get_custom_object("Order", "order-2").await.unwrap(), None);
    assert_subset(
        &sandbox.dump()["custom_object_instances"],
        &json!([{"external_id": "order-1", "external_created_at": 1_500_000_000,
                 "custom_attributes": {"number": "ORD-1b"}}]),
    );
    assert!(client.delete_custom_object("Order", "order-1").await.unwrap());
    assert!(!client.delete_custom_object("Order", "order-1").await.unwrap());
    assert_eq!(sandbox.dump()["custom_object_instances"], json!([]));
    // Types are probed with a one-instance page: the sandbox defines `Order` only.
    assert!(client.custom_object_type_exists("Order").await.unwrap());
    assert!(!client.custom_object_type_exists("Change").await.unwrap());
    let error = client.upsert_custom_object("Change", &changed).await.unwrap_err();
    assert!(error.is_not_found(), "{error}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn requests_sent_match_the_minimum_per_ticket() {
    let (sandbox, setup) = start().await;
    let me = setup.me().await.unwrap();
    let ann = user(&setup, "ann").await;
    let tag = setup.find_or_create_tag("vip").await.unwrap();
    let ticket_type = setup
        .create_ticket_type(&TicketTypeDraft { name: "T".into(), description: None, category: None, icon: None })
        .await
        .unwrap();
    let resolved = ticket_type.states.iter().find(|state| state.category.as_deref() == Some("resolved")).unwrap();

    // Three messages, one tag, assigned to a teammate, closed: as a conversation.
    let client = client_for(&sandbox);
    let id = client.create_conversation(&new_conversation(&ann, "one", 1)).await.unwrap().conversation_id;
    for (index, body) in ["two", "three"].into_iter().enumerate() {
        client.reply_conversation(&id, &admin_reply(&me.id, ReplyKind::Comment, body, 2 + index as i64)).await.unwrap();
    }
    let update = ConversationUpdate { title: Some("t".into()), ..ConversationUpdate::default() };
    client.update_conversation(&id, &update).await.unwrap();
    client.tag_conversation(&id, &tag.id, &me.id).await.unwrap();
    client.assign_conversation(&id, &me.id, &Assignee::Admin(me.id.clone())).await.unwrap();
    client.close_conversation(&id, &me.id).await.unwrap();
    let minimum = TicketTarget::Conversation.requests_per_ticket(3, 1, true, false, true);
    assert_eq!(client.request_counts().total(), u64::from(minimum));
    assert_eq!(client.request_counts().get(Operation::ReplyConversation), 2);

    // The same ticket as an Intercom ticket (message 1 as the description, no tags).
    let client = client_for(&sandbox);
    let new = NewTicket {
        ticket_type_id: ticket_type.id.clone(),
        contact_id: ann.clone(),
        created_at: Some(1),
        attributes: map(json!({"_default_title_": "t", "_default_description_": "one"})),
        admin_assignee_id: Some(me.id.clone()),
        ..NewTicket::default()
    };
    let ticket = client.create_ticket(&new).await.unwrap();
    for (index, body) in ["two", "three"].into_iter().enumerate() {
        let reply = admin_reply(&me.id, ReplyKind::Comment, body, 2 + index as i64);
        client.reply_ticket(&ticket.id, &reply).await.unwrap();
    }
    let closed =
        TicketUpdate { ticket_state_id: Some(resolved.id.clone()), open: Some(false), ..TicketUpdate::default() };
    client.update_ticket(&ticket.id, &closed).await.unwrap();
    let minimum = TicketTarget::Ticket.requests_per_ticket(3, 0, true, false, true);
    assert_eq!(client.request_counts().total(), u64::from(minimum));
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Errors, retries and ambiguity

#[tokio::test]
async fn a_validation_error_is_not_retried_and_carries_code_and_message() {
    let (sandbox, client) = start().await;
    let ann = user(&client, "ann").await;
    let id = client.create_conversation(&new_conversation(&ann, "Hi", 1_600_000_000)).await.unwrap().conversation_id;
    let update =
        ConversationUpdate { title: None, custom_attributes: map(json!({"no_such_attribute": 1})), company_id: None };
    let error = client.update_conversation(&id, &update).await.unwrap_err();
    let SinkError::Rejected { status, .. } = &error else { panic!("{error:?}") };
    assert!((400..500).contains(status), "{error}");
    let code = error.code().expect("an error code");
    let message = error.api_message().expect("an error message");
    assert!(message.contains("no_such_attribute"), "{message}");
    assert!(error.to_string().contains(code) && error.to_string().contains(message), "{error}");
    assert_eq!(requests_to(&sandbox, "PUT", &format!("/conversations/{id}")).len(), 1, "sent exactly once");
    sandbox.shutdown().await;
}

/// Make every write fail with `kind` until the call's first request to `method path` is
/// recorded, then stop the faults; returns the call's result and the statuses the sandbox
/// recorded for that path during the call.
async fn fail_once_then_recover<T: Send + 'static>(
    sandbox: &Sandbox,
    kind: FaultKind,
    method: &str,
    path: &str,
    call: impl Future<Output = Result<T, SinkError>> + Send + 'static,
) -> (Result<T, SinkError>, Vec<u16>) {
    let before = requests_to(sandbox, method, path).len();
    sandbox.set_faults(FaultConfig { rate: 1.0, kinds: vec![kind], hold: Duration::from_secs(1) });
    let task = tokio::spawn(call);
    let deadline = Instant::now() + Duration::from_secs(5);
    while requests_to(sandbox, method, path).len() == before {
        assert!(Instant::now() < deadline, "the request never arrived");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    sandbox.set_faults(FaultConfig::default());
    let result = task.await.unwrap();
    (result, statuses(&requests_to(sandbox, method, path)[before..]))
}

#[tokio::test]
async fn server_errors_and_resets_on_a_safe_request_are_retried_until_it_succeeds() {
    let (sandbox, _) = start().await;
    for (kind, failed_status) in [(FaultKind::ServerError, 500), (FaultKind::ConnectionReset, 0)] {
        let client = Client::new(ClientConfig { retry: quick_retries(6), ..config_for(&sandbox, TOKEN) }).unwrap();
        let company_id = format!("acme-{failed_status}");
        let fields = CompanyFields { company_id: company_id.clone(), ..CompanyFields::default() };
        let call = {
            let client = client.clone();
            async move { client.upsert_company(&fields).await }
        };
        let (result, statuses) = fail_once_then_recover(&sandbox, kind, "POST", "/companies", call).await;
        let company = result.unwrap_or_else(|error| panic!("{kind:?}: {error}"));
        assert_eq!(statuses.first(), Some(&failed_status), "{kind:?}: {statuses:?}");
        assert_eq!(statuses.last(), Some(&200), "{kind:?}: {statuses:?}");
        assert_eq!(client.request_counts().get(Operation::UpsertCompany), statuses.len() as u64);
        assert_eq!(company.company_id.as_deref(), Some(company_id.as_str()));
    }
    assert_eq!(sandbox.dump()["companies"].as_array().unwrap().len(), 2);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_429_holds_the_pacer_until_the_reset_then_the_request_succeeds() {
    // A one-second window, so the test waits for one second rather than Intercom's ten.
    let window = Duration::from_secs(1);
    let sandbox = Sandbox::start(SandboxConfig { window, ..SandboxConfig::default() }).await.unwrap();
    let client = Client::new(ClientConfig {
        pacer: PacerConfig { window, ..PacerConfig::default() },
        ..config_for(&sandbox, TOKEN)
    })
    .unwrap();
    let fields = CompanyFields { company_id: "acme".into(), ..CompanyFields::default() };
    let call = {
        let client = client.clone();
        async move { client.upsert_company(&fields).await }
    };
    let started = Instant::now();
    let (result, statuses) =
        fail_once_then_recover(&sandbox, FaultKind::TooManyRequests, "POST", "/companies", call).await;
    result.unwrap();
    assert_eq!(statuses, [429, 200]);
    // The 429 came with the window's first request and said the window was used up; the retry
    // waited for the reset (the window's end, rounded up to a whole second) and no longer.
    let elapsed = started.elapsed();
    assert!(elapsed >= window.mul_f64(0.9), "retried after {elapsed:?}");
    assert!(elapsed < window * 3, "retried after {elapsed:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn exhausted_retries_return_the_last_status_and_body() {
    let (sandbox, _) = start().await;
    let client = Client::new(ClientConfig { retry: quick_retries(2), ..config_for(&sandbox, TOKEN) }).unwrap();
    sandbox.set_faults(FaultConfig { rate: 1.0, kinds: vec![FaultKind::ServerError], ..FaultConfig::default() });
    let error = client.find_or_create_tag("vip").await.unwrap_err();
    let SinkError::Exhausted { attempts, last: Transient::Status { status, body }, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!((*attempts, *status), (3, 500));
    assert!(body.contains("server_error"), "{body}");
    assert_eq!(error.status(), Some(500));
    assert_eq!(statuses(&requests_to(&sandbox, "POST", "/tags")), [500, 500, 500]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_lost_response_on_a_conversation_create_is_ambiguous_and_not_sent_again() {
    let (sandbox, client) = start().await;
    let ann = user(&client, "ann").await;
    let new = new_conversation(&ann, "Hello there", 1_600_000_000);
    sandbox.set_faults(FaultConfig { rate: 1.0, kinds: vec![FaultKind::LostResponse], ..FaultConfig::default() });
    let error = client.create_conversation(&new).await.unwrap_err();
    sandbox.set_faults(FaultConfig::default());
    let SinkError::Ambiguous { attempts: 1, last: Transient::Connection { .. }, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(requests_to(&sandbox, "POST", "/conversations").len(), 1, "not sent again");
    let conversations = sandbox.dump()["conversations"].as_array().unwrap().clone();
    assert_eq!(conversations.len(), 1, "applied once");
    // The runner settles it by lookup.
    assert_eq!(
        client.find_created_conversation(&new).await.unwrap(),
        conversations[0]["id"].as_str().map(str::to_owned)
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_reset_before_apply_on_a_conversation_create_is_ambiguous_and_nothing_exists() {
    let (sandbox, client) = start().await;
    let ann = user(&client, "ann").await;
    let new = new_conversation(&ann, "Hello there", 1_600_000_000);
    sandbox.set_faults(FaultConfig { rate: 1.0, kinds: vec![FaultKind::ConnectionReset], ..FaultConfig::default() });
    let error = client.create_conversation(&new).await.unwrap_err();
    sandbox.set_faults(FaultConfig::default());
    assert!(error.is_ambiguous(), "{error:?}");
    assert_eq!(statuses(&requests_to(&sandbox, "POST", "/conversations")), [0], "not sent again");
    assert_eq!(sandbox.dump()["conversations"], json!([]));
    assert_eq!(client.find_created_conversation(&new).await.unwrap(), None);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_timeout_on_a_create_or_a_5xx_on_a_reply_is_ambiguous_and_not_sent_again() {
    let (sandbox, _) = start().await;
    let client =
        Client::new(ClientConfig { timeout: Duration::from_millis(300), ..config_for(&sandbox, TOKEN) }).unwrap();
    let me = client.me().await.unwrap();
    let ann = user(&client, "ann").await;

    // The sandbox applies the create and holds the answer past the client's timeout.
    let hold = Duration::from_secs(2);
    sandbox.set_faults(FaultConfig { rate: 1.0, kinds: vec![FaultKind::Timeout], hold });
    let new = new_conversation(&ann, "Hi", 1_600_000_000);
    let error = client.create_conversation(&new).await.unwrap_err();
    sandbox.set_faults(FaultConfig::default());
    assert!(matches!(&error, SinkError::Ambiguous { last: Transient::Timeout, .. }), "{error:?}");
    assert_eq!(requests_to(&sandbox, "POST", "/conversations").len(), 1, "not sent again");
    let id = client.find_created_conversation(&new).await.unwrap().expect("the create was applied");

    sandbox.set_faults(FaultConfig { rate: 1.0, kinds: vec![FaultKind::ServerError], hold });
    let reply = admin_reply(&me.id, ReplyKind::Comment, "Looking", 1_600_000_100);
    let error = client.reply_conversation(&id, &reply).await.unwrap_err();
    sandbox.set_faults(FaultConfig::default());
    assert!(matches!(&error, SinkError::Ambiguous { last: Transient::Status { status: 500, .. }, .. }), "{error:?}");
    assert_eq!(error.status(), Some(500));
    assert!(error.body().is_some_and(|body| body.contains("server_error")));
    assert_eq!(requests_to(&sandbox, "POST", &format!("/conversations/{id}/reply")).len(), 1, "not sent again");
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Pacing and secrets

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_stay_under_the_rate_limit() {
    // 20 requests per one-second window and 60 sent at once, three windows' worth: the pacer
    // learns the limit from the first answer, spreads the requests, stops when a window is used
    // up and resumes after its reset, without a single 429.
    let window = Duration::from_secs(1);
    let (sandbox, _) = start_with(SandboxConfig { rate_limit: 20, window, ..SandboxConfig::default() }).await;
    let client = Client::new(ClientConfig {
        pacer: PacerConfig { max_in_flight: 8, window, ..PacerConfig::default() },
        ..config_for(&sandbox, TOKEN)
    })
    .unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_tags().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    let statuses = statuses(&sandbox.requests());
    assert_eq!(statuses.iter().filter(|status| **status == 429).count(), 0, "{statuses:?}");
    assert_eq!(statuses.len(), 60, "no retries were needed");
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    // Three windows' worth of requests: the last ones cannot start before the third window.
    assert!(elapsed >= window * 2, "{elapsed:?}");
    assert!(elapsed < window * 8, "{elapsed:?}");
    assert_eq!(client.pacer_status().limit, 20);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_token_never_appears_in_debug_output_or_errors() {
    let secret = "tok-7f3a-very-secret";
    let config = SandboxConfig { token: secret.into(), ..SandboxConfig::default() };
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = Client::new(config_for(&sandbox, secret)).unwrap();
    client.me().await.unwrap();
    assert!(!format!("{client:?}").contains(secret));
    assert!(!format!("{:?}", config_for(&sandbox, secret)).contains(secret));

    let wrong = "tok-wrong-but-secret";
    let error = Client::new(config_for(&sandbox, wrong)).unwrap().me().await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(401), Some("unauthorized")));
    sandbox.set_faults(FaultConfig { rate: 1.0, kinds: vec![FaultKind::ServerError], ..FaultConfig::default() });
    let exhausted = client.find_or_create_tag("x").await.unwrap_err();
    let ambiguous = client.create_conversation(&new_conversation("c", "b", 1)).await.unwrap_err();
    for error in [error, exhausted, ambiguous] {
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(secret) && !text.contains(wrong), "{text}");
        }
    }
    sandbox.shutdown().await;
}
