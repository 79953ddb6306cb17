-- Benchmark runs of targets (labelled benchmark=allowed): one row per run with its progress, result and comparison;
-- at most one running run per target across instances (the partial unique index); and the transactional outbox the
-- relay publishes io.dbautopilot.benchmark.completed.v1 to autopilot.benchmarks.v1 from.
CREATE TABLE benchmark_run (
    id                 uuid        PRIMARY KEY,
    target_id          text        NOT NULL,
    suite              text        NOT NULL,
    status             text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
    requested_by       text,
    step_duration_ms   bigint      NOT NULL,
    scratch_database   text        NOT NULL,
    current_step       text,
    progress           double precision NOT NULL DEFAULT 0,
    cancel_requested   boolean     NOT NULL DEFAULT false,
    baseline           boolean     NOT NULL DEFAULT false,
    requested_baseline uuid,
    compared_with      uuid,
    regression         boolean     NOT NULL DEFAULT false,
    steps              jsonb       NOT NULL DEFAULT '[]',
    regressions        jsonb       NOT NULL DEFAULT '[]',
    error              text,
    started_at         timestamptz NOT NULL,
    heartbeat_at       timestamptz NOT NULL,
    finished_at        timestamptz
);
CREATE UNIQUE INDEX benchmark_run_one_running ON benchmark_run (target_id) WHERE status = 'running';
CREATE INDEX benchmark_run_target ON benchmark_run (target_id, started_at DESC);

CREATE TABLE benchmark_outbox (
    id          bigserial   PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    run_id      uuid        NOT NULL,
    target_id   text        NOT NULL,
    event_type  text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX benchmark_outbox_unsent ON benchmark_outbox (id) WHERE sent_at IS NULL;
