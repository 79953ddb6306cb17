-- Trust observe: a decision that is recorded but never run has its own terminal status, would_run (before: a
-- cancelled row whose reason started 'would_run (trust observe)'; those rows are moved over).
ALTER TABLE operation DROP CONSTRAINT operation_status_valid;
ALTER TABLE operation ADD CONSTRAINT operation_status_valid CHECK (status IN
    ('pending', 'deferred', 'awaiting_approval', 'running', 'succeeded', 'failed', 'cancelled', 'would_run'));
UPDATE operation SET status = 'would_run' WHERE status = 'cancelled' AND reason LIKE 'would_run (trust observe)%';
-- The autopilot report reads a target's would_run decisions over a period.
CREATE INDEX operation_would_run ON operation (target_id, requested_at) WHERE status = 'would_run';
