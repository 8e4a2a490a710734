//! Drivers: the only way records come in from a source system and go out to a destination.
//!
//! The runner sees a source through [`Source`] and a destination through [`Sink`], and nothing
//! else: every stage before `run` is pure, and everything that touches a file, a database or an
//! API sits behind these two traits. A driver lives in its own directory with the same shape
//! (`mod.rs` for the trait implementations, then files for discovery, wire protocol and record
//! conversion), and [`file`] is the reference implementation: NDJSON files in, NDJSON files out,
//! used by the tests, `preview` and `snapshot`, so every stage after `check` runs without a network.
//!
//! # Decided once: plain synchronous, object-safe traits
//!
//! The traits are synchronous and object-safe, so the runner holds a `Box<dyn Source>` and a
//! `Box<dyn Sink>` chosen from the spec's driver names. A later async runner wraps them (calls move
//! to a blocking thread, pacing stays in the runner) rather than each driver growing its own
//! `async fn`s, which could not be called through `dyn` anyway. Drivers therefore keep no hidden
//! background work: a call returns when its I/O is done. A driver built on an async client (Odoo)
//! runs that client on a thread of its own with its own runtime and waits for each answer with a
//! blocking receive (`odoo/worker.rs`), which is safe from a plain thread and from inside
//! `block_in_place` alike; the thread is idle between calls.
//!
//! # The contract
//!
//! - **Order.** [`Source::read`] returns an object's records in one stable order (id order for the
//!   file driver), the same on every run over the same data.
//! - **Cursors.** A [`Cursor`] marks where a read stopped. It is opaque text, stable across runs
//!   and processes, so the runner stores it in its ledger and resumes from it after a crash. A
//!   driver that can tell the data changed under a cursor returns an error asking to restart
//!   instead of silently skipping or repeating records.
//! - **Retries.** Reads have no side effects: reading again from the same cursor gives the same
//!   batch while the data is unchanged, so a failed read is simply retried. Writes are not
//!   idempotent: writing a record twice creates it twice. The runner records its intent before
//!   [`Sink::write`] and the destination id after, and decides on a retry itself.
//! - **Values.** Records carry runtime [`Value`]s typed by the source's schema lock
//!   ([`value_from_json`]); the sink receives mapped records as JSON ([`value_to_json`]).

pub mod destination;
pub mod error;
pub mod file;
pub mod intercom;
pub mod odoo;
pub mod otrs;
pub mod records;
pub mod topdesk;

use crate::check::schema::SchemaLock;
use crate::plan::Condition;
use crate::run::value::Value;

pub use destination::{Capability, Deletion, Destination, Mismatch, Outgoing, WriteError, WriteMode, Written};
pub use error::DriverError;
pub use file::{FileDestination, FileSink, FileSource};
pub use records::{value_from_json, value_to_json};

/// A record as read: its source id and the values of the requested fields, in request order.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The record's id in the source (`Int` or `Text`).
    pub id: Value,
    /// One value per requested field, in the order the fields were requested; `Null` when absent.
    pub values: Vec<Value>,
}

/// Where reading stopped; opaque to callers, stable across runs (resume from it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cursor(pub String);

/// One page of records and where to continue.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// The records, in the source's stable order.
    pub records: Vec<Record>,
    /// Where the next page starts; `None` when this page ends the object.
    pub next: Option<Cursor>,
}

/// A system records are migrated from.
pub trait Source {
    /// Describe the source as a schema lock (discover).
    fn describe(&mut self) -> Result<SchemaLock, DriverError>;

    /// Up to `limit` records of `object` after `after` (from the start when `None`) in a stable
    /// order (id order for the file driver), with `fields` in that order (a missing key reads as
    /// Null). `next` is None at the end. Reading again from the same cursor gives the same batch
    /// while the data is unchanged; a cursor the data no longer matches is an error where the
    /// driver can tell, rather than a silent skip.
    fn read(
        &mut self,
        object: &str,
        fields: &[String],
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Batch, DriverError>;

    /// The records of `object` with these ids (for prefetching relations), in any order, each at
    /// most once; unknown ids are left out.
    fn read_by_ids(&mut self, object: &str, fields: &[String], ids: &[Value]) -> Result<Vec<Record>, DriverError>;

    /// Whether [`read_by_ids`](Self::read_by_ids) reads `object`'s records by their ids alone. A
    /// source that lists some child records only under their parent (TOPdesk's progress trail)
    /// says no for them; a caller that knows the parents reads those with
    /// [`read_children`](Self::read_children) instead.
    fn reads_by_id(&self, object: &str) -> bool {
        let _ = object;
        true
    }

    /// Number of records of `object`, when cheap to know; `None` otherwise. For progress and
    /// estimates only, never for correctness.
    fn count(&mut self, object: &str) -> Result<Option<u64>, DriverError>;

    /// The records of `object` whose `link` field holds one of `parents` (a child object's
    /// records for a batch of parents: the messages of 50 tickets), in a stable order, with
    /// `fields` in that order. `conditions` are the `where:` conjuncts a source may apply itself
    /// to read less; it may apply all, some or none of them, because the caller applies the whole
    /// filter again. `Ok(None)` means the source cannot select records by parent; the caller
    /// then reads the whole object with [`read`](Self::read) (the file driver, which streams a
    /// local file, does so).
    fn read_children(
        &mut self,
        object: &str,
        fields: &[String],
        link: &str,
        parents: &[Value],
        conditions: &[Condition],
    ) -> Result<Option<Vec<Record>>, DriverError> {
        let _ = (object, fields, link, parents, conditions);
        Ok(None)
    }

    /// The records of `object` whose `link` is empty or not one of `parents` (every parent
    /// read): children nobody reads through [`read_children`](Self::read_children), such as a
    /// rating whose customer was deleted, so the caller can record why they do not migrate.
    /// `conditions` and `Ok(None)` as for `read_children`.
    fn read_children_outside(
        &mut self,
        object: &str,
        fields: &[String],
        link: &str,
        parents: &[Value],
        conditions: &[Condition],
    ) -> Result<Option<Vec<Record>>, DriverError> {
        let _ = (object, fields, link, parents, conditions);
        Ok(None)
    }
}

/// A system mapped records are written to.
pub trait Sink {
    /// Write one mapped record of destination kind `kind` (source object name `object`, source id
    /// `id`) as a JSON object; returns a destination id. Not idempotent: a repeated call writes the
    /// record again.
    fn write(
        &mut self,
        object: &str,
        kind: &str,
        id: &Value,
        record: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<String, DriverError>;

    /// Make every write so far durable (flush buffers, close batches). Call once at the end of a
    /// run; writes after it are allowed and need another `finish`.
    fn finish(&mut self) -> Result<(), DriverError>;
}
