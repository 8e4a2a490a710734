//! [`OdooServer`]: the emulator over real XML-RPC on 127.0.0.1, as Odoo serves it — `POST
//! /xmlrpc/2/common` and `POST /xmlrpc/2/object` with a `methodCall` body, answers and faults with
//! HTTP 200 and `text/xml` in the version's envelope, unknown paths 404, and reads too large for the emulated worker held
//! for [`HOLD`] and then answered 504 as a proxy does when Odoo kills a worker.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{OdooEmulator, OdooVersion, Outcome};
use crate::drivers::odoo::Fault;
use crate::drivers::odoo::codec::{decode_call, encode_response};

/// How long a slow read is held before the 504 (longer than a client's page timeout in tests is
/// the point; the client gives up first).
pub const HOLD: Duration = Duration::from_secs(5);

/// A running emulator; dropping it without [`OdooServer::shutdown`] leaves it serving until the
/// runtime ends.
#[derive(Debug)]
pub struct OdooServer {
    address: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
}

impl OdooServer {
    /// Serve `emulator` on `127.0.0.1:port` (0: a free port).
    pub async fn start(emulator: OdooEmulator, port: u16) -> std::io::Result<OdooServer> {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await?;
        let address = listener.local_addr()?;
        let (stop, mut stopped) = watch::channel(false);
        let app = Router::new().route("/xmlrpc/2/{service}", post(call)).with_state(Arc::new(emulator));
        let server = tokio::spawn(async move {
            let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|&stop| stop).await;
            });
            let _ = serving.await;
        });
        Ok(OdooServer { address, stop, server })
    }

    /// The base URL to give the Odoo source (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
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

async fn call(State(emulator): State<Arc<OdooEmulator>>, Path(service): Path<String>, body: Bytes) -> Response {
    if !matches!(service.as_str(), "common" | "object") {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    }
    let (method, params) = match decode_call(&body) {
        Ok(call) => call,
        Err(error) => {
            // Odoo answers an unreadable body with a fault, still HTTP 200.
            let fault = Fault { code: 1, string: format!("Traceback (most recent call last):\nExpatError: {error}") };
            return xml(envelope(emulator.config().version, encode_response(&Err(fault))));
        }
    };
    let emulator_for_call = Arc::clone(&emulator);
    let answer = tokio::task::spawn_blocking(move || emulator_for_call.respond(&service, &method, params)).await;
    let Ok(response) = answer else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
    };
    if !response.delay.is_zero() {
        tokio::time::sleep(response.delay).await;
    }
    match response.outcome {
        Outcome::Answer(result) => xml(envelope(emulator.config().version, encode_response(&result))),
        Outcome::Slow(_) => {
            tokio::time::sleep(HOLD).await;
            (StatusCode::GATEWAY_TIMEOUT, "504 Gateway Time-out").into_response()
        }
    }
}

/// The document as the version writes it: up to 16 Python's `dumps` (`<?xml version='1.0'?>`),
/// from 17 Odoo's own (double quotes, an empty line before `</methodResponse>`).
fn envelope(version: OdooVersion, document: String) -> String {
    let body = document.split_once("?>\n").map_or(document.as_str(), |(_, body)| body);
    if version.python_envelope() {
        format!("<?xml version='1.0'?>\n{body}")
    } else {
        let body = body.strip_suffix("</methodResponse>\n").unwrap_or(body);
        format!("<?xml version=\"1.0\"?>\n{body}\n</methodResponse>\n")
    }
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}
