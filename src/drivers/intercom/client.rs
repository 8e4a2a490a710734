//! The wire protocol: one HTTPS client per workspace, paced and retried.
//!
//! Every request goes through one private method, `Client::call`: wait for the [`Pacer`], send
//! with the bearer token and `Intercom-Version: 2.16`, feed the rate-limit headers back to the
//! pacer, then decide on the status. The retry rule (which failures are sent again, which become
//! [`SinkError::Ambiguous`]) is documented on [`Operation`]; this file applies it.
//!
//! The token lives in a [`Token`], whose `Debug` prints nothing of it and which has no `Display`;
//! the `Authorization` header is marked sensitive, and no error keeps request headers, so neither
//! `{:?}` of a client nor any error message can leak it.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use super::error::{Call, SinkError, Transient};
use super::operations::{Me, Operation};
use super::pacer::{Pacer, PacerConfig, PacerStatus, RateLimit};
use super::retry::{Jitter, RetryPolicy};

/// The API version every request asks for.
pub const API_VERSION: &str = "2.16";

/// An Intercom access token. Its `Debug` hides the value and it has no `Display`, so it cannot
/// end up in logs or error messages by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wrap a token read from the environment or a secret store.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    fn header(&self) -> Result<HeaderValue, SinkError> {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.0)).map_err(|_| SinkError::Setup {
            message: "the access token contains characters a header cannot hold".into(),
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// The region a workspace's data lives in; each has its own API host, and a token only works on
/// its workspace's host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Region {
    /// `https://api.intercom.io`
    Us,
    /// `https://api.eu.intercom.io`
    Eu,
    /// `https://api.au.intercom.io`
    Au,
}

impl Region {
    /// All regions, in the order detection tries them.
    pub const ALL: [Region; 3] = [Region::Us, Region::Eu, Region::Au];

    /// The region's API base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.intercom.io",
            Region::Eu => "https://api.eu.intercom.io",
            Region::Au => "https://api.au.intercom.io",
        }
    }

    /// The region named by `GET /me`'s `app.region` (`US`, `EU`, `AU`, any case).
    pub fn from_app_region(name: &str) -> Option<Self> {
        match name.trim().to_ascii_uppercase().as_str() {
            "US" => Some(Region::Us),
            "EU" => Some(Region::Eu),
            "AU" => Some(Region::Au),
            _ => None,
        }
    }
}

/// Where requests go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// A region's public host.
    Region(Region),
    /// An explicit base URL: the sandbox, a proxy.
    Url(String),
}

/// Everything a [`Client`] needs.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Where requests go.
    pub endpoint: Endpoint,
    /// The access token.
    pub token: Token,
    /// How fast to send.
    pub pacer: PacerConfig,
    /// How to retry.
    pub retry: RetryPolicy,
    /// Longest wait for a complete response to one attempt.
    pub timeout: Duration,
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
}

impl ClientConfig {
    /// Defaults for `endpoint` and `token`: Intercom's pacing, 3 retries, a 30-second timeout.
    pub fn new(endpoint: Endpoint, token: Token) -> Self {
        Self {
            endpoint,
            token,
            pacer: PacerConfig::default(),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// Requests sent so far, per operation; each attempt counts, retries included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestCounts {
    counts: Vec<(Operation, u64)>,
}

impl RequestCounts {
    /// Requests sent for `operation`.
    pub fn get(&self, operation: Operation) -> u64 {
        self.counts.iter().find(|(candidate, _)| *candidate == operation).map_or(0, |(_, count)| *count)
    }

    /// All requests sent.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, count)| count).sum()
    }

    /// The operations with at least one request, in [`Operation::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Operation, u64)> + '_ {
        self.counts.iter().copied()
    }
}

/// A successful response: its status and body.
#[derive(Clone, Debug)]
pub(crate) struct Answer {
    call: Call,
    status: u16,
    body: String,
}

impl Answer {
    /// The body as `T` (an empty body reads as JSON `null`).
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, SinkError> {
        let text = if self.body.trim().is_empty() { "null" } else { &self.body };
        serde_json::from_str(text).map_err(|error| SinkError::Unexpected {
            call: self.call.clone(),
            status: self.status,
            message: error.to_string(),
            body: self.body.clone(),
        })
    }

    /// An [`SinkError::Unexpected`] about this answer.
    pub(crate) fn unexpected(&self, message: impl Into<String>) -> SinkError {
        SinkError::Unexpected {
            call: self.call.clone(),
            status: self.status,
            message: message.into(),
            body: self.body.clone(),
        }
    }
}

/// How one attempt ended.
enum Attempt {
    /// A 2xx.
    Answered(Answer),
    /// Worth retrying if the operation allows; `maybe_applied` when Intercom may have acted on it.
    Failed { last: Transient, maybe_applied: bool },
    /// Final: a 4xx, or an answer that cannot be used.
    Final(SinkError),
}

/// A paced, retrying Intercom client. Cheap to clone; clones share the pacer and the counters.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    pacer: Arc<Pacer>,
    retry: RetryPolicy,
    jitter: Jitter,
    counts: Vec<AtomicU64>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base.as_str())
            .field("version", &API_VERSION)
            .field("token", &"<redacted>")
            .field("pacer", &self.inner.pacer.status())
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl Client {
    /// A client for `config.endpoint`.
    pub fn new(config: ClientConfig) -> Result<Self, SinkError> {
        let base = match &config.endpoint {
            Endpoint::Region(region) => region.base_url(),
            Endpoint::Url(url) => url.as_str(),
        };
        let base =
            Url::parse(base).map_err(|error| SinkError::Setup { message: format!("base URL `{base}`: {error}") })?;
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(SinkError::Setup { message: format!("base URL `{base}` is not an http(s) URL") });
        }
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, config.token.header()?);
        headers.insert("intercom-version", HeaderValue::from_static(API_VERSION));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("cutover/", env!("CARGO_PKG_VERSION")))
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            // A redirect is not part of Intercom's API; never follow one with the token.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| SinkError::Setup { message: error.to_string() })?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                pacer: Arc::new(Pacer::new(config.pacer)),
                jitter: Jitter::new(config.retry.seed),
                retry: config.retry,
                counts: Operation::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
            }),
        })
    }

    /// Find the token's region: try each region's host with `GET /me` (a token only
    /// authenticates on its own region's host) and return a client for the one that answers,
    /// with the workspace it describes. `config.endpoint` is ignored.
    pub async fn detect_region(config: ClientConfig) -> Result<(Self, Me), SinkError> {
        let mut last = None;
        for region in Region::ALL {
            let client = Self::new(ClientConfig { endpoint: Endpoint::Region(region), ..config.clone() })?;
            match client.me().await {
                Ok(me) => {
                    let named = me.app.as_ref().and_then(|app| app.region.as_deref()).and_then(Region::from_app_region);
                    return match named {
                        Some(named) if named != region => {
                            let client = Self::new(ClientConfig { endpoint: Endpoint::Region(named), ..config })?;
                            Ok((client, me))
                        }
                        _ => Ok((client, me)),
                    };
                }
                Err(error @ SinkError::Rejected { status: 401, .. }) => last = Some(error),
                Err(error) => return Err(error),
            }
        }
        Err(last.unwrap_or_else(|| SinkError::Setup { message: "no region to try".into() }))
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// The shared pacer's current view.
    pub fn pacer_status(&self) -> PacerStatus {
        self.inner.pacer.status()
    }

    /// Requests sent so far, per operation.
    pub fn request_counts(&self) -> RequestCounts {
        let counts = Operation::ALL
            .iter()
            .zip(&self.inner.counts)
            .map(|(operation, count)| (*operation, count.load(Ordering::Relaxed)))
            .filter(|(_, count)| *count > 0)
            .collect();
        RequestCounts { counts }
    }

    /// Send `operation` to `path` (segments, escaped here) with `query` and an optional JSON
    /// body, retrying as the operation allows.
    pub(crate) async fn call(
        &self,
        operation: Operation,
        path: &[&str],
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, SinkError> {
        let url = self.url(path, query);
        let call = Call { operation, path: url.path().to_owned() };
        let policy = &self.inner.retry;
        let mut attempts = 0;
        // Whether an earlier attempt may have been applied: a 409 after it may be our own doing.
        let mut unclear_before = false;
        loop {
            attempts += 1;
            let (last, maybe_applied) = match self.attempt(&call, url.clone(), body).await {
                Attempt::Answered(answer) => return Ok(answer),
                Attempt::Final(SinkError::Conflict { call, existing_id, message, .. }) if unclear_before => {
                    return Err(SinkError::Conflict { call, existing_id, message, after_unclear_attempt: true });
                }
                Attempt::Final(error) => return Err(error),
                Attempt::Failed { last, maybe_applied } => (last, maybe_applied),
            };
            unclear_before |= maybe_applied;
            if maybe_applied && !operation.is_idempotent() {
                return Err(SinkError::Ambiguous { call, attempts, last });
            }
            if attempts > policy.retries {
                return Err(SinkError::Exhausted { call, attempts, last });
            }
            tokio::time::sleep(policy.delay(attempts - 1, self.inner.jitter.next())).await;
        }
    }

    /// One attempt: wait for the pacer, send, classify.
    async fn attempt(&self, call: &Call, url: Url, body: Option<&serde_json::Value>) -> Attempt {
        let permit = self.inner.pacer.acquire().await;
        self.inner.counts[call.operation as usize].fetch_add(1, Ordering::Relaxed);
        let mut request = self.inner.http.request(call.operation.method(), url);
        if let Some(body) = body {
            request = request.json(body);
        } else if call.operation.method() == Method::POST {
            request = request.header(reqwest::header::CONTENT_LENGTH, 0);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                drop(permit);
                // A connection that was never made carried nothing: safe to send again.
                let maybe_applied = !error.is_connect();
                return Attempt::Failed { last: transient(&error), maybe_applied };
            }
        };
        let status = response.status().as_u16();
        let rate = RateLimit::from_headers(response.headers());
        if status == 429 {
            permit.throttle(rate);
        } else {
            permit.observe(rate);
        }
        drop(permit);
        let text = match response.text().await {
            Ok(text) => text,
            Err(error) => {
                let last = match transient(&error) {
                    Transient::Connection { message } => {
                        Transient::Connection { message: format!("HTTP {status} response cut short: {message}") }
                    }
                    other => other,
                };
                // Intercom answered, so a 2xx or 5xx may have been applied; a 429 was not.
                return Attempt::Failed { last, maybe_applied: status != 429 };
            }
        };
        match status {
            200..=299 => Attempt::Answered(Answer { call: call.clone(), status, body: text }),
            429 => Attempt::Failed { last: Transient::Status { status, body: text }, maybe_applied: false },
            500..=599 => Attempt::Failed { last: Transient::Status { status, body: text }, maybe_applied: true },
            _ => Attempt::Final(SinkError::from_response(call.clone(), status, text)),
        }
    }

    /// The base URL with `path` segments appended (each escaped) and `query` pairs.
    fn url(&self, path: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.inner.base.clone();
        // `new` rejected bases that cannot hold paths, so `path_segments_mut` succeeds.
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(path);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }
}

/// The transient failure a transport error stands for.
fn transient(error: &reqwest::Error) -> Transient {
    if error.is_timeout() {
        return Transient::Timeout;
    }
    // The error's own text is generic ("error sending request for url (…)"); the cause says
    // what happened (connection reset, refused, closed).
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Transient::Connection { message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(endpoint: Endpoint) -> Client {
        Client::new(ClientConfig::new(endpoint, Token::new("tok_secret_123"))).unwrap()
    }

    #[test]
    fn the_token_never_prints() {
        let token = Token::new("tok_secret_123");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        let config = ClientConfig::new(Endpoint::Region(Region::Eu), token);
        assert!(!format!("{config:?}").contains("tok_secret_123"));
        let client = Client::new(config).unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("tok_secret_123"), "{debug}");
        assert!(debug.contains("https://api.eu.intercom.io/"), "{debug}");
    }

    #[test]
    fn regions_have_their_hosts() {
        assert_eq!(client(Endpoint::Region(Region::Us)).base_url(), "https://api.intercom.io/");
        assert_eq!(client(Endpoint::Region(Region::Au)).base_url(), "https://api.au.intercom.io/");
        assert_eq!(Region::from_app_region("eu"), Some(Region::Eu));
        assert_eq!(Region::from_app_region("Mars"), None);
    }

    #[test]
    fn paths_are_escaped_segment_by_segment() {
        let prefixed = client(Endpoint::Url("http://127.0.0.1:9/prefix/".into()));
        let url = prefixed.url(&["contacts", "find_by_external_id", "a/b c?"], &[("model", "contact")]);
        assert_eq!(url.as_str(), "http://127.0.0.1:9/prefix/contacts/find_by_external_id/a%2Fb%20c%3F?model=contact");
        let bare = client(Endpoint::Url("http://127.0.0.1:9".into()));
        assert_eq!(bare.url(&["me"], &[]).as_str(), "http://127.0.0.1:9/me");
    }

    #[test]
    fn bad_base_urls_and_tokens_are_setup_errors() {
        let error = Client::new(ClientConfig::new(Endpoint::Url("mailto:x@y".into()), Token::new("t"))).unwrap_err();
        assert!(matches!(error, SinkError::Setup { .. }), "{error:?}");
        let error =
            Client::new(ClientConfig::new(Endpoint::Region(Region::Us), Token::new("bad\ntoken_value"))).unwrap_err();
        assert!(!error.to_string().contains("token_value"), "{error}");
    }

    #[test]
    fn counts_start_empty() {
        let counts = client(Endpoint::Region(Region::Us)).request_counts();
        assert_eq!(counts.total(), 0);
        assert_eq!(counts.get(Operation::Me), 0);
    }
}
