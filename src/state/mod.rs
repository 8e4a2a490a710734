//! The state store: what every run did, record by record, so a migration can resume after a
//! crash without creating anything twice, report where every record went, and be rolled back.
//!
//! One SQL database, reached through sqlx's `Any` driver: SQLite by default (one file beside the
//! spec, WAL journal, `synchronous=FULL` so an intent is on disk before its request is sent) or
//! PostgreSQL when the spec's `state:` is a `postgres://` URL. Both run the same migrations
//! (`src/state/migrations/`, portable SQL).
//!
//! The ledger ([`Ledger`]) holds one row per source record read: its status (an open intent,
//! written but not finished, done, skipped, flagged, failed, waiting in the reconciliation
//! queue, rolled back), the destination id and whether the record was created or only matched,
//! a checksum of the mapped output, the source's change time and the destination's, and the
//! reason for every record that did not migrate.

pub mod ledger;
pub mod row;

pub use ledger::{Counts, Ledger, RunInfo, StateError};
pub use row::{Action, Origin, RecordRow, Status};
