package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code database} family: pg_stat_database counters and database sizes, named as postgres_exporter names them. */
@ApplicationScoped
public class DatabaseFamily implements MetricFamily {

    /** pg_stat_database columns exported as {@code pg_stat_database_<column>}. */
    static final List<String> COUNTERS = List.of(
            "numbackends", "xact_commit", "xact_rollback", "blks_read", "blks_hit", "tup_returned", "tup_fetched",
            "tup_inserted", "tup_updated", "tup_deleted", "conflicts", "temp_files", "temp_bytes", "deadlocks",
            "blk_read_time", "blk_write_time", "stats_reset");

    static final String SQL = """
            SELECT d.datname, d.numbackends, d.xact_commit, d.xact_rollback, d.blks_read, d.blks_hit,
                   d.tup_returned, d.tup_fetched, d.tup_inserted, d.tup_updated, d.tup_deleted, d.conflicts,
                   d.temp_files, d.temp_bytes, d.deadlocks, d.blk_read_time, d.blk_write_time,
                   extract(epoch FROM d.stats_reset)::float8 AS stats_reset,
                   CASE WHEN has_database_privilege(d.datid, 'CONNECT') THEN pg_database_size(d.datid) END AS size_bytes
              FROM pg_stat_database d
              JOIN pg_database db ON db.oid = d.datid
             WHERE d.datname IS NOT NULL AND db.datallowconn
             ORDER BY d.datname""";

    @Override
    public String name() {
        return "database";
    }

    @Override
    public Uni<List<MetricPoint>> collect(SqlClient client) {
        return client.query(SQL).execute().map(rows -> {
            List<MetricPoint> points = new ArrayList<>();
            for (Row row : rows) {
                Map<String, String> labels = Map.of("datname", row.getString("datname"));
                for (String column : COUNTERS) {
                    add(points, "pg_stat_database_" + column, labels, row.getValue(column));
                }
                add(points, "pg_database_size_bytes", labels, row.getValue("size_bytes"));
            }
            return points;
        });
    }

    private static void add(List<MetricPoint> points, String name, Map<String, String> labels, Object value) {
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            points.add(new MetricPoint(name, labels, n.doubleValue()));
        }
    }
}
