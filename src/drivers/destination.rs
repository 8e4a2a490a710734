//! The runner's view of a destination: asynchronous, record-level writes with the operations
//! exactly-once delivery needs (create, find after an ambiguous create, complete, read back,
//! delete).
//!
//! The synchronous [`Sink`](super::Sink) trait writes a record and returns an id; that is enough
//! for `snapshot` and tests, not for a migration. A migration must also settle a create whose
//! outcome is unknown (look the record up instead of creating it twice), finish a record whose
//! follow-up calls were cut off (title, assignment, state and tags after a conversation create),
//! bring an earlier import up to date, read it back for `verify`, and undo it for `rollback`.
//! [`Destination`] is that contract; `IntercomDestination` (`intercom/destination.rs`)
//! and `FileDestination` (`file/destination.rs`) implement it.
//!
//! # Records
//!
//! An [`Outgoing`] record is the mapping's output with every `ref(...)` resolved by the runner to
//! the destination id of the referenced record, written as `{"kind": KIND, "id": ID}` (the kind
//! tells a contact author from an admin author). Destination field names are the spec's
//! (`title`, `custom_attributes.priority`); values are JSON as
//! [`value_to_json`](super::value_to_json) writes them (date-times as RFC 3339 text). A record of a
//! child kind (`conversation_part`) carries its parent's destination id in `parent`.
//!
//! # The exactly-once protocol (what the runner relies on)
//!
//! 1. The runner records an intent, then calls [`Destination::create`].
//! 2. `Ok(Written)`: the record exists and is complete.
//! 3. `Err(WriteError::Ambiguous)`: the request may or may not have been applied. The runner
//!    calls [`Destination::find`] (now, and again after a crash for every intent left open);
//!    `Some(id)` means it was applied, `None` means it was not and may be created again.
//! 4. `Err(WriteError::Incomplete { id, .. })`: the record was created with `id`, but a follow-up
//!    call failed. The runner records the id and later calls [`Destination::complete`], which is
//!    idempotent.
//! 5. [`Destination::complete`] also brings an earlier import up to date when the mapped output
//!    changed (a re-run, `--delta`), for the kinds where [`Capability::updatable`] is true.

use std::future::Future;

use serde_json::{Map, Value as Json};

use crate::check::NewAttribute;

/// A mapped record on its way to the destination.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    /// The destination kind (`contact`, `conversation`, `conversation_part`).
    pub kind: String,
    /// The mapped fields, refs resolved to `{"kind": KIND, "id": ID}`; nulls left out.
    pub fields: Map<String, Json>,
    /// The parent's destination id, for child kinds (a conversation part's conversation).
    pub parent: Option<String>,
}

/// What a successful write left in the destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The destination id.
    pub id: String,
    /// The destination's own change time after the write (Unix seconds), when it reports one:
    /// a later value means someone edited the record after the import.
    pub updated_at: Option<i64>,
    /// The record existed before this call (a contact with the same email): it was matched, not
    /// created, and rollback must leave it. A conflict caused by this call's own retried attempt
    /// is not "existed".
    pub existed: bool,
}

/// What the destination can do with a kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capability {
    /// How records of the kind get an id.
    pub mode: WriteMode,
    /// Whether [`Destination::complete`] can change an existing record's fields (parts cannot be
    /// edited in Intercom: a changed part is reported instead).
    pub updatable: bool,
    /// Whether [`Destination::delete`] can remove it; when false, the reason for the manual
    /// cleanup list (`notes cannot be deleted through the API`).
    pub deletable: Result<(), String>,
}

/// How records of a kind get a destination id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// Created by the migration.
    Create,
    /// Only matched against what exists (admins, teams): never created.
    Match,
    /// Not written by this destination; the reason says why, and the run refuses to start.
    Unsupported(String),
}

/// The result of a delete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deletion {
    /// Deleted now.
    Deleted,
    /// Already gone (deleted by someone, or by a parent's delete).
    AlreadyGone,
    /// The API cannot delete it; the reason goes to the manual cleanup list.
    Impossible(String),
}

/// One field whose value in the destination differs from what the spec produces now.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// The destination field (`title`, `custom_attributes.priority`).
    pub field: String,
    /// What the mapping produces from the source now (in the destination's comparable form).
    pub expected: Json,
    /// What the destination holds (`null` when absent).
    pub actual: Json,
}

/// A write that did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The request may have been applied: settle with [`Destination::find`] before any retry.
    Ambiguous(String),
    /// The record was created with `id` but a follow-up call failed; finish it with
    /// [`Destination::complete`].
    Incomplete {
        /// The created record's id.
        id: String,
        /// What failed.
        message: String,
    },
    /// The destination refused this record (a 4xx other than auth and rate limits): the record
    /// fails with this reason; other records go on.
    Rejected(String),
    /// The destination could not be reached or kept failing after retries: the record is not
    /// written and is retried on the next run.
    Unavailable(String),
    /// Nothing can be written (bad token, missing permission, unknown workspace): stop the run.
    Fatal(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Ambiguous(message) => write!(f, "outcome unknown: {message}"),
            WriteError::Incomplete { id, message } => write!(f, "created as {id} but not finished: {message}"),
            WriteError::Rejected(message) => write!(f, "rejected: {message}"),
            WriteError::Unavailable(message) => write!(f, "unavailable: {message}"),
            WriteError::Fatal(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for WriteError {}

/// A destination the runner writes to. Every method may be called concurrently from many tasks.
pub trait Destination: Send + Sync + 'static {
    /// What the destination does with records of `kind`.
    fn capability(&self, kind: &str) -> Capability;

    /// Whether created records carry their attachment files' content (`{content_type, data,
    /// name}`). When false (a dry run's files), records keep the references only
    /// (`{source_id, name, content_type, size}`) and no content is read.
    fn takes_attachment_files(&self) -> bool {
        true
    }

    /// Make sure the custom attributes exist (the schema phase, before any record). Returns the
    /// names created now; attributes that already exist with a compatible type are left alone,
    /// one with a conflicting type is an error.
    fn prepare_attributes(
        &self,
        attributes: &[NewAttribute],
    ) -> impl Future<Output = Result<Vec<String>, WriteError>> + Send;

    /// Of the custom object types `types` (their identifiers), the ones the destination does not
    /// define. Types cannot be created through an API, so the run refuses to start while any is
    /// missing (the preflight). Default: none is missing (a destination that holds any type, such
    /// as a dry run's files).
    fn missing_object_types(&self, types: &[String]) -> impl Future<Output = Result<Vec<String>, WriteError>> + Send {
        let _ = types;
        async { Ok(Vec::new()) }
    }

    /// The id of the existing record of `kind` (a [`WriteMode::Match`] kind) whose identity is
    /// `key` (an admin's email, a team's name), or `None`.
    fn match_existing(&self, kind: &str, key: &Json)
    -> impl Future<Output = Result<Option<String>, WriteError>> + Send;

    /// Create the record with everything it carries (follow-up calls included).
    fn create(&self, record: &Outgoing) -> impl Future<Output = Result<Written, WriteError>> + Send;

    /// Look for the record an earlier create with an unknown outcome may have made (by its
    /// natural key: email, external id, the contact's conversations around `created_at` with the
    /// same body, …). `None` means it was not created.
    fn find(&self, record: &Outgoing) -> impl Future<Output = Result<Option<String>, WriteError>> + Send;

    /// Bring the existing record `id` to the mapped state (idempotent): finish an incomplete
    /// create, or update a changed record where the kind is updatable.
    fn complete(&self, id: &str, record: &Outgoing) -> impl Future<Output = Result<Written, WriteError>> + Send;

    /// The destination's change time of record `id` (Unix seconds), `None` when the destination
    /// does not report one, `Err` on failure; a record that no longer exists is
    /// `Err(WriteError::Rejected)`.
    fn updated_at(
        &self,
        kind: &str,
        id: &str,
        parent: Option<&str>,
    ) -> impl Future<Output = Result<Option<i64>, WriteError>> + Send;

    /// Read record `id` back and compare it field by field with `record` (what the spec produces
    /// now); fields the destination cannot read back are not compared. A record that no longer
    /// exists is one mismatch on the field `id`.
    fn verify(&self, id: &str, record: &Outgoing) -> impl Future<Output = Result<Vec<Mismatch>, WriteError>> + Send;

    /// Delete record `id` (rollback).
    fn delete(
        &self,
        kind: &str,
        id: &str,
        parent: Option<&str>,
    ) -> impl Future<Output = Result<Deletion, WriteError>> + Send;
}
