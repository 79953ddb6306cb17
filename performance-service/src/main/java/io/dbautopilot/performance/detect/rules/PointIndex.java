package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.MetricPoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A target's current points indexed by name and by name + labels, built once per cycle so that every rule and
 * every join (ratio operands, guards) is a lookup rather than a scan of all points.
 */
public final class PointIndex {

    private final Map<String, List<MetricPoint>> byName = new HashMap<>();
    private final Map<String, Map<Map<String, String>, MetricPoint>> exact = new HashMap<>();

    private PointIndex(List<MetricPoint> points) {
        for (MetricPoint p : points) {
            byName.computeIfAbsent(p.name(), n -> new java.util.ArrayList<>()).add(p);
            exact.computeIfAbsent(p.name(), n -> new HashMap<>()).putIfAbsent(p.labels(), p);
        }
    }

    /** Indexes the points. */
    public static PointIndex of(List<MetricPoint> points) {
        return new PointIndex(points);
    }

    /** The points of a metric. */
    public List<MetricPoint> named(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /** The metric names present. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** The point of {@code name} whose labels agree with {@code labels} on every label both have (same labels first). */
    public Optional<MetricPoint> companion(String name, Map<String, String> labels) {
        MetricPoint same = exact.getOrDefault(name, Map.of()).get(labels);
        if (same != null) {
            return Optional.of(same);
        }
        for (MetricPoint q : named(name)) {
            if (agree(q.labels(), labels)) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    private static boolean agree(Map<String, String> a, Map<String, String> b) {
        for (Map.Entry<String, String> e : a.entrySet()) {
            String other = b.get(e.getKey());
            if (other != null && !other.equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }
}
