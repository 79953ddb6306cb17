package io.dbautopilot.performance.score;

import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.engine.Engines;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.LatestSnapshots;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes a target's {@link HealthReport}: each category is 100 minus the points its checks lost (floored at 0),
 * the overall score the weighted mean of the scored categories ({@link Category#weight()}), 0 when the target is
 * down. A category without any evaluated check, or backup status without any finished backup seen, is unknown and
 * left out of the overall score (the remaining weights count in full).
 */
@ApplicationScoped
public class HealthScorer {

    private static final Comparator<CheckResult> LOST_FIRST = Comparator.comparingInt(CheckResult::pointsLost).reversed()
            .thenComparing(c -> "not_evaluated".equals(c.status()));

    private final LatestSnapshots latest;
    private final Engines engines;
    private final TargetRegistry targets;
    private final AnomalyChecks anomalyChecks;
    private final BackupChecks backupChecks;

    public HealthScorer(LatestSnapshots latest, Engines engines, TargetRegistry targets, AnomalyChecks anomalyChecks,
                        BackupChecks backupChecks) {
        this.latest = latest;
        this.engines = engines;
        this.targets = targets;
        this.anomalyChecks = anomalyChecks;
        this.backupChecks = backupChecks;
    }

    /** The report of a target, or empty before its first collection cycle. Reads the state database. */
    public Optional<HealthReport> score(String target) {
        Optional<MetricSnapshot> snapshot = latest.latest(target);
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        List<MetricPoint> current = latest.current(target);
        boolean up = SnapshotChecks.up(current);
        // the checks of the target's engine (PostgreSQL's for a target not owned here); none when it has no checks
        Engine engine = targets.get(target).map(t -> Engines.of(t.config())).orElse(Engine.POSTGRESQL);
        List<CheckResult> checks = new ArrayList<>(engines.healthChecks(engine)
                .map(c -> c.evaluate(snapshot.get(), current, now)).orElse(List.of()));
        checks.addAll(anomalyChecks.evaluate(target));
        Optional<List<CheckResult>> backup = backupChecks.evaluate(target, now);
        backup.ifPresent(checks::addAll);

        Map<Category, List<CheckResult>> byCategory = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            byCategory.put(c, new ArrayList<>());
        }
        checks.forEach(c -> byCategory.get(c.category()).add(c));

        List<CategoryScore> categories = new ArrayList<>();
        double weighted = 0;
        int weights = 0;
        List<String> unknown = new ArrayList<>();
        for (Category c : Category.values()) {
            List<CheckResult> mine = byCategory.get(c);
            mine.sort(LOST_FIRST);
            String reason = null;
            if (c == Category.BACKUP_STATUS && backup.isEmpty()) {
                reason = "no finished backup operation of this target seen on autopilot.operations.v1";
            } else if (!up && c != Category.CONNECTIVITY && c != Category.BACKUP_STATUS) {
                reason = "the target is down: no current values";
            } else if (mine.stream().allMatch(r -> "not_evaluated".equals(r.status()))) {
                reason = "no check could be evaluated (no data)";
            }
            if (reason != null) {
                categories.add(new CategoryScore(c, null, "unknown", 0, reason, List.copyOf(mine)));
                unknown.add(c.wire());
                continue;
            }
            int lost = mine.stream().mapToInt(CheckResult::pointsLost).sum();
            int score = Math.max(0, 100 - lost);
            categories.add(new CategoryScore(c, score, "scored", c.weight(), null, List.copyOf(mine)));
            weighted += (double) score * c.weight();
            weights += c.weight();
        }
        int overall = !up || weights == 0 ? 0 : (int) Math.round(weighted / weights);
        String note;
        if (!up) {
            note = "the target is down: overall score 0";
        } else if (!unknown.isEmpty()) {
            note = "unknown, left out of the overall score: " + String.join(", ", unknown);
        } else {
            note = null;
        }
        List<CheckResult> lost = checks.stream().filter(c -> c.pointsLost() > 0).sorted(LOST_FIRST).toList();
        return Optional.of(new HealthReport(target, overall, HealthReport.grade(overall), now,
                snapshot.get().collectedAt(), categories, lost, note));
    }
}
