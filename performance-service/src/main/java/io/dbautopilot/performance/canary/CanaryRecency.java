package io.dbautopilot.performance.canary;

import io.dbautopilot.model.CanaryEvent;
import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.CycleResult;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adds what {@code autopilot.canary.v1} says about a target's canary to each of its cycles (family {@code canary}), so
 * the shipped rules {@code canary_overdue} and {@code canary_failed} see it like any collected metric. This is the
 * watchdog of the autopilot: it lives in performance-service, so it still fires when the automation service is
 * stopped, stuck or cut off. A target that never had a canary run gets no points; one whose canary was switched off
 * gets only {@code autopilot_canary_enabled = 0}, so an open canary anomaly resolves.
 */
@ApplicationScoped
public class CanaryRecency {

    /** The pseudo-family of these points. */
    public static final String FAMILY = "canary";
    /** Epoch seconds by which the target's next canary event is due. */
    public static final String NEXT_DUE = "autopilot_canary_next_due_timestamp_seconds";
    /** Epoch seconds of the end of the latest run. */
    public static final String LAST_COMPLETED = "autopilot_canary_last_completed_timestamp_seconds";
    /** 1 when the latest run failed. */
    public static final String LAST_FAILED = "autopilot_canary_last_failed";
    /** 1 while the target's canary runs, 0 once it was switched off (then the other points are left out). */
    public static final String ENABLED = "autopilot_canary_enabled";
    /** Seconds from planting to the last stage the latest run reached. */
    public static final String LAST_DURATION = "autopilot_canary_last_duration_seconds";

    private final CanaryWatch watch;

    public CanaryRecency(CanaryWatch watch) {
        this.watch = watch;
    }

    /** The cycle with the canary points added, or unchanged when the target never had a canary run. */
    public CycleResult enrich(CycleResult cycle) {
        String target = cycle.snapshot().targetId();
        Optional<CanaryEvent> latest = watch.latest(target);
        if (latest.isEmpty()) {
            return cycle;
        }
        CanaryEvent e = latest.get();
        List<MetricPoint> canary = new ArrayList<>();
        // switched off: only the family's enabled = 0, so the rules see their metrics gone (not unknown) and resolve
        canary.add(MetricPoint.of(ENABLED, e.off() ? 0 : 1));
        if (!e.off()) {
            canary.add(MetricPoint.of(NEXT_DUE, epochSeconds(e.nextDueAt())));
            canary.add(MetricPoint.of(LAST_COMPLETED, epochSeconds(e.completedAt())));
            canary.add(MetricPoint.of(LAST_FAILED, e.failed() ? 1 : 0));
            if (!e.stages().isEmpty()) {
                canary.add(MetricPoint.of(LAST_DURATION, e.stages().get(e.stages().size() - 1).seconds()));
            }
        }
        MetricSnapshot s = cycle.snapshot();
        List<MetricPoint> points = new ArrayList<>(s.points());
        points.addAll(canary);
        Map<String, List<MetricPoint>> byFamily = new LinkedHashMap<>(cycle.pointsByFamily());
        byFamily.put(FAMILY, canary);
        List<FamilyResult> families = new ArrayList<>(s.families());
        families.add(new FamilyResult(FAMILY, FamilyStatus.RAN, 0, null, null));
        return new CycleResult(new MetricSnapshot(s.targetId(), s.collectedAt(), s.collectionDurationMs(), families,
                s.errors(), points), byFamily, cycle.databases(), cycle.perDatabaseFamilies());
    }

    private static double epochSeconds(Instant at) {
        return at.toEpochMilli() / 1000.0;
    }
}
