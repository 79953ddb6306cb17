-- Backup catalog: one row per backup taken by the backup capability (any engine), with its chain and verification.
-- status: running, completed, failed, expired (removed by retention, from disk and catalog state together), corrupt.
CREATE TABLE backup (
    backup_id        uuid PRIMARY KEY,
    database_id      text        NOT NULL,
    database_name    text        NOT NULL,
    backup_type      text        NOT NULL,
    engine           text        NOT NULL,
    status           text        NOT NULL,
    operation_id     uuid,
    reason           text,
    label            text,
    parent_id        uuid REFERENCES backup (backup_id),
    location         text,
    size_bytes       bigint,
    stored_bytes     bigint,
    wal_start        text,
    wal_stop         text,
    lsn_start        text,
    lsn_stop         text,
    checksum         text,
    progress_percent double precision,
    progress_bytes   bigint,
    backup_millis    bigint,
    verify_millis    bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    verified_at      timestamptz,
    verification     text,
    expired_at       timestamptz,
    error            text,
    CONSTRAINT backup_type_valid CHECK (backup_type IN ('full', 'differential', 'incremental', 'logical')),
    CONSTRAINT backup_status_valid CHECK (status IN ('running', 'completed', 'failed', 'expired', 'corrupt')),
    CONSTRAINT backup_engine_valid CHECK (engine IN ('pgbackrest', 'pg_basebackup', 'pg_dump'))
);
CREATE INDEX backup_database_created ON backup (database_id, created_at DESC);
CREATE INDEX backup_running ON backup (database_id) WHERE status = 'running';

-- Restores and restore drills: a backup restored into a new data directory on a free port.
CREATE TABLE restore (
    restore_id    uuid PRIMARY KEY,
    backup_id     uuid        NOT NULL REFERENCES backup (backup_id),
    database_id   text        NOT NULL,
    kind          text        NOT NULL,
    status        text        NOT NULL,
    operation_id  uuid,
    data_directory text,
    port          integer,
    target_time   timestamptz,
    keep_running  boolean     NOT NULL DEFAULT false,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    rto_millis    bigint,
    checks        jsonb,
    error         text,
    CONSTRAINT restore_kind_valid CHECK (kind IN ('restore', 'drill')),
    CONSTRAINT restore_status_valid CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'removed'))
);
CREATE INDEX restore_database_started ON restore (database_id, started_at DESC);
