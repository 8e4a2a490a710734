//! Conformance of the Intercom sink and sandbox to Intercom's API description: every request the
//! sink makes and every answer the sandbox gives, validated by Prism against the 2.16 description.
//!
//! This test only does the traffic; `tests/conformance/run.sh` sets it up and judges it. The
//! script starts the sandbox, puts `prism proxy` in front of it (Prism validates each request
//! and each response against a patched copy of `../shared/reference/intercom-openapi.yaml`,
//! forwards it either way, and reports what it found in an `sl-violations` response header),
//! and runs this test with:
//!
//! - `CUTOVER_CONFORMANCE_URL`: Prism's address. Unset, the test returns at once: it prints
//!   "skipped: set CUTOVER_CONFORMANCE_URL" and tests nothing (a plain `cargo test` has no Prism).
//! - `CUTOVER_CONFORMANCE_TOKEN`: the sandbox's token (default `sandbox-token`).
//! - `CUTOVER_CONFORMANCE_REPORT`: a file to which every exchange is appended as one JSON line,
//!   `{method, path, query, status, violations: [{location, severity, code, message}]}`, as it
//!   happens. The script reads it, drops the allow-listed violations and fails on any other.
//!   Without it, the test itself fails, listing every exchange with a violation (no allow-list
//!   applies then).
//!
//! The sink's `Client` does not show response headers, so the test points it at a small
//! recording forwarder of its own, in this process, which passes each exchange on to Prism
//! unchanged and keeps the `sl-violations` header (and, should Prism ever refuse a request
//! itself, the `validation` list of its `application/problem+json` answer). The sink then
//! performs every one of its operations at least once — the test fails if [`Operation::ALL`]
//! gains one it does not exercise — and reads back what the sandbox answered.
//!
//! Before the sink's traffic, the test sends one request with a deliberately wrong body straight
//! to Prism and requires a violation for it: no violations from a proxy that validates nothing
//! would otherwise look like success.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Map, Value, json};

use cutover::drivers::intercom::operations::{
    ArticleDraft, ArticleUpdate, Assignee, AttachmentFile, AttributeDraft, AttributeModel, CollectionDraft,
    CompanyFields, ContactFields, ContactRole, ConversationAttributeType, ConversationUpdate, CustomObjectFields,
    DataAttributeDraft, DataAttributeType, NewConversation, NewTicket, Reply, ReplyAuthor, ReplyKind, TicketTypeDraft,
    TicketUpdate,
};
use cutover::drivers::intercom::{Client, ClientConfig, Endpoint, IntercomSink, Operation, SinkError, Token};

/// One request and its answer, as the report holds it.
#[derive(Clone, Debug)]
struct Exchange {
    method: String,
    path: String,
    query: Option<String>,
    status: u16,
    violations: Vec<Value>,
}

impl Exchange {
    fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "violations": self.violations,
        })
    }
}

/// What the forwarder shares between requests.
struct Shared {
    upstream: String,
    http: reqwest::Client,
    exchanges: Mutex<Vec<Exchange>>,
    report: Option<Mutex<File>>,
}

/// The recording forwarder: listens on 127.0.0.1 and passes everything on to `upstream`.
struct Recorder {
    address: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Recorder {
    async fn start(upstream: &str, report: Option<File>) -> Recorder {
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            exchanges: Mutex::new(Vec::new()),
            report: report.map(Mutex::new),
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = axum::Router::new().fallback(forward).with_state(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Recorder { address, shared, server }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    fn exchanges(&self) -> Vec<Exchange> {
        self.shared.exchanges.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Headers that belong to one hop, not to the exchange.
fn hop_by_hop(name: &str) -> bool {
    matches!(name, "host" | "connection" | "keep-alive" | "transfer-encoding" | "content-length" | "upgrade")
}

/// Pass one request on, record what Prism said about it, and answer with Prism's answer.
async fn forward(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = format!("{}{}", shared.upstream, uri.path_and_query().map_or("/", |pq| pq.as_str()));
    let mut request = shared.http.request(method.clone(), &target);
    for (name, value) in &headers {
        if !hop_by_hop(name.as_str()) {
            request = request.header(name, value);
        }
    }
    let answer = match request.body(body).send().await {
        Ok(answer) => answer,
        Err(error) => {
            // Prism is gone: the sink sees a 502 and the test fails on the operation.
            let mut response = Response::new(Body::from(format!("conformance forwarder: {error}")));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            return response;
        }
    };
    let status = answer.status();
    let answer_headers = answer.headers().clone();
    let text = answer.bytes().await.unwrap_or_default();
    let exchange = Exchange {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        status: status.as_u16(),
        violations: violations(&answer_headers, &text),
    };
    shared.record(exchange);
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    for (name, value) in &answer_headers {
        if !hop_by_hop(name.as_str()) {
            response.headers_mut().append(name, value.clone());
        }
    }
    response
}

impl Shared {
    fn record(&self, exchange: Exchange) {
        if let Some(report) = &self.report {
            let mut file = report.lock().unwrap_or_else(PoisonError::into_inner);
            writeln!(file, "{}", exchange.to_json()).expect("the report can be written");
            file.flush().expect("the report can be written");
        }
        self.exchanges.lock().unwrap_or_else(PoisonError::into_inner).push(exchange);
    }
}

/// The violations Prism reported: the `sl-violations` header (a JSON list), and the `validation`
/// list of a `application/problem+json` answer should Prism refuse a request itself.
fn violations(headers: &reqwest::header::HeaderMap, body: &[u8]) -> Vec<Value> {
    let mut found = Vec::new();
    for value in headers.get_all("sl-violations") {
        match serde_json::from_slice::<Value>(value.as_bytes()) {
            Ok(Value::Array(items)) => found.extend(items),
            _ => found.push(json!({
                "location": ["sl-violations"],
                "severity": "Error",
                "message": format!("unreadable sl-violations header: {}", String::from_utf8_lossy(value.as_bytes())),
            })),
        }
    }
    let problem = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/problem+json"));
    if problem {
        let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        match body.get("validation") {
            Some(Value::Array(items)) => found.extend(items.iter().cloned()),
            _ => found.push(json!({
                "location": ["response"],
                "severity": "Error",
                "message": format!("Prism answered by itself: {body}"),
            })),
        }
    }
    found
}

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn contact(role: ContactRole, name: &str) -> ContactFields {
    ContactFields {
        role: Some(role),
        email: Some(format!("{name}@example.com")),
        external_id: Some(format!("src-{name}")),
        name: Some(name.to_owned()),
        ..ContactFields::default()
    }
}

fn reply(author: ReplyAuthor, kind: ReplyKind, body: &str, created_at: i64) -> Reply {
    Reply {
        author,
        kind,
        body: body.to_owned(),
        created_at: Some(created_at),
        attachment_urls: Vec::new(),
        attachment_files: Vec::new(),
    }
}

fn attribute(name: &str, data_type: ConversationAttributeType, options: &[&str]) -> AttributeDraft {
    AttributeDraft {
        name: name.to_owned(),
        data_type,
        description: Some(format!("Migrated {name}")),
        options: options.iter().map(|option| (*option).to_owned()).collect(),
    }
}

/// A request with a deliberately wrong body, straight to Prism: it must come back with a request
/// violation, or nothing is being validated.
async fn prove_the_validator_is_in_the_path(url: &str, token: &str) {
    let answer = reqwest::Client::new()
        .post(format!("{}/tags", url.trim_end_matches('/')))
        .bearer_auth(token)
        .header("Intercom-Version", "2.16")
        .json(&json!({"name": 42}))
        .send()
        .await
        .expect("Prism answers");
    let headers = answer.headers().clone();
    let found = violations(&headers, &answer.bytes().await.unwrap_or_default());
    let flagged = found.iter().any(|violation| violation["location"] == json!(["request", "body", "name"]));
    assert!(flagged, "{url} did not flag POST /tags {{\"name\": 42}}; is it `prism proxy`? found: {found:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sink_operation_conforms_to_the_description() {
    let Ok(url) = std::env::var("CUTOVER_CONFORMANCE_URL") else {
        println!("skipped: set CUTOVER_CONFORMANCE_URL");
        return;
    };
    let token = std::env::var("CUTOVER_CONFORMANCE_TOKEN").unwrap_or_else(|_| "sandbox-token".to_owned());
    let report = std::env::var_os("CUTOVER_CONFORMANCE_REPORT").map(|path| {
        OpenOptions::new().create(true).append(true).open(&path).unwrap_or_else(|error| panic!("{path:?}: {error}"))
    });
    let judged_here = report.is_none();
    prove_the_validator_is_in_the_path(&url, &token).await;

    let recorder = Recorder::start(&url, report).await;
    let client = Client::new(ClientConfig::new(Endpoint::Url(recorder.url()), Token::new(token))).unwrap();
    exercise(&client).await;

    let counts = client.request_counts();
    let missed: Vec<&str> = Operation::ALL
        .iter()
        .filter(|operation| counts.get(**operation) == 0)
        .map(|operation| operation.name())
        .collect();
    assert!(missed.is_empty(), "operations the conformance run did not exercise: {missed:?}");
    let exchanges = recorder.exchanges();
    assert_eq!(exchanges.len() as u64, counts.total(), "every request went through the recorder");
    let flagged: Vec<&Exchange> = exchanges.iter().filter(|exchange| !exchange.violations.is_empty()).collect();
    println!(
        "conformance: {} exchanges for {} operations, {} with violations",
        exchanges.len(),
        Operation::ALL.len(),
        flagged.len()
    );
    if judged_here {
        let lines: Vec<String> = flagged
            .iter()
            .map(|exchange| {
                format!("{} {} {}: {:?}", exchange.method, exchange.path, exchange.status, exchange.violations)
            })
            .collect();
        assert!(lines.is_empty(), "violations:\n{}", lines.join("\n"));
    }
}

/// Every sink operation at least once, as a migration and its rollback would use them.
async fn exercise(client: &Client) {
    // Workspace: `GET /me`, `/admins`, `/teams`, `/tags`.
    let sink = IntercomSink::connect(client.clone()).await.unwrap();
    let me = sink.me().id.clone();
    let team = client.list_teams().await.unwrap().into_iter().next().expect("a team").id;

    // Schema: data attributes, conversation attributes.
    assert!(!client.list_data_attributes(AttributeModel::Contact).await.unwrap().is_empty());
    client.list_data_attributes(AttributeModel::Company).await.unwrap();
    let data_attribute = |name: &str, model, data_type, options: &[&str]| DataAttributeDraft {
        name: name.to_owned(),
        model,
        data_type,
        description: Some(format!("Migrated {name}")),
        options: options.iter().map(|option| (*option).to_owned()).collect(),
    };
    // Every type a data attribute can be created with.
    let drafts = [
        data_attribute("plan", AttributeModel::Contact, DataAttributeType::String, &[]),
        data_attribute("score", AttributeModel::Contact, DataAttributeType::Float, &[]),
        data_attribute("vip", AttributeModel::Contact, DataAttributeType::Boolean, &[]),
        data_attribute("renewal", AttributeModel::Contact, DataAttributeType::Date, &[]),
        data_attribute("last_order", AttributeModel::Contact, DataAttributeType::Datetime, &[]),
        data_attribute("tier", AttributeModel::Company, DataAttributeType::Options, &["bronze", "gold"]),
        data_attribute("seats", AttributeModel::Company, DataAttributeType::Integer, &[]),
    ];
    for draft in &drafts {
        client.create_data_attribute(draft).await.unwrap();
    }
    client.list_conversation_attributes().await.unwrap();
    // Every type the sink creates conversation (and ticket type) attributes with.
    let drafts = [
        attribute("ticket_id", ConversationAttributeType::Integer, &[]),
        attribute("priority", ConversationAttributeType::List, &["low", "high"]),
        attribute("vip", ConversationAttributeType::Boolean, &[]),
        attribute("score", ConversationAttributeType::Decimal, &[]),
        attribute("summary", ConversationAttributeType::String, &[]),
        attribute("due", ConversationAttributeType::Datetime, &[]),
    ];
    let mut conversation_attributes = Vec::new();
    for draft in &drafts {
        conversation_attributes.push(client.create_conversation_attribute(draft).await.unwrap());
    }

    // Contacts and companies.
    let mut ann_fields = contact(ContactRole::User, "ann");
    ann_fields.phone = Some("+49 30 1234".into());
    ann_fields.signed_up_at = Some(1_600_000_000);
    ann_fields.last_seen_at = Some(1_600_086_400);
    ann_fields.owner_id = Some(me.clone());
    ann_fields.unsubscribed_from_emails = Some(false);
    ann_fields.custom_attributes =
        map(json!({"plan": "gold", "score": 4.5, "vip": true, "renewal": 1_700_000_000, "last_order": 1_690_000_000}));
    let ann = client.create_contact(&ann_fields).await.unwrap().id;
    let bob = client.create_contact(&contact(ContactRole::User, "bob")).await.unwrap().id;
    let lead =
        ContactFields { role: Some(ContactRole::Lead), name: Some("Visitor".into()), ..ContactFields::default() };
    let visitor = client.create_contact(&lead).await.unwrap().id;
    let duplicate = client.create_contact(&contact(ContactRole::User, "ann")).await.unwrap_err();
    assert!(matches!(&duplicate, SinkError::Conflict { existing_id, .. } if *existing_id == ann), "{duplicate:?}");
    assert_eq!(client.find_contact_by_external_id("src-ann").await.unwrap().map(|found| found.id), Some(ann.clone()));
    assert_eq!(client.find_contact_by_external_id("src-nobody").await.unwrap(), None);
    assert_eq!(client.search_contacts_by_email("ann@example.com").await.unwrap().len(), 1);
    assert_eq!(client.search_contacts_by_external_id("src-bob").await.unwrap().len(), 1);
    assert_eq!(client.search_contacts_by_attribute("plan", "gold").await.unwrap().len(), 1);
    let update = ContactFields { name: Some("Ann Smith".into()), ..ContactFields::default() };
    client.update_contact(&ann, &update).await.unwrap();
    client.add_contact_note(&ann, "<p>Prefers email</p>", Some(&me)).await.unwrap();
    let migrated = sink.tag("migrated").await.unwrap();
    client.tag_contact(&ann, &migrated.id).await.unwrap();
    let company = CompanyFields {
        company_id: "acme".into(),
        name: Some("Acme".into()),
        plan: Some("pro".into()),
        size: Some(40),
        website: Some("https://acme.example".into()),
        industry: Some("Tools".into()),
        monthly_spend: Some(990),
        remote_created_at: Some(1_500_000_000),
        custom_attributes: map(json!({"tier": "gold", "seats": 12})),
    };
    let company = client.upsert_company(&company).await.unwrap().id;
    assert_eq!(client.find_company("acme").await.unwrap().map(|found| found.id), Some(company.clone()));
    assert_eq!(client.find_company("nobody").await.unwrap(), None);
    client.attach_company(&ann, &company).await.unwrap();
    let read = client.get_company(&company).await.unwrap().expect("the company exists");
    assert_eq!((read.company_id.as_deref(), read.plan.as_deref()), (Some("acme"), Some("pro")));
    let read = client.get_contact(&ann).await.unwrap().expect("the contact exists");
    assert_eq!(read.companies.map(|listed| listed.ids), Some(vec![company.clone()]));
    assert_eq!(client.list_contact_notes(&ann).await.unwrap().len(), 1);
    client.archive_contact(&bob).await.unwrap();

    // A conversation with its history, attributes, tags, assignment and state.
    let new = NewConversation {
        contact_id: ann.clone(),
        contact_role: ContactRole::User,
        body: "My printer is on fire".into(),
        created_at: Some(1_600_000_000),
        attachment_urls: vec!["https://files.example/fire.png".into()],
    };
    let conversation = client.create_conversation(&new).await.unwrap().conversation_id;
    let mut comment = reply(ReplyAuthor::Admin(me.clone()), ReplyKind::Comment, "Have you tried water?", 1_600_000_600);
    comment.attachment_urls = vec!["https://files.example/howto.pdf".into()];
    client.reply_conversation(&conversation, &comment).await.unwrap();
    let mut note = reply(ReplyAuthor::Admin(me.clone()), ReplyKind::Note, "<b>escalate</b>", 1_600_000_700);
    note.attachment_files =
        vec![AttachmentFile { content_type: "text/plain".into(), data: "aGVsbG8=".into(), name: "log.txt".into() }];
    client.reply_conversation(&conversation, &note).await.unwrap();
    let mut from_ann = reply(ReplyAuthor::Contact(ann.clone()), ReplyKind::Comment, "It worked", 1_600_000_900);
    from_ann.attachment_files =
        vec![AttachmentFile { content_type: "image/png".into(), data: "iVBORw0KGgo=".into(), name: "ok.png".into() }];
    client.reply_conversation(&conversation, &from_ann).await.unwrap();
    let update = ConversationUpdate {
        title: Some("Printer fire".into()),
        custom_attributes: map(json!({
            "ticket_id": 42, "priority": "high", "vip": true, "score": 4.5, "summary": "Fire, put out",
            "due": 1_600_086_400,
        })),
        company_id: Some(company.clone()),
    };
    client.update_conversation(&conversation, &update).await.unwrap();
    let fire = sink.tag("fire").await.unwrap();
    client.tag_conversation(&conversation, &fire.id, &me).await.unwrap();
    client.tag_conversation(&conversation, &migrated.id, &me).await.unwrap();
    assert!(client.untag_conversation(&conversation, &migrated.id, &me).await.unwrap());
    assert!(!client.untag_conversation(&conversation, &migrated.id, &me).await.unwrap());
    client.assign_conversation(&conversation, &me, &Assignee::Admin(me.clone())).await.unwrap();
    client.assign_conversation(&conversation, &me, &Assignee::Team(team.clone())).await.unwrap();
    client.snooze_conversation(&conversation, &me, 1_900_000_000).await.unwrap();
    client.open_conversation(&conversation, &me).await.unwrap();
    client.assign_conversation(&conversation, &me, &Assignee::Nobody).await.unwrap();
    client.close_conversation(&conversation, &me).await.unwrap();
    let read = client.get_conversation(&conversation).await.unwrap().expect("the conversation");
    assert_eq!((read.state.as_deref(), read.parts.len()), (Some("closed"), 9));
    assert_eq!(client.get_conversation("999999999").await.unwrap(), None);
    assert_eq!(client.find_created_conversation(&new).await.unwrap(), Some(conversation.clone()));
    // A lead's conversation: a contact without email or external id writes.
    let from_visitor = NewConversation {
        contact_id: visitor.clone(),
        contact_role: ContactRole::Lead,
        body: "Anyone there?".into(),
        created_at: Some(1_600_000_000),
        attachment_urls: Vec::new(),
    };
    let visitor_conversation = client.create_conversation(&from_visitor).await.unwrap().conversation_id;
    let again = reply(ReplyAuthor::Contact(visitor.clone()), ReplyKind::Comment, "Hello?", 1_600_000_100);
    client.reply_conversation(&visitor_conversation, &again).await.unwrap();

    // A ticket.
    assert!(client.list_ticket_types().await.unwrap().is_empty());
    let draft = TicketTypeDraft {
        name: "Helpdesk ticket".into(),
        description: Some("Migrated".into()),
        category: Some("Customer".into()),
        icon: Some("\u{1f39f}\u{fe0f}".into()),
    };
    let ticket_type = client.create_ticket_type(&draft).await.unwrap();
    let priority = attribute("Priority", ConversationAttributeType::List, &["Low", "High"]);
    client.create_ticket_type_attribute(&ticket_type.id, &priority).await.unwrap();
    let others = [
        attribute("Source id", ConversationAttributeType::String, &[]),
        attribute("Effort", ConversationAttributeType::Integer, &[]),
        attribute("Cost", ConversationAttributeType::Decimal, &[]),
        attribute("Urgent", ConversationAttributeType::Boolean, &[]),
        attribute("Due", ConversationAttributeType::Datetime, &[]),
    ];
    for draft in &others {
        client.create_ticket_type_attribute(&ticket_type.id, draft).await.unwrap();
    }
    assert_eq!(client.list_ticket_types().await.unwrap().len(), 1);
    let states = client.list_ticket_states().await.unwrap();
    let resolved =
        states.iter().find(|state| state.category.as_deref() == Some("resolved")).expect("resolved").id.clone();
    let new = NewTicket {
        ticket_type_id: ticket_type.id.clone(),
        contact_id: ann.clone(),
        created_at: Some(1_600_000_000),
        attributes: map(json!({
            "_default_title_": "Broken", "_default_description_": "It broke", "Source id": "HD-1", "Effort": 3,
            "Cost": 12.5, "Urgent": true, "Due": 1_600_086_400,
        })),
        admin_assignee_id: Some(me.clone()),
        team_assignee_id: Some(team.clone()),
        company_id: Some(company.clone()),
    };
    let ticket = client.create_ticket(&new).await.unwrap().id;
    let mut on_it = reply(ReplyAuthor::Admin(me.clone()), ReplyKind::Comment, "On it", 1_600_000_300);
    on_it.attachment_files =
        vec![AttachmentFile { content_type: "text/plain".into(), data: "aGVsbG8=".into(), name: "steps.txt".into() }];
    client.reply_ticket(&ticket, &on_it).await.unwrap();
    client
        .reply_ticket(&ticket, &reply(ReplyAuthor::Admin(me.clone()), ReplyKind::Note, "Internal", 1_600_000_350))
        .await
        .unwrap();
    let mut thanks = reply(ReplyAuthor::Contact(ann.clone()), ReplyKind::Comment, "Thanks", 1_600_000_400);
    thanks.attachment_urls = vec!["https://files.example/thanks.png".into()];
    client.reply_ticket(&ticket, &thanks).await.unwrap();
    client.tag_ticket(&ticket, &fire.id, &me).await.unwrap();
    let assign = TicketUpdate { assignee_id: Some(me.clone()), ..TicketUpdate::default() };
    client.update_ticket(&ticket, &assign).await.unwrap();
    let closed = TicketUpdate {
        ticket_state_id: Some(resolved),
        open: Some(false),
        ticket_attributes: map(json!({"Priority": "High"})),
        ..TicketUpdate::default()
    };
    assert_eq!(client.update_ticket(&ticket, &closed).await.unwrap().open, Some(false));

    // Help center: a collection, a section in it, an article in the section and one alone; read
    // back, listed, updated.
    let guides = CollectionDraft { name: "Guides".into(), description: Some("How-tos".into()), parent_id: None };
    let guides = client.create_collection(&guides).await.unwrap().id;
    let printers = CollectionDraft { name: "Printers".into(), description: None, parent_id: Some(guides.clone()) };
    let printers = client.create_collection(&printers).await.unwrap().id;
    let article = ArticleDraft {
        title: "Fire safety".into(),
        author_id: me.clone(),
        description: Some("What to do".into()),
        body: Some("<p>Use water.</p>".into()),
        published: true,
        collection_id: Some(printers.clone()),
        in_section: true,
    };
    let article = client.create_article(&article).await.unwrap().id;
    let draft = ArticleDraft {
        title: "Draft".into(),
        author_id: me.clone(),
        description: None,
        body: None,
        published: false,
        collection_id: None,
        in_section: false,
    };
    let draft = client.create_article(&draft).await.unwrap().id;
    assert_eq!(client.list_collections().await.unwrap().len(), 2);
    assert_eq!(client.list_articles().await.unwrap().len(), 2);
    assert!(client.get_collection(&printers).await.unwrap().is_some());
    assert_eq!(client.get_collection("999999").await.unwrap(), None);
    assert!(client.get_article(&article).await.unwrap().is_some());
    assert_eq!(client.get_article("999999").await.unwrap(), None);
    let renamed = CollectionDraft {
        name: "Printers & scanners".into(),
        description: Some("Hardware".into()),
        parent_id: Some(guides.clone()),
    };
    client.update_collection(&printers, &renamed).await.unwrap();
    let update = ArticleUpdate {
        title: Some("Fire safety, revised".into()),
        author_id: Some(me.clone()),
        description: Some("What to do first".into()),
        body: Some("<p>Use water, then run.</p>".into()),
        published: Some(true),
        collection_id: Some(guides.clone()),
        in_section: false,
    };
    client.update_article(&article, &update).await.unwrap();
    // A collection that still holds something is refused before anything is sent.
    assert!(matches!(client.delete_collection(&guides).await, Err(SinkError::Refused { .. })));

    // Custom objects.
    let order = CustomObjectFields {
        external_id: "order-1".into(),
        external_created_at: Some(1_500_000_000),
        external_updated_at: Some(1_500_000_100),
        custom_attributes: map(json!({"number": "ORD-1", "total": 99.5})),
    };
    client.upsert_custom_object("Order", &order).await.unwrap();
    assert!(client.get_custom_object("Order", "order-1").await.unwrap().is_some());
    assert_eq!(client.get_custom_object("Order", "order-2").await.unwrap(), None);
    assert!(client.custom_object_type_exists("Order").await.unwrap());

    // Rollback, newest first.
    assert!(client.delete_ticket(&ticket).await.unwrap());
    assert!(client.delete_conversation(&conversation).await.unwrap());
    assert!(client.delete_conversation(&visitor_conversation).await.unwrap());
    assert!(client.delete_custom_object("Order", "order-1").await.unwrap());
    assert!(!client.delete_custom_object("Order", "order-1").await.unwrap());
    for article in [&article, &draft] {
        assert!(client.delete_article(article).await.unwrap());
    }
    assert!(client.delete_collection(&printers).await.unwrap());
    assert!(client.delete_collection(&guides).await.unwrap());
    assert!(client.delete_tag(&fire.id).await.unwrap());
    assert!(client.delete_company(&company).await.unwrap());
    assert!(client.delete_contact(&ann, &HashSet::from([conversation.clone()])).await.unwrap());
    assert!(!client.delete_contact(&ann, &HashSet::new()).await.unwrap());
    for attribute in &conversation_attributes {
        assert!(client.archive_conversation_attribute(&attribute.id).await.unwrap());
    }
}
