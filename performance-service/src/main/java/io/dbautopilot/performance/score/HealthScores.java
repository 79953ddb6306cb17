package io.dbautopilot.performance.score;

import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.state.TargetStatusStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The latest health report of each target, recomputed after each collection cycle (off the event loop), for export. */
@ApplicationScoped
public class HealthScores {

    private static final Logger LOG = Logger.getLogger(HealthScores.class);

    private final HealthScorer scorer;
    private final TargetStatusStore status;
    private final Map<String, HealthReport> reports = new ConcurrentHashMap<>();

    public HealthScores(HealthScorer scorer, TargetStatusStore status) {
        this.scorer = scorer;
        this.status = status;
    }

    void onCycle(@ObservesAsync CycleResult cycle) {
        String target = cycle.snapshot().targetId();
        try {
            scorer.score(target).ifPresent(r -> {
                reports.put(target, r);
                // stored for the fleet view of the other instances; a failed write is retried by the next cycle's
                status.recordHealth(target, r.grade(), r.score(), r.computedAt()).subscribe().with(
                        ok -> { },
                        e -> LOG.debugf("Health grade of %s not stored: %s", target, e.getMessage()));
            });
        } catch (RuntimeException e) {
            LOG.warnf(e, "Health score of %s not updated", target);
        }
    }

    /** Forgets the report of a target this instance gave up. */
    void onReleased(@jakarta.enterprise.event.Observes io.dbautopilot.performance.collect.TargetRegistry.Released released) {
        reports.remove(released.id());
    }

    /** The latest report of a target, if one was computed. */
    public Optional<HealthReport> latest(String target) {
        return Optional.ofNullable(reports.get(target));
    }

    /** Every target's latest report. */
    public Map<String, HealthReport> all() {
        return Map.copyOf(reports);
    }
}
