-- Last collection outcome per monitored target.
CREATE TABLE target_status (
    target_id        text PRIMARY KEY,
    last_cycle_at    timestamptz NOT NULL,
    last_duration_ms bigint      NOT NULL,
    reachable        boolean     NOT NULL,
    last_error       text,
    last_event_id    text,
    cycles           bigint      NOT NULL DEFAULT 0
);
