-- What the latest event of an anomaly led to: 'operation <id>', 'unknown target' (no registry target or local
-- settings with its id) or 'unavailable: <reason>' (a target this service cannot manage); null when no rule applied.
ALTER TABLE anomaly ADD COLUMN outcome text;
