package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accumulates points, dropping SQL NULLs and non-finite values instead of inventing zeros. */
public final class PointsBuilder {

    private final List<MetricPoint> points = new ArrayList<>();
    private final Map<String, String> base;

    /** A builder whose points all carry the given labels (e.g. {@code datname}). */
    public PointsBuilder(Map<String, String> base) {
        this.base = Map.copyOf(base);
    }

    /** A builder without common labels. */
    public PointsBuilder() {
        this(Map.of());
    }

    /** Adds a point if {@code value} is a finite number or a boolean (1/0); labels are key, value pairs. */
    public PointsBuilder add(String name, Object value, String... labels) {
        double v;
        if (value instanceof Number n) {
            v = n.doubleValue();
        } else if (value instanceof Boolean b) {
            v = b ? 1 : 0;
        } else {
            return this;
        }
        if (!Double.isFinite(v)) {
            return this;
        }
        Map<String, String> all = new LinkedHashMap<>(base);
        for (int i = 0; i + 1 < labels.length; i += 2) {
            all.put(labels[i], labels[i + 1] == null ? "" : labels[i + 1]);
        }
        points.add(new MetricPoint(name, all, v));
        return this;
    }

    /** The points added so far. */
    public List<MetricPoint> build() {
        return points;
    }
}
