package io.dbautopilot.performance.collect;

import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest snapshot of each target, and its current values: a family that did not run this cycle (not due,
 * skipped) keeps its last values; one that failed or became unavailable loses them (no stale numbers). A
 * per-database family keeps them per database: a database it did not visit this cycle keeps its values, one where
 * it failed loses them, and a database that is gone loses them.
 */
@ApplicationScoped
public class LatestSnapshots {

    private static final String NO_DATABASE = "";

    private final Map<String, MetricSnapshot> latest = new ConcurrentHashMap<>();
    // target -> family -> database ("" for families not run per database) -> points
    private final Map<String, Map<String, Map<String, List<MetricPoint>>>> current = new ConcurrentHashMap<>();

    /** Records a finished cycle. */
    public void accept(CycleResult cycle) {
        MetricSnapshot snapshot = cycle.snapshot();
        latest.put(snapshot.targetId(), snapshot);
        Map<String, Map<String, List<MetricPoint>>> byFamily = current.computeIfAbsent(snapshot.targetId(),
                id -> new ConcurrentHashMap<>());
        Map<String, List<MetricPoint>> fresh = cycle.pointsByFamily();
        boolean up = io.dbautopilot.performance.engine.Reachability.reached(snapshot);
        for (FamilyResult r : snapshot.families()) {
            boolean perDatabase = cycle.perDatabaseFamilies().contains(r.family());
            if (r.perDatabase()) {
                if (r.status() == FamilyStatus.FAILED || r.status() == FamilyStatus.UNAVAILABLE) {
                    Map<String, List<MetricPoint>> dbs = byFamily.get(r.family());
                    if (dbs != null) {
                        dbs.remove(r.database());
                    }
                }
            } else if (r.status() == FamilyStatus.RAN) {
                List<MetricPoint> points = fresh.getOrDefault(r.family(), List.of());
                if (perDatabase) {
                    byFamily.computeIfAbsent(r.family(), f -> new ConcurrentHashMap<>()).putAll(byDatabase(points));
                } else {
                    byFamily.put(r.family(), new ConcurrentHashMap<>(Map.of(NO_DATABASE, points)));
                }
            } else if (r.status() == FamilyStatus.FAILED || r.status() == FamilyStatus.UNAVAILABLE) {
                byFamily.remove(r.family());
            }
        }
        if (!up) {
            byFamily.keySet().removeIf(f -> !f.equals(FamilyCatalog.HOST) && !f.equals(CycleResult.CYCLE));
        } else if (!cycle.databases().isEmpty()) {
            for (String family : cycle.perDatabaseFamilies()) {
                Map<String, List<MetricPoint>> dbs = byFamily.get(family);
                if (dbs != null) {
                    dbs.keySet().removeIf(db -> !cycle.databases().contains(db)); // dropped or filtered out
                }
            }
        }
        byFamily.put(CycleResult.CYCLE, new ConcurrentHashMap<>(Map.of(NO_DATABASE,
                fresh.getOrDefault(CycleResult.CYCLE, List.of()))));
    }

    private static Map<String, List<MetricPoint>> byDatabase(List<MetricPoint> points) {
        Map<String, List<MetricPoint>> grouped = new HashMap<>();
        for (MetricPoint p : points) {
            grouped.computeIfAbsent(p.labels().getOrDefault("datname", NO_DATABASE), d -> new ArrayList<>()).add(p);
        }
        return grouped;
    }

    /** Forgets a target this instance gave up (its new owner's snapshots are served there). */
    void onReleased(@jakarta.enterprise.event.Observes TargetRegistry.Released released) {
        latest.remove(released.id());
        current.remove(released.id());
    }

    /** The latest snapshot of a target, if a cycle has run. */
    public Optional<MetricSnapshot> latest(String targetId) {
        return Optional.ofNullable(latest.get(targetId));
    }

    /** The current values of a target, every family merged. */
    public List<MetricPoint> current(String targetId) {
        List<MetricPoint> all = new ArrayList<>();
        current.getOrDefault(targetId, Map.of()).values().forEach(dbs -> dbs.values().forEach(all::addAll));
        return all;
    }
}
