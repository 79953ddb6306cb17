-- Anomaly detection: one row per fingerprint (rule + target + object) with its lifecycle state, a gapless
-- per-target sequence of published anomaly events, and the transactional outbox the relay publishes from.
CREATE TABLE anomaly (
    fingerprint      text PRIMARY KEY,
    target_id        text             NOT NULL,
    rule             text             NOT NULL,
    object           text,
    status           text             NOT NULL CHECK (status IN ('pending', 'open', 'resolved')),
    severity         text             NOT NULL CHECK (severity IN ('info', 'warning', 'critical', 'emergency')),
    value            double precision NOT NULL,
    evidence         jsonb            NOT NULL,
    suggested_action text,
    summary          text,
    pending_since    timestamptz,
    opened_at        timestamptz,
    resolved_at      timestamptz,
    updated_at       timestamptz      NOT NULL,
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    last_sequence    bigint
);
CREATE INDEX anomaly_target_status ON anomaly (target_id, status);

CREATE TABLE anomaly_sequence (
    target_id     text PRIMARY KEY,
    last_sequence bigint NOT NULL
);

CREATE TABLE anomaly_outbox (
    id          bigserial PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    fingerprint text        NOT NULL,
    target_id   text        NOT NULL,
    sequence    bigint      NOT NULL,
    event_type  text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    UNIQUE (target_id, sequence)
);
CREATE INDEX anomaly_outbox_unsent ON anomaly_outbox (id) WHERE sent_at IS NULL;
