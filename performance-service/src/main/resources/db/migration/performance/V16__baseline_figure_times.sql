-- When each figure of a baseline was read: the start of the collection cycle its value came from. A figure whose
-- family produced no value in the latest cycle (families run on different intervals; one may have failed) is
-- captured with its last known value and that value's older time. Baselines captured before hold '{}'.
ALTER TABLE baseline ADD COLUMN figures_at jsonb NOT NULL DEFAULT '{}'::jsonb;
