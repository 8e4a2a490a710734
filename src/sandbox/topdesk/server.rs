//! [`TopdeskServer`]: the emulator over HTTP on 127.0.0.1, as TOPdesk serves its REST APIs.
//!
//! Every request needs HTTP Basic with the operator's login name and application password (401
//! otherwise, with `WWW-Authenticate`); only `GET` is served (the emulator is read-only: 405).
//! Injected slowness applies before the answer: the configured delay on every request, and for
//! requests asking for more records than allowed (`pageSize`, `page_size`, `$top`) either an
//! extra delay or a hold ending in 504. Every request, refused ones included, is logged with its
//! status ([`TopdeskServer::requests`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::SlowAnswer;
use super::emulator::{LoggedRequest, TopdeskEmulator};
use super::reply::{Reply, Request};
use crate::sandbox::intercom::percent_decode;

/// A running emulator; dropping it without [`TopdeskServer::shutdown`] leaves it serving until
/// the runtime ends.
#[derive(Debug)]
pub struct TopdeskServer {
    address: SocketAddr,
    emulator: Arc<TopdeskEmulator>,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
}

impl TopdeskServer {
    /// Serve `emulator` on `127.0.0.1:port` (0: a free port).
    pub async fn start(emulator: TopdeskEmulator, port: u16) -> std::io::Result<TopdeskServer> {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await?;
        let address = listener.local_addr()?;
        let emulator = Arc::new(emulator);
        let (stop, mut stopped) = watch::channel(false);
        let app = Router::new().fallback(answer).with_state(Arc::clone(&emulator));
        let server = tokio::spawn(async move {
            let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|&stop| stop).await;
            });
            let _ = serving.await;
        });
        Ok(TopdeskServer { address, emulator, stop, server })
    }

    /// The base URL (`http://127.0.0.1:PORT`); the APIs are under `/tas/api` and
    /// `/services/knowledge-base-v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Every request answered so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.emulator.requests()
    }

    /// Stop serving.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let mut server = self.server;
        if tokio::time::timeout(Duration::from_secs(5), &mut server).await.is_err() {
            server.abort();
        }
    }
}

async fn answer(
    State(emulator): State<Arc<TopdeskEmulator>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let (status, response) = respond(&emulator, &method, &uri, &headers).await;
    emulator.record(LoggedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        status: status.as_u16(),
    });
    response
}

async fn respond(
    emulator: &Arc<TopdeskEmulator>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> (StatusCode, Response) {
    if !authorized(emulator, headers) {
        let body = json!([{ "message": "Invalid Credentials or no Permission" }]);
        let response =
            (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Basic realm=\"TOPdesk\"")], axum::Json(body));
        return (StatusCode::UNAUTHORIZED, response.into_response());
    }
    if method != Method::GET {
        let response = (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET")], "").into_response();
        return (StatusCode::METHOD_NOT_ALLOWED, response);
    }
    let Ok(Query(params)) = Query::<Vec<(String, String)>>::try_from_uri(uri) else {
        let reply = Reply::bad_request(super::reply::Family::Classic, "The query string cannot be read");
        return (reply.status(), into_response(reply));
    };
    let slowness = &emulator.config().slowness;
    if !slowness.delay.is_zero() {
        tokio::time::sleep(slowness.delay).await;
    }
    if let Some(over) = slowness.large_page_over {
        let asked = ["pageSize", "page_size", "$top"]
            .iter()
            .filter_map(|name| params.iter().rev().find(|(key, _)| key == name))
            .filter_map(|(_, value)| value.parse::<u64>().ok())
            .max();
        if asked.is_some_and(|asked| asked > over) {
            match slowness.large_page {
                SlowAnswer::Delayed(extra) => tokio::time::sleep(extra).await,
                SlowAnswer::Timeout(hold) => {
                    tokio::time::sleep(hold).await;
                    let response = (StatusCode::GATEWAY_TIMEOUT, "504 Gateway Time-out").into_response();
                    return (StatusCode::GATEWAY_TIMEOUT, response);
                }
            }
        }
    }
    let host = headers.get(header::HOST).and_then(|host| host.to_str().ok()).unwrap_or("127.0.0.1");
    let request = Request {
        segments: uri.path().split('/').filter(|segment| !segment.is_empty()).map(percent_decode).collect(),
        params,
        accept: headers.get(header::ACCEPT).and_then(|accept| accept.to_str().ok()).map(str::to_owned),
        base: format!("http://{host}"),
        path: uri.path().to_owned(),
    };
    let working = Arc::clone(emulator);
    let Ok(reply) = tokio::task::spawn_blocking(move || working.respond(&request)).await else {
        let response = (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
        return (StatusCode::INTERNAL_SERVER_ERROR, response);
    };
    (reply.status(), into_response(reply))
}

fn authorized(emulator: &TopdeskEmulator, headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let Some(encoded) = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic ")) else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else { return false };
    let Ok(decoded) = String::from_utf8(decoded) else { return false };
    decoded.split_once(':').is_some_and(|(login, password)| emulator.authorized(login, password))
}

fn into_response(reply: Reply) -> Response {
    match reply {
        Reply::Json(status, body, headers) => {
            let mut response = (status, axum::Json(body)).into_response();
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) =
                    (header::HeaderName::from_bytes(name.as_bytes()), header::HeaderValue::from_str(&value))
                {
                    response.headers_mut().insert(name, value);
                }
            }
            response
        }
        Reply::NoContent => StatusCode::NO_CONTENT.into_response(),
        Reply::File { content_type, file_name, bytes } => {
            let disposition = format!("attachment; filename=\"{}\"", file_name.replace(['"', '\\'], "_"));
            let mut response = (StatusCode::OK, bytes).into_response();
            let headers = response.headers_mut();
            if let Ok(value) = header::HeaderValue::from_str(&content_type) {
                headers.insert(header::CONTENT_TYPE, value);
            }
            if let Ok(value) = header::HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            } else {
                headers.insert(header::CONTENT_DISPOSITION, header::HeaderValue::from_static("attachment"));
            }
            response
        }
    }
}
