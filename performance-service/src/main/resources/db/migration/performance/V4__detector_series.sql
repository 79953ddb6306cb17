-- Statistical and forecast detectors: the compact history of each watched series (a deflated ring of float
-- readings on a fixed slot grid, see SlotSeries), so a restart neither forgets a baseline nor warms up again.
CREATE TABLE detector_series (
    target_id  text        NOT NULL,
    detector   text        NOT NULL CHECK (detector IN ('baseline', 'forecast')),
    series_key text        NOT NULL,
    history    bytea       NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (target_id, detector, series_key)
);
CREATE INDEX detector_series_updated ON detector_series (updated_at);
