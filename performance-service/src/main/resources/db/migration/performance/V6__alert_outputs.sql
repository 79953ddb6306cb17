-- Alert outputs: how far the generic webhook has delivered the anomaly outbox (it starts at the outbox's end
-- when first enabled, so old history is not replayed).
CREATE TABLE alert_output_cursor (
    output     text PRIMARY KEY,
    last_id    bigint      NOT NULL,
    updated_at timestamptz NOT NULL
);
