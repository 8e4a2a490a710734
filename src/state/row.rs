//! One ledger row and the words its columns take.

use std::fmt;

/// Where a source record stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// A create was about to be sent; its outcome is not known yet (settled on resume).
    Intent,
    /// The record exists in the destination, but follow-up calls are still to be made.
    Written,
    /// In the destination and complete.
    Done,
    /// Left out by the object's `where:` (or not referenced, for `referenced_by`).
    Skipped,
    /// Held back by a `flag:` rule, for a person to decide.
    Flagged,
    /// Mapping or writing failed; retried on the next run.
    Failed,
    /// Waits for something a person must provide (an agent to invite) or for a record it refers
    /// to; retried on the next run.
    Queued,
    /// Removed from the destination by `rollback`.
    RolledBack,
}

/// How a record got its destination id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The migration created it: rollback deletes it.
    Created,
    /// It existed in the destination (a teammate, a contact with the same email): never deleted.
    Matched,
    /// Another source record with the same `key:` created it; this one shares its id.
    Merged,
}

/// What the run that last touched a record did with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Created now.
    Created,
    /// Matched to an existing destination record.
    Matched,
    /// Shares the destination record of another source record with the same key.
    Merged,
    /// The mapped output changed and the destination record was updated.
    Updated,
    /// Nothing changed.
    Unchanged,
    /// The mapped output changed, but a person edited the destination record after the import:
    /// kept as it is and reported.
    Edited,
    /// The mapped output changed, but the destination cannot edit this kind (conversation
    /// parts): reported.
    Stale,
    /// The source record is gone; the destination record is kept and reported.
    DeletedInSource,
}

macro_rules! words {
    ($type:ty { $($variant:ident => $word:literal),* $(,)? }) => {
        impl $type {
            /// The word stored in the database and shown in reports.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $word),* }
            }

            /// The value for a stored word.
            pub fn parse(word: &str) -> Option<Self> {
                match word { $($word => Some(Self::$variant),)* _ => None }
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words!(Status {
    Intent => "intent",
    Written => "written",
    Done => "done",
    Skipped => "skipped",
    Flagged => "flagged",
    Failed => "failed",
    Queued => "queued",
    RolledBack => "rolled_back",
});

words!(Origin { Created => "created", Matched => "matched", Merged => "merged" });

words!(Action {
    Created => "created",
    Matched => "matched",
    Merged => "merged",
    Updated => "updated",
    Unchanged => "unchanged",
    Edited => "edited",
    Stale => "stale",
    DeletedInSource => "deleted_in_source",
});

/// One source record in the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRow {
    /// The spec's object name (`conversation`).
    pub object: String,
    /// The source id, as text.
    pub source_id: String,
    /// Where it stands.
    pub status: Status,
    /// How it got its destination id, once it has one.
    pub origin: Option<Origin>,
    /// What the last run did with it.
    pub action: Option<Action>,
    /// The destination kind.
    pub kind: String,
    /// The destination id.
    pub dest_id: Option<String>,
    /// The parent's object name (conversation parts).
    pub parent_object: Option<String>,
    /// The parent's source id.
    pub parent_source_id: Option<String>,
    /// The parent's destination id.
    pub parent_dest_id: Option<String>,
    /// The value of the object's `key:` (records with the same key share one destination record).
    pub dedupe_key: Option<String>,
    /// SHA-256 of the mapped output as sent.
    pub checksum: Option<String>,
    /// The source's change time of the record (Unix seconds), for `--delta`.
    pub source_changed: Option<i64>,
    /// The destination's change time after the migration's last write (Unix seconds).
    pub dest_updated: Option<i64>,
    /// The destination field or rule a failure is about.
    pub field: Option<String>,
    /// Why the record did not migrate (or what is left to do).
    pub reason: Option<String>,
    /// The outgoing record (JSON) while a create is in flight or unfinished, to settle it on
    /// resume without reading the source again; cleared when done.
    pub payload: Option<String>,
    /// The run that first wrote the row.
    pub first_run: i64,
    /// The run that last changed it.
    pub last_run: i64,
    /// Order of writes over all runs: rollback goes from the highest down.
    pub seq: i64,
}

impl RecordRow {
    /// A row for a record read in `run`, with nothing decided yet.
    pub fn new(object: &str, source_id: &str, kind: &str, run: i64, seq: i64) -> RecordRow {
        RecordRow {
            object: object.to_owned(),
            source_id: source_id.to_owned(),
            status: Status::Skipped,
            origin: None,
            action: None,
            kind: kind.to_owned(),
            dest_id: None,
            parent_object: None,
            parent_source_id: None,
            parent_dest_id: None,
            dedupe_key: None,
            checksum: None,
            source_changed: None,
            dest_updated: None,
            field: None,
            reason: None,
            payload: None,
            first_run: run,
            last_run: run,
            seq,
        }
    }

    /// Whether the record is in the destination (complete or not).
    pub fn in_destination(&self) -> bool {
        matches!(self.status, Status::Done | Status::Written) && self.dest_id.is_some()
    }
}
