-- Named workload baselines of tune operations (#17): the window measured before a tune applies its setting
-- (phase before) and the window after it that the verification judges (phase after), named
-- tune-<setting>-<operation id>-<phase>; served by GET /api/targets/{id}/tune-baselines.
CREATE TABLE tune_baseline (
    target_id    text        NOT NULL,
    name         text        NOT NULL,
    operation_id uuid        NOT NULL REFERENCES operation (id),
    phase        text        NOT NULL,
    captured_at  timestamptz NOT NULL DEFAULT now(),
    figures      jsonb       NOT NULL,
    PRIMARY KEY (target_id, name),
    CONSTRAINT tune_baseline_phase_valid CHECK (phase IN ('before', 'after'))
);
CREATE INDEX tune_baseline_newest ON tune_baseline (target_id, captured_at DESC);
