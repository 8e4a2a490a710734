//! The Intercom sandbox: a stateful emulator of the Intercom REST API 2.16 endpoints our sink
//! uses.
//!
//! [`Sandbox::start`] serves on `127.0.0.1` from a tokio task; the sink is pointed at
//! [`Sandbox::base_url`] instead of `https://api.intercom.io`. It behaves like one Intercom
//! workspace:
//!
//! - **Transport.** `Authorization: Bearer <token>` (anything else is a 401 `unauthorized`
//!   `error.list`, without rate-limit headers); `Intercom-Version` optional, any version of the
//!   2.16 description's enum accepted (served as 2.16; `/conversations/attributes` answers
//!   400 `intercom_version_invalid` below 2.16), anything else 400 `intercom_version_invalid`.
//! - **Rate limits.** `rate_limit` requests per `window` (10 seconds, as on Intercom, unless
//!   configured shorter for tests); every authenticated response carries `X-RateLimit-Limit`,
//!   `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds of the window's end, rounded
//!   up); past the limit a 429 `rate_limit_exceeded` "Exceeded rate limit of N in 10_seconds"
//!   (with another window, its real length instead of "10_seconds"), with no `Retry-After`.
//! - **Errors.** `error.list` bodies with Intercom's codes and messages; unknown paths 404,
//!   a wrong method on a known path 405 `method_not_allowed` with an `Allow` header.
//! - **Consistency.** A new contact is invisible to `POST /contacts/search` for `search_lag`
//!   further requests.
//! - **Faults.** A share of write requests (POST, PUT, DELETE — searches included) fails as
//!   configured in [`FaultConfig`], deterministically from the seed.
//!
//! The endpoints (request and response shapes per the 2.16 description):
//!
//! - Admins and teams: `GET /me`, `GET /admins`, `GET /admins/{id}`, `GET /teams`,
//!   `GET /teams/{id}`.
//! - Contacts: `POST /contacts`, `GET`/`PUT`/`DELETE /contacts/{id}` (delete cascades to the
//!   contact's conversations, tickets and notes), `POST /contacts/{id}/archive`,
//!   `GET /contacts/find_by_external_id/{external_id}`, `POST /contacts/search`,
//!   `GET`/`POST /contacts/{id}/notes`, `POST /contacts/{id}/tags`,
//!   `POST /contacts/{id}/companies`.
//! - Companies: `POST /companies` (upsert by `company_id`), `GET /companies?company_id=` (or
//!   `name=`), `GET /companies/{id}`, `DELETE /companies/{id}` (archives).
//! - Attributes: `GET`/`POST /data_attributes`, `GET`/`POST /conversations/attributes`,
//!   `DELETE /conversations/attributes/{id}` (archives).
//! - Tags: `GET`/`POST /tags` (create or return, case-insensitively), `DELETE /tags/{id}`,
//!   `POST /conversations/{id}/tags`, `DELETE /conversations/{id}/tags/{tag_id}` (body
//!   `{admin_id}`), `POST /tickets/{id}/tags`.
//! - Conversations: `POST /conversations`, `GET`/`PUT`/`DELETE /conversations/{id}`,
//!   `POST /conversations/search`, `POST /conversations/{id}/reply`,
//!   `POST /conversations/{id}/parts`.
//! - Tickets: `GET`/`POST /ticket_types`, `POST /ticket_types/{id}/attributes`,
//!   `GET /ticket_states` (one state per category — submitted, in progress, waiting on customer,
//!   resolved — shared by every ticket type), `POST /tickets`, `GET`/`PUT`/`DELETE /tickets/{id}`,
//!   `POST /tickets/{id}/reply`.
//! - Help center: `GET`/`POST /help_center/collections` (the list most recently updated first,
//!   page-numbered: `page`, `per_page`, `pages.total_pages`), `GET`/`PUT`/`DELETE
//!   /help_center/collections/{id}` (a deleted collection's sections become top-level and its
//!   articles stand alone), `GET`/`POST /articles` (listed the same way), `GET`/`PUT`/`DELETE
//!   /articles/{id}`. Both carry `updated_at`, moved by every update.
//! - Custom objects: `POST /custom_object_instances/{type}` (upsert by `external_id`), `GET` and
//!   `DELETE /custom_object_instances/{type}?external_id=`.
//!
//! Ids follow Intercom's formats (24-hex contact and company ids, numeric strings elsewhere,
//! integers for attribute ids) and come from the seed and per-type counters; times are Unix
//! seconds. [`Sandbox::dump`] gives the state and [`Sandbox::requests`] every exchange.

mod body;
mod contacts;
mod content;
mod conversations;
mod error;
mod ids;
mod limits;
mod net;
mod routes;
mod search;
mod state;
mod tickets;
mod workspace;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use self::limits::Limits;
use self::net::{Connection, SandboxListener};
use self::routes::{Inner, Shared};
use self::state::State;

pub(crate) use self::routes::percent_decode;

/// How a sandbox behaves. `SandboxConfig::default()` accepts the token `sandbox-token`, allows
/// Intercom's default 10,000 requests a minute in 10-second windows, adds no latency and injects
/// no faults.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The accepted bearer token; requests with any other token (or none) get a 401.
    pub token: String,
    /// Requests allowed per window (`X-RateLimit-Limit`); default 1666, Intercom's 10,000 per
    /// minute.
    pub rate_limit: u32,
    /// Length of a rate-limit window: `X-RateLimit-Reset` and the 429 message follow it. Default
    /// 10 seconds, as Intercom; tests of pacing use a shorter one so that they do not wait for
    /// 10-second windows. Rounded to milliseconds, at least one.
    pub window: Duration,
    /// Added before every response.
    pub latency: Duration,
    /// Injected failures.
    pub faults: FaultConfig,
    /// A created contact becomes visible to `POST /contacts/search` only after this many further
    /// requests (0: from the next request on).
    pub search_lag: u32,
    /// Seed of ids and fault selection: the same seed and the same requests give the same results.
    pub seed: u64,
    /// `(email, name)` of the teammates that exist; the first one owns the token (`GET /me`).
    /// When empty, one teammate "Sandbox Operator" exists.
    pub admins: Vec<(String, String)>,
    /// Names of the teams that exist.
    pub teams: Vec<String>,
    /// Largest attachment file (decoded bytes) a reply may carry; a larger one is refused with a
    /// 400 `parameter_invalid`, as Intercom validates uploads. Default 25 MiB.
    pub attachment_max_bytes: u64,
}

/// The default of [`SandboxConfig::attachment_max_bytes`]: 25 MiB.
pub const DEFAULT_ATTACHMENT_MAX_BYTES: u64 = 25 * 1024 * 1024;

impl Default for SandboxConfig {
    fn default() -> SandboxConfig {
        SandboxConfig {
            token: "sandbox-token".to_string(),
            rate_limit: 1666,
            window: Duration::from_secs(10),
            latency: Duration::ZERO,
            faults: FaultConfig::default(),
            search_lag: 0,
            seed: 0,
            admins: vec![("operator@example.com".to_string(), "Sandbox Operator".to_string())],
            teams: vec!["Support".to_string()],
            attachment_max_bytes: DEFAULT_ATTACHMENT_MAX_BYTES,
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("token", &"<redacted>")
            .field("rate_limit", &self.rate_limit)
            .field("window", &self.window)
            .field("latency", &self.latency)
            .field("faults", &self.faults)
            .field("search_lag", &self.search_lag)
            .field("seed", &self.seed)
            .field("admins", &self.admins)
            .field("teams", &self.teams)
            .field("attachment_max_bytes", &self.attachment_max_bytes)
            .finish()
    }
}

/// Which write requests fail, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultConfig {
    /// Share of write requests (POST, PUT, DELETE) that fail, from 0.0 (none) to 1.0 (all).
    pub rate: f64,
    /// The kinds of failure, chosen among uniformly for each failing request; none: no faults.
    pub kinds: Vec<FaultKind>,
    /// How long [`FaultKind::Timeout`] holds its response; default 30 s, longer than a client's
    /// usual timeout. Tests use a short hold with a shorter client timeout.
    pub hold: Duration,
}

impl Default for FaultConfig {
    /// No faults (rate 0), all kinds, 30-second hold.
    fn default() -> FaultConfig {
        FaultConfig { rate: 0.0, kinds: FaultKind::ALL.to_vec(), hold: Duration::from_secs(30) }
    }
}

/// A way for a write request to fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// A 429 `rate_limit_exceeded` with the same body and headers as a real rate limit
    /// (`X-RateLimit-Remaining: 0`); the write is not applied.
    TooManyRequests,
    /// A 500 `server_error`; the write is not applied.
    ServerError,
    /// The write is applied, then the response is held for [`FaultConfig::hold`] (past the
    /// client's timeout) before it is sent.
    Timeout,
    /// The connection is closed without a response; the write is not applied.
    ConnectionReset,
    /// The write is applied, then the connection is closed without a response.
    LostResponse,
}

impl FaultKind {
    /// Every kind.
    pub const ALL: [FaultKind; 5] = [
        FaultKind::TooManyRequests,
        FaultKind::ServerError,
        FaultKind::Timeout,
        FaultKind::ConnectionReset,
        FaultKind::LostResponse,
    ];
}

/// One request the sandbox received, and what it answered.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// The HTTP method (`POST`).
    pub method: String,
    /// The path, as sent (`/contacts/6762f0dd1bb69f9f2193bb83`).
    pub path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// The body as JSON; `None` when empty, a JSON string holding the text when it is not JSON.
    pub body: Option<serde_json::Value>,
    /// The status of the response the sandbox produced (also when a fault kept it from the
    /// client); 0 when the connection was reset before the request was handled.
    pub status: u16,
    /// The response body, if any.
    pub response: Option<serde_json::Value>,
}

/// A running sandbox. Dropping it without [`Sandbox::shutdown`] leaves the server running until
/// the tokio runtime ends.
#[derive(Debug)]
pub struct Sandbox {
    address: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` on a free port, serving from a tokio task.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        Sandbox::start_on(config, 0).await
    }

    /// Starts a sandbox on `127.0.0.1:port` (0: a free port).
    pub async fn start_on(config: SandboxConfig, port: u16) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await?;
        let address = listener.local_addr()?;
        let (stop, shutdown) = watch::channel(false);
        let mut state = State::new(config.seed, config.search_lag, &config.admins, &config.teams);
        state.attachment_max_bytes = config.attachment_max_bytes;
        let limits = Limits::new(config.rate_limit, config.window, config.faults, config.seed);
        let shared = Arc::new(Shared {
            token: config.token,
            latency: config.latency,
            inner: Mutex::new(Inner { state, limits, requests: Vec::new() }),
            shutdown: shutdown.clone(),
        });
        let app = routes::router(Arc::clone(&shared)).into_make_service_with_connect_info::<Connection>();
        let mut stopped = shutdown;
        let server = tokio::spawn(async move {
            let serving = axum::serve(SandboxListener::new(listener), app).with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|&stop| stop).await;
            });
            let _ = serving.await;
        });
        Ok(Sandbox { address, shared, stop, server })
    }

    /// The base URL to use instead of `https://api.intercom.io`: `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The whole state, for tests to compare: `contacts`, `companies`, `data_attributes`,
    /// `conversation_attributes`, `tags`, `conversations` (with parts in order, state, assignees,
    /// tags, custom attributes, title), `tickets`, `ticket_types`, `collections`, `articles`,
    /// `custom_object_instances`, `notes` and `deleted` (ids by kind). Objects are sorted by id.
    /// Deterministic: times the sandbox took from its clock are left out, and a `created_at` the
    /// client did not set is `null`.
    pub fn dump(&self) -> serde_json::Value {
        self.shared.lock().state.dump()
    }

    /// Every request received so far, in the order they were handled.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.iter().map(routes::Exchange::recorded).collect()
    }

    /// Replaces the fault configuration from the next request on.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared.lock().limits.set_faults(faults);
    }

    /// Makes the next `count` write requests (POST, PUT, DELETE, searches included) fail with
    /// `kind`, whatever [`FaultConfig::rate`] says; after them the configured faults apply again.
    /// For tests that need exactly one failed attempt (a lost response, then a clean retry).
    pub fn fail_next_writes(&self, kind: FaultKind, count: usize) {
        self.shared.lock().limits.queue_faults(kind, count);
    }

    /// Stops serving: idle connections are closed, held responses end at once (their connections
    /// are reset), and requests in progress finish.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let mut server = self.server;
        if tokio::time::timeout(Duration::from_secs(5), &mut server).await.is_err() {
            server.abort();
        }
    }
}
