package io.dbautopilot.performance.baseline;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.score.HealthScorer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A target's key figures now ({@link Figure}), from its latest values and health score. Families run on different
 * intervals and one may fail or be shed, so a figure the current values lack is taken at its last known value, with
 * the time it was read (remembered after every collection cycle).
 */
@ApplicationScoped
public class KeyFigures {

    /**
     * Figures taken at a point in time.
     *
     * @param snapshotAt start of the latest collection cycle
     * @param figures    figure name to value; a figure never known is absent
     * @param figuresAt  figure name to the start of the cycle its value came from (before {@code snapshotAt} for
     *                   a last known value)
     */
    public record Taken(Instant snapshotAt, Map<String, Double> figures, Map<String, Instant> figuresAt) {
    }

    /** A figure's value and the start of the cycle it was read in. */
    private record Known(double value, Instant at) {
    }

    private final LatestSnapshots latest;
    private final HealthScorer health;
    private final Map<String, Map<Figure, Known>> lastKnown = new ConcurrentHashMap<>();

    public KeyFigures(LatestSnapshots latest, HealthScorer health) {
        this.latest = latest;
        this.health = health;
    }

    /** Remembers the figures of a finished cycle (on a worker thread), so a later capture can fall back on them. */
    void onCycle(@ObservesAsync CycleResult cycle) {
        remember(cycle.snapshot().targetId());
    }

    /** Forgets the last known figures of a target this instance gave up. */
    void onReleased(@jakarta.enterprise.event.Observes io.dbautopilot.performance.collect.TargetRegistry.Released released) {
        lastKnown.remove(released.id());
    }

    /** Computes the figures from the target's current values and remembers those present; returns them. */
    Map<Figure, Known> remember(String target) {
        Optional<MetricSnapshot> snapshot = latest.latest(target);
        Map<Figure, Known> known = lastKnown.computeIfAbsent(target, t -> new ConcurrentHashMap<>());
        if (snapshot.isEmpty()) {
            return known;
        }
        Instant at = snapshot.get().collectedAt();
        Map<String, List<MetricPoint>> byName = new HashMap<>();
        for (MetricPoint p : latest.current(target)) {
            byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p);
        }
        for (Figure f : Figure.values()) {
            if (f != Figure.HEALTH_SCORE) {
                f.compute(byName).ifPresent(v -> known.merge(f, new Known(v, at),
                        (old, fresh) -> fresh.at().isBefore(old.at()) ? old : fresh));
            }
        }
        return known;
    }

    /**
     * The figures now (each at its last known value), or empty before the target's first collection cycle. Reads
     * the state database (health).
     */
    public Optional<Taken> now(String target) {
        Optional<MetricSnapshot> snapshot = latest.latest(target);
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        Map<Figure, Known> known = remember(target);
        Map<String, Double> figures = new LinkedHashMap<>();
        Map<String, Instant> at = new LinkedHashMap<>();
        for (Figure f : Figure.values()) {
            if (f == Figure.HEALTH_SCORE) {
                OptionalDouble score = health.score(target).map(r -> OptionalDouble.of(r.score())).orElse(OptionalDouble.empty());
                if (score.isPresent()) {
                    figures.put(f.wire(), score.getAsDouble());
                    at.put(f.wire(), snapshot.get().collectedAt());
                }
                continue;
            }
            Known k = known.get(f);
            if (k != null) {
                figures.put(f.wire(), k.value());
                at.put(f.wire(), k.at());
            }
        }
        return Optional.of(new Taken(snapshot.get().collectedAt(), figures, at));
    }
}
