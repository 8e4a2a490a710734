//! [`Ledger`]: the state database behind runs, resume, reports and rollback.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

use super::row::{Action, Origin, RecordRow, Status};

/// Ids per `IN (…)` list: well under SQLite's and PostgreSQL's parameter limits.
const CHUNK: usize = 400;

/// The columns of `records`, in the order [`row_from`] reads and [`Ledger::put_many`] binds them.
const COLUMNS: &str = "object, source_id, status, origin, action, kind, dest_id, parent_object, parent_source_id, \
     parent_dest_id, dedupe_key, checksum, source_changed, dest_updated, field, reason, payload, first_run, last_run, seq";

/// A state database could not be opened, migrated, read or written.
#[derive(Debug)]
pub struct StateError {
    /// What was being done, with the database named without secrets.
    pub message: String,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StateError {}

/// One run as the `runs` table keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunInfo {
    /// Its id (1, 2, …).
    pub id: i64,
    /// `run`, `run --delta`, `run --sample 20`, `rollback`, …
    pub command: String,
    /// Unix seconds.
    pub started_at: i64,
    /// Unix seconds, when it ended.
    pub finished_at: Option<i64>,
    /// `running`, `finished`, `interrupted`, `failed`.
    pub status: String,
    /// SHA-256 of the spec, its base specs and locks.
    pub spec_hash: String,
}

/// What one pass over one object did, for the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// The pass read the whole object (not a sample, not cut short).
    pub complete: bool,
    /// Records in the source, when the source could tell.
    pub in_source: Option<i64>,
    /// Records read.
    pub read: i64,
    /// Records mapped to a destination record.
    pub mapped: i64,
    /// Left out by `where:` or `referenced_by`.
    pub skipped: i64,
    /// Held back by a `flag:` rule.
    pub flagged: i64,
    /// Failed.
    pub failed: i64,
    /// Waiting in the reconciliation queue.
    pub queued: i64,
    /// Created.
    pub created: i64,
    /// Matched (or merged by key).
    pub matched: i64,
    /// Updated.
    pub updated: i64,
    /// Unchanged.
    pub unchanged: i64,
    /// Changed in the source, but edited in the destination since the import (kept), or not
    /// editable there.
    pub edited: i64,
}

/// The state database.
#[derive(Debug)]
pub struct Ledger {
    pool: AnyPool,
    /// The database, as shown to people (no password).
    name: String,
    seq: AtomicI64,
}

impl Ledger {
    /// Open (creating and migrating when needed) the database `url`: `sqlite:PATH` (relative to
    /// `base`, the spec's directory), or `postgres://…`.
    pub async fn open(url: &str, base: &Path) -> Result<Ledger, StateError> {
        sqlx::any::install_default_drivers();
        let (connect, name, sqlite) = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            let path = if Path::new(path).is_absolute() { PathBuf::from(path) } else { base.join(path) };
            (format!("sqlite://{}?mode=rwc", path.display()), path.display().to_string(), true)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (url.to_owned(), redact(url), false)
        } else {
            return Err(StateError {
                message: format!(
                    "`state: {}` is not a state database: write `sqlite:cutover.db` (a file beside the spec) or a \
                     `postgres://` URL",
                    redact(url)
                ),
            });
        };
        let options = AnyPoolOptions::new().max_connections(if sqlite { 1 } else { 4 });
        let options = if sqlite {
            options.after_connect(|connection, _| {
                Box::pin(async move {
                    connection.execute("PRAGMA journal_mode = WAL").await?;
                    connection.execute("PRAGMA synchronous = FULL").await?;
                    connection.execute("PRAGMA busy_timeout = 10000").await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(&connect).await.map_err(|error| StateError {
            message: format!("cannot open the state database {name}: {}", clean(&error, url)),
        })?;
        sqlx::migrate!("src/state/migrations").run(&pool).await.map_err(|error| StateError {
            message: format!("cannot prepare the state database {name}: {}", clean(&error, url)),
        })?;
        let ledger = Ledger { pool, name, seq: AtomicI64::new(0) };
        let max: Option<i64> = ledger.scalar("SELECT MAX(seq) FROM records").await?;
        ledger.seq.store(max.unwrap_or(0), Ordering::SeqCst);
        Ok(ledger)
    }

    /// The database as shown to people (a path, or a URL without its password).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The next write-order number (see [`RecordRow::seq`]).
    pub fn next_seq(&self) -> i64 {
        self.seq.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn failed(&self, doing: &str, error: sqlx::Error) -> StateError {
        StateError { message: format!("state database {}: cannot {doing}: {error}", self.name) }
    }

    async fn scalar(&self, sql: &str) -> Result<Option<i64>, StateError> {
        let row = sqlx::query(sql).fetch_one(&self.pool).await.map_err(|e| self.failed("read", e))?;
        row.try_get::<Option<i64>, _>(0).map_err(|e| self.failed("read", e))
    }

    // --- Runs ----------------------------------------------------------------------------------

    /// Start a run; returns its id.
    pub async fn begin_run(&self, command: &str, spec_hash: &str, options: &str) -> Result<i64, StateError> {
        let id = self.scalar("SELECT MAX(id) FROM runs").await?.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO runs (id, command, started_at, finished_at, status, spec_hash, options) \
             VALUES ($1, $2, $3, NULL, 'running', $4, $5)",
        )
        .bind(id)
        .bind(command)
        .bind(now())
        .bind(spec_hash)
        .bind(options)
        .execute(&self.pool)
        .await
        .map_err(|e| self.failed("start a run", e))?;
        Ok(id)
    }

    /// End a run with `status` (`finished`, `interrupted`, `failed`).
    pub async fn finish_run(&self, run: i64, status: &str) -> Result<(), StateError> {
        sqlx::query("UPDATE runs SET finished_at = $1, status = $2 WHERE id = $3")
            .bind(now())
            .bind(status)
            .bind(run)
            .execute(&self.pool)
            .await
            .map_err(|e| self.failed("end a run", e))?;
        Ok(())
    }

    /// Every run, oldest first.
    pub async fn runs(&self) -> Result<Vec<RunInfo>, StateError> {
        let rows = sqlx::query("SELECT id, command, started_at, finished_at, status, spec_hash FROM runs ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed("read the runs", e))?;
        rows.iter()
            .map(|row| {
                Ok(RunInfo {
                    id: row.try_get(0)?,
                    command: row.try_get(1)?,
                    started_at: row.try_get(2)?,
                    finished_at: row.try_get(3)?,
                    status: row.try_get(4)?,
                    spec_hash: row.try_get(5)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| self.failed("read the runs", e))
    }

    // --- Records -------------------------------------------------------------------------------

    /// The row of one source record.
    pub async fn get(&self, object: &str, source_id: &str) -> Result<Option<RecordRow>, StateError> {
        let sql = format!("SELECT {COLUMNS} FROM records WHERE object = $1 AND source_id = $2");
        let row = sqlx::query(&sql)
            .bind(object)
            .bind(source_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.failed("read the ledger", e))?;
        row.as_ref().map(row_from).transpose().map_err(|e| self.failed("read the ledger", e))
    }

    /// The rows of these source records of `object` that exist, by source id.
    pub async fn get_many(&self, object: &str, ids: &[String]) -> Result<HashMap<String, RecordRow>, StateError> {
        let mut found = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!("SELECT {COLUMNS} FROM records WHERE object = $1 AND source_id IN ({})", list.join(", "));
            let mut query = sqlx::query(&sql).bind(object);
            for id in chunk {
                query = query.bind(id);
            }
            let rows = query.fetch_all(&self.pool).await.map_err(|e| self.failed("read the ledger", e))?;
            for row in &rows {
                let row = row_from(row).map_err(|e| self.failed("read the ledger", e))?;
                found.insert(row.source_id.clone(), row);
            }
        }
        Ok(found)
    }

    /// A record of `object` in the destination whose `key:` value is `key`.
    pub async fn by_key(&self, object: &str, key: &str) -> Result<Option<RecordRow>, StateError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM records WHERE object = $1 AND dedupe_key = $2 AND status IN ('done', 'written') \
             AND dest_id IS NOT NULL ORDER BY seq LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(object)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.failed("read the ledger", e))?;
        row.as_ref().map(row_from).transpose().map_err(|e| self.failed("read the ledger", e))
    }

    /// Insert or replace one row; durable when this returns.
    pub async fn put(&self, row: &RecordRow) -> Result<(), StateError> {
        self.put_many(std::slice::from_ref(row)).await
    }

    /// Insert or replace rows in one transaction; durable when this returns.
    pub async fn put_many(&self, rows: &[RecordRow]) -> Result<(), StateError> {
        if rows.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO records ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16, $17, $18, $19, $20) ON CONFLICT (object, source_id) DO UPDATE SET status = excluded.status, \
             origin = excluded.origin, action = excluded.action, kind = excluded.kind, dest_id = excluded.dest_id, \
             parent_object = excluded.parent_object, parent_source_id = excluded.parent_source_id, \
             parent_dest_id = excluded.parent_dest_id, dedupe_key = excluded.dedupe_key, \
             checksum = excluded.checksum, source_changed = excluded.source_changed, \
             dest_updated = excluded.dest_updated, field = excluded.field, reason = excluded.reason, \
             payload = excluded.payload, last_run = excluded.last_run, seq = excluded.seq"
        );
        let mut transaction = self.pool.begin().await.map_err(|e| self.failed("write the ledger", e))?;
        for row in rows {
            sqlx::query(&sql)
                .bind(&row.object)
                .bind(&row.source_id)
                .bind(row.status.as_str())
                .bind(row.origin.map(Origin::as_str))
                .bind(row.action.map(Action::as_str))
                .bind(&row.kind)
                .bind(&row.dest_id)
                .bind(&row.parent_object)
                .bind(&row.parent_source_id)
                .bind(&row.parent_dest_id)
                .bind(&row.dedupe_key)
                .bind(&row.checksum)
                .bind(row.source_changed)
                .bind(row.dest_updated)
                .bind(&row.field)
                .bind(&row.reason)
                .bind(&row.payload)
                .bind(row.first_run)
                .bind(row.last_run)
                .bind(row.seq)
                .execute(&mut *transaction)
                .await
                .map_err(|e| self.failed("write the ledger", e))?;
        }
        transaction.commit().await.map_err(|e| self.failed("write the ledger", e))
    }

    /// Rows selected by a `WHERE` clause over `records` with text parameters, in `order`.
    async fn select(&self, clause: &str, parameters: &[&str], order: &str) -> Result<Vec<RecordRow>, StateError> {
        let sql = format!("SELECT {COLUMNS} FROM records WHERE {clause} ORDER BY {order}");
        let mut query = sqlx::query(&sql);
        for parameter in parameters {
            query = query.bind(*parameter);
        }
        let rows = query.fetch_all(&self.pool).await.map_err(|e| self.failed("read the ledger", e))?;
        rows.iter().map(row_from).collect::<Result<_, _>>().map_err(|e| self.failed("read the ledger", e))
    }

    /// Rows with this status, in write order.
    pub async fn with_status(&self, status: Status) -> Result<Vec<RecordRow>, StateError> {
        self.select("status = $1", &[status.as_str()], "seq").await
    }

    /// Every row of `object`, in write order.
    pub async fn of_object(&self, object: &str) -> Result<Vec<RecordRow>, StateError> {
        self.select("object = $1", &[object], "seq").await
    }

    /// Rows of `object` that share the destination record `dest_id` (records merged by `key:`
    /// and the one that created it), in write order.
    pub async fn sharing(&self, object: &str, dest_id: &str) -> Result<Vec<RecordRow>, StateError> {
        self.select("object = $1 AND dest_id = $2", &[object, dest_id], "seq").await
    }

    /// Every row, by object and write order.
    pub async fn all(&self) -> Result<Vec<RecordRow>, StateError> {
        self.select("1 = 1", &[], "object, seq").await
    }

    /// Rows the migration created and that are still in the destination, newest first; only
    /// those first written by `run` when given.
    pub async fn created(&self, run: Option<i64>) -> Result<Vec<RecordRow>, StateError> {
        let mut rows = self
            .select("origin = 'created' AND status IN ('done', 'written') AND dest_id IS NOT NULL", &[], "seq DESC")
            .await?;
        if let Some(run) = run {
            rows.retain(|row| row.first_run == run);
        }
        Ok(rows)
    }

    /// The source ids of `object` in the ledger.
    pub async fn source_ids(&self, object: &str) -> Result<Vec<String>, StateError> {
        let rows = sqlx::query("SELECT source_id FROM records WHERE object = $1")
            .bind(object)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed("read the ledger", e))?;
        rows.iter().map(|row| row.try_get(0)).collect::<Result<_, _>>().map_err(|e| self.failed("read the ledger", e))
    }

    // --- Cursors and high-water marks ----------------------------------------------------------

    /// Where an unfinished pass over `object` stopped: `Some(None)` when it stopped before its
    /// first page was done, `None` when no pass is unfinished.
    pub async fn cursor(&self, object: &str) -> Result<Option<Option<String>>, StateError> {
        let row = sqlx::query("SELECT position FROM cursors WHERE object = $1")
            .bind(object)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.failed("read a cursor", e))?;
        row.map(|row| row.try_get::<Option<String>, _>(0)).transpose().map_err(|e| self.failed("read a cursor", e))
    }

    /// Remember where a pass over `object` is: every record before `position` is settled.
    pub async fn set_cursor(&self, object: &str, run: i64, position: Option<&str>) -> Result<(), StateError> {
        sqlx::query(
            "INSERT INTO cursors (object, run_id, position) VALUES ($1, $2, $3) \
             ON CONFLICT (object) DO UPDATE SET run_id = excluded.run_id, position = excluded.position",
        )
        .bind(object)
        .bind(run)
        .bind(position)
        .execute(&self.pool)
        .await
        .map_err(|e| self.failed("write a cursor", e))?;
        Ok(())
    }

    /// The pass over `object` ended: the next one starts from the beginning.
    pub async fn clear_cursor(&self, object: &str) -> Result<(), StateError> {
        sqlx::query("DELETE FROM cursors WHERE object = $1")
            .bind(object)
            .execute(&self.pool)
            .await
            .map_err(|e| self.failed("write a cursor", e))?;
        Ok(())
    }

    /// The latest source change time seen in a complete pass over `object`.
    pub async fn high_water(&self, object: &str) -> Result<Option<i64>, StateError> {
        let row = sqlx::query("SELECT changed FROM high_water WHERE object = $1")
            .bind(object)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.failed("read a high-water mark", e))?;
        row.map(|row| row.try_get::<i64, _>(0)).transpose().map_err(|e| self.failed("read a high-water mark", e))
    }

    /// Record the high-water mark of `object`.
    pub async fn set_high_water(&self, object: &str, changed: i64) -> Result<(), StateError> {
        sqlx::query(
            "INSERT INTO high_water (object, changed) VALUES ($1, $2) \
             ON CONFLICT (object) DO UPDATE SET changed = excluded.changed",
        )
        .bind(object)
        .bind(changed)
        .execute(&self.pool)
        .await
        .map_err(|e| self.failed("write a high-water mark", e))?;
        Ok(())
    }

    // --- Counts and schema changes -------------------------------------------------------------

    /// Store what a pass over `object` in `run` did.
    pub async fn save_counts(&self, run: i64, object: &str, counts: &Counts) -> Result<(), StateError> {
        sqlx::query(
            "INSERT INTO counts (run_id, object, complete, in_source, read, mapped, skipped, flagged, failed, queued, \
             created, matched, updated, unchanged, edited) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (run_id, object) DO UPDATE SET complete = excluded.complete, in_source = excluded.in_source, \
             read = excluded.read, mapped = excluded.mapped, skipped = excluded.skipped, flagged = excluded.flagged, \
             failed = excluded.failed, queued = excluded.queued, created = excluded.created, \
             matched = excluded.matched, updated = excluded.updated, unchanged = excluded.unchanged, \
             edited = excluded.edited",
        )
        .bind(run)
        .bind(object)
        .bind(i64::from(counts.complete))
        .bind(counts.in_source)
        .bind(counts.read)
        .bind(counts.mapped)
        .bind(counts.skipped)
        .bind(counts.flagged)
        .bind(counts.failed)
        .bind(counts.queued)
        .bind(counts.created)
        .bind(counts.matched)
        .bind(counts.updated)
        .bind(counts.unchanged)
        .bind(counts.edited)
        .execute(&self.pool)
        .await
        .map_err(|e| self.failed("write counts", e))?;
        Ok(())
    }

    /// What each pass of `run` did, by object.
    pub async fn counts(&self, run: i64) -> Result<Vec<(String, Counts)>, StateError> {
        let rows = sqlx::query(
            "SELECT object, complete, in_source, read, mapped, skipped, flagged, failed, queued, created, matched, \
             updated, unchanged, edited FROM counts WHERE run_id = $1 ORDER BY object",
        )
        .bind(run)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed("read counts", e))?;
        rows.iter().map(counts_from).collect::<Result<_, _>>().map_err(|e| self.failed("read counts", e))
    }

    /// The record count in the source from the latest complete pass over each object.
    pub async fn source_totals(&self) -> Result<HashMap<String, i64>, StateError> {
        let rows = sqlx::query("SELECT object, in_source, read FROM counts WHERE complete = 1 ORDER BY run_id")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed("read counts", e))?;
        let mut totals = HashMap::new();
        for row in &rows {
            let object: String = row.try_get(0).map_err(|e| self.failed("read counts", e))?;
            let in_source: Option<i64> = row.try_get(1).map_err(|e| self.failed("read counts", e))?;
            let read: i64 = row.try_get(2).map_err(|e| self.failed("read counts", e))?;
            totals.insert(object, in_source.unwrap_or(read).max(read));
        }
        Ok(totals)
    }

    /// Note a custom attribute created by `run`.
    pub async fn record_attribute(&self, kind: &str, name: &str, run: i64) -> Result<(), StateError> {
        sqlx::query(
            "INSERT INTO attributes (kind, name, run_id) VALUES ($1, $2, $3) ON CONFLICT (kind, name) DO NOTHING",
        )
        .bind(kind)
        .bind(name)
        .bind(run)
        .execute(&self.pool)
        .await
        .map_err(|e| self.failed("write the attributes", e))?;
        Ok(())
    }

    /// Custom attributes the migration created: `(kind, name, run)`.
    pub async fn attributes(&self) -> Result<Vec<(String, String, i64)>, StateError> {
        let rows = sqlx::query("SELECT kind, name, run_id FROM attributes ORDER BY run_id, kind, name")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.failed("read the attributes", e))?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| self.failed("read the attributes", e))
    }

    /// Close the connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn row_from(row: &AnyRow) -> Result<RecordRow, sqlx::Error> {
    let word = |index: usize| -> Result<String, sqlx::Error> { row.try_get(index) };
    let bad = |column: &str, value: String| sqlx::Error::Decode(format!("unknown {column} `{value}`").into());
    let status = word(2)?;
    let origin: Option<String> = row.try_get(3)?;
    let action: Option<String> = row.try_get(4)?;
    Ok(RecordRow {
        object: word(0)?,
        source_id: word(1)?,
        status: Status::parse(&status).ok_or_else(|| bad("status", status.clone()))?,
        origin: origin.map(|o| Origin::parse(&o).ok_or_else(|| bad("origin", o.clone()))).transpose()?,
        action: action.map(|a| Action::parse(&a).ok_or_else(|| bad("action", a.clone()))).transpose()?,
        kind: word(5)?,
        dest_id: row.try_get(6)?,
        parent_object: row.try_get(7)?,
        parent_source_id: row.try_get(8)?,
        parent_dest_id: row.try_get(9)?,
        dedupe_key: row.try_get(10)?,
        checksum: row.try_get(11)?,
        source_changed: row.try_get(12)?,
        dest_updated: row.try_get(13)?,
        field: row.try_get(14)?,
        reason: row.try_get(15)?,
        payload: row.try_get(16)?,
        first_run: row.try_get(17)?,
        last_run: row.try_get(18)?,
        seq: row.try_get(19)?,
    })
}

fn counts_from(row: &AnyRow) -> Result<(String, Counts), sqlx::Error> {
    let n = |index: usize| -> Result<i64, sqlx::Error> { row.try_get(index) };
    Ok((
        row.try_get(0)?,
        Counts {
            complete: n(1)? != 0,
            in_source: row.try_get(2)?,
            read: n(3)?,
            mapped: n(4)?,
            skipped: n(5)?,
            flagged: n(6)?,
            failed: n(7)?,
            queued: n(8)?,
            created: n(9)?,
            matched: n(10)?,
            updated: n(11)?,
            unchanged: n(12)?,
            edited: n(13)?,
        },
    ))
}

/// Unix seconds now.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A database URL without its password (`postgres://user:***@host/db`).
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.rsplit_once('@') else { return url.to_owned() };
    let user = credentials.split(':').next().unwrap_or("");
    if credentials.contains(':') {
        format!("{scheme}://{user}:***@{host}")
    } else {
        format!("{scheme}://{user}@{host}")
    }
}

/// An error's text with the URL's password taken out, should the driver repeat it.
fn clean(error: &dyn fmt::Display, url: &str) -> String {
    let text = error.to_string();
    match url.split_once("://").and_then(|(_, rest)| rest.rsplit_once('@')).and_then(|(c, _)| c.split_once(':')) {
        Some((_, password)) if !password.is_empty() => text.replace(password, "***"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://cutover:s3cret@db.example:5432/state"),
            "postgres://cutover:***@db.example:5432/state"
        );
        assert_eq!(redact("postgres://cutover@db.example/state"), "postgres://cutover@db.example/state");
        assert_eq!(redact("postgres://db.example/state"), "postgres://db.example/state");
        assert_eq!(
            clean(&"password authentication failed: s3cret", "postgres://u:s3cret@h/d"),
            "password authentication failed: ***"
        );
    }
}
