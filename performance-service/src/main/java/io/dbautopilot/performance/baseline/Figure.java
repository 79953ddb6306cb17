package io.dbautopilot.performance.baseline;

import com.fasterxml.jackson.annotation.JsonValue;
import io.dbautopilot.model.MetricPoint;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/** The key figures a baseline captures, how each is computed from the current values, and which way is better. */
public enum Figure {
    TPS("transactions/s", Better.HIGHER, v -> sum(v, "pg_stat_database_tps")),
    CACHE_HIT_RATIO("ratio (worst database)", Better.HIGHER, v -> min(v, "pg_stat_database_cache_hit_ratio")),
    ROLLBACK_RATIO("ratio (worst database)", Better.LOWER, v -> max(v, "pg_stat_database_rollback_ratio")),
    CONNECTIONS_USED("connections", Better.LOWER, v -> sum(v, "pg_connections_used")),
    CONNECTION_UTILIZATION("ratio", Better.LOWER, v -> max(v, "pg_connections_utilization_ratio")),
    IDLE_IN_TRANSACTION("sessions", Better.LOWER, v -> sum(v, "pg_stat_activity_idle_in_transaction_count")),
    BLOCKED_SESSIONS("sessions", Better.LOWER, v -> sum(v, "pg_stat_activity_blocked_count")),
    LONGEST_TRANSACTION_SECONDS("s", Better.LOWER, v -> max(v, "pg_stat_activity_max_tx_duration_seconds")),
    STATEMENT_MEAN_SECONDS("s per call (last interval)", Better.LOWER, Figure::statementMean),
    SLOW_STATEMENTS("statements", Better.LOWER, v -> sum(v, "pg_stat_statements_slow_count")),
    DEAD_TUPLES("rows", Better.LOWER, v -> sum(v, "pg_stat_user_tables_n_dead_tup")),
    TABLE_BLOAT_BYTES("bytes", Better.LOWER, v -> sum(v, "pg_database_table_bloat_bytes")),
    INDEX_BLOAT_BYTES("bytes", Better.LOWER, v -> sum(v, "pg_database_index_bloat_bytes")),
    INVALID_INDEXES("indexes", Better.LOWER, v -> sum(v, "pg_indexes_invalid_count")),
    UNUSED_INDEXES("indexes", Better.LOWER, v -> sum(v, "pg_indexes_unused_count")),
    DATABASE_SIZE_BYTES("bytes", Better.NEITHER, v -> sum(v, "pg_database_size_bytes")),
    WAL_BYTES_PER_SECOND("bytes/s", Better.NEITHER, v -> sum(v, "pg_wal_bytes_per_second")),
    XID_AGE("transactions (oldest database)", Better.LOWER, v -> max(v, "pg_database_xid_age")),
    REPLICATION_LAG_SECONDS("s", Better.LOWER, v -> max(v, "pg_replication_lag_seconds")),
    HOST_CPU_BUSY_RATIO("ratio", Better.LOWER, v -> min(v, "host_cpu_idle_ratio").isPresent()
            ? OptionalDouble.of(1 - min(v, "host_cpu_idle_ratio").getAsDouble()) : OptionalDouble.empty()),
    /** Computed by the health scorer, not from the values directly (see KeyFigures). */
    HEALTH_SCORE("0-100", Better.HIGHER, v -> OptionalDouble.empty());

    /** Which way a figure is better. */
    public enum Better {
        HIGHER, LOWER, NEITHER;

        /** Wire form: {@code higher_is_better}, {@code lower_is_better}, {@code neutral}. */
        @JsonValue
        public String wire() {
            return this == NEITHER ? "neutral" : name().toLowerCase(Locale.ROOT) + "_is_better";
        }
    }

    private final String unit;
    private final Better better;
    private final Function<Map<String, List<MetricPoint>>, OptionalDouble> compute;

    Figure(String unit, Better better, Function<Map<String, List<MetricPoint>>, OptionalDouble> compute) {
        this.unit = unit;
        this.better = better;
        this.compute = compute;
    }

    /** Wire name, e.g. {@code cache_hit_ratio}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Unit. */
    public String unit() {
        return unit;
    }

    /** Which way is better. */
    public Better better() {
        return better;
    }

    /** The figure from the current values grouped by name; empty when they hold no data for it. */
    OptionalDouble compute(Map<String, List<MetricPoint>> byName) {
        return compute.apply(byName);
    }

    /** The figure with this wire name, or null. */
    public static Figure parse(String wire) {
        for (Figure f : values()) {
            if (f.wire().equals(wire)) {
                return f;
            }
        }
        return null;
    }

    private static OptionalDouble sum(Map<String, List<MetricPoint>> v, String name) {
        List<MetricPoint> ps = v.getOrDefault(name, List.of());
        return ps.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(ps.stream().mapToDouble(MetricPoint::value).sum());
    }

    private static OptionalDouble max(Map<String, List<MetricPoint>> v, String name) {
        return v.getOrDefault(name, List.of()).stream().mapToDouble(MetricPoint::value).max();
    }

    private static OptionalDouble min(Map<String, List<MetricPoint>> v, String name) {
        return v.getOrDefault(name, List.of()).stream().mapToDouble(MetricPoint::value).min();
    }

    private static OptionalDouble statementMean(Map<String, List<MetricPoint>> v) {
        OptionalDouble seconds = sum(v, "pg_stat_statements_all_interval_seconds");
        OptionalDouble calls = sum(v, "pg_stat_statements_all_interval_calls");
        if (seconds.isEmpty() || calls.isEmpty() || calls.getAsDouble() <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(seconds.getAsDouble() / calls.getAsDouble());
    }
}
