package io.dbautopilot.performance.collect.family;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.CounterHistory;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.FamilyUnavailableException;
import io.dbautopilot.performance.collect.MetricFamily;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code statements} family: pg_stat_statements read without query texts (cheap), per-interval deltas of
 * calls, time, rows and shared blocks, and the top N statements by total time, by mean time and by time spent
 * this interval, keyed by (database, user, queryid). Statements whose mean exceeds the slow threshold are flagged.
 */
@ApplicationScoped
public class StatementsFamily implements MetricFamily {

    static final String FIND_EXTENSION = """
            SELECT quote_ident(n.nspname) AS schema
              FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
             WHERE e.extname = 'pg_stat_statements'""";

    static final String READ = """
            SELECT s.queryid::text AS queryid, coalesce(d.datname, '') AS datname, coalesce(r.rolname, '') AS usename,
                   sum(s.calls)::float8 AS calls, sum(s.total_exec_time)::float8 AS total_ms, sum(s.rows)::float8 AS rows,
                   sum(s.shared_blks_hit)::float8 AS blks_hit, sum(s.shared_blks_read)::float8 AS blks_read,
                   sum(s.temp_blks_written)::float8 AS temp_written
              FROM %1$s.pg_stat_statements(false) s
              LEFT JOIN pg_database d ON d.oid = s.dbid
              LEFT JOIN pg_roles r ON r.oid = s.userid
             WHERE s.queryid IS NOT NULL
             GROUP BY 1, 2, 3""";

    static final String INFO = ";SELECT dealloc::float8 AS dealloc, extract(epoch FROM stats_reset)::float8 AS stats_reset "
            + "FROM %1$s.pg_stat_statements_info";

    private static final String[] COUNTERS = {"calls", "total_ms", "rows", "blks_hit", "blks_read", "temp_written"};

    @Override
    public boolean rowsPerDatabase() {
        return true;
    }

    @Override
    public String name() {
        return "statements";
    }

    @Override
    public FamilyScope scope() {
        return FamilyScope.SERVER;
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(60);
    }

    @Override
    public boolean heavy() {
        return true;
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        if (context.serverVersion() < 130000) {
            return Uni.createFrom().failure(new FamilyUnavailableException(
                    "pg_stat_statements collection needs PostgreSQL 13 or later"));
        }
        return client.query(FIND_EXTENSION).execute().chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().failure(new FamilyUnavailableException("pg_stat_statements not installed in "
                        + "database " + context.database() + ": add it to shared_preload_libraries and run "
                        + "CREATE EXTENSION pg_stat_statements"));
            }
            String schema = rows.iterator().next().getString("schema");
            String sql = READ.formatted(schema) + (context.serverVersion() >= 140000 ? INFO.formatted(schema) : "");
            return client.query(sql).execute()
                    .onFailure(PgException.class).transform(e -> e.getMessage() != null
                            && e.getMessage().contains("shared_preload_libraries")
                            ? new FamilyUnavailableException("pg_stat_statements is installed but not loaded: add it "
                            + "to shared_preload_libraries and restart PostgreSQL")
                            : e)
                    .map(result -> map(context, result));
        });
    }

    private List<MetricPoint> map(CollectionContext context, RowSet<Row> result) {
        String epoch = context.epoch();
        PointsBuilder points = new PointsBuilder();
        RowSet<Row> info = result.next();
        if (info != null && info.size() > 0) {
            Row i = info.iterator().next();
            epoch = epoch + "/" + i.getValue("stats_reset");
            points.add("pg_stat_statements_dealloc", i.getValue("dealloc"));
        }
        List<Statement> all = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        CounterHistory counters = context.counters();
        for (Row r : result) {
            if (!context.owns(r.getString("datname"))) {
                continue; // another target's database of this server
            }
            String id = "stmt/" + r.getString("datname") + "/" + r.getString("usename") + "/" + r.getString("queryid");
            double[] values = new double[COUNTERS.length];
            double[] deltas = new double[COUNTERS.length];
            boolean haveDelta = true;
            for (int c = 0; c < COUNTERS.length; c++) {
                values[c] = number(r, COUNTERS[c]);
                String key = id + "/" + COUNTERS[c];
                keys.add(key);
                var delta = counters.advance(key, values[c], context.cycleStart(), epoch);
                if (delta.isPresent()) {
                    deltas[c] = delta.get().amount();
                } else {
                    haveDelta = false;
                }
            }
            all.add(new Statement(r.getString("datname"), r.getString("usename"), r.getString("queryid"), values,
                    haveDelta ? deltas : null));
        }
        counters.retain("stmt/", keys);

        int topN = context.settings().statementsTopN();
        double slowMs = context.settings().slowStatementMean().toNanos() / 1e6;
        Set<Statement> chosen = new LinkedHashSet<>();
        all.stream().sorted(Comparator.comparingDouble((Statement s) -> s.values[1]).reversed()).limit(topN)
                .forEach(chosen::add);
        all.stream().sorted(Comparator.comparingDouble(Statement::meanMs).reversed()).limit(topN)
                .forEach(chosen::add);
        all.stream().filter(s -> s.deltas != null && s.deltas[1] > 0)
                .sorted(Comparator.comparingDouble((Statement s) -> s.deltas[1]).reversed()).limit(topN)
                .forEach(chosen::add);
        int slow = 0;
        double intervalSeconds = 0;
        double intervalCalls = 0;
        for (Statement s : all) {
            if (s.meanMs() > slowMs) {
                slow++;
            }
            if (s.deltas != null) {
                intervalSeconds += s.deltas[1] / 1000;
                intervalCalls += s.deltas[0];
            }
        }
        for (Statement s : chosen) {
            String[] labels = {"datname", s.datname, "user", s.user, "queryid", s.queryid};
            points.add("pg_stat_statements_calls", s.values[0], labels);
            points.add("pg_stat_statements_seconds", s.values[1] / 1000, labels);
            points.add("pg_stat_statements_rows", s.values[2], labels);
            points.add("pg_stat_statements_shared_blks_hit", s.values[3], labels);
            points.add("pg_stat_statements_shared_blks_read", s.values[4], labels);
            points.add("pg_stat_statements_temp_blks_written", s.values[5], labels);
            points.add("pg_stat_statements_mean_seconds", s.meanMs() / 1000, labels);
            points.add("pg_stat_statements_slow", s.meanMs() > slowMs, labels);
            if (s.deltas != null) {
                points.add("pg_stat_statements_interval_calls", s.deltas[0], labels);
                points.add("pg_stat_statements_interval_seconds", s.deltas[1] / 1000, labels);
                points.add("pg_stat_statements_interval_rows", s.deltas[2], labels);
                points.add("pg_stat_statements_interval_shared_blks_hit", s.deltas[3], labels);
                points.add("pg_stat_statements_interval_shared_blks_read", s.deltas[4], labels);
                points.add("pg_stat_statements_interval_temp_blks_written", s.deltas[5], labels);
                if (s.deltas[0] > 0) {
                    points.add("pg_stat_statements_interval_mean_seconds", s.deltas[1] / 1000 / s.deltas[0], labels);
                }
            }
        }
        points.add("pg_stat_statements_tracked", all.size());
        points.add("pg_stat_statements_slow_count", slow);
        points.add("pg_stat_statements_all_interval_seconds", intervalSeconds);
        points.add("pg_stat_statements_all_interval_calls", intervalCalls);
        return points.build();
    }

    private static double number(Row row, String column) {
        Object v = row.getValue(column);
        return v instanceof Number n ? n.doubleValue() : 0;
    }

    private record Statement(String datname, String user, String queryid, double[] values, double[] deltas) {
        double meanMs() {
            return values[0] > 0 ? values[1] / values[0] : 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Statement s && s.datname.equals(datname) && s.user.equals(user)
                    && s.queryid.equals(queryid);
        }

        @Override
        public int hashCode() {
            return queryid.hashCode() * 31 + datname.hashCode();
        }
    }
}
