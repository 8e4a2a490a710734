//! [`OdooClient`]: Odoo's external API over XML-RPC (`/xmlrpc/2/common` and `/xmlrpc/2/object`).
//!
//! The object service is stateless: every `execute_kw` carries the database, the user id and the
//! API key. `authenticate` checks them once and keeps them as the client's session. The client
//! sends each call once and leaves retrying to the caller, which knows whether a smaller page
//! helps ([`OdooError::is_timeout`]); the one exception is a connection refused before anything
//! was sent (a server restarting), which is tried again a few times.
//!
//! The API key lives in an [`ApiKey`] whose `Debug` and `Display` print nothing of it; it only
//! travels inside request bodies, which no error keeps.

use std::fmt;
use std::io;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderValue};

use super::codec::{decode_response, encode_call};
use super::error::OdooError;
use super::server_version::ServerVersion;
use super::value::XmlRpcValue;

/// An Odoo API key (or password). Its `Debug` and `Display` print `<redacted>`, so it cannot end
/// up in logs or error messages by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wrap a key read from the environment or a secret store.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    fn to_value(&self) -> XmlRpcValue {
        XmlRpcValue::String(self.0.clone())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Everything an [`OdooClient`] needs besides credentials.
#[derive(Clone, Debug)]
pub struct OdooClientConfig {
    /// The server's address, without a path: `https://acme.odoo.com`, `http://127.0.0.1:8069`.
    pub base_url: String,
    /// Longest wait for a complete response to one call.
    pub timeout: Duration,
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// How many times a refused connection is tried again (nothing was sent, so it is safe).
    pub connect_retries: u32,
    /// Pause before the first retry of a refused connection; doubled for each further one.
    pub connect_retry_delay: Duration,
}

impl OdooClientConfig {
    /// Defaults for `base_url`: a 120-second call timeout (Odoo's own worker limit is 120 s of
    /// CPU), 10 seconds to connect, 2 retries of a refused connection.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
            connect_retries: 2,
            connect_retry_delay: Duration::from_millis(500),
        }
    }
}

/// The checked credentials `execute_kw` sends with every call.
#[derive(Clone, Debug)]
struct Session {
    database: String,
    uid: i64,
    key: ApiKey,
}

/// A client for one Odoo server.
#[derive(Clone, Debug)]
pub struct OdooClient {
    http: reqwest::Client,
    config: OdooClientConfig,
    base_url: String,
    session: Option<Session>,
}

impl OdooClient {
    /// A client for `config.base_url`; no request is sent yet.
    pub fn new(config: OdooClientConfig) -> Result<Self, OdooError> {
        let base_url = config.base_url.trim().trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url).map_err(|error| OdooError::Setup {
            message: format!("`{base_url}` is not a URL ({error}); give the Odoo address, like https://acme.odoo.com"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(OdooError::Setup {
                message: format!(
                    "`{base_url}` is not an http or https address; give the Odoo address, like https://acme.odoo.com"
                ),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|error| OdooError::Setup { message: error_chain(&error) })?;
        Ok(Self { http, config, base_url, session: None })
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The user id of the session, once authenticated.
    pub fn uid(&self) -> Option<i64> {
        self.session.as_ref().map(|session| session.uid)
    }

    /// `common.version()`: the server's version. Needs no credentials, so it doubles as a
    /// connectivity probe.
    pub async fn version(&self) -> Result<ServerVersion, OdooError> {
        let value = self.call("common", "version", &[], None).await?;
        ServerVersion::from_value(&value)
            .ok_or_else(|| OdooError::UnexpectedAnswer { method: "version".into(), found: describe(&value) })
    }

    /// `common.authenticate(db, login, key, {})`: check the credentials and keep them for
    /// [`execute_kw`](Self::execute_kw). Returns the user id. Odoo answers False (not a fault) to
    /// a wrong login or key, which becomes [`OdooError::WrongCredentials`].
    pub async fn authenticate(&mut self, database: &str, login: &str, key: ApiKey) -> Result<i64, OdooError> {
        let params = [
            XmlRpcValue::String(database.into()),
            XmlRpcValue::String(login.into()),
            key.to_value(),
            XmlRpcValue::Struct(Vec::new()),
        ];
        match self.call("common", "authenticate", &params, None).await? {
            XmlRpcValue::Int(uid) if uid > 0 => {
                self.session = Some(Session { database: database.into(), uid, key });
                Ok(uid)
            }
            XmlRpcValue::Bool(false) => {
                Err(OdooError::WrongCredentials { database: database.into(), login: login.into() })
            }
            other => Err(OdooError::UnexpectedAnswer { method: "authenticate".into(), found: describe(&other) }),
        }
    }

    /// `object.execute_kw(db, uid, key, model, method, args, kwargs)` with the session's
    /// credentials: call an ORM method (`search_read`, `fields_get`, …) on `model`.
    pub async fn execute_kw(
        &self,
        model: &str,
        method: &str,
        args: Vec<XmlRpcValue>,
        kwargs: Vec<(String, XmlRpcValue)>,
    ) -> Result<XmlRpcValue, OdooError> {
        let session = self.session.as_ref().ok_or(OdooError::NotAuthenticated)?;
        let params = [
            XmlRpcValue::String(session.database.clone()),
            XmlRpcValue::Int(session.uid),
            session.key.to_value(),
            XmlRpcValue::String(model.into()),
            XmlRpcValue::String(method.into()),
            XmlRpcValue::Array(args),
            XmlRpcValue::Struct(kwargs),
        ];
        self.call("object", "execute_kw", &params, Some((model, method))).await
    }

    /// Send one call to `/xmlrpc/2/{service}`. `target` names the model and method for fault
    /// messages of `execute_kw`.
    async fn call(
        &self,
        service: &str,
        method: &str,
        params: &[XmlRpcValue],
        target: Option<(&str, &str)>,
    ) -> Result<XmlRpcValue, OdooError> {
        let url = format!("{}/xmlrpc/2/{service}", self.base_url);
        let body = encode_call(method, params);
        let mut retries = 0;
        let response = loop {
            let request = self
                .http
                .post(&url)
                .header(CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"))
                .body(body.clone());
            match request.send().await {
                Ok(response) => break response,
                Err(error) if retries < self.config.connect_retries && is_refused(&error) => {
                    tokio::time::sleep(self.config.connect_retry_delay * 2u32.pow(retries)).await;
                    retries += 1;
                }
                Err(error) => return Err(self.transport_error(&url, &error)),
            }
        };
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|error| self.transport_error(&url, &error))?;
        if status != 200 {
            return Err(OdooError::status(&url, status, &bytes));
        }
        match decode_response(&bytes) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(fault)) => Err(match target {
                Some((model, method)) => OdooError::fault(fault, Some(model), method),
                None => OdooError::fault(fault, None, method),
            }),
            Err(error) => Err(OdooError::Malformed { url, error: Box::new(error) }),
        }
    }

    /// A network failure as the variant the caller acts on.
    fn transport_error(&self, url: &str, error: &reqwest::Error) -> OdooError {
        if error.is_connect() {
            OdooError::Connect { url: url.into(), message: error_chain(error) }
        } else if error.is_timeout() {
            OdooError::Timeout { url: url.into(), after: self.config.timeout }
        } else {
            OdooError::Disconnected { url: url.into(), message: error_chain(error) }
        }
    }
}

/// Whether the connection was refused, so nothing was sent.
fn is_refused(error: &reqwest::Error) -> bool {
    if !error.is_connect() {
        return false;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// An error and its causes, joined with `: ` (reqwest's own message leaves the cause out).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

/// A short description of an unexpected answer.
fn describe(value: &XmlRpcValue) -> String {
    match value {
        XmlRpcValue::Int(number) => format!("the integer {number}"),
        XmlRpcValue::Bool(flag) => format!("the boolean {flag}"),
        XmlRpcValue::String(text) => format!("the string `{}`", text.chars().take(60).collect::<String>()),
        XmlRpcValue::Double(number) => format!("the double {number}"),
        XmlRpcValue::DateTime(text) => format!("the date-time {text}"),
        XmlRpcValue::Base64(bytes) => format!("{} bytes of base64", bytes.len()),
        XmlRpcValue::Struct(members) => format!("a struct of {} members", members.len()),
        XmlRpcValue::Array(values) => format!("an array of {} values", values.len()),
        XmlRpcValue::Nil => "nil".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_key_never_prints() {
        let key = ApiKey::new("s3cr3t-key");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.to_string(), "<redacted>");
        let mut client = OdooClient::new(OdooClientConfig::new("http://127.0.0.1:9")).unwrap();
        client.session = Some(Session { database: "acme".into(), uid: 2, key });
        assert!(!format!("{client:?}").contains("s3cr3t"));
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        let client = OdooClient::new(OdooClientConfig::new(" https://acme.odoo.com/ ")).unwrap();
        assert_eq!(client.base_url(), "https://acme.odoo.com");
        let error = OdooClient::new(OdooClientConfig::new("acme.odoo.com")).unwrap_err();
        assert!(error.to_string().contains("is not a URL"), "{error}");
        let error = OdooClient::new(OdooClientConfig::new("ftp://acme")).unwrap_err();
        assert!(error.to_string().contains("not an http or https address"), "{error}");
    }

    #[tokio::test]
    async fn execute_kw_needs_a_session() {
        let client = OdooClient::new(OdooClientConfig::new("http://127.0.0.1:9")).unwrap();
        let error = client.execute_kw("res.partner", "search", vec![], vec![]).await.unwrap_err();
        assert!(matches!(error, OdooError::NotAuthenticated), "{error}");
    }
}
