package io.dbautopilot.performance.collect;

import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.operations.OperationEntry;
import io.dbautopilot.performance.operations.OperationTimeline;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adds what {@code autopilot.operations.v1} says about a target's backups to each of its cycles (family
 * {@code backup}), so that rules such as {@code backup_stale} see it like any collected metric, whatever the engine.
 * A target none of whose backups has finished gets no points: its backups are not the autopilot's business.
 */
@ApplicationScoped
public class BackupRecency {

    /** The pseudo-family of these points. */
    public static final String FAMILY = "backup";
    /** Epoch seconds of the newest backup that succeeded; 0 when backups finished but none succeeded. */
    public static final String LAST_SUCCESS = "autopilot_backup_last_success_timestamp_seconds";
    /** Epoch seconds of the newest backup that finished (succeeded, failed or cancelled). */
    public static final String LAST_FINISHED = "autopilot_backup_last_finished_timestamp_seconds";
    /** 1 when the newest finished backup did not succeed. */
    public static final String LAST_FAILED = "autopilot_backup_last_failed";

    private final OperationTimeline timeline;

    public BackupRecency(OperationTimeline timeline) {
        this.timeline = timeline;
    }

    /** The cycle with the backup points added, or unchanged when no backup of the target ever finished. */
    public CycleResult enrich(CycleResult cycle) {
        String target = cycle.snapshot().targetId();
        Optional<OperationEntry> finished = timeline.lastFinished(target, OperationEntry::isBackup);
        if (finished.isEmpty()) {
            return cycle;
        }
        Optional<OperationEntry> succeeded = timeline.lastSucceeded(target, OperationEntry::isBackup);
        List<MetricPoint> backup = List.of(
                MetricPoint.of(LAST_SUCCESS, succeeded.map(e -> epochSeconds(e.occurredAt())).orElse(0.0)),
                MetricPoint.of(LAST_FINISHED, epochSeconds(finished.get().occurredAt())),
                MetricPoint.of(LAST_FAILED, "succeeded".equals(finished.get().state()) ? 0 : 1));
        MetricSnapshot s = cycle.snapshot();
        List<MetricPoint> points = new ArrayList<>(s.points());
        points.addAll(backup);
        Map<String, List<MetricPoint>> byFamily = new LinkedHashMap<>(cycle.pointsByFamily());
        byFamily.put(FAMILY, backup);
        List<FamilyResult> families = new ArrayList<>(s.families());
        families.add(new FamilyResult(FAMILY, FamilyStatus.RAN, 0, null, null));
        return new CycleResult(new MetricSnapshot(s.targetId(), s.collectedAt(), s.collectionDurationMs(), families,
                s.errors(), points), byFamily, cycle.databases(), cycle.perDatabaseFamilies());
    }

    private static double epochSeconds(Instant at) {
        return at.toEpochMilli() / 1000.0;
    }
}
