package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;

import java.util.List;
import java.util.Map;

/**
 * One finished cycle: the snapshot as published, and its points grouped by family (so the latest values of a
 * family can be replaced when it runs and kept when it was not due).
 *
 * @param snapshot       the snapshot
 * @param pointsByFamily points per family that ran, plus {@link #CYCLE} for the collector's own points
 */
public record CycleResult(MetricSnapshot snapshot, Map<String, List<MetricPoint>> pointsByFamily) {

    /** Pseudo-family of the points the collector adds itself (pg_up, version, busy). */
    public static final String CYCLE = "cycle";
}
