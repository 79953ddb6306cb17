-- Every consumed event id, recorded once: a replayed or redelivered event is recognised by its CloudEvents id.
CREATE TABLE processed_event (
    event_id     text PRIMARY KEY,
    event_type   text        NOT NULL,
    source       text        NOT NULL,
    subject      text        NOT NULL,
    topic        text        NOT NULL,
    kafka_partition integer  NOT NULL,
    kafka_offset bigint      NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    payload      jsonb       NOT NULL
);
CREATE INDEX processed_event_subject_received ON processed_event (subject, received_at);

-- Anomalies as last reported by the performance service (one row per fingerprint).
CREATE TABLE anomaly (
    fingerprint      text PRIMARY KEY,
    target_id        text        NOT NULL,
    detector         text        NOT NULL,
    object           text,
    severity         text        NOT NULL,
    state            text        NOT NULL,
    sequence         bigint      NOT NULL,
    suggested_action text,
    last_event_id    text        NOT NULL REFERENCES processed_event (event_id),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
