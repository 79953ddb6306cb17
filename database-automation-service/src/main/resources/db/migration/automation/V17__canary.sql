-- Canary runs (docs/canary.md): one row per run of the autopilot's canary on a target, with the time each stage
-- was reached. status: running, succeeded, would_run, awaiting_approval, skipped, failed; off marks that the canary
-- was switched off for the target (published once, so watchers stop expecting runs).
CREATE TABLE canary_run (
    id               uuid PRIMARY KEY,
    target_id        text        NOT NULL,
    status           text        NOT NULL,
    trust            text,
    table_name       text,
    reason           text,
    started_at       timestamptz NOT NULL DEFAULT now(),
    deadline_at      timestamptz NOT NULL,
    planted_at       timestamptz,
    detected_at      timestamptz,
    anomaly_event_id text,
    decided_at       timestamptz,
    operation_id     uuid,
    executed_at      timestamptz,
    verified_at      timestamptz,
    completed_at     timestamptz,
    failed_stage     text,
    next_due_at      timestamptz,
    effect           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT canary_run_status_valid CHECK (status IN
        ('running', 'succeeded', 'would_run', 'awaiting_approval', 'skipped', 'failed', 'off'))
);
-- One run at a time per target, enforced by the database (two instances cannot both start one).
CREATE UNIQUE INDEX canary_run_one_running ON canary_run (target_id) WHERE status = 'running';
CREATE INDEX canary_run_target_started ON canary_run (target_id, started_at DESC);

-- Outbox of io.dbautopilot.canary.completed.v1, written in the run's completing transaction and relayed to
-- autopilot.canary.v1 in id order.
CREATE TABLE canary_outbox (
    id         bigserial PRIMARY KEY,
    event_id   uuid        NOT NULL UNIQUE,
    event_type text        NOT NULL,
    target_id  text        NOT NULL,
    run_id     uuid        NOT NULL REFERENCES canary_run (id),
    payload    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);
CREATE INDEX canary_outbox_unsent ON canary_outbox (id) WHERE sent_at IS NULL;
