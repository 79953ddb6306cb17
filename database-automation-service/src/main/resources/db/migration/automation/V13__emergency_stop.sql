-- Emergency stops in force: scope '*' stops every target, otherwise the target id. A row exists while the stop is
-- active (lifting deletes it); every operation creation and claim reads this table, so a stop survives restarts and
-- holds for every instance.
CREATE TABLE emergency_stop (
    scope      text        PRIMARY KEY,
    reason     text        NOT NULL,
    stopped_by text        NOT NULL,
    stopped_at timestamptz NOT NULL DEFAULT now()
);
