-- Advisor recommendations: one row per finding id (kind + target + object [+ discriminator]) with its lifecycle, so a
-- restart neither re-publishes active findings nor forgets withdrawals; and the transactional outbox the relay
-- publishes to autopilot.recommendations.v1 from.
CREATE TABLE recommendation (
    id                text        PRIMARY KEY,
    target_id         text        NOT NULL,
    advisor           text        NOT NULL,
    scope             text        NOT NULL,
    database          text,
    object            text,
    kind              text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('active', 'withdrawn')),
    signature         text        NOT NULL,
    evidence          jsonb       NOT NULL,
    suggested_action  text,
    estimated_benefit text,
    risk              text        NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
    requires_approval boolean     NOT NULL,
    summary           text,
    first_seen_at     timestamptz NOT NULL,
    observed_at       timestamptz NOT NULL,
    changed_at        timestamptz NOT NULL,
    withdrawn_at      timestamptz,
    withdrawn_reason  text
);
CREATE INDEX recommendation_target_status ON recommendation (target_id, status);

CREATE TABLE recommendation_outbox (
    id                bigserial   PRIMARY KEY,
    event_id          uuid        NOT NULL UNIQUE,
    recommendation_id text        NOT NULL,
    target_id         text        NOT NULL,
    event_type        text        NOT NULL,
    occurred_at       timestamptz NOT NULL,
    payload           text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    sent_at           timestamptz
);
CREATE INDEX recommendation_outbox_unsent ON recommendation_outbox (id) WHERE sent_at IS NULL;
