-- Silences: matchers (target, rule, object, severity; exact or ~regex) with an expiry. An anomaly opened while a
-- silence matches it is recorded with silenced_by and not published; it is published as opened if it is still open
-- when no silence matches any more.
CREATE TABLE silence (
    id         uuid PRIMARY KEY,
    matchers   jsonb       NOT NULL,
    comment    text,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX silence_expires ON silence (expires_at);

ALTER TABLE anomaly ADD COLUMN silenced_by uuid;
