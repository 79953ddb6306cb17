-- The fleet view answers from any instance: each target's owner and latest health grade are kept beside its last
-- cycle, so an instance lists the targets other instances collect with what they last saw.
ALTER TABLE target_status
    ADD COLUMN owner     text,
    ADD COLUMN grade     text,
    ADD COLUMN score     integer,
    ADD COLUMN scored_at timestamptz;
