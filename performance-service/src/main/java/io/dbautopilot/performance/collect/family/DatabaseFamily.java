package io.dbautopilot.performance.collect.family;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.CounterHistory;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.MetricFamily;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code database} family: pg_stat_database counters as postgres_exporter names them, plus TPS, rollback ratio
 * and cache-hit ratio derived from counter deltas (none across a stats reset or restart). Sizes, which walk every
 * database directory, are the {@code database_sizes} family's.
 */
@ApplicationScoped
public class DatabaseFamily implements MetricFamily {

    /** pg_stat_database columns exported as {@code pg_stat_database_<column>}. */
    static final List<String> COUNTERS = List.of(
            "numbackends", "xact_commit", "xact_rollback", "blks_read", "blks_hit", "tup_returned", "tup_fetched",
            "tup_inserted", "tup_updated", "tup_deleted", "conflicts", "temp_files", "temp_bytes", "deadlocks",
            "blk_read_time", "blk_write_time", "stats_reset");

    /** Session statistics, PostgreSQL 14 and later. */
    static final List<String> SESSION_COUNTERS = List.of(
            "session_time", "active_time", "idle_in_transaction_time", "sessions", "sessions_abandoned",
            "sessions_fatal", "sessions_killed");

    static final String SQL = """
            SELECT d.datname, d.numbackends, d.xact_commit, d.xact_rollback, d.blks_read, d.blks_hit,
                   d.tup_returned, d.tup_fetched, d.tup_inserted, d.tup_updated, d.tup_deleted, d.conflicts,
                   d.temp_files, d.temp_bytes, d.deadlocks, d.blk_read_time, d.blk_write_time,
                   extract(epoch FROM d.stats_reset)::float8 AS stats_reset
                   %s
              FROM pg_stat_database d
              JOIN pg_database db ON db.oid = d.datid
             WHERE d.datname IS NOT NULL AND db.datallowconn
             ORDER BY d.datname""";

    private static final String[] COUNTER_NAMES = COUNTERS.stream().map(c -> "pg_stat_database_" + c)
            .toArray(String[]::new);
    private static final String[] SESSION_NAMES = SESSION_COUNTERS.stream().map(c -> "pg_stat_database_" + c)
            .toArray(String[]::new);

    static final String SESSION_COLUMNS = ", d.session_time, d.active_time, d.idle_in_transaction_time, d.sessions, "
            + "d.sessions_abandoned, d.sessions_fatal, d.sessions_killed";

    @Override
    public boolean rowsPerDatabase() {
        return true;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public FamilyScope scope() {
        return FamilyScope.SERVER;
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(30);
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        boolean sessions = context.serverVersion() >= 140000;
        String sql = SQL.formatted(sessions ? SESSION_COLUMNS : "");
        return client.query(sql).execute().map(rows -> {
            PointsBuilder points = new PointsBuilder();
            for (Row row : rows) {
                String db = row.getString("datname");
                String[] labels = {"datname", db};
                for (int i = 0; i < COUNTER_NAMES.length; i++) {
                    points.add(COUNTER_NAMES[i], row.getValue(COUNTERS.get(i)), labels);
                }
                if (sessions) {
                    for (int i = 0; i < SESSION_NAMES.length; i++) {
                        points.add(SESSION_NAMES[i], row.getValue(SESSION_COUNTERS.get(i)), labels);
                    }
                }
                derive(context, row, db, points);
            }
            return points.build();
        });
    }

    /** TPS, rollback ratio and cache-hit ratio over the interval since the previous reading. */
    private static void derive(CollectionContext context, Row row, String db, PointsBuilder points) {
        String epoch = context.epoch() + "/" + row.getValue("stats_reset");
        CounterHistory counters = context.counters();
        String key = "db/" + db + "/database/";
        Optional<CounterHistory.Delta> commits = counters.advance(key + "commit", number(row, "xact_commit"),
                context.cycleStart(), epoch);
        Optional<CounterHistory.Delta> rollbacks = counters.advance(key + "rollback", number(row, "xact_rollback"),
                context.cycleStart(), epoch);
        Optional<CounterHistory.Delta> hits = counters.advance(key + "hit", number(row, "blks_hit"),
                context.cycleStart(), epoch);
        Optional<CounterHistory.Delta> reads = counters.advance(key + "read", number(row, "blks_read"),
                context.cycleStart(), epoch);
        if (commits.isPresent() && rollbacks.isPresent()) {
            double xacts = commits.get().amount() + rollbacks.get().amount();
            points.add("pg_stat_database_tps", xacts / (commits.get().elapsed().toNanos() / 1e9), "datname", db);
            if (xacts > 0) {
                points.add("pg_stat_database_rollback_ratio", rollbacks.get().amount() / xacts, "datname", db);
            }
        }
        if (hits.isPresent() && reads.isPresent()) {
            double blocks = hits.get().amount() + reads.get().amount();
            if (blocks > 0) {
                points.add("pg_stat_database_cache_hit_ratio", hits.get().amount() / blocks, "datname", db);
            }
        }
    }

    private static double number(Row row, String column) {
        Object v = row.getValue(column);
        return v instanceof Number n ? n.doubleValue() : 0;
    }
}
