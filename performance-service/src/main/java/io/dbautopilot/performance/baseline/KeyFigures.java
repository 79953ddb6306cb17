package io.dbautopilot.performance.baseline;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.score.HealthScorer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** A target's key figures now ({@link Figure}), from its latest values and health score. */
@ApplicationScoped
public class KeyFigures {

    /** Figures taken at a point in time; a figure without data is absent. */
    public record Taken(Instant snapshotAt, Map<String, Double> figures) {
    }

    private final LatestSnapshots latest;
    private final HealthScorer health;

    public KeyFigures(LatestSnapshots latest, HealthScorer health) {
        this.latest = latest;
        this.health = health;
    }

    /** The figures now, or empty before the target's first collection cycle. Reads the state database (health). */
    public Optional<Taken> now(String target) {
        Optional<MetricSnapshot> snapshot = latest.latest(target);
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        Map<String, List<MetricPoint>> byName = new HashMap<>();
        for (MetricPoint p : latest.current(target)) {
            byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p);
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        for (Figure f : Figure.values()) {
            OptionalDouble v = f == Figure.HEALTH_SCORE
                    ? health.score(target).map(r -> OptionalDouble.of(r.score())).orElse(OptionalDouble.empty())
                    : f.compute(byName);
            v.ifPresent(d -> figures.put(f.wire(), d));
        }
        return Optional.of(new Taken(snapshot.get().collectedAt(), figures));
    }
}
