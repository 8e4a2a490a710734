//! [`Worker`]: the async [`OdooClient`] behind a blocking call interface, for the synchronous
//! [`Source`](crate::drivers::Source) trait.
//!
//! The runner calls a source from two kinds of context: a plain std thread (its read-ahead) and
//! a tokio worker thread inside `block_in_place`. Neither may simply `block_on` the client there:
//! `Handle::block_on` panics inside a runtime worker, a runtime built on the caller's thread
//! cannot be nested inside another, and a `block_on` on the caller's runtime would compete with
//! the tasks it is blocking. So the client lives on a thread of its own that owns a
//! current-thread runtime. A call is a message on a channel with a reply channel; the caller waits
//! with a plain blocking `recv`, which is correct in every context (inside `block_in_place` the
//! runtime has already moved its other tasks off the thread).
//!
//! The thread does nothing between calls, so the driver keeps the trait's promise of no hidden
//! background work. It ends when the [`Worker`] is dropped (its sender closes the channel).

use std::sync::mpsc;
use std::thread;

use super::client::{ApiKey, OdooClient, OdooClientConfig};
use super::error::OdooError;
use super::server_version::ServerVersion;
use super::value::XmlRpcValue;

/// One call for the worker thread.
#[derive(Debug)]
enum Call {
    Version,
    Authenticate { database: String, login: String, key: ApiKey },
    ExecuteKw { model: String, method: String, args: Vec<XmlRpcValue>, kwargs: Vec<(String, XmlRpcValue)> },
}

/// What the worker thread answers.
#[derive(Debug)]
enum Answer {
    Version(Result<ServerVersion, OdooError>),
    Value(Result<XmlRpcValue, OdooError>),
}

/// A call and where to send its answer.
type Request = (Call, mpsc::Sender<Answer>);

/// An [`OdooClient`] on a background thread, called synchronously from any thread.
#[derive(Debug)]
pub struct Worker {
    requests: mpsc::Sender<Request>,
}

impl Worker {
    /// Start the thread with a client for `config`. Fails when the client cannot be set up (a bad
    /// URL) or the runtime cannot be built.
    pub fn start(config: OdooClientConfig) -> Result<Worker, OdooError> {
        let mut client = OdooClient::new(config)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|error| {
            OdooError::Setup { message: format!("cannot start the Odoo client's runtime: {error}") }
        })?;
        let (requests, incoming) = mpsc::channel::<Request>();
        thread::Builder::new()
            .name("odoo-client".to_owned())
            .spawn(move || {
                while let Ok((call, reply)) = incoming.recv() {
                    let answer = match call {
                        Call::Version => Answer::Version(runtime.block_on(client.version())),
                        Call::Authenticate { database, login, key } => Answer::Value(
                            runtime.block_on(client.authenticate(&database, &login, key)).map(XmlRpcValue::Int),
                        ),
                        Call::ExecuteKw { model, method, args, kwargs } => {
                            Answer::Value(runtime.block_on(client.execute_kw(&model, &method, args, kwargs)))
                        }
                    };
                    // The caller may have given up (a panic while waiting); nothing to do then.
                    let _ = reply.send(answer);
                }
            })
            .map_err(|error| OdooError::Setup { message: format!("cannot start the Odoo client's thread: {error}") })?;
        Ok(Worker { requests })
    }

    /// `common.version()`.
    pub fn version(&self) -> Result<ServerVersion, OdooError> {
        match self.ask(Call::Version)? {
            Answer::Version(result) => result,
            Answer::Value(_) => Err(gone()),
        }
    }

    /// `common.authenticate(…)`: the user id.
    pub fn authenticate(&self, database: &str, login: &str, key: ApiKey) -> Result<i64, OdooError> {
        let call = Call::Authenticate { database: database.to_owned(), login: login.to_owned(), key };
        match self.value(call)? {
            XmlRpcValue::Int(uid) => Ok(uid),
            _ => Err(gone()),
        }
    }

    /// `object.execute_kw(…)` with the session's credentials.
    pub fn execute_kw(
        &self,
        model: &str,
        method: &str,
        args: Vec<XmlRpcValue>,
        kwargs: Vec<(String, XmlRpcValue)>,
    ) -> Result<XmlRpcValue, OdooError> {
        self.value(Call::ExecuteKw { model: model.to_owned(), method: method.to_owned(), args, kwargs })
    }

    fn value(&self, call: Call) -> Result<XmlRpcValue, OdooError> {
        match self.ask(call)? {
            Answer::Value(result) => result,
            Answer::Version(_) => Err(gone()),
        }
    }

    fn ask(&self, call: Call) -> Result<Answer, OdooError> {
        let (reply, answer) = mpsc::channel();
        self.requests.send((call, reply)).map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())
    }
}

/// The worker thread is gone (it panicked); no call can be answered.
fn gone() -> OdooError {
    OdooError::Setup { message: "the Odoo client's thread stopped unexpectedly".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call from inside a multi-thread runtime (as the runner makes it, in `block_in_place`)
    /// and from a plain thread both return instead of panicking or deadlocking.
    #[test]
    fn calls_work_from_a_runtime_worker_and_a_plain_thread() {
        let mut config = OdooClientConfig::new("http://127.0.0.1:9");
        config.connect_retries = 0;
        let worker = Worker::start(config).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
        let inside = runtime.block_on(async { tokio::task::block_in_place(|| worker.version()) });
        assert!(matches!(inside, Err(OdooError::Connect { .. })), "{inside:?}");
        let outside = thread::scope(|scope| scope.spawn(|| worker.version()).join().unwrap());
        assert!(matches!(outside, Err(OdooError::Connect { .. })), "{outside:?}");
    }
}
