//! The Intercom sandbox over real HTTP: authentication, rate limits, Intercom's errors, the
//! stateful behaviours a migration relies on (upserts, cascades, search lag, the 500-part window)
//! and every injected fault as a client sees it.

use std::time::Duration;

use cutover::sandbox::intercom::{FaultConfig, FaultKind, Sandbox, SandboxConfig};
use reqwest::Method;
use serde_json::{Value, json};

const TOKEN: &str = "sandbox-token";

/// A client for one sandbox: sends JSON with the token and the 2.16 version header.
struct Client {
    http: reqwest::Client,
    base: String,
}

/// A response: status, headers, JSON body (`Null` when empty).
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The first error's code and message.
    fn error(&self) -> (String, String) {
        let error = &self.body["errors"][0];
        (
            error["code"].as_str().unwrap_or_default().to_string(),
            error["message"].as_str().unwrap_or_default().to_string(),
        )
    }
}

impl Client {
    fn new(sandbox: &Sandbox) -> Client {
        Client { http: reqwest::Client::new(), base: sandbox.base_url() }
    }

    fn with_timeout(sandbox: &Sandbox, timeout: Duration) -> Client {
        let http = reqwest::Client::builder().timeout(timeout).build().expect("client");
        Client { http, base: sandbox.base_url() }
    }

    async fn try_send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> reqwest::Result<Reply> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Intercom-Version", "2.16")
            .header("Accept", "application/json");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await?;
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("a JSON body") };
        Ok(Reply { status, headers, body })
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.try_send(method, path, body, Some(TOKEN)).await.expect("a response")
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }

    /// Sends a POST and returns only the status (for bulk requests whose bodies do not matter).
    async fn post_status(&self, path: &str, body: Value) -> u16 {
        let request = self.http.post(format!("{}{path}", self.base)).bearer_auth(TOKEN).json(&body);
        request.send().await.expect("a response").status().as_u16()
    }

    /// Creates a user and returns its id.
    async fn user(&self, email: &str, external_id: &str) -> String {
        let reply = self.post("/contacts", json!({ "role": "user", "email": email, "external_id": external_id })).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["id"].as_str().expect("an id").to_string()
    }
}

async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("the sandbox starts")
}

#[tokio::test]
async fn requests_without_the_token_get_401_without_rate_headers() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    for token in [None, Some("wrong-token")] {
        let reply = client.try_send(Method::GET, "/me", None, token).await.expect("a response");
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body["type"], "error.list");
        assert!(reply.body["request_id"].is_string());
        assert_eq!(reply.error(), ("unauthorized".to_string(), "Access Token Invalid".to_string()));
        assert_eq!(reply.header("x-ratelimit-limit"), None);
    }
    let me = client.get("/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["type"], "admin");
    assert_eq!(me.body["email"], "operator@example.com");
    assert_eq!(me.body["app"]["type"], "app");
    assert_eq!(me.header("x-ratelimit-limit"), Some("1666"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_paths_methods_and_versions_get_error_lists() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let unknown = client.get("/no_such_thing").await;
    assert_eq!((unknown.status, unknown.error().0.as_str()), (404, "not_found"));
    let wrong_method = client.post("/teams", json!({ "name": "x" })).await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.body["type"], "error.list");
    assert_eq!(wrong_method.header("allow"), Some("GET"));
    let bad_version = client
        .http
        .get(format!("{}/me", client.base))
        .bearer_auth(TOKEN)
        .header("Intercom-Version", "9.9")
        .send()
        .await
        .expect("a response");
    assert_eq!(bad_version.status().as_u16(), 400);
    let body: Value = bad_version.json().await.expect("json");
    assert_eq!(body["errors"][0]["code"], "intercom_version_invalid");
    let admin = client.get("/admins/1").await;
    assert_eq!(admin.error().0, "admin_not_found");
    let teams = client.get("/teams").await;
    assert_eq!(teams.body["type"], "team.list");
    assert_eq!(teams.body["teams"][0]["name"], "Support");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_rate_limit_allows_n_per_window_then_answers_429() {
    let sandbox = start(SandboxConfig { rate_limit: 5, ..SandboxConfig::default() }).await;
    let client = Client::new(&sandbox);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    for remaining in (0..5).rev() {
        let reply = client.get("/me").await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("x-ratelimit-limit"), Some("5"));
        assert_eq!(reply.header("x-ratelimit-remaining"), Some(remaining.to_string().as_str()));
        let reset: u64 = reply.header("x-ratelimit-reset").expect("reset").parse().expect("unix seconds");
        assert!((now..=now + 12).contains(&reset), "reset {reset} is about 10 s after {now}");
    }
    let limited = client.get("/me").await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.error(),
        ("rate_limit_exceeded".to_string(), "Exceeded rate limit of 5 in 10_seconds".to_string())
    );
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(limited.header("retry-after"), None);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_shorter_window_resets_sooner_and_says_its_length() {
    let config = SandboxConfig { rate_limit: 2, window: Duration::from_millis(1_000), ..SandboxConfig::default() };
    let sandbox = start(config).await;
    let client = Client::new(&sandbox);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let first = client.get("/me").await;
    let reset: u64 = first.header("x-ratelimit-reset").expect("reset").parse().expect("unix seconds");
    assert!((now + 1..=now + 3).contains(&reset), "reset {reset} is about 1 s after {now}");
    assert_eq!(client.get("/me").await.status, 200);
    let limited = client.get("/me").await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.error(),
        ("rate_limit_exceeded".to_string(), "Exceeded rate limit of 2 in 1 second".to_string())
    );
    assert_eq!(limited.header("x-ratelimit-reset"), Some(reset.to_string().as_str()));
    tokio::time::sleep(Duration::from_millis(1_050)).await;
    let next = client.get("/me").await;
    assert_eq!((next.status, next.header("x-ratelimit-remaining")), (200, Some("1")), "a new window");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_duplicate_user_gets_409_with_the_existing_id() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let id = client.user("ann@example.com", "src-1").await;
    assert_eq!(id.len(), 24);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    for duplicate in
        [json!({ "email": "ANN@example.com" }), json!({ "external_id": "src-1", "email": "other@example.com" })]
    {
        let reply = client.post("/contacts", duplicate).await;
        assert_eq!(reply.status, 409);
        let (code, message) = reply.error();
        assert_eq!(code, "conflict");
        assert_eq!(message, format!("A contact matching those details already exists with id={id}"));
    }
    let lead = client.post("/contacts", json!({ "role": "lead", "email": "ann@example.com" })).await;
    assert_eq!(lead.status, 200, "leads are exempt from uniqueness");
    let found = client.get("/contacts/find_by_external_id/src-1").await;
    assert_eq!(found.body["id"], id.as_str());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn custom_attributes_must_be_created_first() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let contact = client.user("bo@example.com", "src-2").await;
    let created =
        client.post("/conversations", json!({ "from": { "type": "user", "id": contact }, "body": "Hello" })).await;
    let conversation = created.body["conversation_id"].as_str().expect("conversation_id").to_string();
    let update = json!({ "custom_attributes": { "source_ticket": "T-1" } });
    let refused = client.put(&format!("/conversations/{conversation}"), update.clone()).await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.error(),
        ("parameter_invalid".to_string(), "Conversation attribute 'source_ticket' does not exist".to_string())
    );
    let attribute =
        client.post("/conversations/attributes", json!({ "name": "source_ticket", "data_type": "string" })).await;
    assert_eq!(attribute.status, 200, "{}", attribute.body);
    assert_eq!(attribute.body["type"], "conversation_attribute");
    assert!(attribute.body["id"].is_u64());
    let accepted = client.put(&format!("/conversations/{conversation}"), update).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(accepted.body["custom_attributes"]["source_ticket"], "T-1");

    let contact_update = json!({ "custom_attributes": { "plan": "gold" } });
    let refused = client.put(&format!("/contacts/{contact}"), contact_update.clone()).await;
    assert_eq!((refused.status, refused.error().0.as_str()), (400, "parameter_invalid"));
    let data_attribute =
        client.post("/data_attributes", json!({ "name": "plan", "model": "contact", "data_type": "string" })).await;
    assert_eq!(data_attribute.status, 200, "{}", data_attribute.body);
    assert_eq!(data_attribute.body["full_name"], "custom_attributes.plan");
    let again =
        client.post("/data_attributes", json!({ "name": "plan", "model": "company", "data_type": "string" })).await;
    assert_eq!((again.status, again.error().0.as_str()), (400, "parameter_invalid"));
    let accepted = client.put(&format!("/contacts/{contact}"), contact_update).await;
    assert_eq!(accepted.body["custom_attributes"]["plan"], "gold");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tags_are_created_once_whatever_the_case() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let first = client.post("/tags", json!({ "name": "VIP" })).await;
    assert_eq!(first.body["type"], "tag");
    let second = client.post("/tags", json!({ "name": "vip" })).await;
    assert_eq!(second.body["id"], first.body["id"]);
    assert_eq!(second.body["name"], "VIP");
    let tags = client.get("/tags").await;
    assert_eq!(tags.body["data"].as_array().map(Vec::len), Some(1));
    let contact = client.user("cy@example.com", "src-3").await;
    let created =
        client.post("/conversations", json!({ "from": { "type": "user", "id": contact }, "body": "Hi" })).await;
    let conversation = created.body["conversation_id"].as_str().expect("conversation_id");
    let admin = client.get("/me").await.body["id"].clone();
    let tagged = client
        .post(&format!("/conversations/{conversation}/tags"), json!({ "id": first.body["id"], "admin_id": admin }))
        .await;
    assert_eq!(tagged.status, 200, "{}", tagged.body);
    assert_eq!(tagged.body["applied_by"]["id"], admin);
    let deleted = client.delete(&format!("/tags/{}", first.body["id"].as_str().expect("id"))).await;
    assert_eq!((deleted.status, deleted.body.clone()), (200, Value::Null));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tags_come_off_conversations_and_go_on_tickets() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let admin = client.get("/me").await.body["id"].clone();
    let tag = client.post("/tags", json!({ "name": "Billing" })).await.body["id"].clone();
    let contact = client.user("di@example.com", "src-4").await;
    let created =
        client.post("/conversations", json!({ "from": { "type": "user", "id": contact }, "body": "Hi" })).await;
    let conversation = created.body["conversation_id"].as_str().expect("conversation_id").to_string();
    let tagged =
        client.post(&format!("/conversations/{conversation}/tags"), json!({ "id": tag, "admin_id": admin })).await;
    assert_eq!(tagged.status, 200, "{}", tagged.body);

    // Removing needs the admin in the body, like applying.
    let path = format!("/conversations/{conversation}/tags/{}", tag.as_str().expect("id"));
    let without_admin = client.send(Method::DELETE, &path, Some(json!({}))).await;
    assert_eq!((without_admin.status, without_admin.error().0.as_str()), (400, "parameter_not_found"));
    let unknown_path = format!("/conversations/{conversation}/tags/999");
    let unknown = client.send(Method::DELETE, &unknown_path, Some(json!({ "admin_id": admin }))).await;
    assert_eq!((unknown.status, unknown.error().0.as_str()), (404, "tag_not_found"));
    let removed = client.send(Method::DELETE, &path, Some(json!({ "admin_id": admin }))).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!((removed.body["type"].clone(), removed.body["id"].clone()), (json!("tag"), tag.clone()));
    assert_eq!(removed.body["name"], "Billing");
    assert_eq!(removed.body["applied_by"]["id"], admin);
    let read = client.get(&format!("/conversations/{conversation}")).await;
    assert_eq!(read.body["tags"]["tags"], json!([]));
    let again = client.send(Method::DELETE, &path, Some(json!({ "admin_id": admin }))).await;
    assert_eq!((again.status, again.error().0.as_str()), (404, "tag_not_found"), "nothing left to remove");
    let gone = client.send(Method::DELETE, "/conversations/424242/tags/1", Some(json!({ "admin_id": admin }))).await;
    assert_eq!((gone.status, gone.error().1.as_str()), (404, "Conversation not found"));

    // Tickets are tagged the same way.
    let ticket_type = client.post("/ticket_types", json!({ "name": "Question" })).await.body["id"].clone();
    let ticket =
        client.post("/tickets", json!({ "ticket_type_id": ticket_type, "contacts": [{ "id": contact }] })).await;
    let ticket = ticket.body["id"].as_str().expect("ticket id").to_string();
    let tagged = client.post(&format!("/tickets/{ticket}/tags"), json!({ "id": tag, "admin_id": admin })).await;
    assert_eq!(tagged.status, 200, "{}", tagged.body);
    assert_eq!((tagged.body["id"].clone(), tagged.body["applied_by"]["id"].clone()), (tag.clone(), admin.clone()));
    let read = client.get(&format!("/tickets/{ticket}")).await;
    assert_eq!(read.body["tags"]["tags"][0]["id"], tag);
    let without_admin = client.post(&format!("/tickets/{ticket}/tags"), json!({ "id": tag })).await;
    assert_eq!((without_admin.status, without_admin.error().0.as_str()), (400, "parameter_not_found"));
    let unknown_tag = client.post(&format!("/tickets/{ticket}/tags"), json!({ "id": "999", "admin_id": admin })).await;
    assert_eq!((unknown_tag.status, unknown_tag.error().0.as_str()), (404, "tag_not_found"));
    let unknown_ticket = client.post("/tickets/424242/tags", json!({ "id": tag, "admin_id": admin })).await;
    assert_eq!((unknown_ticket.status, unknown_ticket.error().0.as_str()), (404, "ticket_not_found"));
    assert_eq!(sandbox.dump()["tickets"][0]["tags"], json!([tag]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn ticket_states_cover_every_category_and_every_ticket_type() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let empty = client.get("/ticket_states").await;
    assert_eq!(empty.body["type"], "list");
    assert_eq!(empty.body["data"][0]["ticket_types"], json!({ "type": "list", "data": [] }));
    let bug = client.post("/ticket_types", json!({ "name": "Bug", "category": "Back-office" })).await.body;
    let question = client.post("/ticket_types", json!({ "name": "Question" })).await.body;
    let states = client.get("/ticket_states").await;
    assert_eq!(states.status, 200);
    let states = states.body["data"].as_array().expect("a list").clone();
    let categories: Vec<&str> = states.iter().map(|state| state["category"].as_str().expect("category")).collect();
    assert_eq!(categories, ["submitted", "in_progress", "waiting_on_customer", "resolved"]);
    for state in &states {
        assert_eq!((state["type"].as_str(), state["archived"].as_bool()), (Some("ticket_state"), Some(false)));
        assert!(state["internal_label"].is_string() && state["external_label"].is_string(), "{state}");
        let types: Vec<&Value> = state["ticket_types"]["data"].as_array().expect("ticket types").iter().collect();
        assert_eq!(types.iter().map(|t| &t["id"]).collect::<Vec<_>>(), [&bug["id"], &question["id"]]);
        assert_eq!((types[0]["name"].as_str(), types[0]["category"].as_str()), (Some("Bug"), Some("Back-office")));
    }
    // The same states a ticket type lists, so any of them can be set on any ticket.
    let of_type: Vec<Value> =
        question["ticket_states"]["data"].as_array().expect("states").iter().map(|s| s["id"].clone()).collect();
    assert_eq!(of_type, states.iter().map(|s| s["id"].clone()).collect::<Vec<_>>());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn replies_keep_their_order_and_only_the_500_most_recent_parts_are_returned() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let contact = client.user("di@example.com", "src-4").await;
    let admin = client.get("/me").await.body["id"].as_str().expect("admin id").to_string();
    let start_at = 1_600_000_000;
    let created = client
        .post(
            "/conversations",
            json!({ "from": { "type": "user", "id": contact }, "body": "first message", "created_at": start_at }),
        )
        .await;
    assert_eq!(created.body["type"], "user_message");
    assert_eq!(created.body["created_at"], start_at);
    let conversation = created.body["conversation_id"].as_str().expect("conversation_id").to_string();
    assert!(conversation.chars().all(|c| c.is_ascii_digit()));
    for n in 1..=505 {
        let reply = if n % 2 == 0 {
            json!({ "type": "user", "message_type": "comment", "intercom_user_id": contact,
                    "body": format!("reply {n}"), "created_at": start_at + n })
        } else {
            json!({ "type": "admin", "message_type": "comment", "admin_id": admin,
                    "body": format!("reply {n}"), "created_at": start_at + n,
                    "attachment_urls": ["https://files.example.com/report.pdf"] })
        };
        assert_eq!(client.post_status(&format!("/conversations/{conversation}/reply"), reply).await, 200);
    }
    let fetched = client.get(&format!("/conversations/{conversation}")).await;
    assert_eq!(fetched.body["created_at"], start_at);
    assert_eq!(fetched.body["source"]["body"], "first message");
    let parts = &fetched.body["conversation_parts"];
    assert_eq!(parts["type"], "conversation_part.list");
    assert_eq!(parts["total_count"], 505);
    let parts = parts["conversation_parts"].as_array().expect("parts");
    assert_eq!(parts.len(), 500);
    assert_eq!(parts[0]["body"], "reply 6");
    assert_eq!(parts[499]["body"], "reply 505");
    let times: Vec<i64> = parts.iter().map(|part| part["created_at"].as_i64().expect("created_at")).collect();
    assert!(times.windows(2).all(|pair| pair[0] < pair[1]));
    assert_eq!(parts[1]["attachments"][0]["content_type"], "application/pdf");

    let closed = client
        .post(
            &format!("/conversations/{conversation}/parts"),
            json!({ "message_type": "close", "type": "admin", "admin_id": admin }),
        )
        .await;
    assert_eq!((closed.body["state"].as_str(), closed.body["open"].as_bool()), (Some("closed"), Some(false)));
    let integer_ids = client
        .post(
            &format!("/conversations/{conversation}/parts"),
            json!({ "message_type": "open", "admin_id": admin.parse::<u64>().expect("numeric") }),
        )
        .await;
    assert_eq!((integer_ids.status, integer_ids.error().0.as_str()), (400, "parameter_invalid"));
    let assigned = client
        .post(
            &format!("/conversations/{conversation}/parts"),
            json!({ "message_type": "assignment", "type": "admin", "admin_id": admin, "assignee_id": admin }),
        )
        .await;
    assert_eq!(assigned.body["admin_assignee_id"].to_string(), admin);
    let dump = sandbox.dump();
    let dumped = &dump["conversations"][0];
    assert_eq!(dumped["parts"].as_array().map(Vec::len), Some(507));
    assert_eq!(dumped["parts"][505]["created_at"], Value::Null, "a close part carries the import time");
    assert_eq!(dumped["state"], "closed");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn conversations_are_found_by_contact_and_day() {
    let sandbox = start(SandboxConfig { latency: Duration::from_millis(20), ..SandboxConfig::default() }).await;
    let client = Client::new(&sandbox);
    let contact = client.user("jo@example.com", "src-10").await;
    let day = 1_600_041_600; // 2020-09-14 00:00 UTC
    for (offset, body) in [(3_600, "morning"), (86_400 + 60, "next day")] {
        let created = client
            .post(
                "/conversations",
                json!({ "from": { "type": "user", "id": contact }, "body": body, "created_at": day + offset }),
            )
            .await;
        assert_eq!(created.status, 200);
    }
    let started = std::time::Instant::now();
    let search = |value: Value| {
        json!({ "query": { "operator": "AND", "value": [
        { "field": "contact_ids", "operator": "=", "value": contact },
        { "field": "created_at", "operator": "=", "value": value },
    ] } })
    };
    let found = client.post("/conversations/search", search(json!(day + 50_000))).await;
    assert!(started.elapsed() >= Duration::from_millis(20), "latency is added before the response");
    assert_eq!(found.body["type"], "conversation.list");
    assert_eq!(found.body["total_count"], 1);
    assert_eq!(found.body["conversations"][0]["source"]["body"], "morning");
    assert!(found.body["conversations"][0].get("conversation_parts").is_none());
    let later = client
        .post(
            "/conversations/search",
            json!({ "query": { "field": "created_at", "operator": ">", "value": day + 3_600 },
                    "pagination": { "per_page": 1 } }),
        )
        .await;
    assert_eq!(later.body["total_count"], 1);
    assert_eq!(later.body["conversations"][0]["source"]["body"], "next day");
    let wrong = client.post("/conversations/search", search(json!("yesterday"))).await;
    assert_eq!((wrong.status, wrong.error().0.as_str()), (400, "parameter_invalid"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn deleting_a_contact_deletes_its_conversations() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let contact = client.user("ed@example.com", "src-5").await;
    let other = client.user("fi@example.com", "src-6").await;
    let mut conversations = Vec::new();
    for who in [&contact, &contact, &other] {
        let created =
            client.post("/conversations", json!({ "from": { "type": "user", "id": who }, "body": "Hi" })).await;
        conversations.push(created.body["conversation_id"].as_str().expect("conversation_id").to_string());
    }
    let deleted = client.delete(&format!("/contacts/{contact}")).await;
    assert_eq!(deleted.body, json!({ "id": contact, "external_id": "src-5", "type": "contact", "deleted": true }));
    for gone in &conversations[..2] {
        assert_eq!(client.get(&format!("/conversations/{gone}")).await.status, 404);
    }
    assert_eq!(client.get(&format!("/conversations/{}", conversations[2])).await.status, 200);
    assert_eq!(client.get(&format!("/contacts/{contact}")).await.status, 404);
    let dump = sandbox.dump();
    assert_eq!(dump["deleted"]["contacts"], json!([contact]));
    assert_eq!(dump["deleted"]["conversations"].as_array().map(Vec::len), Some(2));
    assert_eq!(dump["conversations"].as_array().map(Vec::len), Some(1));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn companies_upsert_by_company_id() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let first = client.post("/companies", json!({ "company_id": "acme-1", "name": "Acme", "size": 10 })).await;
    assert_eq!(first.body["type"], "company");
    let second =
        client.post("/companies", json!({ "company_id": "acme-1", "name": "Acme Inc.", "monthly_spend": 155.9 })).await;
    assert_eq!(second.body["id"], first.body["id"]);
    assert_eq!((second.body["name"].as_str(), second.body["size"].as_i64()), (Some("Acme Inc."), Some(10)));
    assert_eq!(second.body["monthly_spend"], 155);
    let found = client.get("/companies?company_id=acme-1").await;
    assert_eq!(found.body["data"][0]["id"], first.body["id"]);
    assert_eq!(client.get("/companies?company_id=nope").await.error().0, "company_not_found");
    let contact = client.user("gu@example.com", "src-7").await;
    let attached = client.post(&format!("/contacts/{contact}/companies"), json!({ "id": first.body["id"] })).await;
    assert_eq!(attached.body["user_count"], 1);
    let company = first.body["id"].as_str().expect("id");
    let deleted = client.delete(&format!("/companies/{company}")).await;
    assert_eq!(deleted.body, json!({ "id": company, "object": "company", "deleted": true }));
    let dump = sandbox.dump();
    assert_eq!(dump["companies"].as_array().map(Vec::len), Some(1));
    assert_eq!(dump["companies"][0]["archived"], true);
    assert_eq!(dump["contacts"][0]["companies"], json!([]));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn custom_object_instances_upsert_by_external_id() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let body = |total: &str| json!({ "external_id": "order-1", "custom_attributes": { "total": total } });
    let first = client.post("/custom_object_instances/Order", body("10")).await;
    assert_eq!(first.body["type"], "Order");
    let second = client.post("/custom_object_instances/Order", body("12")).await;
    assert_eq!(second.body["id"], first.body["id"]);
    let found = client.get("/custom_object_instances/Order?external_id=order-1").await;
    assert_eq!(found.body["custom_attributes"]["total"], "12");
    let deleted = client.delete("/custom_object_instances/Order?external_id=order-1").await;
    assert_eq!(deleted.body, json!({ "id": first.body["id"], "object": "Order", "deleted": true }));
    assert_eq!(client.get("/custom_object_instances/Order?external_id=order-1").await.status, 404);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn custom_object_types_are_the_configured_ones_and_others_are_not_found() {
    let config =
        SandboxConfig { custom_object_types: vec!["Change".into(), "Asset".into()], ..SandboxConfig::default() };
    let sandbox = start(config).await;
    let client = Client::new(&sandbox);
    let created = client.post("/custom_object_instances/Change", json!({ "external_id": "CH-1" })).await;
    assert_eq!(created.status, 200);
    let page = client.get("/custom_object_instances/Asset?per_page=1").await;
    assert_eq!((page.status, &page.body["total_count"]), (200, &json!(0)));
    let not_found = json!({ "code": "not_found", "message": "Custom object type `Order` not found" });
    for response in [
        client.post("/custom_object_instances/Order", json!({ "external_id": "o-1" })).await,
        client.get("/custom_object_instances/Order?per_page=1").await,
        client.get("/custom_object_instances/Order?external_id=o-1").await,
        client.delete("/custom_object_instances/Order?external_id=o-1").await,
    ] {
        assert_eq!(response.status, 404);
        assert_eq!(response.body["type"], "error.list");
        assert_eq!(response.body["errors"][0], not_found);
    }
    assert_eq!(sandbox.dump()["custom_object_instances"].as_array().unwrap().len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn collections_and_articles_are_listed_read_updated_and_deleted() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::new(&sandbox);
    let admin = client.get("/me").await.body["id"].as_str().expect("id").parse::<u64>().expect("numeric");
    let guides = client.post("/help_center/collections", json!({ "name": "Guides" })).await.body;
    let guides = guides["id"].as_str().expect("id").to_string();
    let section =
        client.post("/help_center/collections", json!({ "name": "Printers", "parent_id": guides })).await.body;
    let section = section["id"].as_str().expect("id").to_string();
    let mut articles = Vec::new();
    for n in 0..3 {
        let created = client
            .post(
                "/articles",
                json!({ "title": format!("A{n}"), "author_id": admin, "parent_id": section.parse::<u64>().expect("n"),
                        "parent_type": "section", "body": "<p>x</p>" }),
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
        articles.push(created.body["id"].as_str().expect("id").to_string());
    }

    // Lists: the list envelope with page numbers, a page at a time.
    let listed = client.get("/articles?per_page=2").await.body;
    assert_eq!(listed["type"], "list");
    assert_eq!(listed["total_count"], 3);
    assert_eq!(listed["pages"], json!({ "type": "pages", "page": 1, "per_page": 2, "total_pages": 2 }));
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(listed["data"][0]["type"], "article");
    assert_eq!(
        listed["data"][0]["parent_ids"],
        json!([section.parse::<u64>().unwrap(), guides.parse::<u64>().unwrap()])
    );
    assert!(listed["data"][0].get("statistics").is_none(), "list items carry no statistics");
    let second = client.get("/articles?per_page=2&page=2").await.body;
    assert_eq!(second["data"].as_array().map(Vec::len), Some(1));
    let mut seen: Vec<Value> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["data"].as_array().unwrap())
        .map(|a| a["id"].clone())
        .collect();
    seen.sort_by_key(|id| id.as_str().unwrap().parse::<u64>().unwrap());
    assert_eq!(seen, articles.iter().map(|id| json!(id)).collect::<Vec<_>>());
    let too_many = client.get("/articles?per_page=151").await;
    assert_eq!((too_many.status, too_many.error().0.as_str()), (400, "parameter_invalid"));
    let collections = client.get("/help_center/collections").await.body;
    assert_eq!(collections["pages"]["per_page"], 20);
    let names: Vec<&str> =
        collections["data"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2);

    // Read one; unknown ids are 404 error lists.
    let one = client.get(&format!("/help_center/collections/{section}")).await;
    assert_eq!((one.status, &one.body["parent_id"]), (200, &json!(guides)));
    let article = client.get(&format!("/articles/{}", articles[0])).await;
    assert_eq!((article.status, &article.body["statistics"]["type"]), (200, &json!("article_statistics")));
    for path in ["/help_center/collections/999999", "/articles/999999", "/articles/abc"] {
        let missing = client.get(path).await;
        assert_eq!((missing.status, &missing.body["type"]), (404, &json!("error.list")), "{path}");
        assert_eq!(missing.error(), ("not_found".to_string(), "Resource Not Found".to_string()), "{path}");
        let missing = client.put(path, json!({ "name": "x", "title": "x" })).await;
        assert_eq!(missing.status, 404, "{path}");
    }

    // Updates change only what is sent, move updated_at, and put the item first in its list.
    let created_at = article.body["updated_at"].as_i64().expect("updated_at");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let updated =
        client.put(&format!("/articles/{}", articles[0]), json!({ "title": "Renamed", "parent_id": guides })).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!((&updated.body["title"], &updated.body["body"]), (&json!("Renamed"), &json!("<p>x</p>")));
    assert_eq!(
        (&updated.body["state"], &updated.body["parent_ids"]),
        (&json!("draft"), &json!([guides.parse::<u64>().unwrap()]))
    );
    assert!(updated.body["updated_at"].as_i64().expect("updated_at") > created_at);
    assert_eq!(client.get("/articles").await.body["data"][0]["id"], json!(articles[0]), "most recently updated first");
    let bad = client.put(&format!("/articles/{}", articles[0]), json!({ "state": "archived" })).await;
    assert_eq!((bad.status, bad.error().0.as_str()), (400, "parameter_invalid"));
    let renamed = client.put(&format!("/help_center/collections/{section}"), json!({ "name": "Printing" })).await;
    assert_eq!((&renamed.body["name"], &renamed.body["parent_id"]), (&json!("Printing"), &json!(guides)));
    assert!(renamed.body["updated_at"].as_i64() > one.body["updated_at"].as_i64());
    let cycle = client.put(&format!("/help_center/collections/{guides}"), json!({ "parent_id": section })).await;
    assert_eq!((cycle.status, cycle.error().0.as_str()), (400, "parameter_invalid"));
    let top = client.put(&format!("/help_center/collections/{section}"), json!({ "parent_id": null })).await;
    assert_eq!(top.body["parent_id"], Value::Null);

    for article in &articles {
        assert_eq!(client.delete(&format!("/articles/{article}")).await.body["deleted"], true);
    }
    let deleted = client.delete(&format!("/help_center/collections/{section}")).await;
    assert_eq!(deleted.body, json!({ "id": section, "object": "collection", "deleted": true }));
    assert_eq!(client.delete(&format!("/help_center/collections/{section}")).await.status, 404);
    assert_eq!(client.get("/articles").await.body["total_count"], 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_new_contact_reaches_search_after_the_lag() {
    let sandbox = start(SandboxConfig { search_lag: 2, ..SandboxConfig::default() }).await;
    let client = Client::new(&sandbox);
    let id = client.user("hu@example.com", "src-8").await;
    let query = json!({ "query": { "operator": "AND", "value": [
        { "field": "email", "operator": "=", "value": "hu@example.com" },
        { "field": "external_id", "operator": "=", "value": "src-8" },
    ] } });
    for _ in 0..2 {
        let early = client.post("/contacts/search", query.clone()).await;
        assert_eq!((early.body["type"].as_str(), early.body["total_count"].as_u64()), (Some("list"), Some(0)));
    }
    let found = client.post("/contacts/search", query).await;
    assert_eq!(found.body["total_count"], 1);
    assert_eq!(found.body["data"][0]["id"], id.as_str());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn each_fault_is_seen_by_the_client() {
    let sandbox = start(SandboxConfig::default()).await;
    let client = Client::with_timeout(&sandbox, Duration::from_millis(500));
    let only = |kind| FaultConfig { rate: 1.0, kinds: vec![kind], hold: Duration::from_secs(3) };
    let contact = |n: u32| json!({ "email": format!("fault{n}@example.com") });
    let emails = || -> Vec<String> {
        sandbox.dump()["contacts"]
            .as_array()
            .expect("contacts")
            .iter()
            .map(|c| c["email"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    sandbox.set_faults(only(FaultKind::TooManyRequests));
    assert_eq!(client.get("/me").await.status, 200, "reads are never faulted");
    let limited = client.post("/contacts", contact(1)).await;
    assert_eq!((limited.status, limited.error().0.as_str()), (429, "rate_limit_exceeded"));
    assert_eq!(limited.header("x-ratelimit-remaining"), Some("0"));
    assert!(limited.header("x-ratelimit-reset").is_some());

    sandbox.set_faults(only(FaultKind::ServerError));
    assert_eq!(client.post("/contacts", contact(2)).await.status, 500);

    sandbox.set_faults(only(FaultKind::Timeout));
    let timed_out = client.try_send(Method::POST, "/contacts", Some(contact(3)), Some(TOKEN)).await;
    assert!(timed_out.as_ref().is_err_and(reqwest::Error::is_timeout), "a timeout");

    sandbox.set_faults(only(FaultKind::ConnectionReset));
    let reset = client.try_send(Method::POST, "/contacts", Some(contact(4)), Some(TOKEN)).await;
    assert!(reset.as_ref().is_err_and(|error| !error.is_timeout()), "a connection error");

    sandbox.set_faults(only(FaultKind::LostResponse));
    let lost = client.try_send(Method::POST, "/contacts", Some(contact(5)), Some(TOKEN)).await;
    assert!(lost.as_ref().is_err_and(|error| !error.is_timeout()), "a connection error");

    sandbox.set_faults(FaultConfig::default());
    assert_eq!(client.post("/contacts", contact(6)).await.status, 200);
    let mut stored = emails();
    stored.sort();
    assert_eq!(stored, ["fault3@example.com", "fault5@example.com", "fault6@example.com"]);
    let statuses: Vec<u16> = sandbox.requests().iter().map(|request| request.status).collect();
    assert_eq!(statuses, [200, 429, 500, 200, 0, 200, 200]);
    sandbox.shutdown().await;
}

/// A fixed scenario touching most object types.
/// A reply's file over the configured byte limit is refused as Intercom refuses invalid
/// parameters, and nothing of the reply lands; a file within it is kept with its name, type, size
/// and content hash.
#[tokio::test]
async fn attachment_files_over_the_limit_are_refused_and_kept_files_carry_their_hash() {
    let sandbox = start(SandboxConfig { attachment_max_bytes: 8, ..SandboxConfig::default() }).await;
    let client = Client::new(&sandbox);
    let admin = client.get("/me").await.body["id"].as_str().expect("admin").to_string();
    let contact = client.user("files@example.com", "src-files").await;
    let created =
        client.post("/conversations", json!({ "from": { "type": "user", "id": contact }, "body": "Files" })).await;
    let conversation = created.body["conversation_id"].as_str().expect("conversation").to_string();
    let reply = |data: &str| {
        json!({ "type": "admin", "message_type": "comment", "admin_id": admin, "body": "see attached",
                "attachment_files": [{ "name": "notes.txt", "content_type": "text/plain", "data": data }] })
    };
    // "hello world" is 11 bytes.
    let refused = client.post(&format!("/conversations/{conversation}/reply"), reply("aGVsbG8gd29ybGQ=")).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.body["type"], "error.list");
    assert_eq!(refused.body["errors"][0]["code"], "parameter_invalid");
    assert!(refused.body["errors"][0]["message"].as_str().unwrap().contains("notes.txt is 11 bytes"));
    let parts = |dump: &Value| dump["conversations"][0]["parts"].as_array().map_or(0, Vec::len);
    assert_eq!(parts(&sandbox.dump()), 0, "a refused reply leaves no part");

    // "hello" is 5 bytes.
    let kept = client.post(&format!("/conversations/{conversation}/reply"), reply("aGVsbG8=")).await;
    assert_eq!(kept.status, 200, "{}", kept.body);
    let dump = sandbox.dump();
    let file = &dump["conversations"][0]["parts"][0]["attachments"][0];
    assert_eq!(file["name"], "notes.txt");
    assert_eq!(file["content_type"], "text/plain");
    assert_eq!(file["filesize"], 5);
    assert_eq!(file["sha256"], "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
}

async fn scenario(seed: u64) -> Value {
    let sandbox = start(SandboxConfig { seed, ..SandboxConfig::default() }).await;
    let client = Client::new(&sandbox);
    let admin = client.get("/me").await.body["id"].as_str().expect("admin").to_string();
    let team = client.get("/teams").await.body["teams"][0]["id"].as_str().expect("team").to_string();
    client.post("/data_attributes", json!({ "name": "tier", "model": "contact", "data_type": "string" })).await;
    client.post("/conversations/attributes", json!({ "name": "origin", "data_type": "string" })).await;
    let tag = client.post("/tags", json!({ "name": "migrated" })).await.body["id"].clone();
    let company = client.post("/companies", json!({ "company_id": "c-1", "name": "Co" })).await.body["id"].clone();
    let contact = client.user("iv@example.com", "src-9").await;
    client.put(&format!("/contacts/{contact}"), json!({ "custom_attributes": { "tier": "gold" } })).await;
    client.post(&format!("/contacts/{contact}/companies"), json!({ "id": company })).await;
    client.post(&format!("/contacts/{contact}/tags"), json!({ "id": tag })).await;
    client.post(&format!("/contacts/{contact}/notes"), json!({ "body": "<p>note</p>", "admin_id": admin })).await;
    let created = client
        .post(
            "/conversations",
            json!({ "from": { "type": "user", "id": contact }, "body": "Help", "created_at": 1_600_000_000 }),
        )
        .await;
    let conversation = created.body["conversation_id"].as_str().expect("conversation").to_string();
    client
        .post(
            &format!("/conversations/{conversation}/reply"),
            json!({ "type": "admin", "message_type": "note", "admin_id": admin, "body": "internal",
                    "created_at": 1_600_000_100,
                    "attachment_files": [{ "name": "a.txt", "content_type": "text/plain", "data": "aGVsbG8=" }] }),
        )
        .await;
    client
        .post(
            &format!("/conversations/{conversation}/parts"),
            json!({ "message_type": "assignment", "type": "team", "admin_id": admin, "assignee_id": team }),
        )
        .await;
    client
        .put(
            &format!("/conversations/{conversation}"),
            json!({ "title": "Help!", "custom_attributes": { "origin": "otrs" } }),
        )
        .await;
    client.post(&format!("/conversations/{conversation}/tags"), json!({ "id": tag, "admin_id": admin })).await;
    let ticket_type =
        client.post("/ticket_types", json!({ "name": "Bug", "category": "Customer" })).await.body["id"].clone();
    client
        .post(
            &format!("/ticket_types/{}/attributes", ticket_type.as_str().expect("id")),
            json!({ "name": "source_id", "description": "Source id", "data_type": "string" }),
        )
        .await;
    let ticket = client
        .post(
            "/tickets",
            json!({ "ticket_type_id": ticket_type, "contacts": [{ "id": contact }], "created_at": 1_600_000_000,
            "ticket_attributes": { "_default_title_": "Bug", "source_id": "T-9" } }),
        )
        .await;
    let ticket = ticket.body["id"].as_str().expect("ticket").to_string();
    client
        .post(
            &format!("/tickets/{ticket}/reply"),
            json!({ "type": "user", "message_type": "comment", "intercom_user_id": contact, "body": "more" }),
        )
        .await;
    let collection = client.post("/help_center/collections", json!({ "name": "FAQ" })).await.body["id"].clone();
    client
        .post(
            "/articles",
            json!({ "title": "How", "author_id": admin.parse::<u64>().expect("numeric"), "parent_id": collection,
            "parent_type": "collection", "state": "published", "body": "<p>Do it</p>" }),
        )
        .await;
    client
        .post("/custom_object_instances/Order", json!({ "external_id": "o-1", "custom_attributes": { "n": "1" } }))
        .await;
    let failed: Vec<_> = sandbox.requests().into_iter().filter(|request| request.status != 200).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let dump = sandbox.dump();
    sandbox.shutdown().await;
    dump
}

#[tokio::test]
async fn the_dump_is_the_same_for_the_same_seed_and_requests() {
    let first = scenario(42).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = scenario(42).await;
    assert_eq!(first, second);
    for kind in
        ["contacts", "companies", "conversations", "tickets", "ticket_types", "collections", "articles", "notes"]
    {
        assert_eq!(first[kind].as_array().map(Vec::len), Some(1), "{kind}: {}", first[kind]);
    }
    assert_eq!(first["conversations"][0]["parts"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["tickets"][0]["parts"].as_array().map(Vec::len), Some(1));
    let other = scenario(43).await;
    assert_ne!(first["contacts"][0]["id"], other["contacts"][0]["id"], "ids depend on the seed");
}

/// `cutover sandbox intercom` serves on the port it prints, with the window and rate it was given.
#[tokio::test]
async fn the_sandbox_command_serves_with_its_options() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["sandbox", "intercom", "--port", "0", "--rate", "2", "--window", "1", "--token", "cli-token"])
        .env_remove("INTERCOM_TOKEN")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let first = std::io::BufReader::new(stdout).lines().next().expect("a line").expect("utf-8");
    let url =
        first.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).expect("the URL is printed").to_owned();
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    let mut last_body = String::new();
    for _ in 0..3 {
        let response = client.get(format!("{url}/admins")).bearer_auth("cli-token").send().await.expect("answers");
        statuses.push(response.status().as_u16());
        last_body = response.text().await.expect("body");
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(statuses, [200, 200, 429], "{last_body}");
    assert!(last_body.contains("rate_limit_exceeded"), "{last_body}");
}
