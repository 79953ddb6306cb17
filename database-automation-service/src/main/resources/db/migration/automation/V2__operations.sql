-- Operations: one row per requested maintenance or self-healing action, with its full lifecycle.
-- status: pending (ready), deferred (waits for not_before: window or precondition), awaiting_approval,
--         running (leased by one executor), succeeded, failed, cancelled.
CREATE TABLE operation (
    id                  uuid PRIMARY KEY,
    target_id           text        NOT NULL,
    type                text        NOT NULL,
    object              text,
    heavy               boolean     NOT NULL,
    mode                text        NOT NULL,
    status              text        NOT NULL,
    rule                text,
    severity            text,
    triggering_event_id text UNIQUE,
    requested_by        text        NOT NULL,
    parameters          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    reason              text,
    requested_at        timestamptz NOT NULL DEFAULT now(),
    not_before          timestamptz NOT NULL DEFAULT now(),
    attempts            integer     NOT NULL DEFAULT 0,
    max_attempts        integer     NOT NULL,
    interruptions       integer     NOT NULL DEFAULT 0,
    lease_owner         text,
    lease_expires_at    timestamptz,
    backend_pid         integer,
    cancel_requested    boolean     NOT NULL DEFAULT false,
    approved_by         text,
    approved_at         timestamptz,
    started_at          timestamptz,
    finished_at         timestamptz,
    result              jsonb,
    error               text,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT operation_status_valid CHECK (status IN
        ('pending', 'deferred', 'awaiting_approval', 'running', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT operation_running_has_lease CHECK (status <> 'running' OR (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
);
-- One heavy operation per database at a time, enforced by the database itself (a racing second claim fails).
CREATE UNIQUE INDEX operation_one_heavy_running ON operation (target_id) WHERE status = 'running' AND heavy;
CREATE INDEX operation_claimable ON operation (not_before, requested_at) WHERE status IN ('pending', 'deferred');
CREATE INDEX operation_lease ON operation (lease_expires_at) WHERE status = 'running';
CREATE INDEX operation_target_requested ON operation (target_id, requested_at DESC);

-- Transactional outbox: every operation state change, written in the same transaction as the change and
-- published to autopilot.operations.v1 in id order by the relay, which marks rows sent after the broker ack.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    event_type   text        NOT NULL,
    target_id    text        NOT NULL,
    operation_id uuid        NOT NULL REFERENCES operation (id),
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
