-- Schema migrations of managed databases (migration capability).

-- One migration runner per physical database: a lease row, taken with INSERT .. ON CONFLICT (only when the previous
-- holder's lease expired), renewed while the runner works and deleted when it is done. A runner that dies stops
-- renewing, so its lease expires and the next runner takes it over. No advisory lock and no open transaction is
-- held on the managed database, so CREATE INDEX CONCURRENTLY in a migration never waits for the lock holder.
CREATE TABLE migration_lock (
    lock_key     text PRIMARY KEY,
    database_id  text        NOT NULL,
    owner        text        NOT NULL,
    operation_id uuid,
    acquired_at  timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

-- What this service did to each migration version: applied, failed (with the error; a failed transactional
-- migration leaves no row in Flyway's history table), undone (with the undo script), and the pre-migration backup.
CREATE TABLE migration_event (
    id           bigserial PRIMARY KEY,
    database_id  text        NOT NULL,
    operation_id uuid,
    version      text,
    description  text,
    script       text,
    action       text        NOT NULL,
    outcome      text        NOT NULL,
    checksum     integer,
    error        text,
    details      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT migration_event_action_valid CHECK (action IN ('apply', 'undo', 'backup')),
    CONSTRAINT migration_event_outcome_valid CHECK (outcome IN ('completed', 'failed', 'undone'))
);
CREATE INDEX migration_event_database ON migration_event (database_id, id DESC);
