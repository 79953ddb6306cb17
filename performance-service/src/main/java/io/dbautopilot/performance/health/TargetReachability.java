package io.dbautopilot.performance.health;

import io.dbautopilot.model.HealthSummary;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.engine.Engines;
import io.dbautopilot.performance.engine.Reachability;
import io.dbautopilot.support.health.HealthContribution;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The reachability of each target this instance collects, on {@code /health}: from its latest collection cycle (no
 * connection of its own), unknown before the first cycle.
 */
@ApplicationScoped
public class TargetReachability implements HealthContribution {

    private static final int MAX_DETAIL = 300;

    private final TargetRegistry targets;
    private final LatestSnapshots latest;

    public TargetReachability(TargetRegistry targets, LatestSnapshots latest) {
        this.targets = targets;
        this.latest = latest;
    }

    @Override
    public Optional<List<HealthSummary.TargetReach>> targets() {
        return Optional.of(targets.all().stream().sorted(Comparator.comparing(TargetRuntime::id))
                .map(this::reach).toList());
    }

    private HealthSummary.TargetReach reach(TargetRuntime target) {
        String engine = Engines.of(target.config()).wire();
        MetricSnapshot snapshot = latest.latest(target.id()).orElse(null);
        if (snapshot == null) {
            return new HealthSummary.TargetReach(target.id(), engine, null, null, null);
        }
        boolean reached = Reachability.reached(snapshot);
        return new HealthSummary.TargetReach(target.id(), engine, reached, snapshot.collectedAt(),
                reached ? null : detail(snapshot));
    }

    /** The collector's first error of an unreachable target (errors carry no secrets: they are published too). */
    private static String detail(MetricSnapshot snapshot) {
        String first = snapshot.errors().values().stream().findFirst().orElse("not reachable");
        return first.length() > MAX_DETAIL ? first.substring(0, MAX_DETAIL) + "..." : first;
    }
}
