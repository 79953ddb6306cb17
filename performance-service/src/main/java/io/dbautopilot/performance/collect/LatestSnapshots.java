package io.dbautopilot.performance.collect;

import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest snapshot of each target, and its current values: a family that did not run this cycle (not due,
 * skipped) keeps its last values; one that failed or became unavailable loses them (no stale numbers).
 */
@ApplicationScoped
public class LatestSnapshots {

    private final Map<String, MetricSnapshot> latest = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<MetricPoint>>> current = new ConcurrentHashMap<>();

    /** Records a finished cycle. */
    public void accept(CycleResult cycle) {
        MetricSnapshot snapshot = cycle.snapshot();
        latest.put(snapshot.targetId(), snapshot);
        Map<String, List<MetricPoint>> byFamily = current.computeIfAbsent(snapshot.targetId(),
                id -> new ConcurrentHashMap<>());
        Map<String, List<MetricPoint>> fresh = cycle.pointsByFamily();
        boolean up = snapshot.findValue("pg_up").orElse(0) == 1;
        for (FamilyResult r : snapshot.families()) {
            if (r.perDatabase()) {
                continue; // the family's summary decides; a database where it did not run keeps nothing apart
            }
            if (r.status() == FamilyStatus.RAN) {
                byFamily.put(r.family(), fresh.getOrDefault(r.family(), List.of()));
            } else if (r.status() == FamilyStatus.FAILED || r.status() == FamilyStatus.UNAVAILABLE) {
                byFamily.remove(r.family());
            }
        }
        if (!up) {
            byFamily.keySet().removeIf(f -> !f.equals(FamilyCatalog.HOST) && !f.equals(CycleResult.CYCLE));
        }
        byFamily.put(CycleResult.CYCLE, fresh.getOrDefault(CycleResult.CYCLE, List.of()));
    }

    /** The latest snapshot of a target, if a cycle has run. */
    public Optional<MetricSnapshot> latest(String targetId) {
        return Optional.ofNullable(latest.get(targetId));
    }

    /** The current values of a target, every family merged. */
    public List<MetricPoint> current(String targetId) {
        List<MetricPoint> all = new ArrayList<>();
        current.getOrDefault(targetId, Map.of()).values().forEach(all::addAll);
        return all;
    }
}
