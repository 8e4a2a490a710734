-- The state of migrations: runs, one ledger row per source record read, cursors, high-water
-- marks, per-run counts and the schema changes made. Portable SQL: the same file runs on SQLite
-- and PostgreSQL (integers are BIGINT, flags are 0/1, times are Unix seconds).

CREATE TABLE runs (
    id BIGINT PRIMARY KEY,
    command TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    status TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    options TEXT NOT NULL
);

-- One row per source record: where it went, or why it did not.
-- status: intent | written | done | skipped | flagged | failed | queued | rolled_back
-- origin: created | matched | merged (rollback deletes only `created`)
-- action (in the run that last touched the row): created | matched | merged | updated |
--   unchanged | edited | stale | deleted_in_source
CREATE TABLE records (
    object TEXT NOT NULL,
    source_id TEXT NOT NULL,
    status TEXT NOT NULL,
    origin TEXT,
    action TEXT,
    kind TEXT NOT NULL,
    dest_id TEXT,
    parent_object TEXT,
    parent_source_id TEXT,
    parent_dest_id TEXT,
    dedupe_key TEXT,
    checksum TEXT,
    source_changed BIGINT,
    dest_updated BIGINT,
    field TEXT,
    reason TEXT,
    payload TEXT,
    first_run BIGINT NOT NULL,
    last_run BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (object, source_id)
);
CREATE INDEX records_by_status ON records (status);
CREATE INDEX records_by_key ON records (object, dedupe_key);
CREATE INDEX records_by_seq ON records (seq);

CREATE TABLE cursors (
    object TEXT PRIMARY KEY,
    run_id BIGINT NOT NULL,
    position TEXT
);

CREATE TABLE high_water (
    object TEXT PRIMARY KEY,
    changed BIGINT NOT NULL
);

CREATE TABLE counts (
    run_id BIGINT NOT NULL,
    object TEXT NOT NULL,
    complete BIGINT NOT NULL,
    in_source BIGINT,
    read BIGINT NOT NULL,
    mapped BIGINT NOT NULL,
    skipped BIGINT NOT NULL,
    flagged BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    queued BIGINT NOT NULL,
    created BIGINT NOT NULL,
    matched BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    edited BIGINT NOT NULL,
    PRIMARY KEY (run_id, object)
);

CREATE TABLE attributes (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    run_id BIGINT NOT NULL,
    PRIMARY KEY (kind, name)
);
