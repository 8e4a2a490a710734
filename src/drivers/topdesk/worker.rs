//! [`Worker`]: the async [`TopdeskClient`] on a thread of its own, called synchronously.
//!
//! The same arrangement as the Odoo driver's worker (see `odoo/worker.rs` for why): the
//! [`Source`](crate::drivers::Source) trait is blocking and is called both from plain threads and
//! from inside `block_in_place`, so the client owns a current-thread runtime on its own thread and
//! each call waits for its answer on a channel. The thread idles between calls and ends when the
//! worker is dropped.

use std::sync::mpsc;
use std::thread;

use super::client::{Get, Reply, TopdeskClient, TopdeskConfig};
use super::error::TopdeskError;

type Request = (Get, mpsc::Sender<Result<Reply, TopdeskError>>);

/// A [`TopdeskClient`] on a background thread.
#[derive(Debug)]
pub struct Worker {
    requests: mpsc::Sender<Request>,
}

impl Worker {
    /// Start the thread with a client for `config`.
    pub fn start(config: &TopdeskConfig) -> Result<Worker, TopdeskError> {
        let client = TopdeskClient::new(config)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|error| {
            TopdeskError::Setup { message: format!("cannot start the TOPdesk client's runtime: {error}") }
        })?;
        let (requests, incoming) = mpsc::channel::<Request>();
        thread::Builder::new()
            .name("topdesk-client".to_owned())
            .spawn(move || {
                while let Ok((get, reply)) = incoming.recv() {
                    // The caller may have given up waiting; nothing to do then.
                    let _ = reply.send(runtime.block_on(client.get(&get)));
                }
            })
            .map_err(|error| TopdeskError::Setup {
                message: format!("cannot start the TOPdesk client's thread: {error}"),
            })?;
        Ok(Worker { requests })
    }

    /// Send one GET and wait for its answer.
    pub fn get(&self, path: impl Into<String>, accept: Option<&'static str>) -> Result<Reply, TopdeskError> {
        let gone = || TopdeskError::Setup { message: "the TOPdesk client's thread stopped unexpectedly".to_owned() };
        let (reply, answer) = mpsc::channel();
        self.requests.send((Get { path: path.into(), accept }, reply)).map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}
