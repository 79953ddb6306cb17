package io.dbautopilot.performance.dashboard;

import io.dbautopilot.model.MetricPoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleBinaryOperator;

/**
 * Reduces a target's current values (every family merged) to a {@link LiveSample}. The cache hit ratio is taken
 * from the server-wide block counters between two readings (a per-database ratio cannot be averaged), so the
 * sampler remembers the previous totals per target.
 */
final class LiveSampler {

    private final Map<String, Blocks> previous = new ConcurrentHashMap<>();

    private record Blocks(double hit, double read, Double ratio) {
    }

    LiveSample sample(String target, Instant at, List<MetricPoint> current) {
        boolean reachable = io.dbautopilot.performance.engine.Reachability.reached(current);
        Double tps = fold(current, "pg_stat_database_tps", Double::sum);
        Double used = first(current, "pg_connections_used");
        Double max = first(current, "pg_connections_max_usable");
        Double dead = fold(current, "pg_stat_user_tables_n_dead_tup", Double::sum);
        Double lagBytes = fold(current, "pg_stat_replication_replay_lag_bytes", Math::max);
        Double lagSeconds = fold(current, "pg_stat_replication_replay_lag_seconds", Math::max);
        if (lagSeconds == null) {
            lagSeconds = first(current, "pg_replication_lag_seconds");
        }
        return new LiveSample(target, at, reachable, reachable ? tps : null, reachable ? cacheHit(target, current) : null,
                reachable ? used : null, reachable ? max : null, reachable ? dead : null,
                reachable ? lagBytes : null, reachable ? lagSeconds : null);
    }

    private Double cacheHit(String target, List<MetricPoint> current) {
        Double hit = fold(current, "pg_stat_database_blks_hit", Double::sum);
        Double read = fold(current, "pg_stat_database_blks_read", Double::sum);
        if (hit == null || read == null) {
            return null;
        }
        Blocks before = previous.get(target);
        Double ratio = before == null ? null : before.ratio();
        if (before != null) {
            double dHit = hit - before.hit();
            double dRead = read - before.read();
            if (dHit >= 0 && dRead >= 0 && dHit + dRead > 0) {
                ratio = dHit / (dHit + dRead);
            } else if (dHit < 0 || dRead < 0) {
                ratio = null; // statistics reset or restart: no ratio across it
            }
        }
        previous.put(target, new Blocks(hit, read, ratio));
        return ratio;
    }

    private static Double first(List<MetricPoint> points, String name) {
        for (MetricPoint p : points) {
            if (p.name().equals(name)) {
                return p.value();
            }
        }
        return null;
    }

    private static Double fold(List<MetricPoint> points, String name, DoubleBinaryOperator op) {
        Double result = null;
        for (MetricPoint p : points) {
            if (p.name().equals(name)) {
                result = result == null ? p.value() : op.applyAsDouble(result, p.value());
            }
        }
        return result;
    }
}
