-- What holds back an anomaly's publication is no longer only a silence (uuid): also a maintenance window
-- ('maintenance-window:<id>') or a running operation ('operation:<type>:<id>').
ALTER TABLE anomaly ALTER COLUMN silenced_by TYPE text USING silenced_by::text;
-- When an open anomaly was last escalated because nobody acknowledged it.
ALTER TABLE anomaly ADD COLUMN escalated_at timestamptz;

-- Recurring maintenance windows created through the API (those from configuration are not stored): while one is
-- active, anomalies of its target (or every target) and rule opening are recorded as suppressed, not published.
CREATE TABLE maintenance_window (
    id         uuid PRIMARY KEY,
    name       text        NOT NULL,
    target_id  text,
    rule       text,
    cron       text        NOT NULL,
    duration   text        NOT NULL,
    time_zone  text        NOT NULL,
    comment    text,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL
);
