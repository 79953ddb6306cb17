package io.dbautopilot.performance.collect;

import io.dbautopilot.model.LabelSet;
import io.dbautopilot.model.MetricPoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Accumulates points, dropping SQL NULLs and non-finite values instead of inventing zeros; consecutive points with
 * the same labels share one {@link LabelSet} (no label map per point). Made on the thread that maps the rows, right
 * before mapping: the thread CPU time from construction to {@link #build()} is the build cost ({@link CollectCpu}).
 */
public final class PointsBuilder {

    private final List<MetricPoint> points = new ArrayList<>();
    private final LabelSet base;
    private String[] lastLabels;
    private LabelSet lastSet;
    private final long cpuStart = CollectCpu.threadCpuNanos();
    private final Thread thread = Thread.currentThread();
    private boolean measured;

    /** A builder whose points all carry the given labels (e.g. {@code datname}). */
    public PointsBuilder(Map<String, String> base) {
        this.base = LabelSet.copyOf(base);
        this.lastSet = this.base;
        this.lastLabels = new String[0];
    }

    /** A builder without common labels. */
    public PointsBuilder() {
        this(LabelSet.EMPTY);
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
        if (Double.isFinite(v)) {
            points.add(new MetricPoint(name, labels(labels), v));
        }
        return this;
    }

    /** The label set of these pairs: the previous point's when they are the same (the common case within a row). */
    private LabelSet labels(String[] labels) {
        if (labels != lastLabels && !lastSet.endsWith(base.size(), labels)) {
            lastSet = LabelSet.of(base, labels);
        }
        lastLabels = labels;
        return lastSet;
    }

    /** Leaves this builder out of the CPU measurement (for one that spans several queries, waiting in between). */
    public PointsBuilder unmeasured() {
        measured = true;
        return this;
    }

    /** The points added so far; the first call reports the thread CPU time since the builder was made. */
    public List<MetricPoint> build() {
        if (!measured && thread == Thread.currentThread()) {
            measured = true;
            CollectCpu.built(points.size(), CollectCpu.threadCpuNanos() - cpuStart);
        }
        return points;
    }
}
