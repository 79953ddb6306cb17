package io.dbautopilot.performance.advise;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.TargetRuntime;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an advisor may use about one target: its databases (as the collector filtered them), sessions on them, and
 * the values the collector gathered last.
 *
 * @param runtime  the collector's state of the target
 * @param sessions opens sessions within the target's connection cap
 * @param current  the latest collected values, every family merged
 * @param mainDatabase the database named in the target's URL
 */
public record AdviceTarget(TargetRuntime runtime, TargetSessions sessions, List<MetricPoint> current,
                           String mainDatabase) {

    /** The target id. */
    public String id() {
        return runtime.id();
    }

    /** Databases whose objects are examined (the collector's include/exclude filters applied). */
    public List<String> databases() {
        return runtime.databases();
    }

    /** Runs work in a session on one database. */
    public <T> T inDatabase(String database, TargetSessions.Work<T> work) throws SQLException {
        return sessions.inDatabase(runtime, database, work);
    }

    /** The value of a collected metric with exactly these labels (none: the unlabelled point). */
    public Optional<Double> value(String name, String... labels) {
        return current.stream().filter(p -> p.name().equals(name) && matches(p.labels(), labels))
                .map(MetricPoint::value).findFirst();
    }

    /** Every collected point of a metric. */
    public List<MetricPoint> points(String name) {
        return current.stream().filter(p -> p.name().equals(name)).toList();
    }

    private static boolean matches(Map<String, String> have, String... labels) {
        if (have.size() != labels.length / 2) {
            return false;
        }
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(have.get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
