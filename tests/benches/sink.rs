//! The Intercom sink against the sandbox: pacing and request economy.
//!
//! `cargo bench --bench sink` runs two measurements and prints a table for each:
//!
//! 1. **Rate.** A sandbox allowing 166 requests per 10-second window (1,000 a minute) that adds
//!    100 ms to every response; a client whose pacer is configured for the same budget; several
//!    tasks migrating synthetic tickets as conversations (contact, conversation, replies, title,
//!    tags, assignment, close) with the real client operations. After a warm-up, the measured
//!    period gives the requests the sandbox accepted per minute divided by 1,000 (target ≥ 0.95)
//!    and the 429s it answered (target 0), from its request log; the per-window rows are
//!    10-second slices of the measured period, sampled from the log's length at each boundary.
//! 2. **Economy.** Tickets with varied message counts, tags, assignment and state, each migrated
//!    as a conversation and as a ticket, one after another; the requests the sandbox received
//!    for each, divided by the digest's minimum (`reference/intercom.md` §10; target 1.0).
//!
//! Environment: `CUTOVER_BENCH_SECONDS` (measured period, default 60), `CUTOVER_BENCH_WARMUP`
//! (default 10), `CUTOVER_BENCH_TASKS` (concurrent migrating tasks, default 8). Without `--bench`
//! (that is, under `cargo test --all-targets`) it does a smoke run of about two seconds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use cutover::drivers::intercom::operations::{
    Assignee, AttributeDraft, ContactFields, ContactRole, ConversationAttributeType, ConversationUpdate,
    NewConversation, NewTicket, Reply, ReplyAuthor, ReplyKind, TicketTypeDraft, TicketUpdate,
};
use cutover::drivers::intercom::{
    Client, ClientConfig, Endpoint, IntercomSink, Operation, PacerConfig, RequestCounts, SinkError, TicketTarget, Token,
};
use cutover::sandbox::intercom::{RecordedRequest, Sandbox, SandboxConfig};

const TOKEN: &str = "sandbox-token";
/// The budget under test, per minute.
const BUDGET_PER_MINUTE: u32 = 1_000;
/// The same budget per 10-second window, as Intercom states it: 1,000 / 6, rounded down.
const BUDGET_PER_WINDOW: u32 = BUDGET_PER_MINUTE / 6;
const WINDOW: Duration = Duration::from_secs(10);
const LATENCY: Duration = Duration::from_millis(100);

/// The operations that migrate one ticket (digest §10's two tables); every other operation is a
/// one-off: workspace lookups, tag find-or-create, attribute and ticket type creation, contacts.
const PER_TICKET: [Operation; 10] = [
    Operation::CreateConversation,
    Operation::ReplyConversation,
    Operation::UpdateConversation,
    Operation::TagConversation,
    Operation::AssignConversation,
    Operation::CloseConversation,
    Operation::CreateTicket,
    Operation::ReplyTicket,
    Operation::TagTicket,
    Operation::UpdateTicket,
];

struct Settings {
    warmup: Duration,
    measured: Duration,
    tasks: usize,
    smoke: bool,
}

impl Settings {
    fn from_env() -> Self {
        let bench = std::env::args().skip(1).any(|arg| arg == "--bench");
        let number = |name: &str, default: u64| {
            std::env::var(name).ok().and_then(|value| value.trim().parse::<u64>().ok()).unwrap_or(default)
        };
        let tasks = number("CUTOVER_BENCH_TASKS", 8).max(1) as usize;
        if bench {
            Settings {
                warmup: Duration::from_secs(number("CUTOVER_BENCH_WARMUP", 10)),
                measured: Duration::from_secs(number("CUTOVER_BENCH_SECONDS", 60).max(1)),
                tasks,
                smoke: false,
            }
        } else {
            Settings { warmup: Duration::from_secs(1), measured: Duration::from_secs(1), tasks, smoke: true }
        }
    }
}

fn main() {
    let settings = Settings::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async {
        if settings.smoke {
            println!("sink: smoke run (use `cargo bench --bench sink` for the measurement)");
        }
        rate(&settings).await;
        economy(settings.smoke).await;
    });
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

fn client_config(sandbox: &Sandbox, pacer: PacerConfig) -> ClientConfig {
    ClientConfig { pacer, ..ClientConfig::new(Endpoint::Url(sandbox.base_url()), Token::new(TOKEN)) }
}

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn keyed_contact(key: &str) -> ContactFields {
    ContactFields {
        role: Some(ContactRole::User),
        email: Some(format!("{key}@example.com")),
        external_id: Some(format!("src-{key}")),
        name: Some(format!("Customer {key}")),
        ..ContactFields::default()
    }
}

/// Message `index` (0 is the customer's opening message) of a synthetic ticket: customer
/// comments, teammate comments and teammate notes in turn.
fn reply(index: usize, contact_id: &str, admin_id: &str, created_at: i64) -> Reply {
    let (author, kind) = match index % 3 {
        0 => (ReplyAuthor::Contact(contact_id.to_owned()), ReplyKind::Comment),
        1 => (ReplyAuthor::Admin(admin_id.to_owned()), ReplyKind::Comment),
        _ => (ReplyAuthor::Admin(admin_id.to_owned()), ReplyKind::Note),
    };
    Reply {
        author,
        kind,
        body: format!("Message {} of the thread", index + 1),
        created_at: Some(created_at + index as i64 * 60),
        attachment_urls: Vec::new(),
        attachment_files: Vec::new(),
    }
}

/// One helpdesk ticket's shape.
#[derive(Clone, Copy, Debug)]
struct Shape {
    messages: u32,
    tags: u32,
    admin: bool,
    team: bool,
    closed: bool,
}

impl Shape {
    /// The digest's minimum (§10), written out from its tables rather than taken from the
    /// crate: as a conversation 1 create + (N − 1) replies + 1 update + k tags + one assignment
    /// call per assignee (teammate, team) + 1 close when closed (N + k + 3 assigned and closed,
    /// N + k + 2 unassigned); as a ticket 1 create (message 1 as the description, assignment
    /// included) + (N − 1) replies + k tags + 1 state update when closed (N + k + 1 closed).
    fn digest_minimum(self, target: TicketTarget) -> u32 {
        let replies = self.messages - 1;
        let closed = u32::from(self.closed);
        match target {
            TicketTarget::Conversation => {
                1 + replies + 1 + self.tags + u32::from(self.admin) + u32::from(self.team) + closed
            }
            TicketTarget::Ticket => 1 + replies + self.tags + closed,
        }
    }

    fn assignment(self) -> &'static str {
        match (self.admin, self.team) {
            (false, false) => "none",
            (true, false) => "admin",
            (false, true) => "team",
            (true, true) => "both",
        }
    }
}

/// What a ticket needs from the workspace, resolved once.
struct Workspace {
    sink: IntercomSink,
    admin_id: String,
    team_id: String,
}

impl Workspace {
    async fn connect(client: Client) -> Result<Self, SinkError> {
        let sink = IntercomSink::connect(client).await?;
        let admin_id = sink.me().id.clone();
        let team_id = sink.team_by_name("Support").expect("the sandbox has a Support team").id.clone();
        Ok(Self { sink, admin_id, team_id })
    }
}

/// Migrate one ticket as a conversation with the real operations, in the digest's order.
async fn migrate_conversation(
    workspace: &Workspace,
    contact_id: &str,
    shape: Shape,
    serial: u64,
) -> Result<(), SinkError> {
    let client = workspace.sink.client();
    let admin = workspace.admin_id.as_str();
    let created_at = 1_600_000_000 + serial as i64 * 3_600;
    let opening = reply(0, contact_id, admin, created_at);
    let new = NewConversation {
        contact_id: contact_id.to_owned(),
        contact_role: ContactRole::User,
        body: opening.body,
        created_at: Some(created_at),
        attachment_urls: Vec::new(),
    };
    let id = client.create_conversation(&new).await?.conversation_id;
    for index in 1..shape.messages as usize {
        client.reply_conversation(&id, &reply(index, contact_id, admin, created_at)).await?;
    }
    let update = ConversationUpdate {
        title: Some(format!("Ticket #{serial}")),
        custom_attributes: map(json!({"original_ticket_id": serial.to_string()})),
        company_id: None,
    };
    client.update_conversation(&id, &update).await?;
    for tag in 0..shape.tags {
        let tag = workspace.sink.tag(&format!("bench-tag-{tag}")).await?;
        client.tag_conversation(&id, &tag.id, admin).await?;
    }
    if shape.admin {
        client.assign_conversation(&id, admin, &Assignee::Admin(admin.to_owned())).await?;
    }
    if shape.team {
        client.assign_conversation(&id, admin, &Assignee::Team(workspace.team_id.clone())).await?;
    }
    if shape.closed {
        client.close_conversation(&id, admin).await?;
    }
    Ok(())
}

/// Migrate one ticket as an Intercom ticket: message 1 is the description, assignment rides on
/// the create. Tag failures are returned after the remaining calls (see [`economy`]).
async fn migrate_ticket(
    workspace: &Workspace,
    ticket_type: &(String, String),
    contact_id: &str,
    shape: Shape,
    serial: u64,
) -> Vec<SinkError> {
    let client = workspace.sink.client();
    let admin = workspace.admin_id.as_str();
    let created_at = 1_600_000_000 + serial as i64 * 3_600;
    let new = NewTicket {
        ticket_type_id: ticket_type.0.clone(),
        contact_id: contact_id.to_owned(),
        created_at: Some(created_at),
        attributes: map(json!({
            "_default_title_": format!("Ticket #{serial}"),
            "_default_description_": reply(0, contact_id, admin, created_at).body,
        })),
        admin_assignee_id: shape.admin.then(|| admin.to_owned()),
        team_assignee_id: shape.team.then(|| workspace.team_id.clone()),
        company_id: None,
    };
    let ticket = match client.create_ticket(&new).await {
        Ok(ticket) => ticket,
        Err(error) => return vec![error],
    };
    let mut errors = Vec::new();
    for index in 1..shape.messages as usize {
        if let Err(error) = client.reply_ticket(&ticket.id, &reply(index, contact_id, admin, created_at)).await {
            errors.push(error);
        }
    }
    for tag in 0..shape.tags {
        match workspace.sink.tag(&format!("bench-tag-{tag}")).await {
            Ok(tag) => {
                if let Err(error) = client.tag_ticket(&ticket.id, &tag.id, admin).await {
                    errors.push(error);
                }
            }
            Err(error) => errors.push(error),
        }
    }
    if shape.closed {
        let update =
            TicketUpdate { ticket_state_id: Some(ticket_type.1.clone()), open: Some(false), ..TicketUpdate::default() };
        if let Err(error) = client.update_ticket(&ticket.id, &update).await {
            errors.push(error);
        }
    }
    errors
}

/// The conversation attribute the update sets (a one-off).
async fn create_conversation_attribute(client: &Client) {
    let draft = AttributeDraft {
        name: "original_ticket_id".into(),
        data_type: ConversationAttributeType::String,
        description: Some("The helpdesk's ticket id".into()),
        options: Vec::new(),
    };
    client.create_conversation_attribute(&draft).await.expect("conversation attribute");
}

// ---------------------------------------------------------------------------------------------
// 1. Rate

async fn rate(settings: &Settings) {
    let sandbox = Sandbox::start(SandboxConfig {
        rate_limit: BUDGET_PER_WINDOW,
        latency: LATENCY,
        seed: 1,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let pacer = PacerConfig { limit: Some(BUDGET_PER_WINDOW), window: WINDOW, ..PacerConfig::default() };
    let client = Client::new(client_config(&sandbox, pacer)).expect("client");
    let started = Instant::now();
    let workspace = Arc::new(Workspace::connect(client.clone()).await.expect("connect"));
    create_conversation_attribute(&client).await;

    let stop = Arc::new(AtomicBool::new(false));
    let serials = Arc::new(AtomicU64::new(0));
    let completed = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..settings.tasks {
        let (workspace, stop, serials, completed, failures) =
            (workspace.clone(), stop.clone(), serials.clone(), completed.clone(), failures.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let serial = serials.fetch_add(1, Ordering::Relaxed);
                // Synthetic variety: 2–6 messages, 0–2 tags, a teammate assigned, closed.
                let shape = Shape {
                    messages: 2 + (serial % 5) as u32,
                    tags: (serial % 3) as u32,
                    admin: true,
                    team: false,
                    closed: true,
                };
                let migrated = async {
                    let contact = workspace.sink.client().create_contact(&keyed_contact(&format!("r{serial}"))).await?;
                    migrate_conversation(&workspace, &contact.id, shape, serial).await
                };
                match migrated.await {
                    Ok(()) => completed.fetch_add(1, Ordering::Relaxed),
                    Err(error) => {
                        eprintln!("ticket {serial}: {error}");
                        failures.fetch_add(1, Ordering::Relaxed)
                    }
                };
            }
        }));
    }

    // Boundaries: the end of the warm-up, then every 10 seconds of the measured period.
    let measure_from = started + settings.warmup;
    let measure_to = measure_from + settings.measured;
    let mut boundaries = vec![measure_from];
    while let Some(&last) = boundaries.last()
        && last < measure_to
    {
        boundaries.push((last + WINDOW).min(measure_to));
    }
    let mut marks: Vec<(Instant, usize, u64)> = Vec::new();
    for boundary in &boundaries {
        tokio::time::sleep_until(tokio::time::Instant::from_std(*boundary)).await;
        marks.push((Instant::now(), sandbox.requests().len(), completed.load(Ordering::Relaxed)));
    }
    stop.store(true, Ordering::Relaxed);
    for task in &tasks {
        task.abort();
    }
    for task in tasks {
        let _ = task.await;
    }
    let log = sandbox.requests();
    let status = client.pacer_status();
    sandbox.shutdown().await;

    let too_many = |requests: &[RecordedRequest]| requests.iter().filter(|request| request.status == 429).count();
    let (first, last) = (marks[0], marks[marks.len() - 1]);
    let seconds = last.0.duration_since(first.0).as_secs_f64();
    let measured = &log[first.1..last.1];
    let accepted = measured.len() - too_many(measured);
    let per_minute = accepted as f64 / seconds * 60.0;
    let tickets = last.2 - first.2;

    println!();
    println!(
        "rate: sandbox {BUDGET_PER_WINDOW}/10 s (= {BUDGET_PER_MINUTE}/min), {} ms latency; pacer limit {}/10 s \
         (interval {:.1} ms); {} tasks; warm-up {} s, measured {:.1} s",
        LATENCY.as_millis(),
        status.limit,
        status.interval.as_secs_f64() * 1e3,
        settings.tasks,
        settings.warmup.as_secs(),
        seconds,
    );
    // The sandbox opens a window at its first request (just after `started`), so with a warm-up
    // that is a multiple of 10 s these slices line up with its windows.
    println!("  {:<14} {:>8} {:>8} {:>5}", "window", "requests", "accepted", "429s");
    println!(
        "  {:<14} {:>8} {:>8} {:>5}",
        "warm-up",
        first.1,
        first.1 - too_many(&log[..first.1]),
        too_many(&log[..first.1])
    );
    for pair in marks.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let slice = &log[from.1..to.1];
        let label = format!(
            "{:>5.1}–{:<5.1} s",
            from.0.duration_since(first.0).as_secs_f64(),
            to.0.duration_since(first.0).as_secs_f64()
        );
        println!("  {label:<14} {:>8} {:>8} {:>5}", slice.len(), slice.len() - too_many(slice), too_many(slice));
    }
    println!(
        "  measured: {accepted} accepted in {seconds:.1} s = {per_minute:.0}/min; achieved / budget = {:.3} \
         (target ≥ 0.95); 429s = {} (target 0)",
        per_minute / f64::from(BUDGET_PER_MINUTE),
        too_many(measured),
    );
    println!(
        "  {tickets} tickets migrated in the measured period ({:.0}/min); {} failed over the whole run; client \
         sent {} requests, the sandbox logged {} (tasks stopped mid-ticket at the end)",
        tickets as f64 / seconds * 60.0,
        failures.load(Ordering::Relaxed),
        client.request_counts().total(),
        log.len(),
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Economy

/// The shapes measured: N from 1 to 20, k from 0 to 3, every assignment, open and closed.
fn shapes(smoke: bool) -> Vec<Shape> {
    let messages = [1, 2, 3, 5, 8, 20];
    let assignments = [(true, false), (false, false), (false, true), (true, true)];
    let mut shapes = Vec::new();
    for (index, &n) in messages.iter().enumerate() {
        for variant in 0..2 {
            let (admin, team) = assignments[(index + variant * 3) % assignments.len()];
            shapes.push(Shape {
                messages: n,
                tags: ((index + variant) % 4) as u32,
                admin,
                team,
                closed: (index + variant) % 3 != 1,
            });
        }
    }
    // The digest's budget example: N = 8, k = 2, one assignee, closed.
    shapes.push(Shape { messages: 8, tags: 2, admin: true, team: false, closed: true });
    if smoke {
        shapes.truncate(4);
    }
    shapes
}

/// Requests per operation between two snapshots.
fn difference(before: &RequestCounts, after: &RequestCounts) -> BTreeMap<&'static str, u64> {
    Operation::ALL
        .iter()
        .map(|operation| (operation.name(), after.get(*operation) - before.get(*operation)))
        .filter(|(_, count)| *count > 0)
        .collect()
}

fn per_ticket(counts: &BTreeMap<&'static str, u64>) -> u64 {
    PER_TICKET.iter().map(|operation| counts.get(operation.name()).copied().unwrap_or(0)).sum()
}

/// The same classification on the sandbox's log, by method and path.
fn per_ticket_in_log(requests: &[RecordedRequest]) -> u64 {
    let count = |request: &&RecordedRequest| {
        let segments: Vec<&str> = request.path.split('/').filter(|segment| !segment.is_empty()).collect();
        matches!(
            (request.method.as_str(), segments.as_slice()),
            ("POST", ["conversations"] | ["tickets"])
                | ("POST", ["conversations", _, "reply" | "tags" | "parts"] | ["tickets", _, "reply" | "tags"])
                | ("PUT", ["conversations", _] | ["tickets", _])
        )
    };
    requests.iter().filter(count).count() as u64
}

async fn economy(smoke: bool) {
    let sandbox = Sandbox::start(SandboxConfig { seed: 2, ..SandboxConfig::default() }).await.expect("sandbox");
    let client = Client::new(client_config(&sandbox, PacerConfig::default())).expect("client");
    let workspace = Workspace::connect(client.clone()).await.expect("connect");
    create_conversation_attribute(&client).await;
    let draft = TicketTypeDraft {
        name: "Helpdesk ticket".into(),
        description: None,
        category: Some("Customer".into()),
        icon: None,
    };
    let ticket_type = client.create_ticket_type(&draft).await.expect("ticket type");
    let resolved = ticket_type
        .states
        .iter()
        .find(|state| state.category.as_deref() == Some("resolved"))
        .expect("a resolved state")
        .id
        .clone();
    let ticket_type = (ticket_type.id, resolved);

    println!();
    println!(
        "economy: requests per migrated ticket / digest minimum (§10); per-ticket calls only (create, reply, \
         update, tag, assign, close), one-offs counted apart"
    );
    println!(
        "  {:>3} {:>2} {:<6} {:<6} │ {:>4} {:>4} {:>5} │ {:>4} {:>4} {:>5}",
        "N", "k", "assign", "state", "conv", "min", "ratio", "tkt", "min", "ratio"
    );
    let mut totals = [(0u64, 0u64); 2];
    let mut one_offs: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut rejected: BTreeMap<String, u64> = BTreeMap::new();
    let mut serial = 0;
    for shape in shapes(smoke) {
        let mut row = Vec::new();
        for (slot, target) in [TicketTarget::Conversation, TicketTarget::Ticket].into_iter().enumerate() {
            serial += 1;
            // Each ticket's customer is new: its `POST /contacts` is a one-off, as in the digest.
            let contact = client.create_contact(&keyed_contact(&format!("e{serial}"))).await.expect("contact");
            let (counts_before, log_before) = (client.request_counts(), sandbox.requests().len());
            match target {
                TicketTarget::Conversation => {
                    migrate_conversation(&workspace, &contact.id, shape, serial).await.expect("conversation");
                }
                TicketTarget::Ticket => {
                    for error in migrate_ticket(&workspace, &ticket_type, &contact.id, shape, serial).await {
                        // Summarised by operation and status: the messages carry ids.
                        let operation = error.operation().map_or("setup", Operation::name);
                        let status = error.status().map_or_else(|| "no response".to_owned(), |s| format!("HTTP {s}"));
                        *rejected.entry(format!("{operation} answered {status}")).or_default() += 1;
                    }
                }
            }
            let counts = difference(&counts_before, &client.request_counts());
            let log = sandbox.requests();
            let sent = per_ticket_in_log(&log[log_before..]);
            if sent != per_ticket(&counts) {
                disagreements.push(format!("{shape:?} {target:?}: log {sent}, client {}", per_ticket(&counts)));
            }
            for (name, count) in &counts {
                if !PER_TICKET.iter().any(|operation| operation.name() == *name) {
                    *one_offs.entry(name).or_default() += count;
                }
            }
            let minimum = shape.digest_minimum(target);
            let crate_minimum =
                target.requests_per_ticket(shape.messages, shape.tags, shape.admin, shape.team, shape.closed);
            if crate_minimum != minimum {
                disagreements.push(format!("{shape:?} {target:?}: digest {minimum}, crate formula {crate_minimum}"));
            }
            totals[slot].0 += sent;
            totals[slot].1 += u64::from(minimum);
            row.push(format!("{sent:>4} {minimum:>4} {:>5.2}", sent as f64 / f64::from(minimum)));
        }
        println!(
            "  {:>3} {:>2} {:<6} {:<6} │ {} │ {}",
            shape.messages,
            shape.tags,
            shape.assignment(),
            if shape.closed { "closed" } else { "open" },
            row[0],
            row[1]
        );
    }
    let ratio = |(sent, minimum): (u64, u64)| sent as f64 / minimum as f64;
    println!(
        "  all: conversation {} / {} = {:.3}, ticket {} / {} = {:.3} (target 1.0)",
        totals[0].0,
        totals[0].1,
        ratio(totals[0]),
        totals[1].0,
        totals[1].1,
        ratio(totals[1])
    );
    let one_offs: Vec<String> = one_offs.iter().map(|(name, count)| format!("{name} {count}")).collect();
    println!("  one-offs during the tickets (not in the ratio): {}", one_offs.join(", "));
    for (message, count) in &rejected {
        let why = if message.starts_with("tag_ticket answered HTTP 404") {
            "the sandbox does not emulate POST /tickets/{id}/tags"
        } else {
            "a failure, not retried"
        };
        println!("  note: {count} × {message}; sent once and counted above ({why})");
    }
    if disagreements.is_empty() {
        println!("  the client's counters and the sandbox's log agree; the crate's formula equals the digest's");
    }
    for disagreement in &disagreements {
        println!("  MISMATCH {disagreement}");
    }
    sandbox.shutdown().await;
}
