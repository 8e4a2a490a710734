//! [`TopdeskClient`]: GET requests to one TOPdesk with Basic authentication, timeouts and bounded
//! retries.
//!
//! Every request carries `Authorization: Basic base64(login:application password)`; there is no
//! session to open or renew. The client only reads, so a request that timed out, lost its
//! connection or met a 429/502/503/504 is simply sent again, up to [`TopdeskConfig::retries`]
//! times with a doubling pause (or the server's `Retry-After`, capped). Everything else is
//! answered at once: a 401 names the login and what to check, 403/404/406 get their own
//! [`TopdeskError`] variants because the access report tells them apart, and the body's
//! message of any other failure is kept. Errors name the request path and never a credential.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};

use super::error::TopdeskError;
use crate::check::schema::SchemaLock;

/// An application password. `Debug` and `Display` print `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Wrap a password read from the spec's settings.
    pub fn new(password: impl Into<String>) -> Self {
        Self(password.into())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl fmt::Display for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How to reach a TOPdesk and read it.
#[derive(Clone, Debug)]
pub struct TopdeskConfig {
    /// The TOPdesk address without a path: `https://acme.topdesk.net`.
    pub url: String,
    /// The operator's login name (not the application password's name).
    pub login: String,
    /// The operator's application password.
    pub password: Password,
    /// Days per FIQL window for incidents and changes (the spec's `window_days`, default 90).
    pub window_days: u32,
    /// Longest wait for one complete answer.
    pub timeout: Duration,
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// How many times a timed-out or busy (429/502/503/504) request is sent again.
    pub retries: u32,
    /// Pause before the first retry; doubled for each further one.
    pub retry_delay: Duration,
    /// The spec's source lock, which types the values read (an empty lock types by the API).
    pub lock: SchemaLock,
}

impl TopdeskConfig {
    /// Defaults for a TOPdesk: 90-day windows, 120 s per request, 10 s to connect, 4 retries
    /// starting at one second.
    pub fn new(url: impl Into<String>, login: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            login: login.into(),
            password: Password::new(password),
            window_days: 90,
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            retries: 4,
            retry_delay: Duration::from_secs(1),
            lock: SchemaLock { lock: 1, system: "topdesk".to_owned(), version: None, objects: Default::default() },
        }
    }
}

/// One request: a path with its query (`/tas/api/incidents?pageStart=0`) and the media type asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Get {
    /// Path and query, relative to the TOPdesk address.
    pub path: String,
    /// The `Accept` header; `application/json` when `None`.
    pub accept: Option<&'static str>,
}

/// A successful answer (2xx).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// 200, 204 or 206.
    pub status: u16,
    /// The body, whole.
    pub body: Vec<u8>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `X-Next-Page-Url` header of incident lists, when sent.
    pub next_page_url: Option<String>,
}

impl Reply {
    /// The body as JSON; an empty body (204) reads as null.
    pub fn json(&self, path: &str) -> Result<serde_json::Value, TopdeskError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|error| TopdeskError::Unexpected {
            path: strip_query(path).to_owned(),
            message: format!("the body is not JSON ({error})"),
        })
    }
}

/// The longest pause a `Retry-After` header may ask for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A client for one TOPdesk.
#[derive(Clone, Debug)]
pub struct TopdeskClient {
    http: reqwest::Client,
    base_url: String,
    login: String,
    authorization: HeaderValue,
    timeout: Duration,
    retries: u32,
    retry_delay: Duration,
}

impl TopdeskClient {
    /// A client for `config.url`; nothing is sent yet.
    pub fn new(config: &TopdeskConfig) -> Result<Self, TopdeskError> {
        let base_url = config.url.trim().trim_end_matches('/').to_owned();
        let example = "give the TOPdesk address, like https://acme.topdesk.net";
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|error| TopdeskError::Setup { message: format!("`url` is not a URL ({error}); {example}") })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(TopdeskError::Setup { message: format!("`url` is not an http or https address; {example}") });
        }
        if parsed.password().is_some() || !parsed.username().is_empty() {
            return Err(TopdeskError::Setup {
                message: "`url` holds credentials; give the login in `login:` and the application password in \
                          `password:` instead"
                    .to_owned(),
            });
        }
        if config.login.is_empty() {
            return Err(TopdeskError::Setup { message: "`login` is empty; give the operator's login name".to_owned() });
        }
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", config.login, config.password.0));
        let mut authorization = HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| TopdeskError::Setup {
            message: "the login name holds characters an HTTP header cannot carry".to_owned(),
        })?;
        authorization.set_sensitive(true);
        let http =
            reqwest::Client::builder()
                .timeout(config.timeout)
                .connect_timeout(config.connect_timeout)
                .build()
                .map_err(|error| TopdeskError::Setup { message: format!("cannot set up the HTTP client: {error}") })?;
        Ok(Self {
            http,
            base_url,
            login: config.login.clone(),
            authorization,
            timeout: config.timeout,
            retries: config.retries,
            retry_delay: config.retry_delay,
        })
    }

    /// The TOPdesk address requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Send `get`, retrying what may pass on its own.
    pub async fn get(&self, get: &Get) -> Result<Reply, TopdeskError> {
        let url = format!("{}{}", self.base_url, get.path);
        let path = strip_query(&get.path).to_owned();
        let accept = get.accept.unwrap_or("application/json");
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt > self.retries;
            let sent = self
                .http
                .get(&url)
                .header(AUTHORIZATION, self.authorization.clone())
                .header(ACCEPT, HeaderValue::from_static(accept))
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(error) if error.is_timeout() && last => {
                    return Err(TopdeskError::Timeout { path, after: self.timeout, attempts: attempt });
                }
                Err(error) if last || !(error.is_timeout() || error.is_connect() || error.is_request()) => {
                    return Err(TopdeskError::Transport { path, message: transport_message(&error) });
                }
                Err(_) => {
                    tokio::time::sleep(self.pause(attempt, None)).await;
                    continue;
                }
            };
            let status = response.status();
            if matches!(status.as_u16(), 429 | 502 | 503 | 504) {
                if last {
                    return Err(TopdeskError::Busy { path, status: status.as_u16(), attempts: attempt });
                }
                let asked = response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                tokio::time::sleep(self.pause(attempt, asked)).await;
                continue;
            }
            if !status.is_success() {
                return Err(self.failure(status, path, accept, response).await);
            }
            match read_reply(status, response).await {
                Ok(reply) => return Ok(reply),
                Err(error) if last => {
                    return Err(if error.is_timeout() {
                        TopdeskError::Timeout { path, after: self.timeout, attempts: attempt }
                    } else {
                        TopdeskError::Transport { path, message: transport_message(&error) }
                    });
                }
                Err(_) => tokio::time::sleep(self.pause(attempt, None)).await,
            }
        }
    }

    fn pause(&self, attempt: u32, asked: Option<Duration>) -> Duration {
        asked.map_or_else(
            || self.retry_delay.saturating_mul(1 << (attempt - 1).min(10)),
            |asked| asked.min(MAX_RETRY_AFTER),
        )
    }

    async fn failure(
        &self,
        status: StatusCode,
        path: String,
        accept: &str,
        response: reqwest::Response,
    ) -> TopdeskError {
        match status.as_u16() {
            401 => TopdeskError::Unauthorized { path, login: self.login.clone() },
            403 => TopdeskError::Forbidden { path },
            404 => TopdeskError::NotFound { path },
            406 => TopdeskError::NotAcceptable { path, accept: accept.to_owned() },
            other => {
                let body = response.bytes().await.unwrap_or_default();
                TopdeskError::Status { path, status: other, message: error_message(&body) }
            }
        }
    }
}

/// Read the whole body chunk by chunk (attachments can be large; nothing is copied twice).
async fn read_reply(status: StatusCode, mut response: reqwest::Response) -> Result<Reply, reqwest::Error> {
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = header(CONTENT_TYPE.as_str());
    let next_page_url = header("x-next-page-url");
    let mut body =
        Vec::with_capacity(usize::try_from(response.content_length().unwrap_or(0).min(1 << 24)).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(Reply { status: status.as_u16(), body, content_type, next_page_url })
}

/// The message of a TOPdesk error body in any of its shapes: `[{"message"}]`, `{"message"}`,
/// `{"errors":[{"errorMessage"}]}`, `[{"errorCode","errorMessage"}]`; else the text, shortened.
fn error_message(body: &[u8]) -> String {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        let text = String::from_utf8_lossy(body);
        return text.trim().chars().take(200).collect();
    };
    let entries: Vec<&serde_json::Value> = match &json {
        serde_json::Value::Array(items) => items.iter().collect(),
        serde_json::Value::Object(map) => match map.get("errors") {
            Some(serde_json::Value::Array(items)) => items.iter().collect(),
            _ => vec![&json],
        },
        _ => Vec::new(),
    };
    let messages: Vec<&str> = entries
        .iter()
        .filter_map(|entry| ["message", "errorMessage", "error"].iter().find_map(|key| entry.get(key)?.as_str()))
        .collect();
    messages.join("; ")
}

/// The request path without its query.
pub fn strip_query(path: &str) -> &str {
    path.split_once('?').map_or(path, |(path, _)| path)
}

/// reqwest's error chain without the URL (which holds no credential, but the path is already named).
fn transport_message(error: &reqwest::Error) -> String {
    let mut message = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(error);
    while let Some(cause) = source {
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    if message.is_empty() { error.to_string() } else { message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_of_every_shape_give_their_message() {
        assert_eq!(error_message(br#"[{"message":"Error parsing query"}]"#), "Error parsing query");
        assert_eq!(
            error_message(br#"{"errors":[{"errorCode":"x","errorMessage":"bad visibility"}]}"#),
            "bad visibility"
        );
        assert_eq!(error_message(br#"[{"errorCode":"x","appliesTo":"a","errorMessage":"no"}]"#), "no");
        assert_eq!(error_message(b"Internal error"), "Internal error");
    }

    #[test]
    fn credentials_in_the_url_are_refused_without_echoing_them() {
        let config = TopdeskConfig::new("https://api:s3cret@acme.topdesk.net", "api", "s3cret");
        let error = TopdeskClient::new(&config).unwrap_err().to_string();
        assert!(error.contains("holds credentials"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
        assert_eq!(format!("{:?}", config.password), "Password(<redacted>)");
    }
}
