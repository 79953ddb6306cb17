-- Post-operation verification (#17): a reversible operation (create_index, tune) that succeeded with a baseline in
-- result.verification is measured again autopilot.verification.window after it finished. One row per such operation,
-- pending until due (so a restart loses nothing), then its verdict; a regressed one names its rollback operation.
CREATE TABLE verification (
    operation_id          uuid PRIMARY KEY REFERENCES operation (id),
    target_id             text        NOT NULL,
    type                  text        NOT NULL,
    expected_effect       text        NOT NULL,
    baseline              jsonb       NOT NULL,
    status                text        NOT NULL DEFAULT 'pending',
    due_at                timestamptz NOT NULL,
    attempts              integer     NOT NULL DEFAULT 0,
    last_error            text,
    verdict               jsonb,
    rollback_operation_id uuid REFERENCES operation (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    verified_at           timestamptz,
    CONSTRAINT verification_status_valid CHECK (status IN ('pending', 'confirmed', 'regressed', 'inconclusive'))
);
CREATE INDEX verification_due ON verification (due_at) WHERE status = 'pending';
-- The verifier registers succeeded reversible operations it has not seen yet.
CREATE INDEX operation_reversible_succeeded ON operation (finished_at)
    WHERE status = 'succeeded' AND type IN ('create_index', 'tune');
