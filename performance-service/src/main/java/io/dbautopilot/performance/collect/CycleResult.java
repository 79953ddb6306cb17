package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One finished cycle: the snapshot as published, and its points grouped by family (so the latest values of a
 * family can be replaced when it runs and kept when it was not due).
 *
 * @param snapshot             the snapshot
 * @param pointsByFamily       points per family that ran, plus {@link #CYCLE} for the collector's own points
 * @param databases            databases the target has now (after filters); empty when it was not reached
 * @param perDatabaseFamilies  families that run per database: their latest values are kept per database, so a
 *                             database not visited this cycle keeps its values
 */
public record CycleResult(MetricSnapshot snapshot, Map<String, List<MetricPoint>> pointsByFamily,
                          Set<String> databases, Set<String> perDatabaseFamilies) {

    /** Pseudo-family of the points the collector adds itself (pg_up, version, busy). */
    public static final String CYCLE = "cycle";

    /** A cycle whose families are all replaced as a whole. */
    public CycleResult(MetricSnapshot snapshot, Map<String, List<MetricPoint>> pointsByFamily) {
        this(snapshot, pointsByFamily, Set.of(), Set.of());
    }
}
