-- Named baselines: a target's key figures captured under a name, to compare later (before/after a change).
-- The service keeps the newest autopilot.baselines.keep (10) per target and deletes older ones on capture.
CREATE TABLE baseline (
    target_id   text        NOT NULL,
    name        text        NOT NULL,
    captured_at timestamptz NOT NULL,
    snapshot_at timestamptz NOT NULL,
    captured_by text        NOT NULL,
    comment     text,
    figures     jsonb       NOT NULL,
    PRIMARY KEY (target_id, name)
);
CREATE INDEX baseline_newest ON baseline (target_id, captured_at DESC);
