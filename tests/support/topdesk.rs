//! Generated TOPdesk datasets and the TOPdesk emulator served for tests: one dataset per name,
//! generated once per process, and a server on a runtime of its own, so a driver's blocking
//! calls never starve it. [`Served::get`] sends one authenticated request with reqwest.

use std::path::Path;

use cutover::generate::Platform;
use cutover::sandbox::topdesk::{LoggedRequest, TopdeskConfig, TopdeskEmulator, TopdeskServer};

/// The TOPdesk dataset `name` (`tickets` tickets, `seed`), generated on first use in a directory
/// of this process.
pub fn dataset(name: &str, tickets: u64, seed: u64) -> &'static Path {
    super::generated(Platform::Topdesk, name, tickets, seed)
}

/// The rows of a table in a generated directory.
pub use super::migration::records as rows;

/// An answer: status, headers and body.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!("status {}: not JSON ({error}): {}", self.status, String::from_utf8_lossy(&self.body))
        })
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned)
    }
}

/// An emulator served on its own runtime; shut down when dropped.
pub struct Served {
    server: Option<TopdeskServer>,
    runtime: tokio::runtime::Runtime,
    login: String,
    password: String,
}

impl Served {
    /// Load the dataset `config` names and serve it on 127.0.0.1.
    pub fn serve(config: TopdeskConfig) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let (login, password) = (config.login.clone(), config.password.clone());
        let emulator = TopdeskEmulator::new(config).expect("load the dataset");
        let server = runtime.block_on(TopdeskServer::start(emulator, 0)).expect("serve the emulator");
        Served { server: Some(server), runtime, login, password }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.as_ref().unwrap().base_url()
    }

    /// Every request the emulator answered.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.server.as_ref().unwrap().requests()
    }

    /// `GET` `path_and_query` with the configured credentials.
    pub fn get(&self, path_and_query: &str) -> Answer {
        self.get_as(path_and_query, Some((&self.login, &self.password)), None)
    }

    /// `GET` with the given credentials (none: no Authorization header) and Accept header.
    pub fn get_as(&self, path_and_query: &str, credentials: Option<(&str, &str)>, accept: Option<&str>) -> Answer {
        let url = if path_and_query.starts_with("http") {
            path_and_query.to_owned()
        } else {
            format!("{}{path_and_query}", self.url())
        };
        self.runtime.block_on(async move {
            let mut request = reqwest::Client::new().get(&url);
            if let Some((login, password)) = credentials {
                request = request.basic_auth(login, Some(password));
            }
            if let Some(accept) = accept {
                request = request.header("Accept", accept);
            }
            let response = request.send().await.expect("send the request");
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.bytes().await.expect("read the body").to_vec();
            Answer { status, headers, body }
        })
    }

    /// `GET` with an Accept header.
    pub fn get_accept(&self, path_and_query: &str, accept: &str) -> Answer {
        self.get_as(path_and_query, Some((&self.login, &self.password)), Some(accept))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}
