//! [`Outcome`]: what the HTTP layer does with a call — answer it, or hold it like a worker
//! that outruns `limit_time_real` ([`SlowRead`]).

use std::time::Duration;

use crate::drivers::odoo::{Fault, XmlRpcValue};

/// What a call comes to, for the HTTP layer ([`super::OdooEmulator::respond`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Answer with this value or fault (HTTP 200 either way, as Odoo does).
    Answer(Result<XmlRpcValue, Fault>),
    /// A `read`/`search_read` larger than the configured threshold: hold the response and then
    /// fail the way a killed worker does behind a proxy (504, or a reset connection); never a
    /// fault.
    Slow(SlowRead),
}

/// A read too large for the emulated worker's time limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlowRead {
    /// The model read.
    pub model: String,
    /// `read` or `search_read`.
    pub method: String,
    /// Records × fields (with `id`) the answer would have held.
    pub cells: u64,
    /// The configured threshold it exceeded.
    pub threshold: u64,
}

/// The HTTP layer's instructions for one call: wait `delay`, then act on `outcome`.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The configured per-call delay (sleep it asynchronously before answering).
    pub delay: Duration,
    /// What to answer.
    pub outcome: Outcome,
}
