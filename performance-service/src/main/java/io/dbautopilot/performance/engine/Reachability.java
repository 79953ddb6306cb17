package io.dbautopilot.performance.engine;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;

import java.util.List;

/** Whether a cycle reached its server, whatever the engine: its up metric ({@code pg_up}, {@code mysql_up}) is 1. */
public final class Reachability {

    /** The up metric of every engine with a collector. */
    public static final List<String> UP_METRICS = List.of("pg_up", "mysql_up", "redis_up", "sqlite_up");

    private Reachability() {
    }

    /** Whether a snapshot's up metric is 1. */
    public static boolean reached(MetricSnapshot snapshot) {
        for (String name : UP_METRICS) {
            if (snapshot.findValue(name).isPresent()) {
                return snapshot.findValue(name).getAsDouble() == 1;
            }
        }
        return false;
    }

    /** Whether current values hold an up metric of 1. */
    public static boolean reached(List<MetricPoint> current) {
        return current.stream().anyMatch(p -> UP_METRICS.contains(p.name()) && p.value() == 1);
    }

    /** Whether current values hold an up metric at all (a cycle has run). */
    public static boolean known(List<MetricPoint> current) {
        return current.stream().anyMatch(p -> UP_METRICS.contains(p.name()));
    }
}
