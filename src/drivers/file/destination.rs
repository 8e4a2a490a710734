//! [`FileDestination`]: the [`Destination`] of `run --dry-run`. Nothing leaves the machine: every
//! record the runner would write is appended to `<dir>/<kind>.ndjson` as one line, through the
//! same [`FileSink`] the `file` driver writes with.
//!
//! A line is `{"action", "kind", "id", "parent", "fields"}` with the fields' keys sorted:
//! `action` is `create` for [`Destination::create`] and `update` for [`Destination::complete`].
//! Ids are `dry-<kind>-<n>`, counted per kind from 1 in this process.
//!
//! A dry run cannot know the workspace. Admins and teams given to
//! [`FileDestination::with_known`] (the workspace lock's) are matched against that list and
//! unknown keys are reported as not found, as a real run would; without such a list every key
//! matches, with the id `dry-<kind>:<key>`. Nothing already exists (`find` is always `None`), no
//! record has a change time, deletes always succeed, and `verify` knows only what this process
//! wrote.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{Value as Json, json};

use super::FileSink;
use crate::check::NewAttribute;
use crate::drivers::{
    Capability, Deletion, Destination, DriverError, Mismatch, Outgoing, Sink, WriteError, WriteMode, Written,
};

/// Writes what a run would send as NDJSON lines instead; see the module doc.
#[derive(Debug)]
pub struct FileDestination {
    dir: PathBuf,
    /// Admin emails (lower-cased) and team names known to exist, when given.
    known: Option<Known>,
    state: Mutex<DryRun>,
}

/// The admins and teams of the workspace lock.
#[derive(Debug)]
struct Known {
    admins: Vec<String>,
    teams: Vec<String>,
}

/// What the dry run wrote so far.
#[derive(Debug)]
struct DryRun {
    sink: FileSink,
    /// The last number used per kind.
    counters: HashMap<String, u64>,
    /// The records written, by id, for `verify`.
    written: HashMap<String, Outgoing>,
}

impl FileDestination {
    /// A dry run writing into `dir` (created if missing; existing files are appended to). Every
    /// admin and team key matches.
    pub fn create(dir: impl Into<PathBuf>) -> Result<Self, DriverError> {
        let dir = dir.into();
        let sink = FileSink::create(&dir)?;
        let state = DryRun { sink, counters: HashMap::new(), written: HashMap::new() };
        Ok(Self { dir, known: None, state: Mutex::new(state) })
    }

    /// Match admins (by email, case-insensitively) and teams (by exact name) against these lists,
    /// the workspace lock's known admins and teams, instead of matching every key.
    pub fn with_known(mut self, admin_emails: &[String], team_names: &[String]) -> Self {
        self.known = Some(Known {
            admins: admin_emails.iter().map(|email| email.trim().to_lowercase()).collect(),
            teams: team_names.to_vec(),
        });
        self
    }

    /// The directory written.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn state(&self) -> MutexGuard<'_, DryRun> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Append `record` as an `action` line for `id` (a new id when `None`) and flush it.
    fn append(&self, action: &str, id: Option<&str>, record: &Outgoing) -> Result<String, WriteError> {
        let mut state = self.state();
        let id = match id {
            Some(id) => id.to_owned(),
            None => {
                let counter = state.counters.entry(record.kind.clone()).or_insert(0);
                *counter += 1;
                format!("dry-{}-{counter}", record.kind)
            }
        };
        let (action, kind, id_json) = (json!(action), json!(record.kind), json!(id));
        let (parent, fields) = (json!(record.parent), Json::Object(record.fields.clone()));
        let entries =
            [("action", &action), ("kind", &kind), ("id", &id_json), ("parent", &parent), ("fields", &fields)];
        let written = state.sink.append(&record.kind, &entries).and_then(|_| state.sink.finish());
        written.map_err(|error| match error {
            DriverError::Rejected { .. } => WriteError::Rejected(error.to_string()),
            other => WriteError::Fatal(format!("the dry run cannot write its output: {other}")),
        })?;
        state.written.insert(id.clone(), record.clone());
        Ok(id)
    }
}

impl Destination for FileDestination {
    /// Every kind is created, updatable and deletable, except admins and teams, which are matched.
    fn capability(&self, kind: &str) -> Capability {
        let mode = if matches!(kind, "admin" | "team") { WriteMode::Match } else { WriteMode::Create };
        Capability { mode, updatable: true, deletable: Ok(()) }
    }

    /// A dry run writes what would be attached (names, types, sizes), never the files' content.
    fn takes_attachment_files(&self) -> bool {
        false
    }

    /// Nothing to prepare: the output has no schema.
    async fn prepare_attributes(&self, _attributes: &[NewAttribute]) -> Result<Vec<String>, WriteError> {
        Ok(Vec::new())
    }

    async fn match_existing(&self, kind: &str, key: &Json) -> Result<Option<String>, WriteError> {
        let key = match key {
            Json::String(text) => text.clone(),
            other => other.to_string(),
        };
        let matched = match (&self.known, kind) {
            (Some(known), "admin") => known.admins.contains(&key.trim().to_lowercase()),
            (Some(known), "team") => known.teams.contains(&key),
            _ => true,
        };
        Ok(matched.then(|| format!("dry-{kind}:{key}")))
    }

    async fn create(&self, record: &Outgoing) -> Result<Written, WriteError> {
        let id = self.append("create", None, record)?;
        Ok(Written { id, updated_at: None, existed: false })
    }

    /// A dry run never leaves a create unsettled, so nothing is ever found.
    async fn find(&self, _record: &Outgoing) -> Result<Option<String>, WriteError> {
        Ok(None)
    }

    async fn complete(&self, id: &str, record: &Outgoing) -> Result<Written, WriteError> {
        let id = self.append("update", Some(id), record)?;
        Ok(Written { id, updated_at: None, existed: false })
    }

    async fn updated_at(&self, _kind: &str, _id: &str, _parent: Option<&str>) -> Result<Option<i64>, WriteError> {
        Ok(None)
    }

    /// No mismatches for a record this process wrote with the same fields; a record it did not
    /// write is missing.
    async fn verify(&self, id: &str, record: &Outgoing) -> Result<Vec<Mismatch>, WriteError> {
        let state = self.state();
        let Some(written) = state.written.get(id) else {
            return Ok(vec![Mismatch { field: "id".into(), expected: json!(id), actual: Json::Null }]);
        };
        let mut names: Vec<&String> = written.fields.keys().chain(record.fields.keys()).collect();
        names.sort();
        names.dedup();
        Ok(names
            .into_iter()
            .filter_map(|name| {
                let expected = record.fields.get(name).cloned().unwrap_or(Json::Null);
                let actual = written.fields.get(name).cloned().unwrap_or(Json::Null);
                (expected != actual).then(|| Mismatch { field: name.clone(), expected, actual })
            })
            .collect())
    }

    async fn delete(&self, _kind: &str, id: &str, _parent: Option<&str>) -> Result<Deletion, WriteError> {
        self.state().written.remove(id);
        Ok(Deletion::Deleted)
    }
}
